/* check_response.c — unit tests for lib/web/response.c: envelopes, the error shape, headers, CGI output,
 * sparse fieldsets. */
#include "core/clock.h"
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "web/http.h"
#include "web/response.h"

#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

/* One request and response in a fresh arena, torn down by fixture_free(). */
static mq_arena *arena;
static mq_req req;
static mq_res res;
static mq_buf out;

static void fixture_new(const char *method, const char *path)
{
	arena = mq_arena_new();
	mq_req_init(&req, arena, method, path);
	mq_res_init(&res);
	mq_buf_init(&out);
}

static void fixture_free(void)
{
	mq_buf_free(&out);
	mq_res_free(&res);
	mq_arena_free(arena);
	arena = NULL;
}

/* The response body parsed as JSON (the caller deletes it). */
static cJSON *body_json(void)
{
	cJSON *j = cJSON_ParseWithLength(res.body.data, res.body.len);
	ck_assert_msg(j != NULL, "body is not JSON: %s", mq_buf_cstr(&res.body));
	return j;
}

static long long num(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", name);
	return (long long)v->valuedouble;
}

static int boolean(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	ck_assert_msg(cJSON_IsBool(v), "%s is not a boolean", name);
	return cJSON_IsTrue(v);
}

/* A parsed CGI response: status, headers (in a kvlist of the arena) and the body. */
struct cgi {
	int status;
	char reason[64];
	mq_kvlist headers;
	const char *body;
	size_t body_len;
};

/* Parses out as CGI output; fails the test on anything malformed. */
static void parse_cgi(const mq_buf *b, struct cgi *c)
{
	const char *p = mq_buf_cstr(b), *end = p + b->len;
	memset(c, 0, sizeof *c);
	ck_assert_msg(!strncmp(p, "Status: ", 8), "no Status line: %s", p);
	const char *eol = strstr(p, "\r\n");
	ck_assert_ptr_nonnull(eol);
	ck_assert_msg(sscanf(p, "Status: %3d %63[^\r]", &c->status, c->reason) == 2, "bad Status line");
	p = eol + 2;
	while (p < end && strncmp(p, "\r\n", 2)) {
		eol = strstr(p, "\r\n");
		ck_assert_msg(eol != NULL, "header line without CRLF");
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		ck_assert_msg(colon && colon[1] == ' ', "malformed header line");
		for (const char *q = p; q < eol; q++)
			ck_assert_msg(*q != '\n' && *q != '\r', "CR or LF inside a header line");
		mq_kvlist_add(arena, &c->headers, mq_arena_strndup(arena, p, (size_t)(colon - p)),
			      mq_arena_strndup(arena, colon + 2, (size_t)(eol - colon - 2)));
		p = eol + 2;
	}
	ck_assert_msg(p + 2 <= end, "no blank line after the headers");
	c->body = p + 2;
	c->body_len = (size_t)(end - c->body);
}

static size_t count_headers(const struct cgi *c, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < c->headers.n; i++)
		n += !strcasecmp(c->headers.items[i].key, name);
	return n;
}

START_TEST(data_envelope)
{
	fixture_new("GET", "/api/v1/thing");
	cJSON *d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "id", 7);
	mq_reply_data(&req, &res, 201, d);
	ck_assert_int_eq(res.status, 201);
	ck_assert_str_eq(res.content_type, "application/json; charset=utf-8");
	ck_assert_str_eq(mq_buf_cstr(&res.body), "{\"data\":{\"id\":7}}");

	mq_reply_data(&req, &res, 200, NULL);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(mq_buf_cstr(&res.body), "{\"data\":null}");
	fixture_free();
}
END_TEST

/* page, limit, total → totalPages, hasNextPage, hasPrevPage */
static const struct {
	long long page, limit, total, pages;
	int next, prev;
} list_cases[] = {
	{ 1, 10, 25, 3, 1, 0 },
	{ 2, 10, 25, 3, 1, 1 },
	{ 3, 10, 25, 3, 0, 1 },   /* last page */
	{ 2, 10, 20, 2, 0, 1 },   /* last page, exactly full */
	{ 1, 10, 10, 1, 0, 0 },   /* single page */
	{ 1, 20, 0, 0, 0, 0 },    /* nothing at all */
	{ 5, 10, 25, 3, 0, 1 },   /* past the end */
};

