/* judge.h: pairwise judging of answers against a baseline (SPEC 8). */
#ifndef JUDGEPIPE_JUDGE_H
#define JUDGEPIPE_JUDGE_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "judgeconfig.h"
#include "llm.h"
#include "shard.h"

/*
 * Usage, all on one thread:
 *
 *	j = judge_new(&jc, &hooks);
 *	judge_read_questions(j, path);		(each file)
 *	judge_read_baselines(j, path);		(each file)
 *	judge_read_references(j, path);		(each file, with reference)
 *	judge_read_answers(j, path);		(each input, in order)
 *	judge_prepare(j, &opts, &d);		(match, check every prompt)
 *	judge_run(j, llm, &d);			(judge, emit in input order)
 *	judge_free(j);
 *
 * Bad records and skipped answers are reported through hooks.note and
 * never stop the run; the read functions and judge_prepare return the
 * worst exit status of what they reported (0, EX_NOINPUT, EX_DATAERR).
 */

/* A text of a question or an answer turn (may contain NUL bytes). */
struct judge_text {
	char *p;
	size_t len;
};

/* One question: v0.1 {question_id, turns} or v2 {uid, prompt}. */
struct judge_question {
	char *id;
	size_t id_len;
	struct judge_text *turns;
	size_t n_turns;
};

/*
 * One answer: v0.1 {question_id, model_id, choices[0].turns} or v2 {uid,
 * model, messages} (the last assistant message).
 */
struct judge_answer {
	char *question_id;
	size_t question_id_len;
	char *model;
	struct judge_text *turns;
	size_t n_turns;
};

/*
 * Parse rec (borrowed) read at file:line.  Returns 0, or -1 with d set to
 * EX_DATAERR at file:line.  Release with the matching _release.
 */
int judge_question_parse(const json_t *rec, struct judge_question *q,
    const char *file, long line, struct diag *d);
void judge_question_release(struct judge_question *q);
int judge_answer_parse(const json_t *rec, struct judge_answer *a,
    const char *file, long line, struct diag *d);
void judge_answer_release(struct judge_answer *a);

/*
 * Append the user message of game g (0: A = baseline, B = answer; 1: the
 * swap) to out (SPEC 8.2): question_i, answer_1..answer_TA (A's turns),
 * answer_TA+1.. (B's turns) and ref_answer_(i+j+1) for reference model j
 * and turn i, a later value replacing an earlier one.  Returns 0, or -1
 * with d set to EX_CONFIG when the template names a field without a value.
 */
int judge_prompt(const struct judge_config *jc, const struct judge_question *q,
    const struct judge_answer *baseline, const struct judge_answer *answer,
    int g, const struct judge_answer *const *refs, size_t n_refs,
    struct buf *out, struct diag *d);

/* What the run reports; every hook may be NULL. */
struct judge_hooks {
	/*
	 * A warning (code 0) or an error (an EX_* code) about input, with
	 * its position when it has one (file NULL otherwise).
	 */
	void (*note)(void *arg, int code, const char *file, long line,
	    const char *msg);
	/*
	 * A judgment record (SPEC 3.3), in input order.  Returns 0, or -1
	 * when it cannot be written: no new work is started after that.
	 */
	int (*emit)(void *arg, const json_t *rec);
	/*
	 * A game whose call failed: rec is the --failed record {question_id,
	 * model, judge, game, error, attempts, status} and msg the one-line
	 * diagnostic; code is EX_UNAVAILABLE or EX_TEMPFAIL.
	 */
	void (*failed)(void *arg, int code, const json_t *rec,
	    const char *msg);
	/* Called when an answer is finished (judged, failed or cancelled). */
	void (*tick)(void *arg, size_t done, size_t total);
	void *arg;
};

struct judge_prepare_opts {
	const struct shard *shard;	/* NULL: every question */
	int model_list;			/* only models of jc->model_list */
};

struct judge;

/* A new run; jc and hooks are borrowed and must outlive it. */
struct judge *judge_new(const struct judge_config *jc,
    const struct judge_hooks *hooks);
void judge_free(struct judge *j);	/* NULL-safe */

/*
 * Read path ("-": standard input) whole.  Questions: a later duplicate id
 * is an error.  Baselines: every record must be of jc->baseline_model.
 * References: answers of the jc->ref_model models.  Answers: the records to
 * judge, in order; a later duplicate (model, question) replaces the earlier
 * one with a warning.
 */
int judge_read_questions(struct judge *j, const char *path);
int judge_read_baselines(struct judge *j, const char *path);
int judge_read_references(struct judge *j, const char *path);
int judge_read_answers(struct judge *j, const char *path);

/*
 * Match every answer to its question, baseline answer and references; an
 * answer without them is reported (EX_DATAERR) and skipped, one outside the
 * shard or the model list is left out silently.  Every prompt is built
 * once so that template errors come before any request.  Returns the worst
 * status reported (0 or EX_DATAERR), or -1 with d set (EX_CONFIG).
 */
int judge_prepare(struct judge *j, const struct judge_prepare_opts *o,
    struct diag *d);

/* The number of answers judge_run will judge. */
size_t judge_count(const struct judge *j);

/*
 * Judge every prepared answer with llm (borrowed): both games at once,
 * number_of_judgment_attempts per game, emitting each record through
 * hooks.emit in input order as soon as it and all before it are done.
 * Returns the worst status of the run (0, EX_UNAVAILABLE or EX_TEMPFAIL
 * for failed calls, EX_IOERR when emit failed), or -1 with d set when the
 * client itself failed.
 */
int judge_run(struct judge *j, struct llm_client *llm, struct diag *d);

#endif
