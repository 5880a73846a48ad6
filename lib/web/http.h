/* http.h — the request and response of one HTTP exchange, independent of FastCGI.
 *
 * The worker loop copies everything it needs out of the FastCGI/CGI environment into an mq_req
 * (strings in the request's arena) before any handler runs, so handlers and lib/ never see
 * libfcgi, and tests build requests in memory with mq_req_init().
 */
#ifndef MQ_HTTP_H
#define MQ_HTTP_H

#include "core/arena.h"
#include "core/audience.h"
#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>

typedef enum mq_method {
	MQ_GET = 1 << 0,
	MQ_HEAD = 1 << 1,
	MQ_POST = 1 << 2,
	MQ_PUT = 1 << 3,
	MQ_PATCH = 1 << 4,
	MQ_DELETE = 1 << 5,
	MQ_OPTIONS = 1 << 6,
} mq_method;

typedef struct mq_kv {
	const char *key;
	const char *value;
} mq_kv;

/* A list of key/value pairs in an arena (query parameters, cookies, CGI params, route captures). */
typedef struct mq_kvlist {
	mq_kv *items;
	size_t n, cap;
} mq_kvlist;

/* The authenticated caller, when there is one. */
typedef struct mq_user {
	const char *id;       /* users._id as 24 hex characters */
	const char *role;     /* "user" or "admin" */
	long long token_version;
	const char *session_id;  /* the access token's jti: what the CSRF token is bound to */
	int via_cookie;       /* authenticated by the browser session cookie (CSRF applies) */
	/* what the session check read of the member for their audience (mq_req.audience) */
	const char *date_of_birth; /* "YYYY-MM-DD" or NULL */
	int adult_content;         /* settings.adult_content: opted in to adult titles */
	const char *region;        /* settings.region ("DE"), else NULL */
	const char *language;      /* settings.language ("fa"), else NULL */
	long long lists_v;         /* users.lists_v, their lists' version (lists.h); -1 until checked */
} mq_user;

/* What a page needs to say a problem in its own language. A problem has two readers: the
 * API's client, who gets the English sentence (items[], "errors" of a 400: machine-readable,
 * unchanged), and a person on a page, who gets the text of code in the page's catalogue
 * (templates/messages/<lang>.json, group "problems") with {min} and {max} filled in with the
 * page's digits, and, where the problem is not shown next to its field, the field's label
 * ("fields.<name>"). A problem without a code (mq_req_error) shows as "problems.other" on a
 * Persian page (its English on an English one): every validator of valid.c and the public
 * pages' own checks give a code. */
typedef struct mq_problem {
	const char *code;  /* key under "problems" ("int_range"), or NULL; static */
	const char *field; /* the field (query parameter, form or body field) it is about, or NULL */
	long long min, max; /* {min} and {max} of the text */
} mq_problem;

/* Problems found while validating input; each becomes one entry of "errors" in a 400. */
typedef struct mq_errors {
	const char **items;      /* the English sentences */
	mq_problem *problems;    /* problems[i] is items[i] for a page */
	size_t n, cap;
} mq_errors;

typedef struct mq_req {
	mq_arena *arena;            /* everything below lives in it */
	unsigned method;            /* one mq_method, 0 when unknown */
	const char *method_name;
	const char *path;           /* routing path: decoded, normalised by nginx */
	const char *display_path;   /* path as requested, without the query: for logs and errors */
	const char *query_string;
	mq_kvlist query;            /* decoded query parameters in order */
	mq_kvlist params;           /* CGI/FastCGI parameters: CONTENT_TYPE, HTTP_COOKIE, … */
	mq_kvlist cookies;
	mq_kvlist route;            /* captures of ":name" route segments */
	const char *body;           /* NUL-terminated copy; body_len excludes the NUL */
	size_t body_len;
	const char *request_id;
	mq_user *user;              /* NULL: anonymous; in the arena */
	mq_audience audience;       /* who is asking, for the audience rule (core/audience.h): set by
				     * the route loop once the caller is known (site/route.c,
				     * mq_route_audience); until then, and on MQ_PUBLIC routes, a
				     * visitor of unknown age who sees no adult title */
	int session_ended;          /* the browser's session was found ended (logout elsewhere, expiry)
				     * and dropped: the next page says so (mq_session_ended_mark) */
	int bad_query;              /* the query string was not valid percent-encoding */
	mq_errors errors;           /* validation problems collected so far */
	void *ctx;                  /* the worker's per-thread context (database pool …) */
	void (*after)(struct mq_req *req, void *arg); /* work for after the reply (mq_req_after) */
	void *after_arg;
} mq_req;

typedef struct mq_res {
	int status;
	mq_kvlist headers;          /* besides Status and Content-Type */
	const char *content_type;
	mq_buf body;                /* owned; reset by the worker between requests */
} mq_res;

/* Sets fn(req, arg) to run once the reply has been sent: the client neither waits for it nor
 * can tell from the reply's timing what it did (a password reset mail goes out only for an
 * address that has an account). One per request (a later call replaces it); arg, like the
 * request, lives until the request's arena is reset. The worker runs it after FCGX_Finish_r
 * (CGI: after closing standard output) with mq_req_run_after. */
void mq_req_after(mq_req *req, void (*fn)(mq_req *req, void *arg), void *arg);
void mq_req_run_after(mq_req *req);

/* Sets up an empty request in arena a. method_name/path may be NULL. */
void mq_req_init(mq_req *req, mq_arena *a, const char *method_name, const char *path);
/* Adds a CGI parameter (copied). Query strings, cookies and the method are taken from the
 * parameters by mq_req_parse_params() once all are added. */
void mq_req_add_param(mq_req *req, const char *key, const char *value);
void mq_req_parse_params(mq_req *req);
void mq_req_set_body(mq_req *req, const char *body, size_t len);

/* Lookups return borrowed strings or NULL. Header names in CGI form: "HTTP_IF_NONE_MATCH". */
const char *mq_req_param(const mq_req *req, const char *key);
const char *mq_req_query(const mq_req *req, const char *key);
const char *mq_req_cookie(const mq_req *req, const char *name);
const char *mq_req_route(const mq_req *req, const char *name);
/* Whether the request is for the JSON API (path under /api/). */
int mq_req_is_api(const mq_req *req);

unsigned mq_method_parse(const char *name);
const char *mq_method_name(unsigned method);

void mq_kvlist_add(mq_arena *a, mq_kvlist *l, const char *key, const char *value);
const char *mq_kvlist_get(const mq_kvlist *l, const char *key);

/* Decodes application/x-www-form-urlencoded text (query strings, form bodies) into l.
 * Returns 0, or -1 on bad percent-encoding, a NUL byte or invalid UTF-8 (nothing added then
 * for the offending pair). */
int mq_form_decode(mq_arena *a, const char *s, size_t n, mq_kvlist *l);
/* Parses a Cookie header ("a=1; b=2") into l; malformed pairs are skipped. */
void mq_cookie_parse(mq_arena *a, const char *header, mq_kvlist *l);

/* Appends a validation problem (formatted into the request's arena). The message is made valid
 * UTF-8: bytes of a character that a precision cut in two are dropped. */
void mq_req_error(mq_req *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with the problem's page words (mq_problem; field copied into the arena). */
void mq_req_problem(mq_req *req, mq_problem problem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether s[0..n) is valid UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
int mq_utf8_valid(const char *s, size_t n);

#endif
