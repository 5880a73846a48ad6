/* admin_tmdb.h — what a curator asks TMDB: a lookup that fills the review form of a new movie,
 * and the posters and backdrops TMDB has for a catalogue movie. Nothing here writes to the
 * catalogue; answers come through the TMDB cache (tmdbcache.h). Results are the caller's, without
 * image URLs for movies (a reader adds them). */
#ifndef MQ_ADMIN_TMDB_H
#define MQ_ADMIN_TMDB_H

#include "tmdb/env.h"

#include <cjson/cJSON.h>

/* Looks q up at TMDB: a TMDB id (digits), an IMDb id ("tt…") or a title (a year at the end
 * narrows it: "Heat 1995", "Heat (1995)"). *found = {candidates: [summaries, at most 20]}, and
 * when q names one movie (an id, or a title with one candidate) also movie (its catalogue
 * document as it would be stored: the review form's values) and in_catalogue (the catalogue's
 * id of it, or null). MQ_ENOTFOUND when TMDB has no such id; TMDB's and the database's errors as
 * theirs. */
mq_err mq_admin_tmdb_lookup(const mq_env *env, const char *q, cJSON **found);

/* TMDB's images of the catalogue movie movie_id: *images = {posters: […], backdrops: […]}, at
 * most 30 each, as {path, url, width, height, language}. MQ_ENOTFOUND for no such movie,
 * MQ_EUNPROCESSABLE for one added by hand (TMDB has no images of it). */
mq_err mq_admin_tmdb_images(const mq_env *env, const char *movie_id, cJSON **images);

#endif
