/* log.h — structured logging: one JSON object per line on stderr (or the fd given at init).
 *
 * Lines are built in a local buffer and written with one write(2), so threads never interleave.
 * Nothing secret is ever passed here: callers log paths without query strings, never headers,
 * bodies, tokens, passwords or TMDB credentials.
 */
#ifndef MQ_LOG_H
#define MQ_LOG_H

typedef enum mq_log_level {
	MQ_LOG_DEBUG,
	MQ_LOG_INFO,
	MQ_LOG_WARN,
	MQ_LOG_ERROR,
} mq_log_level;

/* component ("movies", "sync") is borrowed for the life of the process. */
void mq_log_init(const char *component, mq_log_level min_level, int fd);
/* Parses "debug", "info", "warn"/"warning", "error". Returns 0 or -1. */
int mq_log_level_parse(const char *s, mq_log_level *out);

/* {"ts":…,"level":…,"component":…,"event":event,"msg":<formatted>} */
void mq_log(mq_log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The text of the errno value err, without strerror()'s buffer, which threads share:
 * mq_strerror(errno).s is valid until the end of the full expression that calls it. */
typedef struct mq_errtext {
	char s[128];
} mq_errtext;
mq_errtext mq_strerror(int err);

/* The access line of one request: id, method, path (no query string), status, duration, the
 * database round trips it made ("db"; left out when db_round_trips < 0) and the user. */
void mq_log_request(const char *request_id, const char *method, const char *path, int status,
		    double duration_ms, long db_round_trips, const char *user_id);

#endif
