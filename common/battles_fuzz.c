/* battles_fuzz.c: libFuzzer target for show-result's record reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battles.h"
#include "jsonl.h"

/*
 * The input is one judgment or vote file (JSONL, or zstd-compressed
 * JSONL) as show-result reads it: jsonl splits and parses the records and
 * battles turns them into rows.  Each record goes to two battle sets, one
 * with show-result's defaults and one with --baseline, --judge, --weight 1
 * and --first-game-only, so that both option paths run.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct battle_opts opts[2] = {
	{ NULL, 3, 0, NULL, NULL, 0 },
	{ "gpt-4-0314", 1, 1, "ensemble", NULL, 0 },
};

/* What battles_finish promises; a broken promise is a crash. */
static void
check(const struct battle_set *bs)
{
	size_t i;

	if (bs->nmodels == 0 || bs->base >= bs->nmodels ||
	    strcmp(bs->models[bs->base], bs->baseline) != 0)
		abort();
	for (i = 1; i < bs->nmodels; i++)
		if (strcmp(bs->models[i - 1], bs->models[i]) >= 0)
			abort();
	for (i = 1; i < bs->nquestions; i++)
		if (strcmp(bs->questions[i - 1], bs->questions[i]) >= 0)
			abort();
	for (i = 0; i < bs->nrows; i++) {
		const struct battle_row *r = &bs->rows[bs->canon[i]];

		if (bs->canon[i] >= bs->nrows || r->a >= bs->nmodels ||
		    r->b >= bs->nmodels || (r->q != BATTLE_NOQ &&
		    r->q >= bs->nquestions) || r->outcome > BATTLE_B ||
		    (r->has_meta && 2 * (size_t)r->meta + 1 >= bs->nmetas))
			abort();
		if (battles_model_id(bs, bs->models[r->a]) != (long)r->a)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct battle_set *bs[2];
	struct jsonl_reader *r;
	struct diag d;
	json_t *rec;
	uint32_t file[2];
	long line;
	int i, st;

	diag_clear(&d);
	r = jsonl_open_mem("fuzz.jsonl", data, size, &d);
	if (r == NULL)
		return 0;
	for (i = 0; i < 2; i++) {
		bs[i] = battles_new(&opts[i]);
		file[i] = battles_add_file(bs[i], jsonl_name(r));
	}
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1) {
			for (i = 0; i < 2; i++)
				battles_add(bs[i], rec, file[i], line, &d);
			json_decref(rec);
		}
	}
	for (i = 0; i < 2; i++) {
		if (battles_finish(bs[i], &d) == 0)
			check(bs[i]);
		battles_free(bs[i]);
	}
	jsonl_free(r);
	return 0;
}
