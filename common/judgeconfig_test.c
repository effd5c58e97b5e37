/* judgeconfig_test.c: judge configs, and the shipped ones' prompt hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "hash.h"
#include "judgeconfig.h"
#include "jsonl.h"

/* The SHA-256 of the shipped prompts (prompts/README.md). */
#define SHA_EN	"03f68010febd7a6405102ef882b4dd5a9700c56b2e1ff286d3b38f5d3a929bbf"
#define SHA_KO	"bb16c37061516e3d7940757ab0298c322c9f30a69be2c7c60f8a3c11835c3921"
/* arena-hard-auto HEAD's creative_writing prompt (utils/judge_utils.py). */
#define SHA_CREATIVE \
	"171489efbca7f19fb520e1b3c23783c76af7c723e770fe897a55f391684aa358"
#define SHA_TEMPLATE \
	"b0260904bc964e0d07d20581309c53fce4879159080fee42d8c91f8a80c48df4"

static void
sha_hex(const char *s, size_t n, char hex[2 * HASH_LEN + 1])
{
	unsigned char h[HASH_LEN];

	hash_sha256(s, n, h);
	hash_hex(h, HASH_LEN, hex);
}

static void
assert_sha(const char *s, size_t n, const char *want)
{
	char hex[2 * HASH_LEN + 1];

	sha_hex(s, n, hex);
	assert_string_equal(hex, want);
}

/* The plain-text copy in prompts/ must equal the config's string. */
static void
assert_file_is(const char *path, const char *s, size_t n)
{
	char *p;
	size_t len;

	assert_int_equal(jsonl_slurp(path, &p, &len, NULL), 0);
	assert_int_equal(len, n);
	assert_memory_equal(p, s, n);
	free(p);
}

static void
load_shipped(const char *path, struct judge_config *jc)
{
	struct diag d;

	diag_clear(&d);
	if (judgeconfig_load(path, jc, &d) == -1)
		fail_msg("%s:%ld: %s", d.file, d.line, d.msg);
}

static void
test_judgeconfig_shipped_en(void **state)
{
	struct judge_config jc;

	load_shipped("configs/en.yaml", &jc);
	assert_sha(jc.system_prompt, strlen(jc.system_prompt), SHA_EN);
	assert_sha(jc.prompt_template, jc.prompt_template_len, SHA_TEMPLATE);
	assert_file_is("prompts/judge-system-en.txt", jc.system_prompt,
	    strlen(jc.system_prompt));
	assert_file_is("prompts/judge-template.txt", jc.prompt_template,
	    jc.prompt_template_len);
	assert_string_equal(jc.judge_model, "gpt-4-1106-preview");
	assert_string_equal(jc.baseline_model, "gpt-4-0314");
	assert_string_equal(jc.regex_pattern, VERDICT_DEFAULT_PATTERN);
	assert_true(jc.pairwise);
	assert_true(jc.temperature == 0.0);
	assert_int_equal(jc.max_tokens, 4096);
	assert_int_equal(jc.attempts, 2);
	assert_false(jc.reference);
	assert_string_equal(jc.bench_name, "arena-hard-v0.1");
	judgeconfig_release(&jc);
}

static void
test_judgeconfig_shipped_ko_zh(void **state)
{
	struct judge_config ko, zh;
	char *s, *p;

	load_shipped("configs/ko.yaml", &ko);
	assert_sha(ko.system_prompt, strlen(ko.system_prompt), SHA_KO);
	assert_sha(ko.prompt_template, ko.prompt_template_len, SHA_TEMPLATE);
	assert_file_is("prompts/judge-system-ko.txt", ko.system_prompt,
	    strlen(ko.system_prompt));
	assert_string_equal(ko.judge_model, "gemini-2.0-flash-001");
	assert_string_equal(ko.baseline_model, "claude-3.7-sonnet");
	assert_int_equal(ko.max_tokens, 16384);
	assert_int_equal(ko.n_model_list, 55);

	/* zh: the Korean prompt with the three "Korean" made "Chinese". */
	load_shipped("configs/zh.yaml", &zh);
	s = xstrdup(ko.system_prompt);
	s = xrealloc(s, strlen(s) + 3 * 2 + 1);
	while ((p = strstr(s, "Korean")) != NULL) {
		memmove(p + 7, p + 6, strlen(p + 6) + 1);
		memcpy(p, "Chinese", 7);
	}
	assert_string_equal(zh.system_prompt, s);
	assert_file_is("prompts/judge-system-zh.txt", zh.system_prompt,
	    strlen(zh.system_prompt));
	assert_string_equal(zh.baseline_model, "Qwen__Qwen2.5-72B-Instruct");
	assert_sha(zh.prompt_template, zh.prompt_template_len, SHA_TEMPLATE);
	assert_file_is("prompts/judge-continue.txt", JUDGECONFIG_CONTINUE,
	    strlen(JUDGECONFIG_CONTINUE));
	free(s);
	judgeconfig_release(&ko);
	judgeconfig_release(&zh);
}

