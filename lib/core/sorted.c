/* sorted.c — sorted arrays shared by the indexes and id lists (see sorted.h). */
#include "core/sorted.h"
#include "core/mem.h"
#include "core/search.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int mq_sorted_ids_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

size_t mq_sorted_ids_unique(long long *ids, size_t n)
{
	if (!n)
		return 0;
	qsort(ids, n, sizeof *ids, mq_sorted_ids_cmp);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	return k;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const mq_key_ref *)a)->key, ((const mq_key_ref *)b)->key);
}

void mq_key_refs_sort(mq_key_ref *refs, size_t n)
{
	if (n)
		qsort(refs, n, sizeof *refs, by_key);
}

size_t mq_key_refs_from(const mq_key_ref *refs, size_t n, const char *text)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(refs[mid].key, text) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const void *const *)a, y = (uintptr_t) * (const void *const *)b;
	return (x > y) - (x < y);
}

size_t mq_key_refs_prefixed(const mq_key_ref *refs, size_t n, const char *pattern, const void ***found)
{
	char text[512];
	size_t len = mq_search_pattern_text(pattern, text), lo = mq_key_refs_from(refs, n, text), end = lo, k = 0;
	while (end < n && !strncmp(refs[end].key, text, len))
		end++;
	const void **out = mq_xcalloc(end - lo + 1, sizeof *out);
	for (size_t i = lo; i < end; i++)
		out[k++] = refs[i].item;
	qsort(out, k, sizeof *out, by_address); /* an item found by two of its keys once */
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || out[u - 1] != out[i])
			out[u++] = out[i];
	*found = out;
	return u;
}
