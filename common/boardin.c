/* boardin.c: routes show-result's records to battles, grades or v2 scores. */
#include <stdlib.h>
#include <string.h>

#include "boardin.h"
#include "buf.h"

static const char *const one[] = {
	"", "pairwise judgment", "single-grading record", "judgment"
};
static const char *const many[] = {
	"", "pairwise judgments", "single-grading records",
	"judgments scored as v2.0 does"
};

void
boardin_init(struct boardin *bi, const struct boardin_opts *o)
{
	struct v2board_opts vo;

	memset(bi, 0, sizeof(*bi));
	battles_groups_init(&bi->groups, &o->battles);
	bi->grades = gradeboard_new(o->battles.judge);
	if (o->v2_scoring) {
		vo.baseline = o->battles.baseline;
		vo.judge = o->battles.judge;
		vo.weight = o->battles.weight;
		bi->v2 = v2board_new(&vo);
	}
}

void
boardin_release(struct boardin *bi)
{
	size_t i;

	battles_groups_release(&bi->groups);
	gradeboard_free(bi->grades);
	v2board_free(bi->v2);
	for (i = 0; i < bi->nfiles; i++)
		free(bi->files[i]);
	free(bi->files);
	memset(bi, 0, sizeof(*bi));
}

uint32_t
boardin_add_file(struct boardin *bi, const char *name)
{
	bi->files = xrealloc(bi->files, (bi->nfiles + 1) * sizeof(*bi->files));
	bi->files[bi->nfiles] = xstrdup(name);
	battles_groups_add_file(&bi->groups, name);
	return (uint32_t)bi->nfiles++;
}

enum boardin_kind
boardin_kind_of(const json_t *rec)
{
	return gradeboard_is_record(rec) ? BOARDIN_SINGLE : BOARDIN_BATTLES;
}

int
boardin_add(struct boardin *bi, const json_t *rec, uint32_t file, long line,
    struct diag *d)
{
	enum boardin_kind k = boardin_kind_of(rec);
	const char *fname = bi->files[file];

	if (k == BOARDIN_BATTLES && bi->v2 != NULL) {
		if (json_object_get(rec, "winner") != NULL)
			return diag_set(d, EX_DATAERR, fname, line, "a vote: "
			    "v2 scoring reads judgments only");
		k = BOARDIN_V2;
	}
	if (bi->kind != BOARDIN_NONE && bi->kind != k) {
		bi->mixed = 1;
		return diag_set(d, EX_DATAERR, fname, line, "a %s among %s "
		    "(first at %s:%ld): mixed modes", one[k], many[bi->kind],
		    bi->files[bi->first_file], bi->first_line);
	}
	switch (k) {
	case BOARDIN_SINGLE:
		if (gradeboard_add(bi->grades, rec, fname, line, d) == -1)
			return -1;
		break;
	case BOARDIN_V2:
		if (v2board_add(bi->v2, rec, fname, line, d) == -1)
			return -1;
		break;
	default:
		if (battles_groups_add(&bi->groups, rec, file, line, d) == -1)
			return -1;
		break;
	}
	if (bi->kind == BOARDIN_NONE) {
		bi->kind = k;
		bi->first_file = file;
		bi->first_line = line;
	}
	return 0;
}
