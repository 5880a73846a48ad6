/* check_account.c — unit tests for lib/domain/account.c against the database MONGODB_URI names
 * (make unit's FerretDB; skipped without one): registering and signing in, what the public JSON
 * of a user shows and never shows, profile and settings changes, preferences (which move the
 * lists version), roles, the admin's user list; duplicates (also registering, and claiming a
 * username, at once from threads), bad ids, unknown users; and a database that is down being
 * an error, never "wrong password" or "no such user"; which field a refused registration has
 * taken; the password checked, changed (ending the sessions) and set; and an account deleted
 * with everything kept for it, its movies' rating fields following. */
#include "suites.h"

#include "core/buf.h"
#include "core/config.h"
#include "domain/account.h"
#include "domain/lists.h"
#include "domain/rating.h"
#include "domain/session.h"
#include "store/db.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RACERS 8
#define PASSWORD "correct horse battery"

static mq_db *db;
static char db_name[64];
static mq_config cfg;

/* A database of this test's own with the schema's indexes; returns 0 (skipped) without a
 * server. */
static int open_db(void)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.bcrypt_cost = 4; /* the least bcrypt allows: fast tests */
	if (!(db = test_db_open("account", db_name)))
		return 0;
	test_db_schema(db);
	return 1;
}

static void close_db(void)
{
	test_db_drop(db, db_name);
	db = NULL;
}

/* Registers email (with username, or derived when NULL); the new user's id into id. */
static void register_user(const char *email, const char *username, const char *name, char id[25])
{
	mq_new_user in = { .email = email, .password = PASSWORD, .username = username, .name = name };
	cJSON *user = NULL;
	mq_err rc = mq_account_register(db, &cfg, &in, &user);
	ck_assert_msg(rc == MQ_OK, "register %s: %d", email, (int)rc);
	snprintf(id, 25, "%s", test_str(user, "id"));
	cJSON_Delete(user);
}

/* The public JSON shows nothing secret. */
static void assert_public(const cJSON *user)
{
	static const char *const secret[] = { "password_hash", "password", "token_version", "preferences", "_id" };
	for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
		ck_assert_msg(!cJSON_GetObjectItemCaseSensitive(user, secret[i]), "%s shown", secret[i]);
}

START_TEST(register_then_sign_in)
{
	if (!open_db())
		return;
	mq_new_user in = { .email = "ann@example.com", .password = PASSWORD, .name = "Ann Lee",
			   .date_of_birth = "1990-04-01" };
	cJSON *user = NULL, *again = NULL;
	long long tv = -1;
	ck_assert_int_eq(mq_account_register(db, &cfg, &in, &user), MQ_OK);
	assert_public(user);
	ck_assert_int_eq(strlen(test_str(user, "id")), 24);
	ck_assert_str_eq(test_str(user, "email"), "ann@example.com");
	ck_assert_str_eq(test_str(user, "name"), "Ann Lee");
	ck_assert_str_eq(test_str(user, "role"), "user");
	ck_assert_str_eq(test_str(user, "date_of_birth"), "1990-04-01");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(user, "avatar")));
	/* no username given: one from the e-mail's local part, "ann_" and four hex digits */
	const char *username = test_str(user, "username");
	ck_assert_msg(username && strlen(username) == 8 && !strncmp(username, "ann_", 4) &&
			      strspn(username + 4, "0123456789abcdef") == 4, "username %s", username);
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(user, "settings");
	ck_assert_str_eq(test_str(settings, "language"), "en");
	ck_assert_str_eq(test_str(settings, "theme"), "light");
	ck_assert_ptr_nonnull(test_str(user, "created_at"));

	ck_assert_int_eq(mq_account_login(db, &cfg, "ann@example.com", PASSWORD, &again, &tv), MQ_OK);
	assert_public(again);
	ck_assert_str_eq(test_str(again, "id"), test_str(user, "id"));
	ck_assert_str_eq(test_str(again, "username"), username);
	ck_assert_int_eq(tv, 0);
	cJSON_Delete(again);
	ck_assert_int_eq(mq_account_get(db, test_str(user, "id"), &again, &tv), MQ_OK);
	assert_public(again);
	ck_assert_str_eq(test_str(again, "email"), "ann@example.com");
	cJSON_Delete(again);
	cJSON_Delete(user);
	close_db();
}
END_TEST

