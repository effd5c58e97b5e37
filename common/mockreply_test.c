/* mockreply_test.c: mock-llm's pure reply logic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "grade.h"
#include "mockreply.h"

#define JUDGE_SYS "Please act as an impartial judge."

/* A judge prompt in the v0.1 template with answers a and b. */
static char *
judge_prompt(const char *a, const char *b)
{
	struct buf p;

	buf_init(&p);
	buf_printf(&p, "<|User Prompt|>\nWhat?\n\n"
	    "<|The Start of Assistant A's Answer|>\n%s\n"
	    "<|The End of Assistant A's Answer|>\n\n"
	    "<|The Start of Assistant B's Answer|>\n%s\n"
	    "<|The End of Assistant B's Answer|>", a, b);
	return buf_detach(&p, NULL);
}

static void
build(struct mockreply_request *r, enum mockreply_api api, const char *model,
    const char *user, long long max_tokens, unsigned long long seed)
{
	struct request_message m[2] = {
		{ "system", JUDGE_SYS, sizeof(JUDGE_SYS) - 1 },
		{ "user", user, strlen(user) },
	};
	json_t *params = json_pack("{s:f,s:I}", "temperature", 0.0,
	    "max_tokens", (json_int_t)max_tokens);

	mockreply_request_build(r, api, model, m, 2, params, seed);
	json_decref(params);
}

/* The reply text of a response body (either API). */
static char *
reply_text(const char *body, const char **finish)
{
	json_t *v = json_loads(body, 0, NULL), *t;
	char *s;

	assert_non_null(v);
	t = json_object_get(v, "choices");
	if (t != NULL) {
		t = json_array_get(t, 0);
		*finish = json_string_value(json_object_get(t,
		    "finish_reason"));
		t = json_object_get(json_object_get(t, "message"), "content");
	} else {
		*finish = json_string_value(json_object_get(v,
		    "stop_reason"));
		t = json_object_get(json_array_get(json_object_get(v,
		    "content"), 0), "text");
	}
	assert_true(json_is_string(t));
	s = strdup(json_string_value(t));
	*finish = *finish != NULL && (strcmp(*finish, "length") == 0 ||
	    strcmp(*finish, "max_tokens") == 0) ? "cut" : "whole";
	json_decref(v);
	return s;
}

static void
test_mockreply_determinism(void **state)
{
	struct mockreply_config c;
	struct mockreply_request r1, r2, r3;
	struct mockreply_result x1, x2, x3;
	struct buf b1, b2, b3;

	mockreply_config_init(&c);
	build(&r1, MOCKREPLY_OPENAI, "gpt-x", "Tell me a story.", 4096, 0);
	build(&r2, MOCKREPLY_OPENAI, "gpt-x", "Tell me a story.", 4096, 0);
	build(&r3, MOCKREPLY_OPENAI, "gpt-x", "Tell me a story.", 4096, 1);
	buf_init(&b1);
	buf_init(&b2);
	buf_init(&b3);
	mockreply_respond(&c, &r1, 0, 1000, &x1, &b1);
	mockreply_respond(&c, &r2, 5, 1000, &x2, &b2);
	c.seed = 1;
	mockreply_respond(&c, &r3, 0, 1000, &x3, &b3);
	assert_memory_equal(r1.h, r2.h, HASH_LEN);
	assert_string_equal(b1.p, b2.p);
	assert_memory_not_equal(r1.h, r3.h, HASH_LEN);
	assert_string_not_equal(b1.p, b3.p);
	assert_int_equal(x1.status, 200);
	assert_int_equal(x1.kind, MOCKREPLY_KIND_ANSWER);
	assert_int_equal(x1.fault, MOCKREPLY_FAULT_NONE);
	assert_null(x1.verdict);
	assert_true(strncmp(b1.p, "{\"id\": \"mock-", 13) == 0);
	assert_non_null(strstr(b1.p, "\"object\": \"chat.completion\", "
	    "\"created\": 1000, \"model\": \"gpt-x\", \"choices\": "
	    "[{\"index\": 0, \"message\": {\"role\": \"assistant\", "
	    "\"content\": "
	    "\"Mock answer from gpt-x ("));
	buf_release(&b1);
	buf_release(&b2);
	buf_release(&b3);
	mockreply_request_release(&r1);
	mockreply_request_release(&r2);
	mockreply_request_release(&r3);
	mockreply_config_release(&c);
}

