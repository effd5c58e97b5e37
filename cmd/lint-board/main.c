/* lint-board: leaderboard smells in judgments, answers, configs and boards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answerscan.h"
#include "apiconfig.h"
#include "boardcsv.h"
#include "boardsrc.h"
#include "buf.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "judgeconfig.h"
#include "lint.h"
#include "lintconf.h"
#include "lintpub.h"
#include "lintsrc.h"
#include "lintstat.h"
#include "probe.h"

#define PROG "lint-board"

enum format { FMT_JSON, FMT_TEXT };

struct opts {
	const char *judge_config;
	const char *api_config;
	char *baseline;			/* owned */
	const char *judge;		/* the board's judge */
	char **judges;			/* --judges, split */
	size_t njudges;
	enum format format;
	int probe;
	double probe_timeout;
	struct lintstat_opts stat;	/* the boards' settings */
	char **answers, **published, **questions;
	size_t nanswers, npublished, nquestions;
	char **files;
	int nfiles;
};

enum {
	OPT_ANSWERS = CLI_OPT_NEXT, OPT_BASELINE, OPT_BOOTSTRAP, OPT_COMPAT,
	OPT_FORMAT, OPT_JUDGE, OPT_JUDGES, OPT_PROBE, OPT_PROBE_TIMEOUT,
	OPT_PUBLISHED, OPT_QUESTIONS, OPT_ROUNDS, OPT_SEED, OPT_WEIGHT
};

