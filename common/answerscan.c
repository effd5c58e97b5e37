/* answerscan.c: validating JSON scanner that decodes only answer metadata. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "answerscan.h"
#include "buf.h"
#include "jsonl.h"

#define MAX_DEPTH 2048

/* A JSON string as it appears in the input, between its quotes. */
struct span {
	const unsigned char *p;
	size_t len;
	int esc;		/* contains a backslash escape */
};

struct scan {
	const unsigned char *start, *p, *end;
	char err[160];
};

/*
 * Byte classes inside strings: 0 plain ASCII, 1 '"', 2 '\\', 3 control,
 * 4 invalid lead byte, then the UTF-8 lead bytes by the range their
 * second byte must fall in (Unicode 15, table 3-7).
 */
enum { C_OK, C_QUOTE, C_BSL, C_CTL, C_BAD, C_2, C_E0, C_3, C_ED, C_F0, C_4,
	C_F4 };
static unsigned char cls[256];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void
cls_init(void)
{
	int i;

	for (i = 0; i < 256; i++) {
		if (i < 0x20)
			cls[i] = C_CTL;
		else if (i == '"')
			cls[i] = C_QUOTE;
		else if (i == '\\')
			cls[i] = C_BSL;
		else if (i < 0x80)
			cls[i] = C_OK;
		else if (i < 0xC2)
			cls[i] = C_BAD;
		else if (i < 0xE0)
			cls[i] = C_2;
		else if (i == 0xE0)
			cls[i] = C_E0;
		else if (i == 0xED)
			cls[i] = C_ED;
		else if (i < 0xF0)
			cls[i] = C_3;
		else if (i == 0xF0)
			cls[i] = C_F0;
		else if (i < 0xF4)
			cls[i] = C_4;
		else if (i == 0xF4)
			cls[i] = C_F4;
		else
			cls[i] = C_BAD;
	}
}

static int
fail(struct scan *s, const unsigned char *at, const char *msg)
{
	snprintf(s->err, sizeof(s->err), "invalid JSON: %s at column %zu",
	    msg, (size_t)(at - s->start) + 1);
	return -1;
}

static int
type_error(struct scan *s, const char *what, const char *type)
{
	snprintf(s->err, sizeof(s->err), "field '%s' is not %s", what, type);
	return -1;
}