START_TEST(list_envelope)
{
	fixture_new("GET", "/api/v1/things");
	cJSON *items = cJSON_CreateArray();
	cJSON_AddItemToArray(items, cJSON_CreateString("a"));
	mq_reply_list(&req, &res, items, list_cases[_i].page, list_cases[_i].limit,
		      list_cases[_i].total);
	ck_assert_int_eq(res.status, 200);
	cJSON *j = body_json();
	ck_assert_int_eq(cJSON_GetArraySize(j), 2);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "data")));
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "data"), 0)->valuestring, "a");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(j, "meta");
	ck_assert(cJSON_IsObject(meta));
	ck_assert_int_eq(cJSON_GetArraySize(meta), 6);
	ck_assert_int_eq(num(meta, "page"), list_cases[_i].page);
	ck_assert_int_eq(num(meta, "limit"), list_cases[_i].limit);
	ck_assert_int_eq(num(meta, "total"), list_cases[_i].total);
	ck_assert_int_eq(num(meta, "totalPages"), list_cases[_i].pages);
	ck_assert_int_eq(boolean(meta, "hasNextPage"), list_cases[_i].next);
	ck_assert_int_eq(boolean(meta, "hasPrevPage"), list_cases[_i].prev);
	cJSON_Delete(j);
	fixture_free();
}
END_TEST

static void assert_iso8601_z(const char *ts)
{
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
				 REG_EXTENDED | REG_NOSUB), 0);
	int rc = regexec(&re, ts, 0, NULL, 0);
	regfree(&re);
	ck_assert_msg(rc == 0, "timestamp \"%s\" is not ISO-8601 UTC", ts);
}

START_TEST(error_shape_api)
{
	fixture_new(NULL, NULL);
	mq_req_add_param(&req, "REQUEST_METHOD", "POST");
	mq_req_add_param(&req, "DOCUMENT_URI", "/api/v1/movies/a b");
	mq_req_add_param(&req, "REQUEST_URI", "/api/v1/movies/a%20b?x=1");
	mq_req_add_param(&req, "QUERY_STRING", "x=1");
	mq_req_parse_params(&req);
	mq_req_error(&req, "title: is required");
	mq_req_error(&req, "year: must be %d or later", 1888);
	mq_reply_status(&req, &res, 400, "Validation failed");

	ck_assert_int_eq(res.status, 400);
	ck_assert_str_eq(res.content_type, "application/json; charset=utf-8");
	ck_assert_str_eq(mq_res_get_header(&res, "Cache-Control"), "no-store");
	cJSON *j = body_json();
	static const char *const keys[] = { "status", "statusCode", "message", "errors", "timestamp", "path" };
	ck_assert_int_eq(cJSON_GetArraySize(j), 6);
	size_t k = 0;
	for (const cJSON *it = j->child; it; it = it->next, k++)
		ck_assert_str_eq(it->string, keys[k]);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "status")->valuestring, "error");
	ck_assert_int_eq(num(j, "statusCode"), 400);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring, "Validation failed");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(j, "errors");
	ck_assert(cJSON_IsArray(errors));
	ck_assert_int_eq(cJSON_GetArraySize(errors), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(errors, 0)->valuestring, "title: is required");
	ck_assert_str_eq(cJSON_GetArrayItem(errors, 1)->valuestring, "year: must be 1888 or later");
	assert_iso8601_z(cJSON_GetObjectItemCaseSensitive(j, "timestamp")->valuestring);
	/* the path as requested, without the query string */
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "path")->valuestring, "/api/v1/movies/a%20b");
	cJSON_Delete(j);
	fixture_free();
}
END_TEST

