/* judgediag_test.c: judge diagnostics on hand-made judgments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "testfix.h"

#include "judgediag.h"

/* One judgment record; l2 NULL: game 2 has no verdict. */
static void
add(struct verdicts *v, const char *judge, const char *model,
    const char *q, const char *l1, const char *l2)
{
	char rec[512];
	json_error_t err;
	json_t *j;
	struct diag d;

	snprintf(rec, sizeof(rec), "{\"question_id\": \"%s\", \"model\": "
	    "\"%s\", \"judge\": \"%s\", \"games\": [{\"score\": \"%s\", "
	    "\"judgment\": \"text of %s\"}, {\"score\": %s%s%s}]}", q, model,
	    judge, l1, judge, l2 ? "\"" : "", l2 ? l2 : "null", l2 ? "\"" : "");
	j = json_loads(rec, 0, &err);
	assert_non_null(j);
	assert_int_equal(verdicts_add(v, j, 0, 1, &d), 0);
	json_decref(j);
}

/*
 * Two judges, j1 and j2; j1 also judged its own answers (model "j1").
 * The numbers below were worked out by hand from these labels (game 1
 * shows the baseline as A, so B>A there is a model win).
 */
static struct verdicts *
sample(void)
{
	struct verdicts *v = verdicts_new(1);

	verdicts_add_file(v, "t.jsonl");
	add(v, "j1", "m1", "q1", "B>A", "A>B");		/* +1 +1 */
	add(v, "j1", "m1", "q2", "A=B", "A=B");		/*  0  0 */
	add(v, "j1", "m1", "q3", "A>>B", "A>B");	/* -2 +1 */
	add(v, "j1", "m1", "q4", "B>>A", NULL);		/* +2  . */
	add(v, "j1", "j1", "q1", "B>>A", "A>>B");	/* +2 +2 */
	add(v, "j1", "j1", "q2", "B>A", "A>B");		/* +1 +1 */
	add(v, "j2", "m1", "q1", "B>A", "A=B");		/* +1  0 */
	add(v, "j2", "m1", "q2", "A=B", "A=B");		/*  0  0 */
	add(v, "j2", "m1", "q3", "A>B", "B>A");		/* -1 -1 */
	add(v, "j2", "m1", "q4", "B>A", "A>B");		/* +1 +1 */
	add(v, "j2", "j1", "q1", "A=B", "B>A");		/*  0 -1 */
	add(v, "j2", "j1", "q2", "A>B", "B>A");		/* -1 -1 */
	verdicts_finish(v);
	return v;
}

static void
test_judgediag_per_judge(void **state)
{
	struct verdicts *v = sample();
	struct judgediag jd;
	const struct judgediag_judge *J;
	static const unsigned long long g1[6] = { 1, 0, 1, 2, 2, 0 };
	static const unsigned long long g2[6] = { 1, 3, 1, 0, 0, 1 };

	memset(&jd, 0, sizeof(jd));
	judgediag_compute(&jd, v, NULL, "base");
	assert_int_equal(jd.njudges, 2);
	J = &jd.judges[0];
	assert_string_equal(J->name, "j1");
	assert_memory_equal(J->labels[0], g1, sizeof(g1));
	assert_memory_equal(J->labels[1], g2, sizeof(g2));
	assert_int_equal(J->games, 11);
	assert_near(J->tie_rate, 2.0 / 11, 1e-12);
	assert_int_equal(J->pairs, 5);
	assert_near(J->consistent, 0.8, 1e-12);
	assert_near(J->consistent_dir, 0.8, 1e-12);
	assert_int_equal(J->decisive, 9);
	assert_near(J->first_wins, 5.0 / 9, 1e-12);
	/* Views -2 .. 2: one -2, no -1, two 0, five +1, three +2. */
	assert_int_equal(J->view[0], 1);
	assert_int_equal(J->view[1], 0);
	assert_int_equal(J->view[2], 2);
	assert_int_equal(J->view[3], 5);
	assert_int_equal(J->view[4], 3);
	/* No answers: no length figures. */
	assert_int_equal(J->len_games, 0);
	assert_true(isnan(J->len_corr));
	J = &jd.judges[1];
	assert_int_equal(J->games, 12);
	assert_near(J->tie_rate, 4.0 / 12, 1e-12);
	/* q1 (+1, 0): exact no, direction no; q3 and q4, q2 of j1 agree. */
	assert_int_equal(J->pairs, 6);
	assert_near(J->consistent, 4.0 / 6, 1e-12);
	assert_near(J->consistent_dir, 4.0 / 6, 1e-12);
	judgediag_release(&jd);
	verdicts_free(v);
}

/*
 * The 11 games both judges gave a verdict (j1's game 2 of m1/q4 has
 * none): 3 agree exactly.  Kappas from the 5 x 5 table by the formulas
 * of kappa.h (checked on textbook tables in kappa_test).
 */
