/* check_log.c — unit tests for lib/core/log.c: JSON lines read back through a pipe, escaping, levels. */
#include "suites.h"

#include "core/buf.h"
#include "core/log.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

static int fds[2] = { -1, -1 };

static void setup(void)
{
	ck_assert_int_eq(pipe(fds), 0);
	/* a read never blocks: "nothing logged" is an empty pipe */
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	mq_log_init("testcomp", MQ_LOG_DEBUG, fds[1]);
}

static void teardown(void)
{
	mq_log_init("marquee", MQ_LOG_INFO, STDERR_FILENO);
	close(fds[0]);
	close(fds[1]);
	fds[0] = fds[1] = -1;
}

/* Everything written to the pipe so far (malloc'd, NUL-terminated; "" when nothing). */
static char *drain(void)
{
	size_t cap = 4096, len = 0;
	char *s = malloc(cap);
	ck_assert_ptr_nonnull(s);
	for (;;) {
		if (cap - len < 1024) {
			cap *= 2;
			s = realloc(s, cap);
			ck_assert_ptr_nonnull(s);
		}
		ssize_t n = read(fds[0], s + len, cap - len - 1);
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		ck_assert_msg(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "read failed");
		break;
	}
	s[len] = '\0';
	return s;
}

/* Reads exactly one line and parses it; the raw text is returned through raw (malloc'd). */
static cJSON *read_line(char **raw)
{
	char *s = drain();
	size_t len = strlen(s);
	ck_assert_msg(len > 0, "nothing was logged");
	ck_assert_msg(s[len - 1] == '\n', "the line does not end with a newline: %s", s);
	ck_assert_msg(strchr(s, '\n') == s + len - 1, "more than one line: %s", s);
	for (size_t i = 0; i + 1 < len; i++)
		ck_assert_msg((unsigned char)s[i] >= 0x20 && s[i] != 0x7f,
			      "raw control byte 0x%02x at %zu: %s", s[i], i, s);
	cJSON *j = cJSON_Parse(s);
	ck_assert_msg(cJSON_IsObject(j), "not a JSON object: %s", s);
	if (raw)
		*raw = s;
	else
		free(s);
	return j;
}

static const char *str_field(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	ck_assert_msg(cJSON_IsString(v), "field %s missing or not a string", name);
	return v->valuestring;
}

/* "2024-01-02T03:04:05.678Z" */
static int is_timestamp(const char *ts)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(ts) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (ts[i] < '0' || ts[i] > '9') : ts[i] != shape[i])
			return 0;
	return 1;
}

START_TEST(line_fields)
{
	char *raw;
	mq_log(MQ_LOG_INFO, "started", "listening on %d with %s", 9000, "4 threads");
	cJSON *j = read_line(&raw);
	ck_assert_msg(is_timestamp(str_field(j, "ts")), "ts \"%s\" is not an ISO 8601 UTC time",
		      str_field(j, "ts"));
	ck_assert_str_eq(str_field(j, "level"), "info");
	ck_assert_str_eq(str_field(j, "component"), "testcomp");
	ck_assert_str_eq(str_field(j, "event"), "started");
	ck_assert_str_eq(str_field(j, "msg"), "listening on 9000 with 4 threads");
	ck_assert_int_eq(cJSON_GetArraySize(j), 5);
	/* fields in the documented order */
	ck_assert_int_eq(strncmp(raw, "{\"ts\":", 6), 0);
	ck_assert_ptr_nonnull(strstr(raw, "\"level\":\"info\",\"component\":\"testcomp\",\"event\":"));
	free(raw);
	cJSON_Delete(j);
}
END_TEST

struct level_case {
	mq_log_level level;
	const char *name;
};

static const struct level_case level_cases[] = {
	{ MQ_LOG_DEBUG, "debug" },
	{ MQ_LOG_INFO, "info" },
	{ MQ_LOG_WARN, "warn" },
	{ MQ_LOG_ERROR, "error" },
};

START_TEST(level_names)
{
	const struct level_case *c = &level_cases[_i];
	mq_log(c->level, "e", "m");
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "level"), c->name);
	cJSON_Delete(j);
}
END_TEST

/* Quotes, backslashes and control characters come back exactly after a JSON round trip. */
static const char *const nasty[] = {
	"say \"hi\"",
	"back\\slash",
	"line1\nline2\r\n",
	"tab\there",
	"bell\x07 esc\x1b[31m del\x7f unit\x1f",
	"\"}, \"level\":\"error\", \"x\":{\"",
	"سلام \xF0\x9F\x8E\xAC",
	"",
};

