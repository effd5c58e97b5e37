/* v2board.h: Arena-Hard v2.0's scoring: mean weighted outcomes, 90 % CI. */
#ifndef JUDGEPIPE_V2BOARD_H
#define JUDGEPIPE_V2BOARD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "diag.h"

/*
 * arena-hard-auto HEAD's show_result.py without style control, per
 * question category: a judgment with a missing game or a null score is
 * dropped whole; game 2 (A = the model) gives the outcomes of its label
 * and game 1 (A = the baseline) one minus them, a label being worth
 * A>B 1, A>>B weight times 1, A=B 0.5, A<B 0, A<<B weight times 0, B>A 0,
 * B>>A weight times 0, B=A 0.5, B<A 1, B<<A weight times 1 (any other
 * label drops the judgment).  A model's score is the mean of its
 * outcomes; its interval the 5th and 95th percentiles of that mean over
 * bootstrap rounds.  The baseline scores 0.5 with no interval.
 *
 *	vb = v2board_new(&o);
 *	v2board_add(vb, rec, file, line, &d);		(each record)
 *	v2board_compute(vb, &ro, &res, &d);
 *	v2board_result_release(&res); v2board_free(vb);
 */

struct v2board_opts {
	const char *baseline;	/* --baseline: for records naming none */
	const char *judge;	/* only this judge's records, or NULL */
	int weight;		/* repetitions of a ">>" label */
};

struct v2board_round_opts {
	long num_rounds;
	uint64_t seed;
	/*
	 * 1: resample each model's outcomes (upstream's unit); 0: resample
	 * the category's questions, every model's outcomes of a drawn
	 * question together.
	 */
	int by_outcome;
};

struct v2board_model {
	char *name;
	double score, lower, upper;	/* fractions; NaN without outcomes */
	size_t n_outcomes, n_judgments;
};

struct v2board_category {
	char *name;			/* "" for records without one */
	char *baseline;
	struct v2board_model *models;	/* by score, descending; baseline in */
	size_t nmodels;
	size_t nquestions;
};

struct v2board_result {
	struct v2board_category *cats;	/* sorted bytewise */
	size_t ncats;
	size_t dropped;			/* judgments dropped */
	size_t self;			/* the baseline's judgments of itself */
	long num_rounds;
	uint64_t seed;
};

struct v2board;

/* A new, empty board; o's strings are copied. */
struct v2board *v2board_new(const struct v2board_opts *o);
void v2board_free(struct v2board *vb);	/* NULL-safe */

/*
 * Add a judgment record (v2's {uid, category, judge, model, baseline,
 * games} or v0.1's) read at file:line.  Returns 0, or -1 with d set
 * (EX_DATAERR): a malformed record, no baseline, another judge's when
 * none was named, or another baseline than the category's so far.
 */
int v2board_add(struct v2board *vb, const json_t *rec, const char *file,
    long line, struct diag *d);

/* Compute every category's board.  Returns 0, or -1 with d set. */
int v2board_compute(struct v2board *vb, const struct v2board_round_opts *o,
    struct v2board_result *res, struct diag *d);
void v2board_result_release(struct v2board_result *res);

#endif
