/* genres.c — the genres worker: genres and their movies.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app genres_app = {
	.name = "genres",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(genres_app)
