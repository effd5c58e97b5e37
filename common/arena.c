/* arena.c: routes of the blind-voting server: battles, votes, the board. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "asset.h"
#include "battles.h"
#include "boardfmt.h"
#include "buf.h"
#include "hash.h"
#include "jsonl.h"
#include "jsonw.h"
#include "leaderboard.h"
#include "matrix.h"
#include "rng.h"
#include "statfmt.h"
#include "strmap.h"

#define ID_BYTES 16
#define MAX_BATTLES (1L << 20)		/* held at once, voted ones too */
#define MAX_QUESTION 16384		/* bytes of an own question */
#define VOTER_HEX 16			/* hex digits of a voter hash */

enum state { ISSUED, VOTING, VOTED };

/* A voter's own question and the two live answers to it. */
struct own {
	char *question;
	size_t qlen;
	char *text[2];
	size_t len[2];
	json_t *meta[2];
	size_t model[2];	/* live model indices: A, B */
	int pending, failed;
	struct arena *a;
	struct httpd_req *req;
	char voter[VOTER_HEX + 1];
};

struct battle {
	unsigned char id[ID_BYTES];
	struct battle *next;		/* hash chain */
	struct battle *older, *newer;	/* age list */
	time_t created;
	char voter[VOTER_HEX + 1];
	enum state state;
	size_t q, ma, mb;		/* offline: question, models A and B */
	struct own *own;		/* live: NULL offline */
};

/* What a vote waiting for its fsync needs afterwards. */
struct pending_vote {
	struct arena *a;
	struct httpd_req *req;
	unsigned char id[ID_BYTES];
	json_t *rec;		/* the short record for the board */
	char *names;		/* the response body */
};

struct arena {
	struct arena_opts o;
	const struct arenadata *data;
	struct livecall *live;
	struct votelog *log;
	unsigned char salt[32];
	struct strmap tokens;	/* SHA-256 of a token -> index */
	size_t ntokens;
	pthread_mutex_t mu;	/* everything below */
	struct rng_xo rng;
	struct pairing *pairs;	/* offline models */
	struct pairing *livepairs;
	struct battle **buckets;
	size_t nbuckets, nbattles;
	struct battle *oldest, *newest;
	json_t *votes;		/* short records, log order */
	struct strmap voters;	/* voter hash -> index in own_count */
	long *own_count;
	size_t nvoters;
	long live_calls;
	size_t waiting;		/* requests owed an answer */
	int draining;
	/* The board, recomputed when votes were added. */
	pthread_mutex_t boardmu;
	char *board;
	size_t board_len, board_votes;
};

static void
seed_rng(struct rng_xo *r)
{
	uint64_t s[4];
	size_t i;

	if (getrandom(s, sizeof(s), 0) != (ssize_t)sizeof(s))
		s[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)r;
	for (i = 0; i < 4; i++)
		r->s[i] = s[i] | (i == 0);
}

struct arena *
arena_new(const struct arena_opts *o, const struct arenadata *data,
    struct livecall *live, char *const *tokens, size_t ntokens,
    const unsigned char salt[32])
{
	struct arena *a = xcalloc(1, sizeof(*a));
	size_t i, j;

	a->o = *o;
	a->data = data;
	a->live = live;
	memcpy(a->salt, salt, sizeof(a->salt));
	for (i = 0; i < ntokens; i++) {
		unsigned char h[HASH_LEN];

		hash_sha256(tokens[i], strlen(tokens[i]), h);
		strmap_put(&a->tokens, (const char *)h, HASH_LEN, i);
	}
	a->ntokens = ntokens;
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->boardmu, NULL);
	seed_rng(&a->rng);
	if (data != NULL && data->nmodels > 0) {
		a->pairs = pairing_new(data->nmodels, data->nq);
		for (i = 0; i < data->nmodels; i++)
			for (j = 0; j < data->nq; j++)
				if (arenadata_answer(data, i, j) != NULL)
					pairing_add(a->pairs, i, j);
		pairing_finish(a->pairs);
	}
	if (live != NULL) {
		a->livepairs = pairing_new(livecall_count(live), 1);
		for (i = 0; i < livecall_count(live); i++)
			pairing_add(a->livepairs, i, 0);
		pairing_finish(a->livepairs);
	}
	a->nbuckets = 1024;
	a->buckets = xcalloc(a->nbuckets, sizeof(*a->buckets));
	a->votes = json_array();
	return a;
}

static void
own_free(struct own *w)
{
	if (w == NULL)
		return;
	free(w->question);
	free(w->text[0]);
	free(w->text[1]);
	json_decref(w->meta[0]);
	json_decref(w->meta[1]);
	free(w);
}

void
arena_free(struct arena *a)
{
	struct battle *b, *next;

	if (a == NULL)
		return;
	for (b = a->oldest; b != NULL; b = next) {
		next = b->newer;
		own_free(b->own);
		free(b);
	}
	free(a->buckets);
	pairing_free(a->pairs);
	pairing_free(a->livepairs);
	json_decref(a->votes);
	strmap_release(&a->tokens);
	strmap_release(&a->voters);
	free(a->own_count);
	free(a->board);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->boardmu);
	free(a);
}

