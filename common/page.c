/* page.c: render an embedded page template (see page.h). */
#include <stdio.h>
#include <string.h>

#include "asset.h"
#include "hash.h"
#include "html.h"
#include "page.h"

/* Add 'sha256-...' of each inline element <tag>...</tag> of page. */
static void
hashes(struct buf *out, const char *page, size_t len, const char *tag)
{
	char open[16], close[16];
	const char *p = page, *end = page + len, *e;
	unsigned char h[HASH_LEN];

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	while ((p = memmem(p, (size_t)(end - p), open, strlen(open))) !=
	    NULL) {
		p += strlen(open);
		if ((e = memmem(p, (size_t)(end - p), close, strlen(close))) ==
		    NULL)
			break;
		hash_sha256(p, (size_t)(e - p), h);
		buf_adds(out, " 'sha256-");
		buf_add_base64(out, h, HASH_LEN);
		buf_addc(out, '\'');
		p = e;
	}
}

static const struct page_value *
value(const struct page_value *v, size_t n, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i].key) == klen &&
		    memcmp(v[i].key, key, klen) == 0)
			return &v[i];
	return NULL;
}

int
page_render_asset(struct buf *out, const char *name,
    const struct page_value *v, size_t n, struct diag *d)
{
	const struct asset *t = asset_find(name);

	if (t == NULL)
		return diag_set(d, EX_SOFTWARE, NULL, 0, "no page template "
		    "'%s'", name);
	return page_render(out, name, (const char *)t->data, t->len, v, n, d);
}

int
page_render(struct buf *out, const char *tmpl, const char *text, size_t len,
    const struct page_value *v, size_t n, struct diag *d)
{
	const struct asset *a;
	const char *p = text, *end = text + len, *q, *arg, *close;
	size_t start = out->len, mark = (size_t)-1, cmdlen, arglen;
	struct buf csp, name;

	buf_init(&name);
	while ((q = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		const struct page_value *pv;

		close = memmem(q, (size_t)(end - q), "}}", 2);
		buf_add(out, p, (size_t)(q - p));
		if (close == NULL) {
			p = q;
			break;
		}
		q += 2;
		for (cmdlen = 0; q + cmdlen < close && q[cmdlen] != ' ';)
			cmdlen++;
		arg = q + cmdlen + (q + cmdlen < close);
		arglen = (size_t)(close - arg);
		buf_reset(&name);
		buf_add(&name, arg, arglen);
		if (cmdlen == 3 && memcmp(q, "csp", 3) == 0) {
			mark = out->len;
		} else if (cmdlen == 7 && memcmp(q, "include", 7) == 0) {
			if ((a = asset_find(name.p)) == NULL)
				goto bad;
			buf_add(out, a->data, a->len);
		} else if ((pv = value(v, n, arg, arglen)) == NULL) {
			goto bad;
		} else if (cmdlen == 4 && memcmp(q, "text", 4) == 0) {
			html_text(out, pv->val, pv->len);
		} else if (cmdlen == 4 && memcmp(q, "attr", 4) == 0) {
			html_attr(out, pv->val, pv->len);
		} else if (cmdlen == 4 && memcmp(q, "json", 4) == 0) {
			html_json(out, pv->val, pv->len);
		} else {
			goto bad;
		}
		p = close + 2;
	}
	buf_add(out, p, (size_t)(end - p));
	buf_release(&name);
	if (mark != (size_t)-1) {
		struct buf rest;

		/* The hashes cover the finished page's inline elements. */
		buf_init(&csp);
		buf_adds(&csp, "<meta http-equiv=\"Content-Security-Policy\" "
		    "content=\"default-src 'none'; script-src 'self' file:");
		hashes(&csp, out->p + start, out->len - start, "script");
		buf_adds(&csp, "; style-src");
		hashes(&csp, out->p + start, out->len - start, "style");
		buf_adds(&csp, "; img-src data:; base-uri 'none'; "
		    "form-action 'none'\">");
		buf_init(&rest);
		buf_add(&rest, out->p + mark, out->len - mark);
		out->len = mark;
		out->p[mark] = '\0';
		buf_add(out, csp.p, csp.len);
		buf_add(out, rest.p, rest.len);
		buf_release(&rest);
		buf_release(&csp);
	}
	return 0;
bad:
	diag_set(d, EX_SOFTWARE, NULL, 0, "page template '%s': bad directive "
	    "'{{%.*s}}'", tmpl, (int)(close - q), q);
	buf_release(&name);
	return -1;
}
