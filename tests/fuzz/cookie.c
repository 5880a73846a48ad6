/* cookie.c — fuzzes the Cookie header parser. */
#include "core/arena.h"
#include "fuzz.h"
#include "web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mq_arena *arena = mq_arena_new();
	mq_kvlist l = { 0 };
	mq_cookie_parse(arena, mq_arena_strndup(arena, (const char *)data, size), &l);
	(void)mq_kvlist_get(&l, "mq_session");
	mq_arena_free(arena);
	return 0;
}
