/* mockreply.c: mock-llm's request hash, fault draws and reply texts. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "jsonw.h"
#include "mockreply.h"

#define FAULT_KINDS	"429, 500, 503, reset, truncate, slow, noverdict or " \
	"conflict"

static const char *const fault_names[MOCKREPLY_NFAULTS] = {
	"429", "500", "503", "reset", "truncate", "slow", "noverdict",
	"conflict",
};

static const char *const labels[5] = {
	"A>>B", "A>B", "A=B", "B>A", "B>>A",
};

/* 64 words, so that one hash byte picks one uniformly. */
static const char *const words[64] = {
	"answer", "balance", "careful", "data", "example", "factor",
	"general", "helpful", "idea", "judge", "kernel", "layer", "method",
	"number", "option", "pattern", "quality", "result", "simple",
	"table", "useful", "value", "window", "yield", "zone", "algorithm",
	"buffer", "context", "detail", "effect", "format", "graph", "header",
	"input", "journal", "key", "list", "model", "network", "output",
	"process", "query", "record", "system", "token", "update", "version",
	"weight", "across", "before", "clear", "direct", "every", "first",
	"given", "however", "inside", "large", "most", "next", "other",
	"point", "rather", "small",
};

static const char start_a[] = "<|The Start of Assistant A's Answer|>";
static const char end_a[] = "<|The End of Assistant A's Answer|>";
static const char start_b[] = "<|The Start of Assistant B's Answer|>";
static const char end_b[] = "<|The End of Assistant B's Answer|>";
static const char answer_prefix[] = "Mock answer from ";
/* FastChat's single-grading prompts (judge_prompts.jsonl). */
static const char start_single[] = "[The Start of Assistant's Answer]";
static const char end_single[] = "[The End of Assistant's Answer]";
static const char start_conv_a[] =
    "<|The Start of Assistant A's Conversation with User|>";
static const char end_conv_a[] =
    "<|The End of Assistant A's Conversation with User|>";
static const char start_conv_b[] =
    "<|The Start of Assistant B's Conversation with User|>";
static const char turn_a[] = "### Assistant A:";

static const char *const ratings[11] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"
};

/* ---- configuration ---- */

void
mockreply_config_init(struct mockreply_config *c)
{
	memset(c, 0, sizeof(*c));
	c->policy = MOCKREPLY_POLICY_LENGTH;
	c->fail_first_kind = MOCKREPLY_FAULT_500;
	c->slow_ms = 2000;
	c->retry_after_s = 1;
}

static void
free_values(struct mockreply_model_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].model);
	free(v);
}

void
mockreply_config_release(struct mockreply_config *c)
{
	free_values(c->strength, c->n_strength);
	free_values(c->verbosity, c->n_verbosity);
	mockreply_config_init(c);
}

const char *
mockreply_fault_name(enum mockreply_fault f)
{
	if (f < 0 || f >= MOCKREPLY_NFAULTS)
		return NULL;
	return fault_names[f];
}

static enum mockreply_fault
fault_lookup(const char *s, size_t n)
{
	int i;

	for (i = 0; i < MOCKREPLY_NFAULTS; i++)
		if (strlen(fault_names[i]) == n &&
		    memcmp(fault_names[i], s, n) == 0)
			return (enum mockreply_fault)i;
	return MOCKREPLY_FAULT_NONE;
}

/* Parse n bytes of decimal digits (no sign, no spaces) into *out. */
static int
parse_ull(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (ULLONG_MAX - (unsigned)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse a whole string as a finite double. */
static int
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
mockreply_parse_fault(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	const char *eq = strchr(arg, '=');
	enum mockreply_fault k;
	double rate;

	if (eq == NULL)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--fault: invalid value '%s' (want KIND=RATE)", arg);
	k = fault_lookup(arg, (size_t)(eq - arg));
	if (k == MOCKREPLY_FAULT_NONE)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--fault: invalid value '%s' (want a KIND of %s)", arg,
		    FAULT_KINDS);
	if (parse_double(eq + 1, &rate) == -1 || rate < 0 || rate > 1)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--fault: invalid value '%s' (want a RATE from 0 to 1)",
		    arg);
	c->fault_rate[k] = rate;
	return 0;
}

int
mockreply_parse_fail_first(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	unsigned long long v;
	enum mockreply_fault k = MOCKREPLY_FAULT_500;

	if (parse_ull(arg, n, &v) == -1)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--fail-first: invalid value '%s' (want N[=KIND])", arg);
	if (eq != NULL) {
		k = fault_lookup(eq + 1, strlen(eq + 1));
		if (k == MOCKREPLY_FAULT_NONE)
			return diag_set(d, EX_USAGE, NULL, 0,
			    "--fail-first: invalid value '%s' (want a KIND "
			    "of %s)", arg, FAULT_KINDS);
	}
	c->fail_first = v;
	c->fail_first_kind = k;
	return 0;
}

