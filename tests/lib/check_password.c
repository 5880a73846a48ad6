/* check_password.c — tests for lib/core/password.c (bcrypt through libcrypt). */
#include "core/password.h"
#include "suites.h"

#include <string.h>

START_TEST(hash_and_verify)
{
	mq_buf h = MQ_BUF_INIT, h2 = MQ_BUF_INIT;
	ck_assert_int_eq(mq_password_hash("correct horse", 4, &h), MQ_OK);
	ck_assert_int_eq((int)h.len, 60);
	ck_assert_int_eq(strncmp(h.data, "$2b$04$", 7), 0);
	ck_assert(mq_password_verify("correct horse", h.data, 4));
	ck_assert(!mq_password_verify("correct horsE", h.data, 4));
	ck_assert(!mq_password_verify("", h.data, 4));
	ck_assert_int_eq(mq_password_hash("correct horse", 4, &h2), MQ_OK);
	ck_assert_str_ne(h.data, h2.data); /* a fresh salt each time */
	mq_buf_free(&h);
	mq_buf_free(&h2);
}
END_TEST

START_TEST(length_limits)
{
	mq_buf h = MQ_BUF_INIT;
	char p72[73], p73[74];
	memset(p72, 'a', 72);
	p72[72] = '\0';
	memset(p73, 'a', 73);
	p73[73] = '\0';
	ck_assert_int_eq(mq_password_hash("1234567", 4, &h), MQ_EINVAL);
	ck_assert_int_eq(mq_password_hash(p73, 4, &h), MQ_EINVAL);
	ck_assert_uint_eq(h.len, 0);
	ck_assert_int_eq(mq_password_hash(p72, 4, &h), MQ_OK);
	ck_assert(mq_password_verify(p72, h.data, 4));
	mq_buf_free(&h);
}
END_TEST

START_TEST(unknown_or_malformed_hash_never_matches)
{
	ck_assert(!mq_password_verify("anything", NULL, 4));
	ck_assert(!mq_password_verify("anything", "", 4));
	ck_assert(!mq_password_verify("anything", "$1$abc$def", 4));
	ck_assert(!mq_password_verify("anything", "plain-text", 4));
}
END_TEST

Suite *password_suite(void)
{
	Suite *s = suite_create("password");
	TCase *t = tcase_create("password");
	tcase_add_test(t, hash_and_verify);
	tcase_add_test(t, length_limits);
	tcase_add_test(t, unknown_or_malformed_hash_never_matches);
	tcase_set_timeout(t, 20);
	suite_add_tcase(s, t);
	return s;
}
