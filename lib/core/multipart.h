/* multipart.h — multipart/form-data request bodies (RFC 7578), parsed in place.
 *
 * Parts point into the body (which the request owns); names and filenames are copied into the
 * arena. Limits keep hostile input cheap: at most MQ_MULTIPART_MAX_PARTS parts and
 * MQ_MULTIPART_MAX_HEADER bytes of headers per part.
 */
#ifndef MQ_MULTIPART_H
#define MQ_MULTIPART_H

#include "core/arena.h"
#include "core/err.h"

#include <stddef.h>

#define MQ_MULTIPART_MAX_PARTS 8
#define MQ_MULTIPART_MAX_HEADER 1024

typedef struct mq_part {
	const char *name;          /* the form field's name */
	const char *filename;      /* NULL for plain fields */
	const char *content_type;  /* as declared by the client: never trusted for files */
	const char *data;          /* borrowed from the body */
	size_t len;
} mq_part;

/* Extracts the boundary from a Content-Type header ("multipart/form-data; boundary=…", quoted or
 * not) into a (at most 70 characters, RFC 2046). Returns NULL when it is not multipart. */
const char *mq_multipart_boundary(mq_arena *a, const char *content_type);

/* Splits body into parts. MQ_OK, or MQ_EINVAL for anything malformed (missing boundary lines,
 * too many parts, a part without a name, headers too long, no closing delimiter). */
mq_err mq_multipart_parse(mq_arena *a, const char *boundary, const char *body, size_t len,
			  mq_part *parts, size_t *n_parts);

/* The first part called name, or NULL. */
const mq_part *mq_multipart_find(const mq_part *parts, size_t n, const char *name);

#endif
