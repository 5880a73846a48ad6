/* check_cards.c — unit tests for lib/domain/cards.c against the database MONGODB_URI names (make
 * unit's FerretDB; skipped without one): the cards of a catalogue, their filters, orders and
 * lookups as the database would answer; a snapshot following the catalogue versions writers
 * bump (patched, reloaded, held by a reader meanwhile); versions numbered without gaps or twins
 * by writers racing in one process; the catalogue list and joins read from the cards; and the
 * genres each process keeps, read again when a version says they changed. */
#include "suites.h"

#include "domain/cards.h"
#include "domain/genre.h"
#include "store/db.h"

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define N_MOVIES 4
#define RACERS 4
#define BUMPS 10

static mq_db *db;
static char db_name[64];
static char ids[N_MOVIES][25];
static bson_oid_t oids[N_MOVIES];

/* "Alpha" (drama, 1999, hidden), "Beta" (comedy, 2001, adult), "Gamma" (drama, 2001, age 17 in
 * US, cast 7), "Delta" (no release date, no popularity); popularity 30, 20, 10. */
static int open_db(void)
{
	if (!(db = test_db_open("cards", db_name)))
		return 0;
	test_db_schema(db);
	static const char *const titles[N_MOVIES] = { "Alpha", "Beta", "Gamma", "Delta" };
	static const char *const keys[N_MOVIES] = { "alpha", "beta", "gamma ray", "delta" };
	for (int i = 0; i < N_MOVIES; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "%s-%d", keys[i], i);
		test_new_id(ids[i], &oids[i]);
		bson_t *doc = BCON_NEW("_id", BCON_OID(&oids[i]), "tmdb_id", BCON_INT64(100 + i), "slug", BCON_UTF8(slug),
				       "title", BCON_UTF8(titles[i]), "titles", "{", "en", BCON_UTF8(titles[i]), "}",
				       "title_key", BCON_UTF8(keys[i]), "search_keys", "[", BCON_UTF8(keys[i]), "]",
				       "year", BCON_INT32(i % 2 ? 2001 : (i == 0 ? 1999 : 2001)), "source", BCON_UTF8("tmdb"),
				       "vote_average", BCON_DOUBLE(5.0 + i), "overviews", "{", "en", BCON_UTF8("story"), "}");
		if (i < 3) {
			BSON_APPEND_DOUBLE(doc, "popularity", 30.0 - 10 * i);
			BSON_APPEND_UTF8(doc, "release_date", i == 0 ? "1999-10-15" : i == 1 ? "2001-01-01" : "2001-06-01");
		}
		bson_t arr, g;
		BSON_APPEND_ARRAY_BEGIN(doc, "genres", &arr);
		BSON_APPEND_DOCUMENT_BEGIN(&arr, "0", &g);
		BSON_APPEND_INT32(&g, "id", i == 1 ? 35 : 18);
		BSON_APPEND_UTF8(&g, "name", i == 1 ? "Comedy" : "Drama");
		bson_append_document_end(&arr, &g);
		bson_append_array_end(doc, &arr);
		if (i == 0)
			BSON_APPEND_BOOL(doc, "hidden", true);
		if (i == 1)
			BSON_APPEND_BOOL(doc, "adult", true);
		if (i == 2) {
			bson_t limits, cast, person;
			BSON_APPEND_DOCUMENT_BEGIN(doc, "age_limits", &limits);
			BSON_APPEND_INT32(&limits, "US", 17);
			bson_append_document_end(doc, &limits);
			BSON_APPEND_ARRAY_BEGIN(doc, "cast", &cast);
			BSON_APPEND_DOCUMENT_BEGIN(&cast, "0", &person);
			BSON_APPEND_INT64(&person, "tmdb_id", 7);
			BSON_APPEND_UTF8(&person, "name", "Seven");
			bson_append_document_end(&cast, &person);
			bson_append_array_end(doc, &cast);
		}
		test_db_insert(db, "movies", doc);
	}
	mq_cards_reset();
	mq_cards_require(MQ_CARDS_LATEST);
	return 1;
}

static void close_db(void)
{
	mq_cards_reset();
	test_db_drop(db, db_name);
	db = NULL;
}

