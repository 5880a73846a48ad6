/* recommend.c — personalised recommendations (see recommend.h). */
#include "recommend.h"
#include "account.h"
#include "catalog.h"
#include "lists.h"
#include "log.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const mq_recs_weights mq_recommend_weights = { 1.0f, 0.2f, 0.8f };

float mq_recommend_rating_weight(double rating, double max)
{
	double x = rating / max;     /* 0..1 */
	return (float)((x - 0.5) * 2); /* 1 for the best, 0 in the middle, -1 for the worst */
}

float mq_recommend_quality(double mean, double votes, double all_mean, double max)
{
	double wr = mq_recs_weighted_rating(mean, votes, all_mean, 10);
	return max > 0 ? (float)(wr / max) : 0;
}

float mq_recommend_recency(double age_days)
{
	if (age_days < 0)
		age_days = 0;
	return (float)(MQ_RECOMMEND_OLD_TASTE + (1 - MQ_RECOMMEND_OLD_TASTE) * exp(-age_days / MQ_RECOMMEND_TASTE_DAYS));
}

/* ---- the database side -------------------------------------------------------------------- */

/* ObjectIds to dense indexes: open addressing over the 12 bytes. */
typedef struct oid_map {
	bson_oid_t *keys;
	int *values;
	size_t cap, n;
	bson_oid_t *by_index;       /* index → ObjectId */
	size_t index_cap;
} oid_map;

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

/* The index of o, added when add is set (else -1 when absent). */
static int map_index(oid_map *m, const bson_oid_t *o, int add)
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

static void map_free(oid_map *m)
{
	free(m->keys);
	free(m->values);
	free(m->by_index);
}

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

/* Every document of collection (filter), as events: who (user_id) did what to which movie. */
static mq_err read_events(mongoc_database_t *database, const char *collection, const bson_t *filter,
			  oid_map *users, oid_map *movies, event_list *out)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, collection);
	bson_t *opts = BCON_NEW("projection", "{", "user_id", BCON_INT32(1), "movie_id", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t u, m;
		if (bson_iter_init_find(&u, doc, "user_id") && BSON_ITER_HOLDS_OID(&u) &&
		    bson_iter_init_find(&m, doc, "movie_id") && BSON_ITER_HOLDS_OID(&m))
			event_add(out, map_index(users, bson_iter_oid(&u), 1), map_index(movies, bson_iter_oid(&m), 1), 1);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, collection) : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	return rc;
}

