/* db.c — the process's MongoDB pool and error mapping (see db.h). */
#include "store/db.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"

#include <string.h>
#include <time.h>

struct mq_db {
	mongoc_client_pool_t *pool;
	mongoc_uri_t *uri;
	char *name;
};

static void default_int(mongoc_uri_t *uri, const char *option, int value)
{
	if (!mongoc_uri_has_option(uri, option))
		mongoc_uri_set_option_as_int32(uri, option, value);
}

/* The commands this thread sent since mq_db_round_trips_reset(): every command is one round trip
 * (a cursor's getMore its own), which the driver reports as it starts it, in the calling thread. */
static _Thread_local long round_trips;

static void command_started(const mongoc_apm_command_started_t *event)
{
	(void)event;
	round_trips++;
}

void mq_db_round_trips_reset(void)
{
	round_trips = 0;
}

long mq_db_round_trips(void)
{
	return round_trips;
}

mq_db *mq_db_open(const char *uri_text, const char *db_name, const char *appname, mq_db_timeouts t,
		  mq_buf *err)
{
	bson_error_t error;
	mongoc_init(); /* idempotent */
	mongoc_uri_t *uri = mongoc_uri_new_with_error(uri_text, &error);
	if (!uri) {
		mq_buf_puts(err, "MONGODB_URI is not a valid connection string");
		return NULL;
	}
	default_int(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, t.server_selection_ms);
	default_int(uri, MONGOC_URI_CONNECTTIMEOUTMS, t.connect_ms);
	default_int(uri, MONGOC_URI_SOCKETTIMEOUTMS, t.socket_ms);
	default_int(uri, MONGOC_URI_WAITQUEUETIMEOUTMS, t.wait_queue_ms);
	if (!mongoc_uri_get_write_concern(uri) ||
	    mongoc_write_concern_get_w(mongoc_uri_get_write_concern(uri)) == MONGOC_WRITE_CONCERN_W_DEFAULT) {
		mongoc_write_concern_t *wc = mongoc_write_concern_new();
		mongoc_write_concern_set_wmajority(wc, 5000);
		mongoc_uri_set_write_concern(uri, wc);
		mongoc_write_concern_destroy(wc);
	}
	if (!mongoc_uri_get_appname(uri))
		mongoc_uri_set_appname(uri, appname);

	mongoc_client_pool_t *pool = mongoc_client_pool_new_with_error(uri, &error);
	if (!pool) {
		mq_buf_printf(err, "cannot create the MongoDB pool: %s", error.message);
		mongoc_uri_destroy(uri);
		return NULL;
	}
	mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
	mongoc_apm_callbacks_t *apm = mongoc_apm_callbacks_new();
	mongoc_apm_set_command_started_cb(apm, command_started);
	mongoc_client_pool_set_apm_callbacks(pool, apm, NULL);
	mongoc_apm_callbacks_destroy(apm);
	mq_db *db = mq_xcalloc(1, sizeof *db);
	db->pool = pool;
	db->uri = uri;
	db->name = mq_xstrdup(db_name);
	return db;
}

void mq_db_close(mq_db *db)
{
	if (!db)
		return;
	mongoc_client_pool_destroy(db->pool);
	mongoc_uri_destroy(db->uri);
	free(db->name);
	free(db);
}

mongoc_client_t *mq_db_pop(mq_db *db)
{
	if (!db)
		return NULL; /* a worker or tool without a database: every caller answers "unavailable" */
	mongoc_client_t *c = mongoc_client_pool_pop(db->pool);
	if (!c)
		mq_log(MQ_LOG_WARN, "db", "no database client free within waitQueueTimeoutMS");
	return c;
}

void mq_db_push(mq_db *db, mongoc_client_t *client)
{
	if (client)
		mongoc_client_pool_push(db->pool, client);
}

mongoc_collection_t *mq_db_collection(mq_db *db, mongoc_client_t *client, const char *name)
{
	return mongoc_client_get_collection(client, db->name, name);
}

const char *mq_db_name(const mq_db *db)
{
	return db->name;
}

mongoc_database_t *mq_db_acquire(mq_db *db, mongoc_client_t **client)
{
	*client = mq_db_pop(db);
	return *client ? mongoc_client_get_database(*client, db->name) : NULL;
}