void
arena_set_log(struct arena *a, struct votelog *l)
{
	a->log = l;
}

size_t
arena_votes(struct arena *a)
{
	size_t n;

	pthread_mutex_lock(&a->mu);
	n = json_array_size(a->votes);
	pthread_mutex_unlock(&a->mu);
	return n;
}

size_t
arena_drain(struct arena *a)
{
	size_t n;

	pthread_mutex_lock(&a->mu);
	a->draining = 1;
	n = a->waiting;
	pthread_mutex_unlock(&a->mu);
	return n;
}

/* ---- the battle table (under a->mu) ---- */

static size_t
bucket_of(const struct arena *a, const unsigned char id[ID_BYTES])
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));	/* ids are random already */
	return (size_t)(h % a->nbuckets);
}

static void
table_grow(struct arena *a)
{
	struct battle **nb, *b;
	size_t i, n = a->nbuckets * 2;

	nb = xcalloc(n, sizeof(*nb));
	for (b = a->oldest; b != NULL; b = b->newer) {
		uint64_t h;

		memcpy(&h, b->id, sizeof(h));
		i = (size_t)(h % n);
		b->next = nb[i];
		nb[i] = b;
	}
	free(a->buckets);
	a->buckets = nb;
	a->nbuckets = n;
}

static struct battle *
table_find(struct arena *a, const unsigned char id[ID_BYTES])
{
	struct battle *b;

	for (b = a->buckets[bucket_of(a, id)]; b != NULL; b = b->next)
		if (memcmp(b->id, id, ID_BYTES) == 0)
			return b;
	return NULL;
}

static void
table_remove(struct arena *a, struct battle *b)
{
	struct battle **p = &a->buckets[bucket_of(a, b->id)];

	while (*p != b)
		p = &(*p)->next;
	*p = b->next;
	if (b->older != NULL)
		b->older->newer = b->newer;
	else
		a->oldest = b->newer;
	if (b->newer != NULL)
		b->newer->older = b->older;
	else
		a->newest = b->older;
	a->nbattles--;
	own_free(b->own);
	free(b);
}

/* Drop expired battles, and the oldest when the table is full. */
static void
table_expire(struct arena *a, time_t now)
{
	struct battle *b, *next;

	for (b = a->oldest; b != NULL; b = next) {
		next = b->newer;
		if (b->state == VOTING)
			continue;	/* its vote is being stored */
		if (now - b->created < a->o.ttl_s &&
		    a->nbattles < MAX_BATTLES)
			break;
		table_remove(a, b);
	}
}

static struct battle *
table_add(struct arena *a, const char *voter)
{
	struct battle *b = xcalloc(1, sizeof(*b));
	size_t i;

	do {
		if (getrandom(b->id, ID_BYTES, 0) != ID_BYTES)
			for (i = 0; i < ID_BYTES; i++)
				b->id[i] = (unsigned char)rng_xo_next(&a->rng);
	} while (table_find(a, b->id) != NULL);
	b->created = time(NULL);
	snprintf(b->voter, sizeof(b->voter), "%s", voter);
	if (a->nbattles + 1 > 2 * a->nbuckets)
		table_grow(a);
	i = bucket_of(a, b->id);
	b->next = a->buckets[i];
	a->buckets[i] = b;
	b->older = a->newest;
	if (a->newest != NULL)
		a->newest->newer = b;
	else
		a->oldest = b;
	a->newest = b;
	a->nbattles++;
	return b;
}

/* ---- responses ---- */

static void
respond_json(struct httpd_req *r, int status, const json_t *v)
{
	struct buf b;

	buf_init(&b);
	jsonw_dump(&b, v, 0);
	buf_addc(&b, '\n');
	httpd_respond(r, status, "application/json; charset=utf-8", b.p,
	    b.len);
	buf_release(&b);
}

static void
respond_error(struct httpd_req *r, int status, const char *msg)
{
	json_t *v = json_pack("{s:s}", "error", msg);

	respond_json(r, status, v);
	json_decref(v);
}

static int
deny(struct httpd_req *r, int status, const char *msg)
{
	respond_error(r, status, msg);
	return -1;
}

static void
security_headers(struct httpd_req *r)
{
	httpd_set_header(r, "Content-Security-Policy", "default-src 'none'; "
	    "script-src 'self'; style-src 'self'; img-src 'self' data:; "
	    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
	    "frame-ancestors 'none'");
	httpd_set_header(r, "X-Content-Type-Options", "nosniff");
	httpd_set_header(r, "Referrer-Policy", "no-referrer");
	httpd_set_header(r, "X-Frame-Options", "DENY");
	httpd_set_header(r, "Cache-Control", "no-store");
}

/* ---- who is asking ---- */

