/* boardcsv.h: published leaderboard CSV files, read cell by cell. */
#ifndef JUDGEPIPE_BOARDCSV_H
#define JUDGEPIPE_BOARDCSV_H

#include <stddef.h>

#include "diag.h"

/*
 * A board CSV as upstream writes it (pandas to_csv): a header line, then one
 * row per model; fields quoted when they hold ',', '"' or a line break
 * (quotes doubled); "\n" or "\r\n" line ends.  Two shapes are known: the
 * Korean fork's (model, score, rating_q025, rating_q975, avg_tokens,
 * elo_score, elo_rating_q025, elo_rating_q975, elo_CI, CI, date) and
 * arena-hard-auto v0.1's (model, score, rating_q025, rating_q975, CI,
 * avg_tokens, date).  Columns are found by name, so either works, and cells
 * are kept as text: whether a cell is a usable number is for the caller
 * to decide (a lint reports an empty cell, a diff refuses it).
 */
struct boardcsv_row {
	long line;		/* 1-based line where the row starts */
	char **cells;		/* ncells strings, owned */
	size_t ncells;		/* as read: may differ from the header */
};

struct boardcsv {
	char *path;		/* as given */
	char *board;		/* file name without directory and ".csv" */
	char **cols;		/* header names, owned */
	size_t ncols;
	struct boardcsv_row *rows;
	size_t nrows;
};

/*
 * Read the CSV at path (zstd-compressed input is accepted).  Returns 0, or
 * -1 with d set: EX_NOINPUT when it cannot be read, EX_DATAERR at
 * file:line for an empty file or a malformed quoted field.  b is zeroed
 * first; release it with boardcsv_release (also after a failure).
 */
int boardcsv_load(const char *path, struct boardcsv *b, struct diag *d);

/* The same from memory; name stands for the path. */
int boardcsv_parse(const char *name, const char *p, size_t n,
    struct boardcsv *b, struct diag *d);

void boardcsv_release(struct boardcsv *b);

/* Upstream's file names of the four boards (without ".csv"), in order. */
#define BOARDCSV_NBOARDS 4
extern const char *const boardcsv_names[BOARDCSV_NBOARDS];

/*
 * Expand path: a directory (a release folder) gives its "*.csv" files,
 * the four boards first in board order, then the others in name order;
 * anything else gives itself.  Appends malloc'ed strings to *paths and
 * sets *is_dir.  Returns 0, or -1 with d set (EX_NOINPUT) when path
 * cannot be read.
 */
int boardcsv_expand(const char *path, char ***paths, size_t *n, int *is_dir,
    struct diag *d);

/* The index of column name, or -1. */
int boardcsv_col(const struct boardcsv *b, const char *name);

/* Cell (row, col), or NULL when col < 0 or the row is too short. */
const char *boardcsv_cell(const struct boardcsv *b, size_t row, int col);

/*
 * Parse a cell as a finite decimal number.  Returns 0, or -1 for NULL, an
 * empty cell, "nan", "inf" or anything else that is not a whole number.
 */
int boardcsv_number(const char *cell, double *v);

/*
 * Parse an interval string "(-1.20, +1.13)" into its two magnitudes
 * (*lo = 1.20, *hi = 1.13).  Returns 0, or -1 when the cell has another
 * shape.
 */
int boardcsv_interval(const char *cell, double *lo, double *hi);

#endif
