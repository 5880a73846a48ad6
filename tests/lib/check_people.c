/* check_people.c — unit tests for lib/domain/people.c: person refs and slugs; and against a
 * database of its own (MONGODB_URI; skipped without one): a stored person's JSON with the
 * filmography (catalogue movies first-class, hidden ones left out, adult ones marked for the audience
 * rule, the page's language),
 * a person neither stored nor fetchable, search by folded names, a name resolved to its id, the
 * catalogue filtered by actor and director, and the sync's choice of who is due. */
#include "suites.h"

#include "core/clock.h"
#include "core/search.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "domain/people.h"
#include "store/db.h"
#include "tmdb/person.h"

#include <check.h>
#include <string.h>

static const struct {
	const char *ref;
	long long id; /* 0: refused */
} ref_cases[] = {
	{ "287", 287 },
	{ "brad-pitt-287", 287 },
	{ "person-9000001", 9000001 },
	{ "old-name-287", 287 },
	{ "brad-pitt", 0 },
	{ "brad-pitt-0287", 0 },
	{ "Brad-Pitt-287", 0 },
	{ "brad--pitt-287", 0 },
	{ "-287", 0 },
	{ "0", 0 },
	{ "", 0 },
	{ "2147483648", 0 },
	{ "brad-pitt-2147483648", 0 },
	{ "507f1f77bcf86cd799439011", 0 },
};

START_TEST(refs)
{
	long long id = -1;
	int rc = mq_people_ref(ref_cases[_i].ref, &id);
	ck_assert_msg((rc == 0) == (ref_cases[_i].id != 0), "%s", ref_cases[_i].ref);
	if (rc == 0)
		ck_assert_int_eq(id, ref_cases[_i].id);
}
END_TEST

START_TEST(slugs)
{
	char slug[64];
	mq_people_slug("Brad Pitt", 287, slug, sizeof slug);
	ck_assert_str_eq(slug, "brad-pitt-287");
	mq_people_slug("Penélope Cruz", 955, slug, sizeof slug);
	ck_assert_str_eq(slug, "pen-lope-cruz-955");
	mq_people_slug("لیلا حاتمی", 82819, slug, sizeof slug);
	ck_assert_str_eq(slug, "person-82819");
	mq_people_slug(NULL, 1, slug, sizeof slug);
	ck_assert_str_eq(slug, "person-1");
	long long id;
	ck_assert_int_eq(mq_people_ref(slug, &id), 0);
	ck_assert_int_eq(id, 1);
}
END_TEST

/* ---- against a database ---- */

static mq_db *db;
static char db_name[64];

/* A person as the collection stores them (from a TMDB-shaped object), fetched at synced_at. */
static void insert_person(const char *json, int64_t synced_at)
{
	cJSON *d = cJSON_Parse(json);
	cJSON *doc = mq_person_doc_from_tmdb(d);
	ck_assert_ptr_nonnull(doc);
	char slug[80];
	mq_people_slug(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "name")),
		       (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id")), slug, sizeof slug);
	bson_t *b = bson_new(), *fields = mq_db_bson_from_json(doc);
	bson_oid_t oid;
	mq_people_oid((long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id")), &oid);
	BSON_APPEND_OID(b, "_id", &oid); /* where the people collection keeps them */
	bson_concat(b, fields);
	bson_destroy(fields);
	BSON_APPEND_UTF8(b, "slug", slug);
	BSON_APPEND_DATE_TIME(b, "tmdb_synced_at", synced_at);
	test_db_insert(db, "people", b);
	cJSON_Delete(doc);
	cJSON_Delete(d);
}

static void insert_movie(long long tmdb_id, const char *title, const char *fa, double popularity, int hidden,
			 long long actor, long long director)
{
	bson_oid_t oid;
	char hex[25];
	test_new_id(hex, &oid);
	test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&oid), "tmdb_id", BCON_INT64(tmdb_id), "slug", BCON_UTF8(title),
					      "title", BCON_UTF8(title), "titles", "{", "en", BCON_UTF8(title), "fa", BCON_UTF8(fa), "}",
					      "popularity", BCON_DOUBLE(popularity), "hidden", BCON_BOOL(hidden),
					      "cast", "[", "{", "tmdb_id", BCON_INT64(actor), "name", BCON_UTF8("A"), "}", "]",
					      "directors", "[", "{", "tmdb_id", BCON_INT64(director), "name", BCON_UTF8("D"), "}", "]"));
}

