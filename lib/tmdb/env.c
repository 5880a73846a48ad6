/* env.c — each thread's TMDB client (see env.h). */
#include "tmdb/env.h"
#include "core/mem.h"

#include <pthread.h>
#include <stdatomic.h>

/* Set once, by the first thread that needs a TMDB client, under tmdb_lock; tmdb_ready (release
 * after, acquire before) keeps the lock off every later call. */
static pthread_mutex_t tmdb_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int tmdb_ready;
static pthread_key_t tmdb_key;
static mq_tmdb_limiter *tmdb_limiter;

static void free_client(void *t)
{
	mq_tmdb_free(t);
}

mq_tmdb *mq_env_tmdb(const mq_config *cfg)
{
	if (!atomic_load_explicit(&tmdb_ready, memory_order_acquire)) {
		pthread_mutex_lock(&tmdb_lock);
		if (!atomic_load_explicit(&tmdb_ready, memory_order_relaxed)) {
			if (pthread_key_create(&tmdb_key, free_client) != 0)
				mq_oom();
			tmdb_limiter = mq_tmdb_limiter_new(cfg->tmdb_rate);
			atomic_store_explicit(&tmdb_ready, 1, memory_order_release);
		}
		pthread_mutex_unlock(&tmdb_lock);
	}
	mq_tmdb *t = pthread_getspecific(tmdb_key);
	if (!t && (t = mq_tmdb_new(cfg, tmdb_limiter)))
		pthread_setspecific(tmdb_key, t);
	return t;
}
