/* cache.c: the append-only, zstd-framed response cache. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
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
 * The file holds two kinds of entry (cache.h has the whole format).  A
 * single entry is a skippable frame carrying the key, then one zstd frame:
 *
 *	u32le 0x184D2A5A | u32le 44 | "JPCACHE1" | key[32] | u32le L | frame[L]
 *
 * A pack, written only by compaction, holds count values in one frame:
 *
 *	u32le 0x184D2A5A | u32le 16 | "JPCACHP1" | u32le count | u32le L |
 *	frame[L]
 *
 * so "zstd -dc cache.zst" skips the headers and prints the values.
 */
#define ENT_MAGIC	0x184D2A5AU
#define ENT_SKIPLEN	44U
#define ENT_TAG		"JPCACHE1"
#define ENT_HDR		52		/* bytes before the zstd frame */
#define ENT_KEYOFF	16		/* offset of the key in the header */
#define ENT_LENOFF	48		/* offset of L in the header */
#define PACK_SKIPLEN	16U
#define PACK_TAG	"JPCACHP1"
#define PACK_HDR	24
#define PACK_CNTOFF	16		/* offset of count in the header */
#define PACK_LENOFF	20		/* offset of L in the header */
#define TAG_LEN		8
#define MAGIC_LEN	8		/* magic and skippable length */

/* Nothing we store comes near these; larger entries count as corrupt. */
#define MAX_FRAME	(64U << 20)
#define MAX_VALUE	(256U << 20)
#define PACK_LINES	0xffffU		/* values a pack may hold: 16 bits */

/*
 * Compaction writes packs of up to PACK_VALUES values and about PACK_BYTES
 * of text: 512 judge replies of 400 bytes compress to some 15%, and a get
 * in a random order decodes one pack, so packs stay small.  An existing
 * pack of fewer than PACK_KEEP values, or with values that a later entry
 * replaced, is packed again; others are copied as they are.
 */
#define PACK_VALUES	512
#define PACK_BYTES	(256U << 10)
#define PACK_KEEP	256
#define PACK_LEVEL	3
#define COMPACT_MIN	256		/* single entries that make it worth it */
#define COMPACT_TRIES	10		/* non-blocking lock attempts ... */
#define COMPACT_WAIT	5000		/* ... this many us apart */
#define OUT_CHUNK	(1 << 20)	/* compaction's write size */
#define TMP_PREFIX	"cache.zst.tmp."

#define ZSTD_LEVEL	3
#define SCAN_CHUNK	(1 << 20)	/* read size while scanning */
#define GET_READ	8192		/* first read of a get: most entries */
#define SYNC_EVERY	5		/* seconds between fdatasyncs */
#define INDEX_MIN	1024		/* initial slots (a power of two) */
#define PACK_MEMO	4		/* decoded packs kept for gets */

/*
 * One index slot: 16 bytes, so 110,000 entries take 4 MiB.  fp is the first
 * 8 bytes of the key (SHA-256 output, so uniformly spread); the rest of the
 * key is compared against the entry in the file, which get reads anyway.
 * pos is POS(offset, line): the entry's file offset plus one in the high 48
 * bits, and in the low 16 bits 0 for a single entry or n + 1 for value n of
 * a pack.  pos 0 marks an empty slot.
 */
struct cache_slot {
	uint64_t fp;
	uint64_t pos;
};

#define POS(off, line)	(((uint64_t)(off) + 1) << 16 | (uint64_t)(line))
#define POS_OFF(pos)	((off_t)((pos) >> 16) - 1)
#define POS_LINE(pos)	((size_t)((pos) & 0xffff))

/* A decoded pack, kept so that sequential gets decode each pack once. */
struct pack_memo {
	off_t off;		/* the pack's offset, -1 when unused */
	struct buf text;	/* its values, each ending in "\n" */
	size_t *line;		/* value n is text[line[n], line[n + 1]) */
	size_t count;		/* values */
	size_t cap;		/* entries allocated in line */
	unsigned long used;	/* c->tick at its last use */
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
	size_t singles;		/* valid single entries in the file */
	size_t appended;	/* entries this struct cache appended */
	ZSTD_DCtx *dctx;
	ZSTD_CCtx *cctx;	/* created by the first put */
	struct buf rbuf;	/* bytes read from the file */
	off_t rbase;		/* file offset of rbuf.p[0] */
	struct buf vbuf;	/* a value (or a pack's values) as JSON text */
	struct buf wbuf;	/* an entry being written */
	size_t *sline;		/* line starts of the pack in vbuf */
	size_t slcap;
	struct buf praw;	/* a pack's frame, read for a get */
	struct pack_memo memo[PACK_MEMO];
	unsigned long tick;
	struct timespec synced;	/* CLOCK_MONOTONIC of the last fdatasync */
	int dirty;		/* written since then */
	int swept;		/* stale temporary files removed once */
	char *claims;		/* DIR/v1/cache.claims */
	int cfd;		/* O_RDWR on it, -1 until the first claim */
	int no_claims;		/* claims failed once: do without them */
};

static void remove_stale_tmp(struct cache *);

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

