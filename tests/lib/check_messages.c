/* check_messages.c — unit tests for lib/core/messages.c (the catalogue) and lib/core/l10n.c
 * (numbers and dates in a page's language), and the shipped catalogue itself. */
#include "core/buf.h"
#include "core/l10n.h"
#include "core/messages.h"
#include "suites.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory of its own holding en.json and fa.json with these texts; path into dir. */
static void write_catalogue(char dir[64], const char *en, const char *fa)
{
	snprintf(dir, 64, "/tmp/mq-messages-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *texts[2] = { en, fa }, *names[2] = { "en", "fa" };
	for (int i = 0; i < 2; i++) {
		char path[96];
		snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(texts[i], f);
		fclose(f);
	}
}

static void remove_catalogue(const char *dir)
{
	char path[96];
	snprintf(path, sizeof path, "%s/en.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/fa.json", dir);
	unlink(path);
	rmdir(dir);
}

/* Loading dir with en and fa fails with a problem containing expected. */
static void assert_refused(const char *en, const char *fa, const char *expected)
{
	char dir[64];
	write_catalogue(dir, en, fa);
	mq_buf err = MQ_BUF_INIT;
	ck_assert_ptr_null(mq_messages_load(dir, &err));
	ck_assert_msg(strstr(mq_buf_cstr(&err), expected), "\"%s\" lacks \"%s\"", mq_buf_cstr(&err), expected);
	mq_buf_free(&err);
	remove_catalogue(dir);
}

START_TEST(texts_by_dotted_key)
{
	char dir[64];
	write_catalogue(dir, "{\"login\":{\"title\":\"Log in\"},\"ok\":\"OK\"}",
			"{\"login\":{\"title\":\"ورود\"},\"ok\":\"باشه\"}");
	mq_buf err = MQ_BUF_INIT;
	mq_messages *m = mq_messages_load(dir, &err);
	ck_assert_msg(m != NULL, "%s", mq_buf_cstr(&err));
	ck_assert_str_eq(mq_message(m, "en", "login.title"), "Log in");
	ck_assert_str_eq(mq_message(m, "fa", "login.title"), "ورود");
	ck_assert_str_eq(mq_message(m, "de", "ok"), "OK"); /* any other language is English */
	ck_assert_str_eq(mq_message(m, NULL, "ok"), "OK");
	ck_assert_str_eq(mq_message(m, "fa", "login.missing"), "login.missing");
	ck_assert_str_eq(mq_message(m, "fa", "login"), "login"); /* a group is no text */
	ck_assert_str_eq(mq_message(m, "fa", "login.title.more"), "login.title.more");
	const cJSON *fa = mq_messages_of(m, "fa");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(fa, "login"), "title")->valuestring, "ورود");
	mq_messages_free(m);
	mq_messages_free(NULL);
	mq_buf_free(&err);
	remove_catalogue(dir);
}
END_TEST

START_TEST(half_translated_refused)
{
	assert_refused("{\"a\":\"A\",\"b\":\"B\"}", "{\"a\":\"آ\"}", "fa.json lacks \"b\"");
	assert_refused("{\"a\":\"A\"}", "{\"a\":\"آ\",\"g\":{\"c\":\"ج\"}}", "en.json lacks \"g\"");
	assert_refused("{\"g\":{\"c\":\"C\",\"d\":\"D\"}}", "{\"g\":{\"c\":\"ج\"}}", "lacks \"g.d\"");
	assert_refused("{\"g\":{\"c\":\"C\"}}", "{\"g\":\"ج\"}", "lacks \"g\"");
	assert_refused("{\"a\":1}", "{\"a\":\"آ\"}", "\"a\" is neither");
	assert_refused("[\"a\"]", "{}", "not a JSON object");
	assert_refused("{\"a\":", "{}", "not a JSON object");
	mq_buf err = MQ_BUF_INIT;
	ck_assert_ptr_null(mq_messages_load("/nonexistent-mq", &err));
	ck_assert_ptr_nonnull(strstr(mq_buf_cstr(&err), "en.json"));
	mq_buf_free(&err);
}
END_TEST

/* The catalogue shipped in templates/messages loads: both languages hold the same keys. */
START_TEST(shipped_catalogue_complete)
{
	mq_buf err = MQ_BUF_INIT;
	mq_messages *m = mq_messages_load("templates/messages", &err);
	ck_assert_msg(m != NULL, "%s", mq_buf_cstr(&err));
	mq_messages_free(m);
	mq_buf_free(&err);
}
END_TEST

