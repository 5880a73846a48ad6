/* check_tmdb.c — unit tests for lib/tmdb/tmdb.c: envelopes and readers over the shared TMDB
 * recordings (../shared/fixtures/tmdb, read in place), the limiter on a fake clock, the client
 * against the stand-in server (tests/tmdb-standin) with injected faults, and against a
 * one-connection server in a thread for answers the stand-in cannot give (oversized bodies,
 * redirects, non-object JSON).
 *
 * Each stand-in test starts its own server (python3 …/standin.py --port 0, about 60 ms) in a
 * checked fixture and stops it by pid in the teardown; the child also gets SIGTERM through
 * PR_SET_PDEATHSIG, so a failed assertion (which skips the teardown in fork mode) leaves no
 * server behind. Suites run from the repository root.
 */
#include "suites.h"

#include "core/buf.h"
#include "core/config.h"
#include "tmdb/tmdb.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define FIXTURES "../shared/fixtures/tmdb"
#define STANDIN "tests/tmdb-standin/standin.py"
#define TOKEN "test-token"
#define API_KEY "test-api-key"

/* ---- readers and envelopes, no network ---------------------------------------------------- */

START_TEST(parse_error_shapes)
{
	static const struct {
		const char *body;
		int ok, code;
		const char *message;
	} cases[] = {
		{ "{\"status_code\":34,\"status_message\":\"Not found.\",\"success\":false}", 0, 34, "Not found." },
		{ "{\"success\":false,\"status_code\":6,\"status_message\":\"Invalid id.\"}", 0, 6, "Invalid id." },
		{ "{\"status_message\":\"Over.\",\"status_code\":25}", 0, 25, "Over." },
		{ "{\"success\":false,\"failure\":true,\"status_code\":17,\"status_message\":\"Session denied.\"}",
		  0, 17, "Session denied." },
		{ "{\"errors\":[\"query must be provided\"]}", 0, 0, "query must be provided" },
		{ "{\"errors\":[\"page must be less than or equal to 500\",\"x\"]}", 0, 0,
		  "page must be less than or equal to 500" },
		{ "{\"errors\":[]}", 0, 0, "" },
		{ "{\"success\":true,\"status_code\":1,\"status_message\":\"Success.\"}", -1, 0, NULL },
		{ "{\"status_code\":\"34\",\"status_message\":\"x\"}", -1, 0, NULL },
		{ "{\"status_code\":3.5,\"status_message\":\"x\"}", -1, 0, NULL },
		{ "{\"status_code\":-1,\"status_message\":\"x\"}", -1, 0, NULL },
		{ "{\"status_code\":34}", -1, 0, NULL },
		{ "{\"page\":1,\"results\":[]}", -1, 0, NULL },
		{ "[{\"status_code\":34,\"status_message\":\"x\"}]", -1, 0, NULL },
		{ "{\"status_code\":34,\"status_mess", -1, 0, NULL },
		{ "", -1, 0, NULL },
		{ "null", -1, 0, NULL },
		{ "<html>404</html>", -1, 0, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int code = -7;
		char message[64] = "untouched";
		int rc = mq_tmdb_parse_error(cases[i].body, strlen(cases[i].body), &code, message, sizeof message);
		ck_assert_msg(rc == cases[i].ok, "case %zu: %d", i, rc);
		if (rc == 0) {
			ck_assert_int_eq(code, cases[i].code);
			ck_assert_str_eq(message, cases[i].message);
		} else {
			ck_assert_int_eq(code, -7);
			ck_assert_str_eq(message, "untouched");
		}
	}
	/* not NUL-terminated, NULL outputs, a message cut at a character boundary */
	const char body[] = "{\"status_code\":7,\"status_message\":\"\xd9\x81\xd8\xa7\xd8\xb1\xd8\xb3\xdb\x8c\"}XXXX";
	ck_assert_int_eq(mq_tmdb_parse_error(body, sizeof body - 5, NULL, NULL, 0), 0);
	char small[4];
	int code = 0;
	ck_assert_int_eq(mq_tmdb_parse_error(body, sizeof body - 5, &code, small, sizeof small), 0);
	ck_assert_int_eq(code, 7);
	ck_assert_str_eq(small, "\xd9\x81"); /* 3 bytes available: one whole 2-byte character */
	ck_assert_int_eq(mq_tmdb_parse_error(NULL, 0, &code, small, sizeof small), -1);
}
END_TEST

START_TEST(readers)
{
	cJSON *o = cJSON_Parse("{\"i\":7,\"f\":7.25,\"s\":\"x\",\"e\":\"\",\"n\":null,\"b\":true,"
			       "\"a\":[1],\"ns\":\"7\"}");
	ck_assert_ptr_nonnull(o);
	ck_assert(mq_tmdb_number(o, "i", -1) == 7);
	ck_assert(mq_tmdb_number(o, "f", -1) == 7.25);
	ck_assert(mq_tmdb_number(o, "s", -1) == -1);
	ck_assert(mq_tmdb_number(o, "n", -1) == -1);
	ck_assert(mq_tmdb_number(o, "b", -1) == -1);
	ck_assert(mq_tmdb_number(o, "ns", -1) == -1);
	ck_assert(mq_tmdb_number(o, "absent", -1) == -1);
	ck_assert(mq_tmdb_number(NULL, "i", -1) == -1);
	ck_assert(mq_tmdb_number(cJSON_GetObjectItem(o, "a"), "i", -1) == -1);
	ck_assert_str_eq(mq_tmdb_string(o, "s"), "x");
	ck_assert_ptr_null(mq_tmdb_string(o, "e"));
	ck_assert_ptr_null(mq_tmdb_string(o, "n"));
	ck_assert_ptr_null(mq_tmdb_string(o, "i"));
	ck_assert_ptr_null(mq_tmdb_string(o, "absent"));
	ck_assert_ptr_null(mq_tmdb_string(NULL, "s"));
	cJSON_Delete(o);

	ck_assert_int_eq(mq_tmdb_year("1999-10-15"), 1999);
	ck_assert_int_eq(mq_tmdb_year("2013-02-14T00:00:00.000Z"), 2013);
	ck_assert_int_eq(mq_tmdb_year("2024-12-24 09:57:34 UTC"), 2024);
	ck_assert_int_eq(mq_tmdb_year("1962"), 1962);
	ck_assert_int_eq(mq_tmdb_year(""), 0);
	ck_assert_int_eq(mq_tmdb_year(NULL), 0);
	ck_assert_int_eq(mq_tmdb_year("0000-01-01"), 0);
	ck_assert_int_eq(mq_tmdb_year("199-10-15"), 0);
	ck_assert_int_eq(mq_tmdb_year("19999-10-15"), 0);
	ck_assert_int_eq(mq_tmdb_year("1999-13-15"), 0);
	ck_assert_int_eq(mq_tmdb_year("1999-10-155"), 0);
	ck_assert_int_eq(mq_tmdb_year("1999-1-15"), 0);
	ck_assert_int_eq(mq_tmdb_year("1999-"), 0);
	ck_assert_int_eq(mq_tmdb_year("abcd-01-01"), 0);
	ck_assert_int_eq(mq_tmdb_year("-999-01-01"), 0);
	ck_assert_int_eq(mq_tmdb_year("1999x"), 0);

	mq_buf b = MQ_BUF_INIT;
	mq_tmdb_image_url("https://image.tmdb.org/t/p/", "w500", "/1E5baAaEse26fej7uHcjOgEE2t2.jpg", &b);
	ck_assert_str_eq(mq_buf_cstr(&b), "https://image.tmdb.org/t/p/w500/1E5baAaEse26fej7uHcjOgEE2t2.jpg");
	mq_buf_reset(&b);
	mq_tmdb_image_url("http://image.tmdb.org/t/p", "h632", "abc.png", &b);
	ck_assert_str_eq(mq_buf_cstr(&b), "http://image.tmdb.org/t/p/h632/abc.png");
	mq_buf_reset(&b);
	mq_tmdb_image_url(NULL, NULL, "/a.jpg", &b);
	ck_assert_str_eq(mq_buf_cstr(&b), "https://image.tmdb.org/t/p/original/a.jpg");
	static const char *const refused[][3] = {
		{ "https://image.tmdb.org/t/p/", "w500", NULL },
		{ "https://image.tmdb.org/t/p/", "w500", "" },
		{ "https://image.tmdb.org/t/p/", "w500", "/../x.jpg" },
		{ "https://image.tmdb.org/t/p/", "w500", "/a.jpg?x=1" },
		{ "https://image.tmdb.org/t/p/", "w500", "/a b.jpg" },
		{ "https://image.tmdb.org/t/p/", "w/500", "/a.jpg" },
		{ "javascript:alert(1)//", "w500", "/a.jpg" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		mq_buf_reset(&b);
		mq_tmdb_image_url(refused[i][0], refused[i][1], refused[i][2], &b);
		ck_assert_msg(b.len == 0, "case %zu gave %s", i, mq_buf_cstr(&b));
		ck_assert_str_eq(mq_buf_cstr(&b), "");
	}
	mq_buf_free(&b);
}
END_TEST

START_TEST(new_needs_a_credential)
{
	char empty[] = "", token[] = TOKEN, bad[] = "tok\r\nX-Evil: 1", url[] = "http://127.0.0.1:1/3";
	mq_config cfg = { 0 };
	cfg.tmdb_base_url = url;
	ck_assert_ptr_null(mq_tmdb_new(&cfg, NULL));
	cfg.tmdb_read_token = empty;
	cfg.tmdb_api_key = empty;
	ck_assert_ptr_null(mq_tmdb_new(&cfg, NULL));
	cfg.tmdb_read_token = bad;
	ck_assert_ptr_null(mq_tmdb_new(&cfg, NULL));
	cfg.tmdb_read_token = token;
	mq_tmdb *t = mq_tmdb_new(&cfg, NULL);
	ck_assert_ptr_nonnull(t);
	mq_tmdb_free(t);
	mq_tmdb_free(NULL);
	mq_tmdb_result_clear(NULL);
}
END_TEST

/* ---- the shared recordings ---------------------------------------------------------------- */

struct quirks {
	int items, integer_votes, empty_dates, real_dates, null_posters, posters;
};

/* Calls every reader on every member of every object: nothing may crash (ASan watches). */
static void walk(const cJSON *node, mq_buf *scratch)
{
	for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
		if (cJSON_IsObject(node) && c->string) {
			double d = mq_tmdb_number(node, c->string, 0);
			ck_assert(isfinite(d));
			const char *s = mq_tmdb_string(node, c->string);
			if (s) {
				int y = mq_tmdb_year(s);
				ck_assert(y >= 0 && y <= 9999);
				mq_buf_reset(scratch);
				mq_tmdb_image_url(NULL, "w500", s, scratch);
			}
		}
		walk(c, scratch);
	}
}

/* List items ("results" arrays, also inside appended objects): the fields the catalogue reads. */
static void check_lists(const char *file, const cJSON *node, struct quirks *q, mq_buf *scratch)
{
	const cJSON *results = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "results") : NULL;
	if (cJSON_IsArray(results)) {
		const cJSON *item;
		cJSON_ArrayForEach(item, results) {
			if (!cJSON_IsObject(item) || !cJSON_GetObjectItemCaseSensitive(item, "title"))
				continue;
			q->items++;
			double vote = mq_tmdb_number(item, "vote_average", NAN);
			ck_assert_msg(isfinite(vote) && vote >= 0 && vote <= 10, "%s: vote_average", file);
			if (vote == floor(vote))
				q->integer_votes++;
			const cJSON *date = cJSON_GetObjectItemCaseSensitive(item, "release_date");
			if (cJSON_IsString(date) && !date->valuestring[0]) {
				q->empty_dates++;
				ck_assert_int_eq(mq_tmdb_year(date->valuestring), 0);
				ck_assert_ptr_null(mq_tmdb_string(item, "release_date"));
			} else if (cJSON_IsString(date)) {
				const char *d = date->valuestring;
				int want = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
				ck_assert_msg(mq_tmdb_year(d) == want && want >= 1870 && want <= 2100,
					      "%s: release_date %s", file, d);
				q->real_dates++;
			}
			const cJSON *poster = cJSON_GetObjectItemCaseSensitive(item, "poster_path");
			mq_buf_reset(scratch);
			mq_tmdb_image_url("https://image.tmdb.org/t/p/", "w500", mq_tmdb_string(item, "poster_path"),
					  scratch);
			if (cJSON_IsNull(poster)) {
				q->null_posters++;
				ck_assert_ptr_null(mq_tmdb_string(item, "poster_path"));
				ck_assert_str_eq(mq_buf_cstr(scratch), "");
			} else if (cJSON_IsString(poster)) {
				q->posters++;
				ck_assert_ptr_nonnull(mq_tmdb_string(item, "poster_path"));
				ck_assert_msg(!strncmp(mq_buf_cstr(scratch), "https://image.tmdb.org/t/p/w500/", 32),
					      "%s: poster %s", file, poster->valuestring);
			}
		}
	}
	for (const cJSON *c = node ? node->child : NULL; c; c = c->next)
		check_lists(file, c, q, scratch);
}