static mq_cards *acquire(void)
{
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	ck_assert_ptr_nonnull(database);
	mq_cards *c = mq_cards_acquire(database);
	mq_db_release(db, client, database);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* A catalogue version for movies[n], the member's own change when member is not NULL. */
static long long bump_by(const bson_oid_t *movies, size_t n, const bson_oid_t *member)
{
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	long long v = mq_cards_bump(database, movies, n, member);
	mq_db_release(db, client, database);
	return v;
}

static long long bump(const bson_oid_t *movies, size_t n)
{
	return bump_by(movies, n, NULL);
}

static int index_of(const mq_card *card)
{
	for (int i = 0; i < N_MOVIES; i++)
		if (bson_oid_equal(&card->oid, &oids[i]))
			return i;
	return -1;
}

/* Which movies match q, as a string of indexes in the popularity order ("21"); the same whether
 * each card is matched or the sieve is walked first (mq_cards_sift, as lists do), in each order. */
static void matches(const mq_cards *c, const mq_movie_query *q, char *out)
{
	for (int sort = MQ_SORT_POPULARITY; sort <= MQ_SORT_TITLE; sort++)
		for (int ascending = 0; ascending < 2; ascending++) {
			mq_movie_query o = *q;
			o.sort = sort;
			o.ascending = ascending;
			const mq_card *const *order = mq_cards_sorted(c, o.sort, ascending);
			char every[N_MOVIES + 1], sifted[N_MOVIES + 1], *e = every, *f = sifted;
			for (size_t i = 0; i < mq_cards_count(c); i++)
				if (mq_cards_match(order[i], &o))
					*e++ = (char)('0' + index_of(order[i]));
			int sure;
			for (size_t i = mq_cards_sift(c, &o, 0, &sure); i < mq_cards_count(c); i = mq_cards_sift(c, &o, i + 1, &sure)) {
				ck_assert(!sure || mq_cards_match(order[i], &o)); /* what it is sure of is so */
				if (sure || mq_cards_match(order[i], &o))
					*f++ = (char)('0' + index_of(order[i]));
			}
			*e = *f = '\0';
			ck_assert_str_eq(sifted, every);
			if (sort == MQ_SORT_POPULARITY && !ascending)
				strcpy(out, every);
		}
}

START_TEST(filters_orders_and_lookups)
{
	if (!open_db())
		return;
	mq_cards *c = acquire();
	ck_assert_uint_eq(mq_cards_count(c), N_MOVIES);
	ck_assert_uint_eq(mq_cards_visible(c), N_MOVIES - 1);
	ck_assert_int_eq(mq_cards_version(c), 0);
	char got[8];
	/* descending: the missing popularity last (the database's order); ascending: first */
	const mq_card *const *order = mq_cards_sorted(c, MQ_SORT_POPULARITY, 0);
	ck_assert_int_eq(index_of(order[0]), 0);
	ck_assert_int_eq(index_of(order[3]), 3);
	ck_assert_int_eq(index_of(mq_cards_sorted(c, MQ_SORT_POPULARITY, 1)[0]), 3);
	ck_assert_int_eq(index_of(mq_cards_sorted(c, MQ_SORT_RELEASE, 0)[0]), 2);
	ck_assert_int_eq(index_of(mq_cards_sorted(c, MQ_SORT_TITLE, 1)[0]), 0);
	ck_assert_int_eq(index_of(mq_cards_sorted(c, MQ_SORT_RATING, 0)[0]), 3);
	mq_movie_query q = { .page = 1, .limit = 20, .status = MQ_STATUS_VISIBLE };
	matches(c, &q, got);
	ck_assert_str_eq(got, "123"); /* Alpha is hidden */
	q.status = MQ_STATUS_HIDDEN;
	matches(c, &q, got);
	ck_assert_str_eq(got, "0");
	q.status = MQ_STATUS_ANY;
	q.genre = 18;
	matches(c, &q, got);
	ck_assert_str_eq(got, "023");
	q.genre = 0;
	q.year = 2001;
	q.min_rating = 6;
	matches(c, &q, got);
	ck_assert_str_eq(got, "123");
	q.year = 0;
	q.min_rating = 7; /* the sieve's rounding keeps a rating equal to the minimum */
	matches(c, &q, got);
	ck_assert_str_eq(got, "23");
	q.min_rating = 7.000001;
	matches(c, &q, got);
	ck_assert_str_eq(got, "3");
	q.min_rating = 0;
	q.genre = 99; /* no movie's */
	matches(c, &q, got);
	ck_assert_str_eq(got, "");
	q.genre = 0;
	q.status = MQ_STATUS_MISSING;
	matches(c, &q, got);
	ck_assert_str_eq(got, "");
	q.status = MQ_STATUS_ANY;
	q.search = "^ray"; /* a key's start only (the keys are stored from each word on) */
	matches(c, &q, got);
	ck_assert_str_eq(got, "");
	q.search = "^gam";
	matches(c, &q, got);
	ck_assert_str_eq(got, "2");
	const mq_card **found;
	ck_assert_uint_eq(mq_cards_search(c, "^gam", MQ_SORT_TITLE, 1, &found), 1);
	ck_assert_int_eq(index_of(found[0]), 2);
	free(found);
	ck_assert_uint_eq(mq_cards_search(c, "^", MQ_SORT_TITLE, 1, &found), N_MOVIES); /* every key starts so */
	ck_assert_int_eq(index_of(found[0]), 0); /* Alpha first */
	free(found);
	ck_assert_uint_eq(mq_cards_search(c, "^zeta", MQ_SORT_TITLE, 1, &found), 0);
	free(found);
	q.search = NULL;
	q.actor = 7;
	matches(c, &q, got);
	ck_assert_str_eq(got, "2");
	q.actor = 0;
	mq_audience teen = { .age = 15, .adult_ok = 0, .region = "US" }, grown = { .age = 30, .adult_ok = 1, .region = "US" };
	q.audience = &teen;
	matches(c, &q, got);
	ck_assert_str_eq(got, "03"); /* not the adult one, not the one for 17 and over */
	q.audience = &grown;
	matches(c, &q, got);
	ck_assert_str_eq(got, "0123");
	ck_assert_int_eq(index_of(mq_cards_by_tmdb(c, 102)), 2);
	ck_assert_int_eq(index_of(mq_cards_by_slug(c, "beta-1")), 1);
	ck_assert_int_eq(index_of(mq_cards_by_oid(c, &oids[3])), 3);
	ck_assert_ptr_null(mq_cards_by_tmdb(c, 999));
	mq_cards_release(c);
	close_db();
}
END_TEST

START_TEST(snapshots_follow_the_versions)
{
	if (!open_db())
		return;
	mq_cards *before = acquire();
	/* a whole document kept for a movie page, until a version names its movie */
	bson_t *doc = BCON_NEW("_id", BCON_OID(&oids[2]), "title", BCON_UTF8("Gamma"));
	mq_cards_keep_doc(before, &oids[2], doc);
	bson_t *kept = mq_cards_doc(before, &oids[2]);
	ck_assert_ptr_nonnull(kept);
	ck_assert(bson_equal(kept, doc));
	bson_destroy(kept);
	ck_assert_ptr_null(mq_cards_doc(before, &oids[1]));
	/* a write, then its version: the next look patches that card only */
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oids[2]));
	bson_t *update = BCON_NEW("$set", "{", "popularity", BCON_DOUBLE(99.0), "}");
	ck_assert(mongoc_collection_update_one(movies, filter, update, NULL, NULL, NULL));
	bson_destroy(update);
	bson_destroy(filter);
	ck_assert_int_eq(bump(&oids[2], 1), 1);
	mq_cards *after = acquire();
	ck_assert_int_eq(mq_cards_version(after), 1);
	ck_assert_ptr_null(mq_cards_doc(after, &oids[2]));
	mq_cards_keep_doc(before, &oids[2], doc); /* read under a snapshot replaced since: not kept */
	ck_assert_ptr_null(mq_cards_doc(after, &oids[2]));
	bson_destroy(doc);
	ck_assert_int_eq(index_of(mq_cards_sorted(after, MQ_SORT_POPULARITY, 0)[0]), 2);
	/* the reader holding the older snapshot still reads it whole */
	ck_assert_int_eq(index_of(mq_cards_sorted(before, MQ_SORT_POPULARITY, 0)[0]), 0);
	mq_cards_release(before);
	/* a movie removed and one added, in one version */
	bson_oid_t fresh;
	char fresh_id[25];
	test_new_id(fresh_id, &fresh);
	test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&fresh), "tmdb_id", BCON_INT64(200), "slug", BCON_UTF8("new-one"),
					      "title", BCON_UTF8("New"), "popularity", BCON_DOUBLE(1.0)));
	filter = BCON_NEW("_id", BCON_OID(&oids[3]));
	ck_assert(mongoc_collection_delete_one(movies, filter, NULL, NULL, NULL));
	bson_destroy(filter);
	bson_oid_t changed[2];
	bson_oid_copy(&fresh, &changed[0]);
	bson_oid_copy(&oids[3], &changed[1]);
	ck_assert_int_eq(bump(changed, 2), 2);
	mq_cards_release(after);
	after = acquire();
	ck_assert_int_eq(mq_cards_version(after), 2);
	ck_assert_uint_eq(mq_cards_count(after), N_MOVIES);
	ck_assert_ptr_nonnull(mq_cards_by_slug(after, "new-one"));
	ck_assert_ptr_null(mq_cards_by_oid(after, &oids[3]));
	/* a change of every movie: read again whole */
	update = BCON_NEW("$set", "{", "year", BCON_INT32(1950), "}");
	ck_assert(mongoc_collection_update_many(movies, &(bson_t)BSON_INITIALIZER, update, NULL, NULL, NULL));
	bson_destroy(update);
	ck_assert_int_eq(bump(NULL, 0), 3);
	mq_cards_release(after);
	after = acquire();
	mq_movie_query q = { .page = 1, .limit = 20, .status = MQ_STATUS_ANY, .year = 1950 };
	size_t n = 0;
	for (size_t i = 0; i < mq_cards_count(after); i++)
		n += (size_t)mq_cards_match(mq_cards_sorted(after, MQ_SORT_TITLE, 1)[i], &q);
	ck_assert_uint_eq(n, N_MOVIES);
	/* two versions naming one movie both, among more than a few: patched, each card once */
	filter = BCON_NEW("_id", BCON_OID(&oids[1]));
	update = BCON_NEW("$set", "{", "year", BCON_INT32(1960), "}");
	ck_assert(mongoc_collection_update_one(movies, filter, update, NULL, NULL, NULL));
	bson_destroy(update);
	bson_destroy(filter);
	enum { MANY = 200 };
	bson_oid_t many[MANY];
	for (int i = 0; i < MANY; i++)
		bson_oid_init(&many[i], NULL); /* not movies: a patch finds nothing for them */
	bson_oid_copy(&oids[1], &many[7]);
	ck_assert_int_eq(bump(many, MANY), 4);
	ck_assert_int_eq(bump(&oids[1], 1), 5);
	mq_cards_release(after);
	after = acquire();
	ck_assert_int_eq(mq_cards_version(after), 5);
	ck_assert_uint_eq(mq_cards_count(after), N_MOVIES);
	ck_assert_int_eq(mq_cards_by_oid(after, &oids[1])->year, 1960);
	/* a version of people only: the cards as they were, at it; the people named, taken once (and
	 * not "anyone": the process's own version is patched in, never a whole reload, which the
	 * 50-minute rule made of it when it read the look time a writer clears) */
	long long *people;
	size_t n_people;
	mq_cards_take_people(&people, &n_people);
	free(people);
	mongoc_client_t *c2;
	mongoc_database_t *database = mq_db_acquire(db, &c2);
	long long named[] = { 7, 3, 7 };
	ck_assert_int_eq(mq_cards_bump_people(database, named, 3), 6);
	mq_db_release(db, c2, database);
	mq_cards_release(after);
	after = acquire();
	ck_assert_int_eq(mq_cards_version(after), 6);
	ck_assert_uint_eq(mq_cards_count(after), N_MOVIES);
	ck_assert_int_eq(mq_cards_by_oid(after, &oids[1])->year, 1960);
	ck_assert_ptr_nonnull(mq_cards_by_slug(after, "new-one"));
	ck_assert_int_eq(mq_cards_take_people(&people, &n_people), 0);
	ck_assert_uint_eq(n_people, 2);
	ck_assert(people[0] == 3 && people[1] == 7);
	free(people);
	ck_assert_int_eq(mq_cards_take_people(&people, &n_people), 0);
	ck_assert_uint_eq(n_people, 0);
	mq_cards_release(after);
	mongoc_collection_destroy(movies);
	mq_db_push(db, client);
	close_db();
}
END_TEST

