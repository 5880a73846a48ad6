/* sync.c — the catalogue's sync with TMDB (see sync.h). */
#include "domain/sync.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/sorted.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/session.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEASE_ID "marquee-sync"
#define HEARTBEAT_SECONDS 10
#define BATCH 100            /* movies per bulk write */
#define MAX_IDS 20000        /* movies one run takes on */

/* The fields whose change a curator wants to hear of. */
static const char *const significant[] = { "title", "original_title", "release_date", "runtime", "directors",
					   "poster_path", NULL };

struct mq_sync {
	mq_env env;
	int dry_run, parallel;
	mq_sync_counts counts;
	mq_sync_progress progress;
	void *progress_ctx;
	char host[256];
	char kind[32];
	bson_oid_t run;              /* the synclog's _id and the lease's run */
	int holding;                 /* the lease is ours */
	int logging;                 /* the synclog is open */
	pthread_t heartbeat;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	/* the movie pass in progress */
	mongoc_client_t *client;
	mongoc_database_t *database;
	cJSON *existing;             /* catalogue documents by "tmdb id" */
	cJSON *slugs;                /* slugs known taken in this pass */
	cJSON *fresh;                /* new movies waiting to be inserted */
	mongoc_collection_t *movies; /* the writes to it waiting in bulk (NULL: none) */
	mq_db_bulk bulk;
	long done, total;
	bson_oid_t *changed;         /* the movies written in this pass, for the cards (cards.h) */
	size_t n_changed, cap_changed;
	int changed_unknown;         /* one without a known _id: every card is read again */
	/* the progress last written to the synclog (record_progress) */
	int64_t progress_at;
	char progress_stage[64];
};

mq_sync *mq_sync_new(const mq_env *env, int dry_run, int parallel)
{
	mq_sync *s = mq_xcalloc(1, sizeof *s);
	s->env = *env;
	s->dry_run = dry_run;
	s->parallel = parallel < 1 ? 1 : parallel > 20 ? 20 : parallel;
	if (gethostname(s->host, sizeof s->host - 1))
		snprintf(s->host, sizeof s->host, "unknown");
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	bson_oid_init(&s->run, NULL);
	return s;
}

void mq_sync_free(mq_sync *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}

void mq_sync_on_progress(mq_sync *s, mq_sync_progress fn, void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
}

const mq_sync_counts *mq_sync_counts_of(const mq_sync *s)
{
	return &s->counts;
}

static mongoc_collection_t *collection(mq_db *db, mongoc_client_t *client, const char *name)
{
	return mq_db_collection(db, client, name);
}

/* A synclog's counts. Caller destroys. */
static bson_t *counts_doc(const mq_sync_counts *c)
{
	return BCON_NEW("fetched", BCON_INT64(c->fetched), "inserted", BCON_INT64(c->inserted), "updated",
			BCON_INT64(c->updated), "unchanged", BCON_INT64(c->unchanged), "failed", BCON_INT64(c->failed),
			"missing", BCON_INT64(c->missing), "notified", BCON_INT64(c->notified), "genres",
			BCON_INT64(c->genres));
}

/* The run's synclog: {"progress": {phase, done, total, at}, "counts": {…}} as the run goes, so
 * that the admin's page can show it. At most one write a second, besides the first and last
 * step of each phase: a run of 20 000 movies writes a few hundred times, not 20 000. */
