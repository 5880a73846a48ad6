/* moviepage.h — the catalogue's pages: movie cards, list pages with their filters and
 * pagination (/movies, /search, /genres/:id), shared by the movies and genres workers. */
#ifndef MQ_MOVIEPAGE_H
#define MQ_MOVIEPAGE_H

#include "http.h"
#include "movie.h"

#include <cjson/cJSON.h>

/* Adds what a card shows to a movie: href (/movies/<slug>, else the TMDB id) and vote_text
 * (TMDB's average with one decimal, absent without votes); mq_page_movie_cards() to each movie
 * of an array. */
void mq_page_movie_card(cJSON *movie);
void mq_page_movie_cards(cJSON *movies);

/* {page, total_pages, has_prev, prev_href, has_next, next_href} for a list page: the hrefs are
 * the current path and query with only page= changed. */
cJSON *mq_page_pagination(mq_req *req, long long page, long long limit, long long total);

/* Renders a list page: "movies" (browse, with the filter form), "search" (q; an empty q shows
 * just the form) or "genre" (the genre from the route). Invalid filters re-render the page with
 * the problems and status 400. */
void mq_reply_movie_list_page(mq_req *req, mq_res *res, mq_list_kind kind);

#endif
