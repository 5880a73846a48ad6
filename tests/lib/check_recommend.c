/* check_recommend.c — unit tests for lib/domain/recommend.c: the tuning's arithmetic, and against
 * the database MONGODB_URI names (make unit's FerretDB; skipped without one) what a member gets
 * from a few movies, their ratings and lists, stored neighbour and popular lists: neighbours lead
 * with "because" reasons, favourite genres with "genre" reasons; what they rated, watched, put on
 * the watchlist or marked "not interested" (a dislike) never comes back, nor do hidden movies;
 * a cold start falls back to the catalogue's popular movies; the cache follows the lists
 * version; a training run stores neighbours and popular lists that serve the next member, and
 * stores them for more movies than one database command may carry. Bad
 * ids, unknown members and a database that is down are errors, never an empty list. */
#include "suites.h"

#include "core/buf.h"
#include "domain/account.h"
#include "domain/lists.h"
#include "domain/rating.h"
#include "domain/recommend.h"
#include "domain/recommend_store.h"
#include "store/db.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a member every movie of these tests suits */
static const mq_audience grown_up = { MQ_ADULT_AGE, 0, "US" };

static mq_db *db;
static char db_name[64];
static char member[25];

/* The catalogue: four genres, eight movies, two of which may never be recommended. */
enum { HEAT, RONIN, ALIEN, ARRIVAL, AMOUR, HIDDEN, GONE, AIRPLANE, N_MOVIES };
static const struct {
	const char *title;
	long long genre;
	double popularity, vote_average, vote_count;
	int hidden, tmdb_missing;
} catalogue[N_MOVIES] = {
	[HEAT] = { "Heat", 28, 50, 8.0, 5000, 0, 0 },
	[RONIN] = { "Ronin", 28, 40, 7.0, 3000, 0, 0 },
	[ALIEN] = { "Alien", 878, 60, 8.5, 8000, 0, 0 },
	[ARRIVAL] = { "Arrival", 878, 30, 7.9, 4000, 0, 0 },
	[AMOUR] = { "Amour", 18, 20, 7.5, 1000, 0, 0 },
	[HIDDEN] = { "Hidden", 35, 99, 9.0, 9000, 1, 0 },
	[GONE] = { "Gone", 35, 98, 9.0, 9000, 0, 1 },
	[AIRPLANE] = { "Airplane!", 35, 10, 7.7, 2000, 0, 0 },
};
static bson_oid_t movie_oid[N_MOVIES];
static char movie_id[N_MOVIES][25];

static void new_user(char out[25])
{
	bson_oid_t oid;
	test_new_id(out, &oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&oid), "role", BCON_UTF8("user"), "preferences", "{",
					     "genres", "[", "]", "actors", "[", "]", "movies", "[", "]", "}"));
}

/* A database of this test's own with the schema, the genres, the catalogue and one member;
 * returns 0 (skipped) without a server. */
