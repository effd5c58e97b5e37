/* statfmt.h: matrices, categories and judge diagnostics as JSON and CSV. */
#ifndef JUDGEPIPE_STATFMT_H
#define JUDGEPIPE_STATFMT_H

#include <jansson.h>

#include "buf.h"
#include "category.h"
#include "judgediag.h"
#include "matrix.h"

/*
 * The numbers of matrix.h, category.h and judgediag.h written out; the
 * statistics themselves live in those modules.  The JSON values are new
 * references: show-result --format json prints each as one line, and the
 * report page reads the same objects.  Non-finite numbers become null.
 * digits >= 0 rounds the probabilities and rates (the page uses 4); -1
 * keeps full precision.
 */

/*
 * {"type": "matrix", "board", "models": [...], "predicted": [[...]],
 * "observed": [[... | null]], "games": [[...]], "star": bool}
 */
json_t *statfmt_matrix(const struct matrix *mx, const char *board,
    int digits);

/*
 * {"type": "categories", "key", "categories": [...], "questions": [...],
 * "models": [...], "score": [[per category] per model], "games": [[...]]}
 */
json_t *statfmt_categories(const struct category_scores *cs, int digits);

/*
 * Appends to arr one {"type": "judge", ...} per judge, one
 * {"type": "judge_pair", ...} per pair of judges and one
 * {"type": "self_preference", ...} per judge that judged itself.
 */
void statfmt_judges(json_t *arr, const struct judgediag *jd, int digits);

/* CSV: "model,<model>..." then one row of probabilities per model. */
void statfmt_predicted_csv(struct buf *out, const struct matrix *mx);

/* CSV: model_a,model_b,games,win_fraction for every ordered pair met. */
void statfmt_observed_csv(struct buf *out, const struct matrix *mx);

/* CSV: model,category,questions,games,score (long form). */
void statfmt_categories_csv(struct buf *out, const struct category_scores *cs);

/* CSV: one row per judge, then judge_pairs CSV: one row per pair. */
void statfmt_judges_csv(struct buf *out, const struct judgediag *jd);
void statfmt_judge_pairs_csv(struct buf *out, const struct judgediag *jd);

#endif
