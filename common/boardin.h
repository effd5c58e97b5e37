/* boardin.h: show-result's records, each routed to the board it feeds. */
#ifndef JUDGEPIPE_BOARDIN_H
#define JUDGEPIPE_BOARDIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "battles.h"
#include "diag.h"
#include "gradeboard.h"
#include "v2board.h"

/*
 * The records of show-result's inputs make one kind of board:
 *	battles		pairwise judgments (against a baseline, of every pair,
 *			v2's per category) and votes: Bradley-Terry boards, a
 *			set per v2 category (battles.h's battle_groups);
 *	single		single-grading records: the MT-Bench table
 *			(gradeboard.h);
 *	v2		pairwise judgments scored as v2.0 scores them, when
 *			asked (v2board.h).
 * Records of two kinds in one input are an error: their boards do not
 * mix.
 */

enum boardin_kind {
	BOARDIN_NONE,		/* no record yet */
	BOARDIN_BATTLES,
	BOARDIN_SINGLE,
	BOARDIN_V2,
};

struct boardin_opts {
	struct battle_opts battles;	/* also --baseline, --judge, --weight
					   of v2 scoring */
	int v2_scoring;			/* --scoring v2 */
};

struct boardin {
	enum boardin_kind kind;
	struct battle_groups groups;	/* BOARDIN_BATTLES */
	struct gradeboard *grades;	/* BOARDIN_SINGLE */
	struct v2board *v2;		/* BOARDIN_V2 */
	int mixed;			/* a record of another kind came */
	/* Private: the first record, for the mixed-modes message. */
	char **files;
	size_t nfiles;
	uint32_t first_file;
	long first_line;
};

/* o (and its strings) must outlive bi. */
void boardin_init(struct boardin *bi, const struct boardin_opts *o);
void boardin_release(struct boardin *bi);

/* Register an input operand; returns its index for boardin_add. */
uint32_t boardin_add_file(struct boardin *bi, const char *name);

/*
 * Route rec (borrowed) read at file:line.  Returns 0, or -1 with d set
 * (EX_DATAERR): a bad record, or one of another kind than the records
 * before it.
 */
int boardin_add(struct boardin *bi, const json_t *rec, uint32_t file,
    long line, struct diag *d);

/* What a record is: BOARDIN_SINGLE, else BOARDIN_BATTLES. */
enum boardin_kind boardin_kind_of(const json_t *rec);

#endif
