/* cache_test.c: the response cache: format, recovery, concurrency, modes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "jsonl.h"
#include "jsonw.h"

#define HDR	52	/* entry header bytes before the zstd frame */

struct fixture {
	char dir[64];		/* the --cache DIR */
	char path[128];		/* DIR/v1/cache.zst */
};

static void
key_of(const char *tag, int i, unsigned char key[HASH_LEN])
{
	char s[64];

	snprintf(s, sizeof(s), "%s-%d", tag, i);
	hash_sha256(s, strlen(s), key);
}

/* A cache value for (tag, i), with text that exercises the writer. */
static json_t *
value_of(const char *tag, int i)
{
	unsigned char key[HASH_LEN];
	char hex[2 * HASH_LEN + 1];
	struct buf t;
	json_t *v;

	key_of(tag, i, key);
	hash_hex(key, HASH_LEN, hex);
	buf_init(&t);
	buf_printf(&t, "Answer %d of %s: caf\xc3\xa9 \xe2\x80\xa8 \"q\"\n", i,
	    tag);
	buf_add(&t, "nul:\0:", 6);
	while (t.len < 200 + (size_t)(i % 7) * 100)
		buf_adds(&t, " Assistant A is more helpful than B.");
	buf_adds(&t, " My final verdict is [[A>B]].");
	v = json_pack("{s:i,s:s,s:s,s:s,s:s%,s:s,s:{s:i,s:i,s:i},s:i,s:f}",
	    "v", 1, "key", hex, "api_type", "openai", "model_name",
	    "gpt-4-1106-preview", "text", t.p, t.len, "finish_reason", "stop",
	    "usage", "prompt_tokens", 100 + i, "completion_tokens", 50,
	    "total_tokens", 150 + i, "latency_ms", 1200 + i, "created",
	    1700000000.25 + i);
	buf_release(&t);
	assert_non_null(v);
	return v;
}

static void
put(struct cache *c, const char *tag, int i)
{
	unsigned char key[HASH_LEN];
	struct diag d;
	json_t *v = value_of(tag, i);

	key_of(tag, i, key);
	diag_clear(&d);
	assert_int_equal(cache_put(c, key, v, NULL, &d), 1);
	json_decref(v);
}

/* 1 when (tag, i) is found with the right value, 0 on a miss. */
static int
found(struct cache *c, const char *tag, int i)
{
	unsigned char key[HASH_LEN];
	struct diag d;
	json_t *v = NULL, *want;
	int r;

	key_of(tag, i, key);
	r = cache_get(c, key, &v, &d);
	assert_int_not_equal(r, -1);
	if (r == 0) {
		assert_null(v);
		return 0;
	}
	want = value_of(tag, i);
	assert_true(json_equal(v, want));
	json_decref(want);
	json_decref(v);
	return 1;
}

