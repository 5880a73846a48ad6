/* admin_movie.c — a curator's movies: checked, read, created, edited with locks, hidden,
 * synced, given images (see admin_movie.h). */
#include "domain/admin_movie.h"
#include "core/audience.h"
#include "core/clock.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "domain/sync.h"
#include "tmdb/movie.h"
#include "web/media.h"
#include "web/valid.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

const char *const mq_admin_movie_fields[] = {
	"tmdb_id", "title", "titles", "original_title", "original_language", "overview", "overviews", "release_date",
	"year", "runtime", "genres", "poster_path", "backdrop_path", "cast", "directors", "keywords", "certification",
	"imdb_id", "popularity", "vote_average", "vote_count", "adult", "min_age", NULL,
};

/* A rule's type for true/false (cJSON has two types for them). */
#define BOOLEAN (cJSON_True | cJSON_False)

/* Each settable field's JSON type and bounds: a string's length in characters, a number's value,
 * an array's size (and its elements' type). In mq_admin_movie_fields order. The form takes any
 * number of directors, one per line: so does the API, up to 500. */
static const struct movie_rule {
	int type;
	double min, max;
	int items;
} rules[] = {
	{ cJSON_Number, 1, 2147483647, 0 }, { cJSON_String, 1, 300, 0 }, { cJSON_Object, 0, 0, 0 },
	{ cJSON_String, 0, 300, 0 }, { cJSON_String, 2, 3, 0 }, { cJSON_String, 0, 5000, 0 }, { cJSON_Object, 0, 0, 0 },
	{ cJSON_String, 0, 10, 0 }, { cJSON_Number, 1870, 2100, 0 }, { cJSON_Number, 1, 1000, 0 },
	{ cJSON_Array, 0, 20, cJSON_Object }, { cJSON_String, 0, 300, 0 }, { cJSON_String, 0, 300, 0 },
	{ cJSON_Array, 0, 100, cJSON_Object }, { cJSON_Array, 0, 500, cJSON_Object }, { cJSON_Array, 0, 100, cJSON_String },
	{ cJSON_String, 0, 16, 0 }, { cJSON_String, 0, 12, 0 }, { cJSON_Number, 0, 1e9, 0 }, { cJSON_Number, 0, 10, 0 },
	{ cJSON_Number, 0, 1e9, 0 }, { BOOLEAN, 0, 0, 0 }, { cJSON_Number, 0, MQ_ADULT_AGE, 0 },
};

/* A genre as lists filter on it: {id: a TMDB genre id, name}. */
static int genre_ok(const cJSON *g)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "id");
	return cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble <= 2147483647 &&
	       id->valuedouble == (double)(long long)id->valuedouble &&
	       cJSON_IsString(cJSON_GetObjectItemCaseSensitive(g, "name"));
}

/* Valid UTF-8 of min..max characters (code points); control characters are TMDB's business. */
static int text_ok(const char *s, double min, double max)
{
	size_t n = strlen(s), chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars >= min && chars <= max && mq_utf8_valid(s, n);
}

static int value_ok(const cJSON *f, const struct movie_rule *r)
{
	if (cJSON_IsNull(f)) /* adult is true or false: TMDB's when unlocked, never unknown */
		return strcmp(f->string, "title") != 0 && strcmp(f->string, "adult") != 0;
	if (r->type == BOOLEAN)
		return cJSON_IsBool(f);
	if (!strcmp(f->string, "min_age") && f->valuedouble != (double)(int)f->valuedouble)
		return 0; /* whole years */
	if ((f->type & 0xFF) != r->type)
		return 0;
	if (cJSON_IsString(f))
		return text_ok(f->valuestring, r->min, r->max);
	if (cJSON_IsNumber(f))
		return f->valuedouble >= r->min && f->valuedouble <= r->max;
	int ok = 1;
	const cJSON *e;
	if (cJSON_IsArray(f)) {
		ok = cJSON_GetArraySize(f) <= (int)r->max;
		cJSON_ArrayForEach(e, f) {
			ok &= (e->type & 0xFF) == r->items;
			if (ok && cJSON_IsString(e))
				ok = mq_valid_text(e->valuestring, 1, 200);
			if (ok && !strcmp(f->string, "genres"))
				ok = genre_ok(e);
		}
		return ok;
	}
	cJSON_ArrayForEach(e, f) /* titles, overviews: {en, fa} */
		ok &= (!strcmp(e->string, "en") || !strcmp(e->string, "fa")) && cJSON_IsString(e) &&
		      text_ok(e->valuestring, 0, 5000);
	return ok;
}

