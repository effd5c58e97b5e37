/* ensemble_test.c: the mean-mode label rule and record handling. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ensemble.h"
#include "jsonw.h"

/* Upstream's thresholds on the floating-point mean. */
static const char *
float_rule(double m)
{
	if (m == 0)
		return "A=B";
	if (m > 0 && m <= 1)
		return "A>B";
	if (m > 1)
		return "A>>B";
	if (m >= -1 && m < 0)
		return "B>A";
	return "B>>A";
}

static void
test_ensemble_label_matches_float_mean(void **state)
{
	long k, s;

	assert_null(ensemble_label(0, 0, 1));
	for (k = 1; k <= 7; k++)
		for (s = -2 * k; s <= 2 * k; s++)
			assert_string_equal(ensemble_label(s, k, 1),
			    float_rule((double)s / k));
}

static void
test_ensemble_label_min_judges(void **state)
{
	assert_null(ensemble_label(2, 1, 2));
	assert_string_equal(ensemble_label(2, 2, 2), "A>B");
	assert_string_equal(ensemble_label(3, 2, 2), "A>>B");
	assert_string_equal(ensemble_label(-2, 2, 2), "B>A");
	assert_string_equal(ensemble_label(-3, 2, 2), "B>>A");
}

static void
test_ensemble_value_labels(void **state)
{
	static const struct {
		const char *label;
		int ok, value;
	} t[] = {
		{ "A>>B", 1, 2 }, { "A>B", 1, 1 }, { "A=B", 1, 0 },
		{ "B>A", 1, -1 }, { "B>>A", 1, -2 }, { "A<B", 0, 0 },
		{ "", 0, 0 }, { "A>B ", 0, 0 }, { "a>b", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int v = 99;

		assert_int_equal(ensemble_value(t[i].label, &v) == 0,
		    t[i].ok);
		if (t[i].ok)
			assert_int_equal(v, t[i].value);
	}
}

struct notes {
	int n;
	char last[512];
};

static void
collect(void *arg, int code, const char *file, long line, const char *msg)
{
	struct notes *n = arg;

	n->n++;
	snprintf(n->last, sizeof(n->last), "%d %s:%ld %s", code,
	    file != NULL ? file : "-", line, msg);
}

static void
add(struct ensemble *e, const char *json, int want)
{
	json_t *r = json_loads(json, 0, NULL);
	struct diag d;

	assert_non_null(r);
	diag_clear(&d);
	assert_int_equal(ensemble_add(e, r, "f", 1, &d), want);
	if (want == -1)
		assert_int_equal(d.code, EX_DATAERR);
	json_decref(r);
}

static char *
dump(const json_t *v)
{
	struct buf b;

	buf_init(&b);
	jsonw_dump(&b, v, 0);
	return buf_detach(&b, NULL);
}

static void
test_ensemble_result_mean(void **state)
{
	struct ensemble_opts o = { .mode = ENSEMBLE_MEAN, .min_judges = 1 };
	struct notes n = { 0 };
	struct ensemble *e;
	json_t *out;
	char *s;
	int code;

	o.note = collect;
	o.note_arg = &n;
	e = ensemble_new(&o);
	add(e, "{\"question_id\": \"b\", \"model\": \"m\", \"judge\": \"y\", "
	    "\"games\": [{\"score\": \"A>>B\"}, {\"score\": \"B>>A\"}]}", 0);
	add(e, "{\"uid\": \"b\", \"model\": \"m\", \"judge\": \"x\", "
	    "\"games\": [{\"score\": \"A=B\"}, null]}", 0);
	add(e, "{\"question_id\": \"a\", \"model\": \"m\", \"judge\": \"x\", "
	    "\"games\": [{\"score\": null}]}", 0);
	add(e, "{\"question_id\": \"a\", \"model\": \"m\", \"judge\": "
	    "\"ensemble\", \"games\": []}", -1);
	add(e, "{\"question_id\": \"a\", \"model\": \"m\", \"judge\": \"x\", "
	    "\"games\": {}}", -1);
	out = ensemble_result(e, &code);
	assert_int_equal(code, 0);
	s = dump(out);
	assert_string_equal(s, "[{\"question_id\": \"a\", \"model\": \"m\", "
	    "\"judge\": \"ensemble\", \"games\": [{\"score\": null}]}, "
	    "{\"question_id\": \"b\", \"model\": \"m\", \"judge\": "
	    "\"ensemble\", \"games\": [{\"score\": \"A>B\"}, "
	    "{\"score\": \"B>>A\"}]}]");
	assert_true(n.n > 0);
	assert_non_null(strstr(n.last, "1 of 3 output games"));
	free(s);
	json_decref(out);
	ensemble_free(e);
}

static void
test_ensemble_result_listed_missing(void **state)
{
	const char *judges[] = { "x", "z" };
	struct ensemble_opts o = { .mode = ENSEMBLE_POOL, .min_judges = 1,
	    .judges = judges, .n_judges = 2 };
	struct notes n = { 0 };
	struct ensemble *e;
	json_t *out;
	char *s;
	int code;

	o.note = collect;
	o.note_arg = &n;
	e = ensemble_new(&o);
	add(e, "{\"question_id\": \"a\", \"model\": \"m\", \"judge\": \"x\", "
	    "\"games\": [{\"score\": \"A<B\"}]}", 0);
	add(e, "{\"question_id\": \"a\", \"model\": \"m\", \"judge\": \"y\", "
	    "\"games\": [{\"score\": \"A>B\"}]}", 0);
	out = ensemble_result(e, &code);
	assert_int_equal(code, EX_DATAERR);
	s = dump(out);
	assert_string_equal(s, "[{\"question_id\": \"a\", \"model\": \"m\", "
	    "\"judge\": \"pool\", \"source_judge\": \"x\", \"games\": "
	    "[{\"score\": null}]}]");
	free(s);
	json_decref(out);
	ensemble_free(e);
	ensemble_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ensemble_label_matches_float_mean),
		cmocka_unit_test(test_ensemble_label_min_judges),
		cmocka_unit_test(test_ensemble_value_labels),
		cmocka_unit_test(test_ensemble_result_mean),
		cmocka_unit_test(test_ensemble_result_listed_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
