/* html.h: escaping for every context a C program writes HTML into. */
#ifndef JUDGEPIPE_HTML_H
#define JUDGEPIPE_HTML_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"

/*
 * The one way text reaches a page (cgit's html.c): no record text, model
 * name or file name is written into HTML without the function for its
 * context.  Each appends to out; s is n bytes and may hold any bytes
 * (NUL included).  Bytes that are not valid UTF-8 become U+FFFD, so a
 * browser never guesses at them.
 *
 *	<p>TEXT</p>			html_text
 *	<td title="ATTR">		html_attr (always inside double quotes)
 *	<script type="application/json">JSON</script>
 *					html_json, html_json_value
 *	a .js data file: f(JSON);	html_json, html_json_value
 *
 * There is no function for URLs, event handlers, style or script code:
 * record text never goes there.  JS receives data as JSON and puts it in
 * the page with textContent.
 */

/* Element content: & < > " ' become character references. */
void html_text(struct buf *out, const char *s, size_t n);

/* A double-quoted attribute value: as html_text (quotes included). */
void html_attr(struct buf *out, const char *s, size_t n);

/*
 * JSON text (as jansson or jsonw writes it) made safe inside a
 * <script type="application/json"> block and inside JS source: "<", ">"
 * and "&" become \u003c, \u003e, \u0026 (so neither "</script>" nor
 * "<!--" can appear), and U+2028 and U+2029 become \u2028 and \u2029
 * (line terminators in older JS).  Outside strings JSON holds none of
 * these, so the value read back by JSON.parse is unchanged.
 */
void html_json(struct buf *out, const char *json, size_t n);

/*
 * Dump v (borrowed) compactly, then as html_json.  v must hold no
 * infinite or NaN number (JSON has none; use null).
 */
void html_json_value(struct buf *out, const json_t *v);

/*
 * A file name for name made of [A-Za-z0-9._-] only, safe in a relative
 * URL and on any file system: other bytes become "_", and when anything
 * was replaced (or name is empty or starts with ".") a "-" and 8 hex
 * digits of name's SHA-256 follow, so distinct names stay distinct.
 * Returns a malloc'ed string.
 */
char *html_file_slug(const char *name);

#endif