int mq_admin_movie_check(mq_req *req, const cJSON *fields, int create)
{
	size_t before = req->errors.n;
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		size_t k = 0;
		while (mq_admin_movie_fields[k] && strcmp(mq_admin_movie_fields[k], f->string))
			k++;
		if (!mq_admin_movie_fields[k] || (!create && !strcmp(f->string, "tmdb_id")))
			mq_req_error(req, "%.40s is not a field you can set", f->string);
		else if (!value_ok(f, &rules[k]))
			mq_req_error(req, "%s has the wrong type or size", f->string);
	}
	if (create && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(fields, "title")))
		mq_req_error(req, "title is required");
	return req->errors.n > before ? -1 : 0;
}

static int lockable(const char *name)
{
	for (int i = 0; mq_catalog_lockable[i]; i++)
		if (!strcmp(name, mq_catalog_lockable[i]))
			return 1;
	return 0;
}

static int names_lockable(const cJSON *names)
{
	const cJSON *n;
	if (names && !cJSON_IsArray(names))
		return 0;
	cJSON_ArrayForEach(n, names)
		if (!cJSON_IsString(n) || !lockable(n->valuestring))
			return 0;
	return 1;
}

int mq_admin_movie_check_locks(mq_req *req, const cJSON *names, const char *what)
{
	if (names_lockable(names))
		return 0;
	mq_req_error(req, "%s: not a lockable field", what);
	return -1;
}

/* The JSON of the movie filter finds (hidden ones too), or MQ_ENOTFOUND. */
static mq_err find_movie(mongoc_collection_t *movies, const bson_t *filter, cJSON **movie)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, NULL, NULL);
	mq_err rc = MQ_ENOTFOUND;
	*movie = NULL;
	if (mongoc_cursor_next(cursor, &doc))
		rc = (*movie = mq_catalog_movie_json(doc, "en")) ? MQ_OK : MQ_EUPSTREAM;
	else if (mongoc_cursor_error(cursor, &error))
		rc = mq_db_error(&error, "movie");
	mongoc_cursor_destroy(cursor);
	return rc;
}

static mq_err read_movie(mongoc_collection_t *movies, const bson_oid_t *id, cJSON **movie)
{
	bson_t *filter = BCON_NEW("_id", BCON_OID(id));
	mq_err rc = find_movie(movies, filter, movie);
	bson_destroy(filter);
	return rc;
}

/* The movies collection of a client popped from db's pool, or NULL (MQ_EUNAVAIL). */
static mongoc_collection_t *movies_of(mq_db *db, mongoc_client_t **client)
{
	*client = mq_db_pop(db);
	return *client ? mq_db_collection(db, *client, "movies") : NULL;
}

static void movies_done(mq_db *db, mongoc_client_t *client, mongoc_collection_t *movies)
{
	mongoc_collection_destroy(movies);
	if (client)
		mq_db_push(db, client);
}

/* After a write to the movie id: a new catalogue version (cards.h), the curator's own (who may
 * be NULL), so that their next request sees it in any process and everyone's within a second. */
static void movie_changed(mq_db *db, mongoc_client_t *client, const bson_oid_t *id, const mq_admin_actor *who)
{
	bson_oid_t user;
	int known = who && who->user_id && !mq_oid_parse(who->user_id, &user);
	mongoc_database_t *database = mongoc_client_get_database(client, mq_db_name(db));
	mq_cards_bump(database, id, 1, known ? &user : NULL);
	mongoc_database_destroy(database);
}

/* A read by filter, for the getters. */
static mq_err get_by(mq_db *db, const bson_t *filter, cJSON **movie)
{
	mongoc_client_t *client;
	mongoc_collection_t *movies = movies_of(db, &client);
	mq_err rc = movies ? find_movie(movies, filter, movie) : MQ_EUNAVAIL;
	movies_done(db, client, movies);
	return rc;
}

mq_err mq_admin_movie_get(mq_db *db, const char *movie_id, cJSON **movie)
{
	bson_oid_t id;
	*movie = NULL;
	if (mq_oid_parse(movie_id, &id))
		return MQ_ENOTFOUND;
	bson_t *filter = BCON_NEW("_id", BCON_OID(&id));
	mq_err rc = get_by(db, filter, movie);
	bson_destroy(filter);
	return rc;
}

