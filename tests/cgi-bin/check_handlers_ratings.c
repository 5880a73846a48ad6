/* check_handlers_ratings.c — the ratings worker in memory: /api/v1/ratings, a movie's ratings
 * and the seed designs' forms (/movies/:id/rating, /movies/:id/reviews, /users/:id/reviews). */
#include "handlers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rates movie (any ref, a JSON value) as m through POST /api/v1/ratings; the rating's id into id. */
static void rate(const struct member *m, const char *movie, const char *rating, char id[25])
{
	char body[256];
	snprintf(body, sizeof body, "{\"movie_id\":%s,\"rating\":%s}", movie, rating);
	create_as(&ratings_app, "/api/v1/ratings", m, body, id);
}

START_TEST(ratings_create)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25], other[25], third[25], id[25];
	member_and_movie(&m, movie);
	movie_insert(other, 13, "Forrest Gump", 1994, 18);
	movie_insert(third, 680, "Pulp Fiction", 1994, 80);

	/* by TMDB id as a number */
	run(&ratings_app, &c, "POST", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550,\"rating\":8.5,\"review\":\"Rules one and two.\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 201), *data = data_of(j);
	ck_assert_str_eq(header(&c, "Cache-Control"), "no-store");
	ck_assert_int_eq(strlen(str_at(data, "id", NULL, NULL)), 24);
	ck_assert_str_eq(str_at(data, "user_id", NULL, NULL), m.id);
	ck_assert_str_eq(str_at(data, "movie_id", NULL, NULL), movie);
	ck_assert(num_at(data, "rating", NULL) == 8.5);
	ck_assert_str_eq(str_at(data, "review", NULL, NULL), "Rules one and two.");
	ck_assert(*str_at(data, "created_at", NULL, NULL));
	ck_assert(*str_at(data, "updated_at", NULL, NULL));
	cJSON_Delete(j);

	/* the same movie again, by slug: 409 */
	post_refused(&ratings_app, "/api/v1/ratings", &m, "{\"movie_id\":\"fight-club-1999\",\"rating\":3}", 409);

	/* by slug and by ObjectId; no review is null */
	rate(&m, "\"forrest-gump-1994\"", "10", id);
	char body[128];
	snprintf(body, sizeof body, "{\"movie_id\":\"%s\",\"rating\":1}", third);
	run(&ratings_app, &c, "POST", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, "BODY", body, (const char *)NULL);
	j = assert_data(&c, 201);
	ck_assert_str_eq(str_at(j, "data", "movie_id", NULL), third);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "review")));
	cJSON_Delete(j);

	/* mine, newest first */
	run(&ratings_app, &c, "GET", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 3);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "movie_id", NULL, NULL), third);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 2), "movie_id", NULL, NULL), movie);
	cJSON_Delete(j);
	run(&ratings_app, &c, "GET", "/api/v1/ratings?page=2&limit=2", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 2, 2, 3));
}
END_TEST

