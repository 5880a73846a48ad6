/* session.c — sessions, refresh token rotation, reuse detection and revocation (see session.h). */
#include "domain/session.h"
#include "core/clock.h"
#include "core/jwt.h"
#include "domain/cards.h"
#include "core/log.h"
#include "core/mem.h"
#include "web/ctx.h"
#include "web/response.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>
#include <time.h>

/* How far mq_session_version() walks past the hint before it gives up (a hint that far behind
 * means the users document was rewritten from an old copy many logouts ago). */
#define VERSION_WALK_MAX 1000

void mq_token_hash(const char *token, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (!EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL))
		mq_oom();
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

char *mq_token_new(void)
{
	unsigned char r[32];
	if (RAND_bytes(r, sizeof r) != 1)
		mq_oom();
	mq_buf b = MQ_BUF_INIT;
	mq_base64url_encode(r, sizeof r, &b);
	return mq_buf_steal(&b);
}

/* ---- revocation facts: documents of the revocations collection, keyed by what they revoke ---- */

/* Where each kind of fact is kept: logouts, read by every request that carries a session, apart
 * from the many more facts of used refresh tokens, read by refreshes only (on a server that
 * scans a collection for every lookup, FerretDB, the first stays small). */
#define LOGOUTS "logouts"
#define REVOCATIONS "revocations"

/* How long a fact is kept: beyond the life of any token it can concern (a logout ends the
 * rotation of every token at the versions it revokes, so none of them lives longer). */
#define FACT_TTL (MQ_REFRESH_TTL + 86400)

/* Whether the fact key was recorded in collection: MQ_OK with *exists 0 or 1, or a database
 * error. */
static mq_err fact_exists(mongoc_database_t *database, const char *collection, const char *key, int *exists)
{
	bson_t doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(key));
	bson_t *opts = BCON_NEW("projection", "{", "_id", BCON_INT32(1), "}");
	mq_err rc = mq_db_find_one(coll, filter, opts, &doc, "revocation lookup");
	*exists = rc == MQ_OK;
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return rc == MQ_ENOTFOUND ? MQ_OK : rc;
}

/* Records the fact key of user in collection, to be purged after FACT_TTL. MQ_OK with
 * *inserted 1 when this call recorded it, 0 when it already was. */
static mq_err fact_insert(mongoc_database_t *database, const char *collection, const char *key,
			  const bson_oid_t *user, int *inserted)
{
	bson_error_t error;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t doc = BSON_INITIALIZER;
	int64_t now = mq_clock_ms();
	BSON_APPEND_UTF8(&doc, "_id", key);
	BSON_APPEND_OID(&doc, "user_id", user);
	BSON_APPEND_DATE_TIME(&doc, "at", now);
	BSON_APPEND_DATE_TIME(&doc, "expires_at", now + FACT_TTL * 1000);
	mq_err rc = MQ_OK;
	*inserted = mongoc_collection_insert_one(coll, &doc, NULL, NULL, &error);
	if (!*inserted) {
		rc = mq_db_error(&error, "revocation insert");
		if (rc == MQ_ECONFLICT)
			rc = MQ_OK; /* recorded already: by a twin request, which the database let win */
	}
	bson_destroy(&doc);
	mongoc_collection_destroy(coll);
	return rc;
}

static const char *user_fact(char out[64], const bson_oid_t *user, long long version)
{
	char hex[25];
	bson_oid_to_string(user, hex);
	snprintf(out, 64, "%s:%lld", hex, version);
	return out;
}

/* What a session check reads of its member: role and token_version hint, and what their
 * audience is made of (date of birth, the adult-content opt-in, region and language settings)
 * the catalogue version of their own last change and their lists' version. */
typedef struct session_user {
	char role[16];
	long long hint;
	char date_of_birth[11]; /* "" when not given */
	int adult_content;
	char region[3], language[3]; /* "" when not set */
	long long catalog_v;    /* the catalogue version their own last change produced (cards.h) */
	long long lists_v;      /* their lists' version (lists.h) */
} session_user;

/* Copies the string at dotted path key of doc into out (size bytes) when it is one that fits. */
static void read_string(const bson_t *doc, const char *key, char *out, size_t size)
{
	bson_iter_t it;
	uint32_t len = 0;
	*out = '\0';
	if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, key, &it) && BSON_ITER_HOLDS_UTF8(&it)) {
		const char *v = bson_iter_utf8(&it, &len);
		if (len < size)
			memcpy(out, v, (size_t)len + 1);
	}
}

