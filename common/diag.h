/* diag.h: an error record filled by common/ code and printed once by main. */
#ifndef JUDGEPIPE_DIAG_H
#define JUDGEPIPE_DIAG_H

#include <stdarg.h>
#include <sysexits.h>

#define DIAG_MSG_LEN 1024

/*
 * A diagnostic: an EX_* code (0 when empty), an optional position and a
 * message without a trailing newline.  Functions that can fail take a
 * "struct diag *" that may be NULL.
 */
struct diag {
	int code;
	char file[512];
	long line;		/* 0: no line */
	char msg[DIAG_MSG_LEN];
};

/* Clear d (NULL-safe). */
void diag_clear(struct diag *d);

/*
 * Fill d (NULL-safe) with code, position (file may be NULL) and a printf
 * message.  Always returns -1 so "return diag_set(...)" reads naturally.
 */
int diag_set(struct diag *d, int code, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int diag_vset(struct diag *d, int code, const char *file, long line,
    const char *fmt, va_list ap);

/*
 * Print d on stderr as "prog: file:line: msg" (or "prog: msg") and return
 * its code (EX_SOFTWARE when the diag is empty).
 */
int diag_print(const char *prog, const struct diag *d);

/* Print "prog: [file:line: ]warning: msg" on stderr unless quiet. */
void diag_warn(const char *prog, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Print "prog: [file:line: ]msg" on stderr (an error, not a warning). */
void diag_error(const char *prog, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Global switch for diag_warn: set by -q in main. */
void diag_set_quiet(int quiet);

/*
 * Exit-status precedence (judgepipe(7)): 64, 78, 66, 69, 75, 65.  Returns
 * whichever of a and b wins (0 loses to everything).
 */
int diag_worse(int a, int b);

#endif
