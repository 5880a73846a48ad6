/* cards.c — the card catalogue of a worker process (see cards.h for the design). */
#include "domain/cards.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/search.h"
#include "core/sorted.h"

#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define VERSIONS "catalog_versions"
#define KEEP_VERSIONS_MS (60 * 60 * 1000) /* a version document lives an hour */

/* What a card's status, genres, year, rating and audience are, for mq_cards_sift. */
struct sieve {
	uint32_t genres;            /* bit k: the snapshot's genre_ids[k]; SIEVE_OTHER_GENRE: one of
				     * the genres beyond those */
	float vote;                 /* vote_average, rounded up to a float (never below it) */
	int32_t year;
	uint32_t flags;             /* SIEVE_*, and above SIEVE_AGE_SHIFT the oldest age any region
				     * (or the curator) asks for, plus 1 (0: none asked) */
};
#define SIEVE_GENRES 31
#define SIEVE_OTHER_GENRE (UINT32_C(1) << SIEVE_GENRES)
#define SIEVE_HIDDEN 1u
#define SIEVE_MISSING 2u
#define SIEVE_VOTE 4u
#define SIEVE_ADULT 8u
#define SIEVE_AGE_SHIFT 8

struct mq_cards {
	atomic_long refs;
	char database[64];          /* whose movies (a process serves one; tests use several) */
	long long version;
	int64_t loaded_at;          /* when its whole catalogue was read (mq_clock_ms) */
	size_t n, visible;          /* cards, and those not hidden */
	mq_card **cards;            /* owned, in no particular order */
	mq_card **by_oid, **by_tmdb, **by_slug; /* sorted for bsearch */
	mq_card **orders[4][2];     /* [mq_movie_sort][ascending] */
	mq_key_ref *keys;           /* every search key of every card (items: cards), sorted (search) */
	size_t n_keys;
	struct sieve *sieves[4][2]; /* the cards' sieves in each of orders */
	long long genre_ids[SIEVE_GENRES]; /* the first genres found, one sieve bit each */
	int n_genre_ids;
	bson_oid_t *changed;        /* the movies that changed since the snapshot before it */
	size_t n_changed;           /* (a whole reload: all, changed NULL) */
	long long *people;          /* the people (TMDB ids) the versions since it named */
	size_t n_people;
	int people_all;             /* or: any of them (a whole reload, or a version said so) */
	int genres_changed;         /* a version since said the genres changed */
	long long genres_epoch;     /* the process's genres_epoch when it was installed */
};

/* Whole movie documents kept for movie pages: a few, the most recently used, each dropped when
 * a snapshot that names its movie changed is installed (under lock, so a document read while
 * one was installed is never kept). */
#define DOCS MQ_CARDS_DOCS
static struct kept_doc {
	bson_oid_t oid;
	bson_t *doc;                /* NULL: a free slot */
	uint64_t used;
} docs[DOCS];
static uint64_t docs_clock;
static pthread_mutex_t docs_lock = PTHREAD_MUTEX_INITIALIZER;

/* The process's snapshot and who is checking it. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;    /* guards the three below */
static pthread_mutex_t looking = PTHREAD_MUTEX_INITIALIZER; /* held by the thread that looks */
static mq_cards *current;   /* one reference held by the process */
static int64_t checked_at;  /* the last look at the database that succeeded (0: look again) */
static int64_t looked_at;   /* the same, never cleared: versions older than an hour are gone */
static int reloading;       /* a whole reload is under way */
static int64_t failed_at;   /* the last look at the database that failed */
static long long *pending_people; /* people the snapshots installed since the last take named */
static size_t n_pending_people, cap_pending_people;
static int pending_people_all = 1; /* …or any: nothing was taken yet, or a whole reload */
static long long genres_epoch;    /* raised by each snapshot installed whole or after genres changed */
static __thread long long required = MQ_CARDS_LATEST;
static __thread long long looked = -1; /* the version this thread's request looked and found; -1:
					* it has not looked, or wrote since */

void mq_cards_require(long long version)
{
	required = version;
	looked = -1;
}

/* ---- one card ---------------------------------------------------------------------------- */

/* The fields a card reads besides the summary's; the first N_LEFT_OUT are left out of its
 * summary (the others stay: adult, min_age and age_limits are the summary's too, so that a
 * joined summary carries what the audience rule reads, and title_key, which its JSON leaves out). */
static const char *const filter_fields[] = {
	"hidden", "tmdb_missing", "search_keys", "cast", "directors", "adult", "min_age", "age_limits", "title_key",
};
#define N_LEFT_OUT 5

static void card_free(mq_card *c)
{
	if (!c)
		return;
	bson_destroy(c->summary);
	free(c->limits);
	free(c->genres);
	free(c->cast);
	free(c->directors);
	for (size_t i = 0; i < c->n_keys; i++)
		free(c->keys[i]);
	free(c->keys);
	free(c);
}

static double number(const bson_iter_t *it, int *has)
{
	*has = BSON_ITER_HOLDS_NUMBER(it);
	return *has ? bson_iter_as_double(it) : 0;
}

/* The TMDB ids of an array: its numbers (ids), or its documents' tmdb_id (people). */
static long long *ids_of(const bson_iter_t *array, const char *member, size_t *n)
{
	bson_iter_t it, sub;
	long long *out = NULL;
	size_t cap = 0;
	*n = 0;
	if (!BSON_ITER_HOLDS_ARRAY(array) || !bson_iter_recurse(array, &it))
		return NULL;
	while (bson_iter_next(&it)) {
		if (!BSON_ITER_HOLDS_DOCUMENT(&it) || !bson_iter_recurse(&it, &sub) || !bson_iter_find(&sub, member) ||
		    !BSON_ITER_HOLDS_NUMBER(&sub))
			continue;
		if (*n == cap)
			out = mq_xrealloc(out, (cap = cap ? cap * 2 : 8) * sizeof *out);
		out[(*n)++] = bson_iter_as_int64(&sub);
	}
	return out;
}

