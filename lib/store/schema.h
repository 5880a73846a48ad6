/* schema.h — applying sql/schema.json (collections and indexes) to the database, idempotently. */
#ifndef MQ_SCHEMA_H
#define MQ_SCHEMA_H

#include "store/db.h"

/* Reads the schema file at path and creates the indexes each collection lacks (by name; existing
 * ones are left alone). dry_run only validates the file. *n_indexes counts the indexes the file
 * lists, *n_created those created now. The first problem is returned in err. */
mq_err mq_schema_apply(mq_db *db, const char *path, int dry_run, int *n_indexes, int *n_created,
		       mq_buf *err);

#endif
