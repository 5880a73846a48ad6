/* check_handlers_auth.c — the auth worker in memory: registration, login, refresh rotation and
 * logout (JSON API), and the /login, /register and /logout pages. */
#include "handlers.h"
#include "../lib/suites.h"
#include "domain/account.h"
#include "domain/reset.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Registers email (username derived from it) through the API; the reply's body (caller deletes). */
static cJSON *register_user(const char *email, const char *username)
{
	struct cgi c;
	char body[256];
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"correct horse\",\"username\":\"%s\"}", email, username);
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", body, (const char *)NULL);
	return assert_data(&c, 201);
}

/* Registers email as username through the API: "Bearer <access token>" into auth and
 * {"refresh_token": …} into body. */
static void register_session(const char *email, const char *username, char auth[640], char body[256])
{
	cJSON *j = register_user(email, username);
	snprintf(auth, 640, "Bearer %s", str_at(j, "data", "token", NULL));
	snprintf(body, 256, "{\"refresh_token\":\"%s\"}", str_at(j, "data", "refresh_token", NULL));
	cJSON_Delete(j);
}

/* The session members of a register, login or refresh answer. */
static void assert_session(const struct cgi *c, const cJSON *data, const char *email)
{
	ck_assert(*str_at(data, "token", NULL, NULL));
	ck_assert_str_eq(str_at(data, "token_type", NULL, NULL), "Bearer");
	ck_assert_int_eq((long)num_at(data, "expires_in", NULL), 7 * 86400);
	ck_assert_int_eq(str_at(data, "expires_at", NULL, NULL)[strlen(str_at(data, "expires_at", NULL, NULL)) - 1], 'Z');
	ck_assert_int_eq(strlen(str_at(data, "csrf_token", NULL, NULL)), 43);
	ck_assert(*str_at(data, "refresh_token", NULL, NULL));
	ck_assert(*str_at(data, "refresh_expires_at", NULL, NULL));
	ck_assert_str_eq(str_at(data, "user", "email", NULL), email);
	ck_assert_str_eq(str_at(data, "user", "role", NULL), "user");
	ck_assert_int_eq(strlen(str_at(data, "user", "id", NULL)), 24);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "user"), "password_hash"));
	ck_assert(sets_cookie(c, "mq_session="));
	ck_assert(sets_cookie(c, "mq_refresh="));
	ck_assert(sets_cookie(c, "mq_csrf="));
	ck_assert_str_eq(header(c, "Cache-Control"), "no-store");
}

START_TEST(auth_unknown_path)
{
	struct cgi c;
	run(&auth_app, &c, "GET", "/api/v1/auth/anything", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/auth/anything");
	run(&auth_app, &c, "DELETE", "/api/v1/auth/anything/else", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/auth/anything/else");
	run(&auth_app, &c, "GET", "/api/v1/auth/login", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/auth/login");
	ck_assert_str_eq(header(&c, "Allow"), "POST, OPTIONS");
}
END_TEST

START_TEST(auth_register)
{
	NEED_DB();
	struct cgi c;
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY",
	    "{\"email\":\"Reg.One@Example.com\",\"password\":\"correct horse\",\"name\":\"Reg One\","
	    "\"date_of_birth\":\"1990-04-01\"}",
	    (const char *)NULL);
	cJSON *j = assert_data(&c, 201), *data = data_of(j);
	assert_session(&c, data, "reg.one@example.com"); /* e-mails are stored lower-cased */
	ck_assert_str_eq(str_at(data, "user", "name", NULL), "Reg One");
	ck_assert(*str_at(data, "user", "username", NULL)); /* derived from the e-mail */
	ck_assert_str_eq(str_at(data, "user", "date_of_birth", NULL), "1990-04-01");
	ck_assert_str_eq(str_at(data, "user", "settings", "language"), "en");

	/* the access token works at once on another worker */
	char auth[640];
	snprintf(auth, sizeof auth, "Bearer %s", str_at(data, "token", NULL, NULL));
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", auth, (const char *)NULL);
	cJSON *me = assert_data(&c, 200);
	ck_assert_str_eq(str_at(me, "data", "id", NULL), str_at(data, "user", "id", NULL));
	cJSON_Delete(me);
	cJSON_Delete(j);

	/* the same e-mail (any case) again, and the same username */
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY",
	    "{\"email\":\"REG.ONE@example.com\",\"password\":\"another one\",\"username\":\"someone_else\"}",
	    (const char *)NULL);
	assert_error_mentions(&c, 409, "/api/v1/auth/register", "already exists");
	cJSON_Delete(register_user("reg.two@example.com", "reg_two"));
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY",
	    "{\"email\":\"reg.three@example.com\",\"password\":\"another one\",\"username\":\"reg_two\"}",
	    (const char *)NULL);
	assert_error_shape(&c, 409, "/api/v1/auth/register");
}
END_TEST

