/* check_rating.c — unit tests for lib/domain/rating.c against the database MONGODB_URI names (make
 * check's and make unit's FerretDB; skipped without one): the movie's count and average follow
 * every change exactly, with threads of one process racing each other, twin deletes count
 * once, and an admin's edits racing ratings of the movie lose nothing. */
#include "suites.h"

#include "core/buf.h"
#include "domain/admin_movie.h"
#include "domain/rating.h"
#include "store/db.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATERS 8

static mq_db *db;
static char db_name[64];
static char movie_id[25];

/* A database of this test's own with one movie in it; returns 0 (skipped) without a server. */
static int open_db(void)
{
	if (!(db = test_db_open("rating", db_name)))
		return 0;
	bson_oid_t oid;
	test_new_id(movie_id, &oid);
	test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&oid), "title", BCON_UTF8("Race")));
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

/* The movie's rating_count and average_rating as stored. */
static void movie_fields(long long *count, double *average)
{
	bson_oid_t oid;
	const bson_t *doc;
	bson_iter_t it;
	bson_oid_init_from_string(&oid, movie_id);
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, NULL, NULL);
	*count = -1;
	*average = -1;
	if (mongoc_cursor_next(cursor, &doc)) {
		if (bson_iter_init_find(&it, doc, "rating_count") && BSON_ITER_HOLDS_NUMBER(&it))
			*count = bson_iter_as_int64(&it);
		if (bson_iter_init_find(&it, doc, "average_rating") && BSON_ITER_HOLDS_NUMBER(&it))
			*average = bson_iter_as_double(&it);
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	mongoc_collection_destroy(movies);
	mq_db_push(db, client);
}

struct rater {
	char user[25];
	double rating;
	char rating_id[25];
	mq_err rc;
};

static void rate(void *arg)
{
	struct rater *r = arg;
	cJSON *out = NULL;
	r->rc = mq_rating_create(db, r->user, movie_id, r->rating, NULL, &out, NULL);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "id"));
	if (id)
		snprintf(r->rating_id, sizeof r->rating_id, "%s", id);
	cJSON_Delete(out);
}

static void unrate(void *arg)
{
	struct rater *r = arg;
	char movie[25];
	r->rc = mq_rating_delete(db, r->user, r->rating_id, movie, NULL);
}

START_TEST(concurrent_raters_exact)
{
	if (!open_db())
		return;
	struct rater raters[RATERS];
	double sum = 0;
	for (int i = 0; i < RATERS; i++) {
		memset(&raters[i], 0, sizeof raters[i]);
		test_new_id(raters[i].user, NULL);
		raters[i].rating = 1 + (i * 7) % 9 + (i % 2) * 0.5;
		sum += raters[i].rating;
	}
	test_at_once(raters, RATERS, sizeof raters[0], rate);
	for (int i = 0; i < RATERS; i++)
		ck_assert_int_eq(raters[i].rc, MQ_OK);
	long long count;
	double average;
	movie_fields(&count, &average);
	ck_assert_int_eq(count, RATERS);
	ck_assert_msg(fabs(average - sum / RATERS) <= 0.005 + 1e-9, "average %.3f, want %.3f", average, sum / RATERS);

	/* half of them leave, all at once */
	test_at_once(raters, RATERS / 2, sizeof raters[0], unrate);
	for (int i = 0; i < RATERS / 2; i++) {
		ck_assert_int_eq(raters[i].rc, MQ_OK);
		sum -= raters[i].rating;
	}
	movie_fields(&count, &average);
	ck_assert_int_eq(count, RATERS - RATERS / 2);
	ck_assert_msg(fabs(average - sum / (RATERS - RATERS / 2)) <= 0.005 + 1e-9, "average %.3f", average);
	close_db();
}
END_TEST

/* A rater, or (editor set) the admin who edits the movie's title EDITS times meanwhile. */
#define EDITS 10
struct actor {
	struct rater rater;
	int editor;
};

