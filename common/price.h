/* price.h: list prices of a model and what its calls cost. */
#ifndef JUDGEPIPE_PRICE_H
#define JUDGEPIPE_PRICE_H

/*
 * The prices of one API-config entry in US dollars per million tokens,
 * from its optional "price:" mapping {input, cached_input, output}
 * (apiconfig.h reads it).  known is 0 when the entry names no price: its
 * costs are then unknown, not zero, and are printed as null.
 * cached_input is the price of a prompt token the provider served from
 * its prompt cache (OpenAI usage.prompt_tokens_details.cached_tokens,
 * Anthropic cache_read_input_tokens); it defaults to input.
 */
struct price {
	int known;
	double input;
	double cached_input;
	double output;
};

/*
 * The cost in US dollars of a call that used prompt tokens, cached of
 * them read from the provider's prompt cache, and completion tokens:
 *
 *	((prompt - cached) x input + cached x cached_input
 *	    + completion x output) / 10^6
 *
 * cached is clamped to [0, prompt], negative counts to 0.  Returns -1
 * when p is NULL or not known.  Pure.
 */
double price_cost_usd(const struct price *p, long long prompt,
    long long cached, long long completion);

/*
 * The most a call can cost before it is sent: every prompt token at the
 * full input price (no prompt-cache discount is promised) and max_tokens
 * tokens of output, i.e. price_cost_usd(p, prompt, 0, max_tokens).
 * Returns -1 when p is NULL or not known.  Pure.
 */
double price_bound_usd(const struct price *p, long long prompt,
    long long max_tokens);

#endif
