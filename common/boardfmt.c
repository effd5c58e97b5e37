/* boardfmt.c: a board as text: the console table, CSV and JSON lines. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boardfmt.h"
#include "jsonw.h"

/* Python's format(x, ".2f"): "nan", not glibc's "-nan". */
static void
fmt2(struct buf *b, double x)
{
	if (isnan(x))
		buf_adds(b, "nan");
	else
		buf_printf(b, "%.2f", x);
}

static void
ci_string(struct buf *b, double score, double lo, double hi)
{
	buf_adds(b, "(-");
	fmt2(b, score - lo);
	buf_adds(b, ", +");
	fmt2(b, hi - score);
	buf_adds(b, ")");
}

/* Append s padded to width w (code points) as Python's {:<w} / {:^w}. */
static void
pad(struct buf *b, const char *s, size_t w, int center)
{
	size_t n = 0, i, left = 0, right = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	if (n < w) {
		left = center ? (w - n) / 2 : 0;
		right = w - n - left;
	}
	for (i = 0; i < left; i++)
		buf_addc(b, ' ');
	buf_adds(b, s);
	for (i = 0; i < right; i++)
		buf_addc(b, ' ');
}

static void
repr_round1(struct buf *b, double x)
{
	jsonw_double(b, jsonw_round(x, 1));
}

/* Python int(x) of an Elo, as text ("inf" where Python would fail). */
static void
elo_int(struct buf *b, double x)
{
	if (isfinite(x))
		buf_printf(b, "%lld", (long long)x);
	else
		jsonw_double(b, x);
}

static void
elo_diff(struct buf *b, double x, double base)
{
	if (isfinite(x) && isfinite(base))
		buf_printf(b, "%lld", (long long)x - (long long)base);
	else
		jsonw_double(b, x - base);
}

void
boardfmt_table(struct buf *out, const struct lb_result *r, int show_elo,
    int heading)
{
	size_t i;
	int e;

	if (heading)
		buf_printf(out, "# %s\n", lb_board_name(r->board));
	if (r->k > 0) {
		buf_adds(out, "Style Coefficients: {");
		for (e = 0; e < r->k; e++) {
			buf_printf(out, "%s'%s': ", e ? ", " : "",
			    r->coef_names[e]);
			jsonw_double(out, jsonw_round(r->coef[e], 3));
		}
		buf_adds(out, "}\n");
	}
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		struct buf s, iv;

		buf_init(&s);
		buf_init(&iv);
		if (show_elo) {
			elo_int(&s, m->elo);
			buf_adds(&iv, "(");
			elo_diff(&iv, m->elo_q025, m->elo);
			buf_adds(&iv, ", ");
			elo_diff(&iv, m->elo_q975, m->elo);
			buf_adds(&iv, ")");
		} else {
			repr_round1(&s, m->score);
			buf_adds(&iv, "(");
			repr_round1(&iv, m->q025 - m->score);
			buf_adds(&iv, ", ");
			repr_round1(&iv, m->q975 - m->score);
			buf_adds(&iv, ")");
		}
		pad(out, m->name, 30, 0);
		buf_adds(out, " | score: ");
		pad(out, s.p, 5, 1);
		buf_adds(out, " | 95% CI: ");
		pad(out, iv.p, 12, 1);
		if (m->avg_tokens < 0)
			buf_adds(out, " | average #tokens: n/a\n");
		else
			buf_printf(out, " | average #tokens: %lld\n",
			    m->avg_tokens);
		buf_release(&s);
		buf_release(&iv);
	}
}

void
boardfmt_csv_field(struct buf *out, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_addc(out, '"');
		buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

static void
csv_num(struct buf *out, double x)
{
	jsonw_double(out, x);
	buf_addc(out, ',');
}

void
boardfmt_csv(struct buf *out, const struct lb_result *r, const char *date)
{
	size_t i;

	buf_adds(out, "model,score,rating_q025,rating_q975,avg_tokens,"
	    "elo_score,elo_rating_q025,elo_rating_q975,elo_CI,CI,date\n");
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		struct buf ci;

		buf_init(&ci);
		boardfmt_csv_field(out, m->name);
		buf_addc(out, ',');
		csv_num(out, m->score);
		csv_num(out, m->q025);
		csv_num(out, m->q975);
		/* Upstream's column stays numeric: 0.0 when unknown. */
		csv_num(out, m->avg_tokens < 0 ? 0.0 : (double)m->avg_tokens);
		csv_num(out, m->elo);
		csv_num(out, m->elo_q025);
		csv_num(out, m->elo_q975);
		ci_string(&ci, m->elo, m->elo_q025, m->elo_q975);
		boardfmt_csv_field(out, ci.p);
		buf_addc(out, ',');
		buf_reset(&ci);
		ci_string(&ci, m->score, m->q025, m->q975);
		boardfmt_csv_field(out, ci.p);
		buf_addc(out, ',');
		boardfmt_csv_field(out, date);
		buf_addc(out, '\n');
		buf_release(&ci);
	}
}

static json_t *
jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

