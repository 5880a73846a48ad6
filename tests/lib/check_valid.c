/* check_valid.c — unit tests for lib/web/valid.c: integers, query and body validation, movie refs. */
#include "suites.h"

#include "web/valid.h"

#include <check.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

static mq_arena *arena;

static void setup(void)
{
	arena = mq_arena_new();
}

static void teardown(void)
{
	mq_arena_free(arena);
	arena = NULL;
}

/* All collected messages, one per line, for assertion messages. */
static const char *errors_text(const mq_req *req)
{
	mq_buf b = MQ_BUF_INIT;
	for (size_t i = 0; i < req->errors.n; i++)
		mq_buf_printf(&b, "%s\n", req->errors.items[i]);
	const char *s = mq_arena_strdup(arena, mq_buf_cstr(&b));
	mq_buf_free(&b);
	return s;
}

/* Whether one of the messages contains text. */
static int has_error(const mq_req *req, const char *text)
{
	for (size_t i = 0; i < req->errors.n; i++)
		if (strstr(req->errors.items[i], text))
			return 1;
	return 0;
}

struct int_case {
	const char *s;
	long long min, max;
	int rc;
	long long value;
};

static const struct int_case int_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "42", 0, 100, 0, 42 },
	{ "-42", -100, 100, 0, -42 },
	{ "-0", -1, 1, 0, 0 },
	{ "007", 0, 10, 0, 7 },
	{ "1", 1, 10, 0, 1 },
	{ "10", 1, 10, 0, 10 },
	{ "9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX },
	{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN },
	/* bounds */
	{ "0", 1, 10, -1, 0 },
	{ "11", 1, 10, -1, 0 },
	{ "-1", 0, 10, -1, 0 },
	{ "2147483648", 0, 2147483647LL, -1, 0 },
	/* overflow */
	{ "9223372036854775808", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "99999999999999999999", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "00000000000000000000001", LLONG_MIN, LLONG_MAX, -1, 0 },
	/* not a plain decimal integer */
	{ "", 0, 10, -1, 0 },
	{ "-", 0, 10, -1, 0 },
	{ " 1", 0, 10, -1, 0 },
	{ "1 ", 0, 10, -1, 0 },
	{ "1 2", 0, 100, -1, 0 },
	{ "\t1", 0, 10, -1, 0 },
	{ "1\n", 0, 10, -1, 0 },
	{ "+1", 0, 10, -1, 0 },
	{ "--1", -10, 10, -1, 0 },
	{ "-+1", -10, 10, -1, 0 },
	{ "1-", 0, 10, -1, 0 },
	{ "0x10", 0, 100, -1, 0 },
	{ "0X1", 0, 100, -1, 0 },
	{ "1e3", 0, 10000, -1, 0 },
	{ "1.0", 0, 10, -1, 0 },
	{ "1,000", 0, 10000, -1, 0 },
	{ "1_000", 0, 10000, -1, 0 },
	{ "ten", 0, 10, -1, 0 },
	{ "\xD9\xA1", 0, 10, -1, 0 },  /* ١ ARABIC-INDIC DIGIT ONE */
	{ "\xDB\xB5", 0, 10, -1, 0 },  /* ۵ EXTENDED ARABIC-INDIC DIGIT FIVE (Persian) */
};

START_TEST(parse_int)
{
	const struct int_case *c = &int_cases[_i];
	long long v = 12345;
	int rc = mq_parse_int(c->s, c->min, c->max, &v);
	ck_assert_msg(rc == c->rc, "mq_parse_int(\"%s\", %lld, %lld) = %d, expected %d", c->s, c->min,
		      c->max, rc, c->rc);
	if (rc == 0)
		ck_assert_msg(v == c->value, "mq_parse_int(\"%s\") gave %lld, expected %lld", c->s, v,
			      c->value);
	else
		ck_assert_msg(v == 12345, "mq_parse_int(\"%s\") changed *out on failure", c->s);
}
END_TEST

START_TEST(parse_int_null)
{
	long long v = 5;
	ck_assert_int_eq(mq_parse_int(NULL, 0, 10, &v), -1);
	ck_assert_int_eq(v, 5);
}
END_TEST

/* The query fields of a movie listing. */
static const char *const sort_choices[] = { "title", "year", "rating", NULL };

enum { F_PAGE, F_LIMIT, F_SORT, F_ADULT, F_Q, F_YEAR, F_SHORT, N_QFIELDS };

