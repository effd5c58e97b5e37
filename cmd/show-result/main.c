/* show-result: judgments and votes to leaderboards with bootstrap CIs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agreement.h"
#include "answerscan.h"
#include "battles.h"
#include "boardin.h"
#include "boardfmt.h"
#include "browse.h"
#include "buf.h"
#include "category.h"
#include "cli.h"
#include "diag.h"
#include "hash.h"
#include "judgediag.h"
#include "jsonl.h"
#include "jsonw.h"
#include "leaderboard.h"
#include "matrix.h"
#include "outdir.h"
#include "questions.h"
#include "report.h"
#include "rng.h"
#include "scoreboard.h"
#include "statfmt.h"
#include "suggest.h"
#include "tokenizer.h"
#include "verdicts.h"

#define PROG "show-result"
#define MAX_DUPS 10

/* The names follow the --format option's list. */
enum format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN, FMT_HTML };

static const char *langs[] = { "en", "ko", "zh" };

struct opts {
	struct battle_opts bo;
	struct lb_opts lo;
	int boards[LB_NBOARDS];	/* which boards, in order */
	int nboards;
	enum format format;
	int show_elo;
	const char *outdir;
	char date[16];
	char **answers;
	size_t nanswers;
	char **judgments;	/* --judgments, per-judge records */
	size_t njudgments;
	const char *questions;
	const char *category;
	const char *judges;	/* --judges, comma-separated */
	const char *lang;
	const char *title;
	int report;		/* matrices, categories, judges wanted */
	int browse;		/* the question browser's files too */
	char **files;
	int nfiles;
	int agreement;
	int v2_scoring;		/* --scoring v2 */
	int by_outcome;		/* v2: resample each model's outcomes */
};

/* What the report adds to the boards. */
struct extras {
	struct verdicts *board;	/* the board's records, labels only */
	struct verdicts *judged;	/* --judgments, with texts */
	struct question_set qs;
	struct matrix mx[LB_NBOARDS];
	struct category_scores cats;
	struct judgediag jd;
	int diag_from_board;
	char **judges;		/* names marked as judges */
	size_t njudges;
	struct report_file *inputs;	/* digests for the provenance */
	size_t ninputs;
};

/* Counts tokens with the cl100k encoder, loaded on first use. */
struct tokctx {
	struct tok_encoder *enc;
	struct diag d;
	int failed;
};

enum {
	OPT_AGREEMENT = CLI_OPT_NEXT, OPT_ALLOW, OPT_ANCHOR, OPT_ANSWERS,
	OPT_BASELINE, OPT_BOOTSTRAP, OPT_CATEGORY, OPT_COMPAT, OPT_CONTROL,
	OPT_DATE, OPT_ELO, OPT_FIRST, OPT_FORMAT, OPT_JUDGE, OPT_JUDGES,
	OPT_JUDGMENTS, OPT_LANG, OPT_OUTDIR, OPT_QUESTIONS, OPT_ROUNDS,
	OPT_SCORING, OPT_SEED, OPT_SHOW_ELO, OPT_TITLE, OPT_WEIGHT
};

static const struct cli_option options[] = {
	CLI_OPTION_HELP,
	{ "quiet", 'q', NULL, 0, 'q', "print no warnings" },
	{ "agreement", 0, NULL, 0, OPT_AGREEMENT,
	    "print judge-human agreement, not a board" },
	{ "allow-missing-metadata", 0, NULL, 0, OPT_ALLOW,
	    "drop battles without style metadata" },
	{ "anchor", 0, "model|mean", 0, OPT_ANCHOR,
	    "the 50 % model of boards without a baseline" },
	{ "answers", 0, "path", 0, OPT_ANSWERS,
	    "answer records: file or directory (repeatable)" },
	{ "baseline", 0, "model", 0, OPT_BASELINE,
	    "the model every win rate is against" },
	{ "bootstrap", 0, "question|battle", 0, OPT_BOOTSTRAP,
	    "the resampling unit (default question)" },
	{ "category", 0, "key", 0, OPT_CATEGORY,
	    "the question key naming categories" },
	{ "control", 0, "none|style|length|markdown|all", 0, OPT_CONTROL,
	    "the boards to compute (default none)" },
	{ "date", 0, "yyyy-mm-dd", 0, OPT_DATE,
	    "the date column of the CSV (default today)" },
	{ "elo", 0, "bt|online", 0, OPT_ELO,
	    "Bradley-Terry fit (default) or online Elo" },
	{ "first-game-only", 0, NULL, 0, OPT_FIRST,
	    "use game 1 of each judgment only" },
	{ "format", 0, "table|csv|json|markdown|html", 0, OPT_FORMAT,
	    "the output format (default table)" },
	{ "judge", 0, "name", 0, OPT_JUDGE,
	    "use the records of this judge only" },
	{ "judges", 0, "list", 0, OPT_JUDGES,
	    "comma-separated judges to mark in the report" },
	{ "judgments", 0, "path", 0, OPT_JUDGMENTS,
	    "per-judge judgments (repeatable)" },
	{ "lang", 0, "en|ko|zh", 0, OPT_LANG,
	    "the report's language (default en)" },
	{ "num-rounds", 0, "n", 0, OPT_ROUNDS,
	    "bootstrap rounds (default 1000)" },
	{ "output-dir", 0, "dir", 0, OPT_OUTDIR,
	    "also write the CSVs (and the report) into dir" },
	{ "questions", 0, "file", 0, OPT_QUESTIONS,
	    "questions: categories and texts" },
	{ "reference-compat", 0, NULL, 0, OPT_COMPAT,
	    "reproduce the Korean fork's numbers exactly" },
	{ "scoring", 0, "bt|v2", 0, OPT_SCORING,
	    "Bradley-Terry (default) or v2.0's mean scores" },
	{ "seed", 0, "n", 0, OPT_SEED, "the random seed (default 42)" },
	{ "show-elo", 0, NULL, 0, OPT_SHOW_ELO,
	    "show Elo ratings instead of win rates" },
	{ "title", 0, "text", 0, OPT_TITLE, "the report's title" },
	CLI_OPTION_VERSION,
	{ "weight", 0, "n", 0, OPT_WEIGHT,
	    "repetitions of a strong verdict (default 3)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "[file ...]", NULL }, NULL
};

static void parse_args(int, char **, struct opts *);
static int read_judgments(const struct opts *, struct boardin *,
    struct verdicts *);
static int write_stdout(const struct buf *);
static int read_answers(const struct opts *, struct answer_set *,
    struct tokctx *);
static int check_baseline(const struct battle_set *,
    const struct answer_set *);
static void warn_tokens(const struct lb_result *, const struct answer_set *);
static int read_extras(const struct opts *, struct extras *);
static void compute_extras(const struct opts *, const struct lb_result *,
    const struct battle_set *, const struct answer_set *, struct extras *);
static int write_outputs(const struct opts *, struct lb_result *,
    const struct battle_set *, const struct answer_set *, struct extras *,
    int);
static void extras_release(const struct opts *, struct extras *);

static void
print_notes(const struct diag *v, size_t n, int warn)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (warn)
			diag_warn(PROG, v[i].file, v[i].line, "%s", v[i].msg);
		else
			diag_error(PROG, v[i].file, v[i].line, "%s", v[i].msg);
	}
}

