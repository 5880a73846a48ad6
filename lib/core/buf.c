/* buf.c — growable buffer and per-context escapers. */
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mq_buf_init(mq_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void mq_buf_free(mq_buf *b)
{
	if (!b)
		return;
	free(b->data);
	mq_buf_init(b);
}

void mq_buf_reset(mq_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void mq_buf_reserve(mq_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	b->data = mq_xrealloc(b->data, cap);
	b->cap = cap;
}

void mq_buf_append(mq_buf *b, const void *data, size_t n)
{
	mq_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void mq_buf_puts(mq_buf *b, const char *s)
{
	mq_buf_append(b, s, strlen(s));
}

void mq_buf_putc(mq_buf *b, char c)
{
	mq_buf_append(b, &c, 1);
}

void mq_buf_vprintf(mq_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	mq_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void mq_buf_printf(mq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mq_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *mq_buf_cstr(const mq_buf *b)
{
	return b->data ? b->data : "";
}

char *mq_buf_steal(mq_buf *b)
{
	char *s = b->data ? b->data : mq_xstrdup("");
	mq_buf_init(b);
	return s;
}

void mq_buf_html(mq_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': mq_buf_puts(b, "&amp;"); break;
		case '<': mq_buf_puts(b, "&lt;"); break;
		case '>': mq_buf_puts(b, "&gt;"); break;
		case '"': mq_buf_puts(b, "&quot;"); break;
		case '\'': mq_buf_puts(b, "&#39;"); break;
		case '`': mq_buf_puts(b, "&#96;"); break;
		case '=': mq_buf_puts(b, "&#61;"); break;
		default: mq_buf_putc(b, s[i]);
		}
	}
}

void mq_buf_json_string(mq_buf *b, const char *s, size_t n)
{
	mq_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': mq_buf_puts(b, "\\\""); break;
		case '\\': mq_buf_puts(b, "\\\\"); break;
		case '\n': mq_buf_puts(b, "\\n"); break;
		case '\r': mq_buf_puts(b, "\\r"); break;
		case '\t': mq_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				mq_buf_printf(b, "\\u%04x", c);
			else
				mq_buf_putc(b, (char)c);
		}
	}
	mq_buf_putc(b, '"');
}

void mq_buf_url_component(mq_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			mq_buf_putc(b, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };
			mq_buf_append(b, enc, 3);
		}
	}
}

int mq_buf_read_file(mq_buf *b, const char *path, size_t max, mq_buf *err)
{
	enum { CHUNK = 64 * 1024 };
	int rc = -1;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err)
			mq_buf_printf(err, "%s: %s", path, mq_strerror(errno).s);
		return -1;
	}
	size_t start = b->len;
	for (;;) {
		mq_buf_reserve(b, CHUNK);
		size_t got = fread(b->data + b->len, 1, CHUNK, f);
		b->len += got;
		b->data[b->len] = '\0';
		if (b->len - start > max) {
			if (err)
				mq_buf_printf(err, "%s: larger than %zu bytes", path, max);
			goto out;
		}
		if (got < CHUNK)
			break;
	}
	if (ferror(f)) {
		if (err)
			mq_buf_printf(err, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
