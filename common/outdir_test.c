/* outdir_test.c: an output folder written whole or not at all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "outdir.h"

static char *
tmpdir(void)
{
	char t[] = "/tmp/jp-outdir.XXXXXX";

	assert_non_null(mkdtemp(t));
	return strdup(t);
}

static char *
slurp(const char *dir, const char *name)
{
	struct buf p, b;
	FILE *f;
	int c;

	buf_init(&p);
	buf_printf(&p, "%s/%s", dir, name);
	f = fopen(p.p, "r");
	buf_release(&p);
	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((c = getc(f)) != EOF)
		buf_addc(&b, c);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* Names in dir (and "sub/" entries of its folders), sorted, one string. */
static char *
listing(const char *dir)
{
	struct buf b;
	char cmd[256];
	FILE *p;
	int c;

	snprintf(cmd, sizeof(cmd), "cd %s && find . -mindepth 1 | sort", dir);
	p = popen(cmd, "r");
	buf_init(&b);
	while ((c = getc(p)) != EOF)
		buf_addc(&b, c == '\n' ? ' ' : c);
	pclose(p);
	return buf_detach(&b, NULL);
}

static void
cleanup(char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static void
test_outdir_commit(void **state)
{
	char *top = tmpdir(), *dir, *s;
	struct outdir *o;
	struct diag d;
	struct buf p;

	buf_init(&p);
	buf_printf(&p, "%s/out", top);
	dir = p.p;
	o = outdir_begin(dir, &d);
	assert_non_null(o);
	assert_int_equal(outdir_add(o, "index.html", "<p>", 3, &d), 0);
	assert_int_equal(outdir_add(o, "browse/a/b.js", "x", 1, &d), 0);
	/* Nothing is in place before the commit. */
	s = slurp(dir, "index.html");
	assert_null(s);
	assert_int_equal(outdir_commit(o, &d), 0);
	outdir_free(o);
	s = slurp(dir, "index.html");
	assert_string_equal(s, "<p>");
	free(s);
	s = slurp(dir, "browse/a/b.js");
	assert_string_equal(s, "x");
	free(s);
	s = listing(dir);
	assert_string_equal(s, "./browse ./browse/a ./browse/a/b.js "
	    "./index.html ");
	free(s);
	/* A second run replaces the file, on commit only. */
	o = outdir_begin(dir, &d);
	assert_int_equal(outdir_add(o, "index.html", "new", 3, &d), 0);
	s = slurp(dir, "index.html");
	assert_string_equal(s, "<p>");
	free(s);
	outdir_free(o);	/* no commit: the old file stays */
	s = slurp(dir, "index.html");
	assert_string_equal(s, "<p>");
	free(s);
	s = listing(dir);
	assert_string_equal(s, "./browse ./browse/a ./browse/a/b.js "
	    "./index.html ");
	free(s);
	buf_release(&p);
	cleanup(top);
}

/* Without a commit nothing is left, not even the folders outdir made. */
static void
test_outdir_abort_leaves_nothing(void **state)
{
	char *top = tmpdir(), *s;
	struct outdir *o;
	struct diag d;
	struct buf p;

	buf_init(&p);
	buf_printf(&p, "%s/new/out", top);
	assert_null(outdir_begin(p.p, &d));	/* "new" is missing */
	assert_int_equal(d.code, EX_CANTCREAT);
	buf_reset(&p);
	buf_printf(&p, "%s/out", top);
	o = outdir_begin(p.p, &d);
	assert_int_equal(outdir_add(o, "a.csv", "1", 1, &d), 0);
	assert_int_equal(outdir_add(o, "browse/m.js", "2", 1, &d), 0);
	outdir_free(o);
	s = listing(top);
	assert_string_equal(s, "");
	free(s);
	buf_release(&p);
	cleanup(top);
}

static void
test_outdir_bad_names(void **state)
{
	static const char *bad[] = {
		"", "/etc/x", "../x", "a/../b", "a//b", "./a", "a/", "a/./b",
		"..",
	};
	char *top = tmpdir(), *s;
	struct outdir *o;
	struct diag d;
	size_t i;

	o = outdir_begin(top, &d);
	assert_non_null(o);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		diag_clear(&d);
		assert_int_equal(outdir_add(o, bad[i], "x", 1, &d), -1);
		assert_int_equal(d.code, EX_SOFTWARE);
	}
	assert_int_equal(outdir_add(o, "ok..name.csv", "x", 1, &d), 0);
	assert_int_equal(outdir_commit(o, &d), 0);
	outdir_free(o);
	s = listing(top);
	assert_string_equal(s, "./ok..name.csv ");
	free(s);
	cleanup(top);
}

/* One file: replaced whole, nothing left beside it, folder must exist. */
static void
test_outdir_write_file(void **state)
{
	char *top = tmpdir(), *s;
	struct buf path;
	struct diag d;

	(void)state;
	buf_init(&path);
	buf_printf(&path, "%s/port", top);
	diag_clear(&d);
	assert_int_equal(outdir_write_file(path.p, "8080\n", 5, &d), 0);
	assert_int_equal(outdir_write_file(path.p, "99\n", 3, &d), 0);
	s = slurp(top, "port");
	assert_string_equal(s, "99\n");
	free(s);
	s = listing(top);
	assert_string_equal(s, "./port ");
	free(s);
	buf_reset(&path);
	buf_printf(&path, "%s/none/port", top);
	assert_int_equal(outdir_write_file(path.p, "1\n", 2, &d), -1);
	assert_int_equal(d.code, EX_CANTCREAT);
	s = listing(top);
	assert_string_equal(s, "./port ");
	free(s);
	buf_release(&path);
	cleanup(top);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outdir_commit),
		cmocka_unit_test(test_outdir_abort_leaves_nothing),
		cmocka_unit_test(test_outdir_bad_names),
		cmocka_unit_test(test_outdir_write_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
