/* httpd.h: a small HTTP/1.1 server (GNU libmicrohttpd behind one module). */
#ifndef JUDGEPIPE_HTTPD_H
#define JUDGEPIPE_HTTPD_H

#include <stddef.h>

#include "diag.h"

/*
 * The library's polling threads read requests and call one handler per
 * complete request, with the whole body in memory.  The handler answers
 * with httpd_respond, either before it returns or later from any thread
 * (the connection then waits, suspended, without holding a thread and
 * without timing out): this is how a vote waits for its fsync.
 *
 * What the module enforces itself: a body over max_body bytes gets 413
 * before the handler sees it (the rest of it is read and dropped); idle
 * connections are closed after timeout_s; at most max_conns connections
 * are open at once (more are refused by the library); no request header
 * block beyond the library's per-connection memory limit.  The handler
 * decides everything else, so the module knows no route.
 */
struct httpd;
struct httpd_req;

struct httpd_opts {
	const char *addr;	/* numeric IPv4 or IPv6 address to bind */
	int port;		/* 0: a free port (see httpd_port) */
	size_t max_body;	/* larger bodies get 413 */
	unsigned max_conns;	/* open connections at most */
	unsigned timeout_s;	/* idle connections are closed after it */
	unsigned threads;	/* polling threads (>= 1) */
};

/*
 * Called once per request on a polling thread.  r stays valid until
 * httpd_respond(r) has been called; the handler must call it exactly once.
 */
typedef void httpd_handler_fn(void *arg, struct httpd_req *r);

/*
 * Bind o->addr:o->port and start serving with fn(arg, req).  Returns the
 * server, or NULL with d set: EX_USAGE for an address that is not numeric,
 * EX_UNAVAILABLE when it cannot be bound or the library fails to start.
 */
struct httpd *httpd_start(const struct httpd_opts *o, httpd_handler_fn *fn,
    void *arg, struct diag *d);

/* The port bound (useful after port 0). */
int httpd_port(const struct httpd *h);

/* Stop accepting new connections (requests in progress go on). */
void httpd_quiesce(struct httpd *h);

/*
 * Stop the server and free it (NULL-safe).  Every request must have been
 * answered: a handler that still owes a response would leave a connection
 * the library cannot close.
 */
void httpd_stop(struct httpd *h);

/* The request line: method ("GET", "POST", ...) and path without query. */
const char *httpd_method(const struct httpd_req *r);
const char *httpd_path(const struct httpd_req *r);

/* A request header (case-insensitive name), or NULL. */
const char *httpd_header(const struct httpd_req *r, const char *name);

/* The body (NUL-terminated; may contain NUL bytes) and its length. */
const char *httpd_body(const struct httpd_req *r, size_t *len);

/* The peer's numeric address ("127.0.0.1", "::1"). */
const char *httpd_peer(const struct httpd_req *r);

/*
 * Add a response header (copied) before httpd_respond.  Returns 0, or -1
 * when name or value holds a control character (nothing is added).
 */
int httpd_set_header(struct httpd_req *r, const char *name,
    const char *value);

/*
 * Answer r with status, a Content-Type (may be NULL) and a body (copied),
 * then forget r.  Callable from any thread, exactly once per request.
 */
void httpd_respond(struct httpd_req *r, int status, const char *ctype,
    const void *body, size_t len);

/*
 * Split "ADDR:PORT" ("[V6ADDR]:PORT" for IPv6) into addr (NUL-terminated,
 * without brackets) and port (0 to 65535).  Returns 0, or -1 with d set
 * (EX_USAGE).
 */
int httpd_parse_listen(const char *s, char *addr, size_t addrsize,
    int *port, struct diag *d);

/* True when addr (numeric) is a loopback address: 127.0.0.0/8 or ::1. */
int httpd_is_loopback(const char *addr);


#endif
