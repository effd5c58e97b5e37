/* boardcsv_test.c: quoting, line numbers, numbers and interval strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boardcsv.h"

static void
test_boardcsv_parse_quotes_and_lines(void **state)
{
	const char in[] = "model,score,CI,date\r\n"
	    "a,82.94,\"(-0.81, +1.28)\",2025-03-28\r\n"
	    "\"b \"\"q\"\"\",1.5,\"x\ny\",\r\n"
	    "\n"
	    "c,,\n";
	struct boardcsv b;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(boardcsv_parse("dir/no_control.csv", in,
	    sizeof(in) - 1, &b, &d), 0);
	assert_string_equal(b.board, "no_control");
	assert_int_equal(b.ncols, 4);
	assert_int_equal(boardcsv_col(&b, "CI"), 2);
	assert_int_equal(boardcsv_col(&b, "elo_CI"), -1);
	assert_int_equal(b.nrows, 3);
	assert_int_equal(b.rows[0].line, 2);
	assert_string_equal(boardcsv_cell(&b, 0, 2), "(-0.81, +1.28)");
	assert_string_equal(boardcsv_cell(&b, 1, 0), "b \"q\"");
	assert_string_equal(boardcsv_cell(&b, 1, 2), "x\ny");
	assert_string_equal(boardcsv_cell(&b, 1, 3), "");
	/* The quoted line break counts: row c starts on line 6. */
	assert_int_equal(b.rows[2].line, 6);
	assert_int_equal(b.rows[2].ncells, 3);
	assert_null(boardcsv_cell(&b, 2, 3));
	boardcsv_release(&b);
}

static void
test_boardcsv_parse_rejects(void **state)
{
	struct boardcsv b;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(boardcsv_parse("f.csv", "model\n\"a", 9, &b, &d),
	    -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "unterminated quoted field");
	boardcsv_release(&b);
	assert_int_equal(boardcsv_parse("f.csv", "model\n\"a\"b,1\n", 12, &b,
	    &d), -1);
	assert_int_equal(d.line, 2);
	boardcsv_release(&b);
	assert_int_equal(boardcsv_parse("f.csv", "", 0, &b, &d), -1);
	assert_string_equal(d.msg, "empty board file");
	boardcsv_release(&b);
}

static void
test_boardcsv_number(void **state)
{
	double v = 0;

	assert_int_equal(boardcsv_number("82.94", &v), 0);
	assert_true(v == 82.94);
	assert_int_equal(boardcsv_number("-139.66215978145112", &v), 0);
	assert_int_equal(boardcsv_number("1e-05", &v), 0);
	assert_int_equal(boardcsv_number("", &v), -1);
	assert_int_equal(boardcsv_number(NULL, &v), -1);
	assert_int_equal(boardcsv_number("nan", &v), -1);
	assert_int_equal(boardcsv_number("NaN", &v), -1);
	assert_int_equal(boardcsv_number("inf", &v), -1);
	assert_int_equal(boardcsv_number("0x10", &v), -1);
	assert_int_equal(boardcsv_number("1.5 ", &v), -1);
	assert_int_equal(boardcsv_number(" 1.5", &v), -1);
}

static void
test_boardcsv_interval(void **state)
{
	double lo = 0, hi = 0;

	assert_int_equal(boardcsv_interval("(-0.81, +1.28)", &lo, &hi), 0);
	assert_true(lo == 0.81 && hi == 1.28);
	assert_int_equal(boardcsv_interval("(-0.00, +0.00)", &lo, &hi), 0);
	assert_int_equal(boardcsv_interval("(--0.50, +1.00)", &lo, &hi), 0);
	assert_true(lo == -0.5);
	assert_int_equal(boardcsv_interval("(-2.8, 2.4)", &lo, &hi), -1);
	assert_int_equal(boardcsv_interval("", &lo, &hi), -1);
	assert_int_equal(boardcsv_interval("(-nan, +1)", &lo, &hi), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boardcsv_parse_quotes_and_lines),
		cmocka_unit_test(test_boardcsv_parse_rejects),
		cmocka_unit_test(test_boardcsv_number),
		cmocka_unit_test(test_boardcsv_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
