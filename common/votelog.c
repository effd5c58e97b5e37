/* votelog.c: append-only JSONL vote log with one writer thread (group commit). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "votelog.h"

struct pending {
	size_t off, len;	/* the line in the queue's text */
	votelog_done_fn *done;
	void *arg;
};

struct queue {
	struct buf text;
	struct pending *v;
	size_t n, cap;
};

struct votelog {
	int fd;
	off_t size;		/* bytes known to be whole lines */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct queue q;		/* filled by appenders, under mu */
	int stopping;
	int failed;
	unsigned long long lines, batches;
};

static void
queue_release(struct queue *q)
{
	buf_release(&q->text);
	free(q->v);
	memset(q, 0, sizeof(*q));
	buf_init(&q->text);
}

size_t
votelog_complete_len(const char *data, size_t len)
{
	while (len > 0 && data[len - 1] != '\n')
		len--;
	return len;
}

/* Write all of p[0..n) at the end of the file. */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *
committer(void *arg)
{
	struct votelog *l = arg;
	struct queue batch;
	size_t i;
	int ok;

	memset(&batch, 0, sizeof(batch));
	buf_init(&batch.text);
	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (l->q.n == 0 && !l->stopping)
			pthread_cond_wait(&l->cv, &l->mu);
		if (l->q.n == 0 && l->stopping)
			break;
		/* Take everything queued: this is the group of the commit. */
		batch = l->q;
		memset(&l->q, 0, sizeof(l->q));
		buf_init(&l->q.text);
		ok = !l->failed;
		pthread_mutex_unlock(&l->mu);
		if (ok && (write_all(l->fd, batch.text.p, batch.text.len) ==
		    -1 || fdatasync(l->fd) == -1)) {
			/*
			 * The state of the file is unknown: cut what may
			 * have reached it and take nothing more, since no
			 * vote of this batch will be acknowledged.
			 */
			if (ftruncate(l->fd, l->size) == 0)
				(void)fdatasync(l->fd);
			ok = 0;
		}
		if (ok)
			l->size += (off_t)batch.text.len;
		for (i = 0; i < batch.n; i++)
			batch.v[i].done(batch.v[i].arg, ok);
		pthread_mutex_lock(&l->mu);
		if (ok) {
			l->lines += batch.n;
			l->batches++;
		} else {
			l->failed = 1;
		}
		queue_release(&batch);
	}
	pthread_mutex_unlock(&l->mu);
	buf_release(&batch.text);
	return NULL;
}

/* Cut a torn last line, then hand every complete line to fn. */
static int
scan(struct votelog *l, const char *path, votelog_line_fn *fn, void *arg,
    size_t *torn, struct diag *d)
{
	struct buf data;
	char chunk[65536];
	size_t whole, start, i;
	long lineno = 0;
	ssize_t n;
	int rc = 0;

	buf_init(&data);
	while ((n = read(l->fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = diag_set(d, EX_IOERR, NULL, 0, "cannot read '%s': "
			    "%s", path, strerror(errno));
			goto out;
		}
		buf_add(&data, chunk, (size_t)n);
	}
	whole = votelog_complete_len(data.p, data.len);
	*torn = data.len - whole;
	if (*torn > 0 && (ftruncate(l->fd, (off_t)whole) == -1 ||
	    fdatasync(l->fd) == -1)) {
		rc = diag_set(d, EX_IOERR, NULL, 0, "cannot cut the torn last "
		    "line of '%s': %s", path, strerror(errno));
		goto out;
	}
	l->size = (off_t)whole;
	for (start = 0, i = 0; fn != NULL && i < whole; i++) {
		if (data.p[i] != '\n')
			continue;
		lineno++;
		if (fn(arg, data.p + start, i - start, lineno, d) == -1) {
			rc = -1;
			goto out;
		}
		start = i + 1;
	}
out:
	buf_release(&data);
	return rc;
}

struct votelog *
votelog_open(const char *path, votelog_line_fn *fn, void *arg, size_t *torn,
    struct diag *d)
{
	struct votelog *l;

	l = xcalloc(1, sizeof(*l));
	*torn = 0;
	l->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (l->fd == -1) {
		diag_set(d, EX_CANTCREAT, NULL, 0, "cannot open '%s': %s", path,
		    strerror(errno));
		free(l);
		return NULL;
	}
	if (flock(l->fd, LOCK_EX | LOCK_NB) == -1) {
		diag_set(d, errno == EWOULDBLOCK ? EX_TEMPFAIL : EX_IOERR,
		    NULL, 0, "'%s' is in use by another process%s", path,
		    errno == EWOULDBLOCK ? "" : " (cannot lock it)");
		close(l->fd);
		free(l);
		return NULL;
	}
	if (scan(l, path, fn, arg, torn, d) == -1) {
		close(l->fd);
		free(l);
		return NULL;
	}
	buf_init(&l->q.text);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	if (pthread_create(&l->thread, NULL, committer, l) != 0) {
		diag_set(d, EX_OSERR, NULL, 0, "cannot start a thread");
		pthread_mutex_destroy(&l->mu);
		pthread_cond_destroy(&l->cv);
		buf_release(&l->q.text);
		close(l->fd);
		free(l);
		return NULL;
	}
	return l;
}

void
votelog_append(struct votelog *l, const char *line, size_t len,
    votelog_done_fn *done, void *arg)
{
	struct pending *p;

	pthread_mutex_lock(&l->mu);
	if (l->failed || l->stopping) {
		pthread_mutex_unlock(&l->mu);
		done(arg, 0);
		return;
	}
	if (l->q.n == l->q.cap) {
		l->q.cap = l->q.cap ? 2 * l->q.cap : 64;
		l->q.v = xrealloc(l->q.v, l->q.cap * sizeof(*l->q.v));
	}
	p = &l->q.v[l->q.n++];
	p->off = l->q.text.len;
	p->len = len;
	p->done = done;
	p->arg = arg;
	buf_add(&l->q.text, line, len);
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

int
votelog_failed(struct votelog *l)
{
	int f;

	pthread_mutex_lock(&l->mu);
	f = l->failed;
	pthread_mutex_unlock(&l->mu);
	return f;
}

void
votelog_stats(struct votelog *l, unsigned long long *lines,
    unsigned long long *batches)
{
	pthread_mutex_lock(&l->mu);
	*lines = l->lines;
	*batches = l->batches;
	pthread_mutex_unlock(&l->mu);
}

int
votelog_close(struct votelog *l)
{
	int rc;

	if (l == NULL)
		return 0;
	pthread_mutex_lock(&l->mu);
	l->stopping = 1;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	pthread_join(l->thread, NULL);
	rc = l->failed ? -1 : 0;
	if (close(l->fd) == -1)
		rc = -1;
	queue_release(&l->q);
	buf_release(&l->q.text);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	free(l);
	return rc;
}
