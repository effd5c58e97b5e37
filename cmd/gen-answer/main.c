/* gen-answer: questions to answer records of one model (SPEC 5). */
#include <errno.h>
#include <getopt.h>
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
	char **files;
	int n_files;
};

static void parse_args(int, char **, struct opts *);
static void usage(FILE *, int) __attribute__((noreturn));

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
	struct cli_run r;
	struct diag d;
	size_t cut;
	int i, rc = 0;

	hooks_init(&h, &r, o);
	diag_clear(&d);
	e = cli_load_entry(PROG, &o->llm, o->model, &d);
	if (e == NULL)
		return diag_print(PROG, &d);
	if (o->bench_config != NULL && (rc = answer_read_bench_config(&o->ap,
	    o->bench_config, &h)) != 0) {
		apiconfig_entry_free(e);
		return rc;
	}

	/* The whole input is read and checked before any request. */
	a = answer_new(e, &o->ap, &h);
	for (i = 0; i < (o->n_files ? o->n_files : 1); i++)
		rc = diag_worse(rc, answer_read_questions(a, o->n_files ?
		    o->files[i] : "-"));
	rc = diag_worse(rc, answer_prepare(a));
	if (rc == EX_NOINPUT)
		goto out;
	if (answer_single_turn(a) && (tok = load_tokenizer(o, &rc)) == NULL)
		goto out;
	diag_clear(&d);
	if ((cache = cli_open_cache(PROG, &o->llm, &d)) == NULL &&
	    !o->llm.no_cache) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	if (cli_open_failed(&r) != 0) {
		rc = diag_worse(rc, EX_CANTCREAT);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->llm.parallel;
	lo.cache = cache;
	lo.offline = o->llm.offline;
	lo.interrupted = &g_stop;
	diag_clear(&d);
	if ((r.llm = llm_client_new(e, &lo, &d)) == NULL) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	cli_raise_fd_limit(PROG, llm_parallel(r.llm));
	r.progress = progress_new(PROG, answer_count(a), !o->llm.quiet);
	r.rc = rc;
	rc = diag_worse(r.rc, answer_run(a, r.llm, tok));
	rc = diag_worse(rc, r.rc);
	progress_free(r.progress);
	llm_stats(r.llm, &st);
	cut = answer_cut(a);
	if (cut > 0)
		diag_warn(PROG, NULL, 0, "%zu answer%s reached max_tokens "
		    "(finish_reason length)", cut, cut == 1 ? "" : "s");
	if (!o->llm.quiet)
		diag_error(PROG, NULL, 0, "%zu requests (%zu cache hits, %zu "
		    "failed), prompt_tokens %lld, completion_tokens %lld",
		    st.completed, st.cache_hits, st.failed, st.prompt_tokens,
		    st.completion_tokens);
out:
	answer_free(a);
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

	parse_args(argc, argv, &o);
	cli_catch_signals(on_signal, CLI_IGNORE_SIGPIPE);
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
	long long v;

	if (cli_parse_int(PROG, opt, arg, min, max, &v) == -1)
		usage(stderr, EX_USAGE);
	return v;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	enum {
		OPT_ANNOTATE = CLI_OPT_NEXT, OPT_BENCH_CONFIG, OPT_MAX_TOKENS,
		OPT_NUM_CHOICES, OPT_PARALLEL, OPT_TEMPERATURE, OPT_TOKENIZER
	};
	static const struct option longopts[] = {
		{ "annotate", no_argument, NULL, OPT_ANNOTATE },
		{ "api-config", required_argument, NULL, CLI_OPT_API_CONFIG },
		{ "bench-config", required_argument, NULL, OPT_BENCH_CONFIG },
		{ "cache", required_argument, NULL, CLI_OPT_CACHE },
		{ "ensure-ascii", no_argument, NULL, CLI_OPT_ENSURE_ASCII },
		{ "failed", required_argument, NULL, CLI_OPT_FAILED },
		{ "help", no_argument, NULL, 'h' },
		{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
		{ "model", required_argument, NULL, 'm' },
		{ "no-cache", no_argument, NULL, CLI_OPT_NO_CACHE },
		{ "num-choices", required_argument, NULL, OPT_NUM_CHOICES },
		{ "offline", no_argument, NULL, CLI_OPT_OFFLINE },
		{ "parallel", required_argument, NULL, OPT_PARALLEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "shard", required_argument, NULL, CLI_OPT_SHARD },
		{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
		{ "tokenizer", required_argument, NULL, OPT_TOKENIZER },
		{ "version", no_argument, NULL, CLI_OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->ap.temperature = 0.0;
	o->ap.max_tokens = 4096;
	o->ap.shard = &o->llm.shard;
	o->ap.stop = &g_stop;
	while ((ch = getopt_long(argc, argv, "hm:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'm':
			if (optarg[0] == '\0')
				bad_value("-m", optarg, "an API config entry");
			o->model = optarg;
			break;
		case CLI_OPT_CACHE:
			if (optarg[0] == '\0')
				bad_value("--cache", optarg, "a directory");
			o->llm.cache_dir = optarg;
			break;
		case OPT_ANNOTATE:
			o->annotate = 1;
			break;
		case OPT_BENCH_CONFIG:
			o->bench_config = optarg;
			break;
		case OPT_MAX_TOKENS:
			o->ap.max_tokens = parse_int("--max-tokens", optarg, 1,
			    1000000000);
			o->ap.have_max_tokens = 1;
			break;
		case OPT_NUM_CHOICES:
			if (parse_int("--num-choices", optarg, 1, 1000000) !=
			    1) {
				diag_error(PROG, NULL, 0, "--num-choices: only "
				    "1 choice is supported");
				usage(stderr, EX_USAGE);
			}
			o->ap.have_num_choices = 1;
			break;
		case OPT_PARALLEL:
			o->llm.parallel = (long)parse_int("--parallel", optarg,
			    1, 100000);
			break;
		case OPT_TEMPERATURE:
			errno = 0;
			o->ap.temperature = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(o->ap.temperature) ||
			    o->ap.temperature < 0)
				bad_value("--temperature", optarg,
				    "a number >= 0");
			o->ap.have_temperature = 1;
			break;
		case OPT_TOKENIZER:
			o->tokenizer = optarg;
			break;
		default:
			if (cli_llm_option(PROG, &o->llm, ch, optarg) != 1)
				usage(stderr, EX_USAGE);
		}
	}
	if (!o->annotate && o->model == NULL) {
		diag_error(PROG, NULL, 0, "-m ENTRY is required");
		usage(stderr, EX_USAGE);
	}
	if (o->llm.offline && o->llm.no_cache) {
		diag_error(PROG, NULL, 0, "--offline needs the cache, not "
		    "--no-cache");
		usage(stderr, EX_USAGE);
	}
	o->ap.flags = o->llm.flags;
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
