/* check_page.c — unit tests for lib/site/page.c: page language and pages rendered into the layout. */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/template.h"
#include "site/page.h"
#include "web/ctx.h"
#include "web/http.h"
#include "web/response.h"

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
	arena = mq_arena_new();
	mq_res_init(&res);
}

static void teardown(void)
{
	mq_res_free(&res);
	mq_arena_free(arena);
	mq_tmpl_set_free(ctx.templates);
	ctx.templates = NULL;
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
	suite_add_tcase(s, t);
	return s;
}
