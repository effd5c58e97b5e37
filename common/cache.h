/* cache.h: the content-addressed, append-only response cache (SPEC 7). */
#ifndef JUDGEPIPE_CACHE_H
#define JUDGEPIPE_CACHE_H

#include <jansson.h>

#include "diag.h"
#include "hash.h"

/*
 * One struct cache per thread: it is not thread-safe.  Processes share a
 * cache through flock(2) on the file and need nothing else.  Only offsets
 * are kept in memory (16 bytes a slot); values are decoded on get.
 */
struct cache;

enum cache_flags {
	CACHE_READONLY = 1 << 0,	/* read only: never create or append */
};

/*
 * The cache directory to use when --cache is not given: $JUDGEPIPE_CACHE,
 * else $XDG_CACHE_HOME/judgepipe, else $HOME/.cache/judgepipe.  Empty
 * variables and a relative $XDG_CACHE_HOME are ignored; without $HOME the
 * passwd entry is used, and failing that ".cache/judgepipe".  Returns a
 * malloc'ed string (never NULL).
 */
char *cache_default_dir(void);

/*
 * Open (creating DIR/v1/ 0700 and DIR/v1/cache.zst 0600 unless read-only)
 * and scan the cache into an in-memory index.  Torn tails and corrupt
 * entries are skipped as SPEC 7 says.  Returns NULL and fills d
 * (EX_CANTCREAT when it cannot be created, EX_NOINPUT when it cannot be
 * read).  With CACHE_READONLY a missing directory or file is an empty
 * cache (a later miss looks again).  Every entry is decoded and checked
 * while scanning.  *warning (may be NULL) receives a malloc'ed text or NULL:
 * group/other permissions on DIR/v1 or the file, corrupt entries skipped,
 * a torn tail left by a crash; several are joined with "; ".
 */
struct cache *cache_open(const char *dir, int flags, char **warning,
    struct diag *d);

/*
 * Look key up.  On a miss, first rescan what other processes appended since
 * the last scan.  Returns 1 and a new reference in *value on a hit, 0 on a
 * miss (*value NULL), -1 on an I/O error (d set).  An entry that no longer
 * decodes (the file was changed behind our back) is a miss.
 */
int cache_get(struct cache *c, const unsigned char key[HASH_LEN],
    json_t **value, struct diag *d);

/*
 * Append value (the SPEC 7 value object, whose "key" member must be the hex
 * of key) under an exclusive flock, with one write, first indexing what
 * others appended and cutting a torn tail.  The entry is indexed, so a
 * later get finds it; the latest entry for a key wins.  Returns 0 or -1
 * (d set: EX_IOERR, or EX_SOFTWARE for a read-only cache or a value whose
 * "key" does not match).  value is borrowed.
 */
int cache_put(struct cache *c, const unsigned char key[HASH_LEN],
    const json_t *value, struct diag *d);

/*
 * fdatasync now if anything was written since the last one.  cache_put
 * also syncs when the last sync is 5 s old, and cache_close syncs.
 */
int cache_sync(struct cache *c, struct diag *d);

/* Sync and free (NULL-safe). */
void cache_close(struct cache *c);

/* Number of distinct keys in the index (for tests and summaries). */
size_t cache_count(const struct cache *c);

#endif
