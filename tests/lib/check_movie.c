/* check_movie.c — unit tests for lib/tmdb/movie.c: TMDB list items to movie summaries (read
 * tolerantly, non-movies left out), list pages with their page number and reachable total,
 * details to movie documents (cast, directors, keywords, genres, certification, runtime, titles
 * and search keys), search fields recomputed after an edit, and our language to TMDB's. From small
 * inline TMDB-shaped objects, and from the real recordings in ../shared/fixtures/tmdb/ when that
 * folder is there (read in place; skipped otherwise). */
#include "suites.h"

#include "core/buf.h"
#include "core/config.h"
#include "tmdb/movie.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "../shared/fixtures/tmdb/"

static mq_config test_config(void)
{
	static char en[] = "en-US", fa[] = "fa-IR";
	mq_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.tmdb_languages[0] = en;
	cfg.tmdb_languages[1] = fa;
	cfg.n_tmdb_languages = 2;
	return cfg;
}

/* A recording of ../shared, parsed; NULL when the folder (or the file) is absent. */
static cJSON *recording(const char *name)
{
	char path[256];
	mq_buf b = MQ_BUF_INIT;
	snprintf(path, sizeof path, FIXTURES "%s", name);
	cJSON *j = mq_buf_read_file(&b, path, 8 << 20, NULL) == 0 ? cJSON_Parse(mq_buf_cstr(&b)) : NULL;
	mq_buf_free(&b);
	return j;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static double num(const cJSON *obj, const char *key)
{
	return cJSON_GetNumberValue(get(obj, key));
}

/* Whether the string array holds s. */
static int holds(const cJSON *array, const char *s)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, array)
		if (cJSON_IsString(e) && !strcmp(e->valuestring, s))
			return 1;
	return 0;
}

/* ---- summaries ---- */

START_TEST(summary_of_a_list_item)
{
	cJSON *item = cJSON_Parse(
		"{\"adult\":false,\"backdrop_path\":\"/b.jpg\",\"genre_ids\":[18,53],\"id\":550,"
		"\"original_language\":\"en\",\"original_title\":\"Fight Club\",\"overview\":\"A ticking bomb.\","
		"\"popularity\":61.4,\"poster_path\":\"/p.jpg\",\"release_date\":\"1999-10-15\",\"title\":\"Fight Club\","
		"\"video\":false,\"vote_average\":8.4,\"vote_count\":27000}");
	cJSON *m = mq_movie_summary_from_tmdb(item);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)num(m, "tmdb_id"), 550);
	ck_assert_str_eq(test_str(m, "title"), "Fight Club");
	ck_assert_str_eq(test_str(m, "original_title"), "Fight Club");
	ck_assert_str_eq(test_str(m, "original_language"), "en");
	ck_assert_str_eq(test_str(m, "overview"), "A ticking bomb.");
	ck_assert_str_eq(test_str(m, "release_date"), "1999-10-15");
	ck_assert_int_eq((int)num(m, "year"), 1999);
	ck_assert_str_eq(test_str(m, "poster_path"), "/p.jpg");
	ck_assert_str_eq(test_str(m, "backdrop_path"), "/b.jpg");
	ck_assert_double_eq_tol(num(m, "vote_average"), 8.4, 1e-9);
	ck_assert_int_eq((int)num(m, "vote_count"), 27000);
	ck_assert_double_eq_tol(num(m, "popularity"), 61.4, 1e-9);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "genre_ids")), 2);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetArrayItem(get(m, "genre_ids"), 1)), 53);
	/* TMDB's adult flag is carried (the audience rule reads it); unknown keys are not */
	ck_assert(cJSON_IsFalse(get(m, "adult")));
	ck_assert_ptr_null(get(m, "video"));
	ck_assert_ptr_null(get(m, "id"));
	cJSON_Delete(m);
	cJSON_Delete(item);
}
END_TEST

/* What TMDB really sends at times: floats for integers, "" dates, null images, missing numbers. */
START_TEST(summary_read_tolerantly)
{
	cJSON *item = cJSON_Parse("{\"id\":603.0,\"title\":\"The Matrix\",\"release_date\":\"\",\"poster_path\":null,"
				  "\"backdrop_path\":\"\",\"overview\":null,\"genre_ids\":[28,\"x\",null,878],"
				  "\"vote_count\":12.0}");
	cJSON *m = mq_movie_summary_from_tmdb(item);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)num(m, "tmdb_id"), 603);
	ck_assert(cJSON_IsNull(get(m, "release_date")));
	ck_assert(cJSON_IsNull(get(m, "year")));
	ck_assert(cJSON_IsNull(get(m, "poster_path")));
	ck_assert(cJSON_IsNull(get(m, "backdrop_path")));
	ck_assert(cJSON_IsNull(get(m, "overview")));
	ck_assert(cJSON_IsNull(get(m, "original_title")));
	ck_assert(num(m, "vote_average") == 0 && num(m, "popularity") == 0);
	ck_assert_int_eq((int)num(m, "vote_count"), 12);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "genre_ids")), 2);
	cJSON_Delete(m);
	cJSON_Delete(item);

	/* dates that are not dates */
	static const char *const dates[] = { "1999-13-01", "99-10-15", "soon", "1999-10-15x" };
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char json[128];
		snprintf(json, sizeof json, "{\"id\":1,\"title\":\"T\",\"release_date\":\"%s\"}", dates[i]);
		item = cJSON_Parse(json);
		m = mq_movie_summary_from_tmdb(item);
		ck_assert_msg(cJSON_IsNull(get(m, "release_date")) && cJSON_IsNull(get(m, "year")), "date %s kept", dates[i]);
		cJSON_Delete(m);
		cJSON_Delete(item);
	}
}
END_TEST

