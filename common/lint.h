/* lint.h: findings about a leaderboard, one of eight smells each. */
#ifndef JUDGEPIPE_LINT_H
#define JUDGEPIPE_LINT_H

#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

/*
 * The eight leaderboard smells, in alphabetical order (their names are the
 * "smell" values of the output).
 */
enum lint_smell {
	LINT_CONFUSING,		/* a name or key that misleads */
	LINT_DEPRECATED,	/* made with settings or data since replaced */
	LINT_INACCESSIBLE,	/* an endpoint that refuses or is not found */
	LINT_MISDISPLAYED,	/* a published board that shows it wrongly */
	LINT_MISMATCHED,	/* two things that should agree do not */
	LINT_MISSING,		/* something a board needs is absent */
	LINT_REDUNDANT,		/* the same thing counted twice */
	LINT_UNRESPONSIVE,	/* an endpoint that times out or fails */
	LINT_NSMELLS
};

enum lint_severity {
	LINT_WARNING,
	LINT_ERROR,
};

/*
 * One finding.  entity is "kind:name" (kinds: model, question, answer,
 * judgment, judge, score, board, config, endpoint, dataset); file and line
 * locate it (file NULL, line 0 when there is no place).
 */
struct lint_finding {
	enum lint_smell smell;
	enum lint_severity severity;
	char *entity;
	char *file;
	long line;
	char *msg;
};

/* Findings in the order they were added.  Zero it before use. */
struct lint_report {
	struct lint_finding *v;
	size_t n, cap;
	size_t errors, warnings;
};

const char *lint_smell_name(enum lint_smell s);

/*
 * Add a finding about the entity kind:name; file and the formatted message
 * are copied.  The message follows the diagnostics' style: lowercase, no
 * full stop.
 */
void lint_add(struct lint_report *r, enum lint_smell smell,
    enum lint_severity sev, const char *kind, const char *name,
    const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
void lint_vadd(struct lint_report *r, enum lint_smell smell,
    enum lint_severity sev, const char *kind, const char *name,
    const char *file, long line, const char *fmt, va_list ap);

void lint_report_release(struct lint_report *r);

/*
 * Append every finding as one JSON line {"smell", "severity", "entity",
 * "where", "message"} ("where" is "file:line", "file" or null).
 */
void lint_format_json(struct buf *out, const struct lint_report *r);

/*
 * Append the findings for people: "where: severity: smell: message
 * (entity)" per line, then a line counting errors and warnings.
 */
void lint_format_text(struct buf *out, const struct lint_report *r);

#endif
