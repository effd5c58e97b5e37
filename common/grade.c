/* grade.c: FastChat's single-answer grading: prompts, ratings, tasks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "provenance.h"
#include "jsonl.h"
#include "judgerecord.h"
#include "prompt.h"

static const char *kind_names[GRADE_NKINDS] = {
	"single-v1", "single-math-v1", "single-v1-multi-turn",
	"single-math-v1-multi-turn"
};

/* ---- the prompts file ---- */

/* The fields FastChat fills in for each prompt. */
static int
field_ok(void *arg, const char *s, size_t n)
{
	static const char *const names[GRADE_NKINDS][7] = {
		{ "question", "answer", NULL },
		{ "question", "answer", "ref_answer_1", NULL },
		{ "question_1", "question_2", "answer_1", "answer_2", NULL },
		{ "question_1", "question_2", "answer_1", "answer_2",
		    "ref_answer_1", "ref_answer_2", NULL },
	};
	const int *kind = arg;
	int i;

	for (i = 0; names[*kind][i] != NULL; i++)
		if (strlen(names[*kind][i]) == n &&
		    memcmp(names[*kind][i], s, n) == 0)
			return 0;
	return -1;
}

static int
string_member(const json_t *rec, const char *key, const char *file,
    long line, const json_t **out, struct diag *d)
{
	*out = json_object_get(rec, key);
	if (!json_is_string(*out))
		return diag_set(d, EX_CONFIG, file, line, "prompt '%s' has no "
		    "string '%s'", json_string_value(json_object_get(rec,
		    "name")), key);
	return 0;
}

static int
take_prompt(struct grade_prompts *gp, int kind, const json_t *rec,
    const char *file, long line, struct diag *d)
{
	struct grade_prompt *p = &gp->p[kind];
	const json_t *v;

	if (string_member(rec, "type", file, line, &v, d) == -1)
		return -1;
	if (strcmp(json_string_value(v), "single") != 0)
		return diag_set(d, EX_CONFIG, file, line, "prompt '%s' has "
		    "type '%s', not 'single'", kind_names[kind],
		    json_string_value(v));
	if (string_member(rec, "output_format", file, line, &v, d) == -1)
		return -1;
	if (strcmp(json_string_value(v), "[[rating]]") != 0)
		return diag_set(d, EX_CONFIG, file, line, "prompt '%s' has "
		    "output_format '%s', not '[[rating]]'", kind_names[kind],
		    json_string_value(v));
	if (string_member(rec, "system_prompt", file, line, &v, d) == -1)
		return -1;
	free(p->system);
	p->system_len = json_string_length(v);
	p->system = xstrndup(json_string_value(v), p->system_len);
	if (string_member(rec, "prompt_template", file, line, &v, d) == -1)
		return -1;
	free(p->tmpl);
	p->tmpl_len = json_string_length(v);
	p->tmpl = xstrndup(json_string_value(v), p->tmpl_len);
	free(p->name);
	p->name = xstrdup(kind_names[kind]);
	return prompt_check(p->tmpl, p->tmpl_len, field_ok, &kind, file,
	    line, d);
}

int
grade_prompts_load(const char *path, struct grade_prompts *gp,
    struct diag *d)
{
	struct jsonl_reader *r;
	const json_t *name;
	json_t *rec;
	long line;
	int st, k, rc = 0;

	memset(gp, 0, sizeof(*gp));
	gp->path = xstrdup(path);
	if ((r = jsonl_open(path, d)) == NULL)
		return -1;
	while (rc == 0 && (st = jsonl_read(r, &rec, &line, d)) != 0) {
		if (st == -1) {
			/* A malformed prompts file is a config error. */
			if (d != NULL)
				d->code = EX_CONFIG;
			rc = -1;
			break;
		}
		name = json_object_get(rec, "name");
		for (k = 0; json_is_string(name) && k < GRADE_NKINDS; k++)
			if (strcmp(json_string_value(name), kind_names[k]) == 0)
				rc = take_prompt(gp, k, rec, jsonl_name(r),
				    line, d);
		json_decref(rec);
	}
	for (k = 0; rc == 0 && k < GRADE_NKINDS; k++)
		if (gp->p[k].tmpl == NULL)
			rc = diag_set(d, EX_CONFIG, jsonl_name(r), 0,
			    "no prompt named '%s'", kind_names[k]);
	jsonl_free(r);
	return rc;
}

