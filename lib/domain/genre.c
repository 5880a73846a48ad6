/* genre.c — genres from TMDB, stored by tmdb_id with their names per language (see genre.h). */
#include "domain/genre.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/cards.h"
#include "tmdb/tmdbcache.h"
#include "web/valid.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

void mq_slugify(const char *s, char *out, size_t size)
{
	size_t n = 0;
	int dash = 0;
	for (; *s && n + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) && c < 0x80) {
			if (dash && n > 0 && n + 2 < size)
				out[n++] = '-';
			out[n++] = (char)tolower(c);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	out[n] = '\0';
}

mq_err mq_genres_sync(const mq_env *env, int *count)
{
	mq_db *db = env->db;
	const mq_config *cfg = env->cfg;
	mq_err rc = MQ_OK;
	*count = 0;
	/* tmdb_id → {names} gathered over the languages, English first (it gives the slug) */
	cJSON *genres = cJSON_CreateObject();
	for (int i = -1; i < cfg->n_tmdb_languages && rc == MQ_OK; i++) {
		const char *language = i < 0 ? "en-US" : cfg->tmdb_languages[i];
		if (i >= 0 && !strcmp(language, "en-US"))
			continue;
		const char *query[] = { "language", language, NULL };
		cJSON *json = NULL;
		mq_cache_state state;
		rc = mq_tmdbcache_get(env, "/genre/movie/list", query, &json, &state);
		if (rc != MQ_OK)
			break;
		char lang[3] = { language[0], language[1], '\0' };
		const cJSON *g;
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(json, "genres")) {
			double id = mq_tmdb_number(g, "id", 0);
			const char *name = mq_tmdb_string(g, "name");
			if (id < 1 || id > 2147483647 || !name)
				continue;
			char key[16];
			snprintf(key, sizeof key, "%lld", (long long)id);
			cJSON *entry = cJSON_GetObjectItemCaseSensitive(genres, key);
			if (!entry)
				entry = cJSON_AddObjectToObject(genres, key);
			if (!cJSON_GetObjectItemCaseSensitive(entry, lang))
				cJSON_AddStringToObject(entry, lang, name);
		}
		cJSON_Delete(json);
	}
	mongoc_client_t *client = NULL;
	mongoc_database_t *database = rc == MQ_OK ? mq_db_acquire(db, &client) : NULL;
	if (rc == MQ_OK && !database)
		rc = MQ_EUNAVAIL;
	mongoc_collection_t *coll = database ? mongoc_database_get_collection(database, "genres") : NULL;
	const cJSON *entry;
	cJSON_ArrayForEach(entry, genres) {
		if (rc != MQ_OK)
			break;
		const char *en = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entry, "en"));
		long long id = 0;
		if (!en || mq_parse_int(entry->string, 1, 2147483647, &id))
			continue;
		char slug[64];
		mq_slugify(en, slug, sizeof slug);
		bson_t update = BSON_INITIALIZER, set, names;
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
		BSON_APPEND_UTF8(&set, "slug", slug);
		BSON_APPEND_DOCUMENT_BEGIN(&set, "names", &names);
		const cJSON *n;
		cJSON_ArrayForEach(n, entry)
			BSON_APPEND_UTF8(&names, n->string, n->valuestring);
		bson_append_document_end(&set, &names);
		BSON_APPEND_DATE_TIME(&set, "tmdb_synced_at", (int64_t)time(NULL) * 1000);
		bson_append_document_end(&update, &set);
		bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(id));
		bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
		bson_error_t error;
		bool ok = mongoc_collection_update_one(coll, filter, &update, opts, NULL, &error);
		if (!ok && error.domain == MONGOC_ERROR_SERVER && error.code == 11000) /* a concurrent upsert */
			ok = mongoc_collection_update_one(coll, filter, &update, opts, NULL, &error);
		if (!ok)
			rc = mq_db_error(&error, "genre upsert");
		else
			(*count)++;
		bson_destroy(opts);
		bson_destroy(filter);
		bson_destroy(&update);
	}
	if (coll)
		mongoc_collection_destroy(coll);
	if (*count > 0) /* every process reads its genres again (even after a failure halfway) */
		mq_cards_bump_genres(database);
	if (database)
		mq_db_release(db, client, database);
	cJSON_Delete(genres);
	return rc;
}

static cJSON *genre_json(const bson_t *doc, const char *lang)
{
	bson_iter_t it, sub;
	cJSON *g = cJSON_CreateObject(), *names = cJSON_CreateObject();
	const char *en = NULL, *wanted = NULL;
	cJSON_AddNumberToObject(g, "id", bson_iter_init_find(&it, doc, "tmdb_id") && BSON_ITER_HOLDS_NUMBER(&it)
					      ? (double)bson_iter_as_int64(&it) : 0);
	cJSON_AddStringToObject(g, "slug", bson_iter_init_find(&it, doc, "slug") && BSON_ITER_HOLDS_UTF8(&it)
					      ? bson_iter_utf8(&it, NULL) : "");
	if (bson_iter_init_find(&it, doc, "names") && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
		while (bson_iter_next(&sub)) {
			if (!BSON_ITER_HOLDS_UTF8(&sub))
				continue;
			const char *v = bson_iter_utf8(&sub, NULL);
			cJSON_AddStringToObject(names, bson_iter_key(&sub), v);
			if (!strcmp(bson_iter_key(&sub), "en"))
				en = v;
			if (lang && !strcmp(bson_iter_key(&sub), lang))
				wanted = v;
		}
	}
	cJSON_AddStringToObject(g, "name", wanted ? wanted : en ? en : "");
	cJSON_AddItemToObject(g, "names", names);
	return g;
}