START_TEST(ratings_create_invalid)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25];
	member_and_movie(&m, movie);

	static const struct bad_body bad[] = {
		{ "{\"movie_id\":550,\"rating\":11}", "rating must be a number from 1 to 10" },
		{ "{\"movie_id\":550,\"rating\":0}", "rating must be a number from 1 to 10" },
		{ "{\"movie_id\":550,\"rating\":7.3}", "steps of 0.5" },
		{ "{\"movie_id\":550,\"rating\":\"8\"}", "rating must be a number" },
		{ "{\"movie_id\":550}", "rating is required" },
		{ "{\"rating\":8}", "movie_id is required" },
		{ "{\"movie_id\":550,\"rating\":8,\"stars\":4}", "unknown field 'stars'" },
		{ "{\"movie_id\":550,\"rating\":8,\"review\":7}", "review must be a string" },
		{ "{\"movie_id\":\"Not A Ref!\",\"rating\":8}", "movie_id must be a TMDB id" },
		{ "{\"movie_id\":-5,\"rating\":8}", "movie_id must be a string" },
	};
	post_bad_bodies(&ratings_app, "/api/v1/ratings", &m, bad, sizeof bad / sizeof bad[0]);
	/* a review of 2001 characters */
	char *body = malloc(2200);
	ck_assert_ptr_nonnull(body);
	int n = snprintf(body, 2200, "{\"movie_id\":550,\"rating\":8,\"review\":\"");
	memset(body + n, 'a', 2001);
	snprintf(body + n + 2001, 2200 - (size_t)n - 2001, "\"}");
	run(&ratings_app, &c, "POST", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, "BODY", body, (const char *)NULL);
	free(body);
	assert_error_mentions(&c, 400, "/api/v1/ratings", "review must be at most 2000 characters");

	run(&ratings_app, &c, "POST", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, "BODY", "rating=8", "CONTENT_TYPE",
	    "application/x-www-form-urlencoded", (const char *)NULL);
	assert_error_shape(&c, 415, "/api/v1/ratings");

	/* movies nobody has: an ObjectId, a slug; a TMDB id the catalogue lacks cannot be fetched
	 * without a TMDB credential */
	post_refused(&ratings_app, "/api/v1/ratings", &m,
		     "{\"movie_id\":\"0123456789abcdef01234567\",\"rating\":8}", 404);
	post_refused(&ratings_app, "/api/v1/ratings", &m, "{\"movie_id\":\"no-such-movie-2001\",\"rating\":8}", 404);
	post_refused(&ratings_app, "/api/v1/ratings", &m, "{\"movie_id\":99999,\"rating\":8}", 404);

	/* nothing was stored */
	run(&ratings_app, &c, "GET", "/api/v1/ratings", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));
	run(&ratings_app, &c, "GET", "/api/v1/ratings?page=0&limit=101&sort=new", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/ratings", "page must be an integer",
			      "limit must be an integer from 1 to 100", "unknown parameter 'sort'", (const char *)NULL);
}
END_TEST

