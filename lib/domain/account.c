/* account.c — users: registration, sign-in, profiles and roles (see account.h). */
#include "domain/account.h"
#include "core/clock.h"
#include "core/jwt.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/password.h"
#include "domain/lists.h"
#include "domain/rating.h"
#include "domain/session.h"
#include "web/valid.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
	const char *lang = "en", *theme = "light", *region = NULL;
	int adult = 0;
	if (bson_iter_init_find(&it, doc, "settings") && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
		while (bson_iter_next(&sub)) {
			if (!strcmp(bson_iter_key(&sub), "language") && BSON_ITER_HOLDS_UTF8(&sub))
				lang = bson_iter_utf8(&sub, NULL);
			else if (!strcmp(bson_iter_key(&sub), "theme") && BSON_ITER_HOLDS_UTF8(&sub))
				theme = bson_iter_utf8(&sub, NULL);
			else if (!strcmp(bson_iter_key(&sub), "region") && BSON_ITER_HOLDS_UTF8(&sub))
				region = bson_iter_utf8(&sub, NULL);
			else if (!strcmp(bson_iter_key(&sub), "adult_content") && BSON_ITER_HOLDS_BOOL(&sub))
				adult = bson_iter_bool(&sub);
		}
	}
	cJSON_AddStringToObject(settings, "language", lang);
	cJSON_AddStringToObject(settings, "theme", theme);
	if (region) /* null: not chosen, the language's applies (fa: IR, else US) */
		cJSON_AddStringToObject(settings, "region", region);
	else
		cJSON_AddNullToObject(settings, "region");
	cJSON_AddBoolToObject(settings, "adult_content", adult);
	if (bson_iter_init_find(&it, doc, "created_at") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
		mq_clock_iso8601(bson_iter_date_time(&it), when, sizeof when);
		cJSON_AddStringToObject(u, "created_at", when);
	}
	if (bson_iter_init_find(&it, doc, "updated_at") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
		mq_clock_iso8601(bson_iter_date_time(&it), when, sizeof when);
		cJSON_AddStringToObject(u, "updated_at", when);
	}
	return u;
}

/* {genres, actors, movies} from a users document; absent lists are empty. */
static cJSON *preferences_json(const bson_t *doc)
{
	static const char *const lists[] = { "genres", "actors", "movies" };
	cJSON *p = cJSON_CreateObject();
	bson_iter_t it, list;
	for (size_t i = 0; i < 3; i++) {
		cJSON *arr = cJSON_AddArrayToObject(p, lists[i]);
		char path[32];
		snprintf(path, sizeof path, "preferences.%s", lists[i]);
		if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &list) ||
		    !BSON_ITER_HOLDS_ARRAY(&list) || !bson_iter_recurse(&list, &it))
			continue;
		while (bson_iter_next(&it)) {
			if (BSON_ITER_HOLDS_UTF8(&it))
				cJSON_AddItemToArray(arr, cJSON_CreateString(bson_iter_utf8(&it, NULL)));
			else if (BSON_ITER_HOLDS_NUMBER(&it))
				cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)bson_iter_as_int64(&it)));
		}
	}
	return p;
}

/* A copy of the users document with _id, or NULL (*rc says why: MQ_ENOTFOUND or a db error). */
static bson_t *find_user(mongoc_collection_t *users, const bson_oid_t *oid, mq_err *rc)
{
	bson_t *filter = BCON_NEW("_id", BCON_OID(oid));
	bson_t doc;
	*rc = mq_db_find_one(users, filter, NULL, &doc, "user lookup");
	bson_destroy(filter);
	bson_t *found = *rc == MQ_OK ? bson_copy(&doc) : NULL;
	bson_destroy(&doc);
	return found;
}

/* The user _id converted by convert (user_json or preferences_json), or NULL with *rc set. */
static cJSON *read_user(mongoc_collection_t *users, const bson_oid_t *oid,
			cJSON *(*convert)(const bson_t *doc), mq_err *rc)
{
	bson_t *doc = find_user(users, oid, rc);
	cJSON *out = doc ? convert(doc) : NULL;
	bson_destroy(doc);
	return out;
}

