/* check_handlers_tmdb.c — the tmdb worker in memory: TMDB's popular list through the response
 * cache (TMDB itself is unreachable here: answers come from cache entries the tests insert), the
 * cache's statistics and (admins) its invalidation. */
#include "handlers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

/* One page of TMDB's /movie/popular with two movies, as TMDB sends it. */
#define POPULAR                                                                                              \
	"{\"page\":1,\"results\":["                                                                            \
	"{\"id\":550,\"title\":\"Fight Club\",\"original_title\":\"Fight Club\",\"original_language\":\"en\","   \
	"\"overview\":\"Rules.\",\"release_date\":\"1999-10-15\",\"poster_path\":\"/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg\"," \
	"\"backdrop_path\":null,\"vote_average\":8.4,\"vote_count\":30000,\"popularity\":61.4,\"genre_ids\":[18]}," \
	"{\"id\":13,\"title\":\"Forrest Gump\",\"original_title\":\"Forrest Gump\",\"original_language\":\"en\","  \
	"\"overview\":\"Run.\",\"release_date\":\"1994-06-23\",\"poster_path\":null,\"backdrop_path\":null,"      \
	"\"vote_average\":8.5,\"vote_count\":27000,\"popularity\":50.2,\"genre_ids\":[35,18]}],"                  \
	"\"total_pages\":1,\"total_results\":2}"

START_TEST(tmdb_popular_unavailable)
{
	NEED_DB();
	struct cgi c;
	/* nothing cached and TMDB unreachable: 503 in the error shape */
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/tmdb/movies/popular");
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "message", NULL, NULL), "TMDB is unavailable and nothing is cached for this page");
	cJSON_Delete(j);
	ck_assert_ptr_null(header(&c, "X-Cache"));
}
END_TEST

START_TEST(tmdb_popular_invalid)
{
	struct cgi c;
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular?page=0&language=fa", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/tmdb/movies/popular", "page must be an integer from 1 to 500",
			      "language must be one of: en-US, fa-IR", (const char *)NULL);
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular?page=501&limit=5", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/tmdb/movies/popular", "page must be an integer",
			      "unknown parameter 'limit'", (const char *)NULL);
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular?page=%ZZ", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/tmdb/movies/popular", "percent-encoded");
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/tmdb/movies");
	run(&tmdb_app, &c, "POST", "/api/v1/tmdb/movies/popular", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/tmdb/movies/popular");
}
END_TEST

START_TEST(tmdb_popular_cached)
{
	NEED_DB();
	struct cgi c;
	tmdb_cache_insert("/movie/popular?language=en-US&page=1", POPULAR, 3600);

	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular", (const char *)NULL);
	cJSON *j = assert_list(&c, 1, 20, 2);
	ck_assert_str_eq(header(&c, "X-Cache"), "HIT");
	ck_assert_ptr_null(header(&c, "Warning"));
	cJSON *data = data_of(j);
	ck_assert_int_eq(cJSON_GetArraySize(data), 2);
	const cJSON *first = cJSON_GetArrayItem(data, 0);
	ck_assert_int_eq((int)num_at(first, "tmdb_id", NULL), 550);
	ck_assert_str_eq(str_at(first, "title", NULL, NULL), "Fight Club");
	ck_assert_str_eq(str_at(first, "release_date", NULL, NULL), "1999-10-15");
	ck_assert_int_eq((int)num_at(first, "year", NULL), 1999);
	/* image URLs from TMDB's defaults (its /configuration is not cached either) */
	ck_assert_ptr_nonnull(strstr(str_at(first, "poster_url", NULL, NULL), "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"));
	cJSON_Delete(j);

	/* an expired entry is served, marked stale, when TMDB fails */
	tmdb_cache_insert("/movie/popular?language=fa-IR&page=2", POPULAR, -60);
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular?page=2&language=fa-IR", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "X-Cache"), "STALE");
	ck_assert_str_eq(header(&c, "Warning"), "110 - \"Response is Stale\"");
	j = json_of(&c);
	ck_assert_int_eq(cJSON_GetArraySize(data_of(j)), 2);
	cJSON_Delete(j);

	/* another page of the same list is not cached: 503 */
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular?page=3", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/tmdb/movies/popular");

	/* the statistics count all of it */
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/cache/stats", (const char *)NULL);
	j = assert_data(&c, 200);
	data = data_of(j);
	ck_assert_str_eq(header(&c, "Cache-Control"), "no-store");
	ck_assert_int_eq((int)num_at(data, "entries", NULL), 2);
	ck_assert_int_eq((int)num_at(data, "expired", NULL), 1);
	ck_assert_int_eq((int)num_at(data, "hits", NULL), 1);
	ck_assert_int_eq((int)num_at(data, "misses", NULL), 2);
	ck_assert_int_eq((int)num_at(data, "stale_served", NULL), 1);
	ck_assert(num_at(data, "hit_ratio", NULL) > 0.33 && num_at(data, "hit_ratio", NULL) < 0.34);
	ck_assert(*str_at(data, "oldest_fetched_at", NULL, NULL));
	const cJSON *movie = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "by_endpoint"), "movie");
	ck_assert_int_eq((int)num_at(movie, "entries", NULL), 2);
	cJSON_Delete(j);
}
END_TEST