/* The code a fixture's name promises ("…__status34…"), or 0 for the {"errors":[…]} ones. */
static int code_in_name(const char *name)
{
	const char *p = strstr(name, "__status");
	int code = 0;
	if (!p)
		return 0;
	for (p += 8; *p >= '0' && *p <= '9'; p++)
		code = code * 10 + (*p - '0');
	return code;
}

static void check_error_fixture(const char *name, const mq_buf *body, const cJSON *root)
{
	int code = -1;
	char message[256];
	ck_assert_msg(mq_tmdb_parse_error(body->data, body->len, &code, message, sizeof message) == 0,
		      "%s: not recognised as an error envelope", name);
	ck_assert_msg(code == code_in_name(name), "%s: code %d", name, code);
	const cJSON *sm = cJSON_GetObjectItemCaseSensitive(root, "status_message");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
	const char *want = cJSON_IsString(sm) ? sm->valuestring
			 : cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0)->valuestring : NULL;
	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(message, want);
	ck_assert_msg(code != 0 || cJSON_IsArray(errors), "%s: code 0 without errors[]", name);
}

START_TEST(shared_fixtures)
{
	DIR *dir = opendir(FIXTURES);
	if (!dir) {
		fprintf(stderr, "tmdb:shared_fixtures: skipped: ../shared absent\n");
		return;
	}
	struct quirks q = { 0 };
	int files = 0, errors = 0;
	mq_buf path = MQ_BUF_INIT, body = MQ_BUF_INIT, err = MQ_BUF_INIT, scratch = MQ_BUF_INIT;
	for (struct dirent *e; (e = readdir(dir));) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 5, ".json"))
			continue;
		mq_buf_reset(&path);
		mq_buf_reset(&body);
		mq_buf_printf(&path, "%s/%s", FIXTURES, e->d_name);
		ck_assert_msg(mq_buf_read_file(&body, mq_buf_cstr(&path), 16 * 1024 * 1024, &err) == 0,
			      "%s", mq_buf_cstr(&err));
		cJSON *root = cJSON_ParseWithLength(body.data, body.len);
		ck_assert_msg(root != NULL, "%s does not parse", e->d_name);
		files++;
		if (!strncmp(e->d_name, "error_", 6)) {
			errors++;
			check_error_fixture(e->d_name, &body, root);
		} else {
			ck_assert_msg(mq_tmdb_parse_error(body.data, body.len, NULL, NULL, 0) == -1,
				      "%s taken for an error envelope", e->d_name);
			check_lists(e->d_name, root, &q, &scratch);
		}
		walk(root, &scratch);
		cJSON_Delete(root);
	}
	closedir(dir);
	mq_buf_free(&path);
	mq_buf_free(&body);
	mq_buf_free(&err);
	mq_buf_free(&scratch);
	/* the recordings hold every quirk the readers exist for */
	ck_assert_int_ge(files, 50);
	ck_assert_int_ge(errors, 8);
	ck_assert_int_ge(q.items, 300);
	ck_assert_int_gt(q.integer_votes, 0);
	ck_assert_int_gt(q.empty_dates, 0);
	ck_assert_int_gt(q.real_dates, 0);
	ck_assert_int_gt(q.null_posters, 0);
	ck_assert_int_gt(q.posters, 0);
}
END_TEST

