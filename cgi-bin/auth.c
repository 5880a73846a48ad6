/* auth.c — the auth worker: registration, login, token refresh and logout; the /login, /register and /logout pages.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app auth_app = {
	.name = "auth",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(auth_app)
