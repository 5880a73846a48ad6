/* tmdb.c — the tmdb worker: TMDB's lists through the response cache, the cache's statistics and
 * (admins) its invalidation. */
#include "core/log.h"
#include "domain/admin.h"
#include "site/movieapi.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

static const char *const languages[] = { "en-US", "fa-IR", NULL };

/* GET /tmdb/movies/popular?page=&language=: TMDB's popular list, mapped to movie summaries. */
static void get_popular(mq_req *req, mq_res *res)
{
	enum { Q_PAGE, Q_LANGUAGE, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_PAGE] = { "page", MQ_V_INT, 0, 1, 500, NULL, "1" },
		[Q_LANGUAGE] = { "language", MQ_V_ENUM, 0, 0, 0, languages, "en-US" },
	};
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	mq_movieapi_reply_tmdb(req, res, "/movie/popular", NULL, v[Q_PAGE].i, v[Q_LANGUAGE].s, NULL);
}

static void get_stats(mq_req *req, mq_res *res)
{
	cJSON *stats = NULL;
	mq_err rc = mq_tmdbcache_stats(mq_ctx_of(req)->db, &stats);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, stats);
}

/* DELETE /tmdb/cache[?prefix=/movie/popular] (admin). */
static void delete_cache(mq_req *req, mq_res *res)
{
	enum { Q_PREFIX, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_PREFIX] = { "prefix", MQ_V_STRING, 0, 1, 200, NULL, NULL },
	};
	mq_value v[Q_COUNT];
	if (mq_validate_query(req, query, Q_COUNT, v) == 0 && v[Q_PREFIX].present && v[Q_PREFIX].s[0] != '/')
		mq_req_error(req, "prefix must be a TMDB path such as /movie/popular");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *prefix = v[Q_PREFIX].present ? v[Q_PREFIX].s : NULL;
	long long removed = 0;
	mq_err rc = mq_tmdbcache_invalidate(mq_ctx_of(req)->db, prefix, &removed);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "removed", (double)removed);
	if (mq_admin_audit(mq_ctx_of(req)->db, req->user->id, "cache.invalidate", "cache", prefix ? prefix : "*",
			   NULL, data, req->request_id) != MQ_OK)
		mq_log(MQ_LOG_ERROR, "audit", "cache invalidation by %s not audited", req->user->id);
	mq_reply_data(req, res, 200, data);
}

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/tmdb/movies/popular", get_popular, 0 }, /* by audience: not public */
	{ MQ_GET, "/api/v1/tmdb/cache/stats", get_stats, MQ_PUBLIC },
	{ MQ_DELETE, "/api/v1/tmdb/cache", delete_cache, MQ_NEEDS_ADMIN | MQ_CSRF },
};

const mq_app tmdb_app = {
	.name = "tmdb",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(tmdb_app)