mq_err mq_admin_movie_by_tmdb(mq_db *db, long long tmdb_id, cJSON **movie)
{
	*movie = NULL;
	if (tmdb_id < 1)
		return MQ_ENOTFOUND;
	bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64(tmdb_id));
	mq_err rc = get_by(db, filter, movie);
	bson_destroy(filter);
	return rc;
}

/* URLs a reader computes (images.h) are never stored: a form filled from a lookup carries them. */
static void strip_computed(cJSON *doc)
{
	static const char *const urls[] = { "poster_url", "poster_url_large", "backdrop_url", NULL };
	for (int i = 0; urls[i]; i++)
		cJSON_DeleteItemFromObjectCaseSensitive(doc, urls[i]);
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "cast"))
		cJSON_DeleteItemFromObjectCaseSensitive(c, "profile_url");
}

/* The document a new movie is made of: the fields, a placeholder tmdb_id for a manual one (see
 * admin_movie.h), titles.en and overviews.en from title and overview, the year from the date,
 * the search keys. */
static cJSON *new_doc(const cJSON *fields, int *manual)
{
	cJSON *doc = cJSON_Duplicate(fields, 1);
	strip_computed(doc);
	*manual = !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id"));
	if (*manual) {
		uint32_t r = 0;
		RAND_bytes((unsigned char *)&r, sizeof r);
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "tmdb_id");
		cJSON_AddNumberToObject(doc, "tmdb_id", -(double)(r % 2000000000u) - 1);
	}
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "title"));
	cJSON *titles = cJSON_GetObjectItemCaseSensitive(doc, "titles");
	if (!titles)
		titles = cJSON_AddObjectToObject(doc, "titles");
	if (title && !cJSON_GetObjectItemCaseSensitive(titles, "en"))
		cJSON_AddStringToObject(titles, "en", title);
	const char *overview = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "overview"));
	if (overview) {
		cJSON *overviews = cJSON_GetObjectItemCaseSensitive(doc, "overviews");
		if (!overviews)
			overviews = cJSON_AddObjectToObject(doc, "overviews");
		if (!cJSON_GetObjectItemCaseSensitive(overviews, "en"))
			cJSON_AddStringToObject(overviews, "en", overview);
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "overview");
	}
	const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "release_date"));
	long long year = 0;
	if (date && strlen(date) >= 4 && !cJSON_GetObjectItemCaseSensitive(doc, "year") &&
	    mq_parse_int((char[5]){ date[0], date[1], date[2], date[3], '\0' }, 1, 9999, &year) == 0)
		cJSON_AddNumberToObject(doc, "year", (double)year);
	mq_movie_search_fields(doc);
	return doc;
}

/* Inserts doc under a free slug: its own, then (a TMDB movie) with the TMDB id, then with a
 * random suffix. MQ_ECONFLICT at once when the TMDB id is taken. */
static mq_err insert_movie(mongoc_collection_t *movies, const cJSON *doc, int manual, cJSON **movie)
{
	mq_err rc = MQ_ECONFLICT;
	bson_error_t error;
	for (int attempt = 0; attempt < 3 && rc == MQ_ECONFLICT; attempt++) {
		char slug[180];
		mq_catalog_slug(doc, 0, slug, sizeof slug);
		if (attempt == 1 && !manual) {
			mq_catalog_slug(doc, 1, slug, sizeof slug);
		} else if (attempt > 0) {
			uint16_t r = 0;
			RAND_bytes((unsigned char *)&r, sizeof r);
			size_t len = strlen(slug);
			snprintf(slug + len, sizeof slug - len, "-%04x", r);
		}
		bson_t *new_movie = mq_catalog_new_movie(doc, slug, manual ? "manual" : "tmdb", mq_clock_ms());
		if (!new_movie)
			return MQ_EINVAL;
		bson_oid_t id;
		bson_oid_init(&id, NULL);
		BSON_APPEND_OID(new_movie, "_id", &id);
		if (mongoc_collection_insert_one(movies, new_movie, NULL, NULL, &error)) {
			rc = read_movie(movies, &id, movie);
		} else {
			rc = mq_db_error(&error, "movie create");
			/* the same TMDB movie is there already: that is the caller's 409 */
			if (rc == MQ_ECONFLICT && !manual && strstr(error.message, "tmdb_id"))
				attempt = 3;
		}
		bson_destroy(new_movie);
	}
	return rc;
}

