/* mockserver_fuzz.c: libFuzzer target for mock-llm's request parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mockreply.h"
#include "mockserver.h"

/*
 * The input is what a client sends on one connection.  It is taken apart
 * as the server does (empty lines between requests skipped, each head
 * parsed, the body framed by Content-Length) and the bodies of the two
 * API routes go through mock-llm's request parser and reply, so that
 * pipelined requests, bad heads and bad JSON bodies are all covered.
 */

#define MAX_BODY	(64 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Is p[0..n) inside the head h[0..hn)? */
static int
within(const char *p, size_t n, const char *h, size_t hn)
{
	return p >= h && n <= hn && (size_t)(p - h) <= hn - n;
}

static void
answer(const char *target, size_t tlen, const char *body, size_t len)
{
	static struct mockreply_config cfg;
	static int init;
	const char *qm = memchr(target, '?', tlen);
	size_t plen = qm != NULL ? (size_t)(qm - target) : tlen;
	struct mockreply_request r;
	struct mockreply_result res;
	enum mockreply_api api;
	struct diag d;
	struct buf b;

	if (plen == 20 && memcmp(target, "/v1/chat/completions", 20) == 0)
		api = MOCKREPLY_OPENAI;
	else if (plen == 12 && memcmp(target, "/v1/messages", 12) == 0)
		api = MOCKREPLY_ANTHROPIC;
	else
		return;
	if (!init) {
		mockreply_config_init(&cfg);
		init = 1;
	}
	buf_init(&b);
	if (mockreply_request_parse(&r, api, body, len, 0, &d) == 0) {
		mockreply_respond(&cfg, &r, 0, 0, &res, &b);
		if (res.status < 100 || res.status > 599)
			abort();
	}
	mockreply_request_release(&r);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t n = size, hl;
	struct mockserver_req q;
	int st, i;

	for (i = 0; i < 64; i++) {
		while (n > 0 && (*p == '\r' || *p == '\n')) {
			p++;
			n--;
		}
		if (n == 0)
			break;
		st = mockserver_parse_head(p, n, &q, &hl);
		if (st != 0) {
			if (st != 400 && st != 431)
				abort();
			break;
		}
		if (hl == 0)
			break;		/* incomplete: the server waits */
		if (hl > n || q.method_len == 0 || q.target_len == 0 ||
		    !within(q.method, q.method_len, p, hl) ||
		    !within(q.target, q.target_len, p, hl) ||
		    (q.has_authz && !within(q.authz, q.authz_len, p, hl)) ||
		    (q.has_xkey && !within(q.xkey, q.xkey_len, p, hl)) ||
		    q.minor < 0 || q.minor > 9 || q.clen < -1)
			abort();
		if (q.te || q.clen > MAX_BODY || (q.clen < 0 &&
		    q.method_len == 4 && memcmp(q.method, "POST", 4) == 0))
			break;		/* 411 or 413, then close */
		if (q.clen < 0)
			q.clen = 0;
		if (n - hl < (size_t)q.clen)
			break;
		answer(q.target, q.target_len, p + hl, (size_t)q.clen);
		p += hl + (size_t)q.clen;
		n -= hl + (size_t)q.clen;
	}
	return 0;
}
