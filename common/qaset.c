/* qaset.c: questions and answers of every shape, read and indexed. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "jsonl.h"
#include "qaset.h"
#include "strmap.h"

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

/* An id: a string, or an integer kept as its decimal text. */
static int
read_id(const json_t *rec, const char *key, char **id, size_t *len,
    int *is_int, const char *file, long line, struct diag *d)
{
	const json_t *v = json_object_get(rec, key);
	char num[32];

	if (v == NULL)
		return diag_set(d, EX_DATAERR, file, line,
		    "missing field '%s'", key);
	if (json_is_integer(v)) {
		*len = (size_t)snprintf(num, sizeof(num),
		    "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*id = xstrndup(num, *len);
		*is_int = 1;
		return 0;
	}
	if (!json_is_string(v))
		return diag_set(d, EX_DATAERR, file, line,
		    "field '%s' is not a string or an integer", key);
	*len = json_string_length(v);
	*id = xmalloc(*len + 1);
	memcpy(*id, json_string_value(v), *len + 1);
	*is_int = 0;
	return 0;
}

static void
text_set(struct qaset_text *t, const json_t *s)
{
	t->len = json_string_length(s);
	t->p = xmalloc(t->len + 1);
	memcpy(t->p, json_string_value(s), t->len + 1);
}

static void
texts_free(struct qaset_text *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].p);
	free(t);
}

/*
 * turns: an array of {"content": string} (Arena-Hard) or of strings
 * (FastChat); the path names it in errors.
 */