/* h = SHA-256(seed "\n" canonical form with no endpoints). */
static void
test_mockreply_hash_preimage(void **state)
{
	const char *body = "{\"model\": \"m\", \"temperature\": 0, "
	    "\"max_tokens\": 16, \"top_p\": 1.0, \"system\": \"S\", "
	    "\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": "
	    "\"text\", \"text\": \"a\"}, {\"type\": \"text\", \"text\": "
	    "\"b\"}]}], \"stream\": false}";
	const char *want = "42\n[\"judgepipe-cache-v1\",\"anthropic\",[],\"m\","
	    "{\"max_tokens\":16,\"temperature\":0.0,\"top_p\":1.0},"
	    "[[\"system\",\"S\"],[\"user\",\"ab\"]]]";
	struct mockreply_request r;
	unsigned char h[HASH_LEN];
	struct diag d;

	assert_int_equal(mockreply_request_parse(&r, MOCKREPLY_ANTHROPIC,
	    body, strlen(body), 42, &d), 0);
	hash_sha256(want, strlen(want), h);
	assert_memory_equal(r.h, h, HASH_LEN);
	assert_int_equal(r.max_tokens, 16);
	assert_string_equal(r.messages[0].role, "system");
	mockreply_request_release(&r);

	/* The same body to OpenAI keeps "system" as a parameter. */
	assert_int_equal(mockreply_request_parse(&r, MOCKREPLY_OPENAI,
	    body, strlen(body), 42, &d), 0);
	assert_int_equal(r.n_messages, 1);
	assert_non_null(json_object_get(r.params, "system"));
	assert_memory_not_equal(r.h, h, HASH_LEN);
	mockreply_request_release(&r);
}

static void
test_mockreply_parse_errors(void **state)
{
	static const char *const bad[] = {
		"not json",
		"[1]",
		"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
		"{\"model\": \"m\", \"messages\": []}",
		"{\"model\": \"m\", \"messages\": [{\"content\": \"x\"}]}",
		"{\"model\": \"m\", \"stream\": true, \"messages\": "
		    "[{\"role\": \"user\", \"content\": \"x\"}]}",
		"{\"model\": \"m\", \"max_tokens\": \"9\", \"messages\": "
		    "[{\"role\": \"user\", \"content\": \"x\"}]}",
		"{\"model\": \"m\", \"messages\": [{\"role\": \"user\", "
		    "\"content\": 5}]}",
	};
	struct mockreply_request r;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		diag_clear(&d);
		assert_int_equal(mockreply_request_parse(&r, MOCKREPLY_OPENAI,
		    bad[i], strlen(bad[i]), 0, &d), -1);
		assert_int_equal(d.code, 400);
		mockreply_request_release(&r);
	}
	diag_clear(&d);
	assert_int_equal(mockreply_request_parse(&r, MOCKREPLY_OPENAI,
	    bad[5], strlen(bad[5]), 0, &d), -1);
	assert_non_null(strstr(d.msg, "stream"));
	mockreply_request_release(&r);
}

static const char *
length_verdict(const char *a, const char *b)
{
	struct mockreply_config c;
	unsigned char h[HASH_LEN] = { 0 };
	const char *v;

	mockreply_config_init(&c);
	v = mockreply_verdict(&c, h, a, strlen(a), b, strlen(b));
	mockreply_config_release(&c);
	return v;
}

static void
test_mockreply_length_policy(void **state)
{
	const char *ten = "aaaaaaaaaa";

	assert_string_equal(length_verdict("aaaaaaaaaaaaaaa", ten), "A>>B");
	assert_string_equal(length_verdict("aaaaaaaaaaaaaa", ten), "A>B");
	assert_string_equal(length_verdict("aaaaaaaaaaa", ten), "A>B");
	assert_string_equal(length_verdict(ten, ten), "A=B");
	assert_string_equal(length_verdict("aaaaaaaaaaaaaaaaaaaa",
	    "aaaaaaaaaaaaaaaaaaa"), "A=B");
	assert_string_equal(length_verdict(ten, "aaaaaaaaaaa"), "B>A");
	assert_string_equal(length_verdict(ten, "aaaaaaaaaaaaaa"), "B>A");
	assert_string_equal(length_verdict(ten, "aaaaaaaaaaaaaaa"), "B>>A");
	assert_string_equal(length_verdict("aa", "aaa"), "B>>A");
	assert_string_equal(length_verdict("", ""), "A=B");
	assert_string_equal(length_verdict("", "a"), "A=B");
	assert_string_equal(length_verdict("", "aa"), "B>>A");
	/* Code points, not bytes: 15 two-byte characters against 10. */
	assert_string_equal(length_verdict("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", ten), "A=B");
}

static char *
mock_answer(const char *model)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "Mock answer from %s (0123abcd).\n\nSome words.",
	    model);
	return buf_detach(&b, NULL);
}

/* Count labels over many hashes for answers of models ma and mb. */
static void
strength_counts(struct mockreply_config *c, const char *ma, const char *mb,
    int counts[5])
{
	static const char *const labels[5] = {
		"A>>B", "A>B", "A=B", "B>A", "B>>A",
	};
	char *a = mock_answer(ma), *b = mock_answer(mb);
	unsigned char h[HASH_LEN];
	unsigned i;
	int k;

	memset(counts, 0, 5 * sizeof(int));
	for (i = 0; i < 2000; i++) {
		const char *v;

		hash_sha256(&i, sizeof(i), h);
		v = mockreply_verdict(c, h, a, strlen(a), b, strlen(b));
		for (k = 0; k < 5; k++)
			if (strcmp(v, labels[k]) == 0)
				counts[k]++;
	}
	assert_int_equal(counts[0] + counts[1] + counts[2] + counts[3] +
	    counts[4], 2000);
	free(a);
	free(b);
}