/* configs/v2.yaml: upstream's v2.0 config and JUDGE_SETTINGS. */
static void
test_judgeconfig_shipped_v2_mt_bench(void **state)
{
	static const char *const og[] = { "hard_prompt", "coding", "math" };
	const struct judgeconfig_category *c;
	struct judge_config jc;
	size_t i;

	load_shipped("configs/v2.yaml", &jc);
	assert_true(jc.v2);
	assert_int_equal(jc.mode, JUDGECONFIG_PAIRWISE_BASELINE);
	assert_string_equal(jc.judge_model, "gpt-4.1");
	assert_int_equal(jc.max_tokens, 16000);
	assert_int_equal(jc.attempts, 1);
	assert_int_equal(jc.n_categories, 4);
	for (i = 0; i < 3; i++) {
		c = judgeconfig_category(&jc, og[i]);
		assert_string_equal(c->baseline, "o3-mini-2025-01-31");
		assert_sha(c->system_prompt, strlen(c->system_prompt), SHA_EN);
	}
	c = judgeconfig_category(&jc, "creative_writing");
	assert_string_equal(c->baseline, "gemini-2.0-flash-001");
	assert_sha(c->system_prompt, strlen(c->system_prompt), SHA_CREATIVE);
	assert_file_is("prompts/judge-system-creative.txt", c->system_prompt,
	    strlen(c->system_prompt));
	judgeconfig_release(&jc);

	load_shipped("configs/mt-bench.yaml", &jc);
	assert_int_equal(jc.mode, JUDGECONFIG_SINGLE);
	assert_string_equal(jc.judge_prompts,
	    "configs/../data/mt-bench/judge_prompts.jsonl");
	assert_string_equal(jc.ref_model[0], "gpt-4");
	assert_int_equal(jc.max_tokens, 2048);
	judgeconfig_release(&jc);
}

static const char base[] =
    "judge_model: j\n"
    "baseline: true\n"
    "baseline_model: b\n"
    "pairwise: false\n"
    "temperature: 0.5\n"
    "max_tokens: 100\n"
    "system_prompt: sys\n";

/* base with line `replace` (1-based, 0: none) replaced by extra's lines. */
static int
load_with(const char *extra, int replace, struct judge_config *jc,
    struct diag *d)
{
	char y[4096];
	const char *p = base;
	size_t n = 0;
	int line = 1, rc;

	while (*p != '\0') {
		const char *e = strchr(p, '\n') + 1;

		if (line != replace) {
			memcpy(y + n, p, e - p);
			n += e - p;
		}
		p = e;
		line++;
	}
	n += snprintf(y + n, sizeof(y) - n, "%s", extra);
	diag_clear(d);
	rc = judgeconfig_load_mem("j.yaml", y, n, jc, d);
	return rc;
}

static void
test_judgeconfig_minimal_and_defaults(void **state)
{
	struct judge_config jc;
	struct diag d;

	assert_int_equal(load_with("prompt_template: \"{question_1} "
	    "{answer_1} {answer_2}\"\n", 0, &jc, &d), 0);
	assert_false(jc.pairwise);
	assert_true(jc.temperature == 0.5);
	assert_int_equal(jc.attempts, 2);
	assert_string_equal(jc.regex_pattern, VERDICT_DEFAULT_PATTERN);
	assert_non_null(jc.verdict);
	assert_null(jc.model_list);
	judgeconfig_release(&jc);

	assert_int_equal(load_with("prompt_template: ['{answer_1}"
	    "{ref_answer_1}']\nreference: yes\nref_model: [gpt-4]\n"
	    "number_of_judgment_attempts: 3\n"
	    "regex_pattern: '\\[\\[([AB<>=]+)\\]\\]'\n", 0, &jc, &d), 0);
	assert_true(jc.reference);
	assert_int_equal(jc.n_ref_model, 1);
	assert_string_equal(jc.ref_model[0], "gpt-4");
	assert_int_equal(jc.attempts, 3);
	judgeconfig_release(&jc);
}

