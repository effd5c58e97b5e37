/*
 * arena.js: the blind voting page of arena(1).  Needs dom.js, i18n.js and
 * markdown.js.
 *
 * It talks to the server's JSON API only (same origin): /api/info,
 * /api/battle, /api/vote, /api/leaderboard.  Record text (questions,
 * answers, model names) enters the page as text nodes through JP.h and
 * JP.md, never as HTML (see dom.js).  The model names exist in the page
 * only after the vote answered with them.  A voter token given as
 * "#token=..." in the address is kept in sessionStorage and sent as an
 * Authorization header; it never goes into a request's URL.
 */
(function () {
	"use strict";

	var STRINGS = {
		en: {
			title: "Blind arena",
			tab_vote: "Vote",
			tab_board: "Leaderboard",
			language: "Language",
			intro: "Two anonymous models answered the question below. " +
			    "Read both answers and say which is better; their names " +
			    "are shown after your vote.",
			own_label: "Ask your own question",
			own_placeholder: "Type a question; two random models " +
			    "will answer it",
			own_ask: "Ask two models",
			question: "Question",
			model_a: "Model A",
			model_b: "Model B",
			a_better: "A is better",
			b_better: "B is better",
			tie: "Tie",
			both_bad: "Both are bad",
			next: "Next battle",
			loading: "Loading a battle…",
			asking: "Waiting for the two models to answer…",
			saving: "Saving your vote…",
			voted_a: "You preferred A.",
			voted_b: "You preferred B.",
			voted_tie: "You called it a tie.",
			voted_bothbad: "You found both answers bad.",
			reveal: "A was {a}, B was {b}.",
			error: "Something went wrong: {msg}",
			no_token: "This arena needs a voter token: open the " +
			    "address you were given (…#token=…).",
			rank: "Rank",
			model: "Model",
			elo: "Elo",
			ci: "95% CI",
			votes: "Votes",
			board_note: "{n} votes so far.",
			board_empty: "No votes yet.",
			matrix_title: "Who beat whom",
			matrix_how: "The share of its battles against the column " +
			    "model that the row model won (a tie counts half), and " +
			    "the number of battles.",
			matrix_cell: "{p} of {n}",
			board_how: "Online Elo as Chatbot Arena computes it (K = 4, " +
			    "votes in time order); the interval is a bootstrap over " +
			    "the votes."
		},
		ko: {
			title: "블라인드 아레나",
			tab_vote: "투표",
			tab_board: "리더보드",
			language: "언어",
			intro: "익명의 두 모델이 아래 질문에 답했습니다. 두 답변을 " +
			    "읽고 어느 쪽이 더 나은지 골라 주세요. 모델 이름은 투표 " +
			    "후에 공개됩니다.",
			own_label: "직접 질문하기",
			own_placeholder: "질문을 입력하면 무작위로 고른 두 모델이 " +
			    "답합니다",
			own_ask: "두 모델에게 묻기",
			question: "질문",
			model_a: "모델 A",
			model_b: "모델 B",
			a_better: "A가 더 좋음",
			b_better: "B가 더 좋음",
			tie: "비슷함",
			both_bad: "둘 다 나쁨",
			next: "다음 대결",
			loading: "대결을 불러오는 중…",
			asking: "두 모델의 답변을 기다리는 중…",
			saving: "투표를 저장하는 중…",
			voted_a: "A를 선택했습니다.",
			voted_b: "B를 선택했습니다.",
			voted_tie: "비슷하다고 판단했습니다.",
			voted_bothbad: "둘 다 나쁘다고 판단했습니다.",
			reveal: "A는 {a}, B는 {b}였습니다.",
			error: "문제가 생겼습니다: {msg}",
			no_token: "이 아레나는 투표 토큰이 필요합니다. 받은 주소" +
			    "(…#token=…)로 여세요.",
			rank: "순위",
			model: "모델",
			elo: "Elo",
			ci: "95% 신뢰구간",
			votes: "투표 수",
			board_note: "지금까지 {n}표.",
			board_empty: "아직 투표가 없습니다.",
			matrix_title: "상대 전적",
			matrix_how: "행 모델이 열 모델과의 대결에서 이긴 비율" +
			    "(비김은 절반)과 대결 수입니다.",
			matrix_cell: "{n}번 중 {p}",
			board_how: "Chatbot Arena 방식의 온라인 Elo(K = 4, 시간 " +
			    "순서); 구간은 투표에 대한 부트스트랩입니다."
		},
		zh: {
			title: "盲测竞技场",
			tab_vote: "投票",
			tab_board: "排行榜",
			language: "语言",
			intro: "两个匿名模型回答了下面的问题。请阅读两个回答并选出" +
			    "更好的一个；投票后会显示模型名称。",
			own_label: "提出你自己的问题",
			own_placeholder: "输入问题，随机选出的两个模型将回答",
			own_ask: "向两个模型提问",
			question: "问题",
			model_a: "模型 A",
			model_b: "模型 B",
			a_better: "A 更好",
			b_better: "B 更好",
			tie: "平局",
			both_bad: "都不好",
			next: "下一组",
			loading: "正在加载对战…",
			asking: "正在等待两个模型回答…",
			saving: "正在保存投票…",
			voted_a: "你选择了 A。",
			voted_b: "你选择了 B。",
			voted_tie: "你认为两者相当。",
			voted_bothbad: "你认为两个回答都不好。",
			reveal: "A 是 {a}，B 是 {b}。",
			error: "出错了：{msg}",
			no_token: "此竞技场需要投票令牌：请打开你收到的地址" +
			    "（…#token=…）。",
			rank: "排名",
			model: "模型",
			elo: "Elo",
			ci: "95% 置信区间",
			votes: "票数",
			board_note: "目前共 {n} 票。",
			board_empty: "还没有投票。",
			matrix_title: "胜负矩阵",
			matrix_how: "行模型在与列模型的对战中获胜的比例（平局" +
			    "算一半）及对战次数。",
			matrix_cell: "{n} 场中 {p}",
			board_how: "按 Chatbot Arena 的方法计算的在线 Elo（K = 4，" +
			    "按时间顺序）；区间来自对投票的自助抽样。"
		}
	};

	var tr = JP.i18n(STRINGS, "en");
	var info = null;
	var battle = null;	/* {battle, question, a, b} */
	var voted = null;	/* {winner, model_a, model_b} */
	var busy = false;
	var $ = function (id) { return document.getElementById(id); };

	/*
	 * The fragment is never sent to a server, so "#token=..." reaches
	 * only this script.
	 */
	function token() {
		var m = /#(?:.*&)?token=([^&]*)/.exec(document.URL);

		if (m) {
			try {
				sessionStorage.setItem("arena-token",
				    decodeURIComponent(m[1]));
			} catch (e) { /* storage may be off */ }
		}
		try {
			return sessionStorage.getItem("arena-token");
		} catch (e) {
			return null;
		}
	}

	/* A JSON request to the API; resolves to {status, body}. */
	function api(method, path, body) {
		var headers = { "Accept": "application/json" };
		var t = token();
		var init = { method: method, headers: headers, cache: "no-store",
		    credentials: "omit", redirect: "error" };

		if (t)
			headers.Authorization = "Bearer " + t;
		if (method === "POST") {
			headers["Content-Type"] = "application/json";
			init.body = JSON.stringify(body || {});
		}
		return fetch(path, init).then(function (r) {
			return r.json().then(function (j) {
				return { status: r.status, body: j };
			}, function () {
				return { status: r.status, body: {} };
			});
		});
	}

	function status(key, vars, isError) {
		var el = $("status");

		JP.text(el, key ? tr.t(key, vars) : "");
		el.className = "status" + (isError ? " error" : "");
	}

	function fail(r) {
		if (r && r.status === 401) {
			status("no_token", null, true);
			return;
		}
		status("error", { msg: r && r.body && r.body.error ?
		    r.body.error : r && r.message ? r.message : "?" }, true);
	}

	function setVoting(on) {
		var bs = document.querySelectorAll("button.vote"), i;

		for (i = 0; i < bs.length; i++)
			bs[i].disabled = !on;
	}

	function render() {
		if (!battle) {
			$("battle").hidden = true;
			return;
		}
		$("battle").hidden = false;
		JP.md.render(battle.question, JP.clear($("question")));
		JP.md.render(battle.a, JP.clear($("answer-a")));
		JP.md.render(battle.b, JP.clear($("answer-b")));
		renderVote();
	}

	function renderVote() {
		var key, bs, i;

		JP.clear($("name-a"));
		JP.clear($("name-b"));
		$("side-a").className = "answer";
		$("side-b").className = "answer";
		bs = document.querySelectorAll("button.vote");
		for (i = 0; i < bs.length; i++)
			bs[i].classList.remove("chosen");
		if (!voted) {
			$("after").hidden = true;
			setVoting(!busy);
			return;
		}
		setVoting(false);
		$("vote-" + voted.winner).classList.add("chosen");
		JP.text($("name-a"), voted.model_a);
		JP.text($("name-b"), voted.model_b);
		if (voted.winner === "a")
			$("side-a").className = "answer won";
		if (voted.winner === "b")
			$("side-b").className = "answer won";
		key = "voted_" + voted.winner;
		JP.clear($("result")).appendChild(document.createTextNode(
		    tr.t(key, { a: voted.model_a, b: voted.model_b }) + " " +
		    tr.t("reveal", { a: voted.model_a, b: voted.model_b })));
		$("after").hidden = false;
		$("next").focus();
	}

	function take(r) {
		busy = false;
		if (r.status !== 200) {
			fail(r);
			setVoting(!!battle && !voted);
			return;
		}
		battle = r.body;
		voted = null;
		status(null);
		/* The last battle's names go: none may be in the page now. */
		JP.clear($("result"));
		render();
		window.scrollTo(0, 0);
	}

	function next() {
		if (busy || !info)
			return;
		if (!info.offline) {
			/* Own questions only: the next battle is a new question. */
			battle = null;
			voted = null;
			JP.clear($("result"));
			render();
			$("own-q").focus();
			return;
		}
		busy = true;
		setVoting(false);
		status("loading");
		api("POST", "/api/battle", {}).then(take, function (e) {
			busy = false;
			fail(e);
		});
	}

	function ask(ev) {
		var q = $("own-q").value;

		ev.preventDefault();
		if (busy || !/\S/.test(q))
			return;
		busy = true;
		setVoting(false);
		$("own-ask").disabled = true;
		status("asking");
		api("POST", "/api/battle", { question: q }).then(function (r) {
			$("own-ask").disabled = false;
			if (r.status === 200)
				$("own-q").value = "";
			take(r);
		}, function (e) {
			busy = false;
			$("own-ask").disabled = false;
			fail(e);
		});
	}

	function vote(winner) {
		if (busy || !battle || voted)
			return;
		busy = true;
		setVoting(false);
		status("saving");
		api("POST", "/api/vote", { battle: battle.battle, winner: winner })
		    .then(function (r) {
			busy = false;
			if (r.status !== 200) {
				fail(r);
				setVoting(true);
				return;
			}
			voted = { winner: winner, model_a: r.body.model_a,
			    model_b: r.body.model_b };
			status(null);
			renderVote();
		}, function (e) {
			busy = false;
			setVoting(true);
			fail(e);
		});
	}

	function fmt(x) {
		return typeof x === "number" && isFinite(x) ? x.toFixed(0) : "–";
	}

	function board() {
		api("GET", "/api/leaderboard").then(function (r) {
			var tbody = JP.clear($("board-rows"));
			var ms, i, m;

			if (r.status !== 200) {
				fail(r);
				return;
			}
			ms = r.body.models || [];
			JP.text($("board-note"), r.body.votes > 0 ?
			    tr.t("board_note", { n: r.body.votes }) :
			    tr.t("board_empty"));
			for (i = 0; i < ms.length; i++) {
				m = ms[i];
				tbody.appendChild(JP.h("tr", null,
				    JP.h("td", { "class": "num" }, m.rank),
				    JP.h("td", { "class": "model" }, m.model),
				    JP.h("td", { "class": "num" }, fmt(m.elo_score)),
				    JP.h("td", { "class": "num" },
				    fmt(m.elo_rating_q025) + " – " +
				    fmt(m.elo_rating_q975)),
				    JP.h("td", { "class": "num" }, m.n_battles)));
			}
			matrix(r.body.matrix);
		}, fail);
	}

	/* The observed win fraction and battle count of every pair. */
	function matrix(mx) {
		var table = JP.clear($("matrix")), head, body, i, j, row, g;

		if (!mx || !mx.models || mx.models.length < 2)
			return;
		head = JP.h("tr", null, JP.h("th", null));
		for (j = 0; j < mx.models.length; j++)
			head.appendChild(JP.h("th", { "class": "num col" },
			    mx.models[j]));
		body = JP.h("tbody", null);
		for (i = 0; i < mx.models.length; i++) {
			row = JP.h("tr", null, JP.h("td", { "class": "model" },
			    mx.models[i]));
			for (j = 0; j < mx.models.length; j++) {
				g = mx.games[i][j];
				row.appendChild(JP.h("td", { "class": "num" +
				    (i === j ? " self" : "") }, i === j || g === 0 ?
				    "–" : tr.t("matrix_cell", { n: g,
				    p: Math.round(100 * mx.observed[i][j]) + "%" })));
			}
			body.appendChild(row);
		}
		table.appendChild(JP.h("thead", null, head));
		table.appendChild(body);
	}

	function show(tab) {
		var vote = tab === "vote";

		$("vote-view").hidden = !vote;
		$("board-view").hidden = vote;
		$("tab-vote").className = "tab" + (vote ? " on" : "");
		$("tab-board").className = "tab" + (vote ? "" : " on");
		$("tab-vote").setAttribute("aria-selected", String(vote));
		$("tab-board").setAttribute("aria-selected", String(!vote));
		if (!vote) {
			board();
		} else {
			JP.clear($("board-rows"));	/* names off the page */
			JP.clear($("matrix"));
		}
	}

	function setLang(l) {
		tr.set(l);
		$("lang").value = tr.lang;
		try {
			localStorage.setItem("arena-lang", tr.lang);
		} catch (e) { /* storage may be off */ }
		tr.apply(document.body);
		document.title = tr.t("title");
		if (voted)
			renderVote();
		if (!$("board-view").hidden)
			board();
	}

	function key(ev) {
		var t = ev.target && ev.target.tagName;

		if (t === "TEXTAREA" || t === "INPUT" || t === "SELECT" ||
		    ev.ctrlKey || ev.metaKey || ev.altKey ||
		    $("vote-view").hidden)
			return;
		if (ev.key >= "1" && ev.key <= "4" && !voted) {
			vote(["a", "b", "tie", "bothbad"][ev.key - 1]);
			ev.preventDefault();
		} else if ((ev.key === "n" || ev.key === "N") && voted) {
			next();
			ev.preventDefault();
		}
	}

	function start() {
		var bs = document.querySelectorAll("button.vote"), i, saved = null;

		for (i = 0; i < bs.length; i++)
			bs[i].addEventListener("click", function (ev) {
				vote(ev.currentTarget.getAttribute("data-winner"));
			});
		$("next").addEventListener("click", next);
		$("own").addEventListener("submit", ask);
		$("tab-vote").addEventListener("click", function () {
			show("vote");
		});
		$("tab-board").addEventListener("click", function () {
			show("board");
		});
		$("lang").addEventListener("change", function () {
			setLang($("lang").value);
		});
		document.addEventListener("keydown", key);
		api("GET", "/api/info").then(function (r) {
			if (r.status !== 200) {
				fail(r);
				return;
			}
			info = r.body;
			try {
				saved = localStorage.getItem("arena-lang");
			} catch (e) { /* storage may be off */ }
			setLang(saved || info.lang);
			$("own").hidden = !info.live;
			if (info.offline)
				next();
		}, fail);
	}

	start();
}());
