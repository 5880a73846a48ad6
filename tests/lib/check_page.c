/* check_page.c — unit tests for lib/site/page.c: page language and pages rendered into the layout. */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/messages.h"
#include "core/template.h"
#include "site/page.h"
#include "web/ctx.h"
#include "web/http.h"
#include "web/response.h"
#include "web/valid.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

static mq_arena *arena;
static mq_req req;
static mq_res res;
static mq_ctx ctx;
static mq_config cfg;

static const char layout_src[] =
	"<!doctype html>\n<html lang=\"{{lang}}\" dir=\"{{dir}}\" data-theme=\"{{theme}}\">"
	"<title>{{title}} · {{site_name}}</title>\n"
	"<nav>{{#user}}<a href=\"/me\">{{id}}</a>{{#is_admin}}<a href=\"/admin\">admin</a>{{/is_admin}}{{/user}}"
	"{{^user}}<a href=\"/login\">login</a>{{/user}}</nav>\n"
	"<main>{{{content}}}</main><footer>{{year}}</footer></html>\n";
static const char movie_src[] =
	"<h1>{{name}}</h1><p>{{#is_fa}}فارسی{{/is_fa}}{{^is_fa}}English{{/is_fa}}</p>";

static const char error_src[] =
	"<h1>{{message}}</h1><p>{{status_text}}</p><ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul>";

