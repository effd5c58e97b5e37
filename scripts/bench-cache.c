/*
 * bench-cache.c: fill a cache with judge-reply-sized values, then time the
 * scan at open and lookups.
 *
 * usage: bench-cache fill dir n [short]
 *        bench-cache read dir n [sequential]
 *
 * fill appends n cache values whose text is 1.5-3 KB of English-like judge
 * prose (words from a fixed vocabulary, seeded, so runs are repeatable), or
 * with "short" a 100-300 byte judge reply (values of some 420 bytes), and
 * prints the insert rate, the raw value bytes and the file's bytes before
 * cache_close compacts it, then the compaction time.  read, in a fresh
 * process so its peak RSS is the reader's own, opens the cache, gets all n
 * keys in a shuffled order (or in put order) and 10,000 absent ones, and
 * prints the figures.  Built by scripts/bench-cache.sh against build/rel.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <jansson.h>

#include "buf.h"
#include "cache.h"
#include "jsonw.h"

#define MISSES	10000

static const char *words[] = {
	"the", "answer", "assistant", "is", "a", "more", "helpful", "and",
	"relevant", "response", "to", "of", "user", "prompt", "provides",
	"clear", "concise", "explanation", "however", "it", "does", "not",
	"mention", "that", "code", "example", "function", "which", "would",
	"be", "beneficial", "include", "both", "answers", "are", "correct",
	"but", "B", "A", "missing", "important", "information", "about",
	"in", "this", "case", "should", "also", "consider", "edge", "cases",
	"such", "as", "empty", "input", "or", "invalid", "values", "my",
	"own", "solution", "uses", "loop", "instead", "recursion", "because",
	"performance", "better", "for", "large", "inputs", "while", "output",
	"matches", "expected", "format", "there", "minor", "mistake", "where",
	"claims", "list", "sorted", "place", "overall", "quality", "similar",
	"slightly", "detailed", "accurate", "creative", "approach", "with",
	"step", "by", "guide", "on", "how", "set", "up", "environment",
	"install", "required", "packages", "then", "run", "script", "from",
	"command", "line", "without", "any", "errors", "data", "model",
	"training", "loss", "accuracy", "evaluation", "metric", "test", "set",
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
key_of(long i, unsigned char key[HASH_LEN])
{
	char s[64];

	snprintf(s, sizeof(s), "bench-%ld", i);
	hash_sha256(s, strlen(s), key);
}

static int short_text;

/* A judge reply of 1.5-3 KB: two evaluations and a verdict. */
static void
judge_text(struct buf *t)
{
	static const char *verdicts[] = { "A>>B", "A>B", "A=B", "B>A",
	    "B>>A" };
	static const char *heads[] = { "My own answer to the prompt:\n\n",
	    "\n\nEvaluation of Assistant A's answer:\n\n",
	    "\n\nEvaluation of Assistant B's answer:\n\n" };
	size_t target = 1500 + rng() % 1500, part;
	int h, n, cap;

	buf_reset(t);
	if (short_text)
		target = 100 + rng() % 200;
	for (h = short_text ? 2 : 0; h < 3; h++) {
		buf_adds(t, heads[h]);
		part = short_text ? target : target * (h + 1) / 3;
		cap = 1;
		n = 0;
		while (t->len < part) {
			const char *w = words[rng() % (sizeof(words) /
			    sizeof(words[0]))];

			if (cap)
				buf_addc(t, w[0] >= 'a' ? w[0] - 32 : w[0]);
			else
				buf_addc(t, w[0]);
			buf_adds(t, w + 1);
			cap = 0;
			n++;
			if (n > 6 && rng() % 9 == 0) {
				buf_adds(t, rng() % 4 ? ". " : ".\n- ");
				cap = 1;
				n = 0;
			} else
				buf_adds(t, rng() % 11 ? " " : ", ");
		}
		buf_addc(t, '.');
	}
	buf_printf(t, "\n\nMy final verdict is: [[%s]]",
	    verdicts[rng() % 5]);
}

static json_t *
value_of(long i, struct buf *t)
{
	unsigned char key[HASH_LEN];
	char hex[2 * HASH_LEN + 1];

	key_of(i, key);
	hash_hex(key, HASH_LEN, hex);
	judge_text(t);
	return json_pack("{s:i,s:s,s:s,s:s,s:s%,s:s,s:{s:i,s:i,s:i},s:i,s:f}",
	    "v", 1, "key", hex, "api_type", "openai", "model_name",
	    "gpt-4-1106-preview", "text", t->p, t->len, "finish_reason", "stop",
	    "usage", "prompt_tokens", 900 + (int)(i % 700),
	    "completion_tokens", (int)(t->len / 4), "total_tokens",
	    900 + (int)(i % 700) + (int)(t->len / 4), "latency_ms",
	    (int)(3000 + i % 9000), "created", 1717000000.0 + i * 0.731);
}

