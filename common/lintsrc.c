/* lintsrc.c: checks over the records a board is computed from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lintsrc.h"
#include "provenance.h"

/* Findings of one kind shown per model before they are only counted. */
#define SHOWN 3
/* Findings about distinct questions shown before they are only counted. */
#define SHOWN_QUESTIONS 10
/* Common questions two models need before their answers are compared. */
#define TWIN_MIN_COMMON 10

/*
 * Repeated findings of one check, keyed by (judge, model): the first SHOWN
 * are added, the rest counted and summed up by cap_finish.
 */
struct cap {
	size_t *count;
	size_t nj, nm;
};

static void
cap_init(struct cap *c, const struct boardsrc *src)
{
	c->nj = src->judges.n + 1;
	c->nm = src->models.n;
	c->count = xcalloc(c->nj * c->nm + 1, sizeof(*c->count));
}

/* Whether the finding for (judge, model) is to be shown; counts it. */
static int
cap_take(struct cap *c, uint32_t judge, uint32_t model)
{
	size_t j = judge == BOARDSRC_NONE ? c->nj - 1 : judge;

	return c->count[j * c->nm + model]++ < SHOWN;
}

static void
cap_finish(struct cap *c, const struct boardsrc *src, struct lint_report *r,
    enum lint_smell smell, enum lint_severity sev, const char *what)
{
	size_t j, m, n;

	for (j = 0; j < c->nj; j++)
		for (m = 0; m < c->nm; m++) {
			if ((n = c->count[j * c->nm + m]) <= SHOWN)
				continue;
			if (j + 1 < c->nj)
				lint_add(r, smell, sev, "model",
				    src->models.v[m], NULL, 0, "%zu more %s of "
				    "model '%s' by '%s'", n - SHOWN, what,
				    src->models.v[m], src->judges.v[j]);
			else
				lint_add(r, smell, sev, "model",
				    src->models.v[m], NULL, 0, "%zu more %s of "
				    "model '%s'", n - SHOWN, what,
				    src->models.v[m]);
		}
	free(c->count);
}

static const char *
file_of(const struct boardsrc *src, uint32_t f)
{
	return src->files.v[f];
}

/* "judge:model/question", the entity of one judgment. */
static void
judgment_name(struct buf *b, const struct boardsrc *src,
    const struct boardsrc_judgment *j)
{
	buf_reset(b);
	buf_printf(b, "%s/%s/%s", j->judge == BOARDSRC_NONE ? "" :
	    src->judges.v[j->judge], src->models.v[j->model],
	    src->questions.v[j->question]);
}

static const char *
judge_name(const struct boardsrc *src, uint32_t judge)
{
	return judge == BOARDSRC_NONE ? "(no judge)" : src->judges.v[judge];
}

/*
 * Per (judge, model): the number of records, distinct questions judged
 * (within the question set when there is one) and the first record.
 */
struct jm {
	size_t records, questions;
	size_t first;		/* index of the first record */
	int seen;
};

struct index {
	size_t nj, nm, nq;
	struct jm *jm;		/* [judge][model], judge nj-1: no judge */
	uint8_t *in_set;	/* question in the question set */
	size_t set_size;	/* distinct questions in the set */
	int *answered;		/* model has answers */
	uint8_t *is_member;	/* judge is one an ensemble combines */
};

static struct jm *
jm_at(struct index *x, uint32_t judge, uint32_t model)
{
	size_t j = judge == BOARDSRC_NONE ? x->nj - 1 : judge;

	return &x->jm[j * x->nm + model];
}

