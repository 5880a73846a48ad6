/* person.c — person documents and summaries from TMDB's person objects (see person.h). */
#include "tmdb/person.h"
#include "tmdb/movie.h"
#include "tmdb/tmdb.h"

#include <stdlib.h>
#include <string.h>

/* A date TMDB gives ("1963-12-18"), or NULL for "", null and anything without a year. */
static const char *date_or_null(const cJSON *obj, const char *key)
{
	const char *d = mq_tmdb_string(obj, key);
	return d && mq_tmdb_year(d) && strlen(d) <= 10 ? d : NULL;
}

/* The movie fields of a credit (a TMDB movie list item with the credit's own fields). */
static cJSON *credit_movie(const cJSON *c, const char *kind)
{
	cJSON *m = mq_movie_summary_from_tmdb(c);
	if (!m)
		return NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(m, "overview"); /* a card needs none; TMDB's is long */
	cJSON_DeleteItemFromObjectCaseSensitive(m, "original_language"); /* adult: the summary's */
	cJSON_AddStringToObject(m, "kind", kind);
	return m;
}

/* Newest first; undated last; then by title, then id (a stable order across runs). */
static int newest_first(const void *pa, const void *pb)
{
	const cJSON *a = *(const cJSON *const *)pa, *b = *(const cJSON *const *)pb;
	const char *da = mq_tmdb_string(a, "release_date"), *db = mq_tmdb_string(b, "release_date");
	if (!da != !db)
		return da ? -1 : 1;
	int c = da ? strcmp(db, da) : 0;
	if (c)
		return c;
	const char *ta = mq_tmdb_string(a, "title"), *tb = mq_tmdb_string(b, "title");
	c = strcmp(ta ? ta : "", tb ? tb : "");
	if (c)
		return c;
	double ia = mq_tmdb_number(a, "tmdb_id", 0), ib = mq_tmdb_number(b, "tmdb_id", 0);
	return (ia > ib) - (ia < ib);
}

/* The entry of list with this movie's TMDB id, or NULL. */
static cJSON *entry_of(cJSON *list, double tmdb_id)
{
	cJSON *e;
	cJSON_ArrayForEach(e, list)
		if (mq_tmdb_number(e, "tmdb_id", 0) == tmdb_id)
			return e;
	return NULL;
}

/* Appends the acting ("cast") or crew credits of movie_credits to out, newest first. */
static void add_credits(cJSON *out, const cJSON *movie_credits, const char *kind)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *c;
	int crew = !strcmp(kind, "crew");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(movie_credits, kind)) {
		double id = mq_tmdb_number(c, "id", 0);
		if (!mq_tmdb_valid_id(id) || !mq_tmdb_string(c, "title"))
			continue;
		cJSON *e = entry_of(list, id);
		if (!crew && e)
			continue; /* the same role twice (TMDB lists some actors so): once is enough */
		if (!e) {
			if (cJSON_GetArraySize(list) >= 4 * MQ_PERSON_MAX_CREDITS || !(e = credit_movie(c, kind)))
				continue;
			if (crew) {
				mq_movie_add_string_or_null(e, "department", mq_tmdb_string(c, "department"));
				cJSON_AddArrayToObject(e, "jobs");
			} else {
				mq_movie_add_string_or_null(e, "character", mq_tmdb_string(c, "character"));
				cJSON_AddNumberToObject(e, "order", mq_tmdb_number(c, "order", 0));
			}
			cJSON_AddItemToArray(list, e);
		}
		const char *job = mq_tmdb_string(c, "job");
		cJSON *jobs = cJSON_GetObjectItemCaseSensitive(e, "jobs");
		int seen = 0;
		const cJSON *j;
		cJSON_ArrayForEach(j, jobs)
			seen |= job && !strcmp(j->valuestring, job);
		if (crew && job && !seen && cJSON_GetArraySize(jobs) < 8)
			cJSON_AddItemToArray(jobs, cJSON_CreateString(job));
	}
	int n = cJSON_GetArraySize(list);
	cJSON **items = n ? malloc((size_t)n * sizeof *items) : NULL;
	if (n && !items) {
		cJSON_Delete(list);
		return;
	}
	for (int i = 0; i < n; i++)
		items[i] = cJSON_DetachItemFromArray(list, 0);
	if (n > 1) /* items is NULL without credits, which qsort may not be given */
		qsort(items, (size_t)n, sizeof *items, newest_first);
	for (int i = 0; i < n; i++) {
		if (i < MQ_PERSON_MAX_CREDITS)
			cJSON_AddItemToArray(out, items[i]);
		else
			cJSON_Delete(items[i]);
	}
	free(items);
	cJSON_Delete(list);
}

