/* check_route.c — unit tests for lib/site/route.c: pattern matching, dispatch, authentication, flags. */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/jwt.h"
#include "domain/session.h"
#include "site/route.h"
#include "web/ctx.h"
#include "web/http.h"
#include "web/response.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

/* ---- mq_route_match ---- */

static const struct {
	const char *pattern, *path;
	int match;
	const char *captures; /* "name=value;…" when it matches */
} match_cases[] = {
	{ "/", "/", 1, "" },
	{ "/", "/x", 0, NULL },
	{ "/api/v1/movies", "/api/v1/movies", 1, "" },
	{ "/api/v1/movies", "/api/v1/movie", 0, NULL },      /* literal mismatch */
	{ "/api/v1/movies", "/api/v1/moviesx", 0, NULL },
	{ "/api/v1/movies", "/api/v2/movies", 0, NULL },
	{ "/api/v1/movies", "/api/v1/movies/1", 0, NULL },   /* extra segment */
	{ "/api/v1/movies", "/api/v1/movies/", 0, NULL },    /* trailing slash is dispatch's job */
	{ "/api/v1/movies", "/api/v1", 0, NULL },            /* missing segment */
	{ "/api/v1/movies", "", 0, NULL },
	{ "/api/v1/movies/:id", "/api/v1/movies/42", 1, "id=42;" },
	{ "/api/v1/movies/:id", "/api/v1/movies/", 0, NULL },        /* empty capture */
	{ "/api/v1/movies/:id", "/api/v1/movies", 0, NULL },         /* missing capture */
	{ "/api/v1/movies/:id", "/api/v1/movies/42/x", 0, NULL },
	{ "/api/v1/movies/:id/reviews", "/api/v1/movies/abc/reviews", 1, "id=abc;" },
	{ "/api/v1/movies/:id/reviews", "/api/v1/movies//reviews", 0, NULL },
	{ "/api/v1/movies/:id/reviews", "/api/v1/movies/abc/review", 0, NULL }, /* after a capture */
	{ "/api/v1/users/:uid/lists/:lid", "/api/v1/users/u1/lists/l-2", 1, "uid=u1;lid=l-2;" },
	{ "/api/v1/users/:uid/lists/:lid", "/api/v1/users/u1/lists", 0, NULL },
	{ "/a/:x", "/a/%20b.c", 1, "x=%20b.c;" },
	{ "/a/:x", "a/b", 0, NULL },
};

START_TEST(route_match)
{
	mq_arena *a = mq_arena_new();
	mq_req req;
	mq_req_init(&req, a, "GET", "/");
	mq_kvlist_add(a, &req.route, "keep", "me"); /* captures are appended after what is there */
	int got = mq_route_match(match_cases[_i].pattern, match_cases[_i].path, &req);
	ck_assert_msg(got == match_cases[_i].match, "%s vs %s: %d", match_cases[_i].pattern,
		      match_cases[_i].path, got);
	ck_assert_int_eq(mq_route_match(match_cases[_i].pattern, match_cases[_i].path, NULL), got);
	ck_assert_str_eq(req.route.items[0].key, "keep");
	mq_buf caps = MQ_BUF_INIT;
	for (size_t i = 1; i < req.route.n; i++)
		mq_buf_printf(&caps, "%s=%s;", req.route.items[i].key, req.route.items[i].value);
	/* a failed match leaves no partial captures behind */
	ck_assert_str_eq(mq_buf_cstr(&caps), got ? match_cases[_i].captures : "");
	mq_buf_free(&caps);
	mq_arena_free(a);
}
END_TEST

/* ---- mq_dispatch ---- */

static char secret[] = "0123456789abcdef0123456789abcdef01234567"; /* 40 bytes */
static mq_config cfg;
static mq_ctx ctx;
static mq_arena *arena;
static mq_req req;
static mq_res res;

/* What the last handler saw. */
static const char *ran;
static const mq_user *seen_user;
static const char *seen_id;

