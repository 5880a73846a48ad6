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
 * MQ_ENOTFOUND when neither the catalogue nor TMDB has it, or when audience may not see it
 * (mq_catalog_allows: a gated movie is answered as if absent); TMDB and database errors as
 * theirs. An adult title at TMDB is fetched and stored (adult: true) only for an audience with
 * adult_ok. With env->tmdb NULL only the catalogue is asked; with audience NULL nobody's rule
 * applies (curators, tools) and adult titles are never fetched. *movie: caller owns. */
mq_err mq_catalog_get(const mq_env *env, const char *ref, const char *lang, const mq_audience *audience,
		      cJSON **movie, int *fetched);

/* ---- the audience rule (core/audience.h) over the catalogue: the only translations of it ---- */

/* Whether audience may see movie, a movie's JSON or document with its adult, min_age and
 * age_limits fields (absent or null: not adult, no curator's age, no limits). */
int mq_catalog_allows(const cJSON *movie, const mq_audience *audience);

/* Adds to filter the conditions of a query that only matches movies audience may see: adult not
 * true unless adult_ok; for a restricted audience, min_age at most their age, or with min_age
 * absent or null, age_limits.<region> at most their age, or with that absent,
 * age_limits.US absent or at most their age. Absent and null are asked for separately, so that
 * servers that differ on what {f: null} matches (FerretDB) answer alike. */
void mq_catalog_audience_filter(bson_t *filter, const mq_audience *audience);

/* Removes from items (TMDB's movies as summaries: tmdb_id, adult) the ones audience may not see:
 * for those the catalogue holds, its own verdict (a curator's adult mark or min_age, the stored
 * age_limits, as this process's cards hold them: no query); for the others, TMDB's adult flag and, their
 * certifications not known here, none at all for a restricted audience
 * (mq_audience_allows_unrated). Every TMDB list a reader sees (trending, popular, similar,
 * recommendations, search, discover, a person's credits) goes through it. */
mq_err mq_catalog_gate_tmdb(mq_db *db, const mq_audience *audience, cJSON *items);

/* Gives each item of items (TMDB's movies as summaries: tmdb_id; a person's credits, a
 * collection's parts) whose movie the catalogue holds its catalogue summary in lang: the
 * summary's fields replace the item's, the others (a credit's character, jobs) stay, and mark
 * (NULL: none) is set true; removes the items whose movie a curator hid. From this process's
 * cards: no query. MQ_EUNAVAIL when the database is away (items as they were). */
mq_err mq_catalog_adopt_tmdb(mq_db *db, cJSON *items, const char *lang, const char *mark);

/* Removes from items (entries naming a catalogue movie by ObjectId under key: list entries,
 * ratings) those whose movie audience may not see, judged from the summary joined under "movie"
 * when there is one (summaries carry adult, min_age and age_limits), else from the movie's card
 * (no query). *removed counts them (a page's total goes down by as
 * many). */
mq_err mq_catalog_gate_entries(mq_db *db, const mq_audience *audience, cJSON *items, const char *key,
			       long long *removed);

/* The public JSON of a movies document: _id becomes id, dates ISO strings, title and overview
 * picked for lang. NULL if it cannot be converted. Caller owns. */
cJSON *mq_catalog_movie_json(const bson_t *doc, const char *lang);

/* Adds the "projection" of movie summaries to find options opts, and converts a document so
 * found into its summary JSON (lang: a const char *; the signature is mq_db_join()'s). A summary
 * carries what the audience rule reads: adult, min_age and age_limits (when stored). */
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
	long long actor, director; /* TMDB person ids in cast / directors (indexes cast.tmdb_id_1,
				    * directors.tmdb_id_1); 0: any */
	mq_movie_sort sort;
	int ascending;           /* otherwise descending */
	const char *search;      /* a regex from mq_search_pattern() over the search keys, or NULL */
	const char *lang;        /* "en", "fa": which title and overview */
	const mq_audience *audience; /* who asks (mq_audience_allows); NULL: every movie is shown */
} mq_movie_query;

/* One page of the catalogue as movie summaries (the public JSON without cast, crew, keywords
 * and per-language texts), ties broken by _id so pages never overlap; *total counts every match.
 * *items: caller owns. */
mq_err mq_catalog_list(mq_db *db, const mq_movie_query *q, cJSON **items, long long *total);

#endif
