/* mock-llm: a loopback HTTP server imitating the OpenAI and Anthropic APIs. */
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "mockreply.h"
#include "mockserver.h"
#include "outdir.h"
#include "tokenizer.h"

#define PROG "mock-llm"

static volatile sig_atomic_t g_stop;

enum {
	OPT_BIND = CLI_OPT_NEXT, OPT_FAIL_FIRST, OPT_FAULT, OPT_IDLE_EXIT,
	OPT_JUDGE_POLICY, OPT_LATENCY_MS, OPT_LOG, OPT_MAX_REQUESTS, OPT_PORT,
	OPT_PORT_FILE, OPT_POSITION_BIAS, OPT_REQUIRE_KEY, OPT_RETRY_AFTER,
	OPT_RPM, OPT_SEED, OPT_SLOW_MS, OPT_STRENGTH, OPT_TOKENIZER, OPT_TPM,
	OPT_VERBOSITY
};

/* In the order of the manual: listening, decisions, faults, judging. */
static const struct cli_option options[] = {
	CLI_OPTION_HELP,
	{ "quiet", 'q', NULL, 0, 'q', "do not announce the address" },
	{ "bind", 0, "127.0.0.1|::1", 0, OPT_BIND,
	    "loopback address to bind (default 127.0.0.1)" },
	{ "port", 0, "N", 0, OPT_PORT, "port, 0 picks a free one (default 0)" },
	{ "port-file", 0, "FILE", 0, OPT_PORT_FILE,
	    "write the port to FILE atomically" },
	{ "seed", 0, "S", 0, OPT_SEED, "seed of every decision (default 0)" },
	{ "log", 0, "FILE", 0, OPT_LOG, "append one JSON line per request" },
	{ "latency-ms", 0, "MIN[:MAX]", 0, OPT_LATENCY_MS,
	    "delay every API reply, drawn from the request" },
	{ "fault", 0, "KIND=RATE", CLI_REPEAT, OPT_FAULT,
	    "inject fault KIND with probability RATE" },
	{ "fail-first", 0, "N[=KIND]", 0, OPT_FAIL_FIRST,
	    "fail the first N arrivals of each request" },
	{ "retry-after", 0, "S", 0, OPT_RETRY_AFTER,
	    "Retry-After of 429 replies, 0 omits (default 1)" },
	{ "slow-ms", 0, "MS", 0, OPT_SLOW_MS,
	    "delay of the slow fault (default 2000)" },
	{ "rpm", 0, "N", 0, OPT_RPM,
	    "429 past N requests a minute; limit headers" },
	{ "tpm", 0, "N", 0, OPT_TPM,
	    "429 past N tokens a minute; limit headers" },
	{ "judge-policy", 0, "length|strength|position|hash", 0,
	    OPT_JUDGE_POLICY, "how judge verdicts are decided" },
	{ "strength", 0, "MODEL=S", CLI_REPEAT, OPT_STRENGTH,
	    "Elo strength of MODEL for the strength policy" },
	{ "position-bias", 0, "P", 0, OPT_POSITION_BIAS,
	    "Elo points added to assistant A" },
	{ "verbosity", 0, "MODEL=F", CLI_REPEAT, OPT_VERBOSITY,
	    "scale MODEL's answer length by F" },
	{ "tokenizer", 0, "FILE", 0, OPT_TOKENIZER,
	    "count usage in cl100k tokens of this rank file" },
	{ "require-key", 0, "KEY", 0, OPT_REQUIRE_KEY,
	    "401 unless the request carries KEY" },
	{ "max-requests", 0, "N", 0, OPT_MAX_REQUESTS,
	    "exit after answering N requests" },
	{ "idle-exit", 0, "SECONDS", 0, OPT_IDLE_EXIT,
	    "exit after SECONDS without a request" },
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "", NULL },
	"Serve mock OpenAI (POST /v1/chat/completions, /chat/completions) and\n"
	"Anthropic (POST /v1/messages) replies on a loopback address.\n"
	"Fault kinds: 429 500 503 reset truncate slow noverdict conflict."
};

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* A mockreply parser's verdict on the current option. */
static void
parsed(const struct cli *c, int rc, const struct diag *d)
{
	if (rc == -1)
		cli_usage_error(c, "%s", d->msg);
}