START_TEST(error_shape_defaults)
{
	fixture_new("GET", "/api/v1/nope");
	mq_reply_status(&req, &res, 404, NULL);
	cJSON *j = body_json();
	ck_assert_int_eq(num(j, "statusCode"), 404);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring, "Not found");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "errors")), 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "path")->valuestring, "/api/v1/nope");
	cJSON_Delete(j);

	mq_res_reset(&res);
	mq_reply_status(&req, &res, 503, NULL);
	j = body_json();
	ck_assert_int_eq(res.status, 503);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring, "Service Unavailable");
	cJSON_Delete(j);

	mq_res_reset(&res);
	mq_reply_err(&req, &res, MQ_ECONFLICT, NULL);
	j = body_json();
	ck_assert_int_eq(res.status, 409);
	ck_assert_int_eq(num(j, "statusCode"), 409);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "message")->valuestring,
			 mq_err_message(MQ_ECONFLICT));
	cJSON_Delete(j);

	/* "/api" itself is the API too */
	mq_res_reset(&res);
	req.path = req.display_path = "/api";
	mq_reply_status(&req, &res, 404, NULL);
	ck_assert_str_eq(res.content_type, "application/json; charset=utf-8");
	fixture_free();
}
END_TEST

START_TEST(error_html_for_pages)
{
	fixture_new("GET", "/movies/<x>");
	mq_reply_status(&req, &res, 404, "No <script>alert(1)</script> here");
	ck_assert_int_eq(res.status, 404);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
	ck_assert_str_eq(mq_res_get_header(&res, "Cache-Control"), "no-store");
	const char *b = mq_buf_cstr(&res.body);
	ck_assert_ptr_nonnull(strstr(b, "<html"));
	ck_assert_ptr_nonnull(strstr(b, "<title>404 Not Found</title>"));
	ck_assert_ptr_nonnull(strstr(b, "No &lt;script&gt;alert(1)&lt;/script&gt; here"));
	ck_assert_ptr_null(strstr(b, "<script>"));
	ck_assert_ptr_null(strstr(b, "\"statusCode\""));
	fixture_free();

	/* what the client asked for decides: nginx's internal redirect to an /api error location
	 * for a page request still gets HTML */
	fixture_new(NULL, NULL);
	mq_req_add_param(&req, "DOCUMENT_URI", "/api/v1/_error");
	mq_req_add_param(&req, "REQUEST_URI", "/movies/big-upload");
	mq_req_parse_params(&req);
	mq_reply_status(&req, &res, 413, NULL);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&res.body), "413 Payload Too Large"));
	fixture_free();
}
END_TEST

START_TEST(header_sanitising)
{
	fixture_new("GET", "/api/v1/x");
	mq_res_header(&req, &res, "X-Test", "a\r\nSet-Cookie: evil=1\rb\nc");
	ck_assert_str_eq(mq_res_get_header(&res, "X-Test"), "a  Set-Cookie: evil=1 b c");
	ck_assert_str_eq(mq_res_get_header(&res, "x-test"), "a  Set-Cookie: evil=1 b c");
	ck_assert_ptr_null(mq_res_get_header(&res, "Set-Cookie"));
	mq_reply_data(&req, &res, 200, NULL);
	mq_res_serialize(&req, &res, &out);
	struct cgi c;
	parse_cgi(&out, &c);
	ck_assert_int_eq(count_headers(&c, "Set-Cookie"), 0);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "X-Test"), "a  Set-Cookie: evil=1 b c");
	fixture_free();
}
END_TEST