static void
voter_hash(const struct arena *a, const char *kind, const char *who,
    char out[VOTER_HEX + 1])
{
	unsigned char h[HASH_LEN];
	struct hash_ctx *c = hash_begin();

	hash_update(c, a->salt, sizeof(a->salt));
	hash_update(c, kind, strlen(kind) + 1);
	hash_update(c, who, strlen(who));
	hash_end(c, h);
	hash_hex(h, VOTER_HEX / 2, out);
}

/*
 * The voter behind r: the salted hash of its token (with tokens) or of its
 * address.  Returns 0, or -1 after answering 401.
 */
static int
identify(struct arena *a, struct httpd_req *r, char voter[VOTER_HEX + 1])
{
	const char *auth;
	unsigned char h[HASH_LEN];

	if (a->ntokens == 0) {
		voter_hash(a, "address", httpd_peer(r), voter);
		return 0;
	}
	auth = httpd_header(r, "Authorization");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
		httpd_set_header(r, "WWW-Authenticate", "Bearer");
		respond_error(r, 401, "a voter token is required");
		return -1;
	}
	auth += 7;
	hash_sha256(auth, strlen(auth), h);
	if (strmap_get(&a->tokens, (const char *)h, HASH_LEN) == STRMAP_NONE) {
		httpd_set_header(r, "WWW-Authenticate", "Bearer");
		respond_error(r, 401, "unknown voter token");
		return -1;
	}
	voter_hash(a, "token", auth, voter);
	return 0;
}

/* The host part of a Host header value ("[::1]:8080" -> "[::1]"). */
static size_t
host_len(const char *host)
{
	const char *p;

	if (host[0] == '[') {
		p = strchr(host, ']');
		return p != NULL ? (size_t)(p - host) + 1 : strlen(host);
	}
	p = strchr(host, ':');
	return p != NULL ? (size_t)(p - host) : strlen(host);
}

static int
loopback_host(const char *host)
{
	size_t n = host_len(host);

	if ((n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n == 5 && strncmp(host, "[::1]", 5) == 0))
		return 1;
	if (n >= 4 && strncmp(host, "127.", 4) == 0) {
		size_t i;

		for (i = 4; i < n; i++)
			if (host[i] != '.' && (host[i] < '0' || host[i] > '9'))
				return 0;
		return 1;
	}
	return 0;
}

/*
 * Requests a page of another origin could make the browser send are
 * refused: see arena.h.  Returns 0, or -1 after answering 403 or 415.
 */
static int
same_origin(struct arena *a, struct httpd_req *r, int post)
{
	const char *host = httpd_header(r, "Host");
	const char *origin = httpd_header(r, "Origin");
	const char *site = httpd_header(r, "Sec-Fetch-Site");
	const char *ctype = httpd_header(r, "Content-Type");
	size_t n;

	if (host == NULL || *host == '\0')
		return deny(r, 403, "missing Host header");
	if (a->o.loopback && !loopback_host(host))
		return deny(r, 403, "Host is not a loopback name");
	if (site != NULL && strcmp(site, "cross-site") == 0)
		return deny(r, 403, "cross-site request");
	if (origin != NULL) {
		const char *rest = strncmp(origin, "http://", 7) == 0 ?
		    origin + 7 : strncmp(origin, "https://", 8) == 0 ?
		    origin + 8 : NULL;

		if (rest == NULL || strcasecmp(rest, host) != 0)
			return deny(r, 403, "Origin does not match "
			    "Host");
	}
	if (post) {
		n = strlen("application/json");
		if (ctype == NULL || strncasecmp(ctype, "application/json",
		    n) != 0 || (ctype[n] != '\0' && ctype[n] != ';' &&
		    ctype[n] != ' '))
			return deny(r, 415, "Content-Type must be "
			    "application/json");
	}
	return 0;
}

/*
 * Parse the body of r as a JSON object whose members are all in allowed
 * (NULL-terminated).  Returns it, or NULL after answering 400.  An empty
 * body is an empty object when empty_ok.
 */
static json_t *
body_object(struct httpd_req *r, const char *const *allowed, int empty_ok)
{
	json_error_t err;
	const char *body, *k;
	json_t *v, *x;
	size_t len, i;

	body = httpd_body(r, &len);
	if (len == 0 && empty_ok)
		return json_object();
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL || !json_is_object(v)) {
		json_decref(v);
		respond_error(r, 400, "the body is not a JSON object");
		return NULL;
	}
	json_object_foreach(v, k, x) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			struct buf m;

			buf_init(&m);
			buf_printf(&m, "unknown member '%.64s'", k);
			respond_error(r, 400, m.p);
			buf_release(&m);
			json_decref(v);
			return NULL;
		}
	}
	return v;
}

/* ---- POST /api/battle ---- */

