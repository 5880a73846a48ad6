/* person.h — person documents and person summaries built from TMDB's person objects. */
#ifndef MQ_PERSON_H
#define MQ_PERSON_H

#include <cjson/cJSON.h>

/* What TMDB is asked for a person: /person/<id> with these sections appended, in one request. */
#define MQ_PERSON_APPEND "movie_credits,translations,external_ids"

/* The most credits of each kind (acting, crew) a person document keeps. */
#define MQ_PERSON_MAX_CREDITS 300

/* The fields TMDB's person details (with MQ_PERSON_APPEND appended) give a person document, for
 * $set: tmdb_id, name, names {en, fa…} (fa from the Persian translation's name when TMDB has one),
 * profile_path, known_for_department, birthday, deathday (dates or null), place_of_birth,
 * biographies {en, fa…} (from the translations, English also from biography; empty ones left
 * out), imdb_id (details, else external_ids), gender, popularity, adult, search_keys (every name
 * folded, from each word on) and credits: [{tmdb_id, title, original_title, release_date, year,
 * poster_path, backdrop_path, vote_average, vote_count, popularity, genre_ids, adult, kind:
 * "cast" with character and order, or "crew" with department and jobs [...] (a person's jobs on
 * one movie in one entry)}], newest first (undated last), at most MQ_PERSON_MAX_CREDITS of each
 * kind. Read tolerantly as movie.c reads movies: numbers integer or float, "" and null alike,
 * unknown keys ignored, a credit without id or title skipped. NULL when details is not a person
 * (no id in 1..2^31-1 or no name). Caller owns. */
cJSON *mq_person_doc_from_tmdb(const cJSON *details);

/* A person summary from a TMDB list item (/search/person): tmdb_id, name, profile_path,
 * known_for_department, popularity, adult, known_for [titles of its movies, three at most]. NULL
 * for an item that is not a person. Caller owns. */
cJSON *mq_person_summary_from_tmdb(const cJSON *item);

#endif
