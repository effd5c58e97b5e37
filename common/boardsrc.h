/* boardsrc.h: what a leaderboard is made of, read and indexed for a lint. */
#ifndef JUDGEPIPE_BOARDSRC_H
#define JUDGEPIPE_BOARDSRC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "answerscan.h"
#include "diag.h"
#include "provenance.h"
#include "strmap.h"
#include "textsim.h"

/*
 * The records behind a board: judgment records (of any judges, ensembles
 * included), answers and questions, each with its file and line.  Names
 * (files, judges, models, questions) are interned: records refer to them
 * by index.  Reading never stops at a bad record: it is described in errs
 * (for the caller to print) and skipped, as the other commands do.
 */

/* An interned string table; index order is first-seen order. */
struct boardsrc_names {
	char **v;
	size_t n;
	struct strmap map;
};

#define BOARDSRC_NONE UINT32_MAX

/* Verdict label codes of a game. */
enum boardsrc_label {
	BOARDSRC_AMB,		/* "A>>B" */
	BOARDSRC_AB,		/* "A>B" */
	BOARDSRC_TIE,		/* "A=B" */
	BOARDSRC_BA,		/* "B>A" */
	BOARDSRC_BMA,		/* "B>>A" */
	BOARDSRC_NULL,		/* null score, or a null game */
	BOARDSRC_OTHER,		/* any other label */
};

/* One judgment record. */
struct boardsrc_judgment {
	uint32_t file;
	long line;
	uint32_t judge;		/* BOARDSRC_NONE: no "judge" field */
	uint32_t model;
	uint32_t question;
	uint32_t baseline;	/* a "baseline" field (v2), or NONE */
	uint32_t model_a;	/* pairwise-all: "model_a", or NONE */
	uint32_t ngames;
	uint8_t label[2];	/* games 1 and 2 (enum boardsrc_label) */
	json_t *provenance;	/* the record's "provenance", or NULL */
};

/* One answer record (before de-duplication: every line read). */
struct boardsrc_answer {
	uint32_t file;
	long line;
	uint32_t model;
	uint32_t question;
	unsigned meta_mask;	/* elements of enum answer_elem present */
	int has_text;
	struct textsim sim;	/* valid when has_text */
	char digest[PROVENANCE_HEX + 1];	/* of the text */
};

struct boardsrc_question {
	uint32_t file;
	long line;
	uint32_t question;
	char digest[PROVENANCE_HEX + 1];	/* of the question text */
};

struct boardsrc {
	struct boardsrc_names files, judges, models, questions;
	struct boardsrc_judgment *judgments;	/* input order */
	size_t njudgments;
	struct boardsrc_answer *answers;	/* input order */
	size_t nanswers;
	struct answer_set *answer_set;	/* for the statistics; NULL if none */
	struct diag answer_err;	/* code != 0: answer_set is unusable */
	struct boardsrc_question *qset;	/* the question set, input order */
	size_t nqset;
	/* Digests of the answers' texts as gen-judgment takes them, by
	 * "model\nquestion" (boardsrc_digest_answers). */
	struct strmap answer_digests;
	char (*adigests)[PROVENANCE_HEX + 1];
	size_t nadigests;
	/* Bad records and unreadable files, for the caller to print. */
	struct diag *errs;
	size_t nerrs;
	int rc;			/* the worst code in errs, 0 when none */
};

/* Zero src before the first call; release it with boardsrc_release. */
void boardsrc_release(struct boardsrc *src);

/* Intern name; returns its index. */
uint32_t boardsrc_intern(struct boardsrc_names *t, const char *name);

/* The index of name, or BOARDSRC_NONE. */
uint32_t boardsrc_find(const struct boardsrc_names *t, const char *name);

/* Read every judgment record of path ("-": standard input). */
void boardsrc_read_judgments(struct boardsrc *src, const char *path);

/*
 * Read answers from paths (files, or directories of *.jsonl and
 * *.jsonl.zst files) with up to threads threads: fingerprints and digests
 * of every text, and src->answer_set (finished: the last answer of a
 * model to a question wins) for avg_tokens and style metadata.  An answer
 * without a token_len makes the set unusable (src->answer_err says which).
 * Call it once.
 */
void boardsrc_read_answers(struct boardsrc *src, char *const *paths,
    size_t n, int threads);

/*
 * Read a question set (v0.1, v2 or FastChat question records); each
 * question's digest is that of its turns (provenance.h).
 */
void boardsrc_read_questions(struct boardsrc *src, const char *path);

/*
 * Digest the answers of paths as gen-judgment reads them (every turn, any
 * shape, the model from a FastChat file name when the record has none):
 * a second, full parse of the files, for the provenance checks.  Bad
 * records were reported by boardsrc_read_answers and are skipped.
 */
void boardsrc_digest_answers(struct boardsrc *src, char *const *paths,
    size_t n);

/* The digest of model's answer to question qid, or NULL. */
const char *boardsrc_answer_digest(const struct boardsrc *src,
    const char *model, const char *qid);

/* Whether any judgment record carries a "provenance" object. */
int boardsrc_has_provenance(const struct boardsrc *src);

/*
 * Label code of a verdict string (NULL: BOARDSRC_NULL), and the label
 * string of a code (NULL for NULL and OTHER).
 */
uint8_t boardsrc_label_code(const char *label);
const char *boardsrc_label_name(uint8_t code);

/* The file name of path without its directory, ".jsonl" and ".zst". */
char *boardsrc_file_stem(const char *path);

#endif
