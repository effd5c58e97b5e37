/* judge.c: runs a mode's judge conversations and emits records in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"

enum conv_state {
	CONV_RUNNING,
	CONV_DONE,
	CONV_FAILED,
	CONV_CANCELLED,
};

struct conv {
	struct judge_conv pub;
	struct task *task;
	int c;
	enum conv_state state;
	size_t *reply_off;		/* the replies inside pub.text */
	size_t *reply_len;
};

enum task_state {
	TASK_WAITING,
	TASK_RUNNING,
	TASK_OK,
	TASK_FAILED,
	TASK_CANCELLED,
};

struct task {
	struct judge *j;
	size_t t;
	enum task_state state;
	int n_convs;
	int pending;			/* conversations still running */
	struct conv *convs;
};

struct judge {
	const struct judge_ops *ops;
	const struct judge_hooks *h;
	struct task *tasks;
	size_t n_tasks;
	size_t next_start;		/* first task not started */
	size_t next_emit;		/* first task not emitted */
	size_t active;			/* started, not finished */
	size_t finished;
	size_t window;
	struct llm_client *llm;
	int status;			/* worst status of the run */
	int write_failed;
	int stopping;			/* a call was refused: start no more */
	size_t cancelled;		/* conversations cancelled */
};

struct judge *
judge_new(const struct judge_ops *ops, const struct judge_hooks *hooks)
{
	struct judge *j = xcalloc(1, sizeof(*j));
	size_t t;

	j->ops = ops;
	j->h = hooks;
	j->n_tasks = ops->n_tasks(ops->mode);
	j->tasks = xcalloc(j->n_tasks + 1, sizeof(*j->tasks));
	for (t = 0; t < j->n_tasks; t++) {
		j->tasks[t].j = j;
		j->tasks[t].t = t;
	}
	return j;
}

static void
task_release(struct task *tk)
{
	int c;

	for (c = 0; tk->convs != NULL && c < tk->n_convs; c++) {
		struct conv *cv = &tk->convs[c];

		buf_release(&cv->pub.prompt);
		buf_release(&cv->pub.text);
		json_decref(cv->pub.score);
		free(cv->reply_off);
		free(cv->reply_len);
	}
	free(tk->convs);
	tk->convs = NULL;
}

void
judge_free(struct judge *j)
{
	size_t t;

	if (j == NULL)
		return;
	for (t = 0; t < j->n_tasks; t++)
		task_release(&j->tasks[t]);
	free(j->tasks);
	free(j);
}

size_t
judge_count(const struct judge *j)
{
	return j->n_tasks;
}

int
judge_check(struct judge *j, struct diag *d)
{
	const struct judge_ops *ops = j->ops;
	const char *sys;
	struct buf b;
	size_t t, sys_len;
	int c, n;

	buf_init(&b);
	for (t = 0; t < j->n_tasks; t++) {
		n = ops->n_convs(ops->mode, t);
		for (c = 0; c < n; c++) {
			buf_reset(&b);
			if (ops->prompt(ops->mode, t, c, &sys, &sys_len, &b,
			    d) == 0)
				continue;
			if (d != NULL) {
				struct buf what;
				size_t len = strlen(d->msg);

				/* "(question q1, model m1)" */
				buf_init(&what);
				ops->describe(ops->mode, t, &what);
				snprintf(d->msg + len, sizeof(d->msg) - len,
				    " (%s)", what.p != NULL ? what.p : "");
				buf_release(&what);
			}
			buf_release(&b);
			return -1;
		}
	}
	buf_release(&b);
	return 0;
}

static void on_done(struct llm_client *, const struct llm_result *, void *);

