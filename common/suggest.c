/* suggest.c: edit distance and "did you mean" lists. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

#define SUGGEST_MAX 3

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *block, *prev2, *prev, *cur, *t;

	/* Three rows of the dynamic programme (the swap looks two back). */
	block = xcalloc(3 * (lb + 1), sizeof(*block));
	prev2 = block;
	prev = prev2 + lb + 1;
	cur = prev + lb + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);

			d = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)
			    b[j - 2]) && tolower((unsigned char)a[i - 2]) ==
			    cb && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(block);
	return d;
}

size_t
suggest_closest(struct buf *b, const char *word, const char *const *names,
    size_t n)
{
	size_t limit = strlen(word) / 3, best = (size_t)-1, i, k = 0, d;
	size_t pick[SUGGEST_MAX];

	if (limit < 2)
		limit = 2;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], word) == 0)
			continue;
		d = suggest_distance(word, names[i]);
		if (d > limit || d > best)
			continue;
		if (d < best) {
			best = d;
			k = 0;
		}
		if (k < SUGGEST_MAX)
			pick[k++] = i;
	}
	for (i = 0; i < k; i++)
		buf_printf(b, "%s'%s'", i == 0 ? "" : i + 1 == k ? " or " :
		    ", ", names[pick[i]]);
	return k;
}
