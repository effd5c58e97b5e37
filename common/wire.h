/* wire.h: the wire format of the two chat APIs: request URL, headers and
 * body, response and error bodies, response headers, delays asked for. */
#ifndef JUDGEPIPE_WIRE_H
#define JUDGEPIPE_WIRE_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "apiconfig.h"
#include "buf.h"
#include "pace.h"
#include "request.h"

/*
 * Everything here is pure: no I/O, no clock (callers pass the time), no
 * libcurl.  llm.c sends what these functions build and hands them what
 * comes back.
 */

/*
 * Token counts of one call, as the API reported them.  prompt_tokens
 * counts every prompt token, those read from the provider's prompt cache
 * (cached_tokens) included: OpenAI's prompt_tokens, Anthropic's
 * input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
 */
struct wire_usage {
	int present;			/* 0: the response had no usage */
	long long prompt_tokens;
	long long cached_tokens;	/* -1 when not reported */
	long long completion_tokens;
	long long total_tokens;
	long long reasoning_tokens;	/* -1 when not reported */
};

/*
 * Append the URL of endpoint i of e to url: openai "{api_base}/chat/
 * completions", anthropic "{api_base}/v1/messages" (without a second "/v1"
 * when api_base ends in "/v1").
 */
void wire_request_url(const struct apiconfig_entry *e, size_t i,
    struct buf *url);

/*
 * Append the request headers for endpoint i, one "Name: value\n" line each:
 * content type, authentication (Authorization: Bearer KEY, or x-api-key and
 * anthropic-version; none without a key) and an empty "Expect:".  The
 * output contains the key: never print it.
 */
void wire_request_headers(const struct apiconfig_entry *e, size_t i,
    struct buf *headers);

/*
 * Append the JSON request body for messages m[0..n) to body:
 * openai {"model", "messages", "temperature", "max_tokens", extra_body...};
 * anthropic {"model", "max_tokens", "temperature", "system" (when
 * m[0] is a system message), "messages", extra_body...}.
 */
void wire_request_body(const struct apiconfig_entry *e,
    const struct request_message *m, size_t n, double temperature,
    long long max_tokens, struct buf *body);

/* A parsed attempt (wire_response_parse). */
struct wire_response {
	char *text;			/* malloc'ed, NUL-terminated (ok) */
	size_t text_len;
	char *finish_reason;		/* malloc'ed or NULL */
	struct wire_usage usage;
	int retryable;			/* on failure: 1 temporary, 0 not */
	char error[512];		/* on failure: a one-line reason */
};

/*
 * Interpret an HTTP status and body of API type t.  Returns 0 with text,
 * finish_reason and usage filled for a usable 2xx response; -1 otherwise,
 * with error set and retryable as the client needs it (2xx with invalid
 * JSON, 408, 409, 429, 5xx: retryable; other 4xx and a 2xx without usable
 * content: not).
 * Error bodies ({"error": {"message"...}}) are quoted in error.  The caller
 * applies x-should-retry.  Release out with wire_response_release.
 */
int wire_response_parse(enum apiconfig_type t, long status, const char *body,
    size_t len, struct wire_response *out);

void wire_response_release(struct wire_response *r);

/*
 * Read a usage object of API type t into out: openai {prompt_tokens,
 * completion_tokens, total_tokens, prompt_tokens_details.cached_tokens,
 * completion_tokens_details.reasoning_tokens}, anthropic {input_tokens,
 * output_tokens, cache_read_input_tokens, cache_creation_input_tokens}.
 * A cache value's usage has the openai names.  out->present is 0 when u
 * is not an object.
 */
void wire_usage_parse(enum apiconfig_type t, const json_t *u,
    struct wire_usage *out);

/*
 * Is the header line p[0..n) (as libcurl hands it, CRLF included) the
 * header name (case-insensitive)?  Then *val and *vlen receive its value
 * without surrounding blanks and 1 is returned; else 0.
 */
int wire_header(const char *p, size_t n, const char *name, const char **val,
    size_t *vlen);

/*
 * The delay a server asks for: retry-after-ms (milliseconds, may be
 * fractional) wins over Retry-After (delta-seconds or an HTTP-date, taken
 * relative to now).  Either may be NULL.  Returns the delay in ms (>= 0),
 * or -1 when neither is present and valid.
 */
double wire_retry_after_ms(const char *retry_after, const char *retry_after_ms,
    time_t now);

/*
 * The rate limits a reply reports, requests and tokens (pace.h), from
 * OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens} (reset
 * a duration such as "1s", "6m0s", "20ms") or Anthropic's
 * anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset} (reset an
 * RFC 3339 time).  Unsaid values are -1.
 */
struct wire_ratelimit {
	struct pace_seen req, tok;
};

/* Set every value of rl to -1 (nothing said). */
void wire_ratelimit_init(struct wire_ratelimit *rl);

/*
 * If the header line p[0..n) is one of the rate-limit headers above, put
 * its value into rl and return 1; else return 0.  A reset time is taken
 * relative to now (seconds since the epoch); a value that does not parse
 * is left unsaid.
 */
int wire_ratelimit_header(const char *p, size_t n, double now,
    struct wire_ratelimit *rl);

/*
 * A duration as OpenAI writes it (Go's: decimal numbers with the units
 * h, m, s, ms, us or ns, as "6m0s", "1.5s", "20ms") of s[0..n), in
 * milliseconds; -1 when it does not parse.
 */
double wire_duration_ms(const char *s, size_t n);

#endif
