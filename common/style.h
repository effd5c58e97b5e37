/* style.h: style features of an answer (conv_metadata). */
#ifndef JUDGEPIPE_STYLE_H
#define JUDGEPIPE_STYLE_H

#include <stddef.h>
#include <jansson.h>

#include "diag.h"
#include "tokenizer.h"

/* The markdown counts of one answer, as upstream add_markdown_info.py. */
struct style_counts {
	long header[6];		/* h1 ... h6 */
	long ordered;
	long unordered;
	long bold_star;		/* "**" */
	long bold_under;	/* "__" */
};

/*
 * Count the markdown features of text[0..len) (UTF-8, may hold NUL bytes):
 * first code blocks are removed (every inner text of a "```...```" block
 * with no backtick inside is deleted wherever it occurs), then the patterns
 * of add_markdown_info.py are counted with Python re.findall semantics:
 * "^" at the start and after each "\n", Python's Unicode "\s", "\d" =
 * category Nd.  Never fails; needs no compiled state, so any thread may
 * call it.
 */
void style_count(const char *text, size_t len, struct style_counts *c);

/*
 * Apply only the code-block removal of style_count to text[0..len) and
 * return the result in a new NUL-terminated buffer (free it) of *outlen
 * bytes.
 */
char *style_strip_code(const char *text, size_t len, size_t *outlen);

/*
 * Build conv_metadata for one reply: a new object
 * {"token_len", "header_count": {"h1".."h6"}, "list_count": {"ordered",
 * "unordered"}, "bold_count": {"**", "__"}} in that key order, token_len
 * counted by e on the whole text.  Returns 0 and sets *out (a new
 * reference), or -1 with d set (EX_SOFTWARE if the tokenizer fails).
 */
int style_conv_metadata(const struct tok_encoder *e, const char *text,
    size_t len, json_t **out, struct diag *d);

/*
 * Recompute answer's conv_metadata from choices[0].turns[0].content
 * (--annotate): an existing "conv_metadata" is replaced where it stands,
 * otherwise it becomes the last key; nothing else changes.  Returns 0, or
 * -1 with d set to EX_DATAERR (no file or line; the caller adds them) when
 * the content is missing or not a string.
 */
int style_annotate(const struct tok_encoder *e, json_t *answer,
    struct diag *d);

#endif
