/* textsim.c: normalised-text hashes and bottom-k shingle sketches. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "textsim.h"

/* splitmix64's finaliser: a cheap, well-mixed 64-bit hash of x. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Normalise text into out (see textsim.h); returns its length. */
static size_t
normalise(const char *text, size_t len, char *out)
{
	size_t i, n = 0;
	int space = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (is_space(c)) {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') :
		    (char)c;
	}
	return n;
}

/* Insert h into the sorted set s (n entries, at most K), keeping the K
 * smallest distinct values. */
static void
bottom_insert(uint64_t *s, uint16_t *n, uint64_t h)
{
	size_t lo = 0, hi = *n;

	if (*n == TEXTSIM_K && h >= s[TEXTSIM_K - 1])
		return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < *n && s[lo] == h)
		return;
	if (*n < TEXTSIM_K)
		(*n)++;
	memmove(&s[lo + 1], &s[lo], (*n - 1 - lo) * sizeof(*s));
	s[lo] = h;
}

void
textsim_make(const char *text, size_t len, struct textsim *out)
{
	char *norm = xmalloc(len + 1);
	size_t n = normalise(text, len, norm), i;

	memset(out, 0, sizeof(*out));
	out->exact = hash_fnv1a(HASH_FNV_INIT, norm, n);
	if (n < 8) {
		uint64_t w = 0;

		memcpy(&w, norm, n);
		bottom_insert(out->sketch, &out->n, mix(w ^ n));
	}
	for (i = 0; i + 8 <= n; i++) {
		uint64_t w;

		memcpy(&w, norm + i, 8);
		bottom_insert(out->sketch, &out->n, mix(w));
	}
	free(norm);
}

double
textsim_jaccard(const struct textsim *a, const struct textsim *b)
{
	size_t i = 0, j = 0, taken = 0, both = 0, k;

	if (a->n == 0 || b->n == 0)
		return a->n == b->n ? 1.0 : 0.0;
	/*
	 * The k smallest values of the union are a uniform sample of it;
	 * the share of them present in both sketches estimates |A^B|/|AvB|.
	 */
	k = a->n < b->n ? a->n : b->n;
	while (taken < k && (i < a->n || j < b->n)) {
		if (j >= b->n || (i < a->n && a->sketch[i] < b->sketch[j]))
			i++;
		else if (i >= a->n || b->sketch[j] < a->sketch[i])
			j++;
		else {
			both++;
			i++;
			j++;
		}
		taken++;
	}
	return (double)both / (double)taken;
}
