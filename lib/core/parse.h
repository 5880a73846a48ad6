/* parse.h — the one way text becomes a number: whole decimal integers within bounds (never atoi)
 * and durations. */
#ifndef MQ_PARSE_H
#define MQ_PARSE_H

/* Parses a whole decimal integer (optional '-', digits only, no spaces) within [min, max].
 * Returns 0 or -1; *out untouched on failure. */
int mq_parse_int(const char *s, long long min, long long max, long long *out);

/* Parses a duration "3600", "90s", "15m", "12h", "7d" into seconds. Returns 0 or -1. */
int mq_parse_duration(const char *s, long *seconds);

#endif
