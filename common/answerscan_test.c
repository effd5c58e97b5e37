/* answerscan_test.c: the lean answer scanner, its validation and the index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "answerscan.h"

static void
scan(const char *data, struct answer_file *f)
{
	memset(f, 0, sizeof(*f));
	answerscan_buffer("t.jsonl", data, strlen(data), f);
	assert_int_equal(f->fatal.code, 0);
}

static void
test_answerscan_v01_conv_metadata(void **state)
{
	/* Raw U+2028 and U+0085 inside the text, as in the Korean files. */
	const char *in = "{\"question_id\": \"q1\", \"answer_id\": \"x\", "
	    "\"model_id\": \"m\xea\xb0\x80\", \"choices\": [{\"index\": 0, "
	    "\"turns\": [{\"content\": \"a\xe2\x80\xa8" "b\xc2\x85\\\"c\"}]}], "
	    "\"tstamp\": 1742894105.123456, \"conv_metadata\": {\"token_len\": "
	    "3762, \"header_count\": {\"h1\": 1, \"h2\": 10, \"h3\": 8, \"h4\": "
	    "0, \"h5\": 0, \"h6\": 0}, \"list_count\": {\"ordered\": 2, "
	    "\"unordered\": 5}, \"bold_count\": {\"**\": 7, \"__\": 1}}}\n";
	struct answer_file f;

	scan(in, &f);
	assert_int_equal(f.nerrs, 0);
	assert_int_equal(f.nrecs, 1);
	assert_string_equal(f.recs[0].question_id, "q1");
	assert_string_equal(f.recs[0].model, "m\xea\xb0\x80");
	assert_true(f.recs[0].has_token_len);
	assert_int_equal(f.recs[0].token_len, 3762);
	assert_int_equal(f.recs[0].meta_mask, 15);
	assert_int_equal(f.recs[0].meta[ANSWER_TOKENS], 3762);
	assert_int_equal(f.recs[0].meta[ANSWER_HEADERS], 19);
	assert_int_equal(f.recs[0].meta[ANSWER_LISTS], 7);
	assert_int_equal(f.recs[0].meta[ANSWER_BOLD], 8);
	assert_null(f.recs[0].text);
	assert_int_equal(f.recs[0].line, 1);
	answerscan_file_release(&f);
}

/* The English answers: token_len in the turn, no conv_metadata. */
static void
test_answerscan_turn_token_len(void **state)
{
	const char *in =
	    "{\"question_id\":\"q1\",\"answer_id\":\"a\",\"model_id\":\"m\","
	    "\"choices\":[{\"index\":0,\"turns\":[{\"content\":\"hi\","
	    "\"token_len\":423}]}],\"tstamp\":1.0}\r\n"
	    "\r\n   \n"
	    "{\"question_id\":\"q2\",\"model_id\":\"m\",\"choices\":[{\"turns\":"
	    "[{\"content\":\"x\",\"token_len\":5}]}],\"conv_metadata\":"
	    "{\"token_len\":9,\"header_count\":3}}";
	struct answer_file f;

	scan(in, &f);
	assert_int_equal(f.nerrs, 0);
	assert_int_equal(f.nrecs, 2);
	assert_int_equal(f.recs[0].token_len, 423);
	assert_int_equal(f.recs[0].meta_mask, 0);
	/* The turn-level value wins over conv_metadata for avg_tokens. */
	assert_int_equal(f.recs[1].token_len, 5);
	assert_int_equal(f.recs[1].meta[ANSWER_TOKENS], 9);
	assert_int_equal(f.recs[1].meta[ANSWER_HEADERS], 3);
	assert_int_equal(f.recs[1].meta_mask, 3);
	assert_int_equal(f.recs[1].line, 4);
	answerscan_file_release(&f);
}

static void
test_answerscan_v2_and_text(void **state)
{
	const char *in =
	    "{\"uid\": \"u1\", \"ans_id\": \"a\", \"model\": \"m2\", \"messages\": "
	    "[{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", "
	    "\"content\": {\"answer\": \"first\"}}, {\"content\": \"last\\n\", "
	    "\"role\": \"assistant\"}], \"tstamp\": 1, \"metadata\": "
	    "{\"token_len\": 12, \"bold_count\": {\"**\": 2, \"__\": 0}}}\n"
	    "{\"uid\": \"u2\", \"model\": \"m2\", \"messages\": [{\"role\": "
	    "\"assistant\", \"content\": {\"answer\": \"only \\u00e9\"}}]}\n"
	    "{\"question_id\": \"q\\u0031\\ud83d\\ude00\", \"model\\u005fid\": "
	    "\"m\", \"choices\": [{\"turns\": [{\"content\": \"t\\u2028x\"}]}]}\n";
	struct answer_file f;

	scan(in, &f);
	assert_int_equal(f.nerrs, 0);
	assert_int_equal(f.nrecs, 3);
	assert_string_equal(f.recs[0].question_id, "u1");
	assert_string_equal(f.recs[0].model, "m2");
	assert_int_equal(f.recs[0].token_len, 12);
	assert_int_equal(f.recs[0].meta_mask, 1U << ANSWER_TOKENS |
	    1U << ANSWER_BOLD);
	assert_int_equal(f.recs[0].meta[ANSWER_BOLD], 2);
	/* No token_len: the text is kept for counting. */
	assert_false(f.recs[1].has_token_len);
	assert_string_equal(f.recs[1].text, "only \xc3\xa9");
	assert_string_equal(f.recs[2].question_id, "q1\xf0\x9f\x98\x80");
	assert_string_equal(f.recs[2].model, "m");
	assert_string_equal(f.recs[2].text, "t\xe2\x80\xa8x");
	assert_int_equal(f.recs[2].text_len, 5);
	answerscan_file_release(&f);
}

