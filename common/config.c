/* config.c: libyaml documents to jansson trees with PyYAML's typing. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "jsonl.h"

/*
 * Aliases let a few hundred bytes stand for billions of nodes (nine
 * aliases of nine aliases of ... a list), and the tree copies every alias
 * in full.  A configuration is a few KB, so a document that expands past
 * these is refused before anything is built.
 */
#define EXPAND_MAX_NODES	50000
#define EXPAND_MAX_BYTES	(4u << 20)	/* of scalar text */
#define MAX_DEPTH		200

struct node_line {
	const json_t *node;
	long line;
};

struct config_doc {
	char *path;
	json_t *root;
	struct node_line *lines;
	size_t n_lines, cap_lines;
};

static void
note_line(struct config_doc *c, const json_t *node, long line)
{
	if (c->n_lines == c->cap_lines) {
		c->cap_lines = c->cap_lines ? c->cap_lines * 2 : 64;
		c->lines = xrealloc(c->lines,
		    c->cap_lines * sizeof(*c->lines));
	}
	c->lines[c->n_lines].node = node;
	c->lines[c->n_lines].line = line;
	c->n_lines++;
}

long
config_line(const struct config_doc *c, const json_t *node)
{
	size_t i;

	if (c == NULL || node == NULL)
		return 0;
	for (i = 0; i < c->n_lines; i++)
		if (c->lines[i].node == node)
			return c->lines[i].line;
	return 0;
}

/*
 * PyYAML's implicit resolvers, as extended regular expressions.  They are
 * compiled once per process (compiling them for every scalar made loading
 * a config allocation-bound) and only read afterwards; regexec may share
 * them between threads.
 */
enum scalar_re {
	RE_NULL, RE_TRUE, RE_FALSE, RE_BIN, RE_HEX, RE_OCT, RE_DEC,
	RE_SEXA_INT, RE_FLOAT, RE_FLOAT_DOT, RE_SEXA_FLOAT, RE_INF, RE_NAN,
	RE_N
};

static const char *const scalar_re_src[RE_N] = {
	[RE_NULL] = "^(~|null|Null|NULL|)$",
	[RE_TRUE] = "^(yes|Yes|YES|true|True|TRUE|on|On|ON)$",
	[RE_FALSE] = "^(no|No|NO|false|False|FALSE|off|Off|OFF)$",
	[RE_BIN] = "^[-+]?0b[0-1_]+$",
	[RE_HEX] = "^[-+]?0x[0-9a-fA-F_]+$",
	[RE_OCT] = "^[-+]?0[0-7_]+$",
	[RE_DEC] = "^[-+]?(0|[1-9][0-9_]*)$",
	[RE_SEXA_INT] = "^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
	[RE_FLOAT] = "^[-+]?([0-9][0-9_]*)\\.[0-9_]*([eE][-+][0-9]+)?$",
	[RE_FLOAT_DOT] = "^\\.[0-9][0-9_]*([eE][-+][0-9]+)?$",
	[RE_SEXA_FLOAT] = "^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
	[RE_INF] = "^[-+]?\\.(inf|Inf|INF)$",
	[RE_NAN] = "^\\.(nan|NaN|NAN)$",
};
static regex_t scalar_re[RE_N];
static pthread_once_t scalar_re_once = PTHREAD_ONCE_INIT;

static void
scalar_re_init(void)
{
	int i;

	/* The patterns are constants: failing to compile one is a bug. */
	for (i = 0; i < RE_N; i++)
		if (regcomp(&scalar_re[i], scalar_re_src[i],
		    REG_EXTENDED | REG_NOSUB) != 0)
			abort();
}

/* Whole-string match of one of the resolvers' patterns. */
static int
matches(enum scalar_re re, const char *s)
{
	pthread_once(&scalar_re_once, scalar_re_init);
	return regexec(&scalar_re[re], s, 0, NULL, 0) == 0;
}

/* s without '_' characters (malloc'ed). */
static char *
strip_us(const char *s)
{
	char *o = xmalloc(strlen(s) + 1), *p = o;

	for (; *s; s++)
		if (*s != '_')
			*p++ = *s;
	*p = '\0';
	return o;
}

