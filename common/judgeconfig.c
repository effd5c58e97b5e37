/* judgeconfig.c: read and validate a judge config (SPEC 4.3). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "judgeconfig.h"
#include "prompt.h"

const char *const judgeconfig_keys[] = {
	"name", "bench_name", "judge_model", "reference", "ref_model",
	"baseline", "baseline_model", "pairwise", "temperature", "max_tokens",
	"regex_pattern", "regex_patterns", "number_of_judgment_attempts",
	"system_prompt", "prompt_template", "model_list", NULL,
};

struct ctx {
	const struct config_doc *doc;
	const char *file;
	const json_t *root;
	struct judge_config *jc;
	struct diag *d;
};

/* The line of node; true, false and null have none (shared in jansson). */
static long
line_of(const struct ctx *x, const json_t *node)
{
	return node != NULL ? config_line(x->doc, node) : 0;
}

static int
bad(struct ctx *x, const json_t *node, const char *key, const char *what)
{
	return diag_set(x->d, EX_CONFIG, x->file, line_of(x, node),
	    "'%s' %s", key, what);
}

/* A string member: required, or optional (then *out may stay NULL). */
static int
get_string(struct ctx *x, const char *key, int required, char **out)
{
	const json_t *v = json_object_get(x->root, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return diag_set(x->d, EX_CONFIG, x->file, 0,
			    "missing key '%s'", key);
		return 0;
	}
	if (!json_is_string(v))
		return bad(x, v, key, "must be a string");
	*out = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

/* A boolean member; absent or null gives def (or an error: def < 0). */
static int
get_bool(struct ctx *x, const char *key, int def, int *out)
{
	const json_t *v = json_object_get(x->root, key);

	if (v == NULL || json_is_null(v)) {
		if (def < 0)
			return diag_set(x->d, EX_CONFIG, x->file, 0,
			    "missing key '%s'", key);
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return bad(x, v, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* A list of strings (or null): *n entries in *out. */
static int
get_list(struct ctx *x, const char *key, char ***out, size_t *n)
{
	const json_t *v = json_object_get(x->root, key), *s;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(x, v, key, "must be a list of strings");
	*out = xcalloc(json_array_size(v) + 1, sizeof(**out));
	json_array_foreach(v, i, s) {
		if (!json_is_string(s))
			return bad(x, s, key, "must be a list of strings");
		(*out)[i] = xstrdup(json_string_value(s));
		*n = i + 1;
	}
	return 0;
}

static int
read_numbers(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v;

	v = json_object_get(x->root, "temperature");
	if (v == NULL || json_is_null(v))
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "missing key 'temperature'");
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    json_number_value(v) < 0)
		return bad(x, v, "temperature", "must be a number >= 0");
	jc->temperature = json_number_value(v);

	v = json_object_get(x->root, "max_tokens");
	if (v == NULL || json_is_null(v))
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "missing key 'max_tokens'");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return bad(x, v, "max_tokens", "must be an integer >= 1");
	jc->max_tokens = json_integer_value(v);

	jc->attempts = 2;
	v = json_object_get(x->root, "number_of_judgment_attempts");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 100)
			return bad(x, v, "number_of_judgment_attempts",
			    "must be an integer from 1 to 100");
		jc->attempts = (long)json_integer_value(v);
	}
	return 0;
}

/* "prefix" followed by a number without leading zeros. */
static int
numbered(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix), i;

	if (n <= p || memcmp(s, prefix, p) != 0 || s[p] == '0')
		return 0;
	for (i = p; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The names gen-judgment fills in (SPEC 8.2). */
static int
field_ok(void *arg, const char *s, size_t n)
{
	const struct judge_config *jc = arg;

	if (numbered(s, n, "question_") || numbered(s, n, "answer_"))
		return 0;
	if (jc->reference && numbered(s, n, "ref_answer_"))
		return 0;
	return -1;
}

static int
read_template(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v = json_object_get(x->root, "prompt_template"), *t;

	if (v == NULL || json_is_null(v))
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "missing key 'prompt_template'");
	t = v;
	/* Upstream's form is a list; it sends one user message per item. */
	if (json_is_array(v)) {
		if (json_array_size(v) != 1)
			return bad(x, v, "prompt_template", "must be a list "
			    "of exactly one template");
		t = json_array_get(v, 0);
	}
	if (!json_is_string(t))
		return bad(x, t, "prompt_template", "must be a string or a "
		    "list of one string");
	jc->prompt_template_len = json_string_length(t);
	jc->prompt_template = xmalloc(jc->prompt_template_len + 1);
	memcpy(jc->prompt_template, json_string_value(t),
	    jc->prompt_template_len + 1);
	return prompt_check(jc->prompt_template, jc->prompt_template_len,
	    field_ok, jc, x->file, line_of(x, t), x->d);
}

