/* cli.h: command-line plumbing: option tables, signals, LLM run hooks. */
#ifndef JUDGEPIPE_CLI_H
#define JUDGEPIPE_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <jansson.h>

#include "apiconfig.h"
#include "buf.h"
#include "cache.h"
#include "diag.h"
#include "estimate.h"
#include "llm.h"
#include "progress.h"
#include "shard.h"
#include "strmap.h"

/*
 * Unlike the rest of common/, this module is the command line's side of a
 * run: its functions take the program name and print through diag_warn
 * and diag_error, as a main would.  They never exit, except the option
 * parser (usage errors exit 64, --help and --version 0) and a closed
 * standard output, which ends the process with SIGPIPE (git check_pipe).
 */

/*
 * Make sure descriptors 0, 1 and 2 are open before anything else is: a
 * file opened while one is closed would take its number, and a cache file
 * on descriptor 1 would receive the records (curl's main does the same).
 * Each closed one is opened on /dev/null.  Call it first in main.  Returns
 * a mask with bit n set when descriptor n was closed, or -1 (errno set)
 * when /dev/null cannot be opened.  A command that writes its output to
 * standard output treats bit 1 as a write error (cli_stdout_closed).
 */
int cli_std_fds(void);

/*
 * With CLI_FD_STDOUT in closed (the mask of cli_std_fds): print "standard
 * output is closed" and return EX_IOERR, so that a run whose output would
 * go nowhere stops before it starts.  Else return 0.
 */
#define CLI_FD_STDOUT	(1 << 1)
int cli_stdout_closed(const char *prog, int closed);

/*
 * Signals.  The flag stays in main.c (style(9)); its handler calls
 * cli_on_signal:
 *
 *	static void on_signal(int sig) { cli_on_signal(&g_stop, sig, PROG); }
 *
 * The first SIGINT/SIGTERM sets *flag to sig and says so on stderr: the
 * requests in flight finish (they are paid for) and nothing new starts.
 * A second one adds LLM_INTERRUPT_NOW, which aborts them.  Async-signal-
 * safe.
 */
void cli_on_signal(volatile sig_atomic_t *flag, int sig, const char *prog);

enum cli_signal_flags {
	/*
	 * Ignore SIGPIPE: libcurl runs with CURLOPT_NOSIGNAL, so a TLS write
	 * to a closed connection could raise it; cli_flush_stdout and
	 * cli_check_pipe turn EPIPE on standard output back into SIGPIPE.
	 */
	CLI_IGNORE_SIGPIPE = 1 << 0,
};

/* Install handler for SIGINT and SIGTERM; flags: enum cli_signal_flags. */
void cli_catch_signals(void (*handler)(int), int flags);

/* When errno is EPIPE, die of SIGPIPE as cat(1) would; else return. */
void cli_check_pipe(void);

/*
 * Worker threads for CPU-bound work: JUDGEPIPE_THREADS when set, else the
 * CPUs this process may use; from 1 to 64.
 */
int cli_threads(void);

/*
 * Flush stdout.  Returns 0, or EX_IOERR after printing "write error"; a
 * reader that went away is not an error (cli_check_pipe).
 */
int cli_flush_stdout(const char *prog);

/*
 * Options.  A command describes its options once, in a table of struct
 * cli_option; the getopt_long table, the short-option string, the usage
 * line(s) and the --help list are all made from it, so they cannot drift
 * apart, and scripts/check-usage.sh checks the manual against --help.
 *
 * To add an option to a command:
 *  1. add an entry to the command's table in cmd/<name>/main.c, where it
 *     sorts (alphabetically by long name; required options of a form may
 *     come first): long name, short letter or 0, argument name (NULL for
 *     none; "a|b|c" for a choice, which cli_enum parses), flags, the id
 *     cli_next returns (the letter, else the next value of the command's
 *     enum, which starts at CLI_OPT_NEXT) and one line of help (lowercase,
 *     no full stop, at most about 45 columns);
 *  2. handle the id in the command's switch, parsing the argument with
 *     cli_int, cli_uint, cli_double, cli_enum, cli_shard or cli_nonempty,
 *     which print "cmd: --name: invalid value 'x' (want ...)" and the
 *     usage, and exit 64, on a bad value;
 *  3. add it to the SYNOPSIS and the options list of man/<name>.1 exactly
 *     as --help shows it; `make test` (scripts/check-usage.sh) fails until
 *     both agree.
 * The usage shows a form's required options first, then one "[-hq]"
 * group of its letter flags, then its other options in table order, then
 * its operands; --help lists every entry in table order.
 * --help/-h and --version are handled by cli_next itself (CLI_OPTION_HELP,
 * CLI_OPTION_VERSION); the options every LLM command takes have entries
 * ready below (CLI_OPTION_API_CONFIG ...) and are parsed by cli_llm_option.
 */

