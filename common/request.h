/* request.h: an LLM request in canonical form, and its cache key. */
#ifndef JUDGEPIPE_REQUEST_H
#define JUDGEPIPE_REQUEST_H

#include <stddef.h>
#include <jansson.h>

#include "buf.h"
#include "hash.h"

struct request_message {
	const char *role;	/* "system", "user", "assistant" */
	const char *content;	/* UTF-8, may contain NUL */
	size_t len;
};

/*
 * What identifies a request for caching.  Every pointer is borrowed.
 * endpoints are api_base values as configured; they are normalised and
 * sorted when serialised.  params is an object of every body parameter but
 * model and messages (temperature as a real, max_tokens, extra_body members).
 */
struct request {
	const char *api_type;		/* "openai" or "anthropic" */
	const char *const *endpoints;
	size_t n_endpoints;
	const char *model_name;
	const json_t *params;
	const struct request_message *messages;
	size_t n_messages;
};

/*
 * Append the canonical serialisation of r to out: the compact JSON array
 * ["judgepipe-cache-v1", api_type, endpoint_identity, model_name, params,
 * messages] with params keys sorted at every level.
 */
void request_canonical(const struct request *r, struct buf *out);

/* key = SHA-256 of the canonical serialisation. */
void request_key(const struct request *r, unsigned char key[HASH_LEN]);

/*
 * Normalise an api_base for the endpoint identity: scheme and host
 * lower-cased, trailing "/" removed.  Returns a malloc'ed string.
 */
char *request_endpoint_identity(const char *api_base);

/*
 * A new params object {"temperature": T (real), "max_tokens": N} merged
 * with the members of extra_body (may be NULL; copied, extra_body wins).
 */
json_t *request_params_new(double temperature, long long max_tokens,
    const json_t *extra_body);

#endif
