/* battles.c: judgment and vote records to weighted battle rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battles.h"
#include "buf.h"

#define PENDING UINT32_MAX	/* the baseline, not yet known */

/* Interned strings: open addressing over ids into names[]. */
struct strtab {
	char **names;
	size_t n, cap;
	uint32_t *slots;	/* id + 1, 0 = empty */
	size_t nslots;
};

struct battle_priv {
	struct strtab models, questions;
	int weight, first_game_only;
	char *opt_baseline, *opt_judge, *opt_anchor;
	char *v2base;
	char *judge1, *judge2;
	uint32_t judge2_file;
	long judge2_line;
	int any_nonpool;
	int base_named;		/* a record names opt_baseline */
	/* The first judgment against a baseline, and of a pair. */
	uint32_t base_file, pair_file;
	long base_line, pair_line;
	int online_elo;
	size_t nrows_cap, nmetas_cap;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
strtab_rehash(struct strtab *t, size_t nslots)
{
	size_t i;

	free(t->slots);
	t->slots = xcalloc(nslots, sizeof(*t->slots));
	t->nslots = nslots;
	for (i = 0; i < t->n; i++) {
		size_t j = hash_str(t->names[i]) & (nslots - 1);

		while (t->slots[j] != 0)
			j = (j + 1) & (nslots - 1);
		t->slots[j] = (uint32_t)i + 1;
	}
}

static long
strtab_find(const struct strtab *t, const char *s)
{
	size_t j;

	if (t->nslots == 0)
		return -1;
	j = hash_str(s) & (t->nslots - 1);
	while (t->slots[j] != 0) {
		if (strcmp(t->names[t->slots[j] - 1], s) == 0)
			return (long)t->slots[j] - 1;
		j = (j + 1) & (t->nslots - 1);
	}
	return -1;
}

static uint32_t
strtab_intern(struct strtab *t, const char *s)
{
	long id = strtab_find(t, s);

	if (id >= 0)
		return (uint32_t)id;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->names = xrealloc(t->names, t->cap * sizeof(*t->names));
	}
	t->names[t->n++] = xstrdup(s);
	if (2 * t->n > t->nslots)
		strtab_rehash(t, t->nslots ? 2 * t->nslots : 128);
	else {
		size_t j = hash_str(s) & (t->nslots - 1);

		while (t->slots[j] != 0)
			j = (j + 1) & (t->nslots - 1);
		t->slots[j] = (uint32_t)t->n;
	}
	return (uint32_t)(t->n - 1);
}

/* Intern a model a record names, noting when it is the --baseline. */
static uint32_t
intern_named(struct battle_priv *p, const char *name)
{
	if (p->opt_baseline != NULL && !p->base_named &&
	    strcmp(name, p->opt_baseline) == 0)
		p->base_named = 1;
	return strtab_intern(&p->models, name);
}

struct battle_set *
battles_new(const struct battle_opts *o)
{
	struct battle_set *bs = xcalloc(1, sizeof(*bs));
	struct battle_priv *p = xcalloc(1, sizeof(*p));

	bs->priv = p;
	p->weight = o->weight;
	p->first_game_only = o->first_game_only;
	p->online_elo = o->online_elo;
	if (o->baseline != NULL)
		p->opt_baseline = xstrdup(o->baseline);
	if (o->judge != NULL)
		p->opt_judge = xstrdup(o->judge);
	if (o->anchor != NULL)
		p->opt_anchor = xstrdup(o->anchor);
	return bs;
}

void
battles_free(struct battle_set *bs)
{
	struct battle_priv *p;
	size_t i;

	if (bs == NULL)
		return;
	p = bs->priv;
	for (i = 0; i < p->models.n; i++)
		free(p->models.names[i]);
	for (i = 0; i < p->questions.n; i++)
		free(p->questions.names[i]);
	free(p->models.names);
	free(p->questions.names);
	free(p->models.slots);
	free(p->questions.slots);
	free(p->opt_baseline);
	free(p->opt_judge);
	free(p->opt_anchor);
	free(p->v2base);
	free(p->judge1);
	free(p->judge2);
	free(p);
	for (i = 0; i < bs->nfiles; i++)
		free(bs->files[i]);
	free(bs->files);
	free(bs->rows);
	free(bs->canon);
	free(bs->metas);
	free(bs);
}

