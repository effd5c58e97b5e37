/* statfmt.c: JSON and CSV of matrices, categories, judge diagnostics. */
#include <math.h>
#include <string.h>

#include "boardfmt.h"
#include "jsonw.h"
#include "statfmt.h"

static json_t *
names(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
statfmt_matrix(const struct matrix *mx, const char *board, int digits)
{
	json_t *p = json_array(), *o = json_array(), *g = json_array();
	size_t i, j, n = mx->n;

	for (i = 0; i < n; i++) {
		json_t *pr = json_array(), *or = json_array();
		json_t *gr = json_array();

		for (j = 0; j < n; j++) {
			json_array_append_new(pr, jsonw_real(mx->predicted[i * n + j],
			    digits));
			json_array_append_new(or, jsonw_real(mx->observed[i * n + j],
			    digits));
			json_array_append_new(gr, json_integer(
			    (json_int_t)mx->games[i * n + j]));
		}
		json_array_append_new(p, pr);
		json_array_append_new(o, or);
		json_array_append_new(g, gr);
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "type",
	    "matrix", "board", board, "models", names(mx->models, n),
	    "predicted", p, "observed", o, "games", g, "star", mx->star);
}

json_t *
statfmt_categories(const struct category_scores *cs, int digits)
{
	json_t *q = json_array(), *s = json_array(), *g = json_array();
	size_t m, c;

	for (c = 0; c < cs->ncat; c++)
		json_array_append_new(q, json_integer(
		    (json_int_t)cs->questions[c]));
	for (m = 0; m < cs->nmodels; m++) {
		json_t *sr = json_array(), *gr = json_array();

		for (c = 0; c < cs->ncat; c++) {
			json_array_append_new(sr, jsonw_real(cs->score[m * cs->ncat +
			    c], digits < 0 ? -1 : 2));
			json_array_append_new(gr, json_integer((json_int_t)
			    cs->games[m * cs->ncat + c]));
		}
		json_array_append_new(s, sr);
		json_array_append_new(g, gr);
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "type",
	    "categories", "key", cs->key, "categories",
	    names((const char *const *)cs->names, cs->ncat), "questions", q,
	    "models", names(cs->models, cs->nmodels), "score", s, "games", g);
}

static const char *bin_names[JUDGEDIAG_NBINS] = {
	"<1/2", "1/2-4/5", "4/5-5/4", "5/4-2", ">2"
};

static json_t *
label_counts(const unsigned long long *v)
{
	json_t *o = json_object();
	int l;

	for (l = 0; l < VERDICTS_NLABELS; l++)
		json_object_set_new(o, verdicts_label_name(l),
		    json_integer((json_int_t)v[l]));
	json_object_set_new(o, "none", json_integer((json_int_t)
	    v[VERDICTS_NLABELS]));
	return o;
}

static json_t *
judge_json(const struct judgediag_judge *J, int digits)
{
	static const char *views[VERDICTS_NLABELS] = {
		"much_worse", "worse", "tie", "better", "much_better"
	};
	json_t *view = json_object(), *bins = json_array();
	int i;

	for (i = 0; i < VERDICTS_NLABELS; i++)
		json_object_set_new(view, views[i],
		    json_integer((json_int_t)J->view[i]));
	for (i = 0; i < JUDGEDIAG_NBINS; i++)
		json_array_append_new(bins, json_pack("{s:s, s:I, s:o}",
		    "ratio", bin_names[i], "games",
		    (json_int_t)J->bin_games[i], "win",
		    jsonw_real(J->bin_win[i], digits)));
	return json_pack("{s:s, s:s, s:{s:o, s:o}, s:o, s:I, s:o, s:I, s:o, "
	    "s:o, s:I, s:o, s:{s:I, s:o, s:o}}",
	    "type", "judge", "judge", J->name,
	    "labels", "game1", label_counts(J->labels[0]), "game2",
	    label_counts(J->labels[1]),
	    "view", view, "games", (json_int_t)J->games,
	    "tie_rate", jsonw_real(J->tie_rate, digits),
	    "pairs", (json_int_t)J->pairs,
	    "position_consistency", jsonw_real(J->consistent, digits),
	    "direction_consistency", jsonw_real(J->consistent_dir, digits),
	    "decisive", (json_int_t)J->decisive,
	    "first_position_wins", jsonw_real(J->first_wins, digits),
	    "length", "games", (json_int_t)J->len_games, "corr",
	    jsonw_real(J->len_corr, digits), "bins", bins);
}

void
statfmt_judges(json_t *arr, const struct judgediag *jd, int digits)
{
	size_t i;
	int a, b;

	for (i = 0; i < jd->njudges; i++)
		json_array_append_new(arr, judge_json(&jd->judges[i],
		    digits));
	for (i = 0; i < jd->npairs; i++) {
		const struct judgediag_pair *P = &jd->pairs[i];
		json_t *t = json_array();

		for (a = 0; a < VERDICTS_NLABELS; a++) {
			json_t *row = json_array();

			for (b = 0; b < VERDICTS_NLABELS; b++)
				json_array_append_new(row, json_integer(
				    (json_int_t)P->table[a * VERDICTS_NLABELS +
				    b]));
			json_array_append_new(t, row);
		}
		json_array_append_new(arr, json_pack("{s:s, s:[ss], s:I, s:o, "
		    "s:o, s:o, s:o, s:o}", "type", "judge_pair", "judges",
		    jd->judges[P->a].name, jd->judges[P->b].name, "games",
		    (json_int_t)P->games, "agreement", jsonw_real(P->agreement,
		    digits), "kappa", jsonw_real(P->kappa, digits), "kappa_linear",
		    jsonw_real(P->kappa_linear, digits), "kappa_quadratic",
		    jsonw_real(P->kappa_quadratic, digits), "table", t));
	}
	for (i = 0; i < jd->nself; i++) {
		const struct judgediag_self *S = &jd->self[i];

		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:o, "
		    "s:o, s:o, s:o}", "type", "self_preference", "judge",
		    jd->judges[S->judge].name, "games", (json_int_t)S->games,
		    "own", jsonw_real(S->own, digits), "others", jsonw_real(S->others,
		    digits), "leniency", jsonw_real(S->leniency, digits), "excess",
		    jsonw_real(S->excess, digits)));
	}
}