static const struct cli_option options[] = {
	CLI_OPTION_HELP,
	{ "answers", 0, "path", CLI_REPEAT, OPT_ANSWERS,
	    "answer records: file or directory" },
	CLI_OPTION_API_CONFIG,
	{ "baseline", 0, "model", 0, OPT_BASELINE,
	    "the board's baseline (default: the config's)" },
	{ "bootstrap", 0, "question|battle", 0, OPT_BOOTSTRAP,
	    "the boards' resampling unit (see below)" },
	{ "format", 0, "json|text", 0, OPT_FORMAT,
	    "JSON lines (default) or text for people" },
	{ "judge", 0, "name", 0, OPT_JUDGE,
	    "the judge whose records make the board" },
	{ "judge-config", 'c', "file", 0, 'c',
	    "the judge config the judgments follow" },
	{ "judges", 0, "list", 0, OPT_JUDGES,
	    "the judges an ensemble combines (a,b,...)" },
	{ "num-rounds", 0, "n", 0, OPT_ROUNDS,
	    "the boards' bootstrap rounds" },
	{ "probe", 0, NULL, 0, OPT_PROBE,
	    "ask every API endpoint for one token" },
	{ "probe-timeout", 0, "seconds", 0, OPT_PROBE_TIMEOUT,
	    "give up on an endpoint after (default 10)" },
	{ "published", 0, "path", CLI_REPEAT, OPT_PUBLISHED,
	    "a published board CSV or release folder" },
	{ "questions", 0, "file", CLI_REPEAT, OPT_QUESTIONS,
	    "the question set" },
	{ "reference-compat", 0, NULL, 0, OPT_COMPAT,
	    "the boards replay the reference's stream" },
	{ "seed", 0, "n", 0, OPT_SEED, "the boards' random seed" },
	CLI_OPTION_VERSION,
	{ "weight", 0, "n", 0, OPT_WEIGHT,
	    "the boards' repetitions of a >> verdict" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct cli_spec spec = {
	PROG, options, { "[file ...]", NULL },
	"Report leaderboard smells (confusing, deprecated, inaccessible,\n"
	"misdisplayed, mismatched, missing, redundant, unresponsive) in the\n"
	"judgments, answers, question set, configs and published boards of a\n"
	"leaderboard: one JSON line per finding; exit 1 when one is an error."
};

static void parse_args(int, char **, struct opts *);
static int read_inputs(const struct opts *, struct boardsrc *);
static int lint_configs(struct opts *, struct lint_report *,
    struct judge_config *, int *);
static int lint_published(const struct opts *, const struct boardsrc *,
    struct lint_report *);
static int probe_all(const struct opts *, struct lint_report *);
static const char *board_judge(const struct opts *, const struct boardsrc *);

static void
push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
main(int argc, char *argv[])
{
	struct lintsrc_opts lo;
	struct judge_config jc;
	struct lint_report r;
	struct boardsrc src;
	struct opts o;
	struct buf out;
	int rc, games = 2, closed;

	/* Before anything is opened: a file must not land on fd 0-2. */
	if ((closed = cli_std_fds()) == -1)
		return EX_OSERR;
	parse_args(argc, argv, &o);
	memset(&r, 0, sizeof(r));
	memset(&src, 0, sizeof(src));
	/* --probe sends requests: not when the findings go nowhere. */
	if ((rc = cli_stdout_closed(PROG, closed)) != 0)
		return rc;
	rc = read_inputs(&o, &src);
	rc = diag_worse(rc, lint_configs(&o, &r, &jc, &games));
	memset(&lo, 0, sizeof(lo));
	lo.baseline = o.baseline;
	lo.judges = o.judges;
	lo.njudges = o.njudges;
	lo.board_judge = board_judge(&o, &src);
	lo.games = games;
	lo.have_questions = o.nquestions > 0;
	lo.have_answers = o.nanswers > 0;
	lintsrc_check(&src, &lo, &r);
	if (boardsrc_has_provenance(&src)) {
		if (o.nanswers > 0)
			boardsrc_digest_answers(&src, o.answers, o.nanswers);
		lintsrc_check_provenance(&src, &lo, jc.judge_model != NULL ?
		    &jc : NULL, &r);
	}
	if (o.nanswers > 0)
		lintsrc_check_twins(&src, &r);
	rc = diag_worse(rc, lint_published(&o, &src, &r));
	if (o.probe)
		rc = diag_worse(rc, probe_all(&o, &r));

	buf_init(&out);
	if (o.format == FMT_TEXT)
		lint_format_text(&out, &r);
	else
		lint_format_json(&out, &r);
	fwrite(out.p, 1, out.len, stdout);
	buf_release(&out);
	rc = diag_worse(rc, cli_flush_stdout(PROG));
	/* Our own failures (64-78) win over the verdict (1). */
	if (rc == 0 && r.errors > 0)
		rc = 1;
	lint_report_release(&r);
	boardsrc_release(&src);
	judgeconfig_release(&jc);
	free(o.baseline);
	free_list(o.judges, o.njudges);
	free_list(o.answers, o.nanswers);
	free_list(o.published, o.npublished);
	free_list(o.questions, o.nquestions);
	return rc;
}

/* Judgments (files or folders), answers and the question set. */
static int
read_inputs(const struct opts *o, struct boardsrc *src)
{
	char **paths = NULL;
	size_t n = 0, i;
	struct diag d;
	int rc = 0;

	diag_clear(&d);
	for (i = 0; i < (size_t)o->nfiles; i++)
		if (answerscan_expand(o->files[i], &paths, &n, &d) == -1) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			diag_clear(&d);
		}
	for (i = 0; i < n; i++) {
		boardsrc_read_judgments(src, paths[i]);
		free(paths[i]);
	}
	free(paths);
	for (i = 0; i < o->nquestions; i++)
		boardsrc_read_questions(src, o->questions[i]);
	if (o->nanswers > 0)
		boardsrc_read_answers(src, o->answers, o->nanswers,
		    cli_threads());
	for (i = 0; i < src->nerrs; i++)
		diag_print(PROG, &src->errs[i]);
	return diag_worse(rc, src->rc);
}

/*
 * The judge config (its keys, its baseline, pairwise) and the API config's
 * keys.  *games becomes 1 for a config that is not pairwise.
 */
static int
lint_configs(struct opts *o, struct lint_report *r, struct judge_config *jc,
    int *games)
{
	struct diag d;
	int rc = 0;

	diag_clear(&d);
	memset(jc, 0, sizeof(*jc));
	if (o->judge_config != NULL) {
		if (lintconf_check_judge(o->judge_config, r, &d) == -1)
			return diag_print(PROG, &d);
		if (judgeconfig_load(o->judge_config, jc, &d) == -1) {
			rc = diag_print(PROG, &d);
			diag_clear(&d);
		} else {
			*games = jc->pairwise ? 2 : 1;
			/* Single, all-pairs and v2 configs name no one. */
			if (o->baseline == NULL && jc->baseline_model != NULL)
				o->baseline = xstrdup(jc->baseline_model);
			else if (jc->baseline_model != NULL &&
			    strcmp(o->baseline, jc->baseline_model) != 0)
				lint_add(r, LINT_MISMATCHED, LINT_ERROR,
				    "config", o->judge_config,
				    o->judge_config, 0, "the judge config's "
				    "baseline_model is '%s', the board's "
				    "baseline '%s'", jc->baseline_model,
				    o->baseline);
		}
	}
	if (o->api_config != NULL &&
	    lintconf_check_api(o->api_config, r, &d) == -1)
		rc = diag_worse(rc, diag_print(PROG, &d));
	return rc;
}

/*
 * The judge whose records make the board: --judge, else "ensemble" when
 * there are such records, else the only judge, else none.
 */
static const char *
board_judge(const struct opts *o, const struct boardsrc *src)
{
	if (o->judge != NULL)
		return o->judge;
	if (boardsrc_find(&src->judges, "ensemble") != BOARDSRC_NONE)
		return "ensemble";
	if (src->judges.n == 1)
		return src->judges.v[0];
	return NULL;
}

/*
 * One --published argument (a board file or a release folder): how it
 * shows itself, who is on it, and its numbers against the records.
 */
static int
lint_release(const struct opts *o, const char *arg, const struct boardsrc *src,
    struct lint_report *r)
{
	const char *judge = board_judge(o, src);
	struct lintstat_opts so = o->stat;
	struct boardcsv *b = NULL;
	char **paths = NULL;
	size_t n = 0, nb = 0, i;
	struct diag d;
	struct buf prov;
	int rc = 0, is_dir;

	diag_clear(&d);
	if (boardcsv_expand(arg, &paths, &n, &is_dir, &d) == -1)
		return diag_print(PROG, &d);
	b = xcalloc(n + 1, sizeof(*b));
	for (i = 0; i < n; i++) {
		if (boardcsv_load(paths[i], &b[nb], &d) == -1) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			diag_clear(&d);
			boardcsv_release(&b[nb]);
			continue;
		}
		lintpub_check_display(&b[nb], r);
		if (src->njudgments > 0)
			lintpub_check_models(&b[nb], src, judge, r);
		nb++;
	}
	/* A judgepipe release says how its boards were computed. */
	buf_init(&prov);
	buf_printf(&prov, "%s/provenance.json", arg);
	if (is_dir && so.trust == LINTSTAT_ASSUMED) {
		if (lintstat_settings_read(prov.p, &so, &d) == -1) {
			rc = diag_worse(rc, diag_print(PROG, &d));
			diag_clear(&d);
		} else if (so.trust == LINTSTAT_EXACT)
			so.source = "recorded in provenance.json";
	}
	if (src->njudgments > 0 && nb > 0) {
		so.baseline = o->baseline;
		so.judge = judge;
		lintstat_check(src, b, nb, &so, r);
	}
	buf_release(&prov);
	for (i = 0; i < n; i++)
		free(paths[i]);
	for (i = 0; i < nb; i++)
		boardcsv_release(&b[i]);
	free(paths);
	free(b);
	return rc;
}