static struct cache *
open_ok(struct fixture *f, int flags, char **warning)
{
	struct diag d;
	struct cache *c;

	diag_clear(&d);
	c = cache_open(f->dir, flags, warning, &d);
	if (c == NULL)
		fail_msg("cache_open: %s", d.msg);
	return c;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void
file_truncate(const char *path, off_t n)
{
	assert_int_equal(truncate(path, n), 0);
}

/* Read all of path into b (replacing its contents). */
static void
slurp(const char *path, struct buf *b)
{
	char tmp[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	buf_reset(b);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, (size_t)n);
	close(fd);
}

static void
spit(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/cache_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	/* A subdirectory, so cache_open has parents to create. */
	strcat(f->dir, "/a/b");
	snprintf(f->path, sizeof(f->path), "%s/v1/cache.zst", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	f->dir[strlen(f->dir) - 4] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_cache_put_get_roundtrip(void **state)
{
	struct fixture *f = *state;
	char v1[128], *warning = (char *)"unset";
	unsigned char key[HASH_LEN];
	struct cache *c;
	struct stat st;
	json_t *v;
	int i;

	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 0);
	for (i = 0; i < 20; i++)
		put(c, "rt", i);
	assert_int_equal(cache_count(c), 20);
	for (i = 0; i < 20; i++)
		assert_true(found(c, "rt", i));
	assert_false(found(c, "rt", 20));
	assert_false(found(c, "other", 0));
	assert_int_equal(cache_sync(c, NULL), 0);
	cache_close(c);

	snprintf(v1, sizeof(v1), "%s/v1", f->dir);
	assert_int_equal(stat(v1, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Persistence, read-write and read-only. */
	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 20);
	for (i = 0; i < 20; i++)
		assert_true(found(c, "rt", i));
	cache_close(c);
	c = open_ok(f, CACHE_READONLY, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 20);
	assert_true(found(c, "rt", 19));
	key_of("rt", 99, key);
	v = value_of("rt", 99);
	assert_int_equal(cache_put(c, key, v, NULL, NULL), -1);
	json_decref(v);
	cache_close(c);
	assert_int_equal(file_size(f->path) > 0, 1);
}

static void
test_cache_duplicate_key_first_wins(void **state)
{
	struct fixture *f = *state;
	unsigned char key[HASH_LEN];
	struct cache *c, *other;
	json_t *v, *first, *got, *stored;
	int pass;

	key_of("dup", 1, key);
	first = value_of("dup", 1);
	v = value_of("dup", 1);
	json_object_set_new(v, "text", json_string("second"));
	c = open_ok(f, 0, NULL);
	other = open_ok(f, 0, NULL);	/* as another process would */
	put(c, "dup", 1);
	/* Both the writer and another process get the first value back. */
	assert_int_equal(cache_put(c, key, v, &stored, NULL), 0);
	assert_true(json_equal(stored, first));
	json_decref(stored);
	assert_int_equal(cache_put(other, key, v, &stored, NULL), 0);
	assert_true(json_equal(stored, first));
	json_decref(stored);
	cache_close(other);
	assert_int_equal(cache_put(c, key, v, NULL, NULL), 0);
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(cache_count(c), 1);
		assert_int_equal(cache_get(c, key, &got, NULL), 1);
		assert_true(json_equal(got, first));
		json_decref(got);
		cache_close(c);
		c = open_ok(f, 0, NULL);
	}
	cache_close(c);
	json_decref(v);
	json_decref(first);
}

static void
test_cache_put_rejects_wrong_key(void **state)
{
	struct fixture *f = *state;
	unsigned char key[HASH_LEN];
	struct cache *c;
	struct diag d;
	json_t *v = value_of("wk", 1);

	key_of("wk", 2, key);
	c = open_ok(f, 0, NULL);
	diag_clear(&d);
	assert_int_equal(cache_put(c, key, v, NULL, &d), -1);
	assert_int_equal(d.code, EX_SOFTWARE);
	assert_int_equal(cache_count(c), 0);
	assert_int_equal(file_size(f->path), 0);
	cache_close(c);
	json_decref(v);
}

static void
test_cache_readonly_missing_is_empty(void **state)
{
	struct fixture *f = *state;
	char *warning = NULL;
	struct cache *c, *w;
	struct stat st;

	c = open_ok(f, CACHE_READONLY, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 0);
	assert_false(found(c, "ro", 1));
	assert_int_equal(stat(f->dir, &st), -1);	/* nothing created */
	/* The file appears later: a miss looks again. */
	w = open_ok(f, 0, NULL);
	put(w, "ro", 1);
	cache_close(w);
	assert_true(found(c, "ro", 1));
	cache_close(c);
}

/* Every line of the file decompressed, in order, is the value as JSONL. */
static void
check_jsonl(const char *got, size_t n, int count)
{
	struct buf want;
	json_t *v;
	int i;

	buf_init(&want);
	for (i = 0; i < count; i++) {
		v = value_of("dc", i);
		jsonw_dump(&want, v, 0);
		buf_addc(&want, '\n');
		json_decref(v);
	}
	assert_int_equal(n, want.len);
	assert_memory_equal(got, want.p, n);
	buf_release(&want);
}

static void
test_cache_zstd_dc_prints_jsonl(void **state)
{
	struct fixture *f = *state;
	struct jsonl_reader *r;
	struct cache *c;
	struct diag d;
	struct buf out;
	char cmd[512], outpath[160], *text;
	size_t n;
	int i;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < 30; i++)
		put(c, "dc", i);
	cache_close(c);

	/* libzstd's streaming decoder, as jsonl.c uses it. */
	diag_clear(&d);
	assert_int_equal(jsonl_slurp(f->path, &text, &n, &d), 0);
	check_jsonl(text, n, 30);
	free(text);
	r = jsonl_open(f->path, &d);
	assert_non_null(r);
	for (i = 0; i < 30; i++) {
		json_t *got, *want = value_of("dc", i);
		long ln;

		assert_int_equal(jsonl_read(r, &got, &ln, &d), 1);
		assert_true(json_equal(got, want));
		json_decref(got);
		json_decref(want);
	}
	jsonl_free(r);

	/* The zstd command line tool, when installed. */
	if (system("command -v zstd >/dev/null 2>&1") != 0) {
		print_message("zstd(1) not installed; skipped zstd -dc\n");
		return;
	}
	snprintf(outpath, sizeof(outpath), "%s/out.jsonl", f->dir);
	snprintf(cmd, sizeof(cmd), "zstd -dcq '%s' > '%s'", f->path, outpath);
	assert_int_equal(system(cmd), 0);
	buf_init(&out);
	slurp(outpath, &out);
	check_jsonl(out.p, out.len, 30);
	buf_release(&out);
}

static void
test_cache_torn_tail_ignored_and_cut(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct buf orig;
	char *warning;
	off_t s2, s3, e4, cut[8];
	size_t k;

	c = open_ok(f, 0, NULL);
	put(c, "torn", 1);
	put(c, "torn", 2);
	cache_close(c);
	s2 = file_size(f->path);
	c = open_ok(f, 0, NULL);
	put(c, "torn", 3);
	cache_close(c);
	s3 = file_size(f->path);
	buf_init(&orig);
	slurp(f->path, &orig);

	/* Inside the header, at its end, inside the frame, one byte short. */
	cut[0] = s2 + 1;
	cut[1] = s2 + 4;
	cut[2] = s2 + 30;
	cut[3] = s2 + HDR - 1;
	cut[4] = s2 + HDR;
	cut[5] = s2 + HDR + 5;
	cut[6] = s3 - 4;
	cut[7] = s3 - 1;
	for (k = 0; k < sizeof(cut) / sizeof(cut[0]); k++) {
		spit(f->path, orig.p, orig.len);
		file_truncate(f->path, cut[k]);

		c = open_ok(f, CACHE_READONLY, &warning);
		assert_non_null(warning);
		assert_non_null(strstr(warning, "torn tail"));
		free(warning);
		assert_int_equal(cache_count(c), 2);
		assert_true(found(c, "torn", 1));
		assert_true(found(c, "torn", 2));
		assert_false(found(c, "torn", 3));
		cache_close(c);
		assert_int_equal(file_size(f->path), cut[k]);

		/* The next put cuts the tail and appends after entry 2. */
		c = open_ok(f, 0, NULL);
		put(c, "torn", 4);
		cache_close(c);
		e4 = file_size(f->path);
		c = open_ok(f, CACHE_READONLY, &warning);
		assert_null(warning);
		assert_int_equal(cache_count(c), 3);
		assert_true(found(c, "torn", 1));
		assert_true(found(c, "torn", 2));
		assert_false(found(c, "torn", 3));
		assert_true(found(c, "torn", 4));
		cache_close(c);
		assert_true(e4 > s2 && e4 < s2 + (s3 - s2) * 2);
	}

	/* Foreign bytes after the last entry are a torn tail as well. */
	spit(f->path, orig.p, orig.len);
	c = open_ok(f, 0, NULL);
	{
		int fd = open(f->path, O_WRONLY | O_APPEND);
		static const char junk[] = "not a cache entry, just junk bytes "
		    "that are longer than an entry header";

		assert_true(fd >= 0);
		assert_int_equal(write(fd, junk, sizeof(junk)),
		    (ssize_t)sizeof(junk));
		close(fd);
	}
	put(c, "torn", 5);
	cache_close(c);
	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 4);
	assert_true(found(c, "torn", 3));
	assert_true(found(c, "torn", 5));
	cache_close(c);
	buf_release(&orig);
}

