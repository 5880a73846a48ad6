/* auth.c — the auth worker: registration, login, refresh-token rotation, logout and "forgot
 * your password" (a one-time link by e-mail), as JSON API and as the pages /login, /register,
 * /logout, /password/forgot and /password/reset. */
#include "core/password.h"
#include "core/log.h"
#include "core/messages.h"
#include "domain/account.h"
#include "domain/reset.h"
#include "domain/session.h"
#include "site/live.h"
#include "site/mail.h"
#include "site/page.h"
#include "site/signin.h"
#include "site/worker.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"
#include "web/valid.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void reply_session(mq_req *req, mq_res *res, int status, cJSON *user, long long tv,
			  const char *refresh)
{
	cJSON *data = mq_signin_start(req, res, user, tv, refresh);
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
			mq_req_problem(req, (mq_problem){ "email_format", "email", 0, 0 },
				       "email must be an e-mail address like name@example.com");
		in->email = email;
	}
	if (v[R_PASSWORD].present) {
		in->password = v[R_PASSWORD].s;
		size_t plen = strlen(in->password);
		if (plen < MQ_PASSWORD_MIN || plen > MQ_PASSWORD_MAX)
			mq_req_problem(req, (mq_problem){ "password_length", "password", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX },
				       "password must be %d to %d bytes long", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX);
	}
	if (v[R_USERNAME].present && !mq_valid_username(v[R_USERNAME].s))
		mq_req_problem(req, (mq_problem){ "username_chars", "username", 0, 0 },
			       "username may contain only letters, digits and '_'");
	in->username = v[R_USERNAME].present ? v[R_USERNAME].s : NULL;
	in->name = v[R_NAME].present ? v[R_NAME].s : NULL;
	if (!in->username && !in->name && !v[R_USERNAME].json && !v[R_NAME].json)
		mq_req_problem(req, (mq_problem){ "name_required", "username", 0, 0 }, "username or name is required");
	if (v[R_DOB].present && !mq_valid_date(v[R_DOB].s))
		mq_req_problem(req, (mq_problem){ "birth_date", "date_of_birth", 0, 0 },
			       "date_of_birth must be a past date written YYYY-MM-DD");
	in->date_of_birth = v[R_DOB].present ? v[R_DOB].s : NULL;
}

/* Creates the account. On MQ_ECONFLICT, *taken says which of the e-mail and the username
 * another account has (MQ_TAKEN_*; both bits when that could not be told), and req->errors
 * says it per field. */
static mq_err create_account(mq_req *req, const mq_new_user *in, cJSON **user, unsigned *taken)
{
	mq_db *db = mq_ctx_of(req)->db;
	mq_err rc = mq_account_register(db, mq_ctx_of(req)->cfg, in, user);
	*taken = 0;
	if (rc != MQ_ECONFLICT)
		return rc;
	if (mq_account_taken(db, in->email, in->username, taken) != MQ_OK || !*taken)
		*taken = MQ_TAKEN_EMAIL | (in->username ? MQ_TAKEN_USERNAME : 0);
	if (*taken & MQ_TAKEN_EMAIL)
		mq_req_error(req, "email: an account with this e-mail already exists");
	if (*taken & MQ_TAKEN_USERNAME)
		mq_req_error(req, "username: this username is taken");
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
	unsigned taken;
	mq_err rc = create_account(req, &in, &user, &taken);
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

/* A form page's data: the fields with their values and problems, the form's token, next. */
static cJSON *form_data(mq_req *req, mq_res *res, const char *const *names, const mq_kvlist *values)
{
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "form", mq_page_form(req, names, values));
	if (!req->user) /* the form's token: another site cannot sign the visitor in (route.h) */
		cJSON_AddStringToObject(data, "csrf", mq_presession_csrf(req, res));
	const char *next = values ? mq_kvlist_get(values, "next") : mq_req_query(req, "next");
	if (mq_page_local_path(next))
		cJSON_AddStringToObject(data, "next", next);
	return data;
}

/* Renders a form page again with the problems next to their fields and the values kept. */
static void form_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		      const char *const *names, const mq_kvlist *values)
{
	mq_reply_page(req, res, status, name, title, form_data(req, res, names, values));
}

/* Sets a field's problem in a form's data (form_data) in the page's own words. */
static void field_error(cJSON *data, const char *field, const char *text)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(data, "form"), field);
	cJSON_DeleteItemFromObjectCaseSensitive(f, "error");
	cJSON_AddStringToObject(f, "error", text);
}

