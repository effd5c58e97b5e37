/* boardfmt_test.c: the text formats of a board, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boardfmt.h"

static void
fill(struct lb_model *m, const char *name, double s, double lo, double hi,
    double e, double elo, double ehi, long long avg)
{
	m->name = strdup(name);
	m->score = s;
	m->q025 = lo;
	m->q975 = hi;
	m->elo = e;
	m->elo_q025 = elo;
	m->elo_q975 = ehi;
	m->avg_tokens = avg;
	m->n_battles = 7;
}

/* Upstream's published lines, byte for byte. */
static void
test_boardfmt_all(void **state)
{
	struct lb_result r;
	struct battle_opts bo = { "base", 3, 0, NULL, NULL, 0 };
	struct battle_set *bs = battles_new(&bo);
	struct lb_opts o;
	struct buf b;

	memset(&o, 0, sizeof(o));
	o.num_rounds = 100;
	o.seed = 42;
	o.weight = 3;
	bs->baseline = "base";
	memset(&r, 0, sizeof(r));
	r.board = LB_STYLE;
	r.anchor = 1114;
	r.k = 4;
	r.coef[0] = 1.5481;
	r.coef[1] = 0.14149;
	r.coef[2] = -0.1386;
	r.coef[3] = 0.099;
	r.coef_names[0] = "sum_assistant_a_tokens";
	r.coef_names[1] = "header_count_a";
	r.coef_names[2] = "list_count_a";
	r.coef_names[3] = "bold_count_a";
	r.nmodels = 3;
	r.models = calloc(3, sizeof(*r.models));
	fill(&r.models[0], "gpt-4-0613", 37.94, 35.14, 40.34, 1094.5, 1074.2,
	    1109.9, 354);
	fill(&r.models[1], "claude-3.7-sonnet", 50.0, 50.0, 50.0, 1114.0,
	    1114.0, 1114.0, 1094);
	fill(&r.models[2], "a,\"b\"", 82.94, 82.1, 83.97, INFINITY,
	    1255.2300423081888, INFINITY, 2577);
	buf_init(&b);
	boardfmt_table(&b, &r, 0, 1);
	assert_string_equal(b.p, "# style_control\n"
	    "Style Coefficients: {'sum_assistant_a_tokens': 1.548, "
	    "'header_count_a': 0.141, 'list_count_a': -0.139, "
	    "'bold_count_a': 0.099}\n"
	    "gpt-4-0613                     | score: 37.9  | 95% CI: "
	    "(-2.8, 2.4)  | average #tokens: 354\n"
	    "claude-3.7-sonnet              | score: 50.0  | 95% CI:  "
	    "(0.0, 0.0)  | average #tokens: 1094\n"
	    "a,\"b\"                          | score: 82.9  | 95% CI: "
	    "(-0.8, 1.0)  | average #tokens: 2577\n");
	buf_reset(&b);
	boardfmt_table(&b, &r, 1, 0);
	assert_non_null(strstr(b.p, "gpt-4-0613                     | "
	    "score: 1094  | 95% CI:  (-20, 15)   | average #tokens: 354\n"));
	assert_non_null(strstr(b.p, "| score:  inf  |"));
	buf_reset(&b);
	boardfmt_csv(&b, &r, "2026-11-25");
	assert_string_equal(b.p, "model,score,rating_q025,rating_q975,"
	    "avg_tokens,elo_score,elo_rating_q025,elo_rating_q975,elo_CI,CI,"
	    "date\n"
	    "gpt-4-0613,37.94,35.14,40.34,354.0,1094.5,1074.2,1109.9,"
	    "\"(-20.30, +15.40)\",\"(-2.80, +2.40)\",2026-11-25\n"
	    "claude-3.7-sonnet,50.0,50.0,50.0,1094.0,1114.0,1114.0,1114.0,"
	    "\"(-0.00, +0.00)\",\"(-0.00, +0.00)\",2026-11-25\n"
	    "\"a,\"\"b\"\"\",82.94,82.1,83.97,2577.0,inf,1255.2300423081888,"
	    "inf,"
	    "\"(-inf, +nan)\",\"(-0.84, +1.03)\",2026-11-25\n");
	buf_reset(&b);
	boardfmt_json(&b, &r, &o, bs, "2026-11-25");
	assert_non_null(strstr(b.p, "{\"type\": \"board\", \"board\": "
	    "\"style_control\", \"baseline\": \"base\", \"anchor\": 1114.0, "
	    "\"num_rounds\": 100, \"seed\": 42, \"rng\": \"xoshiro256**\", "
	    "\"bootstrap\": \"question\", \"weight\": 3, \"first_game_only\": "
	    "false, \"n_battles\": 0, \"dropped_games\": 0, "
	    "\"style_coefficients\": {\"sum_assistant_a_tokens\": 1.5481, "
	    "\"header_count_a\": 0.14149, \"list_count_a\": -0.1386, "
	    "\"bold_count_a\": 0.099}, \"date\": \"2026-11-25\", "
	    "\"version\": \"" JUDGEPIPE_VERSION "\"}\n"));
	assert_non_null(strstr(b.p, "{\"type\": \"model\", \"board\": "
	    "\"style_control\", \"rank\": 3, \"model\": \"a,\\\"b\\\"\", "
	    "\"score\": 82.94, \"rating_q025\": 82.1, \"rating_q975\": 83.97, "
	    "\"CI\": \"(-0.84, +1.03)\", \"avg_tokens\": 2577, \"elo_score\": "
	    "null, \"elo_rating_q025\": 1255.2300423081888, "
	    "\"elo_rating_q975\": null, \"elo_CI\": \"(-inf, +nan)\", "
	    "\"n_battles\": 7}\n"));
	buf_release(&b);
	lb_result_release(&r);
	battles_free(bs);
}

