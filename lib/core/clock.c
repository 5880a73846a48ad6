/* clock.c — the wall clock and ISO 8601 times (see clock.h). */
#include "core/clock.h"

#include <stdio.h>
#include <time.h>

int64_t mq_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mq_clock_iso8601(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];
	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", base, (int)(ms % 1000));
}

void mq_clock_iso8601_now(char *buf, size_t size)
{
	mq_clock_iso8601(mq_clock_ms(), buf, size);
}