/* Write all n bytes.  -1 on error (errno set; EIO for a zero write). */
static int
write_all(int fd, const void *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static void
mono_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static void
cctx_level(struct cache *c, int level)
{
	if (c->cctx == NULL) {
		c->cctx = ZSTD_createCCtx();
		if (c->cctx == NULL)
			abort();
		ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_contentSizeFlag, 1);
		ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 1);
	}
	ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, level);
}

/* ---- frames and values --------------------------------------------- */

/*
 * Decode one zstd frame of exactly n bytes into out.  Returns 0, or -1 when
 * it is not a single well-formed frame or fails its checksum.
 */
static int
frame_decode(struct cache *c, struct buf *out, const void *f, size_t n)
{
	unsigned long long cs;
	size_t r;

	if (ZSTD_findFrameCompressedSize(f, n) != n)
		return -1;
	cs = ZSTD_getFrameContentSize(f, n);
	if (cs == ZSTD_CONTENTSIZE_UNKNOWN || cs == ZSTD_CONTENTSIZE_ERROR ||
	    cs > MAX_VALUE)
		return -1;
	buf_reset(out);
	buf_grow(out, (size_t)cs);
	r = ZSTD_decompressDCtx(c->dctx, out->p, (size_t)cs, f, n);
	if (ZSTD_isError(r) || r != cs) {
		out->len = 0;
		out->p[0] = '\0';
		return -1;
	}
	out->len = r;
	out->p[r] = '\0';
	return 0;
}

/*
 * Find the start of each of the count lines of t (a pack's values) and
 * store them in *line (grown as needed), with line[count] = t->len.
 * Returns 0, or -1 when t is not exactly count "\n"-terminated lines.
 */
static int
split_lines(const struct buf *t, size_t count, size_t **line, size_t *cap)
{
	const char *p = t->p, *e = t->p + t->len, *nl;
	size_t n;

	if (*cap < count + 1) {
		*line = xrealloc(*line, (count + 1) * sizeof(**line));
		*cap = count + 1;
	}
	for (n = 0; p < e; n++) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL || n == count)
			return -1;
		(*line)[n] = (size_t)(p - t->p);
		p = nl + 1;
	}
	if (n != count)
		return -1;
	(*line)[n] = t->len;
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
 * The value of the top-level member "key" of the JSON object text t, or
 * NULL.  A walk over the members rather than a parse: the scan checks every
 * entry at open and must not pay for building 110,000 jansson trees.
 */
static const char *
key_member(const char *t, size_t n)
{
	const char *e = t + n, *p = skip_ws(t, e), *k, *ke;

	if (p == e || *p != '{')
		return NULL;
	for (p++;;) {
		p = skip_ws(p, e);
		if (p == e || *p != '"')
			return NULL;
		k = p + 1;
		p = skip_string(p, e);
		if (p == NULL)
			return NULL;
		ke = p - 1;	/* the closing quote of the member name */
		p = skip_ws(p, e);
		if (p == e || *p != ':')
			return NULL;
		p = skip_ws(p + 1, e);
		if (ke - k == 3 && memcmp(k, "key", 3) == 0)
			return p;
		p = skip_value(p, e);
		if (p == NULL)
			return NULL;
		p = skip_ws(p, e);
		if (p == e || *p != ',')
			return NULL;
		p++;
	}
}

/* Does the JSON object text carry the top-level member "key": "hex"? */
static int
text_has_key(const char *t, size_t n, const char *hex)
{
	const char *p = key_member(t, n);
	size_t hn = strlen(hex);

	return p != NULL && (size_t)(t + n - p) >= hn + 2 && p[0] == '"' &&
	    memcmp(p + 1, hex, hn) == 0 && p[hn + 1] == '"';
}

/*
 * Read the key of the JSON object text into key.  Returns 0, or -1 when its
 * "key" member is not a string of 64 lower-case hex digits.
 */
static int
text_key(const char *t, size_t n, unsigned char *key)
{
	const char *p = key_member(t, n);
	char hex[2 * HASH_LEN + 1];

	if (p == NULL || (size_t)(t + n - p) < 2 * HASH_LEN + 2 ||
	    p[0] != '"' || p[2 * HASH_LEN + 1] != '"' ||
	    hash_unhex(p + 1, HASH_LEN, key) == -1)
		return -1;
	/* Upper-case hex would never match a lookup's key check. */
	hash_hex(key, HASH_LEN, hex);
	return memcmp(hex, p + 1, 2 * HASH_LEN) == 0 ? 0 : -1;
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

	if (frame_decode(c, &c->vbuf, f, n) == -1 || c->vbuf.len == 0 ||
	    c->vbuf.p[c->vbuf.len - 1] != '\n')
		return 0;
	hash_hex(key, HASH_LEN, hex);
	return text_has_key(c->vbuf.p, c->vbuf.len - 1, hex);
}

/*
 * Parse the value text t (n bytes, without its "\n") if it is the value for
 * key.  Returns 1 and a new reference in *value, or 0.
 */
static int
value_parse(const char *t, size_t n, const unsigned char *key,
    json_t **value)
{
	char hex[2 * HASH_LEN + 1];
	json_t *v, *k;

	v = json_loadb(t, n, JSON_ALLOW_NUL, NULL);
	hash_hex(key, HASH_LEN, hex);
	k = json_object_get(v, "key");
	if (!json_is_string(k) || strcmp(json_string_value(k), hex) != 0) {
		json_decref(v);
		return 0;
	}
	*value = v;
	return 1;
}

