/* apiconfig.c: one entry of the API config, validated, keys resolved. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apiconfig.h"
#include "buf.h"
#include "config.h"

#define DEFAULT_OPENAI_BASE	"https://api.openai.com/v1"
#define DEFAULT_ANTHROPIC_BASE	"https://api.anthropic.com"

/* Keys of an entry that judgepipe reads; anything else gets a warning. */
const char *const apiconfig_keys[] = {
	"model_name", "endpoints", "api_type", "parallel", "system_prompt",
	"api_key_env", "timeout_s", "connect_timeout_s", "max_retries", "rpm",
	"tpm", "extra_body", "price", NULL,
};

/* Keys of an endpoint that judgepipe reads. */
const char *const apiconfig_endpoint_keys[] = {
	"api_base", "api_key", "ca_bundle", NULL,
};

struct ctx {
	const struct config_doc *doc;
	const char *file;
	long entry_line;
	struct apiconfig_entry *e;
	struct diag *d;
};

/* The line of node, or of the entry when the node has none (null, bools). */
static long
line_of(const struct ctx *x, const json_t *node)
{
	long l = node != NULL ? config_line(x->doc, node) : 0;

	return l > 0 ? l : x->entry_line;
}

static void
warn(struct ctx *x, const json_t *node, const char *fmt, const char *arg)
{
	struct apiconfig_entry *e = x->e;
	struct apiconfig_warning *w;

	e->warnings = xrealloc(e->warnings,
	    (e->n_warnings + 1) * sizeof(*e->warnings));
	w = &e->warnings[e->n_warnings++];
	snprintf(w->file, sizeof(w->file), "%s", x->file);
	w->line = line_of(x, node);
	snprintf(w->msg, sizeof(w->msg), fmt, arg);
}

static int
bad(struct ctx *x, const json_t *node, const char *key, const char *what)
{
	return diag_set(x->d, EX_CONFIG, x->file, line_of(x, node),
	    "entry '%s': '%s' %s", x->e->name, key, what);
}

/* An optional string member: 0 with *out set (NULL when absent/null). */
static int
get_string(struct ctx *x, const json_t *obj, const char *key,
    const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(x, v, key, "must be a string");
	*out = json_string_value(v);
	return 0;
}

/* An optional number member (int or float) >= min. */
static int
get_number(struct ctx *x, const json_t *obj, const char *key, double min,
    int integral, double *out)
{
	const json_t *v = json_object_get(obj, key);
	double n;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return bad(x, v, key, "must be a number");
	n = json_number_value(v);
	if (!isfinite(n) || n < min)
		return diag_set(x->d, EX_CONFIG, x->file, line_of(x, v),
		    "entry '%s': '%s' must be at least %g", x->e->name, key,
		    min);
	if (integral && n != floor(n))
		return bad(x, v, key, "must be a whole number");
	if (integral && n > 1e9)
		return bad(x, v, key, "is too large");
	*out = n;
	return 0;
}

/* Exactly "${NAME}" with NAME [A-Za-z_][A-Za-z0-9_]*: the NAME, else NULL. */
static char *
env_reference(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 4 || s[0] != '$' || s[1] != '{' || s[n - 1] != '}')
		return NULL;
	if (!(isalpha((unsigned char)s[2]) || s[2] == '_'))
		return NULL;
	for (i = 3; i < n - 1; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return NULL;
	return xstrndup(s + 2, n - 3);
}

/* A key goes into an HTTP header: refuse bytes that would break it. */
static int
key_ok(const char *k)
{
	for (; *k != '\0'; k++)
		if ((unsigned char)*k < 0x20 || *k == 0x7f)
			return 0;
	return 1;
}

/*
 * Resolve the key of one endpoint: api_key (literal or ${VAR}), else
 * api_key_env, else the api_type's usual variable, else none.
 */
