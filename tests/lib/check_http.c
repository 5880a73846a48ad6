/* check_http.c — unit tests for lib/web/http.c: form decoding, cookies, request parameters, UTF-8. */
#include "suites.h"

#include "web/http.h"

#include <check.h>
#include <stdio.h>
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

/* A list written as "{k=v}{k=v}…" so each table row reads as what it expects. */
static const char *kv_text(const mq_kvlist *l)
{
	mq_buf b = MQ_BUF_INIT;
	for (size_t i = 0; i < l->n; i++)
		mq_buf_printf(&b, "{%s=%s}", l->items[i].key, l->items[i].value);
	const char *s = mq_arena_strdup(arena, mq_buf_cstr(&b));
	mq_buf_free(&b);
	return s;
}

struct form_case {
	const char *in;
	size_t n;         /* 0: strlen(in) */
	int rc;
	const char *pairs;
};

static const struct form_case form_cases[] = {
	{ "", 0, 0, "" },
	{ "a=1", 0, 0, "{a=1}" },
	{ "a=1&b=2", 0, 0, "{a=1}{b=2}" },
	{ "q=hello+world", 0, 0, "{q=hello world}" },
	{ "q=a%20b", 0, 0, "{q=a b}" },
	{ "q=%2B1", 0, 0, "{q=+1}" },
	{ "q=%26%3D%25", 0, 0, "{q=&=%}" },
	{ "%61+b=%62", 0, 0, "{a b=b}" },
	{ "q=%41", 0, 0, "{q=A}" },
	{ "q=%41%42", 0, 0, "{q=AB}" },
	{ "q=%e2%82%ac", 0, 0, "{q=€}" },
	{ "q=%D8%B3%D9%84%D8%A7%D9%85", 0, 0, "{q=سلام}" },
	{ "q=سلام", 0, 0, "{q=سلام}" },
	{ "a&&b=1", 0, 0, "{a=}{b=1}" },
	{ "&a=1&", 0, 0, "{a=1}" },
	{ "&&&", 0, 0, "" },
	{ "a", 0, 0, "{a=}" },
	{ "a=", 0, 0, "{a=}" },
	{ "=1", 0, 0, "" },
	{ "=&b=2", 0, 0, "{b=2}" },
	{ "a=b=c", 0, 0, "{a=b=c}" },
	{ "a==", 0, 0, "{a==}" },
	{ "a=1&a=2", 0, 0, "{a=1}{a=2}" },
	{ "a=1&b=2", 3, 0, "{a=1}" },
	{ "q=%", 0, -1, "" },
	{ "q=%4", 0, -1, "" },
	{ "q=%zz", 0, -1, "" },
	{ "q=%4g", 0, -1, "" },
	{ "q=%g4", 0, -1, "" },
	{ "q=%%41", 0, -1, "" },
	{ "q=%00", 0, -1, "" },
	{ "q=%C3%28", 0, -1, "" },
	{ "q=%C0%AF", 0, -1, "" },
	{ "q=%ED%A0%80", 0, -1, "" },
	{ "q=%F4%90%80%80", 0, -1, "" },
	{ "q=%E2%82", 0, -1, "" },
	{ "q=\xff", 0, -1, "" },
	{ "%zz=1", 0, -1, "" },
	{ "%=1", 0, -1, "" },
	{ "%zz=1&b=2", 0, -1, "{b=2}" },
	{ "a=1&q=%&b=2", 0, -1, "{a=1}{b=2}" },
	{ "a=1&q=%00&b=2", 0, -1, "{a=1}{b=2}" },
	{ "a=%41%4", 0, -1, "" },
	{ "q=a\0b", 5, -1, "" },
};

START_TEST(form_decode)
{
	const struct form_case *c = &form_cases[_i];
	mq_kvlist l = { 0 };
	size_t n = c->n ? c->n : strlen(c->in);
	int rc = mq_form_decode(arena, c->in, n, &l);
	ck_assert_msg(rc == c->rc, "mq_form_decode(\"%s\") returned %d, expected %d", c->in, rc, c->rc);
	const char *got = kv_text(&l);
	ck_assert_msg(!strcmp(got, c->pairs), "mq_form_decode(\"%s\") gave %s, expected %s", c->in, got,
		      c->pairs);
}
END_TEST

