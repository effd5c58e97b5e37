/* leaderboard.c: builds boards from battles, fits them, bootstraps CIs. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "elo.h"
#include "jsonw.h"
#include "leaderboard.h"

#define MAX_ERRS 20
#define MT_BATCH 1024		/* rounds per batch of saved MT states */
#define NOQ_KEY UINT32_MAX	/* battle unit: votes without question */

static const char *board_names[LB_NBOARDS] = {
	"no_control", "style_control", "length_control", "markdown_control"
};

/* Style elements per board, upstream's order; -1 ends the list. */
static const int board_elems[LB_NBOARDS][ANSWER_NELEM + 1] = {
	{ -1 },
	{ ANSWER_TOKENS, ANSWER_HEADERS, ANSWER_LISTS, ANSWER_BOLD, -1 },
	{ ANSWER_TOKENS, -1 },
	{ ANSWER_HEADERS, ANSWER_LISTS, ANSWER_BOLD, -1 },
};

static const char *elem_names[ANSWER_NELEM] = {
	"sum_assistant_a_tokens", "header_count_a", "list_count_a",
	"bold_count_a"
};

const char *
lb_board_name(enum lb_board b)
{
	return board_names[b];
}

/*
 * A board's design.  Models have a local id (0 .. nmodels - 1) on the
 * board; a cell is a distinct (model a, model b, cluster, style features)
 * row of the data, with its weighted outcome counts; a cluster is the unit
 * the question bootstrap resamples.
 */
struct board {
	enum lb_board id;
	int nfeatures;		/* style features (0: no control) */
	int feature_elem[ANSWER_NELEM];	/* enum answer_elem of each */
	unsigned need_meta;	/* metadata mask the board needs */
	int nmodels;
	int baseline;		/* local id of the baseline */
	int anchor_mean;	/* the ratings' mean is the anchor, not it */
	int gpt4;		/* local id of gpt-4-0314, or -1 */
	uint32_t *global_id;	/* local -> global model id */
	int *local_id;		/* global -> local, or -1 */
	unsigned long long *model_rows;	/* expanded rows per model */
	size_t ncells;		/* grouped by (a, b) */
	int *cell_a, *cell_b;
	uint32_t *cell_cluster;
	double *cell_a_wins, *cell_ties, *cell_b_wins;	/* weighted counts */
	double *features;	/* ncells * nfeatures, standardised */
	size_t npairs;		/* distinct (a, b) */
	size_t *pair_start;	/* first cell of each pair; npairs + 1 */
	size_t nclusters;
	size_t nexpanded;	/* expanded battle rows */
	uint32_t *expanded;	/* in resampling order: cell * 3 + outcome */
	double *full_fit;	/* nmodels + nfeatures: full-data fit */
	unsigned char *full_state;	/* no control: bt_state per model */
};

static void
board_release(struct board *bd)
{
	free(bd->global_id);
	free(bd->local_id);
	free(bd->model_rows);
	free(bd->cell_a);
	free(bd->cell_b);
	free(bd->cell_cluster);
	free(bd->cell_a_wins);
	free(bd->cell_ties);
	free(bd->cell_b_wins);
	free(bd->features);
	free(bd->pair_start);
	free(bd->expanded);
	free(bd->full_fit);
	free(bd->full_state);
}

static struct diag *
push_diag(struct diag **v, size_t *n)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	diag_clear(&(*v)[*n]);
	return &(*v)[(*n)++];
}

