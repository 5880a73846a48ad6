/* check_worker.c — unit tests for lib/site/worker.c: mq_worker_handle() on requests built in memory. */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "site/route.h"
#include "site/worker.h"
#include "web/ctx.h"
#include "web/http.h"
#include "web/response.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static int handler_runs;

static void h_hello(mq_req *req, mq_res *res)
{
	handler_runs++;
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "hello", mq_req_query(req, "name") ? mq_req_query(req, "name") : "world");
	mq_reply_data(req, res, 200, d);
}

static void h_echo(mq_req *req, mq_res *res)
{
	handler_runs++;
	mq_reply_data(req, res, 201, cJSON_CreateString(req->body));
}

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/hello", h_hello, 0 },
	{ MQ_POST, "/api/v1/echo", h_echo, 0 },
};

static const mq_app app = {
	.name = "unit",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = 0,
};

static mq_arena *arena;
static mq_req req;
static mq_res res;
static mq_buf out;
static mq_ctx ctx;
static mq_config cfg;

/* A parsed CGI response. */
struct cgi {
	int status;
	char reason[64];
	mq_kvlist headers;
	const char *body;
	size_t body_len;
};

static void setup(void)
{
	memset(&cfg, 0, sizeof cfg);
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = &cfg;
	ctx.app_name = "unit";
	ctx.started = time(NULL);
	arena = mq_arena_new();
	mq_res_init(&res);
	mq_buf_init(&out);
	handler_runs = 0;
}

static void teardown(void)
{
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	arena = NULL;
}

/* A request from CGI parameter pairs (ending with NULL), as the worker loop builds them. */
static void build(const char *first, ...) __attribute__((sentinel));
static void build(const char *first, ...)
{
	va_list ap;
	mq_arena_reset(arena);
	mq_res_reset(&res);
	mq_buf_reset(&out);
	mq_req_init(&req, arena, NULL, NULL);
	req.ctx = &ctx;
	va_start(ap, first);
	for (const char *k = first; k; k = va_arg(ap, const char *))
		mq_req_add_param(&req, k, va_arg(ap, const char *));
	va_end(ap);
	mq_req_parse_params(&req);
}

/* Parses out as a CGI response: "Status: NNN reason", header lines, a blank line, then exactly
 * Content-Length bytes of body (none for HEAD, 204 and 304). */
static void parse_cgi(struct cgi *c)
{
	const char *p = mq_buf_cstr(&out), *end = p + out.len;
	memset(c, 0, sizeof *c);
	ck_assert_msg(!strncmp(p, "Status: ", 8), "no Status line: %s", p);
	ck_assert_msg(sscanf(p, "Status: %3d %63[^\r\n]", &c->status, c->reason) == 2, "bad Status line");
	ck_assert_int_ge(c->status, 100);
	ck_assert_int_le(c->status, 599);
	ck_assert_str_eq(c->reason, mq_err_http_reason(c->status));
	p = strstr(p, "\r\n") + 2;
	while (p < end && strncmp(p, "\r\n", 2)) {
		const char *eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "header line without CRLF");
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		ck_assert_msg(colon && colon > p && colon[1] == ' ', "malformed header line");
		for (const char *q = p; q < colon; q++)
			ck_assert_msg(*q > ' ' && *q < 0x7f, "bad character in a header name");
		for (const char *q = p; q < eol; q++)
			ck_assert_msg(*q != '\n' && *q != '\r', "CR or LF inside a header line");
		mq_kvlist_add(arena, &c->headers, mq_arena_strndup(arena, p, (size_t)(colon - p)),
			      mq_arena_strndup(arena, colon + 2, (size_t)(eol - colon - 2)));
		p = eol + 2;
	}
	ck_assert_msg(p + 2 <= end, "no blank line after the headers");
	c->body = p + 2;
	c->body_len = (size_t)(end - c->body);
	const char *cl = mq_kvlist_get(&c->headers, "Content-Length");
	if (c->status == 204 || c->status == 304) {
		ck_assert_ptr_null(cl);
		ck_assert_int_eq(c->body_len, 0);
	} else {
		ck_assert_ptr_nonnull(cl);
		if (req.method != MQ_HEAD)
			ck_assert_int_eq(strtoul(cl, NULL, 10), c->body_len);
		else
			ck_assert_int_eq(c->body_len, 0);
	}
}

static cJSON *cgi_json(const struct cgi *c)
{
	ck_assert_str_eq(mq_kvlist_get(&c->headers, "Content-Type"), "application/json; charset=utf-8");
	cJSON *j = cJSON_ParseWithLength(c->body, c->body_len);
	ck_assert_msg(j != NULL, "body is not JSON");
	return j;
}

