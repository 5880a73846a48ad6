/* tmdb.c — the tmdb worker: the TMDB cache: statistics, invalidation and cached TMDB lists.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app tmdb_app = {
	.name = "tmdb",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(tmdb_app)