int
mockreply_parse_latency(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	const char *colon = strchr(arg, ':');
	unsigned long long lo, hi;
	size_t n = colon != NULL ? (size_t)(colon - arg) : strlen(arg);

	if (parse_ull(arg, n, &lo) == -1 || lo > 86400000ULL)
		goto bad;
	hi = lo;
	if (colon != NULL && (parse_ull(colon + 1, strlen(colon + 1),
	    &hi) == -1 || hi > 86400000ULL || hi < lo))
		goto bad;
	c->latency_min_ms = (long)lo;
	c->latency_max_ms = (long)hi;
	return 0;
bad:
	return diag_set(d, EX_USAGE, NULL, 0,
	    "--latency-ms: invalid value '%s' (want MIN[:MAX] with "
	    "MIN <= MAX <= 86400000)", arg);
}

int
mockreply_parse_policy(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	static const char *const names[] = {
		"length", "strength", "position", "hash",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i]) == 0) {
			c->policy = (enum mockreply_policy)i;
			return 0;
		}
	return diag_set(d, EX_USAGE, NULL, 0,
	    "--judge-policy: invalid value '%s' (want length, strength, "
	    "position or hash)", arg);
}

static int
parse_model_value(struct mockreply_model_value **list, size_t *n,
    const char *arg, const char *what, int nonneg, struct diag *d)
{
	/* Split at the last '=' so that a model name may contain one. */
	const char *eq = strrchr(arg, '=');
	double v;

	if (eq == NULL || eq == arg)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--%s: invalid value '%s' (want MODEL=NUMBER)", what, arg);
	if (parse_double(eq + 1, &v) == -1 || (nonneg && v < 0))
		return diag_set(d, EX_USAGE, NULL, 0,
		    "--%s: invalid value '%s' (want MODEL=NUMBER with a %s)",
		    what, arg, nonneg ? "number >= 0" : "finite number");
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[*n].model = xstrndup(arg, (size_t)(eq - arg));
	(*list)[*n].value = v;
	(*n)++;
	return 0;
}

int
mockreply_parse_strength(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	return parse_model_value(&c->strength, &c->n_strength, arg,
	    "strength", 0, d);
}

int
mockreply_parse_verbosity(struct mockreply_config *c, const char *arg,
    struct diag *d)
{
	return parse_model_value(&c->verbosity, &c->n_verbosity, arg,
	    "verbosity", 1, d);
}

/* The value given for model (the last one wins), or def. */
static double
model_value(const struct mockreply_model_value *v, size_t n,
    const char *model, size_t len, double def)
{
	size_t i;

	for (i = n; i-- > 0;)
		if (strlen(v[i].model) == len &&
		    memcmp(v[i].model, model, len) == 0)
			return v[i].value;
	return def;
}

/* ---- requests ---- */

/*
 * The canonical params: every member but model and messages (and stream,
 * and for Anthropic system), temperature always a real as in the cache key.
 */
static json_t *
canon_params(const json_t *src, enum mockreply_api api)
{
	json_t *p = json_object();
	const char *k;
	json_t *v;

	if (src == NULL)
		return p;
	json_object_foreach((json_t *)src, k, v) {
		if (strcmp(k, "model") == 0 || strcmp(k, "messages") == 0 ||
		    strcmp(k, "stream") == 0 ||
		    (api == MOCKREPLY_ANTHROPIC && strcmp(k, "system") == 0))
			continue;
		if (strcmp(k, "temperature") == 0 && json_is_integer(v))
			json_object_set_new(p, k,
			    json_real((double)json_integer_value(v)));
		else
			json_object_set(p, k, v);
	}
	return p;
}

static void
compute_hash(struct mockreply_request *r, unsigned long long seed)
{
	struct request q;
	struct buf b;

	memset(&q, 0, sizeof(q));
	q.api_type = r->api == MOCKREPLY_ANTHROPIC ? "anthropic" : "openai";
	q.model_name = r->model;
	q.params = r->params;
	q.messages = r->messages;
	q.n_messages = r->n_messages;
	buf_init(&b);
	buf_printf(&b, "%llu\n", seed);
	request_canonical(&q, &b);
	hash_sha256(b.p, b.len, r->h);
	buf_release(&b);
}

/*
 * Set message i's text from a content value: a string, null (empty), or a
 * list of blocks whose "text" members are concatenated in order.
 */
