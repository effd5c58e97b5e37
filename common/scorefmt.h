/* scorefmt.h: the mean-score boards as text: MT-Bench's and v2.0's. */
#ifndef JUDGEPIPE_SCOREFMT_H
#define JUDGEPIPE_SCOREFMT_H

#include "buf.h"
#include "gradeboard.h"
#include "v2board.h"

/*
 * The boards that average scores instead of fitting ratings, as the
 * console table, CSV and JSON lines.  Each function appends to out and
 * borrows its other arguments.
 */

/*
 * FastChat's MT-Bench table: "First turn", "Second turn" (when some record
 * is of turn 2) and "Average" sections, each sorted by its own mean, every
 * line "model | score: 7.41 | 95% CI: (-0.42, 0.39) | n: 80"; then the
 * mean per category (when known) and the count of unparsed ratings.
 */
void scorefmt_grade_table(struct buf *out,
    const struct gradeboard_result *r);

/*
 * One CSV line per model, by the mean of every turn: model, turn1,
 * turn1_q025, turn1_q975, turn2, ..., score, score_q025, score_q975, n,
 * unparsed, then one column per category.
 */
void scorefmt_grade_csv(struct buf *out, const struct gradeboard_result *r);

/* A "single" JSON line, then one "model" line per model. */
void scorefmt_grade_json(struct buf *out,
    const struct gradeboard_result *r, const char *date);

/*
 * v2.0's board per category: "##### Category: c #####", then lines
 * "model | score: 45.3 | 90% CI: (-2.1 / +2.3) | judgments: 500" in
 * percent rounded to one decimal, as upstream's show_result.py prints.
 */
void scorefmt_v2_table(struct buf *out, const struct v2board_result *r);

/* category, model, score, lower, upper, CI, baseline, judgments. */
void scorefmt_v2_csv(struct buf *out, const struct v2board_result *r);

/* Per category a "v2" JSON line, then one "model" line per model. */
void scorefmt_v2_json(struct buf *out, const struct v2board_result *r,
    const char *date);

#endif