START_TEST(serialize_get)
{
	fixture_new("GET", "/api/v1/x");
	mq_reply_data(&req, &res, 200, cJSON_CreateString("hello"));
	mq_res_header(&req, &res, "Cache-Control", "max-age=60");
	size_t body_len = res.body.len;
	mq_res_serialize(&req, &res, &out);
	const char *o = mq_buf_cstr(&out);
	ck_assert_msg(!strncmp(o, "Status: 200 OK\r\n", 16), "%s", o);
	ck_assert_ptr_nonnull(strstr(o, "\r\nContent-Type: application/json; charset=utf-8\r\n"));
	struct cgi c;
	parse_cgi(&out, &c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(c.reason, "OK");
	ck_assert_int_eq(count_headers(&c, "Content-Length"), 1);
	ck_assert_int_eq(atol(mq_kvlist_get(&c.headers, "Content-Length")), (long)body_len);
	ck_assert_int_eq(c.body_len, body_len);
	ck_assert(!memcmp(c.body, "{\"data\":\"hello\"}", body_len));
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Cache-Control"), "max-age=60");

	/* a weak validator: W/"<16 hex digits>" */
	ck_assert_int_eq(count_headers(&c, "ETag"), 1);
	const char *etag = mq_kvlist_get(&c.headers, "ETag");
	regex_t re;
	ck_assert_int_eq(regcomp(&re, "^W/\"[0-9a-f]{16}\"$", REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&re, etag, 0, NULL, 0) == 0, "ETag %s", etag);
	regfree(&re);
	char *first = strdup(etag);
	fixture_free();

	/* the same body gives the same ETag; a different body a different one */
	fixture_new("GET", "/api/v1/x");
	mq_reply_data(&req, &res, 200, cJSON_CreateString("hello"));
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, &c);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "ETag"), first);
	fixture_free();
	fixture_new("GET", "/api/v1/x");
	mq_reply_data(&req, &res, 200, cJSON_CreateString("hellO"));
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, &c);
	ck_assert_str_ne(mq_kvlist_get(&c.headers, "ETag"), first);
	free(first);
	fixture_free();
}
END_TEST

START_TEST(serialize_no_etag)
{
	/* only successful GET/HEAD get a validator */
	static const struct {
		const char *method;
		int status;
	} cases[] = { { "POST", 200 }, { "PUT", 200 }, { "GET", 201 }, { "GET", 404 }, { "DELETE", 200 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fixture_new(cases[i].method, "/api/v1/x");
		mq_req_add_param(&req, "HTTP_IF_NONE_MATCH", "*");
		mq_reply_data(&req, &res, cases[i].status, cJSON_CreateTrue());
		mq_res_serialize(&req, &res, &out);
		struct cgi c;
		parse_cgi(&out, &c);
		ck_assert_int_eq(c.status, cases[i].status);
		ck_assert_int_eq(count_headers(&c, "ETag"), 0);
		ck_assert_int_eq(c.body_len, res.body.len);
		fixture_free();
	}
}
END_TEST

/* Serialises a GET 200 with body "{\"data\":1}" and If-None-Match inm (NULL: absent),
 * the handler's ETag etag (NULL: computed); returns the parsed status. */
static int conditional_get(const char *inm, const char *etag, struct cgi *c)
{
	fixture_new("GET", "/api/v1/x");
	if (inm)
		mq_req_add_param(&req, "HTTP_IF_NONE_MATCH", inm);
	mq_reply_data(&req, &res, 200, cJSON_CreateNumber(1));
	if (etag)
		mq_res_header(&req, &res, "ETag", etag);
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, c);
	return c->status;
}

/* The computed ETag of the body conditional_get() sends. */
static char *computed_etag(void)
{
	struct cgi c;
	conditional_get(NULL, NULL, &c);
	char *e = strdup(mq_kvlist_get(&c.headers, "ETag"));
	fixture_free();
	return e;
}

static void assert_not_modified(const struct cgi *c, const char *etag)
{
	ck_assert_int_eq(c->status, 304);
	ck_assert_str_eq(c->reason, "Not Modified");
	ck_assert_int_eq(c->body_len, 0);
	ck_assert_int_eq(count_headers(c, "Content-Length"), 0);
	ck_assert_int_eq(count_headers(c, "Content-Type"), 0);
	ck_assert_int_eq(count_headers(c, "ETag"), 1);
	ck_assert_str_eq(mq_kvlist_get(&c->headers, "ETag"), etag);
}