static int
read_turns(const json_t *turns, const char *path, struct qaset_text **out,
    size_t *n, const char *file, long line, struct diag *d)
{
	const json_t *t, *c;
	size_t i;

	*out = xcalloc(json_array_size(turns) + 1, sizeof(**out));
	*n = 0;
	json_array_foreach(turns, i, t) {
		c = json_is_string(t) ? t : json_object_get(t, "content");
		if (!json_is_string(c)) {
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

json_t *
qaset_id_json(const char *id, size_t len, int id_int)
{
	if (id_int)
		return json_integer(strtoll(id, NULL, 10));
	/* Ids come from JSON input: valid UTF-8. */
	return json_stringn_nocheck(id, len);
}

int
qaset_question_parse(const json_t *rec, struct qaset_question *q,
    const char *file, long line, struct diag *d)
{
	const json_t *v;
	int v2 = json_object_get(rec, "question_id") == NULL &&
	    json_object_get(rec, "uid") != NULL;

	memset(q, 0, sizeof(*q));
	if (read_id(rec, v2 ? "uid" : "question_id", &q->id, &q->id_len,
	    &q->id_int, file, line, d) == -1)
		return -1;
	if (v2) {
		/* v2: {"uid", "prompt"}. */
		if ((v = member(rec, "prompt", JSON_STRING, "a string", file,
		    line, d)) == NULL) {
			qaset_question_release(q);
			return -1;
		}
		q->turns = xcalloc(1, sizeof(*q->turns));
		text_set(&q->turns[0], v);
		q->n_turns = 1;
	} else if ((v = member(rec, "turns", JSON_ARRAY, "an array", file,
	    line, d)) == NULL || read_turns(v, "turns", &q->turns,
	    &q->n_turns, file, line, d) == -1) {
		qaset_question_release(q);
		return -1;
	}
	v = json_object_get(rec, "category");
	if (json_is_string(v))
		q->category = xstrdup(json_string_value(v));
	q->file = file;
	q->line = line;
	return 0;
}

void
qaset_question_release(struct qaset_question *q)
{
	free(q->id);
	free(q->category);
	texts_free(q->turns, q->n_turns);
	memset(q, 0, sizeof(*q));
}

/* v2: the text of the last assistant message. */
static int
v2_answer(const json_t *msgs, struct qaset_answer *a, const char *file,
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
qaset_answer_parse(const json_t *rec, struct qaset_answer *a,
    const char *model, const char *file, long line, struct diag *d)
{
	const json_t *m, *v, *c;
	const char *mkey;
	int v2 = json_object_get(rec, "question_id") == NULL &&
	    json_object_get(rec, "uid") != NULL;

	memset(a, 0, sizeof(*a));
	if (read_id(rec, v2 ? "uid" : "question_id", &a->question_id,
	    &a->question_id_len, &a->id_int, file, line, d) == -1)
		return -1;
	mkey = v2 ? "model" : "model_id";
	m = json_object_get(rec, mkey);
	if ((m != NULL || model == NULL) && (m = member(rec, mkey,
	    JSON_STRING, "a string", file, line, d)) == NULL)
		goto bad;
	if (v2) {
		if ((v = member(rec, "messages", JSON_ARRAY, "an array", file,
		    line, d)) == NULL || v2_answer(v, a, file, line, d) == -1)
			goto bad;
	} else {
		if ((v = member(rec, "choices", JSON_ARRAY, "an array", file,
		    line, d)) == NULL)
			goto bad;
		c = json_array_get(v, 0);
		if (!json_is_object(c) ||
		    !json_is_array(json_object_get(c, "turns"))) {
			diag_set(d, EX_DATAERR, file, line,
			    "'choices[0]' has no array 'turns'");
			goto bad;
		}
		if (read_turns(json_object_get(c, "turns"), "choices[0].turns",
		    &a->turns, &a->n_turns, file, line, d) == -1)
			goto bad;
	}
	a->model = xstrdup(m != NULL ? json_string_value(m) : model);
	a->file = file;
	a->line = line;
	/* gen-answer --estimate's stand-ins (judgepipe-formats(5)). */
	v = json_object_get(rec, "estimate_tokens");
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		a->estimate_tokens = json_integer_value(v);
		v = json_object_get(rec, "estimate_tokens_bound");
		a->estimate_tokens_bound = json_is_integer(v) ?
		    json_integer_value(v) : a->estimate_tokens;
	}
	return 0;
bad:
	qaset_answer_release(a);
	return -1;
}

uint64_t
qaset_standin_id(const struct qaset_answer *a)
{
	uint64_t h;

	if (a->estimate_tokens <= 0)
		return 0;
	h = hash_fnv1a(HASH_FNV_INIT, a->model, strlen(a->model) + 1);
	return hash_fnv1a(h, a->question_id, a->question_id_len);
}

void
qaset_answer_release(struct qaset_answer *a)
{
	free(a->question_id);
	free(a->model);
	texts_free(a->turns, a->n_turns);
	memset(a, 0, sizeof(*a));
}

char *
qaset_file_model(const char *path)
{
	const char *base = strrchr(path, '/'), *dir;
	size_t n, dn;

	if (base == NULL)
		return NULL;
	/* The folder: "model_answer" or "reference_answer", as FastChat's. */
	for (dir = base; dir > path && dir[-1] != '/'; dir--)
		;
	dn = (size_t)(base - dir);
	if (!(dn == 12 && memcmp(dir, "model_answer", 12) == 0) &&
	    !(dn == 16 && memcmp(dir, "reference_answer", 16) == 0))
		return NULL;
	base++;
	n = strlen(base);
	if (n > 10 && strcmp(base + n - 10, ".jsonl.zst") == 0)
		n -= 10;
	else if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
		n -= 6;
	else
		return NULL;
	return xstrndup(base, n);
}

/* ---- the set ---- */

/* Answers of one kind, indexed by model NUL question id. */
struct pool {
	struct qaset_answer **v;	/* NULL: replaced by a later one */
	size_t n;
	struct strmap index;
};

struct qaset {
	qaset_note_fn *note;
	void *arg;
	char **files;			/* interned file names */
	size_t n_files;
	struct qaset_question **questions;
	size_t n_questions;
	struct strmap q_index;
	struct pool pools[3];		/* by enum qaset_kind */
	struct buf key;
};

void
qaset_notef(qaset_note_fn *fn, void *arg, int code, const char *file,
    long line, const char *fmt, ...)
{
	char msg[DIAG_MSG_LEN];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(arg, code, file, line, msg);
}

#define note(s, ...)	qaset_notef((s)->note, (s)->arg, __VA_ARGS__)

static int
note_diag(struct qaset *s, const struct diag *d)
{
	note(s, d->code, d->file[0] != '\0' ? d->file : NULL, d->line, "%s",
	    d->msg);
	return d->code;
}

struct qaset *
qaset_new(qaset_note_fn *fn, void *arg)
{
	struct qaset *s = xcalloc(1, sizeof(*s));

	s->note = fn;
	s->arg = arg;
	buf_init(&s->key);
	return s;
}

static void
pool_release(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i] != NULL) {
			qaset_answer_release(p->v[i]);
			free(p->v[i]);
		}
	free(p->v);
	strmap_release(&p->index);
}

void
qaset_free(struct qaset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_questions; i++) {
		qaset_question_release(s->questions[i]);
		free(s->questions[i]);
	}
	free(s->questions);
	strmap_release(&s->q_index);
	for (i = 0; i < 3; i++)
		pool_release(&s->pools[i]);
	for (i = 0; i < s->n_files; i++)
		free(s->files[i]);
	free(s->files);
	buf_release(&s->key);
	free(s);
}

