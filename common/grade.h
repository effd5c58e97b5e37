/* grade.h: single-answer grading, as FastChat's MT-Bench judge does it. */
#ifndef JUDGEPIPE_GRADE_H
#define JUDGEPIPE_GRADE_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "judge.h"
#include "judgeconfig.h"
#include "qaset.h"

/*
 * The single mode of gen-judgment as a judge_ops (judge.h), after
 * fastchat/llm_judge/common.py: each answer is graded alone, once per turn
 * (turn 2 only for questions of exactly two turns), with the prompts of
 * FastChat's judge_prompts.jsonl: single-v1, or single-math-v1 with the
 * reference answer for the categories that need one, and their
 * -multi-turn variants for turn 2, which show the whole conversation.  The
 * judge's rating is read as FastChat reads it (grade_rating).
 */

/* The message asking a judge that gave no rating to give one. */
#define GRADE_CONTINUE \
	"continue your evaluation and finish by rating the response " \
	"strictly in this format: \"[[rating]]\""

/* FastChat's four single prompts. */
enum grade_kind {
	GRADE_GENERAL,		/* single-v1 */
	GRADE_MATH,		/* single-math-v1 */
	GRADE_GENERAL_MT,	/* single-v1-multi-turn */
	GRADE_MATH_MT,		/* single-math-v1-multi-turn */
	GRADE_NKINDS
};

struct grade_prompt {
	char *name;
	char *system;
	size_t system_len;
	char *tmpl;
	size_t tmpl_len;
};

struct grade_prompts {
	char *path;
	struct grade_prompt p[GRADE_NKINDS];
};

/*
 * Read the four single prompts from FastChat's judge_prompts.jsonl at path
 * (other records are ignored): each must have type "single", output_format
 * "[[rating]]", a system_prompt and a prompt_template whose fields are
 * those FastChat fills in.  Returns 0, or -1 with d set (EX_NOINPUT when
 * the file cannot be read, else EX_CONFIG at file:line).  Release gp
 * either way.
 */
int grade_prompts_load(const char *path, struct grade_prompts *gp,
    struct diag *d);
void grade_prompts_release(struct grade_prompts *gp);

/* FastChat's NEED_REF_CATS: math, reasoning, coding, arena-hard-200. */
int grade_needs_reference(const char *category);

/*
 * The user prompt of turn (1 or 2) of answer a to q, with reference answer
 * ref (NULL when the category needs none), appended to out; *kind names
 * the prompt used.  Byte for byte what FastChat's run_judge_single formats.
 * Returns 0, or -1 with d set (a turn missing).
 */
int grade_prompt(const struct grade_prompts *gp,
    const struct qaset_question *q, const struct qaset_answer *a,
    const struct qaset_answer *ref, int turn, enum grade_kind *kind,
    struct buf *out, struct diag *d);

/*
 * The rating in a judgment, as FastChat reads it: the first "[[x]]", else
 * the first "[x]", x matching \d+\.?\d* (ASCII digits here), read as a
 * Python literal: an integer, or a float when it has a dot.  Returns a new
 * JSON number, or NULL when there is none or Python could not read it (a
 * leading zero such as "07"; a value beyond 64 bits).
 */
json_t *grade_rating(const char *text, size_t len);

struct grade_opts {
	struct qaset_filter filter;	/* the answers to grade */
};

struct grade;

/*
 * A new mode over qs with prompts gp; jc, gp and qs are borrowed and
 * must outlive it.  Reference answers are those of jc->ref_model[0], or
 * of the judge model without one (FastChat's rule).
 */
struct grade *grade_new(const struct judge_config *jc,
    const struct grade_prompts *gp, const struct qaset *qs,
    qaset_note_fn *note, void *arg);
void grade_free(struct grade *g);	/* NULL-safe */

/*
 * Make the tasks: each answer of qs, in input order, turn 1 then turn 2.
 * An answer without its question, without the turns to grade or without a
 * reference answer its category needs is reported (EX_DATAERR) and left
 * out.  Returns the worst status reported.
 */
int grade_prepare(struct grade *g, const struct grade_opts *o);

void grade_ops(struct grade *g, struct judge_ops *ops);

#endif