static void record_progress(mq_sync *s, const char *stage, long done, long total)
{
	int64_t now = mq_clock_ms();
	int edge = done == 0 || done >= total || strcmp(stage, s->progress_stage);
	if (!s->logging || (!edge && now - s->progress_at < 1000))
		return;
	s->progress_at = now;
	snprintf(s->progress_stage, sizeof s->progress_stage, "%s", stage);
	mongoc_client_t *client = mq_db_pop(s->env.db);
	if (!client)
		return; /* the page shows the last step it has; the run goes on */
	bson_t *counts = counts_doc(&s->counts);
	bson_error_t error;
	mongoc_collection_t *logs = collection(s->env.db, client, "synclogs");
	bson_t *filter = BCON_NEW("_id", BCON_OID(&s->run));
	bson_t *update = BCON_NEW("$set", "{", "progress", "{", "phase", BCON_UTF8(stage), "done", BCON_INT64(done),
				  "total", BCON_INT64(total), "at", BCON_DATE_TIME(now), "}",
				  "counts", BCON_DOCUMENT(counts), "}");
	if (!mongoc_collection_update_one(logs, filter, update, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "sync", "synclog progress not written: %s", error.message);
	bson_destroy(update);
	bson_destroy(counts);
	bson_destroy(filter);
	mongoc_collection_destroy(logs);
	mq_db_push(s->env.db, client);
}

static void report(mq_sync *s, const char *stage, long done, long total)
{
	record_progress(s, stage, done, total);
	if (s->progress)
		s->progress(stage, done, total, s->progress_ctx);
}

/* ---- the lease ---------------------------------------------------------------------------- */

static void *heartbeat_main(void *arg)
{
	mq_sync *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HEARTBEAT_SECONDS;
		pthread_cond_timedwait(&s->wake, &s->lock, &until);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->lock);
		mongoc_client_t *client = mq_db_pop(s->env.db);
		if (client) {
			bson_error_t error;
			mongoc_collection_t *lease = collection(s->env.db, client, "sync_lease");
			bson_t *filter = BCON_NEW("_id", BCON_UTF8(LEASE_ID), "run", BCON_OID(&s->run));
			bson_t *update = BCON_NEW("$set", "{", "heartbeat_at", BCON_DATE_TIME(mq_clock_ms()), "}");
			if (!mongoc_collection_update_one(lease, filter, update, NULL, NULL, &error))
				mq_log(MQ_LOG_WARN, "sync", "lease heartbeat failed: %s", error.message);
			bson_destroy(update);
			bson_destroy(filter);
			mongoc_collection_destroy(lease);
			mq_db_push(s->env.db, client);
		}
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int mq_sync_lease_stale(const char *my_host, const bson_t *doc, int64_t now, char *holder, size_t size)
{
	bson_iter_t it;
	const char *host = "?";
	long long pid = 0;
	int64_t beat = 0;
	if (bson_iter_init_find(&it, doc, "host") && BSON_ITER_HOLDS_UTF8(&it))
		host = bson_iter_utf8(&it, NULL);
	if (bson_iter_init_find(&it, doc, "pid") && BSON_ITER_HOLDS_NUMBER(&it))
		pid = bson_iter_as_int64(&it);
	if (bson_iter_init_find(&it, doc, "heartbeat_at") && BSON_ITER_HOLDS_DATE_TIME(&it))
		beat = bson_iter_date_time(&it);
	char since[40];
	mq_clock_iso8601(beat, since, sizeof since);
	snprintf(holder, size, "pid %lld on %s, last heartbeat %s", pid, host, since);
	if (!strcmp(host, my_host) && pid > 0 && pid <= 0x7fffffff && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return 1;
	return now - beat > MQ_SYNC_LEASE_TIMEOUT * 1000LL;
}

/* Marks the synclog of an interrupted run failed. */
static void close_interrupted(mongoc_client_t *client, mq_db *db, const bson_t *lease)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, lease, "run") || !BSON_ITER_HOLDS_OID(&it))
		return;
	bson_error_t error;
	mongoc_collection_t *logs = collection(db, client, "synclogs");
	bson_t *filter = BCON_NEW("_id", BCON_OID(bson_iter_oid(&it)), "status", BCON_UTF8("in-progress"));
	bson_t *update = BCON_NEW("$set", "{", "status", BCON_UTF8("failed"), "error",
				  BCON_UTF8("interrupted: the run stopped without finishing (taken over)"),
				  "finished_at", BCON_DATE_TIME(mq_clock_ms()), "}");
	if (!mongoc_collection_update_one(logs, filter, update, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "sync", "could not close an interrupted run's log: %s", error.message);
	bson_destroy(update);
	bson_destroy(filter);
	mongoc_collection_destroy(logs);
}

static mq_err take_lease(mq_sync *s, mongoc_client_t *client, char *holder, size_t size)
{
	bson_error_t error;
	mongoc_collection_t *lease = collection(s->env.db, client, "sync_lease");
	int64_t now = mq_clock_ms();
	mq_err rc = MQ_ECONFLICT;
	for (int attempt = 0; attempt < 3 && rc == MQ_ECONFLICT; attempt++) {
		bson_t *doc = BCON_NEW("_id", BCON_UTF8(LEASE_ID), "run", BCON_OID(&s->run), "kind", BCON_UTF8(s->kind),
				       "host", BCON_UTF8(s->host), "pid", BCON_INT64(getpid()),
				       "started_at", BCON_DATE_TIME(now), "heartbeat_at", BCON_DATE_TIME(now));
		if (mongoc_collection_insert_one(lease, doc, NULL, NULL, &error)) {
			rc = MQ_OK;
		} else if (error.code != 11000) {
			rc = mq_db_error(&error, "sync lease");
		} else {
			/* held: by a live run, or by one that died */
			const bson_t *found;
			bson_t *filter = BCON_NEW("_id", BCON_UTF8(LEASE_ID));
			mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(lease, filter, NULL, NULL);
			if (mongoc_cursor_next(cursor, &found) && mq_sync_lease_stale(s->host, found, mq_clock_ms(), holder, size)) {
				bson_iter_t it;
				bson_t *cond = BCON_NEW("_id", BCON_UTF8(LEASE_ID));
				if (bson_iter_init_find(&it, found, "run") && BSON_ITER_HOLDS_OID(&it))
					BSON_APPEND_OID(cond, "run", bson_iter_oid(&it));
				close_interrupted(client, s->env.db, found);
				mq_log(MQ_LOG_WARN, "sync", "taking over the lease of a run that is gone (%s)", holder);
				if (!mongoc_collection_delete_one(lease, cond, NULL, NULL, &error))
					rc = mq_db_error(&error, "sync lease takeover");
				bson_destroy(cond);
			} else if (mongoc_cursor_error(cursor, &error)) {
				rc = mq_db_error(&error, "sync lease");
			} else {
				attempt = 3; /* a live holder */
			}
			mongoc_cursor_destroy(cursor);
			bson_destroy(filter);
		}
		bson_destroy(doc);
	}
	mongoc_collection_destroy(lease);
	return rc;
}

mq_err mq_sync_begin(mq_sync *s, const char *kind, char *holder, size_t size)
{
	snprintf(s->kind, sizeof s->kind, "%s", kind);
	if (size)
		holder[0] = '\0';
	if (s->dry_run)
		return MQ_OK;
	mongoc_client_t *client = mq_db_pop(s->env.db);
	if (!client)
		return MQ_EUNAVAIL;
	mq_err rc = take_lease(s, client, holder, size);
	if (rc == MQ_OK) {
		s->holding = 1;
		bson_error_t error;
		int64_t now = mq_clock_ms();
		mongoc_collection_t *logs = collection(s->env.db, client, "synclogs");
		bson_t *doc = BCON_NEW("_id", BCON_OID(&s->run), "kind", BCON_UTF8(kind), "status", BCON_UTF8("in-progress"),
				       "started_at", BCON_DATE_TIME(now), "host", BCON_UTF8(s->host),
				       "pid", BCON_INT64(getpid()));
		if (mongoc_collection_insert_one(logs, doc, NULL, NULL, &error))
			s->logging = 1;
		else
			rc = mq_db_error(&error, "synclog");
		bson_destroy(doc);
		mongoc_collection_destroy(logs);
		if (pthread_create(&s->heartbeat, NULL, heartbeat_main, s) != 0)
			mq_log(MQ_LOG_WARN, "sync", "no heartbeat thread: the lease may look stale on long runs");
		else
			s->holding = 2;
	}
	mq_db_push(s->env.db, client);
	if (rc != MQ_OK && s->holding)
		mq_sync_end(s, rc, "could not open the synclog");
	return rc;
}

