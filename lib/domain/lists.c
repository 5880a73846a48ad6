/* lists.c — the watchlist, interactions and lists_version (see lists.h). */
#include "domain/lists.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/catalog.h"

#include <pthread.h>
#include <string.h>

const char *const mq_interaction_names[] = { "watched", "liked", "disliked", "bookmarked", NULL };

int mq_interaction_parse(const char *name)
{
	for (int i = 0; name && mq_interaction_names[i]; i++)
		if (!strcmp(name, mq_interaction_names[i]))
			return i;
	return -1;
}

/* The latest version of user in list_versions: 0 when none (*rc MQ_OK), or an error. */
static long long latest_version(mongoc_collection_t *versions, const bson_oid_t *user, mq_err *rc)
{
	bson_t doc;
	bson_iter_t it;
	long long v = 0;
	bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("sort", "{", "v", BCON_INT32(-1), "}", "projection", "{", "v", BCON_INT32(1), "}");
	*rc = mq_db_find_one(versions, filter, opts, &doc, "lists version");
	if (*rc == MQ_OK && bson_iter_init_find(&it, &doc, "v") && BSON_ITER_HOLDS_NUMBER(&it))
		v = bson_iter_as_int64(&it);
	if (*rc == MQ_ENOTFOUND)
		*rc = MQ_OK;
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	return v;
}

/* FerretDB v1 runs $inc as a read and a write, so bumps from several workers at once would
 * lose some, and two states of the lists would share a version. A bump therefore inserts
 * {user_id, v} under the unique index (user_id, v): of two bumps that read the same latest v,
 * one inserts v + 1 and the other, refused, tries v + 2. Old versions are pruned as it goes. */
long long mq_lists_bump(mongoc_database_t *database, const bson_oid_t *user)
{
	bson_error_t error;
	mongoc_collection_t *versions = mongoc_database_get_collection(database, "list_versions");
	long long v = 0;
	for (int attempt = 0; attempt < 64; attempt++) {
		mq_err rc;
		long long next = latest_version(versions, user, &rc) + 1;
		if (rc != MQ_OK)
			break;
		bson_t *doc = BCON_NEW("user_id", BCON_OID(user), "v", BCON_INT64(next), "at", BCON_DATE_TIME(mq_clock_ms()));
		int ok = mongoc_collection_insert_one(versions, doc, NULL, NULL, &error);
		bson_destroy(doc);
		if (ok) {
			v = next;
			break;
		}
		if (error.code != 11000) {
			mq_log(MQ_LOG_WARN, "lists", "lists version not bumped: %s", error.message);
			break;
		}
	}
	if (v > 0 && v % 64 == 0) {
		bson_t *old = BCON_NEW("user_id", BCON_OID(user), "v", "{", "$lt", BCON_INT64(v - 64), "}");
		if (!mongoc_collection_delete_many(versions, old, NULL, NULL, &error))
			mq_log(MQ_LOG_WARN, "lists", "old list versions not pruned: %s", error.message);
		bson_destroy(old);
	}
	if (v == 0)
		mq_log(MQ_LOG_WARN, "lists", "lists version not bumped");
	mongoc_collection_destroy(versions);
	return v;
}

/* The user's lists version; with check_user, MQ_ENOTFOUND when there is no such user (without,
 * the caller knows the user exists: the session check has just read them). */
static mq_err read_version(mongoc_database_t *database, const bson_oid_t *user, int check_user, long long *version)
{
	*version = 0;
	if (check_user) {
		bson_error_t error;
		mongoc_collection_t *users = mongoc_database_get_collection(database, "users");
		bson_t *filter = BCON_NEW("_id", BCON_OID(user));
		int64_t n = mongoc_collection_count_documents(users, filter, NULL, NULL, NULL, &error);
		bson_destroy(filter);
		mongoc_collection_destroy(users);
		if (n < 0)
			return mq_db_error(&error, "user lookup");
		if (n == 0)
			return MQ_ENOTFOUND;
	}
	mq_err rc;
	mongoc_collection_t *versions = mongoc_database_get_collection(database, "list_versions");
	*version = latest_version(versions, user, &rc);
	mongoc_collection_destroy(versions);
	return rc;
}

