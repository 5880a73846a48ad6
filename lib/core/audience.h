/* audience.h — who may see a movie: the one rule every read path asks (lists, search, genres,
 * people, recommendations, similar, trailers, fetch-through, the seed-form endpoints).
 *
 * A movie is for everyone unless TMDB (or a curator) marks it adult, or its minimum age for the
 * viewer's region is above the viewer's age. The minimum age comes from the curator's min_age
 * when set, else from the certification TMDB gives for the region (mq_audience_movie_age). */
#ifndef MQ_AUDIENCE_H
#define MQ_AUDIENCE_H

#include <stddef.h>

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
 * limit for region among limits[n], else -1 (nothing known: no limit). */
int mq_audience_movie_age(int min_age, const char *region, const mq_age_limit *limits, size_t n);

/* Whether a may see a movie that is adult (non-zero) with movie_age (mq_audience_movie_age). */
int mq_audience_allows(const mq_audience *a, int adult, int movie_age);

#endif