static int
set_content(struct mockreply_request *r, size_t i, const json_t *content,
    struct diag *d)
{
	struct request_message *m = &r->messages[i];
	struct buf b;
	size_t j;
	json_t *blk;

	if (json_is_string(content)) {
		m->content = json_string_value(content);
		m->len = json_string_length(content);
		return 0;
	}
	if (json_is_null(content) || content == NULL) {
		m->content = "";
		m->len = 0;
		return 0;
	}
	if (!json_is_array(content))
		return diag_set(d, 400, NULL, 0,
		    "message content must be a string or a list of blocks");
	buf_init(&b);
	json_array_foreach(content, j, blk) {
		json_t *type = json_object_get(blk, "type");
		json_t *text = json_object_get(blk, "text");

		if (!json_is_object(blk)) {
			buf_release(&b);
			return diag_set(d, 400, NULL, 0,
			    "content blocks must be objects");
		}
		if (type != NULL && (!json_is_string(type) ||
		    strcmp(json_string_value(type), "text") != 0))
			continue;
		if (!json_is_string(text)) {
			buf_release(&b);
			return diag_set(d, 400, NULL, 0,
			    "text block without a string 'text'");
		}
		buf_add(&b, json_string_value(text), json_string_length(text));
	}
	m->len = b.len;
	r->owned[i] = buf_detach(&b, NULL);
	m->content = r->owned[i];
	return 0;
}

static int
get_max_tokens(struct mockreply_request *r, struct diag *d)
{
	json_t *mt = json_object_get(r->body, "max_tokens");

	if (mt == NULL && r->api == MOCKREPLY_OPENAI)
		mt = json_object_get(r->body, "max_completion_tokens");
	if (mt == NULL || json_is_null(mt))
		return 0;
	if (!json_is_integer(mt) || json_integer_value(mt) < 0)
		return diag_set(d, 400, NULL, 0,
		    "max_tokens must be a non-negative integer");
	r->max_tokens = json_integer_value(mt);
	return 0;
}

int
mockreply_request_parse(struct mockreply_request *r, enum mockreply_api api,
    const char *body, size_t len, unsigned long long seed, struct diag *d)
{
	json_error_t je;
	json_t *model, *msgs, *stream, *sys = NULL, *m;
	size_t i, k = 0;

	memset(r, 0, sizeof(*r));
	r->api = api;
	r->max_tokens = -1;
	r->body = json_loadb(body, len, JSON_ALLOW_NUL, &je);
	if (r->body == NULL)
		return diag_set(d, 400, NULL, 0, "invalid JSON body: %s",
		    je.text);
	if (!json_is_object(r->body))
		return diag_set(d, 400, NULL, 0,
		    "the request body must be a JSON object");
	model = json_object_get(r->body, "model");
	if (!json_is_string(model))
		return diag_set(d, 400, NULL, 0,
		    "'model' is required and must be a string");
	r->model = json_string_value(model);
	r->model_len = json_string_length(model);
	stream = json_object_get(r->body, "stream");
	if (stream != NULL && !json_is_boolean(stream) && !json_is_null(stream))
		return diag_set(d, 400, NULL, 0, "'stream' must be a boolean");
	if (json_is_true(stream))
		return diag_set(d, 400, NULL, 0,
		    "streaming is not supported by mock-llm");
	if (get_max_tokens(r, d) == -1)
		return -1;
	msgs = json_object_get(r->body, "messages");
	if (!json_is_array(msgs) || json_array_size(msgs) == 0)
		return diag_set(d, 400, NULL, 0,
		    "'messages' is required and must be a non-empty list");
	if (api == MOCKREPLY_ANTHROPIC) {
		sys = json_object_get(r->body, "system");
		if (json_is_null(sys))
			sys = NULL;
	}
	r->n_messages = json_array_size(msgs) + (sys != NULL);
	r->messages = xcalloc(r->n_messages, sizeof(*r->messages));
	r->owned = xcalloc(r->n_messages, sizeof(*r->owned));
	if (sys != NULL) {
		r->messages[k].role = "system";
		if (set_content(r, k, sys, d) == -1)
			return -1;
		k++;
	}
	json_array_foreach(msgs, i, m) {
		json_t *role = json_object_get(m, "role");

		if (!json_is_object(m) || !json_is_string(role))
			return diag_set(d, 400, NULL, 0,
			    "messages[%zu]: expected an object with a string "
			    "'role'", i);
		r->messages[k].role = json_string_value(role);
		if (set_content(r, k, json_object_get(m, "content"), d) == -1)
			return -1;
		k++;
	}
	r->params = canon_params(r->body, api);
	compute_hash(r, seed);
	return 0;
}