static char **strings_of(const bson_iter_t *array, size_t *n)
{
	bson_iter_t it;
	char **out = NULL;
	size_t cap = 0;
	*n = 0;
	if (!BSON_ITER_HOLDS_ARRAY(array) || !bson_iter_recurse(array, &it))
		return NULL;
	while (bson_iter_next(&it)) {
		if (!BSON_ITER_HOLDS_UTF8(&it))
			continue;
		if (*n == cap)
			out = mq_xrealloc(out, (cap = cap ? cap * 2 : 8) * sizeof *out);
		out[(*n)++] = mq_xstrdup(bson_iter_utf8(&it, NULL));
	}
	return out;
}

static mq_age_limit *limits_of(const bson_iter_t *doc, size_t *n)
{
	bson_iter_t it;
	mq_age_limit *out = NULL;
	size_t cap = 0;
	*n = 0;
	if (!BSON_ITER_HOLDS_DOCUMENT(doc) || !bson_iter_recurse(doc, &it))
		return NULL;
	while (bson_iter_next(&it)) {
		const char *region = bson_iter_key(&it);
		if (!BSON_ITER_HOLDS_NUMBER(&it) || strlen(region) != 2)
			continue;
		if (*n == cap)
			out = mq_xrealloc(out, (cap = cap ? cap * 2 : 4) * sizeof *out);
		memcpy(out[*n].region, region, 3);
		out[(*n)++].age = (int)bson_iter_as_int64(&it);
	}
	return out;
}

/* A card of a movies document read with card_projection(); NULL without an ObjectId _id. */
static mq_card *card_of(const bson_t *doc)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, doc, "_id") || !BSON_ITER_HOLDS_OID(&it))
		return NULL;
	mq_card *c = mq_xcalloc(1, sizeof *c);
	bson_oid_copy(bson_iter_oid(&it), &c->oid);
	c->min_age = -1;
	bson_t summary = BSON_INITIALIZER; /* built where it may grow, kept in a block of its size */
	_Static_assert(N_LEFT_OUT == 5, "the fields left out are named one by one below");
	bson_copy_to_excluding_noinit(doc, &summary, filter_fields[0], filter_fields[1], filter_fields[2],
				      filter_fields[3], filter_fields[4], NULL);
	if (!(c->summary = bson_new_from_data(bson_get_data(&summary), summary.len)))
		c->summary = bson_copy(&summary);
	bson_destroy(&summary);
	int has;
	bson_iter_init(&it, doc);
	while (bson_iter_next(&it)) {
		const char *k = bson_iter_key(&it);
		if (!strcmp(k, "tmdb_id") && BSON_ITER_HOLDS_NUMBER(&it))
			c->tmdb_id = bson_iter_as_int64(&it);
		else if (!strcmp(k, "popularity"))
			c->popularity = number(&it, &c->has_popularity);
		else if (!strcmp(k, "vote_average"))
			c->vote_average = number(&it, &c->has_vote_average);
		else if (!strcmp(k, "release_date") && BSON_ITER_HOLDS_DATE_TIME(&it))
			c->release_type = 2, c->release_ms = bson_iter_date_time(&it);
		else if (!strcmp(k, "year"))
			c->year = (int)number(&it, &has);
		else if (!strcmp(k, "hidden"))
			c->hidden = bson_iter_as_bool(&it);
		else if (!strcmp(k, "tmdb_missing"))
			c->missing = bson_iter_as_bool(&it);
		else if (!strcmp(k, "adult"))
			c->adult = bson_iter_as_bool(&it);
		else if (!strcmp(k, "min_age") && BSON_ITER_HOLDS_NUMBER(&it))
			c->min_age = (int)bson_iter_as_int64(&it);
		else if (!strcmp(k, "age_limits"))
			c->limits = limits_of(&it, &c->n_limits);
		else if (!strcmp(k, "genres"))
			c->genres = ids_of(&it, "id", &c->n_genres);
		else if (!strcmp(k, "cast"))
			c->cast = ids_of(&it, "tmdb_id", &c->n_cast);
		else if (!strcmp(k, "directors"))
			c->directors = ids_of(&it, "tmdb_id", &c->n_directors);
		else if (!strcmp(k, "search_keys"))
			c->keys = strings_of(&it, &c->n_keys);
	}
	/* the strings the filters and sorts read point into the summary (or the key list) */
	c->slug = "";
	if (bson_iter_init_find(&it, c->summary, "slug") && BSON_ITER_HOLDS_UTF8(&it))
		c->slug = bson_iter_utf8(&it, NULL);
	if (bson_iter_init_find(&it, c->summary, "source") && BSON_ITER_HOLDS_UTF8(&it))
		c->source = bson_iter_utf8(&it, NULL);
	if (bson_iter_init_find(&it, c->summary, "release_date") && BSON_ITER_HOLDS_UTF8(&it)) {
		c->release = bson_iter_utf8(&it, NULL);
		c->release_type = 1;
	}
	if (bson_iter_init_find(&it, c->summary, "title_key") && BSON_ITER_HOLDS_UTF8(&it)) {
		c->title_key = bson_iter_utf8(&it, NULL);
		c->has_title_key = 1;
	}
	atomic_init(&c->refs, 1);
	return c;
}

/* A card is shared by the snapshots that hold it (a patch keeps the unchanged ones). */
static void card_release(mq_card *c)
{
	if (c && atomic_fetch_sub(&c->refs, 1) == 1)
		card_free(c);
}

/* The projection of a card's read: the summary's fields and the filters'. */
static void card_projection(bson_t *opts)
{
	bson_t proj;
	BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &proj);
	for (size_t i = 0; mq_catalog_summary_fields[i]; i++)
		BSON_APPEND_INT32(&proj, mq_catalog_summary_fields[i], 1);
	for (size_t i = 0; i < sizeof filter_fields / sizeof filter_fields[0]; i++)
		BSON_APPEND_INT32(&proj, filter_fields[i], 1);
	bson_append_document_end(opts, &proj);
}

/* ---- a snapshot -------------------------------------------------------------------------- */

static int cmp_oid_value(const void *a, const void *b)
{
	return bson_oid_compare(a, b);
}

static int cmp_oid(const void *a, const void *b)
{
	return bson_oid_compare(&(*(mq_card *const *)a)->oid, &(*(mq_card *const *)b)->oid);
}

