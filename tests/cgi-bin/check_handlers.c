/* check_handlers.c — the workers' route tables driven through mq_worker_handle() in memory:
 * health and movies here, the other workers in check_handlers_<worker>.c (their suites are
 * declared in handlers.h and run from main() below), the shared helpers in handlers.c. */
#include "handlers.h"
#include "core/buf.h"
#include "core/l10n.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

START_TEST(health_overall)
{
	struct cgi c;
	run(&health_app, &c, "GET", "/api/v1/health", (const char *)NULL);
	ck_assert_int_eq(c.status, test_live ? 200 : 503);
	ck_assert_str_eq(header(&c, "Cache-Control"), "no-store");
	ck_assert_int_eq(header(&c, "ETag") != NULL, c.status == 200);
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "status", NULL), test_live ? "ok" : "unavailable");
	ck_assert_str_eq(str_at(j, "data", "database", "status"), test_live ? "up" : "down");
	ck_assert_str_eq(str_at(j, "data", "version", NULL), MQ_VERSION);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(data, "uptime_seconds")));
	ck_assert(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "memory"),
						    "rss_bytes")->valuedouble > 0);
	if (test_live)
		ck_assert_str_eq(str_at(j, "data", "database", "name"), test_cfg.db_name);
	cJSON_Delete(j);

	/* HEAD: the same status, no body */
	run(&health_app, &c, "HEAD", "/api/v1/health", (const char *)NULL);
	ck_assert_int_eq(c.status, test_live ? 200 : 503);
	ck_assert_int_eq(c.body_len, 0);
	ck_assert_ptr_nonnull(header(&c, "Content-Length"));
}
END_TEST

START_TEST(health_parts)
{
	struct cgi c;
	run(&health_app, &c, "GET", "/api/v1/health/database", (const char *)NULL);
	ck_assert_int_eq(c.status, test_live ? 200 : 503);
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "database", "status"), test_live ? "up" : "down");
	ck_assert_str_eq(str_at(j, "data", "status", NULL), test_live ? "ok" : "unavailable");
	cJSON_Delete(j);

	run(&health_app, &c, "GET", "/api/v1/health/tmdb", (const char *)NULL);
	ck_assert_int_eq(c.status, 503);
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "tmdb", "status"), "unconfigured");
	ck_assert_str_eq(str_at(j, "data", "tmdb", "credentials"), "none");
	ck_assert_str_eq(str_at(j, "data", "status", NULL), "unavailable");
	cJSON_Delete(j);

	run(&health_app, &c, "GET", "/api/v1/health/cache", (const char *)NULL);
	ck_assert_int_eq(c.status, test_live ? 200 : 503);
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "cache", "status"), test_live ? "up" : "down");
	cJSON_Delete(j);
}
END_TEST

