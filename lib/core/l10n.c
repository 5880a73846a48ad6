/* l10n.c — numbers and dates in a page's language, through ICU (see l10n.h). */
#include "core/l10n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

enum { LANG_EN, LANG_FA, LANG_COUNT };
/* the date formatters a thread keeps: the two styles in the site's zone, and days in UTC */
enum { FMT_DAY, FMT_DAY_TIME, FMT_UTC_DAY, FMT_COUNT };
/* number formatters: one per language, grouping (off, on) and fraction digits (0..MAX_FRACTION),
 * each opened with its attributes once. Changing a formatter's attributes between calls makes
 * ICU rebuild it: a list page alternating years (no grouping) and ratings (one decimal) cost
 * about 15 µs a number that way, against 1 µs with a formatter for each. */
enum { MAX_FRACTION = 6 };

static const char *const locales[LANG_COUNT] = { "en_GB", "fa_IR@calendar=persian" };
/* ICU skeletons: the fields wanted, which ICU orders and spells as the language does */
static const char *const skeletons[FMT_COUNT] = { "yMMMMd", "yMMMMdHHmm", "yMMMMd" };

typedef struct formatters {
	UNumberFormat *number[LANG_COUNT][2][MAX_FRACTION + 1];
	UDateFormat *date[LANG_COUNT][FMT_COUNT];
	char zone[LANG_COUNT][FMT_COUNT][64]; /* the zone each date formatter was opened with */
} formatters;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void formatters_free(void *p)
{
	formatters *f = p;
	for (int l = 0; l < LANG_COUNT; l++) {
		for (int g = 0; g < 2; g++)
			for (int d = 0; d <= MAX_FRACTION; d++)
				if (f->number[l][g][d])
					unum_close(f->number[l][g][d]);
		for (int s = 0; s < FMT_COUNT; s++)
			if (f->date[l][s])
				udat_close(f->date[l][s]);
	}
	free(f);
}

static void make_key(void)
{
	pthread_key_create(&key, formatters_free);
}

/* This thread's formatters, or NULL when memory runs out. */
static formatters *mine(void)
{
	pthread_once(&key_once, make_key);
	formatters *f = pthread_getspecific(key);
	if (!f) {
		f = calloc(1, sizeof *f);
		if (f && pthread_setspecific(key, f)) {
			free(f);
			f = NULL;
		}
	}
	return f;
}

static int lang_index(const char *lang)
{
	return lang && !strcmp(lang, "fa") ? LANG_FA : LANG_EN;
}

/* Appends n UTF-16 units as UTF-8; returns -1 when they do not convert. */
static int append_utf16(mq_buf *out, const UChar *s, int32_t n)
{
	char utf8[512];
	int32_t len = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strToUTF8(utf8, sizeof utf8, &len, s, n, &st);
	if (U_FAILURE(st) || len > (int32_t)sizeof utf8)
		return -1;
	mq_buf_append(out, utf8, (size_t)len);
	return 0;
}

/* This thread's formatter of lang with grouping (0 or 1) and fraction_digits (0..MAX_FRACTION),
 * opened on first use; NULL when ICU cannot. */
static UNumberFormat *number_format(int lang, int grouping, int fraction_digits)
{
	formatters *f = mine();
	if (!f)
		return NULL;
	UNumberFormat **nf = &f->number[lang][grouping][fraction_digits];
	if (!*nf) {
		UErrorCode st = U_ZERO_ERROR;
		*nf = unum_open(UNUM_DECIMAL, NULL, 0, locales[lang], NULL, &st);
		if (U_FAILURE(st)) {
			if (*nf)
				unum_close(*nf);
			*nf = NULL;
			return NULL;
		}
		unum_setAttribute(*nf, UNUM_GROUPING_USED, grouping);
		unum_setAttribute(*nf, UNUM_MIN_FRACTION_DIGITS, fraction_digits);
		unum_setAttribute(*nf, UNUM_MAX_FRACTION_DIGITS, fraction_digits);
	}
	return *nf;
}

/* Formats value with the given grouping (0 or 1) and fraction digits (0..MAX_FRACTION); -1 when
 * ICU cannot. */
static int format_number(mq_buf *out, int lang, double value, int grouping, int fraction_digits)
{
	UNumberFormat *nf = number_format(lang, grouping, fraction_digits);
	if (!nf)
		return -1;
	UChar text[64];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = unum_formatDouble(nf, value, text, 64, NULL, &st);
	return U_FAILURE(st) || n > 64 ? -1 : append_utf16(out, text, n);
}

void mq_l10n_number(mq_buf *out, const char *lang, double value, int fraction_digits)
{
	if (fraction_digits < 0)
		fraction_digits = 0;
	if (fraction_digits > MAX_FRACTION)
		fraction_digits = MAX_FRACTION;
	if (format_number(out, lang_index(lang), value, 1, fraction_digits))
		mq_buf_printf(out, "%.*f", fraction_digits, value);
}

void mq_l10n_digits(mq_buf *out, const char *lang, long long value)
{
	if (format_number(out, lang_index(lang), (double)value, 0, 0))
		mq_buf_printf(out, "%lld", value);
}

/* The date formatter of lang and style for zone ("" or NULL: the host's; "UTC" for FMT_UTC_DAY),
 * opened once per thread and again only when the zone changes; NULL when ICU cannot. */
