/* price_test.c: costs at list prices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "price.h"

static void
test_price_cost_usd(void **state)
{
	/* gpt-4o-mini: 0.15 in, 0.075 cached, 0.60 out per million. */
	struct price p = { 1, 0.15, 0.075, 0.60 };
	struct price none = { 0, 1, 1, 1 };

	(void)state;
	assert_true(price_cost_usd(&p, 0, 0, 0) == 0);
	/* 1M prompt + 1M completion: 0.15 + 0.60. */
	assert_float_equal(price_cost_usd(&p, 1000000, 0, 1000000), 0.75,
	    1e-12);
	/* Half the prompt from the provider's cache. */
	assert_float_equal(price_cost_usd(&p, 1000000, 500000, 0),
	    0.075 + 0.0375, 1e-12);
	/* 2,000 prompt tokens, 1,000 cached, 300 completion. */
	assert_float_equal(price_cost_usd(&p, 2000, 1000, 300),
	    (1000 * 0.15 + 1000 * 0.075 + 300 * 0.60) / 1e6, 1e-15);
	/* cached beyond prompt is clamped; negative counts are 0. */
	assert_float_equal(price_cost_usd(&p, 100, 1000, -5),
	    100 * 0.075 / 1e6, 1e-15);
	assert_true(price_cost_usd(&none, 1, 0, 1) == -1);
	assert_true(price_cost_usd(NULL, 1, 0, 1) == -1);
}

static void
test_price_bound_usd(void **state)
{
	struct price p = { 1, 3.0, 0.30, 15.0 };

	(void)state;
	/* No cache discount is promised: 1,000 x 3 + 4,096 x 15. */
	assert_float_equal(price_bound_usd(&p, 1000, 4096),
	    (1000 * 3.0 + 4096 * 15.0) / 1e6, 1e-15);
	p.known = 0;
	assert_true(price_bound_usd(&p, 1000, 4096) == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price_cost_usd),
		cmocka_unit_test(test_price_bound_usd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
