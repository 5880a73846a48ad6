/* check_lists.c — unit tests for lib/domain/lists.c against the database MONGODB_URI names
 * (make unit's FerretDB; skipped without one): the watchlist and the favourites, interactions
 * (watched, liked, disliked, bookmarked), the lists version every change moves, the state the
 * pages show; owner-only access, bad ids, duplicates, removals decided by the database's counts
 * under threads racing in one process; and a database that is down being an error, never
 * "nothing there". */
#include "suites.h"

#include "core/buf.h"
#include "domain/lists.h"
#include "domain/rating.h"
#include "store/db.h"
#include "store/schema.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RACERS 8
#define N_MOVIES 3

static mq_db *db;
static char db_name[64];
static char alice[25], bob[25];        /* two members */
static char movies[N_MOVIES][25];      /* "Alpha", "Beta", "Gamma" */
static const char *const titles[N_MOVIES] = { "Alpha", "Beta", "Gamma" };

/* A database of this test's own, with the schema's indexes, two users and three movies;
 * returns 0 (skipped) without a server. */
static int open_db(void)
{
	if (!(db = test_db_open("lists", db_name)))
		return 0;
	test_db_schema(db);
	bson_oid_t oid;
	test_new_id(alice, &oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&oid), "email", BCON_UTF8("alice@example.com"),
					     "username", BCON_UTF8("alice")));
	test_new_id(bob, &oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&oid), "email", BCON_UTF8("bob@example.com"),
					     "username", BCON_UTF8("bob")));
	for (int i = 0; i < N_MOVIES; i++) {
		test_new_id(movies[i], &oid);
		test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&oid), "tmdb_id", BCON_INT64(100 + i),
						      "title", BCON_UTF8(titles[i]), "titles", "{", "en",
						      BCON_UTF8(titles[i]), "}"));
	}
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

static int is_true(const cJSON *obj, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static long long version_of(const char *user)
{
	long long v = -1;
	ck_assert_int_eq(mq_lists_version(db, user, -1, &v), MQ_OK);
	return v;
}

/* The entry of movie in a state's "movies", or NULL. */
static const cJSON *state_of(const cJSON *state, const char *movie)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(state, "movies"))
		if (test_str(e, "movie_id") && !strcmp(test_str(e, "movie_id"), movie))
			return e;
	return NULL;
}

START_TEST(interaction_names)
{
	ck_assert_int_eq(mq_interaction_parse("watched"), MQ_WATCHED);
	ck_assert_int_eq(mq_interaction_parse("liked"), MQ_LIKED);
	ck_assert_int_eq(mq_interaction_parse("disliked"), MQ_DISLIKED);
	ck_assert_int_eq(mq_interaction_parse("bookmarked"), MQ_BOOKMARKED);
	ck_assert_int_eq(mq_interaction_parse("Watched"), -1);
	ck_assert_int_eq(mq_interaction_parse(""), -1);
	ck_assert_int_eq(mq_interaction_parse(NULL), -1);
	ck_assert_ptr_null(mq_interaction_names[MQ_BOOKMARKED + 1]);
}
END_TEST