mq_err mq_admin_movie_create(mq_db *db, const mq_admin_actor *who, const cJSON *fields, cJSON **movie)
{
	int manual;
	*movie = NULL;
	cJSON *doc = new_doc(fields, &manual);
	mongoc_client_t *client;
	mongoc_collection_t *movies = movies_of(db, &client);
	mq_err rc = movies ? insert_movie(movies, doc, manual, movie) : MQ_EUNAVAIL;
	bson_oid_t id;
	if (rc == MQ_OK && !mq_oid_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*movie, "id")), &id))
		movie_changed(db, client, &id, who);
	if (rc == MQ_ECONFLICT && !manual) {
		bson_t *filter = BCON_NEW("tmdb_id", BCON_INT64((int64_t)cJSON_GetNumberValue(
							cJSON_GetObjectItemCaseSensitive(doc, "tmdb_id"))));
		if (find_movie(movies, filter, movie) != MQ_OK)
			*movie = NULL;
		bson_destroy(filter);
	}
	movies_done(db, client, movies);
	cJSON_Delete(doc);
	if (rc == MQ_OK)
		mq_admin_audit_by(db, who, "movie.create", "movie",
				  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*movie, "id")), NULL, *movie);
	return rc;
}

static int is_tmdb_movie(const cJSON *movie)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id")) > 0;
}

static int has_name(const cJSON *names, const char *name)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, names)
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return 1;
	return 0;
}

static void add_name(cJSON *names, const char *name)
{
	if (!has_name(names, name))
		cJSON_AddItemToArray(names, cJSON_CreateString(name));
}

/* The locked fields after change: the old ones less unlock, plus lock, plus with lock_set the
 * fields set; a manual movie's stay as they are. */
/* Whether now says what was says: equal scalars (null and absent alike), and for objects and
 * lists of them every member now has (a form's cast row has no profile_path to compare). */
static int same_value(const cJSON *now, const cJSON *was)
{
	if (!now || cJSON_IsNull(now))
		return !was || cJSON_IsNull(was);
	if (cJSON_IsArray(now)) {
		if (!cJSON_IsArray(was) || cJSON_GetArraySize(now) != cJSON_GetArraySize(was))
			return 0;
		const cJSON *a = now->child, *b = was->child;
		for (; a && b; a = a->next, b = b->next)
			if (!same_value(a, b))
				return 0;
		return 1;
	}
	if (cJSON_IsObject(now)) {
		const cJSON *m;
		if (!cJSON_IsObject(was))
			return 0;
		cJSON_ArrayForEach(m, now)
			if (!same_value(m, cJSON_GetObjectItemCaseSensitive(was, m->string)))
				return 0;
		return 1;
	}
	return was && cJSON_Compare(now, was, 1);
}

static cJSON *locks_after(const cJSON *before, const mq_admin_movie_change *change)
{
	cJSON *locks = cJSON_CreateArray();
	const cJSON *l, *f;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(before, "locked_fields"))
		if (cJSON_IsString(l) && !(is_tmdb_movie(before) && has_name(change->unlock, l->valuestring)))
			add_name(locks, l->valuestring);
	if (!is_tmdb_movie(before))
		return locks;
	cJSON_ArrayForEach(l, change->lock)
		add_name(locks, l->valuestring);
	cJSON_ArrayForEach(f, change->fields) {
		const char *name = !strcmp(f->string, "overview") ? "overviews" : f->string;
		const cJSON *was = !strcmp(f->string, "overview")
					   ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(before, "overviews"), "en")
					   : cJSON_GetObjectItemCaseSensitive(before, f->string);
		if (strcmp(f->string, "tmdb_id") && (change->lock_set || (change->lock_changed && !same_value(f, was))))
			add_name(locks, name);
	}
	return locks;
}

/* The $set of an edit: the new values over the old (the overview is overviews.en, the title
 * titles.en too), what follows from them (search keys), the locks; only what a curator may set. */
