/* arena.h — memory scoped to one request.
 *
 * Everything a request allocates comes from its arena (bump allocation in chunks) or is registered
 * with mq_arena_defer() so that mq_arena_reset(), called by the worker loop after the response is
 * written, releases it all. Nothing allocated for a request outlives it by accident; the arena's
 * first chunk is kept between requests so a typical request allocates nothing from malloc.
 * Out-of-memory follows mem.h (abort).
 */
#ifndef MQ_ARENA_H
#define MQ_ARENA_H

#include <stddef.h>

typedef struct mq_arena mq_arena;

mq_arena *mq_arena_new(void);
void mq_arena_free(mq_arena *a);             /* runs pending cleanups; accepts NULL */
/* Runs cleanups (newest first) and frees all but the first chunk. */
void mq_arena_reset(mq_arena *a);

/* Memory owned by the arena, 16-byte aligned, valid until the next reset. Never NULL. */
void *mq_arena_alloc(mq_arena *a, size_t n);
void *mq_arena_zalloc(mq_arena *a, size_t n);
char *mq_arena_strdup(mq_arena *a, const char *s);
char *mq_arena_strndup(mq_arena *a, const char *s, size_t n);
char *mq_arena_printf(mq_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Registers fn(ptr) to run at the next reset: how cJSON trees, bson documents and other
 * heap objects are tied to the request. Returns ptr for chaining. */
void *mq_arena_defer(mq_arena *a, void (*fn)(void *), void *ptr);

#endif