static void record(mq_req *r, mq_res *s, const char *name)
{
	ran = name;
	seen_user = r->user;
	seen_id = mq_req_route(r, "id");
	mq_reply_data(r, s, 200, cJSON_CreateString(name));
}

static void h_list(mq_req *r, mq_res *s) { record(r, s, "list"); }
static void h_create(mq_req *r, mq_res *s) { record(r, s, "create"); }
static void h_get(mq_req *r, mq_res *s) { record(r, s, "get"); }
static void h_delete(mq_req *r, mq_res *s) { record(r, s, "delete"); }
static void h_me(mq_req *r, mq_res *s) { record(r, s, "me"); }
static void h_stats(mq_req *r, mq_res *s) { record(r, s, "stats"); }
static void h_login(mq_req *r, mq_res *s) { record(r, s, "login"); }
static void h_home(mq_req *r, mq_res *s) { record(r, s, "home"); }

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/items", h_list, 0 },
	{ MQ_POST, "/api/v1/items", h_create, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/items/:id", h_get, 0 },
	{ MQ_DELETE, "/api/v1/items/:id", h_delete, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/me", h_me, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/admin/stats", h_stats, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/login", h_login, MQ_CSRF },
	{ MQ_GET, "/", h_home, 0 },
};

static const mq_app app = {
	.name = "test",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_AUTH,
};

/* The same table in an app that does not authenticate. */
static const mq_app app_noauth = {
	.name = "noauth",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = 0,
};

static void setup(void)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.jwt_secret = secret;
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = &cfg;
	ctx.app_name = "test";
	ctx.started = time(NULL);
	arena = mq_arena_new();
	mq_res_init(&res);
	ran = NULL;
	seen_user = NULL;
	seen_id = NULL;
}

static void teardown(void)
{
	mq_res_free(&res);
	mq_arena_free(arena);
	arena = NULL;
}

/* Builds the request: method, path, then CGI parameter pairs ending with NULL. */
static void build(const char *method, const char *path, ...) __attribute__((sentinel));
static void build(const char *method, const char *path, ...)
{
	va_list ap;
	mq_arena_reset(arena);
	mq_res_reset(&res);
	ran = NULL;
	seen_user = NULL;
	seen_id = NULL;
	mq_req_init(&req, arena, NULL, NULL);
	req.ctx = &ctx;
	mq_req_add_param(&req, "REQUEST_METHOD", method);
	mq_req_add_param(&req, "DOCUMENT_URI", path);
	mq_req_add_param(&req, "REQUEST_URI", path);
	va_start(ap, path);
	for (const char *k; (k = va_arg(ap, const char *));)
		mq_req_add_param(&req, k, va_arg(ap, const char *));
	va_end(ap);
	mq_req_parse_params(&req);
}

static void dispatch(const char *method, const char *path, ...) __attribute__((sentinel));
static void dispatch(const char *method, const char *path, ...)
{
	/* at most three parameter pairs, which is all these tests use */
	va_list ap;
	const char *kv[6] = { 0 };
	va_start(ap, path);
	for (int i = 0; i < 6; i += 2) {
		if (!(kv[i] = va_arg(ap, const char *)))
			break;
		kv[i + 1] = va_arg(ap, const char *);
	}
	va_end(ap);
	build(method, path, kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], (const char *)NULL);
	mq_dispatch(&app, &req, &res);
}

/* A token for user id with role, expiring exp_in seconds from now, signed with key. */
static const char *token_with(const char *role, long exp_in, const char *key)
{
	mq_jwt_claims c;
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "%s", "65f0a1b2c3d4e5f601234567");
	snprintf(c.role, sizeof c.role, "%s", role);
	snprintf(c.jti, sizeof c.jti, "%s", "jti-1");
	long long now = (long long)time(NULL);
	c.iat = c.nbf = now - 60;
	c.exp = now + exp_in;
	c.tv = 3;
	mq_buf b = MQ_BUF_INIT;
	mq_jwt_sign(&c, key, strlen(key), &b);
	/* the arena is reset by build(); these strings live in static storage instead */
	static char slots[8][1024];
	static int next;
	char *s = slots[next++ % 8];
	snprintf(s, sizeof slots[0], "%s", mq_buf_cstr(&b));
	mq_buf_free(&b);
	return s;
}

