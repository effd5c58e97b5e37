/* judge.c: games, attempts and verdicts of gen-judgment (SPEC 8). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "jsonl.h"
#include "prompt.h"
#include "strmap.h"
#include "verdict.h"

/* The key of an answer: model, NUL, question id. */
static void
pair_key(struct buf *b, const char *model, const char *qid, size_t qid_len)
{
	buf_reset(b);
	buf_adds(b, model);
	buf_addc(b, '\0');
	buf_add(b, qid, qid_len);
}

/* ---- records ---- */

static const json_t *
member(const json_t *o, const char *key, json_type type, const char *what,
    const char *file, long line, struct diag *d)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL) {
		diag_set(d, EX_DATAERR, file, line, "missing field '%s'", key);
		return NULL;
	}
	if (json_typeof(v) != type) {
		diag_set(d, EX_DATAERR, file, line, "field '%s' is not %s",
		    key, what);
		return NULL;
	}
	return v;
}

static void
text_set(struct judge_text *t, const json_t *s)
{
	t->len = json_string_length(s);
	t->p = xmalloc(t->len + 1);
	memcpy(t->p, json_string_value(s), t->len + 1);
}

static void
texts_free(struct judge_text *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].p);
	free(t);
}

/* turns: an array of {"content": string}; the path names it in errors. */
static int
read_turns(const json_t *turns, const char *path, struct judge_text **out,
    size_t *n, const char *file, long line, struct diag *d)
{
	const json_t *t, *c;
	size_t i;

	*out = xcalloc(json_array_size(turns) + 1, sizeof(**out));
	*n = 0;
	json_array_foreach(turns, i, t) {
		if (!json_is_object(t) ||
		    (c = json_object_get(t, "content")) == NULL ||
		    !json_is_string(c)) {
			texts_free(*out, *n);
			*out = NULL;
			*n = 0;
			return diag_set(d, EX_DATAERR, file, line,
			    "%s[%zu] has no string 'content'", path, i);
		}
		text_set(&(*out)[i], c);
		*n = i + 1;
	}
	return 0;
}

int
judge_question_parse(const json_t *rec, struct judge_question *q,
    const char *file, long line, struct diag *d)
{
	const json_t *id, *v;

	memset(q, 0, sizeof(*q));
	if (json_object_get(rec, "question_id") == NULL &&
	    json_object_get(rec, "uid") != NULL) {
		/* v2: {"uid", "prompt"}. */
		if ((id = member(rec, "uid", JSON_STRING, "a string", file,
		    line, d)) == NULL || (v = member(rec, "prompt",
		    JSON_STRING, "a string", file, line, d)) == NULL)
			return -1;
		q->turns = xcalloc(1, sizeof(*q->turns));
		text_set(&q->turns[0], v);
		q->n_turns = 1;
	} else {
		if ((id = member(rec, "question_id", JSON_STRING, "a string",
		    file, line, d)) == NULL || (v = member(rec, "turns",
		    JSON_ARRAY, "an array", file, line, d)) == NULL ||
		    read_turns(v, "turns", &q->turns, &q->n_turns, file, line,
		    d) == -1)
			return -1;
	}
	q->id_len = json_string_length(id);
	q->id = xmalloc(q->id_len + 1);
	memcpy(q->id, json_string_value(id), q->id_len + 1);
	return 0;
}

void
judge_question_release(struct judge_question *q)
{
	free(q->id);
	texts_free(q->turns, q->n_turns);
	memset(q, 0, sizeof(*q));
}

/* v2: the text of the last assistant message. */
static int
v2_answer(const json_t *msgs, struct judge_answer *a, const char *file,
    long line, struct diag *d)
{
	const json_t *m = NULL, *c;
	size_t i;

	for (i = json_array_size(msgs); i > 0; i--) {
		const json_t *r;

		m = json_array_get(msgs, i - 1);
		r = json_object_get(m, "role");
		if (json_is_string(r) &&
		    strcmp(json_string_value(r), "assistant") == 0)
			break;
		m = NULL;
	}
	if (m == NULL)
		return diag_set(d, EX_DATAERR, file, line,
		    "'messages' has no assistant message");
	c = json_object_get(m, "content");
	if (json_is_object(c))
		c = json_object_get(c, "answer");
	if (!json_is_string(c))
		return diag_set(d, EX_DATAERR, file, line, "the assistant "
		    "message has no string 'content' or 'content.answer'");
	a->turns = xcalloc(1, sizeof(*a->turns));
	text_set(&a->turns[0], c);
	a->n_turns = 1;
	return 0;
}

