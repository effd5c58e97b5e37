/* provenance_test.c: digests of texts, of judge settings, of requests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "judgeconfig.h"
#include "provenance.h"

static void
test_provenance_digest_is_sha256_prefix(void **state)
{
	char d[PROVENANCE_HEX + 1], e[PROVENANCE_HEX + 1];
	struct qaset_text t[2] = { { "ab", 2 }, { "c", 1 } };

	/* printf 'abc' | sha256sum */
	provenance_digest("abc", 3, d);
	assert_string_equal(d, "ba7816bf8f01cfea");
	/* One turn: the digest of its text. */
	provenance_texts(t, 1, d);
	provenance_digest("ab", 2, e);
	assert_string_equal(d, e);
	/* Turns are joined by a NUL byte: "ab\0c", not "abc". */
	provenance_texts(t, 2, d);
	assert_string_not_equal(d, "ba7816bf8f01cfea");
	provenance_digest("ab\0c", 4, e);
	assert_string_equal(d, e);
}

static const char config[] =
    "judge_model: j1\nbaseline: true\nbaseline_model: b\npairwise: true\n"
    "temperature: 0.0\nmax_tokens: 100\nsystem_prompt: be fair\n"
    "prompt_template: [\"{question_1} {answer_1} {answer_2}\"]\n";

static void
settings(const char *yaml, const char *judge, char out[PROVENANCE_HEX + 1])
{
	struct judge_config jc;
	struct diag d;

	assert_int_equal(judgeconfig_load_mem("c.yaml", yaml, strlen(yaml),
	    &jc, &d), 0);
	provenance_judge_settings(&jc, judge, out);
	judgeconfig_release(&jc);
}

static void
test_provenance_judge_settings(void **state)
{
	static const char *const change[][2] = {
		{ "temperature: 0.0", "temperature: 0.7" },
		{ "max_tokens: 100", "max_tokens: 101" },
		{ "be fair", "be fairer" },
		{ "{answer_2}\"]", "{answer_2}!\"]" },
		{ "pairwise: true", "pairwise: false" },
	};
	char base[PROVENANCE_HEX + 1], other[PROVENANCE_HEX + 1];
	char yaml[1024];
	size_t i;

	settings(config, NULL, base);
	settings(config, "j1", other);
	assert_string_equal(base, other);
	settings(config, "j2", other);
	assert_string_not_equal(base, other);
	for (i = 0; i < sizeof(change) / sizeof(change[0]); i++) {
		const char *at = strstr(config, change[i][0]);

		assert_non_null(at);
		snprintf(yaml, sizeof(yaml), "%.*s%s%s", (int)(at - config),
		    config, change[i][1], at + strlen(change[i][0]));
		settings(yaml, NULL, other);
		assert_string_not_equal(base, other);
	}
	/* Informational keys do not shape a verdict. */
	snprintf(yaml, sizeof(yaml), "%sname: x\nbench_name: y\n", config);
	settings(yaml, NULL, other);
	assert_string_equal(base, other);
	snprintf(yaml, sizeof(yaml), "%snumber_of_judgment_attempts: 3\n",
	    config);
	settings(yaml, NULL, other);
	assert_string_not_equal(base, other);
}

static void
test_provenance_answer(void **state)
{
	const char key[] = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	char two[2 * sizeof(key)], d[PROVENANCE_HEX + 1];
	json_t *p = provenance_answer(key, 64);

	assert_string_equal(json_string_value(json_object_get(p, "request")),
	    "0123456789abcdef");
	assert_string_equal(json_string_value(json_object_get(p, "version")),
	    JUDGEPIPE_VERSION);
	json_decref(p);
	snprintf(two, sizeof(two), "%s%s", key, key);
	p = provenance_answer(two, 128);
	provenance_digest(two, 128, d);
	assert_string_equal(json_string_value(json_object_get(p, "request")),
	    d);
	json_decref(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provenance_digest_is_sha256_prefix),
		cmocka_unit_test(test_provenance_judge_settings),
		cmocka_unit_test(test_provenance_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
