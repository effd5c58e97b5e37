/* page.h: an HTML page from an embedded template, values escaped by context. */
#ifndef JUDGEPIPE_PAGE_H
#define JUDGEPIPE_PAGE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/*
 * A template is an embedded asset (asset.h), normally a .html file.  It is
 * copied to the output except for these directives:
 *
 *	{{include NAME}}	the asset NAME as it is: a style sheet inside
 *				<style>, a script inside <script>
 *	{{text KEY}}		the value of KEY as element content (html_text)
 *	{{attr KEY}}		the value of KEY inside a double-quoted
 *				attribute (html_attr)
 *	{{json KEY}}		the value of KEY, which is JSON text, inside
 *				<script type="application/json"> (html_json)
 *	{{csp}}			a <meta> Content-Security-Policy that lets the
 *				page run exactly its own inline <script> and
 *				<style> elements (by their SHA-256), load
 *				scripts only from its own folder (the data
 *				files beside it) and make no other request
 *
 * So the template, not the C code, says in which context a value is
 * written, and the escaper for that context is always applied.  An
 * inline script is written "<script>...</script>" exactly (no
 * attributes); JSON blocks carry a type and are never run.
 */
struct page_value {
	const char *key;
	const char *val;	/* borrowed */
	size_t len;
};

/*
 * Render the template text[0..len) named tmpl (for messages) with the
 * values v[0..n-1], appending to out.  Returns 0, or -1 with d set
 * (EX_SOFTWARE: an unknown asset, key or directive; a template is part of
 * the program).  A "{{" without "}}" is copied as it is.
 */
int page_render(struct buf *out, const char *tmpl, const char *text,
    size_t len, const struct page_value *v, size_t n, struct diag *d);

/* page_render of the embedded asset name. */
int page_render_asset(struct buf *out, const char *name,
    const struct page_value *v, size_t n, struct diag *d);

#endif