/* Items that are not movies: people, TV shows, broken ids. */
static const char *const not_movies[] = {
	"{\"id\":287,\"name\":\"Brad Pitt\",\"media_type\":\"person\"}",
	"{\"id\":1399,\"name\":\"Game of Thrones\",\"media_type\":\"tv\"}",
	"{\"title\":\"No id\"}",
	"{\"id\":0,\"title\":\"Zero\"}",
	"{\"id\":-5,\"title\":\"Negative\"}",
	"{\"id\":1.5,\"title\":\"Fraction\"}",
	"{\"id\":3000000000,\"title\":\"Too big\"}",
	"{\"id\":\"550\",\"title\":\"A string id\"}",
	"{\"id\":550,\"title\":\"\"}",
	"{\"id\":550,\"title\":null}",
	"{\"id\":550,\"title\":42}",
	"[550,\"Fight Club\"]",
	"null",
	"\"Fight Club\"",
};

START_TEST(not_a_movie)
{
	cJSON *item = cJSON_Parse(not_movies[_i]);
	ck_assert_ptr_nonnull(item);
	mq_config cfg = test_config();
	ck_assert_msg(mq_movie_summary_from_tmdb(item) == NULL, "summary of %s", not_movies[_i]);
	ck_assert_msg(mq_movie_doc_from_tmdb(item, &cfg) == NULL, "document of %s", not_movies[_i]);
	cJSON_Delete(item);
}
END_TEST

START_TEST(summary_of_nothing)
{
	mq_config cfg = test_config();
	ck_assert_ptr_null(mq_movie_summary_from_tmdb(NULL));
	ck_assert_ptr_null(mq_movie_doc_from_tmdb(NULL, &cfg));
}
END_TEST

/* ---- pages ---- */

START_TEST(page_keeps_the_movies_in_order)
{
	cJSON *page = cJSON_Parse("{\"page\":3,\"results\":["
				  "{\"id\":1,\"title\":\"One\",\"media_type\":\"movie\"},"
				  "{\"id\":2,\"name\":\"A person\",\"media_type\":\"person\"},"
				  "{\"id\":3,\"name\":\"A show\",\"media_type\":\"tv\"},"
				  "{\"id\":4,\"title\":\"Four\"}, 17, null],"
				  "\"total_pages\":7,\"total_results\":123}");
	long long p = -1, total = -1;
	cJSON *list = mq_movie_summaries_from_tmdb_page(page, &p, &total);
	ck_assert_int_eq(cJSON_GetArraySize(list), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(list, 0), "title"), "One");
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(list, 1), "title"), "Four");
	ck_assert_int_eq(p, 3);
	ck_assert_int_eq(total, 123);
	cJSON_Delete(list);
	cJSON_Delete(page);
}
END_TEST

/* The page number and the reachable total, whatever TMDB says: 500 pages of 20 at most. */
static const struct {
	const char *json;
	long long page, total;
	int n;
} page_cases[] = {
	{ "{\"page\":1,\"results\":[],\"total_pages\":56999,\"total_results\":1139978}", 1, 10000, 0 },
	{ "{\"page\":2,\"results\":[{\"id\":9,\"title\":\"x\"}],\"total_results\":10000}", 2, 10000, 1 },
	{ "{\"page\":500,\"results\":[],\"total_results\":9999}", 500, 9999, 0 },
	{ "{\"results\":[{\"id\":9,\"title\":\"x\"}]}", 1, 0, 1 },
	{ "{\"page\":0,\"total_results\":-4}", 1, 0, 0 },
	{ "{\"page\":501,\"total_results\":\"12\"}", 1, 0, 0 },
	{ "{\"page\":\"2\",\"results\":{\"id\":9,\"title\":\"x\"},\"total_results\":3.0}", 1, 3, 0 },
	{ "{}", 1, 0, 0 },
	{ "[]", 1, 0, 0 },
};

START_TEST(page_numbers_and_totals)
{
	cJSON *page = cJSON_Parse(page_cases[_i].json);
	ck_assert_ptr_nonnull(page);
	long long p = -1, total = -1;
	cJSON *list = mq_movie_summaries_from_tmdb_page(page, &p, &total);
	ck_assert(cJSON_IsArray(list));
	ck_assert_msg(p == page_cases[_i].page && total == page_cases[_i].total && cJSON_GetArraySize(list) == page_cases[_i].n,
		      "%s: page %lld, total %lld, %d summaries", page_cases[_i].json, p, total, cJSON_GetArraySize(list));
	cJSON_Delete(list);
	cJSON_Delete(page);
}
END_TEST

START_TEST(page_of_nothing)
{
	long long p = -1, total = -1;
	cJSON *list = mq_movie_summaries_from_tmdb_page(NULL, &p, &total);
	ck_assert(cJSON_IsArray(list) && cJSON_GetArraySize(list) == 0);
	ck_assert_int_eq(p, 1);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(list);
}
END_TEST

/* ---- movie documents ---- */

/* Details of a made-up movie with everything appended: 25 cast members (two broken), crew with two
 * directors, keywords, genres (one broken), release dates of several countries. */
