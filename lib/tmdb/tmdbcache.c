/* tmdbcache.c — the TMDB response cache (see tmdbcache.h). */
#include "tmdb/tmdbcache.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/metrics.h"
#include "web/response.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int compare_pairs(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(x[0], y[0]);
}

void mq_tmdbcache_key(const char *path, const char *const *query, mq_buf *out)
{
	size_t n = 0;
	while (query && query[2 * n])
		n++;
	const char **pairs = mq_xcalloc(n ? 2 * n : 1, sizeof *pairs);
	if (n)
		memcpy(pairs, query, 2 * n * sizeof *pairs);
	qsort(pairs, n, 2 * sizeof *pairs, compare_pairs);
	mq_buf_puts(out, path);
	for (size_t i = 0; i < n; i++) {
		mq_buf_putc(out, i ? '&' : '?');
		mq_buf_url_component(out, pairs[2 * i], strlen(pairs[2 * i]));
		mq_buf_putc(out, '=');
		mq_buf_url_component(out, pairs[2 * i + 1], strlen(pairs[2 * i + 1]));
	}
	free(pairs);
}

/* "movie" from "/movie/popular?page=1": what the statistics group entries by. */
static void endpoint_family(const char *endpoint, char *out, size_t size)
{
	const char *p = endpoint[0] == '/' ? endpoint + 1 : endpoint;
	size_t n = strcspn(p, "/?");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

struct entry {
	char *body;          /* the JSON text TMDB sent; owned */
	int64_t valid_until; /* ms */
	int found;
};

/* Entries are found by their _id, the key (FerretDB v1 on SQLite answers only an _id equality
 * without decoding every entry; the endpoint field holds the key too, for statistics and
 * invalidation by pattern). An entry of an earlier release, under an ObjectId, is not found: it
 * is fetched again and replaced (store). */
static mq_err find_entry(mongoc_collection_t *coll, const char *key, struct entry *e)
{
	bson_iter_t it;
	bson_t doc;
	memset(e, 0, sizeof *e);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(key));
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, "cache read");
	if (rc == MQ_OK && bson_iter_init_find(&it, &doc, "data") && BSON_ITER_HOLDS_UTF8(&it)) {
		e->body = mq_xstrdup(bson_iter_utf8(&it, NULL));
		e->found = 1;
		if (bson_iter_init_find(&it, &doc, "valid_until") && BSON_ITER_HOLDS_DATE_TIME(&it))
			e->valid_until = bson_iter_date_time(&it);
	}
	bson_destroy(&doc);
	bson_destroy(filter);
	return rc == MQ_ENOTFOUND ? MQ_OK : rc;
}

/* $inc one counter of the entry (hits, misses or stale_served); a failure only costs a count. */
static void count(mongoc_collection_t *coll, const char *key, const char *counter)
{
	bson_error_t error;
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(key));
	bson_t *update = BCON_NEW("$inc", "{", counter, BCON_INT64(1), "}");
	if (!mongoc_collection_update_one(coll, filter, update, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "cache", "counting a %s failed: %s", counter, error.message);
	bson_destroy(filter);
	bson_destroy(update);
}

/* Hits are counted in the process and written together, at most once a second (or when
 * HITS_PENDING_MAX entries wait), by the request that comes then: a hit is one read of the
 * database, not a read and a write. A process that stops loses the hits it had not written yet:
 * statistics only. The statistics write their own process's first (mq_tmdbcache_stats). */
#define HITS_FLUSH_MS 1000
#define HITS_PENDING_MAX 64

typedef struct pending_hit {
	char *key;
	long long n;
} pending_hit;

static pthread_mutex_t hits_lock = PTHREAD_MUTEX_INITIALIZER;
static pending_hit hits_pending[HITS_PENDING_MAX];
static size_t hits_n;
static int64_t hits_written_at;

/* Writes the hits taken out of the pending list (n of them), and frees them; a failure only
 * costs counts (logged). */
static void write_hits(mongoc_collection_t *coll, pending_hit *hits, size_t n)
{
	mq_db_bulk bulk = MQ_DB_BULK(coll, "cache hits");
	for (size_t i = 0; i < n; i++) {
		bson_t *filter = BCON_NEW("_id", BCON_UTF8(hits[i].key));
		bson_t *update = BCON_NEW("$inc", "{", "hits", BCON_INT64(hits[i].n), "}");
		mq_db_bulk_update(&bulk, filter, update, 0);
		bson_destroy(update);
		bson_destroy(filter);
		free(hits[i].key);
	}
	mq_db_bulk_send(&bulk);
}

