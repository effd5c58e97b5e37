/* gen-judgment: judge answers with an LLM: in pairs or alone. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apiconfig.h"
#include "cli.h"		/* signals, stdout, shared LLM options, hooks */
#include "diag.h"
#include "grade.h"
#include "judge.h"
#include "judgeconfig.h"
#include "jsonw.h"
#include "llm.h"
#include "pairwise.h"
#include "progress.h"
#include "tokenizer.h"
#include "qaset.h"

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
	enum judgeconfig_mode mode;	/* --mode, or as the config says */
	long pairs_per_question;	/* 0: every pair */
	uint64_t seed;
	int estimate;
	char **files;
	int n_files;
};

enum {
	OPT_BASELINE_ANSWERS = CLI_OPT_NEXT, OPT_ESTIMATE, OPT_JUDGE, OPT_MODE,
	OPT_MODEL_LIST, OPT_PAIRS, OPT_PARALLEL, OPT_QUESTIONS,
	OPT_REFERENCE_ANSWERS, OPT_SEED
};

static const struct cli_option options[] = {
	{ "judge-config", 'c', "judge-config", CLI_REQUIRED, 'c',
	    "the judge config (configs/en.yaml ...)" },
	{ "questions", 0, "file", CLI_REQUIRED, OPT_QUESTIONS,
	    "the question records (repeatable)" },
	CLI_OPTION_HELP,
	CLI_OPTION_QUIET,
	CLI_OPTION_API_CONFIG,
	{ "baseline-answers", 0, "file", 0, OPT_BASELINE_ANSWERS,
	    "the baseline's answer records (repeatable)" },
	CLI_OPTION_CACHE,
	CLI_OPTION_ENSURE_ASCII,
	{ "estimate", 0, NULL, 0, OPT_ESTIMATE,
	    "send nothing: print what the run would cost" },
	CLI_OPTION_FAILED,
	{ "judge", 0, "entry", 0, OPT_JUDGE,
	    "the judge's entry (default: judge_model)" },
	CLI_OPTION_MAX_CALLS,
	CLI_OPTION_MAX_COST,
	/* The names follow enum judgeconfig_mode. */
	{ "mode", 0, "pairwise-baseline|pairwise-all|single", 0, OPT_MODE,
	    "what is judged (default: the config's keys)" },
	{ "model-list", 0, NULL, 0, OPT_MODEL_LIST,
	    "judge only the config's model_list" },
	CLI_OPTION_NO_CACHE,
	CLI_OPTION_OFFLINE,
	{ "pairs-per-question", 0, "k", 0, OPT_PAIRS,
	    "pairwise-all: k sampled pairs per question" },
	{ "parallel", 0, "n", 0, OPT_PARALLEL,
	    "requests in flight (default: the entry's)" },
	{ "reference-answers", 0, "file", 0, OPT_REFERENCE_ANSWERS,
	    "reference answers for the prompt (repeatable)" },
	{ "seed", 0, "n", 0, OPT_SEED,
	    "seed of --pairs-per-question (default 42)" },
	CLI_OPTION_SHARD,
	CLI_OPTION_USAGE_LOG,
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
	if (rc == 0 && judgeconfig_load_mode(o.judge_config, o.mode, &jc,
	    &d) == -1)
		rc = diag_print(PROG, &d);
	else if (rc == 0) {
		if (o.judge != NULL) {
			free(jc.judge_model);
			jc.judge_model = xstrdup(o.judge);
		}
		/* What the mode needs. */
		if (o.pairs_per_question > 0 &&
		    jc.mode != JUDGECONFIG_PAIRWISE_ALL) {
			diag_error(PROG, NULL, 0, "--pairs-per-question is for "
			    "pairwise-all (the mode is %s)",
			    judgeconfig_mode_name(jc.mode));
			cli_usage(&spec, stderr, EX_USAGE);
		}
		if (jc.mode == JUDGECONFIG_PAIRWISE_BASELINE &&
		    o.n_baselines == 0) {
			diag_error(PROG, NULL, 0, "missing --baseline-answers "
			    "(the mode is pairwise-baseline)");
			cli_usage(&spec, stderr, EX_USAGE);
		}
		if (jc.reference && o.n_references == 0 &&
		    jc.mode != JUDGECONFIG_SINGLE) {
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
	o->mode = JUDGECONFIG_MODE_OF_CONFIG;
	o->seed = 42;
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'c':
			o->judge_config = c.arg;
			break;
		case OPT_BASELINE_ANSWERS:
			add_path(&o->baselines, &o->n_baselines, c.arg);
			break;
		case OPT_ESTIMATE:
			o->estimate = 1;
			break;
		case OPT_JUDGE:
			o->judge = c.arg;
			break;
		case OPT_MODE:
			o->mode = (enum judgeconfig_mode)cli_enum(&c);
			break;
		case OPT_MODEL_LIST:
			o->model_list = 1;
			break;
		case OPT_PAIRS:
			o->pairs_per_question = (long)cli_int(&c, 1, 1000000);
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
		case OPT_SEED:
			o->seed = cli_uint(&c, 0, UINT64_MAX);
			break;
		default:
			if (!cli_llm_option(&c, &o->llm, ch))
				abort();	/* an option without a case */
		}
	}
	o->files = c.operands;
	o->n_files = c.n_operands;
	if (o->judge_config == NULL || o->n_questions == 0)
		cli_usage_error(&c, "missing %s",
		    o->judge_config == NULL ? "-c judge-config" :
		    "--questions");
	if (o->llm.offline && o->llm.no_cache)
		cli_usage_error(&c, "--offline needs the cache: drop "
		    "--no-cache");
	/* An estimate reads the cache only. */
	if (o->estimate)
		o->llm.offline = 1;
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

/* --estimate: no record is written. */
static int
on_discard(void *arg, const json_t *rec)
{
	(void)arg;
	(void)rec;
	return 0;
}

/* ---- the run ---- */

/* The models whose answers --baseline-answers may hold. */
static const char **
baseline_models(const struct judge_config *jc, size_t *n)
{
	const char **v = xcalloc(jc->n_categories + 1, sizeof(*v));
	size_t i, k;

	*n = 0;
	if (jc->baseline_model != NULL)
		v[(*n)++] = jc->baseline_model;
	for (i = 0; i < jc->n_categories; i++) {
		const char *b = jc->categories[i].baseline;

		for (k = 0; b != NULL && k < *n; k++)
			if (strcmp(v[k], b) == 0)
				break;
		if (b != NULL && k == *n)
			v[(*n)++] = b;
	}
	return v;
}

static int
read_inputs(const struct opts *o, const struct judge_config *jc,
    struct qaset *qs)
{
	const char **bases;
	size_t k, nb;
	int rc = 0, i;

	for (k = 0; k < o->n_questions; k++)
		rc = diag_worse(rc, qaset_read_questions(qs, o->questions[k]));
	bases = baseline_models(jc, &nb);
	for (k = 0; k < o->n_baselines; k++)
		rc = diag_worse(rc, qaset_read_answers(qs, o->baselines[k],
		    QASET_BASELINES, bases, nb));
	free(bases);
	for (k = 0; k < o->n_references; k++)
		rc = diag_worse(rc, qaset_read_answers(qs, o->references[k],
		    QASET_REFERENCES, (const char *const *)jc->ref_model,
		    jc->n_ref_model));
	if (o->n_files == 0)
		rc = diag_worse(rc, qaset_read_answers(qs, "-", QASET_ANSWERS,
		    NULL, 0));
	for (i = 0; i < o->n_files; i++)
		rc = diag_worse(rc, qaset_read_answers(qs, o->files[i],
		    QASET_ANSWERS, NULL, 0));
	return rc;
}

static int
run(const struct opts *o, struct judge_config *jc)
{
	struct apiconfig_entry *entry = NULL;
	struct grade_prompts gp;
	struct qaset_filter filter;
	struct pairwise_opts po;
	struct grade_opts go;
	struct llm_options lo;
	struct judge_hooks hooks;
	struct judge_ops ops;
	struct llm_stats st;
	struct cache *cache = NULL;
	struct pairwise *pw = NULL;
	struct grade *gr = NULL;
	struct qaset *qs = NULL;
	struct judge *j = NULL;
	struct estimate_line est;
	struct tok_encoder *tok = NULL;
	struct cli_run r;
	struct diag d;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&gp, 0, sizeof(gp));
	r.prog = PROG;
	r.o = &o->llm;
	diag_clear(&d);
	entry = cli_load_entry(PROG, &o->llm, jc->judge_model, &d);
	if (entry == NULL)
		return diag_print(PROG, &d);
	if ((rc = cli_check_caps(PROG, &o->llm, entry)) != 0)
		goto out;
	if (jc->mode == JUDGECONFIG_SINGLE &&
	    grade_prompts_load(jc->judge_prompts, &gp, &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}

	qs = qaset_new(cli_note, &r);
	r.rc = diag_worse(r.rc, read_inputs(o, jc, qs));
	/* A missing input would make a partial run: spend nothing on it. */
	if (r.rc == EX_NOINPUT) {
		rc = r.rc;
		goto out;
	}
	/* What cannot be matched is reported through cli_note (r.rc). */
	memset(&filter, 0, sizeof(filter));
	filter.shard = &o->llm.shard;
	if (o->model_list) {
		filter.listed = 1;
		filter.models = (const char *const *)jc->model_list;
		filter.n_models = jc->n_model_list;
	}
	if (jc->mode == JUDGECONFIG_SINGLE) {
		go.filter = filter;
		gr = grade_new(jc, &gp, qs, cli_note, &r);
		grade_prepare(gr, &go);
		grade_ops(gr, &ops);
	} else {
		memset(&po, 0, sizeof(po));
		po.filter = filter;
		po.pairs_per_question = o->pairs_per_question;
		po.seed = o->seed;
		pw = pairwise_new(jc, qs, cli_note, &r);
		pairwise_prepare(pw, &po);
		pairwise_ops(pw, &ops);
	}

	memset(&hooks, 0, sizeof(hooks));
	hooks.emit = o->estimate ? on_discard : on_emit;
	hooks.failed = cli_failed;
	hooks.tick = o->estimate ? NULL : cli_tick;
	hooks.arg = &r;
	j = judge_new(&ops, &hooks);
	if (judge_check(j, &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	/* Every input is checked before the first request (65 or 78). */
	if (r.rc != 0) {
		diag_error(PROG, NULL, 0, "no request sent: fix the input "
		    "first");
		rc = r.rc;
		goto out;
	}
	if (o->estimate) {
		/* Prompts are counted in cl100k tokens; the cache is read. */
		if ((tok = tok_load(NULL, &d)) == NULL) {
			rc = diag_print(PROG, &d);
			goto out;
		}
	} else if (cli_open_failed(&r) != 0) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (!o->llm.no_cache && (cache = cli_open_cache(PROG, &o->llm,
	    &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	/* --max-cost budgets each call by its prompt's tokens. */
	if (o->llm.cap_cost && tok == NULL &&
	    (tok = tok_load(NULL, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	memset(&lo, 0, sizeof(lo));
	lo.parallel = o->llm.parallel;
	lo.cache = cache;
	lo.offline = o->llm.offline;
	lo.interrupted = &g_signal;
	if (o->estimate) {
		estimate_init(&est, entry->name, &entry->price,
		    ESTIMATE_JUDGMENT);
		est.stage = "judgments";
		lo.estimate = &est;
		lo.estimate_tok = tok;
	}
	cli_llm_caps(&r, tok, &lo);
	if ((r.llm = llm_client_new(entry, &lo, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	/* As gen-answer: many connections, and no death by SIGPIPE from a
	 * closed connection (cli_flush_stdout re-raises it for stdout). */
	cli_raise_fd_limit(PROG, llm_parallel(r.llm));
	cli_catch_signals(on_signal, CLI_IGNORE_SIGPIPE);
	r.progress = progress_new(PROG, judge_count(j), !o->llm.quiet &&
	    !o->estimate);
	rc = judge_run(j, r.llm, &d);
	progress_free(r.progress);
	if (rc == -1)
		rc = diag_print(PROG, &d);
	rc = diag_worse(rc, cli_flush_stdout(PROG));
	llm_stats(r.llm, &st);
	if (o->estimate) {
		rc = diag_worse(rc, cli_estimate_report(PROG, &est,
		    o->llm.quiet));
		goto out;
	}
	cli_summary(&r, st.submitted);
	rc = diag_worse(rc, r.rc);
out:
	llm_client_free(r.llm);
	cache_close(cache);
	rc = diag_worse(rc, cli_close_failed(&r, 1));
	judge_free(j);
	pairwise_free(pw);
	grade_free(gr);
	grade_prompts_release(&gp);
	qaset_free(qs);
	tok_free(tok);
	apiconfig_entry_free(entry);
	return diag_worse(rc, r.rc);
}
