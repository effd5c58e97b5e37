/* verdicts_test.c: judgment records by judge, model and question. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "verdicts.h"

static int
add(struct verdicts *v, long line, const char *rec)
{
	json_error_t err;
	json_t *j = json_loads(rec, 0, &err);
	struct diag d;
	int rc;

	assert_non_null(j);
	diag_clear(&d);
	rc = verdicts_add(v, j, 0, line, &d);
	json_decref(j);
	return rc;
}

static void
test_verdicts_shapes(void **state)
{
	struct verdicts *v = verdicts_new(1);
	const struct verdicts_rec *r;
	long j, m, q;

	verdicts_add_file(v, "t.jsonl");
	/* v0.1 with texts; "A<B" is not one of the five labels. */
	assert_int_equal(add(v, 1, "{\"question_id\": \"q1\", \"model\": "
	    "\"m\", \"judge\": \"g\", \"games\": [{\"score\": \"A>B\", "
	    "\"judgment\": \"one\"}, {\"score\": \"A<B\", \"judgment\": "
	    "\"two\"}]}"), 0);
	/* v2: uid, judgment.answer, a null game. */
	assert_int_equal(add(v, 2, "{\"uid\": \"q2\", \"model\": \"m\", "
	    "\"judge\": \"g\", \"games\": [null, {\"score\": \"B>>A\", "
	    "\"judgment\": {\"answer\": \"v2 text\"}}]}"), 0);
	/* Pool: the source judge is the judge. */
	assert_int_equal(add(v, 3, "{\"question_id\": \"q1\", \"model\": "
	    "\"m\", \"judge\": \"pool\", \"source_judge\": \"h\", \"games\": "
	    "[{\"score\": \"A=B\"}, {\"score\": null}]}"), 0);
	/* A vote is not a judgment: ignored. */
	assert_int_equal(add(v, 4, "{\"model_a\": \"x\", \"model_b\": \"y\", "
	    "\"winner\": \"tie\"}"), 0);
	/* Bad records. */
	assert_int_equal(add(v, 5, "{\"model\": \"m\", \"games\": []}"), -1);
	assert_int_equal(add(v, 6, "{\"question_id\": \"q\", \"model\": 3, "
	    "\"games\": []}"), -1);
	assert_int_equal(add(v, 7, "{\"question_id\": \"q\", \"model\": \"m\", "
	    "\"games\": {}}"), -1);
	verdicts_finish(v);
	assert_int_equal(v->njudges, 2);
	assert_string_equal(v->judges[0], "g");
	assert_string_equal(v->judges[1], "h");
	assert_int_equal(v->nrecs, 3);
	j = verdicts_judge_id(v, "g");
	m = verdicts_model_id(v, "m");
	q = verdicts_question_id(v, "q1");
	r = verdicts_find(v, (uint32_t)j, (uint32_t)m, VERDICTS_BASELINE,
	    (uint32_t)q);
	assert_non_null(r);
	assert_int_equal(r->label[0], VERDICTS_A);
	assert_int_equal(r->label[1], VERDICTS_NONE);
	assert_string_equal(r->text[0], "one");
	assert_string_equal(r->text[1], "two");
	r = verdicts_find(v, (uint32_t)j, (uint32_t)m, VERDICTS_BASELINE,
	    (uint32_t)verdicts_question_id(v, "q2"));
	assert_non_null(r);
	assert_int_equal(r->label[0], VERDICTS_NONE);
	assert_null(r->text[0]);
	assert_int_equal(r->label[1], VERDICTS_B_MUCH);
	assert_string_equal(r->text[1], "v2 text");
	assert_null(verdicts_find(v, (uint32_t)verdicts_judge_id(v, "h"),
	    (uint32_t)m, VERDICTS_BASELINE,
	    (uint32_t)verdicts_question_id(v, "q2")));
	assert_int_equal(verdicts_judge_id(v, "nobody"), -1);
	verdicts_free(v);
}

