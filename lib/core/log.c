/* log.c — JSON-lines logger (see log.h). */
#include "core/log.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *log_component = "marquee";
static mq_log_level log_min = MQ_LOG_INFO;
static int log_fd = STDERR_FILENO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void mq_log_init(const char *component, mq_log_level min_level, int fd)
{
	log_component = component;
	log_min = min_level;
	log_fd = fd;
}

int mq_log_level_parse(const char *s, mq_log_level *out)
{
	if (!strcasecmp(s, "debug"))
		*out = MQ_LOG_DEBUG;
	else if (!strcasecmp(s, "info"))
		*out = MQ_LOG_INFO;
	else if (!strcasecmp(s, "warn") || !strcasecmp(s, "warning"))
		*out = MQ_LOG_WARN;
	else if (!strcasecmp(s, "error"))
		*out = MQ_LOG_ERROR;
	else
		return -1;
	return 0;
}

static void begin_line(mq_buf *b, mq_log_level level)
{
	struct timeval tv;
	struct tm tm;
	char ts[32];
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	mq_buf_printf(b, "{\"ts\":\"%s.%03dZ\",\"level\":\"%s\",\"component\":", ts,
		      (int)(tv.tv_usec / 1000), level_names[level]);
	mq_buf_json_string(b, log_component, strlen(log_component));
}

static void end_line(mq_buf *b)
{
	mq_buf_puts(b, "}\n");
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(log_fd, b->data + off, b->len - off);
		if (n <= 0)
			break; /* nowhere left to report a logging failure */
		off += (size_t)n;
	}
	mq_buf_free(b);
}

static void put_field(mq_buf *b, const char *key, const char *value)
{
	mq_buf_printf(b, ",\"%s\":", key);
	mq_buf_json_string(b, value, strlen(value));
}

void mq_log(mq_log_level level, const char *event, const char *fmt, ...)
{
	if (level < log_min)
		return;
	mq_buf line = MQ_BUF_INIT, msg = MQ_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	mq_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	begin_line(&line, level);
	put_field(&line, "event", event);
	put_field(&line, "msg", mq_buf_cstr(&msg));
	mq_buf_free(&msg);
	end_line(&line);
}

void mq_log_request(const char *request_id, const char *method, const char *path, int status,
		    double duration_ms, long db_round_trips, const char *user_id)
{
	mq_log_level level = status >= 500 ? MQ_LOG_WARN : MQ_LOG_INFO;
	if (level < log_min)
		return;
	mq_buf line = MQ_BUF_INIT;
	begin_line(&line, level);
	put_field(&line, "event", "request");
	put_field(&line, "request_id", request_id ? request_id : "");
	put_field(&line, "method", method ? method : "");
	put_field(&line, "path", path ? path : "");
	mq_buf_printf(&line, ",\"status\":%d,\"duration_ms\":%.3f", status, duration_ms);
	if (db_round_trips >= 0)
		mq_buf_printf(&line, ",\"db\":%ld", db_round_trips);
	if (user_id)
		put_field(&line, "user_id", user_id);
	end_line(&line);
}

mq_errtext mq_strerror(int err)
{
	mq_errtext t;
	/* the GNU strerror_r: returns a static string or fills t.s, never a shared buffer */
	const char *text = strerror_r(err, t.s, sizeof t.s);
	if (text != t.s)
		snprintf(t.s, sizeof t.s, "%s", text);
	return t;
}
