/* pairwise_test.c: the prompts and pair sampling of pairwise judging. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pairwise.h"

static json_t *
parse(const char *s)
{
	json_t *v = json_loads(s, JSON_ALLOW_NUL, NULL);

	assert_non_null(v);
	return v;
}

static void
make_answer(struct qaset_answer *a, const char *model, const char *t1,
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
test_pairwise_prompt_games_and_turns(void **state)
{
	struct judge_config jc;
	struct qaset_question q;
	struct qaset_answer base, ans, r1, r2;
	const struct qaset_answer *const refs[2] = { &r1, &r2 };
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
	assert_int_equal(qaset_question_parse(v, &q, "f", 1, &d), 0);
	json_decref(v);
	make_answer(&base, "b", "B1", "B2");
	make_answer(&ans, "m", "M1", "M2");
	make_answer(&r1, "r1", "R1a", "R1b");
	make_answer(&r2, "r2", "R2a", "R2b");
	buf_init(&out);

	/* Game 1: A is the baseline; ref_answer_2 = r2 turn 0 (i+j+1). */
	assert_int_equal(pairwise_prompt(&jc, &q, &base, &ans, refs, 2, &out,
	    &d), 0);
	assert_string_equal(out.p, "Q1|Q2|B1|B2|M1|M2|R1a|R2a|R2b");
	/* Game 2: the swap. */
	buf_reset(&out);
	assert_int_equal(pairwise_prompt(&jc, &q, &ans, &base, refs, 2, &out,
	    &d), 0);
	assert_string_equal(out.p, "Q1|Q2|M1|M2|B1|B2|R1a|R2a|R2b");
	/* Without references their fields have no value. */
	buf_reset(&out);
	diag_clear(&d);
	assert_int_equal(pairwise_prompt(&jc, &q, &base, &ans, NULL, 0, &out,
	    &d), -1);
	assert_int_equal(d.code, EX_CONFIG);
	assert_string_equal(d.file, "j.yaml");
	assert_non_null(strstr(d.msg, "'{ref_answer_1}'"));

	buf_release(&out);
	qaset_question_release(&q);
	qaset_answer_release(&base);
	qaset_answer_release(&ans);
	qaset_answer_release(&r1);
	qaset_answer_release(&r2);
}

/*
 * Pairs per question: distinct within a question, every pair as often as
 * any other (give or take one) over consecutive questions, the same draw
 * for the same seed, another for another seed.
 */
static void
test_pairwise_sample_balanced(void **state)
{
	size_t count[45] = { 0 }, out[45], first[4], t, i, n, lo, hi;

	for (t = 0; t < 100; t++) {
		n = pairwise_sample(45, 4, 7, t, out);
		assert_int_equal(n, 4);
		for (i = 0; i < n; i++) {
			assert_true(out[i] < 45);
			if (i > 0)
				assert_true(out[i - 1] < out[i]);
			count[out[i]]++;
		}
		if (t == 0)
			memcpy(first, out, sizeof(first));
	}
	lo = hi = count[0];
	for (i = 1; i < 45; i++) {
		lo = count[i] < lo ? count[i] : lo;
		hi = count[i] > hi ? count[i] : hi;
	}
	assert_true(hi - lo <= 1);
	pairwise_sample(45, 4, 7, 0, out);
	assert_memory_equal(out, first, sizeof(first));
	pairwise_sample(45, 4, 8, 0, out);
	assert_memory_not_equal(out, first, sizeof(first));
	/* k at least the number of pairs: all of them. */
	assert_int_equal(pairwise_sample(6, 10, 7, 3, out), 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(out[i], i);
}

static void
check_v2(const struct judge_config *jc, const char *text, const char *want)
{
	json_t *s = pairwise_v2_score(jc, text, strlen(text));

	if (want == NULL)
		assert_null(s);
	else {
		assert_non_null(s);
		assert_string_equal(json_string_value(s), want);
	}
	json_decref(s);
}

/* arena-hard-auto HEAD's get_score. */
static void
test_pairwise_v2_score(void **state)
{
	static const char y[] = "judge_model: j\ntemperature: 0\n"
	    "max_tokens: 9\nregex_patterns:\n  - \\[\\[([AB<>=]+)\\]\\]\n"
	    "  - \\[([AB<>=]+)\\]\nprompt_template: '{QUESTION}'\n"
	    "judge_settings: {c: {baseline: b, system_prompt: s}}\n";
	struct judge_config jc;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(judgeconfig_load_mem("v2.yaml", y, strlen(y), &jc,
	    &d), 0);
	check_v2(&jc, "My verdict: [[A>B]]", "A>B");
	/* The last match counts, not a conflict. */
	check_v2(&jc, "[[A>B]] no, [[B>>A]]", "B>>A");
	/* Upper-cased first: a lower-case label counts. */
	check_v2(&jc, "final verdict: [[a=b]]", "A=B");
	/* The first pattern that matches wins over a later one's match. */
	check_v2(&jc, "[B>A] then [[A>B]]", "A>B");
	check_v2(&jc, "only [B>A] here", "B>A");
	check_v2(&jc, "no verdict", NULL);
	judgeconfig_release(&jc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairwise_prompt_games_and_turns),
		cmocka_unit_test(test_pairwise_sample_balanced),
		cmocka_unit_test(test_pairwise_v2_score),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
