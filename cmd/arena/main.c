/* arena: a blind pairwise voting server (offline answers or live models). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apiconfig.h"
#include "arena.h"
#include "arenadata.h"
#include "buf.h"
#include "cache.h"
#include "cli.h"
#include "diag.h"
#include "httpd.h"
#include "livecall.h"
#include "outdir.h"
#include "tokenizer.h"
#include "votelog.h"

#define PROG "arena"

static volatile sig_atomic_t g_stop;

struct opts {
	char **answers;
	size_t nanswers;
	const char *api_config;
	const char *baseline;
	const char *cache_dir;
	const char *lang;
	char addr[128];
	int port;
	long live_per_voter;
	long max_conns;
	long max_live_calls;
	long long max_tokens;
	char **models;		/* NULL-terminated, or NULL */
	size_t nmodels;
	int no_cache;
	long num_rounds;
	const char *port_file;
	const char *questions;
	enum pairing_mode sampling;
	unsigned long long seed;
	long timeout;
	const char *tokens;
	const char *votes;
	int quiet;
};

enum {
	OPT_ANSWERS = CLI_OPT_NEXT, OPT_BASELINE, OPT_LANG, OPT_LISTEN,
	OPT_LIVE_PER_VOTER, OPT_MAX_CONNS, OPT_MAX_LIVE, OPT_MAX_TOKENS,
	OPT_MODELS, OPT_PORT_FILE, OPT_QUESTIONS, OPT_ROUNDS, OPT_SAMPLING,
	OPT_SEED, OPT_TIMEOUT, OPT_TOKENS, OPT_VOTES
};

static const struct cli_option options[] = {
	{ "votes", 0, "file", CLI_REQUIRED, OPT_VOTES,
	    "the vote log (JSONL, appended)" },
	CLI_OPTION_HELP,
	{ "quiet", 'q', NULL, 0, 'q', "no announcement, no warnings" },
	{ "answers", 0, "path", CLI_REPEAT, OPT_ANSWERS,
	    "answer file or directory of offline battles" },
	{ "api-config", 0, "file", 0, CLI_OPT_API_CONFIG,
	    "answer voters' own questions live" },
	{ "baseline", 0, "model", 0, OPT_BASELINE,
	    "the board's win rates are against model" },
	{ "cache", 0, "dir", 0, CLI_OPT_CACHE,
	    "the response cache of live calls" },
	{ "lang", 0, "en|ko|zh", 0, OPT_LANG,
	    "the page's language (default en)" },
	{ "listen", 0, "addr:port", 0, OPT_LISTEN,
	    "where to serve (default 127.0.0.1:0)" },
	{ "live-per-voter", 0, "n", 0, OPT_LIVE_PER_VOTER,
	    "own questions per voter (default 20)" },
	{ "max-connections", 0, "n", 0, OPT_MAX_CONNS,
	    "open connections at most (default 1024)" },
	{ "max-live-calls", 0, "n", 0, OPT_MAX_LIVE,
	    "live model calls in all (default 200)" },
	{ "max-tokens", 0, "n", 0, OPT_MAX_TOKENS,
	    "max_tokens of live calls (default 4096)" },
	{ "models", 0, "list", 0, OPT_MODELS,
	    "comma-separated models of the arena" },
	{ "no-cache", 0, NULL, 0, CLI_OPT_NO_CACHE,
	    "do not cache live calls" },
	{ "num-rounds", 0, "n", 0, OPT_ROUNDS,
	    "bootstrap rounds of the board (default 100)" },
	{ "port-file", 0, "file", 0, OPT_PORT_FILE,
	    "write the port to file atomically" },
	{ "questions", 0, "file", 0, OPT_QUESTIONS,
	    "questions of offline battles" },
	{ "sampling", 0, "uniform|balanced", 0, OPT_SAMPLING,
	    "how battles are drawn (default uniform)" },
	{ "seed", 0, "n", 0, OPT_SEED,
	    "seed of the board's bootstrap (default 42)" },
	{ "timeout", 0, "seconds", 0, OPT_TIMEOUT,
	    "close idle connections (default 30)" },
	{ "tokens", 0, "file", 0, OPT_TOKENS,
	    "voter tokens, one a line: the API needs one" },
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "", NULL },
	"Serve blind A/B battles between models' answers and log the votes."
};