static void
index_build(struct index *x, const struct boardsrc *src,
    const struct lintsrc_opts *o)
{
	uint8_t *seen;
	size_t i;

	x->nj = src->judges.n + 1;
	x->nm = src->models.n;
	x->nq = src->questions.n;
	x->jm = xcalloc(x->nj * x->nm + 1, sizeof(*x->jm));
	x->in_set = xcalloc(x->nq + 1, 1);
	x->answered = xcalloc(x->nm + 1, sizeof(*x->answered));
	x->is_member = xcalloc(x->nj + 1, 1);
	for (i = 0; i < src->nqset; i++) {
		x->set_size += !x->in_set[src->qset[i].question];
		x->in_set[src->qset[i].question] = 1;
	}
	for (i = 0; i < src->nanswers; i++)
		x->answered[src->answers[i].model] = 1;
	/* Distinct questions per (judge, model), via a seen bitmap. */
	seen = xcalloc(x->nj * x->nm * x->nq + 1, 1);
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];
		struct jm *m = jm_at(x, j->judge, j->model);
		size_t jj = j->judge == BOARDSRC_NONE ? x->nj - 1 : j->judge;
		uint8_t *s = &seen[(jj * x->nm + j->model) * x->nq +
		    j->question];

		if (!m->seen) {
			m->seen = 1;
			m->first = i;
		}
		m->records++;
		if (!*s && (!o->have_questions || x->in_set[j->question]))
			m->questions++;
		*s = 1;
	}
	free(seen);
	if (o->judges != NULL) {
		for (i = 0; i < o->njudges; i++) {
			uint32_t k = boardsrc_find(&src->judges, o->judges[i]);

			if (k != BOARDSRC_NONE)
				x->is_member[k] = 1;
		}
	} else {
		uint32_t b = o->board_judge != NULL ?
		    boardsrc_find(&src->judges, o->board_judge) :
		    BOARDSRC_NONE;

		for (i = 0; i < src->judges.n; i++)
			x->is_member[i] = i != b;
	}
}

static void
index_release(struct index *x)
{
	free(x->jm);
	free(x->in_set);
	free(x->answered);
	free(x->is_member);
}

/*
 * missing: every judge judged every model that has answers or any
 * judgment; the judges an ensemble combines are all present.
 */
static void
check_models(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct index *x, struct lint_report *r)
{
	size_t j, m, i;

	for (i = 0; o->judges != NULL && i < o->njudges; i++)
		if (boardsrc_find(&src->judges, o->judges[i]) ==
		    BOARDSRC_NONE)
			lint_add(r, LINT_MISSING, LINT_ERROR, "judge",
			    o->judges[i], NULL, 0, "judge '%s' of the "
			    "ensemble has no judgment at all", o->judges[i]);
	for (j = 0; j < src->judges.n; j++)
		for (m = 0; m < x->nm; m++) {
			int judged_any = 0, base;
			size_t k;

			if (jm_at(x, (uint32_t)j, (uint32_t)m)->seen)
				continue;
			for (k = 0; k < x->nj && !judged_any; k++)
				judged_any = x->jm[k * x->nm + m].seen;
			if (!judged_any && !x->answered[m])
				continue;
			base = o->baseline != NULL &&
			    strcmp(o->baseline, src->models.v[m]) == 0;
			if (base && !judged_any)
				lint_add(r, LINT_MISSING, LINT_WARNING, "model",
				    src->models.v[m], NULL, 0, "the baseline "
				    "'%s' has no judgment of itself by '%s' "
				    "(the Korean fork's control boards count "
				    "one)", src->models.v[m], src->judges.v[j]);
			else if (!judged_any)
				lint_add(r, LINT_MISSING, LINT_ERROR, "model",
				    src->models.v[m], NULL, 0, "model '%s' has "
				    "answers but no judgments by '%s'",
				    src->models.v[m], src->judges.v[j]);
			else if (x->is_member[j] || o->judges == NULL)
				lint_add(r, LINT_MISSING, LINT_ERROR, "model",
				    src->models.v[m], NULL, 0, "model '%s' has "
				    "no judgments by '%s', which judged other "
				    "models", src->models.v[m],
				    src->judges.v[j]);
		}
}