static int
lint_published(const struct opts *o, const struct boardsrc *src,
    struct lint_report *r)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < o->npublished; i++)
		rc = diag_worse(rc, lint_release(o, o->published[i], src, r));
	return rc;
}

/* inaccessible, unresponsive: every endpoint of every API-config entry. */
static int
probe_all(const struct opts *o, struct lint_report *r)
{
	struct config_doc *doc;
	const json_t *root, *v;
	const char *name, *path;
	struct diag d;

	diag_clear(&d);
	if ((path = cli_api_config(PROG, o->api_config, &d)) == NULL ||
	    (doc = config_load(path, &d)) == NULL)
		return diag_print(PROG, &d);
	root = config_root(doc);
	if (!json_is_object(root)) {
		config_free(doc);
		return 0;
	}
	json_object_foreach((json_t *)root, name, v) {
		struct apiconfig_entry *e;
		size_t i;

		diag_clear(&d);
		if ((e = apiconfig_load_entry(path, name, &d)) == NULL) {
			lint_add(r, LINT_INACCESSIBLE, LINT_ERROR, "endpoint",
			    name, d.file[0] ? d.file : path, d.line, "entry "
			    "'%s' cannot be used: %s", name, d.msg);
			continue;
		}
		for (i = 0; i < e->n_endpoints; i++) {
			struct probe_result pr;
			struct buf url, ent;

			if (probe_endpoint(e, i, o->probe_timeout, &pr, &d) ==
			    -1) {
				apiconfig_entry_free(e);
				config_free(doc);
				return diag_print(PROG, &d);
			}
			if (pr.outcome == PROBE_OK)
				continue;
			buf_init(&url);
			buf_init(&ent);
			probe_public_url(e->api_bases[i], &url);
			buf_printf(&ent, "%s#%zu", name, i + 1);
			lint_add(r, pr.outcome == PROBE_INACCESSIBLE ?
			    LINT_INACCESSIBLE : LINT_UNRESPONSIVE, LINT_ERROR,
			    "endpoint", ent.p, path, config_line(doc, v),
			    "endpoint %zu of entry '%s' (%s, model '%s') %s "
			    "after %.1f s: %s", i + 1, name, url.p,
			    e->model_name, pr.outcome == PROBE_INACCESSIBLE ?
			    "cannot be reached" : "does not answer",
			    pr.ms / 1000.0, pr.reason);
			buf_release(&url);
			buf_release(&ent);
		}
		apiconfig_entry_free(e);
	}
	config_free(doc);
	return 0;
}

