/* gen-answer: questions to answer records of one model (SPEC 5). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "apiconfig.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "diag.h"
#include "hash.h"
#include "jsonl.h"
#include "jsonw.h"
#include "llm.h"
#include "progress.h"
#include "shard.h"
#include "style.h"
#include "tokenizer.h"

#define PROG "gen-answer"

/*
 * Questions in flight or waiting to be written are bounded so that memory
 * stays near the input's size however many questions there are: at most
 * WINDOW_MIN (or 8 x parallel) questions past the oldest unwritten one,
 * and at most PENDING_BYTES of finished records waiting for it.
 */
#define WINDOW_MIN	1024
#define PENDING_BYTES	(32u << 20)

/* The one file-scope variable: the signal that stops the run (style(9)). */
static volatile sig_atomic_t g_stop;

struct opts {
	const char *model;
	const char *api_config;
	const char *bench_config;
	const char *cache_dir;
	const char *tokenizer;
	const char *failed;
	struct shard shard;
	double temperature;
	int have_temperature;
	long long max_tokens;
	int have_max_tokens;
	long num_choices;
	int have_num_choices;
	long parallel;
	int no_cache;
	int offline;
	int annotate;
	int quiet;
	int flags;			/* jsonw flags */
	char **files;
	int n_files;
};

/* A question kept for answering: where its record is, and its id. */
struct question {
	const struct jsonl_reader *reader;
	const char *line;		/* into its reader's buffer */
	size_t len;
	const char *file;
	long lineno;
	char *qid;
	size_t qid_len;
};

enum slot_state {
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_FAILED,
	SLOT_CANCELLED,
};

/* A question being answered, turn by turn, until its record is written. */
struct slot {
	struct run *run;
	size_t qi;
	enum slot_state state;
	json_t *rec;			/* the parsed question */
	const json_t *turns;		/* array of {"content"} (borrowed) */
	json_t *v2turns;		/* owned turns for a v2 question */
	size_t n_turns;
	size_t turn;			/* turns answered so far */
	char **replies;
	size_t *reply_lens;
	struct buf keys;		/* hex cache keys of answered turns */
	double created;
	char *out;			/* the record line when done */
	size_t out_len;
};

struct run {
	const struct opts *o;
	const struct apiconfig_entry *e;
	struct tok_encoder *tok;
	struct llm_client *llm;
	struct question *qs;
	size_t n_qs;
	struct slot **slots;		/* by question index */
	size_t next_in;			/* next question to start */
	size_t next_out;		/* next question to write */
	size_t window;
	size_t ahead;			/* questions started, not finished */
	size_t pending_bytes;		/* finished records not yet written */
	size_t finished;		/* questions done, failed or written */
	size_t cut;			/* answers cut at max_tokens */
	FILE *failed;
	struct progress *progress;
	int rc;
	int fatal;
};

static void parse_args(int, char **, struct opts *);
static void usage(FILE *, int) __attribute__((noreturn));

/*
 * Signals and output.
 */

/*
 * The first SIGINT/SIGTERM lets the requests in flight finish (they are
 * paid for) and starts nothing new; a second one aborts them.
 */
static void
on_signal(int sig)
{
	static const char msg[] = PROG ": interrupted: finishing the requests "
	    "in flight (interrupt again to abort them)\n";
	ssize_t w;

	if (g_stop == 0) {
		g_stop = sig;
		w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
	} else
		g_stop |= LLM_INTERRUPT_NOW;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * libcurl runs with CURLOPT_NOSIGNAL, so a TLS write to a closed
	 * connection could raise SIGPIPE: ignore it, and let flush_out turn
	 * EPIPE on standard output back into SIGPIPE, as cat(1) would die.
	 */
	signal(SIGPIPE, SIG_IGN);
}

/* Flush stdout; a reader that went away is not an error (git check_pipe). */
static int
flush_out(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	diag_error(PROG, NULL, 0, "write error: %s", strerror(errno));
	return EX_IOERR;
}

/*
 * Reading questions.
 */

