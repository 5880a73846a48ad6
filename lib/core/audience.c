/* audience.c — who may see a movie (see audience.h). */
#include "core/audience.h"

#include <string.h>

int mq_audience_movie_age(int min_age, const char *region, const mq_age_limit *limits, size_t n)
{
	if (min_age >= 0)
		return min_age;
	for (size_t i = 0; region && *region && i < n; i++)
		if (!strcmp(limits[i].region, region))
			return limits[i].age;
	return -1;
}

int mq_audience_allows(const mq_audience *a, int adult, int movie_age)
{
	if (adult && !a->adult_ok)
		return 0;
	return movie_age < 0 || a->age < 0 || a->age >= movie_age;
}
