/* route.c — route matching, authentication and flag enforcement (see route.h). */
#include "site/route.h"
#include "core/clock.h"
#include "core/jwt.h"
#include "core/log.h"
#include "core/multipart.h"
#include "domain/session.h"
#include "site/page.h"
#include "web/allow.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"
#include "web/valid.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int mq_route_match(const char *pattern, const char *path, mq_req *req)
{
	const char *p = pattern, *s = path;
	size_t captured = req ? req->route.n : 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			goto fail;
		p++;
		s++;
		const char *pend = strchr(p, '/'), *send = strchr(s, '/');
		size_t plen = pend ? (size_t)(pend - p) : strlen(p);
		size_t slen = send ? (size_t)(send - s) : strlen(s);
		if (*p == ':') {
			if (slen == 0)
				goto fail;
			if (req)
				mq_kvlist_add(req->arena, &req->route, mq_arena_strndup(req->arena, p + 1, plen - 1),
					      mq_arena_strndup(req->arena, s, slen));
		} else if (plen != slen || memcmp(p, s, plen)) {
			goto fail;
		}
		p += plen;
		s += slen;
	}
	if (*p == '\0' && *s == '\0')
		return 1;
fail:
	if (req)
		req->route.n = captured;
	return 0;
}

static const char *bearer_token(const mq_req *req)
{
	const char *h = mq_req_param(req, "HTTP_AUTHORIZATION");
	if (!h)
		return NULL;
	if (strncasecmp(h, "Bearer ", 7))
		return "";
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

const char *mq_route_user(mq_req *req, mq_res *res)
{
	const char *id = mq_req_route(req, "id");
	if (id && !strcmp(id, "me"))
		id = req->user->id;
	if (!id || !mq_is_object_id(id) || (strcmp(id, req->user->id) && strcmp(req->user->role, "admin"))) {
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such user");
		return NULL;
	}
	return id;
}

mq_err mq_authenticate(mq_req *req)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *secret = ctx && ctx->cfg ? ctx->cfg->jwt_secret : NULL;
	const char *token = bearer_token(req);
	int via_cookie = 0;
	if (!token) {
		token = mq_req_cookie(req, MQ_SESSION_COOKIE);
		via_cookie = 1;
	}
	if (!token || !secret)
		return token && !via_cookie ? MQ_EUNAUTH : MQ_OK;

	mq_jwt_claims claims;
	const char *why = NULL;
	if (mq_jwt_verify(token, secret, strlen(secret), (long long)time(NULL), &claims, &why) != MQ_OK) {
		mq_log(MQ_LOG_INFO, "auth", "token refused: %s", why ? why : "unknown");
		/* a stale browser cookie leaves the visitor anonymous; a bad bearer token is an error */
		return via_cookie ? MQ_OK : MQ_EUNAUTH;
	}
	mq_user *u = mq_arena_zalloc(req->arena, sizeof *u);
	u->id = mq_arena_strdup(req->arena, claims.sub);
	u->role = mq_arena_strdup(req->arena, claims.role);
	u->token_version = claims.tv;
	u->session_id = mq_arena_strdup(req->arena, claims.jti);
	u->via_cookie = via_cookie;
	u->lists_v = -1;
	req->user = u;
	return MQ_OK;
}

/* The CSRF token a state-changing request carries: the X-CSRF-Token header (scripts) or the
 * _csrf field of a form post (pages without JavaScript, uploads included). */
