/* movie.c — movie summaries and movie documents from TMDB objects (see movie.h). */
#include "tmdb/movie.h"
#include "core/audience.h"
#include "core/buf.h"
#include "core/l10n.h"
#include "core/mem.h"
#include "core/search.h"
#include "tmdb/tmdb.h"

#include <stdlib.h>
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
	if (!mq_tmdb_valid_id(id) || !title)
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
	cJSON_AddBoolToObject(m, "adult", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "adult")));
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

const char *const mq_movie_details_query[] = {
	"append_to_response", MQ_MOVIE_APPEND, "include_video_language", MQ_MOVIE_VIDEO_LANGUAGES, NULL,
};

/* Whether the array of strings holds s. */
static int holds(const cJSON *strings, const char *s)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, strings)
		if (cJSON_IsString(e) && !strcmp(e->valuestring, s))
			return 1;
	return 0;
}

/* One country's certification ("R", "PG-13", "16") from its entry of release_dates: the
 * theatrical release's (type 3), else the first given; NULL when there is none. */
static const char *country_certification(const cJSON *country)
{
	const cJSON *rd;
	const char *any = NULL;
	cJSON_ArrayForEach(rd, cJSON_GetObjectItemCaseSensitive(country, "release_dates")) {
		const char *c = mq_tmdb_string(rd, "certification");
		if (!c || !*c || strlen(c) > 16)
			continue;
		if (mq_tmdb_number(rd, "type", 0) == 3)
			return c;
		any = any ? any : c;
	}
	return any;
}

/* {region: certification} for every region of the appended release_dates that gives one. */
static cJSON *certifications(const cJSON *details)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *country;
	cJSON_ArrayForEach(country, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "release_dates"), "results")) {
		const char *code = mq_tmdb_string(country, "iso_3166_1"), *c = country_certification(country);
		if (mq_l10n_iso_code(code, 2, 1) && c && !cJSON_GetObjectItemCaseSensitive(out, code))
			cJSON_AddStringToObject(out, code, c);
	}
	return out;
}

/* The taglines per language: English from the details, the others from the translations (an
 * empty one is "not translated": left out). */
static cJSON *taglines(const cJSON *d, const mq_config *cfg)
{
	cJSON *out = cJSON_CreateObject();
	const char *en = mq_tmdb_string(d, "tagline");
	if (en)
		cJSON_AddStringToObject(out, "en", en);
	for (int i = 0; i < cfg->n_tmdb_languages; i++) {
		char lang[3] = { cfg->tmdb_languages[i][0], cfg->tmdb_languages[i][1], '\0' };
		const cJSON *data = mq_movie_translation(d, lang);
		const char *t = data ? mq_tmdb_string(data, "tagline") : NULL;
		if (t && !cJSON_GetObjectItemCaseSensitive(out, lang))
			cJSON_AddStringToObject(out, lang, t);
	}
	return out;
}

/* The key crew's lists, and the jobs that go to each (writers keep their jobs). */
enum { CREW_WRITERS, CREW_COMPOSERS, CREW_CINEMATOGRAPHERS, CREW_LISTS };
static const char *const crew_lists[CREW_LISTS] = { "writers", "composers", "cinematographers" };
static const struct crew_job {
	const char *job;
	int list;
} crew_jobs[] = {
	{ "Screenplay", CREW_WRITERS }, { "Writer", CREW_WRITERS }, { "Story", CREW_WRITERS },
	{ "Original Music Composer", CREW_COMPOSERS }, { "Director of Photography", CREW_CINEMATOGRAPHERS },
};
#define MAX_CREW 10 /* people in each list */

/* Adds the key crew of credits to m: writers [{tmdb_id, name, jobs}], composers and
 * cinematographers [{tmdb_id, name}], each person once per list, in TMDB's order. */
static void add_key_crew(cJSON *m, const cJSON *credits)
{
	cJSON *lists[CREW_LISTS];
	for (int i = 0; i < CREW_LISTS; i++)
		lists[i] = cJSON_AddArrayToObject(m, crew_lists[i]);
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(credits, "crew")) {
		const char *job = mq_tmdb_string(p, "job"), *name = mq_tmdb_string(p, "name");
		double id = mq_tmdb_number(p, "id", 0);
		const struct crew_job *cj = NULL;
		for (size_t i = 0; job && i < sizeof crew_jobs / sizeof crew_jobs[0]; i++)
			if (!strcmp(job, crew_jobs[i].job))
				cj = &crew_jobs[i];
		if (!cj || id < 1 || !name)
			continue;
		cJSON *list = lists[cj->list];
		cJSON *o = NULL, *e;
		cJSON_ArrayForEach(e, list)
			if (cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "tmdb_id")) == id)
				o = e;
		if (!o) {
			if (cJSON_GetArraySize(list) == MAX_CREW)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "tmdb_id", id);
			cJSON_AddStringToObject(o, "name", name);
			if (cj->list == CREW_WRITERS)
				cJSON_AddArrayToObject(o, "jobs");
			cJSON_AddItemToArray(list, o);
		}
		cJSON *jobs = cJSON_GetObjectItemCaseSensitive(o, "jobs");
		if (jobs && !holds(jobs, job))
			cJSON_AddItemToArray(jobs, cJSON_CreateString(job));
	}
}