int
judge_answer_parse(const json_t *rec, struct judge_answer *a,
    const char *file, long line, struct diag *d)
{
	const json_t *id, *model, *v, *c;

	memset(a, 0, sizeof(*a));
	if (json_object_get(rec, "question_id") == NULL &&
	    json_object_get(rec, "uid") != NULL) {
		if ((id = member(rec, "uid", JSON_STRING, "a string", file,
		    line, d)) == NULL || (model = member(rec, "model",
		    JSON_STRING, "a string", file, line, d)) == NULL ||
		    (v = member(rec, "messages", JSON_ARRAY, "an array", file,
		    line, d)) == NULL || v2_answer(v, a, file, line, d) == -1)
			return -1;
	} else {
		if ((id = member(rec, "question_id", JSON_STRING, "a string",
		    file, line, d)) == NULL || (model = member(rec,
		    "model_id", JSON_STRING, "a string", file, line,
		    d)) == NULL || (v = member(rec, "choices", JSON_ARRAY,
		    "an array", file, line, d)) == NULL)
			return -1;
		c = json_array_get(v, 0);
		if (!json_is_object(c) ||
		    !json_is_array(json_object_get(c, "turns")))
			return diag_set(d, EX_DATAERR, file, line,
			    "'choices[0]' has no array 'turns'");
		if (read_turns(json_object_get(c, "turns"), "choices[0].turns",
		    &a->turns, &a->n_turns, file, line, d) == -1)
			return -1;
	}
	a->question_id_len = json_string_length(id);
	a->question_id = xmalloc(a->question_id_len + 1);
	memcpy(a->question_id, json_string_value(id), a->question_id_len + 1);
	a->model = xstrdup(json_string_value(model));
	return 0;
}

void
judge_answer_release(struct judge_answer *a)
{
	free(a->question_id);
	free(a->model);
	texts_free(a->turns, a->n_turns);
	memset(a, 0, sizeof(*a));
}

int
judge_prompt(const struct judge_config *jc, const struct judge_question *q,
    const struct judge_answer *baseline, const struct judge_answer *answer,
    int g, const struct judge_answer *const *refs, size_t n_refs,
    struct buf *out, struct diag *d)
{
	const struct judge_answer *A = g == 0 ? baseline : answer;
	const struct judge_answer *B = g == 0 ? answer : baseline;
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

/* ---- the run ---- */

enum game_state {
	GAME_IDLE,
	GAME_RUNNING,
	GAME_DONE,
	GAME_FAILED,
	GAME_CANCELLED,
};

struct game {
	struct job *job;
	int g;
	enum game_state state;
	struct buf prompt;		/* the user message */
	struct buf judgment;		/* "\n" reply ["\n" reply ...] */
	size_t *reply_off;		/* the replies inside judgment */
	size_t *reply_len;
	int n_replies;
	char *score;			/* NULL: null */
};

enum job_state {
	JOB_WAITING,
	JOB_RUNNING,
	JOB_OK,
	JOB_FAILED,
	JOB_CANCELLED,
};

struct job {
	struct judge *j;
	const struct judge_answer *answer;
	const struct judge_question *q;
	const struct judge_answer *baseline;
	const struct judge_answer **refs;
	enum job_state state;
	int pending;			/* games still running */
	struct game games[2];
};

/* Where a record was read. */
struct origin {
	const char *file;
	long line;
};

struct judge {
	const struct judge_config *jc;
	const struct judge_hooks *h;
	char **files;			/* interned file names */
	size_t n_files;

	struct judge_question **questions;
	struct origin *q_origin;
	size_t n_questions;
	struct strmap q_index;

	struct judge_answer **baselines;
	size_t n_baselines;
	struct strmap b_index;		/* question id -> baseline */

	struct judge_answer **refs;
	size_t n_refs;
	struct strmap r_index;		/* model NUL question id -> ref */

	struct judge_answer **answers;	/* NULL: replaced by a later one */
	struct origin *a_origin;
	size_t n_answers;
	struct strmap a_index;		/* model NUL question id -> answer */

