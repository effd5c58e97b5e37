/* verdict_test.c: the verdict regex as Python's re.findall. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "verdict.h"

/* Each expectation was checked against CPython 3.11's re.findall. */
static const struct {
	const char *pattern;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	int outcome;
	const char *label;
} cases[] = {
	{ VERDICT_DEFAULT_PATTERN, "\nMy final verdict is: [[A>B]]", 0,
	    VERDICT_ONE, "A>B" },
	{ VERDICT_DEFAULT_PATTERN, "\nno label yet", 0, VERDICT_NONE, NULL },
	{ VERDICT_DEFAULT_PATTERN, "[[B>>A]] then again [[B>>A]]", 0,
	    VERDICT_ONE, "B>>A" },
	{ VERDICT_DEFAULT_PATTERN, "[[A>B]] ... [[B>A]]", 0,
	    VERDICT_CONFLICT, NULL },
	/* Any string of the class is a label; validity is not checked. */
	{ VERDICT_DEFAULT_PATTERN, "[[A<B]]", 0, VERDICT_ONE, "A<B" },
	{ VERDICT_DEFAULT_PATTERN, "[[]] [[a>b]] [[A>C]]", 0, VERDICT_NONE,
	    NULL },
	/* NUL bytes do not end the text. */
	{ VERDICT_DEFAULT_PATTERN, "x\0[[A=B]]", 9, VERDICT_ONE, "A=B" },
	/* No group: the whole match. */
	{ "\\[\\[[AB<>=]+\\]\\]", "x [[A>B]] y", 0, VERDICT_ONE, "[[A>B]]" },
	/* Empty matches are dropped; an unset group is "". */
	{ "(x?)", "abc", 0, VERDICT_NONE, NULL },
	{ "(a)?b", "b", 0, VERDICT_NONE, NULL },
	{ "(a)?b", "ab b", 0, VERDICT_ONE, "a" },
	/* A match may start where an empty one ended: ['', 'a', '']. */
	{ "(|a)", "a", 0, VERDICT_ONE, "a" },
	{ "(?=(ab))", "abab", 0, VERDICT_ONE, "ab" },
	/* Python's \Z is the very end. */
	{ "(B)\\Z", "AB\n", 0, VERDICT_NONE, NULL },
	{ "(B)\\Z", "AB", 0, VERDICT_ONE, "B" },
	/* Unicode classes, as for a str pattern. */
	{ "(\\w)!", "\xc3\xa9!", 0, VERDICT_ONE, "\xc3\xa9" },
	{ "(\\d)", "\xd9\xa3", 0, VERDICT_ONE, "\xd9\xa3" },
	/* Leading and trailing "\n" are stripped from the one value. */
	{ "(\\n*A\\n*)", "\nA\n", 0, VERDICT_ONE, "A" },
	/* Distinctness is decided before stripping. */
	{ "(\\n*A)", "A \nA", 0, VERDICT_CONFLICT, NULL },
};

static void
test_verdict_find_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d;
		struct verdict *v;
		char *label = (char *)"unset";
		size_t len = cases[i].len ? cases[i].len :
		    strlen(cases[i].text);
		int rc;

		diag_clear(&d);
		v = verdict_new(cases[i].pattern, &d);
		assert_non_null(v);
		rc = verdict_find(v, cases[i].text, len, &label, &d);
		if (rc != cases[i].outcome)
			fail_msg("case %zu: outcome %d, want %d", i, rc,
			    cases[i].outcome);
		if (cases[i].label != NULL)
			assert_string_equal(label, cases[i].label);
		else
			assert_null(label);
		free(label);
		verdict_free(v);
	}
}

static void
test_verdict_new_errors(void **state)
{
	struct diag d;

	diag_clear(&d);
	assert_null(verdict_new("([AB]", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_non_null(strstr(d.msg, "regex_pattern"));
	diag_clear(&d);
	assert_null(verdict_new("(A)(B)", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_non_null(strstr(d.msg, "2 capturing groups"));
	/* Non-capturing and named-free groups are fine. */
	verdict_free(verdict_new("(?:x)(A)", NULL));
	verdict_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_find_table),
		cmocka_unit_test(test_verdict_new_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
