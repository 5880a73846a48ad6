/* auth.c — the auth worker: registration, login, refresh-token rotation and logout (JSON API);
 * the pages /login, /register and /logout arrive with the accounts issue's browser part. */
#include "account.h"
#include "ctx.h"
#include "json.h"
#include "password.h"
#include "response.h"
#include "session.h"
#include "valid.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *cookie_secure(const mq_req *req)
{
	return strncmp(mq_ctx_of(req)->cfg->public_url, "https://", 8) ? "" : "; Secure";
}

/* The browser session: the JWT in an HttpOnly cookie, the refresh token in another (sent only
 * to the API), and the session's signed CSRF token, readable by the page's scripts, which echo
 * it in X-CSRF-Token (route.c checks it on MQ_CSRF routes). */
static void set_session_cookies(mq_req *req, mq_res *res, const char *token, const char *refresh,
				const char *csrf)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	const char *secure = cookie_secure(req);
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
				      MQ_SESSION_COOKIE, token, cfg->jwt_ttl, secure));
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/api/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
				      MQ_REFRESH_COOKIE, refresh, MQ_REFRESH_TTL, secure));
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax%s", MQ_CSRF_COOKIE,
				      csrf, cfg->jwt_ttl, secure));
	mq_res_header(req, res, "Cache-Control", "no-store");
}

static void clear_session_cookies(mq_req *req, mq_res *res)
{
	const char *secure = cookie_secure(req);
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", MQ_SESSION_COOKIE, secure));
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/api/; Max-Age=0; HttpOnly; SameSite=Strict%s", MQ_REFRESH_COOKIE, secure));
	mq_res_header(req, res, "Set-Cookie", mq_arena_printf(req->arena, "%s=; Path=/; Max-Age=0; SameSite=Lax%s", MQ_CSRF_COOKIE, secure));
	mq_res_header(req, res, "Cache-Control", "no-store");
}

static void add_time(cJSON *obj, const char *key, long long t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	cJSON_AddStringToObject(obj, key, buf);
}

/* {"data": {"user": …, "token": …, "token_type": "Bearer", "expires_in": …, "expires_at": …,
 *  "refresh_token": …, "refresh_expires_at": …}}; family NULL starts a new refresh family. */
static void reply_session(mq_req *req, mq_res *res, int status, cJSON *user, long long tv,
			  const char *refresh)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	char *token = NULL, *issued = NULL;
	long long refresh_expires = 0;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "id"));
	const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "role"));
	if (!refresh) {
		mq_err rc = mq_refresh_issue(mq_ctx_of(req)->db, id, NULL, &issued, &refresh_expires);
		if (rc != MQ_OK) {
			cJSON_Delete(user);
			mq_reply_err(req, res, rc, NULL);
			return;
		}
		refresh = issued;
	} else {
		refresh_expires = (long long)time(NULL) + MQ_REFRESH_TTL;
	}
	cJSON *data = cJSON_CreateObject();
	mq_session_issue(cfg, id, role ? role : "user", tv, data, &token);
	cJSON_AddStringToObject(data, "refresh_token", refresh);
	add_time(data, "refresh_expires_at", refresh_expires);
	cJSON_AddItemToObject(data, "user", user);
	set_session_cookies(req, res, token, refresh,
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "csrf_token")));
	free(token);
	free(issued);
	mq_reply_data(req, res, status, data);
}