static void get_register_page(mq_req *req, mq_res *res)
{
	if (req->user) {
		mq_reply_redirect(req, res, "/me");
		return;
	}
	form_page(req, res, 200, "register", mq_page_message(req, "register.title"), register_names, NULL);
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
	const char *title = mq_page_message(req, "register.title");
	if (req->errors.n) {
		form_page(req, res, 400, "register", title, register_names, &form);
		return;
	}
	unsigned taken;
	mq_err rc = create_account(req, &in, &user, &taken);
	if (rc != MQ_OK) {
		req->errors.n = 0; /* said below in the page's words, per field */
		if (rc != MQ_ECONFLICT)
			mq_req_error(req, "%s", mq_page_message(req, "register.failed"));
		cJSON *data = form_data(req, res, register_names, &form);
		if (taken & MQ_TAKEN_EMAIL) {
			field_error(data, "email", mq_page_message(req, "register.email_taken"));
			cJSON_AddTrueToObject(data, "email_taken");
		}
		if (taken & MQ_TAKEN_USERNAME)
			field_error(data, "username", mq_page_message(req, "register.username_taken"));
		mq_reply_page(req, res, mq_err_status(rc), "register", title, data);
		return;
	}
	cJSON_Delete(mq_signin_start(req, res, user, 0, NULL));
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

/* GET /login[?next=/path][&reset=done]: reset=done says that a password reset just ended
 * every session and the member logs in with the new password. */
static void get_login_page(mq_req *req, mq_res *res)
{
	static const char *const reset_states[] = { "done", NULL };
	enum { LQ_NEXT, LQ_RESET, LQ_COUNT };
	static const mq_field query[LQ_COUNT] = {
		[LQ_NEXT] = { "next", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		[LQ_RESET] = { "reset", MQ_V_ENUM, 0, 0, 0, reset_states, NULL },
	};
	mq_value v[LQ_COUNT];
	if (mq_validate_query(req, query, LQ_COUNT, v))
		req->errors.n = 0; /* a bad next is ignored, not an error page */
	if (req->user) {
		mq_reply_redirect(req, res, v[LQ_NEXT].present ? v[LQ_NEXT].s : "/me");
		return;
	}
	cJSON *data = form_data(req, res, login_names, NULL);
	cJSON_AddBoolToObject(data, "reset_done", v[LQ_RESET].present);
	mq_reply_page(req, res, 200, "login", mq_page_message(req, "login.title"), data);
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
		form_page(req, res, 400, "login", mq_page_message(req, "login.title"), login_names, &form);
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
		form_page(req, res, mq_err_status(rc), "login", mq_page_message(req, "login.title"), login_names, &form);
		return;
	}
	cJSON_Delete(mq_signin_start(req, res, user, tv, NULL));
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

/* ---- "forgot your password": a one-time link by e-mail (domain/reset.h) ---- */

/* Sends a reset link to email when an account has it, in the member's own language. Run after
 * the reply (mq_req_after): the answer is the same, and as quick, whether or not an account has
 * the address, so nobody learns who has one; problems are logged (never the link). */
static void send_reset_link(mq_req *req, void *arg)
{
	const char *email = arg;
	const mq_ctx *ctx = mq_ctx_of(req);
	char *token = NULL;
	cJSON *user = NULL;
	mq_err rc = mq_reset_start(ctx->db, email, &token, &user);
	if (rc == MQ_OK) {
		const cJSON *settings = cJSON_GetObjectItemCaseSensitive(user, "settings");
		const char *lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "language"));
		const mq_messages *m = ctx->messages;
		mq_buf text = MQ_BUF_INIT;
		mq_buf_printf(&text, "%s\n\n%s\n\n%s/password/reset?token=%s\n\n%s\n%s\n",
			      mq_message(m, lang, "mail.hello"), mq_message(m, lang, "mail.reset_intro"),
			      ctx->cfg->public_url, token, mq_message(m, lang, "mail.reset_expiry"),
			      mq_message(m, lang, "mail.reset_ignore"));
		rc = mq_mail_send(ctx->cfg, email, mq_message(m, lang, "mail.reset_subject"), mq_buf_cstr(&text));
		explicit_bzero(text.data, text.len);
		mq_buf_free(&text);
		explicit_bzero(token, strlen(token));
		free(token);
	}
	cJSON_Delete(user);
	if (rc == MQ_ERATELIMIT)
		mq_log(MQ_LOG_INFO, "reset", "a reset link was asked for again within %d s: not sent", MQ_RESET_INTERVAL);
	else if (rc != MQ_OK && rc != MQ_ENOTFOUND)
		mq_log(MQ_LOG_ERROR, "reset", "a reset link could not be sent (%s)", mq_err_message(rc));
}

