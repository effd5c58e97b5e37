/* llm.c: the LLM client: one libcurl multi loop on one thread. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "jsonw.h"
#include "llm.h"
#include "strmap.h"
#include "wire.h"

#define MAX_RESPONSE	(64u << 20)	/* bytes; larger bodies fail */
#define MAX_SERVER_DELAY_MS	300000.0	/* longer fails */
#define POLL_MAX_MS	250		/* interrupt latency bound */

#define CLAIM_POLL_MS	200		/* looking for another's answer */

/*
 * An endpoint that refused the connection, could not be resolved or
 * failed the TLS handshake on DOWN_FAILS attempts in a row, the first of
 * them DOWN_MS ago or more, is down; when every endpoint of the entry is,
 * nothing new starts (llm_unreachable).  The span keeps a restart of a
 * local server, which refuses everything in flight at once, from counting.
 */
#define DOWN_FAILS	3
#define DOWN_MS		1000.0

/*
 * A job is one submitted call.  It is in exactly one place: the pending
 * queue (not yet looked up in the cache), the ready queue (a miss, waiting
 * for a slot), the waiting queue (another process sharing the cache is
 * asking for the same key: its answer is awaited), the timer heap (a
 * retry or an endpoint block) or in flight.
 */
enum job_state {
	JOB_PENDING,
	JOB_READY,
	JOB_WAITING,
	JOB_TIMER,
	JOB_FLIGHT,
};

struct handle {
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	struct handle *next;		/* free list */
};

struct job {
	struct llm_client *c;
	enum job_state state;
	struct job *next;		/* pending/ready queue link */
	struct request_message *msgs;	/* contents in one block after it */
	size_t n_msgs;
	size_t msg_bytes;
	double temperature;
	long long max_tokens;
	llm_done_fn *done;
	void *user;
	int unknown_replies;		/* --estimate: see struct llm_call */
	long long unknown_tokens, unknown_tokens_bound;
	uint64_t unknown_which;
	int may_follow;
	long long then_ask_tokens;
	json_t *tags;			/* --usage-log: the call's names */
	double bound;			/* --max-cost: dollars an attempt may
					   cost; -1 until computed */
	int reserved;			/* bound counted in c->reserved */
	int paid;			/* a fresh response, at cost */
	double cost;
	struct wire_usage paid_usage;	/* as that response reported it */
	unsigned char key[HASH_LEN];
	char key_hex[2 * HASH_LEN + 1];
	uint64_t k;			/* first 8 key bytes: endpoint choice */
	int claimed;			/* holds the cache claim on key */
	int permanent;			/* the last failure: no wait fixes it */
	int attempts;
	long http_status;
	int http_version;		/* 10, 11, 20, 30; 0 none */
	char *error;			/* last failure text */
	int retryable;
	/* The current attempt. */
	struct handle *h;
	size_t endpoint;
	struct buf body;
	struct buf resp;
	double start_ms;
	double charge;			/* tokens its pacer was charged */
	struct wire_ratelimit rl;	/* what the reply said of limits */
	char retry_after[64];
	char retry_after_ms[64];
	int should_retry;		/* -1 absent, 0 false, 1 true */
	/* Finished, waiting for its callback (the completed queue). */
	json_t *value;			/* fresh response (cached already) */
	int fail_code;			/* or a failure: EX_* */
	/* The timer heap; the list of transfers in flight. */
	double due_ms;
	struct job *fprev, *fnext;
};

struct queue {
	struct job *head, *tail;
	size_t n;
};

struct endpoint {
	char *url;
	char *host;			/* "host:port" of api_base */
	const char *cainfo;		/* CA file and directory for TLS */
	const char *capath;
	struct curl_slist *headers;
	long http_version;
	double blocked_until;		/* monotonic ms; after a 429 delay */
	struct pace pace;		/* under its rate limits */
	size_t in_flight;		/* attempts on it, and their charges */
	double in_flight_tokens;
	/* Attempts in a row that could not reach it (DOWN_FAILS). */
	int down_fails;
	double down_since;		/* monotonic ms of the first of them */
	int down_permanent;		/* the last one: a bad certificate */
	char down_error[CURL_ERROR_SIZE + 64];
};

struct llm_client {
	const struct apiconfig_entry *e;
	struct llm_options o;
	long parallel;
	CURLM *multi;
	struct endpoint *eps;
	size_t n_eps;
	struct handle *free_handles;
	size_t n_handles;
	struct queue pending, ready, waiting, completed;
	double next_look_ms;		/* when waiting jobs look again */
	struct strmap claims;		/* raw key -> 1 while a job holds it */
	struct strmap unsent;		/* --estimate: keys counted as sent */
	struct job **heap;
	size_t n_heap, cap_heap;
	size_t in_flight;
	struct job *flight;		/* list of the transfers in flight */
	long long reply_tokens;		/* completion tokens of the fresh */
	long long n_replies;		/* replies that reported usage */
	uint64_t rng;
	int stopping;			/* abort: interrupted now or fatal */
	int draining;			/* interrupted or down: finish those
					   in flight */
	int down;			/* every endpoint is (DOWN_FAILS) */
	struct diag down_diag;
	int capped;			/* a cap of the options: 1 cost, 2 calls */
	double reserved;		/* bounds of the attempts in flight */
	size_t n_reserved;		/* how many they are */
	int cap_wait;			/* the next start waits for them */
	int interrupted;
	int fatal;
	struct diag fatal_diag;
	struct llm_stats st;
	char *noproxy;
	char *default_cainfo;		/* libcurl's built-in CA file, path */
	char *default_capath;
};

