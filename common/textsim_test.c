/* textsim_test.c: normalisation, exact hashes and similarity estimates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "textsim.h"

static void
make(const char *s, struct textsim *t)
{
	textsim_make(s, strlen(s), t);
}

static void
test_textsim_exact_ignores_case_and_spacing(void **state)
{
	struct textsim a, b, c;

	make("Hello,  World\n\tagain ", &a);
	make("hello, world again", &b);
	make("hello, world, again", &c);
	assert_true(a.exact == b.exact);
	assert_true(a.exact != c.exact);
	assert_true(textsim_jaccard(&a, &b) == 1.0);
}

/* A pseudo-random text of n words from a fixed list. */
static void
text(struct buf *b, unsigned seed, int n)
{
	static const char *const w[] = {
		"leaves", "fall", "slowly", "red", "gold", "ground", "autumn",
		"says", "goodbye", "크리스프", "공기", "낙엽", "秋天", "树叶",
		"the", "a", "of", "and", "to", "in"
	};
	int i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		buf_printf(b, "%s ", w[(seed >> 16) % 20]);
	}
}

static void
test_textsim_jaccard_estimates(void **state)
{
	struct buf x, y, z;
	struct textsim a, b, c;
	double near, far;

	buf_init(&x);
	buf_init(&y);
	buf_init(&z);
	text(&x, 1, 400);
	buf_adds(&y, x.p);
	buf_adds(&y, "and one more sentence at the end.");
	text(&z, 2, 400);
	textsim_make(x.p, x.len, &a);
	textsim_make(y.p, y.len, &b);
	textsim_make(z.p, z.len, &c);
	near = textsim_jaccard(&a, &b);
	far = textsim_jaccard(&a, &c);
	assert_int_equal(a.n, TEXTSIM_K);
	assert_true(near > 0.85);
	assert_true(far < 0.3);
	/* Symmetric. */
	assert_true(textsim_jaccard(&b, &a) == near);
	buf_release(&x);
	buf_release(&y);
	buf_release(&z);
}

static void
test_textsim_short_texts(void **state)
{
	struct textsim a, b, e1, e2;

	make("ok", &a);
	make("OK", &b);
	make("", &e1);
	make("   ", &e2);
	assert_int_equal(a.n, 1);
	assert_true(textsim_jaccard(&a, &b) == 1.0);
	assert_true(e1.exact == e2.exact);
	assert_true(textsim_jaccard(&a, &e1) == 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_textsim_exact_ignores_case_and_spacing),
		cmocka_unit_test(test_textsim_jaccard_estimates),
		cmocka_unit_test(test_textsim_short_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