static const char *
intern(struct qaset *s, const char *name)
{
	s->files = xrealloc(s->files, (s->n_files + 1) * sizeof(*s->files));
	s->files[s->n_files] = xstrdup(name);
	return s->files[s->n_files++];
}

/* The key of an answer: model, NUL, question id. */
static const struct buf *
pair_key(struct qaset *s, const char *model, const char *qid, size_t len)
{
	buf_reset(&s->key);
	buf_adds(&s->key, model);
	buf_addc(&s->key, '\0');
	buf_add(&s->key, qid, len);
	return &s->key;
}

static int
add_question(struct qaset *s, struct qaset_question *q)
{
	size_t prev = strmap_get(&s->q_index, q->id, q->id_len);

	if (prev != STRMAP_NONE) {
		note(s, EX_DATAERR, q->file, q->line, "duplicate question '%s' "
		    "(first at %s:%ld)", q->id, s->questions[prev]->file,
		    s->questions[prev]->line);
		qaset_question_release(q);
		return EX_DATAERR;
	}
	s->questions = xrealloc(s->questions, (s->n_questions + 1) *
	    sizeof(*s->questions));
	s->questions[s->n_questions] = xmalloc(sizeof(*q));
	*s->questions[s->n_questions] = *q;
	strmap_put(&s->q_index, q->id, q->id_len, s->n_questions);
	s->n_questions++;
	return 0;
}

static int
listed(const char *model, const char *const *models, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(models[i], model) == 0)
			return 1;
	return 0;
}

int
qaset_listed(const struct qaset_filter *f, const char *model)
{
	return !f->listed || listed(model, f->models, f->n_models);
}

/* "'a'", "'a' or 'b'", "'a', 'b' or 'c'" */
static void
name_list(struct buf *b, const char *const *models, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s'%s'", i == 0 ? "" : i + 1 == n ? " or " :
		    ", ", models[i]);
}

/* Store a; returns 0, EX_DATAERR for a refused one, -1 for an ignored one. */
static int
add_answer(struct qaset *s, enum qaset_kind k, struct qaset_answer *a,
    const char *const *models, size_t n)
{
	struct pool *p = &s->pools[k];
	const struct buf *key;
	size_t prev;

	if (n > 0 && !listed(a->model, models, n)) {
		struct buf b;

		if (k != QASET_BASELINES) {
			qaset_answer_release(a);
			return -1;
		}
		buf_init(&b);
		name_list(&b, models, n);
		note(s, EX_DATAERR, a->file, a->line, "baseline answer of "
		    "model '%s', expected %s", a->model, b.p);
		buf_release(&b);
		qaset_answer_release(a);
		return EX_DATAERR;
	}
	key = pair_key(s, a->model, a->question_id, a->question_id_len);
	prev = strmap_get(&p->index, key->p, key->len);
	if (prev != STRMAP_NONE) {
		if (k == QASET_ANSWERS)
			note(s, 0, a->file, a->line, "duplicate answer of "
			    "model '%s' for question '%s' (first at %s:%ld): "
			    "the last one wins", a->model, a->question_id,
			    p->v[prev]->file, p->v[prev]->line);
		else if (k == QASET_BASELINES)
			note(s, 0, a->file, a->line, "duplicate baseline "
			    "answer for question '%s': the last one wins",
			    a->question_id);
		qaset_answer_release(p->v[prev]);
		free(p->v[prev]);
		p->v[prev] = NULL;
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n] = xmalloc(sizeof(*a));
	*p->v[p->n] = *a;
	strmap_put(&p->index, key->p, key->len, p->n);
	p->n++;
	return 0;
}

