/* browse_test.c: the browser's data files decode to the records' data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "browse.h"

static int
b64val(int c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char *p = strchr(tab, c);

	return c != '\0' && p != NULL ? (int)(p - tab) : -1;
}

/* JP_browse(n, "b64"); -> n and the JSON inside (gunzipped). */
static json_t *
decode(const struct buf *file, long *index)
{
	const char *p = file->p, *q;
	unsigned char *bin, *out;
	size_t n = 0, cap = 1 << 20;
	unsigned v = 0;
	int bits = 0, c;
	z_stream z;
	json_error_t err;
	json_t *j;

	assert_int_equal(strncmp(p, "JP_browse(", 10), 0);
	*index = strtol(p + 10, (char **)&q, 10);
	assert_int_equal(strncmp(q, ", \"", 3), 0);
	q += 3;
	bin = malloc(strlen(q));
	for (; *q != '"'; q++) {
		if (*q == '=')
			continue;
		assert_true((c = b64val(*q)) >= 0);
		v = v << 6 | (unsigned)c;
		if ((bits += 6) >= 8) {
			bits -= 8;
			bin[n++] = (unsigned char)(v >> bits);
		}
	}
	assert_string_equal(q, "\");\n");
	out = malloc(cap);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 31), Z_OK);
	z.next_in = bin;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	j = json_loadb((char *)out, z.total_out, 0, &err);
	assert_non_null(j);
	inflateEnd(&z);
	free(bin);
	free(out);
	return j;
}

