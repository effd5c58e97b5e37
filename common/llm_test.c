/* llm_test.c: keys, answer ids, delays and the event loop of llm.h. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <cmocka.h>

#include "llm.h"

static struct apiconfig_entry *
entry(const char *yaml)
{
	struct diag d;
	struct apiconfig_entry *e;

	diag_clear(&d);
	e = apiconfig_load_entry_mem("api.yaml", yaml, strlen(yaml), "m", &d);
	if (e == NULL)
		fail_msg("%s", d.msg);
	return e;
}

static void
test_llm_call_key_excludes_keys(void **state)
{
	struct apiconfig_entry *a = entry("m:\n  endpoints:\n"
	    "    - {api_base: 'HTTP://Host/v1/', api_key: one}\n"
	    "  parallel: 4\n");
	struct apiconfig_entry *b = entry("m:\n  endpoints:\n"
	    "    - {api_base: 'http://host/v1', api_key: two}\n"
	    "  timeout_s: 5\n");
	struct request_message m[] = { { "user", "hi", 2 } };
	struct request r;
	json_t *params = request_params_new(0.0, 4096, NULL);
	const char *eps[] = { "http://host/v1" };
	unsigned char k1[HASH_LEN], k2[HASH_LEN], k3[HASH_LEN];

	llm_call_key(a, m, 1, 0.0, 4096, k1);
	llm_call_key(b, m, 1, 0.0, 4096, k2);
	assert_memory_equal(k1, k2, HASH_LEN);
	r.api_type = "openai";
	r.endpoints = eps;
	r.n_endpoints = 1;
	r.model_name = "m";
	r.params = params;
	r.messages = m;
	r.n_messages = 1;
	request_key(&r, k3);
	assert_memory_equal(k1, k3, HASH_LEN);
	llm_call_key(a, m, 1, 0.0, 4095, k2);
	assert_memory_not_equal(k1, k2, HASH_LEN);
	json_decref(params);
	apiconfig_entry_free(a);
	apiconfig_entry_free(b);
}

static void
test_llm_backoff_ms(void **state)
{
	assert_true(llm_backoff_ms(1, 0.0) == 0);
	assert_true(llm_backoff_ms(1, 0.5) == 500);
	assert_true(llm_backoff_ms(2, 0.5) == 1000);
	assert_true(llm_backoff_ms(3, 0.999) < 4000);
	assert_true(llm_backoff_ms(6, 1.0) == 32000);
	assert_true(llm_backoff_ms(7, 1.0) == 60000);
	assert_true(llm_backoff_ms(40, 1.0) == 60000);
}

/* Vectors computed with Python: hashlib + base 57 by hand (shortuuid). */
static void
test_llm_answer_id(void **state)
{
	const char *k1 =
	    "4eeff111d1e9ed3f986819fc8264a047247408b08a123bb555fe6727d7fc1587";
	char two[129], out[23];

	llm_answer_id(k1, 64, out);
	assert_string_equal(out, "9my4hBpjqg9ugamR5jmSTo");
	snprintf(two, sizeof(two), "%s%064d", k1, 0);
	llm_answer_id(two, 128, out);
	assert_string_equal(out, "fQZ5fsE3WPmQa6aGcWrp88");
	llm_answer_id("", 0, out);
	assert_string_equal(out, "iX966VZmRU5DFEmhbA22Kh");
}

/*
 * A canned HTTP/1.1 server in a child process, for the parts of the loop
 * that mock-llm cannot provoke: response i of the script answers request
 * i (the last one repeats), and every request is appended to a log file
 * after a line "t=SECONDS" (monotonic clock).  It serves one connection at
 * a time and closes it after each response, so parallel clients queue up.
 */
struct canned {
	int status;
	const char *headers;		/* extra header lines, "\r\n" each */
	const char *body;
};

