/* movies.c — the movies worker: the catalogue API under /api/v1/movies and the public pages
 * (/, /movies, /movies/:id, /search). So far: the home page, GET /api/v1/movies/:id and its
 * similar movies and recommendations. */
#include "catalog.h"
#include "movie.h"
#include "ctx.h"
#include "page.h"
#include "response.h"
#include "tmdbcache.h"
#include "valid.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>

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

/* GET /api/v1/movies/:id/similar and /recommendations: TMDB's lists for the movie, through the
 * TMDB cache, as movie summaries. The movie is resolved (and fetched) first, so a slug or an
 * ObjectId works too and an unknown movie is a 404. */
static void tmdb_related(mq_req *req, mq_res *res, const char *kind)
{
	static const mq_field fields[] = {
		{ "page", MQ_V_INT, 0, 1, 500, NULL, "1" },
		{ "language", MQ_V_ENUM, 0, 0, 0, languages, "en" },
	};
	mq_value v[2];
	if (mq_validate_query(req, fields, 2, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const mq_ctx *ctx = mq_ctx_of(req);
	mq_tmdb *t = mq_tmdb_for_thread(ctx->cfg);
	cJSON *movie = NULL;
	int fetched;
	mq_err rc = mq_catalog_get(ctx->db, t, ctx->cfg, mq_req_route(req, "id"), v[1].s, &movie, &fetched);
	const cJSON *tmdb_id = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	if (rc == MQ_OK && !cJSON_IsNumber(tmdb_id))
		rc = MQ_ENOTFOUND; /* a manual movie has no TMDB relations */
	if (rc == MQ_EINVAL)
		mq_req_error(req, "id must be a TMDB id (digits), a 24-hex id or a slug such as fight-club-1999");
	if (rc != MQ_OK) {
		cJSON_Delete(movie);
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	char path[64];
	snprintf(path, sizeof path, "/movie/%lld/%s", (long long)tmdb_id->valuedouble, kind);
	cJSON_Delete(movie);
	mq_reply_tmdb_movies(req, res, path, v[0].i, strcmp(v[1].s, "fa") ? "en-US" : "fa-IR");
}

static void get_similar(mq_req *req, mq_res *res)
{
	tmdb_related(req, res, "similar");
}

static void get_recommendations(mq_req *req, mq_res *res)
{
	tmdb_related(req, res, "recommendations");
}

static const mq_route routes[] = {
	{ MQ_GET, "/", get_home, 0 },
	{ MQ_GET, "/api/v1/movies/:id/similar", get_similar, 0 },
	{ MQ_GET, "/api/v1/movies/:id/recommendations", get_recommendations, 0 },
	{ MQ_GET, "/api/v1/movies/:id", get_movie, 0 },
};

const mq_app movies_app = {
	.name = "movies",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(movies_app)
