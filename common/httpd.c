/* httpd.c: the HTTP server of the arena over GNU libmicrohttpd. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>		/* the only file that includes it */

#include "buf.h"
#include "httpd.h"

struct httpd {
	struct MHD_Daemon *mhd;
	httpd_handler_fn *fn;
	void *arg;
	size_t max_body;
	int port;
	pthread_mutex_t logmu;
	char lastlog[256];	/* the library's last message, for errors */
};

struct hdr {
	char *name, *value;
};

/*
 * One request.  The connection's polling thread owns it until the handler
 * has run; from then on mu guards the response fields, which httpd_respond
 * may fill from another thread.
 */
struct httpd_req {
	struct httpd *h;
	struct MHD_Connection *conn;
	char *method, *path;
	char peer[INET6_ADDRSTRLEN];
	struct buf body;
	int too_big;
	int handled;		/* the handler was called */
	pthread_mutex_t mu;
	int ready;		/* a response is waiting to be queued */
	int suspended;
	int status;
	char *ctype;
	struct buf out;
	struct hdr *hdrs;
	size_t nhdrs;
};

static void
req_free(struct httpd_req *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->method);
	free(r->path);
	buf_release(&r->body);
	buf_release(&r->out);
	free(r->ctype);
	for (i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static void
peer_name(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci;

	snprintf(out, n, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), out,
	    (socklen_t)n, NULL, 0, NI_NUMERICHOST);
}

/* Queue r's response (built by httpd_respond) on its connection. */
static enum MHD_Result
queue(struct httpd_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t i;

	resp = MHD_create_response_from_buffer(r->out.len, r->out.p,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (r->ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    r->ctype);
	for (i = 0; i < r->nhdrs; i++)
		MHD_add_response_header(resp, r->hdrs[i].name,
		    r->hdrs[i].value);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
too_large(struct httpd_req *r)
{
	static const char msg[] = "{\"error\": \"request body too large\"}\n";

	httpd_respond(r, 413, "application/json", msg, sizeof(msg) - 1);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct httpd *h = cls;
	struct httpd_req *r = *con_cls;
	const char *cl;

	(void)version;
	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		r->h = h;
		r->conn = c;
		r->method = xstrdup(method);
		r->path = xstrdup(url);
		buf_init(&r->body);
		buf_init(&r->out);
		pthread_mutex_init(&r->mu, NULL);
		peer_name(c, r->peer, sizeof(r->peer));
		*con_cls = r;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		/* Refuse a declared oversize body before reading any of it. */
		if (cl != NULL && strtoull(cl, NULL, 10) > h->max_body) {
			r->too_big = 1;
			r->handled = 1;
			too_large(r);
			r->ready = 0;
			return queue(r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->too_big && r->body.len + *upload_data_size <=
		    h->max_body)
			buf_add(&r->body, upload_data, *upload_data_size);
		else
			r->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!r->handled) {
		r->handled = 1;
		if (r->too_big)
			too_large(r);
		else
			h->fn(h->arg, r);
	}
	pthread_mutex_lock(&r->mu);
	if (r->ready) {
		r->ready = 0;
		pthread_mutex_unlock(&r->mu);
		return queue(r);
	}
	/* The answer comes later (httpd_respond resumes the connection). */
	r->suspended = 1;
	MHD_suspend_connection(c);
	pthread_mutex_unlock(&r->mu);
	return MHD_YES;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

static void
on_log(void *cls, const char *fmt, va_list ap)
{
	struct httpd *h = cls;
	size_t n;

	pthread_mutex_lock(&h->logmu);
	vsnprintf(h->lastlog, sizeof(h->lastlog), fmt, ap);
	n = strlen(h->lastlog);
	while (n > 0 && (h->lastlog[n - 1] == '\n' || h->lastlog[n - 1] == '.'))
		h->lastlog[--n] = '\0';
	pthread_mutex_unlock(&h->logmu);
}

struct httpd *
httpd_start(const struct httpd_opts *o, httpd_handler_fn *fn, void *arg,
    struct diag *d)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct sockaddr *sa;
	const union MHD_DaemonInfo *di;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	struct httpd *h;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, o->addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, o->addr, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		diag_set(d, EX_USAGE, NULL, 0, "'%s' is not a numeric IPv4 or "
		    "IPv6 address", o->addr);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->fn = fn;
	h->arg = arg;
	h->max_body = o->max_body;
	pthread_mutex_init(&h->logmu, NULL);
	errno = 0;
	h->mhd = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_EXTERNAL_LOGGER, on_log, h,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->max_conns,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->timeout_s,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o->threads > 1 ?
	    o->threads : 0),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		int e = errno;

		diag_set(d, EX_UNAVAILABLE, NULL, 0, "cannot listen on %s%s%s:"
		    "%d: %s", sa->sa_family == AF_INET6 ? "[" : "", o->addr,
		    sa->sa_family == AF_INET6 ? "]" : "", o->port,
		    h->lastlog[0] ? h->lastlog : e ? strerror(e) :
		    "the HTTP library failed to start");
		pthread_mutex_destroy(&h->logmu);
		free(h);
		return NULL;
	}
	di = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di != NULL ? di->port : o->port;
	return h;
}