static const char *token(const char *role)
{
	return token_with(role, 3600, secret);
}

static const char *bearer(const char *tok)
{
	static char slots[4][1100];
	static int next;
	char *s = slots[next++ % 4];
	snprintf(s, sizeof slots[0], "Bearer %s", tok);
	return s;
}

static const char *session_cookie(const char *tok, const char *csrf)
{
	static char slots[4][1200];
	static int next;
	char *s = slots[next++ % 4];
	if (csrf)
		snprintf(s, sizeof slots[0], "mq_theme=dark; mq_session=%s; mq_csrf=%s", tok, csrf);
	else
		snprintf(s, sizeof slots[0], "mq_session=%s", tok);
	return s;
}

static cJSON *body_json(void)
{
	cJSON *j = cJSON_ParseWithLength(res.body.data, res.body.len);
	ck_assert_msg(j != NULL, "body is not JSON: %s", mq_buf_cstr(&res.body));
	return j;
}

/* The response is the error shape with status (and the handler did not run). */
static void assert_error(int status)
{
	ck_assert_msg(res.status == status, "status %d, want %d (%s)", res.status, status,
		      mq_buf_cstr(&res.body));
	ck_assert_msg(ran == NULL, "handler %s ran", ran);
	ck_assert_str_eq(res.content_type, "application/json; charset=utf-8");
	cJSON *j = body_json();
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "status")->valuestring, "error");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(j, "statusCode")->valuedouble, status);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "errors")));
	ck_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "timestamp")));
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "path")->valuestring, req.display_path);
	cJSON_Delete(j);
}

static void assert_ran(const char *handler)
{
	ck_assert_msg(ran && !strcmp(ran, handler), "ran %s, want %s (status %d: %s)",
		      ran ? ran : "nothing", handler, res.status, mq_buf_cstr(&res.body));
	ck_assert_int_eq(res.status, 200);
}

static int errors_mention(const char *needle)
{
	cJSON *j = body_json();
	const cJSON *e;
	int found = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "errors"))
		found |= strstr(e->valuestring, needle) != NULL;
	cJSON_Delete(j);
	return found;
}

START_TEST(unknown_path)
{
	dispatch("GET", "/api/v1/nothing-here", NULL);
	assert_error(404);
	ck_assert_ptr_null(mq_res_get_header(&res, "Allow"));

	dispatch("POST", "/api/v1/items/1/2", NULL);
	assert_error(404);

	/* a page path gets the HTML error page */
	dispatch("GET", "/no/such/page", NULL);
	ck_assert_int_eq(res.status, 404);
	ck_assert_ptr_null(ran);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
}
END_TEST

START_TEST(wrong_method)
{
	dispatch("PATCH", "/api/v1/items", NULL);
	assert_error(405);
	ck_assert_str_eq(mq_res_get_header(&res, "Allow"), "GET, HEAD, POST, OPTIONS");
	ck_assert(errors_mention("PATCH"));

	/* the union of every row whose pattern matches */
	dispatch("PUT", "/api/v1/items/9", NULL);
	assert_error(405);
	ck_assert_str_eq(mq_res_get_header(&res, "Allow"), "GET, HEAD, DELETE, OPTIONS");

	/* HEAD only where GET is */
	dispatch("HEAD", "/api/v1/login", NULL);
	assert_error(405);
	ck_assert_str_eq(mq_res_get_header(&res, "Allow"), "POST, OPTIONS");
	dispatch("GET", "/api/v1/login", NULL);
	assert_error(405);
}
END_TEST

START_TEST(head_is_get)
{
	dispatch("HEAD", "/api/v1/items/77", NULL);
	assert_ran("get");
	ck_assert_str_eq(seen_id, "77");
	ck_assert_int_eq(req.method, MQ_HEAD); /* the serialiser drops the body */
}
END_TEST

