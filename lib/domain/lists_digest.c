/* lists_digest.c — a member's lists in one document (see lists_digest.h). */
#include "domain/lists_digest.h"
#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DIGESTS "member_lists"
#define CLAIM_TRIES 64 /* versions tried above the hint before the latest is looked up */
#define VERSIONS_KEPT_MS (60 * 60 * 1000) /* a member's versions are kept an hour (fewer: faster lookups) */
#define PRUNE_EVERY 8   /* versions between two prunings of a member's */
#define LIST_MAX 10000 /* entries of one kind read into a digest */

static const char *const kinds[] = { "watchlist", "favorites", "interactions", "ratings", NULL };

/* ---- the process's digests ---- */

typedef struct kept {
	bson_oid_t user;
	long long v;
	bson_t *doc; /* NULL: a free slot */
	unsigned long long used;
} kept;

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static kept kept_digests[MQ_LISTS_DIGEST_KEEP];
static unsigned long long kept_clock;

/* Copies the kept digest of user into *out when it is at version known or newer: 1, else 0. */
static int kept_get(const bson_oid_t *user, long long known, bson_t *out)
{
	int found = 0;
	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < MQ_LISTS_DIGEST_KEEP; i++) {
		kept *k = &kept_digests[i];
		if (k->doc && bson_oid_equal(&k->user, user)) {
			if (k->v >= known) {
				bson_copy_to(k->doc, out);
				k->used = ++kept_clock;
				found = 1;
			}
			break;
		}
	}
	pthread_mutex_unlock(&kept_lock);
	return found;
}

/* Keeps a copy of doc, user's digest at version v, unless a newer one is kept already. */
static void kept_put(const bson_oid_t *user, long long v, const bson_t *doc)
{
	pthread_mutex_lock(&kept_lock);
	kept *slot = NULL, *victim = NULL; /* the user's slot; else a free one, else the least recently used */
	for (size_t i = 0; i < MQ_LISTS_DIGEST_KEEP && !slot; i++) {
		kept *k = &kept_digests[i];
		if (k->doc && bson_oid_equal(&k->user, user))
			slot = k;
		else if (!victim || (victim->doc && (!k->doc || k->used < victim->used)))
			victim = k;
	}
	if (!slot)
		slot = victim;
	else if (slot->v > v)
		slot = NULL;
	if (slot) {
		if (slot->doc)
			bson_destroy(slot->doc);
		bson_oid_copy(user, &slot->user);
		slot->v = v;
		slot->doc = bson_copy(doc);
		slot->used = ++kept_clock;
	}
	pthread_mutex_unlock(&kept_lock);
}

/* ---- versions ---- */

static long long doc_v(const bson_t *doc, const char *key)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
}

mq_err mq_lists_digest_version(mongoc_database_t *database, const bson_oid_t *user, long long *version)
{
	bson_t doc;
	*version = 0;
	mongoc_collection_t *users = mongoc_database_get_collection(database, "users");
	bson_t *filter = BCON_NEW("_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("projection", "{", "lists_v", BCON_INT32(1), "}");
	mq_err rc = mq_db_find_one(users, filter, opts, &doc, "lists version");
	if (rc == MQ_OK)
		*version = doc_v(&doc, "lists_v");
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(users);
	return rc;
}

/* The _id of user's version v in list_versions: "<user hex>:<v>", found without a scan. */
static void version_key(const bson_oid_t *user, long long v, char key[48])
{
	char hex[25];
	bson_oid_to_string(user, hex);
	snprintf(key, 48, "%s:%lld", hex, v);
}

/* Whether user's version v has been claimed: 1, 0, or -1 on an error. */
static int claimed(mongoc_collection_t *versions, const bson_oid_t *user, long long v)
{
	bson_t doc;
	char key[48];
	version_key(user, v, key);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(key));
	mq_err rc = mq_db_find_one(versions, filter, NULL, &doc, "lists version");
	bson_destroy(&doc);
	bson_destroy(filter);
	return rc == MQ_OK ? 1 : rc == MQ_ENOTFOUND ? 0 : -1;
}

