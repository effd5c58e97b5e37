/* boardcsv.c: board CSV files split into cells (RFC 4180 quoting). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boardcsv.h"
#include "buf.h"
#include "jsonl.h"

const char *const boardcsv_names[BOARDCSV_NBOARDS] = {
	"no_control", "style_control", "length_control", "markdown_control"
};

/* One parsed line of cells. */
struct cells {
	char **v;
	size_t n, cap;
};

static void
cells_push(struct cells *c, struct buf *field)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = buf_detach(field, NULL);
}

/*
 * Split the record starting at *pos into cells.  A quoted field may hold
 * commas, doubled quotes and line breaks, so *lineno advances past every
 * "\n" consumed.  Returns 0, or -1 with d set for a malformed quote.
 */
static int
read_record(const char *name, const char *p, size_t n, size_t *pos,
    long *lineno, struct cells *c, struct diag *d)
{
	struct buf field;
	size_t i = *pos;
	long start = *lineno;

	buf_init(&field);
	for (;;) {
		if (i < n && p[i] == '"') {
			for (i++;; i++) {
				if (i >= n) {
					buf_release(&field);
					return diag_set(d, EX_DATAERR, name,
					    start, "unterminated quoted field");
				}
				if (p[i] == '"' && i + 1 < n && p[i + 1] == '"')
					buf_addc(&field, p[i++]);
				else if (p[i] == '"')
					break;
				else {
					if (p[i] == '\n')
						(*lineno)++;
					buf_addc(&field, p[i]);
				}
			}
			i++;
			if (i < n && p[i] != ',' && p[i] != '\n' &&
			    !(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') &&
			    !(p[i] == '\r' && i + 1 == n)) {
				buf_release(&field);
				return diag_set(d, EX_DATAERR, name, *lineno,
				    "text after the closing quote of field %zu",
				    c->n + 1);
			}
		} else {
			while (i < n && p[i] != ',' && p[i] != '\n' &&
			    !(p[i] == '\r' && (i + 1 == n || p[i + 1] == '\n')))
				buf_addc(&field, p[i++]);
		}
		cells_push(c, &field);
		if (i < n && p[i] == ',') {
			i++;
			continue;
		}
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		break;
	}
	(*lineno)++;
	*pos = i;
	return 0;
}

static char *
board_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".csv") == 0)
		len -= 4;
	return xstrndup(base, len);
}

int
boardcsv_parse(const char *name, const char *p, size_t n,
    struct boardcsv *b, struct diag *d)
{
	struct cells c;
	size_t pos = 0, cap = 0;
	long lineno = 1;

	memset(b, 0, sizeof(*b));
	b->path = xstrdup(name);
	b->board = board_name(name);
	memset(&c, 0, sizeof(c));
	if (n == 0 || read_record(name, p, n, &pos, &lineno, &c, d) == -1) {
		if (n == 0)
			diag_set(d, EX_DATAERR, name, 1, "empty board file");
		b->cols = c.v;
		b->ncols = c.n;
		return -1;
	}
	b->cols = c.v;
	b->ncols = c.n;
	while (pos < n) {
		long at = lineno;

		/* A blank line (pandas writes none) is skipped. */
		if (p[pos] == '\n' || (p[pos] == '\r' && pos + 1 < n &&
		    p[pos + 1] == '\n')) {
			pos += p[pos] == '\r' ? 2 : 1;
			lineno++;
			continue;
		}
		memset(&c, 0, sizeof(c));
		if (read_record(name, p, n, &pos, &lineno, &c, d) == -1) {
			for (size_t k = 0; k < c.n; k++)
				free(c.v[k]);
			free(c.v);
			return -1;
		}
		if (b->nrows == cap) {
			cap = cap ? 2 * cap : 64;
			b->rows = xrealloc(b->rows, cap * sizeof(*b->rows));
		}
		b->rows[b->nrows].line = at;
		b->rows[b->nrows].cells = c.v;
		b->rows[b->nrows].ncells = c.n;
		b->nrows++;
	}
	return 0;
}

int
boardcsv_load(const char *path, struct boardcsv *b, struct diag *d)
{
	char *data;
	size_t len;
	int rc;

	memset(b, 0, sizeof(*b));
	if (jsonl_slurp(path, &data, &len, d) == -1)
		return -1;
	rc = boardcsv_parse(path, data, len, b, d);
	free(data);
	return rc;
}

