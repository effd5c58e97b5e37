/* strmap.c: byte-string keys to indices, FNV-1a and linear probing. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "strmap.h"

static struct strmap_slot *
slot(const struct strmap *m, const char *key, size_t len)
{
	size_t i = hash_fnv1a(HASH_FNV_INIT, key, len) & (m->cap - 1);

	while (m->v[i].key != NULL && (m->v[i].len != len ||
	    memcmp(m->v[i].key, key, len) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

size_t
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	const struct strmap_slot *s;

	if (m->cap == 0)
		return STRMAP_NONE;
	s = slot(m, key, len);
	return s->key != NULL ? s->val : STRMAP_NONE;
}

void
strmap_put(struct strmap *m, const char *key, size_t len, size_t val)
{
	struct strmap_slot *s;

	if (2 * (m->n + 1) > m->cap) {
		struct strmap old = *m;
		size_t i;

		m->cap = m->cap == 0 ? 64 : 2 * m->cap;
		m->v = xcalloc(m->cap, sizeof(*m->v));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.v[i].key != NULL) {
				*slot(m, old.v[i].key, old.v[i].len) = old.v[i];
				m->n++;
			}
		free(old.v);
	}
	s = slot(m, key, len);
	if (s->key == NULL) {
		s->key = xstrndup(key, len);
		s->len = len;
		m->n++;
	}
	s->val = val;
}

void
strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
