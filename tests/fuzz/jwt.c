/* jwt.c — fuzzes JWT verification (and base64url decoding) with a fixed key; a token the fuzzer
 * forges that verifies would be a finding, so it aborts. */
#include "core/jwt.h"
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char key[] = "fuzzing key, 32 bytes at least!!";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = malloc(size + 1);
	memcpy(token, data, size);
	token[size] = '\0';
	mq_jwt_claims claims;
	const char *reason = NULL;
	if (mq_jwt_verify(token, key, sizeof key - 1, 1700000000, &claims, &reason) == MQ_OK)
		abort(); /* a token signed without the key */
	unsigned char *raw = malloc(3 * size / 4 + 3);
	(void)mq_base64url_decode(token, size, raw);
	free(raw);
	free(token);
	return 0;
}