START_TEST(wrong_password_and_unknown_email_alike)
{
	if (!open_db())
		return;
	char id[25];
	cJSON *user = NULL;
	long long tv = -1;
	register_user("bo@example.com", "bo", NULL, id);
	ck_assert_int_eq(mq_account_login(db, &cfg, "bo@example.com", "correct horse battery!", &user, &tv), MQ_EUNAUTH);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_account_login(db, &cfg, "bo@example.com", "", &user, &tv), MQ_EUNAUTH);
	ck_assert_int_eq(mq_account_login(db, &cfg, "nobody@example.com", PASSWORD, &user, &tv), MQ_EUNAUTH);
	ck_assert_ptr_null(user);
	/* an e-mail is matched as it is stored (handlers lower-case it first) */
	ck_assert_int_eq(mq_account_login(db, &cfg, "bo@example.com ", PASSWORD, &user, &tv), MQ_EUNAUTH);
	ck_assert_int_eq(mq_account_login(db, &cfg, "bo@example.com", PASSWORD, &user, &tv), MQ_OK);
	cJSON_Delete(user);
	close_db();
}
END_TEST

START_TEST(taken_email_or_username_conflicts)
{
	if (!open_db())
		return;
	char id[25];
	cJSON *user = NULL;
	register_user("cy@example.com", "cy", NULL, id);
	mq_new_user same_email = { .email = "cy@example.com", .password = PASSWORD, .username = "cy2" };
	ck_assert_int_eq(mq_account_register(db, &cfg, &same_email, &user), MQ_ECONFLICT);
	ck_assert_ptr_null(user);
	mq_new_user same_name = { .email = "cy2@example.com", .password = PASSWORD, .username = "cy" };
	ck_assert_int_eq(mq_account_register(db, &cfg, &same_name, &user), MQ_ECONFLICT);
	ck_assert_ptr_null(user);
	/* the one who was first still signs in with their password */
	ck_assert_int_eq(mq_account_login(db, &cfg, "cy@example.com", PASSWORD, &user, &(long long){ 0 }), MQ_OK);
	cJSON_Delete(user);
	/* nor does a refused password leave an account behind */
	mq_new_user short_pw = { .email = "dee@example.com", .password = "short", .username = "dee" };
	ck_assert_int_eq(mq_account_register(db, &cfg, &short_pw, &user), MQ_EINVAL);
	long long total = -1;
	ck_assert_int_eq(mq_account_list(db, "dee", 1, 10, &user, &total), MQ_OK);
	ck_assert_int_eq(total, 0);
	cJSON_Delete(user);
	close_db();
}
END_TEST

struct registrant {
	char username[16];
	mq_err rc;
};

static void register_at_once(void *arg)
{
	struct registrant *r = arg;
	mq_new_user in = { .email = "same@example.com", .password = PASSWORD, .username = r->username };
	cJSON *user = NULL;
	r->rc = mq_account_register(db, &cfg, &in, &user);
	cJSON_Delete(user);
}

/* Threads of one process registering one e-mail at once: the unique index decides. */
START_TEST(simultaneous_registrations_one_wins)
{
	if (!open_db())
		return;
	struct registrant r[RACERS];
	for (int i = 0; i < RACERS; i++) {
		memset(&r[i], 0, sizeof r[i]);
		snprintf(r[i].username, sizeof r[i].username, "same%d", i);
	}
	test_at_once(r, RACERS, sizeof r[0], register_at_once);
	int ok = 0;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(r[i].rc == MQ_OK || r[i].rc == MQ_ECONFLICT, "rc %d", (int)r[i].rc);
		ok += r[i].rc == MQ_OK;
	}
	ck_assert_int_eq(ok, 1);
	cJSON *items = NULL;
	long long total;
	ck_assert_int_eq(mq_account_list(db, "same@", 1, 20, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 1);
	cJSON_Delete(items);
	close_db();
}
END_TEST

