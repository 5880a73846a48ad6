/* audience.h — who may see a movie: the one rule every read path asks (lists, search, genres,
 * people, recommendations, similar, trailers, fetch-through, the seed-form endpoints).
 *
 * A movie is for everyone unless TMDB (or a curator) marks it adult, or its minimum age for the
 * viewer's region is above the viewer's age. The minimum age comes from the curator's min_age
 * when set, else from the certification TMDB gives for the region (mq_audience_movie_age), else
 * from the certification of the reference region (US, the one TMDB knows best) when the
 * viewer's own region has none.
 *
 * Ages are whole years from 0 to MQ_ADULT_AGE: every certification table below tops out there,
 * and a curator's min_age is held to that range, so a viewer of MQ_ADULT_AGE or more is never
 * refused for an age limit (only for an adult title they have not opted in to). */
#ifndef MQ_AUDIENCE_H
#define MQ_AUDIENCE_H

#include <stddef.h>
#include <stdint.h>

#define MQ_ADULT_AGE 18
/* The region whose limit applies when the viewer's own region has none for a movie. */
#define MQ_AUDIENCE_REFERENCE_REGION "US"

/* The viewer: a member's age from date_of_birth (a visitor's: the site's default), whether a
 * member 18 or older opted in to adult titles, and the region whose certifications apply
 * (ISO 3166-1 alpha-2, upper case). */
typedef struct mq_audience {
	int age;          /* whole years; -1 when unknown */
	int adult_ok;     /* 18 or older and opted in */
	char region[3];   /* "US", "IR", …; "" for none */
} mq_audience;

/* One region's minimum age for a movie, as stored on it (age_limits: {"US": 17, "DE": 16}). */
typedef struct mq_age_limit {
	char region[3];
	int age;
} mq_age_limit;

/* The youngest age the movie suits in region: min_age (the curator's, >= 0) when set, else the
 * limit for region among limits[n], else the limit for MQ_AUDIENCE_REFERENCE_REGION, else -1
 * (nothing known: no limit). */
int mq_audience_movie_age(int min_age, const char *region, const mq_age_limit *limits, size_t n);

/* Whether a may see a movie that is adult (non-zero) with movie_age (mq_audience_movie_age). */
int mq_audience_allows(const mq_audience *a, int adult, int movie_age);

/* Whether an age limit can ever refuse a: their age is known and under MQ_ADULT_AGE. Lists that
 * only know TMDB's adult flag of a movie (not its certifications) must then know it from the
 * catalogue, or leave it out. */
int mq_audience_restricted(const mq_audience *a);

/* Whether a may see a title known only by TMDB's adult flag (a list item, a person's credit: its
 * certifications unknown here): not adult (or a opted in), and a not restricted. */
int mq_audience_allows_unrated(const mq_audience *a, int adult);

/* The minimum age a certification means in region (TMDB's release_dates, e.g. "US" "R" → 17,
 * "DE" "16" → 16, "AU" "R 18+" → 18), or -1 when the region or the certification is not in the
 * table (empty, "NR", unknown). Case, surrounding and inner spaces are ignored. The table, with
 * where each age comes from, is in audience.c and README.md ("Age-appropriate content"). */
int mq_audience_certification_age(const char *region, const char *certification);

/* The regions the table covers, NULL-terminated (what the member's region setting offers). */
extern const char *const mq_audience_regions[];

/* Whether region is one of mq_audience_regions. */
int mq_audience_region_known(const char *region);

/* A person's age in whole years on the day of now_ms (UTC) from their date of birth
 * "YYYY-MM-DD", or -1 when it is not such a date or lies in the future. */
int mq_audience_age_from_birth(const char *date_of_birth, int64_t now_ms);

#endif