/* missing: a model judged on fewer questions than the question set. */
static void
check_coverage(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct index *x, struct lint_report *r)
{
	size_t j, m, want;

	for (j = 0; j < x->nj; j++) {
		want = x->set_size;
		if (!o->have_questions)
			for (m = 0, want = 0; m < x->nm; m++)
				if (x->jm[j * x->nm + m].questions > want)
					want = x->jm[j * x->nm + m].questions;
		for (m = 0; m < x->nm; m++) {
			struct jm *c = &x->jm[j * x->nm + m];
			const struct boardsrc_judgment *f;

			if (!c->seen || c->questions >= want)
				continue;
			f = &src->judgments[c->first];
			lint_add(r, LINT_MISSING, LINT_ERROR, "model",
			    src->models.v[m], file_of(src, f->file), 0,
			    "model '%s' is judged by '%s' on %zu of the %zu "
			    "questions%s", src->models.v[m],
			    judge_name(src, f->judge), c->questions, want,
			    o->have_questions ? " of the question set" :
			    " other models were judged on");
		}
	}
}

/* missing: games; redundant: the same answer judged twice. */
static void
check_records(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct lint_report *r)
{
	struct cap short_cap, verdict_cap, dup_cap;
	struct strmap first = { 0 };
	struct buf name;
	size_t i;

	cap_init(&short_cap, src);
	cap_init(&verdict_cap, src);
	cap_init(&dup_cap, src);
	buf_init(&name);
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];
		const char *file = file_of(src, j->file);
		size_t prev, g;

		judgment_name(&name, src, j);
		if (j->ngames < (uint32_t)o->games &&
		    cap_take(&short_cap, j->judge, j->model))
			lint_add(r, LINT_MISSING, LINT_ERROR, "judgment",
			    name.p, file, j->line, "judgment of model '%s' on "
			    "question '%s' has %u game%s of %d",
			    src->models.v[j->model],
			    src->questions.v[j->question], j->ngames,
			    j->ngames == 1 ? "" : "s", o->games);
		for (g = 0; g < 2 && g < j->ngames; g++)
			if (j->label[g] >= BOARDSRC_NULL &&
			    cap_take(&verdict_cap, j->judge, j->model))
				lint_add(r, LINT_MISSING, LINT_WARNING,
				    "judgment", name.p, file, j->line, "game "
				    "%zu of model '%s' on question '%s' has no "
				    "valid verdict (%s): show-result drops it",
				    g + 1, src->models.v[j->model],
				    src->questions.v[j->question],
				    j->label[g] == BOARDSRC_NULL ? "null" :
				    "not one of the five labels");
		prev = strmap_get(&first, name.p, name.len);
		if (prev == STRMAP_NONE) {
			strmap_put(&first, name.p, name.len, i);
			continue;
		}
		if (cap_take(&dup_cap, j->judge, j->model))
			lint_add(r, LINT_REDUNDANT, LINT_ERROR, "judgment",
			    name.p, file, j->line, "model '%s' on question "
			    "'%s' is judged again by '%s' (first at %s:%ld): "
			    "show-result counts both", src->models.v[j->model],
			    src->questions.v[j->question],
			    judge_name(src, j->judge),
			    file_of(src, src->judgments[prev].file),
			    src->judgments[prev].line);
	}
	cap_finish(&short_cap, src, r, LINT_MISSING, LINT_ERROR,
	    "judgments with missing games");
	cap_finish(&verdict_cap, src, r, LINT_MISSING, LINT_WARNING,
	    "games without a valid verdict");
	cap_finish(&dup_cap, src, r, LINT_REDUNDANT, LINT_ERROR,
	    "repeated judgments");
	strmap_release(&first);
	buf_release(&name);
}

/*
 * redundant: the records of one model (and judge) spread over several
 * files; mismatched: a file named after one model holding another's
 * records.  kind is "judgments" or "answers".
 */
struct spread {
	uint32_t key1, key2;	/* (judge, model) or (NONE, model) */
	uint32_t file;
	long line;
	uint32_t model;
};