mq_err mq_recommend_train(mq_db *db, long *n_movies, long *n_events)
{
	*n_movies = *n_events = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	oid_map users = { 0 }, movies = { 0 };
	event_list ev = { 0 };
	bson_t all = BSON_INITIALIZER;
	bson_t *positive = BCON_NEW("type", "{", "$in", "[", BCON_UTF8("liked"), BCON_UTF8("watched"),
				    BCON_UTF8("bookmarked"), "]", "}");
	mq_err rc = read_events(database, "ratings", &all, &users, &movies, &ev);
	if (rc == MQ_OK)
		rc = read_events(database, "interactions", positive, &users, &movies, &ev);
	if (rc == MQ_OK)
		rc = read_events(database, "watchlist", &all, &users, &movies, &ev);
	bson_destroy(positive);
	bson_destroy(&all);
	mq_recs_model *model = NULL;
	if (rc == MQ_OK)
		model = mq_recs_train(ev.e, ev.n, (int)users.n, (int)movies.n, MQ_RECOMMEND_NEIGHBOURS, MQ_RECOMMEND_SHRINK);
	int64_t started = mq_now_ms();
	if (model) {
		bson_error_t error;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "movie_neighbours");
		bson_t *bulk_opts = BCON_NEW("ordered", BCON_BOOL(false));
		mongoc_bulk_operation_t *bulk = mongoc_collection_create_bulk_operation_with_opts(coll, bulk_opts);
		int queued = 0;
		for (int i = 0; i < model->n_items && rc == MQ_OK; i++) {
			if (model->count[i] == 0)
				continue;
			bson_t doc = BSON_INITIALIZER, list, entry;
			BSON_APPEND_OID(&doc, "_id", &movies.by_index[i]);
			BSON_APPEND_ARRAY_BEGIN(&doc, "n", &list);
			const mq_recs_neighbour *nb = model->neighbours + (size_t)i * (size_t)model->k;
			for (int b = 0; b < model->count[i]; b++) {
				char key[16];
				snprintf(key, sizeof key, "%d", b);
				BSON_APPEND_DOCUMENT_BEGIN(&list, key, &entry);
				BSON_APPEND_OID(&entry, "m", &movies.by_index[nb[b].item]);
				BSON_APPEND_DOUBLE(&entry, "s", nb[b].sim);
				bson_append_document_end(&list, &entry);
			}
			bson_append_array_end(&doc, &list);
			BSON_APPEND_INT32(&doc, "members", model->popularity[i]);
			BSON_APPEND_DATE_TIME(&doc, "at", started);
			bson_t *selector = BCON_NEW("_id", BCON_OID(&movies.by_index[i]));
			bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
			if (mongoc_bulk_operation_replace_one_with_opts(bulk, selector, &doc, opts, &error))
				queued++;
			bson_destroy(opts);
			bson_destroy(selector);
			bson_destroy(&doc);
			(*n_movies)++;
		}
		bson_t reply;
		if (queued && !mongoc_bulk_operation_execute(bulk, &reply, &error))
			rc = mq_db_error(&error, "movie_neighbours");
		if (queued)
			bson_destroy(&reply);
		mongoc_bulk_operation_destroy(bulk);
		bson_destroy(bulk_opts);
		if (rc == MQ_OK) { /* movies that have no neighbours any more */
			bson_t *stale = BCON_NEW("at", "{", "$lt", BCON_DATE_TIME(started), "}");
			if (!mongoc_collection_delete_many(coll, stale, NULL, NULL, &error))
				rc = mq_db_error(&error, "movie_neighbours");
			bson_destroy(stale);
		}
		mongoc_collection_destroy(coll);
	}
	*n_events = (long)ev.n;
	mq_recs_model_free(model);
	free(ev.e);
	map_free(&users);
	map_free(&movies);
	mq_db_release(db, client, database);
	return rc;
}

/* One member's taste, gathered from their documents. */
typedef struct taste {
	oid_map items;              /* the candidates: the member's own first, then the others */
	float *weight;              /* per index: what the member said (own items only) */
	unsigned char *excluded;    /* rated, watched, disliked, on the watchlist */
	int n_own;                  /* own items: indexes 0..n_own-1 are the member's */
	double genre[64];           /* genre id (mod 64) → how much the member likes it */
	long long genre_id[64];
	double genre_total;
	size_t cap;
} taste;

static int taste_index(taste *t, const bson_oid_t *o)
{
	int i = map_index(&t->items, o, 1);
	if ((size_t)i >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		while (cap <= (size_t)i)
			cap *= 2;
		t->weight = mq_xrealloc(t->weight, cap * sizeof *t->weight);
		t->excluded = mq_xrealloc(t->excluded, cap);
		memset(t->weight + t->cap, 0, (cap - t->cap) * sizeof *t->weight);
		memset(t->excluded + t->cap, 0, cap - t->cap);
		t->cap = cap;
	}
	return i;
}

static double age_days(const bson_t *doc, const char *field, int64_t now)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, field) && BSON_ITER_HOLDS_DATE_TIME(&it))
		return (double)(now - bson_iter_date_time(&it)) / 86400000.0;
	return 0;
}

/* The member's ratings, interactions and watchlist into t. */
static mq_err gather(mongoc_database_t *database, const bson_oid_t *user, taste *t)
{
	static const char *const collections[] = { "ratings", "interactions", "watchlist" };
	int64_t now = mq_now_ms();
	mq_err rc = MQ_OK;
	for (int c = 0; c < 3 && rc == MQ_OK; c++) {
		bson_error_t error;
		const bson_t *doc;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, collections[c]);
		bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
		bson_t *opts = BCON_NEW("limit", BCON_INT64(5000));
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it;
			if (!bson_iter_init_find(&it, doc, "movie_id") || !BSON_ITER_HOLDS_OID(&it))
				continue;
			int i = taste_index(t, bson_iter_oid(&it));
			float w = 0;
			if (c == 0 && bson_iter_init_find(&it, doc, "rating") && BSON_ITER_HOLDS_NUMBER(&it))
				w = mq_recommend_rating_weight(bson_iter_as_double(&it), 10) *
				    mq_recommend_recency(age_days(doc, "created_at", now));
			else if (c == 1 && bson_iter_init_find(&it, doc, "type") && BSON_ITER_HOLDS_UTF8(&it)) {
				const char *type = bson_iter_utf8(&it, NULL);
				float r = mq_recommend_recency(age_days(doc, "at", now));
				w = !strcmp(type, "liked") ? r : !strcmp(type, "disliked") ? -r : 0.5f * r;
			} else if (c == 2) {
				w = 0.5f * mq_recommend_recency(age_days(doc, "added_at", now));
			}
			t->weight[i] += w;
			t->excluded[i] = 1;
		}
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, collections[c]);
		mongoc_cursor_destroy(cursor);
		bson_destroy(opts);
		bson_destroy(filter);
		mongoc_collection_destroy(coll);
	}
	return rc;
}

