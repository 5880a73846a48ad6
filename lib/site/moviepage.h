/* moviepage.h — the catalogue's pages: movie cards, list pages with their filters and
 * pagination (/movies, /search, /genres/:id), shared by the movies and genres workers. */
#ifndef MQ_MOVIEPAGE_H
#define MQ_MOVIEPAGE_H

#include "site/movieapi.h"
#include "tmdb/movie.h"
#include "web/http.h"

#include <cjson/cJSON.h>

/* Adds what a card shows to a movie: href (/movies/<slug>, else the TMDB id), vote_text
 * (TMDB's average with one decimal, absent without votes) and year_text, both in the page's
 * digits (mq_page_number); for a placeholder of its poster, initials (of the title's first two
 * words) and genre_id (its first genre's, which gives the colour). */
void mq_moviepage_movie_card(const mq_req *req, cJSON *movie);

/* Adds initials to m: the first letter of each of the first two words of text ("Fight Club" →
 * "FC"), joined by a zero-width non-joiner so that Persian letters stay apart: an image
 * placeholder's monogram (a poster's, a person's photo's). */
void mq_moviepage_initials(cJSON *m, const char *text);

/* mq_moviepage_movie_card() for each movie of an array, and for a signed-in member the watchlist and
 * favourite toggles of each (mq_moviepage_toggles). */
void mq_moviepage_movie_cards(mq_req *req, cJSON *movies);

/* A recommendation's reason {kind, title?, genre?} (domain/recommend.h) as its card says it in
 * the page's language: "Because you liked …", "Popular in …", "Popular on Marquee". In the
 * request's arena. */
const char *mq_moviepage_reason(const mq_req *req, const cJSON *reason);

/* Adds what a page shows of a rating (domain/rating.h) to it: rating_text (the page's digits,
 * a half as ".5") and date (created_at as a day in the page's language and calendar, in the
 * site's TIMEZONE). */
void mq_moviepage_rating_texts(const mq_req *req, cJSON *rating);

/* The signed-in member's lists state (mq_lists_state) of one movie (movie_id) or of all (NULL);
 * NULL when signed out or on failure (pages then show no toggles rather than fail). Caller owns. */
cJSON *mq_moviepage_lists_state(mq_req *req, const char *movie_id);

/* Adds "member": {ref, toggles: [{list, label, pressed, next}], rating} to movie from state:
 * the toggles a card shows (watchlist, favourite) or, with full, all the movie page shows
 * (and watched, liked, disliked). ref is the movie's id, else its TMDB id. templates/partials/
 * toggle.mustache renders each as a form posting to /me/lists. */
void mq_moviepage_toggles(mq_req *req, cJSON *movie, const cJSON *state, int full);

/* {page, total_pages, has_prev, prev_href, has_next, next_href, text} for a list page: the hrefs
 * are the current path and query with only page= changed; text is "Page 2 of 7" in the page's
 * language. */
cJSON *mq_moviepage_pagination(mq_req *req, long long page, long long limit, long long total);

/* Adds what the movie page shows beyond the movie's JSON (mq_catalog_get, with image URLs):
 * person_href (/people/<tmdb id>) for the cast, directors and key crew; crew (writing, music,
 * cinematography groups, writers' jobs in words) and has_crew; region_certification and
 * certification_label for mq_page_region(); tagline_lang ("en" when the tagline fell back to
 * English); countries_text and languages_text; trailer {watch_href, embed_src, name, name_lang
 * (when not the page's), frame_title} (YouTube, played only when asked); collection_view
 * {name, heading, parts as cards} (the collection's other parts, through the TMDB cache); watch
 * {heading, groups [{kind, label, providers}], link} (the region's offers, through the cache).
 * What TMDB cannot give is left out: the page shows it without that section. */
void mq_moviepage_details(mq_req *req, cJSON *movie);

/* Renders a list page: "movies" (browse, with the filter form), "search" (q; an empty q shows
 * just the form) or "genre" (the genre from the route). Invalid filters re-render the page with
 * the problems and status 400. */
void mq_reply_movie_list_page(mq_req *req, mq_res *res, mq_movieapi_list_kind kind);

#endif