static int cmp_tmdb(const void *a, const void *b)
{
	long long x = (*(mq_card *const *)a)->tmdb_id, y = (*(mq_card *const *)b)->tmdb_id;
	return (x > y) - (x < y);
}

static int cmp_slug(const void *a, const void *b)
{
	return strcmp((*(mq_card *const *)a)->slug, (*(mq_card *const *)b)->slug);
}

/* The database's order of one sort key: a missing value first, then by value. */
static int cmp_key(const mq_card *x, const mq_card *y, mq_movie_sort sort)
{
	int hx, hy;
	switch (sort) {
	case MQ_SORT_POPULARITY:
		hx = x->has_popularity, hy = y->has_popularity;
		if (hx != hy)
			return hx - hy;
		return (x->popularity > y->popularity) - (x->popularity < y->popularity);
	case MQ_SORT_RATING:
		hx = x->has_vote_average, hy = y->has_vote_average;
		if (hx != hy)
			return hx - hy;
		return (x->vote_average > y->vote_average) - (x->vote_average < y->vote_average);
	case MQ_SORT_RELEASE:
		if (x->release_type != y->release_type)
			return x->release_type - y->release_type;
		if (x->release_type == 1)
			return strcmp(x->release, y->release);
		return (x->release_ms > y->release_ms) - (x->release_ms < y->release_ms);
	case MQ_SORT_TITLE:
		hx = x->has_title_key, hy = y->has_title_key;
		if (hx != hy || !hx)
			return hx - hy;
		return strcmp(x->title_key, y->title_key);
	}
	return 0;
}

/* qsort has no context argument in C11: one comparator per order */
#define ORDER_CMP(name, sort, sign)                                                   \
	static int name(const void *a, const void *b)                                 \
	{                                                                             \
		const mq_card *x = *(mq_card *const *)a, *y = *(mq_card *const *)b;   \
		int k = (sign) * cmp_key(x, y, sort);                                 \
		return k ? k : bson_oid_compare(&x->oid, &y->oid);                    \
	}
ORDER_CMP(pop_asc, MQ_SORT_POPULARITY, 1)
ORDER_CMP(pop_desc, MQ_SORT_POPULARITY, -1)
ORDER_CMP(rating_asc, MQ_SORT_RATING, 1)
ORDER_CMP(rating_desc, MQ_SORT_RATING, -1)
ORDER_CMP(release_asc, MQ_SORT_RELEASE, 1)
ORDER_CMP(release_desc, MQ_SORT_RELEASE, -1)
ORDER_CMP(title_asc, MQ_SORT_TITLE, 1)
ORDER_CMP(title_desc, MQ_SORT_TITLE, -1)

static int (*const order_cmp[4][2])(const void *, const void *) = {
	[MQ_SORT_POPULARITY] = { pop_desc, pop_asc },
	[MQ_SORT_RATING] = { rating_desc, rating_asc },
	[MQ_SORT_RELEASE] = { release_desc, release_asc },
	[MQ_SORT_TITLE] = { title_desc, title_asc },
};

static mq_card **sorted_copy(mq_card **cards, size_t n, int (*cmp)(const void *, const void *))
{
	mq_card **out = mq_xcalloc(n ? n : 1, sizeof *out);
	if (n) { /* cards is NULL in an empty catalogue, which memcpy and qsort may not be given */
		memcpy(out, cards, n * sizeof *out);
		qsort(out, n, sizeof *out, cmp);
	}
	return out;
}

/* The sieve bit of genre in s: SIEVE_OTHER_GENRE when it has none. */
static uint32_t genre_bit(const mq_cards *s, long long genre)
{
	for (int k = 0; k < s->n_genre_ids; k++)
		if (s->genre_ids[k] == genre)
			return UINT32_C(1) << k;
	return SIEVE_OTHER_GENRE;
}

static struct sieve sieve_of(mq_cards *s, const mq_card *card)
{
	struct sieve e = { .year = card->year };
	for (size_t g = 0; g < card->n_genres; g++) {
		if (genre_bit(s, card->genres[g]) == SIEVE_OTHER_GENRE && s->n_genre_ids < SIEVE_GENRES)
			s->genre_ids[s->n_genre_ids++] = card->genres[g];
		e.genres |= genre_bit(s, card->genres[g]);
	}
	if (card->has_vote_average) {
		e.flags |= SIEVE_VOTE;
		e.vote = (float)card->vote_average;
		if ((double)e.vote < card->vote_average)
			e.vote = nextafterf(e.vote, INFINITY);
	}
	e.flags |= (card->hidden ? SIEVE_HIDDEN : 0) | (card->missing ? SIEVE_MISSING : 0) | (card->adult ? SIEVE_ADULT : 0);
	int oldest = card->min_age;
	for (size_t i = 0; card->min_age < 0 && i < card->n_limits; i++)
		if (card->limits[i].age > oldest)
			oldest = card->limits[i].age;
	e.flags |= (uint32_t)(oldest < 0 ? 0 : oldest + 1) << SIEVE_AGE_SHIFT;
	return e;
}

/* A snapshot of cards[n] (taken over) of database at version. */
static mq_cards *snapshot_new(const char *database, mq_card **cards, size_t n, long long version, int64_t loaded_at)
{
	mq_cards *s = mq_xcalloc(1, sizeof *s);
	atomic_init(&s->refs, 1);
	snprintf(s->database, sizeof s->database, "%s", database);
	s->version = version;
	s->loaded_at = loaded_at;
	s->n = n;
	s->cards = cards;
	for (size_t i = 0; i < n; i++)
		s->visible += !cards[i]->hidden;
	s->by_oid = sorted_copy(cards, n, cmp_oid);
	s->by_tmdb = sorted_copy(cards, n, cmp_tmdb);
	s->by_slug = sorted_copy(cards, n, cmp_slug);
	for (int k = 0; k < 4; k++)
		for (int a = 0; a < 2; a++) {
			s->orders[k][a] = sorted_copy(cards, n, order_cmp[k][a]);
			s->sieves[k][a] = mq_xcalloc(n ? n : 1, sizeof *s->sieves[k][a]);
			for (size_t i = 0; i < n; i++)
				s->sieves[k][a][i] = sieve_of(s, s->orders[k][a][i]);
		}
	for (size_t i = 0; i < n; i++)
		s->n_keys += cards[i]->n_keys;
	s->keys = mq_xcalloc(s->n_keys ? s->n_keys : 1, sizeof *s->keys);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < cards[i]->n_keys; j++)
			s->keys[k++] = (mq_key_ref){ cards[i]->keys[j], cards[i] };
	mq_key_refs_sort(s->keys, s->n_keys);
	return s;
}

