/* gradeboard.c: mean ratings of single grading, question-bootstrapped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "buf.h"
#include "gradeboard.h"
#include "rng.h"
#include "strmap.h"

/* The rng stream of these intervals (rng_xo_seed's "board"). */
#define GB_STREAM	32

struct grade_rec {
	size_t model, q;	/* indices into models and qids */
	int turn;
	double score;
};

/* Strings numbered in order of arrival. */
struct names {
	char **v;
	size_t n;
	struct strmap index;
};

struct gradeboard {
	char *judge;		/* the one judge kept, or NULL */
	char *first_judge;	/* of the records, when judge is NULL */
	struct names models, qids;
	struct grade_rec *recs;
	size_t n, cap;
	struct strmap key;	/* model NUL qid NUL turn -> record */
	size_t replaced, other_judges;
	char **cat;		/* per qid index, or NULL */
	size_t ncat;
	struct strmap cat_of;	/* question id -> category in catnames */
	struct names catnames;
};

static size_t
names_id(struct names *t, const char *s, size_t len)
{
	size_t i = strmap_get(&t->index, s, len);

	if (i != STRMAP_NONE)
		return i;
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n] = xstrndup(s, len);
	strmap_put(&t->index, s, len, t->n);
	return t->n++;
}

static void
names_release(struct names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	strmap_release(&t->index);
}

struct gradeboard *
gradeboard_new(const char *judge)
{
	struct gradeboard *gb = xcalloc(1, sizeof(*gb));

	if (judge != NULL)
		gb->judge = xstrdup(judge);
	return gb;
}

void
gradeboard_free(struct gradeboard *gb)
{
	if (gb == NULL)
		return;
	free(gb->judge);
	free(gb->first_judge);
	names_release(&gb->models);
	names_release(&gb->qids);
	names_release(&gb->catnames);
	strmap_release(&gb->key);
	strmap_release(&gb->cat_of);
	free(gb->recs);
	free(gb);
}

int
gradeboard_is_record(const json_t *rec)
{
	return json_object_get(rec, "turn") != NULL &&
	    json_object_get(rec, "games") == NULL &&
	    json_object_get(rec, "winner") == NULL;
}

size_t
gradeboard_replaced(const struct gradeboard *gb)
{
	return gb->replaced;
}

size_t
gradeboard_other_judges(const struct gradeboard *gb)
{
	return gb->other_judges;
}

