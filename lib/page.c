/* page.c — layout, language and theme for server-rendered pages (see page.h). */
#include "page.h"
#include "ctx.h"
#include "log.h"
#include "response.h"
#include "template.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *mq_page_language(const mq_req *req)
{
	const char *c = mq_req_cookie(req, "mq_lang");
	if (c && (!strcmp(c, "fa") || !strcmp(c, "en")))
		return c;
	/* the first language range decides: "fa" or "fa-IR", unless refused with q=0 */
	const char *al = mq_req_param(req, "HTTP_ACCEPT_LANGUAGE");
	if (al && !strncasecmp(al, "fa", 2) && strchr("-,; ", al[2] ? al[2] : ' ')) {
		size_t first = strcspn(al, ",");
		const char *q = strstr(al, ";q=");
		if (!q || (size_t)(q - al) > first || strtod(q + 3, NULL) > 0.0)
			return "fa";
	}
	return "en";
}

void mq_reply_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		   cJSON *data)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	mq_buf content = MQ_BUF_INIT, html = MQ_BUF_INIT, err = MQ_BUF_INIT;
	const char *lang = mq_page_language(req);
	const char *theme = mq_req_cookie(req, "mq_theme");
	struct tm tm;
	time_t now = time(NULL);
	gmtime_r(&now, &tm);

	if (!data)
		data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "site_name", "Marquee");
	cJSON_AddStringToObject(data, "lang", lang);
	cJSON_AddStringToObject(data, "dir", !strcmp(lang, "fa") ? "rtl" : "ltr");
	cJSON_AddBoolToObject(data, "is_fa", !strcmp(lang, "fa"));
	cJSON_AddStringToObject(data, "theme", theme && !strcmp(theme, "dark") ? "dark" : "light");
	cJSON_AddStringToObject(data, "title", title ? title : "Marquee");
	cJSON_AddNumberToObject(data, "year", tm.tm_year + 1900);
	if (req->user) {
		cJSON *u = cJSON_AddObjectToObject(data, "user");
		cJSON_AddStringToObject(u, "id", req->user->id);
		cJSON_AddBoolToObject(u, "is_admin", !strcmp(req->user->role, "admin"));
	}

	int ok = ctx && ctx->templates && mq_tmpl_render(ctx->templates, name, data, &content, &err) == 0;
	if (ok) {
		cJSON_AddStringToObject(data, "content", mq_buf_cstr(&content));
		ok = mq_tmpl_render(ctx->templates, "layout", data, &html, &err) == 0;
	}
	if (ok) {
		mq_reply_html(req, res, status, &html);
	} else {
		mq_log(MQ_LOG_ERROR, "template", "cannot render %s: %s", name,
		       err.len ? mq_buf_cstr(&err) : "templates not loaded");
		mq_reply_status(req, res, 500, "This page could not be shown");
	}
	cJSON_Delete(data);
	mq_buf_free(&content);
	mq_buf_free(&html);
	mq_buf_free(&err);
}
