/* battles_test.c: records to battle rows and canonical order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "battles.h"

static struct battle_set *
new_set(const char *baseline, int weight, int first, const char *judge)
{
	struct battle_opts o = { baseline, weight, first, judge, NULL, 0 };
	struct battle_set *bs = battles_new(&o);

	battles_add_file(bs, "in.jsonl");
	return bs;
}

/* Add one record (JSON text); returns battles_add's result. */
static int
add(struct battle_set *bs, const char *text, long line, struct diag *d)
{
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);
	int rc;

	assert_non_null(v);
	rc = battles_add(bs, v, 0, line, d);
	json_decref(v);
	return rc;
}

static const struct battle_row *
row(const struct battle_set *bs, size_t canon_i)
{
	return &bs->rows[bs->canon[canon_i]];
}

/* The game-to-battle table, both games, with W = 3. */
static void
test_battles_label_table(void **state)
{
	static const struct {
		const char *label;
		int out1, out2;
		unsigned reps;
	} t[] = {
		{ "A>>B", BATTLE_A, BATTLE_B, 3 },
		{ "A>B", BATTLE_A, BATTLE_B, 1 },
		{ "A=B", BATTLE_TIE, BATTLE_TIE, 1 },
		{ "B>A", BATTLE_B, BATTLE_A, 1 },
		{ "B>>A", BATTLE_B, BATTLE_A, 3 },
	};
	size_t i;

	for (i = 0; i < 5; i++) {
		struct battle_set *bs = new_set("base", 3, 0, NULL);
		struct diag d;
		char rec[256];

		snprintf(rec, sizeof(rec), "{\"question_id\": \"q\", \"model\": "
		    "\"m\", \"judge\": \"j\", \"games\": [{\"score\": \"%s\"}, "
		    "{\"score\": \"%s\"}]}", t[i].label, t[i].label);
		assert_int_equal(add(bs, rec, 1, &d), 0);
		assert_int_equal(battles_finish(bs, &d), 0);
		assert_int_equal(bs->nrows, 2);
		assert_string_equal(bs->models[row(bs, 0)->a], "base");
		assert_string_equal(bs->models[row(bs, 0)->b], "m");
		assert_int_equal(row(bs, 0)->game, 0);
		assert_int_equal(row(bs, 0)->outcome, t[i].out1);
		assert_int_equal(row(bs, 0)->weight, t[i].reps);
		assert_int_equal(row(bs, 1)->game, 1);
		assert_int_equal(row(bs, 1)->outcome, t[i].out2);
		assert_int_equal(row(bs, 1)->weight, t[i].reps);
		battles_free(bs);
	}
}

static void
test_battles_dropped_and_extra_games(void **state)
{
	struct battle_set *bs = new_set("base", 3, 0, NULL);
	struct diag d;

	assert_int_equal(add(bs, "{\"question_id\": \"q1\", \"model\": \"m\", "
	    "\"games\": [{\"score\": null}, {\"score\": \"A<B\"}]}", 1, &d), 0);
	assert_int_equal(add(bs, "{\"question_id\": \"q2\", \"model\": \"m\", "
	    "\"games\": [null, {}]}", 2, &d), 0);
	assert_int_equal(add(bs, "{\"question_id\": \"q3\", \"model\": \"m\", "
	    "\"games\": [{\"score\": \"A=B\"}]}", 3, &d), 0);
	assert_int_equal(add(bs, "{\"uid\": \"q4\", \"model\": \"m\", "
	    "\"games\": [{\"score\": \"B>A\"}, {\"score\": \"B>A\"}, "
	    "{\"score\": \"A>B\"}]}", 4, &d), 0);
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_int_equal(bs->dropped_games, 4);
	assert_int_equal(bs->extra_games, 1);
	assert_int_equal(bs->nrows, 3);
	assert_string_equal(bs->questions[row(bs, 0)->q], "q3");
	assert_string_equal(bs->questions[row(bs, 2)->q], "q4");
	battles_free(bs);
}

static void
test_battles_first_game_only_and_self(void **state)
{
	struct battle_set *bs = new_set("base", 2, 1, NULL);
	struct diag d;

	assert_int_equal(add(bs, "{\"question_id\": \"q\", \"model\": "
	    "\"base\", \"games\": [{\"score\": \"A>>B\"}, {\"score\": "
	    "\"B>A\"}]}", 1, &d), 0);
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_int_equal(bs->nrows, 1);
	assert_int_equal(row(bs, 0)->a, row(bs, 0)->b);
	assert_int_equal(row(bs, 0)->weight, 2);
	assert_int_equal(bs->dropped_games, 0);
	battles_free(bs);
}