	struct job *jobs;
	size_t n_jobs;
	size_t next_start;		/* first job not started */
	size_t next_emit;		/* first job not emitted */
	size_t active;			/* started, not finished */
	size_t finished;
	size_t window;
	struct llm_client *llm;
	int status;			/* worst status of the run */
	int write_failed;
	int stopping;			/* a call was refused: start no more */
	struct buf scratch;
};

static void
note(struct judge *j, int code, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
note(struct judge *j, int code, const char *file, long line,
    const char *fmt, ...)
{
	char msg[DIAG_MSG_LEN];
	va_list ap;

	if (j->h->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	j->h->note(j->h->arg, code, file, line, msg);
}

static int
note_diag(struct judge *j, const struct diag *d)
{
	note(j, d->code, d->file[0] != '\0' ? d->file : NULL, d->line, "%s",
	    d->msg);
	return d->code;
}

struct judge *
judge_new(const struct judge_config *jc, const struct judge_hooks *hooks)
{
	struct judge *j = xcalloc(1, sizeof(*j));

	j->jc = jc;
	j->h = hooks;
	buf_init(&j->scratch);
	return j;
}

static void
game_release(struct game *g)
{
	buf_release(&g->prompt);
	buf_release(&g->judgment);
	free(g->reply_off);
	free(g->reply_len);
	free(g->score);
	g->reply_off = g->reply_len = NULL;
	g->score = NULL;
}

static void
job_release(struct job *jb)
{
	game_release(&jb->games[0]);
	game_release(&jb->games[1]);
	free(jb->refs);
	jb->refs = NULL;
}

static void
free_answers(struct judge_answer **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] != NULL) {
			judge_answer_release(v[i]);
			free(v[i]);
		}
	free(v);
}

void
judge_free(struct judge *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n_jobs; i++)
		job_release(&j->jobs[i]);
	free(j->jobs);
	for (i = 0; i < j->n_questions; i++) {
		judge_question_release(j->questions[i]);
		free(j->questions[i]);
	}
	free(j->questions);
	free(j->q_origin);
	free_answers(j->baselines, j->n_baselines);
	free_answers(j->refs, j->n_refs);
	free_answers(j->answers, j->n_answers);
	free(j->a_origin);
	strmap_release(&j->q_index);
	strmap_release(&j->b_index);
	strmap_release(&j->r_index);
	strmap_release(&j->a_index);
	for (i = 0; i < j->n_files; i++)
		free(j->files[i]);
	free(j->files);
	buf_release(&j->scratch);
	free(j);
}

static const char *
intern(struct judge *j, const char *name)
{
	j->files = xrealloc(j->files, (j->n_files + 1) * sizeof(*j->files));
	j->files[j->n_files] = xstrdup(name);
	return j->files[j->n_files++];
}

enum kind {
	KIND_QUESTION,
	KIND_BASELINE,
	KIND_REFERENCE,
	KIND_ANSWER,
};

static int
add_question(struct judge *j, struct judge_question *q, const char *file,
    long line)
{
	size_t prev = strmap_get(&j->q_index, q->id, q->id_len);

	if (prev != STRMAP_NONE) {
		note(j, EX_DATAERR, file, line, "duplicate question '%s' "
		    "(first at %s:%ld)", q->id, j->q_origin[prev].file,
		    j->q_origin[prev].line);
		judge_question_release(q);
		return EX_DATAERR;
	}
	j->questions = xrealloc(j->questions, (j->n_questions + 1) *
	    sizeof(*j->questions));
	j->q_origin = xrealloc(j->q_origin, (j->n_questions + 1) *
	    sizeof(*j->q_origin));
	j->questions[j->n_questions] = xmalloc(sizeof(*q));
	*j->questions[j->n_questions] = *q;
	j->q_origin[j->n_questions].file = file;
	j->q_origin[j->n_questions].line = line;
	strmap_put(&j->q_index, q->id, q->id_len, j->n_questions);
	j->n_questions++;
	return 0;
}

