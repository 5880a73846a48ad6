/* rating.c — ratings, reviews and the movie's rating fields (see rating.h). */
#include "rating.h"
#include "lists.h"
#include "log.h"
#include "response.h"
#include "valid.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

int mq_rating_valid(double r)
{
	return isfinite(r) && r >= 1 && r <= 10 && r * 2 == floor(r * 2);
}

/* The public JSON of a ratings document: a missing review is null. */
static cJSON *rating_json(const bson_t *doc)
{
	cJSON *r = mq_db_doc_json(doc);
	if (!cJSON_GetObjectItemCaseSensitive(r, "review"))
		cJSON_AddNullToObject(r, "review");
	return r;
}

/* FerretDB v1 runs every update as find-then-write in Go, so two concurrent $inc of one
 * document can lose one. MongoDB's $inc is atomic; for the test database (and any backend like
 * it) the ratings worker's threads also take turns here. One process writes ratings. */
static pthread_mutex_t aggregate_lock = PTHREAD_MUTEX_INITIALIZER;

static mq_err adjust_movie_locked(mongoc_database_t *database, const bson_oid_t *movie, double dsum, int dcount);

/* Moves the movie's sum and count by (dsum, dcount), then sets its average from what that
 * produced, unless another change came in between (which then sets it itself). */
static mq_err adjust_movie(mongoc_database_t *database, const bson_oid_t *movie, double dsum, int dcount)
{
	pthread_mutex_lock(&aggregate_lock);
	mq_err rc = adjust_movie_locked(database, movie, dsum, dcount);
	pthread_mutex_unlock(&aggregate_lock);
	return rc;
}

static mq_err adjust_movie_locked(mongoc_database_t *database, const bson_oid_t *movie, double dsum, int dcount)
{
	bson_error_t error;
	bson_t reply;
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	bson_t *query = BCON_NEW("_id", BCON_OID(movie));
	bson_t *update = BCON_NEW("$inc", "{", "rating_sum", BCON_DOUBLE(dsum), "rating_count", BCON_INT64(dcount), "}");
	mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new();
	mongoc_find_and_modify_opts_set_update(opts, update);
	mongoc_find_and_modify_opts_set_flags(opts, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
	mq_err rc = MQ_OK;
	if (!mongoc_collection_find_and_modify_with_opts(movies, query, opts, &reply, &error)) {
		rc = mq_db_error(&error, "movie rating $inc");
	} else {
		bson_iter_t it, sum_it, count_it;
		if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
		    bson_iter_recurse(&it, &sum_it) && bson_iter_find(&sum_it, "rating_sum") &&
		    bson_iter_recurse(&it, &count_it) && bson_iter_find(&count_it, "rating_count")) {
			double sum = bson_iter_as_double(&sum_it);
			int64_t count = bson_iter_as_int64(&count_it);
			double avg = count > 0 ? round(sum / (double)count * 100) / 100 : 0;
			bson_t *cond = BCON_NEW("_id", BCON_OID(movie), "rating_sum", BCON_DOUBLE(sum),
						"rating_count", BCON_INT64(count));
			bson_t *set = BCON_NEW("$set", "{", "average_rating", BCON_DOUBLE(avg), "}");
			if (!mongoc_collection_update_one(movies, cond, set, NULL, NULL, &error))
				mq_log(MQ_LOG_WARN, "ratings", "average not set (the next change sets it): %s", error.message);
			bson_destroy(set);
			bson_destroy(cond);
		}
	}
	bson_destroy(&reply);
	mongoc_find_and_modify_opts_destroy(opts);
	bson_destroy(update);
	bson_destroy(query);
	mongoc_collection_destroy(movies);
	return rc;
}

/* The one rating filter matches, as its JSON (*out, caller owns), or MQ_ENOTFOUND. */
static mq_err find_rating(mongoc_collection_t *ratings, const bson_t *filter, cJSON **out)
{
	bson_error_t error;
	const bson_t *found;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(ratings, filter, NULL, NULL);
	mq_err rc = MQ_ENOTFOUND;
	*out = NULL;
	if (mongoc_cursor_next(cursor, &found)) {
		*out = rating_json(found);
		rc = MQ_OK;
	} else if (mongoc_cursor_error(cursor, &error)) {
		rc = mq_db_error(&error, "rating lookup");
	}
	mongoc_cursor_destroy(cursor);
	return rc;
}

