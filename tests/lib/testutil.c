/* testutil.c — helpers shared by the Check suites (declared in suites.h). */
#include "store/db.h"
#include "suites.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void test_mongoc_once(void)
{
	static int done;
	if (!done) {
		done = 1;
		mq_db_install_log_handler();
		mongoc_init();
		atexit(mongoc_cleanup); /* each forked test, or the runner, cleans up at its exit */
	}
}

double test_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

mq_db *test_db_open(const char *suite, char name[64])
{
	const char *uri = getenv("MONGODB_URI");
	if (!uri || !*uri) {
		fprintf(stderr, "%s: skipped: MONGODB_URI unset\n", suite);
		return NULL;
	}
	snprintf(name, 64, "marquee_%s_%d", suite, (int)getpid());
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *db = mq_db_open(uri, name, "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(db != NULL, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
	return db;
}

void test_db_drop(mq_db *db, const char *name)
{
	bson_error_t error;
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_database_t *d = mongoc_client_get_database(client, name);
	ck_assert_msg(mongoc_database_drop(d, &error), "drop: %s", error.message);
	mongoc_database_destroy(d);
	mq_db_push(db, client);
	mq_db_close(db);
}

void test_db_insert(mq_db *db, const char *collection, bson_t *doc)
{
	bson_error_t error;
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, collection);
	ck_assert_msg(mongoc_collection_insert_one(coll, doc, NULL, NULL, &error), "insert: %s", error.message);
	bson_destroy(doc);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
}
