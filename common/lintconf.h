/* lintconf.h: confusing keys in the judge and API configs. */
#ifndef JUDGEPIPE_LINTCONF_H
#define JUDGEPIPE_LINTCONF_H

#include "diag.h"
#include "lint.h"

/*
 * A key judgepipe does not know is silently ignored, so a typo such as
 * "temprature" leaves the setting at its default.  Each unknown key is a
 * confusing finding at its file:line: an error when it is within two
 * edits of a known key (the message names it), a warning otherwise.
 * The judge config's known keys are judgeconfig_keys; an API config's
 * entries are checked against apiconfig_keys (plus upstream's tokenizer
 * and api_version, which judgepipe ignores on purpose) and their
 * endpoints against apiconfig_endpoint_keys.
 *
 * Each returns 0, or -1 with d set when the file cannot be read
 * (EX_NOINPUT) or is not YAML (EX_CONFIG).
 */
int lintconf_check_judge(const char *path, struct lint_report *r,
    struct diag *d);
int lintconf_check_api(const char *path, struct lint_report *r,
    struct diag *d);

/*
 * The known key within two edits of key (and fewer than half its length),
 * or NULL.  known is NULL-terminated.
 */
const char *lintconf_suggest(const char *key, const char *const *known);

#endif