/* FastChat's answers: an integer id, turns as plain strings. */
static void
test_answerscan_fastchat(void **state)
{
	const char *in = "{\"question_id\": 81, \"answer_id\": \"a\", "
	    "\"model_id\": \"gpt-4\", \"choices\": [{\"index\": 0, "
	    "\"turns\": [\"first \\u00e9\", \"second\"]}], \"tstamp\": 1.5}\n"
	    "{\"question_id\": 8.5, \"model_id\": \"m\", \"choices\": []}\n";
	struct answer_file f;

	scan(in, &f);
	assert_int_equal(f.nrecs, 1);
	assert_string_equal(f.recs[0].question_id, "81");
	assert_string_equal(f.recs[0].model, "gpt-4");
	assert_false(f.recs[0].has_token_len);
	assert_string_equal(f.recs[0].text, "first \xc3\xa9");
	assert_int_equal(f.nerrs, 1);
	assert_int_equal(f.errs[0].line, 2);
	answerscan_file_release(&f);
}

/* Every bad line is one error at its line; good lines survive. */
static void
test_answerscan_errors(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "{\"question_id\": \"q\xc0\x80\", \"model_id\": \"m\"}",
		    "invalid UTF-8" },
		{ "{\"question_id\": \"q\xed\xa0\x80\", \"model_id\": \"m\"}",
		    "invalid UTF-8" },
		{ "{\"question_id\": \"q\xf5\x80\x80\x80\", \"model_id\": \"m\"}",
		    "invalid UTF-8" },
		{ "{\"question_id\": \"q\xe3\x81\", \"model_id\": \"m\"}",
		    "invalid UTF-8" },
		{ "{\"question_id\": \"\\ud800x\", \"model_id\": \"m\"}",
		    "lone surrogate" },
		{ "{\"question_id\": \"\\udc00\", \"model_id\": \"m\"}",
		    "lone surrogate" },
		{ "{\"question_id\": \"\\x41\", \"model_id\": \"m\"}",
		    "invalid escape" },
		{ "{\"question_id\": \"a\tb\", \"model_id\": \"m\"}",
		    "control character" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"x\": 1, "
		    "\"x\": 2}", "duplicate key" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"c\": "
		    "{\"k\": 1, \"\\u006b\": 2}}", "duplicate key" },
		/* Found by answerscan_fuzz: jansson refuses these keys. */
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"c\": "
		    "{\"k\\u0000\": 1}}", "NUL byte in object key" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"n\": "
		    "9223372036854775808}", "integer out of range" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"n\": 1e400}",
		    "real number overflow" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"n\": NaN}",
		    "invalid number" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\"} x",
		    "trailing characters" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\"", "expected" },
		{ "[1, 2]", "not a JSON object" },
		{ "{\"question_id\": \"q\"}", "missing field 'model_id'" },
		{ "{\"question_id\": 7.5, \"model_id\": \"m\"}",
		    "field 'question_id' is not a string" },
		{ "{\"model_id\": \"m\"}", "missing field 'question_id'" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", \"choices\": "
		    "[{\"turns\": [{\"token_len\": 1.5}]}]}",
		    "'choices[0].turns[0].token_len' is not an integer" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", "
		    "\"conv_metadata\": {\"header_count\": \"3\"}}",
		    "'conv_metadata.header_count' is not an integer or" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", "
		    "\"conv_metadata\": {\"list_count\": {\"a\": true}}}",
		    "'conv_metadata.list_count' is not an integer" },
		{ "{\"question_id\": \"q\", \"model_id\": \"m\", "
		    "\"conv_metadata\": [1]}", "'conv_metadata' is not an "
		    "object" },
	};
	struct answer_file f;
	char *in;
	size_t i, n = sizeof(bad) / sizeof(bad[0]), len = 0;

	in = malloc(64 * 1024);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(in + len,
		    "{\"question_id\": \"ok%zu\", \"model_id\": \"m\"}\n%s\n",
		    i, bad[i].line);
	scan(in, &f);
	assert_int_equal(f.nrecs, n);
	assert_int_equal(f.nerrs, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(f.errs[i].code, EX_DATAERR);
		assert_string_equal(f.errs[i].file, "t.jsonl");
		assert_int_equal(f.errs[i].line, 2 * (long)i + 2);
		if (strstr(f.errs[i].msg, bad[i].msg) == NULL)
			fail_msg("line %zu: '%s' lacks '%s'", i, f.errs[i].msg,
			    bad[i].msg);
	}
	free(in);
	answerscan_file_release(&f);
	/* A NUL in a value is allowed, an escaped backslash is no NUL. */
	scan("{\"question_id\": \"q\\u0000\", \"model_id\": \"m\", "
	    "\"k\\\\u0000\": 1}\n", &f);
	assert_int_equal(f.nrecs, 1);
	assert_int_equal(f.nerrs, 0);
	answerscan_file_release(&f);
}