static void
test_mockreply_strength_policy(void **state)
{
	struct mockreply_config c;
	struct diag d;
	int n[5];

	mockreply_config_init(&c);
	assert_int_equal(mockreply_parse_policy(&c, "strength", &d), 0);
	assert_int_equal(mockreply_parse_strength(&c, "strong=5000", &d), 0);
	assert_int_equal(mockreply_parse_strength(&c, "mid=100", &d), 0);
	assert_int_equal(mockreply_parse_strength(&c, "odd=name=50", &d), 0);
	assert_string_equal(c.strength[2].model, "odd=name");

	/* Overwhelming strength: A wins by >> except the 10 % ties. */
	strength_counts(&c, "strong", "weak", n);
	assert_int_equal(n[1] + n[3] + n[4], 0);
	assert_in_range(n[2], 140, 260);
	strength_counts(&c, "weak", "strong", n);
	assert_int_equal(n[0] + n[1] + n[3], 0);
	assert_in_range(n[2], 140, 260);

	/* Equal strength (unknown models are 0): no >>, both sides win. */
	strength_counts(&c, "x", "y", n);
	assert_int_equal(n[0] + n[4], 0);
	assert_in_range(n[1], 800, 1000);
	assert_in_range(n[3], 800, 1000);

	/* 100 points apart: A wins about 64 % of decided games. */
	strength_counts(&c, "mid", "unknown", n);
	assert_int_equal(n[0] + n[4], 0);
	assert_in_range(n[1], 1040, 1260);

	/* A position bias of 5000 makes A win every decided game. */
	c.position_bias = 5000;
	strength_counts(&c, "x", "y", n);
	assert_int_equal(n[3] + n[4] + n[0], 0);

	/* Equal known strengths. */
	c.position_bias = 0;
	strength_counts(&c, "strong", "strong", n);
	assert_int_equal(n[0] + n[4], 0);
	mockreply_config_release(&c);
}

static void
test_mockreply_position_and_hash_policy(void **state)
{
	static const char *const labels[5] = {
		"A>>B", "A>B", "A=B", "B>A", "B>>A",
	};
	struct mockreply_config c;
	unsigned char h[HASH_LEN];
	struct diag d;
	unsigned i, j, sum;
	int seen[5] = { 0 };

	mockreply_config_init(&c);
	assert_int_equal(mockreply_parse_policy(&c, "position", &d), 0);
	for (i = 0; i < 50; i++) {
		hash_sha256(&i, sizeof(i), h);
		assert_string_equal(mockreply_verdict(&c, h, "a", 1,
		    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 33), "A>B");
	}
	assert_int_equal(mockreply_parse_policy(&c, "hash", &d), 0);
	for (i = 0; i < 200; i++) {
		const char *v;

		hash_sha256(&i, sizeof(i), h);
		/* 256 = 1 (mod 5), so h mod 5 is its byte sum mod 5. */
		for (sum = 0, j = 0; j < HASH_LEN; j++)
			sum += h[j];
		v = mockreply_verdict(&c, h, "a", 1, "b", 1);
		assert_string_equal(v, labels[sum % 5]);
		seen[sum % 5] = 1;
	}
	assert_int_equal(seen[0] + seen[1] + seen[2] + seen[3] + seen[4], 5);
	assert_int_equal(mockreply_parse_policy(&c, "random", &d), -1);
	assert_int_equal(d.code, EX_USAGE);
	mockreply_config_release(&c);
}

static void
test_mockreply_judge_reply(void **state)
{
	struct mockreply_config c;
	struct mockreply_request r;
	struct buf t;
	const char *v, *a, *b;
	size_t alen, blen;
	char *p = judge_prompt("short", "a much longer answer here");
	char *q;

	mockreply_config_init(&c);
	build(&r, MOCKREPLY_OPENAI, "judge", p, 4096, 0);
	assert_int_equal(mockreply_judge_texts(&r, &a, &alen, &b, &blen), 1);
	assert_int_equal(alen, 5);
	assert_memory_equal(a, "short", 5);
	assert_int_equal(blen, 25);
	buf_init(&t);
	assert_int_equal(mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v),
	    MOCKREPLY_KIND_JUDGE);
	assert_string_equal(v, "B>>A");
	assert_true(strncmp(t.p, "Mock judgment (", 15) == 0);
	q = strstr(t.p, ").\n\nAssistant A: 5 characters; Assistant B: 25 "
	    "characters.\n\nMy final verdict is: [[B>>A]]");
	assert_non_null(q);
	assert_int_equal(q - t.p, 23);
	assert_int_equal(strlen(q), strlen(").\n\nAssistant A: 5 characters; "
	    "Assistant B: 25 characters.\n\nMy final verdict is: [[B>>A]]"));

	/* noverdict: no label at all. */
	buf_reset(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_NOVERDICT, &t, &v);
	assert_null(v);
	assert_null(strstr(t.p, "[["));

	/* conflict: two different labels. */
	buf_reset(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_CONFLICT, &t, &v);
	assert_null(v);
	q = strstr(t.p, "[[B>>A]]");
	assert_non_null(q);
	assert_non_null(strstr(q + 8, "[[A>>B]]"));
	buf_release(&t);
	mockreply_request_release(&r);
	free(p);
	mockreply_config_release(&c);
}