static int
resolve_key(struct ctx *x, const json_t *ep, const json_t *entry,
    char **out)
{
	const json_t *kn = ep != NULL ? json_object_get(ep, "api_key") : NULL;
	const char *lit = NULL, *envname = NULL, *val;
	char *ref;

	*out = NULL;
	if (kn != NULL && !json_is_null(kn)) {
		if (!json_is_string(kn))
			return bad(x, kn, "api_key", "must be a string");
		lit = json_string_value(kn);
	}
	if (lit != NULL && lit[0] != '\0') {
		ref = env_reference(lit);
		if (ref == NULL)
			val = lit;
		else {
			val = getenv(ref);
			if (val == NULL) {
				diag_set(x->d, EX_CONFIG, x->file,
				    line_of(x, kn), "entry '%s': api_key: "
				    "environment variable '%s' is not set",
				    x->e->name, ref);
				free(ref);
				return -1;
			}
			free(ref);
		}
		if (val[0] != '\0')
			goto found;
	}
	if (get_string(x, entry, "api_key_env", &envname) == -1)
		return -1;
	if (envname != NULL && envname[0] != '\0') {
		val = getenv(envname);
		if (val == NULL)
			return diag_set(x->d, EX_CONFIG, x->file,
			    line_of(x, json_object_get(entry, "api_key_env")),
			    "entry '%s': api_key_env: environment variable "
			    "'%s' is not set", x->e->name, envname);
		if (val[0] != '\0')
			goto found;
	}
	val = getenv(x->e->api_type == APICONFIG_ANTHROPIC ?
	    "ANTHROPIC_API_KEY" : "OPENAI_API_KEY");
	if (val == NULL || val[0] == '\0')
		return 0;
found:
	if (!key_ok(val))
		return diag_set(x->d, EX_CONFIG, x->file, line_of(x, kn),
		    "entry '%s': the API key contains control characters",
		    x->e->name);
	*out = xstrdup(val);
	return 0;
}

static int
base_ok(const char *b)
{
	return strncasecmp(b, "http://", 7) == 0 ||
	    strncasecmp(b, "https://", 8) == 0;
}

static void
add_endpoint(struct apiconfig_entry *e, const char *base, char *key,
    char *ca_bundle)
{
	e->endpoints = xrealloc(e->endpoints,
	    (e->n_endpoints + 1) * sizeof(*e->endpoints));
	e->endpoints[e->n_endpoints].api_base = xstrdup(base);
	e->endpoints[e->n_endpoints].api_key = key;
	e->endpoints[e->n_endpoints].ca_bundle = ca_bundle;
	e->n_endpoints++;
}

/*
 * The endpoint's "ca_bundle:" path, relative to the config file's
 * directory unless absolute, into *out (malloc'ed; NULL when absent).  A
 * file that cannot be read is a config error, before any request.
 */
static int
read_ca_bundle(struct ctx *x, const json_t *ep, char **out)
{
	const json_t *v = json_object_get(ep, "ca_bundle");
	const char *path, *slash;
	struct buf b;
	FILE *f;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return bad(x, v, "ca_bundle", "must be a file name");
	path = json_string_value(v);
	buf_init(&b);
	slash = strrchr(x->file, '/');
	if (path[0] != '/' && slash != NULL)
		buf_add(&b, x->file, (size_t)(slash - x->file) + 1);
	buf_adds(&b, path);
	if ((f = fopen(b.p, "r")) == NULL) {
		diag_set(x->d, EX_CONFIG, x->file, line_of(x, v), "entry '%s': "
		    "ca_bundle: cannot read '%s': %s", x->e->name, b.p,
		    strerror(errno));
		buf_release(&b);
		return -1;
	}
	fclose(f);
	*out = buf_detach(&b, NULL);
	return 0;
}

