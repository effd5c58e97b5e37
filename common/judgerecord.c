/* judgerecord.c: builds each shape of judgment record. */
#include "judgerecord.h"

static json_t *
text(const char *p, size_t n)
{
	/* Texts come from JSON or YAML input and API replies: valid UTF-8. */
	return json_stringn_nocheck(p != NULL ? p : "", n);
}

static json_t *
score(const json_t *s)
{
	return s != NULL ? json_deep_copy(s) : json_null();
}

json_t *
judgerecord_pairwise(const json_t *question_id, const char *model,
    const char *model_a, const char *judge,
    const struct judgerecord_game *games, int n)
{
	json_t *rec = json_object(), *arr = json_array();
	int g;

	json_object_set_new(rec, "question_id", json_deep_copy(question_id));
	json_object_set_new(rec, "model", json_string(model));
	if (model_a != NULL) {
		json_object_set_new(rec, "model_a", json_string(model_a));
		json_object_set_new(rec, "model_b", json_string(model));
	}
	json_object_set_new(rec, "judge", json_string(judge));
	for (g = 0; g < n; g++) {
		json_t *o = json_object();

		json_object_set_new(o, "user_prompt",
		    text(games[g].user_prompt, games[g].user_prompt_len));
		json_object_set_new(o, "judgment", text(games[g].judgment,
		    games[g].judgment_len));
		json_object_set_new(o, "score", score(games[g].score));
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "games", arr);
	return rec;
}

json_t *
judgerecord_v2(const json_t *uid, const char *category, const char *judge,
    const char *model, const char *baseline, const char *model_a,
    const struct judgerecord_game *games, int n)
{
	json_t *rec = json_object(), *arr = json_array();
	int g;

	json_object_set_new(rec, "uid", json_deep_copy(uid));
	json_object_set_new(rec, "category", category != NULL ?
	    json_string(category) : json_null());
	json_object_set_new(rec, "judge", json_string(judge));
	json_object_set_new(rec, "model", json_string(model));
	if (model_a != NULL) {
		json_object_set_new(rec, "model_a", json_string(model_a));
		json_object_set_new(rec, "model_b", json_string(model));
	} else
		json_object_set_new(rec, "baseline", json_string(baseline));
	for (g = 0; g < n; g++) {
		json_t *o = json_object(), *msgs = json_array(), *m;

		json_object_set_new(o, "score", score(games[g].score));
		m = json_object();
		json_object_set_new(m, "answer", text(games[g].judgment,
		    games[g].judgment_len));
		json_object_set_new(o, "judgment", m);
		if (games[g].system != NULL) {
			m = json_object();
			json_object_set_new(m, "role", json_string("system"));
			json_object_set_new(m, "content", text(games[g].system,
			    games[g].system_len));
			json_array_append_new(msgs, m);
		}
		m = json_object();
		json_object_set_new(m, "role", json_string("user"));
		json_object_set_new(m, "content", text(games[g].user_prompt,
		    games[g].user_prompt_len));
		json_array_append_new(msgs, m);
		json_object_set_new(o, "prompt", msgs);
		json_array_append_new(arr, o);
	}
	json_object_set_new(rec, "games", arr);
	return rec;
}

json_t *
judgerecord_single(const json_t *question_id, const char *model,
    const char *judge, const char *prompt_name,
    const struct judgerecord_game *game, int turn, double tstamp)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "question_id", json_deep_copy(question_id));
	json_object_set_new(rec, "model", json_string(model));
	json_object_set_new(rec, "judge", json_pack("[s,s]", judge,
	    prompt_name));
	json_object_set_new(rec, "user_prompt", text(game->user_prompt,
	    game->user_prompt_len));
	json_object_set_new(rec, "judgment", text(game->judgment,
	    game->judgment_len));
	json_object_set_new(rec, "score", score(game->score));
	json_object_set_new(rec, "turn", json_integer(turn));
	json_object_set_new(rec, "tstamp", json_real(tstamp));
	return rec;
}