/* belongs_to_collection as {tmdb_id, name, poster_path, backdrop_path}, or null. */
static cJSON *collection(const cJSON *d)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(d, "belongs_to_collection");
	double id = mq_tmdb_number(c, "id", 0);
	const char *name = mq_tmdb_string(c, "name");
	if (!mq_tmdb_valid_id(id) || !name)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "tmdb_id", id);
	cJSON_AddStringToObject(o, "name", name);
	mq_movie_add_string_or_null(o, "poster_path", mq_tmdb_string(c, "poster_path"));
	mq_movie_add_string_or_null(o, "backdrop_path", mq_tmdb_string(c, "backdrop_path"));
	return o;
}

/* The ISO codes (key: "iso_3166_1" upper case, "iso_639_1" lower case) of a list of TMDB's
 * {iso_…, name} objects, once each. */
static cJSON *iso_codes(const cJSON *list, const char *key)
{
	int upper = !strcmp(key, "iso_3166_1");
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		const char *code = mq_tmdb_string(e, key);
		if (mq_l10n_iso_code(code, 2, upper) && !holds(out, code) && cJSON_GetArraySize(out) < 20)
			cJSON_AddItemToArray(out, cJSON_CreateString(code));
	}
	return out;
}


/* Whether key is a YouTube video key: 1-32 of letters, digits, "-" and "_" (nothing that could
 * leave a URL's path). */
static int youtube_key(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	return n >= 1 && n <= 32 && strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* How a trailer ranks within its language: trailers before teasers, official before not. */
static int trailer_rank(const cJSON *v)
{
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "type"));
	return (type && !strcmp(type, "Teaser") ? 2 : 0) + (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "official")) ? 0 : 1);
}

/* The appended videos a page may play: YouTube trailers and teasers with a well-formed key, as
 * {key, name, type, official, iso_639_1, published_at}, ranked (trailer_rank, TMDB's order
 * within a rank), MAX_VIDEOS at most. */
#define MAX_VIDEOS 12
static cJSON *trailers(const cJSON *d)
{
	cJSON *out = cJSON_CreateArray();
	for (int rank = 0; rank < 4; rank++) {
		const cJSON *v;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "videos"), "results")) {
			const char *site = mq_tmdb_string(v, "site"), *type = mq_tmdb_string(v, "type");
			const char *key = mq_tmdb_string(v, "key"), *lang = mq_tmdb_string(v, "iso_639_1");
			if (!site || strcmp(site, "YouTube") || !type || (strcmp(type, "Trailer") && strcmp(type, "Teaser")) ||
			    !youtube_key(key) || trailer_rank(v) != rank || cJSON_GetArraySize(out) == MAX_VIDEOS)
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "site", "YouTube");
			cJSON_AddStringToObject(o, "key", key);
			mq_movie_add_string_or_null(o, "name", mq_tmdb_string(v, "name"));
			cJSON_AddStringToObject(o, "type", type);
			cJSON_AddBoolToObject(o, "official", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "official")));
			mq_movie_add_string_or_null(o, "iso_639_1", mq_l10n_iso_code(lang, 2, 0) ? lang : NULL);
			mq_movie_add_string_or_null(o, "published_at", mq_tmdb_string(v, "published_at"));
			cJSON_AddItemToArray(out, o);
		}
	}
	return out;
}

cJSON *mq_movie_trailers_for(const cJSON *trailers, const char *lang)
{
	cJSON *out = cJSON_CreateArray();
	const char *order[] = { lang, strcmp(lang, "en") ? "en" : NULL };
	for (size_t i = 0; i < 2 && order[i]; i++) {
		const cJSON *v;
		cJSON_ArrayForEach(v, trailers) {
			const char *l = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "iso_639_1"));
			if (l && !strcmp(l, order[i]) && youtube_key(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "key"))))
				cJSON_AddItemToArray(out, cJSON_Duplicate(v, 1));
		}
	}
	return out;
}

cJSON *mq_movie_age_limits(const cJSON *details)
{
	cJSON *limits = cJSON_CreateObject();
	const cJSON *country, *rd;
	cJSON_ArrayForEach(country, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "release_dates"), "results")) {
		const char *region = mq_tmdb_string(country, "iso_3166_1");
		int age = -1;
		cJSON_ArrayForEach(rd, cJSON_GetObjectItemCaseSensitive(country, "release_dates")) {
			int a = mq_audience_certification_age(region, mq_tmdb_string(rd, "certification"));
			age = a > age ? a : age; /* the strictest of the region's releases */
		}
		if (age >= 0 && !cJSON_GetObjectItemCaseSensitive(limits, region))
			cJSON_AddNumberToObject(limits, region, age);
	}
	return limits;
}