void
mockreply_request_build(struct mockreply_request *r, enum mockreply_api api,
    const char *model, const struct request_message *messages, size_t n,
    const json_t *params, unsigned long long seed)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->api = api;
	r->max_tokens = -1;
	r->own_model = xstrdup(model);
	r->model = r->own_model;
	r->model_len = strlen(model);
	r->n_messages = n;
	r->messages = xcalloc(n ? n : 1, sizeof(*r->messages));
	r->owned = xcalloc(n ? n : 1, sizeof(*r->owned));
	for (i = 0; i < n; i++) {
		r->owned[i] = xstrndup(messages[i].content, messages[i].len);
		r->messages[i].role = messages[i].role;
		r->messages[i].content = r->owned[i];
		r->messages[i].len = messages[i].len;
	}
	r->params = canon_params(params, api);
	if (params != NULL) {
		json_t *mt = json_object_get(params, "max_tokens");

		if (json_is_integer(mt) && json_integer_value(mt) >= 0)
			r->max_tokens = json_integer_value(mt);
	}
	compute_hash(r, seed);
}

void
mockreply_request_release(struct mockreply_request *r)
{
	size_t i;

	if (r->owned != NULL)
		for (i = 0; i < r->n_messages; i++)
			free(r->owned[i]);
	free(r->owned);
	free(r->messages);
	json_decref(r->params);
	json_decref(r->body);
	free(r->own_model);
	memset(r, 0, sizeof(*r));
}

/* ---- small pure helpers ---- */

size_t
mockreply_tokens(size_t n)
{
	return (n + 3) / 4;
}

size_t
mockreply_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	/* Back off over continuation bytes to the start of a character. */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

size_t
mockreply_codepoints(const char *s, size_t n)
{
	size_t i, cp = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cp++;
	return cp;
}

int
mockreply_fault_fires(unsigned long long seed, const unsigned char h[HASH_LEN],
    unsigned long long n, enum mockreply_fault kind, double rate)
{
	unsigned char out[HASH_LEN];
	char num[32];
	struct hash_ctx *x;
	const char *name = mockreply_fault_name(kind);
	int len;

	if (rate <= 0 || name == NULL)
		return 0;
	if (rate >= 1)
		return 1;
	/* seed and n in decimal, h as 32 raw bytes, the kind's name. */
	x = hash_begin();
	len = snprintf(num, sizeof(num), "%llu", seed);
	hash_update(x, num, (size_t)len);
	hash_update(x, h, HASH_LEN);
	len = snprintf(num, sizeof(num), "%llu", n);
	hash_update(x, num, (size_t)len);
	hash_update(x, name, strlen(name));
	hash_end(x, out);
	return ldexp((double)hash_u64be(out), -64) < rate;
}

static int
needs_judge(enum mockreply_fault f)
{
	return f == MOCKREPLY_FAULT_NOVERDICT || f == MOCKREPLY_FAULT_CONFLICT;
}

enum mockreply_fault
mockreply_fault_pick(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], unsigned long long n, int judge)
{
	int k;

	if (n < c->fail_first) {
		if (needs_judge(c->fail_first_kind) && !judge)
			return MOCKREPLY_FAULT_NONE;
		return c->fail_first_kind;
	}
	for (k = 0; k < MOCKREPLY_NFAULTS; k++) {
		if (needs_judge((enum mockreply_fault)k) && !judge)
			continue;
		if (mockreply_fault_fires(c->seed, h, n,
		    (enum mockreply_fault)k, c->fault_rate[k]))
			return (enum mockreply_fault)k;
	}
	return MOCKREPLY_FAULT_NONE;
}

/* ---- judge replies ---- */

