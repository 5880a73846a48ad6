/* eval-recs.c — marquee-eval-recs: the recommender measured offline on MovieLens.
 *
 *   marquee-eval-recs DIR     DIR holds ratings.csv (userId,movieId,rating,timestamp) and
 *                             movies.csv (movieId,title,genres) — ml-latest-small's layout
 *
 * Per user, the most recent 20 % of their ratings of 4 or more are held out as the test set; the
 * rest is what the models learn from. Each model recommends 10 movies per user, none the user
 * rated in training; the tool prints one line per model:
 *   model=<name> precision@10=<x> recall@10=<x> ndcg@10=<x> seconds=<x>
 * popular is the most-rated baseline; item-knn is the neighbours alone; recommender is the blend
 * the site serves (lib/core/recs.c with the weights of lib/domain/recommend.c). Exit status 2 for bad
 * arguments or unreadable files. */
#include "core/log.h"
#include "core/mem.h"
#include "core/recs.h"
#include "domain/recommend.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP 10
#define MAX_GENRES 24

typedef struct rating {
	int user, movie;   /* dense indexes */
	float value;
	long long at;
} rating;

typedef struct data {
	rating *r;
	size_t n, cap;
	int n_users, n_movies;
	int *user_ids, *movie_ids;   /* dense index → the file's id */
	size_t users_cap, movies_cap;
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

/* Dense index of an id, growing the table; ids in the files are small positive integers. */
static int dense(int **map, size_t *cap, int *count, int **back, size_t *back_cap, int id)
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
	if ((*map)[id] < 0) {
		if ((size_t)*count >= *back_cap) {
			*back_cap = *back_cap ? *back_cap * 2 : 1024;
			*back = mq_xrealloc(*back, *back_cap * sizeof **back);
		}
		(*back)[*count] = id;
		(*map)[id] = (*count)++;
	}
	return (*map)[id];
}

static int *user_map, *movie_map;
static size_t user_map_cap, movie_map_cap;

static int read_ratings(const char *path, data *d)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	int first = 1;
	while (fgets(line, sizeof line, f)) {
		if (first) { /* the header */
			first = 0;
			if (!strncmp(line, "userId", 6))
				continue;
		}
		int uid, mid;
		float value;
		long long at;
		if (sscanf(line, "%d,%d,%f,%lld", &uid, &mid, &value, &at) != 4)
			continue;
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 65536;
			d->r = mq_xrealloc(d->r, d->cap * sizeof *d->r);
		}
		rating *r = &d->r[d->n++];
		r->user = dense(&user_map, &user_map_cap, &d->n_users, &d->user_ids, &d->users_cap, uid);
		r->movie = dense(&movie_map, &movie_map_cap, &d->n_movies, &d->movie_ids, &d->movies_cap, mid);
		r->value = value;
		r->at = at;
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
		int mid = atoi(line);
		if (mid <= 0 || (size_t)mid >= movie_map_cap || movie_map[mid] < 0)
			continue;
		char *g = strrchr(line, ',');
		if (!g)
			continue;
		g[strcspn(g, "\r\n")] = '\0';
		char *save = NULL;
		for (char *name = strtok_r(g + 1, "|", &save); name; name = strtok_r(NULL, "|", &save)) {
			int k = 0;
			while (k < d->n_genres && strcmp(d->genre_names[k], name))
				k++;
			if (k == d->n_genres && d->n_genres < MAX_GENRES)
				d->genre_names[d->n_genres++] = strdup(name);
			if (k < d->n_genres)
				d->genres[movie_map[mid]] |= 1u << k;
		}
	}
	fclose(f);
	return 0;
}

static int by_user_then_time(const void *a, const void *b)
{
	const rating *x = a, *y = b;
	if (x->user != y->user)
		return (x->user > y->user) - (x->user < y->user);
	return (x->at > y->at) - (x->at < y->at);
}

typedef struct split {
	unsigned char *test;   /* per rating: held out */
	size_t *start;         /* per user: their ratings start[u]..start[u+1] (sorted by time) */
} split;

