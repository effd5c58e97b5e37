/* judgediag.h: how judges behave: labels, position, ties, agreement, bias. */
#ifndef JUDGEPIPE_JUDGEDIAG_H
#define JUDGEPIPE_JUDGEDIAG_H

#include <stddef.h>

#include "answerscan.h"
#include "verdicts.h"

/*
 * Diagnostics of the judges of a verdicts set (see verdicts.h).  A game's
 * "view" is its label seen from the judged model: -2 (the opponent much
 * better) .. 2 (the model much better); its "win value" is 1 for a model
 * win (either strength), 0.5 for a tie, 0 for a loss.  Games without a
 * valid label are counted in labels[][VERDICTS_NLABELS] and ignored
 * elsewhere.  Shares are NaN when nothing was counted.
 */

#define JUDGEDIAG_NBINS 5	/* length bins, see length_bins below */

struct judgediag_judge {
	const char *name;	/* borrowed from the verdicts set */
	/* Labels as written, per game position; the last column: none. */
	unsigned long long labels[2][VERDICTS_NLABELS + 1];
	unsigned long long view[VERDICTS_NLABELS];	/* view + 2 */
	unsigned long long games;	/* with a valid label */
	double tie_rate;	/* A=B among games */
	/*
	 * Position consistency: of the records with both games valid
	 * (pairs), the share whose two views are equal (exact), and whose
	 * views have the same sign (direction: both for the model, both
	 * ties, or both against it).
	 */
	unsigned long long pairs;
	double consistent, consistent_dir;
	/* Of the decisive games, the share won by the answer shown first. */
	unsigned long long decisive;
	double first_wins;
	/*
	 * Length bias: games whose two answers both have a token length;
	 * x = log2(model tokens / opponent tokens).  corr is Pearson's r
	 * of x and the view; bins hold the games and mean win value for
	 * x <= -1, (-1, -a], (-a, a), [a, 1), >= 1 with a = log2(5/4)
	 * (under half, half to 4/5, about equal, 5/4 to twice, over twice).
	 */
	unsigned long long len_games;
	double len_corr;
	unsigned long long bin_games[JUDGEDIAG_NBINS];
	double bin_win[JUDGEDIAG_NBINS];
};

/* Two judges on the games both gave a valid label (same record, game). */
struct judgediag_pair {
	int a, b;		/* judge indices, a < b */
	unsigned long long games;
	double table[VERDICTS_NLABELS * VERDICTS_NLABELS];	/* a rows */
	double agreement;	/* exact label */
	double kappa;		/* unweighted */
	double kappa_linear, kappa_quadratic;
};

/*
 * A judge that is also a judged model: its mean win value for its own
 * model (own), the mean over the other judges of theirs (others), and the
 * judge's leniency: its mean difference to the other judges over every
 * other model they all judged.  excess = own - others - leniency: how much
 * more it favours itself than it favours models in general.
 */
struct judgediag_self {
	int judge;
	const char *model;
	unsigned long long games;	/* its own games */
	double own, others, leniency, excess;
};

struct judgediag {
	struct judgediag_judge *judges;	/* verdicts order */
	size_t njudges;
	struct judgediag_pair *pairs;	/* (0,1), (0,2) .. (1,2) .. */
	size_t npairs;
	struct judgediag_self *self;
	size_t nself;
};

/*
 * Compute the diagnostics of v (after verdicts_finish).  ans (may be
 * NULL: no length bias) gives token lengths; opponent names the model
 * the records without model_a were judged against (the baseline).  Zero
 * out before, release with judgediag_release; names are borrowed from v.
 */
void judgediag_compute(struct judgediag *jd, const struct verdicts *v,
    const struct answer_set *ans, const char *opponent);
void judgediag_release(struct judgediag *jd);

#endif