static void add(mq_tmpl_set *set, const char *name, const char *src)
{
	mq_buf err = MQ_BUF_INIT;
	ck_assert_msg(mq_tmpl_set_add(set, name, src, strlen(src), &err) == 0, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
}

static void setup(void)
{
	memset(&cfg, 0, sizeof cfg);
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = &cfg;
	ctx.app_name = "pages";
	ctx.started = time(NULL);
	ctx.templates = mq_tmpl_set_new();
	add(ctx.templates, "layout", layout_src);
	add(ctx.templates, "movie", movie_src);
	add(ctx.templates, "error", error_src);
	mq_buf err = MQ_BUF_INIT; /* the catalogue shipped, as the worker loads it */
	ctx.messages = mq_messages_load("templates/messages", &err);
	ck_assert_msg(ctx.messages != NULL, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
	arena = mq_arena_new();
	mq_res_init(&res);
}

static void teardown(void)
{
	mq_res_free(&res);
	mq_arena_free(arena);
	mq_tmpl_set_free(ctx.templates);
	ctx.templates = NULL;
	mq_messages_free(ctx.messages);
	ctx.messages = NULL;
}

/* A GET of path with CGI parameter pairs ending with NULL. */
static void build(const char *path, ...) __attribute__((sentinel));
static void build(const char *path, ...)
{
	va_list ap;
	mq_arena_reset(arena);
	mq_res_reset(&res);
	mq_req_init(&req, arena, "GET", path);
	req.ctx = &ctx;
	va_start(ap, path);
	for (const char *k; (k = va_arg(ap, const char *));)
		mq_req_add_param(&req, k, va_arg(ap, const char *));
	va_end(ap);
	mq_req_parse_params(&req);
}

static const struct {
	const char *cookie, *accept_language, *want;
} lang_cases[] = {
	{ NULL, NULL, "en" },
	{ "mq_lang=fa", NULL, "fa" },
	{ "mq_lang=en", NULL, "en" },
	{ "a=1; mq_lang=fa; b=2", "en-US", "fa" },      /* the cookie wins */
	{ "mq_lang=en", "fa-IR,fa;q=0.9", "en" },
	{ NULL, "fa", "fa" },
	{ NULL, "fa-IR,fa;q=0.9,en-US;q=0.8", "fa" },
	{ NULL, "FA-ir", "fa" },
	{ NULL, "en-US,en;q=0.9", "en" },
	{ NULL, "de-DE", "en" },                         /* not offered: the default */
	{ NULL, "", "en" },
	{ "mq_lang=de", "fa", "fa" },                   /* an unknown cookie value is ignored */
	{ "mq_lang=de", NULL, "en" },
	{ "mq_lang=FA", NULL, "en" },
	{ "mq_lang=", NULL, "en" },
	{ NULL, "fat", "en" },   /* Fanti (ISO 639-2 "fat") is not Persian: RFC 4647 §3.3.1 prefix match */
};

START_TEST(language)
{
	if (lang_cases[_i].cookie && lang_cases[_i].accept_language)
		build("/", "HTTP_COOKIE", lang_cases[_i].cookie, "HTTP_ACCEPT_LANGUAGE",
		      lang_cases[_i].accept_language, (const char *)NULL);
	else if (lang_cases[_i].cookie)
		build("/", "HTTP_COOKIE", lang_cases[_i].cookie, (const char *)NULL);
	else if (lang_cases[_i].accept_language)
		build("/", "HTTP_ACCEPT_LANGUAGE", lang_cases[_i].accept_language, (const char *)NULL);
	else
		build("/", (const char *)NULL);
	const char *got = mq_page_language(&req);
	ck_assert_msg(!strcmp(got, lang_cases[_i].want), "cookie %s, Accept-Language %s: got %s, want %s",
		      lang_cases[_i].cookie ? lang_cases[_i].cookie : "(none)",
		      lang_cases[_i].accept_language ? lang_cases[_i].accept_language : "(none)", got,
		      lang_cases[_i].want);
}
END_TEST

/* tests/lang-cases.txt: the rule nginx's cache key follows too. */
START_TEST(accept_language_cases)
{
	FILE *f = fopen("tests/lang-cases.txt", "r");
	ck_assert_msg(f != NULL, "tests/lang-cases.txt (run from the repository's top)");
	char line[256], header[256];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *bar = strchr(line, '|');
		if (line[0] == '#' || !bar)
			continue;
		size_t k = 0;
		for (const char *p = bar + 1; *p && k + 1 < sizeof header; p++)
			header[k++] = p[0] == '\\' && p[1] == 't' ? (p++, '\t') : *p;
		header[k] = '\0';
		*bar = '\0';
		int want = !strcmp(line, "fa");
		ck_assert_msg(mq_page_accepts_fa(header) == want, "Accept-Language \"%s\": want %s", header, line);
		n++;
	}
	fclose(f);
	ck_assert_int_gt(n, 20);
}
END_TEST

/* Where a login may send the browser back to: this site's paths only. */
START_TEST(local_paths)
{
	static const char *const good[] = { "/", "/me", "/movies/550?x=1#y", "/a/b//c", "/a\\b", "/%09" };
	static const char *const bad[] = { NULL, "", "me", "//evil.example", "/\\evil.example", "/\t/evil.example/x",
		"/\n/evil.example", "/ /evil.example", "/a b", "/a\x7f", "/\x01", "http://evil.example/",
		"\\evil.example", " /me" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(mq_page_local_path(good[i]), "%s refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!mq_page_local_path(bad[i]), "%s accepted", bad[i] ? bad[i] : "(null)");
	build("/login", (const char *)NULL);
	mq_reply_redirect(&req, &res, "/\t/evil.example/x");
	ck_assert_int_eq(res.status, 303);
}
END_TEST

/* nginx's choice (MQ_LANG) is the page's language, whatever the cookie and header say. */
START_TEST(language_from_nginx)
{
	build("/", "MQ_LANG", "fa", "HTTP_COOKIE", "mq_lang=en", "HTTP_ACCEPT_LANGUAGE", "en", (const char *)NULL);
	ck_assert_str_eq(mq_page_language(&req), "fa");
	build("/", "MQ_LANG", "en", "HTTP_ACCEPT_LANGUAGE", "fa", (const char *)NULL);
	ck_assert_str_eq(mq_page_language(&req), "en");
	build("/", "MQ_LANG", "de", "HTTP_ACCEPT_LANGUAGE", "fa", (const char *)NULL);
	ck_assert_str_eq(mq_page_language(&req), "fa");
}
END_TEST

static const char *body(void)
{
	return mq_buf_cstr(&res.body);
}

START_TEST(page_rendered)
{
	build("/movies/1", (const char *)NULL);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "name", "<script>alert('x')</script> & \"Co\"");
	mq_reply_page(&req, &res, 200, "movie", "Heat <1995>", data);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
	const char *b = body();
	ck_assert_msg(!strncmp(b, "<!doctype html>\n<html lang=\"en\" dir=\"ltr\" data-theme=\"light\">", 61),
		      "%s", b);
	ck_assert_ptr_nonnull(strstr(b, "<title>Heat &lt;1995&gt; · Marquee</title>"));
	/* the page's data is escaped; its markup (raw content) is not */
	ck_assert_ptr_nonnull(strstr(b, "<main><h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
				       "&amp; &quot;Co&quot;</h1>"));
	ck_assert_ptr_null(strstr(b, "<script>"));
	ck_assert_ptr_nonnull(strstr(b, "<p>English</p>"));
	ck_assert_ptr_nonnull(strstr(b, "<a href=\"/login\">login</a>"));
	char year[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(year, sizeof year, "<footer>%d</footer>", tm.tm_year + 1900);
	ck_assert_ptr_nonnull(strstr(b, year));
	/* the status is the caller's */
	build("/movies/0", (const char *)NULL);
	mq_reply_page(&req, &res, 404, "movie", NULL, NULL);
	ck_assert_int_eq(res.status, 404);
	ck_assert_ptr_nonnull(strstr(body(), "<title>Marquee · Marquee</title>"));
	ck_assert_ptr_nonnull(strstr(body(), "<main><h1></h1>"));
}
END_TEST

START_TEST(page_rtl)
{
	build("/movies/1", "HTTP_COOKIE", "mq_lang=fa; mq_theme=dark", (const char *)NULL);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "name", "مخمصه");
	mq_reply_page(&req, &res, 200, "movie", "مخمصه", data);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_nonnull(strstr(body(), "<html lang=\"fa\" dir=\"rtl\" data-theme=\"dark\">"));
	ck_assert_ptr_nonnull(strstr(body(), "<h1>مخمصه</h1><p>فارسی</p>"));

	build("/movies/1", "HTTP_ACCEPT_LANGUAGE", "fa-IR", "HTTP_COOKIE", "mq_theme=neon", (const char *)NULL);
	mq_reply_page(&req, &res, 200, "movie", NULL, NULL);
	ck_assert_ptr_nonnull(strstr(body(), "<html lang=\"fa\" dir=\"rtl\" data-theme=\"light\">"));
}
END_TEST

START_TEST(page_user)
{
	mq_user u = { .id = "65f0a1b2c3d4e5f601234567", .role = "admin", .token_version = 1 };
	build("/movies/1", (const char *)NULL);
	req.user = &u;
	mq_reply_page(&req, &res, 200, "movie", NULL, NULL);
	ck_assert_ptr_nonnull(strstr(body(), "<nav><a href=\"/me\">65f0a1b2c3d4e5f601234567</a>"
					     "<a href=\"/admin\">admin</a></nav>"));
	u.role = "user";
	build("/movies/1", (const char *)NULL);
	req.user = &u;
	mq_reply_page(&req, &res, 200, "movie", NULL, NULL);
	ck_assert_ptr_nonnull(strstr(body(), "<nav><a href=\"/me\">65f0a1b2c3d4e5f601234567</a></nav>"));
}
END_TEST

START_TEST(page_missing_template)
{
	build("/movies/1", (const char *)NULL);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "name", "x");
	mq_reply_page(&req, &res, 200, "no-such-page", NULL, data);
	ck_assert_int_eq(res.status, 500);
	ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(body(), "500"));
	ck_assert_ptr_null(strstr(body(), "no-such-page")); /* details go to the log only */

	/* no layout */
	mq_tmpl_set_free(ctx.templates);
	ctx.templates = mq_tmpl_set_new();
	add(ctx.templates, "movie", movie_src);
	build("/movies/1", (const char *)NULL);
	mq_reply_page(&req, &res, 200, "movie", NULL, NULL);
	ck_assert_int_eq(res.status, 500);

	/* no templates loaded at all */
	mq_tmpl_set_free(ctx.templates);
	ctx.templates = NULL;
	build("/movies/1", (const char *)NULL);
	mq_reply_page(&req, &res, 200, "movie", NULL, NULL);
	ck_assert_int_eq(res.status, 500);

	/* no context */
	build("/movies/1", (const char *)NULL);
	req.ctx = NULL;
	mq_reply_page(&req, &res, 200, "movie", NULL, cJSON_CreateObject());
	ck_assert_int_eq(res.status, 500);
}
END_TEST

