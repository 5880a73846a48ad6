/* account.c — users: registration, sign-in, sessions (see account.h). */
#include "account.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"
#include "password.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int mq_valid_email(char *email)
{
	size_t len = strlen(email);
	if (len < 3 || len > 254)
		return 0;
	for (char *p = email; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("()<>,;:\\\"[]", c))
			return 0;
		*p = (char)tolower(c);
	}
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@') || at - email > 64)
		return 0;
	const char *domain = at + 1, *dot = strrchr(domain, '.');
	return dot && dot > domain && dot[1] && dot[1] != '.' && !strstr(domain, "..") && domain[0] != '.';
}

int mq_valid_date(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap))
		return 0;
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return strcmp(s, today) <= 0;
}

static void iso_time(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];
	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", base, (int)(ms % 1000));
}

static void add_string_or_null(cJSON *out, const char *key, const bson_t *doc, const char *field)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, field) && BSON_ITER_HOLDS_UTF8(&it))
		cJSON_AddStringToObject(out, key, bson_iter_utf8(&it, NULL));
	else
		cJSON_AddNullToObject(out, key);
}

/* The public representation of a users document: never the hash, never token_version. */
static cJSON *user_json(const bson_t *doc)
{
	cJSON *u = cJSON_CreateObject();
	bson_iter_t it, sub;
	char oid[25] = "", when[40];
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_to_string(bson_iter_oid(&it), oid);
	cJSON_AddStringToObject(u, "id", oid);
	add_string_or_null(u, "username", doc, "username");
	add_string_or_null(u, "name", doc, "name");
	add_string_or_null(u, "email", doc, "email");
	add_string_or_null(u, "role", doc, "role");
	add_string_or_null(u, "date_of_birth", doc, "date_of_birth");
	add_string_or_null(u, "avatar", doc, "avatar");
	cJSON *settings = cJSON_AddObjectToObject(u, "settings");
	const char *lang = "en", *theme = "light";
	if (bson_iter_init_find(&it, doc, "settings") && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
		while (bson_iter_next(&sub)) {
			if (!strcmp(bson_iter_key(&sub), "language") && BSON_ITER_HOLDS_UTF8(&sub))
				lang = bson_iter_utf8(&sub, NULL);
			else if (!strcmp(bson_iter_key(&sub), "theme") && BSON_ITER_HOLDS_UTF8(&sub))
				theme = bson_iter_utf8(&sub, NULL);
		}
	}
	cJSON_AddStringToObject(settings, "language", lang);
	cJSON_AddStringToObject(settings, "theme", theme);
	if (bson_iter_init_find(&it, doc, "created_at") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
		iso_time(bson_iter_date_time(&it), when, sizeof when);
		cJSON_AddStringToObject(u, "created_at", when);
	}
	return u;
}

/* A username from the e-mail's local part: [a-z0-9_], at most 20, plus "_" and 4 random hex. */
static void derive_username(const char *email, char out[32])
{
	size_t n = 0;
	for (const char *p = email; *p && *p != '@' && n < 20; p++)
		if (isalnum((unsigned char)*p) || *p == '_')
			out[n++] = *p;
	if (n == 0)
		out[n++] = 'u';
	unsigned char r[2];
	if (RAND_bytes(r, sizeof r) != 1)
		r[0] = r[1] = 0; /* still unique enough to retry on conflict */
	snprintf(out + n, 32 - n, "_%02x%02x", r[0], r[1]);
}