static const char *given_csrf(mq_req *req)
{
	const char *given = mq_req_param(req, MQ_CSRF_HEADER);
	if (!given && mq_content_type_is(mq_req_param(req, "CONTENT_TYPE"), "application/x-www-form-urlencoded")) {
		mq_kvlist form = { 0 };
		if (mq_form_decode(req->arena, req->body, req->body_len, &form) == 0)
			given = mq_kvlist_get(&form, "_csrf");
	}
	const char *boundary = given ? NULL : mq_multipart_boundary(req->arena, mq_req_param(req, "CONTENT_TYPE"));
	if (boundary) { /* an upload form: the token is one of its fields */
		mq_part parts[MQ_MULTIPART_MAX_PARTS];
		size_t n = 0;
		const mq_part *token = NULL;
		if (mq_multipart_parse(req->arena, boundary, req->body, req->body_len, parts, &n) == MQ_OK)
			token = mq_multipart_find(parts, n, "_csrf");
		if (token)
			given = mq_arena_strndup(req->arena, token->data, token->len);
	}
	return given;
}

static int token_matches(const char *given, const char *secret, const char *session_id)
{
	char expected[44];
	if (!session_id || !*session_id)
		return 0;
	mq_csrf_token(secret, session_id, expected);
	return strlen(given) == 43 && CRYPTO_memcmp(given, expected, 43) == 0;
}

/* Whether the request echoes a CSRF token it may use: its cookie session's, or (visitor: a
 * route that visitors not signed in use, the login and register forms) its pre-session's. */
static int csrf_ok(mq_req *req, int visitor)
{
	const char *secret = mq_ctx_of(req) && mq_ctx_of(req)->cfg ? mq_ctx_of(req)->cfg->jwt_secret : NULL;
	const char *given = secret ? given_csrf(req) : NULL;
	if (!given)
		return 0;
	if (req->user && req->user->via_cookie && token_matches(given, secret, req->user->session_id))
		return 1;
	const char *pre = mq_presession_id(req);
	return visitor && pre && token_matches(given, secret, mq_arena_printf(req->arena, "pre:%s", pre));
}

/* Whether an unsafe request comes from another site: the browser says so (Sec-Fetch-Site), or
 * its Origin names another host than the one it was sent to. Requests without either header
 * (API clients, old browsers) pass; the CSRF tokens guard them. */
static int cross_site(const mq_req *req)
{
	if (req->method == MQ_GET || req->method == MQ_HEAD || req->method == MQ_OPTIONS)
		return 0;
	const char *site = mq_req_param(req, "HTTP_SEC_FETCH_SITE");
	if (site)
		return strcmp(site, "same-origin") && strcmp(site, "none");
	const char *origin = mq_req_param(req, "HTTP_ORIGIN");
	if (!origin)
		return 0;
	const char *host = mq_req_param(req, "HTTP_HOST"), *sep = strstr(origin, "://");
	if (!host || !sep)
		return 1; /* "null" (a sandboxed or privacy-sensitive context), or no Host to compare */
	const char *authority = sep + 3;
	size_t n = strcspn(authority, "/");
	return n != strlen(host) || strncasecmp(authority, host, n);
}

static void allow_header(mq_req *req, mq_res *res, unsigned allowed)
{
	char list[96] = "";
	static const unsigned order[] = { MQ_GET, MQ_HEAD, MQ_POST, MQ_PUT, MQ_PATCH, MQ_DELETE, MQ_OPTIONS };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (!(allowed & order[i]))
			continue;
		if (*list)
			strcat(list, ", ");
		strcat(list, mq_method_name(order[i]));
	}
	mq_res_header(req, res, "Allow", list);
}

