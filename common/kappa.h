/* kappa.h: agreement of two raters on k ordered labels (Cohen's kappa). */
#ifndef JUDGEPIPE_KAPPA_H
#define JUDGEPIPE_KAPPA_H

/*
 * table is a k x k contingency table of counts, row i column j holding the
 * items rater 1 put in label i and rater 2 in label j (labels in their
 * order).  With agreement weights w(i, j) (1 on the diagonal):
 *
 *	p_o = sum w(i, j) table[i][j] / n
 *	p_e = sum w(i, j) row_i col_j / n^2
 *	kappa = (p_o - p_e) / (1 - p_e)
 *
 * Unweighted: w = 1 when i == j, else 0 (Cohen 1960).  Linear: w = 1 -
 * |i - j| / (k - 1); quadratic: w = 1 - ((i - j) / (k - 1))^2 (Cohen
 * 1968; Fleiss and Cohen 1973).  A near miss on an ordered scale (A>>B
 * against A>B) then counts as partial agreement.
 */
enum kappa_weights {
	KAPPA_UNWEIGHTED,
	KAPPA_LINEAR,
	KAPPA_QUADRATIC,
};

/* Kappa of table (k >= 2); NaN when n is 0 or p_e is 1 (undefined). */
double kappa_cohen(const double *table, int k, enum kappa_weights w);

/* The share of items on the diagonal (exact agreement); NaN when n is 0. */
double kappa_agreement(const double *table, int k);

#endif
