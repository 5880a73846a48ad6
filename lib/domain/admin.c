/* admin.c — curators' changes to the catalogue and the audit log (see admin.h). */
#include "domain/admin.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/catalog.h"
#include "tmdb/movie.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

const char *const mq_admin_movie_fields[] = {
	"tmdb_id", "title", "titles", "original_title", "original_language", "overview", "overviews", "release_date",
	"year", "runtime", "genres", "poster_path", "backdrop_path", "cast", "directors", "keywords", "certification",
	"imdb_id", "popularity", "vote_average", "vote_count", NULL,
};

static cJSON *changes(const cJSON *before, const cJSON *after)
{
	static const char *const skip[] = { "updated_at", "tmdb_synced_at", "search_keys", "title_key", NULL };
	cJSON *list = cJSON_CreateArray();
	const cJSON *sides[2] = { after, before };
	for (int side = 0; side < 2; side++) {
		const cJSON *f;
		cJSON_ArrayForEach(f, sides[side]) {
			int skipped = 0;
			for (int i = 0; skip[i]; i++)
				skipped |= !strcmp(skip[i], f->string);
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(before, f->string);
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(after, f->string);
			if (skipped || (side == 1 && a) || (a && b && cJSON_Compare(a, b, 1)))
				continue; /* the second pass only adds what the first could not see */
			cJSON *c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "field", f->string);
			cJSON_AddItemToObject(c, "before", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(c, "after", a ? cJSON_Duplicate(a, 1) : cJSON_CreateNull());
			cJSON_AddItemToArray(list, c);
		}
	}
	return list;
}

mq_err mq_admin_audit(mq_db *db, const char *actor, const char *action, const char *kind, const char *target,
		const cJSON *before, const cJSON *after, const char *request_id)
{
	bson_oid_t who;
	if (mq_oid_parse(actor, &who))
		return MQ_EINVAL;
	cJSON *list = changes(before, after);
	bson_t *diff = mq_db_bson_from_json(list);
	cJSON_Delete(list);
	bson_t doc = BSON_INITIALIZER, arr;
	BSON_APPEND_OID(&doc, "actor", &who);
	BSON_APPEND_UTF8(&doc, "action", action);
	BSON_APPEND_UTF8(&doc, "kind", kind);
	BSON_APPEND_UTF8(&doc, "target", target ? target : "");
	/* bson_new_from_json makes the array a document with keys "0", "1", …: append it as one */
	BSON_APPEND_ARRAY_BEGIN(&doc, "changes", &arr);
	if (diff)
		bson_concat(&arr, diff);
	bson_append_array_end(&doc, &arr);
	BSON_APPEND_DATE_TIME(&doc, "at", mq_clock_ms());
	if (request_id)
		BSON_APPEND_UTF8(&doc, "request_id", request_id);
	bson_destroy(diff);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&doc);
		return MQ_EUNAVAIL;
	}
	bson_error_t error;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "audit_log");
	if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "audit");
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	bson_destroy(&doc);
	return rc;
}

mq_err mq_admin_audit_list(mq_db *db, const char *target, const char *actor, const char *action, long long page,
		     long long limit, cJSON **items, long long *total)
{
	bson_t filter = BSON_INITIALIZER;
	bson_oid_t who;
	if (target)
		BSON_APPEND_UTF8(&filter, "target", target);
	if (actor) {
		if (mq_oid_parse(actor, &who)) {
			bson_destroy(&filter);
			return MQ_EINVAL;
		}
		BSON_APPEND_OID(&filter, "actor", &who);
	}
	if (action)
		BSON_APPEND_UTF8(&filter, "action", action);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&filter);
		return MQ_EUNAVAIL;
	}
	mq_err rc = mq_db_page_deep(database, "audit_log", &filter, "at", page, limit, items, total);
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

/* The movie's JSON (hidden ones too), or MQ_ENOTFOUND. */
static mq_err read_movie(mongoc_collection_t *movies, const bson_oid_t *id, cJSON **movie)
{
	bson_error_t error;
	const bson_t *doc;
	bson_t *filter = BCON_NEW("_id", BCON_OID(id));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, NULL, NULL);
	mq_err rc = MQ_ENOTFOUND;
	*movie = NULL;
	if (mongoc_cursor_next(cursor, &doc) && (*movie = mq_catalog_movie_json(doc, "en")))
		rc = MQ_OK;
	else if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "movie");
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	return rc;
}

