/* judge_test.c: record shapes and game prompts of gen-judgment (SPEC 8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "judge.h"

static json_t *
parse(const char *s)
{
	json_t *v = json_loads(s, JSON_ALLOW_NUL, NULL);

	assert_non_null(v);
	return v;
}

static void
test_judge_question_parse_shapes(void **state)
{
	struct judge_question q;
	struct diag d;
	json_t *v;

	v = parse("{\"question_id\": \"q1\", \"category\": \"c\", \"turns\": "
	    "[{\"content\": \"one\"}, {\"content\": \"t\\u0000wo\"}]}");
	assert_int_equal(judge_question_parse(v, &q, "f", 3, &d), 0);
	assert_string_equal(q.id, "q1");
	assert_int_equal(q.n_turns, 2);
	assert_int_equal(q.turns[1].len, 4);
	assert_memory_equal(q.turns[1].p, "t\0wo", 4);
	judge_question_release(&q);
	json_decref(v);

	v = parse("{\"uid\": \"u\", \"category\": \"hard_prompt\", "
	    "\"prompt\": \"p\"}");
	assert_int_equal(judge_question_parse(v, &q, "f", 3, &d), 0);
	assert_string_equal(q.id, "u");
	assert_int_equal(q.n_turns, 1);
	assert_string_equal(q.turns[0].p, "p");
	judge_question_release(&q);
	json_decref(v);
}

static void
test_judge_answer_parse_shapes(void **state)
{
	struct judge_answer a;
	struct diag d;
	json_t *v;

	/* The older v0.1 shape: token_len inside the turn. */
	v = parse("{\"question_id\": \"q\", \"answer_id\": \"x\", \"model_id\": "
	    "\"m\", \"choices\": [{\"index\": 0, \"turns\": [{\"content\": "
	    "\"A\", \"token_len\": 1}]}], \"tstamp\": 1.0}");
	assert_int_equal(judge_answer_parse(v, &a, "f", 1, &d), 0);
	assert_string_equal(a.question_id, "q");
	assert_string_equal(a.model, "m");
	assert_int_equal(a.n_turns, 1);
	assert_string_equal(a.turns[0].p, "A");
	judge_answer_release(&a);
	json_decref(v);

	/* v2: the last assistant message; content may be {"answer"}. */
	v = parse("{\"uid\": \"q\", \"ans_id\": \"x\", \"model\": \"m2\", "
	    "\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}, "
	    "{\"role\": \"assistant\", \"content\": \"old\"}, {\"role\": "
	    "\"assistant\", \"content\": {\"answer\": \"new\"}}]}");
	assert_int_equal(judge_answer_parse(v, &a, "f", 1, &d), 0);
	assert_string_equal(a.question_id, "q");
	assert_string_equal(a.model, "m2");
	assert_string_equal(a.turns[0].p, "new");
	judge_answer_release(&a);
	json_decref(v);
}

static void
test_judge_answer_parse_errors(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} t[] = {
		{ "{\"model_id\": \"m\", \"choices\": []}",
		    "missing field 'question_id'" },
		{ "{\"question_id\": 5, \"model_id\": \"m\", \"choices\": []}",
		    "field 'question_id' is not a string" },
		{ "{\"question_id\": \"q\", \"choices\": []}",
		    "missing field 'model_id'" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"choices\": "
		    "[]}", "'choices[0]' has no array 'turns'" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"choices\": "
		    "[{\"turns\": [{\"content\": null}]}]}",
		    "choices[0].turns[0] has no string 'content'" },
		{ "{\"uid\": \"q\", \"model\": \"m\", \"messages\": [{\"role\": "
		    "\"user\", \"content\": \"x\"}]}",
		    "'messages' has no assistant message" },
	};
	struct judge_answer a;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *v = parse(t[i].json);

		diag_clear(&d);
		assert_int_equal(judge_answer_parse(v, &a, "a.jsonl", 9, &d),
		    -1);
		assert_int_equal(d.code, EX_DATAERR);
		assert_string_equal(d.file, "a.jsonl");
		assert_int_equal(d.line, 9);
		assert_string_equal(d.msg, t[i].msg);
		json_decref(v);
	}
}

static void
make_answer(struct judge_answer *a, const char *model, const char *t1,
    const char *t2)
{
	memset(a, 0, sizeof(*a));
	a->model = xstrdup(model);
	a->question_id = xstrdup("q");
	a->question_id_len = 1;
	a->n_turns = t2 != NULL ? 2 : 1;
	a->turns = xcalloc(2, sizeof(*a->turns));
	a->turns[0].p = xstrdup(t1);
	a->turns[0].len = strlen(t1);
	if (t2 != NULL) {
		a->turns[1].p = xstrdup(t2);
		a->turns[1].len = strlen(t2);
	}
}

static void
test_judge_prompt_games_and_turns(void **state)
{
	struct judge_config jc;
	struct judge_question q;
	struct judge_answer base, ans, r1, r2;
	const struct judge_answer *refs[2] = { &r1, &r2 };
	struct buf out;
	struct diag d;
	json_t *v;

	memset(&jc, 0, sizeof(jc));
	jc.path = (char *)"j.yaml";
	jc.prompt_template = (char *)"{question_1}|{question_2}|{answer_1}|"
	    "{answer_2}|{answer_3}|{answer_4}|{ref_answer_1}|{ref_answer_2}|"
	    "{ref_answer_3}";
	jc.prompt_template_len = strlen(jc.prompt_template);
	v = parse("{\"question_id\": \"q\", \"turns\": [{\"content\": \"Q1\"}, "
	    "{\"content\": \"Q2\"}]}");
	assert_int_equal(judge_question_parse(v, &q, "f", 1, &d), 0);
	json_decref(v);
	make_answer(&base, "b", "B1", "B2");
	make_answer(&ans, "m", "M1", "M2");
	make_answer(&r1, "r1", "R1a", "R1b");
	make_answer(&r2, "r2", "R2a", "R2b");
	buf_init(&out);

	/* Game 1: A is the baseline; ref_answer_2 = r2 turn 0 (i+j+1). */
	assert_int_equal(judge_prompt(&jc, &q, &base, &ans, 0, refs, 2, &out,
	    &d), 0);
	assert_string_equal(out.p, "Q1|Q2|B1|B2|M1|M2|R1a|R2a|R2b");
	/* Game 2: the swap. */
	buf_reset(&out);
	assert_int_equal(judge_prompt(&jc, &q, &base, &ans, 1, refs, 2, &out,
	    &d), 0);
	assert_string_equal(out.p, "Q1|Q2|M1|M2|B1|B2|R1a|R2a|R2b");
	/* Without references their fields have no value. */
	buf_reset(&out);
	diag_clear(&d);
	assert_int_equal(judge_prompt(&jc, &q, &base, &ans, 0, NULL, 0, &out,
	    &d), -1);
	assert_int_equal(d.code, EX_CONFIG);
	assert_string_equal(d.file, "j.yaml");
	assert_non_null(strstr(d.msg, "'{ref_answer_1}'"));

	buf_release(&out);
	judge_question_release(&q);
	judge_answer_release(&base);
	judge_answer_release(&ans);
	judge_answer_release(&r1);
	judge_answer_release(&r2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_question_parse_shapes),
		cmocka_unit_test(test_judge_answer_parse_shapes),
		cmocka_unit_test(test_judge_answer_parse_errors),
		cmocka_unit_test(test_judge_prompt_games_and_turns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
