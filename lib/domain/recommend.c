/* recommend.c — personalised recommendations (see recommend.h). */
#include "domain/recommend.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/account.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "domain/lists.h"
#include "domain/recommend_store.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const mq_recs_weights mq_recommend_weights = { 1.0f, 0.2f, 0.8f };

float mq_recommend_rating_weight(double rating, double max)
{
	double x = rating / max;     /* 0..1 */
	return (float)((x - 0.5) * 2); /* 1 for the best, 0 in the middle, -1 for the worst */
}

float mq_recommend_taste_weight(double rating, double max)
{
	float graded = mq_recommend_rating_weight(rating, max);
	switch (MQ_RECOMMEND_WEIGHTING) {
	case 0:
		return rating >= max * MQ_RECOMMEND_LIKED / 10.0 ? 1.0f : 0.0f;
	case 2:
		return graded > 0 ? graded : 0;
	default:
		return graded;
	}
}

float mq_recommend_signal_weight(const char *kind)
{
	if (!strcmp(kind, "liked") || !strcmp(kind, "favorites"))
		return mq_recommend_taste_weight(10, 10);
	if (!strcmp(kind, "disliked"))
		return mq_recommend_taste_weight(1, 10);
	/* watched, bookmarked, on the watchlist: trained as liked, so weighed as the least liked rating */
	return mq_recommend_taste_weight(MQ_RECOMMEND_LIKED, 10);
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

/* One member's taste, gathered from their documents, and the candidates. */
typedef struct taste {
	oid_map items;              /* the candidates: the member's own first, then the others */
	float *weight;              /* per index: what the member said (own items only) */
	unsigned char *excluded;    /* rated, watched, disliked, on the watchlist; or not allowed */
	movie_meta *meta;           /* per index: as the stored lists (own movies: their documents) say */
	unsigned char *known;       /* per index: meta is set */
	int n_own;                  /* own items: indexes 0..n_own-1 are the member's */
	double genre[64];           /* genre id (mod 64) → how much the member likes it */
	long long genre_id[64];
	double genre_total;
	size_t cap;
} taste;

static int taste_index(taste *t, const bson_oid_t *o)
{
	int i = mq_rec_map_index(&t->items, o, 1);
	if ((size_t)i >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		while (cap <= (size_t)i)
			cap *= 2;
		t->weight = mq_xrealloc(t->weight, cap * sizeof *t->weight);
		t->excluded = mq_xrealloc(t->excluded, cap);
		t->meta = mq_xrealloc(t->meta, cap * sizeof *t->meta);
		t->known = mq_xrealloc(t->known, cap);
		memset(t->weight + t->cap, 0, (cap - t->cap) * sizeof *t->weight);
		memset(t->excluded + t->cap, 0, cap - t->cap);
		memset(t->known + t->cap, 0, cap - t->cap);
		t->cap = cap;
	}
	return i;
}

static void taste_free(taste *t)
{
	free(t->weight);
	free(t->excluded);
	free(t->meta);
	free(t->known);
	mq_rec_map_free(&t->items);
}

static double age_days(const bson_t *doc, const char *field, int64_t now)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, field) && BSON_ITER_HOLDS_DATE_TIME(&it))
		return (double)(now - bson_iter_date_time(&it)) / 86400000.0;
	return 0;
}

/* What one list of the member's digest says of their taste (gather_each). */
typedef struct gather_walk {
	taste *t;
	const char *kind, *signal, *when; /* signal: the field that says how much (NULL: the kind) */
	int64_t now;
} gather_walk;

static void gather_each(const bson_t *doc, void *ctx)
{
	gather_walk *g = ctx;
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, "movie_id") || !BSON_ITER_HOLDS_OID(&it))
		return;
	int i = taste_index(g->t, bson_iter_oid(&it));
	float w = 0;
	if (!g->signal)
		w = mq_recommend_signal_weight(g->kind);
	else if (bson_iter_init_find(&it, doc, g->signal) && BSON_ITER_HOLDS_NUMBER(&it))
		w = mq_recommend_taste_weight(bson_iter_as_double(&it), 10);
	else if (bson_iter_init_find(&it, doc, g->signal) && BSON_ITER_HOLDS_UTF8(&it))
		w = mq_recommend_signal_weight(bson_iter_utf8(&it, NULL));
	if (MQ_RECOMMEND_RECENCY)
		w *= mq_recommend_recency(age_days(doc, g->when, g->now));
	g->t->weight[i] += w;
	g->t->excluded[i] = 1;
}

