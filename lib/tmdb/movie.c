/* movie.c — movie summaries and movie documents from TMDB objects (see movie.h). */
#include "tmdb/movie.h"
#include "core/buf.h"
#include "core/search.h"
#include "tmdb/tmdb.h"

#include <math.h>
#include <string.h>

void mq_movie_add_string_or_null(cJSON *out, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(out, key, value);
	else
		cJSON_AddNullToObject(out, key);
}

/* release_date (null when TMDB sends "" or garbage) and year from a TMDB object. */
#define MAX_CAST 20
#define MAX_KEYWORDS 50

static void add_release(cJSON *m, const cJSON *tmdb)
{
	const char *date = mq_tmdb_string(tmdb, "release_date");
	int year = mq_tmdb_year(date);
	mq_movie_add_string_or_null(m, "release_date", year ? date : NULL);
	if (year)
		cJSON_AddNumberToObject(m, "year", year);
	else
		cJSON_AddNullToObject(m, "year");
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
	mq_movie_add_string_or_null(m, "original_title", mq_tmdb_string(item, "original_title"));
	mq_movie_add_string_or_null(m, "original_language", mq_tmdb_string(item, "original_language"));
	mq_movie_add_string_or_null(m, "overview", mq_tmdb_string(item, "overview"));
	add_release(m, item);
	mq_movie_add_string_or_null(m, "poster_path", mq_tmdb_string(item, "poster_path"));
	mq_movie_add_string_or_null(m, "backdrop_path", mq_tmdb_string(item, "backdrop_path"));
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
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "adult")))
			continue; /* adult titles are never shown (nor stored: domain/sync.c, catalog.c) */
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

void mq_movie_add_search_keys(cJSON *keys, const char *title)
{
	mq_buf k = MQ_BUF_INIT;
	mq_search_key(title, &k);
	const char *key = mq_buf_cstr(&k);
	for (const char *w = key; *w; ) {
		int seen = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, keys)
			seen |= !strcmp(e->valuestring, w);
		if (!seen && cJSON_GetArraySize(keys) < 64)
			cJSON_AddItemToArray(keys, cJSON_CreateString(w));
		const char *next = strchr(w, ' ');
		w = next ? next + 1 : w + strlen(w);
	}
	mq_buf_free(&k);
}

const cJSON *mq_movie_translation(const cJSON *details, const char *lang)
{
	const cJSON *tr;
	cJSON_ArrayForEach(tr, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "translations"), "translations")) {
		const char *code = mq_tmdb_string(tr, "iso_639_1");
		if (code && !strcmp(code, lang))
			return cJSON_GetObjectItemCaseSensitive(tr, "data");
	}
	return NULL;
}

/* The US certification ("R", "PG-13") from the appended release_dates: the theatrical
 * release's, else the first given; NULL when there is none. */
static const char *certification(const cJSON *details)
{
	const cJSON *country, *rd;
	const char *any = NULL;
	cJSON_ArrayForEach(country, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "release_dates"), "results")) {
		const char *code = mq_tmdb_string(country, "iso_3166_1");
		if (!code || strcmp(code, "US"))
			continue;
		cJSON_ArrayForEach(rd, cJSON_GetObjectItemCaseSensitive(country, "release_dates")) {
			const char *c = mq_tmdb_string(rd, "certification");
			if (!c || !*c || strlen(c) > 16)
				continue;
			if (mq_tmdb_number(rd, "type", 0) == 3)
				return c;
			any = any ? any : c;
		}
	}
	return any;
}

