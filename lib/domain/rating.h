/* rating.h — ratings and reviews (the ratings collection) and the rating fields of
 * their movie.
 *
 * One rating per user and movie (a unique index: a second one is MQ_ECONFLICT). A rating is
 * 1–10 in steps of a half. After every create, update and delete the movie's rating_sum,
 * rating_count and average_rating are tallied again from its ratings (never moved by deltas,
 * which a server whose updates are a find then a write can lose), until a second tally agrees:
 * exact under any concurrency, with no lock in any process (see rating.c). A delete or update
 * is decided by the database's count of what it changed: of two identical deletes one succeeds
 * and the other is MQ_ENOTFOUND. The rater's lists_version is bumped too (lists.h); *version
 * (may be NULL) gets it after a change.
 */
#ifndef MQ_RATING_H
#define MQ_RATING_H

#include "store/db.h"

#include <cjson/cJSON.h>

/* The longest review, in characters. */
#define MQ_REVIEW_MAX 2000

/* Whether r is an allowed rating: 1, 1.5, …, 10. */
int mq_rating_valid(double r);

/* Creates user's rating of the movie (its ObjectId as 24 hex). review may be NULL. *out: the
 * rating's JSON {id, user_id, movie_id, rating, review, created_at, updated_at}; caller owns. */
mq_err mq_rating_create(mq_db *db, const char *user_id, const char *movie_id, double rating,
			const char *review, cJSON **out, long long *version);

/* The rating rating_id if it belongs to user_id (else MQ_ENOTFOUND, as for no such rating). */
mq_err mq_rating_get(mq_db *db, const char *user_id, const char *rating_id, cJSON **out);

/* user's rating of the movie (ObjectId hex), or MQ_ENOTFOUND, from their lists' digest at version
 * known or newer (their session check's; -1: unknown). */
mq_err mq_rating_of(mq_db *db, const char *user_id, long long known, const char *movie_id, cJSON **out);

/* Changes the rating (rating < 0: keep it) and/or the review (set_review: to review, which may
 * be NULL to remove it). Owner only. */
mq_err mq_rating_update(mq_db *db, const char *user_id, const char *rating_id, double rating,
			int set_review, const char *review, cJSON **out, long long *version);

/* "Rate this movie": creates user's rating of the movie (*created = 1), or changes the one there
 * is (rating, and the review when set_review). */
mq_err mq_rating_put(mq_db *db, const char *user_id, const char *movie_id, double rating, int set_review,
		     const char *review, cJSON **out, int *created, long long *version);

/* Deletes the rating (owner only); the movie's fields follow. movie_id gets the movie's id. */
mq_err mq_rating_delete(mq_db *db, const char *user_id, const char *rating_id, char movie_id[25],
			long long *version);

/* Removes user's rating of the movie (ObjectId hex), its review with it: MQ_ENOTFOUND when there
 * is none. */
mq_err mq_rating_remove(mq_db *db, const char *user_id, const char *movie_id, long long *version);

/* Removes every rating and review of user_id (the account is being deleted); each movie they
 * rated follows (its rating_sum, rating_count and average_rating are counted again). *removed
 * (may be NULL) counts the ratings this call removed. Idempotent. */
mq_err mq_ratings_remove_user(mq_db *db, const char *user_id, long long *removed);

/* One page of ratings, newest first: of a user (user_id, their lists version known when the
 * caller knows it, else -1) or of a movie (movie_id), the other NULL. With reviewers, each rating gets {user: {id, name, username, avatar}}; with movies_lang
 * (may be NULL), its movie's summary in that language as "movie". *items: caller owns; *total
 * counts all. */
mq_err mq_ratings_list(mq_db *db, const char *user_id, long long known, const char *movie_id, int with_reviewers,
		       const char *movies_lang, long long page, long long limit, cJSON **items, long long *total);

#endif
