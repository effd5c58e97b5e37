/* page_test.c: templates: includes, escaped values, the CSP hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "asset.h"
#include "page.h"

static int
render(struct buf *b, const char *tmpl, const struct page_value *v,
    size_t n)
{
	struct diag d;

	diag_clear(&d);
	return page_render(b, "t.html", tmpl, strlen(tmpl), v, n, &d);
}

static void
test_page_values_escaped(void **state)
{
	const char *name = "<b onclick=\"x\">&</b>";
	const char *json = "{\"a\":\"</script>\"}";
	struct page_value v[] = {
		{ "name", name, strlen(name) },
		{ "data", json, strlen(json) },
	};
	struct buf b;

	buf_init(&b);
	assert_int_equal(render(&b, "<h1>{{text name}}</h1><p title=\""
	    "{{attr name}}\"></p><script type=\"application/json\">"
	    "{{json data}}</script> {{ not a directive", v, 2), 0);
	assert_string_equal(b.p, "<h1>&lt;b onclick=&quot;x&quot;&gt;&amp;"
	    "&lt;/b&gt;</h1><p title=\"&lt;b onclick=&quot;x&quot;&gt;&amp;"
	    "&lt;/b&gt;\"></p><script type=\"application/json\">"
	    "{\"a\":\"\\u003c/script\\u003e\"}</script> {{ not a directive");
	buf_release(&b);
}

static void
test_page_bad_directives(void **state)
{
	struct page_value v[] = { { "k", "v", 1 } };
	static const char *bad[] = {
		"{{text nokey}}", "{{include no-such.js}}", "{{shout k}}",
		"{{text}}",
	};
	struct diag d;
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		diag_clear(&d);
		assert_int_equal(page_render(&b, "t.html", bad[i],
		    strlen(bad[i]), v, 1, &d), -1);
		assert_int_equal(d.code, EX_SOFTWARE);
		assert_non_null(strstr(d.msg, "t.html"));
	}
	diag_clear(&d);
	assert_int_equal(page_render_asset(&b, "no-such.html", v, 1, &d), -1);
	buf_release(&b);
}

/* The CSP allows exactly the inline script and style (sha256 base64). */
static void
test_page_csp(void **state)
{
	struct buf b;

	buf_init(&b);
	assert_int_equal(render(&b, "<head>{{csp}}<style>p{}</style></head>"
	    "<script type=\"application/json\">{}</script>"
	    "<script>abc</script>", NULL, 0), 0);
	/* printf abc | openssl dgst -sha256 -binary | base64 */
	assert_non_null(strstr(b.p, "script-src 'self' file: "
	    "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='; "));
	assert_non_null(strstr(b.p, "default-src 'none'"));
	assert_non_null(strstr(b.p, "; style-src 'sha256-"));
	assert_int_equal(strncmp(b.p, "<head><meta http-equiv=\"Content-"
	    "Security-Policy\"", 40), 0);
	assert_non_null(strstr(b.p, "\"><style>p{}</style></head>"));
	buf_release(&b);
}

/* Every embedded asset equals its file and the table is sorted. */
static void
test_asset_table(void **state)
{
	const struct asset *a;
	size_t i;

	assert_true(asset_count >= 3);
	for (i = 1; i < asset_count; i++)
		assert_true(strcmp(asset_table[i - 1].name,
		    asset_table[i].name) < 0);
	a = asset_find("markdown.js");
	assert_non_null(a);
	assert_int_equal(a->data[a->len], '\0');
	{
		FILE *f = fopen("common/web/markdown.js", "rb");
		char *p = malloc(a->len + 1);

		assert_non_null(f);
		assert_int_equal(fread(p, 1, a->len + 1, f), a->len);
		assert_memory_equal(p, a->data, a->len);
		fclose(f);
		free(p);
	}
	assert_null(asset_find("markdown"));
	assert_null(asset_find("zzz.js"));
}

/*
 * No embedded script parses HTML, evaluates a string or builds a URL: the
 * pages put record text in the DOM as text only (dom.js).  One exception:
 * arena.js is served by arena(1) and calls its JSON API with fetch, to
 * its own origin only (the server's Content-Security-Policy says
 * connect-src 'self').
 */
static int
allowed_sink(const char *script, const char *sink)
{
	return strcmp(script, "arena.js") == 0 && strcmp(sink, "fetch(") == 0;
}

static void
test_asset_scripts_have_no_sinks(void **state)
{
	static const char *sinks[] = {
		"innerHTML", "outerHTML", "insertAdjacentHTML", ".write(",
		"writeln(", "eval(", "Function(", "setTimeout(\"",
		"setInterval(\"", "srcdoc", ".href", "location", "DOMParser",
		"createContextualFragment", "javascript:", "fetch(",
		"XMLHttpRequest", "WebSocket", "sendBeacon", "import(",
		"Worker(",
	};
	size_t i, k, nscripts = 0;

	for (i = 0; i < asset_count; i++) {
		const struct asset *a = &asset_table[i];
		size_t n = strlen(a->name);

		if (n < 3 || strcmp(a->name + n - 3, ".js") != 0)
			continue;
		nscripts++;
		for (k = 0; k < sizeof(sinks) / sizeof(sinks[0]); k++)
			if (strstr((const char *)a->data, sinks[k]) != NULL &&
			    !allowed_sink(a->name, sinks[k]))
				fail_msg("%s uses '%s'", a->name, sinks[k]);
	}
	assert_true(nscripts >= 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_values_escaped),
		cmocka_unit_test(test_page_bad_directives),
		cmocka_unit_test(test_page_csp),
		cmocka_unit_test(test_asset_table),
		cmocka_unit_test(test_asset_scripts_have_no_sinks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
