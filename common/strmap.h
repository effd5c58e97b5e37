/* strmap.h: a small open-addressing map from byte strings to indices. */
#ifndef JUDGEPIPE_STRMAP_H
#define JUDGEPIPE_STRMAP_H

#include <stddef.h>

#define STRMAP_NONE ((size_t)-1)

/* Zero-initialise (struct strmap m = {0}) before use; keys are copied. */
struct strmap {
	struct strmap_slot {
		char *key;	/* NULL: empty */
		size_t len;
		size_t val;
	} *v;
	size_t n, cap;
};

/* The value of key[0..len), or STRMAP_NONE. */
size_t strmap_get(const struct strmap *m, const char *key, size_t len);

/* Set key[0..len) to val (a copy of the key is kept; val != STRMAP_NONE). */
void strmap_put(struct strmap *m, const char *key, size_t len, size_t val);

/* Free the keys and the table; m is empty again. */
void strmap_release(struct strmap *m);

#endif
