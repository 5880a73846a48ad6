/* testutil.c — helpers shared by the Check suites (declared in suites.h). */
#include "domain/account.h"
#include "domain/cards.h"
#include "domain/people_index.h"
#include "store/db.h"
#include "store/schema.h"
#include "suites.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <pthread.h>
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
	/* the process's cards and people index were of that database: the next test's (of the same
	 * name when tests share a process, CK_FORK=no) starts again */
	mq_cards_reset();
	mq_people_index_reset();
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

void test_db_schema(mq_db *db)
{
	int n_indexes = 0, n_created = 0;
	mq_buf err = MQ_BUF_INIT;
	mq_err rc = mq_schema_apply(db, "sql/schema.json", 0, &n_indexes, &n_created, &err);
	ck_assert_msg(rc == MQ_OK, "schema (run from the repository's root): %s", mq_buf_cstr(&err));
	mq_buf_free(&err);
}

mq_db *test_db_dead(void)
{
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *dead = mq_db_open("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200&connectTimeoutMS=200",
				 "marquee_unit", "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(dead != NULL, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
	return dead;
}

int test_unavailable(mq_err rc)
{
	return rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT;
}

void test_new_id(char out[25], bson_oid_t *oid)
{
	bson_oid_t own;
	if (!oid)
		oid = &own;
	bson_oid_init(oid, NULL);
	bson_oid_to_string(oid, out);
}

const char *test_str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

int test_signs_in(mq_db *db, const mq_config *cfg, const char *email, const char *password)
{
	cJSON *user = NULL;
	long long tv;
	mq_err rc = mq_account_login(db, cfg, email, password, &user, &tv);
	cJSON_Delete(user);
	return rc == MQ_OK;
}

/* One racer's thread: waits for the others at the barrier, then runs. */
struct racer_thread {
	pthread_t tid;
	pthread_barrier_t *go;
	void (*fn)(void *);
	void *racer;
};

static void *racer_main(void *arg)
{
	struct racer_thread *t = arg;
	pthread_barrier_wait(t->go);
	t->fn(t->racer);
	return NULL;
}

void test_at_once(void *racers, int n, size_t size, void (*fn)(void *racer))
{
	struct racer_thread *threads = calloc((size_t)n, sizeof *threads);
	pthread_barrier_t go;
	ck_assert_ptr_nonnull(threads);
	pthread_barrier_init(&go, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		threads[i] = (struct racer_thread){ .go = &go, .fn = fn, .racer = (char *)racers + (size_t)i * size };
		ck_assert_int_eq(pthread_create(&threads[i].tid, NULL, racer_main, &threads[i]), 0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(threads[i].tid, NULL);
	pthread_barrier_destroy(&go);
	free(threads);
}
