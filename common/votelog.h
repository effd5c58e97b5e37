/* votelog.h: the arena's vote log, appended with group commit. */
#ifndef JUDGEPIPE_VOTELOG_H
#define JUDGEPIPE_VOTELOG_H

#include <stddef.h>

#include "diag.h"

/*
 * A JSONL file that only grows.  Lines are appended by one committer
 * thread: every line queued while the previous batch was being written
 * goes out in the next single write(2), followed by one fdatasync(2), and
 * only then is each line's done callback told that it is stored (group
 * commit).  A line whose callback said ok survives a crash or kill -9.
 *
 * A crash can leave a torn last line (no "\n"): opening the log cuts it,
 * so the next append starts on a line of its own; readers ignore it.
 * Nothing else is ever changed in the file.  An exclusive flock(2) keeps a
 * second server off the same log.
 */
struct votelog;

/* A complete line (without its "\n") read at open; 0, or -1 with d set. */
typedef int votelog_line_fn(void *arg, const char *line, size_t len,
    long lineno, struct diag *d);

/*
 * Called on the committer thread once per appended line: ok is 1 when the
 * line is written and synced, 0 when the write or sync failed.
 */
typedef void votelog_done_fn(void *arg, int ok);

/*
 * Open or create path (0644), lock it, cut a torn last line (its length
 * goes to *torn, 0 when none), pass every line to fn (when not NULL) and
 * start the committer thread.  Returns NULL with d set: EX_CANTCREAT when
 * it cannot be opened or created, EX_TEMPFAIL when another process holds
 * it, EX_IOERR on a read or truncate error, or what fn set.
 */
struct votelog *votelog_open(const char *path, votelog_line_fn *fn,
    void *arg, size_t *torn, struct diag *d);

/*
 * Queue line[0..len) (one record ending in "\n", copied) for appending;
 * done(arg, ok) follows on the committer thread.  After a failed write or
 * sync the log takes nothing more: done(arg, 0) is called at once.
 */
void votelog_append(struct votelog *l, const char *line, size_t len,
    votelog_done_fn *done, void *arg);

/* True once a write or sync has failed. */
int votelog_failed(struct votelog *l);

/* Lines and batches (write + sync) committed since open. */
void votelog_stats(struct votelog *l, unsigned long long *lines,
    unsigned long long *batches);

/*
 * Commit everything queued, stop the committer and close the file
 * (NULL-safe).  Returns 0, or -1 when a write, sync or close failed.
 */
int votelog_close(struct votelog *l);

/*
 * For readers: the length of data[0..len) without a torn last line (one
 * that lacks its "\n").
 */
size_t votelog_complete_len(const char *data, size_t len);

#endif
