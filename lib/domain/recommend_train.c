/* recommend_train.c — marquee-sync neighbours: the recommender's stored lists learnt from every
 * member's lists (see recommend.h, mq_recommend_train). The one part of the recommender that fits
 * a model with LAPACK (core/recs_models.h), apart from recommend.c so that the workers, which only
 * serve, do not link it. */
#include "domain/recommend.h"
#include "domain/recommend_store.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/recs_models.h"

#include <stdlib.h>
#include <string.h>

typedef struct event_list {
	mq_recs_event *e;
	size_t n, cap;
} event_list;

static void event_add(event_list *l, int user, int item, float weight)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->e = mq_xrealloc(l->e, l->cap * sizeof *l->e);
	}
	l->e[l->n++] = (mq_recs_event){ user, item, weight };
}

/* Every document of collection (filter), as events: who (user_id) did what to which movie. With
 * rating set, only documents whose rating is at least min_rating are events, and every
 * document's movie goes into *rated as well. */
static mq_err read_events(mongoc_database_t *database, const char *collection, const bson_t *filter,
			  oid_map *users, oid_map *movies, event_list *out, const char *rating, double min_rating,
			  oid_map *rated)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t *opts = bson_new(), projection;
	BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &projection);
	BSON_APPEND_INT32(&projection, "user_id", 1);
	BSON_APPEND_INT32(&projection, "movie_id", 1);
	if (rating)
		BSON_APPEND_INT32(&projection, rating, 1);
	bson_append_document_end(opts, &projection);
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t u, m, r;
		if (!bson_iter_init_find(&u, doc, "user_id") || !BSON_ITER_HOLDS_OID(&u) ||
		    !bson_iter_init_find(&m, doc, "movie_id") || !BSON_ITER_HOLDS_OID(&m))
			continue;
		if (rating) {
			mq_rec_map_index(rated, bson_iter_oid(&m), 1);
			if (!bson_iter_init_find(&r, doc, rating) || !BSON_ITER_HOLDS_NUMBER(&r) ||
			    bson_iter_as_double(&r) < min_rating)
				continue;
		}
		event_add(out, mq_rec_map_index(users, bson_iter_oid(&u), 1), mq_rec_map_index(movies, bson_iter_oid(&m), 1), 1);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, collection) : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	return rc;
}


/* A list of entries, packed (recommend_store.h) as they are added. */
typedef struct packed_list {
	uint8_t *bytes;
	size_t n, cap;
} packed_list;

static void list_add(packed_list *l, const bson_oid_t *movie, float weight, const movie_meta *meta)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->bytes = mq_xrealloc(l->bytes, l->cap * MQ_REC_ENTRY_SIZE);
	}
	mq_rec_entry_pack(l->bytes + l->n++ * MQ_REC_ENTRY_SIZE, movie, weight, meta);
}

/* Appends the list as field (binary, with the format's marker). */
static void append_list(bson_t *doc, const char *field, const packed_list *l)
{
	BSON_APPEND_INT32(doc, MQ_REC_FORMAT_FIELD, MQ_REC_FORMAT);
	BSON_APPEND_BINARY(doc, field, BSON_SUBTYPE_BINARY, l->bytes ? l->bytes : (const uint8_t *)"",
			   (uint32_t)(l->n * MQ_REC_ENTRY_SIZE));
}


/* Every movie's meta: ids maps each movie to its index in *meta. */
static mq_err read_catalogue(mongoc_database_t *database, oid_map *ids, movie_meta **meta)
{
	bson_error_t error;
	const bson_t *doc;
	size_t cap = 0;
	bson_t all = BSON_INITIALIZER;
	bson_t *opts = mq_rec_meta_projection();
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		size_t i = (size_t)mq_rec_map_index(ids, bson_iter_oid(&it), 1);
		if (i >= cap) {
			cap = cap ? cap * 2 : 1024;
			*meta = mq_xrealloc(*meta, cap * sizeof **meta);
		}
		mq_rec_meta_from_movie(doc, &(*meta)[i]);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "movies") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(opts);
	bson_destroy(&all);
	return rc;
}

static int by_popularity(const void *a, const void *b, void *meta)
{
	const movie_meta *m = meta;
	double x = m[*(const int *)a].popularity, y = m[*(const int *)b].popularity;
	return (x < y) - (x > y);
}

