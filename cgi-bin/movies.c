/* movies.c — the movies worker: the catalogue API under /api/v1/movies and the public pages
 * (/, /movies, /movies/:id, /search). So far: the home page and GET /api/v1/movies/:id. */
#include "catalog.h"
#include "ctx.h"
#include "page.h"
#include "response.h"
#include "tmdbcache.h"
#include "valid.h"
#include "worker.h"

static void get_home(mq_req *req, mq_res *res)
{
	cJSON *data = cJSON_CreateObject();
	mq_reply_page(req, res, 200, "home", NULL, data);
}

static const char *const languages[] = { "en", "fa", NULL };

/* GET /api/v1/movies/:id — by TMDB id, ObjectId or slug; a TMDB id not in the catalogue yet is
 * fetched from TMDB and stored first. */
static void get_movie(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = { { "language", MQ_V_ENUM, 0, 0, 0, languages, "en" } };
	mq_value v[1];
	if (mq_validate_query(req, fields, 1, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *movie = NULL;
	int fetched = 0;
	mq_err rc = mq_catalog_get(ctx->db, mq_tmdb_for_thread(ctx->cfg), ctx->cfg, mq_req_route(req, "id"),
				   v[0].s, &movie, &fetched);
	if (rc == MQ_EINVAL)
		mq_req_error(req, "id must be a TMDB id (digits), a 24-hex id or a slug such as fight-club-1999");
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	mq_res_header(req, res, "X-Catalog", fetched ? "FETCHED" : "STORED");
	mq_reply_data(req, res, 200, movie);
}

static const mq_route routes[] = {
	{ MQ_GET, "/", get_home, 0 },
	{ MQ_GET, "/api/v1/movies/:id", get_movie, 0 },
};

const mq_app movies_app = {
	.name = "movies",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(movies_app)