/* The latest version of user in list_versions, found by a scan: for a hint far behind (lists of
 * an earlier release, which kept no lists_v). 0 when none (*rc MQ_OK), or an error. */
static long long latest_version(mongoc_collection_t *versions, const bson_oid_t *user, mq_err *rc)
{
	bson_t doc;
	bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
	bson_t *opts = BCON_NEW("sort", "{", "v", BCON_INT32(-1), "}", "projection", "{", "v", BCON_INT32(1), "}");
	*rc = mq_db_find_one(versions, filter, opts, &doc, "lists version");
	long long v = *rc == MQ_OK ? doc_v(&doc, "v") : 0;
	if (*rc == MQ_ENOTFOUND)
		*rc = MQ_OK;
	bson_destroy(&doc);
	bson_destroy(opts);
	bson_destroy(filter);
	return v;
}

/* Claims the version after hint: inserts {_id: "<user>:<v>", user_id, v}, unique by _id and by
 * (user_id, v) (FerretDB v1 runs $inc, and any conditional update, as a read and a write, so only
 * an insert decides between racing writers); the next number when one is taken. Returns the
 * version, 0 when none was claimed. */
static long long claim(mongoc_collection_t *versions, const bson_oid_t *user, long long hint)
{
	bson_error_t error;
	long long v = 0, next = hint + 1;
	for (int attempt = 0; attempt < 2 * CLAIM_TRIES; attempt++, next++) {
		if (attempt == CLAIM_TRIES) {
			mq_err rc;
			next = latest_version(versions, user, &rc) + 1;
			if (rc != MQ_OK)
				break;
		}
		char key[48];
		version_key(user, next, key);
		bson_t *doc = BCON_NEW("_id", BCON_UTF8(key), "user_id", BCON_OID(user), "v", BCON_INT64(next),
				       "at", BCON_DATE_TIME(mq_clock_ms()));
		int ok = mongoc_collection_insert_one(versions, doc, NULL, NULL, &error);
		bson_destroy(doc);
		if (ok) {
			v = next;
			break;
		}
		if (error.code != 11000) {
			mq_log(MQ_LOG_WARN, "lists", "lists version not claimed: %s", error.message);
			break;
		}
	}
	return v;
}

/* Removes the versions of user claimed more than VERSIONS_KEPT_MS ago: no request lasts that
 * long, so a claim starting from the hint its writer read never takes a pruned number again. */
static void prune(mongoc_collection_t *versions, const bson_oid_t *user)
{
	bson_error_t error;
	bson_t *old = BCON_NEW("user_id", BCON_OID(user), "at", "{", "$lt",
			       BCON_DATE_TIME(mq_clock_ms() - VERSIONS_KEPT_MS), "}");
	if (!mongoc_collection_delete_many(versions, old, NULL, NULL, &error))
		mq_log(MQ_LOG_WARN, "lists", "old list versions not pruned: %s", error.message);
	bson_destroy(old);
}

/* claimed() for mq_db_raise_version. */
typedef struct claims {
	mongoc_collection_t *versions;
	const bson_oid_t *user;
} claims;

static int claimed_by(void *arg, long long v)
{
	const claims *c = arg;
	return claimed(c->versions, c->user, v);
}

/* Makes users.lists_v the last version claimed, at least v (mq_db_raise_version). */
static int raise_version(mongoc_database_t *database, mongoc_collection_t *versions, const bson_oid_t *user,
			 long long v)
{
	claims c = { versions, user };
	return mq_db_raise_version(database, "users", user, "lists_v", v, claimed_by, &c, "lists version");
}

/* ---- digests ---- */

static void user_key(const bson_oid_t *user, char hex[25])
{
	bson_oid_to_string(user, hex);
}

/* Appends doc to array as its element n. */
static void append_entry(bson_t *array, uint32_t n, const bson_t *doc)
{
	char key[16];
	const char *k;
	bson_uint32_to_string(n, &k, key, sizeof key);
	BSON_APPEND_DOCUMENT(array, k, doc);
}

