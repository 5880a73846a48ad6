/* schema.c — createIndexes from sql/schema.json (see schema.h for the options both servers accept). */
#include "store/schema.h"
#include "core/log.h"
#include "core/mem.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Names of the indexes coll already has (none when the collection does not exist yet). */
static mq_err existing_indexes(mq_db *db, mongoc_client_t *client, const char *coll, cJSON *names)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	const bson_t *doc;
	bson_iter_t it;
	mongoc_collection_t *c = mq_db_collection(db, client, coll);
	mongoc_cursor_t *cursor = mongoc_collection_find_indexes_with_opts(c, NULL);
	while (mongoc_cursor_next(cursor, &doc))
		if (bson_iter_init_find(&it, doc, "name") && BSON_ITER_HOLDS_UTF8(&it))
			cJSON_AddItemToArray(names, cJSON_CreateString(bson_iter_utf8(&it, NULL)));
	if (mongoc_cursor_error(cursor, &error) && !(error.domain == MONGOC_ERROR_SERVER && error.code == 26))
		rc = mq_db_error(&error, "listIndexes");
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(c);
	return rc;
}

static int has_name(const cJSON *names, const char *name)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
		if (!strcmp(n->valuestring, name))
			return 1;
	return 0;
}

/* Creates the indexes of coll that do not exist yet, by name. Creating only the missing ones
 * keeps the step idempotent everywhere: FerretDB v1 even fails on a createIndexes whose
 * indexes all exist. */
static mq_err create_indexes(mq_db *db, mongoc_client_t *client, const char *coll,
			     const cJSON *indexes, int *created, mq_buf *err)
{
	mq_err rc;
	bson_error_t error;
	bson_t *list = NULL;
	cJSON *names = cJSON_CreateArray(), *missing = cJSON_CreateArray();
	if ((rc = existing_indexes(db, client, coll, names)) != MQ_OK) {
		mq_buf_printf(err, "cannot list the indexes of %s", coll);
		goto out;
	}
	const cJSON *index;
	cJSON_ArrayForEach(index, indexes) {
		/* mq_schema_apply() checked that every index has a name and a key */
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(index, "name");
		if (!has_name(names, name->valuestring))
			cJSON_AddItemToArray(missing, cJSON_Duplicate(index, 1));
	}
	*created = cJSON_GetArraySize(missing);
	if (*created == 0)
		goto out;

	char *json = cJSON_PrintUnformatted(missing);
	list = json ? bson_new_from_json((const uint8_t *)json, -1, &error) : NULL;
	cJSON_free(json);
	if (!list) {
		mq_buf_printf(err, "indexes of %s are not valid", coll);
		rc = MQ_EINVAL;
		goto out;
	}
	bson_t cmd = BSON_INITIALIZER, reply;
	BSON_APPEND_UTF8(&cmd, "createIndexes", coll);
	BSON_APPEND_ARRAY(&cmd, "indexes", list);
	mongoc_database_t *database = mongoc_client_get_database(client, mq_db_name(db));
	if (!mongoc_database_write_command_with_opts(database, &cmd, NULL, &reply, &error)) {
		rc = mq_db_error(&error, "createIndexes");
		mq_buf_printf(err, "creating the indexes of %s failed: %s", coll, error.message);
	}
	mongoc_database_destroy(database);
	bson_destroy(&reply);
	bson_destroy(&cmd);
out:
	bson_destroy(list);
	cJSON_Delete(names);
	cJSON_Delete(missing);
	return rc;
}

mq_err mq_schema_apply(mq_db *db, const char *path, int dry_run, int *n_indexes, int *n_created,
		       mq_buf *err)
{
	mq_err rc = MQ_OK;
	int created = 0;
	mongoc_client_t *client = NULL;
	*n_indexes = *n_created = 0;
	mq_buf text = MQ_BUF_INIT;
	if (mq_buf_read_file(&text, path, 1 << 20, err)) {
		mq_buf_free(&text);
		return MQ_EINVAL;
	}
	cJSON *root = cJSON_Parse(mq_buf_cstr(&text));
	mq_buf_free(&text);
	const cJSON *colls = cJSON_GetObjectItemCaseSensitive(root, "collections");
	if (!cJSON_IsObject(colls)) {
		mq_buf_printf(err, "%s: no \"collections\" object", path);
		rc = MQ_EINVAL;
		goto out;
	}
	if (!dry_run && !(client = mq_db_pop(db))) {
		mq_buf_puts(err, "the database is not reachable");
		rc = MQ_EUNAVAIL;
		goto out;
	}
	for (const cJSON *c = colls->child; c; c = c->next) {
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) == 0) {
			mq_buf_printf(err, "%s: collection %s needs a list of indexes", path, c->string);
			rc = MQ_EINVAL;
			goto out;
		}
		const cJSON *index;
		cJSON_ArrayForEach(index, c) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(index, "name");
			if (!cJSON_IsString(name) || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(index, "key"))) {
				mq_buf_printf(err, "%s: an index of %s lacks a name or a key", path, c->string);
				rc = MQ_EINVAL;
				goto out;
			}
		}
		if (!dry_run && (rc = create_indexes(db, client, c->string, c, &created, err)) != MQ_OK)
			goto out;
		*n_created += created;
		*n_indexes += cJSON_GetArraySize(c);
		mq_log(MQ_LOG_DEBUG, "schema", "%s: %d indexes, %d created%s", c->string,
		       cJSON_GetArraySize(c), created, dry_run ? " (dry run)" : "");
	}
out:
	mq_db_push(db, client);
	cJSON_Delete(root);
	return rc;
}
