/* strmap_test.c: the byte-string map and FNV-1a. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "strmap.h"

static void
test_hash_fnv1a_vectors(void **state)
{
	/* Published FNV-1a 64-bit values. */
	assert_true(hash_fnv1a(HASH_FNV_INIT, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(hash_fnv1a(HASH_FNV_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(hash_fnv1a(hash_fnv1a(HASH_FNV_INIT, "foo", 3), "bar", 3) ==
	    hash_fnv1a(HASH_FNV_INIT, "foobar", 6));
}

static void
test_strmap_put_get_grow(void **state)
{
	struct strmap m = { 0 };
	char k[32];
	size_t i;

	assert_true(strmap_get(&m, "x", 1) == STRMAP_NONE);
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "key%zu", i);
		strmap_put(&m, k, strlen(k), i);
	}
	/* Keys are bytes: an embedded NUL is part of the key. */
	strmap_put(&m, "a\0b", 3, 7);
	strmap_put(&m, "key5", 4, 55);
	assert_int_equal(m.n, 1001);
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "key%zu", i);
		assert_int_equal(strmap_get(&m, k, strlen(k)), i == 5 ? 55 : i);
	}
	assert_int_equal(strmap_get(&m, "a\0b", 3), 7);
	assert_true(strmap_get(&m, "a", 1) == STRMAP_NONE);
	strmap_release(&m);
	assert_true(strmap_get(&m, "key1", 4) == STRMAP_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_fnv1a_vectors),
		cmocka_unit_test(test_strmap_put_get_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