static cJSON *details(void)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_printf(&b, "{\"id\":4242,\"imdb_id\":\"tt0004242\",\"title\":\"The Long Night\","
			  "\"original_title\":\"La Longue Nuit\",\"original_language\":\"fr\",\"overview\":\"Dark.\","
			  "\"release_date\":\"2021-02-03\",\"runtime\":139,\"popularity\":12.5,\"vote_average\":7.25,"
			  "\"vote_count\":321,\"poster_path\":\"/p.jpg\",\"backdrop_path\":null,"
			  "\"genres\":[{\"id\":18,\"name\":\"Drama\"},{\"id\":0,\"name\":\"Broken\"},{\"id\":53},"
			  "{\"id\":53,\"name\":\"Thriller\"}],"
			  "\"credits\":{\"cast\":[");
	for (int i = 0; i < 25; i++) {
		const char *sep = i ? "," : "";
		if (i == 2)
			mq_buf_printf(&b, "%s{\"name\":\"No Id\",\"order\":2}", sep);
		else if (i == 3)
			mq_buf_printf(&b, "%s{\"id\":99,\"name\":\"\",\"order\":3}", sep);
		else
			mq_buf_printf(&b, "%s{\"id\":%d,\"name\":\"Actor %d\",\"character\":%s,\"order\":%d,\"profile_path\":null}",
				      sep, 100 + i, i, i == 0 ? "null" : "\"Someone\"", i);
	}
	mq_buf_printf(&b, "],\"crew\":[{\"id\":7,\"name\":\"Ann Director\",\"job\":\"Director\"},"
			  "{\"id\":8,\"name\":\"Bo Writer\",\"job\":\"Screenplay\"},"
			  "{\"id\":9,\"name\":\"Cy Director\",\"job\":\"Director\"},"
			  "{\"name\":\"No Id\",\"job\":\"Director\"}]},"
			  "\"keywords\":{\"keywords\":[{\"id\":1,\"name\":\"night\"},{\"id\":2},{\"id\":3,\"name\":\"paris\"}]},"
			  "\"release_dates\":{\"results\":["
			  "{\"iso_3166_1\":\"FR\",\"release_dates\":[{\"certification\":\"16\",\"type\":3}]},"
			  "{\"iso_3166_1\":\"US\",\"release_dates\":[{\"certification\":\"\",\"type\":1},"
			  "{\"certification\":\"NR\",\"type\":4},{\"certification\":\"R\",\"type\":3}]}]},"
			  "\"translations\":{\"translations\":[{\"iso_639_1\":\"fa\",\"data\":{\"title\":\"شب طولانی\","
			  "\"overview\":\"تاریک.\"}},{\"iso_639_1\":\"de\",\"data\":{\"title\":\"Die lange Nacht\"}}]}}");
	cJSON *d = cJSON_Parse(mq_buf_cstr(&b));
	ck_assert_ptr_nonnull(d);
	mq_buf_free(&b);
	return d;
}

START_TEST(document_of_details)
{
	mq_config cfg = test_config();
	cJSON *d = details();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)num(m, "tmdb_id"), 4242);
	ck_assert_str_eq(test_str(m, "imdb_id"), "tt0004242");
	ck_assert_str_eq(test_str(m, "title"), "The Long Night");
	ck_assert_str_eq(test_str(m, "original_title"), "La Longue Nuit");
	ck_assert_str_eq(test_str(m, "original_language"), "fr");
	ck_assert_str_eq(test_str(m, "release_date"), "2021-02-03");
	ck_assert_int_eq((int)num(m, "year"), 2021);
	ck_assert_int_eq((int)num(m, "runtime"), 139);
	ck_assert_double_eq_tol(num(m, "vote_average"), 7.25, 1e-9);
	ck_assert_int_eq((int)num(m, "vote_count"), 321);
	ck_assert_double_eq_tol(num(m, "popularity"), 12.5, 1e-9);
	ck_assert_str_eq(test_str(m, "poster_path"), "/p.jpg");
	ck_assert(cJSON_IsNull(get(m, "backdrop_path")));
	/* titles and overviews of the configured languages only */
	ck_assert_str_eq(test_str(get(m, "titles"), "en"), "The Long Night");
	ck_assert_str_eq(test_str(get(m, "titles"), "fa"), "شب طولانی");
	ck_assert_ptr_null(get(get(m, "titles"), "de"));
	ck_assert_str_eq(test_str(get(m, "overviews"), "en"), "Dark.");
	ck_assert_str_eq(test_str(get(m, "overviews"), "fa"), "تاریک.");
	/* genres with an id and a name */
	const cJSON *genres = get(m, "genres");
	ck_assert_int_eq(cJSON_GetArraySize(genres), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(genres, 1), "name"), "Thriller");
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(genres, 1), "id"), 53);
	/* the first 20 cast members with an id and a name, in order */
	const cJSON *cast = get(m, "cast");
	ck_assert_int_eq(cJSON_GetArraySize(cast), 20);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(cast, 0), "name"), "Actor 0");
	ck_assert(cJSON_IsNull(get(cJSON_GetArrayItem(cast, 0), "character")));
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(cast, 2), "name"), "Actor 4");
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(cast, 2), "character"), "Someone");
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(cast, 2), "tmdb_id"), 104);
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(cast, 2), "order"), 4);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(cast, 19), "name"), "Actor 21");
	/* directors only */
	const cJSON *directors = get(m, "directors");
	ck_assert_int_eq(cJSON_GetArraySize(directors), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(directors, 0), "name"), "Ann Director");
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(directors, 1), "name"), "Cy Director");
	const cJSON *keywords = get(m, "keywords");
	ck_assert_int_eq(cJSON_GetArraySize(keywords), 2);
	ck_assert(holds(keywords, "night") && holds(keywords, "paris"));
	/* the US theatrical release's, not another country's nor an earlier release's */
	ck_assert_str_eq(test_str(m, "certification"), "R");
	/* search fields: every title from each word on */
	ck_assert_str_eq(test_str(m, "title_key"), "the long night");
	const cJSON *keys = get(m, "search_keys");
	ck_assert(holds(keys, "the long night") && holds(keys, "long night") && holds(keys, "night"));
	ck_assert(holds(keys, "la longue nuit") && holds(keys, "nuit") && holds(keys, "شب طولانی"));
	ck_assert(!holds(keys, "die lange nacht"));
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* What TMDB leaves out or zeroes: runtime 0 is unknown, no certification, no credits. */
START_TEST(document_of_sparse_details)
{
	mq_config cfg = test_config();
	cJSON *d = cJSON_Parse("{\"id\":7,\"title\":\"Tiny\",\"runtime\":0,\"release_date\":\"2030\","
			       "\"release_dates\":{\"results\":[{\"iso_3166_1\":\"US\",\"release_dates\":["
			       "{\"certification\":\"\",\"type\":3},{\"certification\":\"PG\",\"type\":1},"
			       "{\"certification\":\"G\",\"type\":2}]}]},"
			       "\"translations\":{\"translations\":[{\"iso_639_1\":\"fa\",\"data\":{\"title\":\"\"}}]}}");
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert(cJSON_IsNull(get(m, "runtime")));
	ck_assert(cJSON_IsNull(get(m, "imdb_id")));
	ck_assert_int_eq((int)num(m, "year"), 2030);
	ck_assert_str_eq(test_str(m, "certification"), "PG"); /* no theatrical one: the first given */
	ck_assert_ptr_null(get(get(m, "titles"), "fa")); /* an empty translation: not translated */
	ck_assert_ptr_null(get(get(m, "overviews"), "en"));
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "cast")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "directors")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "keywords")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "genres")), 0);
	cJSON_Delete(m);
	cJSON_Delete(d);

	d = cJSON_Parse("{\"id\":8,\"title\":\"No US\",\"release_dates\":{\"results\":[{\"iso_3166_1\":\"GB\","
			"\"release_dates\":[{\"certification\":\"15\",\"type\":3}]}]}}");
	m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert(cJSON_IsNull(get(m, "certification")));
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* After a curator's edit: the keys follow the new titles, the old ones go, nothing doubles. */
START_TEST(search_fields_after_an_edit)
{
	mq_config cfg = test_config();
	cJSON *d = details();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	cJSON_ReplaceItemInObjectCaseSensitive(m, "title", cJSON_CreateString("Midnight Run"));
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "titles"), "en", cJSON_CreateString("Midnight Run"));
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "titles"), "fa", cJSON_CreateString("نیمه‌شب"));
	mq_movie_search_fields(m);
	mq_movie_search_fields(m); /* twice: the same */
	ck_assert_str_eq(test_str(m, "title_key"), "midnight run");
	const cJSON *keys = get(m, "search_keys");
	ck_assert(holds(keys, "midnight run") && holds(keys, "run") && holds(keys, "نیمه شب") && holds(keys, "شب"));
	ck_assert(holds(keys, "la longue nuit")); /* the original title stays */
	ck_assert(!holds(keys, "the long night") && !holds(keys, "long night") && !holds(keys, "شب طولانی"));
	int n_title_keys = 0, n_search_keys = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, m) {
		n_title_keys += !strcmp(f->string, "title_key");
		n_search_keys += !strcmp(f->string, "search_keys");
	}
	ck_assert_int_eq(n_title_keys, 1);
	ck_assert_int_eq(n_search_keys, 1);
	const cJSON *a, *b;
	cJSON_ArrayForEach(a, keys)
		for (b = a->next; b; b = b->next)
			ck_assert_msg(strcmp(a->valuestring, b->valuestring), "\"%s\" twice", a->valuestring);
	cJSON_Delete(m);
	cJSON_Delete(d);

	/* a manual movie without titles yet */
	m = cJSON_CreateObject();
	mq_movie_search_fields(m);
	ck_assert_str_eq(test_str(m, "title_key"), "");
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "search_keys")), 0);
	cJSON_Delete(m);
}
END_TEST