static void like_genre(taste *t, long long id, double w)
{
	int slot = (int)(id % 64);
	if (t->genre_id[slot] && t->genre_id[slot] != id)
		return; /* a collision: TMDB has 19 genres, this does not happen in practice */
	t->genre_id[slot] = id;
	t->genre[slot] += w;
	t->genre_total += w;
}

/* The share of the member's genre taste a movie's genres cover (0..1), its first genre and the
 * one of its genres the member likes most (-1: none). */
static float genre_match(const taste *t, const bson_t *doc, long long *first, long long *liked)
{
	bson_iter_t it, list, g;
	double c = 0, best = 0;
	*first = *liked = -1;
	if (!bson_iter_init_find(&it, doc, "genres") || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &list))
		return 0;
	while (bson_iter_next(&list)) {
		if (!BSON_ITER_HOLDS_DOCUMENT(&list) || !bson_iter_recurse(&list, &g) || !bson_iter_find(&g, "id") ||
		    !BSON_ITER_HOLDS_NUMBER(&g))
			continue;
		long long id = bson_iter_as_int64(&g);
		if (*first < 0)
			*first = id;
		if (t->genre_id[id % 64] == id && t->genre[id % 64] > 0) {
			c += t->genre[id % 64];
			if (t->genre[id % 64] > best) {
				best = t->genre[id % 64];
				*liked = id;
			}
		}
	}
	c = t->genre_total > 0 ? c / t->genre_total : 0;
	return (float)(c > 1 ? 1 : c);
}

/* Adds the documents filter finds in movies (with opts) as candidates; info gets, per index,
 * the match, first genre and quality. */
typedef struct candidate_info {
	float *content, *quality;
	int *group;       /* the first genre: what the diversity rule looks at */
	int *liked;       /* the genre the member likes most: what a reason names */
	size_t cap;
} candidate_info;

static void info_reserve(candidate_info *c, size_t n)
{
	if (n <= c->cap)
		return;
	size_t cap = c->cap ? c->cap * 2 : 256;
	while (cap < n)
		cap *= 2;
	c->content = mq_xrealloc(c->content, cap * sizeof *c->content);
	c->quality = mq_xrealloc(c->quality, cap * sizeof *c->quality);
	c->group = mq_xrealloc(c->group, cap * sizeof *c->group);
	c->liked = mq_xrealloc(c->liked, cap * sizeof *c->liked);
	for (size_t i = c->cap; i < cap; i++) {
		c->content[i] = c->quality[i] = 0;
		c->group[i] = c->liked[i] = -1;
	}
	c->cap = cap;
}

static mq_err add_candidates(mongoc_database_t *database, const bson_t *filter, const bson_t *opts, taste *t,
			     candidate_info *info)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		int i = taste_index(t, bson_iter_oid(&it));
		info_reserve(info, t->cap);
		long long first, liked;
		info->content[i] = genre_match(t, doc, &first, &liked);
		info->group[i] = (int)first;
		info->liked[i] = (int)liked;
		double mean = 0, votes = 0;
		if (bson_iter_init_find(&it, doc, "vote_average") && BSON_ITER_HOLDS_NUMBER(&it))
			mean = bson_iter_as_double(&it);
		if (bson_iter_init_find(&it, doc, "vote_count") && BSON_ITER_HOLDS_NUMBER(&it))
			votes = bson_iter_as_double(&it);
		/* TMDB's votes: out of 10, with about 1,000 votes counting as "enough" */
		info->quality[i] = (float)(mq_recs_weighted_rating(mean, votes, 6.5, 1000) / 10);
		if (bson_iter_init_find(&it, doc, "tmdb_missing") && bson_iter_as_bool(&it))
			t->excluded[i] = 1;
		if (bson_iter_init_find(&it, doc, "hidden") && bson_iter_as_bool(&it))
			t->excluded[i] = 1;
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "recommendation candidates") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	return rc;
}

