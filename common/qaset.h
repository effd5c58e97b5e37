/* qaset.h: the questions and answers a judge reads, in every shape. */
#ifndef JUDGEPIPE_QASET_H
#define JUDGEPIPE_QASET_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "diag.h"
#include "shard.h"

/*
 * Shapes read:
 *	questions	Arena-Hard v0.1 {question_id, turns: [{content}]},
 *			FastChat {question_id (an integer), category,
 *			turns: [string]}, Arena-Hard v2.0 {uid, category,
 *			prompt};
 *	answers		Arena-Hard v0.1 {question_id, model_id,
 *			choices[0].turns: [{content}]}, FastChat (turns as
 *			strings), v2.0 {uid, model, messages} (the last
 *			assistant message, its content a string or an object's
 *			"answer").
 * A question id may be a string or an integer; an integer is keyed by its
 * decimal text, so 81 and "81" name the same question.  An answer without
 * a model field in a file model_answer/<model>.jsonl (or
 * reference_answer/<model>.jsonl) is of model <model>, as FastChat reads
 * its answer folders; elsewhere the model field is required.
 */

/* A text of a question or an answer turn (may contain NUL bytes). */
struct qaset_text {
	char *p;
	size_t len;
};

struct qaset_question {
	char *id;			/* an integer id in decimal */
	size_t id_len;
	int id_int;			/* the id was a JSON integer */
	char *category;			/* NULL when absent */
	struct qaset_text *turns;
	size_t n_turns;
	const char *file;		/* where it was read (borrowed) */
	long line;
};

struct qaset_answer {
	char *question_id;		/* as struct qaset_question's id */
	size_t question_id_len;
	int id_int;
	char *model;
	struct qaset_text *turns;
	size_t n_turns;
	const char *file;
	long line;
	/*
	 * A stand-in written by gen-answer --estimate for an answer not
	 * given yet: its expected and largest token counts (0: a real one).
	 */
	long long estimate_tokens, estimate_tokens_bound;
};

/*
 * Parse rec (borrowed) read at file:line.  Returns 0, or -1 with d set to
 * EX_DATAERR at file:line.  An answer without a model takes model (may be
 * NULL: then it is an error).  Release with the matching _release.
 */
int qaset_question_parse(const json_t *rec, struct qaset_question *q,
    const char *file, long line, struct diag *d);
void qaset_question_release(struct qaset_question *q);
int qaset_answer_parse(const json_t *rec, struct qaset_answer *a,
    const char *model, const char *file, long line, struct diag *d);
void qaset_answer_release(struct qaset_answer *a);

/*
 * What tells a stand-in (estimate_tokens > 0) apart, its text being "":
 * a hash of its model and question; 0 for an answer whose text is known.
 */
uint64_t qaset_standin_id(const struct qaset_answer *a);

/* A question id as JSON: an integer or a string (new reference). */
json_t *qaset_id_json(const char *id, size_t len, int id_int);

/*
 * The model that the file at path names when it is
 * .../model_answer/<model>.jsonl[.zst] or .../reference_answer/<model>...
 * (malloc'ed), else NULL.
 */
char *qaset_file_model(const char *path);

/* The kinds of answer files. */
enum qaset_kind {
	QASET_ANSWERS,		/* the answers to judge, in input order */
	QASET_BASELINES,	/* --baseline-answers */
	QASET_REFERENCES,	/* --reference-answers */
};

/* Reports a warning (code 0) or an error (an EX_* code) about input, with
 * its position when it has one (file NULL otherwise). */
typedef void qaset_note_fn(void *arg, int code, const char *file, long line,
    const char *msg);

/* Report through fn (NULL-safe) with a printf message. */
void qaset_notef(qaset_note_fn *fn, void *arg, int code, const char *file,
    long line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Which answers a run judges: a shard, and a model list when listed. */
struct qaset_filter {
	const struct shard *shard;	/* NULL: every question */
	int listed;			/* only the models below */
	const char *const *models;
	size_t n_models;
};

/* True when model is on f's model list, or f uses none. */
int qaset_listed(const struct qaset_filter *f, const char *model);

struct qaset;

/* A new, empty set; note (may be NULL) receives every problem. */
struct qaset *qaset_new(qaset_note_fn *note, void *arg);
void qaset_free(struct qaset *s);	/* NULL-safe */

/*
 * Read the questions of path ("-": standard input) whole: bad records and
 * later duplicate ids are reported (EX_DATAERR) and skipped.  Returns the
 * worst status reported (0, EX_NOINPUT, EX_DATAERR).
 */
int qaset_read_questions(struct qaset *s, const char *path);

/*
 * Read the answers of path.  A later answer of the same (model, question)
 * replaces the earlier one (a warning for QASET_ANSWERS and
 * QASET_BASELINES).  With models (n > 0), answers of other models are
 * errors for QASET_BASELINES ("expected" names them) and ignored with one
 * count for QASET_REFERENCES.  Returns the worst status reported.
 */
int qaset_read_answers(struct qaset *s, const char *path, enum qaset_kind k,
    const char *const *models, size_t n);

/* Questions in input order (duplicates dropped). */
size_t qaset_n_questions(const struct qaset *s);
const struct qaset_question *qaset_question(const struct qaset *s, size_t i);
/* The question of an id, or NULL. */
const struct qaset_question *qaset_find_question(const struct qaset *s,
    const char *id, size_t len);

/* Answers to judge in input order; NULL for one replaced by a later one. */
size_t qaset_n_answers(const struct qaset *s);
const struct qaset_answer *qaset_answer(const struct qaset *s, size_t i);

/*
 * Call fn(arg, a) for each answer to judge that f keeps, in input order.
 * Returns the number of answers f's model list left out; *refused gets
 * the number for which fn returned -1.
 */
size_t qaset_each(const struct qaset *s, const struct qaset_filter *f,
    int (*fn)(void *, const struct qaset_answer *), void *arg,
    size_t *refused);

/* The answer of model to question id among kind, or NULL. */
const struct qaset_answer *qaset_find(const struct qaset *s,
    enum qaset_kind k, const char *model, const char *id, size_t len);

#endif