static int
fill(const char *dir, long n)
{
	struct cache *c;
	struct diag d;
	struct buf t, line;
	struct stat st;
	unsigned char key[HASH_LEN];
	char path[4096];
	double t0, t1, t2;
	long long raw = 0;
	long i;

	c = cache_open(dir, 0, NULL, &d);
	if (c == NULL) {
		fprintf(stderr, "bench-cache: %s\n", d.msg);
		return 1;
	}
	buf_init(&t);
	buf_init(&line);
	rng_state = 42;
	t0 = now();
	for (i = 0; i < n; i++) {
		json_t *v = value_of(i, &t);

		buf_reset(&line);
		jsonw_dump(&line, v, 0);
		raw += (long long)line.len + 1;
		key_of(i, key);
		if (cache_put(c, key, v, NULL, &d) == -1) {
			fprintf(stderr, "bench-cache: %s\n", d.msg);
			return 1;
		}
		json_decref(v);
	}
	t1 = now();
	snprintf(path, sizeof(path), "%s/v1/cache.zst", dir);
	if (stat(path, &st) == -1) {
		perror(path);
		return 1;
	}
	/* It appended n, so closing compacts the file. */
	cache_close(c);
	t2 = now();
	printf("raw_bytes %lld\n", raw);
	printf("single_bytes %lld\n", (long long)st.st_size);
	printf("insert %.2f s (%.0f puts/s, including value generation)\n",
	    t1 - t0, n / (t1 - t0));
	printf("close %.2f s (sync and compaction)\n", t2 - t1);
	buf_release(&t);
	buf_release(&line);
	return 0;
}

static int
bench_read(const char *dir, long n, int shuffle)
{
	struct cache *c;
	struct diag d;
	struct rusage ru;
	unsigned char key[HASH_LEN];
	char *warning;
	long *order, i, j, hits = 0, bad = 0;
	double t0, t1, t2, t3;
	json_t *v;

	order = malloc(n * sizeof(*order));
	for (i = 0; i < n; i++)
		order[i] = i;
	rng_state = 7;
	for (i = shuffle ? n - 1 : 0; i > 0; i--) {
		long tmp = order[i];

		j = (long)(rng() % (uint64_t)(i + 1));
		order[i] = order[j];
		order[j] = tmp;
	}

	t0 = now();
	c = cache_open(dir, CACHE_READONLY, &warning, &d);
	t1 = now();
	if (c == NULL) {
		fprintf(stderr, "bench-cache: %s\n", d.msg);
		return 1;
	}
	if (warning != NULL)
		fprintf(stderr, "bench-cache: warning: %s\n", warning);
	free(warning);
	for (i = 0; i < n; i++) {
		key_of(order[i], key);
		if (cache_get(c, key, &v, &d) == 1) {
			hits++;
			json_decref(v);
		} else
			bad++;
	}
	t2 = now();
	for (i = 0; i < MISSES; i++) {
		key_of(n + 1 + i, key);
		if (cache_get(c, key, &v, &d) != 0)
			bad++;
	}
	t3 = now();
	getrusage(RUSAGE_SELF, &ru);
	printf("entries %zu\n", cache_count(c));
	printf("open %.3f s (scan and verify every entry)\n", t1 - t0);
	printf("get %s %.0f/s (%.1f us each, %ld hits, %ld wrong)\n",
	    shuffle ? "shuffled" : "sequential", n / (t2 - t1),
	    (t2 - t1) / n * 1e6, hits, bad);
	printf("miss %.1f us each (index probe and rescan check)\n",
	    (t3 - t2) / MISSES * 1e6);
	printf("peak_rss %ld KiB\n", ru.ru_maxrss);
	cache_close(c);
	free(order);
	return bad != 0;
}

int
main(int argc, char **argv)
{
	long n;

	n = argc == 4 || argc == 5 ? atol(argv[3]) : 0;
	if (n <= 0)
		goto usage;
	if (strcmp(argv[1], "fill") == 0) {
		short_text = argc == 5 && strcmp(argv[4], "short") == 0;
		if (argc == 5 && !short_text)
			goto usage;
		return fill(argv[2], n);
	}
	if (strcmp(argv[1], "read") == 0) {
		if (argc == 5 && strcmp(argv[4], "sequential") != 0)
			goto usage;
		return bench_read(argv[2], n, argc == 4);
	}
usage:
	fprintf(stderr, "usage: bench-cache fill dir n [short]\n"
	    "       bench-cache read dir n [sequential]\n");
	return 2;
}