START_TEST(watchlist_add_get_remove)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *again = NULL;
	long long v = -1;
	ck_assert_int_eq(version_of(alice), 0);
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 0, &item, &v), MQ_OK);
	ck_assert_int_eq(v, 1);
	ck_assert_str_eq(test_str(item, "movie_id"), movies[0]);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(item, "is_favorite")));
	ck_assert_ptr_nonnull(test_str(item, "added_at"));
	char id[25];
	snprintf(id, sizeof id, "%s", test_str(item, "id"));

	/* by its id and by its movie */
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, id, NULL, &again), MQ_OK);
	ck_assert_str_eq(test_str(again, "movie_id"), movies[0]);
	cJSON_Delete(again);
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, NULL, movies[0], &again), MQ_OK);
	ck_assert_str_eq(test_str(again, "id"), id);
	cJSON_Delete(again);

	/* twice: a conflict, and nothing changed */
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 1, &again, &v), MQ_ECONFLICT);
	ck_assert_ptr_null(again);
	ck_assert_int_eq(version_of(alice), 1);

	ck_assert_int_eq(mq_watchlist_remove(db, alice, NULL, movies[0], &again, &v), MQ_OK);
	ck_assert_str_eq(test_str(again, "id"), id);
	ck_assert_int_eq(v, 2);
	cJSON_Delete(again);
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, id, NULL, &again), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_remove(db, alice, id, NULL, NULL, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(version_of(alice), 2);
	/* and it can be added again */
	cJSON_Delete(item);
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 0, &item, NULL), MQ_OK);
	cJSON_Delete(item);
	close_db();
}
END_TEST

START_TEST(watchlist_is_owner_only)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *other = NULL;
	long long v;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[1], 0, &item, NULL), MQ_OK);
	const char *id = test_str(item, "id");
	ck_assert_int_eq(mq_watchlist_get(db, bob, -1, id, NULL, &other), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_get(db, bob, -1, NULL, movies[1], &other), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_favorite(db, bob, id, NULL, 1, &other, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_remove(db, bob, id, NULL, &other, &v), MQ_ENOTFOUND);
	ck_assert_ptr_null(other);
	/* Bob's attempts changed neither the item nor his version */
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, id, NULL, &other), MQ_OK);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(other, "is_favorite")));
	ck_assert_int_eq(version_of(bob), 0);
	/* Bob keeps his own item of the same movie */
	cJSON_Delete(other);
	ck_assert_int_eq(mq_watchlist_add(db, bob, movies[1], 1, &other, NULL), MQ_OK);
	cJSON_Delete(other);
	cJSON_Delete(item);
	close_db();
}
END_TEST

START_TEST(bad_ids)
{
	if (!open_db())
		return;
	cJSON *out = NULL;
	long long v, total;
	int created;
	ck_assert_int_eq(mq_watchlist_add(db, "nope", movies[0], 0, &out, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_watchlist_add(db, alice, "0123456789abcdef0123456z", 0, &out, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_watchlist_add(db, alice, "", 0, &out, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, "short", NULL, &out), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_get(db, "short", -1, NULL, movies[0], &out), MQ_EINVAL);
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, NULL, "short", 1, &out, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_remove(db, alice, "short", NULL, &out, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_watchlist_list(db, "x", -1, -1, "en", 1, 10, &out, &total), MQ_EINVAL);
	ck_assert_int_eq(mq_interaction_record(db, alice, "x", MQ_LIKED, &out, &created, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], (mq_interaction)7, &out, &created, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], (mq_interaction)-1, &out, &created, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_interaction_remove(db, alice, "x", MQ_LIKED, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_interaction_remove(db, "x", movies[0], MQ_LIKED, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_interactions_list(db, alice, -1, MQ_BOOKMARKED + 1, "en", 1, 10, &out, &total), MQ_EINVAL);
	ck_assert_int_eq(mq_lists_version(db, "x", 1, &v), MQ_EINVAL);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, "x", &out), MQ_EINVAL);
	ck_assert_ptr_null(out);
	/* nothing was written for anyone */
	ck_assert_int_eq(version_of(alice), 0);
	close_db();
}
END_TEST

START_TEST(version_of_unknown_user)
{
	if (!open_db())
		return;
	char ghost[25];
	bson_oid_t oid;
	long long v = -1;
	test_new_id(ghost, &oid);
	ck_assert_int_eq(mq_lists_version(db, ghost, -1, &v), MQ_ENOTFOUND);
	/* the signed-in member's version is known from their session check: no lookup */
	ck_assert_int_eq(mq_lists_version(db, ghost, 3, &v), MQ_OK);
	ck_assert_int_eq(v, 3);
	close_db();
}
END_TEST

START_TEST(favourite_set_and_toggle)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *now = NULL;
	long long v = 0;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[2], 0, &item, &v), MQ_OK);
	const char *id = test_str(item, "id");
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, id, NULL, 1, &now, &v), MQ_OK);
	ck_assert(is_true(now, "is_favorite"));
	ck_assert_int_eq(v, 2);
	cJSON_Delete(now);
	/* setting what is already set stays set */
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, NULL, movies[2], 1, &now, &v), MQ_OK);
	ck_assert(is_true(now, "is_favorite"));
	cJSON_Delete(now);
	/* toggles flip it */
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, id, NULL, -1, &now, &v), MQ_OK);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(now, "is_favorite")));
	cJSON_Delete(now);
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, NULL, movies[2], -1, &now, &v), MQ_OK);
	ck_assert(is_true(now, "is_favorite"));
	ck_assert_int_eq(v, 5);
	cJSON_Delete(now);
	/* a movie not on the watchlist */
	ck_assert_int_eq(mq_watchlist_favorite(db, alice, NULL, movies[0], -1, &now, &v), MQ_ENOTFOUND);
	ck_assert_ptr_null(now);
	ck_assert_int_eq(version_of(alice), 5);
	cJSON_Delete(item);
	close_db();
}
END_TEST

