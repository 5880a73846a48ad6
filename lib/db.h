/* db.h — the MongoDB pool of a process and the mapping of driver errors to mq_err.
 *
 * One mongoc_client_pool per process, created after any fork, error API 2, appname set. Options
 * the URI leaves out get defaults that keep a dead or frozen database from hanging a request:
 * serverSelectionTimeoutMS, connectTimeoutMS, socketTimeoutMS and waitQueueTimeoutMS (see
 * mq_db_timeouts), and w=majority so an acknowledged write is durable on a replica set.
 * Handlers pop a client around their database work only, and push it back before replying.
 */
#ifndef MQ_DB_H
#define MQ_DB_H

#include "buf.h"
#include "err.h"

#include <mongoc/mongoc.h>

typedef struct mq_db mq_db;

typedef struct mq_db_timeouts {
	int server_selection_ms;
	int connect_ms;
	int socket_ms;
	int wait_queue_ms;
} mq_db_timeouts;

/* Defaults for workers: every request answers within about two seconds when the database is
 * down; the sync binary passes longer socket timeouts for its bulk writes. */
#define MQ_DB_TIMEOUTS_WORKER ((mq_db_timeouts){ 2000, 2000, 5000, 2000 })
#define MQ_DB_TIMEOUTS_PROBE ((mq_db_timeouts){ 1500, 1000, 1500, 1000 })
#define MQ_DB_TIMEOUTS_BATCH ((mq_db_timeouts){ 5000, 5000, 60000, 5000 })

/* Creates the pool (no connection is made yet). Returns NULL with a message in err. The URI's
 * own options win over the defaults in t. */
mq_db *mq_db_open(const char *uri, const char *db_name, const char *appname, mq_db_timeouts t,
		  mq_buf *err);
void mq_db_close(mq_db *db);   /* accepts NULL */

/* A client for this thread's work; NULL when none is free within waitQueueTimeoutMS (503). */
mongoc_client_t *mq_db_pop(mq_db *db);
void mq_db_push(mq_db *db, mongoc_client_t *client);  /* accepts NULL client */
/* A collection of the configured database; the caller destroys it before pushing the client. */
mongoc_collection_t *mq_db_collection(mq_db *db, mongoc_client_t *client, const char *name);
const char *mq_db_name(const mq_db *db);

/* Maps a driver or server error to mq_err and logs it (the message stays in the log). */
mq_err mq_db_error(const bson_error_t *error, const char *what);

/* {ping: 1} through a pooled client; *ms gets the round trip. */
mq_err mq_db_ping(mq_db *db, double *ms);

/* Routes libmongoc's own log lines into mq_log, dropping FerretDB's harmless endSessions noise. */
void mq_db_install_log_handler(void);

#endif
