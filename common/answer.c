/* answer.c: questions to answer records of one model. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "provenance.h"
#include "buf.h"
#include "config.h"
#include "hash.h"
#include "jsonl.h"
#include "jsonw.h"
#include "request.h"
#include "strmap.h"
#include "style.h"

/*
 * Questions in flight or waiting to be written are bounded so that memory
 * stays near the input's size however many questions there are: at most
 * WINDOW_MIN (or 8 x parallel) questions past the oldest unwritten one,
 * and at most PENDING_BYTES of finished records waiting for it.
 */
#define WINDOW_MIN	1024
#define PENDING_BYTES	(32u << 20)

/* A question kept for answering: where its record is, and its id. */
struct question {
	const struct jsonl_reader *reader;
	const char *line;		/* into its reader's buffer */
	size_t len;
	const char *file;
	long lineno;
	char *qid;			/* an integer id in decimal */
	size_t qid_len;
	int id_int;			/* the id was a JSON integer */
	size_t n_turns;			/* calls it takes */
};

enum slot_state {
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_FAILED,
	SLOT_CANCELLED,
};

/* A question being answered, turn by turn, until its record is written. */
struct slot {
	struct answer *a;
	size_t qi;
	enum slot_state state;
	json_t *rec;			/* the parsed question */
	const json_t *turns;		/* array of {"content"} (borrowed) */
	json_t *v2turns;		/* owned turns for a v2 question */
	int fastchat;			/* turns are plain strings */
	double temperature;		/* of every turn */
	size_t n_turns;
	size_t turn;			/* turns answered so far */
	char **replies;
	size_t *reply_lens;
	struct buf keys;		/* hex cache keys of answered turns */
	int unknown;			/* --estimate: replies not sent */
	double created;
	char *out;			/* the record line when done */
	size_t out_len;
};

struct answer {
	const struct apiconfig_entry *e;
	const struct answer_params *p;
	const struct answer_hooks *h;
	const struct tok_encoder *tok;
	struct llm_client *llm;
	struct jsonl_reader **readers;	/* they hold the questions' lines */
	size_t n_readers;
	struct question *qs;
	size_t n_qs;
	size_t cap;
	int single_turn;
	struct slot **slots;		/* by question index */
	size_t next_in;			/* next question to start */
	size_t next_out;		/* next question to write */
	size_t window;
	size_t ahead;			/* questions started, not finished */
	size_t pending_bytes;		/* finished records not yet written */
	size_t finished;		/* questions done, failed or written */
	size_t cut;			/* answers cut at max_tokens */
	size_t not_made;		/* calls of cancelled questions */
	int status;			/* worst status of the run */
	int fatal;			/* emit failed: write nothing more */
};

/*
 * Reporting.
 */

