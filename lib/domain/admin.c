/* admin.c — the audit log, the sync's notifications and runs, members' roles (see admin.h). */
#include "domain/admin.h"
#include "core/clock.h"
#include "core/log.h"
#include "domain/account.h"
#include "domain/sync.h"

#include <stdio.h>
#include <string.h>

static cJSON *changes(const cJSON *before, const cJSON *after)
{
	static const char *const skip[] = { "updated_at", "tmdb_synced_at", "search_keys", "title_key", NULL };
	cJSON *list = cJSON_CreateArray();
	const cJSON *sides[2] = { after, before };
	for (int side = 0; side < 2; side++) {
		const cJSON *f;
		cJSON_ArrayForEach(f, sides[side]) {
			int skipped = 0;
			for (int i = 0; skip[i]; i++)
				skipped |= !strcmp(skip[i], f->string);
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(before, f->string);
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(after, f->string);
			if (skipped || (side == 1 && a) || (a && b && cJSON_Compare(a, b, 1)))
				continue; /* the second pass only adds what the first could not see */
			cJSON *c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "field", f->string);
			cJSON_AddItemToObject(c, "before", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(c, "after", a ? cJSON_Duplicate(a, 1) : cJSON_CreateNull());
			cJSON_AddItemToArray(list, c);
		}
	}
	return list;
}

mq_err mq_admin_audit(mq_db *db, const char *actor, const char *action, const char *kind, const char *target,
		const cJSON *before, const cJSON *after, const char *request_id)
{
	bson_oid_t who;
	if (mq_oid_parse(actor, &who))
		return MQ_EINVAL;
	cJSON *list = changes(before, after);
	bson_t *diff = mq_db_bson_from_json(list);
	cJSON_Delete(list);
	bson_t doc = BSON_INITIALIZER, arr;
	BSON_APPEND_OID(&doc, "actor", &who);
	BSON_APPEND_UTF8(&doc, "action", action);
	BSON_APPEND_UTF8(&doc, "kind", kind);
	BSON_APPEND_UTF8(&doc, "target", target ? target : "");
	/* bson_new_from_json makes the array a document with keys "0", "1", …: append it as one */
	BSON_APPEND_ARRAY_BEGIN(&doc, "changes", &arr);
	if (diff)
		bson_concat(&arr, diff);
	bson_append_array_end(&doc, &arr);
	BSON_APPEND_DATE_TIME(&doc, "at", mq_clock_ms());
	if (request_id)
		BSON_APPEND_UTF8(&doc, "request_id", request_id);
	bson_destroy(diff);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&doc);
		return MQ_EUNAVAIL;
	}
	bson_error_t error;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "audit_log");
	if (!mongoc_collection_insert_one(coll, &doc, NULL, NULL, &error))
		rc = mq_db_error(&error, "audit");
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	bson_destroy(&doc);
	return rc;
}

void mq_admin_audit_by(mq_db *db, const mq_admin_actor *who, const char *action, const char *kind,
		       const char *target, const cJSON *before, const cJSON *after)
{
	if (mq_admin_audit(db, who->user_id, action, kind, target, before, after, who->request_id) != MQ_OK)
		mq_log(MQ_LOG_ERROR, "audit", "%s of %s %s by %s not audited", action, kind, target ? target : "",
		       who->user_id);
}

mq_err mq_admin_audit_list(mq_db *db, const char *target, const char *actor, const char *action, long long page,
		     long long limit, cJSON **items, long long *total)
{
	bson_t filter = BSON_INITIALIZER;
	bson_oid_t who;
	if (target)
		BSON_APPEND_UTF8(&filter, "target", target);
	if (actor) {
		if (mq_oid_parse(actor, &who)) {
			bson_destroy(&filter);
			return MQ_EINVAL;
		}
		BSON_APPEND_OID(&filter, "actor", &who);
	}
	if (action && !strcmp(action, "movie.hide")) /* and as it was audited before it had its name */
		BCON_APPEND(&filter, "action", "{", "$in", "[", BCON_UTF8("movie.hide"), BCON_UTF8("movie.delete"), "]", "}");
	else if (action)
		BSON_APPEND_UTF8(&filter, "action", action);
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(&filter);
		return MQ_EUNAVAIL;
	}
	mq_err rc = mq_db_page_deep(database, "audit_log", &filter, "at", page, limit, items, total);
	mq_db_release(db, client, database);
	bson_destroy(&filter);
	return rc;
}

/* Adds each id of items' key (when the entry's kind is kind, or any kind for NULL) to ids once. */
static void collect_ids(const cJSON *items, const char *key, const char *kind, bson_t *ids, int *n)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, items) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, key));
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "kind"));
		bson_oid_t oid;
		if ((kind && (!k || strcmp(k, kind))) || !id || mq_oid_parse(id, &oid))
			continue;
		char index[16];
		const char *index_key;
		bson_uint32_to_string((uint32_t)*n, &index_key, index, sizeof index);
		BSON_APPEND_OID(ids, index_key, &oid);
		(*n)++;
	}
}

