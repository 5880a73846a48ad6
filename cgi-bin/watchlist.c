/* watchlist.c — the watchlist worker: the watchlist, favourites and interactions.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app watchlist_app = {
	.name = "watchlist",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(watchlist_app)
