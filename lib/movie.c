/* movie.c — movie summaries and movie documents from TMDB objects (see movie.h). */
#include "movie.h"
#include "ctx.h"
#include "response.h"
#include "tmdb.h"
#include "tmdbcache.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void add_string_or_null(cJSON *out, const char *key, const char *value)
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
	add_string_or_null(m, "release_date", year ? date : NULL);
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
	add_string_or_null(m, "original_title", mq_tmdb_string(item, "original_title"));
	add_string_or_null(m, "original_language", mq_tmdb_string(item, "original_language"));
	add_string_or_null(m, "overview", mq_tmdb_string(item, "overview"));
	add_release(m, item);
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

void mq_search_key(const char *s, mq_buf *out)
{
	/* Latin-1 supplement letters (U+00C0–U+00FF, two bytes C3 80–BF) folded to ASCII */
	static const char fold[64] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts" "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80) {
			mq_buf_putc(out, (char)tolower(*p));
		} else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			char c = fold[p[1] - 0x80];
			if (c != '*' && c != '/')
				mq_buf_putc(out, c);
			p++;
		} else {
			mq_buf_putc(out, (char)*p);
		}
	}
}

/* The translation of details for language "fa" (its data object), or NULL. */
static const cJSON *translation(const cJSON *details, const char *lang)
{
	const cJSON *tr;
	cJSON_ArrayForEach(tr, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "translations"), "translations")) {
		const char *code = mq_tmdb_string(tr, "iso_639_1");
		if (code && !strcmp(code, lang))
			return cJSON_GetObjectItemCaseSensitive(tr, "data");
	}
	return NULL;
}

cJSON *mq_movie_doc_from_tmdb(const cJSON *d, const mq_config *cfg)
{
	double id = mq_tmdb_number(d, "id", 0);
	const char *title = mq_tmdb_string(d, "title");
	if (!(id >= 1 && id <= 2147483647 && id == floor(id)) || !title)
		return NULL;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "tmdb_id", id);
	add_string_or_null(m, "imdb_id", mq_tmdb_string(d, "imdb_id"));
	cJSON_AddStringToObject(m, "title", title);
	const char *original = mq_tmdb_string(d, "original_title");
	add_string_or_null(m, "original_title", original);
	add_string_or_null(m, "original_language", mq_tmdb_string(d, "original_language"));

	/* titles and overviews per language: English from the details, the others from the
	 * appended translations (an empty translation means "not translated": left out) */
	cJSON *titles = cJSON_AddObjectToObject(m, "titles"), *overviews = cJSON_AddObjectToObject(m, "overviews");
	cJSON_AddStringToObject(titles, "en", title);
	const char *overview = mq_tmdb_string(d, "overview");
	if (overview)
		cJSON_AddStringToObject(overviews, "en", overview);
	for (int i = 0; i < cfg->n_tmdb_languages; i++) {
		char lang[3] = { cfg->tmdb_languages[i][0], cfg->tmdb_languages[i][1], '\0' };
		const cJSON *data = strcmp(lang, "en") ? translation(d, lang) : NULL;
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
	add_string_or_null(m, "poster_path", mq_tmdb_string(d, "poster_path"));
	add_string_or_null(m, "backdrop_path", mq_tmdb_string(d, "backdrop_path"));

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
		add_string_or_null(o, "character", mq_tmdb_string(p, "character"));
		cJSON_AddNumberToObject(o, "order", mq_tmdb_number(p, "order", cJSON_GetArraySize(cast)));
		add_string_or_null(o, "profile_path", mq_tmdb_string(p, "profile_path"));
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

	/* what search matches: every title, folded */
	cJSON *keys = cJSON_AddArrayToObject(m, "search_keys");
	const cJSON *t;
	cJSON_ArrayForEach(t, titles) {
		mq_buf k = MQ_BUF_INIT;
		mq_search_key(t->valuestring, &k);
		cJSON_AddItemToArray(keys, cJSON_CreateString(mq_buf_cstr(&k)));
		mq_buf_free(&k);
	}
	if (original) {
		mq_buf k = MQ_BUF_INIT;
		mq_search_key(original, &k);
		cJSON_AddItemToArray(keys, cJSON_CreateString(mq_buf_cstr(&k)));
		mq_buf_free(&k);
	}
	return m;
}

void mq_reply_tmdb_movies(mq_req *req, mq_res *res, const char *path, long long page,
			  const char *tmdb_language)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char page_text[24];
	snprintf(page_text, sizeof page_text, "%lld", page);
	const char *query[] = { "page", page_text, "language", tmdb_language, NULL };
	cJSON *json = NULL;
	mq_cache_state state;
	mq_err rc = mq_tmdb_cached_get(ctx->db, mq_tmdb_for_thread(ctx->cfg), path, query,
				       ctx->cfg->tmdb_cache_ttl, &json, &state);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie at TMDB"
				  : rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT || rc == MQ_ERATELIMIT
				  ? "TMDB is unavailable and nothing is cached for this page" : NULL);
		return;
	}
	long long p, total;
	cJSON *list = mq_movie_summaries_from_tmdb_page(json, &p, &total);
	cJSON_Delete(json);
	mq_tmdb_cache_headers(req, res, state);
	mq_reply_list(req, res, list, p, 20, total);
}