mq_err mq_lists_version(mq_db *db, const char *user_id, int user_known, long long *version)
{
	bson_oid_t user;
	*version = 0;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = read_version(database, &user, !user_known, version);
	mq_db_release(db, client, database);
	return rc;
}

/* The state entry of movie hex in movies, made when missing. */
static cJSON *state_entry(cJSON *movies, const char *hex)
{
	cJSON *e;
	cJSON_ArrayForEach(e, movies) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "movie_id"));
		if (id && !strcmp(id, hex))
			return e;
	}
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "movie_id", hex);
	cJSON_AddFalseToObject(e, "watchlist");
	cJSON_AddFalseToObject(e, "favorite");
	for (int i = 0; mq_interaction_names[i]; i++)
		cJSON_AddFalseToObject(e, mq_interaction_names[i]);
	cJSON_AddNullToObject(e, "rating");
	cJSON_AddItemToArray(movies, e);
	return e;
}

/* For each of the user's documents in collection, mark() records it in movies. */
static mq_err collect(mongoc_database_t *database, const char *collection, const bson_oid_t *user,
		      const bson_oid_t *movie, cJSON *movies, void (*mark)(cJSON *entry, const bson_t *doc))
{
	bson_error_t error;
	const bson_t *doc;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
	if (movie)
		BSON_APPEND_OID(filter, "movie_id", movie);
	bson_t *opts = BCON_NEW("limit", BCON_INT64(10000));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		char hex[25];
		if (bson_iter_init_find(&it, doc, "movie_id") && BSON_ITER_HOLDS_OID(&it)) {
			bson_oid_to_string(bson_iter_oid(&it), hex);
			mark(state_entry(movies, hex), doc);
		}
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, collection);
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return rc;
}

static void mark_watchlist(cJSON *entry, const bson_t *doc)
{
	(void)doc;
	cJSON_ReplaceItemInObjectCaseSensitive(entry, "watchlist", cJSON_CreateTrue());
}

static void mark_favorite(cJSON *entry, const bson_t *doc)
{
	(void)doc;
	cJSON_ReplaceItemInObjectCaseSensitive(entry, "favorite", cJSON_CreateTrue());
}

static void mark_interaction(cJSON *entry, const bson_t *doc)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, "type") && BSON_ITER_HOLDS_UTF8(&it)) {
		int type = mq_interaction_parse(bson_iter_utf8(&it, NULL));
		if (type >= 0)
			cJSON_ReplaceItemInObjectCaseSensitive(entry, mq_interaction_names[type], cJSON_CreateTrue());
	}
}

static void mark_rating(cJSON *entry, const bson_t *doc)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, "rating") && BSON_ITER_HOLDS_NUMBER(&it))
		cJSON_ReplaceItemInObjectCaseSensitive(entry, "rating", cJSON_CreateNumber(bson_iter_as_double(&it)));
}

mq_err mq_lists_state(mq_db *db, const char *user_id, const char *movie_id, cJSON **state)
{
	bson_oid_t user, movie;
	*state = NULL;
	if (mq_oid_parse(user_id, &user) || (movie_id && mq_oid_parse(movie_id, &movie)))
		return MQ_EINVAL;
	const bson_oid_t *only = movie_id ? &movie : NULL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	long long version = 0;
	cJSON *movies = cJSON_CreateArray();
	mq_err rc = read_version(database, &user, 0, &version);
	if (rc == MQ_OK)
		rc = collect(database, "watchlist", &user, only, movies, mark_watchlist);
	if (rc == MQ_OK)
		rc = collect(database, "favorites", &user, only, movies, mark_favorite);
	if (rc == MQ_OK)
		rc = collect(database, "interactions", &user, only, movies, mark_interaction);
	if (rc == MQ_OK)
		rc = collect(database, "ratings", &user, only, movies, mark_rating);
	if (rc == MQ_OK) {
		mq_catalog_join_tmdb_ids(database, movies, "movie_id");
		*state = cJSON_CreateObject();
		cJSON_AddNumberToObject(*state, "version", (double)version);
		cJSON_AddItemToObject(*state, "movies", movies);
	} else {
		cJSON_Delete(movies);
	}
	mq_db_release(db, client, database);
	return rc;
}