enum { FG_EMAIL, FG_COUNT };
static const mq_field forgot_fields[FG_COUNT] = {
	[FG_EMAIL] = { "email", MQ_V_STRING, 1, 3, 254, NULL, NULL },
};

/* The address of a forgot-password request, lower-cased (in the arena), or NULL when it is not
 * one. */
static char *forgot_email(mq_req *req, const mq_value *v)
{
	if (!v[FG_EMAIL].present)
		return NULL;
	char *email = mq_arena_strdup(req->arena, v[FG_EMAIL].s);
	return mq_valid_email(email) ? email : NULL;
}

/* POST /api/v1/auth/password/forgot {email}: 202 with the same answer whether or not an
 * account has the address; when one has, a one-time link goes to it. */
static void post_forgot(mq_req *req, mq_res *res)
{
	mq_value v[FG_COUNT];
	if (mq_body_fields(req, res, forgot_fields, FG_COUNT, v))
		return;
	char *email = req->errors.n ? NULL : forgot_email(req, v);
	if (!email) {
		if (!req->errors.n)
			mq_req_problem(req, (mq_problem){ "email_format", "email", 0, 0 },
				       "email must be an e-mail address like name@example.com");
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_req_after(req, send_reset_link, email);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "message", "If an account uses this address, a link to reset its password has been sent to it.");
	cJSON_AddNumberToObject(data, "expires_in", MQ_RESET_TTL);
	mq_reply_data(req, res, 202, data);
}

