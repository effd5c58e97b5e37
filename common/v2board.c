/* v2board.c: v2.0's per-category mean outcomes and bootstrap intervals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt.h"
#include "buf.h"
#include "rng.h"
#include "strmap.h"
#include "v2board.h"

/* The rng stream of these intervals (rng_xo_seed's "board"). */
#define V2_STREAM	48

/* One judgment: rep[g] outcomes of value val[g] for game g. */
struct judged {
	size_t model, q;
	double val[2];
	unsigned rep[2];
};

struct category {
	char *name;
	char *baseline;
	struct judged *v;
	size_t n, cap;
	struct strmap models, qids;	/* name -> index */
	char **model_names;
	size_t nmodels, nqids;
};

struct v2board {
	char *baseline, *judge, *first_judge;
	int weight;
	struct category *cats;
	size_t ncats;
	size_t dropped, self;
};

struct v2board *
v2board_new(const struct v2board_opts *o)
{
	struct v2board *vb = xcalloc(1, sizeof(*vb));

	if (o->baseline != NULL)
		vb->baseline = xstrdup(o->baseline);
	if (o->judge != NULL)
		vb->judge = xstrdup(o->judge);
	vb->weight = o->weight;
	return vb;
}

static void
category_release(struct category *c)
{
	size_t i;

	free(c->name);
	free(c->baseline);
	free(c->v);
	strmap_release(&c->models);
	strmap_release(&c->qids);
	for (i = 0; i < c->nmodels; i++)
		free(c->model_names[i]);
	free(c->model_names);
}

void
v2board_free(struct v2board *vb)
{
	size_t i;

	if (vb == NULL)
		return;
	for (i = 0; i < vb->ncats; i++)
		category_release(&vb->cats[i]);
	free(vb->cats);
	free(vb->baseline);
	free(vb->judge);
	free(vb->first_judge);
	free(vb);
}

/*
 * The outcome of a label for the side shown as Assistant A, and how many
 * times it counts (0 when the label is not one of upstream's ten).
 */