START_TEST(health_errors)
{
	struct cgi c;
	run(&health_app, &c, "GET", "/api/v1/nope", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/nope");

	run(&health_app, &c, "POST", "/api/v1/health", "CONTENT_LENGTH", "2", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/health");
	ck_assert_str_eq(header(&c, "Allow"), "GET, HEAD, OPTIONS");

	run(&health_app, &c, "OPTIONS", "/api/v1/health/tmdb", (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	ck_assert_str_eq(header(&c, "Allow"), "GET, HEAD, OPTIONS");

	/* nginx's error locations land here */
	run(&health_app, &c, "GET", "/api/v1/movies", "MQ_ERROR_STATUS", "429", (const char *)NULL);
	assert_error_shape(&c, 429, "/api/v1/movies");
	ck_assert_str_eq(header(&c, "Retry-After"), "1");
	run(&health_app, &c, "GET", "/api/v1/movies", "MQ_ERROR_STATUS", "502", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/movies");
	run(&health_app, &c, "BREW", "/api/v1/health", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/health");
}
END_TEST

START_TEST(movies_home)
{
	struct cgi c;
	hc_templates();

	run(&movies_app, &c, "GET", "/", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	char *body = body_text(&c);
	ck_assert_ptr_nonnull(strstr(body, "<html"));
	ck_assert_ptr_nonnull(strstr(body, "dir=\"ltr\""));
	ck_assert_ptr_nonnull(strstr(body, ATTRIBUTION));
	ck_assert_ptr_nonnull(strstr(body, "tmdb-logo.svg"));
	free(body);

	/* Persian */
	run(&movies_app, &c, "GET", "/", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	body = body_text(&c);
	ck_assert_ptr_nonnull(strstr(body, "<html lang=\"fa\" dir=\"rtl\""));
	ck_assert_ptr_nonnull(strstr(body, "TMDB"));
	ck_assert_ptr_null(strstr(body, ATTRIBUTION));
	free(body);

	/* a bad bearer token is refused even on a public page; a bad cookie is not */
	run(&movies_app, &c, "GET", "/", "HTTP_AUTHORIZATION", "Bearer nope", (const char *)NULL);
	ck_assert_int_eq(c.status, 401);
	run(&movies_app, &c, "GET", "/", "HTTP_COOKIE", "mq_session=nope", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);

	/* an unknown page: the HTML error page */
	run(&movies_app, &c, "GET", "/no-such-page", (const char *)NULL);
	ck_assert_int_eq(c.status, 404);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

/* A Persian page writes every number a person reads in Persian digits, its dates in the Solar
 * Hijri calendar, and its problems in Persian; attributes, links and form values keep theirs. */
START_TEST(movies_pages_in_persian)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25];
	hc_templates();
	member_and_movie(&m, movie);
	run(&ratings_app, &c, "PUT", "/api/v1/movies/550/rating", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"rating\":8.5,\"review\":\"Twelve angry men.\"}", (const char *)NULL);
	ck_assert_int_lt(c.status, 300);

	char cookie[800];
	snprintf(cookie, sizeof cookie, "%s; mq_lang=fa", m.cookie);
	run(&movies_app, &c, "GET", "/movies/550", "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_msg(body_has(&c, "<span class=\"year\">(۱۹۹۹)</span>"), "the year in Persian digits");
	ck_assert_msg(body_has(&c, "<span class=\"current-rating\">۸٫۵</span>"), "the member's rating");
	ck_assert_msg(body_has(&c, "<strong>۸٫۵</strong>/۱۰ <span class=\"muted\">(۱ رأی اعضا)</span>"),
		      "the members' average and count");
	ck_assert_msg(body_has(&c, "<label for=\"star-7\" title=\"۷ از ۱۰\">"), "star labels, ids kept");
	ck_assert_msg(!body_has(&c, "/10"), "no Latin digits in what is read");

	run(&movies_app, &c, "GET", "/movies/550/reviews", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_msg(body_has(&c, "★ ۸٫۵/۱۰"), "the review's rating");
	mq_buf today = MQ_BUF_INIT; /* the review was written now: its day in the Solar Hijri calendar */
	mq_l10n_time(&today, "fa", (int64_t)time(NULL) * 1000, MQ_DATE_DAY, NULL);
	ck_assert_msg(body_has(&c, mq_buf_cstr(&today)), "the review's day, %s", mq_buf_cstr(&today));
	mq_buf_free(&today);
	ck_assert_msg(body_has(&c, "نقدهای \u2068Fight Club\u2069"), "the heading, the title set apart");

	run(&movies_app, &c, "GET", "/movies?year=19x9&minRating=11&limit=1", "HTTP_COOKIE", "mq_lang=fa",
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert(body_has(&c, "<p class=\"field-error\">عددی صحیح از ۱۸۷۰ تا ۲۱۰۰ وارد کنید.</p>"));
	ck_assert(body_has(&c, "<p class=\"field-error\">عددی از ۰ تا ۱۰ وارد کنید.</p>"));
	ck_assert(body_has(&c, "value=\"19x9\"")); /* the form keeps what was typed */
	ck_assert_msg(!body_has(&c, "must be"), "no English problem");

	run(&movies_app, &c, "GET", "/movies?page=0", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert(body_has(&c, "صفحه: عددی صحیح از ۱ تا ۵۰۰۰۰۰ وارد کنید."));
}
END_TEST

START_TEST(movies_without_templates)
{
	struct cgi c;
	run(&movies_app, &c, "GET", "/", (const char *)NULL);
	ck_assert_int_eq(c.status, 500);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

static Suite *handlers_suite(void)
{
	Suite *s = suite_create("handlers");
	TCase *health = tcase_create("health");
	TCase *others = tcase_create("movies");

	tcase_add_checked_fixture(health, hc_setup, hc_teardown);
	tcase_add_test(health, health_overall);
	tcase_add_test(health, health_parts);
	tcase_add_test(health, health_errors);
	tcase_set_timeout(health, 30);
	suite_add_tcase(s, health);

	tcase_add_checked_fixture(others, hc_setup, hc_teardown);
	tcase_add_test(others, movies_home);
	tcase_add_test(others, movies_pages_in_persian);
	tcase_add_test(others, movies_without_templates);
	tcase_set_timeout(others, 30);
	suite_add_tcase(s, others);
	return s;
}

int main(void)
{
	if (!getenv("MONGODB_URI") || !*getenv("MONGODB_URI"))
		fprintf(stderr, "check_handlers: MONGODB_URI unset: the database is NULL (health answers 503)\n");
	SRunner *runner = srunner_create(handlers_suite());
	srunner_add_suite(runner, handlers_auth_suite());
	srunner_add_suite(runner, handlers_users_suite());
	srunner_add_suite(runner, handlers_ratings_suite());
	srunner_add_suite(runner, handlers_watchlist_suite());
	srunner_add_suite(runner, handlers_genres_suite());
	srunner_add_suite(runner, handlers_people_suite());
	srunner_add_suite(runner, handlers_tmdb_suite());
	srunner_add_suite(runner, handlers_admin_suite());
	srunner_add_suite(runner, handlers_moviepage_suite());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
