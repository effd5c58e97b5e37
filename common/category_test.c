/* category_test.c: questions by category and a board's scores in each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testfix.h"

#include "category.h"

/*
 * Model m against the baseline: in category X (q1, q2) 2 wins, 1 tie, 1
 * loss, a win rate of 62.5 (the MLE of one pair); in Y (q3) only wins,
 * 100.  n lost both its games in X (0) and has no battle in Y.
 */
static void
test_category_scores(void **state)
{
	static const char *const recs[] = {
		"{\"question_id\": \"q1\", \"model\": \"m\", \"games\": "
		    "[{\"score\": \"B>A\"}, {\"score\": \"A=B\"}]}",
		"{\"question_id\": \"q2\", \"model\": \"m\", \"games\": "
		    "[{\"score\": \"A>B\"}, {\"score\": \"A>B\"}]}",
		"{\"question_id\": \"q3\", \"model\": \"m\", \"games\": "
		    "[{\"score\": \"B>>A\"}, {\"score\": \"A>>B\"}]}",
		"{\"question_id\": \"q1\", \"model\": \"n\", \"games\": "
		    "[{\"score\": \"A>B\"}, {\"score\": \"B>A\"}]}",
	};
	static const char qfile[] =
	    "{\"question_id\": \"q1\", \"category\": \"X\", \"turns\": "
	    "[{\"content\": \"one\"}]}\n"
	    "{\"question_id\": \"q2\", \"category\": \"X\", \"turns\": "
	    "[\"two\"]}\n"
	    "{\"question_id\": \"q3\", \"category\": \"Y\", \"turns\": "
	    "[{\"content\": \"three\"}]}\n"
	    "{\"question_id\": 7, \"turns\": [\"integer id\"]}\n";
	static const char *const names[] = { "m", "base", "n" };
	static const double elo[] = { 1100, 1000, 800 };
	struct battle_set *bs = testfix_battles("base", recs, 4);
	struct question_set qs;
	struct category_scores cs;
	struct lb_result r;
	struct diag d;
	char path[] = "/tmp/jp-questions.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, qfile, sizeof(qfile) - 1),
	    sizeof(qfile) - 1);
	close(fd);
	memset(&qs, 0, sizeof(qs));
	assert_int_equal(questions_read(&qs, path, &d), 0);
	unlink(path);
	assert_int_equal(qs.n, 4);
	assert_int_equal(qs.nerrs, 0);
	assert_string_equal(qs.q[3].id, "7");
	assert_string_equal(qs.q[1].turns[0], "two");
	assert_string_equal(questions_category_key(&qs, NULL), "category");
	testfix_board(&r, names, elo, 3);
	assert_int_equal(category_compute(&cs, &r, bs, &qs, "category"), 2);
	assert_string_equal(cs.names[0], "X");
	assert_string_equal(cs.names[1], "Y");
	assert_int_equal(cs.questions[0], 2);
	assert_int_equal(cs.questions[1], 1);
	assert_near(cs.score[0 * 2 + 0], 62.5, 1e-9);
	assert_near(cs.score[0 * 2 + 1], 100, 0);
	assert_near(cs.score[1 * 2 + 0], 50, 1e-12);
	assert_int_equal(cs.games[0 * 2 + 0], 4);
	assert_int_equal(cs.games[0 * 2 + 1], 2);
	assert_near(cs.score[2 * 2 + 0], 0, 0);
	assert_true(isnan(cs.score[2 * 2 + 1]));
	assert_int_equal(cs.games[2 * 2 + 1], 0);
	category_release(&cs);
	lb_result_release(&r);
	questions_release(&qs);
	battles_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_category_scores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
