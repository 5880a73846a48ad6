/* genre.h — movie genres (the genres collection: tmdb_id, slug, names {en, fa, …}). */
#ifndef MQ_GENRE_H
#define MQ_GENRE_H

#include "tmdb/env.h"
#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>

/* Fetches TMDB's genre list in every TMDB_LANGUAGES language (through the response cache) and
 * upserts each genre by tmdb_id, then writes a catalogue version saying so; *count gets the
 * number of genres. Names TMDB leaves empty are
 * not stored (no language fallback at TMDB: the reader falls back to English). */
mq_err mq_genres_sync(const mq_env *env, int *count);

/* Every genre as [{id, slug, name, names}], name in lang ("en", "fa"; English when missing),
 * sorted by English name. When the collection is empty it is filled first (mq_genres_sync).
 * *list: caller owns. Each process keeps the genres it read, and reads them again only when the
 * catalogue snapshot of the request requires (mq_cards_genres_epoch): mq_genres_sync writes a
 * catalogue version saying they changed (mq_cards_bump_genres), as must anything else that
 * writes them. */
mq_err mq_genres_list(const mq_env *env, const char *lang, cJSON **list);

/* One genre by TMDB id (digits) or slug; MQ_ENOTFOUND when there is none. *genre: caller owns. */
mq_err mq_genre_get(const mq_env *env, const char *ref, const char *lang, cJSON **genre);

/* "science-fiction" from "Science Fiction": lower-case ASCII words joined by '-'. */
void mq_slugify(const char *s, char *out, size_t size);

#endif
