/*
 * markdown.js: a small, safe markdown renderer for record text (answers,
 * judgments, questions) in judgepipe's pages.  Needs dom.js.
 *
 * Usage:
 *   JP.md.render(text, parentElement)   appends the rendered blocks
 *   JP.md.render(text, el, { plain: true })   text only, lines kept
 *
 * What it renders: ATX headings (# .. ######), paragraphs (a single line
 * break is kept as a line break, as LLM answers mean it), fenced code
 * blocks (``` and ~~~), block quotes, bullet and ordered lists (nested by
 * indentation), GitHub tables with column alignment, horizontal rules,
 * and inline code, **strong**, *em*, _em_, ~~strike~~ and backslash
 * escapes.
 *
 * Safety, the whole point (XSS fixtures in the browser tests hold it):
 * - every character of the text reaches the page as a text node: nothing
 *   is parsed as HTML (raw HTML such as a script tag or <img onerror=...> is
 *   shown as the characters it is);
 * - it creates only inert elements (p, h1-h6, pre, code, blockquote, ul,
 *   ol, li, table parts, hr, br, strong, em, del, span) through JP.h, and
 *   sets no attribute from the text except an ordered list's numeric
 *   start and a table cell's alignment class, both chosen by the code;
 * - links and images never become live: [text](url) shows "text" and then
 *   the URL as plain text in a span of class "md-url"; ![alt](url) shows
 *   "alt" and the URL likewise; bare URLs and <autolinks> are text.  No
 *   href, src or event handler is ever set, so script and data URLs
 *   are inert text.
 * Deeply nested quotes or lists (beyond 12 levels) and texts over 300,000
 * characters are shown as plain text, so hostile input cannot make the
 * renderer slow or overflow the stack.
 */
var JP = typeof JP === "object" && JP !== null ? JP : {};

