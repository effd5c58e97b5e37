/* prompt.c: "{name}" templates with "{{"/"}}" escapes. */
#include <stdlib.h>
#include <string.h>

#include "prompt.h"

void
prompt_args_init(struct prompt_args *a)
{
	memset(a, 0, sizeof(*a));
}

void
prompt_args_release(struct prompt_args *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].name);
	free(a->v);
	prompt_args_init(a);
}

static const struct prompt_arg *
lookup(const struct prompt_args *a, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strlen(a->v[i].name) == n &&
		    memcmp(a->v[i].name, name, n) == 0)
			return &a->v[i];
	return NULL;
}

void
prompt_args_set(struct prompt_args *a, const char *name, const char *value,
    size_t len)
{
	struct prompt_arg *p;

	p = (struct prompt_arg *)lookup(a, name, strlen(name));
	if (p == NULL) {
		if (a->n == a->cap) {
			a->cap = a->cap == 0 ? 8 : a->cap * 2;
			a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
		}
		p = &a->v[a->n++];
		p->name = xstrdup(name);
	}
	p->value = value;
	p->len = len;
}

/* Called for each piece: literal text, or a field name when field is 1. */
typedef int piece_fn(void *arg, int field, const char *s, size_t n,
    const char *file, long line, struct diag *d);

/*
 * Walk tmpl as Python's str.format parses it.  Field texts run from "{" to
 * the next "}"; anything but a plain name inside is refused.
 */
static int
walk(const char *t, size_t len, piece_fn *fn, void *arg, const char *file,
    long line, struct diag *d)
{
	size_t i = 0, lit = 0, j, digits;

	while (i < len) {
		if (t[i] == '}') {
			if (i + 1 < len && t[i + 1] == '}') {
				if (fn(arg, 0, t + lit, i + 1 - lit, file, line,
				    d) == -1)
					return -1;
				i += 2;
				lit = i;
				continue;
			}
			return diag_set(d, EX_CONFIG, file, line, "prompt "
			    "template: single '}' at offset %zu", i);
		}
		if (t[i] != '{') {
			i++;
			continue;
		}
		if (i + 1 < len && t[i + 1] == '{') {
			if (fn(arg, 0, t + lit, i + 1 - lit, file, line, d) == -1)
				return -1;
			i += 2;
			lit = i;
			continue;
		}
		if (fn(arg, 0, t + lit, i - lit, file, line, d) == -1)
			return -1;
		digits = 0;
		for (j = i + 1; j < len && t[j] != '}'; j++) {
			if (t[j] != '\0' && strchr("{!:.[]", t[j]) != NULL)
				break;
			if (t[j] >= '0' && t[j] <= '9')
				digits++;
		}
		if (j >= len)
			return diag_set(d, EX_CONFIG, file, line, "prompt "
			    "template: '{' at offset %zu is not closed", i);
		if (t[j] != '}') {
			const char *what = t[j] == '!' ? "a conversion" :
			    t[j] == ':' ? "a format spec" : t[j] == '{' ?
			    "a nested '{'" : "attribute or index access";

			return diag_set(d, EX_CONFIG, file, line, "prompt "
			    "template: field at offset %zu uses %s, which is "
			    "not supported", i, what);
		}
		if (digits == j - i - 1)
			return diag_set(d, EX_CONFIG, file, line, "prompt "
			    "template: positional field '%.*s' at offset %zu "
			    "(fields must be named)", (int)(j - i + 1), t + i,
			    i);
		if (fn(arg, 1, t + i + 1, j - i - 1, file, line, d) == -1)
			return -1;
		i = j + 1;
		lit = i;
	}
	return fn(arg, 0, t + lit, len - lit, file, line, d);
}

struct check_ctx {
	int (*fn)(void *, const char *, size_t);
	void *arg;
};

static int
check_piece(void *arg, int field, const char *s, size_t n, const char *file,
    long line, struct diag *d)
{
	struct check_ctx *c = arg;

	if (!field || c->fn == NULL || c->fn(c->arg, s, n) == 0)
		return 0;
	return diag_set(d, EX_CONFIG, file, line, "prompt template: unknown "
	    "field '{%.*s}'", (int)n, s);
}

int
prompt_check(const char *tmpl, size_t len,
    int (*fn)(void *, const char *, size_t), void *arg, const char *file,
    long line, struct diag *d)
{
	struct check_ctx c = { fn, arg };

	return walk(tmpl, len, check_piece, &c, file, line, d);
}

struct format_ctx {
	const struct prompt_args *a;
	struct buf *out;
};

static int
format_piece(void *arg, int field, const char *s, size_t n,
    const char *file, long line, struct diag *d)
{
	struct format_ctx *c = arg;
	const struct prompt_arg *p;

	if (!field) {
		buf_add(c->out, s, n);
		return 0;
	}
	if ((p = lookup(c->a, s, n)) == NULL)
		return diag_set(d, EX_CONFIG, file, line, "prompt template: "
		    "no value for field '{%.*s}'", (int)n, s);
	buf_add(c->out, p->value, p->len);
	return 0;
}

int
prompt_format(const char *tmpl, size_t len, const struct prompt_args *a,
    struct buf *out, const char *file, long line, struct diag *d)
{
	struct format_ctx c = { a, out };

	return walk(tmpl, len, format_piece, &c, file, line, d);
}
