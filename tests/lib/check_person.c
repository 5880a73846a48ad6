/* check_person.c — unit tests for lib/tmdb/person.c: TMDB's person details (movie_credits,
 * translations and external_ids appended) to person documents, read tolerantly (integer or float
 * numbers, "" and null dates, missing sections, credits without id or title), the filmography
 * newest first with a person's jobs on one movie together; search results to summaries. */
#include "suites.h"

#include "tmdb/person.h"

#include <check.h>
#include <string.h>

static const char *const details_json =
	"{\"adult\":false,\"also_known_as\":[\"William Bradley Pitt\"],\"biography\":\"An actor.\","
	"\"birthday\":\"1963-12-18\",\"deathday\":null,\"gender\":2,\"homepage\":null,\"id\":287,"
	"\"imdb_id\":\"\",\"known_for_department\":\"Acting\",\"name\":\"Brad Pitt\","
	"\"place_of_birth\":\"Shawnee, Oklahoma, USA\",\"popularity\":15,\"profile_path\":\"/p.jpg\","
	"\"movie_credits\":{\"cast\":["
	"  {\"adult\":false,\"id\":550,\"title\":\"Fight Club\",\"original_title\":\"Fight Club\","
	"   \"release_date\":\"1999-10-15\",\"poster_path\":\"/f.jpg\",\"vote_average\":8.4,\"vote_count\":30000,"
	"   \"popularity\":61.5,\"genre_ids\":[18],\"character\":\"Tyler Durden\",\"credit_id\":\"a\",\"order\":1},"
	"  {\"adult\":false,\"id\":1,\"title\":\"Upcoming\",\"release_date\":\"\",\"character\":\"\",\"order\":0},"
	"  {\"adult\":true,\"id\":2,\"title\":\"Adult Title\",\"release_date\":\"2011-05-05\",\"character\":\"Himself\"},"
	"  {\"id\":3,\"release_date\":\"2001-01-01\"},"
	"  {\"adult\":false,\"id\":4,\"title\":\"Troy\",\"release_date\":\"2004-05-13\",\"vote_average\":7}],"
	" \"crew\":["
	"  {\"id\":5,\"title\":\"Moneyball\",\"release_date\":\"2011-09-22\",\"department\":\"Production\",\"job\":\"Producer\"},"
	"  {\"id\":5,\"title\":\"Moneyball\",\"release_date\":\"2011-09-22\",\"department\":\"Production\",\"job\":\"Executive Producer\"},"
	"  {\"id\":5,\"title\":\"Moneyball\",\"release_date\":\"2011-09-22\",\"department\":\"Production\",\"job\":\"Producer\"}]},"
	"\"translations\":{\"translations\":["
	"  {\"iso_3166_1\":\"US\",\"iso_639_1\":\"en\",\"data\":{\"biography\":\"\"}},"
	"  {\"iso_3166_1\":\"IR\",\"iso_639_1\":\"fa\",\"data\":{\"biography\":\"بازیگر.\",\"name\":\"برد پیت\"}}]},"
	"\"external_ids\":{\"imdb_id\":\"nm0000093\",\"wikidata_id\":null}}";

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(get(o, k));
}