static void
test_cache_corrupt_entry_skipped(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct buf orig, bad;
	char *warning;
	off_t s1, s2, s3, at[3];
	size_t k;

	c = open_ok(f, 0, NULL);
	put(c, "bad", 1);
	s1 = file_size(f->path);
	put(c, "bad", 2);
	s2 = file_size(f->path);
	put(c, "bad", 3);
	s3 = file_size(f->path);
	cache_close(c);
	buf_init(&orig);
	buf_init(&bad);
	slurp(f->path, &orig);

	/* Flip a byte: frame header, middle of the data, the checksum. */
	at[0] = s1 + HDR + 4;
	at[1] = s1 + HDR + (s2 - s1 - HDR) / 2;
	at[2] = s2 - 2;
	for (k = 0; k < 3; k++) {
		buf_reset(&bad);
		buf_add(&bad, orig.p, orig.len);
		bad.p[at[k]] ^= 0x20;
		spit(f->path, bad.p, bad.len);

		c = open_ok(f, 0, &warning);
		assert_non_null(warning);
		assert_non_null(strstr(warning, "1 corrupt entry"));
		free(warning);
		assert_int_equal(cache_count(c), 2);
		assert_true(found(c, "bad", 1));
		assert_false(found(c, "bad", 2));
		assert_true(found(c, "bad", 3));
		/* A corrupt entry is not a torn tail: nothing is cut. */
		put(c, "bad", 4);
		assert_true(file_size(f->path) > s3);
		assert_true(found(c, "bad", 4));
		cache_close(c);
	}
	buf_release(&bad);
	buf_release(&orig);
}

static void
test_cache_wrong_embedded_key_ignored(void **state)
{
	struct fixture *f = *state;
	unsigned char other[HASH_LEN];
	struct cache *c;
	struct buf b;
	char *warning;
	off_t s1;

	c = open_ok(f, 0, NULL);
	put(c, "emb", 1);
	s1 = file_size(f->path);
	put(c, "emb", 2);
	put(c, "emb", 3);
	cache_close(c);

	/* Give entry 2's header another key; its value still says key 2. */
	key_of("emb", 9, other);
	buf_init(&b);
	slurp(f->path, &b);
	memcpy(b.p + s1 + 16, other, HASH_LEN);
	spit(f->path, b.p, b.len);
	buf_release(&b);

	c = open_ok(f, 0, &warning);
	assert_non_null(warning);
	assert_non_null(strstr(warning, "1 corrupt entry"));
	free(warning);
	assert_int_equal(cache_count(c), 2);
	assert_true(found(c, "emb", 1));
	assert_false(found(c, "emb", 2));
	assert_true(found(c, "emb", 3));
	assert_false(found(c, "emb", 9));
	cache_close(c);
}

static void
test_cache_shrunk_file_resets(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	int i;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < 5; i++)
		put(c, "sh", i);
	/* Not something the format allows, but it must not confuse us. */
	file_truncate(f->path, 0);
	assert_false(found(c, "sh", 99));
	assert_int_equal(cache_count(c), 0);
	put(c, "sh", 7);
	assert_true(found(c, "sh", 7));
	assert_false(found(c, "sh", 1));
	cache_close(c);
}

#define PER_WRITER 500

/* A writer process: wait for the go byte, put its entries, exit 0. */
static void
writer(struct fixture *f, const char *tag, int go)
{
	unsigned char key[HASH_LEN];
	struct cache *c;
	struct diag d;
	char b;
	int i, bad = 0;

	if (read(go, &b, 1) != 1)
		_exit(2);
	c = cache_open(f->dir, 0, NULL, &d);
	if (c == NULL)
		_exit(3);
	for (i = 0; i < PER_WRITER; i++) {
		json_t *v = value_of(tag, i);

		key_of(tag, i, key);
		if (cache_put(c, key, v, NULL, &d) != 1)
			bad++;
		json_decref(v);
	}
	cache_close(c);
	_exit(bad ? 1 : 0);
}

