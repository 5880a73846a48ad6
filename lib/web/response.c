/* response.c — JSON envelopes, the error shape, HTML pages and CGI serialisation. */
#include "web/response.h"
#include "core/clock.h"
#include "core/mem.h"
#include "web/json.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

void mq_res_init(mq_res *res)
{
	memset(res, 0, sizeof *res);
	res->status = 200;
	mq_buf_init(&res->body);
}

void mq_res_free(mq_res *res)
{
	mq_buf_free(&res->body);
}

void mq_res_reset(mq_res *res)
{
	res->status = 200;
	res->content_type = NULL;
	memset(&res->headers, 0, sizeof res->headers); /* the items lived in the request arena */
	mq_buf_reset(&res->body);
}

void mq_res_header(mq_req *req, mq_res *res, const char *name, const char *value)
{
	char *v = mq_arena_strdup(req->arena, value);
	for (char *p = v; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	mq_kvlist_add(req->arena, &res->headers, mq_arena_strdup(req->arena, name), v);
}

const char *mq_res_get_header(const mq_res *res, const char *name)
{
	for (size_t i = 0; i < res->headers.n; i++)
		if (!strcasecmp(res->headers.items[i].key, name))
			return res->headers.items[i].value;
	return NULL;
}

static void set_json(mq_res *res, int status, cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);
	if (!text)
		mq_oom(); /* cJSON fails only when allocation fails */
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	mq_buf_reset(&res->body);
	mq_buf_puts(&res->body, text);
	cJSON_free(text);
}

void mq_reply_data(mq_req *req, mq_res *res, int status, cJSON *data)
{
	(void)req;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "data", data ? data : cJSON_CreateNull());
	set_json(res, status, root);
	cJSON_Delete(root);
}

void mq_reply_list(mq_req *req, mq_res *res, cJSON *items, long long page, long long limit,
		   long long total)
{
	(void)req;
	long long pages = limit > 0 ? (total + limit - 1) / limit : 0;
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "data", items);
	cJSON *meta = cJSON_AddObjectToObject(root, "meta");
	cJSON_AddNumberToObject(meta, "page", (double)page);
	cJSON_AddNumberToObject(meta, "limit", (double)limit);
	cJSON_AddNumberToObject(meta, "total", (double)total);
	cJSON_AddNumberToObject(meta, "totalPages", (double)pages);
	cJSON_AddBoolToObject(meta, "hasNextPage", page < pages);
	cJSON_AddBoolToObject(meta, "hasPrevPage", page > 1);
	set_json(res, 200, root);
	cJSON_Delete(root);
}

static int (*html_error_page)(mq_req *, mq_res *, int, const char *);

void mq_set_html_error_page(int (*render)(mq_req *req, mq_res *res, int status, const char *message))
{
	html_error_page = render;
}

static void reply_error_html(mq_req *req, mq_res *res, int status, const char *message)
{
	/* workers with templates render it in the layout; this is the plain fallback */
	if (html_error_page && html_error_page(req, res, status, message) == 0)
		return;
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	mq_buf_reset(&res->body);
	mq_buf_printf(&res->body,
		      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%d %s</title>"
		      "<link rel=\"stylesheet\" href=\"/static/site.css\"></head>\n<body><main class=\"error-page\"><h1>%d ",
		      status, mq_err_http_reason(status), status);
	mq_buf_html(&res->body, message, strlen(message));
	mq_buf_puts(&res->body, "</h1><p><a href=\"/\">Home</a></p></main></body></html>\n");
}

void mq_reply_status(mq_req *req, mq_res *res, int status, const char *message)
{
	char ts[40];
	if (!message)
		message = status == 404 ? "Not found" : mq_err_http_reason(status);
	mq_res_header(req, res, "Cache-Control", "no-store");
	if (!mq_req_is_api(req)) {
		reply_error_html(req, res, status, message);
		return;
	}
	mq_clock_iso8601_now(ts, sizeof ts);
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "status", "error");
	cJSON_AddNumberToObject(root, "statusCode", status);
	cJSON_AddStringToObject(root, "message", message);
	cJSON *errors = cJSON_AddArrayToObject(root, "errors");
	for (size_t i = 0; i < req->errors.n; i++)
		cJSON_AddItemToArray(errors, cJSON_CreateString(req->errors.items[i]));
	cJSON_AddStringToObject(root, "timestamp", ts);
	cJSON_AddStringToObject(root, "path", req->display_path);
	set_json(res, status, root);
	cJSON_Delete(root);
}

