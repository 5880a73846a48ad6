/* eval-recs.c — marquee-eval-recs: the recommender measured offline on MovieLens, honestly.
 *
 *   marquee-eval-recs [--groups N] [--boot N] DIR
 *                     DIR holds ratings.csv (userId,movieId,rating,timestamp) and movies.csv
 *                     (movieId,title,genres) — ml-latest-small's layout
 *
 * The split (lib/core/recs_eval.h): per member, the most recent 20 % of their ratings of 4 or more
 * (most recent by time, then movie) are the test hold-out; the same cut again inside what is left
 * is the validation hold-out. A member is scored by models trained only on ratings anyone made
 * before their hold-out began: members are put into --groups groups (default 8) by that time and
 * each group's models learn from what came before the group's earliest hold-out, so nothing later
 * than a member's hold-out — theirs or anyone's — is ever seen. Every setting is chosen on
 * validation (the best precision@10) and then measured once on test.
 *
 * Models: popular (most rated in training: the baseline every ratio is to, as in issue 22),
 * popular-liked (most liked), item-knn (cosine neighbours), als (implicit matrix
 * factorisation), ease (the dense model, every item scored) — all trained on liked ratings only —
 * and two served paths, which do what the users worker does (lib/domain/recommend.c): the
 * member's strongest 50 movies, their stored lists, candidates from those lists and the popular
 * lists (overall and of the member's genres), own movies left out, the blend and the genre run
 * rule: site-before is the site before EASE (cosine lists of 30 from every rating, hand-set
 * weights), served is the site now (EASE lists of MQ_RECOMMEND_NEIGHBOURS, validated weights).
 *
 * Prints the choices validation made, then one line per model:
 *   model=<name> precision@10=<x> recall@10=<x> ndcg@10=<x> p/popular=<x>[<lo>,<hi>]
 *   ndcg/popular=<x>[<lo>,<hi>] p-best=<x>[<lo>,<hi>] seconds=<x>
 * with paired bootstrap intervals (95 %, --boot resamples of the members, default 1000, fixed
 * seed): the ratio to popular, and the difference to the best baseline (the best of item-knn, als
 * and ease on test). Exit status 2 for bad arguments or unreadable files. */
#include "core/log.h"
#include "core/mem.h"
#include "core/parse.h"
#include "core/recs.h"
#include "core/recs_eval.h"
#include "core/recs_models.h"
#include "domain/recommend.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP 10
#define MAX_GENRES 24
#define LIKED 4.0f
#define SEED 20261205ULL
#define DENSE_MAX 10000
#define STRONG MQ_RECOMMEND_STRONG /* the member's movies whose lists are read, as the site does */

typedef struct data {
	mq_recs_rating *r;
	size_t n, cap;
	int n_users, n_movies;
	int *user_map, *movie_map;   /* the file's id → dense index */
	size_t user_cap, movie_cap;
	unsigned *genres;            /* per movie: bit g for genre g */
	char *genre_names[MAX_GENRES];
	int n_genres;
} data;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Dense index of an id (small positive integers in the files), growing the table. */
static int dense(int **map, size_t *cap, int *count, int id)
{
	if (id < 0)
		return -1;
	if ((size_t)id >= *cap) {
		size_t c = *cap ? *cap : 1024;
		while (c <= (size_t)id)
			c *= 2;
		*map = mq_xrealloc(*map, c * sizeof **map);
		for (size_t i = *cap; i < c; i++)
			(*map)[i] = -1;
		*cap = c;
	}
	if ((*map)[id] < 0)
		(*map)[id] = (*count)++;
	return (*map)[id];
}

static int read_ratings(const char *path, data *d)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		int uid, mid;
		float value;
		long long at;
		if (sscanf(line, "%d,%d,%f,%lld", &uid, &mid, &value, &at) != 4 || uid < 0 || mid < 0)
			continue; /* the header, or not a rating */
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 65536;
			d->r = mq_xrealloc(d->r, d->cap * sizeof *d->r);
		}
		d->r[d->n++] = (mq_recs_rating){ dense(&d->user_map, &d->user_cap, &d->n_users, uid),
						 dense(&d->movie_map, &d->movie_cap, &d->n_movies, mid), value, at };
	}
	fclose(f);
	return 0;
}