struct claimant {
	char id[25];
	mq_err rc;
};

static void claim_username(void *arg)
{
	struct claimant *c = arg;
	bson_t *set = BCON_NEW("username", BCON_UTF8("popular"));
	cJSON *user = NULL;
	c->rc = mq_account_update(db, c->id, set, NULL, &user);
	cJSON_Delete(user);
	bson_destroy(set);
}

/* Members claiming one free username at once: one gets it, the others hear it is taken (claims
 * that race past mq_account_update's count are refused by the unique index, which FerretDB v1
 * reports as InternalError "UNIQUE constraint failed", code 1: mq_db_error makes it a conflict). */
START_TEST(simultaneous_username_claims_one_wins)
{
	if (!open_db())
		return;
	struct claimant c[RACERS];
	for (int i = 0; i < RACERS; i++) {
		char email[32], username[16];
		snprintf(email, sizeof email, "claim%d@example.com", i);
		snprintf(username, sizeof username, "claim%d", i);
		memset(&c[i], 0, sizeof c[i]);
		register_user(email, username, NULL, c[i].id);
	}
	test_at_once(c, RACERS, sizeof c[0], claim_username);
	close_db(); /* first: a failure below leaves nothing open */
	int ok = 0;
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(c[i].rc == MQ_OK || c[i].rc == MQ_ECONFLICT, "claimant %d: rc %d", i, (int)c[i].rc);
		ok += c[i].rc == MQ_OK;
	}
	ck_assert_int_eq(ok, 1);
}
END_TEST

START_TEST(get_by_id)
{
	if (!open_db())
		return;
	char id[25];
	cJSON *user = NULL;
	long long tv = -1;
	register_user("eve@example.com", "eve", "Eve", id);
	ck_assert_int_eq(mq_account_get(db, id, &user, &tv), MQ_OK);
	ck_assert_str_eq(test_str(user, "id"), id);
	ck_assert_int_eq(tv, 0);
	cJSON_Delete(user);
	ck_assert_int_eq(mq_account_get(db, id, &user, NULL), MQ_OK); /* token_version may be NULL */
	cJSON_Delete(user);
	ck_assert_int_eq(mq_account_get(db, "5f0c0ffee0c0ffee0c0ffee0", &user, &tv), MQ_ENOTFOUND);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_account_get(db, "eve", &user, &tv), MQ_EINVAL);
	ck_assert_int_eq(mq_account_get(db, "", &user, &tv), MQ_EINVAL);
	close_db();
}
END_TEST

START_TEST(profile_and_settings_change)
{
	if (!open_db())
		return;
	char fay[25], gil[25];
	cJSON *user = NULL;
	register_user("fay@example.com", "fay", "Fay", fay);
	register_user("gil@example.com", "gil", "Gil", gil);
	bson_t *set = BCON_NEW("name", BCON_UTF8("Fay Wray"), "settings.theme", BCON_UTF8("dark"),
			       "settings.language", BCON_UTF8("fa"), "date_of_birth", BCON_UTF8("1907-09-15"));
	bson_t *unset = bson_new();
	ck_assert_int_eq(mq_account_update(db, fay, set, unset, &user), MQ_OK);
	assert_public(user);
	ck_assert_str_eq(test_str(user, "name"), "Fay Wray");
	ck_assert_str_eq(test_str(user, "username"), "fay");
	ck_assert_str_eq(test_str(user, "date_of_birth"), "1907-09-15");
	const cJSON *settings = cJSON_GetObjectItemCaseSensitive(user, "settings");
	ck_assert_str_eq(test_str(settings, "theme"), "dark");
	ck_assert_str_eq(test_str(settings, "language"), "fa");
	ck_assert_ptr_nonnull(test_str(user, "updated_at"));
	cJSON_Delete(user);
	bson_destroy(set);
	bson_destroy(unset);

	/* removing fields; the password still signs in */
	set = bson_new();
	unset = BCON_NEW("name", BCON_UTF8(""), "date_of_birth", BCON_UTF8(""));
	ck_assert_int_eq(mq_account_update(db, fay, set, unset, &user), MQ_OK);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(user, "name")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(user, "date_of_birth")));
	ck_assert_str_eq(test_str(cJSON_GetObjectItemCaseSensitive(user, "settings"), "theme"), "dark");
	cJSON_Delete(user);
	bson_destroy(set);
	bson_destroy(unset);
	ck_assert_int_eq(mq_account_login(db, &cfg, "fay@example.com", PASSWORD, &user, &(long long){ 0 }), MQ_OK);
	cJSON_Delete(user);
	close_db();
}
END_TEST

