/* html_test.c: every escaping context, including the ways out of a script. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "html.h"

static char *
text(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b);
	html_text(&b, s, n);
	return buf_detach(&b, NULL);
}

static char *
json(const char *s)
{
	struct buf b;

	buf_init(&b);
	html_json(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

static void
test_html_text_markup(void **state)
{
	static const char *cases[][2] = {
		{ "", "" },
		{ "plain 한국어 中文", "plain 한국어 中文" },
		{ "<script>alert(1)</script>",
		    "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "<img src=x onerror=\"alert('x')\">",
		    "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;"
		    "&gt;" },
		{ "a & b &amp; c", "a &amp; b &amp;amp; c" },
		{ "[x](javascript:alert(1))", "[x](javascript:alert(1))" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = text(cases[i][0], strlen(cases[i][0]));

		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* NUL and bytes that are not UTF-8 become U+FFFD; valid UTF-8 stays. */
static void
test_html_text_bad_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} cases[] = {
		{ "a\0b", 3, "a\xEF\xBF\xBD" "b" },
		{ "\xC0\xBC", 2, "\xEF\xBF\xBD\xEF\xBF\xBD" },	/* overlong < */
		{ "\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xE2\x82", 2, "\xEF\xBF\xBD\xEF\xBF\xBD" },	/* cut short */
		{ "\xF0\x9F\x98\x80<", 5, "\xF0\x9F\x98\x80&lt;" },
		{ "\xF4\x90\x80\x80", 4,	/* above U+10FFFF */
		    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = text(cases[i].in, cases[i].n);

		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static void
test_html_attr_quotes(void **state)
{
	struct buf b;

	buf_init(&b);
	html_attr(&b, "\" onmouseover=\"x", 16);
	assert_string_equal(b.p, "&quot; onmouseover=&quot;x");
	buf_release(&b);
}

/*
 * Inside <script type="application/json"> nothing may close the block,
 * open a comment or end a JS line; JSON.parse must read the same value.
 */
static void
test_html_json_breakouts(void **state)
{
	static const char *cases[][2] = {
		{ "{\"a\":\"</script><script>alert(1)</script>\"}",
		    "{\"a\":\"\\u003c/script\\u003e\\u003cscript\\u003e"
		    "alert(1)\\u003c/script\\u003e\"}" },
		{ "[\"<!--\",\"-->\"]", "[\"\\u003c!--\",\"--\\u003e\"]" },
		{ "\"a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\"",
		    "\"a\\u2028b\\u2029c\"" },
		{ "\"\xE2\x80\xA6 & \xE2\x82\xAC\"",	/* ... and euro stay */
		    "\"\xE2\x80\xA6 \\u0026 \xE2\x82\xAC\"" },
		{ "\"</SCRIPT >\"", "\"\\u003c/SCRIPT \\u003e\"" },
		{ "\"\xFF\"", "\"\\ufffd\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = json(cases[i][0]);

		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* A value round-trips: parse what html_json_value wrote. */
static void
test_html_json_value_roundtrip(void **state)
{
	const char *nasty = "</script><!-- \xE2\x80\xA8 <b>&amp;</b>";
	json_t *v = json_pack("{s:s, s:[i, f, b, n]}", "t", nasty, "l", 1,
	    2.5, 1), *back;
	json_error_t err;
	struct buf b;

	buf_init(&b);
	html_json_value(&b, v);
	assert_null(strstr(b.p, "<"));
	assert_null(strstr(b.p, ">"));
	assert_null(strstr(b.p, "&"));
	assert_null(strstr(b.p, "\xE2\x80\xA8"));
	back = json_loads(b.p, 0, &err);
	assert_non_null(back);
	assert_true(json_equal(v, back));
	assert_string_equal(b.p, "{\"t\":\"\\u003c/script\\u003e\\u003c!-- "
	    "\\u2028 \\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e\","
	    "\"l\":[1,2.5,true,null]}");
	json_decref(v);
	json_decref(back);
	buf_release(&b);
}

static void
test_html_file_slug(void **state)
{
	static const char *cases[][2] = {
		{ "gpt-4o-mini", "gpt-4o-mini" },
		{ "qwen2.5-32b_instruct", "qwen2.5-32b_instruct" },
		{ "chatgpt-4o-latest(2025-03-26)",
		    "chatgpt-4o-latest_2025-03-26_-" },
		{ "../../etc/passwd", ".._.._etc_passwd-" },
		{ "", "-" },
		{ "a b", "a_b-" },
		{ "<script>", "_script_-" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = html_file_slug(cases[i][0]);
		size_t n = strlen(cases[i][1]);

		assert_memory_equal(s, cases[i][1], n);
		if (cases[i][1][n - 1] == '-') {
			/* 8 hex digits of the name's digest follow. */
			assert_int_equal(strlen(s), n + 8);
			assert_int_equal(strspn(s + n, "0123456789abcdef"), 8);
		} else
			assert_int_equal(strlen(s), n);
		free(s);
	}
	{
		char *a = html_file_slug("a b"), *b = html_file_slug("a_b");

		assert_string_not_equal(a, b);
		free(a);
		free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_text_markup),
		cmocka_unit_test(test_html_text_bad_utf8),
		cmocka_unit_test(test_html_attr_quotes),
		cmocka_unit_test(test_html_json_breakouts),
		cmocka_unit_test(test_html_json_value_roundtrip),
		cmocka_unit_test(test_html_file_slug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
