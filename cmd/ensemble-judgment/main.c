/* ensemble-judgment: judgments of several judges to one per answer. */
#include <errno.h>
#include <getopt.h>
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

static void parse_args(int, char **, struct opts *);
static int read_file(const char *, struct ensemble *);
static void report(void *, int, const char *, long, const char *);
static int write_out(const json_t *, int);
static void usage(FILE *, int) __attribute__((noreturn));

int
main(int argc, char *argv[])
{
	struct ensemble_opts eo;
	struct opts o;
	struct ensemble *e;
	json_t *out;
	int rc = 0, code, i;

	parse_args(argc, argv, &o);
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
	for (i = 0; i < (int)o.n_judges; i++)
		free(o.judges[i]);
	free(o.judges);
	return rc;
}

/* Split the --judges list; an empty or repeated name is a usage error. */
static void
split_judges(const char *arg, struct opts *o)
{
	const char *p = arg, *comma;
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
		if (o->judges[o->n_judges][0] == '\0') {
			diag_error(PROG, NULL, 0, "--judges: empty judge name "
			    "in '%s'", arg);
			usage(stderr, EX_USAGE);
		}
		for (i = 0; i < o->n_judges; i++)
			if (strcmp(o->judges[i], o->judges[o->n_judges]) == 0) {
				diag_error(PROG, NULL, 0, "--judges: judge "
				    "'%s' named twice", o->judges[i]);
				usage(stderr, EX_USAGE);
			}
		o->n_judges++;
		p = comma + 1;
	} while (comma != NULL);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	enum {
		OPT_ENSURE_ASCII = 256, OPT_JUDGES, OPT_MIN_JUDGES, OPT_MODE,
		OPT_NAME, OPT_VERSION
	};
	static const struct option longopts[] = {
		{ "ensure-ascii", no_argument, NULL, OPT_ENSURE_ASCII },
		{ "help", no_argument, NULL, 'h' },
		{ "judges", required_argument, NULL, OPT_JUDGES },
		{ "min-judges", required_argument, NULL, OPT_MIN_JUDGES },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->min_judges = 1;
	o->mode = ENSEMBLE_MEAN;
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'q':
			diag_set_quiet(1);
			break;
		case OPT_ENSURE_ASCII:
			o->flags |= JSONW_ENSURE_ASCII;
			break;
		case OPT_JUDGES:
			split_judges(optarg, o);
			break;
		case OPT_MIN_JUDGES:
			errno = 0;
			o->min_judges = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    o->min_judges < 1 || o->min_judges > INT_MAX) {
				diag_error(PROG, NULL, 0, "--min-judges: "
				    "invalid value '%s' (want an integer >= 1)",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_MODE:
			if (strcmp(optarg, "mean") == 0)
				o->mode = ENSEMBLE_MEAN;
			else if (strcmp(optarg, "pool") == 0)
				o->mode = ENSEMBLE_POOL;
			else {
				diag_error(PROG, NULL, 0, "--mode: invalid "
				    "value '%s' (want 'mean' or 'pool')",
				    optarg);
				usage(stderr, EX_USAGE);
			}
			break;
		case OPT_NAME:
			if (optarg[0] == '\0') {
				diag_error(PROG, NULL, 0, "--name: empty name");
				usage(stderr, EX_USAGE);
			}
			o->name = optarg;
			break;
		case OPT_VERSION:
			printf("%s (judgepipe) %s\n", PROG, JUDGEPIPE_VERSION);
			exit(0);
		default:
			usage(stderr, EX_USAGE);
		}
	}
	o->files = argv + optind;
	o->n_files = argc - optind;
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

/* Usage on stdout for -h (exit 0), on stderr after a bad option. */
static void
usage(FILE *f, int code)
{
	fprintf(f, "usage: %s [-hq] [--ensure-ascii] [--judges list] "
	    "[--min-judges k] [--mode mean|pool] [--name name] [--version] "
	    "[file ...]\n", PROG);
	exit(code);
}
