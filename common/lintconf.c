/* lintconf.c: unknown keys of the configs, with a likely intended key. */
#include <stdlib.h>
#include <string.h>

#include "apiconfig.h"
#include "config.h"
#include "judgeconfig.h"
#include "lintconf.h"

/* Upstream entry keys that judgepipe ignores on purpose. */
static const char *const upstream_entry_keys[] = {
	"tokenizer", "api_version", NULL
};

/* Levenshtein distance of a and b, capped at 3 (enough to decide). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t *prev, *cur, *t;

	if (la > lb ? la - lb > 2 : lb - la > 2)
		return 3;
	prev = malloc((lb + 1) * sizeof(*prev));
	cur = malloc((lb + 1) * sizeof(*cur));
	if (prev == NULL || cur == NULL)
		abort();
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		best = cur[0];
		for (j = 1; j <= lb; j++) {
			size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		t = prev;
		prev = cur;
		cur = t;
		if (best > 2)
			break;
	}
	best = i > la ? prev[lb] : 3;
	free(prev);
	free(cur);
	return best > 3 ? 3 : best;
}

const char *
lintconf_suggest(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t i, bd = 3, d;

	for (i = 0; known[i] != NULL; i++) {
		d = distance(key, known[i]);
		if (d < bd && 2 * d < strlen(key)) {
			bd = d;
			best = known[i];
		}
	}
	return best;
}

static int
known_in(const char *key, const char *const *known)
{
	size_t i;

	for (i = 0; known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0)
			return 1;
	return 0;
}

/* One unknown key: an error with a suggestion, else a warning. */
static void
unknown(struct lint_report *r, const struct config_doc *doc,
    const json_t *v, const char *where, const char *key,
    const char *const *known)
{
	const char *s = lintconf_suggest(key, known);

	if (s != NULL)
		lint_add(r, LINT_CONFUSING, LINT_ERROR, "config",
		    config_path(doc), config_path(doc), config_line(doc, v),
		    "unknown key '%s'%s (did you mean '%s'?): judgepipe "
		    "ignores it", key, where, s);
	else
		lint_add(r, LINT_CONFUSING, LINT_WARNING, "config",
		    config_path(doc), config_path(doc), config_line(doc, v),
		    "unknown key '%s'%s: judgepipe ignores it", key, where);
}

int
lintconf_check_judge(const char *path, struct lint_report *r, struct diag *d)
{
	struct config_doc *doc = config_load(path, d);
	const json_t *root, *v;
	const char *k;

	if (doc == NULL)
		return -1;
	root = config_root(doc);
	if (json_is_object(root))
		json_object_foreach((json_t *)root, k, v)
			if (!known_in(k, judgeconfig_keys))
				unknown(r, doc, v, "", k, judgeconfig_keys);
	config_free(doc);
	return 0;
}

int
lintconf_check_api(const char *path, struct lint_report *r, struct diag *d)
{
	struct config_doc *doc = config_load(path, d);
	const json_t *root, *entry, *v, *ep;
	const char *name, *k;
	char where[512];
	size_t i;

	if (doc == NULL)
		return -1;
	root = config_root(doc);
	if (!json_is_object(root)) {
		config_free(doc);
		return 0;
	}
	json_object_foreach((json_t *)root, name, entry) {
		if (!json_is_object(entry))
			continue;
		snprintf(where, sizeof(where), " in entry '%s'", name);
		json_object_foreach((json_t *)entry, k, v)
			if (!known_in(k, apiconfig_keys) &&
			    !known_in(k, upstream_entry_keys))
				unknown(r, doc, v, where, k, apiconfig_keys);
		v = json_object_get(entry, "endpoints");
		if (!json_is_array(v))
			continue;
		json_array_foreach(v, i, ep) {
			const json_t *x;

			if (!json_is_object(ep))
				continue;
			snprintf(where, sizeof(where), " in endpoint %zu of "
			    "entry '%s'", i + 1, name);
			json_object_foreach((json_t *)ep, k, x)
				if (!known_in(k, apiconfig_endpoint_keys))
					unknown(r, doc, x, where, k,
					    apiconfig_endpoint_keys);
		}
	}
	config_free(doc);
	return 0;
}
