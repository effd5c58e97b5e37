/* lintpub.c: checks of a published board file and of who is on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lintpub.h"
#include "strmap.h"

/* Problems of one kind shown per board before they are only counted. */
#define SHOWN 5

/* The Korean fork's columns, and arena-hard-auto v0.1's. */
static const char *const fork_cols[] = {
	"model", "score", "rating_q025", "rating_q975", "avg_tokens",
	"elo_score", "elo_rating_q025", "elo_rating_q975", "elo_CI", "CI",
	"date", NULL
};
static const char *const v01_cols[] = {
	"model", "score", "rating_q025", "rating_q975", "CI", "avg_tokens",
	"date", NULL
};

/* Columns holding a number, and the interval columns. */
static const char *const number_cols[] = {
	"score", "rating_q025", "rating_q975", "avg_tokens", "elo_score",
	"elo_rating_q025", "elo_rating_q975", NULL
};

static const char *
model_of(const struct boardcsv *b, size_t i)
{
	const char *m = boardcsv_cell(b, i, boardcsv_col(b, "model"));

	return m != NULL ? m : "";
}

/* The entity name of a model's row: "board/model" (a static buffer). */
static const char *
row_name(const struct boardcsv *b, size_t i)
{
	static char name[1024];

	snprintf(name, sizeof(name), "%s/%s", b->board, model_of(b, i));
	return name;
}

/* Count a problem of one kind; whether to show it. */
static int
take(size_t *n)
{
	return (*n)++ < SHOWN;
}

static void
more(struct lint_report *r, const struct boardcsv *b, size_t n,
    const char *what)
{
	if (n > SHOWN)
		lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "board", b->board,
		    b->path, 0, "%zu more %s", n - SHOWN, what);
}

static void
check_columns(const struct boardcsv *b, struct lint_report *r)
{
	const char *const *want = boardcsv_col(b, "elo_score") >= 0 ?
	    fork_cols : v01_cols;
	size_t i, n = 0;

	for (i = 0; want[i] != NULL; i++)
		if (boardcsv_col(b, want[i]) < 0)
			lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "board",
			    b->board, b->path, 1, "no '%s' column (the %s "
			    "board has one)", want[i], want == fork_cols ?
			    "Korean fork's" : "arena-hard-auto v0.1");
	for (i = 0; i < b->nrows; i++)
		if (b->rows[i].ncells != b->ncols && take(&n))
			lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "board",
			    b->board, b->path, b->rows[i].line, "row of model "
			    "'%s' has %zu cells, the header %zu",
			    model_of(b, i), b->rows[i].ncells, b->ncols);
	more(r, b, n, "rows with a wrong number of cells");
}

static void
check_cells(const struct boardcsv *b, struct lint_report *r)
{
	size_t i, k, n = 0;
	double v;

	for (i = 0; i < b->nrows; i++) {
		const char *m = model_of(b, i);

		if (m[0] == '\0' && take(&n))
			lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "board",
			    b->board, b->path, b->rows[i].line, "row without "
			    "a model name");
		for (k = 0; number_cols[k] != NULL; k++) {
			int col = boardcsv_col(b, number_cols[k]);
			const char *cell = boardcsv_cell(b, i, col);

			if (col < 0 || boardcsv_number(cell, &v) == 0 ||
			    !take(&n))
				continue;
			if (cell == NULL || cell[0] == '\0')
				lint_add(r, LINT_MISDISPLAYED, LINT_ERROR,
				    "score", row_name(b, i), b->path,
				    b->rows[i].line,
				    "'%s' of model '%s' is empty",
				    number_cols[k], m);
			else
				lint_add(r, LINT_MISDISPLAYED, LINT_ERROR,
				    "score", row_name(b, i), b->path,
				    b->rows[i].line,
				    "'%s' of model '%s' is not a number: '%s'",
				    number_cols[k], m, cell);
		}
		for (k = 0; k < 2; k++) {
			const char *name = k == 0 ? "CI" : "elo_CI";
			int col = boardcsv_col(b, name);
			const char *cell = boardcsv_cell(b, i, col);
			double lo, hi;

			if (col < 0 || boardcsv_interval(cell, &lo, &hi) == 0 ||
			    !take(&n))
				continue;
			lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "score",
			    row_name(b, i), b->path, b->rows[i].line, "'%s' of "
			    "model '%s' is "
			    "not an interval \"(-x, +y)\": '%s'", name, m,
			    cell != NULL ? cell : "");
		}
	}
	more(r, b, n, "cells that are empty or malformed");
}

/* The value of column name in row i, or NAN. */
static double
num(const struct boardcsv *b, size_t i, const char *name)
{
	double v;

	if (boardcsv_number(boardcsv_cell(b, i, boardcsv_col(b, name)),
	    &v) == -1)
		return NAN;
	return v;
}

