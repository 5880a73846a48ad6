/* sorted.h — sorted arrays the in-process indexes and the id lists share: TMDB ids each once,
 * found items each once, and search keys found by their start with a binary search. */
#ifndef MQ_SORTED_H
#define MQ_SORTED_H

#include <stddef.h>

/* Orders long longs (TMDB ids) for qsort and bsearch. */
int mq_sorted_ids_cmp(const void *a, const void *b);

/* Sorts ids[n] and keeps each once at its start; their number. */
size_t mq_sorted_ids_unique(long long *ids, size_t n);

/* A search key and what it is the key of. */
typedef struct mq_key_ref {
	const char *key;
	const void *item;
} mq_key_ref;

/* Sorts refs[n] by key (strcmp). */
void mq_key_refs_sort(mq_key_ref *refs, size_t n);

/* The first of refs[n] (sorted) whose key is not before text. */
size_t mq_key_refs_from(const mq_key_ref *refs, size_t n, const char *text);

/* The items of refs[n] (sorted) whose key starts with what pattern (mq_search_pattern) looks for,
 * each once, however many of its keys do: *found[return] (caller frees; in no useful order). */
size_t mq_key_refs_prefixed(const mq_key_ref *refs, size_t n, const char *pattern, const void ***found);

#endif
