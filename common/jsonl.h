/* jsonl.h: JSON Lines input (files, stdin, transparent zstd) with file:line. */
#ifndef JUDGEPIPE_JSONL_H
#define JUDGEPIPE_JSONL_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"

struct jsonl_reader;

/*
 * Open path ("-" or NULL: standard input, named "<stdin>") and read it whole,
 * decompressing zstd input (detected by magic number only, all frames,
 * skippable frames ignored).  Returns NULL and fills d (EX_NOINPUT when the
 * file cannot be opened, EX_DATAERR for a corrupt zstd stream).
 */
struct jsonl_reader *jsonl_open(const char *path, struct diag *d);

/* Wrap a memory buffer (copied); name is used in diagnostics. */
struct jsonl_reader *jsonl_open_mem(const char *name, const void *p,
    size_t n, struct diag *d);

void jsonl_free(struct jsonl_reader *r);	/* NULL-safe */

/* The name used in diagnostics: the path as given, or "<stdin>". */
const char *jsonl_name(const struct jsonl_reader *r);

/*
 * Next record: records end at "\n" only, one "\r" before it is dropped, and
 * lines of ASCII whitespace only are skipped.  Sets *line (not NUL-terminated
 * in general; valid while r lives), *len and *lineno (1-based).  Returns 1,
 * or 0 at end of input.
 */
int jsonl_next(struct jsonl_reader *r, const char **line, size_t *len,
    long *lineno);

/*
 * Parse one record as a JSON object (strict: UTF-8, no duplicate keys, no
 * NaN, int64 range, no raw NUL byte; "\u0000" allowed).  Returns a new reference or NULL with
 * d set to EX_DATAERR at file:lineno.
 */
json_t *jsonl_parse(const struct jsonl_reader *r, const char *line,
    size_t len, long lineno, struct diag *d);

/*
 * True when the line jsonl_next returned last ends the input without a
 * "\n": after a crash, the torn tail of an appended log.  A caller may
 * ignore such a line when it does not parse.
 */
int jsonl_at_torn_end(const struct jsonl_reader *r);

/* jsonl_next + jsonl_parse.  Returns 1 with *obj set, 0 at end, -1 on a
 * bad record (d set; the caller may report it and call again). */
int jsonl_read(struct jsonl_reader *r, json_t **obj, long *lineno,
    struct diag *d);

/*
 * Read a whole file (or "-") into memory, decompressing zstd.  Returns 0 and
 * a malloc'ed, NUL-terminated buffer, or -1 with d set.
 */
int jsonl_slurp(const char *path, char **out, size_t *outlen, struct diag *d);

/* True when p starts with a zstd frame or skippable-frame magic. */
int jsonl_is_zstd(const void *p, size_t n);

/*
 * Decompress every frame of a zstd stream (skippable frames ignored) into a
 * new NUL-terminated buffer.  Returns 0, or -1 with d set (EX_DATAERR).
 */
int jsonl_unzstd(const char *name, const void *p, size_t n, char **out,
    size_t *outlen, struct diag *d);

#endif
