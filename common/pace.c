/* pace.c: token buckets under an endpoint's rate limits. */
#include <math.h>

#include "pace.h"

/* The most a bucket holds: a second of its limit, at least one unit. */
static double
cap(const struct pace_bucket *b)
{
	return fmax(1, b->limit * PACE_BURST_S / 60);
}

/* Units a millisecond: the limit less the burst, over a minute. */
static double
rate(const struct pace_bucket *b)
{
	return fmax(b->limit - cap(b), b->limit / 60) / 60000;
}

static void
refill(struct pace_bucket *b, double now)
{
	if (b->limit > 0 && now > b->t_ms)
		b->level = fmin(cap(b), b->level + (now - b->t_ms) * rate(b));
	b->t_ms = fmax(b->t_ms, now);
}

static void
bucket_init(struct pace_bucket *b, double limit, double now)
{
	b->limit = b->config = limit > 0 ? limit : 0;
	b->level = b->limit > 0 ? cap(b) : 0;
	b->t_ms = now;
}

void
pace_init(struct pace *p, double rpm, double tpm, double now_ms)
{
	bucket_init(&p->req, rpm, now_ms);
	bucket_init(&p->tok, tpm, now_ms);
}

/* Milliseconds until b holds charge (or is full, for a larger one). */
static double
bucket_wait(struct pace_bucket *b, double charge, double now)
{
	double need;

	if (b->limit <= 0)
		return 0;
	refill(b, now);
	need = fmin(charge, cap(b));
	if (b->level >= need)
		return 0;
	return fmax(1, ceil((need - b->level) / rate(b)));
}

double
pace_wait(struct pace *p, double tokens, double now_ms)
{
	return fmax(bucket_wait(&p->req, 1, now_ms),
	    bucket_wait(&p->tok, tokens, now_ms));
}

void
pace_take(struct pace *p, double tokens, double now_ms)
{
	refill(&p->req, now_ms);
	refill(&p->tok, now_ms);
	if (p->req.limit > 0)
		p->req.level -= 1;
	if (p->tok.limit > 0)
		p->tok.level -= tokens;
}

void
pace_settle(struct pace *p, double charged, double used, double now_ms)
{
	struct pace_bucket *b = &p->tok;

	if (b->limit <= 0)
		return;
	refill(b, now_ms);
	b->level = fmin(cap(b), b->level + charged - (used >= 0 ? used : 0));
}

static void
learn(struct pace_bucket *b, const struct pace_seen *s, double in_flight,
    double now)
{
	double limit;

	if (s->limit > 0) {
		limit = b->config > 0 ? fmin(b->config, s->limit) : s->limit;
		if (b->limit <= 0) {
			b->limit = limit;
			b->level = cap(b) - in_flight;
			b->t_ms = now;
		} else {
			refill(b, now);
			b->limit = limit;
			b->level = fmin(b->level, cap(b));
		}
	}
	if (b->limit <= 0 || s->remaining < 0)
		return;
	refill(b, now);
	b->level = fmin(b->level, s->remaining);
}

void
pace_learn(struct pace *p, const struct pace_seen *req,
    const struct pace_seen *tok, double in_flight, double in_flight_tokens,
    double now_ms)
{
	learn(&p->req, req, in_flight, now_ms);
	learn(&p->tok, tok, in_flight_tokens, now_ms);
}
