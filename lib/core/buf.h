/* buf.h — a growable byte buffer, always NUL-terminated, plus the escapers that write into it.
 *
 * One escaper per output context (as cgit's html.c): HTML text and attributes, JSON strings, URL
 * components. Templates and the response writer call these; nothing formats escaped text by hand.
 */
#ifndef MQ_BUF_H
#define MQ_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mq_buf {
	char *data;   /* owned; NUL-terminated whenever len > 0 or after any append */
	size_t len;
	size_t cap;
} mq_buf;

#define MQ_BUF_INIT { NULL, 0, 0 }

void mq_buf_init(mq_buf *b);
void mq_buf_free(mq_buf *b);           /* accepts a zeroed or freed buffer */
void mq_buf_reset(mq_buf *b);          /* keeps the allocation, empties the content */
void mq_buf_reserve(mq_buf *b, size_t extra);
void mq_buf_append(mq_buf *b, const void *data, size_t n);
void mq_buf_puts(mq_buf *b, const char *s);
void mq_buf_putc(mq_buf *b, char c);
void mq_buf_printf(mq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mq_buf_vprintf(mq_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the content ("" when empty); the buffer still owns it. */
const char *mq_buf_cstr(const mq_buf *b);
/* Hands the content to the caller (free() it) and leaves the buffer empty. */
char *mq_buf_steal(mq_buf *b);

/* Appends the whole file at path to b. Returns 0, or -1 with "path: problem" appended to err
 * (err may be NULL) when it cannot be read or holds more than max bytes. */
int mq_buf_read_file(mq_buf *b, const char *path, size_t max, mq_buf *err);

/* HTML text and double-quoted attribute values: & < > " ' ` = escaped. */
void mq_buf_html(mq_buf *b, const char *s, size_t n);
/* A JSON string literal including the quotes; control characters as \u00XX. */
void mq_buf_json_string(mq_buf *b, const char *s, size_t n);
/* RFC 3986 percent-encoding of everything but unreserved characters. */
void mq_buf_url_component(mq_buf *b, const char *s, size_t n);

#endif
