/* metrics.c — a process's counters and their sum over processes (see metrics.h). */
#include "store/metrics.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Requests by status: the common ones, then one per class. */
static const int statuses[] = { 200, 201, 204, 303, 304, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 502, 503, 504 };
#define N_STATUSES (sizeof statuses / sizeof statuses[0])
static atomic_long by_status[N_STATUSES], by_class[6];

static const char *const tmdb_outcomes[] = { "ok", "not_found", "retry", "error" };
static const char *const cache_states[] = { "hit", "miss", "stale" };
static atomic_long tmdb[4], cache[3];
static atomic_long changes;      /* counts so far: nothing new since the last write, no write */
static long written_changes = -1;

static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t last_flush, started;

void mq_metrics_request(int status)
{
	atomic_fetch_add(&changes, 1);
	for (size_t i = 0; i < N_STATUSES; i++)
		if (statuses[i] == status) {
			atomic_fetch_add(&by_status[i], 1);
			return;
		}
	if (status >= 100 && status < 600)
		atomic_fetch_add(&by_class[status / 100], 1);
}

static void count(const char *const *names, size_t n, atomic_long *counters, const char *name)
{
	atomic_fetch_add(&changes, 1);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name)) {
			atomic_fetch_add(&counters[i], 1);
			return;
		}
}

void mq_metrics_tmdb(const char *outcome)
{
	count(tmdb_outcomes, 4, tmdb, outcome);
}

void mq_metrics_cache(const char *state)
{
	count(cache_states, 3, cache, state);
}

void mq_metrics_flush(mq_db *db, const char *worker, int force)
{
	time_t now = time(NULL);
	if (!db || pthread_mutex_trylock(&flush_lock) != 0)
		return; /* another thread is writing them */
	if (!started)
		started = now;
	long seen = atomic_load(&changes);
	if (seen == written_changes || (!force && now - last_flush < MQ_METRICS_FLUSH_SECONDS)) {
		pthread_mutex_unlock(&flush_lock);
		return;
	}
	last_flush = now;
	written_changes = seen;
	char host[128] = "unknown", id[256];
	gethostname(host, sizeof host - 1);
	snprintf(id, sizeof id, "%s/%s/%ld", host, worker, (long)getpid());
	bson_t doc = BSON_INITIALIZER, counters, sub;
	BSON_APPEND_UTF8(&doc, "_id", id);
	BSON_APPEND_UTF8(&doc, "worker", worker);
	BSON_APPEND_UTF8(&doc, "host", host);
	BSON_APPEND_INT64(&doc, "pid", (int64_t)getpid());
	BSON_APPEND_DATE_TIME(&doc, "started", (int64_t)started * 1000);
	BSON_APPEND_DATE_TIME(&doc, "at", mq_clock_ms());
	BSON_APPEND_DOCUMENT_BEGIN(&doc, "counters", &counters);
	BSON_APPEND_DOCUMENT_BEGIN(&counters, "requests", &sub);
	char key[16];
	for (size_t i = 0; i < N_STATUSES; i++) {
		snprintf(key, sizeof key, "%d", statuses[i]);
		BSON_APPEND_INT64(&sub, key, atomic_load(&by_status[i]));
	}
	for (int c = 1; c < 6; c++) {
		snprintf(key, sizeof key, "%dxx", c);
		BSON_APPEND_INT64(&sub, key, atomic_load(&by_class[c]));
	}
	bson_append_document_end(&counters, &sub);
	BSON_APPEND_DOCUMENT_BEGIN(&counters, "tmdb", &sub);
	for (int i = 0; i < 4; i++)
		BSON_APPEND_INT64(&sub, tmdb_outcomes[i], atomic_load(&tmdb[i]));
	bson_append_document_end(&counters, &sub);
	BSON_APPEND_DOCUMENT_BEGIN(&counters, "cache", &sub);
	for (int i = 0; i < 3; i++)
		BSON_APPEND_INT64(&sub, cache_states[i], atomic_load(&cache[i]));
	bson_append_document_end(&counters, &sub);
	bson_append_document_end(&doc, &counters);
	mongoc_client_t *client = mq_db_pop(db);
	if (client) {
		bson_error_t error;
		mongoc_collection_t *coll = mq_db_collection(db, client, "metrics");
		bson_t *selector = BCON_NEW("_id", BCON_UTF8(id));
		bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
		if (!mongoc_collection_replace_one(coll, selector, &doc, opts, NULL, &error))
			mq_log(MQ_LOG_WARN, "metrics", "counters not written: %s", error.message);
		bson_destroy(opts);
		bson_destroy(selector);
		mongoc_collection_destroy(coll);
		mq_db_push(db, client);
	}
	bson_destroy(&doc);
	pthread_mutex_unlock(&flush_lock);
}