static int
cmp_spread(const void *pa, const void *pb)
{
	const struct spread *a = pa, *b = pb;

	if (a->key1 != b->key1)
		return a->key1 < b->key1 ? -1 : 1;
	if (a->key2 != b->key2)
		return a->key2 < b->key2 ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static void
check_files(const struct boardsrc *src, struct spread *v, size_t n,
    const char *kind, struct lint_report *r)
{
	size_t i, k;

	qsort(v, n, sizeof(*v), cmp_spread);
	for (i = 0; i < n; i = k) {
		size_t files = 1;
		struct buf list;

		for (k = i + 1; k < n && v[k].key1 == v[i].key1 &&
		    v[k].key2 == v[i].key2; k++)
			files += v[k].file != v[k - 1].file;
		if (files < 2)
			continue;
		buf_init(&list);
		for (size_t m = i; m < k; m++)
			if (m == i || v[m].file != v[m - 1].file)
				buf_printf(&list, "%s'%s'", m == i ? "" : ", ",
				    file_of(src, v[m].file));
		if (v[i].key1 != BOARDSRC_NONE)
			lint_add(r, LINT_REDUNDANT, LINT_WARNING, "model",
			    src->models.v[v[i].model], NULL, 0, "the %s of "
			    "model '%s' by '%s' are spread over %zu files: %s",
			    kind, src->models.v[v[i].model],
			    src->judges.v[v[i].key1], files, list.p);
		else
			lint_add(r, LINT_REDUNDANT, LINT_WARNING, "model",
			    src->models.v[v[i].model], NULL, 0, "the %s of "
			    "model '%s' are spread over %zu files: %s", kind,
			    src->models.v[v[i].model], files, list.p);
		buf_release(&list);
	}
	/* A file whose name is a model's name holding another's records. */
	for (i = 0; i < n; i++) {
		char *stem;
		uint32_t named;

		if (i > 0 && v[i].file == v[i - 1].file &&
		    v[i].model == v[i - 1].model)
			continue;
		stem = boardsrc_file_stem(file_of(src, v[i].file));
		named = boardsrc_find(&src->models, stem);
		if (named != BOARDSRC_NONE && named != v[i].model)
			lint_add(r, LINT_MISMATCHED, LINT_ERROR, "model",
			    src->models.v[v[i].model], file_of(src,
			    v[i].file), v[i].line, "file named after model "
			    "'%s' holds %s of model '%s'", stem, kind,
			    src->models.v[v[i].model]);
		free(stem);
	}
}

static void
check_spread(const struct boardsrc *src, struct lint_report *r)
{
	struct spread *v;
	size_t i, n = src->njudgments > src->nanswers ? src->njudgments :
	    src->nanswers;

	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];

		v[i].key1 = j->judge;
		v[i].key2 = j->model;
		v[i].model = j->model;
		v[i].file = j->file;
		v[i].line = j->line;
	}
	check_files(src, v, src->njudgments, "judgments", r);
	for (i = 0; i < src->nanswers; i++) {
		const struct boardsrc_answer *a = &src->answers[i];

		v[i].key1 = BOARDSRC_NONE;
		v[i].key2 = a->model;
		v[i].model = a->model;
		v[i].file = a->file;
		v[i].line = a->line;
	}
	check_files(src, v, src->nanswers, "answers", r);
	free(v);
}

/* mismatched: a record's baseline that is not the board's. */
static void
check_baseline(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct lint_report *r)
{
	struct cap c;
	size_t i;

	if (o->baseline == NULL)
		return;
	cap_init(&c, src);
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];
		struct buf name;

		if (j->baseline == BOARDSRC_NONE ||
		    strcmp(src->models.v[j->baseline], o->baseline) == 0 ||
		    !cap_take(&c, j->judge, j->model))
			continue;
		buf_init(&name);
		judgment_name(&name, src, j);
		lint_add(r, LINT_MISMATCHED, LINT_ERROR, "judgment", name.p,
		    file_of(src, j->file), j->line, "judgment against "
		    "baseline '%s', the board's baseline is '%s'",
		    src->models.v[j->baseline], o->baseline);
		buf_release(&name);
	}
	cap_finish(&c, src, r, LINT_MISMATCHED, LINT_ERROR,
	    "judgments against another baseline");
}

/*
 * The question set: repeated ids (redundant); judged questions that are
 * not in it (deprecated).  Answers to such questions are only noted.
 */
