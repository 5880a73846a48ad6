/* check_admin.c — unit tests for lib/domain/admin*.c: the curator's fields checked in one place,
 * and against the database MONGODB_URI names (make check's and make unit's FerretDB; skipped
 * without one) movies read, created, edited with locks, hidden and restored, each change
 * audited; notifications seen per admin; the sync's lease refusing a second run; roles; and a
 * database that does not answer reported as such, never as "nothing found". */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "domain/admin.h"
#include "domain/admin_movie.h"
#include "domain/admin_tmdb.h"
#include "store/db.h"
#include "web/http.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mq_db *db;
static char db_name[64];
static char admin_id[25];
static mq_admin_actor who;

/* A database of this test's own, with the schema's indexes (the unique tmdb_id); returns 0
 * (skipped) without a server. */
static int open_db(void)
{
	if (!(db = test_db_open("admin", db_name)))
		return 0;
	test_db_schema(db);
	test_new_id(admin_id, NULL);
	who = (mq_admin_actor){ admin_id, "req-1" };
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

/* The fields of text, parsed; caller deletes. */
static cJSON *json(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "bad test JSON: %s", text);
	return j;
}

/* How many problems mq_admin_movie_check finds in text. */
static size_t problems(const char *text, int create)
{
	mq_arena *arena = mq_arena_new();
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	cJSON *fields = json(text);
	int rc = mq_admin_movie_check(&req, fields, create);
	size_t n = req.errors.n;
	ck_assert_int_eq(rc, n ? -1 : 0);
	cJSON_Delete(fields);
	mq_arena_free(arena);
	return n;
}

START_TEST(check_fields)
{
	ck_assert_uint_eq(problems("{\"title\":\"Heat\",\"runtime\":170,\"genres\":[{\"id\":80,\"name\":\"Crime\"}]}", 1), 0);
	ck_assert_uint_eq(problems("{\"runtime\":170}", 1), 1);                 /* no title */
	ck_assert_uint_eq(problems("{\"runtime\":170}", 0), 0);                 /* an edit may leave it */
	ck_assert_uint_eq(problems("{\"title\":null}", 0), 1);                  /* but not clear it */
	ck_assert_uint_eq(problems("{\"runtime\":null,\"imdb_id\":null}", 0), 0);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"tmdb_id\":550}", 1), 0);
	ck_assert_uint_eq(problems("{\"tmdb_id\":550}", 0), 1);                 /* not on an edit */
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"role\":\"admin\"}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"runtime\":\"long\"}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"runtime\":1001}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"genres\":[18]}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"genres\":[{\"id\":\"18\",\"name\":\"Drama\"}]}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"titles\":{\"de\":\"y\"}}", 1), 1);
	ck_assert_uint_eq(problems("{\"title\":\"x\",\"keywords\":[\"\"]}", 1), 1);
	ck_assert_uint_eq(problems("{\"role\":1,\"lock\":true}", 0), 2);        /* every problem */
	/* lengths are characters: 300 Persian letters are a title, 301 are not */
	mq_buf b = MQ_BUF_INIT;
	mq_buf_printf(&b, "{\"title\":\"");
	for (int i = 0; i < 300; i++)
		mq_buf_printf(&b, "\xd8\xa8");
	mq_buf_printf(&b, "\"}");
	ck_assert_uint_eq(problems(mq_buf_cstr(&b), 1), 0);
	b.len -= 2;
	mq_buf_printf(&b, "\xd8\xa8\"}");
	ck_assert_uint_eq(problems(mq_buf_cstr(&b), 1), 1);
	mq_buf_free(&b);
	/* the form's long director lists */
	mq_buf_printf(&b, "{\"title\":\"x\",\"directors\":[");
	for (int i = 0; i < 400; i++)
		mq_buf_printf(&b, "%s{\"name\":\"D %d\"}", i ? "," : "", i);
	mq_buf_printf(&b, "]}");
	ck_assert_uint_eq(problems(mq_buf_cstr(&b), 1), 0);
	mq_buf_free(&b);
}
END_TEST

