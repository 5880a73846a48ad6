/* health.c — the health worker: process, database, TMDB and cache state; also nginx's fallback
 * for unknown /api paths (404 in the error shape) and for its own error pages (413, 429, 502). */
#include "ctx.h"
#include "health.h"
#include "response.h"
#include "worker.h"

typedef mq_err (*check_fn)(cJSON *out, const mq_ctx *ctx);

static mq_err check_database(cJSON *out, const mq_ctx *ctx)
{
	return mq_health_database(out, ctx->db);
}

static mq_err check_tmdb(cJSON *out, const mq_ctx *ctx)
{
	return mq_health_tmdb(out, ctx->cfg);
}

static mq_err check_cache(cJSON *out, const mq_ctx *ctx)
{
	return mq_health_cache(out, ctx->db);
}

/* 200 when the check is up, 503 with the same shape when not. */
static void reply_check(mq_req *req, mq_res *res, const char *name, check_fn check)
{
	cJSON *data = cJSON_CreateObject();
	mq_err rc = check(cJSON_AddObjectToObject(data, name), mq_ctx_of(req));
	cJSON_AddStringToObject(data, "status", rc == MQ_OK ? "ok" : "unavailable");
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, rc == MQ_OK ? 200 : 503, data);
}

static void get_health(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *data = cJSON_CreateObject();
	mq_health_process(data, ctx->started);
	mq_err rc = mq_health_database(cJSON_AddObjectToObject(data, "database"), ctx->db);
	cJSON_ReplaceItemInObject(data, "status", cJSON_CreateString(rc == MQ_OK ? "ok" : "unavailable"));
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, rc == MQ_OK ? 200 : 503, data);
}

static void get_database(mq_req *req, mq_res *res)
{
	reply_check(req, res, "database", check_database);
}

static void get_tmdb(mq_req *req, mq_res *res)
{
	reply_check(req, res, "tmdb", check_tmdb);
}

static void get_cache(mq_req *req, mq_res *res)
{
	reply_check(req, res, "cache", check_cache);
}

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/health", get_health, 0 },
	{ MQ_GET, "/api/v1/health/database", get_database, 0 },
	{ MQ_GET, "/api/v1/health/tmdb", get_tmdb, 0 },
	{ MQ_GET, "/api/v1/health/cache", get_cache, 0 },
};

const mq_app health_app = {
	.name = "health",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB,
};

MQ_WORKER(health_app)