static void
test_mockreply_continue_message(void **state)
{
	char *p = judge_prompt("aaaaaaaaaaaaaaaaaaaa", "b");
	struct request_message m[4] = {
		{ "system", JUDGE_SYS, sizeof(JUDGE_SYS) - 1 },
		{ "user", p, strlen(p) },
		{ "assistant", "thinking...", 11 },
		{ "user", MOCKREPLY_CONTINUE, sizeof(MOCKREPLY_CONTINUE) - 1 },
	};
	struct mockreply_config c;
	struct mockreply_request r;
	const char *a, *b, *v;
	size_t alen, blen;
	struct buf t;

	mockreply_config_init(&c);
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "judge", m, 4, NULL, 0);
	assert_int_equal(mockreply_judge_texts(&r, &a, &alen, &b, &blen), 1);
	assert_int_equal(alen, 20);
	assert_int_equal(blen, 1);
	buf_init(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v);
	assert_string_equal(v, "A>>B");
	mockreply_request_release(&r);

	/* A continue message without a judge prompt is an answer request. */
	m[1].content = "hello";
	m[1].len = 5;
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "judge", m, 4, NULL, 0);
	assert_int_equal(mockreply_judge_texts(&r, &a, &alen, &b, &blen), 0);
	buf_reset(&t);
	assert_int_equal(mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v),
	    MOCKREPLY_KIND_ANSWER);
	assert_null(v);
	/* Only one marker: not judge-style either. */
	mockreply_request_release(&r);
	m[3].content = "<|The Start of Assistant A's Answer|>x";
	m[3].len = strlen(m[3].content);
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "judge", m, 4, NULL, 0);
	assert_int_equal(mockreply_judge_texts(&r, &a, &alen, &b, &blen), 0);
	mockreply_request_release(&r);
	buf_release(&t);
	free(p);
	mockreply_config_release(&c);
}

static void
test_mockreply_answer_shape(void **state)
{
	struct mockreply_config c;
	struct mockreply_request r;
	struct buf t, longer;
	const char *v, *s;
	char model[32], head[64];
	int i, seen_feat = 0;
	struct diag d;

	mockreply_config_init(&c);
	buf_init(&t);
	buf_init(&longer);
	for (i = 0; i < 64; i++) {
		unsigned npar, feat, blocks = 0;

		snprintf(model, sizeof(model), "model-%d", i);
		build(&r, MOCKREPLY_OPENAI, model, "Hello?", 100000, 7);
		buf_reset(&t);
		mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v);
		npar = 1 + r.h[0] % 6;
		feat = r.h[1];
		snprintf(head, sizeof(head), "Mock answer from %s (%02x%02x"
		    "%02x%02x).", model, r.h[0], r.h[1], r.h[2], r.h[3]);
		assert_true(strncmp(t.p, head, strlen(head)) == 0);
		assert_int_equal(strstr(t.p, "\n## ") != NULL, (feat & 1) != 0);
		assert_int_equal(strstr(t.p, "\n- ") != NULL, (feat & 2) != 0);
		assert_int_equal(strstr(t.p, "**") != NULL, (feat & 4) != 0);
		assert_int_equal(strstr(t.p, "\n```\n") != NULL,
		    (feat & 8) != 0);
		seen_feat |= feat & 15;
		/* Paragraphs: blocks that end in '.' after the title line. */
		for (s = t.p; (s = strstr(s, "\n\n")) != NULL; s += 2)
			if (s[2] >= 'A' && s[2] <= 'Z')
				blocks++;
		assert_int_equal(blocks, npar);
		mockreply_request_release(&r);
	}
	assert_int_equal(seen_feat, 15);

	/* --verbosity scales the word counts. */
	build(&r, MOCKREPLY_OPENAI, "m", "Hello?", 100000, 7);
	buf_reset(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v);
	assert_int_equal(mockreply_parse_verbosity(&c, "m=3", &d), 0);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &longer, &v);
	assert_true(longer.len > 2 * t.len);
	assert_int_equal(mockreply_parse_verbosity(&c, "m=-1", &d), -1);
	mockreply_request_release(&r);
	buf_release(&t);
	buf_release(&longer);
	mockreply_config_release(&c);
}

