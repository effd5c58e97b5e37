/* leaderboard_test.c: boards from battles, bootstrap invariants. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "leaderboard.h"

static const char *labels[] = { "A>>B", "A>B", "A=B", "B>A", "B>>A" };

/*
 * A star of judgments: model i (0-based, "m<i>") gets, on question q,
 * labels chosen by a fixed pattern, so every model has its own win rate.
 */
static struct battle_set *
star(int nmodels, int nq, int self)
{
	struct battle_opts o = { "base", 3, 0, NULL, NULL, 0 };
	struct battle_set *bs = battles_new(&o);
	struct diag d;
	int m, q;

	battles_add_file(bs, "star.jsonl");
	for (m = 0; m < nmodels + self; m++)
		for (q = 0; q < nq; q++) {
			char rec[256], name[16];
			json_error_t err;
			json_t *v;

			if (m == nmodels)
				snprintf(name, sizeof(name), "base");
			else
				snprintf(name, sizeof(name), "m%d", m);
			snprintf(rec, sizeof(rec), "{\"question_id\": \"q%03d\", "
			    "\"model\": \"%s\", \"games\": [{\"score\": \"%s\"}, "
			    "{\"score\": \"%s\"}]}", q, name,
			    labels[(q * (m + 1) + m) % 5],
			    labels[(q * 3 + m * 7) % 5]);
			v = json_loads(rec, 0, &err);
			assert_int_equal(battles_add(bs, v, 0, q + 1, &d), 0);
			json_decref(v);
		}
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

static struct lb_opts
opts(long rounds, int threads)
{
	struct lb_opts o;

	memset(&o, 0, sizeof(o));
	o.num_rounds = rounds;
	o.seed = 42;
	o.unit = LB_QUESTION;
	o.threads = threads;
	o.weight = 3;
	return o;
}

static const struct lb_model *
find(const struct lb_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (strcmp(r->models[i].name, name) == 0)
			return &r->models[i];
	fail_msg("no model %s", name);
	return NULL;
}

/* No control on a star: score is the weighted win rate, exactly. */
static void
test_lb_no_control_star(void **state)
{
	struct battle_set *bs = star(4, 40, 1);
	struct lb_opts o = opts(200, 2);
	struct lb_result r;
	struct diag d;
	size_t i;
	int m;

	memset(&r, 0, sizeof(r));
	assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o, &r, &d), 0);
	assert_int_equal(r.nmodels, 5);
	for (m = 0; m < 4; m++) {
		double w = 0, l = 0, t = 0;
		char name[16];
		int q;

		for (q = 0; q < 40; q++) {
			int g1 = (q * (m + 1) + m) % 5, g2 = (q * 3 + m * 7) % 5;
			double k1 = g1 == 0 || g1 == 4 ? 3 : 1;
			double k2 = g2 == 0 || g2 == 4 ? 3 : 1;

			/* Game 1: B wins are the model's; game 2: A wins. */
			if (g1 > 2)
				w += k1;
			else if (g1 < 2)
				l += k1;
			else
				t += 1;
			if (g2 < 2)
				w += k2;
			else if (g2 > 2)
				l += k2;
			else
				t += 1;
		}
		snprintf(name, sizeof(name), "m%d", m);
		const struct lb_model *lm = find(&r, name);
		double p = (w + t / 2) / (w + l + t);

		assert_true(lm->score == round(10000 * p) / 100 ||
		    fabs(lm->score - 100 * p) <= 0.005 + 1e-9);
		assert_true(fabs(lm->elo - (1000 + 400 * log10(p / (1 - p)))) <
		    1e-7);
		assert_true(lm->q025 <= lm->score && lm->score <= lm->q975);
		assert_true(lm->q975 - lm->q025 > 1);
		assert_int_equal(lm->n_battles, (unsigned long long)(w + l + t));
	}
	{
		const struct lb_model *b = find(&r, "base");

		assert_true(b->score == 50 && b->q025 == 50 && b->q975 == 50);
		assert_true(b->elo == 1000 && b->elo_q025 == 1000 &&
		    b->elo_q975 == 1000);
	}
	/* Board order: score descending. */
	for (i = 1; i < r.nmodels; i++)
		assert_true(r.models[i - 1].score >= r.models[i].score);
	lb_result_release(&r);
	battles_free(bs);
}

