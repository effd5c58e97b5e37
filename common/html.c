/* html.c: escaping text for HTML, attributes, JSON in script blocks. */
#include <string.h>

#include "hash.h"
#include "html.h"
#include "jsonw.h"

/*
 * The length of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when
 * it is not one (overlong, surrogate, above U+10FFFF or cut short).
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

static void
escape_markup(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, len;

	/* Copy runs of harmless bytes at once. */
	while (i < n) {
		const char *rep = NULL;

		switch (p[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\0':
			rep = "\xEF\xBF\xBD";
			break;
		default:
			if ((len = utf8_len(p + i, n - i)) == 0)
				rep = "\xEF\xBF\xBD";
			else {
				i += len;
				continue;
			}
		}
		buf_add(out, s + run, i - run);
		buf_adds(out, rep);
		run = ++i;
	}
	buf_add(out, s + run, n - run);
}

void
html_text(struct buf *out, const char *s, size_t n)
{
	escape_markup(out, s, n);
}

void
html_attr(struct buf *out, const char *s, size_t n)
{
	escape_markup(out, s, n);
}

void
html_json(struct buf *out, const char *json, size_t n)
{
	const unsigned char *p = (const unsigned char *)json;
	size_t i = 0, run = 0, len;

	while (i < n) {
		const char *rep = NULL;

		switch (p[i]) {
		case '<':
			rep = "\\u003c";
			break;
		case '>':
			rep = "\\u003e";
			break;
		case '&':
			rep = "\\u0026";
			break;
		case 0xE2:
			if (i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0xA8)
				rep = "\\u2028";
			else if (i + 2 < n && p[i + 1] == 0x80 &&
			    p[i + 2] == 0xA9)
				rep = "\\u2029";
			break;
		default:
			break;
		}
		if (rep == NULL) {
			/* JSON is UTF-8; anything else is replaced. */
			if ((len = utf8_len(p + i, n - i)) == 0) {
				buf_add(out, json + run, i - run);
				buf_adds(out, "\\ufffd");
				run = ++i;
			} else
				i += len;
			continue;
		}
		buf_add(out, json + run, i - run);
		buf_adds(out, rep);
		i += p[i] == 0xE2 ? 3 : 1;
		run = i;
	}
	buf_add(out, json + run, n - run);
}

void
html_json_value(struct buf *out, const json_t *v)
{
	struct buf b;

	buf_init(&b);
	jsonw_dump(&b, v, JSONW_COMPACT);
	html_json(out, b.p, b.len);
	buf_release(&b);
}

char *
html_file_slug(const char *name)
{
	unsigned char h[HASH_LEN];
	char hex[2 * HASH_LEN + 1];
	struct buf b;
	int changed = name[0] == '\0' || name[0] == '.';
	const char *p;

	buf_init(&b);
	for (p = name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-')
			buf_addc(&b, *p);
		else {
			buf_addc(&b, '_');
			changed = 1;
		}
	}
	if (changed) {
		hash_sha256(name, strlen(name), h);
		hash_hex(h, 4, hex);
		buf_printf(&b, "-%s", hex);
	}
	return buf_detach(&b, NULL);
}
