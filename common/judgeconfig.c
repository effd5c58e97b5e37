/* judgeconfig.c: read and validate a judge config. */
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
	"system_prompt", "prompt_template", "model_list",
	/* judgepipe's: HEAD's JUDGE_SETTINGS, FastChat's prompts file. */
	"judge_settings", "judge_prompts", NULL,
};

struct ctx {
	const struct config_doc *doc;
	const char *file;
	const json_t *root;
	struct judge_config *jc;
	enum judgeconfig_mode want;	/* or _MODE_OF_CONFIG */
	struct diag *d;
};

static const char *mode_names[] = {
	"pairwise-baseline", "pairwise-all", "single"
};

const char *
judgeconfig_mode_name(enum judgeconfig_mode mode)
{
	return mode >= 0 && mode <= JUDGECONFIG_SINGLE ? mode_names[mode] :
	    "as the config says";
}

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

	jc->attempts = jc->v2 ? 1 : 2;
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

/* The names gen-judgment fills in, or HEAD's upper-case ones. */
static int
field_ok(void *arg, const char *s, size_t n)
{
	const struct judge_config *jc = arg;

	if (jc->v2)
		return (n == 8 && memcmp(s, "QUESTION", 8) == 0) ||
		    (n == 8 && memcmp(s, "ANSWER_A", 8) == 0) ||
		    (n == 8 && memcmp(s, "ANSWER_B", 8) == 0) ? 0 : -1;
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

/* regex_pattern (v0.1 style) or regex_patterns (v2), compiled. */
static int
read_patterns(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v;
	size_t i;

	if (jc->v2) {
		if (get_list(x, "regex_patterns", &jc->regex_patterns,
		    &jc->n_patterns) == -1)
			return -1;
		v = json_object_get(x->root, "regex_patterns");
		if (jc->n_patterns == 0)
			return bad(x, v, "regex_patterns", "names no pattern");
		jc->verdicts = xcalloc(jc->n_patterns, sizeof(*jc->verdicts));
		for (i = 0; i < jc->n_patterns; i++) {
			jc->verdicts[i] = verdict_new(jc->regex_patterns[i],
			    x->d);
			if (jc->verdicts[i] == NULL)
				goto bad;
		}
		return 0;
	}
	if (get_string(x, "regex_pattern", 0, &jc->regex_pattern) == -1)
		return -1;
	if (jc->regex_pattern == NULL || jc->regex_pattern[0] == '\0') {
		free(jc->regex_pattern);
		jc->regex_pattern = xstrdup(VERDICT_DEFAULT_PATTERN);
	}
	jc->verdict = verdict_new(jc->regex_pattern, x->d);
	if (jc->verdict != NULL)
		return 0;
	v = json_object_get(x->root, "regex_pattern");
bad:
	if (x->d != NULL) {
		snprintf(x->d->file, sizeof(x->d->file), "%s", x->file);
		x->d->line = line_of(x, v);
	}
	return -1;
}

/* judge_settings: {category: {baseline, system_prompt}} (v2 style). */
static int
read_settings(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v = json_object_get(x->root, "judge_settings"), *c, *f;
	const char *name;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(x, v, "judge_settings", "must be a mapping of "
		    "categories");
	jc->categories = xcalloc(json_object_size(v) + 1,
	    sizeof(*jc->categories));
	json_object_foreach((json_t *)v, name, c) {
		struct judgeconfig_category *cat =
		    &jc->categories[jc->n_categories++];

		cat->name = xstrdup(name);
		if (!json_is_object(c))
			return diag_set(x->d, EX_CONFIG, x->file,
			    line_of(x, c), "'judge_settings.%s' must be a "
			    "mapping", name);
		f = json_object_get(c, "baseline");
		if (f != NULL && !json_is_null(f)) {
			if (!json_is_string(f))
				return diag_set(x->d, EX_CONFIG, x->file,
				    line_of(x, f), "'judge_settings.%s."
				    "baseline' must be a string", name);
			cat->baseline = xstrdup(json_string_value(f));
		}
		f = json_object_get(c, "system_prompt");
		if (f == NULL || !json_is_string(f))
			return diag_set(x->d, EX_CONFIG, x->file,
			    line_of(x, f != NULL ? f : c), "'judge_settings."
			    "%s.system_prompt' must be a string", name);
		cat->system_prompt = xstrndup(json_string_value(f),
		    json_string_length(f));
		if (x->want == JUDGECONFIG_PAIRWISE_BASELINE &&
		    cat->baseline == NULL)
			return diag_set(x->d, EX_CONFIG, x->file,
			    line_of(x, c), "'judge_settings.%s' names no "
			    "baseline", name);
	}
	return 0;
}

/* judge_prompts: a path, relative to the config's folder. */
static int
read_prompts_path(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const char *slash;
	char *p = NULL;

	if (get_string(x, "judge_prompts", 0, &p) == -1)
		return -1;
	if (p == NULL)
		return 0;
	slash = strrchr(x->file, '/');
	if (p[0] == '/' || slash == NULL)
		jc->judge_prompts = p;
	else {
		struct buf b;

		buf_init(&b);
		buf_add(&b, x->file, (size_t)(slash - x->file) + 1);
		buf_adds(&b, p);
		jc->judge_prompts = buf_detach(&b, NULL);
		free(p);
	}
	return 0;
}

/* The mode the keys give: baseline true (or absent) or not, pairwise. */
static enum judgeconfig_mode
mode_of_keys(int baseline, int pairwise)
{
	if (baseline)
		return JUDGECONFIG_PAIRWISE_BASELINE;
	return pairwise ? JUDGECONFIG_PAIRWISE_ALL : JUDGECONFIG_SINGLE;
}

/* What the chosen mode needs. */
static int
read_mode_keys(struct ctx *x)
{
	struct judge_config *jc = x->jc;

	if (jc->mode == JUDGECONFIG_SINGLE) {
		if (jc->judge_prompts == NULL)
			return diag_set(x->d, EX_CONFIG, x->file, 0,
			    "missing key 'judge_prompts' (single grading "
			    "needs FastChat's judge_prompts.jsonl)");
		/* The pairwise keys are not used, but must be well-formed. */
		if (json_object_get(x->root, "prompt_template") != NULL &&
		    read_template(x) == -1)
			return -1;
		return 0;
	}
	if (jc->v2) {
		if (jc->n_categories == 0)
			return diag_set(x->d, EX_CONFIG, x->file, 0,
			    "missing key 'judge_settings' (the baseline and "
			    "system prompt of each category)");
		return read_template(x);
	}
	if (jc->mode == JUDGECONFIG_PAIRWISE_BASELINE &&
	    get_string(x, "baseline_model", 1, &jc->baseline_model) == -1)
		return -1;
	if (jc->system_prompt == NULL)
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "missing key 'system_prompt'");
	return read_template(x);
}

