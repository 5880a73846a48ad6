/* catalog.c — movies: lookup, fetch-through from TMDB, documents and their JSON (see catalog.h). */
#include "domain/catalog.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/cards.h"
#include "domain/genre.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/valid.h"

#include <string.h>
#include <time.h>

cJSON *mq_catalog_movie_json(const bson_t *doc, const char *lang)
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
	return m;
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

mq_err mq_catalog_get(const mq_env *env, const char *ref, const char *lang, cJSON **movie, int *fetched)
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
		return rc;
	}

	/* not in the catalogue: fetch it from TMDB (the database client is not held meanwhile) */
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	const char *query[] = { "append_to_response", "credits,keywords,translations,release_dates", NULL };
	cJSON *details = NULL, *set = NULL;
	mq_cache_state state;
	rc = mq_tmdbcache_get(env, path, query, &details, &state);
	if (rc == MQ_OK && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(details, "adult")))
		rc = MQ_ENOTFOUND; /* adult titles never enter the catalogue (as in sync.c) */
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
	return rc;
}

const char *const mq_catalog_summary_fields[] = {
	"tmdb_id", "slug", "title", "titles", "original_title", "overviews", "release_date", "year",
	"runtime", "genres", "poster_path", "backdrop_path", "popularity", "vote_average",
	"vote_count", "average_rating", "rating_count", "source", NULL,
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
	cJSON *m = mq_catalog_movie_json(doc, lang);
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
	"popularity", "vote_average", "vote_count", NULL,
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
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	mongoc_collection_t *coll = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
	cJSON *movie = NULL;
	mq_err rc = find_movie(coll, filter, "en", &movie);
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
		bson_error_t error;
		if (!mongoc_collection_update_one(coll, filter, &update, NULL, NULL, &error))
			rc = mq_db_error(&error, "movie locks");
		bson_destroy(&update);
		if (rc == MQ_OK && now)
			*now = list;
		else
			cJSON_Delete(list);
	}
	cJSON_Delete(movie);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	mq_db_push(db, client);
	return rc;
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
	for (size_t i = 0; i < count && !(whole && n >= first + q->limit); i++) {
		if (!mq_cards_match(order[i], q))
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
