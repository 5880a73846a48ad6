/* check_session.c — unit tests for lib/domain/session.c against the database MONGODB_URI names (make
 * check's FerretDB; skipped without one): session versions and logout, refresh rotation decided
 * by the database under threads racing in one process, reuse revoking the family, the purge,
 * and the pre-session CSRF helpers. */
#include "suites.h"

#include "core/arena.h"
#include "core/buf.h"
#include "domain/session.h"
#include "store/db.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static mq_db *db;
static char db_name[64];
static char user_id[25];

/* A database of this test's own with one user in it; returns 0 (skipped) without a server. */
static int open_db(void)
{
	if (!(db = test_db_open("session", db_name)))
		return 0;
	bson_oid_t oid;
	test_new_id(user_id, &oid);
	test_db_insert(db, "users", BCON_NEW("_id", BCON_OID(&oid), "role", BCON_UTF8("user"), "token_version", BCON_INT64(0)));
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

static char *login(long long *version)
{
	char *token = NULL;
	long long expires;
	ck_assert_int_eq(mq_session_version(db, user_id, 0, version), MQ_OK);
	ck_assert_int_eq(mq_refresh_issue(db, user_id, *version, NULL, &token, &expires), MQ_OK);
	ck_assert(expires > (long long)time(NULL));
	return token;
}

START_TEST(logout_moves_the_version)
{
	if (!open_db())
		return;
	long long v, v2, next;
	char *token = login(&v);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(mq_session_live(db, user_id, v, NULL, NULL), MQ_OK);

	/* logout: the session and its refresh family are dead; twice is fine */
	ck_assert_int_eq(mq_session_revoke_all(db, user_id, v), MQ_OK);
	ck_assert_int_eq(mq_session_revoke_all(db, user_id, v), MQ_OK);
	ck_assert_int_eq(mq_session_live(db, user_id, v, NULL, NULL), MQ_EUNAUTH);
	char owner[25], *out = NULL;
	long long expires;
	ck_assert_int_eq(mq_refresh_rotate(db, token, &out, &expires, owner, &next), MQ_EUNAUTH);
	ck_assert_ptr_null(out);

	/* the next login starts past it, even from a hint that is behind (a lost write) */
	ck_assert_int_eq(mq_session_version(db, user_id, 0, &v2), MQ_OK);
	ck_assert_int_eq(v2, 1);
	ck_assert_int_eq(mq_session_live(db, user_id, v2, NULL, NULL), MQ_OK);
	/* unknown users and bad ids are no session */
	ck_assert_int_eq(mq_session_live(db, "5f0c0ffee0c0ffee0c0ffee0", 0, NULL, NULL), MQ_EUNAUTH);
	ck_assert_int_eq(mq_session_live(db, "nope", 0, NULL, NULL), MQ_EUNAUTH);
	free(token);
	close_db();
}
END_TEST

START_TEST(rotation_then_reuse)
{
	if (!open_db())
		return;
	long long v, tv, expires;
	char owner[25], *first = login(&v), *second = NULL, *third = NULL;
	ck_assert_int_eq(mq_refresh_rotate(db, first, &second, &expires, owner, &tv), MQ_OK);
	ck_assert_str_eq(owner, user_id);
	ck_assert_int_eq(tv, v);
	ck_assert_int_eq(mq_refresh_owner(db, second, owner, &tv), MQ_OK);
	/* the first again: reuse, and the whole family goes */
	ck_assert_int_eq(mq_refresh_rotate(db, first, &third, &expires, owner, &tv), MQ_EUNAUTH);
	ck_assert_int_eq(mq_refresh_rotate(db, second, &third, &expires, owner, &tv), MQ_EUNAUTH);
	ck_assert_int_eq(mq_refresh_owner(db, second, owner, &tv), MQ_EUNAUTH);
	/* another family of the same user lives on */
	char *other = login(&v);
	ck_assert_int_eq(mq_refresh_owner(db, other, owner, &tv), MQ_OK);
	ck_assert_int_eq(mq_refresh_rotate(db, "short", &third, &expires, owner, &tv), MQ_EUNAUTH);
	free(first);
	free(second);
	free(other);
	close_db();
}
END_TEST

#define RACERS 8

struct racer {
	const char *token;
	mq_err rc;
	char *next;
};

static void race(void *arg)
{
	struct racer *r = arg;
	char owner[25];
	long long expires, tv;
	r->rc = mq_refresh_rotate(db, r->token, &r->next, &expires, owner, &tv);
}

/* Threads of one process, each with its own pooled connection: the database decides alone. */
START_TEST(simultaneous_rotations_one_wins)
{
	if (!open_db())
		return;
	for (int round = 0; round < 5; round++) {
		long long v;
		char *token = login(&v);
		struct racer racers[RACERS];
		for (int i = 0; i < RACERS; i++)
			racers[i] = (struct racer){ .token = token };
		test_at_once(racers, RACERS, sizeof racers[0], race);
		int won = 0;
		const char *child = NULL;
		for (int i = 0; i < RACERS; i++) {
			ck_assert_msg(racers[i].rc == MQ_OK || racers[i].rc == MQ_EUNAUTH, "rc %d", (int)racers[i].rc);
			if (racers[i].rc == MQ_OK) {
				won++;
				child = racers[i].next;
			}
		}
		ck_assert_int_eq(won, 1);
		char owner[25];
		long long tv;
		ck_assert_int_eq(mq_refresh_owner(db, child, owner, &tv), MQ_EUNAUTH); /* family revoked */
		for (int i = 0; i < RACERS; i++)
			free(racers[i].next);
		free(token);
	}
	close_db();
}
END_TEST

START_TEST(purge_leaves_what_lives)
{
	if (!open_db())
		return;
	long long v, removed = -1;
	char *token = login(&v);
	ck_assert_int_eq(mq_session_revoke_all(db, user_id, v), MQ_OK);
	/* an expired refresh token, as the database would hold one after thirty days */
	test_db_insert(db, "refresh_tokens", BCON_NEW("_id", BCON_UTF8("expired"), "hash", BCON_UTF8("expired"),
						      "expires_at", BCON_DATE_TIME(((int64_t)time(NULL) - 60) * 1000)));

	ck_assert_int_eq(mq_session_purge(db, &removed), MQ_OK);
	ck_assert_int_eq(removed, 1);
	/* the logout is kept while a token it revokes can live */
	ck_assert_int_eq(mq_session_live(db, user_id, v, NULL, NULL), MQ_EUNAUTH);
	free(token);
	close_db();
}
END_TEST

START_TEST(presession_ids)
{
	mq_arena *arena = mq_arena_new();
	mq_req req;
	static const char *const bad[] = { "short", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mq_req_init(&req, arena, "GET", "/login");
		mq_req_add_param(&req, "HTTP_COOKIE", mq_arena_printf(arena, "%s=%s", MQ_PRESESSION_COOKIE, bad[i]));
		mq_req_parse_params(&req);
		ck_assert_msg(mq_presession_id(&req) == NULL, "%s", bad[i]);
	}
	mq_req_init(&req, arena, "GET", "/login");
	mq_req_add_param(&req, "HTTP_COOKIE", MQ_PRESESSION_COOKIE "=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234");
	mq_req_parse_params(&req);
	ck_assert_str_eq(mq_presession_id(&req), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234");
	/* a pre-session's token is not the session's of the same id */
	char a[44], b[44];
	mq_csrf_token("s3cret-s3cret-s3cret-s3cret-s3cret", "pre:x", a);
	mq_csrf_token("s3cret-s3cret-s3cret-s3cret-s3cret", "x", b);
	ck_assert_str_ne(a, b);
	mq_arena_free(arena);
}
END_TEST

Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *live = tcase_create("live");
	tcase_add_test(live, logout_moves_the_version);
	tcase_add_test(live, rotation_then_reuse);
	tcase_add_test(live, simultaneous_rotations_one_wins);
	tcase_add_test(live, purge_leaves_what_lives);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	TCase *local = tcase_create("local");
	tcase_add_test(local, presession_ids);
	suite_add_tcase(s, local);
	return s;
}