/* Store a in v (growing it) under key in m; a later key replaces. */
static size_t
store_answer(struct judge_answer ***v, size_t *n, struct strmap *m,
    const char *key, size_t key_len, struct judge_answer *a, int *replaced)
{
	size_t prev = strmap_get(m, key, key_len);

	*replaced = prev != STRMAP_NONE;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = xmalloc(sizeof(*a));
	*(*v)[*n] = *a;
	if (*replaced) {
		judge_answer_release((*v)[prev]);
		free((*v)[prev]);
		(*v)[prev] = NULL;
	}
	strmap_put(m, key, key_len, *n);
	return (*n)++;
}

static int
is_ref_model(const struct judge_config *jc, const char *model)
{
	size_t i;

	for (i = 0; i < jc->n_ref_model; i++)
		if (strcmp(jc->ref_model[i], model) == 0)
			return 1;
	return 0;
}

static int
add_answer(struct judge *j, enum kind kind, struct judge_answer *a,
    const char *file, long line)
{
	struct buf *k = &j->scratch;
	size_t prev, idx;
	int replaced;

	switch (kind) {
	case KIND_BASELINE:
		if (strcmp(a->model, j->jc->baseline_model) != 0) {
			note(j, EX_DATAERR, file, line, "baseline answer of "
			    "model '%s', expected '%s'", a->model,
			    j->jc->baseline_model);
			judge_answer_release(a);
			return EX_DATAERR;
		}
		store_answer(&j->baselines, &j->n_baselines, &j->b_index,
		    a->question_id, a->question_id_len, a, &replaced);
		if (replaced)
			note(j, 0, file, line, "duplicate baseline answer for "
			    "question '%s': the last one wins",
			    a->question_id);
		return 0;
	case KIND_REFERENCE:
		if (!is_ref_model(j->jc, a->model)) {
			judge_answer_release(a);
			return -1;	/* counted by the caller */
		}
		pair_key(k, a->model, a->question_id, a->question_id_len);
		store_answer(&j->refs, &j->n_refs, &j->r_index, k->p, k->len,
		    a, &replaced);
		return 0;
	default:
		pair_key(k, a->model, a->question_id, a->question_id_len);
		prev = strmap_get(&j->a_index, k->p, k->len);
		if (prev != STRMAP_NONE)
			note(j, 0, file, line, "duplicate answer of model '%s' "
			    "for question '%s' (first at %s:%ld): the last one "
			    "wins", a->model, a->question_id,
			    j->a_origin[prev].file, j->a_origin[prev].line);
		j->a_origin = xrealloc(j->a_origin, (j->n_answers + 1) *
		    sizeof(*j->a_origin));
		idx = store_answer(&j->answers, &j->n_answers, &j->a_index,
		    k->p, k->len, a, &replaced);
		j->a_origin[idx].file = file;
		j->a_origin[idx].line = line;
		return 0;
	}
}

static int
read_file(struct judge *j, const char *path, enum kind kind)
{
	struct jsonl_reader *r;
	struct diag d;
	const char *file;
	json_t *rec;
	long line;
	size_t ignored = 0;
	int rc = 0, st;

	diag_clear(&d);
	if ((r = jsonl_open(path, &d)) == NULL)
		return note_diag(j, &d);
	file = intern(j, jsonl_name(r));
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1) {
			if (kind == KIND_QUESTION) {
				struct judge_question q;

				st = judge_question_parse(rec, &q, file, line,
				    &d);
				if (st == 0)
					rc = diag_worse(rc,
					    add_question(j, &q, file, line));
			} else {
				struct judge_answer a;

				st = judge_answer_parse(rec, &a, file, line,
				    &d);
				if (st == 0) {
					int added = add_answer(j, kind, &a,
					    file, line);

					if (added == -1)
						ignored++;
					else
						rc = diag_worse(rc, added);
				}
			}
			json_decref(rec);
		}
		if (st == -1) {
			rc = diag_worse(rc, note_diag(j, &d));
			diag_clear(&d);
		}
	}
	if (ignored > 0)
		note(j, 0, file, 0, "ignored %zu answers of models not in "
		    "ref_model", ignored);
	jsonl_free(r);
	return rc;
}

int
judge_read_questions(struct judge *j, const char *path)
{
	return read_file(j, path, KIND_QUESTION);
}

int
judge_read_baselines(struct judge *j, const char *path)
{
	return read_file(j, path, KIND_BASELINE);
}

int
judge_read_references(struct judge *j, const char *path)
{
	return read_file(j, path, KIND_REFERENCE);
}