START_TEST(taken_username_is_refused)
{
	if (!open_db())
		return;
	char hal[25], ida[25];
	cJSON *user = NULL;
	register_user("hal@example.com", "hal", NULL, hal);
	register_user("ida@example.com", "ida", NULL, ida);
	bson_t *set = BCON_NEW("username", BCON_UTF8("hal"), "name", BCON_UTF8("Not Hal"));
	ck_assert_int_eq(mq_account_update(db, ida, set, NULL, &user), MQ_ECONFLICT);
	ck_assert_ptr_null(user);
	bson_destroy(set);
	/* nothing of the refused change was written */
	ck_assert_int_eq(mq_account_get(db, ida, &user, NULL), MQ_OK);
	ck_assert_str_eq(test_str(user, "username"), "ida");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(user, "name")));
	cJSON_Delete(user);
	/* keeping one's own username is no conflict; a free one is taken */
	set = BCON_NEW("username", BCON_UTF8("ida"));
	ck_assert_int_eq(mq_account_update(db, ida, set, NULL, &user), MQ_OK);
	cJSON_Delete(user);
	bson_destroy(set);
	set = BCON_NEW("username", BCON_UTF8("ida_b"));
	ck_assert_int_eq(mq_account_update(db, ida, set, NULL, &user), MQ_OK);
	ck_assert_str_eq(test_str(user, "username"), "ida_b");
	cJSON_Delete(user);
	bson_destroy(set);
	close_db();
}
END_TEST

START_TEST(update_of_no_user)
{
	if (!open_db())
		return;
	cJSON *user = NULL;
	bson_t *set = BCON_NEW("name", BCON_UTF8("Ghost"));
	ck_assert_int_eq(mq_account_update(db, "5f0c0ffee0c0ffee0c0ffee0", set, NULL, &user), MQ_ENOTFOUND);
	ck_assert_ptr_null(user);
	ck_assert_int_eq(mq_account_update(db, "ghost", set, NULL, &user), MQ_EINVAL);
	ck_assert_int_eq(mq_account_preferences(db, "5f0c0ffee0c0ffee0c0ffee0", set, &user), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_account_preferences(db, "5f0c0ffee0c0ffee0c0ffee0", NULL, &user), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_account_preferences(db, "ghost", NULL, &user), MQ_EINVAL);
	ck_assert_ptr_null(user);
	bson_destroy(set);
	close_db();
}
END_TEST

