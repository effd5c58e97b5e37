/* wire.c: request bodies and headers, response and error bodies. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "jsonw.h"
#include "wire.h"

void
wire_request_url(const struct apiconfig_entry *e, size_t i, struct buf *url)
{
	const char *base = e->endpoints[i].api_base;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_add(url, base, n);
	if (e->api_type == APICONFIG_OPENAI)
		buf_adds(url, "/chat/completions");
	else if (n >= 3 && memcmp(base + n - 3, "/v1", 3) == 0)
		buf_adds(url, "/messages");
	else
		buf_adds(url, "/v1/messages");
}

void
wire_request_headers(const struct apiconfig_entry *e, size_t i,
    struct buf *h)
{
	const char *key = e->endpoints[i].api_key;

	buf_adds(h, "Content-Type: application/json\n");
	if (e->api_type == APICONFIG_ANTHROPIC) {
		if (key != NULL)
			buf_printf(h, "x-api-key: %s\n", key);
		buf_adds(h, "anthropic-version: 2023-06-01\n");
	} else if (key != NULL)
		buf_printf(h, "Authorization: Bearer %s\n", key);
	/* curl would wait up to 1 s for "100 Continue" on large bodies. */
	buf_adds(h, "Expect:\n");
}

static void
add_member_name(struct buf *b, const char *name, int *first)
{
	if (!*first)
		buf_addc(b, ',');
	*first = 0;
	jsonw_string(b, name, strlen(name), JSONW_COMPACT);
	buf_addc(b, ':');
}

