/* jsonl_test.c: record splitting, CRLF, zstd and strict parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jsonl.h"

static void
test_jsonl_next_splits_on_lf_only(void **state)
{
	/* U+2028, U+0085 and a bare CR inside a record do not end it. */
	const char in[] = "{\"a\": \"x\xe2\x80\xa8y\xc2\x85zw\",\r \"c\": 1}\r\n"
	    "   \n\n{\"b\": 2}";
	struct diag d;
	struct jsonl_reader *r = jsonl_open_mem("mem", in, sizeof(in) - 1, &d);
	const char *line;
	size_t len;
	long no;
	json_t *v;

	assert_non_null(r);
	assert_int_equal(jsonl_next(r, &line, &len, &no), 1);
	assert_int_equal(no, 1);
	assert_int_equal(line[len - 1], '}');
	v = jsonl_parse(r, line, len, no, &d);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "a")),
	    "x\xe2\x80\xa8y\xc2\x85zw");
	json_decref(v);
	assert_int_equal(jsonl_next(r, &line, &len, &no), 1);
	assert_int_equal(no, 4);
	assert_int_equal(jsonl_next(r, &line, &len, &no), 0);
	jsonl_free(r);
}

static void
expect_bad(const char *rec, const char *what)
{
	struct diag d;
	struct jsonl_reader *r = jsonl_open_mem("f.jsonl", rec, strlen(rec),
	    &d);
	json_t *v;
	long no;

	diag_clear(&d);
	assert_int_equal(jsonl_read(r, &v, &no, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_string_equal(d.file, "f.jsonl");
	assert_int_equal(d.line, 1);
	(void)what;
	jsonl_free(r);
}

static void
test_jsonl_parse_rejects(void **state)
{
	expect_bad("{\"a\": 1, \"a\": 2}", "duplicate key");
	expect_bad("{\"a\": NaN}", "NaN");
	expect_bad("{\"a\": 99999999999999999999}", "int64");
	expect_bad("{\"a\": \"\xff\"}", "invalid UTF-8");
	expect_bad("{\"a\": \"\xc0\xaf\"}", "overlong");
	expect_bad("{\"a\": \"\xed\xa0\x80\"}", "surrogate");
	expect_bad("[1]", "not an object");
	expect_bad("{\"a\": 1} x", "trailing");
}

/* Found by answerscan_fuzz: jansson skipped a NUL after a number. */
static void
test_jsonl_parse_rejects_nul(void **state)
{
	static const char rec[] = "{\"a\": 0\0, \"b\": true\0}\n"
	    "{\"a\": \"\\u0000\"}\n";
	struct diag d;
	struct jsonl_reader *r = jsonl_open_mem("f.jsonl", rec,
	    sizeof(rec) - 1, &d);
	json_t *v;
	long no;

	diag_clear(&d);
	assert_int_equal(jsonl_read(r, &v, &no, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 1);
	assert_string_equal(d.msg, "invalid JSON: NUL byte at column 8");
	assert_int_equal(jsonl_read(r, &v, &no, &d), 1);
	assert_int_equal(json_string_length(json_object_get(v, "a")), 1);
	json_decref(v);
	jsonl_free(r);
}

static void
test_jsonl_zstd_magic(void **state)
{
	/* A skippable frame followed by nothing decodes to empty input. */
	const unsigned char skip[] = { 0x50, 0x2A, 0x4D, 0x18, 1, 0, 0, 0, 9 };
	struct diag d;
	struct jsonl_reader *r;
	const char *line;
	size_t len;
	long no;

	assert_true(jsonl_is_zstd(skip, sizeof(skip)));
	r = jsonl_open_mem("z", skip, sizeof(skip), &d);
	assert_non_null(r);
	assert_int_equal(jsonl_next(r, &line, &len, &no), 0);
	jsonl_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonl_next_splits_on_lf_only),
		cmocka_unit_test(test_jsonl_parse_rejects),
		cmocka_unit_test(test_jsonl_parse_rejects_nul),
		cmocka_unit_test(test_jsonl_zstd_magic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
