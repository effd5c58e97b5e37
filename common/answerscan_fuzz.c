/* answerscan_fuzz.c: libFuzzer target for the answer metadata scanner. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "answerscan.h"
#include "jsonl.h"

/*
 * The input is one answer file (JSONL, or zstd-compressed JSONL) as
 * show-result --answers scans it.  The scanner promises to validate every
 * line as strictly as the JSON parser the other readers use (jansson
 * through jsonl_parse) while decoding only a few members, so each line is
 * parsed by both and they must agree: a line the scanner accepts is valid
 * JSON with the same question_id and model, and a line it calls invalid
 * JSON is refused by jansson too.  The records then go through the set
 * (duplicates, token counts, averages) and its lookups.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static long long
count(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	(void)text;
	return (long long)(len / 4);
}

/* The string member key of obj, or NULL. */
static const char *
member(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void
compare(const uint8_t *data, size_t size, const struct answer_file *f)
{
	struct jsonl_reader *r;
	const char *line;
	size_t len, ri = 0, ei = 0;
	long lineno;
	struct diag d;
	json_t *obj;

	r = jsonl_open_mem("fuzz.jsonl", data, size, &d);
	if (r == NULL)
		abort();
	while (jsonl_next(r, &line, &len, &lineno)) {
		const struct answer_rec *rec = NULL;
		const struct diag *err = NULL;

		if (ri < f->nrecs && f->recs[ri].line == lineno)
			rec = &f->recs[ri++];
		else if (ei < f->nerrs && f->errs[ei].line == lineno)
			err = &f->errs[ei++];
		else
			abort();	/* a line neither kept nor refused */
		obj = jsonl_parse(r, line, len, lineno, &d);
		if (rec != NULL) {
			const char *q, *m;
			char num[32];

			if (obj == NULL)
				abort();
			q = member(obj, "question_id");
			m = member(obj, "model_id");
			/* MT-Bench's integer ids read as decimal text. */
			if (json_is_integer(json_object_get(obj,
			    "question_id"))) {
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				    json_integer_value(json_object_get(obj,
				    "question_id")));
				q = num;
			}
			if (q == NULL) {
				q = member(obj, "uid");
				m = member(obj, "model");
			}
			if (q == NULL || m == NULL ||
			    strcmp(q, rec->question_id) != 0 ||
			    strcmp(m, rec->model) != 0)
				abort();
		} else if (strncmp(err->msg, "invalid JSON", 12) == 0 &&
		    obj != NULL)
			abort();
		json_decref(obj);
	}
	if (ri != f->nrecs || ei != f->nerrs)
		abort();
	jsonl_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_file f;
	struct answer_set *s;
	struct diag d, dups[4];
	size_t i, ndups;
	char **model, **qid;
	size_t n;

	memset(&f, 0, sizeof(f));
	/* Half the inputs keep every text, as the report's browser asks. */
	f.keep_text = size & 1;
	answerscan_buffer("fuzz.jsonl", (const char *)data, size, &f);
	if (f.fatal.code != 0) {
		answerscan_file_release(&f);
		return 0;
	}
	compare(data, size, &f);
	n = f.nrecs;
	model = calloc(n + 1, sizeof(*model));
	qid = calloc(n + 1, sizeof(*qid));
	for (i = 0; i < n; i++) {
		model[i] = strdup(f.recs[i].model);
		qid[i] = strdup(f.recs[i].question_id);
	}
	s = answerscan_set_new();
	answerscan_set_add(s, &f);
	answerscan_file_release(&f);
	if (answerscan_set_finish(s, count, NULL, dups, 4, &ndups, &d) == 0) {
		for (i = 0; i < n; i++) {
			int found;

			answerscan_avg_tokens(s, model[i], &found);
			if (!found || !answerscan_has_model(s, model[i]) ||
			    answerscan_lookup(s, model[i], qid[i]) == NULL)
				abort();
		}
		if (answerscan_count(s) > n)
			abort();
	}
	for (i = 0; i < n; i++) {
		free(model[i]);
		free(qid[i]);
	}
	free(model);
	free(qid);
	answerscan_set_free(s);
	return 0;
}
