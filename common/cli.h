/* cli.h: command-line plumbing shared by the commands that call an LLM. */
#ifndef JUDGEPIPE_CLI_H
#define JUDGEPIPE_CLI_H

#include <signal.h>
#include <stdio.h>
#include <jansson.h>

#include "apiconfig.h"
#include "cache.h"
#include "diag.h"
#include "llm.h"
#include "progress.h"
#include "shard.h"

/*
 * Unlike the rest of common/, this module is the command line's side of a
 * run: its functions take the program name and print through diag_warn
 * and diag_error, as a main would.  They still never exit, except that a
 * closed standard output ends the process with SIGPIPE (git check_pipe).
 */

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
 * Flush stdout.  Returns 0, or EX_IOERR after printing "write error"; a
 * reader that went away is not an error (cli_check_pipe).
 */
int cli_flush_stdout(const char *prog);

/* The options every LLM command takes (see cli_llm_option). */
struct cli_llm_opts {
	const char *api_config;		/* NULL: apiconfig_default_path() */
	const char *cache_dir;		/* NULL: cache_default_dir() */
	const char *failed;		/* --failed file, or NULL */
	struct shard shard;
	long parallel;			/* 0: the entry's */
	int no_cache;
	int offline;
	int quiet;
	int flags;			/* jsonw flags */
};

/*
 * getopt_long values of the shared long options; a command numbers its
 * own from CLI_OPT_NEXT.  --parallel is parsed by each command (the
 * ranges differ), as is any option it wants to check further.
 */
enum cli_opt {
	CLI_OPT_API_CONFIG = 256,
	CLI_OPT_CACHE,
	CLI_OPT_ENSURE_ASCII,
	CLI_OPT_FAILED,
	CLI_OPT_NO_CACHE,
	CLI_OPT_OFFLINE,
	CLI_OPT_SHARD,
	CLI_OPT_VERSION,
	CLI_OPT_NEXT
};

/*
 * Take option ch (-q or a CLI_OPT_*) with its argument into o.  Returns 1
 * when taken, 0 when ch is not a shared option, or -1 after printing why
 * arg is wrong (the caller prints usage).  --version prints the version
 * and exits 0, as -h does.
 */
int cli_llm_option(const char *prog, struct cli_llm_opts *o, int ch,
    const char *arg);

/*
 * Parse arg, the value of option opt, as a decimal integer from min to max
 * into *v.  Returns 0, or -1 after printing "opt: invalid value 'arg'
 * (want an integer from min to max)".
 */
int cli_parse_int(const char *prog, const char *opt, const char *arg,
    long long min, long long max, long long *v);

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
 * prog, o, llm and progress.
 */
struct cli_run {
	const char *prog;
	const struct cli_llm_opts *o;
	struct llm_client *llm;
	struct progress *progress;
	FILE *failed;
	int rc;
};

/* Create o->failed if given: 0, or EX_CANTCREAT after saying why. */
int cli_open_failed(struct cli_run *r);

/*
 * Close the --failed file if open.  Returns 0, or EX_IOERR (printing
 * "file: write error" when say is set).
 */
int cli_close_failed(struct cli_run *r, int say);

/*
 * Hooks (arg: a struct cli_run).  cli_note prints a warning (code 0) or an
 * error, adding an error's code to r->rc.  cli_failed prints msg and
 * writes rec to the --failed file.  cli_tick updates the progress line.
 */
void cli_note(void *arg, int code, const char *file, long line,
    const char *msg);
void cli_failed(void *arg, int code, const json_t *rec, const char *msg);
void cli_tick(void *arg, size_t done, size_t total);

#endif
