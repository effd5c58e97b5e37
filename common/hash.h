/* hash.h: SHA-256 and hex helpers. */
#ifndef JUDGEPIPE_HASH_H
#define JUDGEPIPE_HASH_H

#include <stddef.h>

#define HASH_LEN 32

/* out = SHA-256(p[0..n)). */
void hash_sha256(const void *p, size_t n, unsigned char out[HASH_LEN]);

/* Incremental SHA-256: hash_begin, hash_update..., hash_end (frees ctx). */
struct hash_ctx;
struct hash_ctx *hash_begin(void);
void hash_update(struct hash_ctx *c, const void *p, size_t n);
void hash_end(struct hash_ctx *c, unsigned char out[HASH_LEN]);

/*
 * out = SHA-256 of the bytes of file path (as stored: a compressed file
 * is hashed compressed).  Returns 0, or -1 when it cannot be read.
 */
int hash_file(const char *path, unsigned char out[HASH_LEN]);

/* Write n bytes as 2n lower-case hex digits and a NUL into out. */
void hash_hex(const unsigned char *p, size_t n, char *out);

/* Parse 2n hex digits into n bytes.  Returns 0, or -1 when not hex. */
int hash_unhex(const char *hex, size_t n, unsigned char *out);

/*
 * FNV-1a, 64-bit, for in-memory hash tables (not a digest): continue hash h
 * over p[0..n).  Start with HASH_FNV_INIT.
 */
#define HASH_FNV_INIT 0xcbf29ce484222325ULL
unsigned long long hash_fnv1a(unsigned long long h, const void *p, size_t n);

/* The first 8 bytes of p as a big-endian integer. */
unsigned long long hash_u64be(const unsigned char *p);

#endif
