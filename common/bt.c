/* bt.c: exact Bradley-Terry and L2 logistic fits by Newton's method. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bt.h"

#define LN10 2.302585092994045684
#define MAX_ITER 100
#define TOL 1e-10
#define MAX_K 8

struct bt_work {
	int dim;
	double *h, *g, *h2, *g2, *d, *x2;
	int *var;
	unsigned char *fw, *bw;
};

struct bt_work *
bt_work_new(int dim)
{
	struct bt_work *w = xcalloc(1, sizeof(*w));
	size_t n = dim > 0 ? (size_t)dim : 1;

	w->dim = (int)n;
	w->h = xcalloc(n * n, sizeof(double));
	w->h2 = xcalloc(n * n, sizeof(double));
	w->g = xcalloc(n, sizeof(double));
	w->g2 = xcalloc(n, sizeof(double));
	w->d = xcalloc(n, sizeof(double));
	w->x2 = xcalloc(n, sizeof(double));
	w->var = xcalloc(n, sizeof(int));
	w->fw = xcalloc(n, 1);
	w->bw = xcalloc(n, 1);
	return w;
}

void
bt_work_free(struct bt_work *w)
{
	if (w == NULL)
		return;
	free(w->h);
	free(w->h2);
	free(w->g);
	free(w->g2);
	free(w->d);
	free(w->x2);
	free(w->var);
	free(w->fw);
	free(w->bw);
	free(w);
}

/*
 * Solve a x = b for symmetric positive definite a (m x m, row-major, the
 * upper triangle is read and overwritten by the factor).  Returns -1 when a
 * is not positive definite.
 */
static int
cholesky_solve(double *a, int m, const double *b, double *x)
{
	int i, j, k;

	for (j = 0; j < m; j++) {
		double s = a[j * m + j];

		for (k = 0; k < j; k++)
			s -= a[k * m + j] * a[k * m + j];
		if (!(s > 0))
			return -1;
		s = sqrt(s);
		a[j * m + j] = s;
		for (i = j + 1; i < m; i++) {
			double t = a[j * m + i];

			for (k = 0; k < j; k++)
				t -= a[k * m + j] * a[k * m + i];
			a[j * m + i] = t / s;
		}
	}
	/* Forward (U^T y = b), then back substitution (U x = y). */
	for (i = 0; i < m; i++) {
		double t = b[i];

		for (k = 0; k < i; k++)
			t -= a[k * m + i] * x[k];
		x[i] = t / a[i * m + i];
	}
	for (i = m - 1; i >= 0; i--) {
		double t = x[i];

		for (k = i + 1; k < m; k++)
			t -= a[i * m + k] * x[k];
		x[i] = t / a[i * m + i];
	}
	return 0;
}

/* ln sigma(t), without overflow. */
static double
log_sigmoid(double t)
{
	return t >= 0 ? -log1p(exp(-t)) : t - log1p(exp(t));
}

static double
sigmoid(double t)
{
	if (t >= 0)
		return 1 / (1 + exp(-t));
	return exp(t) / (1 + exp(t));
}

/*
 * Label the models by the transitive "beats" relation around the baseline:
 * fw = beaten (transitively) by the baseline, bw = beats it.
 */
static void
mle_reach(int p, int base, const struct bt_pair *pairs, size_t npairs,
    struct bt_work *w)
{
	int changed = 1;
	size_t i;

	memset(w->fw, 0, (size_t)p);
	memset(w->bw, 0, (size_t)p);
	w->fw[base] = w->bw[base] = 1;
	while (changed) {
		changed = 0;
		for (i = 0; i < npairs; i++) {
			const struct bt_pair *q = &pairs[i];
			int ab = q->wa + q->t > 0, ba = q->wb + q->t > 0;

			if (q->a == q->b)
				continue;
			if (ab && w->fw[q->a] && !w->fw[q->b])
				changed = w->fw[q->b] = 1;
			if (ba && w->fw[q->b] && !w->fw[q->a])
				changed = w->fw[q->a] = 1;
			if (ab && w->bw[q->b] && !w->bw[q->a])
				changed = w->bw[q->a] = 1;
			if (ba && w->bw[q->a] && !w->bw[q->b])
				changed = w->bw[q->b] = 1;
		}
	}
}

/*
 * Log-likelihood at beta over the pairs among rated models; with g and h,
 * also its gradient and minus its Hessian over the m variables.
 */
