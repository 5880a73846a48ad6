/* catalog.c — movies: lookup, fetch-through from TMDB, documents and their JSON (see catalog.h). */
#include "catalog.h"
#include "genre.h"
#include "log.h"
#include "mem.h"
#include "tmdbcache.h"
#include "valid.h"

#include <ctype.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define MAX_CAST 20
#define MAX_KEYWORDS 50

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

static void add_string_or_null(cJSON *o, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(o, key, value);
	else
		cJSON_AddNullToObject(o, key);
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

	const char *date = mq_tmdb_string(d, "release_date");
	int year = mq_tmdb_year(date);
	add_string_or_null(m, "release_date", year ? date : NULL);
	if (year)
		cJSON_AddNumberToObject(m, "year", year);
	else
		cJSON_AddNullToObject(m, "year");
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

/* The public JSON of a movies document: _id becomes id, dates ISO strings, title and overview
 * picked for lang. */
static cJSON *movie_json(const bson_t *doc, const char *lang)
{
	char *text = bson_as_relaxed_extended_json(doc, NULL);
	cJSON *m = text ? cJSON_Parse(text) : NULL;
	bson_free(text);
	if (!m)
		return NULL;
	cJSON *oid = cJSON_DetachItemFromObjectCaseSensitive(m, "_id");
	const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(oid, "$oid"));
	cJSON_AddItemToObject(m, "id", cJSON_CreateString(hex ? hex : ""));
	cJSON_Delete(oid);
	for (cJSON *f = m->child, *next; f; f = next) {
		next = f->next; /* replacing f frees it */
		const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "$date"));
		if (cJSON_IsObject(f) && date)
			cJSON_ReplaceItemInObjectCaseSensitive(m, f->string, cJSON_CreateString(date));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(m, "search_keys");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "rating_sum");
	const cJSON *titles = cJSON_GetObjectItemCaseSensitive(m, "titles");
	const cJSON *overviews = cJSON_GetObjectItemCaseSensitive(m, "overviews");
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(titles, lang));
	const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, lang));
	if (t)
		cJSON_ReplaceItemInObjectCaseSensitive(m, "title", cJSON_CreateString(t));
	cJSON_DeleteItemFromObjectCaseSensitive(m, "overview");
	o = o ? o : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, "en"));
	if (o)
		cJSON_AddStringToObject(m, "overview", o);
	else
		cJSON_AddNullToObject(m, "overview");
	return m;
}

static mq_err find_movie(mongoc_collection_t *coll, const bson_t *filter, const char *lang, cJSON **movie)
{
	mq_err rc = MQ_ENOTFOUND;
	bson_error_t error;
	const bson_t *doc;
	bson_t *opts = BCON_NEW("limit", BCON_INT64(1));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	if (mongoc_cursor_next(cursor, &doc) && (*movie = movie_json(doc, lang)))
		rc = MQ_OK;
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "movie lookup");
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	return rc;
}

/* Upserts the movie by tmdb_id. A slug already taken by another movie gets the TMDB id appended;
 * a concurrent fetch of the same movie makes one upsert win and the other retry as an update. */