static int
read_file(struct qaset *s, const char *path, int question,
    enum qaset_kind k, const char *const *models, size_t n)
{
	struct jsonl_reader *r;
	struct diag d;
	const char *file;
	char *fmodel;
	json_t *rec;
	long line;
	size_t ignored = 0;
	int rc = 0, st;

	diag_clear(&d);
	if ((r = jsonl_open(path, &d)) == NULL)
		return note_diag(s, &d);
	file = intern(s, jsonl_name(r));
	fmodel = qaset_file_model(path);
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1 && question) {
			struct qaset_question q;

			st = qaset_question_parse(rec, &q, file, line, &d);
			if (st == 0)
				rc = diag_worse(rc, add_question(s, &q));
			json_decref(rec);
		} else if (st == 1) {
			struct qaset_answer a;

			st = qaset_answer_parse(rec, &a, fmodel, file, line,
			    &d);
			if (st == 0) {
				int added = add_answer(s, k, &a, models, n);

				if (added == -1)
					ignored++;
				else
					rc = diag_worse(rc, added);
			}
			json_decref(rec);
		}
		if (st == -1) {
			rc = diag_worse(rc, note_diag(s, &d));
			diag_clear(&d);
		}
	}
	if (ignored > 0)
		note(s, 0, file, 0, "ignored %zu answers of models not in "
		    "ref_model", ignored);
	free(fmodel);
	jsonl_free(r);
	return rc;
}

int
qaset_read_questions(struct qaset *s, const char *path)
{
	return read_file(s, path, 1, QASET_ANSWERS, NULL, 0);
}

int
qaset_read_answers(struct qaset *s, const char *path, enum qaset_kind k,
    const char *const *models, size_t n)
{
	return read_file(s, path, 0, k, models, n);
}

size_t
qaset_n_questions(const struct qaset *s)
{
	return s->n_questions;
}

const struct qaset_question *
qaset_question(const struct qaset *s, size_t i)
{
	return s->questions[i];
}

const struct qaset_question *
qaset_find_question(const struct qaset *s, const char *id, size_t len)
{
	size_t i = strmap_get(&s->q_index, id, len);

	return i == STRMAP_NONE ? NULL : s->questions[i];
}

size_t
qaset_n_answers(const struct qaset *s)
{
	return s->pools[QASET_ANSWERS].n;
}

const struct qaset_answer *
qaset_answer(const struct qaset *s, size_t i)
{
	return s->pools[QASET_ANSWERS].v[i];
}

const struct qaset_answer *
qaset_find(const struct qaset *s, enum qaset_kind k, const char *model,
    const char *id, size_t len)
{
	const struct pool *p = &s->pools[k];
	struct buf key;
	size_t i;

	buf_init(&key);
	buf_adds(&key, model);
	buf_addc(&key, '\0');
	buf_add(&key, id, len);
	i = strmap_get(&p->index, key.p, key.len);
	buf_release(&key);
	return i == STRMAP_NONE ? NULL : p->v[i];
}

size_t
qaset_each(const struct qaset *s, const struct qaset_filter *f,
    int (*fn)(void *, const struct qaset_answer *), void *arg,
    size_t *refused)
{
	const struct pool *p = &s->pools[QASET_ANSWERS];
	size_t i, unlisted = 0;

	*refused = 0;
	for (i = 0; i < p->n; i++) {
		const struct qaset_answer *a = p->v[i];

		if (a == NULL || !shard_keep(f->shard, a->question_id,
		    a->question_id_len))
			continue;
		if (!qaset_listed(f, a->model))
			unlisted++;
		else if (fn(arg, a) == -1)
			(*refused)++;
	}
	return unlisted;
}
