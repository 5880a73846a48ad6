/* health.c — health checks (see health.h). */
#include "site/health.h"
#include "core/clock.h"
#include "core/mem.h"
#include "web/ctx.h"


#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static long rss_bytes(void)
{
	long pages_total = 0, pages_rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	int n = fscanf(f, "%ld %ld", &pages_total, &pages_rss);
	fclose(f);
	return n == 2 ? pages_rss * sysconf(_SC_PAGESIZE) : -1;
}

mq_err mq_health_process(cJSON *out, time_t started)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	cJSON_AddStringToObject(out, "status", "ok");
	cJSON_AddStringToObject(out, "version", MQ_VERSION);
	cJSON_AddNumberToObject(out, "uptime_seconds", (double)(time(NULL) - started));
	cJSON *mem = cJSON_AddObjectToObject(out, "memory");
	cJSON_AddNumberToObject(mem, "rss_bytes", (double)rss_bytes());
	cJSON_AddNumberToObject(mem, "peak_rss_bytes", (double)ru.ru_maxrss * 1024.0);
	return MQ_OK;
}

mq_err mq_health_database(cJSON *out, mq_db *db)
{
	double ms = 0;
	mq_err rc = db ? mq_db_ping(db, &ms) : MQ_EUNAVAIL;
	cJSON_AddStringToObject(out, "status", rc == MQ_OK ? "up" : "down");
	if (db)
		cJSON_AddStringToObject(out, "name", mq_db_name(db));
	cJSON_AddNumberToObject(out, "latency_ms", ms);
	return rc;
}

mq_err mq_health_tmdb_check(cJSON *out, const mq_config *cfg, mq_tmdb *t)
{
	mq_err rc = MQ_EUNAVAIL;
	mq_tmdb_result r;
	double started = mq_clock_ms();
	memset(&r, 0, sizeof r);
	if (t) {
		mq_tmdb_set_timeouts(t, 1000, 2000);
		mq_tmdb_set_retry(t, 1, 1000, 1000);
		rc = mq_tmdb_get(t, "/configuration", NULL, &r);
	}
	const char *state = rc == MQ_OK ? "up" : !t ? "unconfigured" : r.http_status == 401 ? "unauthorized" : "down";
	cJSON_AddStringToObject(out, "status", state);
	/* the base URL carries no credentials: the key travels in a header or the query only */
	cJSON_AddStringToObject(out, "base_url", cfg->tmdb_base_url);
	cJSON_AddStringToObject(out, "credentials", cfg->tmdb_read_token ? "read_token"
						    : cfg->tmdb_api_key ? "api_key" : "none");
	cJSON_AddNumberToObject(out, "http_status", (double)r.http_status);
	cJSON_AddNumberToObject(out, "latency_ms", t ? (double)(mq_clock_ms() - started) : 0);
	if (rc != MQ_OK && t)
		cJSON_AddStringToObject(out, "error", r.message[0] ? r.message : mq_err_message(rc));
	char when[40];
	mq_clock_iso8601(mq_clock_ms(), when, sizeof when);
	cJSON_AddStringToObject(out, "checked_at", when);
	mq_tmdb_result_clear(&r);
	return rc;
}

/* The last answer, shared by the process's threads. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;
	int checking;
	time_t at;          /* 0: never checked */
	mq_err rc;
	cJSON *answer;
} last = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, MQ_OK, NULL };

mq_err mq_health_tmdb(cJSON *out, const mq_config *cfg, mq_tmdb *t)
{
	pthread_mutex_lock(&last.lock);
	while (last.checking && !last.at)
		pthread_cond_wait(&last.done, &last.lock);
	int mine = !last.checking && time(NULL) - last.at >= MQ_HEALTH_TMDB_TTL;
	if (mine)
		last.checking = 1;
	pthread_mutex_unlock(&last.lock);

	cJSON *fresh = NULL;
	mq_err rc = MQ_OK;
	if (mine) {
		fresh = cJSON_CreateObject();
		rc = mq_health_tmdb_check(fresh, cfg, t);
	}
	pthread_mutex_lock(&last.lock);
	if (mine) {
		cJSON_Delete(last.answer);
		last.answer = fresh;
		last.rc = rc;
		last.at = time(NULL);
		last.checking = 0;
		pthread_cond_broadcast(&last.done);
	}
	rc = last.rc;
	cJSON *item;
	cJSON_ArrayForEach(item, last.answer)
		cJSON_AddItemToObject(out, item->string, cJSON_Duplicate(item, 1));
	pthread_mutex_unlock(&last.lock);
	return rc;
}

mq_err mq_health_cache(cJSON *out, mq_db *db)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	mongoc_client_t *client = db ? mq_db_pop(db) : NULL;
	if (!client) {
		cJSON_AddStringToObject(out, "status", "down");
		return MQ_EUNAVAIL;
	}
	mongoc_collection_t *coll = mq_db_collection(db, client, "tmdb_cache");
	bson_t all = BSON_INITIALIZER, expired = BSON_INITIALIZER, lt;
	BSON_APPEND_DOCUMENT_BEGIN(&expired, "valid_until", &lt);
	BSON_APPEND_DATE_TIME(&lt, "$lt", (int64_t)time(NULL) * 1000);
	bson_append_document_end(&expired, &lt);
	int64_t entries = mongoc_collection_count_documents(coll, &all, NULL, NULL, NULL, &error);
	int64_t stale = entries < 0 ? -1 : mongoc_collection_count_documents(coll, &expired, NULL, NULL, NULL, &error);
	if (entries < 0 || stale < 0)
		rc = mq_db_error(&error, "cache count");
	bson_destroy(&all);
	bson_destroy(&expired);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	cJSON_AddStringToObject(out, "status", rc == MQ_OK ? "up" : "down");
	if (rc == MQ_OK) {
		cJSON_AddNumberToObject(out, "entries", (double)entries);
		cJSON_AddNumberToObject(out, "expired", (double)stale);
	}
	return rc;
}
