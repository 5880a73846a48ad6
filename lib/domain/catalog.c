/* catalog.c — movies: lookup, fetch-through from TMDB, documents and their JSON (see catalog.h). */
#include "domain/catalog.h"
#include "core/clock.h"
#include "core/l10n.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/cards.h"
#include "domain/genre.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/valid.h"

#include <string.h>
#include <time.h>

/* {iso_3166_1 (countries) or iso_639_1: code, name: its name in lang} for each ISO code of the
 * array codes (name: the code itself where ICU has none). */
static cJSON *named_codes(const cJSON *codes, int countries, const char *lang)
{
	const char *key = countries ? "iso_3166_1" : "iso_639_1";
	cJSON *out = cJSON_CreateArray();
	const cJSON *c;
	mq_buf name = MQ_BUF_INIT;
	cJSON_ArrayForEach(c, codes) {
		if (!cJSON_IsString(c))
			continue;
		mq_buf_reset(&name);
		int rc = countries ? mq_l10n_country_name(&name, lang, c->valuestring)
				       : mq_l10n_language_name(&name, lang, c->valuestring);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, key, c->valuestring);
		cJSON_AddStringToObject(o, "name", rc ? c->valuestring : mq_buf_cstr(&name));
		cJSON_AddItemToArray(out, o);
	}
	mq_buf_free(&name);
	return out;
}

/* Sets m[key] to value (taken over), replacing what is there. */
static void put(cJSON *m, const char *key, cJSON *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(m, key);
	cJSON_AddItemToObject(m, key, value);
}

/* The whole movie's fields beyond a summary's, for lang: tagline in lang (else English), the
 * countries and languages named in lang, the trailers lang plays (mq_movie_trailers_for), and
 * each field a movie stored before it existed lacks, empty. */
static void full_fields(cJSON *m, const char *lang)
{
	const cJSON *taglines = cJSON_GetObjectItemCaseSensitive(m, "taglines");
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(taglines, lang));
	t = t ? t : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(taglines, "en"));
	t = t ? t : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "tagline"));
	put(m, "tagline", t ? cJSON_CreateString(t) : cJSON_CreateNull());
	if (!cJSON_IsObject(taglines))
		put(m, "taglines", cJSON_CreateObject());
	put(m, "production_countries", named_codes(cJSON_GetObjectItemCaseSensitive(m, "production_countries"), 1, lang));
	put(m, "spoken_languages", named_codes(cJSON_GetObjectItemCaseSensitive(m, "spoken_languages"), 0, lang));
	put(m, "trailers", mq_movie_trailers_for(cJSON_GetObjectItemCaseSensitive(m, "trailers"), lang));
	static const char *const lists[] = { "writers", "composers", "cinematographers" };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(m, lists[i])))
			put(m, lists[i], cJSON_CreateArray());
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(m, "certifications")))
		put(m, "certifications", cJSON_CreateObject());
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(m, "collection")))
		put(m, "collection", cJSON_CreateNull());
}

/* A movies document as JSON (full: a whole movie's, else a summary's). */
static cJSON *movie_json(const bson_t *doc, const char *lang, int full)
{
	char *text = bson_as_relaxed_extended_json(doc, NULL);
	cJSON *m = text ? cJSON_Parse(text) : NULL;
	bson_free(text);
	if (!m)
		return NULL;
	cJSON *oid = cJSON_DetachItemFromObjectCaseSensitive(m, "_id");
	const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(oid, "$oid"));
	cJSON_AddItemToObject(m, "id", cJSON_CreateString(hex ? hex : ""));
	cJSON_Delete(oid);
	for (cJSON *f = m->child, *next; f; f = next) {
		next = f->next; /* replacing f frees it */
		const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "$date"));
		if (cJSON_IsObject(f) && date)
			cJSON_ReplaceItemInObjectCaseSensitive(m, f->string, cJSON_CreateString(date));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(m, "search_keys");
	cJSON_DeleteItemFromObjectCaseSensitive(m, "title_key");
	if (cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "tmdb_id")) < 0)
		cJSON_DeleteItemFromObjectCaseSensitive(m, "tmdb_id"); /* a manual movie's placeholder (admin.h) */
	cJSON_DeleteItemFromObjectCaseSensitive(m, "rating_sum");
	const cJSON *titles = cJSON_GetObjectItemCaseSensitive(m, "titles");
	const cJSON *overviews = cJSON_GetObjectItemCaseSensitive(m, "overviews");
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(titles, lang));
	const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, lang));
	if (t)
		cJSON_ReplaceItemInObjectCaseSensitive(m, "title", cJSON_CreateString(t));
	cJSON_DeleteItemFromObjectCaseSensitive(m, "overview");
	o = o ? o : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, "en"));
	if (o)
		cJSON_AddStringToObject(m, "overview", o);
	else
		cJSON_AddNullToObject(m, "overview");
	if (full)
		full_fields(m, lang);
	return m;
}

