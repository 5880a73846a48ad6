/* response.h — writing responses: JSON envelopes, the error shape, headers, ETags.
 *
 * Success: {"data": …} (lists add "meta"). Errors, always the same shape:
 * {"status":"error","statusCode":400,"message":"Validation failed","errors":[…],
 *  "timestamp":"2026-…Z","path":"/api/v1/…"}. Pages get an HTML error page instead.
 */
#ifndef MQ_RESPONSE_H
#define MQ_RESPONSE_H

#include "web/http.h"

#include <cjson/cJSON.h>
#include <stdint.h>

void mq_res_init(mq_res *res);
void mq_res_free(mq_res *res);
/* Empties the response for the next request, keeping the body's allocation. */
void mq_res_reset(mq_res *res);

/* Adds a header (name and value copied into the arena; CR and LF in the value become spaces). */
void mq_res_header(mq_req *req, mq_res *res, const char *name, const char *value);
const char *mq_res_get_header(const mq_res *res, const char *name);

/* {"data": data}; takes ownership of data (may be NULL for "data":null). */
void mq_reply_data(mq_req *req, mq_res *res, int status, cJSON *data);
/* {"data": items, "meta": {page, limit, total, totalPages, hasNextPage, hasPrevPage}};
 * takes ownership of items. */
void mq_reply_list(mq_req *req, mq_res *res, cJSON *items, long long page, long long limit,
		   long long total);
/* The error shape with status, message (NULL: the status's default) and req->errors. */
void mq_reply_status(mq_req *req, mq_res *res, int status, const char *message);
/* mq_reply_status() with the status of err. */
void mq_reply_err(mq_req *req, mq_res *res, mq_err err, const char *message);
/* Workers with templates render error pages in the site's layout: render returns 0, or -1 to
 * fall back to the plain page. Set once at start (process-wide). */
void mq_set_html_error_page(int (*render)(mq_req *req, mq_res *res, int status, const char *message));
/* An HTML page (body already rendered into html, which is consumed). */
void mq_reply_html(mq_req *req, mq_res *res, int status, mq_buf *html);

/* Sparse fieldsets (fields=a,b): parses text against the known names into a NULL-terminated
 * list in the request's arena (*selected = NULL when text is NULL: everything). Unknown or empty
 * names go to req->errors; returns 0 or -1. */
int mq_fields_parse(mq_req *req, const char *text, const char *const *known, const char ***selected);
/* Keeps only the selected members of obj, or of each object in an array (NULL: all). */
void mq_fields_apply(const char *const *selected, cJSON *obj);

/* Sets etag as the response's ETag (for data that has a version of its own) and returns 1 when
 * the request's If-None-Match already names it: the handler then returns at once, and the
 * response becomes a 304 without the data being read. */
int mq_etag_fresh(mq_req *req, mq_res *res, const char *etag);

/* Serialises the response as CGI output ("Status:", headers, blank line, body) into out.
 * For a successful GET/HEAD it adds a weak ETag (unless the handler set one) and answers
 * If-None-Match with 304; HEAD and 304 carry no body. */
void mq_res_serialize(mq_req *req, mq_res *res, mq_buf *out);

#endif
