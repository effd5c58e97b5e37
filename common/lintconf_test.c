/* lintconf_test.c: which known key an unknown one was meant to be. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "judgeconfig.h"
#include "lintconf.h"

static void
test_lintconf_suggest(void **state)
{
	static const char *const known[] = {
		"temperature", "max_tokens", "parallel", "rpm", "tpm", NULL
	};

	assert_string_equal(lintconf_suggest("temprature", known),
	    "temperature");
	assert_string_equal(lintconf_suggest("max_token", known),
	    "max_tokens");
	assert_string_equal(lintconf_suggest("paralell", known), "parallel");
	/* Short keys need fewer edits than half their length. */
	assert_null(lintconf_suggest("rp", known));
	assert_string_equal(lintconf_suggest("rpmm", known), "rpm");
	assert_null(lintconf_suggest("notes", known));
	assert_null(lintconf_suggest("", known));
}

static void
test_lintconf_judge_keys(void **state)
{
	assert_string_equal(lintconf_suggest("regex_patern", judgeconfig_keys),
	    "regex_pattern");
	assert_string_equal(lintconf_suggest("baseline_modle",
	    judgeconfig_keys), "baseline_model");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lintconf_suggest),
		cmocka_unit_test(test_lintconf_judge_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
