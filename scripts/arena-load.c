/*
 * arena-load.c: a bounded load client for arena on loopback.  Each of
 * VOTERS threads keeps one keep-alive connection to 127.0.0.1:PORT and
 * loops for SECONDS: POST /api/battle, then POST /api/vote on it.  It
 * prints the counts and the latency percentiles, and writes the id of
 * every battle whose vote got 200 to ACKFILE, one a line, so a test can
 * check that each acknowledged vote is in the log.
 *
 * Usage: arena-load PORT VOTERS SECONDS ACKFILE [TOKENS]
 * (TOKENS: a file of voter tokens; voter i uses line i mod n.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct lat {
	double *v;
	size_t n, cap;
};

#define BUFSIZE (1 << 20)	/* a battle with two long answers fits */

struct voter {
	int id;
	char *buf;
	int fd;
	const char *token;
	unsigned seed;
	struct lat battle, vote;
	char (*acked)[33];
	size_t nacked, capacked;
	unsigned long long errors, conflicts, other;
	pthread_t th;
};

static int g_port;
static double g_deadline;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			abort();
	}
	l->v[l->n++] = ms;
}

static int
connect_lo(void)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)g_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only */
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * Send one request and read the response body into body (NUL-terminated).
 * Returns the status, or -1 when the connection failed (it is closed).
 */