/* Rounds are seeded independently: the thread count changes nothing. */
static void
test_lb_threads_and_units_deterministic(void **state)
{
	struct battle_set *bs = star(3, 30, 1);
	enum lb_unit units[2] = { LB_QUESTION, LB_BATTLE };
	int u;

	for (u = 0; u < 2; u++) {
		struct lb_opts o1 = opts(64, 1), o3 = opts(64, 3);
		struct lb_result a, b;
		struct diag d;
		size_t i;

		o1.unit = o3.unit = units[u];
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o1, &a,
		    &d), 0);
		assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o3, &b,
		    &d), 0);
		assert_int_equal(a.nmodels, b.nmodels);
		for (i = 0; i < a.nmodels; i++) {
			assert_string_equal(a.models[i].name, b.models[i].name);
			assert_memory_equal(&a.models[i].elo_q025,
			    &b.models[i].elo_q025, sizeof(double));
			assert_memory_equal(&a.models[i].elo_q975,
			    &b.models[i].elo_q975, sizeof(double));
		}
		lb_result_release(&a);
		lb_result_release(&b);
	}
	battles_free(bs);
}

static struct answer_set *
answers_for(int nmodels, int nq, int skip_model)
{
	struct answer_set *s = answerscan_set_new();
	struct answer_file f;
	struct diag d;
	size_t len = 0, nd;
	char *buf = malloc(1 << 20);
	int m, q;

	for (m = 0; m <= nmodels; m++) {
		if (m == skip_model)
			continue;
		for (q = 0; q < nq; q++) {
			char name[16];

			if (m == nmodels)
				snprintf(name, sizeof(name), "base");
			else
				snprintf(name, sizeof(name), "m%d", m);
			len += (size_t)sprintf(buf + len, "{\"question_id\": "
			    "\"q%03d\", \"model_id\": \"%s\", \"conv_metadata\": "
			    "{\"token_len\": %d, \"header_count\": {\"h1\": %d}, "
			    "\"list_count\": {\"ordered\": 1, \"unordered\": %d}, "
			    "\"bold_count\": {\"**\": 2, \"__\": 0}}}\n", q, name,
			    100 + 37 * m + (q * 13) % 50, (q + m) % 3,
			    (q + 2 * m) % 4);
		}
	}
	memset(&f, 0, sizeof(f));
	answerscan_buffer("answers.jsonl", buf, len, &f);
	assert_int_equal(f.nerrs, 0);
	answerscan_set_add(s, &f);
	answerscan_file_release(&f);
	assert_int_equal(answerscan_set_finish(s, NULL, NULL, NULL, 0, &nd,
	    &d), 0);
	free(buf);
	return s;
}

static void
test_lb_control_boards(void **state)
{
	struct battle_set *bs = star(3, 30, 1);
	struct answer_set *ans = answers_for(3, 30, -1);
	struct lb_opts o = opts(50, 2);
	struct lb_result r;
	struct diag d;

	memset(&r, 0, sizeof(r));
	assert_int_equal(lb_compute(bs, ans, LB_STYLE, &o, &r, &d), 0);
	assert_int_equal(r.k, 4);
	assert_string_equal(r.coef_names[0], "sum_assistant_a_tokens");
	assert_string_equal(r.coef_names[3], "bold_count_a");
	/* bold_count is 2 everywhere: a zero column, with a warning. */
	assert_true(r.coef[3] == 0);
	assert_int_equal(r.nwarns, 1);
	assert_non_null(strstr(r.warns[0].msg, "'bold_count_a' is constant"));
	assert_true(find(&r, "base")->elo == 1114);
	assert_true(find(&r, "base")->elo_q025 == 1114);
	assert_true(find(&r, "base")->score == 50);
	{
		long long sum = 0;

		for (int q = 0; q < 30; q++)
			sum += 100 + 37 + (q * 13) % 50;
		assert_int_equal(find(&r, "m1")->avg_tokens, sum / 30);
	}
	lb_result_release(&r);
	/* Length control: one coefficient, positive (longer answers won). */
	memset(&r, 0, sizeof(r));
	assert_int_equal(lb_compute(bs, ans, LB_LENGTH, &o, &r, &d), 0);
	assert_int_equal(r.k, 1);
	lb_result_release(&r);
	answerscan_set_free(ans);
	battles_free(bs);
}