START_TEST(if_none_match)
{
	char *etag = computed_etag();      /* W/"…" */
	const char *opaque = etag + 2;     /* "…" */
	char *list = NULL;
	struct cgi c;

	conditional_get(etag, NULL, &c);   /* exact */
	assert_not_modified(&c, etag);
	fixture_free();

	conditional_get(opaque, NULL, &c); /* without W/: weak comparison still matches */
	assert_not_modified(&c, etag);
	fixture_free();

	ck_assert_int_gt(asprintf(&list, "\"nope\", W/\"other\" ,  %s , \"last\"", etag), 0);
	conditional_get(list, NULL, &c);   /* one of a list */
	assert_not_modified(&c, etag);
	fixture_free();
	free(list);

	ck_assert_int_gt(asprintf(&list, "\"a\",%s", opaque), 0);
	conditional_get(list, NULL, &c);   /* last of a list without spaces */
	assert_not_modified(&c, etag);
	fixture_free();
	free(list);

	conditional_get("*", NULL, &c);
	assert_not_modified(&c, etag);
	fixture_free();

	/* no match: the full response */
	static const char *const misses[] = { "\"0000000000000000\"", "W/\"x\", \"y\"", "", "W/" };
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
		conditional_get(misses[i], NULL, &c);
		ck_assert_msg(c.status == 200, "If-None-Match %s gave %d", misses[i], c.status);
		ck_assert_int_eq(c.body_len, strlen("{\"data\":1}"));
		ck_assert_str_eq(mq_kvlist_get(&c.headers, "ETag"), etag);
		fixture_free();
	}
	/* a prefix of the ETag is not the ETag */
	char *prefix = strndup(etag, strlen(etag) - 2);
	ck_assert_int_gt(asprintf(&list, "%s\"", prefix), 0);
	conditional_get(list, NULL, &c);
	ck_assert_int_eq(c.status, 200);
	fixture_free();
	free(list);
	free(prefix);
	free(etag);
}
END_TEST

START_TEST(handler_etag_kept)
{
	struct cgi c;
	conditional_get(NULL, "\"v1\"", &c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_int_eq(count_headers(&c, "ETag"), 1);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "ETag"), "\"v1\"");
	fixture_free();

	conditional_get("\"v1\"", "\"v1\"", &c);
	assert_not_modified(&c, "\"v1\"");
	fixture_free();
	conditional_get("W/\"v1\"", "\"v1\"", &c);
	assert_not_modified(&c, "\"v1\"");
	fixture_free();
	conditional_get("\"v2\"", "\"v1\"", &c);
	ck_assert_int_eq(c.status, 200);
	fixture_free();
}
END_TEST

START_TEST(serialize_head)
{
	fixture_new("HEAD", "/api/v1/x");
	mq_reply_data(&req, &res, 200, cJSON_CreateString("a body that HEAD does not send"));
	size_t body_len = res.body.len;
	mq_res_serialize(&req, &res, &out);
	struct cgi c;
	parse_cgi(&out, &c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_int_eq(c.body_len, 0);
	ck_assert_int_eq(atol(mq_kvlist_get(&c.headers, "Content-Length")), (long)body_len);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Type"), "application/json; charset=utf-8");
	ck_assert_int_eq(count_headers(&c, "ETag"), 1);
	char *etag = strdup(mq_kvlist_get(&c.headers, "ETag"));
	fixture_free();

	/* HEAD and GET of the same body share the validator, and HEAD revalidates too */
	fixture_new("HEAD", "/api/v1/x");
	mq_req_add_param(&req, "HTTP_IF_NONE_MATCH", etag);
	mq_reply_data(&req, &res, 200, cJSON_CreateString("a body that HEAD does not send"));
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, &c);
	assert_not_modified(&c, etag);
	fixture_free();

	fixture_new("GET", "/api/v1/x");
	mq_reply_data(&req, &res, 200, cJSON_CreateString("a body that HEAD does not send"));
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, &c);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "ETag"), etag);
	free(etag);
	fixture_free();

	/* HEAD of an error: no body either, but its length */
	fixture_new("HEAD", "/api/v1/x");
	mq_reply_status(&req, &res, 404, NULL);
	body_len = res.body.len;
	mq_res_serialize(&req, &res, &out);
	parse_cgi(&out, &c);
	ck_assert_int_eq(c.status, 404);
	ck_assert_int_eq(c.body_len, 0);
	ck_assert_int_eq(atol(mq_kvlist_get(&c.headers, "Content-Length")), (long)body_len);
	fixture_free();
}
END_TEST