static int open_db(void)
{
	if (!(db = test_db_open("people", db_name)))
		return 0;
	test_db_schema(db);
	int64_t now = mq_clock_ms();
	insert_person("{\"id\":287,\"name\":\"Brad Pitt\",\"popularity\":15,\"known_for_department\":\"Acting\","
		      "\"biography\":\"An actor.\",\"movie_credits\":{\"cast\":["
		      "{\"id\":550,\"title\":\"Fight Club\",\"release_date\":\"1999-10-15\",\"character\":\"Tyler Durden\"},"
		      "{\"id\":551,\"title\":\"Hidden One\",\"release_date\":\"2000-01-01\"},"
		      "{\"id\":552,\"title\":\"Adult Title\",\"adult\":true,\"release_date\":\"2011-01-01\"},"
		      "{\"id\":553,\"title\":\"Elsewhere\",\"release_date\":\"2005-01-01\"}],"
		      "\"crew\":[{\"id\":554,\"title\":\"Produced\",\"release_date\":\"2010-01-01\",\"job\":\"Producer\"}]},"
		      "\"translations\":{\"translations\":[{\"iso_639_1\":\"fa\",\"data\":{\"biography\":\"بازیگر.\",\"name\":\"برد پیت\"}}]}}",
		      now);
	insert_person("{\"id\":288,\"name\":\"Brad Other\",\"popularity\":2,\"known_for_department\":\"Directing\"}",
		      now - (int64_t)40 * 86400 * 1000);
	insert_movie(550, "Fight Club", "باشگاه مشت‌زنی", 60, 0, 287, 7467);
	insert_movie(551, "Hidden One", "پنهان", 50, 1, 287, 288);
	insert_movie(560, "Directed", "کارگردانی‌شده", 40, 0, 819, 288);
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

START_TEST(stored_person_with_filmography)
{
	if (!open_db())
		return;
	const mq_env env = { db, NULL, NULL };
	cJSON *p = NULL;
	int fetched = 1;
	ck_assert_int_eq(mq_people_get(&env, "brad-pitt-287", "fa", &p, &fetched), MQ_OK);
	ck_assert_int_eq(fetched, 0);
	ck_assert_str_eq(test_str(p, "name"), "برد پیت");
	ck_assert_str_eq(test_str(p, "slug"), "brad-pitt-287");
	ck_assert_str_eq(test_str(p, "biography"), "بازیگر.");
	ck_assert_str_eq(test_str(p, "biography_language"), "fa");
	ck_assert_ptr_null(get(p, "search_keys"));
	/* acting: the hidden movie left out, the adult title marked (the caller's audience decides);
	 * Fight Club first-class, in Persian */
	const cJSON *acting = get(p, "acting");
	ck_assert_int_eq(cJSON_GetArraySize(acting), 3);
	const cJSON *adult = cJSON_GetArrayItem(acting, 0);
	ck_assert_str_eq(test_str(adult, "title"), "Adult Title");
	ck_assert(cJSON_IsTrue(get(adult, "adult")));
	const cJSON *elsewhere = cJSON_GetArrayItem(acting, 1), *fc = cJSON_GetArrayItem(acting, 2);
	ck_assert(cJSON_IsFalse(get(elsewhere, "adult")));
	ck_assert_str_eq(test_str(elsewhere, "title"), "Elsewhere");
	ck_assert(cJSON_IsFalse(get(elsewhere, "in_catalog")));
	ck_assert_str_eq(test_str(fc, "title"), "باشگاه مشت‌زنی");
	ck_assert(cJSON_IsTrue(get(fc, "in_catalog")));
	ck_assert_str_eq(test_str(fc, "slug"), "Fight Club");
	ck_assert_str_eq(test_str(fc, "character"), "Tyler Durden");
	ck_assert_ptr_nonnull(test_str(fc, "id"));
	ck_assert_int_eq(cJSON_GetArraySize(get(p, "crew")), 1);
	cJSON_Delete(p);
	/* English: the English biography; by bare id too */
	ck_assert_int_eq(mq_people_get(&env, "287", "en", &p, NULL), MQ_OK);
	ck_assert_str_eq(test_str(p, "biography"), "An actor.");
	cJSON_Delete(p);
	/* not stored, and TMDB not asked */
	ck_assert_int_eq(mq_people_get(&env, "999", "en", &p, NULL), MQ_ENOTFOUND);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mq_people_get(&env, "no-id-here", "en", &p, NULL), MQ_EINVAL);
	close_db();
}
END_TEST

