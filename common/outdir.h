/* outdir.h: the files of an output folder, written whole or not at all. */
#ifndef JUDGEPIPE_OUTDIR_H
#define JUDGEPIPE_OUTDIR_H

#include <stddef.h>

#include "diag.h"

/*
 * Usage:
 *	o = outdir_begin(dir, &d);		(creates dir if missing)
 *	outdir_add(o, "index.html", p, n, &d);	(each file; subfolders too)
 *	outdir_commit(o, &d);			(renames them all into place)
 *	outdir_free(o);
 *
 * Each file is written to a temporary file beside its destination
 * (".NAME.XXXXXX") and renamed only by outdir_commit, once every file is
 * written, so a failure (or outdir_free without a commit) leaves no new
 * file behind: the temporary files are removed, and so are the folders
 * outdir made.  Existing files are replaced only on commit.  Files get
 * mode 0666 less the umask, as with fopen.
 */
struct outdir;

/* Returns NULL with d set (EX_CANTCREAT) when dir cannot be made. */
struct outdir *outdir_begin(const char *dir, struct diag *d);

/*
 * Write p[0..n) as dir/relpath (relpath: names without "..", separated by
 * "/"; missing folders are made).  Returns 0, or -1 with d set
 * (EX_CANTCREAT, EX_IOERR).
 */
int outdir_add(struct outdir *o, const char *relpath, const void *p,
    size_t n, struct diag *d);

/* Rename every file into place.  Returns 0, or -1 with d set. */
int outdir_commit(struct outdir *o, struct diag *d);

/* Remove what was not committed and free o (NULL-safe). */
void outdir_free(struct outdir *o);

/*
 * One file outside a folder of them: write p[0..n) to path through a
 * temporary file beside it and a rename, so that a reader sees the old
 * file or the whole new one (a server's port file).  The folder must
 * exist.  Returns 0, or -1 with d set (EX_CANTCREAT, EX_IOERR).
 */
int outdir_write_file(const char *path, const void *p, size_t n,
    struct diag *d);

#endif
