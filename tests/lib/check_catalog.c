/* check_catalog.c — tests for the catalogue's mapping (lib/tmdb/movie.c): TMDB details to movie documents (on the real
 * recordings in ../shared/fixtures/tmdb when present), search keys and search patterns. */
#include "core/buf.h"
#include "core/search.h"
#include "domain/catalog.h"
#include "store/db.h"
#include "suites.h"
#include "tmdb/movie.h"

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
	/* the US theatrical release's rating, not the festival screenings' empty ones */
	ck_assert_str_eq(cJSON_GetObjectItem(m, "certification")->valuestring, "R");
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

/* mq_search_key: Latin letters folded to ASCII and lower-cased, ASCII punctuation and spaces as one
 * space, Persian spelling normalised (Arabic yeh and kaf, ZWNJ, tatweel, harakat). */
static const struct { const char *in, *out; } key_cases[] = {
	{ "Amélie", "amelie" }, { "FIGHT Club", "fight club" }, { "Señor Ñoño", "senor nono" },
	{ "Smörgåsbord", "smorgasbord" }, { "", "" },
	{ "Łódź", "lodz" }, { "ŁÓDŹ", "lodz" }, { "Čapek", "capek" }, { "Ærø", "aero" },
	{ "Straße", "strasse" }, { "Schindler’s List", "schindlers list" }, { "WALL·E", "wall e" }, { "۲۰۰۱: A Space Odyssey", "2001 a space odyssey" }, { "Œuvre — Ĳssel…", "oeuvre ijssel" }, { "Ğğ İı Şş Őő Űű Ŵŵ Ÿž", "gg ii ss oo uu ww yz" },
	{ "Spider-Man: No Way Home", "spider man no way home" },
	{ "  Leading,   trailing!!  ", "leading trailing" }, { "2001: A Space Odyssey", "2001 a space odyssey" },
	{ "C++ (2020)?", "c 2020" }, { "tab\there\nnew", "tab here new" }, { "3×3÷1", "3 3 1" },
	{ "  --  ", "" }, { "!!!", "" },
	{ "باشگاه مشت‌زنی", "باشگاه مشت زنی" },               /* ZWNJ U+200C */
	{ "مشت\u200bزنی", "مشت زنی" },                         /* ZWSP U+200B */
	{ "مشت \u200c زنی", "مشت زنی" },                       /* ZWNJ among spaces: one space */
	{ "كتاب يك", "کتاب یک" },                              /* Arabic kaf, yeh → Persian */
	{ "مـــشت", "مشت" },                                   /* tatweel */
	{ "مُشْتَ زَنِيّ", "مشت زنی" },                         /* harakat (U+064B–U+0652) */
	{ "سلام Dünya!", "سلام dunya" },
};

START_TEST(search_keys)
{
	mq_buf b = MQ_BUF_INIT;
	mq_search_key(key_cases[_i].in, &b);
	ck_assert_msg(!strcmp(mq_buf_cstr(&b), key_cases[_i].out), "key(\"%s\") = \"%s\", expected \"%s\"",
		      key_cases[_i].in, mq_buf_cstr(&b), key_cases[_i].out);
	mq_buf_free(&b);
}
END_TEST

/* The key is appended: what out held stays. */
START_TEST(search_key_appends)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_append(&b, "x|", 2);
	mq_search_key("  Amélie  ", &b);
	ck_assert_str_eq(mq_buf_cstr(&b), "x|amelie");
	mq_buf_free(&b);
}
END_TEST

/* mq_search_pattern: "^" + the folded key; -1 when q has no letters or digits. */
static const struct { const char *q; int rc; const char *pattern; } pattern_cases[] = {
	{ "Fight Club", 0, "^fight club" }, { "  fight   CLUB  ", 0, "^fight club" },
	{ "Łódź", 0, "^lodz" }, { "Spider-Man:", 0, "^spider man" }, { "C++ (2020)?", 0, "^c 2020" },
	{ "a.b*c[d]$e^f|g\\h{i}", 0, "^a b c d e f g h i" }, { "مشت‌زنی", 0, "^مشت زنی" },
	{ "كي", 0, "^کی" }, { "7", 0, "^7" },
	{ "  --  ", -1, NULL }, { "", -1, NULL }, { "...?*", -1, NULL }, { "ـ", -1, NULL },
	{ "\u200c", -1, NULL }, { "×", -1, NULL },
};

