/* agreement_test.c: the MT-Bench agreement study on hand-made battles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agreement.h"

static void
add(struct agreement *ag, const char *text, int want)
{
	json_t *v = json_loads(text, 0, NULL);
	struct diag d;

	assert_non_null(v);
	assert_int_equal(agreement_add(ag, v, "in.jsonl", 1, &d), want);
	json_decref(v);
}

#define VOTE(q, a, b, w, u) "{\"question_id\": \"" q "\", \"model_a\": \"" \
	a "\", \"model_b\": \"" b "\", \"winner\": \"" w "\", \"voter\": \"" \
	u "\"}"

/*
 * Two keys, (q1, m1, m2) and (q2, m1, m2).  Judge J (pairwise-baseline,
 * baseline m1): on q1 both games favour m1; on q2 its games disagree, a
 * tie.  Judge K (pairwise-all, A = m2) judged q1 in one valid game: m2.
 * Votes, by voter:
 *	q1: u1 m1, u2 m2, u3 tie, u1 m1 (again)
 *	q2: u1 tie (bothbad), u2 m2 (shown as A), u3 m2
 * By hand:
 *	J: q1 vs 4 votes: m1=m1 yes, m2 no, tie no, m1 yes; q2 (tie) vs 3:
 *	   tie yes, m2 no, m2 no: 3/7; without ties: q1's m1, m2, m1: 2/3.
 *	K: m2 vs q1's votes: no, yes, no, no: 1/4; without ties 1/3.
 *	people: q1 pairs of different voters: (u1,u2) (u1,u3) (u2,u3)
 *	   (u2,u1') (u3,u1'): none agree, 5; q2: (tie,m2) (tie,m2) (m2,m2):
 *	   1 of 3; so 1/8.  Without ties: q1 (u1,u2) (u2,u1'), q2 (m2,m2):
 *	   1/3.
 */
static void
test_agreement_hand_counted(void **state)
{
	struct agreement *ag = agreement_new("m1");
	const struct agreement_row *r;
	size_t n, votes, verdicts, dropped;

	(void)state;
	add(ag, "{\"question_id\": \"q1\", \"model\": \"m2\", \"judge\": \"J\", "
	    "\"games\": [{\"score\": \"A>B\"}, {\"score\": \"B>>A\"}]}", 0);
	add(ag, "{\"question_id\": \"q2\", \"model\": \"m2\", \"judge\": \"J\", "
	    "\"games\": [{\"score\": \"A>B\"}, {\"score\": \"A>B\"}]}", 0);
	add(ag, "{\"question_id\": \"q3\", \"model\": \"m2\", \"judge\": \"J\", "
	    "\"games\": [{\"score\": \"A=B\"}, {\"score\": \"A=B\"}]}", 0);
	add(ag, "{\"question_id\": \"q1\", \"model\": \"m1\", \"model_a\": "
	    "\"m2\", \"model_b\": \"m1\", \"judge\": \"K\", \"games\": "
	    "[{\"score\": \"A>>B\"}, null]}", 0);
	add(ag, "{\"question_id\": \"q2\", \"model\": \"m2\", \"judge\": \"K\", "
	    "\"games\": [{\"score\": null}, {\"score\": \"xx\"}]}", 0);
	add(ag, VOTE("q1", "m1", "m2", "model_a", "u1"), 0);
	add(ag, VOTE("q1", "m2", "m1", "model_a", "u2"), 0);
	add(ag, VOTE("q1", "m1", "m2", "tie", "u3"), 0);
	add(ag, VOTE("q1", "m2", "m1", "model_b", "u1"), 0);
	add(ag, VOTE("q2", "m1", "m2", "tie (bothbad)", "u1"), 0);
	add(ag, VOTE("q2", "m2", "m1", "model_a", "u2"), 0);
	add(ag, VOTE("q2", "m1", "m2", "model_b", "u3"), 0);
	add(ag, VOTE("q2", "m1", "m1", "model_b", "u3"), 0);	/* dropped */
	n = agreement_compute(ag, &r);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].judge, "J");
	assert_int_equal(r[0].keys, 2);
	assert_int_equal(r[0].agree, 3);
	assert_int_equal(r[0].total, 7);
	assert_int_equal(r[0].agree_nt, 2);
	assert_int_equal(r[0].total_nt, 3);
	assert_string_equal(r[1].judge, "K");
	assert_int_equal(r[1].agree, 1);
	assert_int_equal(r[1].total, 4);
	assert_int_equal(r[1].agree_nt, 1);
	assert_int_equal(r[1].total_nt, 3);
	assert_null(r[2].judge);
	assert_int_equal(r[2].keys, 2);
	assert_int_equal(r[2].agree, 1);
	assert_int_equal(r[2].total, 8);
	assert_int_equal(r[2].agree_nt, 1);
	assert_int_equal(r[2].total_nt, 3);
	agreement_counts(ag, &votes, &verdicts, &dropped);
	assert_int_equal(votes, 7);
	assert_int_equal(verdicts, 4);
	assert_int_equal(dropped, 1);
	agreement_free(ag);
}

static void
test_agreement_format(void **state)
{
	struct agreement *ag = agreement_new(NULL);
	const struct agreement_row *r;
	struct buf b;
	size_t n;

	(void)state;
	add(ag, VOTE("q", "x", "y", "model_a", "u1"), 0);
	add(ag, VOTE("q", "y", "x", "model_b", "u2"), 0);
	n = agreement_compute(ag, &r);
	buf_init(&b);
	agreement_format_json(&b, r, n);
	assert_string_equal(b.p, "{\"type\": \"agreement\", \"judge\": null, "
	    "\"keys\": 1, \"with_ties\": {\"agree\": 1, \"total\": 1, "
	    "\"ratio\": 1.0}, \"without_ties\": {\"agree\": 1, \"total\": 1, "
	    "\"ratio\": 1.0}}\n");
	buf_reset(&b);
	agreement_format_table(&b, r, n);
	assert_non_null(strstr(b.p, "(people vs people)"));
	assert_non_null(strstr(b.p, "1/1"));
	buf_release(&b);
	agreement_free(ag);
}

static void
test_agreement_bad_records(void **state)
{
	struct agreement *ag = agreement_new(NULL);

	(void)state;
	/* No baseline known for a pairwise-baseline judgment. */
	add(ag, "{\"question_id\": \"q\", \"model\": \"m\", \"judge\": \"J\", "
	    "\"games\": []}", -1);
	add(ag, "{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"a\"}",
	    -1);
	add(ag, "{\"model_a\": \"x\", \"winner\": \"tie\"}", -1);
	add(ag, "{\"question_id\": \"q\"}", -1);
	agreement_free(ag);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement_hand_counted),
		cmocka_unit_test(test_agreement_format),
		cmocka_unit_test(test_agreement_bad_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
