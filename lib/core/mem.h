/* mem.h — allocation wrappers and the project's out-of-memory policy.
 *
 * Policy (decided once, here): an allocation failure aborts the process with a one-line message.
 * Workers are supervised (the stack script, systemd or supervisord restarts them), Linux overcommits
 * so malloc rarely fails before the OOM killer acts, and a half-built request or document is worse
 * than a restart. Every allocation in lib/ and the binaries goes through these wrappers, so no
 * caller checks for NULL and no error path exists for "out of memory".
 */
#ifndef MQ_MEM_H
#define MQ_MEM_H

#include <stddef.h>

/* Each returns memory the caller owns and frees with free(); none returns NULL. */
void *mq_xmalloc(size_t n);
void *mq_xcalloc(size_t count, size_t size);
void *mq_xrealloc(void *p, size_t n);
char *mq_xstrdup(const char *s);
char *mq_xstrndup(const char *s, size_t n);

/* Never returns: prints "marquee: out of memory" and aborts. */
void mq_oom(void) __attribute__((noreturn));

#endif