START_TEST(ratings_unauthenticated)
{
	struct cgi c;
	run(&ratings_app, &c, "POST", "/api/v1/ratings", "BODY", "{\"movie_id\":550,\"rating\":8}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/ratings");
	ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer");
	run(&ratings_app, &c, "GET", "/api/v1/ratings", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/ratings");
	run(&ratings_app, &c, "GET", "/api/v1/ratings/0123456789abcdef01234567", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/ratings/0123456789abcdef01234567");
	run(&ratings_app, &c, "DELETE", "/api/v1/ratings/0123456789abcdef01234567", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/ratings/0123456789abcdef01234567");
	run(&ratings_app, &c, "POST", "/api/v1/movies/550/rating", "BODY", "{\"rating\":8}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/movies/550/rating");
	run(&ratings_app, &c, "GET", "/api/v1/users/me/reviews", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me/reviews");
	run(&ratings_app, &c, "GET", "/api/v1/ratings", "HTTP_AUTHORIZATION", "Bearer x.y.z", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/ratings");
	run(&ratings_app, &c, "PUT", "/api/v1/ratings", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/ratings");
	ck_assert_str_eq(header(&c, "Allow"), "GET, HEAD, POST, OPTIONS");
	run(&ratings_app, &c, "GET", "/api/v1/rating", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/rating");
}
END_TEST

START_TEST(ratings_one)
{
	NEED_DB();
	struct cgi c;
	struct member m, other;
	char movie[25], id[25], path[64];
	member_new(&m, "user");
	member_and_movie(&other, movie);
	create_as(&ratings_app, "/api/v1/ratings", &m, "{\"movie_id\":550,\"rating\":8,\"review\":\"Good.\"}", id);
	snprintf(path, sizeof path, "/api/v1/ratings/%s", id);

	run(&ratings_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "id", NULL), id);
	ck_assert_str_eq(str_at(j, "data", "review", NULL), "Good.");
	cJSON_Delete(j);
	/* anyone else's is as if it did not exist */
	run(&ratings_app, &c, "GET", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&ratings_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", other.auth, "BODY", "{\"rating\":1}", (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&ratings_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&ratings_app, &c, "GET", "/api/v1/ratings/nonsense", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/ratings/nonsense");

	/* change the rating, then remove the review with null */
	run(&ratings_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"rating\":6.5}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(num_at(data_of(j), "rating", NULL) == 6.5);
	ck_assert_str_eq(str_at(j, "data", "review", NULL), "Good.");
	cJSON_Delete(j);
	run(&ratings_app, &c, "PUT", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"review\":null}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "review")));
	ck_assert(num_at(data_of(j), "rating", NULL) == 6.5);
	cJSON_Delete(j);

	run(&ratings_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{}", (const char *)NULL);
	assert_error_mentions(&c, 400, path, "send rating, review or both");
	run(&ratings_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"rating\":10.5,\"movie_id\":1}",
	    (const char *)NULL);
	assert_errors_mention(&c, 400, path, "rating must be a number from 1 to 10", "unknown field 'movie_id'",
			      (const char *)NULL);
	run(&ratings_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"rating\":2.25}", (const char *)NULL);
	assert_error_mentions(&c, 400, path, "steps of 0.5");

	/* a browser session needs its CSRF token to change anything */
	run(&ratings_app, &c, "DELETE", path, "HTTP_COOKIE", m.cookie, (const char *)NULL);
	assert_error_shape(&c, 403, path);
	run(&ratings_app, &c, "DELETE", path, "HTTP_COOKIE", m.cookie, "HTTP_X_CSRF_TOKEN", m.csrf, (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	ck_assert_int_eq(c.body_len, 0);
	run(&ratings_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&ratings_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	/* the movie's tally follows */
	run(&ratings_app, &c, "GET", "/api/v1/movies/550/rating", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(data_of(j), "rating_count", NULL), 0);
	ck_assert(num_at(data_of(j), "average_rating", NULL) == 0);
	cJSON_Delete(j);
}
END_TEST

START_TEST(ratings_of_movie)
{
	NEED_DB();
	struct cgi c;
	struct member a, b;
	char movie[25], id[25], path[96];
	member_new(&a, "user");
	member_and_movie(&b, movie);
	rate(&a, "550", "8", id);
	rate(&b, "\"fight-club-1999\"", "6", id);

	/* public: anyone reads a movie's ratings, with the reviewers */
	static const char *const paths[] = { "/api/v1/ratings/movie/550", "/api/v1/ratings/movie/fight-club-1999",
					     "/api/v1/movies/550/reviews" };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		run(&ratings_app, &c, "GET", paths[i], (const char *)NULL);
		cJSON *j = assert_list(&c, 1, 20, 2);
		const cJSON *first = cJSON_GetArrayItem(data_of(j), 0);
		ck_assert_str_eq(str_at(first, "user", "id", NULL), b.id); /* newest first */
		ck_assert_str_eq(str_at(first, "user", "username", NULL), b.username);
		ck_assert_str_eq(str_at(first, "movie_id", NULL, NULL), movie);
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(first, "user"), "email"));
		cJSON_Delete(j);
	}
	snprintf(path, sizeof path, "/api/v1/ratings/movie/%s?limit=1", movie);
	run(&ratings_app, &c, "GET", path, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 1, 2));

	run(&ratings_app, &c, "GET", "/api/v1/ratings/movie/0123456789abcdef01234567", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/ratings/movie/0123456789abcdef01234567");
	run(&ratings_app, &c, "GET", "/api/v1/ratings/movie/bad_ref!", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/ratings/movie/bad_ref!", "id must be a TMDB id");
	run(&ratings_app, &c, "GET", "/api/v1/movies/550/reviews?limit=x", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/movies/550/reviews", "limit must be an integer");

	/* the average and count, and the caller's own rating */
	run(&ratings_app, &c, "GET", "/api/v1/movies/550/rating", (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_str_eq(str_at(data, "movie_id", NULL, NULL), movie);
	ck_assert(num_at(data, "average_rating", NULL) == 7);
	ck_assert_int_eq((int)num_at(data, "rating_count", NULL), 2);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "my_rating")));
	cJSON_Delete(j);
	run(&ratings_app, &c, "GET", "/api/v1/movies/fight-club-1999/rating", "HTTP_AUTHORIZATION", a.auth,
	    (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(num_at(cJSON_GetObjectItemCaseSensitive(data_of(j), "my_rating"), "rating", NULL) == 8);
	cJSON_Delete(j);
	run(&ratings_app, &c, "GET", "/api/v1/movies/424242/rating", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/movies/424242/rating");
}
END_TEST

START_TEST(ratings_movie_forms)
{
	NEED_DB();
	struct cgi c;
	struct member m, other, admin;
	char movie[25], path[96];
	member_new(&m, "user");
	member_new(&other, "user");
	member_new(&admin, "admin");
	movie_insert(movie, 550, "Fight Club", 1999, 18);

	/* rate: created (201), then changed (200) */
	run(&ratings_app, &c, "POST", "/api/v1/movies/550/rating", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":9,\"review\":\"Yes.\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 201);
	ck_assert_str_eq(str_at(j, "data", "movie_id", NULL), movie);
	cJSON_Delete(j);
	run(&ratings_app, &c, "PUT", "/api/v1/movies/fight-club-1999/rating", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":7}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(num_at(data_of(j), "rating", NULL) == 7);
	ck_assert_str_eq(str_at(j, "data", "review", NULL), "Yes."); /* review kept when not sent */
	cJSON_Delete(j);
	/* on an existing rating null keeps the review (MovieRatingRequest), "" removes it */
	run(&ratings_app, &c, "POST", "/api/v1/movies/550/reviews", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":6,\"review\":null}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "review", NULL), "Yes.");
	cJSON_Delete(j);
	run(&ratings_app, &c, "POST", "/api/v1/movies/550/reviews", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":5,\"review\":\"\"}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "review")));
	cJSON_Delete(j);

	run(&ratings_app, &c, "POST", "/api/v1/movies/550/rating", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":5,\"movie_id\":550}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/movies/550/rating", "unknown field 'movie_id'");
	run(&ratings_app, &c, "POST", "/api/v1/movies/550/rating", "HTTP_AUTHORIZATION", m.auth, "BODY", "{}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/movies/550/rating", "rating is required");
	run(&ratings_app, &c, "POST", "/api/v1/movies/777777/rating", "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"rating\":5}",
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/movies/777777/rating");

	/* a user's reviews: themselves ("me" too) or an admin; anyone else 404 */
	run(&ratings_app, &c, "GET", "/api/v1/users/me/reviews", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 1);
	ck_assert(num_at(cJSON_GetArrayItem(data_of(j), 0), "rating", NULL) == 5);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/v1/users/%s/reviews", m.id);
	run(&ratings_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 1));
	run(&ratings_app, &c, "GET", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&ratings_app, &c, "GET", "/api/v1/users/someone/reviews", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/someone/reviews");
}
END_TEST

Suite *handlers_ratings_suite(void)
{
	Suite *s = suite_create("handlers-ratings");
	TCase *tc = tcase_create("ratings");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, ratings_create);
	tcase_add_test(tc, ratings_create_invalid);
	tcase_add_test(tc, ratings_unauthenticated);
	tcase_add_test(tc, ratings_one);
	tcase_add_test(tc, ratings_of_movie);
	tcase_add_test(tc, ratings_movie_forms);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
