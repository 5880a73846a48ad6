/* err.c — mq_err to HTTP status and default messages. */
#include "core/err.h"

static const struct {
	int status;
	const char *message;
} err_table[] = {
	[MQ_OK] = { 200, "OK" },
	[MQ_EINVAL] = { 400, "Validation failed" },
	[MQ_EUNAUTH] = { 401, "Authentication required" },
	[MQ_EFORBIDDEN] = { 403, "Forbidden" },
	[MQ_ENOTFOUND] = { 404, "Not found" },
	[MQ_EMETHOD] = { 405, "Method not allowed" },
	[MQ_ECONFLICT] = { 409, "Already exists" },
	[MQ_ETOOLARGE] = { 413, "Request body too large" },
	[MQ_EMEDIATYPE] = { 415, "Unsupported media type" },
	[MQ_EUNPROCESSABLE] = { 422, "Unprocessable request" },
	[MQ_ERATELIMIT] = { 429, "Too many requests" },
	[MQ_EINTERNAL] = { 500, "Internal server error" },
	[MQ_EUPSTREAM] = { 502, "Bad gateway" },
	[MQ_EUNAVAIL] = { 503, "Service unavailable" },
	[MQ_ETIMEOUT] = { 504, "Gateway timeout" },
	[MQ_ESTORAGE] = { 507, "Insufficient storage" },
};

int mq_err_status(mq_err err)
{
	if ((unsigned)err >= sizeof err_table / sizeof err_table[0])
		return 500;
	return err_table[err].status;
}

const char *mq_err_message(mq_err err)
{
	if ((unsigned)err >= sizeof err_table / sizeof err_table[0])
		return err_table[MQ_EINTERNAL].message;
	return err_table[err].message;
}

const char *mq_err_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 507: return "Insufficient Storage";
	default: return "Unknown";
	}
}
