/* catalog.h — the movies collection: a movie found by TMDB id, ObjectId or slug, and
 * a TMDB movie not in the catalogue yet fetched, stored by its unique tmdb_id and returned.
 * Knows nothing of HTTP; the movies worker and (later) the sync binary and the admin call it. */
#ifndef MQ_CATALOG_H
#define MQ_CATALOG_H

#include "tmdb/env.h"
#include "core/audience.h"
#include "core/config.h"
#include "core/search.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>

/* The movie ref names (mq_valid_movie_ref), as its public JSON with title and overview in lang
 * ("en", "fa"; falling back to English, then the original). A TMDB id the catalogue lacks is
 * fetched through the TMDB cache and stored first (*fetched = 1). MQ_EINVAL for a malformed ref,
 * MQ_ENOTFOUND when neither the catalogue nor TMDB has it; TMDB and database errors as theirs.
 * With t NULL only the catalogue is asked. *movie: caller owns. */
mq_err mq_catalog_get(const mq_env *env, const char *ref, const char *lang, cJSON **movie, int *fetched);

/* The public JSON of a movies document: _id becomes id, dates ISO strings, title and overview
 * picked for lang. NULL if it cannot be converted. Caller owns. */
cJSON *mq_catalog_movie_json(const bson_t *doc, const char *lang);

/* Adds the "projection" of movie summaries to find options opts, and converts a document so
 * found into its summary JSON (lang: a const char *; the signature is mq_db_join()'s). */
void mq_catalog_summary_projection(bson_t *opts);
/* The fields of a movie summary (what that projection names), NULL-terminated. */
extern const char *const mq_catalog_summary_fields[];
cJSON *mq_catalog_summary_json(const bson_t *doc, const void *lang);

/* Adds to each item of items (an array) its movie's summary in lang as "movie", the movie named
 * by the item's key ("movie_id"): from the cards (cards.h), and for any the cards lack (stored
 * since this process last looked) one query (mq_db_join). */
void mq_catalog_join_summaries(mongoc_database_t *database, cJSON *items, const char *key, const char *lang);

/* Adds to each item of items its movie's TMDB id as "tmdb_id", the movie named by the item's key
 * (an ObjectId string); items of a movie without one are left as they are. */
void mq_catalog_join_tmdb_ids(mongoc_database_t *database, cJSON *items, const char *key);

/* A new movie's slug from its document: "fight-club-1999", or with with_id the TMDB id too
 * ("fight-club-1999-550") for when that one is taken; "title-<tmdb id>" without a year. */
void mq_catalog_slug(const cJSON *doc, int with_id, char *out, size_t size);

/* The update that stores a movie document from TMDB (mq_movie_doc_from_tmdb) by tmdb_id: its
 * fields, tmdb_synced_at and updated_at set; slug, source, the rating fields, locked_fields and
 * created_at set when it is new. NULL if the document cannot be converted. Caller owns. */
bson_t *mq_catalog_upsert(const cJSON *doc, const char *slug, int64_t now);

/* The same movie as a whole new document, for inserting where it is known to be new; source is
 * "tmdb" or "manual". */
bson_t *mq_catalog_new_movie(const cJSON *doc, const char *slug, const char *source, int64_t now);

/* The fields of a movie a curator may lock against the sync, NULL-terminated. */
extern const char *const mq_catalog_lockable[];

/* Adds fields[n] to (lock) or removes them from (!lock) the locked_fields of the movie with
 * tmdb_id: the sync never overwrites a locked field. MQ_EINVAL for a field not lockable,
 * MQ_ENOTFOUND when the catalogue lacks the movie. *now (may be NULL) gets the locked fields
 * after the change; caller owns. */
mq_err mq_catalog_lock(mq_db *db, long long tmdb_id, const char *const *fields, size_t n, int lock, cJSON **now);

/* How a catalogue list is ordered: by TMDB popularity, TMDB's vote average, release date or
 * English title. */
typedef enum mq_movie_sort {
	MQ_SORT_POPULARITY,
	MQ_SORT_RATING,
	MQ_SORT_RELEASE,
	MQ_SORT_TITLE,
} mq_movie_sort;

/* The sort names as the API takes them, in mq_movie_sort order; NULL-terminated. */
extern const char *const mq_movie_sorts[];

/* Which movies a list may hold: the public's (hidden ones never), or the admin's views. */
typedef enum mq_movie_status {
	MQ_STATUS_VISIBLE = 0, /* not hidden by a curator: all the public ever sees */
	MQ_STATUS_HIDDEN,      /* hidden by a curator (restorable) */
	MQ_STATUS_MISSING,     /* gone from TMDB (flagged by the sync), hidden or not */
	MQ_STATUS_ANY,
} mq_movie_status;

/* "visible", "hidden", "missing", "any": the names of mq_movie_status, in order. */
extern const char *const mq_movie_statuses[];

typedef struct mq_movie_query {
	long long page, limit;   /* page >= 1, 1..100 */
	mq_movie_status status;  /* MQ_STATUS_VISIBLE for every public list */
	const char *source;      /* "tmdb" or "manual"; NULL: either */
	long long genre;         /* TMDB genre id; 0: any */
	int year;                /* release year; 0: any */
	double min_rating;       /* TMDB's vote_average at least this; 0: any */
	mq_movie_sort sort;
	int ascending;           /* otherwise descending */
	const char *search;      /* a regex from mq_search_pattern() over the search keys, or NULL */
	const char *lang;        /* "en", "fa": which title and overview */
	long long actor, director; /* TMDB person ids (cast[].tmdb_id, directors[].tmdb_id); 0: any */
	const mq_audience *audience; /* who asks (mq_audience_allows); NULL: every movie is shown */
} mq_movie_query;

/* One page of the catalogue as movie summaries (the public JSON without cast, crew, keywords
 * and per-language texts), ties broken by _id so pages never overlap; *total counts every match.
 * *items: caller owns. */
mq_err mq_catalog_list(mq_db *db, const mq_movie_query *q, cJSON **items, long long *total);

#endif
