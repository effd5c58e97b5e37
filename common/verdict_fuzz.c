/* verdict_fuzz.c: libFuzzer target for the verdict parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

/*
 * The input is a judge's reply, parsed with one of the patterns judge
 * configs use (chosen by the first byte, which stays part of the text).
 * An input that starts with a NUL byte carries its own pattern instead:
 * "\0PATTERN\0TEXT", so that the translation of Python's syntax is fuzzed
 * too.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const patterns[] = {
	VERDICT_DEFAULT_PATTERN,
	"\\[([AB<>=]+)\\]",
	"\\[\\[[AB<>=]+\\]\\]",
	"(?:Final verdict|VERDICT): *([AB<>=]+)\\s*\\Z",
	"[[]\\[(A|B)[]>=<]*",
};
#define NPAT (sizeof(patterns) / sizeof(patterns[0]))

static struct verdict *compiled[NPAT];

static void
parse(const struct verdict *v, const char *text, size_t len)
{
	struct diag d;
	char *label;
	int rc;

	rc = verdict_find(v, text, len, &label, &d);
	if (rc == VERDICT_ONE) {
		/* The label is a piece of the text, without "\n" ends. */
		size_t n = strlen(label);

		if (n > 0 && memchr(text, '\0', len) == NULL &&
		    (label[0] == '\n' || label[n - 1] == '\n'))
			abort();
		if (memmem(text, len, label, n) == NULL)
			abort();
		free(label);
	} else if (label != NULL || (rc != VERDICT_NONE &&
	    rc != VERDICT_CONFLICT && rc != -1))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul;
	struct verdict *v;
	char *pat;
	size_t i;

	if (size == 0 || data[0] != '\0') {
		i = size > 0 ? data[0] % NPAT : 0;
		if (compiled[i] == NULL &&
		    (compiled[i] = verdict_new(patterns[i], NULL)) == NULL)
			abort();
		parse(compiled[i], text, size);
		return 0;
	}
	nul = memchr(text + 1, '\0', size - 1);
	if (nul == NULL)
		return 0;
	pat = strndup(text + 1, (size_t)(nul - text - 1));
	if (pat == NULL)
		abort();
	v = verdict_new(pat, NULL);
	free(pat);
	if (v == NULL)
		return 0;
	parse(v, nul + 1, size - (size_t)(nul + 1 - text));
	verdict_free(v);
	return 0;
}
