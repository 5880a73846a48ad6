/* signin.h — starting a member's session in a reply: the access token, a refresh token and the
 * browser's cookies. The auth worker signs members in with it; the users worker gives the
 * browser a fresh session after a password change (which ends every other one). */
#ifndef MQ_SIGNIN_H
#define MQ_SIGNIN_H

#include "web/http.h"

#include <cjson/cJSON.h>

/* Starts a session for user (public JSON, taken over): tokens, a refresh token (a new family
 * unless refresh continues one) and the cookies, including the user's language and theme for
 * the pages. tv is the session version: for a new session the user's token_version hint, which
 * this moves past every logout; for a refresh, the version the rotated token carried.
 * Returns {"user", "token", "token_type", "expires_in", "expires_at", "csrf_token",
 * "refresh_token", "refresh_expires_at"} (caller owns), or NULL after replying an error. */
cJSON *mq_signin_start(mq_req *req, mq_res *res, cJSON *user, long long tv, const char *refresh);

#endif