static void
test_judgediag_pair(void **state)
{
	struct verdicts *v = sample();
	struct judgediag jd;
	const struct judgediag_pair *P;

	memset(&jd, 0, sizeof(jd));
	judgediag_compute(&jd, v, NULL, "base");
	assert_int_equal(jd.npairs, 1);
	P = &jd.pairs[0];
	assert_int_equal(P->a, 0);
	assert_int_equal(P->b, 1);
	assert_int_equal(P->games, 11);
	assert_near(P->table[3 * 5 + 3], 1, 0);	/* B>A, B>A */
	assert_near(P->table[2 * 5 + 2], 2, 0);	/* A=B, A=B */
	assert_near(P->table[1 * 5 + 3], 2, 0);	/* A>B, B>A */
	assert_near(P->agreement, 3.0 / 11, 1e-12);
	assert_near(P->kappa, 0.09278350515463914, 1e-12);
	assert_near(P->kappa_linear, 0.0375, 1e-12);
	assert_near(P->kappa_quadratic, 0.019108280254776493, 1e-12);
	judgediag_release(&jd);
	verdicts_free(v);
}

/*
 * j1 gives its own answers 4 wins of 4 (1.0), j2 gives them 0.125; over
 * m1, j1's mean win value is 5/7 and j2's 4.5/8, so j1's leniency is
 * 0.151786 and the excess 1 - 0.125 - 0.151786.
 */
static void
test_judgediag_self_preference(void **state)
{
	struct verdicts *v = sample();
	struct judgediag jd;
	const struct judgediag_self *S;

	memset(&jd, 0, sizeof(jd));
	judgediag_compute(&jd, v, NULL, "base");
	assert_int_equal(jd.nself, 1);
	S = &jd.self[0];
	assert_int_equal(S->judge, 0);
	assert_string_equal(S->model, "j1");
	assert_int_equal(S->games, 4);
	assert_near(S->own, 1.0, 1e-12);
	assert_near(S->others, 0.125, 1e-12);
	assert_near(S->leniency, 5.0 / 7 - 4.5 / 8, 1e-12);
	assert_near(S->excess, 1 - 0.125 - (5.0 / 7 - 4.5 / 8), 1e-12);
	judgediag_release(&jd);
	verdicts_free(v);
}

/*
 * Token lengths: m1 answers 200, 100, 50 and 400 tokens to q1..q4, the
 * baseline 100 each, so log2 ratios (of length + 1) fall in the bins
 * 5/4-2, about equal, 1/2-4/5 and over 2.
 */
static void
test_judgediag_length_bias(void **state)
{
	static const char data[] =
	    "{\"question_id\": \"q1\", \"model_id\": \"m1\", "
	    "\"conv_metadata\": {\"token_len\": 200}}\n"
	    "{\"question_id\": \"q2\", \"model_id\": \"m1\", "
	    "\"conv_metadata\": {\"token_len\": 100}}\n"
	    "{\"question_id\": \"q3\", \"model_id\": \"m1\", "
	    "\"conv_metadata\": {\"token_len\": 50}}\n"
	    "{\"question_id\": \"q4\", \"model_id\": \"m1\", "
	    "\"conv_metadata\": {\"token_len\": 400}}\n"
	    "{\"question_id\": \"q1\", \"model_id\": \"base\", "
	    "\"conv_metadata\": {\"token_len\": 100}}\n"
	    "{\"question_id\": \"q2\", \"model_id\": \"base\", "
	    "\"conv_metadata\": {\"token_len\": 100}}\n"
	    "{\"question_id\": \"q3\", \"model_id\": \"base\", "
	    "\"conv_metadata\": {\"token_len\": 100}}\n"
	    "{\"question_id\": \"q4\", \"model_id\": \"base\", "
	    "\"conv_metadata\": {\"token_len\": 100}}\n";
	struct verdicts *v = sample();
	struct answer_set *ans = answerscan_set_new();
	struct answer_file f;
	struct judgediag jd;
	const struct judgediag_judge *J;
	struct diag d, dups[1];
	size_t ndups;

	memset(&f, 0, sizeof(f));
	answerscan_buffer("a.jsonl", data, sizeof(data) - 1, &f);
	assert_int_equal(f.nerrs, 0);
	answerscan_set_add(ans, &f);
	answerscan_file_release(&f);
	assert_int_equal(answerscan_set_finish(ans, NULL, NULL, dups, 1,
	    &ndups, &d), 0);
	memset(&jd, 0, sizeof(jd));
	judgediag_compute(&jd, v, ans, "base");
	J = &jd.judges[0];
	assert_int_equal(J->len_games, 7);
	assert_int_equal(J->bin_games[0], 0);
	assert_int_equal(J->bin_games[1], 2);	/* q3: -2, +1 */
	assert_int_equal(J->bin_games[2], 2);	/* q2: 0, 0 */
	assert_int_equal(J->bin_games[3], 2);	/* q1: +1, +1 */
	assert_int_equal(J->bin_games[4], 1);	/* q4: +2 */
	assert_true(isnan(J->bin_win[0]));
	assert_near(J->bin_win[1], 0.5, 1e-12);
	assert_near(J->bin_win[2], 0.5, 1e-12);
	assert_near(J->bin_win[3], 1, 1e-12);
	assert_near(J->bin_win[4], 1, 1e-12);
	assert_near(J->len_corr, 0.7234115770700974, 1e-12);
	judgediag_release(&jd);
	answerscan_set_free(ans);
	verdicts_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judgediag_per_judge),
		cmocka_unit_test(test_judgediag_pair),
		cmocka_unit_test(test_judgediag_self_preference),
		cmocka_unit_test(test_judgediag_length_bias),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
