/* check_handlers_admin.c — the admin worker in memory: only admins get in; the API's movies
 * created, read, edited, hidden, restored and audited, with every refusal in the error shape;
 * notifications, sync runs and roles; the pages' forms decoded into the same arguments (a
 * created movie, an edit with problems shown on the form, the role and sync forms). TMDB is
 * unreachable here: a lookup is a clear 503. Shared helpers: handlers.h. */
#include "handlers.h"
#include "../lib/suites.h"
#include "store/db.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define API "/api/v1/admin"
#define FORM "application/x-www-form-urlencoded"

static struct member admin;

static void as_admin(void)
{
	member_new(&admin, "admin");
}

/* POST /api/v1/admin/movies with body as the admin: the status, and the new movie's id. */
static int create(const char *body, char id[25])
{
	struct cgi c;
	run(&admin_app, &c, "POST", API "/movies", "HTTP_AUTHORIZATION", admin.auth, "BODY", body, (const char *)NULL);
	if (c.status == 201) {
		cJSON *j = assert_data(&c, 201);
		snprintf(id, 25, "%s", str_at(j, "data", "id", NULL));
		cJSON_Delete(j);
	}
	return c.status;
}

START_TEST(only_admins)
{
	NEED_DB();
	struct cgi c;
	struct member plain;
	member_new(&plain, "user");
	run(&admin_app, &c, "GET", API "/audit", "HTTP_AUTHORIZATION", plain.auth, (const char *)NULL);
	assert_error_shape(&c, 403, API "/audit");
	run(&admin_app, &c, "GET", API "/audit", (const char *)NULL);
	assert_error_shape(&c, 401, API "/audit");
	run(&admin_app, &c, "GET", "/admin", "HTTP_COOKIE", plain.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 403);
}
END_TEST

START_TEST(api_movies)
{
	NEED_DB();
	as_admin();
	struct cgi c;
	char id[25], path[80], tmdb_movie[25];
	ck_assert_int_eq(create("{\"title\":\"Garden Story\",\"release_date\":\"2018-06-01\",\"runtime\":77}", id), 201);
	snprintf(path, sizeof path, API "/movies/%s", id);
	run(&admin_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "source", NULL), "manual");
	ck_assert_int_eq((int)num_at(j, "data", "year"), 2018);
	ck_assert_str_eq(header(&c, "Cache-Control"), "no-store");
	cJSON_Delete(j);

	/* every refusal says why, and changes nothing */
	run(&admin_app, &c, "POST", API "/movies", "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"runtime\":\"long\"}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, API "/movies", "title is required");
	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"tmdb_id\":1}", (const char *)NULL);
	assert_error_mentions(&c, 400, path, "tmdb_id is not a field you can set");
	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"unlock\":[\"password\"]}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, path, "unlock: not a lockable field");
	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{}", (const char *)NULL);
	assert_error_mentions(&c, 400, path, "send the fields to change, or unlock");
	run(&admin_app, &c, "PATCH", API "/movies/nope", "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"runtime\":1}",
	    (const char *)NULL);
	assert_error_shape(&c, 404, API "/movies/nope");

	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"runtime\":80}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(j, "data", "runtime"), 80);
	cJSON_Delete(j);
	run(&admin_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "hidden")));
	cJSON_Delete(j);
	char restore[100];
	snprintf(restore, sizeof restore, "%s/restore", path);
	run(&admin_app, &c, "POST", restore, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));

	/* a movie added by hand has nothing at TMDB */
	char sync[100], images[100];
	snprintf(sync, sizeof sync, "%s/sync", path);
	run(&admin_app, &c, "POST", sync, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_mentions(&c, 422, sync, "no TMDB id to sync from");
	snprintf(images, sizeof images, "%s/tmdb-images", path);
	run(&admin_app, &c, "GET", images, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_mentions(&c, 422, images, "no images at TMDB");

	/* every change audited, newest first */
	char audit[100];
	snprintf(audit, sizeof audit, API "/audit?movie=%s", id);
	run(&admin_app, &c, "GET", audit, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 4);
	const char *expect[] = { "movie.restore", "movie.hide", "movie.edit", "movie.create" };
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), i), "action", NULL, NULL), expect[i]);
	cJSON_Delete(j);
	run(&admin_app, &c, "GET", API "/audit?movie=zzzzzzzzzzzzzzzzzzzzzzzz", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, API "/audit", "24-hex");

	/* a TMDB movie the catalogue has: 409 naming it */
	movie_insert(tmdb_movie, 550, "Fight Club", 1999, 18);
	run(&admin_app, &c, "POST", API "/movies", "HTTP_AUTHORIZATION", admin.auth, "BODY",
	    "{\"tmdb_id\":550,\"title\":\"Fight Club\"}", (const char *)NULL);
	char where[80];
	snprintf(where, sizeof where, API "/movies/%s", tmdb_movie);
	assert_error_mentions(&c, 409, API "/movies", where);
	ck_assert_str_eq(header(&c, "Location"), where);
}
END_TEST