mq_err mq_account_get(mq_db *db, const char *user_id, cJSON **user, long long *token_version)
{
	bson_oid_t oid;
	mq_err rc;
	*user = NULL;
	if (mq_oid_parse(user_id, &oid))
		return MQ_EINVAL;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_t *doc = find_user(users, &oid, &rc);
	if (doc) {
		bson_iter_t it;
		*user = user_json(doc);
		if (token_version)
			*token_version = bson_iter_init_find(&it, doc, "token_version") && BSON_ITER_HOLDS_NUMBER(&it)
						 ? bson_iter_as_int64(&it) : 0;
	}
	bson_destroy(doc);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	return rc;
}

/* One update of the user _id under its lease (mq_db_update_leased; held: the caller holds it):
 * $set set plus updated_at, $unset unset (may be NULL). MQ_ENOTFOUND when no such user. */
static mq_err update_user(mongoc_database_t *database, const bson_oid_t *oid, const bson_t *set,
			  const bson_t *unset, int held, const char *what)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	bson_iter_t it;
	bson_t update = BSON_INITIALIZER, child, reply;
	BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
	bson_concat(&child, set);
	BSON_APPEND_DATE_TIME(&child, "updated_at", (int64_t)time(NULL) * 1000);
	bson_append_document_end(&update, &child);
	if (!bson_empty0(unset))
		BSON_APPEND_DOCUMENT(&update, "$unset", unset);
	bson_t *filter = BCON_NEW("_id", BCON_OID(oid));
	mongoc_collection_t *users = held ? mongoc_database_get_collection(database, "users") : NULL;
	bool ok = held ? mongoc_collection_update_one(users, filter, &update, NULL, &reply, &error)
		       : mq_db_update_leased(database, "users", oid, filter, &update, &reply, &error);
	if (!ok)
		rc = mq_db_error(&error, what);
	else if (bson_iter_init_find(&it, &reply, "matchedCount") && bson_iter_as_int64(&it) == 0)
		rc = MQ_ENOTFOUND;
	if (users)
		mongoc_collection_destroy(users);
	bson_destroy(&reply);
	bson_destroy(filter);
	bson_destroy(&update);
	return rc;
}

/* Whether an update of a users document changes who the member is to the audience rule: their
 * date of birth, region, language (the region's default) or adult titles setting. */
static int audience_changed(const bson_t *set, const bson_t *unset)
{
	static const char *const fields[] = { "date_of_birth", "settings.region", "settings.language",
					      "settings.adult_content", NULL };
	bson_iter_t it; /* the keys as $set and $unset name them, dots and all */
	for (int i = 0; fields[i]; i++)
		if ((set && bson_iter_init_find(&it, set, fields[i])) || (unset && bson_iter_init_find(&it, unset, fields[i])))
			return 1;
	return 0;
}

