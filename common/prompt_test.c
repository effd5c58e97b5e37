/* prompt_test.c: the str.format subset of judge templates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "prompt.h"

static int
format(const char *tmpl, const struct prompt_args *a, struct buf *out,
    struct diag *d)
{
	buf_reset(out);
	diag_clear(d);
	return prompt_format(tmpl, strlen(tmpl), a, out, "t.yaml", 7, d);
}

static void
test_prompt_format_names_and_escapes(void **state)
{
	struct prompt_args a;
	struct buf out;
	struct diag d;

	prompt_args_init(&a);
	buf_init(&out);
	prompt_args_set(&a, "question_1", "Q?", 2);
	prompt_args_set(&a, "answer_1", "a{1}", 4);
	prompt_args_set(&a, "answer_2", "x\0y", 3);
	assert_int_equal(format("<{question_1}>{answer_1}|{answer_2}", &a,
	    &out, &d), 0);
	assert_int_equal(out.len, 12);
	assert_memory_equal(out.p, "<Q?>a{1}|x\0y", 12);
	/* Values are not templates, and {{ }} are literal braces. */
	assert_int_equal(format("{{question_1}} }}{{ {answer_1}", &a, &out,
	    &d), 0);
	assert_string_equal(out.p, "{question_1} }{ a{1}");
	/* A later value replaces an earlier one. */
	prompt_args_set(&a, "answer_1", "new", 3);
	assert_int_equal(format("{answer_1}", &a, &out, &d), 0);
	assert_string_equal(out.p, "new");
	assert_int_equal(format("", &a, &out, &d), 0);
	assert_string_equal(out.p, "");
	/* Python accepts any characters but .[]!:{} in a name. */
	prompt_args_set(&a, "a-b c", "v", 1);
	assert_int_equal(format("{a-b c}", &a, &out, &d), 0);
	assert_string_equal(out.p, "v");
	prompt_args_release(&a);
	buf_release(&out);
}

static void
test_prompt_format_errors(void **state)
{
	static const struct {
		const char *tmpl;
		const char *msg;
	} t[] = {
		{ "{nope}", "no value for field '{nope}'" },
		{ "a } b", "single '}' at offset 2" },
		{ "a { b", "is not closed" },
		{ "{x", "is not closed" },
		{ "{", "is not closed" },
		{ "{x!r}", "a conversion" },
		{ "{x:>10}", "a format spec" },
		{ "{x.y}", "attribute or index access" },
		{ "{x[0]}", "attribute or index access" },
		{ "{a{b}}", "a nested '{'" },
		{ "{}", "positional field '{}'" },
		{ "{0}", "positional field '{0}'" },
	};
	struct prompt_args a;
	struct buf out;
	struct diag d;
	size_t i;

	prompt_args_init(&a);
	prompt_args_set(&a, "x", "X", 1);
	buf_init(&out);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(format(t[i].tmpl, &a, &out, &d), -1);
		assert_int_equal(d.code, EX_CONFIG);
		assert_string_equal(d.file, "t.yaml");
		assert_int_equal(d.line, 7);
		if (strstr(d.msg, t[i].msg) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", t[i].tmpl, d.msg,
			    t[i].msg);
	}
	prompt_args_release(&a);
	buf_release(&out);
}

static int
only_q(void *arg, const char *s, size_t n)
{
	int *count = arg;

	(*count)++;
	return n == 10 && memcmp(s, "question_1", n) == 0 ? 0 : -1;
}

static void
test_prompt_check_fields(void **state)
{
	const char *ok = "{{x}} {question_1} {question_1}";
	const char *bad = "{question_1} {answer_9}";
	struct diag d;
	int count = 0;

	diag_clear(&d);
	assert_int_equal(prompt_check(ok, strlen(ok), only_q, &count, NULL,
	    0, &d), 0);
	assert_int_equal(count, 2);
	assert_int_equal(prompt_check(bad, strlen(bad), only_q, &count,
	    "c.yaml", 3, &d), -1);
	assert_string_equal(d.msg, "prompt template: unknown field "
	    "'{answer_9}'");
	assert_int_equal(prompt_check(bad, strlen(bad), NULL, NULL, NULL, 0,
	    &d), 0);
}

static void
test_prompt_format_judge_template(void **state)
{
	/* The v0.1 template with the arguments of game 1. */
	const char *tmpl = "<|User Prompt|>\n{question_1}\n\n"
	    "<|The Start of Assistant A's Answer|>\n{answer_1}\n"
	    "<|The End of Assistant A's Answer|>\n\n"
	    "<|The Start of Assistant B's Answer|>\n{answer_2}\n"
	    "<|The End of Assistant B's Answer|>";
	unsigned char h[HASH_LEN];
	char hex[2 * HASH_LEN + 1];
	struct prompt_args a;
	struct buf out;
	struct diag d;

	hash_sha256(tmpl, strlen(tmpl), h);
	hash_hex(h, HASH_LEN, hex);
	assert_string_equal(hex, "b0260904bc964e0d07d20581309c53fce4879159"
	    "080fee42d8c91f8a80c48df4");
	prompt_args_init(&a);
	buf_init(&out);
	prompt_args_set(&a, "question_1", "Q", 1);
	prompt_args_set(&a, "answer_1", "base", 4);
	prompt_args_set(&a, "answer_2", "model", 5);
	assert_int_equal(format(tmpl, &a, &out, &d), 0);
	assert_string_equal(out.p, "<|User Prompt|>\nQ\n\n"
	    "<|The Start of Assistant A's Answer|>\nbase\n"
	    "<|The End of Assistant A's Answer|>\n\n"
	    "<|The Start of Assistant B's Answer|>\nmodel\n"
	    "<|The End of Assistant B's Answer|>");
	prompt_args_release(&a);
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prompt_format_names_and_escapes),
		cmocka_unit_test(test_prompt_format_errors),
		cmocka_unit_test(test_prompt_check_fields),
		cmocka_unit_test(test_prompt_format_judge_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