static long long
count_bytes(void *ctx, const char *text, size_t len)
{
	int *calls = ctx;

	(*calls)++;
	return (long long)len;
}

static void
test_answerscan_set_last_wins_and_avg(void **state)
{
	const char *in =
	    "{\"question_id\": \"q1\", \"model_id\": \"a\", \"conv_metadata\": "
	    "{\"token_len\": 100}}\n"
	    "{\"question_id\": \"q2\", \"model_id\": \"a\", \"conv_metadata\": "
	    "{\"token_len\": 3}}\n"
	    "{\"question_id\": \"q1\", \"model_id\": \"a\", \"conv_metadata\": "
	    "{\"token_len\": 1, \"bold_count\": 4}}\n"
	    "{\"question_id\": \"q3\", \"model_id\": \"a\", \"choices\": "
	    "[{\"turns\": [{\"content\": \"abcd\"}]}]}\n"
	    "{\"question_id\": \"q1\", \"model_id\": \"b\", \"conv_metadata\": "
	    "{\"token_len\": 7}}\n";
	struct answer_set *s = answerscan_set_new();
	const struct answer_rec *r;
	struct answer_file f;
	struct diag dups[4], d;
	size_t ndups;
	int calls = 0, found;

	scan(in, &f);
	answerscan_set_add(s, &f);
	answerscan_file_release(&f);
	assert_int_equal(answerscan_set_finish(s, count_bytes, &calls, dups,
	    4, &ndups, &d), 0);
	assert_int_equal(ndups, 1);
	assert_int_equal(dups[0].line, 3);
	assert_string_equal(dups[0].file, "t.jsonl");
	assert_int_equal(calls, 1);
	assert_int_equal(answerscan_count(s), 4);
	r = answerscan_lookup(s, "a", "q1");
	assert_non_null(r);
	assert_int_equal(r->token_len, 1);
	assert_int_equal(r->meta[ANSWER_BOLD], 4);
	/* (1 + 3 + 4) / 3 = 2.67, truncated. */
	assert_int_equal(answerscan_avg_tokens(s, "a", &found), 2);
	assert_true(found);
	assert_int_equal(answerscan_avg_tokens(s, "b", &found), 7);
	assert_int_equal(answerscan_avg_tokens(s, "zz", &found), 0);
	assert_false(found);
	assert_null(answerscan_lookup(s, "b", "q2"));
	assert_null(answerscan_lookup(s, "c", "q1"));
	assert_true(answerscan_has_model(s, "b"));
	answerscan_set_free(s);
}

static void
test_answerscan_set_no_tokenizer(void **state)
{
	const char *in = "{\"question_id\": \"q\", \"model_id\": \"a\", "
	    "\"choices\": [{\"turns\": [{\"content\": \"x\"}]}]}\n";
	struct answer_set *s = answerscan_set_new();
	struct answer_file f;
	struct diag d;
	size_t ndups;

	scan(in, &f);
	answerscan_set_add(s, &f);
	answerscan_file_release(&f);
	assert_int_equal(answerscan_set_finish(s, NULL, NULL, NULL, 0, &ndups,
	    &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.msg, "no token_len"));
	answerscan_set_free(s);
}

/* Found by answerscan_fuzz: qsort was given a NULL array for no records. */
static void
test_answerscan_set_empty(void **state)
{
	char dir[] = "/tmp/answerscan_test.XXXXXX";
	struct answer_set *s = answerscan_set_new();
	struct answer_file f;
	struct diag dups[1], d;
	char **paths = NULL;
	size_t ndups, n = 0;

	scan("\n", &f);
	answerscan_set_add(s, &f);
	answerscan_file_release(&f);
	assert_int_equal(answerscan_set_finish(s, NULL, NULL, dups, 1, &ndups,
	    &d), 0);
	assert_int_equal(answerscan_count(s), 0);
	assert_false(answerscan_has_model(s, "m"));
	answerscan_set_free(s);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(answerscan_expand(dir, &paths, &n, &d), 0);
	assert_int_equal(n, 0);
	free(paths);
	rmdir(dir);
}