START_TEST(watchlist_pages_newest_first)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *items = NULL;
	long long total = -1;
	for (int i = 0; i < N_MOVIES; i++) {
		ck_assert_int_eq(mq_watchlist_add(db, alice, movies[i], i == 1, &item, NULL), MQ_OK);
		cJSON_Delete(item);
	}
	ck_assert_int_eq(mq_watchlist_add(db, bob, movies[0], 1, &item, NULL), MQ_OK); /* not Alice's */
	cJSON_Delete(item);

	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 3);
	ck_assert_int_eq(cJSON_GetArraySize(items), 3);
	for (int i = 0; i < N_MOVIES; i++) {
		const cJSON *it = cJSON_GetArrayItem(items, i);
		ck_assert_str_eq(test_str(it, "movie_id"), movies[N_MOVIES - 1 - i]);
		ck_assert_str_eq(test_str(cJSON_GetObjectItemCaseSensitive(it, "movie"), "title"), titles[N_MOVIES - 1 - i]);
	}
	cJSON_Delete(items);

	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, 1, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[1]);
	cJSON_Delete(items);
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, 0, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 2);
	cJSON_Delete(items);

	/* pages of two */
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 2, &items, &total), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	ck_assert_int_eq(total, 3);
	cJSON_Delete(items);
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 2, 2, &items, &total), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[0]);
	ck_assert_int_eq(total, 3);
	cJSON_Delete(items);

	/* a member with nothing: an empty page, not an error */
	char carol[25];
	bson_oid_t oid;
	test_new_id(carol, &oid);
	ck_assert_int_eq(mq_watchlist_list(db, carol, 0, -1, "en", 1, 10, &items, &total), MQ_OK); /* as signed in */
	ck_assert_int_eq(cJSON_GetArraySize(items), 0);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(recording_again_moves_it)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *items = NULL;
	int created = -1;
	long long v = 0, total;
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_WATCHED, &item, &created, &v), MQ_OK);
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(v, 1);
	ck_assert_str_eq(test_str(item, "type"), "watched");
	ck_assert_str_eq(test_str(item, "movie_id"), movies[0]);
	char first_at[64];
	snprintf(first_at, sizeof first_at, "%s", test_str(item, "at"));
	cJSON_Delete(item);
	usleep(20000);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[1], MQ_WATCHED, &item, &created, &v), MQ_OK);
	cJSON_Delete(item);
	usleep(20000);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_WATCHED, &item, &created, &v), MQ_OK);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(v, 3);
	ck_assert_msg(strcmp(test_str(item, "at"), first_at) > 0, "at %s, first %s", test_str(item, "at"), first_at);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[2], MQ_BOOKMARKED, &item, &created, &v), MQ_OK);
	cJSON_Delete(item);

	/* the watch history: one per movie, the latest first, with the movie */
	ck_assert_int_eq(mq_interactions_list(db, alice, -1, MQ_WATCHED, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 2);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[0]);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 1), "movie_id"), movies[1]);
	ck_assert_str_eq(test_str(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, 0), "movie"), "title"), "Alpha");
	cJSON_Delete(items);
	ck_assert_int_eq(mq_interactions_list(db, alice, -1, -1, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "type"), "bookmarked");
	cJSON_Delete(items);
	ck_assert_int_eq(mq_interactions_list(db, bob, -1, -1, "en", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(like_and_dislike_exclude_each_other)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *state = NULL;
	int created;
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_DISLIKED, &item, &created, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_LIKED, &item, &created, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, movies[0], &state), MQ_OK);
	const cJSON *e = state_of(state, movies[0]);
	ck_assert_ptr_nonnull(e);
	ck_assert(is_true(e, "liked") && !is_true(e, "disliked"));
	cJSON_Delete(state);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_DISLIKED, &item, &created, NULL), MQ_OK);
	ck_assert_int_eq(created, 1);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, movies[0], &state), MQ_OK);
	e = state_of(state, movies[0]);
	ck_assert(!is_true(e, "liked") && is_true(e, "disliked"));
	cJSON_Delete(state);
	/* other kinds stay side by side */
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_WATCHED, &item, &created, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_BOOKMARKED, &item, &created, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, movies[0], &state), MQ_OK);
	e = state_of(state, movies[0]);
	ck_assert(is_true(e, "watched") && is_true(e, "bookmarked") && is_true(e, "disliked"));
	cJSON_Delete(state);
	close_db();
}
END_TEST

