/* pace.h: keeping one endpoint under its requests and tokens a minute. */
#ifndef JUDGEPIPE_PACE_H
#define JUDGEPIPE_PACE_H

/*
 * A pacer is two token buckets, one for requests and one for tokens,
 * each of a limit per minute.  A bucket holds at most a second of its
 * limit (PACE_BURST_S) and refills at the rest of the limit spread over
 * the minute, so that no window of a minute sees more than the limit
 * however the starts fall: a server counting over a sliding minute (as
 * mock-llm does) and one refilling a bucket (as OpenAI and Anthropic say
 * they do) both accept the pace.  A request starts when each bucket
 * holds its charge (a request; the tokens it may use, or a full bucket
 * when it may use more); the tokens bucket may then go into debt, paid
 * back by refill, and is corrected to what the reply used.
 *
 * The limits come from the API config (rpm, tpm) and from the rate-limit
 * headers of the replies (pace_learn), which may lower them, never raise
 * them past the config's.  A bucket without a limit never holds a start.
 *
 * Pure: every function takes the time (monotonic milliseconds) from its
 * caller, so a test drives the clock.
 */

#define PACE_BURST_S	1.0

struct pace_bucket {
	double limit;			/* per minute; 0: none */
	double config;			/* the config's limit, 0: none */
	double level;			/* may be spent now; < 0: owed */
	double t_ms;			/* level is as of then */
};

struct pace {
	struct pace_bucket req, tok;
};

/*
 * What one reply said of a limit (x-ratelimit-*, anthropic-ratelimit-*):
 * the limit, what remains of it, and the milliseconds until it is whole
 * again; each -1 when not said.
 */
struct pace_seen {
	double limit;
	double remaining;
	double reset_ms;
};

/* Start with the config's rpm and tpm (0: none) and full buckets. */
void pace_init(struct pace *p, double rpm, double tpm, double now_ms);

/*
 * How long a request that may use tokens must wait before it starts: 0
 * when it may start now, else milliseconds (> 0).
 */
double pace_wait(struct pace *p, double tokens, double now_ms);

/* Charge a request that starts now and may use tokens. */
void pace_take(struct pace *p, double tokens, double now_ms);

/*
 * A request charged tokens has finished having used used tokens (-1: not
 * known, or not counted by the server: the charge is given back).
 */
void pace_settle(struct pace *p, double charged, double used,
    double now_ms);

/*
 * Learn from a reply's headers.  A limit said lowers the bucket's limit
 * to it (never past the config's); the first one said starts the bucket
 * full less the requests and tokens in flight, which it has not counted.
 * A remaining said lowers the level to it: the server knows of calls of
 * other clients.
 */
void pace_learn(struct pace *p, const struct pace_seen *req,
    const struct pace_seen *tok, double in_flight, double in_flight_tokens,
    double now_ms);

#endif