static void *copy_of(const void *from, size_t n, size_t size)
{
	void *to = mq_xcalloc(n ? n : 1, size);
	if (n)
		memcpy(to, from, n * size);
	return to;
}

/* old's cards, orders and keys at version, for versions that changed no movie (people only): a
 * copy of its arrays, where a patch would sort them all again (30 ms at 10,000 movies). */
static mq_cards *snapshot_clone(const mq_cards *old, long long version)
{
	mq_cards *s = mq_xcalloc(1, sizeof *s);
	atomic_init(&s->refs, 1);
	memcpy(s->database, old->database, sizeof s->database);
	s->version = version;
	s->loaded_at = old->loaded_at;
	s->n = old->n;
	s->visible = old->visible;
	s->cards = copy_of(old->cards, old->n, sizeof *old->cards);
	for (size_t i = 0; i < s->n; i++)
		atomic_fetch_add(&s->cards[i]->refs, 1);
	s->by_oid = copy_of(old->by_oid, old->n, sizeof *old->by_oid);
	s->by_tmdb = copy_of(old->by_tmdb, old->n, sizeof *old->by_tmdb);
	s->by_slug = copy_of(old->by_slug, old->n, sizeof *old->by_slug);
	for (int k = 0; k < 4; k++)
		for (int a = 0; a < 2; a++) {
			s->orders[k][a] = copy_of(old->orders[k][a], old->n, sizeof *old->orders[k][a]);
			s->sieves[k][a] = copy_of(old->sieves[k][a], old->n, sizeof *old->sieves[k][a]);
		}
	s->keys = copy_of(old->keys, old->n_keys, sizeof *old->keys);
	s->n_keys = old->n_keys;
	memcpy(s->genre_ids, old->genre_ids, sizeof s->genre_ids);
	s->n_genre_ids = old->n_genre_ids;
	s->changed = mq_xcalloc(1, sizeof *s->changed); /* a patch of none, not a whole reload */
	return s;
}

static void snapshot_free(mq_cards *s)
{
	for (size_t i = 0; i < s->n; i++)
		card_release(s->cards[i]);
	free(s->cards);
	free(s->by_oid);
	free(s->by_tmdb);
	free(s->by_slug);
	for (int k = 0; k < 4; k++)
		for (int a = 0; a < 2; a++) {
			free(s->orders[k][a]);
			free(s->sieves[k][a]);
		}
	free(s->keys);
	free(s->changed);
	free(s->people);
	free(s);
}

void mq_cards_release(mq_cards *c)
{
	if (c && atomic_fetch_sub(&c->refs, 1) == 1)
		snapshot_free(c);
}

long long mq_cards_version(const mq_cards *c)
{
	return c->version;
}

long long mq_cards_genres_epoch(const mq_cards *c)
{
	return c->genres_epoch;
}

size_t mq_cards_count(const mq_cards *c)
{
	return c->n;
}

size_t mq_cards_visible(const mq_cards *c)
{
	return c->visible;
}

const mq_card *const *mq_cards_sorted(const mq_cards *c, mq_movie_sort sort, int ascending)
{
	return (const mq_card *const *)c->orders[sort][ascending ? 1 : 0];
}

const mq_card *mq_cards_by_oid(const mq_cards *c, const bson_oid_t *oid)
{
	mq_card key, *k = &key;
	bson_oid_copy(oid, &key.oid);
	mq_card **found = c->n ? bsearch(&k, c->by_oid, c->n, sizeof *c->by_oid, cmp_oid) : NULL;
	return found ? *found : NULL;
}

const mq_card *mq_cards_by_tmdb(const mq_cards *c, long long tmdb_id)
{
	mq_card key = { .tmdb_id = tmdb_id }, *k = &key;
	mq_card **found = c->n ? bsearch(&k, c->by_tmdb, c->n, sizeof *c->by_tmdb, cmp_tmdb) : NULL;
	return found ? *found : NULL;
}

const mq_card *mq_cards_by_slug(const mq_cards *c, const char *slug)
{
	mq_card key = { .slug = slug }, *k = &key;
	mq_card **found = c->n ? bsearch(&k, c->by_slug, c->n, sizeof *c->by_slug, cmp_slug) : NULL;
	return found ? *found : NULL;
}

/* ---- matching ---------------------------------------------------------------------------- */