static void
vnote(const struct answer_hooks *h, int code, const char *file, long line,
    const char *fmt, va_list ap)
{
	/* As long as the line diag prints. */
	char msg[2 * DIAG_MSG_LEN];

	if (h->note == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	h->note(h->arg, code, file, line, msg);
}

static int
note(const struct answer_hooks *h, int code, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Report through h->note; returns code. */
static int
note(const struct answer_hooks *h, int code, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(h, code, file, line, fmt, ap);
	va_end(ap);
	return code;
}

/* Report d through h->note; returns its code (EX_SOFTWARE if empty). */
static int
note_diag(const struct answer_hooks *h, const struct diag *d)
{
	if (d->code == 0)
		return note(h, EX_SOFTWARE, NULL, 0, "internal error");
	return note(h, d->code, d->file[0] != '\0' ? d->file : NULL, d->line,
	    "%s", d->msg);
}

static int
stopped(const struct answer_params *p)
{
	return p->stop != NULL && *p->stop != 0;
}

/*
 * Settings.
 */

/* temperature_config: {category: temperature}, FastChat's per category. */
static int
read_temperatures(struct answer_params *p, const struct config_doc *doc,
    const json_t *map, const char *path, const struct answer_hooks *h)
{
	const char *k;
	const json_t *t;

	if (!json_is_object(map))
		return note(h, EX_CONFIG, path, config_line(doc, map),
		    "'temperature_config' must be a mapping of categories to "
		    "temperatures");
	json_object_foreach((json_t *)map, k, t) {
		if (!json_is_number(t) || json_number_value(t) < 0)
			return note(h, EX_CONFIG, path, config_line(doc, t),
			    "'temperature_config.%s' must be a number >= 0",
			    k);
		p->cat_names = xrealloc(p->cat_names, (p->n_cats + 1) *
		    sizeof(*p->cat_names));
		p->cat_temps = xrealloc(p->cat_temps, (p->n_cats + 1) *
		    sizeof(*p->cat_temps));
		p->cat_names[p->n_cats] = xstrdup(k);
		p->cat_temps[p->n_cats++] = json_number_value(t);
	}
	return 0;
}

int
answer_read_bench_config(struct answer_params *p, const char *path,
    const struct answer_hooks *h)
{
	struct config_doc *doc;
	const json_t *root, *v;
	struct diag d;
	int rc = 0;

	diag_clear(&d);
	doc = config_load(path, &d);
	if (doc == NULL)
		return note_diag(h, &d);
	root = config_root(doc);
	if (!json_is_object(root)) {
		note(h, EX_CONFIG, path, 0, "not a mapping");
		config_free(doc);
		return EX_CONFIG;
	}
	v = json_object_get(root, "temperature");
	if (v != NULL && !json_is_null(v) && !p->have_temperature) {
		if (!json_is_number(v) || json_number_value(v) < 0)
			rc = note(h, EX_CONFIG, path, config_line(doc, v),
			    "'temperature' must be a number >= 0");
		else
			p->temperature = json_number_value(v);
	}
	v = json_object_get(root, "max_tokens");
	if (v != NULL && !json_is_null(v) && !p->have_max_tokens) {
		double n = json_number_value(v);

		if (!json_is_number(v) || n < 1 || n != floor(n) || n > 1e12)
			rc = note(h, EX_CONFIG, path, config_line(doc, v),
			    "'max_tokens' must be a whole number >= 1");
		else
			p->max_tokens = (long long)n;
	}
	v = json_object_get(root, "num_choices");
	if (v != NULL && !json_is_null(v) && !p->have_num_choices &&
	    !(json_is_number(v) && json_number_value(v) == 1))
		rc = note(h, EX_CONFIG, path, config_line(doc, v),
		    "'num_choices': only 1 choice is supported");
	v = json_object_get(root, "temperature_config");
	if (v != NULL && !json_is_null(v))
		rc = diag_worse(rc, read_temperatures(p, doc, v, path, h));
	config_free(doc);
	return rc;
}

void
answer_params_release(struct answer_params *p)
{
	size_t i;

	for (i = 0; i < p->n_cats; i++)
		free(p->cat_names[i]);
	free(p->cat_names);
	free(p->cat_temps);
	p->cat_names = NULL;
	p->cat_temps = NULL;
	p->n_cats = 0;
}

double
answer_temperature(const struct answer_params *p, const json_t *rec)
{
	const json_t *v;
	size_t i;

	if (p->have_temperature)
		return p->temperature;
	v = json_object_get(rec, "required_temperature");
	if (json_is_number(v) && json_number_value(v) >= 0)
		return json_number_value(v);
	v = json_object_get(rec, "category");
	for (i = 0; json_is_string(v) && i < p->n_cats; i++)
		if (strcmp(p->cat_names[i], json_string_value(v)) == 0)
			return p->cat_temps[i];
	return p->temperature;
}

/*
 * --annotate.
 */

int
answer_annotate(const struct answer_params *p, const char *path,
    const struct tok_encoder *tok, const struct answer_hooks *h)
{
	struct jsonl_reader *jr;
	struct buf b;
	struct diag d;
	json_t *rec;
	long lineno;
	int rc = 0, st;

	diag_clear(&d);
	jr = jsonl_open(path, &d);
	if (jr == NULL)
		return note_diag(h, &d);
	buf_init(&b);
	while (!stopped(p) && (st = jsonl_read(jr, &rec, &lineno, &d)) != 0) {
		if (st == 1 && style_annotate(tok, rec, &d) == -1) {
			d.line = lineno;
			snprintf(d.file, sizeof(d.file), "%s", jsonl_name(jr));
			st = -1;
		}
		if (st == -1) {
			rc = diag_worse(rc, note_diag(h, &d));
			diag_clear(&d);
			json_decref(rec);
			continue;
		}
		buf_reset(&b);
		jsonw_dump(&b, rec, p->flags);
		buf_addc(&b, '\n');
		json_decref(rec);
		if (h->emit != NULL && h->emit(h->arg, b.p, b.len) == -1)
			break;
	}
	jsonl_free(jr);
	buf_release(&b);
	return rc;
}

/*
 * Reading questions.
 */

/* A turn's text: {"content": string} (Arena-Hard) or a string (FastChat). */
static const json_t *
content_of(const json_t *turn)
{
	return json_is_string(turn) ? turn : json_object_get(turn, "content");
}

/*
 * Check a question record; returns its id (in buf: an integer id as its
 * decimal text) or NULL with d set.  *turns gets the turns array (NULL for
 * a v2 record), *id_int whether the id was an integer.
 */
static const char *
question_id(const json_t *rec, const char *file, long line,
    const json_t **turns, int *id_int, char *buf, size_t size,
    struct diag *d)
{
	const json_t *id = json_object_get(rec, "question_id");
	const json_t *t = json_object_get(rec, "turns");
	const json_t *turn;
	size_t i;

	*id_int = 0;
	if (id != NULL && t != NULL) {
		if (json_is_integer(id)) {
			/* FastChat's MT-Bench numbers its questions. */
			snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(id));
			*id_int = 1;
		} else if (!json_is_string(id))
			return diag_set(d, EX_DATAERR, file, line,
			    "'question_id' is not a string or an integer"),
			    NULL;
		if (!json_is_array(t) || json_array_size(t) == 0)
			return diag_set(d, EX_DATAERR, file, line,
			    "'turns' is not a non-empty array"), NULL;
		json_array_foreach(t, i, turn)
			if (!json_is_string(content_of(turn)))
				return diag_set(d, EX_DATAERR, file, line,
				    "turns[%zu].content is not a string", i),
				    NULL;
		*turns = t;
		return *id_int ? buf : json_string_value(id);
	}
	id = json_object_get(rec, "uid");
	t = json_object_get(rec, "prompt");
	if (id != NULL && t != NULL) {
		if (!json_is_string(id))
			return diag_set(d, EX_DATAERR, file, line,
			    "'uid' is not a string"), NULL;
		if (!json_is_string(t))
			return diag_set(d, EX_DATAERR, file, line,
			    "'prompt' is not a string"), NULL;
		*turns = NULL;
		return json_string_value(id);
	}
	return diag_set(d, EX_DATAERR, file, line, "not a question record "
	    "(needs question_id and turns, or uid and prompt)"), NULL;
}

struct answer *
answer_new(const struct apiconfig_entry *e, const struct answer_params *p,
    const struct answer_hooks *h)
{
	struct answer *a = xcalloc(1, sizeof(*a));

	a->e = e;
	a->p = p;
	a->h = h;
	return a;
}

int
answer_read_questions(struct answer *a, const char *path)
{
	struct jsonl_reader *jr;
	struct diag d;
	const char *line, *id;
	const json_t *turns;
	char num[32];
	size_t len;
	long lineno;
	json_t *rec;
	int rc = 0, id_int;

	diag_clear(&d);
	jr = jsonl_open(path, &d);
	if (jr == NULL)
		return note_diag(a->h, &d);
	a->readers = xrealloc(a->readers, (a->n_readers + 1) *
	    sizeof(*a->readers));
	a->readers[a->n_readers++] = jr;
	while (jsonl_next(jr, &line, &len, &lineno)) {
		struct question *q;

		rec = jsonl_parse(jr, line, len, lineno, &d);
		if (rec == NULL) {
			rc = diag_worse(rc, note_diag(a->h, &d));
			continue;
		}
		id = question_id(rec, jsonl_name(jr), lineno, &turns, &id_int,
		    num, sizeof(num), &d);
		if (id == NULL) {
			rc = diag_worse(rc, note_diag(a->h, &d));
			json_decref(rec);
			continue;
		}
		if (a->n_qs == a->cap) {
			a->cap = a->cap ? 2 * a->cap : 1024;
			a->qs = xrealloc(a->qs, a->cap * sizeof(*a->qs));
		}
		q = &a->qs[a->n_qs++];
		q->reader = jr;
		q->line = line;
		q->len = len;
		q->file = jsonl_name(jr);
		q->lineno = lineno;
		q->qid_len = strlen(id);
		q->qid = xstrndup(id, q->qid_len);
		q->id_int = id_int;
		q->n_turns = turns != NULL ? json_array_size(turns) : 1;
		if (turns == NULL || json_array_size(turns) == 1)
			a->single_turn = 1;
		json_decref(rec);
	}
	return rc;
}

int
answer_prepare(struct answer *a)
{
	struct strmap seen = { 0 };
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < a->n_qs; i++) {
		struct question *q = &a->qs[i];

		a->qs[n] = *q;
		if (strmap_get(&seen, q->qid, q->qid_len) != STRMAP_NONE) {
			rc = note(a->h, EX_DATAERR, q->file, q->lineno,
			    "duplicate question_id '%s'", q->qid);
			free(q->qid);
			continue;
		}
		strmap_put(&seen, q->qid, q->qid_len, n);
		n++;
	}
	strmap_release(&seen);
	a->n_qs = n;
	for (i = n = 0; i < a->n_qs; i++) {
		if (a->p->shard == NULL || shard_keep(a->p->shard,
		    a->qs[i].qid, a->qs[i].qid_len))
			a->qs[n++] = a->qs[i];
		else
			free(a->qs[i].qid);
	}
	a->n_qs = n;
	return rc;
}