static double
mle_eval(const struct bt_pair *pairs, size_t npairs, const double *beta,
    const int *var, int m, double *g, double *h)
{
	double ll = 0;
	size_t i;

	if (g != NULL) {
		memset(g, 0, (size_t)m * sizeof(double));
		memset(h, 0, (size_t)m * m * sizeof(double));
	}
	for (i = 0; i < npairs; i++) {
		const struct bt_pair *q = &pairs[i];
		int va, vb;
		double A, B, d, sg, r, c;

		if (q->a == q->b)
			continue;
		va = var[q->a];
		vb = var[q->b];
		if (va == -2 || vb == -2)
			continue;	/* an unrated or infinite model */
		A = q->wa + q->t / 2;
		B = q->wb + q->t / 2;
		if (A + B <= 0)
			continue;
		d = LN10 * (beta[q->a] - beta[q->b]);
		ll += A * log_sigmoid(d) + B * log_sigmoid(-d);
		if (g == NULL)
			continue;
		sg = sigmoid(d);
		r = LN10 * (A - (A + B) * sg);
		c = LN10 * LN10 * (A + B) * sg * (1 - sg);
		if (va >= 0) {
			g[va] += r;
			h[va * m + va] += c;
		}
		if (vb >= 0) {
			g[vb] -= r;
			h[vb * m + vb] += c;
		}
		if (va >= 0 && vb >= 0) {
			h[va * m + vb] -= c;
			h[vb * m + va] -= c;
		}
	}
	return ll;
}

int
bt_fit_mle(int p, int base, const struct bt_pair *pairs, size_t npairs,
    double *beta, unsigned char *state, struct bt_work *w)
{
	int i, m = 0, it;
	double ll;

	mle_reach(p, base, pairs, npairs, w);
	for (i = 0; i < p; i++) {
		if (i == base) {
			state[i] = BT_FINITE;
			w->var[i] = -1;		/* rated, fixed at 0 */
		} else if (w->fw[i] && w->bw[i]) {
			state[i] = BT_FINITE;
			w->var[i] = m++;
		} else {
			state[i] = w->bw[i] ? BT_POS_INF :
			    w->fw[i] ? BT_NEG_INF : BT_UNDEF;
			w->var[i] = -2;
		}
		if (state[i] != BT_FINITE || i == base || !isfinite(beta[i]))
			beta[i] = 0;
	}
	if (m == 0)
		return 0;
	ll = mle_eval(pairs, npairs, beta, w->var, m, w->g, w->h);
	for (it = 0; it < MAX_ITER; it++) {
		double maxd = 0, step = 1, lln = ll;
		int j;

		if (cholesky_solve(w->h, m, w->g, w->d) == -1)
			return -1;
		for (j = 0; j < m; j++)
			if (fabs(w->d[j]) > maxd)
				maxd = fabs(w->d[j]);
		for (j = 0; j < p; j++)
			w->x2[j] = beta[j];
		if (maxd < TOL) {
			for (j = 0; j < p; j++)
				if (w->var[j] >= 0)
					beta[j] += w->d[w->var[j]];
			return it + 1;
		}
		/* Halve the step while the likelihood decreases. */
		for (;;) {
			for (j = 0; j < p; j++)
				if (w->var[j] >= 0)
					beta[j] = w->x2[j] +
					    step * w->d[w->var[j]];
			lln = mle_eval(pairs, npairs, beta, w->var, m, NULL,
			    NULL);
			if (lln >= ll - 1e-12 * (1 + fabs(ll)) || step < 1e-12)
				break;
			step /= 2;
		}
		ll = mle_eval(pairs, npairs, beta, w->var, m, w->g, w->h);
	}
	return -1;
}

/*
 * The cells of one pair at w: accumulates into hs (sum of Hessian
 * weights), rs (sum of residuals), hz, gz (k) and hzz (k x k, lower).  k is
 * a compile-time constant in each caller, so the loops unroll.
 */
static inline void
l2_cells(size_t c0, size_t c1, const double *z, const double *n,
    const double *s, double base, const double *ws, const int k,
    double *hs, double *rs, double *hz, double *gz, double *hzz)
{
	size_t c;
	int j, l;

	for (c = c0; c < c1; c++) {
		const double *zc = z + c * k;
		double t = base, e, inv, nn, hh, r;

		if (n[c] <= 0)
			continue;
		for (j = 0; j < k; j++)
			t += zc[j] * ws[j];
		e = exp(-fabs(t));
		inv = 1 / (1 + e);
		nn = 2 * n[c];
		r = nn * (t >= 0 ? inv : e * inv) - s[c];
		hh = nn * e * inv * inv;
		*hs += hh;
		*rs += r;
		for (j = 0; j < k; j++) {
			hz[j] += hh * zc[j];
			gz[j] += r * zc[j];
			for (l = 0; l <= j; l++)
				hzz[j * MAX_K + l] += hh * zc[j] * zc[l];
		}
	}
}

/*
 * Gradient g and Hessian h (full, dim x dim) of the L2 objective at w;
 * returns the merit |g|^2.  The objective itself is never needed: Newton's
 * direction also descends |g|^2 (its derivative along it is -2|g|^2), so
 * backtracking on |g|^2 globalises the method without a logarithm per
 * cell.
 */
