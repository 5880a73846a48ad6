/* multipart.c — fuzzes multipart/form-data: the first line is the Content-Type header (whose
 * boundary is taken), the rest the body. */
#include "core/arena.h"
#include "core/multipart.h"
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *eol = memchr(text, '\n', size);
	if (!eol)
		return 0;
	mq_arena *arena = mq_arena_new();
	char *header = mq_arena_strndup(arena, text, (size_t)(eol - text));
	const char *boundary = mq_multipart_boundary(arena, header);
	if (boundary) {
		mq_part parts[16];
		size_t n = sizeof parts / sizeof parts[0];
		if (mq_multipart_parse(arena, boundary, eol + 1, size - (size_t)(eol - text) - 1, parts, &n) == MQ_OK)
			(void)mq_multipart_find(parts, n, "_csrf");
	}
	mq_arena_free(arena);
	return 0;
}
