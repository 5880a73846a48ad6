/* admin_tmdb.c — TMDB lookups for the review form and TMDB's images of a movie (see
 * admin_tmdb.h). */
#include "domain/admin_tmdb.h"
#include "core/buf.h"
#include "core/parse.h"
#include "domain/admin_movie.h"
#include "tmdb/images.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The review form's values of a TMDB movie: its catalogue document as it would be stored (titles
 * and overviews in every language, cast, directors, genres …), without derived fields. */
static mq_err tmdb_form(const mq_env *env, long long tmdb_id, cJSON **form)
{
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	const char *const *query = mq_movie_details_query;
	cJSON *details = NULL;
	mq_cache_state state;
	*form = NULL;
	mq_err rc = mq_tmdbcache_get(env, path, query, &details, &state);
	if (rc == MQ_OK && !(*form = mq_movie_doc_from_tmdb(details, env->cfg)))
		rc = MQ_EUPSTREAM;
	cJSON_Delete(details);
	if (*form) {
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "search_keys");
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "title_key");
	}
	return rc;
}

/* The candidates of an IMDb id: TMDB's /find; MQ_ENOTFOUND when it knows none. */
static mq_err find_imdb(const mq_env *env, const char *imdb_id, cJSON *candidates)
{
	char path[32];
	snprintf(path, sizeof path, "/find/%s", imdb_id);
	static const char *const query[] = { "external_source", "imdb_id", NULL };
	cJSON *found = NULL;
	mq_cache_state state;
	mq_err rc = mq_tmdbcache_get(env, path, query, &found, &state);
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(found, "movie_results")) {
		cJSON *m = mq_movie_summary_from_tmdb(item);
		if (m)
			cJSON_AddItemToArray(candidates, m);
	}
	cJSON_Delete(found);
	return rc == MQ_OK && cJSON_GetArraySize(candidates) == 0 ? MQ_ENOTFOUND : rc;
}

/* The candidates of a title, perhaps ending in a year ("Heat 1995", "Heat (1995)"): TMDB's
 * search, its first 20. */
static mq_err search_title(const mq_env *env, const char *q, cJSON *candidates)
{
	char title[1024], year[5] = ""; /* q: at most 200 characters */
	snprintf(title, sizeof title, "%s", q);
	size_t n = strlen(title);
	while (n > 0 && (title[n - 1] == ')' || isspace((unsigned char)title[n - 1])))
		n--;
	if (n >= 5 && strspn(title + n - 4, "0123456789") >= 4 && (title[n - 5] == ' ' || title[n - 5] == '(')) {
		memcpy(year, title + n - 4, 4);
		n -= 5;
		while (n > 0 && (title[n - 1] == '(' || isspace((unsigned char)title[n - 1])))
			n--;
		title[n] = '\0';
	}
	const char *query[] = { "query", title, "include_adult", "false", year[0] ? "year" : NULL, year, NULL };
	cJSON *page = NULL;
	mq_cache_state state;
	mq_err rc = mq_tmdbcache_get(env, "/search/movie", query, &page, &state);
	long long p = 0, total = 0;
	cJSON *items = rc == MQ_OK ? mq_movie_summaries_from_tmdb_page(page, &p, &total) : NULL;
	cJSON_Delete(page);
	cJSON *m;
	while (items && cJSON_GetArraySize(candidates) < 20 && (m = cJSON_DetachItemFromArray(items, 0)))
		cJSON_AddItemToArray(candidates, m);
	cJSON_Delete(items);
	return rc;
}

/* found.movie and found.in_catalogue for tmdb_id (and the one candidate when there were none). */
static mq_err add_movie(const mq_env *env, long long tmdb_id, cJSON *found, cJSON *candidates)
{
	cJSON *form = NULL, *have = NULL;
	mq_err rc = tmdb_form(env, tmdb_id, &form);
	if (rc == MQ_OK) {
		rc = mq_admin_movie_by_tmdb(env->db, tmdb_id, &have);
		if (rc == MQ_ENOTFOUND)
			rc = MQ_OK;
	}
	if (rc != MQ_OK) {
		cJSON_Delete(form);
		return rc;
	}
	if (cJSON_GetArraySize(candidates) == 0)
		cJSON_AddItemToArray(candidates, cJSON_Duplicate(form, 1));
	cJSON_AddItemToObject(found, "movie", form);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(have, "id"));
	cJSON_AddItemToObject(found, "in_catalogue", id ? cJSON_CreateString(id) : cJSON_CreateNull());
	cJSON_Delete(have);
	return MQ_OK;
}

