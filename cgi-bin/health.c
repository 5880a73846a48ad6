/* health.c — the health worker: process, database, TMDB and cache state; also nginx's fallback
 * for unknown /api paths (404 in the error shape) and for its own error pages (413, 429, 502). */
#include "site/health.h"
#include "site/worker.h"
#include "store/metrics.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

typedef mq_err (*check_fn)(cJSON *out, const mq_ctx *ctx);

static mq_err check_database(cJSON *out, const mq_ctx *ctx)
{
	return mq_health_database(out, ctx->db);
}

static mq_err check_tmdb(cJSON *out, const mq_ctx *ctx)
{
	return mq_health_tmdb(out, ctx->cfg, mq_env_tmdb(ctx->cfg));
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

/* GET /api/v1/health/metrics: every worker's counters and the latest sync runs, as text lines
 * (nginx lets only loopback clients reach it). */
static void get_metrics(mq_req *req, mq_res *res)
{
	if (mq_valid_query_or_reply(req, res, NULL, 0, NULL))
		return;
	mq_buf text = MQ_BUF_INIT;
	mq_err rc = mq_metrics_text(mq_ctx_of(req)->db, &text);
	if (rc != MQ_OK) {
		mq_buf_free(&text);
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	res->status = 200;
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_buf_append(&res->body, text.data ? text.data : "", text.len);
	mq_buf_free(&text);
}

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/health", get_health, 0 },
	{ MQ_GET, "/api/v1/health/database", get_database, 0 },
	{ MQ_GET, "/api/v1/health/tmdb", get_tmdb, 0 },
	{ MQ_GET, "/api/v1/health/cache", get_cache, 0 },
	{ MQ_GET, "/api/v1/health/metrics", get_metrics, 0 },
};

const mq_app health_app = {
	.name = "health",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_DB_PROBE, /* a health check answers quickly, up or down */
};

MQ_WORKER(health_app)
