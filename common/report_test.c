/* report_test.c: the report's data and page; record text stays inert. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report.h"

#define NASTY "</script><script>alert(1)</script><img src=x onerror=alert(2)>"

static struct battle_set *
star(void)
{
	struct battle_opts o = { "base", 3, 0, NULL, NULL, 0 };
	struct battle_set *bs = battles_new(&o);
	json_error_t err;
	json_t *j;
	struct diag d;

	battles_add_file(bs, "t.jsonl");
	j = json_loads("{\"question_id\": \"q\", \"model\": \"" NASTY "\", "
	    "\"games\": [{\"score\": \"B>A\"}, {\"score\": \"A>B\"}]}", 0,
	    &err);
	assert_non_null(j);
	assert_int_equal(battles_add(bs, j, 0, 1, &d), 0);
	json_decref(j);
	assert_int_equal(battles_finish(bs, &d), 0);
	return bs;
}

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
	r->models[2].elo = INFINITY;	/* non-finite: null in JSON */
	r->models[2].elo_q025 = 600;
	r->models[2].elo_q975 = 700;
	r->models[2].avg_tokens = 12;
}

static void
test_report_rank_ci(void **state)
{
	struct lb_result r;
	int rank[3];

	board(&r);
	r.models[2].elo = 650;
	lb_rank_ci(&r, rank);
	/* base's 1000 is below NASTY's lower bound 1100: rank 2. */
	assert_int_equal(rank[0], 1);
	assert_int_equal(rank[1], 2);
	assert_int_equal(rank[2], 3);
	r.models[0].elo_q025 = 990;	/* now overlapping the baseline */
	lb_rank_ci(&r, rank);
	assert_int_equal(rank[1], 1);
	assert_int_equal(rank[0], 1);
	lb_result_release(&r);
}

static void
test_report_page(void **state)
{
	struct battle_set *bs = star();
	struct lb_opts o;
	struct lb_result r;
	struct report rp;
	struct report_file in[1] = { { "f<1>.jsonl", "0123456789ab" } };
	const char *judges[] = { "base" };
	const char *p, *end;
	json_t *data, *rows;
	json_error_t err;
	struct diag d;
	struct buf b;

	memset(&o, 0, sizeof(o));
	o.num_rounds = 100;
	o.seed = 42;
	o.weight = 3;
	board(&r);
	memset(&rp, 0, sizeof(rp));
	rp.boards = &r;
	rp.nboards = 1;
	rp.lo = &o;
	rp.bs = bs;
	rp.judges = judges;
	rp.njudges = 1;
	rp.inputs = in;
	rp.ninputs = 1;
	rp.date = "2026-01-02";
	rp.generated = "2026-01-02T03:04:05Z";
	rp.lang = "ko";
	rp.title = "<b>title</b>";
	data = report_data(&rp);
	rows = json_object_get(json_array_get(json_object_get(data, "boards"),
	    0), "rows");
	assert_int_equal(json_array_size(rows), 3);
	assert_string_equal(json_string_value(json_array_get(json_array_get(
	    rows, 0), 0)), NASTY);
	assert_true(json_is_null(json_array_get(json_array_get(rows, 2), 4)));
	assert_int_equal(json_integer_value(json_array_get(json_array_get(rows,
	    2), 7)), 12);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(rows,
	    0), 9)), 1);
	assert_true(json_is_null(json_object_get(data, "categories")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    data, "prov"), "rng")), "xoshiro256**");
	json_decref(data);
	buf_init(&b);
	assert_int_equal(report_html(&b, &rp, &d), 0);
	assert_non_null(strstr(b.p, "<html lang=\"ko\">"));
	assert_non_null(strstr(b.p, "<title>&lt;b&gt;title&lt;/b&gt;</title>"));
	assert_non_null(strstr(b.p, "http-equiv=\"Content-Security-Policy\""
	    " content=\"default-src 'none'; script-src 'self' file: "
	    "'sha256-"));
	/* The record text appears only escaped, inside the JSON block. */
	assert_null(strstr(b.p, "alert(1)</script>"));
	assert_null(strstr(b.p, "<img src=x"));
	p = strstr(b.p, "<script type=\"application/json\" id=\"jp-data\">");
	assert_non_null(p);
	p += strlen("<script type=\"application/json\" id=\"jp-data\">");
	end = strstr(p, "</script>");
	assert_non_null(end);
	data = json_loadb(p, (size_t)(end - p), 0, &err);
	assert_non_null(data);
	assert_string_equal(json_string_value(json_object_get(data, "title")),
	    "<b>title</b>");
	json_decref(data);
	/* Exactly two script elements: the data and the page's code. */
	{
		size_t n = 0;

		for (p = b.p; (p = strstr(p, "<script")) != NULL; p++)
			n++;
		assert_int_equal(n, 2);
	}
	buf_release(&b);
	lb_result_release(&r);
	battles_free(bs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_rank_ci),
		cmocka_unit_test(test_report_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
