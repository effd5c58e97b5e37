/* scorefmt_test.c: the MT-Bench table and v2.0's board, byte for byte. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scorefmt.h"

static void
test_scorefmt_grade(void **state)
{
	double cat_a[2] = { 10, 7 }, cat_b[2] = { 2.5, NAN };
	size_t na[2] = { 1, 2 }, nb[2] = { 1, 0 };
	struct gradeboard_model m[2] = {
		{ "alpha", { 9, 6, 8 }, { 8, 6, 7.5 }, { 10, 6, 8.5 },
		    { 2, 1, 3 }, 1, cat_a, na },
		{ "b", { 3, 3.5, 3.25 }, { 2, 3, 2.5 }, { 4, 4, 4 },
		    { 2, 2, 4 }, 0, cat_b, nb },
	};
	char *cats[2] = { "math", "writing" };
	struct gradeboard_result r = {
		m, 2, cats, 2, 2, 8, 1, 0, "gpt-4", 100, 42
	};
	struct buf b;

	buf_init(&b);
	scorefmt_grade_table(&b, &r);
	assert_string_equal(b.p,
	    "########## First turn ##########\n"
	    "alpha                          | score: 9.00 | 95% CI: (-1.00, "
	    "1.00) | n: 2\n"
	    "b                              | score: 3.00 | 95% CI: (-1.00, "
	    "1.00) | n: 2\n"
	    "\n########## Second turn ##########\n"
	    "alpha                          | score: 6.00 | 95% CI: (0.00, "
	    "0.00) | n: 1\n"
	    "b                              | score: 3.50 | 95% CI: (-0.50, "
	    "0.50) | n: 2\n"
	    "\n########## Average ##########\n"
	    "alpha                          | score: 8.00 | 95% CI: (-0.50, "
	    "0.50) | n: 3 | unparsed: 1\n"
	    "b                              | score: 3.25 | 95% CI: (-0.75, "
	    "0.75) | n: 4 | unparsed: 0\n"
	    "\n########## Categories ##########\n"
	    "model                          |  math | writing\n"
	    "alpha                          | 10.00 |    7.00\n"
	    "b                              |  2.50 |     nan\n"
	    "\n1 of 8 ratings unparsed (-1, left out); intervals: 2 questions "
	    "resampled 100 times (seed 42)\n");
	buf_reset(&b);
	scorefmt_grade_csv(&b, &r);
	assert_string_equal(b.p,
	    "model,turn1,turn1_q025,turn1_q975,turn2,turn2_q025,turn2_q975,"
	    "score,score_q025,score_q975,n_turn1,n_turn2,n,unparsed,math,"
	    "writing\n"
	    "alpha,9.0,8.0,10.0,6.0,6.0,6.0,8.0,7.5,8.5,2,1,3,1,10.0,7.0\n"
	    "b,3.0,2.0,4.0,3.5,3.0,4.0,3.25,2.5,4.0,2,2,4,0,2.5,\n");
	buf_reset(&b);
	scorefmt_grade_json(&b, &r, "2026-01-02");
	assert_non_null(strstr(b.p, "{\"type\": \"single\", \"judge\": "
	    "\"gpt-4\", \"num_rounds\": 100, \"seed\": 42, \"bootstrap\": "
	    "\"question\", \"n_questions\": 2, \"n_records\": 8, "
	    "\"unparsed\": 1, \"categories\": [\"math\", \"writing\"], "
	    "\"date\": \"2026-01-02\""));
	assert_non_null(strstr(b.p, "\"categories\": {\"math\": 2.5, "
	    "\"writing\": null}}\n"));
	buf_release(&b);
}

static void
test_scorefmt_v2(void **state)
{
	struct v2board_model m[2] = {
		{ "o3", 0.5, 0.5, 0.5, 0, 0 },
		{ "mine", 0.25, 0.2049, 0.31, 12, 4 },
	};
	struct v2board_category cat = { "hard_prompt", "o3", m, 2, 5 };
	struct v2board_result r = { &cat, 1, 2, 1, 100, 42 };
	struct buf b;

	buf_init(&b);
	scorefmt_v2_table(&b, &r);
	assert_string_equal(b.p,
	    "##### Category: hard_prompt #####\n"
	    "o3                             | score: 50.0  | 90% CI: "
	    "(-0.0 / +0.0)  | judgments: 0\n"
	    "mine                           | score: 25.0  | 90% CI: "
	    "(-4.5 / +6.0)  | judgments: 4\n");
	buf_reset(&b);
	scorefmt_v2_csv(&b, &r);
	assert_string_equal(b.p,
	    "category,model,score,lower,upper,CI,baseline,judgments\n"
	    "hard_prompt,o3,50.0,50.0,50.0,(-0.0 / +0.0),o3,0\n"
	    "hard_prompt,mine,25.0,20.5,31.0,(-4.5 / +6.0),o3,4\n");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scorefmt_grade),
		cmocka_unit_test(test_scorefmt_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
