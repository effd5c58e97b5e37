/* wire_test.c: request building, response parsing and delay headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "wire.h"

#define FIXTURES "testdata/gen-answer/responses/"
#define S(lit) lit, strlen(lit)

static char *
slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *p;
	long n;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static struct apiconfig_entry *
entry(const char *yaml)
{
	struct diag d;
	struct apiconfig_entry *e;

	diag_clear(&d);
	e = apiconfig_load_entry_mem("api.yaml", yaml, strlen(yaml), "m", &d);
	if (e == NULL)
		fail_msg("%s", d.msg);
	return e;
}

static void
test_wire_request_openai(void **state)
{
	struct apiconfig_entry *e = entry(
	    "m:\n  model_name: gpt-4o-mini\n"
	    "  endpoints:\n    - api_base: http://127.0.0.1:9/v1/\n"
	    "      api_key: sk-test\n"
	    "  extra_body: {top_p: 1.0, temperature: 0.5}\n");
	struct request_message m[] = {
		{ "system", "sys", 3 },
		{ "user", "q\"\xc3\xa9\n\0x", 7 },
	};
	struct buf b;

	buf_init(&b);
	wire_request_url(e, 0, &b);
	assert_string_equal(b.p, "http://127.0.0.1:9/v1/chat/completions");
	buf_reset(&b);
	wire_request_headers(e, 0, &b);
	assert_string_equal(b.p, "Content-Type: application/json\n"
	    "Authorization: Bearer sk-test\nExpect:\n");
	buf_reset(&b);
	wire_request_body(e, m, 2, 0.0, 4096, &b);
	/* extra_body wins over the sampling parameters it repeats. */
	assert_string_equal(b.p, "{\"model\":\"gpt-4o-mini\",\"messages\":["
	    "{\"role\":\"system\",\"content\":\"sys\"},"
	    "{\"role\":\"user\",\"content\":\"q\\\"\xc3\xa9\\n\\u0000x\"}],"
	    "\"temperature\":0.5,\"max_tokens\":4096,\"top_p\":1.0}");
	buf_release(&b);
	apiconfig_entry_free(e);
}

static void
test_wire_request_anthropic(void **state)
{
	struct apiconfig_entry *e = entry(
	    "m:\n  model_name: claude-3-7-sonnet-20250219\n"
	    "  api_type: anthropic\n"
	    "  endpoints:\n    - api_base: http://h/v1\n      api_key: k1\n"
	    "    - api_base: http://h2\n");
	struct request_message m[] = {
		{ "system", "S", 1 },
		{ "user", "U", 1 },
		{ "assistant", "A", 1 },
		{ "user", "V", 1 },
	};
	struct buf b;

	buf_init(&b);
	wire_request_url(e, 0, &b);
	assert_string_equal(b.p, "http://h/v1/messages");
	buf_reset(&b);
	wire_request_url(e, 1, &b);
	assert_string_equal(b.p, "http://h2/v1/messages");
	buf_reset(&b);
	wire_request_headers(e, 0, &b);
	assert_string_equal(b.p, "Content-Type: application/json\n"
	    "x-api-key: k1\nanthropic-version: 2023-06-01\nExpect:\n");
	buf_reset(&b);
	/* No key at all: no authentication header. */
	wire_request_headers(e, 1, &b);
	assert_string_equal(b.p, "Content-Type: application/json\n"
	    "anthropic-version: 2023-06-01\nExpect:\n");
	buf_reset(&b);
	wire_request_body(e, m, 4, 0.7, 100, &b);
	assert_string_equal(b.p, "{\"model\":\"claude-3-7-sonnet-20250219\","
	    "\"max_tokens\":100,\"temperature\":0.7,\"system\":\"S\","
	    "\"messages\":[{\"role\":\"user\",\"content\":\"U\"},"
	    "{\"role\":\"assistant\",\"content\":\"A\"},"
	    "{\"role\":\"user\",\"content\":\"V\"}]}");
	buf_reset(&b);
	wire_request_body(e, m + 1, 1, 0.0, 5, &b);
	assert_string_equal(b.p, "{\"model\":\"claude-3-7-sonnet-20250219\","
	    "\"max_tokens\":5,\"temperature\":0.0,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"U\"}]}");
	buf_release(&b);
	apiconfig_entry_free(e);
}

