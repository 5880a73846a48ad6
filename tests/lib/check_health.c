/* check_health.c — unit tests for lib/site/health.c: process, database, TMDB (in-process server), cache. */
#include "suites.h"

#include "core/buf.h"
#include "core/config.h"
#include "site/health.h"
#include "store/db.h"
#include "web/ctx.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define READ_TOKEN "eyJhbGciOiJIUzI1NiJ9.read-token-Sekr1t"
#define API_KEY "0123456789abcdefApiKeySekr1t"

static const char *str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	ck_assert_msg(cJSON_IsString(v), "%s is not a string", name);
	return v->valuestring;
}

static double num(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", name);
	return v->valuedouble;
}

/* ---- a tiny HTTP server: answers one request per entry of statuses (0: never answers) ---- */

#define MAX_ANSWERS 4

struct server {
	int fd, port;
	int statuses[MAX_ANSWERS];
	int n;
	int served;
	char requests[MAX_ANSWERS][4096];
	pthread_t tid;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	for (int i = 0; i < s->n; i++) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0)
			break; /* nobody came: the test fails on its own assertions */
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		size_t len = 0;
		char *buf = s->requests[i];
		while (len < sizeof s->requests[i] - 1 && !strstr(buf, "\r\n\r\n")) {
			struct pollfd q = { .fd = c, .events = POLLIN };
			if (poll(&q, 1, 3000) <= 0)
				break;
			ssize_t n = read(c, buf + len, sizeof s->requests[i] - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			buf[len] = '\0';
		}
		s->served++;
		if (s->statuses[i] == 0) {
			/* frozen: hold the connection until the client gives up */
			char tmp[16];
			struct pollfd q = { .fd = c, .events = POLLIN };
			if (poll(&q, 1, 4000) > 0 && read(c, tmp, sizeof tmp) < 0)
				break;
			close(c);
			continue;
		}
		char reply[256];
		int n = snprintf(reply, sizeof reply,
				 "HTTP/1.1 %d Test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
				 "Connection: close\r\n\r\n{}", s->statuses[i]);
		if (write(c, reply, (size_t)n) != n)
			fprintf(stderr, "health test server: short write\n");
		close(c);
	}
	return NULL;
}

/* Starts a server on 127.0.0.1 with the given answers, ending with -1. */
static void server_start_list(struct server *s, const int *statuses)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	memset(s, 0, sizeof *s);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (s->n = 0; statuses[s->n] >= 0 && s->n < MAX_ANSWERS; s->n++)
		s->statuses[s->n] = statuses[s->n];
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->fd, 8), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s->tid, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	pthread_join(s->tid, NULL);
	close(s->fd);
}

/* A configuration for base URL url and the given credentials. */
static mq_config cfg;
static char base_url[128];
static char read_token[] = READ_TOKEN;
static char api_key[] = API_KEY;

static void config_for(const char *url, int with_read_token, int with_api_key)
{
	memset(&cfg, 0, sizeof cfg);
	snprintf(base_url, sizeof base_url, "%s", url);
	cfg.tmdb_base_url = base_url;
	cfg.tmdb_read_token = with_read_token ? read_token : NULL;
	cfg.tmdb_api_key = with_api_key ? api_key : NULL;
}

static void setup(void)
{
	/* the test server is local, whatever proxy the environment names */
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
}

/* Runs the TMDB check; returns its result and the JSON text in *json (free() it). */
static mq_err tmdb_check(cJSON **out, char **json)
{
	*out = cJSON_CreateObject();
	mq_tmdb *t = mq_tmdb_new(&cfg, NULL);
	mq_err rc = mq_health_tmdb_check(*out, &cfg, t);
	mq_tmdb_free(t);
	*json = cJSON_PrintUnformatted(*out);
	ck_assert_ptr_nonnull(*json);
	return rc;
}

static void assert_no_secret(const char *json)
{
	ck_assert_msg(!strstr(json, "Sekr1t"), "a credential in %s", json);
}

START_TEST(process)
{
	cJSON *out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_process(out, time(NULL) - 5), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "ok");
	ck_assert_str_eq(str(out, "version"), MQ_VERSION);
	ck_assert(num(out, "uptime_seconds") >= 5);
	const cJSON *mem = cJSON_GetObjectItemCaseSensitive(out, "memory");
	ck_assert(cJSON_IsObject(mem));
	ck_assert(num(mem, "rss_bytes") > 0);
	ck_assert(num(mem, "peak_rss_bytes") > 0);
	cJSON_Delete(out);

	/* started just now */
	out = cJSON_CreateObject();
	mq_health_process(out, time(NULL));
	ck_assert(num(out, "uptime_seconds") >= 0);
	cJSON_Delete(out);
}
END_TEST

START_TEST(database_null)
{
	cJSON *out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_database(out, NULL), MQ_EUNAVAIL);
	ck_assert_str_eq(str(out, "status"), "down");
	ck_assert(num(out, "latency_ms") >= 0);
	cJSON_Delete(out);

	out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_cache(out, NULL), MQ_EUNAVAIL);
	ck_assert_str_eq(str(out, "status"), "down");
	cJSON_Delete(out);
}
END_TEST