cJSON *mq_catalog_movie_json(const bson_t *doc, const char *lang)
{
	return movie_json(doc, lang, 1);
}

static mq_err find_movie(mongoc_collection_t *coll, const bson_t *filter, const char *lang, cJSON **movie)
{
	bson_t doc;
	mq_err rc = mq_db_find_one(coll, filter, NULL, &doc, "movie lookup");
	if (rc == MQ_OK && !(*movie = mq_catalog_movie_json(&doc, lang)))
		rc = MQ_ENOTFOUND;
	bson_destroy(&doc);
	return rc;
}

void mq_catalog_slug(const cJSON *doc, int with_id, char *out, size_t size)
{
	char base[140];
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "title"));
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(doc, "year");
	long long tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id"));
	mq_slugify(title ? title : "movie", base, sizeof base);
	const char *dash = *base ? "-" : "";
	if (cJSON_IsNumber(year) && with_id)
		snprintf(out, size, "%s%s%d-%lld", base, dash, (int)year->valuedouble, tmdb_id);
	else if (cJSON_IsNumber(year))
		snprintf(out, size, "%s%s%d", base, dash, (int)year->valuedouble);
	else
		snprintf(out, size, "%s%s%lld", base, dash, tmdb_id);
}

/* The fields only a new movie gets (its slug, source, rating fields, locks, creation time). */
static void append_new_fields(bson_t *b, const char *slug, const char *source, int64_t now)
{
	bson_t empty;
	BSON_APPEND_UTF8(b, "slug", slug);
	BSON_APPEND_UTF8(b, "source", source);
	BSON_APPEND_INT64(b, "rating_sum", 0);
	BSON_APPEND_INT64(b, "rating_count", 0);
	BSON_APPEND_DOUBLE(b, "average_rating", 0);
	BSON_APPEND_ARRAY_BEGIN(b, "locked_fields", &empty);
	bson_append_array_end(b, &empty);
	BSON_APPEND_DATE_TIME(b, "created_at", now);
}

bson_t *mq_catalog_upsert(const cJSON *doc, const char *slug, int64_t now)
{
	bson_t *fields = mq_db_bson_from_json(doc);
	if (!fields)
		return NULL;
	bson_t *update = bson_new(), child;
	BSON_APPEND_DOCUMENT_BEGIN(update, "$set", &child);
	bson_concat(&child, fields);
	BSON_APPEND_DATE_TIME(&child, "tmdb_synced_at", now);
	BSON_APPEND_DATE_TIME(&child, "updated_at", now);
	bson_append_document_end(update, &child);
	BSON_APPEND_DOCUMENT_BEGIN(update, "$setOnInsert", &child);
	append_new_fields(&child, slug, "tmdb", now);
	bson_append_document_end(update, &child);
	bson_destroy(fields);
	return update;
}

bson_t *mq_catalog_new_movie(const cJSON *doc, const char *slug, const char *source, int64_t now)
{
	bson_t *fields = mq_db_bson_from_json(doc);
	if (!fields)
		return NULL;
	BSON_APPEND_DATE_TIME(fields, "tmdb_synced_at", now);
	BSON_APPEND_DATE_TIME(fields, "updated_at", now);
	append_new_fields(fields, slug, source, now);
	return fields;
}

/* Upserts the movie by tmdb_id. A slug already taken by another movie gets the TMDB id appended;
 * a concurrent fetch of the same movie makes one upsert win and the other retry as an update. */
