/* ratewin_test.c: the sliding window with a clock the test drives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratewin.h"

static void
test_ratewin_requests(void **state)
{
	struct ratewin w;
	struct ratewin_state rq, tk;
	int i;

	(void)state;
	ratewin_init(&w, 3, 0, 60000);
	for (i = 0; i < 3; i++)
		assert_int_equal(ratewin_admit(&w, 10, 1000 * i), 0);
	ratewin_state(&w, 2000, &rq, &tk);
	assert_int_equal(rq.limit, 3);
	assert_int_equal(rq.remaining, 0);
	/* Whole again when the last one leaves, at 62000. */
	assert_int_equal(rq.reset_ms, 60000);
	assert_int_equal(tk.limit, 0);
	/* The fourth waits for the first to leave, at 60000. */
	assert_int_equal(ratewin_admit(&w, 10, 2500), 57500);
	assert_int_equal(ratewin_admit(&w, 10, 59999), 1);
	assert_int_equal(ratewin_admit(&w, 10, 60000), 0);
	ratewin_state(&w, 60000, &rq, &tk);
	assert_int_equal(rq.remaining, 0);
	ratewin_state(&w, 200000, &rq, &tk);
	assert_int_equal(rq.remaining, 3);
	assert_int_equal(rq.reset_ms, 0);
	ratewin_release(&w);
}

static void
test_ratewin_tokens(void **state)
{
	struct ratewin w;
	struct ratewin_state rq, tk;
	int i;

	(void)state;
	ratewin_init(&w, 0, 1000, 60000);
	assert_int_equal(ratewin_admit(&w, 400, 0), 0);
	assert_int_equal(ratewin_admit(&w, 400, 10), 0);
	ratewin_state(&w, 10, &rq, &tk);
	assert_int_equal(tk.remaining, 200);
	/* 300 more needs the first 400 gone (at 60000). */
	assert_int_equal(ratewin_admit(&w, 300, 20), 59980);
	/* 700 more needs both gone. */
	assert_int_equal(ratewin_admit(&w, 700, 20), 59990);
	assert_int_equal(ratewin_admit(&w, 200, 20), 0);
	/* Alone larger than the limit: only into an empty window. */
	assert_true(ratewin_admit(&w, 5000, 30) > 0);
	assert_int_equal(ratewin_admit(&w, 5000, 60020), 0);
	/* Many events: the ring grows. */
	ratewin_release(&w);
	ratewin_init(&w, 1000, 0, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(ratewin_admit(&w, 1, i / 2), 0);
	assert_int_equal(ratewin_admit(&w, 1, 600), 400);
	for (i = 0; i < 500; i++)
		assert_int_equal(ratewin_admit(&w, 1, 1000 + i), 0);
	ratewin_state(&w, 1499, &rq, &tk);
	assert_int_equal(rq.remaining, 500);
	ratewin_release(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ratewin_requests),
		cmocka_unit_test(test_ratewin_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