START_TEST(auth_register_invalid)
{
	struct cgi c;
	/* every problem in one 400 (validation needs no database) */
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY",
	    "{\"email\":\"not-an-address\",\"password\":\"short\",\"date_of_birth\":\"2999-01-01\"}", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/auth/register", "email must be an e-mail address",
			      "password must be 8 to 72 bytes", "username or name is required", "date_of_birth",
			      (const char *)NULL);
	cJSON *j = json_of(&c);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "errors")), 4);
	cJSON_Delete(j);

	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY",
	    "{\"email\":\"x@example.com\",\"password\":\"long enough\",\"username\":\"ab cd\",\"role\":\"admin\"}",
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/auth/register", "unknown field 'role'", "username may contain only",
			      (const char *)NULL);

	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", "{\"email\":1}", (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/auth/register", "email must be a string", "password is required",
			      (const char *)NULL);

	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", "{\"email\":", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/register", "not valid JSON");
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", "[1]", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/register", "JSON object");
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", "email=a", "CONTENT_TYPE",
	    "application/x-www-form-urlencoded", (const char *)NULL);
	assert_error_mentions(&c, 415, "/api/v1/auth/register", "application/json");
	run(&auth_app, &c, "POST", "/api/v1/auth/register", (const char *)NULL);
	assert_error_shape(&c, 415, "/api/v1/auth/register");
	run(&auth_app, &c, "POST", "/api/v1/auth/register", "BODY", "", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/register", "a JSON body is required");
}
END_TEST

START_TEST(auth_login)
{
	NEED_DB();
	struct cgi c;
	cJSON_Delete(register_user("login.me@example.com", "login_me"));

	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY",
	    "{\"email\":\"Login.Me@example.com\",\"password\":\"correct horse\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	assert_session(&c, data_of(j), "login.me@example.com");
	ck_assert_str_eq(str_at(data_of(j), "user", "username", NULL), "login_me");
	cJSON_Delete(j);

	/* a wrong password and an unknown e-mail: the same 401 */
	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY",
	    "{\"email\":\"login.me@example.com\",\"password\":\"wrong horse\"}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/login");
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "message", NULL, NULL), "Invalid email or password");
	cJSON_Delete(j);
	ck_assert(!sets_cookie(&c, "mq_session="));
	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY",
	    "{\"email\":\"nobody@example.com\",\"password\":\"correct horse\"}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/login");
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "message", NULL, NULL), "Invalid email or password");
	cJSON_Delete(j);
}
END_TEST

START_TEST(auth_login_invalid)
{
	struct cgi c;
	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY", "{\"email\":\"a@example.com\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/login", "password is required");
	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY", "{\"email\":\"\",\"password\":\"x\",\"remember\":true}",
	    (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/auth/login", "unknown field 'remember'", "email must be",
			      (const char *)NULL);
	run(&auth_app, &c, "POST", "/api/v1/auth/login", "BODY", "{}", "CONTENT_TYPE", "text/plain", (const char *)NULL);
	assert_error_shape(&c, 415, "/api/v1/auth/login");
}
END_TEST

START_TEST(auth_refresh)
{
	NEED_DB();
	struct cgi c;
	char body[256], first[128], cookie[160];
	cJSON *j = register_user("refresh.me@example.com", "refresh_me");
	snprintf(first, sizeof first, "%s", str_at(j, "data", "refresh_token", NULL));
	cJSON_Delete(j);

	snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", first);
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", body, (const char *)NULL);
	j = assert_data(&c, 200);
	assert_session(&c, data_of(j), "refresh.me@example.com");
	const char *second = str_at(j, "data", "refresh_token", NULL);
	ck_assert_str_ne(second, first);
	snprintf(cookie, sizeof cookie, "mq_refresh=%s", second);
	cJSON_Delete(j);

	/* the successor, from the browser's cookie and without a body */
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "HTTP_COOKIE", cookie, (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));

	/* the first token again: a reuse, refused (and its family revoked) */
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", body, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/refresh");

	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", "{\"refresh_token\":\"made-up\"}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/refresh");
}
END_TEST

START_TEST(auth_refresh_invalid)
{
	struct cgi c;
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", (const char *)NULL);
	assert_error_mentions(&c, 401, "/api/v1/auth/refresh", "refresh_token");
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", "{\"refresh_token\":42}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/refresh", "refresh_token must be a string");
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", "{\"token\":\"x\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/refresh", "unknown field 'token'");
}
END_TEST