/* Deletes the documents of coll a training run did not write (stamped "at" before it started). */
static mq_err delete_stale(mongoc_collection_t *coll, int64_t started, const char *what)
{
	bson_error_t error;
	bson_t *stale = BCON_NEW("at", "{", "$lt", BCON_DATE_TIME(started), "}");
	mq_err rc = mongoc_collection_delete_many(coll, stale, NULL, NULL, &error) ? MQ_OK : mq_db_error(&error, what);
	bson_destroy(stale);
	return rc;
}

/* rec_popular: {_id: "all", m: [entries]} with the POPULAR_ALL most popular movies that may be
 * recommended, and {_id: "g<genre id>", m} with the POPULAR_GENRE most popular of each genre;
 * lists of genres no movie has any more are removed. */
static mq_err store_popular(mongoc_database_t *database, const oid_map *ids, const movie_meta *meta, int64_t started)
{
	int *order = mq_xcalloc(ids->n + 1, sizeof *order);
	size_t k = 0;
	long long genres[64];
	int n_genres = 0;
	for (size_t i = 0; i < ids->n; i++) {
		if (!meta[i].usable)
			continue;
		order[k++] = (int)i;
		for (int g = 0; g < meta[i].n_genres; g++) {
			int seen = 0;
			while (seen < n_genres && genres[seen] != meta[i].genre[g])
				seen++;
			if (seen == n_genres && n_genres < 64)
				genres[n_genres++] = meta[i].genre[g];
		}
	}
	qsort_r(order, k, sizeof *order, by_popularity, (void *)meta);
	bson_error_t error;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_popular");
	for (int list = -1; list < n_genres && rc == MQ_OK; list++) {
		char id[32];
		size_t max = list < 0 ? POPULAR_ALL : POPULAR_GENRE, n = 0;
		if (list < 0)
			snprintf(id, sizeof id, "all");
		else
			snprintf(id, sizeof id, "g%lld", genres[list]);
		bson_t doc = BSON_INITIALIZER;
		packed_list entries = { 0 };
		BSON_APPEND_UTF8(&doc, "_id", id);
		for (size_t i = 0; i < k && n < max; i++) {
			const movie_meta *m = &meta[order[i]];
			int has = list < 0;
			for (int g = 0; g < m->n_genres && !has; g++)
				has = m->genre[g] == genres[list];
			if (has) {
				list_add(&entries, &ids->by_index[order[i]], 0, m);
				n++;
			}
		}
		append_list(&doc, "m", &entries);
		free(entries.bytes);
		BSON_APPEND_DATE_TIME(&doc, "at", started);
		bson_t *selector = BCON_NEW("_id", BCON_UTF8(id));
		bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
		if (!mongoc_collection_replace_one(coll, selector, &doc, opts, NULL, &error))
			rc = mq_db_error(&error, "rec_popular");
		bson_destroy(opts);
		bson_destroy(selector);
		bson_destroy(&doc);
	}
	if (rc == MQ_OK)
		rc = delete_stale(coll, started, "rec_popular");
	mongoc_collection_destroy(coll);
	free(order);
	return rc;
}

mq_recs_model *mq_recommend_learn(const mq_recs_event *events, size_t n, int n_users, int n_items)
{
	mq_recs_ease *ease = mq_recs_ease_fit(events, n, n_users, n_items, MQ_RECOMMEND_DENSE, MQ_RECOMMEND_LAMBDA);
	if (!ease) { /* LAPACK could not factorise: cosine neighbours, which need no algebra */
		mq_log(MQ_LOG_WARN, "recommend", "EASE failed; cosine neighbours stored instead");
		return mq_recs_train(events, n, n_users, n_items, MQ_RECOMMEND_NEIGHBOURS, MQ_RECOMMEND_SHRINK);
	}
	mq_recs_model *m = mq_recs_ease_lists(ease, events, n, n_users, n_items, MQ_RECOMMEND_NEIGHBOURS,
					      MQ_RECOMMEND_SHRINK);
	mq_recs_ease_free(ease);
	return m;
}

/* movie_neighbours: {_id: movie, f: MQ_REC_FORMAT, g: [the movie's genre ids], n: its list, members,
 * at} for every catalogue movie a member has a signal for (a rating of any value too): serving
 * reads a member's movies' genres from here, not from the catalogue. */