static int has_id(const long long *ids, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

size_t mq_cards_search(const mq_cards *c, const char *pattern, mq_movie_sort sort, int ascending,
		       const mq_card ***found)
{
	const void **out;
	size_t k = mq_key_refs_prefixed(c->keys, c->n_keys, pattern, &out);
	qsort(out, k, sizeof *out, order_cmp[sort][ascending ? 1 : 0]);
	*found = (const mq_card **)out;
	return k;
}

/* Whether one of the card's keys starts with what pattern looks for. */
static int keys_match(const mq_card *card, const char *pattern)
{
	char text[512];
	size_t n = mq_search_pattern_text(pattern, text);
	for (size_t i = 0; i < card->n_keys; i++)
		if (!strncmp(card->keys[i], text, n))
			return 1;
	return 0;
}

int mq_cards_match(const mq_card *c, const mq_movie_query *q)
{
	if ((q->status == MQ_STATUS_VISIBLE && c->hidden) || (q->status == MQ_STATUS_HIDDEN && !c->hidden) ||
	    (q->status == MQ_STATUS_MISSING && !c->missing))
		return 0;
	if (q->source && !(c->source && !strcmp(c->source, q->source)))
		return 0;
	if (q->genre && !has_id(c->genres, c->n_genres, q->genre))
		return 0;
	if (q->year && c->year != q->year)
		return 0;
	if (q->min_rating > 0 && !(c->has_vote_average && c->vote_average >= q->min_rating))
		return 0;
	if (q->actor && !has_id(c->cast, c->n_cast, q->actor))
		return 0;
	if (q->director && !has_id(c->directors, c->n_directors, q->director))
		return 0;
	if (q->search && !keys_match(c, q->search))
		return 0;
	return !q->audience || mq_cards_allows(c, q->audience);
}

size_t mq_cards_sift(const mq_cards *c, const mq_movie_query *q, size_t i, int *matches)
{
	const struct sieve *s = c->sieves[q->sort][q->ascending ? 1 : 0];
	uint32_t genre = q->genre ? genre_bit(c, q->genre) : 0;
	uint32_t flag = q->status == MQ_STATUS_HIDDEN ? SIEVE_HIDDEN : q->status == MQ_STATUS_MISSING ? SIEVE_MISSING : 0;
	int sieved = !q->source && !q->actor && !q->director && !q->search; /* all else is in the sieve */
	const mq_audience *a = q->audience;
	for (; i < c->n; i++) {
		const struct sieve *e = &s[i];
		if ((q->status == MQ_STATUS_VISIBLE && (e->flags & SIEVE_HIDDEN)) || (flag && !(e->flags & flag)))
			continue;
		if ((genre && !(e->genres & genre)) || (q->year && e->year != q->year))
			continue;
		if (q->min_rating > 0 && !((e->flags & SIEVE_VOTE) && (double)e->vote >= q->min_rating))
			continue;
		if (a && (e->flags & SIEVE_ADULT) && !a->adult_ok)
			continue;
		int oldest = (int)(e->flags >> SIEVE_AGE_SHIFT) - 1;
		*matches = sieved && (!a || a->age < 0 || oldest < 0 || a->age >= oldest);
		return i;
	}
	*matches = 0;
	return c->n;
}

int mq_cards_allows(const mq_card *c, const mq_audience *a)
{
	return mq_audience_allows(a, c->adult, mq_audience_movie_age(c->min_age, a->region, c->limits, c->n_limits));
}

/* ---- versions ---------------------------------------------------------------------------- */

/* The version document v: MQ_OK with a copy in *doc, MQ_ENOTFOUND, or the database's error. */
static mq_err version_doc(mongoc_collection_t *versions, long long v, bson_t *doc)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", v);
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(id));
	mq_err rc = mq_db_find_one(versions, filter, NULL, doc, "catalogue version");
	bson_destroy(filter);
	return rc;
}

/* The head hint: the highest version some writer has recorded (0 when none). */
static mq_err head_hint(mongoc_collection_t *versions, long long *v)
{
	bson_t doc;
	bson_iter_t it;
	*v = 0;
	mq_err rc = version_doc(versions, 0, &doc); /* _id "0" is the head */
	if (rc == MQ_OK && bson_iter_init_find(&it, &doc, "v") && BSON_ITER_HOLDS_NUMBER(&it))
		*v = bson_iter_as_int64(&it);
	bson_destroy(&doc);
	return rc == MQ_ENOTFOUND ? MQ_OK : rc;
}

/* What a catalogue version tells. */
typedef enum news_kind { NEWS_MOVIES, NEWS_PEOPLE, NEWS_GENRES } news_kind;

/* Appends the version's news to doc: movies[n] (NULL, or more than MQ_CARDS_PATCH_MAX: all),
 * people[n] (NULL or too many: people_all), or that the genres changed. */
static void version_news(bson_t *doc, news_kind kind, const bson_oid_t *movies, const long long *people, size_t n)
{
	bson_t arr;
	int people_mode = kind == NEWS_PEOPLE;
	if (kind == NEWS_GENRES) {
		BSON_APPEND_BOOL(doc, "genres", true);
		return;
	}
	if (!people_mode && (n == 0 || n > MQ_CARDS_PATCH_MAX || !movies)) {
		BSON_APPEND_BOOL(doc, "all", true);
		return;
	}
	if (people_mode && (n > MQ_CARDS_PATCH_MAX || !people)) {
		BSON_APPEND_BOOL(doc, "people_all", true);
		return;
	}
	BSON_APPEND_ARRAY_BEGIN(doc, people_mode ? "people" : "movies", &arr);
	for (size_t i = 0; i < n; i++) {
		char key[24];
		snprintf(key, sizeof key, "%zu", i);
		if (people_mode)
			BSON_APPEND_INT64(&arr, key, people[i]);
		else
			BSON_APPEND_OID(&arr, key, &movies[i]);
	}
	bson_append_array_end(doc, &arr);
}

static long long bump(mongoc_database_t *database, news_kind kind, const bson_oid_t *movies, const long long *people,
		      size_t n, const bson_oid_t *user);

long long mq_cards_bump(mongoc_database_t *database, const bson_oid_t *movies, size_t n, const bson_oid_t *user)
{
	return bump(database, NEWS_MOVIES, movies, NULL, n, user);
}

long long mq_cards_bump_people(mongoc_database_t *database, const long long *people, size_t n)
{
	return bump(database, NEWS_PEOPLE, NULL, people, n, NULL);
}

long long mq_cards_bump_genres(mongoc_database_t *database)
{
	return bump(database, NEWS_GENRES, NULL, NULL, 0, NULL);
}

