/* check_audience.c — lib/core/audience.c: the rule of who may see a movie, the certification
 * table and ages from dates of birth. */
#include "suites.h"
#include "core/audience.h"

#include <check.h>
#include <string.h>

/* 2026-12-05T12:00:00Z in milliseconds. */
#define DEC_5_2026 1796472000000LL

START_TEST(rule)
{
	const mq_audience teen = { 15, 0, "US" }, grown = { 30, 0, "US" }, opted = { 30, 1, "US" };
	const mq_audience unknown = { -1, 0, "" };
	/* adult titles: only for those who opted in (who are 18 or older) */
	ck_assert(!mq_audience_allows(&teen, 1, -1));
	ck_assert(!mq_audience_allows(&grown, 1, -1));
	ck_assert(mq_audience_allows(&opted, 1, -1));
	ck_assert(!mq_audience_allows(&unknown, 1, -1));
	/* ages: at the limit is allowed, one below is not; nothing known is no limit */
	ck_assert(mq_audience_allows(&teen, 0, 15));
	ck_assert(!mq_audience_allows(&teen, 0, 16));
	ck_assert(mq_audience_allows(&teen, 0, -1));
	ck_assert(mq_audience_allows(&grown, 0, 18));
	ck_assert(mq_audience_allows(&unknown, 0, 18));
	ck_assert(mq_audience_restricted(&teen));
	ck_assert(!mq_audience_restricted(&grown));
	ck_assert(!mq_audience_restricted(&unknown));
	ck_assert(!mq_audience_restricted(&(mq_audience){ MQ_ADULT_AGE, 0, "US" }));
	ck_assert(mq_audience_restricted(&(mq_audience){ 0, 0, "US" }));
	/* a title known by TMDB's flag alone: never to a minor, adult ones only to who opted in */
	ck_assert(!mq_audience_allows_unrated(&teen, 0));
	ck_assert(mq_audience_allows_unrated(&grown, 0));
	ck_assert(!mq_audience_allows_unrated(&grown, 1));
	ck_assert(mq_audience_allows_unrated(&opted, 1));
	ck_assert(mq_audience_allows_unrated(&unknown, 0));
}
END_TEST

START_TEST(movie_age)
{
	const mq_age_limit limits[] = { { "US", 17 }, { "DE", 16 }, { "GB", 18 } };
	/* the curator's age wins, in every region */
	ck_assert_int_eq(mq_audience_movie_age(12, "US", limits, 3), 12);
	ck_assert_int_eq(mq_audience_movie_age(0, "GB", limits, 3), 0);
	/* else the region's */
	ck_assert_int_eq(mq_audience_movie_age(-1, "DE", limits, 3), 16);
	ck_assert_int_eq(mq_audience_movie_age(-1, "GB", limits, 3), 18);
	/* a region without one: the reference region's (US) */
	ck_assert_int_eq(mq_audience_movie_age(-1, "IR", limits, 3), 17);
	ck_assert_int_eq(mq_audience_movie_age(-1, "", limits, 3), 17);
	ck_assert_int_eq(mq_audience_movie_age(-1, NULL, limits, 3), 17);
	/* and nothing at all: no limit */
	ck_assert_int_eq(mq_audience_movie_age(-1, "IR", limits + 1, 2), -1);
	ck_assert_int_eq(mq_audience_movie_age(-1, "US", NULL, 0), -1);
}
END_TEST

