/* report.c: the report page's data and its HTML (see report.h). */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "page.h"
#include "report.h"
#include "statfmt.h"

static json_t *
board_json(const struct lb_result *b)
{
	json_t *rows = json_array(), *coef = json_null();
	int *rank = xcalloc(b->nmodels + 1, sizeof(int));
	size_t i;
	int e;

	lb_rank_ci(b, rank);
	for (i = 0; i < b->nmodels; i++) {
		const struct lb_model *m = &b->models[i];

		json_array_append_new(rows, json_pack("[s, o, o, o, o, o, o, "
		    "I, I, i]", m->name, jsonw_real(m->score, 2), jsonw_real(m->q025, 2),
		    jsonw_real(m->q975, 2), jsonw_real(m->elo, 1), jsonw_real(m->elo_q025, 1),
		    jsonw_real(m->elo_q975, 1), (json_int_t)m->avg_tokens,
		    (json_int_t)m->n_battles, rank[i]));
	}
	free(rank);
	if (b->k > 0) {
		coef = json_object();
		for (e = 0; e < b->k; e++)
			json_object_set_new(coef, b->coef_names[e],
			    jsonw_real(b->coef[e], 3));
	}
	return json_pack("{s:s, s:f, s:o, s:I, s:I, s:o}", "name",
	    lb_board_name(b->board), "anchor", b->anchor, "coef", coef,
	    "n_battles", (json_int_t)b->n_battles, "rounds_used",
	    (json_int_t)b->rounds_used, "rows", rows);
}

static json_t *
prov_json(const struct report *r)
{
	json_t *inputs = json_array();
	size_t i;

	for (i = 0; i < r->ninputs; i++)
		json_array_append_new(inputs, json_pack("[ss]",
		    r->inputs[i].name, r->inputs[i].sha256));
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:i, s:b, s:I, "
	    "s:I, s:I, s:o}",
	    "date", r->date, "generated", r->generated ? r->generated : "",
	    "bootstrap", r->lo->unit == LB_BATTLE ? "battle" : "question",
	    "rounds", (json_int_t)r->lo->num_rounds,
	    "seed", (json_int_t)r->lo->seed,
	    "rng", r->lo->mt != NULL ? "numpy-legacy" : "xoshiro256**",
	    "weight", r->lo->weight, "first_game_only",
	    r->lo->first_game_only,
	    "judgments", (json_int_t)r->bs->njudgments,
	    "votes", (json_int_t)r->bs->nvotes,
	    "questions", (json_int_t)r->bs->nquestions,
	    "inputs", inputs);
}

json_t *
report_data(const struct report *r)
{
	json_t *d = json_object(), *boards = json_array();
	json_t *mats = json_array(), *judges = json_array();
	size_t i;

	for (i = 0; i < r->nboards; i++) {
		json_array_append_new(boards, board_json(&r->boards[i]));
		if (r->matrices != NULL)
			json_array_append_new(mats, statfmt_matrix(
			    &r->matrices[i], lb_board_name(r->boards[i].board),
			    4));
	}
	for (i = 0; i < r->njudges; i++)
		json_array_append_new(judges, json_string(r->judges[i]));
	json_object_set_new(d, "version", json_string(JUDGEPIPE_VERSION));
	json_object_set_new(d, "lang", json_string(r->lang));
	json_object_set_new(d, "title", json_string(r->title));
	json_object_set_new(d, "baseline", json_string(r->bs->baseline));
	json_object_set_new(d, "anchor_mean", json_boolean(r->bs->anchor_mean));
	json_object_set_new(d, "all_pairs", json_boolean(r->bs->all_pairs));
	json_object_set_new(d, "judges", judges);
	json_object_set_new(d, "show_elo", json_boolean(r->show_elo));
	json_object_set_new(d, "boards", boards);
	json_object_set_new(d, "matrices", mats);
	json_object_set_new(d, "categories", r->categories != NULL &&
	    r->categories->ncat > 0 ? statfmt_categories(r->categories, 2) :
	    json_null());
	if (r->diag != NULL && r->diag->njudges > 0) {
		json_t *a = json_array();

		statfmt_judges(a, r->diag, 4);
		json_object_set_new(d, "judge_stats", a);
	} else
		json_object_set_new(d, "judge_stats", json_null());
	json_object_set_new(d, "judge_stats_from_board",
	    json_boolean(r->diag_from_board));
	json_object_set_new(d, "browse", r->browse != NULL ?
	    json_deep_copy(r->browse) : json_null());
	json_object_set_new(d, "prov", prov_json(r));
	return d;
}

int
report_html(struct buf *out, const struct report *r, struct diag *d)
{
	json_t *data = report_data(r);
	struct buf js;
	int rc;

	buf_init(&js);
	jsonw_dump(&js, data, JSONW_COMPACT);
	json_decref(data);
	{
		struct page_value v[] = {
			{ "lang", r->lang, strlen(r->lang) },
			{ "title", r->title, strlen(r->title) },
			{ "data", js.p, js.len },
		};

		rc = page_render_asset(out, "report.html", v,
		    sizeof(v) / sizeof(v[0]), d);
	}
	buf_release(&js);
	return rc;
}
