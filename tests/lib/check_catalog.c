/* check_catalog.c — tests for the catalogue's mapping (lib/movie.c): TMDB details to movie documents (on the real
 * recordings in ../shared/fixtures/tmdb when present) and search-key folding. */
#include "buf.h"
#include "movie.h"
#include "suites.h"

#include <stdio.h>
#include <string.h>

static mq_config test_config(void)
{
	static char en[] = "en-US", fa[] = "fa-IR", it[] = "it-IT";
	mq_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.tmdb_languages[0] = en;
	cfg.tmdb_languages[1] = fa;
	cfg.tmdb_languages[2] = it;
	cfg.n_tmdb_languages = 3;
	return cfg;
}

static cJSON *load(const char *name)
{
	char path[256];
	mq_buf b = MQ_BUF_INIT;
	snprintf(path, sizeof path, "../shared/fixtures/tmdb/%s", name);
	cJSON *j = mq_buf_read_file(&b, path, 8 << 20, NULL) == 0 ? cJSON_Parse(b.data) : NULL;
	mq_buf_free(&b);
	return j;
}

START_TEST(details_with_credits)
{
	cJSON *d = load("movie_550__append_credits_keywords_release_dates__2025-05.json");
	if (!d) {
		fprintf(stderr, "catalog:details_with_credits: skipped: ../shared absent\n");
		return;
	}
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq((int)cJSON_GetObjectItem(m, "tmdb_id")->valuedouble, 550);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "titles"), "en")->valuestring, "Fight Club");
	ck_assert_int_eq((int)cJSON_GetObjectItem(m, "year")->valuedouble, 1999);
	const cJSON *directors = cJSON_GetObjectItem(m, "directors");
	ck_assert_int_ge(cJSON_GetArraySize(directors), 1);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(directors, 0), "name")->valuestring, "David Fincher");
	const cJSON *cast = cJSON_GetObjectItem(m, "cast");
	ck_assert_int_le(cJSON_GetArraySize(cast), 20);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetArrayItem(cast, 0), "character"));
	ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(m, "keywords")), 0);
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* Every movie-details recording maps without crashing; null images and "" dates survive. */
START_TEST(every_details_recording)
{
	static const char *const names[] = { "movie_348.json", "movie_47964.json", "movie_47964__language_it.json",
		"movie_550__2024-02.json", "movie_168259__language_de.json", "movie_550__language_en__2022-11.json",
		"movie_550__append_credits_release_dates_external_ids_keywords_images.json",
		"movie_550__append_translations_videos_watch_providers__TRIMMED.json" };
	mq_config cfg = test_config();
	int seen = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		cJSON *d = load(names[i]);
		if (!d)
			continue;
		seen++;
		cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
		ck_assert_msg(m != NULL, "%s did not map", names[i]);
		ck_assert(cJSON_IsArray(cJSON_GetObjectItem(m, "search_keys")));
		cJSON_Delete(m);
		cJSON_Delete(d);
	}
	if (!seen)
		fprintf(stderr, "catalog:every_details_recording: skipped: ../shared absent\n");
}
END_TEST

START_TEST(translations_fill_other_languages)
{
	const char *json =
		"{\"id\":47964,\"title\":\"A Good Day to Die Hard\",\"overview\":\"English.\",\"release_date\":\"\","
		"\"vote_average\":5,\"poster_path\":null,\"translations\":{\"translations\":["
		"{\"iso_639_1\":\"fa\",\"iso_3166_1\":\"IR\",\"data\":{\"title\":\"یک روز خوب\",\"overview\":\"\"}},"
		"{\"iso_639_1\":\"it\",\"iso_3166_1\":\"IT\",\"data\":{\"title\":\"\",\"overview\":\"Italiano.\"}}]}}";
	cJSON *d = cJSON_Parse(json);
	mq_config cfg = test_config();
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	const cJSON *titles = cJSON_GetObjectItem(m, "titles"), *overviews = cJSON_GetObjectItem(m, "overviews");
	ck_assert_str_eq(cJSON_GetObjectItem(titles, "fa")->valuestring, "یک روز خوب");
	ck_assert_ptr_null(cJSON_GetObjectItem(titles, "it"));        /* empty: not translated */
	ck_assert_ptr_null(cJSON_GetObjectItem(overviews, "fa"));
	ck_assert_str_eq(cJSON_GetObjectItem(overviews, "it")->valuestring, "Italiano.");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(m, "release_date")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(m, "year")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(m, "poster_path")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(m, "runtime")));
	ck_assert_int_eq((int)cJSON_GetObjectItem(m, "vote_average")->valuedouble, 5);
	cJSON_Delete(m);
	cJSON_Delete(d);
	d = cJSON_Parse("{\"id\":0,\"title\":\"x\"}");
	ck_assert_ptr_null(mq_movie_doc_from_tmdb(d, &cfg));
	cJSON_Delete(d);
}
END_TEST

START_TEST(search_keys)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "Amélie", "amelie" }, { "FIGHT Club", "fight club" }, { "Señor Ñoño", "senor nono" },
		{ "Smörgåsbord", "smorgasbord" }, { "باشگاه مشت‌زنی", "باشگاه مشت‌زنی" }, { "", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mq_buf b = MQ_BUF_INIT;
		mq_search_key(cases[i].in, &b);
		ck_assert_str_eq(mq_buf_cstr(&b), cases[i].out);
		mq_buf_free(&b);
	}
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *t = tcase_create("catalog");
	tcase_add_test(t, details_with_credits);
	tcase_add_test(t, every_details_recording);
	tcase_add_test(t, translations_fill_other_languages);
	tcase_add_test(t, search_keys);
	suite_add_tcase(s, t);
	return s;
}
