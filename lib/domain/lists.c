/* lists.c — the watchlist, interactions and lists_version (see lists.h). */
#include "domain/lists.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/catalog.h"
#include "domain/lists_digest.h"

#include <stdlib.h>
#include <string.h>

const char *const mq_interaction_names[] = { "watched", "liked", "disliked", "bookmarked", NULL };

int mq_interaction_parse(const char *name)
{
	for (int i = 0; name && mq_interaction_names[i]; i++)
		if (!strcmp(name, mq_interaction_names[i]))
			return i;
	return -1;
}

long long mq_lists_bump(mongoc_database_t *database, const bson_oid_t *user)
{
	return mq_lists_commit(database, user, mq_lists_begin(database, user), NULL, 0);
}

mq_err mq_lists_version(mq_db *db, const char *user_id, long long known, long long *version)
{
	bson_oid_t user;
	*version = known < 0 ? 0 : known;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	if (known >= 0)
		return MQ_OK;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = mq_lists_digest_version(database, &user, version);
	mq_db_release(db, client, database);
	return rc;
}

/* The movie of a list entry: 1 when it names one. */
static int entry_movie(const bson_t *doc, bson_oid_t *movie)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, "movie_id") || !BSON_ITER_HOLDS_OID(&it))
		return 0;
	bson_oid_copy(bson_iter_oid(&it), movie);
	return 1;
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

/* What marks a movie's state entry from each entry of one list kind (of one movie, when only). */
typedef struct state_walk {
	cJSON *movies;
	const bson_oid_t *only;
	void (*mark)(cJSON *entry, const bson_t *doc);
} state_walk;

static void state_each(const bson_t *doc, void *ctx)
{
	state_walk *w = ctx;
	bson_oid_t movie;
	char hex[25];
	if (!entry_movie(doc, &movie) || (w->only && !bson_oid_equal(&movie, w->only)))
		return;
	bson_oid_to_string(&movie, hex);
	w->mark(state_entry(w->movies, hex), doc);
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

mq_err mq_lists_state(mq_db *db, const char *user_id, long long known, const char *movie_id, cJSON **state)
{
	static const struct {
		const char *kind;
		void (*mark)(cJSON *entry, const bson_t *doc);
	} lists[] = {
		{ "watchlist", mark_watchlist },
		{ "favorites", mark_favorite },
		{ "interactions", mark_interaction },
		{ "ratings", mark_rating },
	};
	bson_oid_t user, movie;
	*state = NULL;
	if (mq_oid_parse(user_id, &user) || (movie_id && mq_oid_parse(movie_id, &movie)))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t digest;
	bson_iter_t it;
	mq_err rc = mq_lists_digest(database, &user, known, &digest);
	if (rc == MQ_OK) {
		cJSON *movies = cJSON_CreateArray();
		for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
			state_walk w = { movies, movie_id ? &movie : NULL, lists[i].mark };
			mq_lists_digest_each(&digest, lists[i].kind, state_each, &w);
		}
		mq_catalog_join_tmdb_ids(database, movies, "movie_id");
		*state = cJSON_CreateObject();
		cJSON_AddNumberToObject(*state, "version", bson_iter_init_find(&it, &digest, "v") &&
			BSON_ITER_HOLDS_NUMBER(&it) ? (double)bson_iter_as_int64(&it) : 0);
		cJSON_AddItemToObject(*state, "movies", movies);
	}
	bson_destroy(&digest);
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

/* One entry of a digest's list: where its document is in the digest, its order and its movie. */
typedef struct page_entry {
	const uint8_t *data;
	uint32_t len;
	int64_t at;
	bson_oid_t id, movie;
} page_entry;

/* The entries of a digest's list that keep() accepts, collected by page_each. */
typedef struct page_walk {
	const char *sort_key; /* NULL: no order needed */
	int (*keep)(const bson_t *doc, const void *ctx); /* NULL: every entry */
	const void *ctx;
	page_entry *e;
	size_t n, cap;
} page_walk;

static void page_each(const bson_t *doc, void *ctx)
{
	page_walk *w = ctx;
	bson_iter_t it;
	if (w->keep && !w->keep(doc, w->ctx))
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 32;
		w->e = mq_xrealloc(w->e, w->cap * sizeof *w->e);
	}
	page_entry *e = &w->e[w->n++];
	e->data = bson_get_data(doc);
	e->len = doc->len;
	e->at = w->sort_key && bson_iter_init_find(&it, doc, w->sort_key) && BSON_ITER_HOLDS_DATE_TIME(&it)
		? bson_iter_date_time(&it) : 0;
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_copy(bson_iter_oid(&it), &e->id);
	else
		memset(&e->id, 0, sizeof e->id);
	if (!entry_movie(doc, &e->movie))
		memset(&e->movie, 0, sizeof e->movie);
}

