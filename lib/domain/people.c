/* people.c — people: lookup, fetch-through from TMDB, filmography, search, sync (see people.h). */
#include "domain/people.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/search.h"
#include "core/sorted.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/people_index.h"
#include "tmdb/person.h"
#include "tmdb/tmdbcache.h"
#include "web/valid.h"

#include <stdlib.h>
#include <string.h>

int mq_people_ref(const char *ref, long long *tmdb_id)
{
	long long id = 0;
	switch (mq_valid_movie_ref(ref, &id)) {
	case MQ_REF_TMDB:
		*tmdb_id = id;
		return 0;
	case MQ_REF_SLUG: {
		const char *dash = strrchr(ref, '-');
		if (dash && dash[1] >= '1' && dash[1] <= '9' && mq_valid_movie_ref(dash + 1, &id) == MQ_REF_TMDB) {
			*tmdb_id = id;
			return 0;
		}
		return -1;
	}
	default:
		return -1;
	}
}

void mq_people_slug(const char *name, long long tmdb_id, char *out, size_t size)
{
	char base[120];
	mq_slugify(name ? name : "", base, sizeof base);
	snprintf(out, size, "%s-%lld", *base ? base : "person", tmdb_id);
}

/* ---- storing ---- */

void mq_people_oid(long long tmdb_id, bson_oid_t *oid)
{
	memset(oid->bytes, 0, sizeof oid->bytes);
	for (int i = 0; i < 8; i++)
		oid->bytes[4 + i] = (uint8_t)((unsigned long long)tmdb_id >> (8 * (7 - i)));
}

/* Upserts person tmdb_id by their _id (person_oid) with update. The unique indexes decide between
 * racing inserts (the loser updates); a document of an earlier release holding the same tmdb_id
 * under another _id is removed first. */
static mq_err upsert_person(mongoc_collection_t *coll, long long tmdb_id, const bson_t *update, const char *what)
{
	bson_oid_t oid;
	mq_people_oid(tmdb_id, &oid);
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid));
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	mq_err rc = MQ_OK;
	for (int attempt = 0; attempt < 3; attempt++) {
		bson_error_t error;
		rc = mongoc_collection_update_one(coll, filter, update, opts, NULL, &error) ? MQ_OK : mq_db_error(&error, what);
		if (rc != MQ_ECONFLICT)
			break;
		bson_t *earlier = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id), "_id", "{", "$ne", BCON_OID(&oid), "}");
		if (!mongoc_collection_delete_one(coll, earlier, NULL, NULL, &error))
			mq_log(MQ_LOG_WARN, "people", "person %lld: the earlier document not removed: %s", tmdb_id, error.message);
		bson_destroy(earlier);
	}
	bson_destroy(opts);
	bson_destroy(filter);
	return rc;
}

/* Upserts a person document (mq_person_doc_from_tmdb) by tmdb_id: its fields, tmdb_synced_at
 * and updated_at set; slug and created_at when new. Two racing inserts of one person: the unique
 * index lets one win, the other retries as an update. */
static mq_err store_person(mongoc_collection_t *coll, const cJSON *doc, long long tmdb_id)
{
	char slug[160];
	mq_people_slug(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "name")), tmdb_id, slug, sizeof slug);
	bson_t *fields = mq_db_bson_from_json(doc);
	if (!fields) {
		mq_log(MQ_LOG_ERROR, "people", "person %lld could not be converted", tmdb_id);
		return MQ_EINTERNAL;
	}
	int64_t now = mq_clock_ms();
	bson_t update = BSON_INITIALIZER, child;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
	bson_concat(&child, fields);
	BSON_APPEND_UTF8(&child, "slug", slug); /* follows the name: the id keeps old slugs working */
	BSON_APPEND_DATE_TIME(&child, "tmdb_synced_at", now);
	BSON_APPEND_DATE_TIME(&child, "updated_at", now);
	bson_append_document_end(&update, &child);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$setOnInsert", &child);
	BSON_APPEND_DATE_TIME(&child, "created_at", now);
	bson_append_document_end(&update, &child);
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$unset", &child);
	BSON_APPEND_UTF8(&child, "tmdb_missing", "");
	bson_append_document_end(&update, &child);
	bson_destroy(fields);
	mq_err rc = upsert_person(coll, tmdb_id, &update, "person upsert");
	bson_destroy(&update);
	return rc;
}

