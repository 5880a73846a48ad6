/* check_handlers_users.c — the users worker in memory: the profile (/users/me and its alias
 * /user/profile), avatars, the password change and account deletion, preferences, /users/:id,
 * recommendations and the /me pages. */
#include "handlers.h"
#include "domain/account.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FORM "application/x-www-form-urlencoded"

START_TEST(users_me)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_str_eq(header(&c, "Cache-Control"), "private, no-cache");
	ck_assert_str_eq(str_at(data, "id", NULL, NULL), m.id);
	ck_assert_str_eq(str_at(data, "email", NULL, NULL), m.email);
	ck_assert_str_eq(str_at(data, "username", NULL, NULL), m.username);
	ck_assert_str_eq(str_at(data, "name", NULL, NULL), "Test Member");
	ck_assert_str_eq(str_at(data, "role", NULL, NULL), "user");
	ck_assert_str_eq(str_at(data, "settings", "language", NULL), "en");
	ck_assert_str_eq(str_at(data, "settings", "theme", NULL), "light");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "avatar")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data, "date_of_birth")));
	ck_assert(*str_at(data, "created_at", NULL, NULL));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(data, "password_hash"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(data, "token_version"));
	cJSON_Delete(j);

	/* the alias, and the browser's cookie session */
	run(&users_app, &c, "GET", "/api/v1/user/profile", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "id", NULL), m.id);
	cJSON_Delete(j);

	/* HEAD: no body */
	run(&users_app, &c, "HEAD", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_int_eq(c.body_len, 0);
}
END_TEST

