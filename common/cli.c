/* cli.c: option tables, signals, output and reporting of the commands. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "jsonw.h"

int
cli_std_fds(void)
{
	int fd, closed = 0, nul;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lower ones are open, so open() returns fd itself. */
		nul = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (nul == -1)
			return -1;
		if (nul != fd) {
			close(nul);
			errno = EBADF;
			return -1;
		}
		closed |= 1 << fd;
	}
	return closed;
}

int
cli_stdout_closed(const char *prog, int closed)
{
	if (closed == -1 || !(closed & CLI_FD_STDOUT))
		return 0;
	diag_error(prog, NULL, 0, "standard output is closed");
	return EX_IOERR;
}

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
cli_threads(void)
{
	const char *env = getenv("JUDGEPIPE_THREADS");
	cpu_set_t set;
	int n = 1;

	if (env != NULL && *env != '\0')
		n = atoi(env);
	else if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 64 ? 64 : n;
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

/*
 * Options.
 */

/* Whether o appears in usage form f. */
static int
in_form(const struct cli_option *o, int f)
{
	int forms = o->flags & ~0xff;

	return forms == 0 ? f == 0 : (forms & CLI_FORM(f)) != 0;
}

/* An option of the "[-hq]" group: a letter, no argument, not required. */
static int
grouped(const struct cli_option *o)
{
	return o->letter != 0 && o->arg == NULL && !(o->flags & CLI_REQUIRED);
}

/* "-m entry", "[--name arg]" or "[--name]..." as the usage shows it. */
static void
usage_item(struct buf *b, const struct cli_option *o)
{
	int req = (o->flags & CLI_REQUIRED) != 0;

	buf_reset(b);
	if (!req)
		buf_addc(b, '[');
	if (o->letter != 0)
		buf_printf(b, "-%c", o->letter);
	else
		buf_printf(b, "--%s", o->name);
	if (o->arg != NULL)
		buf_printf(b, " %s", o->arg);
	if (!req)
		buf_addc(b, ']');
	if (o->flags & CLI_REPEAT)
		buf_adds(b, "...");
}

/* The sorted letters of form f's flag group, as "[-hq]" (style(9)). */
static void
flag_group(struct buf *b, const struct cli_spec *s, int f)
{
	const struct cli_option *o;
	char letters[CLI_MAX_OPTIONS];
	size_t n = 0, i, j;
	char t;

	for (o = s->options; o->name != NULL && n < sizeof(letters); o++)
		if (in_form(o, f) && grouped(o))
			letters[n++] = (char)o->letter;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && letters[j - 1] > letters[j]; j--) {
			t = letters[j];
			letters[j] = letters[j - 1];
			letters[j - 1] = t;
		}
	buf_reset(b);
	if (n > 0)
		buf_printf(b, "[-%.*s]", (int)n, letters);
}

