/* users.c — the users worker: profiles, settings, preferences, avatars and the per-user lists; the /me pages.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app users_app = {
	.name = "users",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(users_app)