void mq_sync_end(mq_sync *s, mq_err rc, const char *error_text)
{
	if (s->dry_run || !s->holding)
		return;
	if (s->holding == 2) {
		pthread_mutex_lock(&s->lock);
		s->stopping = 1;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->heartbeat, NULL);
	}
	mongoc_client_t *client = mq_db_pop(s->env.db);
	if (!client) {
		mq_log(MQ_LOG_ERROR, "sync", "the database is gone: the lease stays until its heartbeat times out");
		return;
	}
	bson_error_t error;
	if (s->logging) {
		const mq_sync_counts *c = &s->counts;
		const char *status = rc != MQ_OK ? "failed" : c->failed ? "partial" : "success";
		mongoc_collection_t *logs = collection(s->env.db, client, "synclogs");
		bson_t *filter = BCON_NEW("_id", BCON_OID(&s->run));
		bson_t *counts = counts_doc(c);
		bson_t *update = BCON_NEW("$set", "{", "status", BCON_UTF8(status), "finished_at", BCON_DATE_TIME(mq_clock_ms()),
					  "counts", BCON_DOCUMENT(counts), "}");
		if (rc != MQ_OK && error_text) {
			bson_t *more = BCON_NEW("$set", "{", "error", BCON_UTF8(error_text), "}");
			if (!mongoc_collection_update_one(logs, filter, more, NULL, NULL, &error))
				mq_log(MQ_LOG_WARN, "sync", "synclog error not written: %s", error.message);
			bson_destroy(more);
		}
		if (!mongoc_collection_update_one(logs, filter, update, NULL, NULL, &error))
			mq_log(MQ_LOG_WARN, "sync", "synclog not closed: %s", error.message);
		bson_destroy(update);
		bson_destroy(counts);
		bson_destroy(filter);
		mongoc_collection_destroy(logs);
	}
	mongoc_collection_t *lease = collection(s->env.db, client, "sync_lease");
	bson_t *mine = BCON_NEW("_id", BCON_UTF8(LEASE_ID), "run", BCON_OID(&s->run));
	if (!mongoc_collection_delete_one(lease, mine, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "sync", "lease not given back (it times out): %s", error.message);
	bson_destroy(mine);
	mongoc_collection_destroy(lease);
	mq_db_push(s->env.db, client);
	s->holding = 0;
}

/* ---- genres, the cache ------------------------------------------------------------------- */

mq_err mq_sync_genres(mq_sync *s, int *count)
{
	*count = 0;
	if (s->dry_run)
		return MQ_OK;
	long long dropped = 0;
	mq_err rc = mq_tmdbcache_invalidate(s->env.db, "/genre/", &dropped); /* ask TMDB, not the cache */
	if (rc == MQ_OK)
		rc = mq_genres_sync(&s->env, count);
	s->counts.genres += *count;
	report(s, "genres", *count, *count);
	return rc;
}

mq_err mq_sync_purge_cache(mq_sync *s, long long *removed)
{
	long long sessions = 0;
	*removed = 0;
	if (s->dry_run)
		return MQ_OK;
	mq_err rc = mq_tmdbcache_purge(s->env.db, removed);
	if (rc == MQ_OK)
		rc = mq_session_purge(s->env.db, &sessions);
	*removed += sessions;
	return rc;
}

/* ---- movies ------------------------------------------------------------------------------ */

/* The catalogue documents of ids, as JSON by "<tmdb id>", into s->existing. */
static mq_err load_existing(mq_sync *s, const long long *ids, size_t n)
{
	s->existing = cJSON_CreateObject();
	mongoc_collection_t *movies = mongoc_database_get_collection(s->database, "movies");
	mq_err rc = MQ_OK;
	for (size_t from = 0; from < n && rc == MQ_OK; from += 500) {
		bson_t filter = BSON_INITIALIZER, in, arr;
		BSON_APPEND_DOCUMENT_BEGIN(&filter, "tmdb_id", &in);
		BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
		for (size_t i = from; i < n && i < from + 500; i++) {
			char key[16];
			snprintf(key, sizeof key, "%zu", i - from);
			BSON_APPEND_INT64(&arr, key, ids[i]);
		}
		bson_append_array_end(&in, &arr);
		bson_append_document_end(&filter, &in);
		bson_error_t error;
		const bson_t *doc;
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, &filter, NULL, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			char *text = bson_as_relaxed_extended_json(doc, NULL);
			cJSON *m = text ? cJSON_Parse(text) : NULL;
			bson_free(text);
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "tmdb_id");
			if (cJSON_IsNumber(id)) {
				char key[24];
				snprintf(key, sizeof key, "%lld", (long long)id->valuedouble);
				cJSON_AddItemToObject(s->existing, key, m);
			} else {
				cJSON_Delete(m);
			}
		}
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "sync: catalogue lookup");
		mongoc_cursor_destroy(cursor);
		bson_destroy(&filter);
	}
	mongoc_collection_destroy(movies);
	return rc;
}