/* Whether change replaces or removes entry (a document of kind). */
static int replaced(const mq_lists_change *change, const char *kind, const bson_t *entry)
{
	bson_iter_t it;
	if (strcmp(change->kind, kind) || !bson_iter_init_find(&it, entry, "movie_id") || !BSON_ITER_HOLDS_OID(&it) ||
	    !bson_oid_equal(bson_iter_oid(&it), change->movie))
		return 0;
	return !change->type || (bson_iter_init_find(&it, entry, "type") && BSON_ITER_HOLDS_UTF8(&it) &&
				 !strcmp(bson_iter_utf8(&it, NULL), change->type));
}

void mq_lists_digest_each(const bson_t *digest, const char *kind, void (*each)(const bson_t *doc, void *ctx),
			  void *ctx)
{
	bson_iter_t it, items;
	if (!bson_iter_init_find(&it, digest, kind) || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &items))
		return;
	while (bson_iter_next(&items)) {
		const uint8_t *data;
		uint32_t len;
		bson_t doc;
		if (!BSON_ITER_HOLDS_DOCUMENT(&items))
			continue;
		bson_iter_document(&items, &len, &data);
		if (bson_init_static(&doc, data, len))
			each(&doc, ctx);
	}
}

/* What mq_lists_digest_find looks for, and where it puts what it finds. */
typedef struct entry_find {
	const char *field;
	const bson_oid_t *value;
	bson_t *entry;
	int found;
} entry_find;

static void find_each(const bson_t *doc, void *ctx)
{
	entry_find *f = ctx;
	bson_iter_t it;
	if (!f->found && bson_iter_init_find(&it, doc, f->field) && BSON_ITER_HOLDS_OID(&it) &&
	    bson_oid_equal(bson_iter_oid(&it), f->value))
		f->found = bson_init_static(f->entry, bson_get_data(doc), doc->len);
}

int mq_lists_digest_find(const bson_t *digest, const char *kind, const char *field, const bson_oid_t *value,
			 bson_t *entry)
{
	entry_find f = { field, value, entry, 0 };
	mq_lists_digest_each(digest, kind, find_each, &f);
	return f.found;
}

/* The array of one list kind being made from the old digest's and the changes. */
typedef struct kind_copy {
	const char *kind;
	const mq_lists_change *changes;
	size_t n;
	bson_t array;
	uint32_t count;
} kind_copy;

/* Keeps an entry of the old digest unless a change replaces or removes it. */
static void copy_unless_replaced(const bson_t *entry, void *ctx)
{
	kind_copy *k = ctx;
	for (size_t c = 0; c < k->n; c++)
		if (replaced(&k->changes[c], k->kind, entry))
			return;
	append_entry(&k->array, k->count++, entry);
}

/* The digest old (at v - 1) with changes applied, at v, into *out. */
static void apply(const bson_t *old, const bson_oid_t *user, long long v, const mq_lists_change *changes, size_t n,
		  bson_t *out)
{
	char hex[25];
	user_key(user, hex);
	bson_init(out);
	BSON_APPEND_UTF8(out, "_id", hex);
	BSON_APPEND_INT64(out, "v", v);
	BSON_APPEND_DATE_TIME(out, "at", mq_clock_ms());
	for (int i = 0; kinds[i]; i++) {
		kind_copy k = { kinds[i], changes, n, BSON_INITIALIZER, 0 };
		BSON_APPEND_ARRAY_BEGIN(out, kinds[i], &k.array);
		mq_lists_digest_each(old, kinds[i], copy_unless_replaced, &k);
		for (size_t c = 0; c < n; c++)
			if (changes[c].doc && !strcmp(changes[c].kind, kinds[i]))
				append_entry(&k.array, k.count++, changes[c].doc);
		bson_append_array_end(out, &k.array);
	}
}

/* Reads the member's digest as stored: MQ_ENOTFOUND when there is none. */
static mq_err read_digest(mongoc_collection_t *digests, const bson_oid_t *user, bson_t *doc)
{
	char hex[25];
	user_key(user, hex);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(hex));
	mq_err rc = mq_db_find_one(digests, filter, NULL, doc, "lists digest");
	bson_destroy(filter);
	return rc;
}

