/* provenance.h: short digests that tie a record to what it was made from. */
#ifndef JUDGEPIPE_PROVENANCE_H
#define JUDGEPIPE_PROVENANCE_H

#include <stddef.h>
#include <jansson.h>

#include "judgeconfig.h"
#include "qaset.h"

/*
 * A digest is the first PROVENANCE_HEX lower-case hex digits of the
 * SHA-256 of a text's UTF-8 bytes: 64 bits, so an edited text keeps its
 * old digest with probability 2^-64, while a record stays short.
 *
 * The records gen-judgment writes carry, as their last key,
 *
 *	"provenance": {"question": D, "answer": D, "baseline_answer": D,
 *	    "reference_answer": D, "judge_settings": D, "version": V}
 *
 * with the digests of the question's text, the judged answer, the
 * baseline's answer (pairwise-all: "answer_a", the answer of model_a;
 * single grading: none), the reference answers when the config uses them,
 * the judge settings (provenance_judge_settings) and the judgepipe
 * version.  A text of several turns is digested as its turns joined by a
 * NUL byte, so a text of one turn has the digest sha256sum gives.
 * gen-answer's answer records carry {"request": D, "version": V}: the
 * start of the request's cache key (the SHA-256 of its canonical form),
 * or with several turns the digest of their keys in hex, concatenated.
 */
#define PROVENANCE_HEX 16

/* Write the digest of text[0..len) and a NUL into out. */
void provenance_digest(const char *text, size_t len,
    char out[PROVENANCE_HEX + 1]);

/* The digest of n texts joined by NUL bytes. */
void provenance_texts(const struct qaset_text *t, size_t n,
    char out[PROVENANCE_HEX + 1]);

/*
 * The digest of the settings of jc that shape a verdict: judge_model,
 * system_prompt, prompt_template, regex_pattern and
 * regex_patterns, the per-category settings, judge_prompts (its name),
 * temperature, max_tokens, number_of_judgment_attempts, pairwise,
 * reference and ref_model, as a compact JSON array.  judge replaces
 * jc->judge_model when not NULL (the judge a record names).
 */
void provenance_judge_settings(const struct judge_config *jc,
    const char *judge, char out[PROVENANCE_HEX + 1]);

/*
 * The "provenance" object of a judgment (new reference): settings (a
 * provenance_judge_settings digest), the question q, the judged answer a,
 * other (NULL: none) under other_key, and the n_refs reference answers
 * (their turns in order, one after the other).
 */
json_t *provenance_judgment(const char *settings,
    const struct qaset_question *q, const struct qaset_answer *a,
    const char *other_key, const struct qaset_answer *other,
    const struct qaset_answer *const *refs, size_t n_refs);

/* The "provenance" object of an answer from its turns' hex cache keys
 * (hexkeys, len bytes, 64 per turn). */
json_t *provenance_answer(const char *hexkeys, size_t len);

#endif