static void
ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
hex4(const unsigned char *p, const unsigned char *end, unsigned *v)
{
	int i;

	if (end - p < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		int c = p[i], x;

		if (c >= '0' && c <= '9')
			x = c - '0';
		else if (c >= 'a' && c <= 'f')
			x = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (unsigned)x;
	}
	return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether the 8 bytes at p are all plain ASCII (no '"', '\\', control). */
static int
plain8(const unsigned char *p)
{
	uint64_t x, q, b, c;

	memcpy(&x, p, 8);
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	c = (x - ONES * 0x20) & ~x;
	q = (q - ONES) & ~q;
	b = (b - ONES) & ~b;
	return ((x | c | q | b) & HIGHS) == 0;
}

static int
is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Scan (and validate) the string at s->p, which is '"'. */
static int
scan_string(struct scan *s, struct span *out)
{
	const unsigned char *p = s->p + 1, *end = s->end;
	unsigned v, v2;

	out->p = p;
	out->esc = 0;
	for (;;) {
		while (end - p >= 8 && plain8(p))
			p += 8;
		while (p < end && cls[*p] == C_OK)
			p++;
		if (p >= end)
			return fail(s, p, "unterminated string");
		switch (cls[*p]) {
		case C_QUOTE:
			out->len = (size_t)(p - out->p);
			s->p = p + 1;
			return 0;
		case C_BSL:
			out->esc = 1;
			if (p + 1 >= end)
				return fail(s, p, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (hex4(p + 2, end, &v) == -1)
					return fail(s, p, "invalid \\u escape");
				p += 6;
				if (v >= 0xDC00 && v <= 0xDFFF)
					return fail(s, p - 6, "lone surrogate");
				if (v >= 0xD800 && v <= 0xDBFF) {
					if (end - p < 6 || p[0] != '\\' ||
					    p[1] != 'u' ||
					    hex4(p + 2, end, &v2) == -1 ||
					    v2 < 0xDC00 || v2 > 0xDFFF)
						return fail(s, p - 6,
						    "lone surrogate");
					p += 6;
				}
				break;
			default:
				return fail(s, p, "invalid escape");
			}
			break;
		case C_CTL:
			return fail(s, p, "control character in string");
		case C_2:
			if (end - p < 2 || !is_cont(p[1]))
				return fail(s, p, "invalid UTF-8");
			p += 2;
			break;
		case C_3:
			/* Runs of three-byte characters (Hangul, CJK). */
			do {
				if (end - p < 3 || !is_cont(p[1]) ||
				    !is_cont(p[2]))
					return fail(s, p, "invalid UTF-8");
				p += 3;
			} while (p < end && cls[*p] == C_3);
			break;
		case C_E0:
		case C_ED:
			if (end - p < 3 || !is_cont(p[1]) || !is_cont(p[2]) ||
			    (*p == 0xE0 && p[1] < 0xA0) ||
			    (*p == 0xED && p[1] > 0x9F))
				return fail(s, p, "invalid UTF-8");
			p += 3;
			break;
		case C_F0:
		case C_4:
		case C_F4:
			if (end - p < 4 || !is_cont(p[1]) || !is_cont(p[2]) ||
			    !is_cont(p[3]) || (*p == 0xF0 && p[1] < 0x90) ||
			    (*p == 0xF4 && p[1] > 0x8F))
				return fail(s, p, "invalid UTF-8");
			p += 4;
			break;
		default:
			return fail(s, p, "invalid UTF-8");
		}
	}
}

static void
put_utf8(struct buf *b, unsigned c)
{
	if (c < 0x80) {
		buf_addc(b, (int)c);
	} else if (c < 0x800) {
		buf_addc(b, (int)(0xC0 | c >> 6));
		buf_addc(b, (int)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		buf_addc(b, (int)(0xE0 | c >> 12));
		buf_addc(b, (int)(0x80 | (c >> 6 & 0x3F)));
		buf_addc(b, (int)(0x80 | (c & 0x3F)));
	} else {
		buf_addc(b, (int)(0xF0 | c >> 18));
		buf_addc(b, (int)(0x80 | (c >> 12 & 0x3F)));
		buf_addc(b, (int)(0x80 | (c >> 6 & 0x3F)));
		buf_addc(b, (int)(0x80 | (c & 0x3F)));
	}
}

/* Decode a validated string into b (appended). */
static void
decode_into(struct buf *b, const struct span *sp)
{
	const unsigned char *p = sp->p, *end = sp->p + sp->len, *q;
	unsigned v, v2;

	if (!sp->esc) {
		buf_add(b, p, sp->len);
		return;
	}
	while (p < end) {
		q = memchr(p, '\\', (size_t)(end - p));
		if (q == NULL)
			q = end;
		buf_add(b, p, (size_t)(q - p));
		if (q == end)
			break;
		switch (q[1]) {
		case 'b': buf_addc(b, '\b'); break;
		case 'f': buf_addc(b, '\f'); break;
		case 'n': buf_addc(b, '\n'); break;
		case 'r': buf_addc(b, '\r'); break;
		case 't': buf_addc(b, '\t'); break;
		case 'u':
			hex4(q + 2, end, &v);
			if (v >= 0xD800 && v <= 0xDBFF) {
				hex4(q + 8, end, &v2);
				v = 0x10000 + ((v - 0xD800) << 10) +
				    (v2 - 0xDC00);
				q += 6;
			}
			put_utf8(b, v);
			q += 4;
			break;
		default: buf_addc(b, q[1]); break;
		}
		p = q + 2;
	}
}

static char *
decode(const struct span *sp, size_t *len)
{
	struct buf b;

	buf_init(&b);
	decode_into(&b, sp);
	return buf_detach(&b, len);
}

static int
span_eq(const struct span *a, const struct span *b)
{
	struct buf x, y;
	int eq;

	if (!a->esc && !b->esc)
		return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
	buf_init(&x);
	buf_init(&y);
	decode_into(&x, a);
	decode_into(&y, b);
	eq = x.len == y.len && memcmp(x.p, y.p, x.len) == 0;
	buf_release(&x);
	buf_release(&y);
	return eq;
}

/* Does the string hold a NUL byte ("\u0000")? */
static int
has_nul(const struct span *sp)
{
	struct buf b;
	int nul;

	buf_init(&b);
	decode_into(&b, sp);
	nul = memchr(b.p, '\0', b.len) != NULL;
	buf_release(&b);
	return nul;
}

static int
key_is(const struct span *k, const char *name)
{
	struct span n = { (const unsigned char *)name, strlen(name), 0 };

	return span_eq(k, &n);
}

/* A JSON number; *isint and *iv for integers (int64 range enforced). */
static int
scan_number(struct scan *s, int *isint, long long *iv)
{
	const unsigned char *p = s->p, *end = s->end, *start = p, *d;
	unsigned long long acc = 0, lim;
	int neg = 0;

	*isint = 1;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	d = p;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return fail(s, start, "invalid number");
	if (p < end && *p == '.') {
		*isint = 0;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*isint = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (*isint) {
		lim = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
		for (; d < p; d++) {
			if (acc > (lim - (unsigned)(*d - '0')) / 10)
				return fail(s, start, "integer out of range");
			acc = acc * 10 + (unsigned)(*d - '0');
		}
		*iv = neg ? (long long)(0 - acc) : (long long)acc;
	} else {
		char tmp[512];
		size_t n = (size_t)(p - start);
		char *c = n < sizeof(tmp) ? tmp : xmalloc(n + 1);
		double x;

		memcpy(c, start, n);
		c[n] = '\0';
		x = strtod(c, NULL);
		if (c != tmp)
			free(c);
		if (x == HUGE_VAL || x == -HUGE_VAL)
			return fail(s, start, "real number overflow");
	}
	s->p = p;
	return 0;
}

typedef int (*member_fn)(void *ctx, struct scan *s, const struct span *key,
    int depth);
typedef int (*elem_fn)(void *ctx, struct scan *s, size_t idx, int depth);

static int skip_value(struct scan *s, int depth);

static int
skip_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	return skip_value(s, depth);
}

static int
skip_elem(void *ctx, struct scan *s, size_t idx, int depth)
{
	return skip_value(s, depth);
}

/*
 * The object at s->p ('{'): fn is called for each member with s at its
 * value and must consume it.  Duplicate keys are errors.
 */
static int
scan_object(struct scan *s, int depth, member_fn fn, void *ctx)
{
	struct span inl[16], *keys = inl, k;
	size_t nkeys = 0, cap = 16, i;
	int rc = -1;

	if (depth > MAX_DEPTH)
		return fail(s, s->p, "too deeply nested");
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->end || *s->p != '"') {
			fail(s, s->p, "expected a string key");
			goto out;
		}
		if (scan_string(s, &k) == -1)
			goto out;
		/* As jansson, which the other readers use, refuses. */
		if (k.esc && has_nul(&k)) {
			fail(s, k.p - 1, "NUL byte in object key");
			goto out;
		}
		for (i = 0; i < nkeys; i++)
			if (span_eq(&keys[i], &k)) {
				fail(s, k.p - 1, "duplicate key");
				goto out;
			}
		if (nkeys == cap) {
			struct span *n = xmalloc(2 * cap * sizeof(*n));

			memcpy(n, keys, nkeys * sizeof(*n));
			if (keys != inl)
				free(keys);
			keys = n;
			cap *= 2;
		}
		keys[nkeys++] = k;
		ws(s);
		if (s->p >= s->end || *s->p != ':') {
			fail(s, s->p, "expected ':'");
			goto out;
		}
		s->p++;
		ws(s);
		if (fn(ctx, s, &k, depth + 1) == -1)
			goto out;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			rc = 0;
			goto out;
		}
		fail(s, s->p, "expected ',' or '}'");
		goto out;
	}