static int locked(const cJSON *existing, const char *field)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(existing, "locked_fields"))
		if (cJSON_IsString(f) && !strcmp(f->valuestring, field))
			return 1;
	/* the title's search keys follow the title, and stay when it is locked */
	if (!strcmp(field, "search_keys") || !strcmp(field, "title_key"))
		return locked(existing, "title") || locked(existing, "titles");
	return 0;
}

/* Sends the movie updates queued, counting those that failed. */
static void flush(mq_sync *s)
{
	if (!s->movies)
		return;
	mq_db_bulk_send(&s->bulk);
	s->counts.failed += s->bulk.failed;
	mongoc_collection_destroy(s->movies);
	s->movies = NULL;
}

/* Whether a catalogue movie's JSON (load_existing) has an ObjectId _id, *oid. */
static int existing_oid(const cJSON *existing, bson_oid_t *oid)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(existing, "_id"), "$oid");
	return !mq_oid_parse(cJSON_GetStringValue(id), oid);
}

/* Queues the update of a catalogue movie (its JSON, load_existing): by its _id, which FerretDB
 * finds by its index where a filter on tmdb_id decodes every movie (one such update per movie
 * synced: M·N), and under its lease (mq_db_lease_take), since FerretDB writes back the whole
 * movie it read and a rating's recount or an admin's edit may be writing it too; by its TMDB id
 * when the _id is not an ObjectId. Only if no admin changed the movie since it was read
 * (updated_at, which every edit, lock and image sets): the update was decided on its locks then,
 * and the next run decides again. */
static void queue(mq_sync *s, const cJSON *existing, long long tmdb_id, bson_t *update)
{
	if (!s->movies) {
		s->movies = mongoc_database_get_collection(s->database, "movies");
		s->bulk = MQ_DB_BULK_LEASED(s->database, s->movies, "movies", "sync: bulk write");
	}
	bson_oid_t oid;
	int known = existing_oid(existing, &oid);
	bson_t *filter = known ? BCON_NEW("_id", BCON_OID(&oid)) : BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
	cJSON *read = cJSON_CreateObject();
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(existing, "updated_at");
	cJSON_AddItemToObject(read, "updated_at", at ? cJSON_Duplicate(at, 1) : cJSON_CreateObject());
	if (!at)
		cJSON_AddFalseToObject(cJSON_GetObjectItemCaseSensitive(read, "updated_at"), "$exists");
	bson_t *unchanged = mq_db_bson_from_json(read); /* extended JSON: {"$date": …} again a date */
	if (unchanged)
		bson_concat(filter, unchanged);
	bson_destroy(unchanged);
	cJSON_Delete(read);
	if (known)
		mq_db_bulk_update_leased(&s->bulk, &oid, filter, update);
	else
		mq_db_bulk_update(&s->bulk, filter, update, 0);
	bson_destroy(filter);
}

static void notify(mq_sync *s, const char *kind, const cJSON *existing, long long tmdb_id, cJSON *fields)
{
	s->counts.notified++;
	if (s->dry_run) {
		cJSON_Delete(fields);
		return;
	}
	cJSON *n = cJSON_CreateObject();
	cJSON_AddStringToObject(n, "kind", kind);
	cJSON_AddNumberToObject(n, "tmdb_id", (double)tmdb_id);
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(existing, "title"));
	cJSON_AddStringToObject(n, "title", title ? title : "");
	cJSON_AddItemToObject(n, "fields", fields ? fields : cJSON_CreateArray());
	cJSON_AddItemToObject(n, "seen_by", cJSON_CreateArray());
	bson_t *doc = mq_db_bson_from_json(n);
	cJSON_Delete(n);
	if (!doc)
		return;
	const cJSON *oid = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(existing, "_id"), "$oid");
	bson_oid_t movie;
	if (mq_oid_parse(cJSON_GetStringValue(oid), &movie) == 0)
		BSON_APPEND_OID(doc, "movie", &movie);
	BSON_APPEND_OID(doc, "run", &s->run);
	BSON_APPEND_DATE_TIME(doc, "at", mq_clock_ms());
	bson_error_t error;
	mongoc_collection_t *notes = mongoc_database_get_collection(s->database, "notifications");
	if (!mongoc_collection_insert_one(notes, doc, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "sync", "notification not written: %s", error.message);
	mongoc_collection_destroy(notes);
	bson_destroy(doc);
}

/* Notes that the movie of oid (NULL: of an _id not known) is written in this pass. */
static void note_changed(mq_sync *s, const bson_oid_t *oid)
{
	if (!oid) {
		s->changed_unknown = 1;
		return;
	}
	if (s->n_changed == s->cap_changed)
		s->changed = mq_xrealloc(s->changed, (s->cap_changed = s->cap_changed ? s->cap_changed * 2 : 64) * sizeof *s->changed);
	bson_oid_copy(oid, &s->changed[s->n_changed++]);
}

/* The same for a catalogue movie's JSON (load_existing: relaxed extended JSON). */
static void note_existing(mq_sync *s, const cJSON *existing)
{
	bson_oid_t oid;
	note_changed(s, existing_oid(existing, &oid) ? &oid : NULL);
}

/* A movie TMDB answered 404 for: flagged and notified once; never deleted. */
static void flag_missing(mq_sync *s, long long tmdb_id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", tmdb_id);
	const cJSON *existing = cJSON_GetObjectItemCaseSensitive(s->existing, key);
	s->counts.missing++;
	if (!existing)
		return; /* listed somewhere, gone at TMDB, never ours: nothing to flag */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(existing, "tmdb_missing")))
		return;
	notify(s, "tmdb_missing", existing, tmdb_id, NULL);
	if (s->dry_run)
		return;
	bson_t *update = BCON_NEW("$set", "{", "tmdb_missing", BCON_BOOL(true), "tmdb_missing_at", BCON_DATE_TIME(mq_clock_ms()), "}");
	note_existing(s, existing);
	queue(s, existing, tmdb_id, update);
	bson_destroy(update);
}

