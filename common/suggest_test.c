/* suggest_test.c: edit distance and "did you mean" lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "suggest.h"

static void
test_suggest_distance_cases(void **state)
{
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("claude-3.7-sonet",
	    "claude-3.7-sonnet"), 1);
	/* A swap of neighbours is one edit; case is ignored. */
	assert_int_equal(suggest_distance("gpt-4o-mnii", "gpt-4o-mini"), 1);
	assert_int_equal(suggest_distance("GPT-4o", "gpt-4o"), 0);
	assert_int_equal(suggest_distance("ca", "abc"), 3);
}

static void
test_suggest_closest_picks_nearest(void **state)
{
	static const char *const names[] = {
		"claude-3.5-sonnet", "claude-3.7-sonnet", "gpt-4o",
		"claude-3.7-sonet", "claude-3.5-haiku",
	};
	struct buf b;

	buf_init(&b);
	/* The word itself (the typo, interned as a model) is skipped. */
	assert_int_equal(suggest_closest(&b, "claude-3.7-sonet", names, 5), 1);
	assert_string_equal(b.p, "'claude-3.7-sonnet'");
	buf_reset(&b);
	assert_int_equal(suggest_closest(&b, "claude-3.6-sonnet", names, 5),
	    2);
	assert_string_equal(b.p, "'claude-3.5-sonnet' or 'claude-3.7-sonnet'");
	buf_reset(&b);
	assert_int_equal(suggest_closest(&b, "llama", names, 5), 0);
	assert_string_equal(b.p, "");
	buf_release(&b);
}

static void
test_suggest_closest_three_at_most(void **state)
{
	static const char *const names[] = { "ab1", "ab2", "ab3", "ab4" };
	struct buf b;

	buf_init(&b);
	assert_int_equal(suggest_closest(&b, "ab", names, 4), 3);
	assert_string_equal(b.p, "'ab1', 'ab2' or 'ab3'");
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_distance_cases),
		cmocka_unit_test(test_suggest_closest_picks_nearest),
		cmocka_unit_test(test_suggest_closest_three_at_most),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