static int open_db(void)
{
	if (!(db = test_db_open("recommend", db_name)))
		return 0;
	test_db_schema(db);
	static const struct { long long id; const char *en, *fa; } genres[] = {
		{ 28, "Action", "اکشن" }, { 878, "Science Fiction", "علمی-تخیلی" }, { 18, "Drama", "درام" },
		{ 35, "Comedy", "کمدی" },
	};
	for (size_t i = 0; i < sizeof genres / sizeof genres[0]; i++)
		test_db_insert(db, "genres", BCON_NEW("tmdb_id", BCON_INT64(genres[i].id), "names", "{", "en",
						      BCON_UTF8(genres[i].en), "fa", BCON_UTF8(genres[i].fa), "}"));
	for (int i = 0; i < N_MOVIES; i++) {
		test_new_id(movie_id[i], &movie_oid[i]);
		test_db_insert(db, "movies",
			       BCON_NEW("_id", BCON_OID(&movie_oid[i]), "tmdb_id", BCON_INT64(1000 + i), "title",
					BCON_UTF8(catalogue[i].title), "titles", "{", "en", BCON_UTF8(catalogue[i].title), "}",
					"genres", "[", "{", "id", BCON_INT64(catalogue[i].genre), "name", BCON_UTF8("x"), "}", "]",
					"popularity", BCON_DOUBLE(catalogue[i].popularity), "vote_average",
					BCON_DOUBLE(catalogue[i].vote_average), "vote_count", BCON_DOUBLE(catalogue[i].vote_count),
					"hidden", BCON_BOOL(catalogue[i].hidden), "tmdb_missing", BCON_BOOL(catalogue[i].tmdb_missing)));
	}
	new_user(member);
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

/* movie's meta as a training run stores it. */
static movie_meta meta_of(int movie)
{
	movie_meta m = { .genre = { catalogue[movie].genre }, .n_genres = 1,
			 .quality = (float)(catalogue[movie].vote_average / 10), .usable = true };
	return m;
}

/* A stored list of movies[n] with their weights (NULL: all 0), as marquee-sync neighbours writes
 * it: appended to doc as field, with the format's marker. */
static void append_list(bson_t *doc, const char *field, int n, const int *movies, const double *weights)
{
	uint8_t *bytes = calloc((size_t)n + 1, MQ_REC_ENTRY_SIZE);
	for (int i = 0; i < n; i++) {
		movie_meta meta = meta_of(movies[i]);
		mq_rec_entry_pack(bytes + (size_t)i * MQ_REC_ENTRY_SIZE, &movie_oid[movies[i]], weights ? (float)weights[i] : 0,
				  &meta);
	}
	BSON_APPEND_INT32(doc, MQ_REC_FORMAT_FIELD, MQ_REC_FORMAT);
	BSON_APPEND_BINARY(doc, field, BSON_SUBTYPE_BINARY, bytes, (uint32_t)(n * MQ_REC_ENTRY_SIZE));
	free(bytes);
}

/* Stores movie's neighbours: n of them, with their similarities, and the movie's genre. */
static void store_neighbours(int movie, int n, const int *neighbours, const double *sims)
{
	bson_t *doc = bson_new();
	BSON_APPEND_OID(doc, "_id", &movie_oid[movie]);
	BCON_APPEND(doc, "g", "[", BCON_INT64(catalogue[movie].genre), "]");
	append_list(doc, "n", n, neighbours, sims);
	test_db_insert(db, "movie_neighbours", doc);
}

/* Stores rec_popular "all": every usable movie, most popular first (what a training run writes). */
static void store_popular(void)
{
	static const int order[] = { ALIEN, HEAT, RONIN, ARRIVAL, AMOUR, AIRPLANE };
	bson_t *doc = bson_new();
	BSON_APPEND_UTF8(doc, "_id", "all");
	append_list(doc, "m", (int)(sizeof order / sizeof order[0]), order, NULL);
	test_db_insert(db, "rec_popular", doc);
}

/* The position of movie in items, or -1. */
static int position(const cJSON *items, int movie)
{
	int i = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, items) {
		if (test_str(m, "id") && !strcmp(test_str(m, "id"), movie_id[movie]))
			return i;
		i++;
	}
	return -1;
}

static cJSON *recommend(const char *user, const char *lang, int limit)
{
	cJSON *items = NULL;
	mq_err rc = mq_recommend_for(db, user, -1, lang, &grown_up, limit, &items);
	ck_assert_msg(rc == MQ_OK, "recommend: %d", (int)rc);
	ck_assert(cJSON_IsArray(items));
	return items;
}

static void rate(const char *user, int movie, double rating)
{
	cJSON *out = NULL;
	ck_assert_int_eq(mq_rating_create(db, user, movie_id[movie], rating, NULL, &out, NULL), MQ_OK);
	cJSON_Delete(out);
}

static void interact(const char *user, int movie, mq_interaction type)
{
	cJSON *out = NULL;
	ck_assert_int_eq(mq_interaction_record(db, user, movie_id[movie], type, &out, NULL, NULL), MQ_OK);
	cJSON_Delete(out);
}

