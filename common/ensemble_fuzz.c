/* ensemble_fuzz.c: libFuzzer target for ensemble-judgment's reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble.h"
#include "jsonl.h"
#include "jsonw.h"

/*
 * The input is one judgment file (JSONL, or zstd-compressed JSONL) as
 * ensemble-judgment reads it.  Every record goes to three ensembles (the
 * mean of all judges, the mean of two listed judges with --min-judges 2,
 * and the pool) and each result is written out as the command would.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const listed[] = { "gpt-4o-2024-08-06", "claude" };

static const struct ensemble_opts opts[3] = {
	{ ENSEMBLE_MEAN, NULL, 0, 1, NULL, NULL, NULL },
	{ ENSEMBLE_MEAN, listed, 2, 2, "both", NULL, NULL },
	{ ENSEMBLE_POOL, NULL, 0, 1, NULL, NULL, NULL },
};

/* A note with a line has a file (ensemble.h). */
static void
note(void *arg, int code, const char *file, long line, const char *msg)
{
	if (line > 0 && file == NULL)
		abort();
	(void)arg;
	(void)code;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ensemble *e[3];
	struct jsonl_reader *r;
	struct ensemble_opts o;
	struct diag d;
	struct buf out;
	json_t *rec, *res;
	long line;
	int i, st, code;

	diag_clear(&d);
	r = jsonl_open_mem("fuzz.jsonl", data, size, &d);
	if (r == NULL)
		return 0;
	for (i = 0; i < 3; i++) {
		o = opts[i];
		o.note = note;
		e[i] = ensemble_new(&o);
	}
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1) {
			for (i = 0; i < 3; i++)
				ensemble_add(e[i], rec, jsonl_name(r), line,
				    &d);
			json_decref(rec);
		}
	}
	buf_init(&out);
	for (i = 0; i < 3; i++) {
		res = ensemble_result(e[i], &code);
		if (!json_is_array(res))
			abort();
		jsonw_dump(&out, res, 0);
		buf_reset(&out);
		json_decref(res);
		ensemble_free(e[i]);
	}
	buf_release(&out);
	jsonl_free(r);
	return 0;
}