/*
 * --agreement: votes and judgments to the agreement table of the MT-Bench
 * study (agreement.h).  Bad records are reported and skipped.
 */
static int
agreement_run(const struct opts *o)
{
	const struct agreement_row *rows;
	struct agreement *ag = agreement_new(o->bo.baseline);
	size_t nrows, votes, verdicts, dropped;
	int i, rc = 0, n = o->nfiles > 0 ? o->nfiles : 1;
	struct buf b;

	for (i = 0; i < n; i++) {
		const char *path = o->nfiles > 0 ? o->files[i] : "-";
		struct jsonl_reader *r;
		struct diag d;
		json_t *rec;
		long line;
		int st;

		diag_clear(&d);
		if ((r = jsonl_open(path, &d)) == NULL) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			continue;
		}
		while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
			if (st == 1) {
				st = agreement_add(ag, rec, jsonl_name(r), line,
				    &d) == 0 ? 1 : -1;
				json_decref(rec);
			}
			if (st == -1 && jsonl_at_torn_end(r))
				diag_warn(PROG, d.file, d.line, "torn last line "
				    "ignored (no newline at the end): %s",
				    d.msg);
			else if (st == -1)
				rc = diag_worse(rc, diag_print(PROG, &d));
			diag_clear(&d);
		}
		jsonl_free(r);
	}
	agreement_counts(ag, &votes, &verdicts, &dropped);
	if (dropped > 0)
		diag_warn(PROG, NULL, 0, "judgments without a valid verdict "
		    "dropped: %zu", dropped);
	if (votes == 0)
		diag_warn(PROG, NULL, 0, "no votes: nothing to agree with");
	nrows = agreement_compute(ag, &rows);
	buf_init(&b);
	if (o->format == FMT_JSON)
		agreement_format_json(&b, rows, nrows);
	else
		agreement_format_table(&b, rows, nrows);
	rc = diag_worse(rc, write_stdout(&b));
	buf_release(&b);
	agreement_free(ag);
	return rc;
}

/*
 * The Bradley-Terry boards of one battle set, with what the report adds,
 * to stdout (and --output-dir); after "##### Category: title #####" when
 * v2 judgments of several categories make a board each, as upstream
 * prints them.
 */
static int
battle_boards(const struct opts *o, struct battle_set *bs,
    const struct answer_set *ans, struct extras *x, const char *title,
    int first, int rc)
{
	struct lb_result res[LB_NBOARDS];
	struct diag d;
	struct buf b;
	int st, i, done = 0;

	memset(res, 0, sizeof(res));
	diag_clear(&d);
	if (battles_finish(bs, &d) == -1) {
		rc = diag_worse(rc, diag_print(PROG, &d));
		goto out;
	}
	if (check_baseline(bs, ans) != 0) {
		rc = diag_worse(rc, EX_DATAERR);
		goto out;
	}
	if (bs->dropped_games > 0)
		diag_warn(PROG, NULL, 0, "games without a valid verdict "
		    "dropped: %llu", bs->dropped_games);
	if (bs->extra_games > 0)
		diag_warn(PROG, NULL, 0, "games beyond the second ignored: "
		    "%llu", bs->extra_games);
	if (bs->self_votes > 0)
		diag_warn(PROG, NULL, 0, "votes of a model against itself "
		    "dropped: %llu", bs->self_votes);
	for (i = 0; i < o->nboards; i++, done++) {
		st = lb_compute(bs, ans, o->boards[i], &o->lo, &res[i], &d);
		print_notes(res[i].warns, res[i].nwarns, 1);
		if (st == -1) {
			print_notes(res[i].errs, res[i].nerrs, 0);
			rc = diag_worse(rc, diag_print(PROG, &d));
			done++;
			goto out;
		}
	}
	if (o->nboards > 0)
		warn_tokens(&res[0], ans);
	if (o->report)
		compute_extras(o, res, bs, ans, x);
	if (title != NULL) {
		buf_init(&b);
		buf_printf(&b, "%s##### Category: %s #####\n", first ? "" :
		    "\n", title);
		rc = diag_worse(rc, write_stdout(&b));
		buf_release(&b);
	}
	rc = diag_worse(rc, write_outputs(o, res, bs, ans, x, rc));
out:
	for (i = 0; i < done; i++)
		lb_result_release(&res[i]);
	return rc;
}