/* Errors nginx hands over through its internal error location (body too large, rate limited). */
static int nginx_error(mq_req *req, mq_res *res)
{
	const char *s = mq_req_param(req, "MQ_ERROR_STATUS");
	long long status;
	if (!s || mq_parse_int(s, 400, 599, &status))
		return 0;
	if (status == 413)
		mq_req_problem(req, (mq_problem){ "too_large", NULL, 0, 0 }, "the request body is larger than this endpoint accepts");
	if (status == 414) {
		mq_req_problem(req, (mq_problem){ "url_too_long", NULL, 0, 0 }, "the address (path and query string) is longer than this site accepts");
		const char *api = mq_req_param(req, "MQ_ERROR_API");
		if (!mq_req_is_api(req) && api && !strcmp(api, "1"))
			req->display_path = "/api"; /* nginx never parsed the path: all we know is its start */
	}
	if (status == 429)
		mq_res_header(req, res, "Retry-After", "1");
	if (status == 502 || status == 504)
		status = 503; /* the worker behind this path is down or restarting */
	if (status == 405) { /* nginx refuses TRACE itself: name the path's methods all the same */
		const mq_ctx *ctx = mq_ctx_of(req);
		const char *method = mq_req_param(req, "MQ_ERROR_METHOD"); /* "TRACE" */
		int n = method ? (int)strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") : 0;
		unsigned allowed = mq_req_is_api(req) ? mq_allow_methods(ctx && ctx->cfg ? ctx->cfg->template_dir : NULL,
									   req->display_path)
						      : MQ_GET | MQ_HEAD; /* what every page answers */
		if (!allowed) {
			mq_reply_status(req, res, 404, NULL);
			return 1;
		}
		mq_req_problem(req, (mq_problem){ "method", NULL, 0, 0 }, "%.*s is not allowed on this path", n > 16 ? 16 : n, method ? method : "");
		allow_header(req, res, allowed | MQ_OPTIONS); /* as the workers' own 405s: they answer OPTIONS */
	}
	mq_reply_status(req, res, (int)status, status == 429 ? "Too many requests, slow down"
						  : status == 413 ? "Request body too large" : NULL);
	return 1;
}

/* A page that needs a session sends the visitor to the login form: back to the page afterwards
 * when it was read (GET/HEAD); a form posted without a session has no page to return to. Returns
 * 1 when it replied, 0 for the API. */
static int login_redirect(mq_req *req, mq_res *res)
{
	if (mq_req_is_api(req))
		return 0;
	mq_buf loc = MQ_BUF_INIT;
	mq_buf_puts(&loc, "/login");
	if (req->method == MQ_GET || req->method == MQ_HEAD) {
		mq_buf_puts(&loc, "?next=");
		mq_buf_url_component(&loc, req->path, strlen(req->path));
	}
	mq_res_header(req, res, "Location", mq_buf_cstr(&loc));
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_buf_free(&loc);
	res->status = 303;
	return 1;
}

/* Identifies the caller and checks their session against the database, whatever the route:
 * every request that carries an identity is checked alike, so a revoked session (logout, or
 * a user removed) and a changed role take effect at once, on optional-session routes too. A
 * revoked bearer token, or any revoked session asking the API, is a 401; a revoked browser
 * session on a page makes an anonymous visitor (its cookies are cleared). Returns 0 after
 * replying. */
static int authenticated(mq_req *req, mq_res *res, unsigned flags)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	mq_err rc = mq_authenticate(req);
	if (rc == MQ_OK && req->user && ctx && ctx->db)
		rc = mq_session_check(ctx->db, req);
	if (rc == MQ_OK)
		return 1;
	int page = req->user && req->user->via_cookie && !mq_req_is_api(req);
	if (rc == MQ_EUNAUTH && page) {
		req->user = NULL;
		req->session_ended = 1;
		mq_session_cookies_clear(req, res);
		mq_session_ended_mark(req, res); /* the next page says so, wherever the browser goes */
		return 1;
	}
	if (rc == MQ_EUNAUTH) {
		mq_res_header(req, res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		mq_reply_status(req, res, 401, req->user ? "Session expired or revoked; log in again"
							 : "Invalid or expired token");
		return 0;
	}
	if (page && !(flags & (MQ_NEEDS_AUTH | MQ_NEEDS_ADMIN))) { /* the database is away: served as to a visitor */
		req->user = NULL;
		return 1;
	}
	mq_reply_err(req, res, rc, NULL);
	return 0;
}

