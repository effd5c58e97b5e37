/* agreement.h: how often LLM judges agree with people, and people with
 * each other (the MT-Bench agreement study). */
#ifndef JUDGEPIPE_AGREEMENT_H
#define JUDGEPIPE_AGREEMENT_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"

/*
 * FastChat's compute_agreement.py defines the study: votes and judgments
 * meet on a key (question id, the two models in sorted order), every
 * verdict is read as "first model won", "second won" or "tie" (both kinds
 * of tie are a tie), and
 *
 *  - judge vs people: for each key the judge's one verdict is compared
 *    with every person's vote on that key;
 *  - people vs people: every two votes on a key from different voters;
 *
 * agreement is the share of equal verdicts among those comparisons.
 * "Without ties" leaves out every comparison in which either side is a
 * tie.  A judgment's verdict combines its two games once the swap is
 * undone: both for the same model gives that model, anything else (a tie,
 * or games that disagree) a tie, as the study counts an inconsistent
 * judge; one valid game alone gives its verdict.  Strong and weak
 * verdicts (">>", ">") count alike.
 */
struct agreement;

/* One row of the result: a judge, or the people (judge NULL). */
struct agreement_row {
	char *judge;		/* NULL: people vs people */
	unsigned long long agree, total;		/* with ties */
	unsigned long long agree_nt, total_nt;	/* without ties */
	unsigned long long keys;	/* keys with a verdict and a vote */
};

/* baseline: model A of game 1 for records without model_a (may be NULL). */
struct agreement *agreement_new(const char *baseline);
void agreement_free(struct agreement *ag);	/* NULL-safe */

/*
 * Add one record read at file:line: a vote (model_a, model_b, winner;
 * voter optional) or a judgment (question_id, model, judge, games; model_a
 * for pairwise-all records, else the baseline: the record's "baseline" or
 * the one given).  Returns 0, or -1 with d set (EX_DATAERR); a judgment
 * without a known baseline is EX_USAGE.
 */
int agreement_add(struct agreement *ag, const json_t *rec, const char *file,
    long line, struct diag *d);

/*
 * Compute the rows: every judge in name order, then the people.  Returns
 * the number of rows in *rows (owned by ag, valid until it is freed).
 */
size_t agreement_compute(struct agreement *ag,
    const struct agreement_row **rows);

/* Votes and judgment verdicts read, for the caller's summary. */
void agreement_counts(const struct agreement *ag, size_t *votes,
    size_t *verdicts, size_t *dropped);

/*
 * Append the rows as a table (FastChat's "#total, #agree, ratio" for
 * both kinds) or as JSONL ({"type": "agreement", "judge": NAME|null,
 * "keys", "with_ties": {"agree", "total", "ratio"}, "without_ties":
 * {...}}; ratio null when total is 0).
 */
void agreement_format_table(struct buf *out, const struct agreement_row *r,
    size_t n);
void agreement_format_json(struct buf *out, const struct agreement_row *r,
    size_t n);

#endif
