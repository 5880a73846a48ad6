/* check_handlers_people.c — the people worker in memory: a stored person by TMDB id and slug (the
 * API and the page, with its redirect to the slug and its Persian), a person neither stored nor
 * fetchable (no TMDB here: 404), malformed refs, and /api/v1/search's movies and people. */
#include "handlers.h"
#include "../lib/suites.h"

#include "domain/people.h"
#include "store/db.h"
#include "tmdb/person.h"

#include <check.h>
#include <string.h>

/* Brad Pitt (287) as the people collection stores him, credited in Fight Club (550). */
static void brad_pitt(void)
{
	cJSON *d = cJSON_Parse("{\"id\":287,\"name\":\"Brad Pitt\",\"birthday\":\"1963-12-18\",\"place_of_birth\":\"Shawnee\","
			       "\"known_for_department\":\"Acting\",\"profile_path\":\"/abc.jpg\",\"popularity\":9,"
			       "\"biography\":\"An actor.\",\"movie_credits\":{\"cast\":[{\"id\":550,\"title\":\"Fight Club\","
			       "\"release_date\":\"1999-10-15\",\"character\":\"Tyler Durden\"}],\"crew\":[]},"
			       "\"translations\":{\"translations\":[{\"iso_639_1\":\"fa\",\"data\":{\"biography\":\"بازیگر.\",\"name\":\"برد پیت\"}}]}}");
	cJSON *doc = mq_person_doc_from_tmdb(d);
	bson_t *b = bson_new(), *fields = mq_db_bson_from_json(doc);
	bson_oid_t oid;
	mq_people_oid(287, &oid);
	BSON_APPEND_OID(b, "_id", &oid); /* where the people collection keeps them */
	bson_concat(b, fields);
	bson_destroy(fields);
	BSON_APPEND_UTF8(b, "slug", "brad-pitt-287");
	test_db_insert(test_ctx.db, "people", b);
	cJSON_Delete(doc);
	cJSON_Delete(d);
}

START_TEST(person_api)
{
	NEED_DB();
	struct cgi c;
	char fc[25];
	movie_insert(fc, 550, "Fight Club", 1999, 18);
	brad_pitt();
	run(&people_app, &c, "GET", "/api/v1/people/287", (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *p = data_of(j);
	ck_assert_str_eq(header(&c, "X-Catalog"), "STORED");
	ck_assert_str_eq(str_at(p, "name", NULL, NULL), "Brad Pitt");
	ck_assert_str_eq(str_at(p, "slug", NULL, NULL), "brad-pitt-287");
	ck_assert_str_eq(str_at(p, "profile_url", NULL, NULL), "/img/w185/abc.jpg");
	const cJSON *fight_club = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "acting"), 0);
	ck_assert_str_eq(str_at(fight_club, "id", NULL, NULL), fc);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fight_club, "in_catalog")));
	cJSON_Delete(j);
	run(&people_app, &c, "GET", "/api/v1/people/brad-pitt-287?language=fa", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(data_of(j), "name", NULL, NULL), "برد پیت");
	ck_assert_str_eq(str_at(data_of(j), "biography", NULL, NULL), "بازیگر.");
	cJSON_Delete(j);
	/* not stored and no TMDB to ask */
	run(&people_app, &c, "GET", "/api/v1/people/288", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/people/288");
	ck_assert(body_has(&c, "\"message\":\"No such person\""));
	run(&people_app, &c, "GET", "/api/v1/people/brad-pitt", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/people/brad-pitt", "id must be a TMDB person id");
	run(&people_app, &c, "GET", "/api/v1/people/287?language=xx", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/people/287", "language must be one of");
	run(&people_app, &c, "DELETE", "/api/v1/people/287", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/people/287");
}
END_TEST

START_TEST(person_page)
{
	NEED_DB();
	struct cgi c;
	char fc[25];
	hc_templates();
	movie_insert(fc, 550, "Fight Club", 1999, 18);
	brad_pitt();
	run(&people_app, &c, "GET", "/people/287", (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/people/brad-pitt-287");
	run(&people_app, &c, "GET", "/people/brad-pitt-287", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "<h1 id=\"person-name\"><bdi>Brad Pitt</bdi></h1>"));
	ck_assert(body_has(&c, "href=\"/movies/fight-club-1999\""));
	ck_assert(body_has(&c, "<time datetime=\"1963-12-18\">18 December 1963</time>"));
	ck_assert(body_has(&c, "<dd><bdi lang=\"en\">Shawnee</bdi></dd>")); /* TMDB's, in English */
	ck_assert(body_has(&c, "<div class=\"biography\" lang=\"en\" dir=\"ltr\">"));
	ck_assert(body_has(&c, ATTRIBUTION));
	run(&people_app, &c, "GET", "/people/brad-pitt-287", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "dir=\"rtl\""));
	ck_assert(body_has(&c, "<bdi>برد پیت</bdi>"));
	ck_assert(body_has(&c, "۱۹۶۳"));
	/* a Persian biography reads right to left even when it starts with a Latin name */
	ck_assert(body_has(&c, "<div class=\"biography\" lang=\"fa\" dir=\"rtl\">"));
	ck_assert(body_has(&c, "<dt>محل تولد</dt><dd><bdi lang=\"en\">Shawnee</bdi></dd>"));
	run(&people_app, &c, "GET", "/people/288", (const char *)NULL);
	ck_assert_int_eq(c.status, 404);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

START_TEST(search_movies_and_people)
{
	NEED_DB();
	struct cgi c;
	char fc[25];
	movie_insert(fc, 550, "Fight Club", 1999, 18);
	brad_pitt();
	run(&people_app, &c, "GET", "/api/v1/search?q=PITT", (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *d = data_of(j);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "people")), 1);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "people"), 0), "slug", NULL, NULL),
			 "brad-pitt-287");
	ck_assert_str_eq(str_at(d, "sources", "people", NULL), "catalog");
	cJSON_Delete(j);
	/* no title matches (these movies have no search keys) and TMDB cannot be asked: no movies,
	 * the people still */
	run(&people_app, &c, "GET", "/api/v1/search?q=brad", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data_of(j), "movies")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data_of(j), "people")), 1);
	cJSON_Delete(j);
	run(&people_app, &c, "GET", "/api/v1/search", (const char *)NULL);
	assert_error_shape(&c, 400, "/api/v1/search");
	run(&people_app, &c, "GET", "/api/v1/search?q=%21%21", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/search", "q must contain");
}
END_TEST

Suite *handlers_people_suite(void)
{
	Suite *s = suite_create("handlers-people");
	TCase *tc = tcase_create("people");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, person_api);
	tcase_add_test(tc, person_page);
	tcase_add_test(tc, search_movies_and_people);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
