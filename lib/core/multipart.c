/* multipart.c — multipart/form-data parsing (see multipart.h). */
#include "core/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *mq_multipart_boundary(mq_arena *a, const char *ct)
{
	if (!ct || strncasecmp(ct, "multipart/form-data", 19))
		return NULL;
	const char *p = strcasestr(ct, "boundary=");
	if (!p)
		return NULL;
	p += 9;
	size_t n;
	if (*p == '"') {
		p++;
		const char *end = strchr(p, '"');
		if (!end)
			return NULL;
		n = (size_t)(end - p);
	} else {
		n = strcspn(p, "; \t");
	}
	if (n == 0 || n > 70)
		return NULL;
	return mq_arena_strndup(a, p, n);
}

/* The value of param (name= or filename=) in a Content-Disposition header, or NULL. */
static const char *disposition_param(mq_arena *a, const char *h, size_t hlen, const char *param)
{
	size_t plen = strlen(param);
	for (size_t i = 0; i + plen + 1 < hlen; i++) {
		if ((i > 0 && h[i - 1] != ' ' && h[i - 1] != ';') || strncasecmp(h + i, param, plen) ||
		    h[i + plen] != '=')
			continue;
		const char *v = h + i + plen + 1, *end = h + hlen;
		if (v < end && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
			return q ? mq_arena_strndup(a, v + 1, (size_t)(q - v - 1)) : NULL;
		}
		size_t n = 0;
		while (v + n < end && v[n] != ';' && v[n] != '\r')
			n++;
		return mq_arena_strndup(a, v, n);
	}
	return NULL;
}

/* Reads one part's headers (between start and the blank line) into part. */
static int parse_headers(mq_arena *a, const char *h, size_t hlen, mq_part *part)
{
	const char *end = h + hlen;
	while (h < end) {
		const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
		size_t len = eol ? (size_t)(eol - h) : (size_t)(end - h);
		if (len > 20 && !strncasecmp(h, "Content-Disposition:", 20)) {
			if (!memmem(h, len, "form-data", 9))
				return -1;
			part->name = disposition_param(a, h, len, "name");
			part->filename = disposition_param(a, h, len, "filename");
		} else if (len > 13 && !strncasecmp(h, "Content-Type:", 13)) {
			const char *v = h + 13;
			while (v < h + len && *v == ' ')
				v++;
			part->content_type = mq_arena_strndup(a, v, (size_t)(h + len - v));
		}
		h += len + 2;
	}
	return part->name && *part->name ? 0 : -1;
}

mq_err mq_multipart_parse(mq_arena *a, const char *boundary, const char *body, size_t len,
			  mq_part *parts, size_t *n_parts)
{
	char delim[80];
	size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	*n_parts = 0;
	/* the body starts with the first delimiter (without its leading CRLF) */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2))
		return MQ_EINVAL;
	const char *p = body + dlen - 2, *end = body + len;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return *n_parts ? MQ_OK : MQ_EINVAL; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MQ_EINVAL;
		p += 2;
		if (*n_parts == MQ_MULTIPART_MAX_PARTS)
			return MQ_EINVAL;
		size_t window = (size_t)(end - p) < MQ_MULTIPART_MAX_HEADER + 4 ? (size_t)(end - p)
										   : MQ_MULTIPART_MAX_HEADER + 4;
		const char *blank = memmem(p, window, "\r\n\r\n", 4);
		if (!blank)
			return MQ_EINVAL;
		mq_part *part = &parts[*n_parts];
		memset(part, 0, sizeof *part);
		if (parse_headers(a, p, (size_t)(blank - p), part))
			return MQ_EINVAL;
		const char *data = blank + 4;
		const char *next = memmem(data, (size_t)(end - data), delim, dlen);
		if (!next)
			return MQ_EINVAL;
		part->data = data;
		part->len = (size_t)(next - data);
		(*n_parts)++;
		p = next + dlen;
	}
}

const mq_part *mq_multipart_find(const mq_part *parts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(parts[i].name, name))
			return &parts[i];
	return NULL;
}
