/*
 * browser_test.js: a voter in headless Chromium (scripts/browser.js).
 * Usage: node browser_test.js MODE URL LOGDIR MODELS
 *   MODE vote: vote 20 battles by clicking (and by keys), checking before
 *        every vote that no model name is in the DOM or in any response
 *        the page received, and after it that both names are shown;
 *        leaderboard tab, languages, screenshots at desktop and phone width.
 *   MODE xss: a battle whose question and answers are XSS fixtures: nothing
 *        runs, the text is shown as text, no element of theirs exists.
 *   MODE live: an own question typed into the box, answered, voted.
 * MODELS: comma-separated names that must stay hidden before a vote.
 */
"use strict";

const B = require("../../scripts/browser.js");

const [mode, url, logdir, modelList] = process.argv.slice(2);
const models = modelList.split(",");

function named(text) {
	return models.filter((m) => text.indexOf(m) >= 0);
}

async function waitBattle(p) {
	await p.page.waitForFunction(() => {
		const b = document.getElementById("battle");
		const v = document.getElementById("vote-a");

		return b && !b.hidden && v && !v.disabled &&
		    document.getElementById("answer-a").textContent.length > 0;
	}, { timeout: 20000 });
}

async function waitVoted(p) {
	await p.page.waitForFunction(() => {
		const a = document.getElementById("after");

		return a && !a.hidden &&
		    document.getElementById("name-a").textContent.length > 0;
	}, { timeout: 20000 });
}

/* Every response body the page gets, in order (API and files). */
function recordBodies(p) {
	const bodies = [];

	p.page.on("response", async (r) => {
		let text = "";

		try {
			text = await r.text();
		} catch (e) {
			text = "";
		}
		bodies.push({ url: r.url(), status: r.status(), text });
	});
	return bodies;
}

async function settle(p) {
	/* Let response handlers finish reading bodies. */
	await new Promise((res) => setTimeout(res, 50));
}

async function vote(p, bodies) {
	const winners = ["a", "b", "tie", "bothbad"];
	let leakDom = [], leakResp = [], shown = 0, sameSide = 0, keysUsed = 0;
	let seen = 0, nameOk = 0;

	for (let i = 0; i < 20; i++) {
		await waitBattle(p);
		await settle(p);
		const dom = await p.page.evaluate(() =>
		    document.documentElement.outerHTML + document.body.innerText);
		leakDom = leakDom.concat(named(dom).map((m) => i + ": " + m));
		for (; seen < bodies.length; seen++)
			leakResp = leakResp.concat(named(bodies[seen].text).map(
			    (m) => i + ": " + bodies[seen].url + " " + m));
		if (i === 0) {
			await p.shot("arena-desktop-before-vote", { full: false });
			await p.shot("arena-desktop-full");
		}
		const w = winners[i % 4];
		if (i % 5 === 4) {
			/* The keys 1-4 vote as the buttons do. */
			await p.page.keyboard.press(String(winners.indexOf(w) + 1));
			keysUsed++;
		} else {
			await p.page.click("#vote-" + w);
		}
		await waitVoted(p);
		const names = await p.page.evaluate(() => [
		    document.getElementById("name-a").textContent,
		    document.getElementById("name-b").textContent,
		    document.getElementById("result").textContent]);
		if (models.indexOf(names[0]) >= 0 &&
		    models.indexOf(names[1]) >= 0 && names[0] !== names[1])
			nameOk++;
		if (names[2].indexOf(names[0]) >= 0)
			shown++;
		if (i === 0)
			await p.shot("arena-desktop-after-vote", { full: false });
		await settle(p);
		seen = bodies.length;	/* the vote's answer names them */
		if (i % 3 === 2)
			await p.page.keyboard.press("n");
		else
			await p.page.click("#next");
		sameSide += names[0] === names[1];
	}
	B.ok("no model name in the DOM before any of the 20 votes",
	    leakDom.length === 0, leakDom.join("\n"));
	B.ok("no model name in any response before a vote",
	    leakResp.length === 0, leakResp.join("\n"));
	B.ok("both names shown after each of the 20 votes", nameOk === 20,
	    nameOk + " of 20");
	B.ok("the result line names the models", shown === 20, shown);
	B.ok("keys 1-4 voted too", keysUsed === 4, keysUsed);
	await waitBattle(p);
}

