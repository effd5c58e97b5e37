/* rng.c: xoshiro256** with splitmix64 seeding, and numpy's legacy MT19937. */
#include <stdint.h>

#include "rng.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z;

	*x += GOLDEN;
	z = *x;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void
rng_xo_seed(struct rng_xo *r, uint64_t seed, uint64_t board, uint64_t round)
{
	uint64_t x = seed + GOLDEN * ((board << 32) + round + 1);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_xo_next(struct rng_xo *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t
rng_xo_below(struct rng_xo *r, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)rng_xo_next(r) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		/* (2^64 - n) mod n, computed without 128-bit division. */
		uint64_t thresh = -n % n;

		while (lo < thresh) {
			m = (unsigned __int128)rng_xo_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

void
rng_mt_seed(struct rng_mt *r, uint32_t seed)
{
	int i;

	r->mt[0] = seed;
	for (i = 1; i < 624; i++)
		r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) +
		    (uint32_t)i;
	r->idx = 624;
}

static void
mt_refill(struct rng_mt *r)
{
	uint32_t *mt = r->mt, y;
	int i;

	for (i = 0; i < 624; i++) {
		y = (mt[i] & 0x80000000U) | (mt[(i + 1) % 624] & 0x7fffffffU);
		mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^
		    ((y & 1U) ? 0x9908b0dfU : 0U);
	}
	r->idx = 0;
}

uint32_t
rng_mt_next32(struct rng_mt *r)
{
	uint32_t y;

	if (r->idx >= 624)
		mt_refill(r);
	y = r->mt[r->idx++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680U;
	y ^= (y << 15) & 0xefc60000U;
	y ^= y >> 18;
	return y;
}

uint32_t
rng_mt_below(struct rng_mt *r, uint64_t n)
{
	uint32_t max, mask, v;

	if (n <= 1)
		return 0;
	max = (uint32_t)(n - 1);
	mask = max;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	do
		v = rng_mt_next32(r) & mask;
	while (v > max);
	return v;
}

double
rng_mt_double(struct rng_mt *r)
{
	uint32_t a = rng_mt_next32(r) >> 5, b = rng_mt_next32(r) >> 6;

	return (a * 67108864.0 + b) / 9007199254740992.0;
}