static mq_err store_movie(mongoc_collection_t *coll, cJSON *set, long long tmdb_id)
{
	mq_err rc = MQ_OK;
	bson_error_t error;
	char slug[160];
	int64_t now = mq_clock_ms();
	for (int attempt = 0; attempt < 3; attempt++) {
		mq_catalog_slug(set, attempt > 0, slug, sizeof slug);
		bson_t *update = mq_catalog_upsert(set, slug, now);
		if (!update) {
			mq_log(MQ_LOG_ERROR, "catalog", "movie %lld could not be converted", tmdb_id);
			return MQ_EINTERNAL;
		}
		bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
		bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
		bool ok = mongoc_collection_update_one(coll, filter, update, opts, NULL, &error);
		bson_destroy(opts);
		bson_destroy(filter);
		bson_destroy(update);
		if (ok)
			return MQ_OK;
		rc = mq_db_error(&error, "movie upsert");
		if (rc != MQ_ECONFLICT)
			break;
		/* either the same movie was inserted meanwhile (the next attempt updates it) or
		 * another movie has this slug: the next makes it unique with the TMDB id */
	}
	return rc;
}

/* MQ_ENOTFOUND (and *movie freed) when audience may not see *movie; rc otherwise. */
static mq_err gate(mq_err rc, const mq_audience *audience, cJSON **movie)
{
	if (rc != MQ_OK || !audience || mq_catalog_allows(*movie, audience))
		return rc;
	cJSON_Delete(*movie);
	*movie = NULL;
	return MQ_ENOTFOUND;
}

mq_err mq_catalog_get(const mq_env *env, const char *ref, const char *lang, const mq_audience *audience,
		      cJSON **movie, int *fetched)
{
	mq_db *db = env->db;
	long long tmdb_id = 0;
	bson_oid_t oid;
	bson_t *filter;
	*movie = NULL;
	*fetched = 0;
	mq_movie_ref_kind kind = mq_valid_movie_ref(ref, &tmdb_id);
	switch (kind) {
	case MQ_REF_TMDB:
		filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
		break;
	case MQ_REF_OBJECT_ID:
		bson_oid_init_from_string(&oid, ref);
		filter = BCON_NEW("_id", BCON_OID(&oid));
		break;
	case MQ_REF_SLUG:
		filter = BCON_NEW("slug", BCON_UTF8(ref));
		break;
	default:
		return MQ_EINVAL;
	}
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database) {
		bson_destroy(filter);
		return MQ_EUNAVAIL;
	}
	/* the card names the movie's _id, which the database finds without a scan (and the movie
	 * may be one this process keeps whole); a movie without one (stored since this process last
	 * looked, or not in the catalogue) is looked up by ref */
	mq_cards *cards = mq_cards_acquire(database);
	if (!cards) { /* the database is down: so is the lookup */
		mq_db_release(db, client, database);
		bson_destroy(filter);
		return MQ_EUNAVAIL;
	}
	const mq_card *card = kind == MQ_REF_TMDB ? mq_cards_by_tmdb(cards, tmdb_id)
			      : kind == MQ_REF_SLUG ? mq_cards_by_slug(cards, ref)
			      : mq_cards_by_oid(cards, &oid);
	bson_t doc, *kept = card ? mq_cards_doc(cards, &card->oid) : NULL;
	const bson_t *found = kept;
	mq_err rc = MQ_OK;
	mongoc_collection_t *coll = NULL;
	if (!kept) {
		if (card) {
			bson_destroy(filter);
			filter = BCON_NEW("_id", BCON_OID(&card->oid));
		}
		coll = mongoc_database_get_collection(database, "movies");
		rc = mq_db_find_one(coll, filter, NULL, &doc, "movie lookup");
		mongoc_collection_destroy(coll);
		if (rc == MQ_OK && card)
			mq_cards_keep_doc(cards, &card->oid, &doc);
		found = &doc;
	}
	if (rc == MQ_OK && !(*movie = mq_catalog_movie_json(found, lang)))
		rc = MQ_ENOTFOUND;
	if (kept)
		bson_destroy(kept);
	else
		bson_destroy(&doc);
	mq_cards_release(cards);
	mq_db_release(db, client, database);
	if (rc == MQ_OK && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(*movie, "hidden"))) {
		cJSON_Delete(*movie); /* hidden by a curator: not there for the public */
		*movie = NULL;
		bson_destroy(filter);
		return MQ_ENOTFOUND;
	}
	if (rc != MQ_ENOTFOUND || !tmdb_id || !env->tmdb) {
		bson_destroy(filter);
		return gate(rc, audience, movie);
	}

	/* not in the catalogue: fetch it from TMDB (the database client is not held meanwhile) */
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	const char *const *query = mq_movie_details_query;
	cJSON *details = NULL, *set = NULL;
	mq_cache_state state;
	rc = mq_tmdbcache_get(env, path, query, &details, &state);
	if (rc == MQ_OK && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(details, "adult")) && !(audience && audience->adult_ok))
		rc = MQ_ENOTFOUND; /* adult titles enter only when an opted-in adult opens one */
	if (rc == MQ_OK && !(set = mq_movie_doc_from_tmdb(details, env->cfg)))
		rc = MQ_EUPSTREAM;
	if (rc == MQ_OK && !(database = mq_db_acquire(db, &client)))
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK) {
		coll = mongoc_database_get_collection(database, "movies");
		if ((rc = store_movie(coll, set, tmdb_id)) == MQ_OK)
			rc = find_movie(coll, filter, lang, movie);
		mongoc_collection_destroy(coll);
		bson_oid_t stored;
		if (rc == MQ_OK && !mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*movie, "id")), &stored))
			mq_cards_bump(database, &stored, 1, NULL); /* every process's cards learn of it */
		mq_db_release(db, client, database);
		*fetched = rc == MQ_OK;
	}
	cJSON_Delete(details);
	cJSON_Delete(set);
	bson_destroy(filter);
	return gate(rc, audience, movie);
}