/* URLs a reader computes (images.h) are never stored: a form filled from a lookup carries them. */
static void strip_computed(cJSON *doc)
{
	static const char *const urls[] = { "poster_url", "poster_url_large", "backdrop_url", NULL };
	for (int i = 0; urls[i]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(doc, urls[i]);
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "cast"))
		cJSON_DeleteItemFromObjectCaseSensitive(c, "profile_url");
}

mq_err mq_admin_movie_create(mq_db *db, const cJSON *fields, cJSON **movie)
{
	*movie = NULL;
	cJSON *doc = cJSON_Duplicate(fields, 1);
	strip_computed(doc);
	const cJSON *tmdb = cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id");
	int manual = !cJSON_IsNumber(tmdb);
	if (manual) {
		/* a placeholder that keeps the unique tmdb_id index happy (see admin.h) */
		uint32_t r = 0;
		RAND_bytes((unsigned char *)&r, sizeof r);
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "tmdb_id");
		cJSON_AddNumberToObject(doc, "tmdb_id", -(double)(r % 2000000000u) - 1);
	}
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "title"));
	cJSON *titles = cJSON_GetObjectItemCaseSensitive(doc, "titles");
	if (!titles)
		titles = cJSON_AddObjectToObject(doc, "titles");
	if (title && !cJSON_GetObjectItemCaseSensitive(titles, "en"))
		cJSON_AddStringToObject(titles, "en", title);
	const char *overview = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "overview"));
	if (overview) {
		cJSON *overviews = cJSON_GetObjectItemCaseSensitive(doc, "overviews");
		if (!overviews)
			overviews = cJSON_AddObjectToObject(doc, "overviews");
		if (!cJSON_GetObjectItemCaseSensitive(overviews, "en"))
			cJSON_AddStringToObject(overviews, "en", overview);
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "overview");
	}
	const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "release_date"));
	if (date && strlen(date) >= 4 && !cJSON_GetObjectItemCaseSensitive(doc, "year"))
		cJSON_AddNumberToObject(doc, "year", atoi(date));
	mq_movie_search_fields(doc);

	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		cJSON_Delete(doc);
		return MQ_EUNAVAIL;
	}
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	mq_err rc = MQ_ECONFLICT;
	bson_error_t error;
	for (int attempt = 0; attempt < 3 && rc == MQ_ECONFLICT; attempt++) {
		char slug[180];
		mq_catalog_slug(doc, 0, slug, sizeof slug);
		if (attempt == 1 && !manual)
			mq_catalog_slug(doc, 1, slug, sizeof slug);
		else if (attempt > 0) {
			uint16_t r = 0;
			RAND_bytes((unsigned char *)&r, sizeof r);
			size_t len = strlen(slug);
			snprintf(slug + len, sizeof slug - len, "-%04x", r);
		}
		bson_t *new_movie = mq_catalog_new_movie(doc, slug, manual ? "manual" : "tmdb", mq_clock_ms());
		if (!new_movie) {
			rc = MQ_EINVAL;
			break;
		}
		bson_oid_t id;
		bson_oid_init(&id, NULL);
		BSON_APPEND_OID(new_movie, "_id", &id);
		if (mongoc_collection_insert_one(movies, new_movie, NULL, NULL, &error)) {
			rc = read_movie(movies, &id, movie);
		} else {
			rc = mq_db_error(&error, "movie create");
			/* the same TMDB movie is there already: that is the caller's 409 */
			if (rc == MQ_ECONFLICT && !manual && strstr(error.message, "tmdb_id"))
				attempt = 3;
		}
		bson_destroy(new_movie);
	}
	mongoc_collection_destroy(movies);
	mq_db_release(db, client, database);
	cJSON_Delete(doc);
	return rc;
}

static int is_tmdb_movie(const cJSON *movie)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id")) > 0;
}