static unsigned
label_value(const char *l, int weight, double *v)
{
	static const struct {
		const char *label;
		double value;
		int strong;
	} t[] = {
		{ "A>B", 1, 0 }, { "A>>B", 1, 1 }, { "A=B", 0.5, 0 },
		{ "A<<B", 0, 1 }, { "A<B", 0, 0 }, { "B>A", 0, 0 },
		{ "B>>A", 0, 1 }, { "B=A", 0.5, 0 }, { "B<<A", 1, 1 },
		{ "B<A", 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(l, t[i].label) == 0) {
			*v = t[i].value;
			return t[i].strong ? (unsigned)weight : 1;
		}
	return 0;
}

static struct category *
category_of(struct v2board *vb, const char *name, const char *baseline,
    const char *file, long line, struct diag *d)
{
	struct category *c;
	size_t i;

	for (i = 0; i < vb->ncats; i++)
		if (strcmp(vb->cats[i].name, name) == 0)
			break;
	if (i == vb->ncats) {
		vb->cats = xrealloc(vb->cats, (vb->ncats + 1) *
		    sizeof(*vb->cats));
		c = &vb->cats[vb->ncats++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(name);
		c->baseline = xstrdup(baseline);
		return c;
	}
	c = &vb->cats[i];
	if (strcmp(c->baseline, baseline) != 0) {
		diag_set(d, EX_DATAERR, file, line, "baseline '%s' differs "
		    "from baseline '%s' of category '%s'", baseline,
		    c->baseline, name);
		return NULL;
	}
	return c;
}

static size_t
index_of(struct strmap *m, size_t *n, char ***names, const char *s)
{
	size_t i = strmap_get(m, s, strlen(s));

	if (i != STRMAP_NONE)
		return i;
	if (names != NULL) {
		*names = xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[*n] = xstrdup(s);
	}
	strmap_put(m, s, strlen(s), *n);
	return (*n)++;
}

static const char *
string_of(const json_t *rec, const char *key)
{
	const json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
v2board_add(struct v2board *vb, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	const json_t *id = json_object_get(rec, "question_id");
	const json_t *games = json_object_get(rec, "games");
	const char *model = string_of(rec, "model");
	const char *judge = string_of(rec, "judge");
	const char *cat = string_of(rec, "category");
	const char *base = string_of(rec, "baseline");
	const char *labels[2];
	struct category *c;
	struct judged *j;
	char num[32];
	const char *qid;
	int g;

	if (id == NULL)
		id = json_object_get(rec, "uid");
	if (json_is_integer(id)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(id));
		qid = num;
	} else if (json_is_string(id))
		qid = json_string_value(id);
	else
		return diag_set(d, EX_DATAERR, file, line, "missing field "
		    "'uid' or 'question_id'");
	if (model == NULL)
		return diag_set(d, EX_DATAERR, file, line, "missing field "
		    "'model'");
	if (!json_is_array(games))
		return diag_set(d, EX_DATAERR, file, line, "field 'games' is "
		    "not an array");
	if (json_object_get(rec, "model_a") != NULL)
		return diag_set(d, EX_DATAERR, file, line, "a pairwise-all "
		    "record: v2 scoring needs judgments against a baseline");
	if (vb->judge != NULL && (judge == NULL ||
	    strcmp(judge, vb->judge) != 0))
		return 0;
	if (vb->judge == NULL && judge != NULL) {
		if (vb->first_judge == NULL)
			vb->first_judge = xstrdup(judge);
		else if (strcmp(judge, vb->first_judge) != 0)
			return diag_set(d, EX_DATAERR, file, line, "judge '%s' "
			    "differs from judge '%s' of earlier records "
			    "(select one with --judge)", judge,
			    vb->first_judge);
	}
	if (base == NULL)
		base = vb->baseline;
	if (base == NULL)
		return diag_set(d, EX_USAGE, file, line, "the record names no "
		    "baseline: use --baseline");
	if ((c = category_of(vb, cat != NULL ? cat : "", base, file, line,
	    d)) == NULL)
		return -1;
	if (strcmp(model, base) == 0) {
		vb->self++;
		return 0;
	}
	/* Upstream drops a judgment with a missing or null game. */
	for (g = 0; g < 2; g++) {
		const json_t *gm = json_array_get(games, (size_t)g);

		labels[g] = string_of(gm, "score");
		if (labels[g] == NULL) {
			vb->dropped++;
			return 0;
		}
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	j = &c->v[c->n];
	memset(j, 0, sizeof(*j));
	/* Game 2 shows the model as A; game 1 the baseline, so 1 - v. */
	j->rep[1] = label_value(labels[1], vb->weight, &j->val[1]);
	j->rep[0] = label_value(labels[0], vb->weight, &j->val[0]);
	if (j->rep[0] == 0 || j->rep[1] == 0) {
		vb->dropped++;
		return 0;
	}
	j->val[0] = 1 - j->val[0];
	j->model = index_of(&c->models, &c->nmodels, &c->model_names, model);
	j->q = index_of(&c->qids, &c->nqids, NULL, qid);
	c->n++;
	return 0;
}

static int
cmp_cat(const void *a, const void *b)
{
	return strcmp(((const struct category *)a)->name,
	    ((const struct category *)b)->name);
}

static int
cmp_model(const void *pa, const void *pb)
{
	const struct v2board_model *x = pa, *y = pb;

	if (isnan(x->score) != isnan(y->score))
		return isnan(x->score) ? 1 : -1;
	if (x->score != y->score && !isnan(x->score))
		return x->score > y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every outcome of model m, expanded, in input order. */
static double *
outcomes(const struct category *c, size_t m, size_t *n)
{
	double *v = NULL;
	size_t i, k = 0, cap = 0;
	unsigned g, r;

	for (i = 0; i < c->n; i++) {
		const struct judged *j = &c->v[i];

		if (j->model != m)
			continue;
		for (g = 2; g-- > 0;)
			for (r = 0; r < j->rep[g]; r++) {
				if (k == cap) {
					cap = cap ? 2 * cap : 64;
					v = xrealloc(v, cap * sizeof(*v));
				}
				v[k++] = j->val[g];
			}
	}
	*n = k;
	return v;
}

/* One category: the mean of each model and its bootstrap percentiles. */
static void
compute_category(const struct category *c, size_t ci,
    const struct v2board_round_opts *o, struct v2board_category *out)
{
	size_t m = c->nmodels, i, j, *n = xcalloc(m + 1, sizeof(*n));
	double **rows = xcalloc(m + 1, sizeof(*rows));
	double *boot = xmalloc(((size_t)o->num_rounds * m + 1) *
	    sizeof(*boot)), *v, *sum, *cnt;
	unsigned *k = xcalloc(c->nqids + 1, sizeof(*k));
	long r;

	for (j = 0; j < m; j++)
		rows[j] = outcomes(c, j, &n[j]);
	sum = xcalloc(m + 1, sizeof(*sum));
	cnt = xcalloc(m + 1, sizeof(*cnt));
	for (r = 0; r < o->num_rounds; r++) {
		struct rng_xo x;

		rng_xo_seed(&x, o->seed, V2_STREAM + ci, (uint64_t)r);
		memset(sum, 0, m * sizeof(*sum));
		memset(cnt, 0, m * sizeof(*cnt));
		if (o->by_outcome) {
			/* Upstream: each model's outcomes, with replacement. */
			for (j = 0; j < m; j++)
				for (i = 0; i < n[j]; i++) {
					sum[j] += rows[j][rng_xo_below(&x,
					    n[j])];
					cnt[j]++;
				}
		} else {
			memset(k, 0, c->nqids * sizeof(*k));
			for (i = 0; i < c->nqids; i++)
				k[rng_xo_below(&x, c->nqids)]++;
			for (i = 0; i < c->n; i++) {
				const struct judged *jd = &c->v[i];

				sum[jd->model] += k[jd->q] * (jd->rep[0] *
				    jd->val[0] + jd->rep[1] * jd->val[1]);
				cnt[jd->model] += k[jd->q] * (double)(jd->rep[0] +
				    jd->rep[1]);
			}
		}
		for (j = 0; j < m; j++)
			boot[(size_t)r * m + j] = cnt[j] > 0 ? sum[j] / cnt[j] :
			    NAN;
	}
	out->name = xstrdup(c->name);
	out->baseline = xstrdup(c->baseline);
	out->nquestions = c->nqids;
	out->models = xcalloc(m + 2, sizeof(*out->models));
	v = xmalloc(((size_t)o->num_rounds + 1) * sizeof(*v));
	for (j = 0; j < m; j++) {
		struct v2board_model *vm = &out->models[j];
		double s = 0;
		size_t nv = 0;

		vm->name = xstrdup(c->model_names[j]);
		for (i = 0; i < n[j]; i++)
			s += rows[j][i];
		vm->n_outcomes = n[j];
		for (i = 0; i < c->n; i++)
			vm->n_judgments += c->v[i].model == j;
		vm->score = n[j] > 0 ? s / (double)n[j] : NAN;
		for (r = 0; r < o->num_rounds; r++)
			if (!isnan(boot[(size_t)r * m + j]))
				v[nv++] = boot[(size_t)r * m + j];
		bt_sort(v, nv);
		vm->lower = nv > 0 ? bt_percentile(v, nv, 5) : NAN;
		vm->upper = nv > 0 ? bt_percentile(v, nv, 95) : NAN;
		free(rows[j]);
	}
	/* The baseline: one half, by definition. */
	out->models[m].name = xstrdup(c->baseline);
	out->models[m].score = out->models[m].lower =
	    out->models[m].upper = 0.5;
	out->nmodels = m + 1;
	qsort(out->models, out->nmodels, sizeof(*out->models), cmp_model);
	free(v);
	free(k);
	free(cnt);
	free(sum);
	free(boot);
	free(rows);
	free(n);
}

int
v2board_compute(struct v2board *vb, const struct v2board_round_opts *o,
    struct v2board_result *res, struct diag *d)
{
	size_t i;

	memset(res, 0, sizeof(*res));
	if (vb->ncats == 0)
		return diag_set(d, EX_DATAERR, NULL, 0, "no judgment to "
		    "score");
	qsort(vb->cats, vb->ncats, sizeof(*vb->cats), cmp_cat);
	res->cats = xcalloc(vb->ncats, sizeof(*res->cats));
	for (i = 0; i < vb->ncats; i++)
		compute_category(&vb->cats[i], i, o, &res->cats[i]);
	res->ncats = vb->ncats;
	res->dropped = vb->dropped;
	res->self = vb->self;
	res->num_rounds = o->num_rounds;
	res->seed = o->seed;
	return 0;
}

void
v2board_result_release(struct v2board_result *res)
{
	size_t i, j;

	for (i = 0; i < res->ncats; i++) {
		for (j = 0; j < res->cats[i].nmodels; j++)
			free(res->cats[i].models[j].name);
		free(res->cats[i].models);
		free(res->cats[i].name);
		free(res->cats[i].baseline);
	}
	free(res->cats);
	memset(res, 0, sizeof(*res));
}