/* ---- the watchlist and the favourites ---- */

/* The filter of a member's item named by its id or by its movie; -1 when the name is not an
 * ObjectId (no such item). */
static int item_filter(bson_t *filter, const bson_oid_t *user, const char *item_id, const char *movie_id)
{
	bson_oid_t oid;
	if (mq_oid_parse(item_id ? item_id : movie_id, &oid))
		return -1;
	BSON_APPEND_OID(filter, item_id ? "_id" : "movie_id", &oid);
	BSON_APPEND_OID(filter, "user_id", user);
	return 0;
}

static mq_err find_one(mongoc_database_t *database, const char *collection, const bson_t *filter, cJSON **out)
{
	bson_t doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, collection);
	*out = rc == MQ_OK ? mq_db_doc_json(&doc) : NULL;
	bson_destroy(&doc);
	mongoc_collection_destroy(coll);
	return rc;
}

/* Appends to array (named key) the ObjectIds of the user's favourite movies, at most max. */
static mq_err favorite_movies(mongoc_database_t *database, const bson_oid_t *user, bson_t *array, long max)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "favorites");
	bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("limit", BCON_INT64(max), "projection", "{", "movie_id", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	uint32_t n = 0;
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, doc, "movie_id") && BSON_ITER_HOLDS_OID(&it)) {
			char key[16];
			const char *k;
			bson_uint32_to_string(n++, &k, key, sizeof key);
			BSON_APPEND_OID(array, k, bson_iter_oid(&it));
		}
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "favorites") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return rc;
}

/* Sets is_favorite of each watchlist item in items (an array, or one item) from the user's
 * favourites: one query for them all. */
static mq_err mark_favorites(mongoc_database_t *database, const bson_oid_t *user, cJSON *items)
{
	int many = cJSON_IsArray(items);
	cJSON *first = many ? items->child : items, *item;
	bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
	bson_t in, ids;
	BSON_APPEND_DOCUMENT_BEGIN(filter, "movie_id", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &ids);
	uint32_t k = 0;
	for (item = first; item; item = many ? item->next : NULL) {
		bson_oid_t movie;
		const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "movie_id"));
		cJSON_DeleteItemFromObjectCaseSensitive(item, "is_favorite");
		cJSON_AddFalseToObject(item, "is_favorite");
		if (hex && !mq_oid_parse(hex, &movie)) {
			char key[16];
			const char *kk;
			bson_uint32_to_string(k++, &kk, key, sizeof key);
			BSON_APPEND_OID(&ids, kk, &movie);
		}
	}
	bson_append_array_end(&in, &ids);
	bson_append_document_end(filter, &in);
	mq_err rc = MQ_OK;
	if (k) {
		bson_error_t error;
		const bson_t *doc;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "favorites");
		bson_t *opts = BCON_NEW("projection", "{", "movie_id", BCON_INT32(1), "}");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it;
			char hex[25];
			if (!bson_iter_init_find(&it, doc, "movie_id") || !BSON_ITER_HOLDS_OID(&it))
				continue;
			bson_oid_to_string(bson_iter_oid(&it), hex);
			for (item = first; item; item = many ? item->next : NULL) {
				const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "movie_id"));
				if (id && !strcmp(id, hex))
					cJSON_ReplaceItemInObjectCaseSensitive(item, "is_favorite", cJSON_CreateTrue());
			}
		}
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "favorites");
		mongoc_cursor_destroy(cursor);
		bson_destroy(opts);
		mongoc_collection_destroy(coll);
	}
	bson_destroy(filter);
	return rc;
}