START_TEST(request_id_generated)
{
	struct cgi c;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "unit-%d-", (int)getpid());

	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	ck_assert_ptr_null(req.request_id);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_ptr_nonnull(req.request_id);
	ck_assert_msg(!strncmp(req.request_id, prefix, strlen(prefix)), "id %s", req.request_id);
	unsigned long first = strtoul(req.request_id + strlen(prefix), NULL, 10);
	ck_assert_uint_gt(first, 0);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 200);

	/* unique within the process */
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_uint_eq(strtoul(req.request_id + strlen(prefix), NULL, 10), first + 1);

	/* nginx's $request_id wins, then a client's X-Request-Id of sane length */
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", "REQUEST_ID", "0123abcd",
	      "HTTP_X_REQUEST_ID", "client-id", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_str_eq(req.request_id, "0123abcd");
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", "HTTP_X_REQUEST_ID", "client-id",
	      (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_str_eq(req.request_id, "client-id");
	char longid[80];
	memset(longid, 'x', 65);
	longid[65] = '\0';
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", "HTTP_X_REQUEST_ID", longid,
	      (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_msg(!strncmp(req.request_id, prefix, strlen(prefix)), "id %s", req.request_id);
}
END_TEST

START_TEST(unknown_method)
{
	struct cgi c;
	build("REQUEST_METHOD", "BREW", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	ck_assert_int_eq(req.method, 0);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_int_eq(handler_runs, 0);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 405);
	ck_assert_ptr_nonnull(mq_kvlist_get(&c.headers, "Allow")); /* the path's methods, as for any 405 */
	cJSON *j = cgi_json(&c);
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(j, "statusCode")->valuedouble, 405);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "path")->valuestring, "/api/v1/hello");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(j, "errors");
	ck_assert_int_eq(cJSON_GetArraySize(errors), 1);
	ck_assert_ptr_nonnull(strstr(cJSON_GetArrayItem(errors, 0)->valuestring, "BREW"));
	cJSON_Delete(j);

	/* lower case is not GET either; an absurd name is cut short in the message */
	build("REQUEST_METHOD", "get", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 405);
	ck_assert_int_eq(handler_runs, 0);
	build("REQUEST_METHOD", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	      "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 405);
	ck_assert_ptr_null(strstr(c.body, "AAAAAAAAAAAAAAAAA"));
}
END_TEST

START_TEST(dispatches_and_serialises)
{
	struct cgi c;
	build("REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/v1/hello", "REQUEST_URI",
	      "/api/v1/hello?name=Ann", "QUERY_STRING", "name=Ann", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_int_eq(handler_runs, 1);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(c.reason, "OK");
	ck_assert_ptr_nonnull(mq_kvlist_get(&c.headers, "ETag"));
	cJSON *j = cgi_json(&c);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "data"),
							  "hello")->valuestring, "Ann");
	cJSON_Delete(j);

	/* a body set by the reader reaches the handler */
	build("REQUEST_METHOD", "POST", "PATH_INFO", "/api/v1/echo", "CONTENT_LENGTH", "5",
	      (const char *)NULL);
	mq_req_set_body(&req, "hi\"\n!", 5);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 201);
	ck_assert_ptr_null(mq_kvlist_get(&c.headers, "ETag"));
	j = cgi_json(&c);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "data")->valuestring, "hi\"\n!");
	cJSON_Delete(j);

	/* HEAD: headers and length, no body */
	build("REQUEST_METHOD", "HEAD", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_int_eq(c.body_len, 0);
	ck_assert_int_gt(strtol(mq_kvlist_get(&c.headers, "Content-Length"), NULL, 10), 0);

	/* errors of the dispatcher come out the same way */
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/missing", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 404);
	j = cgi_json(&c);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "status")->valuestring, "error");
	cJSON_Delete(j);
	build("REQUEST_METHOD", "DELETE", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 405);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Allow"), "GET, HEAD, OPTIONS");
}
END_TEST

START_TEST(reader_answer_kept)
{
	/* the body reader already answered (413): the handler must not run */
	struct cgi c;
	build("REQUEST_METHOD", "POST", "PATH_INFO", "/api/v1/echo", (const char *)NULL);
	mq_req_error(&req, "the request body may be at most 10 bytes");
	mq_reply_status(&req, &res, 413, "Request body too large");
	mq_worker_handle(&app, &req, &res, &out);
	ck_assert_int_eq(handler_runs, 0);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 413);
	cJSON *j = cgi_json(&c);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "errors")), 1);
	cJSON_Delete(j);
	ck_assert_ptr_nonnull(req.request_id);
}
END_TEST

START_TEST(conditional_get)
{
	struct cgi c;
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	char *etag = strdup(mq_kvlist_get(&c.headers, "ETag"));
	build("REQUEST_METHOD", "GET", "PATH_INFO", "/api/v1/hello", "HTTP_IF_NONE_MATCH", etag,
	      (const char *)NULL);
	mq_worker_handle(&app, &req, &res, &out);
	parse_cgi(&c);
	ck_assert_int_eq(c.status, 304);
	ck_assert_int_eq(handler_runs, 2); /* still computed: the ETag is a hash of the body */
	free(etag);
}
END_TEST

Suite *worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *t = tcase_create("handle");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, request_id_generated);
	tcase_add_test(t, unknown_method);
	tcase_add_test(t, dispatches_and_serialises);
	tcase_add_test(t, reader_answer_kept);
	tcase_add_test(t, conditional_get);
	suite_add_tcase(s, t);
	return s;
}
