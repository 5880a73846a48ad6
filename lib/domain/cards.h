/* cards.h — the card catalogue: every movie's summary held in each worker process, so that
 * lists, filters, sorts, search and the summaries joined to a member's lists are answered from
 * memory instead of a scan of the movies collection (FerretDB v1 on SQLite decodes every
 * document for any filter but an _id equality; see README "Fast at real size").
 *
 * A snapshot is immutable: the threads of a process share it read-only behind a reference count
 * (mq_cards_acquire / mq_cards_release), and a newer one replaces it whole. It is kept correct
 * through the database, never only in one process: every write to movies is followed by a new
 * catalogue version (mq_cards_bump), a document {_id: "<v>", v, at, movies: [ObjectId…] or
 * all: true} in catalog_versions (or people: [TMDB id…], people_all or genres: true, for what
 * other process caches follow: the people index, the genres kept). Versions are numbered 1, 2, … without gaps: a writer inserts
 * the first number above the "head" hint that is free (_id is unique everywhere, so two writers
 * never take the same one; a duplicate moves on to the next), then raises the hint.
 *
 * A process looks for the version after its own (one lookup by string _id, which FerretDB
 * serves without a scan) before a visitor's request, and at most once a second for a member's,
 * then reads only the movies named (by _id) and patches its snapshot; a change of more than
 * MQ_CARDS_PATCH_MAX movies reloads every card. So a visitor sees every change finished before
 * their request; a member sees others' within about a second and their own on their very next
 * request: the write records the version it produced in the member's users document
 * (catalog_v), which the session check reads anyway and passes to mq_cards_require. A process
 * that has not looked for MQ_CARDS_MAX_AGE_MS reloads whole (versions are kept an hour, so the
 * ones after its own may be gone), and every process does after MQ_CARDS_RELOAD_MS, which covers
 * a bump that failed or that a crash kept from being written.
 *
 * Memory: a card is its summary document as stored (titles and overviews in every language
 * kept) plus its filter fields: about 1 KB a movie with TMDB's texts (10,000 movies: ~10 MB in
 * each process that asks for cards: movies, genres, watchlist, ratings, users).
 */
#ifndef MQ_CARDS_H
#define MQ_CARDS_H

#include "core/audience.h"
#include "domain/catalog.h"
#include "store/db.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#define MQ_CARDS_CHECK_MS 1000  /* a process looks for a newer version at most this often */
#define MQ_CARDS_MAX_AGE_MS (50 * 60 * 1000) /* versions are kept an hour (clocks may differ) */
#define MQ_CARDS_RELOAD_MS (6 * 60 * 60 * 1000) /* a whole reading every six hours at the least
						 * (2.8 s at 10,000 movies on the embedded
						 * database, the request that asks waiting) */
#define MQ_CARDS_PATCH_MAX 1000 /* more movies changed than this: a new version says all, and a
				 * process reloads every card. A patch reads each movie by _id
				 * (about 1 ms on the embedded database); reading every card costs
				 * its decoding of every movie (2.8 s at 10,000) */

/* One movie's card. Strings point into summary (whose JSON, mq_catalog_summary_json, is the
 * card as lists show it); borrowed from its snapshot. */
typedef struct mq_card {
	bson_oid_t oid;
	long long tmdb_id;       /* < 0: a manual movie's placeholder */
	const char *slug;        /* "" when missing */
	const char *title_key;   /* the English title's search key, sort by title; NULL when missing */
	const char *source;      /* "tmdb", "manual"; NULL when missing */
	bson_t *summary;         /* the fields of mq_catalog_summary_projection, _id included */
	double popularity, vote_average;
	int release_type;        /* the release date's: 0 missing or null, 1 a string ("1999-10-15",
				  * as the sync stores it), 2 a date (BSON's order of types) */
	const char *release;     /* the string */
	int64_t release_ms;      /* the date */
	int has_popularity, has_vote_average, has_title_key;
	int year;                /* 0 when missing */
	int hidden, missing, adult;
	int min_age;             /* the curator's, -1 when not set */
	mq_age_limit *limits;    /* age_limits: the minimum age per region */
	size_t n_limits;
	long long *genres, *cast, *directors; /* TMDB ids */
	size_t n_genres, n_cast, n_directors;
	char **keys;             /* search_keys */
	size_t n_keys;
	atomic_int refs;         /* the snapshots that hold it (cards.c) */
} mq_card;

typedef struct mq_cards mq_cards;

/* The current snapshot for the calling thread's request (mq_cards_require): a visitor's looks
 * at the database first (one lookup by _id: the next version; then the movies it names), so it
 * holds every change finished before the request; a member's is looked at when it is older than
 * their own last change or than MQ_CARDS_CHECK_MS (their session check already cost two round
 * trips). A request looks once: its later acquisitions take the snapshot its look found (or a
 * newer one), unless it wrote a catalogue version since (mq_cards_bump). One thread of a process looks at a time; while one reloads every card, the others
 * serve the snapshot there is. Through database, whose client the caller holds. NULL when the
 * look failed (the database's error is logged; the caller answers 503), and for
 * MQ_CARDS_CHECK_MS after that without looking again, so that a database down costs each
 * request one timeout at most. The caller releases it with mq_cards_release (accepts NULL). */
