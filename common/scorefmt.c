/* scorefmt.c: MT-Bench's table and v2.0's boards as text, CSV and JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boardfmt.h"
#include "jsonw.h"
#include "scorefmt.h"

static const char *const section[GB_NCOLUMNS] = {
	"First turn", "Second turn", "Average"
};
static const char *const column[GB_NCOLUMNS] = { "turn1", "turn2", "score" };

/* Append s padded with spaces to w code points (longer names overflow). */
static void
pad(struct buf *b, const char *s, size_t w)
{
	size_t n = 0, i;

	for (i = 0; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	buf_adds(b, s);
	for (; n < w; n++)
		buf_addc(b, ' ');
}

/* "%.2f", or "nan" as Python writes it. */
static void
fix2(struct buf *b, double x)
{
	if (isnan(x))
		buf_adds(b, "nan");
	else
		buf_printf(b, "%.2f", x);
}

/* A number as Python's repr, an empty cell for NaN. */
static void
csv_num(struct buf *b, double x)
{
	if (!isnan(x))
		jsonw_double(b, x);
}

static json_t *
jnum(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static void
put_line(struct buf *out, json_t *o)
{
	jsonw_dump(out, o, 0);
	buf_addc(out, '\n');
	json_decref(o);
}

/* ---- single grading ---- */

/* By the mean of column *ctx, descending, then by name. */
static int
cmp_col(const void *pa, const void *pb, void *ctx)
{
	const struct gradeboard_model *x = *(const struct gradeboard_model
	    *const *)pa, *y = *(const struct gradeboard_model *const *)pb;
	int col = *(const int *)ctx;
	double a = x->mean[col], b = y->mean[col];

	if (isnan(a) != isnan(b))
		return isnan(a) ? 1 : -1;
	if (a != b && !isnan(a))
		return a > b ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
has_turn2(const struct gradeboard_result *r)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (r->models[i].n[GB_TURN2] > 0)
			return 1;
	return 0;
}

/* The radar as a table: a column per category, right-aligned. */
static void
grade_categories(struct buf *out, const struct gradeboard_result *r)
{
	size_t *w = xcalloc(r->ncategories + 1, sizeof(*w)), i, c, k;
	struct buf cell;

	buf_init(&cell);
	for (c = 0; c < r->ncategories; c++) {
		w[c] = strlen(r->categories[c]);
		for (i = 0; i < r->nmodels; i++) {
			buf_reset(&cell);
			fix2(&cell, r->models[i].cat_mean[c]);
			w[c] = cell.len > w[c] ? cell.len : w[c];
		}
	}
	buf_adds(out, "\n########## Categories ##########\n");
	pad(out, "model", 30);
	for (c = 0; c < r->ncategories; c++) {
		buf_adds(out, " | ");
		for (k = strlen(r->categories[c]); k < w[c]; k++)
			buf_addc(out, ' ');
		buf_adds(out, r->categories[c]);
	}
	buf_addc(out, '\n');
	for (i = 0; i < r->nmodels; i++) {
		pad(out, r->models[i].name, 30);
		for (c = 0; c < r->ncategories; c++) {
			buf_reset(&cell);
			fix2(&cell, r->models[i].cat_mean[c]);
			buf_adds(out, " | ");
			for (k = cell.len; k < w[c]; k++)
				buf_addc(out, ' ');
			buf_adds(out, cell.p);
		}
		buf_addc(out, '\n');
	}
	buf_release(&cell);
	free(w);
}

void
scorefmt_grade_table(struct buf *out, const struct gradeboard_result *r)
{
	const struct gradeboard_model **v;
	size_t i;
	int col;

	v = xcalloc(r->nmodels + 1, sizeof(*v));
	for (col = 0; col < GB_NCOLUMNS; col++) {
		if (col == GB_TURN2 && !has_turn2(r))
			continue;
		for (i = 0; i < r->nmodels; i++)
			v[i] = &r->models[i];
		/* Each section by its own mean, as FastChat sorts them. */
		qsort_r(v, r->nmodels, sizeof(*v), cmp_col, &col);
		buf_printf(out, "%s########## %s ##########\n", col ? "\n" : "",
		    section[col]);
		for (i = 0; i < r->nmodels; i++) {
			const struct gradeboard_model *m = v[i];

			pad(out, m->name, 30);
			buf_adds(out, " | score: ");
			fix2(out, m->mean[col]);
			buf_adds(out, " | 95% CI: (");
			fix2(out, m->q025[col] - m->mean[col]);
			buf_adds(out, ", ");
			fix2(out, m->q975[col] - m->mean[col]);
			buf_printf(out, ") | n: %zu", m->n[col]);
			if (col == GB_ALL)
				buf_printf(out, " | unparsed: %zu",
				    m->unparsed);
			buf_addc(out, '\n');
		}
	}
	free(v);
	if (r->ncategories > 0)
		grade_categories(out, r);
	buf_printf(out, "\n%zu of %zu ratings unparsed (-1, left out); "
	    "intervals: %zu questions resampled %ld times (seed %llu)\n",
	    r->unparsed, r->nrecords, r->nquestions, r->num_rounds,
	    (unsigned long long)r->seed);
}

void
scorefmt_grade_csv(struct buf *out, const struct gradeboard_result *r)
{
	size_t i, c;
	int col;

	buf_adds(out, "model");
	for (col = 0; col < GB_NCOLUMNS; col++)
		buf_printf(out, ",%s,%s_q025,%s_q975", column[col], column[col],
		    column[col]);
	buf_adds(out, ",n_turn1,n_turn2,n,unparsed");
	for (c = 0; c < r->ncategories; c++) {
		buf_addc(out, ',');
		boardfmt_csv_field(out, r->categories[c]);
	}
	buf_addc(out, '\n');
	for (i = 0; i < r->nmodels; i++) {
		const struct gradeboard_model *m = &r->models[i];

		boardfmt_csv_field(out, m->name);
		for (col = 0; col < GB_NCOLUMNS; col++) {
			buf_addc(out, ',');
			csv_num(out, m->mean[col]);
			buf_addc(out, ',');
			csv_num(out, m->q025[col]);
			buf_addc(out, ',');
			csv_num(out, m->q975[col]);
		}
		buf_printf(out, ",%zu,%zu,%zu,%zu", m->n[GB_TURN1],
		    m->n[GB_TURN2], m->n[GB_ALL], m->unparsed);
		for (c = 0; c < r->ncategories; c++) {
			buf_addc(out, ',');
			csv_num(out, m->cat_mean[c]);
		}
		buf_addc(out, '\n');
	}
}

void
scorefmt_grade_json(struct buf *out, const struct gradeboard_result *r,
    const char *date)
{
	json_t *b = json_object(), *cats = json_array();
	size_t i, c;
	int col;

	for (c = 0; c < r->ncategories; c++)
		json_array_append_new(cats, json_string(r->categories[c]));
	json_object_set_new(b, "type", json_string("single"));
	json_object_set_new(b, "judge", json_string(r->judge));
	json_object_set_new(b, "num_rounds", json_integer(r->num_rounds));
	json_object_set_new(b, "seed", json_integer((json_int_t)r->seed));
	json_object_set_new(b, "bootstrap", json_string("question"));
	json_object_set_new(b, "n_questions",
	    json_integer((json_int_t)r->nquestions));
	json_object_set_new(b, "n_records",
	    json_integer((json_int_t)r->nrecords));
	json_object_set_new(b, "unparsed",
	    json_integer((json_int_t)r->unparsed));
	json_object_set_new(b, "categories", cats);
	json_object_set_new(b, "date", json_string(date));
	json_object_set_new(b, "version", json_string(JUDGEPIPE_VERSION));
	put_line(out, b);
	for (i = 0; i < r->nmodels; i++) {
		const struct gradeboard_model *m = &r->models[i];
		json_t *o = json_object(), *cm = json_object();
		char key[32];

		json_object_set_new(o, "type", json_string("model"));
		json_object_set_new(o, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(o, "model", json_string(m->name));
		for (col = 0; col < GB_NCOLUMNS; col++) {
			json_object_set_new(o, column[col], jnum(m->mean[col]));
			snprintf(key, sizeof(key), "%s_q025", column[col]);
			json_object_set_new(o, key, jnum(m->q025[col]));
			snprintf(key, sizeof(key), "%s_q975", column[col]);
			json_object_set_new(o, key, jnum(m->q975[col]));
		}
		json_object_set_new(o, "n_turn1",
		    json_integer((json_int_t)m->n[GB_TURN1]));
		json_object_set_new(o, "n_turn2",
		    json_integer((json_int_t)m->n[GB_TURN2]));
		json_object_set_new(o, "n", json_integer((json_int_t)m->n[
		    GB_ALL]));
		json_object_set_new(o, "unparsed",
		    json_integer((json_int_t)m->unparsed));
		for (c = 0; c < r->ncategories; c++)
			json_object_set_new(cm, r->categories[c],
			    jnum(m->cat_mean[c]));
		json_object_set_new(o, "categories", cm);
		put_line(out, o);
	}
}

/* ---- v2.0 ---- */

/* Upstream's "(-a / +b)" in percent, Python's round(x * 100, 1). */
static void
v2_ci(struct buf *b, const struct v2board_model *m)
{
	buf_adds(b, "(-");
	jsonw_double(b, jsonw_round((m->score - m->lower) * 100, 1));
	buf_adds(b, " / +");
	jsonw_double(b, jsonw_round((m->upper - m->score) * 100, 1));
	buf_adds(b, ")");
}

void
scorefmt_v2_table(struct buf *out, const struct v2board_result *r)
{
	size_t c, i;

	for (c = 0; c < r->ncats; c++) {
		const struct v2board_category *cat = &r->cats[c];

		buf_printf(out, "%s##### Category: %s #####\n", c ? "\n" : "",
		    cat->name);
		for (i = 0; i < cat->nmodels; i++) {
			const struct v2board_model *m = &cat->models[i];
			struct buf s;

			buf_init(&s);
			jsonw_double(&s, jsonw_round(m->score * 100, 1));
			pad(out, m->name, 30);
			buf_adds(out, " | score: ");
			pad(out, s.p, 5);
			buf_adds(out, " | 90% CI: ");
			buf_reset(&s);
			v2_ci(&s, m);
			pad(out, s.p, 14);
			buf_printf(out, " | judgments: %zu\n", m->n_judgments);
			buf_release(&s);
		}
	}
}

void
scorefmt_v2_csv(struct buf *out, const struct v2board_result *r)
{
	size_t c, i;

	buf_adds(out, "category,model,score,lower,upper,CI,baseline,"
	    "judgments\n");
	for (c = 0; c < r->ncats; c++)
		for (i = 0; i < r->cats[c].nmodels; i++) {
			const struct v2board_model *m = &r->cats[c].models[i];
			struct buf ci;

			buf_init(&ci);
			v2_ci(&ci, m);
			boardfmt_csv_field(out, r->cats[c].name);
			buf_addc(out, ',');
			boardfmt_csv_field(out, m->name);
			buf_addc(out, ',');
			csv_num(out, jsonw_round(m->score * 100, 1));
			buf_addc(out, ',');
			csv_num(out, jsonw_round(m->lower * 100, 1));
			buf_addc(out, ',');
			csv_num(out, jsonw_round(m->upper * 100, 1));
			buf_addc(out, ',');
			boardfmt_csv_field(out, ci.p);
			buf_addc(out, ',');
			boardfmt_csv_field(out, r->cats[c].baseline);
			buf_printf(out, ",%zu\n", m->n_judgments);
			buf_release(&ci);
		}
}

void
scorefmt_v2_json(struct buf *out, const struct v2board_result *r,
    const char *date)
{
	size_t c, i;

	for (c = 0; c < r->ncats; c++) {
		const struct v2board_category *cat = &r->cats[c];
		json_t *b = json_object();

		json_object_set_new(b, "type", json_string("v2"));
		json_object_set_new(b, "category", json_string(cat->name));
		json_object_set_new(b, "baseline", json_string(cat->baseline));
		json_object_set_new(b, "num_rounds",
		    json_integer(r->num_rounds));
		json_object_set_new(b, "seed",
		    json_integer((json_int_t)r->seed));
		json_object_set_new(b, "n_questions",
		    json_integer((json_int_t)cat->nquestions));
		json_object_set_new(b, "dropped",
		    json_integer((json_int_t)r->dropped));
		json_object_set_new(b, "date", json_string(date));
		json_object_set_new(b, "version",
		    json_string(JUDGEPIPE_VERSION));
		put_line(out, b);
		for (i = 0; i < cat->nmodels; i++) {
			const struct v2board_model *m = &cat->models[i];
			json_t *o = json_object();

			json_object_set_new(o, "type", json_string("model"));
			json_object_set_new(o, "category",
			    json_string(cat->name));
			json_object_set_new(o, "rank",
			    json_integer((json_int_t)i + 1));
			json_object_set_new(o, "model", json_string(m->name));
			json_object_set_new(o, "score", jnum(m->score));
			json_object_set_new(o, "lower", jnum(m->lower));
			json_object_set_new(o, "upper", jnum(m->upper));
			json_object_set_new(o, "n_outcomes",
			    json_integer((json_int_t)m->n_outcomes));
			json_object_set_new(o, "judgments",
			    json_integer((json_int_t)m->n_judgments));
			put_line(out, o);
		}
	}
}
