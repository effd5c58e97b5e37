/* elo.c: sequential Elo over battles in time order, and its bootstrap. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "buf.h"
#include "elo.h"
#include "jsonw.h"
#include "leaderboard.h"
#include "rng.h"

void
elo_online(const struct elo_match *m, const uint32_t *order, size_t n,
    size_t nmodels, double *rating, unsigned char *seen)
{
	const double alpha = log(ELO_BASE) / ELO_SCALE;
	size_t i;

	for (i = 0; i < nmodels; i++)
		rating[i] = ELO_INIT;
	for (i = 0; i < n; i++) {
		const struct elo_match *x = &m[order != NULL ? order[i] : i];
		double e, u;

		e = 1.0 / (1.0 + exp(alpha * (rating[x->b] - rating[x->a])));
		u = ELO_K * (x->s - e);
		rating[x->a] += u;
		rating[x->b] -= u;
		if (seen != NULL)
			seen[x->a] = seen[x->b] = 1;
	}
}

/* The expanded rows in replay order, and the bootstrap's clusters. */
struct plan {
	struct elo_match *m;	/* one per expanded row, time order */
	size_t n;
	size_t nmodels;
	size_t *cstart;		/* cluster c: m[cstart[c] .. cstart[c + 1]) */
	uint32_t *cmember;	/* the matches of the clusters */
	size_t nclusters;
	enum lb_unit unit;
	long rounds;
	uint64_t seed;
	double *elo;		/* rounds * nmodels, NAN: not drawn */
};

