/* arenadata.c: loading questions and answers for offline battles. */
#include <stdlib.h>
#include <string.h>

#include "answerscan.h"
#include "arenadata.h"
#include "buf.h"
#include "jsonl.h"
#include "qaset.h"
#include "strmap.h"
#include "style.h"

/* An answer read before the table exists. */
struct loose {
	size_t m, q;
	char *text;
	size_t len;
	json_t *meta;
	long long token_len;	/* turn-level token_len, or -1 */
};

struct arenadata_priv {
	struct strmap qidx;	/* question id -> index */
	struct strmap midx;	/* model -> index (input order) */
	struct strmap seen;	/* "m\nq" -> loose index */
	struct loose *loose;
	size_t nloose;
};

struct arenadata *
arenadata_new(void)
{
	struct arenadata *a = xcalloc(1, sizeof(*a));

	a->priv = xcalloc(1, sizeof(*a->priv));
	return a;
}

void
arenadata_free(struct arenadata *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nq; i++) {
		free(a->qids[i]);
		free(a->qtexts[i]);
	}
	free(a->qids);
	free(a->qtexts);
	free(a->qlens);
	if (a->ans != NULL)
		for (i = 0; i < a->nmodels * a->nq; i++) {
			free(a->ans[i].text);
			json_decref(a->ans[i].meta);
		}
	free(a->ans);
	for (i = 0; i < a->nmodels; i++)
		free(a->models[i]);
	free(a->models);
	for (i = 0; i < a->priv->nloose; i++) {
		free(a->priv->loose[i].text);
		json_decref(a->priv->loose[i].meta);
	}
	free(a->priv->loose);
	strmap_release(&a->priv->qidx);
	strmap_release(&a->priv->midx);
	strmap_release(&a->priv->seen);
	free(a->priv);
	free(a);
}

int
arenadata_read_questions(struct arenadata *a, const char *path,
    void (*note)(void *, const struct diag *), void *arg, struct diag *d)
{
	struct jsonl_reader *r;
	struct diag bad;
	json_t *rec;
	long line;
	int st;

	if ((r = jsonl_open(path, d)) == NULL)
		return -1;
	diag_clear(&bad);
	while ((st = jsonl_read(r, &rec, &line, &bad)) != 0) {
		struct qaset_question q;

		if (st == 1) {
			st = qaset_question_parse(rec, &q, jsonl_name(r), line,
			    &bad) == 0 ? 1 : -1;
			json_decref(rec);
		}
		if (st == 1 && strmap_get(&a->priv->qidx, q.id, q.id_len) !=
		    STRMAP_NONE) {
			diag_set(&bad, EX_DATAERR, jsonl_name(r), line,
			    "duplicate question_id '%s'", q.id);
			qaset_question_release(&q);
			st = -1;
		}
		if (st == -1) {
			if (note != NULL)
				note(arg, &bad);
			diag_clear(&bad);
			continue;
		}
		strmap_put(&a->priv->qidx, q.id, q.id_len, a->nq);
		a->qids = xrealloc(a->qids, (a->nq + 1) * sizeof(*a->qids));
		a->qtexts = xrealloc(a->qtexts, (a->nq + 1) *
		    sizeof(*a->qtexts));
		a->qlens = xrealloc(a->qlens, (a->nq + 1) * sizeof(*a->qlens));
		a->qids[a->nq] = xstrdup(q.id);
		a->qtexts[a->nq] = xmalloc(q.turns[0].len + 1);
		memcpy(a->qtexts[a->nq], q.turns[0].p, q.turns[0].len + 1);
		a->qlens[a->nq] = q.turns[0].len;
		if (q.n_turns > 1)
			a->multi_turn++;
		a->nq++;
		qaset_question_release(&q);
	}
	jsonl_free(r);
	return 0;
}

static int
kept(char *const *keep, const char *model)
{
	if (keep == NULL)
		return 1;
	for (; *keep != NULL; keep++)
		if (strcmp(*keep, model) == 0)
			return 1;
	return 0;
}

/* The turn-level token_len of a v0.1 answer, or -1. */
static long long
turn_token_len(const json_t *rec)
{
	const json_t *t;

	t = json_object_get(json_array_get(json_object_get(rec, "choices"), 0),
	    "turns");
	t = json_object_get(json_array_get(t, 0), "token_len");
	return json_is_integer(t) ? json_integer_value(t) : -1;
}

static void
add_answer(struct arenadata *a, json_t *rec, struct qaset_answer *ans,
    size_t q)
{
	struct arenadata_priv *p = a->priv;
	struct loose *l;
	struct buf key;
	json_t *meta;
	size_t m, i;

	m = strmap_get(&p->midx, ans->model, strlen(ans->model));
	if (m == STRMAP_NONE) {
		m = a->nmodels;
		strmap_put(&p->midx, ans->model, strlen(ans->model), m);
		a->models = xrealloc(a->models, (m + 1) * sizeof(*a->models));
		a->models[a->nmodels++] = xstrdup(ans->model);
	}
	buf_init(&key);
	buf_printf(&key, "%zu\n%zu", m, q);
	i = strmap_get(&p->seen, key.p, key.len);
	if (i == STRMAP_NONE) {
		i = p->nloose++;
		p->loose = xrealloc(p->loose, p->nloose * sizeof(*p->loose));
		memset(&p->loose[i], 0, sizeof(p->loose[i]));
		strmap_put(&p->seen, key.p, key.len, i);
	} else {
		a->duplicates++;
		free(p->loose[i].text);
		json_decref(p->loose[i].meta);
	}
	buf_release(&key);
	l = &p->loose[i];
	l->m = m;
	l->q = q;
	l->len = ans->turns[0].len;
	l->text = xmalloc(l->len + 1);
	memcpy(l->text, ans->turns[0].p, l->len + 1);
	meta = json_object_get(rec, "conv_metadata");
	if (meta == NULL)
		meta = json_object_get(rec, "metadata");	/* v2 */
	l->meta = json_is_object(meta) ? json_incref(meta) : NULL;
	l->token_len = turn_token_len(rec);
}