/* movies.csv: the genres are the last field ("Adventure|Animation"); titles may hold commas. */
static int read_movies(const char *path, data *d)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	d->genres = mq_xcalloc((size_t)d->n_movies + 1, sizeof *d->genres);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		long long id;
		char *comma = strchr(line, ',');
		if (!comma)
			continue;
		*comma = '\0';
		if (mq_parse_int(line, 1, 1LL << 30, &id) || (size_t)id >= d->movie_cap || d->movie_map[id] < 0)
			continue;
		char *g = strrchr(comma + 1, ',');
		if (!g)
			continue;
		g[strcspn(g, "\r\n")] = '\0';
		char *save = NULL;
		for (char *name = strtok_r(g + 1, "|", &save); name; name = strtok_r(NULL, "|", &save)) {
			int k = 0;
			while (k < d->n_genres && strcmp(d->genre_names[k], name))
				k++;
			if (k == d->n_genres && d->n_genres < MAX_GENRES)
				d->genre_names[d->n_genres++] = mq_xstrdup(name);
			if (k < d->n_genres)
				d->genres[d->movie_map[id]] |= 1u << k;
		}
	}
	fclose(f);
	return 0;
}

/* ---- the models ---------------------------------------------------------------------------- */

enum { POPULAR, POPULAR_LIKED, KNN, ALS, EASE, BEFORE, SERVED, N_MODELS };
static const char *const model_names[N_MODELS] = { "popular", "popular-liked", "item-knn", "als", "ease", "site-before",
						   "served" };

/* How a served path weighs a member's ratings and blends. */
typedef struct serve_config {
	int weighting;           /* 0 liked only (1 or 0), 1 graded (-1..1), 2 graded, positive part */
	int recency;             /* taste ages as on the site */
	mq_recs_weights blend;
} serve_config;

static const char *const weighting_names[] = { "liked-only", "graded", "graded-positive" };
static const mq_recs_weights blends[] = { { 1, 0, 0 }, { 1, 0.1f, 0.2f }, { 1, 0.2f, 0.8f } };
#define N_BLENDS 3
static const float ease_lambdas[] = { 100, 250, 500, 1000 };
#define N_LAMBDAS 4
static const float als_alphas[] = { 5, 20 };
#define N_ALPHAS 2
#define ALS_FACTORS 64
#define ALS_LAMBDA 5.0f
#define ALS_ITERS 8
#define N_SERVE (3 * 2 * N_BLENDS)

static serve_config serve_config_at(int i)
{
	return (serve_config){ i / (2 * N_BLENDS), (i / N_BLENDS) % 2, blends[i % N_BLENDS] };
}

/* What one group's models are trained on and what scoring needs of every movie. */
typedef struct world {
	const data *d;
	int nm;
	float *pop;              /* liked ratings in training, per movie */
	float *rated;            /* ratings in training, per movie */
	float *quality;          /* 0..1, the weighted rating of training ratings */
	int *group;              /* the main genre, -1 none */
	int *popular;            /* movies by pop, best first (ties by index) */
	int n_popular;
} world;

/* A member's view: their ratings before the cut, and what is held out. */
typedef struct member {
	const mq_recs_rating *r;  /* their ratings, sorted by time */
	size_t n;                 /* those before the cut */
	long long cut;
	unsigned char *relevant;
	int n_relevant;
	unsigned char *seen;
} member;

static int by_pop(const void *a, const void *b, void *arg)
{
	const float *pop = arg;
	int x = *(const int *)a, y = *(const int *)b;
	if (pop[x] != pop[y])
		return pop[x] < pop[y] ? 1 : -1;
	return (x > y) - (x < y);
}

static void world_build(world *w, const data *d, const mq_recs_rating *r, size_t n, long long cut)
{
	w->d = d;
	w->nm = d->n_movies;
	size_t nm = (size_t)w->nm + 1;
	w->pop = mq_xcalloc(nm, sizeof *w->pop);
	w->rated = mq_xcalloc(nm, sizeof *w->rated);
	w->quality = mq_xcalloc(nm, sizeof *w->quality);
	w->group = mq_xcalloc(nm, sizeof *w->group);
	w->popular = mq_xcalloc(nm, sizeof *w->popular);
	double *sum = mq_xcalloc(nm, sizeof *sum), *votes = mq_xcalloc(nm, sizeof *votes), all = 0, count = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].at < cut) {
			w->pop[r[i].item] += r[i].value >= LIKED;
			w->rated[r[i].item] += 1;
			sum[r[i].item] += r[i].value;
			votes[r[i].item] += 1;
			all += r[i].value;
			count++;
		}
	w->n_popular = 0;
	for (int m = 0; m < w->nm; m++) {
		w->quality[m] = mq_recommend_quality(votes[m] > 0 ? sum[m] / votes[m] : 0, votes[m],
						     count > 0 ? all / count : 0, 5.0);
		w->group[m] = -1;
		for (int g = 0; g < d->n_genres && w->group[m] < 0; g++)
			if (d->genres[m] & (1u << g))
				w->group[m] = g;
		if (w->pop[m] > 0)
			w->popular[w->n_popular++] = m;
	}
	qsort_r(w->popular, (size_t)w->n_popular, sizeof *w->popular, by_pop, w->pop);
	free(sum);
	free(votes);
}