cJSON *mq_movie_doc_from_tmdb(const cJSON *d, const mq_config *cfg)
{
	double id = mq_tmdb_number(d, "id", 0);
	const char *title = mq_tmdb_string(d, "title");
	if (!(id >= 1 && id <= 2147483647 && id == floor(id)) || !title)
		return NULL;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "tmdb_id", id);
	mq_movie_add_string_or_null(m, "imdb_id", mq_tmdb_string(d, "imdb_id"));
	cJSON_AddStringToObject(m, "title", title);
	const char *original = mq_tmdb_string(d, "original_title");
	mq_movie_add_string_or_null(m, "original_title", original);
	mq_movie_add_string_or_null(m, "original_language", mq_tmdb_string(d, "original_language"));

	/* titles and overviews per language: English from the details, the others from the
	 * appended translations (an empty translation means "not translated": left out) */
	cJSON *titles = cJSON_AddObjectToObject(m, "titles"), *overviews = cJSON_AddObjectToObject(m, "overviews");
	cJSON_AddStringToObject(titles, "en", title);
	const char *overview = mq_tmdb_string(d, "overview");
	if (overview)
		cJSON_AddStringToObject(overviews, "en", overview);
	for (int i = 0; i < cfg->n_tmdb_languages; i++) {
		char lang[3] = { cfg->tmdb_languages[i][0], cfg->tmdb_languages[i][1], '\0' };
		const cJSON *data = strcmp(lang, "en") ? mq_movie_translation(d, lang) : NULL;
		const char *t = data ? mq_tmdb_string(data, "title") : NULL, *o = data ? mq_tmdb_string(data, "overview") : NULL;
		if (t && !cJSON_GetObjectItemCaseSensitive(titles, lang))
			cJSON_AddStringToObject(titles, lang, t);
		if (o && !cJSON_GetObjectItemCaseSensitive(overviews, lang))
			cJSON_AddStringToObject(overviews, lang, o);
	}

	add_release(m, d);
	double runtime = mq_tmdb_number(d, "runtime", 0);
	if (runtime > 0)
		cJSON_AddNumberToObject(m, "runtime", runtime);
	else
		cJSON_AddNullToObject(m, "runtime"); /* 0 means unknown at TMDB */

	cJSON *genres = cJSON_AddArrayToObject(m, "genres");
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(d, "genres")) {
		if (mq_tmdb_number(g, "id", 0) < 1 || !mq_tmdb_string(g, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", mq_tmdb_number(g, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(g, "name"));
		cJSON_AddItemToArray(genres, o);
	}
	mq_movie_add_string_or_null(m, "poster_path", mq_tmdb_string(d, "poster_path"));
	mq_movie_add_string_or_null(m, "backdrop_path", mq_tmdb_string(d, "backdrop_path"));
	mq_movie_add_string_or_null(m, "certification", certification(d));

	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(d, "credits"), *p;
	cJSON *cast = cJSON_AddArrayToObject(m, "cast"), *directors = cJSON_AddArrayToObject(m, "directors");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(credits, "cast")) {
		if (cJSON_GetArraySize(cast) == MAX_CAST)
			break;
		if (mq_tmdb_number(p, "id", 0) < 1 || !mq_tmdb_string(p, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tmdb_id", mq_tmdb_number(p, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(p, "name"));
		mq_movie_add_string_or_null(o, "character", mq_tmdb_string(p, "character"));
		cJSON_AddNumberToObject(o, "order", mq_tmdb_number(p, "order", cJSON_GetArraySize(cast)));
		mq_movie_add_string_or_null(o, "profile_path", mq_tmdb_string(p, "profile_path"));
		cJSON_AddItemToArray(cast, o);
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(credits, "crew")) {
		const char *job = mq_tmdb_string(p, "job");
		if (!job || strcmp(job, "Director") || mq_tmdb_number(p, "id", 0) < 1 || !mq_tmdb_string(p, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tmdb_id", mq_tmdb_number(p, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(p, "name"));
		cJSON_AddItemToArray(directors, o);
	}
	cJSON *keywords = cJSON_AddArrayToObject(m, "keywords");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "keywords"), "keywords")) {
		if (cJSON_GetArraySize(keywords) == MAX_KEYWORDS)
			break;
		if (mq_tmdb_string(p, "name"))
			cJSON_AddItemToArray(keywords, cJSON_CreateString(mq_tmdb_string(p, "name")));
	}
	cJSON_AddNumberToObject(m, "popularity", mq_tmdb_number(d, "popularity", 0));
	cJSON_AddNumberToObject(m, "vote_average", mq_tmdb_number(d, "vote_average", 0));
	cJSON_AddNumberToObject(m, "vote_count", mq_tmdb_number(d, "vote_count", 0));

	mq_movie_search_fields(m);
	return m;
}

void mq_movie_search_fields(cJSON *m)
{
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "title"));
	const char *original = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "original_title"));
	mq_buf tk = MQ_BUF_INIT; /* what the title sort orders by */
	mq_search_key(title ? title : "", &tk);
	cJSON_DeleteItemFromObjectCaseSensitive(m, "title_key");
	cJSON_AddStringToObject(m, "title_key", mq_buf_cstr(&tk));
	mq_buf_free(&tk);

	/* what search matches: every title, folded, from each word on */
	cJSON_DeleteItemFromObjectCaseSensitive(m, "search_keys");
	cJSON *keys = cJSON_AddArrayToObject(m, "search_keys");
	const cJSON *t;
	if (title)
		mq_movie_add_search_keys(keys, title);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(m, "titles"))
		if (cJSON_IsString(t))
			mq_movie_add_search_keys(keys, t->valuestring);
	if (original)
		mq_movie_add_search_keys(keys, original);
}

const char *mq_movie_tmdb_language(const char *lang)
{
	return strcmp(lang, "fa") ? "en-US" : "fa-IR";
}
