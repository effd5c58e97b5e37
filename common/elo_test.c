/* elo_test.c: online Elo and its bootstrap against hand-computed values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>

#include "battles.h"
#include "elo.h"
#include "leaderboard.h"

/*
 * The values below were worked out by hand from the update rule
 * e = 1 / (1 + 10^((Rb - Ra) / 400)), Ra += 4 (s - e), Rb -= 4 (s - e):
 * the first battle of two new models moves them by 4 * 0.5 = 2 points; a
 * second win of the same side has e = 1 / (1 + 10^(-4/400)) = 0.5057562,
 * so it adds 4 * 0.4942438 = 1.9769752 more.
 */
#define EPS 1e-9

static void
test_elo_online_two_wins_then_tie(void **state)
{
	struct elo_match m[] = { { 0, 1, 1 }, { 0, 1, 1 }, { 0, 1, 0.5 } };
	double r[3];

	(void)state;
	elo_online(m, NULL, 1, 3, r, NULL);
	assert_true(fabs(r[0] - 1002.0) < EPS);
	assert_true(fabs(r[1] - 998.0) < EPS);
	assert_true(fabs(r[2] - 1000.0) < EPS);
	elo_online(m, NULL, 2, 3, r, NULL);
	assert_true(fabs(r[0] - 1003.9769751663554) < EPS);
	assert_true(fabs(r[1] - 996.0230248336446) < EPS);
	/* The tie pulls the leader back: e = 0.5114449, 4 * -0.0114449. */
	elo_online(m, NULL, 3, 3, r, NULL);
	assert_true(fabs(r[0] - 1003.9311965449899) < EPS);
	assert_true(fabs(r[1] - 996.0688034550101) < EPS);
	assert_true(fabs(r[0] + r[1] + r[2] - 3000.0) < EPS);
}

static void
test_elo_online_order_matters(void **state)
{
	struct elo_match m[] = { { 0, 1, 1 }, { 1, 2, 1 }, { 2, 0, 0.5 } };
	uint32_t rev[] = { 1, 0 };
	unsigned char seen[3] = { 0, 0, 0 };
	double r[3];

	(void)state;
	elo_online(m, NULL, 3, 3, r, seen);
	assert_true(fabs(r[0] - 1001.97690890217) < EPS);
	assert_true(fabs(r[1] - 1000.0115127982992) < EPS);
	assert_true(fabs(r[2] - 998.0115782995308) < EPS);
	assert_true(seen[0] && seen[1] && seen[2]);
	/*
	 * B beat C (B 1002) before A beat B: e = 1 / (1 + 10^(2/400)) =
	 * 0.4971218, so A gains 4 * 0.5028782 = 2.0115128.
	 */
	memset(seen, 0, sizeof(seen));
	elo_online(m, rev, 2, 3, r, seen);
	assert_true(fabs(r[0] - 1002.0115127982992) < EPS);
	assert_true(seen[0] && seen[1] && seen[2]);
}

