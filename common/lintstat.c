/* lintstat.c: recompute published boards with show-result's statistics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonl.h"
#include "lintstat.h"
#include "rng.h"
#include "strmap.h"

enum lb_board
lintstat_board_of(const struct boardcsv *b)
{
	int i;

	for (i = 0; i < LB_NBOARDS; i++)
		if (strcmp(b->board, lb_board_name(i)) == 0)
			return (enum lb_board)i;
	return LB_NO_CONTROL;
}

int
lintstat_settings_read(const char *path, struct lintstat_opts *o,
    struct diag *d)
{
	const json_t *boards, *b, *v;
	const char *name;
	json_error_t err;
	json_t *root;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
	fclose(f);
	boards = json_object_get(root, "boards");
	b = NULL;
	if (json_is_object(boards))
		json_object_foreach((json_t *)boards, name, v)
			if (b == NULL && json_is_object(v))
				b = v;
	if (b == NULL || !json_is_string(json_object_get(b, "bootstrap")) ||
	    !json_is_integer(json_object_get(b, "num_rounds")) ||
	    !json_is_integer(json_object_get(b, "seed")) ||
	    !json_is_integer(json_object_get(b, "weight"))) {
		json_decref(root);
		return diag_set(d, EX_DATAERR, path, root == NULL ? err.line :
		    0, "%s", root == NULL ? err.text : "no \"boards\" "
		    "object with bootstrap, num_rounds, seed and weight");
	}
	o->lb.unit = strcmp(json_string_value(json_object_get(b,
	    "bootstrap")), "battle") == 0 ? LB_BATTLE : LB_QUESTION;
	o->lb.num_rounds = (long)json_integer_value(json_object_get(b,
	    "num_rounds"));
	o->lb.seed = (uint64_t)json_integer_value(json_object_get(b, "seed"));
	o->weight = (int)json_integer_value(json_object_get(b, "weight"));
	o->first_game_only = json_is_true(json_object_get(b,
	    "first_game_only"));
	v = json_object_get(b, "rng");
	o->lb.reference_compat = json_is_string(v) &&
	    strcmp(json_string_value(v), "numpy-legacy") == 0;
	o->trust = LINTSTAT_EXACT;
	json_decref(root);
	return 1;
}

/* The judgment records of the board's judge as show-result reads them. */
static struct battle_set *
build_battles(const struct boardsrc *src, const struct lintstat_opts *o,
    struct diag *d)
{
	struct battle_opts bo;
	struct battle_set *bs;
	uint32_t judge = BOARDSRC_NONE, *fid;
	size_t i, g;

	memset(&bo, 0, sizeof(bo));
	bo.baseline = o->baseline;
	bo.weight = o->weight;
	bo.first_game_only = o->first_game_only;
	bo.judge = o->judge;
	if (o->judge != NULL &&
	    (judge = boardsrc_find(&src->judges, o->judge)) == BOARDSRC_NONE) {
		diag_set(d, EX_DATAERR, NULL, 0, "no judgment by '%s'",
		    o->judge);
		return NULL;
	}
	bs = battles_new(&bo);
	fid = xcalloc(src->files.n + 1, sizeof(*fid));
	for (i = 0; i < src->files.n; i++)
		fid[i] = battles_add_file(bs, src->files.v[i]);
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];
		json_t *rec, *games;
		int rc;

		if (o->judge != NULL && j->judge != judge)
			continue;
		rec = json_object();
		games = json_array();
		json_object_set_new(rec, "question_id",
		    json_string(src->questions.v[j->question]));
		json_object_set_new(rec, "model",
		    json_string(src->models.v[j->model]));
		if (j->judge != BOARDSRC_NONE)
			json_object_set_new(rec, "judge",
			    json_string(src->judges.v[j->judge]));
		if (j->baseline != BOARDSRC_NONE)
			json_object_set_new(rec, "baseline",
			    json_string(src->models.v[j->baseline]));
		for (g = 0; g < j->ngames && g < 2; g++) {
			const char *l = boardsrc_label_name(j->label[g]);

			json_array_append_new(games, json_pack("{s:s?}",
			    "score", l != NULL ? l : j->label[g] ==
			    BOARDSRC_OTHER ? "?" : NULL));
		}
		json_object_set_new(rec, "games", games);
		rc = battles_add(bs, rec, fid[j->file], j->line, d);
		json_decref(rec);
		if (rc == -1)
			break;
	}
	free(fid);
	if (d->code != 0 || battles_finish(bs, d) == -1) {
		battles_free(bs);
		return NULL;
	}
	return bs;
}