(function () {
	"use strict";

	var MAX_DEPTH = 12;
	var MAX_LEN = 300000;
	var WINDOW = 4000;	/* how far a closing delimiter is looked for */
	var h = JP.h;

	var reFence = /^ {0,3}(`{3,}|~{3,})(.*)$/;
	var reHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
	var reRule = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
	var reQuote = /^ {0,3}> ?(.*)$/;
	var reItem = /^( *)([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$/;
	var reTableSep = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;
	var reBlank = /^[ \t]*$/;

	function expandTabs(line) {
		var out = "", i, c;

		if (line.indexOf("\t") < 0)
			return line;
		for (i = 0; i < line.length; i++) {
			c = line.charAt(i);
			if (c === "\t") {
				do
					out += " ";
				while (out.length % 4 !== 0);
			} else {
				out += c;
			}
		}
		return out;
	}

	function indentOf(line) {
		var n = 0;

		while (n < line.length && line.charAt(n) === " ")
			n++;
		return n;
	}

	/* Whether line starts a block other than a paragraph. */
	function startsBlock(line) {
		return reFence.test(line) || reHeading.test(line) ||
		    reRule.test(line) || reQuote.test(line) || reItem.test(line);
	}

	/* Split a table row into cell texts (a \| stays in the cell). */
	function splitRow(line) {
		var cells = [], cur = "", i, c, s = line.trim();

		if (s.charAt(0) === "|")
			s = s.slice(1);
		if (s.length > 0 && s.charAt(s.length - 1) === "|" &&
		    s.charAt(s.length - 2) !== "\\")
			s = s.slice(0, -1);
		for (i = 0; i < s.length; i++) {
			c = s.charAt(i);
			if (c === "\\" && s.charAt(i + 1) === "|") {
				cur += "|";
				i++;
			} else if (c === "|") {
				cells.push(cur.trim());
				cur = "";
			} else {
				cur += c;
			}
		}
		cells.push(cur.trim());
		return cells;
	}

	/* ---- inline ---- */

	var PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

	/*
	 * Append the inline content of s to parent: code spans first (their
	 * content is literal), then links, emphasis and escapes in the rest.
	 */
	function inline(s, parent, depth) {
		var i = 0, start = 0, n, j, close, run;

		if (depth > MAX_DEPTH) {
			parent.appendChild(document.createTextNode(s));
			return;
		}
		while (i < s.length) {
			if (s.charAt(i) === "\\" && i + 1 < s.length &&
			    PUNCT.indexOf(s.charAt(i + 1)) >= 0) {
				i += 2;
				continue;
			}
			if (s.charAt(i) !== "`") {
				i++;
				continue;
			}
			n = 1;
			while (s.charAt(i + n) === "`")
				n++;
			run = s.substr(i, n);
			close = -1;
			j = i + n;
			while ((j = s.indexOf(run, j)) >= 0 && j < i + WINDOW) {
				if (s.charAt(j + n) !== "`" && s.charAt(j - 1) !== "`") {
					close = j;
					break;
				}
				while (s.charAt(j) === "`")
					j++;
			}
			if (close < 0) {
				i += n;
				continue;
			}
			spans(s.slice(start, i), parent, depth);
			parent.appendChild(h("code", null,
			    codeText(s.slice(i + n, close))));
			i = start = close + n;
		}
		spans(s.slice(start), parent, depth);
	}

	function codeText(t) {
		if (t.length > 2 && t.charAt(0) === " " &&
		    t.charAt(t.length - 1) === " " && t.trim() !== "")
			return t.slice(1, -1);
		return t;
	}

	/* Find the closing delimiter d for an opener at i (not across \). */
	function findClose(s, d, from) {
		var j = from;

		while ((j = s.indexOf(d, j)) >= 0 && j < from + WINDOW) {
			if (s.charAt(j - 1) !== "\\" && s.charAt(j - 1) !== " " &&
			    s.charAt(j - 1) !== "\t")
				return j;
			j += 1;
		}
		return -1;
	}

	function isWordChar(c) {
		return c !== "" && /[0-9A-Za-z\u00C0-\uFFFF]/.test(c);
	}

	/* Links, emphasis and escapes in text without code spans. */
	function spans(s, parent, depth) {
		var text = "", i = 0, c, d, close, m, el, tag;

		function flush() {
			if (text !== "")
				parent.appendChild(document.createTextNode(text));
			text = "";
		}
		while (i < s.length) {
			c = s.charAt(i);
			if (c === "\\" && i + 1 < s.length &&
			    PUNCT.indexOf(s.charAt(i + 1)) >= 0) {
				text += s.charAt(i + 1);
				i += 2;
				continue;
			}
			if (c === "!" && s.charAt(i + 1) === "[" ||
			    c === "[") {
				m = matchLink(s, c === "!" ? i + 1 : i);
				if (m !== null) {
					flush();
					el = h("span",
					    { "class": c === "!" ? "md-image" : "md-link" });
					inline(m.label, el, depth + 1);
					parent.appendChild(el);
					if (m.url !== "")
						parent.appendChild(h("span", { "class": "md-url" },
						    " (" + m.url + ")"));
					i = m.end;
					continue;
				}
			}
			if (c === "*" || c === "_" || c === "~") {
				d = s.charAt(i + 1) === c ? c + c : c;
				if (c === "~" && d.length === 1) {
					text += c;
					i++;
					continue;
				}
				/* _ inside a word is a letter (snake_case). */
				if (c === "_" && isWordChar(s.charAt(i - 1))) {
					text += d;
					i += d.length;
					continue;
				}
				if (s.charAt(i + d.length) === " " || i + d.length >= s.length) {
					text += d;
					i += d.length;
					continue;
				}
				close = findClose(s, d, i + d.length + 1);
				if (close > 0 && c === "_" &&
				    isWordChar(s.charAt(close + d.length)))
					close = -1;
				if (close < 0) {
					text += d;
					i += d.length;
					continue;
				}
				flush();
				tag = c === "~" ? "del" : d.length === 2 ? "strong" : "em";
				el = h(tag, null);
				spans(s.slice(i + d.length, close), el, depth + 1);
				parent.appendChild(el);
				i = close + d.length;
				continue;
			}
			text += c;
			i++;
		}
		flush();
	}

	/* [label](url "title") at s[i] == "[": { label, url, end } or null. */
	function matchLink(s, i) {
		var depthB = 0, j, k, url, end = Math.min(s.length, i + WINDOW);

		for (j = i; j < end; j++) {
			if (s.charAt(j) === "\\") {
				j++;
				continue;
			}
			if (s.charAt(j) === "[")
				depthB++;
			else if (s.charAt(j) === "]" && --depthB === 0)
				break;
		}
		if (j >= end || s.charAt(j + 1) !== "(")
			return null;
		/* The URL ends at the ")" that balances its "(". */
		end = Math.min(s.length, j + WINDOW);
		for (k = j + 2, depthB = 1; k < end; k++) {
			if (s.charAt(k) === "\\")
				k++;
			else if (s.charAt(k) === "(")
				depthB++;
			else if (s.charAt(k) === ")" && --depthB === 0)
				break;
		}
		if (k >= end)
			return null;
		url = s.slice(j + 2, k).trim();
		if (/\s/.test(url.replace(/\s+"[^"]*"$/, "")))
			return null;
		return { label: s.slice(i + 1, j), url: url, end: k + 1 };
	}

	/* Lines of a paragraph with line breaks between them. */
	function paragraphInline(lines, parent, depth) {
		var i;

		for (i = 0; i < lines.length; i++) {
			if (i > 0)
				parent.appendChild(h("br", null));
			inline(lines[i].replace(/^ +/, "").replace(/ +$/, ""),
			    parent, depth);
		}
	}

	/* ---- blocks ---- */

	function blocks(lines, parent, depth, tight) {
		var i = 0, line, m, el, buf, fence, close, hdr, aligns, row, k;
		var cell, cells;

		if (depth > MAX_DEPTH) {
			parent.appendChild(h("pre", { "class": "md-plain" }, lines.join("\n")));
			return;
		}
		while (i < lines.length) {
			line = lines[i];
			if (reBlank.test(line)) {
				i++;
				continue;
			}
			m = reFence.exec(line);
			if (m && !(m[1].charAt(0) === "`" && m[2].indexOf("`") >= 0)) {
				fence = m[1];
				buf = [];
				close = new RegExp("^ {0,3}" + fence.charAt(0) + "{" +
				    fence.length + ",}[ \\t]*$");
				for (i++; i < lines.length && !close.test(lines[i]); i++)
					buf.push(lines[i]);
				i++;
				parent.appendChild(h("pre", null,
				    h("code", null, buf.join("\n"))));
				continue;
			}
			m = reHeading.exec(line);
			if (m) {
				el = h("h" + m[1].length, null);
				inline(m[2] || "", el, depth);
				parent.appendChild(el);
				i++;
				continue;
			}
			if (reRule.test(line)) {
				parent.appendChild(h("hr", null));
				i++;
				continue;
			}
			if (reQuote.test(line)) {
				buf = [];
				while (i < lines.length && !reBlank.test(lines[i])) {
					m = reQuote.exec(lines[i]);
					buf.push(m ? m[1] : lines[i]);
					i++;
				}
				el = h("blockquote", null);
				blocks(buf, el, depth + 1, false);
				parent.appendChild(el);
				continue;
			}
			m = reItem.exec(line);
			if (m) {
				i = list(lines, i, parent, depth);
				continue;
			}
			/* A table: a header row, then a delimiter row. */
			if (line.indexOf("|") >= 0 && i + 1 < lines.length &&
			    reTableSep.test(lines[i + 1]) &&
			    lines[i + 1].indexOf("-") >= 0) {
				hdr = splitRow(line);
				aligns = splitRow(lines[i + 1]).map(function (c) {
					var l = c.charAt(0) === ":";
					var r = c.charAt(c.length - 1) === ":";

					return l && r ? "md-center" : r ? "md-right" : null;
				});
				el = h("table", null);
				row = h("tr", null);
				for (k = 0; k < hdr.length; k++) {
					cell = h("th", { "class": aligns[k] || null });
					inline(hdr[k], cell, depth);
					row.appendChild(cell);
				}
				el.appendChild(h("thead", null, row));
				buf = h("tbody", null);
				for (i += 2; i < lines.length && !reBlank.test(lines[i]) &&
				    lines[i].indexOf("|") >= 0; i++) {
					cells = splitRow(lines[i]);
					row = h("tr", null);
					for (k = 0; k < hdr.length; k++) {
						cell = h("td", { "class": aligns[k] || null });
						inline(cells[k] || "", cell, depth);
						row.appendChild(cell);
					}
					buf.appendChild(row);
				}
				el.appendChild(buf);
				parent.appendChild(h("div", { "class": "md-table" }, el));
				continue;
			}
			/* A paragraph: up to a blank line or another block. */
			buf = [line];
			for (i++; i < lines.length && !reBlank.test(lines[i]) &&
			    !startsBlock(lines[i]); i++) {
				if (lines[i].indexOf("|") >= 0 && i + 1 < lines.length &&
				    reTableSep.test(lines[i + 1]))
					break;
				buf.push(lines[i]);
			}
			if (tight) {
				paragraphInline(buf, parent, depth);
			} else {
				el = h("p", null);
				paragraphInline(buf, el, depth);
				parent.appendChild(el);
			}
		}
	}

	/*
	 * A list starting at lines[i]; returns the index after it.  An item
	 * holds the lines indented past its marker (dedented), and lazy
	 * continuation lines of its paragraph.
	 */
	function list(lines, i, parent, depth) {
		var m = reItem.exec(lines[i]), ordered = /\d/.test(m[2]);
		var base = m[1].length, el, items = [], cur = null, loose = false;
		var line, mm, pad, k, li, sawBlank = false, start;

		el = h(ordered ? "ol" : "ul", null);
		if (ordered) {
			start = parseInt(m[2], 10);
			if (start !== 1 && isFinite(start))
				el.setAttribute("start", String(start));
		}
		while (i < lines.length) {
			line = lines[i];
			mm = reItem.exec(line);
			if (mm && mm[1].length <= base + 1 &&
			    mm[2].slice(-1) === m[2].slice(-1)) {
				if (cur !== null && sawBlank)
					loose = true;
				pad = mm[1].length + mm[2].length +
				    (mm[3].length > 4 || mm[3].length === 0 ? 1 : mm[3].length);
				cur = { pad: pad, lines: [mm[4]] };
				items.push(cur);
				sawBlank = false;
				i++;
				continue;
			}
			if (reBlank.test(line)) {
				sawBlank = true;
				cur.lines.push("");
				i++;
				continue;
			}
			if (indentOf(line) >= Math.min(cur.pad, base + 2)) {
				if (sawBlank && indentOf(line) < cur.pad)
					break;
				cur.lines.push(line.slice(Math.min(cur.pad, indentOf(line))));
				sawBlank = false;
				i++;
				continue;
			}
			/* A lazy continuation of the item's paragraph. */
			if (!sawBlank && !startsBlock(line)) {
				cur.lines.push(line);
				i++;
				continue;
			}
			break;
		}
		for (k = 0; k < items.length; k++) {
			while (items[k].lines.length > 0 &&
			    reBlank.test(items[k].lines[items[k].lines.length - 1]))
				items[k].lines.pop();
			li = h("li", null);
			blocks(items[k].lines, li, depth + 1, !loose);
			el.appendChild(li);
		}
		parent.appendChild(el);
		return i;
	}

	JP.md = {
		render: function (text, parent, opts) {
			var lines;

			text = text === null || text === undefined ? "" : String(text);
			if ((opts && opts.plain) || text.length > MAX_LEN) {
				parent.appendChild(h("pre", { "class": "md-plain" }, text));
				return parent;
			}
			lines = text.replace(/\r\n?/g, "\n").split("\n").map(expandTabs);
			blocks(lines, parent, 0, false);
			return parent;
		}
	};
}());
