/* judgediag.c: judge diagnostics from verdicts (see judgediag.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "judgediag.h"
#include "kappa.h"

static double
share(double part, double whole)
{
	return whole > 0 ? part / whole : NAN;
}

static double
win_value(int view)
{
	return view > 0 ? 1 : view == 0 ? 0.5 : 0;
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static int
length_bin(double x)
{
	double a = log2(1.25);

	return x <= -1 ? 0 : x <= -a ? 1 : x < a ? 2 : x < 1 ? 3 : 4;
}

/* Token length of model's answer to question, or -1. */
static long long
tokens(const struct answer_set *ans, const char *model, const char *qid)
{
	const struct answer_rec *r;

	if (ans == NULL || model == NULL)
		return -1;
	r = answerscan_lookup(ans, model, qid);
	return r != NULL && r->has_token_len ? r->token_len : -1;
}

static void
judge_stats(struct judgediag_judge *J, const struct verdicts *v,
    uint32_t j, const struct answer_set *ans, const char *opponent)
{
	double ties = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	double same = 0, samedir = 0, firstw = 0;
	double binw[JUDGEDIAG_NBINS] = { 0 };
	size_t i;
	int g;

	memset(J, 0, sizeof(*J));
	J->name = v->judges[j];
	for (i = 0; i < v->nrecs; i++) {
		const struct verdicts_rec *r = &v->recs[i];
		long long lm = -1, lo = -1;

		if (r->judge != j)
			continue;
		for (g = 0; g < 2; g++) {
			int l = r->label[g], view;

			J->labels[g][l < 0 ? VERDICTS_NLABELS : l]++;
			if (l < 0)
				continue;
			view = verdicts_model_view(l, g);
			J->view[view + 2]++;
			J->games++;
			ties += l == VERDICTS_TIE;
			if (l != VERDICTS_TIE) {
				J->decisive++;
				firstw += l < VERDICTS_TIE;
			}
			if (lm == -1 && lo == -1) {
				lm = tokens(ans, v->models[r->model],
				    v->questions[r->question]);
				lo = tokens(ans, r->opponent ==
				    VERDICTS_BASELINE ? opponent :
				    v->models[r->opponent],
				    v->questions[r->question]);
				if (lm < 0 || lo < 0)
					lm = lo = -2;
			}
			if (lm >= 0 && lo >= 0) {
				double x = log2((double)(lm + 1) /
				    (double)(lo + 1));
				int b = length_bin(x);

				J->len_games++;
				J->bin_games[b]++;
				binw[b] += win_value(view);
				sx += x;
				sy += view;
				sxx += x * x;
				syy += (double)view * view;
				sxy += x * view;
			}
		}
		if (r->label[0] >= 0 && r->label[1] >= 0) {
			int v0 = verdicts_model_view(r->label[0], 0);
			int v1 = verdicts_model_view(r->label[1], 1);

			J->pairs++;
			same += v0 == v1;
			samedir += sign(v0) == sign(v1);
		}
	}
	J->tie_rate = share(ties, (double)J->games);
	J->consistent = share(same, (double)J->pairs);
	J->consistent_dir = share(samedir, (double)J->pairs);
	J->first_wins = share(firstw, (double)J->decisive);
	for (g = 0; g < JUDGEDIAG_NBINS; g++)
		J->bin_win[g] = share(binw[g], (double)J->bin_games[g]);
	J->len_corr = NAN;
	if (J->len_games > 1) {
		double n = (double)J->len_games;
		double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n;
		double vy = syy - sy * sy / n;

		if (vx > 0 && vy > 0)
			J->len_corr = cov / sqrt(vx * vy);
	}
}

/*
 * Records of one (model, question) across judges: recs of v are sorted by
 * judge, model, question, so look each judge's up.
 */
