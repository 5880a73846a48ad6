/* recommend_store.h — what the recommender's training (recommend_train.c) and serving
 * (recommend.c) share about the database: ObjectIds mapped to dense indexes, and what scoring
 * needs of a movie. Internal to lib/domain/recommend*.c. */
#ifndef MQ_RECOMMEND_STORE_H
#define MQ_RECOMMEND_STORE_H

#include <bson/bson.h>
#include <stdbool.h>
#include <stddef.h>


/* ObjectIds to dense indexes: open addressing over the 12 bytes. Starts zeroed. */
typedef struct oid_map {
	bson_oid_t *keys;
	int *values;
	size_t cap, n;
	bson_oid_t *by_index;       /* index → ObjectId */
	size_t index_cap;
} oid_map;


/* The index of o, added when add is set (else -1 when absent). */
int mq_rec_map_index(oid_map *m, const bson_oid_t *o, int add);
void mq_rec_map_free(oid_map *m);

/* What scoring needs of a movie: its genres, its quality and whether it may be recommended. The
 * training run stores it with every neighbour and popular movie it writes, so that serving a
 * member's list scores without reading the catalogue. */
#define META_GENRES 4
typedef struct movie_meta {
	long long genre[META_GENRES];
	int n_genres;
	float quality;        /* the weighted rating, 0..1 */
	double popularity;
	bool usable;          /* neither hidden nor gone from TMDB */
} movie_meta;

#define POPULAR_ALL 200   /* the most popular movies kept for everyone */
#define POPULAR_GENRE 100 /* and per genre */


/* The projection of the movie fields mq_rec_meta_from_movie reads (caller destroys). */
bson_t *mq_rec_meta_projection(void);
/* A movie document's meta. */
void mq_rec_meta_from_movie(const bson_t *doc, movie_meta *m);

#endif
