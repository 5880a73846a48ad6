/* peoplepage.h — what the API and the pages show of people: photo URLs on our host, person
 * cards (the search page), the person page's texts and filmography cards, and people search with
 * TMDB's as the fallback, shared by the people worker and the search page. */
#ifndef MQ_PEOPLEPAGE_H
#define MQ_PEOPLEPAGE_H

#include "web/http.h"

#include <cjson/cJSON.h>

/* Adds profile_url (/img/<profile size>/<file>, null without a photo) to a person or to each
 * person of an array, and image URLs to the movies of a person's acting and crew. */
void mq_peoplepage_images(mq_req *req, cJSON *people);

/* Adds what a person card shows: href (/people/<slug>, else the TMDB id), initials (for the
 * photo's placeholder), photo_alt, and known_for_text (the department in the page's language,
 * with the titles TMDB says they are known for when it gives them). */
void mq_peoplepage_card(const mq_req *req, cJSON *person);

/* Adds to a person's page data what it says in the page's words: birthday_text and
 * deathday_text (mq_l10n_date), place_text (the place of birth, when known), the biography as
 * paragraphs with biography_dir (its language's direction), and each filmography entry as a card
 * (mq_moviepage_movie_cards) with its role ("as Tyler Durden", "Director, Screenplay"); has_acting,
 * has_crew, and the catalogue links (movies_with_href/text, movies_directed_href/text). */
void mq_peoplepage_texts(mq_req *req, cJSON *person);

/* People matching the search text q (pattern: its mq_search_pattern), limit at most: the people
 * collection's, else TMDB's person search (*from_tmdb set). NULL after a failure of both (the
 * database's is returned in *rc, TMDB's leaves an empty list unless nothing is there). Cards'
 * fields added when cards is set. Caller owns. */
cJSON *mq_peoplepage_search(mq_req *req, const char *q, const char *pattern, long long limit, const char *lang,
			    int cards, int *from_tmdb, mq_err *rc);

#endif