static void
test_cache_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	static const char *tags[2] = { "w0", "w1" };
	struct cache *reader, *c;
	char *warning;
	pid_t pid[2];
	int go[2], st[2], done[2] = { 0, 0 }, i, k, hits = 0, polls = 0;

	/* A reader opened before any write. */
	c = open_ok(f, 0, NULL);
	cache_close(c);
	reader = open_ok(f, CACHE_READONLY, NULL);
	assert_int_equal(cache_count(reader), 0);

	assert_int_equal(pipe(go), 0);
	for (k = 0; k < 2; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0) {
			close(go[1]);
			writer(f, tags[k], go[0]);
		}
	}
	close(go[0]);
	assert_int_equal(write(go[1], "gg", 2), 2);
	close(go[1]);

	/* Read while they write: every hit must be exact. */
	while (!done[0] || !done[1]) {
		for (k = 0; k < 2; k++)
			if (!done[k] && waitpid(pid[k], &st[k], WNOHANG) ==
			    pid[k])
				done[k] = 1;
		hits += found(reader, tags[polls % 2], polls % PER_WRITER);
		polls++;
	}
	for (k = 0; k < 2; k++) {
		assert_true(WIFEXITED(st[k]));
		assert_int_equal(WEXITSTATUS(st[k]), 0);
	}
	print_message("%d polls, %d hits during the writes\n", polls, hits);

	for (k = 0; k < 2; k++)
		for (i = 0; i < PER_WRITER; i++)
			assert_true(found(reader, tags[k], i));
	assert_int_equal(cache_count(reader), 2 * PER_WRITER);
	cache_close(reader);

	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), 2 * PER_WRITER);
	cache_close(c);
}

static void
test_cache_permission_warning(void **state)
{
	struct fixture *f = *state;
	char v1[128], *warning;
	struct cache *c;

	snprintf(v1, sizeof(v1), "%s/v1", f->dir);
	c = open_ok(f, 0, &warning);
	assert_null(warning);
	cache_close(c);

	assert_int_equal(chmod(v1, 0750), 0);
	c = open_ok(f, 0, &warning);
	assert_non_null(warning);
	assert_non_null(strstr(warning, "cache directory"));
	assert_non_null(strstr(warning, "group or others"));
	assert_null(strstr(warning, "cache file"));
	free(warning);
	cache_close(c);

	assert_int_equal(chmod(v1, 0700), 0);
	assert_int_equal(chmod(f->path, 0604), 0);
	c = open_ok(f, CACHE_READONLY, &warning);
	assert_non_null(warning);
	assert_non_null(strstr(warning, "cache file"));
	assert_null(strstr(warning, "cache directory"));
	free(warning);
	cache_close(c);

	/* A NULL warning pointer is allowed. */
	c = open_ok(f, 0, NULL);
	cache_close(c);
}

static void
test_cache_open_errors(void **state)
{
	struct fixture *f = *state;
	char blocker[160];
	struct diag d;
	int fd;

	cache_close(open_ok(f, 0, NULL));	/* creates DIR */
	/* A parent of DIR/v1 is a file: nothing can be created. */
	snprintf(blocker, sizeof(blocker), "%s/x", f->dir);
	fd = open(blocker, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	strcat(blocker, "/y");
	diag_clear(&d);
	assert_null(cache_open(blocker, 0, NULL, &d));
	assert_int_equal(d.code, EX_CANTCREAT);
	assert_null(cache_open("", 0, NULL, &d));
}

static void
test_cache_default_dir(void **state)
{
	char *s;

	setenv("JUDGEPIPE_CACHE", "/x/jp", 1);
	setenv("XDG_CACHE_HOME", "/x/xdg", 1);
	setenv("HOME", "/x/home", 1);
	s = cache_default_dir();
	assert_string_equal(s, "/x/jp");
	free(s);
	setenv("JUDGEPIPE_CACHE", "", 1);
	s = cache_default_dir();
	assert_string_equal(s, "/x/xdg/judgepipe");
	free(s);
	unsetenv("JUDGEPIPE_CACHE");
	setenv("XDG_CACHE_HOME", "relative", 1);
	s = cache_default_dir();
	assert_string_equal(s, "/x/home/.cache/judgepipe");
	free(s);
	unsetenv("XDG_CACHE_HOME");
	s = cache_default_dir();
	assert_string_equal(s, "/x/home/.cache/judgepipe");
	free(s);
}

/* ---- compaction ---------------------------------------------------- */

/*
 * A judge reply as gen-judgment stores it: some 420 bytes, near-duplicate
 * JSON whose key, numbers and a short text vary.  rev changes the text.
 */
static json_t *
judge_value(const char *tag, int i, int rev)
{
	static const char *verdicts[] = { "A>>B", "A>B", "A=B", "B>A",
	    "B>>A" };
	static const char *why[] = { "more accurate", "more concise",
	    "more helpful", "clearer", "more complete", "better structured" };
	unsigned char key[HASH_LEN];
	char hex[2 * HASH_LEN + 1], text[256];
	json_t *v;

	key_of(tag, i, key);
	hash_hex(key, HASH_LEN, hex);
	snprintf(text, sizeof(text), "Assistant %c's answer is %s and "
	    "addresses question %d directly; the other misses step %d. "
	    "My final verdict is [[%s]].%s", i % 3 ? 'A' : 'B',
	    why[i % 6], i, i % 5 + 1, verdicts[(i * 7) % 5],
	    rev ? " (revised)" : "");
	v = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:{s:i,s:i,s:i},s:i,s:f}",
	    "v", 1, "key", hex, "api_type", "openai", "model_name",
	    "gpt-4o-mini", "text", text, "finish_reason", "stop", "usage",
	    "prompt_tokens", 812 + i % 613, "completion_tokens", 40 + i % 37,
	    "total_tokens", 852 + i % 613 + i % 37, "latency_ms",
	    900 + (i * 37) % 4000, "created", 1717000000.0 + i * 0.731);
	assert_non_null(v);
	return v;
}

