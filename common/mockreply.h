/* mockreply.h: mock-llm's decisions and replies, without sockets. */
#ifndef JUDGEPIPE_MOCKREPLY_H
#define JUDGEPIPE_MOCKREPLY_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "hash.h"
#include "request.h"
#include "tokenizer.h"

/*
 * Everything here is a pure function of its arguments: the same request,
 * seed and arrival number give the same decision and the same bytes.  The
 * server (mockserver.h) owns the sockets, the clock and the arrival counts.
 */

enum mockreply_api {
	MOCKREPLY_OPENAI,
	MOCKREPLY_ANTHROPIC,
};

/* Fault kinds, in the order they are tested. */
enum mockreply_fault {
	MOCKREPLY_FAULT_NONE = -1,
	MOCKREPLY_FAULT_429 = 0,
	MOCKREPLY_FAULT_500,
	MOCKREPLY_FAULT_503,
	MOCKREPLY_FAULT_RESET,
	MOCKREPLY_FAULT_TRUNCATE,
	MOCKREPLY_FAULT_SLOW,
	MOCKREPLY_FAULT_NOVERDICT,
	MOCKREPLY_FAULT_CONFLICT,
	MOCKREPLY_NFAULTS
};

enum mockreply_policy {
	MOCKREPLY_POLICY_LENGTH,
	MOCKREPLY_POLICY_STRENGTH,
	MOCKREPLY_POLICY_POSITION,
	MOCKREPLY_POLICY_HASH,
};

enum mockreply_kind {
	MOCKREPLY_KIND_ANSWER,
	MOCKREPLY_KIND_JUDGE,		/* a pairwise judgment */
	MOCKREPLY_KIND_GRADE,		/* a single grading (FastChat) */
};

/* What the server must do with the response it was given. */
enum mockreply_action {
	MOCKREPLY_SEND,		/* send it whole */
	MOCKREPLY_RESET,	/* send nothing, reset the connection */
	MOCKREPLY_TRUNCATE,	/* send the head and half the body, close */
};

/* A per-model number given as MODEL=VALUE (--strength, --verbosity). */
struct mockreply_model_value {
	char *model;
	double value;
};

/* The reply settings; mockreply_config_init gives mock-llm's defaults. */
struct mockreply_config {
	unsigned long long seed;
	enum mockreply_policy policy;
	double fault_rate[MOCKREPLY_NFAULTS];	/* 0: never */
	unsigned long long fail_first;	/* first N arrivals fail */
	enum mockreply_fault fail_first_kind;	/* default 500 */
	long latency_min_ms, latency_max_ms;	/* 0:0 by default */
	long slow_ms;				/* slow fault's delay */
	long retry_after_s;			/* 0: no Retry-After */
	double position_bias;			/* Elo points added to A */
	struct mockreply_model_value *strength;
	size_t n_strength;
	struct mockreply_model_value *verbosity;
	size_t n_verbosity;
	/*
	 * Borrowed; NULL: usage counts ceil(bytes / 4) a message.  Else
	 * usage counts cl100k tokens as OpenAI does for its cl100k models
	 * (estimate_prompt_tokens).
	 */
	const struct tok_encoder *tokenizer;
};

void mockreply_config_init(struct mockreply_config *c);
/* Frees the per-model lists and re-inits c. */
void mockreply_config_release(struct mockreply_config *c);

/*
 * Option parsers for main: each parses its argument into c, or returns -1
 * with an EX_USAGE diag naming the bad value.
 */
int mockreply_parse_fault(struct mockreply_config *c, const char *arg,
    struct diag *d);			/* KIND=RATE */
int mockreply_parse_fail_first(struct mockreply_config *c, const char *arg,
    struct diag *d);			/* N[=KIND] */
int mockreply_parse_latency(struct mockreply_config *c, const char *arg,
    struct diag *d);			/* MIN[:MAX] */
int mockreply_parse_policy(struct mockreply_config *c, const char *arg,
    struct diag *d);
int mockreply_parse_strength(struct mockreply_config *c, const char *arg,
    struct diag *d);			/* MODEL=S */
int mockreply_parse_verbosity(struct mockreply_config *c, const char *arg,
    struct diag *d);			/* MODEL=F, F >= 0 */

/* The name of a fault kind ("429", "reset", ...), NULL for NONE. */
const char *mockreply_fault_name(enum mockreply_fault f);

/*
 * A parsed API request.  messages are in canonical order (an Anthropic
 * system field first, as role "system"); their contents point into the
 * parsed body or into memory the request owns.
 */
struct mockreply_request {
	enum mockreply_api api;
	json_t *body;			/* owned */
	const char *model;		/* borrowed from body, or owned */
	size_t model_len;
	char *own_model;		/* set when built, not parsed */
	json_t *params;			/* owned: canonical params */
	struct request_message *messages;
	char **owned;			/* per message: own text or NULL */
	size_t n_messages;
	long long max_tokens;		/* -1: no limit */
	unsigned char h[HASH_LEN];	/* SHA-256(seed "\n" canonical) */
};