void mq_db_release(mq_db *db, mongoc_client_t *client, mongoc_database_t *database)
{
	mongoc_database_destroy(database);
	mq_db_push(db, client);
}

int mq_oid_parse(const char *hex, bson_oid_t *oid)
{
	if (!hex || strlen(hex) != 24 || !bson_oid_is_valid(hex, 24))
		return -1;
	bson_oid_init_from_string(oid, hex);
	return 0;
}

bson_t *mq_db_bson_from_json(const cJSON *json)
{
	char *text = cJSON_PrintUnformatted(json);
	bson_error_t error;
	bson_t *b = text ? bson_new_from_json((const uint8_t *)text, -1, &error) : NULL;
	cJSON_free(text);
	return b;
}

cJSON *mq_db_doc_json(const bson_t *doc)
{
	bson_iter_t it;
	char text[40];
	cJSON *out = cJSON_CreateObject();
	if (!bson_iter_init(&it, doc))
		return out;
	while (bson_iter_next(&it)) {
		const char *key = bson_iter_key(&it);
		if (!strcmp(key, "_id"))
			key = "id";
		switch (bson_iter_type(&it)) {
		case BSON_TYPE_OID:
			bson_oid_to_string(bson_iter_oid(&it), text);
			cJSON_AddStringToObject(out, key, text);
			break;
		case BSON_TYPE_DATE_TIME:
			mq_clock_iso8601(bson_iter_date_time(&it), text, sizeof text);
			cJSON_AddStringToObject(out, key, text);
			break;
		case BSON_TYPE_UTF8:
			cJSON_AddStringToObject(out, key, bson_iter_utf8(&it, NULL));
			break;
		case BSON_TYPE_BOOL:
			cJSON_AddBoolToObject(out, key, bson_iter_bool(&it));
			break;
		case BSON_TYPE_INT32:
		case BSON_TYPE_INT64:
		case BSON_TYPE_DOUBLE:
			cJSON_AddNumberToObject(out, key, bson_iter_as_double(&it));
			break;
		default:
			break;
		}
	}
	return out;
}

/* $oid and $date wrappers of relaxed extended JSON, anywhere in a tree, become plain strings. */
static void unwrap(cJSON *node)
{
	for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
		const cJSON *oid = cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, "$oid") : NULL;
		const cJSON *date = cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, "$date") : NULL;
		const char *text = cJSON_GetStringValue(oid ? oid : date);
		if (text && c->child && !c->child->next) {
			char *copy = mq_xstrdup(text);
			cJSON_Delete(c->child);
			c->child = NULL;
			c->type = cJSON_String;
			c->valuestring = copy;
		} else {
			unwrap(c);
		}
	}
}

cJSON *mq_db_doc_json_deep(const bson_t *doc)
{
	char *text = bson_as_relaxed_extended_json(doc, NULL);
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	bson_free(text);
	if (!j)
		return NULL;
	unwrap(j);
	cJSON *id = cJSON_DetachItemFromObjectCaseSensitive(j, "_id");
	if (id)
		cJSON_AddItemToObject(j, "id", id);
	return j;
}

static mq_err page_of(mongoc_database_t *database, const char *collection, const bson_t *filter,
		      const char *sort_key, long long page, long long limit, cJSON *(*convert)(const bson_t *),
		      cJSON **items, long long *total);

mq_err mq_db_page(mongoc_database_t *database, const char *collection, const bson_t *filter,
		  const char *sort_key, long long page, long long limit, cJSON **items, long long *total)
{
	return page_of(database, collection, filter, sort_key, page, limit, mq_db_doc_json, items, total);
}

mq_err mq_db_page_deep(mongoc_database_t *database, const char *collection, const bson_t *filter,
		       const char *sort_key, long long page, long long limit, cJSON **items, long long *total)
{
	return page_of(database, collection, filter, sort_key, page, limit, mq_db_doc_json_deep, items, total);
}

