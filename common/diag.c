/* diag.c: error records and the one place diagnostics are printed. */
#include <stdio.h>
#include <string.h>

#include "diag.h"

static int g_quiet;

void
diag_set_quiet(int quiet)
{
	g_quiet = quiet;
}

void
diag_clear(struct diag *d)
{
	if (d != NULL)
		memset(d, 0, sizeof(*d));
}

int
diag_vset(struct diag *d, int code, const char *file, long line,
    const char *fmt, va_list ap)
{
	if (d == NULL)
		return -1;
	d->code = code;
	snprintf(d->file, sizeof(d->file), "%s", file != NULL ? file : "");
	d->line = line;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	return -1;
}

int
diag_set(struct diag *d, int code, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(d, code, file, line, fmt, ap);
	va_end(ap);
	return -1;
}

static void
vprint(const char *prog, const char *file, long line, const char *kind,
    const char *fmt, va_list ap)
{
	char msg[DIAG_MSG_LEN * 2];
	int n = 0;

	n += snprintf(msg + n, sizeof(msg) - n, "%s: ", prog);
	if (file != NULL && file[0] != '\0') {
		if (line > 0)
			n += snprintf(msg + n, sizeof(msg) - n, "%s:%ld: ",
			    file, line);
		else
			n += snprintf(msg + n, sizeof(msg) - n, "%s: ", file);
	}
	if (kind != NULL)
		n += snprintf(msg + n, sizeof(msg) - n, "%s", kind);
	if (n < (int)sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	/* One write per line, so lines of concurrent processes do not mix. */
	fprintf(stderr, "%s\n", msg);
}

static void
print_plain(const char *prog, const char *file, long line, const char *kind,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(prog, file, line, kind, fmt, ap);
	va_end(ap);
}

int
diag_print(const char *prog, const struct diag *d)
{
	if (d == NULL || d->code == 0) {
		print_plain(prog, NULL, 0, NULL, "internal error");
		return EX_SOFTWARE;
	}
	print_plain(prog, d->file, d->line, NULL, "%s", d->msg);
	return d->code;
}

void
diag_warn(const char *prog, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	if (g_quiet)
		return;
	va_start(ap, fmt);
	vprint(prog, file, line, "warning: ", fmt, ap);
	va_end(ap);
}

void
diag_error(const char *prog, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(prog, file, line, NULL, fmt, ap);
	va_end(ap);
}

static int
rank(int code)
{
	switch (code) {
	case EX_USAGE:
		return 7;
	case EX_CONFIG:
		return 6;
	case EX_NOINPUT:
		return 5;
	case EX_UNAVAILABLE:
		return 4;
	case EX_TEMPFAIL:
		return 3;
	case EX_DATAERR:
		return 2;
	case 0:
		return 0;
	default:
		return 8;	/* software, I/O errors: always the worst */
	}
}

int
diag_worse(int a, int b)
{
	return rank(b) > rank(a) ? b : a;
}
