/* page.c — layout, language and theme for server-rendered pages (see page.h). */
#include "site/page.h"
#include "core/audience.h"
#include "core/l10n.h"
#include "core/log.h"
#include "core/messages.h"
#include "core/mem.h"
#include "core/template.h"
#include "domain/session.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int mq_page_accepts_fa(const char *accept_language)
{
	const char *p = accept_language;
	if (!p)
		return 0;
	p += strspn(p, " \t");
	if (strncasecmp(p, "fa", 2))
		return 0;
	p += 2;
	if (*p == '-')
		p += 1 + strcspn(p + 1, ",; \t");
	p += strspn(p, " \t");
	if (*p != '\0' && *p != ',' && *p != ';')
		return 0;
	while (*p == ';') { /* the range's parameters: q=0 (0., 0.000, …) refuses it */
		p++;
		p += strspn(p, " \t");
		if (*p == 'q' || *p == 'Q') {
			const char *v = p + 1 + strspn(p + 1, " \t");
			if (*v++ == '=') {
				v += strspn(v, " \t");
				if (*v == '0') {
					v++;
					if (*v == '.')
						v += 1 + strspn(v + 1, "0");
					v += strspn(v, " \t");
					if (*v == '\0' || *v == ',' || *v == ';')
						return 0;
				}
			}
		}
		p += strcspn(p, ";,");
	}
	return 1;
}

const char *mq_page_language(const mq_req *req)
{
	/* behind nginx, its choice (MQ_LANG), which its micro-cache keys on: one decision */
	const char *chosen = mq_req_param(req, "MQ_LANG");
	if (chosen && (!strcmp(chosen, "fa") || !strcmp(chosen, "en")))
		return chosen;
	const char *c = mq_req_cookie(req, "mq_lang");
	if (c && (!strcmp(c, "fa") || !strcmp(c, "en")))
		return c;
	return mq_page_accepts_fa(mq_req_param(req, "HTTP_ACCEPT_LANGUAGE")) ? "fa" : "en";
}

const char *mq_page_region(const mq_req *req)
{
	const char *c = mq_req_cookie(req, "mq_region");
	if (c && strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]))
		return c;
	return !strcmp(mq_page_language(req), "fa") ? "IR" : "US";
}

/* Renders templates/<name> with data (consumed) inside the layout into html (res: for the
 * notice cookie, mq_session_ended_take). Returns 0 or -1 (logged). */
static int render(mq_req *req, mq_res *res, const char *name, const char *title, cJSON *data, mq_buf *html)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	mq_buf content = MQ_BUF_INIT, err = MQ_BUF_INIT;
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
	/* the language's catalogue, {{m.key}}: borrowed, not copied, so cJSON_Delete leaves it */
	const cJSON *messages = mq_messages_of(ctx ? ctx->messages : NULL, lang);
	if (messages)
		cJSON_AddItemReferenceToObject(data, "m", (cJSON *)messages);
	cJSON_AddNumberToObject(data, "year", tm.tm_year + 1900);
	cJSON_AddStringToObject(data, "year_text", mq_page_digits(req, tm.tm_year + 1900));
	if (mq_session_ended_take(req, res))
		cJSON_AddTrueToObject(data, "session_ended");
	/* where a form on this page comes back to (the path and query as requested) */
	const char *path = req->display_path ? req->display_path : req->path ? req->path : "/";
	mq_buf here = MQ_BUF_INIT; /* the same, as a query parameter's value (the language links) */
	mq_buf_url_component(&here, path, strlen(path));
	if (req->query_string && *req->query_string) {
		mq_buf_url_component(&here, "?", 1);
		mq_buf_url_component(&here, req->query_string, strlen(req->query_string));
	}
	cJSON_AddStringToObject(data, "here_url", mq_buf_cstr(&here));
	mq_buf_free(&here);
	cJSON_AddStringToObject(data, "here", req->query_string && *req->query_string
		? mq_arena_printf(req->arena, "%s?%s", path, req->query_string) : path);
	if (req->user) {
		cJSON *u = cJSON_AddObjectToObject(data, "user");
		cJSON_AddStringToObject(u, "id", req->user->id);
		cJSON_AddBoolToObject(u, "is_admin", !strcmp(req->user->role, "admin"));
		/* every form of a signed-in page carries the session's CSRF token */
		if (req->user->via_cookie && ctx && ctx->cfg && ctx->cfg->jwt_secret) {
			char csrf[44];
			mq_csrf_token(ctx->cfg->jwt_secret, req->user->session_id, csrf);
			cJSON_AddStringToObject(data, "csrf", csrf);
		}
	}

	int ok = ctx && ctx->templates && mq_tmpl_render(ctx->templates, name, data, &content, &err) == 0;
	if (ok) {
		cJSON_AddStringToObject(data, "content", mq_buf_cstr(&content));
		ok = mq_tmpl_render(ctx->templates, "layout", data, html, &err) == 0;
	}
	if (!ok)
		mq_log(MQ_LOG_ERROR, "template", "cannot render %s: %s", name,
		       err.len ? mq_buf_cstr(&err) : "templates not loaded");
	cJSON_Delete(data);
	mq_buf_free(&content);
	mq_buf_free(&err);
	return ok ? 0 : -1;
}