const char *const mq_catalog_summary_fields[] = {
	"tmdb_id", "slug", "title", "titles", "original_title", "overviews", "release_date", "year",
	"runtime", "genres", "poster_path", "backdrop_path", "popularity", "vote_average",
	"vote_count", "average_rating", "rating_count", "source",
	"adult", "min_age", "age_limits", /* what the audience rule reads (mq_catalog_allows) */
	NULL,
};

void mq_catalog_summary_projection(bson_t *opts)
{
	bson_t child;
	BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &child);
	for (size_t i = 0; mq_catalog_summary_fields[i]; i++)
		BSON_APPEND_INT32(&child, mq_catalog_summary_fields[i], 1);
	bson_append_document_end(opts, &child);
}

cJSON *mq_catalog_summary_json(const bson_t *doc, const void *lang)
{
	cJSON *m = movie_json(doc, lang, 0);
	cJSON_DeleteItemFromObjectCaseSensitive(m, "overviews");
	return m;
}

/* A join like mq_db_join's answered from the cards: each item whose key names a card gets
 * from_card(card, arg) as member as (NULL: nothing); items whose movie the cards lack (stored
 * since this process last looked, or no cards) are joined from the movies collection in one
 * query (opts, from_doc). */
static void join_cards(mongoc_database_t *database, cJSON *items, const char *key, const char *as,
		       cJSON *(*from_card)(const mq_card *card, const void *arg), const bson_t *opts,
		       cJSON *(*from_doc)(const bson_t *doc, const void *arg), const void *arg)
{
	mq_cards *cards = mq_cards_acquire(database);
	int missed = 0;
	cJSON *item;
	cJSON_ArrayForEach(item, items) {
		bson_oid_t oid;
		if (!cJSON_IsObject(item) || mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, key)), &oid))
			continue;
		const mq_card *card = cards ? mq_cards_by_oid(cards, &oid) : NULL;
		cJSON *joined = card ? from_card(card, arg) : NULL;
		if (joined)
			cJSON_AddItemToObject(item, as, joined);
		missed |= !card;
	}
	mq_cards_release(cards);
	if (missed)
		mq_db_join(database, "movies", items, key, as, opts, from_doc, arg);
}

static cJSON *card_summary(const mq_card *card, const void *lang)
{
	return mq_catalog_summary_json(card->summary, lang);
}