uint32_t
battles_add_file(struct battle_set *bs, const char *name)
{
	bs->files = xrealloc(bs->files, (bs->nfiles + 1) * sizeof(*bs->files));
	bs->files[bs->nfiles] = xstrdup(name);
	return (uint32_t)bs->nfiles++;
}

/* Member key as a string: 0 absent (or null when null_ok), 1 ok, -1 bad. */
static int
get_string(const json_t *rec, const char *key, const char **out, int null_ok,
    const char *file, long line, struct diag *d)
{
	const json_t *v = json_object_get(rec, key);

	*out = NULL;
	if (v == NULL || (null_ok && json_is_null(v)))
		return 0;
	if (!json_is_string(v))
		return diag_set(d, EX_DATAERR, file, line,
		    "field '%s' is not a string", key);
	*out = json_string_value(v);
	return 1;
}

static struct battle_row *
new_row(struct battle_set *bs)
{
	struct battle_priv *p = bs->priv;

	if (bs->nrows == p->nrows_cap) {
		p->nrows_cap = p->nrows_cap ? 2 * p->nrows_cap : 4096;
		bs->rows = xrealloc(bs->rows, p->nrows_cap * sizeof(*bs->rows));
	}
	memset(&bs->rows[bs->nrows], 0, sizeof(*bs->rows));
	bs->rows[bs->nrows].tstamp = NAN;
	return &bs->rows[bs->nrows++];
}

/* Verdict label of game g (0 or 1) to outcome and repetitions. */
static int
label_outcome(const char *label, int game, int weight, uint8_t *outcome,
    uint32_t *reps)
{
	int a_side;		/* 1: assistant A won */

	if (strcmp(label, "A=B") == 0) {
		*outcome = BATTLE_TIE;
		*reps = 1;
		return 0;
	}
	if (strcmp(label, "A>B") == 0 || strcmp(label, "A>>B") == 0)
		a_side = 1;
	else if (strcmp(label, "B>A") == 0 || strcmp(label, "B>>A") == 0)
		a_side = 0;
	else
		return -1;
	*reps = strlen(label) == 4 ? (uint32_t)weight : 1;
	/* Game 1 shows the baseline as A, game 2 the judged model. */
	*outcome = (a_side ^ (game == 1)) ? BATTLE_A : BATTLE_B;
	return 0;
}

