/* admin.c — the admin worker: the admin panel (CMS): catalogue curation, audit log, notifications, sync runs.
 * Its routes arrive with their issues; until then every path answers 404 in the error shape. */
#include "worker.h"

const mq_app admin_app = {
	.name = "admin",
	.routes = NULL,
	.n_routes = 0,
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(admin_app)
