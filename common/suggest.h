/* suggest.h: the known names closest to a misspelt one ("did you mean"). */
#ifndef JUDGEPIPE_SUGGEST_H
#define JUDGEPIPE_SUGGEST_H

#include <stddef.h>

#include "buf.h"

/*
 * The edit distance between a and b, ASCII case ignored: insertions,
 * deletions, substitutions and swaps of adjacent bytes cost 1 each
 * (optimal string alignment).
 */
size_t suggest_distance(const char *a, const char *b);

/*
 * Append to b the names (of n) closest to word, as "'x'", "'x' or 'y'" or
 * "'x', 'y' or 'z'": at most three, all at the smallest distance found,
 * in the order given, and only names within about a third of word's length
 * (at least 2) of it; word itself is skipped.  Returns how many were
 * appended (0 leaves b untouched).
 */
size_t suggest_closest(struct buf *b, const char *word,
    const char *const *names, size_t n);

#endif