static void
pair_stats(struct judgediag_pair *P, const struct verdicts *v, int a, int b)
{
	size_t i;
	int g;

	memset(P, 0, sizeof(*P));
	P->a = a;
	P->b = b;
	for (i = 0; i < v->nrecs; i++) {
		const struct verdicts_rec *x = &v->recs[i], *y;

		if (x->judge != (uint32_t)a)
			continue;
		y = verdicts_find(v, (uint32_t)b, x->model, x->opponent,
		    x->question);
		if (y == NULL)
			continue;
		for (g = 0; g < 2; g++)
			if (x->label[g] >= 0 && y->label[g] >= 0) {
				P->table[x->label[g] * VERDICTS_NLABELS +
				    y->label[g]]++;
				P->games++;
			}
	}
	P->agreement = kappa_agreement(P->table, VERDICTS_NLABELS);
	P->kappa = kappa_cohen(P->table, VERDICTS_NLABELS, KAPPA_UNWEIGHTED);
	P->kappa_linear = kappa_cohen(P->table, VERDICTS_NLABELS,
	    KAPPA_LINEAR);
	P->kappa_quadratic = kappa_cohen(P->table, VERDICTS_NLABELS,
	    KAPPA_QUADRATIC);
}

/* Mean win value of every (judge, model): win[j * nm + m], n games. */
static void
model_means(const struct verdicts *v, double *win, double *n)
{
	size_t i, nm = v->nmodels;
	int g;

	for (i = 0; i < v->nrecs; i++) {
		const struct verdicts_rec *r = &v->recs[i];

		for (g = 0; g < 2; g++)
			if (r->label[g] >= 0) {
				win[r->judge * nm + r->model] += win_value(
				    verdicts_model_view(r->label[g], g));
				n[r->judge * nm + r->model]++;
			}
	}
	for (i = 0; i < v->njudges * nm; i++)
		win[i] = share(win[i], n[i]);
}

/* The mean over judges k != j that judged model m; NaN if none. */
static double
others_mean(const struct verdicts *v, const double *win, size_t j,
    size_t m)
{
	double s = 0;
	size_t k, c = 0;

	for (k = 0; k < v->njudges; k++)
		if (k != j && !isnan(win[k * v->nmodels + m])) {
			s += win[k * v->nmodels + m];
			c++;
		}
	return c ? s / (double)c : NAN;
}

static void
self_stats(struct judgediag *jd, const struct verdicts *v)
{
	size_t nm = v->nmodels, j, m;
	double *win = xcalloc(v->njudges * nm + 1, sizeof(double));
	double *n = xcalloc(v->njudges * nm + 1, sizeof(double));

	model_means(v, win, n);
	for (j = 0; j < v->njudges; j++) {
		long own = verdicts_model_id(v, v->judges[j]);
		struct judgediag_self *S;
		double d = 0;
		size_t c = 0;

		if (own < 0 || n[j * nm + (size_t)own] == 0)
			continue;
		jd->self = xrealloc(jd->self, (jd->nself + 1) *
		    sizeof(*jd->self));
		S = &jd->self[jd->nself++];
		S->judge = (int)j;
		S->model = v->models[own];
		S->games = (unsigned long long)n[j * nm + (size_t)own];
		S->own = win[j * nm + (size_t)own];
		S->others = others_mean(v, win, j, (size_t)own);
		for (m = 0; m < nm; m++) {
			double o = others_mean(v, win, j, m);

			if ((long)m == own || isnan(o) ||
			    isnan(win[j * nm + m]))
				continue;
			d += win[j * nm + m] - o;
			c++;
		}
		S->leniency = c ? d / (double)c : NAN;
		S->excess = S->own - S->others - S->leniency;
	}
	free(win);
	free(n);
}

void
judgediag_compute(struct judgediag *jd, const struct verdicts *v,
    const struct answer_set *ans, const char *opponent)
{
	size_t j, k;

	jd->njudges = v->njudges;
	jd->judges = xcalloc(v->njudges + 1, sizeof(*jd->judges));
	for (j = 0; j < v->njudges; j++)
		judge_stats(&jd->judges[j], v, (uint32_t)j, ans, opponent);
	jd->pairs = xcalloc(v->njudges * v->njudges / 2 + 1,
	    sizeof(*jd->pairs));
	for (j = 0; j < v->njudges; j++)
		for (k = j + 1; k < v->njudges; k++)
			pair_stats(&jd->pairs[jd->npairs++], v, (int)j,
			    (int)k);
	self_stats(jd, v);
}

void
judgediag_release(struct judgediag *jd)
{
	free(jd->judges);
	free(jd->pairs);
	free(jd->self);
	memset(jd, 0, sizeof(*jd));
}