static int
read_endpoints(struct ctx *x, const json_t *entry)
{
	struct apiconfig_entry *e = x->e;
	const json_t *eps = json_object_get(entry, "endpoints");
	const json_t *ep;
	const char *base;
	char *key, *ca;
	size_t i, k;

	if (eps == NULL || json_is_null(eps)) {
		if (e->api_type == APICONFIG_ANTHROPIC)
			base = DEFAULT_ANTHROPIC_BASE;
		else {
			base = getenv("OPENAI_BASE_URL");
			if (base == NULL || base[0] == '\0')
				base = DEFAULT_OPENAI_BASE;
		}
		if (!base_ok(base))
			return diag_set(x->d, EX_CONFIG, NULL, 0,
			    "OPENAI_BASE_URL: not an http:// or https:// URL");
		if (resolve_key(x, NULL, entry, &key) == -1)
			return -1;
		add_endpoint(e, base, key, NULL);
		return 0;
	}
	if (!json_is_array(eps) || json_array_size(eps) == 0)
		return bad(x, eps, "endpoints", "must be a non-empty list");
	json_array_foreach(eps, i, ep) {
		const json_t *bn;
		const char *key_name;
		json_t *v;

		if (!json_is_object(ep))
			return bad(x, ep, "endpoints", "must hold mappings");
		bn = json_object_get(ep, "api_base");
		if (bn == NULL || !json_is_string(bn))
			return bad(x, ep, "endpoints",
			    "needs an 'api_base' string in every element");
		base = json_string_value(bn);
		if (!base_ok(base))
			return bad(x, bn, "api_base",
			    "must be an http:// or https:// URL");
		json_object_foreach((json_t *)ep, key_name, v) {
			for (k = 0; apiconfig_endpoint_keys[k] != NULL; k++)
				if (strcmp(key_name,
				    apiconfig_endpoint_keys[k]) == 0)
					break;
			if (apiconfig_endpoint_keys[k] == NULL)
				warn(x, v, "endpoint key '%s' ignored",
				    key_name);
		}
		if (read_ca_bundle(x, ep, &ca) == -1)
			return -1;
		if (resolve_key(x, ep, entry, &key) == -1) {
			free(ca);
			return -1;
		}
		add_endpoint(e, base, key, ca);
	}
	return 0;
}

/* The optional "price:" mapping, in US dollars per million tokens. */
static int
read_price(struct ctx *x, const json_t *entry)
{
	static const char *const keys[] = {
		"input", "cached_input", "output", NULL,
	};
	const json_t *pr = json_object_get(entry, "price"), *v;
	struct price *p = &x->e->price;
	const char *k;
	size_t i;

	if (pr == NULL || json_is_null(pr))
		return 0;
	if (!json_is_object(pr))
		return bad(x, pr, "price", "must be a mapping of input, "
		    "cached_input and output (USD per million tokens)");
	json_object_foreach((json_t *)pr, k, v) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (keys[i] == NULL)
			warn(x, v, "price key '%s' ignored", k);
	}
	for (i = 0; keys[i] != NULL; i++) {
		double *dst = i == 0 ? &p->input : i == 1 ? &p->cached_input :
		    &p->output;
		char name[32];

		snprintf(name, sizeof(name), "price.%s", keys[i]);
		v = json_object_get(pr, keys[i]);
		if ((v == NULL || json_is_null(v)) && i == 1) {
			p->cached_input = p->input;
			continue;
		}
		if (v == NULL || json_is_null(v))
			return bad(x, pr, name, "is required (USD per million "
			    "tokens)");
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < 0)
			return bad(x, v, name, "must be a number >= 0 (USD per "
			    "million tokens)");
		*dst = json_number_value(v);
	}
	p->known = 1;
	return 0;
}