/* At most 64 search keys, however long the titles. */
START_TEST(search_keys_are_bounded)
{
	mq_buf title = MQ_BUF_INIT;
	for (int i = 0; i < 100; i++)
		mq_buf_printf(&title, "word%d ", i);
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "title", mq_buf_cstr(&title));
	mq_movie_search_fields(m);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "search_keys")), 64);
	ck_assert_str_eq(cJSON_GetArrayItem(get(m, "search_keys"), 0)->valuestring, test_str(m, "title_key"));
	cJSON_Delete(m);
	mq_buf_free(&title);
}
END_TEST

START_TEST(tmdb_languages)
{
	ck_assert_str_eq(mq_movie_tmdb_language("fa"), "fa-IR");
	ck_assert_str_eq(mq_movie_tmdb_language("en"), "en-US");
	ck_assert_str_eq(mq_movie_tmdb_language("de"), "en-US");
	ck_assert_str_eq(mq_movie_tmdb_language(""), "en-US");
}
END_TEST

/* ---- the real recordings ---- */

static const struct {
	const char *file;
	long long page, total;
	int movies;
} recorded_pages[] = {
	{ "movie_popular__page1.json", 1, 10000, 20 },
	{ "movie_popular__page2.json", 2, 10000, 20 },
	{ "movie_top_rated__page1.json", 1, 10000, 20 },
	{ "movie_upcoming__page2.json", 2, 1420, 20 },
	{ "discover_movie__vote_average_gte_2__vote_count_gte_1000.json", 1, 4812, 20 },
	{ "discover_movie__EMPTY__with_original_language_en-US.json", 1, 0, 0 },
	{ "search_movie__query_Inception.json", 1, 10, 10 },
	{ "search_movie__query_007__page2.json", 2, 126, 20 },
	{ "search_movie__query_007__year_1962.json", 1, 1, 1 },
	{ "movie_47964_similar.json", 1, 10000, 20 },
	{ "movie_47964_recommendations.json", 1, 966, 20 },
	{ "trending_all_week.json", 1, 10000, 11 }, /* its TV shows are left out */
	{ "trending_movie_week.json", 1, 10000, 20 },
};

