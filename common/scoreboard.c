/* scoreboard.c: the MT-Bench table and v2.0's scores, computed and written. */
#include <string.h>

#include "qaset.h"
#include "scoreboard.h"
#include "scorefmt.h"

struct notes {
	struct diag *v;
	size_t *n;
};

static void
add_note(struct notes *ns, int code, const char *file, long line,
    const char *msg)
{
	if (*ns->n < SCOREBOARD_MAX_NOTES)
		diag_set(&ns->v[*ns->n], code, file, line, "%s", msg);
	(*ns->n)++;
}

static void
qaset_note(void *arg, int code, const char *file, long line, const char *msg)
{
	add_note(arg, code, file, line, msg);
}

int
scoreboard_categories(struct boardin *bi, const char *path,
    struct diag *notes, size_t *nnotes, struct diag *d)
{
	struct notes ns = { notes, nnotes };
	const struct qaset_question *q;
	struct qaset *s;
	size_t i, before = *nnotes;
	int st;

	s = qaset_new(qaset_note, &ns);
	st = qaset_read_questions(s, path);
	/* A file that cannot be read is the one failure, not a note. */
	if (st != 0 && st != EX_DATAERR && *nnotes > before) {
		*d = notes[before];
		*nnotes = before;
		qaset_free(s);
		return -1;
	}
	for (i = 0; i < qaset_n_questions(s); i++) {
		q = qaset_question(s, i);
		if (q->category != NULL)
			gradeboard_category(bi->grades, q->id, q->id_len,
			    q->category);
	}
	qaset_free(s);
	return 0;
}

static void
warnf(struct notes *ns, size_t n, const char *what)
{
	char msg[160];

	if (n == 0)
		return;
	snprintf(msg, sizeof(msg), "%s: %zu", what, n);
	add_note(ns, 0, NULL, 0, msg);
}

static int
write_single(struct boardin *bi, const struct scoreboard_opts *o,
    struct buf *out, struct notes *ns, struct diag *d)
{
	struct gradeboard_opts go = { o->num_rounds, o->seed };
	struct gradeboard_result r;

	warnf(ns, gradeboard_replaced(bi->grades), "ratings replaced by a "
	    "later record of the same question, model and turn");
	warnf(ns, gradeboard_other_judges(bi->grades), "records of other "
	    "judges skipped");
	if (gradeboard_compute(bi->grades, &go, &r, d) == -1)
		return -1;
	if (r.ncategories > 0)
		warnf(ns, r.uncategorised, "ratings of questions without a "
		    "category");
	if (o->format == SCOREBOARD_TABLE)
		scorefmt_grade_table(out, &r);
	else if (o->format == SCOREBOARD_CSV)
		scorefmt_grade_csv(out, &r);
	else
		scorefmt_grade_json(out, &r, o->date);
	gradeboard_result_release(&r);
	return 0;
}

static int
write_v2(struct boardin *bi, const struct scoreboard_opts *o,
    struct buf *out, struct notes *ns, struct diag *d)
{
	struct v2board_round_opts vo = { o->num_rounds, o->seed,
	    o->by_outcome };
	struct v2board_result r;

	if (v2board_compute(bi->v2, &vo, &r, d) == -1)
		return -1;
	warnf(ns, r.dropped, "judgments without two valid games dropped");
	warnf(ns, r.self, "judgments of the baseline against itself left "
	    "out");
	if (o->format == SCOREBOARD_TABLE)
		scorefmt_v2_table(out, &r);
	else if (o->format == SCOREBOARD_CSV)
		scorefmt_v2_csv(out, &r);
	else
		scorefmt_v2_json(out, &r, o->date);
	v2board_result_release(&r);
	return 0;
}

int
scoreboard_write(struct boardin *bi, const struct scoreboard_opts *o,
    struct buf *out, struct diag *notes, size_t *nnotes, struct diag *d)
{
	struct notes ns = { notes, nnotes };

	if (bi->kind == BOARDIN_SINGLE)
		return write_single(bi, o, out, &ns, d);
	if (bi->kind == BOARDIN_V2)
		return write_v2(bi, o, out, &ns, d);
	return diag_set(d, EX_SOFTWARE, NULL, 0, "not a mean-score board");
}