static bson_t *in_filter(const char *field, const bson_oid_t *ids, size_t n)
{
	bson_t *f = bson_new(), in, arr;
	BSON_APPEND_DOCUMENT_BEGIN(f, field, &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	for (size_t i = 0; i < n; i++) {
		char key[24];
		snprintf(key, sizeof key, "%zu", i);
		BSON_APPEND_OID(&arr, key, &ids[i]);
	}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(f, &in);
	return f;
}

static int by_weight(const void *a, const void *b, void *w)
{
	const float *weight = w;
	float x = fabsf(weight[*(const int *)a]), y = fabsf(weight[*(const int *)b]);
	return (x < y) - (x > y);
}

/* A recommendation list from the cache, if it is for this version, language and length. */
static cJSON *cached(mongoc_database_t *database, const bson_oid_t *user, long long version, const char *lang,
		     int limit)
{
	const bson_t *doc;
	bson_iter_t it;
	cJSON *items = NULL;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_cache");
	bson_t *filter = BCON_NEW("_id", BCON_OID(user), "v", BCON_INT64(version), "lang", BCON_UTF8(lang),
				  "limit", BCON_INT32(limit));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
	if (mongoc_cursor_next(cursor, &doc) && bson_iter_init_find(&it, doc, "items") && BSON_ITER_HOLDS_UTF8(&it))
		items = cJSON_Parse(bson_iter_utf8(&it, NULL));
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return items;
}

static void cache(mongoc_database_t *database, const bson_oid_t *user, long long version, const char *lang,
		  int limit, const cJSON *items)
{
	char *text = cJSON_PrintUnformatted(items);
	if (!text)
		return;
	bson_error_t error;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_cache");
	bson_t *selector = BCON_NEW("_id", BCON_OID(user));
	/* stored as text: summaries carry keys ($-free, but not ours to vouch for) */
	bson_t *doc = BCON_NEW("_id", BCON_OID(user), "v", BCON_INT64(version), "lang", BCON_UTF8(lang),
			       "limit", BCON_INT32(limit), "items", BCON_UTF8(text), "at", BCON_DATE_TIME(mq_now_ms()));
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	if (!mongoc_collection_replace_one(coll, selector, doc, opts, NULL, &error))
		mq_log(MQ_LOG_WARN, "recommend", "not cached: %s", error.message);
	bson_destroy(opts);
	bson_destroy(doc);
	bson_destroy(selector);
	mongoc_collection_destroy(coll);
	cJSON_free(text);
}

/* The JSON of the top movies: summaries in order, each with score and reason. */
static mq_err describe(mongoc_database_t *database, const taste *t, const int *top, size_t n, const float *scores,
		       const int *because, const candidate_info *info, const cJSON *genre_names, const char *lang,
		       cJSON **items)
{
	/* the movies, and the member's movies they are there because of */
	bson_oid_t *ids = mq_xcalloc(2 * n + 1, sizeof *ids);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		ids[k++] = t->items.by_index[top[i]];
		if (because[top[i]] >= 0)
			ids[k++] = t->items.by_index[because[top[i]]];
	}
	bson_t *filter = in_filter("_id", ids, k);
	bson_t opts = BSON_INITIALIZER;
	mq_catalog_summary_projection(&opts);
	cJSON *found = cJSON_CreateObject();
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, &opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		cJSON *m = mq_catalog_summary_json(doc, lang);
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "id"));
		if (id)
			cJSON_AddItemToObject(found, id, m);
		else
			cJSON_Delete(m);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "recommended movies") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(&opts);
	bson_destroy(filter);
	*items = cJSON_CreateArray();
	for (size_t i = 0; i < n && rc == MQ_OK; i++) {
		char hex[25], from[25];
		bson_oid_to_string(&t->items.by_index[top[i]], hex);
		cJSON *m = cJSON_GetObjectItemCaseSensitive(found, hex);
		if (!m)
			continue;
		m = cJSON_Duplicate(m, 1);
		cJSON_AddNumberToObject(m, "score", round(scores[top[i]] * 1000) / 1000);
		cJSON *reason = cJSON_AddObjectToObject(m, "reason");
		const cJSON *source = NULL;
		if (because[top[i]] >= 0) {
			bson_oid_to_string(&t->items.by_index[because[top[i]]], from);
			source = cJSON_GetObjectItemCaseSensitive(found, from);
		}
		char gid[24];
		snprintf(gid, sizeof gid, "%d", info->liked[top[i]]);
		const cJSON *gname = cJSON_GetObjectItemCaseSensitive(genre_names, gid);
		if (source) {
			cJSON_AddStringToObject(reason, "kind", "because");
			cJSON_AddItemToObject(reason, "movie_id", cJSON_CreateString(from));
			cJSON_AddItemToObject(reason, "title", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(source, "title"), 1));
		} else if (info->content[top[i]] > 0 && cJSON_IsString(gname)) {
			cJSON_AddStringToObject(reason, "kind", "genre");
			cJSON_AddStringToObject(reason, "genre", gname->valuestring);
		} else {
			cJSON_AddStringToObject(reason, "kind", "popular");
		}
		cJSON_AddItemToArray(*items, m);
	}
	cJSON_Delete(found);
	free(ids);
	return rc;
}

