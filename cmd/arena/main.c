/* arena: a blind pairwise voting server (offline answers or live models). */
#include <errno.h>
#include <getopt.h>
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

static const char usage_text[] =
    "usage: arena [-hq] [--answers path] [--api-config file] "
    "[--baseline model]\n"
    "             [--cache dir] [--lang en|ko|zh] [--listen addr:port]\n"
    "             [--live-per-voter n] [--max-connections n] "
    "[--max-live-calls n]\n"
    "             [--max-tokens n] [--models list] [--no-cache] "
    "[--num-rounds n]\n"
    "             [--port-file file] [--questions file]\n"
    "             [--sampling uniform|balanced] [--seed n] "
    "[--timeout seconds]\n"
    "             [--tokens file] [--version] --votes file\n";

static const char help_text[] =
    "\n"
    "Serve blind A/B battles between models' answers and log the votes.\n"
    "\n"
    "  --answers PATH         answer file or directory (repeatable)\n"
    "  --api-config FILE      answer voters' own questions live\n"
    "  --baseline MODEL       the board's win rates are against MODEL\n"
    "  --cache DIR            response cache of live calls\n"
    "  --lang en|ko|zh        the page's language (default en)\n"
    "  --listen ADDR:PORT     address to serve (default 127.0.0.1:0)\n"
    "  --live-per-voter N     own questions per voter (default 20)\n"
    "  --max-connections N    open connections at most (default 1024)\n"
    "  --max-live-calls N     live model calls in all (default 200)\n"
    "  --max-tokens N         max_tokens of live calls (default 4096)\n"
    "  --models LIST          comma-separated models of the arena\n"
    "  --no-cache             do not cache live calls\n"
    "  --num-rounds N         bootstrap rounds of the board (default 100)\n"
    "  --port-file FILE       write the port to FILE atomically\n"
    "  --questions FILE       questions of offline battles\n"
    "  --sampling MODE        uniform (default) or balanced\n"
    "  --seed N               seed of the board's bootstrap (default 42)\n"
    "  --timeout SECONDS      close idle connections (default 30)\n"
    "  --tokens FILE          voter tokens, one a line: every API call\n"
    "                         needs one\n"
    "  --votes FILE           the vote log (JSONL, appended)\n"
    "  -q, --quiet            no announcement, no warnings\n"
    "  -h, --help             show this help and exit\n"
    "  --version              show the version and exit\n";

