/* admin_movie.h — a curator's movies: read as stored (hidden ones and locks included), created
 * from TMDB's reviewed values or by hand, edited with per-field locks against the sync, hidden
 * and restored, synced with TMDB now, given an uploaded poster or backdrop. Each change is
 * audited (admin.h). Movies are named by their ObjectId (24 hex); any other id is MQ_ENOTFOUND.
 *
 * Manual movies have no TMDB id. The tmdb_id index is unique and FerretDB v1 has no partial
 * indexes, so they carry a negative placeholder in tmdb_id that the public JSON leaves out.
 * Every cJSON ** result is the caller's; image URLs are not added (a reader adds them).
 */
#ifndef MQ_ADMIN_MOVIE_H
#define MQ_ADMIN_MOVIE_H

#include "domain/admin.h"
#include "web/http.h"

#include <cjson/cJSON.h>

/* The fields of a movie a curator may set, NULL-terminated (mq_catalog_lockable, the overview
 * and, on creating, tmdb_id). */
extern const char *const mq_admin_movie_fields[];

/* Checks a curator's fields, the one place both the API's JSON bodies and the pages' forms are
 * checked: only mq_admin_movie_fields (tmdb_id only when create), each of its type and size
 * (null clears any field but the title; genres are {id, name}; titles and overviews map en and
 * fa to text; adult is true or false; min_age a whole number of years from 0 to 18, null for
 * none), and a title when create. Appends every problem to req->errors; returns 0 when
 * there is none, else -1. */
int mq_admin_movie_check(mq_req *req, const cJSON *fields, int create);

/* Checks names (an array, may be NULL) as fields to lock or unlock: each one of
 * mq_catalog_lockable. Problems go to req->errors, starting with what ("unlock"); 0 or -1. */
int mq_admin_movie_check_locks(mq_req *req, const cJSON *names, const char *what);

/* The movie as stored, hidden or not: its JSON with locked_fields, hidden and source. */
mq_err mq_admin_movie_get(mq_db *db, const char *movie_id, cJSON **movie);

/* The catalogue's movie with this TMDB id, hidden or not; MQ_ENOTFOUND when it has none. */
mq_err mq_admin_movie_by_tmdb(mq_db *db, long long tmdb_id, cJSON **movie);

/* Creates a movie from checked fields (mq_admin_movie_check with create): with tmdb_id a TMDB
 * movie (source tmdb), without one a manual movie. The slug comes from the title and year.
 * *movie: the stored movie; on MQ_ECONFLICT, the movie that has this TMDB id already (NULL when
 * the conflict is another). */
mq_err mq_admin_movie_create(mq_db *db, const mq_admin_actor *who, const cJSON *fields, cJSON **movie);

/* What an edit does. Locks apply to TMDB movies only (a manual movie has no sync to resist):
 * unlock's fields are unlocked first, then lock's, and with lock_set every field set, locked;
 * with lock_changed every field set to another value than the movie has (a form sends every
 * field, changed or not), locked. */
typedef struct mq_admin_movie_change {
	const cJSON *fields;  /* checked by mq_admin_movie_check (not create); may be empty */
	int lock_set;
	int lock_changed;
	const cJSON *lock;    /* an array of mq_catalog_lockable names, or NULL */
	const cJSON *unlock;  /* the same */
} mq_admin_movie_change;

/* Edits the movie (audited as movie.edit, or movie.unlock when it only unlocks); *movie: the
 * movie after. MQ_EINVAL for a name in lock or unlock that is not lockable. */
mq_err mq_admin_movie_edit(mq_db *db, const mq_admin_actor *who, const char *movie_id,
			   const mq_admin_movie_change *change, cJSON **movie);

/* Hides the movie from the public (hidden: true; audited as movie.hide — entries written before
 * that name say movie.delete, which means the same) or shows it again (movie.restore). *movie: the movie after. */
mq_err mq_admin_movie_hide(mq_db *db, const mq_admin_actor *who, const char *movie_id, int hidden, cJSON **movie);

/* Fetches the movie from TMDB now and stores it as the sync does (locked fields kept; audited as
 * movie.sync). *movie: the movie after; *changed: the names of the fields that changed.
 * MQ_EUNPROCESSABLE for a movie added by hand (no TMDB id to sync from), MQ_EUPSTREAM when
 * TMDB's answer could not be stored; TMDB's and the database's errors as theirs. */
mq_err mq_admin_movie_sync(const mq_env *env, const mq_admin_actor *who, const char *movie_id, cJSON **movie,
			   cJSON **changed);

/* Makes url (an upload's public path, mq_media_store) the movie's poster (or its backdrop),
 * locked, audited as movie.image. The image no longer used is deleted from MEDIA_DIR: the
 * replaced upload on success, url itself on failure. *movie: the movie after. */
mq_err mq_admin_movie_image(const mq_env *env, const mq_admin_actor *who, const char *movie_id, int backdrop,
			    const char *url, cJSON **movie);

#endif