static void
battle_reply(struct httpd_req *r, const unsigned char id[ID_BYTES],
    const char *q, size_t qlen, const char *ta, size_t la, const char *tb,
    size_t lb)
{
	char hex[2 * ID_BYTES + 1];
	json_t *v;

	hash_hex(id, ID_BYTES, hex);
	v = json_object();
	json_object_set_new(v, "battle", json_string(hex));
	json_object_set_new(v, "question", json_stringn_nocheck(q, qlen));
	json_object_set_new(v, "a", json_stringn_nocheck(ta, la));
	json_object_set_new(v, "b", json_stringn_nocheck(tb, lb));
	respond_json(r, 200, v);
	json_decref(v);
}

static void
offline_battle(struct arena *a, struct httpd_req *r, const char *voter)
{
	const struct arenadata_answer *x, *y;
	unsigned char id[ID_BYTES];
	struct battle *b;
	size_t q, ma, mb;

	pthread_mutex_lock(&a->mu);
	if (a->pairs == NULL || pairing_draw(a->pairs, a->o.sampling, &a->rng,
	    &q, &ma, &mb) == -1) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 503, "no battle can be drawn: no two models "
		    "answered the same question");
		return;
	}
	table_expire(a, time(NULL));
	b = table_add(a, voter);
	b->q = q;
	b->ma = ma;
	b->mb = mb;
	pairing_note(a->pairs, ma, mb, 1);
	memcpy(id, b->id, ID_BYTES);
	pthread_mutex_unlock(&a->mu);
	/* The data is read-only: no lock needed to read the texts. */
	x = arenadata_answer(a->data, ma, q);
	y = arenadata_answer(a->data, mb, q);
	battle_reply(r, id, a->data->qtexts[q], a->data->qlens[q], x->text,
	    x->len, y->text, y->len);
}

static void
own_answered(void *arg, int ok, const char *text, size_t len,
    const json_t *meta, const char *error, int side)
{
	struct own *w = arg;
	struct arena *a = w->a;
	unsigned char id[ID_BYTES];
	struct httpd_req *r;
	struct battle *b;

	pthread_mutex_lock(&a->mu);
	if (ok) {
		w->text[side] = xmalloc(len + 1);
		memcpy(w->text[side], text, len);
		w->text[side][len] = '\0';
		w->len[side] = len;
		w->meta[side] = meta != NULL ? json_deep_copy(meta) : NULL;
	} else {
		/* The reason may name the model: the server log only. */
		fprintf(stderr, "arena: warning: own question: model '%s' "
		    "failed: %s\n", livecall_model(a->live, w->model[side]),
		    error);
		w->failed = 1;
	}
	if (--w->pending > 0) {
		pthread_mutex_unlock(&a->mu);
		return;
	}
	r = w->req;
	a->waiting--;
	if (w->failed) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 502, "the models could not answer this "
		    "question; try again later");
		own_free(w);
		return;
	}
	table_expire(a, time(NULL));
	b = table_add(a, w->voter);
	b->own = w;
	w->req = NULL;
	memcpy(id, b->id, ID_BYTES);
	/*
	 * w lives as long as b, which only a vote or expiry removes: an hour
	 * from now, long after this reply is built.
	 */
	pthread_mutex_unlock(&a->mu);
	battle_reply(r, id, w->question, w->qlen, w->text[0], w->len[0],
	    w->text[1], w->len[1]);
}

static void
own_answered_a(void *arg, int ok, const char *text, size_t len,
    const json_t *meta, const char *error)
{
	own_answered(arg, ok, text, len, meta, error, 0);
}

static void
own_answered_b(void *arg, int ok, const char *text, size_t len,
    const json_t *meta, const char *error)
{
	own_answered(arg, ok, text, len, meta, error, 1);
}

/* The count of own questions of voter (under a->mu). */
static long *
own_count(struct arena *a, const char *voter)
{
	size_t i = strmap_get(&a->voters, voter, strlen(voter));

	if (i == STRMAP_NONE) {
		i = a->nvoters++;
		a->own_count = xrealloc(a->own_count, a->nvoters *
		    sizeof(*a->own_count));
		a->own_count[i] = 0;
		strmap_put(&a->voters, voter, strlen(voter), i);
	}
	return &a->own_count[i];
}

static int
valid_utf8_text(const char *s, size_t n)
{
	json_t *v = json_stringn(s, n);	/* checks UTF-8 */

	json_decref(v);
	return v != NULL;
}