START_TEST(tuning_arithmetic)
{
	ck_assert_float_eq_tol(mq_recommend_rating_weight(10, 10), 1, 1e-6);
	ck_assert_float_eq_tol(mq_recommend_rating_weight(5, 10), 0, 1e-6);
	ck_assert(mq_recommend_rating_weight(1, 10) < 0);
	ck_assert(mq_recommend_rating_weight(9, 10) > mq_recommend_rating_weight(6, 10));
	ck_assert_float_eq_tol(mq_recommend_recency(0), 1, 1e-6);
	ck_assert_float_eq_tol(mq_recommend_recency(-3), 1, 1e-6); /* a clock ahead is "today" */
	ck_assert(mq_recommend_recency(365) < 1 && mq_recommend_recency(365) > mq_recommend_recency(3650));
	ck_assert(mq_recommend_recency(1e6) >= (float)MQ_RECOMMEND_OLD_TASTE - 1e-6f);
	/* few votes pull towards the mean of all, many leave the movie's own */
	float few = mq_recommend_quality(9, 5, 6, 10), many = mq_recommend_quality(9, 50000, 6, 10);
	ck_assert(few < many && many <= 0.9f + 1e-6f && few >= 0.6f - 1e-6f);
	ck_assert_float_eq_tol(mq_recommend_quality(9, 10, 6, 0), 0, 1e-6);
}
END_TEST

/* Before any training run and with nothing of their own: the catalogue's popular movies. */
START_TEST(cold_start_gives_popular_movies)
{
	if (!open_db())
		return;
	cJSON *items = recommend(member, "en", 20);
	ck_assert_int_eq(cJSON_GetArraySize(items), N_MOVIES - 2);
	ck_assert_int_eq(position(items, HIDDEN), -1);
	ck_assert_int_eq(position(items, GONE), -1);
	const cJSON *m;
	cJSON_ArrayForEach(m, items) {
		ck_assert_str_eq(test_str(cJSON_GetObjectItemCaseSensitive(m, "reason"), "kind"), "popular");
		ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(m, "score")));
		ck_assert_ptr_nonnull(test_str(m, "title"));
	}
	ck_assert_int_eq(position(items, ALIEN), 0); /* the best rated of them */
	cJSON_Delete(items);
	items = recommend(member, "en", 3);
	ck_assert_int_eq(cJSON_GetArraySize(items), 3);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* Favourite genres chosen at sign-up lead a cold start, named in the member's language. */
