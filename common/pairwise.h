/* pairwise.h: games between two answers: against a baseline, or all pairs. */
#ifndef JUDGEPIPE_PAIRWISE_H
#define JUDGEPIPE_PAIRWISE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "judge.h"
#include "judgeconfig.h"
#include "qaset.h"

/*
 * The pairwise modes of gen-judgment as a judge_ops (judge.h).  A task is
 * one record: an answer and the baseline's answer to its question
 * (pairwise-baseline), or the answers of two models to one question
 * (pairwise-all).  Game 1 shows side a as Assistant A and side b as B
 * (side a: the baseline, or the first model of the pair in bytewise
 * order); game 2, when the config is pairwise, swaps them.
 *
 * Usage:
 *	p = pairwise_new(&jc, qs, note, arg);
 *	pairwise_prepare(p, &opts);
 *	pairwise_ops(p, &ops);  j = judge_new(&ops, &hooks); ...
 *	pairwise_free(p);
 */

struct pairwise_opts {
	struct qaset_filter filter;	/* the answers to judge */
	/*
	 * pairwise-all: at most this many pairs per question (0: every
	 * pair), drawn by pairwise_sample with seed.
	 */
	long pairs_per_question;
	uint64_t seed;
};

/*
 * The v0.1 user message of a game: question_i, answer_1 ..
 * answer_TA (Assistant A's turns), answer_TA+1 .. (B's) and
 * ref_answer_(i+j+1) for reference model j and turn i, a later value
 * replacing an earlier one; appended to out.  Returns 0, or -1 with d set
 * to EX_CONFIG when the template names a field without a value.
 */
int pairwise_prompt(const struct judge_config *jc,
    const struct qaset_question *q, const struct qaset_answer *A,
    const struct qaset_answer *B, const struct qaset_answer *const *refs,
    size_t n_refs, struct buf *out, struct diag *d);

/*
 * The verdict of a judgment in HEAD style (arena-hard-auto's get_score):
 * the patterns of jc in order over the text upper-cased (ASCII letters;
 * the patterns and labels are ASCII), the last value of the first pattern
 * that matches, as a new JSON string; NULL when none matches.
 */
json_t *pairwise_v2_score(const struct judge_config *jc, const char *text,
    size_t len);

/*
 * Balanced, seeded choice of pairs: the npairs pairs (numbered 0 ..
 * npairs - 1) in an order shuffled by seed, and question number t (0, 1,
 * ...) takes the k that follow position t * k of that order, cyclically.
 * Over consecutive questions every pair so meets as often as any other,
 * give or take one, and no pair twice for one question.  Writes
 * min(k, npairs) pair numbers to out, in increasing order.
 */
size_t pairwise_sample(size_t npairs, size_t k, uint64_t seed, size_t t,
    size_t *out);

struct pairwise;

/* A new mode over qs; jc and qs are borrowed and must outlive it. */
struct pairwise *pairwise_new(const struct judge_config *jc,
    const struct qaset *qs, qaset_note_fn *note, void *arg);
void pairwise_free(struct pairwise *p);	/* NULL-safe */

/*
 * Make the tasks: every answer of qs (pairwise-baseline) matched to its
 * question, baseline answer and references; or every pair of models with
 * answers to a question (pairwise-all).  What cannot be matched is
 * reported (EX_DATAERR) and left out; answers outside the shard or the
 * model list are left out silently.  Returns the worst status reported (0
 * or EX_DATAERR).
 */
int pairwise_prepare(struct pairwise *p, const struct pairwise_opts *o);

/* Fill ops with the mode's functions and settings. */
void pairwise_ops(struct pairwise *p, struct judge_ops *ops);

#endif
