/* lintstat.h: published scores against a recomputation from the records. */
#ifndef JUDGEPIPE_LINTSTAT_H
#define JUDGEPIPE_LINTSTAT_H

#include <stddef.h>

#include "boardcsv.h"
#include "boardsrc.h"
#include "leaderboard.h"
#include "lint.h"

/* How sure we are of the settings a board was computed with. */
enum lintstat_trust {
	LINTSTAT_ASSUMED,	/* unknown: the reference's are assumed */
	LINTSTAT_GIVEN,		/* given on the command line */
	LINTSTAT_EXACT,		/* judgepipe's own record of its run */
};

struct lintstat_opts {
	const char *baseline;
	const char *judge;		/* the board's judge, or NULL: all */
	int weight;			/* repetitions of a ">>" verdict */
	int first_game_only;
	struct lb_opts lb;		/* bootstrap unit, rounds, seed... */
	enum lintstat_trust trust;
	const char *source;		/* where the settings come from */
};

/*
 * Tolerances, in win-rate points and Elo points.  A board from judgepipe
 * with its own record of the settings must agree to the rounding of the
 * file (LINTSTAT_EXACT_*).  Any other board may come from upstream's
 * lbfgs fit, which lands up to 0.01 points from the exact optimum without
 * control and up to 0.05 with it; its bounds, replayed with the same
 * stream, agree to 0.05 (LINTSTAT_UPSTREAM_*).  Bounds computed with
 * assumed settings can differ by chance: another random stream or file
 * order moves a bound by up to about 1.5 points on 500 questions, and
 * resampling questions instead of battle rows widens an interval up to
 * about 3.3 times.  So a bound whose distance from its score is more than
 * LINTSTAT_CHANCE times the recomputed one, or less than its
 * LINTSTAT_CHANCE-th part (0.1 points of slack either way), is an error,
 * and any smaller difference beyond the tolerance a single warning for
 * the board.
 */
#define LINTSTAT_EXACT_POINTS	(0.005 + 1e-9)
#define LINTSTAT_EXACT_ELO	1e-6
#define LINTSTAT_UPSTREAM_SCORE	0.01
#define LINTSTAT_UPSTREAM_CONTROL 0.05
#define LINTSTAT_UPSTREAM_BOUND	0.05
#define LINTSTAT_UPSTREAM_ELO	0.5
#define LINTSTAT_CHANCE		4.0

/*
 * Recompute the boards of pubs[0..n) (each named by its file: no_control,
 * style_control, length_control or markdown_control; any other name is a
 * board without control) from the records of src with show-result's
 * statistics (leaderboard.h) and add a mismatched finding for every score,
 * bound, Elo value or avg_tokens that differs beyond the tolerance.  Every
 * message names the settings and whether they were assumed.  Boards that
 * cannot be recomputed (no baseline, answers or metadata missing) are
 * missing warnings.  The boards are computed in board order, so that with
 * --reference-compat one random stream serves them as it did upstream.
 */
void lintstat_check(const struct boardsrc *src, const struct boardcsv *pubs,
    size_t n, const struct lintstat_opts *o, struct lint_report *r);

/*
 * Read the settings a judgepipe release recorded (its provenance.json:
 * "boards": {name: {"bootstrap", "num_rounds", "seed", "rng", "weight",
 * "first_game_only"}}, as show-result --format json writes them) into o,
 * with trust LINTSTAT_EXACT.  Returns 1 when read, 0 when the file does
 * not exist, or -1 with d set (EX_DATAERR) when it has another shape.
 */
int lintstat_settings_read(const char *path, struct lintstat_opts *o,
    struct diag *d);

/* The board a published file holds. */
enum lb_board lintstat_board_of(const struct boardcsv *b);

#endif
