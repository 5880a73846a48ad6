/* recommend_store.h — what the recommender's training (recommend_train.c) and serving
 * (recommend.c) share about the database: ObjectIds mapped to dense indexes, what scoring needs
 * of a movie, and the form of the stored lists. Internal to lib/domain/recommend*.c. */
#ifndef MQ_RECOMMEND_STORE_H
#define MQ_RECOMMEND_STORE_H

#include <bson/bson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


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


/* The stored lists — a movie's neighbours (movie_neighbours.n) and the popular movies
 * (rec_popular.m) — are one BSON binary value (subtype 0) each: MQ_REC_ENTRY_SIZE bytes per
 * entry, little-endian whatever the host:
 *    0..11  the movie's ObjectId
 *   12..15  its weight (IEEE 754 float32; 0 in the popular lists)
 *   16..19  its quality (float32, 0..1)
 *   20      how many genre ids follow (0..META_GENRES)
 *   21..36  META_GENRES genre ids (int32; those past the count are 0)
 * rather than an array of {m, s, g, q} sub-documents: a member's list reads 100 neighbour lists
 * of 200 entries, and as bytes they are a fifth of the size to send and a plain copy to read,
 * where sub-documents cost a key comparison per field (most of serving's CPU), and FerretDB
 * decodes one value per list instead of a thousand. Only movies that may be recommended are in
 * a list. A document says its lists are in this form with MQ_REC_FORMAT_FIELD = MQ_REC_FORMAT;
 * lists of any other form (an older version's) are not read: the next training run rewrites
 * them. */
#define MQ_REC_ENTRY_SIZE 37
#define MQ_REC_FORMAT_FIELD "f"
#define MQ_REC_FORMAT 2

/* Writes movie's entry (weight, and its meta's quality and first META_GENRES genres; genre ids
 * outside int32 are left out) into out. */
void mq_rec_entry_pack(uint8_t out[MQ_REC_ENTRY_SIZE], const bson_oid_t *movie, float weight, const movie_meta *meta);
/* Reads the entry at in: the movie, its weight and its meta (usable: every listed movie is). */
void mq_rec_entry_unpack(const uint8_t in[MQ_REC_ENTRY_SIZE], bson_oid_t *movie, float *weight, movie_meta *meta);
/* Whether doc's lists are in this form (MQ_REC_FORMAT). */
bool mq_rec_format_current(const bson_t *doc);
/* The entries of doc's list field: *entries points into doc, *n of them. False (*n = 0) when doc
 * is not in MQ_REC_FORMAT or field is not a list of whole entries. */
bool mq_rec_list(const bson_t *doc, const char *field, const uint8_t **entries, size_t *n);

/* The projection of the movie fields mq_rec_meta_from_movie reads (caller destroys). */
bson_t *mq_rec_meta_projection(void);
/* A movie document's meta. */
void mq_rec_meta_from_movie(const bson_t *doc, movie_meta *m);

#endif
