/* judgeconfig_fuzz.c: libFuzzer target for the judge config reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "judgeconfig.h"
#include "prompt.h"

/*
 * The input is a judge config (YAML).  A config that loads must keep its
 * promises: it has what its mode needs, its template renders once every
 * field it names has a value (as gen-judgment fills them), and its
 * compiled verdict patterns run over the rendered prompt.
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
collect(void *arg, const char *name, size_t n)
{
	struct prompt_args *a = arg;
	char *s = strndup(name, n);

	if (s == NULL)
		abort();
	if (strlen(s) != n)
		abort();	/* field_ok accepts digits and letters only */
	prompt_args_set(a, s, "[[A>B]] value\n", 14);
	free(s);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct judge_config jc;
	struct prompt_args a;
	struct diag d;
	struct buf out;
	char *label;

	diag_clear(&d);
	if (judgeconfig_load_mem("fuzz.yaml", (const char *)data, size, &jc,
	    &d) == -1) {
		if (d.code != EX_CONFIG || jc.path != NULL)
			abort();
		return 0;
	}
	if (jc.judge_model == NULL || jc.attempts < 1 || jc.max_tokens < 1 ||
	    (jc.reference && jc.n_ref_model == 0 &&
	    jc.mode != JUDGECONFIG_SINGLE))
		abort();
	/* What each mode needs (judgeconfig.h). */
	if (jc.mode == JUDGECONFIG_SINGLE ? jc.judge_prompts == NULL :
	    jc.prompt_template == NULL)
		abort();
	if (jc.v2 ? jc.n_patterns == 0 || jc.verdicts == NULL ||
	    (jc.mode != JUDGECONFIG_SINGLE && jc.n_categories == 0) :
	    jc.verdict == NULL || (jc.mode != JUDGECONFIG_SINGLE &&
	    jc.system_prompt == NULL) ||
	    (jc.mode == JUDGECONFIG_PAIRWISE_BASELINE &&
	    jc.baseline_model == NULL))
		abort();
	label = NULL;
	if (jc.prompt_template == NULL) {
		judgeconfig_release(&jc);
		return 0;
	}
	prompt_args_init(&a);
	buf_init(&out);
	if (prompt_check(jc.prompt_template, jc.prompt_template_len, collect,
	    &a, NULL, 0, &d) == -1 ||
	    prompt_format(jc.prompt_template, jc.prompt_template_len, &a, &out,
	    NULL, 0, &d) == -1)
		abort();
	if (!jc.v2 && verdict_find(jc.verdict, out.p, out.len, &label, &d) ==
	    VERDICT_ONE && label == NULL)
		abort();
	for (size_t i = 0; jc.v2 && i < jc.n_patterns; i++) {
		free(label);
		label = NULL;
		if (verdict_last(jc.verdicts[i], out.p, out.len, &label,
		    &d) == VERDICT_ONE && label == NULL)
			abort();
	}
	free(label);
	buf_release(&out);
	prompt_args_release(&a);
	judgeconfig_release(&jc);
	return 0;
}
