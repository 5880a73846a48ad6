/* suites.h — the Check suites of tests/lib/, one per lib/ module. */
#ifndef MQ_TEST_SUITES_H
#define MQ_TEST_SUITES_H

#include "core/err.h"

#include <bson/bson.h>
#include <check.h>
#include <stddef.h>

/* Helpers the suites share (tests/lib/testutil.c). */
#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* mongoc_init() once per process, with our log handler; mongoc_cleanup() at exit. */
void test_mongoc_once(void);
/* Seconds on the monotonic clock. */
double test_now(void);

/* A database of the calling test's own, "marquee_<suite>_<pid>" (its name into name), on the
 * server MONGODB_URI names; NULL (and a "skipped" line) when it is unset. */
struct mq_db;
struct mq_db *test_db_open(const char *suite, char name[64]);
/* Drops that database and closes db. */
void test_db_drop(struct mq_db *db, const char *name);
/* Inserts doc (taken over) into collection. */
struct _bson_t;
void test_db_insert(struct mq_db *db, const char *collection, struct _bson_t *doc);
/* Applies the indexes of sql/schema.json (run from the repository's root) to db, asserted. */
void test_db_schema(struct mq_db *db);
/* A database nothing answers at (127.0.0.1:1, 200 ms timeouts); close it with mq_db_close. */
struct mq_db *test_db_dead(void);
/* Whether rc says the database did not answer: MQ_EUNAVAIL or MQ_ETIMEOUT. */
int test_unavailable(mq_err rc);
/* A new ObjectId into oid (may be NULL), its 24 hex digits into out. */
void test_new_id(char out[25], bson_oid_t *oid);
/* The string member key of obj, or NULL when it is missing or not a string. */
struct cJSON;
const char *test_str(const struct cJSON *obj, const char *key);
/* Whether email signs in with password (mq_account_login). */
struct mq_config;
int test_signs_in(struct mq_db *db, const struct mq_config *cfg, const char *email, const char *password);
/* Runs fn on each of n racers (an array of elements size bytes long), every one on a thread of
 * its own, released together by a barrier; returns when all have been joined. */
void test_at_once(void *racers, int n, size_t size, void (*fn)(void *racer));

Suite *arena_suite(void);
Suite *audience_suite(void);
Suite *buf_suite(void);
Suite *config_suite(void);
Suite *err_suite(void);
Suite *http_suite(void);
Suite *json_suite(void);
Suite *jwt_suite(void);
Suite *log_suite(void);
Suite *valid_suite(void);
Suite *template_suite(void);
Suite *response_suite(void);
Suite *route_suite(void);
Suite *page_suite(void);
Suite *db_suite(void);
Suite *health_suite(void);
Suite *schema_suite(void);
Suite *person_suite(void);
Suite *people_suite(void);
Suite *worker_suite(void);
Suite *sync_suite(void);
Suite *recs_suite(void);
Suite *recs_eval_suite(void);
Suite *recs_models_suite(void);
Suite *multipart_suite(void);
Suite *media_suite(void);
Suite *password_suite(void);
Suite *tmdb_suite(void);
Suite *catalog_suite(void);
Suite *cards_suite(void);
Suite *images_suite(void);
Suite *session_suite(void);
Suite *rating_suite(void);
Suite *admin_suite(void);
Suite *lists_suite(void);
Suite *account_suite(void);
Suite *recommend_suite(void);
Suite *movie_suite(void);
Suite *messages_suite(void);
Suite *reset_suite(void);
Suite *mail_suite(void);

#endif