void
boardcsv_release(struct boardcsv *b)
{
	size_t i, k;

	for (i = 0; i < b->ncols; i++)
		free(b->cols[i]);
	for (i = 0; i < b->nrows; i++) {
		for (k = 0; k < b->rows[i].ncells; k++)
			free(b->rows[i].cells[k]);
		free(b->rows[i].cells);
	}
	free(b->cols);
	free(b->rows);
	free(b->path);
	free(b->board);
	memset(b, 0, sizeof(*b));
}

int
boardcsv_col(const struct boardcsv *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->ncols; i++)
		if (strcmp(b->cols[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
boardcsv_cell(const struct boardcsv *b, size_t row, int col)
{
	if (col < 0 || row >= b->nrows || (size_t)col >= b->rows[row].ncells)
		return NULL;
	return b->rows[row].cells[col];
}

int
boardcsv_number(const char *cell, double *v)
{
	char *end;
	double x;

	if (cell == NULL || cell[0] == '\0' || cell[0] == ' ')
		return -1;
	x = strtod(cell, &end);
	if (*end != '\0' || !isfinite(x))
		return -1;
	/* strtod also takes hex and "infinity"; a board holds decimals. */
	if (strpbrk(cell, "xXnNiI") != NULL)
		return -1;
	*v = x;
	return 0;
}

int
boardcsv_interval(const char *cell, double *lo, double *hi)
{
	char a[64], b[64];
	const char *comma;
	size_t n;

	if (cell == NULL || strncmp(cell, "(-", 2) != 0)
		return -1;
	comma = strstr(cell, ", +");
	n = strlen(cell);
	if (comma == NULL || n < 2 || cell[n - 1] != ')')
		return -1;
	if ((size_t)(comma - cell - 2) >= sizeof(a) ||
	    (size_t)(cell + n - 1 - (comma + 3)) >= sizeof(b))
		return -1;
	memcpy(a, cell + 2, comma - cell - 2);
	a[comma - cell - 2] = '\0';
	memcpy(b, comma + 3, cell + n - 1 - (comma + 3));
	b[cell + n - 1 - (comma + 3)] = '\0';
	return boardcsv_number(a, lo) == 0 && boardcsv_number(b, hi) == 0 ?
	    0 : -1;
}

/* Sort key of a board file name: the four boards first, in board order. */
static int
board_rank(const char *path)
{
	char *name = board_name(path);
	int i;

	for (i = 0; i < BOARDCSV_NBOARDS; i++)
		if (strcmp(name, boardcsv_names[i]) == 0)
			break;
	free(name);
	return i;
}

static int
cmp_board(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int rx = board_rank(x), ry = board_rank(y);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

int
boardcsv_expand(const char *path, char ***paths, size_t *n, int *is_dir,
    struct diag *d)
{
	struct stat st;
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, i;
	DIR *dir;

	*is_dir = 0;
	if (stat(path, &st) == -1)
		return diag_set(d, EX_NOINPUT, NULL, 0, "cannot open '%s': %s",
		    path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		*paths = xrealloc(*paths, (*n + 1) * sizeof(**paths));
		(*paths)[(*n)++] = xstrdup(path);
		return 0;
	}
	*is_dir = 1;
	if ((dir = opendir(path)) == NULL)
		return diag_set(d, EX_NOINPUT, NULL, 0, "cannot open '%s': %s",
		    path, strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		struct buf b;

		if (len <= 4 || strcmp(e->d_name + len - 4, ".csv") != 0 ||
		    e->d_name[0] == '.')
			continue;
		buf_init(&b);
		buf_printf(&b, "%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		if (stat(b.p, &st) == -1 || !S_ISREG(st.st_mode)) {
			buf_release(&b);
			continue;
		}
		names = xrealloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = buf_detach(&b, NULL);
	}
	closedir(dir);
	if (nn > 0)
		qsort(names, nn, sizeof(*names), cmp_board);
	*paths = xrealloc(*paths, (*n + nn + 1) * sizeof(**paths));
	for (i = 0; i < nn; i++)
		(*paths)[(*n)++] = names[i];
	free(names);
	return 0;
}