START_TEST(interaction_removal_counts)
{
	if (!open_db())
		return;
	cJSON *item = NULL;
	long long v = 0;
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[1], MQ_LIKED, &item, NULL, &v), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_remove(db, bob, movies[1], MQ_LIKED, &v), MQ_ENOTFOUND); /* not his */
	ck_assert_int_eq(mq_interaction_remove(db, alice, movies[1], MQ_WATCHED, &v), MQ_ENOTFOUND); /* another kind */
	ck_assert_int_eq(version_of(alice), 1);
	ck_assert_int_eq(mq_interaction_remove(db, alice, movies[1], MQ_LIKED, &v), MQ_OK);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(mq_interaction_remove(db, alice, movies[1], MQ_LIKED, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(version_of(alice), 2);
	close_db();
}
END_TEST

START_TEST(state_shows_every_list)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *state = NULL;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 1, &item, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[0], MQ_WATCHED, &item, NULL, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_interaction_record(db, alice, movies[1], MQ_LIKED, &item, NULL, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_rating_create(db, alice, movies[2], 7.5, NULL, &item, NULL), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_watchlist_add(db, bob, movies[1], 0, &item, NULL), MQ_OK); /* Bob's */
	cJSON_Delete(item);

	ck_assert_int_eq(mq_lists_state(db, alice, -1, NULL, &state), MQ_OK);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(state, "version")), 4);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(state, "movies")), 3);
	const cJSON *a = state_of(state, movies[0]), *b = state_of(state, movies[1]), *c = state_of(state, movies[2]);
	ck_assert(a && b && c);
	ck_assert(is_true(a, "watchlist") && is_true(a, "favorite") && is_true(a, "watched") && !is_true(a, "liked"));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a, "rating")));
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(a, "tmdb_id")), 100);
	ck_assert(!is_true(b, "watchlist") && is_true(b, "liked"));
	ck_assert(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "rating")) == 7.5);
	ck_assert(!is_true(c, "watchlist") && !is_true(c, "watched"));
	cJSON_Delete(state);

	/* of one movie only */
	ck_assert_int_eq(mq_lists_state(db, alice, -1, movies[1], &state), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(state, "movies")), 1);
	ck_assert_ptr_nonnull(state_of(state, movies[1]));
	cJSON_Delete(state);
	/* a member with nothing: version 0, no movies */
	ck_assert_int_eq(mq_lists_state(db, bob, -1, movies[0], &state), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(state, "movies")), 0);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(state, "version")), 1);
	cJSON_Delete(state);
	close_db();
}
END_TEST

