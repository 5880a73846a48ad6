/* reset.c — one-time password reset tokens (see reset.h). */
#include "domain/reset.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/password.h"
#include "domain/account.h"
#include "domain/session.h"

#include <string.h>

#define RESETS "password_resets"

mq_err mq_reset_start(mq_db *db, const char *email, char **token, cJSON **user)
{
	bson_oid_t uid;
	bson_error_t error;
	*token = NULL;
	mq_err rc = mq_account_by_email(db, email, user);
	if (rc != MQ_OK)
		return rc;
	if (mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*user, "id")), &uid)) {
		rc = MQ_EINTERNAL;
		goto out;
	}
	mongoc_client_t *client = mq_db_pop(db);
	if (!client) {
		rc = MQ_EUNAVAIL;
		goto out;
	}
	mongoc_collection_t *coll = mq_db_collection(db, client, RESETS);
	int64_t now = mq_clock_ms();
	bson_t *recent = BCON_NEW("user_id", BCON_OID(&uid), "created_at", "{", "$gt",
				  BCON_DATE_TIME(now - MQ_RESET_INTERVAL * 1000), "}");
	int64_t n = mongoc_collection_count_documents(coll, recent, NULL, NULL, NULL, &error);
	bson_destroy(recent);
	if (n < 0)
		rc = mq_db_error(&error, "reset interval");
	else if (n > 0)
		rc = MQ_ERATELIMIT;
	char *value = NULL, hash[65];
	if (rc == MQ_OK) {
		value = mq_token_new();
		mq_token_hash(value, hash);
		bson_t *doc = BCON_NEW("_id", BCON_UTF8(hash), "user_id", BCON_OID(&uid), "used", BCON_BOOL(false),
				       "created_at", BCON_DATE_TIME(now),
				       "expires_at", BCON_DATE_TIME(now + MQ_RESET_TTL * 1000));
		if (!mongoc_collection_insert_one(coll, doc, NULL, NULL, &error))
			rc = mq_db_error(&error, "reset token");
		bson_destroy(doc);
	}
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	if (rc == MQ_OK)
		*token = value;
	else
		free(value);
out:
	if (rc != MQ_OK) {
		cJSON_Delete(*user);
		*user = NULL;
	}
	return rc;
}

/* The live token's owner (unused, unexpired): MQ_OK, MQ_EUNAUTH, or a database error. */
static mq_err live_token(mongoc_collection_t *coll, const char *hash, bson_oid_t *owner)
{
	bson_t doc;
	bson_iter_t it;
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(hash), "used", BCON_BOOL(false),
				  "expires_at", "{", "$gt", BCON_DATE_TIME(mq_clock_ms()), "}");
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, "reset token lookup");
	if (rc == MQ_ENOTFOUND)
		rc = MQ_EUNAUTH;
	if (rc == MQ_OK) {
		if (bson_iter_init_find(&it, &doc, "user_id") && BSON_ITER_HOLDS_OID(&it))
			bson_oid_copy(bson_iter_oid(&it), owner);
		else
			rc = MQ_EUNAUTH;
	}
	bson_destroy(&doc);
	bson_destroy(filter);
	return rc;
}

/* The hash of a well-formed token (43 base64url characters), or -1. */
static int hash_of(const char *token, char hash[65])
{
	if (!token || strlen(token) != 43 ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != 43)
		return -1;
	mq_token_hash(token, hash);
	return 0;
}

mq_err mq_reset_check(mq_db *db, const char *token)
{
	char hash[65];
	bson_oid_t owner;
	if (hash_of(token, hash))
		return MQ_EUNAUTH;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, RESETS);
	mq_err rc = live_token(coll, hash, &owner);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

/* Marks the token used: MQ_OK when this call did (the update matched it, and the fact
 * "reset:<hash>" was inserted by this call), MQ_EUNAUTH when another use came first. */
static mq_err claim(mongoc_database_t *database, mongoc_collection_t *coll, const char *hash,
		    const bson_oid_t *owner)
{
	bson_error_t error;
	bson_iter_t it;
	bson_t reply;
	int64_t now = mq_clock_ms();
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(hash), "used", BCON_BOOL(false),
				  "expires_at", "{", "$gt", BCON_DATE_TIME(now), "}");
	bson_t *update = BCON_NEW("$set", "{", "used", BCON_BOOL(true), "used_at", BCON_DATE_TIME(now), "}");
	mq_err rc = MQ_OK;
	if (!mongoc_collection_update_one(coll, filter, update, NULL, &reply, &error))
		rc = mq_db_error(&error, "reset token use");
	else if (!bson_iter_init_find(&it, &reply, "matchedCount") || bson_iter_as_int64(&it) != 1)
		rc = MQ_EUNAUTH;
	bson_destroy(&reply);
	bson_destroy(update);
	bson_destroy(filter);
	if (rc != MQ_OK)
		return rc;
	char key[80];
	snprintf(key, sizeof key, "reset:%s", hash);
	mongoc_collection_t *facts = mongoc_database_get_collection(database, "revocations");
	bson_t *fact = BCON_NEW("_id", BCON_UTF8(key), "user_id", BCON_OID(owner), "at", BCON_DATE_TIME(now),
				"expires_at", BCON_DATE_TIME(now + MQ_RESET_TTL * 1000));
	if (!mongoc_collection_insert_one(facts, fact, NULL, NULL, &error)) {
		rc = mq_db_error(&error, "reset token claim");
		if (rc == MQ_ECONFLICT)
			rc = MQ_EUNAUTH; /* a simultaneous use was let through by the update and won here */
	}
	bson_destroy(fact);
	mongoc_collection_destroy(facts);
	return rc;
}

mq_err mq_reset_finish(mq_db *db, const mq_config *cfg, const char *token, const char *password,
		       char user_id[25])
{
	char hash[65];
	bson_oid_t owner;
	bson_error_t error;
	long long hint = 0, version = 0;
	user_id[0] = '\0';
	if (hash_of(token, hash))
		return MQ_EUNAUTH;
	size_t plen = strlen(password);
	if (plen < MQ_PASSWORD_MIN || plen > MQ_PASSWORD_MAX)
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, RESETS);
	mq_err rc = live_token(coll, hash, &owner);
	if (rc == MQ_OK)
		rc = claim(database, coll, hash, &owner);
	if (rc == MQ_OK) {
		/* the member's other links die with this one */
		bson_t *others = BCON_NEW("user_id", BCON_OID(&owner), "_id", "{", "$ne", BCON_UTF8(hash), "}");
		if (!mongoc_collection_delete_many(coll, others, NULL, NULL, &error))
			mq_db_error(&error, "other reset tokens");
		bson_destroy(others);
		bson_oid_to_string(&owner, user_id);
	}
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	if (rc != MQ_OK)
		return rc;
	cJSON *user = NULL;
	rc = mq_account_set_password(db, cfg, user_id, password);
	if (rc == MQ_OK)
		rc = mq_account_get(db, user_id, &user, &hint);
	cJSON_Delete(user);
	if (rc == MQ_OK)
		rc = mq_session_version(db, user_id, hint, &version);
	if (rc == MQ_OK)
		rc = mq_session_revoke_all(db, user_id, version);
	if (rc != MQ_OK)
		mq_log(MQ_LOG_ERROR, "reset", "user %s: a used reset link did not finish its work", user_id);
	return rc;
}