static int
add_judgment(struct battle_set *bs, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	struct battle_priv *p = bs->priv;
	const char *fname = bs->files[file], *qid, *model, *judge, *base;
	const char *model_a;
	const char *labels[2] = { NULL, NULL };
	char num[32];
	const json_t *games = json_object_get(rec, "games");
	size_t ngames, g, use;
	uint32_t a, b, q;
	int rc;

	/* MT-Bench numbers its questions: an integer is its decimal text. */
	if (json_is_integer(json_object_get(rec, "question_id"))) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(json_object_get(rec, "question_id")));
		qid = num;
		rc = 1;
	} else
		rc = get_string(rec, "question_id", &qid, 0, fname, line, d);
	if (rc == 0)
		rc = get_string(rec, "uid", &qid, 0, fname, line, d);
	if (rc == -1)
		return -1;
	if (rc == 0)
		return diag_set(d, EX_DATAERR, fname, line,
		    "missing field 'question_id'");
	if ((rc = get_string(rec, "model", &model, 0, fname, line, d)) == -1)
		return -1;
	if (rc == 0)
		return diag_set(d, EX_DATAERR, fname, line,
		    "missing field 'model'");
	if (get_string(rec, "judge", &judge, 0, fname, line, d) == -1 ||
	    get_string(rec, "baseline", &base, 0, fname, line, d) == -1 ||
	    get_string(rec, "model_a", &model_a, 0, fname, line, d) == -1)
		return -1;
	if (!json_is_array(games))
		return diag_set(d, EX_DATAERR, fname, line,
		    "field 'games' is not an array");
	ngames = json_array_size(games);
	use = ngames < 2 ? ngames : 2;
	if (p->first_game_only && use > 1)
		use = 1;
	for (g = 0; g < use; g++) {
		const json_t *game = json_array_get(games, g), *score;

		if (json_is_null(game))
			continue;
		if (!json_is_object(game))
			return diag_set(d, EX_DATAERR, fname, line,
			    "games[%zu] is not an object", g);
		score = json_object_get(game, "score");
		if (score == NULL || json_is_null(score))
			continue;
		if (!json_is_string(score))
			return diag_set(d, EX_DATAERR, fname, line,
			    "field 'games[%zu].score' is not a string", g);
		labels[g] = json_string_value(score);
	}
	if (p->opt_judge != NULL) {
		if (judge == NULL || strcmp(judge, p->opt_judge) != 0) {
			bs->other_judges++;
			return 0;
		}
	}
	if (base != NULL && model_a == NULL) {
		const char *want = p->opt_baseline ? p->opt_baseline :
		    p->v2base;

		if (want != NULL && strcmp(want, base) != 0)
			return diag_set(d, EX_DATAERR, fname, line,
			    "baseline '%s' differs from %s'%s'", base,
			    p->opt_baseline ? "--baseline " : "", want);
		if (want == NULL)
			p->v2base = xstrdup(base);
		p->base_named = 1;
	}
	if (judge != NULL && p->opt_judge == NULL) {
		if (p->judge1 == NULL)
			p->judge1 = xstrdup(judge);
		else if (strcmp(p->judge1, judge) != 0 && p->judge2 == NULL) {
			p->judge2 = xstrdup(judge);
			p->judge2_file = file;
			p->judge2_line = line;
		}
	}
	if (json_object_get(rec, "source_judge") == NULL)
		p->any_nonpool = 1;
	if (model_a != NULL && !bs->all_pairs) {
		bs->all_pairs = 1;
		p->pair_file = file;
		p->pair_line = line;
	} else if (model_a == NULL && p->base_line == 0) {
		p->base_file = file;
		p->base_line = line;
	}
	bs->njudgments++;
	if (ngames > 2)
		bs->extra_games += ngames - 2;
	if (model_a != NULL)
		a = intern_named(p, model_a);
	else if (p->opt_baseline != NULL)
		a = strtab_intern(&p->models, p->opt_baseline);
	else if (p->v2base != NULL)
		a = strtab_intern(&p->models, p->v2base);
	else
		a = PENDING;
	b = intern_named(p, model);
	q = strtab_intern(&p->questions, qid);
	for (g = 0; g < use; g++) {
		struct battle_row *r;
		uint8_t outcome;
		uint32_t reps;

		if (labels[g] == NULL || label_outcome(labels[g], (int)g,
		    p->weight, &outcome, &reps) == -1) {
			bs->dropped_games++;
			continue;
		}
		r = new_row(bs);
		r->a = a;
		r->b = b;
		r->q = q;
		r->weight = reps;
		r->file = file;
		r->line = line;
		r->game = (uint8_t)g;
		r->outcome = outcome;
	}
	return 0;
}

static const char *vote_keys[ANSWER_NELEM] = {
	"sum_assistant_%c_tokens", "header_count_%c", "list_count_%c",
	"bold_count_%c"
};

/* An element: an integer, or an object whose values are summed. */
static int
meta_value(const json_t *v, long long *out)
{
	const char *k;
	const json_t *x;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_object(v))
		return -1;
	*out = 0;
	json_object_foreach((json_t *)v, k, x) {
		if (!json_is_integer(x) ||
		    __builtin_add_overflow(*out, json_integer_value(x), out))
			return -1;
	}
	return 0;
}

static int
vote_meta(const json_t *cm, struct battle_meta m[2], const char *fname,
    long line, struct diag *d)
{
	int side, e;

	memset(m, 0, 2 * sizeof(*m));
	for (side = 0; side < 2; side++)
		for (e = 0; e < ANSWER_NELEM; e++) {
			char key[64];
			const json_t *v;

			snprintf(key, sizeof(key), vote_keys[e], "ab"[side]);
			v = json_object_get(cm, key);
			if (v == NULL)
				continue;
			if (meta_value(v, &m[side].v[e]) == -1)
				return diag_set(d, EX_DATAERR, fname, line,
				    "field 'conv_metadata.%s' is not an "
				    "integer or an object of integers", key);
			m[side].mask |= 1U << e;
		}
	return 0;
}

static int
add_vote(struct battle_set *bs, const json_t *rec, uint32_t file, long line,
    struct diag *d)
{
	struct battle_priv *p = bs->priv;
	const char *fname = bs->files[file], *ma, *mb, *winner, *qid;
	const json_t *cm = json_object_get(rec, "conv_metadata"), *ts;
	struct battle_meta meta[2];
	struct battle_row *r;
	uint8_t outcome;
	int rc;