START_TEST(options)
{
	dispatch("OPTIONS", "/api/v1/items", NULL);
	ck_assert_int_eq(res.status, 204);
	ck_assert_ptr_null(ran);
	ck_assert_int_eq(res.body.len, 0);
	ck_assert_str_eq(mq_res_get_header(&res, "Allow"), "GET, HEAD, POST, OPTIONS");
	mq_buf out = MQ_BUF_INIT;
	mq_res_serialize(&req, &res, &out);
	ck_assert_str_eq(mq_buf_cstr(&out), "Status: 204 No Content\r\nAllow: GET, HEAD, POST, OPTIONS\r\n\r\n");
	mq_buf_free(&out);

	dispatch("OPTIONS", "/api/v1/login", NULL);
	ck_assert_int_eq(res.status, 204);
	ck_assert_str_eq(mq_res_get_header(&res, "Allow"), "POST, OPTIONS");

	/* OPTIONS of an unknown path is still a 404 */
	dispatch("OPTIONS", "/api/v1/nope", NULL);
	assert_error(404);
}
END_TEST

START_TEST(trailing_slash)
{
	dispatch("GET", "/api/v1/items/", NULL);
	assert_ran("list");
	dispatch("GET", "/api/v1/items/5/", NULL);
	assert_ran("get");
	ck_assert_str_eq(seen_id, "5");
	ck_assert_str_eq(req.display_path, "/api/v1/items/5/"); /* errors still show what was asked */
	dispatch("GET", "/", NULL);
	assert_ran("home");
	dispatch("GET", "/api/v1/items//", NULL);
	assert_error(404);
}
END_TEST

START_TEST(bad_query)
{
	dispatch("GET", "/api/v1/items", "QUERY_STRING", "page=%zz", NULL);
	assert_error(400);
	ck_assert(errors_mention("query string"));
	dispatch("GET", "/api/v1/items", "QUERY_STRING", "q=%C3%28", NULL); /* invalid UTF-8 */
	assert_error(400);
	dispatch("GET", "/api/v1/items", "QUERY_STRING", "q=%00", NULL);
	assert_error(400);
	dispatch("GET", "/api/v1/items", "QUERY_STRING", "page=2&q=caf%C3%A9", NULL);
	assert_ran("list");
	ck_assert_str_eq(mq_req_query(&req, "q"), "caf\xc3\xa9");
}
END_TEST

START_TEST(needs_auth)
{
	dispatch("GET", "/api/v1/me", NULL);
	assert_error(401);
	ck_assert_str_eq(mq_res_get_header(&res, "WWW-Authenticate"), "Bearer");

	dispatch("GET", "/api/v1/me", "HTTP_AUTHORIZATION", bearer(token("user")), NULL);
	assert_ran("me");
	ck_assert_ptr_nonnull(seen_user);
	ck_assert_str_eq(seen_user->id, "65f0a1b2c3d4e5f601234567");
	ck_assert_str_eq(seen_user->role, "user");
	ck_assert_int_eq(seen_user->token_version, 3);
	ck_assert_int_eq(seen_user->via_cookie, 0);

	/* the scheme is case-insensitive (RFC 9110 §11.1) */
	char lower[1100];
	snprintf(lower, sizeof lower, "bearer %s", token("user"));
	dispatch("GET", "/api/v1/me", "HTTP_AUTHORIZATION", lower, NULL);
	assert_ran("me");

	/* a browser session */
	dispatch("GET", "/api/v1/me", "HTTP_COOKIE", session_cookie(token("admin"), NULL), NULL);
	assert_ran("me");
	ck_assert_str_eq(seen_user->role, "admin");
	ck_assert_int_eq(seen_user->via_cookie, 1);

	/* public routes see the user too */
	dispatch("GET", "/api/v1/items", "HTTP_AUTHORIZATION", bearer(token("user")), NULL);
	assert_ran("list");
	ck_assert_ptr_nonnull(seen_user);
	dispatch("GET", "/api/v1/items", NULL);
	assert_ran("list");
	ck_assert_ptr_null(seen_user);
}
END_TEST