START_TEST(cold_start_follows_preferred_genres)
{
	if (!open_db())
		return;
	bson_oid_t oid;
	bson_oid_init_from_string(&oid, member);
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid));
	bson_t *update = BCON_NEW("$set", "{", "preferences.genres", "[", BCON_INT64(18), "]", "}");
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_error_t error;
	ck_assert_msg(mongoc_collection_update_one(users, filter, update, NULL, NULL, &error), "%s", error.message);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	bson_destroy(update);
	bson_destroy(filter);

	cJSON *items = recommend(member, "fa", 10);
	ck_assert_int_eq(position(items, AMOUR), 0);
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "reason");
	ck_assert_str_eq(test_str(reason, "kind"), "genre");
	ck_assert_str_eq(test_str(reason, "genre"), "درام");
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* The stored lists' form: every field at its place, little-endian, whatever the host. */
START_TEST(stored_lists_are_packed)
{
	bson_oid_t movie, back;
	bson_oid_init_from_string(&movie, "0123456789abcdef01234567");
	movie_meta meta = { .genre = { 28, 10770, -1, 5000000000LL }, .n_genres = 4, .quality = 0.75f, .usable = true }, got;
	uint8_t entry[MQ_REC_ENTRY_SIZE];
	float w;
	mq_rec_entry_pack(entry, &movie, 0.5f, &meta);
	ck_assert(!memcmp(entry, movie.bytes, 12));
	ck_assert(!memcmp(entry + 12, (const uint8_t[]){ 0x00, 0x00, 0x00, 0x3f }, 4)); /* 0.5f */
	ck_assert(!memcmp(entry + 16, (const uint8_t[]){ 0x00, 0x00, 0x40, 0x3f }, 4)); /* 0.75f */
	ck_assert_int_eq(entry[20], 2); /* a negative id and one past int32 are left out */
	ck_assert(!memcmp(entry + 21, (const uint8_t[]){ 28, 0, 0, 0, 0x12, 0x2a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 16));
	mq_rec_entry_unpack(entry, &back, &w, &got);
	ck_assert(bson_oid_equal(&movie, &back));
	ck_assert(w == 0.5f && got.quality == 0.75f && got.usable);
	ck_assert_int_eq(got.n_genres, 2);
	ck_assert(got.genre[0] == 28 && got.genre[1] == 10770);

	/* a list is read only in this form: the marker, binary, whole entries */
	const uint8_t *entries;
	size_t n;
	bson_t *doc = BCON_NEW(MQ_REC_FORMAT_FIELD, BCON_INT32(MQ_REC_FORMAT), "n", BCON_BIN(BSON_SUBTYPE_BINARY, entry, MQ_REC_ENTRY_SIZE));
	ck_assert(mq_rec_format_current(doc) && mq_rec_list(doc, "n", &entries, &n) && n == 1 && entries);
	ck_assert(!mq_rec_list(doc, "m", &entries, &n) && n == 0 && !entries);
	bson_destroy(doc);
	doc = BCON_NEW("n", BCON_BIN(BSON_SUBTYPE_BINARY, entry, MQ_REC_ENTRY_SIZE)); /* an older version's */
	ck_assert(!mq_rec_format_current(doc) && !mq_rec_list(doc, "n", &entries, &n) && n == 0);
	bson_destroy(doc);
	doc = BCON_NEW(MQ_REC_FORMAT_FIELD, BCON_INT32(MQ_REC_FORMAT), "n", BCON_BIN(BSON_SUBTYPE_BINARY, entry, MQ_REC_ENTRY_SIZE - 1));
	ck_assert(!mq_rec_list(doc, "n", &entries, &n) && n == 0);
	bson_destroy(doc);
	doc = BCON_NEW(MQ_REC_FORMAT_FIELD, BCON_INT32(MQ_REC_FORMAT), "n", "[", "]");
	ck_assert(!mq_rec_list(doc, "n", &entries, &n) && n == 0);
	bson_destroy(doc);
}
END_TEST

/* A loved movie without a stored document of its own (rated since the last training run) or
 * with one of an older version's form still says the member's genres, from the catalogue; a
 * popular list of an older form is as good as none: the catalogue's popular movies serve. */
START_TEST(lists_missing_or_of_an_older_form)
{
	if (!open_db())
		return;
	test_db_insert(db, "movie_neighbours",
		       BCON_NEW("_id", BCON_OID(&movie_oid[ALIEN]), "n", "[", "{", "m", BCON_OID(&movie_oid[HEAT]), "s",
				BCON_DOUBLE(0.9), "g", "[", BCON_INT64(28), "]", "q", BCON_DOUBLE(0.8), "}", "]"));
	store_popular();
	rate(member, ALIEN, 10);
	cJSON *items = recommend(member, "en", 10);
	ck_assert_int_eq(position(items, ARRIVAL), 0); /* Science Fiction, as Alien: not Heat, its old neighbour */
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "reason");
	ck_assert_str_eq(test_str(reason, "kind"), "genre");
	ck_assert_str_eq(test_str(reason, "genre"), "Science Fiction");
	cJSON_Delete(items);

	char other[25];
	new_user(other);
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "rec_popular");
	bson_t empty = BSON_INITIALIZER;
	ck_assert(mongoc_collection_delete_many(coll, &empty, NULL, NULL, NULL));
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	test_db_insert(db, "rec_popular", BCON_NEW("_id", "all", "m", "[", "{", "m", BCON_OID(&movie_oid[HEAT]), "g", "[",
						   BCON_INT64(28), "]", "q", BCON_DOUBLE(0.8), "}", "]"));
	items = recommend(other, "en", 20);
	ck_assert_int_eq(cJSON_GetArraySize(items), N_MOVIES - 2);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* A movie the member loved leads to its stored neighbours, best first, "because" of it. */
START_TEST(neighbours_lead_with_their_reason)
{
	if (!open_db())
		return;
	store_neighbours(HEAT, 2, (const int[]){ ARRIVAL, AMOUR }, (const double[]){ 0.9, 0.2 });
	store_popular();
	rate(member, HEAT, 10);
	cJSON *items = recommend(member, "en", 10);
	ck_assert_int_eq(position(items, HEAT), -1); /* rated: never recommended back */
	ck_assert_int_eq(position(items, ARRIVAL), 0);
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "reason");
	ck_assert_str_eq(test_str(reason, "kind"), "because");
	ck_assert_str_eq(test_str(reason, "movie_id"), movie_id[HEAT]);
	ck_assert_str_eq(test_str(reason, "title"), "Heat");
	/* Ronin shares the loved movie's genre: there for the genre */
	int ronin = position(items, RONIN);
	ck_assert_int_ge(ronin, 0);
	reason = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, ronin), "reason");
	ck_assert_str_eq(test_str(reason, "kind"), "genre");
	ck_assert_str_eq(test_str(reason, "genre"), "Action");
	/* the scores come best first */
	double last = INFINITY;
	const cJSON *m;
	cJSON_ArrayForEach(m, items) {
		double s = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "score"));
		ck_assert_msg(s <= last + 1e-9, "%s scored %f after %f", test_str(m, "title"), s, last);
		last = s;
	}
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* Rated, watched, on the watchlist or "not interested" (a dislike): never recommended, even when
 * a neighbour; a movie hidden since the training run neither. */