static mq_err page_of(mongoc_database_t *database, const char *collection, const bson_t *filter,
		      const char *sort_key, long long page, long long limit, cJSON *(*convert)(const bson_t *),
		      cJSON **items, long long *total)
{
	*items = NULL;
	*total = 0;
	bson_error_t error;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	cJSON *list = cJSON_CreateArray();
	long long skip = (page - 1) * limit, got = 0;
	bson_t *opts = BCON_NEW("sort", "{", sort_key, BCON_INT32(-1), "_id", BCON_INT32(-1), "}",
				"skip", BCON_INT64(skip), "limit", BCON_INT64(limit));
	const bson_t *doc;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		cJSON *item = convert(doc);
		got++;
		if (item)
			cJSON_AddItemToArray(list, item);
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, collection);
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	int64_t n = skip + got; /* a short page that is not past the end is the last: no count needed */
	if (rc == MQ_OK && (got == limit || (got == 0 && page > 1))) {
		n = mongoc_collection_count_documents(coll, filter, NULL, NULL, NULL, &error);
		if (n < 0)
			rc = mq_db_error(&error, collection);
	}
	mongoc_collection_destroy(coll);
	if (rc != MQ_OK) {
		cJSON_Delete(list);
		return rc;
	}
	*items = list;
	*total = n;
	return MQ_OK;
}

void mq_db_join(mongoc_database_t *database, const char *collection, cJSON *items, const char *key,
		const char *as, const bson_t *opts, cJSON *(*convert)(const bson_t *doc, const void *arg),
		const void *arg)
{
	bson_t filter = BSON_INITIALIZER, in, ids;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "_id", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &ids);
	int n = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, items) {
		bson_oid_t oid;
		char index[16];
		if (mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, key)), &oid) == 0) {
			snprintf(index, sizeof index, "%d", n++);
			BSON_APPEND_OID(&ids, index, &oid);
		}
	}
	bson_append_array_end(&in, &ids);
	bson_append_document_end(&filter, &in);
	if (n == 0) {
		bson_destroy(&filter);
		return;
	}
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		char hex[25];
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		bson_oid_to_string(bson_iter_oid(&it), hex);
		cJSON *joined = convert(doc, arg);
		if (!joined)
			continue;
		cJSON *target;
		cJSON_ArrayForEach(target, items) {
			const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(target, key));
			if (id && !strcmp(id, hex) && !cJSON_GetObjectItemCaseSensitive(target, as))
				cJSON_AddItemToObject(target, as, cJSON_Duplicate(joined, 1));
		}
		cJSON_Delete(joined);
	}
	if (mongoc_cursor_error(cursor, &error))
		mq_db_error(&error, collection);
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(&filter);
}

static mq_err server_error(uint32_t code)
{
	switch (code) {
	case 11000: case 11001: case 12582:
		return MQ_ECONFLICT;
	case 121:
		return MQ_EUNPROCESSABLE;
	case 50: case 262:
		return MQ_ETIMEOUT;
	case 6: case 7: case 89: case 91: case 189: case 9001: case 10107: case 11600: case 11602:
	case 13435:
		return MQ_EUNAVAIL;
	case 2: case 9: case 14:
		return MQ_EINVAL;
	default:
		return MQ_EINTERNAL;
	}
}

int mq_db_lease_take(mongoc_database_t *database, const char *collection, const bson_oid_t *id,
		     mq_db_lease *lease, bson_error_t *error)
{
	char hex[25];
	bson_oid_to_string(id, hex);
	snprintf(lease->key, sizeof lease->key, "%s:%s", collection, hex);
	bson_oid_init(&lease->token, NULL);
	mongoc_collection_t *leases = mongoc_database_get_collection(database, "leases");
	int64_t started = mq_clock_ms();
	int taken = 0;
	long wait_ms = 2;
	for (;;) {
		int64_t now = mq_clock_ms(); /* the wall clock: other hosts read it */
		bson_t *doc = BCON_NEW("_id", BCON_UTF8(lease->key), "at", BCON_DATE_TIME(now), "token", BCON_OID(&lease->token));
		taken = mongoc_collection_insert_one(leases, doc, NULL, NULL, error);
		bson_destroy(doc);
		if (taken || error->domain != MONGOC_ERROR_SERVER || error->code != 11000)
			break;
		/* held: by a writer that died holding it, it goes; else wait for it */
		bson_t *stale = BCON_NEW("_id", BCON_UTF8(lease->key), "at", "{", "$lt", BCON_DATE_TIME(now - MQ_DB_LEASE_STALE_MS), "}");
		mongoc_collection_delete_one(leases, stale, NULL, NULL, NULL);
		bson_destroy(stale);
		if (mq_clock_ms() - started > MQ_DB_LEASE_WAIT_MS) {
			bson_set_error(error, MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE,
				       "%s stayed leased by another writer for %d ms", lease->key, MQ_DB_LEASE_WAIT_MS);
			break;
		}
		nanosleep(&(struct timespec){ .tv_nsec = wait_ms * 1000 * 1000 }, NULL);
		wait_ms = wait_ms < 32 ? wait_ms * 2 : 50; /* a lease is held for milliseconds */
	}
	mongoc_collection_destroy(leases);
	return taken;
}

