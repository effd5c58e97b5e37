/* gen-answer: questions to answer records of one model. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"		/* the engine */
#include "cli.h"		/* signals, stdout, shared LLM options */
#include "diag.h"
#include "llm.h"
#include "progress.h"
#include "tokenizer.h"

#define PROG "gen-answer"

/* The one file-scope variable: the signal that stops the run (style(9)). */
static volatile sig_atomic_t g_stop;

struct opts {
	const char *model;
	const char *bench_config;
	const char *tokenizer;
	struct cli_llm_opts llm;
	struct answer_params ap;
	int annotate;
	int estimate;
	const char *estimate_answers;	/* --estimate-answers file */
	char **files;
	int n_files;
};

static void parse_args(int, char **, struct opts *);

static void
on_signal(int sig)
{
	cli_on_signal(&g_stop, sig, PROG);
}

/* A write error stops the run at once (-1 aborts the calls in flight). */
static int
on_flush(void *arg)
{
	struct cli_run *r = arg;
	int st = cli_flush_stdout(PROG);

	if (st == 0)
		return 0;
	r->rc = diag_worse(r->rc, st);
	g_stop = -1;
	return -1;
}

/* After a short write stdout's error flag is set, so the flush fails. */
static int
on_emit(void *arg, const char *line, size_t len)
{
	return fwrite(line, 1, len, stdout) == len ? 0 : on_flush(arg);
}

/* --estimate: the records (stand-ins among them) are kept, not written. */
static int
on_collect(void *arg, const char *line, size_t len)
{
	struct cli_run *r = arg;

	buf_add(r->collect, line, len);
	return 0;
}

/* --annotate writes what it can: a failed write ends the file only. */
static int
on_annotated(void *arg, const char *line, size_t len)
{
	(void)arg;
	return fwrite(line, 1, len, stdout) == len ? 0 : -1;
}