void mq_reply_err(mq_req *req, mq_res *res, mq_err err, const char *message)
{
	mq_reply_status(req, res, mq_err_status(err), message ? message : mq_err_message(err));
}

void mq_reply_html(mq_req *req, mq_res *res, int status, mq_buf *html)
{
	(void)req;
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	mq_buf_free(&res->body);
	res->body = *html;
	mq_buf_init(html);
}

/* FNV-1a, 64 bits: a cheap content hash for ETags (not a security boundary). */
static unsigned long long fnv1a(const char *s, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Whether an If-None-Match header matches etag (weak comparison, RFC 9110 §13.1.2). */
static int etag_matches(const char *header, const char *etag)
{
	if (etag[0] == 'W' && etag[1] == '/')
		etag += 2;
	size_t elen = strlen(etag);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - start) == elen && !memcmp(start, etag, elen))
			return 1;
	}
	return 0;
}

int mq_etag_fresh(mq_req *req, mq_res *res, const char *etag)
{
	mq_res_header(req, res, "ETag", etag);
	const char *inm = mq_req_param(req, "HTTP_IF_NONE_MATCH");
	if (!inm || !etag_matches(inm, etag))
		return 0;
	res->status = 200; /* the serialiser answers 304 */
	return 1;
}

void mq_res_serialize(mq_req *req, mq_res *res, mq_buf *out)
{
	int cacheable = (req->method == MQ_GET || req->method == MQ_HEAD) && res->status == 200;
	if (cacheable) {
		const char *etag = mq_res_get_header(res, "ETag");
		if (!etag) {
			etag = mq_arena_printf(req->arena, "W/\"%016llx\"",
					       fnv1a(res->body.data ? res->body.data : "", res->body.len));
			mq_res_header(req, res, "ETag", etag);
		}
		const char *inm = mq_req_param(req, "HTTP_IF_NONE_MATCH");
		if (inm && etag_matches(inm, etag))
			res->status = 304;
	}
	mq_buf_printf(out, "Status: %d %s\r\n", res->status, mq_err_http_reason(res->status));
	if (res->content_type && res->status != 304)
		mq_buf_printf(out, "Content-Type: %s\r\n", res->content_type);
	for (size_t i = 0; i < res->headers.n; i++)
		mq_buf_printf(out, "%s: %s\r\n", res->headers.items[i].key, res->headers.items[i].value);
	int has_body = res->status != 304 && res->status != 204 && req->method != MQ_HEAD;
	if (res->status != 304 && res->status != 204)
		mq_buf_printf(out, "Content-Length: %zu\r\n", res->body.len);
	mq_buf_puts(out, "\r\n");
	if (has_body && res->body.len)
		mq_buf_append(out, res->body.data, res->body.len);
}

int mq_fields_parse(mq_req *req, const char *text, const char *const *known, const char ***selected)
{
	*selected = NULL;
	if (!text)
		return 0;
	size_t n = 1, k = 0;
	for (const char *p = text; *p; p++)
		n += *p == ',';
	const char **out = mq_arena_zalloc(req->arena, (n + 1) * sizeof *out);
	char *copy = mq_arena_strdup(req->arena, text);
	int rc = 0;
	for (char *name = copy, *next; name; name = next) {
		next = strchr(name, ',');
		if (next)
			*next++ = '\0';
		const char *const *c = known;
		while (*c && strcmp(*c, name))
			c++;
		if (!*name) {
			mq_req_error(req, "fields must not contain empty names");
			rc = -1;
			break;
		} else if (!*c) {
			mq_req_error(req, "fields: \"%.40s\" is not a field of this resource", name);
			rc = -1;
		} else {
			out[k++] = *c;
		}
	}
	if (k == 0 && rc == 0) {
		mq_req_error(req, "fields must name at least one field");
		rc = -1;
	}
	*selected = rc ? NULL : out;
	return rc;
}

static void keep_selected(const char *const *selected, cJSON *obj)
{
	for (cJSON *f = obj->child, *next; f; f = next) {
		next = f->next;
		const char *const *c = selected;
		while (*c && strcmp(*c, f->string))
			c++;
		if (!*c)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, f));
	}
}

void mq_fields_apply(const char *const *selected, cJSON *obj)
{
	if (!selected || !obj)
		return;
	if (cJSON_IsObject(obj)) {
		keep_selected(selected, obj);
		return;
	}
	cJSON *item;
	cJSON_ArrayForEach(item, obj)
		if (cJSON_IsObject(item))
			keep_selected(selected, item);
}
