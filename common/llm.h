/* llm.h: the LLM client: an asynchronous libcurl multi loop with retries,
 * rate limits and the cache, over the wire format of wire.h. */
#ifndef JUDGEPIPE_LLM_H
#define JUDGEPIPE_LLM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

#include "apiconfig.h"
#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "estimate.h"
#include "hash.h"
#include "request.h"
#include "wire.h"

/*
 * Usage:
 *
 *	c = llm_client_new(entry, &opts, &d);
 *	llm_submit(c, &call, NULL, &d);	(any number of times)
 *	llm_run(c, &d);			(returns when every call has completed)
 *	llm_stats(c, &st);
 *	llm_client_free(c);
 *
 * Everything happens on the calling thread.  Each submitted call completes
 * exactly once, from inside llm_run, through its done callback: with a
 * cached or fresh response (LLM_OK), after all retries failed (LLM_FAILED),
 * or because the run was interrupted (LLM_CANCELLED).  Calls complete in
 * any order; a caller that needs input order re-orders them itself.
 *
 * The callback may call llm_submit (next turn of a conversation, judge
 * re-attempts, feeding the next input records) and llm_stats; it must not
 * call llm_run or llm_client_free.  A cache hit completes within the same
 * llm_run iteration, so submitting from a callback never recurses.
 *
 * Successful responses are stored in the cache (if any) the moment they
 * arrive, before the callback runs, so killing the process loses no paid
 * work.  Failures are never stored.  Processes sharing a cache pay for a
 * key once: a miss is claimed before it is sent, a call whose key another
 * process (or another call of this client) has claimed waits for that
 * answer (polling the cache every 200 ms) instead of paying again, and
 * when another process stored an answer first, that stored answer is the
 * one delivered (cache.h: first writer wins, claims).  Without a cache
 * every call is sent.  API keys are sent in the
 * authentication header only; they never appear in results, error texts,
 * the cache or the cache key.
 */
struct llm_client;

struct llm_options {
	long parallel;		/* > 0 overrides the entry's parallel */
	struct cache *cache;	/* borrowed; NULL: no cache (--no-cache) */
	int offline;		/* cache only: a miss fails with EX_UNAVAILABLE
				   and no connection is ever opened */
	/*
	 * Checked by llm_run between events (at least every 250 ms).  When it
	 * becomes non-zero, no new request (and no retry) is started; the
	 * transfers in flight run to completion, so work being paid for is
	 * kept; then every other outstanding call completes as
	 * LLM_CANCELLED and llm_run returns.  When the value also has the bit
	 * LLM_INTERRUPT_NOW, transfers in flight are aborted (cancelled) at
	 * once.  May be NULL.  Typically main's signal flag: the first
	 * SIGINT drains, a second one aborts.
	 */
	const volatile sig_atomic_t *interrupted;
	/*
	 * --estimate (estimate.h): nothing is sent and nothing is stored.  A
	 * call the cache answers completes as usual and is added to
	 * *estimate as a hit; every other call is added to *estimate, its
	 * prompt counted with estimate_tok, and completes as LLM_OK with
	 * unsent set and an empty text, so that the caller can go on (a
	 * later turn then has unknown_replies).  Implies offline.
	 */
	struct estimate_line *estimate;
	const struct tok_encoder *estimate_tok;
	/*
	 * Caps (--max-cost, --max-calls): with cap_cost, no attempt starts
	 * that could take the money spent (the reported usage of the paid
	 * calls at the entry's price; cache hits cost nothing) plus the
	 * bound of the attempts in flight past max_cost US dollars; the
	 * bound of an attempt is estimate_prompt_tokens (counted with tok,
	 * required then) at the input price plus max_tokens at the output
	 * price.  The entry must have a price.  With cap_calls, no attempt
	 * starts once max_calls HTTP attempts have.  Reaching a cap stops
	 * the run as llm_run describes (llm_cut_short).
	 */
	int cap_cost;
	double max_cost;
	int cap_calls;
	long long max_calls;
	const struct tok_encoder *tok;
	/*
	 * --usage-log: one JSON line per finished call (answered, hit or
	 * failed; not cancelled), written and flushed when it finishes: the
	 * call's tags, then "endpoint" (host:port of api_base; null for a
	 * hit), "prompt_tokens", "cached_tokens", "completion_tokens"
	 * (null when unknown), "latency_ms" (null for a hit), "attempts",
	 * "cost_usd" (0 for a hit or a failure, null without a price),
	 * "cache_hit", "status" ("ok" or "failed"), "error" (failures) and
	 * "http" ("1.1", "2"; null for a hit).  NULL: no log.  A write error
	 * shows in ferror(usage_log).  usage_flags: jsonw flags.
	 */
	FILE *usage_log;
	int usage_flags;
};

