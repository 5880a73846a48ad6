/* arena.c — chunked bump allocator with deferred cleanups (see arena.h). */
#include "core/arena.h"
#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (16 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *ptr;
};

struct mq_arena {
	struct chunk *chunks; /* the chunk being filled first, then older ones and big blocks */
	struct chunk *first;  /* kept across resets */
	struct cleanup *cleanups;
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c = mq_xmalloc(sizeof *c + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

mq_arena *mq_arena_new(void)
{
	mq_arena *a = mq_xcalloc(1, sizeof *a);
	a->chunks = a->first = chunk_new(CHUNK_SIZE);
	return a;
}

static void run_cleanups(mq_arena *a)
{
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->ptr); /* the record itself lives in the arena */
	}
}

void mq_arena_reset(mq_arena *a)
{
	run_cleanups(a);
	for (struct chunk *c = a->chunks, *next; c; c = next) {
		next = c->next;
		if (c != a->first)
			free(c);
	}
	a->first->next = NULL;
	a->first->used = 0;
	a->chunks = a->first;
}

void mq_arena_free(mq_arena *a)
{
	if (!a)
		return;
	mq_arena_reset(a);
	free(a->first);
	free(a);
}

void *mq_arena_alloc(mq_arena *a, size_t n)
{
	n = n ? (n + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;
	struct chunk *head = a->chunks;
	if (head->size - head->used >= n) {
		void *p = head->data + head->used;
		head->used += n;
		return p;
	}
	if (n > CHUNK_SIZE / 2) {
		/* a big block gets a chunk of its own behind the head, so the head's free
		 * space stays available for the small allocations that follow */
		struct chunk *big = chunk_new(n);
		big->used = n;
		big->next = head->next;
		head->next = big;
		return big->data;
	}
	struct chunk *c = chunk_new(CHUNK_SIZE);
	c->next = head;
	a->chunks = c;
	c->used = n;
	return c->data;
}

void *mq_arena_zalloc(mq_arena *a, size_t n)
{
	void *p = mq_arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *mq_arena_strndup(mq_arena *a, const char *s, size_t n)
{
	char *p = mq_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mq_arena_strdup(mq_arena *a, const char *s)
{
	return mq_arena_strndup(a, s, strlen(s));
}

char *mq_arena_printf(mq_arena *a, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	char *p = mq_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *mq_arena_defer(mq_arena *a, void (*fn)(void *), void *ptr)
{
	struct cleanup *c = mq_arena_alloc(a, sizeof *c);
	c->fn = fn;
	c->ptr = ptr;
	c->next = a->cleanups;
	a->cleanups = c;
	return ptr;
}
