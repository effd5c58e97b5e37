/* boarddiff.c: models added, removed, moved and rescored between boards. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "boarddiff.h"
#include "jsonw.h"
#include "strmap.h"

/* Scores and bounds are written with 2 decimals; below this is equal. */
#define EPS 1e-9

static int
cmp_model(const void *a, const void *b)
{
	const struct boarddiff_model *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Cell col of row i as a number; -1 with d set when it is not one. */
static int
number(const struct boardcsv *c, size_t i, int col, double *v,
    struct diag *d)
{
	const char *cell = boardcsv_cell(c, i, col);

	if (boardcsv_number(cell, v) == 0)
		return 0;
	return diag_set(d, EX_DATAERR, c->path, c->rows[i].line,
	    "'%s' of model '%s' is not a number: '%s'", c->cols[col],
	    c->rows[i].cells[0], cell != NULL ? cell : "");
}

int
boarddiff_board_init(struct boarddiff_board *b, const struct boardcsv *c,
    struct diag *d)
{
	int cm = boardcsv_col(c, "model"), cs = boardcsv_col(c, "score");
	int clo = boardcsv_col(c, "rating_q025");
	int chi = boardcsv_col(c, "rating_q975");
	int ct = boardcsv_col(c, "avg_tokens");
	struct strmap seen = { 0 };
	size_t i, k;

	memset(b, 0, sizeof(*b));
	b->name = c->board;
	b->path = c->path;
	if (cm < 0 || cs < 0)
		return diag_set(d, EX_DATAERR, c->path, 1, "no '%s' column",
		    cm < 0 ? "model" : "score");
	b->m = xcalloc(c->nrows ? c->nrows : 1, sizeof(*b->m));
	for (i = 0; i < c->nrows; i++) {
		struct boarddiff_model *m = &b->m[b->n];
		const char *name = boardcsv_cell(c, i, cm);

		if (name == NULL || name[0] == '\0') {
			strmap_release(&seen);
			return diag_set(d, EX_DATAERR, c->path,
			    c->rows[i].line, "row without a model name");
		}
		if ((k = strmap_get(&seen, name, strlen(name))) !=
		    STRMAP_NONE) {
			strmap_release(&seen);
			return diag_set(d, EX_DATAERR, c->path,
			    c->rows[i].line, "model '%s' listed twice "
			    "(first at line %ld)", name, b->m[k].line);
		}
		strmap_put(&seen, name, strlen(name), b->n);
		m->name = name;
		m->line = c->rows[i].line;
		if (number(c, i, cs, &m->score, d) == -1) {
			strmap_release(&seen);
			return -1;
		}
		if (clo >= 0 && chi >= 0) {
			if (number(c, i, clo, &m->q025, d) == -1 ||
			    number(c, i, chi, &m->q975, d) == -1) {
				strmap_release(&seen);
				return -1;
			}
			m->has_ci = 1;
		}
		if (ct >= 0) {
			if (number(c, i, ct, &m->avg_tokens, d) == -1) {
				strmap_release(&seen);
				return -1;
			}
			m->has_tokens = 1;
		}
		b->n++;
	}
	strmap_release(&seen);
	/* Competition ranking: equal scores share a rank. */
	for (i = 0; i < b->n; i++) {
		b->m[i].rank = 1;
		for (k = 0; k < b->n; k++)
			b->m[i].rank += b->m[k].score > b->m[i].score + EPS;
	}
	qsort(b->m, b->n, sizeof(*b->m), cmp_model);
	return 0;
}

void
boarddiff_board_release(struct boarddiff_board *b)
{
	free(b->m);
	memset(b, 0, sizeof(*b));
}

static int
differs(double a, double b)
{
	return fabs(a - b) > EPS;
}

static void
push(struct boarddiff *df, enum boarddiff_change ch,
    const struct boarddiff_model *old, const struct boarddiff_model *new)
{
	struct boarddiff_entry *e;

	df->e = xrealloc(df->e, (df->n + 1) * sizeof(*df->e));
	e = &df->e[df->n++];
	e->change = ch;
	e->old = old;
	e->new = new;
	e->beyond = old != NULL && new != NULL && old->has_ci &&
	    (new->score < old->q025 - EPS || new->score > old->q975 + EPS);
}

void
boarddiff_compute(const struct boarddiff_board *old,
    const struct boarddiff_board *new, struct boarddiff *df)
{
	struct strmap in_new = { 0 }, in_old = { 0 };
	size_t i, k;

	memset(df, 0, sizeof(*df));
	df->old = old;
	df->new = new;
	df->board = new != NULL ? new->name : old != NULL ? old->name : "";
	for (i = 0; old != NULL && i < old->n; i++)
		strmap_put(&in_old, old->m[i].name, strlen(old->m[i].name), i);
	for (i = 0; new != NULL && i < new->n; i++)
		strmap_put(&in_new, new->m[i].name, strlen(new->m[i].name), i);
	for (i = 0; new != NULL && i < new->n; i++) {
		const struct boarddiff_model *n = &new->m[i], *o;

		k = strmap_get(&in_old, n->name, strlen(n->name));
		if (k == STRMAP_NONE) {
			push(df, BOARDDIFF_ADDED, NULL, n);
			df->added++;
			continue;
		}
		o = &old->m[k];
		if (o->rank == n->rank && !differs(o->score, n->score) &&
		    o->has_ci == n->has_ci && (!o->has_ci ||
		    (!differs(o->q025, n->q025) && !differs(o->q975, n->q975)))
		    && o->has_tokens == n->has_tokens && (!o->has_tokens ||
		    !differs(o->avg_tokens, n->avg_tokens))) {
			df->unchanged++;
			continue;
		}
		push(df, BOARDDIFF_CHANGED, o, n);
		df->changed++;
		df->moved += o->rank != n->rank;
		df->beyond += df->e[df->n - 1].beyond;
	}
	for (i = 0; old != NULL && i < old->n; i++)
		if (strmap_get(&in_new, old->m[i].name,
		    strlen(old->m[i].name)) == STRMAP_NONE) {
			push(df, BOARDDIFF_REMOVED, &old->m[i], NULL);
			df->removed++;
		}
	strmap_release(&in_new);
	strmap_release(&in_old);
}

void
boarddiff_release(struct boarddiff *df)
{
	free(df->e);
	memset(df, 0, sizeof(*df));
}

/* Two decimals, as the boards print them, without binary noise. */
static json_t *
real2(double x)
{
	return json_real(jsonw_round(x, 2) + 0.0);	/* no -0.0 */
}

static void
set_model(json_t *o, const char *prefix, const struct boarddiff_model *m)
{
	char key[64];

	snprintf(key, sizeof(key), "%srank", prefix);
	json_object_set_new(o, key, json_integer(m->rank));
	snprintf(key, sizeof(key), "%sscore", prefix);
	json_object_set_new(o, key, real2(m->score));
	snprintf(key, sizeof(key), "%srating_q025", prefix);
	json_object_set_new(o, key, m->has_ci ? real2(m->q025) : json_null());
	snprintf(key, sizeof(key), "%srating_q975", prefix);
	json_object_set_new(o, key, m->has_ci ? real2(m->q975) : json_null());
	snprintf(key, sizeof(key), "%savg_tokens", prefix);
	json_object_set_new(o, key, m->has_tokens ?
	    json_integer((json_int_t)m->avg_tokens) : json_null());
}

static const char *const change_names[] = { "added", "removed", "changed" };

static void
dump_line(struct buf *out, json_t *o)
{
	jsonw_dump(out, o, 0);
	buf_addc(out, '\n');
	json_decref(o);
}

void
boarddiff_format_json(struct buf *out, const struct boarddiff *df)
{
	json_t *o = json_object();
	size_t i;

	json_object_set_new(o, "type", json_string("board"));
	json_object_set_new(o, "board", json_string(df->board));
	json_object_set_new(o, "change", json_string(df->old == NULL ?
	    "added" : df->new == NULL ? "removed" : "compared"));
	json_object_set_new(o, "old", df->old != NULL ?
	    json_string(df->old->path) : json_null());
	json_object_set_new(o, "new", df->new != NULL ?
	    json_string(df->new->path) : json_null());
	json_object_set_new(o, "old_models",
	    json_integer(df->old != NULL ? (json_int_t)df->old->n : 0));
	json_object_set_new(o, "new_models",
	    json_integer(df->new != NULL ? (json_int_t)df->new->n : 0));
	json_object_set_new(o, "added", json_integer(df->added));
	json_object_set_new(o, "removed", json_integer(df->removed));
	json_object_set_new(o, "changed", json_integer(df->changed));
	json_object_set_new(o, "moved", json_integer(df->moved));
	json_object_set_new(o, "beyond_old_interval",
	    json_integer(df->beyond));
	json_object_set_new(o, "unchanged", json_integer(df->unchanged));
	dump_line(out, o);
	for (i = 0; i < df->n; i++) {
		const struct boarddiff_entry *e = &df->e[i];

		o = json_object();
		json_object_set_new(o, "type", json_string("model"));
		json_object_set_new(o, "board", json_string(df->board));
		json_object_set_new(o, "change",
		    json_string(change_names[e->change]));
		json_object_set_new(o, "model", json_string(e->old != NULL ?
		    e->old->name : e->new->name));
		if (e->change != BOARDDIFF_CHANGED) {
			set_model(o, "", e->old != NULL ? e->old : e->new);
			dump_line(out, o);
			continue;
		}
		set_model(o, "old_", e->old);
		set_model(o, "new_", e->new);
		/* Positive: the model moved up. */
		json_object_set_new(o, "rank_move",
		    json_integer(e->old->rank - e->new->rank));
		json_object_set_new(o, "score_delta",
		    real2(e->new->score - e->old->score));
		json_object_set_new(o, "beyond_old_interval",
		    json_boolean(e->beyond));
		dump_line(out, o);
	}
}

void
boarddiff_md_text(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|~&", *s) != NULL)
			buf_addc(out, '\\');
		buf_addc(out, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

static void
md_interval(struct buf *out, const struct boarddiff_model *m)
{
	if (m->has_ci)
		buf_printf(out, "%.2f to %.2f", m->q025, m->q975);
	else
		buf_adds(out, "n/a");
}

/* A change of the interval alone (new bootstrap draws) is not listed. */
static int
interval_only(const struct boarddiff_entry *e)
{
	return e->change == BOARDDIFF_CHANGED &&
	    e->old->rank == e->new->rank &&
	    !differs(e->old->score, e->new->score) &&
	    e->old->has_tokens == e->new->has_tokens &&
	    (!e->old->has_tokens ||
	    !differs(e->old->avg_tokens, e->new->avg_tokens));
}

static void
md_table(struct buf *out, const struct boarddiff *df,
    enum boarddiff_change ch)
{
	static const char *const titles[] = {
		"Added", "Removed", "Changed"
	};
	size_t i, n = 0;

	for (i = 0; i < df->n; i++)
		n += df->e[i].change == ch && !interval_only(&df->e[i]);
	if (n == 0)
		return;
	buf_printf(out, "\n### %s\n\n", titles[ch]);
	if (ch != BOARDDIFF_CHANGED)
		buf_adds(out, "| model | rank | score | 95% interval |\n"
		    "|---|---:|---:|---|\n");
	else
		buf_adds(out, "| model | rank | score | change | "
		    "old interval | beyond it |\n"
		    "|---|---|---|---:|---|---|\n");
	for (i = 0; i < df->n; i++) {
		const struct boarddiff_entry *e = &df->e[i];
		const struct boarddiff_model *m = e->new != NULL ? e->new :
		    e->old;

		if (e->change != ch || interval_only(e))
			continue;
		buf_adds(out, "| ");
		boarddiff_md_text(out, m->name);
		if (ch != BOARDDIFF_CHANGED) {
			buf_printf(out, " | %ld | %.2f | ", m->rank, m->score);
			md_interval(out, m);
			buf_adds(out, " |\n");
			continue;
		}
		if (e->old->rank != e->new->rank)
			buf_printf(out, " | %ld → %ld (%+ld)", e->old->rank,
			    e->new->rank, e->old->rank - e->new->rank);
		else
			buf_printf(out, " | %ld", e->new->rank);
		buf_printf(out, " | %.2f → %.2f | %+.2f | ", e->old->score,
		    e->new->score, jsonw_round(e->new->score - e->old->score,
		    2) + 0.0);
		md_interval(out, e->old);
		buf_printf(out, " | %s |\n", e->beyond ? "**yes**" : "no");
	}
	for (i = n = 0; i < df->n; i++)
		n += interval_only(&df->e[i]);
	if (ch == BOARDDIFF_CHANGED && n > 0)
		buf_printf(out, "\n%zu more model%s changed only %s interval "
		    "(bounds come from a resampling of all battles, so they "
		    "move when any battle changes).\n", n, n == 1 ? "" : "s",
		    n == 1 ? "its" : "their");
}

void
boarddiff_format_markdown(struct buf *out, const struct boarddiff *df)
{
	buf_adds(out, "## ");
	boarddiff_md_text(out, df->board);
	buf_adds(out, "\n\n");
	if (df->old == NULL)
		buf_printf(out, "A new board with %zu models.\n",
		    df->new->n);
	else if (df->new == NULL)
		buf_printf(out, "The board was dropped (it had %zu models).\n",
		    df->old->n);
	else
		buf_printf(out, "%zu models before, %zu now: %zu added, "
		    "%zu removed, %zu changed (%zu moved in rank, %zu scored "
		    "outside %s old interval), %zu unchanged.\n",
		    df->old->n, df->new->n, df->added, df->removed,
		    df->changed, df->moved, df->beyond,
		    df->beyond == 1 ? "its" : "their", df->unchanged);
	if (df->old != NULL && df->new != NULL) {
		md_table(out, df, BOARDDIFF_ADDED);
		md_table(out, df, BOARDDIFF_REMOVED);
		md_table(out, df, BOARDDIFF_CHANGED);
	} else if (df->new != NULL)
		md_table(out, df, BOARDDIFF_ADDED);
	else
		md_table(out, df, BOARDDIFF_REMOVED);
}