static mq_err store_neighbours(mongoc_database_t *database, const mq_recs_model *model, oid_map *movies,
			       oid_map *rated, oid_map *catalogue, const movie_meta *meta, int64_t started, long *n_movies)
{
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movie_neighbours");
	mq_db_bulk bulk = MQ_DB_BULK(coll, "movie_neighbours");
	packed_list list = { 0 };
	/* the movies with events (the model's items), then those only rated lower */
	for (size_t k = 0; k < movies->n + rated->n && bulk.rc == MQ_OK; k++) {
		const bson_oid_t *movie = k < movies->n ? &movies->by_index[k] : &rated->by_index[k - movies->n];
		int i = mq_rec_map_index(movies, movie, 0), c = mq_rec_map_index(catalogue, movie, 0);
		if ((k >= movies->n && i >= 0) || c < 0) /* already stored; gone from the catalogue */
			continue;
		list.n = 0;
		const mq_recs_neighbour *nb = i >= 0 ? model->neighbours + (size_t)i * (size_t)model->k : NULL;
		for (int b = 0; i >= 0 && b < model->count[i]; b++) {
			const bson_oid_t *m = &movies->by_index[nb[b].item];
			int e = mq_rec_map_index(catalogue, m, 0);
			if (e >= 0 && meta[e].usable) /* rated once, since hidden or gone: not a candidate */
				list_add(&list, m, nb[b].sim, &meta[e]);
		}
		bson_t doc = BSON_INITIALIZER, genres;
		BSON_APPEND_OID(&doc, "_id", movie);
		BSON_APPEND_ARRAY_BEGIN(&doc, "g", &genres);
		for (int g = 0; g < meta[c].n_genres; g++) {
			char key[16];
			snprintf(key, sizeof key, "%d", g);
			BSON_APPEND_INT64(&genres, key, meta[c].genre[g]);
		}
		bson_append_array_end(&doc, &genres);
		append_list(&doc, "n", &list);
		BSON_APPEND_INT32(&doc, "members", i >= 0 ? model->popularity[i] : 0);
		BSON_APPEND_DATE_TIME(&doc, "at", started);
		bson_t *selector = BCON_NEW("_id", BCON_OID(movie));
		mq_db_bulk_replace(&bulk, selector, &doc, 1);
		bson_destroy(selector);
		bson_destroy(&doc);
		if (list.n)
			(*n_movies)++;
	}
	mq_err rc = mq_db_bulk_send(&bulk);
	if (rc == MQ_OK) /* movies no member has a signal for any more, or gone from the catalogue */
		rc = delete_stale(coll, started, "movie_neighbours");
	mongoc_collection_destroy(coll);
	free(list.bytes);
	return rc;
}

mq_err mq_recommend_train(mq_db *db, long *n_movies, long *n_events)
{
	*n_movies = *n_events = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	oid_map users = { 0 }, movies = { 0 }, rated = { 0 };
	event_list ev = { 0 };
	bson_t all = BSON_INITIALIZER;
	bson_t *positive = BCON_NEW("type", "{", "$in", "[", BCON_UTF8("liked"), BCON_UTF8("watched"),
				    BCON_UTF8("bookmarked"), "]", "}");
	/* what members liked, the positive signals only (validation: training on them is better); the
	 * movies rated lower still get a document, for their genres */
	mq_err rc = read_events(database, "ratings", &all, &users, &movies, &ev, "rating", MQ_RECOMMEND_LIKED, &rated);
	if (rc == MQ_OK)
		rc = read_events(database, "interactions", positive, &users, &movies, &ev, NULL, 0, NULL);
	if (rc == MQ_OK)
		rc = read_events(database, "watchlist", &all, &users, &movies, &ev, NULL, 0, NULL);
	if (rc == MQ_OK)
		rc = read_events(database, "favorites", &all, &users, &movies, &ev, NULL, 0, NULL);
	bson_destroy(positive);
	bson_destroy(&all);
	mq_recs_model *model = NULL;
	if (rc == MQ_OK)
		model = mq_recommend_learn(ev.e, ev.n, (int)users.n, (int)movies.n);
	int64_t started = mq_clock_ms();
	oid_map catalogue = { 0 };
	movie_meta *meta = NULL;
	if (rc == MQ_OK)
		rc = read_catalogue(database, &catalogue, &meta);
	if (rc == MQ_OK)
		rc = store_popular(database, &catalogue, meta, started);
	if (model && rc == MQ_OK)
		rc = store_neighbours(database, model, &movies, &rated, &catalogue, meta, started, n_movies);
	*n_events = (long)ev.n;
	free(meta);
	mq_rec_map_free(&catalogue);
	mq_recs_model_free(model);
	free(ev.e);
	mq_rec_map_free(&users);
	mq_rec_map_free(&movies);
	mq_rec_map_free(&rated);
	mq_db_release(db, client, database);
	return rc;
}
