/* scoreboard_test.c: single grades and v2 scores to their boards as text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scoreboard.h"

static void
add(struct boardin *bi, const char *text, long line)
{
	json_t *v = json_loads(text, 0, NULL);
	struct diag d;

	assert_non_null(v);
	diag_clear(&d);
	assert_int_equal(boardin_add(bi, v, 0, line, &d), 0);
	json_decref(v);
}

static void
single(struct boardin *bi, int qid, const char *model, int turn, int score)
{
	char rec[256];

	snprintf(rec, sizeof(rec), "{\"question_id\": %d, \"model\": \"%s\", "
	    "\"judge\": [\"gpt-4\", \"single-v1\"], \"score\": %d, "
	    "\"turn\": %d}", qid, model, score, turn);
	add(bi, rec, qid);
}

static void
test_scoreboard_single(void **state)
{
	struct scoreboard_opts so = { SCOREBOARD_CSV, 20, 42, 0,
	    "2025-01-02" };
	struct diag notes[SCOREBOARD_MAX_NOTES], d;
	struct boardin_opts o;
	struct boardin bi;
	size_t n = 0;
	struct buf out;

	memset(&o, 0, sizeof(o));
	boardin_init(&bi, &o);
	boardin_add_file(&bi, "g.jsonl");
	single(&bi, 81, "a", 1, 8);
	single(&bi, 81, "a", 2, 6);
	single(&bi, 82, "a", 1, 9);
	single(&bi, 82, "a", 2, -1);
	single(&bi, 81, "b", 1, 3);
	single(&bi, 81, "b", 2, 3);
	single(&bi, 82, "b", 1, 5);
	single(&bi, 82, "b", 2, 5);
	single(&bi, 82, "b", 2, 4);	/* replaces the rating before */
	assert_int_equal(scoreboard_categories(&bi,
	    "testdata/show-result/single/questions.jsonl", notes, &n, &d), 0);
	assert_int_equal(n, 0);
	buf_init(&out);
	assert_int_equal(scoreboard_write(&bi, &so, &out, notes, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_int_equal(notes[0].code, 0);
	assert_string_equal(notes[0].msg, "ratings replaced by a later record "
	    "of the same question, model and turn: 1");
	/* a: 8.5, 6, all 23/3; b: 4, 4, 15/4; one category, "writing". */
	assert_non_null(strstr(out.p, "\na,8.5,"));
	assert_non_null(strstr(out.p, ",7.666666666666667,"));
	assert_non_null(strstr(out.p, "\nb,4.0,"));
	assert_non_null(strstr(out.p, ",3.75,"));
	assert_non_null(strstr(out.p, "writing"));

	buf_reset(&out);
	so.format = SCOREBOARD_TABLE;
	n = 0;
	assert_int_equal(scoreboard_write(&bi, &so, &out, notes, &n, &d), 0);
	assert_non_null(strstr(out.p, "First turn"));
	assert_non_null(strstr(out.p, "Second turn"));
	assert_non_null(strstr(out.p, "1 of 8 ratings unparsed"));
	buf_release(&out);
	boardin_release(&bi);

	/* A question file that is not there. */
	boardin_init(&bi, &o);
	n = 0;
	assert_int_equal(scoreboard_categories(&bi, "no/such.jsonl", notes,
	    &n, &d), -1);
	assert_int_equal(d.code, EX_NOINPUT);
	assert_int_equal(n, 0);
	boardin_release(&bi);
}

static void
test_scoreboard_v2(void **state)
{
	struct scoreboard_opts so = { SCOREBOARD_TABLE, 20, 42, 0,
	    "2025-01-02" };
	struct diag notes[SCOREBOARD_MAX_NOTES], d;
	struct boardin_opts o;
	struct boardin bi;
	size_t n = 0;
	struct buf out;

	memset(&o, 0, sizeof(o));
	o.battles.weight = 3;
	o.v2_scoring = 1;
	boardin_init(&bi, &o);
	boardin_add_file(&bi, "v.jsonl");
	add(&bi, "{\"uid\": \"u1\", \"category\": \"hard_prompt\", \"judge\": "
	    "\"j\", \"model\": \"m\", \"baseline\": \"o3\", \"games\": "
	    "[{\"score\": \"B>A\"}, {\"score\": \"A>B\"}]}", 1);
	add(&bi, "{\"uid\": \"u2\", \"category\": \"creative_writing\", "
	    "\"judge\": \"j\", \"model\": \"m\", \"baseline\": \"gem\", "
	    "\"games\": [{\"score\": \"A>B\"}, {\"score\": null}]}", 2);
	add(&bi, "{\"uid\": \"u3\", \"category\": \"creative_writing\", "
	    "\"judge\": \"j\", \"model\": \"m\", \"baseline\": \"gem\", "
	    "\"games\": [{\"score\": \"A=B\"}, {\"score\": \"A=B\"}]}", 3);
	buf_init(&out);
	assert_int_equal(scoreboard_write(&bi, &so, &out, notes, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(notes[0].msg, "judgments without two valid games "
	    "dropped: 1");
	assert_non_null(strstr(out.p, "##### Category: creative_writing"));
	assert_non_null(strstr(out.p, "##### Category: hard_prompt"));
	/* Per category, the baseline at one half, m's win and tie. */
	assert_non_null(strstr(out.p, "hard_prompt #####\nm "));
	assert_non_null(strstr(out.p, "| score: 100.0 |"));
	assert_non_null(strstr(out.p, "\ngem "));
	assert_non_null(strstr(out.p, "\no3 "));
	buf_release(&out);
	boardin_release(&bi);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scoreboard_single),
		cmocka_unit_test(test_scoreboard_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
