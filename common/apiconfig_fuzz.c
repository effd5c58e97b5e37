/* apiconfig_fuzz.c: libFuzzer target for the API config reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apiconfig.h"
#include "config.h"

/*
 * The input is an api config (YAML).  The entries named first in it, and
 * one it does not have, are loaded as gen-answer loads the entry of -m.
 * Entries may name the key "${FUZZ_API_KEY}"; its value must never show
 * in a message or a warning (unless the input itself holds that text).
 */

#define SECRET	"sk-fuzz-7f3c2a91"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The same environment on every machine. */
	setenv("FUZZ_API_KEY", SECRET, 1);
	setenv("FUZZ_EMPTY", "", 1);
	unsetenv("OPENAI_API_KEY");
	unsetenv("ANTHROPIC_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	(void)argc;
	(void)argv;
	return 0;
}

static void
load(const uint8_t *data, size_t size, const char *name, int secret_ok)
{
	struct apiconfig_entry *e;
	struct diag d;
	size_t i;

	diag_clear(&d);
	e = apiconfig_load_entry_mem("fuzz.yaml", (const char *)data, size,
	    name, &d);
	if (e == NULL) {
		if (d.code == 0 || (!secret_ok && strstr(d.msg, SECRET)))
			abort();
		return;
	}
	if (e->n_endpoints < 1 || e->parallel < 1 || !(e->timeout_s > 0) ||
	    !(e->connect_timeout_s > 0) || e->max_retries < 0 ||
	    strcmp(e->name, name) != 0)
		abort();
	for (i = 0; i < e->n_endpoints; i++)
		if (e->api_bases[i] != e->endpoints[i].api_base)
			abort();
	for (i = 0; i < e->n_warnings && !secret_ok; i++)
		if (strstr(e->warnings[i].msg, SECRET) != NULL)
			abort();
	apiconfig_entry_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_doc *doc;
	const char *k;
	json_t *v;
	int secret_ok, n = 0;

	secret_ok = memmem(data, size, SECRET, strlen(SECRET)) != NULL;
	doc = config_load_mem("fuzz.yaml", (const char *)data, size, NULL);
	if (doc != NULL && json_is_object(config_root(doc)))
		json_object_foreach(config_root(doc), k, v) {
			if (n++ == 3)
				break;
			load(data, size, k, secret_ok);
		}
	config_free(doc);
	load(data, size, "no such entry", secret_ok);
	return 0;
}
