/* probe.h: is an API endpoint there, and does it answer? */
#ifndef JUDGEPIPE_PROBE_H
#define JUDGEPIPE_PROBE_H

#include <stddef.h>

#include "apiconfig.h"
#include "buf.h"
#include "diag.h"

enum probe_outcome {
	PROBE_OK,		/* a usable completion came back */
	PROBE_INACCESSIBLE,	/* refused, no such host, TLS, 4xx */
	PROBE_UNRESPONSIVE,	/* timeout, reset, 408, 429, 5xx */
};

struct probe_result {
	enum probe_outcome outcome;
	long http_status;	/* 0 when no response came */
	double ms;		/* wall time of the attempt */
	char reason[512];	/* what failed, never a key */
};

/*
 * Ask endpoint i of entry e for a one-token completion (the message
 * "ping", temperature 0, max_tokens 1): one attempt, no retry, no cache,
 * timeout_s for the whole attempt (and the connection).  Returns 0 with
 * out filled, or -1 with d set when no client can be made.
 */
int probe_endpoint(const struct apiconfig_entry *e, size_t i,
    double timeout_s, struct probe_result *out, struct diag *d);

/*
 * The outcome of a failed attempt from its HTTP status (0: none) and the
 * client's error text: 401, 403, 404 and other 4xx are inaccessible, 408,
 * 429 and 5xx unresponsive; without a status, a timeout, a reset or an
 * empty reply is unresponsive and anything else (refused, unknown host,
 * TLS) inaccessible.
 */
enum probe_outcome probe_classify(long http_status, const char *error);

/* Append url without user information or query, safe to print. */
void probe_public_url(const char *url, struct buf *out);

#endif