/* ---- threads of one process, each with its own pooled connection ---- */

struct racer {
	const char *user, *movie, *item_id;
	mq_err rc;
	int created;
	long long version;
};

static void add(void *arg)
{
	struct racer *r = arg;
	cJSON *item = NULL;
	r->rc = mq_watchlist_add(db, r->user, r->movie, 0, &item, &r->version);
	cJSON_Delete(item);
}

static void toggle(void *arg)
{
	struct racer *r = arg;
	cJSON *item = NULL;
	r->rc = mq_watchlist_favorite(db, r->user, r->item_id, NULL, -1, &item, &r->version);
	cJSON_Delete(item);
}

static void remove_item(void *arg)
{
	struct racer *r = arg;
	r->rc = mq_watchlist_remove(db, r->user, r->item_id, NULL, NULL, &r->version);
}

static void like(void *arg)
{
	struct racer *r = arg;
	cJSON *item = NULL;
	r->rc = mq_interaction_record(db, r->user, r->movie, MQ_LIKED, &item, &r->created, &r->version);
	cJSON_Delete(item);
}

/* Fresh movie ids for racers that each add their own. */
static char race_movies[RACERS][25];

/* Issue 18: removing a movie from the watchlist dropped it from the favourites. */
START_TEST(watchlist_and_favourites_are_independent)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *fav = NULL, *items = NULL;
	long long v = 0, total = 0;
	int created = 0;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 1, &item, &v), MQ_OK);
	ck_assert(is_true(item, "is_favorite"));
	ck_assert_int_eq(mq_watchlist_remove(db, alice, test_str(item, "id"), NULL, NULL, &v), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_favorites_list(db, alice, -1, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[0]);
	ck_assert(is_true(cJSON_GetArrayItem(items, 0), "is_favorite"));
	cJSON_Delete(items);

	/* a favourite does not join the watchlist; adding one twice is no change */
	long long before = version_of(alice);
	ck_assert_int_eq(mq_favorite_set(db, alice, movies[1], 1, &fav, &created, &v), MQ_OK);
	ck_assert(created && v == before + 1);
	cJSON_Delete(fav);
	ck_assert_int_eq(mq_favorite_set(db, alice, movies[1], 1, &fav, &created, &v), MQ_OK);
	ck_assert(!created && v == before + 1);
	ck_assert_str_eq(test_str(fav, "movie_id"), movies[1]);
	cJSON_Delete(fav);
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(items);

	/* the item's flag reads the favourites; ?favorites= filters by them */
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[1], 0, &item, &v), MQ_OK);
	ck_assert(is_true(item, "is_favorite"));
	cJSON_Delete(item);
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[2], 0, &item, &v), MQ_OK);
	ck_assert(!is_true(item, "is_favorite"));
	cJSON_Delete(item);
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, 1, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[1]);
	cJSON_Delete(items);
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, 0, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "movie_id"), movies[2]);
	cJSON_Delete(items);

	ck_assert_int_eq(mq_favorite_set(db, alice, movies[1], 0, NULL, &created, &v), MQ_OK);
	ck_assert_int_eq(mq_favorite_set(db, alice, movies[1], 0, NULL, &created, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_favorite_set(db, bob, movies[0], 0, NULL, &created, &v), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_favorite_set(db, alice, "nope", 1, NULL, &created, &v), MQ_EINVAL);
	close_db();
}
END_TEST

