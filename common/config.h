/* config.h: YAML configuration files read as PyYAML's safe_load types them. */
#ifndef JUDGEPIPE_CONFIG_H
#define JUDGEPIPE_CONFIG_H

#include <jansson.h>

#include "diag.h"

/*
 * A loaded YAML document: a jansson tree plus the source line of every node
 * (plain scalars typed like PyYAML safe_load, quoted scalars are
 * strings, anchors/aliases and "<<" merge keys resolved).
 */
struct config_doc;

/*
 * Load path.  Returns NULL and fills d: EX_NOINPUT when the file cannot be
 * opened, EX_CONFIG (file:line) for bad YAML or an unsupported value
 * (non-finite floats, more than one document).
 */
struct config_doc *config_load(const char *path, struct diag *d);

/* The same from memory; name is used in diagnostics. */
struct config_doc *config_load_mem(const char *name, const char *p,
    size_t n, struct diag *d);

void config_free(struct config_doc *c);		/* NULL-safe */

/* Root node (borrowed; NULL for an empty document). */
json_t *config_root(const struct config_doc *c);

/* The file name given to config_load. */
const char *config_path(const struct config_doc *c);

/*
 * The 1-based source line of node, or 0 when unknown (true, false and null
 * are shared singletons in jansson and have no line).
 */
long config_line(const struct config_doc *c, const json_t *node);

/*
 * Type one plain scalar as PyYAML's resolver does: a new reference to a
 * null, bool, integer, real or string.  *bad is set when it is a float that
 * jansson cannot hold (inf, nan) or an integer beyond int64.
 */
json_t *config_plain_scalar(const char *s, int *bad);

#endif
