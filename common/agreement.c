/* agreement.c: judge-human and human-human agreement on shared battles. */
#include <stdlib.h>
#include <string.h>

#include "agreement.h"
#include "jsonw.h"
#include "strmap.h"

enum { FIRST, SECOND, TIE };	/* a verdict on a key's sorted pair */

struct vote {
	size_t key;
	int v;
	char *voter;		/* NULL: unknown */
};

struct verdict {
	size_t judge, key;
	int v;
};

struct agreement {
	char *baseline;
	struct strmap keys;	/* "qid\nm1\nm2" -> index */
	size_t nkeys;
	struct strmap judges;	/* name -> index */
	char **judge_names;
	size_t njudges;
	struct vote *votes;
	size_t nvotes;
	struct verdict *verdicts;
	size_t nverdicts;
	size_t dropped;		/* judgments without a valid game */
	struct agreement_row *rows;
	size_t nrows;
};

struct agreement *
agreement_new(const char *baseline)
{
	struct agreement *ag = xcalloc(1, sizeof(*ag));

	if (baseline != NULL)
		ag->baseline = xstrdup(baseline);
	return ag;
}

static void
free_rows(struct agreement *ag)
{
	size_t i;

	for (i = 0; i < ag->nrows; i++)
		free(ag->rows[i].judge);
	free(ag->rows);
	ag->rows = NULL;
	ag->nrows = 0;
}

void
agreement_free(struct agreement *ag)
{
	size_t i;

	if (ag == NULL)
		return;
	free_rows(ag);
	for (i = 0; i < ag->nvotes; i++)
		free(ag->votes[i].voter);
	free(ag->votes);
	free(ag->verdicts);
	for (i = 0; i < ag->njudges; i++)
		free(ag->judge_names[i]);
	free(ag->judge_names);
	strmap_release(&ag->keys);
	strmap_release(&ag->judges);
	free(ag->baseline);
	free(ag);
}

/*
 * The key of (qid, a, b) and whether a is the second of the sorted pair
 * (*swapped).  Creates the key.
 */
static size_t
key_of(struct agreement *ag, const char *qid, const char *a, const char *b,
    int *swapped)
{
	struct buf k;
	size_t i;

	*swapped = strcmp(a, b) > 0;
	buf_init(&k);
	buf_printf(&k, "%s\n%s\n%s", qid, *swapped ? b : a, *swapped ? a : b);
	i = strmap_get(&ag->keys, k.p, k.len);
	if (i == STRMAP_NONE) {
		i = ag->nkeys++;
		strmap_put(&ag->keys, k.p, k.len, i);
	}
	buf_release(&k);
	return i;
}

static int
flip(int v, int swapped)
{
	return v == TIE || !swapped ? v : v == FIRST ? SECOND : FIRST;
}

static const char *
str(const json_t *rec, const char *k)
{
	return json_string_value(json_object_get(rec, k));
}

static int
add_vote(struct agreement *ag, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	const char *a = str(rec, "model_a"), *b = str(rec, "model_b");
	const char *w = str(rec, "winner"), *qid = str(rec, "question_id");
	const char *voter = str(rec, "voter");
	struct vote *v;
	int swapped, x;

	if (a == NULL || b == NULL || w == NULL)
		return diag_set(d, EX_DATAERR, file, line, "a vote needs "
		    "string fields 'model_a', 'model_b' and 'winner'");
	if (strcmp(w, "model_a") == 0)
		x = FIRST;
	else if (strcmp(w, "model_b") == 0)
		x = SECOND;
	else if (strcmp(w, "tie") == 0 || strcmp(w, "tie (bothbad)") == 0)
		x = TIE;
	else
		return diag_set(d, EX_DATAERR, file, line, "unknown winner "
		    "'%s'", w);
	if (strcmp(a, b) == 0)
		return 0;
	if (voter == NULL)
		voter = str(rec, "judge");	/* Chatbot Arena's name */
	ag->votes = xrealloc(ag->votes, (ag->nvotes + 1) * sizeof(*ag->votes));
	v = &ag->votes[ag->nvotes++];
	v->key = key_of(ag, qid != NULL ? qid : "", a, b, &swapped);
	v->v = flip(x, swapped);
	v->voter = voter != NULL ? xstrdup(voter) : NULL;
	return 0;
}

