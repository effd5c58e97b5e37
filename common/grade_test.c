/* grade_test.c: FastChat's single grading: the four prompts, the ratings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grade.h"
#include "jsonw.h"

/*
 * The expected user prompts below are written out from
 * fastchat/llm_judge/common.py's run_judge_single: turn 1 formats the
 * prompt's template with question = turns[0] of the question and answer =
 * turns[0] of the answer, turn 2 with question_1, question_2, answer_1 and
 * answer_2; a math prompt also gets ref_answer_1 (and ref_answer_2 on turn
 * 2) from the reference answer.  Python's str.format leaves braces inside
 * the arguments alone.
 */
#define INSTR_GENERAL "[Instruction]\nPlease act as an impartial judge and " \
	"evaluate the quality of the response provided by an AI assistant to " \
	"the user question displayed below. Your evaluation should consider " \
	"factors such as the helpfulness, relevance, accuracy, depth, " \
	"creativity, and level of detail of the response. Begin your " \
	"evaluation by providing a short explanation. Be as objective as " \
	"possible. After providing your explanation, you must rate the " \
	"response on a scale of 1 to 10 by strictly following this format: " \
	"\"[[rating]]\", for example: \"Rating: [[5]]\".\n\n"
#define INSTR_MATH "[Instruction]\nPlease act as an impartial judge and " \
	"evaluate the quality of the response provided by an AI assistant to " \
	"the user question displayed below. Your evaluation should consider " \
	"correctness and helpfulness. You will be given a reference answer " \
	"and the assistant's answer. Begin your evaluation by comparing the " \
	"assistant's answer with the reference answer. Identify and correct " \
	"any mistakes. Be as objective as possible. After providing your " \
	"explanation, you must rate the response on a scale of 1 to 10 by " \
	"strictly following this format: \"[[rating]]\", for example: " \
	"\"Rating: [[5]]\".\n\n"

static const char want_general[] = INSTR_GENERAL
    "[Question]\nWhat is {x}?\n\n"
    "[The Start of Assistant's Answer]\nIt is {{y}}.\n"
    "[The End of Assistant's Answer]";

static const char want_math[] = INSTR_MATH
    "[Question]\nWhat is {x}?\n\n"
    "[The Start of Reference Answer]\nRef one.\n"
    "[The End of Reference Answer]\n\n"
    "[The Start of Assistant's Answer]\nIt is {{y}}.\n"
    "[The End of Assistant's Answer]";

static const char want_general_mt[] =
    "<|The Start of Assistant A's Conversation with User|>\n\n"
    "### User:\nWhat is {x}?\n\n"
    "### Assistant A:\nIt is {{y}}.\n\n"
    "### User:\nAnd twice that?\n\n"
    "### Assistant A:\nTwice.\n\n"
    "<|The End of Assistant A's Conversation with User|>";

static const char want_math_mt[] =
    "<|The Start of Reference Answer|>\n\n"
    "### User:\nWhat is {x}?\n\n"
    "### Reference answer:\nRef one.\n\n"
    "### User:\nAnd twice that?\n\n"
    "### Reference answer:\nRef two.\n\n"
    "<|The End of Reference Answer|>\n\n\n"
    "<|The Start of Assistant A's Conversation with User|>\n\n"
    "### User:\nWhat is {x}?\n\n"
    "### Assistant A:\nIt is {{y}}.\n\n"
    "### User:\nAnd twice that?\n\n"
    "### Assistant A:\nTwice.\n\n"
    "<|The End of Assistant A's Conversation with User|>";

static json_t *
parse(const char *s)
{
	json_t *v = json_loads(s, 0, NULL);

	assert_non_null(v);
	return v;
}

