/*
 * report.js: the report page of show-result (report.html).  Needs dom.js,
 * i18n.js and markdown.js.
 *
 * Data: the JSON block "jp-data" (see common/report.h for its shape) and,
 * for the question browser, the scripts browse/questions.js and
 * browse/<model>.js beside the page, loaded on demand; each calls
 * JP_browse(index, base64) with the gzip of its JSON (common/browse.h).
 * Every text from records or file names goes into the page as text
 * (JP.h, textContent, JP.md): nothing here parses HTML or builds a URL
 * except the relative paths of those scripts, which the page's own data
 * names and which must look like "browse/NAME.js".
 *
 * Sections: the leaderboard (tabs for the boards, search, sorting, the
 * interval bars, an uncertainty-aware rank), the matrices, the categories,
 * the judges, and the question browser (keys: j or right arrow for the
 * next question, k or left arrow for the previous one).
 */
(function () {
	"use strict";

	var h = JP.h;
	var data = JP.data("jp-data");
	var tr;
	var LABELS = ["A>>B", "A>B", "A=B", "B>A", "B>>A"];

	var DICT = {
		en: {
			language: "Language",
			title: "Leaderboard against {baseline}",
			title_mean: "Leaderboard",
			board_note_mean: "Scores are win rates against a model of average rating from a Bradley-Terry fit; intervals are bootstrap percentiles ({rounds} rounds, resampling {unit}s).",
			browse_pairs: "The question browser reads judgments against a baseline; these records compare all pairs.",
			sec_board: "Leaderboard",
			sec_matrix: "Matrices",
			sec_category: "Categories",
			sec_judges: "Judges",
			sec_browse: "Questions",
			board_no_control: "No control",
			board_style_control: "Style control",
			board_length_control: "Length control",
			board_markdown_control: "Markdown control",
			search: "Search models",
			shown: "{n} of {total} models",
			col_rank: "Rank",
			col_rank_title: "Rank that respects uncertainty: 1 + the number of models whose whole interval lies above this one's",
			col_order: "#",
			col_order_title: "Plain order by score",
			col_model: "Model",
			col_score: "Score",
			col_score_title: "Win rate against the baseline, %",
			col_interval: "95% interval",
			col_ci: "95% CI",
			col_elo: "Elo",
			col_tokens: "Avg. tokens",
			col_battles: "Battles",
			baseline: "baseline",
			judge: "judge",
			caution_self: "Caution: {model} is ranked here and also judged these answers. Judges tend to prefer their own answers (self-preference), so read its row with care.",
			coef: "Style coefficients",
			board_note: "Scores are win rates against {baseline} from a Bradley-Terry fit; intervals are bootstrap percentiles ({rounds} rounds, resampling {unit}s).",
			unit_question: "question",
			unit_battle: "battle",
			none: "n/a",
			matrix_pred: "Predicted win probability",
			matrix_pred_note: "Chance that the row model beats the column model, from the fitted ratings of the {board} board.",
			matrix_obs: "Observed win fraction",
			matrix_obs_note: "Share of the games the row model won against the column model (a tie counts half), with the number of games.",
			matrix_star: "Judgments against a baseline only meet through the baseline: one column.",
			matrix_games: "games",
			vs: "vs {model}",
			win_frac: "Win fraction",
			cat_title: "Score per category",
			cat_note: "Win rate against the baseline from a Bradley-Terry fit of each category's battles alone ({key}; no interval: read it with the question counts).",
			cat_model: "Model",
			cat_questions: "questions",
			cat_many: "{n} categories: pick a model to see its scores (stats/categories.csv holds the whole table).",
			cat_chart: "Profile",
			judges_title: "Judge diagnostics",
			judges_from_board: "From the board's own records: the per-judge judgment files (--judgments) were not given.",
			j_games: "Games with a verdict",
			j_ties: "Tie rate",
			j_consistent: "Position consistency (same label)",
			j_consistent_dir: "Position consistency (same direction)",
			j_first: "First position wins",
			j_len_corr: "Length correlation",
			j_game1: "Game 1 (A = baseline)",
			j_game2: "Game 2 (A = model)",
			j_none: "no verdict",
			pairs_title: "Agreement between judges",
			p_judges: "Judges",
			p_games: "Games",
			p_agree: "Agreement",
			p_kappa: "Cohen's κ",
			p_kappa_lin: "Weighted κ (linear)",
			p_kappa_quad: "Weighted κ (quadratic)",
			self_title: "Self-preference",
			s_judge: "Judge and model",
			s_own: "Own score",
			s_others: "Others' score",
			s_len: "Leniency",
			s_excess: "Excess",
			self_note: "Win value (win 1, tie ½) the judge gives its own model, the other judges' value for it, the judge's general leniency over the other models, and what is left: own − others − leniency.",
			len_title: "Length bias",
			len_note: "Model win value by the ratio of the model's answer length to the baseline's (tokens).",
			len_ratio: "Length ratio",
			browse_model: "Model",
			browse_cat: "Category",
			browse_label: "Verdict",
			browse_any: "any",
			browse_disagree: "judges disagree",
			browse_inconsistent: "position-inconsistent",
			browse_prev: "Previous",
			browse_next: "Next",
			browse_count: "{n} of {total} questions",
			browse_empty: "No question matches.",
			browse_loading: "Loading…",
			browse_failed: "Could not load {file}.",
			browse_nodecomp: "This browser cannot decompress the data files (it lacks DecompressionStream).",
			browse_none: "The question browser was not written: give --output-dir (and --answers, --questions, --judgments for the texts).",
			question: "Question",
			answer_of: "Answer of {model}",
			missing: "missing",
			no_text: "no text in the records",
			board_label: "Board verdict",
			game: "Game {g}",
			view_much_better: "model much better",
			view_better: "model better",
			view_tie: "tie",
			view_worse: "model worse",
			view_much_worse: "model much worse",
			keys_hint: "Keys: j / → next, k / ← previous",
			prov_title: "Provenance",
			prov_date: "Board date",
			prov_generated: "Generated",
			prov_boot: "Bootstrap",
			prov_boot_v: "{rounds} rounds, resampling {unit}s, seed {seed} ({rng})",
			prov_weight: "Strong verdict weight",
			prov_counts: "Records",
			prov_counts_v: "{j} judgments, {v} votes, {q} questions",
			prov_inputs: "Inputs (SHA-256 prefix)",
			prov_version: "judgepipe"
		},
		ko: {
			language: "언어",
			title: "{baseline} 기준 리더보드",
			title_mean: "리더보드",
			board_note_mean: "점수는 Bradley-Terry 적합으로 얻은 평균 점수 모델 대비 승률이며, 구간은 부트스트랩 백분위수입니다({rounds}회, {unit} 단위 재표집).",
			browse_pairs: "질문 브라우저는 기준 모델 대비 판정을 보여 줍니다. 이 기록은 모든 쌍을 비교합니다.",
			sec_board: "리더보드",
			sec_matrix: "행렬",
			sec_category: "카테고리",
			sec_judges: "심판",
			sec_browse: "질문",
			board_no_control: "통제 없음",
			board_style_control: "스타일 통제",
			board_length_control: "길이 통제",
			board_markdown_control: "마크다운 통제",
			search: "모델 검색",
			shown: "모델 {total}개 중 {n}개",
			col_rank: "순위",
			col_rank_title: "불확실성을 고려한 순위: 1 + 구간 전체가 이 모델보다 위에 있는 모델 수",
			col_order: "#",
			col_order_title: "점수 순서",
			col_model: "모델",
			col_score: "점수",
			col_score_title: "기준 모델 대비 승률(%)",
			col_interval: "95% 구간",
			col_ci: "95% 신뢰구간",
			col_elo: "Elo",
			col_tokens: "평균 토큰",
			col_battles: "대결 수",
			baseline: "기준",
			judge: "심판",
			caution_self: "주의: {model}은(는) 여기서 순위에 오르는 동시에 이 답변들을 심사했습니다. 심판은 자기 답변을 선호하는 경향(자기 선호)이 있으니 이 행은 신중히 읽으세요.",
			coef: "스타일 계수",
			board_note: "점수는 Bradley-Terry 적합으로 얻은 {baseline} 대비 승률이며, 구간은 부트스트랩 백분위수입니다({rounds}회, {unit} 단위 재표집).",
			unit_question: "질문",
			unit_battle: "대결",
			none: "없음",
			matrix_pred: "예측 승률",
			matrix_pred_note: "{board} 보드의 적합된 점수로 계산한, 행 모델이 열 모델을 이길 확률.",
			matrix_obs: "관측 승률",
			matrix_obs_note: "행 모델이 열 모델을 상대로 이긴 게임의 비율(무승부는 절반)과 게임 수.",
			matrix_star: "기준 모델 대비 판정은 기준 모델을 통해서만 만나므로 한 열만 있습니다.",
			matrix_games: "게임",
			vs: "{model} 상대",
			win_frac: "승률",
			cat_title: "카테고리별 점수",
			cat_note: "각 카테고리의 대결만으로 Bradley-Terry를 적합한 기준 모델 대비 승률({key}; 구간 없음: 질문 수와 함께 읽으세요).",
			cat_model: "모델",
			cat_questions: "질문",
			cat_many: "카테고리 {n}개: 모델을 고르면 점수가 보입니다(전체 표는 stats/categories.csv).",
			cat_chart: "분포",
			judges_title: "심판 진단",
			judges_from_board: "보드 자체의 기록에서 계산했습니다: 심판별 판정 파일(--judgments)이 주어지지 않았습니다.",
			j_games: "판정이 있는 게임",
			j_ties: "무승부 비율",
			j_consistent: "위치 일관성(같은 판정)",
			j_consistent_dir: "위치 일관성(같은 방향)",
			j_first: "첫 번째 위치 승리",
			j_len_corr: "길이 상관",
			j_game1: "게임 1 (A = 기준)",
			j_game2: "게임 2 (A = 모델)",
			j_none: "판정 없음",
			pairs_title: "심판 간 일치도",
			p_judges: "심판",
			p_games: "게임",
			p_agree: "일치율",
			p_kappa: "코헨 κ",
			p_kappa_lin: "가중 κ(선형)",
			p_kappa_quad: "가중 κ(이차)",
			self_title: "자기 선호",
			s_judge: "심판이자 모델",
			s_own: "자기 점수",
			s_others: "다른 심판 점수",
			s_len: "관대함",
			s_excess: "초과분",
			self_note: "심판이 자기 모델에 준 승리 값(승 1, 무 ½), 다른 심판들이 준 값, 다른 모델 전반에 대한 심판의 관대함, 그리고 나머지: 자기 − 다른 심판 − 관대함.",
			len_title: "길이 편향",
			len_note: "모델 답변 길이와 기준 답변 길이의 비(토큰)에 따른 모델의 승리 값.",
			len_ratio: "길이 비",
			browse_model: "모델",
			browse_cat: "카테고리",
			browse_label: "판정",
			browse_any: "전체",
			browse_disagree: "심판 불일치",
			browse_inconsistent: "위치 불일치",
			browse_prev: "이전",
			browse_next: "다음",
			browse_count: "질문 {total}개 중 {n}개",
			browse_empty: "조건에 맞는 질문이 없습니다.",
			browse_loading: "불러오는 중…",
			browse_failed: "{file}을(를) 불러올 수 없습니다.",
			browse_nodecomp: "이 브라우저는 데이터 파일을 풀 수 없습니다(DecompressionStream 없음).",
			browse_none: "질문 브라우저가 만들어지지 않았습니다: --output-dir을 주세요(본문은 --answers, --questions, --judgments).",
			question: "질문",
			answer_of: "{model}의 답변",
			missing: "없음",
			no_text: "기록에 본문 없음",
			board_label: "보드 판정",
			game: "게임 {g}",
			view_much_better: "모델이 훨씬 나음",
			view_better: "모델이 나음",
			view_tie: "무승부",
			view_worse: "모델이 못함",
			view_much_worse: "모델이 훨씬 못함",
			keys_hint: "키: j / → 다음, k / ← 이전",
			prov_title: "출처",
			prov_date: "보드 날짜",
			prov_generated: "생성 시각",
			prov_boot: "부트스트랩",
			prov_boot_v: "{rounds}회, {unit} 단위 재표집, 시드 {seed} ({rng})",
			prov_weight: "강한 판정 가중치",
			prov_counts: "기록",
			prov_counts_v: "판정 {j}개, 투표 {v}개, 질문 {q}개",
			prov_inputs: "입력(SHA-256 앞부분)",
			prov_version: "judgepipe"
		},
		zh: {
			language: "语言",
			title: "以 {baseline} 为基准的排行榜",
			title_mean: "排行榜",
			board_note_mean: "分数是 Bradley-Terry 拟合得到的相对平均水平模型的胜率；区间为自助法百分位数（{rounds} 轮，按{unit}重采样）。",
			browse_pairs: "问题浏览器展示相对基准模型的评判；这些记录比较的是所有模型对。",
			sec_board: "排行榜",
			sec_matrix: "矩阵",
			sec_category: "类别",
			sec_judges: "评审",
			sec_browse: "问题",
			board_no_control: "无控制",
			board_style_control: "风格控制",
			board_length_control: "长度控制",
			board_markdown_control: "Markdown 控制",
			search: "搜索模型",
			shown: "{total} 个模型中的 {n} 个",
			col_rank: "排名",
			col_rank_title: "考虑不确定性的排名：1 + 整个区间都高于本模型的模型数",
			col_order: "#",
			col_order_title: "按分数排序",
			col_model: "模型",
			col_score: "分数",
			col_score_title: "相对基准模型的胜率（%）",
			col_interval: "95% 区间",
			col_ci: "95% 置信区间",
			col_elo: "Elo",
			col_tokens: "平均词元",
			col_battles: "对战数",
			baseline: "基准",
			judge: "评审",
			caution_self: "注意：{model} 在此排名，同时也评审了这些回答。评审倾向于偏爱自己的回答（自我偏好），请谨慎解读这一行。",
			coef: "风格系数",
			board_note: "分数是 Bradley-Terry 拟合得到的相对 {baseline} 的胜率；区间为自助法百分位数（{rounds} 轮，按{unit}重采样）。",
			unit_question: "问题",
			unit_battle: "对战",
			none: "无",
			matrix_pred: "预测胜率",
			matrix_pred_note: "根据 {board} 榜单的拟合评分，行模型击败列模型的概率。",
			matrix_obs: "观测胜率",
			matrix_obs_note: "行模型对列模型获胜的比例（平局算一半）及对局数。",
			matrix_star: "相对基准的评判只通过基准模型相遇：只有一列。",
			matrix_games: "局",
			vs: "对 {model}",
			win_frac: "胜率",
			cat_title: "各类别分数",
			cat_note: "仅用每个类别的对战做 Bradley-Terry 拟合得到的相对基准胜率（{key}；无区间：请结合问题数解读）。",
			cat_model: "模型",
			cat_questions: "问题",
			cat_many: "共 {n} 个类别：选择一个模型查看其分数（完整表格见 stats/categories.csv）。",
			cat_chart: "分布",
			judges_title: "评审诊断",
			judges_from_board: "根据榜单自身的记录计算：未提供各评审的评判文件（--judgments）。",
			j_games: "有判定的对局",
			j_ties: "平局率",
			j_consistent: "位置一致性（同一判定）",
			j_consistent_dir: "位置一致性（同一方向）",
			j_first: "第一位置获胜",
			j_len_corr: "长度相关",
			j_game1: "第 1 局（A = 基准）",
			j_game2: "第 2 局（A = 模型）",
			j_none: "无判定",
			pairs_title: "评审之间的一致性",
			p_judges: "评审",
			p_games: "对局",
			p_agree: "一致率",
			p_kappa: "Cohen κ",
			p_kappa_lin: "加权 κ（线性）",
			p_kappa_quad: "加权 κ（二次）",
			self_title: "自我偏好",
			s_judge: "评审兼模型",
			s_own: "自评分",
			s_others: "他评分",
			s_len: "宽松度",
			s_excess: "超出",
			self_note: "评审给自己模型的胜值（胜 1，平 ½）、其他评审给它的值、该评审对其他模型的总体宽松度，以及剩余：自评 − 他评 − 宽松度。",
			len_title: "长度偏差",
			len_note: "按模型回答与基准回答的长度比（词元）分组的模型胜值。",
			len_ratio: "长度比",
			browse_model: "模型",
			browse_cat: "类别",
			browse_label: "判定",
			browse_any: "全部",
			browse_disagree: "评审意见不一",
			browse_inconsistent: "位置不一致",
			browse_prev: "上一个",
			browse_next: "下一个",
			browse_count: "{total} 个问题中的 {n} 个",
			browse_empty: "没有匹配的问题。",
			browse_loading: "加载中…",
			browse_failed: "无法加载 {file}。",
			browse_nodecomp: "此浏览器无法解压数据文件（缺少 DecompressionStream）。",
			browse_none: "未生成问题浏览器：请提供 --output-dir（正文需要 --answers、--questions、--judgments）。",
			question: "问题",
			answer_of: "{model} 的回答",
			missing: "缺失",
			no_text: "记录中没有正文",
			board_label: "榜单判定",
			game: "第 {g} 局",
			view_much_better: "模型好得多",
			view_better: "模型更好",
			view_tie: "平局",
			view_worse: "模型更差",
			view_much_worse: "模型差得多",
			keys_hint: "按键：j / → 下一个，k / ← 上一个",
			prov_title: "来源",
			prov_date: "榜单日期",
			prov_generated: "生成时间",
			prov_boot: "自助法",
			prov_boot_v: "{rounds} 轮，按{unit}重采样，种子 {seed}（{rng}）",
			prov_weight: "强判定权重",
			prov_counts: "记录",
			prov_counts_v: "{j} 条评判，{v} 条投票，{q} 个问题",
			prov_inputs: "输入（SHA-256 前缀）",
			prov_version: "judgepipe"
		}
	};

	var state = {
		section: "board",
		board: 0,
		sort: { key: "order", dir: 1 },
		query: "",
		catModel: 0,
		browse: { model: 0, cat: "", label: "", disagree: false,
		    inconsistent: false, pos: 0 }
	};

	function t(key, vars) {
		return tr.t(key, vars);
	}

	/* A number with d decimals, or the "n/a" text. */
	function fmt(x, d) {
		return x === null || x === undefined || !isFinite(x) ? t("none") :
		    Number(x).toFixed(d);
	}

	function pct(x) {
		return x === null || x === undefined ? t("none") :
		    (100 * x).toFixed(1) + "%";
	}

	function isJudge(name) {
		return data.judges.indexOf(name) >= 0;
	}

	function badges(name) {
		return [
			name === data.baseline && !data.anchor_mean ? [" ",
			    h("span", { "class": "badge base" },
			    t("baseline"))] : null,
			isJudge(name) ? [" ", h("span", { "class": "badge judge" },
			    t("judge"))] : null
		];
	}

	/* ---- sections ---- */

	var SECTIONS = [
		{ id: "board", key: "sec_board", show: function () { return true; } },
		{ id: "matrix", key: "sec_matrix",
		    show: function () { return data.matrices.length > 0; } },
		{ id: "category", key: "sec_category",
		    show: function () { return data.categories !== null; } },
		{ id: "judges", key: "sec_judges",
		    show: function () { return data.judge_stats !== null; } },
		{ id: "browse", key: "sec_browse", show: function () { return true; } }
	];

	function renderNav() {
		var nav = JP.clear(document.getElementById("sections"));

		SECTIONS.forEach(function (s) {
			var b;

			if (!s.show())
				return;
			b = h("button", { type: "button", role: "tab",
			    "aria-selected": state.section === s.id ? "true" : "false",
			    "aria-controls": "sec-" + s.id }, t(s.key));
			b.addEventListener("click", function () {
				state.section = s.id;
				renderAll();
			});
			nav.appendChild(b);
		});
	}

	function renderSection() {
		SECTIONS.forEach(function (s) {
			document.getElementById("sec-" + s.id).hidden =
			    state.section !== s.id;
		});
		({
			board: renderBoard,
			matrix: renderMatrix,
			category: renderCategory,
			judges: renderJudges,
			browse: renderBrowse
		})[state.section](JP.clear(document.getElementById("sec-" +
		    state.section)));
	}

	/* The board tabs, shared by the leaderboard and matrix sections. */
	function boardTabs(sec) {
		var nav;

		if (data.boards.length < 2)
			return;
		nav = h("div", { "class": "tabs", role: "tablist" });
		data.boards.forEach(function (b, i) {
			var btn = h("button", { type: "button", role: "tab",
			    "aria-selected": i === state.board ? "true" : "false" },
			    t("board_" + b.name));

			btn.addEventListener("click", function () {
				state.board = i;
				renderSection();
			});
			nav.appendChild(btn);
		});
		sec.appendChild(nav);
	}

	/* ---- the leaderboard ---- */

	var COLS = [
		{ key: "rank", label: "col_rank", title: "col_rank_title", num: true },
		{ key: "order", label: "col_order", title: "col_order_title", num: true,
		    cls: "wide" },
		{ key: "model", label: "col_model" },
		{ key: "score", label: "col_score", title: "col_score_title", num: true },
		{ key: "bar", label: "col_interval", sortAs: "score", cls: "bar-h" },
		{ key: "ci", label: "col_ci", sortAs: "width", num: true, cls: "wide" },
		{ key: "elo", label: "col_elo", num: true, elo: true },
		{ key: "tokens", label: "col_tokens", num: true, cls: "wide" }
	];

	function rowsOf(board) {
		return board.rows.map(function (r, i) {
			return { model: r[0], score: r[1], lo: r[2], hi: r[3], elo: r[4],
			    eloLo: r[5], eloHi: r[6], tokens: r[7], battles: r[8],
			    rank: r[9], order: i + 1,
			    width: r[2] === null || r[3] === null ? null : r[3] - r[2] };
		});
	}

	function sortRows(rows) {
		var k = state.sort.key, dir = state.sort.dir;

		if (k === "bar")
			k = "score";
		if (k === "ci")
			k = "width";
		return rows.slice().sort(function (a, b) {
			var x = a[k], y = b[k];

			if (k === "model")
				return dir * (x < y ? -1 : x > y ? 1 : 0);
			if (x === null && y === null)
				return a.order - b.order;
			if (x === null)
				return 1;
			if (y === null)
				return -1;
			if (x !== y)
				return dir * (x - y);
			return a.order - b.order;
		});
	}

	function bar(r, lo, hi) {
		var span = hi - lo || 1;

		function at(x) {
			return Math.max(0, Math.min(100, 100 * (x - lo) / span));
		}
		var track = h("div", { "class": "track" }), ci, pt, fifty;

		fifty = h("span", { "class": "fifty" });
		fifty.style.left = at(50) + "%";
		track.appendChild(fifty);
		if (r.lo !== null && r.hi !== null) {
			ci = h("span", { "class": "ci" });
			ci.style.left = at(r.lo) + "%";
			ci.style.width = Math.max(0.5, at(r.hi) - at(r.lo)) + "%";
			track.appendChild(ci);
		}
		if (r.score !== null) {
			pt = h("span", { "class": "pt" });
			pt.style.left = at(r.score) + "%";
			track.appendChild(pt);
		}
		return track;
	}

	function medal(rank) {
		return rank <= 3 ? h("span", { "class": "medal m" + rank }, String(rank)) :
		    String(rank);
	}

	function renderBoard(sec) {
		var board = data.boards[state.board], rows = rowsOf(board);
		var q = state.query.toLowerCase(), lo = 50, hi = 50, shown;
		var table, thead, tbody, search, count, cols;

		boardTabs(sec);
		rows.forEach(function (r) {
			if (r.lo !== null)
				lo = Math.min(lo, r.lo);
			if (r.hi !== null)
				hi = Math.max(hi, r.hi);
		});
		lo = Math.max(0, Math.floor(lo / 5) * 5);
		hi = Math.min(100, Math.ceil(hi / 5) * 5);
		rows.forEach(function (r) {
			if (isJudge(r.model))
				sec.appendChild(h("p", { "class": "caution", role: "note" },
				    t("caution_self", { model: r.model })));
		});
		search = h("input", { type: "search", id: "board-search",
		    placeholder: t("search"), "aria-label": t("search") });
		search.value = state.query;
		count = h("span", { "class": "muted", id: "board-count" });
		sec.appendChild(h("div", { "class": "toolbar" }, search, count));
		cols = COLS.filter(function (c) {
			return !c.elo || data.show_elo;
		});
		thead = h("tr", null);
		cols.forEach(function (c) {
			var th = h("th", { "class": (c.num ? "num " : "") + (c.cls || ""),
			    title: c.title ? t(c.title) : null, tabindex: "0",
			    "data-key": c.key, scope: "col" }, t(c.label));

			if (state.sort.key === c.key)
				th.setAttribute("aria-sort", state.sort.dir > 0 ?
				    "ascending" : "descending");
			function sortBy() {
				if (state.sort.key === c.key) {
					state.sort.dir = -state.sort.dir;
				} else {
					state.sort.key = c.key;
					state.sort.dir = c.num && c.key !== "rank" &&
					    c.key !== "order" && c.key !== "ci" ? -1 : 1;
				}
				renderSection();
			}
			th.addEventListener("click", sortBy);
			th.addEventListener("keydown", function (e) {
				if (e.key === "Enter" || e.key === " ") {
					e.preventDefault();
					sortBy();
				}
			});
			thead.appendChild(th);
		});
		tbody = h("tbody", null);
		shown = 0;
		sortRows(rows).forEach(function (r) {
			var tr1, cells;

			if (q !== "" && r.model.toLowerCase().indexOf(q) < 0)
				return;
			shown++;
			cells = {
				rank: h("td", { "class": "num rank" }, medal(r.rank)),
				order: h("td", { "class": "num wide" }, String(r.order)),
				model: h("td", { "class": "model" }, r.model, badges(r.model)),
				score: h("td", { "class": "num score" }, fmt(r.score, 2)),
				bar: h("td", { "class": "bar" }, bar(r, lo, hi)),
				ci: h("td", { "class": "num wide" }, r.lo === null ? t("none") :
				    "−" + fmt(r.score - r.lo, 2) + " / +" + fmt(r.hi - r.score, 2)),
				elo: h("td", { "class": "num" }, fmt(r.elo, 0),
				    h("span", { "class": "muted" }, r.eloLo === null ? "" :
				    " (" + fmt(r.eloLo, 0) + "–" + fmt(r.eloHi, 0) + ")")),
				tokens: h("td", { "class": "num wide" },
				    r.tokens > 0 ? String(r.tokens) : t("none"))
			};
			tr1 = h("tr", { "class": r.model === data.baseline &&
			    !data.anchor_mean ? "is-base" : null,
			    "data-model": r.model });
			cols.forEach(function (c) {
				tr1.appendChild(cells[c.key]);
			});
			tbody.appendChild(tr1);
		});
		table = h("table", { "class": "board", id: "board" },
		    h("thead", null, thead), tbody);
		sec.appendChild(h("div", { "class": "scroll" }, table));
		count.textContent = t("shown", { n: shown, total: rows.length });
		search.addEventListener("input", function () {
			state.query = search.value;
			renderSection();
			var s = document.getElementById("board-search");

			s.focus();
			s.setSelectionRange(s.value.length, s.value.length);
		});
		if (board.coef !== null) {
			sec.appendChild(h("p", { "class": "note" }, t("coef") + ": ",
			    h("span", { "class": "coef" }, Object.keys(board.coef).map(
			    function (k) {
				return k + " " + fmt(board.coef[k], 3);
			    }).join(", "))));
		}
		sec.appendChild(h("p", { "class": "note" }, t(data.anchor_mean ?
		    "board_note_mean" : "board_note", {
			baseline: data.baseline, rounds: data.prov.rounds,
			unit: t("unit_" + data.prov.bootstrap) })));
	}

	/* ---- matrices ---- */

	/* Red (0) through grey (0.5) to blue (1). */
	function heat(x) {
		var s = Math.min(1, Math.abs(x - 0.5) * 2);

		return "hsl(" + (x < 0.5 ? 0 : 215) + ", 70%, " +
		    Math.round(96 - 34 * s) + "%)";
	}

	function heatTable(models, value, title) {
		var head = h("tr", null, h("th", null)), body = h("tbody", null);

		models.forEach(function (m) {
			head.appendChild(h("th", { "class": "col", title: m },
			    h("span", null, m)));
		});
		models.forEach(function (m, i) {
			var row = h("tr", null, h("th", { "class": "row", title: m,
			    scope: "row" }, m));

			models.forEach(function (n, j) {
				var v = value(i, j), td;

				if (v === null || i === j) {
					td = h("td", { "class": "none", title: m + " / " + n });
				} else {
					td = h("td", { title: title(i, j) },
					    String(Math.round(100 * v)));
					td.style.backgroundColor = heat(v);
				}
				row.appendChild(td);
			});
			body.appendChild(row);
		});
		return h("div", { "class": "scroll" }, h("table", { "class": "heat" },
		    h("thead", null, head), body));
	}

	function legend() {
		return h("div", { "class": "legend" }, "0%", h("span",
		    { "class": "ramp" }), "100%");
	}

	function renderMatrix(sec) {
		var mx = data.matrices[state.board], base, rows, bi;

		boardTabs(sec);
		sec.appendChild(h("h2", null, t("matrix_pred")));
		sec.appendChild(h("p", { "class": "note" }, t("matrix_pred_note",
		    { board: t("board_" + mx.board) })));
		sec.appendChild(legend());
		sec.appendChild(heatTable(mx.models, function (i, j) {
			return mx.predicted[i][j];
		}, function (i, j) {
			return mx.models[i] + " > " + mx.models[j] + ": " +
			    pct(mx.predicted[i][j]);
		}));
		sec.appendChild(h("h2", null, t("matrix_obs")));
		sec.appendChild(h("p", { "class": "note" }, t("matrix_obs_note")));
		if (mx.star) {
			bi = mx.models.indexOf(data.baseline);
			sec.appendChild(h("p", { "class": "note" }, t("matrix_star")));
			rows = h("tbody", null);
			mx.models.forEach(function (m, i) {
				if (i === bi)
					return;
				rows.appendChild(h("tr", null, h("td", { "class": "model" }, m),
				    h("td", { "class": "num" }, pct(mx.observed[i][bi])),
				    h("td", { "class": "num" }, String(mx.games[i][bi]))));
			});
			base = h("table", { "class": "obs" }, h("thead", null,
			    h("tr", null, h("th", null, t("col_model")),
			    h("th", { "class": "num" }, t("vs", { model: data.baseline })),
			    h("th", { "class": "num" }, t("matrix_games")))), rows);
			sec.appendChild(h("div", { "class": "scroll" }, base));
		} else {
			sec.appendChild(legend());
			sec.appendChild(heatTable(mx.models, function (i, j) {
				return mx.observed[i][j];
			}, function (i, j) {
				return mx.models[i] + " > " + mx.models[j] + ": " +
				    pct(mx.observed[i][j]) + ", " + mx.games[i][j] + " " +
				    t("matrix_games");
			}));
		}
	}

	/* ---- categories ---- */

	function spark(scores) {
		/* Many categories: bars without gaps, thinner than a pixel. */
		var s = h("div", { "class": scores.length > 60 ? "spark dense" :
		    "spark", "aria-hidden": "true" });

		scores.forEach(function (x) {
			var i = h("i", null);

			i.style.height = (x === null ? 0 : Math.max(1, x)) + "%";
			s.appendChild(i);
		});
		return s;
	}

	function renderCategory(sec) {
		var c = data.categories, many = c.categories.length > 16;
		var head, body, sel, m, list;

		sec.appendChild(h("h2", null, t("cat_title")));
		sec.appendChild(h("p", { "class": "note" }, t("cat_note", { key: c.key })));
		if (!many) {
			head = h("tr", null, h("th", null, t("cat_model")),
			    h("th", null, t("cat_chart")));
			c.categories.forEach(function (name, k) {
				head.appendChild(h("th", { "class": "num", title: name },
				    name, h("div", { "class": "muted" }, c.questions[k] + " " +
				    t("cat_questions"))));
			});
			body = h("tbody", null);
			c.models.forEach(function (name, i) {
				var row = h("tr", null, h("td", { "class": "model" }, name,
				    badges(name)), h("td", null, spark(c.score[i])));

				c.score[i].forEach(function (x) {
					var td = h("td", { "class": "num" }, fmt(x, 1));

					if (x !== null)
						td.style.backgroundColor = heat(x / 100);
					td.style.color = "#111";
					row.appendChild(td);
				});
				body.appendChild(row);
			});
			sec.appendChild(h("div", { "class": "scroll" }, h("table",
			    { "class": "board cats" }, h("thead", null, head), body)));
			return;
		}
		sec.appendChild(h("p", { "class": "note" }, t("cat_many",
		    { n: c.categories.length })));
		sel = h("select", { id: "cat-model", "aria-label": t("cat_model") });
		c.models.forEach(function (name, i) {
			sel.appendChild(h("option", { value: String(i) }, name));
		});
		sel.value = String(state.catModel);
		sel.addEventListener("change", function () {
			state.catModel = Number(sel.value);
			renderSection();
		});
		sec.appendChild(h("div", { "class": "toolbar" }, sel));
		m = state.catModel;
		sec.appendChild(spark(c.score[m]));
		list = h("div", { "class": "hbar" });
		c.categories.map(function (name, k) {
			return { name: name, k: k, s: c.score[m][k] };
		}).sort(function (a, b) {
			return (b.s === null ? -1 : b.s) - (a.s === null ? -1 : a.s);
		}).forEach(function (e) {
			var fg = h("span", { "class": "fg" });

			fg.style.width = (e.s === null ? 0 : e.s) + "%";
			list.appendChild(h("span", { "class": "name" }, e.name));
			list.appendChild(h("span", { "class": "bg" }, fg,
			    h("span", { "class": "mid" })));
			list.appendChild(h("span", { "class": "num" }, fmt(e.s, 1)));
			list.appendChild(h("span", { "class": "num muted n" },
			    c.questions[e.k] + " " + t("cat_questions")));
		});
		sec.appendChild(list);
	}

	/* ---- judges ---- */

	function stack(counts) {
		var total = counts.reduce(function (a, b) { return a + b; }, 0);
		var s = h("div", { "class": "stack" });

		counts.forEach(function (n, i) {
			var el;

			if (n === 0 || total === 0)
				return;
			el = h("i", { "class": "l" + i, title: (i < 5 ? LABELS[i] :
			    t("j_none")) + ": " + n });
			el.style.width = (100 * n / total) + "%";
			s.appendChild(el);
		});
		return s;
	}

	function labelKeys() {
		var k = h("div", { "class": "keys" });

		LABELS.forEach(function (l, i) {
			k.appendChild(h("span", null, h("i", { "class": "l" + i }), l));
		});
		k.appendChild(h("span", null, h("i", { "class": "l5" }), t("j_none")));
		return k;
	}

	function counts(o) {
		return LABELS.map(function (l) { return o[l]; }).concat([o.none]);
	}

	function renderJudges(sec) {
		var stats = data.judge_stats, judges, pairs, selfs, cards, tb;

		judges = stats.filter(function (s) { return s.type === "judge"; });
		pairs = stats.filter(function (s) { return s.type === "judge_pair"; });
		selfs = stats.filter(function (s) { return s.type === "self_preference"; });
		sec.appendChild(h("h2", null, t("judges_title")));
		if (data.judge_stats_from_board)
			sec.appendChild(h("p", { "class": "note" }, t("judges_from_board")));
		sec.appendChild(labelKeys());
		cards = h("div", { "class": "cards" });
		judges.forEach(function (j) {
			cards.appendChild(h("div", { "class": "card" },
			    h("h3", null, j.judge === "" ? "?" : j.judge, badges(j.judge)),
			    h("div", { "class": "muted" }, t("j_game1")),
			    stack(counts(j.labels.game1)),
			    h("div", { "class": "muted" }, t("j_game2")),
			    stack(counts(j.labels.game2)),
			    h("dl", null,
				h("dt", null, t("j_games")), h("dd", null, String(j.games)),
				h("dt", null, t("j_ties")), h("dd", null, pct(j.tie_rate)),
				h("dt", null, t("j_consistent")),
				h("dd", null, pct(j.position_consistency)),
				h("dt", null, t("j_consistent_dir")),
				h("dd", null, pct(j.direction_consistency)),
				h("dt", null, t("j_first")),
				h("dd", null, pct(j.first_position_wins)),
				h("dt", null, t("j_len_corr")),
				h("dd", null, fmt(j.length.corr, 3)))));
		});
		sec.appendChild(cards);
		if (pairs.length > 0) {
			sec.appendChild(h("h3", null, t("pairs_title")));
			tb = h("tbody", null);
			pairs.forEach(function (p) {
				tb.appendChild(h("tr", null,
				    h("td", null, p.judges[0] + " · " + p.judges[1]),
				    h("td", { "class": "num" }, String(p.games)),
				    h("td", { "class": "num" }, pct(p.agreement)),
				    h("td", { "class": "num" }, fmt(p.kappa, 3)),
				    h("td", { "class": "num" }, fmt(p.kappa_linear, 3)),
				    h("td", { "class": "num" }, fmt(p.kappa_quadratic, 3))));
			});
			sec.appendChild(h("div", { "class": "scroll" }, h("table",
			    { "class": "board compact", id: "pairs" }, h("thead", null,
			    h("tr", null,
			    h("th", null, t("p_judges")), h("th", { "class": "num" }, t("p_games")),
			    h("th", { "class": "num" }, t("p_agree")),
			    h("th", { "class": "num" }, t("p_kappa")),
			    h("th", { "class": "num" }, t("p_kappa_lin")),
			    h("th", { "class": "num" }, t("p_kappa_quad")))), tb)));
		}
		if (selfs.length > 0) {
			sec.appendChild(h("h3", null, t("self_title")));
			sec.appendChild(h("p", { "class": "note" }, t("self_note")));
			tb = h("tbody", null);
			selfs.forEach(function (s) {
				tb.appendChild(h("tr", null, h("td", null, s.judge),
				    h("td", { "class": "num" }, fmt(s.own, 3)),
				    h("td", { "class": "num" }, fmt(s.others, 3)),
				    h("td", { "class": "num" }, fmt(s.leniency, 3)),
				    h("td", { "class": "num" }, fmt(s.excess, 3))));
			});
			sec.appendChild(h("div", { "class": "scroll" }, h("table",
			    { "class": "board compact" }, h("thead", null, h("tr", null,
			    h("th", null, t("s_judge")), h("th", { "class": "num" }, t("s_own")),
			    h("th", { "class": "num" }, t("s_others")),
			    h("th", { "class": "num" }, t("s_len")),
			    h("th", { "class": "num" }, t("s_excess")))), tb)));
		}
		if (judges.some(function (j) { return j.length.games > 0; })) {
			var head = h("tr", null, h("th", null, t("len_ratio")));

			sec.appendChild(h("h3", null, t("len_title")));
			sec.appendChild(h("p", { "class": "note" }, t("len_note")));
			judges.forEach(function (j) {
				head.appendChild(h("th", { "class": "num" }, j.judge));
			});
			tb = h("tbody", null);
			judges[0].length.bins.forEach(function (b, k) {
				var row = h("tr", null, h("td", null, b.ratio));

				judges.forEach(function (j) {
					var bin = j.length.bins[k];

					row.appendChild(h("td", { "class": "num" }, fmt(bin.win, 3),
					    h("span", { "class": "muted" }, " (" + bin.games + ")")));
				});
				tb.appendChild(row);
			});
			sec.appendChild(h("div", { "class": "scroll" }, h("table",
			    { "class": "board compact" }, h("thead", null, head), tb)));
		}
	}

	/* ---- the question browser ---- */

	var store = { shared: null, models: {}, waiting: {} };
	var VIEW_KEYS = ["view_much_worse", "view_worse", "view_tie", "view_better",
	    "view_much_better"];

	/* Called by every browse/*.js file. */
	window.JP_browse = function (index, b64) {
		var bin, bytes, i, stream;

		if (typeof DecompressionStream === "undefined") {
			store.error = t("browse_nodecomp");
			renderSection();
			return;
		}
		bin = atob(b64);
		bytes = new Uint8Array(bin.length);
		for (i = 0; i < bin.length; i++)
			bytes[i] = bin.charCodeAt(i);
		stream = new Blob([bytes]).stream().pipeThrough(
		    new DecompressionStream("gzip"));
		new Response(stream).text().then(function (text) {
			var v = JSON.parse(text);

			if (index < 0)
				store.shared = v;
			else
				store.models[index] = v;
			if (state.section === "browse")
				renderSection();
		});
	};

	function load(path) {
		var s;

		if (store.waiting[path] || !/^browse\/[A-Za-z0-9._-]+\.js$/.test(path))
			return;
		store.waiting[path] = true;
		s = document.createElement("script");
		s.addEventListener("error", function () {
			store.error = t("browse_failed", { file: path });
			renderSection();
		});
		s.src = path;
		document.head.appendChild(s);
	}

	function viewOf(label, game) {
		return game === 0 ? label - 2 : 2 - label;
	}

	function sign(x) {
		return x > 0 ? 1 : x < 0 ? -1 : 0;
	}

	/* The label pairs of a question: the board's and each judge's. */
	function recordsAt(md, k) {
		var out = [];

		if (md.e[k] !== null)
			out.push(md.e[k]);
		md.l.forEach(function (lj) {
			if (lj[k] !== null)
				out.push(lj[k]);
		});
		return out;
	}

	function matches(md, k) {
		var b = state.browse, sh = store.shared, recs, g, views;

		if (b.cat !== "" && (!sh.cat || sh.cat[k] !== b.cat))
			return false;
		if (md.a[k] === null && recordsAt(md, k).length === 0)
			return false;
		recs = recordsAt(md, k);
		if (b.label !== "") {
			if (!recs.some(function (r) {
				return [0, 1].some(function (g) {
					return r[g] !== null && viewOf(r[g], g) === Number(b.label);
				});
			}))
				return false;
		}
		if (b.disagree) {
			if (md.l.length < 2)
				return false;
			for (g = 0; g < 2; g++) {
				views = md.l.map(function (lj) {
					return lj[k] && lj[k][g] !== null ? viewOf(lj[k][g], g) : null;
				}).filter(function (v) { return v !== null; });
				if (views.some(function (v) { return v !== views[0]; }))
					break;
			}
			if (g === 2)
				return false;
		}
		if (b.inconsistent && !recs.some(function (r) {
			return r[0] !== null && r[1] !== null &&
			    sign(viewOf(r[0], 0)) !== sign(viewOf(r[1], 1));
		}))
			return false;
		return true;
	}

	function labelText(label, game) {
		var v;

		if (label === null || label === undefined)
			return h("span", { "class": "missing" }, t("missing"));
		v = viewOf(label, game);
		return h("span", { "class": v > 0 ? "view-good" : v < 0 ? "view-bad" : null },
		    h("span", { "class": "lbl" }, LABELS[label]), " ",
		    h("span", { "class": "muted" }, "(" + t(VIEW_KEYS[v + 2]) + ")"));
	}

	function mdBlock(text) {
		if (text === null || text === undefined)
			return h("p", { "class": "missing" }, t("missing"));
		return JP.md.render(text, h("div", { "class": "md" }));
	}

	function renderBrowse(sec) {
		var br = data.browse, b = state.browse, models, md, sh, sel, cat, lab;
		var idx, list, k, prev, next, tools, view, dis, inc;

		if (br === null) {
			sec.appendChild(h("p", { "class": "note" },
			    t(data.all_pairs ? "browse_pairs" : "browse_none")));
			return;
		}
		models = data.boards[0].rows.map(function (r) { return r[0]; });
		if (store.error)
			sec.appendChild(h("p", { "class": "caution" }, store.error));
		sel = h("select", { id: "browse-model", "aria-label": t("browse_model") });
		models.forEach(function (m, i) {
			sel.appendChild(h("option", { value: String(i) }, m));
		});
		sel.value = String(b.model);
		sel.addEventListener("change", function () {
			b.model = Number(sel.value);
			b.pos = 0;
			renderSection();
		});
		tools = h("div", { "class": "toolbar" }, h("label", null,
		    t("browse_model") + " ", sel));
		sec.appendChild(tools);
		sh = store.shared;
		md = store.models[b.model];
		if (!sh)
			load(br.shared);
		if (!md)
			load(br.files[b.model]);
		if (!sh || !md) {
			sec.appendChild(h("p", { "class": "note", id: "browse-loading" },
			    t("browse_loading")));
			return;
		}
		/* Filters. */
		cat = h("select", { id: "browse-cat", "aria-label": t("browse_cat") },
		    h("option", { value: "" }, t("browse_any")));
		if (sh.cat) {
			sh.cat.filter(function (c, i, a) {
				return c !== null && a.indexOf(c) === i;
			}).sort().forEach(function (c) {
				cat.appendChild(h("option", { value: c }, c));
			});
			cat.value = b.cat;
			tools.appendChild(h("label", null, t("browse_cat") + " ", cat));
		}
		cat.addEventListener("change", function () {
			b.cat = cat.value;
			b.pos = 0;
			renderSection();
		});
		lab = h("select", { id: "browse-label", "aria-label": t("browse_label") },
		    h("option", { value: "" }, t("browse_any")));
		[2, 1, 0, -1, -2].forEach(function (v) {
			lab.appendChild(h("option", { value: String(v) }, t(VIEW_KEYS[v + 2])));
		});
		lab.value = b.label;
		lab.addEventListener("change", function () {
			b.label = lab.value;
			b.pos = 0;
			renderSection();
		});
		tools.appendChild(h("label", null, t("browse_label") + " ", lab));
		dis = h("input", { type: "checkbox", id: "browse-disagree" });
		dis.checked = b.disagree;
		dis.addEventListener("change", function () {
			b.disagree = dis.checked;
			b.pos = 0;
			renderSection();
		});
		inc = h("input", { type: "checkbox", id: "browse-inconsistent" });
		inc.checked = b.inconsistent;
		inc.addEventListener("change", function () {
			b.inconsistent = inc.checked;
			b.pos = 0;
			renderSection();
		});
		tools.appendChild(h("label", null, dis, " " + t("browse_disagree")));
		tools.appendChild(h("label", null, inc, " " + t("browse_inconsistent")));
		/* The questions that pass. */
		list = [];
		for (k = 0; k < sh.ids.length; k++)
			if (matches(md, k))
				list.push(k);
		if (b.pos >= list.length)
			b.pos = Math.max(0, list.length - 1);
		prev = h("button", { type: "button", id: "browse-prev" }, "← " + t("browse_prev"));
		next = h("button", { type: "button", id: "browse-next" }, t("browse_next") + " →");
		prev.disabled = b.pos <= 0;
		next.disabled = b.pos >= list.length - 1;
		prev.addEventListener("click", function () { step(-1); });
		next.addEventListener("click", function () { step(1); });
		sec.appendChild(h("div", { "class": "toolbar" }, prev, next,
		    h("span", { "class": "muted", id: "browse-count" },
		    t("browse_count", { n: list.length, total: sh.ids.length })),
		    h("span", { "class": "muted note hint" }, t("keys_hint"))));
		if (list.length === 0) {
			sec.appendChild(h("p", { "class": "note" }, t("browse_empty")));
			return;
		}
		idx = list[b.pos];
		view = h("div", { "class": "browse-view", id: "browse-view",
		    "data-qid": sh.ids[idx] });
		view.appendChild(h("div", { "class": "qhead" },
		    h("strong", null, t("question") + " " + (b.pos + 1) + " / " + list.length),
		    sh.cat && sh.cat[idx] !== null ? h("span", { "class": "badge" },
		    sh.cat[idx]) : null,
		    h("span", { "class": "qid" }, sh.ids[idx])));
		view.appendChild(h("div", { "class": "panel question" },
		    sh.q[idx] === null ? h("p", { "class": "missing" }, t("missing")) :
		    sh.q[idx].map(function (turn) { return mdBlock(turn); })));
		view.appendChild(labelTable(md, idx));
		view.appendChild(h("div", { "class": "pair" },
		    h("div", { "class": "panel answer base" }, h("h3", null,
		    t("answer_of", { model: data.baseline }), badges(data.baseline)),
		    mdBlock(sh.base[idx])),
		    h("div", { "class": "panel answer model" }, h("h3", null,
		    t("answer_of", { model: md.model })), mdBlock(md.a[idx]))));
		md.judges.forEach(function (j, ji) {
			var texts = md.t[ji] ? md.t[ji][idx] : null;
			var labels = md.l[ji][idx];
			var panel = h("div", { "class": "panel judge", "data-judge": j },
			    h("h3", null, j === "" ? "?" : j, badges(j)));

			[0, 1].forEach(function (g) {
				panel.appendChild(h("details", { "class": "game", open: true,
				    "data-game": String(g + 1) },
				    h("summary", null, t("game", { g: g + 1 }) + " · " +
				    (g === 0 ? "A = " + data.baseline : "A = " + md.model) + " · ",
				    labelText(labels ? labels[g] : null, g)),
				    texts && texts[g] !== null ? mdBlock(texts[g]) :
				    h("p", { "class": "missing" }, t("no_text"))));
			});
			view.appendChild(panel);
		});
		sec.appendChild(view);
	}

	function labelTable(md, k) {
		var body = h("tbody", null);

		function row(name, pair) {
			body.appendChild(h("tr", null, h("td", null, name),
			    h("td", null, labelText(pair ? pair[0] : null, 0)),
			    h("td", null, labelText(pair ? pair[1] : null, 1))));
		}
		if (md.e.some(function (x) { return x !== null; }))
			row(t("board_label"), md.e[k]);
		md.judges.forEach(function (j, ji) {
			row(j === "" ? "?" : j, md.l[ji][k]);
		});
		return h("div", { "class": "scroll" }, h("table", { "class": "labels" },
		    h("thead", null, h("tr", null, h("th", null),
		    h("th", null, t("game", { g: 1 })), h("th", null, t("game", { g: 2 })))),
		    body));
	}

	function step(d) {
		var b = state.browse;

		b.pos = Math.max(0, b.pos + d);
		renderSection();
		var v = document.getElementById("browse-view");

		if (v && v.getBoundingClientRect().top < 0)
			v.scrollIntoView();
	}

	document.addEventListener("keydown", function (e) {
		var tag = e.target && e.target.tagName;

		if (state.section !== "browse" || e.ctrlKey || e.metaKey || e.altKey ||
		    tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA")
			return;
		if (e.key === "j" || e.key === "ArrowRight") {
			e.preventDefault();
			step(1);
		} else if (e.key === "k" || e.key === "ArrowLeft") {
			e.preventDefault();
			step(-1);
		}
	});

	/* ---- footer ---- */

	function renderFooter() {
		var p = data.prov, f = JP.clear(document.getElementById("prov"));
		var files = h("div", { "class": "files" });

		p.inputs.forEach(function (x) {
			files.appendChild(h("div", null, (x[1] || "-") + "  " + x[0]));
		});
		f.appendChild(h("dl", null,
		    h("dt", null, t("prov_date")), h("dd", null, p.date),
		    h("dt", null, t("prov_generated")), h("dd", null, p.generated),
		    h("dt", null, t("prov_boot")), h("dd", null, t("prov_boot_v", {
			rounds: p.rounds, unit: t("unit_" + p.bootstrap), seed: p.seed,
			rng: p.rng })),
		    h("dt", null, t("prov_weight")), h("dd", null, String(p.weight)),
		    h("dt", null, t("prov_counts")), h("dd", null, t("prov_counts_v",
			{ j: p.judgments, v: p.votes, q: p.questions })),
		    h("dt", null, t("prov_version")), h("dd", null, data.version),
		    h("dt", null, t("prov_inputs")), h("dd", null,
			h("details", null, h("summary", null, String(p.inputs.length)),
			files))));
	}

	function renderAll() {
		var title = data.title !== "" ? data.title :
		    t(data.anchor_mean ? "title_mean" : "title",
		    { baseline: data.baseline });

		tr.apply(document.body);
		JP.text(document.getElementById("title"), title);
		document.title = title;
		renderNav();
		renderSection();
		renderFooter();
	}

	tr = JP.i18n(DICT, data.lang);
	(function () {
		var sel = document.getElementById("lang");

		sel.value = tr.lang;
		sel.addEventListener("change", function () {
			tr.set(sel.value);
			renderAll();
		});
	}());
	renderAll();
}());
