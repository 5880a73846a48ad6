/* session.c — refresh token rotation, reuse detection and revocation (see session.h). */
#include "session.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>
#include <time.h>

/* SHA-256 of token as 64 hex characters: what the database stores. */
static void token_hash(const char *token, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (!EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL))
		mq_oom();
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static char *random_token(void)
{
	unsigned char r[32];
	if (RAND_bytes(r, sizeof r) != 1)
		mq_oom();
	mq_buf b = MQ_BUF_INIT;
	mq_base64url_encode(r, sizeof r, &b);
	return mq_buf_steal(&b);
}

mq_err mq_refresh_issue(mq_db *db, const char *user_id, const char *family, char **token,
			long long *expires)
{
	bson_oid_t uid, fam;
	*token = NULL;
	if (mq_oid_parse(user_id, &uid))
		return MQ_EINVAL;
	if (family)
		bson_oid_init_from_string(&fam, family);
	else
		bson_oid_init(&fam, NULL);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	char *value = random_token(), hash[65];
	token_hash(value, hash);
	long long now = (long long)time(NULL);
	*expires = now + MQ_REFRESH_TTL;
	bson_t doc = BSON_INITIALIZER;
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "hash", hash);
	BSON_APPEND_OID(&doc, "family", &fam);
	BSON_APPEND_BOOL(&doc, "revoked", false);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now * 1000);
	BSON_APPEND_DATE_TIME(&doc, "expires_at", *expires * 1000);
	mongoc_collection_t *coll = mq_db_collection(db, client, "refresh_tokens");
	bson_error_t error;
	mq_err rc = MQ_OK;
	if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "refresh token insert");
	bson_destroy(&doc);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	if (rc == MQ_OK)
		*token = value;
	else
		free(value);
	return rc;
}

/* Marks every token of family revoked. */
static mq_err revoke_family(mongoc_collection_t *coll, const bson_oid_t *family)
{
	bson_error_t error;
	bson_t *filter = BCON_NEW("family", BCON_OID(family));
	bson_t *update = BCON_NEW("$set", "{", "revoked", BCON_BOOL(true), "}");
	bool ok = mongoc_collection_update_many(coll, filter, update, NULL, NULL, &error);
	bson_destroy(filter);
	bson_destroy(update);
	return ok ? MQ_OK : mq_db_error(&error, "refresh family revoke");
}

/* The family of the stored token with this hash: MQ_OK with *found 0 or 1, or a db error. */
static mq_err family_of(mongoc_collection_t *coll, const char *hash, bson_oid_t *family, int *found)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	bson_iter_t v;
	const bson_t *doc;
	bson_t filter = BSON_INITIALIZER;
	*found = 0;
	BSON_APPEND_UTF8(&filter, "hash", hash);
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
	if (mongoc_cursor_next(cursor, &doc) && bson_iter_init_find(&v, doc, "family") && BSON_ITER_HOLDS_OID(&v)) {
		bson_oid_copy(bson_iter_oid(&v), family);
		*found = 1;
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "refresh lookup");
	mongoc_cursor_destroy(cursor);
	bson_destroy(&filter);
	return rc;
}

