/*
 * browser_test.js: show-result's report in headless Chromium (run by
 * browser_test.sh, which makes the reports).
 *
 * Usage: node browser_test.js LOGDIR XSSDIR KODIR [answers]
 *   XSSDIR: a report of testdata/show-result/report (record text full of
 *     script tags, event handlers and javascript: links; two judges).
 *   KODIR: a report of the published Korean board (with its
 *     no_control.csv), or "-" to skip that part; "answers" when it
 *     holds gpt-4o-mini's answer texts.
 * Prints "ok - ..." lines; screenshots go to LOGDIR.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const B = require("../../scripts/browser.js");

const [logdir, xssdir, kodir, koanswers] = process.argv.slice(2);
const kohaveanswers = koanswers === "answers";

function csv(file) {
	/* The board CSV: model names may be quoted. */
	const rows = [];

	for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
		if (line === "")
			continue;
		const m = /^("(?:[^"]|"")*"|[^,]*),([^,]*),/.exec(line);
		let name = m[1];

		if (name.startsWith("\""))
			name = name.slice(1, -1).replace(/""/g, "\"");
		rows.push({ model: name, score: Number(m[2]) });
	}
	return rows;
}

async function section(p, id) {
	await p.page.click("#sections button[aria-controls=\"sec-" + id + "\"]");
}

async function boardRows(p) {
	return p.page.$$eval("#board tbody tr", (trs) => trs.map((tr) => ({
		model: tr.getAttribute("data-model"),
		score: tr.querySelector("td.score").textContent
	})));
}

/* Only the page and its own data files were requested. */
function ownFiles(p, dir) {
	const base = "file://" + path.resolve(dir) + "/";

	return p.requests.every((u) => u === base + "index.html" ||
	    /^browse\/[A-Za-z0-9._-]+\.js$/.test(u.slice(base.length)) &&
	    u.startsWith(base));
}

async function waitBrowse(p) {
	await p.page.waitForSelector("#browse-view", { timeout: 10000 });
}

/* Choose a model of the question browser by name. */
async function pickModel(p, name) {
	const v = await p.page.$$eval("#browse-model option", (o, n) =>
	    o.filter((x) => x.textContent === n).map((x) => x.value), name);

	await p.page.select("#browse-model", v[0]);
	await p.page.waitForFunction((n) => {
		const e = document.querySelector("#browse-view .panel.answer.model h3");

		return e !== null && e.textContent.indexOf(n) >= 0;
	}, { timeout: 10000 }, name);
}

async function koPart(b) {
	const url = "file://" + path.resolve(kodir, "index.html");
	const want = csv(path.join(kodir, "no_control.csv"));
	const p = await b.open(url, { width: 1280, height: 900 });
	let rows = await boardRows(p);

	B.ok("korean board: one row per CSV row (" + want.length + ")",
	    rows.length === want.length && want.length >= 51,
	    rows.length + " rows");
	B.ok("korean board: rows and scores equal the CSV, in order",
	    rows.every((r, i) => r.model === want[i].model &&
	    Math.abs(Number(r.score) - want[i].score) < 1e-9),
	    JSON.stringify(rows.slice(0, 3)) + " vs " +
	    JSON.stringify(want.slice(0, 3)));
	await p.shot("ko-board-desktop");
	/* Sorting by model name, then by score ascending. */
	await p.page.click("#board th[data-key=\"model\"]");
	rows = await boardRows(p);
	const names = rows.map((r) => r.model);
	B.ok("sorting by model orders the rows by name",
	    names.join("\n") === names.slice().sort().join("\n") &&
	    names[0] !== want[0].model, names.slice(0, 3).join(", "));
	await p.page.click("#board th[data-key=\"score\"]");
	await p.page.click("#board th[data-key=\"score\"]");
	rows = await boardRows(p);
	B.ok("sorting by score twice: lowest score first",
	    rows[0].model === want[want.length - 1].model,
	    rows[0].model + " " + rows[0].score);
	/* Search. */
	await p.page.type("#board-search", "gemini");
	rows = await boardRows(p);
	B.ok("search keeps only matching models",
	    rows.length > 0 && rows.length < want.length &&
	    rows.every((r) => r.model.indexOf("gemini") >= 0),
	    rows.map((r) => r.model).join(", "));
	const count = await p.page.$eval("#board-count", (e) => e.textContent);
	B.ok("the count says so", count === rows.length + " of " + want.length +
	    " models", count);
	/* The language switch. */
	await p.page.select("#lang", "ko");
	const th = await p.page.$eval("#board th[data-key=\"model\"]",
	    (e) => e.textContent);
	const lang = await p.page.$eval("html", (e) => e.getAttribute("lang"));
	B.ok("the page switches to Korean", th === "모델" && lang === "ko",
	    th + " " + lang);
	await p.page.select("#lang", "zh");
	const th2 = await p.page.$eval("#board th[data-key=\"model\"]",
	    (e) => e.textContent);
	B.ok("and to Chinese", th2 === "模型", th2);
	await p.page.select("#lang", "ko");
	await p.page.$eval("#board-search", (e) => {
		e.value = "";
		e.dispatchEvent(new Event("input"));
	});
	await p.shot("ko-board-desktop-ko", { full: false });
	await koBrowse(p);
	const ph = await b.open(url, { width: 390, height: 844 });
	await ph.shot("ko-board-phone");
	const overflow = await ph.page.evaluate(() =>
	    document.documentElement.scrollWidth -
	    document.documentElement.clientWidth);
	B.ok("phone: the page is no wider than the screen", overflow <= 0,
	    overflow + " px wider");
	await ph.page.select("#lang", "ko");
	await section(ph, "browse");
	await waitBrowse(ph);
	await pickModel(ph, "gpt-4o-mini");
	await ph.shot("ko-browser-phone", { full: false });
	const over = await ph.page.evaluate(() =>
	    document.documentElement.scrollWidth -
	    document.documentElement.clientWidth);
	B.ok("korean, phone: the browser is no wider than the screen",
	    over <= 0, over + " px wider");
	B.ok("korean: no console error", p.errors.length === 0 &&
	    ph.errors.length === 0, p.errors.concat(ph.errors).join("\n"));
	B.ok("korean: no request but the page and its data files",
	    ownFiles(p, kodir) && ownFiles(ph, kodir), p.requests.join("\n"));
}

