/* auth.c — the auth worker: registration, login, refresh-token rotation and logout (JSON API);
 * the pages /login, /register and /logout arrive with the accounts issue's browser part. */
#include "core/password.h"
#include "domain/account.h"
#include "domain/session.h"
#include "site/live.h"
#include "site/page.h"
#include "site/worker.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"
#include "web/valid.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add_time(cJSON *obj, const char *key, long long t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	cJSON_AddStringToObject(obj, key, buf);
}

/* Starts a session for user (taken over): tokens, a refresh token (a new family unless refresh
 * continues one) and the cookies, including the user's language and theme for the pages. tv is
 * the session version: for a new session the user's token_version hint, which this moves past
 * every logout; for a refresh, the version the rotated token carried.
 * Returns {"user", "token", "token_type", "expires_in", "expires_at", "csrf_token",
 * "refresh_token", "refresh_expires_at"} (caller owns), or NULL after replying an error. */
static cJSON *start_session(mq_req *req, mq_res *res, cJSON *user, long long tv, const char *refresh)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	char *token = NULL, *issued = NULL;
	long long refresh_expires = 0;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "id"));
	const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "role"));
	if (!refresh) {
		mq_err rc = mq_session_version(mq_ctx_of(req)->db, id, tv, &tv);
		if (rc == MQ_OK)
			rc = mq_refresh_issue(mq_ctx_of(req)->db, id, tv, NULL, &issued, &refresh_expires);
		if (rc != MQ_OK) {
			cJSON_Delete(user);
			mq_reply_err(req, res, rc, NULL);
			return NULL;
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
	mq_session_cookies_set(req, res, token, refresh,
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "csrf_token")));
	mq_page_settings_cookies(req, res, cJSON_GetObjectItemCaseSensitive(user, "settings"));
	free(token);
	free(issued);
	return data;
}

static void reply_session(mq_req *req, mq_res *res, int status, cJSON *user, long long tv,
			  const char *refresh)
{
	cJSON *data = start_session(req, res, user, tv, refresh);
	if (data)
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

/* Turns checked field values into a new user; every further problem goes to req->errors. */
static void check_registration(mq_req *req, const mq_value *v, mq_new_user *in)
{
	memset(in, 0, sizeof *in);
	if (v[R_EMAIL].present) {
		char *email = mq_arena_strdup(req->arena, v[R_EMAIL].s);
		if (!mq_valid_email(email))
			mq_req_error(req, "email must be an e-mail address like name@example.com");
		in->email = email;
	}
	if (v[R_PASSWORD].present) {
		in->password = v[R_PASSWORD].s;
		size_t plen = strlen(in->password);
		if (plen < MQ_PASSWORD_MIN || plen > MQ_PASSWORD_MAX)
			mq_req_error(req, "password must be %d to %d bytes long", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX);
	}
	if (v[R_USERNAME].present && !mq_valid_username(v[R_USERNAME].s))
		mq_req_error(req, "username may contain only letters, digits and '_'");
	in->username = v[R_USERNAME].present ? v[R_USERNAME].s : NULL;
	in->name = v[R_NAME].present ? v[R_NAME].s : NULL;
	if (!in->username && !in->name && !v[R_USERNAME].json && !v[R_NAME].json)
		mq_req_error(req, "username or name is required");
	if (v[R_DOB].present && !mq_valid_date(v[R_DOB].s))
		mq_req_error(req, "date_of_birth must be a past date written YYYY-MM-DD");
	in->date_of_birth = v[R_DOB].present ? v[R_DOB].s : NULL;
}

/* Creates the account; MQ_ECONFLICT also explains itself in req->errors. */
static mq_err create_account(mq_req *req, const mq_new_user *in, cJSON **user)
{
	mq_err rc = mq_account_register(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, in, user);
	if (rc == MQ_ECONFLICT)
		mq_req_error(req, "email or username: an account with this e-mail or username already exists");
	return rc;
}

static void post_register(mq_req *req, mq_res *res)
{
	mq_value v[R_COUNT];
	mq_new_user in;
	cJSON *user;
	if (mq_body_fields(req, res, register_fields, R_COUNT, v))
		return;
	check_registration(req, v, &in);
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_err rc = create_account(req, &in, &user);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ECONFLICT ? "Already registered" : NULL);
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
	long long expires, tv;
	mq_err rc = mq_refresh_rotate(ctx->db, token, &next, &expires, user_id, &tv);
	if (rc == MQ_EUNAUTH) {
		mq_reply_status(req, res, 401, "Refresh token invalid, expired or already used");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *user;
	rc = mq_account_get(ctx->db, user_id, &user, NULL);
	if (rc != MQ_OK) {
		free(next);
		mq_reply_err(req, res, rc == MQ_ENOTFOUND ? MQ_EUNAUTH : rc, rc == MQ_ENOTFOUND ? "Account no longer exists" : NULL);
		return;
	}
	reply_session(req, res, 200, user, tv, next);
	free(next);
}

/* Logs out everywhere: every session of the user ends, access and refresh tokens on every
 * device, whichever the client sends (a session, a refresh token, or both). */
static mq_err logout_everywhere(mq_req *req, const char *refresh)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char owner[25];
	long long tv;
	mq_err rc = MQ_OK;
	if (req->user)
		rc = mq_session_revoke_all(ctx->db, req->user->id, req->user->token_version);
	if (rc == MQ_OK && req->user)
		mq_live_close(ctx->cfg, req->user->id);
	/* a refresh token alone (its access token expired) names its session too; a dead one
	 * has nothing left to end */
	mq_err own = refresh ? mq_refresh_owner(ctx->db, refresh, owner, &tv) : MQ_EUNAUTH;
	if (rc == MQ_OK && own == MQ_OK)
		rc = mq_session_revoke_all(ctx->db, owner, tv);
	if (rc == MQ_OK && own == MQ_OK)
		mq_live_close(ctx->cfg, owner);
	else if (rc == MQ_OK && own != MQ_EUNAUTH)
		rc = own;
	return rc;
}

