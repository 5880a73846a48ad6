/* bcrypt.c — the ceiling of login for `make bench` (tests/bench/http.sh): how many bcrypt checks
 * per second this machine does at the stack's cost with as many threads as the auth worker has,
 * nothing else running in this process. Each check is what lib/core/password.c's mq_password_verify
 * costs a login: one crypt_rn of the password against a stored $2b$ hash.
 *
 *   bench-bcrypt COST THREADS SECONDS
 *
 * Prints one line: checks per second (all threads together, wall time), then the CPU time of one
 * check in milliseconds (which a machine busy with other work changes less).
 */
#include <crypt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64

static char setting[64];
static double seconds;

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void *hash_until_done(void *arg)
{
	long *count = arg;
	struct crypt_data *data = calloc(1, sizeof *data); /* ~32 KiB: not on a thread's stack */
	if (!data)
		return NULL;
	double end = now() + seconds;
	while (now() < end) {
		const char *got = crypt_rn("correct horse battery", setting, data, sizeof *data);
		if (!got || got[0] != '$')
			break;
		(*count)++;
	}
	free(data);
	return NULL;
}

static long parse(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v >= lo && v <= hi ? v : -1;
}

int main(int argc, char **argv)
{
	long cost = argc == 4 ? parse(argv[1], 4, 31) : -1;
	long threads = argc == 4 ? parse(argv[2], 1, MAX_THREADS) : -1;
	long secs = argc == 4 ? parse(argv[3], 1, 3600) : -1;
	if (cost < 0 || threads < 0 || secs < 0) {
		fprintf(stderr, "usage: %s COST(4-31) THREADS(1-%d) SECONDS\n", argv[0], MAX_THREADS);
		return 2;
	}
	seconds = (double)secs;
	/* a fixed, valid $2b$ setting: a login's check costs the same whatever the stored salt */
	snprintf(setting, sizeof setting, "$2b$%02ld$abcdefghijklmnopqrstuu", cost);
	pthread_t tid[MAX_THREADS];
	long counts[MAX_THREADS] = { 0 };
	double t0 = now(), cpu0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (long i = 0; i < threads; i++) {
		if (pthread_create(&tid[i], NULL, hash_until_done, &counts[i]) != 0) {
			fprintf(stderr, "%s: cannot start thread %ld\n", argv[0], i);
			return 1;
		}
	}
	long total = 0;
	for (long i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += counts[i];
	}
	double wall = now() - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	if (total == 0) {
		fprintf(stderr, "%s: crypt_rn failed for %s\n", argv[0], setting);
		return 1;
	}
	printf("%.2f %.3f\n", (double)total / wall, cpu * 1000 / (double)total);
	return 0;
}