static void world_free(world *w)
{
	free(w->pop);
	free(w->rated);
	free(w->quality);
	free(w->group);
	free(w->popular);
}

/* The events a group's models learn from: ratings before cut, liked ones only (positive) or all. */
static mq_recs_event *training_events(const mq_recs_rating *r, size_t n, long long cut, int positive, size_t *ne)
{
	mq_recs_event *ev = mq_xcalloc(n + 1, sizeof *ev);
	*ne = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].at < cut && (!positive || r[i].value >= LIKED))
			ev[(*ne)++] = (mq_recs_event){ r[i].user, r[i].item, 1 };
	return ev;
}

/* Top 10 of scores with the member's movies left out. */
static size_t top_unseen(float *scores, const world *w, const member *mb, int *recs)
{
	for (int m = 0; m < w->nm; m++)
		if (mb->seen[m] || isnan(scores[m]))
			scores[m] = -INFINITY;
	return mq_recs_top(scores, w->nm, NULL, 0, recs, TOP);
}

static float rating_weight(const serve_config *c, const mq_recs_rating *r, long long cut)
{
	float x = c->weighting == 0 ? (r->value >= LIKED) : mq_recommend_rating_weight(r->value, 5.0);
	if (c->weighting == 2 && x < 0)
		x = 0;
	if (c->recency)
		x *= mq_recommend_recency((double)(cut - r->at) / 86400.0);
	return x;
}

static int by_strength(const void *a, const void *b, void *arg)
{
	const float *w = arg;
	int x = *(const int *)a, y = *(const int *)b;
	float fx = fabsf(w[x]), fy = fabsf(w[y]);
	if (fx != fy)
		return fx < fy ? 1 : -1;
	return (x > y) - (x < y); /* the member's ratings are in time order: the earlier first, as on the site */
}

/* Scratch a served path reuses from member to member (n_movies each). */
typedef struct serve_scratch {
	float *scores, *content, *weights;
	int *items, *order;
	unsigned char *excluded;
} serve_scratch;

/* The served path for one member: what mq_recommend_for does, over lists instead of documents. */
static size_t serve(const world *w, const mq_recs_model *lists, const member *mb, const serve_config *c,
		    serve_scratch *s, int *recs)
{
	const data *d = w->d;
	size_t n = 0;
	for (size_t i = 0; i < mb->n; i++) {
		s->items[n] = mb->r[i].item;
		s->weights[n++] = rating_weight(c, &mb->r[i], mb->cut);
	}
	for (size_t i = 0; i < n; i++)
		s->order[i] = (int)i;
	qsort_r(s->order, n, sizeof *s->order, by_strength, s->weights);
	size_t n_strong = n < STRONG ? n : STRONG;
	int strong[STRONG];
	float strong_w[STRONG];
	double genre[MAX_GENRES] = { 0 }, genre_total = 0;
	for (size_t a = 0; a < n_strong; a++) {
		strong[a] = s->items[s->order[a]];
		strong_w[a] = s->weights[s->order[a]];
		for (int g = 0; strong_w[a] > 0 && g < d->n_genres; g++)
			if (d->genres[strong[a]] & (1u << g))
				genre[g] += strong_w[a], genre_total += strong_w[a];
	}
	/* candidates: the strong movies' neighbours, the 200 most popular, 100 of each liked genre */
	memset(s->excluded, 1, (size_t)w->nm);
	for (size_t a = 0; a < n_strong; a++) {
		const mq_recs_neighbour *nb = lists->neighbours + (size_t)strong[a] * (size_t)lists->k;
		for (int b = 0; b < lists->count[strong[a]]; b++)
			s->excluded[nb[b].item] = 0;
	}
	int per_genre[MAX_GENRES] = { 0 };
	for (int p = 0; p < w->n_popular; p++) {
		int m = w->popular[p], keep = p < 200;
		for (int g = 0; g < d->n_genres; g++)
			if ((d->genres[m] & (1u << g)) && genre[g] > 0 && per_genre[g]++ < 100)
				keep = 1;
		if (keep)
			s->excluded[m] = 0;
	}
	for (int m = 0; m < w->nm; m++) {
		double cm = 0;
		for (int g = 0; genre_total > 0 && g < d->n_genres; g++)
			if (d->genres[m] & (1u << g))
				cm += genre[g] / genre_total;
		s->content[m] = (float)(cm > 1 ? 1 : cm);
		if (mb->seen[m])
			s->excluded[m] = 1;
	}
	mq_recs_score(lists, strong, strong_w, n_strong, s->content, w->quality, s->excluded, c->blend, s->scores, NULL);
	return mq_recs_top(s->scores, w->nm, w->group, MQ_RECOMMEND_MAX_RUN, recs, TOP);
}

