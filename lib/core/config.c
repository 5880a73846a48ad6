/* config.c — environment configuration and its validation (see config.h). */
#include "core/config.h"
#include "core/audience.h"
#include "core/l10n.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/parse.h"

#include <mongoc/mongoc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MQ_DATADIR
#define MQ_DATADIR "/usr/local/share/marquee"
#endif
#ifndef MQ_BINDIR
#define MQ_BINDIR "/usr/local/bin"
#endif

const char *const mq_tmdb_families[MQ_TMDB_FAMILIES + 1] = { "movie", "trending", "search", "discover", "genre",
					   "configuration", NULL };

int mq_config_tmdb_cache_ttl(const mq_config *cfg, const char *path)
{
	const char *p = path[0] == '/' ? path + 1 : path;
	size_t n = strcspn(p, "/?");
	for (int i = 0; mq_tmdb_families[i]; i++)
		if (strlen(mq_tmdb_families[i]) == n && !strncmp(p, mq_tmdb_families[i], n))
			return cfg->tmdb_cache_ttls[i];
	return cfg->tmdb_cache_ttl;
}

static const char *env_get(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? mq_xstrdup(s) : NULL;
}

static int is_http_url(const char *s)
{
	return (!strncmp(s, "http://", 7) && s[7]) || (!strncmp(s, "https://", 8) && s[8]);
}

static int is_token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int is_language(const char *s)
{
	/* ISO 639-1, optionally with an ISO 3166-1 region: "fa", "fa-IR" */
	size_t n = strlen(s);
	if (n != 2 && n != 5)
		return 0;
	if (s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z')
		return 0;
	if (n == 5 && (s[2] != '-' || s[3] < 'A' || s[3] > 'Z' || s[4] < 'A' || s[4] > 'Z'))
		return 0;
	return 1;
}

static int is_db_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 63)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static void int_setting(const char *name, const char *value, long long def, long long min,
			long long max, int *out, mq_buf *problems, int *n)
{
	long long v = def;
	if (value && *value && mq_parse_int(value, min, max, &v)) {
		mq_buf_printf(problems, "%s: must be an integer from %lld to %lld (got \"%s\")\n", name,
			      min, max, value);
		(*n)++;
	}
	*out = (int)v;
}