/* {"<hex id>": "<name>"} of the documents of coll whose _id is in ids, the name its first
 * non-empty field of fields (NULL-terminated). */
static mq_err names_by_id(mongoc_database_t *database, const char *coll, const bson_t *ids,
			  const char *const *fields, cJSON *out)
{
	bson_t filter = BSON_INITIALIZER, in, projection = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "_id", &in);
	BSON_APPEND_ARRAY(&in, "$in", ids);
	bson_append_document_end(&filter, &in);
	for (int i = 0; fields[i]; i++)
		BSON_APPEND_INT32(&projection, fields[i], 1);
	BSON_APPEND_DOCUMENT(&opts, "projection", &projection);
	mongoc_collection_t *c = mongoc_database_get_collection(database, coll);
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(c, &filter, &opts, NULL);
	const bson_t *doc;
	bson_error_t error;
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		char hex[25];
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		bson_oid_to_string(bson_iter_oid(&it), hex);
		for (int i = 0; fields[i]; i++) {
			const char *name;
			if (bson_iter_init_find(&it, doc, fields[i]) && BSON_ITER_HOLDS_UTF8(&it) &&
			    *(name = bson_iter_utf8(&it, NULL))) {
				cJSON_AddStringToObject(out, hex, name);
				break;
			}
		}
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, coll) : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(c);
	bson_destroy(&opts);
	bson_destroy(&projection);
	bson_destroy(&filter);
	return rc;
}

/* Sets items' name_key from names by the id in their id_key, for entries of kind (NULL: any). */
static void add_names(cJSON *items, const char *id_key, const char *kind, const cJSON *names, const char *name_key)
{
	cJSON *item;
	cJSON_ArrayForEach(item, items) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, id_key));
		const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "kind"));
		const char *name = id ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(names, id)) : NULL;
		if (name && (!kind || (k && !strcmp(k, kind))))
			cJSON_AddStringToObject(item, name_key, name);
	}
}

mq_err mq_admin_audit_names(mq_db *db, cJSON *items)
{
	static const char *const person[] = { "name", "username", "email", NULL };
	static const char *const movie[] = { "title", NULL };
	bson_t users = BSON_INITIALIZER, movies = BSON_INITIALIZER;
	int n_users = 0, n_movies = 0;
	collect_ids(items, "actor", NULL, &users, &n_users);
	collect_ids(items, "target", "user", &users, &n_users);
	collect_ids(items, "target", "movie", &movies, &n_movies);
	cJSON *user_names = cJSON_CreateObject(), *titles = cJSON_CreateObject();
	mq_err rc = MQ_OK;
	mongoc_client_t *client;
	mongoc_database_t *database = (n_users || n_movies) ? mq_db_acquire(db, &client) : NULL;
	if ((n_users || n_movies) && !database)
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK && n_users)
		rc = names_by_id(database, "users", &users, person, user_names);
	if (rc == MQ_OK && n_movies)
		rc = names_by_id(database, "movies", &movies, movie, titles);
	if (database)
		mq_db_release(db, client, database);
	add_names(items, "actor", NULL, user_names, "actor_name");
	add_names(items, "target", "user", user_names, "target_name");
	add_names(items, "target", "movie", titles, "target_title");
	cJSON_Delete(titles);
	cJSON_Delete(user_names);
	bson_destroy(&movies);
	bson_destroy(&users);
	return rc;
}

/* {seen_by: {$nin: [admin]}}: what admin has not seen. Caller destroys. */
static bson_t *not_seen_by(const bson_oid_t *admin)
{
	return BCON_NEW("seen_by", "{", "$nin", "[", BCON_OID(admin), "]", "}");
}

mq_err mq_admin_notifications_unseen(mq_db *db, const char *admin_id, long long *unseen)
{
	bson_oid_t admin;
	bson_error_t error;
	*unseen = 0;
	if (mq_oid_parse(admin_id, &admin))
		return MQ_EINVAL;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "notifications");
	bson_t *filter = not_seen_by(&admin);
	int64_t n = mongoc_collection_count_documents(coll, filter, NULL, NULL, NULL, &error);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	*unseen = n < 0 ? 0 : n;
	return n < 0 ? mq_db_error(&error, "notifications") : MQ_OK;
}

