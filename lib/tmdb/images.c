/* images.c — TMDB image URLs from /configuration (see images.h). */
#include "tmdb/images.h"
#include "tmdb/tmdbcache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMO_SECONDS 3600
#define MEMO_FAILED_SECONDS 60 /* TMDB and the cache failed: the defaults, for a minute */

void mq_images_default(mq_image_config *ic)
{
	snprintf(ic->base, sizeof ic->base, "%s", "https://image.tmdb.org/t/p/");
	snprintf(ic->poster, sizeof ic->poster, "%s", "w342");
	snprintf(ic->poster_large, sizeof ic->poster_large, "%s", "w780");
	snprintf(ic->backdrop, sizeof ic->backdrop, "%s", "w1280");
	snprintf(ic->profile, sizeof ic->profile, "%s", "w185");
	snprintf(ic->logo, sizeof ic->logo, "%s", "w92");
}

/* The smallest listed size "wN" with N >= width, else "original" when listed; out unchanged
 * when the list offers neither. */
static void pick_size(const cJSON *sizes, int width, char *out, size_t size)
{
	const cJSON *s;
	long best = 0;
	int original = 0;
	cJSON_ArrayForEach(s, sizes) {
		const char *v = cJSON_GetStringValue(s);
		if (!v)
			continue;
		if (!strcmp(v, "original"))
			original = 1;
		size_t digits = v[0] == 'w' ? strspn(v + 1, "0123456789") : 0;
		long w = digits >= 1 && digits <= 4 && !v[1 + digits] ? strtol(v + 1, NULL, 10) : 0;
		if (w >= width && (!best || w < best))
			best = w;
	}
	if (best)
		snprintf(out, size, "w%d", (int)(best % 100000));
	else if (original)
		snprintf(out, size, "%s", "original");
}

void mq_images_from_configuration(const cJSON *conf, mq_image_config *ic)
{
	mq_images_default(ic);
	const cJSON *images = cJSON_GetObjectItemCaseSensitive(conf, "images");
	const char *base = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(images, "secure_base_url"));
	size_t n = base ? strlen(base) : 0;
	/* an https URL of printable ASCII with nothing that could break out of an attribute or a URL */
	int printable = 1;
	for (size_t i = 0; i < n; i++)
		printable &= base[i] > ' ' && base[i] < 0x7f && !strchr("\"'<>\\?#`", base[i]);
	if (n > 8 && n < sizeof ic->base - 1 && !strncmp(base, "https://", 8) && printable) {
		snprintf(ic->base, sizeof ic->base, "%s%s", base, base[n - 1] == '/' ? "" : "/");
	}
	pick_size(cJSON_GetObjectItemCaseSensitive(images, "poster_sizes"), 342, ic->poster, sizeof ic->poster);
	pick_size(cJSON_GetObjectItemCaseSensitive(images, "poster_sizes"), 780, ic->poster_large, sizeof ic->poster_large);
	pick_size(cJSON_GetObjectItemCaseSensitive(images, "backdrop_sizes"), 1280, ic->backdrop, sizeof ic->backdrop);
	pick_size(cJSON_GetObjectItemCaseSensitive(images, "profile_sizes"), 185, ic->profile, sizeof ic->profile);
	pick_size(cJSON_GetObjectItemCaseSensitive(images, "logo_sizes"), 92, ic->logo, sizeof ic->logo);
}

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;
static mq_image_config memo;
static time_t memo_at; /* the memo is good until then; 0: none */

void mq_images_config(const mq_env *env, mq_image_config *ic)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&memo_lock);
	int fresh = memo_at && now < memo_at;
	if (fresh)
		*ic = memo;
	pthread_mutex_unlock(&memo_lock);
	if (fresh)
		return;
	cJSON *conf = NULL;
	mq_cache_state state;
	int ok = mq_tmdbcache_get(env, "/configuration", NULL, &conf, &state) == MQ_OK;
	if (ok)
		mq_images_from_configuration(conf, ic);
	else
		mq_images_default(ic); /* TMDB's long-standing values; tried again in a minute */
	cJSON_Delete(conf);
	pthread_mutex_lock(&memo_lock);
	memo = *ic;
	memo_at = now + (ok ? MEMO_SECONDS : MEMO_FAILED_SECONDS); /* valid until */
	pthread_mutex_unlock(&memo_lock);
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

int mq_images_url(const char *size, const char *path, mq_buf *out)
{
	size_t size_len = size ? strspn(size, ALNUM) : 0;
	size_t stem = path && path[0] == '/' ? strspn(path + 1, ALNUM) : 0;
	const char *ext = stem ? path + 1 + stem : NULL;
	if (!size_len || size_len > 12 || size[size_len] || stem > 64 || !ext
	    || (strcmp(ext, ".jpg") && strcmp(ext, ".png") && strcmp(ext, ".svg")))
		return -1;
	mq_buf_puts(out, MQ_IMAGES_PREFIX);
	mq_buf_puts(out, size);
	mq_buf_puts(out, path);
	return 0;
}

/* path → our URL of the given size, or null. Our own uploads (/media/…) stay as they are. */
static void add_url(cJSON *obj, const char *key, const char *path, const char *size)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key); /* set, never duplicated */
	mq_buf url = MQ_BUF_INIT;
	if (path && !strncmp(path, "/media/", 7) && strlen(path) <= 200)
		cJSON_AddStringToObject(obj, key, path);
	else if (mq_images_url(size, path, &url) == 0)
		cJSON_AddStringToObject(obj, key, mq_buf_cstr(&url));
	else
		cJSON_AddNullToObject(obj, key);
	mq_buf_free(&url);
}

void mq_images_add_urls(cJSON *movie, const mq_image_config *ic)
{
	const char *poster = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "poster_path"));
	const char *backdrop = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "backdrop_path"));
	add_url(movie, "poster_url", poster, ic->poster);
	add_url(movie, "poster_url_large", poster, ic->poster_large);
	add_url(movie, "backdrop_url", backdrop, ic->backdrop);
	cJSON *person;
	cJSON_ArrayForEach(person, cJSON_GetObjectItemCaseSensitive(movie, "cast"))
		mq_images_add_profile_url(person, ic);
}

void mq_images_add_profile_url(cJSON *person, const mq_image_config *ic)
{
	add_url(person, "profile_url", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(person, "profile_path")),
		ic->profile);
}

void mq_images_add_logo_urls(cJSON *providers, const mq_image_config *ic)
{
	static const char *const kinds[] = { "flatrate", "rent", "buy" };
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		cJSON *p;
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(providers, kinds[k]))
			add_url(p, "logo_url", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "logo_path")), ic->logo);
	}
}
