/* people_index.h — the stored people's search keys, held by each process that searches people.
 *
 * Searching the people collection by its search_keys is a scan on FerretDB v1 (it decodes every
 * person: 0.1 ms each, 470 ms for the 5,498 people of 10,000 synthetic movies; a real catalogue
 * of 10,000 names up to 60,000). So a process keeps every stored person's search keys and the
 * fields their summary shows, sorted by key, and finds a prefix by a binary search.
 *
 * It follows the database, never one process only: every writer of a person announces them in a
 * catalogue version (mq_cards_bump_people), which every process reads with its card catalogue's
 * (once per visitor's request, at most once a second for a member's); the index then reads those
 * people again by _id, and everyone after a whole reload of the cards (a process's first request,
 * a version that said so, every six hours). Its memory: 0.5–1.3 KB a person (measured).
 */
#ifndef MQ_PEOPLE_INDEX_H
#define MQ_PEOPLE_INDEX_H

#include "core/err.h"

#include <mongoc/mongoc.h>
#include <stddef.h>

/* The people with a search key starting with what pattern (mq_search_pattern) looks for, most
 * popular first (ties by _id), at most limit: *docs[*n] (tmdb_id, slug, name, names,
 * profile_path, known_for_department, popularity; caller destroys each and frees the array).
 * Through database, whose client the caller holds; it looks at the catalogue versions first when
 * the request has not (mq_cards_acquire). MQ_OK, or the database's error (MQ_EUNAVAIL). */
mq_err mq_people_index_search(mongoc_database_t *database, const char *pattern, long long limit, bson_t ***docs,
			      size_t *n);

/* The TMDB id of the most popular person with exactly this search key (mq_search_key), or
 * MQ_ENOTFOUND; as mq_people_index_search. */
mq_err mq_people_index_find_key(mongoc_database_t *database, const char *key, long long *tmdb_id);

/* Forgets every person (tests). */
void mq_people_index_reset(void);

#endif