static void
test_battles_votes(void **state)
{
	struct battle_set *bs = new_set("x", 3, 0, NULL);
	struct diag d;

	assert_int_equal(add(bs, "{\"model_a\": \"x\", \"model_b\": \"y\", "
	    "\"winner\": \"tie (bothbad)\"}", 1, &d), 0);
	assert_int_equal(add(bs, "{\"model_a\": \"y\", \"model_b\": \"x\", "
	    "\"winner\": \"model_b\", \"question_id\": \"q\", "
	    "\"conv_metadata\": {\"sum_assistant_a_tokens\": 10, "
	    "\"sum_assistant_b_tokens\": 20, \"header_count_a\": {\"h1\": 1, "
	    "\"h2\": 2}, \"header_count_b\": 0}}", 2, &d), 0);
	assert_int_equal(add(bs, "{\"model_a\": \"y\", \"model_b\": \"y\", "
	    "\"winner\": \"model_a\"}", 3, &d), 0);
	assert_int_equal(add(bs, "{\"model_a\": \"y\", \"model_b\": \"z\", "
	    "\"winner\": \"both\"}", 4, &d), -1);
	assert_int_equal(d.line, 4);
	assert_string_equal(d.msg, "unknown winner 'both'");
	assert_int_equal(add(bs, "{\"model_a\": \"y\", \"model_b\": \"z\", "
	    "\"winner\": \"tie\", \"conv_metadata\": {\"list_count_a\": "
	    "\"3\"}}", 5, &d), -1);
	assert_string_equal(d.msg, "field 'conv_metadata.list_count_a' is "
	    "not an integer or an object of integers");
	assert_int_equal(add(bs, "{\"model_a\": \"y\", \"winner\": \"tie\"}",
	    6, &d), -1);
	assert_string_equal(d.msg, "missing field 'model_b'");
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_int_equal(bs->self_votes, 1);
	assert_int_equal(bs->nrows, 2);
	/* Canonical: (x, y, no question) before (y, x, q). */
	assert_int_equal(row(bs, 0)->outcome, BATTLE_TIE);
	assert_int_equal(row(bs, 0)->q, BATTLE_NOQ);
	assert_false(row(bs, 0)->has_meta);
	assert_int_equal(row(bs, 1)->outcome, BATTLE_B);
	assert_true(row(bs, 1)->has_meta);
	assert_int_equal(bs->metas[2 * row(bs, 1)->meta].v[ANSWER_TOKENS], 10);
	assert_int_equal(bs->metas[2 * row(bs, 1)->meta].v[ANSWER_HEADERS], 3);
	assert_int_equal(bs->metas[2 * row(bs, 1)->meta + 1].mask, 3);
	assert_int_equal(bs->metas[2 * row(bs, 1)->meta].mask, 3);
	battles_free(bs);
}

static void
test_battles_bad_records(void **state)
{
	static const struct {
		const char *rec, *msg;
	} bad[] = {
		{ "{\"question_id\": \"q\", \"games\": []}",
		    "missing field 'model'" },
		{ "{\"question_id\": 5.5, \"model\": \"m\", \"games\": []}",
		    "field 'question_id' is not a string" },
		{ "{\"model\": \"m\", \"games\": []}",
		    "missing field 'question_id'" },
		{ "{\"question_id\": \"q\", \"model\": \"m\", \"games\": {}}",
		    "field 'games' is not an array" },
		{ "{\"question_id\": \"q\", \"model\": \"m\", \"games\": "
		    "[{\"score\": 1}]}",
		    "field 'games[0].score' is not a string" },
		{ "{\"question_id\": \"q\", \"model\": \"m\", \"games\": [3]}",
		    "games[0] is not an object" },
		{ "{\"question_id\": \"q\", \"model\": \"m\", \"judge\": 1, "
		    "\"games\": []}", "field 'judge' is not a string" },
		{ "{\"question_id\": \"q\", \"model\": \"m\"}",
		    "record is neither a judgment ('games') nor a vote "
		    "('winner')" },
	};
	struct battle_set *bs = new_set("base", 3, 0, NULL);
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(add(bs, bad[i].rec, (long)i + 1, &d), -1);
		assert_int_equal(d.code, EX_DATAERR);
		assert_int_equal(d.line, (long)i + 1);
		assert_string_equal(d.file, "in.jsonl");
		assert_string_equal(d.msg, bad[i].msg);
	}
	assert_int_equal(bs->nrows, 0);
	battles_free(bs);
}