/* Put judge_value(tag, i, rev); return its bytes as a value line. */
static size_t
jput(struct cache *c, const char *tag, int i, int rev)
{
	unsigned char key[HASH_LEN];
	struct buf line;
	struct diag d;
	json_t *v = judge_value(tag, i, rev);
	size_t n;

	key_of(tag, i, key);
	diag_clear(&d);
	if (cache_put(c, key, v, NULL, &d) != 1)
		fail_msg("cache_put: %s", d.msg);
	buf_init(&line);
	jsonw_dump(&line, v, 0);
	n = line.len + 1;
	buf_release(&line);
	json_decref(v);
	return n;
}

/* 1 when (tag, i) is found with judge_value(tag, i, rev), 0 on a miss. */
static int
jfound(struct cache *c, const char *tag, int i, int rev)
{
	unsigned char key[HASH_LEN];
	struct diag d;
	json_t *v = NULL, *want;
	int r;

	key_of(tag, i, key);
	diag_clear(&d);
	r = cache_get(c, key, &v, &d);
	if (r == -1)
		fail_msg("cache_get: %s", d.msg);
	if (r == 0)
		return 0;
	want = judge_value(tag, i, rev);
	if (!json_equal(v, want))
		fail_msg("wrong value for %s-%d", tag, i);
	json_decref(want);
	json_decref(v);
	return 1;
}

/* Count the single entries and packs in the file; their end in *end. */
static void
file_kinds(const char *path, int *singles, int *packs, off_t *end)
{
	const unsigned char *h;
	struct buf b;
	size_t pos = 0, hdr;
	uint32_t skip, len;

	buf_init(&b);
	slurp(path, &b);
	*singles = *packs = 0;
	while (b.len - pos >= 8) {
		h = (const unsigned char *)b.p + pos;
		skip = h[4] | h[5] << 8 | h[6] << 16 | (uint32_t)h[7] << 24;
		hdr = skip == 16 ? 24 : 52;
		if (b.len - pos < hdr)
			break;
		len = h[hdr - 4] | h[hdr - 3] << 8 | h[hdr - 2] << 16 |
		    (uint32_t)h[hdr - 1] << 24;
		if (b.len - pos - hdr < len)
			break;
		if (skip == 16)
			(*packs)++;
		else
			(*singles)++;
		pos += hdr + len;
	}
	*end = (off_t)pos;
	buf_release(&b);
}

/* "zstd -dc" output of the file into out; 0 when zstd is missing. */
static int
zstd_dc(struct fixture *f, struct buf *out)
{
	char cmd[512], outpath[160];

	if (system("command -v zstd >/dev/null 2>&1") != 0) {
		print_message("zstd(1) not installed; skipped zstd -dc\n");
		return 0;
	}
	snprintf(outpath, sizeof(outpath), "%s/out.jsonl", f->dir);
	snprintf(cmd, sizeof(cmd), "zstd -dcq '%s' > '%s'", f->path, outpath);
	assert_int_equal(system(cmd), 0);
	slurp(outpath, out);
	return 1;
}

#define RT_N 1000

static void
test_cache_compact_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct buf out, want;
	char *warning, tmp[192];
	size_t raw = 0;
	off_t size, end;
	int i, singles, packs;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < RT_N; i++)
		raw += jput(c, "rt", i, 0);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, RT_N);
	assert_int_equal(packs, 0);
	size = file_size(f->path);
	print_message("%d values: %zu bytes, %lld before compaction (%.1f%%)\n",
	    RT_N, raw, (long long)size, 100.0 * size / raw);
	cache_close(c);		/* compacts: it appended 1,000 */

	size = file_size(f->path);
	file_kinds(f->path, &singles, &packs, &end);
	print_message("after: %lld bytes (%.1f%%), %d packs\n",
	    (long long)size, 100.0 * size / raw, packs);
	assert_int_equal(singles, 0);
	assert_int_equal(packs, 2);	/* 512 + 488 */
	assert_int_equal(end, size);
	assert_true(size * 100 <= (off_t)raw * 30);
	snprintf(tmp, sizeof(tmp), "%s/v1/cache.zst.tmp.%ld", f->dir,
	    (long)getpid());
	assert_int_equal(access(tmp, F_OK), -1);

	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), RT_N);
	for (i = 0; i < RT_N; i++)
		assert_true(jfound(c, "rt", i, 0));
	/* Backwards, and absent keys. */
	for (i = RT_N - 1; i >= 0; i -= 7)
		assert_true(jfound(c, "rt", i, 0));
	assert_false(jfound(c, "rt", RT_N, 0));
	cache_close(c);		/* appended nothing: no compaction */
	assert_int_equal(file_size(f->path), size);

	buf_init(&out);
	buf_init(&want);
	for (i = 0; i < RT_N; i++) {
		json_t *v = judge_value("rt", i, 0);

		jsonw_dump(&want, v, 0);
		buf_addc(&want, '\n');
		json_decref(v);
	}
	if (zstd_dc(f, &out)) {
		assert_int_equal(out.len, want.len);
		assert_memory_equal(out.p, want.p, want.len);
	}
	buf_release(&out);
	buf_release(&want);
}