/*
 * The Korean questions in the browser: a question of gpt-4o-mini (whose
 * answer texts the test gives when ../shared is there) with the board's
 * two games and both answers.
 */
async function koBrowse(p) {
	const pg = p.page;

	await section(p, "browse");
	await waitBrowse(p);
	await pickModel(p, "gpt-4o-mini");
	const v = await pg.evaluate(() => {
		const view = document.getElementById("browse-view");
		const row = view.querySelector("table.labels tbody tr");

		return {
			question: view.querySelector(".panel.question").textContent,
			games: row ? [...row.querySelectorAll("td")].slice(1).map((td) =>
			    td.textContent) : [],
			answers: [...view.querySelectorAll(".panel.answer")].map((e) =>
			    e.querySelector(".missing") === null),
			model: view.querySelector(".panel.answer.model h3").textContent
		};
	});
	B.ok("korean browser: gpt-4o-mini chosen",
	    v.model.indexOf("gpt-4o-mini") >= 0, v.model);
	B.ok("korean browser: the question is in Korean",
	    /[\uac00-\ud7a3]/.test(v.question), v.question.slice(0, 80));
	B.ok("korean browser: the board's verdicts of both games",
	    v.games.length === 2 && v.games.every((g) => /^[AB]/.test(g)),
	    v.games.join(" | "));
	if (kohaveanswers)
		B.ok("korean browser: both answers' texts",
		    v.answers.join() === "true,true", v.answers.join());
	else
		B.skip("korean browser: answer texts (no ../shared)");
	await p.shot("ko-browser-desktop", { full: false });
}