static const char *
str(const json_t *o, const char *path)
{
	const json_t *v = json_object_get(o, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
test_browse_files(void **state)
{
	static const char qfile[] =
	    "{\"question_id\": \"q1\", \"category\": \"code\", \"turns\": "
	    "[{\"content\": \"<script>alert(1)</script>\"}]}\n"
	    "{\"question_id\": \"q2\", \"category\": \"math\", \"turns\": "
	    "[{\"content\": \"2+2?\"}]}\n";
	static const char answers[] =
	    "{\"question_id\": \"q1\", \"model_id\": \"base\", \"choices\": "
	    "[{\"turns\": [{\"content\": \"base one\", \"token_len\": 2}]}]}\n"
	    "{\"question_id\": \"q1\", \"model_id\": \"m/1\", \"choices\": "
	    "[{\"turns\": [{\"content\": \"<img src=x onerror=alert(1)>\", "
	    "\"token_len\": 3}]}]}\n";
	static const char *judged[] = {
		"{\"question_id\": \"q1\", \"model\": \"m/1\", "
		    "\"judge\": \"g\", \"games\": [{\"score\": \"A>B\", "
		    "\"judgment\": \"g says A\"}, {\"score\": \"A>>B\", "
		    "\"judgment\": \"g says A again\"}]}",
		"{\"question_id\": \"q2\", \"model\": \"m/1\", "
		    "\"judge\": \"h\", \"games\": [{\"score\": \"A=B\"}, "
		    "{\"score\": null}]}",
	};
	const char *models[] = { "m/1", "base" };
	struct verdicts *jv = verdicts_new(1), *bv = verdicts_new(0);
	struct answer_set *ans = answerscan_set_new();
	struct browse_file *files;
	struct question_set qs;
	struct answer_file af;
	struct browse_in in;
	struct diag d, dups[1];
	json_t *index, *sh, *m, *x;
	char path[] = "/tmp/jp-bq.XXXXXX";
	size_t n, i, nd;
	long k;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, qfile, sizeof(qfile) - 1),
	    sizeof(qfile) - 1);
	close(fd);
	memset(&qs, 0, sizeof(qs));
	assert_int_equal(questions_read(&qs, path, &d), 0);
	unlink(path);
	memset(&af, 0, sizeof(af));
	af.keep_text = 1;
	answerscan_buffer("a.jsonl", answers, sizeof(answers) - 1, &af);
	assert_int_equal(af.nerrs, 0);
	answerscan_set_add(ans, &af);
	answerscan_file_release(&af);
	assert_int_equal(answerscan_set_finish(ans, NULL, NULL, dups, 1, &nd,
	    &d), 0);
	verdicts_add_file(jv, "j.jsonl");
	verdicts_add_file(bv, "b.jsonl");
	for (i = 0; i < 2; i++) {
		json_error_t err;
		json_t *r = json_loads(judged[i], 0, &err);

		assert_int_equal(verdicts_add(jv, r, 0, 1, &d), 0);
		json_decref(r);
	}
	{
		json_error_t err;
		json_t *r = json_loads("{\"question_id\": \"q1\", \"model\": "
		    "\"m/1\", \"judge\": \"ensemble\", \"games\": [{\"score\": "
		    "\"B>A\"}, {\"score\": \"A=B\"}]}", 0, &err);

		assert_int_equal(verdicts_add(bv, r, 0, 1, &d), 0);
		json_decref(r);
	}
	verdicts_finish(jv);
	verdicts_finish(bv);
	memset(&in, 0, sizeof(in));
	in.qs = &qs;
	in.category_key = "category";
	in.ans = ans;
	in.judges = jv;
	in.board = bv;
	in.baseline = "base";
	in.models = models;
	in.nmodels = 2;
	in.threads = 2;
	in.level = 1;
	assert_int_equal(browse_build(&in, &files, &n, &index, &d), 0);
	assert_int_equal(n, 3);
	assert_string_equal(files[0].path, "browse/questions.js");
	assert_int_equal(strncmp(files[1].path, "browse/m_1-", 11), 0);
	assert_string_equal(files[2].path, "browse/base.js");
	assert_string_equal(str(index, "shared"), "browse/questions.js");
	assert_int_equal(json_integer_value(json_object_get(index, "n")), 2);
	/* Only base64 and the call: no text of a record in the file. */
	for (i = 0; i < n; i++)
		assert_null(strpbrk(files[i].data.p + 10, "<>'&"));
	sh = decode(&files[0].data, &k);
	assert_int_equal(k, -1);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(sh, "ids"), 1)), "q2");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(sh, "cat"), 0)), "code");
	assert_string_equal(json_string_value(json_array_get(json_array_get(
	    json_object_get(sh, "q"), 0), 0)), "<script>alert(1)</script>");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(sh, "base"), 0)), "base one");
	assert_true(json_is_null(json_array_get(json_object_get(sh, "base"),
	    1)));
	m = decode(&files[1].data, &k);
	assert_int_equal(k, 0);
	assert_string_equal(str(m, "model"), "m/1");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(m, "a"), 0)), "<img src=x onerror=alert(1)>");
	assert_true(json_is_null(json_array_get(json_object_get(m, "a"), 1)));
	x = json_object_get(m, "judges");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(json_string_value(json_array_get(x, 0)), "g");
	/* Judge g: labels [1, 0] and both texts on q1, nothing on q2. */
	x = json_array_get(json_object_get(m, "l"), 0);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(x,
	    0), 0)), 1);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(x,
	    0), 1)), 0);
	assert_true(json_is_null(json_array_get(x, 1)));
	x = json_array_get(json_object_get(m, "t"), 0);
	assert_string_equal(json_string_value(json_array_get(json_array_get(x,
	    0), 1)), "g says A again");
	/* Judge h has labels but no text at all. */
	assert_true(json_is_null(json_array_get(json_object_get(m, "t"), 1)));
	x = json_array_get(json_object_get(m, "l"), 1);
	assert_true(json_is_null(json_array_get(json_array_get(x, 1), 1)));
	/* The board's labels. */
	x = json_object_get(m, "e");
	assert_int_equal(json_integer_value(json_array_get(json_array_get(x,
	    0), 0)), 3);
	assert_true(json_is_null(json_array_get(x, 1)));
	json_decref(m);
	m = decode(&files[2].data, &k);
	assert_int_equal(k, 1);
	assert_int_equal(json_array_size(json_object_get(m, "judges")), 0);
	json_decref(m);
	json_decref(sh);
	json_decref(index);
	browse_files_free(files, n);
	verdicts_free(jv);
	verdicts_free(bv);
	answerscan_set_free(ans);
	questions_release(&qs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_browse_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
