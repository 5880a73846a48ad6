/* handlers.c — the helpers the handler tests share (see handlers.h). */
#include "handlers.h"
#include "../lib/suites.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/messages.h"
#include "core/template.h"
#include "domain/session.h"
#include "site/worker.h"
#include "store/db.h"
#include "web/response.h"

#include <ctype.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

mq_config test_cfg;
mq_ctx test_ctx;
int test_live;

static mq_arena *arena;
static mq_req req;
static mq_res res;
static mq_buf cgi_out;
static char db_name[64];
static char media_dir[64];

/* The environment the tests configure the workers with: no TMDB credentials, whatever is set. */
static const char *test_env(const char *name, void *data)
{
	(void)data;
	if (!strcmp(name, "JWT_SECRET"))
		return TEST_JWT_SECRET;
	if (!strcmp(name, "TEMPLATE_DIR"))
		return getenv("TEMPLATE_DIR") && *getenv("TEMPLATE_DIR") ? getenv("TEMPLATE_DIR") : "templates";
	if (!strcmp(name, "MONGODB_URI"))
		return getenv("MONGODB_URI");
	if (!strcmp(name, "MARQUEE_DB"))
		return *db_name ? db_name : NULL;
	if (!strcmp(name, "TMDB_BASE_URL"))
		return "http://127.0.0.1:1/3";
	if (!strcmp(name, "BCRYPT_COST"))
		return "4"; /* the lowest: registration and login stay quick under valgrind */
	if (!strcmp(name, "MEDIA_DIR"))
		return media_dir;
	return NULL;
}

