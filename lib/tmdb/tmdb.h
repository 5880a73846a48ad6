/* tmdb.h — the TMDB v3 client: one GET with credentials, rate limit, retries and error mapping,
 * plus tolerant readers for TMDB's objects.
 *
 * Only this module adds the credential: the read token as "Authorization: Bearer …" when set,
 * else api_key=… in the query. Callers never pass it; logs and results never contain it.
 *
 * Threads: one mq_tmdb per thread (it owns one reused CURL easy handle); one mq_tmdb_limiter per
 * process, shared by every thread's client. curl_global_init() is the program's business.
 */
#ifndef MQ_TMDB_H
#define MQ_TMDB_H

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define MQ_TMDB_MAX_PAGE 500                  /* TMDB answers 400 code 22 above this */
#define MQ_TMDB_MAX_BODY (8L * 1024 * 1024)   /* bigger response bodies are refused */

/* ---- rate limiter ------------------------------------------------------------------------ */

/* Evenly spaced request slots, 1/per_second apart, no burst. Process-wide, thread-safe. */
typedef struct mq_tmdb_limiter mq_tmdb_limiter;

/* per_second is TMDB_RATE; below 1 means no limit. Caller owns the result (never NULL). */
mq_tmdb_limiter *mq_tmdb_limiter_new(int per_second);
void mq_tmdb_limiter_free(mq_tmdb_limiter *l);          /* accepts NULL */
/* Reserves the next request slot at time now (seconds, monotonic clock) and returns how many
 * seconds the caller must wait before sending (0 when the slot is free now). Pure arithmetic on
 * now, so tests drive it with a fake clock. l may be NULL (no limit: 0). */
double mq_tmdb_limiter_reserve(mq_tmdb_limiter *l, double now);

/* ---- client ------------------------------------------------------------------------------ */

/* One per thread: owns one reused CURL easy handle; not thread-safe. */
typedef struct mq_tmdb mq_tmdb;

/* Borrows cfg and limiter (both must outlive the client; limiter may be NULL = unlimited).
 * Returns NULL when neither tmdb_read_token nor tmdb_api_key is set (non-empty). Caller owns the
 * result and frees it with mq_tmdb_free(). */
mq_tmdb *mq_tmdb_new(const mq_config *cfg, mq_tmdb_limiter *limiter);
void mq_tmdb_free(mq_tmdb *t);   /* accepts NULL */

/* Test hooks. Timeouts in ms (defaults 3000 connect, 10000 total; values < 1 keep the current
 * one). max_attempts ≥ 1 (default 4); backoff_base_ms is the first backoff window (default
 * 1000); retry_after_cap_ms caps a server's Retry-After (default 30000). */
void mq_tmdb_set_timeouts(mq_tmdb *t, long connect_ms, long total_ms);
void mq_tmdb_set_retry(mq_tmdb *t, int max_attempts, long backoff_base_ms, long retry_after_cap_ms);

typedef struct mq_tmdb_result {
	long http_status;   /* of the last attempt; 0 when there was no HTTP response */
	int tmdb_code;      /* status_code of TMDB's error envelope, 0 if none */
	char message[256];  /* status_message, or errors[0] of the 422 envelope, or the curl error
			       (for logs; never holds a credential) */
	int attempts;       /* requests sent (0 when the arguments were refused) */
	cJSON *json;        /* MQ_OK only: the parsed body; caller owns (mq_tmdb_result_clear) */
} mq_tmdb_result;