START_TEST(users_unauthenticated)
{
	struct cgi c;
	static const char *const paths[] = { "/api/v1/users/me", "/api/v1/user/profile", "/api/v1/user/preferences",
					     "/api/v1/user/recommendations", "/api/v1/users/0123456789abcdef01234567" };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		run(&users_app, &c, "GET", paths[i], (const char *)NULL);
		assert_error_shape(&c, 401, paths[i]);
		ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer");
	}
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "BODY", "{\"name\":\"x\"}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	run(&users_app, &c, "POST", "/api/v1/user/preferences", "BODY", "{\"genres\":[1]}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/user/preferences");

	/* a token that does not verify: 401 with invalid_token; a stale cookie is just no session */
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", "Bearer not.a.token", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", "Basic dXNlcjpwYXNz", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_COOKIE", "mq_session=stale", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer");

	/* the pages send a visitor to the login form, and back afterwards */
	run(&users_app, &c, "GET", "/me/settings", (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/login?next=%2Fme%2Fsettings");
}
END_TEST

START_TEST(users_gone)
{
	NEED_DB();
	struct cgi c;
	struct member ghost;
	/* a token that verifies, for a user the database does not have (removed): refused */
	member_issue(&ghost, "0123456789abcdef0123abcd", "user");
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", ghost.auth, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
	/* its browser cookie on a page: a visitor, sent to the login form, the dead cookies cleared */
	hc_templates();
	run(&users_app, &c, "GET", "/me", "HTTP_COOKIE", ghost.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert(sets_cookie(&c, "mq_session=; "));
}
END_TEST

START_TEST(users_patch)
{
	NEED_DB();
	struct cgi c;
	struct member m, other;
	member_new(&m, "user");
	member_new(&other, "user");

	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"name\":\"New Name\",\"username\":\"renamed_member\",\"date_of_birth\":\"1980-02-29\","
	    "\"settings\":{\"language\":\"fa\",\"theme\":\"dark\"}}",
	    (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_str_eq(str_at(data, "name", NULL, NULL), "New Name");
	ck_assert_str_eq(str_at(data, "username", NULL, NULL), "renamed_member");
	ck_assert_str_eq(str_at(data, "date_of_birth", NULL, NULL), "1980-02-29");
	ck_assert_str_eq(str_at(data, "settings", "language", NULL), "fa");
	ck_assert_str_eq(str_at(data, "settings", "theme", NULL), "dark");
	ck_assert_str_eq(str_at(data, "email", NULL, NULL), m.email);
	cJSON_Delete(j);

	/* null removes; PUT on the alias does the same */
	run(&users_app, &c, "PUT", "/api/v1/user/profile", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"name\":null,\"date_of_birth\":null,\"avatar\":null}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "name")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "date_of_birth")));
	ck_assert_str_eq(str_at(j, "data", "username", NULL), "renamed_member");
	cJSON_Delete(j);

	/* another member's username: 409, nothing changed */
	char body[128];
	snprintf(body, sizeof body, "{\"username\":\"%s\"}", other.username);
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY", body, (const char *)NULL);
	assert_error_mentions(&c, 409, "/api/v1/users/me", "username is taken");
}
END_TEST

START_TEST(users_patch_invalid)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	/* anything but the writable fields is a 400, and nothing changes */
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"name\":\"Sneaky\",\"role\":\"admin\",\"email\":\"x@example.com\"}", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/users/me", "unknown field 'role'", "unknown field 'email'",
			      (const char *)NULL);
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"username\":\"no spaces\",\"avatar\":\"http://x/y.png\",\"date_of_birth\":\"2999-12-31\","
	    "\"settings\":{\"language\":\"de\",\"theme\":\"blue\",\"font\":1}}",
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/users/me", "username may contain only", "avatar can only be removed",
			      "date_of_birth must be a past date", "language must be one of", "theme must be one of",
			      "unknown field 'font'", (const char *)NULL);
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY", "{}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me", "nothing to change");
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"settings\":\"dark\"}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me", "settings must be an object");
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY", "name=x", "CONTENT_TYPE",
	    "text/plain", (const char *)NULL);
	assert_error_shape(&c, 415, "/api/v1/users/me");

	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "name", NULL), "Test Member");
	ck_assert_str_eq(str_at(j, "data", "role", NULL), "user");
	ck_assert_str_eq(str_at(j, "data", "username", NULL), m.username);
	cJSON_Delete(j);

	/* a browser session must echo its CSRF token */
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_COOKIE", m.cookie, "BODY", "{\"name\":\"Cookie\"}",
	    (const char *)NULL);
	assert_error_mentions(&c, 403, "/api/v1/users/me", "X-CSRF-Token");
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_COOKIE", m.cookie, "HTTP_X_CSRF_TOKEN",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "BODY", "{\"name\":\"Cookie\"}", (const char *)NULL);
	assert_error_shape(&c, 403, "/api/v1/users/me");
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_COOKIE", m.cookie, "HTTP_X_CSRF_TOKEN", m.csrf, "BODY",
	    "{\"name\":\"Cookie\"}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "name", NULL), "Cookie");
	cJSON_Delete(j);
}
END_TEST

#define BOUNDARY "----hc-boundary"
#define MULTIPART "multipart/form-data; boundary=" BOUNDARY
#define PART(name, type, bytes)                                                                       \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name "\"; filename=\"a\"\r\nContent-Type: " \
	type "\r\n\r\n" bytes "\r\n--" BOUNDARY "--\r\n"

