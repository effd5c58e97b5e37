/* kappa.c: Cohen's kappa, unweighted and weighted (see kappa.h). */
#include <math.h>
#include <stdlib.h>

#include "kappa.h"

static double
weight(int i, int j, int k, enum kappa_weights w)
{
	double d = (double)abs(i - j) / (k - 1);

	switch (w) {
	case KAPPA_LINEAR:
		return 1 - d;
	case KAPPA_QUADRATIC:
		return 1 - d * d;
	default:
		return i == j;
	}
}

double
kappa_cohen(const double *table, int k, enum kappa_weights w)
{
	double row[16] = { 0 }, col[16] = { 0 }, n = 0, po = 0, pe = 0;
	int i, j;

	if (k < 2 || k > 16)
		return NAN;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			row[i] += table[i * k + j];
			col[j] += table[i * k + j];
			n += table[i * k + j];
		}
	if (!(n > 0))
		return NAN;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			po += weight(i, j, k, w) * table[i * k + j] / n;
			pe += weight(i, j, k, w) * (row[i] / n) * (col[j] / n);
		}
	if (!(pe < 1))
		return NAN;
	return (po - pe) / (1 - pe);
}

double
kappa_agreement(const double *table, int k)
{
	double n = 0, diag = 0;
	int i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			n += table[i * k + j];
			if (i == j)
				diag += table[i * k + j];
		}
	return n > 0 ? diag / n : NAN;
}
