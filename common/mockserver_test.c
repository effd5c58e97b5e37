/* mockserver_test.c: mock-llm's request head parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mockserver.h"

static int
parse(const char *s, struct mockserver_req *q, size_t *hl)
{
	return mockserver_parse_head(s, strlen(s), q, hl);
}

static void
test_mockserver_parse_head_fields(void **state)
{
	const char *in = "POST /v1/messages?x=1 HTTP/1.0\r\n"
	    "content-length:  12 \r\nConnection: x, Keep-Alive\r\n"
	    "Expect: 100-continue\r\nx-api-key: k\r\n"
	    "Authorization: Bearer t\r\n\r\n{\"model\": 1}";
	struct mockserver_req q;
	size_t hl;

	assert_int_equal(parse(in, &q, &hl), 0);
	assert_int_equal(hl, strlen(in) - 12);
	assert_int_equal(q.method_len, 4);
	assert_memory_equal(q.method, "POST", 4);
	assert_int_equal(q.target_len, 16);
	assert_memory_equal(q.target, "/v1/messages?x=1", 16);
	assert_int_equal(q.minor, 0);
	assert_int_equal(q.clen, 12);
	assert_true(q.conn_keep);
	assert_false(q.conn_close);
	assert_true(q.expect);
	assert_false(q.te);
	assert_true(q.has_xkey);
	assert_int_equal(q.xkey_len, 1);
	assert_true(q.has_authz);
	assert_int_equal(q.authz_len, 8);
	assert_memory_equal(q.authz, "Bearer t", 8);

	/* Bare "\n" line ends; no Content-Length. */
	assert_int_equal(parse("GET /health HTTP/1.1\nHost: a\n\nGET", &q,
	    &hl), 0);
	assert_int_equal(hl, 30);
	assert_int_equal(q.clen, -1);
	assert_int_equal(q.minor, 1);
}

static void
test_mockserver_parse_head_incomplete(void **state)
{
	static const char *const in[] = {
		"", "GET /health HTTP/1.1", "GET /health HTTP/1.1\r\n",
		"GET /health HTTP/1.1\r\nHost: a\r\n\r",
	};
	struct mockserver_req q;
	size_t i, hl = 1;
	char *big;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(parse(in[i], &q, &hl), 0);
		assert_int_equal(hl, 0);
	}
	/* More than 64 KiB without the end of the head. */
	big = malloc(70000);
	assert_non_null(big);
	memset(big, 'a', 69999);
	big[69999] = '\0';
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(parse(big, &q, &hl), 431);
	big[69990] = '\n';
	big[69991] = '\n';
	assert_int_equal(parse(big, &q, &hl), 431);
	free(big);
}

static void
test_mockserver_parse_head_malformed(void **state)
{
	static const char *const in[] = {
		"GET /\r\n\r\n",
		"GET  HTTP/1.1\r\n\r\n",
		" / HTTP/1.1\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.x\r\n\r\n",
		"GET / HTTP/1.1 \r\n\r\n",
		"GET / HTTP/1.1\r\nno colon\r\n\r\n",
		"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: \r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n"
		"\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
		"\r\n",
	};
	struct mockserver_req q;
	size_t i, hl;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (parse(in[i], &q, &hl) != 400)
			fail_msg("'%s' is not 400", in[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mockserver_parse_head_fields),
		cmocka_unit_test(test_mockserver_parse_head_incomplete),
		cmocka_unit_test(test_mockserver_parse_head_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