mq_err mq_refresh_rotate(mq_db *db, const char *token, char **token_out, long long *expires,
			 char user_id[25])
{
	mq_err rc = MQ_EUNAUTH;
	char hash[65], family[25];
	*token_out = NULL;
	if (!token || strlen(token) != 43)
		return MQ_EUNAUTH;
	token_hash(token, hash);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "refresh_tokens");
	long long now = (long long)time(NULL);
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;

	/* one atomic step: only the first presenter of a live token gets to rotate it */
	bson_t *query = BCON_NEW("hash", BCON_UTF8(hash), "revoked", BCON_BOOL(false));
	bson_t *update = BCON_NEW("$set", "{", "revoked", BCON_BOOL(true), "rotated_at",
				  BCON_DATE_TIME(now * 1000), "}");
	mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new();
	mongoc_find_and_modify_opts_set_update(opts, update);
	bool ok = mongoc_collection_find_and_modify_with_opts(coll, query, opts, &reply, &error);
	if (!ok) {
		rc = mq_db_error(&error, "refresh rotate");
		goto out;
	}
	if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
		bson_iter_t doc;
		bson_iter_recurse(&it, &doc);
		int64_t exp_ms = 0;
		const bson_oid_t *uid = NULL, *fam = NULL;
		while (bson_iter_next(&doc)) {
			const char *k = bson_iter_key(&doc);
			if (!strcmp(k, "user_id") && BSON_ITER_HOLDS_OID(&doc))
				uid = bson_iter_oid(&doc);
			else if (!strcmp(k, "family") && BSON_ITER_HOLDS_OID(&doc))
				fam = bson_iter_oid(&doc);
			else if (!strcmp(k, "expires_at") && BSON_ITER_HOLDS_DATE_TIME(&doc))
				exp_ms = bson_iter_date_time(&doc);
		}
		if (!uid || !fam || exp_ms / 1000 < now) {
			rc = MQ_EUNAUTH; /* expired: rotated away, nothing issued */
			goto out;
		}
		bson_oid_to_string(uid, user_id);
		bson_oid_to_string(fam, family);
		bson_destroy(&reply);
		bson_init(&reply);
		mongoc_collection_destroy(coll);
		coll = NULL;
		mq_db_push(db, client);
		client = NULL;
		rc = mq_refresh_issue(db, user_id, family, token_out, expires);
		goto out;
	}
	/* not live: a token that exists but was already rotated has leaked — revoke its family */
	bson_oid_t fam;
	int found;
	rc = family_of(coll, hash, &fam, &found);
	if (rc == MQ_OK && found) {
		mq_log(MQ_LOG_WARN, "refresh", "a rotated refresh token was presented again: revoking its family");
		rc = revoke_family(coll, &fam);
	}
	if (rc == MQ_OK)
		rc = MQ_EUNAUTH;
out:
	bson_destroy(&reply);
	mongoc_find_and_modify_opts_destroy(opts);
	bson_destroy(query);
	bson_destroy(update);
	if (coll)
		mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_refresh_revoke_family(mq_db *db, const char *token)
{
	char hash[65];
	if (!token || strlen(token) != 43)
		return MQ_OK;
	token_hash(token, hash);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "refresh_tokens");
	bson_oid_t fam;
	int found;
	mq_err rc = family_of(coll, hash, &fam, &found);
	if (rc == MQ_OK && found)
		rc = revoke_family(coll, &fam);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_session_revoke_all(mq_db *db, const char *user_id)
{
	bson_oid_t uid;
	if (mq_oid_parse(user_id, &uid))
		return MQ_EINVAL;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "users");
	bson_error_t error;
	bson_t *filter = BCON_NEW("_id", BCON_OID(&uid));
	bson_t *update = BCON_NEW("$inc", "{", "token_version", BCON_INT64(1), "}");
	mq_err rc = mongoc_collection_update_one(coll, filter, update, NULL, NULL, &error)
			    ? MQ_OK : mq_db_error(&error, "revoke sessions");
	bson_destroy(filter);
	bson_destroy(update);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_session_check(mq_db *db, mq_req *req)
{
	bson_oid_t uid;
	mq_user *u = req->user;
	if (!u || mq_oid_parse(u->id, &uid))
		return MQ_EUNAUTH;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "users");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&uid));
	bson_t *opts = BCON_NEW("limit", BCON_INT64(1), "projection", "{", "role", BCON_INT32(1),
				"token_version", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	const bson_t *doc;
	bson_error_t error;
	bson_iter_t it;
	mq_err rc = MQ_EUNAUTH;
	if (mongoc_cursor_next(cursor, &doc)) {
		long long tv = 0;
		if (bson_iter_init_find(&it, doc, "token_version") && BSON_ITER_HOLDS_NUMBER(&it))
			tv = bson_iter_as_int64(&it);
		if (bson_iter_init_find(&it, doc, "role") && BSON_ITER_HOLDS_UTF8(&it) && tv == u->token_version) {
			u->role = mq_arena_strdup(req->arena, bson_iter_utf8(&it, NULL));
			rc = MQ_OK;
		}
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "session check");
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

void mq_csrf_token(const char *secret, const char *session_id, char out[44])
{
	unsigned char mac[32];
	unsigned int len = sizeof mac;
	mq_buf msg = MQ_BUF_INIT, b = MQ_BUF_INIT;
	mq_buf_printf(&msg, "csrf:%s", session_id ? session_id : "");
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg.data, msg.len, mac, &len))
		mq_oom();
	mq_base64url_encode(mac, sizeof mac, &b);
	memcpy(out, b.data, 43);
	out[43] = '\0';
	mq_buf_free(&msg);
	mq_buf_free(&b);
}
