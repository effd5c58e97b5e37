/* answerscan.h: lean reader of answer files: avg_tokens and style metadata. */
#ifndef JUDGEPIPE_ANSWERSCAN_H
#define JUDGEPIPE_ANSWERSCAN_H

#include <stddef.h>

#include "diag.h"

/*
 * Only question_id, the model, the token length and conv_metadata of an
 * answer matter to show-result, so answers are scanned rather than parsed
 * into a tree: every line is still fully validated as JSON (UTF-8, escapes,
 * duplicate keys, numbers), but only those members are decoded.
 */

/* Style elements of conv_metadata, in upstream's order. */
enum answer_elem {
	ANSWER_TOKENS,		/* token_len */
	ANSWER_HEADERS,		/* header_count (sum of h1..h6) */
	ANSWER_LISTS,		/* list_count (ordered + unordered) */
	ANSWER_BOLD,		/* bold_count ("**" + "__") */
	ANSWER_NELEM
};

struct answer_rec {
	char *model;		/* model_id (v2: model) */
	char *question_id;	/* question_id (v2: uid) */
	const char *file;	/* owned by the set (answerscan_set_add) */
	long line;
	size_t seq;		/* position in the set (input order) */
	int has_token_len;	/* turn-level, conv_metadata or v2 metadata */
	long long token_len;
	unsigned meta_mask;	/* bit e set: meta[e] present */
	long long meta[ANSWER_NELEM];
	char *text;		/* the answer text: when no token_len, or */
	size_t text_len;	/* every text with answer_file.keep_text */
};

/* The records of one file, and the bad lines that were skipped. */
struct answer_file {
	char *name;
	struct answer_rec *recs;
	size_t nrecs;
	struct diag *errs;	/* EX_DATAERR, one per bad line */
	size_t nerrs;
	struct diag fatal;	/* code != 0: the file could not be read */
	int keep_text;		/* set before loading: keep every text */
};

/*
 * Scan JSONL data (already decompressed) named name into f (zeroed by the
 * caller).  Bad lines are recorded in f->errs and skipped.
 */
void answerscan_buffer(const char *name, const char *data, size_t len,
    struct answer_file *f);

/*
 * Read and scan paths[0..n-1] (zstd-aware) into files[0..n-1] with up to
 * threads threads.  A file that cannot be read gets files[i].fatal.
 */
void answerscan_load(char *const *paths, size_t n, int threads,
    struct answer_file *files);

void answerscan_file_release(struct answer_file *f);

/*
 * Expand path: a directory gives its *.jsonl and *.jsonl.zst entries in
 * name order, anything else itself.  Appends malloc'ed strings to *paths.
 * Returns 0, or -1 with d set (EX_NOINPUT) when path does not exist.
 */
int answerscan_expand(const char *path, char ***paths, size_t *n,
    struct diag *d);

/*
 * Answers indexed by (model, question_id); the last record of a pair wins.
 */
struct answer_set;

/* Counts tokens of text; used for answers without a token_len. */
typedef long long (*answerscan_count_fn)(void *ctx, const char *text,
    size_t len);

struct answer_set *answerscan_set_new(void);
void answerscan_set_free(struct answer_set *s);	/* NULL-safe */

/* Move the records of f into s (f keeps its name and errors). */
void answerscan_set_add(struct answer_set *s, struct answer_file *f);

/*
 * Index the records.  Duplicates are counted (the first few are described
 * in dups[], up to ndups_max).  A record without token_len is counted with
 * count (it may be NULL: then such a record is an error, returned -1 with
 * d set at its file:line).  A model whose token lengths add up beyond 64
 * bits, or average beyond int64, is an error too (EX_DATAERR).
 */
int answerscan_set_finish(struct answer_set *s, answerscan_count_fn count,
    void *ctx, struct diag *dups, size_t ndups_max, size_t *ndups,
    struct diag *d);

/* The record of (model, qid), or NULL. */
const struct answer_rec *answerscan_lookup(const struct answer_set *s,
    const char *model, const char *qid);

/*
 * int(mean token_len) over the model's distinct questions; 0 (and
 * *found = 0) when the model has no answers.
 */
long long answerscan_avg_tokens(const struct answer_set *s, const char *model,
    int *found);

/* Whether the model has any answer. */
int answerscan_has_model(const struct answer_set *s, const char *model);

/* Number of distinct (model, question) records. */
size_t answerscan_count(const struct answer_set *s);

#endif