START_TEST(own_and_hidden_movies_are_left_out)
{
	if (!open_db())
		return;
	store_neighbours(HEAT, 6, (const int[]){ ARRIVAL, ALIEN, RONIN, AMOUR, HIDDEN, AIRPLANE },
			 (const double[]){ 0.9, 0.8, 0.7, 0.6, 0.95, 0.1 });
	store_popular();
	rate(member, HEAT, 9);
	interact(member, ARRIVAL, MQ_WATCHED);
	interact(member, ALIEN, MQ_DISLIKED);
	cJSON *item = NULL;
	ck_assert_int_eq(mq_watchlist_add(db, member, movie_id[RONIN], 0, &item, NULL), MQ_OK);
	cJSON_Delete(item);
	cJSON *items = recommend(member, "en", 10);
	static const int never[] = { HEAT, ARRIVAL, ALIEN, RONIN, HIDDEN, GONE };
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		ck_assert_msg(position(items, never[i]) < 0, "%s recommended", catalogue[never[i]].title);
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	ck_assert_int_eq(position(items, AMOUR), 0);
	ck_assert_int_ge(position(items, AIRPLANE), 0);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* The neighbours of a disliked movie count against: a loved movie's weaker neighbour wins. */
START_TEST(dislikes_count_against)
{
	if (!open_db())
		return;
	store_neighbours(HEAT, 1, (const int[]){ AMOUR }, (const double[]){ 0.3 });
	store_neighbours(RONIN, 1, (const int[]){ AIRPLANE }, (const double[]){ 0.9 });
	store_popular();
	rate(member, HEAT, 10);
	interact(member, RONIN, MQ_DISLIKED);
	cJSON *items = recommend(member, "en", 10);
	int amour = position(items, AMOUR), airplane = position(items, AIRPLANE);
	ck_assert_int_eq(amour, 0);
	ck_assert_msg(airplane < 0 || airplane > amour, "Airplane! at %d", airplane);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* A movie the member named as a favourite is their taste, not a recommendation. */
START_TEST(preferred_movies_are_not_recommended_back)
{
	if (!open_db())
		return;
	cJSON *prefs = NULL;
	bson_t *set = BCON_NEW("preferences.movies", "[", BCON_INT64(1000 + ALIEN), "]");
	ck_assert_int_eq(mq_account_preferences(db, member, set, &prefs), MQ_OK);
	bson_destroy(set);
	cJSON_Delete(prefs);
	store_neighbours(ALIEN, 1, (const int[]){ ARRIVAL }, (const double[]){ 0.5 });
	cJSON *items = recommend(member, "en", 10);
	ck_assert_int_eq(position(items, ALIEN), -1);
	ck_assert_int_eq(position(items, ARRIVAL), 0);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* The list is served again while the lists version stands, and recomputed after a change. */
START_TEST(cache_follows_the_lists_version)
{
	if (!open_db())
		return;
	store_neighbours(HEAT, 2, (const int[]){ ARRIVAL, AMOUR }, (const double[]){ 0.9, 0.5 });
	store_popular();
	rate(member, HEAT, 10);
	cJSON *first = recommend(member, "en", 5);
	ck_assert_int_eq(position(first, ARRIVAL), 0);
	/* the neighbours change behind its back: the same list until the member changes something */
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "movie_neighbours");
	bson_t empty = BSON_INITIALIZER;
	bson_error_t error;
	ck_assert_msg(mongoc_collection_delete_many(coll, &empty, NULL, NULL, &error), "%s", error.message);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	cJSON *again = recommend(member, "en", 5);
	ck_assert(cJSON_Compare(first, again, 1));
	cJSON_Delete(again);
	/* another length is another list */
	again = recommend(member, "en", 4);
	ck_assert_int_le(cJSON_GetArraySize(again), 4);
	cJSON_Delete(again);
	/* watching the top one moves the version: it goes */
	interact(member, ARRIVAL, MQ_WATCHED);
	again = recommend(member, "en", 5);
	ck_assert_int_eq(position(again, ARRIVAL), -1);
	cJSON_Delete(again);
	cJSON_Delete(first);
	close_db();
}
END_TEST

/* A training run over several members' lists stores what serves the next member. */
START_TEST(training_serves_the_next_member)
{
	if (!open_db())
		return;
	char a[25], b[25], c[25], d[25];
	new_user(a);
	new_user(b);
	new_user(c);
	new_user(d);
	rate(a, HEAT, 9);
	rate(a, ARRIVAL, 8);
	rate(a, HIDDEN, 8);
	rate(b, HEAT, 10);
	rate(b, ARRIVAL, 9);
	interact(b, AMOUR, MQ_LIKED);
	interact(c, HEAT, MQ_WATCHED);
	interact(c, ARRIVAL, MQ_BOOKMARKED);
	interact(c, AIRPLANE, MQ_DISLIKED); /* not a positive event */
	rate(a, AIRPLANE, 6);                /* neither */
	cJSON *item = NULL;
	ck_assert_int_eq(mq_watchlist_add(db, c, movie_id[RONIN], 0, &item, NULL), MQ_OK);
	cJSON_Delete(item);

	long movies = -1, events = -1;
	ck_assert_int_eq(mq_recommend_train(db, &movies, &events), MQ_OK);
	ck_assert_int_eq(events, 9);
	ck_assert_int_ge(movies, 3);

	/* what it stored: Heat's best neighbour is Arrival; the hidden movie is in no list; the movie
	 * rated only below "liked" has its document too, with its genres and no list */
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "movie_neighbours");
	bson_t empty = BSON_INITIALIZER;
	const bson_t *doc;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &empty, NULL, NULL);
	int docs = 0, heat_first = 0, airplane = 0;
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it, g;
		const uint8_t *entries;
		size_t n;
		docs++;
		ck_assert(mq_rec_list(doc, "n", &entries, &n));
		ck_assert(bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it));
		bson_oid_t self = *bson_iter_oid(&it);
		for (size_t e = 0; e < n; e++) {
			bson_oid_t movie;
			movie_meta meta;
			float w;
			mq_rec_entry_unpack(entries + e * MQ_REC_ENTRY_SIZE, &movie, &w, &meta);
			ck_assert_msg(!bson_oid_equal(&movie, &movie_oid[HIDDEN]), "hidden movie as a neighbour");
			if (e == 0 && bson_oid_equal(&self, &movie_oid[HEAT]))
				heat_first = bson_oid_equal(&movie, &movie_oid[ARRIVAL]);
		}
		if (bson_oid_equal(&self, &movie_oid[AIRPLANE])) {
			airplane = 1;
			ck_assert_int_eq((int)n, 0);
			ck_assert(bson_iter_init_find(&it, doc, "g") && bson_iter_recurse(&it, &g) && bson_iter_next(&g));
			ck_assert_int_eq(bson_iter_as_int64(&g), catalogue[AIRPLANE].genre);
		}
	}
	ck_assert(!mongoc_cursor_error(cursor, NULL));
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	ck_assert_msg(airplane, "no document for the movie rated 6");
	ck_assert_int_ge(docs, 3);
	ck_assert_msg(heat_first, "Heat's best neighbour is not Arrival");
	coll = mq_db_collection(db, client, "rec_popular");
	ck_assert_int_eq(mongoc_collection_count_documents(coll, &empty, NULL, NULL, NULL, NULL), 1 + 4); /* all + 4 genres */
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);

	/* the next member loves Heat: Arrival, because of it */
	rate(d, HEAT, 10);
	cJSON *items = recommend(d, "en", 5);
	ck_assert_int_eq(position(items, ARRIVAL), 0);
	ck_assert_str_eq(test_str(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "reason"), "title"), "Heat");
	ck_assert_int_eq(position(items, HIDDEN), -1);
	ck_assert_int_eq(position(items, GONE), -1);
	cJSON_Delete(items);

	/* a second run replaces what the first stored */
	ck_assert_int_eq(mq_recommend_train(db, &movies, &events), MQ_OK);
	ck_assert_int_eq(events, 10);
	close_db();
}
END_TEST