/* Game g's label as a winner between A and B: FIRST (A), SECOND, TIE. */
static int
label(const json_t *game)
{
	const char *s = str(game, "score");

	if (s == NULL)
		return -1;
	if (strcmp(s, "A>>B") == 0 || strcmp(s, "A>B") == 0)
		return FIRST;
	if (strcmp(s, "B>>A") == 0 || strcmp(s, "B>A") == 0)
		return SECOND;
	if (strcmp(s, "A=B") == 0)
		return TIE;
	return -1;
}

static int
add_judgment(struct agreement *ag, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	const char *qid = str(rec, "question_id"), *judge = str(rec, "judge");
	const char *b = str(rec, "model_b"), *a = str(rec, "model_a");
	const json_t *games = json_object_get(rec, "games");
	struct verdict *vd;
	int g1, g2, v, swapped;
	size_t j;

	if (qid == NULL)
		qid = str(rec, "uid");		/* v2 */
	if (b == NULL)
		b = str(rec, "model");
	if (a == NULL)
		a = str(rec, "baseline") != NULL ? str(rec, "baseline") :
		    ag->baseline;
	if (qid == NULL || b == NULL || judge == NULL ||
	    !json_is_array(games))
		return diag_set(d, EX_DATAERR, file, line, "a judgment needs "
		    "'question_id', 'model', 'judge' and 'games'");
	if (a == NULL)
		return diag_set(d, EX_USAGE, file, line, "no baseline for the "
		    "judgments: use --baseline");
	if (strcmp(a, b) == 0)
		return 0;
	/* Game 1 shows model A first; game 2 swaps them. */
	g1 = label(json_array_get(games, 0));
	g2 = label(json_array_get(games, 1));
	if (g2 != -1)
		g2 = g2 == TIE ? TIE : g2 == FIRST ? SECOND : FIRST;
	if (g1 == -1 && g2 == -1) {
		ag->dropped++;
		return 0;
	}
	v = g1 == -1 ? g2 : g2 == -1 ? g1 : g1 == g2 ? g1 : TIE;
	j = strmap_get(&ag->judges, judge, strlen(judge));
	if (j == STRMAP_NONE) {
		j = ag->njudges++;
		ag->judge_names = xrealloc(ag->judge_names, ag->njudges *
		    sizeof(*ag->judge_names));
		ag->judge_names[j] = xstrdup(judge);
		strmap_put(&ag->judges, judge, strlen(judge), j);
	}
	ag->verdicts = xrealloc(ag->verdicts, (ag->nverdicts + 1) *
	    sizeof(*ag->verdicts));
	vd = &ag->verdicts[ag->nverdicts++];
	vd->judge = j;
	vd->key = key_of(ag, qid, a, b, &swapped);
	vd->v = flip(v, swapped);
	return 0;
}

int
agreement_add(struct agreement *ag, const json_t *rec, const char *file,
    long line, struct diag *d)
{
	if (json_object_get(rec, "games") != NULL)
		return add_judgment(ag, rec, file, line, d);
	if (json_object_get(rec, "winner") != NULL)
		return add_vote(ag, rec, file, line, d);
	return diag_set(d, EX_DATAERR, file, line,
	    "record is neither a judgment ('games') nor a vote ('winner')");
}

/* One comparison of verdicts x and y into row r. */
static void
compare(struct agreement_row *r, int x, int y)
{
	r->total++;
	r->agree += x == y;
	if (x != TIE && y != TIE) {
		r->total_nt++;
		r->agree_nt += x == y;
	}
}

static int
cmp_row(const void *pa, const void *pb)
{
	const struct agreement_row *x = pa, *y = pb;

	return strcmp(x->judge, y->judge);
}

