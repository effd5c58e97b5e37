/* judgeconfig.h: arena-hard-auto's config/judge_config.yaml. */
#ifndef JUDGEPIPE_JUDGECONFIG_H
#define JUDGEPIPE_JUDGECONFIG_H

#include <stddef.h>

#include "diag.h"
#include "verdict.h"

/* The message that asks a judge to finish. */
#define JUDGECONFIG_CONTINUE \
	"continue your judgment and finish by outputting a final verdict label"

/*
 * What is judged (FastChat's and evalscope's names): each answer against
 * the baseline model's, every pair of models, or each answer alone.
 */
enum judgeconfig_mode {
	JUDGECONFIG_PAIRWISE_BASELINE,
	JUDGECONFIG_PAIRWISE_ALL,
	JUDGECONFIG_SINGLE,
	JUDGECONFIG_MODE_OF_CONFIG = -1,	/* as baseline/pairwise say */
};

/* One category's settings (arena-hard-auto HEAD's JUDGE_SETTINGS). */
struct judgeconfig_category {
	char *name;
	char *baseline;			/* NULL when not given */
	char *system_prompt;
};

/*
 * A validated judge config.  Every string and the verdict are owned by it.
 * Defaults: regex_pattern VERDICT_DEFAULT_PATTERN,
 * number_of_judgment_attempts 2 (1 with regex_patterns, as arena-hard-auto
 * HEAD asks once).
 *
 * Two styles: arena-hard-auto v0.1's (regex_pattern, a system_prompt, a
 * template with question_N and answer_N) and HEAD's, used by v2.0, told
 * by its regex_patterns key (a list tried in order on the upper-cased
 * judgment, the last match wins; a template with QUESTION, ANSWER_A and
 * ANSWER_B; the baseline and system prompt of each question's category
 * from judge_settings, judgepipe's copy of upstream's JUDGE_SETTINGS).
 */
struct judge_config {
	char *path;			/* as given to judgeconfig_load */
	enum judgeconfig_mode mode;	/* never _MODE_OF_CONFIG */
	int v2;				/* HEAD style: regex_patterns */
	char *judge_model;		/* API-config entry; output "judge" */
	char *baseline_model;		/* v0.1 pairwise-baseline only */
	int pairwise;			/* 1: two games with the swap */
	double temperature;
	long long max_tokens;		/* >= 1 */
	char *regex_pattern;		/* v0.1 style */
	struct verdict *verdict;	/* regex_pattern, compiled */
	char **regex_patterns;		/* v2 style, in order */
	struct verdict **verdicts;	/* regex_patterns, compiled */
	size_t n_patterns;
	struct judgeconfig_category *categories;	/* judge_settings */
	size_t n_categories;
	char *judge_prompts;		/* single: FastChat's prompt file,
					   relative to the config's folder
					   when not absolute; else NULL */
	long attempts;			/* number_of_judgment_attempts >= 1 */
	char *system_prompt;		/* v0.1 pairwise modes */
	char *prompt_template;		/* the single template; NULL in
					   single mode */
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
 * Read and validate the judge config at path for mode (or for the mode
 * its keys give: baseline true or absent is pairwise-baseline; baseline
 * false is single with pairwise false and pairwise-all with pairwise
 * true).  Always required: judge_model, temperature, max_tokens; v0.1
 * style also pairwise.  What the mode needs: v0.1 pairwise modes a
 * system_prompt and a prompt_template (a one-element list or a string)
 * whose fields are question_N, answer_N and (with reference) ref_answer_N,
 * pairwise-baseline also baseline_model; v2 pairwise modes a
 * prompt_template with QUESTION, ANSWER_A and ANSWER_B, and judge_settings
 * (category: {baseline, system_prompt}; the baseline needed in
 * pairwise-baseline); single mode judge_prompts.  Patterns must compile
 * with at most one group.  Returns 0, or -1 with d set: EX_NOINPUT when the
 * file cannot be opened, EX_CONFIG with file:line (where known) for
 * everything else.  jc is zeroed first and released on failure.
 */
int judgeconfig_load(const char *path, struct judge_config *jc,
    struct diag *d);
int judgeconfig_load_mode(const char *path, enum judgeconfig_mode mode,
    struct judge_config *jc, struct diag *d);

/* The same from YAML text in memory; file names it in diagnostics. */
int judgeconfig_load_mem(const char *file, const char *yaml, size_t len,
    struct judge_config *jc, struct diag *d);
int judgeconfig_load_mem_mode(const char *file, const char *yaml,
    size_t len, enum judgeconfig_mode mode, struct judge_config *jc,
    struct diag *d);

/* The mode's name: "single", "pairwise-baseline" or "pairwise-all". */
const char *judgeconfig_mode_name(enum judgeconfig_mode mode);

/* The settings of category (NULL: absent) or NULL. */
const struct judgeconfig_category *judgeconfig_category(
    const struct judge_config *jc, const char *category);

/* Free what jc owns and zero it (safe on a zeroed jc). */
void judgeconfig_release(struct judge_config *jc);

#endif