/* Is h (ENT_HDR bytes) a well-formed single entry header? */
static int
header_ok(const unsigned char *h)
{
	return get_le32(h) == ENT_MAGIC && get_le32(h + 4) == ENT_SKIPLEN &&
	    memcmp(h + 8, ENT_TAG, TAG_LEN) == 0;
}

/* Is h (PACK_HDR bytes) a well-formed pack header? */
static int
pack_header_ok(const unsigned char *h)
{
	return get_le32(h) == ENT_MAGIC && get_le32(h + 4) == PACK_SKIPLEN &&
	    memcmp(h + 8, PACK_TAG, TAG_LEN) == 0;
}

static void
pack_header(unsigned char *h, uint32_t count, uint32_t len)
{
	put_le32(h, ENT_MAGIC);
	put_le32(h + 4, PACK_SKIPLEN);
	memcpy(h + 8, PACK_TAG, TAG_LEN);
	put_le32(h + PACK_CNTOFF, count);
	put_le32(h + PACK_LENOFF, len);
}

/* ---- decoded packs ------------------------------------------------- */

static void
memo_clear(struct cache *c)
{
	size_t i;

	for (i = 0; i < PACK_MEMO; i++)
		c->memo[i].off = -1;
}

/*
 * Decode the pack at off, or find it decoded already.  Returns 1 and *m, 0
 * when there is no valid pack at off, -1 on a read error.
 */