/* An earlier version's is_favorite flags become favourites, once. */
START_TEST(flags_migrate_to_favourites)
{
	if (!open_db())
		return;
	bson_oid_t user, movie;
	bson_oid_init_from_string(&user, alice);
	for (int i = 0; i < 2; i++) {
		bson_oid_init_from_string(&movie, movies[i]);
		test_db_insert(db, "watchlist", BCON_NEW("user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie),
							 "is_favorite", BCON_BOOL(i == 0), "added_at", BCON_DATE_TIME(1000)));
	}
	long moved = -1;
	ck_assert_int_eq(mq_lists_migrate(db, &moved), MQ_OK);
	ck_assert_int_eq(moved, 1);
	ck_assert_int_eq(mq_lists_migrate(db, &moved), MQ_OK);
	ck_assert_int_eq(moved, 0);
	cJSON *items = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 2);
	const cJSON *item;
	cJSON_ArrayForEach(item, items)
		ck_assert_int_eq(is_true(item, "is_favorite"), !strcmp(test_str(item, "movie_id"), movies[0]));
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(simultaneous_changes_get_their_own_versions)
{
	if (!open_db())
		return;
	struct racer racers[RACERS];
	for (int i = 0; i < RACERS; i++) {
		test_new_id(race_movies[i], NULL);
		racers[i] = (struct racer){ .user = alice, .movie = race_movies[i] };
	}
	test_at_once(racers, RACERS, sizeof racers[0], add);
	int seen[RACERS + 1] = { 0 };
	for (int i = 0; i < RACERS; i++) {
		ck_assert_int_eq(racers[i].rc, MQ_OK);
		ck_assert_msg(racers[i].version >= 1 && racers[i].version <= RACERS, "version %lld", racers[i].version);
		ck_assert_msg(!seen[racers[i].version]++, "version %lld twice", racers[i].version);
	}
	ck_assert_int_eq(version_of(alice), RACERS);
	/* every change is in the lists read, whichever writer applied it to the digest or lost */
	cJSON *items = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 100, &items, &total), MQ_OK);
	ck_assert_int_eq(total, RACERS);
	cJSON_Delete(items);
	/* and in the stored digest, for other processes, when it says it is current */
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	bson_t digest;
	bson_iter_t it;
	mongoc_collection_t *digests = mongoc_database_get_collection(database, "member_lists");
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(alice));
	ck_assert_int_eq(mq_db_find_one(digests, filter, NULL, &digest, "digest"), MQ_OK);
	ck_assert(bson_iter_init_find(&it, &digest, "v") && bson_iter_as_int64(&it) == RACERS);
	ck_assert(bson_iter_init_find(&it, &digest, "watchlist") && BSON_ITER_HOLDS_ARRAY(&it));
	uint32_t len;
	const uint8_t *data;
	bson_t array;
	bson_iter_array(&it, &len, &data);
	ck_assert(bson_init_static(&array, data, len));
	ck_assert_int_eq(bson_count_keys(&array), RACERS);
	bson_destroy(&digest);
	bson_destroy(filter);
	mongoc_collection_destroy(digests);
	mq_db_release(db, client, database);
	close_db();
}
END_TEST

/* A change the digest missed (its writer stopped between the change and the digest, or something
 * else wrote it) is read from the collections by the next reader: the digest is older than
 * users.lists_v. */