void mq_db_lease_give(mongoc_database_t *database, const mq_db_lease *lease)
{
	bson_error_t error;
	mongoc_collection_t *leases = mongoc_database_get_collection(database, "leases");
	bson_t *mine = BCON_NEW("_id", BCON_UTF8(lease->key), "token", BCON_OID(&lease->token));
	if (!mongoc_collection_delete_one(leases, mine, NULL, NULL, &error)) /* it goes when stale */
		mq_log(MQ_LOG_WARN, "db", "lease %s not given back: %s", lease->key, error.message);
	bson_destroy(mine);
	mongoc_collection_destroy(leases);
}

bool mq_db_update_leased(mongoc_database_t *database, const char *collection, const bson_oid_t *id,
			 const bson_t *filter, const bson_t *update, bson_t *reply, bson_error_t *error)
{
	mq_db_lease lease;
	if (!mq_db_lease_take(database, collection, id, &lease, error)) {
		if (reply)
			bson_init(reply);
		return false;
	}
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bool ok = mongoc_collection_update_one(coll, filter, update, NULL, reply, error);
	mongoc_collection_destroy(coll);
	mq_db_lease_give(database, &lease);
	return ok;
}

/* The field's value in the document _id id (0 when missing). */
static mq_err read_version(mongoc_collection_t *coll, const bson_oid_t *id, const char *field, long long *v)
{
	bson_t doc, *filter = BCON_NEW("_id", BCON_OID(id)), *opts = bson_new(), projection;
	bson_iter_t it;
	BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &projection);
	BSON_APPEND_INT32(&projection, field, 1);
	bson_append_document_end(opts, &projection);
	mq_err rc = mq_db_find_one(coll, filter, opts, &doc, field);
	*v = rc == MQ_OK && bson_iter_init_find(&it, &doc, field) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	return rc;
}

int mq_db_raise_version(mongoc_database_t *database, const char *collection, const bson_oid_t *id, const char *field,
			long long v, int (*claimed)(void *arg, long long n), void *arg, const char *what)
{
	bson_error_t error = { 0 };
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	int done = 0;
	for (int round = 0; round < 16 && !done; round++) {
		bson_t *filter = BCON_NEW("_id", BCON_OID(id), "$or", "[", "{", field, "{", "$lt", BCON_INT64(v), "}", "}",
					  "{", field, "{", "$exists", BCON_BOOL(false), "}", "}", "]");
		bson_t *update = BCON_NEW("$set", "{", field, BCON_INT64(v), "}");
		int ok = mq_db_update_leased(database, collection, id, filter, update, NULL, &error);
		bson_destroy(update);
		bson_destroy(filter);
		long long now;
		mq_err rc = ok ? read_version(coll, id, field, &now) : MQ_EUNAVAIL;
		if (rc == MQ_ENOTFOUND) { /* the document went meanwhile (an account deleted): nothing to record */
			done = 1;
			break;
		}
		if (rc != MQ_OK)
			break;
		if (now < v)
			continue; /* an older writer's write landed after ours (a server without leases) */
		long long last = now;
		int c = 0;
		while (claimed && (c = claimed(arg, last + 1)) == 1)
			last++;
		if (c < 0)
			break;
		done = last == now;
		v = last;
	}
	mongoc_collection_destroy(coll);
	if (!done)
		mq_log(MQ_LOG_ERROR, "db", "%s %lld not recorded%s%s", what, v, error.code ? ": " : "",
		       error.code ? error.message : "");
	return done;
}

