/* boarddiff_test.c: ranks, the four kinds of change, markdown escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boarddiff.h"

static const char old_csv[] =
    "model,score,rating_q025,rating_q975,avg_tokens\n"
    "base,50.0,50.0,50.0,100.0\n"
    "up,40.0,38.0,42.0,10.0\n"
    "same,30.0,28.0,32.0,10.0\n"
    "gone,20.0,18.0,22.0,10.0\n"
    "ci,10.0,9.0,11.0,10.0\n";
static const char new_csv[] =
    "model,score,rating_q025,rating_q975,avg_tokens\n"
    "up,55.0,53.0,57.0,10.0\n"
    "base,50.0,50.0,50.0,100.0\n"
    "new|<b>,45.0,40.0,47.0,5.0\n"
    "same,30.0,28.0,32.0,10.0\n"
    "ci,10.0,8.5,11.5,10.0\n";

static void
load(const char *name, const char *text, struct boardcsv *c,
    struct boarddiff_board *b)
{
	struct diag d;

	diag_clear(&d);
	assert_int_equal(boardcsv_parse(name, text, strlen(text), c, &d), 0);
	assert_int_equal(boarddiff_board_init(b, c, &d), 0);
}

static void
test_boarddiff_compute_kinds(void **state)
{
	struct boardcsv co, cn;
	struct boarddiff_board o, n;
	struct boarddiff df;

	load("old/no_control.csv", old_csv, &co, &o);
	load("new/no_control.csv", new_csv, &cn, &n);
	assert_string_equal(n.m[0].name, "up");
	assert_int_equal(n.m[2].rank, 3);
	boarddiff_compute(&o, &n, &df);
	assert_string_equal(df.board, "no_control");
	assert_int_equal(df.added, 1);
	assert_int_equal(df.removed, 1);
	/* up (rank and score), base (1 -> 2), same (3 -> 4), ci (its
	 * interval only). */
	assert_int_equal(df.changed, 4);
	assert_int_equal(df.moved, 3);
	assert_int_equal(df.beyond, 1);
	assert_int_equal(df.unchanged, 0);
	assert_int_equal(df.n, 6);
	assert_int_equal(df.e[0].change, BOARDDIFF_CHANGED);
	assert_string_equal(df.e[0].new->name, "up");
	assert_true(df.e[0].beyond);
	assert_int_equal(df.e[2].change, BOARDDIFF_ADDED);
	assert_int_equal(df.e[5].change, BOARDDIFF_REMOVED);
	assert_string_equal(df.e[5].old->name, "gone");
	boarddiff_release(&df);
	boarddiff_board_release(&o);
	boarddiff_board_release(&n);
	boardcsv_release(&co);
	boardcsv_release(&cn);
}

static void
test_boarddiff_formats(void **state)
{
	struct boardcsv co, cn;
	struct boarddiff_board o, n;
	struct boarddiff df;
	struct buf out;

	load("old/no_control.csv", old_csv, &co, &o);
	load("new/no_control.csv", new_csv, &cn, &n);
	boarddiff_compute(&o, &n, &df);
	buf_init(&out);
	boarddiff_format_json(&out, &df);
	assert_non_null(strstr(out.p, "{\"type\": \"model\", \"board\": "
	    "\"no_control\", \"change\": \"changed\", \"model\": \"up\", "
	    "\"old_rank\": 2, \"old_score\": 40.0, \"old_rating_q025\": "
	    "38.0, \"old_rating_q975\": 42.0, \"old_avg_tokens\": 10, "
	    "\"new_rank\": 1, \"new_score\": 55.0, \"new_rating_q025\": "
	    "53.0, \"new_rating_q975\": 57.0, \"new_avg_tokens\": 10, "
	    "\"rank_move\": 1, \"score_delta\": 15.0, "
	    "\"beyond_old_interval\": true}\n"));
	buf_reset(&out);
	boarddiff_format_markdown(&out, &df);
	/* The name cannot open a cell or a tag. */
	assert_non_null(strstr(out.p, "| new\\|\\<b\\> | 3 | 45.00 |"));
	assert_non_null(strstr(out.p, "| up | 2 → 1 (+1) | 40.00 → 55.00 | "
	    "+15.00 | 38.00 to 42.00 | **yes** |"));
	/* ci changed its interval only: counted, not listed. */
	assert_null(strstr(out.p, "| ci |"));
	assert_non_null(strstr(out.p, "1 more model changed only its "
	    "interval"));
	buf_release(&out);
	boarddiff_release(&df);
	boarddiff_board_release(&o);
	boarddiff_board_release(&n);
	boardcsv_release(&co);
	boardcsv_release(&cn);
}

static void
test_boarddiff_board_init_rejects(void **state)
{
	static const char *const bad[] = {
		"model,score\na,x\n",
		"model,score\na,1\na,2\n",
		"model,rating\na,1\n",
		"model,score,rating_q025,rating_q975\na,1,,2\n",
	};
	struct boardcsv c;
	struct boarddiff_board b;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		diag_clear(&d);
		assert_int_equal(boardcsv_parse("f.csv", bad[i],
		    strlen(bad[i]), &c, &d), 0);
		assert_int_equal(boarddiff_board_init(&b, &c, &d), -1);
		assert_int_equal(d.code, EX_DATAERR);
		boarddiff_board_release(&b);
		boardcsv_release(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boarddiff_compute_kinds),
		cmocka_unit_test(test_boarddiff_formats),
		cmocka_unit_test(test_boarddiff_board_init_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
