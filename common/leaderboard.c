/* leaderboard.c: builds boards from battles, fits them, bootstraps CIs. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
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

/* A board's design: models, cells (distinct rows) and resampling units. */
struct board {
	enum lb_board id;
	int k, elem[ANSWER_NELEM];
	unsigned need;		/* metadata mask the board needs */
	int p, base;		/* models on the board, local baseline id */
	uint32_t *gid;		/* local -> global model id */
	int *loc;		/* global -> local, or -1 */
	unsigned long long *nb;	/* expanded rows per model */
	size_t nc;		/* cells, grouped by (a, b) */
	int *ca, *cb;
	uint32_t *ccl;		/* cluster of a cell */
	double *caw, *ct, *cbw;	/* full-data counts per outcome */
	double *z;		/* nc * k standardised style features */
	size_t npairs;
	size_t *pstart;		/* npairs + 1 */
	size_t nq;		/* clusters */
	size_t n;		/* expanded rows */
	uint32_t *xco;		/* expanded rows: cell * 3 + outcome */
	int g4;			/* local id of gpt-4-0314, or -1 */
	double *fit;		/* p + k: full-data fit */
	unsigned char *state;	/* no control: bt_state per model */
};

static void
board_release(struct board *bd)
{
	free(bd->gid);
	free(bd->loc);
	free(bd->nb);
	free(bd->ca);
	free(bd->cb);
	free(bd->ccl);
	free(bd->caw);
	free(bd->ct);
	free(bd->cbw);
	free(bd->z);
	free(bd->pstart);
	free(bd->xco);
	free(bd->fit);
	free(bd->state);
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
			if (r->has_meta && (m[0].mask & bd->need) == bd->need &&
			    (m[1].mask & bd->need) == bd->need) {
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
			ma = answer_meta(bs, ans, r->a, r->q, bd->need, &noa);
		if (r->b != lb || r->q != lq)
			mb = answer_meta(bs, ans, r->b, r->q, bd->need, &nob);
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
	if (cs->bd->k > 0) {
		for (e = 0; e < cs->bd->k; e++) {
			int el = cs->bd->elem[e];
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

/* Select the rows, number models, clusters and cells of the board. */
static int
board_build(struct board *bd, const struct battle_set *bs,
    const struct answer_set *ans, const struct lb_opts *o,
    struct lb_result *res, struct diag *d)
{
	size_t nr = bs->nrows, i, j, nsel = 0, nnoq = 0;
	unsigned char *sel = xmalloc(nr ? nr : 1);
	struct rowmeta *rm = NULL;
	uint32_t *par, *qcl, *rowcell;
	struct cellkey *keys;
	struct cellsort cs;
	int e, rc = -1;

	memset(sel, 1, nr);
	for (e = 0; board_elems[bd->id][e] >= 0; e++) {
		bd->elem[e] = board_elems[bd->id][e];
		bd->need |= 1U << bd->elem[e];
	}
	bd->k = e;
	if (bd->k > 0) {
		rm = xcalloc(nr ? nr : 1, sizeof(*rm));
		if (collect_meta(bd, bs, ans, o, rm, sel, res, d) == -1)
			goto out;
	}
	/* Models connected to the baseline through the selected rows. */
	par = xmalloc((bs->nmodels ? bs->nmodels : 1) * sizeof(*par));
	for (i = 0; i < bs->nmodels; i++)
		par[i] = (uint32_t)i;
	for (i = 0; i < nr; i++)
		if (sel[i])
			par[uf_find(par, bs->rows[i].a)] =
			    uf_find(par, bs->rows[i].b);
	bd->loc = xmalloc((bs->nmodels ? bs->nmodels : 1) * sizeof(int));
	bd->gid = xmalloc((bs->nmodels ? bs->nmodels : 1) * sizeof(uint32_t));
	{
		unsigned char *seen = xcalloc(bs->nmodels ? bs->nmodels : 1, 1);
		uint32_t root = uf_find(par, bs->base);

		for (i = 0; i < nr; i++)
			if (sel[i])
				seen[bs->rows[i].a] = seen[bs->rows[i].b] = 1;
		if (!seen[bs->base]) {
			free(seen);
			free(par);
			diag_set(d, EX_DATAERR, NULL, 0, "%s: baseline '%s' "
			    "has no battles", board_names[bd->id],
			    bs->baseline);
			goto out;
		}
		bd->p = 0;
		for (i = 0; i < bs->nmodels; i++) {
			bd->loc[i] = -1;
			if (!seen[i])
				continue;
			if (uf_find(par, (uint32_t)i) != root) {
				add_warn(res, NULL, 0, "%s: model '%s' is not "
				    "connected to the baseline (omitted)",
				    board_names[bd->id], bs->models[i]);
				continue;
			}
			bd->loc[i] = bd->p;
			bd->gid[bd->p++] = (uint32_t)i;
		}
		free(seen);
		free(par);
	}
	bd->base = bd->loc[bs->base];
	bd->g4 = -1;
	{
		long g = battles_model_id(bs, "gpt-4-0314");

		if (g >= 0)
			bd->g4 = bd->loc[g];
	}
	for (i = 0; i < nr; i++)
		if (sel[i] && bd->loc[bs->rows[i].a] < 0)
			sel[i] = 0;
	/* Clusters: question ids in sorted order, then each vote without. */
	qcl = xmalloc((bs->nquestions ? bs->nquestions : 1) * sizeof(*qcl));
	for (i = 0; i < bs->nquestions; i++)
		qcl[i] = UINT32_MAX;
	for (i = 0; i < nr; i++)
		if (sel[i] && bs->rows[i].q != BATTLE_NOQ)
			qcl[bs->rows[i].q] = 0;
	bd->nq = 0;
	for (i = 0; i < bs->nquestions; i++)
		if (qcl[i] == 0)
			qcl[i] = (uint32_t)bd->nq++;
	/* Cells: selected rows grouped by (a, b, cluster, metadata). */
	keys = xmalloc((nr ? nr : 1) * sizeof(*keys));
	for (i = 0; i < nr; i++) {
		uint32_t ri = bs->canon[i];
		const struct battle_row *r = &bs->rows[ri];
		struct cellkey *k;

		if (!sel[ri])
			continue;
		k = &keys[nsel++];
		k->row = ri;
		k->pos = (uint32_t)i;
		k->a = bd->loc[r->a];
		k->b = bd->loc[r->b];
		if (r->q != BATTLE_NOQ)
			k->ckey = qcl[r->q];
		else if (o->unit == LB_QUESTION)
			k->ckey = (uint32_t)(bd->nq + nnoq++);
		else
			k->ckey = NOQ_KEY;
	}
	if (o->unit == LB_QUESTION)
		bd->nq += nnoq;
	free(qcl);
	cs.bd = bd;
	cs.rm = rm;
	qsort_r(keys, nsel, sizeof(*keys), cmp_cellkey, &cs);
	rowcell = xmalloc((nr ? nr : 1) * sizeof(*rowcell));
	bd->nc = 0;
	for (i = 0; i < nsel; i++)
		if (i == 0 || !same_cell(&cs, &keys[i - 1], &keys[i]))
			bd->nc++;
	bd->ca = xmalloc((bd->nc + 1) * sizeof(int));
	bd->cb = xmalloc((bd->nc + 1) * sizeof(int));
	bd->ccl = xmalloc((bd->nc + 1) * sizeof(uint32_t));
	bd->caw = xcalloc(bd->nc + 1, sizeof(double));
	bd->ct = xcalloc(bd->nc + 1, sizeof(double));
	bd->cbw = xcalloc(bd->nc + 1, sizeof(double));
	bd->z = xcalloc((bd->nc + 1) * (size_t)(bd->k ? bd->k : 1),
	    sizeof(double));
	bd->nb = xcalloc((size_t)bd->p + 1, sizeof(*bd->nb));
	bd->pstart = xmalloc((bd->nc + 2) * sizeof(size_t));
	bd->npairs = 0;
	for (i = 0, j = 0; i < nsel; i++) {
		const struct battle_row *r = &bs->rows[keys[i].row];
		size_t c;

		if (i > 0 && same_cell(&cs, &keys[i - 1], &keys[i])) {
			c = j - 1;
		} else {
			c = j++;
			bd->ca[c] = keys[i].a;
			bd->cb[c] = keys[i].b;
			bd->ccl[c] = keys[i].ckey;
			if (c == 0 || bd->ca[c] != bd->ca[c - 1] ||
			    bd->cb[c] != bd->cb[c - 1])
				bd->pstart[bd->npairs++] = c;
			for (e = 0; e < bd->k; e++) {
				const struct rowmeta *m = &rm[keys[i].row];
				double x = (double)m->a[bd->elem[e]];
				double y = (double)m->b[bd->elem[e]];

				bd->z[c * bd->k + e] = (x - y) / (x + y + 1);
			}
		}
		rowcell[keys[i].row] = (uint32_t)c;
		if (r->outcome == BATTLE_A)
			bd->caw[c] += r->weight;
		else if (r->outcome == BATTLE_TIE)
			bd->ct[c] += r->weight;
		else
			bd->cbw[c] += r->weight;
		bd->nb[keys[i].a] += r->weight;
		if (keys[i].b != keys[i].a)
			bd->nb[keys[i].b] += r->weight;
		bd->n += r->weight;
	}
	bd->pstart[bd->npairs] = bd->nc;
	/* Standardise: population mean and std over the expanded rows. */
	for (e = 0; e < bd->k; e++) {
		double sum = 0, var = 0, mean, sd;
		size_t c;

		for (c = 0; c < bd->nc; c++)
			sum += (bd->caw[c] + bd->ct[c] + bd->cbw[c]) *
			    bd->z[c * bd->k + e];
		mean = sum / (double)bd->n;
		for (c = 0; c < bd->nc; c++) {
			double t = bd->z[c * bd->k + e] - mean;

			var += (bd->caw[c] + bd->ct[c] + bd->cbw[c]) * t * t;
		}
		sd = sqrt(var / (double)bd->n);
		if (!(sd > 0))
			add_warn(res, NULL, 0, "%s: feature '%s' is constant "
			    "(its column is zero)", board_names[bd->id],
			    elem_names[bd->elem[e]]);
		for (c = 0; c < bd->nc; c++)
			bd->z[c * bd->k + e] = sd > 0 ?
			    (bd->z[c * bd->k + e] - mean) / sd : 0;
	}
	/* Expanded rows in resampling order. */
	bd->xco = xmalloc((bd->n ? bd->n : 1) * sizeof(*bd->xco));
	for (i = 0, j = 0; i < nr; i++) {
		uint32_t ri = o->reference_compat ? (uint32_t)i : bs->canon[i];
		const struct battle_row *r = &bs->rows[ri];
		uint32_t w;

		if (!sel[ri])
			continue;
		for (w = 0; w < r->weight; w++)
			bd->xco[j++] = rowcell[ri] * 3 + r->outcome;
	}
	free(rowcell);
	free(keys);
	rc = 0;
out:
	free(rm);
	free(sel);
	return rc;
}

/* Per-thread scratch space of the bootstrap. */
struct scratch {
	uint32_t *cnt;		/* 3 * nc (battle unit) */
	uint32_t *kq;		/* nq (question unit) */
	double *n, *s;		/* nc */
	double *aw, *t, *bw;	/* nc: counts of this round */
	struct bt_pair *pairs;	/* npairs */
	double *w;		/* p + k */
	unsigned char *state, *present;
	struct bt_work *ws;
};

static void
scratch_init(struct scratch *sc, const struct board *bd)
{
	size_t nc = bd->nc + 1;

	sc->cnt = xmalloc(3 * nc * sizeof(*sc->cnt));
	sc->kq = xmalloc((bd->nq + 1) * sizeof(*sc->kq));
	sc->n = xmalloc(nc * sizeof(double));
	sc->s = xmalloc(nc * sizeof(double));
	sc->aw = xmalloc(nc * sizeof(double));
	sc->t = xmalloc(nc * sizeof(double));
	sc->bw = xmalloc(nc * sizeof(double));
	sc->pairs = xmalloc((bd->npairs + 1) * sizeof(*sc->pairs));
	sc->w = xmalloc(((size_t)bd->p + bd->k + 1) * sizeof(double));
	sc->state = xmalloc((size_t)bd->p + 1);
	sc->present = xmalloc((size_t)bd->p + 1);
	sc->ws = bt_work_new(bd->p + bd->k);
}

static void
scratch_release(struct scratch *sc)
{
	free(sc->cnt);
	free(sc->kq);
	free(sc->n);
	free(sc->s);
	free(sc->aw);
	free(sc->t);
	free(sc->bw);
	free(sc->pairs);
	free(sc->w);
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
	size_t i, c;

	if (r == NULL) {
		memcpy(sc->aw, bd->caw, bd->nc * sizeof(double));
		memcpy(sc->t, bd->ct, bd->nc * sizeof(double));
		memcpy(sc->bw, bd->cbw, bd->nc * sizeof(double));
		return;
	}
	if (unit == LB_BATTLE) {
		memset(sc->cnt, 0, 3 * bd->nc * sizeof(*sc->cnt));
		for (i = 0; i < bd->n; i++)
			sc->cnt[bd->xco[draw_below(r, bd->n)]]++;
		for (c = 0; c < bd->nc; c++) {
			sc->aw[c] = sc->cnt[3 * c];
			sc->t[c] = sc->cnt[3 * c + 1];
			sc->bw[c] = sc->cnt[3 * c + 2];
		}
		return;
	}
	memset(sc->kq, 0, bd->nq * sizeof(*sc->kq));
	for (i = 0; i < bd->nq; i++)
		sc->kq[draw_below(r, bd->nq)]++;
	for (c = 0; c < bd->nc; c++) {
		double k = sc->kq[bd->ccl[c]];

		sc->aw[c] = k * bd->caw[c];
		sc->t[c] = k * bd->ct[c];
		sc->bw[c] = k * bd->cbw[c];
	}
}

/* Number of draws a round makes (to advance a shared stream). */
static size_t
round_draws(const struct board *bd, enum lb_unit unit)
{
	return unit == LB_BATTLE ? bd->n : bd->nq;
}

/*
 * Fit the counts in sc; elo[0..p-1] gets the ratings (NaN: undefined).
 * Returns 0, -1 when the baseline is absent, -2 when the solver failed
 * (then every rating is NaN).  unanchored: the reference's no-control
 * bootstrap (SPEC 10.7).
 */
static int
fit_counts(const struct board *bd, struct scratch *sc, double *elo,
    int unanchored, double *coef)
{
	int m;
	size_t i, c;

	memset(sc->present, 0, (size_t)bd->p);
	for (c = 0; c < bd->nc; c++)
		if (sc->aw[c] + sc->t[c] + sc->bw[c] > 0)
			sc->present[bd->ca[c]] = sc->present[bd->cb[c]] = 1;
	for (m = 0; m < bd->p; m++)
		elo[m] = NAN;
	if (!sc->present[bd->base])
		return -1;
	if (bd->k == 0) {
		double self[3] = { 0, 0, 0 };

		for (i = 0; i < bd->npairs; i++) {
			struct bt_pair *q = &sc->pairs[i];

			q->a = bd->ca[bd->pstart[i]];
			q->b = bd->cb[bd->pstart[i]];
			q->wa = q->wb = q->t = 0;
			for (c = bd->pstart[i]; c < bd->pstart[i + 1]; c++) {
				q->wa += sc->aw[c];
				q->wb += sc->bw[c];
				q->t += sc->t[c];
			}
			if (q->a == q->b && q->a == bd->base) {
				self[0] += q->wa;
				self[1] += q->t;
				self[2] += q->wb;
			}
		}
		memcpy(sc->w, bd->fit, (size_t)bd->p * sizeof(double));
		if (bt_fit_mle(bd->p, bd->base, sc->pairs, bd->npairs, sc->w,
		    sc->state, sc->ws) == -1)
			return -2;
		for (m = 0; m < bd->p; m++) {
			if (!sc->present[m])
				continue;
			switch (sc->state[m]) {
			case BT_FINITE:
				elo[m] = sc->w[m];
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

			if (bd->g4 >= 0 && sc->present[bd->g4] &&
			    isfinite(elo[bd->g4])) {
				shift = -elo[bd->g4];
			} else if (tot > 0) {
				double q = (self[0] + self[1] / 2) / tot;

				shift = log10((1 - q) / q);
			} else {
				/* lbfgs from 0: the minimum-norm optimum. */
				for (m = 0; m < bd->p; m++)
					if (!isnan(elo[m])) {
						shift += elo[m];
						cnt++;
					}
				shift = cnt ? -shift / cnt : 0;
			}
			for (m = 0; m < bd->p; m++)
				elo[m] += shift;
		}
		for (m = 0; m < bd->p; m++)
			elo[m] = 400 * elo[m] + 1000;
		return 0;
	}
	for (c = 0; c < bd->nc; c++) {
		sc->n[c] = sc->aw[c] + sc->t[c] + sc->bw[c];
		sc->s[c] = 2 * sc->aw[c] + sc->t[c];
	}
	{
		struct bt_design x = {
			bd->p, bd->k, bd->nc, bd->ca, bd->cb, bd->z,
			bd->npairs, bd->pstart
		};

		memcpy(sc->w, bd->fit, ((size_t)bd->p + bd->k) *
		    sizeof(double));
		if (bt_fit_l2(&x, sc->n, sc->s, sc->w, sc->ws) == -1)
			return -2;
	}
	for (m = 0; m < bd->p; m++)
		if (sc->present[m])
			elo[m] = 1114 + 400 * (sc->w[m] - sc->w[bd->base]);
	if (coef != NULL)
		memcpy(coef, sc->w + bd->p, (size_t)bd->k * sizeof(double));
	return 0;
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
		double *elo = b->elo + (size_t)i * bd->p;

		r.mt = b->snaps != NULL;
		if (r.mt)
			r.m = b->snaps[i - b->lo];
		else
			rng_xo_seed(&r.xo, b->o->seed, (uint64_t)bd->id,
			    (uint64_t)i);
		sample_counts(bd, b->o->unit, &r, &sc);
		switch (fit_counts(bd, &sc, elo, b->o->reference_compat &&
		    bd->k == 0, NULL)) {
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

int
lb_compute(const struct battle_set *bs, const struct answer_set *ans,
    enum lb_board board, const struct lb_opts *o, struct lb_result *res,
    struct diag *d)
{
	struct board bd;
	struct scratch sc;
	double *elo = NULL, *full, *v, bq025, bq975;
	long R = o->num_rounds, r, failed;
	size_t out = 0;
	int m, e, st, rc = -1;

	memset(&bd, 0, sizeof(bd));
	bd.id = board;
	res->board = board;
	res->anchor = board == LB_NO_CONTROL ? 1000 : 1114;
	if (board_build(&bd, bs, ans, o, res, d) == -1)
		goto out;
	res->k = bd.k;
	res->n_battles = bd.n;
	for (e = 0; e < bd.k; e++)
		res->coef_names[e] = elem_names[bd.elem[e]];
	/* The full-data fit, which also warm-starts every round. */
	bd.fit = xcalloc((size_t)bd.p + bd.k + 1, sizeof(double));
	bd.state = xcalloc((size_t)bd.p + 1, 1);
	full = xmalloc(((size_t)bd.p + 1) * sizeof(double));
	scratch_init(&sc, &bd);
	sample_counts(&bd, o->unit, NULL, &sc);
	if (bd.k == 0) {
		for (m = 0; m < bd.p; m++)
			bd.fit[m] = 0;
		st = fit_counts(&bd, &sc, full, 0, NULL);
		memcpy(bd.fit, sc.w, (size_t)bd.p * sizeof(double));
		memcpy(bd.state, sc.state, (size_t)bd.p);
		for (m = 0; m < bd.p; m++)
			if (bd.state[m] == BT_UNDEF)
				add_warn(res, NULL, 0, "%s: the rating of '%s' "
				    "is undetermined (omitted)",
				    board_names[board], bs->models[bd.gid[m]]);
	} else {
		st = fit_counts(&bd, &sc, full, 0, res->coef);
		memcpy(bd.fit, sc.w, ((size_t)bd.p + bd.k) * sizeof(double));
	}
	scratch_release(&sc);
	if (st != 0) {
		free(full);
		diag_set(d, EX_SOFTWARE, NULL, 0, "%s: the fit failed",
		    board_names[board]);
		goto out;
	}
	elo = xmalloc(((size_t)R * bd.p + 1) * sizeof(double));
	r = bootstrap(&bd, o, elo, &failed);
	res->rounds_used = R - r - failed;
	if (r > 0)
		add_warn(res, NULL, 0, "%s: %ld bootstrap rounds without the "
		    "baseline were discarded", board_names[board], r);
	if (failed > 0)
		add_warn(res, NULL, 0, "%s: the fit failed in %ld bootstrap "
		    "rounds (discarded)", board_names[board], failed);
	/* Percentiles of the Elo columns, then win rates column by column. */
	v = xmalloc(((size_t)R + 1) * sizeof(double));
	res->models = xcalloc((size_t)bd.p + 1, sizeof(*res->models));
	for (m = 0; m < bd.p; m++) {
		struct lb_model *lm;
		size_t nv = 0;

		if (isnan(full[m]))
			continue;
		lm = &res->models[out++];
		lm->name = xstrdup(bs->models[bd.gid[m]]);
		lm->elo = full[m];
		for (r = 0; r < R; r++)
			if (!isnan(elo[(size_t)r * bd.p + m]))
				v[nv++] = elo[(size_t)r * bd.p + m];
		bt_sort(v, nv);
		lm->elo_q025 = bt_percentile(v, nv, 2.5);
		lm->elo_q975 = bt_percentile(v, nv, 97.5);
		lm->n_battles = bd.nb[m];
		lm->avg_tokens = ans != NULL ?
		    answerscan_avg_tokens(ans, lm->name, NULL) : 0;
	}
	res->nmodels = out;
	bq025 = bq975 = NAN;
	for (size_t i = 0; i < out; i++)
		if (strcmp(res->models[i].name, bs->baseline) == 0) {
			bq025 = res->models[i].elo_q025;
			bq975 = res->models[i].elo_q975;
		}
	for (size_t i = 0; i < out; i++) {
		struct lb_model *lm = &res->models[i];

		if (strcmp(lm->name, bs->baseline) == 0) {
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
	free(full);
	rc = 0;
out:
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

/* Python's format(x, ".2f"): "nan", not glibc's "-nan". */
static void
fmt2(struct buf *b, double x)
{
	if (isnan(x))
		buf_adds(b, "nan");
	else
		buf_printf(b, "%.2f", x);
}

static void
ci_string(struct buf *b, double score, double lo, double hi)
{
	buf_adds(b, "(-");
	fmt2(b, score - lo);
	buf_adds(b, ", +");
	fmt2(b, hi - score);
	buf_adds(b, ")");
}

/* Append s padded to width w (code points) as Python's {:<w} / {:^w}. */
static void
pad(struct buf *b, const char *s, size_t w, int center)
{
	size_t n = 0, i, left = 0, right = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	if (n < w) {
		left = center ? (w - n) / 2 : 0;
		right = w - n - left;
	}
	for (i = 0; i < left; i++)
		buf_addc(b, ' ');
	buf_adds(b, s);
	for (i = 0; i < right; i++)
		buf_addc(b, ' ');
}

static void
repr_round1(struct buf *b, double x)
{
	jsonw_double(b, jsonw_round(x, 1));
}

/* Python int(x) of an Elo, as text ("inf" where Python would fail). */
static void
elo_int(struct buf *b, double x)
{
	if (isfinite(x))
		buf_printf(b, "%lld", (long long)x);
	else
		jsonw_double(b, x);
}

static void
elo_diff(struct buf *b, double x, double base)
{
	if (isfinite(x) && isfinite(base))
		buf_printf(b, "%lld", (long long)x - (long long)base);
	else
		jsonw_double(b, x - base);
}

void
lb_format_table(struct buf *out, const struct lb_result *r, int show_elo,
    int heading)
{
	size_t i;
	int e;

	if (heading)
		buf_printf(out, "# %s\n", board_names[r->board]);
	if (r->k > 0) {
		buf_adds(out, "Style Coefficients: {");
		for (e = 0; e < r->k; e++) {
			buf_printf(out, "%s'%s': ", e ? ", " : "",
			    r->coef_names[e]);
			jsonw_double(out, jsonw_round(r->coef[e], 3));
		}
		buf_adds(out, "}\n");
	}
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		struct buf s, iv;

		buf_init(&s);
		buf_init(&iv);
		if (show_elo) {
			elo_int(&s, m->elo);
			buf_adds(&iv, "(");
			elo_diff(&iv, m->elo_q025, m->elo);
			buf_adds(&iv, ", ");
			elo_diff(&iv, m->elo_q975, m->elo);
			buf_adds(&iv, ")");
		} else {
			repr_round1(&s, m->score);
			buf_adds(&iv, "(");
			repr_round1(&iv, m->q025 - m->score);
			buf_adds(&iv, ", ");
			repr_round1(&iv, m->q975 - m->score);
			buf_adds(&iv, ")");
		}
		pad(out, m->name, 30, 0);
		buf_adds(out, " | score: ");
		pad(out, s.p, 5, 1);
		buf_adds(out, " | 95% CI: ");
		pad(out, iv.p, 12, 1);
		buf_printf(out, " | average #tokens: %lld\n", m->avg_tokens);
		buf_release(&s);
		buf_release(&iv);
	}
}

static void
csv_field(struct buf *out, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(out, '"');
		buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

static void
csv_num(struct buf *out, double x)
{
	jsonw_double(out, x);
	buf_addc(out, ',');
}

void
lb_format_csv(struct buf *out, const struct lb_result *r, const char *date)
{
	size_t i;

	buf_adds(out, "model,score,rating_q025,rating_q975,avg_tokens,"
	    "elo_score,elo_rating_q025,elo_rating_q975,elo_CI,CI,date\n");
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		struct buf ci;

		buf_init(&ci);
		csv_field(out, m->name);
		buf_addc(out, ',');
		csv_num(out, m->score);
		csv_num(out, m->q025);
		csv_num(out, m->q975);
		csv_num(out, (double)m->avg_tokens);
		csv_num(out, m->elo);
		csv_num(out, m->elo_q025);
		csv_num(out, m->elo_q975);
		ci_string(&ci, m->elo, m->elo_q025, m->elo_q975);
		csv_field(out, ci.p);
		buf_addc(out, ',');
		buf_reset(&ci);
		ci_string(&ci, m->score, m->q025, m->q975);
		csv_field(out, ci.p);
		buf_addc(out, ',');
		csv_field(out, date);
		buf_addc(out, '\n');
		buf_release(&ci);
	}
}

static json_t *
jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

void
lb_format_json(struct buf *out, const struct lb_result *r,
    const struct lb_opts *o, const struct battle_set *bs, const char *date)
{
	json_t *b = json_object(), *coefs = json_null();
	size_t i;
	int e;

	if (r->k > 0) {
		coefs = json_object();
		for (e = 0; e < r->k; e++)
			json_object_set_new(coefs, r->coef_names[e],
			    jnum(r->coef[e]));
	}
	json_object_set_new(b, "type", json_string("board"));
	json_object_set_new(b, "board", json_string(board_names[r->board]));
	json_object_set_new(b, "baseline", json_string(bs->baseline));
	json_object_set_new(b, "anchor", json_real(r->anchor));
	json_object_set_new(b, "num_rounds", json_integer(o->num_rounds));
	json_object_set_new(b, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(b, "rng", json_string(o->mt != NULL ?
	    "numpy-legacy" : "xoshiro256**"));
	json_object_set_new(b, "bootstrap", json_string(o->unit == LB_BATTLE ?
	    "battle" : "question"));
	json_object_set_new(b, "weight", json_integer(o->weight));
	json_object_set_new(b, "first_game_only",
	    json_boolean(o->first_game_only));
	json_object_set_new(b, "n_battles", json_integer(
	    (json_int_t)r->n_battles));
	json_object_set_new(b, "dropped_games", json_integer(
	    (json_int_t)bs->dropped_games));
	json_object_set_new(b, "style_coefficients", coefs);
	json_object_set_new(b, "date", json_string(date));
	json_object_set_new(b, "version", json_string(JUDGEPIPE_VERSION));
	jsonw_dump(out, b, 0);
	buf_addc(out, '\n');
	json_decref(b);
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		json_t *j = json_object();
		struct buf ci;

		buf_init(&ci);
		json_object_set_new(j, "type", json_string("model"));
		json_object_set_new(j, "board",
		    json_string(board_names[r->board]));
		json_object_set_new(j, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(j, "model", json_string(m->name));
		json_object_set_new(j, "score", jnum(m->score));
		json_object_set_new(j, "rating_q025", jnum(m->q025));
		json_object_set_new(j, "rating_q975", jnum(m->q975));
		ci_string(&ci, m->score, m->q025, m->q975);
		json_object_set_new(j, "CI", json_string(ci.p));
		json_object_set_new(j, "avg_tokens",
		    json_integer(m->avg_tokens));
		json_object_set_new(j, "elo_score", jnum(m->elo));
		json_object_set_new(j, "elo_rating_q025", jnum(m->elo_q025));
		json_object_set_new(j, "elo_rating_q975", jnum(m->elo_q975));
		buf_reset(&ci);
		ci_string(&ci, m->elo, m->elo_q025, m->elo_q975);
		json_object_set_new(j, "elo_CI", json_string(ci.p));
		json_object_set_new(j, "n_battles",
		    json_integer((json_int_t)m->n_battles));
		jsonw_dump(out, j, 0);
		buf_addc(out, '\n');
		json_decref(j);
		buf_release(&ci);
	}
}
