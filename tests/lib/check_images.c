/* check_images.c — unit tests for lib/tmdb/images.c: TMDB's image configuration (inline, and the real
 * recording in ../shared/fixtures/tmdb when present) and the image URLs added to movies. */
#include "suites.h"

#include "core/buf.h"
#include "tmdb/images.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#define TMDB_BASE "https://image.tmdb.org/t/p/"

static void assert_config(const mq_image_config *ic, const char *base, const char *poster,
			  const char *poster_large, const char *backdrop, const char *profile, const char *what)
{
	ck_assert_msg(!strcmp(ic->base, base), "%s: base \"%s\", expected \"%s\"", what, ic->base, base);
	ck_assert_msg(!strcmp(ic->poster, poster), "%s: poster %s, expected %s", what, ic->poster, poster);
	ck_assert_msg(!strcmp(ic->poster_large, poster_large), "%s: poster_large %s, expected %s", what,
		      ic->poster_large, poster_large);
	ck_assert_msg(!strcmp(ic->backdrop, backdrop), "%s: backdrop %s, expected %s", what, ic->backdrop,
		      backdrop);
	ck_assert_msg(!strcmp(ic->profile, profile), "%s: profile %s, expected %s", what, ic->profile, profile);
}

START_TEST(defaults)
{
	mq_image_config ic;
	memset(&ic, 'x', sizeof ic);
	mq_images_default(&ic);
	assert_config(&ic, TMDB_BASE, "w342", "w780", "w1280", "w185", "defaults");
	ck_assert_str_eq(ic.logo, "w92");
}
END_TEST

/* A watch provider's logo: the smallest listed logo size at least 92 wide; the default else. */
START_TEST(logo_size)
{
	cJSON *conf = cJSON_Parse("{\"images\":{\"logo_sizes\":[\"w45\",\"w92\",\"w154\",\"original\"]}}");
	mq_image_config ic;
	mq_images_from_configuration(conf, &ic);
	ck_assert_str_eq(ic.logo, "w92");
	cJSON_Delete(conf);
	conf = cJSON_Parse("{\"images\":{\"logo_sizes\":[\"w45\",\"w300\",\"w154\"]}}");
	mq_images_from_configuration(conf, &ic);
	ck_assert_str_eq(ic.logo, "w154");
	cJSON_Delete(conf);
}
END_TEST

/* A /configuration answer → base and sizes: the smallest "wN" at least as wide as wanted
 * (poster 342, poster_large 780, backdrop 1280, profile 185), else "original", else the default. */