/*
 * Parse a request body for api and compute its hash h with seed.  Returns
 * 0, or -1 with d filled (code 400: the HTTP status, and a message for
 * the error body) when the
 * body is not a valid request or asks for streaming.  r must be released
 * with mockreply_request_release either way.
 */
int mockreply_request_parse(struct mockreply_request *r,
    enum mockreply_api api, const char *body, size_t len,
    unsigned long long seed, struct diag *d);
void mockreply_request_release(struct mockreply_request *r);

/*
 * Build a request from parts (for tests and tools): messages are copied,
 * params (may be NULL) is copied with an integer temperature made real.
 * No body is kept.
 */
void mockreply_request_build(struct mockreply_request *r,
    enum mockreply_api api, const char *model,
    const struct request_message *messages, size_t n, const json_t *params,
    unsigned long long seed);

/* The decision for the n-th arrival (n = 0, 1, ...) of a request. */
struct mockreply_result {
	int status;			/* HTTP status (also for reset) */
	enum mockreply_action action;
	enum mockreply_kind kind;
	enum mockreply_fault fault;
	long delay_ms;			/* latency plus slow */
	long retry_after_s;		/* 0: no header */
	const char *verdict;		/* static label or NULL */
	size_t text_len;		/* reply text bytes (0 on errors) */
	long long prompt_tokens;	/* the usage sent; -1 on errors */
	long long completion_tokens;
};

/*
 * Decide how to answer r on arrival n and append the response body (JSON
 * in r's API shape) to body.  created is the response's Unix time.
 */
void mockreply_respond(const struct mockreply_config *c,
    const struct mockreply_request *r, unsigned long long n,
    long long created, struct mockreply_result *res, struct buf *body);

/* The parts of mockreply_respond, exposed for tests. */

/* Does KIND fire for arrival n of h?  SHA-256(seed h n KIND) / 2^64 < RATE. */
int mockreply_fault_fires(unsigned long long seed,
    const unsigned char h[HASH_LEN], unsigned long long n,
    enum mockreply_fault kind, double rate);

/*
 * The fault for arrival n (fail-first first, then the random draws in
 * order); kinds that need a judge reply are skipped when judge is 0.
 */
enum mockreply_fault mockreply_fault_pick(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], unsigned long long n, int judge);

/*
 * If r is judge-style, set a, b (and lengths) to Assistant A's and B's
 * answers and return 1; else return 0.  Pointers borrow from r.
 */
int mockreply_judge_texts(const struct mockreply_request *r,
    const char **a, size_t *alen, const char **b, size_t *blen);

/*
 * If r asks for a single grading (FastChat's single prompts: the answer
 * between "[The Start of Assistant's Answer]" and its end marker, or on
 * turn 2 Assistant A's last turn in its conversation, with no Assistant
 * B), set ans and len to the answer graded and return 1; else return 0.
 * A request that ends with a continue message is read from its first
 * user message.
 */
int mockreply_grade_text(const struct mockreply_request *r, const char **ans,
    size_t *len);

/*
 * The rating "1" .. "10" of answer a under c's policy: strength: 1 + 9 p
 * give or take 1 (p the answer's model's win probability against a model
 * of strength 0), rounded; length: 1 + log2(1 + code points / 64);
 * position: 5; hash: 1 + h mod 10.
 */
const char *mockreply_rating(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], const char *a, size_t alen);

/*
 * The verdict label for answers a and b under c's policy (never NULL).
 */
const char *mockreply_verdict(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], const char *a, size_t alen,
    const char *b, size_t blen);

/*
 * Append the reply text for r (fault is NOVERDICT, CONFLICT or NONE) to
 * out; *verdict is set to the label given, or NULL.  Returns the kind.
 */
enum mockreply_kind mockreply_text(const struct mockreply_config *c,
    const struct mockreply_request *r, enum mockreply_fault fault,
    struct buf *out, const char **verdict);

/* Token count of n UTF-8 bytes: ceil(n / 4). */
size_t mockreply_tokens(size_t n);

/*
 * The length to cut s (n bytes of UTF-8) to so that it holds at most max
 * bytes and ends at a character boundary (n when n <= max).
 */
size_t mockreply_cut(const char *s, size_t n, size_t max);

/* Number of code points in n bytes of valid UTF-8. */
size_t mockreply_codepoints(const char *s, size_t n);

/*
 * Append an error body in api's shape for an HTTP status and message.
 */
void mockreply_error_body(enum mockreply_api api, int status,
    const char *message, struct buf *out);

/* The message that asks a judge to finish its verdict. */
#define MOCKREPLY_CONTINUE \
	"continue your judgment and finish by outputting a final verdict label"

/* The continue message of single grading (grade.h's GRADE_CONTINUE). */
#define MOCKREPLY_GRADE_CONTINUE \
	"continue your evaluation and finish by rating the response " \
	"strictly in this format: \"[[rating]]\""

#endif
