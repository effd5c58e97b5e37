/* ratewin.h: requests and tokens over a sliding window (mock-llm's limits). */
#ifndef JUDGEPIPE_RATEWIN_H
#define JUDGEPIPE_RATEWIN_H

/*
 * The requests a server admitted over the last window_ms milliseconds and
 * the tokens they used.  A request is admitted when the window then holds
 * fewer than rpm requests and its tokens fit in tpm with the window's;
 * one alone larger than tpm is admitted into an empty window, so that it
 * is not refused for ever.  Refused requests do not count.  Pure: the
 * caller gives the time (monotonic milliseconds).
 */

struct ratewin_event {
	long long t_ms;
	long long tokens;
};

struct ratewin {
	long long rpm, tpm;		/* 0: no limit */
	long long window_ms;
	struct ratewin_event *ev;	/* a ring, oldest at head */
	size_t head, n, cap;
	long long tokens;		/* summed over ev */
};

/* What a reply says of a limit (rate-limit headers). */
struct ratewin_state {
	long long limit;		/* 0: no limit */
	long long remaining;
	long long reset_ms;		/* until the window is empty */
};

/* An empty window of rpm requests and tpm tokens (0: no limit). */
void ratewin_init(struct ratewin *w, long long rpm, long long tpm,
    long long window_ms);
void ratewin_release(struct ratewin *w);

/*
 * May a request using tokens be admitted at now_ms?  Returns 0 and counts
 * it; or the milliseconds (> 0) until it may (Retry-After); or -1 when
 * out of memory.
 */
long long ratewin_admit(struct ratewin *w, long long tokens, long long now_ms);

/* The state of the requests and tokens limits at now_ms. */
void ratewin_state(struct ratewin *w, long long now_ms,
    struct ratewin_state *req, struct ratewin_state *tok);

#endif