/* Takes the pending hits out when it is time to write them (or always, when force), into out
 * (HITS_PENDING_MAX of them); returns how many. */
static size_t take_hits(pending_hit *out, int force)
{
	size_t n = 0;
	pthread_mutex_lock(&hits_lock);
	int64_t now = mq_clock_ms();
	if (hits_n && (force || hits_n == HITS_PENDING_MAX || now - hits_written_at >= HITS_FLUSH_MS)) {
		n = hits_n;
		memcpy(out, hits_pending, n * sizeof *out);
		hits_n = 0;
		hits_written_at = now;
	}
	pthread_mutex_unlock(&hits_lock);
	return n;
}

/* Counts a hit of the entry key; writes the pending ones when it is time. */
static void count_hit(mongoc_collection_t *coll, const char *key)
{
	pthread_mutex_lock(&hits_lock);
	size_t i = 0;
	while (i < hits_n && strcmp(hits_pending[i].key, key))
		i++;
	if (i < hits_n) {
		hits_pending[i].n++;
	} else if (hits_n < HITS_PENDING_MAX) {
		hits_pending[hits_n++] = (pending_hit){ mq_xstrdup(key), 1 };
		if (hits_n == 1 && !hits_written_at)
			hits_written_at = mq_clock_ms();
	}
	pthread_mutex_unlock(&hits_lock);
	pending_hit out[HITS_PENDING_MAX];
	write_hits(coll, out, take_hits(out, 0));
}

/* Upserts the entry with a fresh body; the counters carry over. */
static mq_err store(mongoc_collection_t *coll, const char *key, const char *body, long ttl)
{
	bson_error_t error;
	char family[32];
	int64_t now = (int64_t)time(NULL) * 1000;
	endpoint_family(key, family, sizeof family);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(key));
	bson_t *update = BCON_NEW("$set", "{", "endpoint", BCON_UTF8(key), "data", BCON_UTF8(body),
				  "family", BCON_UTF8(family),
				  "fetched_at", BCON_DATE_TIME(now), "valid_until", BCON_DATE_TIME(now + (int64_t)ttl * 1000),
				  "}", "$inc", "{", "misses", BCON_INT64(1), "}");
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	bool ok = mongoc_collection_update_one(coll, filter, update, opts, NULL, &error);
	if (!ok && error.domain == MONGOC_ERROR_SERVER && error.code == 11000) {
		/* a concurrent upsert won, or an earlier release's entry holds the endpoint: it goes */
		bson_t *old = BCON_NEW("endpoint", BCON_UTF8(key), "_id", "{", "$ne", BCON_UTF8(key), "}");
		if (!mongoc_collection_delete_one(coll, old, NULL, NULL, &error))
			mq_log(MQ_LOG_WARN, "cache", "an earlier entry of %s not removed: %s", key, error.message);
		bson_destroy(old);
		ok = mongoc_collection_update_one(coll, filter, update, opts, NULL, &error);
	}
	bson_destroy(opts);
	bson_destroy(update);
	bson_destroy(filter);
	return ok ? MQ_OK : mq_db_error(&error, "cache write");
}

