/* gen-judgment: judge answers against a baseline with an LLM (SPEC 8). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apiconfig.h"
#include "cli.h"		/* signals, stdout, shared LLM options, hooks */
#include "diag.h"
#include "judge.h"
#include "judgeconfig.h"
#include "jsonw.h"
#include "llm.h"
#include "progress.h"

#define PROG "gen-judgment"

struct opts {
	const char *judge_config;
	const char *judge;		/* --judge: overrides judge_model */
	struct cli_llm_opts llm;
	char **questions;
	size_t n_questions;
	char **baselines;
	size_t n_baselines;
	char **references;
	size_t n_references;
	int model_list;
	char **files;
	int n_files;
};

enum {
	OPT_BASELINE_ANSWERS = CLI_OPT_NEXT, OPT_JUDGE, OPT_MODEL_LIST,
	OPT_PARALLEL, OPT_QUESTIONS, OPT_REFERENCE_ANSWERS
};

static const struct cli_option options[] = {
	{ "judge-config", 'c', "judge-config", CLI_REQUIRED, 'c',
	    "the judge config (configs/en.yaml ...)" },
	{ "questions", 0, "file", CLI_REQUIRED, OPT_QUESTIONS,
	    "the question records (repeatable)" },
	{ "baseline-answers", 0, "file", CLI_REQUIRED, OPT_BASELINE_ANSWERS,
	    "the baseline's answer records (repeatable)" },
	CLI_OPTION_HELP,
	CLI_OPTION_QUIET,
	CLI_OPTION_API_CONFIG,
	CLI_OPTION_CACHE,
	CLI_OPTION_ENSURE_ASCII,
	CLI_OPTION_FAILED,
	{ "judge", 0, "entry", 0, OPT_JUDGE,
	    "the judge's entry (default: judge_model)" },
	{ "model-list", 0, NULL, 0, OPT_MODEL_LIST,
	    "judge only the config's model_list" },
	CLI_OPTION_NO_CACHE,
	CLI_OPTION_OFFLINE,
	{ "parallel", 0, "n", 0, OPT_PARALLEL,
	    "requests in flight (default: the entry's)" },
	{ "reference-answers", 0, "file", 0, OPT_REFERENCE_ANSWERS,
	    "reference answers for the prompt (repeatable)" },
	CLI_OPTION_SHARD,
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "[file ...]", NULL }, NULL
};

static volatile sig_atomic_t g_signal;

static void parse_args(int, char **, struct opts *);
static int run(const struct opts *, struct judge_config *);

int
main(int argc, char *argv[])
{
	struct judge_config jc;
	struct opts o;
	struct diag d;
	int rc, closed;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	diag_clear(&d);
	rc = cli_stdout_closed(PROG, closed);
	if (rc == 0 && judgeconfig_load(o.judge_config, &jc, &d) == -1)
		rc = diag_print(PROG, &d);
	else if (rc == 0) {
		if (o.judge != NULL) {
			free(jc.judge_model);
			jc.judge_model = xstrdup(o.judge);
		}
		if (jc.reference && o.n_references == 0) {
			diag_error(PROG, NULL, 0, "'%s' asks for reference "
			    "answers: give --reference-answers",
			    o.judge_config);
			cli_usage(&spec, stderr, EX_USAGE);
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

static void
on_signal(int sig)
{
	cli_on_signal(&g_signal, sig, PROG);
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
	struct cli c;
	int ch;

	memset(o, 0, sizeof(*o));
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'c':
			o->judge_config = c.arg;
			break;
		case OPT_BASELINE_ANSWERS:
			add_path(&o->baselines, &o->n_baselines, c.arg);
			break;
		case OPT_JUDGE:
			o->judge = c.arg;
			break;
		case OPT_MODEL_LIST:
			o->model_list = 1;
			break;
		case OPT_PARALLEL:
			o->llm.parallel = (long)cli_int(&c, 1, 65536);
			break;
		case OPT_QUESTIONS:
			add_path(&o->questions, &o->n_questions, c.arg);
			break;
		case OPT_REFERENCE_ANSWERS:
			add_path(&o->references, &o->n_references, c.arg);
			break;
		default:
			if (!cli_llm_option(&c, &o->llm, ch))
				abort();	/* an option without a case */
		}
	}
	o->files = c.operands;
	o->n_files = c.n_operands;
	if (o->judge_config == NULL || o->n_questions == 0 ||
	    o->n_baselines == 0)
		cli_usage_error(&c, "missing %s",
		    o->judge_config == NULL ? "-c judge-config" :
		    o->n_questions == 0 ? "--questions" :
		    "--baseline-answers");
	if (o->llm.offline && o->llm.no_cache)
		cli_usage_error(&c, "--offline needs the cache: drop "
		    "--no-cache");
}

/* ---- the judge's hooks ---- */

static int
on_emit(void *arg, const json_t *rec)
{
	struct cli_run *r = arg;

	if (jsonw_write_line(stdout, rec, r->o->flags) == 0)
		return 0;
	cli_check_pipe();
	progress_clear(r->progress);
	diag_error(PROG, NULL, 0, "write error: %s", strerror(errno));
	return -1;
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
	struct cli_run r;
	struct diag d;
	int rc;

	memset(&r, 0, sizeof(r));
	r.prog = PROG;
	r.o = &o->llm;
	diag_clear(&d);
	entry = cli_load_entry(PROG, &o->llm, jc->judge_model, &d);
	if (entry == NULL)
		return diag_print(PROG, &d);

	memset(&hooks, 0, sizeof(hooks));
	hooks.note = cli_note;
	hooks.emit = on_emit;
	hooks.failed = cli_failed;
	hooks.tick = cli_tick;
	hooks.arg = &r;
	j = judge_new(jc, &hooks);
	r.rc = diag_worse(r.rc, read_inputs(o, j));
	/* A missing input would make a partial run: spend nothing on it. */
	if (r.rc == EX_NOINPUT) {
		rc = r.rc;
		goto out;
	}
	po.shard = &o->llm.shard;
	po.model_list = o->model_list;
	if (judge_prepare(j, &po, &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	if (cli_open_failed(&r) != 0) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (!o->llm.no_cache && (cache = cli_open_cache(PROG, &o->llm,
	    &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->llm.parallel;
	lo.cache = cache;
	lo.offline = o->llm.offline;
	lo.interrupted = &g_signal;
	if ((r.llm = llm_client_new(entry, &lo, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	/* As gen-answer: many connections, and no death by SIGPIPE from a
	 * closed connection (cli_flush_stdout re-raises it for stdout). */
	cli_raise_fd_limit(PROG, llm_parallel(r.llm));
	cli_catch_signals(on_signal, CLI_IGNORE_SIGPIPE);
	r.progress = progress_new(PROG, judge_count(j), !o->llm.quiet);
	rc = judge_run(j, r.llm, &d);
	progress_free(r.progress);
	if (rc == -1)
		rc = diag_print(PROG, &d);
	rc = diag_worse(rc, cli_flush_stdout(PROG));
	llm_stats(r.llm, &st);
	if (!o->llm.quiet)
		fprintf(stderr, "%s: %zu requests (%zu cache hits, %zu "
		    "failed), prompt_tokens %lld, completion_tokens %lld\n",
		    PROG, st.submitted, st.cache_hits, st.failed,
		    st.prompt_tokens, st.completion_tokens);
	rc = diag_worse(rc, r.rc);
out:
	llm_client_free(r.llm);
	cache_close(cache);
	rc = diag_worse(rc, cli_close_failed(&r, 1));
	judge_free(j);
	apiconfig_entry_free(entry);
	return diag_worse(rc, r.rc);
}