static void
add_messages(struct buf *b, const struct request_message *m, size_t n)
{
	size_t i;
	int first = 1;

	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (!first)
			buf_addc(b, ',');
		first = 0;
		buf_adds(b, "{\"role\":");
		jsonw_string(b, m[i].role, strlen(m[i].role), JSONW_COMPACT);
		buf_adds(b, ",\"content\":");
		jsonw_string(b, m[i].content, m[i].len, JSONW_COMPACT);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

void
wire_request_body(const struct apiconfig_entry *e,
    const struct request_message *m, size_t n, double temperature,
    long long max_tokens, struct buf *b)
{
	json_t *params = request_params_new(temperature, max_tokens,
	    e->extra_body);
	const char *k;
	json_t *v;
	int first = 1;

	buf_addc(b, '{');
	add_member_name(b, "model", &first);
	jsonw_string(b, e->model_name, strlen(e->model_name), JSONW_COMPACT);
	if (e->api_type == APICONFIG_OPENAI) {
		add_member_name(b, "messages", &first);
		add_messages(b, m, n);
		json_object_foreach(params, k, v) {
			add_member_name(b, k, &first);
			jsonw_dump(b, v, JSONW_COMPACT);
		}
	} else {
		add_member_name(b, "max_tokens", &first);
		jsonw_dump(b, json_object_get(params, "max_tokens"),
		    JSONW_COMPACT);
		add_member_name(b, "temperature", &first);
		jsonw_dump(b, json_object_get(params, "temperature"),
		    JSONW_COMPACT);
		if (n > 0 && strcmp(m[0].role, "system") == 0) {
			add_member_name(b, "system", &first);
			jsonw_string(b, m[0].content, m[0].len,
			    JSONW_COMPACT);
			m++;
			n--;
		}
		add_member_name(b, "messages", &first);
		add_messages(b, m, n);
		json_object_foreach(params, k, v) {
			if (strcmp(k, "max_tokens") == 0 ||
			    strcmp(k, "temperature") == 0)
				continue;
			add_member_name(b, k, &first);
			jsonw_dump(b, v, JSONW_COMPACT);
		}
	}
	buf_addc(b, '}');
	json_decref(params);
}

/* Copy at most max bytes of s into dst as one printable line. */
static void
snippet(char *dst, size_t dstlen, const char *s, size_t n, size_t max)
{
	size_t i, j = 0, start, need;
	unsigned char lead;

	if (n > max)
		n = max;
	for (i = 0; i < n && j + 1 < dstlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		dst[j++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	/* Do not end inside a UTF-8 sequence: drop an incomplete last one. */
	start = j;
	while (start > 0 && ((unsigned char)dst[start - 1] & 0xc0) == 0x80)
		start--;
	if (start > 0 && (unsigned char)dst[start - 1] >= 0xc0) {
		lead = (unsigned char)dst[start - 1];
		need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (j - (start - 1) < need)
			j = start - 1;
	}
	dst[j] = '\0';
}

/* The error message of an API error body, or a snippet of the body. */
static void
error_text(char *dst, size_t dstlen, long status, const char *body,
    size_t len)
{
	json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
	const json_t *err, *msg = NULL;
	char s[300];

	s[0] = '\0';
	if (root != NULL && json_is_object(root)) {
		err = json_object_get(root, "error");
		if (json_is_object(err))
			msg = json_object_get(err, "message");
		else if (json_is_string(err))
			msg = err;
		if (msg == NULL)
			msg = json_object_get(root, "message");
		if (json_is_string(msg)) {
			snippet(s, sizeof(s), json_string_value(msg),
			    json_string_length(msg), 240);
		}
	}
	/* A page that is not JSON (a proxy's, say): quote its start. */
	if (root == NULL && len > 0)
		snippet(s, sizeof(s), body, len, 120);
	json_decref(root);
	if (s[0] != '\0')
		snprintf(dst, dstlen, "HTTP %ld: %s", status, s);
	else
		snprintf(dst, dstlen, "HTTP %ld", status);
}

static long long
int_member(const json_t *o, const char *k, long long dflt)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

void
wire_usage_parse(enum apiconfig_type t, const json_t *u,
    struct wire_usage *out)
{
	const json_t *det;

	memset(out, 0, sizeof(*out));
	out->reasoning_tokens = -1;
	out->cached_tokens = -1;
	if (!json_is_object(u))
		return;
	out->present = 1;
	if (t == APICONFIG_OPENAI) {
		out->prompt_tokens = int_member(u, "prompt_tokens", 0);
		out->completion_tokens = int_member(u, "completion_tokens", 0);
		out->total_tokens = int_member(u, "total_tokens",
		    out->prompt_tokens + out->completion_tokens);
		det = json_object_get(u, "prompt_tokens_details");
		if (json_is_object(det))
			out->cached_tokens = int_member(det, "cached_tokens",
			    -1);
		det = json_object_get(u, "completion_tokens_details");
		if (json_is_object(det))
			out->reasoning_tokens = int_member(det,
			    "reasoning_tokens", -1);
	} else {
		/* Anthropic's input_tokens leaves out the cached ones. */
		out->cached_tokens = int_member(u, "cache_read_input_tokens",
		    -1);
		out->prompt_tokens = int_member(u, "input_tokens", 0) +
		    int_member(u, "cache_creation_input_tokens", 0) +
		    (out->cached_tokens > 0 ? out->cached_tokens : 0);
		out->completion_tokens = int_member(u, "output_tokens", 0);
		out->total_tokens = out->prompt_tokens +
		    out->completion_tokens;
	}
}

static int
fail(struct wire_response *out, int retryable, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct wire_response *out, int retryable, const char *fmt, ...)
{
	va_list ap;

	out->retryable = retryable;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return -1;
}

static int
parse_openai(const json_t *root, struct wire_response *out)
{
	const json_t *ch, *msg, *content, *fr;

	ch = json_array_get(json_object_get(root, "choices"), 0);
	msg = json_object_get(ch, "message");
	content = json_object_get(msg, "content");
	if (!json_is_string(content))
		return -1;
	out->text = xstrndup(json_string_value(content),
	    json_string_length(content));
	out->text_len = json_string_length(content);
	fr = json_object_get(ch, "finish_reason");
	if (json_is_string(fr))
		out->finish_reason = xstrdup(json_string_value(fr));
	wire_usage_parse(APICONFIG_OPENAI, json_object_get(root, "usage"),
	    &out->usage);
	return 0;
}

static int
parse_anthropic(const json_t *root, struct wire_response *out)
{
	const json_t *content, *blk, *fr;
	struct buf b;
	size_t i;

	content = json_object_get(root, "content");
	if (!json_is_array(content))
		return -1;
	buf_init(&b);
	/* All text blocks in order (upstream kept only block 0). */
	json_array_foreach(content, i, blk) {
		const json_t *ty = json_object_get(blk, "type");
		const json_t *tx = json_object_get(blk, "text");

		if (json_is_string(ty) &&
		    strcmp(json_string_value(ty), "text") == 0 &&
		    json_is_string(tx))
			buf_add(&b, json_string_value(tx),
			    json_string_length(tx));
	}
	out->text = buf_detach(&b, &out->text_len);
	fr = json_object_get(root, "stop_reason");
	if (json_is_string(fr))
		out->finish_reason = xstrdup(json_string_value(fr));
	wire_usage_parse(APICONFIG_ANTHROPIC, json_object_get(root, "usage"),
	    &out->usage);
	return 0;
}

int
wire_response_parse(enum apiconfig_type t, long status, const char *body,
    size_t len, struct wire_response *out)
{
	json_t *root;
	json_error_t je;
	int r;

	memset(out, 0, sizeof(*out));
	out->usage.reasoning_tokens = -1;
	out->usage.cached_tokens = -1;
	if (status < 200 || status > 299) {
		error_text(out->error, sizeof(out->error), status, body, len);
		out->retryable = status == 408 || status == 409 ||
		    status == 429 || (status >= 500 && status <= 599);
		return -1;
	}
	root = json_loadb(body, len, JSON_ALLOW_NUL, &je);
	if (root == NULL)
		return fail(out, 1, "invalid JSON in HTTP %ld response: %s",
		    status, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(out, 1, "HTTP %ld response is not a JSON object",
		    status);
	}
	if (t == APICONFIG_OPENAI)
		r = parse_openai(root, out);
	else
		r = parse_anthropic(root, out);
	if (r == -1) {
		/* The API can return 200 with an error body: quote it. */
		if (json_object_get(root, "error") != NULL) {
			char e[400];

			error_text(e, sizeof(e), status, body, len);
			fail(out, 0, "%s", e);
		} else
			fail(out, 0, "HTTP %ld response without content",
			    status);
	}
	json_decref(root);
	return r;
}

void
wire_response_release(struct wire_response *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->finish_reason);
	r->text = NULL;
	r->finish_reason = NULL;
}

static int
parse_number(const char *s, double *out)
{
	char *end;
	double v;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	v = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

double
wire_retry_after_ms(const char *retry_after, const char *retry_after_ms,
    time_t now)
{
	double v;
	struct tm tm;
	const char *end;

	if (retry_after_ms != NULL && parse_number(retry_after_ms, &v) == 0)
		return v;
	if (retry_after == NULL)
		return -1;
	if (parse_number(retry_after, &v) == 0)
		return v * 1000.0;
	/* An HTTP-date (IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT". */
	memset(&tm, 0, sizeof(tm));
	while (isspace((unsigned char)*retry_after))
		retry_after++;
	end = strptime(retry_after, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL)
		return -1;
	v = difftime(timegm(&tm), now);
	return v > 0 ? v * 1000.0 : 0;
}

int
wire_header(const char *p, size_t n, const char *name, const char **val,
    size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0)
		return 0;
	p += k + 1;
	n -= k + 1;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' ||
	    p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*val = p;
	*vlen = n;
	return 1;
}

void
wire_ratelimit_init(struct wire_ratelimit *rl)
{
	static const struct pace_seen none = { -1, -1, -1 };

	rl->req = rl->tok = none;
}

double
wire_duration_ms(const char *s, size_t n)
{
	static const struct {
		const char *name;
		double ms;
	} units[] = {
		{ "ms", 1 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 },
		{ "ns", 1e-6 }, { "h", 3600e3 },
		{ "m", 60e3 }, { "s", 1e3 },
	};
	char num[32];
	double total = 0, v;
	size_t i, k, len;

	if (n == 0)
		return -1;
	while (n > 0) {
		for (k = 0; k < n && (isdigit((unsigned char)s[k]) ||
		    s[k] == '.'); k++)
			;
		if (k == 0 || k >= sizeof(num))
			return -1;
		memcpy(num, s, k);
		num[k] = '\0';
		s += k;
		n -= k;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			len = strlen(units[i].name);
			if (n >= len && memcmp(s, units[i].name, len) == 0)
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]) ||
		    parse_number(num, &v) == -1)
			return -1;
		total += v * units[i].ms;
		s += len;
		n -= len;
	}
	return total;
}

