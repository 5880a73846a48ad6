/* check_handlers.c — the workers' route tables driven through mq_worker_handle() in memory. */
#include "../lib/suites.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/template.h"
#include "site/route.h"
#include "site/worker.h"
#include "store/db.h"
#include "web/ctx.h"
#include "web/http.h"
#include "web/response.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* Exported by the worker sources (cgi-bin/<name>.c) when compiled with -DMQ_TESTING. */
extern const mq_app health_app, auth_app, movies_app;

#define ATTRIBUTION "This product uses the TMDB API but is not endorsed or certified by TMDB."

static mq_config cfg;
static mq_ctx ctx;
static mq_arena *arena;
static mq_req req;
static mq_res res;
static mq_buf out;
static int live; /* ctx.db is a live pool */

/* The environment the tests configure the workers with: no TMDB credentials, whatever is set. */
static const char *test_env(const char *name, void *data)
{
	(void)data;
	if (!strcmp(name, "JWT_SECRET"))
		return "0123456789abcdef0123456789abcdef01234567";
	if (!strcmp(name, "TEMPLATE_DIR"))
		return "templates";
	if (!strcmp(name, "MONGODB_URI"))
		return getenv("MONGODB_URI");
	if (!strcmp(name, "TMDB_BASE_URL"))
		return "http://127.0.0.1:1/3";
	return NULL;
}

static void setup(void)
{
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, MQ_CONFIG_NEED_JWT, test_env, NULL, &problems);
	ck_assert_msg(n == 0, "configuration: %s", mq_buf_cstr(&problems));
	mq_buf_free(&problems);
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = &cfg;
	ctx.started = time(NULL);
	ctx.app_name = "handlers";
	const char *uri = getenv("MONGODB_URI");
	live = uri && *uri;
	if (live) {
		mq_buf err = MQ_BUF_INIT;
		test_mongoc_once();
		ctx.db = mq_db_open(cfg.mongodb_uri, cfg.db_name, "marquee-handlers", MQ_DB_TIMEOUTS_PROBE, &err);
		ck_assert_msg(ctx.db != NULL, "%s", mq_buf_cstr(&err));
		mq_buf_free(&err);
	}
	arena = mq_arena_new();
	mq_res_init(&res);
	mq_buf_init(&out);
}

static void teardown(void)
{
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	mq_db_close(ctx.db);
	mq_tmpl_set_free(ctx.templates);
	memset(&ctx, 0, sizeof ctx);
	mq_config_free(&cfg);
}

/* A parsed CGI response. */
struct cgi {
	int status;
	mq_kvlist headers;
	const char *body;
	size_t body_len;
};

/* Runs app on method and path with extra CGI parameter pairs (ending with NULL) and parses the
 * CGI output. */
static void run(const mq_app *app, struct cgi *c, const char *method, const char *path, ...)
	__attribute__((sentinel));
static void run(const mq_app *app, struct cgi *c, const char *method, const char *path, ...)
{
	va_list ap;
	mq_arena_reset(arena);
	mq_res_reset(&res);
	mq_buf_reset(&out);
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
	mq_worker_handle(app, &req, &res, &out);

	const char *p = mq_buf_cstr(&out), *end = p + out.len;
	memset(c, 0, sizeof *c);
	ck_assert_msg(sscanf(p, "Status: %3d ", &c->status) == 1, "no Status line: %s", p);
	p = strstr(p, "\r\n") + 2;
	while (p < end && strncmp(p, "\r\n", 2)) {
		const char *eol = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(eol);
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		ck_assert_msg(colon && colon[1] == ' ', "malformed header line");
		mq_kvlist_add(arena, &c->headers, mq_arena_strndup(arena, p, (size_t)(colon - p)),
			      mq_arena_strndup(arena, colon + 2, (size_t)(eol - colon - 2)));
		p = eol + 2;
	}
	ck_assert_msg(p + 2 <= end, "no blank line after the headers");
	c->body = p + 2;
	c->body_len = (size_t)(end - c->body);
	const char *cl = mq_kvlist_get(&c->headers, "Content-Length");
	if (cl && req.method != MQ_HEAD)
		ck_assert_int_eq(strtoul(cl, NULL, 10), c->body_len);
}

static cJSON *json_of(const struct cgi *c)
{
	ck_assert_str_eq(mq_kvlist_get(&c->headers, "Content-Type"), "application/json; charset=utf-8");
	cJSON *j = cJSON_ParseWithLength(c->body, c->body_len);
	ck_assert_msg(j != NULL, "not JSON: %.*s", (int)c->body_len, c->body);
	return j;
}

static const char *str_at(const cJSON *j, const char *a, const char *b, const char *cname)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	if (cname)
		v = cJSON_GetObjectItemCaseSensitive(v, cname);
	ck_assert_msg(cJSON_IsString(v), "%s.%s.%s is not a string", a, b ? b : "", cname ? cname : "");
	return v->valuestring;
}

/* The error shape with status for path. */
static void assert_error_shape(const struct cgi *c, int status, const char *path)
{
	ck_assert_int_eq(c->status, status);
	cJSON *j = json_of(c);
	ck_assert_int_eq(cJSON_GetArraySize(j), 6);
	ck_assert_str_eq(str_at(j, "status", NULL, NULL), "error");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(j, "statusCode")->valuedouble, status);
	ck_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "message")));
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "errors")));
	const char *ts = str_at(j, "timestamp", NULL, NULL);
	ck_assert_int_eq(ts[strlen(ts) - 1], 'Z');
	ck_assert_str_eq(str_at(j, "path", NULL, NULL), path);
	cJSON_Delete(j);
}

