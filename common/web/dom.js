/*
 * dom.js: build page elements from data without ever parsing data as HTML.
 *
 * The contract every judgepipe page follows (the report of show-result,
 * the arena):
 * - Data reaches a page as JSON: a JSON script element (type application/json)
 *   written by the C escaper (common/html.h), read with JP.data(id), or a
 *   data file that calls a function of the page with a JSON argument.
 * - Text from records (questions, answers, judgments, model names, file
 *   names) only ever enters the page as a text node or an attribute value
 *   set through JP.h.  No page script uses an HTML-parsing property or
 *   method (the inner, outer or adjacent HTML ones, document's write),
 *   evaluates strings as code (eval, the Function constructor, string
 *   timers) or sets a URL; page_test checks every embedded script.
 * - JP.h makes elements whose tag and attribute names come from the page's
 *   own code.  It refuses tags that run or load something (script, iframe,
 *   object, embed, link, style, img, a, form, base, meta, svg's script ...)
 *   and attributes that are event handlers (on...), URLs (href, src,
 *   action ...) or style; so even a page bug cannot turn record text into
 *   a link, a request or code.  Styles are set as properties by code
 *   (el.style.width = n + "%") with numbers, never with record text.
 *
 * Usage:
 *   var row = JP.h("tr", { "class": "top" },
 *       JP.h("td", null, model.name), JP.h("td", { title: t }, "12.5"));
 *   JP.clear(tbody); tbody.appendChild(row);
 *   var data = JP.data("jp-data");
 * Children may be strings (text nodes), numbers, nodes, arrays of these,
 * or null/undefined/false (skipped).
 */
var JP = typeof JP === "object" && JP !== null ? JP : {};

(function () {
	"use strict";

	var badTag = new RegExp("^(script|iframe|frame|frameset|object|embed|" +
	    "link|style|img|image|a|form|base|meta|svg|math|video|audio|source|" +
	    "track|picture|portal|template|noscript|applet)$", "i");
	var badAttr = new RegExp("^(on|href$|src|action$|formaction$|xlink|" +
	    "data$|poster$|background$|style$|codebase$|cite$|ping$|" +
	    "manifest$|http-equiv$|content$)", "i");

	function append(el, c) {
		var i;

		if (c === null || c === undefined || c === false)
			return;
		if (Array.isArray(c)) {
			for (i = 0; i < c.length; i++)
				append(el, c[i]);
		} else if (typeof c === "string" || typeof c === "number") {
			el.appendChild(document.createTextNode(String(c)));
		} else if (c.nodeType) {
			el.appendChild(c);
		} else {
			throw new Error("JP.h: bad child");
		}
	}

	/* Create element tag with attributes attrs and the children after. */
	JP.h = function (tag, attrs) {
		var el, k, i;

		if (badTag.test(tag))
			throw new Error("JP.h: tag not allowed: " + tag);
		el = document.createElement(tag);
		if (attrs) {
			for (k in attrs) {
				if (!Object.prototype.hasOwnProperty.call(attrs, k))
					continue;
				if (badAttr.test(k))
					throw new Error("JP.h: attribute not allowed: " + k);
				if (attrs[k] === null || attrs[k] === undefined ||
				    attrs[k] === false)
					continue;
				el.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
			}
		}
		for (i = 2; i < arguments.length; i++)
			append(el, arguments[i]);
		return el;
	};

	/* Remove every child of el. */
	JP.clear = function (el) {
		while (el.firstChild)
			el.removeChild(el.firstChild);
		return el;
	};

	/* Replace the children of el by text (a text node). */
	JP.text = function (el, text) {
		el.textContent = text === null || text === undefined ? "" : String(text);
		return el;
	};

	/* The value of the JSON script element whose id is id. */
	JP.data = function (id) {
		var el = document.getElementById(id);

		return el ? JSON.parse(el.textContent) : null;
	};
}());