/* Appends to a list that already has items (query + form body into one list). */
START_TEST(form_decode_appends)
{
	mq_kvlist l = { 0 };
	ck_assert_int_eq(mq_form_decode(arena, "a=1", 3, &l), 0);
	ck_assert_int_eq(mq_form_decode(arena, "b=2", 3, &l), 0);
	ck_assert_str_eq(kv_text(&l), "{a=1}{b=2}");
	ck_assert_str_eq(mq_kvlist_get(&l, "b"), "2");
	ck_assert_ptr_null(mq_kvlist_get(&l, "c"));
}
END_TEST

struct cookie_case {
	const char *header;
	const char *pairs;
};

static const struct cookie_case cookie_cases[] = {
	{ "", "" },
	{ "   ", "" },
	{ "a=1", "{a=1}" },
	{ "a=1; b=2", "{a=1}{b=2}" },
	{ "a=1;b=2", "{a=1}{b=2}" },
	{ "a=1;\tb=2", "{a=1}{b=2}" },
	{ "  a=1  ;  b=2  ", "{a=1}{b=2}" },
	{ "a =1; b\t=2", "{a=1}{b=2}" },
	{ "a=", "{a=}" },
	{ "a=1=2", "{a=1=2}" },
	{ "s=\"quoted value\"", "{s=quoted value}" },
	{ "s=\"\"", "{s=}" },
	{ "s=\"", "{s=\"}" },
	{ "s=\"half", "{s=\"half}" },
	{ "novalue; a=1", "{a=1}" },
	{ "=x; a=1", "{a=1}" },
	{ " =x; a=1", "{a=1}" },
	{ ";;; a=1;;", "{a=1}" },
	{ "a=1; junk; b=2; =; c=3", "{a=1}{b=2}{c=3}" },
	{ "session=abc.def-ghi_jkl; theme=dark", "{session=abc.def-ghi_jkl}{theme=dark}" },
	{ "a=1; a=2", "{a=1}{a=2}" },
};

START_TEST(cookie_parse)
{
	const struct cookie_case *c = &cookie_cases[_i];
	mq_kvlist l = { 0 };
	mq_cookie_parse(arena, c->header, &l);
	const char *got = kv_text(&l);
	ck_assert_msg(!strcmp(got, c->pairs), "mq_cookie_parse(\"%s\") gave %s, expected %s", c->header,
		      got, c->pairs);
}
END_TEST

/* Whitespace around '=' is trimmed on both sides of the name and of the value. */
START_TEST(cookie_value_leading_space_trimmed)
{
	mq_kvlist l = { 0 };
	mq_cookie_parse(arena, "a = 1; s= \"q\"", &l);
	const char *got = kv_text(&l);
	ck_assert_msg(!strcmp(got, "{a=1}{s=q}"),
		      "mq_cookie_parse(\"a = 1; s= \\\"q\\\"\") gave %s, expected {a=1}{s=q}", got);
}
END_TEST

START_TEST(req_init_defaults)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	ck_assert_ptr_eq(req.arena, arena);
	ck_assert_uint_eq(req.method, MQ_GET);
	ck_assert_str_eq(req.method_name, "GET");
	ck_assert_str_eq(req.path, "/");
	ck_assert_str_eq(req.display_path, "/");
	ck_assert_str_eq(req.query_string, "");
	ck_assert_str_eq(req.body, "");
	ck_assert_uint_eq(req.body_len, 0);
	ck_assert_ptr_null(req.request_id);
	ck_assert_ptr_null(req.user);
	ck_assert_int_eq(req.bad_query, 0);
	ck_assert_uint_eq(req.errors.n, 0);
	mq_req_parse_params(&req); /* nothing given: nothing changes */
	ck_assert_str_eq(req.path, "/");
	ck_assert_uint_eq(req.method, MQ_GET);

	char path[] = "/movies";
	mq_req_init(&req, arena, "DELETE", path);
	path[1] = 'X';
	ck_assert_uint_eq(req.method, MQ_DELETE);
	ck_assert_str_eq(req.path, "/movies");
}
END_TEST

struct method_case {
	const char *name;
	unsigned method;
};

static const struct method_case method_cases[] = {
	{ "GET", MQ_GET },       { "HEAD", MQ_HEAD },     { "POST", MQ_POST },
	{ "PUT", MQ_PUT },       { "PATCH", MQ_PATCH },   { "DELETE", MQ_DELETE },
	{ "OPTIONS", MQ_OPTIONS }, { "get", 0 },          { "BREW", 0 },
	{ "", 0 },               { "GET ", 0 },           { "TRACE", 0 },
};