static const char *
find(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

/*
 * The text of one answer between its start marker (already skipped: s) and
 * its end marker, or up to limit when the end marker is missing; the
 * template's newline after the start and before the end marker is dropped.
 */
static void
answer_span(const char *s, const char *limit, const char *end_marker,
    const char **out, size_t *len)
{
	const char *e = find(s, (size_t)(limit - s), end_marker);

	if (e == NULL)
		e = limit;
	if (s < e && *s == '\n')
		s++;
	if (s < e && e[-1] == '\n')
		e--;
	*out = s;
	*len = (size_t)(e - s);
}

static int
split_answers(const char *t, size_t n, const char **a, size_t *alen,
    const char **b, size_t *blen)
{
	const char *end = t + n, *pa, *pb;

	pa = find(t, n, start_a);
	if (pa == NULL)
		return 0;
	pa += sizeof(start_a) - 1;
	pb = find(pa, (size_t)(end - pa), start_b);
	if (pb == NULL)
		return 0;
	answer_span(pa, pb, end_a, a, alen);
	pb += sizeof(start_b) - 1;
	answer_span(pb, end, end_b, b, blen);
	return 1;
}

/* The last user message, or the first when the last is cont. */
static const struct request_message *
prompt_message(const struct mockreply_request *r, const char *cont)
{
	const struct request_message *last = NULL, *first = NULL;
	size_t i;

	for (i = 0; i < r->n_messages; i++)
		if (strcmp(r->messages[i].role, "user") == 0) {
			if (first == NULL)
				first = &r->messages[i];
			last = &r->messages[i];
		}
	if (last != NULL && last->len == strlen(cont) &&
	    memcmp(last->content, cont, last->len) == 0)
		last = first;
	return last;
}

int
mockreply_judge_texts(const struct mockreply_request *r, const char **a,
    size_t *alen, const char **b, size_t *blen)
{
	const struct request_message *m = prompt_message(r,
	    MOCKREPLY_CONTINUE);

	if (m == NULL)
		return 0;
	return split_answers(m->content, m->len, a, alen, b, blen);
}

int
mockreply_grade_text(const struct mockreply_request *r, const char **ans,
    size_t *len)
{
	const struct request_message *m = prompt_message(r,
	    MOCKREPLY_GRADE_CONTINUE);
	const char *t, *end, *p, *q;

	if (m == NULL)
		return 0;
	t = m->content;
	end = t + m->len;
	if ((p = find(t, m->len, start_single)) != NULL) {
		p += sizeof(start_single) - 1;
		answer_span(p, end, end_single, ans, len);
		return 1;
	}
	/* Turn 2: Assistant A's conversation alone; grade its last turn. */
	if ((p = find(t, m->len, start_conv_a)) == NULL ||
	    find(t, m->len, start_conv_b) != NULL)
		return 0;
	for (q = p; (q = find(q, (size_t)(end - q), turn_a)) != NULL;
	    q += sizeof(turn_a) - 1)
		p = q + sizeof(turn_a) - 1;
	answer_span(p, end, end_conv_a, ans, len);
	/* The template puts a blank line before the end marker. */
	while (*len > 0 && (*ans)[*len - 1] == '\n')
		(*len)--;
	return 1;
}

/* The model named by an answer's "Mock answer from <model> (<hex>)." line. */
static double
answer_strength(const struct mockreply_config *c, const char *s, size_t n)
{
	const char *end = s + n, *nl, *p;
	size_t plen = sizeof(answer_prefix) - 1, len;

	while (s < end && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
		s++;
	if ((size_t)(end - s) < plen || memcmp(s, answer_prefix, plen) != 0)
		return 0;
	s += plen;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL)
		nl = end;
	len = (size_t)(nl - s);
	/* The line ends in " (" 8 hex ")." ; fall back to the last " (". */
	if (len >= 12 && memcmp(nl - 2, ").", 2) == 0 && nl[-12] == ' ' &&
	    nl[-11] == '(')
		len -= 12;
	else {
		for (p = nl - 1; p > s && !(p[-1] == ' ' && p[0] == '('); p--)
			;
		if (p > s)
			len = (size_t)(p - 1 - s);
	}
	return model_value(c->strength, c->n_strength, s, len, 0);
}

static double
unit(const unsigned char *p)
{
	return ldexp((double)(hash_u64be(p) >> 11), -53);
}

const char *
mockreply_verdict(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], const char *a, size_t alen,
    const char *b, size_t blen)
{
	unsigned long long la, lb;
	double sa, sb, p;
	unsigned r;
	int i, big;

	switch (c->policy) {
	case MOCKREPLY_POLICY_POSITION:
		return "A>B";
	case MOCKREPLY_POLICY_HASH:
		/* h as a 256-bit big-endian integer, mod 5. */
		for (r = 0, i = 0; i < HASH_LEN; i++)
			r = (r * 256 + h[i]) % 5;
		return labels[r];
	case MOCKREPLY_POLICY_STRENGTH:
		sa = answer_strength(c, a, alen);
		sb = answer_strength(c, b, blen);
		p = 1 / (1 + pow(10, (sb - sa - c->position_bias) / 400));
		big = fabs(sa - sb) >= 200;
		if (unit(h + 16) < 0.1)
			return "A=B";
		if (unit(h + 24) < p)
			return big ? "A>>B" : "A>B";
		return big ? "B>>A" : "B>A";
	case MOCKREPLY_POLICY_LENGTH:
	default:
		break;
	}
	/* Integer comparisons, so that 15/10 is exactly 1.5. */
	la = mockreply_codepoints(a, alen);
	lb = mockreply_codepoints(b, blen);
	if (la == 0)
		la = 1;
	if (lb == 0)
		lb = 1;
	if (2 * la >= 3 * lb)
		return "A>>B";
	if (10 * la >= 11 * lb)
		return "A>B";
	if (11 * la > 10 * lb)
		return "A=B";
	if (3 * la > 2 * lb)
		return "B>A";
	return "B>>A";
}

