/* boardsrc.c: judgments, answers and questions read into one index. */
#include <stdlib.h>
#include <string.h>

#include "boardsrc.h"
#include "buf.h"
#include "jsonl.h"
#include "qaset.h"

static const char *const label_names[] = {
	"A>>B", "A>B", "A=B", "B>A", "B>>A"
};

static void
names_release(struct boardsrc_names *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	strmap_release(&t->map);
	memset(t, 0, sizeof(*t));
}

void
boardsrc_release(struct boardsrc *src)
{
	size_t i;

	for (i = 0; i < src->njudgments; i++)
		json_decref(src->judgments[i].provenance);
	free(src->judgments);
	free(src->answers);
	free(src->qset);
	free(src->errs);
	free(src->adigests);
	strmap_release(&src->answer_digests);
	answerscan_set_free(src->answer_set);
	names_release(&src->files);
	names_release(&src->judges);
	names_release(&src->models);
	names_release(&src->questions);
	memset(src, 0, sizeof(*src));
}

uint32_t
boardsrc_intern(struct boardsrc_names *t, const char *name)
{
	size_t len = strlen(name), i = strmap_get(&t->map, name, len);

	if (i != STRMAP_NONE)
		return (uint32_t)i;
	if ((t->n & (t->n - 1)) == 0)
		t->v = xrealloc(t->v, (t->n ? 2 * t->n : 1) * sizeof(*t->v));
	t->v[t->n] = xstrdup(name);
	strmap_put(&t->map, name, len, t->n);
	return (uint32_t)t->n++;
}

uint32_t
boardsrc_find(const struct boardsrc_names *t, const char *name)
{
	size_t i = strmap_get(&t->map, name, strlen(name));

	return i == STRMAP_NONE ? BOARDSRC_NONE : (uint32_t)i;
}

uint8_t
boardsrc_label_code(const char *label)
{
	uint8_t i;

	if (label == NULL)
		return BOARDSRC_NULL;
	for (i = 0; i < 5; i++)
		if (strcmp(label, label_names[i]) == 0)
			return i;
	return BOARDSRC_OTHER;
}

const char *
boardsrc_label_name(uint8_t code)
{
	return code < 5 ? label_names[code] : NULL;
}

char *
boardsrc_file_stem(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".zst") == 0)
		len -= 4;
	if (len > 6 && strncmp(base + len - 6, ".jsonl", 6) == 0)
		len -= 6;
	return xstrndup(base, len);
}

static void
add_err(struct boardsrc *src, const struct diag *d)
{
	src->errs = xrealloc(src->errs, (src->nerrs + 1) *
	    sizeof(*src->errs));
	src->errs[src->nerrs++] = *d;
	src->rc = diag_worse(src->rc, d->code);
}

/* A string member: 1 present, 0 absent or null, -1 another type. */
static int
string_of(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 1;
}