int
judge_read_answers(struct judge *j, const char *path)
{
	return read_file(j, path, KIND_ANSWER);
}

static int
in_model_list(const struct judge_config *jc, const char *model)
{
	size_t i;

	for (i = 0; i < jc->n_model_list; i++)
		if (strcmp(jc->model_list[i], model) == 0)
			return 1;
	return 0;
}

/* Find the question, baseline and references of answer i; 0 or -1. */
static int
match(struct judge *j, size_t i, struct job *jb)
{
	const struct judge_answer *a = j->answers[i];
	const struct origin *o = &j->a_origin[i];
	size_t qi, bi, r, ri;

	qi = strmap_get(&j->q_index, a->question_id, a->question_id_len);
	if (qi == STRMAP_NONE) {
		note(j, EX_DATAERR, o->file, o->line, "question %s is not in "
		    "--questions (model %s)", a->question_id, a->model);
		return -1;
	}
	bi = strmap_get(&j->b_index, a->question_id, a->question_id_len);
	if (bi == STRMAP_NONE) {
		note(j, EX_DATAERR, o->file, o->line, "no baseline answer for "
		    "question %s (model %s)", a->question_id, a->model);
		return -1;
	}
	memset(jb, 0, sizeof(*jb));
	jb->j = j;
	jb->answer = a;
	jb->q = j->questions[qi];
	jb->baseline = j->baselines[bi];
	if (!j->jc->reference)
		return 0;
	jb->refs = xcalloc(j->jc->n_ref_model + 1, sizeof(*jb->refs));
	for (r = 0; r < j->jc->n_ref_model; r++) {
		pair_key(&j->scratch, j->jc->ref_model[r], a->question_id,
		    a->question_id_len);
		ri = strmap_get(&j->r_index, j->scratch.p, j->scratch.len);
		if (ri == STRMAP_NONE) {
			note(j, EX_DATAERR, o->file, o->line, "no reference "
			    "answer of '%s' for question %s (model %s)",
			    j->jc->ref_model[r], a->question_id, a->model);
			free(jb->refs);
			jb->refs = NULL;
			return -1;
		}
		jb->refs[r] = j->refs[ri];
	}
	return 0;
}

static int
n_games(const struct judge *j)
{
	return j->jc->pairwise ? 2 : 1;
}

static int
build_prompt(struct judge *j, const struct job *jb, int g, struct buf *out,
    struct diag *d)
{
	size_t n_refs = j->jc->reference ? j->jc->n_ref_model : 0;

	return judge_prompt(j->jc, jb->q, jb->baseline, jb->answer, g,
	    jb->refs, n_refs, out, d);
}

int
judge_prepare(struct judge *j, const struct judge_prepare_opts *o,
    struct diag *d)
{
	size_t i, skipped = 0, unlisted = 0;
	int g;

	j->jobs = xcalloc(j->n_answers + 1, sizeof(*j->jobs));
	for (i = 0; i < j->n_answers; i++) {
		const struct judge_answer *a = j->answers[i];
		struct job *jb = &j->jobs[j->n_jobs];

		if (a == NULL || !shard_keep(o->shard, a->question_id,
		    a->question_id_len))
			continue;
		if (o->model_list && !in_model_list(j->jc, a->model)) {
			unlisted++;
			continue;
		}
		if (match(j, i, jb) == -1) {
			skipped++;
			continue;
		}
		/* Template errors must come before any request. */
		for (g = 0; g < n_games(j); g++) {
			buf_reset(&j->scratch);
			if (build_prompt(j, jb, g, &j->scratch, d) == -1) {
				if (d != NULL) {
					size_t n = strlen(d->msg);

					snprintf(d->msg + n, sizeof(d->msg) - n,
					    " (question %s, model %s)",
					    a->question_id, a->model);
				}
				free(jb->refs);
				jb->refs = NULL;
				return -1;
			}
		}
		j->n_jobs++;
	}
	if (unlisted > 0)
		note(j, 0, NULL, 0, "left out %zu answers of models not in "
		    "model_list", unlisted);
	if (skipped > 0) {
		note(j, EX_DATAERR, NULL, 0, "skipped %zu answers without a "
		    "question or baseline answer", skipped);
		return EX_DATAERR;
	}
	return 0;
}

size_t
judge_count(const struct judge *j)
{
	return j->n_jobs;
}

