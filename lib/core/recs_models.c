/* recs_models.c — EASE and implicit ALS through LAPACK/BLAS (see recs_models.h). Out of memory
 * in our own allocations aborts (core/mem.h); LAPACK's own failures return an error. */
#include "core/recs_models.h"
#include "core/mem.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct by_count {
	const int *count;
} by_count;

static int more_interacted(const void *a, const void *b, void *arg)
{
	const int *count = ((const by_count *)arg)->count;
	int x = *(const int *)a, y = *(const int *)b;
	if (count[x] != count[y])
		return count[x] < count[y] ? 1 : -1;
	return (x > y) - (x < y);
}

mq_recs_ease *mq_recs_ease_fit(const mq_recs_event *events, size_t n, int n_users, int n_items, int dense_max,
			       float lambda)
{
	size_t *start;
	int *uitems;
	size_t e = mq_recs_by_user(events, n, n_users, n_items, &start, &uitems);
	int *count = mq_xcalloc((size_t)n_items + 1, sizeof *count);
	for (size_t i = 0; i < e; i++)
		count[uitems[i]]++;

	/* the dense items: the most interacted, ties by index */
	mq_recs_ease *m = mq_xcalloc(1, sizeof *m);
	m->items = mq_xcalloc((size_t)n_items + 1, sizeof *m->items);
	m->dense = mq_xcalloc((size_t)n_items + 1, sizeof *m->dense);
	int have = 0;
	for (int i = 0; i < n_items; i++) {
		m->dense[i] = -1;
		if (count[i] > 0)
			m->items[have++] = i;
	}
	qsort_r(m->items, (size_t)have, sizeof *m->items, more_interacted, &(by_count){ count });
	m->n = have < dense_max ? have : dense_max;
	for (int a = 0; a < m->n; a++)
		m->dense[m->items[a]] = a;
	size_t nn = (size_t)m->n;

	/* G = XᵀX (upper triangle, column-major: G[a + b n] for a <= b), through each member's pairs */
	float *G = mq_xcalloc(nn * nn + 1, sizeof *G);
	int *mine = mq_xcalloc((size_t)n_items + 1, sizeof *mine);
	for (int u = 0; u < n_users; u++) {
		int k = 0;
		for (size_t i = start[u]; i < start[u + 1]; i++)
			if (m->dense[uitems[i]] >= 0)
				mine[k++] = m->dense[uitems[i]];
		for (int x = 0; x < k; x++)
			for (int y = 0; y < k; y++)
				if (mine[x] <= mine[y])
					G[(size_t)mine[x] + (size_t)mine[y] * nn] += 1;
	}
	free(mine);
	free(count);
	free(uitems);
	free(start);
	for (size_t a = 0; a < nn; a++)
		G[a + a * nn] += lambda;

	/* P = (G + λI)⁻¹ by Cholesky; then B = I − P diag(1/diag P), row a to column b */
	if (nn > 0 && (LAPACKE_spotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)nn, G, (lapack_int)nn) != 0 ||
		       LAPACKE_spotri(LAPACK_COL_MAJOR, 'U', (lapack_int)nn, G, (lapack_int)nn) != 0)) {
		free(G);
		mq_recs_ease_free(m);
		return NULL;
	}
	for (size_t b = 0; b < nn; b++) /* the lower triangle from the upper: P is symmetric */
		for (size_t a = 0; a < b; a++)
			G[b + a * nn] = G[a + b * nn];
	float *diag = mq_xcalloc(nn + 1, sizeof *diag);
	for (size_t a = 0; a < nn; a++)
		diag[a] = G[a + a * nn];
	for (size_t a = 0; a < nn; a++) /* symmetric, so G[a n + b] = P(a, b) in either order */
		for (size_t b = 0; b < nn; b++)
			G[a * nn + b] = a == b ? 0 : -G[a * nn + b] / diag[b];
	free(diag);
	m->B = G;
	return m;
}

void mq_recs_ease_free(mq_recs_ease *e)
{
	if (!e)
		return;
	free(e->items);
	free(e->dense);
	free(e->B);
	free(e);
}

/* Keeps the k largest of a row in a min-heap (heap[0] the smallest kept). */
static void heap_down(mq_recs_neighbour *heap, int n, int at)
{
	for (;;) {
		int l = 2 * at + 1, r = l + 1, min = at;
		if (l < n && heap[l].sim < heap[min].sim)
			min = l;
		if (r < n && heap[r].sim < heap[min].sim)
			min = r;
		if (min == at)
			return;
		mq_recs_neighbour t = heap[at];
		heap[at] = heap[min];
		heap[min] = t;
		at = min;
	}
}

static int best_first(const void *a, const void *b)
{
	const mq_recs_neighbour *x = a, *y = b;
	if (x->sim != y->sim)
		return x->sim < y->sim ? 1 : -1;
	return (x->item > y->item) - (x->item < y->item);
}