const char *
mockreply_rating(const struct mockreply_config *c,
    const unsigned char h[HASH_LEN], const char *a, size_t alen)
{
	unsigned long long n;
	double p, x;
	unsigned r;
	int i;

	switch (c->policy) {
	case MOCKREPLY_POLICY_POSITION:
		return ratings[5];
	case MOCKREPLY_POLICY_HASH:
		for (r = 0, i = 0; i < HASH_LEN; i++)
			r = (r * 256 + h[i]) % 10;
		return ratings[1 + r];
	case MOCKREPLY_POLICY_STRENGTH:
		/* The win probability against a model of strength 0, on
		 * the scale 1..10, give or take one. */
		p = 1 / (1 + pow(10, -answer_strength(c, a, alen) / 400));
		x = floor(1 + 9 * p + (2 * unit(h + 16) - 1) + 0.5);
		return ratings[x < 1 ? 1 : x > 10 ? 10 : (int)x];
	case MOCKREPLY_POLICY_LENGTH:
	default:
		break;
	}
	/* Longer is better: 1 + log2(1 + code points / 64). */
	n = mockreply_codepoints(a, alen) / 64 + 1;
	for (r = 1; n > 1 && r < 10; n >>= 1)
		r++;
	return ratings[r];
}

static const char *
other_label(const char *l)
{
	if (strcmp(l, "A>>B") == 0)
		return "B>>A";
	if (strcmp(l, "B>>A") == 0)
		return "A>>B";
	if (strcmp(l, "A>B") == 0)
		return "B>A";
	return "A>B";
}

/* ---- answer replies ---- */

/* Successive bytes of h from byte 2 on, rehashed when used up. */
struct bytes {
	unsigned char b[HASH_LEN];
	int pos;
};

static unsigned
next_byte(struct bytes *s)
{
	if (s->pos == HASH_LEN) {
		hash_sha256(s->b, HASH_LEN, s->b);
		s->pos = 0;
	}
	return s->b[s->pos++];
}

static void
add_word(struct buf *out, struct bytes *s, int cap)
{
	const char *w = words[next_byte(s) % 64];

	if (cap) {
		buf_addc(out, w[0] - 'a' + 'A');
		buf_adds(out, w + 1);
	} else
		buf_adds(out, w);
}

static void
add_words(struct buf *out, struct bytes *s, long n, int cap)
{
	long i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(out, ' ');
		add_word(out, s, cap && i == 0);
	}
}

static void
answer_text(const struct mockreply_config *c,
    const struct mockreply_request *r, const char *hex, struct buf *out)
{
	struct bytes s;
	unsigned npar = 1 + r->h[0] % 6, feat = r->h[1], i;
	double f = model_value(c->verbosity, c->n_verbosity, r->model,
	    r->model_len, 1);

	memcpy(s.b, r->h, HASH_LEN);
	s.pos = 2;
	buf_adds(out, answer_prefix);
	buf_add(out, r->model, r->model_len);
	buf_printf(out, " (%.8s).", hex);
	if (feat & 1) {
		buf_adds(out, "\n\n## ");
		add_words(out, &s, 3, 1);
	}
	for (i = 0; i < npar; i++) {
		long nw = (long)floor((8 + next_byte(&s) % 40) * f + 0.5);

		buf_adds(out, "\n\n");
		add_words(out, &s, nw < 1 ? 1 : nw, 1);
		buf_addc(out, '.');
		if (i == 0 && (feat & 4)) {
			buf_adds(out, " **");
			add_words(out, &s, 2, 1);
			buf_adds(out, "**.");
		}
		if (i == 0 && (feat & 2)) {
			int j;

			buf_addc(out, '\n');
			for (j = 0; j < 3; j++) {
				buf_adds(out, "\n- ");
				add_words(out, &s, 2, 1);
			}
		}
	}
	if (feat & 8) {
		buf_adds(out, "\n\n```\n");
		add_words(out, &s, 4, 0);
		buf_adds(out, "\n```");
	}
}

