/*
 * browser.js: headless Chromium for judgepipe's browser tests (the report,
 * the arena), driven by puppeteer-core (scripts/package.json, installed
 * into scripts/node_modules by scripts/deps.sh test) and pointed at the
 * system chromium (Debian's; $CHROMIUM overrides the path).
 *
 *   const B = require("../../scripts/browser.js");
 *   if (!B.available()) { B.skip("no puppeteer-core"); return; }
 *   const b = await B.launch(logdir);       // a fresh profile in logdir
 *   const p = await b.open("file:///.../index.html", { width: 1280 });
 *   p.page                 the puppeteer Page
 *   p.requests             every URL the page asked for, in order
 *   p.errors               console errors, page errors, failed requests
 *   await p.shot("board-desktop")   logdir/board-desktop.png (full page;
 *                          { full: false }: the viewport only)
 *   B.ok(name, cond, detail)  prints "ok - name" or "not ok - name" for
 *                          scripts/run-tests.sh (B.failed() tells)
 *   await b.close();
 *
 * Chromium runs with flags that keep it off the network (no component
 * updates, sync, QUIC, background requests, first-run pages) and without
 * the sandbox (tests run as root in containers).  A test that must make
 * no request at all checks p.requests.
 */
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

let puppeteer = null;
try {
	puppeteer = require("puppeteer-core");
} catch (e) {
	puppeteer = null;
}

let failures = 0;

function executable() {
	const cands = [process.env.CHROMIUM, "/usr/bin/chromium",
	    "/usr/bin/chromium-browser"];

	for (const c of cands)
		if (c && fs.existsSync(c))
			return c;
	return null;
}

/* Whether puppeteer-core and a chromium are there. */
function available() {
	return puppeteer !== null && executable() !== null;
}

function ok(name, cond, detail) {
	if (cond) {
		console.log("ok - " + name);
	} else {
		failures++;
		console.log("not ok - " + name);
		if (detail !== undefined)
			console.log("    " + String(detail).split("\n").join("\n    "));
	}
	return !!cond;
}

function skip(name) {
	console.log("skip - " + name);
}

function failed() {
	return failures > 0;
}

async function launch(logdir) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "jp-chromium-"));
	const browser = await puppeteer.launch({
		executablePath: executable(),
		headless: true,
		userDataDir: profile,
		args: [
			"--headless", "--no-sandbox", "--disable-gpu",
			"--disable-quic", "--no-first-run",
			"--disable-background-networking",
			"--disable-component-update", "--disable-sync",
			"--disable-default-apps", "--disable-extensions",
			"--no-default-browser-check", "--disable-dev-shm-usage"
		]
	});
	fs.mkdirSync(logdir, { recursive: true });

	async function open(url, opts) {
		const o = Object.assign({ width: 1280, height: 900 }, opts || {});
		const page = await browser.newPage();
		const rec = { page, requests: [], errors: [] };

		await page.setViewport({ width: o.width, height: o.height,
		    deviceScaleFactor: 1, isMobile: o.width < 600,
		    hasTouch: o.width < 600 });
		page.on("request", (r) => rec.requests.push(r.url()));
		page.on("console", (m) => {
			if (m.type() === "error")
				rec.errors.push("console: " + m.text());
		});
		page.on("pageerror", (e) => rec.errors.push("page: " + e.message));
		page.on("requestfailed", (r) => rec.errors.push("request failed: " +
		    r.url() + " " + (r.failure() ? r.failure().errorText : "")));
		page.on("dialog", (d) => {
			rec.errors.push("dialog: " + d.message());
			d.dismiss();
		});
		rec.shot = async (name, so) => {
			const file = path.join(logdir, name + ".png");

			await page.screenshot({ path: file,
			    fullPage: !(so && so.full === false) });
			return file;
		};
		await page.goto(url, { waitUntil: "load" });
		return rec;
	}

	return {
		open,
		browser,
		close: async () => {
			await browser.close();
			fs.rmSync(profile, { recursive: true, force: true });
		}
	};
}

module.exports = { available, launch, ok, skip, failed };
