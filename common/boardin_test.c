/* boardin_test.c: show-result's records routed by kind; mixed modes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boardin.h"

static const char single[] = "{\"question_id\": 81, \"model\": \"m\", "
    "\"judge\": [\"gpt-4\", \"single-v1\"], \"score\": 8, \"turn\": 1}";
static const char pairwise[] = "{\"question_id\": \"q\", \"model\": \"m\", "
    "\"judge\": \"j\", \"games\": [{\"score\": \"A>B\"}]}";
static const char vote[] = "{\"model_a\": \"a\", \"model_b\": \"b\", "
    "\"winner\": \"tie\"}";

static int
add(struct boardin *bi, const char *text, long line, struct diag *d)
{
	json_t *v = json_loads(text, 0, NULL);
	int rc;

	assert_non_null(v);
	diag_clear(d);
	rc = boardin_add(bi, v, 0, line, d);
	json_decref(v);
	return rc;
}

static void
test_boardin_routes(void **state)
{
	struct boardin_opts o;
	struct boardin bi;
	struct diag d;

	memset(&o, 0, sizeof(o));
	o.battles.baseline = "base";
	o.battles.weight = 3;
	boardin_init(&bi, &o);
	boardin_add_file(&bi, "in.jsonl");
	assert_int_equal(add(&bi, single, 1, &d), 0);
	assert_int_equal(bi.kind, BOARDIN_SINGLE);
	assert_int_equal(add(&bi, single, 2, &d), 0);
	assert_int_equal(add(&bi, pairwise, 3, &d), -1);
	assert_int_equal(d.code, EX_DATAERR);
	assert_int_equal(d.line, 3);
	assert_string_equal(d.msg, "a pairwise judgment among single-grading "
	    "records (first at in.jsonl:1): mixed modes");
	boardin_release(&bi);

	boardin_init(&bi, &o);
	boardin_add_file(&bi, "in.jsonl");
	assert_int_equal(add(&bi, pairwise, 1, &d), 0);
	assert_int_equal(add(&bi, vote, 2, &d), 0);
	assert_int_equal(bi.kind, BOARDIN_BATTLES);
	assert_int_equal(bi.groups.n, 1);
	assert_int_equal(add(&bi, single, 3, &d), -1);
	assert_string_equal(d.msg, "a single-grading record among pairwise "
	    "judgments (first at in.jsonl:1): mixed modes");
	boardin_release(&bi);

	/* --scoring v2: judgments only. */
	o.v2_scoring = 1;
	boardin_init(&bi, &o);
	boardin_add_file(&bi, "in.jsonl");
	assert_int_equal(add(&bi, pairwise, 1, &d), 0);
	assert_int_equal(bi.kind, BOARDIN_V2);
	assert_int_equal(add(&bi, vote, 2, &d), -1);
	assert_string_equal(d.msg, "a vote: v2 scoring reads judgments only");
	boardin_release(&bi);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boardin_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
