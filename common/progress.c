/* progress.c: a rate-limited progress line on a terminal's stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "progress.h"

struct progress {
	char *prog;
	size_t total;
	int on;
	int shown;		/* a line is on the screen */
	double t0;
	double last;
	size_t done;
	long long pt, ct;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_duration(double s, char *out, size_t n)
{
	long v = s < 0 ? 0 : (long)(s + 0.5);

	if (v < 60)
		snprintf(out, n, "%lds", v);
	else if (v < 3600)
		snprintf(out, n, "%ldm%02lds", v / 60, v % 60);
	else
		snprintf(out, n, "%ldh%02ldm", v / 3600, v % 3600 / 60);
}

struct progress *
progress_new(const char *prog, size_t total, int enabled)
{
	struct progress *p = xcalloc(1, sizeof(*p));

	p->prog = xstrdup(prog);
	p->total = total;
	p->on = enabled && isatty(STDERR_FILENO);
	p->t0 = now_s();
	return p;
}

static void
draw(struct progress *p, double t)
{
	double el = t - p->t0, rate = el > 0 ? (double)p->done / el : 0;
	char eta[32] = "?";
	char line[256];

	if (rate > 0 && p->total >= p->done)
		progress_duration((double)(p->total - p->done) / rate, eta,
		    sizeof(eta));
	snprintf(line, sizeof(line), "%s: %zu/%zu (%.0f%%), %.1f/s, ETA %s, "
	    "tokens %lld+%lld", p->prog, p->done, p->total,
	    p->total ? 100.0 * (double)p->done / (double)p->total : 100.0,
	    rate, eta, p->pt, p->ct);
	/* "\r", the line, clear to end of line: one write. */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->shown = 1;
	p->last = t;
}

void
progress_update(struct progress *p, size_t done, long long pt, long long ct)
{
	double t;

	if (p == NULL || !p->on)
		return;
	p->done = done;
	p->pt = pt;
	p->ct = ct;
	t = now_s();
	/* Rates and ETAs of the first half second are noise. */
	if (done != p->total && (t - p->t0 < 0.5 || t - p->last < 0.1))
		return;
	draw(p, t);
}

void
progress_clear(struct progress *p)
{
	if (p == NULL || !p->on || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = 0;
	p->last = 0;
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_clear(p);
	free(p->prog);
	free(p);
}