/* The mode the keys give, and what each mode requires. */
static void
test_judgeconfig_modes(void **state)
{
	struct judge_config jc;
	struct diag d;

	assert_int_equal(load_with("prompt_template: '{answer_1}'\n", 0, &jc,
	    &d), 0);
	assert_int_equal(jc.mode, JUDGECONFIG_PAIRWISE_BASELINE);
	judgeconfig_release(&jc);
	/* baseline false, pairwise true: every pair; no baseline_model. */
	assert_int_equal(load_with("prompt_template: '{answer_1}'\n"
	    "baseline: false\npairwise: true\n", 2, &jc, &d), 0);
	assert_int_equal(jc.mode, JUDGECONFIG_PAIRWISE_ALL);
	assert_null(jc.baseline_model);
	judgeconfig_release(&jc);
	/* baseline false, pairwise false: single grading. */
	assert_int_equal(load_with("judge_prompts: p/judge_prompts.jsonl\n"
	    "baseline: false\n", 2, &jc, &d), 0);
	assert_int_equal(jc.mode, JUDGECONFIG_SINGLE);
	assert_string_equal(jc.judge_prompts, "p/judge_prompts.jsonl");
	assert_null(jc.prompt_template);
	judgeconfig_release(&jc);
	/* The path is relative to the config's folder. */
	{
		static const char y[] = "judge_model: j\nbaseline: false\n"
		    "pairwise: false\ntemperature: 0\nmax_tokens: 9\n"
		    "judge_prompts: ../data/p.jsonl\n";

		assert_int_equal(judgeconfig_load_mem("configs/x.yaml", y,
		    strlen(y), &jc, &d), 0);
	}
	assert_string_equal(jc.judge_prompts, "configs/../data/p.jsonl");
	judgeconfig_release(&jc);
	/* A mode asked for overrides the keys. */
	diag_clear(&d);
	assert_int_equal(judgeconfig_load_mem_mode("j.yaml", base,
	    strlen(base), JUDGECONFIG_SINGLE, &jc, &d), -1);
	assert_non_null(strstr(d.msg, "missing key 'judge_prompts'"));
	assert_string_equal(judgeconfig_mode_name(JUDGECONFIG_PAIRWISE_ALL),
	    "pairwise-all");
}

/* arena-hard-auto HEAD's style: patterns in order, settings per category. */
static void
test_judgeconfig_v2(void **state)
{
	static const char y[] =
	    "judge_model: gpt-4.1\n"
	    "temperature: 0.0\n"
	    "max_tokens: 16000\n"
	    "regex_patterns:\n"
	    "  - \\[\\[([AB<>=]+)\\]\\]\n"
	    "  - \\[([AB<>=]+)\\]\n"
	    "prompt_template: \"{QUESTION} {ANSWER_A} {ANSWER_B}\"\n"
	    "judge_settings:\n"
	    "  hard_prompt: {baseline: o3, system_prompt: og}\n"
	    "  creative_writing: {baseline: gem, system_prompt: cw}\n";
	struct judge_config jc;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(judgeconfig_load_mem("v2.yaml", y, strlen(y), &jc,
	    &d), 0);
	assert_true(jc.v2);
	assert_int_equal(jc.mode, JUDGECONFIG_PAIRWISE_BASELINE);
	assert_true(jc.pairwise);
	assert_int_equal(jc.attempts, 1);
	assert_int_equal(jc.n_patterns, 2);
	assert_string_equal(jc.regex_patterns[1], "\\[([AB<>=]+)\\]");
	assert_int_equal(jc.n_categories, 2);
	assert_string_equal(judgeconfig_category(&jc,
	    "creative_writing")->baseline, "gem");
	assert_string_equal(judgeconfig_category(&jc,
	    "hard_prompt")->system_prompt, "og");
	assert_null(judgeconfig_category(&jc, "math"));
	assert_null(judgeconfig_category(&jc, NULL));
	judgeconfig_release(&jc);

	/* Without judge_settings there is no baseline or system prompt. */
	diag_clear(&d);
	assert_int_equal(judgeconfig_load_mem("v2.yaml", y, strstr(y,
	    "judge_settings") - y, &jc, &d), -1);
	assert_non_null(strstr(d.msg, "missing key 'judge_settings'"));
	/* The v0.1 field names are unknown in this style. */
	diag_clear(&d);
	{
		char *z = xstrdup(y);

		memcpy(strstr(z, "{QUESTION}"), "{question}", 10);
		assert_int_equal(judgeconfig_load_mem("v2.yaml", z, strlen(z),
		    &jc, &d), -1);
		assert_non_null(strstr(d.msg, "unknown field '{question}'"));
		free(z);
	}
}