/* TMDB's person with tmdb_id as a person document (one request through the cache). */
static mq_err fetch_person(const mq_env *env, long long tmdb_id, cJSON **doc)
{
	char path[32];
	snprintf(path, sizeof path, "/person/%lld", tmdb_id);
	const char *query[] = { "append_to_response", MQ_PERSON_APPEND, NULL };
	cJSON *details = NULL;
	mq_cache_state state;
	*doc = NULL;
	mq_err rc = mq_tmdbcache_get(env, path, query, &details, &state);
	if (rc == MQ_OK && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(details, "adult")))
		rc = MQ_ENOTFOUND; /* adult people are never stored nor shown */
	if (rc == MQ_OK && !(*doc = mq_person_doc_from_tmdb(details)))
		rc = MQ_EUPSTREAM;
	cJSON_Delete(details);
	return rc;
}

/* Notes that TMDB has no person tmdb_id (now), so that the sync does not ask again until they
 * are stale; a stored person keeps what they had, flagged tmdb_missing (and is not shown). */
static mq_err mark_missing(mongoc_collection_t *coll, long long tmdb_id)
{
	char slug[32];
	int64_t now = mq_clock_ms();
	snprintf(slug, sizeof slug, "person-%lld", tmdb_id);
	bson_t *update = BCON_NEW("$set", "{", "tmdb_missing", BCON_BOOL(true), "tmdb_synced_at", BCON_DATE_TIME(now), "}",
				  "$setOnInsert", "{", "tmdb_id", BCON_INT64(tmdb_id), "slug", BCON_UTF8(slug), "name",
				  BCON_UTF8(""), "created_at", BCON_DATE_TIME(now), "}");
	mq_err rc = upsert_person(coll, tmdb_id, update, "person missing");
	bson_destroy(update);
	return rc;
}

/* mq_people_refresh; announce: a catalogue version names the person stored (the sync announces
 * its people together). */
static mq_err refresh_person(const mq_env *env, long long tmdb_id, int announce)
{
	cJSON *doc = NULL;
	mq_err rc = fetch_person(env, tmdb_id, &doc);
	mongoc_client_t *client = NULL;
	mongoc_database_t *database = NULL;
	if ((rc == MQ_OK || rc == MQ_ENOTFOUND) && !(database = mq_db_acquire(env->db, &client)))
		rc = MQ_EUNAVAIL;
	if (database) {
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "people");
		if (rc == MQ_OK) {
			rc = store_person(coll, doc, tmdb_id);
			if (rc == MQ_OK && announce)
				mq_cards_bump_people(database, &tmdb_id, 1); /* every process's people search learns of it */
		} else if (mark_missing(coll, tmdb_id) != MQ_OK) {
			rc = MQ_EUNAVAIL; /* nothing known of them: the database's failure, not TMDB's 404 */
		}
		mongoc_collection_destroy(coll);
		mq_db_release(env->db, client, database);
	}
	cJSON_Delete(doc);
	return rc;
}

mq_err mq_people_refresh(const mq_env *env, long long tmdb_id)
{
	return refresh_person(env, tmdb_id, 1);
}

/* Announces people[*n] in one catalogue version, and empties the list. */
static void announce_people(mq_db *db, long long *people, size_t *n)
{
	mongoc_client_t *client;
	mongoc_database_t *database = *n ? mq_db_acquire(db, &client) : NULL;
	if (database) {
		mq_cards_bump_people(database, people, *n);
		mq_db_release(db, client, database);
	}
	*n = 0;
}

/* ---- the public JSON ---- */

/* The lang text of an object of texts by language ({en, fa}), else the English one, else NULL. */
static const char *text_in(const cJSON *texts, const char *lang, const char **which)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(texts, lang));
	*which = lang;
	if (!t || !*t) {
		t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(texts, "en"));
		*which = "en";
	}
	return t && *t ? t : NULL;
}