/* Check a question record; returns its id (borrowed) or NULL with d set. */
static const char *
question_id(const json_t *rec, const char *file, long line,
    const json_t **turns, struct diag *d)
{
	const json_t *id = json_object_get(rec, "question_id");
	const json_t *t = json_object_get(rec, "turns");
	const json_t *turn;
	size_t i;

	if (id != NULL && t != NULL) {
		if (!json_is_string(id))
			return diag_set(d, EX_DATAERR, file, line,
			    "'question_id' is not a string"), NULL;
		if (!json_is_array(t) || json_array_size(t) == 0)
			return diag_set(d, EX_DATAERR, file, line,
			    "'turns' is not a non-empty array"), NULL;
		json_array_foreach(t, i, turn)
			if (!json_is_string(json_object_get(turn, "content")))
				return diag_set(d, EX_DATAERR, file, line,
				    "turns[%zu].content is not a string", i),
				    NULL;
		*turns = t;
		return json_string_value(id);
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

/* An open-addressing set of question indices, keyed by question id. */
struct idset {
	uint32_t *tab;			/* index + 1; 0: empty */
	size_t mask;
};

static uint64_t
fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h;
}

/* Insert question qi unless its id is present: returns 0, or 1 if seen. */
static int
idset_add(struct idset *s, struct question *qs, size_t qi)
{
	size_t i = (size_t)fnv1a(qs[qi].qid, qs[qi].qid_len) & s->mask;

	for (; s->tab[i] != 0; i = (i + 1) & s->mask) {
		const struct question *o = &qs[s->tab[i] - 1];

		if (o->qid_len == qs[qi].qid_len &&
		    memcmp(o->qid, qs[qi].qid, o->qid_len) == 0)
			return 1;
	}
	s->tab[i] = (uint32_t)qi + 1;
	return 0;
}

/*
 * Read every question of path into r->qs (duplicates and bad records are
 * reported and skipped).  The reader is returned in *reader and must live
 * as long as the questions.  Returns the worst status.
 */
static int
read_questions(struct run *r, const char *path, struct jsonl_reader **reader,
    size_t *cap, int *single_turn)
{
	struct jsonl_reader *jr;
	struct diag d;
	const char *line, *id;
	const json_t *turns;
	size_t len;
	long lineno;
	json_t *rec;
	int rc = 0;

	diag_clear(&d);
	*reader = jr = jsonl_open(path, &d);
	if (jr == NULL)
		return diag_print(PROG, &d);
	while (jsonl_next(jr, &line, &len, &lineno)) {
		struct question *q;

		rec = jsonl_parse(jr, line, len, lineno, &d);
		if (rec == NULL) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			continue;
		}
		id = question_id(rec, jsonl_name(jr), lineno, &turns, &d);
		if (id == NULL) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			json_decref(rec);
			continue;
		}
		if (r->n_qs == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			r->qs = xrealloc(r->qs, *cap * sizeof(*r->qs));
		}
		q = &r->qs[r->n_qs++];
		q->reader = jr;
		q->line = line;
		q->len = len;
		q->file = jsonl_name(jr);
		q->lineno = lineno;
		q->qid_len = strlen(id);
		q->qid = xstrndup(id, q->qid_len);
		if (turns == NULL || json_array_size(turns) == 1)
			*single_turn = 1;
		json_decref(rec);
	}
	return rc;
}

/* Drop duplicate ids (the first wins) and other shards' questions. */
static int
filter_questions(struct run *r)
{
	struct idset s;
	size_t i, n = 0, size = 16;
	int rc = 0;

	while (size < 2 * r->n_qs)
		size *= 2;
	s.tab = xcalloc(size, sizeof(*s.tab));
	s.mask = size - 1;
	for (i = 0; i < r->n_qs; i++) {
		struct question *q = &r->qs[i];

		r->qs[n] = *q;
		if (idset_add(&s, r->qs, n)) {
			diag_error(PROG, q->file, q->lineno,
			    "duplicate question_id '%s'", q->qid);
			rc = EX_DATAERR;
			free(q->qid);
			continue;
		}
		n++;
	}
	free(s.tab);
	r->n_qs = n;
	for (i = n = 0; i < r->n_qs; i++) {
		if (shard_keep(&r->o->shard, r->qs[i].qid, r->qs[i].qid_len))
			r->qs[n++] = r->qs[i];
		else
			free(r->qs[i].qid);
	}
	r->n_qs = n;
	return rc;
}

/*
 * Answering: slots, submission, re-ordering.
 */

static void on_done(struct llm_client *, const struct llm_result *, void *);

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

static const json_t *
turn_content(const struct slot *s, size_t i)
{
	return json_object_get(json_array_get(s->turns, i), "content");
}