static void
check_questions(const struct boardsrc *src, struct index *x,
    struct lint_report *r)
{
	size_t *first = xcalloc(x->nq + 1, sizeof(*first));
	size_t *judged = xcalloc(x->nq + 1, sizeof(*judged));
	size_t *answered = xcalloc(x->nq + 1, sizeof(*answered));
	size_t i, shown = 0, more = 0, extra_answers = 0;

	for (i = 0; i < src->nqset; i++) {
		const struct boardsrc_question *q = &src->qset[i];

		if (first[q->question] == 0) {
			first[q->question] = i + 1;
			continue;
		}
		lint_add(r, LINT_REDUNDANT, LINT_ERROR, "question",
		    src->questions.v[q->question], file_of(src, q->file),
		    q->line, "question '%s' is in the question set twice "
		    "(first at line %ld)", src->questions.v[q->question],
		    src->qset[first[q->question] - 1].line);
	}
	for (i = 0; i < src->njudgments; i++)
		judged[src->judgments[i].question]++;
	for (i = 0; i < src->nanswers; i++)
		answered[src->answers[i].question]++;
	for (i = 0; i < x->nq; i++) {
		if (x->in_set[i])
			continue;
		extra_answers += judged[i] == 0 && answered[i] > 0;
		if (judged[i] == 0)
			continue;
		if (shown++ >= SHOWN_QUESTIONS) {
			more++;
			continue;
		}
		lint_add(r, LINT_DEPRECATED, LINT_ERROR, "question",
		    src->questions.v[i], NULL, 0, "question '%s' is no longer "
		    "in the question set, yet %zu judgment%s count it",
		    src->questions.v[i], judged[i], judged[i] == 1 ? "" : "s");
	}
	if (more > 0)
		lint_add(r, LINT_DEPRECATED, LINT_ERROR, "dataset",
		    file_of(src, src->qset[0].file), NULL, 0, "%zu more judged "
		    "questions are not in the question set", more);
	if (extra_answers > 0)
		lint_add(r, LINT_DEPRECATED, LINT_WARNING, "dataset",
		    file_of(src, src->qset[0].file), NULL, 0, "answers exist "
		    "to %zu questions that are not in the question set (no "
		    "judgment counts them)", extra_answers);
	free(first);
	free(judged);
	free(answered);
}

/*
 * Answers: repeated (model, question) pairs (redundant); judged answers
 * that are absent and answers without the metadata of the control boards
 * (missing).
 */
static void
check_answers(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct index *x, struct lint_report *r)
{
	struct strmap first = { 0 };
	struct cap dup;
	size_t *nometa = xcalloc(x->nm + 1, sizeof(*nometa));
	size_t *count = xcalloc(x->nm + 1, sizeof(*count));
	size_t *unanswered = xcalloc(x->nm + 1, sizeof(*unanswered));
	uint8_t *has = xcalloc(x->nm * x->nq + 1, 1);
	struct buf key;
	size_t i, m;

	cap_init(&dup, src);
	buf_init(&key);
	for (i = 0; i < src->nanswers; i++) {
		const struct boardsrc_answer *a = &src->answers[i];
		size_t prev;

		has[(size_t)a->model * x->nq + a->question] = 1;
		count[a->model]++;
		if (a->meta_mask != (1U << ANSWER_NELEM) - 1)
			nometa[a->model]++;
		buf_reset(&key);
		buf_printf(&key, "%s/%s", src->models.v[a->model],
		    src->questions.v[a->question]);
		if ((prev = strmap_get(&first, key.p, key.len)) ==
		    STRMAP_NONE) {
			strmap_put(&first, key.p, key.len, i);
			continue;
		}
		if (cap_take(&dup, BOARDSRC_NONE, a->model))
			lint_add(r, LINT_REDUNDANT, LINT_WARNING, "answer",
			    key.p, file_of(src, a->file), a->line, "model "
			    "'%s' answered question '%s' again (first at "
			    "%s:%ld): the last answer wins",
			    src->models.v[a->model],
			    src->questions.v[a->question],
			    file_of(src, src->answers[prev].file),
			    src->answers[prev].line);
	}
	cap_finish(&dup, src, r, LINT_REDUNDANT, LINT_WARNING,
	    "repeated answers");
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];

		if (x->answered[j->model] &&
		    !has[(size_t)j->model * x->nq + j->question]) {
			has[(size_t)j->model * x->nq + j->question] = 1;
			unanswered[j->model]++;
		}
	}
	for (m = 0; m < x->nm; m++) {
		int judged = 0;
		size_t k;

		for (k = 0; k < x->nj; k++)
			judged |= x->jm[k * x->nm + m].seen;
		if (judged && !x->answered[m])
			lint_add(r, LINT_MISSING, LINT_WARNING, "model",
			    src->models.v[m], NULL, 0, "model '%s' has "
			    "judgments but no answers: its avg_tokens is "
			    "unknown and the control boards cannot include "
			    "it", src->models.v[m]);
		if (unanswered[m] > 0)
			lint_add(r, LINT_MISSING, LINT_WARNING, "model",
			    src->models.v[m], NULL, 0, "%zu judged answers of "
			    "model '%s' are not in the answers given",
			    unanswered[m], src->models.v[m]);
		if (nometa[m] > 0)
			lint_add(r, LINT_MISSING, LINT_WARNING, "model",
			    src->models.v[m], NULL, 0, "%zu of %zu answers of "
			    "model '%s' lack the conv_metadata (token_len and "
			    "markdown counts) the control boards need",
			    nometa[m], count[m], src->models.v[m]);
	}
	(void)o;
	strmap_release(&first);
	buf_release(&key);
	free(nometa);
	free(count);
	free(unanswered);
	free(has);
}

