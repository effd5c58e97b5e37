/* arena.h: the arena's routes: blind battles, votes and the board. */
#ifndef JUDGEPIPE_ARENA_H
#define JUDGEPIPE_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "arenadata.h"
#include "diag.h"
#include "httpd.h"
#include "livecall.h"
#include "pairing.h"
#include "votelog.h"

/*
 * The application behind httpd: arena_handle is the server's handler.
 * Routes (every API answer is JSON; errors are {"error": MESSAGE}):
 *
 *	GET  /, /arena.js, ...	the page (embedded assets only)
 *	GET  /api/info		{"offline", "live", "tokens", "lang", ...}
 *	POST /api/battle	a new battle: {"battle", "question", "a", "b"}
 *	POST /api/vote		{"battle", "winner"} -> {"model_a", "model_b"}
 *	GET  /api/leaderboard	the board of the votes so far
 *
 * Nothing that names a model reaches a response before its vote.  Battle
 * ids are 128 random bits and single use.  Requests to /api/ must come from
 * the page's own origin: a POST needs Content-Type application/json, an
 * Origin header must match Host, a cross-site Sec-Fetch-Site is refused
 * and, on a loopback address, Host must name the loopback (DNS rebinding).
 * With tokens every /api/ request needs "Authorization: Bearer TOKEN".
 */
struct arena;

struct arena_opts {
	enum pairing_mode sampling;
	const char *lang;	/* "en", "ko" or "zh" */
	int loopback;		/* bound to a loopback address */
	long num_rounds;	/* leaderboard bootstrap rounds */
	uint64_t seed;		/* leaderboard seed */
	const char *baseline;	/* leaderboard baseline, or NULL */
	long max_live_calls;	/* live model calls in all */
	long live_per_voter;	/* own questions per voter */
	long ttl_s;		/* unvoted battles expire after it */
	const char *log_name;	/* the vote log's name, for diagnostics */
};

/*
 * A new arena over data (offline battles; may be NULL) and live (own
 * questions; may be NULL), both borrowed.  tokens[0..ntokens) are the
 * voter tokens (copied; none: no token needed).  salt salts the voter
 * hashes written to the log.
 */
struct arena *arena_new(const struct arena_opts *o,
    const struct arenadata *data, struct livecall *live,
    char *const *tokens, size_t ntokens, const unsigned char salt[32]);

/*
 * votelog_line_fn: take a vote record of the existing log (arena as arg).
 * A line that is not a vote record is an error (EX_DATAERR at lineno).
 */
int arena_load_vote(void *arena, const char *line, size_t len, long lineno,
    struct diag *d);

/* Votes are appended to l (borrowed) from now on. */
void arena_set_log(struct arena *a, struct votelog *l);

/* The number of votes known (loaded and acknowledged). */
size_t arena_votes(struct arena *a);

/* httpd_handler_fn; arg is the arena. */
void arena_handle(void *arg, struct httpd_req *r);

/*
 * Refuse new battles and votes (503) from now on; answers still owed go
 * out as they complete.  Returns the number of requests still waiting for
 * a vote to be stored or a live answer.
 */
size_t arena_drain(struct arena *a);

void arena_free(struct arena *a);	/* NULL-safe */

/*
 * Read a tokens file: one voter token per line (8 to 256 printable ASCII
 * characters without spaces); empty lines and lines starting with "#" are
 * skipped.  Returns 0 with a malloc'ed array of malloc'ed strings, or -1
 * with d set (EX_NOINPUT, EX_DATAERR at file:line; no token at all is an
 * error too).
 */
int arena_read_tokens(const char *path, char ***tokens, size_t *n,
    struct diag *d);

/*
 * The salt of the voter hashes, kept in path (64 hex digits and a
 * newline): read it, or create it (0600, temporary file and rename) from
 * 32 random bytes.  Returns 0, or -1 with d set.
 */
int arena_salt(const char *path, unsigned char salt[32], struct diag *d);

#endif
