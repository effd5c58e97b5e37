/* cache.h: the content-addressed, append-only response cache (SPEC 7). */
#ifndef JUDGEPIPE_CACHE_H
#define JUDGEPIPE_CACHE_H

#include <jansson.h>

#include "diag.h"
#include "hash.h"

struct cache;

enum cache_flags {
	CACHE_READONLY = 1 << 0,	/* read only: never create or append */
};

/*
 * The cache directory to use when --cache is not given: $JUDGEPIPE_CACHE,
 * else $XDG_CACHE_HOME/judgepipe, else $HOME/.cache/judgepipe.  Returns a
 * malloc'ed string.
 */
char *cache_default_dir(void);

/*
 * Open (creating DIR/v1/ 0700 and DIR/v1/cache.zst 0600 unless read-only)
 * and scan the cache into an in-memory index.  Torn tails and corrupt
 * entries are skipped as SPEC 7 says.  Returns NULL and fills d
 * (EX_CANTCREAT when it cannot be created, EX_NOINPUT when it cannot be
 * read).  *warning (may be NULL) receives a malloc'ed warning text or NULL,
 * e.g. for group/other permissions or a torn tail.
 */
struct cache *cache_open(const char *dir, int flags, char **warning,
    struct diag *d);

/*
 * Look key up.  On a miss, first rescan what other processes appended since
 * the last scan.  Returns 1 and a new reference in *value on a hit, 0 on a
 * miss, -1 on an I/O error (d set).
 */
int cache_get(struct cache *c, const unsigned char key[HASH_LEN],
    json_t **value, struct diag *d);

/*
 * Append value (the SPEC 7 value object, whose "key" member must be the hex
 * of key) under an exclusive flock, with one write.  Returns 0 or -1 (d set,
 * EX_IOERR).  value is borrowed.
 */
int cache_put(struct cache *c, const unsigned char key[HASH_LEN],
    const json_t *value, struct diag *d);

/* fdatasync now (also done at least every 5 s by cache_put). */
int cache_sync(struct cache *c, struct diag *d);

/* Sync and free (NULL-safe). */
void cache_close(struct cache *c);

/* Number of entries in the index (for tests and summaries). */
size_t cache_count(const struct cache *c);

#endif
