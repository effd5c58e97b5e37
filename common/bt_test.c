/* bt_test.c: Bradley-Terry MLE, L2 logistic fit, percentiles, win rates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "testfix.h"

#include "bt.h"

#define LN10 2.302585092994045684

/* A star (every battle against the baseline) has a closed form. */
static void
test_bt_fit_mle_star_closed_form(void **state)
{
	struct bt_pair pairs[] = {
		{ 0, 1, 30, 50, 20 },	/* base won 30, model 1 50, ties 20 */
		{ 0, 2, 70, 10, 5 },
		{ 0, 3, 12, 12, 0 },
		{ 0, 0, 5, 4, 1 },	/* baseline self rows: ignored */
	};
	double beta[4] = { 0, 9, -9, NAN };
	unsigned char st[4];
	struct bt_work *w = bt_work_new(4);
	int m;

	assert_true(bt_fit_mle(4, 0, pairs, 4, beta, st, w) > 0);
	assert_near(beta[0], 0, 0);
	for (m = 1; m <= 3; m++) {
		const struct bt_pair *q = &pairs[m - 1];
		double p = (q->wb + q->t / 2) / (q->wa + q->wb + q->t);

		assert_int_equal(st[m], BT_FINITE);
		assert_near(beta[m], log10(p / (1 - p)), 1e-10);
	}
	bt_work_free(w);
}

/* A general graph: the MLE satisfies the score equations. */
static void
test_bt_fit_mle_general_score_equations(void **state)
{
	struct bt_pair pairs[] = {
		{ 1, 0, 10, 5, 2 }, { 2, 1, 3, 9, 4 }, { 3, 2, 7, 7, 1 },
		{ 0, 3, 4, 6, 0 }, { 1, 3, 2, 1, 3 },
	};
	double beta[4] = { 0, 0, 0, 0 }, score[4] = { 0 };
	unsigned char st[4];
	struct bt_work *w = bt_work_new(4);
	size_t i;
	int m;

	assert_true(bt_fit_mle(4, 2, pairs, 5, beta, st, w) > 0);
	assert_near(beta[2], 0, 0);
	for (i = 0; i < 5; i++) {
		const struct bt_pair *q = &pairs[i];
		double pa = 1 / (1 + pow(10, beta[q->b] - beta[q->a]));
		double n = q->wa + q->wb + q->t;

		score[q->a] += q->wa + q->t / 2 - n * pa;
		score[q->b] -= q->wa + q->t / 2 - n * pa;
	}
	for (m = 0; m < 4; m++) {
		assert_int_equal(st[m], BT_FINITE);
		if (m != 2)
			assert_near(score[m], 0, 1e-9);
	}
	bt_work_free(w);
}

/* Won everything: +inf; lost everything: -inf; not comparable: undef. */
static void
test_bt_fit_mle_infinite_and_undefined(void **state)
{
	struct bt_pair pairs[] = {
		{ 0, 1, 0, 8, 0 },	/* model 1 beat the baseline 8-0 */
		{ 0, 2, 5, 0, 0 },	/* model 2 lost 0-5 */
		{ 1, 3, 4, 0, 0 },	/* model 3 lost to model 1 only */
		{ 0, 4, 0, 0, 6 },	/* model 4: ties only, finite */
		{ 0, 5, 3, 2, 1 },
	};
	double beta[7] = { 0 };
	unsigned char st[7];
	struct bt_work *w = bt_work_new(7);

	assert_true(bt_fit_mle(7, 0, pairs, 5, beta, st, w) >= 0);
	assert_int_equal(st[0], BT_FINITE);
	assert_int_equal(st[1], BT_POS_INF);
	assert_int_equal(st[2], BT_NEG_INF);
	assert_int_equal(st[3], BT_UNDEF);
	assert_int_equal(st[4], BT_FINITE);
	assert_near(beta[4], 0, 1e-12);
	assert_int_equal(st[5], BT_FINITE);
	assert_near(beta[5], log10(2.5 / 3.5), 1e-10);
	assert_int_equal(st[6], BT_UNDEF);	/* absent */
	bt_work_free(w);
}

/* The control boards' objective, for finite differences. */
static double
l2_objective(const struct bt_design *x, const double *n, const double *s,
    const double *w)
{
	double f = 0;
	size_t c;
	int j;

	for (j = 0; j < x->p + x->k; j++)
		f += 0.5 * w[j] * w[j];
	for (c = 0; c < x->ncells; c++) {
		double t = -LN10 * w[x->b[c]];

		if (x->a[c] != x->b[c])
			t += LN10 * w[x->a[c]];
		for (j = 0; j < x->k; j++)
			t += x->z[c * x->k + j] * w[x->p + j];
		f += 2 * n[c] * log1p(exp(t)) - s[c] * t;
	}
	return f;
}

