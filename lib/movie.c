/* movie.c — movie summaries from TMDB objects (see movie.h). */
#include "movie.h"
#include "tmdb.h"

#include <math.h>

static void add_string_or_null(cJSON *out, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(out, key, value);
	else
		cJSON_AddNullToObject(out, key);
}

cJSON *mq_movie_summary_from_tmdb(const cJSON *item)
{
	double id = mq_tmdb_number(item, "id", 0);
	const char *title = mq_tmdb_string(item, "title");
	if (!(id >= 1 && id <= 2147483647 && id == floor(id)) || !title)
		return NULL;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "tmdb_id", id);
	cJSON_AddStringToObject(m, "title", title);
	add_string_or_null(m, "original_title", mq_tmdb_string(item, "original_title"));
	add_string_or_null(m, "original_language", mq_tmdb_string(item, "original_language"));
	add_string_or_null(m, "overview", mq_tmdb_string(item, "overview"));
	const char *date = mq_tmdb_string(item, "release_date");
	int year = mq_tmdb_year(date);
	add_string_or_null(m, "release_date", year ? date : NULL);
	if (year)
		cJSON_AddNumberToObject(m, "year", year);
	else
		cJSON_AddNullToObject(m, "year");
	add_string_or_null(m, "poster_path", mq_tmdb_string(item, "poster_path"));
	add_string_or_null(m, "backdrop_path", mq_tmdb_string(item, "backdrop_path"));
	cJSON_AddNumberToObject(m, "vote_average", mq_tmdb_number(item, "vote_average", 0));
	cJSON_AddNumberToObject(m, "vote_count", mq_tmdb_number(item, "vote_count", 0));
	cJSON_AddNumberToObject(m, "popularity", mq_tmdb_number(item, "popularity", 0));
	cJSON *genres = cJSON_AddArrayToObject(m, "genre_ids");
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(item, "genre_ids"))
		if (cJSON_IsNumber(g))
			cJSON_AddItemToArray(genres, cJSON_CreateNumber(g->valuedouble));
	return m;
}

cJSON *mq_movie_summaries_from_tmdb_page(const cJSON *page_obj, long long *page, long long *total)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(page_obj, "results")) {
		cJSON *m = mq_movie_summary_from_tmdb(item);
		if (m)
			cJSON_AddItemToArray(list, m);
	}
	double p = mq_tmdb_number(page_obj, "page", 1), t = mq_tmdb_number(page_obj, "total_results", 0);
	*page = p >= 1 && p <= 500 ? (long long)p : 1;
	/* total_pages and total_results are not capped by TMDB, but only 500 pages can be fetched */
	*total = t > 0 ? (t < 500.0 * 20 ? (long long)t : 500LL * 20) : 0;
	return list;
}
