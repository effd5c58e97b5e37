/* tokenizer.c: cl100k_base byte-pair encoding (PCRE2 split, hashed ranks). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "hash.h"
#include "tokenizer.h"

#ifndef JUDGEPIPE_DATADIR
#define JUDGEPIPE_DATADIR "/usr/local/share/judgepipe"
#endif

/*
 * tiktoken's cl100k_base split pattern (the possessive form).  Compiled with
 * PCRE2_UTF | PCRE2_UCP it reproduces tiktoken's pieces on the test data.
 */
static const char tok_pattern[] =
    "'(?i:[sdmt]|ll|ve|re)"
    "|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++"
    "|\\p{N}{1,3}+"
    "| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+"
    "|\\s++$"
    "|\\s*[\\r\\n]"
    "|\\s+(?!\\S)"
    "|\\s";

#define TOK_NONE	UINT32_MAX	/* "no such token" as a rank */
#define TOK_SHORT	128		/* longest piece for the plain merge */

/*
 * One slot of the open-addressing rank table.  head holds the token's first
 * eight bytes, zero-padded, so most tokens compare without a trip to the
 * blob; meta is rank << 8 | length (0: an empty slot, as no token is empty).
 */
struct tok_slot {
	uint64_t head;
	uint32_t off;			/* the bytes are at blob + off */
	uint32_t meta;
};

struct tok_encoder {
	char *path;
	unsigned char *blob;		/* all token bytes, back to back */
	struct tok_slot *slots;
	size_t mask;			/* slot count - 1 */
	size_t ntokens;
	size_t maxlen;			/* longest token, in bytes */
	uint32_t byte_rank[256];
	uint32_t *pair_rank;		/* 2-byte tokens by b0 << 8 | b1 */
	pcre2_code *re;
};

/* A token count in progress, or an id list when ids is set. */
struct tok_sink {
	size_t n;
	struct buf *ids;		/* uint32_t ranks; NULL: count only */
};