mq_err mq_admin_tmdb_lookup(const mq_env *env, const char *q, cJSON **found)
{
	*found = NULL;
	long long tmdb_id = 0;
	size_t len = strlen(q);
	cJSON *candidates = cJSON_CreateArray();
	mq_err rc;
	if (len > 0 && len <= 9 && strspn(q, "0123456789") == len)
		rc = mq_parse_int(q, 0, 999999999, &tmdb_id) ? MQ_EINVAL : MQ_OK;
	else if (len > 2 && len <= 12 && q[0] == 't' && q[1] == 't' && strspn(q + 2, "0123456789") == len - 2)
		rc = find_imdb(env, q, candidates);
	else
		rc = search_title(env, q, candidates);
	if (rc == MQ_OK && !tmdb_id && cJSON_GetArraySize(candidates) == 1)
		tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(candidates->child, "tmdb_id"));
	cJSON *out = cJSON_CreateObject();
	if (rc == MQ_OK && tmdb_id)
		rc = add_movie(env, tmdb_id, out, candidates);
	cJSON_AddItemToObject(out, "candidates", candidates);
	if (rc != MQ_OK) {
		cJSON_Delete(out);
		return rc;
	}
	*found = out;
	return MQ_OK;
}

/* One of TMDB's images as the curator sees it: {path, url (at size), width, height, language}. */
static cJSON *image_json(const cJSON *img, const char *file, const char *size)
{
	mq_buf url = MQ_BUF_INIT;
	mq_images_url(size, file, &url); /* "" for a path not of TMDB's shape */
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "path", file);
	cJSON_AddStringToObject(e, "url", mq_buf_cstr(&url));
	cJSON_AddNumberToObject(e, "width", mq_tmdb_number(img, "width", 0));
	cJSON_AddNumberToObject(e, "height", mq_tmdb_number(img, "height", 0));
	const char *lang = mq_tmdb_string(img, "iso_639_1");
	cJSON_AddItemToObject(e, "language", lang ? cJSON_CreateString(lang) : cJSON_CreateNull());
	mq_buf_free(&url);
	return e;
}

mq_err mq_admin_tmdb_images(const mq_env *env, const char *movie_id, cJSON **images)
{
	cJSON *movie = NULL, *found = NULL;
	*images = NULL;
	mq_err rc = mq_admin_movie_get(env->db, movie_id, &movie);
	long long tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id"));
	cJSON_Delete(movie);
	if (rc != MQ_OK)
		return rc;
	if (tmdb_id < 1)
		return MQ_EUNPROCESSABLE;
	char path[40];
	snprintf(path, sizeof path, "/movie/%lld/images", tmdb_id);
	static const char *const query[] = { "include_image_language", "en,fa,null", NULL };
	mq_cache_state state;
	rc = mq_tmdbcache_get(env, path, query, &found, &state);
	if (rc != MQ_OK)
		return rc;
	*images = cJSON_CreateObject();
	static const char *const kinds[][2] = { { "posters", "w342" }, { "backdrops", "w780" } };
	for (int k = 0; k < 2; k++) {
		cJSON *list = cJSON_AddArrayToObject(*images, kinds[k][0]);
		const cJSON *img;
		cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(found, kinds[k][0])) {
			const char *file = mq_tmdb_string(img, "file_path");
			if (file && cJSON_GetArraySize(list) < 30)
				cJSON_AddItemToArray(list, image_json(img, file, kinds[k][1]));
		}
	}
	cJSON_Delete(found);
	return MQ_OK;
}