async function board(p) {
	await p.page.click("#tab-board");
	await p.page.waitForFunction(() =>
	    document.querySelectorAll("#board-rows tr").length > 0,
	    { timeout: 20000 });
	const rows = await p.page.evaluate(() =>
	    Array.from(document.querySelectorAll("#board-rows tr")).map(
	    (tr) => Array.from(tr.children).map((td) => td.textContent)));
	const api = await p.page.evaluate(async () => {
		const r = await fetch("/api/leaderboard", { cache: "no-store" });
		return r.json();
	});
	B.ok("leaderboard tab: a row per model", rows.length === models.length,
	    JSON.stringify(rows));
	B.ok("leaderboard tab: the API's order and votes",
	    rows.length === api.models.length && rows.every((r, i) =>
	    r[1] === api.models[i].model &&
	    r[4] === String(api.models[i].n_battles)),
	    JSON.stringify(rows) + "\n" + JSON.stringify(api.models));
	B.ok("leaderboard tab: 20 votes", api.votes === 20, api.votes);
	const mx = await p.page.evaluate(() =>
	    Array.from(document.querySelectorAll("#matrix tbody tr")).map(
	    (tr) => Array.from(tr.children).map((td) => td.textContent)));
	const games = mx.map((r) => r.slice(1).map((c) =>
	    /^\d+% of (\d+)$/.test(c) ? Number(RegExp.$1) : 0));
	B.ok("leaderboard tab: the matrix, a row per model, battles as the API's",
	    mx.length === models.length && JSON.stringify(games) ===
	    JSON.stringify(api.matrix.games.map((r, i) => r.map((g, j) =>
	    i === j ? 0 : g))), JSON.stringify(mx));
	await p.shot("arena-desktop-leaderboard");
}

async function languages(p) {
	const want = { ko: "투표", zh: "投票", en: "Vote" };

	for (const l of ["ko", "zh", "en"]) {
		await p.page.select("#lang", l);
		const t = await p.page.evaluate(() => [
		    document.getElementById("tab-vote").textContent,
		    document.documentElement.getAttribute("lang")]);
		B.ok("language " + l, t[0] === want[l] && t[1] === l, t);
		if (l === "ko")
			await p.shot("arena-desktop-ko", { full: false });
	}
	await p.page.click("#tab-vote");
}

async function runVote() {
	const b = await B.launch(logdir);
	const p = await b.open(url, { width: 1280, height: 900 });
	const bodies = recordBodies(p);

	/* The page was loaded before the recorder: check it once. */
	const html = await p.page.content();
	B.ok("the page names no model", named(html).length === 0);
	await vote(p, bodies);
	await board(p);
	await languages(p);
	const origin = new URL(url).origin;
	const foreign = p.requests.filter((u) => !u.startsWith(origin));
	B.ok("no request leaves the server's origin", foreign.length === 0,
	    foreign.join("\n"));
	B.ok("no console error", p.errors.length === 0, p.errors.join("\n"));

	/* A phone: the answers stack and the buttons stay on screen. */
	const q = await b.open(url, { width: 390, height: 844 });
	await waitBattle(q);
	const geo = await q.page.evaluate(() => {
		const a = document.getElementById("side-a").getBoundingClientRect();
		const c = document.getElementById("side-b").getBoundingClientRect();
		const v = document.getElementById("vote-bothbad")
		    .getBoundingClientRect();

		return { stacked: c.top >= a.bottom - 1, aw: a.width,
		    page: document.documentElement.scrollWidth,
		    btn: v.bottom <= window.innerHeight + 1 };
	});
	B.ok("phone: answers stacked", geo.stacked, JSON.stringify(geo));
	B.ok("phone: nothing wider than the screen", geo.page <= 390,
	    JSON.stringify(geo));
	B.ok("phone: the vote buttons are on screen", geo.btn,
	    JSON.stringify(geo));
	await q.shot("arena-phone-before-vote", { full: false });
	await q.page.click("#vote-b");
	await waitVoted(q);
	await q.shot("arena-phone-after-vote", { full: false });
	await q.page.click("#tab-board");
	await q.page.waitForFunction(() =>
	    document.querySelectorAll("#board-rows tr").length > 0);
	await q.shot("arena-phone-leaderboard", { full: false });
	B.ok("phone: no console error", q.errors.length === 0,
	    q.errors.join("\n"));
	await b.close();
}