size_t
agreement_compute(struct agreement *ag, const struct agreement_row **rows)
{
	size_t *first, *next, i, k, j;
	int *verdict;
	unsigned char *counted;

	free_rows(ag);
	ag->nrows = ag->njudges + 1;
	ag->rows = xcalloc(ag->nrows, sizeof(*ag->rows));
	/* Votes per key, as linked lists in input order. */
	first = xmalloc((ag->nkeys + 1) * sizeof(*first));
	next = xmalloc((ag->nvotes + 1) * sizeof(*next));
	for (k = 0; k < ag->nkeys; k++)
		first[k] = (size_t)-1;
	for (i = ag->nvotes; i-- > 0;) {
		next[i] = first[ag->votes[i].key];
		first[ag->votes[i].key] = i;
	}
	/* The last verdict of a judge on a key wins. */
	verdict = xmalloc((ag->njudges * ag->nkeys + 1) * sizeof(*verdict));
	for (i = 0; i < ag->njudges * ag->nkeys; i++)
		verdict[i] = -1;
	for (i = 0; i < ag->nverdicts; i++)
		verdict[ag->verdicts[i].judge * ag->nkeys +
		    ag->verdicts[i].key] = ag->verdicts[i].v;
	counted = xcalloc(ag->nkeys + 1, 1);
	for (j = 0; j < ag->njudges; j++) {
		struct agreement_row *r = &ag->rows[j];

		r->judge = xstrdup(ag->judge_names[j]);
		for (k = 0; k < ag->nkeys; k++) {
			int x = verdict[j * ag->nkeys + k];

			if (x == -1 || first[k] == (size_t)-1)
				continue;
			r->keys++;
			for (i = first[k]; i != (size_t)-1; i = next[i])
				compare(r, x, ag->votes[i].v);
		}
	}
	qsort(ag->rows, ag->njudges, sizeof(*ag->rows), cmp_row);
	/* People: every two votes of different voters on a key. */
	for (k = 0; k < ag->nkeys; k++) {
		struct agreement_row *r = &ag->rows[ag->njudges];
		size_t x, y;

		for (x = first[k]; x != (size_t)-1; x = next[x])
			for (y = next[x]; y != (size_t)-1; y = next[y]) {
				const char *vx = ag->votes[x].voter;
				const char *vy = ag->votes[y].voter;

				if (vx != NULL && vy != NULL &&
				    strcmp(vx, vy) == 0)
					continue;
				if (!counted[k]) {
					counted[k] = 1;
					r->keys++;
				}
				compare(r, ag->votes[x].v, ag->votes[y].v);
			}
	}
	free(counted);
	free(verdict);
	free(first);
	free(next);
	*rows = ag->rows;
	return ag->nrows;
}

void
agreement_counts(const struct agreement *ag, size_t *votes, size_t *verdicts,
    size_t *dropped)
{
	*votes = ag->nvotes;
	*verdicts = ag->nverdicts;
	*dropped = ag->dropped;
}

static void
ratio(struct buf *out, unsigned long long a, unsigned long long t)
{
	if (t == 0)
		buf_printf(out, "%6s", "-");
	else
		buf_printf(out, "%6.2f", (double)a / (double)t);
}

void
agreement_format_table(struct buf *out, const struct agreement_row *r,
    size_t n)
{
	size_t i;

	buf_printf(out, "%-30s | %6s | %16s %6s | %16s %6s\n", "judge", "keys",
	    "with tie: agree", "ratio", "without: agree", "ratio");
	for (i = 0; i < n; i++) {
		char a[48], b[48];

		snprintf(a, sizeof(a), "%llu/%llu", r[i].agree, r[i].total);
		snprintf(b, sizeof(b), "%llu/%llu", r[i].agree_nt,
		    r[i].total_nt);
		buf_printf(out, "%-30s | %6llu | %16s ", r[i].judge != NULL ?
		    r[i].judge : "(people vs people)", r[i].keys, a);
		ratio(out, r[i].agree, r[i].total);
		buf_printf(out, " | %16s ", b);
		ratio(out, r[i].agree_nt, r[i].total_nt);
		buf_addc(out, '\n');
	}
}

static json_t *
part(unsigned long long a, unsigned long long t)
{
	return json_pack("{s:I,s:I,s:o}", "agree", (json_int_t)a, "total",
	    (json_int_t)t, "ratio", t > 0 ? json_real((double)a / (double)t) :
	    json_null());
}

void
agreement_format_json(struct buf *out, const struct agreement_row *r,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *v = json_pack("{s:s,s:o,s:I,s:o,s:o}", "type",
		    "agreement", "judge", r[i].judge != NULL ?
		    json_string(r[i].judge) : json_null(), "keys",
		    (json_int_t)r[i].keys, "with_ties", part(r[i].agree,
		    r[i].total), "without_ties", part(r[i].agree_nt,
		    r[i].total_nt));

		jsonw_dump(out, v, 0);
		buf_addc(out, '\n');
		json_decref(v);
	}
}
