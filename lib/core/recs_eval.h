/* recs_eval.h — how marquee-eval-recs measures the recommender honestly: a temporal hold-out per
 * member with nothing later in training, groups of members that share one training cut, the
 * top-10 metrics and paired bootstrap intervals. No I/O; tested in tests/lib/check_recs_eval.c.
 *
 * The split: per member, the most recent share of their liked ratings (value >= liked) is held
 * out, most recent by (time, item), so that equal timestamps always fall the same way; the
 * member's cut is the time of their first held-out rating. A member is scored by a model trained
 * only on ratings (anyone's) made before that cut — nothing that happened at or after it — and
 * from their own ratings before it. Members are put into groups by cut so that one model serves a
 * group: the group's model learns from what came before the group's earliest cut.
 */
#ifndef MQ_RECS_EVAL_H
#define MQ_RECS_EVAL_H

#include <stddef.h>

typedef struct mq_recs_rating {
	int user, item;
	float value;
	long long at;          /* seconds */
} mq_recs_rating;

#define MQ_RECS_NO_CUT 0x7fffffffffffffffLL

/* Sorts r[n] by member, time, then item, and holds out per member the most recent share (rounded,
 * at least one) of their liked ratings that skip (may be NULL; indexed after the sort, so give it
 * through skip_at: skip_at(rating, arg) != 0 leaves a rating out) does not leave out: held[i] set.
 * cut[u] gets the time of u's first held-out rating, or MQ_RECS_NO_CUT. */
void mq_recs_holdout(mq_recs_rating *r, size_t n, int n_users, double share, float liked,
		     int (*skip_at)(const mq_recs_rating *rating, void *arg), void *arg, unsigned char *held,
		     long long *cut);

/* Members with a cut, in order of (cut, member), into groups of about equal size: group[u] (-1 for
 * none) and group_cut[g], the earliest cut in group g. Returns the number of groups (<= groups). */
int mq_recs_cut_groups(const long long *cut, int n_users, int groups, int *group, long long *group_cut);

/* One member's precision@k, recall@k and NDCG@k of recs[n] (n <= k) against relevant[item]
 * (n_relevant of them). */
void mq_recs_metrics(const int *recs, size_t n, size_t k, const unsigned char *relevant, int n_relevant,
		     double *precision, double *recall, double *ndcg);

/* A paired bootstrap over n members of mean(a) / mean(b) (ratio set) or mean(a) − mean(b): reps
 * resamples of the members from seed; *lo and *hi get the 2.5th and 97.5th percentiles. */
void mq_recs_bootstrap(const double *a, const double *b, size_t n, int ratio, int reps, unsigned long long seed,
		       double *lo, double *hi);

#endif