static void
test_wire_response_parse_openai_ok(void **state)
{
	struct wire_response r;
	size_t n;
	char *body = slurp("openai-ok.json", &n);

	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200, body, n,
	    &r), 0);
	assert_int_equal(r.text_len, strlen("# \xec\x95\x88\xeb\x85\x95\xed"
	    "\x95\x98\xec\x84\xb8\xec\x9a\x94\n\nHello ") + 1 +
	    strlen(" world \xe2\x80\xa8."));
	assert_memory_equal(r.text, "# \xec\x95\x88\xeb\x85\x95\xed\x95\x98"
	    "\xec\x84\xb8\xec\x9a\x94\n\nHello \0 world \xe2\x80\xa8.",
	    r.text_len);
	assert_string_equal(r.finish_reason, "stop");
	assert_int_equal(r.usage.present, 1);
	assert_int_equal(r.usage.prompt_tokens, 19);
	assert_int_equal(r.usage.completion_tokens, 10);
	assert_int_equal(r.usage.total_tokens, 29);
	assert_int_equal(r.usage.cached_tokens, 0);
	assert_int_equal(r.usage.reasoning_tokens, 4);
	wire_response_release(&r);
	free(body);
}

static void
test_wire_response_parse_anthropic_ok(void **state)
{
	struct wire_response r;
	size_t n;
	char *body = slurp("anthropic-ok.json", &n);

	assert_int_equal(wire_response_parse(APICONFIG_ANTHROPIC, 200, body, n,
	    &r), 0);
	/* Every text block, in order; thinking blocks are not text. */
	assert_string_equal(r.text, "Part one. Part two.");
	assert_string_equal(r.finish_reason, "max_tokens");
	assert_int_equal(r.usage.prompt_tokens, 2095);
	assert_int_equal(r.usage.completion_tokens, 503);
	assert_int_equal(r.usage.total_tokens, 2598);
	assert_int_equal(r.usage.cached_tokens, -1);
	assert_int_equal(r.usage.reasoning_tokens, -1);
	wire_response_release(&r);
	free(body);
}

static void
test_wire_response_parse_errors(void **state)
{
	struct wire_response r;
	size_t n;
	char *body = slurp("openai-429.json", &n);
	static const struct {
		long status;
		int retryable;
	} st[] = {
		{ 400, 0 }, { 401, 0 }, { 403, 0 }, { 404, 0 }, { 408, 1 },
		{ 409, 1 }, { 422, 0 }, { 429, 1 }, { 500, 1 }, { 502, 1 },
		{ 503, 1 }, { 529, 1 }, { 599, 1 }, { 301, 0 },
	};
	size_t i;

	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 429, body, n,
	    &r), -1);
	assert_int_equal(r.retryable, 1);
	/* One line: the newline of the message became a space. */
	assert_string_equal(r.error, "HTTP 429: Rate limit reached for "
	    "gpt-4o-mini in organization org-xyz on tokens per min (TPM): "
	    "Limit 200000, Used 199000, Requested 2000. Please try again in "
	    "300ms.");
	assert_null(r.text);
	wire_response_release(&r);
	free(body);
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		assert_int_equal(wire_response_parse(APICONFIG_OPENAI,
		    st[i].status, "{}", 2, &r), -1);
		assert_int_equal(r.retryable, st[i].retryable);
	}
	body = slurp("anthropic-overloaded.json", &n);
	assert_int_equal(wire_response_parse(APICONFIG_ANTHROPIC, 529, body, n,
	    &r), -1);
	assert_string_equal(r.error, "HTTP 529: Overloaded");
	assert_int_equal(r.retryable, 1);
	free(body);
	/* A non-JSON error page is quoted, shortened, on one line. */
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 502,
	    S("<html>\r\nBad gateway</html>"), &r), -1);
	assert_string_equal(r.error, "HTTP 502: <html>  Bad gateway</html>");
}

static void
test_wire_response_parse_unusable(void **state)
{
	struct wire_response r;
	size_t n;
	char *body = slurp("openai-null-content.json", &n);

	/* null content: a failure that no retry fixes. */
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200, body, n,
	    &r), -1);
	assert_int_equal(r.retryable, 0);
	assert_string_equal(r.error, "HTTP 200 response without content");
	free(body);
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200,
	    S("{\"choices\": []}"), &r), -1);
	assert_int_equal(r.retryable, 0);
	/* 200 with an error body. */
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200,
	    S("{\"error\": {\"message\": \"bad\"}}"), &r), -1);
	assert_int_equal(r.retryable, 0);
	assert_string_equal(r.error, "HTTP 200: bad");
	/* A cut body is not valid JSON: retryable. */
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200,
	    S("{\"choices\": [{\"mess"), &r), -1);
	assert_int_equal(r.retryable, 1);
	assert_int_equal(wire_response_parse(APICONFIG_ANTHROPIC, 200,
	    S("[1]"), &r), -1);
	assert_int_equal(r.retryable, 1);
	assert_int_equal(wire_response_parse(APICONFIG_ANTHROPIC, 200,
	    S("{\"type\": \"message\"}"), &r), -1);
	assert_int_equal(r.retryable, 0);
	/* "" is a valid answer. */
	assert_int_equal(wire_response_parse(APICONFIG_OPENAI, 200,
	    S("{\"choices\": [{\"message\": {\"content\": \"\"}}]}"), &r), 0);
	assert_int_equal(r.text_len, 0);
	assert_null(r.finish_reason);
	assert_int_equal(r.usage.present, 0);
	wire_response_release(&r);
}