/* A single grading: a rating in FastChat's "[[rating]]" format. */
static void
grade_text(const struct mockreply_config *c,
    const struct mockreply_request *r, const char *hex, const char *a,
    size_t alen, enum mockreply_fault fault, struct buf *out,
    const char **verdict)
{
	const char *rating = mockreply_rating(c, r->h, a, alen);

	buf_printf(out, "Mock grading (%.8s).\n\nThe answer has %zu "
	    "characters.\n\n", hex, mockreply_codepoints(a, alen));
	if (fault == MOCKREPLY_FAULT_NOVERDICT)
		buf_adds(out, "I cannot settle on a rating yet.");
	else if (fault == MOCKREPLY_FAULT_CONFLICT)
		buf_printf(out, "Rating: [[%s]]\n\nOn second thought: [[%s]]",
		    rating, strcmp(rating, "10") == 0 ? "1" : "10");
	else {
		buf_printf(out, "Rating: [[%s]]", rating);
		*verdict = rating;
	}
}

enum mockreply_kind
mockreply_text(const struct mockreply_config *c,
    const struct mockreply_request *r, enum mockreply_fault fault,
    struct buf *out, const char **verdict)
{
	const char *a, *b, *label;
	size_t alen, blen;
	char hex[2 * HASH_LEN + 1];

	*verdict = NULL;
	hash_hex(r->h, HASH_LEN, hex);
	if (!mockreply_judge_texts(r, &a, &alen, &b, &blen)) {
		if (mockreply_grade_text(r, &a, &alen)) {
			grade_text(c, r, hex, a, alen, fault, out, verdict);
			return MOCKREPLY_KIND_GRADE;
		}
		answer_text(c, r, hex, out);
		return MOCKREPLY_KIND_ANSWER;
	}
	label = mockreply_verdict(c, r->h, a, alen, b, blen);
	buf_printf(out, "Mock judgment (%.8s).\n\nAssistant A: %zu characters; "
	    "Assistant B: %zu characters.\n\n", hex,
	    mockreply_codepoints(a, alen), mockreply_codepoints(b, blen));
	if (fault == MOCKREPLY_FAULT_NOVERDICT)
		buf_adds(out, "I cannot reach a final verdict yet.");
	else if (fault == MOCKREPLY_FAULT_CONFLICT)
		buf_printf(out, "My final verdict is: [[%s]]\n\nOn second "
		    "thought, my final verdict is: [[%s]]", label,
		    other_label(label));
	else {
		buf_printf(out, "My final verdict is: [[%s]]", label);
		*verdict = label;
	}
	return MOCKREPLY_KIND_JUDGE;
}

/* ---- responses ---- */

void
mockreply_error_body(enum mockreply_api api, int status, const char *message,
    struct buf *out)
{
	const char *type, *code = NULL;

	if (api == MOCKREPLY_ANTHROPIC) {
		switch (status) {
		case 401: type = "authentication_error"; break;
		case 404: type = "not_found_error"; break;
		case 429: type = "rate_limit_error"; break;
		case 500: type = "api_error"; break;
		case 503: type = "overloaded_error"; break;
		default: type = "invalid_request_error"; break;
		}
		buf_adds(out, "{\"type\": \"error\", \"error\": {\"type\": ");
		jsonw_string(out, type, strlen(type), 0);
		buf_adds(out, ", \"message\": ");
		jsonw_string(out, message, strlen(message), 0);
		buf_adds(out, "}}");
		return;
	}
	switch (status) {
	case 401: type = "invalid_request_error"; code = "invalid_api_key";
		break;
	case 404: type = "invalid_request_error"; code = "unknown_url"; break;
	case 429: type = "requests"; code = "rate_limit_exceeded"; break;
	case 500: type = "server_error"; break;
	case 503: type = "server_error"; code = "service_unavailable"; break;
	default: type = "invalid_request_error"; break;
	}
	buf_adds(out, "{\"error\": {\"message\": ");
	jsonw_string(out, message, strlen(message), 0);
	buf_adds(out, ", \"type\": ");
	jsonw_string(out, type, strlen(type), 0);
	buf_adds(out, ", \"code\": ");
	if (code != NULL)
		jsonw_string(out, code, strlen(code), 0);
	else
		buf_adds(out, "null");
	buf_adds(out, "}}");
}

static long
latency(const struct mockreply_config *c, const unsigned char h[HASH_LEN])
{
	unsigned long long span;

	if (c->latency_max_ms <= c->latency_min_ms)
		return c->latency_min_ms;
	span = (unsigned long long)(c->latency_max_ms - c->latency_min_ms) + 1;
	return c->latency_min_ms + (long)(hash_u64be(h + 8) % span);
}

