/* style.c: markdown counts with Python re semantics, and conv_metadata. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "style.h"

/*
 * Upstream counts with Python's re on str (add_markdown_info.py):
 *
 *	h1..h6     ^#{1}\s ... ^#{6}\s        MULTILINE
 *	ordered    ^\s*\d+\.\s                MULTILINE
 *	unordered  ^\s*[-*+]\s                MULTILINE
 *	**         \*\*[^*\n]+\*\*
 *	__         __[^_\n]+__
 *
 * after removing code blocks matched by ```([^`]*)```.  None of these needs
 * backtracking to decide a match (each repeated class is disjoint from what
 * follows it), so each is scanned by hand below, byte-wise on UTF-8: a
 * multi-byte sequence never contains an ASCII byte, so "[^*\n]" over code
 * points is "[^*\n]" over bytes.  Only "\s" and "\d" look at code points.
 */

/*
 * Code points of category Nd in Unicode 14.0.0 (Python 3.11's "\d"),
 * from unicodedata.category(c) == "Nd".
 */
static const struct {
	uint32_t lo, hi;
} nd_ranges[] = {
	{ 0x00030, 0x00039 }, { 0x00660, 0x00669 }, { 0x006f0, 0x006f9 },
	{ 0x007c0, 0x007c9 }, { 0x00966, 0x0096f }, { 0x009e6, 0x009ef },
	{ 0x00a66, 0x00a6f }, { 0x00ae6, 0x00aef }, { 0x00b66, 0x00b6f },
	{ 0x00be6, 0x00bef }, { 0x00c66, 0x00c6f }, { 0x00ce6, 0x00cef },
	{ 0x00d66, 0x00d6f }, { 0x00de6, 0x00def }, { 0x00e50, 0x00e59 },
	{ 0x00ed0, 0x00ed9 }, { 0x00f20, 0x00f29 }, { 0x01040, 0x01049 },
	{ 0x01090, 0x01099 }, { 0x017e0, 0x017e9 }, { 0x01810, 0x01819 },
	{ 0x01946, 0x0194f }, { 0x019d0, 0x019d9 }, { 0x01a80, 0x01a89 },
	{ 0x01a90, 0x01a99 }, { 0x01b50, 0x01b59 }, { 0x01bb0, 0x01bb9 },
	{ 0x01c40, 0x01c49 }, { 0x01c50, 0x01c59 }, { 0x0a620, 0x0a629 },
	{ 0x0a8d0, 0x0a8d9 }, { 0x0a900, 0x0a909 }, { 0x0a9d0, 0x0a9d9 },
	{ 0x0a9f0, 0x0a9f9 }, { 0x0aa50, 0x0aa59 }, { 0x0abf0, 0x0abf9 },
	{ 0x0ff10, 0x0ff19 }, { 0x104a0, 0x104a9 }, { 0x10d30, 0x10d39 },
	{ 0x11066, 0x1106f }, { 0x110f0, 0x110f9 }, { 0x11136, 0x1113f },
	{ 0x111d0, 0x111d9 }, { 0x112f0, 0x112f9 }, { 0x11450, 0x11459 },
	{ 0x114d0, 0x114d9 }, { 0x11650, 0x11659 }, { 0x116c0, 0x116c9 },
	{ 0x11730, 0x11739 }, { 0x118e0, 0x118e9 }, { 0x11950, 0x11959 },
	{ 0x11c50, 0x11c59 }, { 0x11d50, 0x11d59 }, { 0x11da0, 0x11da9 },
	{ 0x16a60, 0x16a69 }, { 0x16ac0, 0x16ac9 }, { 0x16b50, 0x16b59 },
	{ 0x1d7ce, 0x1d7ff }, { 0x1e140, 0x1e149 }, { 0x1e2f0, 0x1e2f9 },
	{ 0x1e950, 0x1e959 }, { 0x1fbf0, 0x1fbf9 },
};

/*
 * The length of the Python "\s" character at t[i] (str.isspace: 9-13,
 * 28-32, U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000), or 0.
 */
static size_t
space_len(const unsigned char *t, size_t n, size_t i)
{
	unsigned char c = t[i];

	if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20))
		return 1;
	if (c == 0xc2 && i + 1 < n)
		return t[i + 1] == 0x85 || t[i + 1] == 0xa0 ? 2 : 0;
	if (c < 0xe1 || c > 0xe3 || i + 2 >= n)
		return 0;
	if (c == 0xe1)
		return t[i + 1] == 0x9a && t[i + 2] == 0x80 ? 3 : 0;
	if (c == 0xe3)
		return t[i + 1] == 0x80 && t[i + 2] == 0x80 ? 3 : 0;
	if (t[i + 1] == 0x80)
		return t[i + 2] <= 0x8a || t[i + 2] == 0xa8 ||
		    t[i + 2] == 0xa9 || t[i + 2] == 0xaf ? 3 : 0;
	return t[i + 1] == 0x81 && t[i + 2] == 0x9f ? 3 : 0;
}