/* Stores user's digest in place of the one at version old_v (old_v < 0: none stored yet): an
 * insert under the unique _id, or a replace conditional on v, under the digest's lease
 * (mq_db_lease_take): FerretDB checks a condition on its read and writes back after, so a reader
 * storing the digest it rebuilt at an older version could otherwise land after a newer one (a
 * digest older than lists_v is read again anyway, lists_digest.h). MQ_OK when it was stored,
 * MQ_ECONFLICT when another writer's was there, or the database's error. */
static mq_err store(mongoc_database_t *database, mongoc_collection_t *digests, const bson_oid_t *user,
		    const bson_t *digest, long long old_v)
{
	bson_error_t error;
	bson_t reply;
	bson_iter_t it;
	mq_err rc;
	if (old_v < 0) {
		rc = mongoc_collection_insert_one(digests, digest, NULL, NULL, &error) ? MQ_OK : mq_db_error(&error, "lists digest");
		if (rc != MQ_OK && rc != MQ_ECONFLICT)
			mq_log(MQ_LOG_WARN, "lists", "lists digest not stored: %s", error.message);
		return rc;
	}
	mq_db_lease lease;
	if (!mq_db_lease_take(database, DIGESTS, user, &lease, &error)) {
		mq_log(MQ_LOG_WARN, "lists", "lists digest not stored: %s", error.message);
		return mq_db_error(&error, "lists digest");
	}
	bson_iter_init_find(&it, digest, "_id");
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(bson_iter_utf8(&it, NULL)), "v", BCON_INT64(old_v));
	if (!mongoc_collection_replace_one(digests, filter, digest, NULL, &reply, &error)) {
		rc = mq_db_error(&error, "lists digest");
		mq_log(MQ_LOG_WARN, "lists", "lists digest not stored: %s", error.message);
	} else {
		rc = bson_iter_init_find(&it, &reply, "matchedCount") && BSON_ITER_HOLDS_NUMBER(&it) &&
		     bson_iter_as_int64(&it) > 0 ? MQ_OK : MQ_ECONFLICT;
	}
	mq_db_lease_give(database, &lease);
	bson_destroy(&reply);
	bson_destroy(filter);
	return rc;
}

long long mq_lists_begin(mongoc_database_t *database, const bson_oid_t *user)
{
	long long v;
	mq_err rc = mq_lists_digest_version(database, user, &v);
	return rc == MQ_OK ? v : rc == MQ_ENOTFOUND ? -1 : MQ_LISTS_FAILED;
}

long long mq_lists_commit(mongoc_database_t *database, const bson_oid_t *user, long long begun,
			  const mq_lists_change *changes, size_t n)
{
	mongoc_collection_t *versions = mongoc_database_get_collection(database, "list_versions");
	long long v = claim(versions, user, begun < 0 ? 0 : begun); /* from a hint behind, it finds its way */
	if (v == 0) {
		mq_log(MQ_LOG_WARN, "lists", "lists version not bumped");
		mongoc_collection_destroy(versions);
		return 0;
	}
	bson_t old = BSON_INITIALIZER, next;
	mq_err rc = MQ_OK;
	mongoc_collection_t *digests = mongoc_database_get_collection(database, DIGESTS);
	if (n != MQ_LISTS_UNKNOWN && v == begun + 1) {
		rc = read_digest(digests, user, &old);
		if (rc == MQ_OK && doc_v(&old, "v") == begun) {
			apply(&old, user, v, changes, n, &next);
			if ((rc = store(database, digests, user, &next, v - 1)) == MQ_OK)
				kept_put(user, v, &next);
			bson_destroy(&next);
		}
		if (rc == MQ_ENOTFOUND || rc == MQ_ECONFLICT) /* none yet, or another writer's: left behind */
			rc = MQ_OK;
	}
	bson_destroy(&old);
	mongoc_collection_destroy(digests);
	if (rc == MQ_OK && !raise_version(database, versions, user, v))
		rc = MQ_EUNAVAIL;
	if (rc == MQ_OK && v % PRUNE_EVERY == 0)
		prune(versions, user);
	mongoc_collection_destroy(versions);
	return rc == MQ_OK ? v : 0;
}

