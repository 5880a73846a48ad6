/* check_json.c — unit tests for lib/web/json.c: content type, depth scanner, checked JSON bodies. */
#include "suites.h"

#include "web/json.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static mq_arena *arena;

static void setup(void)
{
	arena = mq_arena_new();
}

static void teardown(void)
{
	mq_arena_free(arena);
	arena = NULL;
}

struct ctype_case {
	const char *header;
	int is_json;
};

static const struct ctype_case ctype_cases[] = {
	{ "application/json", 1 },
	{ "Application/JSON", 1 },
	{ "APPLICATION/JSON", 1 },
	{ "application/json; charset=utf-8", 1 },
	{ "application/json;charset=UTF-8", 1 },
	{ "application/json ; charset=utf-8", 1 },
	{ "  application/json", 1 },
	{ "\tapplication/json\t", 1 },
	{ "application/json;", 1 },
	{ "application/jsonx", 0 },
	{ "application/json-patch+json", 0 },
	{ "application/json+ld", 0 },
	{ "application/jso", 0 },
	{ "application/json,text/plain", 0 },
	{ "application/json x", 0 },
	{ "text/json", 0 },
	{ "text/plain; application/json", 0 },
	{ "application/x-www-form-urlencoded", 0 },
	{ "multipart/form-data; boundary=x", 0 },
	{ "", 0 },
	{ NULL, 0 },
};

START_TEST(content_type_check)
{
	const struct ctype_case *c = &ctype_cases[_i];
	int got = mq_content_type_is(c->header, "application/json");
	ck_assert_msg(got == c->is_json, "mq_content_type_is(\"%s\") = %d, expected %d",
		      c->header ? c->header : "(null)", got, c->is_json);
}
END_TEST

struct depth_case {
	const char *json;
	int max;
	int depth;
};

static const struct depth_case depth_cases[] = {
	{ "", 32, 0 },
	{ "1", 32, 0 },
	{ "\"x\"", 32, 0 },
	{ "{}", 32, 1 },
	{ "[]", 32, 1 },
	{ "[[]]", 32, 2 },
	{ "{\"a\":[1,{\"b\":2}],\"c\":[]}", 32, 3 },
	{ "[[],[],[[]]]", 32, 3 },
	/* brackets inside strings do not count */
	{ "\"[[[[{{{{\"", 32, 0 },
	{ "{\"a\":\"]]}}{{[[\"}", 32, 1 },
	{ "[\"[\",\"{\",\"[[[\"]", 32, 1 },
	/* an escaped quote does not end the string */
	{ "[\"\\\"[[[\"]", 32, 1 },
	{ "[\"\\\"\",\"[\"]", 32, 1 },
	/* an escaped backslash does: what follows is structure again */
	{ "[\"\\\\\",[[]]]", 32, 3 },
	{ "[\"\\\\\\\"[\"]", 32, 1 },
	/* the limit */
	{ "[[[]]]", 3, 3 },
	{ "[[[]]]", 2, -1 },
	{ "{\"a\":{\"b\":{}}}", 2, -1 },
	{ "[[[", 2, -1 },
};

START_TEST(depth_scanner)
{
	const struct depth_case *c = &depth_cases[_i];
	int got = mq_json_depth(c->json, strlen(c->json), c->max);
	ck_assert_msg(got == c->depth, "mq_json_depth(%s, max %d) = %d, expected %d", c->json, c->max,
		      got, c->depth);
}
END_TEST

/* The scan stops at n: what lies after it is not read. */
START_TEST(depth_scanner_respects_length)
{
	ck_assert_int_eq(mq_json_depth("[[[[", 2, 3), 2);
	ck_assert_int_eq(mq_json_depth("\"[\"[[", 3, 32), 0);
}
END_TEST

/* n nested objects {"a":{"a":…{}…}}; malloc'd. */
static char *nested_objects(int n)
{
	mq_buf b = MQ_BUF_INIT;
	for (int i = 1; i < n; i++)
		mq_buf_puts(&b, "{\"a\":");
	mq_buf_puts(&b, "{}");
	for (int i = 1; i < n; i++)
		mq_buf_putc(&b, '}');
	return mq_buf_steal(&b);
}

static mq_req *new_req(const char *content_type, const char *body, size_t len)
{
	mq_req *req = mq_arena_zalloc(arena, sizeof *req);
	mq_req_init(req, arena, "POST", "/api/test");
	if (content_type)
		mq_req_add_param(req, "CONTENT_TYPE", content_type);
	if (body)
		mq_req_set_body(req, body, len);
	return req;
}

