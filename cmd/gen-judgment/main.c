/* gen-judgment: judge answers against a baseline with an LLM (SPEC 8). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apiconfig.h"
#include "cache.h"
#include "diag.h"
#include "judge.h"
#include "judgeconfig.h"
#include "jsonw.h"
#include "llm.h"
#include "progress.h"
#include "shard.h"

#define PROG "gen-judgment"

struct opts {
	const char *judge_config;
	const char *judge;		/* --judge: overrides judge_model */
	const char *api_config;
	const char *cache;
	const char *failed;
	char **questions;
	size_t n_questions;
	char **baselines;
	size_t n_baselines;
	char **references;
	size_t n_references;
	long parallel;			/* 0: the entry's */
	struct shard shard;
	int model_list;
	int no_cache;
	int offline;
	int quiet;
	int flags;			/* jsonw flags */
	char **files;
	int n_files;
};

/* What the judge's hooks need. */
struct run {
	const struct opts *o;
	struct llm_client *llm;
	struct progress *progress;
	FILE *failed;
	int rc;
};

static volatile sig_atomic_t g_signal;

static void parse_args(int, char **, struct opts *);
static int run(const struct opts *, struct judge_config *);
static void usage(FILE *, int) __attribute__((noreturn));

int
main(int argc, char *argv[])
{
	struct judge_config jc;
	struct opts o;
	struct diag d;
	int rc;

	parse_args(argc, argv, &o);
	diag_clear(&d);
	if (judgeconfig_load(o.judge_config, &jc, &d) == -1)
		rc = diag_print(PROG, &d);
	else {
		if (o.judge != NULL) {
			free(jc.judge_model);
			jc.judge_model = xstrdup(o.judge);
		}
		if (jc.reference && o.n_references == 0) {
			diag_error(PROG, NULL, 0, "'%s' asks for reference "
			    "answers: give --reference-answers",
			    o.judge_config);
			usage(stderr, EX_USAGE);
		}
		rc = run(&o, &jc);
		judgeconfig_release(&jc);
	}
	free(o.questions);
	free(o.baselines);
	free(o.references);
	if (g_signal != 0)
		return 128 + (g_signal & 0xff);
	return rc;
}

/*
 * The first SIGINT/SIGTERM lets the calls in flight finish (they are paid
 * for) and starts nothing new; a second one aborts them.
 */
static void
on_signal(int sig)
{
	static const char msg[] = PROG ": interrupted: finishing the requests "
	    "in flight (interrupt again to abort them)\n";
	ssize_t w;

	if (g_signal == 0) {
		g_signal = sig;
		w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
	} else
		g_signal |= LLM_INTERRUPT_NOW;
}

