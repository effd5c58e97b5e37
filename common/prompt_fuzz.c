/* prompt_fuzz.c: libFuzzer target for the prompt templates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prompt.h"

/*
 * The input is a template.  prompt_check and prompt_format must agree: a
 * template that checks renders once each field it names has a value, its
 * text is the template with "{{", "}}" and the fields replaced, and it
 * fails to render without values exactly when it names a field.  A
 * template that does not check does not render either.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fields {
	struct prompt_args args;
	char **names;		/* copies: prompt_args borrows the values */
	size_t n;		/* fields, repeated names included */
};

static int
collect(void *arg, const char *name, size_t n)
{
	struct fields *f = arg;
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, name, n);
	s[n] = '\0';
	/* A name with a NUL byte is not one prompt_args can hold. */
	if (strlen(s) != n) {
		free(s);
		return -1;
	}
	f->names = realloc(f->names, (f->n + 1) * sizeof(*f->names));
	if (f->names == NULL)
		abort();
	f->names[f->n++] = s;
	/* The value is the name itself, so the length is known. */
	prompt_args_set(&f->args, s, s, n);
	return 0;
}

/* Refuse every name that starts with "x", as field_ok refuses unknowns. */
static int
refuse_x(void *arg, const char *name, size_t n)
{
	(void)arg;
	return n > 0 && name[0] == 'x' ? -1 : 0;
}

/* Occurrences of "{{" or "}}" that prompt_format turns into one brace. */
static size_t
count_escapes(const char *t, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (t[i] == '{' && i + 1 < len && t[i + 1] == '{') {
			n++;
			i++;
		} else if (t[i] == '{') {
			while (i < len && t[i] != '}')
				i++;
		} else if (t[i] == '}' && i + 1 < len && t[i + 1] == '}') {
			n++;
			i++;
		}
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	struct prompt_args none;
	struct fields f;
	struct diag d;
	struct buf out;
	size_t i;
	int ok, rc;

	memset(&f, 0, sizeof(f));
	prompt_args_init(&f.args);
	prompt_args_init(&none);
	buf_init(&out);
	ok = prompt_check(t, size, collect, &f, "fuzz", 1, &d) == 0;
	prompt_check(t, size, refuse_x, NULL, NULL, 0, &d);
	if (ok) {
		if (prompt_format(t, size, &f.args, &out, "fuzz", 1, &d) == -1)
			abort();
		/* Each field's braces go and each value is the name. */
		if (out.len != size - count_escapes(t, size) - 2 * f.n)
			abort();
		buf_reset(&out);
		rc = prompt_format(t, size, &none, &out, NULL, 0, &d);
		if ((rc == 0) != (f.n == 0))
			abort();
	} else if (prompt_format(t, size, &f.args, &out, NULL, 0, &d) == 0)
		abort();	/* the same walk, so the same error */
	for (i = 0; i < f.n; i++)
		free(f.names[i]);
	free(f.names);
	prompt_args_release(&f.args);
	buf_release(&out);
	return 0;
}