/* The user's session facts (session_user), in one read of their document. MQ_EUNAUTH when
 * there is no such user. */
static mq_err read_user(mongoc_database_t *database, const bson_oid_t *user, session_user *su)
{
	bson_iter_t it;
	bson_t doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "users");
	bson_t *filter = BCON_NEW("_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("projection", "{", "role", BCON_INT32(1), "token_version", BCON_INT32(1),
				"date_of_birth", BCON_INT32(1), "settings", BCON_INT32(1),
				"catalog_v", BCON_INT32(1), "lists_v", BCON_INT32(1), "}");
	mq_err rc = mq_db_find_one(coll, filter, opts, &doc, "session check");
	memset(su, 0, sizeof *su);
	if (rc == MQ_ENOTFOUND || (rc == MQ_OK && !(bson_iter_init_find(&it, &doc, "role") && BSON_ITER_HOLDS_UTF8(&it))))
		rc = MQ_EUNAUTH;
	if (rc == MQ_OK) {
		snprintf(su->role, sizeof su->role, "%s", bson_iter_utf8(&it, NULL));
		if (bson_iter_init_find(&it, &doc, "token_version") && BSON_ITER_HOLDS_NUMBER(&it))
			su->hint = bson_iter_as_int64(&it);
		read_string(&doc, "date_of_birth", su->date_of_birth, sizeof su->date_of_birth);
		read_string(&doc, "settings.region", su->region, sizeof su->region);
		read_string(&doc, "settings.language", su->language, sizeof su->language);
		su->adult_content = bson_iter_init(&it, &doc) && bson_iter_find_descendant(&it, "settings.adult_content", &it) &&
				    BSON_ITER_HOLDS_BOOL(&it) && bson_iter_bool(&it);
		if (bson_iter_init_find(&it, &doc, "catalog_v") && BSON_ITER_HOLDS_NUMBER(&it))
			su->catalog_v = bson_iter_as_int64(&it);
		if (bson_iter_init_find(&it, &doc, "lists_v") && BSON_ITER_HOLDS_NUMBER(&it))
			su->lists_v = bson_iter_as_int64(&it);
	}
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return rc;
}

/* Whether user's session at version is live (see session.h); su gets what read_user read. */
static mq_err session_live(mongoc_database_t *database, const bson_oid_t *user, long long version, session_user *su)
{
	char key[64];
	int revoked = 0;
	mq_err rc = read_user(database, user, su);
	if (rc == MQ_OK && version < su->hint)
		rc = MQ_EUNAUTH;
	if (rc == MQ_OK)
		rc = fact_exists(database, LOGOUTS, user_fact(key, user, version + 1), &revoked);
	return rc == MQ_OK && revoked ? MQ_EUNAUTH : rc;
}