/*
 * Clocks and randomness.
 */

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
wall_time(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Uniform in [0, 1): xorshift64*, seeded per client.  Jitter only. */
static double
uniform(struct llm_client *c)
{
	uint64_t x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/*
 * Pure helpers: keys, answer ids, delays (wire.c has the requests).
 */

void
llm_call_key(const struct apiconfig_entry *e, const struct request_message *m,
    size_t n, double temperature, long long max_tokens,
    unsigned char key[HASH_LEN])
{
	json_t *params = request_params_new(temperature, max_tokens,
	    e->extra_body);
	struct request r;

	r.api_type = e->api_type_name;
	r.endpoints = e->api_bases;
	r.n_endpoints = e->n_endpoints;
	r.model_name = e->model_name;
	r.params = params;
	r.messages = m;
	r.n_messages = n;
	request_key(&r, key);
	json_decref(params);
}

void
llm_answer_id(const char *hexkeys, size_t len, char out[23])
{
	static const char alphabet[] =
	    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	unsigned char h[HASH_LEN];
	unsigned __int128 v = 0;
	int i;

	hash_sha256(hexkeys, len, h);
	for (i = 0; i < 16; i++)
		v = v << 8 | h[i];
	for (i = 21; i >= 0; i--) {
		out[i] = alphabet[(int)(v % 57)];
		v /= 57;
	}
	out[22] = '\0';
}

double
llm_backoff_ms(int n, double u)
{
	double cap = 1000.0;

	if (n < 1)
		n = 1;
	if (n > 7)
		cap = 60000.0;
	else
		cap = fmin(60000.0, 1000.0 * (double)(1u << (n - 1)));
	return u * cap;
}

/*
 * Queues and the timer heap.
 */

static void
q_push(struct queue *q, struct job *j)
{
	j->next = NULL;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->n++;
}

static struct job *
q_pop(struct queue *q)
{
	struct job *j = q->head;

	if (j == NULL)
		return NULL;
	q->head = j->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->n--;
	j->next = NULL;
	return j;
}

static void
heap_swap(struct job **h, size_t a, size_t b)
{
	struct job *t = h[a];

	h[a] = h[b];
	h[b] = t;
}

static void
heap_push(struct llm_client *c, struct job *j, double due)
{
	size_t i;

	if (c->n_heap == c->cap_heap) {
		c->cap_heap = c->cap_heap ? 2 * c->cap_heap : 64;
		c->heap = xrealloc(c->heap, c->cap_heap * sizeof(*c->heap));
	}
	j->state = JOB_TIMER;
	j->due_ms = due;
	i = c->n_heap++;
	c->heap[i] = j;
	while (i > 0 && c->heap[(i - 1) / 2]->due_ms > c->heap[i]->due_ms) {
		heap_swap(c->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct job *
heap_pop(struct llm_client *c)
{
	struct job *top;
	size_t i = 0;

	if (c->n_heap == 0)
		return NULL;
	top = c->heap[0];
	c->heap[0] = c->heap[--c->n_heap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < c->n_heap && c->heap[l]->due_ms < c->heap[m]->due_ms)
			m = l;
		if (r < c->n_heap && c->heap[r]->due_ms < c->heap[m]->due_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(c->heap, i, m);
		i = m;
	}
	return top;
}

static void
flight_add(struct llm_client *c, struct job *j)
{
	j->fprev = NULL;
	j->fnext = c->flight;
	if (c->flight != NULL)
		c->flight->fprev = j;
	c->flight = j;
	c->in_flight++;
}

static void
flight_remove(struct llm_client *c, struct job *j)
{
	if (j->fprev != NULL)
		j->fprev->fnext = j->fnext;
	else
		c->flight = j->fnext;
	if (j->fnext != NULL)
		j->fnext->fprev = j->fprev;
	j->fprev = j->fnext = NULL;
	c->in_flight--;
}

/*
 * Jobs.
 */

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	json_decref(j->value);
	json_decref(j->tags);
	buf_release(&j->body);
	buf_release(&j->resp);
	free(j->error);
	free(j->msgs);
	free(j);
}

static void
set_error(struct job *j, const char *s)
{
	free(j->error);
	j->error = xstrdup(s);
}

/* Replace every configured key in s by "***" (servers may echo keys). */
static void
scrub_keys(const struct apiconfig_entry *e, char *s)
{
	size_t i;

	for (i = 0; i < e->n_endpoints; i++) {
		const char *k = e->endpoints[i].api_key;
		size_t kl;
		char *p;

		if (k == NULL || (kl = strlen(k)) < 3)
			continue;
		while ((p = strstr(s, k)) != NULL) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + kl, strlen(p + kl) + 1);
		}
	}
}

static void
stats_usage(struct llm_client *c, const struct wire_usage *u)
{
	if (u->present) {
		c->st.prompt_tokens += u->prompt_tokens;
		c->st.completion_tokens += u->completion_tokens;
	}
}

/*
 * The --usage-log line of a finished call: its tags, then where it went,
 * what it used and cost (llm.h, struct llm_options).
 */
static void
log_usage(struct llm_client *c, const struct job *j,
    const struct llm_result *r)
{
	const struct wire_usage *u = j->paid ? &j->paid_usage : &r->usage;
	int ok = r->status == LLM_OK, sent = j->attempts > 0;
	json_t *line = json_object(), *cost;

	if (json_is_object(j->tags))
		json_object_update(line, j->tags);
#define TOKENS(n) (ok && u->present && (n) >= 0 ? \
	json_integer((json_int_t)(n)) : json_null())
	json_object_set_new(line, "endpoint", sent ?
	    json_string(c->eps[j->endpoint].host) : json_null());
	json_object_set_new(line, "prompt_tokens", TOKENS(u->prompt_tokens));
	json_object_set_new(line, "cached_tokens", TOKENS(u->cached_tokens));
	json_object_set_new(line, "completion_tokens",
	    TOKENS(u->completion_tokens));
#undef TOKENS
	json_object_set_new(line, "latency_ms", ok && j->paid ?
	    json_integer((json_int_t)llround(r->latency_ms)) : json_null());
	json_object_set_new(line, "attempts", json_integer(j->attempts));
	if (!c->e->price.known)
		cost = json_null();
	else
		cost = json_real(j->paid ? j->cost : 0);
	json_object_set_new(line, "cost_usd", cost);
	json_object_set_new(line, "cache_hit", json_boolean(ok && !j->paid));
	json_object_set_new(line, "status", json_string(ok ? "ok" :
	    "failed"));
	if (!ok)
		json_object_set_new(line, "error", json_string(r->error));
	json_object_set_new(line, "http", r->http_version == 0 ? json_null() :
	    json_string(r->http_version == 11 ? "1.1" : r->http_version == 10 ?
	    "1.0" : r->http_version == 20 ? "2" : "3"));
	json_object_set_new(line, "time", json_real(wall_time()));
	if (jsonw_write_line(c->o.usage_log, line, c->o.usage_flags) == 0)
		fflush(c->o.usage_log);
	json_decref(line);
}

/* Hand a finished job to its callback and free it. */
static void
finish(struct llm_client *c, struct job *j, struct llm_result *r)
{
	r->user = j->user;
	memcpy(r->key, j->key, HASH_LEN);
	memcpy(r->key_hex, j->key_hex, sizeof(r->key_hex));
	r->attempts = j->attempts;
	r->http_status = j->http_status;
	r->http_version = j->http_version;
	/* Paid for and stored, given up or cancelled: others may ask now. */
	if (j->claimed) {
		cache_release(c->o.cache, j->key);
		strmap_put(&c->claims, (const char *)j->key, HASH_LEN, 0);
		j->claimed = 0;
	}
	if (r->status != LLM_CANCELLED)
		c->st.completed++;
	if (r->status == LLM_FAILED)
		c->st.failed++;
	if (c->o.usage_log != NULL && r->status != LLM_CANCELLED)
		log_usage(c, j, r);
	j->done(c, r, j->user);
	job_free(j);
}

static void
finish_failed(struct llm_client *c, struct job *j, int code)
{
	struct llm_result r;

	memset(&r, 0, sizeof(r));
	r.status = LLM_FAILED;
	r.error = j->error != NULL ? j->error : "failed";
	r.exit_code = code;
	finish(c, j, &r);
}

static void
finish_cancelled(struct llm_client *c, struct job *j)
{
	struct llm_result r;

	memset(&r, 0, sizeof(r));
	r.status = LLM_CANCELLED;
	r.error = "interrupted";
	finish(c, j, &r);
}

/* Deliver an LLM_OK result from a cache value. */
static void
finish_value(struct llm_client *c, struct job *j, const json_t *v,
    int from_cache)
{
	struct llm_result r;
	const json_t *text = json_object_get(v, "text");
	const json_t *fr = json_object_get(v, "finish_reason");

	memset(&r, 0, sizeof(r));
	r.status = LLM_OK;
	r.text = json_string_value(text);
	r.text_len = json_string_length(text);
	r.finish_reason = json_is_string(fr) ? json_string_value(fr) : NULL;
	/* A cache value's usage has the openai names. */
	wire_usage_parse(APICONFIG_OPENAI, json_object_get(v, "usage"),
	    &r.usage);
	r.created = json_number_value(json_object_get(v, "created"));
	r.latency_ms = json_number_value(json_object_get(v, "latency_ms"));
	r.from_cache = from_cache;
	r.value = v;
	if (from_cache)
		c->st.cache_hits++;
	stats_usage(c, &r.usage);
	finish(c, j, &r);
}

/* A cache value usable as a result: text is a string. */
static int
value_ok(const json_t *v)
{
	return json_is_object(v) && json_is_string(json_object_get(v, "text"));
}

/*
 * The client.
 */

/* A variable's value, or NULL when it is unset or empty. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * Which certificate authorities each endpoint trusts: its "ca_bundle",
 * else $CURL_CA_BUNDLE, else $SSL_CERT_FILE (as the curl tool reads them;
 * libcurl itself does not), else libcurl's built-in file; $SSL_CERT_DIR
 * is a directory of them.  Handles move between endpoints, so each
 * transfer sets both, the built-in values included.
 */
static void
ca_init(struct llm_client *c)
{
	const char *file = env("CURL_CA_BUNDLE"), *dir = env("SSL_CERT_DIR");
	char *v = NULL;
	CURL *x;
	size_t i;

	if (file == NULL)
		file = env("SSL_CERT_FILE");
#if LIBCURL_VERSION_NUM >= 0x075400	/* CURLINFO_CAINFO: 7.84.0 */
	if ((x = curl_easy_init()) != NULL) {
		if (curl_easy_getinfo(x, CURLINFO_CAINFO, &v) == CURLE_OK &&
		    v != NULL)
			c->default_cainfo = xstrdup(v);
		v = NULL;
		if (curl_easy_getinfo(x, CURLINFO_CAPATH, &v) == CURLE_OK &&
		    v != NULL)
			c->default_capath = xstrdup(v);
		curl_easy_cleanup(x);
	}
#else
	(void)x;
	(void)v;
#endif
	for (i = 0; i < c->n_eps; i++) {
		const char *own = c->e->endpoints[i].ca_bundle;

		c->eps[i].cainfo = own != NULL ? own : file != NULL ? file :
		    c->default_cainfo;
		c->eps[i].capath = dir != NULL ? dir : c->default_capath;
	}
}

/* "host[:port]" of an http(s) URL, without user info (malloc'ed). */
static char *
url_host(const char *url)
{
	const char *p = strstr(url, "://"), *end, *at;

	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	return xstrndup(p, (size_t)(end - p));
}

struct llm_client *
llm_client_new(const struct apiconfig_entry *e, const struct llm_options *o,
    struct diag *d)
{
	struct llm_client *c;
	struct buf b;
	size_t i;
	const char *np;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot initialise libcurl"), NULL;
	c = xcalloc(1, sizeof(*c));
	c->e = e;
	if (o != NULL)
		c->o = *o;
	/* An estimate never opens a connection. */
	if (c->o.estimate != NULL)
		c->o.offline = 1;
	c->parallel = c->o.parallel > 0 ? c->o.parallel : e->parallel;
	c->st.cost_known = e->price.known;
	if (c->parallel < 1)
		c->parallel = 1;
	c->rng = (uint64_t)wall_time() * 1000003u ^ (uint64_t)getpid() << 32 ^
	    (uint64_t)(uintptr_t)c;
	if (c->rng == 0)
		c->rng = 0x9e3779b97f4a7c15ULL;
	c->n_eps = e->n_endpoints;
	c->eps = xcalloc(c->n_eps, sizeof(*c->eps));
	buf_init(&b);
	for (i = 0; i < c->n_eps; i++) {
		char *line, *save = NULL;

		buf_reset(&b);
		wire_request_url(e, i, &b);
		c->eps[i].url = xstrdup(b.p);
		c->eps[i].host = url_host(e->endpoints[i].api_base);
		pace_init(&c->eps[i].pace, e->rpm, e->tpm, mono_ms());
		c->eps[i].http_version =
		    strncasecmp(b.p, "https://", 8) == 0 ?
		    CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1;
		buf_reset(&b);
		wire_request_headers(e, i, &b);
		for (line = strtok_r(b.p, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			c->eps[i].headers = curl_slist_append(
			    c->eps[i].headers, line);
		/* The key was in b: wipe it. */
		explicit_bzero(b.p, b.cap);
	}
	buf_release(&b);
	ca_init(c);
	/*
	 * Keep loopback traffic off any configured proxy: tests and local
	 * servers must never leave the machine.
	 */
	np = getenv("no_proxy");
	if (np == NULL || np[0] == '\0')
		np = getenv("NO_PROXY");
	buf_init(&b);
	if (np != NULL && np[0] != '\0')
		buf_printf(&b, "%s,", np);
	buf_adds(&b, "127.0.0.1,localhost,::1");
	c->noproxy = buf_detach(&b, NULL);
	return c;
}

static struct handle *
handle_get(struct llm_client *c)
{
	struct handle *h = c->free_handles;

	if (h != NULL) {
		c->free_handles = h->next;
		return h;
	}
	h = xcalloc(1, sizeof(*h));
	h->easy = curl_easy_init();
	if (h->easy == NULL) {
		free(h);
		return NULL;
	}
	c->n_handles++;
	return h;
}

static void
handle_put(struct llm_client *c, struct handle *h)
{
	h->next = c->free_handles;
	c->free_handles = h;
}

static size_t
on_write(char *p, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n;

	if (j->resp.len + len > MAX_RESPONSE)
		return 0;
	buf_add(&j->resp, p, len);
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n;
	const char *v;
	size_t vl;

	/* A new status line starts a new response (e.g. after a 100). */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		j->retry_after[0] = j->retry_after_ms[0] = '\0';
		j->should_retry = -1;
		wire_ratelimit_init(&j->rl);
	} else if (wire_ratelimit_header(p, len, wall_time(), &j->rl)) {
		/* Read by pace_learn when the reply is in. */
	} else if (wire_header(p, len, "retry-after-ms", &v, &vl)) {
		snprintf(j->retry_after_ms, sizeof(j->retry_after_ms),
		    "%.*s", (int)(vl < 63 ? vl : 63), v);
	} else if (wire_header(p, len, "retry-after", &v, &vl)) {
		snprintf(j->retry_after, sizeof(j->retry_after), "%.*s",
		    (int)(vl < 63 ? vl : 63), v);
	} else if (wire_header(p, len, "x-should-retry", &v, &vl)) {
		if (vl == 4 && strncasecmp(v, "true", 4) == 0)
			j->should_retry = 1;
		else if (vl == 5 && strncasecmp(v, "false", 5) == 0)
			j->should_retry = 0;
	}
	return len;
}

static int
ensure_multi(struct llm_client *c, struct diag *d)
{
	if (c->multi != NULL)
		return 0;
	c->multi = curl_multi_init();
	if (c->multi == NULL)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot create a libcurl multi handle");
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS,
	    (long)(c->parallel + 16));
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING,
	    (long)CURLPIPE_MULTIPLEX);
	return 0;
}