/* Report through r, writing records as the run needs. */
static void
hooks_init(struct answer_hooks *h, struct cli_run *r, const struct opts *o)
{
	memset(r, 0, sizeof(*r));
	r->prog = PROG;
	r->o = &o->llm;
	memset(h, 0, sizeof(*h));
	h->note = cli_note;
	h->emit = on_emit;
	h->flush = on_flush;
	h->failed = cli_failed;
	h->tick = cli_tick;
	h->arg = r;
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

static int
annotate(struct opts *o)
{
	struct answer_hooks h;
	struct cli_run r;
	struct tok_encoder *tok;
	int rc = 0, i;

	hooks_init(&h, &r, o);
	h.emit = on_annotated;
	tok = load_tokenizer(o, &rc);
	if (tok == NULL)
		return rc;
	for (i = 0; i < (o->n_files ? o->n_files : 1) && !g_stop; i++)
		rc = diag_worse(rc, answer_annotate(&o->ap, o->n_files ?
		    o->files[i] : "-", tok, &h));
	tok_free(tok);
	rc = diag_worse(rc, cli_flush_stdout(PROG));
	if (g_stop > 0)
		return 128 + (g_stop & 0xff);
	return rc;
}

/* --estimate: the lines, the table and the stand-in answers. */
static int
estimate_report(const struct opts *o, const struct estimate_line *est,
    const struct buf *records)
{
	struct buf out;
	int rc;

	rc = cli_estimate_report(PROG, est, o->llm.quiet);
	if (rc != 0 || o->estimate_answers == NULL)
		return rc;
	buf_init(&out);
	if (estimate_standins(est, o->ap.max_tokens, records->p, records->len,
	    o->ap.flags, &out) == -1) {
		diag_error(PROG, NULL, 0, "internal error: a record is not "
		    "JSON");
		rc = EX_SOFTWARE;
	} else
		rc = cli_write_file(PROG, o->estimate_answers, out.p,
		    out.len);
	buf_release(&out);
	return rc;
}

static int
answer(struct opts *o)
{
	struct apiconfig_entry *e;
	struct tok_encoder *tok = NULL;
	struct cache *cache = NULL;
	struct answer *a = NULL;
	struct answer_hooks h;
	struct llm_options lo;
	struct llm_stats st;
	struct estimate_line est;
	struct buf records;
	struct cli_run r;
	struct diag d;
	size_t cut;
	int i, rc = 0;

	hooks_init(&h, &r, o);
	buf_init(&records);
	if (o->estimate) {
		/* Nothing sent, nothing written but the estimate. */
		r.collect = &records;
		h.emit = on_collect;
		h.flush = NULL;
		h.tick = NULL;
		o->llm.offline = 1;
	}
	diag_clear(&d);
	e = cli_load_entry(PROG, &o->llm, o->model, &d);
	if (e == NULL)
		return diag_print(PROG, &d);
	if ((rc = cli_check_caps(PROG, &o->llm, e)) != 0) {
		answer_params_release(&o->ap);
		apiconfig_entry_free(e);
		return rc;
	}
	if (o->bench_config != NULL && (rc = answer_read_bench_config(&o->ap,
	    o->bench_config, &h)) != 0) {
		answer_params_release(&o->ap);
		apiconfig_entry_free(e);
		return rc;
	}

	/* The whole input is read and checked before any request. */
	a = answer_new(e, &o->ap, &h);
	for (i = 0; i < (o->n_files ? o->n_files : 1); i++)
		rc = diag_worse(rc, answer_read_questions(a, o->n_files ?
		    o->files[i] : "-"));
	rc = diag_worse(rc, answer_prepare(a));
	/* A bad input is fixed first: paying for part of it helps nobody. */
	if (rc != 0) {
		diag_error(PROG, NULL, 0, "no request sent: fix the input "
		    "first");
		goto out;
	}
	/* One-turn records need it, and so do --estimate and --max-cost. */
	if ((answer_single_turn(a) || o->estimate || o->llm.cap_cost) &&
	    (tok = load_tokenizer(o, &rc)) == NULL)
		goto out;
	diag_clear(&d);
	if ((cache = cli_open_cache(PROG, &o->llm, &d)) == NULL &&
	    !o->llm.no_cache) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	if (!o->estimate && cli_open_failed(&r) != 0) {
		rc = diag_worse(rc, EX_CANTCREAT);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->llm.parallel;
	lo.cache = cache;
	lo.offline = o->llm.offline;
	lo.interrupted = &g_stop;
	if (o->estimate) {
		estimate_init(&est, e->name, &e->price, ESTIMATE_ANSWER);
		est.stage = "answers";
		lo.estimate = &est;
		lo.estimate_tok = tok;
	}
	cli_llm_caps(&r, tok, &lo);
	diag_clear(&d);
	if ((r.llm = llm_client_new(e, &lo, &d)) == NULL) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	cli_raise_fd_limit(PROG, llm_parallel(r.llm));
	r.progress = progress_new(PROG, answer_count(a), !o->llm.quiet &&
	    !o->estimate);
	r.rc = rc;
	rc = diag_worse(r.rc, answer_run(a, r.llm, tok));
	rc = diag_worse(rc, r.rc);
	progress_free(r.progress);
	llm_stats(r.llm, &st);
	if (o->estimate) {
		rc = diag_worse(rc, estimate_report(o, &est, &records));
		goto out;
	}
	cut = answer_cut(a);
	if (cut > 0)
		diag_warn(PROG, NULL, 0, "%zu answer%s reached max_tokens "
		    "(finish_reason length)", cut, cut == 1 ? "" : "s");
	cli_summary(&r, st.completed);
out:
	buf_release(&records);
	answer_free(a);
	answer_params_release(&o->ap);
	llm_client_free(r.llm);
	cache_close(cache);
	rc = diag_worse(rc, cli_close_failed(&r, 0));
	tok_free(tok);
	apiconfig_entry_free(e);
	if (rc == 0 || rc == EX_DATAERR || rc == EX_UNAVAILABLE ||
	    rc == EX_TEMPFAIL)
		rc = diag_worse(rc, cli_flush_stdout(PROG));
	if (g_stop > 0)
		return 128 + (g_stop & 0xff);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	int closed, rc;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	if ((rc = cli_stdout_closed(PROG, closed)) != 0)
		return rc;
	cli_catch_signals(on_signal, CLI_IGNORE_SIGPIPE);
	if (o.annotate)
		return annotate(&o);
	return answer(&o);
}

/*
 * Options.
 */

enum {
	OPT_ANNOTATE = CLI_OPT_NEXT, OPT_BENCH_CONFIG, OPT_ESTIMATE,
	OPT_ESTIMATE_ANSWERS, OPT_MAX_TOKENS,
	OPT_NUM_CHOICES, OPT_PARALLEL, OPT_TEMPERATURE, OPT_TOKENIZER
};

/* Form 0 answers questions, form 1 (--annotate) annotates answers. */
#define BOTH	(CLI_FORM(0) | CLI_FORM(1))

static const struct cli_option options[] = {
	{ "model", 'm', "entry", CLI_REQUIRED, 'm',
	    "the API-config entry that answers" },
	{ "annotate", 0, NULL, CLI_REQUIRED | CLI_FORM(1), OPT_ANNOTATE,
	    "recompute conv_metadata of answer records" },
	{ "help", 'h', NULL, BOTH, 'h', "show this help and exit" },
	{ "quiet", 'q', NULL, BOTH, 'q', "no progress, warnings or summary" },
	CLI_OPTION_API_CONFIG,
	{ "bench-config", 0, "file", 0, OPT_BENCH_CONFIG,
	    "temperature, max_tokens from gen_answer_config" },
	CLI_OPTION_CACHE,
	{ "ensure-ascii", 0, NULL, BOTH, CLI_OPT_ENSURE_ASCII,
	    "escape non-ASCII characters as \\uXXXX" },
	{ "estimate", 0, NULL, 0, OPT_ESTIMATE,
	    "send nothing: print what the run would cost" },
	{ "estimate-answers", 0, "file", 0, OPT_ESTIMATE_ANSWERS,
	    "with --estimate: stand-in answers to file" },
	CLI_OPTION_FAILED,
	CLI_OPTION_MAX_CALLS,
	CLI_OPTION_MAX_COST,
	{ "max-tokens", 0, "n", 0, OPT_MAX_TOKENS,
	    "the longest reply in tokens (default 4096)" },
	CLI_OPTION_NO_CACHE,
	{ "num-choices", 0, "n", 0, OPT_NUM_CHOICES,
	    "answers per question (only 1)" },
	CLI_OPTION_OFFLINE,
	{ "parallel", 0, "n", 0, OPT_PARALLEL,
	    "requests in flight (default: the entry's)" },
	CLI_OPTION_SHARD,
	{ "temperature", 0, "t", 0, OPT_TEMPERATURE,
	    "the sampling temperature (default 0.0)" },
	{ "tokenizer", 0, "file", BOTH, OPT_TOKENIZER,
	    "the cl100k_base rank file" },
	CLI_OPTION_USAGE_LOG,
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "[file ...]", "[file ...]", NULL }, NULL
};

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli c;
	int ch;

	memset(o, 0, sizeof(*o));
	o->ap.temperature = 0.0;
	o->ap.max_tokens = 4096;
	o->ap.shard = &o->llm.shard;
	o->ap.stop = &g_stop;
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'm':
			o->model = cli_nonempty(&c, "an API config entry");
			break;
		case OPT_ANNOTATE:
			o->annotate = 1;
			break;
		case OPT_BENCH_CONFIG:
			o->bench_config = c.arg;
			break;
		case OPT_ESTIMATE:
			o->estimate = 1;
			break;
		case OPT_ESTIMATE_ANSWERS:
			o->estimate_answers = c.arg;
			break;
		case OPT_MAX_TOKENS:
			o->ap.max_tokens = cli_int(&c, 1, 1000000000);
			o->ap.have_max_tokens = 1;
			break;
		case OPT_NUM_CHOICES:
			if (cli_int(&c, 1, 1000000) != 1)
				cli_usage_error(&c, "--num-choices: only 1 "
				    "choice is supported");
			o->ap.have_num_choices = 1;
			break;
		case OPT_PARALLEL:
			o->llm.parallel = (long)cli_int(&c, 1, 100000);
			break;
		case OPT_TEMPERATURE:
			o->ap.temperature = cli_double(&c, 0, INFINITY);
			o->ap.have_temperature = 1;
			break;
		case OPT_TOKENIZER:
			o->tokenizer = c.arg;
			break;
		default:
			if (!cli_llm_option(&c, &o->llm, ch))
				abort();	/* an option without a case */
		}
	}
	if (!o->annotate && o->model == NULL)
		cli_usage_error(&c, "-m ENTRY is required");
	if (o->estimate_answers != NULL && !o->estimate)
		cli_usage_error(&c, "--estimate-answers needs --estimate");
	if (o->llm.offline && o->llm.no_cache)
		cli_usage_error(&c, "--offline needs the cache, not "
		    "--no-cache");
	o->ap.flags = o->llm.flags;
	o->files = c.operands;
	o->n_files = c.n_operands;
}