START_TEST(body_ok)
{
	static const char *const bodies[] = {
		"{\"a\":1}", " {\"a\" : 1} \n", "{\"a\":1,\"b\":[1,2,{\"c\":\"سلام\"}]}", "\r\n\t{\"a\":1}\t\r\n",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		mq_req *req = new_req("application/json; charset=utf-8", bodies[i], strlen(bodies[i]));
		cJSON *root = (cJSON *)1;
		mq_err rc = mq_json_body(req, &root);
		ck_assert_msg(rc == MQ_OK, "body %s: error %d (%s)", bodies[i], (int)rc,
			      req->errors.n ? req->errors.items[0] : "");
		ck_assert_uint_eq(req->errors.n, 0);
		ck_assert(cJSON_IsObject(root));
		ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(root, "a")->valueint, 1);
	}
	/* the trees belong to the arena: freed by the teardown, or LeakSanitizer complains */
}
END_TEST

START_TEST(body_depth_32_accepted)
{
	char *text = nested_objects(MQ_JSON_MAX_DEPTH);
	mq_req *req = new_req("application/json", text, strlen(text));
	cJSON *root;
	ck_assert_int_eq(mq_json_depth(text, strlen(text), 100), 32);
	mq_err rc = mq_json_body(req, &root);
	ck_assert_msg(rc == MQ_OK, "32 levels refused: %s", req->errors.n ? req->errors.items[0] : "");
	ck_assert_ptr_nonnull(root);
	free(text);
}
END_TEST

struct body_case {
	const char *name;
	const char *content_type; /* NULL: no CONTENT_TYPE parameter */
	const char *body;
	size_t len;               /* 0: strlen(body) */
	mq_err err;
	const char *message;      /* a part of the message appended to req->errors */
};

static const struct body_case body_cases[] = {
	{ "no content type", NULL, "{\"a\":1}", 0, MQ_EMEDIATYPE, "Content-Type: application/json" },
	{ "form content type", "application/x-www-form-urlencoded", "{\"a\":1}", 0, MQ_EMEDIATYPE,
	  "Content-Type" },
	{ "text/plain", "text/plain", "{\"a\":1}", 0, MQ_EMEDIATYPE, "Content-Type" },
	{ "jsonx", "application/jsonx", "{\"a\":1}", 0, MQ_EMEDIATYPE, "Content-Type" },
	{ "wrong type and empty", "text/html", "", 0, MQ_EMEDIATYPE, "Content-Type" },
	{ "empty", "application/json", "", 0, MQ_EINVAL, "required" },
	{ "invalid UTF-8", "application/json", "{\"a\":\"\xC3\x28\"}", 0, MQ_EINVAL, "UTF-8" },
	{ "overlong UTF-8", "application/json", "{\"a\":\"\xC0\xAF\"}", 0, MQ_EINVAL, "UTF-8" },
	{ "lone byte", "application/json", "{\"a\":\"\xFF\"}", 0, MQ_EINVAL, "UTF-8" },
	{ "NUL byte", "application/json", "{\"a\":1}\0", 8, MQ_EINVAL, "UTF-8" },
	{ "NUL in a string", "application/json", "{\"a\":\"x\0y\"}", 11, MQ_EINVAL, "UTF-8" },
	{ "trailing garbage", "application/json", "{\"a\":1}x", 0, MQ_EINVAL, "not valid JSON" },
	{ "two objects", "application/json", "{}{}", 0, MQ_EINVAL, "not valid JSON" },
	{ "trailing comma", "application/json", "{\"a\":1,}", 0, MQ_EINVAL, "not valid JSON" },
	{ "truncated", "application/json", "{\"a\":", 0, MQ_EINVAL, "not valid JSON" },
	{ "single quotes", "application/json", "{'a':1}", 0, MQ_EINVAL, "not valid JSON" },
	{ "only spaces", "application/json", "   ", 0, MQ_EINVAL, "not valid JSON" },
	{ "top-level array", "application/json", "[{\"a\":1}]", 0, MQ_EINVAL, "JSON object" },
	{ "top-level string", "application/json", "\"a\"", 0, MQ_EINVAL, "JSON object" },
	{ "top-level number", "application/json", "42", 0, MQ_EINVAL, "JSON object" },
	{ "top-level null", "application/json", "null", 0, MQ_EINVAL, "JSON object" },
	{ "top-level true", "application/json", "true", 0, MQ_EINVAL, "JSON object" },
};

START_TEST(body_errors)
{
	const struct body_case *c = &body_cases[_i];
	size_t len = c->len ? c->len : strlen(c->body);
	mq_req *req = new_req(c->content_type, c->body, len);
	cJSON *root = (cJSON *)1;
	mq_err rc = mq_json_body(req, &root);
	ck_assert_msg(rc == c->err, "%s: error %d, expected %d", c->name, (int)rc, (int)c->err);
	ck_assert_msg(root == NULL, "%s: *out not NULL on failure", c->name);
	ck_assert_msg(req->errors.n == 1, "%s: %zu messages, expected 1", c->name, req->errors.n);
	ck_assert_msg(strstr(req->errors.items[0], c->message), "%s: message \"%s\" lacks \"%s\"",
		      c->name, req->errors.items[0], c->message);
}
END_TEST

