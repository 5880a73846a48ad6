/* check_mail.c — unit tests for lib/site/mail.c: the message's headers and its text (a Persian
 * subject as an RFC 2047 word, the text in base64), delivery through a sendmail-compatible
 * command (tests/mail-sink/sendmail.sh into a directory of the test's own), and no transport,
 * a refused command or an SMTP server that does not answer being MQ_EUNAVAIL, never a hang. */
#include "suites.h"

#include "core/buf.h"
#include "core/config.h"
#include "site/mail.h"

#include <check.h>
#include <dirent.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void config(mq_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	static char from[] = "marquee@example.org";
	cfg->mail_from = from;
}

START_TEST(format_headers_and_text)
{
	mq_config cfg;
	config(&cfg);
	mq_buf msg = MQ_BUF_INIT;
	const char *text = "سلام،\n\nhttp://127.0.0.1/password/reset?token=abc\n";
	mq_mail_format(&cfg, "rae@example.com", "بازنشانی گذرواژه", text, &msg);
	const char *m = mq_buf_cstr(&msg);
	ck_assert_ptr_nonnull(strstr(m, "From: marquee@example.org\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "To: rae@example.com\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Subject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "Content-Transfer-Encoding: base64\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "@example.org>\r\n"));
	/* the body decodes back to the text */
	const char *body = strstr(m, "\r\n\r\n") + 4;
	mq_buf joined = MQ_BUF_INIT;
	for (const char *p = body; *p; p++)
		if (*p != '\r' && *p != '\n')
			mq_buf_putc(&joined, *p);
	unsigned char decoded[512];
	int n = EVP_DecodeBlock(decoded, (const unsigned char *)joined.data, (int)joined.len);
	ck_assert_int_ge(n, (int)strlen(text));
	ck_assert(memcmp(decoded, text, strlen(text)) == 0);
	mq_buf_free(&joined);
	mq_buf_free(&msg);

	mq_mail_format(&cfg, "rae@example.com", "Reset your password", "Hi", &msg);
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&msg), "Subject: Reset your password\r\n"));
	mq_buf_free(&msg);
}
END_TEST

START_TEST(sendmail_gets_the_message)
{
	char dir[] = "/tmp/marquee-mail-XXXXXX", cwd[PATH_MAX], cmd[PATH_MAX * 2];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd)); /* the repository's root (make unit) */
	snprintf(cmd, sizeof cmd, "%s/tests/mail-sink/sendmail.sh %s -t", cwd, dir);
	mq_config cfg;
	config(&cfg);
	cfg.mail_sendmail = cmd;
	ck_assert(mq_mail_configured(&cfg));
	ck_assert_int_eq(mq_mail_send(&cfg, "sam@example.com", "Hello", "The text"), MQ_OK);
	ck_assert_int_eq(mq_mail_send(&cfg, "bad\r\nBcc: x@example.com", "Hello", "The text"), MQ_EINVAL);
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	char path[PATH_MAX * 2];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		files++;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		mq_buf content = MQ_BUF_INIT;
		ck_assert_int_eq(mq_buf_read_file(&content, path, 1 << 20, NULL), 0);
		ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&content), "To: sam@example.com\r\n"));
		mq_buf_free(&content);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
	ck_assert_int_eq(files, 1);
}
END_TEST

START_TEST(no_transport_or_a_failing_one_is_unavailable)
{
	mq_config cfg;
	config(&cfg);
	ck_assert(!mq_mail_configured(&cfg));
	ck_assert_int_eq(mq_mail_send(&cfg, "sam@example.com", "Hello", "Text"), MQ_EUNAVAIL);
	char refusing[] = "/bin/false -t", missing[] = "/nonexistent/sendmail -t", nobody[] = "smtp://127.0.0.1:1";
	cfg.mail_sendmail = refusing;
	ck_assert_int_eq(mq_mail_send(&cfg, "sam@example.com", "Hello", "Text"), MQ_EUNAVAIL);
	cfg.mail_sendmail = missing;
	ck_assert_int_eq(mq_mail_send(&cfg, "sam@example.com", "Hello", "Text"), MQ_EUNAVAIL);
	cfg.mail_sendmail = NULL;
	cfg.mail_smtp_url = nobody;
	double t0 = test_now();
	ck_assert_int_eq(mq_mail_send(&cfg, "sam@example.com", "Hello", "Text"), MQ_EUNAVAIL);
	ck_assert(test_now() - t0 < 10);
}
END_TEST

Suite *mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("local");
	tcase_add_test(tc, format_headers_and_text);
	tcase_add_test(tc, sendmail_gets_the_message);
	tcase_add_test(tc, no_transport_or_a_failing_one_is_unavailable);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
