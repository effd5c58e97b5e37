/* gradeboard_test.c: the MT-Bench table on hand-made records. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gradeboard.h"

static int
add(struct gradeboard *gb, const char *json, struct diag *d)
{
	json_t *v = json_loads(json, 0, NULL);
	int rc;

	assert_non_null(v);
	diag_clear(d);
	rc = gradeboard_add(gb, v, "j.jsonl", 7, d);
	json_decref(v);
	return rc;
}

#define REC(q, m, s, t) "{\"question_id\": " #q ", \"model\": \"" m "\", " \
	"\"judge\": [\"gpt-4\", \"single-v1\"], \"user_prompt\": \"p\", " \
	"\"judgment\": \"j\", \"score\": " #s ", \"turn\": " #t ", " \
	"\"tstamp\": 1.5}"

static void
fill(struct gradeboard *gb)
{
	struct diag d;

	assert_int_equal(add(gb, REC(1, "a", 8, 1), &d), 0);
	assert_int_equal(add(gb, REC(1, "a", 6, 2), &d), 0);
	assert_int_equal(add(gb, REC(2, "a", 10, 1), &d), 0);
	assert_int_equal(add(gb, REC(2, "a", -1, 2), &d), 0);
	assert_int_equal(add(gb, REC(1, "b", 4, 1), &d), 0);
	assert_int_equal(add(gb, REC(1, "b", 4, 2), &d), 0);
	assert_int_equal(add(gb, REC(2, "b", 9, 1), &d), 0);
	/* A later record of the same answer and turn replaces it. */
	assert_int_equal(add(gb, REC(2, "b", 2, 1), &d), 0);
	assert_int_equal(add(gb, REC(2, "b", 3.0, 2), &d), 0);
	gradeboard_category(gb, "1", 1, "writing");
	gradeboard_category(gb, "2", 1, "math");
}

static void
test_gradeboard_means(void **state)
{
	struct gradeboard_opts o = { 200, 42 };
	struct gradeboard_result res, again;
	struct gradeboard *gb = gradeboard_new(NULL);
	const struct gradeboard_model *a, *b;
	struct diag d;
	int c;

	fill(gb);
	assert_int_equal(gradeboard_replaced(gb), 1);
	assert_int_equal(gradeboard_compute(gb, &o, &res, &d), 0);
	assert_int_equal(res.nmodels, 2);
	assert_int_equal(res.nquestions, 2);
	assert_string_equal(res.judge, "gpt-4");
	/* Sorted by the mean of every turn. */
	a = &res.models[0];
	b = &res.models[1];
	assert_string_equal(a->name, "a");
	/* -1 is left out, as FastChat does; it is counted. */
	assert_true(a->mean[GB_TURN1] == 9);
	assert_true(a->mean[GB_TURN2] == 6);
	assert_true(a->mean[GB_ALL] == 8);
	assert_int_equal(a->n[GB_TURN2], 1);
	assert_int_equal(a->unparsed, 1);
	assert_int_equal(res.unparsed, 1);
	assert_true(b->mean[GB_TURN1] == 3);
	assert_true(b->mean[GB_TURN2] == 3.5);
	assert_true(b->mean[GB_ALL] == 3.25);
	/* The radar: categories in bytewise order. */
	assert_int_equal(res.ncategories, 2);
	assert_string_equal(res.categories[0], "math");
	assert_true(a->cat_mean[0] == 10 && a->cat_mean[1] == 7);
	assert_true(b->cat_mean[0] == 2.5 && b->cat_mean[1] == 4);
	/* Two questions: a resample is {1,1}, {1,2} or {2,2}. */
	assert_true(a->q025[GB_TURN1] >= 8 && a->q975[GB_TURN1] <= 10);
	assert_true(a->q025[GB_TURN1] < 9 && a->q975[GB_TURN1] > 9);
	for (c = 0; c < GB_NCOLUMNS; c++)
		assert_true(b->q025[c] <= b->mean[c] &&
		    b->mean[c] <= b->q975[c]);
	/* The same seed, the same intervals. */
	assert_int_equal(gradeboard_compute(gb, &o, &again, &d), 0);
	assert_true(again.models[1].q975[GB_ALL] == b->q975[GB_ALL]);
	gradeboard_result_release(&again);
	gradeboard_result_release(&res);
	gradeboard_free(gb);
}

static void
test_gradeboard_judges_and_errors(void **state)
{
	struct gradeboard_opts o = { 10, 1 };
	struct gradeboard_result res;
	struct gradeboard *gb = gradeboard_new(NULL);
	struct diag d;

	assert_int_equal(add(gb, REC(1, "a", 8, 1), &d), 0);
	assert_int_equal(add(gb, "{\"question_id\": 1, \"model\": \"a\", "
	    "\"judge\": [\"claude\", \"single-v1\"], \"score\": 5, "
	    "\"turn\": 2}", &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 7);
	assert_string_equal(d.msg, "judge 'claude' differs from judge "
	    "'gpt-4' of earlier records (select one with --judge)");
	assert_int_equal(add(gb, "{\"question_id\": 1, \"model\": \"a\", "
	    "\"score\": \"8\", \"turn\": 1}", &d), -1);
	assert_string_equal(d.msg, "field 'score' is not a number");
	assert_int_equal(add(gb, "{\"question_id\": 1, \"model\": \"a\", "
	    "\"score\": 8, \"turn\": 0}", &d), -1);
	assert_string_equal(d.msg, "field 'turn' is not a turn number");
	assert_int_equal(add(gb, "{\"model\": \"a\", \"score\": 8, "
	    "\"turn\": 1}", &d), -1);
	assert_string_equal(d.msg, "missing field 'question_id'");
	gradeboard_free(gb);

	/* --judge keeps one judge's records. */
	gb = gradeboard_new("claude");
	fill(gb);
	assert_int_equal(gradeboard_other_judges(gb), 9);
	assert_int_equal(gradeboard_compute(gb, &o, &res, &d), -1);
	assert_string_equal(d.msg, "no single-grading record of that judge");
	gradeboard_free(gb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gradeboard_means),
		cmocka_unit_test(test_gradeboard_judges_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
