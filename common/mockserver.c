/* mockserver.c: mock-llm's single-threaded epoll HTTP/1.1 server. */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "mockserver.h"
#include "ratewin.h"

#define MAX_HEAD	(64 * 1024)
#define MAX_BODY	(64 * 1024 * 1024)
#define READ_CHUNK	(64 * 1024)
/* Unparsed input a busy connection may buffer before we stop reading. */
#define MAX_PENDING_IN	((size_t)MAX_BODY + MAX_HEAD)
/* Unsent output above which pipelined requests wait. */
#define MAX_PENDING_OUT	(4 * 1024 * 1024)
/* Buffers larger than this are freed when they become empty. */
#define KEEP_CAP	(1024 * 1024)
#define NO_HEAP		SIZE_MAX

struct conn {
	int fd;
	struct buf in;		/* received; in.p[in_off..] unparsed */
	size_t in_off;
	struct buf out;		/* to send; out.p[out_off..] unsent */
	size_t out_off;
	struct buf held;	/* a delayed response */
	size_t held_send;	/* how much of held to send */
	enum mockreply_action held_action;
	int held_close;		/* close after the held response */
	int busy;		/* a delayed response is pending */
	int close_after;	/* close once out is flushed */
	int reset_after;	/* reset once out is flushed */
	int eof;		/* the peer will send nothing more */
	int continue_sent;	/* "100 Continue" sent for this request */
	int work;		/* counted in the server's n_work */
	long long deadline;	/* of the delayed response, monotonic ms */
	size_t heap_idx;
	struct conn *prev, *next;	/* every open connection */
};

/* One log line's fields; NULL / negative values are written as null. */
struct log_entry {
	const char *method, *path;
	size_t method_len, path_len;
	int api;			/* enum mockreply_api, or -1 */
	const char *model;
	size_t model_len;
	int kind;			/* enum mockreply_kind, or -1 */
	const unsigned char *hash;
	long long arrival;
	int fault;
	int status;			/* 0: none sent */
	const char *verdict;
	long latency_ms;
	long long prompt_tokens;	/* the usage sent, -1: none */
	long long completion_tokens;
	int auth;
};

struct arrival_slot {
	unsigned char h[HASH_LEN];
	unsigned long long count;	/* 0: empty slot */
};

struct mockserver {
	const struct mockreply_config *cfg;
	const char *require_key;
	unsigned long long max_requests;
	long long idle_ms;
	int lfd;			/* listening socket, -1 when closed */
	int ep;
	int log_fd;
	int port;
	char addr[64];
	int accept_paused;
	long long accept_resume;
	unsigned long long served;	/* requests answered (logged) */
	int draining;			/* max-requests reached */
	long long last_request;		/* monotonic ms */
	size_t n_work;			/* connections with output due */
	struct conn *conns;		/* list of open connections */
	struct conn **heap;		/* delayed responses by deadline */
	size_t heap_len, heap_cap;
	struct arrival_slot *arr;	/* arrivals per distinct h */
	size_t arr_cap, arr_len;
	struct buf scratch;		/* response bodies */
	struct ratewin limits;		/* --rpm, --tpm */
	struct buf limit_headers;	/* of the reply being composed */
	struct buf logline;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000) / 1e6;
}

/* ---- the timer heap (delayed responses) ---- */

static void
heap_set(struct mockserver *s, size_t i, struct conn *c)
{
	s->heap[i] = c;
	c->heap_idx = i;
}

static void
heap_up(struct mockserver *s, size_t i)
{
	struct conn *c = s->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (s->heap[p]->deadline <= c->deadline)
			break;
		heap_set(s, i, s->heap[p]);
		i = p;
	}
	heap_set(s, i, c);
}

static void
heap_down(struct mockserver *s, size_t i)
{
	struct conn *c = s->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= s->heap_len)
			break;
		if (l + 1 < s->heap_len &&
		    s->heap[l + 1]->deadline < s->heap[l]->deadline)
			m = l + 1;
		if (s->heap[m]->deadline >= c->deadline)
			break;
		heap_set(s, i, s->heap[m]);
		i = m;
	}
	heap_set(s, i, c);
}

static void
heap_push(struct mockserver *s, struct conn *c)
{
	if (s->heap_len == s->heap_cap) {
		s->heap_cap = s->heap_cap ? 2 * s->heap_cap : 64;
		s->heap = xrealloc(s->heap, s->heap_cap * sizeof(*s->heap));
	}
	s->heap[s->heap_len++] = c;
	heap_up(s, s->heap_len - 1);
}

static void
heap_remove(struct mockserver *s, struct conn *c)
{
	size_t i = c->heap_idx;
	struct conn *last;

	if (i == NO_HEAP)
		return;
	c->heap_idx = NO_HEAP;
	last = s->heap[--s->heap_len];
	if (i == s->heap_len)
		return;
	heap_set(s, i, last);
	heap_up(s, i);
	heap_down(s, last->heap_idx);
}

/* ---- arrival counts ---- */