out:
	if (keys != inl)
		free(keys);
	return rc;
}

static int
scan_array(struct scan *s, int depth, elem_fn fn, void *ctx)
{
	size_t idx = 0;

	if (depth > MAX_DEPTH)
		return fail(s, s->p, "too deeply nested");
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		ws(s);
		if (fn(ctx, s, idx++, depth + 1) == -1)
			return -1;
		ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		return fail(s, s->p, "expected ',' or ']'");
	}
}

static int
literal(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return fail(s, s->p, "invalid literal");
	s->p += n;
	return 0;
}

static int
skip_value(struct scan *s, int depth)
{
	struct span sp;
	long long iv;
	int isint;

	ws(s);
	if (s->p >= s->end)
		return fail(s, s->p, "unexpected end of input");
	switch (*s->p) {
	case '{':
		return scan_object(s, depth, skip_member, NULL);
	case '[':
		return scan_array(s, depth, skip_elem, NULL);
	case '"':
		return scan_string(s, &sp);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return scan_number(s, &isint, &iv);
	}
}

/* A string member: *sp and *state (1 string, 2 another type). */
static int
member_string(struct scan *s, struct span *sp, int *state, int depth)
{
	if (s->p < s->end && *s->p == '"') {
		*state = 1;
		return scan_string(s, sp);
	}
	*state = 2;
	return skip_value(s, depth);
}

