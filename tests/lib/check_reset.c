/* check_reset.c — unit tests for lib/domain/reset.c against the database MONGODB_URI names
 * (skipped without one): a link for a known address only, stored as its hash; at most one a
 * minute; a bad password leaves the token usable; a used, wrong or expired token refused (the
 * clock is moved in the database); every session ended and the other links gone after a use;
 * and of simultaneous uses from threads exactly one succeeds. */
#include "suites.h"

#include "core/config.h"
#include "domain/account.h"
#include "domain/reset.h"
#include "domain/session.h"
#include "store/db.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RACERS 8
#define PASSWORD "correct horse battery"

static mq_db *db;
static char db_name[64];
static mq_config cfg;

static int open_db(const char *email, char id[25])
{
	memset(&cfg, 0, sizeof cfg);
	cfg.bcrypt_cost = 4;
	if (!(db = test_db_open("reset", db_name)))
		return 0;
	test_db_schema(db);
	mq_new_user in = { .email = email, .password = PASSWORD, .name = "Reset Test" };
	cJSON *user = NULL;
	ck_assert_int_eq(mq_account_register(db, &cfg, &in, &user), MQ_OK);
	snprintf(id, 25, "%s", test_str(user, "id"));
	cJSON_Delete(user);
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

/* Moves every reset token of the user back in time by seconds (created_at and expires_at). */
static void age_tokens(const char *user_id, long long seconds)
{
	bson_oid_t uid;
	bson_error_t error;
	bson_oid_init_from_string(&uid, user_id);
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "password_resets");
	bson_t *filter = BCON_NEW("user_id", BCON_OID(&uid));
	/* dates cannot be $inc'd: read each, write it back earlier */
	const bson_t *doc;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		int64_t created = 0, expires = 0;
		if (bson_iter_init_find(&it, doc, "created_at"))
			created = bson_iter_date_time(&it);
		if (bson_iter_init_find(&it, doc, "expires_at"))
			expires = bson_iter_date_time(&it);
		bson_iter_init_find(&it, doc, "_id");
		bson_t *one = BCON_NEW("_id", BCON_UTF8(bson_iter_utf8(&it, NULL)));
		bson_t *set = BCON_NEW("$set", "{", "created_at", BCON_DATE_TIME(created - seconds * 1000),
				       "expires_at", BCON_DATE_TIME(expires - seconds * 1000), "}");
		ck_assert_msg(mongoc_collection_update_one(coll, one, set, NULL, NULL, &error), "%s", error.message);
		bson_destroy(set);
		bson_destroy(one);
	}
	ck_assert(!mongoc_cursor_error(cursor, &error));
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
}

/* A fresh token for the user of email (older ones aged past the interval first). */
static char *token_for(const char *email, const char *user_id)
{
	char *token = NULL;
	cJSON *user = NULL;
	age_tokens(user_id, MQ_RESET_INTERVAL + 1);
	ck_assert_int_eq(mq_reset_start(db, email, &token, &user), MQ_OK);
	ck_assert_str_eq(test_str(user, "id"), user_id);
	cJSON_Delete(user);
	return token;
}

START_TEST(links_for_known_addresses_stored_as_hashes)
{
	char id[25];
	if (!open_db("rae@example.com", id))
		return;
	char *token = NULL;
	cJSON *user = NULL;
	ck_assert_int_eq(mq_reset_start(db, "nobody@example.com", &token, &user), MQ_ENOTFOUND);
	ck_assert_ptr_null(token);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_reset_start(db, "rae@example.com", &token, &user), MQ_OK);
	ck_assert_int_eq(strlen(token), 43);
	cJSON_Delete(user);
	user = NULL;
	char *again = NULL;
	ck_assert_int_eq(mq_reset_start(db, "rae@example.com", &again, &user), MQ_ERATELIMIT);
	ck_assert_ptr_null(again);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_reset_check(db, token), MQ_OK);

	/* only the hash is stored */
	char hash[65];
	bson_error_t error;
	mq_token_hash(token, hash);
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, "password_resets");
	bson_t *by_value = BCON_NEW("_id", BCON_UTF8(token)), *by_hash = BCON_NEW("_id", BCON_UTF8(hash));
	ck_assert_int_eq(mongoc_collection_count_documents(coll, by_value, NULL, NULL, NULL, &error), 0);
	ck_assert_int_eq(mongoc_collection_count_documents(coll, by_hash, NULL, NULL, NULL, &error), 1);
	bson_destroy(by_value);
	bson_destroy(by_hash);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	free(token);
	close_db();
}
END_TEST

