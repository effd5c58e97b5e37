/* arenadata.h: the questions and answers that offline arena battles show. */
#ifndef JUDGEPIPE_ARENADATA_H
#define JUDGEPIPE_ARENADATA_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"
#include "tokenizer.h"

/* One model's answer to one question. */
struct arenadata_answer {
	char *text;		/* NULL: no answer */
	size_t len;
	json_t *meta;		/* conv_metadata as the answer has it, or
				   computed; NULL when unknown */
};

/*
 * Questions (first turn only) and, per model, the answers to them.  Models
 * are named by the answers' model_id (v2: model), never by file names.
 */
struct arenadata {
	char **qids;		/* question ids, input order */
	char **qtexts;
	size_t *qlens;
	size_t nq;
	char **models;		/* sorted bytewise after arenadata_finish */
	size_t nmodels;
	struct arenadata_answer *ans;	/* nmodels * nq after finish */
	/* Counters for the caller's warnings. */
	size_t unknown_questions;	/* answers to a question not loaded */
	size_t duplicates;		/* later answers of a (model, q) */
	size_t multi_turn;		/* questions shown by their 1st turn */
	struct arenadata_priv *priv;
};

struct arenadata *arenadata_new(void);
void arenadata_free(struct arenadata *a);	/* NULL-safe */

/*
 * Read question records (v0.1 or v2) from path.  A bad record is reported
 * to note (may be NULL) and skipped; a duplicate id too.  Returns 0, or -1
 * with d set when the file cannot be read (EX_NOINPUT, EX_DATAERR for a
 * corrupt zstd stream).
 */
int arenadata_read_questions(struct arenadata *a, const char *path,
    void (*note)(void *, const struct diag *), void *arg, struct diag *d);

/*
 * Read answer records from path, a file or a directory of *.jsonl and
 * *.jsonl.zst (name order), keeping those of models in keep (NULL: all;
 * else a NULL-terminated list).  Questions must be read first: answers to
 * other questions are counted and dropped; the last answer of a (model,
 * question) wins.  Bad records go to note.  Returns 0, or -1 with d set.
 */
int arenadata_read_answers(struct arenadata *a, const char *path,
    char *const *keep, void (*note)(void *, const struct diag *), void *arg,
    struct diag *d);

/*
 * Sort models and build the answer table; conv_metadata missing from an
 * answer is computed with tok (may be NULL: then left unknown).
 */
void arenadata_finish(struct arenadata *a, const struct tok_encoder *tok);

/* The answer of model m to question q (after finish), or NULL. */
const struct arenadata_answer *arenadata_answer(const struct arenadata *a,
    size_t m, size_t q);

/*
 * Vote-record metadata for one side (c is 'a' or 'b'): the members
 * sum_assistant_C_tokens, header_count_C, list_count_C and bold_count_C
 * of conv_metadata are added to out from meta (conv_metadata of an
 * answer).  Missing members are skipped.
 */
void arenadata_vote_meta(const json_t *meta, char c, json_t *out);

#endif
