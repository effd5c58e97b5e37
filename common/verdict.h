/* verdict.h: a judge's text to its verdict label through PCRE2. */
#ifndef JUDGEPIPE_VERDICT_H
#define JUDGEPIPE_VERDICT_H

#include <stddef.h>

#include "diag.h"

/* arena-hard-auto's default regex_pattern. */
#define VERDICT_DEFAULT_PATTERN	"\\[\\[([AB<>=]+)\\]\\]"

/* The verdict pattern, compiled once (read-only afterwards). */
struct verdict;

enum verdict_outcome {
	VERDICT_NONE,		/* no match: the judge may be asked again */
	VERDICT_ONE,		/* one distinct value: the label */
	VERDICT_CONFLICT,	/* several distinct values: no label */
};

/*
 * Compile a Python re pattern (case-sensitive, Unicode: str pattern
 * semantics; "\Z" is read as Python's end of string).  A pattern with more
 * than one capturing group is refused (Python's findall would return
 * tuples).  Returns NULL with d set to EX_CONFIG and the compiler's
 * message, without a position (the caller adds the config file:line).
 */
struct verdict *verdict_new(const char *pattern, struct diag *d);

void verdict_free(struct verdict *v);		/* NULL-safe */

/*
 * Python re.findall(pattern, text) with empty strings removed: the values
 * of group 1 (or of the whole match when the pattern has no group) of
 * every non-overlapping match, left to right.  text is len bytes of UTF-8
 * and may contain NUL bytes.
 *
 * Returns VERDICT_NONE when there is no non-empty value, VERDICT_CONFLICT
 * when there are several distinct ones, and VERDICT_ONE with *label set to
 * a malloc'ed copy of the value with leading and trailing "\n" removed
 * (Python's str.strip("\n")); the caller frees it.  Returns -1 with d set
 * (EX_SOFTWARE) when the matcher fails, e.g. on a match limit.
 */
int verdict_find(const struct verdict *v, const char *text, size_t len,
    char **label, struct diag *d);

/*
 * The last value of the same findall (arena-hard-auto HEAD's get_score:
 * matches[-1].strip("\n")): VERDICT_ONE with *label malloc'ed, or
 * VERDICT_NONE; -1 as verdict_find.
 */
int verdict_last(const struct verdict *v, const char *text, size_t len,
    char **label, struct diag *d);

#endif