static void
test_mockreply_tokens(void **state)
{
	struct request_message m[3] = {
		{ "system", "", 0 },
		{ "user", "12345", 5 },
		{ "assistant", "1234", 4 },
	};
	struct mockreply_config c;
	struct mockreply_request r;
	struct mockreply_result x;
	struct buf b;
	json_t *v, *u;
	const char *text;

	assert_int_equal(mockreply_tokens(0), 0);
	assert_int_equal(mockreply_tokens(1), 1);
	assert_int_equal(mockreply_tokens(4), 1);
	assert_int_equal(mockreply_tokens(5), 2);
	assert_int_equal(mockreply_tokens(400), 100);
	mockreply_config_init(&c);
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "m", m, 3, NULL, 0);
	buf_init(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	v = json_loads(b.p, 0, NULL);
	assert_non_null(v);
	u = json_object_get(v, "usage");
	/* 1 (empty counts as 1) + 2 + 1. */
	assert_int_equal(json_integer_value(json_object_get(u,
	    "prompt_tokens")), 4);
	text = json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(v, "choices"), 0), "message"),
	    "content"));
	assert_int_equal(json_integer_value(json_object_get(u,
	    "completion_tokens")), (strlen(text) + 3) / 4);
	assert_int_equal(json_integer_value(json_object_get(u,
	    "total_tokens")), 4 + (strlen(text) + 3) / 4);
	json_decref(v);
	mockreply_request_release(&r);

	/* Anthropic usage names. */
	mockreply_request_build(&r, MOCKREPLY_ANTHROPIC, "m", m, 3, NULL, 0);
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	assert_true(strncmp(b.p, "{\"id\": \"msg_mock", 16) == 0);
	v = json_loads(b.p, 0, NULL);
	u = json_object_get(v, "usage");
	assert_int_equal(json_integer_value(json_object_get(u,
	    "input_tokens")), 4);
	assert_non_null(json_object_get(u, "output_tokens"));
	assert_string_equal(json_string_value(json_object_get(v,
	    "stop_reason")), "end_turn");
	assert_string_equal(json_string_value(json_object_get(v, "type")),
	    "message");
	json_decref(v);
	mockreply_request_release(&r);
	buf_release(&b);
	mockreply_config_release(&c);
}

static void
test_mockreply_truncation(void **state)
{
	/* "Mock answer from x" is 18 bytes, then two 3-byte characters. */
	const char *model = "x\xeb\xaa\xa8\xeb\x8d\xb8";
	struct mockreply_config c;
	struct mockreply_request r;
	struct mockreply_result x;
	const char *fin;
	struct buf b;
	char *text;
	json_t *v;

	assert_int_equal(mockreply_cut("ab\xc3\xa9", 4, 3), 2);
	assert_int_equal(mockreply_cut("ab\xc3\xa9", 4, 4), 4);
	assert_int_equal(mockreply_cut("ab\xc3\xa9", 4, 9), 4);
	assert_int_equal(mockreply_cut("\xf0\x9f\x98\x80x", 5, 3), 0);
	mockreply_config_init(&c);
	build(&r, MOCKREPLY_OPENAI, model, "Hello?", 5, 0);
	buf_init(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	text = reply_text(b.p, &fin);
	assert_string_equal(fin, "cut");
	/* 20 bytes allowed: the first character would end at 21. */
	assert_int_equal(strlen(text), 18);
	assert_string_equal(text + 17, "x");
	assert_int_equal(x.text_len, 18);
	v = json_loads(b.p, 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v,
	    "usage"), "completion_tokens")), 5);
	json_decref(v);
	free(text);
	mockreply_request_release(&r);

	/* Anthropic: stop_reason max_tokens; a cut judgment has no verdict. */
	text = judge_prompt("x", "y");
	build(&r, MOCKREPLY_ANTHROPIC, "j", text, 10, 0);
	free(text);
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	text = reply_text(b.p, &fin);
	assert_string_equal(fin, "cut");
	assert_null(x.verdict);
	free(text);
	mockreply_request_release(&r);

	/* max_tokens large enough: whole. */
	build(&r, MOCKREPLY_OPENAI, model, "Hello?", 100000, 0);
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	text = reply_text(b.p, &fin);
	assert_string_equal(fin, "whole");
	free(text);
	mockreply_request_release(&r);
	buf_release(&b);
	mockreply_config_release(&c);
}