/* Start attempt j->attempts of j on its endpoint.  Returns 0 or -1. */
static int
start(struct llm_client *c, struct job *j, double now, struct diag *d)
{
	const struct apiconfig_entry *e = c->e;
	struct endpoint *ep = &c->eps[j->endpoint];
	struct handle *h;
	CURL *x;

	if (ensure_multi(c, d) == -1)
		return -1;
	h = handle_get(c);
	if (h == NULL)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot create a libcurl handle");
	if (j->body.len == 0)
		wire_request_body(e, j->msgs, j->n_msgs, j->temperature,
		    j->max_tokens, &j->body);
	buf_reset(&j->resp);
	j->retry_after[0] = j->retry_after_ms[0] = '\0';
	j->should_retry = -1;
	wire_ratelimit_init(&j->rl);
	h->errbuf[0] = '\0';
	x = h->easy;
	curl_easy_setopt(x, CURLOPT_URL, ep->url);
	curl_easy_setopt(x, CURLOPT_HTTPHEADER, ep->headers);
	curl_easy_setopt(x, CURLOPT_POSTFIELDS, j->body.p);
	curl_easy_setopt(x, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)j->body.len);
	curl_easy_setopt(x, CURLOPT_HTTP_VERSION, ep->http_version);
	curl_easy_setopt(x, CURLOPT_CAINFO, ep->cainfo);
	curl_easy_setopt(x, CURLOPT_CAPATH, ep->capath);
	curl_easy_setopt(x, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(x, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(x, CURLOPT_NOPROXY, c->noproxy);
	curl_easy_setopt(x, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(e->connect_timeout_s * 1000));
	curl_easy_setopt(x, CURLOPT_TIMEOUT_MS, (long)(e->timeout_s * 1000));
	curl_easy_setopt(x, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(x, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(x, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(x, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(x, CURLOPT_PRIVATE, j);
	if (curl_multi_add_handle(c->multi, x) != CURLM_OK) {
		handle_put(c, h);
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "cannot add a libcurl transfer");
	}
	j->h = h;
	j->state = JOB_FLIGHT;
	j->start_ms = now;
	if (j->attempts > 0)
		c->st.retries++;
	j->attempts++;
	c->st.http_requests++;
	flight_add(c, j);
	return 0;
}

static const char *
transport_error(CURLcode rc, const char *errbuf, char *dst, size_t n)
{
	if (errbuf[0] != '\0')
		snprintf(dst, n, "%s", errbuf);
	else
		snprintf(dst, n, "%s", curl_easy_strerror(rc));
	return dst;
}

/* Transport errors that no retry can fix. */
static int
transport_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_WRITE_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_FILESIZE_EXCEEDED:
		return 1;
	default:
		return 0;
	}
}

/*
 * Did the attempt fail to reach the server at all: refused, not resolved,
 * no TLS session, or a connect timeout?  Returns 0 (it reached the server
 * or failed later), 1, or 2 for a certificate that failed verification
 * (waiting does not fix it).
 */
static int
unreachable(CURLcode rc, CURL *easy)
{
	curl_off_t connect_us = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
		return 1;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return 2;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
		return connect_us == 0 ? 1 : 0;
	default:
		return 0;
	}
}

/*
 * Count an attempt on endpoint i that could not reach it (kind from
 * unreachable), or reset the count when it did (kind 0); when every
 * endpoint is down, stop starting calls (DOWN_FAILS).
 */
static void
note_reach(struct llm_client *c, size_t i, int kind, const char *error,
    double now)
{
	struct endpoint *ep = &c->eps[i];
	struct buf msg;
	size_t k;
	int permanent = 0;

	if (kind == 0) {
		ep->down_fails = 0;
		return;
	}
	if (ep->down_fails++ == 0)
		ep->down_since = now;
	ep->down_permanent = kind == 2;
	snprintf(ep->down_error, sizeof(ep->down_error), "%s", error);
	if (c->down)
		return;
	for (k = 0; k < c->n_eps; k++)
		if (c->eps[k].down_fails < DOWN_FAILS ||
		    now - c->eps[k].down_since < DOWN_MS)
			return;
	c->down = 1;
	c->draining = 1;
	buf_init(&msg);
	buf_adds(&msg, c->n_eps == 1 ? "endpoint unreachable: " :
	    "endpoints unreachable: ");
	for (k = 0; k < c->n_eps; k++) {
		buf_printf(&msg, "%s%s: %s", k ? "; " : "", c->eps[k].host,
		    c->eps[k].down_error);
		permanent |= c->eps[k].down_permanent;
	}
	diag_set(&c->down_diag, permanent ? EX_UNAVAILABLE : EX_TEMPFAIL,
	    NULL, 0, "%s", msg.p);
	buf_release(&msg);
}

/* The attempt of j is over: its bound no longer counts (--max-cost). */
static void
unreserve(struct llm_client *c, struct job *j)
{
	if (!j->reserved)
		return;
	/* Exactly 0 when none is left: no rounding residue. */
	c->reserved = --c->n_reserved > 0 ? c->reserved - j->bound : 0;
	j->reserved = 0;
}

/* Store a fresh response in the cache and deliver it. */
static void
succeed(struct llm_client *c, struct job *j, struct wire_response *resp,
    double latency_ms)
{
	json_t *v, *u, *stored;
	struct diag d;

	/* Paid for: what it cost, whatever the cache keeps. */
	unreserve(c, j);
	j->paid = 1;
	j->paid_usage = resp->usage;
	if (c->e->price.known) {
		if (resp->usage.present)
			j->cost = price_cost_usd(&c->e->price,
			    resp->usage.prompt_tokens, resp->usage.cached_tokens,
			    resp->usage.completion_tokens);
		else	/* no usage reported: count the most it could be */
			j->cost = j->bound >= 0 ? j->bound : 0;
		c->st.cost_usd += j->cost;
	}
	if (resp->usage.present)
		u = json_pack("{s:I,s:I,s:I}",
		    "prompt_tokens", (json_int_t)resp->usage.prompt_tokens,
		    "completion_tokens",
		    (json_int_t)resp->usage.completion_tokens,
		    "total_tokens", (json_int_t)resp->usage.total_tokens);
	else
		u = json_null();
	v = json_object();
	json_object_set_new(v, "v", json_integer(1));
	json_object_set_new(v, "key", json_string(j->key_hex));
	json_object_set_new(v, "api_type", json_string(c->e->api_type_name));
	json_object_set_new(v, "model_name", json_string(c->e->model_name));
	json_object_set_new(v, "text",
	    json_stringn(resp->text, resp->text_len));
	json_object_set_new(v, "finish_reason", resp->finish_reason != NULL ?
	    json_string(resp->finish_reason) : json_null());
	json_object_set_new(v, "usage", u);
	json_object_set_new(v, "latency_ms",
	    json_integer((json_int_t)llround(latency_ms)));
	json_object_set_new(v, "created", json_real(wall_time()));
	if (c->o.cache != NULL && !c->fatal) {
		diag_clear(&d);
		switch (cache_put(c->o.cache, j->key, v, &stored, &d)) {
		case -1:
			/* Losing paid work silently is worse than stopping. */
			c->fatal = 1;
			c->stopping = 1;
			c->fatal_diag = d;
			break;
		case 0:
			/*
			 * Another process stored an answer first: emit that
			 * one, so that every run sharing the cache agrees.
			 */
			json_decref(v);
			v = stored;
			break;
		}
	}
	/* Delivered after the next requests are on their way (deliver). */
	j->value = v;
	q_push(&c->completed, j);
}

/* Queue a failed job for delivery. */
static void
complete_failed(struct llm_client *c, struct job *j, int code)
{
	j->fail_code = code;
	q_push(&c->completed, j);
}

/* Run the callbacks of finished transfers. */
static void
deliver(struct llm_client *c)
{
	struct job *j;

	while ((j = q_pop(&c->completed)) != NULL) {
		if (j->value != NULL) {
			json_t *v = j->value;

			j->value = NULL;
			finish_value(c, j, v, 0);
			json_decref(v);
		} else
			finish_failed(c, j, j->fail_code);
	}
}

/*
 * The attempt of j is over, having used used tokens (-1: not counted):
 * settle its charge with the endpoint's pacer, and let the pacer learn
 * the limits the reply's headers gave.
 */
static void
paced(struct llm_client *c, struct job *j, double used, double now)
{
	struct endpoint *ep = &c->eps[j->endpoint];

	ep->in_flight--;
	ep->in_flight_tokens -= j->charge;
	pace_settle(&ep->pace, j->charge, used, now);
	j->charge = 0;
	pace_learn(&ep->pace, &j->rl.req, &j->rl.tok, (double)ep->in_flight,
	    ep->in_flight_tokens, now);
}

/* After a failed attempt: retry later or fail for good. */
static void
retry_or_fail(struct llm_client *c, struct job *j, long status, double now)
{
	const struct apiconfig_entry *e = c->e;
	double delay, server;

	if (!j->retryable) {
		complete_failed(c, j, EX_UNAVAILABLE);
		return;
	}
	if (j->attempts > e->max_retries) {
		complete_failed(c, j, j->permanent ? EX_UNAVAILABLE :
		    EX_TEMPFAIL);
		return;
	}
	delay = llm_backoff_ms(j->attempts, uniform(c));
	server = wire_retry_after_ms(j->retry_after[0] ? j->retry_after : NULL,
	    j->retry_after_ms[0] ? j->retry_after_ms : NULL, time(NULL));
	if (server > MAX_SERVER_DELAY_MS) {
		char msg[600];

		snprintf(msg, sizeof(msg), "%s (server asks to wait %.0f s)",
		    j->error != NULL ? j->error : "failed", server / 1000);
		set_error(j, msg);
		complete_failed(c, j, EX_TEMPFAIL);
		return;
	}
	if (server >= 0) {
		delay = fmax(delay, server);
		/* No new request on this endpoint until the delay passed. */
		if (status == 429 && server > 0)
			c->eps[j->endpoint].blocked_until = fmax(
			    c->eps[j->endpoint].blocked_until, now + server);
	}
	heap_push(c, j, now + delay);
}

static void
transfer_done(struct llm_client *c, CURLMsg *msg, double now)
{
	struct job *j = NULL;
	struct handle *h;
	CURLcode rc = msg->data.result;
	long status = 0;
	struct wire_response resp;
	char err[CURL_ERROR_SIZE + 64];
	long version = 0;
	int kind;

	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
	curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(msg->easy_handle, CURLINFO_HTTP_VERSION, &version);
	j->http_version = version == CURL_HTTP_VERSION_1_0 ? 10 :
	    version == CURL_HTTP_VERSION_1_1 ? 11 :
	    version == CURL_HTTP_VERSION_2_0 ? 20 :
	    version == CURL_HTTP_VERSION_3 ? 30 : 0;
	curl_multi_remove_handle(c->multi, msg->easy_handle);
	h = j->h;
	j->h = NULL;
	flight_remove(c, j);
	unreserve(c, j);
	j->http_status = status;
	if (rc != CURLE_OK) {
		kind = unreachable(rc, msg->easy_handle);
		transport_error(rc, h->errbuf, err, sizeof(err));
		handle_put(c, h);
		scrub_keys(c->e, err);
		set_error(j, err);
		/*
		 * A certificate problem is for good, but another endpoint
		 * may have a good one: retry, and let note_reach stop the
		 * run when every endpoint has it.
		 */
		j->retryable = !transport_permanent(rc) || kind == 2;
		j->permanent = kind == 2;
		if (rc == CURLE_WRITE_ERROR)
			set_error(j, "response larger than 64 MiB");
		paced(c, j, -1, now);
		note_reach(c, j->endpoint, kind, err, now);
		retry_or_fail(c, j, status, now);
		return;
	}
	note_reach(c, j->endpoint, 0, NULL, now);
	j->permanent = 0;
	handle_put(c, h);
	if (wire_response_parse(c->e->api_type, status, j->resp.p, j->resp.len,
	    &resp) == 0) {
		/* Without usage, the charge stands for what it used. */
		paced(c, j, resp.usage.present ?
		    (double)resp.usage.total_tokens : j->charge, now);
		if (resp.usage.present) {
			c->reply_tokens += resp.usage.completion_tokens;
			c->n_replies++;
		}
		buf_release(&j->resp);
		buf_release(&j->body);
		succeed(c, j, &resp, now - j->start_ms);
		wire_response_release(&resp);
		return;
	}
	paced(c, j, -1, now);
	if (j->should_retry == 1)
		resp.retryable = 1;
	else if (j->should_retry == 0)
		resp.retryable = 0;
	scrub_keys(c->e, resp.error);
	set_error(j, resp.error);
	j->retryable = resp.retryable;
	wire_response_release(&resp);
	retry_or_fail(c, j, status, now);
}

/* Read the interrupt flag: drain first, abort on LLM_INTERRUPT_NOW. */
static void
check_interrupt(struct llm_client *c)
{
	sig_atomic_t v;

	if (c->o.interrupted == NULL || (v = *c->o.interrupted) == 0)
		return;
	c->interrupted = 1;
	c->draining = 1;
	if (v & LLM_INTERRUPT_NOW)
		c->stopping = 1;
}

/* The completion tokens of a cache value, or -1 when it has none. */
static long long
value_completion(const json_t *v)
{
	const json_t *n = json_object_get(json_object_get(v, "usage"),
	    "completion_tokens");

	return json_is_integer(n) ? (long long)json_integer_value(n) : -1;
}

/*
 * --estimate: add a call the run would send, and those that may follow
 * it, to the estimate; it completes unsent.
 */
static void
estimate_unsent(struct llm_client *c, struct job *j)
{
	struct estimate_line *e = c->o.estimate;
	unsigned char id[HASH_LEN + 8];
	struct llm_result r;
	long long prompt;
	int k;

	memset(&r, 0, sizeof(r));
	r.status = LLM_OK;
	r.text = "";
	r.unsent = 1;
	/*
	 * A call the run makes twice is sent once (the second waits for the
	 * first's reply, see claim): the repeat costs nothing.
	 */
	memcpy(id, j->key, HASH_LEN);
	memcpy(id + HASH_LEN, &j->unknown_which, 8);
	if (strmap_get(&c->unsent, (const char *)id, sizeof(id)) !=
	    STRMAP_NONE) {
		estimate_hit(e, -1);
		finish(c, j, &r);
		return;
	}
	strmap_put(&c->unsent, (const char *)id, sizeof(id), 1);
	prompt = estimate_prompt_tokens(c->o.estimate_tok, j->msgs,
	    j->n_msgs);
	estimate_miss(e, prompt + j->unknown_tokens, j->max_tokens,
	    j->unknown_replies);
	/* Texts of other models: their bound beyond the expectation. */
	e->prompt_tokens_bound += j->unknown_tokens_bound - j->unknown_tokens;
	/*
	 * Follow-up k repeats the k replies before it (each at most
	 * max_tokens, the last one added by estimate_maybe) and k requests
	 * to go on, each message framed by 4 tokens.
	 */
	for (k = 1; k <= j->may_follow; k++)
		estimate_maybe(e, prompt + j->unknown_tokens_bound +
		    (long long)k * (8 + j->then_ask_tokens) +
		    (long long)(k - 1) * j->max_tokens, j->max_tokens);
	finish(c, j, &r);
}

/* Look pending jobs up in the cache; hits and offline misses complete. */
static int
process_pending(struct llm_client *c, struct diag *d)
{
	struct job *j;
	json_t *v;
	int r;

	while ((j = q_pop(&c->pending)) != NULL) {
		/* A warm cache completes everything here: stay responsive. */
		check_interrupt(c);
		if (c->stopping || c->draining) {
			q_push(&c->pending, j);
			return 0;
		}
		v = NULL;
		r = 0;
		if (c->o.cache != NULL) {
			r = cache_get(c->o.cache, j->key, &v, d);
			if (r == -1) {
				q_push(&c->pending, j);
				return -1;
			}
		}
		if (r == 1 && value_ok(v)) {
			if (c->o.estimate != NULL)
				estimate_hit(c->o.estimate, value_completion(v));
			finish_value(c, j, v, 1);
			json_decref(v);
			continue;
		}
		json_decref(v);
		if (c->o.estimate != NULL) {
			estimate_unsent(c, j);
			continue;
		}
		if (c->o.offline) {
			set_error(j, "not in the cache (--offline)");
			j->retryable = 0;
			finish_failed(c, j, EX_UNAVAILABLE);
			continue;
		}
		j->state = JOB_READY;
		q_push(&c->ready, j);
	}
	return 0;
}

/* Move due timers to the ready queue. */
static void
promote_timers(struct llm_client *c, double now)
{
	while (c->n_heap > 0 && c->heap[0]->due_ms <= now) {
		struct job *j = heap_pop(c);

		j->state = JOB_READY;
		q_push(&c->ready, j);
	}
}

/*
 * Claim j's key before paying for it (cache.h: claims).  Returns 1 when j
 * may be sent; 0 when it needs no request after all (another process
 * stored the answer: delivered) or another process is asking now (j joins
 * the waiting queue); -1 on a cache error (d set), j untouched.
 */
static int
claim(struct llm_client *c, struct job *j, double now, struct diag *d)
{
	json_t *v = NULL;
	int r;

	if (c->o.cache == NULL || j->claimed)
		return 1;
	/*
	 * A job of our own holds it (two games with one prompt): wait for
	 * it too, so that the request is sent once whatever the timing.
	 */
	if (strmap_get(&c->claims, (const char *)j->key, HASH_LEN) == 1 ||
	    !cache_claim(c->o.cache, j->key)) {
		if (c->waiting.n == 0)
			c->next_look_ms = now + CLAIM_POLL_MS;
		j->state = JOB_WAITING;
		q_push(&c->waiting, j);
		return 0;
	}
	/* The last holder may have stored it just before letting go. */
	r = cache_get(c->o.cache, j->key, &v, d);
	if (r == -1) {
		cache_release(c->o.cache, j->key);
		return -1;
	}
	if (r == 1 && value_ok(v)) {
		cache_release(c->o.cache, j->key);
		c->st.awaited++;
		finish_value(c, j, v, 1);
		json_decref(v);
		return 0;
	}
	json_decref(v);
	j->claimed = 1;
	strmap_put(&c->claims, (const char *)j->key, HASH_LEN, 1);
	return 1;
}

/*
 * Every CLAIM_POLL_MS, look whether the process asking for a waiting job's
 * key has stored its answer (delivered as a cache hit); the others go back
 * to the ready queue, where start_ready claims them or they wait again.
 */
static int
look_again(struct llm_client *c, double now, struct diag *d)
{
	size_t n = c->waiting.n;
	json_t *v;
	int r;

	if (n == 0 || now < c->next_look_ms)
		return 0;
	c->next_look_ms = now + CLAIM_POLL_MS;
	while (n-- > 0) {
		struct job *j = q_pop(&c->waiting);

		v = NULL;
		r = cache_get(c->o.cache, j->key, &v, d);
		if (r == -1) {
			q_push(&c->waiting, j);
			return -1;
		}
		if (r == 1 && value_ok(v)) {
			c->st.awaited++;
			finish_value(c, j, v, 1);
			json_decref(v);
			continue;
		}
		json_decref(v);
		j->state = JOB_READY;
		q_push(&c->ready, j);
	}
	return 0;
}

/*
 * Would starting an attempt of j break a cap of the options?  While
 * attempts are in flight, j waits for them: they will cost less than
 * their bound.  When it would break a cap with nothing in flight, the run
 * stops starting attempts: the rest is cancelled and llm_run says which
 * cap (c->capped).  Computes j's bound once.
 */
static int
over_cap(struct llm_client *c, struct job *j)
{
	if (c->o.cap_calls &&
	    (long long)c->st.http_requests >= c->o.max_calls)
		c->capped = 2;
	else if (c->o.cap_cost) {
		if (j->bound < 0)
			j->bound = price_bound_usd(&c->e->price,
			    estimate_prompt_tokens(c->o.tok, j->msgs, j->n_msgs),
			    j->max_tokens);
		if (j->bound >= 0 && c->st.cost_usd + c->reserved + j->bound <=
		    c->o.max_cost)
			return 0;
		if (c->n_reserved > 0) {
			c->cap_wait = 1;
			return 1;
		}
		/* A bound of -1 (no price) stops too: nothing is known. */
		c->capped = 1;
	}
	if (c->capped)
		c->draining = 1;
	return c->capped != 0;
}

/*
 * The tokens j's attempt is charged to its endpoint's pacer: its prompt
 * (a token per 4 bytes) and the reply it is expected to get, the mean of
 * the run's fresh replies so far (max_tokens before the first).
 */
static double
expected_tokens(const struct llm_client *c, const struct job *j)
{
	double reply = (double)j->max_tokens;

	if (c->n_replies > 0)
		reply = fmin(reply, ceil((double)c->reply_tokens /
		    (double)c->n_replies));
	return ceil((double)j->msg_bytes / 4) + reply;
}

/*
 * Start ready jobs while slots and rate limits allow.  *wait_ms receives
 * how long the rate limits hold the next start back (0: not held).
 * Returns the number started, or -1.
 */
static int
start_ready(struct llm_client *c, double now, double *wait_ms,
    struct diag *d)
{
	size_t n = c->ready.n;
	int started = 0, r;

	*wait_ms = 0;
	c->cap_wait = 0;
	while (n-- > 0 && c->in_flight < (size_t)c->parallel) {
		struct job *j = q_pop(&c->ready);
		struct endpoint *ep;
		double wait, charge;

		j->endpoint = (size_t)((j->k + (uint64_t)j->attempts) %
		    c->n_eps);
		ep = &c->eps[j->endpoint];
		if (ep->blocked_until > now) {
			heap_push(c, j, ep->blocked_until);
			continue;
		}
		if ((r = claim(c, j, now, d)) == -1) {
			q_push(&c->ready, j);
			return -1;
		}
		if (r == 0)
			continue;
		charge = expected_tokens(c, j);
		wait = pace_wait(&ep->pace, charge, now);
		if (wait > 0 || over_cap(c, j)) {
			/* Keep the order: put it back at the head. */
			j->next = c->ready.head;
			c->ready.head = j;
			if (c->ready.tail == NULL)
				c->ready.tail = j;
			c->ready.n++;
			*wait_ms = wait;
			break;
		}
		if (c->o.cap_cost) {
			c->reserved += j->bound;
			c->n_reserved++;
			j->reserved = 1;
		}
		pace_take(&ep->pace, charge, now);
		j->charge = charge;
		ep->in_flight++;
		ep->in_flight_tokens += charge;
		if (start(c, j, now, d) == -1) {
			q_push(&c->ready, j);
			return -1;
		}
		started++;
	}
	return started;
}

static void
cancel_all(struct llm_client *c)
{
	struct job *j;
	CURLMsg *m;
	int left;

	c->stopping = 1;
	/* Completed transfers whose result we did not read yet still count. */
	if (c->multi != NULL && !c->fatal)
		while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE)
				transfer_done(c, m, mono_ms());
	deliver(c);
	while ((j = q_pop(&c->pending)) != NULL)
		finish_cancelled(c, j);
	while ((j = q_pop(&c->ready)) != NULL)
		finish_cancelled(c, j);
	while ((j = q_pop(&c->waiting)) != NULL)
		finish_cancelled(c, j);
	while ((j = heap_pop(c)) != NULL)
		finish_cancelled(c, j);
	while ((j = c->flight) != NULL) {
		curl_multi_remove_handle(c->multi, j->h->easy);
		handle_put(c, j->h);
		j->h = NULL;
		flight_remove(c, j);
		finish_cancelled(c, j);
	}
}

