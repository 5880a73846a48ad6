/* live.c — publishing live hints to nchan (see live.h). */
#include "site/live.h"
#include "core/log.h"
#include "web/ctx.h"

#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

/* One libcurl handle per thread, kept for its connection to the publisher. */
static pthread_key_t handle_key;
static pthread_once_t handle_once = PTHREAD_ONCE_INIT;

static void handle_free(void *curl)
{
	curl_easy_cleanup(curl);
}

static void handle_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_key_create(&handle_key, handle_free);
}

static CURL *thread_handle(void)
{
	pthread_once(&handle_once, handle_init);
	CURL *curl = pthread_getspecific(handle_key);
	if (!curl && (curl = curl_easy_init()))
		pthread_setspecific(handle_key, curl);
	return curl;
}

static size_t discard(char *data, size_t size, size_t n, void *unused)
{
	(void)data;
	(void)unused;
	return size * n;
}

void mq_live_channel(const char *user_id, char out[26])
{
	snprintf(out, 26, "u%.24s", user_id ? user_id : "");
}

/* One request to user's channel at the publisher: POST body (with its event name), or DELETE
 * when body is NULL. *status gets the answer's status (0 when there was none). */
static CURLcode to_channel(const mq_config *cfg, const char *user_id, const char *body, long *status)
{
	CURL *curl = thread_handle();
	*status = 0;
	if (!curl)
		return CURLE_OUT_OF_MEMORY;
	char channel[26], url[1024];
	mq_live_channel(user_id, channel);
	size_t len = strlen(cfg->nchan_publish_url);
	snprintf(url, sizeof url, "%s%s%s", cfg->nchan_publish_url,
		 len && cfg->nchan_publish_url[len - 1] == '/' ? "" : "/", channel);
	struct curl_slist *headers = NULL;
	curl_easy_reset(curl);
	if (body) {
		headers = curl_slist_append(headers, "Content-Type: application/json");
		headers = curl_slist_append(headers, "X-EventSource-Event: lists");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (cfg->nchan_publish_socket)
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, cfg->nchan_publish_socket);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 200L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 500L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	return rc;
}

int mq_live_publish(const mq_config *cfg, const char *user_id, const cJSON *hint)
{
	if (!cfg->nchan_publish_url)
		return 1;
	char *body = cJSON_PrintUnformatted(hint);
	if (!body) {
		mq_log(MQ_LOG_WARN, "live", "hint not published: out of memory");
		return -1;
	}
	long status;
	CURLcode rc = to_channel(cfg, user_id, body, &status);
	cJSON_free(body);
	if (rc != CURLE_OK) {
		mq_log(MQ_LOG_WARN, "live", "hint not published: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (status != 201 && status != 202) {
		mq_log(MQ_LOG_WARN, "live", "hint not published: the publisher answered %ld", status);
		return -1;
	}
	return 0;
}

int mq_live_close(const mq_config *cfg, const char *user_id)
{
	if (!cfg->nchan_publish_url)
		return 1;
	long status;
	CURLcode rc = to_channel(cfg, user_id, NULL, &status);
	if (rc != CURLE_OK || (status != 200 && status != 404)) { /* 404: nobody was listening */
		mq_log(MQ_LOG_WARN, "live", "live streams not closed: %s",
		       rc != CURLE_OK ? curl_easy_strerror(rc) : "the publisher refused");
		return -1;
	}
	return 0;
}

void mq_live_hint(mq_req *req, const char *type, const char *op, const char *movie_id, long long version,
		  cJSON *extra)
{
	if (!req->user || !mq_ctx_of(req)->cfg->nchan_publish_url) {
		cJSON_Delete(extra);
		return;
	}
	cJSON *hint = cJSON_CreateObject();
	cJSON_AddStringToObject(hint, "type", type);
	cJSON_AddStringToObject(hint, "op", op);
	if (movie_id)
		cJSON_AddStringToObject(hint, "movie", movie_id);
	else
		cJSON_AddNullToObject(hint, "movie");
	cJSON_AddNumberToObject(hint, "v", (double)version);
	while (extra && extra->child) {
		cJSON *item = cJSON_DetachItemViaPointer(extra, extra->child);
		cJSON_AddItemToObject(hint, item->string, item);
	}
	cJSON_Delete(extra);
	mq_live_publish(mq_ctx_of(req)->cfg, req->user->id, hint);
	cJSON_Delete(hint);
}

void mq_live_rating(mq_req *req, const cJSON *rating, long long version)
{
	const char *movie = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rating, "movie_id"));
	cJSON *extra = cJSON_CreateObject();
	cJSON_AddItemToObject(extra, "rating", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(rating, "rating"), 1));
	mq_live_hint(req, "rating", "set", movie, version, extra);
}
