/* outdir.c: write a folder's files through temporary files and renames. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "outdir.h"

struct outdir {
	char *dir;
	char **tmp, **dst;	/* pending files */
	size_t n;
	char **made;		/* folders made, in order */
	size_t nmade;
	mode_t mode;
};

/* mkdir path unless it exists; remember it when made. */
static int
make_dir(struct outdir *o, const char *path, struct diag *d)
{
	struct stat st;

	if (mkdir(path, 0777) == 0) {
		o->made = xrealloc(o->made, (o->nmade + 1) *
		    sizeof(*o->made));
		o->made[o->nmade++] = xstrdup(path);
		return 0;
	}
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return diag_set(d, EX_CANTCREAT, NULL, 0, "cannot create '%s': %s",
	    path, errno == EEXIST ? "not a directory" : strerror(errno));
}

struct outdir *
outdir_begin(const char *dir, struct diag *d)
{
	struct outdir *o = xcalloc(1, sizeof(*o));
	mode_t mask = umask(0);

	umask(mask);
	o->mode = 0666 & ~mask;
	o->dir = xstrdup(dir);
	if (make_dir(o, dir, d) == -1) {
		outdir_free(o);
		return NULL;
	}
	return o;
}

static int
bad_path(const char *rel)
{
	const char *p = rel;

	if (*rel == '\0' || *rel == '/')
		return 1;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 1;
		p += n;
		if (*p == '/')
			p++;
		else
			break;
	}
	return rel[strlen(rel) - 1] == '/';
}

/* Write p[0..n) to fd (the temporary file tmp), set mode, close fd. */
static int
fill(int fd, const char *tmp, const void *p, size_t n, mode_t mode,
    struct diag *d)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = write(fd, (const char *)p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < n || fchmod(fd, mode) == -1) {
		diag_set(d, EX_IOERR, NULL, 0, "cannot write '%s': %s", tmp,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return diag_set(d, EX_IOERR, NULL, 0, "cannot write '%s': %s",
		    tmp, strerror(errno));
	return 0;
}

int
outdir_add(struct outdir *o, const char *relpath, const void *p, size_t n,
    struct diag *d)
{
	struct buf path, tmp;
	const char *slash, *base;
	int fd;

	if (bad_path(relpath))
		return diag_set(d, EX_SOFTWARE, NULL, 0, "bad output name "
		    "'%s'", relpath);
	buf_init(&path);
	buf_printf(&path, "%s/%s", o->dir, relpath);
	/* Make the folders on the way. */
	for (slash = strchr(relpath, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		struct buf sub;
		int rc;

		buf_init(&sub);
		buf_printf(&sub, "%s/%.*s", o->dir, (int)(slash - relpath),
		    relpath);
		rc = make_dir(o, sub.p, d);
		buf_release(&sub);
		if (rc == -1) {
			buf_release(&path);
			return -1;
		}
	}
	base = strrchr(path.p, '/') + 1;
	buf_init(&tmp);
	buf_printf(&tmp, "%.*s.%s.XXXXXX", (int)(base - path.p), path.p,
	    base);
	if ((fd = mkstemp(tmp.p)) == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot create '%s': %s",
		    tmp.p, strerror(errno));
		buf_release(&tmp);
		buf_release(&path);
		return -1;
	}
	o->tmp = xrealloc(o->tmp, (o->n + 1) * sizeof(*o->tmp));
	o->dst = xrealloc(o->dst, (o->n + 1) * sizeof(*o->dst));
	o->tmp[o->n] = buf_detach(&tmp, NULL);
	o->dst[o->n] = buf_detach(&path, NULL);
	o->n++;
	return fill(fd, o->tmp[o->n - 1], p, n, o->mode, d);
}

int
outdir_commit(struct outdir *o, struct diag *d)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (rename(o->tmp[i], o->dst[i]) == -1)
			return diag_set(d, EX_CANTCREAT, NULL, 0, "cannot "
			    "rename '%s' to '%s': %s", o->tmp[i], o->dst[i],
			    strerror(errno));
		free(o->tmp[i]);
		o->tmp[i] = NULL;
	}
	/* Committed: the folders stay. */
	for (i = 0; i < o->nmade; i++)
		free(o->made[i]);
	o->nmade = 0;
	return 0;
}

void
outdir_free(struct outdir *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++) {
		if (o->tmp[i] != NULL)
			unlink(o->tmp[i]);
		free(o->tmp[i]);
		free(o->dst[i]);
	}
	/* Innermost first. */
	for (i = o->nmade; i > 0; i--) {
		rmdir(o->made[i - 1]);
		free(o->made[i - 1]);
	}
	free(o->tmp);
	free(o->dst);
	free(o->made);
	free(o->dir);
	free(o);
}

int
outdir_write_file(const char *path, const void *p, size_t n, struct diag *d)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	mode_t mask = umask(0);
	struct buf tmp;
	int fd, rc = 0;

	umask(mask);
	buf_init(&tmp);
	buf_printf(&tmp, "%.*s.%s.XXXXXX", (int)(base - path), path, base);
	if ((fd = mkstemp(tmp.p)) == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot create '%s': %s",
		    tmp.p, strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	if (fill(fd, tmp.p, p, n, 0666 & ~mask, d) == -1)
		rc = -1;
	else if (rename(tmp.p, path) == -1)
		rc = diag_set(d, EX_CANTCREAT, NULL, 0, "cannot rename '%s' "
		    "to '%s': %s", tmp.p, path, strerror(errno));
	if (rc == -1)
		unlink(tmp.p);
	buf_release(&tmp);
	return rc;
}
