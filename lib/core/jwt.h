/* jwt.h — HS256 JSON Web Tokens with OpenSSL (RFC 7519, checked against RFC 8725).
 *
 * Only headers {"alg":"HS256"} with an optional "typ":"JWT" are accepted: "none", other algorithms and any
 * kid/jku/jwk/x5u/x5c/crit header are refused, never fetched. The signature is compared in
 * constant time before the payload is parsed; then exp, nbf and iat (with a small leeway), then
 * iss, aud and the payload's typ.
 */
#ifndef MQ_JWT_H
#define MQ_JWT_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>

#define MQ_JWT_ISSUER "marquee"
#define MQ_JWT_AUDIENCE "marquee"
#define MQ_JWT_LEEWAY 30       /* seconds of clock skew tolerated */
#define MQ_JWT_MAX_LEN 4096

typedef struct mq_jwt_claims {
	char sub[32];          /* user id (24 hex) */
	char role[16];         /* "user" | "admin" */
	char jti[40];
	char typ[12];          /* "access" (the only kind the API accepts as a credential) */
	long long iat, nbf, exp;
	long long tv;          /* the user's token_version when issued; bumping it revokes */
} mq_jwt_claims;

/* Signs claims (iss/aud/typ added) with key; appends the compact token to out. */
void mq_jwt_sign(const mq_jwt_claims *claims, const void *key, size_t keylen, mq_buf *out);

/* Verifies token at time now. MQ_OK fills *out; every failure is MQ_EUNAUTH (reason, when
 * reason is not NULL, is a static string for logs — never shown to clients). */
mq_err mq_jwt_verify(const char *token, const void *key, size_t keylen, long long now,
		     mq_jwt_claims *out, const char **reason);

/* base64url without padding (RFC 4648 §5). decode returns the length or -1 on bad input;
 * out must hold at least 3 * n / 4 + 3 bytes. */
void mq_base64url_encode(const unsigned char *in, size_t n, mq_buf *out);
long mq_base64url_decode(const char *in, size_t n, unsigned char *out);

#endif