static void make_split(data *d, split *s)
{
	qsort(d->r, d->n, sizeof *d->r, by_user_then_time);
	s->test = mq_xcalloc(d->n ? d->n : 1, 1);
	s->start = mq_xcalloc((size_t)d->n_users + 1, sizeof *s->start);
	for (size_t i = 0; i < d->n; i++)
		s->start[d->r[i].user + 1]++;
	for (int u = 0; u < d->n_users; u++)
		s->start[u + 1] += s->start[u];
	for (int u = 0; u < d->n_users; u++) {
		size_t liked = 0;
		for (size_t i = s->start[u]; i < s->start[u + 1]; i++)
			liked += d->r[i].value >= 4;
		size_t hold = (size_t)floor((double)liked * 0.2 + 0.5);
		if (liked > 0 && hold == 0)
			hold = 1;
		/* the most recent liked ones, walking back from the end */
		for (size_t i = s->start[u + 1]; i > s->start[u] && hold > 0; i--) {
			if (d->r[i - 1].value >= 4) {
				s->test[i - 1] = 1;
				hold--;
			}
		}
	}
}

typedef struct metrics {
	double precision, recall, ndcg;
	int users;
} metrics;

static void add_user(metrics *m, const int *recs, size_t n, const unsigned char *relevant, int n_relevant)
{
	if (n_relevant == 0)
		return;
	int hits = 0;
	double dcg = 0, idcg = 0;
	for (size_t i = 0; i < n; i++)
		if (relevant[recs[i]]) {
			hits++;
			dcg += 1.0 / log2((double)i + 2);
		}
	for (int i = 0; i < n_relevant && i < TOP; i++)
		idcg += 1.0 / log2((double)i + 2);
	m->precision += (double)hits / TOP;
	m->recall += (double)hits / n_relevant;
	m->ndcg += idcg > 0 ? dcg / idcg : 0;
	m->users++;
}

static void print(const char *name, const metrics *m, double seconds)
{
	int n = m->users ? m->users : 1;
	printf("model=%s precision@10=%.4f recall@10=%.4f ndcg@10=%.4f seconds=%.2f\n", name, m->precision / n,
	       m->recall / n, m->ndcg / n, seconds);
}

