/* ensemble.h: judgments of several judges combined per answer. */
#ifndef JUDGEPIPE_ENSEMBLE_H
#define JUDGEPIPE_ENSEMBLE_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"

enum ensemble_mode {
	ENSEMBLE_MEAN,		/* one label per game from the judges' mean */
	ENSEMBLE_POOL,		/* every judge's record re-emitted */
};

/*
 * Called for every warning (code 0) and every error that does not belong
 * to one input record (code EX_DATAERR): file is NULL and line 0 when the
 * message has no position.  msg has no newline.
 */
typedef void ensemble_note_fn(void *arg, int code, const char *file,
    long line, const char *msg);

struct ensemble_opts {
	enum ensemble_mode mode;
	const char *const *judges;	/* NULL: all judges seen, sorted */
	size_t n_judges;
	long min_judges;		/* mean mode: fewer valid is null */
	const char *name;		/* NULL: "ensemble" or "pool" */
	ensemble_note_fn *note;		/* may be NULL */
	void *note_arg;
};

struct ensemble;

/* A new, empty ensemble.  o and the strings it points to are copied. */
struct ensemble *ensemble_new(const struct ensemble_opts *o);

void ensemble_free(struct ensemble *e);		/* NULL-safe */

/*
 * Add one judgment record (v0.1, v2 or ensemble shape) read
 * at file:line; rec is borrowed.  Returns 0 when it was stored, or ignored
 * with a warning (unlisted judge), and -1 for a data error (d filled with
 * EX_DATAERR at file:line; the record is skipped).  A later record of the
 * same (judge, model, question_id) replaces an earlier one with a warning.
 */
int ensemble_add(struct ensemble *e, const json_t *rec, const char *file,
    long line, struct diag *d);

/*
 * Combine what was added.  Returns a new array of output records sorted by
 * model, question_id (and judge order in pool mode), and reports warnings
 * and whole-run errors (a listed judge without records) through note.
 * *code receives EX_DATAERR when such an error was reported, else 0.
 */
json_t *ensemble_result(struct ensemble *e, int *code);

/*
 * The label of the integer rule (the Korean fork's thresholds on the
 * mean) for the sum s of k valid values: "A=B", "A>B", "A>>B", "B>A",
 * "B>>A", or NULL when k is 0 or below min_judges.
 */
const char *ensemble_label(long s, long k, long min_judges);

/*
 * Set *value to the value of a verdict label ("A>>B" 2 ... "B>>A" -2) and
 * return 0, or return -1 for any other string.
 */
int ensemble_value(const char *label, int *value);

#endif
