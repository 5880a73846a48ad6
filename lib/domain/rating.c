/* rating.c — ratings, reviews and the movie's rating fields (see rating.h). */
#include "domain/rating.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/lists.h"
#include "web/valid.h"

#include <math.h>
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

/* How many times recount_movie() tallies before it leaves the last word to a later change. */
#define RECOUNT_TRIES 8

/* The sum and count of the movie's ratings, from the ratings themselves. Two commands: FerretDB
 * v1 computes only the first accumulator of a $group (a second one comes back 0). */
static mq_err tally(mongoc_database_t *database, const bson_oid_t *movie, double *sum, long long *count)
{
	bson_error_t error;
	const bson_t *doc;
	bson_iter_t it;
	*sum = 0;
	*count = 0;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	bson_t *filter = BCON_NEW("movie_id", BCON_OID(movie));
	bson_t *pipeline = BCON_NEW("pipeline", "[", "{", "$match", BCON_DOCUMENT(filter), "}",
				    "{", "$group", "{", "_id", BCON_NULL, "sum", "{", "$sum", "$rating", "}", "}", "}", "]");
	mongoc_cursor_t *cursor = mongoc_collection_aggregate(ratings, MONGOC_QUERY_NONE, pipeline, NULL, NULL);
	if (mongoc_cursor_next(cursor, &doc) && bson_iter_init_find(&it, doc, "sum") && BSON_ITER_HOLDS_NUMBER(&it))
		*sum = bson_iter_as_double(&it);
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "rating tally") : MQ_OK;
	if (rc == MQ_OK) {
		int64_t n = mongoc_collection_count_documents(ratings, filter, NULL, NULL, NULL, &error);
		if (n < 0)
			rc = mq_db_error(&error, "rating count");
		else
			*count = n;
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(pipeline);
	bson_destroy(filter);
	mongoc_collection_destroy(ratings);
	return rc;
}

/* Brings the movie's rating_sum, rating_count and average_rating in line with its ratings.
 *
 * The fields are derived, never moved by deltas: on a server whose updates are a find then a
 * write (FerretDB), two $inc can lose one, and a repeated delete must not count twice. Each
 * writer tallies after its own change and sets the result, then tallies again: while the
 * tally moved, it sets again. Whichever writer sets last has tallied after every change that
 * finished before its check, and every later change is followed by its own writer's tally, so
 * once changes stop the fields are exact, whatever the interleaving, in any process, on any
 * host. */
static mq_err recount_movie(mongoc_database_t *database, const bson_oid_t *movie)
{
	double sum, set_sum = -1;
	long long count, set_count = -1;
	mq_err rc = MQ_OK;
	for (int i = 0; i < RECOUNT_TRIES; i++) {
		if ((rc = tally(database, movie, &sum, &count)) != MQ_OK)
			return rc;
		if (sum == set_sum && count == set_count)
			return MQ_OK;
		bson_error_t error;
		double avg = count > 0 ? round(sum / (double)count * 100) / 100 : 0;
		bson_t *filter = BCON_NEW("_id", BCON_OID(movie));
		bson_t *set = BCON_NEW("$set", "{", "rating_sum", BCON_DOUBLE(sum), "rating_count", BCON_INT64(count),
				       "average_rating", BCON_DOUBLE(avg), "}");
		/* leased: FerretDB writes back the whole movie it read, an admin's edit beside it too */
		if (!mq_db_update_leased(database, "movies", movie, filter, set, NULL, &error))
			rc = mq_db_error(&error, "movie rating fields");
		bson_destroy(set);
		bson_destroy(filter);
		if (rc != MQ_OK)
			return rc;
		set_sum = sum;
		set_count = count;
	}
	mq_log(MQ_LOG_WARN, "ratings", "a movie's ratings kept changing while counted; the next change counts them again");
	return MQ_OK;
}

/* After a change of the movie's ratings: the movie follows (a failure is logged, and the next
 * change of this movie's ratings counts again), and so do the cards of every process, the
 * member's (user, may be NULL) at their next request (cards.h). */
static void movie_follows(mongoc_database_t *database, const bson_oid_t *movie, const bson_oid_t *user)
{
	if (recount_movie(database, movie) != MQ_OK) {
		char hex[25];
		bson_oid_to_string(movie, hex);
		mq_log(MQ_LOG_ERROR, "ratings", "movie %s: rating fields not updated", hex);
		return;
	}
	mq_cards_bump(database, movie, 1, user);
}