/* "bootstrap battle, 100 rounds, seed 42, ..." and where it comes from. */
static void
settings_text(struct buf *b, const struct lintstat_opts *o)
{
	const struct lb_opts *lb = &o->lb;

	buf_printf(b, "bootstrap %s, %ld rounds, seed %llu, weight %d%s%s",
	    lb->unit == LB_BATTLE ? "battle" : "question", lb->num_rounds,
	    (unsigned long long)lb->seed, o->weight,
	    lb->reference_compat ? ", numpy stream in file order" : "",
	    o->first_game_only ? ", first game only" : "");
	buf_printf(b, "; %s%s", o->trust == LINTSTAT_ASSUMED ? "assumed: " :
	    "", o->source);
}

/* The tolerances of one board. */
struct tol {
	double score, bound, elo;
};

static struct tol
tolerance(const struct lintstat_opts *o, enum lb_board board)
{
	struct tol t;

	if (o->trust == LINTSTAT_EXACT) {
		t.score = t.bound = LINTSTAT_EXACT_POINTS;
		t.elo = LINTSTAT_EXACT_ELO;
	} else {
		t.score = board == LB_NO_CONTROL ? LINTSTAT_UPSTREAM_SCORE :
		    LINTSTAT_UPSTREAM_CONTROL;
		t.bound = LINTSTAT_UPSTREAM_BOUND;
		t.elo = LINTSTAT_UPSTREAM_ELO;
	}
	return t;
}

/* The chance differences of one board, summed up in one warning. */
struct chance {
	size_t models;
	double max;		/* largest bound difference, points */
};

struct cmp {
	const struct boardcsv *b;
	size_t row;
	const struct lb_model *m;
	const struct lintstat_opts *o;
	const char *settings;
	struct lint_report *r;
};

static double
cell(const struct cmp *c, const char *name, int *ok)
{
	double v;

	*ok = boardcsv_number(boardcsv_cell(c->b, c->row,
	    boardcsv_col(c->b, name)), &v) == 0;
	return *ok ? v : 0;
}

/* A mismatched finding; digits: decimals to print the values with. */
static void
mismatch(const struct cmp *c, const char *what, double pub, double ours,
    double tol, int digits)
{
	char name[1024];

	snprintf(name, sizeof(name), "%s/%s", c->b->board, c->m->name);
	lint_add(c->r, LINT_MISMATCHED, LINT_ERROR, "score", name,
	    c->b->path, c->b->rows[c->row].line, "%s of model '%s' on %s: "
	    "published %.*f, recomputed %.*f from the records (tolerance %g; "
	    "%s)", what, c->m->name, c->b->board, digits, pub, digits, ours,
	    tol, c->settings);
}

/*
 * Whether a published bound at distance pub from its score could come
 * from other bootstrap settings than a recomputed one at distance ours.
 */
static int
by_chance(double pub, double ours)
{
	return pub <= LINTSTAT_CHANCE * ours + 0.1 &&
	    pub >= ours / LINTSTAT_CHANCE - 0.1;
}