/*
 * Append to the fixture's file an entry for (tag, i, rev) written by a
 * cache of its own: a duplicate that puts, which keep the first value,
 * no longer write, but that older caches may hold.
 */
static void
append_duplicate(struct fixture *f, const char *tag, int i, int rev)
{
	struct fixture g;
	struct cache *c;
	struct buf b;
	int fd;

	assert_true(strlen(f->dir) + 4 < sizeof(g.dir));
	memcpy(g.dir, f->dir, strlen(f->dir));
	memcpy(g.dir + strlen(f->dir), "-dup", 5);
	snprintf(g.path, sizeof(g.path), "%s/v1/cache.zst", g.dir);
	unlink(g.path);
	c = open_ok(&g, 0, NULL);
	jput(c, tag, i, rev);
	cache_close(c);
	buf_init(&b);
	slurp(g.path, &b);
	fd = open(f->path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
	close(fd);
	buf_release(&b);
}

static void
test_cache_compact_duplicates_first(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct diag d;
	struct buf out;
	int i, pass, singles, packs, lines;
	off_t end;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < 300; i++)
		jput(c, "dk", i, 0);
	append_duplicate(f, "dk", 5, 1);	/* a later single entry */
	diag_clear(&d);
	assert_int_equal(cache_compact(c, 1, &d), 0);
	assert_int_equal(cache_count(c), 300);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 0);
	assert_int_equal(packs, 1);
	assert_true(jfound(c, "dk", 5, 0));
	append_duplicate(f, "dk", 7, 1);	/* after a packed value */
	cache_close(c);
	c = open_ok(f, 0, NULL);
	assert_true(jfound(c, "dk", 7, 0));
	assert_int_equal(cache_compact(c, 1, &d), 0);
	assert_int_equal(cache_count(c), 300);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 300; i++)
			assert_true(jfound(c, "dk", i, 0));
		cache_close(c);
		c = open_ok(f, CACHE_READONLY, NULL);
		assert_int_equal(cache_count(c), 300);
	}
	cache_close(c);
	/* Only the first values are left in the file. */
	buf_init(&out);
	if (zstd_dc(f, &out)) {
		for (i = 0, lines = 0; i < (int)out.len; i++)
			lines += out.p[i] == '\n';
		assert_int_equal(lines, 300);
		assert_null(strstr(out.p, "(revised)"));
	}
	buf_release(&out);
}

static void
test_cache_torn_tail_after_pack(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct buf orig;
	char *warning;
	off_t packed, s1, cut[6], end;
	int i, k, singles, packs;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < RT_N; i++)
		jput(c, "tp", i, 0);
	cache_close(c);
	packed = file_size(f->path);
	c = open_ok(f, 0, NULL);
	jput(c, "tq", 1, 0);
	s1 = file_size(f->path);
	jput(c, "tq", 2, 0);
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(packs, 2);
	assert_int_equal(singles, 2);
	buf_init(&orig);
	slurp(f->path, &orig);

	/* In the single entry after the packs: the packs are whole. */
	cut[0] = packed + 3;
	cut[1] = packed + 40;
	cut[2] = s1 + 10;
	for (k = 0; k < 3; k++) {
		spit(f->path, orig.p, orig.len);
		file_truncate(f->path, cut[k]);
		c = open_ok(f, CACHE_READONLY, &warning);
		assert_non_null(warning);
		assert_non_null(strstr(warning, "torn tail"));
		free(warning);
		assert_int_equal(cache_count(c), RT_N + (k == 2));
		assert_true(jfound(c, "tp", 0, 0));
		assert_true(jfound(c, "tp", RT_N - 1, 0));
		assert_int_equal(jfound(c, "tq", 1, 0), k == 2);
		assert_false(jfound(c, "tq", 2, 0));
		cache_close(c);
	}

	/* In the second pack: its header, its frame. */
	spit(f->path, orig.p, orig.len);
	c = open_ok(f, 0, NULL);
	cache_close(c);
	cut[3] = packed - 1;
	cut[4] = packed - 100;
	{
		unsigned char h[24];
		int fd = open(f->path, O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(read(fd, h, 24), 24);
		close(fd);
		/* The first pack ends where the second begins. */
		cut[5] = 24 + (off_t)(h[20] | h[21] << 8 | h[22] << 16 |
		    (uint32_t)h[23] << 24) + 10;
	}
	for (k = 3; k < 6; k++) {
		spit(f->path, orig.p, orig.len);
		file_truncate(f->path, cut[k]);
		c = open_ok(f, CACHE_READONLY, &warning);
		assert_non_null(warning);
		assert_non_null(strstr(warning, "torn tail"));
		free(warning);
		assert_int_equal(cache_count(c), 512);
		assert_true(jfound(c, "tp", 511, 0));
		assert_false(jfound(c, "tp", 512, 0));
		cache_close(c);
		/* The next put cuts the torn pack. */
		c = open_ok(f, 0, NULL);
		jput(c, "tq", 3, 0);
		cache_close(c);
		c = open_ok(f, CACHE_READONLY, &warning);
		assert_null(warning);
		assert_int_equal(cache_count(c), 513);
		assert_true(jfound(c, "tq", 3, 0));
		cache_close(c);
	}
	buf_release(&orig);
}