/* Flags of a table entry. */
enum cli_option_flags {
	CLI_REQUIRED = 1 << 0,	/* no brackets in the usage, listed first */
	CLI_REPEAT = 1 << 1,	/* may be repeated: "[--x arg]..." in usage */
};

/*
 * A command with several usage lines (forms) says with CLI_FORM(f) (f from
 * 0) in which forms an option appears; an entry without any CLI_FORM bit
 * appears in the first form only.
 */
#define CLI_FORM(f)	(1 << (8 + (f)))
#define CLI_MAX_FORMS	4
#define CLI_MAX_OPTIONS	64

struct cli_option {
	const char *name;	/* long name without "--"; NULL ends a table */
	int letter;		/* short option letter, or 0 */
	const char *arg;	/* argument name, NULL when it takes none */
	int flags;		/* enum cli_option_flags, CLI_FORM bits */
	int id;			/* what cli_next returns for it */
	const char *help;	/* one line for --help */
};

/* A command: its name, option table and the operands of each form. */
struct cli_spec {
	const char *prog;
	const struct cli_option *options;	/* ends with a NULL name */
	/* Operands ending each usage line, "" for none; NULL ends forms. */
	const char *forms[CLI_MAX_FORMS + 1];
	const char *about;	/* a paragraph before the options, or NULL */
};

/*
 * Option ids shared by the commands; a command numbers its own from
 * CLI_OPT_NEXT.
 */
enum cli_opt {
	CLI_OPT_API_CONFIG = 256,
	CLI_OPT_CACHE,
	CLI_OPT_ENSURE_ASCII,
	CLI_OPT_FAILED,
	CLI_OPT_MAX_CALLS,
	CLI_OPT_MAX_COST,
	CLI_OPT_NO_CACHE,
	CLI_OPT_OFFLINE,
	CLI_OPT_SHARD,
	CLI_OPT_USAGE_LOG,
	CLI_OPT_VERSION,
	CLI_OPT_NEXT
};

#define CLI_OPTION_HELP \
	{ "help", 'h', NULL, 0, 'h', "show this help and exit" }
#define CLI_OPTION_VERSION \
	{ "version", 0, NULL, 0, CLI_OPT_VERSION, "show the version and exit" }
#define CLI_OPTION_API_CONFIG \
	{ "api-config", 0, "file", 0, CLI_OPT_API_CONFIG, \
	    "the API config of the models" }
#define CLI_OPTION_CACHE \
	{ "cache", 0, "dir", 0, CLI_OPT_CACHE, "the response cache directory" }
#define CLI_OPTION_ENSURE_ASCII \
	{ "ensure-ascii", 0, NULL, 0, CLI_OPT_ENSURE_ASCII, \
	    "escape non-ASCII characters as \\uXXXX" }
#define CLI_OPTION_FAILED \
	{ "failed", 0, "file", 0, CLI_OPT_FAILED, \
	    "write a record per failed call to file" }
#define CLI_OPTION_MAX_CALLS \
	{ "max-calls", 0, "n", 0, CLI_OPT_MAX_CALLS, \
	    "send at most n requests, then stop (75)" }
#define CLI_OPTION_MAX_COST \
	{ "max-cost", 0, "usd", 0, CLI_OPT_MAX_COST, \
	    "spend at most usd dollars, then stop (75)" }
#define CLI_OPTION_NO_CACHE \
	{ "no-cache", 0, NULL, 0, CLI_OPT_NO_CACHE, \
	    "neither read nor write the cache" }