static int
outstanding(const struct llm_client *c)
{
	return c->pending.n + c->ready.n + c->waiting.n + c->completed.n +
	    c->n_heap + c->in_flight > 0;
}

/*
 * Fill the free slots and send: look pending calls up in the cache, move
 * due timers and awaited calls to the ready queue, start what the slots
 * and the rate limits allow, then let libcurl send when something started
 * or *stale (the poll woke up: curl_multi_perform visits every transfer,
 * so it runs only then).  *wait_ms receives how long the rate limits hold
 * the next start back (0: not held).  Returns 0, or -1 with d set.
 */
static int
fill_and_send(struct llm_client *c, int *stale, double *wait_ms,
    struct diag *d)
{
	double now;
	int n, running;

	*wait_ms = 0;
	if (!c->draining && !c->stopping) {
		if (process_pending(c, d) == -1)
			return -1;
		/* A warm cache may have answered for a while: look again. */
		now = mono_ms();
		promote_timers(c, now);
		if (!c->draining && !c->stopping) {
			if (look_again(c, now, d) == -1)
				return -1;
			if ((n = start_ready(c, now, wait_ms, d)) == -1)
				return -1;
			if (n > 0)
				*stale = 1;
		}
	}
	if (c->multi == NULL || !*stale)
		return 0;
	*stale = 0;
	if (curl_multi_perform(c->multi, &running) != CURLM_OK)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "libcurl multi loop failed");
	return 0;
}