/* Inserts the new movies waiting in s->fresh, in one unordered bulk, each with its plain slug
 * ("fight-club-1999") unless that is taken — by a catalogue movie (one $in query for the
 * batch) or by another new movie of this run — and then with its TMDB id too. */
static void flush_fresh(mq_sync *s)
{
	if (!cJSON_GetArraySize(s->fresh))
		return;
	bson_t filter = BSON_INITIALIZER, in, arr;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "slug", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	int k = 0;
	const cJSON *doc;
	cJSON_ArrayForEach(doc, s->fresh) {
		char slug[160], key[16];
		mq_catalog_slug(doc, 0, slug, sizeof slug);
		snprintf(key, sizeof key, "%d", k++);
		BSON_APPEND_UTF8(&arr, key, slug);
	}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(&filter, &in);
	bson_t *opts = BCON_NEW("projection", "{", "slug", BCON_INT32(1), "}");
	bson_error_t error;
	const bson_t *found;
	mongoc_collection_t *movies = mongoc_database_get_collection(s->database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, &filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &found)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, found, "slug") && BSON_ITER_HOLDS_UTF8(&it) &&
		    !cJSON_GetObjectItemCaseSensitive(s->slugs, bson_iter_utf8(&it, NULL)))
			cJSON_AddNullToObject(s->slugs, bson_iter_utf8(&it, NULL));
	}
	int lookup_failed = mongoc_cursor_error(cursor, &error);
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(&filter);
	bson_t *bulk_opts = BCON_NEW("ordered", BCON_BOOL(false));
	mongoc_bulk_operation_t *bulk = mongoc_collection_create_bulk_operation_with_opts(movies, bulk_opts);
	int64_t now = mq_clock_ms();
	int queued = 0;
	cJSON_ArrayForEach(doc, s->fresh) {
		char slug[160];
		mq_catalog_slug(doc, 0, slug, sizeof slug);
		int taken = lookup_failed || cJSON_GetObjectItemCaseSensitive(s->slugs, slug) != NULL;
		if (!taken)
			cJSON_AddNullToObject(s->slugs, slug);
		else
			mq_catalog_slug(doc, 1, slug, sizeof slug);
		bson_t *movie = mq_catalog_new_movie(doc, slug, "tmdb", now);
		bson_oid_t id;
		bson_oid_init(&id, NULL);
		if (movie)
			BSON_APPEND_OID(movie, "_id", &id);
		if (movie && mongoc_bulk_operation_insert_with_opts(bulk, movie, NULL, &error)) {
			note_changed(s, &id);
			queued++;
		}
		else
			s->counts.failed++;
		bson_destroy(movie);
	}
	bson_t reply;
	if (queued && !mongoc_bulk_operation_execute(bulk, &reply, &error)) {
		mq_db_error(&error, "sync: insert");
		s->counts.failed += mq_db_write_errors(&reply, queued);
	}
	if (queued)
		bson_destroy(&reply);
	mongoc_bulk_operation_destroy(bulk);
	bson_destroy(bulk_opts);
	mongoc_collection_destroy(movies);
	cJSON_Delete(s->fresh);
	s->fresh = cJSON_CreateArray();
}

cJSON *mq_sync_diff(const cJSON *existing, cJSON *doc, cJSON **notes)
{
	/* a locked title keeps its English entry in titles too (pages show titles[lang]) */
	const cJSON *old_en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(existing, "titles"), "en");
	cJSON *new_titles = cJSON_GetObjectItemCaseSensitive(doc, "titles");
	if (locked(existing, "title") && cJSON_IsString(old_en) && cJSON_IsObject(new_titles))
		cJSON_ReplaceItemInObjectCaseSensitive(new_titles, "en", cJSON_CreateString(old_en->valuestring));
	cJSON *changed = cJSON_CreateObject();
	*notes = cJSON_CreateArray();
	for (cJSON *f = doc->child; f; f = f->next) {
		const cJSON *before = cJSON_GetObjectItemCaseSensitive(existing, f->string);
		int same = before ? cJSON_Compare(before, f, 1) : cJSON_IsNull(f);
		if (same || locked(existing, f->string))
			continue;
		cJSON_AddItemToObject(changed, f->string, cJSON_Duplicate(f, 1));
		for (int i = 0; significant[i]; i++) {
			if (strcmp(significant[i], f->string))
				continue;
			cJSON *note = cJSON_CreateObject();
			cJSON_AddStringToObject(note, "field", f->string);
			cJSON_AddItemToObject(note, "before", before ? cJSON_Duplicate(before, 1) : cJSON_CreateNull());
			cJSON_AddItemToObject(note, "after", cJSON_Duplicate(f, 1));
			cJSON_AddItemToArray(*notes, note);
		}
	}
	return changed;
}