void mq_catalog_join_summaries(mongoc_database_t *database, cJSON *items, const char *key, const char *lang)
{
	bson_t opts = BSON_INITIALIZER;
	mq_catalog_summary_projection(&opts);
	join_cards(database, items, key, "movie", card_summary, &opts, mq_catalog_summary_json, lang);
	bson_destroy(&opts);
}

static cJSON *card_tmdb_id(const mq_card *card, const void *unused)
{
	(void)unused;
	return card->tmdb_id ? cJSON_CreateNumber((double)card->tmdb_id) : NULL;
}

static cJSON *doc_tmdb_id(const bson_t *doc, const void *unused)
{
	(void)unused;
	bson_iter_t it;
	if (bson_iter_init_find(&it, doc, "tmdb_id") && BSON_ITER_HOLDS_NUMBER(&it))
		return cJSON_CreateNumber((double)bson_iter_as_int64(&it));
	return NULL;
}

void mq_catalog_join_tmdb_ids(mongoc_database_t *database, cJSON *items, const char *key)
{
	bson_t *opts = BCON_NEW("projection", "{", "tmdb_id", BCON_INT32(1), "}");
	join_cards(database, items, key, "tmdb_id", card_tmdb_id, opts, doc_tmdb_id, NULL);
	bson_destroy(opts);
}

const char *const mq_catalog_lockable[] = {
	"title", "titles", "original_title", "original_language", "overviews", "release_date", "year", "runtime",
	"genres", "poster_path", "backdrop_path", "cast", "directors", "keywords", "certification", "imdb_id",
	"popularity", "vote_average", "vote_count", "adult", "min_age", NULL,
};

static int lockable(const char *field)
{
	for (int i = 0; mq_catalog_lockable[i]; i++)
		if (!strcmp(field, mq_catalog_lockable[i]))
			return 1;
	return 0;
}

mq_err mq_catalog_lock(mq_db *db, long long tmdb_id, const char *const *fields, size_t n, int lock, cJSON **now)
{
	if (now)
		*now = NULL;
	for (size_t i = 0; i < n; i++)
		if (!lockable(fields[i]))
			return MQ_EINVAL;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "movies");
	bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
	cJSON *movie = NULL;
	mq_err rc = find_movie(coll, filter, "en", &movie);
	/* read again and written under the movie's lease (mq_db_lease_take): the list is read whole */
	bson_oid_t id;
	mq_db_lease lease;
	bson_error_t error;
	int leased = 0;
	if (rc == MQ_OK && mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id")), &id))
		rc = MQ_EINTERNAL;
	if (rc == MQ_OK && !(leased = mq_db_lease_take(database, "movies", &id, &lease, &error)))
		rc = mq_db_error(&error, "movie lease");
	if (rc == MQ_OK) {
		cJSON_Delete(movie);
		movie = NULL;
		bson_destroy(filter);
		filter = BCON_NEW("_id", BCON_OID(&id));
		rc = find_movie(coll, filter, "en", &movie);
	}
	if (rc == MQ_OK) {
		/* the new list, read then written whole (no $addToSet/$pull needed) */
		cJSON *list = cJSON_CreateArray(), *f;
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(movie, "locked_fields")) {
			int drop = !cJSON_IsString(f);
			for (size_t i = 0; i < n && !drop; i++)
				drop = !strcmp(f->valuestring, fields[i]);
			if (!drop)
				cJSON_AddItemToArray(list, cJSON_CreateString(f->valuestring));
		}
		for (size_t i = 0; i < n && lock; i++)
			cJSON_AddItemToArray(list, cJSON_CreateString(fields[i]));
		bson_t update = BSON_INITIALIZER, set, arr;
		BSON_APPEND_DOCUMENT_BEGIN(&update, "$set", &set);
		BSON_APPEND_ARRAY_BEGIN(&set, "locked_fields", &arr);
		int k = 0;
		cJSON_ArrayForEach(f, list) {
			char key[16];
			snprintf(key, sizeof key, "%d", k++);
			BSON_APPEND_UTF8(&arr, key, f->valuestring);
		}
		bson_append_array_end(&set, &arr);
		BSON_APPEND_DATE_TIME(&set, "updated_at", mq_clock_ms());
		bson_append_document_end(&update, &set);
		if (!mongoc_collection_update_one(coll, filter, &update, NULL, NULL, &error))
			rc = mq_db_error(&error, "movie locks");
		bson_destroy(&update);
		if (rc == MQ_OK && now)
			*now = list;
		else
			cJSON_Delete(list);
	}
	if (leased)
		mq_db_lease_give(database, &lease);
	cJSON_Delete(movie);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_release(db, client, database);
	return rc;
}

