/* provenance.h: short digests that tie a record to what it was made from. */
#ifndef JUDGEPIPE_PROVENANCE_H
#define JUDGEPIPE_PROVENANCE_H

#include <stddef.h>

/*
 * A digest is the first PROVENANCE_HEX lower-case hex digits of the
 * SHA-256 of a text's UTF-8 bytes: 64 bits, so an edited text keeps its
 * old digest with probability 2^-64, while a record stays short.
 */
#define PROVENANCE_HEX 16

/* Write the digest of text[0..len) and a NUL into out. */
void provenance_digest(const char *text, size_t len,
    char out[PROVENANCE_HEX + 1]);

#endif