/* Training runs over more movies than FerretDB has connections: their replaces go in commands of
 * MQ_DB_BULK_UPDATES (one command replacing 150 documents waited forever for a connection, and
 * the database with it). Every movie a member watched gets its document. */
START_TEST(training_stores_more_movies_than_a_command_holds)
{
	if (!open_db())
		return;
	enum { MANY = 150 };
	bson_oid_t many[MANY], watcher[2];
	for (int u = 0; u < 2; u++)
		bson_oid_init(&watcher[u], NULL);
	for (int i = 0; i < MANY; i++) {
		bson_oid_init(&many[i], NULL);
		test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&many[i]), "tmdb_id", BCON_INT64(5000 + i), "title",
						      BCON_UTF8("Many"), "genres", "[", "{", "id", BCON_INT64(18), "}", "]",
						      "popularity", BCON_DOUBLE(i), "vote_average", BCON_DOUBLE(7)));
		for (int u = 0; u < 2; u++)
			test_db_insert(db, "interactions", BCON_NEW("user_id", BCON_OID(&watcher[u]), "movie_id",
								    BCON_OID(&many[i]), "type", BCON_UTF8("watched")));
	}
	long movies = -1, events = -1;
	for (int run = 0; run < 2; run++) { /* the second replaces documents that exist */
		ck_assert_int_eq(mq_recommend_train(db, &movies, &events), MQ_OK);
		ck_assert_int_eq(events, 2 * MANY);
	}
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "movie_neighbours");
	bson_t empty = BSON_INITIALIZER;
	ck_assert_int_eq(mongoc_collection_count_documents(coll, &empty, NULL, NULL, NULL, NULL), MANY);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	close_db();
}
END_TEST