static void
test_mockreply_fault_draws(void **state)
{
	struct mockreply_config c;
	unsigned char h[HASH_LEN], h2[HASH_LEN];
	unsigned long long n;
	int fired = 0, same = 0, k;
	struct diag d;

	hash_sha256("x", 1, h);
	hash_sha256("y", 1, h2);
	for (n = 0; n < 1000; n++) {
		int a = mockreply_fault_fires(3, h, n, MOCKREPLY_FAULT_500,
		    0.3);

		assert_int_equal(a, mockreply_fault_fires(3, h, n,
		    MOCKREPLY_FAULT_500, 0.3));
		fired += a;
		same += a == mockreply_fault_fires(3, h, n,
		    MOCKREPLY_FAULT_503, 0.3);
		assert_false(mockreply_fault_fires(3, h, n,
		    MOCKREPLY_FAULT_500, 0));
		assert_true(mockreply_fault_fires(3, h, n,
		    MOCKREPLY_FAULT_500, 1));
	}
	assert_in_range(fired, 240, 360);
	assert_in_range(same, 500, 680);	/* independent draws */

	mockreply_config_init(&c);
	assert_int_equal(mockreply_parse_fault(&c, "reset=1", &d), 0);
	assert_int_equal(mockreply_parse_fault(&c, "429=0.5", &d), 0);
	assert_int_equal(mockreply_parse_fault(&c, "noverdict=1", &d), 0);
	/* Order: 429 before reset, so about half are 429, the rest reset. */
	for (n = 0, fired = 0; n < 400; n++) {
		enum mockreply_fault f = mockreply_fault_pick(&c, h, n, 0);

		assert_true(f == MOCKREPLY_FAULT_429 ||
		    f == MOCKREPLY_FAULT_RESET);
		fired += f == MOCKREPLY_FAULT_429;
		assert_int_equal(f, mockreply_fault_pick(&c, h, n, 0));
	}
	assert_in_range(fired, 150, 250);
	c.fault_rate[MOCKREPLY_FAULT_429] = 0;
	c.fault_rate[MOCKREPLY_FAULT_RESET] = 0;
	/* noverdict only fires on judge requests. */
	assert_int_equal(mockreply_fault_pick(&c, h, 0, 0),
	    MOCKREPLY_FAULT_NONE);
	assert_int_equal(mockreply_fault_pick(&c, h, 0, 1),
	    MOCKREPLY_FAULT_NOVERDICT);
	c.fault_rate[MOCKREPLY_FAULT_NOVERDICT] = 0;

	/* --fail-first 2 (=500), then success; =KIND picks the kind. */
	assert_int_equal(mockreply_parse_fail_first(&c, "2", &d), 0);
	assert_int_equal(mockreply_fault_pick(&c, h2, 0, 0),
	    MOCKREPLY_FAULT_500);
	assert_int_equal(mockreply_fault_pick(&c, h2, 1, 0),
	    MOCKREPLY_FAULT_500);
	assert_int_equal(mockreply_fault_pick(&c, h2, 2, 0),
	    MOCKREPLY_FAULT_NONE);
	assert_int_equal(mockreply_parse_fail_first(&c, "1=truncate", &d), 0);
	assert_int_equal(mockreply_fault_pick(&c, h2, 0, 0),
	    MOCKREPLY_FAULT_TRUNCATE);
	assert_int_equal(mockreply_parse_fail_first(&c, "1=conflict", &d), 0);
	assert_int_equal(mockreply_fault_pick(&c, h2, 0, 0),
	    MOCKREPLY_FAULT_NONE);
	assert_int_equal(mockreply_fault_pick(&c, h2, 0, 1),
	    MOCKREPLY_FAULT_CONFLICT);

	/* Bad option values. */
	assert_int_equal(mockreply_parse_fault(&c, "bogus=0.1", &d), -1);
	assert_int_equal(mockreply_parse_fault(&c, "500=1.5", &d), -1);
	assert_int_equal(mockreply_parse_fault(&c, "500", &d), -1);
	assert_int_equal(mockreply_parse_fail_first(&c, "x", &d), -1);
	assert_int_equal(mockreply_parse_fail_first(&c, "2=nope", &d), -1);
	assert_int_equal(mockreply_parse_latency(&c, "5:2", &d), -1);
	assert_int_equal(mockreply_parse_latency(&c, "2:5", &d), 0);
	assert_int_equal(c.latency_min_ms, 2);
	assert_int_equal(c.latency_max_ms, 5);
	for (k = 0; k < MOCKREPLY_NFAULTS; k++)
		assert_non_null(mockreply_fault_name((enum mockreply_fault)k));
	assert_null(mockreply_fault_name(MOCKREPLY_FAULT_NONE));
	mockreply_config_release(&c);
}