START_TEST(check_locks)
{
	mq_arena *arena = mq_arena_new();
	mq_req req;
	mq_req_init(&req, arena, NULL, NULL);
	cJSON *good = json("[\"runtime\",\"overviews\"]"), *bad = json("[\"runtime\",\"password\"]"), *odd = json("[1]");
	ck_assert_int_eq(mq_admin_movie_check_locks(&req, NULL, "unlock"), 0);
	ck_assert_int_eq(mq_admin_movie_check_locks(&req, good, "unlock"), 0);
	ck_assert_int_eq(req.errors.n, 0);
	ck_assert_int_eq(mq_admin_movie_check_locks(&req, bad, "unlock"), -1);
	ck_assert_int_eq(mq_admin_movie_check_locks(&req, odd, "lock"), -1);
	ck_assert_int_eq(req.errors.n, 2);
	ck_assert_str_eq(req.errors.items[0], "unlock: not a lockable field");
	cJSON_Delete(good);
	cJSON_Delete(bad);
	cJSON_Delete(odd);
	mq_arena_free(arena);
}
END_TEST

/* The actions of the audit log about target, newest first, joined by ",". */
static void actions(const char *target, char *out, size_t size)
{
	cJSON *items = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_admin_audit_list(db, target, NULL, NULL, 1, 20, &items, &total), MQ_OK);
	out[0] = '\0';
	const cJSON *e;
	cJSON_ArrayForEach(e, items) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", len ? "," : "",
			 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "action")));
		ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "actor")), admin_id);
	}
	cJSON_Delete(items);
}

static int has(const cJSON *list, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, list)
		if (cJSON_IsString(e) && !strcmp(e->valuestring, name))
			return 1;
	return 0;
}

static const char *id_of(const cJSON *movie)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
}

START_TEST(movies_by_hand)
{
	if (!open_db())
		return;
	cJSON *fields = json("{\"title\":\"Garden Story\",\"overview\":\"A garden.\",\"release_date\":\"2018-06-01\"}");
	cJSON *movie = NULL, *got = NULL, *twin = NULL;
	ck_assert_int_eq(mq_admin_movie_create(db, &who, fields, &movie), MQ_OK);
	char id[25];
	snprintf(id, sizeof id, "%s", id_of(movie));
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "source")), "manual");
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(movie, "year")), 2018);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id")); /* the placeholder stays inside */
	ck_assert_int_eq(mq_admin_movie_create(db, &who, fields, &twin), MQ_OK); /* two may share a title */
	ck_assert_str_ne(id_of(twin), id);
	ck_assert_int_eq(mq_admin_movie_get(db, id, &got), MQ_OK);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(got, "title")), "Garden Story");
	cJSON_Delete(got);

	/* an edit of a manual movie locks nothing: there is no sync to resist */
	cJSON *set = json("{\"runtime\":77}"), *lock = json("[\"title\"]");
	const mq_admin_movie_change change = { .fields = set, .lock_set = 1, .lock = lock };
	ck_assert_int_eq(mq_admin_movie_edit(db, &who, id, &change, &got), MQ_OK);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(got, "runtime")), 77);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(got, "locked_fields")), 0);
	cJSON_Delete(got);

	ck_assert_int_eq(mq_admin_movie_hide(db, &who, id, 1, &got), MQ_OK);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(got, "hidden")));
	cJSON_Delete(got);
	ck_assert_int_eq(mq_admin_movie_get(db, id, &got), MQ_OK); /* the admin still reads it */
	cJSON_Delete(got);
	ck_assert_int_eq(mq_admin_movie_hide(db, &who, id, 0, &got), MQ_OK);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(got, "hidden"));
	cJSON_Delete(got);

	/* nothing to sync from, and no images at TMDB */
	cJSON *changed = NULL, *images = NULL;
	const mq_env env = { db, NULL, NULL };
	ck_assert_int_eq(mq_admin_movie_sync(&env, &who, id, &got, &changed), MQ_EUNPROCESSABLE);
	ck_assert_ptr_null(got);
	ck_assert_ptr_null(changed);
	ck_assert_int_eq(mq_admin_tmdb_images(&env, id, &images), MQ_EUNPROCESSABLE);
	ck_assert_ptr_null(images);

	char log[200];
	actions(id, log, sizeof log);
	ck_assert_str_eq(log, "movie.restore,movie.hide,movie.edit,movie.create");

	/* no such movie, or no movie id at all */
	ck_assert_int_eq(mq_admin_movie_get(db, "ffffffffffffffffffffffff", &got), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_admin_movie_get(db, "nope", &got), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_admin_movie_edit(db, &who, "nope", &change, &got), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_admin_movie_hide(db, &who, "ffffffffffffffffffffffff", 1, &got), MQ_ENOTFOUND);
	ck_assert_ptr_null(got);
	cJSON_Delete(set);
	cJSON_Delete(lock);
	cJSON_Delete(fields);
	cJSON_Delete(movie);
	cJSON_Delete(twin);
	close_db();
}
END_TEST