START_TEST(bad_requests)
{
	if (!open_db())
		return;
	cJSON *items = NULL;
	char stranger[25];
	test_new_id(stranger, NULL);
	ck_assert_int_eq(mq_recommend_for(db, "member", -1, "en", &grown_up, 10, &items), MQ_EINVAL);
	ck_assert_int_eq(mq_recommend_for(db, member, -1, "en", &grown_up, 0, &items), MQ_EINVAL);
	ck_assert_int_eq(mq_recommend_for(db, member, -1, "en", &grown_up, 101, &items), MQ_EINVAL);
	ck_assert_int_eq(mq_recommend_for(db, stranger, -1, "en", &grown_up, 10, &items), MQ_ENOTFOUND);
	ck_assert_ptr_null(items);
	close_db();
}
END_TEST

START_TEST(database_down_is_an_error)
{
	mq_db *dead = test_db_dead();
	cJSON *items = NULL;
	long movies, events;
	mq_err rc = mq_recommend_for(dead, "5f0c0ffee0c0ffee0c0ffee0", -1, "en", &grown_up, 10, &items);
	ck_assert_msg(test_unavailable(rc), "recommend: %d", (int)rc);
	ck_assert_ptr_null(items);
	rc = mq_recommend_train(dead, &movies, &events);
	ck_assert_msg(test_unavailable(rc), "train: %d", (int)rc);
	mq_db_close(dead);
}
END_TEST

Suite *recommend_suite(void)
{
	Suite *s = suite_create("recommend");
	TCase *live = tcase_create("live");
	tcase_add_test(live, cold_start_gives_popular_movies);
	tcase_add_test(live, cold_start_follows_preferred_genres);
	tcase_add_test(live, neighbours_lead_with_their_reason);
	tcase_add_test(live, own_and_hidden_movies_are_left_out);
	tcase_add_test(live, dislikes_count_against);
	tcase_add_test(live, preferred_movies_are_not_recommended_back);
	tcase_add_test(live, cache_follows_the_lists_version);
	tcase_add_test(live, training_serves_the_next_member);
	tcase_add_test(live, training_stores_more_movies_than_a_command_holds);
	tcase_add_test(live, bad_requests);
	tcase_add_test(live, lists_missing_or_of_an_older_form);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	TCase *local = tcase_create("local");
	tcase_add_test(local, tuning_arithmetic);
	tcase_add_test(local, stored_lists_are_packed);
	tcase_add_test(local, database_down_is_an_error);
	tcase_set_timeout(local, 60);
	suite_add_tcase(s, local);
	return s;
}