/* GET {base}{path}?{query}. path is like "/movie/550" (a '/' then letters, digits and
 * "/._-,~" only); query is a NULL-terminated list key, value, key, value, … (may be NULL; values
 * are URL-encoded here; "api_key" is refused: the credential is added here only). A "page" value
 * is clamped to 1–500 (a non-integer page is MQ_EINVAL).
 *
 * Every attempt first takes a slot from the limiter. Retries, up to max_attempts in all, with
 * full-jitter exponential backoff (a random wait in [0, base·2^(n−1)], n = failures so far,
 * at most 30 s) on 5xx (but 501), 429, timeouts, connection errors and transfers cut short
 * (a truncated body). A 429's integer Retry-After replaces the backoff (capped). No retry on
 * other statuses, malformed bodies or bad arguments.
 *
 * Returns MQ_OK (2xx with a JSON object body: out->json), MQ_ENOTFOUND (404 with a TMDB
 * envelope: code 34 or 6), MQ_EINVAL (400/422, or bad arguments: the caller's bug), MQ_EUNAVAIL
 * (401 — a bad credential, logged as an error —, 503, connection refused or unresolvable host),
 * MQ_ERATELIMIT (429 still after all attempts), MQ_ETIMEOUT (timeouts or 504 after all attempts),
 * MQ_EUPSTREAM (other statuses, a 404 without TMDB's envelope, empty, malformed, non-object,
 * truncated or oversized bodies), MQ_EINTERNAL (an unusable base URL). *out is always filled
 * (zeroed first); clear it with mq_tmdb_result_clear(). */
mq_err mq_tmdb_get(mq_tmdb *t, const char *path, const char *const *query, mq_tmdb_result *out);
void mq_tmdb_result_clear(mq_tmdb_result *r); /* deletes json; accepts NULL */

/* ---- many requests at once ---------------------------------------------------------------- */

typedef struct mq_tmdb_job {
	const char *path;            /* as for mq_tmdb_get() */
	const char *const *query;
	void *arg;                   /* the caller's */
} mq_tmdb_job;

/* Told of each job once it is over, in the order they finish, on the calling thread: rc and r
 * as mq_tmdb_get() gives them. r->json belongs to the callback (take it, or leave it to be
 * deleted after the call). Returning nonzero stops the run: jobs not started yet are skipped,
 * those in flight are abandoned. */
typedef int (*mq_tmdb_done)(const mq_tmdb_job *job, mq_err rc, mq_tmdb_result *r, void *ctx);

/* Runs jobs[n] over at most parallel (1–20) connections at once, driven by one libcurl multi
 * handle on the calling thread. Every attempt takes a slot from t's limiter and is retried as
 * mq_tmdb_get() retries (t's timeouts and retry settings apply; t's own handle is not used).
 * Returns MQ_OK once every job has been reported (or the callback stopped the run),
 * MQ_EINTERNAL when libcurl cannot run it at all. */
mq_err mq_tmdb_get_many(mq_tmdb *t, const mq_tmdb_job *jobs, size_t n, int parallel, mq_tmdb_done done,
			void *ctx);

/* ---- TMDB's data ------------------------------------------------------------------------- */

/* Parses TMDB's error envelopes from body[len] (need not be NUL-terminated):
 * {status_code, status_message[, success][, failure]} in any key order (success:true is not an
 * error), or {"errors":[…]} (code 0, message errors[0]). Fills *code and message (both may be
 * NULL; message is truncated at a character boundary to size). Returns 0 if it was one, -1 if
 * not (then nothing is written). */
int mq_tmdb_parse_error(const char *body, size_t len, int *code, char *message, size_t size);

/* obj[key] as a number (TMDB writes 7 as well as 7.3); fallback when absent, null, not a number,
 * not finite, or obj is NULL. */
double mq_tmdb_number(const cJSON *obj, const char *key, double fallback);
/* Whether id (a TMDB number) is a TMDB id: a whole number from 1 to 2^31 - 1. */
int mq_tmdb_valid_id(double id);
/* obj[key] as a string borrowed from obj; NULL for null, "", absent or non-string. */
const char *mq_tmdb_string(const cJSON *obj, const char *key);
/* The year of "1999-10-15" (or "1999", or an ISO timestamp): 1999; 0 for NULL, "" or garbage. */
int mq_tmdb_year(const char *release_date);
/* Appends secure_base + size + path to out, e.g. "https://image.tmdb.org/t/p/w500/abc.jpg"
 * (secure_base NULL: TMDB's; size NULL: "original"). Appends nothing (out stays "" when it
 * was empty) when path is NULL or "", or when size or path hold characters a TMDB image
 * path never has. */
void mq_tmdb_image_url(const char *secure_base, const char *size, const char *path, mq_buf *out);

#endif