START_TEST(search_pattern)
{
	mq_buf b = MQ_BUF_INIT;
	int rc = mq_search_pattern(pattern_cases[_i].q, &b);
	ck_assert_msg(rc == pattern_cases[_i].rc, "pattern(\"%s\") returned %d", pattern_cases[_i].q, rc);
	if (pattern_cases[_i].pattern)
		ck_assert_msg(!strcmp(mq_buf_cstr(&b), pattern_cases[_i].pattern), "pattern(\"%s\") = \"%s\", expected \"%s\"",
			      pattern_cases[_i].q, mq_buf_cstr(&b), pattern_cases[_i].pattern);
	mq_buf_free(&b);
}
END_TEST

/* Search keys of a movie document: each title's key from every word on, deduplicated across
 * titles (English, translations, original title); title_key is the English title's key. */
static const struct {
	const char *json, *title_key;
	const char *keys[12];
} doc_key_cases[] = {
	{ "{\"id\":155,\"title\":\"The Dark Knight\",\"original_title\":\"The Dark Knight\","
	  "\"translations\":{\"translations\":["
	  "{\"iso_639_1\":\"fa\",\"data\":{\"title\":\"شواليه تاريكي\"}},"
	  "{\"iso_639_1\":\"it\",\"data\":{\"title\":\"Il cavaliere oscuro\"}}]}}",
	  "the dark knight",
	  { "the dark knight", "dark knight", "knight", "شوالیه تاریکی", "تاریکی", "il cavaliere oscuro",
	    "cavaliere oscuro", "oscuro" } },
	{ "{\"id\":110,\"title\":\"Three Colors: Red\",\"original_title\":\"Trois couleurs : Rouge\"}",
	  "three colors red",
	  { "three colors red", "colors red", "red", "trois couleurs rouge", "couleurs rouge", "rouge" } },
	{ "{\"id\":7,\"title\":\"Red\",\"original_title\":\"RED!\",\"translations\":{\"translations\":["
	  "{\"iso_639_1\":\"it\",\"data\":{\"title\":\"Codice: Red\"}}]}}",
	  "red", { "red", "codice red" } },
};

START_TEST(doc_search_keys)
{
	mq_config cfg = test_config();
	cJSON *d = cJSON_Parse(doc_key_cases[_i].json);
	ck_assert_ptr_nonnull(d);
	cJSON *m = mq_movie_doc_from_tmdb(d, &cfg);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(m, "title_key")), doc_key_cases[_i].title_key);
	const cJSON *keys = cJSON_GetObjectItem(m, "search_keys");
	char *got = cJSON_PrintUnformatted(keys);
	int n = 0;
	for (; doc_key_cases[_i].keys[n]; n++) {
		int found = 0;
		const cJSON *k;
		cJSON_ArrayForEach(k, keys)
			found += cJSON_IsString(k) && !strcmp(k->valuestring, doc_key_cases[_i].keys[n]);
		ck_assert_msg(found == 1, "\"%s\" found %d times in %s", doc_key_cases[_i].keys[n], found, got);
	}
	ck_assert_msg(cJSON_GetArraySize(keys) == n, "%d keys expected, got %s", n, got);
	cJSON_free(got);
	cJSON_Delete(m);
	cJSON_Delete(d);
}
END_TEST

/* ---- the audience rule as a query (mq_catalog_audience_filter) ---- */

/* Movies with every shape the audience fields take: absent, null, set; limits for some regions. */
static const char *const audience_docs[] = {
	"{\"title\":\"plain\"}",
	"{\"title\":\"adult\",\"adult\":true}",
	"{\"title\":\"r-us-16-de\",\"adult\":false,\"age_limits\":{\"US\":17,\"DE\":16}}",
	"{\"title\":\"pg13-null-adult\",\"adult\":null,\"age_limits\":{\"US\":13}}",
	"{\"title\":\"de-only\",\"min_age\":null,\"age_limits\":{\"DE\":16}}",
	"{\"title\":\"curator-12-over-r\",\"min_age\":12,\"age_limits\":{\"US\":17}}",
	"{\"title\":\"curator-18\",\"min_age\":18}",
	"{\"title\":\"adult-curator-0\",\"min_age\":0,\"adult\":true}",
	"{\"title\":\"empty-limits\",\"age_limits\":{}}",
	"{\"title\":\"null-limits\",\"age_limits\":null}",
	"{\"title\":\"nc17-us-12-ir\",\"age_limits\":{\"US\":18,\"IR\":12}}",
	"{\"title\":\"curator-15-over-de-18\",\"min_age\":15,\"age_limits\":{\"DE\":18}}",
	"{\"title\":\"zero-us\",\"adult\":false,\"min_age\":null,\"age_limits\":{\"US\":0}}",
};