/* ---- one phase: validation or test ---------------------------------------------------------- */

/* Per model (and setting), per member: the metrics of the members a phase measures. */
typedef struct results {
	double *p[N_MODELS], *r[N_MODELS], *ndcg[N_MODELS];
	double *ease_p[N_LAMBDAS], *als_p[N_ALPHAS], *serve_p[N_LAMBDAS][N_SERVE];
	double seconds[N_MODELS];
	int *members;            /* the members measured, in order */
	int n;
} results;

/* Which settings a phase runs: on validation all; on test the chosen ones. */
typedef struct choice {
	int all;
	int lambda, alpha;          /* the full models' */
	int serve_lambda, serve;    /* the served path's lists and weights */
} choice;

/* One member's metrics into slot of p, r and ndcg (r and ndcg may be NULL). */
static void record(double *p, double *r, double *ndcg, int slot, const int *recs, size_t k, const member *mb)
{
	double pp, rr, nn;
	mq_recs_metrics(recs, k, TOP, mb->relevant, mb->n_relevant, &pp, &rr, &nn);
	p[slot] = pp;
	if (r)
		r[slot] = rr;
	if (ndcg)
		ndcg[slot] = nn;
}

static void run_phase(const data *d, const unsigned char *held, const long long *cut, int n_groups,
		      const choice *ch, results *res)
{
	int nm = d->n_movies, nu = d->n_users;
	int *group = mq_xcalloc((size_t)nu + 1, sizeof *group);
	long long *group_cut = mq_xcalloc((size_t)n_groups + 1, sizeof *group_cut);
	int used = mq_recs_cut_groups(cut, nu, n_groups, group, group_cut);
	/* each member's ratings: d->r is sorted by member then time */
	size_t *start = mq_xcalloc((size_t)nu + 1, sizeof *start);
	for (size_t i = 0; i < d->n; i++)
		start[d->r[i].user + 1]++;
	for (int u = 0; u < nu; u++)
		start[u + 1] += start[u];
	res->members = mq_xcalloc((size_t)nu + 1, sizeof *res->members);
	res->n = 0;
	for (int u = 0; u < nu; u++)
		if (group[u] >= 0)
			res->n++;
	size_t slots = (size_t)res->n + 1;
	for (int m = 0; m < N_MODELS; m++) {
		res->p[m] = mq_xcalloc(slots, sizeof(double));
		res->r[m] = mq_xcalloc(slots, sizeof(double));
		res->ndcg[m] = mq_xcalloc(slots, sizeof(double));
		res->seconds[m] = 0;
	}
	for (int l = 0; l < N_LAMBDAS; l++)
		res->ease_p[l] = mq_xcalloc(slots, sizeof(double));
	for (int a = 0; a < N_ALPHAS; a++)
		res->als_p[a] = mq_xcalloc(slots, sizeof(double));
	for (int l = 0; l < N_LAMBDAS; l++)
		for (int c = 0; c < N_SERVE; c++)
			res->serve_p[l][c] = mq_xcalloc(slots, sizeof(double));

	float *scores = mq_xcalloc((size_t)nm + 1, sizeof *scores);
	serve_scratch s = { mq_xcalloc((size_t)nm + 1, sizeof(float)), mq_xcalloc((size_t)nm + 1, sizeof(float)),
			    mq_xcalloc((size_t)nm + 1, sizeof(float)), mq_xcalloc((size_t)nm + 1, sizeof(int)),
			    mq_xcalloc((size_t)nm + 1, sizeof(int)), mq_xcalloc((size_t)nm + 1, 1) };
	member mb = { .relevant = mq_xcalloc((size_t)nm + 1, 1), .seen = mq_xcalloc((size_t)nm + 1, 1) };
	int *own = mq_xcalloc((size_t)nm + 1, sizeof *own);
	float *uf = mq_xcalloc(ALS_FACTORS, sizeof *uf);
	int recs[TOP];
	int slot0 = 0;
	for (int g = 0; g < used; g++) {
		world w;
		world_build(&w, d, d->r, d->n, group_cut[g]);
		size_t ne, ne_all;
		mq_recs_event *ev = training_events(d->r, d->n, group_cut[g], 1, &ne);
		mq_recs_event *ev_all = training_events(d->r, d->n, group_cut[g], 0, &ne_all);
		double t0 = now_seconds();
		mq_recs_model *knn = mq_recs_train(ev, ne, nu, nm, 100, MQ_RECOMMEND_SHRINK);
		res->seconds[KNN] += now_seconds() - t0;
		t0 = now_seconds();
		mq_recs_model *before = mq_recs_train(ev_all, ne_all, nu, nm, 30, MQ_RECOMMEND_SHRINK);
		res->seconds[BEFORE] += now_seconds() - t0;
		mq_recs_ease *ease[N_LAMBDAS] = { 0 };
		mq_recs_model *lists[N_LAMBDAS] = { 0 };
		for (int l = 0; l < N_LAMBDAS; l++) {
			if (!ch->all && l != ch->lambda && l != ch->serve_lambda)
				continue;
			t0 = now_seconds();
			ease[l] = mq_recs_ease_fit(ev, ne, nu, nm, DENSE_MAX, ease_lambdas[l]);
			double fit = now_seconds() - t0;
			if (ch->all || l == ch->lambda)
				res->seconds[EASE] += fit;
			if (ease[l] && (ch->all || l == ch->serve_lambda)) {
				if (!ch->all && l != ch->lambda)
					res->seconds[SERVED] += fit;
				t0 = now_seconds();
				lists[l] = mq_recs_ease_lists(ease[l], ev, ne, nu, nm, MQ_RECOMMEND_NEIGHBOURS,
							      MQ_RECOMMEND_SHRINK);
				res->seconds[SERVED] += now_seconds() - t0;
			}
		}
		float *als_u[N_ALPHAS] = { 0 }, *als_i[N_ALPHAS] = { 0 }, *als_g[N_ALPHAS] = { 0 };
		for (int a = 0; a < N_ALPHAS; a++)
			if (ch->all || a == ch->alpha) {
				t0 = now_seconds();
				als_u[a] = mq_xcalloc((size_t)nu * ALS_FACTORS, sizeof(float));
				als_i[a] = mq_xcalloc((size_t)nm * ALS_FACTORS, sizeof(float));
				als_g[a] = mq_xcalloc(ALS_FACTORS * ALS_FACTORS, sizeof(float));
				if (mq_recs_als_fit(ev, ne, nu, nm, ALS_FACTORS, als_alphas[a], ALS_LAMBDA, ALS_ITERS, SEED,
						    als_u[a], als_i[a]))
					fprintf(stderr, "marquee-eval-recs: ALS failed to solve (group %d)\n", g);
				mq_recs_als_gram(als_i[a], nm, ALS_FACTORS, als_g[a]);
				res->seconds[ALS] += now_seconds() - t0;
			}

		int slot = slot0;
		for (int u = 0; u < nu; u++) {
			if (group[u] != g)
				continue;
			res->members[slot] = u;
			mb.r = d->r + start[u];
			mb.cut = cut[u];
			mb.n = 0;
			mb.n_relevant = 0;
			size_t n_own = 0;
			for (size_t i = start[u]; i < start[u + 1]; i++) {
				const mq_recs_rating *r = &d->r[i];
				if (held[i]) {
					mb.relevant[r->item] = 1;
					mb.n_relevant++;
				} else if (r->at < cut[u]) {
					mb.seen[r->item] = 1;
					mb.n++;
					if (r->value >= LIKED)
						own[n_own++] = r->item;
				}
			}
			/* popular: the most rated, and the most liked */
			double t1 = now_seconds();
			for (int m = 0; m < nm; m++)
				scores[m] = w.rated[m];
			size_t k = top_unseen(scores, &w, &mb, recs);
			record(res->p[POPULAR], res->r[POPULAR], res->ndcg[POPULAR], slot, recs, k, &mb);
			for (int m = 0; m < nm; m++)
				scores[m] = w.pop[m];
			k = top_unseen(scores, &w, &mb, recs);
			res->seconds[POPULAR] += now_seconds() - t1;
			record(res->p[POPULAR_LIKED], res->r[POPULAR_LIKED], res->ndcg[POPULAR_LIKED], slot, recs, k, &mb);
			/* item-knn on the liked movies */
			t1 = now_seconds();
			float ones[1] = { 1 };
			for (int m = 0; m < nm; m++)
				scores[m] = 0;
			for (size_t i = 0; i < n_own; i++) {
				const mq_recs_neighbour *nb = knn->neighbours + (size_t)own[i] * (size_t)knn->k;
				for (int b = 0; b < knn->count[own[i]]; b++)
					scores[nb[b].item] += ones[0] * nb[b].sim;
			}
			k = top_unseen(scores, &w, &mb, recs);
			res->seconds[KNN] += now_seconds() - t1;
			record(res->p[KNN], res->r[KNN], res->ndcg[KNN], slot, recs, k, &mb);
			/* ALS: the member folded in from all their liked movies before the cut */
			for (int a = 0; a < N_ALPHAS; a++) {
				if (!als_u[a])
					continue;
				t1 = now_seconds();
				mq_recs_als_fold_in(als_i[a], als_g[a], ALS_FACTORS, als_alphas[a], ALS_LAMBDA, own, n_own, uf);
				for (int m = 0; m < nm; m++) {
					double dot = 0;
					for (int f = 0; f < ALS_FACTORS; f++)
						dot += (double)uf[f] * als_i[a][(size_t)m * ALS_FACTORS + (size_t)f];
					scores[m] = w.pop[m] > 0 ? (float)dot : -INFINITY;
				}
				k = top_unseen(scores, &w, &mb, recs);
				res->seconds[ALS] += now_seconds() - t1;
				record(res->als_p[a], NULL, NULL, slot, recs, k, &mb);
				if (a == ch->alpha)
					record(res->p[ALS], res->r[ALS], res->ndcg[ALS], slot, recs, k, &mb);
			}
			/* EASE, the dense model: every item scored */
			for (int l = 0; l < N_LAMBDAS; l++) {
				const mq_recs_ease *e = ease[l];
				if (!e)
					continue;
				t1 = now_seconds();
				for (int m = 0; m < nm; m++)
					scores[m] = e->dense[m] >= 0 ? 0 : -INFINITY;
				for (size_t i = 0; i < n_own; i++) {
					int a = e->dense[own[i]];
					if (a < 0)
						continue;
					const float *row = e->B + (size_t)a * (size_t)e->n;
					for (int b = 0; b < e->n; b++)
						scores[e->items[b]] += row[b];
				}
				k = top_unseen(scores, &w, &mb, recs);
				res->seconds[EASE] += now_seconds() - t1;
				record(res->ease_p[l], NULL, NULL, slot, recs, k, &mb);
				if (l == ch->lambda)
					record(res->p[EASE], res->r[EASE], res->ndcg[EASE], slot, recs, k, &mb);
			}
			/* the site before: cosine lists of 30 from every rating, graded and recent, blended */
			t1 = now_seconds();
			serve_config old = { 1, 1, { 1.0f, 0.2f, 0.8f } };
			k = serve(&w, before, &mb, &old, &s, recs);
			res->seconds[BEFORE] += now_seconds() - t1;
			record(res->p[BEFORE], res->r[BEFORE], res->ndcg[BEFORE], slot, recs, k, &mb);
			/* served now: EASE lists, each setting on validation */
			for (int l = 0; l < N_LAMBDAS; l++)
				for (int c = 0; lists[l] && c < N_SERVE; c++) {
					if (!ch->all && c != ch->serve)
						continue;
					serve_config sc = serve_config_at(c);
					t1 = now_seconds();
					k = serve(&w, lists[l], &mb, &sc, &s, recs);
					res->seconds[SERVED] += now_seconds() - t1;
					record(res->serve_p[l][c], NULL, NULL, slot, recs, k, &mb);
					if (l == ch->serve_lambda && c == ch->serve)
						record(res->p[SERVED], res->r[SERVED], res->ndcg[SERVED], slot, recs, k, &mb);
				}
			for (size_t i = start[u]; i < start[u + 1]; i++)
				mb.relevant[d->r[i].item] = mb.seen[d->r[i].item] = 0;
			slot++;
		}
		slot0 = slot;
		for (int a = 0; a < N_ALPHAS; a++) {
			free(als_u[a]);
			free(als_i[a]);
			free(als_g[a]);
		}
		for (int l = 0; l < N_LAMBDAS; l++) {
			mq_recs_model_free(lists[l]);
			mq_recs_ease_free(ease[l]);
		}
		mq_recs_model_free(before);
		mq_recs_model_free(knn);
		free(ev_all);
		free(ev);
		world_free(&w);
	}
	free(uf);
	free(own);
	free(mb.relevant);
	free(mb.seen);
	free(s.scores);
	free(s.content);
	free(s.weights);
	free(s.items);
	free(s.order);
	free(s.excluded);
	free(scores);
	free(start);
	free(group_cut);
	free(group);
}