#define NASTY "</script><script>alert(1)</script><img src=x onerror=alert(2)>"

static void
board(struct lb_result *r)
{
	memset(r, 0, sizeof(*r));
	r->board = LB_NO_CONTROL;
	r->anchor = 1000;
	r->nmodels = 3;
	r->models = calloc(3, sizeof(*r->models));
	r->models[0].name = strdup(NASTY);
	r->models[0].score = 70;
	r->models[0].q025 = 60;
	r->models[0].q975 = 80;
	r->models[0].elo = 1150;
	r->models[0].elo_q025 = 1100;
	r->models[0].elo_q975 = 1200;
	r->models[1].name = strdup("base");
	r->models[1].score = r->models[1].q025 = r->models[1].q975 = 50;
	r->models[1].elo = r->models[1].elo_q025 = r->models[1].elo_q975 = 1000;
	r->models[2].name = strdup("weak|model");
	r->models[2].score = 10;
	r->models[2].q025 = 5;
	r->models[2].q975 = 15;
	r->models[2].elo = 650;
	r->models[2].elo_q025 = 600;
	r->models[2].elo_q975 = 700;
	r->models[2].avg_tokens = 12;
}

/* The markdown table: escaped names, the uncertainty-aware rank. */
static void
test_boardfmt_markdown(void **state)
{
	struct lb_result r;
	struct buf b;

	board(&r);
	buf_init(&b);
	boardfmt_markdown(&b, &r, 0, "base", 0);
	assert_string_equal(b.p,
	    "| Rank | Model | Score | 95% CI | Avg. tokens |\n"
	    "|---:|:---|---:|:---:|---:|\n"
	    "| 1 | \\</script>\\<script>alert(1)\\</script>\\<img src=x "
	    "onerror=alert(2)> | 70.00 | -10.00 / +10.00 | n/a |\n"
	    "| 2 | base (baseline) | 50.00 | -0.00 / +0.00 | n/a |\n"
	    "| 3 | weak\\|model | 10.00 | -5.00 / +5.00 | 12 |\n");
	buf_reset(&b);
	boardfmt_markdown(&b, &r, 1, "base", 1);
	assert_non_null(strstr(b.p, "### no_control\n\n| Rank | Model | Elo | "
	    "95% CI | Score | Avg. tokens |\n"));
	assert_non_null(strstr(b.p, "| 2 | base (baseline) | 1000 | 0 / +0 | "
	    "50.00 | -0.00 / +0.00 | n/a |\n"));
	buf_release(&b);
	lb_result_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boardfmt_all),
		cmocka_unit_test(test_boardfmt_markdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
