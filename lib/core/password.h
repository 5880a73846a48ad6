/* password.h — bcrypt password hashing through libcrypt (crypt_rn with "$2b$" settings).
 * Passwords are 8–72 bytes: bcrypt reads at most 72, so a longer one would be silently cut. */
#ifndef MQ_PASSWORD_H
#define MQ_PASSWORD_H

#include "core/buf.h"
#include "core/err.h"

#define MQ_PASSWORD_MIN 8
#define MQ_PASSWORD_MAX 72

/* Hashes password with a fresh random salt at cost; the "$2b$…" string is appended to out.
 * MQ_EINVAL for a password outside 8–72 bytes, MQ_EINTERNAL when libcrypt fails. */
mq_err mq_password_hash(const char *password, int cost, mq_buf *out);

/* Whether password matches hash (constant-time comparison). A NULL or malformed hash is checked
 * against a dummy hash of the same cost, so an unknown account takes as long as a wrong password. */
int mq_password_verify(const char *password, const char *hash, int cost);

#endif
