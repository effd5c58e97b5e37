/* cli_test.c: option tables to usage lines and --help text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "cli.h"

enum { OPT_ANNOTATE = CLI_OPT_NEXT, OPT_LEVEL, OPT_MODE, OPT_NOTE };

static const struct cli_option options[] = {
	{ "model", 'm', "entry", CLI_REQUIRED, 'm', "the entry" },
	{ "annotate", 0, NULL, CLI_REQUIRED | CLI_FORM(1), OPT_ANNOTATE,
	    "annotate instead" },
	{ "quiet", 'q', NULL, CLI_FORM(0) | CLI_FORM(1), 'q', "be quiet" },
	CLI_OPTION_HELP,
	{ "level", 'l', "n", 0, OPT_LEVEL, "a level" },
	{ "mode", 0, "mean|pool", 0, OPT_MODE, "how" },
	{ "note", 0, "text", CLI_REPEAT, OPT_NOTE, "a note" },
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	"tool", options, { "[file ...]", "file", NULL }, "About it."
};

static void
test_cli_usage_text_forms(void **state)
{
	struct buf b;

	buf_init(&b);
	cli_usage_text(&spec, &b);
	/*
	 * Required first, then the sorted flag group (-h has no form bit:
	 * first form only), then the rest in table order, then operands.
	 */
	assert_string_equal(b.p,
	    "usage: tool -m entry [-hq] [-l n] [--mode mean|pool] "
	    "[--note text]...\n"
	    "            [--version] [file ...]\n"
	    "       tool --annotate [-q] file\n");
	buf_release(&b);
}

static void
test_cli_help_text_lists_every_option(void **state)
{
	struct buf b;
	const char *list;

	buf_init(&b);
	cli_help_text(&spec, &b);
	list = strstr(b.p, "\n\nAbout it.\n\n");
	assert_non_null(list);
	assert_string_equal(list + strlen("\n\nAbout it.\n\n"),
	    "  -m, --model entry     the entry\n"
	    "      --annotate        annotate instead\n"
	    "  -q, --quiet           be quiet\n"
	    "  -h, --help            show this help and exit\n"
	    "  -l, --level n         a level\n"
	    "      --mode mean|pool  how\n"
	    "      --note text       a note\n"
	    "      --version         show the version and exit\n");
	buf_release(&b);
}

static void
test_cli_usage_text_wraps_before_80(void **state)
{
	static const struct cli_option many[] = {
		{ "alpha-option", 0, "value", 0, 300, "a" },
		{ "bravo-option", 0, "value", 0, 301, "b" },
		{ "charlie-option", 0, "value", 0, 302, "c" },
		{ "delta-option", 0, "value", 0, 303, "d" },
		{ NULL, 0, NULL, 0, 0, NULL }
	};
	static const struct cli_spec s = { "x", many, { "", NULL }, NULL };
	struct buf b;
	char *nl;

	buf_init(&b);
	cli_usage_text(&s, &b);
	assert_string_equal(b.p, "usage: x [--alpha-option value] "
	    "[--bravo-option value] [--charlie-option value]\n"
	    "         [--delta-option value]\n");
	nl = strchr(b.p, '\n');
	assert_true(nl - b.p <= 79);
	buf_release(&b);
}

static void
test_cli_choice(void **state)
{
	assert_int_equal(cli_choice("mean|pool", "mean"), 0);
	assert_int_equal(cli_choice("mean|pool", "pool"), 1);
	assert_int_equal(cli_choice("mean|pool", "poo"), -1);
	assert_int_equal(cli_choice("mean|pool", "pools"), -1);
	assert_int_equal(cli_choice("mean|pool", ""), -1);
	assert_int_equal(cli_choice("a|b|c", "c"), 2);
	assert_int_equal(cli_choice("only", "only"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_usage_text_forms),
		cmocka_unit_test(test_cli_help_text_lists_every_option),
		cmocka_unit_test(test_cli_usage_text_wraps_before_80),
		cmocka_unit_test(test_cli_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
