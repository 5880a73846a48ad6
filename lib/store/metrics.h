/* metrics.h — counters of a worker process (requests by status, TMDB calls by outcome, TMDB
 * cache answers by state), kept in memory, written to the metrics collection at most every
 * MQ_METRICS_FLUSH_SECONDS while they change (the worker's main thread looks every 2 s), and read back summed over every
 * process by the health worker's GET /api/v1/health/metrics (loopback-only in nginx) as
 * Prometheus-style text lines.
 */
#ifndef MQ_METRICS_H
#define MQ_METRICS_H

#include "core/buf.h"
#include "store/db.h"

#define MQ_METRICS_FLUSH_SECONDS 10

/* Thread-safe; cheap (atomic adds). */
void mq_metrics_request(int status);
void mq_metrics_tmdb(const char *outcome);      /* "ok", "not_found", "retry", "error" */
void mq_metrics_cache(const char *state);       /* "hit", "miss", "stale" */

/* Writes this process's counters as {_id: "<host>/<worker>/<pid>", worker, host, pid, at,
 * counters} when they changed and the last write is MQ_METRICS_FLUSH_SECONDS old (force: when
 * they changed). Errors are logged. */
void mq_metrics_flush(mq_db *db, const char *worker, int force);

/* Every process's counters written in the last day, summed per worker, with the latest sync
 * run of each kind, as text lines "name{labels} value" into out. */
mq_err mq_metrics_text(mq_db *db, mq_buf *out);

#endif