void hc_setup(void)
{
	static int n;
	const char *uri = getenv("MONGODB_URI");
	snprintf(media_dir, sizeof media_dir, "/tmp/marquee-hc-media-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(media_dir));
	test_live = uri && *uri;
	if (test_live)
		snprintf(db_name, sizeof db_name, "marquee_hc_%d_%d", (int)getpid(), ++n);
	mq_buf problems = MQ_BUF_INIT;
	int bad = mq_config_load(&test_cfg, MQ_CONFIG_NEED_JWT, test_env, NULL, &problems);
	ck_assert_msg(bad == 0, "configuration: %s", mq_buf_cstr(&problems));
	mq_buf_free(&problems);
	memset(&test_ctx, 0, sizeof test_ctx);
	test_ctx.cfg = &test_cfg;
	test_ctx.started = time(NULL);
	test_ctx.app_name = "handlers";
	if (test_live) {
		mq_buf err = MQ_BUF_INIT;
		test_mongoc_once();
		test_ctx.db = mq_db_open(test_cfg.mongodb_uri, test_cfg.db_name, "marquee-handlers", MQ_DB_TIMEOUTS_WORKER, &err);
		ck_assert_msg(test_ctx.db != NULL, "%s", mq_buf_cstr(&err));
		mq_buf_free(&err);
		test_db_schema(test_ctx.db);
	}
	arena = mq_arena_new();
	mq_res_init(&res);
	mq_buf_init(&cgi_out);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void hc_teardown(void)
{
	mq_buf_free(&cgi_out);
	mq_res_free(&res);
	mq_arena_free(arena);
	arena = NULL;
	if (test_ctx.db)
		test_db_drop(test_ctx.db, db_name); /* closes it too */
	mq_tmpl_set_free(test_ctx.templates);
	mq_messages_free(test_ctx.messages);
	memset(&test_ctx, 0, sizeof test_ctx);
	mq_config_free(&test_cfg);
	*db_name = '\0';
	nftw(media_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void hc_templates(void)
{
	mq_buf err = MQ_BUF_INIT;
	test_ctx.templates = mq_tmpl_set_new();
	ck_assert_msg(mq_tmpl_set_load_dir(test_ctx.templates, test_cfg.template_dir, &err) == 0, "%s",
		      mq_buf_cstr(&err));
	mq_buf dir = MQ_BUF_INIT; /* the pages' words, as the worker loads them */
	mq_buf_printf(&dir, "%s/messages", test_cfg.template_dir);
	test_ctx.messages = mq_messages_load(mq_buf_cstr(&dir), &err);
	ck_assert_msg(test_ctx.messages != NULL, "%s", mq_buf_cstr(&err));
	mq_buf_free(&dir);
	mq_buf_free(&err);
}

void run(const mq_app *app, struct cgi *c, const char *method, const char *path, ...)
{
	va_list ap;
	const char *body = NULL;
	int typed = 0;
	mq_arena_reset(arena);
	mq_res_reset(&res);
	mq_buf_reset(&cgi_out);
	mq_req_init(&req, arena, NULL, NULL);
	req.ctx = &test_ctx;
	const char *q = strchr(path, '?');
	mq_req_add_param(&req, "REQUEST_METHOD", method);
	mq_req_add_param(&req, "DOCUMENT_URI", q ? mq_arena_strndup(arena, path, (size_t)(q - path)) : path);
	mq_req_add_param(&req, "REQUEST_URI", path);
	if (q)
		mq_req_add_param(&req, "QUERY_STRING", q + 1);
	va_start(ap, path);
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		if (!strcmp(k, "BODY")) {
			body = v;
			continue;
		}
		typed |= !strcmp(k, "CONTENT_TYPE");
		mq_req_add_param(&req, k, v);
	}
	va_end(ap);
	if (body) {
		if (!typed)
			mq_req_add_param(&req, "CONTENT_TYPE", "application/json");
		mq_req_add_param(&req, "CONTENT_LENGTH", mq_arena_printf(arena, "%zu", strlen(body)));
		mq_req_set_body(&req, body, strlen(body));
	}
	mq_req_parse_params(&req);
	mq_worker_handle(app, &req, &res, &cgi_out);
	mq_req_run_after(&req); /* the worker's loop runs it once the reply is out */

	const char *p = mq_buf_cstr(&cgi_out), *end = p + cgi_out.len;
	memset(c, 0, sizeof *c);
	ck_assert_msg(sscanf(p, "Status: %3d ", &c->status) == 1, "no Status line: %s", p);
	p = strstr(p, "\r\n") + 2;
	while (p < end && strncmp(p, "\r\n", 2)) {
		const char *eol = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(eol);
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		ck_assert_msg(colon && colon[1] == ' ', "malformed header line");
		mq_kvlist_add(arena, &c->headers, mq_arena_strndup(arena, p, (size_t)(colon - p)),
			      mq_arena_strndup(arena, colon + 2, (size_t)(eol - colon - 2)));
		p = eol + 2;
	}
	ck_assert_msg(p + 2 <= end, "no blank line after the headers");
	c->body = p + 2;
	c->body_len = (size_t)(end - c->body);
	const char *cl = mq_kvlist_get(&c->headers, "Content-Length");
	if (cl && req.method != MQ_HEAD)
		ck_assert_int_eq(strtoul(cl, NULL, 10), c->body_len);
}

const char *header(const struct cgi *c, const char *name)
{
	return mq_kvlist_get(&c->headers, name);
}

int sets_cookie(const struct cgi *c, const char *prefix)
{
	for (size_t i = 0; i < c->headers.n; i++)
		if (!strcmp(c->headers.items[i].key, "Set-Cookie") &&
		    !strncmp(c->headers.items[i].value, prefix, strlen(prefix)))
			return 1;
	return 0;
}

int cookie_value(const struct cgi *c, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < c->headers.n; i++) {
		const char *v = c->headers.items[i].value;
		if (strcmp(c->headers.items[i].key, "Set-Cookie") || strncmp(v, name, n) || v[n] != '=')
			continue;
		snprintf(out, size, "%.*s", (int)strcspn(v + n + 1, ";"), v + n + 1);
		return 1;
	}
	return 0;
}

int body_value(const struct cgi *c, const char *marker, char *out, size_t size)
{
	char *body = body_text(c);
	const char *p = strstr(body, marker);
	if (p) {
		p += strlen(marker);
		snprintf(out, size, "%.*s", (int)strcspn(p, "\""), p);
	}
	free(body);
	return p != NULL;
}

int body_has(const struct cgi *c, const char *needle)
{
	char *body = body_text(c);
	int found = strstr(body, needle) != NULL;
	free(body);
	return found;
}

char *body_text(const struct cgi *c)
{
	char *s = strndup(c->body, c->body_len);
	ck_assert_ptr_nonnull(s);
	return s;
}

cJSON *json_of(const struct cgi *c)
{
	const char *type = header(c, "Content-Type");
	ck_assert_msg(type && !strcmp(type, "application/json; charset=utf-8"), "Content-Type %s (status %d): %.*s",
		      type ? type : "(none)", c->status, (int)c->body_len, c->body);
	cJSON *j = cJSON_ParseWithLength(c->body, c->body_len);
	ck_assert_msg(j != NULL, "not JSON: %.*s", (int)c->body_len, c->body);
	return j;
}

const char *str_at(const cJSON *j, const char *a, const char *b, const char *cname)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	if (cname)
		v = cJSON_GetObjectItemCaseSensitive(v, cname);
	ck_assert_msg(cJSON_IsString(v), "%s.%s.%s is not a string", a, b ? b : "", cname ? cname : "");
	return v->valuestring;
}

double num_at(const cJSON *j, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	ck_assert_msg(cJSON_IsNumber(v), "%s.%s is not a number", a, b ? b : "");
	return v->valuedouble;
}

/* The error shape with status for path; returns the body (caller deletes). */
static cJSON *error_shape(const struct cgi *c, int status, const char *path)
{
	ck_assert_msg(c->status == status, "status %d, not %d: %.*s", c->status, status, (int)c->body_len, c->body);
	cJSON *j = json_of(c);
	ck_assert_msg(cJSON_GetArraySize(j) == 6, "not the error shape: %.*s", (int)c->body_len, c->body);
	ck_assert_str_eq(str_at(j, "status", NULL, NULL), "error");
	ck_assert_int_eq((int)num_at(j, "statusCode", NULL), status);
	ck_assert(*str_at(j, "message", NULL, NULL));
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(j, "errors"), *e;
	ck_assert(cJSON_IsArray(errors));
	cJSON_ArrayForEach(e, errors)
		ck_assert(cJSON_IsString(e));
	const char *ts = str_at(j, "timestamp", NULL, NULL);
	ck_assert_int_eq(strlen(ts), 24); /* 2026-01-02T03:04:05.678Z */
	ck_assert_int_eq(ts[10], 'T');
	ck_assert_int_eq(ts[strlen(ts) - 1], 'Z');
	ck_assert_str_eq(str_at(j, "path", NULL, NULL), path);
	return j;
}

void assert_error_shape(const struct cgi *c, int status, const char *path)
{
	cJSON_Delete(error_shape(c, status, path));
}

void assert_error_mentions(const struct cgi *c, int status, const char *path, const char *needle)
{
	cJSON *j = error_shape(c, status, path), *e;
	int found = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "errors"))
		found |= strstr(e->valuestring, needle) != NULL;
	ck_assert_msg(found, "no error mentions \"%s\": %.*s", needle, (int)c->body_len, c->body);
	cJSON_Delete(j);
}