/* The public JSON of a people document (see mq_people_get), filmography not yet joined. */
static cJSON *person_json(const bson_t *doc, const char *lang)
{
	cJSON *p = mq_db_doc_json_deep(doc);
	if (!p)
		return NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(p, "search_keys");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "adult");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "gender");
	const char *which;
	const char *name = text_in(cJSON_GetObjectItemCaseSensitive(p, "names"), lang, &which);
	if (name)
		cJSON_ReplaceItemInObjectCaseSensitive(p, "name", cJSON_CreateString(name));
	const char *bio = text_in(cJSON_GetObjectItemCaseSensitive(p, "biographies"), lang, &which);
	cJSON_AddItemToObject(p, "biography", bio ? cJSON_CreateString(bio) : cJSON_CreateNull());
	cJSON_AddItemToObject(p, "biography_language", bio ? cJSON_CreateString(which) : cJSON_CreateNull());
	cJSON *credits = cJSON_DetachItemFromObjectCaseSensitive(p, "credits");
	cJSON *acting = cJSON_AddArrayToObject(p, "acting"), *crew = cJSON_AddArrayToObject(p, "crew");
	for (cJSON *c = credits ? credits->child : NULL, *next; c; c = next) {
		next = c->next;
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "kind"));
		if (!kind)
			continue;
		cJSON *list = strcmp(kind, "crew") ? acting : crew;
		cJSON *item = cJSON_DetachItemViaPointer(credits, c);
		cJSON_DeleteItemFromObjectCaseSensitive(item, "kind");
		cJSON_AddBoolToObject(item, "in_catalog", 0); /* adult stays: the audience rule's input */
		cJSON_AddItemToArray(list, item);
	}
	cJSON_Delete(credits);
	return p;
}

/* The stored person with tmdb_id as public JSON with the filmography joined (*person), or
 * MQ_ENOTFOUND. */
static mq_err find_person(mq_db *db, long long tmdb_id, const char *lang, cJSON **person)
{
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "people");
	bson_oid_t oid;
	mq_people_oid(tmdb_id, &oid);
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid), "tmdb_missing", "{", "$ne", BCON_BOOL(true), "}");
	bson_t doc;
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, "person lookup");
	if (rc == MQ_OK && !(*person = person_json(&doc, lang)))
		rc = MQ_EINTERNAL;
	bson_destroy(&doc);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	if (rc == MQ_OK) {
		/* the catalogue's movies first-class, those a curator hid left out (from the cards; a
		 * failure leaves TMDB's fields) */
		mq_catalog_adopt_tmdb(db, cJSON_GetObjectItemCaseSensitive(*person, "acting"), lang, "in_catalog");
		mq_catalog_adopt_tmdb(db, cJSON_GetObjectItemCaseSensitive(*person, "crew"), lang, "in_catalog");
	}
	return rc;
}

mq_err mq_people_get(const mq_env *env, const char *ref, const char *lang, cJSON **person, int *fetched)
{
	long long tmdb_id;
	*person = NULL;
	if (fetched)
		*fetched = 0;
	if (mq_people_ref(ref, &tmdb_id))
		return MQ_EINVAL;
	mq_err rc = find_person(env->db, tmdb_id, lang, person);
	if (rc != MQ_ENOTFOUND || !env->tmdb)
		return rc;
	/* not stored: fetched from TMDB (the database client is not held meanwhile) */
	if ((rc = mq_people_refresh(env, tmdb_id)) != MQ_OK)
		return rc;
	if (fetched)
		*fetched = 1;
	return find_person(env->db, tmdb_id, lang, person);
}

/* ---- search ---- */

/* A stored person's summary in lang. */
static cJSON *summary_json(const bson_t *doc, const char *lang)
{
	cJSON *p = mq_db_doc_json_deep(doc);
	if (!p)
		return NULL;
	const char *which;
	const char *name = text_in(cJSON_GetObjectItemCaseSensitive(p, "names"), lang, &which);
	if (name)
		cJSON_ReplaceItemInObjectCaseSensitive(p, "name", cJSON_CreateString(name));
	cJSON_DeleteItemFromObjectCaseSensitive(p, "names");
	return p;
}

