/* estimate.c: adding up the calls a run would make, and what they cost. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "estimate.h"
#include "jsonw.h"

void
estimate_init(struct estimate_line *e, const char *name,
    const struct price *p, enum estimate_kind kind)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (p != NULL)
		e->price = *p;
	e->kind = kind;
}

void
estimate_hit(struct estimate_line *e, long long completion)
{
	e->calls++;
	e->cached++;
	e->calls_bound++;
	if (completion >= 0) {
		e->hit_completion += completion;
		e->hits_counted++;
	}
}

void
estimate_miss(struct estimate_line *e, long long prompt, long long max_tokens,
    int unknown)
{
	size_t i;

	e->calls++;
	e->calls_bound++;
	e->prompt_tokens += prompt;
	/* A reply not known yet is at most its call's max_tokens. */
	e->prompt_tokens_bound += prompt + (long long)unknown * max_tokens;
	e->unknown_replies += unknown;
	e->completion_bound += max_tokens;
	for (i = 0; i < e->n_sends; i++)
		if (e->sends[i].max_tokens == max_tokens)
			break;
	if (i == e->n_sends && i < sizeof(e->sends) / sizeof(e->sends[0])) {
		e->sends[i].max_tokens = max_tokens;
		e->n_sends++;
	}
	if (i < e->n_sends)
		e->sends[i].n++;
	else
		e->sends_other++;
}

void
estimate_maybe(struct estimate_line *e, long long prompt, long long max_tokens)
{
	e->calls_bound++;
	/* It repeats the reply before it: at most max_tokens more. */
	e->prompt_tokens_bound += prompt + max_tokens;
	e->completion_bound += max_tokens;
}

long long
estimate_reply_tokens(const struct estimate_line *e)
{
	if (e->hits_counted > 0)
		return (e->hit_completion + e->hits_counted / 2) /
		    e->hits_counted;
	return e->kind == ESTIMATE_ANSWER ? ESTIMATE_ANSWER_TOKENS :
	    ESTIMATE_JUDGMENT_TOKENS;
}

void
estimate_totals(const struct estimate_line *e, long long *prompt,
    long long *completion, double *cost, double *cost_bound)
{
	long long r = estimate_reply_tokens(e), c = 0, lo = -1;
	size_t i;

	for (i = 0; i < e->n_sends; i++) {
		c += e->sends[i].n * (r < e->sends[i].max_tokens ? r :
		    e->sends[i].max_tokens);
		if (lo < 0 || e->sends[i].max_tokens < lo)
			lo = e->sends[i].max_tokens;
	}
	if (e->sends_other > 0)
		c += e->sends_other * (lo >= 0 && lo < r ? lo : r);
	*completion = c;
	*prompt = e->prompt_tokens + e->unknown_replies * r;
	*cost = price_cost_usd(&e->price, *prompt, 0, c);
	*cost_bound = price_bound_usd(&e->price, e->prompt_tokens_bound,
	    e->completion_bound);
}

static void
cost_member(struct buf *out, const char *key, double usd)
{
	buf_printf(out, ", \"%s\": ", key);
	if (usd < 0)
		buf_adds(out, "null");
	else
		jsonw_double(out, jsonw_round(usd, 6));
}

static void
members(struct buf *out, long long calls, long long cached,
    long long calls_bound, long long prompt, long long completion,
    long long completion_bound, double cost, double cost_bound)
{
	buf_printf(out, "\"calls\": %lld, \"cached\": %lld, \"calls_bound\": "
	    "%lld, \"prompt_tokens\": %lld, \"completion_tokens\": %lld, "
	    "\"completion_tokens_bound\": %lld", calls, cached, calls_bound,
	    prompt, completion, completion_bound);
	cost_member(out, "cost_usd", cost);
	cost_member(out, "cost_usd_bound", cost_bound);
}