const char *mq_page_message(const mq_req *req, const char *key)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	return mq_message(ctx ? ctx->messages : NULL, mq_page_language(req), key);
}

/* b's text copied into the request's arena; b is freed. */
static const char *in_arena(const mq_req *req, mq_buf *b)
{
	char *text = mq_arena_strdup(req->arena, mq_buf_cstr(b));
	mq_buf_free(b);
	return text;
}

const char *mq_page_messagef(const mq_req *req, const char *key, ...)
{
	const char *params[2 * MQ_PAGE_MAX_PARAMS + 1];
	size_t n = 0;
	va_list ap;
	va_start(ap, key);
	for (const char *name; n < 2 * MQ_PAGE_MAX_PARAMS && (name = va_arg(ap, const char *));) {
		params[n++] = name;
		params[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	params[n] = NULL;
	mq_buf text = MQ_BUF_INIT;
	mq_message_fill(&text, mq_page_message(req, key), params);
	return in_arena(req, &text);
}

const char *mq_page_isolate(const mq_req *req, const char *text)
{
	return mq_arena_printf(req->arena, "\u2068%s\u2069", text ? text : "");
}

const char *mq_page_number(const mq_req *req, double value, int fraction_digits)
{
	mq_buf text = MQ_BUF_INIT;
	mq_l10n_number(&text, mq_page_language(req), value, fraction_digits);
	return in_arena(req, &text);
}

const char *mq_page_digits(const mq_req *req, long long value)
{
	mq_buf text = MQ_BUF_INIT;
	mq_l10n_digits(&text, mq_page_language(req), value);
	return in_arena(req, &text);
}

const char *mq_page_problem(const mq_req *req, size_t i, int with_field)
{
	if (i >= req->errors.n)
		return "";
	const mq_problem *p = &req->errors.problems[i];
	const mq_ctx *ctx = mq_ctx_of(req);
	const mq_messages *catalogue = ctx ? ctx->messages : NULL;
	const char *lang = mq_page_language(req);
	char key[96];
	const char *text = NULL;
	if (p->code && snprintf(key, sizeof key, "problems.%s", p->code) < (int)sizeof key)
		text = mq_message_find(catalogue, lang, key);
	if (!text) /* no page words: an English page shows the English, which says most */
		text = strcmp(lang, "fa") ? req->errors.items[i] : mq_page_message(req, "problems.other");
	mq_buf b = MQ_BUF_INIT;
	const char *const params[] = { "min", mq_page_digits(req, p->min), "max", mq_page_digits(req, p->max), NULL };
	mq_message_fill(&b, text, params);
	const char *problem = in_arena(req, &b);
	const char *label = NULL;
	if (with_field && p->field && snprintf(key, sizeof key, "fields.%s", p->field) < (int)sizeof key)
		label = mq_message_find(catalogue, lang, key);
	return label ? mq_page_messagef(req, "problems.with_field", "field", label, "problem", problem, NULL)
		     : problem;
}

void mq_reply_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		   cJSON *data)
{
	mq_buf html = MQ_BUF_INIT;
	if (render(req, res, name, title, data, &html) == 0)
		mq_reply_html(req, res, status, &html);
	else
		mq_reply_status(req, res, 500, "This page could not be shown");
	mq_buf_free(&html);
}

/* The error page with heading (in the page's language). Returns 0, or -1 when it cannot render. */
static int error_page(mq_req *req, mq_res *res, int status, const char *heading)
{
	mq_buf html = MQ_BUF_INIT;
	cJSON *data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "status", status);
	cJSON_AddStringToObject(data, "status_text", mq_page_digits(req, status));
	cJSON_AddStringToObject(data, "message", heading);
	cJSON_AddBoolToObject(data, "is_404", status == 404);
	if (status < 500) { /* what was wrong with the request, in the page's words */
		cJSON *problems = cJSON_AddArrayToObject(data, "problems");
		for (size_t i = 0; i < req->errors.n; i++)
			cJSON_AddItemToArray(problems, cJSON_CreateString(mq_page_problem(req, i, 1)));
		cJSON_AddBoolToObject(data, "has_problems", req->errors.n > 0);
	}
	if (render(req, res, "error", heading, data, &html)) {
		mq_buf_free(&html);
		return -1;
	}
	mq_reply_html(req, res, status, &html);
	mq_buf_free(&html);
	return 0;
}

int mq_page_error(mq_req *req, mq_res *res, int status, const char *message)
{
	/* message is the API's English; a page says the status in its own language */
	(void)message;
	char key[32];
	snprintf(key, sizeof key, "errors.%d", status);
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *heading = mq_message_find(ctx ? ctx->messages : NULL, mq_page_language(req), key);
	return error_page(req, res, status, heading ? heading : mq_page_message(req, "errors.other"));
}

void mq_reply_page_error(mq_req *req, mq_res *res, int status, const char *key)
{
	if (error_page(req, res, status, mq_page_message(req, key)) == 0)
		mq_res_header(req, res, "Cache-Control", "no-store"); /* as every error (mq_reply_status) */
	else
		mq_reply_status(req, res, status, NULL);
}