/* Adds each number under doc's path (a sub-document) to sums[key], by worker. */
static void add_counters(cJSON *sums, const char *worker, const bson_t *doc, const char *path)
{
	bson_iter_t it, sub;
	if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &sub) || !BSON_ITER_HOLDS_DOCUMENT(&sub) ||
	    !bson_iter_recurse(&sub, &it))
		return;
	cJSON *group = cJSON_GetObjectItemCaseSensitive(sums, path);
	if (!group)
		group = cJSON_AddObjectToObject(sums, path);
	cJSON *w = cJSON_GetObjectItemCaseSensitive(group, worker);
	if (!w)
		w = cJSON_AddObjectToObject(group, worker);
	while (bson_iter_next(&it)) {
		if (!BSON_ITER_HOLDS_NUMBER(&it))
			continue;
		cJSON *n = cJSON_GetObjectItemCaseSensitive(w, bson_iter_key(&it));
		double v = (double)bson_iter_as_int64(&it);
		if (n)
			cJSON_SetNumberValue(n, n->valuedouble + v);
		else
			cJSON_AddNumberToObject(w, bson_iter_key(&it), v);
	}
}

static void print_group(mq_buf *out, const cJSON *sums, const char *path, const char *name, const char *label)
{
	const cJSON *w, *n;
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(sums, path))
		cJSON_ArrayForEach(n, w)
			if (n->valuedouble > 0)
				mq_buf_printf(out, "%s{worker=\"%s\",%s=\"%s\"} %.0f\n", name, w->string, label, n->string,
					      n->valuedouble);
}

mq_err mq_metrics_text(mq_db *db, mq_buf *out)
{
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	bson_error_t error;
	const bson_t *doc;
	mq_err rc = MQ_OK;
	cJSON *sums = cJSON_CreateObject();
	mongoc_collection_t *coll = mq_db_collection(db, client, "metrics");
	bson_t *recent = BCON_NEW("at", "{", "$gt", BCON_DATE_TIME(mq_clock_ms() - 86400000LL), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, recent, NULL, NULL);
	long processes = 0;
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		const char *worker = bson_iter_init_find(&it, doc, "worker") && BSON_ITER_HOLDS_UTF8(&it)
			? bson_iter_utf8(&it, NULL) : "?";
		add_counters(sums, worker, doc, "counters.requests");
		add_counters(sums, worker, doc, "counters.tmdb");
		add_counters(sums, worker, doc, "counters.cache");
		processes++;
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "metrics");
	mongoc_cursor_destroy(cursor);
	bson_destroy(recent);
	/* processes gone for more than a day are forgotten */
	bson_t *old = BCON_NEW("at", "{", "$lt", BCON_DATE_TIME(mq_clock_ms() - 86400000LL), "}");
	mongoc_collection_delete_many(coll, old, NULL, NULL, NULL);
	bson_destroy(old);
	mongoc_collection_destroy(coll);
	if (rc == MQ_OK) {
		mq_buf_puts(out, "# Marquee counters since each worker process started, summed over the processes\n"
				 "# that wrote them in the last day (every " "10 s while they serve).\n");
		mq_buf_printf(out, "marquee_processes %ld\n", processes);
		print_group(out, sums, "counters.requests", "marquee_requests_total", "status");
		print_group(out, sums, "counters.tmdb", "marquee_tmdb_requests_total", "outcome");
		print_group(out, sums, "counters.cache", "marquee_tmdb_cache_answers_total", "state");
		/* the latest run of each kind */
		mongoc_collection_t *logs = mq_db_collection(db, client, "synclogs");
		bson_t all = BSON_INITIALIZER;
		bson_t *opts = BCON_NEW("sort", "{", "started_at", BCON_INT32(-1), "}", "limit", BCON_INT64(200));
		cursor = mongoc_collection_find_with_opts(logs, &all, opts, NULL);
		cJSON *seen = cJSON_CreateObject();
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it, c;
			const char *kind = bson_iter_init_find(&it, doc, "kind") && BSON_ITER_HOLDS_UTF8(&it) ? bson_iter_utf8(&it, NULL) : NULL;
			const char *status = bson_iter_init_find(&it, doc, "status") && BSON_ITER_HOLDS_UTF8(&it) ? bson_iter_utf8(&it, NULL) : "?";
			if (!kind || cJSON_GetObjectItemCaseSensitive(seen, kind))
				continue;
			cJSON_AddTrueToObject(seen, kind);
			int64_t at = bson_iter_init_find(&it, doc, "started_at") && BSON_ITER_HOLDS_DATE_TIME(&it) ? bson_iter_date_time(&it) : 0;
			mq_buf_printf(out, "marquee_sync_last_run_seconds{kind=\"%s\",status=\"%s\"} %lld\n", kind, status,
				      (long long)(at / 1000));
			if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "counts", &c) && BSON_ITER_HOLDS_DOCUMENT(&c) &&
			    bson_iter_recurse(&c, &it))
				while (bson_iter_next(&it))
					if (BSON_ITER_HOLDS_NUMBER(&it))
						mq_buf_printf(out, "marquee_sync_last_run_movies{kind=\"%s\",count=\"%s\"} %lld\n", kind,
							      bson_iter_key(&it), (long long)bson_iter_as_int64(&it));
		}
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "synclogs");
		mongoc_cursor_destroy(cursor);
		cJSON_Delete(seen);
		bson_destroy(opts);
		mongoc_collection_destroy(logs);
	}
	cJSON_Delete(sums);
	mq_db_push(db, client);
	return rc;
}