int
main(int argc, char **argv)
{
	struct mockreply_config rc;
	struct mockserver_opts o;
	struct mockserver *s = NULL;
	const char *port_file = NULL, *tokenizer = NULL;
	struct tok_encoder *tok = NULL;
	struct sigaction sa;
	sigset_t block, waitmask;
	struct diag d;
	struct cli c;
	char num[16];
	int ch, quiet = 0, status = 0;

	/* Before anything is opened: the log must not land on fd 0-2. */
	if (cli_std_fds() == -1)
		return EX_OSERR;
	mockreply_config_init(&rc);
	memset(&o, 0, sizeof(o));
	o.reply = &rc;
	diag_clear(&d);
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case OPT_BIND:
			o.bind = c.arg;
			break;
		case OPT_FAIL_FIRST:
			parsed(&c, mockreply_parse_fail_first(&rc, c.arg, &d),
			    &d);
			break;
		case OPT_FAULT:
			parsed(&c, mockreply_parse_fault(&rc, c.arg, &d), &d);
			break;
		case OPT_IDLE_EXIT:
			o.idle_exit_s = cli_double(&c, 0, 1e9);
			if (o.idle_exit_s <= 0)
				cli_bad_value(&c, "a number of seconds > 0");
			break;
		case OPT_JUDGE_POLICY:
			/* The names follow enum mockreply_policy. */
			rc.policy = (enum mockreply_policy)cli_enum(&c);
			break;
		case OPT_LATENCY_MS:
			parsed(&c, mockreply_parse_latency(&rc, c.arg, &d), &d);
			break;
		case OPT_LOG:
			o.log_path = c.arg;
			break;
		case OPT_MAX_REQUESTS:
			o.max_requests = cli_uint(&c, 1, ULLONG_MAX);
			break;
		case OPT_PORT:
			o.port = (int)cli_uint(&c, 0, 65535);
			break;
		case OPT_PORT_FILE:
			port_file = c.arg;
			break;
		case OPT_POSITION_BIAS:
			rc.position_bias = cli_double(&c, -INFINITY, INFINITY);
			break;
		case OPT_REQUIRE_KEY:
			o.require_key = c.arg;
			break;
		case OPT_RETRY_AFTER:
			rc.retry_after_s = (long)cli_uint(&c, 0, 86400);
			break;
		case OPT_RPM:
			o.rpm = (long long)cli_uint(&c, 1, 1000000000);
			break;
		case OPT_SEED:
			rc.seed = cli_uint(&c, 0, ULLONG_MAX);
			break;
		case OPT_SLOW_MS:
			rc.slow_ms = (long)cli_uint(&c, 0, 86400000);
			break;
		case OPT_STRENGTH:
			parsed(&c, mockreply_parse_strength(&rc, c.arg, &d),
			    &d);
			break;
		case OPT_TOKENIZER:
			tokenizer = c.arg;
			break;
		case OPT_TPM:
			o.tpm = (long long)cli_uint(&c, 1, 1000000000000ULL);
			break;
		case OPT_VERBOSITY:
			parsed(&c, mockreply_parse_verbosity(&rc, c.arg, &d),
			    &d);
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	if (c.n_operands > 0)
		cli_usage_error(&c, "unexpected operand '%s'", c.operands[0]);
	diag_set_quiet(quiet);
	if (tokenizer != NULL) {
		if ((tok = tok_load(tokenizer, &d)) == NULL)
			return diag_print(PROG, &d);
		rc.tokenizer = tok;
	}

	/*
	 * SIGTERM and SIGINT stay blocked except while the server waits, so
	 * a signal can never slip in between its check and its wait.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	s = mockserver_new(&o, &d);
	if (s != NULL)
		snprintf(num, sizeof(num), "%d\n", mockserver_port(s));
	if (s == NULL || (port_file != NULL && outdir_write_file(port_file,
	    num, strlen(num), &d) == -1))
		status = diag_print(PROG, &d);
	else {
		if (!quiet)
			fprintf(stderr, "%s: listening on %s\n", PROG,
			    mockserver_address(s));
		if (mockserver_run(s, &g_stop, &waitmask, &d) == -1)
			status = diag_print(PROG, &d);
	}
	mockserver_free(s);
	mockreply_config_release(&rc);
	tok_free(tok);
	return status;
}