#define LLM_INTERRUPT_NOW	0x100

enum llm_status {
	LLM_OK,
	LLM_FAILED,
	LLM_CANCELLED,
};

/*
 * The outcome of one call, valid only during the callback (copy what you
 * keep).  On LLM_OK: text (text_len bytes, may contain NUL bytes, also
 * NUL-terminated), finish_reason (NULL when the API gave none), usage,
 * created (Unix time of the response; for a cache hit the stored time),
 * from_cache, and value, the cache value object (borrowed).  On
 * LLM_FAILED: error (a one-line reason without a key, e.g. "HTTP 429:
 * Rate limit reached" or "connection reset") and exit_code EX_UNAVAILABLE
 * (permanent: 4xx other than 408/409/429, unusable content, an --offline
 * miss) or EX_TEMPFAIL (retries exhausted, or a server asking to wait more
 * than 300 s).
 */
struct llm_result {
	enum llm_status status;
	void *user;			/* the call's user pointer */
	const char *text;
	size_t text_len;
	const char *finish_reason;
	struct wire_usage usage;
	double created;
	double latency_ms;		/* of the successful attempt */
	unsigned char key[HASH_LEN];	/* the cache key */
	char key_hex[2 * HASH_LEN + 1];
	int from_cache;
	int attempts;			/* HTTP attempts made (0 for a hit) */
	long http_status;		/* of the last attempt, 0 if none */
	int http_version;		/* its protocol: 11 for HTTP/1.1,
					   20 for HTTP/2; 0 if none */
	const char *error;		/* NULL unless LLM_FAILED/CANCELLED */
	int exit_code;			/* 0, EX_UNAVAILABLE or EX_TEMPFAIL */
	const json_t *value;		/* cache value (LLM_OK only) */
	int unsent;			/* --estimate: not sent, text empty */
};

typedef void llm_done_fn(struct llm_client *c, const struct llm_result *r,
    void *user);

/*
 * One call.  messages (system first, if any; then user/assistant turns) are
 * copied by llm_submit; the caller may free them afterwards.  The request
 * body is {model, messages, temperature, max_tokens} plus the entry's
 * extra_body.
 */
struct llm_call {
	const struct request_message *messages;
	size_t n_messages;
	double temperature;
	long long max_tokens;
	llm_done_fn *done;		/* required */
	void *user;
	/*
	 * For --estimate only (0 otherwise): replies of this model that the
	 * messages should repeat but are not known yet (given empty), texts
	 * of other models not known yet (their expected and largest token
	 * counts), and calls that may follow this one, each adding its reply
	 * and then_ask, when the reply lacks what is wanted.
	 */
	int unknown_replies;
	long long unknown_tokens, unknown_tokens_bound;
	uint64_t unknown_which;		/* tells unknown texts apart */
	int may_follow;
	const char *then_ask;
	/*
	 * What names the call in the --usage-log line, which starts with
	 * its members (question_id, model, turn or game...): an object or
	 * NULL, borrowed (llm_submit keeps a reference).
	 */
	json_t *tags;
};

/* Counters of a client, for the summary line at the end of a run. */
struct llm_stats {
	size_t submitted;		/* calls submitted */
	size_t completed;		/* calls completed (ok + failed) */
	size_t cache_hits;		/* calls answered from the cache */
	size_t awaited;			/* of them, answers awaited from
					   another process or another call
					   of the run (cache claims) */
	size_t failed;			/* calls completed as LLM_FAILED */
	size_t in_flight;		/* transfers running now */
	size_t http_requests;		/* HTTP attempts started */
	size_t retries;			/* attempts after a first one */
	long long prompt_tokens;	/* summed over ok calls, hits too */
	long long completion_tokens;
	int cost_known;			/* the entry has a price */
	double cost_usd;		/* of the paid calls (hits: free) */
};