/* The member's ratings, interactions, watchlist and favourites into t, from their lists' digest
 * at version known or newer (lists_digest.h): each entry's movie, signal and time. */
static mq_err gather(mongoc_database_t *database, const bson_oid_t *user, long long known, taste *t)
{
	static const struct {
		const char *kind, *signal, *when;
	} kinds[] = {
		{ "ratings", "rating", "created_at" },
		{ "interactions", "type", "at" },
		{ "watchlist", NULL, "added_at" },
		{ "favorites", NULL, "added_at" },
	};
	bson_t digest;
	mq_err rc = mq_lists_digest(database, user, known, &digest);
	for (size_t c = 0; rc == MQ_OK && c < sizeof kinds / sizeof kinds[0]; c++) {
		gather_walk g = { t, kinds[c].kind, kinds[c].signal, kinds[c].when, mq_clock_ms() };
		mq_lists_digest_each(&digest, kinds[c].kind, gather_each, &g);
	}
	bson_destroy(&digest);
	return rc;
}

static void like_genre(taste *t, long long id, double w)
{
	int slot = (int)(id % 64);
	if (id < 0 || (t->genre_id[slot] && t->genre_id[slot] != id))
		return; /* a collision: TMDB has 19 genres, this does not happen in practice */
	t->genre_id[slot] = id;
	t->genre[slot] += w;
	t->genre_total += w;
}

/* The share of the member's genre taste a movie's genres cover (0..1), and the one of its genres
 * the member likes most (-1: none). */
static float genre_match(const taste *t, const movie_meta *m, long long *liked)
{
	double c = 0, best = 0;
	*liked = -1;
	for (int k = 0; k < m->n_genres; k++) {
		long long id = m->genre[k];
		int slot = (int)(id % 64);
		if (t->genre_id[slot] == id && t->genre[slot] > 0) {
			c += t->genre[slot];
			if (t->genre[slot] > best) {
				best = t->genre[slot];
				*liked = id;
			}
		}
	}
	c = t->genre_total > 0 ? c / t->genre_total : 0;
	return (float)(c > 1 ? 1 : c);
}

/* Per candidate index: the content match, quality, first genre (what the diversity rule looks
 * at) and the genre the member likes most (what a reason names). */