START_TEST(digest_missed_change_is_read_again)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *state = NULL;
	long long v = 0;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 0, &item, &v), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_lists_state(db, alice, v, NULL, &state), MQ_OK); /* the digest, at v */
	cJSON_Delete(state);
	bson_oid_t user, movie;
	bson_oid_init_from_string(&user, alice);
	bson_oid_init_from_string(&movie, movies[1]);
	test_db_insert(db, "watchlist", BCON_NEW("user_id", BCON_OID(&user), "movie_id", BCON_OID(&movie),
						 "added_at", BCON_DATE_TIME(1)));
	/* unseen until the version moves: a digest at the version read is what it claims */
	ck_assert_int_eq(mq_lists_state(db, alice, v, NULL, &state), MQ_OK);
	ck_assert_ptr_null(state_of(state, movies[1]));
	cJSON_Delete(state);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	mongoc_collection_t *users = mongoc_database_get_collection(database, "users");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&user));
	bson_t *update = BCON_NEW("$set", "{", "lists_v", BCON_INT64(v + 1), "}");
	ck_assert(mongoc_collection_update_one(users, filter, update, NULL, NULL, NULL));
	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(users);
	mq_db_release(db, client, database);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, NULL, &state), MQ_OK);
	ck_assert_ptr_nonnull(state_of(state, movies[0]));
	ck_assert_ptr_nonnull(state_of(state, movies[1]));
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(state, "version")), (int)v + 1);
	cJSON_Delete(state);
	/* the next change applies to the digest read again, and claims the version after */
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[2], 0, &item, &v), MQ_OK);
	cJSON_Delete(item);
	ck_assert_int_eq(mq_lists_state(db, alice, -1, NULL, &state), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(state, "movies")), 3);
	cJSON_Delete(state);
	close_db();
}
END_TEST

START_TEST(simultaneous_adds_of_one_movie_one_wins)
{
	if (!open_db())
		return;
	struct racer racers[RACERS];
	for (int i = 0; i < RACERS; i++)
		racers[i] = (struct racer){ .user = alice, .movie = movies[0] };
	test_at_once(racers, RACERS, sizeof racers[0], add);
	int ok = 0;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(racers[i].rc == MQ_OK || racers[i].rc == MQ_ECONFLICT, "rc %d", (int)racers[i].rc);
		ok += racers[i].rc == MQ_OK;
	}
	ck_assert_int_eq(ok, 1);
	cJSON *items = NULL;
	long long total;
	ck_assert_int_eq(mq_watchlist_list(db, alice, -1, -1, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(simultaneous_toggles_take_turns)
{
	if (!open_db())
		return;
	cJSON *item = NULL, *now = NULL;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[0], 0, &item, NULL), MQ_OK);
	struct racer racers[RACERS];
	for (int i = 0; i < RACERS; i++)
		racers[i] = (struct racer){ .user = alice, .item_id = test_str(item, "id") };
	test_at_once(racers, RACERS - 1, sizeof racers[0], toggle); /* an odd number of toggles: a favourite in the end */
	for (int i = 0; i < RACERS - 1; i++)
		ck_assert_int_eq(racers[i].rc, MQ_OK);
	ck_assert_int_eq(mq_watchlist_get(db, alice, -1, test_str(item, "id"), NULL, &now), MQ_OK);
	ck_assert(is_true(now, "is_favorite"));
	cJSON_Delete(now);
	ck_assert_int_eq(version_of(alice), RACERS);
	cJSON_Delete(item);
	close_db();
}
END_TEST

START_TEST(twin_removals_count_once)
{
	if (!open_db())
		return;
	cJSON *item = NULL;
	ck_assert_int_eq(mq_watchlist_add(db, alice, movies[1], 1, &item, NULL), MQ_OK);
	struct racer racers[RACERS];
	for (int i = 0; i < RACERS; i++)
		racers[i] = (struct racer){ .user = alice, .item_id = test_str(item, "id") };
	test_at_once(racers, RACERS, sizeof racers[0], remove_item);
	int ok = 0;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(racers[i].rc == MQ_OK || racers[i].rc == MQ_ENOTFOUND, "rc %d", (int)racers[i].rc);
		ok += racers[i].rc == MQ_OK;
	}
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(version_of(alice), 2); /* the add and the one removal */
	cJSON_Delete(item);
	close_db();
}
END_TEST