static json_t *
int_from(const char *s, int base, int *bad)
{
	char *t = strip_us(s), *end;
	const char *p = t;
	int neg = 0;
	unsigned long long v;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (base == 16 || base == 2)
		p += 2;		/* 0x, 0b */
	errno = 0;
	v = *p ? strtoull(p, &end, base) : 0;
	if (errno != 0 || (neg ? v > (unsigned long long)INT64_MAX + 1 :
	    v > INT64_MAX)) {
		*bad = 1;
		free(t);
		return json_string(s);
	}
	free(t);
	return json_integer(neg ? (json_int_t)(0 - v) : (json_int_t)v);
}

/* Base-60 "1:30[:15][.5]": PyYAML sums digits * 60^k. */
static double
sexagesimal(const char *s, int *neg)
{
	char *t = strip_us(s), *p = t, *tok, *save = NULL;
	double v = 0;

	*neg = 0;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	for (tok = strtok_r(p, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save))
		v = v * 60 + strtod(tok, NULL);
	free(t);
	return v;
}

/* The same for integers, exactly; beyond int64 sets *bad. */
static json_t *
sexagesimal_int(const char *s, int *bad)
{
	char *t = strip_us(s), *p = t, *tok, *save = NULL;
	long long v = 0, digit;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (tok = strtok_r(p, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		errno = 0;
		digit = strtoll(tok, NULL, 10);
		if (errno != 0 || __builtin_mul_overflow(v, 60, &v) ||
		    __builtin_add_overflow(v, digit, &v)) {
			*bad = 1;
			free(t);
			return json_string(s);
		}
	}
	free(t);
	return json_integer(neg ? -v : v);
}

json_t *
config_plain_scalar(const char *s, int *bad)
{
	*bad = 0;
	if (matches(RE_NULL, s))
		return json_null();
	if (matches(RE_TRUE, s))
		return json_true();
	if (matches(RE_FALSE, s))
		return json_false();
	if (matches(RE_BIN, s))
		return int_from(s, 2, bad);
	if (matches(RE_HEX, s))
		return int_from(s, 16, bad);
	if (matches(RE_OCT, s))
		return int_from(s, 8, bad);
	if (matches(RE_DEC, s))
		return int_from(s, 10, bad);
	if (matches(RE_SEXA_INT, s))
		return sexagesimal_int(s, bad);
	if (matches(RE_FLOAT, s) || matches(RE_FLOAT_DOT, s)) {
		char *t = strip_us(s);
		double v = strtod(t, NULL);

		free(t);
		if (!isfinite(v)) {
			*bad = 1;
			return json_string(s);
		}
		return json_real(v);
	}
	if (matches(RE_SEXA_FLOAT, s)) {
		int neg;
		double v = sexagesimal(s, &neg);

		return json_real(neg ? -v : v);
	}
	if (matches(RE_INF, s) || matches(RE_NAN, s)) {
		*bad = 1;
		return json_string(s);
	}
	return json_string(s);
}

static json_t *convert(struct config_doc *c, yaml_document_t *doc,
    yaml_node_t *n, int depth, struct diag *d);

static int
merge_into(json_t *obj, json_t *src)
{
	const char *k;
	json_t *v;

	if (!json_is_object(src))
		return -1;
	json_object_foreach(src, k, v)
		if (json_object_get(obj, k) == NULL)
			json_object_set(obj, k, v);
	return 0;
}

static json_t *
convert_map(struct config_doc *c, yaml_document_t *doc, yaml_node_t *n,
    int depth, struct diag *d)
{
	json_t *obj = json_object(), *merges = json_array();
	yaml_node_pair_t *p;
	size_t i;

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		json_t *jv;
		char *key;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE) {
			diag_set(d, EX_CONFIG, c->path,
			    (long)(k ? k->start_mark.line + 1 : 0),
			    "unsupported mapping key");
			goto fail;
		}
		key = xstrndup((const char *)k->data.scalar.value,
		    k->data.scalar.length);
		jv = convert(c, doc, v, depth + 1, d);
		if (jv == NULL) {
			free(key);
			goto fail;
		}
		if (strcmp(key, "<<") == 0 &&
		    k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			if (json_is_array(jv))
				json_array_extend(merges, jv);
			else
				json_array_append(merges, jv);
			json_decref(jv);
		} else
			json_object_set_new(obj, key, jv);
		free(key);
	}
	/* Merged keys never override explicit ones; earlier merges win. */
	for (i = 0; i < json_array_size(merges); i++)
		if (merge_into(obj, json_array_get(merges, i)) == -1) {
			diag_set(d, EX_CONFIG, c->path,
			    (long)n->start_mark.line + 1,
			    "'<<' merges something that is not a mapping");
			goto fail;
		}
	json_decref(merges);
	return obj;
