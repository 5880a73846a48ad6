/* recs_train.c — `make bench-recs`, the training half: what learning the stored lists
 * (mq_recommend_learn: EASE over the most-interacted movies, cosine neighbours for the tail)
 * costs for a catalogue of N movies, on synthetic events: M members, each with E movies drawn
 * with Zipf-like popularity (a fixed seed). Prints seconds (wall and CPU) and peak RSS.
 *
 *   recs-train MOVIES MEMBERS EVENTS_PER_MEMBER
 */
#include "core/parse.h"
#include "core/recs.h"
#include "domain/recommend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long long movies, members, per;
	if (argc != 4 || mq_parse_int(argv[1], 1, 10000000, &movies) || mq_parse_int(argv[2], 1, 10000000, &members) ||
	    mq_parse_int(argv[3], 1, 100000, &per)) {
		fprintf(stderr, "usage: recs-train MOVIES MEMBERS EVENTS_PER_MEMBER\n");
		return 2;
	}
	size_t n = (size_t)(members * per);
	mq_recs_event *ev = calloc(n, sizeof *ev);
	if (!ev)
		return 1;
	unsigned long long state = 1;
	for (size_t i = 0; i < n; i++) {
		/* popularity ~ 1/rank: rank = N^u for u uniform in [0, 1) */
		double u = (double)(mq_recs_random(&state) >> 11) / 9007199254740992.0;
		long long item = (long long)floor(pow((double)movies, u)) - 1;
		ev[i] = (mq_recs_event){ (int)(i / (size_t)per), (int)(item < movies ? item : movies - 1), 1 };
	}
	double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
	mq_recs_model *m = mq_recommend_learn(ev, n, (int)members, (int)movies);
	wall = seconds(CLOCK_MONOTONIC) - wall;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
	int with = 0, used = 0;
	for (int i = 0; i < m->n_items; i++) {
		with += m->count[i] > 0;
		used += m->popularity[i] > 0;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("training the lists: %lld movies (%d with events), %lld members, %zu events: %.1f s wall, %.1f s CPU "
	       "(all threads), peak RSS %.0f MB; %d movies have lists (dense EASE over at most %d)\n",
	       movies, used, members, n, wall, cpu, (double)ru.ru_maxrss / 1024, with, MQ_RECOMMEND_DENSE);
	mq_recs_model_free(m);
	free(ev);
	return 0;
}
