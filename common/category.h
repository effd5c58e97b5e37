/* category.h: a board's scores per question category. */
#ifndef JUDGEPIPE_CATEGORY_H
#define JUDGEPIPE_CATEGORY_H

#include <stddef.h>

#include "battles.h"
#include "leaderboard.h"
#include "questions.h"

/*
 * For every category (the values of one key of the question records) and
 * every model of a board: the win rate in percent against the baseline
 * (for judgments of all pairs anchored at the mean: against a model of
 * the category's mean rating) of a Bradley-Terry fit of the battles on
 * that category's questions alone (strong verdicts weighted as on the
 * board; no style control, no interval: categories are small, so read
 * them with their question counts).  NaN when the model has no battle in the category or its
 * rating there is undetermined; 100 or 0 when it won or lost everything.
 * Questions missing from the question file fall in no category.
 */
struct category_scores {
	const char *key;	/* borrowed */
	char **names;		/* sorted bytewise */
	size_t ncat;
	size_t *questions;	/* per category: judged questions */
	size_t nmodels;		/* the board's models, board order */
	const char **models;	/* borrowed from the board */
	double *score;		/* nmodels * ncat */
	unsigned long long *games;	/* nmodels * ncat: battle rows */
};

/*
 * Compute cs for board r over bs with the categories of key in qs.
 * Returns the number of categories (0: no question has the key).
 */
size_t category_compute(struct category_scores *cs, const struct lb_result *r,
    const struct battle_set *bs, const struct question_set *qs,
    const char *key);
void category_release(struct category_scores *cs);

#endif