START_TEST(users_avatar)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");

	/* not multipart; not an image by its bytes (whatever it says it is); the wrong field */
	run(&users_app, &c, "POST", "/api/v1/users/me/avatar", "HTTP_AUTHORIZATION", m.auth, "BODY", "{}",
	    (const char *)NULL);
	assert_error_mentions(&c, 415, "/api/v1/users/me/avatar", "multipart/form-data");
	run(&users_app, &c, "POST", "/api/v1/users/me/avatar", "HTTP_AUTHORIZATION", m.auth, "CONTENT_TYPE", MULTIPART,
	    "BODY", PART("avatar", "image/png", "GIF89a not a png"), (const char *)NULL);
	assert_error_mentions(&c, 415, "/api/v1/users/me/avatar", "PNG, JPEG or WebP");
	run(&users_app, &c, "POST", "/api/v1/users/me/avatar", "HTTP_AUTHORIZATION", m.auth, "CONTENT_TYPE", MULTIPART,
	    "BODY", PART("picture", "image/png", "\x89PNG\r\n\x1a\nrest"), (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me/avatar", "avatar");
	run(&users_app, &c, "POST", "/api/v1/users/me/avatar", "CONTENT_TYPE", MULTIPART, "BODY",
	    PART("avatar", "image/png", "\x89PNG\r\n\x1a\nrest"), (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me/avatar");

	/* a PNG: stored under MEDIA_DIR, its URL on the profile */
	run(&users_app, &c, "POST", "/api/v1/users/me/avatar", "HTTP_AUTHORIZATION", m.auth, "CONTENT_TYPE", MULTIPART,
	    "BODY", PART("avatar", "application/octet-stream", "\x89PNG\r\n\x1a\nrest"), (const char *)NULL);
	cJSON *j = assert_data(&c, 201);
	const char *url = str_at(j, "data", "avatar", NULL);
	ck_assert_msg(!strncmp(url, "/media/avatars/", 15) && strstr(url, ".png"), "avatar %s", url);
	char path[256];
	snprintf(path, sizeof path, "%s/%s", test_cfg.media_dir, url + strlen("/media/"));
	struct stat st;
	ck_assert_msg(stat(path, &st) == 0, "%s is not there", path);
	cJSON_Delete(j);

	/* removed with null: the file goes too */
	run(&users_app, &c, "PATCH", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"avatar\":null}",
	    (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(data_of(j), "avatar")));
	cJSON_Delete(j);
	ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(users_password_and_deletion)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	ck_assert_int_eq(mq_account_set_password(test_ctx.db, &test_cfg, m.id, "member password"), MQ_OK);

	run(&users_app, &c, "POST", "/api/v1/users/me/password", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"current_password\":\"not it at all\",\"new_password\":\"a new password\"}", (const char *)NULL);
	assert_error_mentions(&c, 403, "/api/v1/users/me/password", "current_password");
	run(&users_app, &c, "POST", "/api/v1/users/me/password", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"current_password\":\"member password\",\"new_password\":\"short\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me/password", "8 to 72");
	run(&users_app, &c, "POST", "/api/v1/users/me/password", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"current_password\":\"member password\",\"new_password\":\"a new password\",\"role\":\"admin\"}", (const char *)NULL);
	assert_error_shape(&c, 400, "/api/v1/users/me/password");
	/* a browser's change needs the session's CSRF token */
	run(&users_app, &c, "POST", "/me/password", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY",
	    "current_password=member+password&new_password=a+new+password", (const char *)NULL);
	ck_assert_int_eq(c.status, 403);

	run(&users_app, &c, "POST", "/api/v1/users/me/password", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"current_password\":\"member password\",\"new_password\":\"a new password\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	char fresh[640];
	snprintf(fresh, sizeof fresh, "Bearer %s", str_at(j, "data", "token", NULL));
	ck_assert_str_eq(str_at(j, "data", "user", "id"), m.id);
	ck_assert(*str_at(j, "data", "refresh_token", NULL));
	cJSON_Delete(j);
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", fresh, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);

	/* deletion: the password again; the account then is gone and so is the session */
	run(&users_app, &c, "DELETE", "/api/v1/users/me", "HTTP_AUTHORIZATION", fresh, "BODY",
	    "{\"password\":\"member password\"}", (const char *)NULL);
	assert_error_mentions(&c, 403, "/api/v1/users/me", "password");
	run(&users_app, &c, "DELETE", "/api/v1/users/me", "HTTP_AUTHORIZATION", fresh, "BODY", "{}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me", "password");
	ck_assert_int_eq(db_count("users", BCON_NEW("email", BCON_UTF8(m.email))), 1);
	run(&users_app, &c, "DELETE", "/api/v1/users/me", "HTTP_AUTHORIZATION", fresh, "BODY",
	    "{\"password\":\"a new password\"}", (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	ck_assert_int_eq(db_count("users", BCON_NEW("email", BCON_UTF8(m.email))), 0);
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", fresh, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");

	/* the confirmation page is a visitor's */
	hc_templates();
	run(&users_app, &c, "GET", "/me/deleted", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "Your account and everything in it have been deleted"));
}
END_TEST

START_TEST(users_by_id)
{
	NEED_DB();
	struct cgi c;
	struct member m, other, admin;
	char path[64];
	member_new(&m, "user");
	member_new(&other, "user");
	member_new(&admin, "admin");

	snprintf(path, sizeof path, "/api/v1/users/%s", m.id);
	run(&users_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "email", NULL), m.email);
	cJSON_Delete(j);

	/* someone else: 404, as if there were nobody; an admin sees anyone */
	snprintf(path, sizeof path, "/api/v1/users/%s", other.id);
	run(&users_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&users_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "id", NULL), other.id);
	cJSON_Delete(j);
	/* a token claiming admin for a member who is not one: the database's role decides */
	struct member fake;
	member_issue(&fake, m.id, "admin");
	run(&users_app, &c, "GET", path, "HTTP_AUTHORIZATION", fake.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&users_app, &c, "GET", "/api/v1/users/0123456789abcdef01234567", "HTTP_AUTHORIZATION", admin.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/0123456789abcdef01234567");

	run(&users_app, &c, "GET", "/api/v1/users/not-an-id", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/not-an-id", "24 hexadecimal");
	run(&users_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_shape(&c, 405, path);
	ck_assert_str_eq(header(&c, "Allow"), "GET, HEAD, OPTIONS");
}
END_TEST

START_TEST(users_preferences)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");

	run(&users_app, &c, "GET", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200), *data = data_of(j);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "genres")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "actors")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "movies")), 0);
	cJSON_Delete(j);

	run(&users_app, &c, "POST", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"genres\":[28,12],\"actors\":[287,\"Cate Blanchett\"],\"movies\":[550]}", (const char *)NULL);
	j = assert_data(&c, 200);
	data = data_of(j);
	cJSON *genres = cJSON_GetObjectItemCaseSensitive(data, "genres");
	ck_assert_int_eq(cJSON_GetArraySize(genres), 2);
	ck_assert_int_eq((int)cJSON_GetArrayItem(genres, 0)->valuedouble, 28);
	cJSON *actors = cJSON_GetObjectItemCaseSensitive(data, "actors");
	ck_assert_int_eq((int)cJSON_GetArrayItem(actors, 0)->valuedouble, 287);
	ck_assert_str_eq(cJSON_GetArrayItem(actors, 1)->valuestring, "Cate Blanchett");
	cJSON_Delete(j);

	/* PUT replaces only the lists it holds */
	run(&users_app, &c, "PUT", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"genres\":[]}",
	    (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));
	run(&users_app, &c, "GET", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data_of(j), "genres")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data_of(j), "movies")), 1);
	cJSON_Delete(j);

	run(&users_app, &c, "POST", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"genres\":[\"action\",0],\"movies\":[1.5],\"actors\":[{}]}", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/user/preferences", "genres[0] must be a TMDB id", "genres[1]",
			      "movies[0]", "actors[0]", (const char *)NULL);
	run(&users_app, &c, "POST", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, "BODY", "{}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/user/preferences", "at least one of genres, actors, movies");
	run(&users_app, &c, "POST", "/api/v1/user/preferences", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"genres\":28,\"directors\":[]}", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/user/preferences", "genres must be a list", "unknown field 'directors'",
			      (const char *)NULL);
}
END_TEST

