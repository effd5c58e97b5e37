/* jsonw.c: Python-compatible JSON serialisation and float repr. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static const char hexd[] = "0123456789abcdef";

static void
add_u(struct buf *out, unsigned cp)
{
	char e[6] = { '\\', 'u', hexd[(cp >> 12) & 15], hexd[(cp >> 8) & 15],
	    hexd[(cp >> 4) & 15], hexd[cp & 15] };

	buf_add(out, e, 6);
}

/* Decode one UTF-8 sequence (input is known valid); returns its length. */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (s[0] < 0x80 || n < 2) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		*cp = ((unsigned)(s[0] & 0x0F) << 12) |
		    ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if (n >= 4) {
		*cp = ((unsigned)(s[0] & 0x07) << 18) |
		    ((unsigned)(s[1] & 0x3F) << 12) |
		    ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	*cp = s[0];
	return 1;
}

void
jsonw_string(struct buf *out, const char *str, size_t n, int flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	buf_grow(out, n + 2);
	buf_addc(out, '"');
	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;

		if (c >= 0x20 && c != '"' && c != '\\' &&
		    (c < 0x7F || !(flags & JSONW_ENSURE_ASCII))) {
			i++;
			run++;
			continue;
		}
		if (run) {
			buf_add(out, s + i - run, run);
			run = 0;
		}
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		}
		if (esc != NULL) {
			buf_adds(out, esc);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			add_u(out, c);
			i++;
		} else {
			unsigned cp;

			i += utf8_decode(s + i, n - i, &cp);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				add_u(out, 0xD800 | (cp >> 10));
				add_u(out, 0xDC00 | (cp & 0x3FF));
			} else
				add_u(out, cp);
		}
	}
	if (run)
		buf_add(out, s + i - run, run);
	buf_addc(out, '"');
}

void
jsonw_double(struct buf *out, double x)
{
	char tmp[40], digits[24];
	int prec, exp10, nd = 0, i;
	char *e;

	if (isnan(x)) {
		buf_adds(out, "nan");
		return;
	}
	if (isinf(x)) {
		buf_adds(out, x < 0 ? "-inf" : "inf");
		return;
	}
	if (x == 0) {
		buf_adds(out, signbit(x) ? "-0.0" : "0.0");
		return;
	}
	/* Shortest precision that reads back to the same double. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]XX: collect digits and the exponent. */
	for (i = 0; tmp[i] != 'e'; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9')
			digits[nd++] = tmp[i];
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (x < 0)
		buf_addc(out, '-');
	if (exp10 < -4 || exp10 >= 16) {
		buf_addc(out, digits[0]);
		if (nd > 1) {
			buf_addc(out, '.');
			buf_add(out, digits + 1, (size_t)nd - 1);
		}
		buf_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+',
		    exp10 < 0 ? -exp10 : exp10);
	} else if (exp10 < 0) {
		buf_adds(out, "0.");
		for (i = -1; i > exp10; i--)
			buf_addc(out, '0');
		buf_add(out, digits, (size_t)nd);
	} else {
		int intd = exp10 + 1;

		for (i = 0; i < intd; i++)
			buf_addc(out, i < nd ? digits[i] : '0');
		buf_addc(out, '.');
		if (nd > intd)
			buf_add(out, digits + intd, (size_t)(nd - intd));
		else
			buf_addc(out, '0');
	}
}

double
jsonw_round(double x, int ndigits)
{
	char tmp[400];

	if (!isfinite(x))
		return x;
	/* glibc formats the exact binary value, correctly rounded. */
	snprintf(tmp, sizeof(tmp), "%.*f", ndigits, x);
	return strtod(tmp, NULL);
}

json_t *
jsonw_real(double x, int ndigits)
{
	if (!isfinite(x))
		return json_null();
	return json_real(ndigits >= 0 ? jsonw_round(x, ndigits) : x);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void dump(struct buf *out, const json_t *v, int flags);

static void
dump_sorted(struct buf *out, const json_t *v, int flags, const char *sep,
    const char *kv)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = xmalloc((n ? n : 1) * sizeof(*keys));
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)v, key, val)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	buf_addc(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			buf_adds(out, sep);
		jsonw_string(out, keys[i], strlen(keys[i]), flags);
		buf_adds(out, kv);
		dump(out, json_object_get(v, keys[i]), flags);
	}
	buf_addc(out, '}');
	free(keys);
}

static void
dump(struct buf *out, const json_t *v, int flags)
{
	const char *sep = (flags & JSONW_COMPACT) ? "," : ", ";
	const char *kv = (flags & JSONW_COMPACT) ? ":" : ": ";

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		int first = 1;

		if (flags & JSONW_SORT_KEYS) {
			dump_sorted(out, v, flags, sep, kv);
			break;
		}
		buf_addc(out, '{');
		json_object_foreach((json_t *)v, key, val) {
			if (!first)
				buf_adds(out, sep);
			first = 0;
			jsonw_string(out, key, strlen(key), flags);
			buf_adds(out, kv);
			dump(out, val, flags);
		}
		buf_addc(out, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *val;

		buf_addc(out, '[');
		json_array_foreach(v, i, val) {
			if (i)
				buf_adds(out, sep);
			dump(out, val, flags);
		}
		buf_addc(out, ']');
		break;
	}
	case JSON_STRING:
		jsonw_string(out, json_string_value(v), json_string_length(v),
		    flags);
		break;
	case JSON_INTEGER:
		buf_printf(out, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL: {
		double x = json_real_value(v);

		if (isnan(x))
			buf_adds(out, "NaN");
		else if (isinf(x))
			buf_adds(out, x < 0 ? "-Infinity" : "Infinity");
		else
			jsonw_double(out, x);
		break;
	}
	case JSON_TRUE:
		buf_adds(out, "true");
		break;
	case JSON_FALSE:
		buf_adds(out, "false");
		break;
	case JSON_NULL:
		buf_adds(out, "null");
		break;
	}
}

void
jsonw_dump(struct buf *out, const json_t *v, int flags)
{
	dump(out, v, flags);
}

int
jsonw_write_line(FILE *f, const json_t *v, int flags)
{
	struct buf b;
	int rc = 0;

	buf_init(&b);
	dump(&b, v, flags);
	buf_addc(&b, '\n');
	if (fwrite(b.p, 1, b.len, f) != b.len)
		rc = -1;
	buf_release(&b);
	return rc;
}
