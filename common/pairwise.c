/* pairwise.c: the games of two answers, their prompts and verdicts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judgerecord.h"
#include "pairwise.h"
#include "provenance.h"
#include "prompt.h"
#include "rng.h"
#include "strmap.h"
#include "verdict.h"

/* The rng stream of pair sampling (rng_xo_seed's "board"). */
#define SAMPLE_STREAM	16

/* One record: side a is Assistant A in game 1, side b in game 2. */
struct ptask {
	const struct qaset_question *q;
	const struct qaset_answer *a, *b;
	const struct qaset_answer **refs;	/* v0.1 references, or NULL */
	const char *system;			/* borrowed from the config */
};

struct pairwise {
	const struct judge_config *jc;
	const struct qaset *qs;
	qaset_note_fn *note;
	void *arg;
	int all;				/* pairwise-all */
	char settings[PROVENANCE_HEX + 1];	/* the judge settings' digest */
	struct ptask *tasks;
	size_t n, cap;
	struct buf scratch;
};

#define note(p, ...)	qaset_notef((p)->note, (p)->arg, __VA_ARGS__)

/* ---- prompts ---- */

int
pairwise_prompt(const struct judge_config *jc,
    const struct qaset_question *q, const struct qaset_answer *A,
    const struct qaset_answer *B, const struct qaset_answer *const *refs,
    size_t n_refs, struct buf *out, struct diag *d)
{
	struct prompt_args args;
	char name[64];
	size_t i, r;
	int rc;

	prompt_args_init(&args);
	for (i = 0; i < q->n_turns; i++) {
		snprintf(name, sizeof(name), "question_%zu", i + 1);
		prompt_args_set(&args, name, q->turns[i].p, q->turns[i].len);
	}
	for (i = 0; i < A->n_turns; i++) {
		snprintf(name, sizeof(name), "answer_%zu", i + 1);
		prompt_args_set(&args, name, A->turns[i].p, A->turns[i].len);
	}
	for (i = 0; i < B->n_turns; i++) {
		snprintf(name, sizeof(name), "answer_%zu", A->n_turns + i + 1);
		prompt_args_set(&args, name, B->turns[i].p, B->turns[i].len);
	}
	/* Upstream numbers reference turns i + j + 1: later ones win. */
	for (r = 0; r < n_refs; r++)
		for (i = 0; i < refs[r]->n_turns; i++) {
			snprintf(name, sizeof(name), "ref_answer_%zu",
			    i + r + 1);
			prompt_args_set(&args, name, refs[r]->turns[i].p,
			    refs[r]->turns[i].len);
		}
	rc = prompt_format(jc->prompt_template, jc->prompt_template_len,
	    &args, out, jc->path, 0, d);
	prompt_args_release(&args);
	return rc;
}

/* arena-hard-auto HEAD: the prompt and the last answer turns. */
static int
v2_prompt(const struct judge_config *jc, const struct qaset_question *q,
    const struct qaset_answer *A, const struct qaset_answer *B,
    struct buf *out, struct diag *d)
{
	struct prompt_args args;
	int rc;

	prompt_args_init(&args);
	prompt_args_set(&args, "QUESTION", q->turns[0].p, q->turns[0].len);
	prompt_args_set(&args, "ANSWER_A", A->turns[A->n_turns - 1].p,
	    A->turns[A->n_turns - 1].len);
	prompt_args_set(&args, "ANSWER_B", B->turns[B->n_turns - 1].p,
	    B->turns[B->n_turns - 1].len);
	rc = prompt_format(jc->prompt_template, jc->prompt_template_len,
	    &args, out, jc->path, 0, d);
	prompt_args_release(&args);
	return rc;
}

/* ---- sampling ---- */

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

