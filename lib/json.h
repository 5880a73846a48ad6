/* json.h — JSON request bodies: content type, size, depth and encoding checked before parsing. */
#ifndef MQ_JSON_H
#define MQ_JSON_H

#include "http.h"

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

/* Ties a cJSON tree to the request: deleted when the request ends. Returns root. */
cJSON *mq_json_own(mq_req *req, cJSON *root);

#endif