int
httpd_port(const struct httpd *h)
{
	return h->port;
}

void
httpd_quiesce(struct httpd *h)
{
	MHD_socket s;

	if (h == NULL || h->mhd == NULL)
		return;
	s = MHD_quiesce_daemon(h->mhd);
	if (s != MHD_INVALID_SOCKET)
		close(s);
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	pthread_mutex_destroy(&h->logmu);
	free(h);
}

const char *
httpd_method(const struct httpd_req *r)
{
	return r->method;
}

const char *
httpd_path(const struct httpd_req *r)
{
	return r->path;
}

const char *
httpd_header(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
httpd_body(const struct httpd_req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.p;
}

const char *
httpd_peer(const struct httpd_req *r)
{
	return r->peer;
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int
httpd_set_header(struct httpd_req *r, const char *name, const char *value)
{
	if (has_ctl(name) || has_ctl(value) || strchr(name, ':') != NULL)
		return -1;
	pthread_mutex_lock(&r->mu);
	r->hdrs = xrealloc(r->hdrs, (r->nhdrs + 1) * sizeof(*r->hdrs));
	r->hdrs[r->nhdrs].name = xstrdup(name);
	r->hdrs[r->nhdrs].value = xstrdup(value);
	r->nhdrs++;
	pthread_mutex_unlock(&r->mu);
	return 0;
}

void
httpd_respond(struct httpd_req *r, int status, const char *ctype,
    const void *body, size_t len)
{
	pthread_mutex_lock(&r->mu);
	r->status = status;
	free(r->ctype);
	r->ctype = ctype != NULL ? xstrdup(ctype) : NULL;
	buf_reset(&r->out);
	buf_add(&r->out, body, len);
	r->ready = 1;
	if (r->suspended) {
		r->suspended = 0;
		MHD_resume_connection(r->conn);
	}
	pthread_mutex_unlock(&r->mu);
}

int
httpd_parse_listen(const char *s, char *addr, size_t addrsize, int *port,
    struct diag *d)
{
	const char *colon, *host = s;
	size_t hlen;
	char *end;
	long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			goto bad;
		host = s + 1;
		hlen = (size_t)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			goto bad;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= addrsize || colon[1] == '\0')
		goto bad;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p < 0 || p > 65535 ||
	    colon[1] == '-' || colon[1] == '+')
		goto bad;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	*port = (int)p;
	return 0;
bad:
	return diag_set(d, EX_USAGE, NULL, 0, "--listen: invalid value '%s' "
	    "(want ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:0)", s);
}

int
httpd_is_loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}
