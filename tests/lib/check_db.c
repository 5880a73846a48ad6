/* check_db.c — unit tests for lib/store/db.c: driver error mapping, pool options, pings dead and
 * live, bulk updates, leased updates. */
#include "suites.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "store/db.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The live database's URI, or NULL after logging the skip. */
static const char *live_uri(const char *test)
{
	const char *uri = getenv("MONGODB_URI");
	if (!uri || !*uri) {
		fprintf(stderr, "db:%s: skipped: MONGODB_URI unset\n", test);
		return NULL;
	}
	return uri;
}

/* The error → HTTP mapping of db.h: every row, as domain, code, mq_err and the status. */
static const struct {
	uint32_t domain, code;
	mq_err want;
	int status;
	const char *row;
} error_cases[] = {
	{ MONGOC_ERROR_SERVER, 11000, MQ_ECONFLICT, 409, "duplicate key" },
	{ MONGOC_ERROR_SERVER, 11001, MQ_ECONFLICT, 409, "duplicate key (legacy)" },
	{ MONGOC_ERROR_SERVER, 12582, MQ_ECONFLICT, 409, "duplicate key (legacy update)" },
	{ MONGOC_ERROR_SERVER, 121, MQ_EUNPROCESSABLE, 422, "DocumentValidationFailure" },
	{ MONGOC_ERROR_SERVER, 50, MQ_ETIMEOUT, 504, "MaxTimeMSExpired" },
	{ MONGOC_ERROR_SERVER, 262, MQ_ETIMEOUT, 504, "ExceededTimeLimit" },
	{ MONGOC_ERROR_SERVER, 10107, MQ_EUNAVAIL, 503, "NotWritablePrimary" },
	{ MONGOC_ERROR_SERVER, 13435, MQ_EUNAVAIL, 503, "NotPrimaryNoSecondaryOk" },
	{ MONGOC_ERROR_SERVER, 189, MQ_EUNAVAIL, 503, "PrimarySteppedDown" },
	{ MONGOC_ERROR_SERVER, 91, MQ_EUNAVAIL, 503, "ShutdownInProgress" },
	{ MONGOC_ERROR_SERVER, 11600, MQ_EUNAVAIL, 503, "InterruptedAtShutdown" },
	{ MONGOC_ERROR_SERVER, 11602, MQ_EUNAVAIL, 503, "InterruptedDueToReplStateChange" },
	{ MONGOC_ERROR_SERVER, 6, MQ_EUNAVAIL, 503, "HostUnreachable" },
	{ MONGOC_ERROR_SERVER, 7, MQ_EUNAVAIL, 503, "HostNotFound" },
	{ MONGOC_ERROR_SERVER, 89, MQ_EUNAVAIL, 503, "NetworkTimeout" },
	{ MONGOC_ERROR_SERVER, 9001, MQ_EUNAVAIL, 503, "SocketException" },
	{ MONGOC_ERROR_SERVER, 2, MQ_EINVAL, 400, "BadValue" },
	{ MONGOC_ERROR_SERVER, 9, MQ_EINVAL, 400, "FailedToParse" },
	{ MONGOC_ERROR_SERVER, 14, MQ_EINVAL, 400, "TypeMismatch" },
	{ MONGOC_ERROR_SERVER, 13, MQ_EINTERNAL, 500, "Unauthorized" },
	{ MONGOC_ERROR_SERVER, 18, MQ_EINTERNAL, 500, "AuthenticationFailed" },
	{ MONGOC_ERROR_SERVER, 238, MQ_EINTERNAL, 500, "NotImplemented (FerretDB)" },
	{ MONGOC_ERROR_SERVER, 59, MQ_EINTERNAL, 500, "CommandNotFound (FerretDB)" },
	{ MONGOC_ERROR_SERVER, 1, MQ_EINTERNAL, 500, "any other server code" },
	{ MONGOC_ERROR_WRITE_CONCERN, 64, MQ_EUNAVAIL, 503, "write concern wtimeout" },
	{ MONGOC_ERROR_WRITE_CONCERN, 100, MQ_EUNAVAIL, 503, "write concern failed" },
	{ MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE, MQ_EUNAVAIL, 503,
	  "no suitable servers" },
	{ MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET, MQ_EUNAVAIL, 503, "socket timeout or closed (a killed database)" },
	{ MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_CONNECT, MQ_EUNAVAIL, 503, "connect failed" },
	{ MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_NAME_RESOLUTION, MQ_EUNAVAIL, 503, "name resolution" },
	{ MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_AUTHENTICATE, MQ_EUNAVAIL, 503, "authentication" },
	{ MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_TOO_SMALL, MQ_EINTERNAL, 500, "other client error" },
	{ MONGOC_ERROR_PROTOCOL, MONGOC_ERROR_PROTOCOL_INVALID_REPLY, MQ_EUPSTREAM, 502, "invalid reply" },
	{ MONGOC_ERROR_PROTOCOL, MONGOC_ERROR_PROTOCOL_BAD_WIRE_VERSION, MQ_EUPSTREAM, 502, "bad wire version" },
	{ MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID, MQ_EINTERNAL, 500, "BSON (bug)" },
	{ MONGOC_ERROR_COMMAND, MONGOC_ERROR_COMMAND_INVALID_ARG, MQ_EINTERNAL, 500, "invalid argument (bug)" },
};