cJSON *mq_person_doc_from_tmdb(const cJSON *d)
{
	double id = mq_tmdb_number(d, "id", 0);
	const char *name = mq_tmdb_string(d, "name");
	if (!mq_tmdb_valid_id(id) || !name)
		return NULL;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "tmdb_id", id);
	cJSON_AddStringToObject(p, "name", name);
	cJSON *names = cJSON_AddObjectToObject(p, "names");
	cJSON_AddStringToObject(names, "en", name);
	const cJSON *fa = mq_movie_translation(d, "fa");
	if (mq_tmdb_string(fa, "name"))
		cJSON_AddStringToObject(names, "fa", mq_tmdb_string(fa, "name"));

	/* biographies: each translation's (an empty one means "not translated"); English from the
	 * details when its translation says nothing (the request is made in English) */
	cJSON *bios = cJSON_AddObjectToObject(p, "biographies");
	const cJSON *tr;
	cJSON_ArrayForEach(tr, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "translations"), "translations")) {
		const char *code = mq_tmdb_string(tr, "iso_639_1");
		const char *bio = mq_tmdb_string(cJSON_GetObjectItemCaseSensitive(tr, "data"), "biography");
		if (code && strlen(code) == 2 && bio && !cJSON_GetObjectItemCaseSensitive(bios, code))
			cJSON_AddStringToObject(bios, code, bio);
	}
	if (!cJSON_GetObjectItemCaseSensitive(bios, "en") && mq_tmdb_string(d, "biography"))
		cJSON_AddStringToObject(bios, "en", mq_tmdb_string(d, "biography"));

	mq_movie_add_string_or_null(p, "profile_path", mq_tmdb_string(d, "profile_path"));
	mq_movie_add_string_or_null(p, "known_for_department", mq_tmdb_string(d, "known_for_department"));
	mq_movie_add_string_or_null(p, "birthday", date_or_null(d, "birthday"));
	mq_movie_add_string_or_null(p, "deathday", date_or_null(d, "deathday"));
	mq_movie_add_string_or_null(p, "place_of_birth", mq_tmdb_string(d, "place_of_birth"));
	const char *imdb = mq_tmdb_string(d, "imdb_id");
	mq_movie_add_string_or_null(p, "imdb_id", imdb ? imdb : mq_tmdb_string(cJSON_GetObjectItemCaseSensitive(d, "external_ids"), "imdb_id"));
	cJSON_AddNumberToObject(p, "gender", mq_tmdb_number(d, "gender", 0));
	cJSON_AddNumberToObject(p, "popularity", mq_tmdb_number(d, "popularity", 0));
	cJSON_AddBoolToObject(p, "adult", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "adult")));

	cJSON *keys = cJSON_AddArrayToObject(p, "search_keys");
	mq_movie_add_search_keys(keys, name);
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
		mq_movie_add_search_keys(keys, n->valuestring);
	int aliases = 0;
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(d, "also_known_as"))
		if (cJSON_IsString(n) && aliases++ < 8)
			mq_movie_add_search_keys(keys, n->valuestring);

	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(d, "movie_credits");
	cJSON *list = cJSON_AddArrayToObject(p, "credits");
	add_credits(list, credits, "cast");
	add_credits(list, credits, "crew");
	return p;
}

cJSON *mq_person_summary_from_tmdb(const cJSON *item)
{
	double id = mq_tmdb_number(item, "id", 0);
	const char *name = mq_tmdb_string(item, "name");
	if (!mq_tmdb_valid_id(id) || !name)
		return NULL;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "tmdb_id", id);
	cJSON_AddStringToObject(p, "name", name);
	mq_movie_add_string_or_null(p, "profile_path", mq_tmdb_string(item, "profile_path"));
	mq_movie_add_string_or_null(p, "known_for_department", mq_tmdb_string(item, "known_for_department"));
	cJSON_AddNumberToObject(p, "popularity", mq_tmdb_number(item, "popularity", 0));
	cJSON_AddBoolToObject(p, "adult", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "adult")));
	cJSON *known = cJSON_AddArrayToObject(p, "known_for");
	const cJSON *k;
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(item, "known_for")) {
		const char *title = mq_tmdb_string(k, "title");
		if (title && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "adult")) && cJSON_GetArraySize(known) < 3)
			cJSON_AddItemToArray(known, cJSON_CreateString(title));
	}
	return p;
}