/* Split a comma-separated list; an empty name is a usage error. */
static void
split_list(const struct cli *c, char ***v, size_t *n)
{
	const char *p = c->arg, *comma;

	do {
		comma = strchr(p, ',');
		if (comma == p || *p == '\0')
			cli_bad_value(c, "a comma-separated list of names");
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = comma != NULL ? xstrndup(p, (size_t)(comma -
		    p)) : xstrdup(p);
		p = comma != NULL ? comma + 1 : p;
	} while (comma != NULL);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli c;
	int ch, given = 0, compat = 0, have_unit = 0, have_rounds = 0;

	memset(o, 0, sizeof(*o));
	o->probe_timeout = 10;
	/* Until told otherwise, boards are taken to be the reference's. */
	o->stat.lb.unit = LB_BATTLE;
	o->stat.lb.num_rounds = 100;
	o->stat.lb.seed = 42;
	o->stat.lb.reference_compat = 1;
	o->stat.weight = 3;
	o->stat.trust = LINTSTAT_ASSUMED;
	o->stat.source = "the reference's, ko-arena-hard-auto show_result.py";
	cli_begin(&c, &spec, argc, argv);
	while ((ch = cli_next(&c)) != -1) {
		switch (ch) {
		case 'c':
			o->judge_config = c.arg;
			break;
		case OPT_ANSWERS:
			push(&o->answers, &o->nanswers, c.arg);
			break;
		case CLI_OPT_API_CONFIG:
			o->api_config = c.arg;
			break;
		case OPT_BOOTSTRAP:
			/* The names follow enum lb_unit. */
			o->stat.lb.unit = (enum lb_unit)cli_enum(&c);
			have_unit = given = 1;
			break;
		case OPT_COMPAT:
			compat = given = 1;
			break;
		case OPT_ROUNDS:
			o->stat.lb.num_rounds = cli_int(&c, 1, 1000000);
			have_rounds = given = 1;
			break;
		case OPT_SEED:
			o->stat.lb.seed = cli_uint(&c, 0, UINT64_MAX);
			given = 1;
			break;
		case OPT_WEIGHT:
			o->stat.weight = (int)cli_int(&c, 1, 1000000);
			given = 1;
			break;
		case OPT_BASELINE:
			free(o->baseline);
			o->baseline = xstrdup(cli_nonempty(&c, "a model name"));
			break;
		case OPT_FORMAT:
			/* The names follow enum format. */
			o->format = (enum format)cli_enum(&c);
			break;
		case OPT_JUDGE:
			o->judge = cli_nonempty(&c, "a judge name");
			break;
		case OPT_JUDGES:
			split_list(&c, &o->judges, &o->njudges);
			break;
		case OPT_PROBE:
			o->probe = 1;
			break;
		case OPT_PROBE_TIMEOUT:
			o->probe_timeout = cli_double(&c, 0.1, 600);
			break;
		case OPT_PUBLISHED:
			push(&o->published, &o->npublished, c.arg);
			break;
		case OPT_QUESTIONS:
			push(&o->questions, &o->nquestions, c.arg);
			break;
		default:
			abort();	/* an option without a case */
		}
	}
	o->files = c.operands;
	o->nfiles = c.n_operands;
	/* Given settings replace the assumed ones, as show-result takes
	 * them. */
	if (given) {
		o->stat.trust = LINTSTAT_GIVEN;
		o->stat.source = "as given";
		o->stat.lb.reference_compat = compat;
		if (!have_unit)
			o->stat.lb.unit = compat ? LB_BATTLE : LB_QUESTION;
		if (!have_rounds)
			o->stat.lb.num_rounds = compat ? 100 : 1000;
		if (compat && o->stat.lb.seed > UINT32_MAX)
			cli_usage_error(&c, "--seed: numpy's legacy stream "
			    "takes a seed below 2^32");
	}
	o->stat.lb.threads = cli_threads();
	if (o->nfiles == 0 && o->nanswers == 0 && o->npublished == 0 &&
	    o->judge_config == NULL && o->api_config == NULL)
		cli_usage_error(&c, "nothing to lint: give judgment files, "
		    "--answers, --published or a config");
}
