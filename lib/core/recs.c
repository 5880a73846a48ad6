/* recs.c — item neighbours and scores (see recs.h). */
#include "core/recs.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_events(const void *a, const void *b)
{
	const mq_recs_event *x = a, *y = b;
	if (x->user != y->user)
		return (x->user > y->user) - (x->user < y->user);
	return (x->item > y->item) - (x->item < y->item);
}

/* Keeps the best k of a candidate list in place (a partial selection by similarity). */
static int compare_neighbours(const void *a, const void *b)
{
	const mq_recs_neighbour *x = a, *y = b;
	if (x->sim != y->sim)
		return x->sim < y->sim ? 1 : -1;
	return (x->item > y->item) - (x->item < y->item);
}

size_t mq_recs_by_user(const mq_recs_event *events, size_t n, int n_users, int n_items, size_t **start,
		       int **items)
{
	mq_recs_event *ev = mq_xcalloc(n ? n : 1, sizeof *ev);
	size_t e = 0;
	for (size_t i = 0; i < n; i++)
		if (events[i].weight > 0 && events[i].user >= 0 && events[i].user < n_users && events[i].item >= 0 &&
		    events[i].item < n_items)
			ev[e++] = events[i];
	qsort(ev, e, sizeof *ev, compare_events);
	size_t u = 0;
	for (size_t i = 0; i < e; i++)
		if (i == 0 || ev[i].user != ev[u - 1].user || ev[i].item != ev[u - 1].item)
			ev[u++] = ev[i];
	e = u;
	*start = mq_xcalloc((size_t)n_users + 1, sizeof **start);
	*items = mq_xcalloc(e ? e : 1, sizeof **items);
	for (size_t i = 0; i < e; i++) {
		(*start)[ev[i].user + 1]++;
		(*items)[i] = ev[i].item;
	}
	for (int i = 0; i < n_users; i++)
		(*start)[i + 1] += (*start)[i];
	free(ev);
	return e;
}

mq_recs_model *mq_recs_train(const mq_recs_event *events, size_t n, int n_users, int n_items, int k,
			     float shrink)
{
	mq_recs_model *m = mq_xcalloc(1, sizeof *m);
	m->n_items = n_items;
	m->k = k;
	m->count = mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *m->count);
	size_t slots = (size_t)n_items * (size_t)k;
	m->neighbours = mq_xcalloc(slots ? slots : 1, sizeof *m->neighbours);
	m->popularity = mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *m->popularity);

	/* each member's items (ustart[user]..ustart[user+1] in ev) and each item's members */
	size_t *ustart;
	int *uitems;
	size_t e = mq_recs_by_user(events, n, n_users, n_items, &ustart, &uitems);
	size_t *istart = mq_xcalloc((size_t)n_items + 1, sizeof *istart);
	for (size_t i = 0; i < e; i++)
		istart[uitems[i] + 1]++;
	for (int i = 0; i < n_items; i++) {
		m->popularity[i] = (int)istart[i + 1];
		istart[i + 1] += istart[i];
	}
	int *members = mq_xcalloc(e ? e : 1, sizeof *members);
	size_t *fill = mq_xcalloc((size_t)n_items + 1, sizeof *fill);
	memcpy(fill, istart, ((size_t)n_items + 1) * sizeof *fill);
	for (int user = 0; user < n_users; user++)
		for (size_t b = ustart[user]; b < ustart[user + 1]; b++)
			members[fill[uitems[b]]++] = user;
	free(fill);

	/* co-occurrence of item i with every other: through the members of i, their items */
	int *co = mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *co);
	int *touched = mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *touched);
	mq_recs_neighbour *cand = mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *cand);
	for (int i = 0; i < n_items; i++) {
		int nt = 0;
		for (size_t a = istart[i]; a < istart[i + 1]; a++) {
			int user = members[a];
			for (size_t b = ustart[user]; b < ustart[user + 1]; b++) {
				int j = uitems[b];
				if (j == i)
					continue;
				if (co[j]++ == 0)
					touched[nt++] = j;
			}
		}
		int nc = 0;
		for (int t = 0; t < nt; t++) {
			int j = touched[t];
			double c = co[j];
			double sim = c / sqrt((double)m->popularity[i] * (double)m->popularity[j]);
			sim *= c / (c + shrink);
			cand[nc++] = (mq_recs_neighbour){ j, (float)sim };
			co[j] = 0;
		}
		if (nc > k) {
			/* the k best: a selection would do; sorting these few hundred is cheap enough */
			qsort(cand, (size_t)nc, sizeof *cand, compare_neighbours);
			nc = k;
		} else {
			qsort(cand, (size_t)nc, sizeof *cand, compare_neighbours);
		}
		memcpy(m->neighbours + (size_t)i * (size_t)k, cand, (size_t)nc * sizeof *cand);
		m->count[i] = nc;
	}
	free(cand);
	free(touched);
	free(co);
	free(members);
	free(istart);
	free(ustart);
	free(uitems);
	return m;
}

