/* matrix_test.c: predicted and observed win matrices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testfix.h"

#include "matrix.h"

static void
test_matrix_votes_fill_the_square(void **state)
{
	static const char *const recs[] = {
		"{\"model_a\": \"a\", \"model_b\": \"b\", "
		    "\"winner\": \"model_a\"}",
		"{\"model_a\": \"b\", \"model_b\": \"a\", "
		    "\"winner\": \"model_b\"}",
		"{\"model_a\": \"a\", \"model_b\": \"b\", "
		    "\"winner\": \"model_b\"}",
		"{\"model_a\": \"a\", \"model_b\": \"b\", \"winner\": \"tie\"}",
		"{\"model_a\": \"a\", \"model_b\": \"c\", "
		    "\"winner\": \"model_a\"}",
		"{\"model_a\": \"c\", \"model_b\": \"b\", \"winner\": "
		    "\"tie (bothbad)\"}",
	};
	static const char *const names[] = { "a", "b", "c" };
	static const double elo[] = { 1100, 1000, 900 };
	struct battle_set *bs = testfix_battles("a", recs, 6);
	struct lb_result r;
	struct matrix mx;

	testfix_board(&r, names, elo, 3);
	matrix_compute(&mx, &r, bs);
	assert_int_equal(mx.n, 3);
	/* 1 / (1 + 10^(-100/400)) */
	assert_near(mx.predicted[0 * 3 + 1], 0.6400649998028851, 1e-12);
	assert_near(mx.predicted[1 * 3 + 0], 1 - 0.6400649998028851, 1e-12);
	assert_near(mx.predicted[0 * 3 + 2], 1 / (1 + pow(10, -0.5)), 1e-12);
	assert_near(mx.predicted[1 * 3 + 1], 0.5, 0);
	/* a-b: a won 2, b won 1, one tie. */
	assert_int_equal(mx.games[0 * 3 + 1], 4);
	assert_int_equal(mx.games[1 * 3 + 0], 4);
	assert_near(mx.observed[0 * 3 + 1], 2.5 / 4, 1e-12);
	assert_near(mx.observed[1 * 3 + 0], 1.5 / 4, 1e-12);
	assert_near(mx.observed[0 * 3 + 2], 1, 0);
	assert_near(mx.observed[2 * 3 + 1], 0.5, 0);
	assert_true(isnan(mx.observed[0]));
	assert_int_equal(mx.pairs_met, 3);
	assert_false(mx.star);
	matrix_release(&mx);
	lb_result_release(&r);
	battles_free(bs);
}

/* Judgments against a baseline: a star; a strong verdict counts once. */
static void
test_matrix_star(void **state)
{
	static const char *const recs[] = {
		"{\"question_id\": \"q1\", \"model\": \"m\", \"games\": "
		    "[{\"score\": \"B>>A\"}, {\"score\": \"A>B\"}]}",
		"{\"question_id\": \"q2\", \"model\": \"m\", \"games\": "
		    "[{\"score\": \"A>B\"}, {\"score\": \"A=B\"}]}",
		"{\"question_id\": \"q1\", \"model\": \"n\", \"games\": "
		    "[{\"score\": \"A>B\"}, {\"score\": \"B>A\"}]}",
	};
	static const char *const names[] = { "m", "base", "n" };
	static const double elo[] = { 1100, 1000, 800 };
	struct battle_set *bs = testfix_battles("base", recs, 3);
	struct lb_result r;
	struct matrix mx;

	testfix_board(&r, names, elo, 3);
	matrix_compute(&mx, &r, bs);
	assert_true(mx.star);
	assert_int_equal(mx.pairs_met, 2);
	assert_int_equal(mx.games[0 * 3 + 1], 4);
	assert_near(mx.observed[0 * 3 + 1], 2.5 / 4, 1e-12);
	assert_near(mx.observed[2 * 3 + 1], 0, 0);
	assert_true(isnan(mx.observed[0 * 3 + 2]));
	matrix_release(&mx);
	lb_result_release(&r);
	battles_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_votes_fill_the_square),
		cmocka_unit_test(test_matrix_star),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