/* ---- the audience rule over the catalogue ---- */

/* The age limits of a movie's age_limits object into out (at most n), their number. */
static size_t age_limits(const cJSON *movie, mq_age_limit *out, size_t n)
{
	size_t k = 0;
	const cJSON *l;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(movie, "age_limits")) {
		if (k == n || !cJSON_IsNumber(l) || strlen(l->string) != 2)
			continue;
		snprintf(out[k].region, sizeof out[k].region, "%s", l->string);
		out[k++].age = (int)l->valuedouble;
	}
	return k;
}

int mq_catalog_allows(const cJSON *movie, const mq_audience *audience)
{
	mq_age_limit limits[64];
	const cJSON *min_age = cJSON_GetObjectItemCaseSensitive(movie, "min_age");
	int curator = cJSON_IsNumber(min_age) && min_age->valuedouble >= 0 ? (int)min_age->valuedouble : -1;
	size_t n = age_limits(movie, limits, sizeof limits / sizeof limits[0]);
	return mq_audience_allows(audience, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(movie, "adult")),
				  mq_audience_movie_age(curator, audience->region, limits, n));
}

/* Into array a at index i: {key: {$lte: age}}, or with age < 0 {key: {$exists: false}}. */
static void append_cond(bson_t *a, int i, const char *key, int age)
{
	char index[8];
	bson_t c, e;
	snprintf(index, sizeof index, "%d", i);
	BSON_APPEND_DOCUMENT_BEGIN(a, index, &c);
	BSON_APPEND_DOCUMENT_BEGIN(&c, key, &e);
	if (age < 0)
		BSON_APPEND_BOOL(&e, "$exists", false);
	else
		BSON_APPEND_INT32(&e, "$lte", age);
	bson_append_document_end(&c, &e);
	bson_append_document_end(a, &c);
}

/* The region's limit condition into array a at index i: age_limits.<region> at most age, or
 * absent with the reference region's absent or at most age (the region is the reference:
 * absent or at most age). */
static void append_region_limit(bson_t *a, int i, const char *region, int age)
{
	char index[8], key[32], ref[32];
	bson_t c, any, all, inner, ref_any;
	snprintf(index, sizeof index, "%d", i);
	snprintf(ref, sizeof ref, "age_limits.%s", MQ_AUDIENCE_REFERENCE_REGION);
	snprintf(key, sizeof key, "age_limits.%s", *region ? region : MQ_AUDIENCE_REFERENCE_REGION);
	BSON_APPEND_DOCUMENT_BEGIN(a, index, &c);
	BSON_APPEND_ARRAY_BEGIN(&c, "$or", &any);
	if (!strcmp(key, ref)) {
		append_cond(&any, 0, ref, -1);
		append_cond(&any, 1, ref, age);
	} else {
		append_cond(&any, 0, key, age);
		BSON_APPEND_DOCUMENT_BEGIN(&any, "1", &all);
		BSON_APPEND_ARRAY_BEGIN(&all, "$and", &inner);
		append_cond(&inner, 0, key, -1);
		BSON_APPEND_DOCUMENT_BEGIN(&inner, "1", &ref_any);
		bson_t ref_or;
		BSON_APPEND_ARRAY_BEGIN(&ref_any, "$or", &ref_or);
		append_cond(&ref_or, 0, ref, -1);
		append_cond(&ref_or, 1, ref, age);
		bson_append_array_end(&ref_any, &ref_or);
		bson_append_document_end(&inner, &ref_any);
		bson_append_array_end(&all, &inner);
		bson_append_document_end(&any, &all);
	}
	bson_append_array_end(&c, &any);
	bson_append_document_end(a, &c);
}

