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

#endif
