/* request_test.c: the canonical request serialisation (the cache key). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "request.h"

static void
test_request_canonical_form(void **state)
{
	const char *eps[] = { "HTTPS://API.Example.com/v1/", "http://b/v1" };
	struct request_message msgs[] = {
		{ "system", "s\xc3\xa9", 3 },
		{ "user", "q\"\n", 3 },
	};
	json_t *extra = json_pack("{s:f,s:{s:i,s:i}}", "top_p", 1.0, "z",
	    "b", 1, "a", 2);
	json_t *params = request_params_new(0, 16384, extra);
	struct request r = { "openai", eps, 2, "gpt-4o-mini", params, msgs, 2 };
	struct buf b;
	unsigned char k1[HASH_LEN], k2[HASH_LEN];

	buf_init(&b);
	request_canonical(&r, &b);
	assert_string_equal(b.p, "[\"judgepipe-cache-v1\",\"openai\","
	    "[\"http://b/v1\",\"https://api.example.com/v1\"],\"gpt-4o-mini\","
	    "{\"max_tokens\":16384,\"temperature\":0.0,\"top_p\":1.0,"
	    "\"z\":{\"a\":2,\"b\":1}},"
	    "[[\"system\",\"s\xc3\xa9\"],[\"user\",\"q\\\"\\n\"]]]");
	request_key(&r, k1);
	msgs[1].len = 2;
	request_key(&r, k2);
	assert_memory_not_equal(k1, k2, HASH_LEN);
	buf_release(&b);
	json_decref(params);
	json_decref(extra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_canonical_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