START_TEST(tmdb_movies_and_locks)
{
	if (!open_db())
		return;
	cJSON *fields = json("{\"tmdb_id\":550,\"title\":\"Fight Club\",\"year\":1999,\"runtime\":139,"
			     "\"poster_url\":\"https://image.example/p.jpg\"}");
	cJSON *movie = NULL, *again = NULL, *got = NULL;
	ck_assert_int_eq(mq_admin_movie_create(db, &who, fields, &movie), MQ_OK);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(movie, "poster_url")); /* computed URLs are not stored */
	char id[25];
	snprintf(id, sizeof id, "%s", id_of(movie));
	/* the same TMDB movie again: a conflict that names the one there is */
	ck_assert_int_eq(mq_admin_movie_create(db, &who, fields, &again), MQ_ECONFLICT);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(id_of(again), id);
	cJSON_Delete(again);
	ck_assert_int_eq(mq_admin_movie_by_tmdb(db, 550, &got), MQ_OK);
	ck_assert_str_eq(id_of(got), id);
	cJSON_Delete(got);
	ck_assert_int_eq(mq_admin_movie_by_tmdb(db, 551, &got), MQ_ENOTFOUND);

	/* the fields set are locked; lock and unlock name others */
	cJSON *set = json("{\"runtime\":146,\"overview\":\"Soap.\"}"), *lock = json("[\"poster_path\"]");
	mq_admin_movie_change change = { .fields = set, .lock_set = 1, .lock = lock };
	ck_assert_int_eq(mq_admin_movie_edit(db, &who, id, &change, &got), MQ_OK);
	const cJSON *locks = cJSON_GetObjectItemCaseSensitive(got, "locked_fields");
	ck_assert(has(locks, "runtime") && has(locks, "overviews") && has(locks, "poster_path"));
	ck_assert_int_eq(cJSON_GetArraySize(locks), 3);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(got, "overviews"), "en")), "Soap.");
	cJSON_Delete(got);
	cJSON *none = json("{}"), *unlock = json("[\"runtime\"]");
	change = (mq_admin_movie_change){ .fields = none, .unlock = unlock };
	ck_assert_int_eq(mq_admin_movie_edit(db, &who, id, &change, &got), MQ_OK);
	locks = cJSON_GetObjectItemCaseSensitive(got, "locked_fields");
	ck_assert(!has(locks, "runtime") && has(locks, "overviews"));
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(got, "runtime")), 146);
	cJSON_Delete(got);
	/* a name that is not a lockable field changes nothing */
	cJSON *bad = json("[\"slug\"]");
	change = (mq_admin_movie_change){ .fields = set, .lock = bad };
	ck_assert_int_eq(mq_admin_movie_edit(db, &who, id, &change, &got), MQ_EINVAL);
	ck_assert_ptr_null(got);

	char log[200];
	actions(id, log, sizeof log);
	ck_assert_str_eq(log, "movie.unlock,movie.edit,movie.create");
	cJSON_Delete(bad);
	cJSON_Delete(none);
	cJSON_Delete(unlock);
	cJSON_Delete(set);
	cJSON_Delete(lock);
	cJSON_Delete(fields);
	cJSON_Delete(movie);
	close_db();
}
END_TEST