static void results_free(results *res)
{
	for (int m = 0; m < N_MODELS; m++) {
		free(res->p[m]);
		free(res->r[m]);
		free(res->ndcg[m]);
	}
	for (int l = 0; l < N_LAMBDAS; l++)
		free(res->ease_p[l]);
	for (int a = 0; a < N_ALPHAS; a++)
		free(res->als_p[a]);
	for (int l = 0; l < N_LAMBDAS; l++)
		for (int c = 0; c < N_SERVE; c++)
			free(res->serve_p[l][c]);
	free(res->members);
}

static double mean(const double *x, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return n ? s / n : 0;
}

/* The index of the best of x[n] by the mean over members (the first on ties). */
static int best_of(double *const *x, int n, int members)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (mean(x[i], members) > mean(x[best], members))
			best = i;
	return best;
}

static void print_model(const results *res, int m, int best_baseline, int boot)
{
	double plo, phi, nlo, nhi, dlo, dhi;
	mq_recs_bootstrap(res->p[m], res->p[POPULAR], (size_t)res->n, 1, boot, SEED, &plo, &phi);
	mq_recs_bootstrap(res->ndcg[m], res->ndcg[POPULAR], (size_t)res->n, 1, boot, SEED, &nlo, &nhi);
	mq_recs_bootstrap(res->p[m], res->p[best_baseline], (size_t)res->n, 0, boot, SEED, &dlo, &dhi);
	double pop_p = mean(res->p[POPULAR], res->n), pop_n = mean(res->ndcg[POPULAR], res->n);
	double p = mean(res->p[m], res->n), nd = mean(res->ndcg[m], res->n);
	printf("model=%s precision@10=%.4f recall@10=%.4f ndcg@10=%.4f p/popular=%.2f[%.2f,%.2f] "
	       "ndcg/popular=%.2f[%.2f,%.2f] p-best=%+.4f[%+.4f,%+.4f] seconds=%.2f\n",
	       model_names[m], p, mean(res->r[m], res->n), nd, pop_p > 0 ? p / pop_p : 0, plo, phi,
	       pop_n > 0 ? nd / pop_n : 0, nlo, nhi, p - mean(res->p[best_baseline], res->n), dlo, dhi,
	       res->seconds[m]);
}

