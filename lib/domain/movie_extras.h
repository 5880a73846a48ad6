/* movie_extras.h — what a movie's page shows beside the movie's own document, fetched through the
 * TMDB cache when asked for (TMDB's answers change more often than the catalogue is synced): the
 * watch providers of a region, and the other parts of the collection a movie belongs to.
 * Knows nothing of HTTP; the movies worker's page and API call it. */
#ifndef MQ_MOVIE_EXTRAS_H
#define MQ_MOVIE_EXTRAS_H

#include "core/err.h"
#include "tmdb/env.h"

#include <cjson/cJSON.h>

/* The watch providers of the TMDB movie tmdb_id in region (ISO 3166-1 alpha-2, upper case), from
 * TMDB's /movie/{id}/watch/providers through the cache: mq_movie_watch_providers()'s object.
 * MQ_EINVAL for a malformed region; TMDB's and the database's errors as mq_tmdbcache_get's.
 * *out: caller owns. */
mq_err mq_movie_extras_providers(const mq_env *env, long long tmdb_id, const char *region, cJSON **out);

/* The collection collection_id in lang ("en", "fa"), from TMDB's /collection/{id} through the
 * cache: {tmdb_id, name, overview, parts}, parts as movie summaries by release date; a part the
 * catalogue holds is the catalogue's summary in lang (with its id and slug), a part a curator hid
 * is left out, the others are TMDB's (opened through the fetch-through). Errors as
 * mq_tmdbcache_get's; a database failure only loses the catalogue's summaries. *out: caller owns. */
mq_err mq_movie_extras_collection(const mq_env *env, long long collection_id, const char *lang, cJSON **out);

#endif
