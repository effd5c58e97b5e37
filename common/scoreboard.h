/* scoreboard.h: show-result's mean-score boards, computed and written. */
#ifndef JUDGEPIPE_SCOREBOARD_H
#define JUDGEPIPE_SCOREBOARD_H

#include <stddef.h>
#include <stdint.h>

#include "boardin.h"
#include "buf.h"
#include "diag.h"

/*
 * The boards that average scores, from the records boardin routed to
 * them: single grading's MT-Bench table (BOARDIN_SINGLE) and v2.0's
 * scoring (BOARDIN_V2), as the console table, CSV or JSON lines
 * (scorefmt.h).  The Bradley-Terry boards (BOARDIN_BATTLES) are the
 * leaderboard's.
 *
 *	scoreboard_categories(bi, "question.jsonl", notes, &n, &d);
 *	scoreboard_write(bi, &o, &out, notes, &n, &d);
 */

#define SCOREBOARD_MAX_NOTES 8

enum scoreboard_format {
	SCOREBOARD_TABLE,
	SCOREBOARD_CSV,
	SCOREBOARD_JSON,
};

struct scoreboard_opts {
	enum scoreboard_format format;
	long num_rounds;	/* bootstrap rounds, >= 1 */
	uint64_t seed;
	int by_outcome;		/* v2: resample each model's outcomes */
	const char *date;	/* of the JSON lines */
};

/*
 * Name the category of every question of the question file at path
 * ("-": standard input; every shape qaset.h reads) for the single-grading
 * table's per-category means.  Bad lines are reported in notes (at most
 * SCOREBOARD_MAX_NOTES, *nnotes counts them all, EX_DATAERR) and skipped.
 * Returns 0, or -1 with d set when the file cannot be read (EX_NOINPUT).
 */
int scoreboard_categories(struct boardin *bi, const char *path,
    struct diag *notes, size_t *nnotes, struct diag *d);

/*
 * Compute bi's board (BOARDIN_SINGLE or BOARDIN_V2) and append it to out.
 * Warnings (code 0: replaced records, other judges, dropped judgments)
 * go to notes as above.  Returns 0, or -1 with d set: no record, or
 * another kind of board.
 */
int scoreboard_write(struct boardin *bi, const struct scoreboard_opts *o,
    struct buf *out, struct diag *notes, size_t *nnotes, struct diag *d);

#endif