size_t
answer_count(const struct answer *a)
{
	return a->n_qs;
}

int
answer_single_turn(const struct answer *a)
{
	return a->single_turn;
}

size_t
answer_cut(const struct answer *a)
{
	return a->cut;
}

/*
 * Answering: slots, submission, re-ordering.
 */

static void on_done(struct llm_client *, const struct llm_result *, void *);

/* What names the call of s's next turn: {question_id, model, turn}. */
static json_t *
failure_keys(const struct answer *a, const struct slot *s)
{
	const struct question *q = &a->qs[s->qi];

	return json_pack("{s:s%,s:s,s:I}", "question_id", q->qid, q->qid_len,
	    "model", a->e->name, "turn", (json_int_t)s->turn + 1);
}

static void
slot_free(struct slot *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->turn; i++)
		free(s->replies[i]);
	free(s->replies);
	free(s->reply_lens);
	json_decref(s->rec);
	json_decref(s->v2turns);
	buf_release(&s->keys);
	free(s->out);
	free(s);
}

void
answer_free(struct answer *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; a->slots != NULL && i < a->n_qs; i++)
		slot_free(a->slots[i]);
	free(a->slots);
	for (i = 0; i < a->n_qs; i++)
		free(a->qs[i].qid);
	free(a->qs);
	for (i = 0; i < a->n_readers; i++)
		jsonl_free(a->readers[i]);
	free(a->readers);
	free(a);
}

