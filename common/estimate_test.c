/* estimate_test.c: adding up the calls of an estimate and their cost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "estimate.h"

#define RANKS	"data/tokenizer/" TOK_FILE_NAME

static const struct price mini = { 1, 0.15, 0.075, 0.60 };

static void
test_estimate_hits_give_the_expected_length(void **state)
{
	struct estimate_line e;
	long long p, c;
	double x, y;

	estimate_init(&e, "m", &mini, ESTIMATE_ANSWER);
	estimate_hit(&e, 100);
	estimate_hit(&e, 301);
	estimate_hit(&e, -1);		/* no usage: not in the mean */
	estimate_miss(&e, 1000, 4096, 0);
	estimate_miss(&e, 2000, 150, 0);	/* capped at its max_tokens */
	assert_int_equal(e.calls, 5);
	assert_int_equal(e.cached, 3);
	assert_int_equal(e.calls_bound, 5);
	assert_int_equal(estimate_reply_tokens(&e), 201);
	estimate_totals(&e, &p, &c, &x, &y);
	assert_int_equal(p, 3000);
	assert_int_equal(c, 201 + 150);
	assert_true(x > (3000 * 0.15 + 351 * 0.60) / 1e6 - 1e-12 &&
	    x < (3000 * 0.15 + 351 * 0.60) / 1e6 + 1e-12);
	assert_true(y > (3000 * 0.15 + 4246 * 0.60) / 1e6 - 1e-12 &&
	    y < (3000 * 0.15 + 4246 * 0.60) / 1e6 + 1e-12);
}

static void
test_estimate_heuristics_and_unknown_replies(void **state)
{
	struct estimate_line e;
	long long p, c;
	double x, y;

	estimate_init(&e, "judge", NULL, ESTIMATE_JUDGMENT);
	assert_int_equal(estimate_reply_tokens(&e), ESTIMATE_JUDGMENT_TOKENS);
	/* Turn 2 repeats turn 1's reply, not known yet. */
	estimate_miss(&e, 500, 1000, 1);
	estimate_maybe(&e, 600, 1000);
	estimate_totals(&e, &p, &c, &x, &y);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.calls_bound, 2);
	assert_int_equal(p, 500 + ESTIMATE_JUDGMENT_TOKENS);
	assert_int_equal(c, ESTIMATE_JUDGMENT_TOKENS);
	assert_int_equal(e.prompt_tokens_bound, 500 + 1000 + 600 + 1000);
	assert_int_equal(e.completion_bound, 2000);
	/* No price: the costs are unknown, not 0. */
	assert_true(x < 0 && y < 0);
	estimate_init(&e, "a", NULL, ESTIMATE_ANSWER);
	assert_int_equal(estimate_reply_tokens(&e), ESTIMATE_ANSWER_TOKENS);
}

static void
test_estimate_json_lines(void **state)
{
	struct estimate_line l[2];
	struct buf b;

	estimate_init(&l[0], "m\"1", &mini, ESTIMATE_ANSWER);
	estimate_hit(&l[0], 10);
	estimate_miss(&l[0], 1000000, 20, 0);
	estimate_init(&l[1], "j", NULL, ESTIMATE_JUDGMENT);
	estimate_miss(&l[1], 10, 100, 0);
	buf_init(&b);
	estimate_json(&b, &l[0]);
	estimate_json(&b, &l[1]);
	estimate_json_total(&b, l, 2);
	assert_string_equal(b.p,
	    "{\"model\": \"m\\\"1\", \"calls\": 2, \"cached\": 1, "
	    "\"calls_bound\": 2, \"prompt_tokens\": 1000000, "
	    "\"completion_tokens\": 10, \"completion_tokens_bound\": 20, "
	    "\"cost_usd\": 0.150006, \"cost_usd_bound\": 0.150012, "
	    "\"completion_per_call\": 10, \"completion_from\": \"cache\"}\n"
	    "{\"model\": \"j\", \"calls\": 1, \"cached\": 0, "
	    "\"calls_bound\": 1, \"prompt_tokens\": 10, "
	    "\"completion_tokens\": 100, \"completion_tokens_bound\": 100, "
	    "\"cost_usd\": null, \"cost_usd_bound\": null, "
	    "\"completion_per_call\": 700, \"completion_from\": "
	    "\"heuristic\"}\n"
	    "{\"total\": true, \"calls\": 3, \"cached\": 1, "
	    "\"calls_bound\": 3, \"prompt_tokens\": 1000010, "
	    "\"completion_tokens\": 110, \"completion_tokens_bound\": 120, "
	    "\"cost_usd\": null, \"cost_usd_bound\": null}\n");
	buf_release(&b);
}

static void
test_estimate_prompt_tokens_chat_framing(void **state)
{
	struct request_message m[2] = {
		{ "system", "You are a judge.", 16 },
		{ "user", "hello world", 11 },
	};
	struct tok_encoder *t;
	struct diag d;

	t = tok_load(RANKS, &d);
	if (t == NULL)
		skip();
	/* 3 + (3 + 1 + 5) + (3 + 1 + 2): OpenAI's count for cl100k. */
	assert_int_equal(estimate_prompt_tokens(t, m, 2), 18);
	tok_free(t);
}

static void
test_estimate_standins(void **state)
{
	static const char recs[] =
	    "{\"question_id\": \"a\", \"model_id\": \"m\", \"tstamp\": 1.5}\n"
	    "{\"question_id\": \"b\", \"model_id\": \"m\", "
	    "\"estimate_unknown_turns\": 2}\n";
	struct estimate_line e;
	struct buf b;

	estimate_init(&e, "m", NULL, ESTIMATE_ANSWER);
	estimate_hit(&e, 300);
	buf_init(&b);
	assert_int_equal(estimate_standins(&e, 250, recs, sizeof(recs) - 1,
	    0, &b), 0);
	/* Known records unchanged; a stand-in's replies at most max_tokens. */
	assert_string_equal(b.p,
	    "{\"question_id\": \"a\", \"model_id\": \"m\", \"tstamp\": 1.5}\n"
	    "{\"question_id\": \"b\", \"model_id\": \"m\", "
	    "\"estimate_tokens\": 500, \"estimate_tokens_bound\": 500}\n");
	buf_reset(&b);
	assert_int_equal(estimate_standins(&e, 250, "not json\n", 9, 0, &b),
	    -1);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_estimate_hits_give_the_expected_length),
		cmocka_unit_test(test_estimate_heuristics_and_unknown_replies),
		cmocka_unit_test(test_estimate_json_lines),
		cmocka_unit_test(test_estimate_prompt_tokens_chat_framing),
		cmocka_unit_test(test_estimate_standins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