static mq_err store_movie(mongoc_collection_t *coll, cJSON *set, long long tmdb_id)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	char slug[160], base[140];
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(set, "title"));
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(set, "year");
	mq_slugify(title ? title : "movie", base, sizeof base);
	if (cJSON_IsNumber(year))
		snprintf(slug, sizeof slug, "%s%s%d", base, *base ? "-" : "", (int)year->valuedouble);
	else
		snprintf(slug, sizeof slug, "%s%s%lld", base, *base ? "-" : "", tmdb_id);
	int64_t now = (int64_t)time(NULL) * 1000;
	char *json = cJSON_PrintUnformatted(set);
	bson_t *fields = json ? bson_new_from_json((const uint8_t *)json, -1, &error) : NULL;
	cJSON_free(json);
	if (!fields) {
		mq_log(MQ_LOG_ERROR, "catalog", "movie %lld could not be converted: %s", tmdb_id, error.message);
		return MQ_EINTERNAL;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		bson_t update = BSON_INITIALIZER, child;
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
		bson_concat(&child, fields);
		BSON_APPEND_DATE_TIME(&child, "tmdb_synced_at", now);
		BSON_APPEND_DATE_TIME(&child, "updated_at", now);
		bson_append_document_end(&update, &child);
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$setOnInsert", &child);
		BSON_APPEND_UTF8(&child, "slug", slug);
		BSON_APPEND_UTF8(&child, "source", "tmdb");
		BSON_APPEND_INT64(&child, "rating_sum", 0);
		BSON_APPEND_INT64(&child, "rating_count", 0);
		BSON_APPEND_DOUBLE(&child, "average_rating", 0);
		bson_t empty;
		BSON_APPEND_ARRAY_BEGIN(&child, "locked_fields", &empty);
		bson_append_array_end(&child, &empty);
		BSON_APPEND_DATE_TIME(&child, "created_at", now);
		bson_append_document_end(&update, &child);
		bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
		bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
		bool ok = mongoc_collection_update_one(coll, filter, &update, opts, NULL, &error);
		bson_destroy(opts);
		bson_destroy(filter);
		bson_destroy(&update);
		if (ok) {
			rc = MQ_OK;
			break;
		}
		rc = mq_db_error(&error, "movie upsert");
		if (rc != MQ_ECONFLICT)
			break;
		/* either the same movie was inserted meanwhile (the next attempt updates it) or
		 * another movie has this slug: make it unique with the TMDB id */
		snprintf(slug, sizeof slug, "%s%s%lld", base, *base ? "-" : "", tmdb_id);
	}
	bson_destroy(fields);
	return rc;
}

mq_err mq_catalog_get(mq_db *db, mq_tmdb *t, const mq_config *cfg, const char *ref, const char *lang,
		      cJSON **movie, int *fetched)
{
	long long tmdb_id = 0;
	bson_oid_t oid;
	bson_t *filter;
	*movie = NULL;
	*fetched = 0;
	switch (mq_movie_ref_parse(ref, &tmdb_id)) {
	case MQ_REF_TMDB:
		filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
		break;
	case MQ_REF_OBJECT_ID:
		bson_oid_init_from_string(&oid, ref);
		filter = BCON_NEW("_id", BCON_OID(&oid));
		break;
	case MQ_REF_SLUG:
		filter = BCON_NEW("slug", BCON_UTF8(ref));
		break;
	default:
		return MQ_EINVAL;
	}
	mongoc_client_t *client = mq_db_pop(db);
	if (!client) {
		bson_destroy(filter);
		return MQ_EUNAVAIL;
	}
	mongoc_collection_t *coll = mq_db_collection(db, client, "movies");
	mq_err rc = find_movie(coll, filter, lang, movie);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	if (rc != MQ_ENOTFOUND || !tmdb_id) {
		bson_destroy(filter);
		return rc;
	}

	/* not in the catalogue: fetch it from TMDB (the database client is not held meanwhile) */
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	const char *query[] = { "append_to_response", "credits,keywords,translations", NULL };
	cJSON *details = NULL, *set = NULL;
	mq_cache_state state;
	rc = mq_tmdb_cached_get(db, t, path, query, cfg->tmdb_cache_ttl, &details, &state);
	if (rc == MQ_OK && !(set = mq_movie_doc_from_tmdb(details, cfg)))
		rc = MQ_EUPSTREAM;
	if (rc == MQ_OK && !(client = mq_db_pop(db)))
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK) {
		coll = mq_db_collection(db, client, "movies");
		if ((rc = store_movie(coll, set, tmdb_id)) == MQ_OK)
			rc = find_movie(coll, filter, lang, movie);
		mongoc_collection_destroy(coll);
		mq_db_push(db, client);
		*fetched = rc == MQ_OK;
	}
	cJSON_Delete(details);
	cJSON_Delete(set);
	bson_destroy(filter);
	return rc;
}
