/* price.c: what calls cost at an entry's list prices. */
#include <stddef.h>

#include "price.h"

static double
nonneg(long long v)
{
	return v > 0 ? (double)v : 0;
}

double
price_cost_usd(const struct price *p, long long prompt, long long cached,
    long long completion)
{
	double in = nonneg(prompt), hit = nonneg(cached);

	if (p == NULL || !p->known)
		return -1;
	if (hit > in)
		hit = in;
	return ((in - hit) * p->input + hit * p->cached_input +
	    nonneg(completion) * p->output) / 1e6;
}

double
price_bound_usd(const struct price *p, long long prompt, long long max_tokens)
{
	return price_cost_usd(p, prompt, 0, max_tokens);
}