void
grade_prompts_release(struct grade_prompts *gp)
{
	int k;

	for (k = 0; k < GRADE_NKINDS; k++) {
		free(gp->p[k].name);
		free(gp->p[k].system);
		free(gp->p[k].tmpl);
	}
	free(gp->path);
	memset(gp, 0, sizeof(*gp));
}

int
grade_needs_reference(const char *category)
{
	static const char *const cats[] = {
		"math", "reasoning", "coding", "arena-hard-200"
	};
	size_t i;

	for (i = 0; category != NULL && i < sizeof(cats) / sizeof(cats[0]);
	    i++)
		if (strcmp(category, cats[i]) == 0)
			return 1;
	return 0;
}

static void
set_turn(struct prompt_args *args, const char *name,
    const struct qaset_text *turns, size_t n, size_t i)
{
	if (i < n)
		prompt_args_set(args, name, turns[i].p, turns[i].len);
}

int
grade_prompt(const struct grade_prompts *gp, const struct qaset_question *q,
    const struct qaset_answer *a, const struct qaset_answer *ref, int turn,
    enum grade_kind *kind, struct buf *out, struct diag *d)
{
	const struct grade_prompt *p;
	struct prompt_args args;
	int rc;

	*kind = turn == 2 ? (ref != NULL ? GRADE_MATH_MT : GRADE_GENERAL_MT) :
	    (ref != NULL ? GRADE_MATH : GRADE_GENERAL);
	p = &gp->p[*kind];
	prompt_args_init(&args);
	/* run_judge_single's keyword arguments. */
	if (ref != NULL) {
		set_turn(&args, "ref_answer_1", ref->turns, ref->n_turns, 0);
		if (turn == 2)
			set_turn(&args, "ref_answer_2", ref->turns,
			    ref->n_turns, 1);
	}
	if (turn == 2) {
		set_turn(&args, "question_1", q->turns, q->n_turns, 0);
		set_turn(&args, "question_2", q->turns, q->n_turns, 1);
		set_turn(&args, "answer_1", a->turns, a->n_turns, 0);
		set_turn(&args, "answer_2", a->turns, a->n_turns, 1);
	} else {
		set_turn(&args, "question", q->turns, q->n_turns, 0);
		set_turn(&args, "answer", a->turns, a->n_turns, 0);
	}
	rc = prompt_format(p->tmpl, p->tmpl_len, &args, out, gp->path, 0, d);
	prompt_args_release(&args);
	return rc;
}

/* ---- ratings ---- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A match of \[{k}(\d+\.?\d*)\]{k} at s[i..]: the group's span.  Greedy
 * is exact here: giving back a digit or the dot leaves a digit or a dot
 * where "]" must follow.
 */
static int
match_at(const char *s, size_t n, size_t i, int k, size_t *g0, size_t *g1)
{
	int b;

	for (b = 0; b < k; b++)
		if (i >= n || s[i++] != '[')
			return 0;
	*g0 = i;
	while (i < n && is_digit(s[i]))
		i++;
	if (i == *g0)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++)
			;
	*g1 = i;
	for (b = 0; b < k; b++)
		if (i >= n || s[i++] != ']')
			return 0;
	return 1;
}

/* ast.literal_eval of a \d+\.?\d* text: int, float, or NULL. */
static json_t *
literal(const char *p, size_t n)
{
	char buf[64];
	long long v;
	char *end;

	if (n >= sizeof(buf))
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (memchr(buf, '.', n) != NULL)
		return json_real(strtod(buf, NULL));
	/* Python 3 refuses "07" (but not "00"). */
	if (buf[0] == '0' && strspn(buf, "0") != n)
		return NULL;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0)
		return NULL;
	return json_integer(v);
}

json_t *
grade_rating(const char *text, size_t len)
{
	size_t i, g0, g1;
	int k;

	/* re.search: the leftmost match of [[x]], else of [x]. */
	for (k = 2; k >= 1; k--)
		for (i = 0; i < len; i++)
			if (text[i] == '[' && match_at(text, len, i, k, &g0,
			    &g1))
				return literal(text + g0, g1 - g0);
	return NULL;
}

/* ---- the mode ---- */