void assert_errors_mention(const struct cgi *c, int status, const char *path, ...)
{
	va_list ap;
	va_start(ap, path);
	for (const char *needle; (needle = va_arg(ap, const char *));)
		assert_error_mentions(c, status, path, needle);
	va_end(ap);
}

cJSON *assert_data(const struct cgi *c, int status)
{
	ck_assert_msg(c->status == status, "status %d, not %d: %.*s", c->status, status, (int)c->body_len, c->body);
	cJSON *j = json_of(c);
	ck_assert_msg(cJSON_IsObject(j) && cJSON_GetArraySize(j) == 1 && cJSON_GetObjectItemCaseSensitive(j, "data"),
		      "not {\"data\": …}: %.*s", (int)c->body_len, c->body);
	return j;
}

cJSON *assert_list(const struct cgi *c, long long page, long long limit, long long total)
{
	ck_assert_msg(c->status == 200, "status %d: %.*s", c->status, (int)c->body_len, c->body);
	cJSON *j = json_of(c);
	ck_assert_msg(cJSON_GetArraySize(j) == 2, "not {data, meta}: %.*s", (int)c->body_len, c->body);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(j, "meta");
	ck_assert(cJSON_IsArray(data));
	ck_assert(cJSON_IsObject(meta));
	ck_assert_int_eq((long long)num_at(meta, "page", NULL), page);
	ck_assert_int_eq((long long)num_at(meta, "limit", NULL), limit);
	ck_assert_int_eq((long long)num_at(meta, "total", NULL), total);
	long long pages = (total + limit - 1) / limit;
	ck_assert_int_eq((long long)num_at(meta, "totalPages", NULL), pages);
	ck_assert(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(meta, "hasNextPage")));
	ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meta, "hasNextPage")), page < pages);
	ck_assert_int_eq(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meta, "hasPrevPage")), page > 1);
	long long shown = total - (page - 1) * limit;
	shown = shown < 0 ? 0 : shown > limit ? limit : shown;
	ck_assert_int_eq(cJSON_GetArraySize(data), shown);
	return j;
}