struct server {
	pid_t pid;
	int port;
	char log[64];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
serve(int lfd, const struct canned *script, size_t n, const char *log)
{
	size_t i = 0;
	char buf[1 << 16];

	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		size_t have = 0;

		if (fd == -1)
			continue;
		for (;;) {
			char *end, *cl, out[4096];
			size_t need, body = 0;
			ssize_t r;
			const struct canned *c;
			FILE *f;

			buf[have] = '\0';
			end = strstr(buf, "\r\n\r\n");
			if (end != NULL) {
				cl = strcasestr(buf, "content-length:");
				if (cl != NULL && cl < end)
					body = strtoul(cl + 15, NULL, 10);
				need = (size_t)(end - buf) + 4 + body;
				if (have >= need) {
					f = fopen(log, "a");
					fprintf(f, "t=%.3f\n", now_s());
					fwrite(buf, 1, need, f);
					fputs("\n=====\n", f);
					fclose(f);
					c = &script[i < n ? i : n - 1];
					i++;
					r = snprintf(out, sizeof(out),
					    "HTTP/1.1 %d X\r\n"
					    "Content-Type: application/json\r\n"
					    "Connection: close\r\n%s"
					    "Content-Length: %zu\r\n\r\n%s",
					    c->status, c->headers,
					    strlen(c->body), c->body);
					if (write(fd, out, (size_t)r) != r)
						break;
					break;
				}
			}
			r = read(fd, buf + have, sizeof(buf) - 1 - have);
			if (r <= 0)
				break;
			have += (size_t)r;
		}
		close(fd);
	}
}

static void
server_start(struct server *s, const struct canned *script, size_t n)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	static int seq;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	getsockname(lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	snprintf(s->log, sizeof(s->log), "/tmp/llm_test.%d.%d", (int)getpid(),
	    seq++);
	unlink(s->log);
	close(open(s->log, O_WRONLY | O_CREAT, 0600));
	s->pid = fork();
	assert_true(s->pid != -1);
	if (s->pid == 0) {
		serve(lfd, script, n, s->log);
		_exit(0);
	}
	close(lfd);
}