static void
test_wire_retry_after_ms(void **state)
{
	time_t now = 784111777;		/* Sun, 06 Nov 1994 08:49:37 GMT */

	assert_true(wire_retry_after_ms(NULL, NULL, now) == -1);
	assert_true(wire_retry_after_ms("2", NULL, now) == 2000);
	assert_true(wire_retry_after_ms(" 0 ", NULL, now) == 0);
	assert_true(wire_retry_after_ms("1.5", NULL, now) == 1500);
	assert_true(wire_retry_after_ms("2", "250", now) == 250);
	assert_true(wire_retry_after_ms("2", "12.5", now) == 12.5);
	assert_true(wire_retry_after_ms("2", "junk", now) == 2000);
	assert_true(wire_retry_after_ms("-1", NULL, now) == -1);
	assert_true(wire_retry_after_ms("soon", NULL, now) == -1);
	assert_true(wire_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", NULL,
	    now) == 10000);
	assert_true(wire_retry_after_ms("Sun, 06 Nov 1994 08:00:00 GMT", NULL,
	    now) == 0);
}

static void
test_wire_header(void **state)
{
	static const char line[] = "Retry-After:  12 \r\n";
	const char *v;
	size_t n;

	assert_int_equal(wire_header(S(line), "retry-after", &v, &n), 1);
	assert_int_equal(n, 2);
	assert_memory_equal(v, "12", 2);
	assert_int_equal(wire_header(S(line), "retry-after-ms", &v, &n), 0);
	assert_int_equal(wire_header(S("Retry-Afte: 1\r\n"), "retry-after",
	    &v, &n), 0);
	assert_int_equal(wire_header(S("x-should-retry:\r\n"),
	    "X-Should-Retry", &v, &n), 1);
	assert_int_equal(n, 0);
}

/* Prompt tokens served from the provider's prompt cache. */
static void
test_wire_usage_cached(void **state)
{
	json_t *u;
	struct wire_usage w;

	u = json_pack("{s:i,s:i,s:i,s:{s:i}}", "prompt_tokens", 2006,
	    "completion_tokens", 300, "total_tokens", 2306,
	    "prompt_tokens_details", "cached_tokens", 1920);
	wire_usage_parse(APICONFIG_OPENAI, u, &w);
	assert_int_equal(w.prompt_tokens, 2006);
	assert_int_equal(w.cached_tokens, 1920);
	assert_int_equal(w.completion_tokens, 300);
	json_decref(u);
	/* Anthropic counts cache reads and writes apart from input_tokens. */
	u = json_pack("{s:i,s:i,s:i,s:i}", "input_tokens", 21,
	    "cache_creation_input_tokens", 188, "cache_read_input_tokens",
	    1800, "output_tokens", 393);
	wire_usage_parse(APICONFIG_ANTHROPIC, u, &w);
	assert_int_equal(w.prompt_tokens, 21 + 188 + 1800);
	assert_int_equal(w.cached_tokens, 1800);
	assert_int_equal(w.completion_tokens, 393);
	assert_int_equal(w.total_tokens, 21 + 188 + 1800 + 393);
	json_decref(u);
	/* A cache value's usage: no details. */
	u = json_pack("{s:i,s:i,s:i}", "prompt_tokens", 5,
	    "completion_tokens", 7, "total_tokens", 12);
	wire_usage_parse(APICONFIG_OPENAI, u, &w);
	assert_int_equal(w.cached_tokens, -1);
	assert_int_equal(w.reasoning_tokens, -1);
	json_decref(u);
	wire_usage_parse(APICONFIG_OPENAI, NULL, &w);
	assert_int_equal(w.present, 0);
}

