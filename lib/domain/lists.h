/* lists.h — a member's lists: the watchlist, the favourites, the interactions (watched, liked,
 * disliked, bookmarked) and the user's lists_version.
 *
 * The watchlist and the favourites are independent lists, as on TMDB and Letterboxd: removing a
 * movie from one leaves it on the other. The seed designs' API has favourites as a flag of a
 * watchlist item (is_favorite, PATCH /watchlist/:id/favorite); that flag is read from the
 * favourites (is this item's movie one of them?) and setting it adds or removes the favourite.
 *
 * The lists version counts the changes of a member's lists and ratings. Each is claimed in the
 * list_versions collection, one document per version under a unique (user_id, v) index, rather
 * than by a counter: FerretDB v1's $inc is not atomic, and bumps come from several worker
 * processes; the last one claimed is recorded in users.lists_v (lists_digest.h). The lists live in
 * their own collections and FerretDB v1 has no transactions, so each change is written first and
 * the version bumped right after, by the same call: a reader that sees a version sees every
 * change it counts, and one that read in between sees the newer version on its next request.
 * Reads go through the member's digest (lists_digest.h) at the version the caller knows: the
 * signed-in member's, from their session check (mq_user.lists_v); known < 0 reads it first. The
 * version is the ETag of the list endpoints and the v of live hints (live.h), so a client that
 * missed a hint notices the gap and fetches again.
 *
 * Movies are named by their ObjectId (24 hex); handlers resolve TMDB ids and slugs first.
 * Everything is owner-only: another member's item is MQ_ENOTFOUND, like one that does not exist.
 */
#ifndef MQ_LISTS_H
#define MQ_LISTS_H

#include "domain/lists_digest.h"
#include "store/db.h"

#include <cjson/cJSON.h>

typedef enum mq_interaction {
	MQ_WATCHED,
	MQ_LIKED,
	MQ_DISLIKED,
	MQ_BOOKMARKED,
} mq_interaction;

/* "watched", "liked", "disliked", "bookmarked" in mq_interaction order; NULL-terminated. */
extern const char *const mq_interaction_names[];
/* The interaction called name, or -1. */
int mq_interaction_parse(const char *name);

/* For lib code after a change it wrote: lists_version + 1 for user, returning the new version
 * (0 when the bump failed, which is logged: the change itself stands). */
long long mq_lists_bump(mongoc_database_t *database, const bson_oid_t *user);

/* The user's current lists version (0 before any change): known when the caller knows it (>= 0:
 * the signed-in member's, from the session check), else read, MQ_ENOTFOUND for no such user. */
mq_err mq_lists_version(mq_db *db, const char *user_id, long long known, long long *version);

/* Everything the pages need to show the signed-in member's toggles (user_id, not looked up again;
 * of one movie, movie_id, or of all when it is NULL), as one object:
 * {"version": v, "movies": [{"movie_id", "tmdb_id"?, "watchlist", "favorite", "watched",
 *  "liked", "disliked", "bookmarked", "rating" (or null)}]} for each movie in any list. The
 * version is read first, so the lists are at least as new as it. */
mq_err mq_lists_state(mq_db *db, const char *user_id, long long known, const char *movie_id, cJSON **state);

/* Watchlist items are {id, user_id, movie_id, is_favorite, added_at, updated_at}; lists add
 * "movie", the movie's summary in lang. *version (may be NULL) gets the lists_version after a
 * change. */

/* At most this many favourites filter a watchlist (?favorites=true|false). */
#define MQ_FAVORITES_MAX 10000

/* Adds the movie, and makes it a favourite too when is_favorite is set; MQ_ECONFLICT when it is
 * on the watchlist already. */
mq_err mq_watchlist_add(mq_db *db, const char *user_id, const char *movie_id, int is_favorite,
			cJSON **item, long long *version);

/* The item named by its id (item_id) or by its movie (movie_id): exactly one of them given. */
mq_err mq_watchlist_get(mq_db *db, const char *user_id, long long known, const char *item_id, const char *movie_id,
			cJSON **item);

/* Makes the item's movie (the item named as for mq_watchlist_get) a favourite or not, as
 * favorite says, or the opposite of what it is when favorite < 0. *item: the item after it. */
mq_err mq_watchlist_favorite(mq_db *db, const char *user_id, const char *item_id, const char *movie_id,
			     int favorite, cJSON **item, long long *version);

/* Removes the item (named as for mq_watchlist_get); *item (may be NULL) gets what was removed. */
mq_err mq_watchlist_remove(mq_db *db, const char *user_id, const char *item_id, const char *movie_id,
			   cJSON **item, long long *version);

/* One page of the watchlist, newest first: all (favorites < 0), only the favourites' items (1)
 * or only the others (0). */
mq_err mq_watchlist_list(mq_db *db, const char *user_id, long long known, int favorites, const char *lang,
			 long long page, long long limit, cJSON **items, long long *total);

/* One page of the member's list kind ("watchlist", "favorites", "interactions", "ratings") as
 * stored, newest first by sort_key, each with its movie's summary in lang (NULL: none), from their
 * digest at version known or newer (< 0: unknown). */
mq_err mq_lists_page(mongoc_database_t *database, const bson_oid_t *user, long long known, const char *kind,
		     const char *sort_key, const char *lang, long long page, long long limit, cJSON **items,
		     long long *total);

/* Favourites are {id, user_id, movie_id, added_at, is_favorite: true} (the last one for the seed
 * designs' clients, which read favourites as watchlist items). */

/* Makes the movie a favourite (on) or not. Adding one that is: MQ_OK with *created 0 and the
 * version unchanged; removing one that is not: MQ_ENOTFOUND. *item (may be NULL): the favourite
 * added, found or removed. */
mq_err mq_favorite_set(mq_db *db, const char *user_id, const char *movie_id, int on, cJSON **item,
		       int *created, long long *version);

/* Moves the favourites of an earlier version, an is_favorite flag on watchlist items, into the
 * favourites (*moved counts those made) and drops the flags. Idempotent: marquee-sync schema
 * runs it on every upgrade. */
mq_err mq_lists_migrate(mq_db *db, long *moved);

/* One page of the favourites, newest first, with "movie". */
mq_err mq_favorites_list(mq_db *db, const char *user_id, long long known, const char *lang, long long page,
			 long long limit, cJSON **items, long long *total);

/* Interactions are {id, movie_id, type, at}: one per member, movie and type, at the time it was
 * last recorded. Liking removes a dislike and disliking a like. Recording one again moves it to
 * now (*created tells which happened; may be NULL). */
mq_err mq_interaction_record(mq_db *db, const char *user_id, const char *movie_id, mq_interaction type,
			     cJSON **item, int *created, long long *version);

/* Removes the interaction; MQ_ENOTFOUND when it was not recorded. */
mq_err mq_interaction_remove(mq_db *db, const char *user_id, const char *movie_id, mq_interaction type,
			     long long *version);

/* One page of the member's interactions of a type (type < 0: all), newest first, with "movie".
 * The watch history is the watched ones. */
mq_err mq_interactions_list(mq_db *db, const char *user_id, long long known, int type, const char *lang,
			    long long page, long long limit, cJSON **items, long long *total);

#endif