static const mq_field query_fields[N_QFIELDS] = {
	[F_PAGE] = MQ_FIELD_PAGE,
	[F_LIMIT] = MQ_FIELD_LIMIT,
	[F_SORT] = { "sort", MQ_V_ENUM, 0, 0, 0, sort_choices, "title" },
	[F_ADULT] = { "include_adult", MQ_V_BOOL, 0, 0, 0, NULL, "false" },
	[F_Q] = { "q", MQ_V_STRING, 0, 1, 10, NULL, NULL },
	[F_YEAR] = { "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
	[F_SHORT] = { "code", MQ_V_STRING, 0, 0, 4, NULL, NULL },
};

/* A request whose QUERY_STRING is qs, parsed as the worker would. */
static mq_req *query_req(const char *qs)
{
	mq_req *req = mq_arena_zalloc(arena, sizeof *req);
	mq_req_init(req, arena, "GET", "/api/movies");
	mq_req_add_param(req, "QUERY_STRING", qs);
	mq_req_parse_params(req);
	return req;
}

START_TEST(query_defaults)
{
	mq_req *req = query_req("");
	mq_value v[N_QFIELDS];
	ck_assert_int_eq(mq_validate_query(req, query_fields, N_QFIELDS, v), 0);
	ck_assert_uint_eq(req->errors.n, 0);
	ck_assert(v[F_PAGE].present);
	ck_assert_int_eq(v[F_PAGE].i, 1);
	ck_assert(v[F_LIMIT].present);
	ck_assert_int_eq(v[F_LIMIT].i, 20);
	ck_assert(v[F_SORT].present);
	ck_assert_int_eq(v[F_SORT].i, 0);
	ck_assert_str_eq(v[F_SORT].s, "title");
	ck_assert(v[F_ADULT].present);
	ck_assert_int_eq(v[F_ADULT].i, 0);
	ck_assert(!v[F_Q].present);
	ck_assert_ptr_null(v[F_Q].s);
	ck_assert(!v[F_YEAR].present);
}
END_TEST

START_TEST(query_values)
{
	mq_req *req = query_req("page=3&limit=100&sort=rating&include_adult=1&q=fight+club&year=1999");
	mq_value v[N_QFIELDS];
	int rc = mq_validate_query(req, query_fields, N_QFIELDS, v);
	ck_assert_msg(rc == 0, "refused: %s", errors_text(req));
	ck_assert_int_eq(v[F_PAGE].i, 3);
	ck_assert_int_eq(v[F_LIMIT].i, 100);
	ck_assert_int_eq(v[F_SORT].i, 2);
	ck_assert_str_eq(v[F_SORT].s, "rating");
	ck_assert_int_eq(v[F_ADULT].i, 1);
	ck_assert_str_eq(v[F_Q].s, "fight club");
	ck_assert(v[F_Q].present);
	ck_assert_int_eq(v[F_YEAR].i, 1999);
}
END_TEST

/* One bad query: rc -1 and exactly one message containing the expected text. */
struct query_bad_case {
	const char *qs;
	const char *message;
};

static const struct query_bad_case query_bad_cases[] = {
	{ "foo=1", "unknown parameter 'foo'" },
	{ "page=1&role=admin", "unknown parameter 'role'" },
	{ "Page=1", "unknown parameter 'Page'" },
	{ "page=1&page=2", "page given more than once" },
	{ "sort=year&sort=year", "sort given more than once" },
	{ "page=0", "page must be an integer from 1 to 500000" },
	{ "page=500001", "page must be an integer from 1 to 500000" },
	{ "page=+1", "page must be an integer" },
	{ "page=1.0", "page must be an integer" },
	{ "page=0x1", "page must be an integer" },
	{ "page=", "page must be an integer" },
	{ "page=%201", "page must be an integer" },
	{ "limit=101", "limit must be an integer from 1 to 100" },
	{ "limit=99999999999999999999", "limit must be an integer" },
	{ "sort=bogus", "sort must be one of: title, year, rating" },
	{ "sort=Title", "sort must be one of" },
	{ "sort=", "sort must be one of" },
	{ "include_adult=yes", "include_adult must be true or false" },
	{ "include_adult=TRUE", "include_adult must be true or false" },
	{ "include_adult=", "include_adult must be true or false" },
	{ "include_adult=2", "include_adult must be true or false" },
	{ "q=", "q must be 1 to 10 characters long" },
	{ "q=12345678901", "q must be 1 to 10 characters long" },
	{ "q=%D8%B3%D9%84%D8%A7%D9%85%20%D8%AF%D9%86%DB%8C%D8%A7%21%21", "q must be 1 to 10 characters long" },
	{ "code=12345", "code must be at most 4 characters long" },
	{ "code=%D8%B3%D9%84%D8%A7%D9%85!", "code must be at most 4 characters long" },
	{ "q=a%01b", "q must not contain control characters" },
	{ "q=a%1Fb", "q must not contain control characters" },
	{ "q=a%7Fb", "q must not contain control characters" },
	{ "q=%1B%5B31m", "q must not contain control characters" },
	{ "q=%zz", "not valid percent-encoded UTF-8" },
	{ "q=%C3%28", "not valid percent-encoded UTF-8" },
	{ "q=%00", "not valid percent-encoded UTF-8" },
};

START_TEST(query_refused)
{
	const struct query_bad_case *c = &query_bad_cases[_i];
	mq_req *req = query_req(c->qs);
	mq_value v[N_QFIELDS];
	int rc = mq_validate_query(req, query_fields, N_QFIELDS, v);
	ck_assert_msg(rc == -1, "\"%s\" accepted", c->qs);
	ck_assert_msg(req->errors.n == 1, "\"%s\": %zu messages, expected 1:\n%s", c->qs, req->errors.n,
		      errors_text(req));
	ck_assert_msg(has_error(req, c->message), "\"%s\": no message with \"%s\":\n%s", c->qs,
		      c->message, errors_text(req));
}
END_TEST

/* String lengths are counted in code points, not bytes. */
struct length_case {
	const char *qs;
	int ok;
};

static const struct length_case length_cases[] = {
	{ "code=%D8%B3%D9%84%D8%A7%D9%85", 1 },         /* سلام: 4 code points, 8 bytes */
	{ "code=%DA%A9%D8%AA%D8%A7%D8%A8", 1 },         /* کتاب */
	{ "code=%F0%9F%8E%AC%F0%9F%8E%AC%F0%9F%8E%AC", 1 }, /* 3 × 🎬, 12 bytes */
	{ "code=abcd", 1 },
	{ "code=", 1 },
	{ "code=%D8%B3%D9%84%D8%A7%D9%85%D8%A7", 0 },   /* 5 code points */
	{ "q=%D8%B3%D9%84%D8%A7%D9%85+%D8%AF%D9%86%DB%8C%D8%A7", 1 }, /* سلام دنیا: 9 */
	{ "q=%D8%B3%D9%84%D8%A7%D9%85+%D8%AF%D9%86%DB%8C%D8%A7%D8%A7%D8%A7", 0 }, /* 11 */
};

START_TEST(query_string_length_code_points)
{
	const struct length_case *c = &length_cases[_i];
	mq_req *req = query_req(c->qs);
	mq_value v[N_QFIELDS];
	int rc = mq_validate_query(req, query_fields, N_QFIELDS, v);
	ck_assert_msg((rc == 0) == c->ok, "\"%s\": rc %d, expected %s:\n%s", c->qs, rc,
		      c->ok ? "accepted" : "refused", errors_text(req));
}
END_TEST

START_TEST(query_unknown_name_truncated)
{
	char qs[200];
	memset(qs, 'x', 100);
	strcpy(qs + 100, "=1");
	mq_req *req = query_req(qs);
	mq_value v[N_QFIELDS];
	ck_assert_int_eq(mq_validate_query(req, query_fields, N_QFIELDS, v), -1);
	ck_assert_uint_eq(req->errors.n, 1);
	/* the name is quoted, but at most 64 characters of it */
	char x64[70];
	memset(x64, 'x', 64);
	strcpy(x64 + 64, "'");
	ck_assert_msg(strstr(req->errors.items[0], x64), "message: %s", req->errors.items[0]);
	x64[64] = 'x';
	x64[65] = '\0';
	ck_assert_msg(!strstr(req->errors.items[0], x64), "name not truncated: %s",
		      req->errors.items[0]);
}
END_TEST

START_TEST(query_several_problems)
{
	mq_req *req = query_req("page=0&limit=500&sort=bogus&x=1&include_adult=maybe&q=a%01&page=2");
	mq_value v[N_QFIELDS];
	ck_assert_int_eq(mq_validate_query(req, query_fields, N_QFIELDS, v), -1);
	static const char *const expect[] = {
		"page must be an integer", "limit must be an integer", "sort must be one of",
		"unknown parameter 'x'",   "include_adult must be true or false",
		"q must not contain control characters", "page given more than once",
	};
	ck_assert_msg(req->errors.n == N_CASES(expect), "%zu messages:\n%s", req->errors.n,
		      errors_text(req));
	for (int i = 0; i < N_CASES(expect); i++)
		ck_assert_msg(strstr(req->errors.items[i], expect[i]), "message %d is \"%s\", expected \"%s\"",
			      i, req->errors.items[i], expect[i]);
}
END_TEST

struct choice_case {
	const char *qs;
	long long index;
};

static const struct choice_case choice_cases[] = {
	{ "sort=title", 0 }, { "sort=year", 1 }, { "sort=rating", 2 },
};

START_TEST(query_enum_choices)
{
	const struct choice_case *c = &choice_cases[_i];
	mq_req *req = query_req(c->qs);
	mq_value v[N_QFIELDS];
	ck_assert_int_eq(mq_validate_query(req, query_fields, N_QFIELDS, v), 0);
	ck_assert_int_eq(v[F_SORT].i, c->index);
	ck_assert_str_eq(v[F_SORT].s, sort_choices[c->index]);
}
END_TEST

struct bool_case {
	const char *qs;
	long long value;
};

static const struct bool_case bool_cases[] = {
	{ "include_adult=true", 1 }, { "include_adult=1", 1 },
	{ "include_adult=false", 0 }, { "include_adult=0", 0 },
};

START_TEST(query_bool_forms)
{
	const struct bool_case *c = &bool_cases[_i];
	mq_req *req = query_req(c->qs);
	mq_value v[N_QFIELDS];
	ck_assert_int_eq(mq_validate_query(req, query_fields, N_QFIELDS, v), 0);
	ck_assert(v[F_ADULT].present);
	ck_assert_int_eq(v[F_ADULT].i, c->value);
}
END_TEST

START_TEST(query_required)
{
	static const mq_field fields[] = {
		{ "id", MQ_V_STRING, 1, 1, 24, NULL, NULL },
		MQ_FIELD_PAGE,
	};
	mq_value v[2];
	mq_req *req = query_req("page=2");
	ck_assert_int_eq(mq_validate_query(req, fields, 2, v), -1);
	ck_assert_uint_eq(req->errors.n, 1);
	ck_assert_str_eq(req->errors.items[0], "id is required");
	req = query_req("id=abc");
	ck_assert_int_eq(mq_validate_query(req, fields, 2, v), 0);
	ck_assert_str_eq(v[0].s, "abc");
	ck_assert_int_eq(v[1].i, 1);
}
END_TEST

/* Defaults are "validated like input": a default outside its own bounds fails the query. */
START_TEST(query_invalid_default)
{
	static const mq_field fields[] = { { "limit", MQ_V_INT, 0, 1, 100, NULL, "500" } };
	mq_value v[1];
	mq_req *req = query_req("");
	int rc = mq_validate_query(req, fields, 1, v);
	ck_assert_msg(req->errors.n == 1, "%zu messages:\n%s", req->errors.n, errors_text(req));
	ck_assert_msg(rc == -1, "mq_validate_query returned %d with a problem in req->errors (\"%s\")", rc,
		      req->errors.items[0]);
}
END_TEST

/* A body-only type cannot come from the query string. */
START_TEST(query_body_only_type)
{
	static const mq_field fields[] = { { "tags", MQ_V_ARRAY, 0, 0, 5, NULL, NULL } };
	mq_value v[1];
	mq_req *req = query_req("tags=a");
	ck_assert_int_eq(mq_validate_query(req, fields, 1, v), -1);
	ck_assert_msg(has_error(req, "tags cannot be given in the query string"), "%s",
		      errors_text(req));
}
END_TEST

/* MQ_V_NUMBER in a query: plain decimal only, within min..max. */
struct number_case {
	const char *qs;
	int ok;
	double value;
};

static const struct number_case number_cases[] = {
	{ "minRating=7", 1, 7 }, { "minRating=7.5", 1, 7.5 }, { "minRating=0", 1, 0 },
	{ "minRating=10", 1, 10 }, { "minRating=10.0", 1, 10 }, { "minRating=0.25", 1, 0.25 },
	{ "minRating=1e3", 0, 0 }, { "minRating=1e0", 0, 0 }, { "minRating=inf", 0, 0 },
	{ "minRating=nan", 0, 0 }, { "minRating=-1", 0, 0 }, { "minRating=-0", 0, 0 },
	{ "minRating=7.", 0, 0 }, { "minRating=.5", 0, 0 }, { "minRating=0x10", 0, 0 },
	{ "minRating=%207", 0, 0 }, { "minRating=7%20", 0, 0 }, { "minRating=+7", 0, 0 },
	{ "minRating=10.5", 0, 0 }, { "minRating=11", 0, 0 }, { "minRating=", 0, 0 },
	{ "minRating=7,5", 0, 0 }, { "minRating=1.2.3", 0, 0 }, { "minRating=%D9%A7", 0, 0 },
	{ "minRating=99999999999999999999", 0, 0 }, { "minRating=seven", 0, 0 },
};

START_TEST(query_number)
{
	static const mq_field fields[] = { { "minRating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL } };
	const struct number_case *c = &number_cases[_i];
	mq_value v[1];
	mq_req *req = query_req(c->qs);
	int rc = mq_validate_query(req, fields, 1, v);
	ck_assert_msg((rc == 0) == c->ok, "\"%s\": rc %d, expected %s:\n%s", c->qs, rc,
		      c->ok ? "accepted" : "refused", errors_text(req));
	if (c->ok) {
		ck_assert(v[0].present);
		ck_assert_msg(v[0].d == c->value, "\"%s\" gave %g, expected %g", c->qs, v[0].d, c->value);
	} else {
		ck_assert_msg(req->errors.n == 1 && has_error(req, "minRating must be a number from 0 to 10"),
			      "\"%s\":\n%s", c->qs, errors_text(req));
	}
}
END_TEST

/* The bounds are the field's own; absent is not present. */
START_TEST(query_number_bounds)
{
	static const mq_field fields[] = { { "x", MQ_V_NUMBER, 0, 1, 5, NULL, NULL } };
	mq_value v[1];
	ck_assert_int_eq(mq_validate_query(query_req("x=0.5"), fields, 1, v), -1);
	ck_assert_int_eq(mq_validate_query(query_req("x=5.5"), fields, 1, v), -1);
	ck_assert_int_eq(mq_validate_query(query_req("x=1"), fields, 1, v), 0);
	ck_assert(v[0].d == 1);
	ck_assert_int_eq(mq_validate_query(query_req("x=4.999"), fields, 1, v), 0);
	ck_assert(v[0].d == 4.999);
	ck_assert_int_eq(mq_validate_query(query_req(""), fields, 1, v), 0);
	ck_assert(!v[0].present);
}
END_TEST

/* A body: fields of every type. */
static const char *const status_choices[] = { "want", "watched", NULL };

enum { B_TITLE, B_YEAR, B_RATING, B_TAGS, B_WATCHED, B_META, B_STATUS, B_NOTE, N_BFIELDS };

static const mq_field body_fields[N_BFIELDS] = {
	[B_TITLE] = { "title", MQ_V_STRING, 1, 1, 10, NULL, NULL },
	[B_YEAR] = { "year", MQ_V_INT, MQ_NULLABLE, 1870, 2100, NULL, NULL },
	[B_RATING] = { "rating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL },
	[B_TAGS] = { "tags", MQ_V_ARRAY, MQ_NULLABLE, 0, 3, NULL, NULL },
	[B_WATCHED] = { "watched", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
	[B_META] = { "meta", MQ_V_OBJECT, 0, 0, 0, NULL, NULL },
	[B_STATUS] = { "status", MQ_V_ENUM, MQ_NULLABLE, 0, 0, status_choices, NULL },
	[B_NOTE] = { "note", MQ_V_STRING, 0, 0, 100, NULL, NULL },
};

static mq_req *body_req(void)
{
	mq_req *req = mq_arena_zalloc(arena, sizeof *req);
	mq_req_init(req, arena, "POST", "/api/movies");
	return req;
}

static void delete_json(void *p)
{
	cJSON_Delete(p);
}

/* Parses text (which must be valid JSON) into a tree owned by the arena. */
static cJSON *parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	ck_assert_msg(j != NULL, "test JSON does not parse: %s", text);
	mq_arena_defer(arena, delete_json, j);
	return j;
}

START_TEST(object_all_fields)
{
	mq_req *req = body_req();
	cJSON *obj = parse("{\"title\":\"سلام دنیا\",\"year\":1999,\"rating\":7.5,\"tags\":[\"a\",\"b\"],"
			   "\"watched\":true,\"meta\":{\"x\":1},\"status\":\"watched\",\"note\":\"line1\\nline2\"}");
	mq_value v[N_BFIELDS];
	int rc = mq_validate_object(req, obj, body_fields, N_BFIELDS, v);
	ck_assert_msg(rc == 0, "refused:\n%s", errors_text(req));
	for (int k = 0; k < N_BFIELDS; k++) {
		ck_assert_msg(v[k].present, "%s not present", body_fields[k].name);
		ck_assert_ptr_nonnull(v[k].json);
	}
	ck_assert_str_eq(v[B_TITLE].s, "سلام دنیا");
	ck_assert_int_eq(v[B_YEAR].i, 1999);
	ck_assert_double_eq(v[B_RATING].d, 7.5);
	ck_assert_int_eq(cJSON_GetArraySize(v[B_TAGS].json), 2);
	ck_assert_int_eq(v[B_WATCHED].i, 1);
	ck_assert(cJSON_IsObject(v[B_META].json));
	ck_assert_int_eq(v[B_STATUS].i, 1);
	ck_assert_str_eq(v[B_STATUS].s, "watched");
}
END_TEST

START_TEST(object_only_required)
{
	mq_req *req = body_req();
	cJSON *obj = parse("{\"title\":\"x\"}");
	mq_value v[N_BFIELDS];
	ck_assert_int_eq(mq_validate_object(req, obj, body_fields, N_BFIELDS, v), 0);
	ck_assert(v[B_TITLE].present);
	for (int k = 1; k < N_BFIELDS; k++) {
		ck_assert_msg(!v[k].present, "%s present", body_fields[k].name);
		ck_assert_ptr_null(v[k].json);
	}
}
END_TEST

/* An explicit null on a nullable field means "clear it": allowed, not present, json is null. */
START_TEST(object_explicit_null)
{
	mq_req *req = body_req();
	cJSON *obj = parse("{\"title\":\"x\",\"year\":null,\"tags\":null,\"status\":null}");
	mq_value v[N_BFIELDS];
	int rc = mq_validate_object(req, obj, body_fields, N_BFIELDS, v);
	ck_assert_msg(rc == 0, "refused:\n%s", errors_text(req));
	static const int nulls[] = { B_YEAR, B_TAGS, B_STATUS };
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
		const mq_value *x = &v[nulls[i]];
		ck_assert_msg(!x->present, "%s null counted as present", body_fields[nulls[i]].name);
		ck_assert_msg(cJSON_IsNull(x->json), "%s: json is not the null", body_fields[nulls[i]].name);
	}
}
END_TEST

/* One bad body: rc -1 and exactly one message containing the expected text. */
struct object_bad_case {
	const char *json;
	const char *message;
};

static const struct object_bad_case object_bad_cases[] = {
	{ "{\"title\":\"x\",\"role\":\"admin\"}", "unknown field 'role'" },
	{ "{\"title\":\"x\",\"$where\":\"1\"}", "unknown field '$where'" },
	{ "{\"title\":\"x\",\"$set\":{\"role\":\"admin\"}}", "unknown field '$set'" },
	{ "{\"title\":\"x\",\"a.b\":1}", "unknown field 'a.b'" },
	{ "{\"title\":\"x\",\"meta.x\":1}", "unknown field 'meta.x'" },
	{ "{\"title\":\"x\",\"__proto__\":{}}", "unknown field '__proto__'" },
	{ "{\"title\":\"x\",\"\":1}", "unknown field ''" },
	{ "{\"title\":\"x\",\"Title\":\"y\"}", "unknown field 'Title'" },
	{ "{\"title\":\"x\",\"title\":\"y\"}", "title given more than once" },
	{ "{\"title\":\"x\",\"year\":null,\"year\":2000}", "year given more than once" },
	{ "{\"title\":\"x\",\"year\":1999,\"year\":2000}", "year given more than once" },
	{ "{}", "title is required" },
	{ "{\"year\":2000}", "title is required" },
	{ "{\"title\":null}", "title may not be null" },
	{ "{\"title\":\"x\",\"rating\":null}", "rating may not be null" },
	{ "{\"title\":1}", "title must be a string" },
	{ "{\"title\":[\"x\"]}", "title must be a string" },
	{ "{\"title\":\"\"}", "title must be 1 to 10 characters long" },
	{ "{\"title\":\"12345678901\"}", "title must be 1 to 10 characters long" },
	{ "{\"title\":\"سلام دنیا سلام\"}", "title must be 1 to 10 characters long" },
	{ "{\"title\":\"a\\u0001b\"}", "title must not contain control characters" },
	{ "{\"title\":\"a\\u007fb\"}", "title must not contain control characters" },
	{ "{\"title\":\"x\",\"year\":\"1999\"}", "year must be an integer from 1870 to 2100" },
	{ "{\"title\":\"x\",\"year\":1999.5}", "year must be an integer" },
	{ "{\"title\":\"x\",\"year\":1869}", "year must be an integer" },
	{ "{\"title\":\"x\",\"year\":true}", "year must be an integer" },
	{ "{\"title\":\"x\",\"year\":1e400}", "year must be an integer" },
	{ "{\"title\":\"x\",\"rating\":\"5\"}", "rating must be a number from 0 to 10" },
	{ "{\"title\":\"x\",\"rating\":10.01}", "rating must be a number" },
	{ "{\"title\":\"x\",\"rating\":-0.5}", "rating must be a number" },
	{ "{\"title\":\"x\",\"rating\":1e400}", "rating must be a number" },
	{ "{\"title\":\"x\",\"tags\":{}}", "tags must be a list of at most 3 items" },
	{ "{\"title\":\"x\",\"tags\":\"a\"}", "tags must be a list" },
	{ "{\"title\":\"x\",\"tags\":[1,2,3,4]}", "tags must be a list of at most 3 items" },
	{ "{\"title\":\"x\",\"watched\":1}", "watched must be true or false" },
	{ "{\"title\":\"x\",\"watched\":\"true\"}", "watched must be true or false" },
	{ "{\"title\":\"x\",\"meta\":[]}", "meta must be an object" },
	{ "{\"title\":\"x\",\"meta\":\"{}\"}", "meta must be an object" },
	{ "{\"title\":\"x\",\"status\":\"seen\"}", "status must be one of: want, watched" },
	{ "{\"title\":\"x\",\"status\":1}", "status must be a string" },
	{ "[]", "the body must be a JSON object" },
	{ "\"title\"", "the body must be a JSON object" },
};

START_TEST(object_refused)
{
	const struct object_bad_case *c = &object_bad_cases[_i];
	mq_req *req = body_req();
	cJSON *obj = parse(c->json);
	mq_value v[N_BFIELDS];
	int rc = mq_validate_object(req, obj, body_fields, N_BFIELDS, v);
	ck_assert_msg(rc == -1, "%s accepted", c->json);
	ck_assert_msg(req->errors.n == 1, "%s: %zu messages, expected 1:\n%s", c->json, req->errors.n,
		      errors_text(req));
	ck_assert_msg(has_error(req, c->message), "%s: no message with \"%s\":\n%s", c->json,
		      c->message, errors_text(req));
}
END_TEST

START_TEST(object_several_problems)
{
	mq_req *req = body_req();
	cJSON *obj = parse("{\"role\":\"admin\",\"year\":\"x\",\"$where\":1,\"tags\":[1,2,3,4],"
			   "\"year\":1999}");
	mq_value v[N_BFIELDS];
	ck_assert_int_eq(mq_validate_object(req, obj, body_fields, N_BFIELDS, v), -1);
	static const char *const expect[] = {
		"unknown field 'role'", "year must be an integer", "unknown field '$where'",
		"tags must be a list",  "year given more than once", "title is required",
	};
	ck_assert_msg(req->errors.n == N_CASES(expect), "%zu messages:\n%s", req->errors.n,
		      errors_text(req));
	for (int i = 0; i < N_CASES(expect); i++)
		ck_assert_msg(strstr(req->errors.items[i], expect[i]), "message %d is \"%s\", expected \"%s\"",
			      i, req->errors.items[i], expect[i]);
}
END_TEST

START_TEST(object_null_tree)
{
	mq_req *req = body_req();
	mq_value v[N_BFIELDS];
	ck_assert_int_eq(mq_validate_object(req, NULL, body_fields, N_BFIELDS, v), -1);
	ck_assert(has_error(req, "the body must be a JSON object"));
}
END_TEST

struct oid_case {
	const char *s;
	int ok;
};

static const struct oid_case oid_cases[] = {
	{ "65a1b2c3d4e5f60718293a4b", 1 },
	{ "65A1B2C3D4E5F60718293A4B", 1 },
	{ "65a1B2c3D4e5F60718293a4B", 1 },
	{ "000000000000000000000000", 1 },
	{ "ffffffffffffffffffffffff", 1 },
	{ "", 0 },
	{ "65a1b2c3d4e5f60718293a4", 0 },
	{ "65a1b2c3d4e5f60718293a4b0", 0 },
	{ "65a1b2c3d4e5f60718293a4g", 0 },
	{ "65a1b2c3d4e5f607 8293a4b", 0 },
	{ " 65a1b2c3d4e5f60718293a4b", 0 },
	{ "0x65a1b2c3d4e5f60718293a", 0 },
	{ "65a1b2c3-d4e5-f607-1829-3a4b", 0 },
};

START_TEST(object_id)
{
	const struct oid_case *c = &oid_cases[_i];
	ck_assert_msg(mq_is_object_id(c->s) == c->ok, "mq_is_object_id(\"%s\") = %d, expected %d", c->s,
		      mq_is_object_id(c->s), c->ok);
}
END_TEST

struct ref_case {
	const char *s;
	mq_movie_ref_kind kind;
	long long tmdb_id;
};

static const struct ref_case ref_cases[] = {
	{ "550", MQ_REF_TMDB, 550 },
	{ "1", MQ_REF_TMDB, 1 },
	{ "2147483647", MQ_REF_TMDB, 2147483647LL },
	{ "65a1b2c3d4e5f60718293a4b", MQ_REF_OBJECT_ID, 0 },
	{ "123456789012345678901234", MQ_REF_OBJECT_ID, 0 },
	{ "fight-club-1999", MQ_REF_SLUG, 0 },
	{ "fight-club", MQ_REF_SLUG, 0 },
	{ "a", MQ_REF_SLUG, 0 },
	{ "1999-a", MQ_REF_SLUG, 0 },
	{ "2001-a-space-odyssey-1968", MQ_REF_SLUG, 0 },
	{ "0", MQ_REF_INVALID, 0 },
	{ "007", MQ_REF_INVALID, 0 },
	{ "00", MQ_REF_INVALID, 0 },
	{ "2147483648", MQ_REF_INVALID, 0 },
	{ "99999999999", MQ_REF_INVALID, 0 },
	{ "-1", MQ_REF_INVALID, 0 },
	{ "-x", MQ_REF_INVALID, 0 },
	{ "x-", MQ_REF_INVALID, 0 },
	{ "-", MQ_REF_INVALID, 0 },
	{ "a--b", MQ_REF_INVALID, 0 },
	{ "Fight", MQ_REF_INVALID, 0 },
	{ "fight-Club", MQ_REF_INVALID, 0 },
	{ "fight_club", MQ_REF_INVALID, 0 },
	{ "fight club", MQ_REF_INVALID, 0 },
	{ "fight.club", MQ_REF_INVALID, 0 },
	{ "fight/club", MQ_REF_INVALID, 0 },
	{ "+550", MQ_REF_INVALID, 0 },
	{ "550 ", MQ_REF_INVALID, 0 },
	{ "p\xC3\xA9lic\xC3\xBAla", MQ_REF_INVALID, 0 },
	{ "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", MQ_REF_INVALID, 0 },
	{ "", MQ_REF_INVALID, 0 },
};

START_TEST(movie_ref)
{
	const struct ref_case *c = &ref_cases[_i];
	long long id = -7;
	mq_movie_ref_kind kind = mq_valid_movie_ref(c->s, &id);
	ck_assert_msg(kind == c->kind, "mq_valid_movie_ref(\"%s\") = %d, expected %d", c->s, (int)kind,
		      (int)c->kind);
	if (c->kind == MQ_REF_TMDB)
		ck_assert_int_eq(id, c->tmdb_id);
}
END_TEST

/* Slugs are limited to 200 characters. */
START_TEST(movie_ref_slug_length)
{
	char s[202];
	long long id;
	memset(s, 'a', 201);
	s[201] = '\0';
	ck_assert_int_eq(mq_valid_movie_ref(s, &id), MQ_REF_INVALID);
	s[200] = '\0';
	ck_assert_int_eq(mq_valid_movie_ref(s, &id), MQ_REF_SLUG);
	/* words separated by single dashes, 200 in all */
	for (int i = 1; i < 200; i += 2)
		s[i] = '-';
	s[199] = 'z';
	ck_assert_int_eq(mq_valid_movie_ref(s, &id), MQ_REF_SLUG);
	ck_assert_int_eq(mq_valid_movie_ref(NULL, &id), MQ_REF_INVALID);
}
END_TEST

START_TEST(emails)
{
	static const struct { const char *in, *out; } good[] = {
		{ "A@Example.COM", "a@example.com" }, { "first.last+tag@sub.example.org", "first.last+tag@sub.example.org" },
	};
	static const char *const bad[] = { "", "a", "a@b", "@example.com", "a@@example.com", "a@example..com",
					   "a b@example.com", "a@.example.com", "a@example.", "<a>@example.com",
					   "a@example.com\n" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char buf[64];
		strcpy(buf, good[i].in);
		ck_assert_msg(mq_valid_email(buf), "refused %s", good[i].in);
		ck_assert_str_eq(buf, good[i].out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char buf[64];
		strcpy(buf, bad[i]);
		ck_assert_msg(!mq_valid_email(buf), "accepted %s", bad[i]);
	}
}
END_TEST

START_TEST(usernames_and_dates)
{
	ck_assert(mq_valid_username("ann_99"));
	ck_assert(!mq_valid_username("an"));
	ck_assert(!mq_valid_username("ann lee"));
	ck_assert(!mq_valid_username("ann.lee"));
	ck_assert(!mq_valid_username("$where"));
	ck_assert(!mq_valid_username("abcdefghijabcdefghijabcdefghijx"));
	ck_assert(mq_valid_date("1990-02-28"));
	ck_assert(mq_valid_date("2000-02-29"));
	ck_assert(!mq_valid_date("1900-02-29"));
	ck_assert(!mq_valid_date("1990-13-01"));
	ck_assert(!mq_valid_date("1990-1-01"));
	ck_assert(!mq_valid_date("1899-12-31"));
	ck_assert(!mq_valid_date("2999-01-01"));
	ck_assert(!mq_valid_date("1990-02-28x"));
	ck_assert(!mq_valid_date("+990-02-28"));
}
END_TEST

Suite *valid_suite(void)
{
	Suite *s = suite_create("valid");
	TCase *ints = tcase_create("int");
	TCase *query = tcase_create("query");
	TCase *object = tcase_create("object");
	TCase *refs = tcase_create("refs");

	tcase_add_loop_test(ints, parse_int, 0, N_CASES(int_cases));
	tcase_add_test(ints, parse_int_null);
	suite_add_tcase(s, ints);

	tcase_add_checked_fixture(query, setup, teardown);
	tcase_add_test(query, query_defaults);
	tcase_add_test(query, query_values);
	tcase_add_loop_test(query, query_refused, 0, N_CASES(query_bad_cases));
	tcase_add_loop_test(query, query_string_length_code_points, 0, N_CASES(length_cases));
	tcase_add_test(query, query_unknown_name_truncated);
	tcase_add_test(query, query_several_problems);
	tcase_add_loop_test(query, query_enum_choices, 0, N_CASES(choice_cases));
	tcase_add_loop_test(query, query_bool_forms, 0, N_CASES(bool_cases));
	tcase_add_test(query, query_required);
	tcase_add_test(query, query_invalid_default);
	tcase_add_test(query, query_body_only_type);
	tcase_add_loop_test(query, query_number, 0, N_CASES(number_cases));
	tcase_add_test(query, query_number_bounds);
	suite_add_tcase(s, query);

	tcase_add_checked_fixture(object, setup, teardown);
	tcase_add_test(object, object_all_fields);
	tcase_add_test(object, object_only_required);
	tcase_add_test(object, object_explicit_null);
	tcase_add_loop_test(object, object_refused, 0, N_CASES(object_bad_cases));
	tcase_add_test(object, object_several_problems);
	tcase_add_test(object, object_null_tree);
	suite_add_tcase(s, object);

	tcase_add_loop_test(refs, object_id, 0, N_CASES(oid_cases));
	tcase_add_loop_test(refs, movie_ref, 0, N_CASES(ref_cases));
	tcase_add_test(refs, movie_ref_slug_length);
	TCase *account = tcase_create("account");
	tcase_add_test(account, emails);
	tcase_add_test(account, usernames_and_dates);
	suite_add_tcase(s, account);
	suite_add_tcase(s, refs);
	return s;
}
