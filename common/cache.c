/* cache.c: the append-only, zstd-framed response cache of SPEC 7. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>		/* ZSTD_CCtx, ZSTD_DCtx, frame inspection */

#include "buf.h"
#include "cache.h"
#include "jsonw.h"

/*
 * An entry is a skippable frame carrying the key, then one zstd frame:
 *
 *	u32le 0x184D2A5A | u32le 44 | "JPCACHE1" | key[32] | u32le L | frame[L]
 *
 * so "zstd -dc cache.zst" skips the headers and prints the values.
 */
#define ENT_MAGIC	0x184D2A5AU
#define ENT_SKIPLEN	44U
#define ENT_TAG		"JPCACHE1"
#define ENT_HDR		52		/* bytes before the zstd frame */
#define ENT_KEYOFF	16		/* offset of the key in the header */
#define ENT_LENOFF	48		/* offset of L in the header */

/* Nothing we store comes near these; larger entries count as corrupt. */
#define MAX_FRAME	(64U << 20)
#define MAX_VALUE	(256U << 20)

#define ZSTD_LEVEL	3
#define SCAN_CHUNK	(1 << 20)	/* read size while scanning */
#define GET_READ	8192		/* first read of a get: most entries */
#define SYNC_EVERY	5		/* seconds between fdatasyncs */
#define INDEX_MIN	1024		/* initial slots (a power of two) */

/*
 * One index slot: 16 bytes, so 110,000 entries take 4 MiB.  fp is the first
 * 8 bytes of the key (SHA-256 output, so uniformly spread); the rest of the
 * key is compared against the entry header in the file, which get reads
 * anyway.  pos is the entry's file offset plus one; 0 marks an empty slot.
 */
struct cache_slot {
	uint64_t fp;
	uint64_t pos;
};

/*
 * Not thread-safe: use one struct cache per thread.  Processes coordinate
 * through flock on the file; there is no other shared state.
 */
struct cache {
	char *dir;		/* DIR/v1 */
	char *path;		/* DIR/v1/cache.zst */
	int flags;
	int rfd;		/* O_RDONLY; -1 while a read-only one is absent */
	int wfd;		/* O_WRONLY|O_APPEND, -1 when read-only */
	off_t good;		/* scanned up to here: end of the last entry */
	struct cache_slot *slot;
	size_t cap;		/* slots, a power of two */
	size_t count;		/* distinct keys indexed */
	size_t corrupt;		/* entries the scans ignored */
	ZSTD_DCtx *dctx;
	ZSTD_CCtx *cctx;	/* created by the first put */
	struct buf rbuf;	/* bytes read from the file */
	off_t rbase;		/* file offset of rbuf.p[0] */
	struct buf vbuf;	/* a value as JSON text */
	struct buf wbuf;	/* an entry being written */
	struct timespec synced;	/* CLOCK_MONOTONIC of the last fdatasync */
	int dirty;		/* written since then */
};

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/* Read up to n bytes at off, stopping only at end of file.  -1 on error. */
static ssize_t
read_at(int fd, void *p, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)p + got, n - got,
		    off + (off_t)got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void
mono_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* ---- index --------------------------------------------------------- */

static void
index_init(struct cache *c, size_t cap)
{
	free(c->slot);
	c->slot = xcalloc(cap, sizeof(*c->slot));
	c->cap = cap;
	c->count = 0;
}

static void
index_grow(struct cache *c)
{
	struct cache_slot *old = c->slot;
	size_t oldcap = c->cap, i, j, mask;

	c->cap = oldcap * 2;
	c->slot = xcalloc(c->cap, sizeof(*c->slot));
	mask = c->cap - 1;
	/* The keys are distinct already, so each goes to its first gap. */
	for (i = 0; i < oldcap; i++) {
		if (old[i].pos == 0)
			continue;
		for (j = old[i].fp & mask; c->slot[j].pos != 0;
		    j = (j + 1) & mask)
			;
		c->slot[j] = old[i];
	}
	free(old);
}

