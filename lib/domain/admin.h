/* admin.h — the curators' desk: the audit log every admin action writes (who, when, what, the
 * before and after of each changed field), which nothing edits or deletes; the sync's
 * notifications, seen per admin; the sync's runs, and starting one; members and their roles.
 *
 * The movies themselves are admin_movie.h's; TMDB lookups and image lists admin_tmdb.h's. Every
 * function that changes something takes the acting admin (mq_admin_actor) and writes the audit
 * entry itself once the change is made: a change that cannot be audited is logged as such, and
 * stays made. JSON results are the caller's (route.h's ownership rule).
 */
#ifndef MQ_ADMIN_H
#define MQ_ADMIN_H

#include "core/config.h"
#include "store/db.h"
#include "tmdb/env.h"

#include <cjson/cJSON.h>

/* Who acts: the admin's user id (24 hex) and the request it came in (may be NULL); both borrowed. */
typedef struct mq_admin_actor {
	const char *user_id;
	const char *request_id;
} mq_admin_actor;

/* Writes an audit entry: actor (user id) did action ("movie.create", "movie.edit", …) to target
 * (kind "movie" or "user", id); changes [{field, before, after}] are computed from before and
 * after (either may be NULL: everything is new, or gone). request_id may be NULL. */
mq_err mq_admin_audit(mq_db *db, const char *actor, const char *action, const char *kind, const char *target,
		const cJSON *before, const cJSON *after, const char *request_id);

/* mq_admin_audit() by who, for the functions that change things: a failure is logged, not
 * returned (the change it records is made). */
void mq_admin_audit_by(mq_db *db, const mq_admin_actor *who, const char *action, const char *kind,
		       const char *target, const cJSON *before, const cJSON *after);

/* One page of the audit log, newest first; filters (NULL: any) by target, actor and action
 * ("movie.hide" also finds the older entries of hiding, "movie.delete"). */
mq_err mq_admin_audit_list(mq_db *db, const char *target, const char *actor, const char *action, long long page,
		     long long limit, cJSON **items, long long *total);

/* Names the ids of audit entries (mq_admin_audit_list's items, changed in place) for people:
 * "actor_name" (the admin's name, else username, else e-mail), and by the target's kind
 * "target_title" (a movie's title) or "target_name" (a member's). One query per collection for
 * the whole page (mq_db_join: a query that fails leaves its names out, logged). An id that names
 * nothing gets nothing (a member since removed). */
mq_err mq_admin_audit_names(mq_db *db, cJSON *items);

/* The sync's notifications, newest first (only those admin_id has not seen, with unseen_only),
 * each with "seen" for this admin; *unseen counts those they have not seen. */
mq_err mq_admin_notifications_list(mq_db *db, const char *admin_id, int unseen_only, long long page, long long limit,
			     cJSON **items, long long *total, long long *unseen);

/* How many notifications admin_id has not seen. */
mq_err mq_admin_notifications_unseen(mq_db *db, const char *admin_id, long long *unseen);

/* Marks one notification (id) or all (id NULL) seen by admin_id; MQ_ENOTFOUND when id names none. */
mq_err mq_admin_notifications_seen(mq_db *db, const char *admin_id, const char *id);

/* The sync's runs (synclogs), newest first, and the lease when a run holds it (else NULL). */
mq_err mq_admin_sync_runs(mq_db *db, long long page, long long limit, cJSON **items, long long *total, cJSON **lease);

/* "popular pid 42 on host": the run a lease (mq_admin_sync_runs) names, into out[size]. */
void mq_admin_sync_holder(const cJSON *lease, char *out, size_t size);

/* Starts a sync run of kind (one of mq_sync_kinds) in the background (mq_sync_start) and audits
 * it; *run gets {kind, pid}. MQ_ECONFLICT while a run holds the lease, MQ_EINTERNAL when the
 * binary cannot be started; env->tmdb is not used. */
mq_err mq_admin_sync_start(const mq_env *env, const mq_admin_actor *who, const char *kind, cJSON **run);

/* One page of the members, newest first, whose e-mail, username or name starts with q (NULL:
 * all): mq_account_list. */
mq_err mq_admin_users(mq_db *db, const char *q, long long page, long long limit, cJSON **items, long long *total);

/* The roles an admin may give, NULL-terminated: "user", "admin". */
extern const char *const mq_admin_roles[];

/* Gives the member user_id role (one of mq_admin_roles) and audits it when it changed; *user:
 * the member after. MQ_EUNPROCESSABLE for the actor's own id (another admin changes your role,
 * so that nobody can lock everyone out), MQ_ENOTFOUND when there is no such member (a malformed
 * id too). */
mq_err mq_admin_user_role(mq_db *db, const mq_admin_actor *who, const char *user_id, const char *role, cJSON **user);

#endif