int
llm_run(struct llm_client *c, struct diag *d)
{
	CURLMsg *m;
	int left, stale = 1;
	double now, wait_ms, timeout;

	while (outstanding(c)) {
		check_interrupt(c);
		if (c->stopping || (c->draining && c->in_flight == 0))
			break;
		if (fill_and_send(c, &stale, &wait_ms, d) == -1)
			goto fatal;
		if (c->stopping)
			break;
		if (c->multi == NULL && c->ready.n == 0 && c->n_heap == 0 &&
		    c->waiting.n == 0)
			continue;	/* everything came from the cache */
		if (ensure_multi(c, d) == -1)
			goto fatal;
		now = mono_ms();
		while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
			if (m->msg == CURLMSG_DONE)
				transfer_done(c, m, now);
		if (c->completed.n > 0) {
			/*
			 * Callbacks can be slow (gen-answer tokenises every
			 * answer): fill the freed slots and send first, so
			 * the connections do not sit idle meanwhile.
			 */
			if (fill_and_send(c, &stale, &wait_ms, d) == -1)
				goto fatal;
			deliver(c);
			/* That perform may have finished more: read them. */
			continue;
		}
		if ((c->pending.n > 0 && !c->draining) || c->stopping)
			continue;
	/* Sleep until a transfer, a timer or a rate limit wakes us. */
		timeout = POLL_MAX_MS;
		if (c->n_heap > 0)
			timeout = fmin(timeout, c->heap[0]->due_ms - now);
		if (c->waiting.n > 0)
			timeout = fmin(timeout, c->next_look_ms - now);
		if (c->ready.n > 0) {
			if (wait_ms > 0)
				timeout = fmin(timeout, wait_ms);
			else if (c->in_flight < (size_t)c->parallel &&
			    !c->cap_wait)
				timeout = 0;
		}
		if (timeout < 0)
			timeout = 0;
		if (c->draining)
			timeout = POLL_MAX_MS;
		if (c->in_flight == 0 && (c->draining || (c->ready.n == 0 &&
		    c->n_heap == 0 && c->waiting.n == 0)))
			continue;
		if (curl_multi_poll(c->multi, NULL, 0, (int)ceil(timeout),
		    NULL) != CURLM_OK) {
			diag_set(d, EX_SOFTWARE, NULL, 0,
			    "libcurl multi poll failed");
			goto fatal;
		}
		stale = 1;
	}
	if (c->stopping || c->draining) {
		cancel_all(c);
		if (c->fatal) {
			if (d != NULL)
				*d = c->fatal_diag;
			return -1;
		}
		if (c->down) {
			if (d != NULL)
				*d = c->down_diag;
			return -1;
		}
		if (c->capped == 1)
			return diag_set(d, EX_TEMPFAIL, NULL, 0, "cost cap "
			    "reached: $%.4f spent of $%.4f (--max-cost)",
			    c->st.cost_usd, c->o.max_cost);
		if (c->capped == 2)
			return diag_set(d, EX_TEMPFAIL, NULL, 0, "call cap "
			    "reached: %zu calls made (--max-calls %lld)",
			    c->st.http_requests, c->o.max_calls);
	}
	return 0;
fatal:
	c->fatal = 1;
	cancel_all(c);
	return -1;
}

