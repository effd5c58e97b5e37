/* v2board_test.c: v2.0's scoring on hand-made judgments. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "v2board.h"

static int
add(struct v2board *vb, const char *q, const char *cat, const char *model,
    const char *base, const char *g1, const char *g2, struct diag *d)
{
	json_t *games = json_array(), *v;
	int rc;

	json_array_append_new(games, g1 == NULL ? json_null() :
	    json_pack("{s:s}", "score", g1));
	json_array_append_new(games, json_pack("{s:s}", "score", g2));
	v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "uid", q, "category", cat,
	    "judge", "gpt-4.1", "model", model, "baseline", base, "games",
	    games);
	diag_clear(d);
	rc = v2board_add(vb, v, "v2.jsonl", 3, d);
	json_decref(v);
	return rc;
}

static void
test_v2board_scores(void **state)
{
	struct v2board_opts o = { NULL, NULL, 3 };
	struct v2board_round_opts ro = { 300, 42, 1 };
	struct v2board_result res;
	struct v2board *vb = v2board_new(&o);
	const struct v2board_category *hp, *cw;
	struct diag d;
	size_t i;

	/* Model wins both games: 1, 1. */
	assert_int_equal(add(vb, "q1", "hard_prompt", "m", "o3", "B>A",
	    "A>B", &d), 0);
	/* Loses strongly: 3 x 0 in each game. */
	assert_int_equal(add(vb, "q2", "hard_prompt", "m", "o3", "A>>B",
	    "B>>A", &d), 0);
	/* Ties, in both spellings: 0.5, 0.5. */
	assert_int_equal(add(vb, "q3", "hard_prompt", "m", "o3", "A=B",
	    "B=A", &d), 0);
	/* A null game drops the judgment; so does an unknown label. */
	assert_int_equal(add(vb, "q4", "hard_prompt", "m", "o3", NULL,
	    "A>B", &d), 0);
	assert_int_equal(add(vb, "q6", "hard_prompt", "m", "o3", "C>D",
	    "A>B", &d), 0);
	/* "<" labels: A<B in game 2 and B<A in game 1 both lose: 0, 0. */
	assert_int_equal(add(vb, "q5", "hard_prompt", "m", "o3", "B<A",
	    "A<B", &d), 0);
	/* The baseline's own judgment is left out. */
	assert_int_equal(add(vb, "q1", "hard_prompt", "o3", "o3", "A=B",
	    "A=B", &d), 0);
	/* Another category, its own baseline. */
	assert_int_equal(add(vb, "w1", "creative_writing", "m", "gem", "A>B",
	    "A>B", &d), 0);
	/* One baseline per category. */
	assert_int_equal(add(vb, "q9", "hard_prompt", "x", "gem", "A>B",
	    "A>B", &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_string_equal(d.msg, "baseline 'gem' differs from baseline "
	    "'o3' of category 'hard_prompt'");

	assert_int_equal(v2board_compute(vb, &ro, &res, &d), 0);
	assert_int_equal(res.ncats, 2);
	assert_int_equal(res.dropped, 2);
	assert_int_equal(res.self, 1);
	cw = &res.cats[0];
	hp = &res.cats[1];
	assert_string_equal(cw->name, "creative_writing");
	assert_string_equal(cw->baseline, "gem");
	assert_true(cw->models[0].score == 0.5 && cw->models[1].score == 0.5);
	/* (1 + 1 + 0 x 6 + 0.5 + 0.5 + 0 + 0) / 12 */
	assert_int_equal(hp->nmodels, 2);
	assert_string_equal(hp->models[0].name, "o3");
	assert_true(hp->models[0].lower == 0.5 && hp->models[0].upper == 0.5);
	assert_string_equal(hp->models[1].name, "m");
	assert_true(fabs(hp->models[1].score - 0.25) < 1e-12);
	assert_int_equal(hp->models[1].n_outcomes, 12);
	assert_int_equal(hp->models[1].n_judgments, 4);
	assert_true(hp->models[1].lower < 0.25 && hp->models[1].upper > 0.25);
	assert_true(hp->models[1].lower >= 0 && hp->models[1].upper <= 1);
	v2board_result_release(&res);
	/* By question: every question's outcomes stay together. */
	ro.by_outcome = 0;
	assert_int_equal(v2board_compute(vb, &ro, &res, &d), 0);
	for (i = 0; i < res.cats[1].nmodels; i++)
		assert_true(res.cats[1].models[i].lower <=
		    res.cats[1].models[i].score);
	v2board_result_release(&res);
	v2board_free(vb);
}

static void
test_v2board_errors(void **state)
{
	struct v2board_opts o = { NULL, NULL, 3 };
	struct v2board_round_opts ro = { 10, 1, 1 };
	struct v2board_result res;
	struct v2board *vb = v2board_new(&o);
	struct diag d;
	json_t *v;

	/* A v0.1 record names no baseline: --baseline. */
	v = json_loads("{\"question_id\": \"q\", \"model\": \"m\", \"judge\": "
	    "\"j\", \"games\": [{\"score\": \"A>B\"}, {\"score\": \"B>A\"}]}",
	    0, NULL);
	diag_clear(&d);
	assert_int_equal(v2board_add(vb, v, "f", 1, &d), -1);
	assert_int_equal(d.code, EX_USAGE);
	json_decref(v);
	assert_int_equal(v2board_compute(vb, &ro, &res, &d), -1);
	v2board_free(vb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2board_scores),
		cmocka_unit_test(test_v2board_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