static void
test_battles_judges(void **state)
{
	const char *r1 = "{\"question_id\": \"q\", \"model\": \"m\", \"judge\": "
	    "\"j1\", \"games\": [{\"score\": \"A>B\"}]}";
	const char *r2 = "{\"question_id\": \"q\", \"model\": \"n\", \"judge\": "
	    "\"j2\", \"games\": [{\"score\": \"A>B\"}]}";
	struct battle_set *bs = new_set("base", 3, 0, NULL);
	struct diag d;

	add(bs, r1, 1, &d);
	add(bs, r2, 2, &d);
	assert_int_equal(battles_finish(bs, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "judge 'j2' differs from judge 'j1' of "
	    "earlier records (select one with --judge)");
	battles_free(bs);
	bs = new_set("base", 3, 0, "j2");
	add(bs, r1, 1, &d);
	add(bs, r2, 2, &d);
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_int_equal(bs->nrows, 1);
	assert_int_equal(bs->other_judges, 1);
	assert_string_equal(bs->models[row(bs, 0)->b], "n");
	battles_free(bs);
	/* Pool records may carry several judges. */
	bs = new_set("base", 3, 0, NULL);
	add(bs, "{\"question_id\": \"q\", \"model\": \"m\", \"judge\": \"p\", "
	    "\"source_judge\": \"j1\", \"games\": [{\"score\": \"A>B\"}]}", 1,
	    &d);
	add(bs, "{\"question_id\": \"q\", \"model\": \"m\", \"judge\": \"q\", "
	    "\"source_judge\": \"j2\", \"games\": [{\"score\": \"A>B\"}]}", 2,
	    &d);
	assert_int_equal(battles_finish(bs, &d), 0);
	battles_free(bs);
}

static void
test_battles_v2_baseline(void **state)
{
	const char *v2 = "{\"uid\": \"q\", \"category\": \"c\", \"judge\": "
	    "\"j\", \"model\": \"m\", \"baseline\": \"o3\", \"games\": "
	    "[{\"score\": \"B>A\", \"judgment\": {\"answer\": \"x\"}, "
	    "\"prompt\": \"p\"}, null]}";
	struct battle_set *bs = new_set(NULL, 3, 0, NULL);
	struct diag d;

	/* A v0.1 record before the baseline is known. */
	assert_int_equal(add(bs, "{\"question_id\": \"q0\", \"model\": \"n\", "
	    "\"judge\": \"j\", \"games\": [{\"score\": \"A>B\"}]}", 1, &d), 0);
	assert_int_equal(add(bs, v2, 2, &d), 0);
	assert_int_equal(add(bs, "{\"uid\": \"q\", \"model\": \"m\", "
	    "\"baseline\": \"o1\", \"games\": []}", 3, &d), -1);
	assert_string_equal(d.msg, "baseline 'o1' differs from 'o3'");
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_string_equal(bs->baseline, "o3");
	assert_int_equal(bs->nrows, 2);
	assert_string_equal(bs->models[row(bs, 0)->a], "o3");
	assert_string_equal(bs->models[row(bs, 1)->a], "o3");
	assert_int_equal(bs->dropped_games, 1);
	battles_free(bs);
	bs = new_set("gpt", 3, 0, NULL);
	assert_int_equal(add(bs, v2, 1, &d), -1);
	assert_string_equal(d.msg, "baseline 'o3' differs from --baseline "
	    "'gpt'");
	battles_free(bs);
	bs = new_set(NULL, 3, 0, NULL);
	add(bs, "{\"question_id\": \"q\", \"model\": \"m\", \"games\": []}",
	    1, &d);
	assert_int_equal(battles_finish(bs, &d), -1);
	assert_int_equal(d.code, EX_USAGE);
	battles_free(bs);
	bs = new_set("base", 3, 0, NULL);
	add(bs, "{\"model_a\": \"a\", \"model_b\": \"b\", \"winner\": "
	    "\"tie\"}", 1, &d);
	assert_int_equal(battles_finish(bs, &d), -1);
	assert_string_equal(d.msg, "baseline 'base' has no battles");
	battles_free(bs);
}

/* pairwise-all judgments: model_a is side a; no baseline, the mean. */
static void
test_battles_all_pairs(void **state)
{
	struct battle_set *bs = new_set(NULL, 3, 0, NULL);
	struct battle_opts o = { NULL, 3, 0, NULL, "b", 0 };
	struct diag d;

	/* Game 1: A = model_a; game 2 swapped. Integer ids are text. */
	assert_int_equal(add(bs, "{\"question_id\": 81, \"model\": \"b\", "
	    "\"model_a\": \"a\", \"model_b\": \"b\", \"judge\": \"j\", "
	    "\"games\": [{\"score\": \"A>B\"}, {\"score\": \"A>>B\"}]}", 1,
	    &d), 0);
	assert_int_equal(add(bs, "{\"question_id\": 81, \"model\": \"c\", "
	    "\"model_a\": \"b\", \"model_b\": \"c\", \"judge\": \"j\", "
	    "\"games\": [{\"score\": \"B>A\"}, {\"score\": \"A=B\"}]}", 2,
	    &d), 0);
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_true(bs->all_pairs);
	assert_true(bs->anchor_mean);
	/* The busiest model is fixed in the fits: b. */
	assert_string_equal(bs->baseline, "b");
	assert_string_equal(bs->questions[0], "81");
	assert_int_equal(bs->nrows, 4);
	/* a/b: game 1 a wins; game 2 (A = b) b wins x 3. */
	assert_string_equal(bs->models[row(bs, 0)->a], "a");
	assert_int_equal(row(bs, 0)->outcome, BATTLE_A);
	assert_int_equal(row(bs, 1)->outcome, BATTLE_B);
	assert_int_equal(row(bs, 1)->weight, 3);
	/* b/c: game 1 c wins; game 2 a tie. */
	assert_int_equal(row(bs, 2)->outcome, BATTLE_B);
	assert_int_equal(row(bs, 3)->outcome, BATTLE_TIE);
	battles_free(bs);

	/* --anchor MODEL: that model is the baseline. */
	bs = battles_new(&o);
	battles_add_file(bs, "in.jsonl");
	add(bs, "{\"question_id\": \"q\", \"model\": \"c\", \"model_a\": "
	    "\"a\", \"model_b\": \"c\", \"games\": [{\"score\": \"A>B\"}]}",
	    1, &d);
	add(bs, "{\"question_id\": \"q\", \"model\": \"c\", \"model_a\": "
	    "\"b\", \"model_b\": \"c\", \"games\": [{\"score\": \"A>B\"}]}",
	    2, &d);
	assert_int_equal(battles_finish(bs, &d), 0);
	assert_false(bs->anchor_mean);
	assert_string_equal(bs->baseline, "b");
	battles_free(bs);

	/* Mixed with judgments against a baseline: an error. */
	bs = new_set("base", 3, 0, NULL);
	add(bs, "{\"question_id\": \"q\", \"model\": \"m\", \"games\": "
	    "[{\"score\": \"A>B\"}]}", 1, &d);
	add(bs, "{\"question_id\": \"q\", \"model\": \"c\", \"model_a\": "
	    "\"a\", \"model_b\": \"c\", \"games\": [{\"score\": \"A>B\"}]}",
	    2, &d);
	assert_int_equal(battles_finish(bs, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.msg, "a pairwise-all judgment among judgments "
	    "against a baseline (first at in.jsonl:1): mixed modes");
	battles_free(bs);
	/* --anchor with judgments against a baseline: a usage error. */
	o.baseline = "base";
	bs = battles_new(&o);
	battles_add_file(bs, "in.jsonl");
	add(bs, "{\"question_id\": \"q\", \"model\": \"m\", \"games\": "
	    "[{\"score\": \"A>B\"}]}", 1, &d);
	assert_int_equal(battles_finish(bs, &d), -1);
	assert_int_equal(d.code, EX_USAGE);
	battles_free(bs);
}

/* v2 judgments of two categories: a set each, with its own baseline. */
static void
test_battles_groups(void **state)
{
	struct battle_opts o = { NULL, 3, 0, NULL, NULL, 0 };
	struct battle_groups g;
	struct diag d;
	json_t *v;
	static const char *const recs[] = {
		"{\"uid\": \"h1\", \"category\": \"hard_prompt\", \"model\": "
		    "\"m\", \"baseline\": \"o3\", \"games\": [{\"score\": "
		    "\"A>B\"}, {\"score\": \"A>B\"}]}",
		"{\"uid\": \"w1\", \"category\": \"creative_writing\", "
		    "\"model\": \"m\", \"baseline\": \"gem\", \"games\": "
		    "[{\"score\": \"B>A\"}, {\"score\": \"A>B\"}]}",
		"{\"uid\": \"h2\", \"category\": \"hard_prompt\", \"model\": "
		    "\"n\", \"baseline\": \"o3\", \"games\": [{\"score\": "
		    "\"A=B\"}, {\"score\": \"A=B\"}]}",
	};
	size_t i;

	battles_groups_init(&g, &o);
	assert_int_equal(battles_groups_add_file(&g, "a.jsonl"), 0);
	for (i = 0; i < 3; i++) {
		v = json_loads(recs[i], 0, NULL);
		assert_int_equal(battles_groups_add(&g, v, 0, (long)i + 1, &d),
		    0);
		json_decref(v);
	}
	assert_int_equal(battles_groups_add_file(&g, "b.jsonl"), 1);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.names[0], "hard_prompt");
	assert_string_equal(g.names[1], "creative_writing");
	for (i = 0; i < 2; i++)
		assert_int_equal(battles_finish(g.sets[i], &d), 0);
	assert_string_equal(g.sets[0]->baseline, "o3");
	assert_int_equal(g.sets[0]->nrows, 4);
	assert_string_equal(g.sets[1]->baseline, "gem");
	assert_int_equal(g.sets[1]->nfiles, 2);
	battles_groups_release(&g);
}

/* Rows come out in the canonical order whatever the input order. */
static void
test_battles_canonical_order(void **state)
{
	const char *recs[] = {
		"{\"question_id\": \"q2\", \"model\": \"b\", \"games\": "
		    "[{\"score\": \"A=B\"}, {\"score\": \"A>B\"}]}",
		"{\"question_id\": \"q1\", \"model\": \"b\", \"games\": "
		    "[{\"score\": \"B>A\"}, {\"score\": \"A>>B\"}]}",
		"{\"question_id\": \"q9\", \"model\": \"a\", \"games\": "
		    "[{\"score\": \"A>B\"}, {\"score\": \"B>A\"}]}",
	};
	int order[2][3] = { { 0, 1, 2 }, { 2, 0, 1 } };
	char got[2][256];
	int k, i;

	for (k = 0; k < 2; k++) {
		struct battle_set *bs = new_set("base", 3, 0, NULL);
		struct diag d;
		size_t len = 0;

		for (i = 0; i < 3; i++)
			add(bs, recs[order[k][i]], i + 1, &d);
		assert_int_equal(battles_finish(bs, &d), 0);
		for (size_t j = 0; j < bs->nrows; j++) {
			const struct battle_row *r = row(bs, j);

			len += (size_t)snprintf(got[k] + len, sizeof(got[k]) -
			    len, "%s/%s/%s/%d/%d/%u ", bs->models[r->a],
			    bs->models[r->b], bs->questions[r->q], r->game,
			    r->outcome, r->weight);
		}
		battles_free(bs);
	}
	assert_string_equal(got[0], got[1]);
	assert_string_equal(got[0], "base/a/q9/0/0/1 base/a/q9/1/0/1 "
	    "base/b/q1/0/2/1 base/b/q1/1/2/3 base/b/q2/0/1/1 base/b/q2/1/2/1 ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_battles_label_table),
		cmocka_unit_test(test_battles_dropped_and_extra_games),
		cmocka_unit_test(test_battles_first_game_only_and_self),
		cmocka_unit_test(test_battles_votes),
		cmocka_unit_test(test_battles_bad_records),
		cmocka_unit_test(test_battles_judges),
		cmocka_unit_test(test_battles_v2_baseline),
		cmocka_unit_test(test_battles_all_pairs),
		cmocka_unit_test(test_battles_groups),
		cmocka_unit_test(test_battles_canonical_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