mq_err mq_account_register(mq_db *db, const mq_config *cfg, const mq_new_user *in, cJSON **user)
{
	mq_err rc;
	mq_buf hash = MQ_BUF_INIT;
	*user = NULL;
	if ((rc = mq_password_hash(in->password, cfg->bcrypt_cost, &hash)) != MQ_OK) {
		mq_buf_free(&hash);
		return rc;
	}
	char username[32];
	if (in->username)
		snprintf(username, sizeof username, "%s", in->username);
	else
		derive_username(in->email, username);

	mongoc_client_t *client = mq_db_pop(db);
	if (!client) {
		mq_buf_free(&hash);
		return MQ_EUNAVAIL;
	}
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_oid_t oid;
	bson_oid_init(&oid, NULL);
	int64_t now = (int64_t)time(NULL) * 1000;
	bson_t doc = BSON_INITIALIZER, child;
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_UTF8(&doc, "username", username);
	if (in->name)
		BSON_APPEND_UTF8(&doc, "name", in->name);
	BSON_APPEND_UTF8(&doc, "email", in->email);
	BSON_APPEND_UTF8(&doc, "password_hash", mq_buf_cstr(&hash));
	BSON_APPEND_UTF8(&doc, "role", "user");
	if (in->date_of_birth)
		BSON_APPEND_UTF8(&doc, "date_of_birth", in->date_of_birth);
	BSON_APPEND_DOCUMENT_BEGIN(&doc, "settings", &child);
	BSON_APPEND_UTF8(&child, "language", "en");
	BSON_APPEND_UTF8(&child, "theme", "light");
	bson_append_document_end(&doc, &child);
	BSON_APPEND_DOCUMENT_BEGIN(&doc, "preferences", &child);
	bson_t arr;
	BSON_APPEND_ARRAY_BEGIN(&child, "genres", &arr);
	bson_append_array_end(&child, &arr);
	BSON_APPEND_ARRAY_BEGIN(&child, "actors", &arr);
	bson_append_array_end(&child, &arr);
	BSON_APPEND_ARRAY_BEGIN(&child, "movies", &arr);
	bson_append_array_end(&child, &arr);
	bson_append_document_end(&doc, &child);
	BSON_APPEND_INT64(&doc, "lists_version", 0);
	BSON_APPEND_INT64(&doc, "token_version", 0);
	BSON_APPEND_DATE_TIME(&doc, "created_at", now);
	BSON_APPEND_DATE_TIME(&doc, "updated_at", now);

	bson_error_t error;
	if (mongoc_collection_insert_one(users, &doc, NULL, NULL, &error)) {
		*user = user_json(&doc);
		rc = MQ_OK;
	} else {
		rc = mq_db_error(&error, "register");
	}
	bson_destroy(&doc);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	explicit_bzero(hash.data, hash.len);
	mq_buf_free(&hash);
	return rc;
}

mq_err mq_account_login(mq_db *db, const mq_config *cfg, const char *email, const char *password,
			cJSON **user, long long *token_version)
{
	mq_err rc = MQ_EUNAUTH;
	*user = NULL;
	*token_version = 0;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_t filter = BSON_INITIALIZER;
	BSON_APPEND_UTF8(&filter, "email", email);
	bson_t *opts = BCON_NEW("limit", BCON_INT64(1));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(users, &filter, opts, NULL);
	const bson_t *doc = NULL;
	bson_t *found = NULL;
	if (mongoc_cursor_next(cursor, &doc))
		found = bson_copy(doc);
	bson_error_t error;
	if (mongoc_cursor_error(cursor, &error)) {
		rc = mq_db_error(&error, "login");
		goto out;
	}
	bson_iter_t it;
	const char *hash = NULL;
	if (found && bson_iter_init_find(&it, found, "password_hash") && BSON_ITER_HOLDS_UTF8(&it))
		hash = bson_iter_utf8(&it, NULL);
	/* runs bcrypt even when there is no such user: no timing difference to enumerate with */
	if (mq_password_verify(password, hash, cfg->bcrypt_cost)) {
		if (bson_iter_init_find(&it, found, "token_version") && BSON_ITER_HOLDS_NUMBER(&it))
			*token_version = bson_iter_as_int64(&it);
		*user = user_json(found);
		rc = MQ_OK;
	}
out:
	bson_destroy(found);
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(&filter);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	return rc;
}

void mq_session_issue(const mq_config *cfg, const char *user_id, const char *role,
		      long long token_version, cJSON *out, char **token)
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
	c.tv = token_version;
	mq_buf t = MQ_BUF_INIT;
	mq_jwt_sign(&c, cfg->jwt_secret, strlen(cfg->jwt_secret), &t);
	char when[40];
	iso_time((int64_t)c.exp * 1000, when, sizeof when);
	cJSON_AddStringToObject(out, "token", mq_buf_cstr(&t));
	cJSON_AddStringToObject(out, "token_type", "Bearer");
	cJSON_AddNumberToObject(out, "expires_in", (double)cfg->jwt_ttl);
	cJSON_AddStringToObject(out, "expires_at", when);
	*token = mq_buf_steal(&t);
}