/*
 * Decode the code point at t[i] into *cp and return its length (1 for a
 * byte that does not start a valid sequence, decoded as itself).
 */
static size_t
utf8_get(const unsigned char *t, size_t n, size_t i, uint32_t *cp)
{
	unsigned char c = t[i];
	size_t len, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		*cp = c;
		return 1;
	}
	if (i + len > n)
		goto bad;
	for (k = 1; k < len; k++) {
		if ((t[i + k] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (t[i + k] & 0x3f);
	}
	*cp = v;
	return len;
bad:
	*cp = c;
	return 1;
}

/* The length of the Python "\d" character at t[i], or 0. */
static size_t
digit_len(const unsigned char *t, size_t n, size_t i)
{
	size_t lo = 0, hi = sizeof(nd_ranges) / sizeof(nd_ranges[0]), len;
	uint32_t cp;

	if (t[i] < 0x80)
		return t[i] >= '0' && t[i] <= '9';
	len = utf8_get(t, n, i, &cp);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < nd_ranges[mid].lo)
			hi = mid;
		else if (cp > nd_ranges[mid].hi)
			lo = mid + 1;
		else
			return len;
	}
	return 0;
}

/* The first position after i that starts a line (follows "\n"), or n. */
static size_t
next_line(const unsigned char *t, size_t n, size_t i)
{
	const unsigned char *nl;

	if (i >= n)
		return n;
	nl = memchr(t + i, '\n', n - i);
	return nl != NULL ? (size_t)(nl - t) + 1 : n;
}

/* The first line start at or after i (MULTILINE "^" positions), or n. */
static size_t
line_at_or_after(const unsigned char *t, size_t n, size_t i)
{
	if (i == 0 || (i <= n && t[i - 1] == '\n'))
		return i;
	return next_line(t, n, i);
}

enum list_kind {
	LIST_ORDERED,		/* \d+\.\s */
	LIST_UNORDERED,		/* [-*+]\s */
};

/*
 * What follows "^\s*" of a list pattern, at t[i]: returns the end of the
 * match, or 0 when there is none (a match never ends at 0).
 */
static size_t
list_tail(const unsigned char *t, size_t n, size_t i, enum list_kind k)
{
	size_t len;

	if (i >= n)
		return 0;
	if (k == LIST_UNORDERED) {
		if (t[i] != '-' && t[i] != '*' && t[i] != '+')
			return 0;
		i++;
	} else {
		if ((len = digit_len(t, n, i)) == 0)
			return 0;
		do
			i += len;
		while (i < n && (len = digit_len(t, n, i)) > 0);
		if (i >= n || t[i] != '.')
			return 0;
		i++;
	}
	if (i >= n || (len = space_len(t, n, i)) == 0)
		return 0;
	return i + len;
}

/*
 * findall("^\s*<tail>", MULTILINE).  "\s*" is greedy and "\s" excludes
 * what a tail starts with, so a try from line start L either matches or
 * fails at w, the end of the whitespace; every line start in (L, w] then
 * reaches the same w and fails too, so the scan resumes after w.  That
 * keeps long runs of blank lines linear (Python's own scan is quadratic).
 */
static long
count_list(const unsigned char *t, size_t n, enum list_kind k)
{
	size_t l = 0, w, end, len;
	long count = 0;

	while (l < n) {
		for (w = l; w < n && (len = space_len(t, n, w)) > 0; w += len)
			;
		end = list_tail(t, n, w, k);
		if (end > 0) {
			count++;
			l = line_at_or_after(t, n, end);
		} else
			l = next_line(t, n, w);
	}
	return count;
}

/* h1..h6: "^#{k}\s" matches where exactly k "#" open a line before "\s". */
static void
count_headers(const unsigned char *t, size_t n, long header[6])
{
	size_t l, r;

	for (l = 0; l < n; l = next_line(t, n, l)) {
		for (r = 0; l + r < n && t[l + r] == '#' && r <= 6; r++)
			;
		if (r >= 1 && r <= 6 && l + r < n && space_len(t, n, l + r))
			header[r - 1]++;
	}
}

/* findall of c c [^c\n]+ c c: "**" or "__" bold. */
static long
count_bold(const unsigned char *t, size_t n, unsigned char c)
{
	const unsigned char pair[2] = { c, c };
	const unsigned char *p;
	size_t i = 0, s, j;
	long count = 0;

	while (i + 1 < n && (p = memmem(t + i, n - i, pair, 2)) != NULL) {
		s = p - t;
		for (j = s + 2; j < n && t[j] != c && t[j] != '\n'; j++)
			;
		if (j > s + 2 && j + 1 < n && t[j] == c && t[j + 1] == c) {
			count++;
			i = j + 2;
		} else
			i = s + 1;
	}
	return count;
}