static UDateFormat *date_format(int lang, int style, const char *zone)
{
	formatters *f = mine();
	if (!f)
		return NULL;
	if (!zone)
		zone = "";
	if (f->date[lang][style] && !strcmp(f->zone[lang][style], zone))
		return f->date[lang][style];
	if (f->date[lang][style])
		udat_close(f->date[lang][style]);
	f->date[lang][style] = NULL;
	if (strlen(zone) >= sizeof f->zone[lang][style])
		return NULL;

	UErrorCode st = U_ZERO_ERROR;
	UChar skeleton[32], pattern[128], zone16[64];
	u_uastrcpy(skeleton, skeletons[style]);
	UDateTimePatternGenerator *gen = udatpg_open(locales[lang], &st);
	int32_t plen = U_SUCCESS(st)
		? udatpg_getBestPattern(gen, skeleton, -1, pattern, 128, &st) : 0;
	if (gen)
		udatpg_close(gen);
	if (U_FAILURE(st) || plen >= 128)
		return NULL;
	if (*zone)
		u_uastrcpy(zone16, zone);
	UDateFormat *df = udat_open(UDAT_PATTERN, UDAT_PATTERN, locales[lang], *zone ? zone16 : NULL,
				    *zone ? -1 : 0, pattern, plen, &st);
	if (U_FAILURE(st)) {
		if (df)
			udat_close(df);
		return NULL;
	}
	f->date[lang][style] = df;
	strcpy(f->zone[lang][style], zone);
	return df;
}

/* Formats ms with the formatter of lang, style and zone; -1 when ICU cannot. */
static int format_date(mq_buf *out, int lang, int style, const char *zone, int64_t ms)
{
	UDateFormat *df = date_format(lang, style, zone);
	if (!df)
		return -1;
	UChar text[128];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = udat_format(df, (UDate)ms, text, 128, NULL, &st);
	return U_FAILURE(st) || n > 128 ? -1 : append_utf16(out, text, n);
}

void mq_l10n_time(mq_buf *out, const char *lang, int64_t ms, mq_date_style style, const char *zone)
{
	int s = style == MQ_DATE_DAY_TIME ? FMT_DAY_TIME : FMT_DAY;
	if (format_date(out, lang_index(lang), s, zone, ms) == 0)
		return;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char plain[32];
	strftime(plain, sizeof plain, s == FMT_DAY_TIME ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d", &tm);
	mq_buf_append(out, plain, strlen(plain));
}

int mq_l10n_zone_known(const char *zone)
{
	UChar zone16[64], canonical[64];
	UBool system = 0;
	UErrorCode st = U_ZERO_ERROR;
	if (!zone || !*zone || strlen(zone) >= sizeof zone16 / sizeof zone16[0])
		return 0;
	u_uastrcpy(zone16, zone);
	ucal_getCanonicalTimeZoneID(zone16, -1, canonical, 64, &system, &st);
	return U_SUCCESS(st) && system;
}

int mq_l10n_date(mq_buf *out, const char *lang, const char *date)
{
	int y, m, d, used = 0;
	if (!date || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || date[10] ||
	    y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	if (tm.tm_mday != d) /* 31 April rolled over into May */
		return -1;
	int lang_i = lang_index(lang);
	if (format_date(out, lang_i, FMT_UTC_DAY, "UTC", (int64_t)t * 1000))
		mq_buf_append(out, date, 10);
	if (lang_i == LANG_FA) {
		mq_buf_append(out, " (", 2);
		mq_l10n_digits(out, lang, y);
		mq_buf_putc(out, ')');
	}
	return 0;
}

int mq_l10n_iso_time(mq_buf *out, const char *lang, const char *iso, mq_date_style style, const char *zone)
{
	int y, mo, d, h, mi, sec, used = 0, ms = 0;
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || used != 19)
		return -1;
	const char *p = iso + 19;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*p - '0');
		for (; digits > 0 && digits < 3; digits++)
			ms *= 10;
		if (!digits)
			return -1;
	}
	if (strcmp(p, "Z") || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	time_t t = timegm(&tm);
	if (tm.tm_mday != d)
		return -1;
	mq_l10n_time(out, lang, (int64_t)t * 1000 + ms, style, zone);
	return 0;
}

/* The display name of locale id's country (what "und_US" names) or language ("en"), in lang. */
static int display_name(mq_buf *out, const char *lang, const char *id, int country)
{
	UChar name[128];
	UErrorCode st = U_ZERO_ERROR;
	const char *in = lang_index(lang) == LANG_FA ? "fa" : "en";
	int32_t n = country ? uloc_getDisplayCountry(id, in, name, 128, &st)
			    : uloc_getDisplayLanguage(id, in, name, 128, &st);
	/* ICU answers a code it has no name for with the code itself, warning that it did */
	if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING || n <= 0 || n > 128)
		return -1;
	return append_utf16(out, name, n);
}

int mq_l10n_iso_code(const char *code, size_t n, int upper)
{
	if (!code || strlen(code) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(upper ? code[i] >= 'A' && code[i] <= 'Z' : code[i] >= 'a' && code[i] <= 'z'))
			return 0;
	return 1;
}

int mq_l10n_country_name(mq_buf *out, const char *lang, const char *code)
{
	char id[8];
	if (!mq_l10n_iso_code(code, 2, 1))
		return -1;
	snprintf(id, sizeof id, "und_%s", code);
	return display_name(out, lang, id, 1);
}

int mq_l10n_language_name(mq_buf *out, const char *lang, const char *code)
{
	if (!mq_l10n_iso_code(code, 2, 0) && !mq_l10n_iso_code(code, 3, 0))
		return -1;
	return display_name(out, lang, code, 0);
}