static bson_t *edit_set(const cJSON *before, const mq_admin_movie_change *change)
{
	cJSON *doc = cJSON_Duplicate(before, 1), *f;
	cJSON_ArrayForEach(f, change->fields) {
		if (!strcmp(f->string, "overview")) {
			cJSON *overviews = cJSON_GetObjectItemCaseSensitive(doc, "overviews");
			if (!cJSON_IsObject(overviews)) {
				cJSON_DeleteItemFromObjectCaseSensitive(doc, "overviews");
				overviews = cJSON_AddObjectToObject(doc, "overviews");
			}
			cJSON_DeleteItemFromObjectCaseSensitive(overviews, "en");
			cJSON_AddItemToObject(overviews, "en", cJSON_Duplicate(f, 1));
			continue;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(doc, f->string);
		cJSON_AddItemToObject(doc, f->string, cJSON_Duplicate(f, 1));
		cJSON *titles = cJSON_GetObjectItemCaseSensitive(doc, "titles");
		if (!strcmp(f->string, "title") && cJSON_IsString(f) && cJSON_IsObject(titles)) {
			cJSON_DeleteItemFromObjectCaseSensitive(titles, "en");
			cJSON_AddStringToObject(titles, "en", f->valuestring);
		}
	}
	strip_computed(doc);
	mq_movie_search_fields(doc);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "locked_fields");
	cJSON_AddItemToObject(doc, "locked_fields", locks_after(before, change));
	cJSON *set = cJSON_CreateObject();
	for (int i = 0; mq_admin_movie_fields[i]; i++) {
		const char *name = mq_admin_movie_fields[i];
		cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
		if (v && strcmp(name, "overview") && strcmp(name, "tmdb_id"))
			cJSON_AddItemToObject(set, name, cJSON_Duplicate(v, 1));
	}
	static const char *const derived[] = { "overviews", "title_key", "search_keys", "locked_fields", NULL };
	for (int i = 0; derived[i]; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, derived[i]);
		if (v && !cJSON_GetObjectItemCaseSensitive(set, derived[i]))
			cJSON_AddItemToObject(set, derived[i], cJSON_Duplicate(v, 1));
	}
	bson_t *fields = mq_db_bson_from_json(set);
	bson_t *update = bson_new(), child;
	BSON_APPEND_DOCUMENT_BEGIN(update, "$set", &child);
	if (fields)
		bson_concat(&child, fields);
	BSON_APPEND_DATE_TIME(&child, "updated_at", mq_clock_ms());
	bson_append_document_end(update, &child);
	bson_destroy(fields);
	cJSON_Delete(set);
	cJSON_Delete(doc);
	return update;
}

/* Reads the movie (*before), applies the update make builds from it and reads it again
 * (*after). Both the caller's, also on failure. */
typedef bson_t *(*update_fn)(const cJSON *before, const void *arg);

static mq_err update_movie(mq_db *db, const mq_admin_actor *who, const char *movie_id, update_fn make,
			   const void *arg, cJSON **before, cJSON **after)
{
	bson_oid_t id;
	*before = *after = NULL;
	if (mq_oid_parse(movie_id, &id))
		return MQ_ENOTFOUND;
	mongoc_client_t *client;
	mongoc_collection_t *movies = movies_of(db, &client);
	mongoc_database_t *database = movies ? mongoc_client_get_database(client, mq_db_name(db)) : NULL;
	/* the movie read, changed and written under its lease (mq_db_lease_take): a rating's recount
	 * or the sync beside it would otherwise write back the movie as they read it */
	mq_db_lease lease;
	bson_error_t error;
	mq_err rc = !movies ? MQ_EUNAVAIL
		    : !mq_db_lease_take(database, "movies", &id, &lease, &error) ? mq_db_error(&error, "movie lease")
		    : MQ_OK;
	int leased = movies && rc == MQ_OK;
	if (rc == MQ_OK)
		rc = read_movie(movies, &id, before);
	if (rc == MQ_OK) {
		bson_t *filter = BCON_NEW("_id", BCON_OID(&id));
		bson_t *update = make(*before, arg);
		if (!mongoc_collection_update_one(movies, filter, update, NULL, NULL, &error))
			rc = mq_db_error(&error, "movie update");
		bson_destroy(update);
		bson_destroy(filter);
	}
	if (leased)
		mq_db_lease_give(database, &lease);
	if (rc == MQ_OK) {
		movie_changed(db, client, &id, who);
		rc = read_movie(movies, &id, after);
	}
	if (database)
		mongoc_database_destroy(database);
	movies_done(db, client, movies);
	return rc;
}

static bson_t *make_edit(const cJSON *before, const void *change)
{
	return edit_set(before, change);
}

/* The update, audited as action when it is made; *movie: the movie after. */
static mq_err change_movie(mq_db *db, const mq_admin_actor *who, const char *movie_id, update_fn make,
			   const void *arg, const char *action, cJSON **movie)
{
	cJSON *before = NULL;
	mq_err rc = update_movie(db, who, movie_id, make, arg, &before, movie);
	if (rc == MQ_OK)
		mq_admin_audit_by(db, who, action, "movie", movie_id, before, *movie);
	cJSON_Delete(before);
	if (rc != MQ_OK) {
		cJSON_Delete(*movie);
		*movie = NULL;
	}
	return rc;
}