static void
own_battle(struct arena *a, struct httpd_req *r, const char *voter,
    const json_t *question)
{
	const char *q = json_string_value(question);
	size_t qlen = json_string_length(question), x, y, i;
	struct own *w;
	long *count;

	for (i = 0; i < qlen; i++)
		if (q[i] != ' ' && q[i] != '\n' && q[i] != '\t' &&
		    q[i] != '\r')
			break;
	if (i == qlen) {
		respond_error(r, 400, "the question is empty");
		return;
	}
	if (qlen > MAX_QUESTION || !valid_utf8_text(q, qlen)) {
		respond_error(r, 400, "the question is too long "
		    "(16384 bytes at most)");
		return;
	}
	pthread_mutex_lock(&a->mu);
	count = own_count(a, voter);
	if (*count >= a->o.live_per_voter) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 429, "you have asked as many questions "
		    "as this arena allows");
		return;
	}
	if (a->live_calls + 2 > a->o.max_live_calls) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 429, "this arena has answered as many "
		    "questions as it may");
		return;
	}
	if (pairing_draw(a->livepairs, a->o.sampling, &a->rng, &i, &x, &y) ==
	    -1) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 503, "own questions need two models");
		return;
	}
	(*count)++;
	a->live_calls += 2;
	a->waiting++;
	pairing_note(a->livepairs, x, y, 1);
	w = xcalloc(1, sizeof(*w));
	w->a = a;
	w->req = r;
	w->question = xmalloc(qlen + 1);
	memcpy(w->question, q, qlen + 1);
	w->qlen = qlen;
	w->model[0] = x;
	w->model[1] = y;
	w->pending = 2;
	snprintf(w->voter, sizeof(w->voter), "%s", voter);
	pthread_mutex_unlock(&a->mu);
	livecall_ask(a->live, x, q, qlen, own_answered_a, w);
	livecall_ask(a->live, y, q, qlen, own_answered_b, w);
}

static void
route_battle(struct arena *a, struct httpd_req *r, const char *voter)
{
	static const char *const allowed[] = { "question", NULL };
	json_t *body, *q;

	if ((body = body_object(r, allowed, 1)) == NULL)
		return;
	q = json_object_get(body, "question");
	if (q == NULL) {
		if (a->data == NULL)
			respond_error(r, 400, "this arena only takes own "
			    "questions: send {\"question\": TEXT}");
		else
			offline_battle(a, r, voter);
	} else if (!json_is_string(q)) {
		respond_error(r, 400, "'question' must be a string");
	} else if (a->live == NULL) {
		respond_error(r, 400, "own questions are not enabled here");
	} else {
		own_battle(a, r, voter, q);
	}
	json_decref(body);
}

/* ---- POST /api/vote ---- */

static const char *const winners[][2] = {
	{ "a", "model_a" }, { "b", "model_b" }, { "tie", "tie" },
	{ "bothbad", "tie (bothbad)" },
};

/* The short record the board is computed from (also read from the log). */
static json_t *
short_record(const json_t *rec)
{
	static const char *const keys[] = { "question_id", "model_a",
	    "model_b", "winner", "tstamp" };
	json_t *v = json_object();
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *x = json_object_get(rec, keys[i]);

		if (x != NULL)
			json_object_set(v, keys[i], x);
	}
	return v;
}

static json_t *
conversation(const char *q, size_t qlen, const char *t, size_t len)
{
	return json_pack("[{s:s,s:s%},{s:s,s:s%}]", "role", "user", "content",
	    q, qlen, "role", "assistant", "content", t, len);
}

/* The vote record of the log (Chatbot Arena's battle shape). */
static json_t *
vote_record(struct arena *a, const struct battle *b, const char *winner,
    double now, const char *na, const char *nb)
{
	const json_t *meta[2] = { NULL, NULL };
	char hex[2 * ID_BYTES + 1], qid[2 * 16 + 1];
	json_t *v, *cm;

	v = json_object();
	if (b->own != NULL) {
		unsigned char h[HASH_LEN];

		/* The same own question gets the same id from anyone. */
		hash_sha256(b->own->question, b->own->qlen, h);
		hash_hex(h, 16, qid);
		json_object_set_new(v, "question_id", json_string(qid));
	} else {
		json_object_set_new(v, "question_id",
		    json_string(a->data->qids[b->q]));
	}
	json_object_set_new(v, "model_a", json_string(na));
	json_object_set_new(v, "model_b", json_string(nb));
	json_object_set_new(v, "winner", json_string(winner));
	json_object_set_new(v, "voter", json_string(b->voter));
	if (b->own != NULL) {
		json_object_set_new(v, "question", json_stringn_nocheck(
		    b->own->question, b->own->qlen));
		json_object_set_new(v, "conversation_a", conversation(
		    b->own->question, b->own->qlen, b->own->text[0],
		    b->own->len[0]));
		json_object_set_new(v, "conversation_b", conversation(
		    b->own->question, b->own->qlen, b->own->text[1],
		    b->own->len[1]));
		meta[0] = b->own->meta[0];
		meta[1] = b->own->meta[1];
	} else {
		meta[0] = arenadata_answer(a->data, b->ma, b->q)->meta;
		meta[1] = arenadata_answer(a->data, b->mb, b->q)->meta;
	}
	json_object_set_new(v, "turn", json_integer(1));
	json_object_set_new(v, "anony", json_true());
	json_object_set_new(v, "tstamp", json_real(now));
	hash_hex(b->id, ID_BYTES, hex);
	json_object_set_new(v, "battle", json_string(hex));
	if (meta[0] != NULL && meta[1] != NULL) {
		cm = json_object();
		arenadata_vote_meta(meta[0], 'a', cm);
		arenadata_vote_meta(meta[1], 'b', cm);
		json_object_set_new(v, "conv_metadata", cm);
	}
	return v;
}