size_t
pairwise_sample(size_t npairs, size_t k, uint64_t seed, size_t t,
    size_t *out)
{
	struct rng_xo r;
	size_t *order, i, start;

	if (k >= npairs) {
		for (i = 0; i < npairs; i++)
			out[i] = i;
		return npairs;
	}
	order = xmalloc(npairs * sizeof(*order));
	for (i = 0; i < npairs; i++)
		order[i] = i;
	rng_xo_seed(&r, seed, SAMPLE_STREAM, 0);
	for (i = npairs - 1; i > 0; i--) {
		size_t j = (size_t)rng_xo_below(&r, (uint64_t)i + 1), x;

		x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	start = (size_t)(((unsigned __int128)(t % npairs) * k) % npairs);
	for (i = 0; i < k; i++)
		out[i] = order[(start + i) % npairs];
	free(order);
	qsort(out, k, sizeof(*out), cmp_size);
	return k;
}

/* ---- preparing ---- */

struct pairwise *
pairwise_new(const struct judge_config *jc, const struct qaset *qs,
    qaset_note_fn *fn, void *arg)
{
	struct pairwise *p = xcalloc(1, sizeof(*p));

	p->jc = jc;
	provenance_judge_settings(jc, NULL, p->settings);
	p->qs = qs;
	p->note = fn;
	p->arg = arg;
	p->all = jc->mode == JUDGECONFIG_PAIRWISE_ALL;
	buf_init(&p->scratch);
	return p;
}

void
pairwise_free(struct pairwise *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->tasks[i].refs);
	free(p->tasks);
	buf_release(&p->scratch);
	free(p);
}

static struct ptask *
new_task(struct pairwise *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->tasks = xrealloc(p->tasks, p->cap * sizeof(*p->tasks));
	}
	memset(&p->tasks[p->n], 0, sizeof(*p->tasks));
	return &p->tasks[p->n++];
}

/* The system message of question q: the config's, or its category's. */
static const char *
system_of(struct pairwise *p, const struct qaset_question *q,
    const char **baseline)
{
	const struct judgeconfig_category *c;

	*baseline = p->jc->baseline_model;
	if (!p->jc->v2)
		return p->jc->system_prompt;
	c = judgeconfig_category(p->jc, q->category);
	if (c == NULL)
		return NULL;
	*baseline = c->baseline;
	return c->system_prompt;
}

static int
no_settings(struct pairwise *p, const struct qaset_question *q,
    const char *file, long line, const char *model)
{
	if (q->category == NULL)
		note(p, EX_DATAERR, file, line, "question %s has no category "
		    "(judge_settings are per category; model %s)", q->id,
		    model);
	else
		note(p, EX_DATAERR, file, line, "no judge_settings for "
		    "category '%s' (question %s, model %s)", q->category,
		    q->id, model);
	return -1;
}

/* Match answer a to its question, baseline answer and references. */
static int
match_baseline(struct pairwise *p, const struct qaset_answer *a)
{
	const struct judge_config *jc = p->jc;
	const struct qaset_question *q;
	const struct qaset_answer *base, *ref;
	const char *system, *bname;
	struct ptask *t;
	size_t r;

	q = qaset_find_question(p->qs, a->question_id, a->question_id_len);
	if (q == NULL) {
		note(p, EX_DATAERR, a->file, a->line, "question %s is not in "
		    "--questions (model %s)", a->question_id, a->model);
		return -1;
	}
	system = system_of(p, q, &bname);
	if (system == NULL)
		return no_settings(p, q, a->file, a->line, a->model);
	base = qaset_find(p->qs, QASET_BASELINES, bname, a->question_id,
	    a->question_id_len);
	if (base == NULL) {
		note(p, EX_DATAERR, a->file, a->line, "no baseline answer for "
		    "question %s (model %s)", a->question_id, a->model);
		return -1;
	}
	t = new_task(p);
	t->q = q;
	t->a = base;
	t->b = a;
	t->system = system;
	if (!jc->reference)
		return 0;
	t->refs = xcalloc(jc->n_ref_model + 1, sizeof(*t->refs));
	for (r = 0; r < jc->n_ref_model; r++) {
		ref = qaset_find(p->qs, QASET_REFERENCES, jc->ref_model[r],
		    a->question_id, a->question_id_len);
		if (ref == NULL) {
			note(p, EX_DATAERR, a->file, a->line, "no reference "
			    "answer of '%s' for question %s (model %s)",
			    jc->ref_model[r], a->question_id, a->model);
			free(t->refs);
			p->n--;
			return -1;
		}
		t->refs[r] = ref;
	}
	return 0;
}

static int
match_fn(void *arg, const struct qaset_answer *a)
{
	return match_baseline(arg, a);
}