void mq_route_audience(mq_req *req)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const mq_user *u = req->user;
	mq_audience *a = &req->audience;
	int age = u ? mq_audience_age_from_birth(u->date_of_birth, mq_clock_ms()) : -1;
	/* a member without a date of birth is a visitor: the site's default age */
	a->age = age >= 0 ? age : ctx && ctx->cfg ? ctx->cfg->visitor_age : MQ_ADULT_AGE;
	a->adult_ok = age >= MQ_ADULT_AGE && u->adult_content;
	const char *region = u && mq_audience_region_known(u->region) ? u->region
			     : u && u->language ? (!strcmp(u->language, "fa") ? "IR" : "US")
			     : mq_page_region(req);
	snprintf(a->region, sizeof a->region, "%s", region);
}

void mq_dispatch(const mq_app *app, mq_req *req, mq_res *res)
{
	if (nginx_error(req, res))
		return;

	/* "/api/v1/movies/" routes as "/api/v1/movies" */
	size_t len = strlen(req->path);
	if (len > 1 && req->path[len - 1] == '/')
		req->path = mq_arena_strndup(req->arena, req->path, len - 1);

	unsigned allowed = 0;
	const mq_route *route = NULL;
	unsigned method = req->method == MQ_HEAD ? MQ_GET : req->method;
	for (size_t i = 0; i < app->n_routes; i++) {
		const mq_route *r = &app->routes[i];
		if (!mq_route_match(r->pattern, req->path, NULL))
			continue;
		allowed |= r->methods;
		if (!route && (r->methods & method))
			route = r;
	}
	if (!allowed) {
		mq_reply_status(req, res, 404, "Not found");
		return;
	}
	if (allowed & MQ_GET)
		allowed |= MQ_HEAD;
	if (!route) {
		allow_header(req, res, allowed | MQ_OPTIONS);
		if (req->method == MQ_OPTIONS) {
			res->status = 204;
			return;
		}
		mq_req_problem(req, (mq_problem){ "method", NULL, 0, 0 }, "%.16s is not allowed on this path", req->method_name ? req->method_name : "?");
		mq_reply_status(req, res, 405, "Method not allowed");
		return;
	}
	mq_route_match(route->pattern, req->path, req);

	if (req->bad_query) {
		mq_req_problem(req, (mq_problem){ "bad_encoding", NULL, 0, 0 }, "the query string is not valid percent-encoded UTF-8");
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	if (cross_site(req)) {
		mq_req_problem(req, (mq_problem){ "cross_site", NULL, 0, 0 }, "a state-changing request must come from this site's own pages");
		mq_reply_status(req, res, 403, "Cross-site request refused");
		return;
	}
	unsigned flags = route->flags;
	if ((app->needs & MQ_APP_AUTH) && !(flags & MQ_PUBLIC) && !authenticated(req, res, flags))
		return;
	mq_route_audience(req);
	if ((flags & (MQ_NEEDS_AUTH | MQ_NEEDS_ADMIN)) && !req->user && login_redirect(req, res))
		return;
	if ((flags & (MQ_NEEDS_AUTH | MQ_NEEDS_ADMIN)) && !req->user) {
		mq_res_header(req, res, "WWW-Authenticate", "Bearer");
		mq_reply_status(req, res, 401, "Authentication required");
		return;
	}
	if ((flags & MQ_NEEDS_ADMIN) && strcmp(req->user->role, "admin")) {
		mq_reply_status(req, res, 403, "Administrator role required");
		return;
	}
	int cookie_session = req->user && req->user->via_cookie;
	if (((flags & MQ_CSRF && cookie_session) || (flags & MQ_VISITOR_CSRF && !req->user)) &&
	    !csrf_ok(req, (flags & MQ_VISITOR_CSRF) != 0)) {
		mq_req_problem(req, (mq_problem){ "csrf", NULL, 0, 0 }, "%s", cookie_session
			       ? "send the session's CSRF token (the mq_csrf cookie) in the X-CSRF-Token header"
			       : "reload the form and send it again");
		mq_reply_status(req, res, 403, "CSRF token missing or wrong");
		return;
	}
	route->handler(req, res);
}