static const json_t *
turn_content(const struct slot *s, size_t i)
{
	return content_of(json_array_get(s->turns, i));
}

/* Submit the next turn of s: system, the turns so far, the next user turn. */
static int
submit_turn(struct answer *a, struct slot *s)
{
	const struct apiconfig_entry *e = a->e;
	struct request_message *m;
	struct llm_call call;
	struct diag d;
	size_t n = 0, i;
	int st;

	m = xcalloc(2 * s->n_turns + 1, sizeof(*m));
	if (e->system_prompt != NULL) {
		m[n].role = "system";
		m[n].content = e->system_prompt;
		m[n++].len = strlen(e->system_prompt);
	}
	for (i = 0; i <= s->turn; i++) {
		const json_t *c = turn_content(s, i);

		m[n].role = "user";
		m[n].content = json_string_value(c);
		m[n++].len = json_string_length(c);
		if (i == s->turn)
			break;
		m[n].role = "assistant";
		m[n].content = s->replies[i];
		m[n++].len = s->reply_lens[i];
	}
	memset(&call, 0, sizeof(call));
	call.messages = m;
	call.n_messages = n;
	call.temperature = s->temperature;
	call.max_tokens = a->p->max_tokens;
	call.done = on_done;
	call.user = s;
	call.unknown_replies = s->unknown;
	/* The --usage-log line names the call as --failed does. */
	if (llm_logs_usage(a->llm))
		call.tags = failure_keys(a, s);
	diag_clear(&d);
	st = llm_submit(a->llm, &call, NULL, &d);
	json_decref(call.tags);
	free(m);
	return st;
}

/* s will not be finished: its turns not answered are calls not made. */
static void
cancel_slot(struct answer *a, struct slot *s)
{
	s->state = SLOT_CANCELLED;
	a->not_made += a->qs[s->qi].n_turns - s->turn;
}