START_TEST(tmdb_stats_empty)
{
	NEED_DB();
	struct cgi c;
	/* public: a bad token sent along is never read */
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/cache/stats", "HTTP_AUTHORIZATION", "Bearer junk", (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_int_eq((int)num_at(data, "entries", NULL), 0);
	ck_assert(num_at(data, "hit_ratio", NULL) == 0);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "oldest_fetched_at")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "by_endpoint")), 0);
	cJSON_Delete(j);
}
END_TEST

START_TEST(tmdb_invalidate)
{
	NEED_DB();
	struct cgi c;
	struct member m, admin;
	member_new(&m, "user");
	member_new(&admin, "admin");
	tmdb_cache_insert("/movie/popular?language=en-US&page=1", POPULAR, 3600);
	tmdb_cache_insert("/movie/popular?language=en-US&page=2", POPULAR, 3600);
	tmdb_cache_insert("/trending/movie/week?language=en-US&page=1", POPULAR, 3600);

	/* admins only */
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/tmdb/cache");
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 403, "/api/v1/tmdb/cache");
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	assert_error_shape(&c, 403, "/api/v1/tmdb/cache"); /* a browser session without its CSRF token */
	/* a token still saying admin for a member who is not one (demoted since): the database's
	 * role decides */
	struct member demoted;
	member_issue(&demoted, m.id, "admin");
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache", "HTTP_AUTHORIZATION", demoted.auth, (const char *)NULL);
	assert_error_shape(&c, 403, "/api/v1/tmdb/cache");
	ck_assert_int_eq(db_count("tmdb_cache", bson_new()), 3);

	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache?prefix=movie", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/tmdb/cache", "prefix must be a TMDB path");
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache?prefix=/movie&all=1", "HTTP_AUTHORIZATION", admin.auth,
	    (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/tmdb/cache", "unknown parameter 'all'");

	/* by prefix, then everything; each audited */
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache?prefix=/movie/popular", "HTTP_AUTHORIZATION", admin.auth,
	    (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(data_of(j), "removed", NULL), 2);
	cJSON_Delete(j);
	run(&tmdb_app, &c, "GET", "/api/v1/tmdb/movies/popular", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/tmdb/movies/popular");
	run(&tmdb_app, &c, "DELETE", "/api/v1/tmdb/cache", "HTTP_COOKIE", admin.cookie, "HTTP_X_CSRF_TOKEN", admin.csrf,
	    (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(data_of(j), "removed", NULL), 1);
	cJSON_Delete(j);
	ck_assert_int_eq(db_count("tmdb_cache", bson_new()), 0);
	ck_assert_int_eq(db_count("audit_log", BCON_NEW("action", BCON_UTF8("cache.invalidate"))), 2);
}
END_TEST

Suite *handlers_tmdb_suite(void)
{
	Suite *s = suite_create("handlers-tmdb");
	TCase *tc = tcase_create("tmdb");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, tmdb_popular_unavailable);
	tcase_add_test(tc, tmdb_popular_invalid);
	tcase_add_test(tc, tmdb_popular_cached);
	tcase_add_test(tc, tmdb_stats_empty);
	tcase_add_test(tc, tmdb_invalidate);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