/* Votes as show-result reads them; returns the finished set. */
static struct battle_set *
votes(const char *const *lines, size_t n, const char *baseline)
{
	struct battle_opts o;
	struct battle_set *bs;
	struct diag d;
	size_t i;

	memset(&o, 0, sizeof(o));
	o.baseline = baseline;
	o.weight = 3;
	o.online_elo = 1;
	bs = battles_new(&o);
	battles_add_file(bs, "votes.jsonl");
	for (i = 0; i < n; i++) {
		json_t *v = json_loads(lines[i], 0, NULL);

		assert_non_null(v);
		assert_int_equal(battles_add(bs, v, 0, (long)i + 1, &d), 0);
		json_decref(v);
	}
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

static const struct lb_model *
find(const struct lb_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (strcmp(r->models[i].name, name) == 0)
			return &r->models[i];
	fail_msg("no model '%s'", name);
	return NULL;
}

static void
board(struct battle_set *bs, enum lb_unit unit, long rounds,
    struct lb_result *res)
{
	struct lb_opts o;
	struct diag d;

	memset(&o, 0, sizeof(o));
	o.num_rounds = rounds;
	o.seed = 42;
	o.unit = unit;
	o.threads = 2;
	o.online_elo = 1;
	memset(res, 0, sizeof(*res));
	assert_int_equal(lb_compute(bs, NULL, LB_NO_CONTROL, &o, res, &d), 0);
}

/* Votes are replayed in tstamp order, not in input order. */
static void
test_elo_board_tstamp_order(void **state)
{
	static const char *const in[] = {
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_b\", \"tstamp\": 2.5}",
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_a\", \"tstamp\": 1.0}",
	};
	struct battle_set *bs = votes(in, 2, NULL);
	struct lb_result res;

	(void)state;
	board(bs, LB_BATTLE, 10, &res);
	assert_true(res.online);
	/* A won first (+2), then lost: 1002 - 4 * 0.5057562 = 999.97698. */
	assert_true(fabs(find(&res, "A")->elo - 999.9769751663554) < EPS);
	assert_true(fabs(find(&res, "B")->elo - 1000.0230248336446) < EPS);
	/* Without a baseline the score is against a 1000-rated model. */
	assert_true(fabs(find(&res, "B")->score - 50.0) < 0.01);
	assert_string_equal(res.models[0].name, "B");
	lb_result_release(&res);
	battles_free(bs);
}

/*
 * Two votes, A won the first and B the second.  A round draws two of them
 * with replacement and replays them in the order drawn, so A ends at one
 * of four values, each with probability 1/4:
 *	(1, 1)  1003.9769752	(1, 2)  999.9769752
 *	(2, 1)  1000.0230248	(2, 2)  996.0230248
 * With 400 rounds the 2.5th and 97.5th percentiles lie inside the lowest
 * and highest blocks, so they are those values exactly.
 */
static void
test_elo_board_bootstrap_battle(void **state)
{
	static const char *const in[] = {
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_a\", \"tstamp\": 1}",
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_b\", \"tstamp\": 2}",
	};
	struct battle_set *bs = votes(in, 2, "B");
	struct lb_result res;
	const struct lb_model *a;

	(void)state;
	board(bs, LB_BATTLE, 400, &res);
	a = find(&res, "A");
	assert_true(fabs(a->elo_q025 - 996.0230248336446) < EPS);
	assert_true(fabs(a->elo_q975 - 1003.9769751663554) < EPS);
	/* The baseline's row is 50, its own interval collapsed. */
	assert_true(find(&res, "B")->score == 50.0);
	assert_int_equal(a->n_battles, 2);
	lb_result_release(&res);
	battles_free(bs);
}

/*
 * By question: two questions with one vote each, drawn as clusters; the
 * same four outcomes.  A third model that only meets C on a question of
 * its own is left out of the rounds that do not draw it.
 */
static void
test_elo_board_bootstrap_question(void **state)
{
	static const char *const in[] = {
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_a\", \"question_id\": \"q1\", \"tstamp\": 1}",
		"{\"model_a\": \"A\", \"model_b\": \"B\", \"winner\": "
		    "\"model_b\", \"question_id\": \"q2\", \"tstamp\": 2}",
	};
	struct battle_set *bs = votes(in, 2, NULL);
	struct lb_result res, res2;
	const struct lb_model *a;

	(void)state;
	board(bs, LB_QUESTION, 400, &res);
	a = find(&res, "A");
	assert_true(fabs(a->elo_q025 - 996.0230248336446) < EPS);
	assert_true(fabs(a->elo_q975 - 1003.9769751663554) < EPS);
	/* The same seed gives the same board whatever the threads. */
	board(bs, LB_QUESTION, 400, &res2);
	assert_true(res2.models[0].elo_q025 == res.models[0].elo_q025);
	lb_result_release(&res);
	lb_result_release(&res2);
	battles_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elo_online_two_wins_then_tie),
		cmocka_unit_test(test_elo_online_order_matters),
		cmocka_unit_test(test_elo_board_tstamp_order),
		cmocka_unit_test(test_elo_board_bootstrap_battle),
		cmocka_unit_test(test_elo_board_bootstrap_question),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
