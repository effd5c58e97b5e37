/* ensemble.c: combine several judges' judgments per answer. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ensemble.h"
#include "hash.h"

/* Game values besides -2..2. */
#define V_NULL	100	/* a null score or a null game */
#define V_BAD	101	/* a label other than the five */

struct judge {
	char *name;
	int listed;		/* named in --judges */
	size_t pos;		/* output order */
	size_t records;		/* records stored */
	size_t ignored;		/* records ignored: not listed */
	size_t missing;		/* answers without a record */
};

struct entry {
	char *model;
	size_t model_len;
	char *pair;		/* model_a of a pairwise-all record, or NULL */
	size_t pair_len;
	char *qid;		/* an integer id in decimal */
	size_t qid_len;
	int qid_int;
	json_t *extra;		/* v2's category and baseline, or NULL */
	size_t judge;
	signed char *v;
	size_t n_games;
};

struct ensemble {
	enum ensemble_mode mode;
	long min_judges;
	char *name;
	int listed;
	ensemble_note_fn *note;
	void *note_arg;
	struct judge *judges;
	size_t n_judges;
	struct entry *entries;
	size_t n_entries;
	size_t cap_entries;
	size_t *slots;		/* open addressing: entry index + 1, 0 empty */
	size_t n_slots;
};

static const struct {
	const char *label;
	int value;
} labels[] = {
	{ "A>>B", 2 },
	{ "A>B", 1 },
	{ "A=B", 0 },
	{ "B>A", -1 },
	{ "B>>A", -2 },
};

static void
note(struct ensemble *e, int code, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
note(struct ensemble *e, int code, const char *file, long line,
    const char *fmt, ...)
{
	char msg[DIAG_MSG_LEN];
	va_list ap;

	if (e->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->note(e->note_arg, code, file, line, msg);
}

int
ensemble_value(const char *label, int *value)
{
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(label, labels[i].label) == 0) {
			*value = labels[i].value;
			return 0;
		}
	return -1;
}

const char *
ensemble_label(long s, long k, long min_judges)
{
	/* The thresholds of upstream's get_score on s/k, multiplied by k. */
	if (k <= 0 || k < min_judges)
		return NULL;
	if (s == 0)
		return "A=B";
	if (s > 0)
		return s <= k ? "A>B" : "A>>B";
	return s >= -k ? "B>A" : "B>>A";
}

static const char *
value_label(int v)
{
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (labels[i].value == v)
			return labels[i].label;
	return NULL;
}

struct ensemble *
ensemble_new(const struct ensemble_opts *o)
{
	struct ensemble *e = xcalloc(1, sizeof(*e));
	size_t i;

	e->mode = o->mode;
	e->min_judges = o->min_judges > 0 ? o->min_judges : 1;
	if (o->name != NULL)
		e->name = xstrdup(o->name);
	else
		e->name = xstrdup(o->mode == ENSEMBLE_POOL ? "pool" :
		    "ensemble");
	e->note = o->note;
	e->note_arg = o->note_arg;
	if (o->judges != NULL) {
		e->listed = 1;
		e->judges = xcalloc(o->n_judges + 1, sizeof(*e->judges));
		for (i = 0; i < o->n_judges; i++) {
			e->judges[i].name = xstrdup(o->judges[i]);
			e->judges[i].listed = 1;
			e->judges[i].pos = i;
		}
		e->n_judges = o->n_judges;
	}
	return e;
}

void
ensemble_free(struct ensemble *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n_judges; i++)
		free(e->judges[i].name);
	for (i = 0; i < e->n_entries; i++) {
		free(e->entries[i].model);
		free(e->entries[i].pair);
		free(e->entries[i].qid);
		free(e->entries[i].v);
		json_decref(e->entries[i].extra);
	}
	free(e->judges);
	free(e->entries);
	free(e->slots);
	free(e->name);
	free(e);
}

/* The index of judge name, added (unlisted) when new. */
static size_t
judge_index(struct ensemble *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n_judges; i++)
		if (strcmp(e->judges[i].name, name) == 0)
			return i;
	e->judges = xrealloc(e->judges, (e->n_judges + 1) *
	    sizeof(*e->judges));
	memset(&e->judges[i], 0, sizeof(e->judges[i]));
	e->judges[i].name = xstrdup(name);
	e->n_judges++;
	return i;
}

/* What a record judges: a model's answer (or a pair's) to a question. */
struct key {
	const char *model, *pair, *qid;
	size_t model_len, pair_len, qid_len;
};

