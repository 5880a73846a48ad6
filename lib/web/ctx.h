/* ctx.h — what a worker process shares with its handlers: configuration, database pool,
 * templates and their message catalogue, start time. Built once by the worker loop, read-only afterwards, reached from any
 * request through mq_ctx_of(). */
#ifndef MQ_CTX_H
#define MQ_CTX_H

#include "core/config.h"
#include "web/http.h"

#include <time.h>

struct mq_db;
struct mq_tmpl_set;
struct mq_messages;

typedef struct mq_ctx {
	const mq_config *cfg;
	struct mq_db *db;              /* NULL unless the app needs MQ_APP_DB */
	struct mq_tmpl_set *templates; /* NULL unless the app needs MQ_APP_TEMPLATES */
	struct mq_messages *messages;  /* the pages' message catalogue, with the templates */
	const char *app_name;
	time_t started;
} mq_ctx;

static inline const mq_ctx *mq_ctx_of(const mq_req *req)
{
	return (const mq_ctx *)req->ctx;
}

#endif
