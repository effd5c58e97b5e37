/* shard.h: --shard K/N, the question-id partition shared by every stage. */
#ifndef JUDGEPIPE_SHARD_H
#define JUDGEPIPE_SHARD_H

#include <stddef.h>

#include "diag.h"

/* Shard k of n (1 <= k <= n); n == 0 means "no sharding". */
struct shard {
	unsigned long long k;
	unsigned long long n;
};

/*
 * Parse "K/N" (decimal, 1 <= K <= N) into s.  Returns 0, or -1 with d set
 * to EX_USAGE naming the text.
 */
int shard_parse(const char *text, struct shard *s, struct diag *d);

/*
 * True when question id qid[0..len) belongs to shard s: the
 * first 8 bytes of SHA-256(qid) as a big-endian integer are congruent to
 * K-1 mod N.  Always true when s is NULL or s->n is 0.
 */
int shard_keep(const struct shard *s, const char *qid, size_t len);

#endif