mq_err mq_account_update(mq_db *db, const char *user_id, const bson_t *set, const bson_t *unset,
			 cJSON **user)
{
	bson_oid_t oid;
	mq_err rc = MQ_OK;
	bson_error_t error;
	bson_iter_t it;
	*user = NULL;
	if (mq_oid_parse(user_id, &oid))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mongoc_database_get_collection(database, "users");

	/* FerretDB v1 reports an update that breaks a unique index as InternalError, not 11000
	 * (error 1), so a taken username is looked for first; the index stays the guard. */
	if (bson_iter_init_find(&it, set, "username") && BSON_ITER_HOLDS_UTF8(&it)) {
		bson_t *filter = BCON_NEW("username", BCON_UTF8(bson_iter_utf8(&it, NULL)), "_id", "{", "$ne", BCON_OID(&oid), "}");
		int64_t n = mongoc_collection_count_documents(users, filter, NULL, NULL, NULL, &error);
		bson_destroy(filter);
		if (n < 0)
			rc = mq_db_error(&error, "username check");
		else if (n > 0)
			rc = MQ_ECONFLICT;
	}
	if (rc == MQ_OK)
		rc = update_user(database, &oid, set, unset, 0, "profile update");
	if (rc == MQ_OK)
		*user = read_user(users, &oid, user_json, &rc);
	mongoc_collection_destroy(users);
	if (rc == MQ_OK && audience_changed(set, unset)) /* the lists (their ETags) and recommendations show other movies now */
		mq_lists_bump(database, &oid);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_account_preferences(mq_db *db, const char *user_id, const bson_t *set, cJSON **prefs)
{
	bson_oid_t oid;
	mq_err rc = MQ_OK;
	*prefs = NULL;
	if (mq_oid_parse(user_id, &oid))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mongoc_database_get_collection(database, "users");
	if (set && !bson_empty(set)) {
		rc = update_user(database, &oid, set, NULL, 0, "preferences update");
		if (rc == MQ_OK) /* recommendations depend on them */
			mq_lists_bump(database, &oid);
	}
	if (rc == MQ_OK)
		*prefs = read_user(users, &oid, preferences_json, &rc);
	mongoc_collection_destroy(users);
	mq_db_release(db, client, database);
	return rc;
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
	bson_t doc;
	mq_err found_rc = mq_db_find_one(users, &filter, NULL, &doc, "login");
	const bson_t *found = found_rc == MQ_OK ? &doc : NULL;
	if (found_rc != MQ_OK && found_rc != MQ_ENOTFOUND) {
		rc = found_rc;
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
	bson_destroy(&doc);
	bson_destroy(&filter);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	return rc;
}

/* Sets the role of the one user filter names; *changed says whether it was another. */
static mq_err set_role(mq_db *db, const bson_t *filter, const char *role, int *changed)
{
	*changed = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mongoc_database_get_collection(database, "users");
	bson_t doc, *opts = BCON_NEW("projection", "{", "role", BCON_INT32(1), "}");
	bson_iter_t it;
	bson_oid_t oid;
	mq_db_lease lease;
	bson_error_t error;
	mq_err rc = mq_db_find_one(users, filter, opts, &doc, "role lookup");
	if (rc == MQ_OK && !(bson_iter_init_find(&it, &doc, "_id") && BSON_ITER_HOLDS_OID(&it)))
		rc = MQ_ENOTFOUND;
	if (rc == MQ_OK) { /* the role read again, and set, under the member's lease */
		bson_oid_copy(bson_iter_oid(&it), &oid);
		bson_destroy(&doc);
		if (!mq_db_lease_take(database, "users", &oid, &lease, &error)) {
			rc = mq_db_error(&error, "role change");
			bson_init(&doc);
		} else {
			bson_t *mine = BCON_NEW("_id", BCON_OID(&oid));
			rc = mq_db_find_one(users, mine, opts, &doc, "role lookup");
			bson_destroy(mine);
			*changed = rc == MQ_OK && !(bson_iter_init_find(&it, &doc, "role") && BSON_ITER_HOLDS_UTF8(&it) &&
						    !strcmp(bson_iter_utf8(&it, NULL), role));
			bson_t set = BSON_INITIALIZER;
			BSON_APPEND_UTF8(&set, "role", role);
			if (rc == MQ_OK)
				rc = update_user(database, &oid, &set, NULL, 1, "role change");
			bson_destroy(&set);
			mq_db_lease_give(database, &lease);
			if (rc != MQ_OK)
				*changed = 0;
		}
	}
	bson_destroy(&doc);
	bson_destroy(opts);
	mongoc_collection_destroy(users);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_account_set_role(mq_db *db, const char *email, const char *role, int *changed)
{
	char *addr = mq_xstrdup(email);
	*changed = 0;
	if (!mq_valid_email(addr)) {
		free(addr);
		return MQ_EINVAL;
	}
	bson_t *filter = BCON_NEW("email", BCON_UTF8(addr));
	mq_err rc = set_role(db, filter, role, changed);
	bson_destroy(filter);
	free(addr);
	return rc;
}

mq_err mq_account_set_role_by_id(mq_db *db, const char *user_id, const char *role, int *changed)
{
	bson_oid_t oid;
	*changed = 0;
	if (mq_oid_parse(user_id, &oid))
		return MQ_ENOTFOUND;
	bson_t *filter = BCON_NEW("_id", BCON_OID(&oid));
	mq_err rc = set_role(db, filter, role, changed);
	bson_destroy(filter);
	return rc;
}

mq_err mq_account_list(mq_db *db, const char *q, long long page, long long limit, cJSON **items, long long *total)
{
	static const char *const shown[] = { "id", "email", "username", "name", "role", "created_at", "avatar", NULL };
	*items = NULL;
	*total = 0;
	bson_t filter = BSON_INITIALIZER;
	if (q && *q) {
		/* the start of the e-mail, username or name, case-insensitive, as plain text */
		mq_buf pattern = MQ_BUF_INIT;
		mq_buf_putc(&pattern, '^');
		for (const char *p = q; *p; p++) {
			if (strchr("\\^$.|?*+()[]{}", *p))
				mq_buf_putc(&pattern, '\\');
			mq_buf_putc(&pattern, *p);
		}
		bson_t or, clause, re;
		static const char *const fields[] = { "email", "username", "name" };
		BSON_APPEND_ARRAY_BEGIN(&filter, "$or", &or);
		for (int i = 0; i < 3; i++) {
			char key[4];
			snprintf(key, sizeof key, "%d", i);
			BSON_APPEND_DOCUMENT_BEGIN(&or, key, &clause);
			BSON_APPEND_DOCUMENT_BEGIN(&clause, fields[i], &re);
			BSON_APPEND_UTF8(&re, "$regex", mq_buf_cstr(&pattern));
			BSON_APPEND_UTF8(&re, "$options", "i");
			bson_append_document_end(&clause, &re);
			bson_append_document_end(&or, &clause);
		}
		bson_append_array_end(&filter, &or);
		mq_buf_free(&pattern);
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&filter);
		return MQ_EUNAVAIL;
	}
	mq_err rc = mq_db_page(database, "users", &filter, "created_at", page, limit, items, total);
	cJSON *u;
	cJSON_ArrayForEach(u, *items) {
		for (cJSON *f = u->child, *next; f; f = next) {
			next = f->next;
			int keep = 0;
			for (int i = 0; shown[i]; i++)
				keep |= !strcmp(shown[i], f->string);
			if (!keep)
				cJSON_Delete(cJSON_DetachItemViaPointer(u, f));
		}
	}
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

mq_err mq_account_taken(mq_db *db, const char *email, const char *username, unsigned *taken)
{
	static const char *const fields[] = { "email", "username" };
	const char *values[] = { email, username };
	bson_error_t error;
	mq_err rc = MQ_OK;
	*taken = 0;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	for (int i = 0; i < 2 && rc == MQ_OK; i++) {
		if (!values[i])
			continue;
		bson_t *filter = BCON_NEW(fields[i], BCON_UTF8(values[i]));
		int64_t n = mongoc_collection_count_documents(users, filter, NULL, NULL, NULL, &error);
		bson_destroy(filter);
		if (n < 0)
			rc = mq_db_error(&error, "registration conflict");
		else if (n > 0)
			*taken |= i == 0 ? MQ_TAKEN_EMAIL : MQ_TAKEN_USERNAME;
	}
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_account_check_password(mq_db *db, const mq_config *cfg, const char *user_id, const char *password)
{
	bson_oid_t oid;
	bson_iter_t it;
	mq_err rc;
	if (mq_oid_parse(user_id, &oid))
		return MQ_ENOTFOUND;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_t *doc = find_user(users, &oid, &rc);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	const char *hash = NULL;
	if (doc && bson_iter_init_find(&it, doc, "password_hash") && BSON_ITER_HOLDS_UTF8(&it))
		hash = bson_iter_utf8(&it, NULL);
	int ok = mq_password_verify(password, hash, cfg->bcrypt_cost);
	bson_destroy(doc);
	if (rc != MQ_OK)
		return rc;
	return ok ? MQ_OK : MQ_EFORBIDDEN;
}

mq_err mq_account_set_password(mq_db *db, const mq_config *cfg, const char *user_id, const char *password)
{
	bson_oid_t oid;
	mq_buf hash = MQ_BUF_INIT;
	if (mq_oid_parse(user_id, &oid))
		return MQ_ENOTFOUND;
	mq_err rc = mq_password_hash(password, cfg->bcrypt_cost, &hash);
	mongoc_client_t *client = NULL;
	mongoc_database_t *database = rc == MQ_OK ? mq_db_acquire(db, &client) : NULL;
	if (rc == MQ_OK && !database)
		rc = MQ_EUNAVAIL;
	if (database) {
		bson_t set = BSON_INITIALIZER;
		BSON_APPEND_UTF8(&set, "password_hash", mq_buf_cstr(&hash));
		rc = update_user(database, &oid, &set, NULL, 0, "password change");
		bson_destroy(&set);
		mq_db_release(db, client, database);
	}
	if (hash.data)
		explicit_bzero(hash.data, hash.len);
	mq_buf_free(&hash);
	return rc;
}

mq_err mq_account_change_password(mq_db *db, const mq_config *cfg, const char *user_id, long long version,
				  const char *current, const char *fresh)
{
	size_t len = strlen(fresh);
	mq_err rc = mq_account_check_password(db, cfg, user_id, current);
	if (rc == MQ_OK && (len < MQ_PASSWORD_MIN || len > MQ_PASSWORD_MAX))
		rc = MQ_EINVAL;
	if (rc == MQ_OK)
		rc = mq_account_set_password(db, cfg, user_id, fresh);
	if (rc == MQ_OK)
		rc = mq_session_revoke_all(db, user_id, version);
	return rc;
}

mq_err mq_account_by_email(mq_db *db, const char *email, cJSON **user)
{
	bson_t doc;
	*user = NULL;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *users = mq_db_collection(db, client, "users");
	bson_t *filter = BCON_NEW("email", BCON_UTF8(email));
	mq_err rc = mq_db_find_one(users, filter, NULL, &doc, "user by e-mail");
	if (rc == MQ_OK)
		*user = user_json(&doc);
	bson_destroy(&doc);
	bson_destroy(filter);
	mongoc_collection_destroy(users);
	mq_db_push(db, client);
	return rc;
}

/* Deletes every document of collection whose key is the user. */
static mq_err delete_of_user(mongoc_database_t *database, const char *collection, const char *key,
			     const bson_oid_t *user)
{
	bson_error_t error;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t *filter = BCON_NEW(key, BCON_OID(user));
	mq_err rc = mongoc_collection_delete_many(coll, filter, NULL, NULL, &error) ? MQ_OK
										   : mq_db_error(&error, collection);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return rc;
}

mq_err mq_account_delete(mq_db *db, const char *user_id, char *avatar, size_t avatar_size)
{
	/* the member's documents, by the field that names them; the users document goes last, so
	 * a deletion cut short can be asked for again */
	static const struct { const char *collection, *key; } owned[] = {
		{ "watchlist", "user_id" }, { "favorites", "user_id" }, { "interactions", "user_id" },
		{ "list_versions", "user_id" },
		{ "rec_cache", "_id" }, { "refresh_tokens", "user_id" }, { "password_resets", "user_id" },
		{ "revocations", "user_id" }, { "users", "_id" }, { "logouts", "user_id" },
	};
	bson_oid_t oid;
	long long hint = 0, version = 0;
	cJSON *user = NULL;
	avatar[0] = '\0';
	if (mq_oid_parse(user_id, &oid))
		return MQ_ENOTFOUND;
	mq_err rc = mq_account_get(db, user_id, &user, &hint);
	const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "avatar"));
	if (url)
		snprintf(avatar, avatar_size, "%s", url);
	cJSON_Delete(user);
	/* no session of theirs acts while their data goes (logouts are removed after the users
	 * document: a session of a user who does not exist is refused anyway) */
	if (rc == MQ_OK)
		rc = mq_session_version(db, user_id, hint, &version);
	if (rc == MQ_OK)
		rc = mq_session_revoke_all(db, user_id, version);
	if (rc == MQ_OK)
		rc = mq_ratings_remove_user(db, user_id, NULL);
	if (rc != MQ_OK)
		return rc;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	rc = mq_lists_digest_drop(database, &oid);
	for (size_t i = 0; i < sizeof owned / sizeof owned[0] && rc == MQ_OK; i++)
		rc = delete_of_user(database, owned[i].collection, owned[i].key, &oid);
	mq_db_release(db, client, database);
	return rc;
}