START_TEST(method_from_params)
{
	const struct method_case *c = &method_cases[_i];
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	mq_req_add_param(&req, "REQUEST_METHOD", c->name);
	mq_req_parse_params(&req);
	ck_assert_msg(req.method == c->method, "REQUEST_METHOD \"%s\" parsed as %u, expected %u",
		      c->name, req.method, c->method);
	ck_assert_str_eq(req.method_name, c->name);
	ck_assert_uint_eq(mq_method_parse(c->name), c->method);
	if (c->method)
		ck_assert_str_eq(mq_method_name(c->method), c->name);
}
END_TEST

START_TEST(method_name_unknown)
{
	ck_assert_str_eq(mq_method_name(0), "?");
	ck_assert_str_eq(mq_method_name(MQ_GET | MQ_POST), "?");
	ck_assert_uint_eq(mq_method_parse(NULL), 0);
}
END_TEST

/* Which of DOCUMENT_URI, PATH_INFO and REQUEST_URI becomes the routing and display paths. */
struct path_case {
	const char *document_uri, *path_info, *request_uri; /* NULL: not given */
	const char *path, *display_path;
};

static const struct path_case path_cases[] = {
	{ "/doc", "/info", "/req?x=1", "/doc", "/req" },
	{ "", "/info", "/req?x=1", "/info", "/req" },
	{ NULL, "/info", "/req", "/info", "/req" },
	{ NULL, "", "/req?x=1", "/req", "/req" },
	{ NULL, NULL, "/req?x=1", "/req", "/req" },
	{ NULL, NULL, "/a%20b?q=1?2", "/a%20b", "/a%20b" },
	{ NULL, NULL, "/plain", "/plain", "/plain" },
	{ NULL, NULL, "/?", "/", "/" },
	{ "/doc", NULL, NULL, "/doc", "/doc" },
	{ NULL, "/info", NULL, "/info", "/info" },
	{ NULL, NULL, "", "/start", "/start" },
	{ "/50x.html", NULL, "/api/movies/1?token=secret", "/50x.html", "/api/movies/1" },
};

START_TEST(path_precedence)
{
	const struct path_case *c = &path_cases[_i];
	mq_req req;
	mq_req_init(&req, arena, "GET", "/start");
	if (c->document_uri)
		mq_req_add_param(&req, "DOCUMENT_URI", c->document_uri);
	if (c->path_info)
		mq_req_add_param(&req, "PATH_INFO", c->path_info);
	if (c->request_uri)
		mq_req_add_param(&req, "REQUEST_URI", c->request_uri);
	mq_req_parse_params(&req);
	ck_assert_msg(!strcmp(req.path, c->path), "case %d: path \"%s\", expected \"%s\"", _i,
		      req.path, c->path);
	ck_assert_msg(!strcmp(req.display_path, c->display_path),
		      "case %d: display_path \"%s\", expected \"%s\"", _i, req.display_path,
		      c->display_path);
	ck_assert_msg(!strchr(req.display_path, '?'), "display_path keeps the query: %s",
		      req.display_path);
}
END_TEST

START_TEST(query_and_cookies_from_params)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	mq_req_add_param(&req, "QUERY_STRING", "page=2&q=fight+club&q=x");
	mq_req_add_param(&req, "HTTP_COOKIE", "mq_session=abc; theme=dark");
	mq_req_parse_params(&req);
	ck_assert_int_eq(req.bad_query, 0);
	ck_assert_str_eq(req.query_string, "page=2&q=fight+club&q=x");
	ck_assert_uint_eq(req.query.n, 3);
	ck_assert_str_eq(mq_req_query(&req, "page"), "2");
	ck_assert_str_eq(mq_req_query(&req, "q"), "fight club"); /* the first of a repeated key */
	ck_assert_ptr_null(mq_req_query(&req, "none"));
	ck_assert_str_eq(mq_req_cookie(&req, "mq_session"), "abc");
	ck_assert_str_eq(mq_req_cookie(&req, "theme"), "dark");
	ck_assert_ptr_null(mq_req_cookie(&req, "other"));
	ck_assert_ptr_null(mq_req_route(&req, "id"));
}
END_TEST

static const char *const bad_queries[] = { "q=%", "q=%4", "q=%zz", "q=%00", "q=%C3%28",
					   "page=1&q=%ED%A0%80" };