/* Durations as OpenAI's reset headers write them. */
static void
test_wire_duration_ms(void **state)
{
#define D(s) wire_duration_ms(s, strlen(s))
	(void)state;
	assert_true(D("1s") == 1000);
	assert_true(D("6m0s") == 360000);
	assert_true(D("20ms") == 20);
	assert_true(D("1.5s") == 1500);
	assert_true(D("59.121s") > 59120.99 && D("59.121s") < 59121.01);
	assert_true(D("1h2m3s") == 3723000);
	assert_true(D("250us") == 0.25);
	assert_true(D("250\xc2\xb5s") == 0.25);
	assert_true(D("") == -1);
	assert_true(D("5") == -1);
	assert_true(D("s") == -1);
	assert_true(D("5x") == -1);
	assert_true(D("-1s") == -1);
#undef D
}

/* The rate-limit headers of both APIs. */
static void
test_wire_ratelimit_header(void **state)
{
	static const char *openai[] = {
		"x-ratelimit-limit-requests: 600\r\n",
		"x-ratelimit-remaining-requests: 599\r\n",
		"x-ratelimit-reset-requests: 100ms\r\n",
		"X-RateLimit-Limit-Tokens: 150000\r\n",
		"x-ratelimit-remaining-tokens: 149984\r\n",
		"x-ratelimit-reset-tokens: 6m0s\r\n",
	};
	static const char *anthropic[] = {
		"anthropic-ratelimit-requests-limit: 50\r\n",
		"anthropic-ratelimit-requests-remaining: 49\r\n",
		"anthropic-ratelimit-requests-reset: 2025-03-27T18:04:06Z\r\n",
		"anthropic-ratelimit-tokens-limit: 40000\r\n",
		"anthropic-ratelimit-tokens-remaining: 39000\r\n",
		"anthropic-ratelimit-tokens-reset: "
		    "2025-03-27T20:04:05.5+02:00\r\n",
	};
	/* 2025-03-27T18:04:05Z */
	double now = 1743098645;
	struct wire_ratelimit rl;
	size_t i;

	(void)state;
	wire_ratelimit_init(&rl);
	for (i = 0; i < 6; i++)
		assert_int_equal(wire_ratelimit_header(openai[i],
		    strlen(openai[i]), now, &rl), 1);
	assert_true(rl.req.limit == 600 && rl.req.remaining == 599 &&
	    rl.req.reset_ms == 100);
	assert_true(rl.tok.limit == 150000 && rl.tok.remaining == 149984 &&
	    rl.tok.reset_ms == 360000);
	wire_ratelimit_init(&rl);
	for (i = 0; i < 6; i++)
		assert_int_equal(wire_ratelimit_header(anthropic[i],
		    strlen(anthropic[i]), now, &rl), 1);
	assert_true(rl.req.limit == 50 && rl.req.remaining == 49 &&
	    rl.req.reset_ms == 1000);
	assert_true(rl.tok.limit == 40000 && rl.tok.remaining == 39000 &&
	    rl.tok.reset_ms == 500);
	/* Past resets are 0; bad values are unsaid; others are not ours. */
	wire_ratelimit_init(&rl);
	assert_int_equal(wire_ratelimit_header(
	    "anthropic-ratelimit-requests-reset: 2020-01-01T00:00:00Z\r\n",
	    58, now, &rl), 1);
	assert_true(rl.req.reset_ms == 0);
	assert_int_equal(wire_ratelimit_header(
	    "x-ratelimit-limit-requests: lots\r\n", 34, now, &rl), 1);
	assert_int_equal(wire_ratelimit_header(
	    "x-ratelimit-reset-tokens: soon\r\n", 32, now, &rl), 1);
	assert_true(rl.req.limit == -1 && rl.tok.reset_ms == -1);
	assert_int_equal(wire_ratelimit_header(
	    "x-request-id: req_123\r\n", 23, now, &rl), 0);
	assert_int_equal(wire_ratelimit_header("retry-after: 1\r\n", 16, now,
	    &rl), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_request_openai),
		cmocka_unit_test(test_wire_request_anthropic),
		cmocka_unit_test(test_wire_response_parse_openai_ok),
		cmocka_unit_test(test_wire_response_parse_anthropic_ok),
		cmocka_unit_test(test_wire_response_parse_errors),
		cmocka_unit_test(test_wire_response_parse_unusable),
		cmocka_unit_test(test_wire_retry_after_ms),
		cmocka_unit_test(test_wire_header),
		cmocka_unit_test(test_wire_usage_cached),
		cmocka_unit_test(test_wire_duration_ms),
		cmocka_unit_test(test_wire_ratelimit_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