START_TEST(database_unreachable)
{
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *db = mq_db_open("mongodb://127.0.0.1:1/", "marquee_unit", "marquee-unit",
			       MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_ptr_nonnull(db);
	cJSON *out = cJSON_CreateObject();
	double t0 = test_now();
	ck_assert_int_eq(mq_health_database(out, db), MQ_EUNAVAIL);
	ck_assert(test_now() - t0 < 3.0);
	ck_assert_str_eq(str(out, "status"), "down");
	ck_assert_str_eq(str(out, "name"), "marquee_unit");
	cJSON_Delete(out);
	out = cJSON_CreateObject();
	ck_assert_int_ne(mq_health_cache(out, db), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "down");
	cJSON_Delete(out);
	mq_db_close(db);
	mq_buf_free(&err);
}
END_TEST

START_TEST(tmdb_read_token)
{
	struct server s;
	char url[64], *json;
	cJSON *out;
	server_start_list(&s, (const int[]){ 200, 401, -1 });
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s.port);
	config_for(url, 1, 1);

	ck_assert_int_eq(tmdb_check(&out, &json), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "up");
	ck_assert_str_eq(str(out, "base_url"), url);
	ck_assert_str_eq(str(out, "credentials"), "read_token");
	ck_assert_int_eq((int)num(out, "http_status"), 200);
	ck_assert(num(out, "latency_ms") >= 0);
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);

	ck_assert_int_eq(tmdb_check(&out, &json), MQ_EUNAVAIL);
	ck_assert_str_eq(str(out, "status"), "unauthorized");
	ck_assert_int_eq((int)num(out, "http_status"), 401);
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);
	server_stop(&s);

	/* what the server saw: the configuration endpoint, the token as a bearer header only */
	ck_assert_int_eq(s.served, 2);
	ck_assert_msg(!strncmp(s.requests[0], "GET /3/configuration HTTP/1.1\r\n", 31), "%s", s.requests[0]);
	ck_assert_ptr_nonnull(strstr(s.requests[0], "\r\nAuthorization: Bearer " READ_TOKEN "\r\n"));
	ck_assert_ptr_null(strstr(s.requests[0], "api_key"));
	ck_assert_ptr_nonnull(strstr(s.requests[0], "\r\nAccept: application/json\r\n"));
}
END_TEST

/* The endpoint's answer is shared for MQ_HEALTH_TMDB_TTL seconds: a burst of checks makes
 * one request to TMDB, through the thread's client (its rate limiter applies). */
START_TEST(tmdb_cached)
{
	struct server s;
	char url[64];
	server_start_list(&s, (const int[]){ 200, -1 });
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s.port);
	config_for(url, 1, 0);
	mq_tmdb *t = mq_tmdb_new(&cfg, NULL);
	for (int i = 0; i < 20; i++) {
		cJSON *out = cJSON_CreateObject();
		ck_assert_int_eq(mq_health_tmdb(out, &cfg, t), MQ_OK);
		ck_assert_str_eq(str(out, "status"), "up");
		ck_assert_ptr_nonnull(str(out, "checked_at"));
		cJSON_Delete(out);
	}
	mq_tmdb_free(t);
	server_stop(&s);
	ck_assert_int_eq(s.served, 1);
}
END_TEST

START_TEST(tmdb_api_key)
{
	struct server s;
	char url[64], *json;
	cJSON *out;
	server_start_list(&s, (const int[]){ 200, 500, -1 });
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s.port);
	config_for(url, 0, 1);
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "up");
	ck_assert_str_eq(str(out, "credentials"), "api_key");
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);

	/* a server error is "down", an upstream problem */
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_EUPSTREAM);
	ck_assert_str_eq(str(out, "status"), "down");
	ck_assert_int_eq((int)num(out, "http_status"), 500);
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);
	server_stop(&s);
	ck_assert_int_eq(s.served, 2);
	ck_assert_msg(!strncmp(s.requests[0], "GET /3/configuration?api_key=" API_KEY " HTTP/1.1\r\n",
			       strlen("GET /3/configuration?api_key=" API_KEY " HTTP/1.1\r\n")),
		      "%s", s.requests[0]);
	ck_assert_ptr_null(strstr(s.requests[0], "Authorization:"));
}
END_TEST

START_TEST(tmdb_unconfigured)
{
	/* no credentials: no request at all */
	struct server s;
	char url[64], *json;
	cJSON *out;
	server_start_list(&s, (const int[]){ 200, -1 });
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s.port);
	config_for(url, 0, 0);
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_EUNAVAIL);
	ck_assert_str_eq(str(out, "status"), "unconfigured");
	ck_assert_str_eq(str(out, "credentials"), "none");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(out, "error"));
	cJSON_Delete(out);
	free(json);
	/* let the server thread give up waiting (it polls for 5 s): connect and leave */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s.port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(write(fd, "X\r\n\r\n", 5), 5);
	close(fd);
	server_stop(&s);
	ck_assert_ptr_eq(strstr(s.requests[0], "configuration"), NULL);
}
END_TEST

