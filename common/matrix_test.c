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

#include "matrix.h"

static void
assert_near(double x, double want, double tol)
{
	if (!(fabs(x - want) <= tol))
		fail_msg("%.17g differs from %.17g by more than %g", x, want,
		    tol);
}

static struct battle_set *
battles(const char *baseline, const char *const *recs, size_t n)
{
	struct battle_opts o = { baseline, 3, 0, NULL, NULL, 0 };
	struct battle_set *bs = battles_new(&o);
	struct diag d;
	size_t i;

	battles_add_file(bs, "t.jsonl");
	for (i = 0; i < n; i++) {
		json_error_t err;
		json_t *j = json_loads(recs[i], 0, &err);

		assert_non_null(j);
		assert_int_equal(battles_add(bs, j, 0, (long)i + 1, &d), 0);
		json_decref(j);
	}
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

/* A board of the given names and Elos (as lb_compute would order them). */
static void
board(struct lb_result *r, const char *const *names, const double *elo,
    size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->models = calloc(n, sizeof(*r->models));
	r->nmodels = n;
	for (i = 0; i < n; i++) {
		r->models[i].name = strdup(names[i]);
		r->models[i].elo = elo[i];
	}
}

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
	struct battle_set *bs = battles("a", recs, 6);
	struct lb_result r;
	struct matrix mx;

	board(&r, names, elo, 3);
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
	struct battle_set *bs = battles("base", recs, 3);
	struct lb_result r;
	struct matrix mx;

	board(&r, names, elo, 3);
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