/* out's text after f appended to an empty buffer, compared with expected. */
#define ASSERT_L10N(expected, call) do { \
	mq_buf out = MQ_BUF_INIT; \
	call; \
	ck_assert_str_eq(mq_buf_cstr(&out), expected); \
	mq_buf_free(&out); \
} while (0)

START_TEST(numbers_in_each_language)
{
	ASSERT_L10N("12,345", mq_l10n_number(&out, "en", 12345, 0));
	ASSERT_L10N("۱۲٬۳۴۵", mq_l10n_number(&out, "fa", 12345, 0));
	ASSERT_L10N("7.3", mq_l10n_number(&out, "en", 7.26, 1));
	ASSERT_L10N("۷٫۳", mq_l10n_number(&out, "fa", 7.26, 1));
	ASSERT_L10N("8", mq_l10n_number(&out, "en", 8.0, 0));
	ASSERT_L10N("2010", mq_l10n_digits(&out, "en", 2010));
	ASSERT_L10N("۲۰۱۰", mq_l10n_digits(&out, "fa", 2010));
	ASSERT_L10N("-3", mq_l10n_digits(&out, "en", -3));
	/* one formatter per kind of number: a year between two ratings keeps neither's settings */
	ASSERT_L10N("۷٫۳", mq_l10n_number(&out, "fa", 7.26, 1));
	ASSERT_L10N("۱۹۹۹", mq_l10n_digits(&out, "fa", 1999));
	ASSERT_L10N("۳۰٬۱۰۰", mq_l10n_number(&out, "fa", 30100, 0));
	ASSERT_L10N("۷٫۳", mq_l10n_number(&out, "fa", 7.26, 1));
	ASSERT_L10N("7.123457", mq_l10n_number(&out, "en", 7.1234567, 9)); /* at most 6 digits */
	ASSERT_L10N("8", mq_l10n_number(&out, "en", 7.6, -1));
}
END_TEST

