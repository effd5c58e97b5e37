/* tokenizer.h: token counts under tiktoken's cl100k_base encoding. */
#ifndef JUDGEPIPE_TOKENIZER_H
#define JUDGEPIPE_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* The rank file tiktoken checks: 100,256 lines of "base64(token) rank". */
#define TOK_FILE_NAME	"cl100k_base.tiktoken"
#define TOK_FILE_SHA256	\
	"223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"

struct tok_encoder;

/*
 * Load the cl100k_base ranks from path.  With path NULL the file is
 * $JUDGEPIPE_TOKENIZER when that is set and not empty, otherwise the first
 * that exists of JUDGEPIPE_DATADIR/cl100k_base.tiktoken,
 * <exe dir>/../data/tokenizer/cl100k_base.tiktoken and
 * <exe dir>/../../../data/tokenizer/cl100k_base.tiktoken (the build tree).
 * The file must have the SHA-256 above.  Returns a new encoder (free it with
 * tok_free), or NULL with d set: EX_NOINPUT for a missing, unreadable or
 * wrong-hash file, EX_SOFTWARE if the pattern does not compile.
 *
 * The encoder is read-only after loading: several threads may count with
 * one encoder at the same time.
 */
struct tok_encoder *tok_load(const char *path, struct diag *d);

/* The path the encoder was loaded from (valid while e lives). */
const char *tok_path(const struct tok_encoder *e);

/*
 * The number of cl100k_base tokens of text[0..len), as tiktoken's
 * encode(text, disallowed_special=()) counts them: special tokens such as
 * "<|endoftext|>" are ordinary text.  text should be valid UTF-8; an invalid
 * byte counts as one token of its own and does not end the count.
 */
size_t tok_count(const struct tok_encoder *e, const char *text, size_t len);

/*
 * Encode text[0..len) into token ids (the ranks).  Sets *ids to a malloc'ed
 * array the caller frees (NULL when *n is 0) and *n to its length.  Returns
 * 0, or -1 when the pattern engine fails (then *ids is NULL and *n 0).
 */
int tok_encode(const struct tok_encoder *e, const char *text, size_t len,
    uint32_t **ids, size_t *n);

/* Free e (NULL-safe). */
void tok_free(struct tok_encoder *e);

#endif