static double
l2_eval(const struct bt_design *x, const double *n, const double *s,
    const double *w, double *g, double *h)
{
	int p = x->p, k = x->k, dim = p + k, j, l;
	double gz[MAX_K] = { 0 }, hzz[MAX_K * MAX_K] = { 0 }, merit = 0;
	const double *ws = w + p;
	size_t i;

	memset(g, 0, (size_t)dim * sizeof(double));
	memset(h, 0, (size_t)dim * dim * sizeof(double));
	for (i = 0; i < x->npairs; i++) {
		size_t c0 = x->pair_start[i], c1 = x->pair_start[i + 1];
		int a = x->a[c0], b = x->b[c0];
		double base, hs = 0, rs = 0, hz[MAX_K] = { 0 };

		base = a == b ? -LN10 * w[b] : LN10 * (w[a] - w[b]);
		switch (k) {
		case 1:
			l2_cells(c0, c1, x->z, n, s, base, ws, 1, &hs, &rs,
			    hz, gz, hzz);
			break;
		case 3:
			l2_cells(c0, c1, x->z, n, s, base, ws, 3, &hs, &rs,
			    hz, gz, hzz);
			break;
		case 4:
			l2_cells(c0, c1, x->z, n, s, base, ws, 4, &hs, &rs,
			    hz, gz, hzz);
			break;
		default:
			l2_cells(c0, c1, x->z, n, s, base, ws, k, &hs, &rs,
			    hz, gz, hzz);
			break;
		}
		if (hs == 0 && rs == 0)
			continue;
		if (a != b) {
			g[a] += LN10 * rs;
			h[a * dim + a] += LN10 * LN10 * hs;
			h[a * dim + b] -= LN10 * LN10 * hs;
			h[b * dim + a] -= LN10 * LN10 * hs;
			for (j = 0; j < k; j++) {
				h[a * dim + p + j] += LN10 * hz[j];
				h[(p + j) * dim + a] += LN10 * hz[j];
			}
		}
		g[b] -= LN10 * rs;
		h[b * dim + b] += LN10 * LN10 * hs;
		for (j = 0; j < k; j++) {
			h[b * dim + p + j] -= LN10 * hz[j];
			h[(p + j) * dim + b] -= LN10 * hz[j];
		}
	}
	for (j = 0; j < k; j++) {
		g[p + j] += gz[j];
		for (l = 0; l <= j; l++) {
			h[(p + j) * dim + p + l] += hzz[j * MAX_K + l];
			if (l != j)
				h[(p + l) * dim + p + j] += hzz[j * MAX_K + l];
		}
	}
	for (j = 0; j < dim; j++) {
		g[j] += w[j];
		h[j * dim + j] += 1;
		merit += g[j] * g[j];
	}
	return merit;
}

int
bt_fit_l2(const struct bt_design *x, const double *n, const double *s,
    double *w, struct bt_work *ws)
{
	int dim = x->p + x->k, it, j;
	double f, *g = ws->g, *h = ws->h, *g2 = ws->g2, *h2 = ws->h2, *t;

	if (x->k > MAX_K)
		return -1;
	f = l2_eval(x, n, s, w, g, h);
	for (it = 0; it < MAX_ITER; it++) {
		double maxd = 0, step = 1, fn;

		for (j = 0; j < dim; j++)
			g[j] = -g[j];
		if (cholesky_solve(h, dim, g, ws->d) == -1)
			return -1;
		for (j = 0; j < dim; j++)
			if (fabs(ws->d[j]) > maxd)
				maxd = fabs(ws->d[j]);
		if (maxd < TOL) {
			for (j = 0; j < dim; j++)
				w[j] += ws->d[j];
			return it + 1;
		}
		/* Backtrack while |g|^2 does not decrease enough. */
		for (;;) {
			for (j = 0; j < dim; j++)
				ws->x2[j] = w[j] + step * ws->d[j];
			fn = l2_eval(x, n, s, ws->x2, g2, h2);
			if (fn <= (1 - 1e-4 * step) * f || fn < 1e-24 ||
			    step < 1e-12)
				break;
			step /= 2;
		}
		memcpy(w, ws->x2, (size_t)dim * sizeof(double));
		f = fn;
		t = g, g = g2, g2 = t;
		t = h, h = h2, h2 = t;
	}
	return -1;
}

double
bt_percentile(const double *v, size_t n, double q)
{
	double h, g, a, b, diff;
	size_t i;

	if (n == 0)
		return NAN;
	h = (double)(n - 1) * (q / 100.0);
	if (h <= 0)
		return v[0];
	i = (size_t)floor(h);
	if (i + 1 >= n)
		return v[n - 1];
	g = h - (double)i;
	a = v[i];
	b = v[i + 1];
	if (g == 0 || a == b)
		return a;
	if (isinf(a) && a < 0)
		return a;
	if (isinf(b) && b > 0)
		return b;
	diff = b - a;
	/* numpy's _lerp: the form depends on which end is nearer. */
	return g >= 0.5 ? b - diff * (1 - g) : a + diff * g;
}

double
bt_winrate(double x, double y)
{
	return 1 / (1 + pow(10, (y - x) / 400));
}

static int
cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

void
bt_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}