	if ((rc = get_string(rec, "model_a", &ma, 0, fname, line, d)) != 1 ||
	    (rc = get_string(rec, "model_b", &mb, 0, fname, line, d)) != 1) {
		if (rc == 0)
			diag_set(d, EX_DATAERR, fname, line,
			    "missing field '%s'", ma == NULL ? "model_a" :
			    "model_b");
		return -1;
	}
	if (get_string(rec, "winner", &winner, 0, fname, line, d) == -1 ||
	    get_string(rec, "question_id", &qid, 1, fname, line, d) == -1)
		return -1;
	ts = json_object_get(rec, "tstamp");
	if (ts != NULL && !json_is_null(ts) && !json_is_number(ts))
		return diag_set(d, EX_DATAERR, fname, line,
		    "field 'tstamp' is not a number");
	if (strcmp(winner, "model_a") == 0)
		outcome = BATTLE_A;
	else if (strcmp(winner, "model_b") == 0)
		outcome = BATTLE_B;
	else if (strcmp(winner, "tie") == 0 ||
	    strcmp(winner, "tie (bothbad)") == 0)
		outcome = BATTLE_TIE;
	else
		return diag_set(d, EX_DATAERR, fname, line,
		    "unknown winner '%s'", winner);
	if (cm != NULL && !json_is_null(cm)) {
		if (!json_is_object(cm))
			return diag_set(d, EX_DATAERR, fname, line,
			    "field 'conv_metadata' is not an object");
		if (vote_meta(cm, meta, fname, line, d) == -1)
			return -1;
	} else {
		cm = NULL;
	}
	bs->nvotes++;
	if (strcmp(ma, mb) == 0) {
		bs->self_votes++;
		return 0;
	}
	r = new_row(bs);
	r->a = intern_named(p, ma);
	r->b = intern_named(p, mb);
	r->q = qid != NULL ? strtab_intern(&p->questions, qid) : BATTLE_NOQ;
	r->weight = 1;
	r->file = file;
	r->line = line;
	r->outcome = outcome;
	r->vote = 1;
	r->tstamp = json_is_number(ts) ? json_number_value(ts) : NAN;
	if (cm != NULL) {
		if (bs->nmetas + 2 > p->nmetas_cap) {
			p->nmetas_cap = p->nmetas_cap ?
			    2 * p->nmetas_cap : 1024;
			bs->metas = xrealloc(bs->metas, p->nmetas_cap *
			    sizeof(*bs->metas));
		}
		r->has_meta = 1;
		r->meta = (uint32_t)(bs->nmetas / 2);
		bs->metas[bs->nmetas++] = meta[0];
		bs->metas[bs->nmetas++] = meta[1];
	}
	return 0;
}

int
battles_add(struct battle_set *bs, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	if (json_object_get(rec, "games") != NULL)
		return add_judgment(bs, rec, file, line, d);
	if (json_object_get(rec, "winner") != NULL)
		return add_vote(bs, rec, file, line, d);
	return diag_set(d, EX_DATAERR, bs->files[file], line,
	    "record is neither a judgment ('games') nor a vote ('winner')");
}

static int
cmp_name_idx(const void *pa, const void *pb, void *ctx)
{
	char **names = ctx;

	return strcmp(names[*(const size_t *)pa], names[*(const size_t *)pb]);
}

/* Renumber t so that ids follow bytewise name order; map[old] = new. */
static uint32_t *
strtab_sort(struct strtab *t, char ***sorted)
{
	uint32_t *map = xmalloc((t->n ? t->n : 1) * sizeof(*map));
	size_t *idx = xmalloc((t->n ? t->n : 1) * sizeof(*idx)), i;
	char **names = xmalloc((t->n ? t->n : 1) * sizeof(*names));

	for (i = 0; i < t->n; i++)
		idx[i] = i;
	/* Names are distinct, so an unstable sort is deterministic. */
	qsort_r(idx, t->n, sizeof(*idx), cmp_name_idx, t->names);
	for (i = 0; i < t->n; i++) {
		map[idx[i]] = (uint32_t)i;
		names[i] = t->names[idx[i]];
	}
	if (t->n > 0)
		memcpy(t->names, names, t->n * sizeof(*names));
	free(names);
	free(idx);
	strtab_rehash(t, t->nslots ? t->nslots : 128);
	*sorted = t->names;
	return map;
}