START_TEST(escaping)
{
	const char *s = nasty[_i];
	mq_log(MQ_LOG_WARN, s, "%s|%s", s, s);
	cJSON *j = read_line(NULL);
	mq_buf expect = MQ_BUF_INIT;
	mq_buf_printf(&expect, "%s|%s", s, s);
	ck_assert_str_eq(str_field(j, "event"), s);
	ck_assert_str_eq(str_field(j, "msg"), mq_buf_cstr(&expect));
	ck_assert_str_eq(str_field(j, "level"), "warn");
	ck_assert_int_eq(cJSON_GetArraySize(j), 5);
	mq_buf_free(&expect);
	cJSON_Delete(j);
}
END_TEST

START_TEST(component_escaped)
{
	mq_log_init("we\"ird\ncomp", MQ_LOG_DEBUG, fds[1]);
	mq_log(MQ_LOG_INFO, "e", "m");
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "component"), "we\"ird\ncomp");
	cJSON_Delete(j);
}
END_TEST

START_TEST(format_is_only_the_format)
{
	/* a message containing % as an argument is not re-interpreted */
	mq_log(MQ_LOG_INFO, "e", "%s %d%%", "100%s%n", 5);
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "msg"), "100%s%n 5%");
	cJSON_Delete(j);
}
END_TEST

START_TEST(long_message_one_line)
{
	char *big = malloc(20001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	big[5000] = '\n';
	mq_log(MQ_LOG_ERROR, "big", "%s", big);
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "msg"), big);
	cJSON_Delete(j);
	free(big);
}
END_TEST

/* Each call is one line: several calls give several parseable lines in order. */
START_TEST(several_lines)
{
	for (int i = 0; i < 10; i++)
		mq_log(MQ_LOG_INFO, "n", "%d", i);
	char *s = drain();
	char *save = NULL;
	int i = 0;
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		cJSON *j = cJSON_Parse(line);
		ck_assert_msg(cJSON_IsObject(j), "line %d is not JSON: %s", i, line);
		char n[16];
		snprintf(n, sizeof n, "%d", i);
		ck_assert_str_eq(str_field(j, "msg"), n);
		cJSON_Delete(j);
	}
	ck_assert_int_eq(i, 10);
	free(s);
}
END_TEST

/* min level: which levels reach the log. */
struct filter_case {
	mq_log_level min;
	int logged[4]; /* debug, info, warn, error */
};

static const struct filter_case filter_cases[] = {
	{ MQ_LOG_DEBUG, { 1, 1, 1, 1 } },
	{ MQ_LOG_INFO, { 0, 1, 1, 1 } },
	{ MQ_LOG_WARN, { 0, 0, 1, 1 } },
	{ MQ_LOG_ERROR, { 0, 0, 0, 1 } },
};

START_TEST(level_filtering)
{
	const struct filter_case *c = &filter_cases[_i];
	mq_log_init("testcomp", c->min, fds[1]);
	for (int level = MQ_LOG_DEBUG; level <= MQ_LOG_ERROR; level++) {
		mq_log((mq_log_level)level, "e", "level %d", level);
		char *s = drain();
		ck_assert_msg((*s != '\0') == c->logged[level], "min %d, level %d: %s", (int)c->min,
			      level, *s ? "logged" : "not logged");
		free(s);
	}
}
END_TEST

START_TEST(request_line)
{
	mq_log_request("req-123", "GET", "/api/movies/550", 200, 12.3456, 3, "65a1b2c3d4e5f60718293a4b");
	cJSON *j = read_line(NULL);
	ck_assert(is_timestamp(str_field(j, "ts")));
	ck_assert_str_eq(str_field(j, "level"), "info");
	ck_assert_str_eq(str_field(j, "component"), "testcomp");
	ck_assert_str_eq(str_field(j, "event"), "request");
	ck_assert_str_eq(str_field(j, "request_id"), "req-123");
	ck_assert_str_eq(str_field(j, "method"), "GET");
	ck_assert_str_eq(str_field(j, "path"), "/api/movies/550");
	ck_assert_str_eq(str_field(j, "user_id"), "65a1b2c3d4e5f60718293a4b");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(j, "status");
	ck_assert(cJSON_IsNumber(status));
	ck_assert_int_eq(status->valueint, 200);
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(j, "duration_ms");
	ck_assert(cJSON_IsNumber(ms));
	ck_assert_msg(fabs(ms->valuedouble - 12.346) < 1e-9, "duration_ms %f", ms->valuedouble);
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "db")->valueint, 3);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "msg"));
	cJSON_Delete(j);
}
END_TEST