/* One judgment record into src; -1 with d set for a bad record. */
static int
add_judgment(struct boardsrc *src, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	const char *fname = src->files.v[file], *qid, *model, *judge, *base;
	const json_t *games = json_object_get(rec, "games"), *prov;
	struct boardsrc_judgment *j;
	size_t g;
	int rc;

	if ((rc = string_of(rec, "question_id", &qid)) == 0)
		rc = string_of(rec, "uid", &qid);
	if (rc != 1)
		return diag_set(d, EX_DATAERR, fname, line, rc == 0 ?
		    "missing field 'question_id'" :
		    "field 'question_id' is not a string");
	if ((rc = string_of(rec, "model", &model)) != 1)
		return diag_set(d, EX_DATAERR, fname, line, rc == 0 ?
		    "missing field 'model'" : "field 'model' is not a string");
	if (string_of(rec, "judge", &judge) == -1)
		return diag_set(d, EX_DATAERR, fname, line,
		    "field 'judge' is not a string");
	if (string_of(rec, "baseline", &base) == -1)
		return diag_set(d, EX_DATAERR, fname, line,
		    "field 'baseline' is not a string");
	if (!json_is_array(games))
		return diag_set(d, EX_DATAERR, fname, line, games == NULL ?
		    "missing field 'games'" : "field 'games' is not an array");
	if ((src->njudgments & (src->njudgments - 1)) == 0)
		src->judgments = xrealloc(src->judgments, (src->njudgments ?
		    2 * src->njudgments : 1) * sizeof(*src->judgments));
	j = &src->judgments[src->njudgments];
	memset(j, 0, sizeof(*j));
	j->file = file;
	j->line = line;
	j->judge = judge != NULL ? boardsrc_intern(&src->judges, judge) :
	    BOARDSRC_NONE;
	j->model = boardsrc_intern(&src->models, model);
	j->question = boardsrc_intern(&src->questions, qid);
	j->baseline = base != NULL ? boardsrc_intern(&src->models, base) :
	    BOARDSRC_NONE;
	j->model_a = string_of(rec, "model_a", &base) == 1 ?
	    boardsrc_intern(&src->models, base) : BOARDSRC_NONE;
	j->ngames = (uint32_t)json_array_size(games);
	for (g = 0; g < 2; g++) {
		const json_t *game = json_array_get(games, g), *score;

		if (game == NULL || json_is_null(game))
			j->label[g] = BOARDSRC_NULL;
		else if (!json_is_object(game))
			j->label[g] = BOARDSRC_OTHER;
		else if ((score = json_object_get(game, "score")) == NULL ||
		    json_is_null(score))
			j->label[g] = BOARDSRC_NULL;
		else if (!json_is_string(score))
			j->label[g] = BOARDSRC_OTHER;
		else
			j->label[g] = boardsrc_label_code(
			    json_string_value(score));
	}
	prov = json_object_get(rec, "provenance");
	if (json_is_object(prov))
		j->provenance = json_incref((json_t *)prov);
	src->njudgments++;
	return 0;
}

/*
 * Read every record of path through add (a record's fields into src);
 * bad records and an unreadable file are noted in src->errs.
 */
static void
read_records(struct boardsrc *src, const char *path,
    int (*add)(struct boardsrc *, const json_t *, uint32_t, long,
    struct diag *))
{
	struct jsonl_reader *r;
	struct diag d;
	json_t *rec;
	uint32_t fi;
	long line;
	int st;

	diag_clear(&d);
	if ((r = jsonl_open(path, &d)) == NULL) {
		add_err(src, &d);
		return;
	}
	fi = boardsrc_intern(&src->files, jsonl_name(r));
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1) {
			st = add(src, rec, fi, line, &d);
			json_decref(rec);
		}
		if (st == -1) {
			add_err(src, &d);
			diag_clear(&d);
		}
	}
	jsonl_free(r);
}

void
boardsrc_read_judgments(struct boardsrc *src, const char *path)
{
	read_records(src, path, add_judgment);
}

void
boardsrc_read_answers(struct boardsrc *src, char *const *args, size_t nargs,
    int threads)
{
	struct answer_file *files;
	char **paths = NULL;
	size_t n = 0, i, k;
	struct diag d;

	diag_clear(&d);
	for (i = 0; i < nargs; i++)
		if (answerscan_expand(args[i], &paths, &n, &d) == -1) {
			add_err(src, &d);
			diag_clear(&d);
		}
	if (src->answer_set == NULL)
		src->answer_set = answerscan_set_new();
	files = xcalloc(n ? n : 1, sizeof(*files));
	for (i = 0; i < n; i++)
		files[i].keep_text = 1;
	answerscan_load(paths, n, threads, files);
	for (i = 0; i < n; i++) {
		struct answer_file *f = &files[i];
		uint32_t fi = boardsrc_intern(&src->files, paths[i]);

		if (f->fatal.code != 0)
			add_err(src, &f->fatal);
		for (k = 0; k < f->nerrs; k++)
			add_err(src, &f->errs[k]);
		src->answers = xrealloc(src->answers, (src->nanswers +
		    f->nrecs + 1) * sizeof(*src->answers));
		for (k = 0; k < f->nrecs; k++) {
			struct answer_rec *r = &f->recs[k];
			struct boardsrc_answer *a =
			    &src->answers[src->nanswers++];

			memset(a, 0, sizeof(*a));
			a->file = fi;
			a->line = r->line;
			a->model = boardsrc_intern(&src->models, r->model);
			a->question = boardsrc_intern(&src->questions,
			    r->question_id);
			a->meta_mask = r->meta_mask;
			if (r->has_token_len)
				a->meta_mask |= 1U << ANSWER_TOKENS;
			if (r->text != NULL) {
				a->has_text = 1;
				textsim_make(r->text, r->text_len, &a->sim);
				provenance_digest(r->text, r->text_len,
				    a->digest);
			}
			/* Keep only the texts show-result must count. */
			if (r->has_token_len) {
				free(r->text);
				r->text = NULL;
			}
		}
		answerscan_set_add(src->answer_set, f);
		answerscan_file_release(f);
		free(paths[i]);
	}
	free(files);
	free(paths);
	/* Repeated answers are the lint's to report, not the set's. */
	if (answerscan_set_finish(src->answer_set, NULL, NULL, NULL, 0, &n,
	    &src->answer_err) == -1 && src->answer_err.code == 0)
		src->answer_err.code = EX_DATAERR;
}

