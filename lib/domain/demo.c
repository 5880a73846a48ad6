/* demo.c — the demo members of an offline first run (see demo.h).
 *
 * Deterministic: the same catalogue gives the same members, ratings and lists. Each member's
 * taste is three of TMDB's genre ids; among the most popular movies, those of the taste get
 * 8-10 and a few others 3-5, so the recommender learns neighbours from what members share.
 */
#include "domain/demo.h"
#include "domain/account.h"
#include "domain/lists.h"
#include "domain/rating.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const mq_demo_member mq_demo_members[] = {
	{ "ada@demo.marquee.test", "Ada Rahimi", "admin" },
	{ "babak@demo.marquee.test", "Babak Moreau", "user" },
	{ "chloe@demo.marquee.test", "Chloé Tanaka", "user" },
	{ "darius@demo.marquee.test", "Darius Okafor", "user" },
	{ NULL, NULL, NULL },
};

/* Genre ids: drama, crime, thriller · comedy, family, animation · science fiction, adventure,
 * fantasy · horror, mystery, thriller. */
static const int tastes[][3] = { { 18, 80, 53 }, { 35, 10751, 16 }, { 878, 12, 14 }, { 27, 9648, 53 } };

#define POOL 160        /* the most popular movies the members choose from */
#define LIKED 10        /* ratings of the taste */
#define OTHERS 4        /* ratings outside it */
#define WATCHLIST 5
#define FAVOURITES 3

typedef struct pool_movie {
	char id[25];
	int genres[8];
	int n_genres;
} pool_movie;

/* The POOL most popular visible movies: their ids and genre ids. */
static mq_err read_pool(mq_db *db, pool_movie *pool, int *n)
{
	*n = 0;
	mongoc_client_t *client = mq_db_pop(db);
	if (!client)
		return MQ_EUNAVAIL;
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t *filter = BCON_NEW("hidden", "{", "$ne", BCON_BOOL(true), "}");
	bson_t *opts = BCON_NEW("sort", "{", "popularity", BCON_INT32(-1), "_id", BCON_INT32(1), "}",
				"limit", BCON_INT64(POOL), "projection", "{", "genres.id", BCON_INT32(1), "}");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, filter, opts, NULL);
	while (mongoc_cursor_next(cursor, &doc) && *n < POOL) {
		bson_iter_t it, genres, g;
		pool_movie *m = &pool[*n];
		if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
			continue;
		bson_oid_to_string(bson_iter_oid(&it), m->id);
		m->n_genres = 0;
		if (bson_iter_init_find(&genres, doc, "genres") && BSON_ITER_HOLDS_ARRAY(&genres)
		    && bson_iter_recurse(&genres, &g)) {
			while (bson_iter_next(&g) && m->n_genres < 8) {
				bson_iter_t id;
				if (BSON_ITER_HOLDS_DOCUMENT(&g) && bson_iter_recurse(&g, &id) && bson_iter_find(&id, "id")
				    && BSON_ITER_HOLDS_NUMBER(&id))
					m->genres[m->n_genres++] = (int)bson_iter_as_int64(&id);
			}
		}
		(*n)++;
	}
	mq_err rc = mongoc_cursor_error(cursor, &error) ? mq_db_error(&error, "demo: movies") : MQ_OK;
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	mongoc_collection_destroy(movies);
	mq_db_push(db, client);
	return rc;
}

static int of_taste(const pool_movie *m, const int taste[3])
{
	for (int i = 0; i < m->n_genres; i++)
		for (int k = 0; k < 3; k++)
			if (m->genres[i] == taste[k])
				return 1;
	return 0;
}

/* One member's ratings, watchlist and favourites. A conflict (made already) is no failure. */
static mq_err member_lists(mq_db *db, const char *user_id, int k, const pool_movie *pool, int n, int *ratings)
{
	int liked = 0, others = 0, listed = 0, favourites = 0;
	for (int j = (k * 7) % (n ? n : 1), seen = 0; seen < n; seen++, j = (j + 1) % n) {
		const pool_movie *m = &pool[j];
		int taste = of_taste(m, tastes[k]);
		double rating = 0;
		if (taste && liked < LIKED)
			rating = 8 + (j + k) % 3;
		else if (!taste && others < OTHERS && (j + k) % 4 == 0)
			rating = 3 + (j % 3);
		mq_err rc = MQ_OK;
		cJSON *out = NULL;
		if (rating > 0) {
			rc = mq_rating_create(db, user_id, m->id, rating, NULL, &out, NULL);
			cJSON_Delete(out);
			out = NULL;
			if (rc == MQ_OK || rc == MQ_ECONFLICT) {
				*ratings += rc == MQ_OK;
				taste ? liked++ : others++;
			}
			if (rc == MQ_OK && rating >= 9 && favourites < FAVOURITES) {
				int created = 0;
				rc = mq_favorite_set(db, user_id, m->id, 1, NULL, &created, NULL);
				favourites += rc == MQ_OK;
			}
		} else if (taste && listed < WATCHLIST) {
			rc = mq_watchlist_add(db, user_id, m->id, 0, &out, NULL);
			cJSON_Delete(out);
			listed += rc == MQ_OK || rc == MQ_ECONFLICT;
		}
		if (rc == MQ_EUNAVAIL)
			return rc;
		if (liked >= LIKED && others >= OTHERS && listed >= WATCHLIST)
			break;
	}
	return MQ_OK;
}

mq_err mq_demo_seed_members(mq_db *db, const mq_config *cfg, int *created, int *ratings)
{
	int made = 0, rated = 0, n = 0;
	pool_movie *pool = mq_xcalloc(POOL, sizeof *pool); /* aborts on out of memory (core/mem.h) */
	mq_err rc = read_pool(db, pool, &n);
	for (int k = 0; rc == MQ_OK && mq_demo_members[k].email; k++) {
		const mq_demo_member *d = &mq_demo_members[k];
		char username[40];
		snprintf(username, sizeof username, "%.*s", (int)strcspn(d->email, "@"), d->email);
		mq_new_user in = { d->email, MQ_DEMO_PASSWORD, username, d->name, NULL };
		cJSON *user = NULL;
		rc = mq_account_register(db, cfg, &in, &user);
		if (rc == MQ_ECONFLICT) { /* seeded before: left as it is */
			rc = MQ_OK;
			continue;
		}
		const char *id = rc == MQ_OK ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "id")) : NULL;
		if (id) {
			made++;
			if (strcmp(d->role, "user")) {
				int changed = 0;
				rc = mq_account_set_role(db, d->email, d->role, &changed);
			}
			if (rc == MQ_OK)
				rc = member_lists(db, id, k, pool, n, &rated);
		}
		cJSON_Delete(user);
	}
	free(pool);
	if (created)
		*created = made;
	if (ratings)
		*ratings = rated;
	return rc;
}
