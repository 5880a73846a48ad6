/* recs.h — the recommender's arithmetic, apart from where the data lives: item-to-item
 * neighbours learnt from who interacted with what, and the score of every candidate for one
 * member. The sync binary trains and stores the neighbours (marquee-sync neighbours), the users
 * worker scores with them (recommend.h), and marquee-eval-recs measures both against MovieLens
 * with the very same functions.
 *
 * Items are dense indexes 0..n_items-1 here; callers map them to movies.
 */
#ifndef MQ_RECS_H
#define MQ_RECS_H

#include <stddef.h>

/* One member's interaction with one item: rated, liked, watched, … weight > 0 counts it. */
typedef struct mq_recs_event {
	int user, item;
	float weight;
} mq_recs_event;

typedef struct mq_recs_neighbour {
	int item;
	float sim;
} mq_recs_neighbour;

/* Each item's k most similar items, best first (fewer when it has fewer). */
typedef struct mq_recs_model {
	int n_items, k;
	int *count;                    /* neighbours of item i: count[i] */
	mq_recs_neighbour *neighbours; /* item i's at neighbours[i * k] */
	int *popularity;               /* members who interacted with item i */
} mq_recs_model;

/* The positive events (weight > 0, in range) by member, sorted by item, repeats once: member u's
 * items are (*items)[(*start)[u] .. (*start)[u + 1]]. Returns how many; the caller owns and frees
 * *start (n_users + 1) and *items. */
size_t mq_recs_by_user(const mq_recs_event *events, size_t n, int n_users, int n_items, size_t **start,
		       int **items);

/* Learns the neighbours from events[n] (users 0..n_users-1, items 0..n_items-1): cosine of the
 * items' member sets, sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|), shrunk towards 0 for pairs
 * few members share (· c / (c + shrink)). Events with weight <= 0 are left out; repeats count
 * once. Caller owns; mq_recs_model_free(). */
mq_recs_model *mq_recs_train(const mq_recs_event *events, size_t n, int n_users, int n_items, int k,
			     float shrink);
void mq_recs_model_free(mq_recs_model *m);   /* accepts NULL */

/* How a member's scores are blended. */
typedef struct mq_recs_weights {
	float neighbours;   /* Σ over the member's items of their weight × similarity */
	float content;      /* the candidate's content match (content[], 0..1) */
	float quality;      /* the candidate's quality prior (quality[], 0..1) */
} mq_recs_weights;

/* Scores every item for a member whose items are items[n] with weights (how much each says of
 * their taste: a 9/10 more than a 6/10; a dislike negative). content and quality (n_items each,
 * may be NULL) add in with their weights. scores[n_items] is overwritten; items of the member's
 * own get -INFINITY, as do those with excluded[i] set (may be NULL). because[n_items] (may be
 * NULL) gets, for each item, the member's item that contributed most to it (-1: none). Of m, only
 * the lists (count, neighbours) of items[] are read: a caller may keep rows for those alone. */
void mq_recs_score(const mq_recs_model *m, const int *items, const float *weights, size_t n,
		   const float *content, const float *quality, const unsigned char *excluded,
		   mq_recs_weights w, float *scores, int *because);

/* The top n items by score (ties by index), skipping -INFINITY: into out[], returning how many.
 * With groups (n_items, may be NULL: an item's main genre, -1 for none) no more than max_run
 * items of one group follow each other while others are left (a diverse list). */
size_t mq_recs_top(const float *scores, int n_items, const int *groups, int max_run, int *out, size_t n);

/* The weighted rating (IMDb's): v/(v+m)·R + m/(v+m)·C for R the item's mean, v its votes, C the
 * mean over all and m the votes that count as "enough". */
double mq_recs_weighted_rating(double mean, double votes, double all_mean, double enough);

/* The next number of a fixed stream (splitmix64) from *state: reentrant, the same on every run
 * for the same seed. */
unsigned long long mq_recs_random(unsigned long long *state);

#endif
