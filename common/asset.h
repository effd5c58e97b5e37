/* asset.h: the web files (.html, .css, .js) built into the binary. */
#ifndef JUDGEPIPE_ASSET_H
#define JUDGEPIPE_ASSET_H

#include <stddef.h>

/*
 * The files of common/web/ and cmd/<name>/web/ are embedded at build time
 * (scripts/embed.c, run by the Makefile into build/gen/assets.c), so a
 * page is read, diffed and linted as the HTML, CSS or JS it is, and a
 * command needs no file at run time.  An asset is named by its file's base
 * name ("markdown.js"); names are unique.  data holds len bytes and a NUL
 * after them.  Scripts and style sheets never hold "</script", "</style",
 * "<!--" or "<script" (the generator refuses them), so they can be inlined
 * into a page as they are.
 */
struct asset {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* The asset named name, or NULL.  The table is static: nothing to free. */
const struct asset *asset_find(const char *name);

/* The table, sorted by name (generated); for listings and tests. */
extern const struct asset asset_table[];
extern const size_t asset_count;

#endif