/* A model name folded for comparison: no case, spaces, '-' or '_'. */
static char *
fold_name(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *p = out;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '-' || *s == '_')
			continue;
		*p++ = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
	}
	*p = '\0';
	return out;
}

struct folded {
	char *key;
	uint32_t model;
};

static int
cmp_folded(const void *pa, const void *pb)
{
	const struct folded *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	return c != 0 ? c : (a->model > b->model) - (a->model < b->model);
}

/* confusing: model names equal but for case, spaces, '-' and '_'. */
static void
check_names(const struct boardsrc *src, struct lint_report *r)
{
	struct folded *v = xcalloc(src->models.n + 1, sizeof(*v));
	size_t i, k, n = src->models.n;

	for (i = 0; i < n; i++) {
		v[i].key = fold_name(src->models.v[i]);
		v[i].model = (uint32_t)i;
	}
	qsort(v, n, sizeof(*v), cmp_folded);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && strcmp(v[k].key, v[i].key) == 0; k++)
			lint_add(r, LINT_CONFUSING, LINT_WARNING, "model",
			    src->models.v[v[k].model], NULL, 0, "model names "
			    "'%s' and '%s' differ only in case or spacing: "
			    "one model, or two easily confused",
			    src->models.v[v[i].model],
			    src->models.v[v[k].model]);
	}
	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

void
lintsrc_check(const struct boardsrc *src, const struct lintsrc_opts *o,
    struct lint_report *r)
{
	struct index x;

	memset(&x, 0, sizeof(x));
	index_build(&x, src, o);
	check_models(src, o, &x, r);
	check_coverage(src, o, &x, r);
	check_records(src, o, r);
	check_spread(src, r);
	check_baseline(src, o, r);
	if (o->have_questions && src->nqset > 0)
		check_questions(src, &x, r);
	if (o->have_answers)
		check_answers(src, o, &x, r);
	check_names(src, r);
	index_release(&x);
}

/* Per model: its answers by question (first one), for the twin check. */
static const struct boardsrc_answer **
answers_by(const struct boardsrc *src)
{
	size_t nq = src->questions.n, i;
	const struct boardsrc_answer **t =
	    xcalloc(src->models.n * nq + 1, sizeof(*t));

	for (i = 0; i < src->nanswers; i++) {
		const struct boardsrc_answer *a = &src->answers[i];
		size_t k = (size_t)a->model * nq + a->question;

		if (a->has_text && t[k] == NULL)
			t[k] = a;
	}
	return t;
}

