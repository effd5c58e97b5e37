/* elo.h: Chatbot Arena's online (sequential) Elo and its bootstrap. */
#ifndef JUDGEPIPE_ELO_H
#define JUDGEPIPE_ELO_H

#include <stddef.h>
#include <stdint.h>

#include "answerscan.h"
#include "battles.h"
#include "diag.h"

struct lb_opts;
struct lb_result;

/*
 * The online Elo of FastChat's elo_analysis.py (compute_elo): every model
 * starts at init; battles are taken one by one, and for a battle of a
 * against b with outcome s (1 a won, 0.5 a tie, 0 b won)
 *
 *	e = 1 / (1 + exp(ln(base) / scale * (R_b - R_a)))
 *	R_a += k (s - e),  R_b -= k (s - e)
 *
 * so the ratings always sum to init per model.  Chatbot Arena's values:
 */
#define ELO_K		4.0
#define ELO_BASE	10.0
#define ELO_SCALE	400.0
#define ELO_INIT	1000.0

struct elo_match {
	uint32_t a, b;		/* model ids */
	double s;		/* 1, 0.5 or 0: a's result */
};

/*
 * Run the update over m[order[0]], m[order[1]], ... m[order[n - 1]] (order
 * NULL: m[0..n) in turn) with Chatbot Arena's constants.  rating[0..
 * nmodels) is set to ELO_INIT first and holds the result.  When seen is
 * not NULL, seen[i] is set to 1 for every model that played.
 */
void elo_online(const struct elo_match *m, const uint32_t *order, size_t n,
    size_t nmodels, double *rating, unsigned char *seen);

/*
 * The board of show-result --elo online from the battles (after
 * battles_finish; a baseline is optional): elo_score is the online Elo
 * over the expanded rows in tstamp order (rows without one first, input
 * order otherwise), the interval the 2.5 and 97.5 percentiles of o->
 * num_rounds bootstrap replays.  A round draws, with o->seed's stream of
 * board 0, as many rows as there are (LB_BATTLE, Chatbot Arena's recipe)
 * or clusters of rows of one question (LB_QUESTION) with replacement and
 * replays them in the order drawn; a model that is not drawn is undefined
 * in that round.  Scores are win rates against the baseline, or against a
 * model rated ELO_INIT (the mean) without one.  Returns 0, or -1 with d
 * set.  res must be zeroed.
 */
int elo_board(const struct battle_set *bs, const struct answer_set *ans,
    const struct lb_opts *o, struct lb_result *res, struct diag *d);

#endif
