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


static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_float(uint8_t *p, float f)
{
	uint32_t v;
	memcpy(&v, &f, sizeof v);
	put_u32(p, v);
}

static float get_float(const uint8_t *p)
{
	uint32_t v = get_u32(p);
	float f;
	memcpy(&f, &v, sizeof f);
	return f;
}

void mq_rec_entry_pack(uint8_t out[MQ_REC_ENTRY_SIZE], const bson_oid_t *movie, float weight, const movie_meta *meta)
{
	memset(out, 0, MQ_REC_ENTRY_SIZE);
	memcpy(out, movie->bytes, 12);
	put_float(out + 12, weight);
	put_float(out + 16, meta->quality);
	int n = 0;
	for (int g = 0; g < meta->n_genres && g < META_GENRES; g++)
		if (meta->genre[g] >= 0 && meta->genre[g] <= INT32_MAX)
			put_u32(out + 21 + 4 * n++, (uint32_t)meta->genre[g]);
	out[20] = (uint8_t)n;
}

void mq_rec_entry_unpack(const uint8_t in[MQ_REC_ENTRY_SIZE], bson_oid_t *movie, float *weight, movie_meta *meta)
{
	memset(meta, 0, sizeof *meta);
	memcpy(movie->bytes, in, 12);
	*weight = get_float(in + 12);
	meta->quality = get_float(in + 16);
	meta->n_genres = in[20] < META_GENRES ? in[20] : META_GENRES;
	for (int g = 0; g < meta->n_genres; g++)
		meta->genre[g] = (long long)(int32_t)get_u32(in + 21 + 4 * g);
	meta->usable = true;
}

bool mq_rec_format_current(const bson_t *doc)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, MQ_REC_FORMAT_FIELD) && BSON_ITER_HOLDS_INT(&it) &&
	       bson_iter_as_int64(&it) == MQ_REC_FORMAT;
}

bool mq_rec_list(const bson_t *doc, const char *field, const uint8_t **entries, size_t *n)
{
	bson_iter_t it;
	bson_subtype_t subtype;
	uint32_t len = 0;
	*entries = NULL;
	*n = 0;
	if (!mq_rec_format_current(doc) || !bson_iter_init_find(&it, doc, field) || !BSON_ITER_HOLDS_BINARY(&it))
		return false;
	bson_iter_binary(&it, &subtype, &len, entries);
	if (subtype != BSON_SUBTYPE_BINARY || len % MQ_REC_ENTRY_SIZE) {
		*entries = NULL;
		return false;
	}
	*n = len / MQ_REC_ENTRY_SIZE;
	return true;
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