static void
twin(struct lint_report *r, const struct boardsrc *src, uint32_t a,
    uint32_t b, size_t common, size_t equal, double sim)
{
	const char *x = src->models.v[a], *y = src->models.v[b];

	if (equal == common)
		lint_add(r, LINT_REDUNDANT, LINT_ERROR, "model", y, NULL, 0,
		    "models '%s' and '%s' gave identical answers (after "
		    "whitespace and case folding) to all %zu common "
		    "questions: one model under two names?", x, y, common);
	else if (sim >= LINTSRC_NEAR || 2 * equal >= common)
		lint_add(r, LINT_REDUNDANT, LINT_WARNING, "model", y, NULL, 0,
		    "models '%s' and '%s' gave nearly identical answers: "
		    "%zu of %zu common questions identical, mean shingle "
		    "similarity %.2f", x, y, equal, common, sim);
}

void
lintsrc_check_twins(const struct boardsrc *src, struct lint_report *r)
{
	const struct boardsrc_answer **t = answers_by(src);
	size_t nm = src->models.n, nq = src->questions.n, a, b, q;

	for (a = 0; a < nm; a++)
		for (b = a + 1; b < nm; b++) {
			size_t common = 0, equal = 0;
			double sim = 0;

			for (q = 0; q < nq; q++) {
				const struct boardsrc_answer *x = t[a * nq + q];
				const struct boardsrc_answer *y = t[b * nq + q];

				if (x == NULL || y == NULL)
					continue;
				common++;
				if (x->sim.exact == y->sim.exact) {
					equal++;
					sim += 1;
				} else
					sim += textsim_jaccard(&x->sim,
					    &y->sim);
			}
			if (common < TWIN_MIN_COMMON)
				continue;
			sim /= (double)common;
			twin(r, src, (uint32_t)a, (uint32_t)b, common, equal,
			    sim);
		}
	free(t);
}

/* ---- provenance ---- */

/* What one judge's provenance of a record says against the files now. */
static void
check_digests(const struct boardsrc *src, const struct lintsrc_opts *o,
    const struct boardsrc_judgment *j, const json_t *prov,
    const char *const *qdigest, struct buf *changed)
{
	static const char *const what[] = {
		"the question", "the judged answer", "the baseline answer",
		"model_a's answer"
	};
	const char *qid = src->questions.v[j->question], *now[4], *was;
	const char *keys[4] = {
		"question", "answer", "baseline_answer", "answer_a"
	};
	const char *base = j->baseline != BOARDSRC_NONE ?
	    src->models.v[j->baseline] : o->baseline;
	int k;

	now[0] = qdigest[j->question];
	now[1] = boardsrc_answer_digest(src, src->models.v[j->model], qid);
	now[2] = base != NULL ? boardsrc_answer_digest(src, base, qid) : NULL;
	now[3] = j->model_a != BOARDSRC_NONE ? boardsrc_answer_digest(src,
	    src->models.v[j->model_a], qid) : NULL;
	for (k = 0; k < 4; k++) {
		was = json_string_value(json_object_get(prov, keys[k]));
		if (was == NULL || now[k] == NULL || strcmp(was, now[k]) == 0 ||
		    strstr(changed->p, what[k]) != NULL)
			continue;
		buf_printf(changed, "%s%s (%s in the record, %s now)",
		    changed->len ? ", " : "", what[k], was, now[k]);
	}
}

/* Judge settings: per judge, the records made with others than jc's. */
struct settings_tally {
	char *judge;
	char now[PROVENANCE_HEX + 1];
	size_t records, other;
	const struct boardsrc_judgment *first;
	const char *was;
};