static void
test_bt_fit_l2_stationary(void **state)
{
	/* Cells grouped by pair; pair (0, 0) holds baseline self rows. */
	int a[] = { 0, 0, 0, 0, 0, 0, 1 };
	int b[] = { 0, 1, 1, 2, 2, 2, 2 };
	double z[] = { -0.3, 0.1, 1.2, -0.8, 0.5, 0.0, 0.7, -1.1, 0.2, 2.0,
		1.1, -0.4, 0.3, 0.9 };
	double n[] = { 4, 10, 3, 6, 2, 8, 5 };
	double s[] = { 4, 12, 1, 10, 0, 9, 7 };
	size_t ps[] = { 0, 1, 3, 6, 7 };
	struct bt_design x = { 3, 2, 7, a, b, z, 4, ps };
	double w[5] = { 0 }, h = 1e-6;
	struct bt_work *ws = bt_work_new(5);
	int j;

	assert_true(bt_fit_l2(&x, n, s, w, ws) > 0);
	for (j = 0; j < 5; j++) {
		double wp[5], wm[5], grad;

		memcpy(wp, w, sizeof(w));
		memcpy(wm, w, sizeof(w));
		wp[j] += h;
		wm[j] -= h;
		grad = (l2_objective(&x, n, s, wp) -
		    l2_objective(&x, n, s, wm)) / (2 * h);
		assert_near(grad, 0, 1e-6);
	}
	/* A warm start reaches the same optimum. */
	{
		double w2[5] = { 0.5, -1, 2, 0, 0.3 };

		assert_true(bt_fit_l2(&x, n, s, w2, ws) > 0);
		for (j = 0; j < 5; j++)
			assert_near(w2[j], w[j], 1e-9);
	}
	bt_work_free(ws);
}

/* Symmetric data without style columns: every coefficient is 0. */
static void
test_bt_fit_l2_symmetric_zero(void **state)
{
	int a[] = { 0, 0 }, b[] = { 1, 2 };
	double n[] = { 10, 4 }, s[] = { 10, 4 };	/* win rate 1/2 */
	size_t ps[] = { 0, 1, 2 };
	struct bt_design x = { 3, 0, 2, a, b, NULL, 2, ps };
	double w[3] = { 1, 2, 3 };
	struct bt_work *ws = bt_work_new(3);

	assert_true(bt_fit_l2(&x, n, s, w, ws) > 0);
	assert_near(w[0], 0, 1e-12);
	assert_near(w[1], 0, 1e-12);
	assert_near(w[2], 0, 1e-12);
	bt_work_free(ws);
}

static void
test_bt_percentile_numpy(void **state)
{
	double v[100], one = 7;
	int i;

	for (i = 0; i < 100; i++)
		v[i] = i;
	/* numpy.percentile(range(100), [2.5, 97.5]) */
	assert_near(bt_percentile(v, 100, 2.5), 2.475, 1e-12);
	assert_near(bt_percentile(v, 100, 97.5), 96.525, 1e-12);
	for (i = 0; i < 100; i++)
		v[i] = (double)i * i;
	assert_near(bt_percentile(v, 100, 2.5), 6.375, 1e-9);
	assert_near(bt_percentile(v, 100, 97.5), 9317.325, 1e-9);
	assert_near(bt_percentile(v, 100, 0), 0, 0);
	assert_near(bt_percentile(v, 100, 100), 9801, 0);
	assert_near(bt_percentile(&one, 1, 2.5), 7, 0);
	/* Infinite values are limits, never NaN. */
	v[0] = v[1] = v[2] = -INFINITY;
	assert_true(bt_percentile(v, 100, 2.5) == -INFINITY);
	v[97] = v[98] = v[99] = INFINITY;
	assert_true(bt_percentile(v, 100, 97.5) == INFINITY);
	assert_near(bt_percentile(v, 100, 50), 0.5 * (49 * 49 + 50 * 50),
	    1e-9);
}

static void
test_bt_sort_and_winrate(void **state)
{
	double v[] = { 3, -1, INFINITY, 2, -INFINITY };

	bt_sort(v, 5);
	assert_true(v[0] == -INFINITY && v[1] == -1 && v[2] == 2 &&
	    v[3] == 3 && v[4] == INFINITY);
	assert_near(bt_winrate(1000, 1000), 0.5, 0);
	assert_near(bt_winrate(1400, 1000), 10.0 / 11, 1e-15);
	assert_near(bt_winrate(1000, 1400), 1.0 / 11, 1e-15);
	assert_true(bt_winrate(INFINITY, 1000) == 1);
	assert_true(bt_winrate(-INFINITY, 1000) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bt_fit_mle_star_closed_form),
		cmocka_unit_test(test_bt_fit_mle_general_score_equations),
		cmocka_unit_test(test_bt_fit_mle_infinite_and_undefined),
		cmocka_unit_test(test_bt_fit_l2_stationary),
		cmocka_unit_test(test_bt_fit_l2_symmetric_zero),
		cmocka_unit_test(test_bt_percentile_numpy),
		cmocka_unit_test(test_bt_sort_and_winrate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