static void
add_path(char ***v, size_t *n, char *path)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = path;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	enum {
		OPT_API_CONFIG = 256, OPT_BASELINE_ANSWERS, OPT_CACHE,
		OPT_ENSURE_ASCII, OPT_FAILED, OPT_JUDGE, OPT_MODEL_LIST,
		OPT_NO_CACHE, OPT_OFFLINE, OPT_PARALLEL, OPT_QUESTIONS,
		OPT_REFERENCE_ANSWERS, OPT_SHARD, OPT_VERSION
	};
	static const struct option longopts[] = {
		{ "api-config", required_argument, NULL, OPT_API_CONFIG },
		{ "baseline-answers", required_argument, NULL,
		    OPT_BASELINE_ANSWERS },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "ensure-ascii", no_argument, NULL, OPT_ENSURE_ASCII },
		{ "failed", required_argument, NULL, OPT_FAILED },
		{ "help", no_argument, NULL, 'h' },
		{ "judge", required_argument, NULL, OPT_JUDGE },
		{ "judge-config", required_argument, NULL, 'c' },
		{ "model-list", no_argument, NULL, OPT_MODEL_LIST },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "parallel", required_argument, NULL, OPT_PARALLEL },
		{ "questions", required_argument, NULL, OPT_QUESTIONS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "reference-answers", required_argument, NULL,
		    OPT_REFERENCE_ANSWERS },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	struct diag d;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->judge_config = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'q':
			o->quiet = 1;
			diag_set_quiet(1);
			break;
		case OPT_API_CONFIG:
			o->api_config = optarg;
			break;
		case OPT_BASELINE_ANSWERS:
			add_path(&o->baselines, &o->n_baselines, optarg);
			break;
		case OPT_CACHE:
			o->cache = optarg;
			break;
		case OPT_ENSURE_ASCII:
			o->flags |= JSONW_ENSURE_ASCII;
			break;
		case OPT_FAILED:
			o->failed = optarg;
			break;
		case OPT_JUDGE:
			o->judge = optarg;
			break;
		case OPT_MODEL_LIST:
			o->model_list = 1;
			break;
		case OPT_NO_CACHE:
			o->no_cache = 1;
			break;
		case OPT_OFFLINE:
			o->offline = 1;
			break;
		case OPT_PARALLEL:
			errno = 0;
			o->parallel = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    o->parallel < 1 || o->parallel > 65536) {
				diag_error(PROG, NULL, 0, "--parallel: invalid "
				    "value '%s' (want 1 to 65536)", optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_QUESTIONS:
			add_path(&o->questions, &o->n_questions, optarg);
			break;
		case OPT_REFERENCE_ANSWERS:
			add_path(&o->references, &o->n_references, optarg);
			break;
		case OPT_SHARD:
			if (shard_parse(optarg, &o->shard, &d) == -1) {
				diag_print(PROG, &d);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_VERSION:
			printf("%s (judgepipe) %s\n", PROG, JUDGEPIPE_VERSION);
			exit(0);
		default:
			usage(stderr, EX_USAGE);
		}
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
	if (o->judge_config == NULL || o->n_questions == 0 ||
	    o->n_baselines == 0) {
		diag_error(PROG, NULL, 0, "missing %s",
		    o->judge_config == NULL ? "-c judge-config" :
		    o->n_questions == 0 ? "--questions" :
		    "--baseline-answers");
		usage(stderr, EX_USAGE);
	}
	if (o->offline && o->no_cache) {
		diag_error(PROG, NULL, 0, "--offline needs the cache: drop "
		    "--no-cache");
		usage(stderr, EX_USAGE);
	}
}

/* ---- the judge's hooks ---- */

static void
on_note(void *arg, int code, const char *file, long line, const char *msg)
{
	struct run *r = arg;

	progress_clear(r->progress);
	if (code == 0) {
		diag_warn(PROG, file, line, "%s", msg);
		return;
	}
	diag_error(PROG, file, line, "%s", msg);
	r->rc = diag_worse(r->rc, code);
}

/* A closed pipe is not an error: die of SIGPIPE, as cat(1) would. */
static void
check_pipe(void)
{
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
}

static int
on_emit(void *arg, const json_t *rec)
{
	struct run *r = arg;

	if (jsonw_write_line(stdout, rec, r->o->flags) == 0)
		return 0;
	check_pipe();
	progress_clear(r->progress);
	diag_error(PROG, NULL, 0, "write error: %s", strerror(errno));
	return -1;
}

static void
on_failed(void *arg, int code, const json_t *rec, const char *msg)
{
	struct run *r = arg;

	progress_clear(r->progress);
	diag_error(PROG, NULL, 0, "%s", msg);
	if (r->failed != NULL && (jsonw_write_line(r->failed, rec,
	    r->o->flags) == -1 || fflush(r->failed) == EOF)) {
		diag_error(PROG, NULL, 0, "%s: write error: %s", r->o->failed,
		    strerror(errno));
		r->rc = diag_worse(r->rc, EX_IOERR);
	}
}

static void
on_tick(void *arg, size_t done, size_t total)
{
	struct run *r = arg;
	struct llm_stats st;

	llm_stats(r->llm, &st);
	progress_update(r->progress, done, st.prompt_tokens,
	    st.completion_tokens);
}

/* ---- the run ---- */

static int
read_inputs(const struct opts *o, struct judge *j)
{
	int rc = 0, i;
	size_t k;

	for (k = 0; k < o->n_questions; k++)
		rc = diag_worse(rc, judge_read_questions(j, o->questions[k]));
	for (k = 0; k < o->n_baselines; k++)
		rc = diag_worse(rc, judge_read_baselines(j, o->baselines[k]));
	for (k = 0; k < o->n_references; k++)
		rc = diag_worse(rc, judge_read_references(j,
		    o->references[k]));
	if (o->n_files == 0)
		rc = diag_worse(rc, judge_read_answers(j, "-"));
	for (i = 0; i < o->n_files; i++)
		rc = diag_worse(rc, judge_read_answers(j, o->files[i]));
	return rc;
}

static struct cache *
open_cache(const struct opts *o, struct diag *d)
{
	struct cache *c;
	char *dir, *warning = NULL;

	if (o->no_cache)
		return NULL;
	dir = o->cache != NULL ? xstrdup(o->cache) : cache_default_dir();
	c = cache_open(dir, o->offline ? CACHE_READONLY : 0, &warning, d);
	if (warning != NULL)
		diag_warn(PROG, NULL, 0, "%s", warning);
	free(warning);
	free(dir);
	return c;
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
}

static int
run(const struct opts *o, struct judge_config *jc)
{
	struct apiconfig_entry *entry = NULL;
	struct judge_prepare_opts po;
	struct llm_options lo;
	struct judge_hooks hooks;
	struct llm_stats st;
	struct cache *cache = NULL;
	struct judge *j = NULL;
	struct run r;
	struct diag d;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	diag_clear(&d);
	entry = apiconfig_load_entry(o->api_config != NULL ? o->api_config :
	    apiconfig_default_path(), jc->judge_model, &d);
	if (entry == NULL)
		return diag_print(PROG, &d);
	for (i = 0; i < entry->n_warnings; i++)
		diag_warn(PROG, entry->warnings[i].file,
		    entry->warnings[i].line, "%s", entry->warnings[i].msg);

	memset(&hooks, 0, sizeof(hooks));
	hooks.note = on_note;
	hooks.emit = on_emit;
	hooks.failed = on_failed;
	hooks.tick = on_tick;
	hooks.arg = &r;
	j = judge_new(jc, &hooks);
	r.rc = diag_worse(r.rc, read_inputs(o, j));
	/* A missing input would make a partial run: spend nothing on it. */
	if (r.rc == EX_NOINPUT) {
		rc = r.rc;
		goto out;
	}
	po.shard = &o->shard;
	po.model_list = o->model_list;
	if (judge_prepare(j, &po, &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	if (o->failed != NULL && (r.failed = fopen(o->failed, "w")) == NULL) {
		diag_error(PROG, NULL, 0, "cannot create '%s': %s", o->failed,
		    strerror(errno));
		rc = EX_CANTCREAT;
		goto out;
	}
	if (!o->no_cache && (cache = open_cache(o, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->parallel;
	lo.cache = cache;
	lo.offline = o->offline;
	lo.interrupted = &g_signal;
	if ((r.llm = llm_client_new(entry, &lo, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	catch_signals();
	r.progress = progress_new(PROG, judge_count(j), !o->quiet);
	rc = judge_run(j, r.llm, &d);
	progress_free(r.progress);
	if (rc == -1)
		rc = diag_print(PROG, &d);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		check_pipe();
		diag_error(PROG, NULL, 0, "write error: %s", strerror(errno));
		rc = diag_worse(rc, EX_IOERR);
	}
	llm_stats(r.llm, &st);
	if (!o->quiet)
		fprintf(stderr, "%s: %zu requests (%zu cache hits, %zu "
		    "failed), prompt_tokens %lld, completion_tokens %lld\n",
		    PROG, st.submitted, st.cache_hits, st.failed,
		    st.prompt_tokens, st.completion_tokens);
	rc = diag_worse(rc, r.rc);
out:
	llm_client_free(r.llm);
	cache_close(cache);
	if (r.failed != NULL && fclose(r.failed) == EOF) {
		diag_error(PROG, NULL, 0, "%s: write error: %s", o->failed,
		    strerror(errno));
		rc = diag_worse(rc, EX_IOERR);
	}
	judge_free(j);
	apiconfig_entry_free(entry);
	return diag_worse(rc, r.rc);
}

/* Usage on stdout for -h (exit 0), on stderr after a bad option. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-hq] -c judge-config --questions file "
	    "--baseline-answers file [--api-config file] [--cache dir] "
	    "[--ensure-ascii] [--failed file] [--judge entry] [--model-list] "
	    "[--no-cache] [--offline] [--parallel n] "
	    "[--reference-answers file] [--shard k/n] [--version] "
	    "[file ...]\n", PROG);
	exit(code);
}