/* Append " item" to b, or a new line indented by indent when too long. */
static void
wrap_add(struct buf *b, size_t *col, size_t indent, const char *item)
{
	size_t n = strlen(item);

	if (n == 0)
		return;
	if (*col + 1 + n > 79 && *col > indent) {
		buf_printf(b, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		buf_addc(b, ' ');
		(*col)++;
	}
	buf_adds(b, item);
	*col += n;
}

void
cli_usage_text(const struct cli_spec *s, struct buf *b)
{
	const struct cli_option *o;
	struct buf item;
	size_t col, indent = strlen("usage: ") + strlen(s->prog);
	int f;

	buf_init(&item);
	for (f = 0; s->forms[f] != NULL; f++) {
		buf_printf(b, "%s%s", f == 0 ? "usage: " : "       ", s->prog);
		col = indent;
		/* Required options first, then the flag group, the others. */
		for (o = s->options; o->name != NULL; o++)
			if (in_form(o, f) && (o->flags & CLI_REQUIRED)) {
				usage_item(&item, o);
				wrap_add(b, &col, indent + 1, item.p);
			}
		flag_group(&item, s, f);
		wrap_add(b, &col, indent + 1, item.p);
		for (o = s->options; o->name != NULL; o++)
			if (in_form(o, f) && !(o->flags & CLI_REQUIRED) &&
			    !grouped(o)) {
				usage_item(&item, o);
				wrap_add(b, &col, indent + 1, item.p);
			}
		wrap_add(b, &col, indent + 1, s->forms[f]);
		buf_addc(b, '\n');
	}
	buf_release(&item);
}

/* "  -m, --model entry" or "      --cache dir": the left of a help line. */
static void
help_left(struct buf *b, const struct cli_option *o)
{
	buf_reset(b);
	if (o->letter != 0)
		buf_printf(b, "  -%c, ", o->letter);
	else
		buf_adds(b, "      ");
	buf_printf(b, "--%s", o->name);
	if (o->arg != NULL)
		buf_printf(b, " %s", o->arg);
}

void
cli_help_text(const struct cli_spec *s, struct buf *b)
{
	const struct cli_option *o;
	struct buf left;
	size_t width = 0;

	cli_usage_text(s, b);
	if (s->about != NULL)
		buf_printf(b, "\n%s\n", s->about);
	buf_adds(b, "\n");
	buf_init(&left);
	/* One column for the help, unless a few long names would push it. */
	for (o = s->options; o->name != NULL; o++) {
		help_left(&left, o);
		if (left.len > width && left.len <= 30)
			width = left.len;
	}
	for (o = s->options; o->name != NULL; o++) {
		help_left(&left, o);
		buf_printf(b, "%-*s  %s\n", (int)width, left.p, o->help);
	}
	buf_release(&left);
}

void
cli_usage(const struct cli_spec *s, FILE *f, int code)
{
	struct buf b;

	buf_init(&b);
	cli_usage_text(s, &b);
	fputs(b.p, f);
	buf_release(&b);
	if (f == stdout && cli_flush_stdout(s->prog) != 0)
		code = EX_IOERR;
	exit(code);
}

void
cli_begin(struct cli *c, const struct cli_spec *s, int argc, char **argv)
{
	const struct cli_option *o;
	size_t n = 0, k = 0;

	memset(c, 0, sizeof(*c));
	c->spec = s;
	c->argc = argc;
	c->argv = argv;
	/* ':' first: a missing argument returns ':', not '?'. */
	c->shortopts[k++] = ':';
	for (o = s->options; o->name != NULL; o++, n++) {
		if (n == CLI_MAX_OPTIONS)
			abort();	/* raise CLI_MAX_OPTIONS */
		c->longopts[n].name = o->name;
		c->longopts[n].has_arg = o->arg != NULL ? required_argument :
		    no_argument;
		c->longopts[n].val = o->id;
		if (o->letter != 0) {
			c->shortopts[k++] = (char)o->letter;
			if (o->arg != NULL)
				c->shortopts[k++] = ':';
		}
	}
	c->shortopts[k] = '\0';
	optind = 1;
	opterr = 0;
}

int
cli_next(struct cli *c)
{
	const struct cli_option *o;
	const char *word;
	char name[64];
	struct buf b;
	int ch, idx = -1;

	ch = getopt_long(c->argc, c->argv, c->shortopts, c->longopts, &idx);
	if (ch == -1) {
		c->opt = NULL;
		c->arg = NULL;
		c->operands = c->argv + optind;
		c->n_operands = c->argc - optind;
		return -1;
	}
	if (ch == '?' || ch == ':') {
		/* Name the option as typed: "--name[=...]" or "-x". */
		word = c->argv[optind - 1];
		if (strncmp(word, "--", 2) == 0)
			snprintf(name, sizeof(name), "%.*s",
			    (int)strcspn(word, "="), word);
		else
			snprintf(name, sizeof(name), "-%c", optopt);
		if (ch == '?')
			cli_usage_error(c, "unknown option '%s'", name);
		cli_usage_error(c, "option '%s' needs an argument", name);
	}
	if (idx >= 0)
		o = &c->spec->options[idx];
	else
		for (o = c->spec->options; o->name != NULL &&
		    o->letter != ch; o++)
			;
	c->opt = o;
	c->arg = optarg;
	if (ch == 'h' && strcmp(o->name, "help") == 0) {
		buf_init(&b);
		cli_help_text(c->spec, &b);
		fputs(b.p, stdout);
		buf_release(&b);
		exit(cli_flush_stdout(c->spec->prog));
	}
	if (ch == CLI_OPT_VERSION) {
		printf("%s (judgepipe) %s\n", c->spec->prog,
		    JUDGEPIPE_VERSION);
		exit(cli_flush_stdout(c->spec->prog));
	}
	return ch;
}

void
cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	char msg[DIAG_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(c->spec->prog, NULL, 0, "%s", msg);
	cli_usage(c->spec, stderr, EX_USAGE);
}

void
cli_bad_value(const struct cli *c, const char *want)
{
	cli_usage_error(c, "--%s: invalid value '%s' (want %s)", c->opt->name,
	    c->arg != NULL ? c->arg : "", want);
}

long long
cli_int(const struct cli *c, long long min, long long max)
{
	char want[96], *end;
	long long v;

	errno = 0;
	v = strtoll(c->arg, &end, 10);
	if (errno == 0 && end != c->arg && *end == '\0' && v >= min &&
	    v <= max)
		return v;
	if (max == LLONG_MAX)
		snprintf(want, sizeof(want), "an integer >= %lld", min);
	else
		snprintf(want, sizeof(want), "an integer from %lld to %lld",
		    min, max);
	cli_bad_value(c, want);
}

unsigned long long
cli_uint(const struct cli *c, unsigned long long min, unsigned long long max)
{
	char want[96], *end;
	unsigned long long v;

	errno = 0;
	/* strtoull would take "-1" as 2^64 - 1. */
	v = c->arg[0] >= '0' && c->arg[0] <= '9' ? strtoull(c->arg, &end,
	    10) : (end = (char *)c->arg, 0);
	if (errno == 0 && end != c->arg && *end == '\0' && v >= min &&
	    v <= max)
		return v;
	if (max == ULLONG_MAX)
		snprintf(want, sizeof(want), "an integer from %llu to 2^64 - 1",
		    min);
	else
		snprintf(want, sizeof(want), "an integer from %llu to %llu",
		    min, max);
	cli_bad_value(c, want);
}

double
cli_double(const struct cli *c, double min, double max)
{
	char want[96], *end;
	double v;

	errno = 0;
	v = strtod(c->arg, &end);
	if (errno == 0 && end != c->arg && *end == '\0' && isfinite(v) &&
	    v >= min && v <= max)
		return v;
	if (isinf(min) && isinf(max))
		snprintf(want, sizeof(want), "a number");
	else if (isinf(max))
		snprintf(want, sizeof(want), "a number >= %g", min);
	else if (isinf(min))
		snprintf(want, sizeof(want), "a number <= %g", max);
	else
		snprintf(want, sizeof(want), "a number from %g to %g", min,
		    max);
	cli_bad_value(c, want);
}

int
cli_choice(const char *choices, const char *arg)
{
	const char *p = choices, *bar;
	size_t n = strlen(arg), len;
	int i;

	for (i = 0;; i++) {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, arg, n) == 0)
			return i;
		if (bar == NULL)
			return -1;
		p = bar + 1;
	}
}

