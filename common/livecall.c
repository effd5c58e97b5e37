/* livecall.c: worker threads that answer own questions through llm.c. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "livecall.h"
#include "llm.h"
#include "style.h"

struct job {
	char *question;
	size_t len;
	livecall_done_fn *done;
	void *arg;
	struct job *next;
	/* The outcome, filled by the llm callback. */
	int ok;
	char *text;
	size_t text_len;
	char error[DIAG_MSG_LEN];
};

struct worker {
	struct livecall *l;
	const struct apiconfig_entry *e;
	struct llm_client *llm;
	struct cache *cache;
	pthread_t thread;
	int started;
	struct job *head, **tail;	/* queued, under l->mu */
	volatile sig_atomic_t stop;
};

struct livecall {
	struct worker *w;
	size_t n;
	const struct tok_encoder *tok;
	struct livecall_opts o;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
};

static void
on_llm(struct llm_client *c, const struct llm_result *r, void *user)
{
	struct job *j = user;

	(void)c;
	if (r->status == LLM_OK) {
		j->ok = 1;
		j->text = xmalloc(r->text_len + 1);
		memcpy(j->text, r->text, r->text_len);
		j->text[r->text_len] = '\0';
		j->text_len = r->text_len;
	} else {
		snprintf(j->error, sizeof(j->error), "%s",
		    r->error != NULL ? r->error : "cancelled");
	}
}

static void
finish(struct livecall *l, struct job *j)
{
	json_t *meta = NULL;
	struct diag d;

	if (j->ok && l->tok != NULL && style_conv_metadata(l->tok, j->text,
	    j->text_len, &meta, &d) == -1)
		meta = NULL;
	j->done(j->arg, j->ok, j->text, j->text_len, meta, j->error);
	json_decref(meta);
	free(j->text);
	free(j->question);
	free(j);
}

static void
submit(struct worker *w, struct job *j)
{
	struct request_message m[2];
	struct llm_call call;
	struct diag d;
	size_t n = 0;

	if (w->e->system_prompt != NULL) {
		m[n].role = "system";
		m[n].content = w->e->system_prompt;
		m[n++].len = strlen(w->e->system_prompt);
	}
	m[n].role = "user";
	m[n].content = j->question;
	m[n++].len = j->len;
	memset(&call, 0, sizeof(call));
	call.messages = m;
	call.n_messages = n;
	call.temperature = w->l->o.temperature;
	call.max_tokens = w->l->o.max_tokens;
	call.done = on_llm;
	call.user = j;
	diag_clear(&d);
	if (llm_submit(w->llm, &call, NULL, &d) == -1)
		snprintf(j->error, sizeof(j->error), "%s", d.msg);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct livecall *l = w->l;
	struct job *jobs, *j, *next;
	struct diag d;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (w->head == NULL && !l->stopping)
			pthread_cond_wait(&l->cv, &l->mu);
		jobs = w->head;
		w->head = NULL;
		w->tail = &w->head;
		pthread_mutex_unlock(&l->mu);
		if (jobs == NULL)
			break;
		/* Everything queued runs in one llm_run, in parallel. */
		for (j = jobs; j != NULL; j = j->next)
			submit(w, j);
		diag_clear(&d);
		if (llm_run(w->llm, &d) == -1)
			for (j = jobs; j != NULL; j = j->next)
				if (!j->ok && j->error[0] == '\0')
					snprintf(j->error, sizeof(j->error),
					    "%s", d.msg);
		for (j = jobs; j != NULL; j = next) {
			next = j->next;
			finish(l, j);
		}
		pthread_mutex_lock(&l->mu);
	}
	return NULL;
}

struct livecall *
livecall_new(struct apiconfig_entry *const *entries, size_t n,
    const struct tok_encoder *tok, const struct livecall_opts *o,
    struct diag *d)
{
	struct livecall *l = xcalloc(1, sizeof(*l));
	size_t i;

	l->w = xcalloc(n ? n : 1, sizeof(*l->w));
	l->n = n;
	l->tok = tok;
	l->o = *o;
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	for (i = 0; i < n; i++) {
		struct worker *w = &l->w[i];
		struct llm_options lo;

		w->l = l;
		w->e = entries[i];
		w->tail = &w->head;
		if (o->cache_dir != NULL && (w->cache = cache_open(o->cache_dir,
		    0, NULL, d)) == NULL)
			goto fail;
		memset(&lo, 0, sizeof(lo));
		lo.cache = w->cache;
		lo.interrupted = &w->stop;
		if ((w->llm = llm_client_new(w->e, &lo, d)) == NULL)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		if (pthread_create(&l->w[i].thread, NULL, work, &l->w[i]) != 0) {
			diag_set(d, EX_OSERR, NULL, 0, "cannot start a thread");
			goto fail;
		}
		l->w[i].started = 1;
	}
	return l;
fail:
	livecall_free(l);
	return NULL;
}

const char *
livecall_model(const struct livecall *l, size_t i)
{
	return l->w[i].e->name;
}

size_t
livecall_count(const struct livecall *l)
{
	return l->n;
}

void
livecall_ask(struct livecall *l, size_t i, const char *question, size_t len,
    livecall_done_fn *done, void *arg)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->question = xmalloc(len + 1);
	memcpy(j->question, question, len);
	j->question[len] = '\0';
	j->len = len;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&l->mu);
	if (l->stopping) {
		pthread_mutex_unlock(&l->mu);
		snprintf(j->error, sizeof(j->error), "the server is stopping");
		finish(l, j);
		return;
	}
	*l->w[i].tail = j;
	l->w[i].tail = &j->next;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void
livecall_free(struct livecall *l)
{
	size_t i;

	if (l == NULL)
		return;
	pthread_mutex_lock(&l->mu);
	l->stopping = 1;
	for (i = 0; i < l->n; i++)
		l->w[i].stop = 1 | LLM_INTERRUPT_NOW;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	for (i = 0; i < l->n; i++)
		if (l->w[i].started)
			pthread_join(l->w[i].thread, NULL);
	for (i = 0; i < l->n; i++) {
		struct job *j, *next;

		/* Jobs queued after the last run: report them too. */
		for (j = l->w[i].head; j != NULL; j = next) {
			next = j->next;
			snprintf(j->error, sizeof(j->error), "the server is "
			    "stopping");
			finish(l, j);
		}
		llm_client_free(l->w[i].llm);
		cache_close(l->w[i].cache);
	}
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l->w);
	free(l);
}
