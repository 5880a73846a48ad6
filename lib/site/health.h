/* health.h — what the health endpoints report: process, database, TMDB and cache state.
 *
 * Each function fills a JSON object and returns MQ_OK when that part is up, so the health worker
 * answers 200 or 503 with the same shape either way.
 */
#ifndef MQ_HEALTH_H
#define MQ_HEALTH_H

#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>
#include <time.h>

/* status, version, uptime_seconds, memory {rss_bytes, peak_rss_bytes}. Always MQ_OK. */
mq_err mq_health_process(cJSON *out, time_t started);
/* database {status, latency_ms, name} through a ping. */
mq_err mq_health_database(cJSON *out, mq_db *db);
/* How long one TMDB check answers for every caller of this process, in seconds. */
#define MQ_HEALTH_TMDB_TTL 5

/* tmdb {status, base_url, http_status, latency_ms, credentials, checked_at}: one GET
 * /configuration through t (the thread's client: TMDB's rate limiter applies; NULL when no
 * credential is configured), at most once per MQ_HEALTH_TMDB_TTL seconds per process. While a
 * check is under way other callers get the previous answer rather than wait (or, before the
 * first one, wait for it), so a slow TMDB holds one thread, never the worker. The stand-in or
 * TMDB itself answers; credentials are never reported. */
mq_err mq_health_tmdb(cJSON *out, const mq_config *cfg, mq_tmdb *t);
/* The check itself, uncached: one attempt with a two-second limit (t keeps those timeouts and
 * that retry count afterwards: give it a client only the health checks use). */
mq_err mq_health_tmdb_check(cJSON *out, const mq_config *cfg, mq_tmdb *t);
/* cache {status, entries, expired}: counts in tmdb_cache. */
mq_err mq_health_cache(cJSON *out, mq_db *db);

#endif