/* The table, region by region (README.md "Age-appropriate content" lists the same). */
static const struct {
	const char *region, *certification;
	int age;
} certifications[] = {
	{ "US", "G", 0 }, { "US", "PG", 0 }, { "US", "PG-13", 13 }, { "US", "R", 17 }, { "US", "NC-17", 18 },
	{ "US", "NR", -1 }, { "US", "", -1 }, { "US", "r", 17 }, { "US", " R ", 17 }, { "US", "X", -1 },
	{ "GB", "U", 0 }, { "GB", "PG", 0 }, { "GB", "12A", 12 }, { "GB", "12", 12 }, { "GB", "15", 15 },
	{ "GB", "18", 18 }, { "GB", "R18", 18 },
	{ "DE", "0", 0 }, { "DE", "6", 6 }, { "DE", "12", 12 }, { "DE", "16", 16 }, { "DE", "18", 18 },
	{ "FR", "U", 0 }, { "FR", "TP", 0 }, { "FR", "10", 10 }, { "FR", "12", 12 }, { "FR", "16", 16 }, { "FR", "18", 18 },
	{ "CA", "G", 0 }, { "CA", "PG", 0 }, { "CA", "14A", 14 }, { "CA", "18A", 18 }, { "CA", "R", 18 }, { "CA", "E", 0 },
	{ "AU", "E", 0 }, { "AU", "G", 0 }, { "AU", "PG", 0 }, { "AU", "M", 15 }, { "AU", "MA 15+", 15 },
	{ "AU", "MA15+", 15 }, { "AU", "R 18+", 18 }, { "AU", "R18+", 18 }, { "AU", "X 18+", 18 },
	{ "NL", "AL", 0 }, { "NL", "6", 6 }, { "NL", "9", 9 }, { "NL", "12", 12 }, { "NL", "14", 14 },
	{ "NL", "16", 16 }, { "NL", "18", 18 },
	{ "ES", "A", 0 }, { "ES", "APTA", 0 }, { "ES", "Ai", 0 }, { "ES", "7", 7 }, { "ES", "7i", 7 },
	{ "ES", "12", 12 }, { "ES", "16", 16 }, { "ES", "18", 18 }, { "ES", "X", 18 },
	{ "IT", "T", 0 }, { "IT", "6+", 6 }, { "IT", "VM14", 14 }, { "IT", "14+", 14 }, { "IT", "VM18", 18 },
	{ "IT", "18+", 18 },
	{ "BR", "L", 0 }, { "BR", "AL", 0 }, { "BR", "10", 10 }, { "BR", "12", 12 }, { "BR", "14", 14 },
	{ "BR", "16", 16 }, { "BR", "18", 18 },
	{ "IR", "G", 0 }, { "IR", "+12", 12 }, { "IR", "+15", 15 }, { "IR", "+18", 18 }, { "IR", "12", 12 },
	/* ages beyond the table's top are its top; regions not covered, and nonsense, are unknown */
	{ "KR", "19", -1 }, { "DE", "21", 18 }, { "DE", "123", -1 }, { "DE", "1 2", 12 }, { "DE", "++12", -1 },
	{ "US", "PG-13 but long enough to overflow", -1 }, { "XX", "R", -1 }, { NULL, "R", -1 }, { "US", NULL, -1 },
};

START_TEST(certification_table)
{
	for (int i = 0; i < N_CASES(certifications); i++)
		ck_assert_msg(mq_audience_certification_age(certifications[i].region, certifications[i].certification) ==
				      certifications[i].age,
			      "%s %s: %d, not %d", certifications[i].region ? certifications[i].region : "(null)",
			      certifications[i].certification ? certifications[i].certification : "(null)",
			      mq_audience_certification_age(certifications[i].region, certifications[i].certification),
			      certifications[i].age);
	for (int i = 0; mq_audience_regions[i]; i++)
		ck_assert(mq_audience_region_known(mq_audience_regions[i]));
	ck_assert(!mq_audience_region_known("us"));
	ck_assert(!mq_audience_region_known(NULL));
	/* every region of the setting has an all-ages rating and a top one */
	static const char *const zero[] = { "G", "U", "0", "U", "G", "G", "AL", "A", "T", "L", "G" };
	for (int i = 0; mq_audience_regions[i]; i++) {
		ck_assert_int_eq(mq_audience_certification_age(mq_audience_regions[i], zero[i]), 0);
		ck_assert_int_eq(mq_audience_certification_age(mq_audience_regions[i], "18+"), 18);
	}
}
END_TEST

START_TEST(age_from_birth)
{
	ck_assert_int_eq(mq_audience_age_from_birth("2011-12-05", DEC_5_2026), 15); /* a birthday today */
	ck_assert_int_eq(mq_audience_age_from_birth("2011-12-06", DEC_5_2026), 14); /* tomorrow */
	ck_assert_int_eq(mq_audience_age_from_birth("2008-12-05", DEC_5_2026), 18);
	ck_assert_int_eq(mq_audience_age_from_birth("2008-12-31", DEC_5_2026), 17);
	ck_assert_int_eq(mq_audience_age_from_birth("1990-01-01", DEC_5_2026), 36);
	ck_assert_int_eq(mq_audience_age_from_birth("2026-12-05", DEC_5_2026), 0);
	ck_assert_int_eq(mq_audience_age_from_birth("2026-12-06", DEC_5_2026), -1); /* not born yet */
	ck_assert_int_eq(mq_audience_age_from_birth(NULL, DEC_5_2026), -1);
	ck_assert_int_eq(mq_audience_age_from_birth("", DEC_5_2026), -1);
	ck_assert_int_eq(mq_audience_age_from_birth("1990-1-1", DEC_5_2026), -1);
	ck_assert_int_eq(mq_audience_age_from_birth("1990-13-01", DEC_5_2026), -1);
	ck_assert_int_eq(mq_audience_age_from_birth("1990-01-01x", DEC_5_2026), -1);
	ck_assert_int_eq(mq_audience_age_from_birth("199O-01-01", DEC_5_2026), -1);
}
END_TEST

Suite *audience_suite(void)
{
	Suite *s = suite_create("audience");
	TCase *t = tcase_create("rule");
	tcase_add_test(t, rule);
	tcase_add_test(t, movie_age);
	tcase_add_test(t, certification_table);
	tcase_add_test(t, age_from_birth);
	suite_add_tcase(s, t);
	return s;
}