/* mq_session_live(), giving everything read_user read. */
static mq_err live(mq_db *db, const char *user_id, long long version, session_user *su)
{
	bson_oid_t uid;
	if (!user_id || mq_oid_parse(user_id, &uid) || version < 0)
		return MQ_EUNAUTH;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = session_live(database, &uid, version, su);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_session_live(mq_db *db, const char *user_id, long long version, mq_arena *arena, const char **role)
{
	session_user su;
	mq_err rc = live(db, user_id, version, &su);
	if (rc == MQ_OK && role)
		*role = arena ? mq_arena_strdup(arena, su.role) : NULL;
	return rc;
}

mq_err mq_session_check(mq_db *db, mq_req *req)
{
	mq_user *u = req->user;
	if (!u)
		return MQ_EUNAUTH;
	session_user su;
	mq_err rc = live(db, u->id, u->token_version, &su);
	if (rc != MQ_OK)
		return rc;
	u->role = mq_arena_strdup(req->arena, su.role);
	u->date_of_birth = *su.date_of_birth ? mq_arena_strdup(req->arena, su.date_of_birth) : NULL;
	u->adult_content = su.adult_content;
	u->region = *su.region ? mq_arena_strdup(req->arena, su.region) : NULL;
	u->language = *su.language ? mq_arena_strdup(req->arena, su.language) : NULL;
	u->lists_v = su.lists_v;
	mq_cards_require(su.catalog_v); /* the member's own changes, whichever process made them */
	return MQ_OK;
}

mq_err mq_session_version(mq_db *db, const char *user_id, long long hint, long long *version)
{
	bson_oid_t uid;
	*version = hint < 0 ? 0 : hint;
	if (mq_oid_parse(user_id, &uid))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = MQ_OK;
	char key[64];
	for (int i = 0, revoked = 1; revoked; i++) {
		if (i == VERSION_WALK_MAX) {
			rc = MQ_EINTERNAL;
			mq_log(MQ_LOG_ERROR, "session", "user %s: token_version is %d logouts behind", user_id, i);
			break;
		}
		rc = fact_exists(database, LOGOUTS, user_fact(key, &uid, *version + 1), &revoked);
		if (rc != MQ_OK)
			break;
		if (revoked)
			++*version;
	}
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_session_revoke_all(mq_db *db, const char *user_id, long long version)
{
	bson_oid_t uid;
	char key[64];
	int inserted;
	if (mq_oid_parse(user_id, &uid) || version < 0)
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = fact_insert(database, LOGOUTS, user_fact(key, &uid, version + 1), &uid, &inserted);
	if (rc == MQ_OK) {
		/* the hint follows; a lost or late hint costs the next login a lookup, nothing more */
		bson_error_t error;
		bson_t *filter = BCON_NEW("_id", BCON_OID(&uid));
		bson_t *update = BCON_NEW("$max", "{", "token_version", BCON_INT64(version + 1), "}");
		if (!mq_db_update_leased(database, "users", &uid, filter, update, NULL, &error))
			mq_db_error(&error, "token_version hint");
		bson_destroy(update);
		bson_destroy(filter);
	}
	mq_db_release(db, client, database);
	return rc;
}

void mq_session_issue(const mq_config *cfg, const char *user_id, const char *role, long long version,
		      cJSON *out, char **token)
{
	mq_jwt_claims c;
	memset(&c, 0, sizeof c);
	snprintf(c.sub, sizeof c.sub, "%s", user_id);
	snprintf(c.role, sizeof c.role, "%s", role);
	unsigned char r[16];
	if (RAND_bytes(r, sizeof r) != 1)
		mq_oom(); /* the kernel's randomness does not run out; OpenSSL fails only on allocation */
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(c.jti + 2 * i, 3, "%02x", r[i]);
	c.iat = c.nbf = (long long)time(NULL);
	c.exp = c.iat + cfg->jwt_ttl;
	c.tv = version;
	mq_buf t = MQ_BUF_INIT;
	mq_jwt_sign(&c, cfg->jwt_secret, strlen(cfg->jwt_secret), &t);
	char when[40];
	mq_clock_iso8601((int64_t)c.exp * 1000, when, sizeof when);
	cJSON_AddStringToObject(out, "token", mq_buf_cstr(&t));
	cJSON_AddStringToObject(out, "token_type", "Bearer");
	cJSON_AddNumberToObject(out, "expires_in", (double)cfg->jwt_ttl);
	cJSON_AddStringToObject(out, "expires_at", when);
	char csrf[44];
	mq_csrf_token(cfg->jwt_secret, c.jti, csrf);
	cJSON_AddStringToObject(out, "csrf_token", csrf);
	*token = mq_buf_steal(&t);
}

/* ---- refresh tokens ---- */

mq_err mq_refresh_issue(mq_db *db, const char *user_id, long long version, const char *family,
			char **token, long long *expires)
{
	bson_oid_t uid, fam;
	*token = NULL;
	if (mq_oid_parse(user_id, &uid) || (family && mq_oid_parse(family, &fam)))
		return MQ_EINVAL;
	if (!family)
		bson_oid_init(&fam, NULL);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	char *value = mq_token_new(), hash[65];
	mq_token_hash(value, hash);
	long long now = (long long)time(NULL);
	*expires = now + MQ_REFRESH_TTL;
	bson_t doc = BSON_INITIALIZER;
	/* keyed by its hash: the lookup every refresh makes is by _id, which every server serves
	 * from its primary key (hash stays for the unique index of earlier versions) */
	BSON_APPEND_UTF8(&doc, "_id", hash);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "hash", hash);
	BSON_APPEND_OID(&doc, "family", &fam);
	BSON_APPEND_INT64(&doc, "tv", version);
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

/* A stored refresh token: its owner, family, session version and expiry. */
typedef struct stored_token {
	bson_oid_t user, family;
	long long version, expires;
} stored_token;

/* The token with this hash, if it is stored whole and unexpired and neither it nor its family
 * nor its session is revoked: MQ_OK, MQ_EUNAUTH, or a database error. *used says whether the
 * token itself was used already (the caller decides what reuse means). */
static mq_err find_live(mongoc_database_t *database, const char *hash, stored_token *t, int *used)
{
	bson_iter_t it;
	bson_t doc;
	int have = 0;
	*used = 0;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "refresh_tokens");
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(hash));
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, "refresh lookup");
	if (rc == MQ_OK && bson_iter_init(&it, &doc)) {
		while (bson_iter_next(&it)) {
			const char *k = bson_iter_key(&it);
			if (!strcmp(k, "user_id") && BSON_ITER_HOLDS_OID(&it))
				bson_oid_copy(bson_iter_oid(&it), &t->user), have |= 1;
			else if (!strcmp(k, "family") && BSON_ITER_HOLDS_OID(&it))
				bson_oid_copy(bson_iter_oid(&it), &t->family), have |= 2;
			else if (!strcmp(k, "tv") && BSON_ITER_HOLDS_NUMBER(&it))
				t->version = bson_iter_as_int64(&it), have |= 4;
			else if (!strcmp(k, "expires_at") && BSON_ITER_HOLDS_DATE_TIME(&it))
				t->expires = bson_iter_date_time(&it) / 1000, have |= 8;
		}
	}
	if (rc == MQ_ENOTFOUND)
		rc = MQ_EUNAUTH;
	bson_destroy(&doc);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	/* tokens issued before sessions had versions (no "tv") are not honoured: log in again */
	if (rc == MQ_OK && (have != 15 || t->expires < (long long)time(NULL)))
		rc = MQ_EUNAUTH;

	char key[80], fam[25];
	session_user su;
	int revoked = 0;
	if (rc == MQ_OK) {
		bson_oid_to_string(&t->family, fam);
		snprintf(key, sizeof key, "family:%s", fam);
		rc = fact_exists(database, REVOCATIONS, key, &revoked);
	}
	if (rc == MQ_OK && revoked)
		rc = MQ_EUNAUTH;
	if (rc == MQ_OK)
		rc = session_live(database, &t->user, t->version, &su);
	if (rc == MQ_OK) {
		snprintf(key, sizeof key, "token:%s", hash);
		rc = fact_exists(database, REVOCATIONS, key, used);
	}
	return rc;
}

