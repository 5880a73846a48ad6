/* check_jwt.c — unit tests for lib/core/jwt.c: round trip, the RFC 8725 negative list, base64url. */
#include "suites.h"

#include "core/jwt.h"

#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

/* Tokens are checked at a fixed time so payloads can be written as literals. */
#define NOW 1700000000LL
#define KEY "0123456789abcdef0123456789abcdef"
#define SUB "65a1b2c3d4e5f60718293a4b"

#define GOOD_HEADER "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define GOOD_PAYLOAD                                                                        \
	"{\"iss\":\"marquee\",\"aud\":\"marquee\",\"sub\":\"" SUB "\",\"role\":\"user\",\"typ\":\"access\"," \
	"\"iat\":1700000000,\"nbf\":1700000000,\"exp\":1700003600,\"tv\":3}"

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void append_b64(mq_buf *b, const char *s)
{
	mq_base64url_encode((const unsigned char *)s, strlen(s), b);
}

/* header.payload.signature, correctly signed with key: only what the caller chose is wrong. */
static char *make_token(const char *header, const char *payload, const char *key)
{
	mq_buf b = MQ_BUF_INIT;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	append_b64(&b, header);
	mq_buf_putc(&b, '.');
	append_b64(&b, payload);
	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)b.data,
				   b.len, mac, &maclen));
	ck_assert_uint_eq(maclen, 32);
	mq_buf_putc(&b, '.');
	mq_base64url_encode(mac, maclen, &b);
	return mq_buf_steal(&b);
}

static mq_err verify(const char *token, mq_jwt_claims *claims, const char **reason)
{
	return mq_jwt_verify(token, KEY, strlen(KEY), NOW, claims, reason);
}

/* The claims are cleared on failure, so a caller never sees half-verified data. */
static int claims_cleared(const mq_jwt_claims *c)
{
	static const mq_jwt_claims zero;
	return !memcmp(c, &zero, sizeof zero);
}

#define ASSERT_REFUSED(token, what)                                                          \
	do {                                                                                 \
		mq_jwt_claims c_;                                                            \
		const char *reason_ = NULL;                                                  \
		memset(&c_, 0x7f, sizeof c_);                                                \
		mq_err rc_ = verify((token), &c_, &reason_);                                 \
		ck_assert_msg(rc_ == MQ_EUNAUTH, "%s: accepted (rc %d)", (what), (int)rc_); \
		ck_assert_msg(reason_ != NULL, "%s: no reason given", (what));               \
		ck_assert_msg(claims_cleared(&c_), "%s: claims not cleared", (what));         \
	} while (0)

START_TEST(sign_verify_round_trip)
{
	mq_jwt_claims in = { .iat = NOW, .nbf = NOW, .exp = NOW + 3600, .tv = 42 };
	strcpy(in.sub, SUB);
	strcpy(in.role, "admin");
	strcpy(in.jti, "3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c");
	mq_buf tok = MQ_BUF_INIT;
	mq_jwt_sign(&in, KEY, strlen(KEY), &tok);
	mq_jwt_claims out;
	memset(&out, 0x55, sizeof out);
	const char *reason = NULL;
	mq_err rc = verify(mq_buf_cstr(&tok), &out, &reason);
	ck_assert_msg(rc == MQ_OK, "round trip refused: %s", reason ? reason : "?");
	ck_assert_str_eq(out.sub, SUB);
	ck_assert_str_eq(out.role, "admin");
	ck_assert_str_eq(out.jti, in.jti);
	ck_assert_int_eq(out.iat, NOW);
	ck_assert_int_eq(out.nbf, NOW);
	ck_assert_int_eq(out.exp, NOW + 3600);
	ck_assert_int_eq(out.tv, 42);
	/* a compact token: three base64url segments, no padding */
	const char *t = mq_buf_cstr(&tok);
	int dots = 0;
	for (const char *p = t; *p; p++) {
		if (*p == '.')
			dots++;
		else
			ck_assert_msg(strchr(b64chars, *p), "character '%c' in the token", *p);
	}
	ck_assert_int_eq(dots, 2);
	/* the header is exactly the one that is accepted */
	ck_assert_int_eq(strncmp(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37), 0);
	mq_buf_free(&tok);
}
END_TEST