mq_err mq_tmdbcache_get(const mq_env *env, const char *path,
			  const char *const *query, cJSON **json, mq_cache_state *state)
{
	mq_db *db = env->db;
	mq_tmdb *t = env->tmdb;
	const mq_config *cfg = env->cfg;
	mq_buf key = MQ_BUF_INIT;
	struct entry e;
	mq_tmdb_result r;
	mq_err rc;
	*json = NULL;
	memset(&r, 0, sizeof r);
	mq_tmdbcache_key(path, query, &key);
	mongoc_client_t *client = mq_db_pop(db);
	if (!client) {
		mq_buf_free(&key);
		return MQ_EUNAVAIL;
	}
	mongoc_collection_t *coll = mq_db_collection(db, client, "tmdb_cache");
	if ((rc = find_entry(coll, key.data, &e)) != MQ_OK)
		goto out;
	if (e.found && e.valid_until > (int64_t)time(NULL) * 1000 && (*json = cJSON_Parse(e.body))) {
		*state = MQ_CACHE_HIT;
		mq_metrics_cache("hit");
		count_hit(coll, key.data);
		if (cJSON_IsNull(*json)) { /* TMDB's 404, remembered */
			cJSON_Delete(*json);
			*json = NULL;
			rc = MQ_ENOTFOUND;
		}
		goto out;
	}
	/* TMDB is called without holding the database client: a slow TMDB must not pin the pool */
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	rc = t ? mq_tmdb_get(t, path, query, &r) : MQ_EUNAVAIL;
	client = mq_db_pop(db);
	coll = client ? mq_db_collection(db, client, "tmdb_cache") : NULL;
	if (rc == MQ_OK) {
		char *body = cJSON_PrintUnformatted(r.json);
		if (!body)
			mq_oom();
		*json = r.json;
		r.json = NULL;
		*state = MQ_CACHE_MISS;
		mq_metrics_cache("miss");
		if (coll && store(coll, key.data, body, mq_config_tmdb_cache_ttl(cfg, path)) != MQ_OK)
			mq_log(MQ_LOG_WARN, "cache", "could not cache %s; served uncached", key.data);
		cJSON_free(body);
	} else if (rc == MQ_ENOTFOUND) {
		/* remembered as JSON null, for less long: a movie or person TMDB removed (or never had)
		 * would otherwise cost a TMDB request, and a slot of its rate limit, on every view */
		int ttl = mq_config_tmdb_cache_ttl(cfg, path);
		if (coll && store(coll, key.data, "null", ttl < MQ_TMDBCACHE_NOT_FOUND_TTL ? ttl : MQ_TMDBCACHE_NOT_FOUND_TTL) != MQ_OK)
			mq_log(MQ_LOG_WARN, "cache", "could not remember TMDB's 404 for %s", key.data);
	} else if (rc != MQ_EINVAL && e.found && strcmp(e.body, "null") && (*json = cJSON_Parse(e.body))) {
		mq_log(MQ_LOG_WARN, "cache", "TMDB failed (%s, %s): serving the expired entry of %s",
		       mq_err_message(rc), r.message, key.data);
		*state = MQ_CACHE_STALE;
		mq_metrics_cache("stale");
		rc = MQ_OK;
		if (coll)
			count(coll, key.data, "stale_served");
	}
	if (rc == MQ_ERATELIMIT)
		rc = MQ_EUNAVAIL; /* TMDB's limit outlasted the retries: TMDB is down for us, not a 429 of our client's */
out:
	mq_tmdb_result_clear(&r);
	free(e.body);
	if (coll)
		mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	mq_buf_free(&key);
	return rc;
}

void mq_tmdbcache_headers(mq_req *req, mq_res *res, mq_cache_state state)
{
	static const char *const names[] = { "HIT", "MISS", "STALE" };
	mq_res_header(req, res, "X-Cache", names[state]);
	if (state == MQ_CACHE_STALE)
		mq_res_header(req, res, "Warning", "110 - \"Response is Stale\"");
}

static mq_err delete_where(mq_db *db, const bson_t *filter, long long *removed, const char *what)
{
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;
	*removed = 0;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "tmdb_cache");
	mq_err rc = MQ_OK;
	if (!mongoc_collection_delete_many(coll, filter, NULL, &reply, &error))
		rc = mq_db_error(&error, what);
	else if (bson_iter_init_find(&it, &reply, "deletedCount") && BSON_ITER_HOLDS_NUMBER(&it))
		*removed = bson_iter_as_int64(&it);
	bson_destroy(&reply);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
}

mq_err mq_tmdbcache_invalidate(mq_db *db, const char *prefix, long long *removed)
{
	bson_t filter = BSON_INITIALIZER;
	if (prefix && *prefix) {
		/* a literal prefix: every regex metacharacter escaped */
		mq_buf re = MQ_BUF_INIT;
		mq_buf_putc(&re, '^');
		for (const char *p = prefix; *p; p++) {
			if (strchr("\\^$.|?*+()[]{}", *p))
				mq_buf_putc(&re, '\\');
			mq_buf_putc(&re, *p);
		}
		BSON_APPEND_REGEX(&filter, "endpoint", re.data, "");
		mq_buf_free(&re);
	}
	mq_err rc = delete_where(db, &filter, removed, "cache invalidate");
	bson_destroy(&filter);
	return rc;
}