static bson_oid_t member; /* the racing writers' */

static void *bumper(void *arg)
{
	long long *got = arg;
	for (int i = 0; i < BUMPS; i++)
		got[i] = bump_by(&oids[i % N_MOVIES], 1, &member);
	return NULL;
}

/* Writers racing in one process number their versions without gaps or twins, and the member
 * they write for ends with catalog_v at the last (FerretDB's $max is a read and a write: a raise
 * could land after a higher one and lower it). */
START_TEST(racing_writers_number_versions_without_gaps)
{
	if (!open_db())
		return;
	char hex[25];
	test_new_id(hex, &member);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&member), "email", BCON_UTF8("racer@example.com")));
	pthread_t t[RACERS];
	long long got[RACERS][BUMPS];
	for (int i = 0; i < RACERS; i++)
		pthread_create(&t[i], NULL, bumper, got[i]);
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	int seen[RACERS * BUMPS + 1] = { 0 };
	for (int i = 0; i < RACERS; i++)
		for (int j = 0; j < BUMPS; j++) {
			ck_assert_int_ge(got[i][j], 1);
			ck_assert_int_le(got[i][j], RACERS * BUMPS);
			ck_assert_int_eq(seen[got[i][j]]++, 0);
		}
	mq_cards *c = acquire();
	ck_assert_int_eq(mq_cards_version(c), RACERS * BUMPS);
	mq_cards_release(c);
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_t doc, *filter = BCON_NEW("_id", BCON_OID(&member));
	ck_assert_int_eq(mq_db_find_one(users, filter, NULL, &doc, "user"), MQ_OK);
	bson_iter_t it;
	ck_assert(bson_iter_init_find(&it, &doc, "catalog_v"));
	ck_assert_int_eq(bson_iter_as_int64(&it), RACERS * BUMPS);
	bson_destroy(&doc);
	bson_destroy(filter);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	close_db();
}
END_TEST

