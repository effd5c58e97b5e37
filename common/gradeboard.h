/* gradeboard.h: the board of single grading: mean ratings and intervals. */
#ifndef JUDGEPIPE_GRADEBOARD_H
#define JUDGEPIPE_GRADEBOARD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "diag.h"

/*
 * FastChat's MT-Bench table (fastchat/llm_judge/show_result.py, single
 * mode): per model the mean rating of turn 1, of turn 2 and of every turn
 * ("Average"), records rated -1 (no rating) left out; and what FastChat
 * lacks: a 95 % interval per mean by resampling questions, the mean per
 * question category (the MT-Bench radar) and the count of unparsed
 * ratings.
 *
 *	gb = gradeboard_new(judge);
 *	gradeboard_add(gb, rec, file, line, &d);	(each record)
 *	gradeboard_category(gb, qid, len, category);	(optional)
 *	gradeboard_compute(gb, &opts, &res, &d);
 *	gradeboard_result_release(&res); gradeboard_free(gb);
 */

enum gradeboard_column {
	GB_TURN1,
	GB_TURN2,
	GB_ALL,			/* every turn: FastChat's "Average" */
	GB_NCOLUMNS
};

struct gradeboard_opts {
	long num_rounds;	/* question-bootstrap rounds, >= 1 */
	uint64_t seed;
};

struct gradeboard_model {
	char *name;
	double mean[GB_NCOLUMNS];	/* NaN: no rating in the column */
	double q025[GB_NCOLUMNS], q975[GB_NCOLUMNS];
	size_t n[GB_NCOLUMNS];		/* ratings counted */
	size_t unparsed;		/* records rated -1 */
	double *cat_mean;		/* per category; NaN: none */
	size_t *cat_n;
};

struct gradeboard_result {
	struct gradeboard_model *models;	/* by mean of every turn, desc */
	size_t nmodels;
	char **categories;		/* sorted bytewise; may be 0 */
	size_t ncategories;
	size_t nquestions;		/* resampled */
	size_t nrecords;
	size_t unparsed;
	size_t uncategorised;		/* ratings of questions without one */
	char *judge;			/* the judge of the records */
	long num_rounds;
	uint64_t seed;
};

struct gradeboard;

/* A new board; judge (may be NULL) keeps only the records of that judge. */
struct gradeboard *gradeboard_new(const char *judge);
void gradeboard_free(struct gradeboard *gb);	/* NULL-safe */

/* True when rec looks like a single-grading record (a "turn" and no
 * "games" or "winner"). */
int gradeboard_is_record(const json_t *rec);

/*
 * Add a FastChat single-grading record {question_id, model, judge:
 * [judge, prompt], ..., score, turn} (rec borrowed) read at file:line.  A
 * later record of the same (question, model, turn) replaces an earlier
 * one (counted in *replaced).  Returns 0, or -1 with d set (EX_DATAERR):
 * a malformed record, or one of another judge when no judge was named.
 */
int gradeboard_add(struct gradeboard *gb, const json_t *rec,
    const char *file, long line, struct diag *d);

/* Records replaced by a later one, and skipped as another judge's. */
size_t gradeboard_replaced(const struct gradeboard *gb);
size_t gradeboard_other_judges(const struct gradeboard *gb);

/* Name the category of question id (an integer id by its decimal text). */
void gradeboard_category(struct gradeboard *gb, const char *id, size_t len,
    const char *category);

/*
 * Compute the board into res (zeroed first).  Returns 0, or -1 with d set
 * when there is no record.  Release res with gradeboard_result_release.
 */
int gradeboard_compute(struct gradeboard *gb,
    const struct gradeboard_opts *o, struct gradeboard_result *res,
    struct diag *d);
void gradeboard_result_release(struct gradeboard_result *res);

#endif
