/* movie.h — movie summaries and movie documents built from TMDB's objects. */
#ifndef MQ_MOVIE_H
#define MQ_MOVIE_H

#include "core/config.h"

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

/* Adds value to out as key, or null when value is NULL (how our documents say "TMDB has none"). */
void mq_movie_add_string_or_null(cJSON *out, const char *key, const char *value);

/* Adds the search key of text (mq_search_key) to keys, and the key from each later word on ("the
 * dark knight", "dark knight", "knight"), so an anchored regex finds any word; no duplicates, 64
 * keys at most. Titles and people's names alike. */
void mq_movie_add_search_keys(cJSON *keys, const char *text);

/* The data object of the appended translations (movie or person: {translations: [{iso_639_1,
 * data}]}) for a language ("fa"), or NULL. Borrowed from details. */
const cJSON *mq_movie_translation(const cJSON *details, const char *lang);

/* TMDB's language for ours: "fa" → "fa-IR", anything else → "en-US". */
const char *mq_movie_tmdb_language(const char *lang);

#endif