START_TEST(preferences_replace_and_move_the_version)
{
	if (!open_db())
		return;
	char id[25];
	cJSON *prefs = NULL;
	long long v = -1;
	register_user("jo@example.com", "jo", NULL, id);
	ck_assert_int_eq(mq_account_preferences(db, id, NULL, &prefs), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "genres")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "actors")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "movies")), 0);
	cJSON_Delete(prefs);
	ck_assert_int_eq(mq_lists_version(db, id, -1, &v), MQ_OK);
	ck_assert_int_eq(v, 0);

	bson_t *set = BCON_NEW("preferences.genres", "[", BCON_INT64(28), BCON_INT64(878), "]",
			       "preferences.movies", "[", BCON_INT64(550), "]");
	ck_assert_int_eq(mq_account_preferences(db, id, set, &prefs), MQ_OK);
	bson_destroy(set);
	const cJSON *genres = cJSON_GetObjectItemCaseSensitive(prefs, "genres");
	ck_assert_int_eq(cJSON_GetArraySize(genres), 2);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetArrayItem(genres, 1)), 878);
	ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(prefs, "movies"), 0)), 550);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "actors")), 0);
	cJSON_Delete(prefs);
	/* recommendations depend on them: the version moved */
	ck_assert_int_eq(mq_lists_version(db, id, -1, &v), MQ_OK);
	ck_assert_int_eq(v, 1);
	/* a list replaced, the others kept */
	set = BCON_NEW("preferences.genres", "[", BCON_INT64(18), "]");
	ck_assert_int_eq(mq_account_preferences(db, id, set, &prefs), MQ_OK);
	bson_destroy(set);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "genres")), 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "movies")), 1);
	cJSON_Delete(prefs);
	/* reading does not move it */
	ck_assert_int_eq(mq_account_preferences(db, id, NULL, &prefs), MQ_OK);
	cJSON_Delete(prefs);
	ck_assert_int_eq(mq_lists_version(db, id, -1, &v), MQ_OK);
	ck_assert_int_eq(v, 2);
	close_db();
}
END_TEST

START_TEST(roles_by_email_and_id)
{
	if (!open_db())
		return;
	char id[25];
	int changed = -1;
	cJSON *user = NULL;
	register_user("kim@example.com", "kim", NULL, id);
	/* the e-mail is lower-cased first */
	ck_assert_int_eq(mq_account_set_role(db, "Kim@Example.COM", "admin", &changed), MQ_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mq_account_set_role(db, "kim@example.com", "admin", &changed), MQ_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(mq_account_login(db, &cfg, "kim@example.com", PASSWORD, &user, &(long long){ 0 }), MQ_OK);
	ck_assert_str_eq(test_str(user, "role"), "admin");
	cJSON_Delete(user);
	ck_assert_int_eq(mq_account_set_role_by_id(db, id, "user", &changed), MQ_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mq_account_get(db, id, &user, NULL), MQ_OK);
	ck_assert_str_eq(test_str(user, "role"), "user");
	cJSON_Delete(user);

	ck_assert_int_eq(mq_account_set_role(db, "nobody@example.com", "admin", &changed), MQ_ENOTFOUND);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(mq_account_set_role(db, "not an e-mail", "admin", &changed), MQ_EINVAL);
	ck_assert_int_eq(mq_account_set_role_by_id(db, "5f0c0ffee0c0ffee0c0ffee0", "admin", &changed), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_account_set_role_by_id(db, "kim", "admin", &changed), MQ_ENOTFOUND);
	close_db();
}
END_TEST

START_TEST(user_list_search_and_pages)
{
	if (!open_db())
		return;
	char id[25];
	register_user("lea@example.com", "lea", "Lea Seydoux", id);
	register_user("max@example.com", "maxwell", "Max", id);
	register_user("ned@example.org", "a_b", "Ned", id);
	cJSON *items = NULL;
	long long total = -1;
	ck_assert_int_eq(mq_account_list(db, NULL, 1, 10, &items, &total), MQ_OK);
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "username"), "a_b"); /* newest first */
	const cJSON *u;
	cJSON_ArrayForEach(u, items) {
		assert_public(u);
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(u, "settings"));
		ck_assert_ptr_nonnull(test_str(u, "email"));
		ck_assert_ptr_nonnull(test_str(u, "role"));
	}
	cJSON_Delete(items);

	/* the start of the e-mail, username or name, case-insensitively */
	static const struct { const char *q; int n; } cases[] = {
		{ "LEA", 1 }, { "seyd", 0 }, { "max", 1 }, { "maxw", 1 }, { "ned@example.org", 1 },
		{ "Ned", 1 }, { "zed", 0 }, { "a.b", 0 }, { ".*", 0 }, { "(", 0 }, { "a_", 1 }, { "", 3 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(mq_account_list(db, cases[i].q, 1, 10, &items, &total), MQ_OK);
		ck_assert_msg(total == cases[i].n, "q \"%s\": %lld users, want %d", cases[i].q, total, cases[i].n);
		cJSON_Delete(items);
	}
	ck_assert_int_eq(mq_account_list(db, NULL, 2, 2, &items, &total), MQ_OK);
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	ck_assert_str_eq(test_str(cJSON_GetArrayItem(items, 0), "username"), "lea");
	ck_assert_int_eq(total, 3);
	cJSON_Delete(items);
	close_db();
}
END_TEST