/* One question record into the question set. */
static int
add_question(struct boardsrc *src, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	struct boardsrc_question *q;
	struct qaset_question qq;

	/* Read as gen-judgment reads it, so the digests agree. */
	if (qaset_question_parse(rec, &qq, src->files.v[file], line, d) == -1)
		return -1;
	src->qset = xrealloc(src->qset, (src->nqset + 1) *
	    sizeof(*src->qset));
	q = &src->qset[src->nqset++];
	q->file = file;
	q->line = line;
	q->question = boardsrc_intern(&src->questions, qq.id);
	provenance_texts(qq.turns, qq.n_turns, q->digest);
	qaset_question_release(&qq);
	return 0;
}

void
boardsrc_read_questions(struct boardsrc *src, const char *path)
{
	read_records(src, path, add_question);
}

/* One answer's digest, the last record of a (model, question) winning. */
static int
add_digest(struct boardsrc *src, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	char *fmodel = qaset_file_model(src->files.v[file]);
	struct qaset_answer a;
	struct buf key;
	size_t k;
	int rc;

	rc = qaset_answer_parse(rec, &a, fmodel, src->files.v[file], line, d);
	free(fmodel);
	if (rc == -1)
		return 0;	/* reported by boardsrc_read_answers */
	buf_init(&key);
	buf_printf(&key, "%s\n", a.model);
	buf_add(&key, a.question_id, a.question_id_len);
	k = strmap_get(&src->answer_digests, key.p, key.len);
	if (k == STRMAP_NONE) {
		k = src->nadigests++;
		src->adigests = xrealloc(src->adigests, src->nadigests *
		    sizeof(*src->adigests));
		strmap_put(&src->answer_digests, key.p, key.len, k);
	}
	provenance_texts(a.turns, a.n_turns, src->adigests[k]);
	buf_release(&key);
	qaset_answer_release(&a);
	return 0;
}

void
boardsrc_digest_answers(struct boardsrc *src, char *const *args, size_t n)
{
	char **paths = NULL;
	size_t np = 0, i;
	struct diag d;

	diag_clear(&d);
	for (i = 0; i < n; i++)
		if (answerscan_expand(args[i], &paths, &np, &d) == -1)
			diag_clear(&d);	/* reported by boardsrc_read_answers */
	for (i = 0; i < np; i++) {
		size_t nerrs = src->nerrs;

		read_records(src, paths[i], add_digest);
		/* Errors of these files were reported on the first read. */
		src->nerrs = nerrs;
		free(paths[i]);
	}
	free(paths);
}

const char *
boardsrc_answer_digest(const struct boardsrc *src, const char *model,
    const char *qid)
{
	struct buf key;
	size_t k;

	buf_init(&key);
	buf_printf(&key, "%s\n%s", model, qid);
	k = strmap_get(&src->answer_digests, key.p, key.len);
	buf_release(&key);
	return k == STRMAP_NONE ? NULL : src->adigests[k];
}

int
boardsrc_has_provenance(const struct boardsrc *src)
{
	size_t i;

	for (i = 0; i < src->njudgments; i++)
		if (src->judgments[i].provenance != NULL)
			return 1;
	return 0;
}
