/* rng_test.c: xoshiro256** seeding and numpy-legacy MT19937 streams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rng.h"

/* np.random.seed(42); np.random.random_sample(3) */
static void
test_rng_mt_numpy_random_sample(void **state)
{
	struct rng_mt r;

	rng_mt_seed(&r, 42);
	assert_true(rng_mt_double(&r) == 0.3745401188473625);
	assert_true(rng_mt_double(&r) == 0.9507143064099162);
	assert_true(rng_mt_double(&r) == 0.7319939418114051);
}

/* np.random.seed(42); np.random.randint(0, 10, 10) */
static void
test_rng_mt_numpy_randint(void **state)
{
	static const unsigned want[] = { 6, 3, 7, 4, 6, 9, 2, 6, 7, 4 };
	struct rng_mt r;
	int i;

	rng_mt_seed(&r, 42);
	for (i = 0; i < 10; i++)
		assert_int_equal(rng_mt_below(&r, 10), want[i]);
}

/* The reference MT19937 output for init_genrand(5489). */
static void
test_rng_mt_reference_5489(void **state)
{
	struct rng_mt r;
	uint32_t a, b;

	rng_mt_seed(&r, 5489);
	a = rng_mt_next32(&r);
	b = rng_mt_next32(&r);
	assert_int_equal(a, 3499211612U);
	assert_int_equal(b, 581869302U);
	/* The 10000th output, from the reference implementation. */
	rng_mt_seed(&r, 5489);
	for (int i = 0; i < 9999; i++)
		rng_mt_next32(&r);
	assert_int_equal(rng_mt_next32(&r), 4123659995U);
}

static void
test_rng_mt_below_masked(void **state)
{
	struct rng_mt r, r2;
	int i;

	/* n = 1 consumes nothing. */
	rng_mt_seed(&r, 7);
	r2 = r;
	assert_int_equal(rng_mt_below(&r, 1), 0);
	assert_int_equal(rng_mt_next32(&r), rng_mt_next32(&r2));
	/* n = 2^k: one output per draw, the low k bits. */
	rng_mt_seed(&r, 7);
	rng_mt_seed(&r2, 7);
	for (i = 0; i < 100; i++)
		assert_int_equal(rng_mt_below(&r, 1024),
		    rng_mt_next32(&r2) & 1023);
	/* Otherwise values above n - 1 are rejected, never folded. */
	rng_mt_seed(&r, 7);
	rng_mt_seed(&r2, 7);
	for (i = 0; i < 100; i++) {
		uint32_t v, want;

		v = rng_mt_below(&r, 600);
		do
			want = rng_mt_next32(&r2) & 1023;
		while (want > 599);
		assert_int_equal(v, want);
	}
}

/* The xoshiro256** reference vector from state {1, 2, 3, 4}. */
static void
test_rng_xo_reference(void **state)
{
	struct rng_xo r = { { 1, 2, 3, 4 } };

	assert_true(rng_xo_next(&r) == 11520ULL);
	assert_true(rng_xo_next(&r) == 0ULL);
	assert_true(rng_xo_next(&r) == 1509978240ULL);
	assert_true(rng_xo_next(&r) == 1215971899390074240ULL);
}

/* Seeding: splitmix64 from seed + golden * (2^32 b + r + 1). */
static void
test_rng_xo_seed_splitmix(void **state)
{
	struct rng_xo r;

	/*
	 * With seed = -golden (mod 2^64), board 0, round 0 the splitmix state
	 * starts at 0: its outputs are the published splitmix64(0) stream.
	 */
	rng_xo_seed(&r, (uint64_t)0 - 0x9E3779B97F4A7C15ULL, 0, 0);
	assert_true(r.s[0] == 0xE220A8397B1DCDAFULL);
	assert_true(r.s[1] == 0x6E789E6AA1B965F4ULL);
	assert_true(r.s[2] == 0x06C45D188009454FULL);
	assert_true(r.s[3] == 0xF88BB8A8724C81ECULL);
}

static void
test_rng_xo_streams_distinct(void **state)
{
	struct rng_xo a, b, c;

	rng_xo_seed(&a, 42, 0, 0);
	rng_xo_seed(&b, 42, 0, 1);
	rng_xo_seed(&c, 42, 1, 0);
	assert_true(a.s[0] != b.s[0] && a.s[0] != c.s[0] && b.s[0] != c.s[0]);
	rng_xo_seed(&b, 42, 0, 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_rng_xo_below_range_uniform(void **state)
{
	struct rng_xo r;
	unsigned hist[6] = { 0 };
	int i;

	rng_xo_seed(&r, 1, 0, 0);
	for (i = 0; i < 60000; i++) {
		uint64_t v = rng_xo_below(&r, 6);

		assert_true(v < 6);
		hist[v]++;
	}
	/* Each bin within 5 sigma of 10000. */
	for (i = 0; i < 6; i++)
		assert_true(hist[i] > 9540 && hist[i] < 10460);
	assert_int_equal(rng_xo_below(&r, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_mt_numpy_random_sample),
		cmocka_unit_test(test_rng_mt_numpy_randint),
		cmocka_unit_test(test_rng_mt_reference_5489),
		cmocka_unit_test(test_rng_mt_below_masked),
		cmocka_unit_test(test_rng_xo_reference),
		cmocka_unit_test(test_rng_xo_seed_splitmix),
		cmocka_unit_test(test_rng_xo_streams_distinct),
		cmocka_unit_test(test_rng_xo_below_range_uniform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