START_TEST(recorded_pages_map)
{
	cJSON *page = recording(recorded_pages[_i].file);
	if (!page) {
		fprintf(stderr, "movie:recorded_pages_map: %s skipped: ../shared absent\n", recorded_pages[_i].file);
		return;
	}
	long long p = -1, total = -1;
	cJSON *list = mq_movie_summaries_from_tmdb_page(page, &p, &total);
	ck_assert_int_eq(cJSON_GetArraySize(list), recorded_pages[_i].movies);
	ck_assert_int_eq(p, recorded_pages[_i].page);
	ck_assert_int_eq(total, recorded_pages[_i].total);
	/* each summary is its result's movie, in TMDB's order */
	const cJSON *m, *r = cJSON_GetObjectItemCaseSensitive(page, "results")->child;
	cJSON_ArrayForEach(m, list) {
		while (r && !cJSON_GetObjectItemCaseSensitive(r, "title"))
			r = r->next;
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq((long long)num(m, "tmdb_id"), (long long)num(r, "id"));
		ck_assert_str_eq(test_str(m, "title"), test_str(r, "title"));
		ck_assert(num(m, "vote_average") >= 0 && num(m, "vote_average") <= 10);
		const char *date = test_str(m, "release_date");
		if (date)
			ck_assert_int_eq(strtol(date, NULL, 10), (long)num(m, "year"));
		else
			ck_assert(cJSON_IsNull(get(m, "year")));
		r = r->next;
	}
	cJSON_Delete(list);
	cJSON_Delete(page);
}
END_TEST

START_TEST(recorded_details_map)
{
	cJSON *d = recording("movie_tt1345836__append_credits_images_keywords.json");
	if (!d) {
		fprintf(stderr, "movie:recorded_details_map: skipped: ../shared absent\n");
		return;
	}
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)num(m, "tmdb_id"), 49026);
	ck_assert_str_eq(test_str(m, "title"), "The Dark Knight Rises");
	ck_assert_int_eq((int)num(m, "runtime"), 165);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "cast")), 20); /* of 167 */
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "directors")), 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(get(m, "directors"), 0), "name"), "Christopher Nolan");
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "keywords")), 20);
	ck_assert(cJSON_IsNull(get(m, "certification"))); /* release_dates not appended */
	ck_assert(holds(get(m, "search_keys"), "dark knight rises"));
	ck_assert_ptr_null(get(get(m, "titles"), "fa")); /* translations not appended */
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* The richer page's fields: taglines per language, key crew with their ids (a writer with two
 * jobs once), the collection, countries and languages as codes, every region's certification,
 * and the trailers a page may play (YouTube trailers and teasers only, well-formed keys, trailers
 * before teasers and official first). */