mq_err mq_people_search(mq_db *db, const char *pattern, long long limit, const char *lang, cJSON **items)
{
	*items = NULL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t **docs;
	size_t n;
	mq_err rc = mq_people_index_search(database, pattern, limit, &docs, &n);
	mq_db_release(db, client, database);
	if (rc != MQ_OK)
		return rc;
	cJSON *list = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *p = summary_json(docs[i], lang);
		if (p)
			cJSON_AddItemToArray(list, p);
		bson_destroy(docs[i]);
	}
	free(docs);
	*items = list;
	return MQ_OK;
}

mq_err mq_people_tmdb_search(const mq_env *env, const char *q, long long limit, cJSON **items)
{
	const char *query[] = { "query", q, "include_adult", "false", "page", "1", NULL };
	cJSON *json = NULL;
	mq_cache_state state;
	*items = NULL;
	mq_err rc = mq_tmdbcache_get(env, "/search/person", query, &json, &state);
	if (rc != MQ_OK)
		return rc;
	cJSON *list = cJSON_CreateArray();
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(json, "results")) {
		cJSON *p = cJSON_GetArraySize(list) < limit ? mq_person_summary_from_tmdb(item) : NULL;
		if (p && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "adult"))) {
			cJSON_Delete(p);
			continue;
		}
		if (p) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, "adult");
			cJSON_AddItemToArray(list, p);
		}
	}
	cJSON_Delete(json);
	*items = list;
	return MQ_OK;
}

mq_err mq_people_find_name(mq_db *db, const char *name, long long *tmdb_id)
{
	mq_buf key = MQ_BUF_INIT;
	mq_search_key(name, &key);
	*tmdb_id = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = *mq_buf_cstr(&key) ? mq_db_acquire(db, &client) : NULL;
	mq_err rc = !*mq_buf_cstr(&key) ? MQ_ENOTFOUND : database ? mq_people_index_find_key(database, mq_buf_cstr(&key), tmdb_id)
										: MQ_EUNAVAIL;
	if (database)
		mq_db_release(db, client, database);
	mq_buf_free(&key);
	return rc;
}

/* ---- the sync ---- */

/* Appends id to the growing array *ids (n used, *cap allocated); -1 when memory ran out. */
static int push_id(long long **ids, size_t *n, size_t *cap, long long id)
{
	if (*n == *cap) {
		size_t more = *cap ? *cap * 2 : 1024;
		long long *grown = realloc(*ids, more * sizeof *grown);
		if (!grown)
			return -1;
		*ids = grown;
		*cap = more;
	}
	(*ids)[(*n)++] = id;
	return 0;
}

/* The people of the visible catalogue within the bound, the most popular movies' first, each
 * once (in *ids, caller frees), then those of them stored since cutoff left out. */