cJSON *data_of(const cJSON *body)
{
	return cJSON_GetObjectItemCaseSensitive(body, "data");
}

static mq_db *test_db(void)
{
	ck_assert_msg(test_ctx.db != NULL, "the test needs the database");
	return test_ctx.db;
}

void member_new(struct member *m, const char *role)
{
	static int n;
	bson_oid_t oid;
	bson_oid_init(&oid, NULL);
	memset(m, 0, sizeof *m);
	bson_oid_to_string(&oid, m->id);
	n++;
	snprintf(m->username, sizeof m->username, "member_%d_%d", (int)getpid() % 100000, n);
	snprintf(m->email, sizeof m->email, "%s@example.com", m->username);
	int64_t now = (int64_t)time(NULL) * 1000;
	test_db_insert(test_db(), "users",
		       BCON_NEW("_id", BCON_OID(&oid), "email", BCON_UTF8(m->email), "username", BCON_UTF8(m->username),
				"name", BCON_UTF8("Test Member"), "password_hash", BCON_UTF8("x"), "role", BCON_UTF8(role),
				"token_version", BCON_INT64(0), "settings", "{", "language", BCON_UTF8("en"), "theme",
				BCON_UTF8("light"), "}", "created_at", BCON_DATE_TIME(now), "updated_at", BCON_DATE_TIME(now)));
	member_issue(m, m->id, role);
}

void member_and_movie(struct member *m, char movie[25])
{
	member_new(m, "user");
	movie_insert(movie, 550, "Fight Club", 1999, 18);
}

void member_issue(struct member *m, const char *id, const char *role)
{
	cJSON *issued = cJSON_CreateObject();
	char *token = NULL;
	if (m->id != id)
		snprintf(m->id, sizeof m->id, "%s", id);
	mq_session_issue(&test_cfg, m->id, role, 0, issued, &token);
	snprintf(m->csrf, sizeof m->csrf, "%s", str_at(issued, "csrf_token", NULL, NULL));
	ck_assert_int_lt(snprintf(m->auth, sizeof m->auth, "Bearer %s", token), (int)sizeof m->auth);
	ck_assert_int_lt(snprintf(m->cookie, sizeof m->cookie, "%s=%s; %s=%s", MQ_SESSION_COOKIE, token, MQ_CSRF_COOKIE,
				  m->csrf), (int)sizeof m->cookie);
	free(token);
	cJSON_Delete(issued);
}

