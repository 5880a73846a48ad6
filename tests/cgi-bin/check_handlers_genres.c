/* check_handlers_genres.c — the genres worker in memory: the genre list, one genre, a genre's
 * movies, and the /genres and /genres/:id pages. TMDB is unreachable here: an empty genres
 * collection (which would be filled from TMDB) is a 503; otherwise the collection answers. */
#include "handlers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Drama (18), Action (28) and Science Fiction (878), with Persian names. */
static void three_genres(void)
{
	genre_insert(28, "action", "Action", "اکشن");
	genre_insert(18, "drama", "Drama", "درام");
	genre_insert(878, "science-fiction", "Science Fiction", "علمی-تخیلی");
}

START_TEST(genres_tmdb_down)
{
	NEED_DB();
	struct cgi c;
	/* nothing stored and TMDB unreachable: the documented error shape, 503 */
	run(&genres_app, &c, "GET", "/api/v1/genres", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/genres");
	run(&genres_app, &c, "GET", "/api/v1/genres/28", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/genres/28");
	run(&genres_app, &c, "GET", "/api/v1/genres/28/movies", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/genres/28/movies");
	/* bad input is still the client's, whatever TMDB does */
	run(&genres_app, &c, "GET", "/api/v1/genres?language=xx", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/genres", "language must be one of");
}
END_TEST

START_TEST(genres_list)
{
	NEED_DB();
	struct cgi c;
	three_genres();
	run(&genres_app, &c, "GET", "/api/v1/genres", (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_str_eq(header(&c, "Cache-Control"), "public, max-age=300");
	ck_assert_int_eq(cJSON_GetArraySize(data), 3);
	/* sorted by English name */
	const cJSON *first = cJSON_GetArrayItem(data, 0);
	ck_assert_int_eq((int)num_at(first, "id", NULL), 28);
	ck_assert_str_eq(str_at(first, "slug", NULL, NULL), "action");
	ck_assert_str_eq(str_at(first, "name", NULL, NULL), "Action");
	ck_assert_str_eq(str_at(first, "names", "en", NULL), "Action");
	ck_assert_str_eq(str_at(first, "names", "fa", NULL), "اکشن");
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data, 1), "slug", NULL, NULL), "drama");
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data, 2), "slug", NULL, NULL), "science-fiction");
	cJSON_Delete(j);

	run(&genres_app, &c, "GET", "/api/v1/genres?language=fa", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 1), "name", NULL, NULL), "درام");
	cJSON_Delete(j);

	/* public: a token sent along, even a bad one, is never read */
	run(&genres_app, &c, "GET", "/api/v1/genres", "HTTP_AUTHORIZATION", "Bearer nonsense", (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));

	run(&genres_app, &c, "GET", "/api/v1/genres?language=de&page=2", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/genres", "language must be one of", "unknown parameter 'page'",
			      (const char *)NULL);
	run(&genres_app, &c, "POST", "/api/v1/genres", "BODY", "{}", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/genres");
	ck_assert_str_eq(header(&c, "Allow"), "GET, HEAD, OPTIONS");
}
END_TEST

START_TEST(genres_one)
{
	NEED_DB();
	struct cgi c;
	three_genres();
	run(&genres_app, &c, "GET", "/api/v1/genres/878", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(data_of(j), "id", NULL), 878);
	ck_assert_str_eq(str_at(j, "data", "name", NULL), "Science Fiction");
	cJSON_Delete(j);
	run(&genres_app, &c, "GET", "/api/v1/genres/science-fiction?language=fa", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(data_of(j), "id", NULL), 878);
	ck_assert_str_eq(str_at(j, "data", "name", NULL), "علمی-تخیلی");
	cJSON_Delete(j);

	run(&genres_app, &c, "GET", "/api/v1/genres/99", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/genres/99");
	run(&genres_app, &c, "GET", "/api/v1/genres/westerns", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/genres/westerns");
	run(&genres_app, &c, "GET", "/api/v1/genres/Sci_Fi!", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/genres/Sci_Fi!", "id must be a TMDB genre id or a slug");
	run(&genres_app, &c, "GET", "/api/v1/genres/28?fields=name", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/genres/28", "unknown parameter 'fields'");
}
END_TEST

START_TEST(genres_movies)
{
	NEED_DB();
	struct cgi c;
	char a[25], b[25], d[25];
	three_genres();
	movie_insert(a, 550, "Fight Club", 1999, 18);
	movie_insert(b, 13, "Forrest Gump", 1994, 18);
	movie_insert(d, 603, "The Matrix", 1999, 878);

	run(&genres_app, &c, "GET", "/api/v1/genres/18/movies", (const char *)NULL);
	cJSON *j = assert_list(&c, 1, 20, 2);
	const cJSON *m;
	cJSON_ArrayForEach(m, data_of(j)) {
		ck_assert_int_eq((int)num_at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "genres"), 0), "id", NULL), 18);
		ck_assert(*str_at(m, "id", NULL, NULL));
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(m, "overviews"));
	}
	cJSON_Delete(j);

	/* by slug, with the filters of /movies */
	run(&genres_app, &c, "GET", "/api/v1/genres/drama/movies?year=1994&fields=title,year", (const char *)NULL);
	j = assert_list(&c, 1, 20, 1);
	const cJSON *only = cJSON_GetArrayItem(data_of(j), 0);
	ck_assert_str_eq(str_at(only, "title", NULL, NULL), "Forrest Gump");
	ck_assert_int_eq(cJSON_GetArraySize((cJSON *)only), 2);
	cJSON_Delete(j);
	run(&genres_app, &c, "GET", "/api/v1/genres/drama/movies?sort=title&limit=1&page=2", (const char *)NULL);
	j = assert_list(&c, 2, 1, 2);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "title", NULL, NULL), "Forrest Gump");
	cJSON_Delete(j);
	run(&genres_app, &c, "GET", "/api/v1/genres/action/movies", (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));

	run(&genres_app, &c, "GET", "/api/v1/genres/99/movies", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/genres/99/movies");
	run(&genres_app, &c, "GET", "/api/v1/genres/drama/movies?sort=best&limit=0&year=1066&fields=plot&genre=28",
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/genres/drama/movies", "sort must be one of",
			      "limit must be an integer from 1 to 100", "year must be an integer from 1870 to 2100", "plot",
			      "unknown parameter 'genre'", (const char *)NULL);
}
END_TEST

START_TEST(genres_pages)
{
	NEED_DB();
	struct cgi c;
	char a[25];
	hc_templates();
	three_genres();
	movie_insert(a, 603, "The Matrix", 1999, 878);

	run(&genres_app, &c, "GET", "/genres", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "<a href=\"/genres/science-fiction\">Science Fiction</a>"));
	ck_assert(body_has(&c, ATTRIBUTION));
	run(&genres_app, &c, "GET", "/genres", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "dir=\"rtl\""));
	ck_assert(body_has(&c, ">درام</a>"));

	run(&genres_app, &c, "GET", "/genres/science-fiction", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "The Matrix"));
	ck_assert(body_has(&c, "Science Fiction"));
	run(&genres_app, &c, "GET", "/genres/westerns", (const char *)NULL);
	ck_assert_int_eq(c.status, 404);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

Suite *handlers_genres_suite(void)
{
	Suite *s = suite_create("handlers-genres");
	TCase *tc = tcase_create("genres");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, genres_tmdb_down);
	tcase_add_test(tc, genres_list);
	tcase_add_test(tc, genres_one);
	tcase_add_test(tc, genres_movies);
	tcase_add_test(tc, genres_pages);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