/* Reads the member's lists from their collections into a digest at version v. */
static mq_err rebuild(mongoc_database_t *database, const bson_oid_t *user, long long v, bson_t *out)
{
	char hex[25];
	mq_err rc = MQ_OK;
	user_key(user, hex);
	bson_init(out);
	BSON_APPEND_UTF8(out, "_id", hex);
	BSON_APPEND_INT64(out, "v", v);
	BSON_APPEND_DATE_TIME(out, "at", mq_clock_ms());
	for (int k = 0; rc == MQ_OK && kinds[k]; k++) {
		bson_error_t error;
		const bson_t *doc;
		bson_t array;
		uint32_t count = 0;
		mongoc_collection_t *coll = mongoc_database_get_collection(database, kinds[k]);
		bson_t *filter = BCON_NEW("user_id", BCON_OID(user));
		bson_t *opts = BCON_NEW("limit", BCON_INT64(LIST_MAX));
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
		BSON_APPEND_ARRAY_BEGIN(out, kinds[k], &array);
		while (mongoc_cursor_next(cursor, &doc))
			append_entry(&array, count++, doc);
		bson_append_array_end(out, &array);
		if (mongoc_cursor_error(cursor, &error))
			rc = mq_db_error(&error, kinds[k]);
		mongoc_cursor_destroy(cursor);
		bson_destroy(opts);
		bson_destroy(filter);
		mongoc_collection_destroy(coll);
	}
	if (rc != MQ_OK)
		bson_destroy(out);
	return rc;
}

mq_err mq_lists_digest(mongoc_database_t *database, const bson_oid_t *user, long long known, bson_t *digest)
{
	mq_err rc = MQ_OK;
	if (known < 0 && (rc = mq_lists_digest_version(database, user, &known)) != MQ_OK) {
		bson_init(digest);
		return rc;
	}
	if (kept_get(user, known, digest))
		return MQ_OK;
	bson_t stored;
	mongoc_collection_t *digests = mongoc_database_get_collection(database, DIGESTS);
	rc = read_digest(digests, user, &stored);
	long long stored_v = rc == MQ_OK ? doc_v(&stored, "v") : -1;
	if (rc == MQ_OK && stored_v >= known) {
		bson_steal(digest, &stored);
		kept_put(user, stored_v, digest);
	} else if (rc == MQ_OK || rc == MQ_ENOTFOUND) {
		/* none, or older than a change it missed: the collections, once, for everyone */
		bson_destroy(&stored);
		rc = rebuild(database, user, known, digest);
		if (rc == MQ_OK && store(database, digests, user, digest, stored_v) == MQ_OK)
			kept_put(user, known, digest);
	} else {
		bson_destroy(&stored);
	}
	mongoc_collection_destroy(digests);
	if (rc != MQ_OK)
		bson_init(digest);
	return rc;
}

mq_err mq_lists_digest_drop(mongoc_database_t *database, const bson_oid_t *user)
{
	char hex[25];
	bson_error_t error;
	user_key(user, hex);
	mongoc_collection_t *digests = mongoc_database_get_collection(database, DIGESTS);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(hex));
	mq_err rc = mongoc_collection_delete_one(digests, filter, NULL, NULL, &error) ? MQ_OK
										    : mq_db_error(&error, "lists digest");
	bson_destroy(filter);
	mongoc_collection_destroy(digests);
	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < MQ_LISTS_DIGEST_KEEP; i++)
		if (kept_digests[i].doc && bson_oid_equal(&kept_digests[i].user, user)) {
			bson_destroy(kept_digests[i].doc);
			kept_digests[i].doc = NULL;
		}
	pthread_mutex_unlock(&kept_lock);
	return rc;
}
