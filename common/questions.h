/* questions.h: a question file by id: turn texts and category keys. */
#ifndef JUDGEPIPE_QUESTIONS_H
#define JUDGEPIPE_QUESTIONS_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"
#include "strmap.h"

/*
 * For reports: questions are read whole (a bench has hundreds), in every
 * shape judgepipe meets: v0.1 {question_id, turns: [{content}]}, FastChat
 * {question_id (string or integer), turns: ["..."]} and v2 {uid, prompt}.
 * An integer id is kept as its decimal text, which is how judgments and
 * answers name it.
 */
struct question {
	char *id;
	char **turns;		/* NUL-terminated copies */
	size_t *turn_len;	/* bytes (a text may hold NUL) */
	size_t nturns;
	json_t *rec;		/* the record, for its other keys */
	const char *file;	/* owned by the set */
	long line;
};

struct question_set {
	struct question *q;	/* input order; the first of an id wins */
	size_t n;
	struct strmap ids;	/* id -> index */
	char **files;
	size_t nfiles;
	struct diag *errs;	/* EX_DATAERR, one per bad or duplicate line */
	size_t nerrs;
};

/* Zero the set before use; release it with questions_release. */
void questions_release(struct question_set *s);

/*
 * Read path ("-": standard input) into s.  Bad lines and later
 * duplicates go to s->errs and are skipped.  Returns 0, or -1 with d set
 * when the file cannot be read (EX_NOINPUT, EX_DATAERR for bad zstd).
 */
int questions_read(struct question_set *s, const char *path,
    struct diag *d);

/* The question with id[0..len), or NULL. */
const struct question *questions_find(const struct question_set *s,
    const char *id, size_t len);

/* The string value of key in q's record, or NULL (absent, not a string). */
const char *questions_field(const struct question *q, const char *key);

/*
 * The category key of the set: want when it is not NULL, else the first
 * of "category", "subcategory", "cluster" whose string values are not all
 * the same; NULL when there is none.
 */
const char *questions_category_key(const struct question_set *s,
    const char *want);

#endif
