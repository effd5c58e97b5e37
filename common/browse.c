/* browse.c: the question browser's data files (see browse.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "browse.h"
#include "html.h"
#include "jsonw.h"

/* The questions the browser lists, in order. */
struct qlist {
	const char **ids;
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
add_ids(const struct verdicts *v, const char ***ids, size_t *n)
{
	size_t i;

	if (v == NULL)
		return;
	*ids = xrealloc(*ids, (*n + v->nquestions + 1) * sizeof(**ids));
	for (i = 0; i < v->nquestions; i++)
		(*ids)[(*n)++] = v->questions[i];
}

/* The question file's order, else every judged question, sorted. */
static void
question_list(const struct browse_in *in, struct qlist *ql)
{
	size_t i, n = 0;

	ql->ids = NULL;
	ql->n = 0;
	if (in->qs != NULL && in->qs->n > 0) {
		ql->ids = xmalloc(in->qs->n * sizeof(*ql->ids));
		for (i = 0; i < in->qs->n; i++)
			ql->ids[i] = in->qs->q[i].id;
		ql->n = in->qs->n;
		return;
	}
	add_ids(in->board, &ql->ids, &n);
	add_ids(in->judges, &ql->ids, &n);
	if (n == 0)
		return;
	qsort(ql->ids, n, sizeof(*ql->ids), cmp_str);
	for (i = 0; i < n; i++)
		if (ql->n == 0 || strcmp(ql->ids[ql->n - 1], ql->ids[i]) != 0)
			ql->ids[ql->n++] = ql->ids[i];
}

static json_t *
text_or_null(const char *p, size_t n)
{
	json_t *s;

	if (p == NULL)
		return json_null();
	s = json_stringn_nocheck(p, n);
	return s != NULL ? s : json_null();
}

static json_t *
answer_text(const struct browse_in *in, const char *model, const char *qid)
{
	const struct answer_rec *r;

	if (in->ans == NULL)
		return json_null();
	r = answerscan_lookup(in->ans, model, qid);
	return r == NULL ? json_null() : text_or_null(r->text, r->text_len);
}

static json_t *
label(int l)
{
	return l >= 0 ? json_integer(l) : json_null();
}

/* [l1, l2] of a record, or null. */
static json_t *
labels_of(const struct verdicts_rec *r)
{
	if (r == NULL)
		return json_null();
	return json_pack("[oo]", label(r->label[0]), label(r->label[1]));
}

static json_t *
texts_of(const struct verdicts_rec *r, int *any)
{
	if (r == NULL || (r->text[0] == NULL && r->text[1] == NULL))
		return json_null();
	*any = 1;
	return json_pack("[oo]", text_or_null(r->text[0], r->text_len[0]),
	    text_or_null(r->text[1], r->text_len[1]));
}

/* The record of (judge, model, question) of v by names, or NULL. */
static const struct verdicts_rec *
lookup(const struct verdicts *v, long j, long m, const char *qid)
{
	long q;

	if (v == NULL || j < 0 || m < 0 ||
	    (q = verdicts_question_id(v, qid)) < 0)
		return NULL;
	return verdicts_find(v, (uint32_t)j, (uint32_t)m, VERDICTS_BASELINE,
	    (uint32_t)q);
}

static json_t *
shared_json(const struct browse_in *in, const struct qlist *ql)
{
	json_t *o = json_object(), *ids = json_array(), *cat = json_array();
	json_t *q = json_array(), *base = json_array();
	size_t i, t;

	for (i = 0; i < ql->n; i++) {
		const struct question *qq = in->qs ? questions_find(in->qs,
		    ql->ids[i], strlen(ql->ids[i])) : NULL;
		const char *c = qq && in->category_key ?
		    questions_field(qq, in->category_key) : NULL;
		json_t *turns = json_array();

		json_array_append_new(ids, json_string(ql->ids[i]));
		json_array_append_new(cat, c ? json_string(c) : json_null());
		for (t = 0; qq != NULL && t < qq->nturns; t++)
			json_array_append_new(turns, text_or_null(qq->turns[t],
			    qq->turn_len[t]));
		json_array_append_new(q, qq ? turns : json_null());
		if (qq == NULL)
			json_decref(turns);
		json_array_append_new(base, answer_text(in, in->baseline,
		    ql->ids[i]));
	}
	json_object_set_new(o, "ids", ids);
	if (in->category_key != NULL)
		json_object_set_new(o, "cat", cat);
	else
		json_decref(cat);
	json_object_set_new(o, "q", q);
	json_object_set_new(o, "base", base);
	return o;
}

/* The board's judge: the only one, or none (several judges pooled). */
static long
board_judge(const struct verdicts *v)
{
	return v != NULL && v->njudges == 1 ? 0 : -1;
}

static json_t *
model_json(const struct browse_in *in, const struct qlist *ql, size_t mi)
{
	const char *model = in->models[mi];
	json_t *o = json_object(), *a = json_array(), *judges = json_array();
	json_t *l = json_array(), *t = json_array(), *e = json_array();
	const struct verdicts *jv = in->judges;
	long jm = jv ? verdicts_model_id(jv, model) : -1;
	long bj = board_judge(in->board);
	long bm = in->board ? verdicts_model_id(in->board, model) : -1;
	size_t i, j;

	for (i = 0; i < ql->n; i++) {
		json_array_append_new(a, answer_text(in, model, ql->ids[i]));
		json_array_append_new(e, labels_of(lookup(in->board, bj, bm,
		    ql->ids[i])));
	}
	for (j = 0; jv != NULL && jm >= 0 && j < jv->njudges; j++) {
		json_t *lj = json_array(), *tj = json_array();
		int any = 0, anyl = 0;

		for (i = 0; i < ql->n; i++) {
			const struct verdicts_rec *r = lookup(jv, (long)j, jm,
			    ql->ids[i]);

			anyl |= r != NULL;
			json_array_append_new(lj, labels_of(r));
			json_array_append_new(tj, texts_of(r, &any));
		}
		if (!anyl) {
			json_decref(lj);
			json_decref(tj);
			continue;
		}
		json_array_append_new(judges, json_string(jv->judges[j]));
		json_array_append_new(l, lj);
		if (any)
			json_array_append_new(t, tj);
		else {
			json_decref(tj);
			json_array_append_new(t, json_null());
		}
	}
	json_object_set_new(o, "model", json_string(model));
	json_object_set_new(o, "a", a);
	json_object_set_new(o, "judges", judges);
	json_object_set_new(o, "l", l);
	json_object_set_new(o, "t", t);
	json_object_set_new(o, "e", e);
	return o;
}

/* out = JP_browse(index, "<base64 of gzip(json)>");  0 or -1. */
static int
make_file(struct buf *out, long index, json_t *v, int level)
{
	struct buf js;
	z_stream z;
	unsigned char *gz;
	size_t cap;
	int rc;

	buf_init(&js);
	jsonw_dump(&js, v, JSONW_COMPACT);
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper, as DecompressionStream wants. */
	if (deflateInit2(&z, level, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		buf_release(&js);
		return -1;
	}
	cap = deflateBound(&z, js.len) + 32;
	gz = xmalloc(cap);
	z.next_in = (unsigned char *)js.p;
	z.avail_in = (uInt)js.len;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	buf_release(&js);
	if (rc != Z_STREAM_END) {
		deflateEnd(&z);
		free(gz);
		return -1;
	}
	buf_printf(out, "JP_browse(%ld, \"", index);
	buf_add_base64(out, gz, z.total_out);
	buf_adds(out, "\");\n");
	deflateEnd(&z);
	free(gz);
	return 0;
}

struct job {
	const struct browse_in *in;
	const struct qlist *ql;
	struct browse_file *files;	/* [0] shared, [1 + i] model i */
	atomic_size_t next;
	atomic_int failed;
};

static void *
worker(void *arg)
{
	struct job *jb = arg;
	size_t i;

	while ((i = atomic_fetch_add(&jb->next, 1)) <= jb->in->nmodels) {
		json_t *v = i == 0 ? shared_json(jb->in, jb->ql) :
		    model_json(jb->in, jb->ql, i - 1);

		if (make_file(&jb->files[i].data, (long)i - 1, v,
		    jb->in->level) == -1)
			atomic_store(&jb->failed, 1);
		json_decref(v);
	}
	return NULL;
}

int
browse_build(const struct browse_in *in, struct browse_file **files,
    size_t *nfiles, json_t **index, struct diag *d)
{
	struct browse_file *f;
	struct qlist ql;
	struct job jb;
	pthread_t tid[64];
	json_t *paths = json_array(), *judges = json_array();
	size_t i, n = in->nmodels + 1;
	int started = 0, threads = in->threads;

	question_list(in, &ql);
	f = xcalloc(n, sizeof(*f));
	f[0].path = xstrdup("browse/questions.js");
	for (i = 0; i < n; i++)
		buf_init(&f[i].data);
	/* File names: slugs, made unique ignoring case. */
	for (i = 0; i < in->nmodels; i++) {
		char *slug = html_file_slug(in->models[i]);
		struct buf p;
		size_t k;

		buf_init(&p);
		buf_printf(&p, "browse/%s.js", slug);
		for (k = 0; k <= i; k++)
			if (strcasecmp(f[k].path, p.p) == 0) {
				buf_reset(&p);
				buf_printf(&p, "browse/%s-%zu.js", slug, i);
				break;
			}
		f[i + 1].path = buf_detach(&p, NULL);
		free(slug);
		json_array_append_new(paths, json_string(f[i + 1].path));
	}
	jb.in = in;
	jb.ql = &ql;
	jb.files = f;
	atomic_init(&jb.next, 0);
	atomic_init(&jb.failed, 0);
	if (threads > 64)
		threads = 64;
	for (i = 1; (int)i < threads && i < n; i++)
		if (pthread_create(&tid[started], NULL, worker, &jb) == 0)
			started++;
	worker(&jb);
	for (i = 0; i < (size_t)started; i++)
		pthread_join(tid[i], NULL);
	if (in->judges != NULL)
		for (i = 0; i < in->judges->njudges; i++)
			json_array_append_new(judges,
			    json_string(in->judges->judges[i]));
	*index = json_pack("{s:s, s:o, s:o, s:I}", "shared", f[0].path,
	    "files", paths, "judges", judges, "n", (json_int_t)ql.n);
	free(ql.ids);
	*files = f;
	*nfiles = n;
	if (atomic_load(&jb.failed)) {
		json_decref(*index);
		*index = NULL;
		browse_files_free(f, n);
		*files = NULL;
		*nfiles = 0;
		return diag_set(d, EX_SOFTWARE, NULL, 0, "cannot compress the "
		    "browser's files");
	}
	return 0;
}

void
browse_files_free(struct browse_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(files[i].path);
		buf_release(&files[i].data);
	}
	free(files);
}