/* ---- limiter ------------------------------------------------------------------------------ */

START_TEST(limiter_fake_clock)
{
	mq_tmdb_limiter *l = mq_tmdb_limiter_new(4);
	double w[8];
	for (int i = 0; i < 8; i++) {
		w[i] = mq_tmdb_limiter_reserve(l, 100.0);
		if (i == 0)
			ck_assert(w[0] == 0);
		else
			ck_assert_msg(w[i] > w[i - 1], "wait %d: %f after %f", i, w[i], w[i - 1]);
	}
	ck_assert_double_eq_tol(w[1], 0.25, 1e-9);
	ck_assert(w[7] >= 1.5);
	/* the eight slots end at 102.0: later, free again, and idle time is not saved up */
	ck_assert(mq_tmdb_limiter_reserve(l, 105.0) == 0);
	ck_assert_double_eq_tol(mq_tmdb_limiter_reserve(l, 105.1), 0.15, 1e-9);
	ck_assert(mq_tmdb_limiter_reserve(l, 110.0) == 0);
	mq_tmdb_limiter_free(l);

	mq_tmdb_limiter *none = mq_tmdb_limiter_new(0);
	for (int i = 0; i < 100; i++)
		ck_assert(mq_tmdb_limiter_reserve(none, 1.0) == 0);
	mq_tmdb_limiter_free(none);
	ck_assert(mq_tmdb_limiter_reserve(NULL, 1.0) == 0);
	mq_tmdb_limiter_free(NULL);
}
END_TEST