START_TEST(bad_query_flagged)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	mq_req_add_param(&req, "QUERY_STRING", bad_queries[_i]);
	mq_req_parse_params(&req);
	ck_assert_msg(req.bad_query == 1, "QUERY_STRING \"%s\" not flagged bad", bad_queries[_i]);
	ck_assert_ptr_null(mq_req_query(&req, "q"));
}
END_TEST

struct id_case {
	const char *request_id, *x_request_id; /* NULL: not given */
	const char *expected;
};

static const char id64[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char id65[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0";

static const struct id_case id_cases[] = {
	{ "nginx-id", NULL, "nginx-id" },
	{ "nginx-id", "client-id", "nginx-id" },
	{ "", "client-id", "client-id" },
	{ NULL, "client-id", "client-id" },
	{ NULL, id64, id64 },
	{ NULL, id65, NULL },
	{ NULL, "", NULL },
	{ NULL, NULL, NULL },
};

START_TEST(request_id)
{
	const struct id_case *c = &id_cases[_i];
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	if (c->request_id)
		mq_req_add_param(&req, "REQUEST_ID", c->request_id);
	if (c->x_request_id)
		mq_req_add_param(&req, "HTTP_X_REQUEST_ID", c->x_request_id);
	mq_req_parse_params(&req);
	if (c->expected)
		ck_assert_msg(req.request_id && !strcmp(req.request_id, c->expected),
			      "case %d: request_id \"%s\", expected \"%s\"", _i,
			      req.request_id ? req.request_id : "(null)", c->expected);
	else
		ck_assert_msg(req.request_id == NULL, "case %d: request_id \"%s\", expected none", _i,
			      req.request_id);
}
END_TEST

START_TEST(params_are_copied)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	char key[] = "CONTENT_TYPE", value[] = "application/json";
	mq_req_add_param(&req, key, value);
	key[0] = 'X';
	value[0] = 'X';
	ck_assert_str_eq(mq_req_param(&req, "CONTENT_TYPE"), "application/json");
	ck_assert_ptr_null(mq_req_param(&req, "XONTENT_TYPE"));
	/* many parameters: the list grows */
	for (int i = 0; i < 100; i++) {
		char k[32], v[32];
		snprintf(k, sizeof k, "HTTP_X_%d", i);
		snprintf(v, sizeof v, "v%d", i);
		mq_req_add_param(&req, k, v);
	}
	ck_assert_uint_eq(req.params.n, 101);
	ck_assert_str_eq(mq_req_param(&req, "HTTP_X_0"), "v0");
	ck_assert_str_eq(mq_req_param(&req, "HTTP_X_99"), "v99");
	ck_assert_str_eq(mq_req_param(&req, "CONTENT_TYPE"), "application/json");
}
END_TEST

START_TEST(body_is_copied)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	char body[] = "{\"a\":1}\0tail";
	mq_req_set_body(&req, body, 12);
	body[0] = 'X';
	ck_assert_uint_eq(req.body_len, 12);
	ck_assert_mem_eq(req.body, "{\"a\":1}\0tail\0", 13);
}
END_TEST

START_TEST(req_error_collects_messages)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	for (int i = 0; i < 20; i++)
		mq_req_error(&req, "problem %d of %s", i, "many");
	mq_req_error(&req, "%s", "");
	ck_assert_uint_eq(req.errors.n, 21);
	ck_assert_str_eq(req.errors.items[0], "problem 0 of many");
	ck_assert_str_eq(req.errors.items[19], "problem 19 of many");
	ck_assert_str_eq(req.errors.items[20], "");
}
END_TEST

/* A precision that cuts a character in two leaves valid UTF-8 (the API's JSON must be). */
START_TEST(req_error_stays_utf8)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	mq_req_error(&req, "'%.5s'", "\xd9\x86\xd8\xa7\xd9\x85"); /* نام (6 bytes) cut inside its last letter */
	mq_req_error(&req, "'%.3s'", "\xe0\xa4\xaa\xe0\xa4\xa8");  /* one Devanagari letter whole */
	mq_req_error(&req, "'%.2s'", "\xe0\xa4\xaa");                /* nothing whole */
	mq_req_error(&req, "%s", "\xff ok \xc0\x80");                /* invalid bytes in the text itself */
	ck_assert_str_eq(req.errors.items[0], "'\xd9\x86\xd8\xa7'");
	ck_assert_str_eq(req.errors.items[1], "'\xe0\xa4\xaa'");
	ck_assert_str_eq(req.errors.items[2], "''");
	ck_assert_str_eq(req.errors.items[3], " ok ");
	for (size_t i = 0; i < req.errors.n; i++)
		ck_assert(mq_utf8_valid(req.errors.items[i], strlen(req.errors.items[i])));
}
END_TEST

