/* lintsrc.h: leaderboard smells found in judgments, answers and questions. */
#ifndef JUDGEPIPE_LINTSRC_H
#define JUDGEPIPE_LINTSRC_H

#include <stddef.h>

#include "boardsrc.h"
#include "judgeconfig.h"
#include "lint.h"

struct lintsrc_opts {
	const char *baseline;		/* NULL: unknown */
	char *const *judges;		/* the judges an ensemble combines, */
	size_t njudges;			/* or NULL: every judge seen */
	const char *board_judge;	/* judge whose records make the board */
	int games;			/* games per judgment: 2, or 1 */
	int have_questions;		/* a question set was given */
	int have_answers;		/* answers were given */
};

/*
 * Run every check that needs only the records of src (missing, redundant,
 * mismatched names, deprecated questions, confusing names) and add the
 * findings to r, in a fixed order.  Repeated findings of one kind for one
 * model are shown a few times, then counted in one more finding.
 */
void lintsrc_check(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct lint_report *r);

/*
 * Provenance (the digests gen-judgment writes, provenance.h): a judgment
 * whose question, judged answer or baseline answer (pairwise-all: model_a's
 * answer) has another digest than the current files is mismatched (one
 * error per record, naming what changed; an ensemble record is checked
 * through the provenance of each judge it combines); judgments made with
 * other judge settings than jc's for their judge are deprecated (one
 * error per judge, with the count).  Records without provenance, and
 * digests of texts not given (no question set, no answer), are not
 * checked.  jc may be NULL.
 */
void lintsrc_check_provenance(const struct boardsrc *src,
    const struct lintsrc_opts *o, const struct judge_config *jc,
    struct lint_report *r);

/*
 * Near-identical answers: for every two models, the share of their common
 * questions whose normalised texts are equal, and the mean estimated
 * Jaccard similarity of their shingle sets (textsim.h).  Equal texts on
 * every common question is an error; equal texts on half of them, or a
 * mean similarity of at least LINTSRC_NEAR, a warning.
 */
#define LINTSRC_NEAR 0.6
void lintsrc_check_twins(const struct boardsrc *src, struct lint_report *r);

#endif
