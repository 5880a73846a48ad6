/* audience.c — who may see a movie (see audience.h), and what TMDB's certifications mean in
 * years. */
#include "core/audience.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int mq_audience_movie_age(int min_age, const char *region, const mq_age_limit *limits, size_t n)
{
	if (min_age >= 0)
		return min_age;
	for (size_t i = 0; region && *region && i < n; i++)
		if (!strcmp(limits[i].region, region))
			return limits[i].age;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(limits[i].region, MQ_AUDIENCE_REFERENCE_REGION))
			return limits[i].age;
	return -1;
}

int mq_audience_allows(const mq_audience *a, int adult, int movie_age)
{
	if (adult && !a->adult_ok)
		return 0;
	return movie_age < 0 || a->age < 0 || a->age >= movie_age;
}

int mq_audience_restricted(const mq_audience *a)
{
	return a->age >= 0 && a->age < MQ_ADULT_AGE;
}

int mq_audience_allows_unrated(const mq_audience *a, int adult)
{
	return mq_audience_allows(a, adult, -1) && !mq_audience_restricted(a);
}

/* The certifications of TMDB's /certification/movie/list for each region covered, as the
 * youngest age admitted (without an adult's company where the board distinguishes). Advisory
 * ratings count as limits where the board names an age (AU "M": recommended for 15 and over;
 * GB "12A": 12, under 12 only with an adult). "G"/"U"/"PG"-style ratings are 0. Certifications
 * made only of an age ("16", "12+", "+15") are read as that age in every region covered, which
 * also serves the boards that TMDB records that way (BR, DE, FR, NL, ES and Iran's "+12",
 * "+15", "+18"). */
static const struct {
	const char *region, *certification;
	int age;
} table[] = {
	/* United States, MPA */
	{ "US", "G", 0 }, { "US", "PG", 0 }, { "US", "PG-13", 13 }, { "US", "R", 17 }, { "US", "NC-17", 18 },
	/* United Kingdom, BBFC */
	{ "GB", "U", 0 }, { "GB", "PG", 0 }, { "GB", "12A", 12 }, { "GB", "12", 12 }, { "GB", "15", 15 },
	{ "GB", "18", 18 }, { "GB", "R18", 18 },
	/* Germany, FSK (ages: the numeric rule) */
	/* France, CNC */
	{ "FR", "U", 0 }, { "FR", "TP", 0 },
	/* Canada (provincial boards as TMDB gives them) */
	{ "CA", "E", 0 }, { "CA", "G", 0 }, { "CA", "PG", 0 }, { "CA", "14A", 14 }, { "CA", "18A", 18 },
	{ "CA", "R", 18 }, { "CA", "A", 18 },
	/* Australia, ACB */
	{ "AU", "E", 0 }, { "AU", "G", 0 }, { "AU", "PG", 0 }, { "AU", "M", 15 }, { "AU", "MA15+", 15 },
	{ "AU", "R18+", 18 }, { "AU", "X18+", 18 },
	/* Netherlands, Kijkwijzer */
	{ "NL", "AL", 0 },
	/* Spain, ICAA */
	{ "ES", "A", 0 }, { "ES", "APTA", 0 }, { "ES", "AI", 0 }, { "ES", "7I", 7 }, { "ES", "X", 18 },
	/* Italy */
	{ "IT", "T", 0 }, { "IT", "VM14", 14 }, { "IT", "VM18", 18 },
	/* Brazil, ClassInd */
	{ "BR", "L", 0 }, { "BR", "AL", 0 },
	/* Iran: "all ages" as TMDB's contributors write it */
	{ "IR", "G", 0 },
};

const char *const mq_audience_regions[] = {
	"US", "GB", "DE", "FR", "CA", "AU", "NL", "ES", "IT", "BR", "IR", NULL,
};

int mq_audience_region_known(const char *region)
{
	for (int i = 0; region && mq_audience_regions[i]; i++)
		if (!strcmp(region, mq_audience_regions[i]))
			return 1;
	return 0;
}

/* certification upper-cased without spaces into out; 0, or -1 when it does not fit or is empty. */
static int normalise(const char *certification, char *out, size_t size)
{
	size_t n = 0;
	for (const char *c = certification; *c; c++) {
		if (isspace((unsigned char)*c))
			continue;
		if (n + 1 >= size)
			return -1;
		out[n++] = (char)toupper((unsigned char)*c);
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

/* "16", "12+", "+15": the age; else -1. */
static int numeric_age(const char *c)
{
	if (*c == '+')
		c++;
	int age = 0, digits = 0;
	for (; isdigit((unsigned char)*c) && digits < 2; c++, digits++)
		age = age * 10 + (*c - '0');
	if (*c == '+')
		c++;
	if (!digits || *c)
		return -1;
	return age > MQ_ADULT_AGE ? MQ_ADULT_AGE : age;
}

int mq_audience_certification_age(const char *region, const char *certification)
{
	char c[16];
	if (!region || !certification || !mq_audience_region_known(region) || normalise(certification, c, sizeof c))
		return -1;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].region, region) && !strcmp(table[i].certification, c))
			return table[i].age;
	return numeric_age(c);
}

int mq_audience_age_from_birth(const char *date_of_birth, int64_t now_ms)
{
	int y, m, d, used = 0;
	if (!date_of_birth || strlen(date_of_birth) != 10 ||
	    sscanf(date_of_birth, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	time_t now = (time_t)(now_ms / 1000);
	struct tm t;
	if (!gmtime_r(&now, &t))
		return -1;
	int age = t.tm_year + 1900 - y;
	if (t.tm_mon + 1 < m || (t.tm_mon + 1 == m && t.tm_mday < d))
		age--; /* the birthday of this year is still to come */
	return age < 0 ? -1 : age;
}