static int
read_config(struct ctx *x)
{
	struct judge_config *jc = x->jc;
	const json_t *v;
	int baseline = 1;

	if (x->root == NULL || !json_is_object(x->root))
		return diag_set(x->d, EX_CONFIG, x->file, 0,
		    "not a mapping of settings");
	jc->v2 = json_object_get(x->root, "regex_patterns") != NULL;
	if (get_string(x, "judge_model", 1, &jc->judge_model) == -1 ||
	    get_bool(x, "baseline", 1, &baseline) == -1 ||
	    get_bool(x, "pairwise", jc->v2 ? 1 : -1, &jc->pairwise) == -1)
		return -1;
	jc->mode = x->want != JUDGECONFIG_MODE_OF_CONFIG ? x->want :
	    mode_of_keys(baseline, jc->pairwise);
	x->want = jc->mode;
	if (read_numbers(x) == -1 ||
	    get_string(x, "system_prompt", 0, &jc->system_prompt) == -1 ||
	    get_list(x, "ref_model", &jc->ref_model, &jc->n_ref_model) == -1 ||
	    get_list(x, "model_list", &jc->model_list,
	    &jc->n_model_list) == -1 ||
	    read_patterns(x) == -1 || read_settings(x) == -1 ||
	    read_prompts_path(x) == -1)
		return -1;
	if (jc->v2) {
		v = json_object_get(x->root, "reference");
		if (v != NULL && !json_is_null(v) && !json_is_false(v))
			return bad(x, v, "reference", "is not supported with "
			    "regex_patterns");
	} else if (get_bool(x, "reference", 0, &jc->reference) == -1)
		return -1;
	if (jc->reference && jc->n_ref_model == 0 &&
	    jc->mode != JUDGECONFIG_SINGLE)
		return diag_set(x->d, EX_CONFIG, x->file, 0, "'reference' is "
		    "true but 'ref_model' names no model");
	if (read_mode_keys(x) == -1)
		return -1;

	/* name and bench_name are informational: keep them when strings. */
	if ((v = json_object_get(x->root, "name")) != NULL &&
	    json_is_string(v))
		jc->name = xstrdup(json_string_value(v));
	if ((v = json_object_get(x->root, "bench_name")) != NULL &&
	    json_is_string(v))
		jc->bench_name = xstrdup(json_string_value(v));
	return 0;
}

