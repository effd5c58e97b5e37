/* lint_test.c: findings, their counts and both output formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lint.h"

static void
test_lint_formats(void **state)
{
	struct lint_report r;
	struct buf b;

	memset(&r, 0, sizeof(r));
	lint_add(&r, LINT_MISSING, LINT_ERROR, "model", "m\"1", "j/m.jsonl",
	    12, "model '%s' has %d games", "m\"1", 1);
	lint_add(&r, LINT_CONFUSING, LINT_WARNING, "config", "c.yaml",
	    "c.yaml", 0, "unknown key");
	lint_add(&r, LINT_UNRESPONSIVE, LINT_ERROR, "endpoint", "e#1", NULL,
	    7, "down");
	assert_int_equal(r.errors, 2);
	assert_int_equal(r.warnings, 1);
	buf_init(&b);
	lint_format_json(&b, &r);
	assert_string_equal(b.p,
	    "{\"smell\": \"missing\", \"severity\": \"error\", \"entity\": "
	    "\"model:m\\\"1\", \"where\": \"j/m.jsonl:12\", \"message\": "
	    "\"model 'm\\\"1' has 1 games\"}\n"
	    "{\"smell\": \"confusing\", \"severity\": \"warning\", "
	    "\"entity\": \"config:c.yaml\", \"where\": \"c.yaml\", "
	    "\"message\": \"unknown key\"}\n"
	    "{\"smell\": \"unresponsive\", \"severity\": \"error\", "
	    "\"entity\": \"endpoint:e#1\", \"where\": null, \"message\": "
	    "\"down\"}\n");
	buf_reset(&b);
	lint_format_text(&b, &r);
	assert_string_equal(b.p,
	    "j/m.jsonl:12: error: missing: model 'm\"1' has 1 games "
	    "(model:m\"1)\n"
	    "c.yaml: warning: confusing: unknown key (config:c.yaml)\n"
	    "error: unresponsive: down (endpoint:e#1)\n"
	    "2 errors, 1 warning\n");
	buf_release(&b);
	lint_report_release(&r);
}

static void
test_lint_smell_names(void **state)
{
	static const char *const want[] = {
		"confusing", "deprecated", "inaccessible", "misdisplayed",
		"mismatched", "missing", "redundant", "unresponsive"
	};
	int i;

	for (i = 0; i < LINT_NSMELLS; i++)
		assert_string_equal(lint_smell_name(i), want[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_formats),
		cmocka_unit_test(test_lint_smell_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
