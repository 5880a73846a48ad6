/* query.c — fuzzes query-string and form decoding, and validation against a field table like
 * the movie list's. */
#include "core/arena.h"
#include "fuzz.h"
#include "web/http.h"
#include "web/valid.h"

static const char *const sorts[] = { "popularity", "rating", "release", "title", NULL };
static const mq_field fields[] = {
	{ "page", MQ_V_INT, 0, 1, 500, NULL, "1" },
	{ "limit", MQ_V_INT, 0, 1, 100, NULL, "20" },
	{ "sort", MQ_V_ENUM, 0, 0, 0, sorts, "popularity" },
	{ "q", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	{ "minRating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL },
	{ "adult", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mq_arena *arena = mq_arena_new();
	mq_kvlist l = { 0 };
	if (mq_form_decode(arena, (const char *)data, size, &l) == 0) {
		mq_req req;
		mq_value out[sizeof fields / sizeof fields[0]];
		mq_req_init(&req, arena, "GET", "/api/v1/movies");
		mq_validate_kvlist(&req, &l, fields, sizeof fields / sizeof fields[0], out);
	}
	mq_arena_free(arena);
	return 0;
}