static int
load_doc(struct config_doc *doc, const char *file, enum judgeconfig_mode mode,
    struct judge_config *jc, struct diag *d)
{
	struct ctx x;

	x.doc = doc;
	x.file = file;
	x.root = config_root(doc);
	x.jc = jc;
	x.want = mode;
	x.d = d;
	jc->path = xstrdup(file);
	if (read_config(&x) == -1) {
		judgeconfig_release(jc);
		return -1;
	}
	return 0;
}

int
judgeconfig_load_mode(const char *path, enum judgeconfig_mode mode,
    struct judge_config *jc, struct diag *d)
{
	struct config_doc *doc;
	int rc;

	memset(jc, 0, sizeof(*jc));
	if ((doc = config_load(path, d)) == NULL)
		return -1;
	rc = load_doc(doc, path, mode, jc, d);
	config_free(doc);
	return rc;
}

int
judgeconfig_load(const char *path, struct judge_config *jc, struct diag *d)
{
	return judgeconfig_load_mode(path, JUDGECONFIG_MODE_OF_CONFIG, jc, d);
}

int
judgeconfig_load_mem_mode(const char *file, const char *yaml, size_t len,
    enum judgeconfig_mode mode, struct judge_config *jc, struct diag *d)
{
	struct config_doc *doc;
	int rc;

	memset(jc, 0, sizeof(*jc));
	if ((doc = config_load_mem(file, yaml, len, d)) == NULL)
		return -1;
	rc = load_doc(doc, file, mode, jc, d);
	config_free(doc);
	return rc;
}

int
judgeconfig_load_mem(const char *file, const char *yaml, size_t len,
    struct judge_config *jc, struct diag *d)
{
	return judgeconfig_load_mem_mode(file, yaml, len,
	    JUDGECONFIG_MODE_OF_CONFIG, jc, d);
}

const struct judgeconfig_category *
judgeconfig_category(const struct judge_config *jc, const char *category)
{
	size_t i;

	if (category == NULL)
		return NULL;
	for (i = 0; i < jc->n_categories; i++)
		if (strcmp(jc->categories[i].name, category) == 0)
			return &jc->categories[i];
	return NULL;
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
	size_t i;

	free(jc->path);
	free(jc->judge_model);
	free(jc->baseline_model);
	free(jc->regex_pattern);
	verdict_free(jc->verdict);
	for (i = 0; i < jc->n_patterns; i++)
		verdict_free(jc->verdicts != NULL ? jc->verdicts[i] : NULL);
	free(jc->verdicts);
	free_list(jc->regex_patterns, jc->n_patterns);
	for (i = 0; i < jc->n_categories; i++) {
		free(jc->categories[i].name);
		free(jc->categories[i].baseline);
		free(jc->categories[i].system_prompt);
	}
	free(jc->categories);
	free(jc->judge_prompts);
	free(jc->system_prompt);
	free(jc->prompt_template);
	free_list(jc->ref_model, jc->n_ref_model);
	free(jc->name);
	free(jc->bench_name);
	free_list(jc->model_list, jc->n_model_list);
	memset(jc, 0, sizeof(*jc));
}
