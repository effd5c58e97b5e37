/* cli.c: signals, output, options and reporting shared by LLM commands. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "jsonw.h"

void
cli_on_signal(volatile sig_atomic_t *flag, int sig, const char *prog)
{
	static const char msg[] = ": interrupted: finishing the requests "
	    "in flight (interrupt again to abort them)\n";
	char line[256];
	size_t n = strlen(prog);
	ssize_t w;

	if (*flag != 0) {
		*flag |= LLM_INTERRUPT_NOW;
		return;
	}
	*flag = sig;
	/* One write, so the line does not mix with others. */
	if (n > sizeof(line) - sizeof(msg))
		n = sizeof(line) - sizeof(msg);
	memcpy(line, prog, n);
	memcpy(line + n, msg, sizeof(msg) - 1);
	w = write(STDERR_FILENO, line, n + sizeof(msg) - 1);
	(void)w;
}

void
cli_catch_signals(void (*handler)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (flags & CLI_IGNORE_SIGPIPE)
		signal(SIGPIPE, SIG_IGN);
}

void
cli_check_pipe(void)
{
	if (errno == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
}

int
cli_flush_stdout(const char *prog)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	cli_check_pipe();
	diag_error(prog, NULL, 0, "write error: %s", strerror(errno));
	return EX_IOERR;
}

int
cli_llm_option(const char *prog, struct cli_llm_opts *o, int ch,
    const char *arg)
{
	struct diag d;

	switch (ch) {
	case 'q':
		o->quiet = 1;
		diag_set_quiet(1);
		return 1;
	case CLI_OPT_API_CONFIG:
		o->api_config = arg;
		return 1;
	case CLI_OPT_CACHE:
		o->cache_dir = arg;
		return 1;
	case CLI_OPT_ENSURE_ASCII:
		o->flags |= JSONW_ENSURE_ASCII;
		return 1;
	case CLI_OPT_FAILED:
		o->failed = arg;
		return 1;
	case CLI_OPT_NO_CACHE:
		o->no_cache = 1;
		return 1;
	case CLI_OPT_OFFLINE:
		o->offline = 1;
		return 1;
	case CLI_OPT_SHARD:
		diag_clear(&d);
		if (shard_parse(arg, &o->shard, &d) == -1) {
			diag_print(prog, &d);
			return -1;
		}
		return 1;
	case CLI_OPT_VERSION:
		printf("%s (judgepipe) %s\n", prog, JUDGEPIPE_VERSION);
		exit(0);
	}
	return 0;
}

int
cli_parse_int(const char *prog, const char *opt, const char *arg,
    long long min, long long max, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(arg, &end, 10);
	if (errno == 0 && end != arg && *end == '\0' && *v >= min &&
	    *v <= max)
		return 0;
	diag_error(prog, NULL, 0, "%s: invalid value '%s' (want an integer "
	    "from %lld to %lld)", opt, arg, min, max);
	return -1;
}

struct apiconfig_entry *
cli_load_entry(const char *prog, const struct cli_llm_opts *o,
    const char *name, struct diag *d)
{
	struct apiconfig_entry *e;
	size_t i;

	e = apiconfig_load_entry(o->api_config != NULL ? o->api_config :
	    apiconfig_default_path(), name, d);
	for (i = 0; e != NULL && i < e->n_warnings; i++)
		diag_warn(prog, e->warnings[i].file, e->warnings[i].line, "%s",
		    e->warnings[i].msg);
	return e;
}

struct cache *
cli_open_cache(const char *prog, const struct cli_llm_opts *o,
    struct diag *d)
{
	struct cache *c;
	char *dir, *warning = NULL;

	if (o->no_cache)
		return NULL;
	dir = o->cache_dir != NULL ? xstrdup(o->cache_dir) :
	    cache_default_dir();
	c = cache_open(dir, o->offline ? CACHE_READONLY : 0, &warning, d);
	if (warning != NULL)
		diag_warn(prog, NULL, 0, "%s", warning);
	free(warning);
	free(dir);
	return c;
}

void
cli_raise_fd_limit(const char *prog, long parallel)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)parallel + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ?
	    rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < want)
		diag_warn(prog, NULL, 0, "the open-file limit (%llu) is below "
		    "--parallel %ld: requests may fail to connect",
		    (unsigned long long)rl.rlim_cur, parallel);
}

int
cli_open_failed(struct cli_run *r)
{
	const char *path = r->o->failed;

	if (path == NULL || (r->failed = fopen(path, "w")) != NULL)
		return 0;
	diag_error(r->prog, NULL, 0, "cannot create '%s': %s", path,
	    strerror(errno));
	return EX_CANTCREAT;
}

int
cli_close_failed(struct cli_run *r, int say)
{
	int rc = 0;

	if (r->failed != NULL && fclose(r->failed) == EOF) {
		if (say)
			diag_error(r->prog, NULL, 0, "%s: write error: %s",
			    r->o->failed, strerror(errno));
		rc = EX_IOERR;
	}
	r->failed = NULL;
	return rc;
}

void
cli_note(void *arg, int code, const char *file, long line, const char *msg)
{
	struct cli_run *r = arg;

	progress_clear(r->progress);
	if (code == 0) {
		diag_warn(r->prog, file, line, "%s", msg);
		return;
	}
	diag_error(r->prog, file, line, "%s", msg);
	r->rc = diag_worse(r->rc, code);
}

void
cli_failed(void *arg, int code, const json_t *rec, const char *msg)
{
	struct cli_run *r = arg;

	(void)code;
	progress_clear(r->progress);
	diag_error(r->prog, NULL, 0, "%s", msg);
	if (r->failed != NULL && (jsonw_write_line(r->failed, rec,
	    r->o->flags) == -1 || fflush(r->failed) == EOF)) {
		diag_error(r->prog, NULL, 0, "%s: write error: %s",
		    r->o->failed, strerror(errno));
		r->rc = diag_worse(r->rc, EX_IOERR);
	}
}

void
cli_tick(void *arg, size_t done, size_t total)
{
	struct cli_run *r = arg;
	struct llm_stats st;

	(void)total;
	llm_stats(r->llm, &st);
	progress_update(r->progress, done, st.prompt_tokens,
	    st.completion_tokens);
}
