/*
 * i18n.js: the interface language of a page (English, Korean, Chinese).
 *
 * Usage:
 *   var tr = JP.i18n({
 *       en: { title: "Leaderboard", models: "{n} models" },
 *       ko: { title: "리더보드", models: "모델 {n}개" },
 *       zh: { title: "排行榜", models: "{n} 个模型" }
 *   }, data.lang);
 *   tr.t("models", { n: 55 })      -> "55 models"
 *   tr.apply(document.body)        -> every element with
 *       data-i18n="key" gets t(key) as its text, data-i18n-title and
 *       data-i18n-placeholder likewise set those attributes (also
 *       aria-label for the title), and <html lang> follows.
 *   tr.set("ko"); tr.apply(document.body)   (switch, then redraw)
 *
 * A key missing in a language falls back to English, then to the key
 * itself.  "{name}" in a string is replaced by String(vars.name).  The
 * results are plain strings for textContent and attribute values: a page
 * never parses them as HTML (see dom.js).  Languages other than en, ko
 * and zh fall back to en.
 */
var JP = typeof JP === "object" && JP !== null ? JP : {};

(function () {
	"use strict";

	var LANGS = ["en", "ko", "zh"];

	JP.i18n = function (dicts, lang) {
		var tr = { langs: LANGS.slice(), lang: "en" };

		function lookup(key) {
			var d = dicts[tr.lang];

			if (d && Object.prototype.hasOwnProperty.call(d, key))
				return d[key];
			d = dicts.en;
			if (d && Object.prototype.hasOwnProperty.call(d, key))
				return d[key];
			return key;
		}

		tr.t = function (key, vars) {
			return String(lookup(key)).replace(/\{([a-z0-9_]+)\}/gi,
			    function (m, name) {
				return vars && Object.prototype.hasOwnProperty.call(vars, name) ?
				    String(vars[name]) : m;
			});
		};

		tr.set = function (l) {
			tr.lang = LANGS.indexOf(l) >= 0 ? l : "en";
			return tr.lang;
		};

		tr.apply = function (root) {
			var els, i, k;

			els = root.querySelectorAll("[data-i18n]");
			for (i = 0; i < els.length; i++)
				els[i].textContent = tr.t(els[i].getAttribute("data-i18n"));
			els = root.querySelectorAll("[data-i18n-title]");
			for (i = 0; i < els.length; i++) {
				k = tr.t(els[i].getAttribute("data-i18n-title"));
				els[i].setAttribute("title", k);
				els[i].setAttribute("aria-label", k);
			}
			els = root.querySelectorAll("[data-i18n-placeholder]");
			for (i = 0; i < els.length; i++)
				els[i].setAttribute("placeholder",
				    tr.t(els[i].getAttribute("data-i18n-placeholder")));
			document.documentElement.setAttribute("lang", tr.lang);
		};

		tr.set(lang);
		return tr;
	};
}());