static void
tally_settings(const struct boardsrc *src, const struct judge_config *jc,
    const char *judge, const json_t *prov, const struct boardsrc_judgment *j,
    struct strmap *idx, struct strmap *seen, struct settings_tally **t,
    size_t *nt)
{
	const char *was = json_string_value(json_object_get(prov,
	    "judge_settings"));
	struct buf key;
	size_t k;

	if (was == NULL || judge == NULL)
		return;
	/* A judge's judgment counts once, in its file or in an ensemble. */
	buf_init(&key);
	buf_printf(&key, "%s\n%s\n%s", judge, src->models.v[j->model],
	    src->questions.v[j->question]);
	k = strmap_get(seen, key.p, key.len);
	strmap_put(seen, key.p, key.len, 1);
	buf_release(&key);
	if (k != STRMAP_NONE)
		return;
	if ((k = strmap_get(idx, judge, strlen(judge))) == STRMAP_NONE) {
		k = (*nt)++;
		*t = xrealloc(*t, *nt * sizeof(**t));
		memset(&(*t)[k], 0, sizeof(**t));
		(*t)[k].judge = xstrdup(judge);
		provenance_judge_settings(jc, judge, (*t)[k].now);
		strmap_put(idx, judge, strlen(judge), k);
	}
	(*t)[k].records++;
	if (strcmp(was, (*t)[k].now) != 0 && (*t)[k].other++ == 0) {
		(*t)[k].first = j;
		(*t)[k].was = was;
	}
}

void
lintsrc_check_provenance(const struct boardsrc *src,
    const struct lintsrc_opts *o, const struct judge_config *jc,
    struct lint_report *r)
{
	const char **qdigest = xcalloc(src->questions.n + 1,
	    sizeof(*qdigest));
	struct settings_tally *t = NULL;
	struct strmap idx = { 0 }, seen = { 0 };
	struct buf changed, name;
	struct cap cap;
	size_t i, nt = 0, k;

	for (i = 0; i < src->nqset; i++)
		if (qdigest[src->qset[i].question] == NULL)
			qdigest[src->qset[i].question] = src->qset[i].digest;
	cap_init(&cap, src);
	buf_init(&changed);
	buf_init(&name);
	for (i = 0; i < src->njudgments; i++) {
		const struct boardsrc_judgment *j = &src->judgments[i];
		const json_t *p = j->provenance, *v;
		const char *member;

		if (p == NULL)
			continue;
		buf_reset(&changed);
		if (json_object_get(p, "judge_settings") != NULL) {
			check_digests(src, o, j, p, qdigest, &changed);
			if (jc != NULL)
				tally_settings(src, jc, j->judge !=
				    BOARDSRC_NONE ? src->judges.v[j->judge] :
				    NULL, p, j, &idx, &seen, &t, &nt);
		} else {
			/* An ensemble: the provenance of each judge. */
			json_object_foreach((json_t *)p, member, v) {
				if (!json_is_object(v))
					continue;
				check_digests(src, o, j, v, qdigest, &changed);
				if (jc != NULL)
					tally_settings(src, jc, member, v, j,
					    &idx, &seen, &t, &nt);
			}
		}
		if (changed.len == 0 || !cap_take(&cap, j->judge, j->model))
			continue;
		judgment_name(&name, src, j);
		lint_add(r, LINT_MISMATCHED, LINT_ERROR, "judgment", name.p,
		    file_of(src, j->file), j->line, "model '%s' on question "
		    "'%s' was judged on other texts than the current files: "
		    "%s", src->models.v[j->model],
		    src->questions.v[j->question], changed.p);
	}
	cap_finish(&cap, src, r, LINT_MISMATCHED, LINT_ERROR,
	    "judgments of changed texts");
	for (k = 0; k < nt; k++) {
		const struct boardsrc_judgment *f = t[k].first;
		const char *judge = t[k].judge;

		if (t[k].other == 0)
			continue;
		lint_add(r, LINT_DEPRECATED, LINT_ERROR, "judge", judge,
		    file_of(src, f->file), f->line, "%zu of the %zu judgments "
		    "by '%s' were made with other judge settings (digest %s) "
		    "than the current config gives (%s)", t[k].other,
		    t[k].records, judge, t[k].was, t[k].now);
	}
	for (k = 0; k < nt; k++)
		free(t[k].judge);
	strmap_release(&idx);
	strmap_release(&seen);
	buf_release(&changed);
	buf_release(&name);
	free(t);
	free(qdigest);
}
