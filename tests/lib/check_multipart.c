/* check_multipart.c — tests for lib/core/multipart.c: boundaries, parts, and malformed bodies. */
#include "core/buf.h"
#include "core/multipart.h"
#include "suites.h"

#include <string.h>

START_TEST(boundary_forms)
{
	mq_arena *a = mq_arena_new();
	ck_assert_str_eq(mq_multipart_boundary(a, "multipart/form-data; boundary=abc"), "abc");
	ck_assert_str_eq(mq_multipart_boundary(a, "Multipart/Form-Data; charset=utf-8; Boundary=\"a b\""), "a b");
	ck_assert_str_eq(mq_multipart_boundary(a, "multipart/form-data; boundary=x;y=z"), "x");
	ck_assert_ptr_null(mq_multipart_boundary(a, "application/json"));
	ck_assert_ptr_null(mq_multipart_boundary(a, "multipart/form-data"));
	ck_assert_ptr_null(mq_multipart_boundary(a, "multipart/form-data; boundary="));
	ck_assert_ptr_null(mq_multipart_boundary(a, "multipart/form-data; boundary=\"open"));
	char long_one[120] = "multipart/form-data; boundary=";
	memset(long_one + strlen(long_one), 'b', 71);
	ck_assert_ptr_null(mq_multipart_boundary(a, long_one));
	ck_assert_ptr_null(mq_multipart_boundary(a, NULL));
	mq_arena_free(a);
}
END_TEST

static const char two_parts[] =
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"title\"\r\n\r\n"
	"Hello\r\n"
	"--XyZ\r\n"
	"Content-Disposition: form-data; name=\"avatar\"; filename=\"a b.png\"\r\n"
	"Content-Type: image/png\r\n\r\n"
	"\x89PNG\r\n--not-the-boundary\r\n\x00\x01\r\n"
	"--XyZ--\r\n";

START_TEST(parses_fields_and_files)
{
	mq_arena *a = mq_arena_new();
	mq_part parts[MQ_MULTIPART_MAX_PARTS];
	size_t n = 0;
	ck_assert_int_eq(mq_multipart_parse(a, "XyZ", two_parts, sizeof two_parts - 1, parts, &n), MQ_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(parts[0].name, "title");
	ck_assert_ptr_null(parts[0].filename);
	ck_assert_uint_eq(parts[0].len, 5);
	ck_assert_int_eq(memcmp(parts[0].data, "Hello", 5), 0);
	const mq_part *f = mq_multipart_find(parts, n, "avatar");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->filename, "a b.png");
	ck_assert_str_eq(f->content_type, "image/png");
	/* binary content with CRLFs, NULs and a near-boundary survives byte for byte */
	static const char expect[] = "\x89PNG\r\n--not-the-boundary\r\n\x00\x01";
	ck_assert_uint_eq(f->len, sizeof expect - 1);
	ck_assert_int_eq(memcmp(f->data, expect, f->len), 0);
	ck_assert_ptr_null(mq_multipart_find(parts, n, "missing"));
	mq_arena_free(a);
}
END_TEST

static const char *const malformed[] = {
	"",
	"--XyZ",
	"garbage--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--",
	"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing delimiter",
	"--XyZ\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--XyZ--",
	"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--",
	"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nno blank line\r\n--XyZ--",
	"--XyZ--",
	"--XyZx\r\n",
};

START_TEST(refuses_malformed)
{
	mq_arena *a = mq_arena_new();
	mq_part parts[MQ_MULTIPART_MAX_PARTS];
	size_t n;
	const char *body = malformed[_i];
	ck_assert_msg(mq_multipart_parse(a, "XyZ", body, strlen(body), parts, &n) == MQ_EINVAL,
		      "accepted: %s", body);
	mq_arena_free(a);
}
END_TEST

START_TEST(limits)
{
	mq_arena *a = mq_arena_new();
	mq_part parts[MQ_MULTIPART_MAX_PARTS];
	size_t n;
	mq_buf b = MQ_BUF_INIT;
	for (int i = 0; i <= MQ_MULTIPART_MAX_PARTS; i++)
		mq_buf_printf(&b, "--B\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nx\r\n", i);
	mq_buf_puts(&b, "--B--\r\n");
	ck_assert_int_eq(mq_multipart_parse(a, "B", b.data, b.len, parts, &n), MQ_EINVAL);
	mq_buf_reset(&b);
	mq_buf_puts(&b, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: ");
	for (int i = 0; i < MQ_MULTIPART_MAX_HEADER; i++)
		mq_buf_putc(&b, 'p');
	mq_buf_puts(&b, "\r\n\r\nv\r\n--B--\r\n");
	ck_assert_int_eq(mq_multipart_parse(a, "B", b.data, b.len, parts, &n), MQ_EINVAL);
	mq_buf_free(&b);
	mq_arena_free(a);
}
END_TEST

Suite *multipart_suite(void)
{
	Suite *s = suite_create("multipart");
	TCase *t = tcase_create("multipart");
	tcase_add_test(t, boundary_forms);
	tcase_add_test(t, parses_fields_and_files);
	tcase_add_loop_test(t, refuses_malformed, 0, sizeof malformed / sizeof malformed[0]);
	tcase_add_test(t, limits);
	suite_add_tcase(s, t);
	return s;
}