START_TEST(body_depth_33_refused)
{
	char *text = nested_objects(MQ_JSON_MAX_DEPTH + 1);
	mq_req *req = new_req("application/json", text, strlen(text));
	cJSON *root;
	ck_assert_int_eq(mq_json_body(req, &root), MQ_EINVAL);
	ck_assert_ptr_null(root);
	ck_assert_uint_eq(req->errors.n, 1);
	ck_assert_msg(strstr(req->errors.items[0], "32"), "message does not give the limit: %s",
		      req->errors.items[0]);
	free(text);
}
END_TEST

/* Very deep input is refused by the scanner, before the parser recurses. */
START_TEST(body_very_deep_refused)
{
	size_t n = 100000;
	char *text = malloc(2 * n + 1);
	ck_assert_ptr_nonnull(text);
	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	mq_req *req = new_req("application/json", text, 2 * n);
	cJSON *root;
	ck_assert_int_eq(mq_json_body(req, &root), MQ_EINVAL);
	ck_assert_uint_eq(req->errors.n, 1);
	ck_assert_ptr_nonnull(strstr(req->errors.items[0], "deeper"));
	free(text);
}
END_TEST

/* A valid object of exactly len bytes: {"s":"xxx…"}; malloc'd. */
static char *object_of_size(size_t len)
{
	char *text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "{\"s\":\"", 6);
	memset(text + 6, 'x', len - 8);
	memcpy(text + len - 2, "\"}", 3);
	return text;
}

START_TEST(body_size_limit)
{
	char *text = object_of_size(MQ_JSON_MAX_BYTES);
	mq_req *req = new_req("application/json", text, MQ_JSON_MAX_BYTES);
	cJSON *root;
	ck_assert_int_eq(mq_json_body(req, &root), MQ_OK);
	ck_assert_uint_eq(strlen(cJSON_GetObjectItemCaseSensitive(root, "s")->valuestring),
			  MQ_JSON_MAX_BYTES - 8);
	free(text);

	text = object_of_size(MQ_JSON_MAX_BYTES + 1);
	req = new_req("application/json", text, MQ_JSON_MAX_BYTES + 1);
	root = (cJSON *)1;
	ck_assert_int_eq(mq_json_body(req, &root), MQ_ETOOLARGE);
	ck_assert_ptr_null(root);
	ck_assert_uint_eq(req->errors.n, 1);
	ck_assert_msg(strstr(req->errors.items[0], "262144"), "message does not give the limit: %s",
		      req->errors.items[0]);

	/* the content type is checked first */
	req = new_req("text/plain", text, MQ_JSON_MAX_BYTES + 1);
	ck_assert_int_eq(mq_json_body(req, &root), MQ_EMEDIATYPE);
	ck_assert_uint_eq(req->errors.n, 1);
	free(text);
}
END_TEST

/* The size is checked before the content: an oversized body of garbage is "too large". */
START_TEST(body_too_large_before_content_checks)
{
	size_t n = MQ_JSON_MAX_BYTES + 100;
	char *text = malloc(n);
	ck_assert_ptr_nonnull(text);
	memset(text, '\xff', n);
	mq_req *req = new_req("application/json", text, n);
	cJSON *root;
	ck_assert_int_eq(mq_json_body(req, &root), MQ_ETOOLARGE);
	ck_assert_uint_eq(req->errors.n, 1);
	free(text);
}
END_TEST

static int deleted;

static void count_delete(void *p)
{
	(void)p;
	deleted++;
}

/* mq_json_own ties a tree to the request: it is deleted when the arena is reset. */
START_TEST(json_own)
{
	mq_req *req = new_req(NULL, NULL, 0);
	cJSON *t = cJSON_CreateObject();
	ck_assert_ptr_eq(mq_json_own(req, t), t);
	ck_assert_ptr_null(mq_json_own(req, NULL));
	deleted = 0;
	mq_arena_defer(arena, count_delete, NULL);
	mq_arena_reset(arena); /* LeakSanitizer reports t if it was not deleted */
	ck_assert_int_eq(deleted, 1);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *scan = tcase_create("scan");
	TCase *body = tcase_create("body");
	tcase_add_loop_test(scan, content_type_check, 0, N_CASES(ctype_cases));
	tcase_add_loop_test(scan, depth_scanner, 0, N_CASES(depth_cases));
	tcase_add_test(scan, depth_scanner_respects_length);
	suite_add_tcase(s, scan);

	tcase_add_checked_fixture(body, setup, teardown);
	tcase_add_test(body, body_ok);
	tcase_add_test(body, body_depth_32_accepted);
	tcase_add_loop_test(body, body_errors, 0, N_CASES(body_cases));
	tcase_add_test(body, body_depth_33_refused);
	tcase_add_test(body, body_very_deep_refused);
	tcase_add_test(body, body_size_limit);
	tcase_add_test(body, body_too_large_before_content_checks);
	tcase_add_test(body, json_own);
	suite_add_tcase(s, body);
	return s;
}