struct gtask {
	const struct qaset_question *q;
	const struct qaset_answer *a;
	const struct qaset_answer *ref;	/* NULL: none needed */
	int turn;
};

struct grade {
	const struct judge_config *jc;
	const struct grade_prompts *gp;
	const struct qaset *qs;
	qaset_note_fn *note;
	void *arg;
	struct gtask *tasks;
	size_t n, cap;
	char settings[PROVENANCE_HEX + 1];	/* the judge settings' digest */
};

#define note(g, ...)	qaset_notef((g)->note, (g)->arg, __VA_ARGS__)

struct grade *
grade_new(const struct judge_config *jc, const struct grade_prompts *gp,
    const struct qaset *qs, qaset_note_fn *fn, void *arg)
{
	struct grade *g = xcalloc(1, sizeof(*g));

	g->jc = jc;
	provenance_judge_settings(jc, NULL, g->settings);
	g->gp = gp;
	g->qs = qs;
	g->note = fn;
	g->arg = arg;
	return g;
}

void
grade_free(struct grade *g)
{
	if (g == NULL)
		return;
	free(g->tasks);
	free(g);
}

static void
add_task(struct grade *g, const struct qaset_question *q,
    const struct qaset_answer *a, const struct qaset_answer *ref, int turn)
{
	struct gtask *t;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 256;
		g->tasks = xrealloc(g->tasks, g->cap * sizeof(*g->tasks));
	}
	t = &g->tasks[g->n++];
	t->q = q;
	t->a = a;
	t->ref = ref;
	t->turn = turn;
}

/* Match answer a; returns 0, or -1 after reporting why it is left out. */
static int
match(struct grade *g, const struct qaset_answer *a)
{
	const struct qaset_question *q;
	const struct qaset_answer *ref = NULL;
	const char *rmodel = g->jc->n_ref_model > 0 ? g->jc->ref_model[0] :
	    g->jc->judge_model;
	size_t turns;

	q = qaset_find_question(g->qs, a->question_id, a->question_id_len);
	if (q == NULL) {
		note(g, EX_DATAERR, a->file, a->line, "question %s is not in "
		    "--questions (model %s)", a->question_id, a->model);
		return -1;
	}
	if (q->n_turns == 0) {
		note(g, EX_DATAERR, q->file, q->line, "question %s has no "
		    "turns", q->id);
		return -1;
	}
	/* FastChat grades turn 2 of two-turn questions only. */
	turns = q->n_turns == 2 ? 2 : 1;
	if (a->n_turns < turns) {
		note(g, EX_DATAERR, a->file, a->line, "the answer of model %s "
		    "to question %s has %zu turn%s, grading needs %zu",
		    a->model, a->question_id, a->n_turns,
		    a->n_turns == 1 ? "" : "s", turns);
		return -1;
	}
	if (grade_needs_reference(q->category)) {
		ref = qaset_find(g->qs, QASET_REFERENCES, rmodel,
		    a->question_id, a->question_id_len);
		if (ref == NULL || ref->n_turns < turns) {
			note(g, EX_DATAERR, a->file, a->line, "%s reference "
			    "answer of '%s' for question %s (model %s): "
			    "category '%s' needs one", ref == NULL ? "no" :
			    "a short", rmodel, a->question_id, a->model,
			    q->category);
			return -1;
		}
	}
	add_task(g, q, a, ref, 1);
	if (turns == 2)
		add_task(g, q, a, ref, 2);
	return 0;
}

static int
match_fn(void *arg, const struct qaset_answer *a)
{
	return match(arg, a);
}

int
grade_prepare(struct grade *g, const struct grade_opts *o)
{
	size_t skipped, unlisted;

	unlisted = qaset_each(g->qs, &o->filter, match_fn, g, &skipped);
	if (unlisted > 0)
		note(g, 0, NULL, 0, "left out %zu answers of models not in "
		    "model_list", unlisted);
	if (skipped > 0) {
		note(g, EX_DATAERR, NULL, 0, "skipped %zu answers that cannot "
		    "be graded", skipped);
		return EX_DATAERR;
	}
	return 0;
}

static size_t
op_n_tasks(void *mode)
{
	return ((struct grade *)mode)->n;
}

static int
op_n_convs(void *mode, size_t t)
{
	(void)mode;
	(void)t;
	return 1;
}

