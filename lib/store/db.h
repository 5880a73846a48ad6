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

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"

#include <cjson/cJSON.h>
#include <mongoc/mongoc.h>

typedef struct mq_db mq_db;

typedef struct mq_db_timeouts {
	int server_selection_ms;
	int connect_ms;
	int socket_ms;
	int wait_queue_ms;
} mq_db_timeouts;

/* Defaults for workers: a request answers 503 within two seconds, nginx's part included, when
 * the database is down; the sync binary passes longer socket timeouts for its bulk writes. */
#define MQ_DB_TIMEOUTS_WORKER ((mq_db_timeouts){ 1500, 1500, 5000, 2000 })
#define MQ_DB_TIMEOUTS_PROBE ((mq_db_timeouts){ 1500, 1000, 1500, 1000 })
#define MQ_DB_TIMEOUTS_BATCH ((mq_db_timeouts){ 5000, 5000, 60000, 5000 })

/* Update (and replace) statements sent in one command at most. FerretDB v1 keeps each update
 * statement's cursor, and with it one of its 100 SQLite connections, until the whole command has
 * run: a command of more than about 100 statements, or a few of 50 at once, waits for a
 * connection forever, and every other client of that database with it (a bulk of 101 updates by
 * _id hangs it). Bulk updates are executed every this many statements. */
#define MQ_DB_BULK_UPDATES 16

/* Leases on documents. FerretDB v1 runs an update as a read of the whole document and a write of
 * all of it, so two updates of one document at once, of any fields, may lose one (with pymongo,
 * one writer's 200 $inc on a document that eight others raised a field of at the same time counted
 * 174), and a conditional update checks its condition on the read only. The writers of a document
 * that several requests change (a member's users document: the profile, preferences, role,
 * password, the version hints; a movie: a rating's recount, an admin's edit, the sync; a lists
 * digest) take a lease on it first: an insert under the unique _id "<collection>:<id>" into
 * leases, which one writer at a time wins; the others try again after 2 ms, backing off to 50. A
 * lease is held for one write, or one bulk command of the sync (milliseconds); one older than MQ_DB_LEASE_STALE_MS, whose writer died holding it,
 * is taken over, so a writer waits at most that long for it, and gives up (as if the database
 * were down: MQ_EUNAVAIL) only after MQ_DB_LEASE_WAIT_MS. A writer that holds it may read,
 * decide and write. */
#define MQ_DB_LEASE_STALE_MS 3000
#define MQ_DB_LEASE_WAIT_MS 5000

typedef struct mq_db_lease {
	char key[96];
	bson_oid_t token; /* the holder's: it gives back its own lease only */
} mq_db_lease;

/* Takes the lease of the document _id id in collection; 0 with error set when it could not. */
int mq_db_lease_take(mongoc_database_t *database, const char *collection, const bson_oid_t *id,
		     mq_db_lease *lease, bson_error_t *error);
void mq_db_lease_give(mongoc_database_t *database, const mq_db_lease *lease);

/* update_one of the document _id id in collection, under its lease (filter names id, and may ask
 * more; reply as update_one's). */
bool mq_db_update_leased(mongoc_database_t *database, const char *collection, const bson_oid_t *id,
			 const bson_t *filter, const bson_t *update, bson_t *reply, bson_error_t *error);

/* Raises a version counter kept in a field of the document _id id of collection (users.lists_v,
 * users.catalog_v) to v, a version its writer claimed elsewhere, and on to the last version
 * claimed (claimed(arg, n): whether version n was claimed: 1, 0, or -1 on an error; NULL: none
 * is looked for, the caller's v suffices). The conditional $set runs under the document's lease
 * (mq_db_update_leased); each writer still reads the field back, writes again while it is behind
 * (a lease taken over from a writer thought dead), and looks for claims after it, which it raises
 * the field to, so the field ends at the last claim. 1 when it does (or the document is gone), 0
 * after an error (logged, what naming the counter). */
int mq_db_raise_version(mongoc_database_t *database, const char *collection, const bson_oid_t *id, const char *field,
			long long v, int (*claimed)(void *arg, long long n), void *arg, const char *what);

/* Update and replace statements for one collection, sent MQ_DB_BULK_UPDATES to an unordered
 * command: each mq_db_bulk_update or _replace queues one and sends the queue once it is full;
 * mq_db_bulk_send sends the rest. failed counts the statements of failed commands that the reply
 * does not confirm written (on MongoDB, those its writeErrors name; FerretDB v1 stops at the first
 * error, ordered or not, and confirms none; a database down, all), rc is the first failure's error. Start one with MQ_DB_BULK(coll, what); coll stays the caller's
 * and must outlive it, what names the writes in the log. */
typedef struct mq_db_bulk {
	mongoc_collection_t *coll;
	const char *what;
	mongoc_bulk_operation_t *op;
	int queued;
	long failed;
	mq_err rc;
	mongoc_database_t *database;      /* a leased bulk's (MQ_DB_BULK_LEASED), and: */
	const char *collection;
	bson_oid_t leased[MQ_DB_BULK_UPDATES]; /* the documents whose leases its command takes */
	int n_leased;
} mq_db_bulk;

#define MQ_DB_BULK(c, w) ((mq_db_bulk){ .coll = (c), .what = (w) })
/* A bulk whose mq_db_bulk_update_leased statements are sent under their documents' leases: taken
 * when the command is sent (a queue may wait long, for TMDB's answers), given back after. */
