/* jsonl.c: reads whole JSONL inputs, zstd-aware, and splits them on "\n". */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "buf.h"
#include "jsonl.h"

struct jsonl_reader {
	char *name;
	char *data;
	size_t len;
	size_t pos;
	long lineno;
};

int
jsonl_is_zstd(const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n < 4)
		return 0;
	if (b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD)
		return 1;
	return (b[0] & 0xF0) == 0x50 && b[1] == 0x2A && b[2] == 0x4D &&
	    b[3] == 0x18;
}

int
jsonl_unzstd(const char *name, const void *p, size_t n, char **out,
    size_t *outlen, struct diag *d)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer in = { p, n, 0 };
	struct buf b;
	size_t r = 0;

	buf_init(&b);
	ZSTD_initDStream(ds);
	while (in.pos < in.size) {
		ZSTD_outBuffer o;

		buf_grow(&b, 1 << 20);
		o.dst = b.p + b.len;
		o.size = b.cap - b.len - 1;
		o.pos = 0;
		r = ZSTD_decompressStream(ds, &o, &in);
		if (ZSTD_isError(r)) {
			ZSTD_freeDStream(ds);
			buf_release(&b);
			return diag_set(d, EX_DATAERR, name, 0,
			    "corrupt zstd data: %s", ZSTD_getErrorName(r));
		}
		b.len += o.pos;
		b.p[b.len] = '\0';
	}
	ZSTD_freeDStream(ds);
	if (r != 0) {
		buf_release(&b);
		return diag_set(d, EX_DATAERR, name, 0,
		    "truncated zstd data");
	}
	*out = buf_detach(&b, outlen);
	return 0;
}

static int
read_fd(int fd, const char *name, struct buf *b, struct diag *d)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		buf_grow(b, (size_t)st.st_size);
	for (;;) {
		ssize_t n;

		buf_grow(b, 1 << 16);
		n = read(fd, b->p + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return diag_set(d, EX_IOERR, NULL, 0,
			    "cannot read '%s': %s", name, strerror(errno));
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->p[b->len] = '\0';
	}
	return 0;
}

int
jsonl_slurp(const char *path, char **out, size_t *outlen, struct diag *d)
{
	int stdin_ = path == NULL || strcmp(path, "-") == 0;
	const char *name = stdin_ ? "<stdin>" : path;
	struct buf b;
	int fd = 0;

	if (!stdin_) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return diag_set(d, EX_NOINPUT, NULL, 0,
			    "cannot open '%s': %s", path, strerror(errno));
	}
	buf_init(&b);
	if (read_fd(fd, name, &b, d) == -1) {
		if (!stdin_)
			close(fd);
		buf_release(&b);
		return -1;
	}
	if (!stdin_)
		close(fd);
	if (jsonl_is_zstd(b.p, b.len)) {
		int rc = jsonl_unzstd(name, b.p, b.len, out, outlen, d);

		buf_release(&b);
		return rc;
	}
	*out = buf_detach(&b, outlen);
	return 0;
}

static struct jsonl_reader *
reader_new(const char *name, char *data, size_t len)
{
	struct jsonl_reader *r = xcalloc(1, sizeof(*r));

	r->name = xstrdup(name);
	r->data = data;
	r->len = len;
	return r;
}

struct jsonl_reader *
jsonl_open(const char *path, struct diag *d)
{
	int stdin_ = path == NULL || strcmp(path, "-") == 0;
	char *data;
	size_t len;

	if (jsonl_slurp(path, &data, &len, d) == -1)
		return NULL;
	return reader_new(stdin_ ? "<stdin>" : path, data, len);
}

struct jsonl_reader *
jsonl_open_mem(const char *name, const void *p, size_t n, struct diag *d)
{
	char *data;
	size_t len;

	if (jsonl_is_zstd(p, n)) {
		if (jsonl_unzstd(name, p, n, &data, &len, d) == -1)
			return NULL;
	} else {
		data = xstrndup(p, n);
		len = n;
	}
	return reader_new(name, data, len);
}

void
jsonl_free(struct jsonl_reader *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->data);
	free(r);
}

const char *
jsonl_name(const struct jsonl_reader *r)
{
	return r->name;
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\f' && p[i] != '\v')
			return 0;
	return 1;
}

int
jsonl_next(struct jsonl_reader *r, const char **line, size_t *len,
    long *lineno)
{
	while (r->pos < r->len) {
		const char *s = r->data + r->pos;
		const char *nl = memchr(s, '\n', r->len - r->pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : r->len - r->pos;

		r->pos += n + (nl != NULL);
		r->lineno++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (blank(s, n))
			continue;
		*line = s;
		*len = n;
		*lineno = r->lineno;
		return 1;
	}
	return 0;
}

int
jsonl_at_torn_end(const struct jsonl_reader *r)
{
	return r->pos == r->len && r->len > 0 && r->data[r->len - 1] != '\n';
}

json_t *
jsonl_parse(const struct jsonl_reader *r, const char *line, size_t len,
    long lineno, struct diag *d)
{
	json_error_t err;
	const char *nul;
	json_t *v;

	/*
	 * JSON has no NUL byte outside strings (inside, it is a control
	 * character), but jansson skips one that follows a number or a
	 * literal: {"a": 0<NUL>} loads.  Refuse them all, as Python does.
	 */
	nul = memchr(line, '\0', len);
	if (nul != NULL) {
		diag_set(d, EX_DATAERR, r->name, lineno, "invalid JSON: NUL "
		    "byte at column %zu", (size_t)(nul - line) + 1);
		return NULL;
	}
	v = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &err);
	if (v == NULL) {
		diag_set(d, EX_DATAERR, r->name, lineno, "invalid JSON: %s",
		    err.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		diag_set(d, EX_DATAERR, r->name, lineno,
		    "record is not a JSON object");
		return NULL;
	}
	return v;
}

int
jsonl_read(struct jsonl_reader *r, json_t **obj, long *lineno,
    struct diag *d)
{
	const char *line;
	size_t len;

	if (!jsonl_next(r, &line, &len, lineno))
		return 0;
	*obj = jsonl_parse(r, line, len, *lineno, d);
	return *obj != NULL ? 1 : -1;
}