static int
exchange(struct voter *v, const char *path, const char *json, char *body,
    size_t bodysize)
{
	char req[1024], *buf = v->buf;
	size_t have = 0, hdr, clen = 0;
	ssize_t n;
	int len, status;
	char *end, *p;
	struct timeval tv = { 5, 0 };

	if (v->fd == -1) {
		if ((v->fd = connect_lo()) == -1)
			return -1;
		setsockopt(v->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	len = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: 127.0.0.1:"
	    "%d\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	    "%s%s%s\r\n%s", path, g_port, strlen(json),
	    v->token ? "Authorization: Bearer " : "", v->token ? v->token : "",
	    v->token ? "\r\n" : "", json);
	if (write(v->fd, req, (size_t)len) != len)
		goto fail;
	for (;;) {
		n = read(v->fd, buf + have, BUFSIZE - 1 - have);
		if (n <= 0)
			goto fail;
		have += (size_t)n;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (have == BUFSIZE - 1)
			goto fail;
	}
	hdr = (size_t)(end - buf) + 4;
	status = atoi(buf + 9);
	for (p = buf; p < end; p++)
		if (strncasecmp(p, "\r\nContent-Length:", 17) == 0) {
			clen = strtoul(p + 17, NULL, 10);
			break;
		}
	if (hdr + clen > BUFSIZE - 1)
		goto fail;
	while (have < hdr + clen) {
		n = read(v->fd, buf + have, BUFSIZE - 1 - have);
		if (n <= 0)
			goto fail;
		have += (size_t)n;
	}
	buf[hdr + clen] = '\0';
	snprintf(body, bodysize, "%s", buf + hdr);
	if (strstr(buf, "\r\nConnection: close") != NULL) {
		close(v->fd);
		v->fd = -1;
	}
	return status;
fail:
	close(v->fd);
	v->fd = -1;
	return -1;
}

static void *
run(void *arg)
{
	static const char *const winners[] = { "a", "b", "tie", "bothbad" };
	struct voter *v = arg;
	char body[256], vote[256], id[33];
	double t0;
	int st;

	v->fd = -1;
	if ((v->buf = malloc(BUFSIZE)) == NULL)
		abort();
	while (now() < g_deadline) {
		char *p;

		t0 = now();
		st = exchange(v, "/api/battle", "", body, sizeof(body));
		if (st != 200) {
			if (st == -1) {
				v->errors++;
				usleep(20000);
			} else {
				v->other++;
			}
			continue;
		}
		lat_add(&v->battle, (now() - t0) * 1e3);
		p = strstr(body, "\"battle\": \"");
		if (p == NULL || strlen(p) < 11 + 32) {
			v->other++;
			continue;
		}
		memcpy(id, p + 11, 32);
		id[32] = '\0';
		snprintf(vote, sizeof(vote), "{\"battle\": \"%s\", \"winner\": "
		    "\"%s\"}", id, winners[rand_r(&v->seed) % 4]);
		t0 = now();
		st = exchange(v, "/api/vote", vote, body, sizeof(body));
		if (st == 200) {
			lat_add(&v->vote, (now() - t0) * 1e3);
			if (v->nacked == v->capacked) {
				v->capacked = v->capacked ? 2 * v->capacked :
				    1024;
				v->acked = realloc(v->acked, v->capacked *
				    sizeof(*v->acked));
				if (v->acked == NULL)
					abort();
			}
			memcpy(v->acked[v->nacked++], id, 33);
		} else if (st == 409) {
			v->conflicts++;
		} else if (st == -1) {
			v->errors++;
			usleep(20000);
		} else {
			v->other++;
		}
	}
	if (v->fd != -1)
		close(v->fd);
	free(v->buf);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(struct lat *l, double q)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(q / 100 * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

int
main(int argc, char *argv[])
{
	struct lat all_b = { 0 }, all_v = { 0 };
	unsigned long long errors = 0, conflicts = 0, other = 0, votes = 0;
	char **tokens = NULL, line[512];
	size_t ntokens = 0, i, k;
	struct voter *vs;
	double secs, t0;
	int n;
	FILE *f;

	if (argc < 5) {
		fprintf(stderr, "usage: arena-load PORT VOTERS SECONDS ACKFILE "
		    "[TOKENS]\n");
		return 64;
	}
	g_port = atoi(argv[1]);
	n = atoi(argv[2]);
	secs = atof(argv[3]);
	if (g_port <= 0 || n <= 0 || n > 2000 || secs <= 0 || secs > 600) {
		fprintf(stderr, "arena-load: bad arguments (at most 2000 "
		    "voters and 600 s)\n");
		return 64;
	}
	if (argc > 5) {
		if ((f = fopen(argv[5], "r")) == NULL) {
			perror(argv[5]);
			return 66;
		}
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] == '\0' || line[0] == '#')
				continue;
			tokens = realloc(tokens, (ntokens + 1) *
			    sizeof(*tokens));
			tokens[ntokens++] = strdup(line);
		}
		fclose(f);
	}
	vs = calloc((size_t)n, sizeof(*vs));
	t0 = now();
	g_deadline = t0 + secs;
	for (i = 0; i < (size_t)n; i++) {
		vs[i].id = (int)i;
		vs[i].seed = (unsigned)i * 2654435761u + 1;
		vs[i].token = ntokens ? tokens[i % ntokens] : NULL;
		if (pthread_create(&vs[i].th, NULL, run, &vs[i]) != 0) {
			fprintf(stderr, "arena-load: cannot start a thread\n");
			return 71;
		}
	}
	if ((f = fopen(argv[4], "w")) == NULL) {
		perror(argv[4]);
		return 73;
	}
	for (i = 0; i < (size_t)n; i++) {
		pthread_join(vs[i].th, NULL);
		for (k = 0; k < vs[i].battle.n; k++)
			lat_add(&all_b, vs[i].battle.v[k]);
		for (k = 0; k < vs[i].vote.n; k++)
			lat_add(&all_v, vs[i].vote.v[k]);
		for (k = 0; k < vs[i].nacked; k++)
			fprintf(f, "%s\n", vs[i].acked[k]);
		votes += vs[i].nacked;
		errors += vs[i].errors;
		conflicts += vs[i].conflicts;
		other += vs[i].other;
	}
	if (fclose(f) != 0) {
		perror(argv[4]);
		return 74;
	}
	secs = now() - t0;
	qsort(all_b.v, all_b.n, sizeof(double), cmp);
	qsort(all_v.v, all_v.n, sizeof(double), cmp);
	printf("voters %d\nseconds %.1f\nbattles %zu\nacknowledged_votes %llu\n"
	    "votes_per_s %.0f\nbattle_p50_ms %.2f\nbattle_p99_ms %.2f\n"
	    "vote_p50_ms %.2f\nvote_p99_ms %.2f\nconnection_errors %llu\n"
	    "conflicts %llu\nother_status %llu\n", n, secs, all_b.n, votes,
	    (double)votes / secs, pct(&all_b, 50), pct(&all_b, 99),
	    pct(&all_v, 50), pct(&all_v, 99), errors, conflicts, other);
	return 0;
}
