/* check_config.c — unit tests for lib/core/config.c: defaults, one line per problem, secrets, durations,
 * TMDB cache lifetimes per endpoint family, the mail transport. */
#include "suites.h"

#include "core/config.h"
#include "core/log.h"
#include "core/parse.h"

#include <check.h>
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <string.h>

/* A fake environment: name/value pairs, terminated by a NULL name. */
struct var {
	const char *name;
	const char *value;
};

static const char *table_get(const char *name, void *ctx)
{
	for (const struct var *v = ctx; v->name; v++)
		if (!strcmp(v->name, name))
			return v->value;
	return NULL;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Whether problems has a line starting with "name: ". */
static int has_line_for(const char *problems, const char *name)
{
	size_t n = strlen(name);
	for (const char *line = problems; *line;) {
		if (!strncmp(line, name, n) && line[n] == ':' && line[n + 1] == ' ')
			return 1;
		const char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

/* mongoc reports some URI problems on its own log; keep the test output quiet. */
static void quiet_mongoc(void)
{
	mongoc_log_set_handler(NULL, NULL);
}

static void restore_mongoc(void)
{
	mongoc_log_set_handler(mongoc_log_default_handler, NULL);
}

START_TEST(defaults)
{
	static const struct var env[] = { { NULL, NULL } };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	ck_assert_int_eq(mq_config_load(&cfg, 0, table_get, (void *)env, &problems), 0);
	ck_assert_str_eq(mq_buf_cstr(&problems), "");
	ck_assert_str_eq(cfg.mongodb_uri, "mongodb://127.0.0.1:27017/");
	ck_assert_str_eq(cfg.db_name, "marquee");
	ck_assert_ptr_null(cfg.tmdb_api_key);
	ck_assert_ptr_null(cfg.tmdb_read_token);
	ck_assert_str_eq(cfg.tmdb_base_url, "https://api.themoviedb.org/3");
	ck_assert_int_eq(cfg.n_tmdb_languages, 2);
	ck_assert_str_eq(cfg.tmdb_languages[0], "en-US");
	ck_assert_str_eq(cfg.tmdb_languages[1], "fa-IR");
	ck_assert_int_eq(cfg.tmdb_rate, 40);
	ck_assert_int_eq(cfg.tmdb_sync_pages, 50);
	ck_assert_ptr_null(cfg.jwt_secret);
	ck_assert_int_eq(cfg.jwt_ttl, 7L * 86400);
	ck_assert_int_eq(cfg.bcrypt_cost, 10);
	ck_assert_str_eq(cfg.media_dir, "/var/lib/marquee/media");
	ck_assert_ptr_nonnull(strstr(cfg.template_dir, "/templates"));
	ck_assert_str_eq(cfg.public_url, "http://127.0.0.1:8080");
	ck_assert_ptr_null(cfg.nchan_publish_url);
	ck_assert_ptr_null(cfg.mail_sendmail);
	ck_assert_ptr_null(cfg.mail_smtp_url);
	ck_assert_str_eq(cfg.mail_from, "marquee@localhost");
	ck_assert_int_eq(cfg.log_level, MQ_LOG_INFO);
	ck_assert_int_eq(cfg.worker_threads, 4);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* An empty variable counts as unset. */
START_TEST(empty_values_are_defaults)
{
	static const struct var env[] = {
		{ "MONGODB_URI", "" }, { "MARQUEE_DB", "" }, { "TMDB_API_KEY", "" },
		{ "TMDB_READ_TOKEN", "" }, { "TMDB_BASE_URL", "" }, { "TMDB_LANGUAGES", "" },
		{ "TMDB_RATE", "" }, { "TMDB_SYNC_PAGES", "" }, { "BCRYPT_COST", "" },
		{ "WORKER_THREADS", "" }, { "JWT_SECRET", "" }, { "JWT_TTL", "" }, { "MEDIA_DIR", "" },
		{ "TEMPLATE_DIR", "" }, { "PUBLIC_URL", "" }, { "NCHAN_PUBLISH_URL", "" },
		{ "LOG_LEVEL", "" }, { "TMDB_CACHE_TTL", "" }, { "TMDB_CACHE_TTL_MOVIE", "" },
		{ "TMDB_CACHE_TTL_CONFIGURATION", "" }, { "VISITOR_AGE", "" }, { NULL, NULL },
	};
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	ck_assert_int_eq(mq_config_load(&cfg, 0, table_get, (void *)env, &problems), 0);
	ck_assert_str_eq(mq_buf_cstr(&problems), "");
	ck_assert_int_eq(mq_config_tmdb_cache_ttl(&cfg, "/movie/550"), 86400);
	ck_assert_int_eq(mq_config_tmdb_cache_ttl(&cfg, "/configuration"), 3 * 86400);
	ck_assert_str_eq(cfg.db_name, "marquee");
	ck_assert_ptr_null(cfg.tmdb_api_key);
	ck_assert_ptr_null(cfg.jwt_secret);
	ck_assert_ptr_null(cfg.nchan_publish_url);
	ck_assert_int_eq(cfg.n_tmdb_languages, 2);
	ck_assert_int_eq(cfg.tmdb_rate, 40);
	ck_assert_int_eq(cfg.jwt_ttl, 7L * 86400);
	ck_assert_str_eq(cfg.timezone, ""); /* the host's own */
	ck_assert_int_eq(cfg.visitor_age, 18); /* visitors see every title that is not adult */
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

START_TEST(every_value_given)
{
	static const struct var env[] = {
		{ "MONGODB_URI", "mongodb://db.internal:27018/?appname=marquee" },
		{ "MARQUEE_DB", "marquee_test-1" },
		{ "TMDB_API_KEY", "0123456789abcdef" },
		{ "TMDB_READ_TOKEN", "eyJhbGciOiJIUzI1NiJ9.e30.x" },
		{ "TMDB_BASE_URL", "http://127.0.0.1:8099/3///" },
		{ "TMDB_LANGUAGES", "fa,en-GB,de-DE" },
		{ "TMDB_RATE", "1000" },
		{ "TMDB_SYNC_PAGES", "1" },
		{ "BCRYPT_COST", "4" },
		{ "WORKER_THREADS", "64" },
		{ "JWT_SECRET", "0123456789abcdef0123456789abcdef" },
		{ "JWT_TTL", "12h" },
		{ "MEDIA_DIR", "/srv/media" },
		{ "TEMPLATE_DIR", "/srv/templates" },
		{ "PUBLIC_URL", "https://marquee.example" },
		{ "NCHAN_PUBLISH_URL", "http://127.0.0.1:8081/pub" },
		{ "LOG_LEVEL", "debug" },
		{ "TIMEZONE", "Asia/Tehran" },
		{ "VISITOR_AGE", "13" },
		{ NULL, NULL },
	};
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, MQ_CONFIG_NEED_JWT, table_get, (void *)env, &problems);
	ck_assert_msg(n == 0, "%d problems: %s", n, mq_buf_cstr(&problems));
	ck_assert_str_eq(cfg.mongodb_uri, "mongodb://db.internal:27018/?appname=marquee");
	ck_assert_str_eq(cfg.db_name, "marquee_test-1");
	ck_assert_str_eq(cfg.tmdb_api_key, "0123456789abcdef");
	ck_assert_str_eq(cfg.tmdb_read_token, "eyJhbGciOiJIUzI1NiJ9.e30.x");
	ck_assert_str_eq(cfg.tmdb_base_url, "http://127.0.0.1:8099/3");
	ck_assert_int_eq(cfg.n_tmdb_languages, 3);
	ck_assert_str_eq(cfg.tmdb_languages[0], "fa");
	ck_assert_str_eq(cfg.tmdb_languages[1], "en-GB");
	ck_assert_str_eq(cfg.tmdb_languages[2], "de-DE");
	ck_assert_int_eq(cfg.tmdb_rate, 1000);
	ck_assert_int_eq(cfg.tmdb_sync_pages, 1);
	ck_assert_int_eq(cfg.bcrypt_cost, 4);
	ck_assert_int_eq(cfg.worker_threads, 64);
	ck_assert_int_eq(cfg.visitor_age, 13);
	ck_assert_str_eq(cfg.jwt_secret, "0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(cfg.jwt_ttl, 12L * 3600);
	ck_assert_str_eq(cfg.media_dir, "/srv/media");
	ck_assert_str_eq(cfg.template_dir, "/srv/templates");
	ck_assert_str_eq(cfg.public_url, "https://marquee.example");
	ck_assert_str_eq(cfg.nchan_publish_url, "http://127.0.0.1:8081/pub");
	ck_assert_int_eq(cfg.log_level, MQ_LOG_DEBUG);
	ck_assert_str_eq(cfg.timezone, "Asia/Tehran");
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* One invalid variable: exactly one line, and it starts with the variable's name. */
struct bad_case {
	const char *name;
	const char *value;
};

static const struct bad_case bad_cases[] = {
	{ "MONGODB_URI", "not-a-uri" },
	{ "MONGODB_URI", "mysql://localhost/" },
	{ "MARQUEE_DB", "my db" },
	{ "MARQUEE_DB", "marquee.prod" },
	{ "MARQUEE_DB", "a123456789012345678901234567890123456789012345678901234567890123" },
	{ "TMDB_API_KEY", "abc def" },
	{ "TMDB_API_KEY", "abc\x01" },
	{ "TMDB_READ_TOKEN", "tok\ten" },
	{ "TMDB_BASE_URL", "ftp://api.themoviedb.org/3" },
	{ "TMDB_BASE_URL", "http://" },
	{ "TMDB_BASE_URL", "api.themoviedb.org" },
	{ "TMDB_LANGUAGES", "english" },
	{ "TMDB_LANGUAGES", "en-us" },
	{ "TMDB_LANGUAGES", "EN" },
	{ "TMDB_LANGUAGES", "en_US" },
	{ "TMDB_LANGUAGES", "," },
	{ "TMDB_LANGUAGES", "aa,bb,cc,dd,ee,ff,gg,hh,ii" },
	{ "TMDB_RATE", "0" },
	{ "TMDB_RATE", "1001" },
	{ "TMDB_RATE", "fast" },
	{ "TMDB_RATE", " 5" },
	{ "TMDB_RATE", "+5" },
	{ "TMDB_RATE", "0x10" },
	{ "TMDB_RATE", "99999999999999999999999" },
	{ "TMDB_SYNC_PAGES", "501" },
	{ "TMDB_SYNC_PAGES", "-1" },
	{ "BCRYPT_COST", "3" },
	{ "BCRYPT_COST", "32" },
	{ "WORKER_THREADS", "0" },
	{ "WORKER_THREADS", "65" },
	{ "VISITOR_AGE", "-1" },
	{ "VISITOR_AGE", "19" },
	{ "VISITOR_AGE", "adult" },
	{ "JWT_SECRET", "short" },
	{ "JWT_SECRET", "0123456789abcdef0123456789abcde" },
	{ "JWT_TTL", "59" },
	{ "JWT_TTL", "91d" },
	{ "JWT_TTL", "1w" },
	{ "JWT_TTL", "soon" },
	{ "JWT_TTL", "-1h" },
	{ "MEDIA_DIR", "relative/media" },
	{ "PUBLIC_URL", "marquee.example" },
	{ "PUBLIC_URL", "https://" },
	{ "NCHAN_PUBLISH_URL", "127.0.0.1:8081/pub" },
	{ "LOG_LEVEL", "verbose" },
	{ "MAIL_SENDMAIL", "sendmail -t" },
	{ "MAIL_SMTP_URL", "http://127.0.0.1:25" },
	{ "MAIL_SMTP_URL", "127.0.0.1:25" },
	{ "MAIL_FROM", "marquee" },
	{ "MAIL_FROM", "Marquee <marquee@example.org>" },
	{ "MAIL_FROM", "a@b.c\r\nBcc: x@y.z" },
	{ "TIMEZONE", "Mars/Olympus_Mons" },
	{ "TIMEZONE", "../../etc/passwd" },
	{ "TMDB_CACHE_TTL", "0" },
	{ "TMDB_CACHE_TTL", "2592001" },
	{ "TMDB_CACHE_TTL_MOVIE", "0" },
	{ "TMDB_CACHE_TTL_TRENDING", "2592001" },
	{ "TMDB_CACHE_TTL_SEARCH", "1h" },
	{ "TMDB_CACHE_TTL_DISCOVER", "-5" },
	{ "TMDB_CACHE_TTL_GENRE", "soon" },
	{ "TMDB_CACHE_TTL_CONFIGURATION", " 5" },
};

START_TEST(one_line_per_invalid_value)
{
	const struct bad_case *c = &bad_cases[_i];
	const struct var env[] = { { c->name, c->value }, { NULL, NULL } };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, 0, table_get, (void *)env, &problems);
	const char *p = mq_buf_cstr(&problems);
	ck_assert_msg(n == 1, "%s=\"%s\": %d problems (expected 1): %s", c->name, c->value, n, p);
	ck_assert_msg(count_lines(p) == 1, "%s=\"%s\": %d lines (expected 1): %s", c->name, c->value,
		      count_lines(p), p);
	ck_assert_msg(has_line_for(p, c->name), "%s=\"%s\": the line does not name it: %s", c->name,
		      c->value, p);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* Bad numbers leave the default in place. */
START_TEST(invalid_numbers_keep_defaults)
{
	static const struct var env[] = {
		{ "TMDB_RATE", "0" }, { "BCRYPT_COST", "99" }, { "WORKER_THREADS", "x" },
		{ "JWT_TTL", "1s" }, { NULL, NULL },
	};
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	ck_assert_int_eq(mq_config_load(&cfg, 0, table_get, (void *)env, &problems), 4);
	ck_assert_int_eq(cfg.tmdb_rate, 40);
	ck_assert_int_eq(cfg.bcrypt_cost, 10);
	ck_assert_int_eq(cfg.worker_threads, 4);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

START_TEST(several_problems_several_lines)
{
	static const struct var env[] = {
		{ "MONGODB_URI", "nope" }, { "MARQUEE_DB", "bad name" }, { "TMDB_RATE", "0" },
		{ "JWT_TTL", "forever" }, { "PUBLIC_URL", "localhost" }, { "LOG_LEVEL", "loud" },
		{ NULL, NULL },
	};
	static const char *const names[] = { "MONGODB_URI", "MARQUEE_DB", "TMDB_RATE", "JWT_SECRET",
					     "JWT_TTL", "PUBLIC_URL", "LOG_LEVEL" };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, MQ_CONFIG_NEED_JWT, table_get, (void *)env, &problems);
	const char *p = mq_buf_cstr(&problems);
	ck_assert_msg(n == 7, "%d problems (expected 7): %s", n, p);
	ck_assert_int_eq(count_lines(p), 7);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		ck_assert_msg(has_line_for(p, names[i]), "no line for %s in: %s", names[i], p);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* An empty language list is reported even when other variables are wrong too. */
START_TEST(empty_language_list_with_other_problems)
{
	static const struct var env[] = {
		{ "MARQUEE_DB", "bad name" }, { "TMDB_LANGUAGES", "," }, { NULL, NULL },
	};
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	char p[512];
	int n = mq_config_load(&cfg, 0, table_get, (void *)env, &problems);
	snprintf(p, sizeof p, "%s", mq_buf_cstr(&problems));
	mq_config_free(&cfg);
	mq_buf_free(&problems);
	ck_assert_msg(has_line_for(p, "TMDB_LANGUAGES"),
		      "TMDB_LANGUAGES=\",\" is not reported when MARQUEE_DB is bad too: %s", p);
	ck_assert_msg(n == 2 && count_lines(p) == 2, "%d problems, expected 2: %s", n, p);
}
END_TEST

struct jwt_case {
	unsigned needs;
	const char *secret; /* NULL: unset */
	int problems;
};

static const struct jwt_case jwt_cases[] = {
	{ 0, NULL, 0 },
	{ MQ_CONFIG_NEED_JWT, NULL, 1 },
	{ MQ_CONFIG_NEED_JWT, "", 1 },
	{ MQ_CONFIG_NEED_JWT, "0123456789abcdef0123456789abcdef", 0 },
	{ 0, "0123456789abcdef0123456789abcdef", 0 },
	{ MQ_CONFIG_NEED_JWT, "0123456789abcdef0123456789abcde", 1 },
	{ 0, "0123456789abcdef0123456789abcde", 1 },
};

START_TEST(jwt_secret_required_only_when_needed)
{
	const struct jwt_case *c = &jwt_cases[_i];
	const struct var env[] = { { "JWT_SECRET", c->secret }, { NULL, NULL } };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, c->needs, table_get, (void *)env, &problems);
	const char *p = mq_buf_cstr(&problems);
	ck_assert_msg(n == c->problems, "needs=%u secret=%s: %d problems, expected %d: %s", c->needs,
		      c->secret ? c->secret : "(unset)", n, c->problems, p);
	ck_assert_int_eq(count_lines(p), c->problems);
	if (c->problems)
		ck_assert_msg(has_line_for(p, "JWT_SECRET"), "no JWT_SECRET line: %s", p);
	else if (c->secret && *c->secret)
		ck_assert_str_eq(cfg.jwt_secret, c->secret);
	else
		ck_assert_ptr_null(cfg.jwt_secret);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* Secrets are never echoed: the problem line names the variable, never its value. */
struct secret_case {
	const char *name;
	const char *value;
	const char *secret_part; /* must not appear in the problems */
};

static const struct secret_case secret_cases[] = {
	{ "TMDB_API_KEY", "k3yS3cr3tValue with space", "k3yS3cr3tValue" },
	{ "TMDB_API_KEY", "k3yS3cr3tValue\n", "k3yS3cr3tValue" },
	{ "TMDB_READ_TOKEN", "eyJrZWFkVG9rZW4 iOiJzZWNyZXQifQ", "eyJrZWFkVG9rZW4" },
	{ "JWT_SECRET", "hunter2-but-too-short", "hunter2" },
	{ "MONGODB_URI", "mongodb://admin:Pa55w0rdXYZ@", "Pa55w0rdXYZ" },
	{ "MONGODB_URI", "mongodb://admin:Pa55w0rdXYZ@db:99999/", "Pa55w0rdXYZ" },
};

START_TEST(secrets_never_echoed)
{
	const struct secret_case *c = &secret_cases[_i];
	const struct var env[] = { { c->name, c->value }, { NULL, NULL } };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, MQ_CONFIG_NEED_JWT, table_get, (void *)env, &problems);
	const char *p = mq_buf_cstr(&problems);
	int expected = strcmp(c->name, "JWT_SECRET") ? 2 : 1; /* + JWT_SECRET not set */
	ck_assert_msg(n == expected, "%s: %d problems, expected %d: %s", c->name, n, expected, p);
	ck_assert_msg(has_line_for(p, c->name), "%s not reported: %s", c->name, p);
	ck_assert_msg(!strstr(p, c->secret_part), "%s's secret value is echoed: %s", c->name, p);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

START_TEST(free_is_idempotent)
{
	static const struct var env[] = { { "JWT_SECRET", "0123456789abcdef0123456789abcdef" },
					  { NULL, NULL } };
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	ck_assert_int_eq(mq_config_load(&cfg, 0, table_get, (void *)env, &problems), 0);
	mq_config_free(&cfg);
	ck_assert_ptr_null(cfg.jwt_secret);
	ck_assert_int_eq(cfg.n_tmdb_languages, 0);
	mq_config_free(&cfg);
	mq_config_free(NULL);
	mq_buf_free(&problems);
}
END_TEST

/* Per-family cache lifetimes: TMDB_CACHE_TTL_<FAMILY>, else TMDB_CACHE_TTL (configuration: 3 days). */
struct ttl_case {
	struct var env[4];
	int movie, trending, search, discover, genre, configuration, other, problems;
};

static const struct ttl_case ttl_cases[] = {
	{ { { NULL, NULL } }, 86400, 86400, 86400, 86400, 86400, 259200, 86400, 0 },
	{ { { "TMDB_CACHE_TTL", "600" }, { NULL, NULL } }, 600, 600, 600, 600, 600, 259200, 600, 0 },
	{ { { "TMDB_CACHE_TTL", "600" }, { "TMDB_CACHE_TTL_TRENDING", "60" },
	    { "TMDB_CACHE_TTL_CONFIGURATION", "2592000" }, { NULL, NULL } },
	  600, 60, 600, 600, 600, 2592000, 600, 0 },
	{ { { "TMDB_CACHE_TTL_MOVIE", "1" }, { "TMDB_CACHE_TTL_SEARCH", "300" },
	    { "TMDB_CACHE_TTL_GENRE", "604800" }, { NULL, NULL } },
	  1, 86400, 300, 86400, 604800, 259200, 86400, 0 },
	{ { { "TMDB_CACHE_TTL_DISCOVER", "7200" }, { NULL, NULL } }, 86400, 86400, 86400, 7200, 86400, 259200, 86400, 0 },
	/* a bad family value keeps its default; a bad default leaves the built-in one */
	{ { { "TMDB_CACHE_TTL", "600" }, { "TMDB_CACHE_TTL_SEARCH", "0" }, { NULL, NULL } },
	  600, 600, 600, 600, 600, 259200, 600, 1 },
	{ { { "TMDB_CACHE_TTL", "forever" }, { "TMDB_CACHE_TTL_MOVIE", "60" }, { NULL, NULL } },
	  60, 86400, 86400, 86400, 86400, 259200, 86400, 1 },
	/* names are case-sensitive: this one is not ours */
	{ { { "tmdb_cache_ttl_movie", "60" }, { NULL, NULL } }, 86400, 86400, 86400, 86400, 86400, 259200, 86400, 0 },
};

START_TEST(cache_ttl_per_family)
{
	const struct ttl_case *c = &ttl_cases[_i];
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT;
	int n = mq_config_load(&cfg, 0, table_get, (void *)c->env, &problems);
	ck_assert_msg(n == c->problems, "case %d: %d problems: %s", _i, n, mq_buf_cstr(&problems));
	const struct { const char *path; int ttl; } paths[] = {
		{ "/movie/550", c->movie }, { "/trending/movie/week", c->trending },
		{ "/search/movie", c->search }, { "/discover/movie", c->discover },
		{ "/genre/movie/list", c->genre }, { "/configuration", c->configuration },
		{ "/person/287", c->other },
	};
	for (int i = 0; i < N_CASES(paths); i++)
		ck_assert_msg(mq_config_tmdb_cache_ttl(&cfg, paths[i].path) == paths[i].ttl, "case %d: %s: %d, expected %d",
			      _i, paths[i].path, mq_config_tmdb_cache_ttl(&cfg, paths[i].path), paths[i].ttl);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
}
END_TEST

/* The family is the path's first segment, matched whole; anything else: TMDB_CACHE_TTL. */
static const struct { const char *path, *family; } family_cases[] = {
	{ "/movie/550", "movie" }, { "/movie/popular?page=2", "movie" }, { "/movie", "movie" },
	{ "movie/550/similar", "movie" }, { "/trending/movie/day", "trending" },
	{ "/search/movie?query=x", "search" }, { "/discover/movie", "discover" },
	{ "/genre/movie/list", "genre" }, { "/configuration", "configuration" },
	{ "/configuration?x=1", "configuration" },
	{ "/movies/550", NULL }, { "/mov/1", NULL }, { "/moviex", NULL }, { "/Movie/550", NULL },
	{ "/person/287", NULL }, { "/", NULL }, { "", NULL }, { "//movie/550", NULL },
	{ "/configurations", NULL }, { "/trendingx/movie", NULL },
};

START_TEST(cache_ttl_family_of_path)
{
	mq_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.tmdb_cache_ttl = 7;
	for (int i = 0; i < MQ_TMDB_FAMILIES; i++)
		cfg.tmdb_cache_ttls[i] = 100 + i;
	int expected = 7;
	for (int i = 0; family_cases[_i].family && mq_tmdb_families[i]; i++)
		if (!strcmp(mq_tmdb_families[i], family_cases[_i].family))
			expected = 100 + i;
	ck_assert_msg(!family_cases[_i].family || expected != 7, "no family %s", family_cases[_i].family);
	int got = mq_config_tmdb_cache_ttl(&cfg, family_cases[_i].path);
	ck_assert_msg(got == expected, "\"%s\": %d, expected %d (%s)", family_cases[_i].path, got, expected,
		      family_cases[_i].family ? family_cases[_i].family : "TMDB_CACHE_TTL");
}
END_TEST

struct duration_case {
	const char *in;
	int rc;
	long seconds;
};

static const struct duration_case duration_cases[] = {
	{ "3600", 0, 3600 },
	{ "0", 0, 0 },
	{ "90s", 0, 90 },
	{ "15m", 0, 900 },
	{ "12h", 0, 43200 },
	{ "7d", 0, 604800 },
	{ "90d", 0, 7776000 },
	{ "007m", 0, 420 },
	{ "3153600000", 0, 3153600000L },
	{ "", -1, 0 },
	{ "s", -1, 0 },
	{ "d", -1, 0 },
	{ "-5", -1, 0 },
	{ "-5m", -1, 0 },
	{ "+5", -1, 0 },
	{ " 5", -1, 0 },
	{ "5 ", -1, 0 },
	{ "5 s", -1, 0 },
	{ "5x", -1, 0 },
	{ "1w", -1, 0 },
	{ "15M", -1, 0 },
	{ "5ms", -1, 0 },
	{ "1.5h", -1, 0 },
	{ "0x10", -1, 0 },
	{ "1e3", -1, 0 },
	{ "3153600001", -1, 0 },
	{ "99999999999999999999999", -1, 0 },
};

START_TEST(parse_duration)
{
	const struct duration_case *c = &duration_cases[_i];
	long seconds = -12345;
	int rc = mq_parse_duration(c->in, &seconds);
	ck_assert_msg(rc == c->rc, "mq_parse_duration(\"%s\") returned %d, expected %d", c->in, rc,
		      c->rc);
	if (c->rc == 0)
		ck_assert_msg(seconds == c->seconds, "mq_parse_duration(\"%s\") = %ld, expected %ld",
			      c->in, seconds, c->seconds);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *load = tcase_create("load");
	TCase *dur = tcase_create("duration");
	tcase_add_checked_fixture(load, quiet_mongoc, restore_mongoc);
	tcase_add_test(load, defaults);
	tcase_add_test(load, empty_values_are_defaults);
	tcase_add_test(load, every_value_given);
	tcase_add_loop_test(load, one_line_per_invalid_value, 0, N_CASES(bad_cases));
	tcase_add_test(load, invalid_numbers_keep_defaults);
	tcase_add_test(load, several_problems_several_lines);
	tcase_add_test(load, empty_language_list_with_other_problems);
	tcase_add_loop_test(load, jwt_secret_required_only_when_needed, 0, N_CASES(jwt_cases));
	tcase_add_loop_test(load, secrets_never_echoed, 0, N_CASES(secret_cases));
	tcase_add_test(load, free_is_idempotent);
	tcase_add_loop_test(load, cache_ttl_per_family, 0, N_CASES(ttl_cases));
	tcase_add_loop_test(load, cache_ttl_family_of_path, 0, N_CASES(family_cases));
	suite_add_tcase(s, load);
	tcase_add_loop_test(dur, parse_duration, 0, N_CASES(duration_cases));
	suite_add_tcase(s, dur);
	return s;
}