cJSON *mq_page_options(const char *const *values, const char *const *labels, int selected)
{
	cJSON *options = cJSON_CreateArray();
	for (int i = 0; values[i]; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", values[i]);
		cJSON_AddStringToObject(o, "label", labels[i]);
		cJSON_AddBoolToObject(o, "selected", i == selected);
		cJSON_AddItemToArray(options, o);
	}
	return options;
}

void mq_page_select_genre(cJSON *genres, long long id)
{
	cJSON *g;
	cJSON_ArrayForEach(g, genres) {
		const cJSON *gid = cJSON_GetObjectItemCaseSensitive(g, "id");
		cJSON_AddBoolToObject(g, "selected", cJSON_IsNumber(gid) && (long long)gid->valuedouble == id);
	}
}

cJSON *mq_page_form(const mq_req *req, const char *const *names, const mq_kvlist *values)
{
	cJSON *form = cJSON_CreateObject();
	char *used = req->errors.n ? mq_xcalloc(req->errors.n, 1) : NULL;
	for (const char *const *name = names; *name; name++) {
		cJSON *field = cJSON_AddObjectToObject(form, *name);
		const char *v = values ? mq_kvlist_get(values, *name) : NULL;
		if (v && strcmp(*name, "password"))
			cJSON_AddStringToObject(field, "value", v);
		size_t len = strlen(*name);
		for (size_t i = 0; i < req->errors.n; i++) {
			/* the problem's field, else (a problem without one) the field its English names */
			const char *e = req->errors.items[i], *of = req->errors.problems[i].field;
			if (of ? !strcmp(of, *name) : !strncmp(e, *name, len) && (e[len] == ' ' || e[len] == '[')) {
				used[i] = 1;
				if (!cJSON_GetObjectItemCaseSensitive(field, "error"))
					cJSON_AddStringToObject(field, "error", mq_page_problem(req, i, 0));
			}
		}
	}
	cJSON *rest = cJSON_AddArrayToObject(form, "errors");
	for (size_t i = 0; i < req->errors.n; i++)
		if (!used[i])
			cJSON_AddItemToArray(rest, cJSON_CreateString(mq_page_problem(req, i, 1)));
	cJSON_AddBoolToObject(form, "has_errors", cJSON_GetArraySize(rest) > 0);
	free(used);
	return form;
}

int mq_page_form_body(mq_req *req, mq_kvlist *l)
{
	return mq_page_form_fields(req, l, 0);
}

int mq_page_form_fields(mq_req *req, mq_kvlist *l, int keep_empty)
{
	mq_kvlist all = { 0 };
	memset(l, 0, sizeof *l);
	if (!mq_content_type_is(mq_req_param(req, "CONTENT_TYPE"), "application/x-www-form-urlencoded")) {
		mq_req_problem(req, (mq_problem){ "form_type", NULL, 0, 0 }, "the form must be sent as application/x-www-form-urlencoded");
		return -1;
	}
	if (mq_form_decode(req->arena, req->body, req->body_len, &all)) {
		mq_req_problem(req, (mq_problem){ "bad_encoding", NULL, 0, 0 }, "the form is not valid percent-encoded UTF-8");
		return -1;
	}
	for (size_t i = 0; i < all.n; i++) /* _csrf was the dispatcher's (route.c), not the handler's */
		if ((keep_empty || *all.items[i].value) && strcmp(all.items[i].key, "_csrf"))
			mq_kvlist_add(req->arena, l, all.items[i].key, all.items[i].value);
	return 0;
}

int mq_page_local_path(const char *path)
{
	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return 0;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

void mq_reply_redirect(mq_req *req, mq_res *res, const char *path)
{
	mq_res_header(req, res, "Location", mq_page_local_path(path) ? path : "/");
	mq_res_header(req, res, "Cache-Control", "no-store");
	res->status = 303;
}

void mq_page_settings_cookies(mq_req *req, mq_res *res, const cJSON *settings)
{
	const char *lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "language"));
	const char *theme = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "theme"));
	if (lang && (!strcmp(lang, "en") || !strcmp(lang, "fa")))
		mq_res_header(req, res, "Set-Cookie",
			      mq_arena_printf(req->arena, "mq_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", lang));
	if (theme && (!strcmp(theme, "light") || !strcmp(theme, "dark")))
		mq_res_header(req, res, "Set-Cookie",
			      mq_arena_printf(req->arena, "mq_theme=%s; Path=/; Max-Age=31536000; SameSite=Lax", theme));
	const cJSON *region = cJSON_GetObjectItemCaseSensitive(settings, "region");
	if (cJSON_IsString(region) && mq_audience_region_known(region->valuestring))
		mq_res_header(req, res, "Set-Cookie",
			      mq_arena_printf(req->arena, "mq_region=%s; Path=/; Max-Age=31536000; SameSite=Lax", region->valuestring));
	else if (cJSON_IsNull(region)) /* not chosen: the language's again */
		mq_res_header(req, res, "Set-Cookie", "mq_region=; Path=/; Max-Age=0; SameSite=Lax");
}