static const struct {
	const char *json;
	const char *base, *poster, *poster_large, *backdrop, *profile;
} conf_cases[] = {
	/* what TMDB says today */
	{ "{\"images\":{\"secure_base_url\":\"https://image.tmdb.org/t/p/\",\"base_url\":\"http://image.tmdb.org/t/p/\","
	  "\"poster_sizes\":[\"w92\",\"w154\",\"w185\",\"w342\",\"w500\",\"w780\",\"original\"],"
	  "\"backdrop_sizes\":[\"w300\",\"w780\",\"w1280\",\"original\"],"
	  "\"profile_sizes\":[\"w45\",\"w185\",\"h632\",\"original\"]}}",
	  TMDB_BASE, "w342", "w780", "w1280", "w185" },
	/* other sizes, in any order; no trailing slash on the base */
	{ "{\"images\":{\"secure_base_url\":\"https://cdn.example/t/p\","
	  "\"poster_sizes\":[\"original\",\"w1000\",\"w400\",\"w350\",\"w300\"],"
	  "\"backdrop_sizes\":[\"w300\",\"w2000\",\"w1500\"],\"profile_sizes\":[\"w200\",\"original\"]}}",
	  "https://cdn.example/t/p/", "w350", "w1000", "w1500", "w200" },
	/* nothing wide enough: original when listed, else the default */
	{ "{\"images\":{\"poster_sizes\":[\"w92\",\"w154\",\"original\"],\"backdrop_sizes\":[\"w300\",\"w780\"],"
	  "\"profile_sizes\":[\"h632\",\"w45\"]}}",
	  TMDB_BASE, "original", "original", "w1280", "w185" },
	/* not sizes: numbers, null, "w", "wide", "w342px", "h400", absurd widths */
	{ "{\"images\":{\"poster_sizes\":[342,null,\"w\",\"wide\",\"w342px\",\"h400\",\"w99999\"],"
	  "\"backdrop_sizes\":\"w1280\",\"profile_sizes\":{\"w185\":1}}}",
	  TMDB_BASE, "w342", "w780", "w1280", "w185" },
	/* unsafe or insecure bases are ignored */
	{ "{\"images\":{\"secure_base_url\":\"http://image.tmdb.org/t/p/\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":\"https://\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":\"https://x.example/\\\"><script>\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":\"https://x.example/a b/\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":\"https://x.example/?u=\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":\"javascript:alert(1)//\"}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":{\"secure_base_url\":42}}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{\"images\":[]}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ "{}", TMDB_BASE, "w342", "w780", "w1280", "w185" },
	{ NULL, TMDB_BASE, "w342", "w780", "w1280", "w185" },
};

START_TEST(from_configuration)
{
	cJSON *conf = conf_cases[_i].json ? cJSON_Parse(conf_cases[_i].json) : NULL;
	ck_assert_msg(!conf_cases[_i].json || conf, "case %d: test JSON does not parse", _i);
	mq_image_config ic;
	memset(&ic, 'x', sizeof ic);
	mq_images_from_configuration(conf, &ic);
	char what[32];
	snprintf(what, sizeof what, "case %d", _i);
	assert_config(&ic, conf_cases[_i].base, conf_cases[_i].poster, conf_cases[_i].poster_large,
		      conf_cases[_i].backdrop, conf_cases[_i].profile, what);
	cJSON_Delete(conf);
}
END_TEST

/* A base as long as the buffer allows no room for the slash: the default, never a cut URL. */
START_TEST(long_base_refused)
{
	char json[512];
	char host[300];
	memset(host, 'a', sizeof host - 1);
	host[sizeof host - 1] = '\0';
	snprintf(json, sizeof json, "{\"images\":{\"secure_base_url\":\"https://%s/\"}}", host);
	cJSON *conf = cJSON_Parse(json);
	mq_image_config ic;
	mq_images_from_configuration(conf, &ic);
	ck_assert_str_eq(ic.base, TMDB_BASE);
	cJSON_Delete(conf);
}
END_TEST

/* TMDB's real answer, when the shared fixtures are there. */
START_TEST(recorded_configuration)
{
	static const char *const names[] = { "configuration.json", "configuration__2025-08.json" };
	int seen = 0;
	for (int i = 0; i < N_CASES(names); i++) {
		char path[256];
		mq_buf b = MQ_BUF_INIT;
		snprintf(path, sizeof path, "../shared/fixtures/tmdb/%s", names[i]);
		cJSON *conf = mq_buf_read_file(&b, path, 1 << 20, NULL) == 0 ? cJSON_Parse(b.data) : NULL;
		mq_buf_free(&b);
		if (!conf)
			continue;
		seen++;
		mq_image_config ic;
		mq_images_from_configuration(conf, &ic);
		assert_config(&ic, TMDB_BASE, "w342", "w780", "w1280", "w185", names[i]);
		cJSON_Delete(conf);
	}
	if (!seen)
		fprintf(stderr, "images:recorded_configuration: skipped: ../shared absent\n");
}
END_TEST

static const mq_image_config test_ic = { "https://cdn.example/p/", "w342", "w780", "w1280", "w185", "w92" };

/* poster_path → poster_url and poster_url_large on our host (NULL: null). */
static const struct {
	const char *json_path;  /* the JSON value of poster_path; NULL: no member */
	const char *url, *url_large;
} path_cases[] = {
	{ "\"/abc.jpg\"", "/img/w342/abc.jpg", "/img/w780/abc.jpg" },
	{ "\"/Ab9.svg\"", "/img/w342/Ab9.svg", "/img/w780/Ab9.svg" },
	{ "\"/abc.png\"", "/img/w342/abc.png", "/img/w780/abc.png" },
	/* not TMDB's shape, so not a URL nginx would serve: null, and the page shows its placeholder */
	{ "\"/abc.gif\"", NULL, NULL },
	{ "\"/../abc.jpg\"", NULL, NULL },
	{ "\"/a b.jpg\"", NULL, NULL },
	{ "\"/a/b.jpg\"", NULL, NULL },
	{ "\"/abc.jpg?x=1\"", NULL, NULL },
	{ "\"/.jpg\"", NULL, NULL },
	{ "\"/a0123456789012345678901234567890123456789012345678901234567890123.jpg\"", NULL, NULL },
	{ "\"/media/posters/42.jpg\"", "/media/posters/42.jpg", "/media/posters/42.jpg" },
	{ "null", NULL, NULL },
	{ NULL, NULL, NULL },
	{ "\"\"", NULL, NULL },
	{ "\"abc.jpg\"", NULL, NULL },
	{ "\"https://evil.example/x.jpg\"", NULL, NULL },
	{ "17", NULL, NULL },
	{ "[\"/abc.jpg\"]", NULL, NULL },
};

static void assert_url(const cJSON *obj, const char *key, const char *expected, int i)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	ck_assert_msg(v != NULL, "case %d: no %s", i, key);
	if (expected)
		ck_assert_msg(cJSON_IsString(v) && !strcmp(v->valuestring, expected), "case %d: %s is %s, expected %s",
			      i, key, cJSON_IsString(v) ? v->valuestring : "not a string", expected);
	else
		ck_assert_msg(cJSON_IsNull(v), "case %d: %s is not null", i, key);
}

START_TEST(poster_urls)
{
	char json[256];
	if (path_cases[_i].json_path)
		snprintf(json, sizeof json, "{\"title\":\"x\",\"poster_path\":%s}", path_cases[_i].json_path);
	else
		snprintf(json, sizeof json, "{\"title\":\"x\"}");
	cJSON *m = cJSON_Parse(json);
	ck_assert_ptr_nonnull(m);
	mq_images_add_urls(m, &test_ic);
	assert_url(m, "poster_url", path_cases[_i].url, _i);
	assert_url(m, "poster_url_large", path_cases[_i].url_large, _i);
	assert_url(m, "backdrop_url", NULL, _i);
	ck_assert_ptr_null(cJSON_GetObjectItem(m, "cast")); /* a summary gains no cast */
	cJSON_Delete(m);
}
END_TEST

/* A whole movie: backdrop and each cast member's profile, sizes from the configuration. */
START_TEST(movie_urls)
{
	cJSON *m = cJSON_Parse("{\"poster_path\":null,\"backdrop_path\":\"/bd.jpg\",\"cast\":["
			       "{\"name\":\"A\",\"profile_path\":\"/a.jpg\"},{\"name\":\"B\",\"profile_path\":null},"
			       "{\"name\":\"C\"},{\"name\":\"D\",\"profile_path\":\"/media/people/d.png\"}]}");
	ck_assert_ptr_nonnull(m);
	mq_images_add_urls(m, &test_ic);
	assert_url(m, "poster_url", NULL, 0);
	assert_url(m, "poster_url_large", NULL, 0);
	assert_url(m, "backdrop_url", "/img/w1280/bd.jpg", 0);
	const cJSON *cast = cJSON_GetObjectItem(m, "cast");
	ck_assert_int_eq(cJSON_GetArraySize(cast), 4);
	assert_url(cJSON_GetArrayItem(cast, 0), "profile_url", "/img/w185/a.jpg", 0);
	assert_url(cJSON_GetArrayItem(cast, 1), "profile_url", NULL, 1);
	assert_url(cJSON_GetArrayItem(cast, 2), "profile_url", NULL, 2);
	assert_url(cJSON_GetArrayItem(cast, 3), "profile_url", "/media/people/d.png", 3);
	cJSON_Delete(m);

	/* the default configuration's sizes; never TMDB's host, whatever its base */
	mq_image_config ic;
	mq_images_default(&ic);
	m = cJSON_Parse("{\"poster_path\":\"/p.jpg\",\"backdrop_path\":\"/b.jpg\"}");
	mq_images_add_urls(m, &ic);
	assert_url(m, "poster_url", "/img/w342/p.jpg", 0);
	assert_url(m, "poster_url_large", "/img/w780/p.jpg", 0);
	assert_url(m, "backdrop_url", "/img/w1280/b.jpg", 0);
	cJSON_Delete(m);
	mq_images_add_urls(NULL, &ic); /* nothing to do, no crash */
}
END_TEST

/* Each provider of each kind gets logo_url on our host; a missing or malformed logo, null. */
START_TEST(logo_urls)
{
	cJSON *p = cJSON_Parse("{\"flatrate\":[{\"logo_path\":\"/n.jpg\"},{\"logo_path\":null}],"
			       "\"rent\":[{\"logo_path\":\"/../x.jpg\"}],\"buy\":[{\"logo_path\":\"/b.png\"}]}");
	mq_images_add_logo_urls(p, &test_ic);
	assert_url(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "flatrate"), 0), "logo_url", "/img/w92/n.jpg", 0);
	assert_url(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "flatrate"), 1), "logo_url", NULL, 1);
	assert_url(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "rent"), 0), "logo_url", NULL, 2);
	assert_url(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "buy"), 0), "logo_url", "/img/w92/b.png", 3);
	cJSON_Delete(p);
}
END_TEST

Suite *images_suite(void)
{
	Suite *s = suite_create("images");
	TCase *conf = tcase_create("configuration");
	TCase *urls = tcase_create("urls");
	tcase_add_test(conf, defaults);
	tcase_add_loop_test(conf, from_configuration, 0, N_CASES(conf_cases));
	tcase_add_test(conf, long_base_refused);
	tcase_add_test(conf, logo_size);
	tcase_add_test(conf, recorded_configuration);
	suite_add_tcase(s, conf);
	tcase_add_loop_test(urls, poster_urls, 0, N_CASES(path_cases));
	tcase_add_test(urls, movie_urls);
	tcase_add_test(urls, logo_urls);
	suite_add_tcase(s, urls);
	return s;
}