static uint64_t
entry_hash(size_t judge, const struct key *k)
{
	uint64_t h = HASH_FNV_INIT;

	h = hash_fnv1a(h, &judge, sizeof(judge));
	h = hash_fnv1a(h, &k->model_len, sizeof(k->model_len));
	h = hash_fnv1a(h, k->model, k->model_len);
	h = hash_fnv1a(h, &k->pair_len, sizeof(k->pair_len));
	if (k->pair != NULL)
		h = hash_fnv1a(h, k->pair, k->pair_len);
	return hash_fnv1a(h, k->qid, k->qid_len);
}

static void
key_of(const struct entry *x, struct key *k)
{
	k->model = x->model;
	k->model_len = x->model_len;
	k->pair = x->pair;
	k->pair_len = x->pair_len;
	k->qid = x->qid;
	k->qid_len = x->qid_len;
}

static int
same_str(const char *a, size_t alen, const char *b, size_t blen)
{
	if (a == NULL || b == NULL)
		return a == b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void
rehash(struct ensemble *e)
{
	size_t n = e->n_slots == 0 ? 1024 : e->n_slots * 2;
	size_t i, j;

	free(e->slots);
	e->slots = xcalloc(n, sizeof(*e->slots));
	e->n_slots = n;
	for (i = 0; i < e->n_entries; i++) {
		struct entry *x = &e->entries[i];
		struct key k;

		key_of(x, &k);
		j = entry_hash(x->judge, &k) & (n - 1);
		while (e->slots[j] != 0)
			j = (j + 1) & (n - 1);
		e->slots[j] = i + 1;
	}
}

/* The slot of (judge, key): occupied by it, or empty. */
static size_t *
find_slot(struct ensemble *e, size_t judge, const struct key *k)
{
	size_t mask = e->n_slots - 1;
	size_t j;

	j = entry_hash(judge, k) & mask;
	for (;; j = (j + 1) & mask) {
		struct entry *x;

		if (e->slots[j] == 0)
			return &e->slots[j];
		x = &e->entries[e->slots[j] - 1];
		if (x->judge == judge &&
		    same_str(x->model, x->model_len, k->model, k->model_len) &&
		    same_str(x->pair, x->pair_len, k->pair, k->pair_len) &&
		    same_str(x->qid, x->qid_len, k->qid, k->qid_len))
			return &e->slots[j];
	}
}

/* Read the games of rec into a new array of values. */
static int
read_games(const json_t *games, signed char **out, size_t *n_out,
    const char *file, long line, struct diag *d)
{
	size_t n = json_array_size(games);
	signed char *v = xcalloc(n + 1, 1);
	size_t i;

	for (i = 0; i < n; i++) {
		const json_t *g = json_array_get(games, i);
		const json_t *s;
		int val;

		/* A v2 judgment stores a failed game as null. */
		if (json_is_null(g)) {
			v[i] = V_NULL;
			continue;
		}
		if (!json_is_object(g)) {
			free(v);
			return diag_set(d, EX_DATAERR, file, line,
			    "game %zu is not an object", i + 1);
		}
		s = json_object_get(g, "score");
		if (s == NULL || json_is_null(s))
			v[i] = V_NULL;
		else if (!json_is_string(s)) {
			free(v);
			return diag_set(d, EX_DATAERR, file, line,
			    "field 'score' of game %zu is not a string", i + 1);
		} else if (ensemble_value(json_string_value(s), &val) == 0)
			v[i] = (signed char)val;
		else
			v[i] = V_BAD;
	}
	*out = v;
	*n_out = n;
	return 0;
}

static const json_t *
get_string(const json_t *rec, const char *key, const char *file, long line,
    struct diag *d)
{
	const json_t *v = json_object_get(rec, key);

	if (v == NULL) {
		diag_set(d, EX_DATAERR, file, line, "missing field '%s'", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		diag_set(d, EX_DATAERR, file, line,
		    "field '%s' is not a string", key);
		return NULL;
	}
	return v;
}

/* An optional string member: 0 absent, 1 present, -1 not a string. */
static int
opt_string(const json_t *rec, const char *key, const json_t **out,
    const char *file, long line, struct diag *d)
{
	*out = json_object_get(rec, key);
	if (*out == NULL)
		return 0;
	if (!json_is_string(*out))
		return diag_set(d, EX_DATAERR, file, line,
		    "field '%s' is not a string", key);
	return 1;
}

static char *
copy(const json_t *s, size_t *len)
{
	char *p;

	*len = json_string_length(s);
	p = xmalloc(*len + 1);
	memcpy(p, json_string_value(s), *len + 1);
	return p;
}

/* v2's category and baseline, and the provenance, kept for the output. */
static json_t *
extras(const json_t *rec)
{
	static const char *const keys[] = {
		"category", "baseline", "provenance"
	};
	json_t *x = NULL, *v;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = json_object_get(rec, keys[i]);
		if (v == NULL || !(i < 2 ? json_is_string(v) :
		    json_is_object(v)))
			continue;
		if (x == NULL)
			x = json_object();
		json_object_set(x, keys[i], v);
	}
	return x;
}

int
ensemble_add(struct ensemble *e, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	const json_t *jjudge, *jmodel, *jqid, *jpair, *jb, *games;
	const char *jname, *idkey;
	char num[32];
	signed char *v = NULL;
	size_t n_games = 0, ji, *slot;
	struct entry *x;
	struct key k;
	int qid_int = 0;

	if (!json_is_object(rec))
		return diag_set(d, EX_DATAERR, file, line,
		    "record is not a JSON object");
	/* v0.1 and ensemble records name the question so, v2 "uid". */
	idkey = json_object_get(rec, "question_id") != NULL ||
	    json_object_get(rec, "uid") == NULL ? "question_id" : "uid";
	jqid = json_object_get(rec, idkey);
	if (json_is_integer(jqid)) {
		/* MT-Bench numbers its questions. */
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(jqid));
		qid_int = 1;
	} else if ((jqid = get_string(rec, idkey, file, line, d)) == NULL)
		return -1;
	/* A pairwise-all record: model_a, and model (= model_b). */
	if (opt_string(rec, "model_a", &jpair, file, line, d) == -1 ||
	    opt_string(rec, "model_b", &jb, file, line, d) == -1)
		return -1;
	if (jpair != NULL && jb == NULL)
		return diag_set(d, EX_DATAERR, file, line,
		    "field 'model_a' without 'model_b'");
	if (jb != NULL && json_object_get(rec, "model") == NULL)
		jmodel = jb;
	else if ((jmodel = get_string(rec, "model", file, line, d)) == NULL)
		return -1;
	if (jb != NULL && !json_equal(jb, jmodel))
		return diag_set(d, EX_DATAERR, file, line,
		    "field 'model' differs from 'model_b'");
	if ((jjudge = get_string(rec, "judge", file, line, d)) == NULL)
		return -1;
	games = json_object_get(rec, "games");
	if (games == NULL)
		return diag_set(d, EX_DATAERR, file, line,
		    "missing field 'games'");
	if (!json_is_array(games))
		return diag_set(d, EX_DATAERR, file, line,
		    "field 'games' is not an array");
	jname = json_string_value(jjudge);
	if (!e->listed && (strcmp(jname, "ensemble") == 0 ||
	    strcmp(jname, "pool") == 0))
		return diag_set(d, EX_DATAERR, file, line,
		    "judge '%s' is an ensemble's output; name it in --judges "
		    "to read it", jname);
	if (read_games(games, &v, &n_games, file, line, d) == -1)
		return -1;

	ji = judge_index(e, jname);
	if (e->listed && !e->judges[ji].listed) {
		e->judges[ji].ignored++;
		free(v);
		return 0;
	}
	if (e->n_entries * 2 >= e->n_slots)
		rehash(e);
	k.model = json_string_value(jmodel);
	k.model_len = json_string_length(jmodel);
	k.pair = jpair != NULL ? json_string_value(jpair) : NULL;
	k.pair_len = jpair != NULL ? json_string_length(jpair) : 0;
	k.qid = qid_int ? num : json_string_value(jqid);
	k.qid_len = qid_int ? strlen(num) : json_string_length(jqid);
	slot = find_slot(e, ji, &k);
	if (*slot != 0) {
		x = &e->entries[*slot - 1];
		note(e, 0, file, line, "duplicate judgment by '%s' of model "
		    "'%s' for question '%s': the last one wins", jname,
		    x->model, x->qid);
		free(x->v);
		x->v = v;
		x->n_games = n_games;
		json_decref(x->extra);
		x->extra = extras(rec);
		return 0;
	}
	if (e->n_entries == e->cap_entries) {
		e->cap_entries = e->cap_entries == 0 ? 256 :
		    e->cap_entries * 2;
		e->entries = xrealloc(e->entries, e->cap_entries *
		    sizeof(*e->entries));
	}
	x = &e->entries[e->n_entries];
	memset(x, 0, sizeof(*x));
	x->model = copy(jmodel, &x->model_len);
	if (jpair != NULL)
		x->pair = copy(jpair, &x->pair_len);
	x->qid_len = k.qid_len;
	x->qid = xstrndup(k.qid, k.qid_len);
	x->qid_int = qid_int;
	x->extra = extras(rec);
	x->judge = ji;
	x->v = v;
	x->n_games = n_games;
	e->n_entries++;
	*slot = e->n_entries;
	e->judges[ji].records++;
	return 0;
}

