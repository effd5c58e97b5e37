/* request.c: canonical request serialisation, the cache key preimage. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "request.h"

char *
request_endpoint_identity(const char *api_base)
{
	char *s = xstrdup(api_base);
	char *p = strstr(s, "://");
	size_t n;

	/* Lower-case the scheme and the authority (up to the first '/'). */
	if (p != NULL) {
		char *q;

		for (q = s; q < p; q++)
			*q = (char)tolower((unsigned char)*q);
		for (q = p + 3; *q != '\0' && *q != '/'; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
request_canonical(const struct request *r, struct buf *out)
{
	const int fl = JSONW_COMPACT;
	char **ids = xmalloc((r->n_endpoints ? r->n_endpoints : 1) *
	    sizeof(*ids));
	size_t i;

	buf_adds(out, "[\"judgepipe-cache-v1\",");
	jsonw_string(out, r->api_type, strlen(r->api_type), fl);
	buf_adds(out, ",[");
	for (i = 0; i < r->n_endpoints; i++)
		ids[i] = request_endpoint_identity(r->endpoints[i]);
	qsort(ids, r->n_endpoints, sizeof(*ids), cmp_str);
	for (i = 0; i < r->n_endpoints; i++) {
		if (i)
			buf_addc(out, ',');
		jsonw_string(out, ids[i], strlen(ids[i]), fl);
		free(ids[i]);
	}
	free(ids);
	buf_adds(out, "],");
	jsonw_string(out, r->model_name, strlen(r->model_name), fl);
	buf_addc(out, ',');
	if (r->params != NULL)
		jsonw_dump(out, r->params, fl | JSONW_SORT_KEYS);
	else
		buf_adds(out, "{}");
	buf_adds(out, ",[");
	for (i = 0; i < r->n_messages; i++) {
		const struct request_message *m = &r->messages[i];

		if (i)
			buf_addc(out, ',');
		buf_addc(out, '[');
		jsonw_string(out, m->role, strlen(m->role), fl);
		buf_addc(out, ',');
		jsonw_string(out, m->content, m->len, fl);
		buf_addc(out, ']');
	}
	buf_adds(out, "]]");
}

void
request_key(const struct request *r, unsigned char key[HASH_LEN])
{
	struct buf b;

	buf_init(&b);
	request_canonical(r, &b);
	hash_sha256(b.p, b.len, key);
	buf_release(&b);
}

json_t *
request_params_new(double temperature, long long max_tokens,
    const json_t *extra_body)
{
	json_t *p = json_object();

	json_object_set_new(p, "temperature", json_real(temperature));
	json_object_set_new(p, "max_tokens", json_integer(max_tokens));
	if (extra_body != NULL && json_is_object(extra_body)) {
		const char *k;
		json_t *v;

		json_object_foreach((json_t *)extra_body, k, v)
			json_object_set_new(p, k, json_deep_copy(v));
	}
	return p;
}