START_TEST(database_down_is_an_error)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.bcrypt_cost = 4;
	mq_db *dead = test_db_dead();
	const char *id = "5f0c0ffee0c0ffee0c0ffee0";
	mq_new_user in = { .email = "oz@example.com", .password = PASSWORD, .username = "oz" };
	cJSON *out = NULL;
	long long tv, total;
	int changed;
	mq_err rc;
	ck_assert_msg(test_unavailable(rc = mq_account_register(dead, &cfg, &in, &out)), "register: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_account_login(dead, &cfg, "oz@example.com", PASSWORD, &out, &tv)),
		      "login: %d", (int)rc);
	ck_assert_ptr_null(out);
	ck_assert_msg(test_unavailable(rc = mq_account_get(dead, id, &out, &tv)), "get: %d", (int)rc);
	bson_t *set = BCON_NEW("name", BCON_UTF8("Oz"), "username", BCON_UTF8("oz"));
	ck_assert_msg(test_unavailable(rc = mq_account_update(dead, id, set, NULL, &out)), "update: %d", (int)rc);
	bson_destroy(set);
	set = BCON_NEW("preferences.genres", "[", BCON_INT64(28), "]");
	ck_assert_msg(test_unavailable(rc = mq_account_preferences(dead, id, set, &out)), "preferences: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_account_preferences(dead, id, NULL, &out)), "read preferences: %d", (int)rc);
	bson_destroy(set);
	ck_assert_msg(test_unavailable(rc = mq_account_set_role(dead, "oz@example.com", "admin", &changed)), "role: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_account_set_role_by_id(dead, id, "admin", &changed)), "role by id: %d", (int)rc);
	ck_assert_msg(test_unavailable(rc = mq_account_list(dead, "oz", 1, 10, &out, &total)), "list: %d", (int)rc);
	ck_assert_ptr_null(out);
	mq_db_close(dead);
}
END_TEST

START_TEST(taken_says_which_field)
{
	if (!open_db())
		return;
	char id[25];
	unsigned taken = 99;
	register_user("tia@example.com", "tia", NULL, id);
	ck_assert_int_eq(mq_account_taken(db, "tia@example.com", "someone_else", &taken), MQ_OK);
	ck_assert_uint_eq(taken, MQ_TAKEN_EMAIL);
	ck_assert_int_eq(mq_account_taken(db, "other@example.com", "tia", &taken), MQ_OK);
	ck_assert_uint_eq(taken, MQ_TAKEN_USERNAME);
	ck_assert_int_eq(mq_account_taken(db, "tia@example.com", "tia", &taken), MQ_OK);
	ck_assert_uint_eq(taken, MQ_TAKEN_EMAIL | MQ_TAKEN_USERNAME);
	ck_assert_int_eq(mq_account_taken(db, "other@example.com", NULL, &taken), MQ_OK);
	ck_assert_uint_eq(taken, 0);
	close_db();
}
END_TEST

START_TEST(password_checked_changed_and_sessions_ended)
{
	if (!open_db())
		return;
	char id[25], nobody[25];
	register_user("pam@example.com", "pam", NULL, id);
	test_new_id(nobody, NULL);
	ck_assert_int_eq(mq_account_check_password(db, &cfg, id, PASSWORD), MQ_OK);
	ck_assert_int_eq(mq_account_check_password(db, &cfg, id, "not the password"), MQ_EFORBIDDEN);
	ck_assert_int_eq(mq_account_check_password(db, &cfg, nobody, PASSWORD), MQ_ENOTFOUND);

	/* a wrong current password or a new one outside the rules: nothing changes, nobody is out */
	ck_assert_int_eq(mq_account_change_password(db, &cfg, id, 0, "wrong one", "a new password"), MQ_EFORBIDDEN);
	ck_assert_int_eq(mq_account_change_password(db, &cfg, id, 0, PASSWORD, "short"), MQ_EINVAL);
	char long_one[80];
	memset(long_one, 'x', 73);
	long_one[73] = '\0';
	ck_assert_int_eq(mq_account_change_password(db, &cfg, id, 0, PASSWORD, long_one), MQ_EINVAL);
	ck_assert(test_signs_in(db, &cfg, "pam@example.com", PASSWORD));
	ck_assert_int_eq(mq_session_live(db, id, 0, NULL, NULL), MQ_OK);

	ck_assert_int_eq(mq_account_change_password(db, &cfg, id, 0, PASSWORD, "a new password"), MQ_OK);
	ck_assert(!test_signs_in(db, &cfg, "pam@example.com", PASSWORD));
	ck_assert(test_signs_in(db, &cfg, "pam@example.com", "a new password"));
	ck_assert_int_eq(mq_session_live(db, id, 0, NULL, NULL), MQ_EUNAUTH);
	long long version = -1;
	ck_assert_int_eq(mq_session_version(db, id, 0, &version), MQ_OK);
	ck_assert_int_eq(version, 1);
	ck_assert_int_eq(mq_session_live(db, id, 1, NULL, NULL), MQ_OK);

	ck_assert_int_eq(mq_account_set_password(db, &cfg, id, "set directly"), MQ_OK);
	ck_assert(test_signs_in(db, &cfg, "pam@example.com", "set directly"));
	ck_assert_int_eq(mq_account_set_password(db, &cfg, id, "short"), MQ_EINVAL);
	ck_assert_int_eq(mq_account_set_password(db, &cfg, nobody, "long enough"), MQ_ENOTFOUND);
	close_db();
}
END_TEST

/* How many documents of collection filter matches (taken over). */
static long long count_of(const char *collection, bson_t *filter)
{
	bson_error_t error;
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *coll = mq_db_collection(db, client, collection);
	int64_t n = mongoc_collection_count_documents(coll, filter, NULL, NULL, NULL, &error);
	ck_assert_msg(n >= 0, "count: %s", error.message);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	bson_destroy(filter);
	return n;
}

/* The movie's rating_count. */
static long long rating_count(const bson_oid_t *movie)
{
	bson_t doc;
	bson_iter_t it;
	mongoc_client_t *client = mq_db_pop(db);
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("_id", BCON_OID(movie));
	ck_assert_int_eq(mq_db_find_one(movies, filter, NULL, &doc, "test"), MQ_OK);
	long long n = bson_iter_init_find(&it, &doc, "rating_count") ? bson_iter_as_int64(&it) : -1;
	bson_destroy(&doc);
	bson_destroy(filter);
	mongoc_collection_destroy(movies);
	mq_db_push(db, client);
	return n;
}

START_TEST(deletion_removes_everything_and_the_movies_follow)
{
	if (!open_db())
		return;
	static const char *const owned[] = { "ratings", "watchlist", "interactions", "refresh_tokens", "password_resets" };
	char id[25], other[25], movie_id[25], avatar[256];
	bson_oid_t uid, movie;
	cJSON *out = NULL;
	register_user("del@example.com", "del", NULL, id);
	register_user("keep@example.com", "keep", NULL, other);
	bson_oid_init_from_string(&uid, id);
	test_new_id(movie_id, &movie);
	test_db_insert(db, "movies", BCON_NEW("_id", BCON_OID(&movie), "title", BCON_UTF8("Test"), "tmdb_id", BCON_INT64(424242)));
	ck_assert_int_eq(mq_rating_create(db, id, movie_id, 10, "mine", &out, NULL), MQ_OK);
	cJSON_Delete(out);
	ck_assert_int_eq(mq_rating_create(db, other, movie_id, 4, NULL, &out, NULL), MQ_OK);
	cJSON_Delete(out);
	ck_assert_int_eq(rating_count(&movie), 2);
	test_db_insert(db, "watchlist", BCON_NEW("user_id", BCON_OID(&uid), "movie_id", BCON_OID(&movie)));
	test_db_insert(db, "interactions", BCON_NEW("user_id", BCON_OID(&uid), "movie_id", BCON_OID(&movie), "type", BCON_UTF8("watched")));
	test_db_insert(db, "password_resets", BCON_NEW("_id", BCON_UTF8("h"), "user_id", BCON_OID(&uid)));
	test_db_insert(db, "rec_cache", BCON_NEW("_id", BCON_OID(&uid)));
	char *refresh = NULL;
	long long expires;
	ck_assert_int_eq(mq_refresh_issue(db, id, 0, NULL, &refresh, &expires), MQ_OK);
	free(refresh);
	bson_t *set = BCON_NEW("avatar", BCON_UTF8("/media/avatars/0123456789abcdef0123456789abcdef.png"));
	ck_assert_int_eq(mq_account_update(db, id, set, NULL, &out), MQ_OK);
	cJSON_Delete(out);
	bson_destroy(set);

	ck_assert_int_eq(mq_account_delete(db, id, avatar, sizeof avatar), MQ_OK);
	ck_assert_str_eq(avatar, "/media/avatars/0123456789abcdef0123456789abcdef.png");
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
		ck_assert_msg(count_of(owned[i], BCON_NEW("user_id", BCON_OID(&uid))) == 0, "%s left", owned[i]);
	ck_assert_int_eq(count_of("rec_cache", BCON_NEW("_id", BCON_OID(&uid))), 0);
	ck_assert_int_eq(count_of("users", BCON_NEW("_id", BCON_OID(&uid))), 0);
	ck_assert_int_eq(rating_count(&movie), 1);
	ck_assert_int_eq(count_of("ratings", BCON_NEW("movie_id", BCON_OID(&movie))), 1);
	ck_assert_int_eq(mq_account_get(db, id, &out, NULL), MQ_ENOTFOUND);
	ck_assert_int_eq(mq_session_live(db, id, 0, NULL, NULL), MQ_EUNAUTH);
	ck_assert_int_eq(mq_account_get(db, other, &out, NULL), MQ_OK);
	cJSON_Delete(out);
	ck_assert_int_eq(mq_account_delete(db, id, avatar, sizeof avatar), MQ_ENOTFOUND);
	close_db();
}
END_TEST

Suite *account_suite(void)
{
	Suite *s = suite_create("account");
	TCase *live = tcase_create("live");
	tcase_add_test(live, register_then_sign_in);
	tcase_add_test(live, wrong_password_and_unknown_email_alike);
	tcase_add_test(live, taken_email_or_username_conflicts);
	tcase_add_test(live, simultaneous_registrations_one_wins);
	tcase_add_test(live, simultaneous_username_claims_one_wins);
	tcase_add_test(live, get_by_id);
	tcase_add_test(live, profile_and_settings_change);
	tcase_add_test(live, taken_username_is_refused);
	tcase_add_test(live, update_of_no_user);
	tcase_add_test(live, preferences_replace_and_move_the_version);
	tcase_add_test(live, roles_by_email_and_id);
	tcase_add_test(live, user_list_search_and_pages);
	tcase_add_test(live, taken_says_which_field);
	tcase_add_test(live, password_checked_changed_and_sessions_ended);
	tcase_add_test(live, deletion_removes_everything_and_the_movies_follow);
	tcase_set_timeout(live, 60);
	suite_add_tcase(s, live);
	TCase *local = tcase_create("local");
	tcase_add_test(local, database_down_is_an_error);
	tcase_set_timeout(local, 60);
	suite_add_tcase(s, local);
	return s;
}