/* FastChat's judge is [judge, prompt name]; a plain string is read too. */
static const char *
judge_of(const json_t *rec)
{
	const json_t *j = json_object_get(rec, "judge");

	if (json_is_array(j))
		j = json_array_get(j, 0);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

int
gradeboard_add(struct gradeboard *gb, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	const json_t *id = json_object_get(rec, "question_id");
	const json_t *model = json_object_get(rec, "model");
	const json_t *score = json_object_get(rec, "score");
	const json_t *turn = json_object_get(rec, "turn");
	const char *judge = judge_of(rec);
	struct grade_rec *r;
	char num[32];
	const char *qid;
	size_t qlen, prev;
	struct buf k;

	if (json_is_integer(id)) {
		qlen = (size_t)snprintf(num, sizeof(num),
		    "%" JSON_INTEGER_FORMAT, json_integer_value(id));
		qid = num;
	} else if (json_is_string(id)) {
		qid = json_string_value(id);
		qlen = json_string_length(id);
	} else
		return diag_set(d, EX_DATAERR, file, line, id == NULL ?
		    "missing field 'question_id'" : "field 'question_id' is "
		    "not a string or an integer");
	if (!json_is_string(model))
		return diag_set(d, EX_DATAERR, file, line, model == NULL ?
		    "missing field 'model'" : "field 'model' is not a string");
	if (!json_is_number(score))
		return diag_set(d, EX_DATAERR, file, line, score == NULL ?
		    "missing field 'score'" : "field 'score' is not a number");
	if (!json_is_integer(turn) || json_integer_value(turn) < 1 ||
	    json_integer_value(turn) > 1000)
		return diag_set(d, EX_DATAERR, file, line, "field 'turn' is "
		    "not a turn number");
	if (json_object_get(rec, "judge") != NULL && judge == NULL)
		return diag_set(d, EX_DATAERR, file, line, "field 'judge' is "
		    "neither a string nor [judge, prompt]");
	if (gb->judge != NULL) {
		if (judge == NULL || strcmp(judge, gb->judge) != 0) {
			gb->other_judges++;
			return 0;
		}
	} else if (judge != NULL) {
		if (gb->first_judge == NULL)
			gb->first_judge = xstrdup(judge);
		else if (strcmp(judge, gb->first_judge) != 0)
			return diag_set(d, EX_DATAERR, file, line, "judge '%s' "
			    "differs from judge '%s' of earlier records "
			    "(select one with --judge)", judge,
			    gb->first_judge);
	}
	buf_init(&k);
	buf_add(&k, json_string_value(model), json_string_length(model));
	buf_addc(&k, '\0');
	buf_add(&k, qid, qlen);
	buf_printf(&k, "%c%d", '\0', (int)json_integer_value(turn));
	prev = strmap_get(&gb->key, k.p, k.len);
	if (prev != STRMAP_NONE) {
		r = &gb->recs[prev];
		gb->replaced++;
	} else {
		if (gb->n == gb->cap) {
			gb->cap = gb->cap ? 2 * gb->cap : 1024;
			gb->recs = xrealloc(gb->recs, gb->cap *
			    sizeof(*gb->recs));
		}
		strmap_put(&gb->key, k.p, k.len, gb->n);
		r = &gb->recs[gb->n++];
	}
	buf_release(&k);
	r->model = names_id(&gb->models, json_string_value(model),
	    json_string_length(model));
	r->q = names_id(&gb->qids, qid, qlen);
	r->turn = (int)json_integer_value(turn);
	r->score = json_number_value(score);
	return 0;
}

void
gradeboard_category(struct gradeboard *gb, const char *id, size_t len,
    const char *category)
{
	size_t c = names_id(&gb->catnames, category, strlen(category));

	strmap_put(&gb->cat_of, id, len, c);
}

/* FastChat leaves out the records rated -1 (no rating). */
static int
unparsed(const struct grade_rec *r)
{
	return r->score == -1;
}

static int
column_of(int turn, int col)
{
	return col == GB_ALL || (col == GB_TURN1 && turn == 1) ||
	    (col == GB_TURN2 && turn == 2);
}

/* Sums of one resample: per model and column, k[q] copies of q. */
static void
sums(const struct gradeboard *gb, const unsigned *k, double *sum,
    double *cnt)
{
	size_t i, m = gb->models.n;
	int c;

	memset(sum, 0, m * GB_NCOLUMNS * sizeof(*sum));
	memset(cnt, 0, m * GB_NCOLUMNS * sizeof(*cnt));
	for (i = 0; i < gb->n; i++) {
		const struct grade_rec *r = &gb->recs[i];
		double w = k != NULL ? k[r->q] : 1;

		if (unparsed(r) || w == 0)
			continue;
		for (c = 0; c < GB_NCOLUMNS; c++)
			if (column_of(r->turn, c)) {
				sum[r->model * GB_NCOLUMNS + c] += w * r->score;
				cnt[r->model * GB_NCOLUMNS + c] += w;
			}
	}
}

static int
cmp_model(const void *pa, const void *pb)
{
	const struct gradeboard_model *x = pa, *y = pb;
	double a = x->mean[GB_ALL], b = y->mean[GB_ALL];

	if (isnan(a) != isnan(b))
		return isnan(a) ? 1 : -1;
	if (a != b && !isnan(a))
		return a > b ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The categories, sorted, and each question's index among them. */
static void
categories(const struct gradeboard *gb, struct gradeboard_result *res,
    long *qcat)
{
	size_t *rank = xcalloc(gb->catnames.n + 1, sizeof(*rank)), i, c;

	res->categories = xcalloc(gb->catnames.n + 1, sizeof(char *));
	for (i = 0; i < gb->catnames.n; i++)
		res->categories[i] = xstrdup(gb->catnames.v[i]);
	res->ncategories = gb->catnames.n;
	qsort(res->categories, res->ncategories, sizeof(char *), cmp_str);
	for (i = 0; i < gb->catnames.n; i++)
		for (c = 0; c < res->ncategories; c++)
			if (strcmp(res->categories[c], gb->catnames.v[i]) == 0)
				rank[i] = c;
	for (i = 0; i < gb->qids.n; i++) {
		c = strmap_get(&gb->cat_of, gb->qids.v[i],
		    strlen(gb->qids.v[i]));
		qcat[i] = c == STRMAP_NONE ? -1 : (long)rank[c];
	}
	free(rank);
}

int
gradeboard_compute(struct gradeboard *gb, const struct gradeboard_opts *o,
    struct gradeboard_result *res, struct diag *d)
{
	size_t m = gb->models.n, nq = gb->qids.n, i, j;
	double *sum, *cnt, *boot, *v;
	unsigned *k;
	long *qcat, r;
	int c;

	memset(res, 0, sizeof(*res));
	if (gb->n == 0)
		return diag_set(d, EX_DATAERR, NULL, 0, "no single-grading "
		    "record%s", gb->other_judges > 0 ? " of that judge" : "");
	sum = xcalloc(m * GB_NCOLUMNS, sizeof(*sum));
	cnt = xcalloc(m * GB_NCOLUMNS, sizeof(*cnt));
	boot = xmalloc((size_t)o->num_rounds * m * GB_NCOLUMNS *
	    sizeof(*boot));
	k = xcalloc(nq, sizeof(*k));
	/* Each round draws nq questions with replacement, as a count. */
	for (r = 0; r < o->num_rounds; r++) {
		struct rng_xo x;

		rng_xo_seed(&x, o->seed, GB_STREAM, (uint64_t)r);
		memset(k, 0, nq * sizeof(*k));
		for (i = 0; i < nq; i++)
			k[rng_xo_below(&x, nq)]++;
		sums(gb, k, sum, cnt);
		for (i = 0; i < m * GB_NCOLUMNS; i++)
			boot[(size_t)r * m * GB_NCOLUMNS + i] = cnt[i] > 0 ?
			    sum[i] / cnt[i] : NAN;
	}
	sums(gb, NULL, sum, cnt);
	qcat = xmalloc((nq + 1) * sizeof(*qcat));
	categories(gb, res, qcat);
	v = xmalloc(((size_t)o->num_rounds + 1) * sizeof(*v));
	res->models = xcalloc(m + 1, sizeof(*res->models));
	for (j = 0; j < m; j++) {
		struct gradeboard_model *gm = &res->models[j];

		gm->name = xstrdup(gb->models.v[j]);
		for (c = 0; c < GB_NCOLUMNS; c++) {
			size_t nv = 0;

			gm->n[c] = (size_t)cnt[j * GB_NCOLUMNS + c];
			gm->mean[c] = gm->n[c] > 0 ? sum[j * GB_NCOLUMNS + c] /
			    cnt[j * GB_NCOLUMNS + c] : NAN;
			for (r = 0; r < o->num_rounds; r++) {
				double x = boot[((size_t)r * m + j) *
				    GB_NCOLUMNS + c];

				if (!isnan(x))
					v[nv++] = x;
			}
			bt_sort(v, nv);
			gm->q025[c] = nv > 0 ? bt_percentile(v, nv, 2.5) : NAN;
			gm->q975[c] = nv > 0 ? bt_percentile(v, nv, 97.5) : NAN;
		}
		gm->cat_mean = xcalloc(res->ncategories + 1, sizeof(double));
		gm->cat_n = xcalloc(res->ncategories + 1, sizeof(size_t));
	}
	/* Per category: every turn's ratings, as the radar shows them. */
	for (i = 0; i < gb->n; i++) {
		const struct grade_rec *rc = &gb->recs[i];
		struct gradeboard_model *gm = &res->models[rc->model];

		if (unparsed(rc)) {
			gm->unparsed++;
			res->unparsed++;
			continue;
		}
		if (qcat[rc->q] < 0) {
			res->uncategorised++;
			continue;
		}
		gm->cat_mean[qcat[rc->q]] += rc->score;
		gm->cat_n[qcat[rc->q]]++;
	}
	for (j = 0; j < m; j++)
		for (i = 0; i < res->ncategories; i++)
			res->models[j].cat_mean[i] = res->models[j].cat_n[i] >
			    0 ? res->models[j].cat_mean[i] /
			    (double)res->models[j].cat_n[i] : NAN;
	qsort(res->models, m, sizeof(*res->models), cmp_model);
	res->nmodels = m;
	res->nquestions = nq;
	res->nrecords = gb->n;
	res->judge = xstrdup(gb->judge != NULL ? gb->judge :
	    gb->first_judge != NULL ? gb->first_judge : "");
	res->num_rounds = o->num_rounds;
	res->seed = o->seed;
	free(v);
	free(qcat);
	free(k);
	free(boot);
	free(cnt);
	free(sum);
	return 0;
}

void
gradeboard_result_release(struct gradeboard_result *res)
{
	size_t i;

	for (i = 0; i < res->nmodels; i++) {
		free(res->models[i].name);
		free(res->models[i].cat_mean);
		free(res->models[i].cat_n);
	}
	free(res->models);
	for (i = 0; i < res->ncategories; i++)
		free(res->categories[i]);
	free(res->categories);
	free(res->judge);
	memset(res, 0, sizeof(*res));
}