/* No jti, role user; and the reason pointer may be NULL. */
START_TEST(sign_verify_minimal)
{
	mq_jwt_claims in = { .iat = NOW - 10, .exp = NOW + 60 };
	strcpy(in.sub, SUB);
	strcpy(in.role, "user");
	mq_buf tok = MQ_BUF_INIT;
	mq_jwt_sign(&in, KEY, strlen(KEY), &tok);
	mq_jwt_claims out;
	ck_assert_int_eq(mq_jwt_verify(mq_buf_cstr(&tok), KEY, strlen(KEY), NOW, &out, NULL), MQ_OK);
	ck_assert_str_eq(out.role, "user");
	ck_assert_str_eq(out.jti, "");
	ck_assert_int_eq(out.tv, 0);
	mq_buf_free(&tok);
}
END_TEST

/* Signing appends: a token after existing content verifies on its own. */
START_TEST(sign_appends)
{
	mq_jwt_claims in = { .iat = NOW, .nbf = NOW, .exp = NOW + 3600 };
	strcpy(in.sub, SUB);
	strcpy(in.role, "user");
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, "Bearer ");
	mq_jwt_sign(&in, KEY, strlen(KEY), &b);
	mq_jwt_claims out;
	const char *reason = NULL;
	ck_assert_msg(verify(b.data + 7, &out, &reason) == MQ_OK, "refused: %s", reason);
	mq_buf_free(&b);
}
END_TEST

/* A hand-built token with the accepted header and payload verifies: the helper is sound. */
START_TEST(hand_built_token_accepted)
{
	char *t = make_token(GOOD_HEADER, GOOD_PAYLOAD, KEY);
	mq_jwt_claims c;
	const char *reason = NULL;
	ck_assert_msg(verify(t, &c, &reason) == MQ_OK, "refused: %s", reason);
	ck_assert_str_eq(c.sub, SUB);
	ck_assert_int_eq(c.tv, 3);
	free(t);
}
END_TEST

struct claims_case {
	const char *name;
	const char *header;
	const char *payload;
};

#define P_ISS "\"iss\":\"marquee\","
#define P_AUD "\"aud\":\"marquee\","
#define P_SUB "\"sub\":\"" SUB "\","
#define P_ROLE "\"role\":\"user\",\"typ\":\"access\","
#define P_TIMES "\"iat\":1700000000,\"nbf\":1700000000,\"exp\":1700003600"