mq_err mq_admin_notifications_list(mq_db *db, const char *admin_id, int unseen_only, long long page, long long limit,
			     cJSON **items, long long *total, long long *unseen)
{
	bson_oid_t admin;
	*items = NULL;
	*total = *unseen = 0;
	if (mq_oid_parse(admin_id, &admin))
		return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *filter = unseen_only ? not_seen_by(&admin) : bson_new();
	mq_err rc = mq_db_page_deep(database, "notifications", filter, "at", page, limit, items, total);
	bson_destroy(filter);
	mq_db_release(db, client, database);
	if (rc == MQ_OK)
		rc = mq_admin_notifications_unseen(db, admin_id, unseen);
	if (rc != MQ_OK) {
		cJSON_Delete(*items);
		*items = NULL;
		return rc;
	}
	char hex[25];
	bson_oid_to_string(&admin, hex);
	cJSON *item;
	cJSON_ArrayForEach(item, *items) {
		/* whether this admin has seen it; who else has is nobody else's business here */
		int seen = 0;
		const cJSON *who;
		cJSON_ArrayForEach(who, cJSON_GetObjectItemCaseSensitive(item, "seen_by"))
			seen |= cJSON_IsString(who) && !strcmp(who->valuestring, hex);
		cJSON_DeleteItemFromObjectCaseSensitive(item, "seen_by");
		cJSON_AddBoolToObject(item, "seen", seen);
	}
	return MQ_OK;
}

mq_err mq_admin_notifications_seen(mq_db *db, const char *admin_id, const char *id)
{
	bson_oid_t admin, one;
	if (mq_oid_parse(admin_id, &admin))
		return MQ_EINVAL;
	if (id && mq_oid_parse(id, &one))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_error_t error;
	bson_t reply;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "notifications");
	bson_t *filter = id ? BCON_NEW("_id", BCON_OID(&one)) : bson_new();
	bson_t *update = BCON_NEW("$addToSet", "{", "seen_by", BCON_OID(&admin), "}");
	if (!mongoc_collection_update_many(coll, filter, update, NULL, &reply, &error)) {
		rc = mq_db_error(&error, "notifications seen");
	} else if (id) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, &reply, "matchedCount") && bson_iter_as_int64(&it) == 0)
			rc = MQ_ENOTFOUND;
	}
	bson_destroy(&reply);
	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	return rc;
}

mq_err mq_admin_sync_runs(mq_db *db, long long page, long long limit, cJSON **items, long long *total, cJSON **lease)
{
	*items = *lease = NULL;
	*total = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t all = BSON_INITIALIZER;
	mq_err rc = mq_db_page_deep(database, "synclogs", &all, "started_at", page, limit, items, total);
	if (rc == MQ_OK) {
		const bson_t *doc;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "sync_lease");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, NULL, NULL);
		bson_error_t error;
		if (mongoc_cursor_next(cursor, &doc))
			*lease = mq_db_doc_json_deep(doc);
		else if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "sync_lease");
		if (rc != MQ_OK) {
			cJSON_Delete(*items);
			*items = NULL;
		}
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(coll);
	}
	mq_db_release(db, client, database);
	return rc;
}

void mq_admin_sync_holder(const cJSON *lease, char *out, size_t size)
{
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lease, "kind"));
	const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lease, "host"));
	snprintf(out, size, "%s pid %lld on %s", kind ? kind : "?",
		 (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(lease, "pid")), host ? host : "?");
}

mq_err mq_admin_sync_start(const mq_env *env, const mq_admin_actor *who, const char *kind, cJSON **run)
{
	cJSON *items = NULL, *lease = NULL;
	long long total = 0;
	*run = NULL;
	mq_err rc = mq_admin_sync_runs(env->db, 1, 1, &items, &total, &lease);
	cJSON_Delete(items);
	if (rc == MQ_OK && lease)
		rc = MQ_ECONFLICT;
	cJSON_Delete(lease);
	long pid = 0;
	if (rc == MQ_OK)
		rc = mq_sync_start(env->cfg, kind, &pid);
	if (rc != MQ_OK)
		return rc;
	*run = cJSON_CreateObject();
	cJSON_AddStringToObject(*run, "kind", kind);
	cJSON_AddNumberToObject(*run, "pid", (double)pid);
	mq_admin_audit_by(env->db, who, "sync.start", "sync", kind, NULL, *run);
	return MQ_OK;
}

mq_err mq_admin_users(mq_db *db, const char *q, long long page, long long limit, cJSON **items, long long *total)
{
	return mq_account_list(db, q, page, limit, items, total);
}

const char *const mq_admin_roles[] = { "user", "admin", NULL };

mq_err mq_admin_user_role(mq_db *db, const mq_admin_actor *who, const char *user_id, const char *role, cJSON **user)
{
	cJSON *before = NULL;
	int changed = 0;
	*user = NULL;
	if (!strcmp(user_id, who->user_id))
		return MQ_EUNPROCESSABLE;
	mq_err rc = mq_account_get(db, user_id, &before, NULL);
	if (rc == MQ_OK)
		rc = mq_account_set_role_by_id(db, user_id, role, &changed);
	if (rc == MQ_OK)
		rc = mq_account_get(db, user_id, user, NULL);
	if (rc == MQ_OK && changed)
		mq_admin_audit_by(db, who, "user.role", "user", user_id, before, *user);
	cJSON_Delete(before);
	return rc == MQ_EINVAL ? MQ_ENOTFOUND : rc; /* a malformed id names nobody */
}