/* Compares TMDB's version of a movie with the catalogue's and queues what differs. */
static void apply_movie(mq_sync *s, const cJSON *details)
{
	cJSON *doc = mq_movie_doc_from_tmdb(details, s->env.cfg);
	if (!doc) {
		s->counts.failed++;
		return;
	}
	long long tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id"));
	char key[24];
	snprintf(key, sizeof key, "%lld", tmdb_id);
	const cJSON *existing = cJSON_GetObjectItemCaseSensitive(s->existing, key);
	int64_t now = mq_clock_ms();
	if (!existing && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "adult"))) {
		cJSON_Delete(doc); /* an adult title never enters by the sync, whatever its list said */
		return;
	}
	if (!existing) {
		s->counts.inserted++;
		if (!s->dry_run) {
			cJSON_AddItemToArray(s->fresh, doc);
			if (cJSON_GetArraySize(s->fresh) >= BATCH)
				flush_fresh(s);
			return;
		}
		cJSON_Delete(doc);
		return;
	}
	cJSON *notes = NULL;
	cJSON *changed = mq_sync_diff(existing, doc, &notes);
	int was_missing = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(existing, "tmdb_missing"));
	if (!changed->child && !was_missing) {
		s->counts.unchanged++;
		cJSON_Delete(notes);
	} else {
		s->counts.updated++;
		if (cJSON_GetArraySize(notes) > 0)
			notify(s, "tmdb_change", existing, tmdb_id, notes);
		else
			cJSON_Delete(notes);
		if (!s->dry_run) {
			bson_t *set = mq_db_bson_from_json(changed);
			bson_t update = BSON_INITIALIZER, child;
			BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &child);
			if (set)
				bson_concat(&child, set);
			BSON_APPEND_DATE_TIME(&child, "tmdb_synced_at", now);
			BSON_APPEND_DATE_TIME(&child, "updated_at", now);
			bson_append_document_end(&update, &child);
			if (was_missing) {
				BSON_APPEND_DOCUMENT_BEGIN(&update, "$unset", &child);
				BSON_APPEND_UTF8(&child, "tmdb_missing", "");
				BSON_APPEND_UTF8(&child, "tmdb_missing_at", "");
				bson_append_document_end(&update, &child);
			}
			note_existing(s, existing);
			queue(s, existing, tmdb_id, &update);
			bson_destroy(&update);
			bson_destroy(set);
		}
	}
	cJSON_Delete(changed);
	cJSON_Delete(doc);
}

static int movie_done(const mq_tmdb_job *job, mq_err rc, mq_tmdb_result *r, void *ctx)
{
	mq_sync *s = ctx;
	long long tmdb_id = *(const long long *)job->arg;
	if (rc == MQ_OK) {
		s->counts.fetched++;
		apply_movie(s, r->json);
	} else if (rc == MQ_ENOTFOUND) {
		flag_missing(s, tmdb_id);
	} else {
		s->counts.failed++;
		mq_log(MQ_LOG_WARN, "sync", "movie %lld not synced: %s", tmdb_id, r->message);
	}
	s->done++;
	report(s, "movies", s->done, s->total);
	return 0;
}

mq_err mq_sync_movies(mq_sync *s, const long long *given, size_t n)
{
	/* each movie once, whatever order and repeats the lists had */
	long long *ids = mq_xcalloc(n ? n : 1, sizeof *ids);
	size_t k = 0;
	memcpy(ids, given, n * sizeof *ids);
	qsort(ids, n, sizeof *ids, mq_sorted_ids_cmp);
	for (size_t i = 0; i < n; i++)
		if (ids[i] > 0 && (k == 0 || ids[k - 1] != ids[i]))
			ids[k++] = ids[i];
	s->database = mq_db_acquire(s->env.db, &s->client);
	if (!s->database) {
		free(ids);
		return MQ_EUNAVAIL;
	}
	s->slugs = cJSON_CreateObject();
	s->fresh = cJSON_CreateArray();
	mq_err rc = load_existing(s, ids, k);
	if (rc == MQ_OK) {
		const char *const *query = mq_movie_details_query;
		mq_tmdb_job *jobs = mq_xcalloc(k ? k : 1, sizeof *jobs);
		char (*paths)[32] = mq_xcalloc(k ? k : 1, sizeof *paths);
		for (size_t i = 0; i < k; i++) {
			snprintf(paths[i], sizeof paths[i], "/movie/%lld", ids[i]);
			jobs[i] = (mq_tmdb_job){ paths[i], query, &ids[i] };
		}
		s->done = 0;
		s->total = (long)k;
		report(s, "movies", 0, s->total);
		rc = mq_tmdb_get_many(s->env.tmdb, jobs, k, s->parallel, movie_done, s);
		flush(s);
		flush_fresh(s);
		if (s->n_changed || s->changed_unknown) /* after the writes: every process's cards follow */
			mq_cards_bump(s->database, s->changed, s->changed_unknown ? 0 : s->n_changed, NULL);
		free(s->changed);
		s->changed = NULL;
		s->n_changed = s->cap_changed = 0;
		s->changed_unknown = 0;
		free(paths);
		free(jobs);
	}
	cJSON_Delete(s->existing);
	cJSON_Delete(s->slugs);
	cJSON_Delete(s->fresh);
	s->existing = s->slugs = s->fresh = NULL;
	mq_db_release(s->env.db, s->client, s->database);
	s->database = NULL;
	s->client = NULL;
	free(ids);
	return rc;
}

/* ---- lists and the changes feed --------------------------------------------------------- */

typedef struct id_list {
	long long *ids;
	size_t n, cap;
	long pages_done, pages_total;
	mq_err first_error;
	int failed_pages;
	const char *stage;
} id_list;

static void id_add(id_list *l, long long id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->ids = mq_xrealloc(l->ids, l->cap * sizeof *l->ids);
	}
	l->ids[l->n++] = id;
}

typedef struct page_ctx {
	mq_sync *s;
	id_list *list;
} page_ctx;

