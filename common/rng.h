/* rng.h: seeded random streams for the bootstrap. */
#ifndef JUDGEPIPE_RNG_H
#define JUDGEPIPE_RNG_H

#include <stdint.h>

/*
 * xoshiro256** seeded per (board, round) through splitmix64, so every
 * bootstrap round has its own stream and results do not depend on the
 * order in which rounds are computed.
 */
struct rng_xo {
	uint64_t s[4];
};

/*
 * Seed r for board b (0 no_control, 1 style, 2 length, 3 markdown) and
 * round (0-based): splitmix64 from seed + 0x9E3779B97F4A7C15 *
 * (2^32 * b + round + 1), four outputs as s0..s3.
 */
void rng_xo_seed(struct rng_xo *r, uint64_t seed, uint64_t board,
    uint64_t round);
uint64_t rng_xo_next(struct rng_xo *r);
/* Uniform integer in [0, n), n >= 1 (Lemire's multiply and reject). */
uint64_t rng_xo_below(struct rng_xo *r, uint64_t n);

/*
 * MT19937 as numpy's legacy RandomState: np.random.seed(s) is
 * rng_mt_seed(s) (init_genrand), and randint(0, n) / choice(n) draw with
 * rng_mt_below.
 */
struct rng_mt {
	uint32_t mt[624];
	int idx;
};

void rng_mt_seed(struct rng_mt *r, uint32_t seed);
uint32_t rng_mt_next32(struct rng_mt *r);
/*
 * Uniform integer in [0, n), 1 <= n <= 2^32, by numpy's masked rejection:
 * mask = the smallest 2^k - 1 >= n - 1, v = next32() & mask until
 * v <= n - 1.  n = 1 returns 0 without consuming output.
 */
uint32_t rng_mt_below(struct rng_mt *r, uint64_t n);
/* numpy's random_sample(): a double in [0, 1) from two outputs. */
double rng_mt_double(struct rng_mt *r);

#endif