static void
test_lb_missing_metadata(void **state)
{
	struct battle_set *bs = star(3, 10, 0);
	struct answer_set *ans = answers_for(3, 10, 1);	/* no m1 answers */
	struct lb_opts o = opts(20, 1);
	struct lb_result r;
	struct diag d;

	memset(&r, 0, sizeof(r));
	assert_int_equal(lb_compute(bs, ans, LB_MARKDOWN, &o, &r, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_non_null(strstr(d.msg, "markdown_control: 20 battle rows lack"));
	assert_int_equal(r.nerrs, 1);
	assert_string_equal(r.errs[0].file, "star.jsonl");
	assert_int_equal(r.errs[0].line, 1);
	assert_string_equal(r.errs[0].msg, "model 'm1' has no answers "
	    "(markdown_control needs them)");
	lb_result_release(&r);
	o.allow_missing_metadata = 1;
	memset(&r, 0, sizeof(r));
	assert_int_equal(lb_compute(bs, ans, LB_MARKDOWN, &o, &r, &d), 0);
	assert_int_equal(r.nmodels, 3);
	assert_int_equal(r.nerrs, 0);
	assert_non_null(strstr(r.warns[0].msg, "20 battle rows without"));
	lb_result_release(&r);
	answerscan_set_free(ans);
	battles_free(bs);
}

/* Two models, a beats b three times in four: a pair set. */
static struct battle_set *
pairs(const char *anchor)
{
	struct battle_opts o = { NULL, 3, 0, NULL, anchor, 0 };
	struct battle_set *bs = battles_new(&o);
	static const char *const g[4][2] = {
		{ "A>B", "B>A" }, { "A>B", "B>A" }, { "A>B", "B>A" },
		{ "B>A", "A>B" },
	};
	struct diag d;
	int q;

	battles_add_file(bs, "pairs.jsonl");
	for (q = 0; q < 4; q++) {
		char rec[256];
		json_t *v;

		snprintf(rec, sizeof(rec), "{\"question_id\": \"q%d\", "
		    "\"model\": \"b\", \"model_a\": \"a\", \"model_b\": "
		    "\"b\", \"games\": [{\"score\": \"%s\"}, {\"score\": "
		    "\"%s\"}]}", q, g[q][0], g[q][1]);
		v = json_loads(rec, 0, NULL);
		assert_int_equal(battles_add(bs, v, 0, q + 1, &d), 0);
		json_decref(v);
	}
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

/*
 * Without a baseline the ratings' mean is 1000: a's win rate is its
 * chance against that mean; with --anchor a, a is 50.
 */
static void
test_lb_all_pairs_anchor(void **state)
{
	struct battle_set *bs = pairs(NULL);
	struct lb_opts o = opts(200, 1);
	struct lb_result res;
	struct diag d;
	double half = 200 * log10(3);	/* Elo: P(a beats b) = 3/4 */

	memset(&res, 0, sizeof(res));
	assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o, &res, &d),
	    0);
	assert_int_equal(res.nmodels, 2);
	assert_string_equal(res.models[0].name, "a");
	assert_true(fabs(res.models[0].elo - (1000 + half)) < 1e-6);
	assert_true(fabs(res.models[1].elo - (1000 - half)) < 1e-6);
	assert_true(fabs(res.models[0].score - round(10000 / (1 +
	    pow(3, -0.5))) / 100) < 1e-9);
	assert_true(fabs(res.models[0].score + res.models[1].score - 100) <
	    0.011);
	assert_true(res.models[0].q025 <= res.models[0].score &&
	    res.models[0].score <= res.models[0].q975);
	lb_result_release(&res);
	battles_free(bs);

	bs = pairs("a");
	memset(&res, 0, sizeof(res));
	assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o, &res, &d),
	    0);
	assert_true(find(&res, "a")->score == 50);
	assert_true(find(&res, "a")->elo == 1000);
	assert_true(find(&res, "b")->score == 25);
	lb_result_release(&res);
	battles_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lb_no_control_star),
		cmocka_unit_test(test_lb_threads_and_units_deterministic),
		cmocka_unit_test(test_lb_control_boards),
		cmocka_unit_test(test_lb_missing_metadata),
		cmocka_unit_test(test_lb_all_pairs_anchor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
