/* apiconfig_test.c: reading entries of the API config. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "apiconfig.h"

#define UPSTREAM "testdata/gen-answer/api_config_upstream.yaml"

static struct apiconfig_entry *
load(const char *yaml, const char *name, struct diag *d)
{
	diag_clear(d);
	return apiconfig_load_entry_mem("api.yaml", yaml, strlen(yaml), name,
	    d);
}

static void
clear_env(void **state)
{
	unsetenv("OPENAI_API_KEY");
	unsetenv("ANTHROPIC_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	unsetenv("JP_TEST_KEY");
}

static void
test_apiconfig_upstream_file(void **state)
{
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	setenv("OPENAI_API_KEY", "sk-env", 1);
	e = apiconfig_load_entry(UPSTREAM, "gpt-4-1106-preview", &d);
	assert_non_null(e);
	assert_string_equal(e->name, "gpt-4-1106-preview");
	assert_string_equal(e->model_name, "gpt-4-1106-preview");
	assert_int_equal(e->api_type, APICONFIG_OPENAI);
	assert_string_equal(e->api_type_name, "openai");
	assert_int_equal(e->parallel, 8);
	assert_int_equal(e->n_endpoints, 1);
	assert_string_equal(e->endpoints[0].api_base,
	    "https://api.openai.com/v1");
	assert_string_equal(e->api_bases[0], "https://api.openai.com/v1");
	assert_string_equal(e->endpoints[0].api_key, "sk-env");
	assert_null(e->system_prompt);
	assert_true(e->timeout_s == 600);
	assert_true(e->connect_timeout_s == 10);
	assert_int_equal(e->max_retries, 6);
	assert_true(e->rpm == 0 && e->tpm == 0);
	assert_null(e->extra_body);
	assert_int_equal(e->n_warnings, 0);
	apiconfig_entry_free(e);

	/* A literal key; tokenizer is ignored with a warning. */
	e = apiconfig_load_entry(UPSTREAM, "llama3-7b", &d);
	assert_non_null(e);
	assert_string_equal(e->model_name,
	    "meta-llama/Meta-Llama-3-8B-Instruct");
	assert_string_equal(e->endpoints[0].api_base,
	    "http://localhost:8000/v1");
	assert_string_equal(e->endpoints[0].api_key, "token-abc123");
	assert_int_equal(e->n_warnings, 1);
	assert_string_equal(e->warnings[0].msg, "key 'tokenizer' ignored");
	assert_int_equal(e->warnings[0].line, 32);
	apiconfig_entry_free(e);

	e = apiconfig_load_entry(UPSTREAM, "claude-3-opus-20240229", &d);
	assert_non_null(e);
	assert_int_equal(e->api_type, APICONFIG_ANTHROPIC);
	assert_string_equal(e->endpoints[0].api_base,
	    "https://api.anthropic.com");
	assert_null(e->endpoints[0].api_key);
	apiconfig_entry_free(e);

	/* Other api_types are rejected only when used. */
	assert_null(apiconfig_load_entry(UPSTREAM,
	    "gemini-1.5-pro-api-0409-preview", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_int_equal(d.line, 44);
	assert_string_equal(d.msg, "entry 'gemini-1.5-pro-api-0409-preview': "
	    "unsupported api_type 'gemini' (use openai for OpenAI-compatible "
	    "endpoints)");
	assert_null(apiconfig_load_entry(UPSTREAM, "gpt-4-0613-azure", &d));
	assert_int_equal(d.code, EX_CONFIG);

	assert_null(apiconfig_load_entry(UPSTREAM, "nope", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_string_equal(d.msg, "no entry 'nope'");
	assert_null(apiconfig_load_entry("testdata/gen-answer/absent.yaml",
	    "x", &d));
	assert_int_equal(d.code, EX_NOINPUT);
	clear_env(state);
}

static void
test_apiconfig_env_reference(void **state)
{
	const char *y = "m:\n  endpoints:\n"
	    "    - api_base: http://127.0.0.1:8/v1\n"
	    "      api_key: ${JP_TEST_KEY}\n"
	    "    - api_base: http://127.0.0.1:9/v1\n"
	    "      api_key: 'x${JP_TEST_KEY}'\n";
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	assert_null(load(y, "m", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_int_equal(d.line, 4);
	assert_string_equal(d.msg, "entry 'm': api_key: environment variable "
	    "'JP_TEST_KEY' is not set");
	setenv("JP_TEST_KEY", "secret-123", 1);
	e = load(y, "m", &d);
	assert_non_null(e);
	assert_int_equal(e->n_endpoints, 2);
	assert_string_equal(e->endpoints[0].api_key, "secret-123");
	/* Only the whole value "${NAME}" is a reference. */
	assert_string_equal(e->endpoints[1].api_key, "x${JP_TEST_KEY}");
	apiconfig_entry_free(e);
	clear_env(state);
}

static void
test_apiconfig_key_fallbacks(void **state)
{
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	/* No key anywhere: no authentication. */
	e = load("m:\n  endpoints:\n    - api_base: http://h/v1\n", "m", &d);
	assert_non_null(e);
	assert_null(e->endpoints[0].api_key);
	apiconfig_entry_free(e);
	/* api_key_env, then the usual variable. */
	setenv("JP_TEST_KEY", "k-env", 1);
	setenv("OPENAI_API_KEY", "k-openai", 1);
	e = load("m:\n  endpoints:\n    - api_base: http://h/v1\n"
	    "      api_key: ''\n  api_key_env: JP_TEST_KEY\n", "m", &d);
	assert_non_null(e);
	assert_string_equal(e->endpoints[0].api_key, "k-env");
	apiconfig_entry_free(e);
	e = load("m:\n  endpoints:\n    - api_base: http://h/v1\n"
	    "      api_key: null\n", "m", &d);
	assert_string_equal(e->endpoints[0].api_key, "k-openai");
	apiconfig_entry_free(e);
	/* Default endpoint from OPENAI_BASE_URL. */
	setenv("OPENAI_BASE_URL", "http://127.0.0.1:7/v1", 1);
	e = load("m:\n  model_name: x\n", "m", &d);
	assert_string_equal(e->endpoints[0].api_base, "http://127.0.0.1:7/v1");
	assert_string_equal(e->model_name, "x");
	apiconfig_entry_free(e);
	assert_null(load("m:\n  api_key_env: JP_UNSET_VAR\n", "m", &d));
	assert_int_equal(d.code, EX_CONFIG);
	clear_env(state);
}

static void
test_apiconfig_settings(void **state)
{
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	e = load("m:\n  parallel: 128\n  timeout_s: 1.5\n"
	    "  connect_timeout_s: 2\n  max_retries: 0\n  rpm: 500\n"
	    "  tpm: 2.0e+5\n  extra_body: {top_p: 1.0}\n"
	    "  system_prompt: \"You are a helpful assistant.\"\n"
	    "  api_version: 1\n", "m", &d);
	assert_non_null(e);
	assert_int_equal(e->parallel, 128);
	assert_true(e->timeout_s == 1.5);
	assert_true(e->connect_timeout_s == 2);
	assert_int_equal(e->max_retries, 0);
	assert_true(e->rpm == 500);
	assert_true(e->tpm == 200000);
	assert_true(json_is_object(e->extra_body));
	assert_string_equal(e->system_prompt, "You are a helpful assistant.");
	assert_int_equal(e->n_warnings, 1);
	assert_string_equal(e->warnings[0].msg, "key 'api_version' ignored");
	apiconfig_entry_free(e);
}

static void
test_apiconfig_bad_values(void **state)
{
	static const struct {
		const char *yaml;
		long line;
		const char *msg;
	} cases[] = {
		{ "m:\n  parallel: eight\n", 2,
		    "entry 'm': 'parallel' must be a number" },
		{ "m:\n  parallel: 0\n", 2,
		    "entry 'm': 'parallel' must be at least 1" },
		{ "m:\n  parallel: 2.5\n", 2,
		    "entry 'm': 'parallel' must be a whole number" },
		/* 1e3 is a string for PyYAML. */
		{ "m:\n  tpm: 1e3\n", 2, "entry 'm': 'tpm' must be a number" },
		{ "m:\n  max_retries: -1\n", 2,
		    "entry 'm': 'max_retries' must be at least 0" },
		{ "m:\n  endpoints: []\n", 2,
		    "entry 'm': 'endpoints' must be a non-empty list" },
		{ "m:\n  endpoints:\n    - api_key: k\n", 3,
		    "entry 'm': 'endpoints' needs an 'api_base' string in "
		    "every element" },
		{ "m:\n  endpoints:\n    - api_base: ftp://h\n", 3,
		    "entry 'm': 'api_base' must be an http:// or https:// "
		    "URL" },
		{ "m:\n  extra_body: {stream: true}\n", 2,
		    "entry 'm': extra_body must not set 'stream'" },
		{ "m:\n  extra_body: [1]\n", 2,
		    "entry 'm': 'extra_body' must be a mapping" },
		{ "m:\n  system_prompt: [a]\n", 2,
		    "entry 'm': 'system_prompt' must be a string" },
		{ "m:\n  model_name: [a]\n", 2,
		    "entry 'm': 'model_name' must be a string" },
		{ "m: 3\n", 1, "entry 'm' is not a mapping" },
		{ "- a\n", 0, "not a mapping of entry names" },
	};
	struct diag d;
	size_t i;

	clear_env(state);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(load(cases[i].yaml, "m", &d));
		assert_int_equal(d.code, EX_CONFIG);
		assert_string_equal(d.file, "api.yaml");
		assert_int_equal(d.line, cases[i].line);
		assert_string_equal(d.msg, cases[i].msg);
	}
}

static void
test_apiconfig_price(void **state)
{
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	e = load("m:\n  price: {input: 0.15, cached_input: 0.075, "
	    "output: 0.6}\n", "m", &d);
	assert_non_null(e);
	assert_true(e->price.known);
	assert_true(e->price.input == 0.15);
	assert_true(e->price.cached_input == 0.075);
	assert_true(e->price.output == 0.6);
	assert_int_equal(e->n_warnings, 0);
	apiconfig_entry_free(e);

	/* cached_input defaults to input; integers are prices too. */
	e = load("m:\n  price:\n    input: 3\n    output: 15\n"
	    "    cache_write: 3.75\n", "m", &d);
	assert_non_null(e);
	assert_true(e->price.known);
	assert_true(e->price.cached_input == 3);
	assert_int_equal(e->n_warnings, 1);
	assert_string_equal(e->warnings[0].msg,
	    "price key 'cache_write' ignored");
	assert_int_equal(e->warnings[0].line, 5);
	apiconfig_entry_free(e);

	/* No price (or null): unknown, not free. */
	e = load("m:\n  price: null\n", "m", &d);
	assert_non_null(e);
	assert_false(e->price.known);
	apiconfig_entry_free(e);

	assert_null(load("m:\n  price: 0.15\n", "m", &d));
	assert_int_equal(d.code, EX_CONFIG);
	assert_string_equal(d.msg, "entry 'm': 'price' must be a mapping of "
	    "input, cached_input and output (USD per million tokens)");
	assert_null(load("m:\n  price: {input: 1}\n", "m", &d));
	assert_string_equal(d.msg, "entry 'm': 'price.output' is required "
	    "(USD per million tokens)");
	assert_null(load("m:\n  price:\n    input: 1\n    output: -2\n",
	    "m", &d));
	assert_int_equal(d.line, 4);
	assert_string_equal(d.msg, "entry 'm': 'price.output' must be a "
	    "number >= 0 (USD per million tokens)");
	assert_null(load("m:\n  price: {input: '1', output: 2}\n", "m",
	    &d));
	assert_string_equal(d.msg, "entry 'm': 'price.input' must be a "
	    "number >= 0 (USD per million tokens)");
}

static void
test_apiconfig_ca_bundle(void **state)
{
	struct apiconfig_entry *e;
	struct diag d;

	clear_env(state);
	/* Relative to the config file's directory ("" here: the current). */
	e = load("m:\n  endpoints:\n    - api_base: https://a.example/v1\n"
	    "      ca_bundle: testdata/tls/h2proxy.js\n"
	    "    - api_base: https://b.example/v1\n", "m", &d);
	assert_non_null(e);
	assert_string_equal(e->endpoints[0].ca_bundle,
	    "testdata/tls/h2proxy.js");
	assert_null(e->endpoints[1].ca_bundle);
	assert_int_equal(e->n_warnings, 0);
	apiconfig_entry_free(e);
	diag_clear(&d);
	e = apiconfig_load_entry_mem("conf/api.yaml", "m:\n  endpoints:\n"
	    "    - api_base: https://a.example/v1\n"
	    "      ca_bundle: ca.pem\n", 77, "m", &d);
	assert_null(e);
	assert_int_equal(d.code, EX_CONFIG);
	assert_int_equal(d.line, 4);
	assert_string_equal(d.msg, "entry 'm': ca_bundle: cannot read "
	    "'conf/ca.pem': No such file or directory");
	assert_null(load("m:\n  endpoints:\n    - api_base: https://a/v1\n"
	    "      ca_bundle: [x]\n", "m", &d));
	assert_string_equal(d.msg, "entry 'm': 'ca_bundle' must be a file "
	    "name");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apiconfig_upstream_file),
		cmocka_unit_test(test_apiconfig_env_reference),
		cmocka_unit_test(test_apiconfig_key_fallbacks),
		cmocka_unit_test(test_apiconfig_settings),
		cmocka_unit_test(test_apiconfig_bad_values),
		cmocka_unit_test(test_apiconfig_price),
		cmocka_unit_test(test_apiconfig_ca_bundle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