static const mq_audience audiences[] = {
	{ 15, 0, "US" }, { 15, 0, "DE" }, { 15, 0, "IR" }, { 12, 0, "US" }, { 17, 0, "GB" }, { 13, 0, "US" },
	{ 30, 0, "US" }, { 30, 1, "US" }, { -1, 0, "" }, { 0, 0, "US" }, { 15, 0, "" }, { 16, 1, "DE" },
};

/* On the server MONGODB_URI names (FerretDB in make check), the list query finds exactly the
 * movies mq_catalog_allows lets each audience see. */
START_TEST(audience_query_is_the_rule)
{
	char name[64];
	mq_db *db = test_db_open("catalog", name);
	if (!db)
		return;
	cJSON *docs[N_CASES(audience_docs)];
	for (int i = 0; i < N_CASES(audience_docs); i++) {
		docs[i] = cJSON_Parse(audience_docs[i]);
		cJSON_AddNumberToObject(docs[i], "tmdb_id", 100 + i);
		cJSON_AddNumberToObject(docs[i], "popularity", 100 - i);
		test_db_insert(db, "movies", mq_db_bson_from_json(docs[i]));
	}
	for (int a = 0; a < N_CASES(audiences); a++) {
		mq_movie_query q = { .page = 1, .limit = 100, .status = MQ_STATUS_VISIBLE, .lang = "en",
				     .sort = MQ_SORT_POPULARITY, .audience = &audiences[a] };
		cJSON *items = NULL;
		long long total = 0;
		ck_assert_int_eq(mq_catalog_list(db, &q, &items, &total), MQ_OK);
		mq_buf want = MQ_BUF_INIT, got = MQ_BUF_INIT;
		for (int i = 0; i < N_CASES(audience_docs); i++)
			if (mq_catalog_allows(docs[i], &audiences[a]))
				mq_buf_printf(&want, "%s ", test_str(docs[i], "title"));
		const cJSON *m;
		cJSON_ArrayForEach(m, items)
			mq_buf_printf(&got, "%s ", test_str(m, "title"));
		ck_assert_msg(!strcmp(mq_buf_cstr(&want), mq_buf_cstr(&got)), "audience %d (%d, %d, %s): want [%s], got [%s]",
			      a, audiences[a].age, audiences[a].adult_ok, audiences[a].region, mq_buf_cstr(&want),
			      mq_buf_cstr(&got));
		ck_assert_int_eq(total, cJSON_GetArraySize(items));
		mq_buf_free(&want);
		mq_buf_free(&got);
		cJSON_Delete(items);
	}
	/* spot checks of the rule itself on these shapes */
	const mq_audience teen = { 15, 0, "US" }, teen_de = { 15, 0, "DE" };
	ck_assert(mq_catalog_allows(docs[4], &teen));     /* DE 16, nothing for the US */
	ck_assert(!mq_catalog_allows(docs[4], &teen_de));
	ck_assert(mq_catalog_allows(docs[5], &teen));     /* the curator's 12 over R */
	ck_assert(!mq_catalog_allows(docs[2], &teen));
	ck_assert(mq_catalog_allows(docs[11], &teen_de)); /* the curator's 15 over DE 18 */
	ck_assert(mq_catalog_allows(docs[10], &(mq_audience){ 15, 0, "IR" })); /* IR 12, over the US 18 */
	for (int i = 0; i < N_CASES(audience_docs); i++)
		cJSON_Delete(docs[i]);
	test_db_drop(db, name);
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *t = tcase_create("catalog");
	tcase_add_test(t, details_with_credits);
	tcase_add_test(t, every_details_recording);
	tcase_add_test(t, translations_fill_other_languages);
	tcase_add_loop_test(t, search_keys, 0, N_CASES(key_cases));
	tcase_add_test(t, search_key_appends);
	tcase_add_loop_test(t, search_pattern, 0, N_CASES(pattern_cases));
	tcase_add_loop_test(t, doc_search_keys, 0, N_CASES(doc_key_cases));
	tcase_add_test(t, audience_query_is_the_rule);
	suite_add_tcase(s, t);
	return s;
}
