/* jsonw.h: JSON output byte-compatible with Python's json.dumps and repr. */
#ifndef JUDGEPIPE_JSONW_H
#define JUDGEPIPE_JSONW_H

#include <stdio.h>
#include <jansson.h>

#include "buf.h"

enum jsonw_flags {
	JSONW_ENSURE_ASCII = 1 << 0,	/* \uXXXX for U+007F and non-ASCII */
	JSONW_COMPACT = 1 << 1,		/* "," and ":" separators */
	JSONW_SORT_KEYS = 1 << 2,	/* object keys sorted bytewise */
};

/*
 * Append v to out as Python json.dumps(v, ensure_ascii=False) writes it:
 * separators ", " and ": " (or compact), keys in insertion order, floats as
 * repr().  v is borrowed.
 */
void jsonw_dump(struct buf *out, const json_t *v, int flags);

/* Append s (n bytes of valid UTF-8) as a JSON string literal. */
void jsonw_string(struct buf *out, const char *s, size_t n, int flags);

/*
 * Append x as Python repr(float) writes it: shortest round-trip digits,
 * "50.0", "1e-05", "1e+16", "inf", "nan".  In JSON, jsonw_dump writes
 * Infinity/NaN as Python does.
 */
void jsonw_double(struct buf *out, double x);

/* Python round(x, ndigits) for ndigits >= 0 (correctly rounded). */
double jsonw_round(double x, int ndigits);

/*
 * A new JSON number: x rounded to ndigits as jsonw_round (unrounded when
 * ndigits < 0), or null when x is not finite (no value).
 */
json_t *jsonw_real(double x, int ndigits);

/*
 * Write v as one line (with "\n") to f.  Returns 0, or -1 on a write error.
 */
int jsonw_write_line(FILE *f, const json_t *v, int flags);

#endif