/* The genres each process keeps: a few dozen small documents, read again once the catalogue
 * snapshot a request holds asks for a later reading (mq_cards_genres_epoch: every store of the
 * genres is followed by a catalogue version that says so), so that a page's genres cost no round
 * trip of their own. */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static char kept_database[64];
static long long kept_epoch; /* 0: none kept */
static bson_t *kept;         /* the genres as read: {"0": genre, …} */

/* A copy of the genres kept for database at epoch (or a later one), or NULL. */
static bson_t *kept_copy(const char *database, long long epoch)
{
	pthread_mutex_lock(&kept_lock);
	bson_t *copy = kept && kept_epoch >= epoch && !strcmp(kept_database, database) ? bson_copy(kept) : NULL;
	pthread_mutex_unlock(&kept_lock);
	return copy;
}

/* Keeps genres, read at epoch, unless what is kept was read later. */
static void keep(const char *database, long long epoch, const bson_t *genres)
{
	pthread_mutex_lock(&kept_lock);
	if (!kept || epoch >= kept_epoch || strcmp(kept_database, database)) {
		if (kept)
			bson_destroy(kept);
		kept = bson_copy(genres);
		kept_epoch = epoch;
		snprintf(kept_database, sizeof kept_database, "%s", database);
	}
	pthread_mutex_unlock(&kept_lock);
}

/* Every genre, sorted by English name: *genres {"0": genre, …} (caller destroys). */
static mq_err find_genres(mongoc_database_t *database, bson_t **genres)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "genres");
	bson_t all = BSON_INITIALIZER;
	bson_t *opts = BCON_NEW("sort", "{", "names.en", BCON_INT32(1), "}", "limit", BCON_INT64(200));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, opts, NULL);
	*genres = bson_new();
	for (size_t i = 0; mongoc_cursor_next(cursor, &doc); i++) {
		char key[24];
		snprintf(key, sizeof key, "%zu", i);
		BSON_APPEND_DOCUMENT(*genres, key, doc);
	}
	if (mongoc_cursor_error(cursor, &error)) {
		rc = mq_db_error(&error, "genres read");
		bson_destroy(*genres);
		*genres = NULL;
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(&all);
	mongoc_collection_destroy(coll);
	return rc;
}

/* The genres as the request's catalogue snapshot requires them: those kept, or read (and kept). */
static mq_err genres_of(mq_db *db, bson_t **genres)
{
	*genres = NULL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_cards *cards = mq_cards_acquire(database); /* the request's look at the catalogue versions */
	mq_err rc = cards ? MQ_OK : MQ_EUNAVAIL;
	long long epoch = cards ? mq_cards_genres_epoch(cards) : 0;
	mq_cards_release(cards);
	if (rc == MQ_OK && !(*genres = kept_copy(mongoc_database_get_name(database), epoch)) &&
	    (rc = find_genres(database, genres)) == MQ_OK && !bson_empty(*genres))
		keep(mongoc_database_get_name(database), epoch, *genres);
	mq_db_release(db, client, database);
	return rc;
}

static cJSON *genres_json(const bson_t *genres, const char *lang)
{
	cJSON *list = cJSON_CreateArray();
	bson_iter_t it;
	if (bson_iter_init(&it, genres)) {
		while (bson_iter_next(&it)) {
			uint32_t len;
			const uint8_t *data;
			bson_t doc;
			if (!BSON_ITER_HOLDS_DOCUMENT(&it))
				continue;
			bson_iter_document(&it, &len, &data);
			if (bson_init_static(&doc, data, len))
				cJSON_AddItemToArray(list, genre_json(&doc, lang));
		}
	}
	return list;
}

mq_err mq_genres_list(const mq_env *env, const char *lang, cJSON **list)
{
	bson_t *genres;
	*list = NULL;
	mq_err rc = genres_of(env->db, &genres);
	if (rc == MQ_OK && bson_empty(genres)) { /* none stored yet: from TMDB */
		bson_destroy(genres);
		genres = NULL;
		int n;
		if ((rc = mq_genres_sync(env, &n)) == MQ_OK)
			rc = genres_of(env->db, &genres);
	}
	if (rc == MQ_OK)
		*list = genres_json(genres, lang);
	if (genres)
		bson_destroy(genres);
	return rc;
}

mq_err mq_genre_get(const mq_env *env, const char *ref, const char *lang, cJSON **genre)
{
	long long id = 0;
	*genre = NULL;
	mq_movie_ref_kind kind = mq_valid_movie_ref(ref, &id);
	int by_id = !mq_parse_int(ref, 1, 2147483647, &id) && ref[0] != '0';
	/* genres have no ObjectId refs: 24 hex is a slug */
	if (!by_id && kind != MQ_REF_SLUG && kind != MQ_REF_OBJECT_ID)
		return MQ_EINVAL;
	/* a few dozen small documents: all of them in one read (the same as the genre list's), the
	 * one asked for picked here */
	cJSON *list = NULL, *g;
	mq_err rc = mq_genres_list(env, lang, &list); /* fills an empty collection first */
	cJSON_ArrayForEach(g, list) {
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(g, by_id ? "id" : "slug");
		if (by_id ? cJSON_IsNumber(key) && (long long)key->valuedouble == id
			  : cJSON_IsString(key) && !strcmp(key->valuestring, ref)) {
			*genre = cJSON_DetachItemViaPointer(list, g);
			break;
		}
	}
	cJSON_Delete(list);
	return rc == MQ_OK && !*genre ? MQ_ENOTFOUND : rc;
}