long mq_db_write_errors(const bson_t *reply, long ops)
{
	bson_iter_t it, errs;
	long n = 0;
	if (bson_iter_init_find(&it, reply, "writeErrors") && BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &errs))
		while (bson_iter_next(&errs))
			n++;
	return n ? n : ops;
}

/* Takes the leases of b's leased statements; on a failure gives back those taken and fails the
 * command (its statements counted failed). */
static int bulk_leases_take(mq_db_bulk *b, mq_db_lease *leases)
{
	bson_error_t error;
	for (int i = 0; i < b->n_leased; i++) {
		if (mq_db_lease_take(b->database, b->collection, &b->leased[i], &leases[i], &error))
			continue;
		mq_err rc = mq_db_error(&error, b->what);
		while (i-- > 0)
			mq_db_lease_give(b->database, &leases[i]);
		b->failed += b->queued;
		if (b->rc == MQ_OK)
			b->rc = rc;
		return 0;
	}
	return 1;
}

mq_err mq_db_bulk_send(mq_db_bulk *b)
{
	mq_db_lease leases[MQ_DB_BULK_UPDATES];
	int leased = b->queued && b->n_leased ? bulk_leases_take(b, leases) : 0;
	if (b->queued && (leased || !b->n_leased)) {
		bson_t reply;
		bson_error_t error;
		if (!mongoc_bulk_operation_execute(b->op, &reply, &error)) {
			mq_err rc = mq_db_error(&error, b->what);
			/* FerretDB v1 stops an update command at its first failing statement, ordered or
			 * not, and says neither which nor how many were written: what the reply does not
			 * confirm failed (on MongoDB, the statements its writeErrors name) */
			bson_iter_t it;
			long confirmed = 0, errors = mq_db_write_errors(&reply, b->queued);
			static const char *const counts[] = { "nMatched", "nUpserted" };
			for (size_t i = 0; i < 2; i++)
				if (bson_iter_init_find(&it, &reply, counts[i]) && BSON_ITER_HOLDS_NUMBER(&it))
					confirmed += (long)bson_iter_as_int64(&it);
			b->failed += b->queued - confirmed > errors ? b->queued - confirmed : errors;
			if (b->rc == MQ_OK)
				b->rc = rc;
		}
		bson_destroy(&reply);
	}
	for (int i = 0; leased && i < b->n_leased; i++)
		mq_db_lease_give(b->database, &leases[i]);
	mongoc_bulk_operation_destroy(b->op); /* accepts NULL */
	b->op = NULL;
	b->queued = 0;
	b->n_leased = 0;
	return b->rc;
}

/* One statement queued (replace: doc replaces what filter finds; else update applies to it). */
static void bulk_queue(mq_db_bulk *b, const bson_t *filter, const bson_t *change, int replace, int upsert)
{
	if (!b->op) {
		bson_t *opts = BCON_NEW("ordered", BCON_BOOL(false));
		b->op = mongoc_collection_create_bulk_operation_with_opts(b->coll, opts);
		bson_destroy(opts);
	}
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(upsert != 0));
	bson_error_t error;
	if (replace ? mongoc_bulk_operation_replace_one_with_opts(b->op, filter, change, opts, &error)
		    : mongoc_bulk_operation_update_one_with_opts(b->op, filter, change, opts, &error)) {
		b->queued++;
	} else { /* the driver refused the statement itself (a malformed update): it alone fails */
		mq_log(MQ_LOG_ERROR, "db", "%s: statement refused: %s", b->what, error.message);
		b->failed++;
	}
	bson_destroy(opts);
	if (b->queued >= MQ_DB_BULK_UPDATES)
		mq_db_bulk_send(b);
}

void mq_db_bulk_update(mq_db_bulk *b, const bson_t *filter, const bson_t *update, int upsert)
{
	bulk_queue(b, filter, update, 0, upsert);
}

void mq_db_bulk_replace(mq_db_bulk *b, const bson_t *filter, const bson_t *doc, int upsert)
{
	bulk_queue(b, filter, doc, 1, upsert);
}