START_TEST(error_mapping)
{
	bson_error_t e;
	bson_set_error(&e, error_cases[_i].domain, error_cases[_i].code, "test error %s", error_cases[_i].row);
	mq_err got = mq_db_error(&e, "unit test");
	ck_assert_msg(got == error_cases[_i].want, "domain %u code %u (%s): got %d, want %d",
		      error_cases[_i].domain, error_cases[_i].code, error_cases[_i].row, got,
		      error_cases[_i].want);
	ck_assert_int_eq(mq_err_status(got), error_cases[_i].status);
}
END_TEST

/* Capture of every log line (ours and libmongoc's) while a test runs. */
static mq_buf captured;

static void capture_mongoc(mongoc_log_level_t level, const char *domain, const char *message, void *data)
{
	(void)level;
	(void)data;
	mq_buf_printf(&captured, "%s: %s\n", domain, message);
}

START_TEST(open_bad_uri)
{
	static const char *const bad[] = {
		"mongodb://marquee:S3cretPw@localhost:99999/",
		"mongodb://marquee:S3cretPw@/",
		"notmongo://marquee:S3cretPw@db.example/",
		"mongodb://marquee:S3cret%zzPw@db.example/",
		"mongodb://marquee:S3cretPw@db.example/?replicaSet=",
		"mongodb+srv://marquee:S3cretPw@db.example:27017/",
		"",
	};
	int fds[2];
	mq_buf problems = MQ_BUF_INIT;
	test_mongoc_once();
	ck_assert_int_eq(pipe(fds), 0);
	fcntl(fds[1], F_SETFL, O_NONBLOCK); /* a full pipe drops log lines instead of blocking */
	mq_buf_init(&captured);
	mongoc_log_set_handler(capture_mongoc, NULL);
	mq_log_init("unit", MQ_LOG_DEBUG, fds[1]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mq_buf err = MQ_BUF_INIT;
		mq_db *db = mq_db_open(bad[i], "marquee", "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
		const char *msg = mq_buf_cstr(&err);
		if (db)
			mq_buf_printf(&problems, "\"%s\" opened; ", bad[i]);
		else if (err.len == 0)
			mq_buf_printf(&problems, "no message for \"%s\"; ", bad[i]);
		else if (strstr(msg, "S3cret") || strstr(msg, "marquee:"))
			mq_buf_printf(&problems, "credentials in \"%s\"; ", msg);
		mq_db_close(db);
		mq_buf_free(&err);
	}
	/* the log goes back where it was before anything is asserted */
	mq_log_init("marquee", MQ_LOG_INFO, STDERR_FILENO);
	mq_db_install_log_handler();
	close(fds[1]);
	char logbuf[65536];
	ssize_t n = read(fds[0], logbuf, sizeof logbuf - 1);
	close(fds[0]);
	logbuf[n > 0 ? n : 0] = '\0';
	ck_assert_msg(problems.len == 0, "%s", mq_buf_cstr(&problems));
	mq_buf_free(&problems);
	ck_assert_msg(!strstr(logbuf, "S3cret"), "password in our log: %s", logbuf);
	ck_assert_int_gt(captured.len, 0); /* the capture works: libmongoc warns about some of these */
	ck_assert_msg(!strstr(mq_buf_cstr(&captured), "S3cret"), "password in libmongoc's log: %s",
		      mq_buf_cstr(&captured));
	mq_buf_free(&captured);
}
END_TEST

/* A loopback port nothing listens on: bound, then closed again. */
static int closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* Pings uri with the probe timeouts; returns the result and the wall time in *secs. */
static mq_err ping_uri(const char *uri, double *secs)
{
	mq_buf err = MQ_BUF_INIT;
	double ms = -1;
	test_mongoc_once();
	mq_db *db = mq_db_open(uri, "marquee_unit", "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(db != NULL, "open %s: %s", uri, mq_buf_cstr(&err));
	double t0 = test_now();
	mq_err rc = mq_db_ping(db, &ms);
	*secs = test_now() - t0;
	mq_db_close(db);
	mq_buf_free(&err);
	return rc;
}

START_TEST(ping_closed_port)
{
	char uri[64];
	double secs;
	snprintf(uri, sizeof uri, "mongodb://127.0.0.1:%d/", closed_port());
	mq_err rc = ping_uri(uri, &secs);
	ck_assert_msg(rc == MQ_EUNAVAIL, "ping of a closed port: %d", rc);
	/* bounds a hang (the driver's defaults would wait 30 s); not a performance test */
	ck_assert_msg(secs < 3.0, "ping took %.2f s", secs);
}
END_TEST

START_TEST(ping_frozen_server)
{
	/* accepts connections (the kernel's backlog does) but never answers: a frozen database */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	char uri[64];
	double secs;
	snprintf(uri, sizeof uri, "mongodb://127.0.0.1:%d/", ntohs(a.sin_port));
	mq_err rc = ping_uri(uri, &secs);
	close(fd);
	ck_assert_msg(rc == MQ_EUNAVAIL, "ping of a frozen server: %d", rc);
	ck_assert_msg(secs < 3.0, "ping took %.2f s", secs);
}
END_TEST

START_TEST(uri_options_win)
{
	/* the URI's own serverSelectionTimeoutMS replaces the probe default of 1500 ms */
	char uri[128];
	double secs;
	snprintf(uri, sizeof uri, "mongodb://127.0.0.1:%d/?serverSelectionTimeoutMS=100", closed_port());
	ck_assert_int_eq(ping_uri(uri, &secs), MQ_EUNAVAIL);
	ck_assert_msg(secs < 1.2, "ping took %.2f s: the URI's option was not used", secs);
}
END_TEST

START_TEST(ping_live)
{
	const char *uri = live_uri("ping_live");
	if (!uri)
		return;
	mq_buf err = MQ_BUF_INIT;
	double ms = -1;
	test_mongoc_once();
	mq_db *db = mq_db_open(uri, "marquee_unit_ping", "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(db != NULL, "%s", mq_buf_cstr(&err));
	ck_assert_str_eq(mq_db_name(db), "marquee_unit_ping");
	ck_assert_int_eq(mq_db_ping(db, &ms), MQ_OK);
	ck_assert(ms >= 0 && ms < 3000);
	ck_assert_int_eq(mq_db_ping(db, &ms), MQ_OK); /* the client went back to the pool */
	mq_db_close(db);
	mq_buf_free(&err);
}
END_TEST

START_TEST(live_duplicate_key)
{
	/* a real server error through the mapping: a unique index, the same key twice */
	const char *uri = live_uri("live_duplicate_key");
	if (!uri)
		return;
	char name[64];
	snprintf(name, sizeof name, "marquee_unit_%d", (int)getpid());
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *db = mq_db_open(uri, name, "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(db != NULL, "%s", mq_buf_cstr(&err));
	mongoc_client_t *client = mq_db_pop(db);
	ck_assert_ptr_nonnull(client);
	mongoc_collection_t *coll = mq_db_collection(db, client, "dups");
	bson_error_t error;
	bson_t reply;
	bson_t *cmd = BCON_NEW("createIndexes", BCON_UTF8("dups"), "indexes", "[", "{", "key", "{", "k",
			       BCON_INT32(1), "}", "name", BCON_UTF8("k_1"), "unique", BCON_BOOL(true), "}", "]");
	mongoc_database_t *database = mongoc_client_get_database(client, name);
	bool ok = mongoc_database_write_command_with_opts(database, cmd, NULL, &reply, &error);
	bson_destroy(&reply);
	bson_destroy(cmd);
	ck_assert_msg(ok, "createIndexes: %s", error.message);
	bson_t *doc = BCON_NEW("k", BCON_INT32(1));
	ck_assert_msg(mongoc_collection_insert_one(coll, doc, NULL, NULL, &error), "%s", error.message);
	ok = mongoc_collection_insert_one(coll, doc, NULL, NULL, &error);
	ck_assert(!ok);
	ck_assert_int_eq(mq_db_error(&error, "insert"), MQ_ECONFLICT);
	bson_destroy(doc);
	ck_assert_msg(mongoc_database_drop(database, &error), "drop: %s", error.message);
	mongoc_database_destroy(database);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	mq_db_close(db);
	mq_buf_free(&err);
}
END_TEST

/* A bulk of more updates than FerretDB takes in one command (101 by _id hung it): sent
 * MQ_DB_BULK_UPDATES at a time, every one written; a statement the server refuses is counted
 * failed, and so is every other it does not confirm written. */
START_TEST(live_bulk_updates)
{
	char name[64];
	mq_db *db = test_db_open("bulk", name);
	if (!db)
		return;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "bulk");
	enum { N = 120 };
	for (int round = 0; round < 2; round++) { /* upserts, then updates of what they stored */
		mq_db_bulk bulk = MQ_DB_BULK(coll, "bulk test");
		for (int i = 0; i < N; i++) {
			bson_t *filter = BCON_NEW("_id", BCON_INT32(i));
			bson_t *update = BCON_NEW("$inc", "{", "n", BCON_INT32(1), "}");
			mq_db_bulk_update(&bulk, filter, update, 1);
			bson_destroy(update);
			bson_destroy(filter);
		}
		ck_assert_int_eq(mq_db_bulk_send(&bulk), MQ_OK);
		ck_assert_int_eq(bulk.failed, 0);
	}
	bson_error_t error;
	bson_t *all = BCON_NEW("n", BCON_INT32(2));
	ck_assert_int_eq(mongoc_collection_count_documents(coll, all, NULL, NULL, NULL, &error), N);
	bson_destroy(all);
	/* one refused ($inc of a string), one replaced, one updated: the refusal fails alone */
	bson_t *text = BCON_NEW("$set", "{", "n", BCON_UTF8("text"), "}"), *one = BCON_NEW("_id", BCON_INT32(1));
	ck_assert(mongoc_collection_update_one(coll, one, text, NULL, NULL, &error));
	mq_db_bulk bulk = MQ_DB_BULK(coll, "bulk test");
	bson_t *inc = BCON_NEW("$inc", "{", "n", BCON_INT32(1), "}"), *two = BCON_NEW("_id", BCON_INT32(2));
	bson_t *three = BCON_NEW("_id", BCON_INT32(3)), *doc = BCON_NEW("n", BCON_INT32(30));
	mq_db_bulk_update(&bulk, one, inc, 0);
	mq_db_bulk_update(&bulk, two, inc, 0);
	mq_db_bulk_replace(&bulk, three, doc, 0);
	ck_assert_int_ne(mq_db_bulk_send(&bulk), MQ_OK);
	/* each statement written or counted failed: MongoDB writes the other two, FerretDB v1 stops */
	bson_t got;
	bson_iter_t it;
	ck_assert_int_eq(mq_db_find_one(coll, two, NULL, &got, "bulk test"), MQ_OK);
	long written = bson_iter_init_find(&it, &got, "n") && bson_iter_as_int64(&it) == 3;
	bson_destroy(&got);
	ck_assert_int_eq(mq_db_find_one(coll, three, NULL, &got, "bulk test"), MQ_OK);
	written += bson_iter_init_find(&it, &got, "n") && bson_iter_as_int64(&it) == 30;
	bson_destroy(&got);
	ck_assert_int_ge(bulk.failed, 1);
	ck_assert_int_eq(bulk.failed + written, 3);
	bson_destroy(doc);
	bson_destroy(three);
	bson_destroy(two);
	bson_destroy(inc);
	bson_destroy(one);
	bson_destroy(text);
	/* a leased bulk holds no lease while its statements wait (the sync's wait for TMDB), and its
	 * command is sent under them: written, and every lease given back */
	mq_db_bulk leased = MQ_DB_BULK_LEASED(database, coll, "bulk", "bulk test");
	mongoc_collection_t *leases = mongoc_database_get_collection(database, "leases");
	bson_t none = BSON_INITIALIZER, *set = BCON_NEW("$set", "{", "leased", BCON_BOOL(true), "}");
	for (int i = 10; i < 13; i++) {
		bson_oid_t id; /* these documents have int _ids: the leases are keyed by any ObjectId */
		bson_oid_init(&id, NULL);
		bson_t *filter = BCON_NEW("_id", BCON_INT32(i));
		mq_db_bulk_update_leased(&leased, &id, filter, set);
		bson_destroy(filter);
	}
	ck_assert_int_eq(mongoc_collection_count_documents(leases, &none, NULL, NULL, NULL, &error), 0);
	ck_assert_int_eq(mq_db_bulk_send(&leased), MQ_OK);
	ck_assert_int_eq(leased.failed, 0);
	ck_assert_int_eq(mongoc_collection_count_documents(leases, &none, NULL, NULL, NULL, &error), 0);
	bson_t *marked = BCON_NEW("leased", BCON_BOOL(true));
	ck_assert_int_eq(mongoc_collection_count_documents(coll, marked, NULL, NULL, NULL, &error), 3);
	bson_destroy(marked);
	bson_destroy(set);
	bson_destroy(&none);
	mongoc_collection_destroy(leases);
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	test_db_drop(db, name);
}
END_TEST

/* Writers racing on one document through mq_db_update_leased: none loses another's update
 * (FerretDB v1 writes the whole document it read, so without leases the counted $inc lost some). */
enum { LEASE_RAISERS = 4, LEASE_WRITES = 25 };
static mq_db *lease_db;
static bson_oid_t lease_doc;

static void leased(const bson_t *update)
{
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(lease_db, &client);
	bson_t *filter = BCON_NEW("_id", BCON_OID(&lease_doc));
	bson_error_t error;
	ck_assert_msg(mq_db_update_leased(database, "doc", &lease_doc, filter, update, NULL, &error), "%s", error.message);
	bson_destroy(filter);
	mq_db_release(lease_db, client, database);
}

static void *lease_raiser(void *arg)
{
	long base = (long)(intptr_t)arg;
	for (long i = 0; i < LEASE_WRITES; i++) {
		bson_t *update = BCON_NEW("$max", "{", "v", BCON_INT64(base * 1000 + i), "}");
		leased(update);
		bson_destroy(update);
	}
	return NULL;
}

static void *lease_counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2 * LEASE_WRITES; i++) {
		bson_t *update = BCON_NEW("$inc", "{", "n", BCON_INT32(1), "}");
		leased(update);
		bson_destroy(update);
	}
	return NULL;
}

START_TEST(live_leased_updates_lose_nothing)
{
	char name[64];
	if (!(lease_db = test_db_open("lease", name)))
		return;
	bson_oid_init(&lease_doc, NULL);
	test_db_insert(lease_db, "doc", BCON_NEW("_id", BCON_OID(&lease_doc), "v", BCON_INT64(0), "n", BCON_INT32(0)));
	pthread_t t[LEASE_RAISERS + 1];
	for (long i = 0; i < LEASE_RAISERS; i++)
		pthread_create(&t[i], NULL, lease_raiser, (void *)(intptr_t)(i + 1));
	pthread_create(&t[LEASE_RAISERS], NULL, lease_counter, NULL);
	for (int i = 0; i <= LEASE_RAISERS; i++)
		pthread_join(t[i], NULL);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(lease_db, &client);
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "doc");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&lease_doc)), got;
	ck_assert_int_eq(mq_db_find_one(coll, filter, NULL, &got, "doc"), MQ_OK);
	bson_iter_t it;
	ck_assert(bson_iter_init_find(&it, &got, "n"));
	ck_assert_int_eq(bson_iter_as_int64(&it), 2 * LEASE_WRITES);
	ck_assert(bson_iter_init_find(&it, &got, "v"));
	ck_assert_int_eq(bson_iter_as_int64(&it), LEASE_RAISERS * 1000 + LEASE_WRITES - 1);
	bson_destroy(&got);
	/* no lease left behind; one a dead writer left is taken over once stale */
	mongoc_collection_t *leases = mongoc_database_get_collection(database, "leases");
	bson_t all = BSON_INITIALIZER;
	bson_error_t error;
	ck_assert_int_eq(mongoc_collection_count_documents(leases, &all, NULL, NULL, NULL, &error), 0);
	char key[64], hex[25];
	bson_oid_to_string(&lease_doc, hex);
	snprintf(key, sizeof key, "doc:%s", hex);
	bson_t *dead = BCON_NEW("_id", BCON_UTF8(key), "at",
				BCON_DATE_TIME((int64_t)time(NULL) * 1000 - MQ_DB_LEASE_STALE_MS - 1000));
	ck_assert(mongoc_collection_insert_one(leases, dead, NULL, NULL, &error));
	bson_t *update = BCON_NEW("$set", "{", "after", BCON_BOOL(true), "}");
	ck_assert(mq_db_update_leased(database, "doc", &lease_doc, filter, update, NULL, &error));
	ck_assert_int_eq(mongoc_collection_count_documents(leases, &all, NULL, NULL, NULL, &error), 0);
	bson_destroy(update);
	bson_destroy(dead);
	bson_destroy(&all);
	mongoc_collection_destroy(leases);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_release(lease_db, client, database);
	test_db_drop(lease_db, name);
}
END_TEST

Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *map = tcase_create("errors");
	TCase *pool = tcase_create("pool");
	TCase *live = tcase_create("live");

	tcase_add_loop_test(map, error_mapping, 0, (int)(sizeof error_cases / sizeof error_cases[0]));
	suite_add_tcase(s, map);

	tcase_add_test(pool, open_bad_uri);
	tcase_add_test(pool, ping_closed_port);
	tcase_add_test(pool, ping_frozen_server);
	tcase_add_test(pool, uri_options_win);
	tcase_set_timeout(pool, 20);
	suite_add_tcase(s, pool);

	tcase_add_test(live, ping_live);
	tcase_add_test(live, live_duplicate_key);
	tcase_add_test(live, live_bulk_updates);
	tcase_add_test(live, live_leased_updates_lose_nothing);
	tcase_set_timeout(live, 30);
	suite_add_tcase(s, live);
	return s;
}