START_TEST(a_link_works_once)
{
	char id[25], owner[25];
	if (!open_db("ula@example.com", id))
		return;
	char *other = token_for("ula@example.com", id);
	char *token = token_for("ula@example.com", id);
	ck_assert_int_eq(mq_reset_finish(db, &cfg, token, "short", owner), MQ_EINVAL);
	ck_assert_int_eq(mq_reset_check(db, token), MQ_OK);
	char wrong[44];
	memcpy(wrong, token, 44);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(mq_reset_finish(db, &cfg, wrong, "a new password", owner), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_finish(db, &cfg, "short", "a new password", owner), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_finish(db, &cfg, NULL, "a new password", owner), MQ_EUNAUTH);
	ck_assert(test_signs_in(db, &cfg, "ula@example.com", PASSWORD));

	ck_assert_int_eq(mq_reset_finish(db, &cfg, token, "a new password", owner), MQ_OK);
	ck_assert_str_eq(owner, id);
	ck_assert(test_signs_in(db, &cfg, "ula@example.com", "a new password"));
	ck_assert(!test_signs_in(db, &cfg, "ula@example.com", PASSWORD));
	ck_assert_int_eq(mq_session_live(db, id, 0, NULL, NULL), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_finish(db, &cfg, token, "third password", owner), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_check(db, token), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_check(db, other), MQ_EUNAUTH); /* the member's other links died too */
	ck_assert(test_signs_in(db, &cfg, "ula@example.com", "a new password"));
	free(token);
	free(other);
	close_db();
}
END_TEST

START_TEST(an_expired_link_is_refused)
{
	char id[25], owner[25];
	if (!open_db("eve@example.com", id))
		return;
	char *token = token_for("eve@example.com", id);
	age_tokens(id, MQ_RESET_TTL - 5);
	ck_assert_int_eq(mq_reset_check(db, token), MQ_OK);
	age_tokens(id, 10);
	ck_assert_int_eq(mq_reset_check(db, token), MQ_EUNAUTH);
	ck_assert_int_eq(mq_reset_finish(db, &cfg, token, "a new password", owner), MQ_EUNAUTH);
	ck_assert(test_signs_in(db, &cfg, "eve@example.com", PASSWORD));
	free(token);
	close_db();
}
END_TEST

typedef struct use {
	const char *token;
	char password[32];
	mq_err rc;
} use;

static void use_at_once(void *arg)
{
	use *u = arg;
	char owner[25];
	u->rc = mq_reset_finish(db, &cfg, u->token, u->password, owner);
}

START_TEST(simultaneous_uses_one_wins)
{
	char id[25];
	if (!open_db("sim@example.com", id))
		return;
	char *token = token_for("sim@example.com", id);
	use u[RACERS];
	for (int i = 0; i < RACERS; i++) {
		u[i].token = token;
		snprintf(u[i].password, sizeof u[i].password, "password number %d", i);
	}
	test_at_once(u, RACERS, sizeof u[0], use_at_once);
	int ok = 0, winner = -1;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(u[i].rc == MQ_OK || u[i].rc == MQ_EUNAUTH, "use %d: rc %d", i, (int)u[i].rc);
		if (u[i].rc == MQ_OK)
			ok++, winner = i;
	}
	ck_assert_int_eq(ok, 1);
	ck_assert(test_signs_in(db, &cfg, "sim@example.com", u[winner].password));
	free(token);
	close_db();
}
END_TEST

Suite *reset_suite(void)
{
	Suite *s = suite_create("reset");
	TCase *live = tcase_create("live");
	tcase_add_test(live, links_for_known_addresses_stored_as_hashes);
	tcase_add_test(live, a_link_works_once);
	tcase_add_test(live, an_expired_link_is_refused);
	tcase_add_test(live, simultaneous_uses_one_wins);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	return s;
}