START_TEST(users_recommendations)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	/* nothing rated and an empty catalogue: an empty list, not an error */
	run(&users_app, &c, "GET", "/api/v1/user/recommendations?limit=5", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert(cJSON_IsArray(data_of(j)));
	ck_assert_str_eq(header(&c, "Cache-Control"), "private, no-cache");
	cJSON_Delete(j);

	run(&users_app, &c, "GET", "/api/v1/user/recommendations?limit=0&language=de&x=1", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/user/recommendations", "limit must be an integer from 1 to 50",
			      "language must be one of", "unknown parameter 'x'", (const char *)NULL);
}
END_TEST

START_TEST(users_pages)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char form[256];
	hc_templates();
	member_new(&m, "user");

	run(&users_app, &c, "GET", "/me", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, m.username));
	ck_assert(body_has(&c, m.email));

	run(&users_app, &c, "GET", "/me/settings", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	char value[64];
	ck_assert(body_value(&c, "autocomplete=\"username\" value=\"", value, sizeof value));
	ck_assert_str_eq(value, m.username);

	/* the form: without the token refused; with problems shown again (400); saved (303) */
	run(&users_app, &c, "POST", "/me/settings", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY",
	    "username=abc&language=en&theme=dark", (const char *)NULL);
	ck_assert_int_eq(c.status, 403);
	snprintf(form, sizeof form, "_csrf=%s&username=bad+name&language=en&theme=dark", m.csrf);
	run(&users_app, &c, "POST", "/me/settings", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert(body_has(&c, "value=\"bad name\""));
	ck_assert(body_has(&c, "username may contain only"));
	snprintf(form, sizeof form, "_csrf=%s&name=Paged&username=paged_member&language=fa&theme=dark", m.csrf);
	run(&users_app, &c, "POST", "/me/settings", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/me/settings?saved=1");
	ck_assert(sets_cookie(&c, "mq_lang=fa"));

	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "username", NULL), "paged_member");
	ck_assert_str_eq(str_at(j, "data", "settings", "theme"), "dark");
	cJSON_Delete(j);

	run(&users_app, &c, "GET", "/me/recommendations", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

#ifdef HC_KNOWN_BUGS
/* KNOWN BUG (reported, not fixed here; build with -DHC_KNOWN_BUGS to run it): a settings form
 * with a language or theme that is not one of the choices is refused with 400, but the page says
 * nothing about why. mq_page_form() files the error under form.language / form.theme (so it is
 * left out of the general form.errors list), and templates/settings.mustache shows field errors
 * only for name, username and date_of_birth: its two <select>s have no error slot. The page
 * reads as if nothing were wrong. */
START_TEST(users_settings_bad_choice_explained)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char form[256];
	hc_templates();
	member_new(&m, "user");
	snprintf(form, sizeof form, "_csrf=%s&username=fine_name&language=de&theme=purple", m.csrf);
	run(&users_app, &c, "POST", "/me/settings", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert(body_has(&c, "theme must be one of"));    /* fails: not on the page */
	ck_assert(body_has(&c, "language must be one of")); /* fails: not on the page */
}
END_TEST
#endif

Suite *handlers_users_suite(void)
{
	Suite *s = suite_create("handlers-users");
	TCase *tc = tcase_create("users");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, users_me);
	tcase_add_test(tc, users_unauthenticated);
	tcase_add_test(tc, users_gone);
	tcase_add_test(tc, users_patch);
	tcase_add_test(tc, users_patch_invalid);
	tcase_add_test(tc, users_avatar);
	tcase_add_test(tc, users_password_and_deletion);
	tcase_add_test(tc, users_by_id);
	tcase_add_test(tc, users_preferences);
	tcase_add_test(tc, users_recommendations);
	tcase_add_test(tc, users_pages);
#ifdef HC_KNOWN_BUGS
	tcase_add_test(tc, users_settings_bad_choice_explained);
#endif
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
