/* browse.h: the data files of the report's question browser. */
#ifndef JUDGEPIPE_BROWSE_H
#define JUDGEPIPE_BROWSE_H

#include <stddef.h>
#include <jansson.h>

#include "answerscan.h"
#include "buf.h"
#include "diag.h"
#include "questions.h"
#include "verdicts.h"

/*
 * The browser reads every question with both answers and every judge's
 * two games.  That is far too much for one page (55 models x 500
 * questions with answers and two judges' texts is hundreds of MB), so it
 * is written beside the page as one script per model, loaded on demand
 * with a script element (which works from file:// without a server):
 *
 *	browse/questions.js	the questions, their categories and the
 *				baseline's answers, shared by every model
 *	browse/<slug>.js	one model: its answers, each judge's labels
 *				and texts, the board's labels
 *
 * Each file is one call, JP_browse(N, "<base64>"), where N is -1 for the
 * shared file and the model's index otherwise, and the string is the
 * gzip of the file's JSON (the browser inflates it with its
 * DecompressionStream): answers and judge texts compress about fourfold,
 * and base64 makes the file a plain ASCII script.  The JSON, before
 * compression:
 *
 *	questions.js: {"ids": [...], "cat": [...] | null, "q": [[turn, ...],
 *	    ...], "base": [text | null, ...]}
 *	<slug>.js: {"model": NAME, "a": [text | null, ...], "judges": [J,
 *	    ...], "l": [[[l1, l2] | null, ...] per judge], "t": [[[t1, t2] |
 *	    null, ...] per judge], "e": [[l1, l2] | null, ...]}
 *
 * aligned with "ids"; a label is 0..4 (A>>B .. B>>A) or null, a text a
 * string or null: what the records lack stays null, shown as missing.
 */
struct browse_in {
	const struct question_set *qs;	/* may be NULL */
	const char *category_key;	/* may be NULL */
	const struct answer_set *ans;	/* with texts; may be NULL */
	const struct verdicts *judges;	/* per-judge records; may be NULL */
	const struct verdicts *board;	/* the board's records; may be NULL */
	const char *baseline;
	const char *const *models;	/* the models, in board order */
	size_t nmodels;
	int threads;
	int level;			/* zlib level, 1-9 */
};

struct browse_file {
	char *path;			/* "browse/questions.js" ... */
	struct buf data;
};

/*
 * Build the files (*files: the shared one, then one per model) and the
 * page's index, a new reference: {"shared": PATH, "files": [PATH per
 * model], "judges": [...], "n": questions}.  Returns 0, or -1 with d set
 * (EX_SOFTWARE when compression fails).
 */
int browse_build(const struct browse_in *in, struct browse_file **files,
    size_t *nfiles, json_t **index, struct diag *d);
void browse_files_free(struct browse_file *files, size_t n);

#endif