/* The MT-Bench table or v2.0's scores (scoreboard.h) to stdout. */
static int
score_boards(const struct opts *o, struct boardin *bi, int rc)
{
	struct scoreboard_opts so = { SCOREBOARD_TABLE, o->lo.num_rounds,
	    o->lo.seed, o->by_outcome, o->date };
	struct diag notes[SCOREBOARD_MAX_NOTES], d;
	size_t n = 0;
	struct buf b;
	int st = 0;

	if (o->outdir != NULL || o->format == FMT_MARKDOWN ||
	    o->format == FMT_HTML) {
		diag_error(PROG, NULL, 0, "the %s is printed as a table, CSV "
		    "or JSON, without --output-dir", bi->kind ==
		    BOARDIN_SINGLE ? "MT-Bench table" : "v2.0 scoring");
		return diag_worse(rc, EX_USAGE);
	}
	so.format = o->format == FMT_CSV ? SCOREBOARD_CSV :
	    o->format == FMT_JSON ? SCOREBOARD_JSON : SCOREBOARD_TABLE;
	diag_clear(&d);
	if (bi->kind == BOARDIN_SINGLE && o->questions != NULL)
		st = scoreboard_categories(bi, o->questions, notes, &n, &d);
	print_notes(notes, n < SCOREBOARD_MAX_NOTES ? n :
	    SCOREBOARD_MAX_NOTES, 0);
	if (st == -1)
		return diag_worse(rc, diag_print(PROG, &d));
	rc = diag_worse(rc, n > 0 ? EX_DATAERR : 0);
	n = 0;
	buf_init(&b);
	st = scoreboard_write(bi, &so, &b, notes, &n, &d);
	print_notes(notes, n < SCOREBOARD_MAX_NOTES ? n :
	    SCOREBOARD_MAX_NOTES, 1);
	if (st == -1)
		rc = diag_worse(rc, diag_print(PROG, &d));
	else
		rc = diag_worse(rc, write_stdout(&b));
	buf_release(&b);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct answer_set *ans = NULL;
	struct boardin_opts bio;
	struct battle_set *bs;
	struct boardin bi;
	struct extras x;
	struct tokctx tc;
	struct rng_mt mt;
	struct opts o;
	int rc, closed;
	size_t g;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	if (o.agreement)
		return agreement_run(&o);
	memset(&tc, 0, sizeof(tc));
	memset(&x, 0, sizeof(x));
	if (o.lo.reference_compat) {
		rng_mt_seed(&mt, (uint32_t)o.lo.seed);
		o.lo.mt = &mt;
	}
	bio.battles = o.bo;
	bio.v2_scoring = o.v2_scoring;
	boardin_init(&bi, &bio);
	bs = battles_new(&o.bo);
	if (o.report)
		x.board = verdicts_new(0);
	if ((rc = cli_stdout_closed(PROG, closed)) != 0)
		goto out;
	rc = read_judgments(&o, &bi, x.board);
	if ((rc != 0 && rc != EX_DATAERR) || bi.mixed)
		goto out;
	if (bi.kind == BOARDIN_SINGLE || bi.kind == BOARDIN_V2) {
		rc = score_boards(&o, &bi, rc);
		goto out;
	}
	if (bi.groups.n > 1 && (o.report || (o.format != FMT_TABLE &&
	    o.format != FMT_MARKDOWN))) {
		diag_error(PROG, NULL, 0, "judgments of %zu categories make a "
		    "board each: print them as a table or markdown, give one "
		    "category's records, or score them with --scoring v2",
		    bi.groups.n);
		rc = diag_worse(rc, EX_USAGE);
		goto out;
	}
	if (o.nanswers > 0) {
		ans = answerscan_set_new();
		rc = diag_worse(rc, read_answers(&o, ans, &tc));
		if (rc != 0 && rc != EX_DATAERR)
			goto out;
	}
	rc = diag_worse(rc, read_extras(&o, &x));
	if (rc != 0 && rc != EX_DATAERR)
		goto out;
	/* No record at all: the empty set says what is missing. */
	if (bi.groups.n == 0)
		rc = battle_boards(&o, bs, ans, &x, NULL, 1, rc);
	for (g = 0; g < bi.groups.n; g++)
		rc = battle_boards(&o, bi.groups.sets[g], ans, &x,
		    bi.groups.n > 1 ? bi.groups.names[g] : NULL, g == 0, rc);
out:
	extras_release(&o, &x);
	boardin_release(&bi);
	battles_free(bs);
	answerscan_set_free(ans);
	tok_free(tc.enc);
	for (size_t k = 0; k < o.nanswers; k++)
		free(o.answers[k]);
	free(o.answers);
	for (size_t k = 0; k < o.njudgments; k++)
		free(o.judgments[k]);
	free(o.judgments);
	return rc;
}

