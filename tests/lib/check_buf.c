/* check_buf.c — unit tests for lib/core/buf.c: growth, printf, steal/reset, HTML/JSON/URL escapers. */
#include "suites.h"

#include "core/buf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

START_TEST(empty_buffer)
{
	mq_buf b = MQ_BUF_INIT;
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "");
	mq_buf_init(&b);
	ck_assert_str_eq(mq_buf_cstr(&b), "");
	mq_buf_free(&b);
	mq_buf_free(&b); /* a freed buffer may be freed again */
	mq_buf_free(NULL);
}
END_TEST

START_TEST(append_grows_one_byte_at_a_time)
{
	mq_buf b = MQ_BUF_INIT;
	for (int i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);
		mq_buf_append(&b, &c, 1);
		ck_assert_uint_eq(b.len, (size_t)i + 1);
		ck_assert_msg(b.cap > b.len, "cap %zu leaves no room for the NUL at len %zu", b.cap, b.len);
		ck_assert_msg(b.data[b.len] == '\0', "not NUL-terminated at len %zu", b.len);
	}
	for (size_t i = 0; i < b.len; i++)
		ck_assert_msg(b.data[i] == (char)('a' + i % 26), "byte %zu is wrong", i);
	mq_buf_free(&b);
}
END_TEST

START_TEST(append_large_and_binary)
{
	mq_buf b = MQ_BUF_INIT;
	size_t n = 300000;
	char *big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memset(big, 'q', n);
	mq_buf_puts(&b, "head:");
	mq_buf_append(&b, big, n);
	ck_assert_uint_eq(b.len, n + 5);
	ck_assert_uint_eq(strlen(mq_buf_cstr(&b)), n + 5);
	/* embedded NUL bytes are content, counted in len */
	mq_buf_append(&b, "x\0y", 3);
	ck_assert_uint_eq(b.len, n + 8);
	ck_assert_mem_eq(b.data + n + 5, "x\0y\0", 4);
	/* zero bytes appended to an empty buffer still leave a valid string */
	mq_buf c = MQ_BUF_INIT;
	mq_buf_append(&c, "", 0);
	ck_assert_ptr_nonnull(c.data);
	ck_assert_str_eq(mq_buf_cstr(&c), "");
	free(big);
	mq_buf_free(&b);
	mq_buf_free(&c);
}
END_TEST

START_TEST(puts_and_putc)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, "ab");
	mq_buf_putc(&b, 'c');
	mq_buf_puts(&b, "");
	mq_buf_putc(&b, '\0');
	mq_buf_putc(&b, 'd');
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.data, "abc\0d", 6);
	mq_buf_free(&b);
}
END_TEST

START_TEST(printf_appends_and_grows)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_printf(&b, "%d-%s", 7, "x");
	mq_buf_printf(&b, "|%05.2f|", 3.14159);
	ck_assert_str_eq(mq_buf_cstr(&b), "7-x|03.14|");
	ck_assert_uint_eq(b.len, 10);
	/* much bigger than the current capacity */
	mq_buf_printf(&b, "%*s", 100000, "end");
	ck_assert_uint_eq(b.len, 100010);
	ck_assert_uint_eq(strlen(b.data), 100010);
	ck_assert_str_eq(b.data + b.len - 3, "end");
	ck_assert_int_eq(strncmp(b.data, "7-x|03.14|   ", 13), 0);
	/* many small printfs */
	mq_buf_reset(&b);
	for (int i = 0; i < 5000; i++)
		mq_buf_printf(&b, "%04d,", i);
	ck_assert_uint_eq(b.len, 25000);
	ck_assert_int_eq(strncmp(b.data + 4995 * 5, "4995,4996,", 10), 0);
	mq_buf_free(&b);
}
END_TEST

START_TEST(printf_empty_output)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_printf(&b, "%s", "");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "");
	mq_buf_puts(&b, "x");
	mq_buf_printf(&b, "%s", "");
	ck_assert_str_eq(mq_buf_cstr(&b), "x");
	mq_buf_free(&b);
}
END_TEST

START_TEST(reserve_avoids_reallocation)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, "abc");
	mq_buf_reserve(&b, 5000);
	ck_assert_uint_ge(b.cap, b.len + 5000 + 1);
	const char *data = b.data;
	for (int i = 0; i < 5000; i++)
		mq_buf_putc(&b, 'z');
	ck_assert_ptr_eq(b.data, data);
	ck_assert_uint_eq(b.len, 5003);
	mq_buf_free(&b);
}
END_TEST