/* Whether movie hex is among the entries' movies. */
static int set_has(const page_walk *set, const char *hex)
{
	bson_oid_t movie;
	if (!hex || mq_oid_parse(hex, &movie))
		return 0;
	for (size_t i = 0; i < set->n; i++)
		if (bson_oid_equal(&set->e[i].movie, &movie))
			return 1;
	return 0;
}



/* Sets is_favorite of each watchlist item in items (an array, or one item) from the favourites
 * of the member's digest. */
static void mark_favorites_from(const bson_t *digest, cJSON *items)
{
	page_walk favorites = { 0 };
	mq_lists_digest_each(digest, "favorites", page_each, &favorites);
	int many = cJSON_IsArray(items);
	for (cJSON *item = many ? items->child : items; item; item = many ? item->next : NULL) {
		const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "movie_id"));
		cJSON_DeleteItemFromObjectCaseSensitive(item, "is_favorite");
		cJSON_AddBoolToObject(item, "is_favorite", set_has(&favorites, hex));
	}
	free(favorites.e);
}

/* mark_favorites_from() the member's digest at version known or newer (< 0: unknown). */
static mq_err mark_favorites(mongoc_database_t *database, const bson_oid_t *user, long long known, cJSON *items)
{
	bson_t digest;
	mq_err rc = mq_lists_digest(database, user, known, &digest);
	if (rc == MQ_OK)
		mark_favorites_from(&digest, items);
	bson_destroy(&digest);
	return rc;
}

/* Makes movie a favourite of user: MQ_OK (*created: whether it is one now and was not), the
 * favourite in *out (may be NULL), and in *inserted (may be NULL; the caller destroys it) the
 * document it inserted, if it did. The unique (user_id, movie_id) index decides between twins. */
