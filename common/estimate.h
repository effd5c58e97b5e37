/* estimate.h: what a run would send and cost, worked out before it sends. */
#ifndef JUDGEPIPE_ESTIMATE_H
#define JUDGEPIPE_ESTIMATE_H

#include <stddef.h>

#include "buf.h"
#include "price.h"
#include "request.h"
#include "tokenizer.h"

/*
 * --estimate runs a command against the cache only: a call the cache
 * answers is a hit (and its reply lets a conversation go on exactly as the
 * real run would), every other call is one the run would send.  An
 * estimate_line adds them up for one model or judge:
 *
 *	calls			calls the run makes, hits included
 *	cached			of them, those the run will not send: the
 *				cache answers them, or they repeat a call
 *				the run sends anyway (it is sent once)
 *	prompt_tokens		cl100k tokens of the calls to send
 *	completion_tokens	expected tokens of their replies: the mean of
 *				the hits' replies when there are some, else
 *				the kind's heuristic, at most max_tokens a call
 *	completion_tokens_bound	max_tokens of every call to send or that
 *				may follow
 *	calls_bound		calls, plus those that may follow a reply not
 *				known yet (a judge asked again for a verdict)
 *	cost_usd, cost_usd_bound  expected cost (list prices, no prompt-
 *				cache discount) and the most it can cost;
 *				unknown (-1, null in JSON) without a price
 *
 * A call whose messages repeat a reply not known yet (a later turn) is
 * sent for sure: it counts in calls, and its prompt_tokens count that
 * reply at the expected completion length (estimate_miss's unknown).
 */

/* What the replies are, for the heuristic completion length. */
enum estimate_kind {
	ESTIMATE_ANSWER,	/* 1098: the mean of the shipped Korean answers */
	ESTIMATE_JUDGMENT,	/* 700: a judge's own answer, then a verdict */
};

#define ESTIMATE_ANSWER_TOKENS		1098
#define ESTIMATE_JUDGMENT_TOKENS	700

struct estimate_line {
	char name[256];			/* the API-config entry */
	const char *stage;		/* "answers", "judgments": static */
	struct price price;
	enum estimate_kind kind;
	long long calls, cached, calls_bound;
	long long prompt_tokens, prompt_tokens_bound;
	long long completion_bound;
	long long unknown_replies;	/* replies in prompts, to expect */
	long long hit_completion, hits_counted;
	/* Calls to send by their max_tokens, for the expected length. */
	struct {
		long long max_tokens, n;
	} sends[8];
	size_t n_sends;
	long long sends_other;		/* beyond sends[]: at max_tokens_min */
};

/* A zeroed line for model name (copied), its price (may be NULL). */
void estimate_init(struct estimate_line *e, const char *name,
    const struct price *p, enum estimate_kind kind);

/*
 * A call answered by the cache; completion is its reply's token count
 * (-1 when the cache has no usage).
 */
void estimate_hit(struct estimate_line *e, long long completion);

/*
 * A call to send, with prompt known tokens, max_tokens, and unknown
 * replies (of earlier turns not known yet) in its messages.
 */
void estimate_miss(struct estimate_line *e, long long prompt,
    long long max_tokens, int unknown);

/*
 * A call that may follow (a re-attempt after a reply not known yet): in
 * the bounds only, with the known part of its prompt.
 */
void estimate_maybe(struct estimate_line *e, long long prompt,
    long long max_tokens);

/* The expected reply length of e's calls to send (before max_tokens). */
long long estimate_reply_tokens(const struct estimate_line *e);

/*
 * The totals of e: expected completion tokens and prompt tokens (unknown
 * replies at the expected length), the cost and its bound (-1: no price).
 */
void estimate_totals(const struct estimate_line *e, long long *prompt,
    long long *completion, double *cost, double *cost_bound);

/*
 * Append e's JSON line to out, or with total set the {"total": true, ...}
 * line of lines[0..n) (cost null when any line has no price).
 */
void estimate_json(struct buf *out, const struct estimate_line *e);
void estimate_json_total(struct buf *out, const struct estimate_line *lines,
    size_t n);

/*
 * gen-answer's stand-ins: each line of records (JSONL) that ends with
 * "estimate_unknown_turns": K (answer.h) gets instead "estimate_tokens"
 * (K replies of e's expected length, at most max_tokens each) and
 * "estimate_tokens_bound" (K x max_tokens); lines are appended to out,
 * written with jsonw flags.  Returns 0, or -1 when a line is not JSON.
 */
int estimate_standins(const struct estimate_line *e, long long max_tokens,
    const char *records, size_t len, int flags, struct buf *out);

/* Append the readable table of lines[0..n) and their total to out. */
void estimate_table(struct buf *out, const struct estimate_line *lines,
    size_t n);

/*
 * The prompt tokens of a chat request as OpenAI counts them for cl100k
 * models: 3 per message, plus the role's and the content's tokens, plus 3
 * that start the reply.
 */
long long estimate_prompt_tokens(const struct tok_encoder *t,
    const struct request_message *m, size_t n);

#endif