async function runXss() {
	const b = await B.launch(logdir);
	const p = await b.open(url, { width: 1280, height: 900 });

	await waitBattle(p);
	const r = await p.page.evaluate(() => {
		const md = document.querySelectorAll(".md");
		let bad = [];

		for (const el of md)
			for (const x of el.querySelectorAll("script, img, iframe, a, " +
			    "svg, math, style, details, b, object, embed"))
				bad.push(x.tagName);
		return {
			xss: window.__xss,
			bad: bad,
			textA: document.getElementById("answer-a").textContent,
			q: document.getElementById("question").textContent,
			hidden: getComputedStyle(document.body).display
		};
	});
	B.ok("XSS: no script ran", r.xss === undefined, r.xss);
	B.ok("XSS: no element from the record text", r.bad.length === 0,
	    r.bad.join(","));
	B.ok("XSS: the markup shows as text",
	    r.textA.indexOf("<script>window.__xss=1</script>") >= 0 &&
	    r.textA.indexOf("onerror") >= 0 &&
	    r.textA.indexOf("javascript:window.__xss=3") >= 0, r.textA);
	B.ok("XSS: the question's markup is text too",
	    r.q.indexOf("<script>") >= 0, r.q);
	B.ok("XSS: the record's style does not hide the page",
	    r.hidden !== "none");
	await p.page.click("#vote-a");
	await waitVoted(p);
	await p.page.mouse.move(300, 300);
	await p.page.mouse.move(700, 500);
	const after = await p.page.evaluate(() => window.__xss);
	B.ok("XSS: nothing ran after the vote either", after === undefined,
	    after);
	await p.shot("arena-xss", { full: false });
	B.ok("XSS: no console error or dialog", p.errors.length === 0,
	    p.errors.join("\n"));
	await b.close();
}

async function runLive() {
	const b = await B.launch(logdir);
	const p = await b.open(url, { width: 1280, height: 900 });

	await p.page.waitForFunction(() =>
	    !document.getElementById("own").hidden, { timeout: 20000 });
	await p.page.type("#own-q", "Which is larger, 9.11 or 9.9?");
	await p.shot("arena-live-ask", { full: false });
	await p.page.click("#own-ask");
	await waitBattle(p);
	const t = await p.page.evaluate(() => [
	    document.getElementById("question").textContent,
	    document.getElementById("answer-a").textContent,
	    document.documentElement.outerHTML]);
	B.ok("live: the own question is shown", t[0].indexOf("9.11") >= 0,
	    t[0]);
	B.ok("live: a model answered", t[1].indexOf("Mock answer") >= 0, t[1]);
	B.ok("live: no entry name before the vote", named(t[2]).length === 0,
	    named(t[2]));
	await p.page.click("#vote-tie");
	await waitVoted(p);
	const n = await p.page.evaluate(() =>
	    document.getElementById("name-b").textContent);
	B.ok("live: names after the vote", models.indexOf(n) >= 0, n);
	await p.shot("arena-live-voted", { full: false });
	B.ok("live: no console error", p.errors.length === 0,
	    p.errors.join("\n"));
	await b.close();
}

(async () => {
	if (!B.available()) {
		B.skip("browser tests (no puppeteer-core or chromium)");
		return;
	}
	try {
		if (mode === "vote")
			await runVote();
		else if (mode === "xss")
			await runXss();
		else
			await runLive();
	} catch (e) {
		B.ok("the browser session ran", false, e.stack);
	}
	process.exitCode = B.failed() ? 1 : 0;
})();