/* Makes movie a favourite of user: MQ_OK (*created: whether it is one now and was not), the
 * favourite in *out (may be NULL). The unique (user_id, movie_id) index decides between twins. */
static mq_err favorite_insert(mongoc_database_t *database, const bson_oid_t *user, const bson_oid_t *movie,
			      int *created, cJSON **out)
{
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "favorites");
	bson_t *there = BCON_NEW("user_id", BCON_OID(user), "movie_id", BCON_OID(movie));
	mq_err rc = MQ_ENOTFOUND;
	*created = 0;
	/* a favourite there already is read back, unless a twin removes it first: then add again */
	for (int attempt = 0; rc == MQ_ENOTFOUND && attempt < 5; attempt++) {
		bson_oid_t id;
		bson_oid_init(&id, NULL);
		bson_t *doc = BCON_NEW("_id", BCON_OID(&id), "user_id", BCON_OID(user), "movie_id", BCON_OID(movie),
				       "added_at", BCON_DATE_TIME(mq_clock_ms()));
		bson_error_t error;
		*created = mongoc_collection_insert_one(coll, doc, NULL, NULL, &error);
		rc = *created ? MQ_OK : mq_db_error(&error, "favorites insert");
		if (rc == MQ_OK && out)
			*out = mq_db_doc_json(doc);
		else if (rc == MQ_ECONFLICT)
			rc = out ? find_one(database, "favorites", there, out) : MQ_OK;
		bson_destroy(doc);
	}
	if (rc == MQ_ENOTFOUND)
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK && out)
		cJSON_AddTrueToObject(*out, "is_favorite");
	bson_destroy(there);
	mongoc_collection_destroy(coll);
	return rc;
}

mq_err mq_watchlist_add(mq_db *db, const char *user_id, const char *movie_id, int is_favorite,
			cJSON **item, long long *version)
{
	bson_oid_t user, movie, id;
	*item = NULL;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie))
		return MQ_EINVAL;
	bson_oid_init(&id, NULL);
	int64_t now = mq_clock_ms();
	bson_t *doc = BCON_NEW("_id", BCON_OID(&id), "user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie),
			       "added_at", BCON_DATE_TIME(now), "updated_at", BCON_DATE_TIME(now));
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(doc);
		return MQ_EUNAVAIL;
	}
	bson_error_t error;
	mq_err rc = MQ_OK;
	mongoc_collection_t *watchlist = mongoc_database_get_collection(database, "watchlist");
	if (!mongoc_collection_insert_one(watchlist, doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "watchlist insert");
	mongoc_collection_destroy(watchlist);
	int created;
	if (rc == MQ_OK && is_favorite)
		rc = favorite_insert(database, &user, &movie, &created, NULL);
	if (rc == MQ_OK) {
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
		*item = mq_db_doc_json(doc);
		rc = mark_favorites(database, &user, *item);
	}
	mq_db_release(db, client, database);
	bson_destroy(doc);
	return rc;
}

