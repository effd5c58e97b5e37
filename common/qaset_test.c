/* qaset_test.c: the question and answer shapes a judge reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qaset.h"

static json_t *
parse(const char *s)
{
	json_t *v = json_loads(s, JSON_ALLOW_NUL, NULL);

	assert_non_null(v);
	return v;
}

static void
test_qaset_question_parse_shapes(void **state)
{
	struct qaset_question q;
	struct diag d;
	json_t *v;

	v = parse("{\"question_id\": \"q1\", \"category\": \"c\", \"turns\": "
	    "[{\"content\": \"one\"}, {\"content\": \"t\\u0000wo\"}]}");
	assert_int_equal(qaset_question_parse(v, &q, "f", 3, &d), 0);
	assert_string_equal(q.id, "q1");
	assert_int_equal(q.n_turns, 2);
	assert_int_equal(q.turns[1].len, 4);
	assert_memory_equal(q.turns[1].p, "t\0wo", 4);
	qaset_question_release(&q);
	json_decref(v);

	v = parse("{\"uid\": \"u\", \"category\": \"hard_prompt\", "
	    "\"prompt\": \"p\"}");
	assert_int_equal(qaset_question_parse(v, &q, "f", 3, &d), 0);
	assert_string_equal(q.id, "u");
	assert_int_equal(q.n_turns, 1);
	assert_string_equal(q.turns[0].p, "p");
	qaset_question_release(&q);
	json_decref(v);
}

static void
test_qaset_answer_parse_shapes(void **state)
{
	struct qaset_answer a;
	struct diag d;
	json_t *v;

	/* The older v0.1 shape: token_len inside the turn. */
	v = parse("{\"question_id\": \"q\", \"answer_id\": \"x\", "
	    "\"model_id\": \"m\", \"choices\": [{\"index\": 0, \"turns\": "
	    "[{\"content\": \"A\", \"token_len\": 1}]}], \"tstamp\": 1.0}");
	assert_int_equal(qaset_answer_parse(v, &a, NULL, "f", 1, &d), 0);
	assert_string_equal(a.question_id, "q");
	assert_string_equal(a.model, "m");
	assert_int_equal(a.n_turns, 1);
	assert_string_equal(a.turns[0].p, "A");
	qaset_answer_release(&a);
	json_decref(v);

	/* v2: the last assistant message; content may be {"answer"}. */
	v = parse("{\"uid\": \"q\", \"ans_id\": \"x\", \"model\": \"m2\", "
	    "\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}, "
	    "{\"role\": \"assistant\", \"content\": \"old\"}, {\"role\": "
	    "\"assistant\", \"content\": {\"answer\": \"new\"}}]}");
	assert_int_equal(qaset_answer_parse(v, &a, NULL, "f", 1, &d), 0);
	assert_string_equal(a.question_id, "q");
	assert_string_equal(a.model, "m2");
	assert_string_equal(a.turns[0].p, "new");
	qaset_answer_release(&a);
	json_decref(v);
}

static void
test_qaset_answer_parse_errors(void **state)
{
	static const struct {
		const char *json;
		const char *msg;
	} t[] = {
		{ "{\"model_id\": \"m\", \"choices\": []}",
		    "missing field 'question_id'" },
		{ "{\"question_id\": 5.5, \"model_id\": \"m\", "
		    "\"choices\": []}",
		    "field 'question_id' is not a string or an integer" },
		{ "{\"question_id\": \"q\", \"choices\": []}",
		    "missing field 'model_id'" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"choices\": "
		    "[]}", "'choices[0]' has no array 'turns'" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"choices\": "
		    "[{\"turns\": [{\"content\": null}]}]}",
		    "choices[0].turns[0] has no string 'content'" },
		{ "{\"uid\": \"q\", \"model\": \"m\", \"messages\": "
		    "[{\"role\": \"user\", \"content\": \"x\"}]}",
		    "'messages' has no assistant message" },
	};
	struct qaset_answer a;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *v = parse(t[i].json);

		diag_clear(&d);
		assert_int_equal(qaset_answer_parse(v, &a, NULL, "a.jsonl", 9,
		    &d), -1);
		assert_int_equal(d.code, EX_DATAERR);
		assert_string_equal(d.file, "a.jsonl");
		assert_int_equal(d.line, 9);
		assert_string_equal(d.msg, t[i].msg);
		json_decref(v);
	}
}


/* FastChat: integer ids, turns as plain strings, the file names the model. */
static void
test_qaset_fastchat_shapes(void **state)
{
	struct qaset_question q;
	struct qaset_answer a;
	struct diag d;
	json_t *v, *id;
	char *m;

	v = parse("{\"question_id\": 81, \"category\": \"writing\", "
	    "\"turns\": [\"Compose\", \"Rewrite\"]}");
	assert_int_equal(qaset_question_parse(v, &q, "f", 1, &d), 0);
	assert_string_equal(q.id, "81");
	assert_true(q.id_int);
	assert_string_equal(q.category, "writing");
	assert_int_equal(q.n_turns, 2);
	assert_string_equal(q.turns[1].p, "Rewrite");
	id = qaset_id_json(q.id, q.id_len, q.id_int);
	assert_true(json_is_integer(id) && json_integer_value(id) == 81);
	json_decref(id);
	qaset_question_release(&q);
	json_decref(v);

	v = parse("{\"question_id\": 101, \"choices\": [{\"index\": 0, "
	    "\"turns\": [\"one\", \"two\"]}]}");
	assert_int_equal(qaset_answer_parse(v, &a, "gpt-4", "f", 1, &d), 0);
	assert_string_equal(a.model, "gpt-4");
	assert_string_equal(a.question_id, "101");
	assert_int_equal(a.n_turns, 2);
	assert_string_equal(a.turns[1].p, "two");
	qaset_answer_release(&a);
	diag_clear(&d);
	assert_int_equal(qaset_answer_parse(v, &a, NULL, "f", 1, &d), -1);
	assert_string_equal(d.msg, "missing field 'model_id'");
	json_decref(v);

	m = qaset_file_model("data/mt_bench/model_answer/vicuna-13b.jsonl");
	assert_string_equal(m, "vicuna-13b");
	free(m);
	m = qaset_file_model("reference_answer/gpt-4.jsonl.zst");
	assert_string_equal(m, "gpt-4");
	free(m);
	assert_null(qaset_file_model("answers/gpt-4.jsonl"));
	assert_null(qaset_file_model("model_answer/notes.txt"));
	assert_null(qaset_file_model("gpt-4.jsonl"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qaset_question_parse_shapes),
		cmocka_unit_test(test_qaset_answer_parse_shapes),
		cmocka_unit_test(test_qaset_answer_parse_errors),
		cmocka_unit_test(test_qaset_fastchat_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
