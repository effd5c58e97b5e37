/* mock-llm: a loopback HTTP server imitating the OpenAI and Anthropic APIs. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mockreply.h"
#include "mockserver.h"

#define PROG "mock-llm"

static volatile sig_atomic_t g_stop;

static const char usage_text[] =
    "usage: mock-llm [--bind 127.0.0.1|::1] [--port N] [--port-file FILE]\n"
    "                [--seed S] [--log FILE] [--latency-ms MIN[:MAX]]\n"
    "                [--fault KIND=RATE]... [--fail-first N[=KIND]]\n"
    "                [--retry-after S] [--slow-ms MS]\n"
    "                [--judge-policy length|strength|position|hash]\n"
    "                [--strength MODEL=S]... [--position-bias P]\n"
    "                [--verbosity MODEL=F]... [--require-key KEY]\n"
    "                [--max-requests N] [--idle-exit SECONDS] [-q] [--help]\n"
    "                [--version]\n";

static const char help_text[] =
    "\n"
    "Serve mock OpenAI (POST /v1/chat/completions, /chat/completions) and\n"
    "Anthropic (POST /v1/messages) replies on a loopback address.\n"
    "\n"
    "  --bind ADDR            loopback address to bind (default 127.0.0.1)\n"
    "  --port N               port, 0 picks a free one (default 0)\n"
    "  --port-file FILE       write the port to FILE atomically\n"
    "  --seed S               seed of every decision (default 0)\n"
    "  --log FILE             append one JSON line per request\n"
    "  --latency-ms MIN[:MAX] delay every API reply, drawn from the request\n"
    "  --fault KIND=RATE      inject KIND (429 500 503 reset truncate slow\n"
    "                         noverdict conflict) with probability RATE\n"
    "  --fail-first N[=KIND]  fail the first N arrivals of each request\n"
    "                         (KIND default 500)\n"
    "  --retry-after S        Retry-After of 429 replies, 0 omits (default 1)\n"
    "  --slow-ms MS           delay of the slow fault (default 2000)\n"
    "  --judge-policy P       length (default), strength, position or hash\n"
    "  --strength MODEL=S     Elo strength of MODEL for the strength policy\n"
    "  --position-bias P      Elo points added to assistant A\n"
    "  --verbosity MODEL=F    scale MODEL's answer length by F\n"
    "  --require-key KEY      401 unless the request carries KEY\n"
    "  --max-requests N       exit after answering N requests\n"
    "  --idle-exit SECONDS    exit after SECONDS without a request\n"
    "  -q, --quiet            do not announce the address\n"
    "  --help                 show this help and exit\n"
    "  --version              show the version and exit\n";

enum {
	OPT_BIND = 256, OPT_FAIL_FIRST, OPT_FAULT, OPT_HELP, OPT_IDLE_EXIT,
	OPT_JUDGE_POLICY, OPT_LATENCY_MS, OPT_LOG, OPT_MAX_REQUESTS, OPT_PORT,
	OPT_PORT_FILE, OPT_POSITION_BIAS, OPT_REQUIRE_KEY, OPT_RETRY_AFTER,
	OPT_SEED, OPT_SLOW_MS, OPT_STRENGTH, OPT_VERBOSITY, OPT_VERSION,
};

static const struct option longopts[] = {
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "fail-first", required_argument, NULL, OPT_FAIL_FIRST },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "idle-exit", required_argument, NULL, OPT_IDLE_EXIT },
	{ "judge-policy", required_argument, NULL, OPT_JUDGE_POLICY },
	{ "latency-ms", required_argument, NULL, OPT_LATENCY_MS },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "max-requests", required_argument, NULL, OPT_MAX_REQUESTS },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "position-bias", required_argument, NULL, OPT_POSITION_BIAS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "require-key", required_argument, NULL, OPT_REQUIRE_KEY },
	{ "retry-after", required_argument, NULL, OPT_RETRY_AFTER },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "slow-ms", required_argument, NULL, OPT_SLOW_MS },
	{ "strength", required_argument, NULL, OPT_STRENGTH },
	{ "verbosity", required_argument, NULL, OPT_VERBOSITY },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* Report a bad argument, show the usage on stderr and exit 64. */