static void post_logout(mq_req *req, mq_res *res)
{
	const char *token = refresh_token_or_reply(req, res);
	if (!token && res->body.len)
		return;
	if (!token && !req->user) {
		mq_reply_status(req, res, 401, "Nothing to log out: send a session or a refresh token");
		return;
	}
	mq_err rc = logout_everywhere(req, token);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_session_cookies_clear(req, res);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddBoolToObject(data, "logged_out", 1);
	mq_reply_data(req, res, 200, data);
}

/* ---- pages: the same operations as HTML forms that work without JavaScript ---- */

static const char *const register_names[] = { "email", "password", "username", "name", "date_of_birth", NULL };
static const char *const login_names[] = { "email", "password", NULL };

/* Renders a form page again with the problems next to their fields and the values kept. */
static void form_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		      const char *const *names, const mq_kvlist *values)
{
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "form", mq_page_form(req, names, values));
	if (!req->user) /* the form's token: another site cannot sign the visitor in (route.h) */
		cJSON_AddStringToObject(data, "csrf", mq_presession_csrf(req, res));
	const char *next = values ? mq_kvlist_get(values, "next") : mq_req_query(req, "next");
	if (mq_page_local_path(next))
		cJSON_AddStringToObject(data, "next", next);
	mq_reply_page(req, res, status, name, title, data);
}

static void get_register_page(mq_req *req, mq_res *res)
{
	if (req->user) {
		mq_reply_redirect(req, res, "/me");
		return;
	}
	form_page(req, res, 200, "register", "Create an account", register_names, NULL);
}

static void post_register_page(mq_req *req, mq_res *res)
{
	mq_kvlist form;
	mq_value v[R_COUNT];
	mq_new_user in;
	cJSON *user;
	if (mq_page_form_body(req, &form) == 0) {
		mq_validate_kvlist(req, &form, register_fields, R_COUNT, v);
		check_registration(req, v, &in);
	}
	if (req->errors.n) {
		form_page(req, res, 400, "register", "Create an account", register_names, &form);
		return;
	}
	mq_err rc = create_account(req, &in, &user);
	if (rc != MQ_OK) {
		if (rc != MQ_ECONFLICT)
			mq_req_error(req, "the account could not be created just now; please try again");
		form_page(req, res, mq_err_status(rc), "register", "Create an account", register_names, &form);
		return;
	}
	cJSON_Delete(start_session(req, res, user, 0, NULL));
	if (res->status == 200)
		mq_reply_redirect(req, res, "/me");
}

enum { N_NEXT, N_COUNT };
static const mq_field next_query[N_COUNT] = {
	[N_NEXT] = { "next", MQ_V_STRING, 0, 1, 200, NULL, NULL },
};

/* GET /language/:lang?next=/path (en or fa): the language of this browser's pages, for visitors
 * too, kept in the mq_lang cookie; then back to next (a local path), else home. A member's saved
 * setting is theirs to change on the settings page. */
