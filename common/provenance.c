/* provenance.c: digests of the inputs of a record. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "jsonw.h"
#include "provenance.h"

void
provenance_digest(const char *text, size_t len, char out[PROVENANCE_HEX + 1])
{
	unsigned char h[HASH_LEN];

	hash_sha256(text, len, h);
	hash_hex(h, PROVENANCE_HEX / 2, out);
}

void
provenance_texts(const struct qaset_text *t, size_t n,
    char out[PROVENANCE_HEX + 1])
{
	struct hash_ctx *c = hash_begin();
	unsigned char h[HASH_LEN];
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			hash_update(c, "", 1);
		hash_update(c, t[i].p, t[i].len);
	}
	hash_end(c, h);
	hash_hex(h, PROVENANCE_HEX / 2, out);
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

void
provenance_judge_settings(const struct judge_config *jc, const char *judge,
    char out[PROVENANCE_HEX + 1])
{
	json_t *v = json_array(), *cats = json_array();
	struct buf b;
	size_t i;

	for (i = 0; i < jc->n_categories; i++)
		json_array_append_new(cats, json_pack("[s,o,s]",
		    jc->categories[i].name,
		    str_or_null(jc->categories[i].baseline),
		    jc->categories[i].system_prompt));
	json_array_append_new(v, json_string("judgepipe-judge-settings-v1"));
	json_array_append_new(v, json_string(judge != NULL ? judge :
	    jc->judge_model));
	json_array_append_new(v, str_or_null(jc->system_prompt));
	json_array_append_new(v, jc->prompt_template != NULL ?
	    json_stringn(jc->prompt_template, jc->prompt_template_len) :
	    json_null());
	json_array_append_new(v, str_or_null(jc->regex_pattern));
	json_array_append_new(v, strings(jc->regex_patterns, jc->n_patterns));
	json_array_append_new(v, cats);
	json_array_append_new(v, str_or_null(jc->judge_prompts));
	json_array_append_new(v, json_real(jc->temperature));
	json_array_append_new(v, json_integer(jc->max_tokens));
	json_array_append_new(v, json_integer(jc->attempts));
	json_array_append_new(v, json_boolean(jc->pairwise));
	json_array_append_new(v, json_boolean(jc->reference));
	json_array_append_new(v, strings(jc->ref_model, jc->n_ref_model));
	buf_init(&b);
	jsonw_dump(&b, v, JSONW_COMPACT);
	provenance_digest(b.p, b.len, out);
	buf_release(&b);
	json_decref(v);
}

static json_t *
digest_of(const struct qaset_text *t, size_t n)
{
	char d[PROVENANCE_HEX + 1];

	provenance_texts(t, n, d);
	return json_string(d);
}

json_t *
provenance_judgment(const char *settings, const struct qaset_question *q,
    const struct qaset_answer *a, const char *other_key,
    const struct qaset_answer *other, const struct qaset_answer *const *refs,
    size_t n_refs)
{
	json_t *o = json_object();
	size_t i, n = 0;

	json_object_set_new(o, "question", digest_of(q->turns, q->n_turns));
	json_object_set_new(o, "answer", digest_of(a->turns, a->n_turns));
	if (other != NULL)
		json_object_set_new(o, other_key, digest_of(other->turns,
		    other->n_turns));
	if (n_refs > 0) {
		struct qaset_text *all;
		size_t k = 0;

		for (i = 0; i < n_refs; i++)
			n += refs[i] != NULL ? refs[i]->n_turns : 0;
		all = xcalloc(n + 1, sizeof(*all));
		for (i = 0; i < n_refs; i++)
			if (refs[i] != NULL) {
				memcpy(&all[k], refs[i]->turns,
				    refs[i]->n_turns * sizeof(*all));
				k += refs[i]->n_turns;
			}
		json_object_set_new(o, "reference_answer", digest_of(all, n));
		free(all);
	}
	json_object_set_new(o, "judge_settings", json_string(settings));
	json_object_set_new(o, "version", json_string(JUDGEPIPE_VERSION));
	return o;
}

json_t *
provenance_answer(const char *hexkeys, size_t len)
{
	char d[PROVENANCE_HEX + 1];

	if (len == 2 * HASH_LEN) {
		memcpy(d, hexkeys, PROVENANCE_HEX);
		d[PROVENANCE_HEX] = '\0';
	} else
		provenance_digest(hexkeys, len, d);
	return json_pack("{s:s,s:s}", "request", d, "version",
	    JUDGEPIPE_VERSION);
}
