/* clock.h — the wall clock, and times as the API writes them.
 *
 * Every timestamp the database stores and the API answers comes from here, so one place decides
 * the clock (CLOCK_REALTIME) and the text form (ISO 8601 in UTC with milliseconds).
 */
#ifndef MQ_CLOCK_H
#define MQ_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the epoch, now. */
int64_t mq_clock_ms(void);

/* A time in milliseconds since the epoch as "2026-11-22T10:00:00.000Z" into buf (at least 32
 * bytes); mq_clock_iso8601_now() for the current time. Reentrant (gmtime_r). */
void mq_clock_iso8601(int64_t ms, char *buf, size_t size);
void mq_clock_iso8601_now(char *buf, size_t size);

#endif