static void on_done(struct llm_client *, const struct llm_result *, void *);

/* Submit the next attempt of game gm: its conversation so far. */
static int
submit(struct game *gm)
{
	const struct judge_config *jc = gm->job->j->jc;
	struct request_message *m;
	struct llm_call call;
	size_t n = 0;
	int k, rc;

	m = xcalloc(2 + 2 * (size_t)gm->n_replies, sizeof(*m));
	m[n].role = "system";
	m[n].content = jc->system_prompt;
	m[n++].len = strlen(jc->system_prompt);
	m[n].role = "user";
	m[n].content = gm->prompt.p;
	m[n++].len = gm->prompt.len;
	for (k = 0; k < gm->n_replies; k++) {
		m[n].role = "assistant";
		m[n].content = gm->judgment.p + gm->reply_off[k];
		m[n++].len = gm->reply_len[k];
		m[n].role = "user";
		m[n].content = JUDGECONFIG_CONTINUE;
		m[n++].len = strlen(JUDGECONFIG_CONTINUE);
	}
	memset(&call, 0, sizeof(call));
	call.messages = m;
	call.n_messages = n;
	call.temperature = jc->temperature;
	call.max_tokens = jc->max_tokens;
	call.done = on_done;
	call.user = gm;
	rc = llm_submit(gm->job->j->llm, &call, NULL, NULL);
	free(m);
	if (rc == -1)
		gm->job->j->stopping = 1;
	return rc;
}

static json_t *
new_text(const char *p, size_t n)
{
	/* Texts come from JSON or YAML input and API replies: valid UTF-8. */
	return json_stringn_nocheck(p, n);
}

static json_t *
job_record(const struct job *jb)
{
	const struct judge *j = jb->j;
	json_t *rec = json_object(), *games = json_array();
	int g;

	json_object_set_new(rec, "question_id", new_text(
	    jb->answer->question_id, jb->answer->question_id_len));
	json_object_set_new(rec, "model", json_string(jb->answer->model));
	json_object_set_new(rec, "judge", json_string(j->jc->judge_model));
	for (g = 0; g < n_games(j); g++) {
		const struct game *gm = &jb->games[g];
		json_t *o = json_object();

		json_object_set_new(o, "user_prompt", new_text(gm->prompt.p,
		    gm->prompt.len));
		json_object_set_new(o, "judgment", new_text(gm->judgment.p,
		    gm->judgment.len));
		json_object_set_new(o, "score", gm->score != NULL ?
		    json_string(gm->score) : json_null());
		json_array_append_new(games, o);
	}
	json_object_set_new(rec, "games", games);
	return rec;
}

/* Emit, in input order, every finished job not yet emitted. */
static void
emit_ready(struct judge *j, int final)
{
	while (j->next_emit < j->n_jobs) {
		struct job *jb = &j->jobs[j->next_emit];

		if (jb->state == JOB_WAITING || jb->state == JOB_RUNNING) {
			if (!final)
				break;
		} else if (jb->state == JOB_OK && !j->write_failed &&
		    j->h->emit != NULL) {
			json_t *rec = job_record(jb);

			if (j->h->emit(j->h->arg, rec) == -1) {
				j->write_failed = 1;
				j->status = diag_worse(j->status, EX_IOERR);
			}
			json_decref(rec);
		}
		job_release(jb);
		j->next_emit++;
	}
}

static void start_jobs(struct judge *);

static void
job_finished(struct job *jb)
{
	struct judge *j = jb->j;
	int g;

	jb->state = JOB_OK;
	for (g = 0; g < n_games(j); g++)
		if (jb->games[g].state == GAME_FAILED)
			jb->state = JOB_FAILED;
		else if (jb->games[g].state == GAME_CANCELLED &&
		    jb->state == JOB_OK)
			jb->state = JOB_CANCELLED;
	j->active--;
	j->finished++;
	if (j->h->tick != NULL)
		j->h->tick(j->h->arg, j->finished, j->n_jobs);
	emit_ready(j, 0);
	start_jobs(j);
}

