/* recs_models.h — the recommender's models that need linear algebra, fitted with LAPACK/BLAS
 * (Debian's liblapacke/libopenblas): EASE, the item-item weights the site stores and serves, and
 * implicit ALS, the matrix factorisation marquee-eval-recs measures beside it. Only the sync and
 * evaluation tools (and the unit tests) link these; the workers read stored lists and never do.
 *
 * EASE (Steck, "Embarrassingly Shallow Autoencoders", 2019): with X the members × items matrix of
 * positive events (1 where a member rated highly, liked, watched, …), B = I − P·diag(1/diag(P))
 * for P = (XᵀX + λI)⁻¹, so that a member's score for item j is Σ_i x_i B_ij. P is dense, so it is
 * fitted over the dense_max most-interacted items only (dense_max² floats: 400 MB at 10,000);
 * items beyond them (the long tail) get cosine neighbours (recs.h), scaled to EASE's weights.
 *
 * Items are dense indexes 0..n_items-1, as in recs.h. Events with weight <= 0 are left out and
 * repeats count once (X is binary).
 */
#ifndef MQ_RECS_MODELS_H
#define MQ_RECS_MODELS_H

#include "core/recs.h"

#include <stddef.h>

/* The dense EASE weights: B[a * n + b] is the weight from dense item a to dense item b (items[a]
 * and items[b] in the caller's indexes); B[a * n + a] = 0. */
typedef struct mq_recs_ease {
	int n;
	int *items;      /* dense index → item, most interacted first (ties by index) */
	int *dense;      /* item → dense index, or -1 (n_items of them) */
	float *B;
} mq_recs_ease;

/* Fits EASE over at most dense_max items (those most members interacted with) with
 * regularisation lambda. NULL when the factorisation fails (it cannot for lambda > 0 but on
 * out-of-memory inside LAPACK). Caller owns; mq_recs_ease_free(). */
mq_recs_ease *mq_recs_ease_fit(const mq_recs_event *events, size_t n, int n_users, int n_items, int dense_max,
			       float lambda);
void mq_recs_ease_free(mq_recs_ease *e);   /* accepts NULL */

/* Stored lists from a fit: each dense item's k largest weights (negatives too when fewer than k
 * are positive, best first), and for items outside the dense set with events their cosine
 * neighbours (mq_recs_train with shrink) scaled so that their mean best weight matches the dense
 * items' mean best weight. Caller owns; mq_recs_model_free(). */
mq_recs_model *mq_recs_ease_lists(const mq_recs_ease *e, const mq_recs_event *events, size_t n, int n_users,
				  int n_items, int k, float shrink);

/* Implicit ALS (Hu, Koren and Volinsky 2008): factors of f numbers per member and item, confidence
 * 1 + alpha for an event, regularisation lambda, iters alternating rounds from a fixed seed.
 * users[n_users * f] and items[n_items * f] (caller's, overwritten): a member's score for item j
 * is their dot product. 0 on success, -1 when a solve fails. */
int mq_recs_als_fit(const mq_recs_event *events, size_t n, int n_users, int n_items, int f, float alpha,
		    float lambda, int iters, unsigned long long seed, float *users, float *items);

/* A member's factors from the item factors alone (items[n_items * f], their Gram matrix YtY from
 * mq_recs_als_gram): for members whose latest events the fit did not see. own[n]: their items.
 * 0 on success. */
void mq_recs_als_gram(const float *items, int n_items, int f, float *YtY);
int mq_recs_als_fold_in(const float *items, const float *YtY, int f, float alpha, float lambda, const int *own,
			size_t n, float *out);

#endif