START_TEST(health_overall)
{
	struct cgi c;
	run(&health_app, &c, "GET", "/api/v1/health", (const char *)NULL);
	ck_assert_int_eq(c.status, live ? 200 : 503);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Cache-Control"), "no-store");
	ck_assert_int_eq(mq_kvlist_get(&c.headers, "ETag") != NULL, c.status == 200);
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "status", NULL), live ? "ok" : "unavailable");
	ck_assert_str_eq(str_at(j, "data", "database", "status"), live ? "up" : "down");
	ck_assert_str_eq(str_at(j, "data", "version", NULL), MQ_VERSION);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(data, "uptime_seconds")));
	ck_assert(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "memory"),
						    "rss_bytes")->valuedouble > 0);
	if (live)
		ck_assert_str_eq(str_at(j, "data", "database", "name"), cfg.db_name);
	cJSON_Delete(j);

	/* HEAD: the same status, no body */
	run(&health_app, &c, "HEAD", "/api/v1/health", (const char *)NULL);
	ck_assert_int_eq(c.status, live ? 200 : 503);
	ck_assert_int_eq(c.body_len, 0);
	ck_assert_ptr_nonnull(mq_kvlist_get(&c.headers, "Content-Length"));
}
END_TEST

START_TEST(health_parts)
{
	struct cgi c;
	run(&health_app, &c, "GET", "/api/v1/health/database", (const char *)NULL);
	ck_assert_int_eq(c.status, live ? 200 : 503);
	cJSON *j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "database", "status"), live ? "up" : "down");
	ck_assert_str_eq(str_at(j, "data", "status", NULL), live ? "ok" : "unavailable");
	cJSON_Delete(j);

	run(&health_app, &c, "GET", "/api/v1/health/tmdb", (const char *)NULL);
	ck_assert_int_eq(c.status, 503);
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "tmdb", "status"), "unconfigured");
	ck_assert_str_eq(str_at(j, "data", "tmdb", "credentials"), "none");
	ck_assert_str_eq(str_at(j, "data", "status", NULL), "unavailable");
	cJSON_Delete(j);

	run(&health_app, &c, "GET", "/api/v1/health/cache", (const char *)NULL);
	ck_assert_int_eq(c.status, live ? 200 : 503);
	j = json_of(&c);
	ck_assert_str_eq(str_at(j, "data", "cache", "status"), live ? "up" : "down");
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
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Allow"), "GET, HEAD, OPTIONS");

	run(&health_app, &c, "OPTIONS", "/api/v1/health/tmdb", (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Allow"), "GET, HEAD, OPTIONS");

	/* nginx's error locations land here */
	run(&health_app, &c, "GET", "/api/v1/movies", "MQ_ERROR_STATUS", "429", (const char *)NULL);
	assert_error_shape(&c, 429, "/api/v1/movies");
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Retry-After"), "1");
	run(&health_app, &c, "GET", "/api/v1/movies", "MQ_ERROR_STATUS", "502", (const char *)NULL);
	assert_error_shape(&c, 503, "/api/v1/movies");
	run(&health_app, &c, "BREW", "/api/v1/health", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/health");
}
END_TEST

START_TEST(auth_unknown_path)
{
	struct cgi c;
	run(&auth_app, &c, "GET", "/api/v1/auth/anything", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/auth/anything");
	run(&auth_app, &c, "DELETE", "/api/v1/auth/anything/else", (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/auth/anything/else");
}
END_TEST

START_TEST(movies_home)
{
	struct cgi c;
	mq_buf err = MQ_BUF_INIT;
	ctx.templates = mq_tmpl_set_new();
	ck_assert_msg(mq_tmpl_set_load_dir(ctx.templates, cfg.template_dir, &err) == 0, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);

	run(&movies_app, &c, "GET", "/", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Type"), "text/html; charset=utf-8");
	char *body = strndup(c.body, c.body_len);
	ck_assert_ptr_nonnull(strstr(body, "<html"));
	ck_assert_ptr_nonnull(strstr(body, "dir=\"ltr\""));
	ck_assert_ptr_nonnull(strstr(body, ATTRIBUTION));
	ck_assert_ptr_nonnull(strstr(body, "tmdb-logo.svg"));
	free(body);

	/* Persian */
	run(&movies_app, &c, "GET", "/", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	body = strndup(c.body, c.body_len);
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
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

START_TEST(movies_without_templates)
{
	struct cgi c;
	run(&movies_app, &c, "GET", "/", (const char *)NULL);
	ck_assert_int_eq(c.status, 500);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Type"), "text/html; charset=utf-8");
}
END_TEST

static Suite *handlers_suite(void)
{
	Suite *s = suite_create("handlers");
	TCase *health = tcase_create("health");
	TCase *others = tcase_create("others");

	tcase_add_checked_fixture(health, setup, teardown);
	tcase_add_test(health, health_overall);
	tcase_add_test(health, health_parts);
	tcase_add_test(health, health_errors);
	tcase_set_timeout(health, 30);
	suite_add_tcase(s, health);

	tcase_add_checked_fixture(others, setup, teardown);
	tcase_add_test(others, auth_unknown_path);
	tcase_add_test(others, movies_home);
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
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