/* Submit the next turn of s: system, the turns so far, the next user turn. */
static int
submit_turn(struct run *r, struct slot *s)
{
	const struct apiconfig_entry *e = r->e;
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
	call.temperature = r->o->temperature;
	call.max_tokens = r->o->max_tokens;
	call.done = on_done;
	call.user = s;
	diag_clear(&d);
	st = llm_submit(r->llm, &call, NULL, &d);
	free(m);
	return st;
}

/* Start answering question qi. */
static void
start_question(struct run *r, size_t qi)
{
	const struct question *q = &r->qs[qi];
	struct slot *s = xcalloc(1, sizeof(*s));
	const json_t *turns;
	struct diag d;

	s->run = r;
	s->qi = qi;
	buf_init(&s->keys);
	r->slots[qi] = s;
	diag_clear(&d);
	/* Checked when read, so parsing again cannot fail. */
	s->rec = jsonl_parse(q->reader, q->line, q->len, q->lineno, &d);
	if (s->rec == NULL || question_id(s->rec, q->file, q->lineno, &turns,
	    &d) == NULL) {
		diag_error(PROG, q->file, q->lineno, "record changed");
		s->state = SLOT_CANCELLED;
		r->rc = diag_worse(r->rc, EX_SOFTWARE);
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
	s->replies = xcalloc(s->n_turns, sizeof(*s->replies));
	s->reply_lens = xcalloc(s->n_turns, sizeof(*s->reply_lens));
	s->state = SLOT_RUNNING;
	if (submit_turn(r, s) == -1)
		s->state = SLOT_CANCELLED;
}

/* Build the answer record of a finished slot (SPEC 3.2, 5.3). */
static int
finish_record(struct run *r, struct slot *s)
{
	const struct question *q = &r->qs[s->qi];
	json_t *rec, *turns, *meta = NULL;
	struct buf b;
	struct diag d;
	char aid[23];
	size_t i;

	llm_answer_id(s->keys.p, s->keys.len, aid);
	turns = json_array();
	for (i = 0; i < s->n_turns; i++)
		json_array_append_new(turns, json_pack("{s:s%}", "content",
		    s->replies[i], s->reply_lens[i]));
	rec = json_pack("{s:s%,s:s,s:s,s:[{s:i,s:o}],s:f}",
	    "question_id", q->qid, q->qid_len, "answer_id", aid,
	    "model_id", r->e->name, "choices", "index", 0, "turns", turns,
	    "tstamp", s->created);
	if (s->n_turns == 1) {
		diag_clear(&d);
		if (style_conv_metadata(r->tok, s->replies[0],
		    s->reply_lens[0], &meta, &d) == -1) {
			diag_error(PROG, NULL, 0, "question %s: %s", q->qid,
			    d.msg);
			r->rc = diag_worse(r->rc, d.code ? d.code :
			    EX_SOFTWARE);
			json_decref(rec);
			return -1;
		}
		json_object_set_new(rec, "conv_metadata", meta);
	}
	buf_init(&b);
	jsonw_dump(&b, rec, r->o->flags);
	buf_addc(&b, '\n');
	json_decref(rec);
	s->out = buf_detach(&b, &s->out_len);
	r->pending_bytes += s->out_len;
	return 0;
}

/* Write every finished record that all earlier ones allow, in order. */
static void
write_ready(struct run *r)
{
	int wrote = 0;

	while (r->next_out < r->next_in) {
		struct slot *s = r->slots[r->next_out];

		if (s != NULL && s->state == SLOT_RUNNING)
			break;
		if (s != NULL && s->state == SLOT_DONE && !r->fatal) {
			if (fwrite(s->out, 1, s->out_len, stdout) !=
			    s->out_len) {
				r->rc = diag_worse(r->rc, flush_out());
				r->fatal = 1;
				g_stop = -1;	/* stop at once */
			}
			r->pending_bytes -= s->out_len;
			wrote = 1;
		}
		slot_free(s);
		r->slots[r->next_out++] = NULL;
	}
	if (wrote && !r->fatal && flush_out() != 0) {
		r->rc = diag_worse(r->rc, EX_IOERR);
		r->fatal = 1;
		g_stop = -1;
	}
}

/*
 * Start questions while the window and the memory bound allow, keeping
 * about two rounds of requests queued: enough to fill every slot the
 * moment it frees, few enough that preparing them does not delay the
 * start (each costs a parse and a hash).
 */
static void
feed(struct run *r)
{
	while (r->next_in < r->n_qs && !g_stop &&
	    r->next_in - r->next_out < r->window &&
	    r->next_in - r->finished < r->ahead &&
	    r->pending_bytes < PENDING_BYTES)
		start_question(r, r->next_in++);
}

static void
report_failure(struct run *r, struct slot *s, const struct llm_result *res)
{
	const struct question *q = &r->qs[s->qi];
	json_t *f;

	progress_clear(r->progress);
	diag_error(PROG, NULL, 0, "question %s: FAILED after %d attempts: %s",
	    q->qid, res->attempts, res->error);
	r->rc = diag_worse(r->rc, res->exit_code);
	if (r->failed == NULL)
		return;
	f = json_pack("{s:s%,s:s,s:I,s:s,s:i,s:o}", "question_id", q->qid,
	    q->qid_len, "model", r->e->name, "turn", (json_int_t)s->turn + 1,
	    "error", res->error, "attempts", res->attempts, "status",
	    res->http_status > 0 ? json_integer(res->http_status) :
	    json_null());
	if (jsonw_write_line(r->failed, f, r->o->flags) == -1 ||
	    fflush(r->failed) != 0) {
		diag_error(PROG, NULL, 0, "%s: write error: %s", r->o->failed,
		    strerror(errno));
		r->rc = diag_worse(r->rc, EX_IOERR);
	}
	json_decref(f);
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
	struct run *r = s->run;
	struct llm_stats st;

	switch (res->status) {
	case LLM_CANCELLED:
		s->state = SLOT_CANCELLED;
		break;
	case LLM_FAILED:
		s->state = SLOT_FAILED;
		report_failure(r, s, res);
		r->finished++;
		break;
	case LLM_OK:
		s->replies[s->turn] = xmalloc(res->text_len + 1);
		memcpy(s->replies[s->turn], res->text, res->text_len + 1);
		s->reply_lens[s->turn] = res->text_len;
		s->turn++;
		buf_adds(&s->keys, res->key_hex);
		s->created = res->created;
		if (is_cut(res->finish_reason))
			r->cut++;
		if (s->turn < s->n_turns) {
			if (submit_turn(r, s) == -1)
				s->state = SLOT_CANCELLED;
			break;
		}
		s->state = finish_record(r, s) == 0 ? SLOT_DONE : SLOT_FAILED;
		/* The question is no longer needed, only its record. */
		json_decref(s->rec);
		s->rec = NULL;
		r->finished++;
		break;
	}
	write_ready(r);
	feed(r);
	llm_stats(c, &st);
	progress_update(r->progress, r->finished, st.prompt_tokens,
	    st.completion_tokens);
}

/*
 * Settings.
 */

/* Read temperature, max_tokens and num_choices of --bench-config. */
static int
read_bench_config(struct opts *o)
{
	struct config_doc *doc;
	const json_t *root, *v;
	struct diag d;
	int rc = 0;

	diag_clear(&d);
	doc = config_load(o->bench_config, &d);
	if (doc == NULL)
		return diag_print(PROG, &d);
	root = config_root(doc);
	if (!json_is_object(root)) {
		diag_error(PROG, o->bench_config, 0, "not a mapping");
		config_free(doc);
		return EX_CONFIG;
	}
	v = json_object_get(root, "temperature");
	if (v != NULL && !json_is_null(v) && !o->have_temperature) {
		if (!json_is_number(v) || json_number_value(v) < 0) {
			diag_error(PROG, o->bench_config, config_line(doc, v),
			    "'temperature' must be a number >= 0");
			rc = EX_CONFIG;
		} else
			o->temperature = json_number_value(v);
	}
	v = json_object_get(root, "max_tokens");
	if (v != NULL && !json_is_null(v) && !o->have_max_tokens) {
		double n = json_number_value(v);

		if (!json_is_number(v) || n < 1 || n != floor(n) || n > 1e12) {
			diag_error(PROG, o->bench_config, config_line(doc, v),
			    "'max_tokens' must be a whole number >= 1");
			rc = EX_CONFIG;
		} else
			o->max_tokens = (long long)n;
	}
	v = json_object_get(root, "num_choices");
	if (v != NULL && !json_is_null(v) && !o->have_num_choices &&
	    !(json_is_number(v) && json_number_value(v) == 1)) {
		diag_error(PROG, o->bench_config, config_line(doc, v),
		    "'num_choices': only 1 choice is supported");
		rc = EX_CONFIG;
	}
	config_free(doc);
	return rc;
}

static struct tok_encoder *
load_tokenizer(const struct opts *o, int *rc)
{
	struct tok_encoder *t;
	struct diag d;

	diag_clear(&d);
	t = tok_load(o->tokenizer, &d);
	if (t == NULL)
		*rc = diag_worse(*rc, diag_print(PROG, &d));
	return t;
}

/*
 * --annotate (SPEC 5.5).
 */

static int
annotate(const struct opts *o)
{
	struct tok_encoder *tok;
	struct jsonl_reader *jr;
	struct buf b;
	struct diag d;
	json_t *rec;
	long lineno;
	int rc = 0, i, st;

	tok = load_tokenizer(o, &rc);
	if (tok == NULL)
		return rc;
	buf_init(&b);
	for (i = 0; i < (o->n_files ? o->n_files : 1) && !g_stop; i++) {
		diag_clear(&d);
		jr = jsonl_open(o->n_files ? o->files[i] : "-", &d);
		if (jr == NULL) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			continue;
		}
		while (!g_stop &&
		    (st = jsonl_read(jr, &rec, &lineno, &d)) != 0) {
			if (st == 1 && style_annotate(tok, rec, &d) == -1) {
				d.line = lineno;
				snprintf(d.file, sizeof(d.file), "%s",
				    jsonl_name(jr));
				st = -1;
			}
			if (st == -1) {
				rc = diag_worse(rc, diag_print(PROG, &d));
				diag_clear(&d);
				json_decref(rec);
				continue;
			}
			buf_reset(&b);
			jsonw_dump(&b, rec, o->flags);
			buf_addc(&b, '\n');
			json_decref(rec);
			if (fwrite(b.p, 1, b.len, stdout) != b.len)
				break;
		}
		jsonl_free(jr);
	}
	buf_release(&b);
	tok_free(tok);
	rc = diag_worse(rc, flush_out());
	if (g_stop > 0)
		return 128 + (g_stop & 0xff);
	return rc;
}