/*
 * A --baseline that no record (nor answer) names is a typo: the name would
 * become the 50 % anchor and the real baseline a ranked model.
 */
static int
check_baseline(const struct battle_set *bs, const struct answer_set *ans)
{
	struct buf b;

	/* --elo online needs no baseline. */
	if (bs->baseline == NULL || bs->baseline_named || (ans != NULL &&
	    answerscan_has_model(ans, bs->baseline)))
		return 0;
	buf_init(&b);
	if (suggest_closest(&b, bs->baseline, (const char *const *)bs->models,
	    bs->nmodels) > 0)
		diag_error(PROG, NULL, 0, "--baseline: no record or answer "
		    "names model '%s'; did you mean %s?", bs->baseline, b.p);
	else
		diag_error(PROG, NULL, 0, "--baseline: no record or answer "
		    "names model '%s' (give its answers with --answers)",
		    bs->baseline);
	buf_release(&b);
	return EX_DATAERR;
}

/* Say why "average #tokens" shows n/a: no answers, or none of a model. */
static void
warn_tokens(const struct lb_result *r, const struct answer_set *ans)
{
	struct buf b;
	size_t i, n = 0;

	buf_init(&b);
	for (i = 0; i < r->nmodels; i++)
		if (r->models[i].avg_tokens < 0 && n++ < 3)
			buf_printf(&b, "%s'%s'", n > 1 ? ", " : "",
			    r->models[i].name);
	if (n > 0 && ans == NULL)
		diag_warn(PROG, NULL, 0, "average #tokens is n/a without the "
		    "answers: give their files (or data/*/answer_metadata) "
		    "with --answers");
	else if (n > 0)
		diag_warn(PROG, NULL, 0, "no answers of %zu model%s (%s%s): "
		    "average #tokens is n/a", n, n == 1 ? "" : "s", b.p,
		    n > 3 ? ", ..." : "");
	buf_release(&b);
}

/* Whether rec passes --judge (as battles_add decides). */
static int
judge_ok(const struct opts *o, const json_t *rec)
{
	const json_t *j = json_object_get(rec, "judge");

	return o->bo.judge == NULL || (json_is_string(j) &&
	    strcmp(json_string_value(j), o->bo.judge) == 0);
}

/*
 * Read every judgment, vote or grade record into the board it feeds (and,
 * for the report, v); bad records are reported and skipped, and one of
 * another mode than the first stops the read.
 */
static int
read_judgments(const struct opts *o, struct boardin *bi,
    struct verdicts *v)
{
	int i, rc = 0, n = o->nfiles > 0 ? o->nfiles : 1;

	for (i = 0; i < n; i++) {
		const char *path = o->nfiles > 0 ? o->files[i] : "-";
		struct jsonl_reader *r;
		struct diag d;
		json_t *rec;
		uint32_t fi, vi = 0;
		long line;
		int st;

		diag_clear(&d);
		if ((r = jsonl_open(path, &d)) == NULL)
			return diag_worse(rc, diag_print(PROG, &d));
		fi = boardin_add_file(bi, jsonl_name(r));
		if (v != NULL)
			vi = verdicts_add_file(v, jsonl_name(r));
		while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
			if (st == 1) {
				st = boardin_add(bi, rec, fi, line, &d);
				/* What battles took, the report takes too. */
				if (st == 0 && v != NULL && judge_ok(o, rec) &&
				    bi->kind == BOARDIN_BATTLES)
					st = verdicts_add(v, rec, vi, line, &d);
				json_decref(rec);
			}
			if (st == -1 && jsonl_at_torn_end(r)) {
				/* A vote log cut short by a crash. */
				diag_warn(PROG, d.file, d.line, "torn last line "
				    "ignored (no newline at the end): %s",
				    d.msg);
				diag_clear(&d);
			} else if (st == -1) {
				rc = diag_worse(rc, diag_print(PROG, &d));
				diag_clear(&d);
			}
			/* Boards of two modes do not mix: stop at once. */
			if (bi->mixed)
				break;
		}
		jsonl_free(r);
		if (bi->mixed)
			break;
	}
	if (v != NULL)
		verdicts_finish(v);
	return rc;
}

static long long
count_tokens(void *arg, const char *text, size_t len)
{
	struct tokctx *tc = arg;

	if (tc->enc == NULL && !tc->failed) {
		tc->enc = tok_load(NULL, &tc->d);
		tc->failed = tc->enc == NULL;
	}
	if (tc->enc == NULL)
		return -1;
	return (long long)tok_count(tc->enc, text, len);
}