mq_recs_model *mq_recs_ease_lists(const mq_recs_ease *e, const mq_recs_event *events, size_t n, int n_users,
				  int n_items, int k, float shrink)
{
	/* the cosine neighbours of every item: the long tail's lists, and the popularity */
	mq_recs_model *m = mq_recs_train(events, n, n_users, n_items, k, shrink);
	size_t nn = (size_t)e->n;
	mq_recs_neighbour *heap = mq_xcalloc((size_t)k + 1, sizeof *heap);
	double dense_best = 0, tail_best = 0;
	int tail = 0;
	for (int i = 0; i < n_items; i++) {
		int a = e->dense[i];
		mq_recs_neighbour *out = m->neighbours + (size_t)i * (size_t)k;
		if (a < 0) {
			if (m->count[i] > 0) {
				tail_best += out[0].sim;
				tail++;
			}
			continue;
		}
		int h = 0;
		const float *row = e->B + (size_t)a * nn;
		for (size_t b = 0; b < nn; b++) {
			if (b == (size_t)a)
				continue;
			mq_recs_neighbour c = { e->items[b], row[b] };
			if (h < k) {
				heap[h++] = c;
				if (h == k)
					for (int at = k / 2 - 1; at >= 0; at--)
						heap_down(heap, k, at);
			} else if (c.sim > heap[0].sim) {
				heap[0] = c;
				heap_down(heap, k, 0);
			}
		}
		qsort(heap, (size_t)h, sizeof *heap, best_first);
		memcpy(out, heap, (size_t)h * sizeof *heap);
		m->count[i] = h;
		if (h > 0)
			dense_best += heap[0].sim;
	}
	free(heap);
	/* the tail's cosines on the dense weights' scale, so that neither side drowns the other */
	double scale = tail > 0 && tail_best > 0 && nn > 0 ? (dense_best / (double)nn) / (tail_best / tail) : 1;
	for (int i = 0; i < n_items; i++)
		if (e->dense[i] < 0)
			for (int b = 0; b < m->count[i]; b++)
				m->neighbours[(size_t)i * (size_t)k + (size_t)b].sim *= (float)scale;
	return m;
}

/* One half-round: each row r of X (rows of them) solved against the fixed factors Y (cols):
 * (YᵀY + α Σ_j y_j y_jᵀ + λI) x_r = (1 + α) Σ_j y_j over r's events j. */
static int solve_rows(const size_t *start, const int *idx, int rows, float *X, const float *Y, const float *YtY,
		      int f, float alpha, float lambda)
{
	size_t ff = (size_t)f * (size_t)f;
	float *A = mq_xcalloc(ff, sizeof *A), *b = mq_xcalloc((size_t)f, sizeof *b);
	int rc = 0;
	for (int r = 0; r < rows && rc == 0; r++) {
		memcpy(A, YtY, ff * sizeof *A);
		memset(b, 0, (size_t)f * sizeof *b);
		for (size_t e = start[r]; e < start[r + 1]; e++) {
			const float *y = Y + (size_t)idx[e] * (size_t)f;
			cblas_ssyr(CblasColMajor, CblasUpper, f, alpha, y, 1, A, f);
			cblas_saxpy(f, 1 + alpha, y, 1, b, 1);
		}
		for (int d = 0; d < f; d++)
			A[(size_t)d + (size_t)d * (size_t)f] += lambda;
		if (LAPACKE_sposv(LAPACK_COL_MAJOR, 'U', f, 1, A, f, b, f) != 0)
			rc = -1;
		memcpy(X + (size_t)r * (size_t)f, b, (size_t)f * sizeof *b);
	}
	free(b);
	free(A);
	return rc;
}

void mq_recs_als_gram(const float *Y, int cols, int f, float *YtY)
{
	cblas_ssyrk(CblasColMajor, CblasUpper, CblasNoTrans, f, cols, 1.0f, Y, f, 0.0f, YtY, f);
}

int mq_recs_als_fold_in(const float *items, const float *YtY, int f, float alpha, float lambda, const int *own,
			size_t n, float *out)
{
	size_t start[2] = { 0, n };
	return solve_rows(start, own, 1, out, items, YtY, f, alpha, lambda);
}

static int solve_side(const size_t *start, const int *idx, int rows, float *X, const float *Y, int cols, int f,
		      float alpha, float lambda)
{
	float *YtY = mq_xcalloc((size_t)f * (size_t)f, sizeof *YtY);
	mq_recs_als_gram(Y, cols, f, YtY);
	int rc = solve_rows(start, idx, rows, X, Y, YtY, f, alpha, lambda);
	free(YtY);
	return rc;
}

int mq_recs_als_fit(const mq_recs_event *events, size_t n, int n_users, int n_items, int f, float alpha,
		    float lambda, int iters, unsigned long long seed, float *users, float *items)
{
	size_t *ustart;
	int *uitems;
	size_t e = mq_recs_by_user(events, n, n_users, n_items, &ustart, &uitems);
	/* the same events by item */
	size_t *istart = mq_xcalloc((size_t)n_items + 1, sizeof *istart);
	int *iusers = mq_xcalloc(e + 1, sizeof *iusers);
	for (size_t i = 0; i < e; i++)
		istart[uitems[i] + 1]++;
	for (int i = 0; i < n_items; i++)
		istart[i + 1] += istart[i];
	size_t *fill = mq_xcalloc((size_t)n_items + 1, sizeof *fill);
	memcpy(fill, istart, ((size_t)n_items + 1) * sizeof *fill);
	for (int u = 0; u < n_users; u++)
		for (size_t i = ustart[u]; i < ustart[u + 1]; i++)
			iusers[fill[uitems[i]]++] = u;
	free(fill);
	unsigned long long state = seed;
	for (size_t i = 0; i < (size_t)n_items * (size_t)f; i++)
		items[i] = (float)(0.01 * ((double)(mq_recs_random(&state) >> 11) / 9007199254740992.0 - 0.5));
	memset(users, 0, (size_t)n_users * (size_t)f * sizeof *users);
	int rc = 0;
	for (int it = 0; it < iters && rc == 0; it++) {
		rc = solve_side(ustart, uitems, n_users, users, items, n_items, f, alpha, lambda);
		if (rc == 0)
			rc = solve_side(istart, iusers, n_items, items, users, n_users, f, alpha, lambda);
	}
	free(iusers);
	free(istart);
	free(uitems);
	free(ustart);
	return rc;
}
