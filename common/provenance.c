/* provenance.c: digests of the inputs of a record. */
#include "hash.h"
#include "provenance.h"

void
provenance_digest(const char *text, size_t len, char out[PROVENANCE_HEX + 1])
{
	unsigned char h[HASH_LEN];

	hash_sha256(text, len, h);
	hash_hex(h, PROVENANCE_HEX / 2, out);
}