static void
game_failed(struct game *gm, const struct llm_result *r)
{
	struct judge *j = gm->job->j;
	const struct judge_answer *a = gm->job->answer;
	char msg[DIAG_MSG_LEN];
	json_t *rec;
	int code = r->exit_code != 0 ? r->exit_code : EX_TEMPFAIL;

	gm->state = GAME_FAILED;
	j->status = diag_worse(j->status, code);
	if (j->h->failed == NULL)
		return;
	snprintf(msg, sizeof(msg), "question %s (model %s, game %d): FAILED "
	    "after %d attempts: %s", a->question_id, a->model, gm->g + 1,
	    r->attempts, r->error != NULL ? r->error : "unknown error");
	rec = json_object();
	json_object_set_new(rec, "question_id", new_text(a->question_id,
	    a->question_id_len));
	json_object_set_new(rec, "model", json_string(a->model));
	json_object_set_new(rec, "judge", json_string(j->jc->judge_model));
	json_object_set_new(rec, "game", json_integer(gm->g + 1));
	json_object_set_new(rec, "error", json_string(r->error != NULL ?
	    r->error : "unknown error"));
	json_object_set_new(rec, "attempts", json_integer(r->attempts));
	json_object_set_new(rec, "status", json_integer(r->http_status));
	j->h->failed(j->h->arg, code, rec, msg);
	json_decref(rec);
}

/* A reply arrived: the verdict loop of SPEC 8.3. */
static void
on_reply(struct game *gm, const struct llm_result *r)
{
	const struct judge_config *jc = gm->job->j->jc;
	char *label = NULL;
	int v;

	buf_addc(&gm->judgment, '\n');
	gm->reply_off[gm->n_replies] = gm->judgment.len;
	gm->reply_len[gm->n_replies] = r->text_len;
	gm->n_replies++;
	buf_add(&gm->judgment, r->text, r->text_len);
	v = verdict_find(jc->verdict, gm->judgment.p, gm->judgment.len,
	    &label, NULL);
	if (v == VERDICT_NONE && gm->n_replies < jc->attempts) {
		if (submit(gm) == -1)
			gm->state = GAME_CANCELLED;
		return;
	}
	/* No label after the last attempt, or two labels: null. */
	gm->score = v == VERDICT_ONE ? label : NULL;
	if (v != VERDICT_ONE)
		free(label);
	gm->state = GAME_DONE;
}

static void
on_done(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct game *gm = user;
	struct job *jb = gm->job;

	switch (r->status) {
	case LLM_OK:
		on_reply(gm, r);
		break;
	case LLM_FAILED:
		game_failed(gm, r);
		break;
	case LLM_CANCELLED:
		gm->state = GAME_CANCELLED;
		break;
	}
	if (gm->state == GAME_RUNNING)
		return;
	if (--jb->pending == 0)
		job_finished(jb);
}

static void
start_job(struct job *jb)
{
	struct judge *j = jb->j;
	int g;

	jb->state = JOB_RUNNING;
	j->active++;
	jb->pending = n_games(j);
	for (g = 0; g < n_games(j); g++) {
		struct game *gm = &jb->games[g];

		gm->job = jb;
		gm->g = g;
		gm->state = GAME_RUNNING;
		buf_init(&gm->prompt);
		buf_init(&gm->judgment);
		gm->reply_off = xcalloc(j->jc->attempts, sizeof(size_t));
		gm->reply_len = xcalloc(j->jc->attempts, sizeof(size_t));
		/* judge_prepare built this prompt once already. */
		if (build_prompt(j, jb, g, &gm->prompt, NULL) == -1)
			abort();
	}
	/* Both games at once; a refused call means the run is stopping. */
	for (g = 0; g < n_games(j); g++)
		if (submit(&jb->games[g]) == -1) {
			jb->games[g].state = GAME_CANCELLED;
			if (--jb->pending == 0)
				job_finished(jb);
		}
}

static void
start_jobs(struct judge *j)
{
	while (!j->write_failed && !j->stopping && j->active < j->window &&
	    j->next_start < j->n_jobs && !llm_interrupted(j->llm))
		start_job(&j->jobs[j->next_start++]);
}

int
judge_run(struct judge *j, struct llm_client *llm, struct diag *d)
{
	int rc;

	j->llm = llm;
	/* Enough answers in flight to keep every connection busy. */
	j->window = 2 * (size_t)llm_parallel(llm) + 16;
	start_jobs(j);
	rc = llm_run(llm, d);
	emit_ready(j, 1);
	return rc == -1 ? -1 : j->status;
}