/* Submit the next attempt of cv: its conversation so far. */
static int
submit(struct conv *cv)
{
	struct judge *j = cv->task->j;
	const struct judge_ops *ops = j->ops;
	struct request_message *m;
	struct llm_call call;
	size_t n = 0;
	int k, rc;

	m = xcalloc(2 + 2 * (size_t)cv->pub.n_replies, sizeof(*m));
	if (cv->pub.system != NULL) {
		m[n].role = "system";
		m[n].content = cv->pub.system;
		m[n++].len = cv->pub.system_len;
	}
	m[n].role = "user";
	m[n].content = cv->pub.prompt.p;
	m[n++].len = cv->pub.prompt.len;
	for (k = 0; k < cv->pub.n_replies; k++) {
		m[n].role = "assistant";
		m[n].content = cv->pub.text.p + cv->reply_off[k];
		m[n++].len = cv->reply_len[k];
		m[n].role = "user";
		m[n].content = ops->continue_msg;
		m[n++].len = strlen(ops->continue_msg);
	}
	memset(&call, 0, sizeof(call));
	call.messages = m;
	call.n_messages = n;
	call.temperature = ops->temperature;
	call.max_tokens = ops->max_tokens;
	call.done = on_done;
	call.user = cv;
	/* --estimate: the judge may be asked again after this reply. */
	call.may_follow = (int)ops->attempts - 1 - cv->pub.n_replies;
	call.then_ask = ops->continue_msg;
	if (ops->unknown != NULL)
		ops->unknown(ops->mode, cv->task->t, cv->c,
		    &call.unknown_tokens, &call.unknown_tokens_bound,
		    &call.unknown_which);
	if (llm_logs_usage(j->llm)) {
		/* The --usage-log line names the call as --failed does. */
		struct buf what;

		buf_init(&what);
		call.tags = json_object();
		ops->failed(ops->mode, cv->task->t, cv->c, call.tags, &what);
		buf_release(&what);
	}
	rc = llm_submit(j->llm, &call, NULL, NULL);
	json_decref(call.tags);
	free(m);
	if (rc == -1)
		j->stopping = 1;
	return rc;
}

/* Emit, in task order, every finished task not yet emitted. */
static void
emit_ready(struct judge *j, int final)
{
	const struct judge_ops *ops = j->ops;

	while (j->next_emit < j->n_tasks) {
		struct task *tk = &j->tasks[j->next_emit];

		if (tk->state == TASK_WAITING || tk->state == TASK_RUNNING) {
			if (!final)
				break;
		} else if (tk->state == TASK_OK && !j->write_failed &&
		    j->h->emit != NULL) {
			struct judge_conv *pub = xcalloc((size_t)tk->n_convs,
			    sizeof(*pub));
			json_t *rec;
			int c;

			for (c = 0; c < tk->n_convs; c++)
				pub[c] = tk->convs[c].pub;
			rec = ops->record(ops->mode, tk->t, pub);
			free(pub);
			if (j->h->emit(j->h->arg, rec) == -1) {
				j->write_failed = 1;
				j->status = diag_worse(j->status, EX_IOERR);
			}
			json_decref(rec);
		}
		task_release(tk);
		j->next_emit++;
	}
}

static void start_tasks(struct judge *);

static void
task_finished(struct task *tk)
{
	struct judge *j = tk->j;
	int c;

	tk->state = TASK_OK;
	for (c = 0; c < tk->n_convs; c++)
		if (tk->convs[c].state == CONV_FAILED)
			tk->state = TASK_FAILED;
		else if (tk->convs[c].state == CONV_CANCELLED &&
		    tk->state == TASK_OK)
			tk->state = TASK_CANCELLED;
	j->active--;
	j->finished++;
	if (j->h->tick != NULL)
		j->h->tick(j->h->arg, j->finished, j->n_tasks);
	emit_ready(j, 0);
	start_tasks(j);
}

static void
conv_failed(struct conv *cv, const struct llm_result *r)
{
	struct judge *j = cv->task->j;
	const struct judge_ops *ops = j->ops;
	const char *err = r->error != NULL ? r->error : "unknown error";
	struct buf what;
	json_t *rec;
	int code = r->exit_code != 0 ? r->exit_code : EX_TEMPFAIL;

	cv->state = CONV_FAILED;
	j->status = diag_worse(j->status, code);
	if (j->h->failed == NULL)
		return;
	buf_init(&what);
	rec = json_object();
	ops->failed(ops->mode, cv->task->t, cv->c, rec, &what);
	buf_printf(&what, ": FAILED after %d attempts: %s", r->attempts, err);
	json_object_set_new(rec, "error", json_string(err));
	json_object_set_new(rec, "attempts", json_integer(r->attempts));
	json_object_set_new(rec, "status", json_integer(r->http_status));
	j->h->failed(j->h->arg, code, rec, what.p);
	json_decref(rec);
	buf_release(&what);
}