mq_err mq_recommend_for(mq_db *db, const char *user_id, const char *lang, int limit, cJSON **items)
{
	bson_oid_t user;
	*items = NULL;
	if (mq_oid_parse(user_id, &user) || limit < 1 || limit > 100)
		return MQ_EINVAL;
	long long version = 0;
	cJSON *prefs = NULL;
	mq_err rc = mq_lists_version(db, user_id, &version);
	if (rc == MQ_OK)
		rc = mq_account_preferences(db, user_id, NULL, &prefs);
	if (rc != MQ_OK) {
		cJSON_Delete(prefs);
		return rc;
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		cJSON_Delete(prefs);
		return MQ_EUNAVAIL;
	}
	if ((*items = cached(database, &user, version, lang, limit))) {
		cJSON_Delete(prefs);
		mq_db_release(db, client, database);
		return MQ_OK;
	}
	taste t = { 0 };
	candidate_info info = { 0 };
	rc = gather(database, &user, &t);

	/* favourite movies count as liked; favourite genres as liked genres */
	const cJSON *p;
	bson_t fav = BSON_INITIALIZER, in, arr;
	BSON_APPEND_DOCUMENT_BEGIN(&fav, "tmdb_id", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	int nfav = 0;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(prefs, "movies")) {
		char key[16];
		snprintf(key, sizeof key, "%d", nfav++);
		BSON_APPEND_INT64(&arr, key, (long long)cJSON_GetNumberValue(p));
	}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(&fav, &in);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(prefs, "genres"))
		if (cJSON_IsNumber(p))
			like_genre(&t, (long long)p->valuedouble, 2);
	if (rc == MQ_OK && nfav) {
		const bson_t *doc;
		bson_t *opts = BCON_NEW("projection", "{", "_id", BCON_INT32(1), "}");
		mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, &fav, opts, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it;
			if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it)) {
				int i = taste_index(&t, bson_iter_oid(&it));
				t.weight[i] += 1;
			}
		}
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(movies);
		bson_destroy(opts);
	}
	bson_destroy(&fav);
	t.n_own = (int)t.items.n;

	/* the genres of what the member likes */
	if (rc == MQ_OK && t.n_own) {
		bson_t *filter = in_filter("_id", t.items.by_index, (size_t)t.n_own);
		bson_t *opts = BCON_NEW("projection", "{", "genres", BCON_INT32(1), "}");
		const bson_t *doc;
		mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, opts, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it, list, g;
			if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
				continue;
			int i = map_index(&t.items, bson_iter_oid(&it), 0);
			if (i < 0 || t.weight[i] <= 0 || !bson_iter_init_find(&it, doc, "genres") ||
			    !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &list))
				continue;
			while (bson_iter_next(&list))
				if (BSON_ITER_HOLDS_DOCUMENT(&list) && bson_iter_recurse(&list, &g) && bson_iter_find(&g, "id") &&
				    BSON_ITER_HOLDS_NUMBER(&g))
					like_genre(&t, bson_iter_as_int64(&g), t.weight[i]);
		}
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(movies);
		bson_destroy(opts);
		bson_destroy(filter);
	}

	/* the neighbours of the member's strongest 50 */
	mq_recs_model model = { 0 };
	int *own = mq_xcalloc((size_t)t.n_own + 1, sizeof *own);
	for (int i = 0; i < t.n_own; i++)
		own[i] = i;
	qsort_r(own, (size_t)t.n_own, sizeof *own, by_weight, t.weight);
	int n_strong = t.n_own < 50 ? t.n_own : 50;
	mq_recs_neighbour *lists = mq_xcalloc((size_t)(n_strong ? n_strong : 1) * MQ_RECOMMEND_NEIGHBOURS, sizeof *lists);
	int *counts = mq_xcalloc((size_t)(n_strong ? n_strong : 1), sizeof *counts);
	int *strong = mq_xcalloc((size_t)(n_strong ? n_strong : 1), sizeof *strong);
	float *strong_w = mq_xcalloc((size_t)(n_strong ? n_strong : 1), sizeof *strong_w);
	if (rc == MQ_OK && n_strong) {
		bson_oid_t *ids = mq_xcalloc((size_t)n_strong, sizeof *ids);
		for (int a = 0; a < n_strong; a++) {
			ids[a] = t.items.by_index[own[a]];
			strong[a] = own[a];
			strong_w[a] = t.weight[own[a]];
		}
		bson_t *filter = in_filter("_id", ids, (size_t)n_strong);
		const bson_t *doc;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, "movie_neighbours");
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t it, list, e;
			if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
				continue;
			int src = map_index(&t.items, bson_iter_oid(&it), 0), a = 0;
			while (a < n_strong && strong[a] != src)
				a++;
			if (a == n_strong || !bson_iter_init_find(&it, doc, "n") || !BSON_ITER_HOLDS_ARRAY(&it) ||
			    !bson_iter_recurse(&it, &list))
				continue;
			while (bson_iter_next(&list) && counts[a] < MQ_RECOMMEND_NEIGHBOURS) {
				const bson_oid_t *m = NULL;
				double sim = 0;
				if (!BSON_ITER_HOLDS_DOCUMENT(&list) || !bson_iter_recurse(&list, &e))
					continue;
				while (bson_iter_next(&e)) {
					if (!strcmp(bson_iter_key(&e), "m") && BSON_ITER_HOLDS_OID(&e))
						m = bson_iter_oid(&e);
					else if (!strcmp(bson_iter_key(&e), "s") && BSON_ITER_HOLDS_NUMBER(&e))
						sim = bson_iter_as_double(&e);
				}
				if (m)
					lists[(size_t)a * MQ_RECOMMEND_NEIGHBOURS + (size_t)counts[a]++] =
						(mq_recs_neighbour){ taste_index(&t, m), (float)sim };
			}
		}
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(coll);
		bson_destroy(filter);
		free(ids);
	}
	/* the neighbours' movies, and movies of the member's genres and the most popular, as
	 * candidates with what scoring needs */
	if (rc == MQ_OK) {
		bson_t *projection = BCON_NEW("projection", "{", "genres", BCON_INT32(1), "vote_average", BCON_INT32(1),
					      "vote_count", BCON_INT32(1), "tmdb_missing", BCON_INT32(1), "hidden", BCON_INT32(1), "}");
		if (t.items.n > (size_t)t.n_own) {
			bson_t *filter = in_filter("_id", t.items.by_index + t.n_own, t.items.n - (size_t)t.n_own);
			rc = add_candidates(database, filter, projection, &t, &info);
			bson_destroy(filter);
		}
		bson_t genres = BSON_INITIALIZER, gin, garr;
		BSON_APPEND_DOCUMENT_BEGIN(&genres, "genres.id", &gin);
		BSON_APPEND_ARRAY_BEGIN(&gin, "$in", &garr);
		int ng = 0;
		for (int g = 0; g < 64; g++)
			if (t.genre[g] > 0) {
				char key[16];
				snprintf(key, sizeof key, "%d", ng++);
				BSON_APPEND_INT64(&garr, key, t.genre_id[g]);
			}
		bson_append_array_end(&gin, &garr);
		bson_append_document_end(&genres, &gin);
		bson_t *popular_opts = BCON_NEW("projection", "{", "genres", BCON_INT32(1), "vote_average", BCON_INT32(1),
						"vote_count", BCON_INT32(1), "tmdb_missing", BCON_INT32(1), "hidden", BCON_INT32(1), "}",
						"sort", "{", "popularity", BCON_INT32(-1), "}", "limit", BCON_INT64(100));
		bson_t everything = BSON_INITIALIZER;
		if (rc == MQ_OK && ng)
			rc = add_candidates(database, &genres, popular_opts, &t, &info);
		if (rc == MQ_OK)
			rc = add_candidates(database, &everything, popular_opts, &t, &info);
		bson_destroy(&everything);
		bson_destroy(popular_opts);
		bson_destroy(&genres);
		bson_destroy(projection);
	}
	if (rc == MQ_OK) {
		int n = (int)t.items.n;
		info_reserve(&info, (size_t)n + 1);
		/* a model over the candidates: the member's strong items with their neighbours */
		model.n_items = n;
		model.k = MQ_RECOMMEND_NEIGHBOURS;
		model.count = mq_xcalloc((size_t)n + 1, sizeof *model.count);
		model.neighbours = mq_xcalloc(((size_t)n + 1) * MQ_RECOMMEND_NEIGHBOURS, sizeof *model.neighbours);
		for (int a = 0; a < n_strong; a++) {
			model.count[strong[a]] = counts[a];
			memcpy(model.neighbours + (size_t)strong[a] * MQ_RECOMMEND_NEIGHBOURS,
			       lists + (size_t)a * MQ_RECOMMEND_NEIGHBOURS, (size_t)counts[a] * sizeof *lists);
		}
		float *scores = mq_xcalloc((size_t)n + 1, sizeof *scores);
		int *because = mq_xcalloc((size_t)n + 1, sizeof *because);
		int *top = mq_xcalloc((size_t)limit, sizeof *top);
		/* the member's own items are never candidates: t.excluded marks them */
		mq_recs_score(&model, strong, strong_w, (size_t)n_strong, info.content, info.quality, t.excluded,
			      mq_recommend_weights, scores, because);
		size_t k = mq_recs_top(scores, n, info.group, MQ_RECOMMEND_MAX_RUN, top, (size_t)limit);
		cJSON *genre_names = cJSON_CreateObject();
		{ /* the genres' names in lang, for reasons */
			const bson_t *doc;
			mongoc_collection_t *coll = mongoc_database_get_collection(database, "genres");
			bson_t empty = BSON_INITIALIZER;
			mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &empty, NULL, NULL);
			while (mongoc_cursor_next(cursor, &doc)) {
				bson_iter_t it, name;
				char key[24], path[16];
				snprintf(path, sizeof path, "names.%s", lang);
				if (!bson_iter_init_find(&it, doc, "tmdb_id") || !BSON_ITER_HOLDS_NUMBER(&it))
					continue;
				snprintf(key, sizeof key, "%lld", (long long)bson_iter_as_int64(&it));
				if ((bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, path, &name) &&
				     BSON_ITER_HOLDS_UTF8(&name)) ||
				    (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "names.en", &name) &&
				     BSON_ITER_HOLDS_UTF8(&name)))
					cJSON_AddStringToObject(genre_names, key, bson_iter_utf8(&name, NULL));
			}
			mongoc_cursor_destroy(cursor);
			mongoc_collection_destroy(coll);
		}
		rc = describe(database, &t, top, k, scores, because, &info, genre_names, lang, items);
		if (rc == MQ_OK)
			cache(database, &user, version, lang, limit, *items);
		cJSON_Delete(genre_names);
		free(top);
		free(because);
		free(scores);
		free(model.count);
		free(model.neighbours);
	}
	free(strong_w);
	free(strong);
	free(counts);
	free(lists);
	free(own);
	free(info.content);
	free(info.quality);
	free(info.group);
	free(info.liked);
	free(t.weight);
	free(t.excluded);
	map_free(&t.items);
	cJSON_Delete(prefs);
	mq_db_release(db, client, database);
	return rc;
}