START_TEST(lookup_without_tmdb)
{
	NEED_DB();
	as_admin();
	struct cgi c;
	run(&admin_app, &c, "GET", API "/tmdb/lookup?q=550", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_shape(&c, 503, API "/tmdb/lookup");
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "message", NULL, NULL), "TMDB is not answering right now; try again in a minute");
	cJSON_Delete(j);
	run(&admin_app, &c, "GET", API "/tmdb/lookup", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_shape(&c, 400, API "/tmdb/lookup");
}
END_TEST

START_TEST(notifications)
{
	NEED_DB();
	as_admin();
	struct cgi c;
	bson_oid_t oid;
	char note[25], path[100];
	bson_oid_init(&oid, NULL);
	bson_oid_to_string(&oid, note);
	test_db_insert(test_ctx.db, "notifications",
		       BCON_NEW("_id", BCON_OID(&oid), "kind", BCON_UTF8("tmdb_change"), "at", BCON_DATE_TIME(1000)));
	run(&admin_app, &c, "GET", API "/notifications", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON *j = assert_list(&c, 1, 20, 1);
	ck_assert_str_eq(header(&c, "X-Unseen-Count"), "1");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(data_of(j), 0), "seen")));
	cJSON_Delete(j);
	snprintf(path, sizeof path, API "/notifications/%s/seen", note);
	run(&admin_app, &c, "POST", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	run(&admin_app, &c, "GET", API "/notifications/count", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq((int)num_at(j, "data", "unseen"), 0);
	cJSON_Delete(j);
	run(&admin_app, &c, "POST", API "/notifications/ffffffffffffffffffffffff/seen", "HTTP_AUTHORIZATION", admin.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, API "/notifications/ffffffffffffffffffffffff/seen");
}
END_TEST

START_TEST(sync_runs)
{
	NEED_DB();
	as_admin();
	struct cgi c;
	test_db_insert(test_ctx.db, "sync_lease",
		       BCON_NEW("kind", BCON_UTF8("popular"), "pid", BCON_INT32(42), "host", BCON_UTF8("box")));
	run(&admin_app, &c, "GET", API "/sync/runs", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));
	ck_assert_str_eq(header(&c, "X-Sync-Running"), "popular pid 42 on box");
	run(&admin_app, &c, "POST", API "/sync/runs", "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"kind\":\"changes\"}",
	    (const char *)NULL);
	assert_error_shape(&c, 409, API "/sync/runs");
	run(&admin_app, &c, "POST", API "/sync/runs", "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"kind\":\"rm -rf /\"}",
	    (const char *)NULL);
	assert_error_shape(&c, 400, API "/sync/runs");
	/* the page's form: the same refusal */
	hc_templates();
	char form[120];
	snprintf(form, sizeof form, "_csrf=%s&kind=changes", admin.csrf);
	run(&admin_app, &c, "POST", "/admin/sync", "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 409);
	ck_assert(body_has(&c, "A sync is running"));
	ck_assert_int_eq(db_count("audit_log", bson_new()), 0);
	/* a run just started here and not yet in synclogs: shown as starting, for site.js to follow */
	run(&admin_app, &c, "GET", "/admin/sync?started=4102444800000", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "data-status=\"starting\">Starting</dd>"));
	ck_assert(body_has(&c, "data-poll=\"/api/v1/admin/sync/runs?limit=1\""));
	ck_assert(body_has(&c, "<a href=\"/admin/sync?started&#61;4102444800000\">Refresh</a>"));
	/* and in Persian */
	char persian[sizeof admin.cookie + 16];
	snprintf(persian, sizeof persian, "%s; mq_lang=fa", admin.cookie);
	run(&admin_app, &c, "GET", "/admin/sync?started=4102444800000", "HTTP_COOKIE", persian, (const char *)NULL);
	ck_assert(body_has(&c, "در حال شروع"));
	run(&admin_app, &c, "GET", "/admin/sync?started=soon", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
}
END_TEST

START_TEST(roles)
{
	NEED_DB();
	as_admin();
	struct cgi c;
	struct member other;
	member_new(&other, "user");
	char path[100], mine[100];
	snprintf(path, sizeof path, API "/users/%s/role", other.id);
	snprintf(mine, sizeof mine, API "/users/%s/role", admin.id);
	run(&admin_app, &c, "PATCH", mine, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"role\":\"user\"}", (const char *)NULL);
	assert_error_mentions(&c, 422, mine, "another admin changes your role");
	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"role\":\"root\"}", (const char *)NULL);
	assert_error_shape(&c, 400, path);
	run(&admin_app, &c, "PATCH", API "/users/ffffffffffffffffffffffff/role", "HTTP_AUTHORIZATION", admin.auth, "BODY",
	    "{\"role\":\"admin\"}", (const char *)NULL);
	assert_error_shape(&c, 404, API "/users/ffffffffffffffffffffffff/role");
	run(&admin_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", admin.auth, "BODY", "{\"role\":\"admin\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "role", NULL), "admin");
	cJSON_Delete(j);
	/* the users page's form: the same change, back to the list */
	hc_templates();
	char form[120], page[100];
	snprintf(page, sizeof page, "/admin/users/%s/role", other.id);
	snprintf(form, sizeof form, "_csrf=%s&role=user", admin.csrf);
	run(&admin_app, &c, "POST", page, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/admin/users");
	snprintf(form, sizeof form, "_csrf=%s&role=user&extra=1", admin.csrf);
	run(&admin_app, &c, "POST", page, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	run(&admin_app, &c, "GET", API "/audit?action=user.role", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 2));
	run(&admin_app, &c, "GET", "/admin/users?q=", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, other.email));
}
END_TEST

START_TEST(movie_pages)
{
	NEED_DB();
	as_admin();
	hc_templates();
	struct cgi c;
	char form[400], id[25] = "", path[100];
	snprintf(form, sizeof form,
		 "_csrf=%s&title=Garden+Story&runtime=77&genre=18%%3ADrama&cast_name_0=A.+Actor&cast_character_0=Gardener"
		 "&directors=D.+Rector%%0AS.+Second",
		 admin.csrf);
	run(&admin_app, &c, "POST", "/admin/movies", "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	const char *to = header(&c, "Location");
	ck_assert_int_eq(sscanf(to, "/admin/movies/%24[0-9a-f]?saved=created", id), 1);
	snprintf(path, sizeof path, API "/movies/%s", id);
	run(&admin_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	const cJSON *m = data_of(j);
	ck_assert_int_eq((int)num_at(m, "runtime", NULL), 77);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "directors")), 2);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "cast"), 0), "character", NULL, NULL),
			 "Gardener");
	ck_assert_int_eq((int)num_at(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "genres"), 0), "id", NULL), 18);
	cJSON_Delete(j);

	/* the edit form: problems come back on the form, and nothing changes */
	snprintf(path, sizeof path, "/admin/movies/%s", id);
	snprintf(form, sizeof form, "_csrf=%s&title=&runtime=forever", admin.csrf);
	run(&admin_app, &c, "POST", path, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert(body_has(&c, "title is required"));
	ck_assert(body_has(&c, "runtime must be minutes"));
	snprintf(form, sizeof form, "_csrf=%s&title=Garden+Story&runtime=80", admin.csrf);
	run(&admin_app, &c, "POST", path, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	run(&admin_app, &c, "GET", path, "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "value=\"80\""));

	/* the buttons, and TMDB's images of a movie added by hand */
	char action[120];
	snprintf(action, sizeof action, "%s/hide", path);
	snprintf(form, sizeof form, "_csrf=%s", admin.csrf);
	run(&admin_app, &c, "POST", action, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	snprintf(action, sizeof action, "%s/sync", path);
	run(&admin_app, &c, "POST", action, "HTTP_COOKIE", admin.cookie, "CONTENT_TYPE", FORM, "BODY", form, (const char *)NULL);
	ck_assert_int_eq(c.status, 422);
	snprintf(action, sizeof action, "%s/images", path);
	run(&admin_app, &c, "GET", action, "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 422);
	ck_assert(body_has(&c, "no images at TMDB"));
	run(&admin_app, &c, "GET", "/admin/movies/ffffffffffffffffffffffff", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 404);
	run(&admin_app, &c, "GET", "/admin/audit", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "Movie hidden")); /* the action in words, the movie by its title, linked */
	snprintf(action, sizeof action, "<a href=\"/admin/movies/%s\"><bdi>Garden Story</bdi></a>", id);
	ck_assert(body_has(&c, action));
	ck_assert(!body_has(&c, "movie.hide"));
	/* hiding as it was audited before it had its name: found as movie.hide, shown as hiding */
	bson_oid_t who, what;
	bson_oid_init_from_string(&who, admin.id);
	bson_oid_init_from_string(&what, id);
	test_db_insert(test_ctx.db, "audit_log",
		       BCON_NEW("actor", BCON_OID(&who), "action", BCON_UTF8("movie.delete"), "kind", BCON_UTF8("movie"),
				"target", BCON_UTF8(id), "changes", "[", "]", "at", BCON_DATE_TIME(0)));
	snprintf(action, sizeof action, API "/audit?action=movie.hide&movie=%s", id);
	run(&admin_app, &c, "GET", action, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON *hidden = assert_list(&c, 1, 20, 2);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(hidden), 1), "action", NULL, NULL), "movie.delete");
	cJSON_Delete(hidden);
	run(&admin_app, &c, "GET", "/admin/audit?action=movie.delete", "HTTP_COOKIE", admin.cookie, (const char *)NULL);
	ck_assert(body_has(&c, "data-label=\"Action\">Movie hidden</td>"));
}
END_TEST

Suite *handlers_admin_suite(void)
{
	Suite *s = suite_create("handlers_admin");
	TCase *tc = tcase_create("admin");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, only_admins);
	tcase_add_test(tc, api_movies);
	tcase_add_test(tc, lookup_without_tmdb);
	tcase_add_test(tc, notifications);
	tcase_add_test(tc, sync_runs);
	tcase_add_test(tc, roles);
	tcase_add_test(tc, movie_pages);
	suite_add_tcase(s, tc);
	return s;
}