static int
cmp_time(const void *pa, const void *pb, void *ctx)
{
	const struct battle_set *bs = ctx;
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	double tx = bs->rows[x].tstamp, ty = bs->rows[y].tstamp;

	if (isnan(tx) != isnan(ty))
		return isnan(tx) ? -1 : 1;
	if (!isnan(tx) && tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void
plan_build(struct plan *pl, const struct battle_set *bs)
{
	uint32_t *idx, *qcount;
	size_t i, k, total = 0, noq = 0, *fill;
	long *qcluster;

	idx = xmalloc((bs->nrows + 1) * sizeof(*idx));
	for (i = 0; i < bs->nrows; i++) {
		idx[i] = (uint32_t)i;
		total += bs->rows[i].weight;
	}
	qsort_r(idx, bs->nrows, sizeof(*idx), cmp_time, (void *)bs);
	pl->m = xmalloc((total + 1) * sizeof(*pl->m));
	pl->n = 0;
	pl->nmodels = bs->nmodels;
	/* Clusters: one per question in id order, one per row without. */
	qcount = xcalloc(bs->nquestions + 1, sizeof(*qcount));
	for (i = 0; i < bs->nrows; i++) {
		const struct battle_row *r = &bs->rows[idx[i]];
		double s = r->outcome == BATTLE_A ? 1.0 :
		    r->outcome == BATTLE_B ? 0.0 : 0.5;

		for (k = 0; k < r->weight; k++) {
			pl->m[pl->n].a = r->a;
			pl->m[pl->n].b = r->b;
			pl->m[pl->n].s = s;
			pl->n++;
		}
		if (r->q == BATTLE_NOQ)
			noq++;
		else
			qcount[r->q] += r->weight;
	}
	qcluster = xmalloc((bs->nquestions + 1) * sizeof(*qcluster));
	pl->nclusters = 0;
	for (i = 0; i < bs->nquestions; i++)
		qcluster[i] = qcount[i] > 0 ? (long)pl->nclusters++ : -1;
	pl->nclusters += noq;
	pl->cstart = xcalloc(pl->nclusters + 2, sizeof(*pl->cstart));
	for (i = 0; i < bs->nquestions; i++)
		if (qcluster[i] >= 0)
			pl->cstart[qcluster[i] + 1] = qcount[i];
	k = pl->nclusters - noq;
	for (i = 0; i < bs->nrows; i++)
		if (bs->rows[idx[i]].q == BATTLE_NOQ)
			pl->cstart[++k] = bs->rows[idx[i]].weight;
	for (i = 0; i < pl->nclusters; i++)
		pl->cstart[i + 1] += pl->cstart[i];
	pl->cmember = xmalloc((pl->n + 1) * sizeof(*pl->cmember));
	fill = xcalloc(pl->nclusters + 1, sizeof(*fill));
	k = pl->nclusters - noq;
	for (i = 0, total = 0; i < bs->nrows; i++) {
		const struct battle_row *r = &bs->rows[idx[i]];
		size_t c = r->q == BATTLE_NOQ ? k++ : (size_t)qcluster[r->q];
		uint32_t w;

		/* Within a cluster the rows keep their time order. */
		for (w = 0; w < r->weight; w++)
			pl->cmember[pl->cstart[c] + fill[c]++] =
			    (uint32_t)total++;
	}
	free(fill);
	free(qcluster);
	free(qcount);
	free(idx);
}

static void
plan_release(struct plan *pl)
{
	free(pl->m);
	free(pl->cstart);
	free(pl->cmember);
	free(pl->elo);
}

/* Replay round r of the bootstrap into pl->elo. */
static void
one_round(struct plan *pl, long r, uint32_t **order, size_t *cap,
    double *rating, unsigned char *seen)
{
	struct rng_xo g;
	size_t i, n = 0, j;
	double *out = &pl->elo[(size_t)r * pl->nmodels];

	rng_xo_seed(&g, pl->seed, 0, (uint64_t)r);
	if (pl->unit == LB_BATTLE) {
		for (i = 0; i < pl->n; i++)
			(*order)[n++] = (uint32_t)rng_xo_below(&g, pl->n);
	} else {
		for (i = 0; i < pl->nclusters; i++) {
			size_t c = (size_t)rng_xo_below(&g, pl->nclusters);
			size_t len = pl->cstart[c + 1] - pl->cstart[c];

			/* Big clusters drawn often can outgrow n rows. */
			if (n + len > *cap) {
				*cap = 2 * (n + len);
				*order = xrealloc(*order, *cap *
				    sizeof(**order));
			}
			for (j = pl->cstart[c]; j < pl->cstart[c + 1]; j++)
				(*order)[n++] = pl->cmember[j];
		}
	}
	memset(seen, 0, pl->nmodels);
	elo_online(pl->m, *order, n, pl->nmodels, rating, seen);
	for (i = 0; i < pl->nmodels; i++)
		out[i] = seen[i] ? rating[i] : NAN;
}

struct worker {
	struct plan *pl;
	long from, step;
};

static void *
rounds(void *arg)
{
	struct worker *w = arg;
	struct plan *pl = w->pl;
	size_t cap = pl->n + 1;
	uint32_t *order;
	double *rating;
	unsigned char *seen;
	long r;

	order = xmalloc(cap * sizeof(*order));
	rating = xmalloc((pl->nmodels + 1) * sizeof(*rating));
	seen = xmalloc(pl->nmodels + 1);
	for (r = w->from; r < pl->rounds; r += w->step)
		one_round(pl, r, &order, &cap, rating, seen);
	free(order);
	free(rating);
	free(seen);
	return NULL;
}

static int
cmp_model(const void *pa, const void *pb)
{
	const struct lb_model *x = pa, *y = pb;

	/* Rounded scores can tie where ratings do not. */
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->elo != y->elo)
		return x->elo > y->elo ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
elo_board(const struct battle_set *bs, const struct answer_set *ans,
    const struct lb_opts *o, struct lb_result *res, struct diag *d)
{
	struct worker w[64];
	pthread_t th[64];
	int started[64];
	struct plan pl;
	double *full, *v, bq025 = ELO_INIT, bq975 = ELO_INIT, belo = ELO_INIT;
	unsigned char *seen;
	int t, nt = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
	size_t i, m, out = 0;
	long r;

	memset(&pl, 0, sizeof(pl));
	res->board = LB_NO_CONTROL;
	res->anchor = ELO_INIT;
	res->online = 1;
	plan_build(&pl, bs);
	if (pl.n == 0) {
		plan_release(&pl);
		return diag_set(d, EX_DATAERR, NULL, 0, "no battles");
	}
	pl.unit = o->unit;
	pl.rounds = o->num_rounds;
	pl.seed = o->seed;
	res->n_battles = pl.n;
	full = xmalloc((bs->nmodels + 1) * sizeof(*full));
	seen = xcalloc(bs->nmodels + 1, 1);
	elo_online(pl.m, NULL, pl.n, bs->nmodels, full, seen);
	pl.elo = xmalloc(((size_t)pl.rounds * bs->nmodels + 1) *
	    sizeof(*pl.elo));
	if ((long)nt > pl.rounds)
		nt = (int)pl.rounds;
	/* Rounds are independent streams: any split gives the same result. */
	for (t = 0; t < nt; t++) {
		w[t].pl = &pl;
		w[t].from = t;
		w[t].step = nt;
		started[t] = t > 0 && pthread_create(&th[t], NULL, rounds,
		    &w[t]) == 0;
	}
	for (t = 0; t < nt; t++)
		if (!started[t])
			rounds(&w[t]);
	for (t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	res->rounds_used = pl.rounds;
	v = xmalloc(((size_t)pl.rounds + 1) * sizeof(*v));
	res->models = xcalloc(bs->nmodels + 1, sizeof(*res->models));
	for (m = 0; m < bs->nmodels; m++) {
		struct lb_model *lm;
		size_t nv = 0;

		if (!seen[m])
			continue;
		lm = &res->models[out++];
		lm->name = xstrdup(bs->models[m]);
		lm->elo = full[m];
		for (r = 0; r < pl.rounds; r++)
			if (!isnan(pl.elo[(size_t)r * bs->nmodels + m]))
				v[nv++] = pl.elo[(size_t)r * bs->nmodels + m];
		bt_sort(v, nv);
		lm->elo_q025 = nv > 0 ? bt_percentile(v, nv, 2.5) : NAN;
		lm->elo_q975 = nv > 0 ? bt_percentile(v, nv, 97.5) : NAN;
		for (i = 0; i < pl.n; i++)
			if (pl.m[i].a == m || pl.m[i].b == m)
				lm->n_battles++;
		lm->avg_tokens = ans != NULL ?
		    answerscan_avg_tokens(ans, lm->name, NULL) : 0;
		if (bs->baseline != NULL && m == bs->base) {
			belo = lm->elo;
			bq025 = lm->elo_q025;
			bq975 = lm->elo_q975;
		}
	}
	res->nmodels = out;
	for (i = 0; i < out; i++) {
		struct lb_model *lm = &res->models[i];

		if (bs->baseline != NULL && strcmp(lm->name, bs->baseline) ==
		    0) {
			lm->score = lm->q025 = lm->q975 = 50.0;
			continue;
		}
		lm->score = jsonw_round(100 * bt_winrate(lm->elo, belo), 2);
		lm->q025 = jsonw_round(100 * bt_winrate(lm->elo_q025, bq025),
		    2);
		lm->q975 = jsonw_round(100 * bt_winrate(lm->elo_q975, bq975),
		    2);
	}
	qsort(res->models, out, sizeof(*res->models), cmp_model);
	free(v);
	free(seen);
	free(full);
	plan_release(&pl);
	return 0;
}
