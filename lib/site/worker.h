/* worker.h — the process model of every FastCGI worker, behind one call.
 *
 * mq_worker_main() validates the configuration, opens the database pool and templates the app
 * needs, then either answers one request as a plain CGI program (when FCGX_IsCGI(): stdin is not
 * a socket) or serves FastCGI from a pool of threads, each with its own FCGX_Request, arena and
 * response buffer. The listening socket is fd 0 (spawn-fcgi, systemd socket activation) or the
 * one --listen names. SIGTERM/SIGINT stop accepting at once; requests in flight finish; the
 * process exits within a second. With --respawn, the process that holds the socket supervises a
 * child that serves, and starts a new one when it dies (the stack script runs workers this way).
 */
#ifndef MQ_WORKER_H
#define MQ_WORKER_H

#include "site/route.h"
#include "web/ctx.h"

int mq_worker_main(const mq_app *app, int argc, char **argv);

/* Handles one request already in memory: dispatch, then CGI serialisation into out. Used by the
 * loop, the CGI mode and the in-memory handler tests. */
void mq_worker_handle(const mq_app *app, mq_req *req, mq_res *res, mq_buf *out);

/* Builds the worker's main() unless compiled into the handler tests (MQ_TESTING). */
#ifdef MQ_TESTING
#define MQ_WORKER(app)
#else
#define MQ_WORKER(app)                                 \
	int main(int argc, char **argv)                \
	{                                              \
		return mq_worker_main(&(app), argc, argv); \
	}
#endif

#endif