void mq_recs_model_free(mq_recs_model *m)
{
	if (!m)
		return;
	free(m->count);
	free(m->neighbours);
	free(m->popularity);
	free(m);
}

void mq_recs_score(const mq_recs_model *m, const int *items, const float *weights, size_t n,
		   const float *content, const float *quality, const unsigned char *excluded,
		   mq_recs_weights w, float *scores, int *because)
{
	int n_items = m->n_items;
	float *best = because ? mq_xcalloc((size_t)n_items ? (size_t)n_items : 1, sizeof *best) : NULL;
	for (int i = 0; i < n_items; i++) {
		scores[i] = 0;
		if (because)
			because[i] = -1;
	}
	for (size_t a = 0; a < n; a++) {
		int i = items[a];
		if (i < 0 || i >= n_items)
			continue;
		const mq_recs_neighbour *nb = m->neighbours + (size_t)i * (size_t)m->k;
		for (int b = 0; b < m->count[i]; b++) {
			float part = weights[a] * nb[b].sim;
			scores[nb[b].item] += part;
			if (because && part > best[nb[b].item]) {
				best[nb[b].item] = part;
				because[nb[b].item] = i;
			}
		}
	}
	/* the neighbours' part on -1..1, so that the blend's weights mean the same for every member */
	float top = 0;
	for (int i = 0; i < n_items; i++)
		if (fabsf(scores[i]) > top)
			top = fabsf(scores[i]);
	for (int i = 0; i < n_items; i++) {
		scores[i] = top > 0 ? w.neighbours * scores[i] / top : 0;
		if (content)
			scores[i] += w.content * content[i];
		if (quality)
			scores[i] += w.quality * quality[i];
	}
	for (size_t a = 0; a < n; a++)
		if (items[a] >= 0 && items[a] < n_items)
			scores[items[a]] = -INFINITY;
	for (int i = 0; excluded && i < n_items; i++)
		if (excluded[i])
			scores[i] = -INFINITY;
	free(best);
}

size_t mq_recs_top(const float *scores, int n_items, const int *groups, int max_run, int *out, size_t n)
{
	/* the best few times n by score, then picked in order with the run limit */
	size_t pool_n = n * 4 + 16, have = 0;
	int *pool = mq_xcalloc(pool_n, sizeof *pool);
	for (int i = 0; i < n_items; i++) {
		if (scores[i] == -INFINITY || isnan(scores[i]))
			continue;
		/* insertion into the sorted pool (best first; ties by index) */
		size_t at = have;
		while (at > 0 && (scores[pool[at - 1]] < scores[i]))
			at--;
		if (at >= pool_n)
			continue;
		size_t last = have < pool_n ? have : pool_n - 1;
		memmove(pool + at + 1, pool + at, (last - at) * sizeof *pool);
		pool[at] = i;
		if (have < pool_n)
			have++;
	}
	size_t k = 0;
	unsigned char *used = mq_xcalloc(have ? have : 1, 1);
	while (k < n) {
		size_t pick = have;
		for (size_t p = 0; p < have && pick == have; p++) {
			if (used[p])
				continue;
			int run = 0;
			if (groups && max_run > 0 && groups[pool[p]] >= 0)
				for (size_t q = k; q > 0 && groups[out[q - 1]] == groups[pool[p]]; q--)
					run++;
			if (run < max_run || !groups || max_run <= 0 || groups[pool[p]] < 0)
				pick = p;
		}
		if (pick == have) /* only one group is left: it may run on */
			for (size_t p = 0; p < have && pick == have; p++)
				if (!used[p])
					pick = p;
		if (pick == have)
			break;
		used[pick] = 1;
		out[k++] = pool[pick];
	}
	free(used);
	free(pool);
	return k;
}

double mq_recs_weighted_rating(double mean, double votes, double all_mean, double enough)
{
	if (votes <= 0 || enough < 0)
		return all_mean;
	return votes / (votes + enough) * mean + enough / (votes + enough) * all_mean;
}

unsigned long long mq_recs_random(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL); /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