START_TEST(notifications_per_admin)
{
	if (!open_db())
		return;
	char other[25], note[25];
	test_new_id(other, NULL);
	bson_oid_t id;
	for (int i = 0; i < 3; i++) {
		bson_oid_init(&id, NULL);
		if (i == 0)
			bson_oid_to_string(&id, note);
		test_db_insert(db, "notifications", BCON_NEW("_id", BCON_OID(&id), "kind", BCON_UTF8("tmdb_change"),
							     "at", BCON_DATE_TIME(1000 + i)));
	}
	long long unseen = -1, total = 0;
	cJSON *items = NULL;
	ck_assert_int_eq(mq_admin_notifications_unseen(db, admin_id, &unseen), MQ_OK);
	ck_assert_int_eq(unseen, 3);
	ck_assert_int_eq(mq_admin_notifications_seen(db, admin_id, note), MQ_OK);
	ck_assert_int_eq(mq_admin_notifications_list(db, admin_id, 1, 1, 10, &items, &total, &unseen), MQ_OK);
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(unseen, 2);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(items->child, "seen")));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(items->child, "seen_by")); /* who else: not told */
	cJSON_Delete(items);
	ck_assert_int_eq(mq_admin_notifications_unseen(db, other, &unseen), MQ_OK);
	ck_assert_int_eq(unseen, 3); /* per admin */
	ck_assert_int_eq(mq_admin_notifications_seen(db, admin_id, NULL), MQ_OK);
	ck_assert_int_eq(mq_admin_notifications_unseen(db, admin_id, &unseen), MQ_OK);
	ck_assert_int_eq(unseen, 0);
	ck_assert_int_eq(mq_admin_notifications_seen(db, admin_id, "ffffffffffffffffffffffff"), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_admin_notifications_seen(db, admin_id, "nope"), MQ_ENOTFOUND);
	close_db();
}
END_TEST

START_TEST(sync_runs_and_the_lease)
{
	if (!open_db())
		return;
	test_db_insert(db, "synclogs", BCON_NEW("kind", BCON_UTF8("genres"), "status", BCON_UTF8("success"),
						"started_at", BCON_DATE_TIME(1000)));
	cJSON *items = NULL, *lease = NULL, *run = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_admin_sync_runs(db, 1, 10, &items, &total, &lease), MQ_OK);
	ck_assert_int_eq(total, 1);
	ck_assert_ptr_null(lease);
	cJSON_Delete(items);
	test_db_insert(db, "sync_lease", BCON_NEW("kind", BCON_UTF8("popular"), "pid", BCON_INT32(42),
						  "host", BCON_UTF8("box")));
	ck_assert_int_eq(mq_admin_sync_runs(db, 1, 10, &items, &total, &lease), MQ_OK);
	ck_assert_ptr_nonnull(lease);
	char holder[80];
	mq_admin_sync_holder(lease, holder, sizeof holder);
	ck_assert_str_eq(holder, "popular pid 42 on box");
	cJSON_Delete(items);
	cJSON_Delete(lease);
	/* while a run holds the lease, nothing is started (nor audited) */
	mq_config cfg;
	memset(&cfg, 0, sizeof cfg);
	const mq_env env = { db, NULL, &cfg };
	ck_assert_int_eq(mq_admin_sync_start(&env, &who, "changes", &run), MQ_ECONFLICT);
	ck_assert_ptr_null(run);
	char log[80];
	actions("changes", log, sizeof log);
	ck_assert_str_eq(log, "");
	close_db();
}
END_TEST

START_TEST(roles)
{
	if (!open_db())
		return;
	bson_oid_t oid;
	char member[25];
	test_new_id(member, &oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&oid), "email", BCON_UTF8("m@example.com"),
					     "username", BCON_UTF8("member"), "role", BCON_UTF8("user")));
	cJSON *user = NULL, *items = NULL;
	long long total = 0;
	ck_assert_int_eq(mq_admin_users(db, "memb", 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	cJSON_Delete(items);
	ck_assert_int_eq(mq_admin_user_role(db, &who, admin_id, "user", &user), MQ_EUNPROCESSABLE); /* oneself */
	ck_assert_int_eq(mq_admin_user_role(db, &who, "ffffffffffffffffffffffff", "admin", &user), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_admin_user_role(db, &who, "nope", "admin", &user), MQ_ENOTFOUND);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_admin_user_role(db, &who, member, "admin", &user), MQ_OK);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "role")), "admin");
	cJSON_Delete(user);
	ck_assert_int_eq(mq_admin_user_role(db, &who, member, "admin", &user), MQ_OK); /* no change: no entry */
	cJSON_Delete(user);
	char log[80];
	actions(member, log, sizeof log);
	ck_assert_str_eq(log, "user.role");
	close_db();
}
END_TEST

