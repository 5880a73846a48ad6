/* movie.h — the movie representations the API returns, built from TMDB objects or documents. */
#ifndef MQ_MOVIE_H
#define MQ_MOVIE_H

#include "buf.h"
#include "config.h"
#include "catalog.h"
#include "http.h"
#include "tmdbcache.h"

#include <cjson/cJSON.h>

/* A movie summary from a TMDB list item (popular, search, similar …), read tolerantly: integer
 * or float numbers, "" dates and null images all work; unknown keys are ignored. Returns NULL
 * for an item that is not a movie (no id or no title). Caller owns the result. */
cJSON *mq_movie_summary_from_tmdb(const cJSON *item);

/* Maps a TMDB list page ({page, results, total_pages, total_results}) to summaries; *page,
 * *total get the page number and the number of results reachable (TMDB serves 500 pages at
 * most). Caller owns the array. */
cJSON *mq_movie_summaries_from_tmdb_page(const cJSON *page_obj, long long *page, long long *total);

/* The fields TMDB's details (with credits, keywords and translations appended) give a movie
 * document, for $set: tmdb_id, imdb_id, title, original_title, original_language, titles {en, …},
 * overviews {en, …}, release_date, year, runtime, genres, poster_path, backdrop_path, certification
 * (US, from release_dates), cast (first
 * 20, with characters), directors, keywords, popularity, vote_average, vote_count, search_keys.
 * NULL when details is not a movie. Caller owns. */
cJSON *mq_movie_doc_from_tmdb(const cJSON *details, const mq_config *cfg);

/* (Re)computes title_key and search_keys of a movie document from its title, titles and
 * original_title (after a curator's edit). */
void mq_movie_search_fields(cJSON *movie);

/* The key titles are matched by: lower-case, accents folded for Latin ("Amélie" → "amelie"),
 * punctuation and runs of spaces as one space ("Spider-Man" → "spider man"), Arabic yeh and
 * kaf as their Persian letters, zero-width non-joiners as spaces, tatweel and harakat dropped.
 * Appended to out. A movie document stores the key of each of its titles from every word on. */
void mq_search_key(const char *s, mq_buf *out);

/* The anchored regex that finds search text q among the search keys ("^fight club"), metacharacters
 * escaped; appended to out. Returns -1 when q has no letters or digits. */
int mq_search_pattern(const char *q, mq_buf *out);

/* TMDB's language for ours: "fa" → "fa-IR", anything else → "en-US". */
const char *mq_movie_tmdb_language(const char *lang);

/* The movie ref names, through mq_catalog_get with the request's context (a TMDB id the
 * catalogue lacks is fetched and stored first; *fetched says so when fetched is not NULL). On
 * failure replies in the error shape itself (400 naming field for a malformed ref, 404 "No such
 * movie", TMDB and database errors as theirs) and returns NULL. Caller owns the movie. */
cJSON *mq_movie_lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		       int *fetched);

/* mq_movie_lookup() for handlers that only need the movie's ObjectId (24 hex, in the arena);
 * without fetch a movie only TMDB has is "No such movie" (removing from a list fetches
 * nothing). Replies with the error itself and returns NULL when there is none. */
const char *mq_movie_oid(mq_req *req, mq_res *res, const char *ref, const char *field, int fetch);

/* A JSON body's "movie_id" may be a TMDB id as a number: it becomes the same digits as a string,
 * so that the field validates as a movie ref (MQ_V_STRING) either way. */
void mq_movie_body_ref(cJSON *body);

/* Adds image URLs (mq_images_add_urls, from the cached TMDB configuration) to a movie or
 * to each movie of an array. */
void mq_movie_images(mq_req *req, cJSON *movies);

/* One page of a TMDB movie list through the TMDB cache, as summaries with image URLs. */
typedef struct mq_movie_tmdb_page {
	cJSON *items;           /* caller owns */
	long long page, total;  /* total: results reachable (500 pages at most) */
	mq_cache_state state;
} mq_movie_tmdb_page;

/* path such as "/movie/popular", "/trending/movie/week" or "/movie/550/similar"; extra: more
 * query pairs (two at most, NULL-terminated) such as {"query", "fight", NULL}; language
 * "en-US" or "fa-IR". Errors as mq_tmdbcache_get's. */
mq_err mq_movie_tmdb_movies(mq_req *req, const char *path, const char *const *extra, long long page,
		      const char *tmdb_language, mq_movie_tmdb_page *out);

/* TMDB's search for the q parameter, one page, with q's year (TMDB filters) and min_rating
 * (filtered here) applied; out->total is what the page holds. */
mq_err mq_movie_tmdb_search(mq_req *req, const mq_movie_query *q, mq_movie_tmdb_page *out);

/* Checks a fields= value against the fields of TMDB summaries: 0, or -1 with req->errors. */
int mq_movie_tmdb_fields_check(mq_req *req, const char *fields);

/* Replies with mq_movie_tmdb_movies() as a list (meta, X-Cache headers), only the fields named in
 * fields ("title,year"; NULL: all); failures in the error shape. */
void mq_reply_tmdb_movies(mq_req *req, mq_res *res, const char *path, const char *const *extra,
			  long long page, const char *tmdb_language, const char *fields);

/* The catalogue lists: /movies (browse: genre, year, minRating, sort, order), /genres/:id/movies
 * (the genre from the route) and /movies/search (q over every title). */
typedef enum mq_list_kind {
	MQ_LIST_BROWSE,
	MQ_LIST_GENRE,
	MQ_LIST_SEARCH,
} mq_list_kind;

/* Reads a list's query (page, limit, language, year, minRating, sort, order, fields and genre or
 * q) into q, fields= into *fields. Returns 0; -1 with the problems in req->errors; or an mq_err
 * (> 0) when resolving the genre failed on the server's side. */
int mq_movie_query_parse(mq_req *req, mq_list_kind kind, mq_movie_query *q, const char ***fields);

/* Replies with one page of a catalogue list. A search the catalogue has no match for on its
 * first page is answered with TMDB's search (X-Search-Source: tmdb, else catalog). */
void mq_reply_movie_list(mq_req *req, mq_res *res, mq_list_kind kind);

#endif