static int
prepare_baseline(struct pairwise *p, const struct pairwise_opts *o)
{
	size_t skipped, unlisted;

	unlisted = qaset_each(p->qs, &o->filter, match_fn, p, &skipped);
	if (unlisted > 0)
		note(p, 0, NULL, 0, "left out %zu answers of models not in "
		    "model_list", unlisted);
	if (skipped > 0) {
		note(p, EX_DATAERR, NULL, 0, "skipped %zu answers without a "
		    "question or baseline answer", skipped);
		return EX_DATAERR;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The models of the answers to judge, sorted bytewise. */
static const char **
answer_models(struct pairwise *p, const struct pairwise_opts *o, size_t *n,
    size_t *unlisted)
{
	struct strmap seen = { 0 };
	const char **v = NULL;
	size_t i;

	*n = *unlisted = 0;
	for (i = 0; i < qaset_n_answers(p->qs); i++) {
		const struct qaset_answer *a = qaset_answer(p->qs, i);
		size_t len;

		if (a == NULL)
			continue;
		len = strlen(a->model);
		if (strmap_get(&seen, a->model, len) != STRMAP_NONE)
			continue;
		strmap_put(&seen, a->model, len, i);
		if (!qaset_listed(&o->filter, a->model)) {
			(*unlisted)++;
			continue;
		}
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = a->model;
	}
	strmap_release(&seen);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Pair number k of m models (row-major over i < j) to (i, j). */
static void
pair_of(size_t k, size_t m, size_t *i, size_t *j)
{
	size_t row = m - 1;

	for (*i = 0; k >= row; (*i)++, row--)
		k -= row;
	*j = *i + 1 + k;
}

static int
prepare_all(struct pairwise *p, const struct pairwise_opts *o)
{
	const struct qaset *qs = p->qs;
	const struct qaset_answer **have;
	const char **models, *bname;
	size_t m, unlisted, npairs, *pick, np, i, k, t = 0, nq;
	size_t skipped = 0, missing = 0;
	unsigned char *told;
	int rc = 0;

	models = answer_models(p, o, &m, &unlisted);
	if (unlisted > 0)
		note(p, 0, NULL, 0, "left out the answers of %zu models not in "
		    "model_list", unlisted);
	if (m < 2) {
		note(p, EX_DATAERR, NULL, 0, "pairwise-all needs the answers "
		    "of two models at least (%zu given)", m);
		free(models);
		return EX_DATAERR;
	}
	/* Answers whose question is unknown. */
	for (i = 0; i < qaset_n_answers(qs); i++) {
		const struct qaset_answer *a = qaset_answer(qs, i);

		if (a != NULL && qaset_find_question(qs, a->question_id,
		    a->question_id_len) == NULL &&
		    bsearch(&a->model, models, m, sizeof(*models),
		    cmp_str) != NULL) {
			note(p, EX_DATAERR, a->file, a->line, "question %s is "
			    "not in --questions (model %s)", a->question_id,
			    a->model);
			rc = EX_DATAERR;
		}
	}
	npairs = m * (m - 1) / 2;
	pick = xmalloc(npairs * sizeof(*pick));
	have = xcalloc(m, sizeof(*have));
	told = xcalloc(m, 1);
	nq = qaset_n_questions(qs);
	for (k = 0; k < nq; k++) {
		const struct qaset_question *q = qaset_question(qs, k);
		size_t any = 0;

		for (i = 0; i < m; i++) {
			have[i] = qaset_find(qs, QASET_ANSWERS, models[i],
			    q->id, q->id_len);
			any += have[i] != NULL;
			told[i] = 0;
		}
		/* Questions nobody answered are not part of the run. */
		if (any == 0)
			continue;
		/* Numbered before sharding, so that shards line up. */
		t++;
		if (!shard_keep(o->filter.shard, q->id, q->id_len))
			continue;
		if (system_of(p, q, &bname) == NULL) {
			no_settings(p, q, NULL, 0, "any");
			rc = EX_DATAERR;
			continue;
		}
		np = pairwise_sample(npairs, o->pairs_per_question > 0 ?
		    (size_t)o->pairs_per_question : npairs, o->seed, t - 1,
		    pick);
		for (i = 0; i < np; i++) {
			size_t x, y;
			struct ptask *tk;

			pair_of(pick[i], m, &x, &y);
			if (have[x] == NULL || have[y] == NULL) {
				size_t w = have[x] == NULL ? x : y;

				if (!told[w]) {
					note(p, EX_DATAERR, NULL, 0, "no "
					    "answer of model %s for question "
					    "%s", models[w], q->id);
					told[w] = 1;
					missing++;
				}
				skipped++;
				continue;
			}
			tk = new_task(p);
			tk->q = q;
			tk->a = have[x];
			tk->b = have[y];
			tk->system = system_of(p, q, &bname);
		}
	}
	if (skipped > 0) {
		note(p, EX_DATAERR, NULL, 0, "skipped %zu pairs: %zu answers "
		    "missing", skipped, missing);
		rc = EX_DATAERR;
	}
	free(told);
	free(have);
	free(pick);
	free(models);
	return rc;
}

int
pairwise_prepare(struct pairwise *p, const struct pairwise_opts *o)
{
	return p->all ? prepare_all(p, o) : prepare_baseline(p, o);
}

/* ---- the judge_ops ---- */

static size_t
op_n_tasks(void *mode)
{
	return ((struct pairwise *)mode)->n;
}

static int
op_n_convs(void *mode)
{
	struct pairwise *p = mode;

	return p->all || p->jc->pairwise ? 2 : 1;
}

static int
op_n_convs_t(void *mode, size_t t)
{
	(void)t;
	return op_n_convs(mode);
}

static int
op_prompt(void *mode, size_t t, int c, const char **system,
    size_t *system_len, struct buf *out, struct diag *d)
{
	struct pairwise *p = mode;
	const struct ptask *tk = &p->tasks[t];
	const struct qaset_answer *A = c == 0 ? tk->a : tk->b;
	const struct qaset_answer *B = c == 0 ? tk->b : tk->a;
	size_t n_refs = tk->refs != NULL ? p->jc->n_ref_model : 0;

	*system = tk->system;
	*system_len = strlen(tk->system);
	if (p->jc->v2) {
		if (A->n_turns == 0 || B->n_turns == 0)
			return diag_set(d, EX_DATAERR, NULL, 0, "an answer "
			    "has no turns");
		return v2_prompt(p->jc, tk->q, A, B, out, d);
	}
	return pairwise_prompt(p->jc, tk->q, A, B, tk->refs, n_refs, out, d);
}

static void
op_unknown(void *mode, size_t t, int c, long long *tokens, long long *bound,
    uint64_t *which)
{
	struct pairwise *p = mode;
	const struct ptask *tk = &p->tasks[t];
	const struct qaset_answer *A = c == 0 ? tk->a : tk->b;
	const struct qaset_answer *B = c == 0 ? tk->b : tk->a;

	*tokens = tk->a->estimate_tokens + tk->b->estimate_tokens;
	*bound = tk->a->estimate_tokens_bound + tk->b->estimate_tokens_bound;
	/* Stand-ins are told apart by which answers sit where. */
	*which = qaset_standin_id(A) * 0x9E3779B97F4A7C15ULL ^
	    qaset_standin_id(B);
}

json_t *
pairwise_v2_score(const struct judge_config *jc, const char *text,
    size_t len)
{
	char *up = xmalloc(len + 1), *label = NULL;
	json_t *score = NULL;
	size_t i;

	/* ASCII only: the verdict patterns and labels are ASCII. */
	for (i = 0; i < len; i++)
		up[i] = text[i] >= 'a' && text[i] <= 'z' ?
		    (char)(text[i] - 'a' + 'A') : text[i];
	up[len] = '\0';
	for (i = 0; i < jc->n_patterns && score == NULL; i++)
		if (verdict_last(jc->verdicts[i], up, len, &label, NULL) ==
		    VERDICT_ONE) {
			score = json_string(label);
			free(label);
		}
	free(up);
	return score;
}

static enum judge_verdict
op_verdict(void *mode, size_t t, int c, const char *text, size_t len,
    int last, json_t **score)
{
	struct pairwise *p = mode;
	char *label = NULL;
	int v;

	(void)t;
	(void)c;
	(void)last;
	if (p->jc->v2) {
		*score = pairwise_v2_score(p->jc, text, len);
		return *score != NULL ? JUDGE_FINAL : JUDGE_AGAIN;
	}
	v = verdict_find(p->jc->verdict, text, len, &label, NULL);
	if (v == VERDICT_NONE)
		return JUDGE_AGAIN;
	/* Two distinct labels: null, and no point in asking again. */
	*score = v == VERDICT_ONE ? json_string(label) : NULL;
	free(label);
	return JUDGE_FINAL;
}

static json_t *
op_record(void *mode, size_t t, const struct judge_conv *convs)
{
	struct pairwise *p = mode;
	const struct ptask *tk = &p->tasks[t];
	struct judgerecord_game games[2];
	int g, n = op_n_convs(mode);
	json_t *id, *rec;

	memset(games, 0, sizeof(games));
	for (g = 0; g < n; g++) {
		games[g].user_prompt = convs[g].prompt.p;
		games[g].user_prompt_len = convs[g].prompt.len;
		games[g].judgment = convs[g].text.p;
		games[g].judgment_len = convs[g].text.len;
		games[g].score = convs[g].score;
		games[g].system = convs[g].system;
		games[g].system_len = convs[g].system_len;
	}
	id = qaset_id_json(tk->b->question_id, tk->b->question_id_len,
	    tk->b->id_int);
	if (p->jc->v2)
		rec = judgerecord_v2(id, tk->q->category, p->jc->judge_model,
		    tk->b->model, tk->a->model, p->all ? tk->a->model : NULL,
		    games, n);
	else
		rec = judgerecord_pairwise(id, tk->b->model, p->all ?
		    tk->a->model : NULL, p->jc->judge_model, games, n);
	json_decref(id);
	json_object_set_new(rec, "provenance", provenance_judgment(
	    p->settings, tk->q, tk->b, p->all ? "answer_a" : "baseline_answer",
	    tk->a, tk->refs, tk->refs != NULL ? p->jc->n_ref_model : 0));
	return rec;
}

static void
op_describe(void *mode, size_t t, struct buf *what)
{
	struct pairwise *p = mode;
	const struct ptask *tk = &p->tasks[t];

	if (p->all)
		buf_printf(what, "question %s, models %s and %s", tk->q->id,
		    tk->a->model, tk->b->model);
	else
		buf_printf(what, "question %s, model %s", tk->b->question_id,
		    tk->b->model);
}

static void
op_failed(void *mode, size_t t, int c, json_t *rec, struct buf *what)
{
	struct pairwise *p = mode;
	const struct ptask *tk = &p->tasks[t];

	json_object_set_new(rec, "question_id", qaset_id_json(
	    tk->b->question_id, tk->b->question_id_len, tk->b->id_int));
	json_object_set_new(rec, "model", json_string(tk->b->model));
	if (p->all) {
		json_object_set_new(rec, "model_a", json_string(tk->a->model));
		json_object_set_new(rec, "model_b", json_string(tk->b->model));
		buf_printf(what, "question %s (models %s and %s, game %d)",
		    tk->q->id, tk->a->model, tk->b->model, c + 1);
	} else
		buf_printf(what, "question %s (model %s, game %d)",
		    tk->b->question_id, tk->b->model, c + 1);
	json_object_set_new(rec, "judge", json_string(p->jc->judge_model));
	json_object_set_new(rec, "game", json_integer(c + 1));
}

void
pairwise_ops(struct pairwise *p, struct judge_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->mode = p;
	ops->attempts = p->jc->attempts;
	ops->continue_msg = JUDGECONFIG_CONTINUE;
	/* v0.1 writes "\n" before every reply; HEAD keeps the reply. */
	ops->lead_newline = !p->jc->v2;
	ops->temperature = p->jc->temperature;
	ops->max_tokens = p->jc->max_tokens;
	ops->n_tasks = op_n_tasks;
	ops->n_convs = op_n_convs_t;
	ops->prompt = op_prompt;
	ops->verdict = op_verdict;
	ops->describe = op_describe;
	ops->record = op_record;
	ops->failed = op_failed;
	ops->unknown = op_unknown;
}
