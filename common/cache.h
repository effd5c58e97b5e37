/* cache.h: the content-addressed, append-only response cache. */
#ifndef JUDGEPIPE_CACHE_H
#define JUDGEPIPE_CACHE_H

#include <jansson.h>

#include "diag.h"
#include "hash.h"

/*
 * One struct cache per thread: it is not thread-safe.  Processes share a
 * cache through flock(2) on the file and need nothing else.  Only offsets
 * are kept in memory (16 bytes a slot); values are decoded on get.
 *
 * The file DIR/v1/cache.zst is a sequence of entries of two kinds, each a
 * zstd skippable frame (magic 0x184D2A5A) then one zstd frame (content
 * size and checksum flags set), so "zstd -dc" prints every value as JSONL:
 *
 *   single  u32le 0x184D2A5A | u32le 44 | "JPCACHE1" | key[32] | u32le L |
 *           L bytes: one frame holding the value and "\n"
 *   pack    u32le 0x184D2A5A | u32le 16 | "JPCACHP1" | u32le count |
 *           u32le L | L bytes: one frame holding count values, each a
 *           line ending in "\n" exactly as a single entry holds it
 *
 * Puts append single entries.  A pack is written only by compaction,
 * which rewrites the file with the single entries gathered into packs of
 * up to 512 values: per-entry frames of small values barely compress, a
 * pack compresses them to some 15%.  A pack's keys are the "key" members
 * of its values, read when the scan decodes it (count at most 65535).  A
 * pack that does not decode, fails its checksum or does not hold count
 * lines is skipped as a whole, like a corrupt single entry; a value in it
 * with no valid "key" is skipped alone.  A short, foreign or overlong
 * header of either kind is a torn tail.  With several entries for a key,
 * the first in the file wins (puts keep the first value, so only caches
 * written before they did can hold more than one).
 *
 * Compaction writes DIR/v1/cache.zst.tmp.PID, syncs it and renames it over
 * cache.zst while holding the exclusive flock on the old file, so a crash
 * leaves either file whole; the first lock a struct cache takes (to append
 * or compact) removes the temporary files whose process is gone.  Whoever takes the lock to append or compact
 * first checks that its descriptor is still the file at the path (st_dev,
 * st_ino) and otherwise opens the path again and indexes the new file
 * from the start; a miss does the same check before rescanning.  Until it
 * notices, a reader keeps reading the old file, which stays readable.
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
 * entries are skipped.  Returns NULL and fills d
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
 * Store value (a cache value object, whose "key" member must be the hex
 * of key) unless the cache holds a value for key already: the first writer
 * of a key wins, so every process sharing the cache emits the same value.
 * Under an exclusive flock it first indexes what others appended and cuts
 * a torn tail, then appends with one write; the entry is indexed, so a
 * later get finds it.  Returns 1 when value was stored; 0 when an earlier
 * value is kept, with a new reference to it in *stored (when stored is
 * not NULL; the caller should use it instead of its own); -1 with d set
 * (EX_IOERR, or EX_SOFTWARE for a read-only cache or a value whose "key"
 * does not match).  *stored is NULL unless 0 is returned.  value is
 * borrowed.
 */
int cache_put(struct cache *c, const unsigned char key[HASH_LEN],
    const json_t *value, json_t **stored, struct diag *d);

/*
 * Claims let processes sharing a cache pay for each call once.  Before
 * sending a request for key (after a miss), a process claims it; a second
 * process that finds the claim held waits, looking the key up now and
 * then (cache_get rescans what was appended), and claims it when the
 * holder lets go: after its put (then the get finds the value), after it
 * gave up, or when it died.  After winning a claim, look the key up once
 * more: the holder may have stored the value just before letting go.
 *
 * cache_claim returns 1 when the caller holds the claim now (also when
 * claims cannot be used: a read-only cache, a file system without record
 * locks), 0 when another open cache (another process) holds it.  The
 * claim is an OFD lock on a byte of DIR/v1/cache.claims, so the kernel
 * releases it when its owner releases it, closes the cache or dies.
 * cache_release gives a claim up (NULL-safe; a key not claimed is fine).
 * Claims never fail a run: they only save requests.
 */
int cache_claim(struct cache *c, const unsigned char key[HASH_LEN]);
void cache_release(struct cache *c, const unsigned char key[HASH_LEN]);

/*
 * fdatasync now if anything was written since the last one.  cache_put
 * also syncs when the last sync is 5 s old, and cache_close syncs.
 */
int cache_sync(struct cache *c, struct diag *d);

/*
 * Compact the cache: gather the single entries into packs, drop values a
 * later entry replaced and entries that do not decode, copy packs of 256
 * values or more as they are, and rename the result over the file; then
 * index the new file.  Does nothing unless force or the file holds at
 * least 256 single entries.  With force it waits for the lock; without,
 * it returns 0 at once when another process holds it (a short retry aside).
 * Stale temporary files of compactions that died are removed.  Returns 0
 * or -1 (d set: EX_SOFTWARE on a read-only cache, EX_CANTCREAT or
 * EX_IOERR); on -1 before the rename the old file is left as it was.
 */
int cache_compact(struct cache *c, int force, struct diag *d);

/*
 * Compact (as cache_compact without force, ignoring failures) if this
 * struct cache appended at least 256 entries, then sync and free
 * (NULL-safe).
 */
void cache_close(struct cache *c);

/* Number of distinct keys in the index (for tests and summaries). */
size_t cache_count(const struct cache *c);

#endif
