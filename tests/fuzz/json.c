/* json.c — fuzzes JSON body parsing (size, UTF-8, depth, object) and validation against a field
 * table like a rating's. */
#include "core/arena.h"
#include "fuzz.h"
#include "web/http.h"
#include "web/json.h"
#include "web/valid.h"

static const mq_field fields[] = {
	{ "movie_id", MQ_V_INT, 1, 1, 100000000, NULL, NULL },
	{ "rating", MQ_V_NUMBER, 1, 1, 10, NULL, NULL },
	{ "review", MQ_V_STRING, 0, 0, 2000, NULL, NULL },
	{ "genres", MQ_V_ARRAY, 0, 0, 20, NULL, NULL },
	{ "settings", MQ_V_OBJECT, 0, 0, 0, NULL, NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mq_arena *arena = mq_arena_new();
	mq_req req;
	mq_req_init(&req, arena, "POST", "/api/v1/ratings");
	mq_req_add_param(&req, "CONTENT_TYPE", "application/json");
	mq_req_set_body(&req, (const char *)data, size);
	cJSON *root = NULL;
	if (mq_json_body(&req, &root) == MQ_OK) {
		mq_value out[sizeof fields / sizeof fields[0]];
		mq_validate_object(&req, root, fields, sizeof fields / sizeof fields[0], out);
	}
	mq_arena_free(arena);
	return 0;
}
