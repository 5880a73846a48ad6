/* images.h — TMDB image URLs, built from TMDB's /configuration.
 *
 * The configuration says where images live (secure_base_url) and which sizes exist; it is taken
 * through the TMDB cache (family "configuration", days) and kept in the process for an hour.
 * When TMDB and the cache both fail, TMDB's long-standing defaults are used, so pages never lose
 * their images over it. Paths under /media/ are our own uploads and are served as they are.
 */
#ifndef MQ_IMAGES_H
#define MQ_IMAGES_H

#include "tmdb/env.h"
#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>

typedef struct mq_image_config {
	char base[200];     /* "https://image.tmdb.org/t/p/" */
	char poster[16];    /* card size, about 342 px wide */
	char poster_large[16];
	char backdrop[16];
	char profile[16];
} mq_image_config;

/* TMDB's defaults (what /configuration has said for years). */
void mq_images_default(mq_image_config *ic);

/* Reads a /configuration answer into ic (left at the defaults where it says nothing usable). */
void mq_images_from_configuration(const cJSON *conf, mq_image_config *ic);

/* The image configuration for this process: memoised for an hour, fetched through the cache
 * (after a failure, the defaults for a minute). */
void mq_images_config(const mq_env *env, mq_image_config *ic);

/* Adds poster_url, poster_url_large and backdrop_url (null without an image) to a movie or
 * movie summary, and profile_url to each of its cast. */
void mq_images_add_urls(cJSON *movie, const mq_image_config *ic);

#endif