int
cli_enum(const struct cli *c)
{
	struct buf want;
	const char *p, *bar;
	int i;

	if ((i = cli_choice(c->opt->arg, c->arg)) >= 0)
		return i;
	/* "a, b or c" */
	buf_init(&want);
	for (p = c->opt->arg; (bar = strchr(p, '|')) != NULL; p = bar + 1)
		buf_printf(&want, "%.*s%s", (int)(bar - p), p,
		    strchr(bar + 1, '|') != NULL ? ", " : " or ");
	buf_adds(&want, p);
	cli_bad_value(c, want.p);
}

void
cli_shard(const struct cli *c, struct shard *s)
{
	if (shard_parse(c->arg, s, NULL) == -1)
		cli_bad_value(c, "k/n with 1 <= k <= n");
}

const char *
cli_nonempty(const struct cli *c, const char *want)
{
	if (c->arg[0] == '\0')
		cli_bad_value(c, want);
	return c->arg;
}

int
cli_llm_option(const struct cli *c, struct cli_llm_opts *o, int id)
{
	switch (id) {
	case 'q':
		o->quiet = 1;
		diag_set_quiet(1);
		return 1;
	case CLI_OPT_API_CONFIG:
		o->api_config = c->arg;
		return 1;
	case CLI_OPT_CACHE:
		o->cache_dir = cli_nonempty(c, "a directory");
		return 1;
	case CLI_OPT_ENSURE_ASCII:
		o->flags |= JSONW_ENSURE_ASCII;
		return 1;
	case CLI_OPT_FAILED:
		o->failed = c->arg;
		return 1;
	case CLI_OPT_NO_CACHE:
		o->no_cache = 1;
		return 1;
	case CLI_OPT_OFFLINE:
		o->offline = 1;
		return 1;
	case CLI_OPT_SHARD:
		cli_shard(c, &o->shard);
		return 1;
	case CLI_OPT_MAX_CALLS:
		o->cap_calls = 1;
		o->max_calls = cli_int(c, 0, 1000000000000LL);
		return 1;
	case CLI_OPT_MAX_COST:
		o->cap_cost = 1;
		o->max_cost = cli_double(c, 0, INFINITY);
		return 1;
	case CLI_OPT_USAGE_LOG:
		o->usage_log = cli_nonempty(c, "a file");
		return 1;
	}
	return 0;
}