/* A query that fails every kind of check the filters of a list page have. */
static const char *const sorts[] = { "popularity", "title", NULL };
static const mq_field filter_fields[] = {
	{ "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
	{ "q", MQ_V_STRING, 0, 0, 5, NULL, NULL },
	{ "sort", MQ_V_ENUM, 0, 0, 0, sorts, NULL },
	{ "minRating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL },
};
#define N_FILTERS (sizeof filter_fields / sizeof filter_fields[0])

static cJSON *refused_form(const char *lang)
{
	build("/movies", "QUERY_STRING", "year=19x9&q=too+long&sort=zzz&minRating=11&bogus=1",
	      "HTTP_COOKIE", !strcmp(lang, "fa") ? "mq_lang=fa" : "mq_lang=en", (const char *)NULL);
	mq_value v[N_FILTERS];
	ck_assert_int_eq(mq_validate_query(&req, filter_fields, N_FILTERS, v), -1);
	return mq_page_form(&req, (const char *const[]){ "year", "q", "minRating", NULL }, &req.query);
}

static const char *form_text(const cJSON *form, const char *field, const char *what)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(form, field), what));
	ck_assert_msg(t != NULL, "no %s.%s", field, what);
	return t;
}

/* Problems keep the API's English and are shown in the page's language: next to their field
 * without its name, the others with their field's label, numbers in the page's digits. */