/* Does the entry at off carry key?  (Only asked when fingerprints tie.) */
static int
entry_has_key(struct cache *c, off_t off, const unsigned char *key)
{
	unsigned char k[HASH_LEN];

	return read_at(c->rfd, k, HASH_LEN, off + ENT_KEYOFF) == HASH_LEN &&
	    memcmp(k, key, HASH_LEN) == 0;
}

/* Index key at off; a later entry for the same key replaces the earlier. */
static void
index_put(struct cache *c, const unsigned char *key, off_t off)
{
	uint64_t fp = hash_u64be(key);
	size_t i, mask;

	if ((c->count + 1) * 4 > c->cap * 3)
		index_grow(c);
	mask = c->cap - 1;
	for (i = fp & mask; c->slot[i].pos != 0; i = (i + 1) & mask) {
		if (c->slot[i].fp == fp &&
		    entry_has_key(c, (off_t)(c->slot[i].pos - 1), key)) {
			c->slot[i].pos = (uint64_t)off + 1;
			return;
		}
	}
	c->slot[i].fp = fp;
	c->slot[i].pos = (uint64_t)off + 1;
	c->count++;
}

/* ---- frames and values --------------------------------------------- */

/*
 * Decode one zstd frame of exactly n bytes into c->vbuf.  Returns 0, or -1
 * when it is not a single well-formed frame or fails its checksum.
 */
static int
frame_decode(struct cache *c, const void *f, size_t n)
{
	unsigned long long cs;
	size_t r;

	if (ZSTD_findFrameCompressedSize(f, n) != n)
		return -1;
	cs = ZSTD_getFrameContentSize(f, n);
	if (cs == ZSTD_CONTENTSIZE_UNKNOWN || cs == ZSTD_CONTENTSIZE_ERROR ||
	    cs > MAX_VALUE)
		return -1;
	buf_reset(&c->vbuf);
	buf_grow(&c->vbuf, (size_t)cs);
	r = ZSTD_decompressDCtx(c->dctx, c->vbuf.p, (size_t)cs, f, n);
	if (ZSTD_isError(r) || r != cs)
		return -1;
	c->vbuf.len = r;
	c->vbuf.p[r] = '\0';
	return 0;
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p is at '"': return the byte after the closing quote, or NULL. */
static const char *
skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\') {
			if (++p == e)
				return NULL;
		} else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Skip one JSON value without validating it; NULL when it is cut off. */