START_TEST(document_of_rich_details)
{
	cJSON *d = cJSON_Parse(
		"{\"id\":603,\"title\":\"The Matrix\",\"tagline\":\"Welcome to the Real World.\","
		"\"belongs_to_collection\":{\"id\":2344,\"name\":\"The Matrix Collection\",\"poster_path\":\"/p.jpg\",\"backdrop_path\":null},"
		"\"production_countries\":[{\"iso_3166_1\":\"US\",\"name\":\"United States of America\"},{\"iso_3166_1\":\"AU\",\"name\":\"Australia\"},{\"iso_3166_1\":\"us\"}],"
		"\"spoken_languages\":[{\"iso_639_1\":\"en\",\"english_name\":\"English\"},{\"iso_639_1\":\"EN\"}],"
		"\"translations\":{\"translations\":[{\"iso_639_1\":\"fa\",\"data\":{\"title\":\"ماتریکس\",\"tagline\":\"به دنیای واقعی خوش آمدید.\"}},"
		"{\"iso_639_1\":\"de\",\"data\":{\"tagline\":\"\"}}]},"
		"\"credits\":{\"cast\":[],\"crew\":["
		"{\"id\":9339,\"name\":\"Lilly Wachowski\",\"job\":\"Director\"},"
		"{\"id\":9339,\"name\":\"Lilly Wachowski\",\"job\":\"Screenplay\"},"
		"{\"id\":9339,\"name\":\"Lilly Wachowski\",\"job\":\"Story\"},"
		"{\"id\":9340,\"name\":\"Lana Wachowski\",\"job\":\"Writer\"},"
		"{\"id\":0,\"name\":\"No Id\",\"job\":\"Writer\"},"
		"{\"id\":7,\"name\":\"Don Davis\",\"job\":\"Original Music Composer\"},"
		"{\"id\":8,\"name\":\"Bill Pope\",\"job\":\"Director of Photography\"},"
		"{\"id\":9,\"name\":\"Zach Staenberg\",\"job\":\"Editor\"}]},"
		"\"release_dates\":{\"results\":["
		"{\"iso_3166_1\":\"US\",\"release_dates\":[{\"certification\":\"\",\"type\":1},{\"certification\":\"R\",\"type\":3}]},"
		"{\"iso_3166_1\":\"DE\",\"release_dates\":[{\"certification\":\"16\",\"type\":4}]},"
		"{\"iso_3166_1\":\"FR\",\"release_dates\":[{\"certification\":\"\",\"type\":3}]},"
		"{\"iso_3166_1\":\"x\",\"release_dates\":[{\"certification\":\"12\",\"type\":3}]}]},"
		"\"videos\":{\"results\":["
		"{\"iso_639_1\":\"en\",\"key\":\"teaser01\",\"site\":\"YouTube\",\"type\":\"Teaser\",\"official\":true},"
		"{\"iso_639_1\":\"en\",\"key\":\"fan00001\",\"site\":\"YouTube\",\"type\":\"Trailer\",\"official\":false},"
		"{\"iso_639_1\":\"en\",\"key\":\"off00001\",\"site\":\"YouTube\",\"type\":\"Trailer\",\"official\":true},"
		"{\"iso_639_1\":\"en\",\"key\":\"feat0001\",\"site\":\"YouTube\",\"type\":\"Featurette\",\"official\":true},"
		"{\"iso_639_1\":\"en\",\"key\":\"123456\",\"site\":\"Vimeo\",\"type\":\"Trailer\",\"official\":true},"
		"{\"iso_639_1\":\"en\",\"key\":\"bad\\\"key\",\"site\":\"YouTube\",\"type\":\"Trailer\",\"official\":true},"
		"{\"iso_639_1\":\"fa\",\"key\":\"fa000001\",\"site\":\"YouTube\",\"type\":\"Teaser\",\"official\":false},"
		"{\"iso_639_1\":\"de\",\"key\":\"de000001\",\"site\":\"YouTube\",\"type\":\"Trailer\",\"official\":true}]}}");
	ck_assert_ptr_nonnull(d);
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(test_str(m, "tagline"), "Welcome to the Real World.");
	ck_assert_str_eq(test_str(get(m, "taglines"), "en"), "Welcome to the Real World.");
	ck_assert_str_eq(test_str(get(m, "taglines"), "fa"), "به دنیای واقعی خوش آمدید.");
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "taglines")), 2);

	const cJSON *writers = get(m, "writers");
	ck_assert_int_eq(cJSON_GetArraySize(writers), 2);
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(writers, 0), "tmdb_id"), 9339);
	ck_assert(holds(get(cJSON_GetArrayItem(writers, 0), "jobs"), "Screenplay"));
	ck_assert(holds(get(cJSON_GetArrayItem(writers, 0), "jobs"), "Story"));
	ck_assert_int_eq(cJSON_GetArraySize(get(cJSON_GetArrayItem(writers, 0), "jobs")), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(writers, 1), "name"), "Lana Wachowski");
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(get(m, "composers"), 0), "tmdb_id"), 7);
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "composers")), 1);
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(get(m, "cinematographers"), 0), "tmdb_id"), 8);
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(get(m, "directors"), 0), "tmdb_id"), 9339);

	ck_assert_int_eq((int)num(get(m, "collection"), "tmdb_id"), 2344);
	ck_assert_str_eq(test_str(get(m, "collection"), "name"), "The Matrix Collection");
	ck_assert(cJSON_IsNull(get(get(m, "collection"), "backdrop_path")));

	const cJSON *countries = get(m, "production_countries");
	ck_assert_int_eq(cJSON_GetArraySize(countries), 2); /* "us" is not a code */
	ck_assert_str_eq(cJSON_GetArrayItem(countries, 0)->valuestring, "US");
	ck_assert_str_eq(cJSON_GetArrayItem(countries, 1)->valuestring, "AU");
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "spoken_languages")), 1);

	const cJSON *certs = get(m, "certifications");
	ck_assert_str_eq(test_str(certs, "US"), "R");
	ck_assert_str_eq(test_str(certs, "DE"), "16"); /* no theatrical one: the first given */
	ck_assert_ptr_null(get(certs, "FR"));        /* none given */
	ck_assert_int_eq(cJSON_GetArraySize(certs), 2);
	ck_assert_str_eq(test_str(m, "certification"), "R");

	const cJSON *t = get(m, "trailers");
	const char *order[] = { "off00001", "de000001", "fan00001", "teaser01", "fa000001" };
	ck_assert_int_eq(cJSON_GetArraySize(t), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(test_str(cJSON_GetArrayItem(t, i), "key"), order[i]);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(t, 0), "site"), "YouTube");

	/* a Persian page: the Persian teaser, then English by rank; German is left out */
	cJSON *fa = mq_movie_trailers_for(t, "fa");
	const char *fa_order[] = { "fa000001", "off00001", "fan00001", "teaser01" };
	ck_assert_int_eq(cJSON_GetArraySize(fa), 4);
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(test_str(cJSON_GetArrayItem(fa, i), "key"), fa_order[i]);
	cJSON *en = mq_movie_trailers_for(t, "en");
	ck_assert_int_eq(cJSON_GetArraySize(en), 3);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(en, 0), "key"), "off00001");
	cJSON_Delete(fa);
	cJSON_Delete(en);
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* Details without any of it: empty lists and objects, null tagline and collection. */
START_TEST(document_without_rich_details)
{
	cJSON *d = cJSON_Parse("{\"id\":1,\"title\":\"Bare\",\"tagline\":\"\",\"belongs_to_collection\":null}");
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert(cJSON_IsNull(get(m, "tagline")));
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "taglines")), 0);
	ck_assert(cJSON_IsNull(get(m, "collection")));
	ck_assert(cJSON_IsObject(get(m, "certifications")));
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "certifications")), 0);
	static const char *const lists[] = { "writers", "composers", "cinematographers", "production_countries",
					     "spoken_languages", "trailers" };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		ck_assert(cJSON_IsArray(get(m, lists[i])));
		ck_assert_int_eq(cJSON_GetArraySize(get(m, lists[i])), 0);
	}
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* The one request the sync, the fetch-through and the admin share appends the videos. */
START_TEST(details_query)
{
	ck_assert_str_eq(mq_movie_details_query[0], "append_to_response");
	ck_assert_ptr_nonnull(strstr(mq_movie_details_query[1], "videos"));
	ck_assert_ptr_nonnull(strstr(mq_movie_details_query[1], "release_dates"));
	ck_assert_str_eq(mq_movie_details_query[2], "include_video_language");
	ck_assert_ptr_null(mq_movie_details_query[4]);
}
END_TEST

/* Real recordings: Fight Club with its translations and videos appended (tagline, countries,
 * the official trailer), and A Good Day to Die Hard's videos and release dates (only trailers
 * and teasers kept; every region's certification). */