static int skip_after_test_cut(const mq_recs_rating *r, void *arg)
{
	const long long *cut = arg;
	return r->at >= cut[r->user];
}

int main(int argc, char **argv)
{
	long long groups = 8, boot = 1000;
	int a = 1;
	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		long long *v = !strcmp(argv[a], "--groups") ? &groups : !strcmp(argv[a], "--boot") ? &boot : NULL;
		if (!v || mq_parse_int(argv[a + 1], 1, 100000, v)) {
			fprintf(stderr, "marquee-eval-recs: bad option %s (see --help)\n", argv[a]);
			return 2;
		}
	}
	if (a != argc - 1 || !strcmp(argv[a], "--help")) {
		int help = a == argc - 1;
		fprintf(help ? stdout : stderr,
			"usage: marquee-eval-recs [--groups N] [--boot N] DIR\n"
			"Measures the recommender on a MovieLens-style data set (DIR/ratings.csv, DIR/movies.csv):\n"
			"per member the most recent 20%% of their ratings >= 4 held out (test), the same again before\n"
			"that (validation), models trained only on what came before a member's hold-out, settings\n"
			"chosen on validation; precision@10, recall@10 and NDCG@10 with bootstrap intervals for\n"
			"popular, item-knn, als, ease and the served path before and now.\n");
		return help ? 0 : 2;
	}
	char path[4096];
	data d = { 0 };
	snprintf(path, sizeof path, "%s/ratings.csv", argv[a]);
	errno = 0;
	if (read_ratings(path, &d) || d.n == 0) {
		fprintf(stderr, "marquee-eval-recs: cannot read %s: %s\n", path,
			d.n == 0 && errno == 0 ? "no ratings" : mq_strerror(errno).s);
		return 2;
	}
	snprintf(path, sizeof path, "%s/movies.csv", argv[a]);
	if (read_movies(path, &d)) {
		fprintf(stderr, "marquee-eval-recs: cannot read %s: %s\n", path, mq_strerror(errno).s);
		return 2;
	}
	unsigned char *held_test = mq_xcalloc(d.n, 1), *held_val = mq_xcalloc(d.n, 1);
	long long *cut_test = mq_xcalloc((size_t)d.n_users, sizeof *cut_test);
	long long *cut_val = mq_xcalloc((size_t)d.n_users, sizeof *cut_val);
	mq_recs_holdout(d.r, d.n, d.n_users, 0.2, LIKED, NULL, NULL, held_test, cut_test);
	mq_recs_holdout(d.r, d.n, d.n_users, 0.2, LIKED, skip_after_test_cut, cut_test, held_val, cut_val);
	fprintf(stderr, "marquee-eval-recs: %zu ratings, %d users, %d movies, %d genres; %lld groups, %lld resamples\n",
		d.n, d.n_users, d.n_movies, d.n_genres, groups, boot);

	/* validation: every setting; each model's best precision@10 */
	results val = { 0 };
	choice all = { 1, 0, 0, 0, 0 };
	run_phase(&d, held_val, cut_val, (int)groups, &all, &val);
	choice chosen = { 0, best_of(val.ease_p, N_LAMBDAS, val.n), best_of(val.als_p, N_ALPHAS, val.n), 0, 0 };
	for (int l = 0; l < N_LAMBDAS; l++) {
		int c = best_of(val.serve_p[l], N_SERVE, val.n);
		if (mean(val.serve_p[l][c], val.n) > mean(val.serve_p[chosen.serve_lambda][chosen.serve], val.n)) {
			chosen.serve_lambda = l;
			chosen.serve = c;
		}
	}
	serve_config sc = serve_config_at(chosen.serve);
	printf("validation: %d members; ease lambda=%g; als alpha=%g (f=%d, lambda=%g, %d rounds); served: lambda=%g, "
	       "%s, recency %s, blend %g/%g/%g\n",
	       val.n, ease_lambdas[chosen.lambda], als_alphas[chosen.alpha], ALS_FACTORS, ALS_LAMBDA, ALS_ITERS,
	       ease_lambdas[chosen.serve_lambda], weighting_names[sc.weighting], sc.recency ? "on" : "off",
	       sc.blend.neighbours, sc.blend.content, sc.blend.quality);
	/* the site's constants (recommend.h) against what validation chose */
	int site_lambda = 0, site = 0;
	while (site_lambda < N_LAMBDAS - 1 && ease_lambdas[site_lambda] != MQ_RECOMMEND_LAMBDA)
		site_lambda++;
	while (site < N_SERVE - 1 &&
	       !(serve_config_at(site).weighting == MQ_RECOMMEND_WEIGHTING && serve_config_at(site).recency == MQ_RECOMMEND_RECENCY &&
		 serve_config_at(site).blend.content == mq_recommend_weights.content &&
		 serve_config_at(site).blend.quality == mq_recommend_weights.quality))
		site++;
	printf("validation: served P@10 %.4f as chosen; the site's settings (recommend.h) %s\n",
	       mean(val.serve_p[chosen.serve_lambda][chosen.serve], val.n),
	       site_lambda == chosen.serve_lambda && site == chosen.serve ? "are the same" : "DIFFER: update recommend.h");
	static const int fixed[] = { POPULAR, POPULAR_LIKED, KNN, BEFORE }; /* the models without settings */
	for (int f = 0; f < 4; f++)
		fprintf(stderr, "  validation %-12s P@10 %.4f\n", model_names[fixed[f]], mean(val.p[fixed[f]], val.n));
	for (int l = 0; l < N_LAMBDAS; l++) {
		fprintf(stderr, "  validation ease lambda %-5g: P@10 %.4f\n", ease_lambdas[l], mean(val.ease_p[l], val.n));
		for (int c = 0; c < N_SERVE; c++) {
			serve_config x = serve_config_at(c);
			fprintf(stderr, "    served %-15s recency %-3s blend %.1f/%.1f/%.1f: P@10 %.4f\n",
				weighting_names[x.weighting], x.recency ? "on" : "off", x.blend.neighbours, x.blend.content,
				x.blend.quality, mean(val.serve_p[l][c], val.n));
		}
	}
	for (int x = 0; x < N_ALPHAS; x++)
		fprintf(stderr, "  validation als alpha %-3g: P@10 %.4f\n", als_alphas[x], mean(val.als_p[x], val.n));

	/* test: once, with the chosen settings */
	results test = { 0 };
	run_phase(&d, held_test, cut_test, (int)groups, &chosen, &test);
	double *baselines[] = { test.p[KNN], test.p[ALS], test.p[EASE] };
	int best = KNN + best_of(baselines, 3, test.n);
	printf("test: %d members; best baseline %s\n", test.n, model_names[best]);
	for (int m = 0; m < N_MODELS; m++)
		print_model(&test, m, best, (int)boot);

	results_free(&test);
	results_free(&val);
	free(cut_val);
	free(cut_test);
	free(held_val);
	free(held_test);
	for (int g = 0; g < d.n_genres; g++)
		free(d.genre_names[g]);
	free(d.genres);
	free(d.r);
	free(d.user_map);
	free(d.movie_map);
	return 0;
}
