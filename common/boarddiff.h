/* boarddiff.h: what changed between two versions of a leaderboard. */
#ifndef JUDGEPIPE_BOARDDIFF_H
#define JUDGEPIPE_BOARDDIFF_H

#include <stddef.h>

#include "boardcsv.h"
#include "buf.h"
#include "diag.h"

/* One row of a board, with the numbers a comparison needs. */
struct boarddiff_model {
	const char *name;	/* borrowed from the CSV */
	long line;
	long rank;		/* 1 + the number of higher scores */
	double score;
	int has_ci;		/* rating_q025 and rating_q975 given */
	double q025, q975;
	int has_tokens;
	double avg_tokens;
};

/* A board: its rows sorted by rank, then name. */
struct boarddiff_board {
	const char *name;	/* borrowed: the CSV's board name */
	const char *path;
	struct boarddiff_model *m;
	size_t n;
};

/*
 * Take the models of c (borrowed: c must outlive b).  Every row needs a
 * model name and a numeric score; rating_q025, rating_q975 and avg_tokens
 * are used when the columns exist.  Returns 0, or -1 with d set
 * (EX_DATAERR at file:line) for a missing column, a cell that is not a
 * number or a model listed twice.  Release b in both cases.
 */
int boarddiff_board_init(struct boarddiff_board *b, const struct boardcsv *c,
    struct diag *d);
void boarddiff_board_release(struct boarddiff_board *b);

enum boarddiff_change {
	BOARDDIFF_ADDED,	/* only in the new board */
	BOARDDIFF_REMOVED,	/* only in the old board */
	BOARDDIFF_CHANGED,	/* rank, score, interval or avg_tokens */
};

struct boarddiff_entry {
	enum boarddiff_change change;
	const struct boarddiff_model *old, *new;	/* NULL when absent */
	int beyond;	/* new score outside the old interval */
};

struct boarddiff {
	const char *board;	/* the board's name */
	const struct boarddiff_board *old, *new;	/* either may be NULL */
	struct boarddiff_entry *e;	/* new rank order, then removed ones */
	size_t n;
	size_t added, removed, changed, moved, beyond, unchanged;
};

/*
 * Compare two versions of one board; old or new may be NULL (a board
 * that appeared or disappeared).  The boards are borrowed.
 */
void boarddiff_compute(const struct boarddiff_board *old,
    const struct boarddiff_board *new, struct boarddiff *out);
void boarddiff_release(struct boarddiff *df);

/*
 * JSON lines, appended to out: a board line
 * {"type": "board", "board", "change": "compared"|"added"|"removed",
 * "old", "new", "old_models", "new_models", "added", "removed", "changed",
 * "moved", "beyond_old_interval", "unchanged"}, then one
 * {"type": "model", "board", "change", "model", ...} line per entry.
 */
void boarddiff_format_json(struct buf *out, const struct boarddiff *df);

/*
 * A markdown section for the board ("## board", counts, tables of added,
 * removed and changed models), appended to out.  Model names are escaped.
 */
void boarddiff_format_markdown(struct buf *out, const struct boarddiff *df);

/*
 * Append s as literal markdown text (for a title naming the two boards):
 * characters that could start emphasis, code, a link, HTML, an entity or a
 * table cell are backslash-escaped, line breaks become spaces.
 */
void boarddiff_md_text(struct buf *out, const char *s);

#endif