START_TEST(auth_logout)
{
	NEED_DB();
	struct cgi c;
	char auth[640], body[256], cookie[720];
	register_session("logout.me@example.com", "logout_me", auth, body);
	snprintf(cookie, sizeof cookie, "mq_session=%s", auth + strlen("Bearer "));

	/* nothing to log out */
	run(&auth_app, &c, "POST", "/api/v1/auth/logout", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/logout");
	/* a browser session must echo its CSRF token */
	run(&auth_app, &c, "POST", "/api/v1/auth/logout", "HTTP_COOKIE", cookie, (const char *)NULL);
	assert_error_mentions(&c, 403, "/api/v1/auth/logout", "X-CSRF-Token");
	/* from another site: refused before anything else */
	run(&auth_app, &c, "POST", "/api/v1/auth/logout", "HTTP_AUTHORIZATION", auth, "HTTP_SEC_FETCH_SITE", "cross-site",
	    (const char *)NULL);
	assert_error_shape(&c, 403, "/api/v1/auth/logout");

	run(&auth_app, &c, "POST", "/api/v1/auth/logout", "HTTP_AUTHORIZATION", auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "logged_out")));
	cJSON_Delete(j);
	ck_assert(sets_cookie(&c, "mq_session=; "));
	ck_assert(sets_cookie(&c, "mq_refresh=; "));

	/* the access token and the refresh token are dead everywhere */
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", auth, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
	ck_assert_str_eq(header(&c, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
	run(&auth_app, &c, "POST", "/api/v1/auth/refresh", "BODY", body, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/refresh");
	/* the revoked bearer token cannot log out again */
	run(&auth_app, &c, "POST", "/api/v1/auth/logout", "HTTP_AUTHORIZATION", auth, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/auth/logout");
}
END_TEST

START_TEST(auth_logout_refresh_only)
{
	NEED_DB();
	struct cgi c;
	char auth[640], body[256];
	register_session("logout.two@example.com", "logout_two", auth, body);

	/* a refresh token alone ends the session its access token belongs to */
	run(&auth_app, &c, "POST", "/api/v1/auth/logout", "BODY", body, (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));
	run(&users_app, &c, "GET", "/api/v1/users/me", "HTTP_AUTHORIZATION", auth, (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me");
}
END_TEST

START_TEST(auth_pages)
{
	NEED_DB();
	struct cgi c;
	char pre[64], csrf[64], cookie[128], form[512];
	hc_templates();
	cJSON_Delete(register_user("page.login@example.com", "page_login"));

	run(&auth_app, &c, "GET", "/register", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "name=\"email\""));

	run(&auth_app, &c, "GET", "/login?next=/me/watchlist", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "<form method=\"post\" action=\"/login\""));
	ck_assert(body_has(&c, "name=\"next\" value=\"/me/watchlist\""));
	ck_assert(cookie_value(&c, "mq_presession", pre, sizeof pre));
	ck_assert_int_eq(strlen(pre), 43);
	ck_assert(body_value(&c, "name=\"_csrf\" value=\"", csrf, sizeof csrf));
	ck_assert_int_eq(strlen(csrf), 43);
	snprintf(cookie, sizeof cookie, "mq_presession=%s", pre);

	/* without the form's token: refused (another site cannot sign a visitor in) */
	run(&auth_app, &c, "POST", "/login", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY",
	    "email=page.login%40example.com&password=correct+horse", "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 403);

	/* a wrong password: the form again, with the error, 401 */
	snprintf(form, sizeof form, "_csrf=%s&email=page.login%%40example.com&password=wrong", csrf);
	run(&auth_app, &c, "POST", "/login", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 401);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "Invalid email or password"));
	ck_assert(body_has(&c, "value=\"page.login@example.com\""));

	/* signed in: back to next, with the session's cookies */
	snprintf(form, sizeof form, "_csrf=%s&email=page.login%%40example.com&password=correct+horse&next=%%2Fme%%2Fwatchlist",
		 csrf);
	run(&auth_app, &c, "POST", "/login", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/me/watchlist");
	char session[600], session_csrf[64], signed_in[720];
	ck_assert(cookie_value(&c, "mq_session", session, sizeof session));
	ck_assert(cookie_value(&c, "mq_csrf", session_csrf, sizeof session_csrf));
	snprintf(signed_in, sizeof signed_in, "mq_session=%s; mq_csrf=%s", session, session_csrf);

	/* signed in, /login and /register send the member on */
	run(&auth_app, &c, "GET", "/login", "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/me");
	run(&auth_app, &c, "GET", "/register", "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);

	/* /logout: the confirmation page, then the form (with the session's token) */
	run(&auth_app, &c, "GET", "/logout", "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	run(&auth_app, &c, "POST", "/logout", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", "x=1",
	    "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 403);
	snprintf(form, sizeof form, "_csrf=%s", session_csrf);
	run(&auth_app, &c, "POST", "/logout", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/");
	ck_assert(sets_cookie(&c, "mq_session=; "));
	/* the old cookie now makes a visitor: /logout sends them home */
	run(&auth_app, &c, "GET", "/logout", "HTTP_COOKIE", signed_in, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/");
}
END_TEST

START_TEST(auth_register_page)
{
	NEED_DB();
	struct cgi c;
	char pre[64], csrf[64], cookie[128], form[512];
	hc_templates();
	run(&auth_app, &c, "GET", "/register", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(cookie_value(&c, "mq_presession", pre, sizeof pre));
	ck_assert(body_value(&c, "name=\"_csrf\" value=\"", csrf, sizeof csrf));
	snprintf(cookie, sizeof cookie, "mq_presession=%s", pre);

	/* problems: the form again with them, 400, the values kept */
	snprintf(form, sizeof form, "_csrf=%s&email=bad&password=short&username=page_reg", csrf);
	run(&auth_app, &c, "POST", "/register", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(body_has(&c, "value=\"page_reg\""));
	ck_assert(body_has(&c, "Choose a password of 8 to 72 characters."));

	snprintf(form, sizeof form, "_csrf=%s&email=page.reg%%40example.com&password=long+enough&username=page_reg", csrf);
	run(&auth_app, &c, "POST", "/register", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/me");
	ck_assert(sets_cookie(&c, "mq_session="));

	/* the same again: taken */
	run(&auth_app, &c, "POST", "/register", "CONTENT_TYPE", "application/x-www-form-urlencoded", "BODY", form,
	    "HTTP_COOKIE", cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 409);
	ck_assert(body_has(&c, "already exists"));
}
END_TEST

START_TEST(auth_password_reset)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	char body[256];

	/* the same answer for a known and an unknown address (no mail transport here: nothing sent) */
	run(&auth_app, &c, "POST", "/api/v1/auth/password/forgot", "BODY", "{\"email\":\"not an address\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/password/forgot", "email");
	snprintf(body, sizeof body, "{\"email\":\"%s\"}", m.email);
	run(&auth_app, &c, "POST", "/api/v1/auth/password/forgot", "BODY", body, (const char *)NULL);
	cJSON *known = assert_data(&c, 202);
	run(&auth_app, &c, "POST", "/api/v1/auth/password/forgot", "BODY", "{\"email\":\"nobody@example.com\"}", (const char *)NULL);
	cJSON *unknown = assert_data(&c, 202);
	ck_assert(cJSON_Compare(known, unknown, 1));
	cJSON_Delete(known);
	cJSON_Delete(unknown);

	/* a link of another member's, used through the API */
	struct member other;
	member_new(&other, "user");
	char *token = NULL;
	cJSON *user = NULL;
	ck_assert_int_eq(mq_reset_start(test_ctx.db, other.email, &token, &user), MQ_OK);
	cJSON_Delete(user);
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"short\"}", token);
	run(&auth_app, &c, "POST", "/api/v1/auth/password/reset", "BODY", body, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/password/reset", "8 to 72");
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"password\":\"from the link\"}", token);
	run(&auth_app, &c, "POST", "/api/v1/auth/password/reset", "BODY", body, (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));
	run(&auth_app, &c, "POST", "/api/v1/auth/password/reset", "BODY", body, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/auth/password/reset", "already used");
	free(token);
	ck_assert_int_eq(test_signs_in(test_ctx.db, &test_cfg, other.email, "from the link"), 1);
}
END_TEST

Suite *handlers_auth_suite(void)
{
	Suite *s = suite_create("handlers-auth");
	TCase *tc = tcase_create("auth");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, auth_unknown_path);
	tcase_add_test(tc, auth_register);
	tcase_add_test(tc, auth_register_invalid);
	tcase_add_test(tc, auth_login);
	tcase_add_test(tc, auth_login_invalid);
	tcase_add_test(tc, auth_refresh);
	tcase_add_test(tc, auth_refresh_invalid);
	tcase_add_test(tc, auth_logout);
	tcase_add_test(tc, auth_logout_refresh_only);
	tcase_add_test(tc, auth_pages);
	tcase_add_test(tc, auth_register_page);
	tcase_add_test(tc, auth_password_reset);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