static int
read_answers(const struct opts *o, struct answer_set *ans, struct tokctx *tc)
{
	struct answer_file *files;
	struct diag d, dups[MAX_DUPS];
	char **paths = NULL;
	size_t n = 0, i, ndups;
	int rc = 0;

	diag_clear(&d);
	for (i = 0; i < o->nanswers; i++)
		if (answerscan_expand(o->answers[i], &paths, &n, &d) == -1) {
			rc = diag_print(PROG, &d);
			goto out;
		}
	files = xcalloc(n ? n : 1, sizeof(*files));
	for (i = 0; i < n; i++)
		files[i].keep_text = o->browse;
	answerscan_load(paths, n, o->lo.threads, files);
	for (i = 0; i < n; i++) {
		if (files[i].fatal.code != 0)
			rc = diag_worse(rc, diag_print(PROG, &files[i].fatal));
		print_notes(files[i].errs, files[i].nerrs, 0);
		if (files[i].nerrs > 0)
			rc = diag_worse(rc, EX_DATAERR);
		answerscan_set_add(ans, &files[i]);
		answerscan_file_release(&files[i]);
	}
	free(files);
	if (rc != 0 && rc != EX_DATAERR)
		goto out;
	if (answerscan_set_finish(ans, count_tokens, tc, dups, MAX_DUPS,
	    &ndups, &d) == -1) {
		rc = diag_worse(rc, diag_print(PROG, tc->failed ? &tc->d : &d));
		goto out;
	}
	for (i = 0; i < ndups && i < MAX_DUPS; i++)
		diag_warn(PROG, dups[i].file, dups[i].line, "%s", dups[i].msg);
	if (ndups > MAX_DUPS)
		diag_warn(PROG, NULL, 0, "%zu duplicate answers in all "
		    "(the last of each wins)", ndups);
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* Add path and the hex prefix of its SHA-256 to the provenance. */
static void
add_input(struct extras *x, const char *path)
{
	unsigned char h[HASH_LEN];
	struct report_file *f;
	char hex[2 * HASH_LEN + 1];

	x->inputs = xrealloc(x->inputs, (x->ninputs + 1) * sizeof(*x->inputs));
	f = &x->inputs[x->ninputs++];
	f->name = xstrdup(path);
	f->sha256[0] = '\0';
	if (strcmp(path, "-") != 0 && hash_file(path, h) == 0) {
		hash_hex(h, 6, hex);
		memcpy(f->sha256, hex, 12);
		f->sha256[12] = '\0';
	}
}

/* The per-judge records of --judgments (files or directories). */
static int
read_judged(const struct opts *o, struct extras *x)
{
	char **paths = NULL;
	size_t n = 0, i;
	struct diag d;
	int rc = 0;

	diag_clear(&d);
	x->judged = verdicts_new(o->browse);
	for (i = 0; i < o->njudgments; i++)
		if (answerscan_expand(o->judgments[i], &paths, &n, &d) == -1) {
			rc = diag_print(PROG, &d);
			goto out;
		}
	for (i = 0; i < n; i++) {
		struct jsonl_reader *r;
		json_t *rec;
		uint32_t fi;
		long line;
		int st;

		add_input(x, paths[i]);
		if ((r = jsonl_open(paths[i], &d)) == NULL) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			goto out;
		}
		fi = verdicts_add_file(x->judged, jsonl_name(r));
		while ((st = jsonl_read(r, &rec, &line, &d)) != 0) {
			if (st == 1) {
				st = verdicts_add(x->judged, rec, fi, line, &d);
				json_decref(rec);
			}
			if (st == -1) {
				rc = diag_worse(rc, diag_print(PROG, &d));
				diag_clear(&d);
			}
		}
		jsonl_free(r);
	}
	verdicts_finish(x->judged);
	if (x->judged->replaced > 0)
		diag_warn(PROG, NULL, 0, "--judgments: %llu records of a "
		    "judge, model and question seen before (the last wins)",
		    x->judged->replaced);
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* The inputs of the report: questions, per-judge records, digests. */
static int
read_extras(const struct opts *o, struct extras *x)
{
	struct diag d;
	size_t i, n = 0;
	char **paths = NULL;
	int rc = 0;

	if (!o->report)
		return 0;
	diag_clear(&d);
	for (i = 0; i < (size_t)o->nfiles; i++)
		add_input(x, o->files[i]);
	if (o->nfiles == 0)
		add_input(x, "-");
	for (i = 0; i < o->nanswers; i++)
		if (answerscan_expand(o->answers[i], &paths, &n, &d) == 0)
			d.code = 0;
	for (i = 0; i < n; i++) {
		add_input(x, paths[i]);
		free(paths[i]);
	}
	free(paths);
	if (o->questions != NULL) {
		add_input(x, o->questions);
		if (questions_read(&x->qs, o->questions, &d) == -1)
			return diag_print(PROG, &d);
		print_notes(x->qs.errs, x->qs.nerrs, 0);
		if (x->qs.nerrs > 0)
			rc = EX_DATAERR;
	}
	if (o->njudgments > 0)
		rc = diag_worse(rc, read_judged(o, x));
	return rc;
}

/* Add name to the judges to mark unless it is there or names no model. */
static void
add_judge(struct extras *x, const char *name, size_t len)
{
	size_t i;

	if (len == 0 || (len == 8 && memcmp(name, "ensemble", 8) == 0) ||
	    (len == 4 && memcmp(name, "pool", 4) == 0))
		return;
	for (i = 0; i < x->njudges; i++)
		if (strlen(x->judges[i]) == len &&
		    memcmp(x->judges[i], name, len) == 0)
			return;
	x->judges = xrealloc(x->judges, (x->njudges + 1) * sizeof(*x->judges));
	x->judges[x->njudges++] = xstrndup(name, len);
}

static void
compute_extras(const struct opts *o, const struct lb_result *res,
    const struct battle_set *bs, const struct answer_set *ans,
    struct extras *x)
{
	const struct verdicts *v = x->judged ? x->judged : x->board;
	const char *key, *p;
	int i;

	for (i = 0; i < o->nboards; i++)
		matrix_compute(&x->mx[i], &res[i], bs);
	if (x->qs.n > 0 && (key = questions_category_key(&x->qs,
	    o->category)) != NULL)
		category_compute(&x->cats, &res[0], bs, &x->qs, key);
	x->diag_from_board = x->judged == NULL;
	judgediag_compute(&x->jd, v, ans, bs->baseline);
	/* The judges: --judges, then those the records name. */
	for (p = o->judges; p != NULL && *p != '\0'; p += *p == ',') {
		size_t n = strcspn(p, ",");

		add_judge(x, p, n);
		p += n;
	}
	for (i = 0; i < (int)v->njudges; i++)
		add_judge(x, v->judges[i], strlen(v->judges[i]));
}

static void
extras_release(const struct opts *o, struct extras *x)
{
	size_t i;

	verdicts_free(x->board);
	verdicts_free(x->judged);
	questions_release(&x->qs);
	for (i = 0; i < LB_NBOARDS; i++)
		matrix_release(&x->mx[i]);
	category_release(&x->cats);
	judgediag_release(&x->jd);
	for (i = 0; i < x->njudges; i++)
		free(x->judges[i]);
	free(x->judges);
	for (i = 0; i < x->ninputs; i++)
		free((char *)x->inputs[i].name);
	free(x->inputs);
}

/* Write buf to stdout; a closed pipe ends the process as cat(1) would. */
static int
write_stdout(const struct buf *b)
{
	fwrite(b->p, 1, b->len, stdout);
	return cli_flush_stdout(PROG);
}

/* The report's JSON lines: matrices, categories, judge diagnostics. */
static void
extras_json(struct buf *b, const struct opts *o, const struct lb_result *res,
    const struct extras *x)
{
	json_t *a = json_array(), *v;
	size_t i;
	int k;

	for (k = 0; k < o->nboards; k++)
		json_array_append_new(a, statfmt_matrix(&x->mx[k],
		    lb_board_name(res[k].board), -1));
	if (x->cats.ncat > 0)
		json_array_append_new(a, statfmt_categories(&x->cats, -1));
	statfmt_judges(a, &x->jd, -1);
	json_array_foreach(a, i, v) {
		jsonw_dump(b, v, 0);
		buf_addc(b, '\n');
	}
	json_decref(a);
}

static void
now_utc(char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = sde != NULL && *sde != '\0' ? (time_t)atoll(sde) :
	    time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The page (and with --output-dir the browser's files) into b and od. */
static int
make_report(const struct opts *o, struct lb_result *res,
    const struct battle_set *bs, const struct answer_set *ans,
    struct extras *x, struct buf *page, struct outdir *od)
{
	struct browse_file *files = NULL;
	json_t *index = NULL;
	const char **models;
	struct report r;
	struct diag d;
	char when[32];
	size_t nfiles = 0, i;
	int rc = 0;

	diag_clear(&d);
	now_utc(when, sizeof(when));
	/* The browser reads judgments (not votes) against a baseline. */
	if (o->browse && !bs->all_pairs && bs->baseline != NULL &&
	    (x->board->nrecs > 0 || (x->judged != NULL &&
	    x->judged->nrecs > 0))) {
		struct browse_in in;

		models = xcalloc(res[0].nmodels + 1, sizeof(*models));
		for (i = 0; i < res[0].nmodels; i++)
			models[i] = res[0].models[i].name;
		memset(&in, 0, sizeof(in));
		in.qs = x->qs.n > 0 ? &x->qs : NULL;
		in.category_key = x->cats.ncat > 0 ? x->cats.key : NULL;
		in.ans = ans;
		in.judges = x->judged;
		in.board = x->board;
		in.baseline = bs->baseline;
		in.models = models;
		in.nmodels = res[0].nmodels;
		in.threads = o->lo.threads;
		in.level = 1;
		rc = browse_build(&in, &files, &nfiles, &index, &d);
		free(models);
		if (rc == -1)
			return diag_print(PROG, &d);
		for (i = 0; i < nfiles && rc == 0; i++)
			if (outdir_add(od, files[i].path, files[i].data.p,
			    files[i].data.len, &d) == -1)
				rc = diag_print(PROG, &d);
		browse_files_free(files, nfiles);
	}
	memset(&r, 0, sizeof(r));
	r.boards = res;
	r.nboards = (size_t)o->nboards;
	r.lo = &o->lo;
	r.bs = bs;
	r.matrices = x->mx;
	r.categories = x->cats.ncat > 0 ? &x->cats : NULL;
	r.diag = &x->jd;
	r.diag_from_board = x->diag_from_board;
	r.judges = (const char *const *)x->judges;
	r.njudges = x->njudges;
	r.browse = index;
	r.inputs = x->inputs;
	r.ninputs = x->ninputs;
	r.date = o->date;
	r.generated = when;
	r.lang = o->lang;
	r.title = o->title;
	r.show_elo = o->show_elo;
	if (rc == 0 && report_html(page, &r, &d) == -1)
		rc = diag_print(PROG, &d);
	json_decref(index);
	return rc;
}

/* Write the CSVs (and the page) into o->outdir, all or nothing. */
static int
write_dir(const struct opts *o, struct lb_result *res,
    const struct battle_set *bs, const struct answer_set *ans,
    struct extras *x)
{
	struct outdir *od;
	struct diag d;
	struct buf b;
	char name[64];
	int i, rc = 0;

	diag_clear(&d);
	if ((od = outdir_begin(o->outdir, &d)) == NULL)
		return diag_print(PROG, &d);
	buf_init(&b);
	for (i = 0; i < o->nboards && rc == 0; i++) {
		buf_reset(&b);
		boardfmt_csv(&b, &res[i], o->date);
		snprintf(name, sizeof(name), "%s.csv",
		    lb_board_name(res[i].board));
		if (outdir_add(od, name, b.p, b.len, &d) == -1)
			rc = diag_print(PROG, &d);
	}
	for (i = 0; i < o->nboards && rc == 0; i++) {
		buf_reset(&b);
		statfmt_predicted_csv(&b, &x->mx[i]);
		snprintf(name, sizeof(name), "stats/%s_predicted.csv",
		    lb_board_name(res[i].board));
		if (outdir_add(od, name, b.p, b.len, &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0) {
		buf_reset(&b);
		statfmt_observed_csv(&b, &x->mx[0]);
		if (outdir_add(od, "stats/observed.csv", b.p, b.len,
		    &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0 && x->cats.ncat > 0) {
		buf_reset(&b);
		statfmt_categories_csv(&b, &x->cats);
		if (outdir_add(od, "stats/categories.csv", b.p, b.len,
		    &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0) {
		buf_reset(&b);
		statfmt_judges_csv(&b, &x->jd);
		if (outdir_add(od, "stats/judges.csv", b.p, b.len, &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0 && x->jd.npairs > 0) {
		buf_reset(&b);
		statfmt_judge_pairs_csv(&b, &x->jd);
		if (outdir_add(od, "stats/judge_pairs.csv", b.p, b.len,
		    &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0 && o->format == FMT_HTML) {
		buf_reset(&b);
		rc = make_report(o, res, bs, ans, x, &b, od);
		if (rc == 0 && outdir_add(od, "index.html", b.p, b.len,
		    &d) == -1)
			rc = diag_print(PROG, &d);
	}
	if (rc == 0 && outdir_commit(od, &d) == -1)
		rc = diag_print(PROG, &d);
	outdir_free(od);
	buf_release(&b);
	return rc;
}

/*
 * The board goes to stdout even after bad records (they were reported and
 * skipped, and the exit status says so), but --output-dir files only
 * after a clean read: a release folder is never made of partial input.
 */
static int
write_outputs(const struct opts *o, struct lb_result *res,
    const struct battle_set *bs, const struct answer_set *ans,
    struct extras *x, int rc)
{
	struct buf b;
	int i;

	if (o->outdir != NULL && rc != 0)
		diag_error(PROG, NULL, 0, "nothing written to '%s' (errors "
		    "above)", o->outdir);
	else if (o->outdir != NULL &&
	    (rc = write_dir(o, res, bs, ans, x)) != 0)
		return rc;
	rc = 0;
	/* With --output-dir the page went there. */
	if (o->format == FMT_HTML && o->outdir != NULL)
		return 0;
	buf_init(&b);
	if (o->format == FMT_HTML)
		rc = make_report(o, res, bs, ans, x, &b, NULL);
	for (i = 0; i < o->nboards && o->format != FMT_HTML; i++) {
		if (o->format == FMT_TABLE)
			boardfmt_table(&b, &res[i], o->show_elo,
			    o->nboards > 1);
		else if (o->format == FMT_CSV)
			boardfmt_csv(&b, &res[i], o->date);
		else if (o->format == FMT_MARKDOWN)
			boardfmt_markdown(&b, &res[i], o->show_elo,
			    bs->baseline, o->nboards > 1);
		else
			boardfmt_json(&b, &res[i], &o->lo, bs, o->date);
	}
	if (o->format == FMT_JSON)
		extras_json(&b, o, res, x);
	if (rc == 0)
		rc = write_stdout(&b);
	buf_release(&b);
	return rc;
}

static int
valid_date(const char *s)
{
	int i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' ||
		    s[i] > '9'))
			return 0;
	return 1;
}

/* Worker threads: JUDGEPIPE_THREADS, else the CPUs this process may use. */
static int
thread_count(void)
{
	const char *env = getenv("JUDGEPIPE_THREADS");
	cpu_set_t set;
	int n = 1;

	if (env != NULL && *env != '\0') {
		n = atoi(env);
		return n < 1 ? 1 : n > 64 ? 64 : n;
	}
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 64 ? 64 : n;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int ch, have_unit = 0, have_rounds = 0, i, stdin_uses = 0;
	struct cli c;

	memset(o, 0, sizeof(*o));
	o->bo.weight = 3;
	o->lo.num_rounds = 1000;
	o->lo.seed = 42;
	o->lo.unit = LB_QUESTION;
	o->boards[0] = LB_NO_CONTROL;
	o->nboards = 1;
	o->lang = "en";
	o->title = "";
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'q':
			diag_set_quiet(1);
			break;
		case OPT_AGREEMENT:
			o->agreement = 1;
			break;
		case OPT_ALLOW:
			o->lo.allow_missing_metadata = 1;
			break;
		case OPT_ANCHOR:
			o->bo.anchor = c.arg;
			break;
		case OPT_ANSWERS:
			o->answers = xrealloc(o->answers, (o->nanswers + 1) *
			    sizeof(*o->answers));
			o->answers[o->nanswers++] = xstrdup(c.arg);
			break;
		case OPT_BASELINE:
			o->bo.baseline = c.arg;
			break;
		case OPT_BOOTSTRAP:
			/* The names follow enum lb_unit. */
			o->lo.unit = cli_enum(&c);
			have_unit = 1;
			break;
		case OPT_CATEGORY:
			o->category = c.arg;
			break;
		case OPT_CONTROL:
			/* "none" .. "markdown" follow enum lb_board. */
			i = cli_enum(&c);
			o->nboards = i == LB_NBOARDS ? LB_NBOARDS : 1;
			for (int b = 0; b < o->nboards; b++)
				o->boards[b] = i == LB_NBOARDS ? b : i;
			break;
		case OPT_DATE:
			if (!valid_date(c.arg))
				cli_bad_value(&c, "YYYY-MM-DD");
			snprintf(o->date, sizeof(o->date), "%s", c.arg);
			break;
		case OPT_ELO:
			/* The names follow "bt|online". */
			o->lo.online_elo = cli_enum(&c);
			o->bo.online_elo = o->lo.online_elo;
			break;
		case OPT_FIRST:
			o->bo.first_game_only = 1;
			break;
		case OPT_FORMAT:
			/* The names follow enum format. */
			o->format = cli_enum(&c);
			break;
		case OPT_JUDGE:
			o->bo.judge = c.arg;
			break;
		case OPT_JUDGES:
			o->judges = c.arg;
			break;
		case OPT_JUDGMENTS:
			o->judgments = xrealloc(o->judgments,
			    (o->njudgments + 1) * sizeof(*o->judgments));
			o->judgments[o->njudgments++] = xstrdup(c.arg);
			break;
		case OPT_LANG:
			o->lang = langs[cli_enum(&c)];
			break;
		case OPT_ROUNDS:
			o->lo.num_rounds = cli_int(&c, 1, 1000000);
			have_rounds = 1;
			break;
		case OPT_OUTDIR:
			o->outdir = c.arg;
			break;
		case OPT_QUESTIONS:
			o->questions = c.arg;
			break;
		case OPT_COMPAT:
			o->lo.reference_compat = 1;
			break;
		case OPT_SCORING:
			/* The names follow "bt|v2". */
			o->v2_scoring = cli_enum(&c);
			break;
		case OPT_SEED:
			o->lo.seed = cli_uint(&c, 0, UINT64_MAX);
			break;
		case OPT_SHOW_ELO:
			o->show_elo = 1;
			break;
		case OPT_TITLE:
			o->title = c.arg;
			break;
		case OPT_WEIGHT:
			o->bo.weight = (int)cli_int(&c, 1, 1000000);
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	o->files = c.operands;
	o->nfiles = c.n_operands;
	if (o->lo.reference_compat) {
		if (!have_unit)
			o->lo.unit = LB_BATTLE;
		if (!have_rounds)
			o->lo.num_rounds = 100;
		if (o->lo.seed > UINT32_MAX)
			cli_usage_error(&c, "--seed: numpy's legacy stream "
			    "takes a seed below 2^32");
	}
	if (o->agreement && ((o->format != FMT_TABLE &&
	    o->format != FMT_JSON) || o->outdir != NULL ||
	    o->nanswers > 0 || o->lo.online_elo))
		cli_usage_error(&c, "--agreement prints a table or JSON only, "
		    "without --answers, --elo or --output-dir");
	if (o->lo.online_elo) {
		if (o->lo.reference_compat || o->nboards > 1 ||
		    o->boards[0] != LB_NO_CONTROL)
			cli_usage_error(&c, "--elo online computes the "
			    "no-control board only, without "
			    "--reference-compat");
		/* Chatbot Arena's bootstrap resamples votes. */
		if (!have_unit)
			o->lo.unit = LB_BATTLE;
	}
	if (o->format == FMT_CSV && o->nboards > 1)
		cli_usage_error(&c, "--format csv prints one board; use "
		    "--output-dir for several");
	for (i = 0; i < o->nfiles; i++)
		stdin_uses += strcmp(o->files[i], "-") == 0;
	stdin_uses += o->nfiles == 0;
	for (size_t k = 0; k < o->nanswers; k++)
		stdin_uses += strcmp(o->answers[k], "-") == 0;
	for (size_t k = 0; k < o->njudgments; k++)
		stdin_uses += strcmp(o->judgments[k], "-") == 0;
	if (o->questions != NULL)
		stdin_uses += strcmp(o->questions, "-") == 0;
	if (o->v2_scoring && (o->lo.reference_compat || o->lo.online_elo ||
	    o->nboards > 1 || o->boards[0] != LB_NO_CONTROL || o->show_elo))
		cli_usage_error(&c, "--scoring v2 averages outcomes: no "
		    "--control, --elo, --show-elo or --reference-compat");
	/* v2.0 resamples each model's outcomes, unless told otherwise. */
	o->by_outcome = have_unit ? o->lo.unit == LB_BATTLE : 1;
	if (stdin_uses > 1)
		cli_usage_error(&c, "standard input can be read once only");
	if (o->date[0] == '\0') {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(o->date, sizeof(o->date), "%Y-%m-%d", &tm);
	}
	/* Everything beyond the boards is for the report, JSON and CSVs. */
	o->report = o->format == FMT_HTML || o->format == FMT_JSON ||
	    o->outdir != NULL;
	o->browse = o->format == FMT_HTML && o->outdir != NULL;
	o->lo.threads = thread_count();
	o->lo.weight = o->bo.weight;
	o->lo.first_game_only = o->bo.first_game_only;
}