typedef struct candidate_info {
	float *content, *quality;
	int *group;
	int *liked;
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

/* Whether a movie may be recommended to this member: the one place a candidate is accepted or
 * rejected, whichever list it came from. The stored lists hold only movies that could be
 * recommended when they were learnt; the catalogue's popular movies (before the first training
 * run) any. A movie hidden since the training run is left out when the summaries are read
 * (describe). */
static bool candidate_allowed(const movie_meta *meta)
{
	return meta->usable;
}

/* movie as a candidate, with its meta (the last list's: all come from one training run); its
 * index. */
static int note_candidate(taste *t, const bson_oid_t *movie, const movie_meta *meta)
{
	int i = taste_index(t, movie);
	t->meta[i] = *meta;
	t->known[i] = 1;
	if (!candidate_allowed(meta))
		t->excluded[i] = 1;
	return i;
}

/* The entries of a stored list (field of doc) as candidates: at most max, each index and weight
 * into out (may be NULL); returns how many. */
static int note_list(taste *t, const bson_t *doc, const char *field, int max, mq_recs_neighbour *out)
{
	const uint8_t *entries;
	size_t n;
	int k = 0;
	mq_rec_list(doc, field, &entries, &n);
	for (size_t e = 0; e < n && k < max; e++, k++) {
		bson_oid_t movie;
		movie_meta meta;
		float weight;
		mq_rec_entry_unpack(entries + e * MQ_REC_ENTRY_SIZE, &movie, &weight, &meta);
		int i = note_candidate(t, &movie, &meta);
		if (out)
			out[k] = (mq_recs_neighbour){ i, weight };
	}
	return k;
}

/* The stored lists of the member's strongest movies (strong[n_strong], own indexes) into model's
 * rows, their entries as candidates; and from the same documents the genres of those movies as
 * the training run saw them (t->meta, t->known). */
static mq_err read_lists(mongoc_database_t *database, taste *t, const int *strong, int n_strong, mq_recs_model *model)
{
	bson_oid_t *ids = mq_xcalloc((size_t)n_strong + 1, sizeof *ids);
	unsigned char *wanted = mq_xcalloc((size_t)t->n_own + 1, 1);
	for (int a = 0; a < n_strong; a++) {
		ids[a] = t->items.by_index[strong[a]];
		wanted[strong[a]] = 1;
	}
	bson_t *filter = in_filter("_id", ids, (size_t)n_strong);
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movie_neighbours");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it, g;
		int src;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it) ||
		    (src = mq_rec_map_index(&t->items, bson_iter_oid(&it), 0)) < 0 || src >= t->n_own || !wanted[src])
			continue;
		wanted[src] = 0;
		movie_meta *own = &t->meta[src];
		if (mq_rec_format_current(doc) && bson_iter_init_find(&it, doc, "g") && BSON_ITER_HOLDS_ARRAY(&it) &&
		    bson_iter_recurse(&it, &g)) {
			memset(own, 0, sizeof *own);
			while (own->n_genres < META_GENRES && bson_iter_next(&g))
				if (BSON_ITER_HOLDS_NUMBER(&g) && bson_iter_as_int64(&g) >= 0)
					own->genre[own->n_genres++] = bson_iter_as_int64(&g);
			t->known[src] = 1;
		}
		model->count[src] = note_list(t, doc, "n", model->k,
					      model->neighbours + (size_t)src * (size_t)model->k);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "movie_neighbours") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(filter);
	free(wanted);
	free(ids);
	return rc;
}

/* The genres of catalogue movies (filter) into their own entries of t. */
static mq_err read_genres(mongoc_collection_t *movies, const bson_t *filter, taste *t)
{
	bson_error_t error;
	const bson_t *doc;
	bson_t *opts = mq_rec_meta_projection();
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		int i;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it) ||
		    (i = mq_rec_map_index(&t->items, bson_iter_oid(&it), 0)) < 0 || i >= t->n_own)
			continue;
		mq_rec_meta_from_movie(doc, &t->meta[i]);
		t->known[i] = 1;
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "the member's movies") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	return rc;
}

#define GENRES_BY_ID 8 /* up to this many of the member's movies are looked up one by one */

/* The genres of the member's liked strong movies the stored documents did not give (first
 * touched since the last training run, or before the first): from the catalogue, one _id lookup
 * each when they are few (an _id equality is what FerretDB serves without decoding the whole
 * collection), one $in otherwise. */
static mq_err read_missing_genres(mongoc_database_t *database, taste *t, const int *strong, int n_strong)
{
	bson_oid_t *missing = mq_xcalloc((size_t)n_strong + 1, sizeof *missing);
	size_t n = 0;
	for (int a = 0; a < n_strong; a++)
		if (t->weight[strong[a]] > 0 && !t->known[strong[a]])
			missing[n++] = t->items.by_index[strong[a]];
	mq_err rc = MQ_OK;
	mongoc_collection_t *movies = n ? mongoc_database_get_collection(database, "movies") : NULL;
	if (n > GENRES_BY_ID) {
		bson_t *filter = in_filter("_id", missing, n);
		rc = read_genres(movies, filter, t);
		bson_destroy(filter);
	}
	for (size_t k = 0; n <= GENRES_BY_ID && k < n && rc == MQ_OK; k++) {
		bson_t *filter = BCON_NEW("_id", BCON_OID(&missing[k]));
		rc = read_genres(movies, filter, t);
		bson_destroy(filter);
	}
	if (movies)
		mongoc_collection_destroy(movies);
	free(missing);
	return rc;
}

/* The most popular movies, overall and of the member's genres, as candidates: from rec_popular,
 * which the training run writes. *found: whether it has been written. */
