/* lintpub.h: leaderboard smells of a published board CSV. */
#ifndef JUDGEPIPE_LINTPUB_H
#define JUDGEPIPE_LINTPUB_H

#include "boardcsv.h"
#include "boardsrc.h"
#include "lint.h"

/*
 * How the board shows itself (misdisplayed): the columns of its shape
 * (the Korean fork's eleven, or arena-hard-auto v0.1's seven when there is
 * no elo_score column), a cell for every column, numbers where numbers
 * belong (an empty or NaN cell is an error), rows in descending score
 * order, and CI strings that agree with the bounds to within their
 * rounding (LINTPUB_CI_SLACK); a model listed twice is redundant.
 */
#define LINTPUB_CI_SLACK (0.005 + 1e-6)
void lintpub_check_display(const struct boardcsv *b, struct lint_report *r);

/*
 * Whether the board and the records agree on who is on it (missing): a
 * model judged by judge (the board's judge) that is absent from the board
 * (from a control board only when it has answers: without, it cannot be
 * there), and a model on the board without such judgments.
 */
void lintpub_check_models(const struct boardcsv *b,
    const struct boardsrc *src, const char *judge, struct lint_report *r);

#endif