static void
vote_stored(void *arg, int ok)
{
	struct pending_vote *p = arg;
	struct arena *a = p->a;
	struct battle *b;

	pthread_mutex_lock(&a->mu);
	a->waiting--;
	b = table_find(a, p->id);
	if (ok) {
		if (b != NULL)
			b->state = VOTED;
		json_array_append(a->votes, p->rec);
	} else if (b != NULL) {
		b->state = ISSUED;
	}
	pthread_mutex_unlock(&a->mu);
	if (ok)
		httpd_respond(p->req, 200, "application/json; charset=utf-8",
		    p->names, strlen(p->names));
	else
		respond_error(p->req, 503, "the vote could not be stored");
	json_decref(p->rec);
	free(p->names);
	free(p);
}

static double
now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
route_vote(struct arena *a, struct httpd_req *r, const char *voter)
{
	static const char *const allowed[] = { "battle", "winner", NULL };
	unsigned char id[ID_BYTES];
	struct pending_vote *p;
	const char *bid, *win = NULL, *na, *nb;
	json_t *body, *rec, *names;
	struct battle *b;
	struct buf line;
	size_t i;

	if ((body = body_object(r, allowed, 0)) == NULL)
		return;
	bid = json_string_value(json_object_get(body, "battle"));
	for (i = 0; i < sizeof(winners) / sizeof(winners[0]); i++)
		if (json_is_string(json_object_get(body, "winner")) &&
		    strcmp(json_string_value(json_object_get(body, "winner")),
		    winners[i][0]) == 0)
			win = winners[i][1];
	if (bid == NULL || strlen(bid) != 2 * ID_BYTES ||
	    hash_unhex(bid, ID_BYTES, id) == -1) {
		json_decref(body);
		respond_error(r, 400, "'battle' must be a battle id");
		return;
	}
	if (win == NULL) {
		json_decref(body);
		respond_error(r, 400, "'winner' must be \"a\", \"b\", "
		    "\"tie\" or \"bothbad\"");
		return;
	}
	json_decref(body);
	pthread_mutex_lock(&a->mu);
	b = table_find(a, id);
	/* Another voter's battle is as unknown as a made-up one. */
	if (b == NULL || strcmp(b->voter, voter) != 0 ||
	    (b->state == ISSUED && time(NULL) - b->created >= a->o.ttl_s)) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 404, "no such battle (or it expired)");
		return;
	}
	if (b->state != ISSUED) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 409, "this battle has a vote already");
		return;
	}
	if (a->draining) {
		pthread_mutex_unlock(&a->mu);
		respond_error(r, 503, "the arena is shutting down");
		return;
	}
	if (b->own != NULL) {
		na = livecall_model(a->live, b->own->model[0]);
		nb = livecall_model(a->live, b->own->model[1]);
	} else {
		na = a->data->models[b->ma];
		nb = a->data->models[b->mb];
	}
	b->state = VOTING;
	rec = vote_record(a, b, win, now_s(), na, nb);
	p = xcalloc(1, sizeof(*p));
	p->a = a;
	p->req = r;
	memcpy(p->id, id, ID_BYTES);
	p->rec = short_record(rec);
	names = json_pack("{s:s,s:s}", "model_a", na, "model_b", nb);
	buf_init(&line);
	jsonw_dump(&line, names, 0);
	buf_addc(&line, '\n');
	p->names = buf_detach(&line, NULL);
	json_decref(names);
	jsonw_dump(&line, rec, 0);
	buf_addc(&line, '\n');
	json_decref(rec);
	a->waiting++;
	/*
	 * Appending under the lock keeps the log in tstamp order; the
	 * append only queues, the committer thread writes.
	 */
	votelog_append(a->log, line.p, line.len, vote_stored, p);
	pthread_mutex_unlock(&a->mu);
	buf_release(&line);
}

/* ---- GET /api/leaderboard ---- */

/*
 * The board as show-result --elo online prints it in JSON, from the
 * short records: {"votes", "board": {...}, "models": [{...}], "matrix":
 * {...}}, the matrix as show-result's (statfmt.h): the observed win
 * fraction and the battle count of every pair that met.
 */
