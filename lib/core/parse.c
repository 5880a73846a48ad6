/* parse.c — integers and durations from text (see parse.h). */
#include "core/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int mq_parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	if (!s || !*s)
		return -1;
	if (*p == '-')
		p++;
	if (!*p || strlen(p) > 19)
		return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int mq_parse_duration(const char *s, long *seconds)
{
	long long mult = 1, v;
	size_t n = strlen(s);
	char num[24];
	if (n == 0 || n >= sizeof num)
		return -1;
	switch (s[n - 1]) {
	case 's': mult = 1; n--; break;
	case 'm': mult = 60; n--; break;
	case 'h': mult = 3600; n--; break;
	case 'd': mult = 86400; n--; break;
	default: break;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (mq_parse_int(num, 0, 100LL * 365 * 86400, &v))
		return -1;
	*seconds = (long)(v * mult);
	return 0;
}
