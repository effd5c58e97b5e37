/* ensemble-judgment: judgments of several judges to one per answer. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "ensemble.h"
#include "jsonl.h"
#include "jsonw.h"

#define PROG "ensemble-judgment"

struct opts {
	int flags;			/* jsonw flags */
	char **judges;			/* NULL: all judges seen */
	size_t n_judges;
	long min_judges;
	enum ensemble_mode mode;
	const char *name;
	char **files;
	int n_files;
};

enum {
	OPT_ENSURE_ASCII = CLI_OPT_NEXT, OPT_JUDGES, OPT_MIN_JUDGES, OPT_MODE,
	OPT_NAME
};

static const struct cli_option options[] = {
	CLI_OPTION_HELP,
	{ "quiet", 'q', NULL, 0, 'q', "print no warnings" },
	{ "ensure-ascii", 0, NULL, 0, OPT_ENSURE_ASCII,
	    "escape non-ASCII characters as \\uXXXX" },
	{ "judges", 0, "list", 0, OPT_JUDGES,
	    "the judges to combine, comma-separated" },
	{ "min-judges", 0, "k", 0, OPT_MIN_JUDGES,
	    "a null score below k valid verdicts (default 1)" },
	{ "mode", 0, "mean|pool", 0, OPT_MODE,
	    "combine the judges' scores or pool games" },
	{ "name", 0, "name", 0, OPT_NAME,
	    "the judge name of the output records" },
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "[file ...]", NULL }, NULL
};

static void parse_args(int, char **, struct opts *);
static int read_file(const char *, struct ensemble *);
static void report(void *, int, const char *, long, const char *);
static int write_out(const json_t *, int);

int
main(int argc, char *argv[])
{
	struct ensemble_opts eo;
	struct opts o;
	struct ensemble *e;
	json_t *out;
	int rc = 0, code, i, closed;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	if ((rc = cli_stdout_closed(PROG, closed)) != 0)
		goto out;
	memset(&eo, 0, sizeof(eo));
	eo.mode = o.mode;
	eo.judges = (const char *const *)o.judges;
	eo.n_judges = o.n_judges;
	eo.min_judges = o.min_judges;
	eo.name = o.name;
	eo.note = report;
	eo.note_arg = &rc;
	e = ensemble_new(&eo);

	if (o.n_files == 0)
		rc = diag_worse(rc, read_file("-", e));
	for (i = 0; i < o.n_files; i++)
		rc = diag_worse(rc, read_file(o.files[i], e));
	out = ensemble_result(e, &code);
	rc = diag_worse(rc, code);
	rc = diag_worse(rc, write_out(out, o.flags));

	json_decref(out);
	ensemble_free(e);
out:
	for (i = 0; i < (int)o.n_judges; i++)
		free(o.judges[i]);
	free(o.judges);
	return rc;
}

/* Split the --judges list; an empty or repeated name is a usage error. */
static void
split_judges(const struct cli *c, struct opts *o)
{
	const char *p = c->arg, *comma;
	size_t i;

	do {
		comma = strchr(p, ',');
		o->judges = realloc(o->judges, (o->n_judges + 1) *
		    sizeof(*o->judges));
		if (o->judges == NULL)
			abort();
		o->judges[o->n_judges] = comma != NULL ?
		    strndup(p, comma - p) : strdup(p);
		if (o->judges[o->n_judges] == NULL)
			abort();
		if (o->judges[o->n_judges][0] == '\0')
			cli_usage_error(c, "--judges: empty judge name in '%s'",
			    c->arg);
		for (i = 0; i < o->n_judges; i++)
			if (strcmp(o->judges[i], o->judges[o->n_judges]) == 0)
				cli_usage_error(c, "--judges: judge '%s' named "
				    "twice", o->judges[i]);
		o->n_judges++;
		p = comma + 1;
	} while (comma != NULL);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli c;
	long long v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->min_judges = 1;
	o->mode = ENSEMBLE_MEAN;
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'q':
			diag_set_quiet(1);
			break;
		case OPT_ENSURE_ASCII:
			o->flags |= JSONW_ENSURE_ASCII;
			break;
		case OPT_JUDGES:
			split_judges(&c, o);
			break;
		case OPT_MIN_JUDGES:
			/* More than any answer has is as good as INT_MAX. */
			v = cli_int(&c, 1, LLONG_MAX);
			o->min_judges = v > INT_MAX ? INT_MAX : (long)v;
			break;
		case OPT_MODE:
			/* The names of the argument follow enum ensemble_mode. */
			o->mode = (enum ensemble_mode)cli_enum(&c);
			break;
		case OPT_NAME:
			o->name = cli_nonempty(&c, "a name");
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	o->files = c.operands;
	o->n_files = c.n_operands;
}

/* Read every record of path into e; returns the worst status seen. */
static int
read_file(const char *path, struct ensemble *e)
{
	struct jsonl_reader *r;
	struct diag d;
	json_t *rec;
	long line;
	int rc = 0, st;

	diag_clear(&d);
	if ((r = jsonl_open(path, &d)) == NULL)
		return diag_print(PROG, &d);
	while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
		if (st == 1) {
			st = ensemble_add(e, rec, jsonl_name(r), line, &d);
			json_decref(rec);
		}
		if (st == -1) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			diag_clear(&d);
		}
	}
	jsonl_free(r);
	return rc;
}

/* Print a note of the ensemble; errors raise the exit status in *arg. */
static void
report(void *arg, int code, const char *file, long line, const char *msg)
{
	int *rc = arg;

	if (code == 0) {
		diag_warn(PROG, file, line, "%s", msg);
		return;
	}
	diag_error(PROG, file, line, "%s", msg);
	*rc = diag_worse(*rc, code);
}

static int
write_out(const json_t *out, int flags)
{
	size_t i;

	for (i = 0; i < json_array_size(out); i++)
		if (jsonw_write_line(stdout, json_array_get(out, i), flags)
		    == -1)
			break;
	/* A reader that went away is not an error: die as cat(1) would. */
	return cli_flush_stdout(PROG);
}
