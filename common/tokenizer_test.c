/* tokenizer_test.c: cl100k_base vectors, long pieces, loading and the hash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "tokenizer.h"

/* Tests run from the top of the source tree (scripts/run-tests.sh). */
#define RANKS	"data/tokenizer/" TOK_FILE_NAME
#define PLANS	"testdata/tokenizer/TestPlans-cl100k.txt"

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	size_t r;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b);
	do {
		buf_grow(&b, 1 << 16);
		r = fread(b.p + b.len, 1, 1 << 16, f);
		b.len += r;
	} while (r > 0);
	b.p[b.len] = '\0';
	fclose(f);
	return buf_detach(&b, n);
}

static int
setup(void **state)
{
	struct diag d;

	diag_clear(&d);
	*state = tok_load(RANKS, &d);
	if (*state == NULL) {
		fprintf(stderr, "tok_load: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	tok_free(*state);
	return 0;
}

static size_t
count(void **state, const char *s)
{
	return tok_count(*state, s, strlen(s));
}

/* A string of n copies of unit. */
static char *
repeat(const char *unit, size_t n)
{
	struct buf b;

	buf_init(&b);
	while (n-- > 0)
		buf_adds(&b, unit);
	return buf_detach(&b, NULL);
}

/*
 * The 64 cl100k_base blocks of gpt-tokenizer's TestPlans.txt:
 * "EncodingName: cl100k_base\nSample: TEXT\nEncoded: [ID, ...]", blank line
 * between blocks; samples are one line each.
 */
static void
test_tok_encode_testplans(void **state)
{
	char *text = slurp(PLANS, NULL), *line, *save = NULL, *sample = NULL;
	int blocks = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		uint32_t *ids, want[512];
		size_t n, nwant = 0, i;
		char *p, *end;

		if (strncmp(line, "Sample: ", 8) == 0) {
			sample = line + 8;
			continue;
		}
		if (strncmp(line, "Encoded: [", 10) != 0)
			continue;
		assert_non_null(sample);
		for (p = line + 10; *p != ']'; p = end) {
			while (*p == ' ' || *p == ',')
				p++;
			if (*p == ']')
				break;
			assert_true(nwant < 512);
			want[nwant++] = (uint32_t)strtoul(p, &end, 10);
			assert_ptr_not_equal(p, end);
		}
		assert_int_equal(tok_encode(*state, sample, strlen(sample),
		    &ids, &n), 0);
		if (n != nwant)
			fail_msg("'%s': %zu ids, want %zu", sample, n, nwant);
		for (i = 0; i < n; i++)
			if (ids[i] != want[i])
				fail_msg("'%s': id %zu is %u, want %u", sample,
				    i, ids[i], want[i]);
		assert_int_equal(tok_count(*state, sample, strlen(sample)),
		    nwant);
		free(ids);
		sample = NULL;
		blocks++;
	}
	assert_int_equal(blocks, 64);
	free(text);
}

static void
test_tok_count_special_tokens_are_text(void **state)
{
	uint32_t *ids;
	size_t n;
	static const uint32_t want[] = { 27, 91, 8862, 728, 428, 91, 29 };

	/* "<|endoftext|>" is the special token 100257 only when allowed. */
	assert_int_equal(count(state, "<|endoftext|>"), 7);
	assert_int_equal(tok_encode(*state, "<|endoftext|>", 13, &ids, &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(ids, want, sizeof(want));
	free(ids);
	assert_int_equal(count(state, "<|fim_prefix|><|endofprompt|>"), 13);
}

static void
test_tok_count_empty(void **state)
{
	uint32_t *ids = (uint32_t *)1;
	size_t n = 99;

	assert_int_equal(tok_count(*state, "", 0), 0);
	assert_int_equal(tok_count(*state, "abc", 0), 0);
	assert_int_equal(tok_encode(*state, "", 0, &ids, &n), 0);
	assert_null(ids);
	assert_int_equal(n, 0);
}

/*
 * Long pieces take the O(n log n) merge.  Expected counts come from
 * gpt-tokenizer 4.0.0 (encode with no special tokens), which agrees with
 * tiktoken on these inputs.
 */
static void
test_tok_count_long_runs(void **state)
{
	static const struct {
		const char *unit;
		size_t times;
		const char *tail;
		size_t want;
	} t[] = {
		{ " ", 10000, "", 79 },
		{ " ", 10000, "x", 80 },
		{ "a", 10000, "", 1250 },
		{ "\t", 5000, "x", 314 },
		{ "1234567890", 1000, "", 3334 },
		{ "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 300, "", 6000 },
		/* "안녕하세요" */
		{ "\xec\x95\x88\xeb\x85\x95\xed\x95\x98"
		    "\xec\x84\xb8\xec\x9a\x94", 2000, "", 10000 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *s = repeat(t[i].unit, t[i].times);
		struct buf b;
		uint32_t *ids;
		size_t n;

		buf_init(&b);
		buf_adds(&b, s);
		buf_adds(&b, t[i].tail);
		if (tok_count(*state, b.p, b.len) != t[i].want)
			fail_msg("case %zu: %zu tokens, want %zu", i,
			    tok_count(*state, b.p, b.len), t[i].want);
		assert_int_equal(tok_encode(*state, b.p, b.len, &ids, &n), 0);
		assert_int_equal(n, t[i].want);
		free(ids);
		buf_release(&b);
		free(s);
	}
	/* 3000 newlines, 3000 spaces, "end": the first ids are "\n" runs. */
	{
		char *nl = repeat("\n", 3000), *sp = repeat(" ", 3000);
		struct buf b;

		buf_init(&b);
		buf_adds(&b, nl);
		buf_adds(&b, sp);
		buf_adds(&b, "end");
		assert_int_equal(tok_count(*state, b.p, b.len), 120);
		buf_release(&b);
		free(nl);
		free(sp);
	}
}

/* A megabyte of whitespace stays linear (and within the JIT stack). */
static void
test_tok_count_huge_whitespace(void **state)
{
	char *s = repeat(" \n", 1 << 19);
	size_t n = tok_count(*state, s, 1 << 20);

	assert_true(n > 0 && n < (1 << 20));
	free(s);
}

static void
test_tok_count_invalid_utf8(void **state)
{
	/* Never in validated input; each bad byte is one token. */
	assert_int_equal(tok_count(*state, "a\xff" "b", 3), 3);
	assert_int_equal(tok_count(*state, "\xc3", 1), 1);
	assert_int_equal(tok_count(*state, "hello \xe2\x82 world", 14), 5);
}

static void
test_tok_count_matches_encode(void **state)
{
	const char *s = "# 제목\n\n**굵게** and `code`:\r\n\t- 1,234.5\n"
	    "don't I'LL we've  \u00a0 \u3000x\u2028y\xc2\x85" "z   \n\n\n";
	uint32_t *ids;
	size_t n;

	assert_int_equal(tok_encode(*state, s, strlen(s), &ids, &n), 0);
	assert_int_equal(tok_count(*state, s, strlen(s)), n);
	free(ids);
}

static void
expect_load_fails(const char *path, const char *needle)
{
	struct diag d;

	diag_clear(&d);
	assert_null(tok_load(path, &d));
	assert_int_equal(d.code, EX_NOINPUT);
	if (strstr(d.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", d.msg, needle);
}

static void
test_tok_load_rejects_modified_file(void **state)
{
	char tmp[] = "/tmp/tok-test.XXXXXX";
	size_t n;
	char *p = slurp(RANKS, &n);
	int fd = mkstemp(tmp);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	/* One rank changed: "IQ== 0" becomes "IQ== 1". */
	assert_memory_equal(p, "IQ== 0\n", 7);
	p[5] = '1';
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
	expect_load_fails(tmp, "SHA-256");
	/* Truncated by a line. */
	f = fopen(tmp, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p + 7, 1, n - 7, f), n - 7);
	fclose(f);
	expect_load_fails(tmp, "SHA-256");
	unlink(tmp);
	free(p);
	expect_load_fails("/nonexistent/cl100k_base.tiktoken", "cannot open");
}

static void
test_tok_load_default_path(void **state)
{
	struct tok_encoder *e;
	struct diag d;
	char *saved = getenv("JUDGEPIPE_TOKENIZER");

	saved = saved != NULL ? strdup(saved) : NULL;
	diag_clear(&d);
	setenv("JUDGEPIPE_TOKENIZER", "/nonexistent/x.tiktoken", 1);
	assert_null(tok_load(NULL, &d));
	assert_int_equal(d.code, EX_NOINPUT);
	/* Unset: the installed copy or the one in the source tree. */
	unsetenv("JUDGEPIPE_TOKENIZER");
	e = tok_load(NULL, &d);
	if (e == NULL)
		fail_msg("tok_load(NULL): %s", d.msg);
	assert_int_equal(tok_count(e, "hello world", 11), 2);
	tok_free(e);
	setenv("JUDGEPIPE_TOKENIZER", RANKS, 1);
	e = tok_load(NULL, &d);
	assert_non_null(e);
	assert_string_equal(tok_path(e), RANKS);
	tok_free(e);
	if (saved != NULL)
		setenv("JUDGEPIPE_TOKENIZER", saved, 1);
	else
		unsetenv("JUDGEPIPE_TOKENIZER");
	free(saved);
	tok_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tok_encode_testplans),
		cmocka_unit_test(test_tok_count_special_tokens_are_text),
		cmocka_unit_test(test_tok_count_empty),
		cmocka_unit_test(test_tok_count_long_runs),
		cmocka_unit_test(test_tok_count_huge_whitespace),
		cmocka_unit_test(test_tok_count_invalid_utf8),
		cmocka_unit_test(test_tok_count_matches_encode),
		cmocka_unit_test(test_tok_load_rejects_modified_file),
		cmocka_unit_test(test_tok_load_default_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