#define THREADS 4
#define PER_THREAD 250

struct reserver {
	mq_tmdb_limiter *l;
	double waits[PER_THREAD];
};

static void *reserve_many(void *arg)
{
	struct reserver *r = arg;
	for (int i = 0; i < PER_THREAD; i++)
		r->waits[i] = mq_tmdb_limiter_reserve(r->l, 0.0);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

START_TEST(limiter_threads)
{
	static struct reserver r[THREADS];
	static double all[THREADS * PER_THREAD];
	pthread_t tid[THREADS];
	mq_tmdb_limiter *l = mq_tmdb_limiter_new(1000);
	for (int i = 0; i < THREADS; i++) {
		r[i].l = l;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, reserve_many, &r[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < THREADS; i++)
		memcpy(all + i * PER_THREAD, r[i].waits, sizeof r[i].waits);
	qsort(all, THREADS * PER_THREAD, sizeof all[0], cmp_double);
	/* every slot handed out exactly once */
	for (int i = 0; i < THREADS * PER_THREAD; i++)
		ck_assert_double_eq_tol(all[i], i / 1000.0, 1e-9);
	mq_tmdb_limiter_free(l);
}
END_TEST

/* ---- the stand-in server ------------------------------------------------------------------ */

static struct {
	pid_t pid;
	int out;          /* read end of its stdout */
	char url[128];    /* http://127.0.0.1:PORT/3 */
	char root[128];   /* http://127.0.0.1:PORT */
} sd = { .pid = -1, .out = -1 };

static mq_tmdb_limiter *limiter;
static mq_config cfg;
static char cfg_token[64], cfg_key[64];

static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		if (n && n < sizeof buf - strlen(prog) - 2) {
			snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
			if (!access(buf, X_OK))
				return 1;
		}
		path += n + (path[n] == ':');
	}
	return 0;
}

static void standin_stop(void)
{
	if (sd.pid > 0) {
		int status;
		kill(sd.pid, SIGTERM);
		for (int i = 0; i < 500 && waitpid(sd.pid, &status, WNOHANG) == 0; i++)
			usleep(10000);
		if (waitpid(sd.pid, &status, WNOHANG) == 0) {
			kill(sd.pid, SIGKILL);
			waitpid(sd.pid, &status, 0);
		}
	}
	if (sd.out >= 0)
		close(sd.out);
	sd.pid = -1;
	sd.out = -1;
	sd.url[0] = '\0';
	mq_tmdb_limiter_free(limiter);
	limiter = NULL;
}

static void standin_start(void)
{
	int fds[2];
	sd.pid = -1;
	sd.out = -1;
	sd.url[0] = '\0';
	if (!in_path("python3") || access(STANDIN, R_OK))
		return;
	ck_assert_int_eq(pipe(fds), 0);
	pid_t parent = getpid();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* only async-signal-safe calls until exec */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int null = open("/dev/null", O_RDWR);
		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", STANDIN, "--port", "0", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	sd.pid = pid;
	sd.out = fds[0];
	/* the first stdout line is the base URL */
	size_t len = 0;
	while (len < sizeof sd.url - 1) {
		struct pollfd p = { .fd = sd.out, .events = POLLIN };
		ck_assert_msg(poll(&p, 1, 10000) > 0, "the stand-in printed no URL within 10 s");
		ssize_t n = read(sd.out, sd.url + len, 1);
		ck_assert_msg(n == 1, "the stand-in exited before printing its URL");
		if (sd.url[len] == '\n')
			break;
		len++;
	}
	sd.url[len] = '\0';
	ck_assert_msg(!strncmp(sd.url, "http://127.0.0.1:", 17) && len > 2 && !strcmp(sd.url + len - 2, "/3"),
		      "unexpected stand-in URL %s", sd.url);
	memcpy(sd.root, sd.url, len - 2);
	sd.root[len - 2] = '\0';
	limiter = mq_tmdb_limiter_new(1000);
}

