/* leaderboard.h: the boards: Bradley-Terry fits and bootstrap intervals. */
#ifndef JUDGEPIPE_LEADERBOARD_H
#define JUDGEPIPE_LEADERBOARD_H

#include <stdint.h>

#include "answerscan.h"
#include "battles.h"
#include "diag.h"
#include "rng.h"

enum lb_board {
	LB_NO_CONTROL,
	LB_STYLE,
	LB_LENGTH,
	LB_MARKDOWN,
	LB_NBOARDS
};

enum lb_unit {
	LB_QUESTION,		/* resample whole questions (default) */
	LB_BATTLE,		/* resample expanded battle rows (upstream) */
};

struct lb_opts {
	long num_rounds;
	uint64_t seed;
	enum lb_unit unit;
	int reference_compat;	/* replay the reference */
	int allow_missing_metadata;
	int threads;		/* >= 1; results do not depend on it */
	int weight;		/* for the JSON board record */
	int first_game_only;	/* likewise */
	struct rng_mt *mt;	/* --reference-compat: the process's stream */
	int online_elo;		/* --elo online: elo.h's board */
};

struct lb_model {
	char *name;
	double score, q025, q975;	/* win rates in %, 2 decimals */
	double elo, elo_q025, elo_q975;
	long long avg_tokens;		/* -1: no answers of the model */
	unsigned long long n_battles;	/* expanded rows with the model */
};

struct lb_result {
	enum lb_board board;
	double anchor;		/* Elo of the baseline: 1000 or 1114 */
	struct lb_model *models;	/* board order */
	size_t nmodels;
	int k;			/* style coefficients (0: no control) */
	double coef[ANSWER_NELEM];
	const char *coef_names[ANSWER_NELEM];
	unsigned long long n_battles;
	long rounds_used;	/* rounds with the baseline */
	int online;		/* online Elo (elo.h), not a fit */
	/* Problems found while building the board, for the caller to print. */
	struct diag *errs;	/* EX_DATAERR: missing metadata */
	size_t nerrs;
	struct diag *warns;	/* code 0 */
	size_t nwarns;
};

const char *lb_board_name(enum lb_board b);

/*
 * Compute one board from the battles (after battles_finish) and, for
 * avg_tokens and the control boards, the answers (may be NULL).  Returns 0,
 * or -1 with d set; res->errs then lists the battles without metadata.
 * res must be zeroed; release it with lb_result_release.
 */
int lb_compute(const struct battle_set *bs, const struct answer_set *ans,
    enum lb_board board, const struct lb_opts *o, struct lb_result *res,
    struct diag *d);
void lb_result_release(struct lb_result *r);

/*
 * The rank of each model of r (board order) that respects uncertainty,
 * as Chatbot Arena ranks: 1 + the number of models whose interval lies
 * wholly above the model's (lower Elo bound above its upper bound).
 * Models whose intervals overlap share a rank.  rank: r->nmodels ints.
 */
void lb_rank_ci(const struct lb_result *r, int *rank);

#endif
