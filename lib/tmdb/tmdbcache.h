/* tmdbcache.h — TMDB answers cached in the tmdb_cache collection.
 *
 * An entry is keyed by the endpoint: the path plus the query sorted by key (credentials never
 * appear: mq_tmdb_get adds them itself). A fresh entry (valid_until in the future) is served
 * without calling TMDB; an expired one is refreshed; when TMDB fails, an expired entry is served
 * anyway, marked stale, rather than an error. TMDB's 404 is remembered too, as the body null, for
 * MQ_TMDBCACHE_NOT_FOUND_TTL seconds at most (MQ_ENOTFOUND from the cache; never served stale).
 * Each entry counts its hits, misses (fetches) and
 * stale answers, which feed the cache statistics (hits a process counts are written together, at
 * most once a second). Expiry is checked on read (FerretDB has no TTL
 * indexes); `marquee-sync purge-cache` deletes what has expired.
 */
#ifndef MQ_TMDBCACHE_H
#define MQ_TMDBCACHE_H

#include "core/buf.h"
#include "store/db.h"
#include "tmdb/env.h"
#include "tmdb/tmdb.h"
#include "web/http.h"

#include <cjson/cJSON.h>

#define MQ_TMDBCACHE_NOT_FOUND_TTL 3600

typedef enum mq_cache_state {
	MQ_CACHE_HIT,
	MQ_CACHE_MISS,
	MQ_CACHE_STALE,
} mq_cache_state;

/* The cache key of path?query (query: NULL-terminated key, value, … pairs). */
void mq_tmdbcache_key(const char *path, const char *const *query, mq_buf *out);

/* TMDB's answer to GET path?query through the cache, stored for the path's lifetime
 * (mq_config_tmdb_cache_ttl). MQ_OK: *json is the
 * answer (caller owns) and *state says where it came from. Errors: those of mq_tmdb_get when
 * nothing usable is cached (MQ_ENOTFOUND and MQ_EINVAL never fall back to a stale entry), except
 * that a rate limit outlasting the retries is MQ_EUNAVAIL (a 503 for our client, not a 429), or
 * the database's. */
mq_err mq_tmdbcache_get(const mq_env *env, const char *path, const char *const *query, cJSON **json, mq_cache_state *state);

/* Tells the client where an answer came from: X-Cache: HIT, MISS or STALE, and for a stale
 * answer a Warning: 110 header. */
void mq_tmdbcache_headers(mq_req *req, mq_res *res, mq_cache_state state);

/* Deletes the entries whose endpoint starts with prefix (NULL or "": every entry). */
mq_err mq_tmdbcache_invalidate(mq_db *db, const char *prefix, long long *removed);

/* Deletes the entries that expired before now (the sync binary's purge-cache). */
mq_err mq_tmdbcache_purge(mq_db *db, long long *removed);

/* {entries, expired, hits, misses, stale_served, hit_ratio, oldest_fetched_at, by_endpoint:
 *  {"movie": {entries, hits, misses, stale_served}, …}}; *stats: caller owns. */
mq_err mq_tmdbcache_stats(mq_db *db, cJSON **stats);

#endif