void movie_insert(char id[25], long long tmdb_id, const char *title, int year, long long genre)
{
	bson_oid_t oid;
	char slug[128];
	size_t j = 0;
	for (const char *p = title; *p && j < 100; p++)
		slug[j++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
	snprintf(slug + j, sizeof slug - j, "-%d", year);
	char date[16];
	snprintf(date, sizeof date, "%d-06-01", year);
	bson_oid_init(&oid, NULL);
	bson_oid_to_string(&oid, id);
	int64_t now = (int64_t)time(NULL) * 1000;
	bson_t *doc = BCON_NEW("_id", BCON_OID(&oid), "tmdb_id", BCON_INT64(tmdb_id), "slug", BCON_UTF8(slug),
			       "title", BCON_UTF8(title), "titles", "{", "en", BCON_UTF8(title), "}",
			       "original_title", BCON_UTF8(title), "overviews", "{", "en", BCON_UTF8("An overview."), "}",
			       "release_date", BCON_UTF8(date), "year", BCON_INT32(year), "popularity", BCON_DOUBLE(10.0),
			       "vote_average", BCON_DOUBLE(7.5), "vote_count", BCON_INT32(100), "source", BCON_UTF8("tmdb"),
			       "rating_sum", BCON_INT64(0), "rating_count", BCON_INT64(0), "average_rating",
			       BCON_DOUBLE(0), "created_at", BCON_DATE_TIME(now), "updated_at", BCON_DATE_TIME(now));
	bson_t genres, g;
	BSON_APPEND_ARRAY_BEGIN(doc, "genres", &genres);
	if (genre) {
		BSON_APPEND_DOCUMENT_BEGIN(&genres, "0", &g);
		BSON_APPEND_INT64(&g, "id", genre);
		BSON_APPEND_UTF8(&g, "name", "Genre");
		bson_append_document_end(&genres, &g);
	}
	bson_append_array_end(doc, &genres);
	test_db_insert(test_db(), "movies", doc);
}

void create_as(const mq_app *app, const char *path, const struct member *m, const char *body, char id[25])
{
	struct cgi c;
	run(app, &c, "POST", path, "HTTP_AUTHORIZATION", m->auth, "BODY", body, (const char *)NULL);
	cJSON *j = assert_data(&c, 201);
	snprintf(id, 25, "%s", str_at(j, "data", "id", NULL));
	cJSON_Delete(j);
}

void post_refused(const mq_app *app, const char *path, const struct member *m, const char *body, int status)
{
	struct cgi c;
	run(app, &c, "POST", path, "HTTP_AUTHORIZATION", m->auth, "BODY", body, (const char *)NULL);
	assert_error_shape(&c, status, path);
}

void post_bad_bodies(const mq_app *app, const char *path, const struct member *m, const struct bad_body *bad, size_t n)
{
	struct cgi c;
	for (size_t i = 0; i < n; i++) {
		run(app, &c, "POST", path, "HTTP_AUTHORIZATION", m->auth, "BODY", bad[i].body, (const char *)NULL);
		assert_error_mentions(&c, 400, path, bad[i].error);
	}
}

void genre_insert(long long tmdb_id, const char *slug, const char *en, const char *fa)
{
	test_db_insert(test_db(), "genres",
		       BCON_NEW("tmdb_id", BCON_INT64(tmdb_id), "slug", BCON_UTF8(slug), "names", "{", "en", BCON_UTF8(en),
				"fa", BCON_UTF8(fa), "}"));
}

void tmdb_cache_insert(const char *endpoint, const char *json, long long fresh_for)
{
	char family[32];
	snprintf(family, sizeof family, "%.*s", (int)strcspn(endpoint + 1, "/?"), endpoint + 1);
	int64_t now = (int64_t)time(NULL) * 1000;
	test_db_insert(test_db(), "tmdb_cache",
		       BCON_NEW("_id", BCON_UTF8(endpoint), "endpoint", BCON_UTF8(endpoint), "data", BCON_UTF8(json),
				"family", BCON_UTF8(family),
				"fetched_at", BCON_DATE_TIME(now - 1000), "valid_until", BCON_DATE_TIME(now + fresh_for * 1000),
				"misses", BCON_INT64(1)));
}

long long db_count(const char *collection, void *filter)
{
	bson_error_t error;
	mq_db *db = test_db();
	mongoc_client_t *client = mq_db_pop(db);
	ck_assert_ptr_nonnull(client);
	mongoc_collection_t *coll = mq_db_collection(db, client, collection);
	int64_t n = mongoc_collection_count_documents(coll, filter, NULL, NULL, NULL, &error);
	ck_assert_msg(n >= 0, "count: %s", error.message);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return (long long)n;
}