static void parse_args(int, char **, struct opts *);

static void
on_signal(int sig)
{
	g_stop = sig;
}

static void
note(void *arg, const struct diag *d)
{
	int *rc = arg;

	*rc = diag_worse(*rc, diag_print(PROG, d));
}

/* Questions and answers for offline battles; NULL with *rc set. */
static struct arenadata *
load_data(const struct opts *o, const struct tok_encoder *tok, int *rc)
{
	struct arenadata *data = arenadata_new();
	struct diag d;
	size_t i;

	diag_clear(&d);
	if (arenadata_read_questions(data, o->questions, note, rc, &d) == -1)
		goto fail;
	for (i = 0; i < o->nanswers; i++)
		if (arenadata_read_answers(data, o->answers[i], o->models, note,
		    rc, &d) == -1)
			goto fail;
	if (*rc != 0)
		goto out;
	arenadata_finish(data, tok);
	if (data->multi_turn > 0)
		diag_warn(PROG, o->questions, 0, "%zu questions have several "
		    "turns: battles show the first", data->multi_turn);
	if (data->unknown_questions > 0)
		diag_warn(PROG, NULL, 0, "%zu answers to questions not in '%s' "
		    "ignored", data->unknown_questions, o->questions);
	if (data->duplicates > 0)
		diag_warn(PROG, NULL, 0, "%zu duplicate answers (the last of "
		    "each wins)", data->duplicates);
	if (data->nmodels < 2) {
		diag_error(PROG, NULL, 0, "offline battles need the answers of "
		    "two models or more (found %zu)", data->nmodels);
		*rc = EX_DATAERR;
		goto out;
	}
	return data;
fail:
	*rc = diag_worse(*rc, diag_print(PROG, &d));
out:
	arenadata_free(data);
	return NULL;
}

/* Entries and workers for own questions; NULL with *rc set. */
static struct livecall *
load_live(const struct opts *o, const struct tok_encoder *tok,
    struct apiconfig_entry ***entries, int *rc)
{
	struct livecall_opts lo;
	struct livecall *live;
	struct diag d;
	size_t i, w;
	char *dir = NULL;

	diag_clear(&d);
	*entries = xcalloc(o->nmodels + 1, sizeof(**entries));
	for (i = 0; i < o->nmodels; i++) {
		(*entries)[i] = apiconfig_load_entry(o->api_config,
		    o->models[i], &d);
		if ((*entries)[i] == NULL) {
			*rc = diag_print(PROG, &d);
			return NULL;
		}
		for (w = 0; w < (*entries)[i]->n_warnings; w++)
			diag_warn(PROG, (*entries)[i]->warnings[w].file,
			    (*entries)[i]->warnings[w].line, "%s",
			    (*entries)[i]->warnings[w].msg);
	}
	memset(&lo, 0, sizeof(lo));
	lo.temperature = 0.0;
	lo.max_tokens = o->max_tokens;
	if (!o->no_cache)
		lo.cache_dir = dir = o->cache_dir != NULL ?
		    xstrdup(o->cache_dir) : cache_default_dir();
	cli_raise_fd_limit(PROG, 64);
	live = livecall_new(*entries, o->nmodels, tok, &lo, &d);
	free(dir);
	if (live == NULL)
		*rc = diag_print(PROG, &d);
	return live;
}