static char *
compute_board(struct arena *a, json_t *votes, size_t *len)
{
	struct battle_opts bo;
	struct lb_result res;
	struct lb_opts lo;
	struct battle_set *bs;
	struct diag d;
	struct buf b;
	json_t *out, *models, *x;
	size_t i;
	uint32_t f;
	int ok;

	memset(&bo, 0, sizeof(bo));
	bo.baseline = a->o.baseline;
	bo.weight = 3;
	bo.online_elo = 1;
	memset(&lo, 0, sizeof(lo));
	lo.num_rounds = a->o.num_rounds;
	lo.seed = a->o.seed;
	lo.unit = LB_BATTLE;
	lo.threads = 1;
	lo.weight = 3;
	lo.online_elo = 1;
	memset(&res, 0, sizeof(res));
	diag_clear(&d);
	bs = battles_new(&bo);
	f = battles_add_file(bs, a->o.log_name);
	for (i = 0; i < json_array_size(votes); i++)
		battles_add(bs, json_array_get(votes, i), f, (long)i + 1, &d);
	out = json_object();
	json_object_set_new(out, "votes", json_integer((json_int_t)
	    json_array_size(votes)));
	models = json_array();
	ok = bs->nrows > 0 && battles_finish(bs, &d) == 0 &&
	    lb_compute(bs, NULL, LB_NO_CONTROL, &lo, &res, &d) == 0;
	buf_init(&b);
	if (ok) {
		char *line, *save = NULL;
		struct matrix mx;

		matrix_compute(&mx, &res, bs);
		json_object_set_new(out, "matrix", statfmt_matrix(&mx,
		    "no_control", 4));
		matrix_release(&mx);
		boardfmt_json(&b, &res, &lo, bs, "");
		for (line = strtok_r(b.p, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			x = json_loads(line, 0, NULL);
			if (x == NULL)
				continue;
			if (strcmp(json_string_value(json_object_get(x,
			    "type")), "board") == 0)
				json_object_set_new(out, "board", x);
			else
				json_array_append_new(models, x);
		}
		lb_result_release(&res);
	}
	json_object_set_new(out, "models", models);
	battles_free(bs);
	buf_reset(&b);
	jsonw_dump(&b, out, 0);
	buf_addc(&b, '\n');
	json_decref(out);
	return buf_detach(&b, len);
}

static void
route_leaderboard(struct arena *a, struct httpd_req *r)
{
	json_t *votes;
	size_t n;

	pthread_mutex_lock(&a->boardmu);
	pthread_mutex_lock(&a->mu);
	n = json_array_size(a->votes);
	votes = n != a->board_votes || a->board == NULL ?
	    json_copy(a->votes) : NULL;
	pthread_mutex_unlock(&a->mu);
	if (votes != NULL) {
		free(a->board);
		a->board = compute_board(a, votes, &a->board_len);
		a->board_votes = n;
		json_decref(votes);
	}
	httpd_respond(r, 200, "application/json; charset=utf-8", a->board,
	    a->board_len);
	pthread_mutex_unlock(&a->boardmu);
}

static void
route_info(struct arena *a, struct httpd_req *r)
{
	json_t *v;

	v = json_pack("{s:b,s:b,s:b,s:s,s:i,s:s}", "offline", a->pairs != NULL,
	    "live", a->live != NULL, "tokens", a->ntokens > 0, "lang",
	    a->o.lang, "votes", (json_int_t)arena_votes(a), "version",
	    JUDGEPIPE_VERSION);
	respond_json(r, 200, v);
	json_decref(v);
}

/* ---- static assets ---- */

/*
 * The files the page is made of, served by name from the embedded table
 * (asset.h): nothing else, and never a file named by a URL.
 */
static const struct {
	const char *name, *ctype;
} page_files[] = {
	{ "arena.css", "text/css; charset=utf-8" },
	{ "arena.html", "text/html; charset=utf-8" },
	{ "arena.js", "text/javascript; charset=utf-8" },
	{ "dom.js", "text/javascript; charset=utf-8" },
	{ "i18n.js", "text/javascript; charset=utf-8" },
	{ "markdown.js", "text/javascript; charset=utf-8" },
};

static void
route_asset(struct httpd_req *r, const char *path, int head)
{
	const struct asset *as = NULL;
	size_t i;

	if (strcmp(path, "/") == 0)
		path = "/arena.html";
	for (i = 0; i < sizeof(page_files) / sizeof(page_files[0]); i++)
		if (strcmp(path + 1, page_files[i].name) == 0) {
			as = asset_find(page_files[i].name);
			break;
		}
	if (as == NULL) {
		httpd_respond(r, 404, "text/plain; charset=utf-8",
		    "not found\n", 10);
		return;
	}
	httpd_respond(r, 200, page_files[i].ctype, head ? "" :
	    (const char *)as->data, head ? 0 : as->len);
}

void
arena_handle(void *arg, struct httpd_req *r)
{
	struct arena *a = arg;
	const char *path = httpd_path(r), *method = httpd_method(r);
	char voter[VOTER_HEX + 1];
	int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") ==
	    0;

	security_headers(r);
	if (strncmp(path, "/api/", 5) != 0) {
		if (!get && strcmp(method, "HEAD") != 0) {
			httpd_set_header(r, "Allow", "GET, HEAD");
			httpd_respond(r, 405, "text/plain; charset=utf-8",
			    "method not allowed\n", 19);
			return;
		}
		route_asset(r, path, !get);
		return;
	}
	if (same_origin(a, r, post) == -1 || identify(a, r, voter) == -1)
		return;
	if (strcmp(path, "/api/battle") == 0 || strcmp(path, "/api/vote") ==
	    0) {
		if (!post) {
			httpd_set_header(r, "Allow", "POST");
			respond_error(r, 405, "use POST");
		} else if (a->draining) {
			respond_error(r, 503, "the arena is shutting down");
		} else if (path[5] == 'b') {
			route_battle(a, r, voter);
		} else {
			route_vote(a, r, voter);
		}
	} else if (strcmp(path, "/api/leaderboard") == 0 ||
	    strcmp(path, "/api/info") == 0) {
		if (!get) {
			httpd_set_header(r, "Allow", "GET");
			respond_error(r, 405, "use GET");
		} else if (path[5] == 'l') {
			route_leaderboard(a, r);
		} else {
			route_info(a, r);
		}
	} else {
		respond_error(r, 404, "no such API route");
	}
}

/* ---- the existing log ---- */

int
arena_load_vote(void *arg, const char *line, size_t len, long lineno,
    struct diag *d)
{
	struct arena *a = arg;
	json_error_t err;
	const char *ma, *mb, *w;
	json_t *v;
	size_t i, x = STRMAP_NONE, y = STRMAP_NONE;

	v = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	ma = json_string_value(json_object_get(v, "model_a"));
	mb = json_string_value(json_object_get(v, "model_b"));
	w = json_string_value(json_object_get(v, "winner"));
	if (v == NULL || ma == NULL || mb == NULL || w == NULL) {
		json_decref(v);
		return diag_set(d, EX_DATAERR, a->o.log_name, lineno,
		    "not a vote record (model_a, model_b, winner)");
	}
	json_array_append_new(a->votes, short_record(v));
	/* Past votes count for balanced sampling. */
	if (a->data != NULL) {
		for (i = 0; i < a->data->nmodels; i++) {
			if (strcmp(a->data->models[i], ma) == 0)
				x = i;
			if (strcmp(a->data->models[i], mb) == 0)
				y = i;
		}
		if (x != STRMAP_NONE && y != STRMAP_NONE && a->pairs != NULL)
			pairing_note(a->pairs, x, y, 1);
	}
	json_decref(v);
	return 0;
}

/* ---- tokens and salt ---- */

int
arena_read_tokens(const char *path, char ***tokens, size_t *n,
    struct diag *d)
{
	char *data, *line, *next;
	size_t len, i;
	long lineno = 0;

	*tokens = NULL;
	*n = 0;
	if (jsonl_slurp(path, &data, &len, d) == -1)
		return -1;
	for (line = data; line != NULL && line < data + len; line = next) {
		size_t l;

		next = memchr(line, '\n', (size_t)(data + len - line));
		l = next != NULL ? (size_t)(next - line) : strlen(line);
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (l > 0 && line[l - 1] == '\r')
			line[--l] = '\0';
		if (l == 0 || line[0] == '#')
			continue;
		for (i = 0; i < l; i++)
			if (line[i] <= ' ' || line[i] >= 0x7f)
				break;
		if (i < l || l < 8 || l > 256) {
			diag_set(d, EX_DATAERR, path, lineno, "a token must be "
			    "8 to 256 printable ASCII characters without "
			    "spaces");
			goto fail;
		}
		*tokens = xrealloc(*tokens, (*n + 1) * sizeof(**tokens));
		(*tokens)[(*n)++] = xstrdup(line);
	}
	free(data);
	if (*n == 0)
		return diag_set(d, EX_DATAERR, path, 0, "no token in the file");
	return 0;
fail:
	free(data);
	for (i = 0; i < *n; i++)
		free((*tokens)[i]);
	free(*tokens);
	*tokens = NULL;
	*n = 0;
	return -1;
}

int
arena_salt(const char *path, unsigned char salt[32], struct diag *d)
{
	char hex[2 * 32 + 2], tmp[4096];
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		got = read(fd, hex, sizeof(hex));
		close(fd);
		if (got < 64 || hash_unhex(hex, 32, salt) == -1)
			return diag_set(d, EX_DATAERR, path, 0, "not a salt "
			    "(64 hex digits)");
		return 0;
	}
	if (errno != ENOENT)
		return diag_set(d, EX_NOINPUT, NULL, 0, "cannot open '%s': %s",
		    path, strerror(errno));
	if (getrandom(salt, 32, 0) != 32)
		return diag_set(d, EX_OSERR, NULL, 0, "no random bytes: %s",
		    strerror(errno));
	hash_hex(salt, 32, hex);
	hex[64] = '\n';
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, hex, 65) != 65 || fsync(fd) == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot write '%s': %s",
		    tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	/* link(2) keeps a salt another process made first. */
	if (close(fd) == -1 || (link(tmp, path) == -1 && errno != EEXIST)) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot write '%s': %s",
		    path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	unlink(tmp);
	return arena_salt(path, salt, d);
}
