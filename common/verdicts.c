/* verdicts.c: judgment records by judge, model, question (see verdicts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strmap.h"
#include "verdicts.h"

static const char *label_names[VERDICTS_NLABELS] = {
	"A>>B", "A>B", "A=B", "B>A", "B>>A"
};

/* Names in order of first appearance, until verdicts_finish sorts them. */
struct names {
	struct strmap map;
	char **v;
	size_t n;
};

struct verdicts_priv {
	int keep_text;
	struct names judges, models, questions;
	size_t *seq;		/* input position of each record */
	size_t cap;		/* room in recs */
};

static uint32_t
intern(struct names *t, const char *s)
{
	size_t len = strlen(s), id = strmap_get(&t->map, s, len);

	if (id != STRMAP_NONE)
		return (uint32_t)id;
	if ((t->n & (t->n - 1)) == 0)	/* 0, 1, 2, 4, ...: double */
		t->v = xrealloc(t->v, (t->n ? 2 * t->n : 1) * sizeof(*t->v));
	t->v[t->n] = xstrdup(s);
	strmap_put(&t->map, s, len, t->n);
	return (uint32_t)t->n++;
}

struct verdicts *
verdicts_new(int keep_text)
{
	struct verdicts *v = xcalloc(1, sizeof(*v));

	v->priv = xcalloc(1, sizeof(*v->priv));
	v->priv->keep_text = keep_text;
	return v;
}

static void
free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
verdicts_free(struct verdicts *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nrecs; i++) {
		free(v->recs[i].text[0]);
		free(v->recs[i].text[1]);
	}
	free(v->recs);
	if (v->judges == NULL) {
		free_names(v->priv->judges.v, v->priv->judges.n);
		free_names(v->priv->models.v, v->priv->models.n);
		free_names(v->priv->questions.v, v->priv->questions.n);
	}
	free_names(v->judges, v->njudges);
	free_names(v->models, v->nmodels);
	free_names(v->questions, v->nquestions);
	free_names(v->files, v->nfiles);
	strmap_release(&v->priv->judges.map);
	strmap_release(&v->priv->models.map);
	strmap_release(&v->priv->questions.map);
	free(v->priv->seq);
	free(v->priv);
	free(v);
}

uint32_t
verdicts_add_file(struct verdicts *v, const char *name)
{
	v->files = xrealloc(v->files, (v->nfiles + 1) * sizeof(*v->files));
	v->files[v->nfiles] = xstrdup(name);
	return (uint32_t)v->nfiles++;
}

const char *
verdicts_label_name(int label)
{
	return label >= 0 && label < VERDICTS_NLABELS ? label_names[label] :
	    NULL;
}

int
verdicts_model_view(int label, int game)
{
	/* Game 1 shows the opponent as A: A>>B is the model much worse. */
	return game == 0 ? label - 2 : 2 - label;
}

static int
parse_label(const json_t *score)
{
	const char *s;
	int i;

	if (!json_is_string(score))
		return VERDICTS_NONE;
	s = json_string_value(score);
	for (i = 0; i < VERDICTS_NLABELS; i++)
		if (strcmp(s, label_names[i]) == 0)
			return i;
	return VERDICTS_NONE;
}