static void
check_order(const struct boardcsv *b, struct lint_report *r)
{
	size_t i, n = 0, first = 0;
	double prev = NAN;

	for (i = 0; i < b->nrows; i++) {
		double s = num(b, i, "score");

		if (isnan(s))
			continue;
		if (!isnan(prev) && s > prev + 1e-9 && n++ == 0)
			first = i;
		prev = s;
	}
	if (n > 0)
		lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "board", b->board,
		    b->path, b->rows[first].line, "rows are not in score "
		    "order: '%s' (%.2f) comes after a lower score%s",
		    model_of(b, first), num(b, first, "score"),
		    n > 1 ? " (and more rows out of order)" : "");
}

/* The CI strings against the bounds they describe. */
static void
check_intervals(const struct boardcsv *b, struct lint_report *r)
{
	static const char *const cols[2][4] = {
		{ "CI", "score", "rating_q025", "rating_q975" },
		{ "elo_CI", "elo_score", "elo_rating_q025", "elo_rating_q975" },
	};
	size_t i, k, n = 0;

	for (i = 0; i < b->nrows; i++)
		for (k = 0; k < 2; k++) {
			double lo, hi, s = num(b, i, cols[k][1]);
			double q0 = num(b, i, cols[k][2]);
			double q1 = num(b, i, cols[k][3]);

			if (boardcsv_interval(boardcsv_cell(b, i,
			    boardcsv_col(b, cols[k][0])), &lo, &hi) == -1 ||
			    isnan(s) || isnan(q0) || isnan(q1))
				continue;
			if (fabs(lo - (s - q0)) <= LINTPUB_CI_SLACK &&
			    fabs(hi - (q1 - s)) <= LINTPUB_CI_SLACK)
				continue;
			if (!take(&n))
				continue;
			lint_add(r, LINT_MISDISPLAYED, LINT_ERROR, "score",
			    row_name(b, i), b->path, b->rows[i].line, "'%s' "
			    "of model '%s' says (-%.2f, +%.2f) but the bounds "
			    "give (-%.2f, +%.2f)", cols[k][0], model_of(b, i),
			    lo, hi, s - q0, q1 - s);
		}
	more(r, b, n, "interval strings that disagree with their bounds");
}

static void
check_duplicates(const struct boardcsv *b, struct lint_report *r)
{
	struct strmap seen = { 0 };
	size_t i, k;

	for (i = 0; i < b->nrows; i++) {
		const char *m = model_of(b, i);

		if (m[0] == '\0')
			continue;
		k = strmap_get(&seen, m, strlen(m));
		if (k == STRMAP_NONE) {
			strmap_put(&seen, m, strlen(m), i);
			continue;
		}
		lint_add(r, LINT_REDUNDANT, LINT_ERROR, "model", m, b->path,
		    b->rows[i].line, "model '%s' is listed twice on board "
		    "'%s' (first at line %ld)", m, b->board, b->rows[k].line);
	}
	strmap_release(&seen);
}

void
lintpub_check_display(const struct boardcsv *b, struct lint_report *r)
{
	check_columns(b, r);
	check_cells(b, r);
	check_order(b, r);
	check_intervals(b, r);
	check_duplicates(b, r);
}

/* Whether model m has answers (with or without metadata). */
static int
has_answers(const struct boardsrc *src, uint32_t m)
{
	return src->answer_set != NULL &&
	    answerscan_has_model(src->answer_set, src->models.v[m]);
}

void
lintpub_check_models(const struct boardcsv *b, const struct boardsrc *src,
    const char *judge, struct lint_report *r)
{
	/* A model without answers cannot be on a control board. */
	int control = strcmp(b->board, "style_control") == 0 ||
	    strcmp(b->board, "length_control") == 0 ||
	    strcmp(b->board, "markdown_control") == 0;
	uint32_t j = judge != NULL ? boardsrc_find(&src->judges, judge) :
	    BOARDSRC_NONE;
	uint8_t *judged = xcalloc(src->models.n + 1, 1);
	uint8_t *listed = xcalloc(src->models.n + 1, 1);
	size_t i;

	for (i = 0; i < src->njudgments; i++)
		if (src->judgments[i].judge == j)
			judged[src->judgments[i].model] = 1;
	for (i = 0; i < b->nrows; i++) {
		const char *m = model_of(b, i);
		uint32_t k = boardsrc_find(&src->models, m);

		if (k != BOARDSRC_NONE)
			listed[k] = 1;
		if (m[0] != '\0' && (k == BOARDSRC_NONE || !judged[k]))
			lint_add(r, LINT_MISSING, LINT_ERROR, "model", m,
			    b->path, b->rows[i].line, "model '%s' is on board "
			    "'%s' but has no judgments%s%s%s: its row cannot "
			    "be checked", m, b->board, judge ? " by '" : "",
			    judge ? judge : "", judge ? "'" : "");
	}
	for (i = 0; i < src->models.n; i++)
		if (judged[i] && !listed[i] && !(control && !has_answers(src,
		    (uint32_t)i)))
			lint_add(r, LINT_MISSING, LINT_ERROR, "model",
			    src->models.v[i], b->path, 0, "model '%s' has "
			    "judgments%s%s%s but is not on board '%s'",
			    src->models.v[i], judge ? " by '" : "",
			    judge ? judge : "", judge ? "'" : "", b->board);
	free(judged);
	free(listed);
}