mq_err mq_admin_movie_edit(mq_db *db, const char *movie_id, const cJSON *fields, int lock, const cJSON *unlock,
			   cJSON **before, cJSON **after)
{
	bson_oid_t id;
	*before = *after = NULL;
	if (mq_oid_parse(movie_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	mq_err rc = read_movie(movies, &id, before);
	if (rc == MQ_OK) {
		/* the new values over the old, the derived fields again, the locks */
		cJSON *doc = cJSON_Duplicate(*before, 1), *f;
		cJSON_ArrayForEach(f, fields) {
			if (!strcmp(f->string, "overview")) {
				cJSON *overviews = cJSON_GetObjectItemCaseSensitive(doc, "overviews");
				if (!cJSON_IsObject(overviews)) {
					cJSON_DeleteItemFromObjectCaseSensitive(doc, "overviews");
					overviews = cJSON_AddObjectToObject(doc, "overviews");
				}
				cJSON_DeleteItemFromObjectCaseSensitive(overviews, "en");
				cJSON_AddItemToObject(overviews, "en", cJSON_Duplicate(f, 1));
				continue;
			}
			cJSON_DeleteItemFromObjectCaseSensitive(doc, f->string);
			cJSON_AddItemToObject(doc, f->string, cJSON_Duplicate(f, 1));
			if (!strcmp(f->string, "title") && cJSON_IsString(f)) {
				cJSON *titles = cJSON_GetObjectItemCaseSensitive(doc, "titles");
				if (cJSON_IsObject(titles)) {
					cJSON_DeleteItemFromObjectCaseSensitive(titles, "en");
					cJSON_AddStringToObject(titles, "en", f->valuestring);
				}
			}
		}
		strip_computed(doc);
		mq_movie_search_fields(doc);
		cJSON *locks = cJSON_CreateArray(), *l;
		cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(*before, "locked_fields")) {
			int drop = !cJSON_IsString(l);
			const cJSON *u;
			cJSON_ArrayForEach(u, unlock)
				drop |= cJSON_IsString(u) && cJSON_IsString(l) && !strcmp(u->valuestring, l->valuestring);
			if (!drop)
				cJSON_AddItemToArray(locks, cJSON_CreateString(l->valuestring));
		}
		if (lock && is_tmdb_movie(*before)) {
			cJSON_ArrayForEach(f, fields) {
				const char *name = !strcmp(f->string, "overview") ? "overviews" : f->string;
				int have = 0;
				cJSON_ArrayForEach(l, locks)
					have |= !strcmp(l->valuestring, name);
				if (!have && strcmp(name, "tmdb_id"))
					cJSON_AddItemToArray(locks, cJSON_CreateString(name));
			}
		}
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "locked_fields");
		cJSON_AddItemToObject(doc, "locked_fields", locks);
		/* only what the curator may set, and what follows from it */
		cJSON *set = cJSON_CreateObject();
		for (int i = 0; mq_admin_movie_fields[i]; i++) {
			const char *name = mq_admin_movie_fields[i];
			cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
			if (v && strcmp(name, "overview") && strcmp(name, "tmdb_id"))
				cJSON_AddItemToObject(set, name, cJSON_Duplicate(v, 1));
		}
		static const char *const derived[] = { "overviews", "title_key", "search_keys", "locked_fields" };
		for (int i = 0; i < 4; i++) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, derived[i]);
			if (v && !cJSON_GetObjectItemCaseSensitive(set, derived[i]))
				cJSON_AddItemToObject(set, derived[i], cJSON_Duplicate(v, 1));
		}
		bson_t *fields_bson = mq_db_bson_from_json(set);
		bson_t update = BSON_INITIALIZER, child;
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
		if (fields_bson)
			bson_concat(&child, fields_bson);
		BSON_APPEND_DATE_TIME(&child, "updated_at", mq_clock_ms());
		bson_append_document_end(&update, &child);
		bson_t *filter = BCON_NEW("_id", BCON_OID(&id));
		bson_error_t error;
		if (!mongoc_collection_update_one(movies, filter, &update, NULL, NULL, &error))
			rc = mq_db_error(&error, "movie edit");
		else
			rc = read_movie(movies, &id, after);
		bson_destroy(filter);
		bson_destroy(&update);
		bson_destroy(fields_bson);
		cJSON_Delete(set);
		cJSON_Delete(doc);
	}
	mongoc_collection_destroy(movies);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_admin_movie_hide(mq_db *db, const char *movie_id, int hidden, cJSON **before, cJSON **after)
{
	bson_oid_t id;
	*before = *after = NULL;
	if (mq_oid_parse(movie_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	mq_err rc = read_movie(movies, &id, before);
	if (rc == MQ_OK) {
		bson_error_t error;
		bson_t *filter = BCON_NEW("_id", BCON_OID(&id));
		bson_t *update = hidden ? BCON_NEW("$set", "{", "hidden", BCON_BOOL(true), "hidden_at", BCON_DATE_TIME(mq_clock_ms()), "}")
					: BCON_NEW("$unset", "{", "hidden", BCON_UTF8(""), "hidden_at", BCON_UTF8(""), "}");
		if (!mongoc_collection_update_one(movies, filter, update, NULL, NULL, &error))
			rc = mq_db_error(&error, "movie hide");
		else
			rc = read_movie(movies, &id, after);
		bson_destroy(update);
		bson_destroy(filter);
	}
	mongoc_collection_destroy(movies);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_admin_notifications_list(mq_db *db, const char *admin_id, int unseen_only, long long page, long long limit,
			     cJSON **items, long long *total, long long *unseen)
{
	bson_oid_t admin;
	*items = NULL;
	*total = *unseen = 0;
	if (mq_oid_parse(admin_id, &admin))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *not_seen = BCON_NEW("seen_by", "{", "$nin", "[", BCON_OID(&admin), "]", "}");
	bson_t all = BSON_INITIALIZER;
	bson_error_t error;
	mq_err rc = mq_db_page_deep(database, "notifications", unseen_only ? not_seen : &all, "at", page, limit, items, total);
	if (rc == MQ_OK) {
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "notifications");
		int64_t n = mongoc_collection_count_documents(coll, not_seen, NULL, NULL, NULL, &error);
		if (n < 0)
			rc = mq_db_error(&error, "notifications");
		*unseen = n < 0 ? 0 : n;
		mongoc_collection_destroy(coll);
		char hex[25];
		bson_oid_to_string(&admin, hex);
		cJSON *item;
		cJSON_ArrayForEach(item, *items) {
			/* whether this admin has seen it; who else has is nobody else's business here */
			int seen = 0;
			const cJSON *who;
			cJSON_ArrayForEach(who, cJSON_GetObjectItemCaseSensitive(item, "seen_by"))
				seen |= cJSON_IsString(who) && !strcmp(who->valuestring, hex);
			cJSON_DeleteItemFromObjectCaseSensitive(item, "seen_by");
			cJSON_AddBoolToObject(item, "seen", seen);
		}
	}
	bson_destroy(not_seen);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_admin_notifications_seen(mq_db *db, const char *admin_id, const char *id)
{
	bson_oid_t admin, one;
	if (mq_oid_parse(admin_id, &admin))
		return MQ_EINVAL;
	if (id && mq_oid_parse(id, &one))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_error_t error;
	bson_t reply;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "notifications");
	bson_t *filter = id ? BCON_NEW("_id", BCON_OID(&one)) : bson_new();
	bson_t *update = BCON_NEW("$addToSet", "{", "seen_by", BCON_OID(&admin), "}");
	if (!mongoc_collection_update_many(coll, filter, update, NULL, &reply, &error)) {
		rc = mq_db_error(&error, "notifications seen");
	} else if (id) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, &reply, "matchedCount") && bson_iter_as_int64(&it) == 0)
			rc = MQ_ENOTFOUND;
	}
	bson_destroy(&reply);
	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_admin_sync_runs(mq_db *db, long long page, long long limit, cJSON **items, long long *total, cJSON **lease)
{
	*items = *lease = NULL;
	*total = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t all = BSON_INITIALIZER;
	mq_err rc = mq_db_page_deep(database, "synclogs", &all, "started_at", page, limit, items, total);
	if (rc == MQ_OK) {
		const bson_t *doc;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "sync_lease");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, NULL, NULL);
		bson_error_t error;
		if (mongoc_cursor_next(cursor, &doc))
			*lease = mq_db_doc_json_deep(doc);
		else if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "sync_lease");
		if (rc != MQ_OK) {
			cJSON_Delete(*items);
			*items = NULL;
		}
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(coll);
	}
	mq_db_release(db, client, database);
	return rc;
}
