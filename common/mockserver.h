/* mockserver.h: mock-llm's loopback HTTP/1.1 server. */
#ifndef JUDGEPIPE_MOCKSERVER_H
#define JUDGEPIPE_MOCKSERVER_H

#include <signal.h>
#include <stddef.h>

#include "diag.h"
#include "mockreply.h"

/*
 * A single-threaded epoll server: non-blocking sockets, keep-alive,
 * pipelining, Content-Length bodies, delays as timers in the loop.  It
 * never prints; failures come back as diags.
 */

struct mockserver_opts {
	const char *bind;		/* loopback address; NULL: 127.0.0.1 */
	int port;			/* 0: any free port */
	const char *log_path;		/* JSONL request log, or NULL */
	const char *require_key;	/* API key to require, or NULL */
	unsigned long long max_requests;	/* 0: no limit */
	double idle_exit_s;		/* 0: never */
	const struct mockreply_config *reply;	/* borrowed */
	/*
	 * Rate limits over a sliding minute (ratewin.h), 0: none.  An API
	 * request admitted counts with the tokens of its reply's usage
	 * (prompt and completion); one that would pass a limit is answered
	 * 429 with Retry-After (and retry-after-ms on the OpenAI route) and
	 * does not count.  Every API reply then carries the limits: OpenAI's
	 * x-ratelimit-{limit,remaining,reset}-{requests,tokens} (reset a
	 * duration until the window is empty, as "1.5s"), or on the
	 * Anthropic route anthropic-ratelimit-{requests,tokens}-{limit,
	 * remaining,reset} (an RFC 3339 time).
	 */
	long long rpm, tpm;
};

struct mockserver;

/*
 * Check the address (a non-loopback one is EX_USAGE), raise the open-file
 * soft limit to the hard limit, open the log, bind and listen.  Returns
 * the server, or NULL with d filled.
 */
struct mockserver *mockserver_new(const struct mockserver_opts *o,
    struct diag *d);

/* The bound port, and "127.0.0.1:PORT" or "[::1]:PORT" (owned by s). */
int mockserver_port(const struct mockserver *s);
const char *mockserver_address(const struct mockserver *s);

/*
 * Serve until *stop becomes non-zero, --max-requests requests have been
 * answered, or --idle-exit seconds pass without a request.  Signals that
 * set *stop should be blocked by the caller; waitmask (may be NULL) is the
 * mask used while waiting, so they are only delivered there.  Returns 0,
 * or -1 with d filled on a system error.
 */
int mockserver_run(struct mockserver *s, volatile sig_atomic_t *stop,
    const sigset_t *waitmask, struct diag *d);

/* Number of requests answered so far (every request counts). */
unsigned long long mockserver_requests(const struct mockserver *s);

/* Close every socket and the log; NULL-safe. */
void mockserver_free(struct mockserver *s);

/* The head of one HTTP/1.x request; the pointers point into the input. */
struct mockserver_req {
	const char *method, *target;
	size_t method_len, target_len;
	int minor;			/* HTTP/1.minor */
	long long clen;			/* Content-Length, -1: none */
	int te;				/* a Transfer-Encoding header */
	int conn_close, conn_keep;	/* Connection: close, keep-alive */
	int expect;			/* Expect: 100-continue */
	const char *authz, *xkey;	/* Authorization, x-api-key values */
	size_t authz_len, xkey_len;
	int has_authz, has_xkey;
};

/*
 * Parse the request head at the start of p[0..n), the unparsed input of a
 * connection with the empty lines before a request already skipped.  The
 * server's own parser, pure so that it can be tested and fuzzed.  Returns
 * 0 with *head_len 0 when the head is not complete yet; 0 with *head_len
 * (through the empty line, at most 64 KiB) and q filled when it is; or
 * the HTTP status of a request that cannot be parsed: 400 (malformed) or
 * 431 (head larger than 64 KiB).  The body, q->clen bytes, follows the
 * head; framing limits (Transfer-Encoding, body size) are the caller's.
 */
int mockserver_parse_head(const char *p, size_t n, struct mockserver_req *q,
    size_t *head_len);

#endif