/* Bytewise order of two (pointer, length) strings. */
static int
bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
cmp_judge_name(const void *a, const void *b)
{
	const struct judge *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* qsort has no context argument, so sort pointers that carry the pos. */
struct sort_item {
	const struct entry *x;
	size_t pos;
};

/* A record of a model without a pair sorts before those with one. */
static int
paircmp(const struct entry *a, const struct entry *b)
{
	if (a->pair == NULL || b->pair == NULL)
		return (a->pair != NULL) - (b->pair != NULL);
	return bytecmp(a->pair, a->pair_len, b->pair, b->pair_len);
}

static int
same_answer(const struct entry *a, const struct entry *b)
{
	return bytecmp(a->model, a->model_len, b->model, b->model_len) == 0 &&
	    paircmp(a, b) == 0 &&
	    bytecmp(a->qid, a->qid_len, b->qid, b->qid_len) == 0;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c;

	c = bytecmp(x->x->model, x->x->model_len, y->x->model,
	    y->x->model_len);
	if (c == 0)
		c = paircmp(x->x, y->x);
	if (c == 0)
		c = bytecmp(x->x->qid, x->x->qid_len, y->x->qid,
		    y->x->qid_len);
	if (c == 0)
		c = x->pos < y->pos ? -1 : x->pos > y->pos;
	return c;
}

static json_t *
new_record(const struct entry *x, const char *name, const char *source)
{
	json_t *r = json_object(), *v;

	json_object_set_new(r, "question_id", x->qid_int ?
	    json_integer(strtoll(x->qid, NULL, 10)) :
	    json_stringn(x->qid, x->qid_len));
	json_object_set_new(r, "model", json_stringn(x->model, x->model_len));
	if (x->pair != NULL) {
		json_object_set_new(r, "model_a", json_stringn(x->pair,
		    x->pair_len));
		json_object_set_new(r, "model_b", json_stringn(x->model,
		    x->model_len));
	}
	if (x->extra != NULL) {
		if ((v = json_object_get(x->extra, "category")) != NULL)
			json_object_set(r, "category", v);
		if ((v = json_object_get(x->extra, "baseline")) != NULL)
			json_object_set(r, "baseline", v);
	}
	json_object_set_new(r, "judge", json_string(name));
	if (source != NULL)
		json_object_set_new(r, "source_judge", json_string(source));
	return r;
}

static json_t *
new_game(const char *label)
{
	json_t *g = json_object();

	json_object_set_new(g, "score", label != NULL ? json_string(label) :
	    json_null());
	return g;
}

/* Order the judges in use: the --judges list, or all seen, sorted. */
static int
order_judges(struct ensemble *e)
{
	struct judge **v;
	size_t i;
	int code = 0;

	if (e->listed) {
		for (i = 0; i < e->n_judges; i++) {
			struct judge *j = &e->judges[i];

			if (j->listed && j->records == 0) {
				note(e, EX_DATAERR, NULL, 0,
				    "judge '%s' has no records", j->name);
				code = EX_DATAERR;
			} else if (!j->listed)
				note(e, 0, NULL, 0, "ignored %zu records of "
				    "judge '%s' (not in --judges)", j->ignored,
				    j->name);
		}
		return code;
	}
	v = xcalloc(e->n_judges + 1, sizeof(*v));
	for (i = 0; i < e->n_judges; i++)
		v[i] = &e->judges[i];
	qsort(v, e->n_judges, sizeof(*v), cmp_judge_name);
	for (i = 0; i < e->n_judges; i++) {
		v[i]->pos = i;
		v[i]->listed = 1;
	}
	free(v);
	return 0;
}

/* Mean mode: one record per answer from the group [g, g + n). */
static json_t *
combine(struct ensemble *e, const struct sort_item *g, size_t n,
    size_t *n_games, size_t *n_null, int *mismatch)
{
	struct entry first = *g[0].x;
	json_t *games = json_array(), *r, *prov;
	size_t max = 0, i, k;

	/* v2's category and baseline from the first judge that has them. */
	for (i = 0; i < n && first.extra == NULL; i++)
		first.extra = g[i].x->extra;
	r = new_record(&first, e->name, NULL);

	*mismatch = 0;
	for (i = 0; i < n; i++) {
		if (g[i].x->n_games != g[0].x->n_games)
			*mismatch = 1;
		if (g[i].x->n_games > max)
			max = g[i].x->n_games;
	}
	for (k = 0; k < max; k++) {
		const char *label;
		long s = 0, valid = 0;

		for (i = 0; i < n; i++) {
			const struct entry *x = g[i].x;

			if (k < x->n_games && x->v[k] >= -2 && x->v[k] <= 2) {
				s += x->v[k];
				valid++;
			}
		}
		label = ensemble_label(s, valid, e->min_judges);
		if (label == NULL)
			(*n_null)++;
		json_array_append_new(games, new_game(label));
	}
	*n_games += max;
	json_object_set_new(r, "games", games);
	/* Each judge's provenance, under its name. */
	for (i = 0; i < n; i++) {
		const json_t *p = g[i].x->extra != NULL ?
		    json_object_get(g[i].x->extra, "provenance") : NULL;

		if (p == NULL)
			continue;
		if ((prov = json_object_get(r, "provenance")) == NULL) {
			prov = json_object();
			json_object_set_new(r, "provenance", prov);
		}
		json_object_set(prov, e->judges[g[i].x->judge].name,
		    (json_t *)p);
	}
	return r;
}

/* Pool mode: x re-emitted under the output name. */
static json_t *
pool_record(struct ensemble *e, const struct entry *x, size_t *n_null)
{
	json_t *r = new_record(x, e->name, e->judges[x->judge].name);
	json_t *games = json_array();
	const json_t *p;
	size_t k;

	for (k = 0; k < x->n_games; k++) {
		const char *label = value_label(x->v[k]);

		if (label == NULL)
			(*n_null)++;
		json_array_append_new(games, new_game(label));
	}
	json_object_set_new(r, "games", games);
	if (x->extra != NULL &&
	    (p = json_object_get(x->extra, "provenance")) != NULL)
		json_object_set(r, "provenance", (json_t *)p);
	return r;
}

json_t *
ensemble_result(struct ensemble *e, int *code)
{
	json_t *out = json_array();
	struct sort_item *items;
	size_t i, j, n = 0, answers = 0, mismatches = 0;
	size_t n_games = 0, n_null = 0, n_bad = 0;

	*code = order_judges(e);
	items = xcalloc(e->n_entries + 1, sizeof(*items));
	for (i = 0; i < e->n_entries; i++) {
		const struct entry *x = &e->entries[i];

		if (!e->judges[x->judge].listed)
			continue;
		items[n].x = x;
		items[n].pos = e->judges[x->judge].pos;
		n++;
	}
	qsort(items, n, sizeof(*items), cmp_item);

	for (i = 0; i < n; i = j) {
		size_t jj;
		int mismatch;

		for (j = i + 1; j < n && same_answer(items[i].x, items[j].x);
		    j++)
			;
		answers++;
		for (jj = i; jj < j; jj++) {
			const struct entry *x = items[jj].x;
			size_t k;

			for (k = 0; k < x->n_games; k++)
				if (x->v[k] == V_BAD)
					n_bad++;
		}
		if (e->mode == ENSEMBLE_POOL) {
			for (jj = i; jj < j; jj++) {
				n_games += items[jj].x->n_games;
				json_array_append_new(out, pool_record(e,
				    items[jj].x, &n_null));
			}
			continue;
		}
		json_array_append_new(out, combine(e, &items[i], j - i,
		    &n_games, &n_null, &mismatch));
		mismatches += mismatch;
		/* Each judge in use that has no record here is missing. */
		for (jj = 0; jj < e->n_judges; jj++)
			e->judges[jj].missing++;
		for (jj = i; jj < j; jj++)
			e->judges[items[jj].x->judge].missing--;
	}
	free(items);

	if (e->mode == ENSEMBLE_MEAN) {
		for (j = 0; j < e->n_judges; j++)
			for (i = 0; i < e->n_judges; i++) {
				const struct judge *jg = &e->judges[i];

				if (!jg->listed || jg->pos != j ||
				    jg->records == 0 || jg->missing == 0)
					continue;
				note(e, 0, NULL, 0, "judge '%s' has no "
				    "record for %zu of %zu answers", jg->name,
				    jg->missing, answers);
			}
		if (mismatches > 0)
			note(e, 0, NULL, 0, "the judges' game counts differ "
			    "for %zu of %zu answers", mismatches, answers);
	}
	if (n_bad > 0)
		note(e, 0, NULL, 0, "%zu games have a score that is not a "
		    "verdict label (counted as no verdict)", n_bad);
	if (n_null > 0)
		note(e, 0, NULL, 0, "%zu of %zu output games have a null "
		    "score", n_null, n_games);
	return out;
}
