/* questions.c: read a question file for reports (see questions.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonl.h"
#include "questions.h"

static void
add_err(struct question_set *s, const struct diag *d)
{
	s->errs = xrealloc(s->errs, (s->nerrs + 1) * sizeof(*s->errs));
	s->errs[s->nerrs++] = *d;
}

static void
add_turn(struct question *q, const char *p, size_t len)
{
	q->turns = xrealloc(q->turns, (q->nturns + 1) * sizeof(*q->turns));
	q->turn_len = xrealloc(q->turn_len, (q->nturns + 1) *
	    sizeof(*q->turn_len));
	q->turns[q->nturns] = xstrndup(p, len);
	q->turn_len[q->nturns++] = len;
}

static void
question_release(struct question *q)
{
	size_t i;

	free(q->id);
	for (i = 0; i < q->nturns; i++)
		free(q->turns[i]);
	free(q->turns);
	free(q->turn_len);
	json_decref(q->rec);
}

/* Fill q from rec.  Returns 0, or -1 with d set at file:line. */
static int
parse(json_t *rec, struct question *q, const char *file, long line,
    struct diag *d)
{
	json_t *id = json_object_get(rec, "question_id"), *turns, *t;
	size_t i;

	memset(q, 0, sizeof(*q));
	if (id == NULL && (id = json_object_get(rec, "uid")) != NULL) {
		t = json_object_get(rec, "prompt");
		if (!json_is_string(id) || !json_is_string(t))
			return diag_set(d, EX_DATAERR, file, line, "'uid' and "
			    "'prompt' must be strings");
		q->id = xstrdup(json_string_value(id));
		add_turn(q, json_string_value(t), json_string_length(t));
		return 0;
	}
	if (json_is_string(id))
		q->id = xstrdup(json_string_value(id));
	else if (json_is_integer(id)) {
		struct buf b;

		buf_init(&b);
		buf_printf(&b, "%lld", (long long)json_integer_value(id));
		q->id = buf_detach(&b, NULL);
	} else
		return diag_set(d, EX_DATAERR, file, line, id == NULL ?
		    "missing field 'question_id'" : "'question_id' must be a "
		    "string or an integer");
	turns = json_object_get(rec, "turns");
	if (!json_is_array(turns))
		return diag_set(d, EX_DATAERR, file, line, "missing field "
		    "'turns'");
	json_array_foreach(turns, i, t) {
		json_t *c = json_is_object(t) ? json_object_get(t, "content") :
		    t;

		if (!json_is_string(c))
			return diag_set(d, EX_DATAERR, file, line, "turn %zu "
			    "has no text", i + 1);
		add_turn(q, json_string_value(c), json_string_length(c));
	}
	return 0;
}

int
questions_read(struct question_set *s, const char *path, struct diag *d)
{
	struct jsonl_reader *r;
	const char *file;
	json_t *rec;
	long line;
	int st;

	if ((r = jsonl_open(path, d)) == NULL)
		return -1;
	s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	file = s->files[s->nfiles++] = xstrdup(jsonl_name(r));
	while ((st = jsonl_read(r, &rec, &line, d)) != 0) {
		struct question q;

		if (st == -1) {
			add_err(s, d);
			diag_clear(d);
			continue;
		}
		if (parse(rec, &q, file, line, d) == -1) {
			question_release(&q);
			json_decref(rec);
			add_err(s, d);
			diag_clear(d);
			continue;
		}
		if (strmap_get(&s->ids, q.id, strlen(q.id)) != STRMAP_NONE) {
			diag_set(d, EX_DATAERR, file, line, "duplicate "
			    "question '%s' (the first wins)", q.id);
			question_release(&q);
			json_decref(rec);
			add_err(s, d);
			diag_clear(d);
			continue;
		}
		q.rec = rec;
		q.file = file;
		q.line = line;
		strmap_put(&s->ids, q.id, strlen(q.id), s->n);
		s->q = xrealloc(s->q, (s->n + 1) * sizeof(*s->q));
		s->q[s->n++] = q;
	}
	jsonl_free(r);
	return 0;
}

void
questions_release(struct question_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		question_release(&s->q[i]);
	free(s->q);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->errs);
	strmap_release(&s->ids);
	memset(s, 0, sizeof(*s));
}

const struct question *
questions_find(const struct question_set *s, const char *id, size_t len)
{
	size_t i = strmap_get(&s->ids, id, len);

	return i == STRMAP_NONE ? NULL : &s->q[i];
}

const char *
questions_field(const struct question *q, const char *key)
{
	json_t *v = json_object_get(q->rec, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *
questions_category_key(const struct question_set *s, const char *want)
{
	static const char *keys[] = { "category", "subcategory", "cluster" };
	size_t k, i;

	if (want != NULL)
		return want;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *first = NULL;

		for (i = 0; i < s->n; i++) {
			const char *v = questions_field(&s->q[i], keys[k]);

			if (v == NULL)
				continue;
			if (first == NULL)
				first = v;
			else if (strcmp(first, v) != 0)
				return keys[k];
		}
	}
	return NULL;
}
