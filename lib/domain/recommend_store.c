/* recommend_store.c — the ObjectId map and movie meta the recommender's training and serving
 * share (see recommend_store.h). */
#include "domain/recommend_store.h"
#include "core/mem.h"
#include "core/recs.h"

#include <string.h>

static uint64_t oid_hash(const bson_oid_t *o)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 12; i++)
		h = (h ^ o->bytes[i]) * 1099511628211ULL;
	return h;
}

static void map_grow(oid_map *m)
{
	oid_map bigger = { 0 };
	bigger.cap = m->cap ? m->cap * 2 : 1024;
	bigger.keys = mq_xcalloc(bigger.cap, sizeof *bigger.keys);
	bigger.values = mq_xcalloc(bigger.cap, sizeof *bigger.values);
	for (size_t i = 0; i < bigger.cap; i++)
		bigger.values[i] = -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->values[i] < 0)
			continue;
		size_t at = oid_hash(&m->keys[i]) & (bigger.cap - 1);
		while (bigger.values[at] >= 0)
			at = (at + 1) & (bigger.cap - 1);
		bigger.keys[at] = m->keys[i];
		bigger.values[at] = m->values[i];
	}
	free(m->keys);
	free(m->values);
	m->keys = bigger.keys;
	m->values = bigger.values;
	m->cap = bigger.cap;
}

int mq_rec_map_index(oid_map *m, const bson_oid_t *o, int add)
{
	if (m->cap == 0 || (m->n + 1) * 2 > m->cap) {
		if (!add && m->cap == 0)
			return -1;
		if (add)
			map_grow(m);
	}
	size_t at = oid_hash(o) & (m->cap - 1);
	while (m->values[at] >= 0) {
		if (bson_oid_equal(&m->keys[at], o))
			return m->values[at];
		at = (at + 1) & (m->cap - 1);
	}
	if (!add)
		return -1;
	if (m->n == m->index_cap) {
		m->index_cap = m->index_cap ? m->index_cap * 2 : 1024;
		m->by_index = mq_xrealloc(m->by_index, m->index_cap * sizeof *m->by_index);
	}
	m->keys[at] = *o;
	m->values[at] = (int)m->n;
	m->by_index[m->n] = *o;
	return (int)m->n++;
}

void mq_rec_map_free(oid_map *m)
{
	free(m->keys);
	free(m->values);
	free(m->by_index);
}


bson_t *mq_rec_meta_projection(void)
{
	return BCON_NEW("projection", "{", "genres", BCON_INT32(1), "vote_average", BCON_INT32(1), "vote_count",
			BCON_INT32(1), "popularity", BCON_INT32(1), "hidden", BCON_INT32(1), "tmdb_missing",
			BCON_INT32(1), "}");
}

static double number(const bson_t *doc, const char *field)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, field) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_double(&it) : 0;
}

static bool flag(const bson_t *doc, const char *field)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, field) && bson_iter_as_bool(&it);
}

void mq_rec_meta_from_movie(const bson_t *doc, movie_meta *m)
{
	bson_iter_t it, list, g;
	memset(m, 0, sizeof *m);
	if (bson_iter_init_find(&it, doc, "genres") && BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &list))
		while (m->n_genres < META_GENRES && bson_iter_next(&list))
			if (BSON_ITER_HOLDS_DOCUMENT(&list) && bson_iter_recurse(&list, &g) && bson_iter_find(&g, "id") &&
			    BSON_ITER_HOLDS_NUMBER(&g) && bson_iter_as_int64(&g) >= 0)
				m->genre[m->n_genres++] = bson_iter_as_int64(&g);
	/* TMDB's votes: out of 10, with about 1,000 votes counting as "enough" */
	m->quality = (float)(mq_recs_weighted_rating(number(doc, "vote_average"), number(doc, "vote_count"), 6.5, 1000) / 10);
	m->popularity = number(doc, "popularity");
	m->usable = !flag(doc, "hidden") && !flag(doc, "tmdb_missing");
}