/* Compare one row; bound differences that chance explains go to ch. */
static void
compare_row(const struct cmp *c, enum lb_board board,
    const struct answer_set *ans, struct chance *ch)
{
	static const char *const bounds[2] = { "rating_q025", "rating_q975" };
	static const char *const ebounds[2] = {
		"elo_rating_q025", "elo_rating_q975"
	};
	struct tol t = tolerance(c->o, board);
	double v, ours, worst = 0;
	int ok, k, found, chancy = 0;

	double pub_score;

	v = cell(c, "score", &ok);
	pub_score = ok ? v : c->m->score;
	if (ok && fabs(v - c->m->score) > t.score + 1e-9)
		mismatch(c, "score", v, c->m->score, t.score, 2);
	v = cell(c, "elo_score", &ok);
	if (ok && fabs(v - c->m->elo) > t.elo + 1e-9)
		mismatch(c, "elo_score", v, c->m->elo, t.elo, 2);
	for (k = 0; k < 2; k++) {
		ours = k == 0 ? c->m->q025 : c->m->q975;
		v = cell(c, bounds[k], &ok);
		if (ok && fabs(v - ours) > t.bound + 1e-9) {
			if (c->o->trust != LINTSTAT_ASSUMED ||
			    !by_chance(fabs(v - pub_score),
			    fabs(ours - c->m->score)))
				mismatch(c, bounds[k], v, ours, t.bound, 2);
			else {
				chancy = 1;
				if (fabs(v - ours) > worst)
					worst = fabs(v - ours);
			}
		}
		ours = k == 0 ? c->m->elo_q025 : c->m->elo_q975;
		v = cell(c, ebounds[k], &ok);
		if (ok && fabs(v - ours) > t.elo + 1e-9) {
			if (c->o->trust != LINTSTAT_ASSUMED)
				mismatch(c, ebounds[k], v, ours, t.elo, 2);
			else
				chancy = 1;
		}
	}
	v = cell(c, "avg_tokens", &ok);
	if (ok && ans != NULL && answerscan_avg_tokens(ans, c->m->name,
	    &found) >= 0 && found && v != (double)c->m->avg_tokens)
		mismatch(c, "avg_tokens", v, (double)c->m->avg_tokens, 0, 0);
	if (chancy) {
		ch->models++;
		if (worst > ch->max)
			ch->max = worst;
	}
}

static void
compare_board(const struct boardcsv *b, const struct lb_result *res,
    const struct answer_set *ans, const struct lintstat_opts *o,
    const char *settings, struct lint_report *r)
{
	struct strmap idx = { 0 };
	struct chance ch = { 0, 0 };
	int mc = boardcsv_col(b, "model");
	size_t i, k;

	for (i = 0; i < res->nmodels; i++)
		strmap_put(&idx, res->models[i].name,
		    strlen(res->models[i].name), i);
	for (i = 0; i < b->nrows; i++) {
		const char *m = boardcsv_cell(b, i, mc);
		struct cmp c;

		if (m == NULL || (k = strmap_get(&idx, m, strlen(m))) ==
		    STRMAP_NONE)
			continue;	/* lintpub says who is missing */
		c.b = b;
		c.row = i;
		c.m = &res->models[k];
		c.o = o;
		c.settings = settings;
		c.r = r;
		compare_row(&c, res->board, ans, &ch);
	}
	strmap_release(&idx);
	if (ch.models > 0)
		lint_add(r, LINT_MISMATCHED, LINT_WARNING, "board", b->board,
		    b->path, 0, "the intervals of %zu models differ from a "
		    "recomputation by up to %.2f points (%s): another random "
		    "stream, resampling unit, round count or file order moves "
		    "them that much; give the board's settings (--bootstrap, "
		    "--num-rounds, --seed, --reference-compat) to check them "
		    "exactly", ch.models, ch.max, settings);
}

/* Say why a board was not recomputed. */
static void
not_recomputed(struct lint_report *r, const struct boardcsv *b,
    const char *why, const struct lb_result *res)
{
	struct buf list;
	size_t i;

	buf_init(&list);
	for (i = 0; res != NULL && i < res->nerrs && i < 3; i++)
		buf_printf(&list, "%s%s", i ? "; " : ": ", res->errs[i].msg);
	if (res != NULL && res->nerrs > 3)
		buf_printf(&list, "; and %zu more", res->nerrs - 3);
	lint_add(r, LINT_MISSING, LINT_WARNING, "board", b->board, b->path, 0,
	    "board '%s' is not recomputed: %s%s", b->board, why, list.p);
	buf_release(&list);
}

/*
 * Compute board b.  When answers lack the metadata a control board needs,
 * the publisher either kept those models (then the board cannot be
 * recomputed: said at once, before any work) or left them out, as
 * show-result --allow-missing-metadata does: then so do we.
 */
static int
compute(const struct battle_set *bs, const struct answer_set *ans, int b,
    const struct lb_opts *o, const struct boardcsv *pub,
    struct lb_result *res, struct diag *d)
{
	struct lb_opts lenient = *o;
	struct buf list;
	size_t i, n = 0;
	int mc;