#define CLI_OPTION_OFFLINE \
	{ "offline", 0, NULL, 0, CLI_OPT_OFFLINE, \
	    "answer from the cache only, never connect" }
#define CLI_OPTION_QUIET \
	{ "quiet", 'q', NULL, 0, 'q', "no progress, warnings or summary" }
#define CLI_OPTION_SHARD \
	{ "shard", 0, "k/n", 0, CLI_OPT_SHARD, \
	    "only the questions of shard k of n" }
#define CLI_OPTION_USAGE_LOG \
	{ "usage-log", 0, "file", 0, CLI_OPT_USAGE_LOG, \
	    "append a JSON line per call to file" }

/* A parse in progress (see cli_next); fill it with cli_begin. */
struct cli {
	const struct cli_spec *spec;
	int argc;
	char **argv;
	const struct cli_option *opt;	/* what cli_next last returned */
	char *arg;			/* its argument (in argv), or NULL */
	char **operands;		/* after the last option: the rest */
	int n_operands;
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[2 * CLI_MAX_OPTIONS + 2];
};

/* Prepare to parse argv by spec s (at most CLI_MAX_OPTIONS entries). */
void cli_begin(struct cli *c, const struct cli_spec *s, int argc,
    char **argv);

/*
 * The id of the next option (c->opt and c->arg describe it), or -1 when
 * the options are over and c->operands holds the rest.  --help prints the
 * usage and the option list on stdout and exits 0; --version prints the
 * version and exits 0; an unknown option or a missing argument prints a
 * message and the usage on stderr and exits 64.
 */
int cli_next(struct cli *c);

/*
 * Print "prog: message" and the usage on stderr and exit 64 (EX_USAGE).
 * cli_bad_value says "--name: invalid value 'arg' (want want)" of the
 * current option.
 */
