/* health.c — health checks (see health.h). */
#include "health.h"
#include "ctx.h"
#include "mem.h"

#include <curl/curl.h>
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

static size_t discard(char *ptr, size_t size, size_t nmemb, void *data)
{
	(void)ptr;
	(void)data;
	return size * nmemb;
}

mq_err mq_health_tmdb(cJSON *out, const mq_config *cfg)
{
	mq_err rc = MQ_EUNAVAIL;
	long status = 0;
	double seconds = 0;
	int has_credentials = cfg->tmdb_read_token || cfg->tmdb_api_key;
	char *url = NULL;
	struct curl_slist *headers = NULL;
	CURL *curl = curl_easy_init();
	if (!curl)
		mq_oom();

	mq_buf u = MQ_BUF_INIT;
	mq_buf_printf(&u, "%s/configuration", cfg->tmdb_base_url);
	if (!cfg->tmdb_read_token && cfg->tmdb_api_key) {
		mq_buf_puts(&u, "?api_key=");
		mq_buf_url_component(&u, cfg->tmdb_api_key, strlen(cfg->tmdb_api_key));
	}
	url = mq_buf_steal(&u);
	if (cfg->tmdb_read_token) {
		mq_buf h = MQ_BUF_INIT;
		mq_buf_printf(&h, "Authorization: Bearer %s", cfg->tmdb_read_token);
		headers = curl_slist_append(headers, mq_buf_cstr(&h));
		explicit_bzero(h.data, h.len);
		mq_buf_free(&h);
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode cc = has_credentials ? curl_easy_perform(curl) : CURLE_LOGIN_DENIED;
	if (cc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &seconds);
		rc = status == 200 ? MQ_OK : status == 401 ? MQ_EUNAVAIL : MQ_EUPSTREAM;
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = MQ_ETIMEOUT;
	}
	const char *state = rc == MQ_OK ? "up" : !has_credentials ? "unconfigured"
				    : status == 401 ? "unauthorized" : "down";
	cJSON_AddStringToObject(out, "status", state);
	/* the base URL carries no credentials: the key travels in a header or the query only */
	cJSON_AddStringToObject(out, "base_url", cfg->tmdb_base_url);
	cJSON_AddStringToObject(out, "credentials", cfg->tmdb_read_token ? "read_token"
						    : cfg->tmdb_api_key ? "api_key" : "none");
	cJSON_AddNumberToObject(out, "http_status", (double)status);
	cJSON_AddNumberToObject(out, "latency_ms", seconds * 1000.0);
	if (cc != CURLE_OK && has_credentials)
		cJSON_AddStringToObject(out, "error", curl_easy_strerror(cc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	explicit_bzero(url, strlen(url));
	free(url);
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
