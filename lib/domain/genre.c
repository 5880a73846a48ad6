/* genre.c — genres from TMDB, stored by tmdb_id with their names per language (see genre.h). */
#include "domain/genre.h"
#include "core/log.h"
#include "core/mem.h"
#include "tmdb/tmdbcache.h"
#include "web/valid.h"

#include <ctype.h>
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
	mongoc_client_t *client = rc == MQ_OK ? mq_db_pop(db) : NULL;
	if (rc == MQ_OK && !client)
		rc = MQ_EUNAVAIL;
	mongoc_collection_t *coll = client ? mq_db_collection(db, client, "genres") : NULL;
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
	mq_db_push(db, client);
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

/* Every genre, sorted by English name. */
static mq_err find_genres(mq_db *db, const char *lang, cJSON **list)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	const bson_t *doc;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "genres");
	bson_t all = BSON_INITIALIZER;
	bson_t *opts = BCON_NEW("sort", "{", "names.en", BCON_INT32(1), "}", "limit", BCON_INT64(200));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, opts, NULL);
	*list = cJSON_CreateArray();
	while (mongoc_cursor_next(cursor, &doc))
		cJSON_AddItemToArray(*list, genre_json(doc, lang));
	if (mongoc_cursor_error(cursor, &error)) {
		rc = mq_db_error(&error, "genres read");
		cJSON_Delete(*list);
		*list = NULL;
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(&all);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_genres_list(const mq_env *env, const char *lang, cJSON **list)
{
	mq_db *db = env->db;
	mq_err rc = find_genres(db, lang, list);
	if (rc != MQ_OK || cJSON_GetArraySize(*list) > 0)
		return rc;
	cJSON_Delete(*list);
	*list = NULL;
	int n;
	if ((rc = mq_genres_sync(env, &n)) != MQ_OK)
		return rc;
	return find_genres(db, lang, list);
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