static void
success_body(const struct mockreply_config *c,
    const struct mockreply_request *r, const char *text, size_t len, int cut,
    long long created, struct mockreply_result *res, struct buf *out)
{
	size_t prompt = 0, completion, i;
	char id[17];

	for (i = 0; i < r->n_messages; i++) {
		size_t t = mockreply_tokens(r->messages[i].len);

		prompt += t ? t : 1;
	}
	completion = mockreply_tokens(len);
	if (c->tokenizer != NULL) {
		prompt = (size_t)estimate_prompt_tokens(c->tokenizer,
		    r->messages, r->n_messages);
		completion = tok_count(c->tokenizer, text, len);
	}
	res->prompt_tokens = (long long)prompt;
	res->completion_tokens = (long long)completion;
	hash_hex(r->h, 8, id);
	if (r->api == MOCKREPLY_ANTHROPIC) {
		buf_printf(out, "{\"id\": \"msg_mock%s\", \"type\": "
		    "\"message\", \"role\": \"assistant\", \"model\": ", id);
		jsonw_string(out, r->model, r->model_len, 0);
		buf_adds(out, ", \"content\": [{\"type\": \"text\", "
		    "\"text\": ");
		jsonw_string(out, text, len, 0);
		buf_printf(out, "}], \"stop_reason\": \"%s\", \"usage\": "
		    "{\"input_tokens\": %zu, \"output_tokens\": %zu}}",
		    cut ? "max_tokens" : "end_turn", prompt, completion);
		return;
	}
	buf_printf(out, "{\"id\": \"mock-%s\", \"object\": "
	    "\"chat.completion\", \"created\": %lld, \"model\": ", id,
	    created);
	jsonw_string(out, r->model, r->model_len, 0);
	buf_adds(out, ", \"choices\": [{\"index\": 0, \"message\": {\"role\": "
	    "\"assistant\", \"content\": ");
	jsonw_string(out, text, len, 0);
	buf_printf(out, "}, \"finish_reason\": \"%s\"}], \"usage\": "
	    "{\"prompt_tokens\": %zu, \"completion_tokens\": %zu, "
	    "\"total_tokens\": %zu}}", cut ? "length" : "stop", prompt,
	    completion, prompt + completion);
}

void
mockreply_respond(const struct mockreply_config *c,
    const struct mockreply_request *r, unsigned long long n,
    long long created, struct mockreply_result *res, struct buf *body)
{
	const char *a, *b;
	size_t alen, blen, len;
	int judge = mockreply_judge_texts(r, &a, &alen, &b, &blen);
	int grade = !judge && mockreply_grade_text(r, &a, &alen);
	struct buf text;
	char msg[64];

	memset(res, 0, sizeof(*res));
	res->prompt_tokens = res->completion_tokens = -1;
	res->status = 200;
	res->action = MOCKREPLY_SEND;
	res->kind = judge ? MOCKREPLY_KIND_JUDGE : grade ?
	    MOCKREPLY_KIND_GRADE : MOCKREPLY_KIND_ANSWER;
	judge = judge || grade;
	res->fault = mockreply_fault_pick(c, r->h, n, judge);
	res->delay_ms = latency(c, r->h);
	switch (res->fault) {
	case MOCKREPLY_FAULT_429:
		res->retry_after_s = c->retry_after_s;
		/* FALLTHROUGH */
	case MOCKREPLY_FAULT_500:
	case MOCKREPLY_FAULT_503:
		res->status = res->fault == MOCKREPLY_FAULT_429 ? 429 :
		    res->fault == MOCKREPLY_FAULT_500 ? 500 : 503;
		snprintf(msg, sizeof(msg), "mock-llm: injected fault %d",
		    res->status);
		mockreply_error_body(r->api, res->status, msg, body);
		return;
	case MOCKREPLY_FAULT_RESET:
		res->status = 0;
		res->action = MOCKREPLY_RESET;
		return;
	case MOCKREPLY_FAULT_TRUNCATE:
		res->action = MOCKREPLY_TRUNCATE;
		break;
	case MOCKREPLY_FAULT_SLOW:
		res->delay_ms += c->slow_ms;
		break;
	default:
		break;
	}
	buf_init(&text);
	mockreply_text(c, r, res->fault, &text, &res->verdict);
	len = text.len;
	if (r->max_tokens >= 0 && (unsigned long long)r->max_tokens <
	    SIZE_MAX / 4 && len > 4 * (size_t)r->max_tokens)
		len = mockreply_cut(text.p, text.len,
		    4 * (size_t)r->max_tokens);
	/* The label ends a judge reply, so a cut reply has lost it. */
	if (len < text.len)
		res->verdict = NULL;
	res->text_len = len;
	success_body(c, r, text.p, len, len < text.len, created, res, body);
	buf_release(&text);
}
