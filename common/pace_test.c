/* pace_test.c: the pacer against a clock the test drives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pace.h"

static const struct pace_seen none = { -1, -1, -1 };

/*
 * Start requests of tokens each as soon as p lets them, from 0 to end_ms
 * (1 ms steps); starts[] receives the start times.  Returns how many.
 */
static int
drive(struct pace *p, double tokens, double end_ms, double *starts,
    int max)
{
	double t = 0;
	int n = 0;

	while (t < end_ms && n < max) {
		double w = pace_wait(p, tokens, t);

		if (w > 0) {
			assert_true(w >= 1);
			t += w;
			continue;
		}
		pace_take(p, tokens, t);
		starts[n++] = t;
	}
	return n;
}

/* The most starts in any window of win ms. */
static int
most_in_window(const double *starts, int n, double win)
{
	int i, j = 0, most = 0;

	for (i = 0; i < n; i++) {
		while (starts[j] <= starts[i] - win)
			j++;
		if (i - j + 1 > most)
			most = i - j + 1;
	}
	return most;
}

static double starts[20000];

/* 600 rpm: a second's burst, then 590 a minute; never 601 in a minute. */
static void
test_pace_requests(void **state)
{
	struct pace p;
	int n;

	(void)state;
	pace_init(&p, 600, 0, 0);
	n = drive(&p, 100, 180000, starts, 20000);
	assert_true(most_in_window(starts, n, 60000) <= 600);
	assert_true(most_in_window(starts, n, 60000) >= 595);
	/* The burst, then one every 60000 / 590 ms. */
	assert_true(starts[9] == 0);
	assert_true(starts[10] > 100 && starts[10] < 103);
	/* >= 98 % of the limit over three minutes. */
	assert_true(n >= 0.98 * 1800);
	assert_true(n <= 1800);
}

/* Tokens: 60,000 a minute at 1,000 a request is 60 requests a minute. */
static void
test_pace_tokens(void **state)
{
	struct pace p;
	int n;

	(void)state;
	pace_init(&p, 0, 60000, 0);
	n = drive(&p, 1000, 120000, starts, 20000);
	assert_true(most_in_window(starts, n, 60000) <= 60);
	assert_true(n >= 0.98 * 120);
	/* A request that may use more than the bucket waits for it full. */
	pace_init(&p, 0, 60000, 0);
	assert_true(pace_wait(&p, 4096, 0) == 0);
	pace_take(&p, 4096, 0);
	assert_true(pace_wait(&p, 4096, 0) > 0);
	/* It used 96: the rest comes back, the bucket is full 96 ms later. */
	pace_settle(&p, 4096, 96, 10);
	assert_true(pace_wait(&p, 4096, 50) > 0);
	assert_true(pace_wait(&p, 4096, 100) == 0);
	/* A failed call gives its charge back. */
	pace_take(&p, 4096, 100);
	pace_settle(&p, 4096, -1, 100);
	assert_true(pace_wait(&p, 4096, 100) == 0);
}

/* Without a limit nothing waits; headers bring one. */
static void
test_pace_learn(void **state)
{
	struct pace p;
	struct pace_seen req = { 120, 110, 5000 }, tok = { -1, -1, -1 };
	int i;

	(void)state;
	pace_init(&p, 0, 0, 0);
	for (i = 0; i < 100; i++) {
		assert_true(pace_wait(&p, 5000, 0) == 0);
		pace_take(&p, 5000, 0);
	}
	/* 120 a minute: a burst of 2, less the 3 still in flight. */
	pace_learn(&p, &req, &tok, 3, 0, 0);
	assert_true(p.req.limit == 120);
	assert_true(pace_wait(&p, 1, 0) > 0);
	/* 2 - 3 + 2 needs 2 units of 118 / 60000 a ms. */
	assert_true(pace_wait(&p, 1, 0) == 1017);
	assert_true(pace_wait(&p, 1, 1017) == 0);
	/* A remaining of 0 (another client spent it) empties the bucket. */
	req.remaining = 0;
	pace_learn(&p, &req, &tok, 0, 0, 1017);
	assert_true(pace_wait(&p, 1, 1017) == 509);
	/* A larger limit said never passes the config's. */
	pace_init(&p, 60, 0, 0);
	req.limit = 600;
	req.remaining = 500;
	pace_learn(&p, &req, &tok, 0, 0, 0);
	assert_true(p.req.limit == 60);
	req.limit = 30;
	pace_learn(&p, &req, &tok, 0, 0, 0);
	assert_true(p.req.limit == 30);
	/* Nothing said: nothing changes. */
	pace_learn(&p, &none, &none, 5, 5, 0);
	assert_true(p.req.limit == 30 && p.tok.limit == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pace_requests),
		cmocka_unit_test(test_pace_tokens),
		cmocka_unit_test(test_pace_learn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