static void get_language(mq_req *req, mq_res *res)
{
	mq_value v[N_COUNT];
	if (mq_valid_query_or_reply(req, res, next_query, N_COUNT, v))
		return;
	const char *lang = mq_req_route(req, "lang");
	if (strcmp(lang, "en") && strcmp(lang, "fa")) {
		mq_reply_status(req, res, 404, "Not found");
		return;
	}
	cJSON *choice = cJSON_CreateObject();
	cJSON_AddStringToObject(choice, "language", lang);
	mq_page_settings_cookies(req, res, choice);
	cJSON_Delete(choice);
	mq_reply_redirect(req, res, v[N_NEXT].present ? v[N_NEXT].s : "/");
}

static void get_login_page(mq_req *req, mq_res *res)
{
	mq_value v[N_COUNT];
	if (mq_validate_query(req, next_query, N_COUNT, v))
		req->errors.n = 0; /* a bad next is ignored, not an error page */
	if (req->user) {
		mq_reply_redirect(req, res, v[N_NEXT].present ? v[N_NEXT].s : "/me");
		return;
	}
	form_page(req, res, 200, "login", "Log in", login_names, NULL);
}

enum { LF_EMAIL, LF_PASSWORD, LF_NEXT, LF_COUNT };
static const mq_field login_form_fields[LF_COUNT] = {
	[LF_EMAIL] = { "email", MQ_V_STRING, 1, 1, 254, NULL, NULL },
	[LF_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
	[LF_NEXT] = { "next", MQ_V_STRING, 0, 1, 200, NULL, NULL },
};

static void post_login_page(mq_req *req, mq_res *res)
{
	mq_kvlist form;
	mq_value v[LF_COUNT];
	if (mq_page_form_body(req, &form) == 0)
		mq_validate_kvlist(req, &form, login_form_fields, LF_COUNT, v);
	if (req->errors.n) {
		form_page(req, res, 400, "login", "Log in", login_names, &form);
		return;
	}
	char *email = mq_arena_strdup(req->arena, v[LF_EMAIL].s);
	mq_valid_email(email);
	cJSON *user;
	long long tv;
	mq_err rc = mq_account_login(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, email, v[LF_PASSWORD].s,
				     &user, &tv);
	if (rc != MQ_OK) {
		if (rc == MQ_EUNAUTH)
			mq_req_problem(req, (mq_problem){ "credentials", NULL, 0, 0 }, "Invalid email or password");
		else
			mq_req_problem(req, (mq_problem){ "login_unavailable", NULL, 0, 0 },
				       "Logging in is not possible just now; please try again");
		form_page(req, res, mq_err_status(rc), "login", "Log in", login_names, &form);
		return;
	}
	cJSON_Delete(start_session(req, res, user, tv, NULL));
	if (res->status == 200)
		mq_reply_redirect(req, res, v[LF_NEXT].present ? v[LF_NEXT].s : "/me");
}

static void get_logout_page(mq_req *req, mq_res *res)
{
	if (!req->user) {
		mq_reply_redirect(req, res, "/");
		return;
	}
	mq_reply_page(req, res, 200, "logout", mq_page_message(req, "logout.title"), NULL);
}

/* The form's _csrf field was checked by the dispatcher (MQ_CSRF). */
static void post_logout_page(mq_req *req, mq_res *res)
{
	mq_err rc = logout_everywhere(req, mq_req_cookie(req, MQ_REFRESH_COOKIE));
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, "Logging out failed; please try again");
		return;
	}
	mq_session_cookies_clear(req, res);
	mq_reply_redirect(req, res, "/");
}

static const mq_route routes[] = {
	{ MQ_GET, "/register", get_register_page, 0 },
	{ MQ_POST, "/register", post_register_page, MQ_CSRF | MQ_VISITOR_CSRF },
	{ MQ_GET, "/login", get_login_page, 0 },
	{ MQ_GET, "/language/:lang", get_language, 0 },
	{ MQ_POST, "/login", post_login_page, MQ_CSRF | MQ_VISITOR_CSRF },
	{ MQ_GET, "/logout", get_logout_page, 0 },
	{ MQ_POST, "/logout", post_logout_page, MQ_CSRF },
	{ MQ_POST, "/api/v1/auth/register", post_register, 0 },
	{ MQ_POST, "/api/v1/auth/login", post_login, 0 },
	{ MQ_POST, "/api/v1/auth/refresh", post_refresh, 0 },
	{ MQ_POST, "/api/v1/auth/logout", post_logout, MQ_CSRF },
};

const mq_app auth_app = {
	.name = "auth",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(auth_app)