static long long bump(mongoc_database_t *database, news_kind kind, const bson_oid_t *movies, const long long *people,
		      size_t n, const bson_oid_t *user)
{
	looked = -1; /* the request's next acquisition looks again: its own change is in */
	mongoc_collection_t *versions = mongoc_database_get_collection(database, VERSIONS);
	long long v = 0;
	int64_t now = mq_clock_ms();
	mq_err rc = head_hint(versions, &v);
	bson_error_t error;
	int inserted = 0;
	for (int tries = 0; rc == MQ_OK && tries < 1000; tries++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", ++v);
		bson_t doc = BSON_INITIALIZER;
		BSON_APPEND_UTF8(&doc, "_id", id);
		BSON_APPEND_INT64(&doc, "v", v);
		BSON_APPEND_DATE_TIME(&doc, "at", now);
		version_news(&doc, kind, movies, people, n);
		inserted = mongoc_collection_insert_one(versions, &doc, NULL, NULL, &error);
		bson_destroy(&doc);
		if (inserted)
			break;
		if ((rc = mq_db_error(&error, "catalogue version")) == MQ_ECONFLICT)
			rc = MQ_OK; /* another writer has this one: the next */
	}
	if (!inserted) {
		mongoc_collection_destroy(versions);
		mq_log(MQ_LOG_ERROR, "cards", "no catalogue version written: other processes see the change at their next reload");
		return 0;
	}
	/* the hint only ever rises; losing a race here costs a later writer one more duplicate */
	bson_t *head = BCON_NEW("_id", BCON_UTF8("0"));
	bson_t *raise = BCON_NEW("$max", "{", "v", BCON_INT64(v), "}");
	bson_t *upsert = BCON_NEW("upsert", BCON_BOOL(true));
	if (!mongoc_collection_update_one(versions, head, raise, upsert, NULL, &error))
		mq_log(MQ_LOG_DEBUG, "cards", "head hint not raised: %s", error.message);
	if (v % 100 == 0) { /* versions older than an hour go (a process that idle reloads whole) */
		bson_t *old = BCON_NEW("at", "{", "$lt", BCON_DATE_TIME(now - KEEP_VERSIONS_MS), "}");
		if (!mongoc_collection_delete_many(versions, old, NULL, NULL, &error))
			mq_log(MQ_LOG_WARN, "cards", "old catalogue versions not removed: %s", error.message);
		bson_destroy(old);
	}
	bson_destroy(upsert);
	bson_destroy(raise);
	bson_destroy(head);
	if (user) /* at least v, the member's next request requires it: their own change */
		mq_db_raise_version(database, "users", user, "catalog_v", v, NULL, NULL, "member's catalogue version");
	mongoc_collection_destroy(versions);
	/* this process sees its own change on its next request */
	pthread_mutex_lock(&lock);
	checked_at = 0;
	pthread_mutex_unlock(&lock);
	return v;
}

/* ---- whole documents ------------------------------------------------------------------- */

/* Drops the kept documents of changed[n] (changed NULL: all). Called under lock. */
static void drop_docs(const bson_oid_t *changed, size_t n)
{
	pthread_mutex_lock(&docs_lock);
	for (int i = 0; i < DOCS; i++) {
		int drop = docs[i].doc && !changed;
		for (size_t j = 0; j < n && docs[i].doc && !drop; j++)
			drop = bson_oid_equal(&docs[i].oid, &changed[j]);
		if (drop) {
			bson_destroy(docs[i].doc);
			docs[i].doc = NULL;
		}
	}
	pthread_mutex_unlock(&docs_lock);
}

bson_t *mq_cards_doc(const mq_cards *c, const bson_oid_t *oid)
{
	bson_t *out = NULL;
	pthread_mutex_lock(&lock);
	int ok = c == current;
	pthread_mutex_unlock(&lock);
	pthread_mutex_lock(&docs_lock);
	for (int i = 0; i < DOCS && ok && !out; i++)
		if (docs[i].doc && bson_oid_equal(&docs[i].oid, oid)) {
			out = bson_copy(docs[i].doc);
			docs[i].used = ++docs_clock;
		}
	pthread_mutex_unlock(&docs_lock);
	return out;
}

void mq_cards_keep_doc(const mq_cards *c, const bson_oid_t *oid, const bson_t *doc)
{
	pthread_mutex_lock(&lock);
	if (c == current) { /* no snapshot installed since c: no change dropped before this is kept */
		pthread_mutex_lock(&docs_lock);
		int slot = 0;
		for (int i = 0; i < DOCS; i++) {
			if (docs[i].doc && bson_oid_equal(&docs[i].oid, oid)) {
				slot = i;
				break;
			}
			if (!docs[i].doc || (docs[slot].doc && docs[i].used < docs[slot].used))
				slot = i;
		}
		if (docs[slot].doc)
			bson_destroy(docs[slot].doc);
		bson_oid_copy(oid, &docs[slot].oid);
		docs[slot].doc = bson_copy(doc);
		docs[slot].used = ++docs_clock;
		pthread_mutex_unlock(&docs_lock);
	}
	pthread_mutex_unlock(&lock);
}

/* ---- loading and patching ---------------------------------------------------------------- */

/* Every movie's card, at the version that was latest before they were read. */
static mq_cards *load_all(mongoc_database_t *database)
{
	mongoc_collection_t *versions = mongoc_database_get_collection(database, VERSIONS);
	long long v;
	mq_err rc = head_hint(versions, &v);
	while (rc == MQ_OK) { /* the hint may lag: the latest is the last that exists */
		bson_t doc;
		rc = version_doc(versions, v + 1, &doc);
		bson_destroy(&doc);
		if (rc == MQ_OK)
			v++;
	}
	mongoc_collection_destroy(versions);
	if (rc != MQ_ENOTFOUND)
		return NULL;
	int64_t t0 = mq_clock_ms();
	bson_t opts = BSON_INITIALIZER;
	card_projection(&opts);
	bson_t filter = BSON_INITIALIZER;
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(movies, &filter, &opts, NULL);
	const bson_t *doc;
	mq_card **cards = NULL;
	size_t n = 0, cap = 0;
	while (mongoc_cursor_next(cursor, &doc)) {
		mq_card *c = card_of(doc);
		if (!c)
			continue;
		if (n == cap)
			cards = mq_xrealloc(cards, (cap = cap ? cap * 2 : 1024) * sizeof *cards);
		cards[n++] = c;
	}
	bson_error_t error;
	int failed = mongoc_cursor_error(cursor, &error);
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(movies);
	bson_destroy(&filter);
	bson_destroy(&opts);
	if (failed) {
		mq_db_error(&error, "card catalogue");
		for (size_t i = 0; i < n; i++)
			card_release(cards[i]);
		free(cards);
		return NULL;
	}
	mq_log(MQ_LOG_INFO, "cards", "%zu movies read at catalogue version %lld in %" PRId64 " ms", n, v,
	       mq_clock_ms() - t0);
	mq_cards *s = snapshot_new(mongoc_database_get_name(database), cards, n, v, mq_clock_ms());
	s->people_all = 1; /* which people changed meanwhile is not known either */
	return s;
}