mq_cards *mq_cards_acquire(mongoc_database_t *database);
void mq_cards_release(mq_cards *c);

/* What the calling thread's request must see: MQ_CARDS_LATEST (the worker loop sets it before
 * each request) or, for a member, the catalogue version of their own last change (the session
 * check sets it from their users document, catalog_v). Either starts a request: its first
 * acquisition looks at the database again. */
#define MQ_CARDS_LATEST LLONG_MAX
void mq_cards_require(long long version);

long long mq_cards_version(const mq_cards *c);
size_t mq_cards_count(const mq_cards *c);
size_t mq_cards_visible(const mq_cards *c); /* those not hidden by a curator */

/* The card of the movie with that ObjectId, TMDB id or slug, or NULL. Borrowed from c. */
const mq_card *mq_cards_by_oid(const mq_cards *c, const bson_oid_t *oid);
const mq_card *mq_cards_by_tmdb(const mq_cards *c, long long tmdb_id);
const mq_card *mq_cards_by_slug(const mq_cards *c, const char *slug);

/* The cards in the order of a catalogue list sorted by sort (ascending or not), ties by _id
 * ascending, as the database sorts (a missing value before every other when ascending):
 * mq_cards_count(c) entries. Borrowed from c. */
const mq_card *const *mq_cards_sorted(const mq_cards *c, mq_movie_sort sort, int ascending);

/* The cards with a search key starting with what pattern (mq_search_pattern) looks for, in the
 * order of sort (as mq_cards_sorted), each once: their number, and *found (caller frees; the
 * cards borrowed from c). A binary search among every card's keys, not a look at each card. */
size_t mq_cards_search(const mq_cards *c, const char *pattern, mq_movie_sort sort, int ascending,
		       const mq_card ***found);

/* Whether card matches the filters of q (status, source, genre, year, min_rating, search,
 * actor, director, audience); paging and sort are not looked at. */
int mq_cards_match(const mq_card *card, const mq_movie_query *q);

/* The first position from i on, in the order q sorts by (mq_cards_sorted), of a card that may
 * match q as far as its status, genre, year, minimum rating and audience tell; mq_cards_count(c)
 * when none does. *matches: whether that card surely matches q; otherwise it is still to be put
 * to mq_cards_match (q asks what the sieve does not hold: source, actor, director, search, or an
 * audience whose age one of the movie's regions may refuse). It reads a sieve of 16 bytes per
 * card kept in each order, not the cards: walking every card's scattered memory to count a
 * filtered list cost more than the comparisons (10,000 movies: 1.6 ms; 3 ms for a page's list,
 * which every visitor's audience filters). */
size_t mq_cards_sift(const mq_cards *c, const mq_movie_query *q, size_t i, int *matches);

/* Whether audience a may see card's movie (the rule of core/audience over its adult flag,
 * curator's min_age and age_limits: what mq_catalog_allows says of its document). */
int mq_cards_allows(const mq_card *card, const mq_audience *a);

/* A copy of the whole movies document of oid this process keeps for movie pages (the last
 * MQ_CARDS_DOCS read), or NULL; kept ones are dropped when a snapshot that names their movie
 * changed replaces c. mq_cards_keep_doc keeps a copy of doc, read after c was acquired, unless
 * another snapshot replaced c meanwhile. The caller destroys what mq_cards_doc returns. */
#define MQ_CARDS_DOCS 128
bson_t *mq_cards_doc(const mq_cards *c, const bson_oid_t *oid);
void mq_cards_keep_doc(const mq_cards *c, const bson_oid_t *oid, const bson_t *doc);

/* Writes a new catalogue version saying that the movies (n ObjectIds; n == 0: all of them, or
 * more than MQ_CARDS_PATCH_MAX) changed, after the caller wrote them; with user (may be NULL),
 * records it as that member's catalog_v too. Returns the version, or 0 when it could not be
 * written (logged: the change itself stands; processes see it at their next whole reload). */
long long mq_cards_bump(mongoc_database_t *database, const bson_oid_t *movies, size_t n, const bson_oid_t *user);

/* The same for people a writer stored (TMDB ids; NULL or more than MQ_CARDS_PATCH_MAX: any): a
 * version that changes no movie, which each process's people search follows
 * (mq_cards_take_people). The catalogue version written, or 0. */
long long mq_cards_bump_people(mongoc_database_t *database, const long long *people, size_t n);

/* The same for the genres, after a writer stored them (genre.c): a version that changes no movie,
 * after which each process reads its genres again (mq_cards_genres_epoch). The version, or 0. */
long long mq_cards_bump_genres(mongoc_database_t *database);

/* Which reading of the genres c requires: a number that rises with each snapshot a process
 * installs after a version said the genres changed, or after reading every card (versions may
 * have been missed). Genres read while holding c (or a later snapshot) are as new as c. */
long long mq_cards_genres_epoch(const mq_cards *c);

/* The people the catalogue versions this process installed since the last call named: 1 when
 * that may be anyone (the first call, a whole reload, a version that said so), else 0 with
 * *people[*n] (sorted, each once; caller frees; NULL when none). For the one reader that keeps
 * people (people_index.c), after an acquisition that looked. */
int mq_cards_take_people(long long **people, size_t *n);

/* Drops this process's snapshot (tests; a process shutting down). */
void mq_cards_reset(void);

#endif