START_TEST(problems_in_page_language)
{
	cJSON *form = refused_form("fa");
	ck_assert_str_eq(req.errors.items[0], "year must be an integer from 1870 to 2100");
	ck_assert_str_eq(req.errors.problems[0].code, "int_range");
	ck_assert_str_eq(req.errors.problems[0].field, "year");
	ck_assert_str_eq(form_text(form, "year", "error"), "عددی صحیح از ۱۸۷۰ تا ۲۱۰۰ وارد کنید.");
	ck_assert_str_eq(form_text(form, "q", "error"), "حداکثر ۵ نویسه بنویسید.");
	ck_assert_str_eq(form_text(form, "minRating", "error"), "عددی از ۰ تا ۱۰ وارد کنید.");
	ck_assert_str_eq(form_text(form, "year", "value"), "19x9"); /* a form value keeps its digits */
	const cJSON *rest = cJSON_GetObjectItemCaseSensitive(form, "errors");
	ck_assert_int_eq(cJSON_GetArraySize(rest), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(rest, 0)->valuestring, "مرتب‌سازی: یکی از گزینه‌های پیشنهادشده را برگزینید.");
	ck_assert_str_eq(cJSON_GetArrayItem(rest, 1)->valuestring, "نشانی یا فرم بخشی دارد که این صفحه نمی‌پذیرد.");
	cJSON_Delete(form);

	form = refused_form("en");
	ck_assert_str_eq(form_text(form, "year", "error"), "Enter a whole number from 1870 to 2100.");
	ck_assert_str_eq(form_text(form, "q", "error"), "Write at most 5 characters.");
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(form, "errors"), 0)->valuestring,
			 "Sort by: Choose one of the options offered.");
	cJSON_Delete(form);
}
END_TEST

/* A problem raised without page words: its English on an English page, a general sentence on a
 * Persian one (never English on a right-to-left page). */