/* old with the cards of changed[n] read again (a movie no longer there leaves), at version. */
static mq_cards *patch(mongoc_database_t *database, mq_cards *old, const bson_oid_t *changed, size_t n,
		       long long version)
{
	mq_card **fresh = mq_xcalloc(n ? n : 1, sizeof *fresh);
	mongoc_collection_t *movies = mongoc_database_get_collection(database, "movies");
	bson_t opts = BSON_INITIALIZER;
	card_projection(&opts);
	mq_err rc = MQ_OK;
	for (size_t i = 0; i < n && rc == MQ_OK; i++) { /* one by _id each: no scan on FerretDB */
		bson_t doc, *filter = BCON_NEW("_id", BCON_OID(&changed[i]));
		rc = mq_db_find_one(movies, filter, &opts, &doc, "card");
		if (rc == MQ_OK)
			fresh[i] = card_of(&doc);
		if (rc == MQ_ENOTFOUND)
			rc = MQ_OK;
		bson_destroy(&doc);
		bson_destroy(filter);
	}
	bson_destroy(&opts);
	mongoc_collection_destroy(movies);
	if (rc != MQ_OK) {
		for (size_t i = 0; i < n; i++)
			card_release(fresh[i]);
		free(fresh);
		return NULL;
	}
	/* the unchanged cards are shared with the old snapshot (changed is sorted: changes_since) */
	mq_card **cards = mq_xcalloc(old->n + n + 1, sizeof *cards);
	size_t k = 0;
	for (size_t i = 0; i < old->n; i++) {
		if (!bsearch(&old->cards[i]->oid, changed, n, sizeof *changed, cmp_oid_value)) {
			atomic_fetch_add(&old->cards[i]->refs, 1);
			cards[k++] = old->cards[i];
		}
	}
	for (size_t j = 0; j < n; j++)
		if (fresh[j])
			cards[k++] = fresh[j];
	free(fresh);
	mq_cards *out = snapshot_new(old->database, cards, k, version, old->loaded_at);
	out->changed = mq_xcalloc(n ? n : 1, sizeof *out->changed);
	if (n)
		memcpy(out->changed, changed, n * sizeof *changed);
	out->n_changed = n;
	return out;
}

/* The people a version names (its people array) appended to s's, or s->people_all; whether it
 * says the genres changed to s->genres_changed. */
static void note_others(mq_cards *s, const bson_t *doc, size_t *cap)
{
	bson_iter_t it, arr;
	if (bson_iter_init_find(&it, doc, "genres") && bson_iter_as_bool(&it))
		s->genres_changed = 1;
	if (bson_iter_init_find(&it, doc, "people_all") && bson_iter_as_bool(&it))
		s->people_all = 1;
	if (s->people_all || !bson_iter_init_find(&it, doc, "people") || !BSON_ITER_HOLDS_ARRAY(&it) ||
	    !bson_iter_recurse(&it, &arr))
		return;
	while (bson_iter_next(&arr)) {
		if (!BSON_ITER_HOLDS_NUMBER(&arr))
			continue;
		if (s->n_people == *cap)
			s->people = mq_xrealloc(s->people, (*cap = *cap ? *cap * 2 : 16) * sizeof *s->people);
		s->people[s->n_people++] = bson_iter_as_int64(&arr);
	}
	if (s->n_people > MQ_CARDS_PATCH_MAX)
		s->people_all = 1;
}

/* What changed after old's version: *all, or the movies named (*changed[*n], sorted, each once;
 * caller frees), up to the latest version (*latest); the people named go to news (its people,
 * n_people and people_all), and whether the genres changed (genres_changed). MQ_OK, or the
 * database's error. */
static mq_err changes_since(mongoc_database_t *database, long long from, long long *latest, int *all,
			    bson_oid_t **changed, size_t *n, mq_cards *news)
{
	mongoc_collection_t *versions = mongoc_database_get_collection(database, VERSIONS);
	size_t cap = 0, cap_people = 0;
	mq_err rc = MQ_OK;
	*latest = from;
	*all = 0;
	*changed = NULL;
	*n = 0;
	while (rc == MQ_OK) {
		bson_t doc;
		bson_iter_t it, arr;
		rc = version_doc(versions, *latest + 1, &doc);
		if (rc == MQ_OK) {
			++*latest;
			if (bson_iter_init_find(&it, &doc, "all") && bson_iter_as_bool(&it))
				*all = 1;
			if (!*all && bson_iter_init_find(&it, &doc, "movies") && BSON_ITER_HOLDS_ARRAY(&it) &&
			    bson_iter_recurse(&it, &arr)) {
				while (bson_iter_next(&arr)) {
					if (!BSON_ITER_HOLDS_OID(&arr))
						continue;
					if (*n == cap)
						*changed = mq_xrealloc(*changed, (cap = cap ? cap * 2 : 16) * sizeof **changed);
					bson_oid_copy(bson_iter_oid(&arr), &(*changed)[(*n)++]);
				}
			}
			if (*n) { /* each once: versions may name a movie again */
				qsort(*changed, *n, sizeof **changed, cmp_oid_value);
				size_t k = 1;
				for (size_t i = 1; i < *n; i++)
					if (!bson_oid_equal(&(*changed)[i], &(*changed)[k - 1]))
						bson_oid_copy(&(*changed)[i], &(*changed)[k++]);
				*n = k;
			}
			if (*n > MQ_CARDS_PATCH_MAX)
				*all = 1;
			note_others(news, &doc, &cap_people);
		}
		bson_destroy(&doc);
	}
	mongoc_collection_destroy(versions);
	return rc == MQ_ENOTFOUND ? MQ_OK : rc;
}

/* load_all, the others serving the snapshot there is meanwhile. */
static mq_cards *reload(mongoc_database_t *database)
{
	pthread_mutex_lock(&lock);
	reloading = 1;
	pthread_mutex_unlock(&lock);
	mq_cards *c = load_all(database);
	pthread_mutex_lock(&lock);
	reloading = 0;
	pthread_mutex_unlock(&lock);
	return c;
}