/* Revokes t's family: a used token came back, so one of its copies is in the wrong hands. */
static mq_err revoke_family(mongoc_database_t *database, const stored_token *t)
{
	char key[80], fam[25];
	int inserted;
	bson_oid_to_string(&t->family, fam);
	snprintf(key, sizeof key, "family:%s", fam);
	mq_log(MQ_LOG_WARN, "refresh", "a used refresh token was presented again: revoking family %s", fam);
	return fact_insert(database, REVOCATIONS, key, &t->user, &inserted);
}

mq_err mq_refresh_rotate(mq_db *db, const char *token, char **token_out, long long *expires,
			 char user_id[25], long long *version)
{
	char hash[65], key[80], family[25];
	stored_token t;
	int used = 0, claimed = 0;
	*token_out = NULL;
	if (!token || strlen(token) != 43)
		return MQ_EUNAUTH;
	mq_token_hash(token, hash);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = find_live(database, hash, &t, &used);
	if (rc == MQ_OK && !used) {
		/* the claim: of every request presenting this token, the database lets one insert */
		snprintf(key, sizeof key, "token:%s", hash);
		rc = fact_insert(database, REVOCATIONS, key, &t.user, &claimed);
	}
	if (rc == MQ_OK && !claimed) {
		rc = revoke_family(database, &t);
		if (rc == MQ_OK)
			rc = MQ_EUNAUTH;
	}
	mq_db_release(db, client, database);
	if (rc != MQ_OK)
		return rc;
	bson_oid_to_string(&t.user, user_id);
	bson_oid_to_string(&t.family, family);
	*version = t.version;
	return mq_refresh_issue(db, user_id, t.version, family, token_out, expires);
}