START_TEST(problems_without_code)
{
	build("/movies/1/review", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	mq_req_error(&req, "send rating, review or both");
	ck_assert_str_eq(mq_page_problem(&req, 0, 1), "این مقدار پذیرفته نشد.");
	build("/movies/1/review", "HTTP_COOKIE", "mq_lang=en", (const char *)NULL);
	mq_req_error(&req, "send rating, review or both");
	mq_req_problem(&req, (mq_problem){ "required", "rating", 0, 0 }, "rating is required");
	ck_assert_str_eq(mq_page_problem(&req, 0, 1), "send rating, review or both");
	ck_assert_str_eq(mq_page_problem(&req, 1, 1), "Rating: This is required.");
	ck_assert_str_eq(mq_page_problem(&req, 1, 0), "This is required.");
	ck_assert_str_eq(mq_page_problem(&req, 2, 1), ""); /* no such problem */
	/* a form places it by its field even when its English does not start with the name */
	cJSON *form = mq_page_form(&req, (const char *const[]){ "rating", NULL }, NULL);
	ck_assert_str_eq(form_text(form, "rating", "error"), "This is required.");
	cJSON_Delete(form);
}
END_TEST

/* Every code a validator of valid.c gives has its text in both languages. */
START_TEST(every_validator_has_page_words)
{
	static const char *const choices[] = { "a", NULL };
	static const mq_field all[] = {
		{ "i", MQ_V_INT, 0, 1, 2, NULL, NULL }, { "b", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
		{ "e", MQ_V_ENUM, 0, 0, 0, choices, NULL }, { "s", MQ_V_STRING, 0, 2, 3, NULL, NULL },
		{ "t", MQ_V_STRING, 0, 0, 3, NULL, NULL }, { "n", MQ_V_NUMBER, 0, 0, 1, NULL, NULL },
		{ "a", MQ_V_ARRAY, 0, 0, 1, NULL, NULL }, { "o", MQ_V_OBJECT, 0, 0, 0, NULL, NULL },
		{ "r", MQ_V_INT, MQ_REQUIRED, 0, 1, NULL, NULL }, { "c", MQ_V_STRING, 0, 0, 9, NULL, NULL },
	};
	const size_t n = sizeof all / sizeof all[0];
	mq_value v[sizeof all / sizeof all[0]];
	build("/api/v1/x", "QUERY_STRING", "i=9&b=maybe&e=z&s=x&t=long&n=5&a=1&i=1&zz=1&c=%01", (const char *)NULL);
	ck_assert_int_eq(mq_validate_query(&req, all, n, v), -1);
	cJSON *body = cJSON_Parse("{\"i\":1.5,\"b\":1,\"e\":3,\"s\":\"x\",\"n\":\"5\",\"a\":[1,2],"
				  "\"o\":[],\"t\":null,\"zz\":1}");
	ck_assert_int_eq(mq_validate_object(&req, body, all, n, v), -1);
	ck_assert_int_eq(mq_validate_object(&req, NULL, all, n, v), -1);
	cJSON_Delete(body);
	ck_assert_uint_ge(req.errors.n, 20);
	for (size_t i = 0; i < req.errors.n; i++) {
		const char *code = req.errors.problems[i].code;
		ck_assert_msg(code != NULL, "no code for \"%s\"", req.errors.items[i]);
		char key[64];
		snprintf(key, sizeof key, "problems.%s", code);
		ck_assert_msg(mq_message_find(ctx.messages, "en", key) && mq_message_find(ctx.messages, "fa", key),
			      "no text %s (\"%s\")", key, req.errors.items[i]);
	}
}
END_TEST

/* The error page heads with the status in the page's words, whatever the API's English. */
START_TEST(error_page_in_page_language)
{
	build("/movies", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	mq_req_problem(&req, (mq_problem){ "int_range", "page", 1, 500000 }, "page must be an integer from 1 to 500000");
	ck_assert_int_eq(mq_page_error(&req, &res, 400, "Validation failed"), 0);
	ck_assert_int_eq(res.status, 400);
	ck_assert_msg(strstr(body(), "<h1>درخواست ایرادی داشت</h1><p>۴۰۰</p>"), "%s", body());
	ck_assert_msg(strstr(body(), "<li>صفحه: عددی صحیح از ۱ تا ۵۰۰۰۰۰ وارد کنید.</li>"), "%s", body());
	ck_assert_ptr_null(strstr(body(), "Validation"));
	build("/nope", (const char *)NULL);
	ck_assert_int_eq(mq_page_error(&req, &res, 404, "No such movie"), 0);
	ck_assert_msg(strstr(body(), "<h1>Page not found</h1><p>404</p>"), "%s", body());
	build("/nope", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_int_eq(mq_page_error(&req, &res, 418, "I'm a teapot"), 0);
	ck_assert_msg(strstr(body(), "<h1>این صفحه نمایش داده نشد</h1><p>۴۱۸</p>"), "%s", body());
}
END_TEST

/* Placeholders filled with the page's digits; titles set apart for the bidirectional algorithm. */
START_TEST(messages_with_numbers)
{
	build("/movies", "HTTP_COOKIE", "mq_lang=fa", (const char *)NULL);
	ck_assert_str_eq(mq_page_messagef(&req, "pagination.page_of", "page", mq_page_digits(&req, 2),
					  "total", mq_page_digits(&req, 1234), NULL), "صفحهٔ ۲ از ۱۲۳۴");
	ck_assert_str_eq(mq_page_number(&req, 30100, 0), "۳۰٬۱۰۰");
	ck_assert_str_eq(mq_page_messagef(&req, "similar.heading", "title", mq_page_isolate(&req, "Heat"), NULL),
			 "فیلم‌های مشابه \u2068Heat\u2069");
	build("/movies", (const char *)NULL);
	ck_assert_str_eq(mq_page_number(&req, 7.26, 1), "7.3");
	ck_assert_str_eq(mq_page_messagef(&req, "pagination.page_of", "page", "2", "total", "7", NULL), "Page 2 of 7");
}
END_TEST

Suite *page_suite(void)
{
	Suite *s = suite_create("page");
	TCase *t = tcase_create("page");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, language, 0, (int)(sizeof lang_cases / sizeof lang_cases[0]));
	tcase_add_test(t, accept_language_cases);
	tcase_add_test(t, language_from_nginx);
	tcase_add_test(t, local_paths);
	tcase_add_test(t, page_rendered);
	tcase_add_test(t, page_rtl);
	tcase_add_test(t, page_user);
	tcase_add_test(t, page_missing_template);
	tcase_add_test(t, problems_in_page_language);
	tcase_add_test(t, problems_without_code);
	tcase_add_test(t, every_validator_has_page_words);
	tcase_add_test(t, error_page_in_page_language);
	tcase_add_test(t, messages_with_numbers);
	suite_add_tcase(s, t);
	return s;
}
