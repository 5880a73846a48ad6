/* people.h — the people collection: a person found by TMDB id or slug, fetched from TMDB when the
 * collection lacks them (one request, /person/<id> with MQ_PERSON_APPEND appended, through the
 * TMDB response cache) and stored by the unique tmdb_id; their public JSON with the filmography
 * (catalogue movies first-class); people searched by their folded names; and the sync that keeps
 * the people of the catalogue fresh. Knows nothing of HTTP.
 *
 * A person's slug is their name's ASCII words and their TMDB id, "brad-pitt-287" ("person-287"
 * for a name without Latin letters): unique by construction, and the id is read back from it, so a
 * slug keeps working when TMDB changes the name (the page then redirects to the new one). */
#ifndef MQ_PEOPLE_H
#define MQ_PEOPLE_H

#include "core/err.h"
#include "store/db.h"
#include "tmdb/env.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* A person ref → their TMDB id: digits (1..2^31-1) or a slug ending in "-<id>". 0, or -1 when ref
 * is neither. */
int mq_people_ref(const char *ref, long long *tmdb_id);

/* The slug of a person with this name and TMDB id (see above), in out[size]. */
void mq_people_slug(const char *name, long long tmdb_id, char *out, size_t size);

/* The _id of person tmdb_id in the people collection: an ObjectId made of the id (four zero
 * bytes, then the id's eight, big-endian), so that a person is found by _id, which FerretDB v1 on
 * SQLite answers without decoding every document, and the API's ids stay ObjectIds. */
void mq_people_oid(long long tmdb_id, bson_oid_t *oid);

/* The person ref names as public JSON in lang ("en", "fa"): id, tmdb_id, slug, name (the lang
 * one where known), names, profile_path, known_for_department, birthday, deathday,
 * place_of_birth, biography (lang's, else English, else null) with biography_language,
 * biographies, imdb_id, popularity, tmdb_synced_at, and the filmography: acting and crew, newest
 * first, each a movie summary with character (acting) or jobs (crew) and in_catalog; a movie
 * the catalogue holds is its catalogue summary (id, slug, title in lang, our ratings), one hidden
 * by a curator is left out; every credit keeps its adult flag, and the caller leaves out what the
 * request's audience may not see (mq_catalog_gate_tmdb on each list). A person the collection lacks
 * is fetched and stored first (*fetched = 1; fetched may be NULL); with env->tmdb NULL only the
 * collection is asked. MQ_EINVAL for a malformed ref, MQ_ENOTFOUND when neither has them (or TMDB
 * marks them adult); TMDB and database errors as theirs. *person: caller owns. */
mq_err mq_people_get(const mq_env *env, const char *ref, const char *lang, cJSON **person, int *fetched);

/* Fetches the person with tmdb_id from TMDB (through the cache) and stores them: new ones
 * inserted, known ones updated. MQ_ENOTFOUND when TMDB has no such person (or an adult one):
 * noted as tmdb_missing with the time (a stored person keeps their fields but is not shown), so
 * the sync asks again only when that is stale. */
mq_err mq_people_refresh(const mq_env *env, long long tmdb_id);

/* At most limit stored people whose search keys match pattern (mq_search_pattern), most popular
 * first, as summaries: id, tmdb_id, slug, name (lang's), profile_path, known_for_department,
 * popularity. *items: caller owns. */
mq_err mq_people_search(mq_db *db, const char *pattern, long long limit, const char *lang, cJSON **items);

/* TMDB's person search for q (through the cache; include_adult=false, and adult people left out
 * whatever TMDB says): at most limit summaries as mq_people_search's, with known_for (titles) and
 * without id and slug. *items: caller owns. */
mq_err mq_people_tmdb_search(const mq_env *env, const char *q, long long limit, cJSON **items);

/* The TMDB id of a stored person named name (its folded key equal to one of theirs: any name,
 * case and accents aside), the most popular when several are; MQ_ENOTFOUND when none is. */
mq_err mq_people_find_name(mq_db *db, const char *name, long long *tmdb_id);

/* What `marquee-sync people` refreshes: the directors and the first cast_per_movie billed actors
 * of every visible catalogue movie (the most popular movies' people first), those not stored or
 * stored more than stale_days ago, limit of them at most per run. */
#define MQ_PEOPLE_SYNC_CAST 5      /* the leading actors of each movie */
#define MQ_PEOPLE_SYNC_DAYS 30     /* a person fetched longer ago is stale */
#define MQ_PEOPLE_SYNC_LIMIT 500   /* people fetched per run at most */
#define MQ_PEOPLE_SYNC_CAST_TEXT "5"
#define MQ_PEOPLE_SYNC_DAYS_TEXT "30"
#define MQ_PEOPLE_SYNC_LIMIT_TEXT "500"

typedef struct mq_people_sync_opts {
	int cast_per_movie;  /* 5 */
	int stale_days;      /* 30 */
	long limit;          /* 500 */
	int dry_run;         /* count the candidates, fetch nothing */
} mq_people_sync_opts;

typedef struct mq_people_sync_counts {
	long candidates;  /* distinct people of the catalogue within the bound */
	long due;         /* of them not stored, or stale */
	long refreshed;   /* fetched and stored */
	long missing;     /* TMDB answered 404 (or an adult person): left as they are */
	long failed;      /* TMDB or database errors */
} mq_people_sync_counts;

mq_err mq_people_sync(const mq_env *env, const mq_people_sync_opts *o, mq_people_sync_counts *c);

#endif