/*
 * The run.
 */

static void
print_warnings(const struct apiconfig_entry *e)
{
	size_t i;

	for (i = 0; i < e->n_warnings; i++)
		diag_warn(PROG, e->warnings[i].file, e->warnings[i].line, "%s",
		    e->warnings[i].msg);
}

/* Every request in flight holds a socket: lift the open-file limit. */
static void
raise_fd_limit(long parallel)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)parallel + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ?
	    rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		diag_warn(PROG, NULL, 0, "the open-file limit (%llu) is below "
		    "--parallel %ld: requests may fail to connect",
		    (unsigned long long)rl.rlim_cur, parallel);
}

static struct cache *
open_cache(const struct opts *o, int *rc)
{
	struct cache *c;
	struct diag d;
	char *dir, *warning = NULL;

	if (o->no_cache)
		return NULL;
	dir = o->cache_dir != NULL ? xstrdup(o->cache_dir) :
	    cache_default_dir();
	diag_clear(&d);
	c = cache_open(dir, o->offline ? CACHE_READONLY : 0, &warning, &d);
	if (warning != NULL) {
		diag_warn(PROG, NULL, 0, "%s", warning);
		free(warning);
	}
	if (c == NULL)
		*rc = diag_worse(*rc, diag_print(PROG, &d));
	free(dir);
	return c;
}