/* A later record of a key replaces the earlier; no texts kept if not asked. */
static void
test_verdicts_last_wins(void **state)
{
	struct verdicts *v = verdicts_new(0);
	const struct verdicts_rec *r;

	verdicts_add_file(v, "t.jsonl");
	add(v, 1, "{\"question_id\": \"q\", \"model\": \"m\", "
	    "\"judge\": \"g\", \"games\": [{\"score\": \"A>B\", "
	    "\"judgment\": \"x\"}]}");
	add(v, 2, "{\"question_id\": \"q\", \"model\": \"m\", "
	    "\"judge\": \"g\", \"games\": [{\"score\": \"B>A\", "
	    "\"judgment\": \"y\"}]}");
	verdicts_finish(v);
	assert_int_equal(v->nrecs, 1);
	assert_int_equal(v->replaced, 1);
	r = verdicts_find(v, 0, 0, VERDICTS_BASELINE, 0);
	assert_int_equal(r->label[0], VERDICTS_B);
	assert_int_equal(r->line, 2);
	assert_null(r->text[0]);
	verdicts_free(v);
}

/* All pairs: (model_a, model) is part of the key; integer ids as text. */
static void
test_verdicts_all_pairs(void **state)
{
	struct verdicts *v = verdicts_new(0);
	long a, b, c;

	verdicts_add_file(v, "t.jsonl");
	assert_int_equal(add(v, 1, "{\"question_id\": 81, \"model\": \"b\", "
	    "\"model_a\": \"a\", \"model_b\": \"b\", \"judge\": \"g\", "
	    "\"games\": [{\"score\": \"A>B\"}]}"), 0);
	assert_int_equal(add(v, 2, "{\"question_id\": 81, \"model\": \"b\", "
	    "\"model_a\": \"c\", \"model_b\": \"b\", \"judge\": \"g\", "
	    "\"games\": [{\"score\": \"B>A\"}]}"), 0);
	assert_int_equal(add(v, 3, "{\"question_id\": 81, \"model\": \"b\", "
	    "\"judge\": [\"g\", \"single-v1\"], \"score\": 7}"), 0);
	verdicts_finish(v);
	assert_int_equal(v->nrecs, 2);
	assert_int_equal(v->replaced, 0);
	a = verdicts_model_id(v, "a");
	b = verdicts_model_id(v, "b");
	c = verdicts_model_id(v, "c");
	assert_string_equal(v->questions[0], "81");
	assert_int_equal(verdicts_find(v, 0, (uint32_t)b, (uint32_t)a,
	    0)->label[0], VERDICTS_A);
	assert_int_equal(verdicts_find(v, 0, (uint32_t)b, (uint32_t)c,
	    0)->label[0], VERDICTS_B);
	assert_null(verdicts_find(v, 0, (uint32_t)b, VERDICTS_BASELINE, 0));
	verdicts_free(v);
}

static void
test_verdicts_model_view(void **state)
{
	/* Game 1: A is the opponent; game 2: A is the model. */
	assert_int_equal(verdicts_model_view(VERDICTS_A_MUCH, 0), -2);
	assert_int_equal(verdicts_model_view(VERDICTS_B, 0), 1);
	assert_int_equal(verdicts_model_view(VERDICTS_TIE, 1), 0);
	assert_int_equal(verdicts_model_view(VERDICTS_A_MUCH, 1), 2);
	assert_int_equal(verdicts_model_view(VERDICTS_B_MUCH, 1), -2);
	assert_string_equal(verdicts_label_name(VERDICTS_B_MUCH), "B>>A");
	assert_null(verdicts_label_name(VERDICTS_NONE));
	verdicts_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts_shapes),
		cmocka_unit_test(test_verdicts_last_wins),
		cmocka_unit_test(test_verdicts_all_pairs),
		cmocka_unit_test(test_verdicts_model_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