START_TEST(bad_bearer)
{
	const char *bad[] = {
		token_with("user", -3600, secret),                        /* expired an hour ago */
		token_with("user", 3600, "another-secret-another-secret-another!!"), /* wrong key */
		"garbage",
		"a.b.c",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* even on a public route: the client sent credentials that do not work */
		dispatch("GET", "/api/v1/items", "HTTP_AUTHORIZATION", bearer(bad[i]), NULL);
		assert_error(401);
		ck_assert_str_eq(mq_res_get_header(&res, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
		dispatch("GET", "/api/v1/me", "HTTP_AUTHORIZATION", bearer(bad[i]), NULL);
		assert_error(401);
	}
	/* a bad token wins over a good session cookie */
	dispatch("GET", "/api/v1/items", "HTTP_AUTHORIZATION", bearer("garbage"), "HTTP_COOKIE",
		 session_cookie(token("user"), NULL), NULL);
	assert_error(401);
}
END_TEST

START_TEST(bad_cookie_is_anonymous)
{
	const char *bad[] = { "garbage", token_with("user", -3600, secret),
			      token_with("admin", 3600, "another-secret-another-secret-another!!") };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dispatch("GET", "/api/v1/items", "HTTP_COOKIE", session_cookie(bad[i], NULL), NULL);
		assert_ran("list");
		ck_assert_ptr_null(seen_user);
		dispatch("GET", "/api/v1/me", "HTTP_COOKIE", session_cookie(bad[i], NULL), NULL);
		assert_error(401);
		ck_assert_str_eq(mq_res_get_header(&res, "WWW-Authenticate"), "Bearer");
	}
}
END_TEST

START_TEST(needs_admin)
{
	dispatch("GET", "/api/v1/admin/stats", NULL);
	assert_error(401);
	dispatch("GET", "/api/v1/admin/stats", "HTTP_AUTHORIZATION", bearer(token("user")), NULL);
	assert_error(403);
	dispatch("GET", "/api/v1/admin/stats", "HTTP_COOKIE", session_cookie(token("user"), NULL), NULL);
	assert_error(403);
	dispatch("GET", "/api/v1/admin/stats", "HTTP_AUTHORIZATION", bearer(token("admin")), NULL);
	assert_ran("stats");
	ck_assert_str_eq(seen_user->role, "admin");
	dispatch("GET", "/api/v1/admin/stats", "HTTP_COOKIE", session_cookie(token("admin"), NULL), NULL);
	assert_ran("stats"); /* a GET: no CSRF flag on this row */
}
END_TEST

START_TEST(csrf)
{
	const char *tok = token("user"), *adm = token("admin");
	char good[44], other[44], form[80];
	mq_csrf_token(secret, "jti-1", good);    /* the tokens above carry jti "jti-1" */
	mq_csrf_token(secret, "jti-2", other);   /* another session's token */

	/* cookie session: no header, a wrong one, another session's, a truncated one */
	dispatch("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, good), NULL);
	assert_error(403);
	ck_assert(errors_mention("X-CSRF-Token"));
	dispatch("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, good), MQ_CSRF_HEADER, other, NULL);
	assert_error(403);
	char truncated[44];
	memcpy(truncated, good, 42);
	truncated[42] = '\0';
	dispatch("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, good), MQ_CSRF_HEADER, truncated, NULL);
	assert_error(403);
	/* the cookie merely carries the token to scripts; agreeing with it proves nothing */
	dispatch("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, "forged-but-equal-forged-but-equal-0123456"),
		 MQ_CSRF_HEADER, "forged-but-equal-forged-but-equal-0123456", NULL);
	assert_error(403);

	/* the session's own token, in the header or (forms without JavaScript) the _csrf field */
	dispatch("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, NULL), MQ_CSRF_HEADER, good, NULL);
	assert_ran("create");
	ck_assert_int_eq(seen_user->via_cookie, 1);
	snprintf(form, sizeof form, "name=x&_csrf=%s", good);
	build("POST", "/api/v1/items", "HTTP_COOKIE", session_cookie(tok, NULL), "CONTENT_TYPE",
	      "application/x-www-form-urlencoded", (const char *)NULL);
	mq_req_set_body(&req, form, strlen(form));
	mq_dispatch(&app, &req, &res);
	assert_ran("create");

	/* bearer-authenticated requests are exempt (no ambient credentials) */
	dispatch("POST", "/api/v1/items", "HTTP_AUTHORIZATION", bearer(tok), NULL);
	assert_ran("create");
	ck_assert_int_eq(seen_user->via_cookie, 0);

	/* NEEDS_ADMIN | CSRF */
	dispatch("DELETE", "/api/v1/items/3", "HTTP_COOKIE", session_cookie(adm, good), NULL);
	assert_error(403);
	dispatch("DELETE", "/api/v1/items/3", "HTTP_COOKIE", session_cookie(adm, good), MQ_CSRF_HEADER, good, NULL);
	assert_ran("delete");
	ck_assert_str_eq(seen_id, "3");
	dispatch("DELETE", "/api/v1/items/3", "HTTP_AUTHORIZATION", bearer(adm), NULL);
	assert_ran("delete");

	/* anonymous on a CSRF-only route: nothing ambient to protect */
	dispatch("POST", "/api/v1/login", NULL);
	assert_ran("login");
}
END_TEST

START_TEST(app_without_auth)
{
	/* credentials are not even looked at: bad ones do not fail, good ones do not count */
	build("GET", "/api/v1/items", "HTTP_AUTHORIZATION", "Bearer garbage", (const char *)NULL);
	mq_dispatch(&app_noauth, &req, &res);
	assert_ran("list");
	ck_assert_ptr_null(seen_user);
	build("GET", "/api/v1/me", "HTTP_AUTHORIZATION", bearer(token("admin")), (const char *)NULL);
	mq_dispatch(&app_noauth, &req, &res);
	assert_error(401);
}
END_TEST

START_TEST(nginx_errors)
{
	dispatch("POST", "/api/v1/items", "MQ_ERROR_STATUS", "413", NULL);
	assert_error(413);
	ck_assert(errors_mention("larger"));
	cJSON *j = body_json();
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring, "Request body too large");
	cJSON_Delete(j);

	dispatch("GET", "/api/v1/items", "MQ_ERROR_STATUS", "429", NULL);
	assert_error(429);
	ck_assert_str_eq(mq_res_get_header(&res, "Retry-After"), "1");

	dispatch("GET", "/api/v1/items", "MQ_ERROR_STATUS", "502", NULL);
	assert_error(503);
	ck_assert_ptr_null(mq_res_get_header(&res, "Retry-After"));
	dispatch("GET", "/api/v1/anything/at/all", "MQ_ERROR_STATUS", "504", NULL);
	assert_error(503);

	/* before routing and authentication */
	dispatch("GET", "/api/v1/me", "MQ_ERROR_STATUS", "429", "HTTP_AUTHORIZATION", "Bearer garbage", NULL);
	assert_error(429);

	/* a page path gets the HTML page */
	dispatch("GET", "/movies", "MQ_ERROR_STATUS", "429", NULL);
	ck_assert_int_eq(res.status, 429);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
	ck_assert_str_eq(mq_res_get_header(&res, "Retry-After"), "1");

	/* nonsense is ignored: normal routing */
	dispatch("GET", "/api/v1/items", "MQ_ERROR_STATUS", "200", NULL);
	assert_ran("list");
	dispatch("GET", "/api/v1/items", "MQ_ERROR_STATUS", "abc", NULL);
	assert_ran("list");
	dispatch("GET", "/api/v1/items", "MQ_ERROR_STATUS", "", NULL);
	assert_ran("list");
}
END_TEST

START_TEST(authenticate_direct)
{
	build("GET", "/x", "HTTP_AUTHORIZATION", bearer(token("user")), (const char *)NULL);
	ck_assert_int_eq(mq_authenticate(&req), MQ_OK);
	ck_assert_ptr_nonnull(req.user);

	/* no secret configured: a bearer token cannot verify */
	cfg.jwt_secret = NULL;
	build("GET", "/x", "HTTP_AUTHORIZATION", bearer(token("user")), (const char *)NULL);
	ck_assert_int_eq(mq_authenticate(&req), MQ_EUNAUTH);
	ck_assert_ptr_null(req.user);
	build("GET", "/x", "HTTP_COOKIE", session_cookie(token("user"), NULL), (const char *)NULL);
	ck_assert_int_eq(mq_authenticate(&req), MQ_OK);
	ck_assert_ptr_null(req.user);
	cfg.jwt_secret = secret;
}
END_TEST

/* The one place a request's audience is made (mq_route_audience). */
START_TEST(audience_of_request)
{
	cfg.visitor_age = 13;
	build("GET", "/", "HTTP_COOKIE", "mq_region=DE", (const char *)NULL);
	mq_route_audience(&req);
	ck_assert_int_eq(req.audience.age, 13);
	ck_assert_int_eq(req.audience.adult_ok, 0);
	ck_assert_str_eq(req.audience.region, "DE");
	build("GET", "/", "HTTP_ACCEPT_LANGUAGE", "fa-IR,en;q=0.5", (const char *)NULL);
	mq_route_audience(&req);
	ck_assert_str_eq(req.audience.region, "IR");

	/* a member: their age, their opt-in when 18 or older, their region, else their language's */
	mq_user u = { .id = "5f0c0ffee0c0ffee0c0ffee0", .role = "user", .date_of_birth = "1990-01-01",
		      .adult_content = 1, .language = "fa" };
	build("GET", "/", "HTTP_COOKIE", "mq_region=DE", (const char *)NULL);
	req.user = &u;
	mq_route_audience(&req);
	ck_assert_int_ge(req.audience.age, 36);
	ck_assert_int_eq(req.audience.adult_ok, 1);
	ck_assert_str_eq(req.audience.region, "IR");
	u.region = "GB";
	mq_route_audience(&req);
	ck_assert_str_eq(req.audience.region, "GB");
	u.region = "ZZ"; /* not a region of the setting: the language's */
	u.language = NULL; /* nor a language: the page's */
	mq_route_audience(&req);
	ck_assert_str_eq(req.audience.region, "DE");
	/* without a date of birth (or with one to come), a visitor, whatever the opt-in says */
	u.date_of_birth = NULL;
	mq_route_audience(&req);
	ck_assert_int_eq(req.audience.age, 13);
	ck_assert_int_eq(req.audience.adult_ok, 0);
	u.date_of_birth = "2999-01-01";
	mq_route_audience(&req);
	ck_assert_int_eq(req.audience.age, 13);
	ck_assert_int_eq(req.audience.adult_ok, 0);
	/* dispatching sets it before the handler runs */
	build("GET", "/", "HTTP_COOKIE", "mq_region=NL", (const char *)NULL);
	req.audience.age = -1;
	mq_dispatch(&app_noauth, &req, &res);
	ck_assert_str_eq(ran, "home");
	ck_assert_int_eq(req.audience.age, 13);
	ck_assert_str_eq(req.audience.region, "NL");
}
END_TEST

Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *m = tcase_create("match");
	TCase *d = tcase_create("dispatch");

	tcase_add_loop_test(m, route_match, 0, (int)(sizeof match_cases / sizeof match_cases[0]));
	suite_add_tcase(s, m);

	tcase_add_checked_fixture(d, setup, teardown);
	tcase_add_test(d, unknown_path);
	tcase_add_test(d, wrong_method);
	tcase_add_test(d, head_is_get);
	tcase_add_test(d, options);
	tcase_add_test(d, trailing_slash);
	tcase_add_test(d, bad_query);
	tcase_add_test(d, needs_auth);
	tcase_add_test(d, bad_bearer);
	tcase_add_test(d, bad_cookie_is_anonymous);
	tcase_add_test(d, needs_admin);
	tcase_add_test(d, csrf);
	tcase_add_test(d, app_without_auth);
	tcase_add_test(d, nginx_errors);
	tcase_add_test(d, authenticate_direct);
	tcase_add_test(d, audience_of_request);
	suite_add_tcase(s, d);
	return s;
}
