/* battles.h: judgment and vote records to battle rows. */
#ifndef JUDGEPIPE_BATTLES_H
#define JUDGEPIPE_BATTLES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "answerscan.h"
#include "diag.h"

#define BATTLE_NOQ UINT32_MAX	/* a vote without question_id */

enum battle_outcome {
	BATTLE_A,		/* model_a won */
	BATTLE_TIE,
	BATTLE_B,		/* model_b won */
};

/*
 * One game of a judgment, or one vote: weight expanded rows (W for a ">>"
 * verdict).  For judgments model a is the baseline and b the judged model.
 */
struct battle_row {
	uint32_t a, b;		/* model ids */
	uint32_t q;		/* question id, or BATTLE_NOQ */
	uint32_t weight;
	uint32_t meta;		/* votes: index of a pair in metas */
	uint32_t file;		/* input operand index */
	long line;
	double tstamp;		/* a vote's tstamp, or NAN */
	uint8_t game;		/* 0: game 1, 1: game 2 */
	uint8_t outcome;	/* enum battle_outcome */
	uint8_t vote;		/* a crowd vote */
	uint8_t has_meta;	/* a vote carrying conv_metadata */
};

/* Style metadata of one side of a vote (elements of enum answer_elem). */
struct battle_meta {
	unsigned mask;
	long long v[ANSWER_NELEM];
};

struct battle_opts {
	const char *baseline;	/* --baseline, or NULL: v2 records' */
	int weight;		/* repetitions of a ">>" verdict */
	int first_game_only;
	const char *judge;	/* --judge, or NULL */
	/*
	 * --anchor: the model rated 1000 (50 %) when the records name no
	 * baseline (pairwise-all judgments, votes), or "mean": the mean of
	 * the models is; NULL: --baseline's model, else the mean for
	 * pairwise-all judgments.
	 */
	const char *anchor;
	int online_elo;		/* --elo online: a baseline is optional */
};

struct battle_set {
	/* Read-only for callers; valid after battles_finish. */
	char **models;		/* sorted bytewise */
	size_t nmodels;
	char **questions;	/* sorted bytewise */
	size_t nquestions;
	struct battle_row *rows;	/* input order */
	size_t nrows;
	uint32_t *canon;	/* row indices in canonical order (D4) */
	struct battle_meta *metas;	/* metas[2i] side a, [2i + 1] b */
	size_t nmetas;
	const char *baseline;	/* NULL only with online_elo */
	uint32_t base;		/* model id of the baseline (UINT32_MAX
				   without one) */
	/*
	 * Whether a record names the baseline (a judged or voted model, or
	 * a v2 "baseline"), not only --baseline: a typo names none.
	 */
	int baseline_named;
	/*
	 * No model is the anchor: the mean of the ratings is (pairwise-all
	 * without --anchor); base is then only the model fixed in the fits.
	 */
	int anchor_mean;
	int all_pairs;		/* judgments name both models of a pair */
	char **files;		/* operand names by index */
	size_t nfiles;
	/* Counters for warnings. */
	unsigned long long dropped_games;	/* no valid verdict */
	unsigned long long extra_games;		/* games beyond two */
	unsigned long long self_votes;		/* model_a == model_b */
	unsigned long long other_judges;	/* skipped by --judge */
	size_t njudgments, nvotes;
	/* Private. */
	struct battle_priv *priv;
};

struct battle_set *battles_new(const struct battle_opts *o);
void battles_free(struct battle_set *bs);	/* NULL-safe */

/* Register an input operand name; returns its index for battles_add. */
uint32_t battles_add_file(struct battle_set *bs, const char *name);

/*
 * Add the battles of one record (a v0.1, ensemble or v2 judgment, a
 * pairwise-all judgment with model_a and model_b, whose game 1 shows
 * model_a as Assistant A, or a crowd vote) read at file:line.  Returns 0,
 * or -1 with d set (EX_DATAERR) for a bad record, which adds nothing.
 */
int battles_add(struct battle_set *bs, const json_t *rec, uint32_t file,
    long line, struct diag *d);

/*
 * Resolve the baseline (or the anchor), number models and questions in
 * sorted order and sort the rows canonically.  Returns 0, or -1 with d set:
 * EX_USAGE when no baseline is known (unless online_elo), EX_DATAERR when
 * records of several
 * judges, or pairwise-all and baseline judgments, are mixed, or the
 * baseline has no battle.
 */
int battles_finish(struct battle_set *bs, struct diag *d);

/*
 * Battle sets by question category: Arena-Hard v2.0 judges each category
 * against its own baseline, so its judgments of several categories make a
 * board per category, as upstream's show_result.py reports them.  Every
 * other record (v0.1 judgments, votes) goes to the category "".
 */
struct battle_groups {
	char **names;			/* in order of first record */
	struct battle_set **sets;
	size_t n;
	struct battle_opts opts;	/* of every set (strings borrowed) */
	char **files;			/* operand names, for new sets */
	size_t nfiles;
};

/* Start with no group; o and its strings must outlive g. */
void battles_groups_init(struct battle_groups *g, const struct battle_opts *o);
void battles_groups_release(struct battle_groups *g);

/* Register an input operand in every group, present and future. */
uint32_t battles_groups_add_file(struct battle_groups *g, const char *name);

/*
 * Add rec to the set of its category (a v2 judgment's "category"),
 * created on first use; as battles_add otherwise.
 */
int battles_groups_add(struct battle_groups *g, const json_t *rec,
    uint32_t file, long line, struct diag *d);

/* The id of a model or question name, or -1. */
long battles_model_id(const struct battle_set *bs, const char *name);
long battles_question_id(const struct battle_set *bs, const char *qid);

#endif