/* An integer value (for token_len). */
static int
want_int(struct scan *s, const char *what, long long *v)
{
	int isint;

	if (s->p >= s->end || !(*s->p == '-' || (*s->p >= '0' &&
	    *s->p <= '9')))
		return type_error(s, what, "an integer");
	if (scan_number(s, &isint, v) == -1)
		return -1;
	if (!isint)
		return type_error(s, what, "an integer");
	return 0;
}

struct meta {
	const char *field;	/* conv_metadata or metadata */
	unsigned mask;
	long long v[ANSWER_NELEM];
	char what[64];
	int elem;
	long long sum;
};

static int
meta_sum_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	struct meta *m = ctx;
	long long v;

	if (want_int(s, m->what, &v) == -1)
		return -1;
	if (__builtin_add_overflow(m->sum, v, &m->sum))
		return type_error(s, m->what, "summable in 64 bits");
	return 0;
}

static const char *elem_key[ANSWER_NELEM] = {
	"token_len", "header_count", "list_count", "bold_count"
};

static int
meta_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	struct meta *m = ctx;
	int e;

	for (e = 0; e < ANSWER_NELEM; e++)
		if (key_is(key, elem_key[e]))
			break;
	if (e == ANSWER_NELEM)
		return skip_value(s, depth);
	snprintf(m->what, sizeof(m->what), "%s.%s", m->field, elem_key[e]);
	if (e != ANSWER_TOKENS && s->p < s->end && *s->p == '{') {
		m->sum = 0;
		if (scan_object(s, depth, meta_sum_member, m) == -1)
			return -1;
		m->v[e] = m->sum;
	} else if (want_int(s, m->what, &m->v[e]) == -1) {
		if (e != ANSWER_TOKENS)
			return type_error(s, m->what,
			    "an integer or an object of integers");
		return -1;
	}
	m->mask |= 1U << e;
	return 0;
}

static int
scan_meta(struct scan *s, struct meta *m, int depth)
{
	if (s->p < s->end && *s->p == '{')
		return scan_object(s, depth, meta_member, m);
	if (s->p < s->end && *s->p == 'n')
		return literal(s, "null");
	return type_error(s, m->field, "an object");
}

/* choices[0].turns[0]: token_len and content. */
struct turn {
	int has_tok;
	long long tok;
	struct span text;
	int has_text;
	int level;		/* 0 choices, 1 choice, 2 turns, 3 turn */
};

static int turn_elem(void *ctx, struct scan *s, size_t idx, int depth);

static int
turn_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	struct turn *t = ctx;

	if (t->level == 1 && key_is(key, "turns") && s->p < s->end &&
	    *s->p == '[') {
		int rc;

		t->level = 2;
		rc = scan_array(s, depth, turn_elem, t);
		t->level = 1;
		return rc;
	}
	if (t->level == 3 && key_is(key, "token_len")) {
		t->has_tok = 1;
		return want_int(s, "choices[0].turns[0].token_len", &t->tok);
	}
	if (t->level == 3 && key_is(key, "content") && s->p < s->end &&
	    *s->p == '"') {
		t->has_text = 1;
		return scan_string(s, &t->text);
	}
	return skip_value(s, depth);
}

