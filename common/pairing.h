/* pairing.h: drawing battles: a question and two models in random positions. */
#ifndef JUDGEPIPE_PAIRING_H
#define JUDGEPIPE_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

enum pairing_mode {
	PAIRING_UNIFORM,	/* a question, then two of its models */
	PAIRING_BALANCED,	/* the pair with the fewest battles first */
};

/*
 * Which model answered which question, and how many battles each pair of
 * models has had so far.  Not thread-safe: the caller locks.
 */
struct pairing;

/* For nmodels models and nquestions questions (both below 2^31). */
struct pairing *pairing_new(size_t nmodels, size_t nquestions);
void pairing_free(struct pairing *p);	/* NULL-safe */

/* Record that model m has an answer to question q. */
void pairing_add(struct pairing *p, size_t m, size_t q);

/*
 * Index what was added.  Returns the number of pairs of models that share
 * at least one question (0: no battle can be drawn).
 */
size_t pairing_finish(struct pairing *p);

/* Add delta to the battle count of the unordered pair (a, b). */
void pairing_note(struct pairing *p, size_t a, size_t b, long delta);

/* The battle count of the pair (a, b). */
long pairing_count(const struct pairing *p, size_t a, size_t b);

/*
 * Draw a battle with r: question *q and models *a (shown as A) and *b,
 * distinct, both with an answer to *q, their positions random.  uniform:
 * a question uniformly among those with two or more models, then two of
 * its models uniformly.  balanced: uniformly among the pairs with the
 * lowest count (pairing_note), then a question they share uniformly.
 * Returns 0, or -1 when no battle is possible.
 */
int pairing_draw(struct pairing *p, enum pairing_mode mode,
    struct rng_xo *r, size_t *q, size_t *a, size_t *b);

#endif