const char *
cli_api_config(const char *prog, const char *given, struct diag *d)
{
	static const char *const layouts[] = {
		"config/api_config.yaml",	/* arena-hard-auto's */
		"configs/api.yaml",		/* this repository's */
	};
	const char *env = getenv("JUDGEPIPE_API_CONFIG");
	struct buf tried;
	size_t i;

	if (given != NULL)
		return given;
	if (env != NULL && env[0] == '\0')
		env = NULL;
	if (env != NULL && access(env, F_OK) == 0)
		return env;
	buf_init(&tried);
	if (env != NULL)
		buf_printf(&tried, "'%s' ($JUDGEPIPE_API_CONFIG), ", env);
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (access(layouts[i], F_OK) == 0) {
			if (env != NULL)
				diag_warn(prog, NULL, 0, "no file '%s' "
				    "($JUDGEPIPE_API_CONFIG): using '%s'", env,
				    layouts[i]);
			buf_release(&tried);
			return layouts[i];
		}
		buf_printf(&tried, "'%s'%s", layouts[i],
		    i + 1 < sizeof(layouts) / sizeof(layouts[0]) ? ", " : "");
	}
	diag_set(d, EX_NOINPUT, NULL, 0, "no API config: tried %s (give "
	    "--api-config file or set JUDGEPIPE_API_CONFIG)", tried.p);
	buf_release(&tried);
	return NULL;
}

struct apiconfig_entry *
cli_load_entry(const char *prog, const struct cli_llm_opts *o,
    const char *name, struct diag *d)
{
	struct apiconfig_entry *e;
	const char *path;
	size_t i;

	if ((path = cli_api_config(prog, o->api_config, d)) == NULL)
		return NULL;
	e = apiconfig_load_entry(path, name, d);
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
cli_estimate_report(const char *prog, const struct estimate_line *e,
    int quiet)
{
	struct buf b;

	buf_init(&b);
	estimate_json(&b, e);
	estimate_json_total(&b, e, 1);
	fwrite(b.p, 1, b.len, stdout);
	buf_reset(&b);
	estimate_table(&b, e, 1);
	if (!quiet)
		fputs(b.p, stderr);
	buf_release(&b);
	return cli_flush_stdout(prog);
}

int
cli_write_file(const char *prog, const char *path, const char *data,
    size_t len)
{
	struct buf tmp;
	int fd, rc = 0;

	buf_init(&tmp);
	buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.p)) == -1) {
		diag_error(prog, NULL, 0, "cannot create '%s': %s", tmp.p,
		    strerror(errno));
		buf_release(&tmp);
		return EX_CANTCREAT;
	}
	if (fchmod(fd, 0644) == -1 || write(fd, data, len) != (ssize_t)len ||
	    close(fd) == -1) {
		diag_error(prog, NULL, 0, "cannot write '%s': %s", tmp.p,
		    strerror(errno));
		rc = EX_IOERR;
	} else if (rename(tmp.p, path) == -1) {
		diag_error(prog, NULL, 0, "cannot rename '%s' to '%s': %s",
		    tmp.p, path, strerror(errno));
		rc = EX_CANTCREAT;
	}
	if (rc != 0)
		unlink(tmp.p);
	buf_release(&tmp);
	return rc;
}

