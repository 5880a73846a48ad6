/* movieapi.h — the movie replies the workers share: a movie ref looked up or fetched, TMDB's
 * lists through the cache, the catalogue's lists with their query, all answering in the error
 * shape themselves. */
#ifndef MQ_MOVIEAPI_H
#define MQ_MOVIEAPI_H

#include "domain/catalog.h"
#include "tmdb/tmdbcache.h"
#include "web/http.h"

#include <cjson/cJSON.h>

/* The movie ref names, through mq_catalog_get with the request's context and audience (a TMDB
 * id the catalogue lacks is fetched and stored first; *fetched says so when fetched is not
 * NULL; a movie the audience may not see is "No such movie", as if absent). On
 * failure replies in the error shape itself (400 naming field for a malformed ref, 404 "No such
 * movie", TMDB and database errors as theirs) and returns NULL. Caller owns the movie. */
cJSON *mq_movieapi_lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		       int *fetched);

/* mq_movieapi_lookup() for handlers that only need the movie's ObjectId (24 hex, in the arena);
 * without fetch a movie only TMDB has is "No such movie" (removing from a list fetches
 * nothing). Replies with the error itself and returns NULL when there is none. */
const char *mq_movieapi_oid(mq_req *req, mq_res *res, const char *ref, const char *field, int fetch);

/* A JSON body's "movie_id" may be a TMDB id as a number: it becomes the same digits as a string,
 * so that the field validates as a movie ref (MQ_V_STRING) either way. */
void mq_movieapi_body_ref(cJSON *body);

/* Adds image URLs (mq_images_add_urls, from the cached TMDB configuration) to a movie or
 * to each movie of an array. */
void mq_movieapi_images(mq_req *req, cJSON *movies);

/* One page of a TMDB movie list through the TMDB cache, as summaries with image URLs. */
typedef struct mq_movieapi_tmdb_page {
	cJSON *items;           /* caller owns */
	long long page, total;  /* total: results reachable (500 pages at most) */
	mq_cache_state state;
} mq_movieapi_tmdb_page;

/* path such as "/movie/popular", "/trending/movie/week" or "/movie/550/similar"; extra: more
 * query pairs (three at most, NULL-terminated) such as {"query", "fight", NULL}; language
 * "en-US" or "fa-IR". A search or discover path also gets include_adult (true only for an
 * adult who opted in, req->audience). Only what the request's audience may see is kept
 * (mq_catalog_gate_tmdb), so out->items may hold fewer than the page's 20 while out->total
 * stays TMDB's. Errors as mq_tmdbcache_get's, or the catalogue's. */
mq_err mq_movieapi_tmdb_movies(mq_req *req, const char *path, const char *const *extra, long long page,
		      const char *tmdb_language, mq_movieapi_tmdb_page *out);

/* Leaves in items (TMDB's movies as summaries with tmdb_id and adult: a list page, or a person's
 * credits mapped with mq_movie_summary_from_tmdb) only those the request's audience may see: one
 * call, one query (mq_catalog_gate_tmdb). The catalogue's errors. */
mq_err mq_movieapi_gate_tmdb(mq_req *req, cJSON *items);

/* TMDB's search for the q parameter, one page, with q's year (TMDB filters) and min_rating
 * (filtered here) applied; out->total is what the page holds. */
mq_err mq_movieapi_tmdb_search(mq_req *req, const mq_movie_query *q, mq_movieapi_tmdb_page *out);

/* A list's entries (items; each names its movie under key, with its summary under "movie" or
 * not) after rc, the list's read: those the request's audience may not see are removed
 * (mq_catalog_gate_entries) and *total goes down by as many. Returns rc, or the error of the
 * gate. */
mq_err mq_movieapi_gate_entries(mq_req *req, mq_err rc, cJSON *items, const char *key, long long *total);

/* Checks a fields= value against the fields of TMDB summaries: 0, or -1 with req->errors. */
int mq_movieapi_tmdb_fields_check(mq_req *req, const char *fields);

/* Replies with mq_movieapi_tmdb_movies() as a list (meta, X-Cache headers), only the fields named in
 * fields ("title,year"; NULL: all); failures in the error shape. */
void mq_movieapi_reply_tmdb(mq_req *req, mq_res *res, const char *path, const char *const *extra,
			  long long page, const char *tmdb_language, const char *fields);

/* The catalogue lists: /movies (browse: genre, year, minRating, sort, order), /genres/:id/movies
 * (the genre from the route) and /movies/search (q over every title). */
typedef enum mq_movieapi_list_kind {
	MQ_LIST_BROWSE,
	MQ_LIST_GENRE,
	MQ_LIST_SEARCH,
} mq_movieapi_list_kind;

/* Reads a list's query (page, limit, language, year, minRating, sort, order, fields, actor and
 * director (a person's TMDB id, slug or stored name: mq_people_ref, mq_people_find_name) and
 * genre or q) into q, fields= into *fields. Returns 0; -1 with the problems in req->errors; or an mq_err
 * (> 0) when resolving the genre failed on the server's side. */
int mq_movieapi_query_parse(mq_req *req, mq_movieapi_list_kind kind, mq_movie_query *q, const char ***fields);

/* Replies with one page of a catalogue list. A search the catalogue has no match for on its
 * first page is answered with TMDB's search (X-Search-Source: tmdb, else catalog). */
void mq_movieapi_reply_list(mq_req *req, mq_res *res, mq_movieapi_list_kind kind);

#endif
