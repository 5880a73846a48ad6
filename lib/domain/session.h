/* session.h — sessions, refresh tokens and revocation (the refresh_tokens and revocations
 * collections).
 *
 * A refresh token is 32 random bytes in base64url, given to the client once and stored only as
 * its SHA-256 with its owner, its family (every token descended from one login) and the session
 * version it was issued at. Access tokens (JWTs) carry the session version too (claim "tv").
 *
 * Every revocation is an inserted document whose _id names what it revokes, so the database's
 * unique _id decides every race, on MongoDB as on servers whose updates are a find then a write
 * (FerretDB): no step relies on findAndModify or on an update being atomic.
 *   revocations "token:<hash>"   the refresh token was used. Inserting it is how a rotation
 *                                claims the token: of two simultaneous rotations exactly one
 *                                insert succeeds; the other is a reuse, which revokes the family.
 *   revocations "family:<id>"    every refresh token of that family is revoked (reuse detected).
 *   logouts "<user id>:<v>"      every session of the user at a version below v is revoked.
 * A session at version v is live while logout "<id>:<v+1>" does not exist; users.token_version
 * is only a hint of the current version (a session below it is refused too). Refresh tokens are
 * stored with _id = their hash. Facts are purged a day after the longest a token they concern
 * can live (mq_session_purge).
 */
#ifndef MQ_SESSION_H
#define MQ_SESSION_H

#include "core/config.h"
#include "store/db.h"
#include "web/http.h"

#include <cjson/cJSON.h>

#define MQ_REFRESH_TTL (30L * 86400)
#define MQ_SESSION_COOKIE "mq_session"
#define MQ_REFRESH_COOKIE "mq_refresh"
#define MQ_CSRF_COOKIE "mq_csrf"
#define MQ_PRESESSION_COOKIE "mq_presession"
#define MQ_ENDED_COOKIE "mq_ended"       /* "your session ended": for the next page (below) */

/* A new opaque token: 32 random bytes in base64url, 43 characters (caller frees). */
char *mq_token_new(void);

/* The SHA-256 of token as 64 hex characters: what the database stores of a token. */
void mq_token_hash(const char *token, char out[65]);

/* Issues the access token of user_id's session at version: adds token, token_type, expires_in,
 * expires_at (ISO 8601) and the session's csrf_token to out; the token is also returned in
 * *token (caller frees). */
void mq_session_issue(const mq_config *cfg, const char *user_id, const char *role, long long version,
		      cJSON *out, char **token);

/* The version a new session of user_id starts at: hint (the user's token_version) moved past
 * every recorded logout, into *version. */
mq_err mq_session_version(mq_db *db, const char *user_id, long long hint, long long *version);

/* Issues a refresh token for user_id's session at version in family (NULL: starts a new one).
 * *token (caller frees) is the opaque value to hand out; *expires its expiry (Unix seconds). */
mq_err mq_refresh_issue(mq_db *db, const char *user_id, long long version, const char *family,
			char **token, long long *expires);

/* Rotates token: MQ_OK gives the successor in *token_out (caller frees), its expiry, the owner's
 * id in user_id and the session version its access token must carry. MQ_EUNAUTH for an unknown,
 * expired, revoked or already used token (the last also revokes the family). */
mq_err mq_refresh_rotate(mq_db *db, const char *token, char **token_out, long long *expires,
			 char user_id[25], long long *version);

/* The owner and session version of a live refresh token (logout with only a refresh token):
 * MQ_OK, or MQ_EUNAUTH when it is not live. */
mq_err mq_refresh_owner(mq_db *db, const char *token, char user_id[25], long long *version);

/* Logout everywhere: revokes every session of user_id at version or below (access and refresh
 * tokens, every device). Idempotent; a concurrent logout is fine. */
mq_err mq_session_revoke_all(mq_db *db, const char *user_id, long long version);

/* Whether the session (user_id at version) is live: the user exists and no logout revoked it.
 * MQ_OK sets *role (arena-allocated in arena when arena is not NULL). MQ_EUNAUTH when revoked
 * or gone; MQ_EUNAVAIL and friends on database trouble. */
mq_err mq_session_live(mq_db *db, const char *user_id, long long version, mq_arena *arena, const char **role);

/* Deletes the refresh tokens, revocations, logouts and password reset tokens that have expired (marquee-sync
 * purge-cache); *removed counts them. */
mq_err mq_session_purge(mq_db *db, long long *removed);

/* The CSRF token of a browser session: base64url(HMAC-SHA256(secret, "csrf:" + session id)),
 * 43 characters into out. Signed and bound to the session (the access token's jti, or the
 * pre-session cookie of a visitor not signed in), so it needs no storage and a token from
 * another session never passes. */
void mq_csrf_token(const char *secret, const char *session_id, char out[44]);

/* The browser session: the JWT in an HttpOnly cookie, the refresh token in another (sent only
 * to the API), and the session's signed CSRF token, readable by the page's scripts, which echo
 * it in X-CSRF-Token (route.c checks it on MQ_CSRF routes). */
void mq_session_cookies_set(mq_req *req, mq_res *res, const char *token, const char *refresh,
			    const char *csrf);

/* Ends the browser session's cookies (logout, or a session revoked elsewhere). */
/* A browser whose session was found ended (logout on another device, expiry) is told so on the
 * next page it is shown, whichever path noticed (a page, an API call, the live stream): mark sets
 * a short-lived cookie; take says whether this page should show the notice (the session ended
 * during this request, or the cookie is there) and clears the cookie. */
void mq_session_ended_mark(mq_req *req, mq_res *res);
int mq_session_ended_take(mq_req *req, mq_res *res);

void mq_session_cookies_clear(mq_req *req, mq_res *res);

/* A visitor not signed in gets a pre-session: a random id in an HttpOnly, SameSite=Lax cookie,
 * to which the login and register forms' CSRF token is bound (another site can neither read
 * the token nor make the browser send the cookie with its cross-site post). */
/* The pre-session id of the request's cookie when it is well-formed, else NULL. */
const char *mq_presession_id(const mq_req *req);

/* The CSRF token for a form shown to a visitor not signed in (arena-allocated); sets the
 * pre-session cookie first when the visitor has none. */
const char *mq_presession_csrf(mq_req *req, mq_res *res);

/* Checks an authenticated caller (req->user) against the database with mq_session_live and
 * sets their current role (a demotion applies at once) and, from the same read of their
 * document, what their audience is made of: date_of_birth, settings.adult_content,
 * settings.region and settings.language (mq_user; the route loop derives req->audience). */
mq_err mq_session_check(mq_db *db, mq_req *req);

#endif