struct api_case {
	const char *display_path;
	const char *path;
	int api;
};

static const struct api_case api_cases[] = {
	{ "/api/movies", "/api/movies", 1 },
	{ "/api", "/api", 1 },
	{ "/api/", "/api/", 1 },
	{ "/apis", "/apis", 0 },
	{ "/api-docs", "/api-docs", 0 },
	{ "/", "/", 0 },
	{ "/movies/api/x", "/movies/api/x", 0 },
	{ "/API/movies", "/API/movies", 0 },
	{ "api/movies", "api/movies", 0 },
	/* an nginx error page for an API request still answers in JSON */
	{ "/api/movies", "/50x.html", 1 },
	{ "/movies", "/api/internal", 0 },
	{ NULL, "/api/movies", 1 },
	{ NULL, "/movies", 0 },
};

START_TEST(is_api)
{
	const struct api_case *c = &api_cases[_i];
	mq_req req;
	mq_req_init(&req, arena, NULL, c->path);
	req.display_path = c->display_path ? mq_arena_strdup(arena, c->display_path) : NULL;
	ck_assert_msg(mq_req_is_api(&req) == c->api, "display_path %s, path %s: is_api %d, expected %d",
		      c->display_path ? c->display_path : "(null)", c->path, mq_req_is_api(&req),
		      c->api);
}
END_TEST

START_TEST(is_api_from_params)
{
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	mq_req_add_param(&req, "DOCUMENT_URI", "/50x.html");
	mq_req_add_param(&req, "REQUEST_URI", "/api/movies?page=2");
	mq_req_parse_params(&req);
	ck_assert_int_eq(mq_req_is_api(&req), 1);
}
END_TEST

struct utf8_case {
	const char *s;
	size_t n; /* 0: strlen(s) */
	int valid;
};

static const struct utf8_case utf8_cases[] = {
	{ "", 0, 1 },
	{ "plain ascii", 0, 1 },
	{ "\0", 1, 1 },
	{ "\x7f", 0, 1 },
	{ "\xC3\xA9", 0, 1 },                 /* é */
	{ "\xC2\x80", 0, 1 },                 /* U+0080, smallest 2-byte */
	{ "\xDF\xBF", 0, 1 },                 /* U+07FF */
	{ "\xE0\xA0\x80", 0, 1 },             /* U+0800, smallest 3-byte */
	{ "\xE2\x82\xAC", 0, 1 },             /* € */
	{ "\xED\x9F\xBF", 0, 1 },             /* U+D7FF, below the surrogates */
	{ "\xEE\x80\x80", 0, 1 },             /* U+E000, above the surrogates */
	{ "\xEF\xBF\xBF", 0, 1 },             /* U+FFFF */
	{ "\xF0\x90\x80\x80", 0, 1 },         /* U+10000, smallest 4-byte */
	{ "\xF0\x9F\x8E\xAC", 0, 1 },         /* 🎬 */
	{ "\xF4\x8F\xBF\xBF", 0, 1 },         /* U+10FFFF */
	{ "سلام دنیا", 0, 1 },
	/* overlong forms */
	{ "\xC0\x80", 0, 0 },
	{ "\xC0\xAF", 0, 0 },
	{ "\xC1\xBF", 0, 0 },
	{ "\xE0\x80\x80", 0, 0 },
	{ "\xE0\x9F\xBF", 0, 0 },
	{ "\xF0\x80\x80\x80", 0, 0 },
	{ "\xF0\x8F\xBF\xBF", 0, 0 },
	/* UTF-16 surrogates */
	{ "\xED\xA0\x80", 0, 0 },
	{ "\xED\xAD\xBF", 0, 0 },
	{ "\xED\xB0\x80", 0, 0 },
	{ "\xED\xBF\xBF", 0, 0 },
	{ "\xED\xA0\xBD\xED\xB2\xA9", 0, 0 }, /* a CESU-8 surrogate pair */
	/* past U+10FFFF, and 5/6-byte forms */
	{ "\xF4\x90\x80\x80", 0, 0 },
	{ "\xF5\x80\x80\x80", 0, 0 },
	{ "\xF7\xBF\xBF\xBF", 0, 0 },
	{ "\xF8\x88\x80\x80\x80", 0, 0 },
	{ "\xFC\x84\x80\x80\x80\x80", 0, 0 },
	{ "\xFE", 0, 0 },
	{ "\xFF", 0, 0 },
	/* stray continuation bytes */
	{ "\x80", 0, 0 },
	{ "\xBF", 0, 0 },
	{ "a\x80z", 0, 0 },
	/* truncated sequences */
	{ "\xC3", 0, 0 },
	{ "\xE2\x82", 0, 0 },
	{ "\xF0\x9F\x8E", 0, 0 },
	{ "abc\xE2\x82", 0, 0 },
	{ "\xC3\xA9", 1, 0 },
	{ "\xF0\x9F\x8E\xAC", 3, 0 },
	/* bad continuation bytes */
	{ "\xC3\x28", 0, 0 },
	{ "\xE2\x28\xA1", 0, 0 },
	{ "\xE2\x82\x28", 0, 0 },
	{ "\xF0\x28\x8C\xBC", 0, 0 },
	{ "\xF0\x90\x28\xBC", 0, 0 },
	{ "\xF0\x90\x8C\x28", 0, 0 },
	{ "\xC3\xC3\xA9", 0, 0 },
};