int
cli_open_failed(struct cli_run *r)
{
	const char *path = r->o->failed;

	if (path != NULL && (r->failed = fopen(path, "w")) == NULL) {
		diag_error(r->prog, NULL, 0, "cannot create '%s': %s", path,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	path = r->o->usage_log;
	if (path != NULL && (r->usage_log = fopen(path, "a")) == NULL) {
		diag_error(r->prog, NULL, 0, "cannot open '%s': %s", path,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	return 0;
}

int
cli_check_caps(const char *prog, const struct cli_llm_opts *o,
    const struct apiconfig_entry *e)
{
	if (!o->cap_cost || e->price.known)
		return 0;
	diag_error(prog, NULL, 0, "entry '%s' has no price: --max-cost needs "
	    "one (price: {input, output} in the API config)", e->name);
	return EX_CONFIG;
}

void
cli_llm_caps(const struct cli_run *r, const struct tok_encoder *tok,
    struct llm_options *lo)
{
	lo->cap_cost = r->o->cap_cost;
	lo->max_cost = r->o->max_cost;
	lo->cap_calls = r->o->cap_calls;
	lo->max_calls = r->o->max_calls;
	lo->tok = tok;
	lo->usage_log = r->usage_log;
	lo->usage_flags = r->o->flags;
}

int
cli_close_failed(struct cli_run *r, int say)
{
	size_t i;
	int rc = 0;

	if (r->failed != NULL && fclose(r->failed) == EOF) {
		if (say)
			diag_error(r->prog, NULL, 0, "%s: write error: %s",
			    r->o->failed, strerror(errno));
		rc = EX_IOERR;
	}
	r->failed = NULL;
	if (r->usage_log != NULL && (ferror(r->usage_log) ||
	    fclose(r->usage_log) == EOF)) {
		if (say)
			diag_error(r->prog, NULL, 0, "%s: write error: %s",
			    r->o->usage_log, strerror(errno));
		rc = EX_IOERR;
	}
	r->usage_log = NULL;
	for (i = 0; i < r->n_kinds; i++)
		free(r->kind[i]);
	free(r->kind);
	free(r->repeats);
	strmap_release(&r->kinds);
	r->kind = NULL;
	r->repeats = NULL;
	r->n_kinds = 0;
	return rc;
}

void
cli_summary(struct cli_run *r, size_t requests)
{
	char cost[64];
	struct llm_stats st;
	size_t i;

	for (i = 0; i < r->n_kinds; i++)
		if (r->repeats[i] > 0)
			diag_error(r->prog, NULL, 0, "and %zu more call%s %s",
			    r->repeats[i], r->repeats[i] == 1 ? "" : "s",
			    r->kind[i]);
	if (r->o->quiet || r->llm == NULL)
		return;
	llm_stats(r->llm, &st);
	if (st.cost_known)
		snprintf(cost, sizeof(cost), ", cost $%.4f", st.cost_usd);
	else
		cost[0] = '\0';
	diag_error(r->prog, NULL, 0, "%zu requests (%zu cache hits, %zu "
	    "failed), prompt_tokens %lld, completion_tokens %lld%s", requests,
	    st.cache_hits, st.failed, st.prompt_tokens, st.completion_tokens,
	    cost);
}

/*
 * Has a failure of the kind of msg (its text from ": FAILED after") been
 * printed?  Count it then; else remember the kind.
 */
static int
repeated(struct cli_run *r, const char *msg)
{
	const char *k = strstr(msg, ": FAILED after ");
	size_t i;

	if (k == NULL)
		return 0;
	k += 2;
	i = strmap_get(&r->kinds, k, strlen(k));
	if (i != STRMAP_NONE) {
		r->repeats[i]++;
		return 1;
	}
	r->kind = xrealloc(r->kind, (r->n_kinds + 1) * sizeof(*r->kind));
	r->repeats = xrealloc(r->repeats, (r->n_kinds + 1) *
	    sizeof(*r->repeats));
	r->kind[r->n_kinds] = xstrdup(k);
	r->repeats[r->n_kinds] = 0;
	strmap_put(&r->kinds, k, strlen(k), r->n_kinds++);
	return 0;
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
	if (!repeated(r, msg)) {
		progress_clear(r->progress);
		diag_error(r->prog, NULL, 0, "%s", msg);
	}
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
