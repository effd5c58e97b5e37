/* report.h: the report page: boards, matrices, categories, judges. */
#ifndef JUDGEPIPE_REPORT_H
#define JUDGEPIPE_REPORT_H

#include <stddef.h>
#include <jansson.h>

#include "battles.h"
#include "buf.h"
#include "category.h"
#include "diag.h"
#include "judgediag.h"
#include "leaderboard.h"
#include "matrix.h"

/*
 * One self-contained HTML page (common/web/report.html with its styles
 * and scripts inlined; it requests nothing), whose numbers reach the
 * page's script as one JSON block (report_data).  Everything below is
 * borrowed; NULL or 0 leaves a part out.
 */

/* An input file and the hex prefix of its SHA-256 (or "" for stdin). */
struct report_file {
	const char *name;
	char sha256[13];
};

struct report {
	const struct lb_result *boards;	/* computed boards, in order */
	size_t nboards;
	const struct lb_opts *lo;
	const struct battle_set *bs;
	const struct matrix *matrices;	/* one per board */
	const struct category_scores *categories;
	const struct judgediag *diag;
	int diag_from_board;		/* diag of the board's own records */
	const char *const *judges;	/* names to mark as judges */
	size_t njudges;
	const json_t *browse;		/* browse_build's index */
	const struct report_file *inputs;
	size_t ninputs;
	const char *date;		/* the board date */
	const char *generated;		/* when, ISO 8601 UTC */
	const char *lang;		/* en, ko or zh */
	const char *title;
	int show_elo;
};

/*
 * The page's data, a new reference:
 *   {"version", "lang", "title", "baseline", "anchor_mean", "all_pairs"
 *    (judgments of all pairs, battles.h), "judges": [...],
 *    "show_elo", "boards": [{"name", "anchor", "coef": {...} | null,
 *    "n_battles", "rounds_used", "rows": [[model, score, lo, hi, elo,
 *    elo_lo, elo_hi, avg_tokens, n_battles, rank_ci], ...]}],
 *    "matrices": [statfmt_matrix per board], "categories": ... | null,
 *    "judge_stats": [statfmt_judges] | null, "judge_stats_from_board",
 *    "browse": ... | null, "prov": {"date", "generated", "bootstrap",
 *    "rounds", "seed", "rng", "weight", "judgments", "votes",
 *    "questions", "inputs": [[name, sha256 prefix], ...]}}
 * Rows are in board order; non-finite numbers are null.
 */
json_t *report_data(const struct report *r);

/* Append the page to out.  Returns 0, or -1 with d set (EX_SOFTWARE). */
int report_html(struct buf *out, const struct report *r, struct diag *d);

#endif