int main(int argc, char **argv)
{
	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fprintf(argc == 2 ? stdout : stderr,
			"usage: marquee-eval-recs DIR\n"
			"Measures the recommender on a MovieLens-style data set (DIR/ratings.csv, DIR/movies.csv):\n"
			"the most recent 20%% of each user's ratings >= 4 held out, precision@10, recall@10 and\n"
			"NDCG@10 of the most-popular baseline and of the recommender.\n");
		return argc == 2 ? 0 : 2;
	}
	char path[4096];
	data d = { 0 };
	snprintf(path, sizeof path, "%s/ratings.csv", argv[1]);
	if (read_ratings(path, &d) || d.n == 0) {
		fprintf(stderr, "marquee-eval-recs: cannot read %s: %s\n", path, d.n ? "" : errno ? mq_strerror(errno).s : "no ratings");
		return 2;
	}
	snprintf(path, sizeof path, "%s/movies.csv", argv[1]);
	if (read_movies(path, &d)) {
		fprintf(stderr, "marquee-eval-recs: cannot read %s: %s\n", path, mq_strerror(errno).s);
		return 2;
	}
	split s;
	make_split(&d, &s);
	int nm = d.n_movies;
	fprintf(stderr, "marquee-eval-recs: %zu ratings, %d users, %d movies, %d genres\n", d.n, d.n_users, nm,
		d.n_genres);

	unsigned char *relevant = mq_xcalloc((size_t)nm, 1);
	unsigned char *seen = mq_xcalloc((size_t)nm, 1);
	float *scores = mq_xcalloc((size_t)nm, sizeof *scores);
	int recs[TOP];

	/* popular: most training ratings */
	double t0 = now_seconds();
	float *pop = mq_xcalloc((size_t)nm, sizeof *pop);
	for (size_t i = 0; i < d.n; i++)
		if (!s.test[i])
			pop[d.r[i].movie] += 1;
	metrics popular = { 0 };
	for (int u = 0; u < d.n_users; u++) {
		int n_rel = 0;
		for (size_t i = s.start[u]; i < s.start[u + 1]; i++) {
			if (s.test[i])
				relevant[d.r[i].movie] = 1, n_rel++;
			else
				seen[d.r[i].movie] = 1;
		}
		for (int m = 0; m < nm; m++)
			scores[m] = seen[m] ? -INFINITY : pop[m];
		size_t k = mq_recs_top(scores, nm, NULL, 0, recs, TOP);
		add_user(&popular, recs, k, relevant, n_rel);
		for (size_t i = s.start[u]; i < s.start[u + 1]; i++)
			relevant[d.r[i].movie] = seen[d.r[i].movie] = 0;
	}
	print("popular", &popular, now_seconds() - t0);

	/* the neighbours, trained on what every user rated in training */
	t0 = now_seconds();
	mq_recs_event *ev = mq_xcalloc(d.n, sizeof *ev);
	size_t ne = 0;
	for (size_t i = 0; i < d.n; i++)
		if (!s.test[i])
			ev[ne++] = (mq_recs_event){ d.r[i].user, d.r[i].movie, 1 };
	mq_recs_model *model = mq_recs_train(ev, ne, d.n_users, nm, MQ_RECOMMEND_NEIGHBOURS, MQ_RECOMMEND_SHRINK);
	double train_seconds = now_seconds() - t0;

	/* per-movie quality prior and main genre, as the site has them */
	float *quality = mq_xcalloc((size_t)nm, sizeof *quality);
	int *group = mq_xcalloc((size_t)nm, sizeof *group);
	{
		double *sum = mq_xcalloc((size_t)nm, sizeof *sum), all = 0;
		size_t votes = 0;
		for (size_t i = 0; i < d.n; i++)
			if (!s.test[i]) {
				sum[d.r[i].movie] += d.r[i].value;
				all += d.r[i].value;
				votes++;
			}
		double all_mean = votes ? all / (double)votes : 0;
		for (int m = 0; m < nm; m++) {
			double v = pop[m];
			quality[m] = mq_recommend_quality(v > 0 ? sum[m] / v : 0, v, all_mean, 5.0);
			group[m] = -1;
			for (int g = 0; g < d.n_genres; g++)
				if (d.genres[m] & (1u << g)) {
					group[m] = g;
					break;
				}
		}
		free(sum);
	}

	metrics knn = { 0 }, blend = { 0 };
	double knn_seconds = train_seconds, blend_seconds = train_seconds;
	int *items = mq_xcalloc((size_t)nm, sizeof *items);
	float *weights = mq_xcalloc((size_t)nm, sizeof *weights);
	float *content = mq_xcalloc((size_t)nm, sizeof *content);
	for (int u = 0; u < d.n_users; u++) {
		int n_rel = 0;
		size_t n_items = 0;
		double genre_weight[MAX_GENRES] = { 0 }, genre_total = 0;
		long long last = 0; /* "now" for this user: their latest rating in training */
		for (size_t i = s.start[u]; i < s.start[u + 1]; i++)
			if (!s.test[i] && d.r[i].at > last)
				last = d.r[i].at;
		for (size_t i = s.start[u]; i < s.start[u + 1]; i++) {
			const rating *r = &d.r[i];
			if (s.test[i]) {
				relevant[r->movie] = 1;
				n_rel++;
				continue;
			}
			items[n_items] = r->movie;
			weights[n_items++] = mq_recommend_rating_weight(r->value, 5.0) *
					     mq_recommend_recency((double)(last - r->at) / 86400.0);
			if (r->value >= 4)
				for (int g = 0; g < d.n_genres; g++)
					if (d.genres[r->movie] & (1u << g))
						genre_weight[g] += 1, genre_total += 1;
		}
		double t1 = now_seconds();
		mq_recs_score(model, items, weights, n_items, NULL, NULL, NULL,
			      (mq_recs_weights){ 1, 0, 0 }, scores, NULL);
		size_t k = mq_recs_top(scores, nm, NULL, 0, recs, TOP);
		knn_seconds += now_seconds() - t1;
		add_user(&knn, recs, k, relevant, n_rel);

		t1 = now_seconds();
		for (int m = 0; m < nm; m++) {
			double c = 0;
			for (int g = 0; genre_total > 0 && g < d.n_genres; g++)
				if (d.genres[m] & (1u << g))
					c += genre_weight[g] / genre_total;
			content[m] = (float)(c > 1 ? 1 : c);
		}
		mq_recs_score(model, items, weights, n_items, content, quality, NULL, mq_recommend_weights, scores, NULL);
		k = mq_recs_top(scores, nm, group, MQ_RECOMMEND_MAX_RUN, recs, TOP);
		blend_seconds += now_seconds() - t1;
		add_user(&blend, recs, k, relevant, n_rel);
		for (size_t i = s.start[u]; i < s.start[u + 1]; i++)
			relevant[d.r[i].movie] = 0;
	}
	print("item-knn", &knn, knn_seconds);
	print("recommender", &blend, blend_seconds);

	mq_recs_model_free(model);
	free(items);
	free(weights);
	free(content);
	free(quality);
	free(group);
	free(ev);
	free(pop);
	free(scores);
	free(seen);
	free(relevant);
	free(s.test);
	free(s.start);
	for (int g = 0; g < d.n_genres; g++)
		free(d.genre_names[g]);
	free(d.genres);
	free(d.r);
	free(d.user_ids);
	free(d.movie_ids);
	free(user_map);
	free(movie_map);
	return 0;
}
