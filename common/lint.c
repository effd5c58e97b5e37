/* lint.c: the list of findings and its two output formats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "jsonw.h"
#include "lint.h"

static const char *const smell_names[LINT_NSMELLS] = {
	"confusing", "deprecated", "inaccessible", "misdisplayed",
	"mismatched", "missing", "redundant", "unresponsive",
};

const char *
lint_smell_name(enum lint_smell s)
{
	return s < LINT_NSMELLS ? smell_names[s] : "?";
}

void
lint_vadd(struct lint_report *r, enum lint_smell smell, enum lint_severity sev,
    const char *kind, const char *name, const char *file, long line,
    const char *fmt, va_list ap)
{
	struct lint_finding *f;
	struct buf b;
	va_list ap2;
	int n;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	f = &r->v[r->n++];
	f->smell = smell;
	f->severity = sev;
	buf_init(&b);
	buf_printf(&b, "%s:%s", kind, name);
	f->entity = buf_detach(&b, NULL);
	f->file = file != NULL && file[0] != '\0' ? xstrdup(file) : NULL;
	f->line = f->file != NULL ? line : 0;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	buf_grow(&b, (size_t)n + 1);
	vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	b.len = (size_t)n;
	f->msg = buf_detach(&b, NULL);
	if (sev == LINT_ERROR)
		r->errors++;
	else
		r->warnings++;
}

void
lint_add(struct lint_report *r, enum lint_smell smell, enum lint_severity sev,
    const char *kind, const char *name, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lint_vadd(r, smell, sev, kind, name, file, line, fmt, ap);
	va_end(ap);
}

void
lint_report_release(struct lint_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].entity);
		free(r->v[i].file);
		free(r->v[i].msg);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void
where(struct buf *b, const struct lint_finding *f)
{
	if (f->line > 0)
		buf_printf(b, "%s:%ld", f->file, f->line);
	else if (f->file != NULL)
		buf_adds(b, f->file);
}

void
lint_format_json(struct buf *out, const struct lint_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct lint_finding *f = &r->v[i];
		json_t *o = json_object();
		struct buf w;

		buf_init(&w);
		where(&w, f);
		json_object_set_new(o, "smell",
		    json_string(smell_names[f->smell]));
		json_object_set_new(o, "severity", json_string(
		    f->severity == LINT_ERROR ? "error" : "warning"));
		json_object_set_new(o, "entity", json_string(f->entity));
		json_object_set_new(o, "where", f->file != NULL ?
		    json_stringn(w.p, w.len) : json_null());
		json_object_set_new(o, "message", json_string(f->msg));
		jsonw_dump(out, o, 0);
		buf_addc(out, '\n');
		json_decref(o);
		buf_release(&w);
	}
}

void
lint_format_text(struct buf *out, const struct lint_report *r)
{
	size_t i, k, start;

	for (i = 0; i < r->n; i++) {
		const struct lint_finding *f = &r->v[i];

		start = out->len;
		if (f->file != NULL) {
			where(out, f);
			buf_adds(out, ": ");
		}
		buf_printf(out, "%s: %s: %s (%s)",
		    f->severity == LINT_ERROR ? "error" : "warning",
		    smell_names[f->smell], f->msg, f->entity);
		/* One line per finding, whatever the names hold. */
		for (k = start; k < out->len; k++)
			if ((unsigned char)out->p[k] < 0x20)
				out->p[k] = '?';
		buf_addc(out, '\n');
	}
	buf_printf(out, "%zu error%s, %zu warning%s\n", r->errors,
	    r->errors == 1 ? "" : "s", r->warnings,
	    r->warnings == 1 ? "" : "s");
}
