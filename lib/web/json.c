/* json.c — checked parsing of JSON request bodies (see json.h). */
#include "web/json.h"
#include "web/response.h"

#include <string.h>
#include <strings.h>

int mq_content_type_is(const char *header, const char *type)
{
	if (!header)
		return 0;
	while (*header == ' ' || *header == '\t')
		header++;
	size_t n = strlen(type);
	if (strncasecmp(header, type, n))
		return 0;
	const char *rest = header + n;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return *rest == '\0' || *rest == ';';
}

int mq_json_depth(const char *s, size_t n, int max)
{
	int depth = 0, deepest = 0, in_string = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return -1;
			if (depth > deepest)
				deepest = depth;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return deepest;
}

static void delete_json(void *p)
{
	cJSON_Delete(p);
}

cJSON *mq_json_own(mq_req *req, cJSON *root)
{
	if (root)
		mq_arena_defer(req->arena, delete_json, root);
	return root;
}

mq_err mq_json_body(mq_req *req, cJSON **out)
{
	*out = NULL;
	if (!mq_content_type_is(mq_req_param(req, "CONTENT_TYPE"), "application/json")) {
		mq_req_error(req, "the body must be sent as Content-Type: application/json");
		return MQ_EMEDIATYPE;
	}
	if (req->body_len > MQ_JSON_MAX_BYTES) {
		mq_req_error(req, "a JSON body may be at most %d bytes", MQ_JSON_MAX_BYTES);
		return MQ_ETOOLARGE;
	}
	if (req->body_len == 0) {
		mq_req_error(req, "a JSON body is required");
		return MQ_EINVAL;
	}
	if (!mq_utf8_valid(req->body, req->body_len) || memchr(req->body, '\0', req->body_len)) {
		mq_req_error(req, "the body is not valid UTF-8");
		return MQ_EINVAL;
	}
	if (mq_json_depth(req->body, req->body_len, MQ_JSON_MAX_DEPTH) < 0) {
		mq_req_error(req, "the body nests deeper than %d levels", MQ_JSON_MAX_DEPTH);
		return MQ_EINVAL;
	}
	const char *end = NULL;
	/* the length includes the terminating NUL: cJSON then refuses trailing garbage */
	cJSON *root = cJSON_ParseWithLengthOpts(req->body, req->body_len + 1, &end, 1);
	if (!root) {
		size_t at = end && end >= req->body ? (size_t)(end - req->body) : 0;
		mq_req_error(req, "the body is not valid JSON (near byte %zu)", at);
		return MQ_EINVAL;
	}
	mq_json_own(req, root);
	if (!cJSON_IsObject(root)) {
		mq_req_error(req, "the body must be a JSON object");
		return MQ_EINVAL;
	}
	*out = root;
	return MQ_OK;
}

int mq_body_fields(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *out)
{
	cJSON *body;
	memset(out, 0, n * sizeof *out);
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	mq_validate_object(req, body, fields, n, out);
	return 0;
}