static void
test_cache_corrupt_pack_skipped(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct buf b;
	char *warning;
	uint32_t len;
	int i, singles, packs;
	off_t end;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < RT_N; i++)
		jput(c, "cp", i, 0);
	cache_close(c);
	c = open_ok(f, 0, NULL);
	for (i = 0; i < 3; i++)
		jput(c, "cs", i, 0);
	cache_close(c);

	/* Flip a byte in the middle of the first pack's frame. */
	buf_init(&b);
	slurp(f->path, &b);
	len = (unsigned char)b.p[20] | (unsigned char)b.p[21] << 8 |
	    (unsigned char)b.p[22] << 16 | (uint32_t)(unsigned char)b.p[23] <<
	    24;
	b.p[24 + len / 2] ^= 0x20;
	spit(f->path, b.p, b.len);
	buf_release(&b);

	c = open_ok(f, 0, &warning);
	assert_non_null(warning);
	assert_non_null(strstr(warning, "1 corrupt entry"));
	free(warning);
	assert_int_equal(cache_count(c), RT_N - 512 + 3);
	assert_false(jfound(c, "cp", 0, 0));
	assert_false(jfound(c, "cp", 511, 0));
	assert_true(jfound(c, "cp", 512, 0));
	assert_true(jfound(c, "cp", RT_N - 1, 0));
	for (i = 0; i < 3; i++)
		assert_true(jfound(c, "cs", i, 0));
	/* Compaction drops the corrupt pack and keeps the rest. */
	assert_int_equal(cache_compact(c, 1, NULL), 0);
	assert_int_equal(cache_count(c), RT_N - 512 + 3);
	cache_close(c);
	c = open_ok(f, 0, &warning);
	assert_null(warning);
	assert_int_equal(cache_count(c), RT_N - 512 + 3);
	assert_true(jfound(c, "cs", 2, 0));
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 0);
}

#define CW_N 600

static void
test_cache_compact_concurrent_writer(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	struct diag d;
	pid_t pid;
	int go[2], st, i, n = 0, rounds = 0;

	c = open_ok(f, 0, NULL);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cache *w;
		char b;
		int bad = 0;

		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(2);
		w = cache_open(f->dir, 0, NULL, &d);
		if (w == NULL)
			_exit(3);
		for (i = 0; i < CW_N; i++) {
			unsigned char key[HASH_LEN];
			json_t *v = judge_value("cw", i, 0);

			key_of("cw", i, key);
			if (cache_put(w, key, v, NULL, &d) != 1)
				bad++;
			json_decref(v);
		}
		/* Its own entries, across whatever compactions ran. */
		for (i = 0; i < CW_N; i++) {
			unsigned char key[HASH_LEN];
			json_t *v = NULL;

			key_of("cw", i, key);
			if (cache_get(w, key, &v, &d) != 1)
				bad++;
			json_decref(v);
		}
		cache_close(w);
		_exit(bad ? 1 : 0);
	}
	close(go[0]);
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	while (waitpid(pid, &st, WNOHANG) != pid) {
		jput(c, "cq", n++, 0);
		diag_clear(&d);
		if (cache_compact(c, 1, &d) != 0)
			fail_msg("cache_compact: %s", d.msg);
		rounds++;
	}
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	print_message("%d compactions while the writer ran\n", rounds);
	for (i = 0; i < CW_N; i++)
		assert_true(jfound(c, "cw", i, 0));
	for (i = 0; i < n; i++)
		assert_true(jfound(c, "cq", i, 0));
	assert_int_equal(cache_count(c), CW_N + n);
	cache_close(c);
	c = open_ok(f, CACHE_READONLY, NULL);
	assert_int_equal(cache_count(c), CW_N + n);
	for (i = 0; i < CW_N; i++)
		assert_true(jfound(c, "cw", i, 0));
	for (i = 0; i < n; i++)
		assert_true(jfound(c, "cq", i, 0));
	cache_close(c);
}

static void
test_cache_reader_across_compaction(void **state)
{
	struct fixture *f = *state;
	struct cache *w, *r;
	int i;

	w = open_ok(f, 0, NULL);
	for (i = 0; i < 300; i++)
		jput(w, "ra", i, 0);
	r = open_ok(f, CACHE_READONLY, NULL);
	assert_int_equal(cache_count(r), 300);
	assert_true(jfound(r, "ra", 1, 0));
	assert_int_equal(cache_compact(r, 1, NULL), -1);	/* read-only */
	assert_int_equal(cache_compact(w, 1, NULL), 0);
	/* The old file is still readable until the reader notices. */
	assert_true(jfound(r, "ra", 2, 0));
	for (i = 0; i < 10; i++)
		jput(w, "rb", i, 0);
	for (i = 0; i < 10; i++)
		assert_true(jfound(r, "rb", i, 0));
	for (i = 0; i < 300; i++)
		assert_true(jfound(r, "ra", i, 0));
	assert_int_equal(cache_count(r), 310);
	/* And a writer that did not compact appends to the new file. */
	cache_close(w);
	w = open_ok(f, 0, NULL);
	assert_int_equal(cache_compact(w, 1, NULL), 0);
	jput(w, "rc", 0, 0);
	assert_true(jfound(r, "rc", 0, 0));
	cache_close(w);
	cache_close(r);
}