static void __attribute__((noreturn))
bad_usage(const char *fmt, const char *arg)
{
	if (fmt != NULL) {
		fprintf(stderr, "%s: ", PROG);
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
	fputs(usage_text, stderr);
	exit(EX_USAGE);
}

/* A whole decimal number in [min, max], else a usage error naming what. */
static unsigned long long
number(const char *arg, unsigned long long min, unsigned long long max,
    const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9')
		bad_usage(what, arg);
	v = strtoull(arg, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		bad_usage(what, arg);
	return v;
}

static double
real(const char *arg, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v))
		bad_usage(what, arg);
	return v;
}

static void
parsed(int rc, const struct diag *d)
{
	if (rc == -1) {
		diag_print(PROG, d);
		bad_usage(NULL, NULL);
	}
}

int
main(int argc, char **argv)
{
	struct mockreply_config rc;
	struct mockserver_opts o;
	struct mockserver *s = NULL;
	const char *port_file = NULL;
	struct sigaction sa;
	sigset_t block, waitmask;
	struct diag d;
	int ch, quiet = 0, status = 0;

	mockreply_config_init(&rc);
	memset(&o, 0, sizeof(o));
	o.reply = &rc;
	diag_clear(&d);
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case OPT_HELP:
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		case 'q':
			quiet = 1;
			break;
		case OPT_BIND:
			o.bind = optarg;
			break;
		case OPT_FAIL_FIRST:
			parsed(mockreply_parse_fail_first(&rc, optarg, &d), &d);
			break;
		case OPT_FAULT:
			parsed(mockreply_parse_fault(&rc, optarg, &d), &d);
			break;
		case OPT_IDLE_EXIT:
			o.idle_exit_s = real(optarg, "invalid idle-exit '%s'");
			if (o.idle_exit_s <= 0 || o.idle_exit_s > 1e9)
				bad_usage("invalid idle-exit '%s'", optarg);
			break;
		case OPT_JUDGE_POLICY:
			parsed(mockreply_parse_policy(&rc, optarg, &d), &d);
			break;
		case OPT_LATENCY_MS:
			parsed(mockreply_parse_latency(&rc, optarg, &d), &d);
			break;
		case OPT_LOG:
			o.log_path = optarg;
			break;
		case OPT_MAX_REQUESTS:
			o.max_requests = number(optarg, 1, ~0ULL,
			    "invalid max-requests '%s'");
			break;
		case OPT_PORT:
			o.port = (int)number(optarg, 0, 65535,
			    "invalid port '%s'");
			break;
		case OPT_PORT_FILE:
			port_file = optarg;
			break;
		case OPT_POSITION_BIAS:
			rc.position_bias = real(optarg,
			    "invalid position-bias '%s'");
			break;
		case OPT_REQUIRE_KEY:
			o.require_key = optarg;
			break;
		case OPT_RETRY_AFTER:
			rc.retry_after_s = (long)number(optarg, 0, 86400,
			    "invalid retry-after '%s'");
			break;
		case OPT_SEED:
			rc.seed = number(optarg, 0, ~0ULL, "invalid seed '%s'");
			break;
		case OPT_SLOW_MS:
			rc.slow_ms = (long)number(optarg, 0, 86400000,
			    "invalid slow-ms '%s'");
			break;
		case OPT_STRENGTH:
			parsed(mockreply_parse_strength(&rc, optarg, &d), &d);
			break;
		case OPT_VERBOSITY:
			parsed(mockreply_parse_verbosity(&rc, optarg, &d), &d);
			break;
		case OPT_VERSION:
			printf("%s (judgepipe) %s\n", PROG, JUDGEPIPE_VERSION);
			return 0;
		default:
			bad_usage(NULL, NULL);
		}
	}
	if (optind < argc)
		bad_usage("unexpected operand '%s'", argv[optind]);
	diag_set_quiet(quiet);

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
	if (s == NULL ||
	    (port_file != NULL && mockserver_write_port_file(s, port_file,
	    &d) == -1))
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
	return status;
}
