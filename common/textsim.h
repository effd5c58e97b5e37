/* textsim.h: fingerprints that tell identical and nearly identical texts. */
#ifndef JUDGEPIPE_TEXTSIM_H
#define JUDGEPIPE_TEXTSIM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Two answers are compared after normalisation: runs of ASCII whitespace
 * become one space, leading and trailing whitespace is dropped and ASCII
 * letters are lower-cased (so re-wrapped or re-indented copies still
 * match; other bytes, Korean and Chinese text included, stay as they are).
 *
 * exact is a 64-bit hash of the normalised text: equal texts have equal
 * hashes.  sketch holds the TEXTSIM_K smallest distinct 64-bit hashes of
 * its 8-byte shingles (every run of 8 consecutive bytes; a text shorter
 * than that is one shingle), sorted ascending: a bottom-k MinHash sketch.
 * From two sketches, textsim_jaccard estimates the Jaccard similarity of
 * the two shingle sets (standard error about 0.06 for k = 64).  Building a
 * fingerprint is one pass over the text, about a nanosecond per byte.
 */
#define TEXTSIM_K 64

struct textsim {
	uint64_t exact;
	uint16_t n;			/* sketch entries (< K: short text) */
	uint64_t sketch[TEXTSIM_K];
};

/* Fingerprint the len bytes at text into out. */
void textsim_make(const char *text, size_t len, struct textsim *out);

/* Estimated Jaccard similarity of the shingle sets of a and b, 0 to 1. */
double textsim_jaccard(const struct textsim *a, const struct textsim *b);

#endif
