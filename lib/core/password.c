/* password.c — bcrypt via libcrypt (see password.h). */
#include "core/password.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

mq_err mq_password_hash(const char *password, int cost, mq_buf *out)
{
	size_t len = strlen(password);
	if (len < MQ_PASSWORD_MIN || len > MQ_PASSWORD_MAX)
		return MQ_EINVAL;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	memset(&data, 0, sizeof data);
	/* NULL random bytes: libcrypt reads them from the kernel */
	if (!crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, setting, sizeof setting))
		return MQ_EINTERNAL;
	const char *hash = crypt_rn(password, setting, &data, sizeof data);
	if (!hash || hash[0] != '$') {
		explicit_bzero(&data, sizeof data);
		return MQ_EINTERNAL;
	}
	mq_buf_puts(out, hash);
	explicit_bzero(&data, sizeof data);
	return MQ_OK;
}

int mq_password_verify(const char *password, const char *hash, int cost)
{
	char dummy[64];
	struct crypt_data data;
	memset(&data, 0, sizeof data);
	int real = hash && !strncmp(hash, "$2b$", 4) && strlen(hash) == 60;
	if (!real) {
		/* a fixed, valid setting: 22 salt characters, never matches anything */
		snprintf(dummy, sizeof dummy, "$2b$%02d$abcdefghijklmnopqrstuu", cost < 4 ? 4 : cost > 31 ? 31 : cost);
		hash = dummy;
	}
	const char *got = crypt_rn(password, hash, &data, sizeof data);
	int ok = real && got && strlen(got) == strlen(hash) && CRYPTO_memcmp(got, hash, strlen(hash)) == 0;
	explicit_bzero(&data, sizeof data);
	return ok;
}
