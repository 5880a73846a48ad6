/* signin.c — a member's session started in a reply (see signin.h). */
#include "site/signin.h"
#include "domain/session.h"
#include "site/page.h"
#include "web/ctx.h"
#include "web/response.h"

#include <stdlib.h>
#include <time.h>

static void add_time(cJSON *obj, const char *key, long long t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	cJSON_AddStringToObject(obj, key, buf);
}

cJSON *mq_signin_start(mq_req *req, mq_res *res, cJSON *user, long long tv, const char *refresh)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	char *token = NULL, *issued = NULL;
	long long refresh_expires = 0;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "id"));
	const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "role"));
	if (!refresh) {
		mq_err rc = mq_session_version(mq_ctx_of(req)->db, id, tv, &tv);
		if (rc == MQ_OK)
			rc = mq_refresh_issue(mq_ctx_of(req)->db, id, tv, NULL, &issued, &refresh_expires);
		if (rc != MQ_OK) {
			cJSON_Delete(user);
			mq_reply_err(req, res, rc, NULL);
			return NULL;
		}
		refresh = issued;
	} else {
		refresh_expires = (long long)time(NULL) + MQ_REFRESH_TTL;
	}
	cJSON *data = cJSON_CreateObject();
	mq_session_issue(cfg, id, role ? role : "user", tv, data, &token);
	cJSON_AddStringToObject(data, "refresh_token", refresh);
	add_time(data, "refresh_expires_at", refresh_expires);
	cJSON_AddItemToObject(data, "user", user);
	mq_session_cookies_set(req, res, token, refresh,
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "csrf_token")));
	mq_page_settings_cookies(req, res, cJSON_GetObjectItemCaseSensitive(user, "settings"));
	free(token);
	free(issued);
	return data;
}