/* The rating id if it belongs to user. */
static mq_err find_owned(mongoc_collection_t *ratings, const bson_oid_t *id, const bson_oid_t *user, cJSON **out)
{
	bson_t *filter = BCON_NEW("_id", BCON_OID(id), "user_id", BCON_OID(user));
	mq_err rc = find_rating(ratings, filter, out);
	bson_destroy(filter);
	return rc;
}

mq_err mq_rating_create(mq_db *db, const char *user_id, const char *movie_id, double rating,
			const char *review, cJSON **out, long long *version)
{
	bson_oid_t user, movie, id;
	*out = NULL;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie) || !mq_rating_valid(rating))
		return MQ_EINVAL;
	bson_oid_init(&id, NULL);
	int64_t now = mq_now_ms();
	bson_t doc = BSON_INITIALIZER;
	BSON_APPEND_OID(&doc, "_id", &id);
	BSON_APPEND_OID(&doc, "user_id", &user);
	BSON_APPEND_OID(&doc, "movie_id", &movie);
	BSON_APPEND_DOUBLE(&doc, "rating", rating);
	if (review)
		BSON_APPEND_UTF8(&doc, "review", review);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	BSON_APPEND_DATE_TIME(&doc, "updated_at", now);
	mq_err rc = MQ_OK;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&doc);
		return MQ_EUNAVAIL;
	}
	bson_error_t error;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	if (!mongoc_collection_insert_one(ratings, &doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "rating insert");
	mongoc_collection_destroy(ratings);
	if (rc == MQ_OK) {
		/* the rating is written; the movie follows (a failure here is logged, and the
		 * next change of this movie's ratings sets the average again) */
		if (adjust_movie(database, &movie, rating, 1) != MQ_OK)
			mq_log(MQ_LOG_ERROR, "ratings", "movie %s: rating counted late", movie_id);
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	}
	mq_db_release(db, client, database);
	if (rc == MQ_OK)
		*out = rating_json(&doc);
	bson_destroy(&doc);
	return rc;
}

mq_err mq_rating_get(mq_db *db, const char *user_id, const char *rating_id, cJSON **out)
{
	bson_oid_t user, id;
	*out = NULL;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	if (mq_oid_parse(rating_id, &id))
		return MQ_ENOTFOUND;
	mq_err rc;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	rc = find_owned(ratings, &id, &user, out);
	mongoc_collection_destroy(ratings);
	mq_db_release(db, client, database);
	return rc;
}

/* Applies update (NULL: removes) to the user's rating id with findAndModify and reports what it
 * was before: its rating and movie. MQ_ENOTFOUND when it is not there or not theirs. */
static mq_err modify_owned(mongoc_collection_t *ratings, const bson_oid_t *id, const bson_oid_t *user,
			   const bson_t *update, double *old, bson_oid_t *movie)
{
	bson_error_t error;
	bson_t reply;
	bson_iter_t it, field;
	bson_t *query = BCON_NEW("_id", BCON_OID(id), "user_id", BCON_OID(user));
	mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new();
	if (update)
		mongoc_find_and_modify_opts_set_update(opts, update);
	else
		mongoc_find_and_modify_opts_set_flags(opts, MONGOC_FIND_AND_MODIFY_REMOVE);
	mq_err rc = MQ_ENOTFOUND;
	if (!mongoc_collection_find_and_modify_with_opts(ratings, query, opts, &reply, &error)) {
		rc = mq_db_error(&error, update ? "rating update" : "rating delete");
	} else if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
		   bson_iter_recurse(&it, &field) && bson_iter_find(&field, "rating") && BSON_ITER_HOLDS_NUMBER(&field)) {
		*old = bson_iter_as_double(&field);
		if (bson_iter_recurse(&it, &field) && bson_iter_find(&field, "movie_id") && BSON_ITER_HOLDS_OID(&field)) {
			bson_oid_copy(bson_iter_oid(&field), movie);
			rc = MQ_OK;
		}
	}
	bson_destroy(&reply);
	mongoc_find_and_modify_opts_destroy(opts);
	bson_destroy(query);
	return rc;
}