/* The audit log read by people: who (the admin's name), and which movie or member by title or
 * name, for a whole page at once. */
START_TEST(audit_names)
{
	if (!open_db())
		return;
	bson_oid_t admin_oid, member_oid;
	char member[25];
	bson_oid_init_from_string(&admin_oid, admin_id);
	test_new_id(member, &member_oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&admin_oid), "email", BCON_UTF8("a@example.com"),
					     "name", BCON_UTF8("Ada Admin"), "role", BCON_UTF8("admin")));
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&member_oid), "email", BCON_UTF8("m@example.com"),
					     "username", BCON_UTF8("member"), "role", BCON_UTF8("user")));
	cJSON *fields = json("{\"title\":\"Garden Story\"}"), *movie = NULL, *user = NULL, *items = NULL;
	ck_assert_int_eq(mq_admin_movie_create(db, &who, fields, &movie), MQ_OK);
	ck_assert_int_eq(mq_admin_user_role(db, &who, member, "admin", &user), MQ_OK);
	ck_assert_int_eq(mq_admin_audit(db, "ffffffffffffffffffffffff", "movie.hide", "movie", "ffffffffffffffffffffffff",
					NULL, NULL, NULL), MQ_OK); /* a movie and an admin since gone */
	long long total = 0;
	ck_assert_int_eq(mq_admin_audit_list(db, NULL, NULL, NULL, 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 3);
	ck_assert_int_eq(mq_admin_audit_names(db, items), MQ_OK);
	const cJSON *gone = cJSON_GetArrayItem(items, 0), *role = cJSON_GetArrayItem(items, 1),
		    *created = cJSON_GetArrayItem(items, 2);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(gone, "actor_name"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(gone, "target_title"));
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(role, "actor_name")), "Ada Admin");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(role, "target_name")), "member");
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(created, "target_title")), "Garden Story");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(created, "target_name"));
	cJSON_Delete(items);
	cJSON_Delete(user);
	cJSON_Delete(movie);
	cJSON_Delete(fields);
	close_db();
}
END_TEST

/* A database that does not answer is a 503 of its own, never "no such movie". */
START_TEST(database_down_is_not_nothing)
{
	mq_db *down = test_db_dead();
	cJSON *movie = NULL, *items = NULL;
	long long total = 0, unseen = 0;
	mq_err rc = mq_admin_movie_get(down, "ffffffffffffffffffffffff", &movie);
	ck_assert_msg(test_unavailable(rc), "get: %d", rc);
	rc = mq_admin_movie_by_tmdb(down, 550, &movie);
	ck_assert_msg(test_unavailable(rc), "by tmdb: %d", rc);
	rc = mq_admin_notifications_seen(down, "ffffffffffffffffffffffff", "ffffffffffffffffffffffff");
	ck_assert_msg(test_unavailable(rc), "seen: %d", rc);
	rc = mq_admin_notifications_list(down, "ffffffffffffffffffffffff", 0, 1, 10, &items, &total, &unseen);
	ck_assert_msg(test_unavailable(rc), "notifications: %d", rc);
	ck_assert_ptr_null(items);
	ck_assert_ptr_null(movie);
	mq_db_close(down);
}
END_TEST

Suite *admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, check_fields);
	tcase_add_test(tc, check_locks);
	tcase_add_test(tc, movies_by_hand);
	tcase_add_test(tc, tmdb_movies_and_locks);
	tcase_add_test(tc, notifications_per_admin);
	tcase_add_test(tc, sync_runs_and_the_lease);
	tcase_add_test(tc, roles);
	tcase_add_test(tc, audit_names);
	tcase_add_test(tc, database_down_is_not_nothing);
	suite_add_tcase(s, tc);
	return s;
}