static const char *
skip_value(const char *p, const char *e)
{
	const char *s = p;
	int depth = 0;

	if (p == e)
		return NULL;
	if (*p == '"')
		return skip_string(p, e);
	if (*p != '{' && *p != '[') {
		while (p < e && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
			p++;
		return p == s ? NULL : p;
	}
	while (p < e) {
		if (*p == '"') {
			p = skip_string(p, e);
			if (p == NULL)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			depth--;
			if (depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

/*
 * Does the JSON object text carry the top-level member "key": "hex"?  A
 * walk over the members rather than a parse: the scan checks every entry
 * at open and must not pay for building 110,000 jansson trees.
 */
static int
text_has_key(const char *t, size_t n, const char *hex)
{
	const char *e = t + n, *p = skip_ws(t, e), *k, *ke;
	size_t hn = strlen(hex);

	if (p == e || *p != '{')
		return 0;
	for (p++;;) {
		p = skip_ws(p, e);
		if (p == e || *p != '"')
			return 0;
		k = p + 1;
		p = skip_string(p, e);
		if (p == NULL)
			return 0;
		ke = p - 1;	/* the closing quote of the member name */
		p = skip_ws(p, e);
		if (p == e || *p != ':')
			return 0;
		p = skip_ws(p + 1, e);
		if (ke - k == 3 && memcmp(k, "key", 3) == 0)
			return (size_t)(e - p) >= hn + 2 && p[0] == '"' &&
			    memcmp(p + 1, hex, hn) == 0 && p[hn + 1] == '"';
		p = skip_value(p, e);
		if (p == NULL)
			return 0;
		p = skip_ws(p, e);
		if (p == e || *p != ',')
			return 0;
		p++;
	}
}

/*
 * Is frame (n bytes) a valid entry for key?  Leaves the value text with its
 * "\n" in c->vbuf.
 */
static int
frame_valid(struct cache *c, const unsigned char *key, const void *f,
    size_t n)
{
	char hex[2 * HASH_LEN + 1];

	if (frame_decode(c, f, n) == -1 || c->vbuf.len == 0 ||
	    c->vbuf.p[c->vbuf.len - 1] != '\n')
		return 0;
	hash_hex(key, HASH_LEN, hex);
	return text_has_key(c->vbuf.p, c->vbuf.len - 1, hex);
}

/* Is h a well-formed entry header? */
static int
header_ok(const unsigned char *h)
{
	return get_le32(h) == ENT_MAGIC && get_le32(h + 4) == ENT_SKIPLEN &&
	    memcmp(h + 8, ENT_TAG, 8) == 0;
}

/* ---- scanning ------------------------------------------------------ */

/*
 * Make file bytes [off, off + n) available in c->rbuf, reading ahead up to
 * SCAN_CHUNK but never past end.  Returns 1 and *p, 0 when the file ends
 * first, -1 on a read error.
 */
static int
window(struct cache *c, off_t off, size_t n, off_t end,
    const unsigned char **p)
{
	size_t want;
	ssize_t got;

	if (off >= c->rbase && off - c->rbase <= (off_t)c->rbuf.len &&
	    (size_t)(off - c->rbase) + n <= c->rbuf.len) {
		*p = (unsigned char *)c->rbuf.p + (off - c->rbase);
		return 1;
	}
	if (end - off < (off_t)n)
		return 0;
	want = n > SCAN_CHUNK ? n : SCAN_CHUNK;
	if ((off_t)want > end - off)
		want = (size_t)(end - off);
	buf_reset(&c->rbuf);
	buf_grow(&c->rbuf, want);
	got = read_at(c->rfd, c->rbuf.p, want, off);
	if (got == -1)
		return -1;
	c->rbase = off;
	c->rbuf.len = (size_t)got;
	if ((size_t)got < n)
		return 0;
	*p = (unsigned char *)c->rbuf.p;
	return 1;
}

/*
 * Index the entries in [c->good, end) and move c->good past them.  An entry
 * that does not decode or whose key does not match is counted and skipped;
 * a torn tail (short or foreign header, or a frame running past end) stops
 * the scan with c->good at its start.
 */
static int
scan(struct cache *c, off_t end, struct diag *d)
{
	unsigned char key[HASH_LEN];
	const unsigned char *h, *f;
	off_t pos = c->good;
	uint32_t len;
	int r;

	/* Bytes past c->good may have been truncated and rewritten. */
	c->rbuf.len = 0;
	while (end - pos >= ENT_HDR) {
		r = window(c, pos, ENT_HDR, end, &h);
		if (r == 0)
			break;
		if (r == -1)
			goto fail;
		if (!header_ok(h))
			break;
		memcpy(key, h + ENT_KEYOFF, HASH_LEN);
		len = get_le32(h + ENT_LENOFF);
		if ((off_t)len > end - pos - ENT_HDR)
			break;
		if (len > MAX_FRAME) {
			c->corrupt++;
			pos += ENT_HDR + (off_t)len;
			continue;
		}
		r = window(c, pos + ENT_HDR, len, end, &f);
		if (r == 0)
			break;
		if (r == -1)
			goto fail;
		if (frame_valid(c, key, f, len))
			index_put(c, key, pos);
		else
			c->corrupt++;
		pos += ENT_HDR + (off_t)len;
	}
	c->good = pos;
	c->rbuf.len = 0;
	return 0;
fail:
	c->good = pos;
	c->rbuf.len = 0;
	return diag_set(d, EX_IOERR, NULL, 0, "cannot read '%s': %s",
	    c->path, strerror(errno));
}

/*
 * Forget everything: the file is shorter than what we indexed, so it was
 * replaced or cut by something that does not follow SPEC 7.
 */
static void
reset(struct cache *c)
{
	index_init(c, INDEX_MIN);
	c->good = 0;
}

/*
 * Index what other processes appended since the last scan.  Returns 1 when
 * the scan moved, 0 when there was nothing new, -1 on error.
 */
static int
refresh(struct cache *c, struct diag *d)
{
	struct stat st;
	off_t before;

	if (c->rfd == -1) {
		c->rfd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (c->rfd == -1)
			return errno == ENOENT || errno == ENOTDIR ? 0 :
			    diag_set(d, EX_NOINPUT, NULL, 0,
			    "cannot open '%s': %s", c->path, strerror(errno));
	}
	if (fstat(c->rfd, &st) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot stat '%s': %s",
		    c->path, strerror(errno));
	if (st.st_size < c->good)
		reset(c);
	if (st.st_size == c->good)
		return 0;
	before = c->good;
	if (scan(c, st.st_size, d) == -1)
		return -1;
	return c->good != before;
}

/* ---- lookup -------------------------------------------------------- */

/*
 * Read and decode the entry at off if it is for key.  Returns 1 and a new
 * reference in *value, 0 when the entry is not (or no longer) a valid entry
 * for key, -1 on a read error.
 */
static int
load(struct cache *c, off_t off, const unsigned char *key, json_t **value,
    struct diag *d)
{
	const unsigned char *h;
	char hex[2 * HASH_LEN + 1];
	json_t *v, *k;
	ssize_t got;
	size_t need;
	uint32_t len;

	buf_reset(&c->rbuf);
	buf_grow(&c->rbuf, ENT_HDR + GET_READ);
	c->rbase = off;
	got = read_at(c->rfd, c->rbuf.p, ENT_HDR + GET_READ, off);
	if (got == -1)
		goto fail;
	c->rbuf.len = (size_t)got;
	h = (unsigned char *)c->rbuf.p;
	if (got < ENT_HDR || !header_ok(h) ||
	    memcmp(h + ENT_KEYOFF, key, HASH_LEN) != 0)
		return 0;
	len = get_le32(h + ENT_LENOFF);
	if (len > MAX_FRAME)
		return 0;
	need = ENT_HDR + (size_t)len;
	if (c->rbuf.len < need) {
		buf_grow(&c->rbuf, need - c->rbuf.len);
		got = read_at(c->rfd, c->rbuf.p + c->rbuf.len,
		    need - c->rbuf.len, off + (off_t)c->rbuf.len);
		if (got == -1)
			goto fail;
		c->rbuf.len += (size_t)got;
		if (c->rbuf.len < need)
			return 0;
	}
	h = (unsigned char *)c->rbuf.p;
	if (frame_decode(c, h + ENT_HDR, len) == -1 || c->vbuf.len == 0 ||
	    c->vbuf.p[c->vbuf.len - 1] != '\n')
		return 0;
	v = json_loadb(c->vbuf.p, c->vbuf.len - 1, JSON_ALLOW_NUL, NULL);
	hash_hex(key, HASH_LEN, hex);
	k = json_object_get(v, "key");
	if (!json_is_string(k) || strcmp(json_string_value(k), hex) != 0) {
		json_decref(v);
		return 0;
	}
	*value = v;
	return 1;
fail:
	return diag_set(d, EX_IOERR, NULL, 0, "cannot read '%s': %s",
	    c->path, strerror(errno));
}

/* Probe the index for key.  Same returns as load. */
static int
lookup(struct cache *c, const unsigned char *key, json_t **value,
    struct diag *d)
{
	uint64_t fp = hash_u64be(key);
	size_t i, mask = c->cap - 1;
	int r;

	for (i = fp & mask; c->slot[i].pos != 0; i = (i + 1) & mask) {
		if (c->slot[i].fp != fp)
			continue;
		r = load(c, (off_t)(c->slot[i].pos - 1), key, value, d);
		if (r != 0)
			return r;
	}
	return 0;
}

int
cache_get(struct cache *c, const unsigned char key[HASH_LEN],
    json_t **value, struct diag *d)
{
	int r;

	*value = NULL;
	if (c->rfd != -1) {
		r = lookup(c, key, value, d);
		if (r != 0)
			return r;
	}
	/* Another process may have stored it since we last looked. */
	r = refresh(c, d);
	if (r <= 0)
		return r;
	return lookup(c, key, value, d);
}

size_t
cache_count(const struct cache *c)
{
	return c->count;
}

/* ---- writing ------------------------------------------------------- */

/*
 * Append the entry in c->wbuf.  The caller holds the exclusive lock, so no
 * other writer is half-way through an entry: anything after the last valid
 * entry is a torn tail left by a crash.  Other processes may have appended
 * since our last scan, so index their entries first; only then is c->good
 * the end of the last valid entry, and the torn tail can be cut.
 */
static int
append_locked(struct cache *c, const unsigned char *key, struct diag *d)
{
	struct stat st;
	ssize_t n;
	off_t end;

	if (fstat(c->wfd, &st) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot stat '%s': %s",
		    c->path, strerror(errno));
	if (st.st_size < c->good)
		reset(c);
	if (st.st_size > c->good && scan(c, st.st_size, d) == -1)
		return -1;
	if (st.st_size > c->good && ftruncate(c->wfd, c->good) == -1)
		return diag_set(d, EX_IOERR, NULL, 0,
		    "cannot truncate torn tail of '%s': %s", c->path,
		    strerror(errno));
	do
		n = write(c->wfd, c->wbuf.p, c->wbuf.len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot write '%s': %s",
		    c->path, strerror(errno));
	if (n != (ssize_t)c->wbuf.len) {
		/* Leave no torn tail of our own behind if we can help it. */
		if (n > 0 && ftruncate(c->wfd, c->good) == -1)
			return diag_set(d, EX_IOERR, NULL, 0, "cannot write "
			    "'%s': short write, and cannot truncate: %s",
			    c->path, strerror(errno));
		return diag_set(d, EX_IOERR, NULL, 0,
		    "cannot write '%s': short write", c->path);
	}
	c->dirty = 1;
	/*
	 * O_APPEND leaves the offset at the end of our entry, which tells
	 * where it went even if something wrote without the lock.  If it did
	 * not go at c->good, the next scan will index it.
	 */
	end = lseek(c->wfd, 0, SEEK_CUR);
	if (end == c->good + (off_t)n) {
		index_put(c, key, c->good);
		c->good = end;
	}
	return 0;
}

int
cache_put(struct cache *c, const unsigned char key[HASH_LEN],
    const json_t *value, struct diag *d)
{
	char hex[2 * HASH_LEN + 1];
	unsigned char *h;
	json_t *k;
	size_t bound, n;
	struct timespec now;
	int r;

	if (c->wfd == -1)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cache '%s' is open read-only", c->path);
	hash_hex(key, HASH_LEN, hex);
	k = json_object_get(value, "key");
	if (!json_is_string(k) || strcmp(json_string_value(k), hex) != 0)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cache value has no 'key' member '%s'", hex);
	buf_reset(&c->vbuf);
	jsonw_dump(&c->vbuf, value, 0);
	buf_addc(&c->vbuf, '\n');
	if (c->vbuf.len > MAX_VALUE)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cache value of %zu bytes is too large", c->vbuf.len);

	if (c->cctx == NULL) {
		c->cctx = ZSTD_createCCtx();
		if (c->cctx == NULL)
			abort();
		ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel,
		    ZSTD_LEVEL);
		ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_contentSizeFlag, 1);
		ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 1);
	}
	bound = ZSTD_compressBound(c->vbuf.len);
	buf_reset(&c->wbuf);
	buf_grow(&c->wbuf, ENT_HDR + bound);
	h = (unsigned char *)c->wbuf.p;
	n = ZSTD_compress2(c->cctx, h + ENT_HDR, bound, c->vbuf.p,
	    c->vbuf.len);
	if (ZSTD_isError(n) || n > MAX_FRAME)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot compress cache value: %s",
		    ZSTD_isError(n) ? ZSTD_getErrorName(n) : "too large");
	put_le32(h, ENT_MAGIC);
	put_le32(h + 4, ENT_SKIPLEN);
	memcpy(h + 8, ENT_TAG, 8);
	memcpy(h + ENT_KEYOFF, key, HASH_LEN);
	put_le32(h + ENT_LENOFF, (uint32_t)n);
	c->wbuf.len = ENT_HDR + n;

	while (flock(c->wfd, LOCK_EX) == -1) {
		if (errno != EINTR)
			return diag_set(d, EX_IOERR, NULL, 0,
			    "cannot lock '%s': %s", c->path, strerror(errno));
	}
	r = append_locked(c, key, d);
	flock(c->wfd, LOCK_UN);
	if (r == -1)
		return -1;

	/* NEEDSWORK: a burst that then goes quiet waits for close. */
	mono_now(&now);
	if (now.tv_sec - c->synced.tv_sec >= SYNC_EVERY)
		return cache_sync(c, d);
	return 0;
}

int
cache_sync(struct cache *c, struct diag *d)
{
	if (c->wfd == -1 || !c->dirty)
		return 0;
	mono_now(&c->synced);
	if (fdatasync(c->wfd) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot sync '%s': %s",
		    c->path, strerror(errno));
	c->dirty = 0;
	return 0;
}

/* ---- open and close ------------------------------------------------ */

/* mkdir -p with mode for every directory it creates. */
static int
mkdirs(char *path, mode_t mode)
{
	struct stat st;
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) == -1 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) == -1 && errno != EEXIST)
		return -1;
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static void warn_add(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Add a warning to w, after "; " if there is one already. */
static void
warn_add(struct buf *w, const char *fmt, ...)
{
	char msg[PATH_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->len > 0)
		buf_adds(w, "; ");
	buf_adds(w, msg);
}

/*
 * Scan at open.  If the scan ends in a torn tail, look again holding a
 * shared lock, which no writer holds while it is half-way through an
 * entry: a tail still torn then is left by a crash and worth a warning.
 */
static int
initial_scan(struct cache *c, struct buf *w, struct diag *d)
{
	struct stat st;
	off_t torn = 0;

	if (fstat(c->rfd, &st) == -1)
		return diag_set(d, EX_NOINPUT, NULL, 0, "cannot stat '%s': %s",
		    c->path, strerror(errno));
	if ((st.st_mode & 077) != 0)
		warn_add(w, "cache file '%s' is accessible by group or others",
		    c->path);
	if (scan(c, st.st_size, d) == -1)
		return -1;
	if (c->good < st.st_size && flock(c->rfd, LOCK_SH | LOCK_NB) == 0) {
		if (fstat(c->rfd, &st) == 0 && st.st_size > c->good &&
		    scan(c, st.st_size, NULL) == 0)
			torn = st.st_size - c->good;
		flock(c->rfd, LOCK_UN);
	}
	if (c->corrupt > 0)
		warn_add(w, "cache file '%s': ignored %zu corrupt %s", c->path,
		    c->corrupt, c->corrupt == 1 ? "entry" : "entries");
	if (torn > 0)
		warn_add(w, "cache file '%s': ignored a torn tail of %lld "
		    "bytes", c->path, (long long)torn);
	return 0;
}

struct cache *
cache_open(const char *dir, int flags, char **warning, struct diag *d)
{
	struct cache *c;
	struct buf w;
	struct stat st;

	if (warning != NULL)
		*warning = NULL;
	if (*dir == '\0') {
		diag_set(d, EX_CANTCREAT, NULL, 0,
		    "empty cache directory name");
		return NULL;
	}
	buf_init(&w);
	c = xcalloc(1, sizeof(*c));
	c->flags = flags;
	c->rfd = c->wfd = -1;
	buf_init(&c->rbuf);
	buf_init(&c->vbuf);
	buf_init(&c->wbuf);
	index_init(c, INDEX_MIN);
	c->dctx = ZSTD_createDCtx();
	if (c->dctx == NULL)
		abort();
	mono_now(&c->synced);
	buf_printf(&w, "%s/v1", dir);
	c->dir = buf_detach(&w, NULL);
	buf_printf(&w, "%s/cache.zst", c->dir);
	c->path = buf_detach(&w, NULL);

	if (!(flags & CACHE_READONLY)) {
		if (mkdirs(c->dir, 0700) == -1) {
			diag_set(d, EX_CANTCREAT, NULL, 0,
			    "cannot create cache directory '%s': %s", c->dir,
			    strerror(errno));
			goto fail;
		}
		c->wfd = open(c->path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600);
		if (c->wfd == -1) {
			diag_set(d, EX_CANTCREAT, NULL, 0,
			    "cannot create '%s': %s", c->path,
			    strerror(errno));
			goto fail;
		}
	}
	c->rfd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->rfd == -1 && !((flags & CACHE_READONLY) &&
	    (errno == ENOENT || errno == ENOTDIR))) {
		diag_set(d, EX_NOINPUT, NULL, 0, "cannot open '%s': %s",
		    c->path, strerror(errno));
		goto fail;
	}
	if (stat(c->dir, &st) == 0 && (st.st_mode & 077) != 0)
		warn_add(&w, "cache directory '%s' is accessible by group or "
		    "others", c->dir);
	if (c->rfd != -1 && initial_scan(c, &w, d) == -1)
		goto fail;
	if (w.len > 0 && warning != NULL)
		*warning = buf_detach(&w, NULL);
	buf_release(&w);
	return c;
fail:
	buf_release(&w);
	cache_close(c);
	return NULL;
}