enum { RS_TOKEN, RS_PASSWORD, RS_COUNT };
static const mq_field reset_fields[RS_COUNT] = {
	[RS_TOKEN] = { "token", MQ_V_STRING, 1, 1, 128, NULL, NULL },
	[RS_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
};

/* Whether password keeps the sign-up rule (8–72 bytes); says so in req->errors when not. */
static int password_acceptable(mq_req *req, const char *password)
{
	size_t len = strlen(password);
	if (len >= MQ_PASSWORD_MIN && len <= MQ_PASSWORD_MAX)
		return 1;
	mq_req_problem(req, (mq_problem){ "password_length", "password", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX },
		       "password must be %d to %d bytes long", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX);
	return 0;
}

/* POST /api/v1/auth/password/reset {token, password}: the link's token, used once. 200 once the
 * password is changed and every session of the member has ended (they log in again); 400 for
 * a token unknown, expired or used already, or a password outside the rules. */
static void post_reset(mq_req *req, mq_res *res)
{
	mq_value v[RS_COUNT];
	char user_id[25];
	if (mq_body_fields(req, res, reset_fields, RS_COUNT, v))
		return;
	if (!req->errors.n)
		password_acceptable(req, v[RS_PASSWORD].s);
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_err rc = mq_reset_finish(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, v[RS_TOKEN].s, v[RS_PASSWORD].s, user_id);
	if (rc == MQ_EUNAUTH) {
		mq_req_problem(req, (mq_problem){ "reset_token", "token", 0, 0 },
			       "token is invalid, expired or already used: ask for a new link");
		rc = MQ_EINVAL;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_live_close(mq_ctx_of(req)->cfg, user_id);
	mq_session_cookies_clear(req, res);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddBoolToObject(data, "password_reset", 1);
	mq_reply_data(req, res, 200, data);
}

static const char *const forgot_names[] = { "email", NULL };
static const char *const reset_names[] = { "password", NULL };

static void get_forgot_page(mq_req *req, mq_res *res)
{
	form_page(req, res, 200, "password-forgot", mq_page_message(req, "reset.forgot_title"), forgot_names, NULL);
}

/* The form's answer is the same neutral notice for every well-formed address. */
static void post_forgot_page(mq_req *req, mq_res *res)
{
	mq_kvlist form;
	mq_value v[FG_COUNT];
	char *email = NULL;
	if (mq_page_form_body(req, &form) == 0 && mq_validate_kvlist(req, &form, forgot_fields, FG_COUNT, v) == 0)
		email = forgot_email(req, v);
	req->errors.n = 0; /* said below in the page's words */
	const char *title = mq_page_message(req, "reset.forgot_title");
	if (!email) {
		cJSON *data = form_data(req, res, forgot_names, &form);
		field_error(data, "email", mq_page_message(req, "reset.email_invalid"));
		mq_reply_page(req, res, 400, "password-forgot", title, data);
		return;
	}
	mq_req_after(req, send_reset_link, email);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddTrueToObject(data, "sent");
	mq_reply_page(req, res, 200, "password-forgot", title, data);
}

/* The reset form for token, or the notice that the link no longer works. */
static void reset_page(mq_req *req, mq_res *res, int status, const char *token, const char *error)
{
	cJSON *data = form_data(req, res, reset_names, NULL);
	mq_err rc = token ? mq_reset_check(mq_ctx_of(req)->db, token) : MQ_EUNAUTH;
	if (rc == MQ_EUNAUTH) {
		cJSON_AddTrueToObject(data, "invalid");
		status = status == 200 ? 410 : status;
	} else if (rc != MQ_OK) {
		cJSON_Delete(data);
		mq_reply_err(req, res, rc, NULL);
		return;
	} else {
		cJSON_AddStringToObject(data, "token", token);
	}
	if (error)
		field_error(data, "password", error);
	/* the token is in the address: never stored by a cache, never sent on as a referrer */
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_res_header(req, res, "Referrer-Policy", "no-referrer");
	mq_reply_page(req, res, status, "password-reset", mq_page_message(req, "reset.new_title"), data);
}

static void get_reset_page(mq_req *req, mq_res *res)
{
	enum { Q_TOKEN, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_TOKEN] = { "token", MQ_V_STRING, 0, 1, 128, NULL, NULL } };
	mq_value v[Q_COUNT];
	int ok = mq_validate_query(req, query, Q_COUNT, v) == 0 && v[Q_TOKEN].present;
	req->errors.n = 0; /* a broken link is told as such below */
	reset_page(req, res, 200, ok ? v[Q_TOKEN].s : NULL, NULL);
}

/* A used link signs the member out everywhere and sends them to log in with the new password
 * (the link proves the mailbox, not this browser: it gets no session of its own). */
static void post_reset_page(mq_req *req, mq_res *res)
{
	mq_kvlist form;
	mq_value v[RS_COUNT];
	char user_id[25];
	mq_err rc = MQ_EUNAUTH;
	memset(v, 0, sizeof v);
	if (mq_page_form_body(req, &form) == 0)
		mq_validate_kvlist(req, &form, reset_fields, RS_COUNT, v);
	int given = !req->errors.n;
	req->errors.n = 0; /* said below in the page's words */
	if (v[RS_TOKEN].present && (!v[RS_PASSWORD].present || !password_acceptable(req, v[RS_PASSWORD].s))) {
		req->errors.n = 0;
		reset_page(req, res, 400, v[RS_TOKEN].s, mq_page_message(req, "reset.password_rules"));
		return;
	}
	if (given)
		rc = mq_reset_finish(mq_ctx_of(req)->db, mq_ctx_of(req)->cfg, v[RS_TOKEN].s, v[RS_PASSWORD].s, user_id);
	if (rc == MQ_OK) {
		mq_live_close(mq_ctx_of(req)->cfg, user_id);
		mq_session_cookies_clear(req, res);
		mq_reply_redirect(req, res, "/login?reset=done");
		return;
	}
	if (rc == MQ_EUNAUTH) {
		reset_page(req, res, 400, NULL, NULL);
		return;
	}
	mq_reply_err(req, res, rc, mq_page_message(req, "reset.failed"));
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
	{ MQ_GET, "/password/forgot", get_forgot_page, 0 },
	{ MQ_POST, "/password/forgot", post_forgot_page, MQ_CSRF | MQ_VISITOR_CSRF },
	{ MQ_GET, "/password/reset", get_reset_page, 0 },
	{ MQ_POST, "/password/reset", post_reset_page, MQ_CSRF | MQ_VISITOR_CSRF },
	{ MQ_POST, "/api/v1/auth/password/forgot", post_forgot, 0 },
	{ MQ_POST, "/api/v1/auth/password/reset", post_reset, 0 },
};

const mq_app auth_app = {
	.name = "auth",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(auth_app)
