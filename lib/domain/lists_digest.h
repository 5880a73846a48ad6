/* lists_digest.h — a member's lists in one document, so that reading them costs one lookup by
 * _id instead of a scan of four collections (FerretDB v1 on SQLite decodes every document of a
 * collection for a user_id filter; see README "Fast at real size").
 *
 * The watchlist, favorites, interactions and ratings collections stay the source of truth. The
 * digest, {_id: "<user hex>", v, at, watchlist: [doc…], favorites: [doc…], interactions:
 * [doc…], ratings: [doc…]} in member_lists (each list's documents as stored), is what they held at
 * lists version v (lists.h), and is only ever used at a version the reader knows to be current:
 * the member's users document carries lists_v, the last version claimed, which the session
 * check reads anyway (mq_user.lists_v). So a signed-in read of the lists is that check and, when
 * the process does not hold the digest at that version already, one lookup of it.
 *
 * A change is written to its collection first, then mq_lists_commit claims the next version (an
 * insert into list_versions under a unique _id decides between racing writers), applies the
 * change to the digest when no other version was claimed since the writer began and the digest
 * is at the version just before, and raises users.lists_v. A digest that missed a change (racing
 * writers, a writer that stopped halfway, a change written by something else) is older than
 * lists_v; its next reader reads the collections again (scans) and stores the result. Changes are
 * idempotent (the entries of a movie are replaced or removed), so a digest read while a later
 * change was being written, which may hold that change already, stays right when the change is
 * applied to it again. FerretDB v1 runs a conditional update as a read and a write, so the
 * digest's replacement and the raise of lists_v are written to stay right when two land in
 * either order (lists_digest.c).
 *
 * Each process keeps the digests it read last (MQ_LISTS_DIGEST_KEEP), used while no newer
 * version is known. */
#ifndef MQ_LISTS_DIGEST_H
#define MQ_LISTS_DIGEST_H

#include "store/db.h"

#include <stddef.h>

#define MQ_LISTS_DIGEST_KEEP 256

/* One change of a member's lists: in the list kind ("watchlist", "favorites", "interactions",
 * "ratings"), the entries of movie (and, for interactions, of type) are replaced by doc, or
 * removed when doc is NULL. */
typedef struct mq_lists_change {
	const char *kind;
	const bson_oid_t *movie;
	const char *type;
	const bson_t *doc;
} mq_lists_change;

/* n for changes a writer could not read back: the digest is left behind, and read again from the
 * collections by its next reader. */
#define MQ_LISTS_UNKNOWN ((size_t)-1)

/* mq_lists_begin: the database failed (the change is not to be written: MQ_EUNAVAIL). */
#define MQ_LISTS_FAILED (-2)

/* Before a change is written: the member's lists version as last recorded (users.lists_v), -1
 * when there is no such user, or MQ_LISTS_FAILED; for mq_lists_commit. */
long long mq_lists_begin(mongoc_database_t *database, const bson_oid_t *user);

/* After changes (n of them, may be 0) were written to their collections, begun being what
 * mq_lists_begin said before: claims the member's next lists version, applies the changes to the
 * digest and raises users.lists_v. The changes are applied only when the version claimed is the
 * one after begun: a change another request wrote meanwhile may have reached the collections
 * before or after these, and only a reading of the collections orders them (the digest is left
 * behind for its next reader). Returns the version, or 0 when the database failed before
 * users.lists_v recorded it (logged; the changes themselves stand, and are seen once a later
 * change is recorded: the caller answers MQ_EUNAVAIL, as the outcome of a write the database
 * failed during). After the first failure it asks the database nothing more: each question to
 * a server that went away waits for the driver's server selection. */
long long mq_lists_commit(mongoc_database_t *database, const bson_oid_t *user, long long begun,
			  const mq_lists_change *changes, size_t n);

/* The member's digest at version known or newer (known < 0: read users.lists_v first; MQ_ENOTFOUND
 * when there is no such user), into *digest (initialised here; the caller destroys it). */
mq_err mq_lists_digest(mongoc_database_t *database, const bson_oid_t *user, long long known, bson_t *digest);

/* The member's current lists version, users.lists_v (0 before any change); MQ_ENOTFOUND when
 * there is no such user. */
mq_err mq_lists_digest_version(mongoc_database_t *database, const bson_oid_t *user, long long *version);

/* Calls each(doc, ctx) for each entry of the digest's list kind. */
void mq_lists_digest_each(const bson_t *digest, const char *kind, void (*each)(const bson_t *doc, void *ctx),
			  void *ctx);

/* The first entry of the digest's list kind whose field (an ObjectId: "_id", "movie_id") is value,
 * as a view into the digest in *entry: 1, or 0 when there is none. */
int mq_lists_digest_find(const bson_t *digest, const char *kind, const char *field, const bson_oid_t *value,
			 bson_t *entry);

/* Removes the member's digest (their account is being deleted). */
mq_err mq_lists_digest_drop(mongoc_database_t *database, const bson_oid_t *user);

#endif
