/* verdict.c: Python re.findall over a judge's text with PCRE2. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

#include "buf.h"
#include "verdict.h"

struct verdict {
	pcre2_code *code;
	int groups;		/* capturing groups: 0 or 1 */
};

/*
 * Python spells "end of string" \Z where PCRE2 spells it \z (PCRE2's \Z
 * also matches before a final newline).  Rewrite it outside character
 * classes; everything else the shipped patterns use means the same.
 */
static char *
translate(const char *p)
{
	struct buf b;
	int in_class = 0;

	buf_init(&b);
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (!in_class && p[1] == 'Z')
				buf_adds(&b, "\\z");
			else
				buf_add(&b, p, 2);
			p++;
			continue;
		}
		if (*p == '[' && !in_class) {
			in_class = 1;
			buf_addc(&b, *p);
			/* A "]" first in a class is a literal. */
			if (p[1] == '^')
				buf_addc(&b, *++p);
			if (p[1] == ']')
				buf_addc(&b, *++p);
			continue;
		}
		if (*p == ']' && in_class)
			in_class = 0;
		buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

struct verdict *
verdict_new(const char *pattern, struct diag *d)
{
	struct verdict *v;
	pcre2_compile_context *cc;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t groups;
	char *p;
	int err;

	p = translate(pattern);
	cc = pcre2_compile_context_create(NULL);
	if (cc == NULL)
		abort();
	/* Python's "." and "$" know only "\n" as a line end. */
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	v = xcalloc(1, sizeof(*v));
	v->code = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off, cc);
	pcre2_compile_context_free(cc);
	free(p);
	if (v->code == NULL) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		free(v);
		diag_set(d, EX_CONFIG, NULL, 0,
		    "regex_pattern: %s at offset %zu", (char *)msg,
		    (size_t)off);
		return NULL;
	}
	pcre2_pattern_info(v->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups > 1) {
		verdict_free(v);
		diag_set(d, EX_CONFIG, NULL, 0, "regex_pattern: %u capturing "
		    "groups (at most one is supported)", (unsigned)groups);
		return NULL;
	}
	v->groups = (int)groups;
	return v;
}

void
verdict_free(struct verdict *v)
{
	if (v == NULL)
		return;
	pcre2_code_free(v->code);
	free(v);
}

/*
 * findall over text with empty values dropped.  last == 0: stop at the
 * second distinct value (VERDICT_CONFLICT); last == 1: keep the last value
 * (VERDICT_ONE when there is any).
 */
static int
scan(const struct verdict *v, const char *text, size_t len, int last,
    char **label, struct diag *d)
{
	pcre2_match_data *md;
	PCRE2_SIZE *ov, start = 0;
	const char *first = NULL;
	size_t first_len = 0;
	uint32_t opts = 0;
	int rc, result = VERDICT_NONE;

	*label = NULL;
	md = pcre2_match_data_create_from_pattern(v->code, NULL);
	if (md == NULL)
		abort();
	while (start <= len) {
		const char *val;
		size_t vlen;

		rc = pcre2_match(v->code, (PCRE2_SPTR)text, len, start, opts,
		    md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			pcre2_match_data_free(md);
			return diag_set(d, EX_SOFTWARE, NULL, 0,
			    "verdict pattern: %s", (char *)msg);
		}
		ov = pcre2_get_ovector_pointer(md);
		/* An unset group is "" in findall, and empty values drop. */
		if (v->groups == 1 && (rc < 2 || ov[2] == PCRE2_UNSET)) {
			val = NULL;
			vlen = 0;
		} else {
			int g = v->groups;

			val = text + ov[2 * g];
			vlen = ov[2 * g + 1] - ov[2 * g];
		}
		if (vlen > 0 && last) {
			first = val;
			first_len = vlen;
			result = VERDICT_ONE;
		} else if (vlen > 0) {
			if (first == NULL) {
				first = val;
				first_len = vlen;
				result = VERDICT_ONE;
			} else if (vlen != first_len ||
			    memcmp(val, first, vlen) != 0) {
				result = VERDICT_CONFLICT;
				break;
			}
		}
		/*
		 * After an empty match Python's findall searches on from the
		 * same place but refuses another empty match there; a
		 * non-empty match may start there: PCRE2_NOTEMPTY_ATSTART.
		 */
		if (ov[1] == ov[0]) {
			if (ov[1] >= len)
				break;
			opts = PCRE2_NOTEMPTY_ATSTART;
		} else
			opts = 0;
		start = ov[1];
	}
	pcre2_match_data_free(md);
	if (result == VERDICT_ONE) {
		while (first_len > 0 && first[0] == '\n') {
			first++;
			first_len--;
		}
		while (first_len > 0 && first[first_len - 1] == '\n')
			first_len--;
		*label = xstrndup(first, first_len);
	}
	return result;
}

int
verdict_find(const struct verdict *v, const char *text, size_t len,
    char **label, struct diag *d)
{
	return scan(v, text, len, 0, label, d);
}

int
verdict_last(const struct verdict *v, const char *text, size_t len,
    char **label, struct diag *d)
{
	return scan(v, text, len, 1, label, d);
}
