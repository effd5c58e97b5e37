/* ratewin.c: a sliding window of admitted requests and their tokens. */
#include <stdlib.h>

#include "ratewin.h"

void
ratewin_init(struct ratewin *w, long long rpm, long long tpm,
    long long window_ms)
{
	w->rpm = rpm > 0 ? rpm : 0;
	w->tpm = tpm > 0 ? tpm : 0;
	w->window_ms = window_ms;
	w->ev = NULL;
	w->head = w->n = w->cap = 0;
	w->tokens = 0;
}

void
ratewin_release(struct ratewin *w)
{
	free(w->ev);
	w->ev = NULL;
	w->head = w->n = w->cap = 0;
	w->tokens = 0;
}

static struct ratewin_event *
at(const struct ratewin *w, size_t i)
{
	return &w->ev[(w->head + i) % w->cap];
}

/* Forget the events that left the window. */
static void
expire(struct ratewin *w, long long now)
{
	while (w->n > 0 && at(w, 0)->t_ms <= now - w->window_ms) {
		w->tokens -= at(w, 0)->tokens;
		w->head = (w->head + 1) % w->cap;
		w->n--;
	}
}

static int
push(struct ratewin *w, long long t, long long tokens)
{
	struct ratewin_event *ev;
	size_t i, cap;

	if (w->n == w->cap) {
		cap = w->cap ? 2 * w->cap : 64;
		if ((ev = malloc(cap * sizeof(*ev))) == NULL)
			return -1;
		for (i = 0; i < w->n; i++)
			ev[i] = *at(w, i);
		free(w->ev);
		w->ev = ev;
		w->cap = cap;
		w->head = 0;
	}
	*at(w, w->n) = (struct ratewin_event){ t, tokens };
	w->n++;
	w->tokens += tokens;
	return 0;
}

/* When event i leaves the window, relative to now (at least 1 ms). */
static long long
leaves(const struct ratewin *w, size_t i, long long now)
{
	long long d = at(w, i)->t_ms + w->window_ms - now;

	return d > 0 ? d : 1;
}

long long
ratewin_admit(struct ratewin *w, long long tokens, long long now_ms)
{
	long long over;
	size_t i;

	if (tokens < 0)
		tokens = 0;
	expire(w, now_ms);
	if (w->rpm > 0 && w->n >= (size_t)w->rpm)
		return leaves(w, w->n - (size_t)w->rpm, now_ms);
	if (w->tpm > 0 && w->n > 0 && w->tokens + tokens > w->tpm) {
		/* Wait for the oldest events that make room. */
		over = w->tokens + tokens - w->tpm;
		for (i = 0; i + 1 < w->n && over > at(w, i)->tokens; i++)
			over -= at(w, i)->tokens;
		return leaves(w, i, now_ms);
	}
	return push(w, now_ms, tokens) == -1 ? -1 : 0;
}

static void
state(const struct ratewin *w, long long limit, long long used,
    long long now, struct ratewin_state *st)
{
	st->limit = limit;
	st->remaining = limit > used ? limit - used : 0;
	st->reset_ms = w->n > 0 ? leaves(w, w->n - 1, now) : 0;
}

void
ratewin_state(struct ratewin *w, long long now_ms, struct ratewin_state *req,
    struct ratewin_state *tok)
{
	expire(w, now_ms);
	state(w, w->rpm, (long long)w->n, now_ms, req);
	state(w, w->tpm, w->tokens, now_ms, tok);
}
