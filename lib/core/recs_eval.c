/* recs_eval.c — the temporal split, metrics and bootstrap of the offline evaluation (see
 * recs_eval.h). */
#include "core/recs_eval.h"
#include "core/mem.h"
#include "core/recs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_member_time_item(const void *a, const void *b)
{
	const mq_recs_rating *x = a, *y = b;
	if (x->user != y->user)
		return (x->user > y->user) - (x->user < y->user);
	if (x->at != y->at)
		return (x->at > y->at) - (x->at < y->at);
	return (x->item > y->item) - (x->item < y->item);
}

void mq_recs_holdout(mq_recs_rating *r, size_t n, int n_users, double share, float liked,
		     int (*skip_at)(const mq_recs_rating *rating, void *arg), void *arg, unsigned char *held,
		     long long *cut)
{
	qsort(r, n, sizeof *r, by_member_time_item);
	memset(held, 0, n);
	for (int u = 0; u < n_users; u++)
		cut[u] = MQ_RECS_NO_CUT;
	for (size_t s = 0, e; s < n; s = e) {
		size_t count = 0;
		for (e = s; e < n && r[e].user == r[s].user; e++)
			count += r[e].value >= liked && !(skip_at && skip_at(&r[e], arg));
		size_t hold = (size_t)floor((double)count * share + 0.5);
		if (count > 0 && hold == 0)
			hold = 1;
		for (size_t i = e; i > s && hold > 0; i--) /* the most recent, walking back */
			if (r[i - 1].value >= liked && !(skip_at && skip_at(&r[i - 1], arg))) {
				held[i - 1] = 1;
				hold--;
				if (r[s].user >= 0 && r[s].user < n_users)
					cut[r[s].user] = r[i - 1].at;
			}
	}
}

typedef struct member_cut {
	long long cut;
	int user;
} member_cut;

static int by_cut(const void *a, const void *b)
{
	const member_cut *x = a, *y = b;
	if (x->cut != y->cut)
		return (x->cut > y->cut) - (x->cut < y->cut);
	return (x->user > y->user) - (x->user < y->user);
}

int mq_recs_cut_groups(const long long *cut, int n_users, int groups, int *group, long long *group_cut)
{
	member_cut *m = mq_xcalloc((size_t)n_users + 1, sizeof *m);
	int k = 0;
	for (int u = 0; u < n_users; u++) {
		group[u] = -1;
		if (cut[u] != MQ_RECS_NO_CUT)
			m[k++] = (member_cut){ cut[u], u };
	}
	qsort(m, (size_t)k, sizeof *m, by_cut);
	int used = k < groups ? k : groups;
	for (int i = 0; i < k; i++) {
		int g = (int)((long long)i * used / k);
		if (i == 0 || group[m[i - 1].user] != g)
			group_cut[g] = m[i].cut;
		group[m[i].user] = g;
	}
	free(m);
	return used;
}

void mq_recs_metrics(const int *recs, size_t n, size_t k, const unsigned char *relevant, int n_relevant,
		     double *precision, double *recall, double *ndcg)
{
	int hits = 0;
	double dcg = 0, idcg = 0;
	for (size_t i = 0; i < n && i < k; i++)
		if (relevant[recs[i]]) {
			hits++;
			dcg += 1.0 / log2((double)i + 2);
		}
	for (int i = 0; i < n_relevant && (size_t)i < k; i++)
		idcg += 1.0 / log2((double)i + 2);
	*precision = (double)hits / (double)k;
	*recall = n_relevant ? (double)hits / n_relevant : 0;
	*ndcg = idcg > 0 ? dcg / idcg : 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void mq_recs_bootstrap(const double *a, const double *b, size_t n, int ratio, int reps, unsigned long long seed,
		       double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (n == 0 || reps < 1)
		return;
	double *stat = mq_xcalloc((size_t)reps, sizeof *stat);
	unsigned long long state = seed;
	for (int r = 0; r < reps; r++) {
		double sa = 0, sb = 0;
		for (size_t i = 0; i < n; i++) {
			size_t pick = (size_t)(mq_recs_random(&state) % n);
			sa += a[pick];
			sb += b[pick];
		}
		stat[r] = ratio ? (sb != 0 ? sa / sb : NAN) : (sa - sb) / (double)n;
	}
	qsort(stat, (size_t)reps, sizeof *stat, by_value);
	*lo = stat[(size_t)floor(0.025 * (reps - 1))];
	*hi = stat[(size_t)ceil(0.975 * (reps - 1))];
	free(stat);
}