static void problem(mq_buf *problems, int *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One line per problem: "NAME: what is wrong". */
static void problem(mq_buf *problems, int *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mq_buf_vprintf(problems, fmt, ap);
	va_end(ap);
	mq_buf_putc(problems, '\n');
	(*n)++;
}

int mq_config_load(mq_config *cfg, unsigned needs, const char *(*get)(const char *name, void *ctx),
		   void *ctx, mq_buf *problems)
{
	int n = 0;
	const char *v;
	memset(cfg, 0, sizeof *cfg);

	v = get("MONGODB_URI", ctx);
	cfg->mongodb_uri = mq_xstrdup(v && *v ? v : "mongodb://127.0.0.1:27017/");
	bson_error_t err;
	mongoc_uri_t *uri = mongoc_uri_new_with_error(cfg->mongodb_uri, &err);
	if (!uri) {
		/* the message may quote the URI; never echo it, it can hold a password */
		problem(problems, &n, "%s: not a valid MongoDB connection string", "MONGODB_URI");
	}
	mongoc_uri_destroy(uri);

	v = get("MARQUEE_DB", ctx);
	cfg->db_name = mq_xstrdup(v && *v ? v : "marquee");
	if (!is_db_name(cfg->db_name))
		problem(problems, &n, "%s: must be 1-63 letters, digits, '_' or '-' (got \"%s\")",
			"MARQUEE_DB", cfg->db_name);

	cfg->tmdb_api_key = dup_or_null(get("TMDB_API_KEY", ctx));
	if (cfg->tmdb_api_key && !is_token(cfg->tmdb_api_key))
		problem(problems, &n, "%s: must not contain spaces or control characters",
			"TMDB_API_KEY");
	cfg->tmdb_read_token = dup_or_null(get("TMDB_READ_TOKEN", ctx));
	if (cfg->tmdb_read_token && !is_token(cfg->tmdb_read_token))
		problem(problems, &n, "%s: must not contain spaces or control characters",
			"TMDB_READ_TOKEN");

	v = get("TMDB_BASE_URL", ctx);
	cfg->tmdb_base_url = mq_xstrdup(v && *v ? v : "https://api.themoviedb.org/3");
	size_t bl = strlen(cfg->tmdb_base_url);
	while (bl > 1 && cfg->tmdb_base_url[bl - 1] == '/')
		cfg->tmdb_base_url[--bl] = '\0';
	if (!is_http_url(cfg->tmdb_base_url))
		problem(problems, &n, "%s: must be an http:// or https:// URL (got \"%s\")",
			"TMDB_BASE_URL", cfg->tmdb_base_url);

	v = get("TMDB_LANGUAGES", ctx);
	char *langs = mq_xstrdup(v && *v ? v : "en-US,fa-IR"), *save = NULL;
	int problems_before_languages = n;
	for (char *tok = strtok_r(langs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!is_language(tok)) {
			problem(problems, &n, "%s: \"%s\" is not a language like en-US or fa-IR",
				"TMDB_LANGUAGES", tok);
		} else if (cfg->n_tmdb_languages == MQ_MAX_LANGUAGES) {
			problem(problems, &n, "%s: at most 8 languages", "TMDB_LANGUAGES");
			break;
		} else {
			cfg->tmdb_languages[cfg->n_tmdb_languages++] = mq_xstrdup(tok);
		}
	}
	free(langs);
	if (cfg->n_tmdb_languages == 0 && n == problems_before_languages)
		problem(problems, &n, "%s: no language given", "TMDB_LANGUAGES");

	int_setting("TMDB_RATE", get("TMDB_RATE", ctx), 40, 1, 1000, &cfg->tmdb_rate, problems, &n);
	int_setting("TMDB_SYNC_PAGES", get("TMDB_SYNC_PAGES", ctx), 50, 1, 500,
		    &cfg->tmdb_sync_pages, problems, &n);
	int_setting("TMDB_CACHE_TTL", get("TMDB_CACHE_TTL", ctx), 86400, 1, 30 * 86400,
		    &cfg->tmdb_cache_ttl, problems, &n);
	for (int i = 0; mq_tmdb_families[i]; i++) {
		char name[48], upper[24];
		size_t k = 0;
		for (const char *f = mq_tmdb_families[i]; *f && k + 1 < sizeof upper; f++)
			upper[k++] = (char)(*f - 'a' + 'A');
		upper[k] = '\0';
		snprintf(name, sizeof name, "TMDB_CACHE_TTL_%s", upper);
		/* the image configuration changes rarely: days, as TMDB advises */
		int def = strcmp(mq_tmdb_families[i], "configuration") ? cfg->tmdb_cache_ttl : 3 * 86400;
		int_setting(name, get(name, ctx), def, 1, 30 * 86400, &cfg->tmdb_cache_ttls[i], problems, &n);
	}
	int_setting("BCRYPT_COST", get("BCRYPT_COST", ctx), 10, 4, 31, &cfg->bcrypt_cost, problems,
		    &n);
	int_setting("WORKER_THREADS", get("WORKER_THREADS", ctx), 4, 1, 64, &cfg->worker_threads,
		    problems, &n);
	int_setting("VISITOR_AGE", get("VISITOR_AGE", ctx), MQ_ADULT_AGE, 0, MQ_ADULT_AGE, &cfg->visitor_age,
		    problems, &n);

	cfg->jwt_secret = dup_or_null(get("JWT_SECRET", ctx));
	if (cfg->jwt_secret && strlen(cfg->jwt_secret) < 32)
		problem(problems, &n, "%s: must be at least 32 bytes long", "JWT_SECRET");
	else if (!cfg->jwt_secret && (needs & MQ_CONFIG_NEED_JWT))
		problem(problems, &n, "%s: not set (use 32 or more random bytes, e.g. `openssl rand -hex 32`)",
			"JWT_SECRET");

	v = get("JWT_TTL", ctx);
	cfg->jwt_ttl = 7L * 86400;
	if (v && *v && (mq_parse_duration(v, &cfg->jwt_ttl) || cfg->jwt_ttl < 60 ||
			cfg->jwt_ttl > 90L * 86400))
		problem(problems, &n, "%s: must be a duration from 60s to 90d, like 3600, 15m, 12h or 7d (got \"%s\")",
			"JWT_TTL", v);

	v = get("MEDIA_DIR", ctx);
	cfg->media_dir = mq_xstrdup(v && *v ? v : "/var/lib/marquee/media");
	if (cfg->media_dir[0] != '/')
		problem(problems, &n, "%s: must be an absolute path (got \"%s\")", "MEDIA_DIR",
			cfg->media_dir);

	v = get("TEMPLATE_DIR", ctx);
	cfg->template_dir = mq_xstrdup(v && *v ? v : MQ_DATADIR "/templates");

	v = get("MARQUEE_SYNC", ctx);
	cfg->sync_bin = mq_xstrdup(v && *v ? v : MQ_BINDIR "/marquee-sync");
	if (cfg->sync_bin[0] != '/')
		problem(problems, &n, "%s: must be an absolute path (got \"%s\")", "MARQUEE_SYNC", cfg->sync_bin);

	v = get("PUBLIC_URL", ctx);
	cfg->public_url = mq_xstrdup(v && *v ? v : "http://127.0.0.1:8080");
	if (!is_http_url(cfg->public_url))
		problem(problems, &n, "%s: must be an http:// or https:// URL (got \"%s\")", "PUBLIC_URL",
			cfg->public_url);

	cfg->nchan_publish_url = dup_or_null(get("NCHAN_PUBLISH_URL", ctx));
	if (cfg->nchan_publish_url && !is_http_url(cfg->nchan_publish_url))
		problem(problems, &n, "%s: must be an http:// URL (got \"%s\")", "NCHAN_PUBLISH_URL",
			cfg->nchan_publish_url);
	cfg->nchan_publish_socket = dup_or_null(get("NCHAN_PUBLISH_SOCKET", ctx));
	if (cfg->nchan_publish_socket && cfg->nchan_publish_socket[0] != '/')
		problem(problems, &n, "%s: must be an absolute path (got \"%s\")", "NCHAN_PUBLISH_SOCKET",
			cfg->nchan_publish_socket);

	cfg->mail_sendmail = dup_or_null(get("MAIL_SENDMAIL", ctx));
	if (cfg->mail_sendmail && cfg->mail_sendmail[0] != '/')
		problem(problems, &n, "%s: must be a command with an absolute path, like /usr/sbin/sendmail -t (got \"%s\")",
			"MAIL_SENDMAIL", cfg->mail_sendmail);
	cfg->mail_smtp_url = dup_or_null(get("MAIL_SMTP_URL", ctx));
	if (cfg->mail_smtp_url && strncmp(cfg->mail_smtp_url, "smtp://", 7) && strncmp(cfg->mail_smtp_url, "smtps://", 8))
		problem(problems, &n, "%s: must be an smtp:// or smtps:// URL (got \"%s\")", "MAIL_SMTP_URL",
			cfg->mail_smtp_url);
	cfg->mail_smtp_user = dup_or_null(get("MAIL_SMTP_USER", ctx));
	cfg->mail_smtp_password = dup_or_null(get("MAIL_SMTP_PASSWORD", ctx));
	v = get("MAIL_FROM", ctx);
	cfg->mail_from = mq_xstrdup(v && *v ? v : "marquee@localhost");
	if (strpbrk(cfg->mail_from, "\r\n"))
		problem(problems, &n, "%s: must be an e-mail address like marquee@example.org, on one line", "MAIL_FROM");
	else if (!strchr(cfg->mail_from, '@') || strpbrk(cfg->mail_from, "<>\" "))
		problem(problems, &n, "%s: must be an e-mail address like marquee@example.org (got \"%s\")", "MAIL_FROM",
			cfg->mail_from);
	v = get("TIMEZONE", ctx);
	cfg->timezone = mq_xstrdup(v ? v : "");
	if (*cfg->timezone && !mq_l10n_zone_known(cfg->timezone))
		problem(problems, &n, "%s: must be an IANA time zone such as Asia/Tehran (got \"%s\")", "TIMEZONE",
			cfg->timezone);

	v = get("LOG_LEVEL", ctx);
	mq_log_level level = MQ_LOG_INFO;
	if (v && *v && mq_log_level_parse(v, &level))
		problem(problems, &n, "%s: must be debug, info, warn or error (got \"%s\")", "LOG_LEVEL",
			v);
	cfg->log_level = (int)level;
	return n;
}

int mq_config_from_env(mq_config *cfg, unsigned needs, mq_buf *problems)
{
	return mq_config_load(cfg, needs, env_get, NULL, problems);
}

void mq_config_free(mq_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->mongodb_uri);
	free(cfg->db_name);
	free(cfg->tmdb_api_key);
	free(cfg->tmdb_read_token);
	free(cfg->tmdb_base_url);
	for (int i = 0; i < cfg->n_tmdb_languages; i++)
		free(cfg->tmdb_languages[i]);
	if (cfg->jwt_secret)
		explicit_bzero(cfg->jwt_secret, strlen(cfg->jwt_secret));
	free(cfg->jwt_secret);
	free(cfg->media_dir);
	free(cfg->template_dir);
	free(cfg->sync_bin);
	free(cfg->public_url);
	free(cfg->timezone);
	free(cfg->nchan_publish_url);
	free(cfg->nchan_publish_socket);
	free(cfg->mail_sendmail);
	free(cfg->mail_smtp_url);
	free(cfg->mail_smtp_user);
	if (cfg->mail_smtp_password)
		explicit_bzero(cfg->mail_smtp_password, strlen(cfg->mail_smtp_password));
	free(cfg->mail_smtp_password);
	free(cfg->mail_from);
	memset(cfg, 0, sizeof *cfg);
}