static void
test_judgeconfig_errors(void **state)
{
	static const struct {
		const char *extra;
		int replace;
		int code;
		long line;
		const char *msg;
	} t[] = {
		{ "prompt_template: '{answer_1}'\n", 1, EX_CONFIG, 0,
		    "missing key 'judge_model'" },
		{ "prompt_template: '{answer_1}'\nbaseline: no\n", 2,
		    EX_CONFIG, 0, "missing key 'judge_prompts'" },
		{ "prompt_template: '{answer_1}'\n", 4, EX_CONFIG, 0,
		    "missing key 'pairwise'" },
		{ "prompt_template: '{answer_1}'\n", 7, EX_CONFIG, 0,
		    "missing key 'system_prompt'" },
		{ "", 0, EX_CONFIG, 0, "missing key 'prompt_template'" },
		{ "prompt_template: ['{answer_1}', '{answer_2}']\n", 0,
		    EX_CONFIG, 8, "exactly one template" },
		{ "prompt_template:\n  - '{answer_3} {model}'\n", 0,
		    EX_CONFIG, 9, "unknown field '{model}'" },
		{ "prompt_template: '{ref_answer_1}'\n", 0, EX_CONFIG, 8,
		    "unknown field '{ref_answer_1}'" },
		{ "prompt_template: '{question_01}'\n", 0, EX_CONFIG, 8,
		    "unknown field '{question_01}'" },
		{ "prompt_template: '{answer_1:>3}'\n", 0, EX_CONFIG, 8,
		    "format spec" },
		{ "prompt_template: '{answer_1}'\ntemperature: 1e3\n", 5,
		    EX_CONFIG, 8, "'temperature' must be a number" },
		{ "prompt_template: '{answer_1}'\nmax_tokens: 10.0\n", 6,
		    EX_CONFIG, 8, "'max_tokens' must be an integer" },
		{ "prompt_template: '{answer_1}'\n"
		    "number_of_judgment_attempts: 0\n", 0, EX_CONFIG, 9,
		    "'number_of_judgment_attempts' must be" },
		{ "prompt_template: '{answer_1}'\nregex_pattern: (A)(B)\n",
		    0, EX_CONFIG, 9, "2 capturing groups" },
		{ "prompt_template: '{answer_1}'\nregex_pattern: '([AB'\n",
		    0, EX_CONFIG, 9, "regex_pattern: missing terminating ]" },
		{ "prompt_template: '{answer_1}'\nreference: true\n", 0,
		    EX_CONFIG, 0, "'ref_model' names no model" },
		{ "prompt_template: '{answer_1}'\nmodel_list: a\n", 0,
		    EX_CONFIG, 9, "'model_list' must be a list" },
		{ "prompt_template: '{answer_1}'\nsystem_prompt: [x]\n", 7,
		    EX_CONFIG, 8, "'system_prompt' must be a string" },
	};
	struct judge_config jc;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (load_with(t[i].extra, t[i].replace, &jc, &d) != -1)
			fail_msg("case %zu loaded", i);
		assert_int_equal(d.code, t[i].code);
		assert_string_equal(d.file, "j.yaml");
		if (d.line != t[i].line || strstr(d.msg, t[i].msg) == NULL)
			fail_msg("case %zu: %ld: '%s', want %ld: '%s'", i,
			    d.line, d.msg, t[i].line, t[i].msg);
		/* A failed load leaves jc released. */
		assert_null(jc.judge_model);
	}
	diag_clear(&d);
	assert_int_equal(judgeconfig_load("no/such.yaml", &jc, &d), -1);
	assert_int_equal(d.code, EX_NOINPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judgeconfig_shipped_en),
		cmocka_unit_test(test_judgeconfig_shipped_ko_zh),
		cmocka_unit_test(test_judgeconfig_minimal_and_defaults),
		cmocka_unit_test(test_judgeconfig_shipped_v2_mt_bench),
		cmocka_unit_test(test_judgeconfig_modes),
		cmocka_unit_test(test_judgeconfig_v2),
		cmocka_unit_test(test_judgeconfig_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
