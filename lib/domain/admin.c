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

/* The first non-empty of the document's string fields (NULL-terminated), for mq_db_join. */
static cJSON *first_name(const bson_t *doc, const void *fields)
{
	for (const char *const *f = fields; *f; f++) {
		bson_iter_t it;
		const char *name;
		if (bson_iter_init_find(&it, doc, *f) && BSON_ITER_HOLDS_UTF8(&it) && *(name = bson_iter_utf8(&it, NULL)))
			return cJSON_CreateString(name);
	}
	return NULL;
}

mq_err mq_admin_audit_names(mq_db *db, cJSON *items)
{
	static const char *const person[] = { "name", "username", "email", NULL };
	static const char *const movie[] = { "title", NULL };
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	bson_t *people = BCON_NEW("projection", "{", "name", BCON_INT32(1), "username", BCON_INT32(1), "email",
				  BCON_INT32(1), "}");
	bson_t *titles = BCON_NEW("projection", "{", "title", BCON_INT32(1), "}");
	/* ObjectIds are unique across collections: a member's id finds no movie, and the reverse */
	mq_db_join(database, "users", items, "actor", "actor_name", people, first_name, person);
	mq_db_join(database, "users", items, "target", "target_name", people, first_name, person);
	mq_db_join(database, "movies", items, "target", "target_title", titles, first_name, movie);
	bson_destroy(titles);
	bson_destroy(people);
	mq_db_release(db, client, database);
	return MQ_OK;
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