START_TEST(tmdb_unreachable)
{
	/* a closed port */
	struct server s;
	char url[64], *json;
	cJSON *out;
	server_start_list(&s, (const int[]){ -1 });
	int port = s.port;
	server_stop(&s);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", port);
	config_for(url, 1, 0);
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_EUNAVAIL);
	ck_assert_str_eq(str(out, "status"), "down");
	ck_assert_int_eq((int)num(out, "http_status"), 0);
	ck_assert(strlen(str(out, "error")) > 0);
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);

	config_for(url, 0, 1); /* the key is in the URL: not in any error either */
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_EUNAVAIL);
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);
}
END_TEST

START_TEST(tmdb_frozen)
{
	/* accepts, reads the request, never answers: the two-second limit applies */
	struct server s;
	char url[64], *json;
	cJSON *out;
	server_start_list(&s, (const int[]){ 0, -1 });
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s.port);
	config_for(url, 1, 0);
	double t0 = test_now();
	ck_assert_int_eq(tmdb_check(&out, &json), MQ_ETIMEOUT);
	double secs = test_now() - t0;
	ck_assert_msg(secs < 3.0, "took %.2f s", secs);
	ck_assert_str_eq(str(out, "status"), "down");
	assert_no_secret(json);
	cJSON_Delete(out);
	free(json);
	server_stop(&s);
}
END_TEST

START_TEST(cache_live)
{
	const char *uri = getenv("MONGODB_URI");
	if (!uri || !*uri) {
		fprintf(stderr, "health:cache_live: skipped: MONGODB_URI unset\n");
		return;
	}
	char name[64];
	snprintf(name, sizeof name, "marquee_unit_%d", (int)getpid());
	mq_buf err = MQ_BUF_INIT;
	test_mongoc_once();
	mq_db *db = mq_db_open(uri, name, "marquee-unit", MQ_DB_TIMEOUTS_PROBE, &err);
	ck_assert_msg(db != NULL, "%s", mq_buf_cstr(&err));

	/* an empty (absent) collection */
	cJSON *out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_cache(out, db), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "up");
	ck_assert_int_eq((int)num(out, "entries"), 0);
	ck_assert_int_eq((int)num(out, "expired"), 0);
	cJSON_Delete(out);

	/* three entries, two of them expired */
	mongoc_client_t *client = mq_db_pop(db);
	ck_assert_ptr_nonnull(client);
	mongoc_collection_t *coll = mq_db_collection(db, client, "tmdb_cache");
	int64_t now_ms = (int64_t)time(NULL) * 1000;
	const int64_t offsets[] = { -3600000, -1000, 3600000 };
	bson_error_t error;
	for (size_t i = 0; i < 3; i++) {
		bson_t *doc = BCON_NEW("key", BCON_INT32((int32_t)i), "valid_until", BCON_DATE_TIME(now_ms + offsets[i]));
		bool ok = mongoc_collection_insert_one(coll, doc, NULL, NULL, &error);
		bson_destroy(doc);
		ck_assert_msg(ok, "insert: %s", error.message);
	}
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);

	out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_cache(out, db), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "up");
	ck_assert_int_eq((int)num(out, "entries"), 3);
	ck_assert_int_eq((int)num(out, "expired"), 2);
	cJSON_Delete(out);

	out = cJSON_CreateObject();
	ck_assert_int_eq(mq_health_database(out, db), MQ_OK);
	ck_assert_str_eq(str(out, "status"), "up");
	ck_assert_str_eq(str(out, "name"), name);
	cJSON_Delete(out);

	client = mq_db_pop(db);
	mongoc_database_t *d = mongoc_client_get_database(client, name);
	ck_assert_msg(mongoc_database_drop(d, &error), "drop: %s", error.message);
	mongoc_database_destroy(d);
	mq_db_push(db, client);
	mq_db_close(db);
	mq_buf_free(&err);
}
END_TEST

Suite *health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *local = tcase_create("local");
	TCase *tmdb = tcase_create("tmdb");
	TCase *live = tcase_create("live");

	tcase_add_test(local, process);
	tcase_add_test(local, database_null);
	tcase_add_test(local, database_unreachable);
	tcase_set_timeout(local, 20);
	suite_add_tcase(s, local);

	tcase_add_checked_fixture(tmdb, setup, NULL);
	tcase_add_test(tmdb, tmdb_read_token);
	tcase_add_test(tmdb, tmdb_api_key);
	tcase_add_test(tmdb, tmdb_cached);
	tcase_add_test(tmdb, tmdb_unconfigured);
	tcase_add_test(tmdb, tmdb_unreachable);
	tcase_add_test(tmdb, tmdb_frozen);
	tcase_set_timeout(tmdb, 30);
	suite_add_tcase(s, tmdb);

	tcase_add_test(live, cache_live);
	tcase_set_timeout(live, 30);
	suite_add_tcase(s, live);
	return s;
}