static mq_err due_people(mq_db *db, const mq_people_sync_opts *o, int64_t cutoff, long long **ids, size_t *n,
			 long *candidates)
{
	size_t cap = 0, n_seen = 0, cap_seen = 0;
	long long *seen = NULL;
	*ids = NULL;
	*n = 0;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mq_err rc = MQ_OK;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("hidden", "{", "$ne", BCON_BOOL(true), "}");
	bson_t *opts = BCON_NEW("sort", "{", "popularity", BCON_INT32(-1), "_id", BCON_INT32(1), "}",
				"projection", "{", "cast", BCON_INT32(1), "directors", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, opts, NULL);
	while (rc == MQ_OK && mongoc_cursor_next(cursor, &doc)) {
		static const char *const fields[] = { "directors", "cast" };
		for (int f = 0; f < 2 && rc == MQ_OK; f++) {
			bson_iter_t it, arr, person, id;
			if (!bson_iter_init_find(&it, doc, fields[f]) || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &arr))
				continue;
			for (int k = 0; bson_iter_next(&arr) && (f == 0 || k < o->cast_per_movie); k++) {
				if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &person) ||
				    !bson_iter_find(&person, "tmdb_id") || !BSON_ITER_HOLDS_NUMBER(&person))
					continue;
				id = person;
				long long pid = bson_iter_as_int64(&id);
				if (pid > 0 && push_id(ids, n, &cap, pid))
					rc = MQ_EINTERNAL;
			}
		}
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "catalogue people");
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(movies);

	/* each person once, in the order first met (a sorted copy finds repeats) */
	long long *sorted = rc == MQ_OK && *n ? malloc(*n * sizeof *sorted) : NULL;
	if (rc == MQ_OK && *n && !sorted)
		rc = MQ_EINTERNAL;
	size_t unique = 0;
	if (sorted) {
		memcpy(sorted, *ids, *n * sizeof *sorted);
		size_t u = mq_sorted_ids_unique(sorted, *n);
		unsigned char *taken = calloc(u ? u : 1, 1);
		if (!taken)
			rc = MQ_EINTERNAL;
		for (size_t i = 0; taken && i < *n; i++) {
			long long *at = bsearch(&(*ids)[i], sorted, u, sizeof *sorted, mq_sorted_ids_cmp);
			if (at && !taken[at - sorted]) {
				taken[at - sorted] = 1;
				(*ids)[unique++] = (*ids)[i];
			}
		}
		free(taken);
		*n = unique;
	}
	*candidates = (long)*n;

	/* those stored since cutoff are fresh */
	if (rc == MQ_OK && *n) {
		mongoc_collection_t *people = mq_db_collection(db, client, "people");
		filter = BCON_NEW("tmdb_synced_at", "{", "$gte", BCON_DATE_TIME(cutoff), "}");
		opts = BCON_NEW("projection", "{", "tmdb_id", BCON_INT32(1), "}");
		cursor = mongoc_collection_find_with_opts(people, filter, opts, NULL);
		while (rc == MQ_OK && mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it;
			if (bson_iter_init_find(&it, doc, "tmdb_id") && BSON_ITER_HOLDS_NUMBER(&it)) {
				long long pid = bson_iter_as_int64(&it);
				if (push_id(&seen, &n_seen, &cap_seen, pid))
					rc = MQ_EINTERNAL;
			}
		}
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "fresh people");
		mongoc_cursor_destroy(cursor);
		bson_destroy(opts);
		bson_destroy(filter);
		mongoc_collection_destroy(people);
		if (n_seen)
			qsort(seen, n_seen, sizeof *seen, mq_sorted_ids_cmp);
		size_t kept = 0;
		for (size_t i = 0; i < *n; i++)
			if (!n_seen || !bsearch(&(*ids)[i], seen, n_seen, sizeof *seen, mq_sorted_ids_cmp))
				(*ids)[kept++] = (*ids)[i];
		*n = kept;
	}
	free(seen);
	free(sorted);
	mq_db_push(db, client);
	if (rc != MQ_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

mq_err mq_people_sync(const mq_env *env, const mq_people_sync_opts *o, mq_people_sync_counts *c)
{
	memset(c, 0, sizeof *c);
	long long *ids = NULL;
	size_t n = 0;
	int64_t cutoff = mq_clock_ms() - (int64_t)o->stale_days * 86400 * 1000;
	mq_err rc = due_people(env->db, o, cutoff, &ids, &n, &c->candidates);
	if (rc != MQ_OK)
		return rc;
	c->due = (long)n;
	enum { ANNOUNCE_EVERY = 200 }; /* people stored, announced together */
	long long stored[ANNOUNCE_EVERY];
	size_t n_stored = 0;
	for (size_t i = 0; i < n && (long)i < o->limit && !o->dry_run; i++) {
		mq_err one = refresh_person(env, ids[i], 0);
		if (one == MQ_OK && (stored[n_stored++] = ids[i], n_stored == ANNOUNCE_EVERY))
			announce_people(env->db, stored, &n_stored);
		if (one == MQ_OK)
			c->refreshed++;
		else if (one == MQ_ENOTFOUND)
			c->missing++;
		else {
			c->failed++;
			mq_log(MQ_LOG_WARN, "people", "person %lld: %s", ids[i], mq_err_message(one));
			if (one == MQ_EUNAVAIL && !env->tmdb)
				break;
		}
	}
	announce_people(env->db, stored, &n_stored);
	free(ids);
	return MQ_OK;
}