int
llm_submit(struct llm_client *c, const struct llm_call *call,
    unsigned char key[HASH_LEN], struct diag *d)
{
	struct job *j;
	size_t i, bytes = 0;
	char *p;

	if (call->done == NULL)
		return diag_set(d, EX_SOFTWARE, NULL, 0,
		    "llm_submit: no callback");
	if (c->stopping || c->draining)
		return diag_set(d, EX_TEMPFAIL, NULL, 0, "interrupted");
	for (i = 0; i < call->n_messages; i++)
		bytes += call->messages[i].len + 1 +
		    strlen(call->messages[i].role) + 1;
	j = xcalloc(1, sizeof(*j));
	j->c = c;
	j->msgs = xmalloc(call->n_messages * sizeof(*j->msgs) + bytes + 1);
	p = (char *)(j->msgs + call->n_messages);
	for (i = 0; i < call->n_messages; i++) {
		const struct request_message *m = &call->messages[i];
		size_t rl = strlen(m->role);

		memcpy(p, m->role, rl + 1);
		j->msgs[i].role = p;
		p += rl + 1;
		memcpy(p, m->content, m->len);
		p[m->len] = '\0';
		j->msgs[i].content = p;
		j->msgs[i].len = m->len;
		p += m->len + 1;
		j->msg_bytes += m->len;
	}
	j->n_msgs = call->n_messages;
	j->temperature = call->temperature;
	j->max_tokens = call->max_tokens;
	j->unknown_replies = call->unknown_replies;
	j->unknown_tokens = call->unknown_tokens;
	j->unknown_which = call->unknown_which;
	j->unknown_tokens_bound = call->unknown_tokens_bound > call->
	    unknown_tokens ? call->unknown_tokens_bound : call->unknown_tokens;
	j->may_follow = call->may_follow;
	if (c->o.estimate != NULL && call->then_ask != NULL)
		j->then_ask_tokens = (long long)tok_count(c->o.estimate_tok,
		    call->then_ask, strlen(call->then_ask));
	j->done = call->done;
	j->user = call->user;
	j->tags = call->tags;
	json_incref(j->tags);
	j->bound = -1;
	buf_init(&j->body);
	buf_init(&j->resp);
	llm_call_key(c->e, j->msgs, j->n_msgs, j->temperature, j->max_tokens,
	    j->key);
	hash_hex(j->key, HASH_LEN, j->key_hex);
	j->k = hash_u64be(j->key);
	if (key != NULL)
		memcpy(key, j->key, HASH_LEN);
	j->state = JOB_PENDING;
	q_push(&c->pending, j);
	c->st.submitted++;
	return 0;
}