void
estimate_json(struct buf *out, const struct estimate_line *e)
{
	long long prompt, completion;
	double cost, bound;

	estimate_totals(e, &prompt, &completion, &cost, &bound);
	buf_adds(out, "{\"model\": ");
	jsonw_string(out, e->name, strlen(e->name), 0);
	if (e->stage != NULL)
		buf_printf(out, ", \"stage\": \"%s\"", e->stage);
	buf_adds(out, ", ");
	members(out, e->calls, e->cached, e->calls_bound, prompt, completion,
	    e->completion_bound, cost, bound);
	buf_printf(out, ", \"completion_per_call\": %lld, \"completion_from\": "
	    "\"%s\"}\n", estimate_reply_tokens(e), e->hits_counted > 0 ?
	    "cache" : "heuristic");
}

void
estimate_json_total(struct buf *out, const struct estimate_line *lines,
    size_t n)
{
	long long calls = 0, cached = 0, bound_calls = 0, prompt = 0;
	long long completion = 0, completion_bound = 0, p, c;
	double cost = 0, cost_bound = 0, x, y;
	size_t i;

	for (i = 0; i < n; i++) {
		estimate_totals(&lines[i], &p, &c, &x, &y);
		calls += lines[i].calls;
		cached += lines[i].cached;
		bound_calls += lines[i].calls_bound;
		prompt += p;
		completion += c;
		completion_bound += lines[i].completion_bound;
		cost = cost < 0 || x < 0 ? -1 : cost + x;
		cost_bound = cost_bound < 0 || y < 0 ? -1 : cost_bound + y;
	}
	buf_adds(out, "{\"total\": true, ");
	members(out, calls, cached, bound_calls, prompt, completion,
	    completion_bound, cost, cost_bound);
	buf_adds(out, "}\n");
}

int
estimate_standins(const struct estimate_line *e, long long max_tokens,
    const char *records, size_t len, int flags, struct buf *out)
{
	long long r = estimate_reply_tokens(e), k;
	const char *p = records, *end = records + len, *nl;
	json_t *rec, *v;

	if (r > max_tokens)
		r = max_tokens;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((rec = json_loadb(p, (size_t)(nl - p),
		    JSON_ALLOW_NUL, NULL)) == NULL)
			return -1;
		v = json_object_get(rec, "estimate_unknown_turns");
		if (json_is_integer(v)) {
			k = json_integer_value(v);
			json_object_del(rec, "estimate_unknown_turns");
			json_object_set_new(rec, "estimate_tokens",
			    json_integer(k * r));
			json_object_set_new(rec, "estimate_tokens_bound",
			    json_integer(k * max_tokens));
		}
		jsonw_dump(out, rec, flags);
		buf_addc(out, '\n');
		json_decref(rec);
	}
	return 0;
}

static void
usd(struct buf *out, double x)
{
	if (x < 0)
		buf_printf(out, " %10s", "n/a");
	else
		buf_printf(out, " %10.4f", x);
}

void
estimate_table(struct buf *out, const struct estimate_line *lines, size_t n)
{
	long long p, c, tp = 0, tc = 0, calls = 0, cached = 0;
	double x, y, tx = 0, ty = 0;
	size_t i;

	buf_printf(out, "%-28s %8s %8s %12s %12s %10s %10s\n", "model",
	    "calls", "cached", "prompt", "completion", "cost $", "at most $");
	for (i = 0; i < n; i++) {
		estimate_totals(&lines[i], &p, &c, &x, &y);
		buf_printf(out, "%-28s %8lld %8lld %12lld %12lld", lines[i].name,
		    lines[i].calls, lines[i].cached, p, c);
		usd(out, x);
		usd(out, y);
		buf_addc(out, '\n');
		calls += lines[i].calls;
		cached += lines[i].cached;
		tp += p;
		tc += c;
		tx = tx < 0 || x < 0 ? -1 : tx + x;
		ty = ty < 0 || y < 0 ? -1 : ty + y;
	}
	if (n > 1) {
		buf_printf(out, "%-28s %8lld %8lld %12lld %12lld", "total",
		    calls, cached, tp, tc);
		usd(out, tx);
		usd(out, ty);
		buf_addc(out, '\n');
	}
}

long long
estimate_prompt_tokens(const struct tok_encoder *t,
    const struct request_message *m, size_t n)
{
	long long sum = 3;
	size_t i;

	for (i = 0; i < n; i++)
		sum += 3 + (long long)tok_count(t, m[i].role,
		    strlen(m[i].role)) + (long long)tok_count(t, m[i].content,
		    m[i].len);
	return sum;
}