cJSON *mq_movie_doc_from_tmdb(const cJSON *d, const mq_config *cfg)
{
	double id = mq_tmdb_number(d, "id", 0);
	const char *title = mq_tmdb_string(d, "title");
	if (!mq_tmdb_valid_id(id) || !title)
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
	cJSON *certs = certifications(d);
	cJSON_AddItemToObject(m, "certifications", certs);
	mq_movie_add_string_or_null(m, "certification", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(certs, "US")));
	mq_movie_add_string_or_null(m, "tagline", mq_tmdb_string(d, "tagline"));
	cJSON_AddItemToObject(m, "taglines", taglines(d, cfg));
	cJSON_AddItemToObject(m, "collection", collection(d));
	cJSON_AddItemToObject(m, "production_countries", iso_codes(cJSON_GetObjectItemCaseSensitive(d, "production_countries"), "iso_3166_1"));
	cJSON_AddItemToObject(m, "spoken_languages", iso_codes(cJSON_GetObjectItemCaseSensitive(d, "spoken_languages"), "iso_639_1"));
	cJSON_AddItemToObject(m, "trailers", trailers(d));
	cJSON_AddBoolToObject(m, "adult", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "adult")));
	cJSON_AddItemToObject(m, "age_limits", mq_movie_age_limits(d));

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
	add_key_crew(m, credits);
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

/* An item of an array being sorted, with its place before (so that equal items keep their order). */
typedef struct ranked {
	cJSON *item;
	int at;
	int (*cmp)(const cJSON *, const cJSON *);
} ranked;

static int compare_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	int c = x->cmp(x->item, y->item);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* Sorts array by cmp, stably. (cJSON 1.7.15's cJSON_InsertItemInArray loses items inserted at
 * the front of a non-empty array, so nothing here inserts.) */
static void sort_array(cJSON *array, int (*cmp)(const cJSON *, const cJSON *))
{
	int n = cJSON_GetArraySize(array);
	if (n < 2)
		return;
	ranked *r = mq_xcalloc((size_t)n, sizeof *r);
	for (int i = 0; i < n; i++)
		r[i] = (ranked){ cJSON_DetachItemFromArray(array, 0), i, cmp };
	qsort(r, (size_t)n, sizeof *r, compare_ranked);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(array, r[i].item);
	free(r);
}

/* By TMDB's display_priority. */
static int by_priority(const cJSON *a, const cJSON *b)
{
	double x = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(a, "display_priority"));
	double y = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(b, "display_priority"));
	return (x > y) - (x < y);
}

/* By release date, undated last. */
static int by_release(const cJSON *a, const cJSON *b)
{
	const char *x = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "release_date"));
	const char *y = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "release_date"));
	return !x || !y ? (!x) - (!y) : strcmp(x, y);
}

#define MAX_PROVIDERS 20 /* of each kind */
#define TMDB_WATCH_PAGE "https://www.themoviedb.org/"

cJSON *mq_movie_watch_providers(const cJSON *answer, const char *region)
{
	static const char *const kinds[] = { "flatrate", "rent", "buy" };
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(answer, "results"), region);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "region", region);
	const char *link = mq_tmdb_string(r, "link");
	/* only TMDB's own page: the link goes into a page's href as it is */
	int ok = link && !strncmp(link, TMDB_WATCH_PAGE, strlen(TMDB_WATCH_PAGE)) && strlen(link) < 300 &&
		 !strpbrk(link, " \"'<>\\`");
	mq_movie_add_string_or_null(out, "link", ok ? link : NULL);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		cJSON *list = cJSON_AddArrayToObject(out, kinds[k]);
		const cJSON *p;
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(r, kinds[k])) {
			double id = mq_tmdb_number(p, "provider_id", 0);
			const char *name = mq_tmdb_string(p, "provider_name");
			if (id < 1 || !name || cJSON_GetArraySize(list) == MAX_PROVIDERS)
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "provider_id", id);
			cJSON_AddStringToObject(o, "provider_name", name);
			mq_movie_add_string_or_null(o, "logo_path", mq_tmdb_string(p, "logo_path"));
			cJSON_AddNumberToObject(o, "display_priority", mq_tmdb_number(p, "display_priority", 0));
			cJSON_AddItemToArray(list, o);
		}
		sort_array(list, by_priority);
	}
	return out;
}

cJSON *mq_movie_collection_parts(const cJSON *collection)
{
	cJSON *parts = cJSON_CreateArray();
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(collection, "parts")) {
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "adult")))
			continue;
		cJSON *m = mq_movie_summary_from_tmdb(p);
		if (m)
			cJSON_AddItemToArray(parts, m);
	}
	sort_array(parts, by_release);
	return parts;
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