static int
turn_elem(void *ctx, struct scan *s, size_t idx, int depth)
{
	struct turn *t = ctx;
	int rc;

	/* FastChat's turns are plain strings. */
	if (idx == 0 && t->level == 2 && s->p < s->end && *s->p == '"') {
		t->has_text = 1;
		return scan_string(s, &t->text);
	}
	if (idx != 0 || s->p >= s->end || *s->p != '{')
		return skip_value(s, depth);
	t->level++;
	rc = scan_object(s, depth, turn_member, t);
	t->level--;
	return rc;
}

/* v2 messages: the content of the last assistant message. */
struct msgs {
	struct span role, content, answer;
	int has_role, has_content, has_answer;
	struct span last;
	int has_last;
};

static int
answer_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	struct msgs *m = ctx;

	if (key_is(key, "answer") && s->p < s->end && *s->p == '"') {
		m->has_answer = 1;
		return scan_string(s, &m->answer);
	}
	return skip_value(s, depth);
}

static int
msg_member(void *ctx, struct scan *s, const struct span *key, int depth)
{
	struct msgs *m = ctx;

	if (key_is(key, "role") && s->p < s->end && *s->p == '"') {
		m->has_role = 1;
		return scan_string(s, &m->role);
	}
	if (key_is(key, "content") && s->p < s->end && *s->p == '"') {
		m->has_content = 1;
		return scan_string(s, &m->content);
	}
	if (key_is(key, "content") && s->p < s->end && *s->p == '{')
		return scan_object(s, depth, answer_member, m);
	return skip_value(s, depth);
}

static int
msg_elem(void *ctx, struct scan *s, size_t idx, int depth)
{
	struct msgs *m = ctx;

	if (s->p >= s->end || *s->p != '{')
		return skip_value(s, depth);
	m->has_role = m->has_content = m->has_answer = 0;
	if (scan_object(s, depth, msg_member, m) == -1)
		return -1;
	if (m->has_role && key_is(&m->role, "assistant")) {
		if (m->has_content) {
			m->last = m->content;
			m->has_last = 1;
		} else if (m->has_answer) {
			m->last = m->answer;
			m->has_last = 1;
		}
	}
	return 0;
}

struct top {
	struct span qid, model_id, uid, model;
	/* 0 absent, 1 a string, 2 another type, 3 an integer (qid_num) */
	int s_qid, s_model_id, s_uid, s_model;
	char qid_num[32];
	struct turn turn;
	struct meta conv, meta2;
	struct msgs msgs;
};

static int
top_member(void *ctx, struct scan *s, const struct span *k, int depth)
{
	struct top *t = ctx;

	if (key_is(k, "question_id") && s->p < s->end && (*s->p == '-' ||
	    (*s->p >= '0' && *s->p <= '9'))) {
		long long v;
		int isint;

		/* MT-Bench numbers its questions: keyed by decimal text. */
		if (scan_number(s, &isint, &v) == -1)
			return -1;
		t->s_qid = isint ? 3 : 2;
		snprintf(t->qid_num, sizeof(t->qid_num), "%lld", v);
		return 0;
	}
	if (key_is(k, "question_id"))
		return member_string(s, &t->qid, &t->s_qid, depth);
	if (key_is(k, "model_id"))
		return member_string(s, &t->model_id, &t->s_model_id, depth);
	if (key_is(k, "uid"))
		return member_string(s, &t->uid, &t->s_uid, depth);
	if (key_is(k, "model"))
		return member_string(s, &t->model, &t->s_model, depth);
	if (key_is(k, "choices") && s->p < s->end && *s->p == '[') {
		t->turn.level = 0;
		return scan_array(s, depth, turn_elem, &t->turn);
	}
	if (key_is(k, "conv_metadata"))
		return scan_meta(s, &t->conv, depth);
	if (key_is(k, "metadata"))
		return scan_meta(s, &t->meta2, depth);
	if (key_is(k, "messages") && s->p < s->end && *s->p == '[')
		return scan_array(s, depth, msg_elem, &t->msgs);
	return skip_value(s, depth);
}

static int
need_string(struct scan *s, int state, const char *name)
{
	if (state == 0) {
		snprintf(s->err, sizeof(s->err), "missing field '%s'", name);
		return -1;
	}
	if (state == 2)
		return type_error(s, name, "a string");
	return 0;
}