static mq_err add_popular(mongoc_database_t *database, taste *t, bool *found)
{
	bson_t filter = BSON_INITIALIZER, in, arr;
	BSON_APPEND_DOCUMENT_BEGIN(&filter, "_id", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	BSON_APPEND_UTF8(&arr, "0", "all");
	int n = 1;
	for (int g = 0; g < 64; g++)
		if (t->genre[g] > 0) {
			char key[16], id[32];
			snprintf(key, sizeof key, "%d", n++);
			snprintf(id, sizeof id, "g%lld", t->genre_id[g]);
			BSON_APPEND_UTF8(&arr, key, id);
		}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(&filter, &in);
	bson_error_t error;
	const bson_t *doc;
	*found = false;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_popular");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, NULL, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it) &&
		    !strcmp(bson_iter_utf8(&it, NULL), "all") && mq_rec_format_current(doc))
			*found = true;
		note_list(t, doc, "m", INT32_MAX, NULL);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "rec_popular") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(&filter);
	return rc;
}

/* Before the first training run: the most popular movies straight from the catalogue. */
static mq_err add_popular_movies(mongoc_database_t *database, taste *t)
{
	bson_error_t error;
	const bson_t *doc;
	bson_t all = BSON_INITIALIZER;
	bson_t *opts = mq_rec_meta_projection();
	BCON_APPEND(opts, "sort", "{", "popularity", BCON_INT32(-1), "}", "limit", BCON_INT64(POPULAR_ALL));
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &all, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc)) {
		bson_iter_t it;
		movie_meta meta;
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		mq_rec_meta_from_movie(doc, &meta);
		note_candidate(t, bson_iter_oid(&it), &meta);
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "recommendation candidates") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(opts);
	bson_destroy(&all);
	return rc;
}

/* What scoring needs of every candidate, now that the member's genre taste is complete. */
static void candidates_info(const taste *t, candidate_info *info)
{
	info_reserve(info, t->items.n + 1);
	for (size_t i = 0; i < t->items.n; i++) {
		if (!t->known[i])
			continue;
		long long liked;
		const movie_meta *meta = &t->meta[i];
		info->content[i] = genre_match(t, meta, &liked);
		info->group[i] = meta->n_genres ? (int)meta->genre[0] : -1;
		info->liked[i] = (int)liked;
		info->quality[i] = meta->quality;
	}
}

/* The member's strongest movies first; of equal weight the first gathered (the earlier, as
 * marquee-eval-recs measures it). */
static int by_weight(const void *a, const void *b, void *w)
{
	const float *weight = w;
	int i = *(const int *)a, j = *(const int *)b;
	float x = fabsf(weight[i]), y = fabsf(weight[j]);
	if (x != y)
		return (x < y) - (x > y);
	return (i > j) - (i < j);
}

/* A recommendation list from the cache, if it is for this version, language and length. */
static cJSON *cached(mongoc_database_t *database, const bson_oid_t *user, long long version, const char *lang,
		     const char *audience, int limit)
{
	const bson_t *doc;
	bson_iter_t it;
	cJSON *items = NULL;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_cache");
	bson_t *filter = BCON_NEW("_id", BCON_OID(user), "v", BCON_INT64(version), "lang", BCON_UTF8(lang),
				  "audience", BCON_UTF8(audience), "limit", BCON_INT32(limit));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, NULL, NULL);
	if (mongoc_cursor_next(cursor, &doc) && bson_iter_init_find(&it, doc, "items") && BSON_ITER_HOLDS_UTF8(&it))
		items = cJSON_Parse(bson_iter_utf8(&it, NULL));
	bson_error_t error;
	if (mongoc_cursor_error(cursor, &error)) /* logged; the list is computed, which meets it too */
		mq_db_error(&error, "rec_cache");
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	return items;
}