/* Correctly signed tokens with exactly one property wrong. */
static const struct claims_case refused_cases[] = {
	{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg None", "{\"alg\":\"None\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg HS384", "{\"alg\":\"HS384\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg RS256", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg ES256", "{\"alg\":\"ES256\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg not a string", "{\"alg\":256,\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg missing", "{\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "alg twice, second none", "{\"alg\":\"HS256\",\"alg\":\"none\"}", GOOD_PAYLOAD },
	{ "typ JWS", "{\"alg\":\"HS256\",\"typ\":\"JWS\"}", GOOD_PAYLOAD },
	{ "typ at+jwt", "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", GOOD_PAYLOAD },
	{ "typ not a string", "{\"alg\":\"HS256\",\"typ\":1}", GOOD_PAYLOAD },
	{ "typ twice", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}", GOOD_PAYLOAD },
	{ "kid", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"1\"}", GOOD_PAYLOAD },
	{ "jku", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jku\":\"https://evil.example/k\"}", GOOD_PAYLOAD },
	{ "jwk", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\"}}", GOOD_PAYLOAD },
	{ "x5u", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x5u\":\"https://evil.example/c\"}", GOOD_PAYLOAD },
	{ "x5c", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x5c\":[\"MIIB\"]}", GOOD_PAYLOAD },
	{ "crit", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"]}", GOOD_PAYLOAD },
	{ "cty", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"cty\":\"JWT\"}", GOOD_PAYLOAD },
	{ "kid first", "{\"kid\":\"1\",\"alg\":\"HS256\"}", GOOD_PAYLOAD },
	{ "header array", "[\"HS256\"]", GOOD_PAYLOAD },
	{ "header not JSON", "{\"alg\":\"HS256\"", GOOD_PAYLOAD },
	{ "header empty", "", GOOD_PAYLOAD },
	/* times, at NOW = 1700000000 with a 30 s leeway */
	{ "expired beyond leeway", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1699990000,\"exp\":1699999969}" },
	{ "expired long ago", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1,\"exp\":2}" },
	{ "nbf in the future", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"nbf\":1700000031,\"exp\":1700003600}" },
	{ "iat in the future", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000031,\"exp\":1700003600}" },
	{ "exp missing", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000}" },
	{ "exp a string", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":\"1700003600\"}" },
	{ "exp a fraction", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":1700003600.5}" },
	{ "exp null", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":null}" },
	{ "exp huge", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":1e300}" },
	{ "nbf a string", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"nbf\":\"0\",\"exp\":1700003600}" },
	{ "tv a string", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"tv\":\"3\"}" },
	/* issuer and audience */
	{ "iss wrong", GOOD_HEADER, "{\"iss\":\"evil\"," P_AUD P_SUB P_ROLE P_TIMES "}" },
	{ "iss missing", GOOD_HEADER, "{" P_AUD P_SUB P_ROLE P_TIMES "}" },
	{ "iss not a string", GOOD_HEADER, "{\"iss\":1," P_AUD P_SUB P_ROLE P_TIMES "}" },
	{ "aud wrong", GOOD_HEADER, "{" P_ISS "\"aud\":\"other\"," P_SUB P_ROLE P_TIMES "}" },
	{ "aud missing", GOOD_HEADER, "{" P_ISS P_SUB P_ROLE P_TIMES "}" },
	{ "aud an array", GOOD_HEADER, "{" P_ISS "\"aud\":[\"marquee\"]," P_SUB P_ROLE P_TIMES "}" },
	/* subject and role */
	{ "sub missing", GOOD_HEADER, "{" P_ISS P_AUD P_ROLE P_TIMES "}" },
	{ "sub empty", GOOD_HEADER, "{" P_ISS P_AUD "\"sub\":\"\"," P_ROLE P_TIMES "}" },
	{ "sub a number", GOOD_HEADER, "{" P_ISS P_AUD "\"sub\":12," P_ROLE P_TIMES "}" },
	{ "sub too long", GOOD_HEADER,
	  "{" P_ISS P_AUD "\"sub\":\"0123456789abcdef0123456789abcdef\"," P_ROLE P_TIMES "}" },
	{ "role superuser", GOOD_HEADER, "{" P_ISS P_AUD P_SUB "\"role\":\"superuser\"," P_TIMES "}" },
	{ "role Admin", GOOD_HEADER, "{" P_ISS P_AUD P_SUB "\"role\":\"Admin\"," P_TIMES "}" },
	{ "role empty", GOOD_HEADER, "{" P_ISS P_AUD P_SUB "\"role\":\"\"," P_TIMES "}" },
	{ "role missing", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_TIMES "}" },
	{ "role an array", GOOD_HEADER, "{" P_ISS P_AUD P_SUB "\"role\":[\"admin\"]," P_TIMES "}" },
	{ "jti too long", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"jti\":\"0123456789012345678901234567890123456789\"}" },
	{ "jti a number", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"jti\":5}" },
	/* the payload is not an object */
	{ "payload array", GOOD_HEADER, "[" P_ISS P_AUD P_SUB P_ROLE P_TIMES "]" },
	{ "payload string", GOOD_HEADER, "\"marquee\"" },
	{ "payload number", GOOD_HEADER, "1700003600" },
	{ "payload null", GOOD_HEADER, "null" },
	{ "payload not JSON", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES },
	{ "payload empty", GOOD_HEADER, "" },
};

START_TEST(refused_claims)
{
	const struct claims_case *c = &refused_cases[_i];
	char *t = make_token(c->header, c->payload, KEY);
	ASSERT_REFUSED(t, c->name);
	free(t);
}
END_TEST

/* Times right at the edge of the leeway are still accepted. */
static const struct claims_case accepted_cases[] = {
	{ "iat missing (optional, RFC 7519 4.1.6)", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"exp\":1700003600}" },
	{ "expired within leeway", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1699990000,\"exp\":1699999970}" },
	{ "nbf within leeway", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"nbf\":1700000030,\"exp\":1700003600}" },
	{ "iat within leeway", GOOD_HEADER,
	  "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000030,\"exp\":1700003600}" },
	{ "no nbf", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":1700003600}" },
	{ "admin role", GOOD_HEADER, "{" P_ISS P_AUD P_SUB "\"role\":\"admin\",\"typ\":\"access\"," P_TIMES "}" },
	{ "typ before alg", "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", GOOD_PAYLOAD },
	{ "unknown claim ignored", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"x\":[1]}" },
	{ "exp as 1.7e9", GOOD_HEADER, "{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"exp\":1.7000036e9}" },
};

START_TEST(accepted_claims)
{
	const struct claims_case *c = &accepted_cases[_i];
	char *t = make_token(c->header, c->payload, KEY);
	mq_jwt_claims claims;
	const char *reason = NULL;
	mq_err rc = verify(t, &claims, &reason);
	ck_assert_msg(rc == MQ_OK, "%s: refused (%s)", c->name, reason ? reason : "?");
	free(t);
}
END_TEST

START_TEST(wrong_key)
{
	char *t = make_token(GOOD_HEADER, GOOD_PAYLOAD, "another key, also 32 bytes long!");
	ASSERT_REFUSED(t, "wrong key");
	free(t);
	/* a key that differs only in its last byte */
	t = make_token(GOOD_HEADER, GOOD_PAYLOAD, "0123456789abcdef0123456789abcdeF");
	ASSERT_REFUSED(t, "key differing in one byte");
	free(t);
	/* a key that is a prefix of the right one */
	t = make_token(GOOD_HEADER, GOOD_PAYLOAD, "0123456789abcdef");
	ASSERT_REFUSED(t, "prefix of the key");
	free(t);
}
END_TEST

/* The payload replaced, the signature of the original kept. */
START_TEST(tampered_payload)
{
	static const char *const payloads[] = {
		"{" P_ISS P_AUD P_SUB "\"role\":\"admin\"," P_TIMES ",\"tv\":3}",
		"{" P_ISS P_AUD P_SUB P_ROLE "\"iat\":1700000000,\"nbf\":1700000000,\"exp\":1800000000,\"tv\":3}",
	};
	char *good = make_token(GOOD_HEADER, GOOD_PAYLOAD, KEY);
	const char *sig = strrchr(good, '.');
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		mq_buf b = MQ_BUF_INIT;
		append_b64(&b, GOOD_HEADER);
		mq_buf_putc(&b, '.');
		append_b64(&b, payloads[i]);
		mq_buf_puts(&b, sig);
		ASSERT_REFUSED(mq_buf_cstr(&b), payloads[i]);
		mq_buf_free(&b);
	}
	/* one character of the payload segment flipped */
	char *t = strdup(good);
	char *p = strchr(t, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	ASSERT_REFUSED(t, "one payload character changed");
	free(t);
	free(good);
}
END_TEST

/* alg none with an empty signature, and with a signature. */
START_TEST(alg_none_unsigned)
{
	mq_buf b = MQ_BUF_INIT;
	append_b64(&b, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
	mq_buf_putc(&b, '.');
	append_b64(&b, GOOD_PAYLOAD);
	mq_buf_putc(&b, '.');
	ASSERT_REFUSED(mq_buf_cstr(&b), "alg none, empty signature");
	/* the good signature of the HS256 header is no use with another header */
	char *good = make_token(GOOD_HEADER, GOOD_PAYLOAD, KEY);
	mq_buf_puts(&b, strrchr(good, '.') + 1);
	ASSERT_REFUSED(mq_buf_cstr(&b), "alg none, HS256 signature");
	free(good);
	mq_buf_free(&b);
	/* and the HS256 header with no signature at all */
	b = (mq_buf)MQ_BUF_INIT;
	append_b64(&b, GOOD_HEADER);
	mq_buf_putc(&b, '.');
	append_b64(&b, GOOD_PAYLOAD);
	mq_buf_putc(&b, '.');
	ASSERT_REFUSED(mq_buf_cstr(&b), "HS256, empty signature");
	mq_buf_free(&b);
}
END_TEST

START_TEST(signature_encoding)
{
	char *good = make_token(GOOD_HEADER, GOOD_PAYLOAD, KEY);
	size_t len = strlen(good);
	char *sig = strrchr(good, '.') + 1;
	ck_assert_uint_eq(strlen(sig), 43);
	mq_buf b = MQ_BUF_INIT;

	/* truncated by one character */
	mq_buf_append(&b, good, len - 1);
	ASSERT_REFUSED(mq_buf_cstr(&b), "signature truncated");
	/* extended by one character, and by padding */
	mq_buf_reset(&b);
	mq_buf_puts(&b, good);
	mq_buf_putc(&b, 'A');
	ASSERT_REFUSED(mq_buf_cstr(&b), "signature extended");
	mq_buf_reset(&b);
	mq_buf_puts(&b, good);
	mq_buf_putc(&b, '=');
	ASSERT_REFUSED(mq_buf_cstr(&b), "signature with = padding");
	/* 43 characters whose last carries non-zero leftover bits: same 32 bytes, not canonical */
	const char *last = strchr(b64chars, sig[42]);
	ck_assert_ptr_nonnull(last);
	int v = (int)(last - b64chars);
	ck_assert_msg((v & 3) == 0, "the canonical signature ends with non-zero bits");
	mq_buf_reset(&b);
	mq_buf_append(&b, good, len - 1);
	mq_buf_putc(&b, b64chars[v | 1]);
	ASSERT_REFUSED(mq_buf_cstr(&b), "non-canonical signature (low bit)");
	mq_buf_reset(&b);
	mq_buf_append(&b, good, len - 1);
	mq_buf_putc(&b, b64chars[v | 2]);
	ASSERT_REFUSED(mq_buf_cstr(&b), "non-canonical signature (high leftover bit)");
	/* standard base64 characters instead of base64url */
	mq_buf_reset(&b);
	mq_buf_append(&b, good, len - 43);
	mq_buf_putc(&b, '+');
	mq_buf_append(&b, sig + 1, 42);
	ASSERT_REFUSED(mq_buf_cstr(&b), "'+' in the signature");
	mq_buf_reset(&b);
	mq_buf_append(&b, good, len - 43);
	mq_buf_putc(&b, '/');
	mq_buf_append(&b, sig + 1, 42);
	ASSERT_REFUSED(mq_buf_cstr(&b), "'/' in the signature");
	/* one bit of the signature changed */
	mq_buf_reset(&b);
	mq_buf_append(&b, good, len - 43);
	mq_buf_putc(&b, sig[0] == 'A' ? 'B' : 'A');
	mq_buf_append(&b, sig + 1, 42);
	ASSERT_REFUSED(mq_buf_cstr(&b), "signature altered");
	mq_buf_free(&b);
	free(good);
}
END_TEST

START_TEST(segment_count)
{
	char *good = make_token(GOOD_HEADER, GOOD_PAYLOAD, KEY);
	mq_buf b = MQ_BUF_INIT;
	/* two segments: header.payload */
	mq_buf_append(&b, good, (size_t)(strrchr(good, '.') - good));
	ASSERT_REFUSED(mq_buf_cstr(&b), "2 segments");
	/* four segments */
	mq_buf_reset(&b);
	mq_buf_puts(&b, good);
	mq_buf_puts(&b, ".AAAA");
	ASSERT_REFUSED(mq_buf_cstr(&b), "4 segments");
	mq_buf_reset(&b);
	mq_buf_puts(&b, good);
	mq_buf_putc(&b, '.');
	ASSERT_REFUSED(mq_buf_cstr(&b), "trailing dot");
	/* one segment, empty, NULL */
	ASSERT_REFUSED("eyJhbGciOiJIUzI1NiJ9", "1 segment");
	ASSERT_REFUSED("", "empty token");
	ASSERT_REFUSED("..", "empty segments");
	ASSERT_REFUSED(NULL, "NULL token");
	/* whitespace around an otherwise good token */
	mq_buf_reset(&b);
	mq_buf_putc(&b, ' ');
	mq_buf_puts(&b, good);
	ASSERT_REFUSED(mq_buf_cstr(&b), "leading space");
	mq_buf_free(&b);
	free(good);
}
END_TEST

/* A correctly signed token of exactly len characters, padded with an extra claim. */
static char *token_of_length(size_t len)
{
	for (size_t pad = 0; pad < 5000; pad++) {
		mq_buf p = MQ_BUF_INIT;
		mq_buf_printf(&p, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"pad\":\"%*s\"}", (int)pad, "");
		char *t = make_token(GOOD_HEADER, mq_buf_cstr(&p), KEY);
		mq_buf_free(&p);
		if (strlen(t) == len)
			return t;
		free(t);
	}
	ck_abort_msg("no padding gives a token of %zu characters", len);
	return NULL;
}

START_TEST(token_length_limit)
{
	mq_jwt_claims c;
	const char *reason = NULL;
	char *t = token_of_length(MQ_JWT_MAX_LEN);
	ck_assert_msg(verify(t, &c, &reason) == MQ_OK, "a %d-byte token refused: %s", MQ_JWT_MAX_LEN,
		      reason);
	free(t);
	t = token_of_length(MQ_JWT_MAX_LEN + 1);
	ASSERT_REFUSED(t, "token over 4096 bytes");
	free(t);
	/* far over the limit */
	mq_buf p = MQ_BUF_INIT;
	mq_buf_printf(&p, "{" P_ISS P_AUD P_SUB P_ROLE P_TIMES ",\"pad\":\"%*s\"}", 15000, "");
	t = make_token(GOOD_HEADER, mq_buf_cstr(&p), KEY);
	ck_assert_uint_gt(strlen(t), 20000);
	ASSERT_REFUSED(t, "20000-byte token");
	free(t);
	mq_buf_free(&p);
}
END_TEST

/* The key is used as bytes: an empty or binary key works for both sides consistently. */
START_TEST(binary_key)
{
	static const unsigned char key[] = { 0, 1, 2, 0xff, 0, 0x80 };
	mq_jwt_claims in = { .iat = NOW, .exp = NOW + 60 };
	strcpy(in.sub, SUB);
	strcpy(in.role, "user");
	mq_buf tok = MQ_BUF_INIT;
	mq_jwt_sign(&in, key, sizeof key, &tok);
	mq_jwt_claims out;
	ck_assert_int_eq(mq_jwt_verify(mq_buf_cstr(&tok), key, sizeof key, NOW, &out, NULL), MQ_OK);
	ck_assert_int_eq(mq_jwt_verify(mq_buf_cstr(&tok), key, 3, NOW, &out, NULL), MQ_EUNAUTH);
	mq_buf_free(&tok);
}
END_TEST

/* Verifying the same token at different times: exp + leeway is the last valid second. */
START_TEST(expiry_boundary)
{
	mq_jwt_claims in = { .iat = NOW, .exp = NOW + 100 };
	strcpy(in.sub, SUB);
	strcpy(in.role, "user");
	mq_buf tok = MQ_BUF_INIT;
	mq_jwt_sign(&in, KEY, strlen(KEY), &tok);
	mq_jwt_claims out;
	const char *t = mq_buf_cstr(&tok);
	ck_assert_int_eq(mq_jwt_verify(t, KEY, strlen(KEY), NOW + 100 + MQ_JWT_LEEWAY, &out, NULL), MQ_OK);
	ck_assert_int_eq(mq_jwt_verify(t, KEY, strlen(KEY), NOW + 101 + MQ_JWT_LEEWAY, &out, NULL),
			 MQ_EUNAUTH);
	ck_assert_int_eq(mq_jwt_verify(t, KEY, strlen(KEY), NOW - MQ_JWT_LEEWAY, &out, NULL), MQ_OK);
	ck_assert_int_eq(mq_jwt_verify(t, KEY, strlen(KEY), NOW - MQ_JWT_LEEWAY - 1, &out, NULL),
			 MQ_EUNAUTH);
	mq_buf_free(&tok);
}
END_TEST

/* RFC 4648 §10 test vectors, in the URL alphabet without padding. */
struct b64_case {
	const char *raw;
	size_t n;
	const char *enc;
};

static const struct b64_case b64_cases[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg" },
	{ "fo", 2, "Zm8" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg" },
	{ "fooba", 5, "Zm9vYmE" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\xfb\xff", 2, "-_8" },
	{ "\xfb\xef\xbe", 3, "----" },
	{ "\xff\xff\xff", 3, "____" },
	{ "\0\0\0", 3, "AAAA" },
	{ "\0", 1, "AA" },
	{ "\x3e\x3f", 2, "Pj8" },
};

START_TEST(base64url_vectors)
{
	const struct b64_case *c = &b64_cases[_i];
	mq_buf b = MQ_BUF_INIT;
	mq_base64url_encode((const unsigned char *)c->raw, c->n, &b);
	ck_assert_msg(!strcmp(mq_buf_cstr(&b), c->enc), "encode(case %d) = \"%s\", expected \"%s\"", _i,
		      mq_buf_cstr(&b), c->enc);
	unsigned char out[16];
	long n = mq_base64url_decode(c->enc, strlen(c->enc), out);
	ck_assert_msg(n == (long)c->n, "decode(\"%s\") = %ld, expected %zu", c->enc, n, c->n);
	ck_assert_mem_eq(out, c->raw, c->n);
	mq_buf_free(&b);
}
END_TEST

/* Every length from 0 to 64 of every byte value round-trips. */
START_TEST(base64url_round_trip)
{
	unsigned char raw[64], dec[64 * 3 / 4 + 64];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof raw; n++) {
		mq_buf b = MQ_BUF_INIT;
		mq_base64url_encode(raw, n, &b);
		ck_assert_uint_eq(b.len, (n * 4 + 2) / 3);
		ck_assert_int_eq(mq_base64url_decode(mq_buf_cstr(&b), b.len, dec), (long)n);
		ck_assert_mem_eq(dec, raw, n);
		mq_buf_free(&b);
	}
}
END_TEST

struct b64_bad {
	const char *s;
	size_t n; /* 0: strlen(s) */
};

static const struct b64_bad b64_invalid[] = {
	/* padding */
	{ "Zg==", 0 }, { "Zg=", 0 }, { "Zm8=", 0 }, { "Zm9vYg==", 0 }, { "=", 0 }, { "====", 0 },
	/* a length of 4k + 1 */
	{ "Z", 0 }, { "Zm9vY", 0 },
	/* characters outside the URL alphabet */
	{ "Zm+v", 0 }, { "Zm/v", 0 }, { "Zm9 v", 0 }, { "Zm9\nv", 0 }, { "Zm.v", 0 }, { "Zm9v!", 0 },
	{ "Zm9\x80", 0 }, { "Z\0g", 3 },
	/* non-zero leftover bits: only one encoding is accepted */
	{ "Zh", 0 }, { "Zm9", 0 }, { "-_9", 0 }, { "AB", 0 },
};

START_TEST(base64url_rejects)
{
	const struct b64_bad *c = &b64_invalid[_i];
	unsigned char out[16];
	long rc = mq_base64url_decode(c->s, c->n ? c->n : strlen(c->s), out);
	ck_assert_msg(rc == -1, "mq_base64url_decode(case %d \"%s\") = %ld, expected -1", _i, c->s, rc);
}
END_TEST

/* RFC 7515 appendix A.1: its example HS256 token verifies with the example key (the failure is
 * the expiry, not the signature) and is refused; with another key the signature fails first. */
START_TEST(rfc7515_a1_example)
{
	static const char token[] =
		"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
		".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
		".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	static const char jwk_k[] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
	unsigned char key[80];
	long keylen = mq_base64url_decode(jwk_k, strlen(jwk_k), key);
	ck_assert_int_eq(keylen, 64);
	mq_jwt_claims out;
	const char *why = NULL;
	ck_assert_int_eq(mq_jwt_verify(token, key, (size_t)keylen, NOW, &out, &why), MQ_EUNAUTH);
	ck_assert_str_eq(why, "expired");
	ck_assert_int_eq(mq_jwt_verify(token, KEY, strlen(KEY), NOW, &out, &why), MQ_EUNAUTH);
	ck_assert_str_eq(why, "bad signature");
}
END_TEST

/* Only access tokens are credentials: a correctly signed token of another typ is refused. */
START_TEST(payload_typ_must_be_access)
{
	static const char *const payloads[] = {
		"{\"iss\":\"marquee\",\"aud\":\"marquee\",\"sub\":\"" SUB "\",\"role\":\"user\",\"typ\":\"refresh\","
		"\"iat\":1700000000,\"exp\":1700003600}",
		"{\"iss\":\"marquee\",\"aud\":\"marquee\",\"sub\":\"" SUB "\",\"role\":\"user\","
		"\"iat\":1700000000,\"exp\":1700003600}",
	};
	for (size_t i = 0; i < 2; i++) {
		char *t = make_token(GOOD_HEADER, payloads[i], KEY);
		mq_jwt_claims out;
		const char *why = NULL;
		ck_assert_int_eq(mq_jwt_verify(t, KEY, strlen(KEY), NOW, &out, &why), MQ_EUNAUTH);
		ck_assert_str_eq(why, "not an access token");
		free(t);
	}
}
END_TEST

/* A 16 KB token is refused before any decoding. */
START_TEST(sixteen_kilobyte_token)
{
	mq_buf b = MQ_BUF_INIT;
	while (b.len < 16 * 1024)
		mq_buf_puts(&b, "eyJhbGciOiJIUzI1NiJ9.");
	mq_jwt_claims out;
	ck_assert_int_eq(mq_jwt_verify(mq_buf_cstr(&b), KEY, strlen(KEY), NOW, &out, NULL), MQ_EUNAUTH);
	mq_buf_free(&b);
}
END_TEST

Suite *jwt_suite(void)
{
	Suite *s = suite_create("jwt");
	TCase *ok = tcase_create("accept");
	TCase *bad = tcase_create("refuse");
	TCase *b64 = tcase_create("base64url");

	tcase_add_test(ok, sign_verify_round_trip);
	tcase_add_test(ok, sign_verify_minimal);
	tcase_add_test(ok, sign_appends);
	tcase_add_test(ok, hand_built_token_accepted);
	tcase_add_loop_test(ok, accepted_claims, 0, N_CASES(accepted_cases));
	tcase_add_test(ok, binary_key);
	tcase_add_test(ok, expiry_boundary);
	suite_add_tcase(s, ok);

	tcase_add_loop_test(bad, refused_claims, 0, N_CASES(refused_cases));
	tcase_add_test(bad, wrong_key);
	tcase_add_test(bad, tampered_payload);
	tcase_add_test(bad, alg_none_unsigned);
	tcase_add_test(bad, signature_encoding);
	tcase_add_test(bad, segment_count);
	tcase_add_test(bad, token_length_limit);
	tcase_add_test(bad, rfc7515_a1_example);
	tcase_add_test(bad, payload_typ_must_be_access);
	tcase_add_test(bad, sixteen_kilobyte_token);
	tcase_set_timeout(bad, 30);
	suite_add_tcase(s, bad);

	tcase_add_loop_test(b64, base64url_vectors, 0, N_CASES(b64_cases));
	tcase_add_test(b64, base64url_round_trip);
	tcase_add_loop_test(b64, base64url_rejects, 0, N_CASES(b64_invalid));
	suite_add_tcase(s, b64);
	return s;
}