/* The one rating filter matches, as its JSON (*out, caller owns), or MQ_ENOTFOUND. */
static mq_err find_rating(mongoc_collection_t *ratings, const bson_t *filter, cJSON **out)
{
	bson_t found;
	mq_err rc = mq_db_find_one(ratings, filter, NULL, &found, "rating lookup");
	*out = rc == MQ_OK ? rating_json(&found) : NULL;
	bson_destroy(&found);
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
	int64_t now = mq_clock_ms();
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
	long long begun = mq_lists_begin(database, &user);
	if (begun == MQ_LISTS_FAILED)
		rc = MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	if (rc == MQ_OK && !mongoc_collection_insert_one(ratings, &doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "rating insert");
	mongoc_collection_destroy(ratings);
	if (rc == MQ_OK) {
		movie_follows(database, &movie, &user);
		mq_lists_change change = { "ratings", &movie, NULL, &doc };
		long long v = mq_lists_commit(database, &user, begun, &change, 1);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
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

/* The movie of the user's rating id. MQ_ENOTFOUND when it is not there or not theirs. */
static mq_err owned_movie(mongoc_collection_t *ratings, const bson_oid_t *id, const bson_oid_t *user,
			  bson_oid_t *movie)
{
	bson_t doc;
	bson_iter_t it;
	bson_t *filter = BCON_NEW("_id", BCON_OID(id), "user_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("projection", "{", "movie_id", BCON_INT32(1), "}");
	mq_err rc = mq_db_find_one(ratings, filter, opts, &doc, "rating lookup");
	if (rc == MQ_OK && bson_iter_init_find(&it, &doc, "movie_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_copy(bson_iter_oid(&it), movie);
	else if (rc == MQ_OK)
		rc = MQ_ENOTFOUND;
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	return rc;
}

/* Applies update (NULL: deletes) to the user's rating id; the database's count of what the
 * command changed decides: MQ_ENOTFOUND when it matched nothing (not there, not theirs, or
 * deleted by a twin request a moment ago). movie gets the rating's movie. */
static mq_err change_owned(mongoc_collection_t *ratings, const bson_oid_t *id, const bson_oid_t *user,
			   const bson_t *update, bson_oid_t *movie)
{
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;
	mq_err rc = owned_movie(ratings, id, user, movie);
	if (rc != MQ_OK)
		return rc;
	bson_t *filter = BCON_NEW("_id", BCON_OID(id), "user_id", BCON_OID(user));
	bool ok = update ? mongoc_collection_update_one(ratings, filter, update, NULL, &reply, &error)
			 : mongoc_collection_delete_one(ratings, filter, NULL, &reply, &error);
	if (!ok)
		rc = mq_db_error(&error, update ? "rating update" : "rating delete");
	else if (!bson_iter_init_find(&it, &reply, update ? "matchedCount" : "deletedCount") ||
		 !BSON_ITER_HOLDS_NUMBER(&it) || bson_iter_as_int64(&it) < 1)
		rc = MQ_ENOTFOUND;
	bson_destroy(&reply);
	bson_destroy(filter);
	return rc;
}

/* mq_rating_of() read from the collection: what a change decides by, whatever the digest says. */
static mq_err rating_of_stored(mq_db *db, const char *user_id, const char *movie_id, cJSON **out)
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

mq_err mq_rating_of(mq_db *db, const char *user_id, long long known, const char *movie_id, cJSON **out)
{
	bson_oid_t user, movie;
	*out = NULL;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t digest, entry;
	mq_err rc = mq_lists_digest(database, &user, known, &digest);
	if (rc == MQ_OK && !mq_lists_digest_find(&digest, "ratings", "movie_id", &movie, &entry))
		rc = MQ_ENOTFOUND;
	if (rc == MQ_OK && !(*out = rating_json(&entry)))
		rc = MQ_ENOTFOUND;
	bson_destroy(&digest);
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
	long long begun = mq_lists_begin(database, &user);
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	bson_t update = BSON_INITIALIZER, child;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
	if (rating >= 0)
		BSON_APPEND_DOUBLE(&child, "rating", rating);
	if (set_review && review)
		BSON_APPEND_UTF8(&child, "review", review);
	BSON_APPEND_DATE_TIME(&child, "updated_at", mq_clock_ms());
	bson_append_document_end(&update, &child);
	if (set_review && !review) {
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$unset", &child);
		BSON_APPEND_UTF8(&child, "review", "");
		bson_append_document_end(&update, &child);
	}
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL : change_owned(ratings, &id, &user, &update, &movie);
	if (rc == MQ_OK) {
		if (rating >= 0)
			movie_follows(database, &movie, &user);
		bson_t doc;
		bson_t *filter = BCON_NEW("_id", BCON_OID(&id), "user_id", BCON_OID(&user));
		rc = mq_db_find_one(ratings, filter, NULL, &doc, "rating lookup");
		/* a twin's delete meanwhile is its own change */
		mq_lists_change change = { "ratings", &movie, NULL, &doc };
		long long v = mq_lists_commit(database, &user, begun, &change,
					      rc == MQ_OK ? 1 : rc == MQ_ENOTFOUND ? 0 : MQ_LISTS_UNKNOWN);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
		*out = rc == MQ_OK ? rating_json(&doc) : NULL;
		bson_destroy(&doc);
		bson_destroy(filter);
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
	rc = rating_of_stored(db, user_id, movie_id, &mine);
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
	long long begun = mq_lists_begin(database, &user);
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	/* of twin deletes, the one whose delete removed the rating answers; the other is a 404 */
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL : change_owned(ratings, &id, &user, NULL, &movie);
	if (rc == MQ_OK) {
		movie_follows(database, &movie, &user);
		bson_oid_to_string(&movie, movie_id);
		mq_lists_change change = { "ratings", &movie, NULL, NULL };
		long long v = mq_lists_commit(database, &user, begun, &change, 1);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
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

mq_err mq_ratings_list(mq_db *db, const char *user_id, long long known, const char *movie_id, int with_reviewers,
		       const char *movies_lang, long long page, long long limit, cJSON **items, long long *total)
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
	/* a member's from their lists' digest (lists.h); a movie's from the collection */
	bson_t *filter = BCON_NEW("movie_id", BCON_OID(&oid));
	mq_err rc = user_id
		? mq_lists_page(database, &oid, known, "ratings", "created_at", movies_lang, page, limit, items, total)
		: mq_db_page(database, "ratings", filter, "created_at", page, limit, items, total);
	if (rc == MQ_OK) {
		cJSON *r;
		cJSON_ArrayForEach(r, *items)
			if (!cJSON_GetObjectItemCaseSensitive(r, "review"))
				cJSON_AddNullToObject(r, "review");
		if (with_reviewers)
			add_reviewers(database, *items);
		if (movies_lang && !user_id)
			mq_catalog_join_summaries(database, *items, "movie_id", movies_lang);
	}
	mq_db_release(db, client, database);
	bson_destroy(filter);
	return rc;
}

mq_err mq_rating_remove(mq_db *db, const char *user_id, const char *movie_id, long long *version)
{
	cJSON *mine = NULL;
	mq_err rc = rating_of_stored(db, user_id, movie_id, &mine);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mine, "id"));
	char movie[25];
	if (rc == MQ_OK)
		rc = id ? mq_rating_delete(db, user_id, id, movie, version) : MQ_EINTERNAL;
	cJSON_Delete(mine);
	return rc;
}

mq_err mq_ratings_remove_user(mq_db *db, const char *user_id, long long *removed)
{
	bson_oid_t user;
	bson_error_t error;
	const bson_t *doc;
	bson_iter_t it;
	long long n = 0;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *ratings = mongoc_database_get_collection(database, "ratings");
	bson_t *filter = BCON_NEW("user_id", BCON_OID(&user));
	bson_t *opts = BCON_NEW("projection", "{", "movie_id", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(ratings, filter, opts, NULL);
	mq_err rc = MQ_OK;
	while (rc == MQ_OK && mongoc_cursor_next(cursor, &doc)) {
		bson_oid_t id, movie;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		bson_oid_copy(bson_iter_oid(&it), &id);
		int has_movie = bson_iter_init_find(&it, doc, "movie_id") && BSON_ITER_HOLDS_OID(&it);
		if (has_movie)
			bson_oid_copy(bson_iter_oid(&it), &movie);
		/* one rating at a time, each followed by its movie: the delete's count decides, as
		 * for a member's own delete, so a twin deletion never counts twice */
		bson_t reply;
		bson_t *one = BCON_NEW("_id", BCON_OID(&id), "user_id", BCON_OID(&user));
		if (!mongoc_collection_delete_one(ratings, one, NULL, &reply, &error))
			rc = mq_db_error(&error, "rating removal");
		else if (bson_iter_init_find(&it, &reply, "deletedCount") && bson_iter_as_int64(&it) == 1) {
			n++;
			if (has_movie)
				movie_follows(database, &movie, NULL); /* the member is leaving */
		}
		bson_destroy(&reply);
		bson_destroy(one);
	}
	if (rc == MQ_OK && mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "ratings of a member");
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(ratings);
	mq_db_release(db, client, database);
	if (removed)
		*removed = n;
	return rc;
}