fail:
	json_decref(merges);
	json_decref(obj);
	return NULL;
}

static json_t *
convert(struct config_doc *c, yaml_document_t *doc, yaml_node_t *n,
    int depth, struct diag *d)
{
	json_t *j = NULL;
	long line = (long)n->start_mark.line + 1;

	if (depth > MAX_DEPTH) {
		diag_set(d, EX_CONFIG, c->path, line, "nesting too deep");
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)n->data.scalar.value;
		int bad = 0;

		/* Quoted and block scalars are strings; plain ones are typed. */
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			j = json_stringn(s, n->data.scalar.length);
		else
			j = config_plain_scalar(s, &bad);
		if (j == NULL || bad) {
			json_decref(j);
			diag_set(d, EX_CONFIG, c->path, line,
			    "unsupported value '%s'", s);
			return NULL;
		}
		break;
	}
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;

		j = json_array();
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			json_t *v = convert(c, doc,
			    yaml_document_get_node(doc, *it), depth + 1, d);

			if (v == NULL) {
				json_decref(j);
				return NULL;
			}
			json_array_append_new(j, v);
		}
		break;
	}
	case YAML_MAPPING_NODE:
		j = convert_map(c, doc, n, depth, d);
		if (j == NULL)
			return NULL;
		break;
	default:
		diag_set(d, EX_CONFIG, c->path, line, "empty YAML node");
		return NULL;
	}
	note_line(c, j, line);
	return j;
}

/*
 * What each node of a libyaml document expands to once its aliases are
 * copied: nodes and scalar bytes, saturating just past the limits.  A node
 * id indexes the arrays (from 1); state is 0 new, 1 being measured (an
 * alias back to it is a cycle), 2 measured.
 */
struct expansion {
	yaml_document_t *doc;
	const char *path;
	uint64_t *nodes;
	uint64_t *bytes;
	unsigned char *state;
};

static uint64_t
sat_add(uint64_t a, uint64_t b, uint64_t max)
{
	return a + b > max ? max + 1 : a + b;
}