mq_err mq_watchlist_get(mq_db *db, const char *user_id, const char *item_id, const char *movie_id,
			cJSON **item)
{
	bson_oid_t user;
	*item = NULL;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	bson_t filter = BSON_INITIALIZER;
	if (item_filter(&filter, &user, item_id, movie_id)) {
		bson_destroy(&filter);
		return MQ_ENOTFOUND;
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	mq_err rc = database ? find_one(database, "watchlist", &filter, item) : MQ_EUNAVAIL;
	if (rc == MQ_OK)
		rc = mark_favorites(database, &user, *item);
	if (database)
		mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

/* Removes the one document filter matches; the database's count of what it deleted decides, so
 * of twin requests one succeeds and the other is MQ_ENOTFOUND. *out (may be NULL) gets it. */
static mq_err remove_one(mongoc_database_t *database, const char *collection, const bson_t *filter, cJSON **out)
{
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;
	cJSON *doc = NULL;
	mq_err rc = find_one(database, collection, filter, &doc);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "id"));
	bson_oid_t oid;
	if (rc == MQ_OK && (!id || mq_oid_parse(id, &oid)))
		rc = MQ_ENOTFOUND;
	if (rc == MQ_OK) {
		mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
		bson_t *by_id = BCON_NEW("_id", BCON_OID(&oid));
		if (!mongoc_collection_delete_one(coll, by_id, NULL, &reply, &error))
			rc = mq_db_error(&error, collection);
		else if (!bson_iter_init_find(&it, &reply, "deletedCount") || !BSON_ITER_HOLDS_NUMBER(&it) ||
			 bson_iter_as_int64(&it) < 1)
			rc = MQ_ENOTFOUND;
		bson_destroy(&reply);
		bson_destroy(by_id);
		mongoc_collection_destroy(coll);
	}
	if (rc == MQ_OK && out)
		*out = doc;
	else
		cJSON_Delete(doc);
	return rc;
}

mq_err mq_watchlist_favorite(mq_db *db, const char *user_id, const char *item_id, const char *movie_id,
			     int favorite, cJSON **item, long long *version)
{
	bson_oid_t user, movie = { { 0 } };
	*item = NULL;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	bson_t filter = BSON_INITIALIZER;
	if (item_filter(&filter, &user, item_id, movie_id)) {
		bson_destroy(&filter);
		return MQ_ENOTFOUND;
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&filter);
		return MQ_EUNAVAIL;
	}
	/* The item names the movie, whose favourite is added or removed. A toggle tries to add it and
	 * removes it when the unique index says it is there; when a twin removed it meanwhile, it
	 * tries again. Each toggle so succeeds at exactly one insert or one delete that the database
	 * counted, and toggles take turns on any server: an odd number of them flips the favourite. */
	mq_err rc = find_one(database, "watchlist", &filter, item);
	const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*item, "movie_id"));
	if (rc == MQ_OK && (!hex || mq_oid_parse(hex, &movie)))
		rc = MQ_ENOTFOUND;
	int to = -1;
	for (int attempt = 0; rc == MQ_OK && to < 0 && attempt < 20; attempt++) {
		int created = 0;
		if (favorite != 0) { /* set, or a toggle's first try */
			rc = favorite_insert(database, &user, &movie, &created, NULL);
			if (rc != MQ_OK || favorite > 0 || created) {
				to = 1;
				continue;
			}
		}
		bson_t *fav = BCON_NEW("user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie));
		rc = remove_one(database, "favorites", fav, NULL);
		bson_destroy(fav);
		if (rc == MQ_OK || (rc == MQ_ENOTFOUND && favorite == 0)) /* or not one: as asked already */
			to = 0;
		if (rc == MQ_ENOTFOUND) /* a toggle whose twin removed it first tries adding again */
			rc = MQ_OK;
	}
	if (rc == MQ_OK && to < 0) /* twenty twins in a row: give up rather than spin */
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(*item, "is_favorite");
		cJSON_AddBoolToObject(*item, "is_favorite", to);
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	} else {
		cJSON_Delete(*item);
		*item = NULL;
	}
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

mq_err mq_watchlist_remove(mq_db *db, const char *user_id, const char *item_id, const char *movie_id,
			   cJSON **item, long long *version)
{
	bson_oid_t user;
	if (item)
		*item = NULL;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	bson_t filter = BSON_INITIALIZER;
	if (item_filter(&filter, &user, item_id, movie_id)) {
		bson_destroy(&filter);
		return MQ_ENOTFOUND;
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&filter);
		return MQ_EUNAVAIL;
	}
	mq_err rc = remove_one(database, "watchlist", &filter, item);
	if (rc == MQ_OK) {
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	}
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

/* A page of the user's documents in collection (filter already names the user), newest first by
 * sort_key, each with its movie's summary in lang. */
