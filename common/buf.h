/* buf.h: a growable byte buffer, always NUL-terminated. */
#ifndef JUDGEPIPE_BUF_H
#define JUDGEPIPE_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Invariant: after buf_init, p is never NULL and p[len] == '\0'.  Allocation
 * failure aborts (there is nothing sensible to do without memory).
 */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);		/* frees, leaves b empty */
void buf_reset(struct buf *b);			/* len = 0, keeps memory */
void buf_grow(struct buf *b, size_t extra);	/* room for extra more */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append p[0..n) in base64 (RFC 4648, with padding). */
void buf_add_base64(struct buf *b, const void *p, size_t n);
/* Hands the memory to the caller (free() it) and re-inits b. */
char *buf_detach(struct buf *b, size_t *len);

/* malloc/realloc/strdup that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
