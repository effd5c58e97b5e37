/* pairing.c: battle sampling over the answers that exist. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pairing.h"

struct pairing {
	size_t nm, nq, words;
	uint64_t *bits;		/* nm rows of words: model m answered q */
	uint32_t **mq;		/* per model its questions */
	size_t *nmq;
	uint32_t **qm;		/* per question its models */
	size_t *nqm;
	uint32_t *eligible;	/* questions with two models or more */
	size_t neligible;
	long *count;		/* nm * nm, upper triangle used */
	unsigned char *shared;	/* nm * nm: the pair shares a question */
	size_t npairs;
	uint32_t *cand;		/* scratch: candidate pairs */
};

struct pairing *
pairing_new(size_t nmodels, size_t nquestions)
{
	struct pairing *p = xcalloc(1, sizeof(*p));

	p->nm = nmodels;
	p->nq = nquestions;
	p->words = (nquestions + 63) / 64;
	p->bits = xcalloc(nmodels * p->words + 1, sizeof(*p->bits));
	p->mq = xcalloc(nmodels + 1, sizeof(*p->mq));
	p->nmq = xcalloc(nmodels + 1, sizeof(*p->nmq));
	p->qm = xcalloc(nquestions + 1, sizeof(*p->qm));
	p->nqm = xcalloc(nquestions + 1, sizeof(*p->nqm));
	p->count = xcalloc(nmodels * nmodels + 1, sizeof(*p->count));
	p->shared = xcalloc(nmodels * nmodels + 1, 1);
	p->cand = xcalloc(nmodels * nmodels + 1, sizeof(*p->cand));
	return p;
}

void
pairing_free(struct pairing *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nm; i++)
		free(p->mq[i]);
	for (i = 0; i < p->nq; i++)
		free(p->qm[i]);
	free(p->mq);
	free(p->nmq);
	free(p->qm);
	free(p->nqm);
	free(p->bits);
	free(p->eligible);
	free(p->count);
	free(p->shared);
	free(p->cand);
	free(p);
}

static int
has(const struct pairing *p, size_t m, size_t q)
{
	return (p->bits[m * p->words + q / 64] >> (q % 64)) & 1;
}

void
pairing_add(struct pairing *p, size_t m, size_t q)
{
	p->bits[m * p->words + q / 64] |= 1ULL << (q % 64);
}

size_t
pairing_finish(struct pairing *p)
{
	size_t m, q, a, b, w;

	for (m = 0; m < p->nm; m++)
		for (q = 0; q < p->nq; q++)
			if (has(p, m, q)) {
				p->mq[m] = xrealloc(p->mq[m], (p->nmq[m] + 1) *
				    sizeof(**p->mq));
				p->mq[m][p->nmq[m]++] = (uint32_t)q;
				p->qm[q] = xrealloc(p->qm[q], (p->nqm[q] + 1) *
				    sizeof(**p->qm));
				p->qm[q][p->nqm[q]++] = (uint32_t)m;
			}
	p->eligible = xcalloc(p->nq + 1, sizeof(*p->eligible));
	for (q = 0; q < p->nq; q++)
		if (p->nqm[q] >= 2)
			p->eligible[p->neligible++] = (uint32_t)q;
	p->npairs = 0;
	for (a = 0; a < p->nm; a++)
		for (b = a + 1; b < p->nm; b++)
			for (w = 0; w < p->words; w++)
				if (p->bits[a * p->words + w] &
				    p->bits[b * p->words + w]) {
					p->shared[a * p->nm + b] = 1;
					p->npairs++;
					break;
				}
	return p->npairs;
}

static size_t
tri(const struct pairing *p, size_t a, size_t b)
{
	return a < b ? a * p->nm + b : b * p->nm + a;
}

void
pairing_note(struct pairing *p, size_t a, size_t b, long delta)
{
	if (a != b && a < p->nm && b < p->nm)
		p->count[tri(p, a, b)] += delta;
}

long
pairing_count(const struct pairing *p, size_t a, size_t b)
{
	return a != b && a < p->nm && b < p->nm ? p->count[tri(p, a, b)] : 0;
}

/* A question shared by a and b, uniformly (the pair shares one). */
static size_t
shared_question(const struct pairing *p, struct rng_xo *r, size_t a,
    size_t b)
{
	size_t i, n = 0, k;
	uint32_t q;

	/* Rejection from a's questions is uniform over the shared ones. */
	for (i = 0; i < 64; i++) {
		q = p->mq[a][rng_xo_below(r, p->nmq[a])];
		if (has(p, b, q))
			return q;
	}
	for (i = 0; i < p->nmq[a]; i++)
		n += has(p, b, p->mq[a][i]);
	k = (size_t)rng_xo_below(r, n);
	for (i = 0; i < p->nmq[a]; i++)
		if (has(p, b, p->mq[a][i]) && k-- == 0)
			return p->mq[a][i];
	return p->mq[a][0];	/* not reached */
}

int
pairing_draw(struct pairing *p, enum pairing_mode mode, struct rng_xo *r,
    size_t *q, size_t *a, size_t *b)
{
	size_t i, j, x, y, n = 0;
	long best = 0;

	if (p->npairs == 0)
		return -1;
	if (mode == PAIRING_UNIFORM) {
		*q = p->eligible[rng_xo_below(r, p->neligible)];
		i = (size_t)rng_xo_below(r, p->nqm[*q]);
		j = (size_t)rng_xo_below(r, p->nqm[*q] - 1);
		if (j >= i)
			j++;
		x = p->qm[*q][i];
		y = p->qm[*q][j];
	} else {
		for (i = 0; i < p->nm; i++)
			for (j = i + 1; j < p->nm; j++) {
				long c = p->count[i * p->nm + j];

				if (!p->shared[i * p->nm + j])
					continue;
				if (n == 0 || c < best) {
					best = c;
					n = 0;
				}
				if (c == best)
					p->cand[n++] = (uint32_t)(i * p->nm +
					    j);
			}
		i = p->cand[rng_xo_below(r, n)];
		x = i / p->nm;
		y = i % p->nm;
		*q = shared_question(p, r, x, y);
	}
	/* Random positions: either model may be shown as A. */
	if (rng_xo_next(r) & 1) {
		*a = x;
		*b = y;
	} else {
		*a = y;
		*b = x;
	}
	return 0;
}