START_TEST(serialize_no_content)
{
	fixture_new("DELETE", "/api/v1/x");
	res.status = 204;
	mq_res_serialize(&req, &res, &out);
	ck_assert_str_eq(mq_buf_cstr(&out), "Status: 204 No Content\r\n\r\n");
	fixture_free();

	/* an HTML page: its content type, length and body */
	fixture_new("GET", "/about");
	mq_buf html = MQ_BUF_INIT;
	mq_buf_puts(&html, "<!doctype html><p>hi</p>");
	mq_reply_html(&req, &res, 200, &html);
	ck_assert_int_eq(html.len, 0);
	mq_buf_free(&html);
	mq_res_serialize(&req, &res, &out);
	struct cgi c;
	parse_cgi(&out, &c);
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Type"), "text/html; charset=utf-8");
	ck_assert_str_eq(mq_kvlist_get(&c.headers, "Content-Length"), "24");
	ck_assert_int_eq(c.body_len, 24);
	fixture_free();
}
END_TEST

START_TEST(iso8601_now)
{
	char ts[32];
	mq_clock_iso8601_now(ts, sizeof ts);
	ck_assert_int_eq(strlen(ts), 24);
	assert_iso8601_z(ts);
}
END_TEST

START_TEST(reset_keeps_nothing)
{
	fixture_new("GET", "/api/v1/x");
	mq_res_header(&req, &res, "X-A", "1");
	mq_reply_status(&req, &res, 500, NULL);
	mq_res_reset(&res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_null(res.content_type);
	ck_assert_int_eq(res.headers.n, 0);
	ck_assert_int_eq(res.body.len, 0);
	fixture_free();
}
END_TEST

/* Sparse fieldsets: fields=a,b against the known names. */
static const char *const known_fields[] = { "id", "title", "year", "genres", NULL };

static const struct {
	const char *text;
	int rc;
	const char *selected;   /* the names joined by '|' (rc 0) */
	size_t errors;
	const char *message;    /* in one of the errors */
} fields_cases[] = {
	{ "title", 0, "title", 0, NULL },
	{ "title,year", 0, "title|year", 0, NULL },
	{ "year,id,genres,title", 0, "year|id|genres|title", 0, NULL },
	{ "title,bogus", -1, NULL, 1, "\"bogus\" is not a field" },
	{ "a,title,b", -1, NULL, 2, "\"b\" is not a field" },
	{ "Title", -1, NULL, 1, "\"Title\" is not a field" },
	{ "title, year", -1, NULL, 1, "\" year\" is not a field" },
	{ "poster_url", -1, NULL, 1, "\"poster_url\" is not a field" },
	{ ",", -1, NULL, 1, "empty names" },
	{ ",,,", -1, NULL, 1, "empty names" },
	{ "", -1, NULL, 1, "empty names" },
	{ "title,,year", -1, NULL, 1, "empty names" },
	{ "title,", -1, NULL, 1, "empty names" },
};

START_TEST(fields_parse)
{
	fixture_new("GET", "/api/v1/movies");
	const char **selected = (const char **)known_fields; /* must be replaced */
	int rc = mq_fields_parse(&req, fields_cases[_i].text, known_fields, &selected);
	ck_assert_msg(rc == fields_cases[_i].rc, "\"%s\": rc %d", fields_cases[_i].text, rc);
	ck_assert_msg(req.errors.n == fields_cases[_i].errors, "\"%s\": %zu errors", fields_cases[_i].text,
		      req.errors.n);
	if (rc) {
		ck_assert_ptr_null(selected);
		int found = 0;
		for (size_t i = 0; i < req.errors.n; i++)
			found |= strstr(req.errors.items[i], fields_cases[_i].message) != NULL;
		ck_assert_msg(found, "\"%s\": no error with '%s' (first: %s)", fields_cases[_i].text,
			      fields_cases[_i].message, req.errors.items[0]);
	} else {
		mq_buf joined = MQ_BUF_INIT;
		for (const char **n = selected; *n; n++)
			mq_buf_printf(&joined, "%s%s", n == selected ? "" : "|", *n);
		ck_assert_str_eq(mq_buf_cstr(&joined), fields_cases[_i].selected);
		mq_buf_free(&joined);
	}
	fixture_free();
}
END_TEST

/* No fields= means everything: no list, no error. */
START_TEST(fields_parse_absent)
{
	fixture_new("GET", "/api/v1/movies");
	const char **selected = (const char **)known_fields;
	ck_assert_int_eq(mq_fields_parse(&req, NULL, known_fields, &selected), 0);
	ck_assert_ptr_null(selected);
	ck_assert_uint_eq(req.errors.n, 0);
	fixture_free();
}
END_TEST

static const struct {
	const char *fields;  /* NULL: everything */
	const char *in, *out;
} apply_cases[] = {
	{ "title,year", "{\"id\":1,\"title\":\"Heat\",\"year\":1995,\"genres\":[{\"id\":80}]}",
	  "{\"title\":\"Heat\",\"year\":1995}" },
	{ "genres", "{\"id\":1,\"title\":\"Heat\",\"genres\":[{\"id\":80,\"name\":\"Crime\"}]}",
	  "{\"genres\":[{\"id\":80,\"name\":\"Crime\"}]}" },  /* members of members stay */
	{ "year", "{\"id\":1,\"title\":\"Heat\"}", "{}" },
	{ "id,title", "[{\"id\":1,\"title\":\"A\",\"year\":1},{\"year\":2},5,{\"id\":3,\"genres\":null}]",
	  "[{\"id\":1,\"title\":\"A\"},{},5,{\"id\":3}]" },
	{ "id", "[]", "[]" },
	{ NULL, "{\"id\":1,\"title\":\"Heat\",\"year\":1995}", "{\"id\":1,\"title\":\"Heat\",\"year\":1995}" },
};

START_TEST(fields_apply)
{
	fixture_new("GET", "/api/v1/movies");
	const char **selected = NULL;
	ck_assert_int_eq(mq_fields_parse(&req, apply_cases[_i].fields, known_fields, &selected), 0);
	cJSON *j = cJSON_Parse(apply_cases[_i].in);
	ck_assert_ptr_nonnull(j);
	mq_fields_apply(selected, j);
	char *got = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(got, apply_cases[_i].out);
	cJSON_free(got);
	cJSON_Delete(j);
	mq_fields_apply(selected, NULL);
	fixture_free();
}
END_TEST

Suite *response_suite(void)
{
	Suite *s = suite_create("response");
	TCase *env = tcase_create("envelopes");
	TCase *ser = tcase_create("serialize");

	tcase_add_test(env, data_envelope);
	tcase_add_loop_test(env, list_envelope, 0, (int)(sizeof list_cases / sizeof list_cases[0]));
	tcase_add_test(env, error_shape_api);
	tcase_add_test(env, error_shape_defaults);
	tcase_add_test(env, error_html_for_pages);
	tcase_add_test(env, header_sanitising);
	tcase_add_test(env, iso8601_now);
	tcase_add_test(env, reset_keeps_nothing);
	tcase_add_loop_test(env, fields_parse, 0, N_CASES(fields_cases));
	tcase_add_test(env, fields_parse_absent);
	tcase_add_loop_test(env, fields_apply, 0, N_CASES(apply_cases));
	suite_add_tcase(s, env);

	tcase_add_test(ser, serialize_get);
	tcase_add_test(ser, serialize_no_etag);
	tcase_add_test(ser, if_none_match);
	tcase_add_test(ser, handler_etag_kept);
	tcase_add_test(ser, serialize_head);
	tcase_add_test(ser, serialize_no_content);
	suite_add_tcase(s, ser);
	return s;
}