/* Start answering question qi. */
static void
start_question(struct answer *a, size_t qi)
{
	const struct question *q = &a->qs[qi];
	struct slot *s = xcalloc(1, sizeof(*s));
	const json_t *turns;
	struct diag d;
	char num[32];
	int id_int;

	s->a = a;
	s->qi = qi;
	buf_init(&s->keys);
	a->slots[qi] = s;
	diag_clear(&d);
	/* Checked when read, so parsing again cannot fail. */
	s->rec = jsonl_parse(q->reader, q->line, q->len, q->lineno, &d);
	if (s->rec == NULL || question_id(s->rec, q->file, q->lineno, &turns,
	    &id_int, num, sizeof(num), &d) == NULL) {
		s->state = SLOT_CANCELLED;
		a->status = diag_worse(a->status, note(a->h, EX_SOFTWARE,
		    q->file, q->lineno, "record changed"));
		return;
	}
	if (turns == NULL) {
		/* v2: the prompt is the only turn. */
		s->v2turns = json_pack("[{s:O}]", "content",
		    json_object_get(s->rec, "prompt"));
		turns = s->v2turns;
	}
	s->turns = turns;
	s->n_turns = json_array_size(turns);
	s->temperature = answer_temperature(a->p, s->rec);
	s->fastchat = json_is_string(json_array_get(turns, 0));
	s->replies = xcalloc(s->n_turns, sizeof(*s->replies));
	s->reply_lens = xcalloc(s->n_turns, sizeof(*s->reply_lens));
	s->state = SLOT_RUNNING;
	if (submit_turn(a, s) == -1)
		cancel_slot(a, s);
}

/* Build the answer record of a finished slot. */
static int
finish_record(struct answer *a, struct slot *s)
{
	const struct question *q = &a->qs[s->qi];
	json_t *rec, *turns, *meta = NULL;
	struct buf b;
	struct diag d;
	char aid[23];
	size_t i;

	llm_answer_id(s->keys.p, s->keys.len, aid);
	/* Turns in the question's shape: FastChat's plain strings, or
	 * Arena-Hard's {"content"} objects. */
	turns = json_array();
	for (i = 0; i < s->n_turns; i++)
		json_array_append_new(turns, s->fastchat ?
		    json_stringn(s->replies[i], s->reply_lens[i]) :
		    json_pack("{s:s%}", "content", s->replies[i],
		    s->reply_lens[i]));
	rec = json_pack("{s:o,s:s,s:s,s:[{s:i,s:o}],s:f}",
	    "question_id", q->id_int ? json_integer(strtoll(q->qid, NULL,
	    10)) : json_stringn(q->qid, q->qid_len), "answer_id", aid,
	    "model_id", a->e->name, "choices", "index", 0, "turns", turns,
	    "tstamp", s->created);
	if (s->n_turns == 1) {
		diag_clear(&d);
		if (style_conv_metadata(a->tok, s->replies[0],
		    s->reply_lens[0], &meta, &d) == -1) {
			a->status = diag_worse(a->status, note(a->h,
			    d.code ? d.code : EX_SOFTWARE, NULL, 0,
			    "question %s: %s", q->qid, d.msg));
			json_decref(rec);
			return -1;
		}
		json_object_set_new(rec, "conv_metadata", meta);
	}
	/* --estimate: a stand-in; the command says how long (answer.h). */
	if (s->unknown > 0)
		json_object_set_new(rec, "estimate_unknown_turns",
		    json_integer(s->unknown));
	json_object_set_new(rec, "provenance", provenance_answer(s->keys.p,
	    s->keys.len));
	buf_init(&b);
	jsonw_dump(&b, rec, a->p->flags);
	buf_addc(&b, '\n');
	json_decref(rec);
	s->out = buf_detach(&b, &s->out_len);
	a->pending_bytes += s->out_len;
	return 0;
}

/* Emit every finished record that all earlier ones allow, in order. */
static void
write_ready(struct answer *a)
{
	const struct answer_hooks *h = a->h;
	int wrote = 0;

	while (a->next_out < a->next_in) {
		struct slot *s = a->slots[a->next_out];

		if (s != NULL && s->state == SLOT_RUNNING)
			break;
		if (s != NULL && s->state == SLOT_DONE && !a->fatal) {
			if (h->emit != NULL &&
			    h->emit(h->arg, s->out, s->out_len) == -1)
				a->fatal = 1;
			a->pending_bytes -= s->out_len;
			wrote = 1;
		}
		slot_free(s);
		a->slots[a->next_out++] = NULL;
	}
	if (wrote && !a->fatal && h->flush != NULL && h->flush(h->arg) != 0)
		a->fatal = 1;
}