enum { R_EMAIL, R_PASSWORD, R_USERNAME, R_NAME, R_DOB, R_COUNT };
static const mq_field register_fields[R_COUNT] = {
	[R_EMAIL] = { "email", MQ_V_STRING, 1, 3, 254, NULL, NULL },
	[R_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 72, NULL, NULL },
	[R_USERNAME] = { "username", MQ_V_STRING, 0, 3, 30, NULL, NULL },
	[R_NAME] = { "name", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	[R_DOB] = { "date_of_birth", MQ_V_STRING, 0, 10, 10, NULL, NULL },
};

static void post_register(mq_req *req, mq_res *res)
{
	mq_value v[R_COUNT];
	if (mq_body_fields(req, res, register_fields, R_COUNT, v))
		return;
	mq_new_user in = { 0 };
	if (v[R_EMAIL].present) {
		char *email = mq_arena_strdup(req->arena, v[R_EMAIL].s);
		if (!mq_valid_email(email))
			mq_req_error(req, "email must be an e-mail address like name@example.com");
		in.email = email;
	}
	if (v[R_PASSWORD].present) {
		in.password = v[R_PASSWORD].s;
		size_t plen = strlen(in.password);
		if (plen < MQ_PASSWORD_MIN || plen > MQ_PASSWORD_MAX)
			mq_req_error(req, "password must be %d to %d bytes long", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX);
	}
	if (v[R_USERNAME].present && !mq_valid_username(v[R_USERNAME].s))
		mq_req_error(req, "username may contain only letters, digits and '_'");
	in.username = v[R_USERNAME].present ? v[R_USERNAME].s : NULL;
	in.name = v[R_NAME].present ? v[R_NAME].s : NULL;
	if (!in.username && !in.name && !v[R_USERNAME].json && !v[R_NAME].json)
		mq_req_error(req, "username or name is required");
	if (v[R_DOB].present && !mq_valid_date(v[R_DOB].s))
		mq_req_error(req, "date_of_birth must be a past date written YYYY-MM-DD");
	in.date_of_birth = v[R_DOB].present ? v[R_DOB].s : NULL;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *user;
	mq_err rc = mq_account_register(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, &in, &user);
	if (rc == MQ_ECONFLICT) {
		mq_req_error(req, "an account with this e-mail or username already exists");
		mq_reply_err(req, res, rc, "Already registered");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	reply_session(req, res, 201, user, 0, NULL);
}

enum { L_EMAIL, L_PASSWORD, L_COUNT };
static const mq_field login_fields[L_COUNT] = {
	[L_EMAIL] = { "email", MQ_V_STRING, 1, 1, 254, NULL, NULL },
	[L_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
};

static void post_login(mq_req *req, mq_res *res)
{
	mq_value v[L_COUNT];
	if (mq_body_fields(req, res, login_fields, L_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	char *email = mq_arena_strdup(req->arena, v[L_EMAIL].s);
	mq_valid_email(email); /* lower-cases; a malformed address simply matches nobody */
	cJSON *user;
	long long tv;
	mq_err rc = mq_account_login(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, email, v[L_PASSWORD].s, &user, &tv);
	if (rc == MQ_EUNAUTH) {
		mq_reply_status(req, res, 401, "Invalid email or password");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	reply_session(req, res, 200, user, tv, NULL);
}

enum { T_REFRESH, T_COUNT };
static const mq_field refresh_fields[T_COUNT] = {
	[T_REFRESH] = { "refresh_token", MQ_V_STRING, 0, 1, 128, NULL, NULL },
};

/* The refresh token from the body, else from the browser's cookie; NULL after replying. */
static const char *refresh_token_or_reply(mq_req *req, mq_res *res)
{
	mq_value v[T_COUNT] = { { 0 } };
	if (req->body_len && mq_body_fields(req, res, refresh_fields, T_COUNT, v))
		return NULL;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return NULL;
	}
	return v[T_REFRESH].present ? v[T_REFRESH].s : mq_req_cookie(req, MQ_REFRESH_COOKIE);
}

static void post_refresh(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *token = refresh_token_or_reply(req, res);
	if (!token) {
		if (!res->body.len) {
			mq_req_error(req, "send refresh_token in the body (or the mq_refresh cookie)");
			mq_reply_status(req, res, 401, "Refresh token required");
		}
		return;
	}
	char *next = NULL, user_id[25];
	long long expires;
	mq_err rc = mq_refresh_rotate(ctx->db, token, &next, &expires, user_id);
	if (rc == MQ_EUNAUTH) {
		mq_reply_status(req, res, 401, "Refresh token invalid, expired or already used");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *user;
	long long tv;
	rc = mq_account_get(ctx->db, user_id, &user, &tv);
	if (rc != MQ_OK) {
		free(next);
		mq_reply_err(req, res, rc == MQ_ENOTFOUND ? MQ_EUNAUTH : rc, rc == MQ_ENOTFOUND ? "Account no longer exists" : NULL);
		return;
	}
	reply_session(req, res, 200, user, tv, next);
	free(next);
}

/* Revokes this device's refresh family and, for a signed-in caller, every access token
 * (token_version): the session ends everywhere the token was copied. */
static void post_logout(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *token = refresh_token_or_reply(req, res);
	if (!token && res->body.len)
		return;
	if (!token && !req->user) {
		mq_reply_status(req, res, 401, "Nothing to log out: send a session or a refresh token");
		return;
	}
	mq_err rc = token ? mq_refresh_revoke_family(ctx->db, token) : MQ_OK;
	if (rc == MQ_OK && req->user)
		rc = mq_session_revoke_all(ctx->db, req->user->id);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	clear_session_cookies(req, res);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddBoolToObject(data, "logged_out", 1);
	mq_reply_data(req, res, 200, data);
}

static const mq_route routes[] = {
	{ MQ_POST, "/api/v1/auth/register", post_register, 0 },
	{ MQ_POST, "/api/v1/auth/login", post_login, 0 },
	{ MQ_POST, "/api/v1/auth/refresh", post_refresh, 0 },
	{ MQ_POST, "/api/v1/auth/logout", post_logout, MQ_CSRF },
};

const mq_app auth_app = {
	.name = "auth",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(auth_app)