/* A reply arrived: ask again, or decide. */
static void
on_reply(struct conv *cv, const struct llm_result *r)
{
	struct judge *j = cv->task->j;
	const struct judge_ops *ops = j->ops;
	struct judge_conv *p = &cv->pub;
	enum judge_verdict v;
	json_t *score = NULL;
	int last;

	if (ops->lead_newline || p->n_replies > 0)
		buf_addc(&p->text, '\n');
	cv->reply_off[p->n_replies] = p->text.len;
	cv->reply_len[p->n_replies] = r->text_len;
	p->n_replies++;
	buf_add(&p->text, r->text, r->text_len);
	p->created = r->created;
	last = p->n_replies >= ops->attempts;
	v = ops->verdict(ops->mode, cv->task->t, cv->c, p->text.p,
	    p->text.len, last, &score);
	if (v == JUDGE_AGAIN && !last) {
		json_decref(score);
		if (submit(cv) == -1) {
			cv->state = CONV_CANCELLED;
			j->cancelled++;
		}
		return;
	}
	p->score = score;
	cv->state = CONV_DONE;
}

static void
on_done(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct conv *cv = user;
	struct task *tk = cv->task;

	(void)c;
	switch (r->status) {
	case LLM_OK:
		/* --estimate: a call not sent ends the conversation. */
		if (r->unsent)
			cv->state = CONV_DONE;
		else
			on_reply(cv, r);
		break;
	case LLM_FAILED:
		conv_failed(cv, r);
		break;
	case LLM_CANCELLED:
		cv->state = CONV_CANCELLED;
		tk->j->cancelled++;
		break;
	}
	if (cv->state == CONV_RUNNING)
		return;
	if (--tk->pending == 0)
		task_finished(tk);
}

static void
start_task(struct task *tk)
{
	struct judge *j = tk->j;
	const struct judge_ops *ops = j->ops;
	int c;

	tk->state = TASK_RUNNING;
	j->active++;
	tk->n_convs = ops->n_convs(ops->mode, tk->t);
	tk->pending = tk->n_convs;
	tk->convs = xcalloc((size_t)tk->n_convs, sizeof(*tk->convs));
	for (c = 0; c < tk->n_convs; c++) {
		struct conv *cv = &tk->convs[c];

		cv->task = tk;
		cv->c = c;
		cv->state = CONV_RUNNING;
		buf_init(&cv->pub.prompt);
		buf_init(&cv->pub.text);
		cv->reply_off = xcalloc((size_t)ops->attempts, sizeof(size_t));
		cv->reply_len = xcalloc((size_t)ops->attempts, sizeof(size_t));
		/* judge_check built this prompt once already. */
		if (ops->prompt(ops->mode, tk->t, c, &cv->pub.system,
		    &cv->pub.system_len, &cv->pub.prompt, NULL) == -1)
			abort();
	}
	/* Every conversation at once; a refused call means stopping. */
	for (c = 0; c < tk->n_convs; c++)
		if (submit(&tk->convs[c]) == -1) {
			tk->convs[c].state = CONV_CANCELLED;
			j->cancelled++;
			if (--tk->pending == 0)
				task_finished(tk);
		}
}

static void
start_tasks(struct judge *j)
{
	while (!j->write_failed && !j->stopping && j->active < j->window &&
	    j->next_start < j->n_tasks && !llm_interrupted(j->llm))
		start_task(&j->tasks[j->next_start++]);
}

int
judge_run(struct judge *j, struct llm_client *llm, struct diag *d)
{
	int rc;

	j->llm = llm;
	/* Enough tasks in flight to keep every connection busy. */
	j->window = 2 * (size_t)llm_parallel(llm) + 16;
	start_tasks(j);
	rc = llm_run(llm, d);
	if (rc == -1 && d != NULL && llm_cut_short(llm)) {
		/* Stopped before the end: say how much is left undone. */
		size_t n = j->cancelled, t, len = strlen(d->msg);

		for (t = j->next_start; t < j->n_tasks; t++)
			n += (size_t)j->ops->n_convs(j->ops->mode, t);
		snprintf(d->msg + len, sizeof(d->msg) - len,
		    "; %zu call%s not made", n, n == 1 ? "" : "s");
	}
	emit_ready(j, 1);
	return rc == -1 ? -1 : j->status;
}
