/* matrix.h: model-by-model matrices: predicted and observed win rates. */
#ifndef JUDGEPIPE_MATRIX_H
#define JUDGEPIPE_MATRIX_H

#include <stddef.h>

#include "battles.h"
#include "leaderboard.h"

/*
 * Square matrices over the models of a board, in board order; cell
 * [i * n + j] is about row model i against column model j.
 *
 * predicted: the probability that i beats j by the board's fitted
 *   ratings, 1 / (1 + 10^((elo_j - elo_i) / 400)); 0.5 on the diagonal.
 *   On a control board the ratings are those with style held equal.
 * observed: i's win fraction in the games i and j played against each
 *   other, a tie counting half and a strong verdict (>>) once; NaN when
 *   they never met (and on the diagonal).
 * games: how many games (judgment games or votes) they played; symmetric.
 *
 * Judgments against a baseline meet only through the baseline (a star:
 * one filled row and column); votes and all-pairs judgments fill the
 * square.  star says which, so a page can show one column or the square.
 */
struct matrix {
	size_t n;
	const char **models;	/* borrowed from the board */
	double *predicted;
	double *observed;
	unsigned long long *games;
	size_t pairs_met;	/* unordered pairs with games */
	int star;		/* every pair that met holds the baseline */
};

/* The matrices of board r over the battles bs; release with _release. */
void matrix_compute(struct matrix *mx, const struct lb_result *r,
    const struct battle_set *bs);
void matrix_release(struct matrix *mx);

#endif