void mq_catalog_audience_filter(bson_t *filter, const mq_audience *audience)
{
	bson_t c, and, cond, or, curator, none_all, none, none_or, no_curator;
	if (!audience->adult_ok) {
		BSON_APPEND_DOCUMENT_BEGIN(filter, "adult", &c);
		BSON_APPEND_BOOL(&c, "$ne", true);
		bson_append_document_end(filter, &c);
	}
	if (!mq_audience_restricted(audience))
		return; /* no limit is above MQ_ADULT_AGE */
	int age = audience->age;
	/* {$and: [{$or: [{min_age: {$lte: age}},
	 *                {$and: [{$or: [{min_age: {$exists: false}}, {min_age: null}]}, <region limit>]}]}]} */
	BSON_APPEND_ARRAY_BEGIN(filter, "$and", &and);
	BSON_APPEND_DOCUMENT_BEGIN(&and, "0", &cond);
	BSON_APPEND_ARRAY_BEGIN(&cond, "$or", &or);
	append_cond(&or, 0, "min_age", age);
	BSON_APPEND_DOCUMENT_BEGIN(&or, "1", &none_all);
	BSON_APPEND_ARRAY_BEGIN(&none_all, "$and", &none);
	BSON_APPEND_DOCUMENT_BEGIN(&none, "0", &no_curator);
	BSON_APPEND_ARRAY_BEGIN(&no_curator, "$or", &none_or);
	append_cond(&none_or, 0, "min_age", -1);
	BSON_APPEND_DOCUMENT_BEGIN(&none_or, "1", &curator);
	BSON_APPEND_NULL(&curator, "min_age");
	bson_append_document_end(&none_or, &curator);
	bson_append_array_end(&no_curator, &none_or);
	bson_append_document_end(&none, &no_curator);
	append_region_limit(&none, 1, audience->region, age);
	bson_append_array_end(&none_all, &none);
	bson_append_document_end(&or, &none_all);
	bson_append_array_end(&cond, &or);
	bson_append_document_end(&and, &cond);
	bson_append_array_end(filter, &and);
}

/* Keeps in items those keep(cards, item, arg) answers non-zero for, with this process's cards
 * (mq_cards_acquire: no query); *removed (may be NULL) counts the others. MQ_EUNAVAIL when the
 * database is away (items as they were). */
static mq_err keep_with_cards(mq_db *db, cJSON *items, int (*keep)(const mq_cards *, cJSON *, const void *),
			      const void *arg, long long *removed)
{
	if (removed)
		*removed = 0;
	if (!cJSON_GetArraySize(items))
		return MQ_OK;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	mq_cards *cards = database ? mq_cards_acquire(database) : NULL;
	for (cJSON *m = cards ? items->child : NULL, *next; m; m = next) {
		next = m->next;
		if (!keep(cards, m, arg)) {
			cJSON_Delete(cJSON_DetachItemViaPointer(items, m));
			if (removed)
				++*removed;
		}
	}
	mq_cards_release(cards);
	if (database)
		mq_db_release(db, client, database);
	return cards ? MQ_OK : MQ_EUNAVAIL;
}

/* The card of a TMDB movie item (its tmdb_id), or NULL. */
static const mq_card *card_of_tmdb_item(const mq_cards *cards, const cJSON *m)
{
	long long tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "tmdb_id"));
	return tmdb_id > 0 ? mq_cards_by_tmdb(cards, tmdb_id) : NULL;
}

static int tmdb_item_allowed(const mq_cards *cards, cJSON *m, const void *audience)
{
	const mq_card *card = card_of_tmdb_item(cards, m);
	return card ? mq_cards_allows(card, audience)
		    : mq_audience_allows_unrated(audience, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "adult")));
}

mq_err mq_catalog_gate_tmdb(mq_db *db, const mq_audience *audience, cJSON *items)
{
	return keep_with_cards(db, items, tmdb_item_allowed, audience, NULL);
}

typedef struct adoption {
	const char *lang, *mark;
} adoption;