/* Found by answerscan_fuzz: the sum and int(mean) overflowed int64. */
static void
test_answerscan_set_avg_range(void **state)
{
	static const char *const in[] = {
		"{\"uid\": \"u1\", \"model\": \"m\", \"metadata\": "
		"{\"token_len\": 9223372036854775807}}\n"
		"{\"uid\": \"u2\", \"model\": \"m\", \"metadata\": "
		"{\"token_len\": 1}}\n",
		"{\"uid\": \"u1\", \"model\": \"m\", \"metadata\": "
		"{\"token_len\": 9223372036854775807}}\n",
		"{\"uid\": \"u1\", \"model\": \"m\", \"metadata\": "
		"{\"token_len\": 9223372036854775806}}\n"
		"{\"uid\": \"u2\", \"model\": \"m\", \"metadata\": "
		"{\"token_len\": -9223372036854775807}}\n",
	};
	static const char *const want[] = {
		"add up beyond 64 bits", "out of range", NULL,
	};
	size_t i, ndups;
	struct diag d;
	int found;

	for (i = 0; i < 3; i++) {
		struct answer_set *s = answerscan_set_new();
		struct answer_file f;

		scan(in[i], &f);
		answerscan_set_add(s, &f);
		answerscan_file_release(&f);
		diag_clear(&d);
		if (want[i] == NULL) {
			assert_int_equal(answerscan_set_finish(s, NULL, NULL,
			    NULL, 0, &ndups, &d), 0);
			assert_int_equal(answerscan_avg_tokens(s, "m", &found),
			    0);
		} else {
			assert_int_equal(answerscan_set_finish(s, NULL, NULL,
			    NULL, 0, &ndups, &d), -1);
			assert_int_equal(d.code, EX_DATAERR);
			assert_non_null(strstr(d.msg, want[i]));
			assert_non_null(strstr(d.msg, "'m'"));
		}
		answerscan_set_free(s);
	}
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_answerscan_expand_and_load(void **state)
{
	char dir[] = "/tmp/answerscan_test.XXXXXX", p[256];
	char **paths = NULL;
	struct answer_file files[3];
	struct diag d;
	size_t n = 0, i;

	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/b.jsonl", dir);
	write_file(p, "{\"question_id\": \"q\", \"model_id\": \"b\"}\n");
	snprintf(p, sizeof(p), "%s/a.jsonl.zst", dir);
	/* Not compressed: detection is by magic number only. */
	write_file(p, "{\"question_id\": \"q\", \"model_id\": \"a\"}\nbad\n");
	snprintf(p, sizeof(p), "%s/c.txt", dir);
	write_file(p, "ignored");
	assert_int_equal(answerscan_expand(dir, &paths, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(paths[0], "/a.jsonl.zst"));
	assert_non_null(strstr(paths[1], "/b.jsonl"));
	snprintf(p, sizeof(p), "%s/missing", dir);
	assert_int_equal(answerscan_expand(p, &paths, &n, &d), -1);
	assert_int_equal(d.code, EX_NOINPUT);
	paths = realloc(paths, 3 * sizeof(*paths));
	paths[n++] = strdup(p);
	memset(files, 0, sizeof(files));
	answerscan_load(paths, n, 2, files);
	assert_int_equal(files[0].nrecs, 1);
	assert_int_equal(files[0].nerrs, 1);
	assert_int_equal(files[0].errs[0].line, 2);
	assert_string_equal(files[1].recs[0].model, "b");
	assert_int_equal(files[2].fatal.code, EX_NOINPUT);
	for (i = 0; i < n; i++) {
		answerscan_file_release(&files[i]);
		if (i < 2)
			unlink(paths[i]);
		free(paths[i]);
	}
	free(paths);
	snprintf(p, sizeof(p), "%s/c.txt", dir);
	unlink(p);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answerscan_v01_conv_metadata),
		cmocka_unit_test(test_answerscan_turn_token_len),
		cmocka_unit_test(test_answerscan_v2_and_text),
		cmocka_unit_test(test_answerscan_fastchat),
		cmocka_unit_test(test_answerscan_errors),
		cmocka_unit_test(test_answerscan_set_last_wins_and_avg),
		cmocka_unit_test(test_answerscan_set_no_tokenizer),
		cmocka_unit_test(test_answerscan_set_empty),
		cmocka_unit_test(test_answerscan_set_avg_range),
		cmocka_unit_test(test_answerscan_expand_and_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