mq_err mq_admin_movie_edit(mq_db *db, const mq_admin_actor *who, const char *movie_id,
			   const mq_admin_movie_change *change, cJSON **movie)
{
	*movie = NULL;
	if (!names_lockable(change->lock) || !names_lockable(change->unlock))
		return MQ_EINVAL;
	int edits = (change->fields && change->fields->child) || cJSON_GetArraySize(change->lock) > 0;
	return change_movie(db, who, movie_id, make_edit, change, edits ? "movie.edit" : "movie.unlock", movie);
}

static bson_t *make_hide(const cJSON *before, const void *hidden)
{
	(void)before;
	return *(const int *)hidden
		       ? BCON_NEW("$set", "{", "hidden", BCON_BOOL(true), "hidden_at", BCON_DATE_TIME(mq_clock_ms()), "}")
		       : BCON_NEW("$unset", "{", "hidden", BCON_UTF8(""), "hidden_at", BCON_UTF8(""), "}");
}

mq_err mq_admin_movie_hide(mq_db *db, const mq_admin_actor *who, const char *movie_id, int hidden, cJSON **movie)
{
	return change_movie(db, who, movie_id, make_hide, &hidden, hidden ? "movie.hide" : "movie.restore", movie);
}

mq_err mq_admin_movie_sync(const mq_env *env, const mq_admin_actor *who, const char *movie_id, cJSON **movie,
			   cJSON **changed)
{
	cJSON *before = NULL;
	*movie = *changed = NULL;
	mq_err rc = mq_admin_movie_get(env->db, movie_id, &before);
	if (rc == MQ_OK && !is_tmdb_movie(before))
		rc = MQ_EUNPROCESSABLE;
	if (rc == MQ_OK) {
		mq_sync *s = mq_sync_new(env, 0, 1);
		long long ids[1] = { (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(before, "tmdb_id")) };
		rc = mq_sync_movies(s, ids, 1);
		if (rc == MQ_OK && mq_sync_counts_of(s)->failed)
			rc = MQ_EUPSTREAM;
		mq_sync_free(s);
	}
	if (rc == MQ_OK)
		rc = mq_admin_movie_get(env->db, movie_id, movie);
	mongoc_client_t *client;
	bson_oid_t id;
	if (rc == MQ_OK && !mq_oid_parse(movie_id, &id) && (client = mq_db_pop(env->db))) {
		movie_changed(env->db, client, &id, who); /* the curator's own (the sync's is nobody's) */
		mq_db_push(env->db, client);
	}
	if (rc == MQ_OK) {
		mq_admin_audit_by(env->db, who, "movie.sync", "movie", movie_id, before, *movie);
		*changed = cJSON_CreateArray();
		const cJSON *f;
		cJSON_ArrayForEach(f, *movie) {
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(before, f->string);
			if (strcmp(f->string, "updated_at") && strcmp(f->string, "tmdb_synced_at") &&
			    (!b || !cJSON_Compare(b, f, 1)))
				cJSON_AddItemToArray(*changed, cJSON_CreateString(f->string));
		}
	}
	cJSON_Delete(before);
	return rc;
}

mq_err mq_admin_movie_image(const mq_env *env, const mq_admin_actor *who, const char *movie_id, int backdrop,
			    const char *url, cJSON **movie)
{
	const char *field = backdrop ? "backdrop_path" : "poster_path";
	cJSON *set = cJSON_CreateObject(), *before = NULL;
	cJSON_AddStringToObject(set, field, url);
	const mq_admin_movie_change change = { .fields = set, .lock_set = 1 };
	mq_err rc = update_movie(env->db, who, movie_id, make_edit, &change, &before, movie);
	cJSON_Delete(set);
	const char *old = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(before, field));
	/* the file no longer used goes: the old upload on success, the new one on failure */
	mq_media_remove(env->cfg->media_dir, rc == MQ_OK ? old : url);
	if (rc == MQ_OK)
		mq_admin_audit_by(env->db, who, "movie.image", "movie", movie_id, before, *movie);
	cJSON_Delete(before);
	if (rc != MQ_OK) {
		cJSON_Delete(*movie);
		*movie = NULL;
	}
	return rc;
}