/* Skips the test (passing) when the stand-in could not be started. */
#define NEED_STANDIN()                                                                             \
	do {                                                                                       \
		if (sd.pid <= 0) {                                                                 \
			fprintf(stderr, "tmdb:%.*s: skipped: python3 or " STANDIN " missing\n",       \
				(int)strlen(__func__) - 3, __func__); /* Check names it test_fn */   \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static size_t collect(char *ptr, size_t size, size_t nmemb, void *data)
{
	mq_buf_append(data, ptr, size * nmemb);
	return size * nmemb;
}

/* One request to the control API; returns the HTTP status, the body into reply (may be NULL). */
static long control(const char *method, const char *path, const char *body, mq_buf *reply)
{
	long status = 0;
	mq_buf url = MQ_BUF_INIT, sink = MQ_BUF_INIT;
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	mq_buf_printf(&url, "%s%s", sd.root, path);
	curl_easy_setopt(c, CURLOPT_URL, mq_buf_cstr(&url));
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, reply ? reply : &sink);
	CURLcode cc = curl_easy_perform(c);
	ck_assert_msg(cc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	mq_buf_free(&url);
	mq_buf_free(&sink);
	return status;
}

static void fault(const char *json)
{
	ck_assert_msg(control("POST", "/__control/faults", json, NULL) == 201, "fault %s refused", json);
}

/* Clears the faults and the counters, as between two cases. */
static void reset(void)
{
	ck_assert_int_eq(control("DELETE", "/__control/faults", NULL, NULL), 200);
	ck_assert_int_eq(control("POST", "/__control/reset", "{}", NULL), 200);
}

/* GET /__control/stats, parsed (caller deletes). */
static cJSON *stats(void)
{
	mq_buf b = MQ_BUF_INIT;
	ck_assert_int_eq(control("GET", "/__control/stats", NULL, &b), 200);
	cJSON *j = cJSON_ParseWithLength(b.data, b.len);
	mq_buf_free(&b);
	ck_assert_ptr_nonnull(j);
	return j;
}

static int stats_total(void)
{
	cJSON *j = stats();
	int n = (int)cJSON_GetObjectItem(j, "total")->valuedouble;
	cJSON_Delete(j);
	return n;
}

/* field of the stand-in's last recorded request into out. */
static void last_request(const char *field, char *out, size_t size)
{
	cJSON *j = stats();
	cJSON *requests = cJSON_GetObjectItem(j, "requests");
	int n = cJSON_GetArraySize(requests);
	ck_assert_int_gt(n, 0);
	cJSON *v = cJSON_GetObjectItem(cJSON_GetArrayItem(requests, n - 1), field);
	ck_assert(cJSON_IsString(v));
	snprintf(out, size, "%s", v->valuestring);
	cJSON_Delete(j);
}

/* A client of the stand-in with fast timeouts and backoff (token or key may be NULL). */
static mq_tmdb *client(const char *token, const char *key)
{
	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg_token, sizeof cfg_token, "%s", token ? token : "");
	snprintf(cfg_key, sizeof cfg_key, "%s", key ? key : "");
	cfg.tmdb_base_url = sd.url;
	cfg.tmdb_read_token = token ? cfg_token : NULL;
	cfg.tmdb_api_key = key ? cfg_key : NULL;
	cfg.tmdb_rate = 1000;
	mq_tmdb *t = mq_tmdb_new(&cfg, limiter);
	ck_assert_ptr_nonnull(t);
	mq_tmdb_set_timeouts(t, 1000, 3000);
	mq_tmdb_set_retry(t, 4, 10, 50);
	return t;
}

/* mq_tmdb_get, then what holds for every answer: json only with MQ_OK, no credential in the
 * message. */
static mq_err get(mq_tmdb *t, const char *path, const char *const *query, mq_tmdb_result *r)
{
	mq_err rc = mq_tmdb_get(t, path, query, r);
	ck_assert(rc == MQ_OK ? r->json != NULL : r->json == NULL);
	ck_assert_msg(!strstr(r->message, TOKEN) && !strstr(r->message, API_KEY), "credential in %s", r->message);
	if (cfg.tmdb_read_token && *cfg.tmdb_read_token)
		ck_assert(!strstr(r->message, cfg.tmdb_read_token));
	if (cfg.tmdb_api_key && *cfg.tmdb_api_key)
		ck_assert(!strstr(r->message, cfg.tmdb_api_key));
	ck_assert_uint_lt(strlen(r->message), sizeof r->message);
	return rc;
}

static void setup(void)
{
	standin_start();
	if (sd.pid > 0)
		reset();
}

START_TEST(standin_success)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItem(r.json, "genres")));
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 200);
	ck_assert_int_eq(r.tmdb_code, 0);
	mq_tmdb_result_clear(&r);
	ck_assert_ptr_null(r.json);
	char auth[32];
	last_request("auth", auth, sizeof auth);
	ck_assert_str_eq(auth, "bearer");

	/* the handle is reused: a second call on it works the same */
	const char *const q[] = { "language", "en-US", "append_to_response", "credits,keywords", NULL };
	ck_assert_int_eq(get(t, "/movie/550", q, &r), MQ_OK);
	ck_assert_int_eq(mq_tmdb_number(r.json, "id", 0), 550);
	mq_tmdb_result_clear(&r);
	ck_assert_int_eq(stats_total(), 2);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_5xx_retried)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	fault("{\"path\":\"/3/genre/movie/list\",\"status\":503,\"times\":2}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_int_eq(stats_total(), 3);
	mq_tmdb_result_clear(&r);

	reset();
	fault("{\"status\":500,\"times\":1}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert_int_eq(r.attempts, 2);
	mq_tmdb_result_clear(&r);

	/* 503 to the end: unavailable, with TMDB's code 9 */
	reset();
	fault("{\"status\":503}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUNAVAIL);
	ck_assert_int_eq(r.attempts, 4);
	ck_assert_int_eq(r.http_status, 503);
	ck_assert_int_eq(r.tmdb_code, 9);
	ck_assert_int_eq(stats_total(), 4);

	/* 504 (TMDB's code 24) to the end: a timeout */
	reset();
	fault("{\"status\":504}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_ETIMEOUT);
	ck_assert_int_eq(r.attempts, 4);
	ck_assert_int_eq(r.tmdb_code, 24);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_429)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	/* Retry-After: 1, capped at 50 ms by the hook: only the attempt count is asserted */
	fault("{\"status\":429,\"retry_after\":1,\"times\":1}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert_int_eq(r.attempts, 2);
	ck_assert_int_eq(stats_total(), 2);
	mq_tmdb_result_clear(&r);

	reset();
	mq_tmdb_set_retry(t, 3, 10, 50);
	fault("{\"status\":429,\"retry_after\":1}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_ERATELIMIT);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_int_eq(r.http_status, 429);
	ck_assert_int_eq(r.tmdb_code, 25);
	ck_assert_int_eq(stats_total(), 3);

	/* a modern 429 has no Retry-After: the backoff applies */
	reset();
	fault("{\"status\":429}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_ERATELIMIT);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_int_eq(stats_total(), 3);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_not_found)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	ck_assert_int_eq(get(t, "/movie/999999999", NULL, &r), MQ_ENOTFOUND);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 404);
	ck_assert_int_eq(r.tmdb_code, 34);
	ck_assert_str_eq(r.message, "The resource you requested could not be found.");
	ck_assert_int_eq(get(t, "/movie/0", NULL, &r), MQ_ENOTFOUND);
	ck_assert_int_eq(r.tmdb_code, 6);
	ck_assert_int_eq(stats_total(), 2);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_bad_credential)
{
	NEED_STANDIN();
	mq_tmdb *t = client("invalid", NULL);
	mq_tmdb_result r;
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUNAVAIL);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 401);
	ck_assert_int_eq(r.tmdb_code, 7);
	ck_assert_int_eq(stats_total(), 1);
	mq_tmdb_free(t);

	t = client(NULL, "invalid");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUNAVAIL);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.tmdb_code, 7);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_broken_bodies)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	/* a complete answer with invalid JSON is TMDB's answer: not retried */
	fault("{\"body\":\"malformed\"}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 200);

	reset();
	fault("{\"body\":\"empty\"}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);

	/* a truncated body is a transfer cut short: retried, then MQ_EUPSTREAM */
	reset();
	fault("{\"body\":\"truncated\"}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 4);
	ck_assert_int_eq(stats_total(), 4);

	reset();
	fault("{\"body\":\"truncated\",\"times\":1}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert_int_eq(r.attempts, 2);
	mq_tmdb_result_clear(&r);

	/* an error status with a broken body: still mapped by status */
	reset();
	fault("{\"status\":404,\"body\":\"malformed\"}");
	ck_assert_int_eq(get(t, "/movie/550", NULL, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.tmdb_code, 0);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_timeout)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	mq_tmdb_set_timeouts(t, 1000, 300);
	mq_tmdb_set_retry(t, 2, 10, 50);
	fault("{\"delay_ms\":1500}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_ETIMEOUT);
	ck_assert_int_eq(r.attempts, 2);
	ck_assert_int_eq(r.http_status, 0);
	ck_assert_str_ne(r.message, "");

	/* one slow answer, then a quick one */
	reset();
	fault("{\"delay_ms\":1500,\"times\":1}");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	ck_assert_int_eq(r.attempts, 2);
	mq_tmdb_result_clear(&r);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_pages)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	char query[256];
	static const char *const cases[][2] = {
		{ "999", "page=500" }, { "500", "page=500" }, { "2", "page=2" }, { "0", "page=1" },
		{ "-5", "page=1" }, { "99999999999999999999999", "page=500" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *const q[] = { "page", cases[i][0], NULL };
		ck_assert_int_eq(get(t, "/movie/popular", q, &r), MQ_OK);
		ck_assert(cJSON_IsArray(cJSON_GetObjectItem(r.json, "results")));
		mq_tmdb_result_clear(&r);
		last_request("query", query, sizeof query);
		ck_assert_msg(!strcmp(query, cases[i][1]), "page=%s sent as %s", cases[i][0], query);
	}
	int sent = stats_total();
	/* arguments refused before anything is sent */
	static const char *const bad_pages[] = { "abc", "", "1.5", " 3", "--1" };
	for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
		const char *const q[] = { "page", bad_pages[i], NULL };
		ck_assert_int_eq(get(t, "/movie/popular", q, &r), MQ_EINVAL);
		ck_assert_int_eq(r.attempts, 0);
	}
	const char *const with_key[] = { "api_key", "sneaky", NULL };
	ck_assert_int_eq(get(t, "/movie/popular", with_key, &r), MQ_EINVAL);
	const char *const odd_key[] = { "a&b", "1", NULL };
	ck_assert_int_eq(get(t, "/movie/popular", odd_key, &r), MQ_EINVAL);
	const char *const no_value[] = { "language", NULL };
	ck_assert_int_eq(get(t, "/movie/popular", no_value, &r), MQ_EINVAL);
	static const char *const bad_paths[] = { "movie/550", "/movie/550?api_key=x", "/movie/../550",
						 "/movie 550", "", "/movie/550#x" };
	for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++)
		ck_assert_int_eq(get(t, bad_paths[i], NULL, &r), MQ_EINVAL);
	ck_assert_int_eq(get(t, NULL, NULL, &r), MQ_EINVAL);
	ck_assert_int_eq(stats_total(), sent);

	/* values are URL-encoded */
	const char *const search[] = { "query", "fight & club=?", "page", "1", NULL };
	ck_assert_int_eq(get(t, "/search/movie", search, &r), MQ_OK);
	mq_tmdb_result_clear(&r);
	last_request("query", query, sizeof query);
	ck_assert_str_eq(query, "query=fight%20%26%20club%3D%3F&page=1");
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_validation_errors)
{
	NEED_STANDIN();
	mq_tmdb *t = client(TOKEN, NULL);
	mq_tmdb_result r;
	const char *const empty_query[] = { "query", "", NULL };
	ck_assert_int_eq(get(t, "/search/movie", empty_query, &r), MQ_EINVAL);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 422);
	ck_assert_int_eq(r.tmdb_code, 0);
	ck_assert_str_eq(r.message, "query must be provided");

	const char *const window[] = { "start_date", "2024-01-01", "end_date", "2024-02-01", NULL };
	ck_assert_int_eq(get(t, "/movie/changes", window, &r), MQ_EINVAL);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.tmdb_code, 20);
	const char *const bad_date[] = { "start_date", "2024-1-1", NULL };
	ck_assert_int_eq(get(t, "/movie/changes", bad_date, &r), MQ_EINVAL);
	ck_assert_int_eq(r.http_status, 400);
	ck_assert_int_eq(r.tmdb_code, 23);
	ck_assert_int_eq(stats_total(), 3);
	mq_tmdb_free(t);
}
END_TEST

START_TEST(standin_credentials)
{
	NEED_STANDIN();
	char query[256], auth[32];
	mq_tmdb_result r;
	/* only an api_key: sent as api_key (the stand-in's stats drop its value) */
	mq_tmdb *t = client(NULL, API_KEY);
	const char *const q[] = { "language", "en-US", NULL };
	ck_assert_int_eq(get(t, "/genre/movie/list", q, &r), MQ_OK);
	mq_tmdb_result_clear(&r);
	last_request("auth", auth, sizeof auth);
	ck_assert_str_eq(auth, "api_key");
	last_request("query", query, sizeof query);
	ck_assert_str_eq(query, "language=en-US");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	mq_tmdb_result_clear(&r);
	last_request("query", query, sizeof query);
	ck_assert_str_eq(query, "");
	mq_tmdb_free(t);

	/* both: the read token wins, and no api_key goes out */
	t = client(TOKEN, API_KEY);
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_OK);
	mq_tmdb_result_clear(&r);
	last_request("auth", auth, sizeof auth);
	ck_assert_str_eq(auth, "bearer");
	mq_tmdb_free(t);

	/* a credential that TMDB's own message happens to contain is blanked out of the result
	 * (the 401 body says "…You must be granted a valid key.") */
	reset();
	fault("{\"status\":401}");
	t = client("valid key", NULL);
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUNAVAIL);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_ptr_nonnull(strstr(r.message, "Invalid API key"));
	ck_assert_ptr_null(strstr(r.message, "valid key"));
	mq_tmdb_free(t);
	t = client(NULL, "granted");
	ck_assert_int_eq(get(t, "/genre/movie/list", NULL, &r), MQ_EUNAVAIL);
	ck_assert_ptr_null(strstr(r.message, "granted"));
	mq_tmdb_free(t);
}
END_TEST

