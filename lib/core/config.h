/* config.h — configuration from the environment, validated once at start.
 *
 * Every variable is documented in README.md and nginx/marquee.env.example. mq_config_load()
 * reports every problem as one line "NAME: what is wrong" so an operator fixes them all at once.
 */
#ifndef MQ_CONFIG_H
#define MQ_CONFIG_H

#include "core/buf.h"

#define MQ_MAX_LANGUAGES 8
#define MQ_TMDB_FAMILIES 6

typedef struct mq_config {
	char *mongodb_uri;
	char *db_name;
	char *tmdb_api_key;      /* secret: never logged */
	char *tmdb_read_token;   /* secret: never logged */
	char *tmdb_base_url;
	char *tmdb_languages[MQ_MAX_LANGUAGES];
	int n_tmdb_languages;
	int tmdb_rate;           /* requests per second */
	int tmdb_sync_pages;
	int tmdb_cache_ttl;      /* seconds a cached TMDB answer stays fresh (default) */
	int tmdb_cache_ttls[MQ_TMDB_FAMILIES];  /* per endpoint family, indexed like mq_tmdb_families */
	char *jwt_secret;        /* secret: never logged */
	long jwt_ttl;            /* seconds */
	int bcrypt_cost;
	char *media_dir;
	char *template_dir;
	char *sync_bin;          /* the marquee-sync binary the admin starts runs with */
	char *public_url;
	char *nchan_publish_url; /* NULL: live push disabled */
	char *nchan_publish_socket; /* unix socket the publish URL is reached through, or NULL */
	char *mail_sendmail;     /* a sendmail-compatible command line ("/usr/sbin/sendmail -t"), or NULL */
	char *mail_smtp_url;     /* smtp:// or smtps:// server, or NULL (MAIL_SENDMAIL wins when both) */
	char *mail_smtp_user;    /* optional SMTP login */
	char *mail_smtp_password; /* secret: never logged */
	char *mail_from;         /* the From: address of the site's mail */
	char *timezone;          /* IANA name the pages show times in; "": the host's own */
	int log_level;           /* an mq_log_level */
	int worker_threads;
	int visitor_age;         /* the age a visitor (or a member without a date of birth) is taken
				  * to be for certifications, 0-18 (core/audience.h) */
} mq_config;

enum {
	MQ_CONFIG_NEED_JWT = 1, /* JWT_SECRET must be set (every worker that authenticates) */
};

/* The TMDB endpoint families whose cache lifetime can be set apart (TMDB_CACHE_TTL_<FAMILY>):
 * "movie", "trending", "search", "discover", "genre", "configuration"; NULL-terminated. */
extern const char *const mq_tmdb_families[MQ_TMDB_FAMILIES + 1];

/* Seconds an answer to the TMDB path (such as "/trending/movie/day") stays fresh: its family's
 * lifetime, else TMDB_CACHE_TTL. */
int mq_config_tmdb_cache_ttl(const mq_config *cfg, const char *path);

/* Looks variables up through get(name, ctx) (getenv for real use; tests pass a table).
 * Fills cfg (owned strings; mq_config_free releases them) and appends one line per problem to
 * problems. Returns the number of problems (0 = usable). */
int mq_config_load(mq_config *cfg, unsigned needs, const char *(*get)(const char *name, void *ctx),
		   void *ctx, mq_buf *problems);
/* mq_config_load() with getenv. */
int mq_config_from_env(mq_config *cfg, unsigned needs, mq_buf *problems);
void mq_config_free(mq_config *cfg);

/* The version (the Makefile passes it; this default serves other builds). */
#ifndef MQ_VERSION
#define MQ_VERSION "0.1.0"
#endif

#endif