static int page_done(const mq_tmdb_job *job, mq_err rc, mq_tmdb_result *r, void *ctx)
{
	(void)job;
	page_ctx *p = ctx;
	id_list *l = p->list;
	if (rc == MQ_OK) {
		const cJSON *item;
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r->json, "results")) {
			double id = mq_tmdb_number(item, "id", 0);
			/* adult titles never enter the catalogue (TMDB's lists may name them) */
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "adult")))
				continue;
			if (id >= 1 && id <= 2147483647 && l->n < MAX_IDS)
				id_add(l, (long long)id);
		}
	} else {
		l->failed_pages++;
		if (l->first_error == MQ_OK)
			l->first_error = rc;
	}
	l->pages_done++;
	report(p->s, l->stage, l->pages_done, l->pages_total);
	return 0;
}

/* Fetches pages first..last of path (with the extra query pairs) and collects the ids, after
 * first_page(). Fails only when every page failed. */
static mq_err collect_pages(mq_sync *s, const char *path, const char *const *extra, int first, int last,
			    const char *stage, id_list *l)
{
	int n = last - first + 1;
	if (n < 1)
		return MQ_OK;
	char (*numbers)[16] = mq_xcalloc((size_t)n, sizeof *numbers);
	const char **queries = mq_xcalloc((size_t)n * 8, sizeof *queries);
	mq_tmdb_job *jobs = mq_xcalloc((size_t)n, sizeof *jobs);
	for (int i = 0; i < n; i++) {
		const char **q = queries + (size_t)i * 8;
		snprintf(numbers[i], sizeof numbers[i], "%d", first + i);
		int k = 0;
		q[k++] = "page";
		q[k++] = numbers[i];
		for (int e = 0; extra && extra[e] && k < 6; e += 2) {
			q[k++] = extra[e];
			q[k++] = extra[e + 1];
		}
		q[k] = NULL;
		jobs[i] = (mq_tmdb_job){ path, q, NULL };
	}
	l->stage = stage; /* pages_total: first_page() counted them */
	page_ctx ctx = { s, l };
	mq_err rc = mq_tmdb_get_many(s->env.tmdb, jobs, (size_t)n, s->parallel, page_done, &ctx);
	free(jobs);
	free(queries);
	free(numbers);
	if (rc == MQ_OK && l->failed_pages == n)
		rc = l->first_error;
	return rc;
}

/* total_pages of page 1 of path (with extra), at most max; fills l with page 1's ids. */
static mq_err first_page(mq_sync *s, const char *path, const char *const *extra, int max, const char *stage,
			 id_list *l, int *pages)
{
	mq_tmdb_result r;
	const char *q[8] = { "page", "1" };
	for (int k = 2, e = 0; extra && extra[e] && k < 6; e += 2) {
		q[k++] = extra[e];
		q[k++] = extra[e + 1];
	}
	mq_err rc = mq_tmdb_get(s->env.tmdb, path, q, &r);
	*pages = 0;
	if (rc == MQ_OK) {
		double total = mq_tmdb_number(r.json, "total_pages", 1);
		*pages = total < 1 ? 1 : total > max ? max : (int)total;
		l->stage = stage;
		l->pages_total += *pages;
		page_ctx ctx = { s, l };
		mq_tmdb_job job = { path, q, NULL };
		page_done(&job, rc, &r, &ctx);
	}
	mq_tmdb_result_clear(&r);
	return rc;
}

mq_err mq_sync_list(mq_sync *s, const char *path, int pages)
{
	id_list l = { 0 };
	int total = 0;
	char stage[64];
	snprintf(stage, sizeof stage, "%s pages", path + 7); /* "/movie/popular" → "popular pages" */
	mq_err rc = first_page(s, path, NULL, pages < 1 ? 1 : pages > MQ_TMDB_MAX_PAGE ? MQ_TMDB_MAX_PAGE : pages,
			       stage, &l, &total);
	if (rc == MQ_OK && total > 1)
		rc = collect_pages(s, path, NULL, 2, total, stage, &l);
	if (rc == MQ_OK || l.n)
		rc = mq_sync_movies(s, l.ids, l.n) == MQ_OK ? rc : MQ_EUNAVAIL;
	free(l.ids);
	return rc;
}

/* The tmdb ids of the whole catalogue (movies without one are manual). */
static mq_err catalogue_ids(mq_sync *s, const bson_t *filter, id_list *l)
{
	mongoc_client_t *client = mq_db_pop(s->env.db);
	if (!client)
		return MQ_EUNAVAIL;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *movies = collection(s->env.db, client, "movies");
	bson_t *opts = BCON_NEW("projection", "{", "tmdb_id", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, doc, "tmdb_id") && BSON_ITER_HOLDS_NUMBER(&it) && l->n < MAX_IDS)
			id_add(l, bson_iter_as_int64(&it));
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "sync: catalogue") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	mongoc_collection_destroy(movies);
	mq_db_push(s->env.db, client);
	return rc;
}

/* started_at of the last successful changes or all run, in ms (0: none). */
static mq_err last_success(mq_sync *s, int64_t *at)
{
	*at = 0;
	mongoc_client_t *client = mq_db_pop(s->env.db);
	if (!client)
		return MQ_EUNAVAIL;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *logs = collection(s->env.db, client, "synclogs");
	bson_t *filter = BCON_NEW("status", BCON_UTF8("success"), "kind", "{", "$in", "[", BCON_UTF8("changes"), BCON_UTF8("all"), "]", "}");
	bson_t *opts = BCON_NEW("sort", "{", "started_at", BCON_INT32(-1), "}", "limit", BCON_INT64(1));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(logs, filter, opts, NULL);
	if (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, doc, "started_at") && BSON_ITER_HOLDS_DATE_TIME(&it))
			*at = bson_iter_date_time(&it);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "sync: synclogs") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(logs);
	mq_db_push(s->env.db, client);
	return rc;
}

