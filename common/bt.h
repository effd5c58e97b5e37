/* bt.h: Bradley-Terry fits, bootstrap percentiles and win rates. */
#ifndef JUDGEPIPE_BT_H
#define JUDGEPIPE_BT_H

#include <stddef.h>

/*
 * Ratings are coefficients in log10 units: Elo = 400 * beta + 1000 before
 * anchoring, and P(a beats b) = 1 / (1 + 10^(beta_b - beta_a)).
 */

/* Weighted results of the battles between models a and b (a != b). */
struct bt_pair {
	int a, b;
	double wa;		/* wins of a */
	double wb;		/* wins of b */
	double t;		/* ties */
};

enum bt_state {
	BT_FINITE,
	BT_POS_INF,		/* above every rated model */
	BT_NEG_INF,		/* below every rated model */
	BT_UNDEF,		/* absent, or not comparable */
};

/* Scratch space for fits of up to dim coefficients; one per thread. */
struct bt_work;

struct bt_work *bt_work_new(int dim);
void bt_work_free(struct bt_work *w);	/* NULL-safe */

/*
 * Unpenalised Bradley-Terry MLE over p models with model base
 * fixed at 0.  A model that beat (or tied) someone who beat ... the
 * baseline and was beaten by someone who lost ... to it is rated finite;
 * one only above the baseline in that "beats" order gets BT_POS_INF, one
 * only below BT_NEG_INF, the rest BT_UNDEF.  Pairs with a == b are
 * ignored (with the baseline fixed they are constant).  beta[] holds a
 * start point on entry (finite values are used) and the ratings on return
 * (0 for non-finite states).  Newton's method with Cholesky solves and step
 * halving, until max |step| < 1e-10.  Returns the number of iterations, or
 * -1 when 100 iterations did not converge (beta then holds the last
 * iterate).
 */
int bt_fit_mle(int p, int base, const struct bt_pair *pairs, size_t npairs,
    double *beta, unsigned char *state, struct bt_work *w);

/*
 * A design for the L2-penalised logistic fit of the control boards: every
 * cell is a distinct row x = (model part, z), the model part +ln 10 in
 * column a and -ln 10 in column b (only -ln 10 in b when a == b), then k
 * style columns.
 * Cells must be grouped by (a, b): the cells of pair i are
 * pair_start[i] .. pair_start[i + 1] - 1.
 */
struct bt_design {
	int p;			/* model columns */
	int k;			/* style columns, at most 8 */
	size_t ncells;
	const int *a, *b;	/* per cell */
	const double *z;	/* ncells * k, row-major */
	size_t npairs;
	const size_t *pair_start;	/* npairs + 1 offsets */
};

/*
 * Minimise 0.5 |w|^2 + sum over cells of 2 n ln(1 + e^(x.w)) - s x.w, i.e.
 * L2-penalised logistic regression (C = 1, no intercept) on the battles
 * duplicated as upstream does: n[c] expanded battle rows in cell c, s[c]
 * their label sum (2 per win of a, 1 per tie).  w (p + k) holds the start
 * point and receives the optimum.  Returns the number of Newton steps, or -1
 * without convergence in 100.
 */
int bt_fit_l2(const struct bt_design *x, const double *n, const double *s,
    double *w, struct bt_work *ws);

/*
 * numpy.percentile(v, q) with linear interpolation on v[0..n-1] sorted
 * ascending (n >= 1), q in percent; infinite values are handled as limits.
 */
double bt_percentile(const double *v, size_t n, double q);

/* Win probability of rating x over rating y (Elo): 1 / (1 + 10^((y-x)/400)). */
double bt_winrate(double x, double y);

/* Sort v ascending in place (NaN not allowed). */
void bt_sort(double *v, size_t n);

#endif