/* The children of n, in document order, as node ids. */
static size_t
children(const yaml_node_t *n, size_t i, int *id)
{
	size_t k;

	if (n->type == YAML_SEQUENCE_NODE) {
		k = (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
		if (i < k)
			*id = n->data.sequence.items.start[i];
		return k;
	}
	if (n->type == YAML_MAPPING_NODE) {
		k = 2 * (size_t)(n->data.mapping.pairs.top -
		    n->data.mapping.pairs.start);
		if (i < k)
			*id = i % 2 == 0 ?
			    n->data.mapping.pairs.start[i / 2].key :
			    n->data.mapping.pairs.start[i / 2].value;
		return k;
	}
	return 0;
}

/* Measure node id (memoised).  Returns 0, or -1 with d set. */
static int
measure(struct expansion *x, int id, int depth, struct diag *d)
{
	yaml_node_t *n = yaml_document_get_node(x->doc, id);
	uint64_t nodes = 1, bytes = 0;
	size_t i, k;
	int c = 0;

	if (n == NULL)
		return diag_set(d, EX_CONFIG, x->path, 0, "empty YAML node");
	if (x->state[id] == 2)
		return 0;
	if (x->state[id] == 1)
		return diag_set(d, EX_CONFIG, x->path,
		    (long)n->start_mark.line + 1, "recursive YAML alias");
	if (depth > MAX_DEPTH)
		return diag_set(d, EX_CONFIG, x->path,
		    (long)n->start_mark.line + 1, "nesting too deep");
	x->state[id] = 1;
	if (n->type == YAML_SCALAR_NODE)
		bytes = n->data.scalar.length;
	k = children(n, 0, &c);
	for (i = 0; i < k; i++) {
		children(n, i, &c);
		if (measure(x, c, depth + 1, d) == -1)
			return -1;
		nodes = sat_add(nodes, x->nodes[c], EXPAND_MAX_NODES);
		bytes = sat_add(bytes, x->bytes[c], EXPAND_MAX_BYTES);
	}
	x->nodes[id] = nodes;
	x->bytes[id] = bytes;
	x->state[id] = 2;
	return 0;
}

/*
 * The line where the expansion first goes past the limits, in document
 * order: descend into the child that crosses them while it is defined
 * there; a child defined before its parent started is an alias, and the
 * parent's line is the answer.
 */
static long
crossing_line(const struct expansion *x, int id)
{
	uint64_t nodes = 0, bytes = 0, nn, nb;
	yaml_node_t *n;
	size_t i, k;
	int c = 0;

	for (;;) {
		n = yaml_document_get_node(x->doc, id);
		k = children(n, 0, &c);
		for (i = 0; i < k; i++) {
			children(n, i, &c);
			nn = sat_add(nodes, x->nodes[c], EXPAND_MAX_NODES);
			nb = sat_add(bytes, x->bytes[c], EXPAND_MAX_BYTES);
			if (nn > EXPAND_MAX_NODES || nb > EXPAND_MAX_BYTES)
				break;
			nodes = nn;
			bytes = nb;
		}
		if (i == k || c <= id)
			return (long)n->start_mark.line + 1;
		id = c;
	}
}

/*
 * Refuse a document whose aliases expand past the limits, or that holds
 * a recursive alias.  Returns 0, or -1 with d set (EX_CONFIG).
 */
static int
check_expansion(const char *path, yaml_document_t *doc, struct diag *d)
{
	struct expansion x;
	size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
	int r;

	x.doc = doc;
	x.path = path;
	x.nodes = xcalloc(n + 1, sizeof(*x.nodes));
	x.bytes = xcalloc(n + 1, sizeof(*x.bytes));
	x.state = xcalloc(n + 1, sizeof(*x.state));
	r = measure(&x, 1, 0, d);
	if (r == 0 && x.nodes[1] > EXPAND_MAX_NODES)
		r = diag_set(d, EX_CONFIG, path, crossing_line(&x, 1),
		    "YAML aliases expand to more than %d nodes",
		    EXPAND_MAX_NODES);
	else if (r == 0 && x.bytes[1] > EXPAND_MAX_BYTES)
		r = diag_set(d, EX_CONFIG, path, crossing_line(&x, 1),
		    "YAML aliases expand to more than %u MiB of text",
		    EXPAND_MAX_BYTES >> 20);
	free(x.nodes);
	free(x.bytes);
	free(x.state);
	return r;
}

struct config_doc *
config_load_mem(const char *name, const char *p, size_t n, struct diag *d)
{
	struct config_doc *c = xcalloc(1, sizeof(*c));
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	int ok;

	c->path = xstrdup(name);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)p, n);
	if (!yaml_parser_load(&parser, &doc)) {
		diag_set(d, EX_CONFIG, name, (long)parser.problem_mark.line + 1,
		    "invalid YAML: %s", parser.problem ? parser.problem :
		    "parse error");
		yaml_parser_delete(&parser);
		config_free(c);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	ok = 1;
	if (root != NULL && check_expansion(name, &doc, d) == -1)
		ok = 0;
	else if (root != NULL) {
		c->root = convert(c, &doc, root, 0, d);
		ok = c->root != NULL;
	}
	yaml_document_delete(&doc);
	if (ok) {
		if (!yaml_parser_load(&parser, &extra)) {
			diag_set(d, EX_CONFIG, name,
			    (long)parser.problem_mark.line + 1,
			    "invalid YAML: %s", parser.problem ?
			    parser.problem : "parse error");
			ok = 0;
		} else {
			if (yaml_document_get_root_node(&extra) != NULL) {
				diag_set(d, EX_CONFIG, name, 0,
				    "more than one YAML document");
				ok = 0;
			}
			yaml_document_delete(&extra);
		}
	}
	yaml_parser_delete(&parser);
	if (!ok) {
		config_free(c);
		return NULL;
	}
	return c;
}

struct config_doc *
config_load(const char *path, struct diag *d)
{
	struct config_doc *c;
	char *data;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return diag_set(d, EX_NOINPUT, NULL, 0, "cannot open '%s': %s",
		    path, strerror(errno)), NULL;
	fclose(f);
	if (jsonl_slurp(path, &data, &n, d) == -1)
		return NULL;
	c = config_load_mem(path, data, n, d);
	free(data);
	return c;
}

void
config_free(struct config_doc *c)
{
	if (c == NULL)
		return;
	json_decref(c->root);
	free(c->lines);
	free(c->path);
	free(c);
}

json_t *
config_root(const struct config_doc *c)
{
	return c->root;
}

const char *
config_path(const struct config_doc *c)
{
	return c->path;
}
