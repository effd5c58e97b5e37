/* probe.c: one-token completions that tell a dead endpoint from a slow one. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "llm.h"
#include "probe.h"

struct done {
	struct probe_result *out;
	int finished;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

enum probe_outcome
probe_classify(long status, const char *error)
{
	static const char *const slow[] = {
		"timed out", "Timeout", "timeout", "reset", "Empty reply",
		"Recv failure", "transfer closed", "Send failure", NULL
	};
	size_t i;

	if (status == 408 || status == 429 || status >= 500)
		return PROBE_UNRESPONSIVE;
	if (status >= 400)
		return PROBE_INACCESSIBLE;
	/* 2xx: it answered, but nothing usable. */
	if (status >= 200)
		return PROBE_UNRESPONSIVE;
	for (i = 0; error != NULL && slow[i] != NULL; i++)
		if (strstr(error, slow[i]) != NULL)
			return PROBE_UNRESPONSIVE;
	return PROBE_INACCESSIBLE;
}

static void
on_done(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct done *dn = user;
	struct probe_result *out = dn->out;

	(void)c;
	dn->finished = 1;
	out->http_status = r->http_status;
	if (r->status == LLM_OK) {
		out->outcome = PROBE_OK;
		snprintf(out->reason, sizeof(out->reason), "ok");
		return;
	}
	snprintf(out->reason, sizeof(out->reason), "%s",
	    r->error != NULL ? r->error : "cancelled");
	out->outcome = probe_classify(r->http_status, r->error);
}

int
probe_endpoint(const struct apiconfig_entry *e, size_t i, double timeout_s,
    struct probe_result *out, struct diag *d)
{
	struct request_message msg = { "user", "ping", 4 };
	struct apiconfig_entry one = *e;
	struct llm_options lo;
	struct llm_client *c;
	struct llm_call call;
	struct done dn;
	double t0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* A copy that knows only endpoint i and tries once. */
	one.endpoints = &e->endpoints[i];
	one.api_bases = &e->api_bases[i];
	one.n_endpoints = 1;
	one.max_retries = 0;
	one.parallel = 1;
	one.rpm = 0;
	one.tpm = 0;
	one.timeout_s = timeout_s;
	if (one.connect_timeout_s > timeout_s)
		one.connect_timeout_s = timeout_s;
	memset(&lo, 0, sizeof(lo));
	if ((c = llm_client_new(&one, &lo, d)) == NULL)
		return -1;
	memset(&call, 0, sizeof(call));
	call.messages = &msg;
	call.n_messages = 1;
	call.temperature = 0.0;
	call.max_tokens = 1;
	call.done = on_done;
	dn.out = out;
	dn.finished = 0;
	call.user = &dn;
	t0 = now_ms();
	if (llm_submit(c, &call, NULL, d) == -1 || llm_run(c, d) == -1)
		rc = -1;
	out->ms = now_ms() - t0;
	if (rc == 0 && !dn.finished) {
		out->outcome = PROBE_UNRESPONSIVE;
		snprintf(out->reason, sizeof(out->reason), "no answer");
	}
	llm_client_free(c);
	return rc;
}

void
probe_public_url(const char *url, struct buf *out)
{
	const char *scheme = strstr(url, "://"), *host, *at, *end;

	host = scheme != NULL ? scheme + 3 : url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	buf_add(out, url, (size_t)(host - url));
	if (at != NULL)
		host = at + 1;
	buf_add(out, host, strcspn(host, "?#"));
}
