/* matrix.c: predicted and observed pairwise win rates (see matrix.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "buf.h"
#include "matrix.h"

void
matrix_compute(struct matrix *mx, const struct lb_result *r,
    const struct battle_set *bs)
{
	size_t n = r->nmodels, i, j;
	double *wins;
	long *idx;

	memset(mx, 0, sizeof(*mx));
	mx->n = n;
	mx->models = xcalloc(n + 1, sizeof(*mx->models));
	mx->predicted = xcalloc(n * n + 1, sizeof(double));
	mx->observed = xcalloc(n * n + 1, sizeof(double));
	mx->games = xcalloc(n * n + 1, sizeof(*mx->games));
	wins = xcalloc(n * n + 1, sizeof(double));
	for (i = 0; i < n; i++) {
		mx->models[i] = r->models[i].name;
		for (j = 0; j < n; j++)
			mx->predicted[i * n + j] = i == j ? 0.5 :
			    bt_winrate(r->models[i].elo, r->models[j].elo);
	}
	/* Battle model id -> board position. */
	idx = xmalloc((bs->nmodels + 1) * sizeof(*idx));
	for (i = 0; i < bs->nmodels; i++)
		idx[i] = -1;
	for (i = 0; i < n; i++) {
		long id = battles_model_id(bs, r->models[i].name);

		if (id >= 0)
			idx[id] = (long)i;
	}
	for (i = 0; i < bs->nrows; i++) {
		const struct battle_row *row = &bs->rows[i];
		long a = idx[row->a], b = idx[row->b];

		if (a < 0 || b < 0 || a == b)
			continue;
		mx->games[a * n + b]++;
		mx->games[b * n + a]++;
		if (row->outcome == BATTLE_A)
			wins[a * n + b] += 1;
		else if (row->outcome == BATTLE_B)
			wins[b * n + a] += 1;
		else {
			wins[a * n + b] += 0.5;
			wins[b * n + a] += 0.5;
		}
	}
	mx->star = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			unsigned long long g = mx->games[i * n + j];

			mx->observed[i * n + j] = g > 0 ? wins[i * n + j] /
			    (double)g : NAN;
			if (g == 0 || j <= i)
				continue;
			mx->pairs_met++;
			/* Votes name no baseline: a square. */
			if (bs->baseline == NULL ||
			    (strcmp(mx->models[i], bs->baseline) != 0 &&
			    strcmp(mx->models[j], bs->baseline) != 0))
				mx->star = 0;
		}
	free(idx);
	free(wins);
}

void
matrix_release(struct matrix *mx)
{
	free(mx->models);
	free(mx->predicted);
	free(mx->observed);
	free(mx->games);
	memset(mx, 0, sizeof(*mx));
}