static void
test_mockreply_fault_responses(void **state)
{
	struct mockreply_config c;
	struct mockreply_request r;
	struct mockreply_result x;
	struct buf b;
	json_t *v;

	mockreply_config_init(&c);
	c.fail_first = 1;
	c.fail_first_kind = MOCKREPLY_FAULT_429;
	c.retry_after_s = 7;
	c.latency_min_ms = 10;
	c.latency_max_ms = 20;
	build(&r, MOCKREPLY_ANTHROPIC, "m", "hi", 100, 0);
	buf_init(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	assert_int_equal(x.status, 429);
	assert_int_equal(x.retry_after_s, 7);
	assert_in_range(x.delay_ms, 10, 20);
	v = json_loads(b.p, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(v, "type")),
	    "error");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(v, "error"), "type")), "rate_limit_error");
	json_decref(v);
	mockreply_request_release(&r);

	c.fail_first_kind = MOCKREPLY_FAULT_RESET;
	build(&r, MOCKREPLY_OPENAI, "m", "hi", 100, 0);
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	assert_int_equal(x.action, MOCKREPLY_RESET);
	c.fail_first_kind = MOCKREPLY_FAULT_SLOW;
	c.slow_ms = 1000;
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	assert_int_equal(x.status, 200);
	assert_in_range(x.delay_ms, 1010, 1020);
	c.fail_first_kind = MOCKREPLY_FAULT_503;
	buf_reset(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	assert_int_equal(x.status, 503);
	v = json_loads(b.p, 0, NULL);
	assert_non_null(json_object_get(json_object_get(v, "error"),
	    "message"));
	json_decref(v);
	buf_reset(&b);
	mockreply_respond(&c, &r, 1, 1, &x, &b);
	assert_int_equal(x.status, 200);
	assert_int_equal(x.fault, MOCKREPLY_FAULT_NONE);
	mockreply_request_release(&r);
	buf_release(&b);
	mockreply_config_release(&c);
}

/* FastChat's single-grading prompts, turn 1 and turn 2. */
static char *
grade_prompt1(const char *answer)
{
	struct buf p;

	buf_init(&p);
	buf_printf(&p, "[Instruction]\nRate it.\n\n[Question]\nWhat?\n\n"
	    "[The Start of Assistant's Answer]\n%s\n"
	    "[The End of Assistant's Answer]", answer);
	return buf_detach(&p, NULL);
}

static char *
grade_prompt2(const char *a1, const char *a2)
{
	struct buf p;

	buf_init(&p);
	buf_printf(&p, "<|The Start of Reference Answer|>\n\n### User:\nQ1\n\n"
	    "### Reference answer:\nR1\n\n<|The End of Reference Answer|>"
	    "\n\n\n<|The Start of Assistant A's Conversation with User|>\n\n"
	    "### User:\nQ1\n\n### Assistant A:\n%s\n\n### User:\nQ2\n\n"
	    "### Assistant A:\n%s\n\n"
	    "<|The End of Assistant A's Conversation with User|>", a1, a2);
	return buf_detach(&p, NULL);
}

/* The mean rating of "Mock answer from <model>" over 300 requests. */
static double
mean_rating(const struct mockreply_config *c, const char *model)
{
	struct mockreply_request r;
	struct buf a;
	double sum = 0;
	int i;

	buf_init(&a);
	for (i = 0; i < 300; i++) {
		char *p;

		buf_reset(&a);
		buf_printf(&a, "Mock answer from %s (%08x).\n\nText.", model,
		    i);
		p = grade_prompt1(a.p);
		build(&r, MOCKREPLY_OPENAI, "judge", p, 100, 1);
		sum += atoi(mockreply_rating(c, r.h, a.p, a.len));
		mockreply_request_release(&r);
		free(p);
	}
	buf_release(&a);
	return sum / 300;
}