void
cache_close(struct cache *c)
{
	if (c == NULL)
		return;
	cache_sync(c, NULL);
	if (c->wfd != -1)
		close(c->wfd);
	if (c->rfd != -1)
		close(c->rfd);
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	buf_release(&c->rbuf);
	buf_release(&c->vbuf);
	buf_release(&c->wbuf);
	free(c->slot);
	free(c->dir);
	free(c->path);
	free(c);
}

/* ---- default location ---------------------------------------------- */

char *
cache_default_dir(void)
{
	const char *s = getenv("JUDGEPIPE_CACHE");
	const struct passwd *pw;
	struct buf b;

	if (s != NULL && *s != '\0')
		return xstrdup(s);
	buf_init(&b);
	/* The XDG spec says to ignore a relative $XDG_CACHE_HOME. */
	s = getenv("XDG_CACHE_HOME");
	if (s != NULL && *s == '/') {
		buf_printf(&b, "%s/judgepipe", s);
		return buf_detach(&b, NULL);
	}
	s = getenv("HOME");
	if (s == NULL || *s == '\0') {
		pw = getpwuid(getuid());
		s = pw != NULL ? pw->pw_dir : NULL;
	}
	if (s != NULL && *s != '\0')
		buf_printf(&b, "%s/.cache/judgepipe", s);
	else
		buf_adds(&b, ".cache/judgepipe");
	return buf_detach(&b, NULL);
}
