/* verdicts.h: judgment records by judge, model and question: labels, texts. */
#ifndef JUDGEPIPE_VERDICTS_H
#define JUDGEPIPE_VERDICTS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "diag.h"

/*
 * What a report needs from judgment records, unlike battles.h (which turns
 * them into weighted battle rows): for every judge, judged model and
 * question, the label of each of the two games as the judge wrote it and,
 * when asked, the judge's text.  Records of any number of judges may be
 * mixed; a record's judge is its "source_judge" (pool records), else its
 * "judge", else "" (unnamed).  A record of all pairs (with "model_a") is
 * between model_a (shown as A in game 1) and "model"; any other is
 * between the baseline and "model".  An integer question id is read as
 * its decimal text.
 */

#define VERDICTS_BASELINE UINT32_MAX	/* opponent of a baseline record */

/* The five labels, in order; a game without one of them is VERDICTS_NONE. */
enum verdicts_label {
	VERDICTS_A_MUCH,	/* A>>B */
	VERDICTS_A,		/* A>B */
	VERDICTS_TIE,		/* A=B */
	VERDICTS_B,		/* B>A */
	VERDICTS_B_MUCH,	/* B>>A */
	VERDICTS_NLABELS,
	VERDICTS_NONE = -1
};

/* One record: game 0 shows the opponent (baseline) as A, game 1 swaps. */
struct verdicts_rec {
	uint32_t judge, model, question;	/* ids, after finish */
	uint32_t opponent;	/* model id of model_a, or VERDICTS_BASELINE */
	int8_t label[2];	/* enum verdicts_label */
	char *text[2];		/* the judge's text, or NULL */
	size_t text_len[2];
	uint32_t file;
	long line;
};

struct verdicts {
	/* Read-only for callers; sorted bytewise after verdicts_finish. */
	char **judges;
	size_t njudges;
	char **models;
	size_t nmodels;
	char **questions;
	size_t nquestions;
	struct verdicts_rec *recs;	/* sorted by their ids */
	size_t nrecs;
	char **files;
	size_t nfiles;
	unsigned long long replaced;	/* later records of a key */
	struct verdicts_priv *priv;
};

/* keep_text: also keep each game's "judgment" text (v2: .answer). */
struct verdicts *verdicts_new(int keep_text);
void verdicts_free(struct verdicts *v);	/* NULL-safe */

/* Register an input name; returns its index for verdicts_add. */
uint32_t verdicts_add_file(struct verdicts *v, const char *name);

/*
 * Add one judgment record (v0.1, ensemble, pool, all-pairs or v2 shape;
 * rec is borrowed) read at file:line.  A record that is not a pairwise
 * judgment (a vote, a single grade) is ignored.  A later record of the
 * same judge, models and question replaces the earlier one (counted in
 * replaced).  Returns 0, or -1 with
 * d set (EX_DATAERR) for a malformed record, which adds nothing.
 */
int verdicts_add(struct verdicts *v, const json_t *rec, uint32_t file,
    long line, struct diag *d);

/* Number and sort judges, models and questions; sort the records. */
void verdicts_finish(struct verdicts *v);

/* Ids of names after verdicts_finish, or -1. */
long verdicts_judge_id(const struct verdicts *v, const char *name);
long verdicts_model_id(const struct verdicts *v, const char *name);
long verdicts_question_id(const struct verdicts *v, const char *qid);

/*
 * The record of (judge, model, opponent, question) ids, or NULL; opponent
 * is VERDICTS_BASELINE for a record against the baseline.
 */
const struct verdicts_rec *verdicts_find(const struct verdicts *v,
    uint32_t judge, uint32_t model, uint32_t opponent, uint32_t question);

/* The label's text ("A>>B" ...), or NULL for VERDICTS_NONE. */
const char *verdicts_label_name(int label);

/*
 * The label of game g in the judged model's view, from -2 (the opponent
 * much better) to 2 (the model much better); undefined for VERDICTS_NONE.
 */
int verdicts_model_view(int label, int game);

#endif
