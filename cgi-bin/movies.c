/* movies.c — the movies worker: the catalogue API under /api/v1/movies and the public pages
 * (/, /movies, /movies/:id, /search). */
#include "page.h"
#include "worker.h"

static void get_home(mq_req *req, mq_res *res)
{
	cJSON *data = cJSON_CreateObject();
	mq_reply_page(req, res, 200, "home", NULL, data);
}

static const mq_route routes[] = {
	{ MQ_GET, "/", get_home, 0 },
};

const mq_app movies_app = {
	.name = "movies",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(movies_app)