static void
test_grade_prompt_four_pins(void **state)
{
	struct grade_prompts gp;
	struct qaset_question q;
	struct qaset_answer a, ref;
	enum grade_kind kind;
	struct buf out;
	struct diag d;
	json_t *v;

	diag_clear(&d);
	assert_int_equal(grade_prompts_load("data/mt-bench/judge_prompts.jsonl",
	    &gp, &d), 0);
	assert_string_equal(gp.p[GRADE_GENERAL].system,
	    "You are a helpful assistant.");
	v = parse("{\"question_id\": 111, \"category\": \"math\", \"turns\": "
	    "[\"What is {x}?\", \"And twice that?\"]}");
	assert_int_equal(qaset_question_parse(v, &q, "q", 1, &d), 0);
	json_decref(v);
	v = parse("{\"question_id\": 111, \"model_id\": \"m\", \"choices\": "
	    "[{\"index\": 0, \"turns\": [\"It is {{y}}.\", \"Twice.\"]}]}");
	assert_int_equal(qaset_answer_parse(v, &a, NULL, "a", 1, &d), 0);
	json_decref(v);
	v = parse("{\"question_id\": 111, \"model_id\": \"gpt-4\", "
	    "\"choices\": [{\"index\": 0, \"turns\": [\"Ref one.\", "
	    "\"Ref two.\"]}]}");
	assert_int_equal(qaset_answer_parse(v, &ref, NULL, "r", 1, &d), 0);
	json_decref(v);
	buf_init(&out);

	assert_int_equal(grade_prompt(&gp, &q, &a, NULL, 1, &kind, &out, &d),
	    0);
	assert_int_equal(kind, GRADE_GENERAL);
	assert_int_equal(out.len, strlen(want_general));
	assert_string_equal(out.p, want_general);

	buf_reset(&out);
	assert_int_equal(grade_prompt(&gp, &q, &a, &ref, 1, &kind, &out, &d),
	    0);
	assert_int_equal(kind, GRADE_MATH);
	assert_string_equal(out.p, want_math);

	buf_reset(&out);
	assert_int_equal(grade_prompt(&gp, &q, &a, NULL, 2, &kind, &out, &d),
	    0);
	assert_int_equal(kind, GRADE_GENERAL_MT);
	assert_string_equal(out.p, want_general_mt);

	buf_reset(&out);
	assert_int_equal(grade_prompt(&gp, &q, &a, &ref, 2, &kind, &out, &d),
	    0);
	assert_int_equal(kind, GRADE_MATH_MT);
	assert_string_equal(out.p, want_math_mt);
	assert_string_equal(gp.p[kind].name, "single-math-v1-multi-turn");
	assert_non_null(strstr(gp.p[kind].system, "second question"));

	buf_release(&out);
	qaset_question_release(&q);
	qaset_answer_release(&a);
	qaset_answer_release(&ref);
	grade_prompts_release(&gp);
}

static void
test_grade_needs_reference(void **state)
{
	assert_true(grade_needs_reference("math"));
	assert_true(grade_needs_reference("reasoning"));
	assert_true(grade_needs_reference("coding"));
	assert_true(grade_needs_reference("arena-hard-200"));
	assert_false(grade_needs_reference("writing"));
	assert_false(grade_needs_reference("stem"));
	assert_false(grade_needs_reference(NULL));
}

/* The rating as JSON text ("-" for none). */
static void
check_rating(const char *text, const char *want)
{
	json_t *r = grade_rating(text, strlen(text));
	struct buf b;

	buf_init(&b);
	if (r == NULL)
		buf_adds(&b, "-");
	else
		jsonw_dump(&b, r, 0);
	if (strcmp(b.p, want) != 0)
		fail_msg("'%s': got %s, want %s", text, b.p, want);
	buf_release(&b);
	json_decref(r);
}

static void
test_grade_rating_table(void **state)
{
	check_rating("Rating: [[8]]", "8");
	check_rating("Rating: [[8.5]]", "8.5");
	check_rating("[[10]] and then [[3]]", "10");	/* the first */
	check_rating("Rating: [7] ... [[9]]", "9");	/* [[x]] first */
	check_rating("Rating: [7]", "7");		/* the backup */
	check_rating("[[8.]]", "8.0");
	check_rating("[[8.50]]", "8.5");
	check_rating("[[00]]", "0");
	check_rating("[[07]]", "-");			/* Python refuses */
	check_rating("[[07.5]]", "7.5");
	check_rating("[[ 8 ]]", "-");
	check_rating("[[8/10]]", "-");
	check_rating("[[.5]]", "-");
	check_rating("Rating: [[", "-");
	check_rating("[[[8]]]", "8");
	check_rating("no rating at all", "-");
	check_rating("[[99999999999999999999]]", "-");
	check_rating("[8.5.] [6]", "6");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grade_prompt_four_pins),
		cmocka_unit_test(test_grade_needs_reference),
		cmocka_unit_test(test_grade_rating_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