static int
read_entry(struct ctx *x, const json_t *entry)
{
	struct apiconfig_entry *e = x->e;
	const char *s, *k;
	const json_t *v;
	double n;
	size_t i;

	json_object_foreach((json_t *)entry, k, v) {
		for (i = 0; apiconfig_keys[i] != NULL; i++)
			if (strcmp(k, apiconfig_keys[i]) == 0)
				break;
		if (apiconfig_keys[i] == NULL)
			warn(x, v, "key '%s' ignored", k);
	}
	if (get_string(x, entry, "api_type", &s) == -1)
		return -1;
	if (s == NULL || strcmp(s, "openai") == 0) {
		e->api_type = APICONFIG_OPENAI;
		e->api_type_name = "openai";
	} else if (strcmp(s, "anthropic") == 0) {
		e->api_type = APICONFIG_ANTHROPIC;
		e->api_type_name = "anthropic";
	} else
		return diag_set(x->d, EX_CONFIG, x->file,
		    line_of(x, json_object_get(entry, "api_type")),
		    "entry '%s': unsupported api_type '%s' (use openai for "
		    "OpenAI-compatible endpoints)", e->name, s);
	if (get_string(x, entry, "model_name", &s) == -1)
		return -1;
	e->model_name = xstrdup(s != NULL ? s : e->name);
	v = json_object_get(entry, "system_prompt");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return bad(x, v, "system_prompt", "must be a string");
		e->system_prompt = xstrdup(json_string_value(v));
	}
	n = 1;
	if (get_number(x, entry, "parallel", 1, 1, &n) == -1)
		return -1;
	e->parallel = (long)n;
	if (get_number(x, entry, "timeout_s", 0.001, 0, &e->timeout_s) == -1 ||
	    get_number(x, entry, "connect_timeout_s", 0.001, 0,
	    &e->connect_timeout_s) == -1 ||
	    get_number(x, entry, "rpm", 0, 0, &e->rpm) == -1 ||
	    get_number(x, entry, "tpm", 0, 0, &e->tpm) == -1)
		return -1;
	n = 6;
	if (get_number(x, entry, "max_retries", 0, 1, &n) == -1)
		return -1;
	e->max_retries = (long)n;
	v = json_object_get(entry, "extra_body");
	if (v != NULL && !json_is_null(v)) {
		static const char *const reserved[] = {
			"model", "messages", "system", "stream", NULL,
		};

		if (!json_is_object(v))
			return bad(x, v, "extra_body", "must be a mapping");
		for (i = 0; reserved[i] != NULL; i++)
			if (json_object_get(v, reserved[i]) != NULL)
				return diag_set(x->d, EX_CONFIG, x->file,
				    line_of(x, v), "entry '%s': extra_body "
				    "must not set '%s'", e->name, reserved[i]);
		e->extra_body = json_deep_copy(v);
	}
	if (get_string(x, entry, "api_key_env", &s) == -1)
		return -1;
	if (read_price(x, entry) == -1)
		return -1;
	if (read_endpoints(x, entry) == -1)
		return -1;
	e->api_bases = xcalloc(e->n_endpoints, sizeof(*e->api_bases));
	for (i = 0; i < e->n_endpoints; i++)
		e->api_bases[i] = e->endpoints[i].api_base;
	return 0;
}

static struct apiconfig_entry *
load_entry(struct config_doc *doc, const char *name, struct diag *d)
{
	struct apiconfig_entry *e;
	struct ctx x;
	const json_t *root, *entry;
	const char *file = config_path(doc);

	root = config_root(doc);
	if (root == NULL || !json_is_object(root))
		return diag_set(d, EX_CONFIG, file, 0,
		    "not a mapping of entry names"), NULL;
	entry = json_object_get(root, name);
	if (entry == NULL)
		return diag_set(d, EX_CONFIG, file, 0,
		    "no entry '%s'", name), NULL;
	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(name);
	e->timeout_s = 600;
	e->connect_timeout_s = 10;
	memset(&x, 0, sizeof(x));
	x.doc = doc;
	x.file = file;
	x.e = e;
	x.d = d;
	x.entry_line = config_line(doc, entry);
	if (!json_is_object(entry)) {
		diag_set(d, EX_CONFIG, file, x.entry_line,
		    "entry '%s' is not a mapping", name);
		apiconfig_entry_free(e);
		return NULL;
	}
	if (read_entry(&x, entry) == -1) {
		apiconfig_entry_free(e);
		return NULL;
	}
	return e;
}

struct apiconfig_entry *
apiconfig_load_entry(const char *path, const char *name, struct diag *d)
{
	struct config_doc *doc = config_load(path, d);
	struct apiconfig_entry *e;

	if (doc == NULL)
		return NULL;
	e = load_entry(doc, name, d);
	config_free(doc);
	return e;
}

struct apiconfig_entry *
apiconfig_load_entry_mem(const char *file, const char *yaml, size_t len,
    const char *name, struct diag *d)
{
	struct config_doc *doc = config_load_mem(file, yaml, len, d);
	struct apiconfig_entry *e;

	if (doc == NULL)
		return NULL;
	e = load_entry(doc, name, d);
	config_free(doc);
	return e;
}

void
apiconfig_entry_free(struct apiconfig_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n_endpoints; i++) {
		free(e->endpoints[i].api_base);
		free(e->endpoints[i].ca_bundle);
		if (e->endpoints[i].api_key != NULL) {
			/* Do not leave the key in freed memory. */
			explicit_bzero(e->endpoints[i].api_key,
			    strlen(e->endpoints[i].api_key));
			free(e->endpoints[i].api_key);
		}
	}
	free(e->endpoints);
	free(e->api_bases);
	free(e->name);
	free(e->model_name);
	free(e->system_prompt);
	json_decref(e->extra_body);
	free(e->warnings);
	free(e);
}
