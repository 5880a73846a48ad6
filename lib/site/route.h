/* route.h — a worker's route table and the one place its flags are enforced.
 *
 * Each worker declares {methods, pattern, handler, flags} rows; mq_dispatch() finds the row,
 * answers 404 (no path matches) or 405 with Allow (path matches, method does not), and enforces
 * NEEDS_AUTH (401), NEEDS_ADMIN (403) and CSRF (403) before any handler runs. Patterns are
 * literal segments and ":name" captures: "/api/v1/movies/:id/reviews".
 *
 * Before any route runs: an unsafe request from another site is a 403 (Sec-Fetch-Site, or an
 * Origin naming another host), and a caller who presents an identity has their session checked
 * against the database (see mq_session_check) on every route that can read it: all but the
 * MQ_PUBLIC ones, which never do.
 */
#ifndef MQ_ROUTE_H
#define MQ_ROUTE_H

#include "web/http.h"

/* A handler, in one idiom:
 *  - its query or body fields are a table indexed by an enum of its own (designated initializers,
 *    `enum { Q_PAGE, Q_LIMIT, Q_COUNT }; static const mq_field query[Q_COUNT] = { [Q_PAGE] = …`),
 *    and their values are read as v[Q_PAGE], never by position; its opening line is
 *    `if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v)) return;` (valid.h);
 *  - what it asks of the domain goes through mq_env_of(req) (tmdb/env.h) or the worker's pool;
 *  - it answers once, through a reply function (response.h, page.h), or returns after a helper
 *    that says it replied.
 * JSON has one ownership rule, which every function of lib/ follows: a function that returns a
 * cJSON * or fills a cJSON ** gives it to the caller, who frees it (cJSON_Delete) or passes it on;
 * a reply function (mq_reply_data, mq_reply_list, mq_reply_page) and mq_live_hint take over the
 * tree they are given, whatever happens; any other function that takes a cJSON * changes it in
 * place and leaves it with the caller, and a const cJSON * is only read. Nothing a handler
 * builds belongs to the request's arena: only the parsed body (mq_json_body) does, as the query
 * does, so that the values validated from it may borrow from it. */
typedef void (*mq_handler)(mq_req *req, mq_res *res);

enum mq_route_flags {
	MQ_NEEDS_AUTH = 1 << 0,   /* a valid session or bearer token */
	MQ_NEEDS_ADMIN = 1 << 1,  /* role admin (implies NEEDS_AUTH) */
	MQ_CSRF = 1 << 2,         /* cookie sessions must echo the CSRF cookie in X-CSRF-Token */
	MQ_VISITOR_CSRF = 1 << 3, /* visitors not signed in must echo their pre-session token (the
				   * login and register forms: no signing a visitor into another account) */
	MQ_PUBLIC = 1 << 4,       /* the same answer for everyone: the caller's identity is never
				   * read (req->user stays NULL), so no session is looked up and a
				   * token sent along is ignored. Never with NEEDS_AUTH or NEEDS_ADMIN. */
};

typedef struct mq_route {
	unsigned methods;         /* mq_method bits; GET also answers HEAD */
	const char *pattern;
	mq_handler handler;
	unsigned flags;
} mq_route;

enum mq_app_needs {
	MQ_APP_DB = 1 << 0,        /* a MongoDB pool */
	MQ_APP_AUTH = 1 << 1,      /* JWT_SECRET: identifies callers */
	MQ_APP_TEMPLATES = 1 << 2, /* the compiled templates */
	MQ_APP_DB_PROBE = 1 << 3,  /* the pool answers within a health probe's shorter timeouts
				    * (MQ_DB_TIMEOUTS_PROBE rather than MQ_DB_TIMEOUTS_WORKER) */
};

typedef struct mq_app {
	const char *name;          /* "movies": logs, appname, socket name */
	const mq_route *routes;
	size_t n_routes;
	unsigned needs;            /* mq_app_needs */
	size_t max_body;           /* bytes a request body may have; 0 = MQ_JSON_MAX_BYTES */
	/* optional hooks, run once per process after configuration and before/after serving */
	int (*init)(void);
	void (*fini)(void);
} mq_app;

#define MQ_CSRF_HEADER "HTTP_X_CSRF_TOKEN"

/* Routes req and runs the handler, or answers the error itself. */
void mq_dispatch(const mq_app *app, mq_req *req, mq_res *res);

/* Whether path matches pattern; captures go to req->route when req is not NULL. */
int mq_route_match(const char *pattern, const char *path, mq_req *req);

/* The user the ":id" of a /users/:id/… route names, when the caller may reach them: themselves
 * ("me" too) or, for an admin, anyone. Otherwise replies 404 (never 403: whether someone
 * exists is not told) and returns NULL. Needs NEEDS_AUTH on the route. */
const char *mq_route_user(mq_req *req, mq_res *res);

/* Identifies the caller from "Authorization: Bearer" or the session cookie (sets req->user).
 * Returns MQ_OK (anonymous included) or MQ_EUNAUTH for a bearer token that does not verify. */
mq_err mq_authenticate(mq_req *req);

/* Sets req->audience, the one place it is derived: for a member whose session check read their
 * document (mq_session_check), their age from date_of_birth, adult_ok when 18 or older and
 * opted in (settings.adult_content), and their region setting (else their language's: fa → IR,
 * else US); for a visitor, or a member without a date of birth, VISITOR_AGE, no adult titles
 * and the page's region (mq_page_region: the mq_region cookie, else the language's). mq_dispatch
 * calls it once the caller is known, before any handler runs. */
void mq_route_audience(mq_req *req);

#endif
