/* movie.h — the movie representations the API returns, built from TMDB objects or documents. */
#ifndef MQ_MOVIE_H
#define MQ_MOVIE_H

#include <cjson/cJSON.h>

/* A movie summary from a TMDB list item (popular, search, similar …), read tolerantly: integer
 * or float numbers, "" dates and null images all work; unknown keys are ignored. Returns NULL
 * for an item that is not a movie (no id or no title). Caller owns the result. */
cJSON *mq_movie_summary_from_tmdb(const cJSON *item);

/* Maps a TMDB list page ({page, results, total_pages, total_results}) to summaries; *page,
 * *total get the page number and the number of results reachable (TMDB serves 500 pages at
 * most). Caller owns the array. */
cJSON *mq_movie_summaries_from_tmdb_page(const cJSON *page_obj, long long *page, long long *total);

#endif