/* A string member, or NULL; -1 with d set when it is not a string. */
static int
opt_string(const json_t *rec, const char *key, const char **out,
    const char *file, long line, struct diag *d)
{
	const json_t *x = json_object_get(rec, key);

	*out = NULL;
	if (x == NULL || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return diag_set(d, EX_DATAERR, file, line, "field '%s' is "
		    "not a string", key);
	*out = json_string_value(x);
	return 0;
}

int
verdicts_add(struct verdicts *v, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	struct verdicts_priv *p = v->priv;
	const char *fname = v->files[file], *qid, *model, *judge, *src, *ma;
	const json_t *games = json_object_get(rec, "games"), *id;
	struct verdicts_rec r;
	char num[32];
	size_t g;

	if (games == NULL)
		return 0;	/* a vote or a single grade */
	id = json_object_get(rec, "question_id");
	if (json_is_integer(id)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(id));
		qid = num;
	} else if (opt_string(rec, "question_id", &qid, fname, line,
	    d) == -1 || (qid == NULL && opt_string(rec, "uid", &qid, fname,
	    line, d) == -1))
		return -1;
	if (opt_string(rec, "model", &model, fname, line, d) == -1 ||
	    opt_string(rec, "model_a", &ma, fname, line, d) == -1 ||
	    opt_string(rec, "judge", &judge, fname, line, d) == -1 ||
	    opt_string(rec, "source_judge", &src, fname, line, d) == -1)
		return -1;
	if (qid == NULL)
		return diag_set(d, EX_DATAERR, fname, line,
		    "missing field 'question_id'");
	if (model == NULL)
		return diag_set(d, EX_DATAERR, fname, line,
		    "missing field 'model'");
	if (!json_is_array(games))
		return diag_set(d, EX_DATAERR, fname, line,
		    "field 'games' is not an array");
	memset(&r, 0, sizeof(r));
	for (g = 0; g < 2; g++) {
		const json_t *game = json_array_get(games, g), *t;

		r.label[g] = VERDICTS_NONE;
		if (!json_is_object(game))
			continue;
		r.label[g] = (int8_t)parse_label(json_object_get(game,
		    "score"));
		t = json_object_get(game, "judgment");
		if (json_is_object(t))
			t = json_object_get(t, "answer");
		if (p->keep_text && json_is_string(t)) {
			r.text_len[g] = json_string_length(t);
			r.text[g] = xstrndup(json_string_value(t),
			    r.text_len[g]);
		}
	}
	r.judge = intern(&p->judges, src ? src : judge ? judge : "");
	r.model = intern(&p->models, model);
	r.opponent = ma != NULL ? intern(&p->models, ma) : VERDICTS_BASELINE;
	r.question = intern(&p->questions, qid);
	r.file = file;
	r.line = line;
	/* Doubling: a copy per record is quadratic under the sanitizer. */
	if (v->nrecs == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		v->recs = xrealloc(v->recs, p->cap * sizeof(*v->recs));
	}
	v->recs[v->nrecs++] = r;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort t's names into *out; map[old id] = new id. */
static uint32_t *
sort_names(struct names *t, char ***out, size_t *n)
{
	uint32_t *map = xmalloc((t->n + 1) * sizeof(*map));
	size_t i;

	*out = xmalloc((t->n + 1) * sizeof(**out));
	if (t->n > 0) {
		memcpy(*out, t->v, t->n * sizeof(**out));
		qsort(*out, t->n, sizeof(**out), cmp_str);
	}
	for (i = 0; i < t->n; i++)
		map[strmap_get(&t->map, (*out)[i], strlen((*out)[i]))] =
		    (uint32_t)i;
	*n = t->n;
	free(t->v);
	t->v = NULL;
	t->n = 0;
	return map;
}

static int
cmp_key(const struct verdicts_rec *x, const struct verdicts_rec *y)
{
	if (x->judge != y->judge)
		return x->judge < y->judge ? -1 : 1;
	if (x->model != y->model)
		return x->model < y->model ? -1 : 1;
	if (x->opponent != y->opponent)
		return x->opponent < y->opponent ? -1 : 1;
	if (x->question != y->question)
		return x->question < y->question ? -1 : 1;
	return 0;
}

/* By key, then input order (so the last of a key comes last). */
static int
cmp_rec(const void *a, const void *b)
{
	const struct verdicts_rec *x = a, *y = b;
	int c = cmp_key(x, y);

	if (c != 0)
		return c;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

void
verdicts_finish(struct verdicts *v)
{
	struct verdicts_priv *p = v->priv;
	uint32_t *mj, *mm, *mq;
	size_t i, out = 0;

	mj = sort_names(&p->judges, &v->judges, &v->njudges);
	mm = sort_names(&p->models, &v->models, &v->nmodels);
	mq = sort_names(&p->questions, &v->questions, &v->nquestions);
	for (i = 0; i < v->nrecs; i++) {
		v->recs[i].judge = mj[v->recs[i].judge];
		v->recs[i].model = mm[v->recs[i].model];
		if (v->recs[i].opponent != VERDICTS_BASELINE)
			v->recs[i].opponent = mm[v->recs[i].opponent];
		v->recs[i].question = mq[v->recs[i].question];
	}
	free(mj);
	free(mm);
	free(mq);
	if (v->nrecs > 0)
		qsort(v->recs, v->nrecs, sizeof(*v->recs), cmp_rec);
	/* The last record of a key wins. */
	for (i = 0; i < v->nrecs; i++) {
		if (i + 1 < v->nrecs && cmp_key(&v->recs[i],
		    &v->recs[i + 1]) == 0) {
			free(v->recs[i].text[0]);
			free(v->recs[i].text[1]);
			v->replaced++;
			continue;
		}
		v->recs[out++] = v->recs[i];
	}
	v->nrecs = out;
}

static long
find_name(char *const *v, size_t n, const char *name)
{
	char *const *hit = bsearch(&name, v, n, sizeof(*v), cmp_str);

	return hit == NULL ? -1 : (long)(hit - v);
}

long
verdicts_judge_id(const struct verdicts *v, const char *name)
{
	return find_name(v->judges, v->njudges, name);
}

long
verdicts_model_id(const struct verdicts *v, const char *name)
{
	return find_name(v->models, v->nmodels, name);
}

long
verdicts_question_id(const struct verdicts *v, const char *qid)
{
	return find_name(v->questions, v->nquestions, qid);
}

static int
cmp_find(const void *a, const void *b)
{
	return cmp_key(a, b);
}

const struct verdicts_rec *
verdicts_find(const struct verdicts *v, uint32_t judge, uint32_t model,
    uint32_t opponent, uint32_t question)
{
	struct verdicts_rec key;

	key.judge = judge;
	key.model = model;
	key.opponent = opponent;
	key.question = question;
	return bsearch(&key, v->recs, v->nrecs, sizeof(*v->recs), cmp_find);
}