int
llm_interrupted(const struct llm_client *c)
{
	return c->interrupted;
}

int
llm_unreachable(const struct llm_client *c)
{
	return c->down;
}

int
llm_cut_short(const struct llm_client *c)
{
	return c->down || c->capped;
}

int
llm_logs_usage(const struct llm_client *c)
{
	return c->o.usage_log != NULL;
}

void
llm_stats(const struct llm_client *c, struct llm_stats *st)
{
	*st = c->st;
	st->in_flight = c->in_flight;
}

long
llm_parallel(const struct llm_client *c)
{
	return c->parallel;
}

void
llm_client_free(struct llm_client *c)
{
	struct handle *h;
	struct job *j;
	size_t i;

	if (c == NULL)
		return;
	while ((j = c->flight) != NULL) {
		curl_multi_remove_handle(c->multi, j->h->easy);
		handle_put(c, j->h);
		flight_remove(c, j);
		job_free(j);
	}
	while ((j = q_pop(&c->pending)) != NULL)
		job_free(j);
	while ((j = q_pop(&c->ready)) != NULL)
		job_free(j);
	while ((j = q_pop(&c->waiting)) != NULL)
		job_free(j);
	while ((j = q_pop(&c->completed)) != NULL)
		job_free(j);
	while ((j = heap_pop(c)) != NULL)
		job_free(j);
	while ((h = c->free_handles) != NULL) {
		c->free_handles = h->next;
		curl_easy_cleanup(h->easy);
		free(h);
	}
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	for (i = 0; i < c->n_eps; i++) {
		free(c->eps[i].url);
		free(c->eps[i].host);
		curl_slist_free_all(c->eps[i].headers);
	}
	free(c->eps);
	free(c->heap);
	strmap_release(&c->claims);
	strmap_release(&c->unsent);
	free(c->noproxy);
	free(c->default_cainfo);
	free(c->default_capath);
	free(c);
	curl_global_cleanup();
}
