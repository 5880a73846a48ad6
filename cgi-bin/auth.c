/* auth.c — the auth worker: registration and login (JSON API); refresh, logout and the pages
 * /login, /register, /logout arrive with the accounts issue. */
#include "account.h"
#include "ctx.h"
#include "json.h"
#include "password.h"
#include "response.h"
#include "valid.h"
#include "worker.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

/* The browser session: the JWT in an HttpOnly cookie, and a CSRF token the page's scripts echo
 * in X-CSRF-Token (double submit; route.c checks it on MQ_CSRF routes). */
static void set_session_cookies(mq_req *req, mq_res *res, const char *token)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	const char *secure = strncmp(cfg->public_url, "https://", 8) ? "" : "; Secure";
	unsigned char r[24];
	char csrf[49];
	if (RAND_bytes(r, sizeof r) != 1)
		abort(); /* see mem.h: allocation is the only way this fails */
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(csrf + 2 * i, 3, "%02x", r[i]);
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
				      MQ_SESSION_COOKIE, token, cfg->jwt_ttl, secure));
	mq_res_header(req, res, "Set-Cookie",
		      mq_arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%ld; SameSite=Lax%s", MQ_CSRF_COOKIE,
				      csrf, cfg->jwt_ttl, secure));
	mq_res_header(req, res, "Cache-Control", "no-store");
}

/* {"data": {"user": …, "token": …, "token_type": "Bearer", "expires_in": …, "expires_at": …}} */
static void reply_session(mq_req *req, mq_res *res, int status, cJSON *user, long long tv)
{
	const mq_config *cfg = mq_ctx_of(req)->cfg;
	cJSON *data = cJSON_CreateObject();
	char *token = NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(user, "id");
	const cJSON *role = cJSON_GetObjectItemCaseSensitive(user, "role");
	mq_session_issue(cfg, cJSON_GetStringValue(id), cJSON_IsString(role) ? role->valuestring : "user",
			 tv, data, &token);
	cJSON_AddItemToObject(data, "user", user);
	set_session_cookies(req, res, token);
	free(token);
	mq_reply_data(req, res, status, data);
}

/* Parses the body and checks it against fields. Returns -1 after replying 400/413/415 when the
 * body is unusable; field problems only go to req->errors, so the handler's own checks add to
 * them and one 400 lists everything. */
static int body_or_reply(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *out)
{
	cJSON *body;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	mq_validate_object(req, body, fields, n, out);
	return 0;
}

enum { R_EMAIL, R_PASSWORD, R_USERNAME, R_NAME, R_DOB, R_COUNT };
static const mq_field register_fields[R_COUNT] = {
	[R_EMAIL] = { "email", MQ_V_STRING, 1, 3, 254, NULL, NULL },
	[R_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 72, NULL, NULL },
	[R_USERNAME] = { "username", MQ_V_STRING, 0, 3, 30, NULL, NULL },
	[R_NAME] = { "name", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	[R_DOB] = { "date_of_birth", MQ_V_STRING, 0, 10, 10, NULL, NULL },
};

static int valid_username(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void post_register(mq_req *req, mq_res *res)
{
	mq_value v[R_COUNT];
	if (body_or_reply(req, res, register_fields, R_COUNT, v))
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
	if (v[R_USERNAME].present && !valid_username(v[R_USERNAME].s))
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
	reply_session(req, res, 201, user, 0);
}

enum { L_EMAIL, L_PASSWORD, L_COUNT };
static const mq_field login_fields[L_COUNT] = {
	[L_EMAIL] = { "email", MQ_V_STRING, 1, 1, 254, NULL, NULL },
	[L_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
};

static void post_login(mq_req *req, mq_res *res)
{
	mq_value v[L_COUNT];
	if (body_or_reply(req, res, login_fields, L_COUNT, v))
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
	reply_session(req, res, 200, user, tv);
}

static const mq_route routes[] = {
	{ MQ_POST, "/api/v1/auth/register", post_register, 0 },
	{ MQ_POST, "/api/v1/auth/login", post_login, 0 },
};

const mq_app auth_app = {
	.name = "auth",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(auth_app)