START_TEST(dates_in_each_calendar)
{
	ASSERT_L10N("12 March 2010", ck_assert_int_eq(mq_l10n_date(&out, "en", "2010-03-12"), 0));
	ASSERT_L10N("۲۱ اسفند ۱۳۸۸ (۲۰۱۰)", ck_assert_int_eq(mq_l10n_date(&out, "fa", "2010-03-12"), 0));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_date(&out, "en", "2010-02-30"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_date(&out, "en", "2010-3-12"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_date(&out, "en", "2010-03-12T"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_date(&out, "en", ""), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_date(&out, "fa", NULL), -1));
	/* 2026-03-21T10:30:00Z, Nowruz: 1 Farvardin 1405 */
	ASSERT_L10N("21 March 2026 at 10:30", mq_l10n_time(&out, "en", 1774089000000LL, MQ_DATE_DAY_TIME, "UTC"));
	ASSERT_L10N("21 March 2026 at 14:00",
		    mq_l10n_time(&out, "en", 1774089000000LL, MQ_DATE_DAY_TIME, "Asia/Tehran"));
	ASSERT_L10N("۱ فروردین ۱۴۰۵", mq_l10n_time(&out, "fa", 1774089000000LL, MQ_DATE_DAY, "UTC"));
	/* the zone changes between calls on one thread */
	ASSERT_L10N("21 March 2026", mq_l10n_time(&out, "en", 1774089000000LL, MQ_DATE_DAY, "UTC"));
	ASSERT_L10N("22 March 2026", mq_l10n_time(&out, "en", 1774089000000LL + 14 * 3600000LL, MQ_DATE_DAY,
						  "Asia/Tokyo"));
}
END_TEST

/* Placeholders are filled by name, in whatever order a language puts them. */
START_TEST(placeholders_filled)
{
	const char *const params[] = { "page", "2", "total", "7", NULL };
	ASSERT_L10N("Page 2 of 7", mq_message_fill(&out, "Page {page} of {total}", params));
	ASSERT_L10N("۷ صفحه، این ۲", mq_message_fill(&out, "۷ صفحه، این ۲", params));
	ASSERT_L10N("of 7, page 2", mq_message_fill(&out, "of {total}, page {page}", params));
	/* a placeholder no parameter names, and braces that open none, are text */
	ASSERT_L10N("{who} {2} { 7}", mq_message_fill(&out, "{who} {2} { {total}}", params));
	ASSERT_L10N("a {b", mq_message_fill(&out, "a {b", params));
	ASSERT_L10N("{page}", mq_message_fill(&out, "{page}", NULL));
	ASSERT_L10N("", mq_message_fill(&out, "", params));
}
END_TEST

/* mq_message_find says what is missing (NULL), where mq_message falls back to the key. */
START_TEST(find_missing_key)
{
	mq_buf err = MQ_BUF_INIT;
	mq_messages *m = mq_messages_load("templates/messages", &err);
	ck_assert_msg(m != NULL, "%s", mq_buf_cstr(&err));
	ck_assert_str_eq(mq_message_find(m, "fa", "errors.404"), "صفحه پیدا نشد");
	ck_assert_str_eq(mq_message_find(m, "en", "errors.404"), "Page not found");
	ck_assert_ptr_null(mq_message_find(m, "en", "errors.999"));
	ck_assert_ptr_null(mq_message_find(m, "en", "errors"));  /* a group, not a text */
	ck_assert_ptr_null(mq_message_find(NULL, "en", "errors.404"));
	mq_messages_free(m);
	mq_buf_free(&err);
}
END_TEST

/* The API's moments (ISO 8601, UTC) as a page's day. */
START_TEST(iso_moments)
{
	ASSERT_L10N("21 March 2026", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-03-21T10:30:00.000Z", MQ_DATE_DAY, "UTC"), 0));
	ASSERT_L10N("۱ فروردین ۱۴۰۵", ck_assert_int_eq(mq_l10n_iso_time(&out, "fa", "2026-03-21T10:30:00Z", MQ_DATE_DAY, "UTC"), 0));
	ASSERT_L10N("21 March 2026 at 14:00",
		    ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-03-21T10:30:00.5Z", MQ_DATE_DAY_TIME, "Asia/Tehran"), 0));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-03-21", MQ_DATE_DAY, "UTC"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-03-21T10:30:00+01:00", MQ_DATE_DAY, "UTC"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-02-30T10:30:00Z", MQ_DATE_DAY, "UTC"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", "2026-03-21T10:30:00.Z", MQ_DATE_DAY, "UTC"), -1));
	ASSERT_L10N("", ck_assert_int_eq(mq_l10n_iso_time(&out, "en", NULL, MQ_DATE_DAY, "UTC"), -1));
}
END_TEST

/* Country and language names in the page's language, from ICU; malformed or unknown codes
 * give nothing. */
START_TEST(country_and_language_names)
{
	mq_buf b = MQ_BUF_INIT;
	ck_assert_int_eq(mq_l10n_country_name(&b, "en", "DE"), 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "Germany");
	mq_buf_reset(&b);
	ck_assert_int_eq(mq_l10n_country_name(&b, "fa", "DE"), 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "آلمان");
	mq_buf_reset(&b);
	ck_assert_int_eq(mq_l10n_language_name(&b, "en", "fr"), 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "French");
	mq_buf_reset(&b);
	ck_assert_int_eq(mq_l10n_language_name(&b, "fa", "en"), 0);
	ck_assert_str_eq(mq_buf_cstr(&b), "انگلیسی");
	mq_buf_reset(&b);
	ck_assert_int_eq(mq_l10n_country_name(&b, "en", "us"), -1);
	ck_assert_int_eq(mq_l10n_country_name(&b, "en", "USA"), -1);
	ck_assert_int_eq(mq_l10n_country_name(&b, "en", "QQ"), -1);
	ck_assert_int_eq(mq_l10n_language_name(&b, "en", "EN"), -1);
	ck_assert_int_eq(mq_l10n_language_name(&b, "en", NULL), -1);
	ck_assert_str_eq(mq_buf_cstr(&b), "");
	ck_assert(mq_l10n_iso_code("IR", 2, 1));
	ck_assert(!mq_l10n_iso_code("Ir", 2, 1));
	mq_buf_free(&b);
}
END_TEST

Suite *messages_suite(void)
{
	Suite *s = suite_create("messages");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, texts_by_dotted_key);
	tcase_add_test(tc, half_translated_refused);
	tcase_add_test(tc, shipped_catalogue_complete);
	tcase_add_test(tc, numbers_in_each_language);
	tcase_add_test(tc, dates_in_each_calendar);
	tcase_add_test(tc, placeholders_filled);
	tcase_add_test(tc, find_missing_key);
	tcase_add_test(tc, iso_moments);
	tcase_add_test(tc, country_and_language_names);
	suite_add_tcase(s, tc);
	return s;
}
