/* env.h — what the domain works against: the database, the TMDB client and the configuration.
 *
 * Functions that may reach TMDB take one `const mq_env *`. A handler gets its request's with
 * mq_env_of() (the worker's pool, the calling thread's TMDB client); a tool builds its own. With
 * tmdb NULL nothing is fetched: answers come from the database (and the TMDB cache) alone.
 */
#ifndef MQ_ENV_H
#define MQ_ENV_H

#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"
#include "web/ctx.h"

typedef struct mq_env {
	mq_db *db;
	mq_tmdb *tmdb;         /* NULL: fetch nothing (and NULL when no TMDB credential is set) */
	const mq_config *cfg;
} mq_env;

/* The calling thread's TMDB client, created on first use and freed when the thread ends; all
 * threads of the process share one rate limiter (TMDB_RATE). NULL when no credential is set. */
mq_tmdb *mq_env_tmdb(const mq_config *cfg);

/* The request's environment: its worker's database pool and the calling thread's TMDB client. */
static inline mq_env mq_env_of(const mq_req *req)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	return (mq_env){ ctx->db, mq_env_tmdb(ctx->cfg), ctx->cfg };
}

#endif