/*
 * A client for entry e (borrowed: it must outlive the client) with options
 * o (copied; o->cache is borrowed).  Returns NULL with d set when libcurl
 * cannot be initialised (EX_SOFTWARE).  No connection is opened here.
 */
struct llm_client *llm_client_new(const struct apiconfig_entry *e,
    const struct llm_options *o, struct diag *d);

/* Abort transfers, free the client (NULL-safe).  Calls still outstanding
 * get no callback: run llm_run to completion first. */
void llm_client_free(struct llm_client *c);

/*
 * Queue a call.  The cache key is computed now and written to key (may be
 * NULL).  Returns 0, or -1 with d set when the call is refused: no done
 * callback, or the run was interrupted (EX_TEMPFAIL); a refused call gets
 * no callback.
 */
int llm_submit(struct llm_client *c, const struct llm_call *call,
    unsigned char key[HASH_LEN], struct diag *d);

/*
 * Run the event loop until every submitted call (including calls submitted
 * by callbacks) has completed, or until interrupted.  Item failures are not
 * errors of llm_run: they are reported through the callbacks.  Returns 0,
 * or -1 with d set for a failure of the client itself (libcurl, the cache
 * on write: EX_IOERR); then outstanding calls are completed as
 * LLM_CANCELLED first.
 *
 * When every endpoint is down (llm_unreachable) or a cap of the options
 * is reached, it also returns -1 once the transfers in flight have
 * finished (llm_cut_short): d reads "endpoint unreachable: HOST: REASON"
 * (several endpoints joined with "; ") with EX_UNAVAILABLE when a
 * certificate failed verification, else EX_TEMPFAIL; or "cost cap
 * reached: $S spent of $C (--max-cost)" or "call cap reached: N calls made
 * (--max-calls)" with EX_TEMPFAIL.  The calls not made complete as
 * LLM_CANCELLED, and llm_submit refuses new ones.
 */
int llm_run(struct llm_client *c, struct diag *d);

/* True when the run was interrupted (options.interrupted fired). */
int llm_interrupted(const struct llm_client *c);

/*
 * True when every endpoint is down: three attempts or more in a row on
 * each could not reach it (connection refused, host not resolved, TLS
 * handshake or certificate failure, connect timeout), over a second or
 * more.  No call is started after that; a call whose attempt reaches the
 * server resets its endpoint's count.
 */
int llm_unreachable(const struct llm_client *c);

/*
 * True when the run stopped before its end on its own: every endpoint
 * down, or a cap reached (llm_run).  The caller then says how many calls
 * were not made.
 */
int llm_cut_short(const struct llm_client *c);

/* True when the options' usage log is on: callers then tag their calls. */
int llm_logs_usage(const struct llm_client *c);

/* Copy the client's counters into st. */
void llm_stats(const struct llm_client *c, struct llm_stats *st);

/* The effective parallelism (option or entry). */
long llm_parallel(const struct llm_client *c);

/*
 * Pure helpers, exposed for unit tests and for gen-judgment.
 */

/*
 * The cache key of a call to entry e: api_type, e->api_bases,
 * model_name, params (temperature, max_tokens, extra_body) and messages.
 */
void llm_call_key(const struct apiconfig_entry *e,
    const struct request_message *m, size_t n, double temperature,
    long long max_tokens, unsigned char key[HASH_LEN]);

/*
 * The answer_id of an answer record from the concatenated lower-case hex
 * cache keys of all turns (len bytes): the first 16 bytes of their
 * SHA-256 as a big-endian integer in shortuuid's base 57 alphabet, 22
 * digits padded with '2'.  out receives 22 characters and a NUL.
 */
void llm_answer_id(const char *hexkeys, size_t len, char out[23]);

/*
 * The full-jitter backoff before retry n (1, 2, ...): u * min(60 s,
 * 1 s * 2^(n-1)) in ms, for u uniform in [0, 1).
 */
double llm_backoff_ms(int n, double u);

#endif
