/* movie_extras.c — a movie's watch providers and collection, through the TMDB cache (see
 * movie_extras.h). */
#include "domain/movie_extras.h"
#include "core/l10n.h"
#include "domain/catalog.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"

#include <stdio.h>
#include <string.h>

mq_err mq_movie_extras_providers(const mq_env *env, long long tmdb_id, const char *region, cJSON **out)
{
	*out = NULL;
	if (!mq_l10n_iso_code(region, 2, 1) || tmdb_id < 1)
		return MQ_EINVAL;
	char path[64];
	snprintf(path, sizeof path, "/movie/%lld/watch/providers", tmdb_id);
	cJSON *answer = NULL;
	mq_cache_state state;
	mq_err rc = mq_tmdbcache_get(env, path, (const char *const[]){ NULL }, &answer, &state);
	if (rc == MQ_OK)
		*out = mq_movie_watch_providers(answer, region);
	cJSON_Delete(answer);
	return rc;
}

/* Replaces each part of parts the catalogue holds by the catalogue's summary in lang, and drops
 * those a curator hid: one query for them all. Parts stay TMDB's when the database fails. */
static void catalogue_parts(mq_db *db, cJSON *parts, const char *lang)
{
	bson_t filter = BSON_INITIALIZER, in, ids, opts = BSON_INITIALIZER;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "tmdb_id", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &ids);
	int k = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, parts) {
		char key[16];
		snprintf(key, sizeof key, "%d", k++);
		BSON_APPEND_INT64(&ids, key, (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(p, "tmdb_id")));
	}
	bson_append_array_end(&in, &ids);
	bson_append_document_end(&filter, &in);
	mq_catalog_summary_projection_and(&opts, "hidden");
	mongoc_client_t *client = k ? mq_db_pop(db) : NULL;
	if (client) {
		mongoc_collection_t *coll = mq_db_collection(db, client, "movies");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
		const bson_t *doc;
		bson_error_t error;
		while (mongoc_cursor_next(cursor, &doc)) {
			cJSON *m = mq_catalog_summary_json(doc, lang);
			double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "tmdb_id"));
			for (int i = 0; m && i < cJSON_GetArraySize(parts); i++) {
				if (cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parts, i), "tmdb_id")) != id)
					continue;
				if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "hidden"))) {
					cJSON_DeleteItemFromArray(parts, i);
				} else {
					cJSON_DeleteItemFromObjectCaseSensitive(m, "hidden");
					cJSON_ReplaceItemInArray(parts, i, cJSON_Duplicate(m, 1));
				}
				break;
			}
			cJSON_Delete(m);
		}
		if (mongoc_cursor_error(cursor, &error))
			mq_db_error(&error, "collection parts");
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(coll);
		mq_db_push(db, client);
	}
	bson_destroy(&opts);
	bson_destroy(&filter);
}

mq_err mq_movie_extras_collection(const mq_env *env, long long collection_id, const char *lang, cJSON **out)
{
	*out = NULL;
	if (collection_id < 1)
		return MQ_EINVAL;
	char path[48];
	snprintf(path, sizeof path, "/collection/%lld", collection_id);
	cJSON *answer = NULL;
	mq_cache_state state;
	mq_err rc = mq_tmdbcache_get(env, path, (const char *const[]){ "language", mq_movie_tmdb_language(lang), NULL },
				     &answer, &state);
	if (rc != MQ_OK)
		return rc;
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "tmdb_id", (double)collection_id);
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer, "name"));
	const char *overview = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer, "overview"));
	cJSON_AddItemToObject(c, "name", name && *name ? cJSON_CreateString(name) : cJSON_CreateNull());
	cJSON_AddItemToObject(c, "overview", overview && *overview ? cJSON_CreateString(overview) : cJSON_CreateNull());
	cJSON *parts = mq_movie_collection_parts(answer);
	catalogue_parts(env->db, parts, lang);
	cJSON_AddItemToObject(c, "parts", parts);
	cJSON_Delete(answer);
	*out = c;
	return MQ_OK;
}