START_TEST(details_to_document)
{
	cJSON *d = cJSON_Parse(details_json);
	cJSON *p = mq_person_doc_from_tmdb(d);
	ck_assert_ptr_nonnull(p);
	ck_assert_double_eq(cJSON_GetNumberValue(get(p, "tmdb_id")), 287);
	ck_assert_str_eq(str(p, "name"), "Brad Pitt");
	ck_assert_str_eq(str(get(p, "names"), "fa"), "برد پیت");
	ck_assert_str_eq(str(p, "birthday"), "1963-12-18");
	ck_assert(cJSON_IsNull(get(p, "deathday")));
	ck_assert_str_eq(str(p, "place_of_birth"), "Shawnee, Oklahoma, USA");
	ck_assert_str_eq(str(p, "known_for_department"), "Acting");
	/* an empty English translation: the details' biography; imdb_id from external_ids */
	ck_assert_str_eq(str(get(p, "biographies"), "en"), "An actor.");
	ck_assert_str_eq(str(get(p, "biographies"), "fa"), "بازیگر.");
	ck_assert_str_eq(str(p, "imdb_id"), "nm0000093");
	/* every name searchable from each word on, Persian too */
	const char *want[] = { "brad pitt", "pitt", "برد پیت", "william bradley pitt" };
	for (int i = 0; i < 4; i++) {
		int found = 0;
		const cJSON *k;
		cJSON_ArrayForEach(k, get(p, "search_keys"))
			found |= !strcmp(k->valuestring, want[i]);
		ck_assert_msg(found, "no search key %s", want[i]);
	}
	/* credits: no title → skipped; cast newest first, undated last; the adult one kept (flagged)
	 * for the audience rule to decide; crew jobs on one movie together, each once */
	const cJSON *credits = get(p, "credits");
	const char *order[] = { "Adult Title", "Troy", "Fight Club", "Upcoming", "Moneyball" };
	ck_assert_int_eq(cJSON_GetArraySize(credits), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(str(cJSON_GetArrayItem(credits, i), "title"), order[i]);
	ck_assert(cJSON_IsTrue(get(cJSON_GetArrayItem(credits, 0), "adult")));
	const cJSON *fc = cJSON_GetArrayItem(credits, 2);
	ck_assert_str_eq(str(fc, "kind"), "cast");
	ck_assert_str_eq(str(fc, "character"), "Tyler Durden");
	ck_assert_double_eq(cJSON_GetNumberValue(get(fc, "year")), 1999);
	ck_assert(cJSON_IsNull(get(cJSON_GetArrayItem(credits, 3), "release_date")));
	const cJSON *mb = cJSON_GetArrayItem(credits, 4);
	ck_assert_str_eq(str(mb, "kind"), "crew");
	ck_assert_int_eq(cJSON_GetArraySize(get(mb, "jobs")), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(get(mb, "jobs"), 0)->valuestring, "Producer");
	cJSON_Delete(p);
	cJSON_Delete(d);
}
END_TEST

/* what is not a person, and the least a person may be */
static const struct {
	const char *json;
	int person;
} tolerant_cases[] = {
	{ "{}", 0 },
	{ "{\"id\":287}", 0 },
	{ "{\"name\":\"No Id\"}", 0 },
	{ "{\"id\":0,\"name\":\"Zero\"}", 0 },
	{ "{\"id\":2.5,\"name\":\"Fraction\"}", 0 },
	{ "{\"id\":\"287\",\"name\":\"Text id\"}", 0 },
	{ "{\"id\":287.0,\"name\":\"Float id\"}", 1 },
	{ "{\"id\":7,\"name\":\"Bare\",\"birthday\":\"\",\"movie_credits\":null,\"translations\":[]}", 1 },
	{ "{\"id\":7,\"name\":\"Odd\",\"birthday\":\"unknown\",\"movie_credits\":{\"cast\":{}},\"popularity\":\"high\"}", 1 },
};

START_TEST(tolerant)
{
	cJSON *d = cJSON_Parse(tolerant_cases[_i].json);
	cJSON *p = mq_person_doc_from_tmdb(d);
	ck_assert_int_eq(p != NULL, tolerant_cases[_i].person);
	if (p) {
		ck_assert(cJSON_IsNull(get(p, "birthday")));
		ck_assert_int_eq(cJSON_GetArraySize(get(p, "credits")), 0);
		ck_assert(cJSON_IsObject(get(p, "biographies")));
	}
	cJSON_Delete(p);
	cJSON_Delete(d);
}
END_TEST

START_TEST(search_result_to_summary)
{
	cJSON *item = cJSON_Parse("{\"adult\":false,\"id\":287,\"name\":\"Brad Pitt\",\"known_for_department\":\"Acting\","
				  "\"profile_path\":null,\"popularity\":15.3,\"known_for\":[{\"title\":\"Fight Club\",\"media_type\":\"movie\"},"
				  "{\"name\":\"A TV show\",\"media_type\":\"tv\"},{\"title\":\"Adult\",\"adult\":true},{\"title\":\"Troy\"},"
				  "{\"title\":\"Se7en\"},{\"title\":\"Snatch\"}]}");
	cJSON *p = mq_person_summary_from_tmdb(item);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(str(p, "name"), "Brad Pitt");
	ck_assert(cJSON_IsNull(get(p, "profile_path")));
	const cJSON *known = get(p, "known_for");
	ck_assert_int_eq(cJSON_GetArraySize(known), 3);
	ck_assert_str_eq(cJSON_GetArrayItem(known, 1)->valuestring, "Troy");
	cJSON_Delete(p);
	cJSON_Delete(item);
	item = cJSON_Parse("{\"id\":-1,\"name\":\"x\"}");
	ck_assert_ptr_null(mq_person_summary_from_tmdb(item));
	cJSON_Delete(item);
}
END_TEST

Suite *person_suite(void)
{
	Suite *s = suite_create("person");
	TCase *t = tcase_create("person");
	tcase_add_test(t, details_to_document);
	tcase_add_loop_test(t, tolerant, 0, N_CASES(tolerant_cases));
	tcase_add_test(t, search_result_to_summary);
	suite_add_tcase(s, t);
	return s;
}