START_TEST(search_and_names)
{
	if (!open_db())
		return;
	mq_buf pattern = MQ_BUF_INIT;
	ck_assert_int_eq(mq_search_pattern("BRAD", &pattern), 0);
	cJSON *items = NULL;
	ck_assert_int_eq(mq_people_search(db, mq_buf_cstr(&pattern), 10, "en", &items), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "name"), "Brad Pitt"); /* most popular first */
	ck_assert_ptr_null(get(cJSON_GetArrayItem(items, 0), "credits"));
	cJSON_Delete(items);
	mq_buf_free(&pattern);
	ck_assert_int_eq(mq_search_pattern("پیت", &pattern), 0);
	ck_assert_int_eq(mq_people_search(db, mq_buf_cstr(&pattern), 10, "fa", &items), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "name"), "برد پیت");
	cJSON_Delete(items);
	mq_buf_free(&pattern);
	long long id = 0;
	ck_assert_int_eq(mq_people_find_name(db, "brad  PITT", &id), MQ_OK);
	ck_assert_int_eq(id, 287);
	ck_assert_int_eq(mq_people_find_name(db, "Nobody Here", &id), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_people_find_name(db, "!!", &id), MQ_ENOTFOUND);
	close_db();
}
END_TEST

/* The names found by a search for q, most popular first, "," between. */
static void searched(const char *q, const char *lang, char *out, size_t size)
{
	mq_buf pattern = MQ_BUF_INIT;
	ck_assert_int_eq(mq_search_pattern(q, &pattern), 0);
	cJSON *items = NULL;
	mq_cards_require(MQ_CARDS_LATEST); /* a request of its own */
	ck_assert_int_eq(mq_people_search(db, mq_buf_cstr(&pattern), 10, lang, &items), MQ_OK);
	mq_buf_free(&pattern);
	*out = '\0';
	const cJSON *p;
	cJSON_ArrayForEach(p, items) {
		if (*out)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, test_str(p, "name"), size - strlen(out) - 1);
	}
	cJSON_Delete(items);
}

/* What a writer of people does after storing some: a catalogue version naming them. */
static void announce(const long long *ids, size_t n)
{
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	ck_assert_int_gt(mq_cards_bump_people(database, ids, n), 0);
	mq_db_release(db, client, database);
}

/* Each process keeps the people's search keys: a person stored, renamed or gone is searched as
 * such by the next request once a catalogue version names them, and all of them when one says
 * anyone may have changed. */
