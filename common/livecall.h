/* livecall.h: answering voters' own questions live, one thread per model. */
#ifndef JUDGEPIPE_LIVECALL_H
#define JUDGEPIPE_LIVECALL_H

#include <stddef.h>
#include <jansson.h>

#include "apiconfig.h"
#include "cache.h"
#include "diag.h"
#include "tokenizer.h"

/*
 * Each model gets a worker thread with its own LLM client (llm.h: cache,
 * retries, rate limits) and its own handle on the response cache.  The
 * request is what gen-answer sends for a one-turn question: the entry's
 * system prompt, if any, then the question.  API keys stay in the client:
 * results carry the answer text and its conv_metadata, and failures a
 * reason meant for the server's log, not for the voter.
 */
struct livecall;

struct livecall_opts {
	double temperature;
	long long max_tokens;
	const char *cache_dir;	/* NULL: no cache */
};

/*
 * Called on the model's worker thread.  ok: text[0..len) is the answer
 * and meta its conv_metadata (borrowed; NULL without a tokenizer).  Not
 * ok: error says why (it may name the model: keep it from voters).
 */
typedef void livecall_done_fn(void *arg, int ok, const char *text,
    size_t len, const json_t *meta, const char *error);

/*
 * Workers for entries[0..n) (borrowed; they must outlive l).  tok may be
 * NULL.  Returns NULL with d set when a client, cache or thread cannot be
 * made.
 */
struct livecall *livecall_new(struct apiconfig_entry *const *entries,
    size_t n, const struct tok_encoder *tok, const struct livecall_opts *o,
    struct diag *d);

/* The entry name of model i. */
const char *livecall_model(const struct livecall *l, size_t i);
size_t livecall_count(const struct livecall *l);

/*
 * Ask model i to answer question[0..len) (copied); done(arg, ...) follows
 * exactly once on the worker thread, also when l is being freed (then not
 * ok).
 */
void livecall_ask(struct livecall *l, size_t i, const char *question,
    size_t len, livecall_done_fn *done, void *arg);

/*
 * Stop the workers: nothing new starts, calls in flight are cancelled and
 * reported, then free (NULL-safe).
 */
void livecall_free(struct livecall *l);

#endif