static int
read_config(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v;
	int baseline = 0;

	if (x->root == NULL || !json_is_object(x->root))
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "not a mapping of settings");
	if (get_string(x, "judge_model", 1, &jc->judge_model) == -1 ||
	    get_bool(x, "baseline", -1, &baseline) == -1)
		return -1;
	if (!baseline)
		return diag_set(x->d, EX_CONFIG, x->file, 0, "'baseline' must "
		    "be true: judging without a baseline is not supported");
	if (get_string(x, "baseline_model", 1, &jc->baseline_model) == -1 ||
	    get_bool(x, "pairwise", -1, &jc->pairwise) == -1 ||
	    read_numbers(x) == -1 ||
	    get_string(x, "regex_pattern", 0, &jc->regex_pattern) == -1 ||
	    get_string(x, "system_prompt", 1, &jc->system_prompt) == -1 ||
	    get_bool(x, "reference", 0, &jc->reference) == -1 ||
	    get_list(x, "ref_model", &jc->ref_model, &jc->n_ref_model) == -1 ||
	    get_list(x, "model_list", &jc->model_list,
	    &jc->n_model_list) == -1 ||
	    read_template(x) == -1)
		return -1;
	if (jc->reference && jc->n_ref_model == 0)
		return diag_set(x->d, EX_CONFIG, x->file, 0, "'reference' is "
		    "true but 'ref_model' names no model");

	/* name and bench_name are informational: keep them when strings. */
	if ((v = json_object_get(x->root, "name")) != NULL &&
	    json_is_string(v))
		jc->name = xstrdup(json_string_value(v));
	if ((v = json_object_get(x->root, "bench_name")) != NULL &&
	    json_is_string(v))
		jc->bench_name = xstrdup(json_string_value(v));

	if (jc->regex_pattern == NULL || jc->regex_pattern[0] == '\0') {
		free(jc->regex_pattern);
		jc->regex_pattern = xstrdup(VERDICT_DEFAULT_PATTERN);
	}
	jc->verdict = verdict_new(jc->regex_pattern, x->d);
	if (jc->verdict == NULL) {
		v = json_object_get(x->root, "regex_pattern");
		if (x->d != NULL) {
			snprintf(x->d->file, sizeof(x->d->file), "%s", x->file);
			x->d->line = line_of(x, v);
		}
		return -1;
	}
	return 0;
}

static int
load_doc(struct config_doc *doc, const char *file, struct judge_config *jc,
    struct diag *d)
{
	struct ctx x;

	x.doc = doc;
	x.file = file;
	x.root = config_root(doc);
	x.jc = jc;
	x.d = d;
	jc->path = xstrdup(file);
	if (read_config(&x) == -1) {
		judgeconfig_release(jc);
		return -1;
	}
	return 0;
}

int
judgeconfig_load(const char *path, struct judge_config *jc, struct diag *d)
{
	struct config_doc *doc;
	int rc;

	memset(jc, 0, sizeof(*jc));
	if ((doc = config_load(path, d)) == NULL)
		return -1;
	rc = load_doc(doc, path, jc, d);
	config_free(doc);
	return rc;
}

int
judgeconfig_load_mem(const char *file, const char *yaml, size_t len,
    struct judge_config *jc, struct diag *d)
{
	struct config_doc *doc;
	int rc;

	memset(jc, 0, sizeof(*jc));
	if ((doc = config_load_mem(file, yaml, len, d)) == NULL)
		return -1;
	rc = load_doc(doc, file, jc, d);
	config_free(doc);
	return rc;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
judgeconfig_release(struct judge_config *jc)
{
	free(jc->path);
	free(jc->judge_model);
	free(jc->baseline_model);
	free(jc->regex_pattern);
	verdict_free(jc->verdict);
	free(jc->system_prompt);
	free(jc->prompt_template);
	free_list(jc->ref_model, jc->n_ref_model);
	free(jc->name);
	free(jc->bench_name);
	free_list(jc->model_list, jc->n_model_list);
	memset(jc, 0, sizeof(*jc));
}