START_TEST(recorded_rich_details_map)
{
	cJSON *d = recording("movie_550__append_translations_videos_watch_providers__TRIMMED.json");
	cJSON *videos = recording("movie_47964_videos.json");
	cJSON *dates = recording("movie_47964_release_dates.json");
	cJSON *details = recording("movie_47964.json");
	if (!d || !videos || !dates || !details) {
		fprintf(stderr, "movie:recorded_rich_details_map: skipped: ../shared absent\n");
		cJSON_Delete(d);
		cJSON_Delete(videos);
		cJSON_Delete(dates);
		cJSON_Delete(details);
		return;
	}
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_str_eq(test_str(m, "tagline"), "Mischief. Mayhem. Soap.");
	ck_assert(holds(get(m, "production_countries"), "US"));
	ck_assert(holds(get(m, "production_countries"), "DE"));
	ck_assert(holds(get(m, "spoken_languages"), "en"));
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "trailers")), 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(get(m, "trailers"), 0), "key"), "BdJKm16Co6M");
	ck_assert(cJSON_IsNull(get(m, "collection")));
	cJSON_Delete(m);

	cJSON_AddItemToObject(details, "videos", videos);
	cJSON_AddItemToObject(details, "release_dates", dates);
	m = mq_movie_doc_from_tmdb(details, &cfg);
	const cJSON *v;
	int n = 0;
	cJSON_ArrayForEach(v, get(m, "trailers")) {
		const char *type = test_str(v, "type");
		ck_assert(!strcmp(type, "Trailer") || !strcmp(type, "Teaser"));
		n++;
	}
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(get(m, "trailers"), 0), "type"), "Trailer");
	ck_assert_str_eq(test_str(get(m, "certifications"), "US"), "R");
	ck_assert_str_eq(test_str(get(m, "certifications"), "DE"), "16");
	ck_assert_str_eq(test_str(get(m, "certifications"), "GB"), "12A");
	ck_assert_ptr_null(get(get(m, "certifications"), "AR")); /* "" everywhere */
	ck_assert_str_eq(test_str(m, "certification"), "R");
	ck_assert_int_eq((int)num(get(m, "collection"), "tmdb_id"), 1570);
	cJSON_Delete(m);
	cJSON_Delete(details);
	cJSON_Delete(d);
}
END_TEST

/* One region's offers from TMDB's watch providers answer: the three kinds by display_priority,
 * TMDB's own page as the link only, malformed providers left out, nothing for another region. */
START_TEST(watch_providers_of_a_region)
{
	cJSON *a = cJSON_Parse("{\"id\":550,\"results\":{"
		"\"US\":{\"link\":\"https://www.themoviedb.org/movie/550-fight-club/watch?locale=US\","
		"\"flatrate\":[{\"display_priority\":5,\"logo_path\":\"/b.jpg\",\"provider_id\":9,\"provider_name\":\"B\"},"
		"{\"display_priority\":1,\"logo_path\":\"/a.jpg\",\"provider_id\":8,\"provider_name\":\"A\"},"
		"{\"display_priority\":0,\"provider_name\":\"No id\"},{\"provider_id\":3}],"
		"\"buy\":[{\"display_priority\":2,\"logo_path\":null,\"provider_id\":2,\"provider_name\":\"Apple TV\"}]},"
		"\"GB\":{\"link\":\"javascript:alert(1)\",\"rent\":[{\"provider_id\":4,\"provider_name\":\"R\"}]}}}");
	cJSON *us = mq_movie_watch_providers(a, "US");
	ck_assert_str_eq(test_str(us, "region"), "US");
	ck_assert_str_eq(test_str(us, "link"), "https://www.themoviedb.org/movie/550-fight-club/watch?locale=US");
	const cJSON *flat = get(us, "flatrate");
	ck_assert_int_eq(cJSON_GetArraySize(flat), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(flat, 0), "provider_name"), "A");
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(flat, 1), "provider_name"), "B");
	ck_assert_int_eq((int)num(cJSON_GetArrayItem(flat, 0), "provider_id"), 8);
	ck_assert_int_eq(cJSON_GetArraySize(get(us, "rent")), 0);
	ck_assert(cJSON_IsNull(get(cJSON_GetArrayItem(get(us, "buy"), 0), "logo_path")));
	cJSON *gb = mq_movie_watch_providers(a, "GB");
	ck_assert(cJSON_IsNull(get(gb, "link"))); /* not TMDB's page: never an href */
	ck_assert_int_eq(cJSON_GetArraySize(get(gb, "rent")), 1);
	cJSON *ir = mq_movie_watch_providers(a, "IR");
	ck_assert(cJSON_IsNull(get(ir, "link")));
	ck_assert_int_eq(cJSON_GetArraySize(get(ir, "flatrate")) + cJSON_GetArraySize(get(ir, "rent")) +
			 cJSON_GetArraySize(get(ir, "buy")), 0);
	cJSON *none = mq_movie_watch_providers(NULL, "US");
	ck_assert_int_eq(cJSON_GetArraySize(get(none, "buy")), 0);
	cJSON_Delete(none);
	cJSON_Delete(ir);
	cJSON_Delete(gb);
	cJSON_Delete(us);
	cJSON_Delete(a);
}
END_TEST

/* A collection's parts as summaries by release date (undated last), adult parts left out. */
START_TEST(collection_parts_in_order)
{
	cJSON *c = cJSON_Parse("{\"id\":2344,\"name\":\"The Matrix Collection\",\"parts\":["
		"{\"id\":624860,\"title\":\"Resurrections\",\"release_date\":\"2021-12-16\"},"
		"{\"id\":9,\"title\":\"Undated\",\"release_date\":\"\"},"
		"{\"id\":603,\"title\":\"The Matrix\",\"release_date\":\"1999-03-31\"},"
		"{\"id\":7,\"title\":\"Adult\",\"adult\":true,\"release_date\":\"2000-01-01\"},"
		"{\"title\":\"No id\"},"
		"{\"id\":604,\"title\":\"Reloaded\",\"release_date\":\"2003-05-15\"}]}");
	cJSON *parts = mq_movie_collection_parts(c);
	const int order[] = { 603, 604, 624860, 9 };
	ck_assert_int_eq(cJSON_GetArraySize(parts), 4);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq((int)num(cJSON_GetArrayItem(parts, i), "tmdb_id"), order[i]);
	cJSON_Delete(parts);
	cJSON_Delete(c);
}
END_TEST

