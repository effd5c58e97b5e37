/* answer.h: answering questions with one model. */
#ifndef JUDGEPIPE_ANSWER_H
#define JUDGEPIPE_ANSWER_H

#include <signal.h>
#include <stddef.h>
#include <jansson.h>

#include "apiconfig.h"
#include "diag.h"
#include "llm.h"
#include "shard.h"
#include "tokenizer.h"

/*
 * Usage, all on one thread:
 *
 *	answer_read_bench_config(&params, path, &hooks);	(optional)
 *	a = answer_new(entry, &params, &hooks);
 *	answer_read_questions(a, path);		(each input, in order)
 *	answer_prepare(a);			(duplicates, shard)
 *	answer_run(a, llm, tok);		(answer, emit in input order)
 *	answer_free(a);
 *
 * Bad records are reported through hooks.note and never stop the run; the
 * read functions and answer_prepare return the worst exit status of what
 * they reported (0, EX_NOINPUT, EX_DATAERR, EX_CONFIG).
 */

/* What a run asks of the model; the caller owns it. */
struct answer_params {
	double temperature;
	int have_temperature;		/* set by an option: config yields */
	long long max_tokens;
	int have_max_tokens;
	int have_num_choices;
	const struct shard *shard;	/* NULL: every question */
	int flags;			/* jsonw flags of the records */
	/*
	 * FastChat's temperature_config (bench config): the temperature of
	 * each question category; answer_params_release frees them.
	 */
	char **cat_names;
	double *cat_temps;
	size_t n_cats;
	/* Read only: nothing new starts once *stop is non-zero. */
	const volatile sig_atomic_t *stop;
};

/* What the run reports; every hook may be NULL. */
struct answer_hooks {
	/*
	 * A warning (code 0) or an error (an EX_* code), with its position
	 * when it has one (file NULL otherwise).
	 */
	void (*note)(void *arg, int code, const char *file, long line,
	    const char *msg);
	/*
	 * Write one record line (with its newline), in input order.  Returns
	 * 0, or -1 when it cannot be written: nothing more is emitted then.
	 */
	int (*emit)(void *arg, const char *line, size_t len);
	/*
	 * Called after the records that were ready have been emitted.
	 * Returns 0, or -1 as emit does.
	 */
	int (*flush)(void *arg);
	/*
	 * A question whose call failed: rec is the --failed record
	 * {question_id, model, turn, error, attempts, status} and msg the
	 * one-line diagnostic; code is the call's exit status.
	 */
	void (*failed)(void *arg, int code, const json_t *rec,
	    const char *msg);
	/* Called when a question is finished (answered or failed). */
	void (*tick)(void *arg, size_t done, size_t total);
	void *arg;
};

/*
 * Read temperature, max_tokens, num_choices and temperature_config (a
 * mapping of question categories to temperatures) of the YAML file path
 * into p, except what p already has from an option.  Every bad value is
 * reported through h->note; returns the worst status (0 or EX_CONFIG, or
 * that of an unreadable file).
 */
int answer_read_bench_config(struct answer_params *p, const char *path,
    const struct answer_hooks *h);

/* Free what answer_read_bench_config added to p. */
void answer_params_release(struct answer_params *p);

/*
 * The temperature of question rec, as FastChat chooses it: an option's
 * (its --force-temperature), else the question's required_temperature,
 * else its category's in temperature_config, else p->temperature.
 */
double answer_temperature(const struct answer_params *p, const json_t *rec);

/*
 * Add the style features to each answer record of path ("-":
 * standard input) and emit it, until emit fails or *p->stop.  Returns the
 * worst status reported.
 */
int answer_annotate(const struct answer_params *p, const char *path,
    const struct tok_encoder *tok, const struct answer_hooks *h);

struct answer;

/* A new run; e, p and h are borrowed and must outlive it. */
struct answer *answer_new(const struct apiconfig_entry *e,
    const struct answer_params *p, const struct answer_hooks *h);
void answer_free(struct answer *a);	/* NULL-safe */

/*
 * Read the questions of path ("-": standard input), v0.1 {question_id,
 * turns} or v2 {uid, prompt}, whole; bad records are reported and skipped.
 * The file's lines are kept until answer_free.
 */
int answer_read_questions(struct answer *a, const char *path);

/*
 * Drop later duplicate ids (reported, EX_DATAERR) and the questions of
 * other shards.  Returns the worst status reported.
 */
int answer_prepare(struct answer *a);

/* The number of questions answer_run will answer. */
size_t answer_count(const struct answer *a);

/* True when some question has one turn (its record needs a tokenizer). */
int answer_single_turn(const struct answer *a);

/* The number of answers cut at max_tokens so far. */
size_t answer_cut(const struct answer *a);

/*
 * Answer every prepared question with llm (borrowed), turn by turn,
 * emitting each record in input order as soon as it and all before it are
 * done; tok (borrowed) is needed when answer_single_turn.  A failure of
 * the client itself is reported through note, as the records it stopped
 * are then emitted.  Returns the worst status of the run (0, a failed
 * call's status, EX_SOFTWARE, the client's).  With an estimating client
 * (llm.h) a record some of whose replies were not sent is a stand-in: it
 * ends with "estimate_unknown_turns": N, which the command replaces with
 * the expected token counts (judgepipe-formats(5)).
 */
int answer_run(struct answer *a, struct llm_client *llm,
    const struct tok_encoder *tok);

#endif