mq_err mq_rating_of(mq_db *db, const char *user_id, const char *movie_id, cJSON **out)
{
	bson_oid_t user, movie;
	*out = NULL;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	bson_t *filter = BCON_NEW("user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie));
	mq_err rc = find_rating(ratings, filter, out);
	bson_destroy(filter);
	mongoc_collection_destroy(ratings);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_rating_update(mq_db *db, const char *user_id, const char *rating_id, double rating,
			int set_review, const char *review, cJSON **out, long long *version)
{
	bson_oid_t user, id, movie;
	*out = NULL;
	if (mq_oid_parse(user_id, &user) || (rating >= 0 && !mq_rating_valid(rating)))
		return MQ_EINVAL;
	if (mq_oid_parse(rating_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	bson_t update = BSON_INITIALIZER, child;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
	if (rating >= 0)
		BSON_APPEND_DOUBLE(&child, "rating", rating);
	if (set_review && review)
		BSON_APPEND_UTF8(&child, "review", review);
	BSON_APPEND_DATE_TIME(&child, "updated_at", mq_now_ms());
	bson_append_document_end(&update, &child);
	if (set_review && !review) {
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$unset", &child);
		BSON_APPEND_UTF8(&child, "review", "");
		bson_append_document_end(&update, &child);
	}
	/* the old rating comes back: the movie moves by the difference */
	double old = 0;
	mq_err rc = modify_owned(ratings, &id, &user, &update, &old, &movie);
	if (rc == MQ_OK) {
		if (rating >= 0 && rating != old)
			adjust_movie(database, &movie, rating - old, 0);
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
		rc = find_owned(ratings, &id, &user, out);
	}
	bson_destroy(&update);
	mongoc_collection_destroy(ratings);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_rating_put(mq_db *db, const char *user_id, const char *movie_id, double rating, int set_review,
		     const char *review, cJSON **out, int *created, long long *version)
{
	*created = 0;
	mq_err rc = mq_rating_create(db, user_id, movie_id, rating, review, out, version);
	if (rc != MQ_ECONFLICT) {
		*created = rc == MQ_OK;
		return rc;
	}
	cJSON *mine = NULL;
	rc = mq_rating_of(db, user_id, movie_id, &mine);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mine, "id"));
	if (rc == MQ_OK && id)
		rc = mq_rating_update(db, user_id, id, rating, set_review, review, out, version);
	cJSON_Delete(mine);
	return rc;
}

mq_err mq_rating_delete(mq_db *db, const char *user_id, const char *rating_id, char movie_id[25],
			long long *version)
{
	bson_oid_t user, id, movie;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	if (mq_oid_parse(rating_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	double old = 0;
	/* not there, not yours, or deleted meanwhile by a twin request: counted once either way */
	mq_err rc = modify_owned(ratings, &id, &user, NULL, &old, &movie);
	if (rc == MQ_OK) {
		adjust_movie(database, &movie, -old, -1);
		bson_oid_to_string(&movie, movie_id);
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	}
	mongoc_collection_destroy(ratings);
	mq_db_release(db, client, database);
	return rc;
}

static cJSON *reviewer_json(const bson_t *doc, const void *unused)
{
	(void)unused;
	return mq_db_doc_json(doc);
}

/* Adds {user: {id, name, username, avatar}} to each rating: one $in query for all reviewers. */
static void add_reviewers(mongoc_database_t *database, cJSON *items)
{
	bson_t *opts = BCON_NEW("projection", "{", "name", BCON_INT32(1), "username", BCON_INT32(1), "avatar", BCON_INT32(1), "}");
	mq_db_join(database, "users", items, "user_id", "user", opts, reviewer_json, NULL);
	bson_destroy(opts);
}

mq_err mq_ratings_list(mq_db *db, const char *user_id, const char *movie_id, int with_reviewers,
		       long long page, long long limit, cJSON **items, long long *total)
{
	bson_oid_t oid;
	*items = NULL;
	*total = 0;
	if (mq_oid_parse(user_id ? user_id : movie_id, &oid))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *filter = BCON_NEW(user_id ? "user_id" : "movie_id", BCON_OID(&oid));
	mq_err rc = mq_db_page(database, "ratings", filter, "created_at", page, limit, items, total);
	if (rc == MQ_OK) {
		cJSON *r;
		cJSON_ArrayForEach(r, *items)
			if (!cJSON_GetObjectItemCaseSensitive(r, "review"))
				cJSON_AddNullToObject(r, "review");
		if (with_reviewers)
			add_reviewers(database, *items);
	}
	mq_db_release(db, client, database);
	bson_destroy(filter);
	return rc;
}