START_TEST(utf8_valid)
{
	const struct utf8_case *c = &utf8_cases[_i];
	size_t n = c->n ? c->n : strlen(c->s);
	mq_buf hex = MQ_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		mq_buf_printf(&hex, "%02X ", (unsigned char)c->s[i]);
	ck_assert_msg(mq_utf8_valid(c->s, n) == c->valid, "mq_utf8_valid(%s) = %d, expected %d",
		      mq_buf_cstr(&hex), mq_utf8_valid(c->s, n), c->valid);
	mq_buf_free(&hex);
}
END_TEST

static void count_after(mq_req *req, void *arg)
{
	ck_assert_ptr_nonnull(req);
	++*(int *)arg;
}

START_TEST(req_after_runs_once)
{
	mq_arena *a = mq_arena_new();
	mq_req req;
	int runs = 0;
	mq_req_init(&req, a, "POST", "/x");
	mq_req_run_after(&req); /* nothing set: nothing runs */
	mq_req_after(&req, count_after, &runs);
	ck_assert_int_eq(runs, 0);
	mq_req_run_after(&req);
	mq_req_run_after(&req);
	ck_assert_int_eq(runs, 1);
	mq_arena_free(a);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *form = tcase_create("form");
	TCase *cookie = tcase_create("cookie");
	TCase *req = tcase_create("request");
	TCase *utf8 = tcase_create("utf8");

	tcase_add_checked_fixture(form, setup, teardown);
	tcase_add_loop_test(form, form_decode, 0, N_CASES(form_cases));
	tcase_add_test(form, form_decode_appends);
	suite_add_tcase(s, form);

	tcase_add_checked_fixture(cookie, setup, teardown);
	tcase_add_loop_test(cookie, cookie_parse, 0, N_CASES(cookie_cases));
	tcase_add_test(cookie, cookie_value_leading_space_trimmed);
	suite_add_tcase(s, cookie);

	tcase_add_checked_fixture(req, setup, teardown);
	tcase_add_test(req, req_init_defaults);
	tcase_add_test(req, req_after_runs_once);
	tcase_add_loop_test(req, method_from_params, 0, N_CASES(method_cases));
	tcase_add_test(req, method_name_unknown);
	tcase_add_loop_test(req, path_precedence, 0, N_CASES(path_cases));
	tcase_add_test(req, query_and_cookies_from_params);
	tcase_add_loop_test(req, bad_query_flagged, 0, N_CASES(bad_queries));
	tcase_add_loop_test(req, request_id, 0, N_CASES(id_cases));
	tcase_add_test(req, params_are_copied);
	tcase_add_test(req, body_is_copied);
	tcase_add_test(req, req_error_collects_messages);
	tcase_add_test(req, req_error_stays_utf8);
	tcase_add_loop_test(req, is_api, 0, N_CASES(api_cases));
	tcase_add_test(req, is_api_from_params);
	suite_add_tcase(s, req);

	tcase_add_loop_test(utf8, utf8_valid, 0, N_CASES(utf8_cases));
	suite_add_tcase(s, utf8);
	return s;
}
