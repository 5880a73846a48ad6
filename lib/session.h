/* session.h — refresh tokens and revocation (the refresh_tokens collection, DESIGN §5, §9).
 *
 * A refresh token is 32 random bytes in base64url, given to the client once and stored only as
 * its SHA-256. Each use rotates it: the presented token is marked revoked and a successor in the
 * same family is issued. Presenting a token that was already rotated means it leaked: the whole
 * family is revoked and the caller gets 401. Access tokens (JWTs) carry the user's token_version;
 * logout bumps it, so every access token issued before stops working at once.
 */
#ifndef MQ_SESSION_H
#define MQ_SESSION_H

#include "db.h"
#include "http.h"

#define MQ_REFRESH_TTL (30L * 86400)
#define MQ_REFRESH_COOKIE "mq_refresh"

/* Issues a refresh token for user_id in family (NULL: starts a new family). *token (caller
 * frees) is the opaque value to hand out; *expires its expiry (Unix seconds). */
mq_err mq_refresh_issue(mq_db *db, const char *user_id, const char *family, char **token,
			long long *expires);

/* Rotates token: MQ_OK gives the successor in *token_out (caller frees), its expiry and the
 * owner's id in user_id. MQ_EUNAUTH for an unknown, expired or already rotated token (the last
 * also revokes the family). */
mq_err mq_refresh_rotate(mq_db *db, const char *token, char **token_out, long long *expires,
			 char user_id[25]);

/* Revokes the family token belongs to (logout on this device). Unknown tokens are fine. */
mq_err mq_refresh_revoke_family(mq_db *db, const char *token);

/* Logout everywhere: bumps token_version, revoking every access token of the user. */
mq_err mq_session_revoke_all(mq_db *db, const char *user_id);

/* The CSRF token of a browser session: base64url(HMAC-SHA256(secret, "csrf:" + session id)),
 * 43 characters into out. Signed and bound to the session (the access token's jti), so it needs
 * no storage and a token from another session never passes. */
void mq_csrf_token(const char *secret, const char *session_id, char out[44]);

/* Checks an authenticated caller against the database: the user exists and the token's
 * token_version is current. Sets the user's current role (a demotion applies at once).
 * MQ_EUNAUTH when revoked or gone; MQ_EUNAVAIL and friends on database trouble. */
mq_err mq_session_check(mq_db *db, mq_req *req);

#endif
