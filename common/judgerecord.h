/* judgerecord.h: the judgment records gen-judgment writes, one per shape. */
#ifndef JUDGEPIPE_JUDGERECORD_H
#define JUDGEPIPE_JUDGERECORD_H

#include <stddef.h>
#include <jansson.h>

/*
 * Every record gen-judgment writes is built here, one function per shape,
 * so that what goes into a record is decided in one place.  Texts are
 * byte strings of valid UTF-8 (they come from JSON or YAML input and API
 * replies) and may contain NUL bytes.  Every argument is borrowed; each
 * function returns a new reference.
 */

/* A game as written. */
struct judgerecord_game {
	const char *user_prompt;
	size_t user_prompt_len;
	const char *judgment;		/* the judge's text */
	size_t judgment_len;
	const json_t *score;		/* NULL: null */
	const char *system;		/* v2: the system message, or NULL */
	size_t system_len;
};

/*
 * Arena-Hard v0.1: {question_id, model, judge, games:
 * [{user_prompt, judgment, score}...]}.  With model_a (pairwise-all)
 * model_a and model_b follow model, which repeats model_b: game 1 shows
 * model_a as Assistant A, game 2 swaps them, as game 1 of a baseline record
 * shows the baseline as A.
 */
json_t *judgerecord_pairwise(const json_t *question_id, const char *model,
    const char *model_a, const char *judge,
    const struct judgerecord_game *games, int n);

/*
 * Arena-Hard v2.0 (arena-hard-auto HEAD's gen_judgment.py): {uid,
 * category, judge, model, baseline, games: [{score, judgment: {answer},
 * prompt: [messages]}...]}; in pairwise-all model_a and model_b replace
 * baseline.  category may be NULL (null).
 */
json_t *judgerecord_v2(const json_t *uid, const char *category,
    const char *judge, const char *model, const char *baseline,
    const char *model_a, const struct judgerecord_game *games, int n);

/*
 * FastChat's single-answer grading (fastchat/llm_judge/common.py):
 * {question_id, model, judge: [judge, prompt_name], user_prompt, judgment,
 * score, turn, tstamp}.
 */
json_t *judgerecord_single(const json_t *question_id, const char *model,
    const char *judge, const char *prompt_name,
    const struct judgerecord_game *game, int turn, double tstamp);

#endif