START_TEST(reset_keeps_allocation)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_reset(&b); /* on an empty buffer too */
	mq_buf_puts(&b, "hello world");
	char *data = b.data;
	size_t cap = b.cap;
	mq_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "");
	ck_assert_ptr_eq(b.data, data);
	ck_assert_uint_eq(b.cap, cap);
	mq_buf_puts(&b, "again");
	ck_assert_str_eq(mq_buf_cstr(&b), "again");
	mq_buf_free(&b);
}
END_TEST

START_TEST(steal_hands_over_content)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, "owned");
	char *s = mq_buf_steal(&b);
	ck_assert_str_eq(s, "owned");
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	free(s);
	/* an empty buffer yields an empty, freeable string */
	char *e = mq_buf_steal(&b);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e, "");
	free(e);
	mq_buf_puts(&b, "reusable");
	ck_assert_str_eq(mq_buf_cstr(&b), "reusable");
	mq_buf_free(&b);
}
END_TEST

struct esc_case {
	const char *in;
	size_t n; /* 0: strlen(in) */
	const char *out;
};

static const struct esc_case html_cases[] = {
	{ "&", 0, "&amp;" },
	{ "<", 0, "&lt;" },
	{ ">", 0, "&gt;" },
	{ "\"", 0, "&quot;" },
	{ "'", 0, "&#39;" },
	{ "`", 0, "&#96;" },
	{ "=", 0, "&#61;" },
	{ "", 0, "" },
	{ "plain text 123", 0, "plain text 123" },
	{ "<script>alert('x')</script>", 0, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
	{ "\" onmouseover=`x`", 0, "&quot; onmouseover&#61;&#96;x&#96;" },
	{ "&amp;", 0, "&amp;amp;" },
	{ "فیلم & سریال", 0, "فیلم &amp; سریال" },
	{ "a<b>c", 2, "a&lt;" },
	{ "/\\;:#%", 0, "/\\;:#%" },
};

START_TEST(html_escaper)
{
	const struct esc_case *c = &html_cases[_i];
	mq_buf b = MQ_BUF_INIT;
	mq_buf_html(&b, c->in, c->n ? c->n : strlen(c->in));
	ck_assert_msg(!strcmp(mq_buf_cstr(&b), c->out), "html(\"%s\") = \"%s\", expected \"%s\"", c->in,
		      mq_buf_cstr(&b), c->out);
	mq_buf_free(&b);
}
END_TEST

static const struct esc_case json_cases[] = {
	{ "", 0, "\"\"" },
	{ "plain", 0, "\"plain\"" },
	{ "\"", 0, "\"\\\"\"" },
	{ "\\", 0, "\"\\\\\"" },
	{ "\n", 0, "\"\\n\"" },
	{ "\r", 0, "\"\\r\"" },
	{ "\t", 0, "\"\\t\"" },
	{ "\b", 0, "\"\\u0008\"" },
	{ "\f", 0, "\"\\u000c\"" },
	{ "\x01", 0, "\"\\u0001\"" },
	{ "\x1b", 0, "\"\\u001b\"" },
	{ "\x1f", 0, "\"\\u001f\"" },
	{ "\x7f", 0, "\"\\u007f\"" },
	{ "\0", 1, "\"\\u0000\"" },
	{ " ", 0, "\" \"" },
	{ "/", 0, "\"/\"" },
	{ "'<>&", 0, "\"'<>&\"" },
	{ "سلام", 0, "\"سلام\"" },
	{ "a\"b\\c\nd", 0, "\"a\\\"b\\\\c\\nd\"" },
	{ "abc", 2, "\"ab\"" },
};

START_TEST(json_string_escaper)
{
	const struct esc_case *c = &json_cases[_i];
	mq_buf b = MQ_BUF_INIT;
	mq_buf_json_string(&b, c->in, c->n ? c->n : strlen(c->in));
	ck_assert_msg(!strcmp(mq_buf_cstr(&b), c->out), "json_string(case %d) = %s, expected %s", _i,
		      mq_buf_cstr(&b), c->out);
	mq_buf_free(&b);
}
END_TEST

/* Every ASCII byte 1..127 round-trips through a JSON parser. */
START_TEST(json_string_round_trips)
{
	char all[128];
	for (int i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	mq_buf b = MQ_BUF_INIT;
	mq_buf_json_string(&b, all, 127);
	for (size_t i = 0; i < b.len; i++)
		ck_assert_msg((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f,
			      "raw control byte 0x%02x at %zu in the JSON text", b.data[i], i);
	cJSON *v = cJSON_Parse(mq_buf_cstr(&b));
	ck_assert_msg(cJSON_IsString(v), "not a JSON string: %s", mq_buf_cstr(&b));
	ck_assert_str_eq(v->valuestring, all);
	cJSON_Delete(v);
	mq_buf_free(&b);
}
END_TEST

static const struct esc_case url_cases[] = {
	{ "", 0, "" },
	{ "abcXYZ019-._~", 0, "abcXYZ019-._~" },
	{ " ", 0, "%20" },
	{ "+", 0, "%2B" },
	{ "%", 0, "%25" },
	{ "&", 0, "%26" },
	{ "=", 0, "%3D" },
	{ "?", 0, "%3F" },
	{ "#", 0, "%23" },
	{ "/", 0, "%2F" },
	{ ":", 0, "%3A" },
	{ "@", 0, "%40" },
	{ "[]", 0, "%5B%5D" },
	{ "!$'()*,;", 0, "%21%24%27%28%29%2A%2C%3B" },
	{ "\"<>\\^`{|}", 0, "%22%3C%3E%5C%5E%60%7B%7C%7D" },
	{ "\n\x7f", 0, "%0A%7F" },
	{ "\0", 1, "%00" },
	{ "سلام", 0, "%D8%B3%D9%84%D8%A7%D9%85" },
	{ "\xff", 0, "%FF" },
	{ "fight club", 0, "fight%20club" },
	{ "a b", 1, "a" },
};

START_TEST(url_component_escaper)
{
	const struct esc_case *c = &url_cases[_i];
	mq_buf b = MQ_BUF_INIT;
	mq_buf_url_component(&b, c->in, c->n ? c->n : strlen(c->in));
	ck_assert_msg(!strcmp(mq_buf_cstr(&b), c->out), "url(case %d) = \"%s\", expected \"%s\"", _i,
		      mq_buf_cstr(&b), c->out);
	mq_buf_free(&b);
}
END_TEST

/* Only RFC 3986 unreserved characters pass through; every other byte is %XX (upper-case hex). */
START_TEST(url_component_every_byte)
{
	static const char hex[] = "0123456789ABCDEF";
	for (int c = 0; c < 256; c++) {
		char in = (char)c, expect[4];
		int unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		if (unreserved) {
			expect[0] = (char)c;
			expect[1] = '\0';
		} else {
			expect[0] = '%';
			expect[1] = hex[c >> 4];
			expect[2] = hex[c & 15];
			expect[3] = '\0';
		}
		mq_buf b = MQ_BUF_INIT;
		mq_buf_url_component(&b, &in, 1);
		ck_assert_msg(!strcmp(mq_buf_cstr(&b), expect), "byte 0x%02x encoded as \"%s\", expected \"%s\"",
			      c, mq_buf_cstr(&b), expect);
		mq_buf_free(&b);
	}
}
END_TEST

/* The escapers append: existing content is kept. */
START_TEST(escapers_append)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, "x=");
	mq_buf_html(&b, "<", 1);
	mq_buf_putc(&b, ' ');
	mq_buf_json_string(&b, "\"", 1);
	mq_buf_putc(&b, ' ');
	mq_buf_url_component(&b, " ", 1);
	ck_assert_str_eq(mq_buf_cstr(&b), "x=&lt; \"\\\"\" %20");
	mq_buf_free(&b);
}
END_TEST

Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *core = tcase_create("buffer");
	TCase *esc = tcase_create("escapers");
	tcase_add_test(core, empty_buffer);
	tcase_add_test(core, append_grows_one_byte_at_a_time);
	tcase_add_test(core, append_large_and_binary);
	tcase_add_test(core, puts_and_putc);
	tcase_add_test(core, printf_appends_and_grows);
	tcase_add_test(core, printf_empty_output);
	tcase_add_test(core, reserve_avoids_reallocation);
	tcase_add_test(core, reset_keeps_allocation);
	tcase_add_test(core, steal_hands_over_content);
	suite_add_tcase(s, core);
	tcase_add_loop_test(esc, html_escaper, 0, N_CASES(html_cases));
	tcase_add_loop_test(esc, json_string_escaper, 0, N_CASES(json_cases));
	tcase_add_test(esc, json_string_round_trips);
	tcase_add_loop_test(esc, url_component_escaper, 0, N_CASES(url_cases));
	tcase_add_test(esc, url_component_every_byte);
	tcase_add_test(esc, escapers_append);
	suite_add_tcase(s, esc);
	return s;
}