void cli_usage_error(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void cli_bad_value(const struct cli *c, const char *want)
    __attribute__((noreturn));

/* Usage on f, then exit with code: 0 for -h, EX_USAGE after an error. */
void cli_usage(const struct cli_spec *s, FILE *f, int code)
    __attribute__((noreturn));

/*
 * The current option's argument as a decimal integer from min to max,
 * an unsigned one, a finite number from min to max (either bound may be
 * infinite), the index of one of the '|'-separated names of its argument
 * name, a K/N shard, or a non-empty string (want says what it names).
 * On a bad value each calls cli_bad_value.
 */
long long cli_int(const struct cli *c, long long min, long long max);
unsigned long long cli_uint(const struct cli *c, unsigned long long min,
    unsigned long long max);
double cli_double(const struct cli *c, double min, double max);
int cli_enum(const struct cli *c);
void cli_shard(const struct cli *c, struct shard *s);
const char *cli_nonempty(const struct cli *c, const char *want);

/* The text of the usage lines and of --help (usage, about, options). */
void cli_usage_text(const struct cli_spec *s, struct buf *b);
void cli_help_text(const struct cli_spec *s, struct buf *b);

/* The index of arg among the names of choices ("a|b|c"), or -1. */
int cli_choice(const char *choices, const char *arg);

/* The options every LLM command takes (see cli_llm_option). */
struct cli_llm_opts {
	const char *api_config;		/* NULL: see cli_api_config */
	const char *cache_dir;		/* NULL: cache_default_dir() */
	const char *failed;		/* --failed file, or NULL */
	struct shard shard;
	long parallel;			/* 0: the entry's */
	int no_cache;
	int offline;
	int quiet;
	int flags;			/* jsonw flags */
	int cap_cost;			/* --max-cost given */
	double max_cost;
	int cap_calls;			/* --max-calls given */
	long long max_calls;
	const char *usage_log;		/* --usage-log file, or NULL */
};

/*
 * Take option id (-q or a CLI_OPT_*) of c into o.  Returns 1 when taken,
 * 0 when id is not a shared option.  A bad value exits as cli_bad_value.
 * --parallel is parsed by each command (the ranges differ).
 */
int cli_llm_option(const struct cli *c, struct cli_llm_opts *o, int id);

/*
 * The API config a run reads: given (--api-config) when not NULL, else
 * the first that exists of $JUDGEPIPE_API_CONFIG, config/api_config.yaml
 * (arena-hard-auto's layout) and configs/api.yaml (a missing
 * $JUDGEPIPE_API_CONFIG is warned about).  NULL with d set (EX_NOINPUT)
 * listing what was tried.
 */
const char *cli_api_config(const char *prog, const char *given,
    struct diag *d);

/* Load API config entry name, printing its warnings; NULL with d set. */
struct apiconfig_entry *cli_load_entry(const char *prog,
    const struct cli_llm_opts *o, const char *name, struct diag *d);

/*
 * Open the response cache of o (read-only with --offline), printing its
 * warning if any.  Returns NULL with --no-cache (d untouched), or the
 * cache, or NULL with d set.
 */
struct cache *cli_open_cache(const char *prog, const struct cli_llm_opts *o,
    struct diag *d);

/* Every request in flight holds a socket: lift the open-file limit. */
void cli_raise_fd_limit(const char *prog, long parallel);

/*
 * What the hooks of a run report to: the progress line, the --failed file
 * and the worst status of what cli_note reported.  Zero it, then fill in
 * prog, o, llm and progress.  The rest is cli_failed's: the kinds of
 * failure seen (the message from ": FAILED after"), each printed once and
 * then counted.
 */
struct cli_run {
	const char *prog;
	const struct cli_llm_opts *o;
	struct llm_client *llm;
	struct progress *progress;
	FILE *failed;
	struct buf *collect;		/* --estimate: records kept here */
	FILE *usage_log;
	int rc;
	struct strmap kinds;		/* kind of failure -> index */
	char **kind;			/* its text */
	size_t *repeats;		/* failures of it not printed */
	size_t n_kinds;
};

/*
 * --estimate: print e's JSON line and the total line on stdout and,
 * unless quiet, the table on stderr.  Returns 0, or EX_IOERR.
 */
int cli_estimate_report(const char *prog, const struct estimate_line *e,
    int quiet);

/*
 * Write len bytes of data to path through a temporary file renamed over
 * it.  Returns 0, or EX_CANTCREAT/EX_IOERR after saying why.
 */
int cli_write_file(const char *prog, const char *path, const char *data,
    size_t len);

/*
 * Create o->failed and open o->usage_log to append, each if given: 0, or
 * EX_CANTCREAT after saying why.
 */
int cli_open_failed(struct cli_run *r);

/*
 * Close the --failed and --usage-log files if open, and free what
 * cli_failed kept.  Returns 0, or EX_IOERR (printing "file: write error"
 * when say is set).
 */
int cli_close_failed(struct cli_run *r, int say);

/*
 * Check the caps of o against entry e before anything is sent: --max-cost
 * needs a price.  Returns 0, or EX_CONFIG after saying why.
 */
int cli_check_caps(const char *prog, const struct cli_llm_opts *o,
    const struct apiconfig_entry *e);

/*
 * Copy o's caps and usage log (r->usage_log, open) into lo; tok counts
 * prompt tokens for --max-cost.
 */
void cli_llm_caps(const struct cli_run *r, const struct tok_encoder *tok,
    struct llm_options *lo);

/*
 * The end of a run: for each kind of failure seen more than once, "and N
 * more calls FAILED after A attempts: REASON" (cli_failed printed the
 * first), then, unless --quiet, the summary line "prog: R requests (H
 * cache hits, F failed), prompt_tokens P, completion_tokens C" of
 * r->llm's counters, R being requests, and ", cost $D" when the entry
 * has a price (what the calls paid for cost; cache hits are free).
 */
void cli_summary(struct cli_run *r, size_t requests);

/*
 * Hooks (arg: a struct cli_run).  cli_note prints a warning (code 0) or an
 * error, adding an error's code to r->rc.  cli_failed writes rec to the
 * --failed file and prints msg, unless a failure of the same kind (the
 * same text from ": FAILED after" on: attempts and reason) was printed
 * already: a dead endpoint would repeat one line per call, so later ones
 * are counted for cli_summary.  cli_tick updates the progress line.
 */
void cli_note(void *arg, int code, const char *file, long line,
    const char *msg);
void cli_failed(void *arg, int code, const json_t *rec, const char *msg);
void cli_tick(void *arg, size_t done, size_t total);

#endif
