/* check_schema.c — unit tests for lib/store/schema.c: validating sql/schema.json and applying it twice. */
#include "suites.h"

#include "core/buf.h"
#include "store/db.h"
#include "store/schema.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define SCHEMA_PATH "sql/schema.json" /* tests run from the repository root */

/* The number of indexes sql/schema.json lists, counted independently of lib/store/schema.c. */
static int count_schema_indexes(int *n_collections)
{
	FILE *f = fopen(SCHEMA_PATH, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", SCHEMA_PATH);
	mq_buf b = MQ_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		mq_buf_append(&b, chunk, n);
	fclose(f);
	cJSON *root = cJSON_ParseWithLength(b.data, b.len);
	mq_buf_free(&b);
	ck_assert_ptr_nonnull(root);
	const cJSON *colls = cJSON_GetObjectItemCaseSensitive(root, "collections");
	ck_assert(cJSON_IsObject(colls));
	int total = 0;
	*n_collections = 0;
	for (const cJSON *c = colls->child; c; c = c->next) {
		total += cJSON_GetArraySize(c);
		(*n_collections)++;
	}
	cJSON_Delete(root);
	return total;
}

START_TEST(dry_run)
{
	int n_indexes = -1, n_created = -1, n_colls;
	mq_buf err = MQ_BUF_INIT;
	int want = count_schema_indexes(&n_colls);
	ck_assert_int_gt(want, 0);
	ck_assert_int_ge(n_colls, 5);
	ck_assert_int_eq(mq_schema_apply(NULL, SCHEMA_PATH, 1, &n_indexes, &n_created, &err), MQ_OK);
	ck_assert_msg(err.len == 0, "%s", mq_buf_cstr(&err));
	ck_assert_int_eq(n_indexes, want);
	ck_assert_int_eq(n_created, 0);
	mq_buf_free(&err);
}
END_TEST

/* Bad schema files: contents and a fragment of the expected message (NULL: the file is absent). */
static const struct {
	const char *text;
	const char *message;
} bad_files[] = {
	{ NULL, "No such file or directory" },
	{ "", "collections" },
	{ "{not json", "collections" },
	{ "{\"collections\": {\"users\": [{\"name\": \"a_1\", \"key\": {\"a\": 1}}]", "collections" },
	{ "[]", "collections" },
	{ "{\"indexes\": {}}", "collections" },
	{ "{\"collections\": []}", "collections" },
	{ "{\"collections\": {\"users\": {}}}", "users" },
	{ "{\"collections\": {\"users\": []}}", "users" },
	{ "{\"collections\": {\"users\": [{\"name\": \"a_1\", \"key\": {\"a\": 1}}], \"movies\": 3}}", "movies" },
	/* an index without a name, or without a key, or not an object at all */
	{ "{\"collections\": {\"users\": [{\"name\": \"a_1\", \"key\": {\"a\": 1}}, {\"key\": {\"b\": 1}}]}}", "users" },
	{ "{\"collections\": {\"users\": [{\"name\": 7, \"key\": {\"b\": 1}}]}}", "users" },
	{ "{\"collections\": {\"users\": [{\"name\": \"b_1\"}]}}", "users" },
	{ "{\"collections\": {\"users\": [\"b_1\"]}}", "users" },
};

/* Writes text to a fresh temporary file whose name goes to path (at least 32 bytes). */
static void temp_file(char *path, const char *text)
{
	strcpy(path, "/tmp/marquee-schema-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	close(fd);
	ck_assert_int_eq(n, (ssize_t)len);
}

START_TEST(bad_file_dry_run)
{
	int n_indexes, n_created;
	char path[64] = "/nonexistent/schema.json", msg[512];
	mq_buf err = MQ_BUF_INIT;
	if (bad_files[_i].text)
		temp_file(path, bad_files[_i].text);
	mq_err rc = mq_schema_apply(NULL, path, 1, &n_indexes, &n_created, &err);
	snprintf(msg, sizeof msg, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
	if (bad_files[_i].text)
		unlink(path);
	ck_assert_msg(rc == MQ_EINVAL, "%s: dry run gave %d (%s)", bad_files[_i].text ? bad_files[_i].text : path,
		      rc, msg);
	ck_assert_msg(strstr(msg, bad_files[_i].message), "message \"%s\" lacks \"%s\"", msg,
		      bad_files[_i].message);
	ck_assert_int_eq(n_created, 0);
}
END_TEST

/* A fresh database on the live server, or NULL after logging the skip. */
static mq_db *live_db(const char *test, char *name, size_t size)
{
	const char *uri = getenv("MONGODB_URI");
	if (!uri || !*uri) {
		fprintf(stderr, "schema:%s: skipped: MONGODB_URI unset\n", test);
		return NULL;
	}
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	snprintf(name, size, "marquee_unit_schema_%d", (int)getpid());
	mq_db *db = mq_db_open(uri, name, "marquee-unit", MQ_DB_TIMEOUTS_WORKER, &err);
	ck_assert_msg(db != NULL, "%s", mq_buf_cstr(&err));
	mq_buf_free(&err);
	return db;
}

static void drop_db(mq_db *db)
{
	bson_error_t error;
	mongoc_client_t *client = mq_db_pop(db);
	ck_assert_ptr_nonnull(client);
	mongoc_database_t *d = mongoc_client_get_database(client, mq_db_name(db));
	ck_assert_msg(mongoc_database_drop(d, &error), "drop: %s", error.message);
	mongoc_database_destroy(d);
	mq_db_push(db, client);
	mq_db_close(db);
}

/* Whether collection coll has an index called name (unique when unique is set). */
static int has_index(mq_db *db, const char *coll, const char *name, int unique)
{
	const bson_t *doc;
	bson_iter_t it;
	int found = 0;
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *c = mq_db_collection(db, client, coll);
	mongoc_cursor_t *cursor = mongoc_collection_find_indexes_with_opts(c, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		if (!bson_iter_init_find(&it, doc, "name") || strcmp(bson_iter_utf8(&it, NULL), name))
			continue;
		found = !unique || (bson_iter_init_find(&it, doc, "unique") && bson_iter_as_bool(&it));
	}
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(c);
	mq_db_push(db, client);
	return found;
}

START_TEST(apply_twice)
{
	char name[64];
	mq_db *db = live_db("apply_twice", name, sizeof name);
	if (!db)
		return;
	int n_colls, want = count_schema_indexes(&n_colls);
	int n_indexes = -1, n_created = -1;
	mq_buf err = MQ_BUF_INIT;

	mq_err rc = mq_schema_apply(db, SCHEMA_PATH, 0, &n_indexes, &n_created, &err);
	ck_assert_msg(rc == MQ_OK, "first apply: %d %s", rc, mq_buf_cstr(&err));
	ck_assert_int_eq(n_indexes, want);
	ck_assert_int_eq(n_created, want);
	ck_assert(has_index(db, "users", "email_1", 1));
	ck_assert(has_index(db, "movies", "tmdb_id_1", 1));
	ck_assert(has_index(db, "movies", "popularity_-1", 0));

	rc = mq_schema_apply(db, SCHEMA_PATH, 0, &n_indexes, &n_created, &err);
	ck_assert_msg(rc == MQ_OK, "second apply: %d %s", rc, mq_buf_cstr(&err));
	ck_assert_int_eq(n_indexes, want);
	ck_assert_int_eq(n_created, 0);

	/* a dry run never touches the database */
	rc = mq_schema_apply(db, SCHEMA_PATH, 1, &n_indexes, &n_created, &err);
	ck_assert_int_eq(rc, MQ_OK);
	ck_assert_int_eq(n_created, 0);

	mq_buf_free(&err);
	drop_db(db);
}
END_TEST

START_TEST(apply_nameless_index)
{
	char name[64];
	mq_db *db = live_db("apply_nameless_index", name, sizeof name);
	if (!db)
		return;
	int n_indexes, n_created;
	mq_buf err = MQ_BUF_INIT;
	char path[64];
	temp_file(path, "{\"collections\": {\"things\": [{\"key\": {\"b\": 1}}]}}");
	mq_err rc = mq_schema_apply(db, path, 0, &n_indexes, &n_created, &err);
	unlink(path);
	ck_assert_msg(rc == MQ_EINVAL, "apply gave %d (%s)", rc, mq_buf_cstr(&err));
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&err), "things"));
	ck_assert_int_eq(n_created, 0);
	mq_buf_free(&err);
	drop_db(db);
}
END_TEST

START_TEST(apply_unreachable)
{
	/* not a dry run, no server: an error, not a hang */
	int n_indexes, n_created;
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *db = mq_db_open("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300", "marquee_unit",
			       "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_ptr_nonnull(db);
	mq_err rc = mq_schema_apply(db, SCHEMA_PATH, 0, &n_indexes, &n_created, &err);
	ck_assert_msg(rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT, "apply gave %d (%s)", rc, mq_buf_cstr(&err));
	ck_assert_int_gt(err.len, 0);
	ck_assert_int_eq(n_created, 0);
	mq_db_close(db);
	mq_buf_free(&err);
}
END_TEST

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *file = tcase_create("file");
	TCase *live = tcase_create("live");

	tcase_add_test(file, dry_run);
	tcase_add_loop_test(file, bad_file_dry_run, 0, (int)(sizeof bad_files / sizeof bad_files[0]));
	tcase_add_test(file, apply_unreachable);
	tcase_set_timeout(file, 20);
	suite_add_tcase(s, file);

	tcase_add_test(live, apply_twice);
	tcase_add_test(live, apply_nameless_index);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	return s;
}
