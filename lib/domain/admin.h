/* admin.h — the curators' work on the catalogue: movies created from TMDB or
 * by hand, edited with per-field locks, hidden and restored; and the audit log every admin
 * action writes (who, when, what, the before and after of each changed field), which nothing
 * edits or deletes.
 *
 * Manual movies have no TMDB id. The tmdb_id index is unique and FerretDB v1 has no partial
 * indexes, so they carry a negative placeholder in tmdb_id that the public JSON leaves out.
 */
#ifndef MQ_ADMIN_H
#define MQ_ADMIN_H

#include "core/config.h"
#include "store/db.h"

#include <cjson/cJSON.h>

/* Writes an audit entry: actor (user id) did action ("movie.create", "movie.edit", …) to target
 * (kind "movie" or "user", id); changes [{field, before, after}] are computed from before and
 * after (either may be NULL: everything is new, or gone). request_id may be NULL. */
mq_err mq_admin_audit(mq_db *db, const char *actor, const char *action, const char *kind, const char *target,
		const cJSON *before, const cJSON *after, const char *request_id);

/* One page of the audit log, newest first; filters (NULL: any) by target, actor and action. */
mq_err mq_admin_audit_list(mq_db *db, const char *target, const char *actor, const char *action, long long page,
		     long long limit, cJSON **items, long long *total);

/* The fields of a movie a curator may set, NULL-terminated (mq_catalog_lockable and the
 * overview). */
extern const char *const mq_admin_movie_fields[];

/* Creates a movie from a curator's fields (checked by the caller against mq_admin_movie_fields):
 * with tmdb_id (a TMDB movie, source tmdb; MQ_ECONFLICT when the catalogue has it) or without
 * (source manual). The slug comes from the title and year. *movie: the stored movie's JSON. */
mq_err mq_admin_movie_create(mq_db *db, const cJSON *fields, cJSON **movie);

/* Sets fields of the movie (ObjectId hex) and, for a TMDB movie, locks them against the sync
 * unless lock is 0; unlock names fields to unlock (may be NULL). *before and *after: the movie's
 * JSON around the change (for the audit). MQ_ENOTFOUND when there is no such movie. */
mq_err mq_admin_movie_edit(mq_db *db, const char *movie_id, const cJSON *fields, int lock, const cJSON *unlock,
			   cJSON **before, cJSON **after);

/* Hides the movie from the public (hidden: true) or shows it again. */
mq_err mq_admin_movie_hide(mq_db *db, const char *movie_id, int hidden, cJSON **before, cJSON **after);

/* The sync's notifications, newest first (only those admin_id has not seen, with unseen_only),
 * each with "seen" for this admin; *unseen counts those they have not seen. */
mq_err mq_admin_notifications_list(mq_db *db, const char *admin_id, int unseen_only, long long page, long long limit,
			     cJSON **items, long long *total, long long *unseen);

/* Marks one notification (id) or all (id NULL) seen by admin_id. */
mq_err mq_admin_notifications_seen(mq_db *db, const char *admin_id, const char *id);

/* The sync's runs (synclogs), newest first, and the lease when a run holds it (else NULL). */
mq_err mq_admin_sync_runs(mq_db *db, long long page, long long limit, cJSON **items, long long *total, cJSON **lease);

#endif