START_TEST(connection_refused)
{
	/* a port that was free a moment ago: nothing listens there */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	char url[64], token[] = TOKEN;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3/", ntohs(a.sin_port));
	mq_config c = { 0 };
	c.tmdb_base_url = url;
	c.tmdb_read_token = token;
	mq_tmdb *t = mq_tmdb_new(&c, NULL);
	mq_tmdb_set_retry(t, 3, 5, 50);
	mq_tmdb_result r;
	ck_assert_int_eq(mq_tmdb_get(t, "/configuration", NULL, &r), MQ_EUNAVAIL);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_int_eq(r.http_status, 0);
	ck_assert_ptr_null(r.json);
	ck_assert_str_ne(r.message, "");
	ck_assert_ptr_null(strstr(r.message, TOKEN));
	mq_tmdb_free(t);

	/* a base URL in a protocol other than http(s): a misconfiguration, not retried */
	char ftp[] = "ftp://127.0.0.1/3";
	c.tmdb_base_url = ftp;
	t = mq_tmdb_new(&c, NULL);
	ck_assert_int_eq(mq_tmdb_get(t, "/configuration", NULL, &r), MQ_EINTERNAL);
	ck_assert_int_eq(r.attempts, 1);
	mq_tmdb_free(t);
}
END_TEST