/* The snapshot after a look at the database from old (may be NULL), whose process last looked
 * at last_look: old itself (a reference added) when nothing changed, a patched or wholly reloaded
 * one, or NULL on a database error. */
static mq_cards *refresh(mongoc_database_t *database, mq_cards *old, int64_t last_look)
{
	int64_t now = mq_clock_ms();
	if (!old || now - last_look > MQ_CARDS_MAX_AGE_MS || now - old->loaded_at > MQ_CARDS_RELOAD_MS ||
	    strcmp(old->database, mongoc_database_get_name(database)))
		return reload(database);
	long long latest;
	int all;
	bson_oid_t *changed;
	size_t n;
	mq_cards news = { .people = NULL };
	if (changes_since(database, old->version, &latest, &all, &changed, &n, &news) != MQ_OK) {
		free(news.people);
		return NULL;
	}
	mq_cards *out;
	if (all) {
		out = reload(database);
	} else if (latest == old->version) {
		atomic_fetch_add(&old->refs, 1);
		out = old;
	} else if ((out = n ? patch(database, old, changed, n, latest) : snapshot_clone(old, latest))) {
		out->people = news.people;
		out->n_people = news.n_people;
		out->people_all = news.people_all;
		out->genres_changed = news.genres_changed;
		news.people = NULL;
	}
	free(news.people);
	free(changed);
	return out;
}

/* Adds the people fresh (being installed) names to the pending ones; under lock. More than
 * MQ_CARDS_PATCH_MAX pending (a process that never searches people takes none) are any. */
static void pend_people(const mq_cards *fresh)
{
	pending_people_all |= fresh->people_all || n_pending_people + fresh->n_people > MQ_CARDS_PATCH_MAX;
	if (pending_people_all) {
		n_pending_people = 0;
		return;
	}
	for (size_t i = 0; i < fresh->n_people; i++) {
		if (n_pending_people == cap_pending_people)
			pending_people = mq_xrealloc(pending_people, (cap_pending_people = cap_pending_people ? cap_pending_people * 2 : 64) *
									   sizeof *pending_people);
		pending_people[n_pending_people++] = fresh->people[i];
	}
}

int mq_cards_take_people(long long **people, size_t *n)
{
	pthread_mutex_lock(&lock);
	int all = pending_people_all;
	*people = NULL;
	*n = 0;
	if (!all && n_pending_people) {
		*people = mq_xcalloc(n_pending_people, sizeof **people);
		memcpy(*people, pending_people, n_pending_people * sizeof **people);
		*n = mq_sorted_ids_unique(*people, n_pending_people);
	}
	pending_people_all = 0;
	n_pending_people = 0;
	pthread_mutex_unlock(&lock);
	return all;
}

/* Whether c answers a request that requires want without a look at the database: a visitor's
 * (MQ_CARDS_LATEST) while a whole reload is under way (they get the snapshot before it) or once
 * the request has looked (c is what it found, or newer), a member's when it holds their own last
 * change and was looked at within MQ_CARDS_CHECK_MS. */
static int enough(const mq_cards *c, const char *database, long long want)
{
	if (!c || strcmp(c->database, database))
		return 0;
	if (want == MQ_CARDS_LATEST)
		return reloading || (looked >= 0 && c->version >= looked);
	return c->version >= want && (reloading || mq_clock_ms() - checked_at < MQ_CARDS_CHECK_MS);
}

/* Whether a look at the database failed within the last MQ_CARDS_CHECK_MS: then the request
 * fails at once (503) rather than wait for the database's timeouts again, once per thread. */
static int failing(void)
{
	pthread_mutex_lock(&lock);
	int recent = failed_at && mq_clock_ms() - failed_at < MQ_CARDS_CHECK_MS;
	pthread_mutex_unlock(&lock);
	return recent;
}

mq_cards *mq_cards_acquire(mongoc_database_t *database)
{
	long long want = required;
	pthread_mutex_lock(&lock);
	mq_cards *c = current;
	const char *name = mongoc_database_get_name(database);
	int ok = enough(c, name, want);
	if (c)
		atomic_fetch_add(&c->refs, 1);
	pthread_mutex_unlock(&lock);
	if (ok)
		return c;
	mq_cards_release(c);
	if (failing())
		return NULL;
	/* one look at a time: a visitor's starts after their request did, so it sees every change
	 * that was finished before */
	pthread_mutex_lock(&looking);
	pthread_mutex_lock(&lock);
	c = current;
	ok = want != MQ_CARDS_LATEST && enough(c, name, want); /* another thread looked meanwhile */
	if (c)
		atomic_fetch_add(&c->refs, 1);
	int64_t last_look = looked_at;
	pthread_mutex_unlock(&lock);
	if (!ok && failing()) { /* the thread before this one found the database down */
		mq_cards_release(c);
		c = NULL;
	} else if (!ok) {
		int64_t at = mq_clock_ms();
		mq_cards *fresh = refresh(database, c, last_look);
		pthread_mutex_lock(&lock);
		failed_at = fresh ? 0 : mq_clock_ms();
		if (!fresh) { /* the database failed: so does the request */
			mq_cards_release(c);
			c = NULL;
		} else {
			if (fresh != current) {
				int whole = !fresh->changed;
				mq_cards_release(current);
				current = fresh;
				pend_people(fresh);
				if (whole || fresh->genres_changed)
					genres_epoch++;
				fresh->genres_epoch = genres_epoch;
				drop_docs(fresh->changed, fresh->n_changed);
				if (whole) /* the snapshot before went (unless a reader still holds it): its pages back */
					malloc_trim(0);
			} else {
				mq_cards_release(fresh);
			}
			checked_at = looked_at = at;
			looked = current->version;
			mq_cards_release(c);
			c = current;
			atomic_fetch_add(&c->refs, 1);
		}
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_unlock(&looking);
	return c;
}

void mq_cards_reset(void)
{
	pthread_mutex_lock(&lock);
	mq_cards_release(current);
	current = NULL;
	checked_at = looked_at = failed_at = 0;
	pending_people_all = 1;
	n_pending_people = 0;
	drop_docs(NULL, 0);
	pthread_mutex_unlock(&lock);
}