/* age_limits from recorded release_dates: the strictest release per region the table knows. */
START_TEST(recorded_age_limits)
{
	cJSON *d = recording("movie_550__append_credits_keywords_release_dates__2025-05.json");
	cJSON *rd = recording("movie_47964_release_dates.json");
	if (!d || !rd) {
		fprintf(stderr, "movie:recorded_age_limits: skipped: ../shared absent\n");
		cJSON_Delete(d);
		cJSON_Delete(rd);
		return;
	}
	cJSON *limits = mq_movie_age_limits(d);
	static const struct { const char *region; int age; } fight_club[] = {
		{ "US", 17 }, { "GB", 18 } /* 18 and 15: the strictest */, { "DE", 18 }, { "FR", 18 } /* 16 and 18 */,
		{ "CA", 18 }, { "AU", 18 } /* "R 18+" */, { "NL", 16 }, { "ES", 18 }, { "IT", 14 }, { "BR", 18 },
	};
	for (size_t i = 0; i < sizeof fight_club / sizeof fight_club[0]; i++)
		ck_assert_msg((int)num(limits, fight_club[i].region) == fight_club[i].age, "550 %s", fight_club[i].region);
	ck_assert_ptr_null(get(limits, "KR")); /* not a region of the table */
	ck_assert_ptr_null(get(limits, "IR")); /* TMDB has none */
	cJSON_Delete(limits);
	/* a movie's own /release_dates, appended the same way */
	cJSON *wrapped = cJSON_CreateObject();
	cJSON_AddItemToObject(wrapped, "release_dates", rd);
	limits = mq_movie_age_limits(wrapped);
	ck_assert_int_eq((int)num(limits, "US"), 17); /* R */
	ck_assert_int_eq((int)num(limits, "GB"), 12); /* 12A */
	ck_assert_int_eq((int)num(limits, "AU"), 15); /* M */
	ck_assert_int_eq((int)num(limits, "CA"), 14); /* 14A */
	ck_assert_int_eq((int)num(limits, "DE"), 16);
	ck_assert_ptr_null(get(limits, "IT")); /* "" only */
	cJSON_Delete(limits);
	/* and on the document, with TMDB's adult flag */
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert(cJSON_IsFalse(get(m, "adult")));
	ck_assert_int_eq((int)num(get(m, "age_limits"), "US"), 17);
	cJSON_Delete(m);
	cJSON_ReplaceItemInObjectCaseSensitive(d, "adult", cJSON_CreateTrue());
	cJSON_DeleteItemFromObjectCaseSensitive(d, "release_dates");
	m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert(cJSON_IsTrue(get(m, "adult")));
	ck_assert_int_eq(cJSON_GetArraySize(get(m, "age_limits")), 0);
	cJSON_Delete(m);
	cJSON_Delete(wrapped);
	cJSON_Delete(d);
}
END_TEST

/* Adult titles stay in a page, marked: the audience rule decides who sees them. */
START_TEST(page_keeps_adult_titles_marked)
{
	cJSON *page = cJSON_Parse("{\"page\":1,\"results\":[{\"id\":1,\"title\":\"One\",\"adult\":true},"
				  "{\"id\":2,\"title\":\"Two\"}],\"total_results\":2}");
	long long p, total;
	cJSON *list = mq_movie_summaries_from_tmdb_page(page, &p, &total);
	ck_assert_int_eq(cJSON_GetArraySize(list), 2);
	ck_assert(cJSON_IsTrue(get(cJSON_GetArrayItem(list, 0), "adult")));
	ck_assert(cJSON_IsFalse(get(cJSON_GetArrayItem(list, 1), "adult")));
	cJSON_Delete(list);
	cJSON_Delete(page);
}
END_TEST

Suite *movie_suite(void)
{
	Suite *s = suite_create("movie");
	TCase *t = tcase_create("inline");
	tcase_add_test(t, summary_of_a_list_item);
	tcase_add_test(t, summary_read_tolerantly);
	tcase_add_loop_test(t, not_a_movie, 0, N_CASES(not_movies));
	tcase_add_test(t, summary_of_nothing);
	tcase_add_test(t, page_keeps_the_movies_in_order);
	tcase_add_loop_test(t, page_numbers_and_totals, 0, N_CASES(page_cases));
	tcase_add_test(t, page_of_nothing);
	tcase_add_test(t, document_of_details);
	tcase_add_test(t, document_of_sparse_details);
	tcase_add_test(t, search_fields_after_an_edit);
	tcase_add_test(t, search_keys_are_bounded);
	tcase_add_test(t, tmdb_languages);
	tcase_add_test(t, document_of_rich_details);
	tcase_add_test(t, document_without_rich_details);
	tcase_add_test(t, details_query);
	tcase_add_test(t, watch_providers_of_a_region);
	tcase_add_test(t, collection_parts_in_order);
	suite_add_tcase(s, t);
	TCase *rec = tcase_create("recordings");
	tcase_add_loop_test(rec, recorded_pages_map, 0, N_CASES(recorded_pages));
	tcase_add_test(rec, recorded_details_map);
	tcase_add_test(rec, recorded_rich_details_map);
	tcase_add_test(rec, recorded_age_limits);
	tcase_add_test(rec, page_keeps_adult_titles_marked);
	suite_add_tcase(s, rec);
	return s;
}
