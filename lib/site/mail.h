/* mail.h — sending the site's e-mail (password reset links) through the configured transport:
 * a sendmail-compatible command (MAIL_SENDMAIL, run with posix_spawn and a pipe: no shell, no
 * popen in a threaded worker) or an SMTP server through libcurl (MAIL_SMTP_URL, with
 * MAIL_SMTP_USER and MAIL_SMTP_PASSWORD when set). MAIL_FROM is the sender.
 *
 * Threads: any thread may send; each send uses its own handle or child process.
 */
#ifndef MQ_MAIL_H
#define MQ_MAIL_H

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

/* Whether a transport is configured. */
int mq_mail_configured(const mq_config *cfg);

/* The message as sent: RFC 5322 headers (From, To, Subject encoded as RFC 2047 UTF-8, Date,
 * Message-ID, MIME) and the UTF-8 text in base64, appended to out. to must be an address
 * validated by mq_valid_email (no CR, LF or angle brackets). */
void mq_mail_format(const mq_config *cfg, const char *to, const char *subject, const char *text, mq_buf *out);

/* Sends text to one address. MQ_OK once the transport accepted it; MQ_EUNAVAIL when no
 * transport is configured or it refused or failed (logged without the message: it may hold a
 * secret link). */
mq_err mq_mail_send(const mq_config *cfg, const char *to, const char *subject, const char *text);

#endif
