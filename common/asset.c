/* asset.c: look an embedded web file up by name. */
#include <stdlib.h>
#include <string.h>

#include "asset.h"

static int
cmp_asset(const void *key, const void *elem)
{
	return strcmp(key, ((const struct asset *)elem)->name);
}

const struct asset *
asset_find(const char *name)
{
	return bsearch(name, asset_table, asset_count, sizeof(asset_table[0]),
	    cmp_asset);
}