static void
add_warn(struct lb_result *res, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_warn(struct lb_result *res, const char *file, long line,
    const char *fmt, ...)
{
	struct diag *w = push_diag(&res->warns, &res->nwarns);
	va_list ap;

	va_start(ap, fmt);
	diag_vset(w, EX_DATAERR, file, line, fmt, ap);
	va_end(ap);
	w->code = 0;
}

/* Union-find for connectivity. */
static uint32_t
uf_find(uint32_t *par, uint32_t x)
{
	while (par[x] != x) {
		par[x] = par[par[x]];
		x = par[x];
	}
	return x;
}

/* The metadata of both sides of every row, for a control board. */
struct rowmeta {
	const long long *a, *b;	/* NULL: missing */
};

static const long long *
answer_meta(const struct battle_set *bs, const struct answer_set *ans,
    uint32_t model, uint32_t q, unsigned need, int *no_model)
{
	const struct answer_rec *r;

	*no_model = 0;
	if (ans == NULL || !answerscan_has_model(ans, bs->models[model])) {
		*no_model = 1;
		return NULL;
	}
	r = answerscan_lookup(ans, bs->models[model], bs->questions[q]);
	if (r == NULL || (r->meta_mask & need) != need)
		return NULL;
	return r->meta;
}

/*
 * Look the metadata of every row up; mark rows without it in sel (or
 * report them).  Returns -1 when rows lack metadata and that is an error.
 */
static int
collect_meta(struct board *bd, const struct battle_set *bs,
    const struct answer_set *ans, const struct lb_opts *o,
    struct rowmeta *rm, unsigned char *sel, struct lb_result *res,
    struct diag *d)
{
	unsigned char *told = xcalloc(bs->nmodels ? bs->nmodels : 1, 1);
	unsigned long long missing = 0;
	uint32_t la = UINT32_MAX, lb = UINT32_MAX, lq = UINT32_MAX;
	const long long *ma = NULL, *mb = NULL;
	int noa = 0, nob = 0;
	size_t i;

	for (i = 0; i < bs->nrows; i++) {
		uint32_t ri = bs->canon[i];
		const struct battle_row *r = &bs->rows[ri];
		const char *file = bs->files[r->file];

		if (r->vote) {
			const struct battle_meta *m = &bs->metas[2 * r->meta];

			rm[ri].a = rm[ri].b = NULL;
			if (r->has_meta &&
			    (m[0].mask & bd->need_meta) == bd->need_meta &&
			    (m[1].mask & bd->need_meta) == bd->need_meta) {
				rm[ri].a = m[0].v;
				rm[ri].b = m[1].v;
				continue;
			}
			missing++;
			sel[ri] = 0;
			if (!o->allow_missing_metadata && res->nerrs < MAX_ERRS)
				diag_set(push_diag(&res->errs, &res->nerrs),
				    EX_DATAERR, file, r->line, "vote without "
				    "the conv_metadata %s needs",
				    board_names[bd->id]);
			continue;
		}
		/* Rows of a (model, question) are adjacent: look up once. */
		if (r->a != la || r->q != lq)
			ma = answer_meta(bs, ans, r->a, r->q, bd->need_meta,
			    &noa);
		if (r->b != lb || r->q != lq)
			mb = answer_meta(bs, ans, r->b, r->q, bd->need_meta,
			    &nob);
		la = r->a;
		lb = r->b;
		lq = r->q;
		rm[ri].a = ma;
		rm[ri].b = mb;
		if (ma != NULL && mb != NULL)
			continue;
		missing++;
		sel[ri] = 0;
		if (o->allow_missing_metadata)
			continue;
		for (int side = 0; side < 2; side++) {
			uint32_t m = side ? r->b : r->a;
			int nomodel = side ? nob : noa;

			if ((side ? mb : ma) != NULL)
				continue;
			if (nomodel) {
				if (told[m])
					continue;
				told[m] = 1;
				if (res->nerrs < MAX_ERRS)
					diag_set(push_diag(&res->errs,
					    &res->nerrs), EX_DATAERR, file,
					    r->line, "model '%s' has no "
					    "answers (%s needs them)",
					    bs->models[m], board_names[bd->id]);
			} else if (res->nerrs < MAX_ERRS && (i == 0 ||
			    bs->rows[bs->canon[i - 1]].q != r->q ||
			    bs->rows[bs->canon[i - 1]].b != r->b)) {
				diag_set(push_diag(&res->errs, &res->nerrs),
				    EX_DATAERR, file, r->line, "no answer "
				    "metadata of model '%s' for question '%s' "
				    "(%s needs it)", bs->models[m],
				    bs->questions[r->q], board_names[bd->id]);
			}
			if (r->a == r->b)
				break;
		}
	}
	free(told);
	if (missing > 0 && !o->allow_missing_metadata)
		return diag_set(d, EX_DATAERR, NULL, 0, "%s: %llu battle rows "
		    "lack answer metadata (see --answers, "
		    "--allow-missing-metadata)", board_names[bd->id], missing);
	if (missing > 0)
		add_warn(res, NULL, 0, "%s: %llu battle rows without metadata "
		    "dropped", board_names[bd->id], missing);
	return 0;
}

/* Sort key of a selected row for grouping into cells. */
struct cellkey {
	uint32_t row, pos;
	int a, b;
	uint32_t ckey;
};

struct cellsort {
	const struct board *bd;
	const struct rowmeta *rm;
};

static int
cmp_cellkey(const void *pa, const void *pb, void *ctx)
{
	const struct cellsort *cs = ctx;
	const struct cellkey *x = pa, *y = pb;
	int e;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->ckey != y->ckey)
		return x->ckey < y->ckey ? -1 : 1;
	if (cs->bd->nfeatures > 0) {
		for (e = 0; e < cs->bd->nfeatures; e++) {
			int el = cs->bd->feature_elem[e];
			long long u = cs->rm[x->row].a[el];
			long long v = cs->rm[y->row].a[el];

			if (u != v)
				return u < v ? -1 : 1;
			u = cs->rm[x->row].b[el];
			v = cs->rm[y->row].b[el];
			if (u != v)
				return u < v ? -1 : 1;
		}
	}
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int
same_cell(const struct cellsort *cs, const struct cellkey *x,
    const struct cellkey *y)
{
	struct cellkey a = *x, b = *y;

	a.pos = b.pos = 0;
	return cmp_cellkey(&a, &b, (void *)cs) == 0;
}

/* The style features of the board, upstream's order. */
static void
choose_features(struct board *bd)
{
	int e;

	for (e = 0; board_elems[bd->id][e] >= 0; e++) {
		bd->feature_elem[e] = board_elems[bd->id][e];
		bd->need_meta |= 1U << bd->feature_elem[e];
	}
	bd->nfeatures = e;
}

/*
 * Number the models of the selected rows that are connected to the
 * baseline; deselect the rows of the others.  Returns -1 with d set when
 * the baseline has no selected row.
 */
static int
number_models(struct board *bd, const struct battle_set *bs,
    unsigned char *sel, struct lb_result *res, struct diag *d)
{
	size_t nm = bs->nmodels ? bs->nmodels : 1, i;
	uint32_t *par = xmalloc(nm * sizeof(*par));
	unsigned char *seen = xcalloc(nm, 1);
	uint32_t root;
	long g;

	for (i = 0; i < bs->nmodels; i++)
		par[i] = (uint32_t)i;
	for (i = 0; i < bs->nrows; i++)
		if (sel[i]) {
			par[uf_find(par, bs->rows[i].a)] =
			    uf_find(par, bs->rows[i].b);
			seen[bs->rows[i].a] = seen[bs->rows[i].b] = 1;
		}
	bd->local_id = xmalloc(nm * sizeof(int));
	bd->global_id = xmalloc(nm * sizeof(uint32_t));
	if (!seen[bs->base]) {
		free(seen);
		free(par);
		return diag_set(d, EX_DATAERR, NULL, 0, "%s: baseline '%s' "
		    "has no battles", board_names[bd->id], bs->baseline);
	}
	root = uf_find(par, bs->base);
	bd->nmodels = 0;
	for (i = 0; i < bs->nmodels; i++) {
		bd->local_id[i] = -1;
		if (!seen[i])
			continue;
		if (uf_find(par, (uint32_t)i) != root) {
			add_warn(res, NULL, 0, "%s: model '%s' is not "
			    "connected to the baseline (omitted)",
			    board_names[bd->id], bs->models[i]);
			continue;
		}
		bd->local_id[i] = bd->nmodels;
		bd->global_id[bd->nmodels++] = (uint32_t)i;
	}
	free(seen);
	free(par);
	bd->baseline = bd->local_id[bs->base];
	g = battles_model_id(bs, "gpt-4-0314");
	bd->gpt4 = g >= 0 ? bd->local_id[g] : -1;
	for (i = 0; i < bs->nrows; i++)
		if (sel[i] && bd->local_id[bs->rows[i].a] < 0)
			sel[i] = 0;
	return 0;
}

/*
 * The sort keys of the selected rows, in canonical order, with their
 * clusters: question ids in sorted order, then (question unit) each vote
 * without a question in a cluster of its own.  Returns their number.
 */
static size_t
cell_keys(struct board *bd, const struct battle_set *bs,
    const struct lb_opts *o, const unsigned char *sel,
    struct cellkey *keys)
{
	size_t nr = bs->nrows, i, nsel = 0, nnoq = 0;
	uint32_t *qcl;

	qcl = xmalloc((bs->nquestions ? bs->nquestions : 1) * sizeof(*qcl));
	for (i = 0; i < bs->nquestions; i++)
		qcl[i] = UINT32_MAX;
	for (i = 0; i < nr; i++)
		if (sel[i] && bs->rows[i].q != BATTLE_NOQ)
			qcl[bs->rows[i].q] = 0;
	bd->nclusters = 0;
	for (i = 0; i < bs->nquestions; i++)
		if (qcl[i] == 0)
			qcl[i] = (uint32_t)bd->nclusters++;
	for (i = 0; i < nr; i++) {
		uint32_t ri = bs->canon[i];
		const struct battle_row *r = &bs->rows[ri];
		struct cellkey *k;

		if (!sel[ri])
			continue;
		k = &keys[nsel++];
		k->row = ri;
		k->pos = (uint32_t)i;
		k->a = bd->local_id[r->a];
		k->b = bd->local_id[r->b];
		if (r->q != BATTLE_NOQ)
			k->ckey = qcl[r->q];
		else if (o->unit == LB_QUESTION)
			k->ckey = (uint32_t)(bd->nclusters + nnoq++);
		else
			k->ckey = NOQ_KEY;
	}
	if (o->unit == LB_QUESTION)
		bd->nclusters += nnoq;
	free(qcl);
	return nsel;
}

/*
 * Group the sorted keys into cells: their models, cluster, outcome counts
 * and raw style features, and the first cell of each model pair.
 * rowcell[row] gets the cell of each selected row.
 */
static void
build_cells(struct board *bd, const struct battle_set *bs,
    const struct cellsort *cs, const struct cellkey *keys, size_t nsel,
    uint32_t *rowcell)
{
	size_t i, j, nc = 0;
	int e;

	for (i = 0; i < nsel; i++)
		if (i == 0 || !same_cell(cs, &keys[i - 1], &keys[i]))
			nc++;
	bd->ncells = nc;
	bd->cell_a = xmalloc((nc + 1) * sizeof(int));
	bd->cell_b = xmalloc((nc + 1) * sizeof(int));
	bd->cell_cluster = xmalloc((nc + 1) * sizeof(uint32_t));
	bd->cell_a_wins = xcalloc(nc + 1, sizeof(double));
	bd->cell_ties = xcalloc(nc + 1, sizeof(double));
	bd->cell_b_wins = xcalloc(nc + 1, sizeof(double));
	bd->features = xcalloc((nc + 1) * (size_t)(bd->nfeatures ?
	    bd->nfeatures : 1), sizeof(double));
	bd->model_rows = xcalloc((size_t)bd->nmodels + 1,
	    sizeof(*bd->model_rows));
	bd->pair_start = xmalloc((nc + 2) * sizeof(size_t));
	bd->npairs = 0;
	for (i = 0, j = 0; i < nsel; i++) {
		const struct battle_row *r = &bs->rows[keys[i].row];
		size_t c;

		if (i > 0 && same_cell(cs, &keys[i - 1], &keys[i])) {
			c = j - 1;
		} else {
			c = j++;
			bd->cell_a[c] = keys[i].a;
			bd->cell_b[c] = keys[i].b;
			bd->cell_cluster[c] = keys[i].ckey;
			if (c == 0 || bd->cell_a[c] != bd->cell_a[c - 1] ||
			    bd->cell_b[c] != bd->cell_b[c - 1])
				bd->pair_start[bd->npairs++] = c;
			for (e = 0; e < bd->nfeatures; e++) {
				const struct rowmeta *m = &cs->rm[keys[i].row];
				double x = (double)m->a[bd->feature_elem[e]];
				double y = (double)m->b[bd->feature_elem[e]];

				bd->features[c * bd->nfeatures + e] =
				    (x - y) / (x + y + 1);
			}
		}
		rowcell[keys[i].row] = (uint32_t)c;
		if (r->outcome == BATTLE_A)
			bd->cell_a_wins[c] += r->weight;
		else if (r->outcome == BATTLE_TIE)
			bd->cell_ties[c] += r->weight;
		else
			bd->cell_b_wins[c] += r->weight;
		bd->model_rows[keys[i].a] += r->weight;
		if (keys[i].b != keys[i].a)
			bd->model_rows[keys[i].b] += r->weight;
		bd->nexpanded += r->weight;
	}
	bd->pair_start[bd->npairs] = bd->ncells;
}

/* Standardise each feature: population mean and std over expanded rows. */
static void
standardise_features(struct board *bd, struct lb_result *res)
{
	size_t c, nc = bd->ncells, k = (size_t)bd->nfeatures;
	int e;

	for (e = 0; e < bd->nfeatures; e++) {
		double sum = 0, var = 0, mean, sd;

		for (c = 0; c < nc; c++)
			sum += (bd->cell_a_wins[c] + bd->cell_ties[c] +
			    bd->cell_b_wins[c]) * bd->features[c * k + e];
		mean = sum / (double)bd->nexpanded;
		for (c = 0; c < nc; c++) {
			double t = bd->features[c * k + e] - mean;

			var += (bd->cell_a_wins[c] + bd->cell_ties[c] +
			    bd->cell_b_wins[c]) * t * t;
		}
		sd = sqrt(var / (double)bd->nexpanded);
		if (!(sd > 0))
			add_warn(res, NULL, 0, "%s: feature '%s' is constant "
			    "(its column is zero)", board_names[bd->id],
			    elem_names[bd->feature_elem[e]]);
		for (c = 0; c < nc; c++)
			bd->features[c * k + e] = sd > 0 ?
			    (bd->features[c * k + e] - mean) / sd : 0;
	}
}

/*
 * The expanded rows in resampling order (input order in reference-compat
 * mode, else canonical), each as cell * 3 + outcome.
 */
static void
expand_rows(struct board *bd, const struct battle_set *bs,
    const struct lb_opts *o, const unsigned char *sel,
    const uint32_t *rowcell)
{
	size_t i, j;

	bd->expanded = xmalloc((bd->nexpanded ? bd->nexpanded : 1) *
	    sizeof(*bd->expanded));
	for (i = 0, j = 0; i < bs->nrows; i++) {
		uint32_t ri = o->reference_compat ? (uint32_t)i : bs->canon[i];
		const struct battle_row *r = &bs->rows[ri];
		uint32_t w;

		if (!sel[ri])
			continue;
		for (w = 0; w < r->weight; w++)
			bd->expanded[j++] = rowcell[ri] * 3 + r->outcome;
	}
}

/*
 * Build the board's design from the battles: select the rows (those with
 * the metadata a control board needs), number the models connected to
 * the baseline, group the rows into cells and expand them for resampling.
 */
static int
board_build(struct board *bd, const struct battle_set *bs,
    const struct answer_set *ans, const struct lb_opts *o,
    struct lb_result *res, struct diag *d)
{
	size_t nr = bs->nrows ? bs->nrows : 1, nsel;
	unsigned char *sel = xmalloc(nr);
	struct rowmeta *rm = NULL;
	struct cellkey *keys = NULL;
	uint32_t *rowcell = NULL;
	struct cellsort cs;
	int rc = -1;

	memset(sel, 1, nr);
	choose_features(bd);
	if (bd->nfeatures > 0) {
		rm = xcalloc(nr, sizeof(*rm));
		if (collect_meta(bd, bs, ans, o, rm, sel, res, d) == -1)
			goto out;
	}
	if (number_models(bd, bs, sel, res, d) == -1)
		goto out;
	keys = xmalloc(nr * sizeof(*keys));
	nsel = cell_keys(bd, bs, o, sel, keys);
	cs.bd = bd;
	cs.rm = rm;
	qsort_r(keys, nsel, sizeof(*keys), cmp_cellkey, &cs);
	rowcell = xmalloc(nr * sizeof(*rowcell));
	build_cells(bd, bs, &cs, keys, nsel, rowcell);
	standardise_features(bd, res);
	expand_rows(bd, bs, o, sel, rowcell);
	rc = 0;
out:
	free(rowcell);
	free(keys);
	free(rm);
	free(sel);
	return rc;
}

/* Per-thread scratch space of the bootstrap. */
struct scratch {
	uint32_t *outcome_draws;	/* 3 * ncells (battle unit) */
	uint32_t *cluster_draws;	/* nclusters (question unit) */
	double *games, *points;	/* ncells: n and 2 a_wins + ties */
	double *a_wins, *ties, *b_wins;	/* ncells: counts of this round */
	struct bt_pair *pairs;	/* npairs */
	double *fit;		/* nmodels + nfeatures */
	unsigned char *state, *present;	/* nmodels */
	struct bt_work *ws;
};

static void
scratch_init(struct scratch *sc, const struct board *bd)
{
	size_t nc = bd->ncells + 1;

	sc->outcome_draws = xmalloc(3 * nc * sizeof(*sc->outcome_draws));
	sc->cluster_draws = xmalloc((bd->nclusters + 1) *
	    sizeof(*sc->cluster_draws));
	sc->games = xmalloc(nc * sizeof(double));
	sc->points = xmalloc(nc * sizeof(double));
	sc->a_wins = xmalloc(nc * sizeof(double));
	sc->ties = xmalloc(nc * sizeof(double));
	sc->b_wins = xmalloc(nc * sizeof(double));
	sc->pairs = xmalloc((bd->npairs + 1) * sizeof(*sc->pairs));
	sc->fit = xmalloc(((size_t)bd->nmodels + bd->nfeatures + 1) *
	    sizeof(double));
	sc->state = xmalloc((size_t)bd->nmodels + 1);
	sc->present = xmalloc((size_t)bd->nmodels + 1);
	sc->ws = bt_work_new(bd->nmodels + bd->nfeatures);
}

static void
scratch_release(struct scratch *sc)
{
	free(sc->outcome_draws);
	free(sc->cluster_draws);
	free(sc->games);
	free(sc->points);
	free(sc->a_wins);
	free(sc->ties);
	free(sc->b_wins);
	free(sc->pairs);
	free(sc->fit);
	free(sc->state);
	free(sc->present);
	bt_work_free(sc->ws);
}

/* Random source of one round. */
struct draw {
	int mt;
	struct rng_xo xo;
	struct rng_mt m;
};

static uint64_t
draw_below(struct draw *r, uint64_t n)
{
	return r->mt ? rng_mt_below(&r->m, n) : rng_xo_below(&r->xo, n);
}

/* The counts of one bootstrap sample (or of the data when r is NULL). */
static void
sample_counts(const struct board *bd, enum lb_unit unit, struct draw *r,
    struct scratch *sc)
{
	size_t i, c, nc = bd->ncells;

	if (r == NULL) {
		memcpy(sc->a_wins, bd->cell_a_wins, nc * sizeof(double));
		memcpy(sc->ties, bd->cell_ties, nc * sizeof(double));
		memcpy(sc->b_wins, bd->cell_b_wins, nc * sizeof(double));
		return;
	}
	if (unit == LB_BATTLE) {
		memset(sc->outcome_draws, 0, 3 * nc *
		    sizeof(*sc->outcome_draws));
		for (i = 0; i < bd->nexpanded; i++)
			sc->outcome_draws[bd->expanded[draw_below(r,
			    bd->nexpanded)]]++;
		for (c = 0; c < nc; c++) {
			sc->a_wins[c] = sc->outcome_draws[3 * c];
			sc->ties[c] = sc->outcome_draws[3 * c + 1];
			sc->b_wins[c] = sc->outcome_draws[3 * c + 2];
		}
		return;
	}
	memset(sc->cluster_draws, 0, bd->nclusters *
	    sizeof(*sc->cluster_draws));
	for (i = 0; i < bd->nclusters; i++)
		sc->cluster_draws[draw_below(r, bd->nclusters)]++;
	for (c = 0; c < nc; c++) {
		double k = sc->cluster_draws[bd->cell_cluster[c]];

		sc->a_wins[c] = k * bd->cell_a_wins[c];
		sc->ties[c] = k * bd->cell_ties[c];
		sc->b_wins[c] = k * bd->cell_b_wins[c];
	}
}

/* Number of draws a round makes (to advance a shared stream). */
static size_t
round_draws(const struct board *bd, enum lb_unit unit)
{
	return unit == LB_BATTLE ? bd->nexpanded : bd->nclusters;
}

/*
 * The Bradley-Terry MLE of a no-control board on the counts in sc.
 * unanchored: the reference's no-control bootstrap.
 */
static int
fit_no_control(const struct board *bd, struct scratch *sc, double *elo,
    int unanchored)
{
	double self[3] = { 0, 0, 0 };	/* the baseline's self-judgments */
	size_t i, c;
	int m;

	for (i = 0; i < bd->npairs; i++) {
		struct bt_pair *q = &sc->pairs[i];

		q->a = bd->cell_a[bd->pair_start[i]];
		q->b = bd->cell_b[bd->pair_start[i]];
		q->wa = q->wb = q->t = 0;
		for (c = bd->pair_start[i]; c < bd->pair_start[i + 1]; c++) {
			q->wa += sc->a_wins[c];
			q->wb += sc->b_wins[c];
			q->t += sc->ties[c];
		}
		if (q->a == q->b && q->a == bd->baseline) {
			self[0] += q->wa;
			self[1] += q->t;
			self[2] += q->wb;
		}
	}
	memcpy(sc->fit, bd->full_fit, (size_t)bd->nmodels * sizeof(double));
	if (bt_fit_mle(bd->nmodels, bd->baseline, sc->pairs, bd->npairs,
	    sc->fit, sc->state, sc->ws) == -1)
		return -2;
	for (m = 0; m < bd->nmodels; m++) {
		if (!sc->present[m])
			continue;
		switch (sc->state[m]) {
		case BT_FINITE:
			elo[m] = sc->fit[m];
			break;
		case BT_POS_INF:
			elo[m] = INFINITY;
			break;
		case BT_NEG_INF:
			elo[m] = -INFINITY;
			break;
		default:
			break;
		}
	}
	if (unanchored) {
		double shift = 0, tot = self[0] + self[1] + self[2];
		int cnt = 0;

		if (bd->gpt4 >= 0 && sc->present[bd->gpt4] &&
		    isfinite(elo[bd->gpt4])) {
			shift = -elo[bd->gpt4];
		} else if (tot > 0) {
			double q = (self[0] + self[1] / 2) / tot;

			shift = log10((1 - q) / q);
		} else {
			/* lbfgs from 0: the minimum-norm optimum. */
			for (m = 0; m < bd->nmodels; m++)
				if (!isnan(elo[m])) {
					shift += elo[m];
					cnt++;
				}
			shift = cnt ? -shift / cnt : 0;
		}
		for (m = 0; m < bd->nmodels; m++)
			elo[m] += shift;
	}
	for (m = 0; m < bd->nmodels; m++)
		elo[m] = 400 * elo[m] + 1000;
	return 0;
}

/* The L2-regularised fit of a control board on the counts in sc. */
static int
fit_control(const struct board *bd, struct scratch *sc, double *elo,
    double *coef)
{
	struct bt_design x = {
		bd->nmodels, bd->nfeatures, bd->ncells, bd->cell_a,
		bd->cell_b, bd->features, bd->npairs, bd->pair_start
	};
	size_t c;
	int m;

	for (c = 0; c < bd->ncells; c++) {
		sc->games[c] = sc->a_wins[c] + sc->ties[c] + sc->b_wins[c];
		sc->points[c] = 2 * sc->a_wins[c] + sc->ties[c];
	}
	memcpy(sc->fit, bd->full_fit, ((size_t)bd->nmodels + bd->nfeatures) *
	    sizeof(double));
	if (bt_fit_l2(&x, sc->games, sc->points, sc->fit, sc->ws) == -1)
		return -2;
	for (m = 0; m < bd->nmodels; m++)
		if (sc->present[m])
			elo[m] = 1114 + 400 * (sc->fit[m] -
			    sc->fit[bd->baseline]);
	if (coef != NULL)
		memcpy(coef, sc->fit + bd->nmodels, (size_t)bd->nfeatures *
		    sizeof(double));
	return 0;
}

/*
 * Without a baseline (pairwise-all), shift the finite ratings so that
 * their mean is the anchor (1000, or 1114 on a control board): a model's
 * win rate is then its chance against an average model of this board.
 */
static void
center(const struct board *bd, double *elo)
{
	double anchor = bd->nfeatures == 0 ? 1000 : 1114, sum = 0;
	int m, n = 0;

	for (m = 0; m < bd->nmodels; m++)
		if (isfinite(elo[m])) {
			sum += elo[m];
			n++;
		}
	for (m = 0; n > 0 && m < bd->nmodels; m++)
		elo[m] += anchor - sum / n;
}

/*
 * Fit the counts in sc; elo[0..nmodels-1] gets the ratings (NaN:
 * undefined), coef (when not NULL) the style coefficients.  Returns 0, -1
 * when the baseline is absent, -2 when the solver failed (then every
 * rating is NaN).
 */
static int
fit_counts(const struct board *bd, struct scratch *sc, double *elo,
    int unanchored, double *coef)
{
	size_t c;
	int m, st;

	memset(sc->present, 0, (size_t)bd->nmodels);
	for (c = 0; c < bd->ncells; c++)
		if (sc->a_wins[c] + sc->ties[c] + sc->b_wins[c] > 0)
			sc->present[bd->cell_a[c]] =
			    sc->present[bd->cell_b[c]] = 1;
	for (m = 0; m < bd->nmodels; m++)
		elo[m] = NAN;
	if (!sc->present[bd->baseline])
		return -1;
	if (bd->nfeatures == 0)
		st = fit_no_control(bd, sc, elo, unanchored);
	else
		st = fit_control(bd, sc, elo, coef);
	if (st == 0 && bd->anchor_mean)
		center(bd, elo);
	return st;
}

/* The bootstrap of one board, shared by its threads. */
struct boot {
	const struct board *bd;
	const struct lb_opts *o;
	double *elo;		/* rounds * p */
	long lo, hi;		/* rounds of this batch */
	struct rng_mt *snaps;	/* MT state at the start of each round */
	atomic_long next;
	atomic_long discarded;	/* rounds without the baseline */
	atomic_long failed;	/* rounds whose fit failed */
};

static void *
boot_worker(void *arg)
{
	struct boot *b = arg;
	const struct board *bd = b->bd;
	struct scratch sc;
	struct draw r;
	long i;

	scratch_init(&sc, bd);
	while ((i = atomic_fetch_add(&b->next, 1)) < b->hi) {
		double *elo = b->elo + (size_t)i * bd->nmodels;

		r.mt = b->snaps != NULL;
		if (r.mt)
			r.m = b->snaps[i - b->lo];
		else
			rng_xo_seed(&r.xo, b->o->seed, (uint64_t)bd->id,
			    (uint64_t)i);
		sample_counts(bd, b->o->unit, &r, &sc);
		switch (fit_counts(bd, &sc, elo, b->o->reference_compat &&
		    bd->nfeatures == 0, NULL)) {
		case -1:
			atomic_fetch_add(&b->discarded, 1);
			break;
		case -2:
			atomic_fetch_add(&b->failed, 1);
			break;
		}
	}
	scratch_release(&sc);
	return NULL;
}

static void
run_batch(struct boot *b, int threads)
{
	pthread_t tid[64];
	int i, started = 0;

	atomic_store(&b->next, b->lo);
	if (threads > 64)
		threads = 64;
	if (threads > b->hi - b->lo)
		threads = (int)(b->hi - b->lo);
	for (i = 1; i < threads; i++)
		if (pthread_create(&tid[started], NULL, boot_worker, b) == 0)
			started++;
	boot_worker(b);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

/* Run the rounds; *failed gets the rounds whose fit failed. */
static long
bootstrap(const struct board *bd, const struct lb_opts *o, double *elo,
    long *failed)
{
	struct boot b;
	long R = o->num_rounds, lo;

	memset(&b, 0, sizeof(b));
	b.bd = bd;
	b.o = o;
	b.elo = elo;
	atomic_init(&b.discarded, 0);
	atomic_init(&b.failed, 0);
	atomic_init(&b.next, 0);
	if (o->mt == NULL) {
		b.lo = 0;
		b.hi = R;
		run_batch(&b, o->threads);
		*failed = atomic_load(&b.failed);
		return atomic_load(&b.discarded);
	}
	/* One shared stream: save its state at each round, then fit. */
	b.snaps = xmalloc(MT_BATCH * sizeof(*b.snaps));
	for (lo = 0; lo < R; lo += MT_BATCH) {
		long i;
		size_t k, nd = round_draws(bd, o->unit);
		uint64_t range = nd;

		b.lo = lo;
		b.hi = lo + MT_BATCH < R ? lo + MT_BATCH : R;
		for (i = b.lo; i < b.hi; i++) {
			b.snaps[i - lo] = *o->mt;
			for (k = 0; k < nd; k++)
				rng_mt_below(o->mt, range);
		}
		run_batch(&b, o->threads);
	}
	free(b.snaps);
	*failed = atomic_load(&b.failed);
	return atomic_load(&b.discarded);
}

static int
cmp_model(const void *pa, const void *pb)
{
	const struct lb_model *x = pa, *y = pb;
	double a = x->score, b = y->score;

	if (isnan(a) != isnan(b))
		return isnan(a) ? 1 : -1;
	if (a != b && !isnan(a))
		return a > b ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * The full-data fit into full[0..nmodels-1] (Elo, NaN: omitted), kept in
 * bd to warm-start every bootstrap round.  Returns 0, or -1 with d set.
 */
static int
fit_full_data(struct board *bd, const struct battle_set *bs,
    const struct lb_opts *o, double *full, struct lb_result *res,
    struct diag *d)
{
	size_t nw = (size_t)bd->nmodels + bd->nfeatures;
	struct scratch sc;
	int m, st;

	bd->full_fit = xcalloc(nw + 1, sizeof(double));
	bd->full_state = xcalloc((size_t)bd->nmodels + 1, 1);
	scratch_init(&sc, bd);
	sample_counts(bd, o->unit, NULL, &sc);
	st = fit_counts(bd, &sc, full, 0, bd->nfeatures > 0 ? res->coef :
	    NULL);
	memcpy(bd->full_fit, sc.fit, nw * sizeof(double));
	if (bd->nfeatures == 0) {
		memcpy(bd->full_state, sc.state, (size_t)bd->nmodels);
		for (m = 0; m < bd->nmodels; m++)
			if (bd->full_state[m] == BT_UNDEF)
				add_warn(res, NULL, 0, "%s: the rating of '%s' "
				    "is undetermined (omitted)",
				    board_names[bd->id],
				    bs->models[bd->global_id[m]]);
	}
	scratch_release(&sc);
	if (st != 0)
		return diag_set(d, EX_SOFTWARE, NULL, 0, "%s: the fit failed",
		    board_names[bd->id]);
	return 0;
}

/*
 * The models of the board: full-data Elo, percentiles of the bootstrap
 * Elos (elo: rounds * nmodels), then win rates column by column against
 * the baseline's value in the same column, in board order.
 */
static void
summarise_models(const struct board *bd, const struct battle_set *bs,
    const struct answer_set *ans, const double *full, const double *elo,
    long rounds, struct lb_result *res)
{
	double *v = xmalloc(((size_t)rounds + 1) * sizeof(double));
	double bq025 = NAN, bq975 = NAN;
	size_t out = 0, i;
	long r;
	int m;

	/* Mean-anchored: every round's mean is the anchor itself. */
	if (bd->anchor_mean)
		bq025 = bq975 = res->anchor;
	res->models = xcalloc((size_t)bd->nmodels + 1, sizeof(*res->models));
	for (m = 0; m < bd->nmodels; m++) {
		struct lb_model *lm;
		size_t nv = 0;

		if (isnan(full[m]))
			continue;
		lm = &res->models[out++];
		lm->name = xstrdup(bs->models[bd->global_id[m]]);
		lm->elo = full[m];
		for (r = 0; r < rounds; r++)
			if (!isnan(elo[(size_t)r * bd->nmodels + m]))
				v[nv++] = elo[(size_t)r * bd->nmodels + m];
		bt_sort(v, nv);
		lm->elo_q025 = bt_percentile(v, nv, 2.5);
		lm->elo_q975 = bt_percentile(v, nv, 97.5);
		lm->n_battles = bd->model_rows[m];
		lm->avg_tokens = ans != NULL &&
		    answerscan_has_model(ans, lm->name) ?
		    answerscan_avg_tokens(ans, lm->name, NULL) : -1;
		if (m == bd->baseline && !bd->anchor_mean) {
			bq025 = lm->elo_q025;
			bq975 = lm->elo_q975;
		}
	}
	res->nmodels = out;
	for (i = 0; i < out; i++) {
		struct lb_model *lm = &res->models[i];

		if (!bd->anchor_mean && strcmp(lm->name, bs->baseline) == 0) {
			lm->score = lm->q025 = lm->q975 = 50.0;
			continue;
		}
		lm->score = jsonw_round(100 * bt_winrate(lm->elo,
		    res->anchor), 2);
		lm->q025 = jsonw_round(100 * bt_winrate(lm->elo_q025, bq025),
		    2);
		lm->q975 = jsonw_round(100 * bt_winrate(lm->elo_q975, bq975),
		    2);
	}
	qsort(res->models, out, sizeof(*res->models), cmp_model);
	free(v);
}

int
lb_compute(const struct battle_set *bs, const struct answer_set *ans,
    enum lb_board board, const struct lb_opts *o, struct lb_result *res,
    struct diag *d)
{
	struct board bd;
	double *elo = NULL, *full = NULL;
	long R = o->num_rounds, discarded, failed;
	int e, rc = -1;

	if (o->online_elo)
		return elo_board(bs, ans, o, res, d);
	memset(&bd, 0, sizeof(bd));
	bd.id = board;
	bd.anchor_mean = bs->anchor_mean;
	res->board = board;
	res->anchor = board == LB_NO_CONTROL ? 1000 : 1114;
	if (board_build(&bd, bs, ans, o, res, d) == -1)
		goto out;
	res->k = bd.nfeatures;
	res->n_battles = bd.nexpanded;
	for (e = 0; e < bd.nfeatures; e++)
		res->coef_names[e] = elem_names[bd.feature_elem[e]];
	full = xmalloc(((size_t)bd.nmodels + 1) * sizeof(double));
	if (fit_full_data(&bd, bs, o, full, res, d) == -1)
		goto out;
	elo = xmalloc(((size_t)R * bd.nmodels + 1) * sizeof(double));
	discarded = bootstrap(&bd, o, elo, &failed);
	res->rounds_used = R - discarded - failed;
	if (discarded > 0)
		add_warn(res, NULL, 0, "%s: %ld bootstrap rounds without the "
		    "baseline were discarded", board_names[board], discarded);
	if (failed > 0)
		add_warn(res, NULL, 0, "%s: the fit failed in %ld bootstrap "
		    "rounds (discarded)", board_names[board], failed);
	summarise_models(&bd, bs, ans, full, elo, R, res);
	rc = 0;
out:
	free(full);
	free(elo);
	board_release(&bd);
	return rc;
}

void
lb_result_release(struct lb_result *r)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		free(r->models[i].name);
	free(r->models);
	free(r->errs);
	free(r->warns);
	memset(r, 0, sizeof(*r));
}

void
lb_rank_ci(const struct lb_result *r, int *rank)
{
	size_t i, j;

	for (i = 0; i < r->nmodels; i++) {
		rank[i] = 1;
		for (j = 0; j < r->nmodels; j++)
			if (r->models[j].elo_q025 > r->models[i].elo_q975)
				rank[i]++;
	}
}