/*
 * Upstream's remove_pattern: blocks = findall("```([^`]*)```", text), then
 * text = text.replace(block, "") for each captured inner text in turn, so
 * an inner text is deleted wherever it occurs, even outside code, and the
 * fences stay.  Byte-wise replacement equals code-point replacement on
 * valid UTF-8.
 */
char *
style_strip_code(const char *text, size_t len, size_t *outlen)
{
	const unsigned char *t = (const unsigned char *)text;
	struct buf cur, next;
	size_t i = 0, s, j;
	const unsigned char *p;

	buf_init(&cur);
	buf_add(&cur, text, len);
	buf_init(&next);
	while (i + 6 <= len && (p = memmem(t + i, len - i, "```", 3)) != NULL) {
		s = p - t;
		for (j = s + 3; j < len && t[j] != '`'; j++)
			;
		if (j + 3 > len || memcmp(t + j, "```", 3) != 0) {
			i = s + 1;
			continue;
		}
		i = j + 3;
		if (j == s + 3)
			continue;	/* replacing "" changes nothing */
		/* Delete every occurrence of t[s+3..j) from cur. */
		{
			const char *needle = text + s + 3, *c = cur.p, *q;
			size_t nl = j - (s + 3), rest = cur.len;
			struct buf tmp;

			buf_reset(&next);
			while ((q = memmem(c, rest, needle, nl)) != NULL) {
				buf_add(&next, c, q - c);
				rest -= (q - c) + nl;
				c = q + nl;
			}
			buf_add(&next, c, rest);
			tmp = cur;
			cur = next;
			next = tmp;
		}
	}
	buf_release(&next);
	return buf_detach(&cur, outlen);
}

void
style_count(const char *text, size_t len, struct style_counts *c)
{
	size_t n;
	char *s = style_strip_code(text, len, &n);
	const unsigned char *t = (const unsigned char *)s;

	memset(c, 0, sizeof(*c));
	count_headers(t, n, c->header);
	c->ordered = count_list(t, n, LIST_ORDERED);
	c->unordered = count_list(t, n, LIST_UNORDERED);
	c->bold_star = count_bold(t, n, '*');
	c->bold_under = count_bold(t, n, '_');
	free(s);
}

int
style_conv_metadata(const struct tok_encoder *e, const char *text,
    size_t len, json_t **out, struct diag *d)
{
	static const char *const hname[6] = {
		"h1", "h2", "h3", "h4", "h5", "h6",
	};
	struct style_counts c;
	json_t *m, *h, *l, *b;
	size_t ntok, i;

	*out = NULL;
	ntok = tok_count(e, text, len);
	if (ntok == SIZE_MAX)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "tokenizer failed on a %zu-byte text", len);
	style_count(text, len, &c);

	m = json_object();
	h = json_object();
	l = json_object();
	b = json_object();
	json_object_set_new(m, "token_len", json_integer((json_int_t)ntok));
	for (i = 0; i < 6; i++)
		json_object_set_new(h, hname[i], json_integer(c.header[i]));
	json_object_set_new(m, "header_count", h);
	json_object_set_new(l, "ordered", json_integer(c.ordered));
	json_object_set_new(l, "unordered", json_integer(c.unordered));
	json_object_set_new(m, "list_count", l);
	json_object_set_new(b, "**", json_integer(c.bold_star));
	json_object_set_new(b, "__", json_integer(c.bold_under));
	json_object_set_new(m, "bold_count", b);
	*out = m;
	return 0;
}

int
style_annotate(const struct tok_encoder *e, json_t *answer, struct diag *d)
{
	json_t *choices, *turns, *content, *meta;

	choices = json_object_get(answer, "choices");
	turns = json_object_get(json_array_get(choices, 0), "turns");
	content = json_object_get(json_array_get(turns, 0), "content");
	if (!json_is_string(content))
		return diag_set(d, EX_DATAERR, NULL, 0, "%s",
		    content == NULL ? "missing field 'choices[0].turns[0]."
		    "content'" : "field 'choices[0].turns[0].content' is not "
		    "a string");
	if (style_conv_metadata(e, json_string_value(content),
	    json_string_length(content), &meta, d) == -1)
		return -1;
	/*
	 * jansson keeps keys in insertion order, and setting an existing key
	 * replaces its value where it stands (style_test checks both).
	 */
	if (json_object_set_new(answer, "conv_metadata", meta) == -1)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot set 'conv_metadata'");
	return 0;
}
