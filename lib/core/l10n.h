/* l10n.h — numbers and dates as a person reads them in a page's language, through ICU.
 *
 * English pages use Latin digits and the Gregorian calendar ("12,345", "12 March 2010"); Persian
 * pages use Persian digits and the Solar Hijri calendar ("۱۲٬۳۴۵", "۲۱ اسفند ۱۳۸۸"). A release
 * date on a Persian page also names its Gregorian year, the year films are known by. The JSON API
 * never uses this: it keeps plain numbers and ISO 8601.
 *
 * lang is "fa" for Persian, anything else for English. Each function appends UTF-8 to out; when
 * ICU fails (it does not with its own data) the value is appended in the API's plain form.
 *
 * Threads: any thread may call these at once; each thread keeps its own formatters.
 */
#ifndef MQ_L10N_H
#define MQ_L10N_H

#include "core/buf.h"

#include <stddef.h>
#include <stdint.h>

/* A number with the language's digits, grouping and decimal separator, and exactly
 * fraction_digits digits after the point (0 rounds to a whole number): 7.3 → "7.3" / "۷٫۳". */
void mq_l10n_number(mq_buf *out, const char *lang, double value, int fraction_digits);

/* A whole number with the language's digits and no grouping: a year, a page number in a list
 * of them, anything that is a name more than a quantity (2010 → "2010" / "۲۰۱۰"). */
void mq_l10n_digits(mq_buf *out, const char *lang, long long value);

typedef enum {
	MQ_DATE_DAY,      /* "12 March 2010" / "۲۱ اسفند ۱۳۸۸" */
	MQ_DATE_DAY_TIME, /* the same and the time of day, "12 March 2010 at 14:05" */
} mq_date_style;

/* A moment (milliseconds since the epoch) in the site's time zone: zone is an IANA name such as
 * "Asia/Tehran", or NULL or "" for the host's own. */
void mq_l10n_time(mq_buf *out, const char *lang, int64_t ms, mq_date_style style, const char *zone);

/* A moment written in the API's form, ISO 8601 in UTC ("2024-03-12T14:05:00Z", with or without
 * milliseconds), as mq_l10n_time() writes it. Returns -1, appending nothing, when iso is not
 * such a moment. */
int mq_l10n_iso_time(mq_buf *out, const char *lang, const char *iso, mq_date_style style, const char *zone);
/* Whether zone is a time zone ICU knows by that IANA name ("Asia/Tehran", "UTC"). */
int mq_l10n_zone_known(const char *zone);

/* A calendar date "YYYY-MM-DD" (TMDB's release_date) as a day, no time zone applied; on a Persian
 * page followed by its Gregorian year: "۲۱ اسفند ۱۳۸۸ (۲۰۱۰)". Returns -1, appending nothing,
 * when date is not such a date. */
int mq_l10n_date(mq_buf *out, const char *lang, const char *date);

/* Whether code has the shape of an ISO code: n letters, upper case (upper: "US") or lower case
 * ("en"). */
int mq_l10n_iso_code(const char *code, size_t n, int upper);

/* The name of a country (ISO 3166-1 alpha-2, upper case: "US") or a language (ISO 639-1 or -2,
 * lower case: "en") as lang writes it ("United States" / "ایالات متحده", "English" /
 * "انگلیسی"). Returns -1, appending nothing, for a malformed code or one ICU has no name for. */
int mq_l10n_country_name(mq_buf *out, const char *lang, const char *code);
int mq_l10n_language_name(mq_buf *out, const char *lang, const char *code);

#endif