async function xssPart(b) {
	const url = "file://" + path.resolve(xssdir, "index.html");
	const p = await b.open(url, { width: 1280, height: 900 });
	const pg = p.page;

	B.ok("xss: the evil model name is a row, as text",
	    await pg.evaluate(() => [...document.querySelectorAll("#board td.model")]
	    .some((td) => td.textContent.indexOf("<img src=x onerror=") >= 0)));
	B.ok("xss: caution for a judge that is a ranked model",
	    await pg.evaluate(() => [...document.querySelectorAll(".caution")]
	    .some((e) => /alpha/.test(e.textContent))));
	/* Every section renders. */
	for (const s of ["matrix", "category", "judges"]) {
		await section(p, s);
		const n = await pg.$eval("#sec-" + s, (e) => e.childElementCount);
		B.ok("section " + s + " renders", n > 1, n + " children");
	}
	await pg.screenshot({ path: path.join(logdir, "xss-judges.png"),
	    fullPage: true });
	const kappa = await pg.$$eval("#pairs tbody tr", (trs) => trs.length);
	B.ok("judges: one agreement row for the two judges", kappa === 1);
	/* The browser: both games of every judge, texts as text. */
	await section(p, "browse");
	await waitBrowse(p);
	const view = await pg.evaluate(() => {
		const v = document.getElementById("browse-view");

		return {
			judges: [...v.querySelectorAll(".panel.judge")].map((e) =>
			    e.getAttribute("data-judge")),
			games: [...v.querySelectorAll(".panel.judge details.game")].map(
			    (d) => d.getAttribute("data-game") + ":" + d.open),
			texts: [...v.querySelectorAll(".panel.judge .md")].length,
			question: v.querySelector(".panel.question").textContent
		};
	});
	B.ok("browser: both judges' panels", view.judges.join(",") ===
	    "alpha,gpt-judge", view.judges.join(","));
	B.ok("browser: both games of each judge, open",
	    view.games.join(",") === "1:true,2:true,1:true,2:true",
	    view.games.join(","));
	B.ok("browser: a judge text under each game", view.texts === 4,
	    view.texts);
	B.ok("browser: the question's markup shows as text",
	    view.question.indexOf("<script>window.__pwned = 1</script>") >= 0,
	    view.question);
	await p.shot("xss-browser-desktop");
	/* Next and previous, by key and by button. */
	const qid = () => pg.$eval("#browse-view", (e) => e.getAttribute("data-qid"));
	const q1 = await qid();
	await pg.keyboard.press("j");
	const q2 = await qid();
	await pg.keyboard.press("ArrowRight");
	const q3 = await qid();
	await pg.keyboard.press("k");
	const q4 = await qid();
	B.ok("keys: j and → go forward, k back", q1 === "q1" && q2 === "q2" &&
	    q3 === "q3" && q4 === "q2", [q1, q2, q3, q4].join(" "));
	await pg.click("#browse-prev");
	B.ok("the previous button goes back", await qid() === "q1");
	/* Filters. */
	await pg.select("#browse-cat", "writing");
	const cats = await pg.$eval("#browse-count", (e) => e.textContent);
	B.ok("category filter", cats === "2 of 4 questions", cats);
	await pg.select("#browse-cat", "");
	await pg.click("#browse-disagree");
	const dis = await pg.$eval("#browse-count", (e) => e.textContent);
	await pg.click("#browse-disagree");
	await pg.click("#browse-inconsistent");
	const inc = await pg.$eval("#browse-count", (e) => e.textContent);
	await pg.click("#browse-inconsistent");
	/*
	 * alpha: the two judges' labels differ on a game of every question;
	 * gpt-judge's games point different ways on q1 and q2, both judges'
	 * and the board's on q3, nobody's on q4.
	 */
	B.ok("judges-disagree filter", dis === "4 of 4 questions", dis);
	B.ok("position-inconsistent filter", inc === "3 of 4 questions", inc);
	await pg.select("#browse-label", "-2");
	const lab = await pg.$eval("#browse-count", (e) => e.textContent);
	B.ok("verdict filter (model much worse: none for alpha)",
	    lab === "0 of 4 questions", lab);
	await pg.select("#browse-label", "");
	/* Walk every model and question: nothing may run or load. */
	const models = await pg.$$eval("#browse-model option", (o) =>
	    o.map((x) => x.value));
	let walked = 0;
	for (const m of models) {
		await pg.select("#browse-model", m);
		await waitBrowse(p);
		for (let i = 0; i < 4; i++) {
			walked++;
			await pg.keyboard.press("j");
		}
	}
	const inert = await pg.evaluate(() => ({
		pwned: window.__pwned,
		scripts: [...document.querySelectorAll("script")].filter((s) =>
		    !s.src && s.type !== "application/json").length,
		srcScripts: [...document.querySelectorAll("script[src]")].map((s) =>
		    s.getAttribute("src")),
		bad: document.querySelectorAll("main img, main a, main iframe, " +
		    "main svg, main object, main embed, main [onerror], main [onload]," +
		    " main [href], main [src]").length
	}));
	B.ok("xss: no record text ran (" + walked + " questions shown)",
	    inert.pwned === undefined, String(inert.pwned));
	B.ok("xss: no image, link, frame or handler in the page", inert.bad === 0,
	    inert.bad);
	B.ok("xss: the page's one inline script, data files only from browse/",
	    inert.scripts === 1 && inert.srcScripts.every((s) =>
	    /^browse\/[A-Za-z0-9._-]+\.js$/.test(s)), JSON.stringify(inert));
	B.ok("xss: no console error, dialog or failed request",
	    p.errors.length === 0, p.errors.join("\n"));
	B.ok("xss: only the page and its browse/ files were requested",
	    ownFiles(p, xssdir), p.requests.join("\n"));
	/* Markdown rendered inside the text. */
	await pg.select("#browse-model", models[0]);
	const md = await pg.evaluate(() => {
		const v = document.getElementById("browse-view");

		return {
			h1: v.querySelectorAll(".answer .md h1").length,
			li: v.querySelectorAll(".answer .md li").length,
			table: v.querySelectorAll(".answer .md table").length,
			pre: v.querySelectorAll(".answer .md pre").length
		};
	});
	B.ok("markdown: heading, list, table and code block rendered",
	    md.h1 >= 1 && md.li >= 3 && md.table >= 1 && md.pre >= 1,
	    JSON.stringify(md));
	const ph = await b.open(url, { width: 390, height: 844 });
	await section(ph, "browse");
	await waitBrowse(ph);
	await ph.shot("xss-browser-phone");
	const over = await ph.page.evaluate(() =>
	    document.documentElement.scrollWidth -
	    document.documentElement.clientWidth);
	B.ok("phone: the browser is no wider than the screen", over <= 0,
	    over + " px wider");
	B.ok("phone: no console error", ph.errors.length === 0,
	    ph.errors.join("\n"));
}

(async () => {
	const b = await B.launch(logdir);

	try {
		await xssPart(b);
		if (kodir !== "-")
			await koPart(b);
		else
			B.skip("korean board in the browser: no report made");
	} finally {
		await b.close();
	}
	process.exit(B.failed() ? 1 : 0);
})().catch((e) => {
	console.log("not ok - browser test crashed: " + e.stack);
	process.exit(1);
});