/* Milliseconds from now to the RFC 3339 time s[0..n); -1: no such time. */
static double
rfc3339_ms(const char *s, size_t n, double now)
{
	char buf[64], *end;
	struct tm tm;
	double frac = 0, off = 0;
	int oh, om;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*end == '.')
		frac = strtod(end, &end);
	if (*end == 'Z' || *end == 'z')
		end++;
	else if ((*end == '+' || *end == '-') && sscanf(end + 1, "%2d:%2d",
	    &oh, &om) == 2) {
		off = (*end == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
		end += 6;
	} else
		return -1;
	if (*end != '\0')
		return -1;
	return fmax(0, ((double)timegm(&tm) + frac - off - now) * 1000);
}

int
wire_ratelimit_header(const char *p, size_t n, double now,
    struct wire_ratelimit *rl)
{
	static const struct {
		const char *name;
		int tokens;		/* 0 requests, 1 tokens */
		int what;		/* 0 limit, 1 remaining, 2 reset */
		int rfc3339;		/* reset as a time, not a duration */
	} h[] = {
		{ "x-ratelimit-limit-requests", 0, 0, 0 },
		{ "x-ratelimit-remaining-requests", 0, 1, 0 },
		{ "x-ratelimit-reset-requests", 0, 2, 0 },
		{ "x-ratelimit-limit-tokens", 1, 0, 0 },
		{ "x-ratelimit-remaining-tokens", 1, 1, 0 },
		{ "x-ratelimit-reset-tokens", 1, 2, 0 },
		{ "anthropic-ratelimit-requests-limit", 0, 0, 1 },
		{ "anthropic-ratelimit-requests-remaining", 0, 1, 1 },
		{ "anthropic-ratelimit-requests-reset", 0, 2, 1 },
		{ "anthropic-ratelimit-tokens-limit", 1, 0, 1 },
		{ "anthropic-ratelimit-tokens-remaining", 1, 1, 1 },
		{ "anthropic-ratelimit-tokens-reset", 1, 2, 1 },
	};
	struct pace_seen *seen;
	const char *v;
	char num[64];
	size_t i, vl;
	double x;

	if (n < 2 || (p[0] != 'x' && p[0] != 'X' && p[0] != 'a' &&
	    p[0] != 'A'))
		return 0;
	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (wire_header(p, n, h[i].name, &v, &vl))
			break;
	if (i == sizeof(h) / sizeof(h[0]))
		return 0;
	seen = h[i].tokens ? &rl->tok : &rl->req;
	if (h[i].what == 2) {
		x = h[i].rfc3339 ? rfc3339_ms(v, vl, now) :
		    wire_duration_ms(v, vl);
		if (x >= 0)
			seen->reset_ms = x;
		return 1;
	}
	if (vl >= sizeof(num))
		return 1;
	memcpy(num, v, vl);
	num[vl] = '\0';
	if (parse_number(num, &x) == 0) {
		if (h[i].what == 0)
			seen->limit = x;
		else
			seen->remaining = x;
	}
	return 1;
}