/* Stop the server; returns its request log (free it). */
static char *
server_stop(struct server *s)
{
	FILE *f;
	char *p;
	long n;

	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	f = fopen(s->log, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(s->log);
	return p;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

struct got {
	int n;
	enum llm_status status;
	int attempts;
	int code;
	long http;
	char text[256];
	char error[256];
};

static void
on_got(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct got *g = user;

	g->n++;
	g->status = r->status;
	g->attempts = r->attempts;
	g->code = r->exit_code;
	g->http = r->http_status;
	snprintf(g->text, sizeof(g->text), "%s", r->text ? r->text : "");
	snprintf(g->error, sizeof(g->error), "%s", r->error ? r->error : "");
}


/* Run calls (n_calls times the message "hi") against entry yaml. */
static void
run_calls(const char *yaml, int n_calls, struct got *g)
{
	struct apiconfig_entry *e = entry(yaml);
	struct llm_options o = { 0 };
	struct llm_client *c;
	struct request_message m[1] = { { "user", NULL, 0 } };
	struct llm_call call = { .messages = m, .n_messages = 1,
	    .max_tokens = 16, .done = on_got };
	struct diag d;
	char text[32];
	int i;

	c = llm_client_new(e, &o, &d);
	assert_non_null(c);
	for (i = 0; i < n_calls; i++) {
		snprintf(text, sizeof(text), "hi %d", i);
		m[0].content = text;
		m[0].len = strlen(text);
		call.user = &g[i];
		assert_int_equal(llm_submit(c, &call, NULL, &d), 0);
	}
	assert_int_equal(llm_run(c, &d), 0);
	llm_client_free(c);
	apiconfig_entry_free(e);
}

#define OK_OPENAI "{\"choices\": [{\"message\": {\"content\": \"fine\"}, " \
	"\"finish_reason\": \"stop\"}]}"
#define OK_ANTHROPIC "{\"content\": [{\"type\": \"text\", \"text\": " \
	"\"fine\"}], \"stop_reason\": \"end_turn\", \"usage\": " \
	"{\"input_tokens\": 3, \"output_tokens\": 1}}"

static char *
yaml_for(int port, const char *more)
{
	static char y[1024];

	snprintf(y, sizeof(y), "m:\n  endpoints:\n"
	    "    - {api_base: 'http://127.0.0.1:%d/v1', api_key: sk-canned}\n"
	    "  max_retries: 3\n%s", port, more);
	return y;
}

/* x-should-retry overrides the status: false stops a 500, true retries a
 * 400. */
static void
test_llm_run_x_should_retry(void **state)
{
	static const struct canned no[] = {
		{ 500, "x-should-retry: false\r\n", "{}" },
		{ 200, "", OK_OPENAI },
	};
	static const struct canned yes[] = {
		{ 400, "X-Should-Retry: true\r\nretry-after-ms: 10\r\n",
		    "{\"error\": {\"message\": \"try again\"}}" },
		{ 200, "", OK_OPENAI },
	};
	struct server s;
	struct got g = { 0 };
	char *log;

	server_start(&s, no, 2);
	run_calls(yaml_for(s.port, ""), 1, &g);
	free(server_stop(&s));
	assert_int_equal(g.status, LLM_FAILED);
	assert_int_equal(g.attempts, 1);
	assert_int_equal(g.http, 500);
	assert_int_equal(g.code, EX_UNAVAILABLE);
	assert_string_equal(g.error, "HTTP 500");

	memset(&g, 0, sizeof(g));
	server_start(&s, yes, 2);
	run_calls(yaml_for(s.port, ""), 1, &g);
	log = server_stop(&s);
	assert_int_equal(g.status, LLM_OK);
	assert_int_equal(g.attempts, 2);
	assert_string_equal(g.text, "fine");
	/* What was sent: the OpenAI request, once per attempt. */
	assert_int_equal(count(log, "POST /v1/chat/completions HTTP/1.1\r\n"),
	    2);
	assert_int_equal(count(log, "Authorization: Bearer sk-canned\r\n"), 2);
	assert_int_equal(count(log, "Content-Type: application/json\r\n"), 2);
	assert_int_equal(count(log, "Expect"), 0);
	assert_int_equal(count(log, "\r\n\r\n{\"model\":\"m\",\"messages\":"
	    "[{\"role\":\"user\",\"content\":\"hi 0\"}],\"temperature\":0.0,"
	    "\"max_tokens\":16}"), 2);
	free(log);
}

/* Anthropic: path, headers, body; all text blocks joined. */
static void
test_llm_run_anthropic(void **state)
{
	static const struct canned ok[] = { { 200, "", OK_ANTHROPIC } };
	struct server s;
	struct got g = { 0 };
	char y[512], *log;

	server_start(&s, ok, 1);
	snprintf(y, sizeof(y), "m:\n  api_type: anthropic\n  endpoints:\n"
	    "    - {api_base: 'http://127.0.0.1:%d', api_key: ak-canned}\n",
	    s.port);
	run_calls(y, 1, &g);
	log = server_stop(&s);
	assert_int_equal(g.status, LLM_OK);
	assert_string_equal(g.text, "fine");
	assert_int_equal(count(log, "POST /v1/messages HTTP/1.1\r\n"), 1);
	assert_int_equal(count(log, "x-api-key: ak-canned\r\n"), 1);
	assert_int_equal(count(log, "anthropic-version: 2023-06-01\r\n"), 1);
	assert_int_equal(count(log, "Authorization"), 0);
	assert_int_equal(count(log, "\r\n\r\n{\"model\":\"m\","
	    "\"max_tokens\":16,\"temperature\":0.0,\"messages\":"
	    "[{\"role\":\"user\",\"content\":\"hi 0\"}]}"), 1);
	free(log);
}

/* Attempt a of a request goes to endpoint (k + a) mod E. */
static void
test_llm_run_endpoint_rotation(void **state)
{
	static const struct canned first_fails[] = {
		{ 503, "", "{}" },
		{ 200, "", OK_OPENAI },
	};
	struct server a, b;
	struct got g = { 0 };
	char y[512], *la, *lb;

	server_start(&a, first_fails, 2);
	server_start(&b, first_fails, 2);
	snprintf(y, sizeof(y), "m:\n  endpoints:\n"
	    "    - {api_base: 'http://127.0.0.1:%d/v1'}\n"
	    "    - {api_base: 'http://127.0.0.1:%d/v1'}\n"
	    "  max_retries: 1\n", a.port, b.port);
	run_calls(y, 1, &g);
	la = server_stop(&a);
	lb = server_stop(&b);
	/* Each endpoint got one attempt, so each answered 503: failed. */
	assert_int_equal(g.status, LLM_FAILED);
	assert_int_equal(g.code, EX_TEMPFAIL);
	assert_int_equal(g.attempts, 2);
	assert_int_equal(count(la, "POST "), 1);
	assert_int_equal(count(lb, "POST "), 1);
	free(la);
	free(lb);
}

/* retry-after-ms is honoured, and the 429 holds back new requests on
 * that endpoint too. */
static void
test_llm_run_retry_after_ms(void **state)
{
	static const struct canned script[] = {
		{ 429, "retry-after-ms: 400\r\n", "{}" },
		{ 200, "", OK_OPENAI },
	};
	struct server s;
	struct got g[3];
	double t[4], el;
	char *log, *p;
	int i, retried = 0;

	memset(g, 0, sizeof(g));
	server_start(&s, script, 2);
	run_calls(yaml_for(s.port, "  parallel: 2\n"), 3, g);
	log = server_stop(&s);
	for (i = 0; i < 3; i++) {
		assert_int_equal(g[i].status, LLM_OK);
		retried += g[i].attempts == 2;
	}
	assert_int_equal(retried, 1);
	assert_int_equal(count(log, "POST "), 4);
	/* Requests 3 and 4 (the retry, and the call that waited for a slot)
	 * arrive 400 ms after the 429 at least. */
	for (i = 0, p = log; i < 4; i++) {
		p = strstr(p, "t=");
		t[i] = strtod(p + 2, &p);
	}
	el = fmin(t[2], t[3]) - t[0];
	assert_true(el >= 0.39);
	assert_true(el < 3);
	free(log);
}

/*
 * n calls against a server answering ok to each, under the config lines
 * more: every one answered, and the seconds they took.  Load only makes
 * a run slower: the callers' lower bounds are the pace, the upper ones
 * generous.
 */
static double
paced_run(const struct canned *ok, const char *more, int n)
{
	struct server s;
	struct got g[64];
	double t0, el;
	int i;

	assert_true(n <= 64);
	memset(g, 0, sizeof(g));
	server_start(&s, ok, 1);
	t0 = now_s();
	run_calls(yaml_for(s.port, more), n, g);
	el = now_s() - t0;
	free(server_stop(&s));
	for (i = 0; i < n; i++)
		assert_int_equal(g[i].status, LLM_OK);
	return el;
}

/*
 * tpm: 12,000 tokens a minute (pace.h: a bucket of 200, then 196.7 a
 * second) at 18 tokens a request (2 of prompt, max_tokens 16: the reply
 * reports no usage): 11 at once, then one every 92 ms.
 */
static void
test_llm_run_tpm(void **state)
{
	static const struct canned ok[] = { { 200, "", OK_OPENAI } };
	double el = paced_run(ok, "  tpm: 12000\n  parallel: 4\n", 30);

	assert_true(el >= 1.5);
	assert_true(el < 30);
}

/* rpm 1,200: a burst of 20, then one every 60000 / 1180 ms. */
static void
test_llm_run_rpm(void **state)
{
	static const struct canned ok[] = { { 200, "", OK_OPENAI } };
	double el = paced_run(ok, "  rpm: 1200\n  parallel: 4\n", 40);

	assert_true(el >= 0.9);
	assert_true(el < 30);
}

/*
 * No rpm in the config: the replies' x-ratelimit headers say 1,200 a
 * minute, and the client keeps to it as if the config had said so: the
 * first, a burst of 20, then 19 at 50.8 ms.
 */
static void
test_llm_run_ratelimit_headers(void **state)
{
	static const struct canned ok[] = { { 200,
	    "x-ratelimit-limit-requests: 1200\r\n"
	    "x-ratelimit-remaining-requests: 1100\r\n"
	    "x-ratelimit-reset-requests: 5s\r\n", OK_OPENAI } };
	double el = paced_run(ok, "  parallel: 1\n", 40);

	assert_true(el >= 0.9);
	assert_true(el < 30);
}

/* Offline, a cold call fails with 69 and opens no connection. */
struct seen {
	int n;
	int code;
	enum llm_status status;
};

static void
on_done(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct seen *s = user;

	s->n++;
	s->code = r->exit_code;
	s->status = r->status;
}

static void
test_llm_run_offline_without_cache(void **state)
{
	struct apiconfig_entry *e = entry("m:\n  endpoints:\n"
	    "    - api_base: http://127.0.0.1:1/v1\n");
	struct llm_options o = { 0 };
	struct llm_client *c;
	struct request_message m[] = { { "user", "hi", 2 } };
	struct llm_call call = { .messages = m, .n_messages = 1,
	    .max_tokens = 16, .done = on_done };
	struct seen s = { 0 };
	struct llm_stats st;
	struct diag d;

	o.offline = 1;
	call.user = &s;
	c = llm_client_new(e, &o, &d);
	assert_non_null(c);
	assert_int_equal(llm_submit(c, &call, NULL, &d), 0);
	assert_int_equal(llm_run(c, &d), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.status, LLM_FAILED);
	assert_int_equal(s.code, EX_UNAVAILABLE);
	llm_stats(c, &st);
	assert_int_equal(st.http_requests, 0);
	assert_int_equal(st.failed, 1);
	llm_client_free(c);
	apiconfig_entry_free(e);
}

/* Connection refused is retried, then fails as temporary (75). */
static void
test_llm_run_refused_retries(void **state)
{
	struct apiconfig_entry *e = entry("m:\n  endpoints:\n"
	    "    - api_base: http://127.0.0.1:1/v1\n  max_retries: 1\n");
	struct llm_options o = { 0 };
	struct llm_client *c;
	struct request_message m[] = { { "user", "hi", 2 } };
	struct llm_call call = { .messages = m, .n_messages = 1,
	    .max_tokens = 16, .done = on_done };
	struct seen s = { 0 };
	struct llm_stats st;
	struct diag d;

	call.user = &s;
	c = llm_client_new(e, &o, &d);
	assert_int_equal(llm_submit(c, &call, NULL, &d), 0);
	assert_int_equal(llm_run(c, &d), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.status, LLM_FAILED);
	assert_int_equal(s.code, EX_TEMPFAIL);
	llm_stats(c, &st);
	assert_int_equal(st.http_requests, 2);
	assert_int_equal(st.retries, 1);
	llm_client_free(c);
	apiconfig_entry_free(e);
}

/* Every endpoint refusing: the run stops in one error, nothing failed. */
static void
test_llm_run_unreachable(void **state)
{
	struct apiconfig_entry *e = entry("m:\n  endpoints:\n"
	    "    - api_base: http://127.0.0.1:1/v1\n"
	    "    - api_base: http://localhost:1/v1\n  parallel: 4\n");
	struct llm_options o = { 0 };
	struct llm_client *c;
	struct request_message m[] = { { "user", NULL, 0 } };
	struct llm_call call = { .messages = m, .n_messages = 1,
	    .max_tokens = 16, .done = on_got };
	struct got g[20];
	struct llm_stats st;
	struct diag d;
	char text[16];
	double t0;
	int i;

	memset(g, 0, sizeof(g));
	c = llm_client_new(e, &o, &d);
	assert_non_null(c);
	for (i = 0; i < 20; i++) {
		snprintf(text, sizeof(text), "hi %d", i);
		m[0].content = text;
		m[0].len = strlen(text);
		call.user = &g[i];
		assert_int_equal(llm_submit(c, &call, NULL, &d), 0);
	}
	t0 = now_s();
	diag_clear(&d);
	assert_int_equal(llm_run(c, &d), -1);
	assert_true(now_s() - t0 < 30);
	assert_true(llm_unreachable(c));
	assert_int_equal(d.code, EX_TEMPFAIL);
	assert_non_null(strstr(d.msg, "endpoints unreachable: 127.0.0.1:1: "));
	assert_non_null(strstr(d.msg, "; localhost:1: "));
	for (i = 0; i < 20; i++) {
		assert_int_equal(g[i].n, 1);
		assert_int_equal(g[i].status, LLM_CANCELLED);
	}
	llm_stats(c, &st);
	assert_int_equal(st.failed, 0);
	/* Three failures or more on each endpoint, over a second. */
	assert_true(st.http_requests >= 6);
	assert_int_equal(llm_submit(c, &call, NULL, &d), -1);
	llm_client_free(c);
	apiconfig_entry_free(e);
}

/*
 * Another process (a child) claims the call's key in a shared cache: the
 * client waits for it instead of sending.  When the child stores an answer
 * and exits, that answer is delivered as a cache hit; when it dies without
 * one, the client claims the key and sends the request itself.
 */
static void
await_other(int store, struct got *g, char **log, struct llm_stats *st)
{
	static const struct canned ok[] = { { 200, "", OK_OPENAI } };
	struct request_message m[] = { { "user", "shared", 6 } };
	struct llm_call call = { .messages = m, .n_messages = 1,
	    .max_tokens = 16, .done = on_got };
	unsigned char key[HASH_LEN];
	char dir[64], hex[2 * HASH_LEN + 1], cmd[96], ch;
	struct apiconfig_entry *e;
	struct llm_options o = { 0 };
	struct llm_client *c;
	struct server srv;
	struct cache *cache;
	struct diag d;
	int go[2];
	pid_t pid;

	server_start(&srv, ok, 1);
	e = entry(yaml_for(srv.port, ""));
	snprintf(dir, sizeof(dir), "/tmp/llm_test.cache.XXXXXX");
	assert_non_null(mkdtemp(dir));
	llm_call_key(e, m, 1, 0.0, 16, key);
	hash_hex(key, HASH_LEN, hex);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cache *mine = cache_open(dir, 0, NULL, NULL);
		json_t *v;

		if (mine == NULL || cache_claim(mine, key) != 1 ||
		    write(go[1], "x", 1) != 1)
			_exit(1);
		usleep(300000);
		if (!store)
			kill(getpid(), SIGKILL);
		v = json_pack("{s:i,s:s,s:s,s:s,s:s,s:n,s:n,s:i,s:f}", "v", 1,
		    "key", hex, "api_type", "openai", "model_name", "m",
		    "text", "from the other process", "finish_reason", "usage",
		    "latency_ms", 5, "created", 1700000000.5);
		_exit(cache_put(mine, key, v, NULL, NULL) == 1 ? 0 : 1);
	}
	assert_int_equal(read(go[0], &ch, 1), 1);
	cache = cache_open(dir, 0, NULL, &d);
	assert_non_null(cache);
	o.cache = cache;
	call.user = g;
	c = llm_client_new(e, &o, &d);
	assert_non_null(c);
	assert_int_equal(llm_submit(c, &call, NULL, &d), 0);
	assert_int_equal(llm_run(c, &d), 0);
	llm_stats(c, st);
	llm_client_free(c);
	cache_close(cache);
	waitpid(pid, NULL, 0);
	close(go[0]);
	close(go[1]);
	*log = server_stop(&srv);
	apiconfig_entry_free(e);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_llm_run_awaits_claimed_key(void **state)
{
	struct llm_stats st;
	struct got g = { 0 };
	char *log;

	await_other(1, &g, &log, &st);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.status, LLM_OK);
	assert_string_equal(g.text, "from the other process");
	assert_int_equal(count(log, "POST "), 0);
	assert_int_equal(st.cache_hits, 1);
	assert_int_equal(st.awaited, 1);
	free(log);

	memset(&g, 0, sizeof(g));
	await_other(0, &g, &log, &st);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.status, LLM_OK);
	assert_string_equal(g.text, "fine");
	assert_int_equal(count(log, "POST "), 1);
	assert_int_equal(st.cache_hits, 0);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llm_call_key_excludes_keys),
		cmocka_unit_test(test_llm_backoff_ms),
		cmocka_unit_test(test_llm_answer_id),
		cmocka_unit_test(test_llm_run_offline_without_cache),
		cmocka_unit_test(test_llm_run_refused_retries),
		cmocka_unit_test(test_llm_run_x_should_retry),
		cmocka_unit_test(test_llm_run_anthropic),
		cmocka_unit_test(test_llm_run_endpoint_rotation),
		cmocka_unit_test(test_llm_run_retry_after_ms),
		cmocka_unit_test(test_llm_run_rpm),
		cmocka_unit_test(test_llm_run_tpm),
		cmocka_unit_test(test_llm_run_ratelimit_headers),
		cmocka_unit_test(test_llm_run_awaits_claimed_key),
		cmocka_unit_test(test_llm_run_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
