/* check_handlers_moviepage.c — the movie page's details in memory (issue 20, richer movie pages):
 * a movie stored from TMDB-shaped details, its collection and watch providers in the TMDB
 * response cache (TMDB itself is unreachable here), the page and the API endpoints that show them,
 * and what happens when nothing is cached: the page without those sections, the API's 503. */
#include "handlers.h"
#include "../lib/suites.h"

#include "core/clock.h"
#include "domain/catalog.h"
#include "tmdb/movie.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include <bson/bson.h>

/* The Matrix as TMDB's details (the sections the sync appends), trimmed. */
#define MATRIX                                                                                               \
	"{\"id\":603,\"title\":\"The Matrix\",\"original_title\":\"The Matrix\",\"original_language\":\"en\","     \
	"\"tagline\":\"Welcome to the Real World.\",\"release_date\":\"1999-03-31\",\"runtime\":136,"               \
	"\"backdrop_path\":\"/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg\",\"poster_path\":\"/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg\"," \
	"\"belongs_to_collection\":{\"id\":2344,\"name\":\"The Matrix Collection\"},"                             \
	"\"production_countries\":[{\"iso_3166_1\":\"US\"},{\"iso_3166_1\":\"AU\"}],"                               \
	"\"spoken_languages\":[{\"iso_639_1\":\"en\"}],"                                                          \
	"\"credits\":{\"cast\":[{\"id\":6384,\"name\":\"Keanu Reeves\",\"character\":\"Neo\",\"order\":0}],"        \
	"\"crew\":[{\"id\":9340,\"name\":\"Lana Wachowski\",\"job\":\"Director\"},"                                 \
	"{\"id\":9340,\"name\":\"Lana Wachowski\",\"job\":\"Screenplay\"},"                                         \
	"{\"id\":4949,\"name\":\"Don Davis\",\"job\":\"Original Music Composer\"}]},"                               \
	"\"release_dates\":{\"results\":[{\"iso_3166_1\":\"US\",\"release_dates\":[{\"certification\":\"R\",\"type\":3}]}," \
	"{\"iso_3166_1\":\"GB\",\"release_dates\":[{\"certification\":\"15\",\"type\":3}]}]},"                       \
	"\"videos\":{\"results\":[{\"iso_639_1\":\"en\",\"key\":\"vKQi3bBA1y8\",\"name\":\"Official Trailer\","       \
	"\"site\":\"YouTube\",\"type\":\"Trailer\",\"official\":true}]}}"

#define PROVIDERS                                                                                            \
	"{\"id\":603,\"results\":{\"US\":{\"link\":\"https://www.themoviedb.org/movie/603/watch?locale=US\","         \
	"\"flatrate\":[{\"display_priority\":0,\"logo_path\":\"/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg\","                 \
	"\"provider_id\":8,\"provider_name\":\"Netflix\"}]}}}"

#define COLLECTION                                                                                           \
	"{\"id\":2344,\"name\":\"The Matrix Collection\",\"overview\":\"\",\"parts\":["                               \
	"{\"id\":603,\"title\":\"The Matrix\",\"release_date\":\"1999-03-31\"},"                                   \
	"{\"id\":604,\"title\":\"The Matrix Reloaded\",\"release_date\":\"2003-05-15\",\"poster_path\":\"/r.jpg\"}]}"

static void matrix_insert(void)
{
	cJSON *details = cJSON_Parse(MATRIX);
	ck_assert_ptr_nonnull(details);
	cJSON *doc = mq_movie_doc_from_tmdb(details, &test_cfg);
	ck_assert_ptr_nonnull(doc);
	test_db_insert(test_ctx.db, "movies", mq_catalog_new_movie(doc, "the-matrix-1999", "tmdb", mq_clock_ms()));
	cJSON_Delete(doc);
	cJSON_Delete(details);
}

START_TEST(movie_page_sections)
{
	NEED_DB();
	struct cgi c;
	hc_templates();
	matrix_insert();
	tmdb_cache_insert("/movie/603/watch/providers", PROVIDERS, 3600);
	tmdb_cache_insert("/collection/2344?language=en-US", COLLECTION, 3600);

	run(&movies_app, &c, "GET", "/movies/603", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "<p class=\"tagline\" dir=\"auto\">Welcome to the Real World.</p>"));
	ck_assert(body_has(&c, "href=\"/people/4949\"><bdi>Don Davis</bdi>"));
	ck_assert(body_has(&c, "href=\"/people/6384\"><bdi>Keanu Reeves</bdi>"));
	ck_assert(body_has(&c, "(screenplay)"));
	ck_assert(body_has(&c, "United States, Australia"));
	ck_assert(body_has(&c, "title=\"Rating in United States\""));
	ck_assert(body_has(&c, "href=\"https://www.youtube.com/watch?v&#61;vKQi3bBA1y8\""));
	ck_assert(!body_has(&c, "<iframe"));
	ck_assert(body_has(&c, "Where to watch in United States"));
	ck_assert(body_has(&c, "<img src=\"/img/w92/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg\""));
	ck_assert(body_has(&c, "Data provided by <a href=\"https://www.justwatch.com/\""));
	ck_assert(body_has(&c, "The Matrix Reloaded"));
	ck_assert(body_has(&c, "href=\"/movies/604\""));

	/* Great Britain's certification; no offers cached for it: no section */
	run(&movies_app, &c, "GET", "/movies/603", "HTTP_COOKIE", "mq_region=GB", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, ">15</abbr>"));
	ck_assert(!body_has(&c, "class=\"watch\""));

	run(&movies_app, &c, "GET", "/api/v1/movies/603/watch-providers?region=US", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "attribution", NULL), "JustWatch");
	ck_assert_str_eq(str_at(j, "data", "region", NULL), "US");
	cJSON_Delete(j);
	run(&movies_app, &c, "GET", "/api/v1/movies/603/collection", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "name", NULL), "The Matrix Collection");
	cJSON_Delete(j);
}
END_TEST

/* TMDB unreachable and nothing cached: the page without where to watch and the collection, the
 * API's 503 in the error shape; refused input is a 400 before anything is fetched. */
START_TEST(movie_page_without_tmdb)
{
	NEED_DB();
	struct cgi c;
	hc_templates();
	matrix_insert();
	run(&movies_app, &c, "GET", "/movies/603", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "class=\"trailer\""));
	ck_assert(!body_has(&c, "class=\"watch\""));
	ck_assert(!body_has(&c, "class=\"collection\""));
	ck_assert(body_has(&c, "ایالات متحده، استرالیا"));
	run(&movies_app, &c, "GET", "/api/v1/movies/603/watch-providers", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/movies/603/watch-providers");
	run(&movies_app, &c, "GET", "/api/v1/movies/603/watch-providers?region=gb", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/movies/603/watch-providers", "region must be two capital letters",
			      (const char *)NULL);
	run(&movies_app, &c, "GET", "/api/v1/movies/603/collection?language=xx", (const char *)NULL);
	assert_error_shape(&c, 400, "/api/v1/movies/603/collection");
}
END_TEST

Suite *handlers_moviepage_suite(void)
{
	Suite *s = suite_create("handlers_moviepage");
	TCase *tc = tcase_create("moviepage");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, movie_page_sections);
	tcase_add_test(tc, movie_page_without_tmdb);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