void
boardfmt_json(struct buf *out, const struct lb_result *r,
    const struct lb_opts *o, const struct battle_set *bs, const char *date)
{
	json_t *b = json_object(), *coefs = json_null();
	size_t i;
	int e;

	if (r->k > 0) {
		coefs = json_object();
		for (e = 0; e < r->k; e++)
			json_object_set_new(coefs, r->coef_names[e],
			    jnum(r->coef[e]));
	}
	json_object_set_new(b, "type", json_string("board"));
	json_object_set_new(b, "board", json_string(lb_board_name(r->board)));
	/* Anchored at the mean, the model fixed in the fits is no baseline. */
	json_object_set_new(b, "baseline", bs->baseline != NULL &&
	    !bs->anchor_mean ? json_string(bs->baseline) : json_null());
	if (r->online)
		json_object_set_new(b, "elo", json_string("online"));
	json_object_set_new(b, "anchor", json_real(r->anchor));
	json_object_set_new(b, "num_rounds", json_integer(o->num_rounds));
	json_object_set_new(b, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(b, "rng", json_string(o->mt != NULL ?
	    "numpy-legacy" : "xoshiro256**"));
	json_object_set_new(b, "bootstrap", json_string(o->unit == LB_BATTLE ?
	    "battle" : "question"));
	json_object_set_new(b, "weight", json_integer(o->weight));
	json_object_set_new(b, "first_game_only",
	    json_boolean(o->first_game_only));
	json_object_set_new(b, "n_battles", json_integer(
	    (json_int_t)r->n_battles));
	json_object_set_new(b, "dropped_games", json_integer(
	    (json_int_t)bs->dropped_games));
	json_object_set_new(b, "style_coefficients", coefs);
	json_object_set_new(b, "date", json_string(date));
	json_object_set_new(b, "version", json_string(JUDGEPIPE_VERSION));
	jsonw_dump(out, b, 0);
	buf_addc(out, '\n');
	json_decref(b);
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];
		json_t *j = json_object();
		struct buf ci;

		buf_init(&ci);
		json_object_set_new(j, "type", json_string("model"));
		json_object_set_new(j, "board",
		    json_string(lb_board_name(r->board)));
		json_object_set_new(j, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(j, "model", json_string(m->name));
		json_object_set_new(j, "score", jnum(m->score));
		json_object_set_new(j, "rating_q025", jnum(m->q025));
		json_object_set_new(j, "rating_q975", jnum(m->q975));
		ci_string(&ci, m->score, m->q025, m->q975);
		json_object_set_new(j, "CI", json_string(ci.p));
		json_object_set_new(j, "avg_tokens", m->avg_tokens < 0 ?
		    json_null() : json_integer(m->avg_tokens));
		json_object_set_new(j, "elo_score", jnum(m->elo));
		json_object_set_new(j, "elo_rating_q025", jnum(m->elo_q025));
		json_object_set_new(j, "elo_rating_q975", jnum(m->elo_q975));
		buf_reset(&ci);
		ci_string(&ci, m->elo, m->elo_q025, m->elo_q975);
		json_object_set_new(j, "elo_CI", json_string(ci.p));
		json_object_set_new(j, "n_battles",
		    json_integer((json_int_t)m->n_battles));
		jsonw_dump(out, j, 0);
		buf_addc(out, '\n');
		json_decref(j);
		buf_release(&ci);
	}
}

/* A markdown table cell: | and \ escaped, line breaks as spaces. */
static void
md_cell(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' ||
		    *s == '_' || *s == '<' || *s == '[' || *s == ']')
			buf_addc(out, '\\');
		buf_addc(out, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

void
boardfmt_markdown(struct buf *out, const struct lb_result *r, int show_elo,
    const char *baseline, int heading)
{
	int *rank = xcalloc(r->nmodels + 1, sizeof(int));
	size_t i;

	lb_rank_ci(r, rank);
	if (heading)
		buf_printf(out, "### %s\n\n", lb_board_name(r->board));
	buf_adds(out, show_elo ?
	    "| Rank | Model | Elo | 95% CI | Score | Avg. tokens |\n"
	    "|---:|:---|---:|:---:|---:|---:|\n" :
	    "| Rank | Model | Score | 95% CI | Avg. tokens |\n"
	    "|---:|:---|---:|:---:|---:|\n");
	for (i = 0; i < r->nmodels; i++) {
		const struct lb_model *m = &r->models[i];

		buf_printf(out, "| %d | ", rank[i]);
		md_cell(out, m->name);
		if (baseline != NULL && strcmp(m->name, baseline) == 0)
			buf_adds(out, " (baseline)");
		buf_adds(out, " | ");
		if (show_elo) {
			elo_int(out, m->elo);
			buf_adds(out, " | ");
			elo_diff(out, m->elo_q025, m->elo);
			buf_adds(out, " / +");
			elo_diff(out, m->elo_q975, m->elo);
			buf_adds(out, " | ");
		}
		fmt2(out, m->score);
		buf_adds(out, " | -");
		fmt2(out, m->score - m->q025);
		buf_adds(out, " / +");
		fmt2(out, m->q975 - m->score);
		if (m->avg_tokens > 0)
			buf_printf(out, " | %lld |\n", m->avg_tokens);
		else
			buf_adds(out, " | n/a |\n");
	}
	if (heading)
		buf_addc(out, '\n');
	free(rank);
}
