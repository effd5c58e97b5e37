/* apiconfig.h: entries of arena-hard-auto's api_config.yaml. */
#ifndef JUDGEPIPE_APICONFIG_H
#define JUDGEPIPE_APICONFIG_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"
#include "price.h"

enum apiconfig_type {
	APICONFIG_OPENAI,
	APICONFIG_ANTHROPIC,
};

/*
 * One endpoint.  api_key is the resolved key ("${VAR}" expanded, fallbacks
 * applied) or NULL when none is configured (no authentication header is
 * sent).  The key must never be printed, logged, cached or hashed.
 * ca_bundle is the endpoint's "ca_bundle:", a PEM file of the certificate
 * authorities its TLS certificate is checked against (a relative path
 * taken from the config file's directory; checked readable at load), or
 * NULL for the default ($CURL_CA_BUNDLE, $SSL_CERT_FILE, the system's).
 * It is not part of the cache key.
 */
struct apiconfig_endpoint {
	char *api_base;
	char *api_key;
	char *ca_bundle;
};

/* A warning found while reading an entry, with its position. */
struct apiconfig_warning {
	char file[512];
	long line;
	char msg[256];
};

/*
 * A validated entry; every string is owned by the entry.  Defaults are
 * applied: model_name = name, api_type openai, parallel 1,
 * timeout_s 600, connect_timeout_s 10, max_retries 6, rpm/tpm 0 (no
 * limit), extra_body NULL, system_prompt NULL unless a string is given,
 * no price.  "price:" is a mapping {input, cached_input, output} of
 * numbers >= 0 in US dollars per million tokens; input and output are
 * required, cached_input defaults to input (price.h).
 */
struct apiconfig_entry {
	char *name;			/* the entry name (output model_id) */
	char *model_name;		/* "model" sent to the API */
	enum apiconfig_type api_type;
	const char *api_type_name;	/* "openai" or "anthropic" (static) */
	struct apiconfig_endpoint *endpoints;
	size_t n_endpoints;		/* >= 1 */
	const char **api_bases;		/* the n_endpoints api_base values */
	long parallel;			/* >= 1 */
	char *system_prompt;		/* NULL: no system message */
	double timeout_s;		/* whole attempt; > 0 */
	double connect_timeout_s;	/* > 0 */
	long max_retries;		/* retries after the first attempt */
	double rpm;			/* requests per minute, 0: unlimited */
	double tpm;			/* tokens per minute, 0: unlimited */
	json_t *extra_body;		/* an object or NULL (owned) */
	struct price price;		/* "price:"; price.known 0 without */
	struct apiconfig_warning *warnings;	/* ignored keys and the like */
	size_t n_warnings;
};

/*
 * The keys judgepipe reads in an entry and in an endpoint, NULL-terminated
 * (other keys are ignored with a warning).
 */
extern const char *const apiconfig_keys[];
extern const char *const apiconfig_endpoint_keys[];

/*
 * Read entry `name` of the API config at path (YAML) and validate
 * it; only that entry is looked at, so other entries may use settings
 * judgepipe does not support.  "${NAME}" keys are replaced by the
 * environment value.  Returns a new entry (free it with
 * apiconfig_entry_free), or NULL with d set: EX_NOINPUT when the file
 * cannot be opened, EX_CONFIG (with file:line where known) for bad YAML, a
 * missing entry, a bad value, an unknown api_type or an unset ${VAR}.
 * Messages never contain a key.
 */
struct apiconfig_entry *apiconfig_load_entry(const char *path,
    const char *name, struct diag *d);

/* The same from a YAML text in memory; file names it in diagnostics. */
struct apiconfig_entry *apiconfig_load_entry_mem(const char *file,
    const char *yaml, size_t len, const char *name, struct diag *d);

/* Free e and everything it owns (NULL-safe). */
void apiconfig_entry_free(struct apiconfig_entry *e);

#endif