mq_err mq_refresh_owner(mq_db *db, const char *token, char user_id[25], long long *version)
{
	char hash[65];
	stored_token t;
	int used = 0;
	if (!token || strlen(token) != 43)
		return MQ_EUNAUTH;
	mq_token_hash(token, hash);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = find_live(database, hash, &t, &used);
	mq_db_release(db, client, database);
	if (rc == MQ_OK && used)
		rc = MQ_EUNAUTH;
	if (rc == MQ_OK) {
		bson_oid_to_string(&t.user, user_id);
		*version = t.version;
	}
	return rc;
}

mq_err mq_session_purge(mq_db *db, long long *removed)
{
	static const char *const collections[] = { "refresh_tokens", REVOCATIONS, LOGOUTS, "password_resets" };
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;
	*removed = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_err rc = MQ_OK;
	bson_t *filter = BCON_NEW("expires_at", "{", "$lt", BCON_DATE_TIME(mq_clock_ms()), "}");
	for (size_t i = 0; i < sizeof collections / sizeof collections[0] && rc == MQ_OK; i++) {
		mongoc_collection_t *coll = mongoc_database_get_collection(database, collections[i]);
		if (!mongoc_collection_delete_many(coll, filter, NULL, &reply, &error))
			rc = mq_db_error(&error, "session purge");
		else if (bson_iter_init_find(&it, &reply, "deletedCount") && BSON_ITER_HOLDS_NUMBER(&it))
			*removed += bson_iter_as_int64(&it);
		bson_destroy(&reply);
		mongoc_collection_destroy(coll);
	}
	bson_destroy(filter);
	mq_db_release(db, client, database);
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

/* ---- the browser's cookies ---- */

static const char *cookie_secure(const mq_req *req)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *url = ctx && ctx->cfg && ctx->cfg->public_url ? ctx->cfg->public_url : "";
	return strncmp(url, "https://", 8) ? "" : "; Secure";
}

void mq_session_cookies_set(mq_req *req, mq_res *res, const char *token, const char *refresh,
			    const char *csrf)
{
	long ttl = mq_ctx_of(req)->cfg->jwt_ttl;
	const char *secure = cookie_secure(req);
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
				      MQ_SESSION_COOKIE, token, ttl, secure));
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/api/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
				      MQ_REFRESH_COOKIE, refresh, MQ_REFRESH_TTL, secure));
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax%s", MQ_CSRF_COOKIE,
				      csrf, ttl, secure));
	mq_res_header(req, res, "Cache-Control", "no-store");
}

void mq_session_cookies_clear(mq_req *req, mq_res *res)
{
	const char *secure = cookie_secure(req);
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", MQ_SESSION_COOKIE, secure));
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/api/; Max-Age=0; HttpOnly; SameSite=Strict%s", MQ_REFRESH_COOKIE, secure));
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/; Max-Age=0; SameSite=Lax%s", MQ_CSRF_COOKIE, secure));
	mq_res_header(req, res, "Cache-Control", "no-store");
}

void mq_session_ended_mark(mq_req *req, mq_res *res)
{
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=1; Path=/; Max-Age=600; HttpOnly; SameSite=Lax%s",
							   MQ_ENDED_COOKIE, cookie_secure(req)));
}

int mq_session_ended_take(mq_req *req, mq_res *res)
{
	if (!req->session_ended && !mq_req_cookie(req, MQ_ENDED_COOKIE))
		return 0;
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
							   MQ_ENDED_COOKIE, cookie_secure(req)));
	return 1;
}

const char *mq_presession_id(const mq_req *req)
{
	const char *id = mq_req_cookie(req, MQ_PRESESSION_COOKIE);
	if (!id || strlen(id) != 43 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != 43)
		return NULL;
	return id;
}

const char *mq_presession_csrf(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *id = mq_presession_id(req);
	char csrf[44];
	if (!ctx || !ctx->cfg || !ctx->cfg->jwt_secret)
		return NULL;
	if (!id) {
		char *fresh = mq_token_new();
		id = mq_arena_strdup(req->arena, fresh);
		free(fresh);
		/* a session cookie (no Max-Age): it lives as long as the form can be sent */
		mq_res_header(req, res, "Set-Cookie",
			      mq_arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
					      MQ_PRESESSION_COOKIE, id, cookie_secure(req)));
		mq_res_header(req, res, "Cache-Control", "no-store");
	}
	mq_csrf_token(ctx->cfg->jwt_secret, mq_arena_printf(req->arena, "pre:%s", id), csrf);
	return mq_arena_strdup(req->arena, csrf);
}
