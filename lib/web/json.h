/* json.h — JSON request bodies: content type, size, depth and encoding checked before parsing. */
#ifndef MQ_JSON_H
#define MQ_JSON_H

#include "web/http.h"
#include "web/valid.h"

#include <cjson/cJSON.h>

#define MQ_JSON_MAX_DEPTH 32
#define MQ_JSON_MAX_BYTES (256 * 1024)

/* Whether a Content-Type header names media type `type` (case-insensitive, parameters ignored). */
int mq_content_type_is(const char *header, const char *type);

/* Returns the depth of the deepest nesting in JSON text (strings skipped), or -1 when it exceeds
 * max (the scan stops there, so hostile input costs nothing more). */
int mq_json_depth(const char *s, size_t n, int max);

/* Parses the request body as a JSON object. On success *out is owned by the request's arena.
 * Errors: MQ_EMEDIATYPE (not application/json), MQ_ETOOLARGE (over MQ_JSON_MAX_BYTES),
 * MQ_EINVAL (empty, invalid UTF-8, too deep, not JSON, not an object), each with a message
 * appended to req->errors. */
mq_err mq_json_body(mq_req *req, cJSON **out);

/* The request body as a JSON object checked against fields (see mq_validate_object). Returns -1
 * after replying 400/413/415 itself when the body is unusable; problems with single fields only
 * go to req->errors (returning 0), so the handler's own checks add to them and one 400 lists
 * everything. */
int mq_body_fields(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *out);

/* Ties a cJSON tree to the request: deleted when the request ends. Returns root. */
cJSON *mq_json_own(mq_req *req, cJSON *root);

#endif