static mq_err favorite_insert(mongoc_database_t *database, const bson_oid_t *user, const bson_oid_t *movie,
			      int *created, cJSON **out, bson_t **inserted)
{
	if (inserted)
		*inserted = NULL;
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
		if (rc == MQ_OK && inserted)
			*inserted = bson_copy(doc);
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
	long long begun = mq_lists_begin(database, &user);
	if (begun == MQ_LISTS_FAILED)
		rc = MQ_EUNAVAIL;
	mongoc_collection_t *watchlist = mongoc_database_get_collection(database, "watchlist");
	if (rc == MQ_OK && !mongoc_collection_insert_one(watchlist, doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "watchlist insert");
	mongoc_collection_destroy(watchlist);
	int created;
	bson_t *favorite = NULL;
	if (rc == MQ_OK && is_favorite)
		rc = favorite_insert(database, &user, &movie, &created, NULL, &favorite);
	if (rc == MQ_OK) {
		mq_lists_change changes[] = {
			{ "watchlist", &movie, NULL, doc },
			{ "favorites", &movie, NULL, favorite },
		};
		long long v = mq_lists_commit(database, &user, begun, changes, favorite ? 2 : 1);
		if (version)
			*version = v;
		if (v) {
			*item = mq_db_doc_json(doc);
			rc = mark_favorites(database, &user, v, *item);
		} else {
			rc = MQ_EUNAVAIL;
		}
	}
	if (favorite)
		bson_destroy(favorite);
	mq_db_release(db, client, database);
	bson_destroy(doc);
	return rc;
}

mq_err mq_watchlist_get(mq_db *db, const char *user_id, long long known, const char *item_id, const char *movie_id,
			cJSON **item)
{
	bson_oid_t user, id;
	*item = NULL;
	if (mq_oid_parse(user_id, &user))
		return MQ_EINVAL;
	if (mq_oid_parse(item_id ? item_id : movie_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t digest, entry;
	mq_err rc = mq_lists_digest(database, &user, known, &digest);
	if (rc == MQ_OK && !mq_lists_digest_find(&digest, "watchlist", item_id ? "_id" : "movie_id", &id, &entry))
		rc = MQ_ENOTFOUND;
	if (rc == MQ_OK && !(*item = mq_db_doc_json(&entry)))
		rc = MQ_ENOTFOUND;
	if (rc == MQ_OK)
		mark_favorites_from(&digest, *item);
	bson_destroy(&digest);
	mq_db_release(db, client, database);
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
	long long begun = mq_lists_begin(database, &user);
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL : find_one(database, "watchlist", &filter, item);
	const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*item, "movie_id"));
	if (rc == MQ_OK && (!hex || mq_oid_parse(hex, &movie)))
		rc = MQ_ENOTFOUND;
	int to = -1;
	bson_t *inserted = NULL;
	for (int attempt = 0; rc == MQ_OK && to < 0 && attempt < 20; attempt++) {
		int created = 0;
		if (favorite != 0) { /* set, or a toggle's first try */
			rc = favorite_insert(database, &user, &movie, &created, NULL, &inserted);
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
		mq_lists_change change = { "favorites", &movie, NULL, inserted };
		long long v = mq_lists_commit(database, &user, begun, &change, to == 0 || inserted);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
	}
	if (rc != MQ_OK) {
		cJSON_Delete(*item);
		*item = NULL;
	}
	if (inserted)
		bson_destroy(inserted);
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
	cJSON *removed = NULL;
	bson_oid_t movie;
	long long begun = mq_lists_begin(database, &user);
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL : remove_one(database, "watchlist", &filter, &removed);
	if (rc == MQ_OK) {
		const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(removed, "movie_id"));
		mq_lists_change change = { "watchlist", &movie, NULL, NULL };
		long long v = mq_lists_commit(database, &user, begun, &change, hex && !mq_oid_parse(hex, &movie));
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
	}
	if (item)
		*item = removed;
	else
		cJSON_Delete(removed);
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

/* Newest first; of the same moment, the greater _id first (mq_db_page's order). */
static int page_order(const void *a, const void *b)
{
	const page_entry *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? 1 : -1;
	return -bson_oid_compare(&x->id, &y->id);
}

/* A page of the entries of the digest's list kind that keep() accepts (NULL: all), newest first
 * by sort_key, each with its movie's summary in lang (NULL: none). */
static void page_of_digest(mongoc_database_t *database, const bson_t *digest, const char *kind, const char *sort_key,
			   int (*keep)(const bson_t *doc, const void *ctx), const void *ctx, const char *lang,
			   long long page, long long limit, cJSON **items, long long *total)
{
	page_walk w = { sort_key, keep, ctx, NULL, 0, 0 };
	mq_lists_digest_each(digest, kind, page_each, &w);
	if (w.n > 1)
		qsort(w.e, w.n, sizeof *w.e, page_order);
	*items = cJSON_CreateArray();
	*total = (long long)w.n;
	for (long long i = (page - 1) * limit; i >= 0 && i < (long long)w.n && i < page * limit; i++) {
		bson_t doc;
		cJSON *item;
		if (bson_init_static(&doc, w.e[i].data, w.e[i].len) && (item = mq_db_doc_json(&doc)))
			cJSON_AddItemToArray(*items, item);
	}
	free(w.e);
	if (lang)
		mq_catalog_join_summaries(database, *items, "movie_id", lang);
}

mq_err mq_lists_page(mongoc_database_t *database, const bson_oid_t *user, long long known, const char *kind,
		     const char *sort_key, const char *lang, long long page, long long limit, cJSON **items,
		     long long *total)
{
	bson_t digest;
	*items = NULL;
	*total = 0;
	mq_err rc = mq_lists_digest(database, user, known, &digest);
	if (rc == MQ_OK)
		page_of_digest(database, &digest, kind, sort_key, NULL, NULL, lang, page, limit, items, total);
	bson_destroy(&digest);
	return rc;
}

/* Whether a watchlist entry's movie is one of the favourites (ctx: favourite_filter). */
typedef struct favourite_filter {
	page_walk favorites;
	int want;
} favourite_filter;

static int keep_favourite(const bson_t *doc, const void *ctx)
{
	const favourite_filter *f = ctx;
	bson_oid_t movie;
	char hex[25];
	if (!entry_movie(doc, &movie))
		return 0;
	bson_oid_to_string(&movie, hex);
	return set_has(&f->favorites, hex) == f->want;
}

mq_err mq_watchlist_list(mq_db *db, const char *user_id, long long known, int favorites, const char *lang,
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
	bson_t digest;
	mq_err rc = mq_lists_digest(database, &user, known, &digest);
	if (rc == MQ_OK) {
		favourite_filter f = { { 0 }, favorites > 0 };
		if (favorites >= 0) /* the items whose movie is (or is not) one of the favourites */
			mq_lists_digest_each(&digest, "favorites", page_each, &f.favorites);
		page_of_digest(database, &digest, "watchlist", "added_at", favorites >= 0 ? keep_favourite : NULL, &f,
			       lang, page, limit, items, total);
		free(f.favorites.e);
		mark_favorites_from(&digest, *items);
	}
	bson_destroy(&digest);
	mq_db_release(db, client, database);
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
	bson_t *inserted = NULL;
	long long begun = mq_lists_begin(database, &user);
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL
		    : on ? favorite_insert(database, &user, &movie, created, item, &inserted)
		    : remove_one(database, "favorites", filter, item);
	if (rc == MQ_OK && (*created || !on)) {
		mq_lists_change change = { "favorites", &movie, NULL, inserted };
		long long v = mq_lists_commit(database, &user, begun, &change, 1);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
	} else if (rc == MQ_OK && version) {
		rc = mq_lists_digest_version(database, &user, version);
	}
	if (inserted)
		bson_destroy(inserted);
	bson_destroy(filter);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_favorites_list(mq_db *db, const char *user_id, long long known, const char *lang, long long page,
			 long long limit, cJSON **items, long long *total)
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
	mq_err rc = mq_lists_page(database, &user, known, "favorites", "added_at", lang, page, limit, items, total);
	cJSON *item;
	cJSON_ArrayForEach(item, *items)
		cJSON_AddTrueToObject(item, "is_favorite");
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
			rc = favorite_insert(database, bson_iter_oid(&user), bson_iter_oid(&movie), &created, NULL, NULL);
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
	long long begun = mq_lists_begin(database, &user);
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "interactions");
	bson_t *filter = interaction_filter(&user, &movie, type);
	bson_t *update = BCON_NEW("$set", "{", "at", BCON_DATE_TIME(mq_clock_ms()), "}");
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	bson_init(&reply);
	if (begun == MQ_LISTS_FAILED) {
		rc = MQ_EUNAVAIL;
	} else if (!mongoc_collection_update_one(coll, filter, update, opts, &reply, &error)) {
		/* two first recordings at once: the unique index lets one insert, the other updates */
		bson_destroy(&reply); /* the driver fills it even on failure */
		bson_init(&reply);
		if (error.code != 11000 || !mongoc_collection_update_one(coll, filter, update, NULL, NULL, &error))
			rc = mq_db_error(&error, "interaction record");
	}
	if (rc == MQ_OK) {
		bson_iter_t it;
		bson_t doc;
		if (created)
			*created = bson_iter_init_find(&it, &reply, "upsertedCount") && bson_iter_as_int64(&it) > 0;
		mq_interaction opposite = type == MQ_LIKED ? MQ_DISLIKED : MQ_LIKED;
		if (type == MQ_LIKED || type == MQ_DISLIKED) {
			bson_t *other = interaction_filter(&user, &movie, opposite);
			if (!mongoc_collection_delete_one(coll, other, NULL, NULL, &error))
				rc = mq_db_error(&error, "interaction opposite");
			bson_destroy(other);
		}
		mq_err found = mq_db_find_one(coll, filter, NULL, &doc, "interactions");
		mq_lists_change changes[] = {
			{ "interactions", &movie, mq_interaction_names[type], found == MQ_OK ? &doc : NULL },
			{ "interactions", &movie, mq_interaction_names[opposite], NULL },
		};
		/* gone already (removed at once by a twin): not there; not read: the digest is read again */
		size_t n = rc == MQ_OK && (type == MQ_LIKED || type == MQ_DISLIKED) ? 2 : 1;
		if (found != MQ_OK && found != MQ_ENOTFOUND)
			n = MQ_LISTS_UNKNOWN;
		long long v = mq_lists_commit(database, &user, begun, changes, n);
		if (version)
			*version = v;
		if (rc == MQ_OK)
			rc = v ? found : MQ_EUNAVAIL;
		if (rc == MQ_OK)
			*item = mq_db_doc_json(&doc);
		bson_destroy(&doc);
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
	long long begun = mq_lists_begin(database, &user);
	bson_t *filter = interaction_filter(&user, &movie, type);
	mq_err rc = begun == MQ_LISTS_FAILED ? MQ_EUNAVAIL : remove_one(database, "interactions", filter, NULL);
	if (rc == MQ_OK) {
		mq_lists_change change = { "interactions", &movie, mq_interaction_names[type], NULL };
		long long v = mq_lists_commit(database, &user, begun, &change, 1);
		if (version)
			*version = v;
		if (!v)
			rc = MQ_EUNAVAIL;
	}
	bson_destroy(filter);
	mq_db_release(db, client, database);
	return rc;
}

/* Whether an interaction is of the type ctx points to. */
static int keep_type(const bson_t *doc, const void *ctx)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, "type") && BSON_ITER_HOLDS_UTF8(&it) &&
	       !strcmp(bson_iter_utf8(&it, NULL), mq_interaction_names[*(const int *)ctx]);
}

mq_err mq_interactions_list(mq_db *db, const char *user_id, long long known, int type, const char *lang,
			    long long page, long long limit, cJSON **items, long long *total)
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
	bson_t digest;
	mq_err rc = mq_lists_digest(database, &user, known, &digest);
	if (rc == MQ_OK)
		page_of_digest(database, &digest, "interactions", "at", type >= 0 ? keep_type : NULL, &type, lang, page,
			       limit, items, total);
	bson_destroy(&digest);
	mq_db_release(db, client, database);
	return rc;
}
