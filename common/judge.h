/* judge.h: conversations with a judge model, run at once, emitted in order. */
#ifndef JUDGEPIPE_JUDGE_H
#define JUDGEPIPE_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "llm.h"

/*
 * A run judges the tasks 0 .. n-1 of a mode (pairwise.h: games of two
 * answers; grade.h: one answer graded alone).  A task becomes one output
 * record; it holds one or more conversations (the two games of a pair, or
 * the grading of one turn), all started at once.  A conversation is the
 * mode's system message and user prompt; each reply of the judge is
 * appended to the conversation's text and shown to the mode's verdict
 * function, which either decides or asks for more: then, while attempts
 * remain, the reply and the mode's continue message are added to the
 * conversation and the judge is asked again.
 *
 * Usage, all on one thread:
 *
 *	j = judge_new(&ops, &hooks);
 *	judge_check(j, &d);			(every prompt, once)
 *	judge_run(j, llm, &d);			(judge, emit in task order)
 *	judge_free(j);
 */

/* One conversation with the judge, as the record builder sees it. */
struct judge_conv {
	struct buf prompt;		/* the user message */
	struct buf text;		/* the replies, joined */
	const char *system;		/* the mode's, borrowed; or NULL */
	size_t system_len;
	json_t *score;			/* the verdict (owned); NULL: null */
	double created;			/* response time of the last reply */
	int n_replies;
};

enum judge_verdict {
	JUDGE_AGAIN,		/* no verdict yet: ask again if allowed */
	JUDGE_FINAL,		/* decided (score may still be null) */
};

/* What a mode supplies; every function gets ops->mode first. */
struct judge_ops {
	void *mode;
	long attempts;			/* replies per conversation, >= 1 */
	const char *continue_msg;	/* asks the judge to finish */
	/*
	 * How replies are joined into the text: arena-hard-auto v0.1 writes
	 * "\n" before each reply, so its text starts with one; otherwise
	 * the replies are separated by "\n".
	 */
	int lead_newline;
	double temperature;
	long long max_tokens;

	size_t (*n_tasks)(void *mode);
	int (*n_convs)(void *mode, size_t task);
	/*
	 * The system message of conversation c of task (borrowed: valid
	 * while the mode lives; NULL for none) and its user prompt,
	 * appended to out.  Returns 0, or -1 with d set (EX_CONFIG).
	 */
	int (*prompt)(void *mode, size_t task, int c, const char **system,
	    size_t *system_len, struct buf *out, struct diag *d);
	/*
	 * The verdict of text (the replies so far); *score receives a new
	 * reference or NULL (null).  With JUDGE_AGAIN on the last attempt
	 * the engine calls it no more and keeps *score, if any.
	 */
	enum judge_verdict (*verdict)(void *mode, size_t task, int c,
	    const char *text, size_t len, int last, json_t **score);
	/*
	 * Append what names task to what, for messages: "question Q, model
	 * M" or the like.
	 */
	void (*describe)(void *mode, size_t task, struct buf *what);
	/* The record of a finished task (new reference). */
	json_t *(*record)(void *mode, size_t task,
	    const struct judge_conv *convs);
	/*
	 * A failed call of conversation c: add the keys naming it to rec
	 * (question_id, model, judge, ...) and append "question Q (model
	 * M, game G)" or the like to what.
	 */
	void (*failed)(void *mode, size_t task, int c, json_t *rec,
	    struct buf *what);
	/*
	 * For --estimate (may be NULL): the expected and largest token
	 * counts of the texts conversation c shows that are not known yet
	 * (gen-answer --estimate's stand-ins for answers not given yet), and
	 * what tells those texts apart (stand-ins all read ""): equal for
	 * the same stand-ins in the same places only.
	 */
	void (*unknown)(void *mode, size_t task, int c, long long *tokens,
	    long long *bound, uint64_t *which);
};

/* What the run reports; every hook may be NULL. */
struct judge_hooks {
	/*
	 * A record, in task order.  Returns 0, or -1 when it cannot be
	 * written: no new work is started after that.
	 */
	int (*emit)(void *arg, const json_t *rec);
	/*
	 * A conversation whose call failed: rec is the --failed record (the
	 * mode's keys, then error, attempts, status) and msg the one-line
	 * diagnostic; code is EX_UNAVAILABLE or EX_TEMPFAIL.
	 */
	void (*failed)(void *arg, int code, const json_t *rec,
	    const char *msg);
	/* Called when a task is finished (judged, failed or cancelled). */
	void (*tick)(void *arg, size_t done, size_t total);
	void *arg;
};

struct judge;

/* A new run; ops and hooks are borrowed and must outlive it. */
struct judge *judge_new(const struct judge_ops *ops,
    const struct judge_hooks *hooks);
void judge_free(struct judge *j);	/* NULL-safe */

/*
 * Build every prompt once so that template errors come before any
 * request.  Returns 0, or -1 with d set (the message names the task).
 */
int judge_check(struct judge *j, struct diag *d);

/* The number of tasks judge_run will judge. */
size_t judge_count(const struct judge *j);

/*
 * Judge every task with llm (borrowed): its conversations at once,
 * ops->attempts replies at most each, emitting each record through
 * hooks.emit in task order as soon as it and all before it are done.  A
 * task with a failed call is not emitted.  Returns the worst status of the
 * run (0, EX_UNAVAILABLE or EX_TEMPFAIL for failed calls, EX_IOERR when
 * emit failed), or -1 with d set when the client itself failed.
 */
int judge_run(struct judge *j, struct llm_client *llm, struct diag *d);

#endif
