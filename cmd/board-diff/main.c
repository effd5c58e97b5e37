/* board-diff: what changed between two releases of a leaderboard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardcsv.h"
#include "boarddiff.h"
#include "buf.h"
#include "cli.h"
#include "diag.h"

#define PROG "board-diff"

enum format { FMT_JSON, FMT_MARKDOWN };

struct opts {
	enum format format;
	const char *old, *new;
};

/* One side: its board files, read. */
struct side {
	const char *arg;
	int is_dir;
	struct boardcsv *csv;
	struct boarddiff_board *b;
	size_t n;
};

enum { OPT_FORMAT = CLI_OPT_NEXT };

static const struct cli_option options[] = {
	CLI_OPTION_HELP,
	{ "format", 0, "json|markdown", 0, OPT_FORMAT,
	    "JSON lines (default) or a markdown summary" },
	CLI_OPTION_VERSION,
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "old new", NULL }, NULL
};

static void parse_args(int, char **, struct opts *);
static int load_side(struct side *);
static void release_side(struct side *);
static long find_board(const struct side *, const char *);
static int known_board(const char *);
static void add_board(struct buf *, enum format,
    const struct boarddiff_board *, const struct boarddiff_board *);

int
main(int argc, char *argv[])
{
	struct side old, new;
	struct buf out;
	struct opts o;
	size_t i;
	long k = 0;
	int rc, closed;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	old.arg = o.old;
	new.arg = o.new;
	buf_init(&out);
	if ((rc = cli_stdout_closed(PROG, closed)) != 0)
		goto done;
	rc = load_side(&old);
	rc = diag_worse(rc, load_side(&new));
	if (rc != 0)
		goto done;
	if (o.format == FMT_MARKDOWN) {
		buf_adds(&out, "# Leaderboard changes\n\nFrom ");
		boarddiff_md_text(&out, o.old);
		buf_adds(&out, " to ");
		boarddiff_md_text(&out, o.new);
		buf_adds(&out, ".\n");
	}
	/*
	 * Two files are one board whatever their names; a file and a folder
	 * compare the file with the folder's board of the same name; two
	 * folders pair their boards by name.
	 */
	if (!old.is_dir || !new.is_dir) {
		const struct boarddiff_board *ob = &old.b[0], *nb = &new.b[0];
		const struct side *dir = old.is_dir ? &old : &new;
		const char *want = old.is_dir ? nb->name : ob->name;

		if (dir->is_dir && (k = find_board(dir, want)) < 0) {
			diag_error(PROG, NULL, 0, "no board '%s.csv' in '%s'",
			    want, dir->arg);
			rc = EX_NOINPUT;
			goto done;
		}
		if (old.is_dir)
			ob = &old.b[k];
		else if (new.is_dir)
			nb = &new.b[k];
		add_board(&out, o.format, ob, nb);
	} else {
		/* The four boards in board order, then the others. */
		for (i = 0; i < BOARDCSV_NBOARDS; i++) {
			long ko = find_board(&old, boardcsv_names[i]);
			long kn = find_board(&new, boardcsv_names[i]);

			if (ko >= 0 || kn >= 0)
				add_board(&out, o.format,
				    ko >= 0 ? &old.b[ko] : NULL,
				    kn >= 0 ? &new.b[kn] : NULL);
		}
		for (i = 0; i < new.n; i++) {
			if (known_board(new.b[i].name))
				continue;
			k = find_board(&old, new.b[i].name);
			add_board(&out, o.format, k >= 0 ? &old.b[k] : NULL,
			    &new.b[i]);
		}
		for (i = 0; i < old.n; i++)
			if (!known_board(old.b[i].name) &&
			    find_board(&new, old.b[i].name) < 0)
				add_board(&out, o.format, &old.b[i], NULL);
	}
	fwrite(out.p, 1, out.len, stdout);
	rc = cli_flush_stdout(PROG);
done:
	buf_release(&out);
	release_side(&old);
	release_side(&new);
	return rc;
}

/* Read the boards of a file or release folder; 0 or an exit status. */
static int
load_side(struct side *s)
{
	struct diag d;
	char **paths = NULL;
	size_t n = 0, i;
	int rc = 0;

	diag_clear(&d);
	if (boardcsv_expand(s->arg, &paths, &n, &s->is_dir, &d) == -1)
		return diag_print(PROG, &d);
	if (n == 0) {
		diag_error(PROG, NULL, 0, "no board file (*.csv) in '%s'",
		    s->arg);
		free(paths);
		return EX_NOINPUT;
	}
	s->csv = xcalloc(n, sizeof(*s->csv));
	s->b = xcalloc(n, sizeof(*s->b));
	for (i = 0; i < n && rc == 0; i++) {
		if (boardcsv_load(paths[i], &s->csv[i], &d) == -1 ||
		    boarddiff_board_init(&s->b[i], &s->csv[i], &d) == -1)
			rc = diag_print(PROG, &d);
		s->n = i + 1;
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

static void
release_side(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		boarddiff_board_release(&s->b[i]);
		boardcsv_release(&s->csv[i]);
	}
	free(s->b);
	free(s->csv);
}

static long
find_board(const struct side *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->b[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int
known_board(const char *name)
{
	int i;

	for (i = 0; i < BOARDCSV_NBOARDS; i++)
		if (strcmp(name, boardcsv_names[i]) == 0)
			return 1;
	return 0;
}

/* Compare one board (old or new may be NULL) and format the result. */
static void
add_board(struct buf *out, enum format format,
    const struct boarddiff_board *old, const struct boarddiff_board *new)
{
	struct boarddiff df;

	boarddiff_compute(old, new, &df);
	if (format == FMT_MARKDOWN) {
		buf_addc(out, '\n');
		boarddiff_format_markdown(out, &df);
	} else
		boarddiff_format_json(out, &df);
	boarddiff_release(&df);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli c;
	int ch;

	memset(o, 0, sizeof(*o));
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case OPT_FORMAT:
			/* The names follow enum format. */
			o->format = (enum format)cli_enum(&c);
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	if (c.n_operands != 2)
		cli_usage_error(&c, "want two boards, old and new");
	o->old = c.operands[0];
	o->new = c.operands[1];
}