int
main(int argc, char *argv[])
{
	struct apiconfig_entry **entries = NULL;
	struct arenadata *data = NULL;
	struct livecall *live = NULL;
	struct tok_encoder *tok = NULL;
	struct votelog *log = NULL;
	struct arena *arena = NULL;
	struct httpd *h = NULL;
	struct arena_opts ao;
	struct httpd_opts ho;
	struct opts o;
	struct diag d;
	struct buf saltpath;
	unsigned char salt[32];
	char num[16];
	char **tokens = NULL;
	size_t ntokens = 0, torn, i;
	int rc = 0;

	parse_args(argc, argv, &o);
	diag_clear(&d);
	buf_init(&saltpath);
	if ((tok = tok_load(NULL, &d)) == NULL) {
		diag_warn(PROG, NULL, 0, "%s: answers without conv_metadata "
		    "are logged without it", d.msg);
		diag_clear(&d);
	}
	if (o.questions != NULL && (data = load_data(&o, tok, &rc)) == NULL)
		goto out;
	if (o.api_config != NULL && (live = load_live(&o, tok, &entries,
	    &rc)) == NULL)
		goto out;
	if (o.tokens != NULL && arena_read_tokens(o.tokens, &tokens, &ntokens,
	    &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	buf_printf(&saltpath, "%s.salt", o.votes);
	if (arena_salt(saltpath.p, salt, &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	memset(&ao, 0, sizeof(ao));
	ao.sampling = o.sampling;
	ao.lang = o.lang;
	ao.loopback = httpd_is_loopback(o.addr);
	ao.num_rounds = o.num_rounds;
	ao.seed = o.seed;
	ao.baseline = o.baseline;
	ao.max_live_calls = o.max_live_calls;
	ao.live_per_voter = o.live_per_voter;
	ao.ttl_s = 3600;
	ao.log_name = o.votes;
	arena = arena_new(&ao, data, live, tokens, ntokens, salt);
	if ((log = votelog_open(o.votes, arena_load_vote, arena, &torn,
	    &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	if (torn > 0)
		diag_warn(PROG, o.votes, 0, "cut a torn last line of %zu bytes "
		    "(a crash while writing)", torn);
	arena_set_log(arena, log);
	cli_catch_signals(on_signal, 0);
	signal(SIGPIPE, SIG_IGN);
	memset(&ho, 0, sizeof(ho));
	ho.addr = o.addr;
	ho.port = o.port;
	ho.max_body = 65536;
	ho.max_conns = (unsigned)o.max_conns;
	ho.timeout_s = (unsigned)o.timeout;
	ho.threads = 2;
	cli_raise_fd_limit(PROG, o.max_conns);
	if ((h = httpd_start(&ho, arena_handle, arena, &d)) == NULL) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	if (!ao.loopback && ntokens == 0)
		diag_warn(PROG, NULL, 0, "listening on '%s' without --tokens: "
		    "anyone who can reach it can vote", o.addr);
	snprintf(num, sizeof(num), "%d\n", httpd_port(h));
	if (o.port_file != NULL && outdir_write_file(o.port_file, num,
	    strlen(num), &d) == -1) {
		rc = diag_print(PROG, &d);
		goto out;
	}
	if (!o.quiet)
		fprintf(stderr, "%s: %zu votes in '%s'; listening on "
		    "http://%s%s%s:%d/\n", PROG, arena_votes(arena), o.votes,
		    strchr(o.addr, ':') ? "[" : "", o.addr,
		    strchr(o.addr, ':') ? "]" : "", httpd_port(h));
	while (!g_stop)
		pause();
	if (!o.quiet)
		fprintf(stderr, "%s: stopping\n", PROG);
out:
	/* Stop taking work, answer what is owed, then close. */
	httpd_quiesce(h);
	if (arena != NULL)
		arena_drain(arena);
	livecall_free(live);
	live = NULL;
	if (votelog_close(log) == -1) {
		diag_error(PROG, NULL, 0, "'%s': a write failed: some votes "
		    "were refused", o.votes);
		rc = diag_worse(rc, EX_IOERR);
	}
	httpd_stop(h);
	arena_free(arena);
	arenadata_free(data);
	tok_free(tok);
	for (i = 0; entries != NULL && i < o.nmodels; i++)
		apiconfig_entry_free(entries[i]);
	free(entries);
	for (i = 0; i < ntokens; i++)
		free(tokens[i]);
	free(tokens);
	for (i = 0; i < o.nmodels; i++)
		free(o.models[i]);
	free(o.models);
	free(o.answers);
	buf_release(&saltpath);
	return rc;
}



/* Split a comma-separated list into o->models. */
static void
split_models(struct opts *o, const struct cli *cl)
{
	const char *arg = cl->arg, *p = arg, *c;

	do {
		c = strchr(p, ',');
		if ((c != NULL ? (size_t)(c - p) : strlen(p)) == 0)
			cli_bad_value(cl, "NAME[,NAME]...");
		o->models = xrealloc(o->models, (o->nmodels + 2) *
		    sizeof(*o->models));
		o->models[o->nmodels++] = c != NULL ? xstrndup(p,
		    (size_t)(c - p)) : xstrdup(p);
		o->models[o->nmodels] = NULL;
		p = c != NULL ? c + 1 : NULL;
	} while (p != NULL);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli c;
	struct diag d;
	int ch;

	memset(o, 0, sizeof(*o));
	o->lang = "en";
	snprintf(o->addr, sizeof(o->addr), "127.0.0.1");
	o->live_per_voter = 20;
	o->max_conns = 1024;
	o->max_live_calls = 200;
	o->max_tokens = 4096;
	o->num_rounds = 100;
	o->sampling = PAIRING_UNIFORM;
	o->seed = 42;
	o->timeout = 30;
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'q':
			o->quiet = 1;
			diag_set_quiet(1);
			break;
		case OPT_ANSWERS:
			o->answers = xrealloc(o->answers, (o->nanswers + 1) *
			    sizeof(*o->answers));
			o->answers[o->nanswers++] = c.arg;
			break;
		case CLI_OPT_API_CONFIG:
			o->api_config = c.arg;
			break;
		case OPT_BASELINE:
			o->baseline = cli_nonempty(&c, "a model name");
			break;
		case CLI_OPT_CACHE:
			o->cache_dir = c.arg;
			break;
		case OPT_LANG:
			o->lang = (const char *[]){ "en", "ko", "zh" }[
			    cli_enum(&c)];
			break;
		case OPT_LISTEN:
			diag_clear(&d);
			if (httpd_parse_listen(c.arg, o->addr, sizeof(o->addr),
			    &o->port, &d) == -1)
				cli_bad_value(&c, "ADDR:PORT, e.g. "
				    "127.0.0.1:8080 or [::1]:0");
			break;
		case OPT_LIVE_PER_VOTER:
			o->live_per_voter = (long)cli_int(&c, 0, 1000000);
			break;
		case OPT_MAX_CONNS:
			o->max_conns = (long)cli_int(&c, 1, 60000);
			break;
		case OPT_MAX_LIVE:
			o->max_live_calls = (long)cli_int(&c, 0, 100000000);
			break;
		case OPT_MAX_TOKENS:
			o->max_tokens = cli_int(&c, 1, 1000000);
			break;
		case OPT_MODELS:
			split_models(o, &c);
			break;
		case CLI_OPT_NO_CACHE:
			o->no_cache = 1;
			break;
		case OPT_ROUNDS:
			o->num_rounds = (long)cli_int(&c, 1, 100000);
			break;
		case OPT_PORT_FILE:
			o->port_file = c.arg;
			break;
		case OPT_QUESTIONS:
			o->questions = c.arg;
			break;
		case OPT_SAMPLING:
			/* The names follow enum pairing_mode. */
			o->sampling = cli_enum(&c);
			break;
		case OPT_SEED:
			o->seed = cli_uint(&c, 0, UINT64_MAX);
			break;
		case OPT_TIMEOUT:
			o->timeout = (long)cli_int(&c, 1, 3600);
			break;
		case OPT_TOKENS:
			o->tokens = c.arg;
			break;
		case OPT_VOTES:
			o->votes = c.arg;
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	if (c.n_operands > 0)
		cli_usage_error(&c, "unexpected operand '%s'", c.operands[0]);
	if (o->votes == NULL)
		cli_usage_error(&c, "--votes FILE is required");
	if (o->questions == NULL && o->api_config == NULL)
		cli_usage_error(&c, "nothing to show: give --questions and "
		    "--answers, or --api-config and --models");
	if (o->questions != NULL && o->nanswers == 0)
		cli_usage_error(&c, "--questions needs --answers");
	if (o->nanswers > 0 && o->questions == NULL)
		cli_usage_error(&c, "--answers needs --questions");
	if (o->api_config != NULL && o->nmodels < 2)
		cli_usage_error(&c, "--api-config needs --models with two "
		    "models or more");
}
