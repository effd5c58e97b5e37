/* prompt.h: judge prompt templates, a str.format subset. */
#ifndef JUDGEPIPE_PROMPT_H
#define JUDGEPIPE_PROMPT_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/*
 * Template syntax (Python str.format, restricted): "{name}" is replaced by
 * the argument called name, "{{" and "}}" are literal braces.  A lone "{"
 * or "}", an empty or numeric name (positional fields), attribute or index
 * access ("{a.b}", "{a[0]}"), a conversion ("{a!r}") and a format spec
 * ("{a:>10}") are errors: the shipped templates need none of them.
 */

/* Named arguments.  Names are copied; values are borrowed. */
struct prompt_args {
	struct prompt_arg {
		char *name;
		const char *value;	/* len bytes, may contain NUL */
		size_t len;
	} *v;
	size_t n;
	size_t cap;
};

void prompt_args_init(struct prompt_args *a);

/* Free the names and empty a (values are the caller's). */
void prompt_args_release(struct prompt_args *a);

/* Set name to value[0..len); a later set of a name replaces the earlier. */
void prompt_args_set(struct prompt_args *a, const char *name,
    const char *value, size_t len);

/*
 * Check the syntax of tmpl[0..len) and call fn(arg, name, name_len) for
 * each field in order (fn may be NULL); fn returns 0 to accept the name or
 * -1 to refuse it.  Returns 0, or -1 with d set to EX_CONFIG at file:line
 * (file may be NULL) naming the offending field.
 */
int prompt_check(const char *tmpl, size_t len,
    int (*fn)(void *, const char *, size_t), void *arg, const char *file,
    long line, struct diag *d);

/*
 * Append tmpl[0..len) with its fields replaced by the arguments in a to
 * out.  Returns 0, or -1 with d set to EX_CONFIG at file:line for a syntax
 * error or a name without an argument; out may then hold a partial text.
 */
int prompt_format(const char *tmpl, size_t len, const struct prompt_args *a,
    struct buf *out, const char *file, long line, struct diag *d);

#endif