/* The first min(n, 8) bytes of p as a little-endian integer. */
static uint64_t
tok_head(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
	size_t i;

	/* A byte loop: memcpy of a variable short length is a libc call. */
	if (n > 8)
		n = 8;
	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/*
 * A multiply-xorshift hash of p[0..n) whose first bytes are head: keys
 * are short (a median of about six bytes) and looked up millions of times
 * a second.
 */
static uint64_t
tok_hash(const unsigned char *p, size_t n, uint64_t head)
{
	uint64_t h = head ^ (n * 0x9e3779b97f4a7c15ULL), w;
	size_t i;

	for (i = 8; i < n; i += 8) {
		w = tok_head(p + i, n - i);
		h = (h * 0xc4ceb9fe1a85ec53ULL) ^ w;
		h ^= h >> 31;
	}
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

/* Does slot s hold p[0..n), whose first bytes are head? */
static int
tok_same(const struct tok_encoder *e, const struct tok_slot *s,
    const unsigned char *p, size_t n, uint64_t head)
{
	if ((s->meta & 0xff) != n || s->head != head)
		return 0;
	return n <= 8 || memcmp(e->blob + s->off + 8, p + 8, n - 8) == 0;
}

/* The rank of the token p[0..n), or TOK_NONE. */
static uint32_t
tok_rank(const struct tok_encoder *e, const unsigned char *p, size_t n)
{
	uint64_t head, h;
	size_t i;

	if (n == 1)
		return e->byte_rank[p[0]];
	if (n == 2)
		return e->pair_rank[p[0] << 8 | p[1]];
	if (n > e->maxlen)
		return TOK_NONE;
	head = tok_head(p, n);
	h = tok_hash(p, n, head);
	for (i = h & e->mask;; i = (i + 1) & e->mask) {
		const struct tok_slot *s = &e->slots[i];

		if (s->meta == 0)
			return TOK_NONE;
		if (tok_same(e, s, p, n, head))
			return s->meta >> 8;
	}
}

/* Insert a token; returns -1 when it is already there. */
static int
tok_insert(struct tok_encoder *e, uint32_t off, uint32_t len, uint32_t rank)
{
	const unsigned char *p = e->blob + off;
	uint64_t head = tok_head(p, len), h = tok_hash(p, len, head);
	size_t i;

	for (i = h & e->mask;; i = (i + 1) & e->mask) {
		struct tok_slot *s = &e->slots[i];

		if (s->meta == 0) {
			s->head = head;
			s->off = off;
			s->meta = rank << 8 | len;
			return 0;
		}
		if (tok_same(e, s, p, len, head))
			return -1;
	}
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode standard base64 (with "=" padding) from s[0..n) to out.  Returns
 * the decoded length, or -1 when s is not base64.
 */
static long
b64decode(const char *s, size_t n, unsigned char *out)
{
	size_t i, pad = 0;
	long o = 0;

	if (n == 0 || n % 4 != 0)
		return -1;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n; i += 4) {
		int v[4], k;
		int last = i + 4 == n;

		for (k = 0; k < 4; k++) {
			if (last && k >= 4 - (int)pad) {
				if (s[i + k] != '=')
					return -1;
				v[k] = 0;
			} else if ((v[k] = b64val((unsigned char)s[i + k])) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (!last || pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 |
			    v[2] >> 2);
		if (!last || pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return o;
}

/* Parse the rank file text p[0..n) into e.  Returns 0, or -1 with d set. */
static int
tok_parse(struct tok_encoder *e, const char *p, size_t n, struct diag *d)
{
	const char *end = p + n, *line = p;
	size_t nlines = 0, slots = 1, bloblen = 0, i;
	long lineno = 0;

	for (i = 0; i < n; i++)
		if (p[i] == '\n')
			nlines++;
	while (slots < nlines * 2 + 2)
		slots <<= 1;
	e->slots = xcalloc(slots, sizeof(*e->slots));
	e->mask = slots - 1;
	/* Decoded tokens are shorter than their base64 text. */
	e->blob = xmalloc(n + 1);
	for (i = 0; i < 256; i++)
		e->byte_rank[i] = TOK_NONE;
	e->pair_rank = xmalloc(65536 * sizeof(*e->pair_rank));
	for (i = 0; i < 65536; i++)
		e->pair_rank[i] = TOK_NONE;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		const char *sp, *q;
		unsigned long rank = 0;
		long len;

		lineno++;
		if (nl == NULL)
			nl = end;
		sp = memchr(line, ' ', nl - line);
		if (sp == NULL || sp + 1 == nl)
			goto bad;
		for (q = sp + 1; q < nl; q++) {
			if (*q < '0' || *q > '9' || rank > UINT32_MAX / 10)
				goto bad;
			rank = rank * 10 + (unsigned long)(*q - '0');
		}
		/* Ranks and lengths must fit a slot's meta. */
		if (rank >= 1UL << 24)
			goto bad;
		len = b64decode(line, sp - line, e->blob + bloblen);
		if (len <= 0 || len > 255)
			goto bad;
		if (tok_insert(e, (uint32_t)bloblen, (uint32_t)len,
		    (uint32_t)rank) == -1)
			return diag_set(d, EX_DATAERR, e->path, lineno,
			    "duplicate token");
		if (len == 1)
			e->byte_rank[e->blob[bloblen]] = (uint32_t)rank;
		if (len == 2)
			e->pair_rank[e->blob[bloblen] << 8 |
			    e->blob[bloblen + 1]] = (uint32_t)rank;
		if ((size_t)len > e->maxlen)
			e->maxlen = len;
		bloblen += len;
		e->ntokens++;
		line = nl + 1;
	}
	/* Byte-pair merging starts from single bytes: each must be a token. */
	for (i = 0; i < 256; i++)
		if (e->byte_rank[i] == TOK_NONE)
			return diag_set(d, EX_DATAERR, e->path, 0,
			    "byte 0x%02zx is not a token", i);
	return 0;
bad:
	return diag_set(d, EX_DATAERR, e->path, lineno,
	    "expected 'base64 rank'");
}

static int
file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/*
 * The default location of the rank file: the environment, the installed
 * data directory, then the source tree seen from the running program (bin/
 * and build/<kind>/<bin|test>/ sit two and three levels below the top).
 * Returns a malloc'ed path, or NULL with d set.
 */
static char *
tok_find(struct diag *d)
{
	const char *env = getenv("JUDGEPIPE_TOKENIZER");
	static const char *const rel[] = {
		"/../data/tokenizer/" TOK_FILE_NAME,
		"/../../../data/tokenizer/" TOK_FILE_NAME,
		"/../share/judgepipe/" TOK_FILE_NAME,	/* PREFIX/bin */
	};
	char exe[PATH_MAX], *slash;
	struct buf b;
	ssize_t n;
	size_t i;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (file_exists(JUDGEPIPE_DATADIR "/" TOK_FILE_NAME))
		return xstrdup(JUDGEPIPE_DATADIR "/" TOK_FILE_NAME);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		buf_init(&b);
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			buf_reset(&b);
			buf_printf(&b, "%s%s", exe, rel[i]);
			if (file_exists(b.p))
				return buf_detach(&b, NULL);
		}
		buf_release(&b);
	}
	diag_set(d, EX_NOINPUT, NULL, 0, "tokenizer file '%s' not found in "
	    "'%s' or beside the program; set JUDGEPIPE_TOKENIZER",
	    TOK_FILE_NAME, JUDGEPIPE_DATADIR);
	return NULL;
}

/* Read path whole.  Returns 0, or -1 with d set (EX_NOINPUT). */
static int
slurp(const char *path, char **out, size_t *outlen, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	size_t r;

	if (f == NULL)
		return diag_set(d, EX_NOINPUT, NULL, 0,
		    "cannot open tokenizer file '%s': %s", path,
		    strerror(errno));
	buf_init(&b);
	do {
		buf_grow(&b, 1 << 20);
		r = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
		b.len += r;
	} while (r > 0);
	b.p[b.len] = '\0';
	if (ferror(f)) {
		diag_set(d, EX_NOINPUT, NULL, 0,
		    "cannot read tokenizer file '%s': %s", path,
		    strerror(errno));
		fclose(f);
		buf_release(&b);
		return -1;
	}
	fclose(f);
	*out = buf_detach(&b, outlen);
	return 0;
}

static int
check_sha256(const char *path, const char *p, size_t n, struct diag *d)
{
	unsigned char md[HASH_LEN];
	char got[2 * HASH_LEN + 1];

	hash_sha256(p, n, md);
	hash_hex(md, HASH_LEN, got);
	if (strcmp(got, TOK_FILE_SHA256) != 0)
		return diag_set(d, EX_NOINPUT, NULL, 0,
		    "tokenizer file '%s' has SHA-256 %s, expected %s "
		    "(cl100k_base.tiktoken)", path, got, TOK_FILE_SHA256);
	return 0;
}

struct tok_encoder *
tok_load(const char *path, struct diag *d)
{
	struct tok_encoder *e;
	char *text = NULL;
	size_t len = 0;
	int err;
	PCRE2_SIZE erroff;

	e = xcalloc(1, sizeof(*e));
	e->path = path != NULL ? xstrdup(path) : tok_find(d);
	if (e->path == NULL)
		goto fail;
	if (slurp(e->path, &text, &len, d) == -1 ||
	    check_sha256(e->path, text, len, d) == -1 ||
	    tok_parse(e, text, len, d) == -1)
		goto fail;
	free(text);
	text = NULL;

	e->re = pcre2_compile((PCRE2_SPTR)tok_pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP, &err, &erroff, NULL);
	if (e->re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		diag_set(d, EX_SOFTWARE, NULL, 0,
		    "tokenizer pattern at offset %zu: %s", (size_t)erroff,
		    (char *)msg);
		goto fail;
	}
	/* Without JIT pcre2_match interprets: slower, still correct. */
	(void)pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);
	return e;
fail:
	free(text);
	tok_free(e);
	return NULL;
}

const char *
tok_path(const struct tok_encoder *e)
{
	return e->path;
}

void
tok_free(struct tok_encoder *e)
{
	if (e == NULL)
		return;
	pcre2_code_free(e->re);
	free(e->slots);
	free(e->pair_rank);
	free(e->blob);
	free(e->path);
	free(e);
}

static void
sink_id(struct tok_sink *s, uint32_t rank)
{
	s->n++;
	if (s->ids != NULL)
		buf_add(s->ids, &rank, sizeof(rank));
}

/*
 * Byte-pair merge of a short piece: part k is p[pos[k]..pos[k+1]) and rk[k]
 * the rank of parts k and k+1 joined.  Each round merges the pair of lowest
 * rank, leftmost on a tie, and re-ranks its two neighbours.  Quadratic, but
 * the piece is short and the arrays stay in L1.
 */
static void
bpe_short(const struct tok_encoder *e, const unsigned char *p, size_t n,
    struct tok_sink *s)
{
	uint32_t pos[TOK_SHORT + 1], rk[TOK_SHORT];
	size_t np = n, k, best;
	uint32_t min;

	for (k = 0; k <= n; k++)
		pos[k] = (uint32_t)k;
	for (k = 0; k + 1 < n; k++)
		rk[k] = tok_rank(e, p + k, 2);
	for (;;) {
		min = TOK_NONE;
		best = 0;
		for (k = 0; k + 1 < np; k++)
			if (rk[k] < min) {
				min = rk[k];
				best = k;
			}
		if (min == TOK_NONE)
			break;
		/* Join parts best and best + 1: drop boundary best + 1. */
		memmove(pos + best + 1, pos + best + 2,
		    (np - best - 1) * sizeof(pos[0]));
		if (np >= best + 3)
			memmove(rk + best + 1, rk + best + 2,
			    (np - best - 3) * sizeof(rk[0]));
		np--;
		if (best + 1 < np)
			rk[best] = tok_rank(e, p + pos[best],
			    pos[best + 2] - pos[best]);
		if (best > 0)
			rk[best - 1] = tok_rank(e, p + pos[best - 1],
			    pos[best + 1] - pos[best - 1]);
	}
	if (s->ids == NULL) {
		s->n += np;
		return;
	}
	for (k = 0; k < np; k++)
		sink_id(s, tok_rank(e, p + pos[k], pos[k + 1] - pos[k]));
}

/* A binary min-heap of (rank << 32 | start) keys. */
static void
heap_push(uint64_t *h, size_t *n, uint64_t v)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static uint64_t
heap_pop(uint64_t *h, size_t *n)
{
	uint64_t top = h[0], v = h[--*n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
	return top;
}

/*
 * Byte-pair merge of a long piece (thousands of spaces, a base64 run) in
 * O(n log n): parts form a linked list by start offset, and a heap holds
 * each candidate pair keyed by (rank, start), so the minimum is the lowest
 * rank and leftmost among equals.  A heap entry is stale when its part
 * was absorbed or now pairs to a different rank; a rank names one byte
 * string, so an equal rank at the same start is the same pair.
 */
static void
bpe_long(const struct tok_encoder *e, const unsigned char *p, size_t n,
    struct tok_sink *s)
{
	uint32_t *next = xmalloc(n * sizeof(*next));
	uint32_t *prev = xmalloc(n * sizeof(*prev));
	uint32_t *rk = xmalloc(n * sizeof(*rk));
	uint64_t *heap = xmalloc(3 * n * sizeof(*heap));
	size_t nh = 0, parts = n, i;

	for (i = 0; i < n; i++) {
		next[i] = (uint32_t)(i + 1);
		prev[i] = (uint32_t)(i - 1);	/* unused at 0 */
		rk[i] = i + 1 < n ? tok_rank(e, p + i, 2) : TOK_NONE;
		if (rk[i] != TOK_NONE)
			heap_push(heap, &nh, (uint64_t)rk[i] << 32 | i);
	}
	while (nh > 0) {
		uint64_t top = heap_pop(heap, &nh);
		uint32_t r = (uint32_t)(top >> 32), a = (uint32_t)top, b;

		if (rk[a] != r)
			continue;
		/* Part a absorbs part b; a's start, hence its key, stays. */
		b = next[a];
		next[a] = next[b];
		if (next[a] < n)
			prev[next[a]] = a;
		rk[b] = TOK_NONE;
		parts--;
		rk[a] = next[a] < n ? tok_rank(e, p + a,
		    next[next[a]] - a) : TOK_NONE;
		if (rk[a] != TOK_NONE)
			heap_push(heap, &nh, (uint64_t)rk[a] << 32 | a);
		if (a > 0) {
			uint32_t z = prev[a];

			rk[z] = tok_rank(e, p + z, next[a] - z);
			if (rk[z] != TOK_NONE)
				heap_push(heap, &nh, (uint64_t)rk[z] << 32 | z);
		}
	}
	if (s->ids == NULL)
		s->n += parts;
	else
		for (i = 0; i < n; i = next[i])
			sink_id(s, tok_rank(e, p + i, next[i] - i));
	free(next);
	free(prev);
	free(rk);
	free(heap);
}

/* Count or encode one pre-token piece. */
static void
tok_piece(const struct tok_encoder *e, const unsigned char *p, size_t n,
    struct tok_sink *s)
{
	uint32_t r;

	if (n == 0)
		return;
	r = tok_rank(e, p, n);
	if (r != TOK_NONE)
		sink_id(s, r);
	else if (n <= TOK_SHORT)
		bpe_short(e, p, n, s);
	else
		bpe_long(e, p, n, s);
}

/*
 * Split subject[0..n) with the pattern and encode each piece.  Returns 0,
 * 1 when the subject is not valid UTF-8 (*bad is the offset of the first
 * invalid byte; nothing was encoded), or -1 when PCRE2 fails.
 */
static int
tok_split(const struct tok_encoder *e, pcre2_match_data *md,
    const unsigned char *subject, size_t n, struct tok_sink *s, size_t *bad)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t opts = 0;
	size_t off = 0;
	int rc;

	while (off < n) {
		rc = pcre2_match(e->re, subject, n, off, opts, md, NULL);
		if (rc <= PCRE2_ERROR_UTF8_ERR1 &&
		    rc >= PCRE2_ERROR_UTF8_ERR21) {
			*bad = pcre2_get_startchar(md);
			return 1;
		}
		if (rc == PCRE2_ERROR_NOMATCH) {
			/* Unreachable: "\s" or " ?[^\s\p{L}\p{N}]" fits any
			 * character; keep the rest as one piece anyway. */
			tok_piece(e, subject + off, n - off, s);
			return 0;
		}
		if (rc < 0)
			return -1;
		/*
		 * The first call checked the whole subject; checking it again
		 * on every call would make splitting quadratic.
		 */
		opts = PCRE2_NO_UTF_CHECK;
		if (ov[0] > off)
			tok_piece(e, subject + off, ov[0] - off, s);
		if (ov[1] == ov[0]) {
			/* Unreachable too: no alternative matches empty. */
			size_t next = ov[0] + 1;

			while (next < n && (subject[next] & 0xC0) == 0x80)
				next++;
			tok_piece(e, subject + ov[0], next - ov[0], s);
			off = next;
			continue;
		}
		tok_piece(e, subject + ov[0], ov[1] - ov[0], s);
		off = ov[1];
	}
	return 0;
}

/*
 * Encode text into s.  Invalid UTF-8 (never in validated input) is cut
 * around: the valid stretches are split as separate texts and each invalid
 * byte is its own token.
 */
static int
tok_run(const struct tok_encoder *e, const char *text, size_t len,
    struct tok_sink *s)
{
	const unsigned char *p = (const unsigned char *)text;
	pcre2_match_data *md;
	size_t bad = 0, unused;
	int rc = 0;

	if (len == 0)
		return 0;
	md = pcre2_match_data_create_from_pattern(e->re, NULL);
	if (md == NULL)
		return -1;
	while (len > 0) {
		rc = tok_split(e, md, p, len, s, &bad);
		if (rc != 1)
			break;
		if (bad > 0 && tok_split(e, md, p, bad, s, &unused) != 0) {
			rc = -1;
			break;
		}
		sink_id(s, e->byte_rank[p[bad]]);
		p += bad + 1;
		len -= bad + 1;
		rc = 0;
	}
	pcre2_match_data_free(md);
	return rc;
}

size_t
tok_count(const struct tok_encoder *e, const char *text, size_t len)
{
	struct tok_sink s = { 0, NULL };

	if (tok_run(e, text, len, &s) == -1)
		return SIZE_MAX;
	return s.n;
}

int
tok_encode(const struct tok_encoder *e, const char *text, size_t len,
    uint32_t **ids, size_t *n)
{
	struct tok_sink s;
	struct buf b;

	buf_init(&b);
	s.n = 0;
	s.ids = &b;
	*ids = NULL;
	*n = 0;
	if (tok_run(e, text, len, &s) == -1) {
		buf_release(&b);
		return -1;
	}
	if (s.n == 0) {
		buf_release(&b);
		return 0;
	}
	*n = s.n;
	*ids = (uint32_t *)(void *)buf_detach(&b, NULL);
	return 0;
}