static int
outcome_rank(uint8_t o)
{
	/* Bytewise order of "model_a", "model_b", "tie". */
	return o == BATTLE_A ? 0 : o == BATTLE_B ? 1 : 2;
}

static int
cmp_canon(const void *pa, const void *pb, void *ctx)
{
	const struct battle_set *bs = ctx;
	const struct battle_row *x = &bs->rows[*(const uint32_t *)pa];
	const struct battle_row *y = &bs->rows[*(const uint32_t *)pb];
	long long qx = x->q == BATTLE_NOQ ? -1 : (long long)x->q;
	long long qy = y->q == BATTLE_NOQ ? -1 : (long long)y->q;
	int e, s;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (qx != qy)
		return qx < qy ? -1 : 1;
	if (x->game != y->game)
		return x->game < y->game ? -1 : 1;
	if (outcome_rank(x->outcome) != outcome_rank(y->outcome))
		return outcome_rank(x->outcome) < outcome_rank(y->outcome) ?
		    -1 : 1;
	/* Beyond the documented key: anything else that could tell rows apart. */
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (x->vote != y->vote)
		return x->vote < y->vote ? -1 : 1;
	if (x->has_meta != y->has_meta)
		return x->has_meta < y->has_meta ? -1 : 1;
	if (x->has_meta)
		for (s = 0; s < 2; s++) {
			const struct battle_meta *mx = &bs->metas[2 * x->meta +
			    s], *my = &bs->metas[2 * y->meta + s];

			if (mx->mask != my->mask)
				return mx->mask < my->mask ? -1 : 1;
			for (e = 0; e < ANSWER_NELEM; e++)
				if (mx->v[e] != my->v[e])
					return mx->v[e] < my->v[e] ? -1 : 1;
		}
	return 0;
}

/* The model of the most battle rows (the first by name on a tie). */
static const char *
busiest(const struct battle_set *bs)
{
	const struct strtab *t = &bs->priv->models;
	unsigned long long *n = xcalloc(t->n + 1, sizeof(*n));
	const char *best = NULL;
	size_t i, m, k = 0;

	for (i = 0; i < bs->nrows; i++) {
		n[bs->rows[i].a] += bs->rows[i].weight;
		n[bs->rows[i].b] += bs->rows[i].weight;
	}
	for (m = 0; m < t->n; m++)
		if (best == NULL || n[m] > n[k] || (n[m] == n[k] &&
		    strcmp(t->names[m], best) < 0)) {
			best = t->names[m];
			k = m;
		}
	free(n);
	return best;
}

