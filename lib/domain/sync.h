/* sync.h — keeping the catalogue in step with TMDB: the work behind marquee-sync,
 * knowing nothing of its command line or terminal.
 *
 * A run holds the lease (one document in sync_lease) so that two runs, on one host or two,
 * never overlap; a heartbeat thread keeps it fresh. A lease whose holder died is taken over at
 * once on the same host (its pid is gone) and after MQ_SYNC_LEASE_TIMEOUT seconds without a
 * heartbeat from another host. Every run writes a synclogs document: in-progress, with its
 * progress (phase, done of total) and counts so far at most once a second, then success,
 * partial (some movies failed) or failed, with its counts.
 *
 * Movies are fetched concurrently (mq_tmdb_get_many) within TMDB_RATE and compared with the
 * catalogue before anything is written: an unchanged movie costs no write, a changed one gets
 * only its changed fields, never those in its locked_fields, in unordered bulk upserts by
 * tmdb_id. A significant change (title, original title, release date, runtime, directors,
 * poster) raises a notification with the values before and after; a movie TMDB no longer has
 * (404) is flagged tmdb_missing and notified, never deleted. Each movie's write stands alone,
 * so a run killed at any point leaves every movie either as it was or as TMDB has it, and the
 * next run finishes the work (the changes feed restarts from the last successful run).
 */
#ifndef MQ_SYNC_H
#define MQ_SYNC_H

#include "tmdb/env.h"
#include "core/config.h"
#include "store/db.h"
#include "tmdb/tmdb.h"

#define MQ_SYNC_LEASE_TIMEOUT 60   /* seconds without a heartbeat before another host takes over */
#define MQ_SYNC_CHANGES_DAYS 14    /* TMDB's longest changes window; older runs get a full pass */

typedef struct mq_sync_counts {
	long fetched;     /* movies TMDB answered */
	long inserted;    /* new to the catalogue */
	long updated;     /* changed fields written */
	long unchanged;   /* compared equal: nothing written */
	long failed;      /* TMDB or database errors */
	long missing;     /* TMDB answered 404: flagged */
	long notified;    /* notifications raised */
	long genres;      /* genres stored */
} mq_sync_counts;

typedef struct mq_sync mq_sync;

/* What a run reports while it works: stage ("popular pages", "movies"), done of total. */
typedef void (*mq_sync_progress)(const char *stage, long done, long total, void *ctx);

/* A run against db and TMDB (t: its limiter paces every request). dry_run: everything is
 * fetched and compared, nothing written (no lease, no synclog). parallel: connections to TMDB
 * (1–20). Caller owns; mq_sync_free(). */
mq_sync *mq_sync_new(const mq_env *env, int dry_run, int parallel);
void mq_sync_free(mq_sync *s);   /* accepts NULL */
void mq_sync_on_progress(mq_sync *s, mq_sync_progress fn, void *ctx);

/* Takes the lease and opens the synclog of a run of kind ("popular", "all", …). MQ_ECONFLICT with
 * the holder described in holder[size] when another live run has it; database errors as theirs.
 * Dry runs take nothing. */
mq_err mq_sync_begin(mq_sync *s, const char *kind, char *holder, size_t size);

/* Closes the synclog (success, partial when movies failed, failed with error when rc is not
 * MQ_OK) and gives the lease back. */
void mq_sync_end(mq_sync *s, mq_err rc, const char *error);

/* The work. Each returns MQ_OK when it ran to the end (some movies may still have failed: see
 * the counts), or the error that stopped it. */
mq_err mq_sync_genres(mq_sync *s, int *count);
/* pages 1..pages of a TMDB list ("/movie/popular", "/movie/top_rated"), then its movies. */
mq_err mq_sync_list(mq_sync *s, const char *path, int pages);
/* These TMDB ids. */
mq_err mq_sync_movies(mq_sync *s, const long long *ids, size_t n);
/* Every catalogue movie TMDB reports changed since the last successful changes (or all) run;
 * with none in the last MQ_SYNC_CHANGES_DAYS days, every catalogue movie. *full says which. */
mq_err mq_sync_changes(mq_sync *s, int *full);
/* Catalogue movies without a title or overview in one of TMDB_LANGUAGES: fetched again with
 * their translations (English is the details' own language). */
mq_err mq_sync_translations(mq_sync *s);
/* Deletes expired tmdb_cache entries, refresh tokens and their revocations (session.h). */
mq_err mq_sync_purge_cache(mq_sync *s, long long *removed);

const mq_sync_counts *mq_sync_counts_of(const mq_sync *s);

/* The commands a run can be started with from outside (the admin): NULL-terminated. */
extern const char *const mq_sync_kinds[];

/* Starts `MARQUEE_SYNC kind` detached, in the background (its stdout and stderr are the caller's,
 * so its summary line and log reach the worker's log). *pid gets its pid. MQ_EINVAL for a kind
 * not in mq_sync_kinds, MQ_EINTERNAL when it cannot be started. The run's lease decides whether
 * it actually runs (a second one exits 75). */
mq_err mq_sync_start(const mq_config *cfg, const char *kind, long *pid);

/* The pieces, for tests. */

/* The fields of doc (a movie from TMDB, mq_movie_doc_from_tmdb) that differ from existing (the
 * catalogue's JSON of it), leaving out those in existing's locked_fields (a locked title keeps
 * titles.en, and the search keys, too; doc may be changed for that). *notes gets
 * [{field, before, after}] for the significant ones. Both caller owns. */
cJSON *mq_sync_diff(const cJSON *existing, cJSON *doc, cJSON **notes);

/* Whether the holder of the lease document doc is gone: on my_host with a pid that no longer
 * exists, or without a heartbeat for MQ_SYNC_LEASE_TIMEOUT seconds at now (ms). holder[size]
 * gets "pid N on HOST, last heartbeat …". */
int mq_sync_lease_stale(const char *my_host, const bson_t *doc, int64_t now, char *holder, size_t size);

#endif
