/* handlers.h — what the handler tests (tests/cgi-bin/check_handlers*.c) share: the workers'
 * exported apps, a per-test context and database, in-memory requests and the checks of the
 * API's envelope and error shape (tests/cgi-bin/handlers.c). */
#ifndef MQ_TEST_HANDLERS_H
#define MQ_TEST_HANDLERS_H

#include "core/config.h"
#include "site/route.h"
#include "web/ctx.h"
#include "web/http.h"

#include <check.h>
#include <cjson/cJSON.h>

/* Exported by the worker sources (cgi-bin/<name>.c) when compiled with -DMQ_TESTING. */
extern const mq_app health_app, auth_app, users_app, movies_app, ratings_app, watchlist_app, genres_app,
	tmdb_app, admin_app, people_app;

#define ATTRIBUTION "This product uses the TMDB API but is not endorsed or certified by TMDB."

/* The JWT secret the tests configure (the tokens they mint are signed with it). */
#define TEST_JWT_SECRET "0123456789abcdef0123456789abcdef01234567"

/* The context of the running test: no TMDB credential (every TMDB call fails at once with 503),
 * TEMPLATE_DIR from the environment (else "templates"), and, when MONGODB_URI is set, a database
 * of the test's own ("marquee_hc_<pid>_<n>", the indexes of sql/schema.json applied; dropped by
 * hc_teardown). test_live says whether there is one. MEDIA_DIR is a fresh directory, removed
 * with what it holds by hc_teardown. */
extern mq_config test_cfg;
extern mq_ctx test_ctx;
extern int test_live;

/* The suites of check_handlers_<worker>.c (check_handlers.c has health's and movies'). */
Suite *handlers_auth_suite(void);
Suite *handlers_users_suite(void);
Suite *handlers_ratings_suite(void);
Suite *handlers_watchlist_suite(void);
Suite *handlers_genres_suite(void);
Suite *handlers_tmdb_suite(void);
Suite *handlers_admin_suite(void);
Suite *handlers_moviepage_suite(void);
Suite *handlers_people_suite(void);

/* The checked fixture of every handler test case. */
void hc_setup(void);
void hc_teardown(void);

/* Skips the rest of the calling test (it needs the database) when MONGODB_URI is unset. */
#define NEED_DB()                                                                     \
	do {                                                                          \
		if (!test_live) {                                                     \
			fprintf(stderr, "%s: skipped: MONGODB_URI unset\n", __func__); \
			return;                                                       \
		}                                                                     \
	} while (0)

/* Loads the templates into the context (pages need them). */
void hc_templates(void);

/* A parsed CGI response. */
struct cgi {
	int status;
	mq_kvlist headers;
	const char *body;
	size_t body_len;
};

/* Runs app on method and path with extra CGI parameter pairs (ending with NULL) and parses the
 * CGI output. A "?" in path starts the query string. The pseudo-parameter "BODY" sets the
 * request body (Content-Type application/json unless a CONTENT_TYPE pair is given). */
void run(const mq_app *app, struct cgi *c, const char *method, const char *path, ...) __attribute__((sentinel));

/* The first header called name, or NULL; whether a Set-Cookie header starts with prefix. */
const char *header(const struct cgi *c, const char *name);
int sets_cookie(const struct cgi *c, const char *prefix);
/* The value the response's Set-Cookie gives cookie name, into out: 1, or 0 when none does. */
int cookie_value(const struct cgi *c, const char *name, char *out, size_t size);
/* The body as a string (malloc'd: free it). */
char *body_text(const struct cgi *c);

/* The text after the first marker in the body up to the next '"', into out: 1, or 0. */
int body_value(const struct cgi *c, const char *marker, char *out, size_t size);
/* Whether the body contains needle. */
int body_has(const struct cgi *c, const char *needle);

/* The body as JSON (asserts the JSON Content-Type); caller deletes. */
cJSON *json_of(const struct cgi *c);
/* The string at a.b.c (b, c may be NULL), asserted to be one. */
const char *str_at(const cJSON *j, const char *a, const char *b, const char *c);
/* The number at a.b (b may be NULL), asserted to be one. */
double num_at(const cJSON *j, const char *a, const char *b);

/* The error shape with status for path: exactly status, statusCode, message, errors, timestamp
 * and path. */
void assert_error_shape(const struct cgi *c, int status, const char *path);
/* assert_error_shape(), and one of the errors contains needle. */
void assert_error_mentions(const struct cgi *c, int status, const char *path, const char *needle);
/* assert_error_mentions() for each needle of the list (it ends with NULL). */
void assert_errors_mention(const struct cgi *c, int status, const char *path, ...) __attribute__((sentinel));
/* The envelope {"data": …} alone with status; returns the whole body (caller deletes). */
cJSON *assert_data(const struct cgi *c, int status);
/* The list envelope {"data": […], "meta": {page, limit, total, totalPages, hasNextPage,
 * hasPrevPage}} with status 200 and those page, limit and total; returns the body. */
cJSON *assert_list(const struct cgi *c, long long page, long long limit, long long total);
/* The data member of a body from assert_data / assert_list. */
cJSON *data_of(const cJSON *body);

/* A member signed in: a users document inserted into the test's database and an access token
 * issued for it (mq_session_issue), as a bearer header and as the browser's cookies. */
struct member {
	char id[25];
	char email[64];
	char username[32];
	char auth[640];   /* "Bearer <token>" */
	char cookie[720]; /* "mq_session=<token>; mq_csrf=<csrf>" */
	char csrf[44];
};
void member_new(struct member *m, const char *role);
/* member_new(m, "user"), and Fight Club (TMDB 550, 1999, genre 18) in the catalogue; its id into movie. */
void member_and_movie(struct member *m, char movie[25]);
/* Only the token of a session of user id (24 hex) with role, whether or not the user exists. */
void member_issue(struct member *m, const char *id, const char *role);

/* A movie in the catalogue: tmdb_id, title and year (its slug "<title>-<year>" in lower case with
 * dashes), genre (TMDB genre id, 0: none); its ObjectId into id. */
void movie_insert(char id[25], long long tmdb_id, const char *title, int year, long long genre);

/* POSTs the JSON body to path of app as m, asserts a 201 {"data": …} and copies data.id into id. */
void create_as(const mq_app *app, const char *path, const struct member *m, const char *body, char id[25]);

/* POSTs the JSON body to path of app as m and asserts the error shape with status for path. */
void post_refused(const mq_app *app, const char *path, const struct member *m, const char *body, int status);

/* A JSON body a create refuses, and what one of its errors says. */
struct bad_body {
	const char *body, *error;
};
/* POSTs each of the n bodies to path of app as m and asserts a 400 that mentions its error. */
void post_bad_bodies(const mq_app *app, const char *path, const struct member *m, const struct bad_body *bad, size_t n);

/* A genre of the genres collection with its English and Persian names. */
void genre_insert(long long tmdb_id, const char *slug, const char *en, const char *fa);

/* The number of documents of collection matching filter (a bson_t *, taken over). */
long long db_count(const char *collection, void *filter);

/* A TMDB answer in the response cache (tmdb_cache): endpoint as the cache keys it
 * ("/movie/popular?language=en-US&page=1"), the JSON text TMDB sent, fresh for fresh_for seconds
 * from now (negative: expired that long ago). */
void tmdb_cache_insert(const char *endpoint, const char *json, long long fresh_for);

#endif