#define MQ_DB_BULK_LEASED(d, c, name, w) ((mq_db_bulk){ .coll = (c), .what = (w), .database = (d), .collection = (name) })

void mq_db_bulk_update(mq_db_bulk *b, const bson_t *filter, const bson_t *update, int upsert);
/* An update of the document _id id (filter names it) under its lease (the bulk's MQ_DB_BULK_LEASED;
 * a document once per command). When a lease cannot be had, the command's statements fail. */
void mq_db_bulk_update_leased(mq_db_bulk *b, const bson_oid_t *id, const bson_t *filter, const bson_t *update);
void mq_db_bulk_replace(mq_db_bulk *b, const bson_t *filter, const bson_t *doc, int upsert);
mq_err mq_db_bulk_send(mq_db_bulk *b);

/* How many statements of a failed bulk write of ops failed: its reply's writeErrors (a duplicate
 * key among inserts fails that one alone), or ops when the reply names none. */
long mq_db_write_errors(const bson_t *reply, long ops);

/* Creates the pool (no connection is made yet). Returns NULL with a message in err. The URI's
 * own options win over the defaults in t. */
mq_db *mq_db_open(const char *uri, const char *db_name, const char *appname, mq_db_timeouts t,
		  mq_buf *err);
void mq_db_close(mq_db *db);   /* accepts NULL */

/* A client for this thread's work; NULL when none is free within waitQueueTimeoutMS, or when db is
 * NULL (503). */
mongoc_client_t *mq_db_pop(mq_db *db);
void mq_db_push(mq_db *db, mongoc_client_t *client);  /* accepts NULL client */
/* A collection of the configured database; the caller destroys it before pushing the client. */
mongoc_collection_t *mq_db_collection(mq_db *db, mongoc_client_t *client, const char *name);
const char *mq_db_name(const mq_db *db);

/* The configured database through a pooled client (*client), or NULL when none is free
 * (MQ_EUNAVAIL); mq_db_release() gives both back. For lib code that touches several collections. */
mongoc_database_t *mq_db_acquire(mq_db *db, mongoc_client_t **client);
void mq_db_release(mq_db *db, mongoc_client_t *client, mongoc_database_t *database);

/* Parses 24 hex characters into oid; returns 0, or -1 (oid untouched) for anything else. */
int mq_oid_parse(const char *hex, bson_oid_t *oid);

/* A BSON document of a JSON object (numbers that are whole stay integers); NULL if it cannot be
 * converted. Caller destroys. */
bson_t *mq_db_bson_from_json(const cJSON *json);

/* The JSON of a flat document: _id becomes "id", ObjectIds 24 hex, dates ISO 8601 strings,
 * strings, booleans and numbers as they are; anything else is left out. Caller owns. */
cJSON *mq_db_doc_json(const bson_t *doc);

/* One page of what filter matches in collection, newest first by sort_key (ties by _id, also
 * descending, so pages never overlap): *items the documents through mq_db_doc_json(), *total
 * the count of all matches (a short page is the last, so only a full or empty page costs a count
 * query). Caller owns *items. */
mq_err mq_db_page(mongoc_database_t *database, const char *collection, const bson_t *filter,
		  const char *sort_key, long long page, long long limit, cJSON **items, long long *total);

/* The JSON of any document, nested ones too: _id becomes "id", ObjectIds 24 hex, dates ISO 8601
 * strings (relaxed extended JSON otherwise). NULL if it cannot be converted. Caller owns. */
cJSON *mq_db_doc_json_deep(const bson_t *doc);

/* mq_db_page() with mq_db_doc_json_deep(): for documents with arrays and sub-documents. */
mq_err mq_db_page_deep(mongoc_database_t *database, const char *collection, const bson_t *filter,
		       const char *sort_key, long long page, long long limit, cJSON **items, long long *total);

/* A join for databases without $lookup: for every object in items whose string member key is
 * an ObjectId, finds the document of that _id in collection (one $in query; opts may give a
 * projection) and adds convert(doc, arg) to the item as member as. Items without a match are
 * left as they are. */
void mq_db_join(mongoc_database_t *database, const char *collection, cJSON *items, const char *key,
		const char *as, const bson_t *opts, cJSON *(*convert)(const bson_t *doc, const void *arg),
		const void *arg);

/* The first document filter finds in coll (opts: sort, projection …, may be NULL; the limit is
 * 1): MQ_OK with a copy in *out, MQ_ENOTFOUND when there is none, or the database's error (logged
 * as what's), which is never taken for "nothing found". *out is always initialised: the caller
 * destroys it. */
mq_err mq_db_find_one(mongoc_collection_t *coll, const bson_t *filter, const bson_t *opts, bson_t *out,
		      const char *what);

/* The database round trips (commands) the calling thread made since it last reset the count:
 * the worker loop resets it per request and writes it in the request's log line ("db"), which
 * make bench and make bench-scale read. */
void mq_db_round_trips_reset(void);
long mq_db_round_trips(void);

/* Maps a driver or server error to mq_err and logs it (the message stays in the log). */
mq_err mq_db_error(const bson_error_t *error, const char *what);

/* {ping: 1} through a pooled client; *ms gets the round trip. */
mq_err mq_db_ping(mq_db *db, double *ms);

/* Routes libmongoc's own log lines into mq_log, dropping FerretDB's harmless endSessions noise. */
void mq_db_install_log_handler(void);

#endif
