/* demo.h — the demo members of an offline first run (marquee-sync seed --demo-members).
 *
 * Only `make run` and `make start` without a TMDB credential ask for them (tests/stack.sh), never
 * a site with a credential nor `make install`: their password is public (README.md). Each member
 * has a taste (a few genres), ratings that follow it, a watchlist and favourites, so that the
 * recommender has something to learn and a newcomer who signs in sees it work. The first
 * member is an admin.
 */
#ifndef MQ_DEMO_H
#define MQ_DEMO_H

#include "core/config.h"
#include "store/db.h"

/* The shared password of every demo member (README.md prints it too). */
#define MQ_DEMO_PASSWORD "marquee-demo"

typedef struct mq_demo_member {
	const char *email, *name, *role;
} mq_demo_member;

/* The demo members, ending with an entry of NULLs. Borrowed, static. */
extern const mq_demo_member mq_demo_members[];

/* Registers the demo members that do not exist yet and gives each ratings, a watchlist and
 * favourites among the catalogue's most popular movies. A member already registered is left as
 * it is (the seed ran before). *created and *ratings (may be NULL) get the counts made now.
 * MQ_EUNAVAIL when the database is; a catalogue without movies gives members without lists. */
mq_err mq_demo_seed_members(mq_db *db, const mq_config *cfg, int *created, int *ratings);

#endif
