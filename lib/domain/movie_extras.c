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
	mq_catalog_adopt_tmdb(env->db, parts, lang, NULL); /* the catalogue's parts first-class; hidden ones out */
	cJSON_AddItemToObject(c, "parts", parts);
	cJSON_Delete(answer);
	*out = c;
	return MQ_OK;
}