/* Gives m its card's summary (see mq_catalog_adopt_tmdb); 0 when a curator hid its movie. */
static int adopt(const mq_cards *cards, cJSON *m, const void *arg)
{
	const adoption *a = arg;
	const mq_card *card = card_of_tmdb_item(cards, m);
	if (card && card->hidden) /* hidden by a curator: not there for the public */
		return 0;
	cJSON *summary = card ? mq_catalog_summary_json(card->summary, a->lang) : NULL;
	for (const cJSON *f = summary ? summary->child : NULL; f; f = f->next) {
		cJSON_DeleteItemFromObjectCaseSensitive(m, f->string);
		cJSON_AddItemToObject(m, f->string, cJSON_Duplicate(f, 1));
	}
	if (summary && a->mark)
		cJSON_ReplaceItemInObjectCaseSensitive(m, a->mark, cJSON_CreateBool(1));
	cJSON_Delete(summary);
	return 1;
}

mq_err mq_catalog_adopt_tmdb(mq_db *db, cJSON *items, const char *lang, const char *mark)
{
	const adoption a = { lang, mark };
	return keep_with_cards(db, items, adopt, &a, NULL);
}

typedef struct entry_gate {
	const mq_audience *audience;
	const char *key;
} entry_gate;

/* Whether the audience may see the movie of list entry e: judged by its joined summary, else
 * its card; a movie neither knows is not hidden. */
static int entry_allowed(const mq_cards *cards, cJSON *e, const void *arg)
{
	const entry_gate *g = arg;
	const cJSON *movie = cJSON_GetObjectItemCaseSensitive(e, "movie");
	if (cJSON_IsObject(movie))
		return mq_catalog_allows(movie, g->audience);
	bson_oid_t oid;
	const mq_card *card = mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, g->key)), &oid)
			      ? NULL : mq_cards_by_oid(cards, &oid);
	return !card || mq_cards_allows(card, g->audience);
}

mq_err mq_catalog_gate_entries(mq_db *db, const mq_audience *audience, cJSON *items, const char *key,
			       long long *removed)
{
	const entry_gate g = { audience, key };
	return keep_with_cards(db, items, entry_allowed, &g, removed);
}

const char *const mq_movie_sorts[] = { "popularity", "rating", "release", "title", NULL };
const char *const mq_movie_statuses[] = { "visible", "hidden", "missing", "any", NULL };

mq_err mq_catalog_list(mq_db *db, const mq_movie_query *q, cJSON **items, long long *total)
{
	*items = NULL;
	*total = 0;
	mongoc_client_t *client;
	mongoc_database_t *database = mq_db_acquire(db, &client);
	if (!database)
		return MQ_EUNAVAIL;
	mq_cards *cards = mq_cards_acquire(database);
	mq_db_release(db, client, database);
	if (!cards)
		return MQ_EUNAVAIL;
	/* the cards in the list's order, the page's ones converted: a filtered list reads every card
	 * (its total is counted), the whole public catalogue only up to its page (its total is known) */
	int whole = !q->source && !q->genre && !q->year && q->min_rating <= 0 && !q->search && !q->actor &&
		    !q->director && !q->audience && (q->status == MQ_STATUS_VISIBLE || q->status == MQ_STATUS_ANY);
	const mq_card **found = NULL; /* a search's: only the cards its keys name */
	size_t count = q->search ? mq_cards_search(cards, q->search, q->sort, q->ascending, &found) : mq_cards_count(cards);
	const mq_card *const *order = found ? found : mq_cards_sorted(cards, q->sort, q->ascending);
	long long first = (q->page - 1) * q->limit, n = 0;
	cJSON *list = cJSON_CreateArray();
	int sure = 0; /* the sieve knows that the card matches */
	for (size_t i = found ? 0 : mq_cards_sift(cards, q, 0, &sure); i < count && !(whole && n >= first + q->limit);
	     i = found ? i + 1 : mq_cards_sift(cards, q, i + 1, &sure)) {
		if (!sure && !mq_cards_match(order[i], q))
			continue;
		if (n >= first && n < first + q->limit) {
			cJSON *m = mq_catalog_summary_json(order[i]->summary, q->lang);
			if (m)
				cJSON_AddItemToArray(list, m);
		}
		n++;
	}
	free(found);
	*items = list;
	*total = !whole ? n
		 : (long long)(q->status == MQ_STATUS_ANY ? mq_cards_count(cards) : mq_cards_visible(cards));
	mq_cards_release(cards);
	return MQ_OK;
}