static void ymd(int64_t ms, char out[11])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

mq_err mq_sync_changes(mq_sync *s, int *full)
{
	int64_t since = 0, now = mq_clock_ms();
	mq_err rc = last_success(s, &since);
	*full = 0;
	if (rc != MQ_OK)
		return rc;
	id_list catalogue = { 0 };
	bson_t *with_tmdb = BCON_NEW("tmdb_id", "{", "$gt", BCON_INT64(0), "}");
	rc = catalogue_ids(s, with_tmdb, &catalogue);
	bson_destroy(with_tmdb);
	if (rc != MQ_OK) {
		free(catalogue.ids);
		return rc;
	}
	if (!since || now - since > (int64_t)(MQ_SYNC_CHANGES_DAYS - 1) * 86400000LL) {
		*full = 1; /* the feed cannot reach back that far: every movie */
		rc = mq_sync_movies(s, catalogue.ids, catalogue.n);
		free(catalogue.ids);
		return rc;
	}
	char start[11], end[11];
	ymd(since - 86400000LL, start); /* a day of overlap: the feed is in whole days */
	ymd(now, end);
	const char *const extra[] = { "start_date", start, "end_date", end, NULL };
	id_list changed = { 0 };
	int pages = 0;
	rc = first_page(s, "/movie/changes", extra, MQ_TMDB_MAX_PAGE, "changes pages", &changed, &pages);
	if (rc == MQ_OK && pages > 1)
		rc = collect_pages(s, "/movie/changes", extra, 2, pages, "changes pages", &changed);
	if (rc == MQ_OK) {
		/* only the movies we have: the feed lists every movie TMDB changed */
		qsort(catalogue.ids, catalogue.n, sizeof *catalogue.ids, mq_sorted_ids_cmp);
		size_t k = 0;
		for (size_t i = 0; i < changed.n; i++)
			if (bsearch(&changed.ids[i], catalogue.ids, catalogue.n, sizeof *catalogue.ids, mq_sorted_ids_cmp))
				changed.ids[k++] = changed.ids[i];
		rc = mq_sync_movies(s, changed.ids, k);
	}
	free(changed.ids);
	free(catalogue.ids);
	return rc;
}

mq_err mq_sync_translations(mq_sync *s)
{
	bson_t filter = BSON_INITIALIZER, or, clause, child;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "tmdb_id", &child);
	BSON_APPEND_INT64(&child, "$gt", 0);
	bson_append_document_end(&filter, &child);
	BSON_APPEND_ARRAY_BEGIN(&filter, "$or", &or);
	int k = 0;
	for (int i = 0; i < s->env.cfg->n_tmdb_languages; i++) {
		char lang[3] = { s->env.cfg->tmdb_languages[i][0], s->env.cfg->tmdb_languages[i][1], '\0' };
		for (int which = 0; which < 2; which++) {
			char key[16], path[32];
			snprintf(key, sizeof key, "%d", k++);
			snprintf(path, sizeof path, "%s.%s", which ? "overviews" : "titles", lang);
			BSON_APPEND_DOCUMENT_BEGIN(&or, key, &clause);
			BSON_APPEND_DOCUMENT_BEGIN(&clause, path, &child);
			BSON_APPEND_BOOL(&child, "$exists", false);
			bson_append_document_end(&clause, &child);
			bson_append_document_end(&or, &clause);
		}
	}
	bson_append_array_end(&filter, &or);
	id_list l = { 0 };
	mq_err rc = catalogue_ids(s, &filter, &l);
	bson_destroy(&filter);
	if (rc == MQ_OK)
		rc = mq_sync_movies(s, l.ids, l.n);
	free(l.ids);
	return rc;
}

const char *const mq_sync_kinds[] = { "genres", "popular", "top-rated", "changes", "translations", "people",
				      "neighbours", "purge-cache", "all", NULL };

mq_err mq_sync_start(const mq_config *cfg, const char *kind, long *pid)
{
	int known = 0;
	for (int i = 0; mq_sync_kinds[i]; i++)
		known |= !strcmp(kind, mq_sync_kinds[i]);
	*pid = 0;
	if (!known)
		return MQ_EINVAL;
	if (access(cfg->sync_bin, X_OK) != 0) {
		mq_log(MQ_LOG_ERROR, "sync", "cannot start %s: %s", cfg->sync_bin, mq_strerror(errno).s);
		return MQ_EINTERNAL;
	}
	/* the pid travels back from the grandchild through a pipe; the child exits at once, so
	 * the run is nobody's child here and no zombie is left */
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return MQ_EINTERNAL;
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return MQ_EINTERNAL;
	}
	if (child == 0) {
		setsid();
		pid_t run = fork();
		if (run == 0) {
			int null = open("/dev/null", O_RDONLY);
			if (null >= 0) {
				dup2(null, STDIN_FILENO);
				close(null);
			}
			char *argv[] = { cfg->sync_bin, (char *)kind, NULL };
			execv(cfg->sync_bin, argv);
			_exit(127);
		}
		long sent = run;
		if (write(fds[1], &sent, sizeof sent) != (ssize_t)sizeof sent)
			_exit(1);
		_exit(run > 0 ? 0 : 1);
	}
	close(fds[1]);
	long got = 0;
	ssize_t n = read(fds[0], &got, sizeof got);
	close(fds[0]);
	int status = 0;
	waitpid(child, &status, 0);
	if (n != (ssize_t)sizeof got || got <= 0)
		return MQ_EINTERNAL;
	*pid = got;
	mq_log(MQ_LOG_INFO, "sync", "started %s %s (pid %ld)", cfg->sync_bin, kind, got);
	return MQ_OK;
}