/* Scan one line into r.  Returns 0, or -1 with s->err set. */
static int
scan_line(struct scan *s, struct answer_rec *r, int keep_text)
{
	struct top t;
	const struct span *text = NULL;
	const struct meta *m;
	size_t n;

	memset(&t, 0, sizeof(t));
	t.conv.field = "conv_metadata";
	t.meta2.field = "metadata";
	ws(s);
	if (s->p >= s->end || *s->p != '{')
		return fail(s, s->p, "record is not a JSON object");
	if (scan_object(s, 0, top_member, &t) == -1)
		return -1;
	ws(s);
	if (s->p != s->end)
		return fail(s, s->p, "trailing characters");
	memset(r, 0, sizeof(*r));
	if (t.s_qid != 0) {
		if ((t.s_qid != 3 && need_string(s, t.s_qid,
		    "question_id") == -1) ||
		    need_string(s, t.s_model_id, "model_id") == -1)
			return -1;
		r->question_id = t.s_qid == 3 ? xstrdup(t.qid_num) :
		    decode(&t.qid, &n);
		r->model = decode(&t.model_id, &n);
		m = &t.conv;
		if (t.turn.has_tok) {
			r->has_token_len = 1;
			r->token_len = t.turn.tok;
		}
		if (t.turn.has_text)
			text = &t.turn.text;
	} else if (t.s_uid != 0) {
		if (need_string(s, t.s_uid, "uid") == -1 ||
		    need_string(s, t.s_model, "model") == -1)
			return -1;
		r->question_id = decode(&t.uid, &n);
		r->model = decode(&t.model, &n);
		m = &t.meta2;
		if (t.msgs.has_last)
			text = &t.msgs.last;
	} else {
		return need_string(s, 0, "question_id");
	}
	r->meta_mask = m->mask;
	memcpy(r->meta, m->v, sizeof(r->meta));
	if (!r->has_token_len && (m->mask & 1U << ANSWER_TOKENS)) {
		r->has_token_len = 1;
		r->token_len = m->v[ANSWER_TOKENS];
	}
	if ((keep_text || !r->has_token_len) && text != NULL)
		r->text = decode(text, &r->text_len);
	return 0;
}

static void
add_err(struct answer_file *f, const char *name, long line, const char *msg)
{
	f->errs = xrealloc(f->errs, (f->nerrs + 1) * sizeof(*f->errs));
	diag_clear(&f->errs[f->nerrs]);
	diag_set(&f->errs[f->nerrs], EX_DATAERR, name, line, "%s", msg);
	f->nerrs++;
}

static void
scan_reader(struct jsonl_reader *rd, struct answer_file *f)
{
	const char *line;
	size_t len, cap = 0;
	long lineno;

	pthread_once(&cls_once, cls_init);
	while (jsonl_next(rd, &line, &len, &lineno)) {
		struct scan s;

		s.start = s.p = (const unsigned char *)line;
		s.end = s.p + len;
		s.err[0] = '\0';
		if (f->nrecs == cap) {
			cap = cap ? 2 * cap : 512;
			f->recs = xrealloc(f->recs, cap * sizeof(*f->recs));
		}
		if (scan_line(&s, &f->recs[f->nrecs], f->keep_text) == -1) {
			add_err(f, jsonl_name(rd), lineno, s.err);
			continue;
		}
		f->recs[f->nrecs].line = lineno;
		f->nrecs++;
	}
}

void
answerscan_buffer(const char *name, const char *data, size_t len,
    struct answer_file *f)
{
	struct jsonl_reader *rd;

	f->name = xstrdup(name);
	rd = jsonl_open_mem(name, data, len, &f->fatal);
	if (rd == NULL)
		return;
	scan_reader(rd, f);
	jsonl_free(rd);
}

struct load_job {
	char *const *paths;
	struct answer_file *files;
	size_t n;
	atomic_size_t next;
};

static void *
load_worker(void *arg)
{
	struct load_job *j = arg;
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		struct answer_file *f = &j->files[i];
		struct jsonl_reader *rd;

		f->name = xstrdup(j->paths[i]);
		rd = jsonl_open(j->paths[i], &f->fatal);
		if (rd == NULL)
			continue;
		scan_reader(rd, f);
		jsonl_free(rd);
	}
	return NULL;
}