int
arenadata_read_answers(struct arenadata *a, const char *path,
    char *const *keep, void (*note)(void *, const struct diag *), void *arg,
    struct diag *d)
{
	char **paths = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (answerscan_expand(path, &paths, &n, d) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		struct jsonl_reader *r;
		struct diag bad;
		json_t *rec;
		char *fmodel;
		long line;
		int st;

		if ((r = jsonl_open(paths[i], d)) == NULL) {
			rc = -1;
			break;
		}
		/* FastChat names a model by its model_answer/ file. */
		fmodel = qaset_file_model(paths[i]);
		diag_clear(&bad);
		while ((st = jsonl_read(r, &rec, &line, &bad)) != 0) {
			struct qaset_answer ans;
			size_t q;

			if (st == -1 || qaset_answer_parse(rec, &ans,
			    fmodel, jsonl_name(r), line, &bad) == -1) {
				if (st == 1)
					json_decref(rec);
				if (note != NULL)
					note(arg, &bad);
				diag_clear(&bad);
				continue;
			}
			q = strmap_get(&a->priv->qidx, ans.question_id,
			    ans.question_id_len);
			if (q == STRMAP_NONE)
				a->unknown_questions++;
			else if (ans.n_turns > 0 && kept(keep, ans.model))
				add_answer(a, rec, &ans, q);
			qaset_answer_release(&ans);
			json_decref(rec);
		}
		jsonl_free(r);
		free(fmodel);
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* conv_metadata for an answer that has none (or only a token_len). */
static json_t *
computed_meta(const struct loose *l, const struct tok_encoder *tok)
{
	struct style_counts c;
	json_t *m, *h;
	long long tl = l->token_len;
	int i;

	if (tl < 0 && tok == NULL)
		return NULL;
	if (tl < 0)
		tl = (long long)tok_count(tok, l->text, l->len);
	style_count(l->text, l->len, &c);
	m = json_object();
	json_object_set_new(m, "token_len", json_integer(tl));
	h = json_object();
	for (i = 0; i < 6; i++) {
		char k[4] = { 'h', (char)('1' + i), '\0', '\0' };

		json_object_set_new(h, k, json_integer(c.header[i]));
	}
	json_object_set_new(m, "header_count", h);
	h = json_object();
	json_object_set_new(h, "ordered", json_integer(c.ordered));
	json_object_set_new(h, "unordered", json_integer(c.unordered));
	json_object_set_new(m, "list_count", h);
	h = json_object();
	json_object_set_new(h, "**", json_integer(c.bold_star));
	json_object_set_new(h, "__", json_integer(c.bold_under));
	json_object_set_new(m, "bold_count", h);
	return m;
}

void
arenadata_finish(struct arenadata *a, const struct tok_encoder *tok)
{
	struct arenadata_priv *p = a->priv;
	size_t *rank, i, nm = a->nmodels;
	char **sorted;

	sorted = xmalloc((nm ? nm : 1) * sizeof(*sorted));
	memcpy(sorted, a->models, nm * sizeof(*sorted));
	qsort(sorted, nm, sizeof(*sorted), cmp_str);
	rank = xmalloc((nm ? nm : 1) * sizeof(*rank));
	for (i = 0; i < nm; i++)
		rank[strmap_get(&p->midx, sorted[i], strlen(sorted[i]))] = i;
	free(a->models);
	a->models = sorted;
	a->ans = xcalloc(nm * a->nq + 1, sizeof(*a->ans));
	for (i = 0; i < p->nloose; i++) {
		struct loose *l = &p->loose[i];
		struct arenadata_answer *x = &a->ans[rank[l->m] * a->nq + l->q];

		x->text = l->text;
		x->len = l->len;
		x->meta = l->meta != NULL && json_object_get(l->meta,
		    "token_len") != NULL ? l->meta : computed_meta(l, tok);
		if (x->meta != l->meta)
			json_decref(l->meta);
		l->text = NULL;
		l->meta = NULL;
	}
	free(rank);
	free(p->loose);
	p->loose = NULL;
	p->nloose = 0;
	strmap_release(&p->seen);
}

const struct arenadata_answer *
arenadata_answer(const struct arenadata *a, size_t m, size_t q)
{
	const struct arenadata_answer *x;

	if (a->ans == NULL || m >= a->nmodels || q >= a->nq)
		return NULL;
	x = &a->ans[m * a->nq + q];
	return x->text != NULL ? x : NULL;
}

void
arenadata_vote_meta(const json_t *meta, char c, json_t *out)
{
	static const char *const from[] = { "token_len", "header_count",
	    "list_count", "bold_count" };
	static const char *const to[] = { "sum_assistant_%c_tokens",
	    "header_count_%c", "list_count_%c", "bold_count_%c" };
	size_t i;

	for (i = 0; i < 4; i++) {
		json_t *v = json_object_get(meta, from[i]);
		char key[64];

		if (v == NULL)
			continue;
		snprintf(key, sizeof(key), to[i], c);
		json_object_set_new(out, key, json_deep_copy(v));
	}
}
