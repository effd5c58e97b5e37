/* jsonw_test.c: Python json.dumps/repr compatibility of jsonw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jsonw.h"

static void
expect_double(double x, const char *want)
{
	struct buf b;

	buf_init(&b);
	jsonw_double(&b, x);
	assert_string_equal(b.p, want);
	buf_release(&b);
}

static void
test_jsonw_double_repr(void **state)
{
	expect_double(50.0, "50.0");
	expect_double(0.1, "0.1");
	expect_double(1e-05, "1e-05");
	expect_double(0.0001, "0.0001");
	expect_double(1e16, "1e+16");
	expect_double(1.5e16, "1.5e+16");
	expect_double(9999999999999998.0, "9999999999999998.0");
	expect_double(1274.728996054856, "1274.728996054856");
	expect_double(-0.0, "-0.0");
	expect_double(1742894105.123456, "1742894105.123456");
	expect_double(2577.0, "2577.0");
	expect_double(1.0 / 3, "0.3333333333333333");
	expect_double(123456789012345678.0, "1.2345678901234568e+17");
	expect_double(5e-324, "5e-324");
}

static void
test_jsonw_round_python(void **state)
{
	/* Python: round(2.675, 2) == 2.67 (binary value below the tie). */
	assert_true(jsonw_round(2.675, 2) == 2.67);
	assert_true(jsonw_round(0.125, 2) == 0.12);
	assert_true(jsonw_round(82.9449, 2) == 82.94);
}

static void
expect_dump(const char *json, int flags, const char *want)
{
	json_error_t e;
	json_t *v = json_loads(json, JSON_ALLOW_NUL, &e);
	struct buf b;

	assert_non_null(v);
	buf_init(&b);
	jsonw_dump(&b, v, flags);
	assert_string_equal(b.p, want);
	buf_release(&b);
	json_decref(v);
}

static void
test_jsonw_dump_separators(void **state)
{
	expect_dump("{\"a\":1,\"b\":[1,2.5,null,true],\"c\":{}}", 0,
	    "{\"a\": 1, \"b\": [1, 2.5, null, true], \"c\": {}}");
	expect_dump("{\"a\":1,\"b\":[1,2]}", JSONW_COMPACT,
	    "{\"a\":1,\"b\":[1,2]}");
}

static void
test_jsonw_dump_escapes(void **state)
{
	expect_dump("[\"q\\\"b\\\\/\\n\\r\\t\\b\\f\\u0001\\u007f\\u0000\"]", 0,
	    "[\"q\\\"b\\\\/\\n\\r\\t\\b\\f\\u0001\x7f\\u0000\"]");
	expect_dump("[\"\xed\x95\x9c \xe2\x80\xa8 \xf0\x9f\x98\x80\"]", 0,
	    "[\"\xed\x95\x9c \xe2\x80\xa8 \xf0\x9f\x98\x80\"]");
	expect_dump("[\"\xed\x95\x9c \xe2\x80\xa8 \xf0\x9f\x98\x80\x7f\"]",
	    JSONW_ENSURE_ASCII,
	    "[\"\\ud55c \\u2028 \\ud83d\\ude00\\u007f\"]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw_double_repr),
		cmocka_unit_test(test_jsonw_round_python),
		cmocka_unit_test(test_jsonw_dump_separators),
		cmocka_unit_test(test_jsonw_dump_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
