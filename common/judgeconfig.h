/* judgeconfig.h: arena-hard-auto's config/judge_config.yaml (SPEC 4.3). */
#ifndef JUDGEPIPE_JUDGECONFIG_H
#define JUDGEPIPE_JUDGECONFIG_H

#include <stddef.h>

#include "diag.h"
#include "verdict.h"

/* The message that asks a judge to finish (SPEC 8.3). */
#define JUDGECONFIG_CONTINUE \
	"continue your judgment and finish by outputting a final verdict label"

/*
 * A validated judge config.  Every string and the verdict are owned by it.
 * Defaults: regex_pattern VERDICT_DEFAULT_PATTERN,
 * number_of_judgment_attempts 2.
 */
struct judge_config {
	char *path;			/* as given to judgeconfig_load */
	char *judge_model;		/* API-config entry; output "judge" */
	char *baseline_model;
	int pairwise;			/* 1: two games with the swap */
	double temperature;
	long long max_tokens;		/* >= 1 */
	char *regex_pattern;
	struct verdict *verdict;	/* regex_pattern, compiled */
	long attempts;			/* number_of_judgment_attempts >= 1 */
	char *system_prompt;
	char *prompt_template;		/* the single template */
	size_t prompt_template_len;
	int reference;			/* use reference answers */
	char **ref_model;		/* n_ref_model names */
	size_t n_ref_model;
	char *name;			/* informational; NULL when absent */
	char *bench_name;
	char **model_list;		/* NULL when absent */
	size_t n_model_list;
};

/*
 * The top-level keys of a judge config that mean something: those
 * judgepipe reads and upstream's informational ones (NULL-terminated).
 */
extern const char *const judgeconfig_keys[];

/*
 * Read and validate the judge config at path: judge_model, baseline (must
 * be true), baseline_model, pairwise, temperature, max_tokens and
 * system_prompt are required; prompt_template is a one-element list or a
 * string whose fields are question_N, answer_N and (with reference)
 * ref_answer_N; regex_pattern must compile with at most one group.
 * Returns 0, or -1 with d set: EX_NOINPUT when the file cannot be opened,
 * EX_CONFIG with file:line (where known) for everything else.  jc is
 * zeroed first and released on failure.
 */
int judgeconfig_load(const char *path, struct judge_config *jc,
    struct diag *d);

/* The same from YAML text in memory; file names it in diagnostics. */
int judgeconfig_load_mem(const char *file, const char *yaml, size_t len,
    struct judge_config *jc, struct diag *d);

/* Free what jc owns and zero it (safe on a zeroed jc). */
void judgeconfig_release(struct judge_config *jc);

#endif
