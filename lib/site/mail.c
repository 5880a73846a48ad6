/* mail.c — the site's e-mail through sendmail or SMTP (see mail.h). */
#include "site/mail.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Arguments of MAIL_SENDMAIL: words split on spaces, no quoting (a path with spaces is not
 * supported; nothing goes through a shell). */
#define SENDMAIL_MAX_ARGS 16

int mq_mail_configured(const mq_config *cfg)
{
	return cfg && (cfg->mail_sendmail || cfg->mail_smtp_url);
}

/* Appends len bytes of in as base64, in lines of 76 characters. */
static void put_base64(mq_buf *out, const unsigned char *in, size_t len, int wrap)
{
	unsigned char block[4 * 57 / 3 + 1];
	for (size_t off = 0; off < len; off += 57) {
		size_t n = len - off < 57 ? len - off : 57;
		int k = EVP_EncodeBlock(block, in + off, (int)n);
		mq_buf_append(out, block, (size_t)k);
		if (wrap)
			mq_buf_puts(out, "\r\n");
	}
}

/* A header value: as is when it is printable ASCII, else an RFC 2047 encoded word. */
static void put_header_text(mq_buf *out, const char *text)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ascii &= *p >= 0x20 && *p < 0x7f;
	if (ascii) {
		mq_buf_puts(out, text);
		return;
	}
	mq_buf_puts(out, "=?UTF-8?B?");
	put_base64(out, (const unsigned char *)text, strlen(text), 0);
	mq_buf_puts(out, "?=");
}

void mq_mail_format(const mq_config *cfg, const char *to, const char *subject, const char *text, mq_buf *out)
{
	char date[64], id[33];
	struct tm tm;
	time_t now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char r[16];
	if (RAND_bytes(r, sizeof r) != 1)
		mq_oom();
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
	const char *domain = strchr(cfg->mail_from, '@') + 1;
	mq_buf_printf(out, "From: %s\r\nTo: %s\r\nSubject: ", cfg->mail_from, to);
	put_header_text(out, subject);
	mq_buf_printf(out, "\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
		      "Auto-Submitted: auto-generated\r\n\r\n", date, id, domain);
	put_base64(out, (const unsigned char *)text, strlen(text), 1);
}

/* ---- sendmail: the command with the message on its standard input ---- */

/* Writes msg to the pipe fd. A command that exits before reading it all is an EPIPE here, never
 * a SIGPIPE: the signal is blocked in this thread meanwhile and a pending one taken back, so
 * the process's own disposition (the workers ignore it) does not matter. */
static void write_all(int fd, const mq_buf *msg)
{
	sigset_t pipe_only, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int was_pending = 0, broken = 0;
	sigset_t pending;
	if (sigpending(&pending) == 0)
		was_pending = sigismember(&pending, SIGPIPE);
	for (size_t off = 0; off < msg->len;) {
		ssize_t n = write(fd, msg->data + off, msg->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			broken = n < 0 && errno == EPIPE;
			break;
		}
		off += (size_t)n;
	}
	if (broken && !was_pending) {
		const struct timespec now = { 0, 0 };
		while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static mq_err send_sendmail(const mq_config *cfg, const mq_buf *msg)
{
	char *line = mq_xstrdup(cfg->mail_sendmail), *save = NULL;
	char *argv[SENDMAIL_MAX_ARGS + 1];
	int argc = 0;
	for (char *w = strtok_r(line, " ", &save); w && argc < SENDMAIL_MAX_ARGS; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	int fds[2] = { -1, -1 }, status = 0;
	pid_t pid = -1;
	mq_err rc = MQ_EUNAVAIL;
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	if (pipe2(fds, O_CLOEXEC)) {
		mq_log(MQ_LOG_ERROR, "mail", "sendmail: no pipe (errno %d)", errno);
		goto out;
	}
	posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
	int err = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
	close(fds[0]);
	if (err) {
		mq_log(MQ_LOG_ERROR, "mail", "sendmail: cannot run %s (errno %d)", argv[0], err);
		pid = -1;
		goto out;
	}
	write_all(fds[1], msg);
	close(fds[1]);
	fds[1] = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = MQ_OK;
	else
		mq_log(MQ_LOG_ERROR, "mail", "sendmail: %s exited with status %d", argv[0],
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
out:
	if (fds[1] >= 0)
		close(fds[1]);
	posix_spawn_file_actions_destroy(&actions);
	free(line);
	return rc;
}

/* ---- SMTP through libcurl ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct upload {
	const mq_buf *msg;
	size_t off;
} upload;

static size_t read_message(char *dst, size_t size, size_t n, void *arg)
{
	upload *u = arg;
	size_t left = u->msg->len - u->off, room = size * n;
	size_t k = left < room ? left : room;
	memcpy(dst, u->msg->data + u->off, k);
	u->off += k;
	return k;
}

static mq_err send_smtp(const mq_config *cfg, const char *to, const mq_buf *msg)
{
	pthread_once(&curl_once, curl_start);
	CURL *curl = curl_easy_init();
	if (!curl)
		return MQ_EUNAVAIL;
	char from[300], rcpt[300];
	snprintf(from, sizeof from, "<%s>", cfg->mail_from);
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	upload u = { msg, 0 };
	curl_easy_setopt(curl, CURLOPT_URL, cfg->mail_smtp_url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (cfg->mail_smtp_user)
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->mail_smtp_user);
	if (cfg->mail_smtp_password)
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->mail_smtp_password);
	CURLcode res = curl_easy_perform(curl);
	if (res != CURLE_OK)
		mq_log(MQ_LOG_ERROR, "mail", "SMTP: %s", curl_easy_strerror(res));
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	return res == CURLE_OK ? MQ_OK : MQ_EUNAVAIL;
}

mq_err mq_mail_send(const mq_config *cfg, const char *to, const char *subject, const char *text)
{
	if (!mq_mail_configured(cfg)) {
		mq_log(MQ_LOG_WARN, "mail", "no mail transport is configured (MAIL_SENDMAIL or MAIL_SMTP_URL): a message was not sent");
		return MQ_EUNAVAIL;
	}
	if (strpbrk(to, "\r\n<>") || strlen(to) > 254)
		return MQ_EINVAL;
	mq_buf msg = MQ_BUF_INIT;
	mq_mail_format(cfg, to, subject, text, &msg);
	mq_err rc = cfg->mail_sendmail ? send_sendmail(cfg, &msg) : send_smtp(cfg, to, &msg);
	explicit_bzero(msg.data, msg.len);
	mq_buf_free(&msg);
	return rc;
}