static void
test_mockreply_grade_reply(void **state)
{
	char *p1 = grade_prompt1("twelve chars"), *p2;
	struct request_message m[4] = {
		{ "system", "You are a helpful assistant.", 28 },
		{ "user", p1, strlen(p1) },
		{ "assistant", "hmm", 3 },
		{ "user", MOCKREPLY_GRADE_CONTINUE,
		    sizeof(MOCKREPLY_GRADE_CONTINUE) - 1 },
	};
	struct mockreply_config c;
	struct mockreply_request r;
	const char *ans, *v;
	size_t len;
	struct buf t;
	double weak, mid, strong;
	struct diag d0;
	json_t *rating;

	/* The mock knows grade.h's continue message. */
	assert_string_equal(MOCKREPLY_GRADE_CONTINUE, GRADE_CONTINUE);
	mockreply_config_init(&c);
	buf_init(&t);
	build(&r, MOCKREPLY_OPENAI, "judge", p1, 100, 0);
	assert_int_equal(mockreply_grade_text(&r, &ans, &len), 1);
	assert_int_equal(len, 12);
	assert_memory_equal(ans, "twelve chars", 12);
	assert_int_equal(mockreply_text(&c, &r, MOCKREPLY_FAULT_NONE, &t, &v),
	    MOCKREPLY_KIND_GRADE);
	/* The length policy: 1 + log2(1 + 12 / 64) = 1. */
	assert_string_equal(v, "1");
	assert_non_null(strstr(t.p, "Rating: [[1]]"));
	/* FastChat's reader finds the rating. */
	rating = grade_rating(t.p, t.len);
	assert_int_equal(json_integer_value(rating), 1);
	json_decref(rating);
	mockreply_request_release(&r);

	/* After the continue message the first prompt is graded. */
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "judge", m, 4, NULL, 0);
	assert_int_equal(mockreply_grade_text(&r, &ans, &len), 1);
	assert_int_equal(len, 12);
	mockreply_request_release(&r);

	/* Turn 2: the last turn of Assistant A's conversation. */
	p2 = grade_prompt2("first", "the second turn");
	build(&r, MOCKREPLY_OPENAI, "judge", p2, 100, 0);
	assert_int_equal(mockreply_grade_text(&r, &ans, &len), 1);
	assert_int_equal(len, 15);
	assert_memory_equal(ans, "the second turn", 15);
	/* noverdict: no rating; conflict: two, the first is read. */
	buf_reset(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_NOVERDICT, &t, &v);
	assert_null(v);
	assert_null(grade_rating(t.p, t.len));
	buf_reset(&t);
	mockreply_text(&c, &r, MOCKREPLY_FAULT_CONFLICT, &t, &v);
	assert_null(v);
	rating = grade_rating(t.p, t.len);
	assert_int_equal(json_integer_value(rating), 1);
	json_decref(rating);
	mockreply_request_release(&r);

	/* A pairwise prompt is not a grading. */
	free(p2);
	p2 = judge_prompt("a", "b");
	build(&r, MOCKREPLY_OPENAI, "judge", p2, 100, 0);
	assert_int_equal(mockreply_grade_text(&r, &ans, &len), 0);
	mockreply_request_release(&r);

	/* The strength policy: ratings follow the models' strengths. */
	assert_int_equal(mockreply_parse_policy(&c, "strength", &d0), 0);
	assert_int_equal(mockreply_parse_strength(&c, "weak=-300", &d0), 0);
	assert_int_equal(mockreply_parse_strength(&c, "strong=300", &d0), 0);
	weak = mean_rating(&c, "weak");
	mid = mean_rating(&c, "unknown");
	strong = mean_rating(&c, "strong");
	assert_true(weak < mid - 1 && mid < strong - 1);
	assert_true(mid > 5 && mid < 6);
	/* position: always 5; hash: 1 .. 10. */
	c.policy = MOCKREPLY_POLICY_POSITION;
	assert_string_equal(mockreply_rating(&c, r.h, "x", 1), "5");
	buf_release(&t);
	free(p1);
	free(p2);
	mockreply_config_release(&c);
}

/* With a tokenizer, usage is counted in cl100k tokens as OpenAI does. */
static void
test_mockreply_usage_cl100k(void **state)
{
	static const struct request_message m[] = {
		{ "system", "You are a judge.", 16 },
		{ "user", "hello world", 11 },
	};
	struct mockreply_config c;
	struct mockreply_request r;
	struct mockreply_result x;
	struct tok_encoder *t;
	struct diag d;
	struct buf b;
	json_t *v, *u;
	const char *text;

	if ((t = tok_load("data/tokenizer/" TOK_FILE_NAME, &d)) == NULL)
		skip();
	mockreply_config_init(&c);
	c.tokenizer = t;
	mockreply_request_build(&r, MOCKREPLY_OPENAI, "m", m, 2, NULL, 0);
	buf_init(&b);
	mockreply_respond(&c, &r, 0, 1, &x, &b);
	v = json_loads(b.p, 0, NULL);
	assert_non_null(v);
	u = json_object_get(v, "usage");
	assert_int_equal(json_integer_value(json_object_get(u,
	    "prompt_tokens")), 18);
	text = json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(v, "choices"), 0), "message"),
	    "content"));
	assert_int_equal(json_integer_value(json_object_get(u,
	    "completion_tokens")), tok_count(t, text, strlen(text)));
	json_decref(v);
	mockreply_request_release(&r);
	buf_release(&b);
	tok_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mockreply_determinism),
		cmocka_unit_test(test_mockreply_hash_preimage),
		cmocka_unit_test(test_mockreply_parse_errors),
		cmocka_unit_test(test_mockreply_length_policy),
		cmocka_unit_test(test_mockreply_strength_policy),
		cmocka_unit_test(test_mockreply_position_and_hash_policy),
		cmocka_unit_test(test_mockreply_judge_reply),
		cmocka_unit_test(test_mockreply_continue_message),
		cmocka_unit_test(test_mockreply_grade_reply),
		cmocka_unit_test(test_mockreply_answer_shape),
		cmocka_unit_test(test_mockreply_tokens),
		cmocka_unit_test(test_mockreply_truncation),
		cmocka_unit_test(test_mockreply_fault_draws),
		cmocka_unit_test(test_mockreply_fault_responses),
		cmocka_unit_test(test_mockreply_usage_cl100k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