mq_err mq_tmdbcache_purge(mq_db *db, long long *removed)
{
	bson_t *filter = BCON_NEW("valid_until", "{", "$lt", BCON_DATE_TIME((int64_t)time(NULL) * 1000), "}");
	mq_err rc = delete_where(db, filter, removed, "cache purge");
	bson_destroy(filter);
	return rc;
}

static int64_t field_int(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
}

mq_err mq_tmdbcache_stats(mq_db *db, cJSON **stats)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	const bson_t *doc;
	bson_iter_t it;
	*stats = NULL;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "tmdb_cache");
	pending_hit written[HITS_PENDING_MAX]; /* this process's hits first */
	write_hits(coll, written, take_hits(written, 1));
	/* only the small fields: the cached bodies stay in the database */
	bson_t *opts = BCON_NEW("projection", "{", "family", BCON_INT32(1), "hits", BCON_INT32(1), "misses",
				BCON_INT32(1), "stale_served", BCON_INT32(1), "valid_until", BCON_INT32(1),
				"fetched_at", BCON_INT32(1), "}");
	bson_t filter = BSON_INITIALIZER;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, opts, NULL);
	int64_t now = (int64_t)time(NULL) * 1000, oldest = 0;
	long long entries = 0, expired = 0, hits = 0, misses = 0, stale = 0;
	cJSON *out = cJSON_CreateObject(), *by = cJSON_CreateObject();
	while (mongoc_cursor_next(cursor, &doc)) {
		int64_t h = field_int(doc, "hits"), m = field_int(doc, "misses"), st = field_int(doc, "stale_served");
		entries++;
		hits += h;
		misses += m;
		stale += st;
		if (bson_iter_init_find(&it, doc, "valid_until") && BSON_ITER_HOLDS_DATE_TIME(&it) &&
		    bson_iter_date_time(&it) < now)
			expired++;
		if (bson_iter_init_find(&it, doc, "fetched_at") && BSON_ITER_HOLDS_DATE_TIME(&it) &&
		    (!oldest || bson_iter_date_time(&it) < oldest))
			oldest = bson_iter_date_time(&it);
		const char *fam = bson_iter_init_find(&it, doc, "family") && BSON_ITER_HOLDS_UTF8(&it)
					  ? bson_iter_utf8(&it, NULL) : "other";
		cJSON *f = cJSON_GetObjectItemCaseSensitive(by, fam);
		if (!f) {
			f = cJSON_AddObjectToObject(by, fam);
			cJSON_AddNumberToObject(f, "entries", 0);
			cJSON_AddNumberToObject(f, "hits", 0);
			cJSON_AddNumberToObject(f, "misses", 0);
			cJSON_AddNumberToObject(f, "stale_served", 0);
		}
		static const char *const keys[] = { "entries", "hits", "misses", "stale_served" };
		const int64_t add[] = { 1, h, m, st };
		for (size_t k = 0; k < 4; k++) {
			cJSON *n = cJSON_GetObjectItemCaseSensitive(f, keys[k]);
			cJSON_SetNumberValue(n, n->valuedouble + (double)add[k]);
		}
	}
	if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "cache stats");
	mongoc_cursor_destroy(cursor);
	bson_destroy(&filter);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	if (rc != MQ_OK) {
		cJSON_Delete(out);
		cJSON_Delete(by);
		return rc;
	}
	cJSON_AddNumberToObject(out, "entries", (double)entries);
	cJSON_AddNumberToObject(out, "expired", (double)expired);
	cJSON_AddNumberToObject(out, "hits", (double)hits);
	cJSON_AddNumberToObject(out, "misses", (double)misses);
	cJSON_AddNumberToObject(out, "stale_served", (double)stale);
	cJSON_AddNumberToObject(out, "hit_ratio", hits + misses ? (double)hits / (double)(hits + misses) : 0.0);
	if (oldest) {
		char when[32];
		time_t t = (time_t)(oldest / 1000);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON_AddStringToObject(out, "oldest_fetched_at", when);
	} else {
		cJSON_AddNullToObject(out, "oldest_fetched_at");
	}
	cJSON_AddItemToObject(out, "by_endpoint", by);
	*stats = out;
	return MQ_OK;
}
