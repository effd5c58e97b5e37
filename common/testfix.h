/*
 * testfix.h: what several unit tests share (the unit tests only; include
 * it after <cmocka.h>): a tolerance check and small boards and battle sets
 * built from literal records.
 */
#ifndef TESTFIX_H
#define TESTFIX_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "battles.h"
#include "diag.h"
#include "leaderboard.h"

/* Fail the test unless x is within tol of want. */
static inline void
assert_near(double x, double want, double tol)
{
	if (!(fabs(x - want) <= tol))
		fail_msg("%.17g differs from %.17g by more than %g", x, want,
		    tol);
}

/*
 * The battle set of n judgment or vote records (JSON texts) against
 * baseline (NULL for none), strong verdicts weighing 3, as if read from
 * "t.jsonl".  The caller frees it with battles_free.
 */
static inline struct battle_set *
testfix_battles(const char *baseline, const char *const *recs, size_t n)
{
	struct battle_opts o = { baseline, 3, 0, NULL, NULL, 0 };
	struct battle_set *bs = battles_new(&o);
	struct diag d;
	size_t i;

	battles_add_file(bs, "t.jsonl");
	for (i = 0; i < n; i++) {
		json_error_t err;
		json_t *j = json_loads(recs[i], 0, &err);

		assert_non_null(j);
		assert_int_equal(battles_add(bs, j, 0, (long)i + 1, &d), 0);
		json_decref(j);
	}
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

/*
 * *r: a board of the given names and Elos, in the order given (as
 * lb_compute would order them).  The caller frees it as a computed board.
 */
static inline void
testfix_board(struct lb_result *r, const char *const *names,
    const double *elo, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->models = calloc(n, sizeof(*r->models));
	r->nmodels = n;
	for (i = 0; i < n; i++) {
		r->models[i].name = strdup(names[i]);
		r->models[i].elo = elo[i];
	}
}

#endif