START_TEST(simultaneous_first_likes_make_one)
{
	if (!open_db())
		return;
	struct racer racers[RACERS];
	for (int i = 0; i < RACERS; i++)
		racers[i] = (struct racer){ .user = alice, .movie = movies[2] };
	test_at_once(racers, RACERS, sizeof racers[0], like);
	int created = 0;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(racers[i].rc == MQ_OK, "racer %d: rc %d", i, (int)racers[i].rc);
		created += racers[i].created;
	}
	ck_assert_int_eq(created, 1);
	cJSON *items = NULL;
	long long total;
	ck_assert_int_eq(mq_interactions_list(db, alice, -1, MQ_LIKED, "en", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	cJSON_Delete(items);
	close_db();
}
END_TEST

/* ---- a database that does not answer ---- */

START_TEST(database_down_is_an_error)
{
	mq_db *dead = test_db_dead();
	const char *user = "5f0c0ffee0c0ffee0c0ffee0", *movie = "5f0c0ffee0c0ffee0c0ffee1";
	cJSON *out = NULL;
	long long v, total;
	int created;
	mq_err rc;
	ck_assert_msg(test_unavailable(rc = mq_lists_version(dead, user, -1, &v)), "version: %d", (int)rc);
	ck_assert_int_eq(mq_lists_version(dead, user, 1, &v), MQ_OK); /* known: the database is not asked */
	ck_assert_msg(test_unavailable(rc = mq_lists_state(dead, user, -1, NULL, &out)), "state: %d", (int)rc);
	ck_assert_ptr_null(out);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_add(dead, user, movie, 0, &out, &v)), "add: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_get(dead, user, -1, NULL, movie, &out)), "get: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_favorite(dead, user, NULL, movie, -1, &out, &v)), "toggle: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_favorite(dead, user, NULL, movie, 1, &out, &v)), "favourite: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_remove(dead, user, NULL, movie, &out, &v)), "remove: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_watchlist_list(dead, user, -1, -1, "en", 1, 10, &out, &total)), "list: %d", (int)rc);
	ck_assert_ptr_null(out);
	ck_assert_msg(test_unavailable(rc = mq_interaction_record(dead, user, movie, MQ_LIKED, &out, &created, &v)),
		      "record: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_interaction_remove(dead, user, movie, MQ_LIKED, &v)), "unrecord: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_interactions_list(dead, user, -1, -1, "en", 1, 10, &out, &total)), "history: %d",
		      (int)rc);
	ck_assert_ptr_null(out);
	mq_db_close(dead);
}
END_TEST

Suite *lists_suite(void)
{
	Suite *s = suite_create("lists");
	TCase *live = tcase_create("live");
	tcase_add_test(live, watchlist_add_get_remove);
	tcase_add_test(live, watchlist_is_owner_only);
	tcase_add_test(live, bad_ids);
	tcase_add_test(live, version_of_unknown_user);
	tcase_add_test(live, favourite_set_and_toggle);
	tcase_add_test(live, watchlist_and_favourites_are_independent);
	tcase_add_test(live, flags_migrate_to_favourites);
	tcase_add_test(live, watchlist_pages_newest_first);
	tcase_add_test(live, recording_again_moves_it);
	tcase_add_test(live, like_and_dislike_exclude_each_other);
	tcase_add_test(live, interaction_removal_counts);
	tcase_add_test(live, state_shows_every_list);
	tcase_add_test(live, simultaneous_changes_get_their_own_versions);
	tcase_add_test(live, digest_missed_change_is_read_again);
	tcase_add_test(live, simultaneous_adds_of_one_movie_one_wins);
	tcase_add_test(live, simultaneous_toggles_take_turns);
	tcase_add_test(live, twin_removals_count_once);
	tcase_add_test(live, simultaneous_first_likes_make_one);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	TCase *local = tcase_create("local");
	tcase_add_test(local, interaction_names);
	tcase_add_test(local, database_down_is_an_error);
	tcase_set_timeout(local, 60);
	suite_add_tcase(s, local);
	return s;
}
