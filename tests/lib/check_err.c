/* check_err.c — unit tests for lib/core/err.c: every mq_err to its documented status, messages, reasons. */
#include "suites.h"

#include "core/err.h"

#include <check.h>
#include <string.h>

struct err_case {
	mq_err err;
	int status;
	const char *reason;
};

/* The statuses documented next to each value in err.h. */
static const struct err_case err_cases[] = {
	{ MQ_OK, 200, "OK" },
	{ MQ_EINVAL, 400, "Bad Request" },
	{ MQ_EUNAUTH, 401, "Unauthorized" },
	{ MQ_EFORBIDDEN, 403, "Forbidden" },
	{ MQ_ENOTFOUND, 404, "Not Found" },
	{ MQ_EMETHOD, 405, "Method Not Allowed" },
	{ MQ_ECONFLICT, 409, "Conflict" },
	{ MQ_ETOOLARGE, 413, "Payload Too Large" },
	{ MQ_EMEDIATYPE, 415, "Unsupported Media Type" },
	{ MQ_EUNPROCESSABLE, 422, "Unprocessable Content" },
	{ MQ_ERATELIMIT, 429, "Too Many Requests" },
	{ MQ_EINTERNAL, 500, "Internal Server Error" },
	{ MQ_EUPSTREAM, 502, "Bad Gateway" },
	{ MQ_EUNAVAIL, 503, "Service Unavailable" },
	{ MQ_ETIMEOUT, 504, "Gateway Timeout" },
	{ MQ_ESTORAGE, 507, "Insufficient Storage" },
};

START_TEST(status_of_each_error)
{
	const struct err_case *c = &err_cases[_i];
	int status = mq_err_status(c->err);
	ck_assert_msg(status == c->status, "mq_err_status(%d) = %d, expected %d", (int)c->err, status,
		      c->status);
	ck_assert_str_eq(mq_err_http_reason(status), c->reason);
	const char *msg = mq_err_message(c->err);
	ck_assert_msg(msg && *msg, "mq_err_message(%d) is empty", (int)c->err);
}
END_TEST

/* The table covers every value of the enum, and no two errors share a status. */
START_TEST(statuses_are_distinct)
{
	ck_assert_int_eq(N_CASES(err_cases), MQ_ESTORAGE + 1);
	for (int i = 0; i < N_CASES(err_cases); i++)
		for (int k = i + 1; k < N_CASES(err_cases); k++)
			ck_assert_msg(mq_err_status(err_cases[i].err) != mq_err_status(err_cases[k].err),
				      "errors %d and %d share status %d", i, k,
				      mq_err_status(err_cases[i].err));
}
END_TEST

START_TEST(default_messages)
{
	ck_assert_str_eq(mq_err_message(MQ_OK), "OK");
	ck_assert_str_eq(mq_err_message(MQ_EINVAL), "Validation failed");
	ck_assert_str_eq(mq_err_message(MQ_ENOTFOUND), "Not found");
	ck_assert_str_eq(mq_err_message(MQ_EINTERNAL), "Internal server error");
}
END_TEST

/* A value outside the enum is treated as an internal error, never an out-of-bounds read. */
START_TEST(unknown_error_is_internal)
{
	static const int bogus[] = { MQ_ESTORAGE + 1, 100, -1 };
	for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
		ck_assert_int_eq(mq_err_status((mq_err)bogus[i]), 500);
		ck_assert_str_eq(mq_err_message((mq_err)bogus[i]), mq_err_message(MQ_EINTERNAL));
	}
}
END_TEST

struct reason_case {
	int status;
	const char *reason;
};

static const struct reason_case reason_cases[] = {
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 204, "No Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 0, "Unknown" },
	{ 100, "Unknown" },
	{ 418, "Unknown" },
	{ 599, "Unknown" },
	{ -404, "Unknown" },
};

START_TEST(reason_phrases)
{
	const struct reason_case *c = &reason_cases[_i];
	ck_assert_str_eq(mq_err_http_reason(c->status), c->reason);
}
END_TEST

Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("err");
	tcase_add_loop_test(tc, status_of_each_error, 0, N_CASES(err_cases));
	tcase_add_test(tc, statuses_are_distinct);
	tcase_add_test(tc, default_messages);
	tcase_add_test(tc, unknown_error_is_internal);
	tcase_add_loop_test(tc, reason_phrases, 0, N_CASES(reason_cases));
	suite_add_tcase(s, tc);
	return s;
}