static void cache(mongoc_database_t *database, const bson_oid_t *user, long long version, const char *lang,
		  const char *audience, int limit, const cJSON *items)
{
	char *text = cJSON_PrintUnformatted(items);
	if (!text)
		return;
	bson_error_t error;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "rec_cache");
	bson_t *selector = BCON_NEW("_id", BCON_OID(user));
	/* stored as text: summaries carry keys ($-free, but not ours to vouch for) */
	bson_t *doc = BCON_NEW("_id", BCON_OID(user), "v", BCON_INT64(version), "lang", BCON_UTF8(lang),
			       "audience", BCON_UTF8(audience), "limit", BCON_INT32(limit), "items", BCON_UTF8(text), "at", BCON_DATE_TIME(mq_clock_ms()));
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	if (!mongoc_collection_replace_one(coll, selector, doc, opts, NULL, &error))
		mq_log(MQ_LOG_WARN, "recommend", "not cached: %s", error.message);
	bson_destroy(opts);
	bson_destroy(doc);
	bson_destroy(selector);
	mongoc_collection_destroy(coll);
	cJSON_free(text);
}

/* The JSON of the top movies audience may see, at most limit: summaries in order, each with
 * score and reason (a movie of the member's they may no longer see is not given as a reason). */
static mq_err describe(mongoc_database_t *database, const taste *t, const int *top, size_t n, const float *scores,
		       const int *because, const candidate_info *info, const cJSON *genre_names, const char *lang,
		       const mq_audience *audience, int limit, cJSON **items)
{
	/* the movies, and the member's movies they are there because of */
	bson_oid_t *ids = mq_xcalloc(2 * n + 1, sizeof *ids);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		ids[k++] = t->items.by_index[top[i]];
		if (because[top[i]] >= 0)
			ids[k++] = t->items.by_index[because[top[i]]];
	}
	/* from this process's cards (no query); a movie they lack yet (stored since this process
	 * last looked) from the catalogue, one query for those */
	cJSON *found = cJSON_CreateObject();
	bson_oid_t *missing = mq_xcalloc(k + 1, sizeof *missing);
	size_t n_missing = 0;
	mq_cards *cards = mq_cards_acquire(database);
	for (size_t i = 0; i < k; i++) {
		char hex[25];
		bson_oid_to_string(&ids[i], hex);
		const mq_card *card = cards ? mq_cards_by_oid(cards, &ids[i]) : NULL;
		if (!card) {
			missing[n_missing++] = ids[i];
			continue;
		}
		if (card->hidden || !mq_cards_allows(card, audience) || cJSON_GetObjectItemCaseSensitive(found, hex))
			continue; /* hidden since the training run, or not for this audience */
		cJSON *m = mq_catalog_summary_json(card->summary, lang);
		if (m)
			cJSON_AddItemToObject(found, hex, m);
	}
	mq_cards_release(cards);
	mq_err rc = MQ_OK;
	if (n_missing) {
		bson_t *filter = in_filter("_id", missing, n_missing);
		BCON_APPEND(filter, "hidden", "{", "$ne", BCON_BOOL(true), "}"); /* hidden since the training run */
		mq_catalog_audience_filter(filter, audience);
		bson_t opts = BSON_INITIALIZER;
		mq_catalog_summary_projection(&opts);
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
		rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "recommended movies") : MQ_OK;
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(coll);
		bson_destroy(&opts);
		bson_destroy(filter);
	}
	free(missing);
	*items = cJSON_CreateArray();
	for (size_t i = 0; i < n && rc == MQ_OK && cJSON_GetArraySize(*items) < limit; i++) {
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

mq_err mq_recommend_for(mq_db *db, const char *user_id, long long known, const char *lang,
			const mq_audience *audience, int limit, cJSON **items)
{
	bson_oid_t user;
	*items = NULL;
	if (mq_oid_parse(user_id, &user) || limit < 1 || limit > 100)
		return MQ_EINVAL;
	long long version = 0;
	cJSON *prefs = NULL;
	mq_err rc = mq_lists_version(db, user_id, known, &version);
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
	char who[32]; /* the audience the list was made for: a birthday or a setting changes it */
	snprintf(who, sizeof who, "%d/%d/%s", audience->age, audience->adult_ok, audience->region);
	if ((*items = cached(database, &user, version, lang, who, limit))) {
		cJSON_Delete(prefs);
		mq_db_release(db, client, database);
		return MQ_OK;
	}
	taste t = { 0 };
	candidate_info info = { 0 };
	rc = gather(database, &user, version, &t);

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
				t.weight[i] += mq_recommend_signal_weight("favorites");
			}
		}
		bson_error_t error;
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, "favourite movies");
		mongoc_cursor_destroy(cursor);
		mongoc_collection_destroy(movies);
		bson_destroy(opts);
	}
	bson_destroy(&fav);
	t.n_own = (int)t.items.n;

	/* the member's strongest movies: their genres are the member's taste, their neighbours candidates */
	int *own = mq_xcalloc((size_t)t.n_own + 1, sizeof *own);
	for (int i = 0; i < t.n_own; i++)
		own[i] = i;
	qsort_r(own, (size_t)t.n_own, sizeof *own, by_weight, t.weight);
	int n_strong = t.n_own < MQ_RECOMMEND_STRONG ? t.n_own : MQ_RECOMMEND_STRONG;
	int *strong = own; /* the first n_strong */
	float *strong_w = mq_xcalloc((size_t)n_strong + 1, sizeof *strong_w);
	for (int a = 0; a < n_strong; a++)
		strong_w[a] = t.weight[strong[a]];
	/* a model over the candidates with rows for the member's own movies only: mq_recs_score reads
	 * the lists of the items it is given, the strong ones */
	mq_recs_model model = { 0 };
	model.k = MQ_RECOMMEND_NEIGHBOURS;
	model.count = mq_xcalloc((size_t)t.n_own + 1, sizeof *model.count);
	model.neighbours = mq_xcalloc(((size_t)t.n_own + 1) * MQ_RECOMMEND_NEIGHBOURS, sizeof *model.neighbours);
	if (rc == MQ_OK && n_strong)
		rc = read_lists(database, &t, strong, n_strong, &model);
	if (rc == MQ_OK && n_strong)
		rc = read_missing_genres(database, &t, strong, n_strong);
	for (int a = 0; a < n_strong; a++)
		for (int g = 0; strong_w[a] > 0 && t.known[strong[a]] && g < t.meta[strong[a]].n_genres; g++)
			like_genre(&t, t.meta[strong[a]].genre[g], strong_w[a]);
	/* and the most popular, overall and of the member's genres */
	bool trained = false;
	if (rc == MQ_OK)
		rc = add_popular(database, &t, &trained);
	if (rc == MQ_OK && !trained)
		rc = add_popular_movies(database, &t);
	if (rc == MQ_OK) {
		int n = (int)t.items.n;
		candidates_info(&t, &info);
		model.n_items = n;
		float *scores = mq_xcalloc((size_t)n + 1, sizeof *scores);
		int *because = mq_xcalloc((size_t)n + 1, sizeof *because);
		/* twice as many as asked for: those the audience may not see are left out */
		size_t want = 2 * (size_t)limit;
		int *top = mq_xcalloc(want, sizeof *top);
		/* the member's own items are never candidates: t.excluded marks them */
		mq_recs_score(&model, strong, strong_w, (size_t)n_strong, info.content, info.quality, t.excluded,
			      mq_recommend_weights, scores, because);
		size_t k = mq_recs_top(scores, n, info.group, MQ_RECOMMEND_MAX_RUN, top, want);
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
			bson_error_t error;
			if (mongoc_cursor_error(cursor, &error))
				rc = mq_db_error(&error, "genre names");
			mongoc_cursor_destroy(cursor);
			mongoc_collection_destroy(coll);
		}
		if (rc == MQ_OK)
			rc = describe(database, &t, top, k, scores, because, &info, genre_names, lang, audience, limit, items);
		if (rc == MQ_OK)
			cache(database, &user, version, lang, who, limit, *items);
		cJSON_Delete(genre_names);
		free(top);
		free(because);
		free(scores);
	}
	free(model.count);
	free(model.neighbours);
	free(strong_w);
	free(own);
	free(info.content);
	free(info.quality);
	free(info.group);
	free(info.liked);
	taste_free(&t);
	cJSON_Delete(prefs);
	mq_db_release(db, client, database);
	return rc;
}