static int
pack_get(struct cache *c, off_t off, struct pack_memo **m)
{
	unsigned char h[PACK_HDR];
	struct pack_memo *v = &c->memo[0];
	uint32_t count, len;
	ssize_t got;
	size_t i;

	for (i = 0; i < PACK_MEMO; i++) {
		if (c->memo[i].off == off) {
			c->memo[i].used = ++c->tick;
			*m = &c->memo[i];
			return 1;
		}
		if (c->memo[i].used < v->used)
			v = &c->memo[i];
	}
	v->off = -1;
	got = read_at(c->rfd, h, PACK_HDR, off);
	if (got == -1)
		return -1;
	if (got < PACK_HDR || !pack_header_ok(h))
		return 0;
	count = get_le32(h + PACK_CNTOFF);
	len = get_le32(h + PACK_LENOFF);
	if (count == 0 || count > PACK_LINES || len > MAX_FRAME)
		return 0;
	buf_reset(&c->praw);
	buf_grow(&c->praw, len);
	got = read_at(c->rfd, c->praw.p, len, off + PACK_HDR);
	if (got == -1)
		return -1;
	if ((size_t)got < len ||
	    frame_decode(c, &v->text, c->praw.p, len) == -1 ||
	    split_lines(&v->text, count, &v->line, &v->cap) == -1)
		return 0;
	v->off = off;
	v->count = count;
	v->used = ++c->tick;
	*m = v;
	return 1;
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

/*
 * Does the entry at pos carry key?  (Only asked when fingerprints tie.)  It
 * uses read_at and the pack memo, never rbuf or vbuf, so a scan can ask.
 */
static int
entry_has_key(struct cache *c, uint64_t pos, const unsigned char *key)
{
	unsigned char k[HASH_LEN];
	struct pack_memo *m;
	size_t n = POS_LINE(pos);

	if (n == 0)
		return read_at(c->rfd, k, HASH_LEN, POS_OFF(pos) +
		    ENT_KEYOFF) == HASH_LEN && memcmp(k, key, HASH_LEN) == 0;
	return pack_get(c, POS_OFF(pos), &m) == 1 && n <= m->count &&
	    text_key(m->text.p + m->line[n - 1], m->line[n] -
	    m->line[n - 1] - 1, k) == 0 && memcmp(k, key, HASH_LEN) == 0;
}

/*
 * Index key at pos unless it is indexed already: the first entry for a key
 * wins, as a put of a key the file holds keeps the earlier value.
 */
static void
index_put(struct cache *c, const unsigned char *key, uint64_t pos)
{
	uint64_t fp = hash_u64be(key);
	size_t i, mask;

	if ((c->count + 1) * 4 > c->cap * 3)
		index_grow(c);
	mask = c->cap - 1;
	for (i = fp & mask; c->slot[i].pos != 0; i = (i + 1) & mask)
		if (c->slot[i].fp == fp &&
		    entry_has_key(c, c->slot[i].pos, key))
			return;
	c->slot[i].fp = fp;
	c->slot[i].pos = pos;
	c->count++;
}

/*
 * Is the entry (or pack value) at pos the one the index holds for key?  No
 * I/O: a slot with key's fingerprint that points at pos was indexed from
 * the entry at pos, so it is key's.
 */
static int
index_holds(const struct cache *c, const unsigned char *key, uint64_t pos)
{
	uint64_t fp = hash_u64be(key);
	size_t i, mask = c->cap - 1;

	for (i = fp & mask; c->slot[i].pos != 0; i = (i + 1) & mask)
		if (c->slot[i].fp == fp && c->slot[i].pos == pos)
			return 1;
	return 0;
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

/* An entry as the file holds it; frame points into c->rbuf. */
struct entry {
	off_t off;		/* of its header */
	off_t end;		/* of its frame */
	int pack;
	uint32_t count;		/* values: 1 for a single entry */
	uint32_t len;		/* of the frame */
	unsigned char key[HASH_LEN];	/* of a single entry */
	const unsigned char *frame;	/* NULL when too large to be ours */
};

/*
 * Read the header and frame of the entry at pos.  Returns 1 and *e, 0 at a
 * torn tail (short or foreign header, or a frame running past end), -1 on a
 * read error.
 */
static int
entry_read(struct cache *c, off_t pos, off_t end, struct entry *e)
{
	const unsigned char *h;
	size_t hdr;
	int r;

	r = window(c, pos, MAGIC_LEN, end, &h);
	if (r != 1)
		return r;
	if (get_le32(h) != ENT_MAGIC)
		return 0;
	e->pack = get_le32(h + 4) == PACK_SKIPLEN;
	hdr = e->pack ? PACK_HDR : ENT_HDR;
	r = window(c, pos, hdr, end, &h);
	if (r != 1)
		return r;
	if (e->pack && pack_header_ok(h)) {
		e->count = get_le32(h + PACK_CNTOFF);
		e->len = get_le32(h + PACK_LENOFF);
	} else if (!e->pack && header_ok(h)) {
		e->count = 1;
		memcpy(e->key, h + ENT_KEYOFF, HASH_LEN);
		e->len = get_le32(h + ENT_LENOFF);
	} else
		return 0;
	if ((off_t)e->len > end - pos - (off_t)hdr)
		return 0;
	e->off = pos;
	e->end = pos + (off_t)hdr + (off_t)e->len;
	e->frame = NULL;
	if (e->len > MAX_FRAME)
		return 1;
	return window(c, pos + (off_t)hdr, e->len, end, &e->frame);
}

/*
 * Decode the pack e into c->vbuf and its line starts into c->sline.
 * Returns 0, or -1 when it does not decode or holds the wrong count.
 */
static int
pack_decode(struct cache *c, const struct entry *e)
{
	if (e->frame == NULL || e->count == 0 || e->count > PACK_LINES)
		return -1;
	if (frame_decode(c, &c->vbuf, e->frame, e->len) == -1)
		return -1;
	return split_lines(&c->vbuf, e->count, &c->sline, &c->slcap);
}

/* Index the values of pack e; a pack that does not decode is one error. */
static void
scan_pack(struct cache *c, const struct entry *e)
{
	unsigned char key[HASH_LEN];
	size_t n;

	if (pack_decode(c, e) == -1) {
		c->corrupt++;
		return;
	}
	for (n = 0; n < e->count; n++) {
		if (text_key(c->vbuf.p + c->sline[n], c->sline[n + 1] -
		    c->sline[n] - 1, key) == 0)
			index_put(c, key, POS(e->off, n + 1));
		else
			c->corrupt++;
	}
}

/*
 * Index the entries in [c->good, end) and move c->good past them.  An entry
 * that does not decode or whose key does not match is counted and skipped;
 * a torn tail stops the scan with c->good at its start.
 */
static int
scan(struct cache *c, off_t end, struct diag *d)
{
	struct entry e;
	off_t pos = c->good;
	int r;

	/* Bytes past c->good may have been truncated and rewritten. */
	c->rbuf.len = 0;
	for (;;) {
		r = entry_read(c, pos, end, &e);
		if (r == 0)
			break;
		if (r == -1)
			goto fail;
		if (e.pack)
			scan_pack(c, &e);
		else if (e.frame != NULL && frame_valid(c, e.key, e.frame,
		    e.len)) {
			index_put(c, e.key, POS(pos, 0));
			c->singles++;
		} else
			c->corrupt++;
		pos = e.end;
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
 * Forget everything: the file is shorter than what we indexed, or another
 * file took its name.
 */
static void
reset(struct cache *c)
{
	index_init(c, INDEX_MIN);
	memo_clear(c);
	c->good = 0;
	c->singles = 0;
}

/*
 * Are our descriptors still the file at c->path?  Compaction renames a new
 * file over it.  Returns 1, 0 when they are not (or the name is gone), -1
 * on error.
 */
static int
current(struct cache *c, struct diag *d)
{
	struct stat sp, sf;

	if (stat(c->path, &sp) == -1)
		return errno == ENOENT ? 0 : diag_set(d, EX_IOERR, NULL, 0,
		    "cannot stat '%s': %s", c->path, strerror(errno));
	if (c->wfd != -1 && (fstat(c->wfd, &sf) == -1 ||
	    sf.st_dev != sp.st_dev || sf.st_ino != sp.st_ino))
		return 0;
	if (c->rfd == -1 || fstat(c->rfd, &sf) == -1 ||
	    sf.st_dev != sp.st_dev || sf.st_ino != sp.st_ino)
		return 0;
	return 1;
}

/*
 * Open (or open again) the descriptors on c->path and empty the index, so
 * that the next scan reads the whole file.  A read-only cache whose file is
 * missing gets rfd -1.
 */
static int
reopen(struct cache *c, struct diag *d)
{
	if (c->wfd != -1)
		close(c->wfd);
	if (c->rfd != -1)
		close(c->rfd);
	c->wfd = c->rfd = -1;
	reset(c);
	/*
	 * What we wrote to the old file went to the new one through the
	 * compaction that replaced it, which synced it.
	 */
	c->dirty = 0;
	if (!(c->flags & CACHE_READONLY)) {
		c->wfd = open(c->path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600);
		if (c->wfd == -1)
			return diag_set(d, EX_CANTCREAT, NULL, 0,
			    "cannot create '%s': %s", c->path,
			    strerror(errno));
	}
	c->rfd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->rfd == -1 && !((c->flags & CACHE_READONLY) &&
	    (errno == ENOENT || errno == ENOTDIR)))
		return diag_set(d, EX_NOINPUT, NULL, 0,
		    "cannot open '%s': %s", c->path, strerror(errno));
	return 0;
}

/*
 * Index what other processes appended since the last scan, first opening
 * the file again if a compaction replaced it.  Returns 1 when the scan
 * moved, 0 when there was nothing new, -1 on error.
 */
static int
refresh(struct cache *c, struct diag *d)
{
	struct stat st;
	off_t before;
	int r;

	if (c->rfd == -1) {
		c->rfd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (c->rfd == -1)
			return errno == ENOENT || errno == ENOTDIR ? 0 :
			    diag_set(d, EX_NOINPUT, NULL, 0,
			    "cannot open '%s': %s", c->path, strerror(errno));
	} else {
		r = current(c, d);
		if (r == -1 || (r == 0 && reopen(c, d) == -1))
			return -1;
		if (c->rfd == -1)
			return 0;
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
 * Read and decode the single entry at off if it is for key.  Returns 1 and
 * a new reference in *value, 0 when the entry is not (or no longer) a valid
 * entry for key, -1 on a read error.
 */
static int
load(struct cache *c, off_t off, const unsigned char *key, json_t **value,
    struct diag *d)
{
	const unsigned char *h;
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
	if (frame_decode(c, &c->vbuf, h + ENT_HDR, len) == -1 ||
	    c->vbuf.len == 0 || c->vbuf.p[c->vbuf.len - 1] != '\n')
		return 0;
	return value_parse(c->vbuf.p, c->vbuf.len - 1, key, value);
fail:
	return diag_set(d, EX_IOERR, NULL, 0, "cannot read '%s': %s",
	    c->path, strerror(errno));
}

/* Value n (from 1) of the pack at off, if it is for key.  As load. */
static int
load_packed(struct cache *c, off_t off, size_t n, const unsigned char *key,
    json_t **value, struct diag *d)
{
	struct pack_memo *m;
	int r;

	r = pack_get(c, off, &m);
	if (r == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot read '%s': %s",
		    c->path, strerror(errno));
	if (r == 0 || n > m->count)
		return 0;
	return value_parse(m->text.p + m->line[n - 1], m->line[n] -
	    m->line[n - 1] - 1, key, value);
}

/* Probe the index for key.  Same returns as load. */
static int
lookup(struct cache *c, const unsigned char *key, json_t **value,
    struct diag *d)
{
	uint64_t fp = hash_u64be(key), pos;
	size_t i, mask = c->cap - 1;
	int r;

	for (i = fp & mask; c->slot[i].pos != 0; i = (i + 1) & mask) {
		if (c->slot[i].fp != fp)
			continue;
		pos = c->slot[i].pos;
		if (POS_LINE(pos) == 0)
			r = load(c, POS_OFF(pos), key, value, d);
		else
			r = load_packed(c, POS_OFF(pos), POS_LINE(pos), key,
			    value, d);
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
 * Take the exclusive lock on the file at c->path (how is LOCK_EX, maybe
 * with LOCK_NB).  A compaction renames a new file over the one we hold
 * while it holds the lock, so after locking, check that our file still has
 * the name; if not, open the new one and lock again.  Returns 1 locked, 0
 * when LOCK_NB found it busy, -1 on error.
 */
static int
lock_current(struct cache *c, int how, struct diag *d)
{
	int r;

	for (;;) {
		if (c->wfd == -1 && reopen(c, d) == -1)
			return -1;
		while (flock(c->wfd, how) == -1) {
			if (errno == EWOULDBLOCK)
				return 0;
			if (errno != EINTR)
				return diag_set(d, EX_IOERR, NULL, 0,
				    "cannot lock '%s': %s", c->path,
				    strerror(errno));
		}
		r = current(c, d);
		if (r == 1 && !c->swept) {
			/*
			 * A compaction killed half-way leaves its temporary
			 * file; the first lock of each session sweeps them, so
			 * they do not wait for the next compaction.
			 */
			remove_stale_tmp(c);
			c->swept = 1;
		}
		if (r == 1)
			return 1;
		flock(c->wfd, LOCK_UN);
		if (r == -1 || reopen(c, d) == -1)
			return -1;
	}
}

/*
 * With the lock held, index what others appended since our last scan, so
 * that c->good is the end of the last valid entry.  *size receives the
 * file's size.
 */
static int
catch_up_locked(struct cache *c, off_t *size, struct diag *d)
{
	struct stat st;

	if (fstat(c->wfd, &st) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot stat '%s': %s",
		    c->path, strerror(errno));
	if (st.st_size < c->good)
		reset(c);
	if (st.st_size > c->good && scan(c, st.st_size, d) == -1)
		return -1;
	*size = st.st_size;
	return 0;
}

/*
 * Append the entry in c->wbuf, unless the file holds a value for key
 * already: then return 0 and that value in *stored (if not NULL).  The
 * caller holds the exclusive lock, so no other writer is half-way through
 * an entry: anything after the last valid entry is a torn tail left by a
 * crash, and can be cut once the entries others appended are indexed.
 * Returns 1 when appended, 0 when kept, -1 on error.
 */
static int
append_locked(struct cache *c, const unsigned char *key, json_t **stored,
    struct diag *d)
{
	json_t *v = NULL;
	ssize_t n;
	off_t end, size;
	int r;

	if (catch_up_locked(c, &size, d) == -1)
		return -1;
	/* First writer wins: everyone sharing the cache emits one value. */
	r = lookup(c, key, &v, d);
	if (r == -1)
		return -1;
	if (r == 1) {
		if (stored != NULL)
			*stored = v;
		else
			json_decref(v);
		return 0;
	}
	if (size > c->good && ftruncate(c->wfd, c->good) == -1)
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
	c->appended++;
	/*
	 * O_APPEND leaves the offset at the end of our entry, which tells
	 * where it went even if something wrote without the lock.  If it did
	 * not go at c->good, the next scan will index it.
	 */
	end = lseek(c->wfd, 0, SEEK_CUR);
	if (end == c->good + (off_t)n) {
		index_put(c, key, POS(c->good, 0));
		c->singles++;
		c->good = end;
	}
	return 1;
}

int
cache_put(struct cache *c, const unsigned char key[HASH_LEN],
    const json_t *value, json_t **stored, struct diag *d)
{
	char hex[2 * HASH_LEN + 1];
	unsigned char *h;
	json_t *k;
	size_t bound, n;
	struct timespec now;
	int r;

	if (stored != NULL)
		*stored = NULL;
	if (c->flags & CACHE_READONLY)
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

	cctx_level(c, ZSTD_LEVEL);
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
	memcpy(h + 8, ENT_TAG, TAG_LEN);
	memcpy(h + ENT_KEYOFF, key, HASH_LEN);
	put_le32(h + ENT_LENOFF, (uint32_t)n);
	c->wbuf.len = ENT_HDR + n;

	if (lock_current(c, LOCK_EX, d) == -1)
		return -1;
	r = append_locked(c, key, stored, d);
	flock(c->wfd, LOCK_UN);
	if (r <= 0)
		return r;

	/* NEEDSWORK: a burst that then goes quiet waits for close. */
	mono_now(&now);
	if (now.tv_sec - c->synced.tv_sec >= SYNC_EVERY &&
	    cache_sync(c, d) == -1)
		return -1;
	return 1;
}

/* ---- claims -------------------------------------------------------- */

/*
 * A claim is an OFD write lock on one byte of DIR/v1/cache.claims, an
 * empty file, at an offset taken from the key: the kernel drops it when
 * its holder unlocks, closes the cache or dies (kill -9 too), so a claim
 * never outlives its owner and no pid can be stale or reused.  Two keys
 * share a byte once in 2^62: one then waits for the other's answer, sees
 * it is not its own, and claims again.
 */
static off_t
claim_offset(const unsigned char *key)
{
	return (off_t)(hash_u64be(key) >> 2) + 1;
}

static int
claim_lock(struct cache *c, const unsigned char *key, short type)
{
	struct flock fl;
	int r;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = claim_offset(key);
	fl.l_len = 1;
	do
		r = fcntl(c->cfd, F_OFD_SETLK, &fl);
	while (r == -1 && errno == EINTR);
	return r;
}

int
cache_claim(struct cache *c, const unsigned char key[HASH_LEN])
{
	if ((c->flags & CACHE_READONLY) || c->no_claims)
		return 1;
	if (c->cfd == -1) {
		c->cfd = open(c->claims, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (c->cfd == -1) {
			c->no_claims = 1;
			return 1;
		}
	}
	if (claim_lock(c, key, F_WRLCK) == 0)
		return 1;
	if (errno == EAGAIN || errno == EACCES)
		return 0;
	/* No record locks here (ENOLCK, an odd file system): do without. */
	c->no_claims = 1;
	return 1;
}

void
cache_release(struct cache *c, const unsigned char key[HASH_LEN])
{
	if (c != NULL && c->cfd != -1)
		claim_lock(c, key, F_UNLCK);
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

/* ---- compaction ---------------------------------------------------- */

/* The new file being written: packs gather in pend, output in out. */
struct compaction {
	int fd;
	char *tmp;		/* its name */
	struct buf out;		/* bytes not yet written */
	struct buf pend;	/* values of the pack being gathered */
	uint32_t npend;
};

static int
out_flush(struct compaction *k, struct diag *d)
{
	if (write_all(k->fd, k->out.p, k->out.len) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot write '%s': %s",
		    k->tmp, strerror(errno));
	buf_reset(&k->out);
	return 0;
}

/* Compress the gathered values into one pack. */
static int
pack_flush(struct cache *c, struct compaction *k, struct diag *d)
{
	unsigned char *h;
	size_t bound, n;

	if (k->npend == 0)
		return 0;
	cctx_level(c, PACK_LEVEL);
	bound = ZSTD_compressBound(k->pend.len);
	buf_grow(&k->out, PACK_HDR + bound);
	h = (unsigned char *)k->out.p + k->out.len;
	n = ZSTD_compress2(c->cctx, h + PACK_HDR, bound, k->pend.p,
	    k->pend.len);
	if (ZSTD_isError(n) || n > MAX_FRAME)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot compress cache pack: %s",
		    ZSTD_isError(n) ? ZSTD_getErrorName(n) : "too large");
	pack_header(h, k->npend, (uint32_t)n);
	k->out.len += PACK_HDR + n;
	buf_reset(&k->pend);
	k->npend = 0;
	return k->out.len >= OUT_CHUNK ? out_flush(k, d) : 0;
}

/* Add one value line (with its "\n") to the pack being gathered. */
static int
pack_add(struct cache *c, struct compaction *k, const char *t, size_t n,
    struct diag *d)
{
	buf_add(&k->pend, t, n);
	k->npend++;
	if (k->npend >= PACK_VALUES || k->pend.len >= PACK_BYTES)
		return pack_flush(c, k, d);
	return 0;
}

/*
 * Copy the live values of pack e: as it is when they are all live and
 * there are enough of them, else into the pack being gathered.
 */
static int
compact_pack(struct cache *c, struct compaction *k, const struct entry *e,
    struct diag *d)
{
	unsigned char key[HASH_LEN], h[PACK_HDR];
	size_t n, live = 0, len;
	const char *t;

	if (pack_decode(c, e) == -1)
		return 0;
	for (n = 0; n < e->count; n++) {
		t = c->vbuf.p + c->sline[n];
		len = c->sline[n + 1] - c->sline[n];
		if (text_key(t, len - 1, key) == 0 &&
		    index_holds(c, key, POS(e->off, n + 1)))
			live++;
		else
			c->sline[n] = SIZE_MAX;	/* not to be copied */
	}
	if (live == e->count && live >= PACK_KEEP) {
		pack_header(h, e->count, e->len);
		buf_add(&k->out, h, PACK_HDR);
		buf_add(&k->out, e->frame, e->len);
		return k->out.len >= OUT_CHUNK ? out_flush(k, d) : 0;
	}
	for (n = 0; n < e->count; n++) {
		if (c->sline[n] == SIZE_MAX)
			continue;
		/* The next start may be marked; the end is the next "\n". */
		t = c->vbuf.p + c->sline[n];
		len = (size_t)((char *)memchr(t, '\n', c->vbuf.len -
		    c->sline[n]) - t) + 1;
		if (pack_add(c, k, t, len, d) == -1)
			return -1;
	}
	return 0;
}

/* Write every live value of [0, c->good) to k. */
static int
compact_copy(struct cache *c, struct compaction *k, struct diag *d)
{
	struct entry e;
	off_t pos = 0;
	int r;

	c->rbuf.len = 0;
	while (pos < c->good) {
		r = entry_read(c, pos, c->good, &e);
		if (r == -1)
			return diag_set(d, EX_IOERR, NULL, 0,
			    "cannot read '%s': %s", c->path, strerror(errno));
		if (r == 0)
			break;	/* changed behind our back: keep what we have */
		if (e.frame == NULL)
			;
		else if (e.pack) {
			if (compact_pack(c, k, &e, d) == -1)
				return -1;
		} else if (index_holds(c, e.key, POS(pos, 0)) &&
		    frame_valid(c, e.key, e.frame, e.len)) {
			if (pack_add(c, k, c->vbuf.p, c->vbuf.len, d) == -1)
				return -1;
		}
		pos = e.end;
	}
	c->rbuf.len = 0;
	if (pack_flush(c, k, d) == -1)
		return -1;
	return out_flush(k, d);
}

/*
 * Remove the temporary files of compactions that died (kill -9, a crash):
 * those whose pid no longer runs.
 */
static void
remove_stale_tmp(struct cache *c)
{
	struct dirent *de;
	DIR *dp;
	char *end;
	long pid;
	int dfd;

	dp = opendir(c->dir);
	if (dp == NULL)
		return;
	dfd = dirfd(dp);
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		errno = 0;
		pid = strtol(de->d_name + strlen(TMP_PREFIX), &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			unlinkat(dfd, de->d_name, 0);
	}
	closedir(dp);
}

static int
fsync_dir(struct cache *c, struct diag *d)
{
	int fd, r;

	fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot open '%s': %s",
		    c->dir, strerror(errno));
	r = fsync(fd);
	close(fd);
	if (r == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot sync '%s': %s",
		    c->dir, strerror(errno));
	return 0;
}

/*
 * Holding the lock on the current file: write the new file next to it,
 * sync it and rename it over the old one.  Returns 1 when the file was
 * replaced, 2 when it was but the directory could not be synced (d set), 0
 * when there was too little to do, -1 on error (the old file is left as it
 * was).
 */
static int
compact_locked(struct cache *c, int force, struct diag *d)
{
	struct compaction k;
	struct buf name;
	off_t size;
	int r = -1;

	if (catch_up_locked(c, &size, d) == -1)
		return -1;
	if (!force && c->singles < COMPACT_MIN)
		return 0;
	remove_stale_tmp(c);
	buf_init(&name);
	buf_printf(&name, "%s/" TMP_PREFIX "%ld", c->dir, (long)getpid());
	memset(&k, 0, sizeof(k));
	k.tmp = buf_detach(&name, NULL);
	buf_init(&k.out);
	buf_init(&k.pend);
	k.fd = open(k.tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (k.fd == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot create '%s': %s",
		    k.tmp, strerror(errno));
		goto out;
	}
	if (compact_copy(c, &k, d) == -1)
		goto out;
	if (fsync(k.fd) == -1) {
		diag_set(d, EX_IOERR, NULL, 0, "cannot sync '%s': %s", k.tmp,
		    strerror(errno));
		goto out;
	}
	if (rename(k.tmp, c->path) == -1) {
		diag_set(d, EX_IOERR, NULL, 0, "cannot rename '%s': %s",
		    k.tmp, strerror(errno));
		goto out;
	}
	/* Renamed: the old file is gone even if the directory sync fails. */
	free(k.tmp);
	k.tmp = NULL;
	r = fsync_dir(c, d) == -1 ? 2 : 1;
out:
	if (k.fd != -1)
		close(k.fd);
	if (k.tmp != NULL) {
		unlink(k.tmp);
		free(k.tmp);
	}
	buf_release(&k.out);
	buf_release(&k.pend);
	return r;
}

/*
 * The work of cache_compact.  wait: block for the lock, else try a few
 * times and give up.  rebuild: index the new file (cache_close does not
 * need to).
 */
static int
compact(struct cache *c, int force, int wait, int rebuild, struct diag *d)
{
	int r, tries = 0;

	if (c->flags & CACHE_READONLY)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cache '%s' is open read-only", c->path);
	for (;;) {
		r = lock_current(c, wait ? LOCK_EX : LOCK_EX | LOCK_NB, d);
		if (r != 0)
			break;
		if (++tries == COMPACT_TRIES)
			return 0;
		usleep(COMPACT_WAIT);
	}
	if (r == -1)
		return -1;
	r = compact_locked(c, force, d);
	/* Only now may others lock the old file, find it renamed and move. */
	flock(c->wfd, LOCK_UN);
	if (r >= 1) {
		/* Our appends went into the new file, which is synced. */
		c->dirty = 0;
		if (rebuild && (reopen(c, r == 2 ? NULL : d) == -1 ||
		    refresh(c, r == 2 ? NULL : d) == -1))
			return -1;
	}
	return r == 0 || r == 1 ? 0 : -1;
}

int
cache_compact(struct cache *c, int force, struct diag *d)
{
	return compact(c, force, force, 1, d);
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
	size_t i;

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
	c->rfd = c->wfd = c->cfd = -1;
	buf_init(&c->rbuf);
	buf_init(&c->vbuf);
	buf_init(&c->wbuf);
	buf_init(&c->praw);
	for (i = 0; i < PACK_MEMO; i++)
		buf_init(&c->memo[i].text);
	memo_clear(c);
	index_init(c, INDEX_MIN);
	c->dctx = ZSTD_createDCtx();
	if (c->dctx == NULL)
		abort();
	mono_now(&c->synced);
	buf_printf(&w, "%s/v1", dir);
	c->dir = buf_detach(&w, NULL);
	buf_printf(&w, "%s/cache.zst", c->dir);
	c->path = buf_detach(&w, NULL);
	buf_printf(&w, "%s/cache.claims", c->dir);
	c->claims = buf_detach(&w, NULL);

	if (!(flags & CACHE_READONLY) && mkdirs(c->dir, 0700) == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0,
		    "cannot create cache directory '%s': %s", c->dir,
		    strerror(errno));
		goto fail;
	}
	if (reopen(c, d) == -1)
		goto fail;
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
	size_t i;

	if (c == NULL)
		return;
	/*
	 * Pack what this session appended.  A failure leaves the file as it
	 * was, which is valid, and a busy lock means another process is at
	 * it: neither is worth reporting.
	 */
	if (c->appended >= COMPACT_MIN && !(c->flags & CACHE_READONLY) &&
	    c->wfd != -1)
		compact(c, 0, 0, 0, NULL);
	cache_sync(c, NULL);
	if (c->wfd != -1)
		close(c->wfd);
	if (c->rfd != -1)
		close(c->rfd);
	if (c->cfd != -1)
		close(c->cfd);	/* releases every claim still held */
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	buf_release(&c->rbuf);
	buf_release(&c->vbuf);
	buf_release(&c->wbuf);
	buf_release(&c->praw);
	for (i = 0; i < PACK_MEMO; i++) {
		buf_release(&c->memo[i].text);
		free(c->memo[i].line);
	}
	free(c->sline);
	free(c->slot);
	free(c->dir);
	free(c->path);
	free(c->claims);
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