/*
 * Start questions while the window and the memory bound allow, keeping
 * about two rounds of requests queued: enough to fill every slot the
 * moment it frees, few enough that preparing them does not delay the
 * start (each costs a parse and a hash).
 */
static void
feed(struct answer *a)
{
	while (a->next_in < a->n_qs && !stopped(a->p) &&
	    a->next_in - a->next_out < a->window &&
	    a->next_in - a->finished < a->ahead &&
	    a->pending_bytes < PENDING_BYTES)
		start_question(a, a->next_in++);
}

static void
report_failure(struct answer *a, struct slot *s, const struct llm_result *res)
{
	const struct question *q = &a->qs[s->qi];
	struct buf msg;
	json_t *f;

	a->status = diag_worse(a->status, res->exit_code);
	if (a->h->failed == NULL)
		return;
	buf_init(&msg);
	buf_printf(&msg, "question %s: FAILED after %d attempts: %s", q->qid,
	    res->attempts, res->error);
	f = failure_keys(a, s);
	json_object_set_new(f, "error", json_string(res->error));
	json_object_set_new(f, "attempts", json_integer(res->attempts));
	json_object_set_new(f, "status", res->http_status > 0 ?
	    json_integer(res->http_status) : json_null());
	a->h->failed(a->h->arg, res->exit_code, f, msg.p);
	json_decref(f);
	buf_release(&msg);
}

static int
is_cut(const char *finish_reason)
{
	return finish_reason != NULL &&
	    (strcmp(finish_reason, "length") == 0 ||
	    strcmp(finish_reason, "max_tokens") == 0);
}

static void
on_done(struct llm_client *c, const struct llm_result *res, void *user)
{
	struct slot *s = user;
	struct answer *a = s->a;

	(void)c;
	switch (res->status) {
	case LLM_CANCELLED:
		cancel_slot(a, s);
		break;
	case LLM_FAILED:
		s->state = SLOT_FAILED;
		report_failure(a, s, res);
		a->finished++;
		break;
	case LLM_OK:
		s->replies[s->turn] = xmalloc(res->text_len + 1);
		memcpy(s->replies[s->turn], res->text, res->text_len + 1);
		s->reply_lens[s->turn] = res->text_len;
		s->unknown += res->unsent;
		s->turn++;
		buf_adds(&s->keys, res->key_hex);
		s->created = res->created;
		if (is_cut(res->finish_reason))
			a->cut++;
		if (s->turn < s->n_turns) {
			if (submit_turn(a, s) == -1)
				cancel_slot(a, s);
			break;
		}
		s->state = finish_record(a, s) == 0 ? SLOT_DONE : SLOT_FAILED;
		/* The question is no longer needed, only its record. */
		json_decref(s->rec);
		s->rec = NULL;
		a->finished++;
		break;
	}
	write_ready(a);
	feed(a);
	if (a->h->tick != NULL)
		a->h->tick(a->h->arg, a->finished, a->n_qs);
}

/* The calls of questions neither answered nor failed: those not made. */
static size_t
calls_not_made(const struct answer *a)
{
	size_t i, n = a->not_made;

	for (i = a->next_in; i < a->n_qs; i++)
		n += a->qs[i].n_turns;
	return n;
}

int
answer_run(struct answer *a, struct llm_client *llm,
    const struct tok_encoder *tok)
{
	struct diag d;

	a->llm = llm;
	a->tok = tok;
	a->window = (size_t)llm_parallel(llm) * 8;
	if (a->window < WINDOW_MIN)
		a->window = WINDOW_MIN;
	a->ahead = (size_t)llm_parallel(llm) * 2 + 16;
	a->slots = xcalloc(a->n_qs ? a->n_qs : 1, sizeof(*a->slots));
	feed(a);
	write_ready(a);
	diag_clear(&d);
	if (llm_run(llm, &d) == -1) {
		/* Stopped before the end: say how much is left undone. */
		if (llm_cut_short(llm)) {
			size_t n = calls_not_made(a);

			snprintf(d.msg + strlen(d.msg), sizeof(d.msg) -
			    strlen(d.msg), "; %zu call%s not made", n,
			    n == 1 ? "" : "s");
		}
		a->status = diag_worse(a->status, note_diag(a->h, &d));
	}
	write_ready(a);
	return a->status;
}
