/* shard.c: --shard K/N by SHA-256 of the question id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "shard.h"

static int
parse_u64(const char *p, const char *end, unsigned long long *out)
{
	unsigned long long v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	*out = v;
	return 0;
}

int
shard_parse(const char *text, struct shard *s, struct diag *d)
{
	const char *slash = strchr(text, '/');

	if (slash == NULL ||
	    parse_u64(text, slash, &s->k) == -1 ||
	    parse_u64(slash + 1, slash + strlen(slash), &s->n) == -1 ||
	    s->k < 1 || s->k > s->n)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--shard: '%s' is not K/N with 1 <= K <= N", text);
	return 0;
}

int
shard_keep(const struct shard *s, const char *qid, size_t len)
{
	unsigned char h[HASH_LEN];

	if (s == NULL || s->n == 0)
		return 1;
	hash_sha256(qid, len, h);
	return hash_u64be(h) % s->n == s->k - 1;
}
