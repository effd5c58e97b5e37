/* category.c: Bradley-Terry win rates per question category. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "buf.h"
#include "category.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted distinct values of key. */
static void
collect_names(struct category_scores *cs, const struct question_set *qs)
{
	size_t i, n = 0;

	cs->names = xmalloc((qs->n + 1) * sizeof(*cs->names));
	for (i = 0; i < qs->n; i++) {
		const char *v = questions_field(&qs->q[i], cs->key);

		if (v != NULL)
			cs->names[n++] = (char *)v;
	}
	qsort(cs->names, n, sizeof(*cs->names), cmp_str);
	cs->ncat = 0;
	for (i = 0; i < n; i++)
		if (cs->ncat == 0 || strcmp(cs->names[cs->ncat - 1],
		    cs->names[i]) != 0)
			cs->names[cs->ncat++] = cs->names[i];
	for (i = 0; i < cs->ncat; i++)
		cs->names[i] = xstrdup(cs->names[i]);
}

/*
 * Fit one category: pairs of its rows, then ratings against the base (or,
 * anchor_mean, against the mean rating of the models rated in it).
 */
static void
fit_category(struct category_scores *cs, size_t c, const struct bt_pair *in,
    size_t npairs, int base, int anchor_mean, struct bt_work *ws)
{
	int p = (int)cs->nmodels, m, n = 0;
	double *beta = xcalloc((size_t)p + 1, sizeof(double));
	unsigned char *state = xcalloc((size_t)p + 1, 1);
	double ref;

	if (bt_fit_mle(p, base, in, npairs, beta, state, ws) == -1) {
		free(beta);
		free(state);
		return;
	}
	ref = beta[base];
	if (anchor_mean) {
		ref = 0;
		for (m = 0; m < p; m++)
			if (state[m] == BT_FINITE &&
			    (cs->games[(size_t)m * cs->ncat + c] > 0 ||
			    m == base)) {
				ref += beta[m];
				n++;
			}
		ref = n > 0 ? ref / n : beta[base];
	}
	for (m = 0; m < p; m++) {
		double *s = &cs->score[(size_t)m * cs->ncat + c];

		if (cs->games[(size_t)m * cs->ncat + c] == 0 && m != base)
			continue;
		switch (state[m]) {
		case BT_FINITE:
			*s = 100 / (1 + pow(10, ref - beta[m]));
			break;
		case BT_POS_INF:
			*s = 100;
			break;
		case BT_NEG_INF:
			*s = 0;
			break;
		default:
			break;
		}
	}
	free(beta);
	free(state);
}

size_t
category_compute(struct category_scores *cs, const struct lb_result *r,
    const struct battle_set *bs, const struct question_set *qs,
    const char *key)
{
	size_t nm = r->nmodels, i, c;
	long *board, *qcat, base = -1;
	unsigned char *seen;
	struct bt_pair *pairs;
	struct bt_work *ws;

	memset(cs, 0, sizeof(*cs));
	cs->key = key;
	cs->nmodels = nm;
	cs->models = xcalloc(nm + 1, sizeof(*cs->models));
	for (i = 0; i < nm; i++) {
		cs->models[i] = r->models[i].name;
		if (bs->baseline != NULL &&
		    strcmp(r->models[i].name, bs->baseline) == 0)
			base = (long)i;
	}
	collect_names(cs, qs);
	if (cs->ncat == 0 || base < 0)
		return cs->ncat;
	cs->questions = xcalloc(cs->ncat, sizeof(*cs->questions));
	cs->score = xmalloc(nm * cs->ncat * sizeof(double));
	for (i = 0; i < nm * cs->ncat; i++)
		cs->score[i] = NAN;
	cs->games = xcalloc(nm * cs->ncat, sizeof(*cs->games));
	/* Battle ids to board positions and categories. */
	board = xmalloc((bs->nmodels + 1) * sizeof(*board));
	for (i = 0; i < bs->nmodels; i++)
		board[i] = -1;
	for (i = 0; i < nm; i++) {
		long id = battles_model_id(bs, r->models[i].name);

		if (id >= 0)
			board[id] = (long)i;
	}
	qcat = xmalloc((bs->nquestions + 1) * sizeof(*qcat));
	seen = xcalloc(bs->nquestions + 1, 1);
	for (i = 0; i < bs->nquestions; i++) {
		const struct question *q = questions_find(qs,
		    bs->questions[i], strlen(bs->questions[i]));
		const char *v = q ? questions_field(q, key) : NULL;
		char **hit = v ? bsearch(&v, cs->names, cs->ncat,
		    sizeof(*cs->names), cmp_str) : NULL;

		qcat[i] = hit ? (long)(hit - cs->names) : -1;
	}
	/* One pair slot per (a, b) with a < b, reused for each category. */
	pairs = xmalloc((nm * nm + 1) * sizeof(*pairs));
	ws = bt_work_new((int)nm);
	for (c = 0; c < cs->ncat; c++) {
		size_t np = 0, a, b;

		for (a = 0; a < nm; a++)
			for (b = a + 1; b < nm; b++) {
				pairs[a * nm + b].a = (int)a;
				pairs[a * nm + b].b = (int)b;
				pairs[a * nm + b].wa = pairs[a * nm + b].wb =
				    pairs[a * nm + b].t = 0;
			}
		for (i = 0; i < bs->nrows; i++) {
			const struct battle_row *row = &bs->rows[i];
			long x, y;
			struct bt_pair *pr;
			int swap;

			if (row->q == BATTLE_NOQ || qcat[row->q] != (long)c)
				continue;
			x = board[row->a];
			y = board[row->b];
			if (x < 0 || y < 0 || x == y)
				continue;
			if (!seen[row->q]) {
				seen[row->q] = 1;
				cs->questions[c]++;
			}
			cs->games[(size_t)x * cs->ncat + c]++;
			cs->games[(size_t)y * cs->ncat + c]++;
			swap = x > y;
			pr = &pairs[(swap ? y : x) * (long)nm + (swap ? x : y)];
			if (row->outcome == BATTLE_TIE)
				pr->t += row->weight;
			else if ((row->outcome == BATTLE_A) != swap)
				pr->wa += row->weight;
			else
				pr->wb += row->weight;
		}
		/* Compact the pairs that met. */
		for (a = 0; a < nm; a++)
			for (b = a + 1; b < nm; b++) {
				struct bt_pair *pr = &pairs[a * nm + b];

				if (pr->wa + pr->wb + pr->t > 0)
					pairs[np++] = *pr;
			}
		if (np > 0)
			fit_category(cs, c, pairs, np, (int)base,
			    bs->anchor_mean, ws);
	}
	bt_work_free(ws);
	free(pairs);
	free(seen);
	free(qcat);
	free(board);
	return cs->ncat;
}

void
category_release(struct category_scores *cs)
{
	size_t i;

	for (i = 0; i < cs->ncat; i++)
		free(cs->names[i]);
	free(cs->names);
	free(cs->models);
	free(cs->questions);
	free(cs->score);
	free(cs->games);
	memset(cs, 0, sizeof(*cs));
}