static mq_err list_with_movies(mongoc_database_t *database, const char *collection, const bson_t *filter,
			       const char *sort_key, const char *lang, long long page, long long limit, cJSON **items,
			       long long *total)
{
	mq_err rc = mq_db_page(database, collection, filter, sort_key, page, limit, items, total);
	if (rc == MQ_OK)
		mq_catalog_join_summaries(database, *items, "movie_id", lang);
	return rc;
}

mq_err mq_watchlist_list(mq_db *db, const char *user_id, int favorites, const char *lang,
			 long long page, long long limit, cJSON **items, long long *total)
{
	bson_oid_t user;
	*items = NULL;
	*total = 0;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t filter = BSON_INITIALIZER;
	BSON_APPEND_OID(&filter, "user_id", &user);
	mq_err rc = MQ_OK;
	if (favorites >= 0) { /* the items whose movie is (or is not) one of the favourites */
		bson_t in, ids;
		BSON_APPEND_DOCUMENT_BEGIN(&filter, "movie_id", &in);
		BSON_APPEND_ARRAY_BEGIN(&in, favorites ? "$in" : "$nin", &ids);
		rc = favorite_movies(database, &user, &ids, MQ_FAVORITES_MAX);
		bson_append_array_end(&in, &ids);
		bson_append_document_end(&filter, &in);
	}
	if (rc == MQ_OK)
		rc = list_with_movies(database, "watchlist", &filter, "added_at", lang, page, limit, items, total);
	if (rc == MQ_OK)
		rc = mark_favorites(database, &user, *items);
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

mq_err mq_favorite_set(mq_db *db, const char *user_id, const char *movie_id, int on, cJSON **item,
		       int *created, long long *version)
{
	bson_oid_t user, movie;
	if (item)
		*item = NULL;
	*created = 0;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie))
		return on ? MQ_EINVAL : MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *filter = BCON_NEW("user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie));
	mq_err rc = on ? favorite_insert(database, &user, &movie, created, item)
		       : remove_one(database, "favorites", filter, item);
	if (rc == MQ_OK && (*created || !on)) {
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	} else if (rc == MQ_OK && version) {
		rc = read_version(database, &user, 0, version);
	}
	bson_destroy(filter);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_favorites_list(mq_db *db, const char *user_id, const char *lang, long long page, long long limit,
			 cJSON **items, long long *total)
{
	bson_oid_t user;
	*items = NULL;
	*total = 0;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *filter = BCON_NEW("user_id", BCON_OID(&user));
	mq_err rc = list_with_movies(database, "favorites", filter, "added_at", lang, page, limit, items, total);
	cJSON *item;
	cJSON_ArrayForEach(item, *items)
		cJSON_AddTrueToObject(item, "is_favorite");
	bson_destroy(filter);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_lists_migrate(mq_db *db, long *moved)
{
	*moved = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *watchlist = mongoc_database_get_collection(database, "watchlist");
	bson_t *flagged = BCON_NEW("is_favorite", BCON_BOOL(true));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(watchlist, flagged, NULL, NULL);
	mq_err rc = MQ_OK;
	while (rc == MQ_OK && mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t user, movie;
		int created = 0;
		if (bson_iter_init_find(&user, doc, "user_id") && BSON_ITER_HOLDS_OID(&user) &&
		    bson_iter_init_find(&movie, doc, "movie_id") && BSON_ITER_HOLDS_OID(&movie))
			rc = favorite_insert(database, bson_iter_oid(&user), bson_iter_oid(&movie), &created, NULL);
		*moved += created;
	}
	if (rc == MQ_OK && mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "watchlist");
	mongoc_cursor_destroy(cursor);
	/* the flags go once every favourite is in place: a run cut short is run again */
	bson_t *any = BCON_NEW("is_favorite", "{", "$exists", BCON_BOOL(true), "}");
	bson_t *unset = BCON_NEW("$unset", "{", "is_favorite", BCON_UTF8(""), "}");
	if (rc == MQ_OK && !mongoc_collection_update_many(watchlist, any, unset, NULL, NULL, &error))
		rc = mq_db_error(&error, "watchlist");
	bson_destroy(unset);
	bson_destroy(any);
	bson_destroy(flagged);
	mongoc_collection_destroy(watchlist);
	mq_db_release(db, client, database);
	return rc;
}

/* ---- interactions ---- */

static bson_t *interaction_filter(const bson_oid_t *user, const bson_oid_t *movie, mq_interaction type)
{
	return BCON_NEW("user_id", BCON_OID(user), "movie_id", BCON_OID(movie), "type",
			BCON_UTF8(mq_interaction_names[type]));
}

mq_err mq_interaction_record(mq_db *db, const char *user_id, const char *movie_id, mq_interaction type,
			     cJSON **item, int *created, long long *version)
{
	bson_oid_t user, movie;
	*item = NULL;
	if (mq_oid_parse(user_id, &user) || mq_oid_parse(movie_id, &movie) || (int)type < 0 ||
	    type > MQ_BOOKMARKED)
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_error_t error;
	bson_t reply;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "interactions");
	bson_t *filter = interaction_filter(&user, &movie, type);
	bson_t *update = BCON_NEW("$set", "{", "at", BCON_DATE_TIME(mq_clock_ms()), "}");
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	if (!mongoc_collection_update_one(coll, filter, update, opts, &reply, &error)) {
		/* two first recordings at once: the unique index lets one insert, the other updates */
		bson_destroy(&reply); /* the driver fills it even on failure */
		bson_init(&reply);
		if (error.code != 11000 || !mongoc_collection_update_one(coll, filter, update, NULL, NULL, &error))
			rc = mq_db_error(&error, "interaction record");
	}
	if (rc == MQ_OK) {
		bson_iter_t it;
		if (created)
			*created = bson_iter_init_find(&it, &reply, "upsertedCount") && bson_iter_as_int64(&it) > 0;
		if (type == MQ_LIKED || type == MQ_DISLIKED) {
			bson_t *other = interaction_filter(&user, &movie, type == MQ_LIKED ? MQ_DISLIKED : MQ_LIKED);
			if (!mongoc_collection_delete_one(coll, other, NULL, NULL, &error))
				rc = mq_db_error(&error, "interaction opposite");
			bson_destroy(other);
		}
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
		if (rc == MQ_OK)
			rc = find_one(database, "interactions", filter, item);
	}
	bson_destroy(&reply);
	bson_destroy(opts);
	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_interaction_remove(mq_db *db, const char *user_id, const char *movie_id, mq_interaction type,
			     long long *version)
{
	bson_oid_t user, movie;
	if (mq_oid_parse(user_id, &user) || (int)type < 0 || type > MQ_BOOKMARKED)
		return MQ_EINVAL;
	if (mq_oid_parse(movie_id, &movie))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *filter = interaction_filter(&user, &movie, type);
	mq_err rc = remove_one(database, "interactions", filter, NULL);
	if (rc == MQ_OK) {
		long long v = mq_lists_bump(database, &user);
		if (version)
			*version = v;
	}
	bson_destroy(filter);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_interactions_list(mq_db *db, const char *user_id, int type, const char *lang, long long page,
			    long long limit, cJSON **items, long long *total)
{
	bson_oid_t user;
	*items = NULL;
	*total = 0;
	if (mq_oid_parse(user_id, &user) || type > MQ_BOOKMARKED)
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t filter = BSON_INITIALIZER;
	BSON_APPEND_OID(&filter, "user_id", &user);
	if (type >= 0)
		BSON_APPEND_UTF8(&filter, "type", mq_interaction_names[type]);
	mq_err rc = list_with_movies(database, "interactions", &filter, "at", lang, page, limit, items, total);
	bson_destroy(&filter);
	mq_db_release(db, client, database);
	return rc;
}