START_TEST(a_database_down_is_no_cards_at_once)
{
	mq_cards_reset();
	mq_cards_require(MQ_CARDS_LATEST);
	mq_db *dead = test_db_dead();
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(dead, &client);
	ck_assert_ptr_nonnull(database);
	ck_assert_ptr_null(mq_cards_acquire(database));
	double t0 = test_now();
	ck_assert_ptr_null(mq_cards_acquire(database)); /* no second wait for the timeouts */
	ck_assert(test_now() - t0 < 0.05);
	mq_db_release(dead, client, database);
	mq_db_close(dead);
	mq_cards_reset();
}
END_TEST

static void insert_genre(long long id, const char *en, const char *fa)
{
	test_db_insert(db, "genres", BCON_NEW("tmdb_id", BCON_INT64(id), "slug", BCON_UTF8(en), "names", "{", "en",
					      BCON_UTF8(en), "fa", BCON_UTF8(fa), "}"));
}

/* A request's genre names, joined by ',', and the round trips they cost. */
static long genres_read(const char *lang, char *out, size_t size)
{
	const mq_env env = { db, NULL, NULL };
	cJSON *list = NULL;
	const cJSON *g;
	mq_cards_require(MQ_CARDS_LATEST); /* a visitor's request of its own */
	mq_db_round_trips_reset();
	ck_assert_int_eq(mq_genres_list(&env, lang, &list), MQ_OK);
	long trips = mq_db_round_trips();
	*out = '\0';
	cJSON_ArrayForEach(g, list) {
		if (*out)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, test_str(g, "name"), size - strlen(out) - 1);
	}
	cJSON_Delete(list);
	return trips;
}

