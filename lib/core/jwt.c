/* jwt.c — HS256 signing and strict verification (see jwt.h). */
#include "core/jwt.h"
#include "core/mem.h"

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <math.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void mq_base64url_encode(const unsigned char *in, size_t n, mq_buf *out)
{
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		char q[4] = { b64url[v >> 18], b64url[(v >> 12) & 63], b64url[(v >> 6) & 63], b64url[v & 63] };
		mq_buf_append(out, q, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		char q[2] = { b64url[v >> 18], b64url[(v >> 12) & 63] };
		mq_buf_append(out, q, 2);
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		char q[3] = { b64url[v >> 18], b64url[(v >> 12) & 63], b64url[(v >> 6) & 63] };
		mq_buf_append(out, q, 3);
	}
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long mq_base64url_decode(const char *in, size_t n, unsigned char *out)
{
	if (n % 4 == 1)
		return -1;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64val(in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* the leftover bits must be zero: one canonical encoding per token */
	if (bits && (acc & ((1u << bits) - 1)))
		return -1;
	return (long)o;
}

static void hmac_sha256(const void *key, size_t keylen, const char *data, size_t n,
			unsigned char mac[32])
{
	unsigned int len = 32;
	if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data, n, mac, &len))
		mq_oom(); /* OpenSSL's one-shot HMAC fails only on allocation */
}

void mq_jwt_sign(const mq_jwt_claims *c, const void *key, size_t keylen, mq_buf *out)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "iss", MQ_JWT_ISSUER);
	cJSON_AddStringToObject(p, "aud", MQ_JWT_AUDIENCE);
	cJSON_AddStringToObject(p, "sub", c->sub);
	cJSON_AddStringToObject(p, "role", c->role);
	cJSON_AddStringToObject(p, "typ", c->typ[0] ? c->typ : "access");
	if (c->jti[0])
		cJSON_AddStringToObject(p, "jti", c->jti);
	cJSON_AddNumberToObject(p, "iat", (double)c->iat);
	cJSON_AddNumberToObject(p, "nbf", (double)c->nbf);
	cJSON_AddNumberToObject(p, "exp", (double)c->exp);
	cJSON_AddNumberToObject(p, "tv", (double)c->tv);
	char *payload = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	if (!payload)
		mq_oom();

	size_t start = out->len;
	mq_base64url_encode((const unsigned char *)header, sizeof header - 1, out);
	mq_buf_putc(out, '.');
	mq_base64url_encode((const unsigned char *)payload, strlen(payload), out);
	cJSON_free(payload);
	unsigned char mac[32];
	hmac_sha256(key, keylen, out->data + start, out->len - start, mac);
	mq_buf_putc(out, '.');
	mq_base64url_encode(mac, sizeof mac, out);
}

static int get_int(const cJSON *obj, const char *name, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9e15)
		return -1;
	*out = (long long)v->valuedouble;
	return 0;
}

static int copy_string(const cJSON *obj, const char *name, char *dst, size_t size, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!v)
		return required ? -1 : 0;
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= size)
		return -1;
	strcpy(dst, v->valuestring);
	return 0;
}

#define FAIL(why)                  \
	do {                       \
		if (reason)        \
			*reason = why; \
		goto out;          \
	} while (0)

mq_err mq_jwt_verify(const char *token, const void *key, size_t keylen, long long now,
		     mq_jwt_claims *out, const char **reason)
{
	mq_err rc = MQ_EUNAUTH;
	cJSON *header = NULL, *payload = NULL;
	unsigned char *raw = NULL;
	memset(out, 0, sizeof *out);

	size_t len = token ? strlen(token) : 0;
	if (len == 0 || len > MQ_JWT_MAX_LEN)
		FAIL("missing or oversized token");
	const char *dot1 = strchr(token, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
		FAIL("not three segments");

	raw = mq_xmalloc(len);
	unsigned char mac[32], given[40];
	/* an HS256 signature is 32 bytes: exactly 43 base64url characters */
	if (strlen(dot2 + 1) != 43 || mq_base64url_decode(dot2 + 1, 43, given) != 32)
		FAIL("bad signature encoding");
	hmac_sha256(key, keylen, token, (size_t)(dot2 - token), mac);
	if (CRYPTO_memcmp(mac, given, 32) != 0)
		FAIL("bad signature");

	long n = mq_base64url_decode(token, (size_t)(dot1 - token), raw);
	if (n < 0 || !(header = cJSON_ParseWithLength((const char *)raw, (size_t)n)) ||
	    !cJSON_IsObject(header))
		FAIL("bad header");
	int fields = 0;
	for (const cJSON *h = header->child; h; h = h->next, fields++) {
		if (!strcmp(h->string, "alg")) {
			if (!cJSON_IsString(h) || strcmp(h->valuestring, "HS256"))
				FAIL("algorithm not allowed");
		} else if (!strcmp(h->string, "typ")) {
			if (!cJSON_IsString(h) || strcmp(h->valuestring, "JWT"))
				FAIL("wrong typ");
		} else {
			FAIL("unexpected header parameter"); /* kid, jku, jwk, x5u, crit, … */
		}
	}
	if (!cJSON_GetObjectItemCaseSensitive(header, "alg") || fields > 2)
		FAIL("bad header");

	n = mq_base64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), raw);
	if (n < 0 || !(payload = cJSON_ParseWithLength((const char *)raw, (size_t)n)) ||
	    !cJSON_IsObject(payload))
		FAIL("bad payload");
	if (get_int(payload, "exp", &out->exp))
		FAIL("exp is required");
	if (cJSON_GetObjectItemCaseSensitive(payload, "iat") && get_int(payload, "iat", &out->iat))
		FAIL("bad iat");
	if (cJSON_GetObjectItemCaseSensitive(payload, "nbf") && get_int(payload, "nbf", &out->nbf))
		FAIL("bad nbf");
	if (now > out->exp + MQ_JWT_LEEWAY)
		FAIL("expired");
	if (out->nbf && now + MQ_JWT_LEEWAY < out->nbf)
		FAIL("not yet valid");
	if (out->iat && now + MQ_JWT_LEEWAY < out->iat)
		FAIL("issued in the future");
	const cJSON *iss = cJSON_GetObjectItemCaseSensitive(payload, "iss");
	const cJSON *aud = cJSON_GetObjectItemCaseSensitive(payload, "aud");
	if (!cJSON_IsString(iss) || strcmp(iss->valuestring, MQ_JWT_ISSUER))
		FAIL("wrong issuer");
	if (!cJSON_IsString(aud) || strcmp(aud->valuestring, MQ_JWT_AUDIENCE))
		FAIL("wrong audience");
	if (copy_string(payload, "typ", out->typ, sizeof out->typ, 1) || strcmp(out->typ, "access"))
		FAIL("not an access token");
	if (cJSON_GetObjectItemCaseSensitive(payload, "tv") && get_int(payload, "tv", &out->tv))
		FAIL("bad tv");
	if (copy_string(payload, "sub", out->sub, sizeof out->sub, 1) || !out->sub[0])
		FAIL("bad subject");
	if (copy_string(payload, "role", out->role, sizeof out->role, 1) ||
	    (strcmp(out->role, "user") && strcmp(out->role, "admin")))
		FAIL("bad role");
	if (copy_string(payload, "jti", out->jti, sizeof out->jti, 0))
		FAIL("bad jti");
	rc = MQ_OK;
out:
	cJSON_Delete(header);
	cJSON_Delete(payload);
	free(raw);
	if (rc != MQ_OK)
		memset(out, 0, sizeof *out);
	return rc;
}
