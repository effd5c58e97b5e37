/* kappa_test.c: kappa on textbook tables with published values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "testfix.h"

#include "kappa.h"

/*
 * Husbands' (rows) and wives' (columns) ratings of sexual fun, never fun
 * .. almost always (Hout et al. 1987; Agresti, Categorical Data Analysis;
 * R vcd's SexualFun).  Published: kappa 0.1293, weighted with equal
 * spacing (linear) 0.2374.
 */
static const double sexual_fun[16] = {
	7, 7, 2, 3,
	2, 8, 3, 7,
	1, 5, 4, 9,
	2, 8, 9, 14,
};

static void
test_kappa_textbook_4x4(void **state)
{
	assert_near(kappa_cohen(sexual_fun, 4, KAPPA_UNWEIGHTED),
	    0.1293, 5e-5);
	assert_near(kappa_cohen(sexual_fun, 4, KAPPA_LINEAR), 0.2374,
	    5e-5);
	/* Quadratic, by hand: p_o = 0.81441, p_e = 0.72215. */
	assert_near(kappa_cohen(sexual_fun, 4, KAPPA_QUADRATIC),
	    0.33205, 5e-5);
	assert_near(kappa_agreement(sexual_fun, 4), 33.0 / 91, 1e-12);
}

/*
 * Two readers, 50 proposals, yes/no: 20 both yes, 15 both no, 5 and 10
 * split; p_o = 0.7, p_e = 0.5, kappa = 0.4 (the classic example).  With
 * two labels every weighting is the same.
 */
static void
test_kappa_textbook_2x2(void **state)
{
	static const double t[4] = { 20, 5, 10, 15 };

	assert_near(kappa_cohen(t, 2, KAPPA_UNWEIGHTED), 0.4, 1e-12);
	assert_near(kappa_cohen(t, 2, KAPPA_LINEAR), 0.4, 1e-12);
	assert_near(kappa_cohen(t, 2, KAPPA_QUADRATIC), 0.4, 1e-12);
	assert_near(kappa_agreement(t, 2), 0.7, 1e-12);
}

/* Perfect agreement is 1; agreement at chance level is 0; no data NaN. */
static void
test_kappa_edges(void **state)
{
	static const double perfect[25] = {
		3, 0, 0, 0, 0,  0, 5, 0, 0, 0,  0, 0, 2, 0, 0,
		0, 0, 0, 4, 0,  0, 0, 0, 0, 1,
	};
	static const double chance[4] = { 1, 1, 1, 1 };
	static const double empty[4] = { 0, 0, 0, 0 };
	static const double one_label[4] = { 7, 0, 0, 0 };

	assert_near(kappa_cohen(perfect, 5, KAPPA_UNWEIGHTED), 1,
	    1e-12);
	assert_near(kappa_cohen(perfect, 5, KAPPA_QUADRATIC), 1, 1e-12);
	assert_near(kappa_cohen(chance, 2, KAPPA_UNWEIGHTED), 0, 1e-12);
	assert_true(isnan(kappa_cohen(empty, 2, KAPPA_LINEAR)));
	assert_true(isnan(kappa_agreement(empty, 2)));
	/* Both raters always say the same single label: p_e = 1. */
	assert_true(isnan(kappa_cohen(one_label, 2, KAPPA_UNWEIGHTED)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kappa_textbook_4x4),
		cmocka_unit_test(test_kappa_textbook_2x2),
		cmocka_unit_test(test_kappa_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
