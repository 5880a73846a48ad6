/* images.h — image URLs on our own host for TMDB's images, sized from TMDB's /configuration.
 *
 * Browsers never fetch from TMDB's image host: pages and the API name /img/<size>/<file>, which
 * nginx serves from its image cache, filled from TMDB's secure_base_url (nginx/site.conf.in; the
 * allowed sizes and the upstream are written into the nginx configuration at install or stack
 * time). The configuration says which sizes exist; it is taken through the TMDB cache (family
 * "configuration", days) and kept in the process for an hour. When TMDB and the cache both fail,
 * TMDB's long-standing defaults are used, so pages never lose their images over it. Paths under
 * /media/ are our own uploads and are served as they are.
 */
#ifndef MQ_IMAGES_H
#define MQ_IMAGES_H

#include "core/buf.h"
#include "tmdb/env.h"
#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>

/* Where nginx serves TMDB's images on our host (a relative URL: any host name the site has). */
#define MQ_IMAGES_PREFIX "/img/"

typedef struct mq_image_config {
	char base[200];     /* TMDB's upstream, "https://image.tmdb.org/t/p/": nginx's, never a page's */
	char poster[16];    /* card size, about 342 px wide */
	char poster_large[16];
	char backdrop[16];
	char profile[16];
	char logo[16];      /* a watch provider's logo, about 92 px */
} mq_image_config;

/* TMDB's defaults (what /configuration has said for years). */
void mq_images_default(mq_image_config *ic);

/* Reads a /configuration answer into ic (left at the defaults where it says nothing usable). */
void mq_images_from_configuration(const cJSON *conf, mq_image_config *ic);

/* The image configuration for this process: memoised for an hour, fetched through the cache
 * (after a failure, the defaults for a minute). */
void mq_images_config(const mq_env *env, mq_image_config *ic);

/* Appends "/img/<size><path>" to out and returns 0 when path has TMDB's shape ("/" then 1-64
 * letters or digits, then .jpg, .png or .svg: what nginx's /img/ location accepts) and size is
 * 1-12 letters or digits; appends nothing and returns -1 otherwise. */
int mq_images_url(const char *size, const char *path, mq_buf *out);

/* Adds logo_url (as mq_images_add_urls: null without a logo) to each provider of a watch
 * providers object's flatrate, rent and buy lists (mq_movie_watch_providers). */
void mq_images_add_logo_urls(cJSON *providers, const mq_image_config *ic);

/* Adds poster_url, poster_url_large and backdrop_url (null without an image, or for a path not of
 * TMDB's shape) to a movie or movie summary, and profile_url to each of its cast: relative URLs
 * on our host (MQ_IMAGES_PREFIX), or the /media/ path of an upload. */
void mq_images_add_urls(cJSON *movie, const mq_image_config *ic);

/* Adds profile_url to a person (from profile_path; null without a photo). */
void mq_images_add_profile_url(cJSON *person, const mq_image_config *ic);

#endif
