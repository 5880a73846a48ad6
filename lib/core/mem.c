/* mem.c — allocation wrappers that abort on out-of-memory (policy in mem.h). */
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mq_oom(void)
{
	static const char msg[] = "marquee: out of memory\n";
	ssize_t rc = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)rc;
	abort();
}

void *mq_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		mq_oom();
	return p;
}

void *mq_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		mq_oom();
	return p;
}

void *mq_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		mq_oom();
	return q;
}

char *mq_xstrdup(const char *s)
{
	return mq_xstrndup(s, strlen(s));
}

char *mq_xstrndup(const char *s, size_t n)
{
	char *p = mq_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