/* ---- answers the stand-in cannot give: a one-connection server in a thread ----------------- */

struct canned {
	int fd, port;
	const char *head;     /* status line and headers, up to the blank line */
	const char *body;     /* sent after head; NULL: body_bytes of 'x' */
	size_t body_bytes;
	int chunked;          /* body_bytes sent as 64 KiB chunks */
	pthread_t tid;
};

static void send_all(int c, const void *p, size_t n)
{
	while (n) {
		ssize_t w = send(c, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return; /* the client hung up: expected when it refuses the body */
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void *canned_serve(void *arg)
{
	struct canned *s = arg;
	char req[4096];
	size_t len = 0;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	int c = poll(&p, 1, 5000) > 0 ? accept(s->fd, NULL, NULL) : -1;
	close(s->fd); /* one connection only: a retry would be refused, and counted */
	if (c < 0)
		return NULL;
	while (len < sizeof req - 1) {
		struct pollfd q = { .fd = c, .events = POLLIN };
		ssize_t n = poll(&q, 1, 3000) > 0 ? read(c, req + len, sizeof req - 1 - len) : -1;
		if (n <= 0)
			break;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	send_all(c, s->head, strlen(s->head));
	if (s->body) {
		send_all(c, s->body, strlen(s->body));
	} else {
		static char chunk[64 * 1024];
		memset(chunk, 'x', sizeof chunk);
		for (size_t sent = 0; sent < s->body_bytes; sent += sizeof chunk) {
			char size[32];
			if (s->chunked) {
				snprintf(size, sizeof size, "%zx\r\n", sizeof chunk);
				send_all(c, size, strlen(size));
			}
			send_all(c, chunk, sizeof chunk);
			if (s->chunked)
				send_all(c, "\r\n", 2);
		}
		if (s->chunked)
			send_all(c, "0\r\n\r\n", 5);
	}
	close(c);
	return NULL;
}

static void canned_start(struct canned *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->fd, 4), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&s->tid, NULL, canned_serve, s), 0);
}

/* One GET against a canned answer, with the default four attempts. */
static mq_err canned_get(struct canned *s, mq_tmdb_result *r)
{
	char url[64], token[] = TOKEN;
	mq_config c = { 0 };
	canned_start(s);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/3", s->port);
	c.tmdb_base_url = url;
	c.tmdb_read_token = token;
	mq_tmdb *t = mq_tmdb_new(&c, NULL);
	mq_tmdb_set_timeouts(t, 1000, 5000);
	mq_tmdb_set_retry(t, 4, 5, 50);
	mq_err rc = mq_tmdb_get(t, "/configuration", NULL, r);
	pthread_join(s->tid, NULL);
	mq_tmdb_free(t);
	ck_assert(rc == MQ_OK ? r->json != NULL : r->json == NULL);
	return rc;
}

START_TEST(canned_answers)
{
	mq_tmdb_result r;
	/* over 8 MiB announced by Content-Length: refused before the body */
	struct canned big = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				      "Content-Length: 9437184\r\nConnection: close\r\n\r\n",
			      .body_bytes = 9437184 };
	ck_assert_int_eq(canned_get(&big, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_ptr_nonnull(strstr(r.message, "over"));

	/* over 8 MiB without a length (chunked): refused while it arrives */
	struct canned stream = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
				 .body_bytes = 9437184, .chunked = 1 };
	ck_assert_int_eq(canned_get(&stream, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_ptr_nonnull(strstr(r.message, "over"));

	/* JSON, but not an object */
	struct canned array = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					"Content-Length: 7\r\nConnection: close\r\n\r\n",
				.body = "[1,2,3]" };
	ck_assert_int_eq(canned_get(&array, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);

	/* an object with trailing garbage */
	struct canned trailing = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					   "Content-Length: 9\r\nConnection: close\r\n\r\n",
				   .body = "{\"a\":1} x" };
	ck_assert_int_eq(canned_get(&trailing, &r), MQ_EUPSTREAM);

	/* an object with surrounding whitespace is fine */
	struct canned spaced = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					 "Content-Length: 11\r\nConnection: close\r\n\r\n",
				 .body = " {\"a\":1}\r\n " };
	ck_assert_int_eq(canned_get(&spaced, &r), MQ_OK);
	ck_assert(mq_tmdb_number(r.json, "a", 0) == 1);
	mq_tmdb_result_clear(&r);

	/* redirects are not followed */
	struct canned moved = { .head = "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\n"
					"Content-Length: 0\r\nConnection: close\r\n\r\n",
				.body = "" };
	ck_assert_int_eq(canned_get(&moved, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(r.http_status, 302);

	/* a 404 that is not TMDB's (a wrong TMDB_BASE_URL) is not "no such movie" */
	struct canned html = { .head = "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n"
				       "Content-Length: 13\r\nConnection: close\r\n\r\n",
			       .body = "<h1>404</h1>" "\n" };
	ck_assert_int_eq(canned_get(&html, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.http_status, 404);
	ck_assert_int_eq(r.tmdb_code, 0);

	/* 501 is not retried (the server accepts one connection: a retry would be refused) */
	struct canned unimplemented = { .head = "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n"
						"Connection: close\r\n\r\n",
					.body = "" };
	ck_assert_int_eq(canned_get(&unimplemented, &r), MQ_EUPSTREAM);
	ck_assert_int_eq(r.attempts, 1);
}
END_TEST

Suite *tmdb_suite(void)
{
	Suite *s = suite_create("tmdb");
	TCase *unit = tcase_create("unit");
	tcase_add_test(unit, parse_error_shapes);
	tcase_add_test(unit, readers);
	tcase_add_test(unit, new_needs_a_credential);
	tcase_add_test(unit, shared_fixtures);
	tcase_add_test(unit, limiter_fake_clock);
	tcase_add_test(unit, limiter_threads);
	tcase_add_test(unit, connection_refused);
	tcase_add_test(unit, canned_answers);
	tcase_set_timeout(unit, 30);
	suite_add_tcase(s, unit);

	TCase *standin = tcase_create("standin");
	tcase_add_checked_fixture(standin, setup, standin_stop);
	tcase_add_test(standin, standin_success);
	tcase_add_test(standin, standin_5xx_retried);
	tcase_add_test(standin, standin_429);
	tcase_add_test(standin, standin_not_found);
	tcase_add_test(standin, standin_bad_credential);
	tcase_add_test(standin, standin_broken_bodies);
	tcase_add_test(standin, standin_timeout);
	tcase_add_test(standin, standin_pages);
	tcase_add_test(standin, standin_validation_errors);
	tcase_add_test(standin, standin_credentials);
	tcase_set_timeout(standin, 60);
	suite_add_tcase(s, standin);
	return s;
}