	/* A control board that shows models without answers: no way. */
	if (b != LB_NO_CONTROL && pub != NULL && ans != NULL) {
		mc = boardcsv_col(pub, "model");
		buf_init(&list);
		for (i = 0; i < pub->nrows; i++) {
			const char *m = boardcsv_cell(pub, i, mc);

			if (m == NULL || answerscan_has_model(ans, m))
				continue;
			if (n++ < 3)
				buf_printf(&list, "%s'%s'", n > 1 ? ", " : "",
				    m);
		}
		if (n > 0) {
			diag_set(d, EX_DATAERR, pub->path, 0, "%zu of its "
			    "models %s no answers to take the style metadata "
			    "from (%s%s)", n, n == 1 ? "has" : "have", list.p,
			    n > 3 ? ", ..." : "");
			buf_release(&list);
			return -1;
		}
		buf_release(&list);
	}
	if (lb_compute(bs, ans, b, o, res, d) == 0)
		return 0;
	if (res->nerrs == 0 || pub == NULL || ans == NULL)
		return -1;
	lb_result_release(res);
	memset(res, 0, sizeof(*res));
	diag_clear(d);
	lenient.allow_missing_metadata = 1;
	return lb_compute(bs, ans, b, &lenient, res, d);
}

void
lintstat_check(const struct boardsrc *src, const struct boardcsv *pubs,
    size_t n, const struct lintstat_opts *o, struct lint_report *r)
{
	const struct answer_set *ans = src->answer_set != NULL &&
	    src->answer_err.code == 0 ? src->answer_set : NULL;
	const struct boardcsv *want[LB_NBOARDS];
	struct battle_set *bs;
	struct lintstat_opts lo = *o;
	struct rng_mt mt;
	struct buf settings;
	struct diag d;
	int b, stopped = 0;
	size_t i;

	memset(want, 0, sizeof(want));
	for (i = 0; i < n; i++)
		want[lintstat_board_of(&pubs[i])] = &pubs[i];
	if (n == 0)
		return;
	diag_clear(&d);
	if (o->baseline == NULL) {
		for (i = 0; i < n; i++)
			not_recomputed(r, &pubs[i], "no baseline is known "
			    "(give --baseline or a judge config)", NULL);
		return;
	}
	if ((bs = build_battles(src, o, &d)) == NULL) {
		for (i = 0; i < n; i++)
			not_recomputed(r, &pubs[i], d.msg, NULL);
		return;
	}
	if (o->lb.reference_compat) {
		rng_mt_seed(&mt, (uint32_t)o->lb.seed);
		lo.lb.mt = &mt;
	}
	buf_init(&settings);
	settings_text(&settings, o);
	for (b = 0; b < LB_NBOARDS; b++) {
		struct lb_result res;
		int last = 1, k;

		for (k = b + 1; k < LB_NBOARDS; k++)
			last &= want[k] == NULL;
		if (want[b] == NULL && (!o->lb.reference_compat || last))
			continue;
		memset(&res, 0, sizeof(res));
		diag_clear(&d);
		if (stopped) {
			if (want[b] != NULL)
				not_recomputed(r, want[b], "it shares one "
				    "random stream with an earlier board that "
				    "was not", NULL);
		} else if (b != LB_NO_CONTROL && ans == NULL) {
			if (want[b] != NULL)
				not_recomputed(r, want[b], src->answer_err.code
				    ? src->answer_err.msg : "no answers "
				    "(--answers) to take the style metadata "
				    "from", NULL);
			stopped = o->lb.reference_compat;
		} else if (compute(bs, ans, b, &lo.lb, want[b], &res,
		    &d) == -1) {
			if (want[b] != NULL)
				not_recomputed(r, want[b], res.nerrs > 0 ?
				    "answer metadata it needs is missing" :
				    d.msg, &res);
			stopped = o->lb.reference_compat;
		} else if (want[b] != NULL)
			compare_board(want[b], &res, ans, o, settings.p, r);
		lb_result_release(&res);
	}
	buf_release(&settings);
	battles_free(bs);
}
