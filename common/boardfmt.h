/* boardfmt.h: a computed board as text: console table, CSV, JSON lines. */
#ifndef JUDGEPIPE_BOARDFMT_H
#define JUDGEPIPE_BOARDFMT_H

#include "battles.h"
#include "buf.h"
#include "leaderboard.h"

/*
 * Each function appends one board to out and borrows its other arguments.
 */

/*
 * Upstream v0.1's console lines, one per model; heading adds the
 * "# board" line used when several boards are printed; show_elo prints
 * Elo instead of the win rate.
 */
void boardfmt_table(struct buf *out, const struct lb_result *r,
    int show_elo, int heading);

/* The Korean fork's CSV file, with date in its date column. */
void boardfmt_csv(struct buf *out, const struct lb_result *r,
    const char *date);

/* A "board" JSON line, then one "model" line per model in board order. */
void boardfmt_json(struct buf *out, const struct lb_result *r,
    const struct lb_opts *o, const struct battle_set *bs, const char *date);

/*
 * A GitHub-flavoured markdown table: the rank that respects uncertainty
 * (lb_rank_ci), the model (baseline marked), the score and its interval
 * (or Elo first with show_elo) and the average tokens ("n/a" without
 * answers).  Characters markdown would read (| \ ` * _ < [ ]) are
 * escaped in model names.  heading adds a "### board" line before it.
 */
void boardfmt_markdown(struct buf *out, const struct lb_result *r,
    int show_elo, const char *baseline, int heading);

/* Append s as a CSV field (quoted when it holds , " or a line break). */
void boardfmt_csv_field(struct buf *out, const char *s);

#endif
