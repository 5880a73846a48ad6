/* catalog.h — the movies collection (DESIGN §5): a movie found by TMDB id, ObjectId or slug, and
 * a TMDB movie not in the catalogue yet fetched, stored by its unique tmdb_id and returned.
 * Knows nothing of HTTP; the movies worker and (later) the sync binary and the admin call it. */
#ifndef MQ_CATALOG_H
#define MQ_CATALOG_H

#include "config.h"
#include "db.h"
#include "tmdb.h"

#include <cjson/cJSON.h>

/* The movie ref names (mq_movie_ref_parse), as its public JSON with title and overview in lang
 * ("en", "fa"; falling back to English, then the original). A TMDB id the catalogue lacks is
 * fetched through the TMDB cache and stored first (*fetched = 1). MQ_EINVAL for a malformed ref,
 * MQ_ENOTFOUND when neither the catalogue nor TMDB has it; TMDB and database errors as theirs.
 * *movie: caller owns. */
mq_err mq_catalog_get(mq_db *db, mq_tmdb *t, const mq_config *cfg, const char *ref, const char *lang,
		      cJSON **movie, int *fetched);

/* The fields TMDB's details (with credits, keywords and translations appended) give a movie
 * document, for $set: tmdb_id, imdb_id, title, original_title, original_language, titles {en, …},
 * overviews {en, …}, release_date, year, runtime, genres, poster_path, backdrop_path, cast (first
 * 20, with characters), directors, keywords, popularity, vote_average, vote_count, search_keys.
 * NULL when details is not a movie. Caller owns. */
cJSON *mq_movie_doc_from_tmdb(const cJSON *details, const mq_config *cfg);

/* Lower-case, accent-free key for matching titles: "Amélie" → "amelie"; non-Latin letters
 * (Persian) are kept as they are, lower-cased where they have case. Appended to out. */
void mq_search_key(const char *s, mq_buf *out);

#endif