static void act(void *arg)
{
	struct actor *a = arg;
	if (!a->editor) {
		rate(&a->rater);
		return;
	}
	const mq_admin_actor who = { a->rater.user, "race" };
	for (int i = 0; i < EDITS && a->rater.rc == MQ_OK; i++) {
		char title[32];
		snprintf(title, sizeof title, "Edited %d", i);
		cJSON *fields = cJSON_CreateObject(), *movie = NULL;
		cJSON_AddStringToObject(fields, "title", title);
		const mq_admin_movie_change change = { .fields = fields };
		a->rater.rc = mq_admin_movie_edit(db, &who, movie_id, &change, &movie);
		cJSON_Delete(movie);
		cJSON_Delete(fields);
	}
}

/* FerretDB writes back the whole movie an update read: a rating's recount beside an admin's edit
 * could undo the edit, or the edit the recount, unless each holds the movie's lease. */
START_TEST(an_admins_edits_beside_ratings_lose_nothing)
{
	if (!open_db())
		return;
	struct actor actors[RATERS + 1];
	memset(actors, 0, sizeof actors);
	for (int i = 0; i <= RATERS; i++) {
		test_new_id(actors[i].rater.user, NULL);
		actors[i].rater.rating = 7;
		actors[i].editor = i == RATERS;
	}
	test_at_once(actors, RATERS + 1, sizeof actors[0], act);
	for (int i = 0; i <= RATERS; i++)
		ck_assert_int_eq(actors[i].rater.rc, MQ_OK);
	long long count;
	double average;
	movie_fields(&count, &average);
	ck_assert_int_eq(count, RATERS);
	cJSON *movie = NULL;
	ck_assert_int_eq(mq_admin_movie_get(db, movie_id, &movie), MQ_OK);
	ck_assert_str_eq(test_str(movie, "title"), "Edited 9");
	cJSON_Delete(movie);
	close_db();
}
END_TEST

START_TEST(twin_deletes_count_once)
{
	if (!open_db())
		return;
	struct rater one, twins[RATERS];
	cJSON *out = NULL;
	memset(&one, 0, sizeof one);
	test_new_id(one.user, NULL);
	ck_assert_int_eq(mq_rating_create(db, one.user, movie_id, 8, "Twice?", &out, NULL), MQ_OK);
	snprintf(one.rating_id, sizeof one.rating_id, "%s", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "id")));
	cJSON_Delete(out);
	for (int i = 0; i < RATERS; i++)
		twins[i] = one;
	test_at_once(twins, RATERS, sizeof twins[0], unrate);
	int ok = 0;
	for (int i = 0; i < RATERS; i++) {
		ck_assert_msg(twins[i].rc == MQ_OK || twins[i].rc == MQ_ENOTFOUND, "rc %d", (int)twins[i].rc);
		ok += twins[i].rc == MQ_OK;
	}
	ck_assert_int_eq(ok, 1);
	long long count;
	double average;
	movie_fields(&count, &average);
	ck_assert_int_eq(count, 0);
	ck_assert(average == 0);
	close_db();
}
END_TEST

START_TEST(valid_ratings)
{
	ck_assert(mq_rating_valid(1) && mq_rating_valid(10) && mq_rating_valid(7.5));
	ck_assert(!mq_rating_valid(0.5) && !mq_rating_valid(10.5) && !mq_rating_valid(7.25) && !mq_rating_valid(NAN));
}
END_TEST

Suite *rating_suite(void)
{
	Suite *s = suite_create("rating");
	TCase *live = tcase_create("live");
	tcase_add_test(live, concurrent_raters_exact);
	tcase_add_test(live, twin_deletes_count_once);
	tcase_add_test(live, an_admins_edits_beside_ratings_lose_nothing);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	TCase *local = tcase_create("local");
	tcase_add_test(local, valid_ratings);
	suite_add_tcase(s, local);
	return s;
}
