/* movie.h — the movie representations the API returns, built from TMDB objects or documents. */
#ifndef MQ_MOVIE_H
#define MQ_MOVIE_H

#include "buf.h"
#include "config.h"
#include "http.h"

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
 * overviews {en, …}, release_date, year, runtime, genres, poster_path, backdrop_path, cast (first
 * 20, with characters), directors, keywords, popularity, vote_average, vote_count, search_keys.
 * NULL when details is not a movie. Caller owns. */
cJSON *mq_movie_doc_from_tmdb(const cJSON *details, const mq_config *cfg);

/* Lower-case, accent-free key for matching titles: "Amélie" → "amelie"; non-Latin letters
 * (Persian) are kept as they are, lower-cased where they have case. Appended to out. */
void mq_search_key(const char *s, mq_buf *out);

/* Replies with one page of a TMDB movie list (path such as "/movie/popular" or
 * "/movie/550/similar", language "en-US" or "fa-IR") taken through the TMDB cache, as movie
 * summaries with list meta and the X-Cache headers; failures in the error shape. */
void mq_reply_tmdb_movies(mq_req *req, mq_res *res, const char *path, long long page,
			  const char *tmdb_language);

#endif