void
answerscan_load(char *const *paths, size_t n, int threads,
    struct answer_file *files)
{
	struct load_job j;
	pthread_t tid[64];
	int i, started = 0;

	j.paths = paths;
	j.files = files;
	j.n = n;
	atomic_init(&j.next, 0);
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > n)
		threads = (int)n;
	for (i = 1; i < threads; i++)
		if (pthread_create(&tid[started], NULL, load_worker, &j) == 0)
			started++;
	load_worker(&j);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

static void
rec_release(struct answer_rec *r)
{
	free(r->model);
	free(r->question_id);
	free(r->text);
}

void
answerscan_file_release(struct answer_file *f)
{
	size_t i;

	for (i = 0; i < f->nrecs; i++)
		rec_release(&f->recs[i]);
	free(f->recs);
	free(f->errs);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

int
answerscan_expand(const char *path, char ***paths, size_t *n, struct diag *d)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, i;

	if (strcmp(path, "-") == 0 || stat(path, &st) == -1 ||
	    !S_ISDIR(st.st_mode)) {
		if (strcmp(path, "-") != 0 && stat(path, &st) == -1)
			return diag_set(d, EX_NOINPUT, NULL, 0,
			    "cannot open '%s': %s", path, strerror(errno));
		*paths = xrealloc(*paths, (*n + 1) * sizeof(**paths));
		(*paths)[(*n)++] = xstrdup(path);
		return 0;
	}
	dir = opendir(path);
	if (dir == NULL)
		return diag_set(d, EX_NOINPUT, NULL, 0,
		    "cannot open '%s': %s", path, strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		struct buf b;

		if (!has_suffix(e->d_name, ".jsonl") &&
		    !has_suffix(e->d_name, ".jsonl.zst"))
			continue;
		buf_init(&b);
		buf_printf(&b, "%s%s%s", path,
		    has_suffix(path, "/") ? "" : "/", e->d_name);
		if (stat(b.p, &st) == -1 || S_ISDIR(st.st_mode)) {
			buf_release(&b);
			continue;
		}
		names = xrealloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = buf_detach(&b, NULL);
	}
	closedir(dir);
	/* qsort's array must not be NULL, even when empty. */
	if (nn > 1)
		qsort(names, nn, sizeof(*names), cmp_str);
	*paths = xrealloc(*paths, (*n + nn + 1) * sizeof(**paths));
	for (i = 0; i < nn; i++)
		(*paths)[(*n)++] = names[i];
	free(names);
	return 0;
}

/* The set: records in input order, then sorted and de-duplicated. */
struct answer_set {
	struct answer_rec *recs;
	size_t n, cap;
	char **files;
	size_t nfiles;
	/* after finish: one record per (model, qid), sorted */
	struct model_avg {
		const char *model;
		size_t first, count;
		long long avg;
	} *models;
	size_t nmodels;
};

struct answer_set *
answerscan_set_new(void)
{
	return xcalloc(1, sizeof(struct answer_set));
}

void
answerscan_set_free(struct answer_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		rec_release(&s->recs[i]);
	free(s->recs);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->models);
	free(s);
}

void
answerscan_set_add(struct answer_set *s, struct answer_file *f)
{
	size_t i;
	char *name = xstrdup(f->name != NULL ? f->name : "<stdin>");

	s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	s->files[s->nfiles++] = name;
	if (s->n + f->nrecs > s->cap) {
		s->cap = 2 * (s->n + f->nrecs);
		s->recs = xrealloc(s->recs, s->cap * sizeof(*s->recs));
	}
	for (i = 0; i < f->nrecs; i++) {
		s->recs[s->n] = f->recs[i];
		s->recs[s->n].file = name;
		s->n++;
	}
	free(f->recs);
	f->recs = NULL;
	f->nrecs = 0;
}

static int
cmp_rec(const void *pa, const void *pb)
{
	const struct answer_rec *a = pa, *b = pb;
	int c = strcmp(a->model, b->model);

	if (c == 0)
		c = strcmp(a->question_id, b->question_id);
	if (c == 0)
		c = (a->seq > b->seq) - (a->seq < b->seq);
	return c;
}

int
answerscan_set_finish(struct answer_set *s, answerscan_count_fn count,
    void *ctx, struct diag *dups, size_t ndups_max, size_t *ndups,
    struct diag *d)
{
	size_t i, j, out = 0;