START_TEST(search_follows_the_people_announced)
{
	if (!open_db())
		return;
	char got[256];
	searched("brad", "en", got, sizeof got);
	ck_assert_str_eq(got, "Brad Pitt,Brad Other");
	insert_person("{\"id\":289,\"name\":\"Brad Third\",\"popularity\":9}", mq_clock_ms());
	long long id = 289;
	announce(&id, 1);
	searched("brad", "en", got, sizeof got);
	ck_assert_str_eq(got, "Brad Pitt,Brad Third,Brad Other");
	searched("third", "en", got, sizeof got);
	ck_assert_str_eq(got, "Brad Third");
	/* renamed: found by the new name only */
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "people");
	bson_oid_t oid;
	mq_people_oid(289, &oid);
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid));
	bson_t *update = BCON_NEW("$set", "{", "name", BCON_UTF8("Carl Third"), "names.en", BCON_UTF8("Carl Third"),
				  "search_keys", "[", BCON_UTF8("carl third"), BCON_UTF8("third"), "]", "}");
	ck_assert(mongoc_collection_update_one(coll, filter, update, NULL, NULL, NULL));
	bson_destroy(update);
	announce(&id, 1);
	searched("brad", "en", got, sizeof got);
	ck_assert_str_eq(got, "Brad Pitt,Brad Other");
	searched("carl", "en", got, sizeof got);
	ck_assert_str_eq(got, "Carl Third");
	/* gone */
	ck_assert(mongoc_collection_delete_one(coll, filter, NULL, NULL, NULL));
	announce(&id, 1);
	searched("third", "en", got, sizeof got);
	ck_assert_str_eq(got, "");
	/* anyone: read again whole */
	bson_destroy(filter);
	mq_people_oid(288, &oid);
	filter = BCON_NEW("_id", BCON_OID(&oid));
	ck_assert(mongoc_collection_delete_one(coll, filter, NULL, NULL, NULL));
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	announce(NULL, 0);
	searched("brad", "en", got, sizeof got);
	ck_assert_str_eq(got, "Brad Pitt");
	long long found = 0;
	ck_assert_int_eq(mq_people_find_name(db, "Brad Other", &found), MQ_ENOTFOUND);
	close_db();
}
END_TEST

START_TEST(catalogue_by_person)
{
	if (!open_db())
		return;
	mq_movie_query q = { .page = 1, .limit = 10, .status = MQ_STATUS_VISIBLE, .lang = "en", .actor = 287 };
	cJSON *items = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_catalog_list(db, &q, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1); /* the hidden one never */
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "title"), "Fight Club");
	cJSON_Delete(items);
	q.actor = 0;
	q.director = 288;
	ck_assert_int_eq(mq_catalog_list(db, &q, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "title"), "Directed");
	cJSON_Delete(items);
	q.actor = 287; /* both: no movie has them together */
	ck_assert_int_eq(mq_catalog_list(db, &q, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(sync_chooses_the_due)
{
	if (!open_db())
		return;
	const mq_env env = { db, NULL, NULL };
	mq_people_sync_opts o = { MQ_PEOPLE_SYNC_CAST, MQ_PEOPLE_SYNC_DAYS, 100, 1 };
	mq_people_sync_counts c;
	ck_assert_int_eq(mq_people_sync(&env, &o, &c), MQ_OK);
	/* visible movies' people: 287 and 7467 (Fight Club), 819 and 288 (Directed); 287 is fresh,
	 * 288 stale, the other two not stored */
	ck_assert_int_eq(c.candidates, 4);
	ck_assert_int_eq(c.due, 3);
	ck_assert_int_eq(c.refreshed, 0);
	close_db();
}
END_TEST

Suite *people_suite(void)
{
	Suite *s = suite_create("people");
	TCase *t = tcase_create("people");
	tcase_set_timeout(t, 30);
	tcase_add_loop_test(t, refs, 0, N_CASES(ref_cases));
	tcase_add_test(t, slugs);
	tcase_add_test(t, stored_person_with_filmography);
	tcase_add_test(t, search_and_names);
	tcase_add_test(t, search_follows_the_people_announced);
	tcase_add_test(t, catalogue_by_person);
	tcase_add_test(t, sync_chooses_the_due);
	suite_add_tcase(s, t);
	return s;
}