static size_t
arr_slot(const struct arrival_slot *a, size_t cap, const unsigned char *h)
{
	size_t i = (size_t)hash_u64be(h) & (cap - 1);

	while (a[i].count != 0 && memcmp(a[i].h, h, HASH_LEN) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Count one arrival of h; returns how many came before it. */
static unsigned long long
arrival_bump(struct mockserver *s, const unsigned char *h)
{
	size_t i;

	if (2 * (s->arr_len + 1) > s->arr_cap) {
		size_t cap = s->arr_cap ? 2 * s->arr_cap : 1024, j;
		struct arrival_slot *a = xcalloc(cap, sizeof(*a));

		for (j = 0; j < s->arr_cap; j++)
			if (s->arr[j].count != 0)
				a[arr_slot(a, cap, s->arr[j].h)] = s->arr[j];
		free(s->arr);
		s->arr = a;
		s->arr_cap = cap;
	}
	i = arr_slot(s->arr, s->arr_cap, h);
	if (s->arr[i].count == 0) {
		memcpy(s->arr[i].h, h, HASH_LEN);
		s->arr_len++;
	}
	return s->arr[i].count++;
}

/* ---- the log ---- */

/* Append n bytes as a JSON string, each byte outside '!'..'~' as '?'. */
static void
add_token(struct buf *b, const char *p, size_t n)
{
	char tmp[512];
	size_t i;

	if (p == NULL) {
		buf_adds(b, "null");
		return;
	}
	if (n > sizeof(tmp))
		n = sizeof(tmp);
	for (i = 0; i < n; i++)
		tmp[i] = p[i] > ' ' && p[i] < 0x7F ? p[i] : '?';
	jsonw_string(b, tmp, n, 0);
}

static void
log_request(struct mockserver *s, const struct log_entry *e)
{
	struct buf *b = &s->logline;
	char hex[2 * HASH_LEN + 1];
	const char *f = e->fault >= 0 ?
	    mockreply_fault_name((enum mockreply_fault)e->fault) : NULL;
	ssize_t w;

	s->served++;
	s->last_request = now_ms();
	if (s->max_requests != 0 && s->served >= s->max_requests)
		s->draining = 1;
	if (s->log_fd == -1)
		return;
	buf_reset(b);
	buf_printf(b, "{\"seq\": %llu, \"ts\": ", s->served - 1);
	jsonw_double(b, wall_time());
	buf_adds(b, ", \"method\": ");
	add_token(b, e->method, e->method_len);
	buf_adds(b, ", \"path\": ");
	add_token(b, e->path, e->path_len);
	buf_adds(b, ", \"api\": ");
	buf_adds(b, e->api == MOCKREPLY_OPENAI ? "\"openai\"" :
	    e->api == MOCKREPLY_ANTHROPIC ? "\"anthropic\"" : "null");
	buf_adds(b, ", \"model\": ");
	if (e->model != NULL)
		jsonw_string(b, e->model, e->model_len, 0);
	else
		buf_adds(b, "null");
	buf_adds(b, ", \"kind\": ");
	buf_adds(b, e->kind == MOCKREPLY_KIND_ANSWER ? "\"answer\"" :
	    e->kind == MOCKREPLY_KIND_JUDGE ? "\"judge\"" :
	    e->kind == MOCKREPLY_KIND_GRADE ? "\"grade\"" : "null");
	buf_adds(b, ", \"hash\": ");
	if (e->hash != NULL) {
		hash_hex(e->hash, HASH_LEN, hex);
		buf_printf(b, "\"%s\"", hex);
	} else
		buf_adds(b, "null");
	if (e->arrival >= 0)
		buf_printf(b, ", \"arrival\": %lld", e->arrival);
	else
		buf_adds(b, ", \"arrival\": null");
	buf_adds(b, ", \"fault\": ");
	if (f != NULL)
		buf_printf(b, "\"%s\"", f);
	else
		buf_adds(b, "null");
	if (e->status > 0)
		buf_printf(b, ", \"status\": %d", e->status);
	else
		buf_adds(b, ", \"status\": null");
	buf_adds(b, ", \"verdict\": ");
	if (e->verdict != NULL)
		jsonw_string(b, e->verdict, strlen(e->verdict), 0);
	else
		buf_adds(b, "null");
	buf_printf(b, ", \"latency_ms\": %ld", e->latency_ms);
	if (e->prompt_tokens >= 0)
		buf_printf(b, ", \"prompt_tokens\": %lld, \"completion_tokens\": "
		    "%lld", e->prompt_tokens, e->completion_tokens);
	else
		buf_adds(b, ", \"prompt_tokens\": null, \"completion_tokens\": "
		    "null");
	buf_printf(b, ", \"auth\": \"%s\"}\n", e->auth ? "present" :
	    "absent");
	/* One write per line: O_APPEND keeps lines whole. */
	do
		w = write(s->log_fd, b->p, b->len);
	while (w == -1 && errno == EINTR);
}

/* ---- connections ---- */

static void
update_work(struct mockserver *s, struct conn *c)
{
	int w = c->busy || c->out_off < c->out.len;

	if (w != c->work) {
		if (w)
			s->n_work++;
		else
			s->n_work--;
		c->work = w;
	}
}

static void
conn_close(struct mockserver *s, struct conn *c, int reset)
{
	if (reset) {
		struct linger l = { 1, 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	heap_remove(s, c);
	c->busy = 0;
	c->out_off = c->out.len;
	update_work(s, c);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	/* close() also removes the descriptor from the epoll set. */
	close(c->fd);
	buf_release(&c->in);
	buf_release(&c->out);
	buf_release(&c->held);
	free(c);
}

/* Send what is pending.  Returns -1 when the connection was closed. */
static int
conn_flush(struct mockserver *s, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off,
		    c->out.len - c->out_off, MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		conn_close(s, c, 0);
		return -1;
	}
	if (c->out_off == c->out.len) {
		if (c->out.cap > KEEP_CAP)
			buf_release(&c->out);
		else
			buf_reset(&c->out);
		c->out_off = 0;
		if (c->reset_after || c->close_after) {
			conn_close(s, c, c->reset_after);
			return -1;
		}
	}
	update_work(s, c);
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/*
 * Put a whole response into the connection's held buffer: head, and body
 * unless head_only.  The action says how much of it goes out.
 */
static void
compose(struct conn *c, int status, const char *ctype, const char *body,
    size_t len, long retry_after, const struct buf *extra, int close,
    int keep10, int head_only, enum mockreply_action action)
{
	struct buf *h = &c->held;
	size_t head;

	buf_reset(h);
	buf_printf(h, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n", status, reason(status), ctype, len);
	if (retry_after > 0)
		buf_printf(h, "Retry-After: %ld\r\n", retry_after);
	if (extra != NULL)
		buf_add(h, extra->p, extra->len);
	if (close)
		buf_adds(h, "Connection: close\r\n");
	else if (keep10)
		buf_adds(h, "Connection: keep-alive\r\n");
	buf_adds(h, "\r\n");
	head = h->len;
	if (!head_only)
		buf_add(h, body, len);
	c->held_action = action;
	c->held_close = close;
	switch (action) {
	case MOCKREPLY_RESET:
		c->held_send = 0;
		break;
	case MOCKREPLY_TRUNCATE:
		/* Announce the whole body, send half of it. */
		c->held_send = head + len / 2;
		break;
	default:
		c->held_send = h->len;
		break;
	}
}

static int conn_pump(struct mockserver *s, struct conn *c);

/* Move the held response to the output.  Returns -1 if closed. */
static int
release_held(struct mockserver *s, struct conn *c)
{
	buf_add(&c->out, c->held.p, c->held_send);
	if (c->held.cap > KEEP_CAP)
		buf_release(&c->held);
	else
		buf_reset(&c->held);
	c->busy = 0;
	if (c->held_action == MOCKREPLY_RESET)
		c->reset_after = 1;
	else if (c->held_action == MOCKREPLY_TRUNCATE || c->held_close)
		c->close_after = 1;
	return conn_flush(s, c);
}

/* Send the held response now, or after delay_ms. */
static int
schedule(struct mockserver *s, struct conn *c, long delay_ms)
{
	if (delay_ms <= 0)
		return release_held(s, c);
	c->busy = 1;
	c->deadline = now_ms() + delay_ms;
	heap_push(s, c);
	update_work(s, c);
	return 0;
}

/* ---- HTTP parsing ---- */

static int
token_eq(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && strncasecmp(p, s, n) == 0;
}

/* Does the comma-separated list p[0..n) hold token t? */
static int
has_token(const char *p, size_t n, const char *t)
{
	const char *end = p + n;

	while (p < end) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		const char *e = q != NULL ? q : end;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (token_eq(p, (size_t)(e - p), t))
			return 1;
		p = q != NULL ? q + 1 : end;
	}
	return 0;
}

/* The length of the head (through its empty line), or 0 if incomplete. */
static size_t
head_length(const char *p, size_t n)
{
	size_t i = 0;

	for (;;) {
		const char *nl = memchr(p + i, '\n', n - i);

		if (nl == NULL)
			return 0;
		i = (size_t)(nl - p) + 1;
		if (i < n && p[i] == '\n')
			return i + 1;
		if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
		if (i >= n || (i + 1 >= n && p[i] == '\r'))
			return 0;
	}
}

/*
 * Parse the complete head p[0..n).  Returns 0, or the status of a
 * malformed request (400).
 */
static int
parse_fields(const char *p, size_t n, struct mockserver_req *q)
{
	const char *end = p + n, *line, *eol, *sp1, *sp2;
	size_t len;

	memset(q, 0, sizeof(*q));
	q->clen = -1;
	eol = memchr(p, '\n', n);
	len = (size_t)(eol - p);
	if (len > 0 && p[len - 1] == '\r')
		len--;
	sp1 = memchr(p, ' ', len);
	if (sp1 == NULL)
		return 400;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p));
	if (sp2 == NULL || sp1 == p || sp2 == sp1 + 1)
		return 400;
	q->method = p;
	q->method_len = (size_t)(sp1 - p);
	q->target = sp1 + 1;
	q->target_len = (size_t)(sp2 - sp1 - 1);
	if (p + len - (sp2 + 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    sp2[8] < '0' || sp2[8] > '9')
		return 400;
	q->minor = sp2[8] - '0';
	for (line = eol + 1; line < end; line = eol + 1) {
		const char *colon, *v, *ve;

		eol = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)(eol - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			break;
		colon = memchr(line, ':', len);
		if (colon == NULL || colon == line)
			return 400;
		v = colon + 1;
		ve = line + len;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
#define NAME(s)	token_eq(line, (size_t)(colon - line), s)
		if (NAME("content-length")) {
			unsigned long long cl = 0;
			const char *d;

			if (v == ve)
				return 400;
			for (d = v; d < ve; d++) {
				if (*d < '0' || *d > '9' || cl > 1ULL << 50)
					return 400;
				cl = cl * 10 + (unsigned)(*d - '0');
			}
			if (q->clen >= 0 && (unsigned long long)q->clen != cl)
				return 400;
			q->clen = (long long)cl;
		} else if (NAME("transfer-encoding"))
			q->te = 1;
		else if (NAME("connection")) {
			if (has_token(v, (size_t)(ve - v), "close"))
				q->conn_close = 1;
			if (has_token(v, (size_t)(ve - v), "keep-alive"))
				q->conn_keep = 1;
		} else if (NAME("expect"))
			q->expect = token_eq(v, (size_t)(ve - v),
			    "100-continue");
		else if (NAME("authorization")) {
			q->authz = v;
			q->authz_len = (size_t)(ve - v);
			q->has_authz = 1;
		} else if (NAME("x-api-key")) {
			q->xkey = v;
			q->xkey_len = (size_t)(ve - v);
			q->has_xkey = 1;
		}
#undef NAME
	}
	return 0;
}

int
mockserver_parse_head(const char *p, size_t n, struct mockserver_req *q,
    size_t *head_len)
{
	size_t hl = head_length(p, n);

	*head_len = 0;
	if (hl == 0)
		return n > MAX_HEAD ? 431 : 0;
	if (hl > MAX_HEAD)
		return 431;
	*head_len = hl;
	return parse_fields(p, hl, q);
}

static int
wants_close(const struct mockserver_req *q)
{
	if (q->minor == 0)
		return !q->conn_keep;
	return q->conn_close;
}

/* ---- requests ---- */

enum route {
	ROUTE_NONE,
	ROUTE_HEALTH,
	ROUTE_OPENAI,
	ROUTE_ANTHROPIC,
};

static enum route
route_of(const char *path, size_t n)
{
	if (n == 7 && memcmp(path, "/health", n) == 0)
		return ROUTE_HEALTH;
	if ((n == 20 && memcmp(path, "/v1/chat/completions", n) == 0) ||
	    (n == 17 && memcmp(path, "/chat/completions", n) == 0))
		return ROUTE_OPENAI;
	if (n == 12 && memcmp(path, "/v1/messages", n) == 0)
		return ROUTE_ANTHROPIC;
	return ROUTE_NONE;
}

static int
key_ok(const struct mockserver *s, const struct mockserver_req *q, int api)
{
	size_t n = strlen(s->require_key);

	if (api == MOCKREPLY_ANTHROPIC)
		return q->has_xkey && q->xkey_len == n &&
		    memcmp(q->xkey, s->require_key, n) == 0;
	return q->has_authz && q->authz_len == n + 7 &&
	    strncasecmp(q->authz, "Bearer ", 7) == 0 &&
	    memcmp(q->authz + 7, s->require_key, n) == 0;
}

/*
 * Answer an error (or the health check) on connection c and log it.
 * Returns -1 if the connection was closed.
 */
static int
respond_simple(struct mockserver *s, struct conn *c, struct log_entry *e,
    int api, int status, const char *msg, int close, int keep10,
    int head_only)
{
	struct buf *b = &s->scratch;

	buf_reset(b);
	e->status = status;
	log_request(s, e);
	if (status == 200) {
		buf_adds(b, "ok\n");
		compose(c, 200, "text/plain; charset=utf-8", b->p, b->len, 0,
		    NULL, close, keep10, head_only, MOCKREPLY_SEND);
	} else {
		mockreply_error_body(api < 0 ? MOCKREPLY_OPENAI :
		    (enum mockreply_api)api, status, msg, b);
		compose(c, status, "application/json", b->p, b->len, 0, NULL,
		    close, keep10, head_only, MOCKREPLY_SEND);
	}
	return release_held(s, c);
}

/* A duration as OpenAI's reset headers write it: "20ms", "1.5s", "6m0s". */
static void
add_duration(struct buf *b, long long ms)
{
	if (ms < 1000)
		buf_printf(b, "%lldms", ms);
	else if (ms < 60000)
		buf_printf(b, "%gs", (double)ms / 1000);
	else
		buf_printf(b, "%lldm%gs", ms / 60000,
		    (double)(ms % 60000) / 1000);
}

/* The headers of one limit (what: "requests", "tokens") in api's style. */
static void
add_limit(struct buf *b, int api, const char *what,
    const struct ratewin_state *st)
{
	char when[32];
	time_t t;
	struct tm tm;

	if (st->limit == 0)
		return;
	if (api == MOCKREPLY_ANTHROPIC) {
		/* The time it is whole again, to the second above. */
		t = (time_t)ceil(wall_time() + (double)st->reset_ms / 1000);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_printf(b, "anthropic-ratelimit-%s-limit: %lld\r\n"
		    "anthropic-ratelimit-%s-remaining: %lld\r\n"
		    "anthropic-ratelimit-%s-reset: %s\r\n", what, st->limit,
		    what, st->remaining, what, when);
		return;
	}
	buf_printf(b, "x-ratelimit-limit-%s: %lld\r\n"
	    "x-ratelimit-remaining-%s: %lld\r\nx-ratelimit-reset-%s: ", what,
	    st->limit, what, st->remaining, what);
	add_duration(b, st->reset_ms);
	buf_adds(b, "\r\n");
}

/*
 * --rpm, --tpm: admit the request whose reply is res, counting the tokens
 * of its usage, or refuse it.  Either way s->limit_headers receives the
 * limits' headers in api's style.  Returns 0 when admitted, else the
 * milliseconds until it would be, and which limit it passes in *what.
 */
static long long
rate_check(struct mockserver *s, int api, const struct mockreply_result *res,
    const char **what)
{
	struct ratewin_state rq, tk;
	long long now = now_ms(), tokens = 0, wait;

	buf_reset(&s->limit_headers);
	if (s->limits.rpm == 0 && s->limits.tpm == 0)
		return 0;
	if (res->prompt_tokens > 0)
		tokens += res->prompt_tokens;
	if (res->completion_tokens > 0)
		tokens += res->completion_tokens;
	wait = ratewin_admit(&s->limits, tokens, now);
	if (wait < 0)
		wait = 0;		/* out of memory: let it through */
	ratewin_state(&s->limits, now, &rq, &tk);
	add_limit(&s->limit_headers, api, "requests", &rq);
	add_limit(&s->limit_headers, api, "tokens", &tk);
	*what = rq.limit > 0 && rq.remaining == 0 ? "requests" : "tokens";
	return wait;
}

static int
handle_api(struct mockserver *s, struct conn *c,
    const struct mockserver_req *q, struct log_entry *e, const char *body,
    size_t len, int close, int keep10)
{
	struct mockreply_request r;
	struct mockreply_result res;
	struct buf *b = &s->scratch;
	struct diag d;
	unsigned long long n;
	const char *ctype = "application/json", *what;
	long long wait;
	char msg[96];

	if (s->require_key != NULL && !key_ok(s, q, e->api))
		return respond_simple(s, c, e, e->api, 401,
		    e->api == MOCKREPLY_ANTHROPIC ? "invalid x-api-key" :
		    "Incorrect API key provided", close, keep10, 0);
	diag_clear(&d);
	if (mockreply_request_parse(&r, (enum mockreply_api)e->api, body, len,
	    s->cfg->seed, &d) == -1) {
		int rc;

		if (r.model != NULL) {
			e->model = r.model;
			e->model_len = r.model_len;
		}
		rc = respond_simple(s, c, e, e->api, 400, d.msg, close,
		    keep10, 0);
		mockreply_request_release(&r);
		return rc;
	}
	n = arrival_bump(s, r.h);
	buf_reset(b);
	mockreply_respond(s->cfg, &r, n, (long long)time(NULL), &res, b);
	e->model = r.model;
	e->model_len = r.model_len;
	if ((wait = rate_check(s, e->api, &res, &what)) > 0) {
		/* Over a limit: 429 at once, told when to come back. */
		if (e->api == MOCKREPLY_OPENAI)
			buf_printf(&s->limit_headers, "retry-after-ms: %lld\r\n",
			    wait);
		snprintf(msg, sizeof(msg), "rate limit reached: %lld %s per "
		    "minute", what[0] == 'r' ? s->limits.rpm : s->limits.tpm,
		    what);
		buf_reset(b);
		mockreply_error_body((enum mockreply_api)e->api, 429, msg, b);
		e->kind = (int)res.kind;
		e->hash = r.h;
		e->arrival = (long long)n;
		e->status = 429;
		log_request(s, e);
		compose(c, 429, ctype, b->p, b->len, (long)((wait + 999) / 1000),
		    &s->limit_headers, close, keep10, 0, MOCKREPLY_SEND);
		mockreply_request_release(&r);
		return release_held(s, c);
	}
	e->kind = (int)res.kind;
	e->hash = r.h;
	e->arrival = (long long)n;
	e->fault = (int)res.fault;
	e->status = res.status;
	e->verdict = res.verdict;
	e->latency_ms = res.delay_ms;
	e->prompt_tokens = res.prompt_tokens;
	e->completion_tokens = res.completion_tokens;
	log_request(s, e);
	compose(c, res.status ? res.status : 200, ctype, b->p, b->len,
	    res.retry_after_s, &s->limit_headers, close, keep10, 0,
	    res.action);
	mockreply_request_release(&r);
	return schedule(s, c, res.delay_ms);
}

/*
 * Handle one complete request.  Returns -1 if the connection was closed.
 */
static int
handle(struct mockserver *s, struct conn *c, const struct mockserver_req *q,
    const char *body, size_t len)
{
	struct log_entry e;
	const char *qm = memchr(q->target, '?', q->target_len);
	size_t plen = qm != NULL ? (size_t)(qm - q->target) : q->target_len;
	enum route rt = route_of(q->target, plen);
	int close = wants_close(q), keep10 = q->minor == 0 && !close;
	int get = q->method_len == 3 && memcmp(q->method, "GET", 3) == 0;
	int head = q->method_len == 4 && memcmp(q->method, "HEAD", 4) == 0;
	int post = q->method_len == 4 && memcmp(q->method, "POST", 4) == 0;

	memset(&e, 0, sizeof(e));
	e.prompt_tokens = e.completion_tokens = -1;
	e.method = q->method;
	e.method_len = q->method_len;
	e.path = q->target;
	e.path_len = plen;
	e.api = rt == ROUTE_OPENAI ? MOCKREPLY_OPENAI :
	    rt == ROUTE_ANTHROPIC ? MOCKREPLY_ANTHROPIC : -1;
	e.kind = -1;
	e.arrival = -1;
	e.fault = -1;
	if (e.api == MOCKREPLY_ANTHROPIC)
		e.auth = q->has_xkey;
	else if (e.api == MOCKREPLY_OPENAI)
		e.auth = q->has_authz;
	else
		e.auth = q->has_xkey || q->has_authz;
	switch (rt) {
	case ROUTE_HEALTH:
		if (!get && !head)
			return respond_simple(s, c, &e, -1, 405,
			    "method not allowed", close, keep10, 0);
		return respond_simple(s, c, &e, -1, 200, NULL, close, keep10,
		    head);
	case ROUTE_OPENAI:
	case ROUTE_ANTHROPIC:
		if (!post)
			return respond_simple(s, c, &e, e.api, 405,
			    "method not allowed", close, keep10, head);
		return handle_api(s, c, q, &e, body, len, close, keep10);
	default:
		return respond_simple(s, c, &e, -1, 404, "not found", close,
		    keep10, head);
	}
}

/*
 * A request that cannot be framed: answer with status and close.
 */
static int
reject(struct mockserver *s, struct conn *c, const struct mockserver_req *q,
    int status, const char *msg)
{
	struct log_entry e;

	memset(&e, 0, sizeof(e));
	e.prompt_tokens = e.completion_tokens = -1;
	if (q != NULL) {
		const char *qm = memchr(q->target, '?', q->target_len);

		e.method = q->method;
		e.method_len = q->method_len;
		e.path = q->target;
		e.path_len = qm != NULL ? (size_t)(qm - q->target) :
		    q->target_len;
		e.auth = q->has_xkey || q->has_authz;
	}
	e.api = e.kind = e.fault = -1;
	e.arrival = -1;
	c->in_off = c->in.len;
	return respond_simple(s, c, &e, -1, status, msg, 1, 0, 0);
}

/*
 * Parse and answer the complete requests in c's input, in order.
 * Returns -1 if the connection was closed.
 */
static int
conn_process(struct mockserver *s, struct conn *c)
{
	while (!c->busy && !c->close_after && !c->reset_after &&
	    !s->draining && c->out.len - c->out_off < MAX_PENDING_OUT) {
		const char *p = c->in.p + c->in_off;
		size_t avail = c->in.len - c->in_off, hl;
		struct mockserver_req q;
		int st;

		/* Tolerate empty lines between requests (RFC 9112 2.2). */
		while (avail > 0 && (*p == '\r' || *p == '\n')) {
			p++;
			avail--;
			c->in_off++;
		}
		if (avail == 0)
			break;
		st = mockserver_parse_head(p, avail, &q, &hl);
		if (st != 0)
			return reject(s, c, NULL, st, st == 431 ?
			    "request head too large" : "malformed request");
		if (hl == 0)
			break;
		if (q.te)
			return reject(s, c, &q, 411,
			    "chunked request bodies are not supported; "
			    "send Content-Length");
		if (q.clen > MAX_BODY)
			return reject(s, c, &q, 413,
			    "request body larger than 64 MiB");
		if (q.clen < 0 && q.method_len == 4 &&
		    memcmp(q.method, "POST", 4) == 0)
			return reject(s, c, &q, 411,
			    "Content-Length required");
		if (q.clen < 0)
			q.clen = 0;
		if (avail - hl < (size_t)q.clen) {
			/* Make room for the whole body at once. */
			buf_grow(&c->in, hl + (size_t)q.clen - avail);
			if (q.expect && !c->continue_sent) {
				c->continue_sent = 1;
				buf_adds(&c->out,
				    "HTTP/1.1 100 Continue\r\n\r\n");
				if (conn_flush(s, c) == -1)
					return -1;
			}
			break;
		}
		c->continue_sent = 0;
		c->in_off += hl + (size_t)q.clen;
		if (handle(s, c, &q, p + hl, (size_t)q.clen) == -1)
			return -1;
	}
	/* Drop parsed input; keep what is left at the start. */
	if (c->in_off == c->in.len) {
		if (c->in.cap > KEEP_CAP)
			buf_release(&c->in);
		else
			buf_reset(&c->in);
		c->in_off = 0;
	} else if (c->in_off > 0) {
		memmove(c->in.p, c->in.p + c->in_off, c->in.len - c->in_off);
		c->in.len -= c->in_off;
		c->in.p[c->in.len] = '\0';
		c->in_off = 0;
	}
	return 0;
}

/*
 * Read what the socket has (edge-triggered: until EAGAIN), answer what is
 * complete, and repeat while reading was paused for lack of room.
 * Returns -1 if the connection was closed.
 */
static int
conn_pump(struct mockserver *s, struct conn *c)
{
	for (;;) {
		int paused = 0;

		while (!c->eof) {
			ssize_t n;

			if (c->in.len - c->in_off >= MAX_PENDING_IN) {
				paused = 1;
				break;
			}
			buf_grow(&c->in, READ_CHUNK);
			n = recv(c->fd, c->in.p + c->in.len,
			    c->in.cap - c->in.len - 1, 0);
			if (n > 0) {
				c->in.len += (size_t)n;
				c->in.p[c->in.len] = '\0';
			} else if (n == 0)
				c->eof = 1;
			else if (errno == EINTR)
				continue;
			else if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			else {
				conn_close(s, c, 0);
				return -1;
			}
		}
		if (conn_process(s, c) == -1)
			return -1;
		if (!paused || c->busy || c->in.len - c->in_off >=
		    MAX_PENDING_IN)
			break;
	}
	if (c->eof && !c->busy && !s->draining &&
	    c->out.len - c->out_off < MAX_PENDING_OUT) {
		/* Nothing more will come: finish what is queued and close. */
		c->close_after = 1;
		return conn_flush(s, c);
	}
	return 0;
}

static void
accept_all(struct mockserver *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
		struct epoll_event ev;
		struct conn *c;

		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of descriptors: retry in 100 ms. */
				memset(&ev, 0, sizeof(ev));
				ev.data.ptr = NULL;
				epoll_ctl(s->ep, EPOLL_CTL_MOD, s->lfd, &ev);
				s->accept_paused = 1;
				s->accept_resume = now_ms() + 100;
			}
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->heap_idx = NO_HEAP;
		buf_init(&c->in);
		buf_init(&c->out);
		buf_init(&c->held);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = c;
		s->conns = c;
	}
}

/* ---- setup ---- */

static int
loopback_addr(const char *a, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strcmp(a, "localhost") == 0)
		a = "127.0.0.1";
	if (inet_pton(AF_INET, a, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		*len = sizeof(*v4);
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (inet_pton(AF_INET6, a, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		*len = sizeof(*v6);
		return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
	}
	return 0;
}

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct mockserver *
mockserver_new(const struct mockserver_opts *o, struct diag *d)
{
	const char *bind_to = o->bind != NULL ? o->bind : "127.0.0.1";
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	struct mockserver *s;
	struct epoll_event ev;
	int one = 1;

	if (!loopback_addr(bind_to, &ss, &sl)) {
		diag_set(d, EX_USAGE, NULL, 0,
		    "refusing to bind '%s': only loopback addresses "
		    "(127.0.0.1, ::1) are allowed", bind_to);
		return NULL;
	}
	if (o->port < 0 || o->port > 65535) {
		diag_set(d, EX_USAGE, NULL, 0, "invalid port %d", o->port);
		return NULL;
	}
	raise_nofile();
	s = xcalloc(1, sizeof(*s));
	s->cfg = o->reply;
	s->require_key = o->require_key;
	s->max_requests = o->max_requests;
	s->idle_ms = (long long)(o->idle_exit_s * 1000 + 0.5);
	s->lfd = s->ep = s->log_fd = -1;
	buf_init(&s->scratch);
	buf_init(&s->limit_headers);
	ratewin_init(&s->limits, o->rpm, o->tpm, 60000);
	buf_init(&s->logline);
	if (o->log_path != NULL) {
		s->log_fd = open(o->log_path,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (s->log_fd == -1) {
			diag_set(d, EX_CANTCREAT, NULL, 0,
			    "cannot open log '%s': %s", o->log_path,
			    strerror(errno));
			goto fail;
		}
	}
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port =
		    htons((uint16_t)o->port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port =
		    htons((uint16_t)o->port);
	s->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (s->lfd == -1) {
		diag_set(d, EX_OSERR, NULL, 0, "socket: %s", strerror(errno));
		goto fail;
	}
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(s->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&ss, sl) == -1) {
		diag_set(d, EX_UNAVAILABLE, NULL, 0,
		    "cannot bind %s port %d: %s", bind_to, o->port,
		    strerror(errno));
		goto fail;
	}
	if (listen(s->lfd, 4096) == -1) {
		diag_set(d, EX_OSERR, NULL, 0, "listen: %s", strerror(errno));
		goto fail;
	}
	sl = sizeof(ss);
	getsockname(s->lfd, (struct sockaddr *)&ss, &sl);
	if (ss.ss_family == AF_INET) {
		char a[INET_ADDRSTRLEN];
		struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
		s->port = ntohs(v4->sin_port);
		snprintf(s->addr, sizeof(s->addr), "%s:%d", a, s->port);
	} else {
		char a[INET6_ADDRSTRLEN];
		struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
		s->port = ntohs(v6->sin6_port);
		snprintf(s->addr, sizeof(s->addr), "[%s]:%d", a, s->port);
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep == -1) {
		diag_set(d, EX_OSERR, NULL, 0, "epoll: %s", strerror(errno));
		goto fail;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;		/* NULL marks the listener */
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &ev) == -1) {
		diag_set(d, EX_OSERR, NULL, 0, "epoll: %s", strerror(errno));
		goto fail;
	}
	return s;
fail:
	mockserver_free(s);
	return NULL;
}

int
mockserver_port(const struct mockserver *s)
{
	return s->port;
}

const char *
mockserver_address(const struct mockserver *s)
{
	return s->addr;
}

unsigned long long
mockserver_requests(const struct mockserver *s)
{
	return s->served;
}

/* ---- the loop ---- */

static void
close_listener(struct mockserver *s)
{
	if (s->lfd != -1) {
		close(s->lfd);
		s->lfd = -1;
	}
}

/* Milliseconds epoll may wait: the next timer, accept retry or idle exit. */
static int
wait_ms(const struct mockserver *s, long long now)
{
	long long t = -1, dl;

	if (s->heap_len > 0)
		t = s->heap[0]->deadline;
	if (s->accept_paused && (t < 0 || s->accept_resume < t))
		t = s->accept_resume;
	if (s->idle_ms > 0 && s->n_work == 0) {
		dl = s->last_request + s->idle_ms;
		if (t < 0 || dl < t)
			t = dl;
	}
	if (t < 0)
		return -1;
	if (t <= now)
		return 0;
	return t - now > 60000 ? 60000 : (int)(t - now);
}

int
mockserver_run(struct mockserver *s, volatile sig_atomic_t *stop,
    const sigset_t *waitmask, struct diag *d)
{
	struct epoll_event evs[256];

	s->last_request = now_ms();
	while (stop == NULL || !*stop) {
		long long now;
		int n, i;

		if (s->draining) {
			close_listener(s);
			if (s->n_work == 0)
				break;
		}
		now = now_ms();
		if (s->idle_ms > 0 && s->n_work == 0 &&
		    now - s->last_request >= s->idle_ms)
			break;
		n = epoll_pwait(s->ep, evs, 256, wait_ms(s, now), waitmask);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return diag_set(d, EX_OSERR, NULL, 0, "epoll_wait: %s",
			    strerror(errno));
		}
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			uint32_t ev = evs[i].events;

			if (c == NULL) {
				if (s->lfd != -1 && !s->draining)
					accept_all(s);
				continue;
			}
			if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
				if (conn_pump(s, c) == -1)
					continue;
			}
			if ((ev & EPOLLOUT) && c->out_off < c->out.len) {
				if (conn_flush(s, c) == -1)
					continue;
				/*
				 * Pipelined requests may have waited for the
				 * output to drain.
				 */
				if (c->out.len == 0 && !c->busy &&
				    c->in.len > c->in_off)
					conn_pump(s, c);
			}
		}
		now = now_ms();
		while (s->heap_len > 0 && s->heap[0]->deadline <= now) {
			struct conn *c = s->heap[0];

			heap_remove(s, c);
			if (release_held(s, c) == 0)
				conn_pump(s, c);
		}
		if (s->accept_paused && now >= s->accept_resume &&
		    s->lfd != -1) {
			struct epoll_event ev;

			memset(&ev, 0, sizeof(ev));
			ev.events = EPOLLIN;
			ev.data.ptr = NULL;
			epoll_ctl(s->ep, EPOLL_CTL_MOD, s->lfd, &ev);
			s->accept_paused = 0;
		}
	}
	return 0;
}

void
mockserver_free(struct mockserver *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_close(s, s->conns, 0);
	close_listener(s);
	if (s->ep != -1)
		close(s->ep);
	if (s->log_fd != -1)
		close(s->log_fd);
	free(s->heap);
	free(s->arr);
	buf_release(&s->scratch);
	buf_release(&s->limit_headers);
	ratewin_release(&s->limits);
	buf_release(&s->logline);
	free(s);
}