	*ndups = 0;
	for (i = 0; i < s->n; i++)
		s->recs[i].seq = i;
	if (s->n > 1)
		qsort(s->recs, s->n, sizeof(*s->recs), cmp_rec);
	/* Keep the last record of each (model, qid). */
	for (i = 0; i < s->n; i = j) {
		for (j = i + 1; j < s->n &&
		    strcmp(s->recs[j].model, s->recs[i].model) == 0 &&
		    strcmp(s->recs[j].question_id, s->recs[i].question_id) == 0;
		    j++)
			;
		if (j - i > 1) {
			if (*ndups < ndups_max) {
				const struct answer_rec *r = &s->recs[j - 1];

				diag_clear(&dups[*ndups]);
				diag_set(&dups[*ndups], EX_DATAERR, r->file,
				    r->line, "duplicate answer of model '%s' "
				    "to question '%s' (the last one wins)",
				    r->model, r->question_id);
			}
			(*ndups) += j - i - 1;
		}
		for (size_t k = i; k + 1 < j; k++)
			rec_release(&s->recs[k]);
		if (out != j - 1)
			s->recs[out] = s->recs[j - 1];
		out++;
	}
	s->n = out;
	/* Token counts, then one average per model. */
	for (i = 0; i < s->n; i++) {
		struct answer_rec *r = &s->recs[i];

		if (r->has_token_len)
			continue;
		if (count == NULL || r->text == NULL)
			return diag_set(d, EX_DATAERR, r->file, r->line,
			    "answer of model '%s' to question '%s' has no "
			    "token_len%s", r->model, r->question_id,
			    count == NULL ? " and no tokenizer is available" :
			    " and no text to count");
		r->token_len = count(ctx, r->text, r->text_len);
		if (r->token_len < 0)
			return diag_set(d, EX_DATAERR, r->file, r->line,
			    "cannot count the tokens of this answer");
		r->has_token_len = 1;
	}
	for (i = 0; i < s->n; i = j) {
		long long sum = 0;
		double mean;

		for (j = i; j < s->n && strcmp(s->recs[j].model,
		    s->recs[i].model) == 0; j++)
			if (__builtin_add_overflow(sum, s->recs[j].token_len,
			    &sum))
				return diag_set(d, EX_DATAERR, s->recs[j].file,
				    s->recs[j].line, "token lengths of model "
				    "'%s' add up beyond 64 bits",
				    s->recs[j].model);
		mean = (double)sum / (double)(j - i);
		/* A double of 2^63 or more (or below -2^63) has no int64. */
		if (!(mean < 0x1p63 && mean >= -0x1p63))
			return diag_set(d, EX_DATAERR, s->recs[i].file,
			    s->recs[i].line, "average token length of model "
			    "'%s' is out of range", s->recs[i].model);
		s->models = xrealloc(s->models, (s->nmodels + 1) *
		    sizeof(*s->models));
		s->models[s->nmodels].model = s->recs[i].model;
		s->models[s->nmodels].first = i;
		s->models[s->nmodels].count = j - i;
		/* Python int(): truncation toward zero. */
		s->models[s->nmodels].avg = (long long)mean;
		s->nmodels++;
	}
	return 0;
}

static const struct model_avg *
find_model(const struct answer_set *s, const char *model)
{
	size_t lo = 0, hi = s->nmodels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->models[mid].model, model);

		if (c == 0)
			return &s->models[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct answer_rec *
answerscan_lookup(const struct answer_set *s, const char *model,
    const char *qid)
{
	const struct model_avg *m = find_model(s, model);
	size_t lo, hi;

	if (m == NULL)
		return NULL;
	lo = m->first;
	hi = m->first + m->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->recs[mid].question_id, qid);

		if (c == 0)
			return &s->recs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

long long
answerscan_avg_tokens(const struct answer_set *s, const char *model,
    int *found)
{
	const struct model_avg *m = find_model(s, model);

	if (found != NULL)
		*found = m != NULL;
	return m != NULL ? m->avg : 0;
}

int
answerscan_has_model(const struct answer_set *s, const char *model)
{
	return find_model(s, model) != NULL;
}

size_t
answerscan_count(const struct answer_set *s)
{
	return s->n;
}
