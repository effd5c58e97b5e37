/* progress.h: one progress line on standard error, only on a terminal. */
#ifndef JUDGEPIPE_PROGRESS_H
#define JUDGEPIPE_PROGRESS_H

#include <stddef.h>

/*
 * "prog: done/total (p%), R/s, ETA 1m02s, tokens P+C" redrawn in place with
 * "\r" at most 10 times a second.  A disabled progress (stderr is not a
 * terminal, or -q) does nothing, so callers need no checks.
 */
struct progress;

/*
 * A new progress line for total items.  enabled 0 disables it; otherwise
 * it is enabled only when standard error is a terminal.
 */
struct progress *progress_new(const char *prog, size_t total, int enabled);

/* Set the counters; redraws when 100 ms passed since the last draw. */
void progress_update(struct progress *p, size_t done, long long prompt_tokens,
    long long completion_tokens);

/*
 * Erase the line before other output on standard error (a diagnostic);
 * the next update draws it again.
 */
void progress_clear(struct progress *p);

/* Erase the line and free p (NULL-safe). */
void progress_free(struct progress *p);

/* Format seconds as "42s", "3m07s" or "2h05m" into out (>= 16 bytes). */
void progress_duration(double seconds, char *out, size_t n);

#endif