void mq_db_bulk_update_leased(mq_db_bulk *b, const bson_oid_t *id, const bson_t *filter, const bson_t *update)
{
	int queued = b->queued, known = 0;
	for (int i = 0; i < b->n_leased && !known; i++)
		known = bson_oid_equal(&b->leased[i], id);
	if (!known) /* before queueing: the statement that fills the queue sends it */
		bson_oid_copy(id, &b->leased[b->n_leased++]);
	bulk_queue(b, filter, update, 0, 0);
	if (!known && b->queued == queued) /* refused by the driver (a full queue would have been sent) */
		b->n_leased--;
}

mq_err mq_db_find_one(mongoc_collection_t *coll, const bson_t *filter, const bson_t *opts, bson_t *out,
		      const char *what)
{
	bson_t limited = BSON_INITIALIZER;
	if (opts)
		bson_copy_to_excluding_noinit(opts, &limited, "limit", NULL);
	BSON_APPEND_INT64(&limited, "limit", 1);
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, &limited, NULL);
	const bson_t *doc;
	bson_error_t error;
	mq_err rc = MQ_ENOTFOUND;
	if (mongoc_cursor_next(cursor, &doc)) {
		bson_copy_to(doc, out);
		rc = MQ_OK;
	} else {
		bson_init(out);
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, what);
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(&limited);
	return rc;
}

mq_err mq_db_error(const bson_error_t *e, const char *what)
{
	mq_err rc;
	switch (e->domain) {
	case MONGOC_ERROR_SERVER:
		rc = server_error(e->code);
		/* FerretDB v1 reports a unique index refusing an update (not an insert) as its SQLite
		 * error, code 1, rather than as duplicate key 11000: the same conflict */
		if (rc == MQ_EINTERNAL && strstr(e->message, "UNIQUE constraint failed"))
			rc = MQ_ECONFLICT;
		break;
	case MONGOC_ERROR_WRITE_CONCERN:
	case MONGOC_ERROR_SERVER_SELECTION:
		rc = MQ_EUNAVAIL;
		break;
	case MONGOC_ERROR_STREAM: /* the connection failed, closed or went silent: the database is down for us */
		rc = MQ_EUNAVAIL;
		break;
	case MONGOC_ERROR_CLIENT:
		rc = e->code == MONGOC_ERROR_CLIENT_AUTHENTICATE ? MQ_EUNAVAIL : MQ_EINTERNAL;
		break;
	case MONGOC_ERROR_PROTOCOL:
		rc = MQ_EUPSTREAM;
		break;
	default:
		rc = MQ_EINTERNAL;
	}
	mq_log(rc == MQ_ECONFLICT ? MQ_LOG_INFO : MQ_LOG_ERROR, "db", "%s failed: %s (domain %u, code %u)",
	       what, e->message, e->domain, e->code);
	return rc;
}

mq_err mq_db_ping(mq_db *db, double *ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	bson_t cmd = BSON_INITIALIZER, reply;
	bson_error_t error;
	BSON_APPEND_INT32(&cmd, "ping", 1);
	bool ok = mongoc_client_command_simple(client, "admin", &cmd, NULL, &reply, &error);
	bson_destroy(&cmd);
	bson_destroy(&reply);
	mq_db_push(db, client);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return ok ? MQ_OK : mq_db_error(&error, "ping");
}

static void mongoc_log_to_mq(mongoc_log_level_t level, const char *domain, const char *message,
			     void *data)
{
	(void)data;
	if (strstr(message, "endSessions"))
		return; /* FerretDB v1 lacks endSessions; harmless at pool destroy */
	mq_log_level l = level <= MONGOC_LOG_LEVEL_CRITICAL ? MQ_LOG_ERROR
		       : level == MONGOC_LOG_LEVEL_WARNING  ? MQ_LOG_WARN
		       : level == MONGOC_LOG_LEVEL_MESSAGE || level == MONGOC_LOG_LEVEL_INFO ? MQ_LOG_INFO
											     : MQ_LOG_DEBUG;
	if (l >= MQ_LOG_INFO)
		mq_log(l, "mongoc", "%s: %s", domain, message);
}

void mq_db_install_log_handler(void)
{
	mongoc_log_set_handler(mongoc_log_to_mq, NULL);
}