static int
answer(struct opts *o)
{
	struct run r;
	struct jsonl_reader **readers;
	struct apiconfig_entry *e;
	struct cache *cache = NULL;
	struct llm_options lo;
	struct llm_stats st;
	struct diag d;
	size_t cap = 0, i;
	int n_readers, single_turn = 0, rc = 0;

	memset(&r, 0, sizeof(r));
	r.o = o;
	diag_clear(&d);
	e = apiconfig_load_entry(o->api_config != NULL ? o->api_config :
	    apiconfig_default_path(), o->model, &d);
	if (e == NULL)
		return diag_print(PROG, &d);
	print_warnings(e);
	r.e = e;
	if (o->bench_config != NULL && (rc = read_bench_config(o)) != 0) {
		apiconfig_entry_free(e);
		return rc;
	}

	/* The whole input is read and checked before any request. */
	n_readers = o->n_files ? o->n_files : 1;
	readers = xcalloc((size_t)n_readers, sizeof(*readers));
	for (i = 0; i < (size_t)n_readers; i++)
		rc = diag_worse(rc, read_questions(&r, o->n_files ?
		    o->files[i] : "-", &readers[i], &cap, &single_turn));
	rc = diag_worse(rc, filter_questions(&r));
	if (rc == EX_NOINPUT)
		goto out;
	if (single_turn && (r.tok = load_tokenizer(o, &rc)) == NULL)
		goto out;
	if ((cache = open_cache(o, &rc)) == NULL && !o->no_cache)
		goto out;
	if (o->failed != NULL && (r.failed = fopen(o->failed, "w")) == NULL) {
		diag_error(PROG, NULL, 0, "cannot create '%s': %s", o->failed,
		    strerror(errno));
		rc = diag_worse(rc, EX_CANTCREAT);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->parallel;
	lo.cache = cache;
	lo.offline = o->offline;
	lo.interrupted = &g_stop;
	diag_clear(&d);
	if ((r.llm = llm_client_new(e, &lo, &d)) == NULL) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	raise_fd_limit(llm_parallel(r.llm));
	r.window = (size_t)llm_parallel(r.llm) * 8;
	if (r.window < WINDOW_MIN)
		r.window = WINDOW_MIN;
	r.ahead = (size_t)llm_parallel(r.llm) * 2 + 16;
	r.slots = xcalloc(r.n_qs ? r.n_qs : 1, sizeof(*r.slots));
	r.progress = progress_new(PROG, r.n_qs, !o->quiet);
	r.rc = rc;
	feed(&r);
	write_ready(&r);
	diag_clear(&d);
	if (llm_run(r.llm, &d) == -1) {
		progress_clear(r.progress);
		r.rc = diag_worse(r.rc, diag_print(PROG, &d));
	}
	write_ready(&r);
	progress_free(r.progress);
	rc = r.rc;
	llm_stats(r.llm, &st);
	if (r.cut > 0)
		diag_warn(PROG, NULL, 0, "%zu answer%s reached max_tokens "
		    "(finish_reason length)", r.cut, r.cut == 1 ? "" : "s");
	if (!o->quiet)
		diag_error(PROG, NULL, 0, "%zu requests (%zu cache hits, %zu "
		    "failed), prompt_tokens %lld, completion_tokens %lld",
		    st.completed, st.cache_hits, st.failed, st.prompt_tokens,
		    st.completion_tokens);
out:
	for (i = 0; r.slots != NULL && i < r.n_qs; i++)
		slot_free(r.slots[i]);
	free(r.slots);
	llm_client_free(r.llm);
	cache_close(cache);
	if (r.failed != NULL && fclose(r.failed) != 0)
		rc = diag_worse(rc, EX_IOERR);
	tok_free(r.tok);
	for (i = 0; i < r.n_qs; i++)
		free(r.qs[i].qid);
	free(r.qs);
	for (i = 0; i < (size_t)n_readers; i++)
		jsonl_free(readers[i]);
	free(readers);
	apiconfig_entry_free(e);
	if (rc == 0 || rc == EX_DATAERR || rc == EX_UNAVAILABLE ||
	    rc == EX_TEMPFAIL)
		rc = diag_worse(rc, flush_out());
	if (g_stop > 0)
		return 128 + (g_stop & 0xff);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts o;

	parse_args(argc, argv, &o);
	catch_signals();
	if (o.annotate)
		return annotate(&o);
	return answer(&o);
}

/*
 * Options.
 */

static void
bad_value(const char *opt, const char *arg, const char *want)
{
	diag_error(PROG, NULL, 0, "%s: invalid value '%s' (want %s)", opt, arg,
	    want);
	usage(stderr, EX_USAGE);
}

static long long
parse_int(const char *opt, const char *arg, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		char want[80];

		snprintf(want, sizeof(want), "an integer from %lld to %lld",
		    min, max);
		bad_value(opt, arg, want);
	}
	return v;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	enum {
		OPT_ANNOTATE = 256, OPT_API_CONFIG, OPT_BENCH_CONFIG,
		OPT_CACHE, OPT_ENSURE_ASCII, OPT_FAILED, OPT_MAX_TOKENS,
		OPT_NO_CACHE, OPT_NUM_CHOICES, OPT_OFFLINE, OPT_PARALLEL,
		OPT_SHARD, OPT_TEMPERATURE, OPT_TOKENIZER, OPT_VERSION
	};
	static const struct option longopts[] = {
		{ "annotate", no_argument, NULL, OPT_ANNOTATE },
		{ "api-config", required_argument, NULL, OPT_API_CONFIG },
		{ "bench-config", required_argument, NULL, OPT_BENCH_CONFIG },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "ensure-ascii", no_argument, NULL, OPT_ENSURE_ASCII },
		{ "failed", required_argument, NULL, OPT_FAILED },
		{ "help", no_argument, NULL, 'h' },
		{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
		{ "model", required_argument, NULL, 'm' },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "num-choices", required_argument, NULL, OPT_NUM_CHOICES },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "parallel", required_argument, NULL, OPT_PARALLEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
		{ "tokenizer", required_argument, NULL, OPT_TOKENIZER },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct diag d;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->temperature = 0.0;
	o->max_tokens = 4096;
	o->num_choices = 1;
	while ((ch = getopt_long(argc, argv, "hm:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'm':
			if (optarg[0] == '\0')
				bad_value("-m", optarg, "an API config entry");
			o->model = optarg;
			break;
		case 'q':
			o->quiet = 1;
			diag_set_quiet(1);
			break;
		case OPT_ANNOTATE:
			o->annotate = 1;
			break;
		case OPT_API_CONFIG:
			o->api_config = optarg;
			break;
		case OPT_BENCH_CONFIG:
			o->bench_config = optarg;
			break;
		case OPT_CACHE:
			if (optarg[0] == '\0')
				bad_value("--cache", optarg, "a directory");
			o->cache_dir = optarg;
			break;
		case OPT_ENSURE_ASCII:
			o->flags |= JSONW_ENSURE_ASCII;
			break;
		case OPT_FAILED:
			o->failed = optarg;
			break;
		case OPT_MAX_TOKENS:
			o->max_tokens = parse_int("--max-tokens", optarg, 1,
			    1000000000);
			o->have_max_tokens = 1;
			break;
		case OPT_NO_CACHE:
			o->no_cache = 1;
			break;
		case OPT_NUM_CHOICES:
			o->num_choices = (long)parse_int("--num-choices",
			    optarg, 1, 1000000);
			if (o->num_choices != 1) {
				diag_error(PROG, NULL, 0, "--num-choices: only "
				    "1 choice is supported");
				usage(stderr, EX_USAGE);
			}
			o->have_num_choices = 1;
			break;
		case OPT_OFFLINE:
			o->offline = 1;
			break;
		case OPT_PARALLEL:
			o->parallel = (long)parse_int("--parallel", optarg, 1,
			    100000);
			break;
		case OPT_SHARD:
			diag_clear(&d);
			if (shard_parse(optarg, &o->shard, &d) == -1) {
				diag_print(PROG, &d);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_TEMPERATURE:
			errno = 0;
			o->temperature = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(o->temperature) || o->temperature < 0)
				bad_value("--temperature", optarg,
				    "a number >= 0");
			o->have_temperature = 1;
			break;
		case OPT_TOKENIZER:
			o->tokenizer = optarg;
			break;
		case OPT_VERSION:
			printf("%s (judgepipe) %s\n", PROG, JUDGEPIPE_VERSION);
			exit(0);
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (!o->annotate && o->model == NULL) {
		diag_error(PROG, NULL, 0, "-m ENTRY is required");
		usage(stderr, EX_USAGE);
	}
	if (o->offline && o->no_cache) {
		diag_error(PROG, NULL, 0, "--offline needs the cache, not "
		    "--no-cache");
		usage(stderr, EX_USAGE);
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
}

/* Usage on stdout for -h (exit 0), on stderr after a bad option. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: %s -m entry [-hq] [--api-config file] "
	    "[--bench-config file] [--cache dir] [--ensure-ascii] "
	    "[--failed file] [--max-tokens n] [--no-cache] [--num-choices n] "
	    "[--offline] [--parallel n] [--shard k/n] [--temperature t] "
	    "[--tokenizer file] [--version] [file ...]\n"
	    "       %s --annotate [-hq] [--ensure-ascii] [--tokenizer file] "
	    "[file ...]\n", PROG, PROG);
	exit(code);
}
