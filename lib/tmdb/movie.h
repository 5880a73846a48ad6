/* movie.h — movie summaries and movie documents built from TMDB's objects. */
#ifndef MQ_MOVIE_H
#define MQ_MOVIE_H

#include "core/config.h"

#include <cjson/cJSON.h>

/* A movie summary from a TMDB list item (popular, search, similar …), read tolerantly: integer
 * or float numbers, "" dates and null images all work; unknown keys are ignored. Returns NULL
 * for an item that is not a movie (no id or no title). adult is TMDB's flag (false when absent):
 * who may see it is the audience rule's to say (domain/catalog.h, mq_catalog_gate_tmdb). Caller
 * owns the result. */
cJSON *mq_movie_summary_from_tmdb(const cJSON *item);

/* Maps a TMDB list page ({page, results, total_pages, total_results}) to summaries; *page,
 * *total get the page number and the number of results reachable (TMDB serves 500 pages at
 * most). Adult titles are kept, marked (see mq_movie_summary_from_tmdb). Caller owns the array. */
cJSON *mq_movie_summaries_from_tmdb_page(const cJSON *page_obj, long long *page, long long *total);

/* What a movie's details are fetched with, in one request (the sync, the fetch-through and the
 * admin's review all ask the same, so the TMDB cache holds one answer): the appended sections,
 * and the languages of the videos (TMDB otherwise sends only the request's language's). */
#define MQ_MOVIE_APPEND "credits,keywords,translations,release_dates,videos"
#define MQ_MOVIE_VIDEO_LANGUAGES "en,fa,null"
/* That request's query: append_to_response and include_video_language, NULL-terminated. */
extern const char *const mq_movie_details_query[];

/* The fields TMDB's details (with mq_movie_details_query's sections) give a movie document, for
 * $set: tmdb_id, imdb_id, title, original_title, original_language, titles {en, …},
 * overviews {en, …}, tagline (English) and taglines {en, …}, release_date, year, runtime, genres,
 * poster_path, backdrop_path, adult (TMDB's flag), age_limits (mq_movie_age_limits), certifications {region: certification} (each region's theatrical
 * one, else its first) and certification (the US one, for compatibility), cast (first 20, with
 * characters), directors, writers [{tmdb_id, name, jobs: ["Screenplay", "Story"…]}], composers
 * and cinematographers [{tmdb_id, name}], collection {tmdb_id, name, poster_path, backdrop_path}
 * or null, production_countries ["US", …] and spoken_languages ["en", …] (ISO codes), trailers
 * (YouTube trailers and teasers: {site, key, name, type, official, iso_639_1, published_at},
 * trailers before teasers, official first), keywords, popularity, vote_average, vote_count,
 * search_keys. NULL when details is not a movie. Caller owns. */
cJSON *mq_movie_doc_from_tmdb(const cJSON *details, const mq_config *cfg);

/* The trailers of a movie document a page in lang plays, best first: lang's, then English
 * ones; the rest left out. Caller owns the new array. */
cJSON *mq_movie_trailers_for(const cJSON *trailers, const char *lang);

/* One region's watch providers from TMDB's /movie/{id}/watch/providers answer:
 * {region, link (TMDB's page of the offers, only when it is one), flatrate, rent, buy}, each list
 * [{provider_id, provider_name, logo_path, display_priority}] in display_priority order (empty
 * when TMDB has none for the region). Caller owns. */
cJSON *mq_movie_watch_providers(const cJSON *answer, const char *region);

/* The parts of a TMDB /collection/{id} answer as movie summaries (mq_movie_summary_from_tmdb),
 * by release date (undated last), adult titles left out. Caller owns. */
cJSON *mq_movie_collection_parts(const cJSON *collection);

/* The minimum age per region from TMDB's appended release_dates ({"US": 17, "DE": 16}): for each
 * region mq_audience_certification_age knows, the strictest of its releases' certifications;
 * regions without one it knows are left out. Caller owns. */
cJSON *mq_movie_age_limits(const cJSON *details);

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