static void usage(FILE *, int) __attribute__((noreturn));
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
	if (o.port_file != NULL && httpd_write_port_file(httpd_port(h),
	    o.port_file, &d) == -1) {
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

static void
usage(FILE *f, int code)
{
	fputs(usage_text, f);
	if (f == stdout)
		fputs(help_text, f);
	exit(code);
}

static long long
number(const char *opt, const char *arg, long long min, long long max)
{
	long long v;

	if (cli_parse_int(PROG, opt, arg, min, max, &v) == -1)
		usage(stderr, EX_USAGE);
	return v;
}

/* Split a comma-separated list into o->models. */
static void
split_models(struct opts *o, const char *arg)
{
	const char *p = arg, *c;

	do {
		c = strchr(p, ',');
		if ((c != NULL ? (size_t)(c - p) : strlen(p)) == 0) {
			diag_error(PROG, NULL, 0, "--models: invalid value '%s' "
			    "(want NAME[,NAME]...)", arg);
			usage(stderr, EX_USAGE);
		}
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
	enum {
		OPT_ANSWERS = 256, OPT_API_CONFIG, OPT_BASELINE, OPT_CACHE,
		OPT_LANG, OPT_LISTEN, OPT_LIVE_PER_VOTER, OPT_MAX_CONNS,
		OPT_MAX_LIVE, OPT_MAX_TOKENS, OPT_MODELS, OPT_NO_CACHE,
		OPT_ROUNDS, OPT_PORT_FILE, OPT_QUESTIONS, OPT_SAMPLING,
		OPT_SEED, OPT_TIMEOUT, OPT_TOKENS, OPT_VERSION, OPT_VOTES
	};
	static const struct option longopts[] = {
		{ "answers", required_argument, NULL, OPT_ANSWERS },
		{ "api-config", required_argument, NULL, OPT_API_CONFIG },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "help", no_argument, NULL, 'h' },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "live-per-voter", required_argument, NULL,
		    OPT_LIVE_PER_VOTER },
		{ "max-connections", required_argument, NULL, OPT_MAX_CONNS },
		{ "max-live-calls", required_argument, NULL, OPT_MAX_LIVE },
		{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
		{ "models", required_argument, NULL, OPT_MODELS },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "num-rounds", required_argument, NULL, OPT_ROUNDS },
		{ "port-file", required_argument, NULL, OPT_PORT_FILE },
		{ "questions", required_argument, NULL, OPT_QUESTIONS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "sampling", required_argument, NULL, OPT_SAMPLING },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "tokens", required_argument, NULL, OPT_TOKENS },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "votes", required_argument, NULL, OPT_VOTES },
		{ NULL, 0, NULL, 0 },
	};
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
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'q':
			o->quiet = 1;
			diag_set_quiet(1);
			break;
		case OPT_ANSWERS:
			o->answers = xrealloc(o->answers, (o->nanswers + 1) *
			    sizeof(*o->answers));
			o->answers[o->nanswers++] = optarg;
			break;
		case OPT_API_CONFIG:
			o->api_config = optarg;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_CACHE:
			o->cache_dir = optarg;
			break;
		case OPT_LANG:
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "ko") !=
			    0 && strcmp(optarg, "zh") != 0) {
				diag_error(PROG, NULL, 0, "--lang: invalid "
				    "value '%s' (want en, ko, zh)", optarg);
				usage(stderr, EX_USAGE);
			}
			o->lang = optarg;
			break;
		case OPT_LISTEN:
			diag_clear(&d);
			if (httpd_parse_listen(optarg, o->addr, sizeof(o->addr),
			    &o->port, &d) == -1) {
				diag_print(PROG, &d);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_LIVE_PER_VOTER:
			o->live_per_voter = (long)number("--live-per-voter",
			    optarg, 0, 1000000);
			break;
		case OPT_MAX_CONNS:
			o->max_conns = (long)number("--max-connections",
			    optarg, 1, 60000);
			break;
		case OPT_MAX_LIVE:
			o->max_live_calls = (long)number("--max-live-calls",
			    optarg, 0, 100000000);
			break;
		case OPT_MAX_TOKENS:
			o->max_tokens = number("--max-tokens", optarg, 1,
			    1000000);
			break;
		case OPT_MODELS:
			split_models(o, optarg);
			break;
		case OPT_NO_CACHE:
			o->no_cache = 1;
			break;
		case OPT_ROUNDS:
			o->num_rounds = (long)number("--num-rounds", optarg, 1,
			    100000);
			break;
		case OPT_PORT_FILE:
			o->port_file = optarg;
			break;
		case OPT_QUESTIONS:
			o->questions = optarg;
			break;
		case OPT_SAMPLING:
			if (strcmp(optarg, "uniform") == 0)
				o->sampling = PAIRING_UNIFORM;
			else if (strcmp(optarg, "balanced") == 0)
				o->sampling = PAIRING_BALANCED;
			else {
				diag_error(PROG, NULL, 0, "--sampling: invalid "
				    "value '%s' (want uniform, balanced)",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_SEED:
			o->seed = (unsigned long long)number("--seed", optarg,
			    0, 4294967295LL);
			break;
		case OPT_TIMEOUT:
			o->timeout = (long)number("--timeout", optarg, 1, 3600);
			break;
		case OPT_TOKENS:
			o->tokens = optarg;
			break;
		case OPT_VERSION:
			printf("%s (judgepipe) %s\n", PROG, JUDGEPIPE_VERSION);
			exit(0);
		case OPT_VOTES:
			o->votes = optarg;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (optind < argc) {
		diag_error(PROG, NULL, 0, "unexpected operand '%s'",
		    argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (o->votes == NULL) {
		diag_error(PROG, NULL, 0, "--votes FILE is required");
		usage(stderr, EX_USAGE);
	}
	if (o->questions == NULL && o->api_config == NULL) {
		diag_error(PROG, NULL, 0, "nothing to show: give --questions "
		    "and --answers, or --api-config and --models");
		usage(stderr, EX_USAGE);
	}
	if (o->questions != NULL && o->nanswers == 0) {
		diag_error(PROG, NULL, 0, "--questions needs --answers");
		usage(stderr, EX_USAGE);
	}
	if (o->nanswers > 0 && o->questions == NULL) {
		diag_error(PROG, NULL, 0, "--answers needs --questions");
		usage(stderr, EX_USAGE);
	}
	if (o->api_config != NULL && o->nmodels < 2) {
		diag_error(PROG, NULL, 0, "--api-config needs --models with "
		    "two models or more");
		usage(stderr, EX_USAGE);
	}
}