int
battles_finish(struct battle_set *bs, struct diag *d)
{
	struct battle_priv *p = bs->priv;
	const char *base = p->opt_baseline ? p->opt_baseline : p->v2base;
	uint32_t *mmap, *qmap, pend;
	long id;
	size_t i;
	int named;

	if (bs->all_pairs && p->base_line != 0)
		return diag_set(d, EX_DATAERR, bs->files[p->pair_file],
		    p->pair_line, "a pairwise-all judgment among judgments "
		    "against a baseline (first at %s:%ld): mixed modes",
		    bs->files[p->base_file], p->base_line);
	if (p->opt_anchor != NULL && p->base_line != 0)
		return diag_set(d, EX_USAGE, bs->files[p->base_file],
		    p->base_line, "--anchor is for records without a baseline "
		    "(pairwise-all judgments, votes): use --baseline");
	if (p->opt_anchor != NULL && strcmp(p->opt_anchor, "mean") != 0)
		base = p->opt_anchor;
	else if (p->opt_anchor != NULL || (bs->all_pairs &&
	    p->opt_baseline == NULL)) {
		/* Fix the busiest model in the fits; the mean is shown. */
		bs->anchor_mean = 1;
		base = bs->nrows > 0 ? busiest(bs) : NULL;
		if (base == NULL)
			return diag_set(d, EX_DATAERR, NULL, 0,
			    "no battle to rate");
	}
	if (base == NULL && !p->online_elo)
		return diag_set(d, EX_USAGE, NULL, 0,
		    "no baseline: use --baseline");
	if (p->judge2 != NULL && p->any_nonpool)
		return diag_set(d, EX_DATAERR, bs->files[p->judge2_file],
		    p->judge2_line, "judge '%s' differs from judge '%s' of "
		    "earlier records (select one with --judge)", p->judge2,
		    p->judge1);
	/* The anchor of pair records is named when some record names it. */
	named = base != NULL && (p->base_named || bs->anchor_mean ||
	    (p->opt_anchor != NULL && strtab_find(&p->models, base) >= 0));
	pend = base != NULL ? strtab_intern(&p->models, base) : PENDING;
	for (i = 0; i < bs->nrows; i++)
		if (bs->rows[i].a == PENDING) {
			if (base == NULL)
				return diag_set(d, EX_USAGE, NULL, 0, "no "
				    "baseline for the judgments: use "
				    "--baseline");
			bs->rows[i].a = pend;
		}
	mmap = strtab_sort(&p->models, &bs->models);
	qmap = strtab_sort(&p->questions, &bs->questions);
	bs->nmodels = p->models.n;
	bs->nquestions = p->questions.n;
	for (i = 0; i < bs->nrows; i++) {
		struct battle_row *r = &bs->rows[i];

		r->a = mmap[r->a];
		r->b = mmap[r->b];
		if (r->q != BATTLE_NOQ)
			r->q = qmap[r->q];
	}
	free(mmap);
	free(qmap);
	if (base == NULL) {
		bs->base = UINT32_MAX;
		bs->baseline = NULL;
		goto sort;
	}
	id = battles_model_id(bs, base);
	bs->base = (uint32_t)id;
	bs->baseline = bs->models[id];
	bs->baseline_named = named;
	for (i = 0; i < bs->nrows; i++)
		if (bs->rows[i].a == bs->base || bs->rows[i].b == bs->base)
			break;
	if (i == bs->nrows)
		return diag_set(d, EX_DATAERR, NULL, 0, "%s '%s' has no "
		    "battles", p->opt_anchor != NULL ? "anchor" : "baseline",
		    base);
sort:
	bs->canon = xmalloc((bs->nrows ? bs->nrows : 1) * sizeof(*bs->canon));
	for (i = 0; i < bs->nrows; i++)
		bs->canon[i] = (uint32_t)i;
	qsort_r(bs->canon, bs->nrows, sizeof(*bs->canon), cmp_canon, bs);
	return 0;
}

long
battles_model_id(const struct battle_set *bs, const char *name)
{
	return strtab_find(&bs->priv->models, name);
}

long
battles_question_id(const struct battle_set *bs, const char *qid)
{
	return strtab_find(&bs->priv->questions, qid);
}

void
battles_groups_init(struct battle_groups *g, const struct battle_opts *o)
{
	memset(g, 0, sizeof(*g));
	g->opts = *o;
}

void
battles_groups_release(struct battle_groups *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->names[i]);
		battles_free(g->sets[i]);
	}
	for (i = 0; i < g->nfiles; i++)
		free(g->files[i]);
	free(g->names);
	free(g->sets);
	free(g->files);
	memset(g, 0, sizeof(*g));
}

uint32_t
battles_groups_add_file(struct battle_groups *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		battles_add_file(g->sets[i], name);
	g->files = xrealloc(g->files, (g->nfiles + 1) * sizeof(*g->files));
	g->files[g->nfiles] = xstrdup(name);
	return (uint32_t)g->nfiles++;
}

int
battles_groups_add(struct battle_groups *g, const json_t *rec, uint32_t file,
    long line, struct diag *d)
{
	const json_t *c = json_object_get(rec, "category");
	const char *name = "";
	size_t i, f;

	/* Only v2 judgments (those naming their baseline) have categories. */
	if (json_is_string(c) && json_object_get(rec, "games") != NULL &&
	    json_object_get(rec, "baseline") != NULL)
		name = json_string_value(c);
	for (i = 0; i < g->n; i++)
		if (strcmp(g->names[i], name) == 0)
			break;
	if (i == g->n) {
		g->names = xrealloc(g->names, (g->n + 1) * sizeof(*g->names));
		g->sets = xrealloc(g->sets, (g->n + 1) * sizeof(*g->sets));
		g->names[g->n] = xstrdup(name);
		g->sets[g->n] = battles_new(&g->opts);
		for (f = 0; f < g->nfiles; f++)
			battles_add_file(g->sets[g->n], g->files[f]);
		g->n++;
	}
	return battles_add(g->sets[i], rec, file, line, d);
}