/* Each process keeps the genres: a request reads them only after a catalogue version says they
 * changed (or after the cards were read whole), and then sees the change. */
START_TEST(genres_are_kept_until_a_version_says_they_changed)
{
	if (!open_db())
		return;
	char got[128];
	insert_genre(18, "Drama", "درام");
	insert_genre(35, "Comedy", "کمدی");
	genres_read("en", got, sizeof got);
	ck_assert_str_eq(got, "Comedy,Drama");
	insert_genre(28, "Action", "اکشن"); /* written without a version: not seen */
	ck_assert_int_eq(genres_read("fa", got, sizeof got), 1); /* the look at the versions only */
	ck_assert_str_eq(got, "کمدی,درام");
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	ck_assert_int_gt(mq_cards_bump_genres(database), 0);
	mq_db_release(db, client, database);
	ck_assert_int_eq(genres_read("en", got, sizeof got), 3); /* the version, the next's absence, genres */
	ck_assert_str_eq(got, "Action,Comedy,Drama");
	/* a version of genres leaves the cards as they were */
	mq_cards *c = acquire();
	ck_assert_uint_eq(mq_cards_count(c), N_MOVIES);
	mq_cards_release(c);
	/* a process that reads every card again (it may have missed versions) reads the genres too */
	insert_genre(99, "Zombie", "زامبی");
	mq_cards_reset();
	genres_read("en", got, sizeof got);
	ck_assert_str_eq(got, "Action,Comedy,Drama,Zombie");
	close_db();
}
END_TEST

Suite *cards_suite(void)
{
	Suite *s = suite_create("cards");
	TCase *tc = tcase_create("database");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, filters_orders_and_lookups);
	tcase_add_test(tc, snapshots_follow_the_versions);
	tcase_add_test(tc, racing_writers_number_versions_without_gaps);
	tcase_add_test(tc, a_database_down_is_no_cards_at_once);
	tcase_add_test(tc, genres_are_kept_until_a_version_says_they_changed);
	suite_add_tcase(s, tc);
	return s;
}