static int
op_prompt(void *mode, size_t t, int c, const char **system,
    size_t *system_len, struct buf *out, struct diag *d)
{
	struct grade *g = mode;
	const struct gtask *tk = &g->tasks[t];
	enum grade_kind kind;

	(void)c;
	if (grade_prompt(g->gp, tk->q, tk->a, tk->ref, tk->turn, &kind, out,
	    d) == -1)
		return -1;
	*system = g->gp->p[kind].system;
	*system_len = g->gp->p[kind].system_len;
	return 0;
}

static void
op_unknown(void *mode, size_t t, int c, long long *tokens, long long *bound,
    uint64_t *which)
{
	struct grade *g = mode;
	const struct gtask *tk = &g->tasks[t];

	(void)c;
	*tokens = tk->a->estimate_tokens;
	*bound = tk->a->estimate_tokens_bound;
	*which = qaset_standin_id(tk->a);
}

static enum judge_verdict
op_verdict(void *mode, size_t t, int c, const char *text, size_t len,
    int last, json_t **score)
{
	(void)mode;
	(void)t;
	(void)c;
	(void)last;
	*score = grade_rating(text, len);
	return *score != NULL ? JUDGE_FINAL : JUDGE_AGAIN;
}

static json_t *
op_record(void *mode, size_t t, const struct judge_conv *convs)
{
	struct grade *g = mode;
	const struct gtask *tk = &g->tasks[t];
	struct judgerecord_game game;
	enum grade_kind kind = tk->turn == 2 ? (tk->ref != NULL ?
	    GRADE_MATH_MT : GRADE_GENERAL_MT) : (tk->ref != NULL ?
	    GRADE_MATH : GRADE_GENERAL);
	json_t *id, *unparsed = json_integer(-1), *rec;

	memset(&game, 0, sizeof(game));
	game.user_prompt = convs[0].prompt.p;
	game.user_prompt_len = convs[0].prompt.len;
	game.judgment = convs[0].text.p;
	game.judgment_len = convs[0].text.len;
	/* FastChat writes -1 for a judgment without a rating. */
	game.score = convs[0].score != NULL ? convs[0].score : unparsed;
	id = qaset_id_json(tk->a->question_id, tk->a->question_id_len,
	    tk->a->id_int);
	rec = judgerecord_single(id, tk->a->model, g->jc->judge_model,
	    g->gp->p[kind].name, &game, tk->turn, convs[0].created);
	json_decref(id);
	json_object_set_new(rec, "provenance", provenance_judgment(
	    g->settings, tk->q, tk->a, NULL, NULL, &tk->ref,
	    tk->ref != NULL));
	json_decref(unparsed);
	return rec;
}

static void
op_describe(void *mode, size_t t, struct buf *what)
{
	struct grade *g = mode;
	const struct gtask *tk = &g->tasks[t];

	buf_printf(what, "question %s, model %s, turn %d", tk->a->question_id,
	    tk->a->model, tk->turn);
}

static void
op_failed(void *mode, size_t t, int c, json_t *rec, struct buf *what)
{
	struct grade *g = mode;
	const struct gtask *tk = &g->tasks[t];

	(void)c;
	json_object_set_new(rec, "question_id", qaset_id_json(
	    tk->a->question_id, tk->a->question_id_len, tk->a->id_int));
	json_object_set_new(rec, "model", json_string(tk->a->model));
	json_object_set_new(rec, "judge", json_string(g->jc->judge_model));
	json_object_set_new(rec, "turn", json_integer(tk->turn));
	buf_printf(what, "question %s (model %s, turn %d)",
	    tk->a->question_id, tk->a->model, tk->turn);
}

void
grade_ops(struct grade *g, struct judge_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->mode = g;
	ops->attempts = g->jc->attempts;
	ops->continue_msg = GRADE_CONTINUE;
	ops->lead_newline = 0;
	ops->temperature = g->jc->temperature;
	ops->max_tokens = g->jc->max_tokens;
	ops->n_tasks = op_n_tasks;
	ops->n_convs = op_n_convs;
	ops->prompt = op_prompt;
	ops->verdict = op_verdict;
	ops->describe = op_describe;
	ops->record = op_record;
	ops->failed = op_failed;
	ops->unknown = op_unknown;
}