/* A number as Python repr, empty when not finite. */
static void
csv_num(struct buf *out, double x)
{
	if (isfinite(x))
		jsonw_double(out, x);
}

void
statfmt_predicted_csv(struct buf *out, const struct matrix *mx)
{
	size_t i, j, n = mx->n;

	buf_adds(out, "model");
	for (j = 0; j < n; j++) {
		buf_addc(out, ',');
		boardfmt_csv_field(out, mx->models[j]);
	}
	buf_addc(out, '\n');
	for (i = 0; i < n; i++) {
		boardfmt_csv_field(out, mx->models[i]);
		for (j = 0; j < n; j++) {
			buf_addc(out, ',');
			csv_num(out, mx->predicted[i * n + j]);
		}
		buf_addc(out, '\n');
	}
}

void
statfmt_observed_csv(struct buf *out, const struct matrix *mx)
{
	size_t i, j, n = mx->n;

	buf_adds(out, "model_a,model_b,games,win_fraction\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (mx->games[i * n + j] == 0)
				continue;
			boardfmt_csv_field(out, mx->models[i]);
			buf_addc(out, ',');
			boardfmt_csv_field(out, mx->models[j]);
			buf_printf(out, ",%llu,", mx->games[i * n + j]);
			csv_num(out, mx->observed[i * n + j]);
			buf_addc(out, '\n');
		}
}

void
statfmt_categories_csv(struct buf *out, const struct category_scores *cs)
{
	size_t m, c;

	buf_adds(out, "model,category,questions,games,score\n");
	for (m = 0; m < cs->nmodels; m++)
		for (c = 0; c < cs->ncat; c++) {
			boardfmt_csv_field(out, cs->models[m]);
			buf_addc(out, ',');
			boardfmt_csv_field(out, cs->names[c]);
			buf_printf(out, ",%zu,%llu,", cs->questions[c],
			    cs->games[m * cs->ncat + c]);
			csv_num(out, jsonw_round(cs->score[m * cs->ncat + c],
			    2));
			buf_addc(out, '\n');
		}
}

void
statfmt_judges_csv(struct buf *out, const struct judgediag *jd)
{
	size_t i;
	int l, g;

	buf_adds(out, "judge,games,tie_rate,position_consistency,"
	    "direction_consistency,first_position_wins,length_games,"
	    "length_corr");
	for (g = 1; g <= 2; g++) {
		for (l = 0; l < VERDICTS_NLABELS; l++)
			buf_printf(out, ",game%d %s", g,
			    verdicts_label_name(l));
		buf_printf(out, ",game%d none", g);
	}
	buf_addc(out, '\n');
	for (i = 0; i < jd->njudges; i++) {
		const struct judgediag_judge *J = &jd->judges[i];

		boardfmt_csv_field(out, J->name);
		buf_printf(out, ",%llu,", J->games);
		csv_num(out, J->tie_rate);
		buf_addc(out, ',');
		csv_num(out, J->consistent);
		buf_addc(out, ',');
		csv_num(out, J->consistent_dir);
		buf_addc(out, ',');
		csv_num(out, J->first_wins);
		buf_printf(out, ",%llu,", J->len_games);
		csv_num(out, J->len_corr);
		for (g = 0; g < 2; g++)
			for (l = 0; l <= VERDICTS_NLABELS; l++)
				buf_printf(out, ",%llu", J->labels[g][l]);
		buf_addc(out, '\n');
	}
}

void
statfmt_judge_pairs_csv(struct buf *out, const struct judgediag *jd)
{
	size_t i;

	buf_adds(out, "judge_a,judge_b,games,agreement,kappa,kappa_linear,"
	    "kappa_quadratic\n");
	for (i = 0; i < jd->npairs; i++) {
		const struct judgediag_pair *P = &jd->pairs[i];

		boardfmt_csv_field(out, jd->judges[P->a].name);
		buf_addc(out, ',');
		boardfmt_csv_field(out, jd->judges[P->b].name);
		buf_printf(out, ",%llu,", P->games);
		csv_num(out, P->agreement);
		buf_addc(out, ',');
		csv_num(out, P->kappa);
		buf_addc(out, ',');
		csv_num(out, P->kappa_linear);
		buf_addc(out, ',');
		csv_num(out, P->kappa_quadratic);
		buf_addc(out, '\n');
	}
}