START_TEST(request_line_anonymous_and_nulls)
{
	mq_log_request(NULL, NULL, NULL, 404, 0.0, -1, NULL);
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "request_id"), "");
	ck_assert_str_eq(str_field(j, "method"), "");
	ck_assert_str_eq(str_field(j, "path"), "");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "user_id"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "db")); /* not counted */
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(j, "status")->valueint, 404);
	cJSON_Delete(j);
}
END_TEST

START_TEST(request_line_escaped)
{
	mq_log_request("id\"1\n", "BR\tEW", "/a\"b\\c\x01", 400, 1.0, 0, "u\"x");
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "request_id"), "id\"1\n");
	ck_assert_str_eq(str_field(j, "method"), "BR\tEW");
	ck_assert_str_eq(str_field(j, "path"), "/a\"b\\c\x01");
	ck_assert_str_eq(str_field(j, "user_id"), "u\"x");
	cJSON_Delete(j);
}
END_TEST

/* Server errors are logged at warn; everything else at info. */
struct request_level_case {
	int status;
	mq_log_level min;
	const char *level; /* NULL: not logged */
};

static const struct request_level_case request_level_cases[] = {
	{ 200, MQ_LOG_INFO, "info" },  { 404, MQ_LOG_INFO, "info" },  { 499, MQ_LOG_INFO, "info" },
	{ 500, MQ_LOG_INFO, "warn" },  { 503, MQ_LOG_INFO, "warn" },  { 200, MQ_LOG_WARN, NULL },
	{ 404, MQ_LOG_WARN, NULL },    { 500, MQ_LOG_WARN, "warn" },  { 500, MQ_LOG_ERROR, NULL },
	{ 200, MQ_LOG_DEBUG, "info" },
};

START_TEST(request_levels)
{
	const struct request_level_case *c = &request_level_cases[_i];
	mq_log_init("testcomp", c->min, fds[1]);
	mq_log_request("r", "GET", "/", c->status, 1.0, -1, NULL);
	if (!c->level) {
		char *s = drain();
		ck_assert_msg(*s == '\0', "status %d at min %d was logged: %s", c->status, (int)c->min, s);
		free(s);
		return;
	}
	cJSON *j = read_line(NULL);
	ck_assert_str_eq(str_field(j, "level"), c->level);
	cJSON_Delete(j);
}
END_TEST

struct parse_case {
	const char *s;
	int rc;
	mq_log_level level;
};

static const struct parse_case parse_cases[] = {
	{ "debug", 0, MQ_LOG_DEBUG },  { "info", 0, MQ_LOG_INFO },   { "warn", 0, MQ_LOG_WARN },
	{ "warning", 0, MQ_LOG_WARN }, { "error", 0, MQ_LOG_ERROR }, { "DEBUG", 0, MQ_LOG_DEBUG },
	{ "Warn", 0, MQ_LOG_WARN },    { "ERROR", 0, MQ_LOG_ERROR }, { "", -1, 0 },
	{ "verbose", -1, 0 },          { "err", -1, 0 },             { "warnx", -1, 0 },
	{ " info", -1, 0 },            { "info ", -1, 0 },           { "trace", -1, 0 },
	{ "fatal", -1, 0 },            { "1", -1, 0 },
};

START_TEST(level_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	mq_log_level level = (mq_log_level)99;
	int rc = mq_log_level_parse(c->s, &level);
	ck_assert_msg(rc == c->rc, "mq_log_level_parse(\"%s\") = %d, expected %d", c->s, rc, c->rc);
	if (rc == 0)
		ck_assert_int_eq(level, c->level);
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	TCase *parse = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, line_fields);
	tcase_add_loop_test(tc, level_names, 0, N_CASES(level_cases));
	tcase_add_loop_test(tc, escaping, 0, N_CASES(nasty));
	tcase_add_test(tc, component_escaped);
	tcase_add_test(tc, format_is_only_the_format);
	tcase_add_test(tc, long_message_one_line);
	tcase_add_test(tc, several_lines);
	tcase_add_loop_test(tc, level_filtering, 0, N_CASES(filter_cases));
	tcase_add_test(tc, request_line);
	tcase_add_test(tc, request_line_anonymous_and_nulls);
	tcase_add_test(tc, request_line_escaped);
	tcase_add_loop_test(tc, request_levels, 0, N_CASES(request_level_cases));
	suite_add_tcase(s, tc);
	tcase_add_loop_test(parse, level_parse, 0, N_CASES(parse_cases));
	suite_add_tcase(s, parse);
	return s;
}