static void
test_cache_auto_compact_threshold(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	int i, singles, packs;
	off_t end;

	c = open_ok(f, 0, NULL);
	for (i = 0; i < 255; i++)
		jput(c, "th", i, 0);
	/* Not forced, and the file has too few single entries. */
	assert_int_equal(cache_compact(c, 0, NULL), 0);
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 255);
	assert_int_equal(packs, 0);
	/* 256 in the file, but this session appended only one. */
	c = open_ok(f, 0, NULL);
	jput(c, "th", 255, 0);
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 256);
	assert_int_equal(packs, 0);
	/* Asked for, it runs: the file has 256. */
	c = open_ok(f, 0, NULL);
	assert_int_equal(cache_compact(c, 0, NULL), 0);
	assert_int_equal(cache_count(c), 256);
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 0);
	assert_int_equal(packs, 1);
	/* A session of 300 puts packs them; the full pack is kept. */
	c = open_ok(f, 0, NULL);
	for (i = 256; i < 556; i++)
		jput(c, "th", i, 0);
	cache_close(c);
	file_kinds(f->path, &singles, &packs, &end);
	assert_int_equal(singles, 0);
	assert_int_equal(packs, 2);
	c = open_ok(f, CACHE_READONLY, NULL);
	assert_int_equal(cache_count(c), 556);
	for (i = 0; i < 556; i++)
		assert_true(jfound(c, "th", i, 0));
	cache_close(c);
}

static void
test_cache_compact_removes_stale_tmp(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	char dead[192], live[192];
	pid_t pid;
	int fd, st;

	c = open_ok(f, 0, NULL);
	jput(c, "st", 1, 0);
	/* A pid that is surely not running: a child we reaped. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	snprintf(dead, sizeof(dead), "%s/v1/cache.zst.tmp.%ld", f->dir,
	    (long)pid);
	snprintf(live, sizeof(live), "%s/v1/cache.zst.tmp.%ld", f->dir,
	    (long)getppid());
	fd = open(dead, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	fd = open(live, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cache_compact(c, 1, NULL), 0);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_true(jfound(c, "st", 1, 0));
	cache_close(c);
	unlink(live);
}

/* The first put of a session sweeps them too, without any compaction. */
static void
test_cache_put_removes_stale_tmp(void **state)
{
	struct fixture *f = *state;
	struct cache *c;
	char dead[192];
	pid_t pid;
	int fd, st;

	c = open_ok(f, 0, NULL);
	jput(c, "sp", 1, 0);
	cache_close(c);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	snprintf(dead, sizeof(dead), "%s/v1/cache.zst.tmp.%ld", f->dir,
	    (long)pid);
	fd = open(dead, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	c = open_ok(f, 0, NULL);
	assert_int_equal(access(dead, F_OK), 0);	/* opening only reads */
	jput(c, "sp", 2, 0);
	assert_int_equal(access(dead, F_OK), -1);
	assert_true(jfound(c, "sp", 1, 0));
	assert_true(jfound(c, "sp", 2, 0));
	cache_close(c);
}

/* Claims: one holder per key across open caches, gone with the holder. */
static void
test_cache_claims(void **state)
{
	struct fixture *f = *state;
	unsigned char k1[HASH_LEN], k2[HASH_LEN];
	struct cache *a, *b, *ro;
	int go[2], st;
	char ch;
	pid_t pid;

	key_of("cl", 1, k1);
	key_of("cl", 2, k2);
	a = open_ok(f, 0, NULL);
	b = open_ok(f, 0, NULL);
	assert_int_equal(cache_claim(a, k1), 1);
	assert_int_equal(cache_claim(a, k1), 1);	/* its own: again */
	assert_int_equal(cache_claim(b, k1), 0);
	assert_int_equal(cache_claim(b, k2), 1);
	assert_int_equal(cache_claim(a, k2), 0);
	cache_release(a, k1);
	assert_int_equal(cache_claim(b, k1), 1);
	assert_int_equal(cache_claim(a, k1), 0);
	/* Closing a cache lets go of everything it held. */
	cache_close(b);
	assert_int_equal(cache_claim(a, k1), 1);
	assert_int_equal(cache_claim(a, k2), 1);
	cache_release(a, k1);
	cache_release(a, k2);
	cache_release(NULL, k1);
	/* A read-only cache never waits (it never sends either). */
	ro = open_ok(f, CACHE_READONLY, NULL);
	assert_int_equal(cache_claim(a, k1), 1);
	assert_int_equal(cache_claim(ro, k1), 1);
	cache_close(ro);
	cache_release(a, k1);

	/* A holder killed with SIGKILL holds nothing. */
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cache *c = cache_open(f->dir, 0, NULL, NULL);

		if (c == NULL || cache_claim(c, k1) != 1 ||
		    write(go[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(go[0], &ch, 1), 1);
	assert_int_equal(cache_claim(a, k1), 0);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(cache_claim(a, k1), 1);
	close(go[0]);
	close(go[1]);
	cache_close(a);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cache_put_get_roundtrip),
		T(test_cache_duplicate_key_first_wins),
		T(test_cache_put_rejects_wrong_key),
		T(test_cache_readonly_missing_is_empty),
		T(test_cache_zstd_dc_prints_jsonl),
		T(test_cache_torn_tail_ignored_and_cut),
		T(test_cache_corrupt_entry_skipped),
		T(test_cache_wrong_embedded_key_ignored),
		T(test_cache_shrunk_file_resets),
		T(test_cache_concurrent_writers),
		T(test_cache_permission_warning),
		T(test_cache_open_errors),
		T(test_cache_compact_roundtrip),
		T(test_cache_compact_duplicates_first),
		T(test_cache_torn_tail_after_pack),
		T(test_cache_corrupt_pack_skipped),
		T(test_cache_compact_concurrent_writer),
		T(test_cache_reader_across_compaction),
		T(test_cache_auto_compact_threshold),
		T(test_cache_compact_removes_stale_tmp),
		T(test_cache_put_removes_stale_tmp),
		T(test_cache_claims),
		cmocka_unit_test(test_cache_default_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
