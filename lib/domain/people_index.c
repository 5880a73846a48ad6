/* people_index.c — the stored people's search keys in each process (see people_index.h). */
#include "domain/people_index.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/sorted.h"
#include "domain/cards.h"
#include "domain/people.h"
#include "store/db.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct person {
	long long tmdb_id;
	bson_oid_t oid;
	double popularity;
	bson_t *doc;    /* the summary's fields */
	char **keys;    /* search_keys */
	size_t n_keys;
} person;

/* One index per process, behind one lock: a search takes microseconds; reading every person
 * (a process's first search, after a whole reload of the cards) makes the others wait. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char database_name[64]; /* whose people ("": none read) */
static person **people;        /* by tmdb_id */
static size_t n_people;
static mq_key_ref *keys;       /* every person's every key (items: people), sorted */
static size_t n_keys;

static const char *const fields[] = { "tmdb_id", "slug", "name", "names", "profile_path", "known_for_department",
				      "popularity", NULL };

static void projection(bson_t *opts)
{
	bson_t child;
	BSON_APPEND_DOCUMENT_BEGIN(opts, "projection", &child);
	for (size_t i = 0; fields[i]; i++)
		BSON_APPEND_INT32(&child, fields[i], 1);
	BSON_APPEND_INT32(&child, "search_keys", 1);
	bson_append_document_end(opts, &child);
}

static void person_free(person *p)
{
	if (!p)
		return;
	bson_destroy(p->doc);
	for (size_t i = 0; i < p->n_keys; i++)
		free(p->keys[i]);
	free(p->keys);
	free(p);
}

/* A person from their projected document; NULL without a TMDB id. */
static person *person_of(const bson_t *doc)
{
	bson_iter_t it, arr;
	if (!bson_iter_init_find(&it, doc, "tmdb_id") || !BSON_ITER_HOLDS_NUMBER(&it))
		return NULL;
	person *p = mq_xcalloc(1, sizeof *p);
	p->tmdb_id = bson_iter_as_int64(&it);
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_copy(bson_iter_oid(&it), &p->oid);
	if (bson_iter_init_find(&it, doc, "popularity") && BSON_ITER_HOLDS_NUMBER(&it))
		p->popularity = bson_iter_as_double(&it);
	if (bson_iter_init_find(&it, doc, "search_keys") && BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &arr))
		while (bson_iter_next(&arr))
			if (BSON_ITER_HOLDS_UTF8(&arr)) {
				p->keys = mq_xrealloc(p->keys, (p->n_keys + 1) * sizeof *p->keys);
				p->keys[p->n_keys++] = mq_xstrdup(bson_iter_utf8(&arr, NULL));
			}
	p->doc = bson_new();
	bson_copy_to_excluding_noinit(doc, p->doc, "search_keys", NULL);
	return p;
}

static int by_tmdb(const void *a, const void *b)
{
	long long x = (*(person *const *)a)->tmdb_id, y = (*(person *const *)b)->tmdb_id;
	return (x > y) - (x < y);
}

/* Most popular first, ties by _id (the database's order for the same sort). */
static int by_popularity(const void *a, const void *b)
{
	const person *x = *(const person *const *)a, *y = *(const person *const *)b;
	if (x->popularity != y->popularity)
		return x->popularity < y->popularity ? 1 : -1;
	return bson_oid_compare(&x->oid, &y->oid);
}

static void clear(void)
{
	for (size_t i = 0; i < n_people; i++)
		person_free(people[i]);
	free(people);
	free(keys);
	people = NULL;
	keys = NULL;
	n_people = n_keys = 0;
	database_name[0] = '\0';
}

static void index_keys(void)
{
	free(keys);
	n_keys = 0;
	for (size_t i = 0; i < n_people; i++)
		n_keys += people[i]->n_keys;
	keys = mq_xcalloc(n_keys ? n_keys : 1, sizeof *keys);
	size_t k = 0;
	for (size_t i = 0; i < n_people; i++)
		for (size_t j = 0; j < people[i]->n_keys; j++)
			keys[k++] = (mq_key_ref){ people[i]->keys[j], people[i] };
	mq_key_refs_sort(keys, n_keys);
}

static mq_err load_all(mongoc_database_t *database)
{
	int64_t t0 = mq_clock_ms();
	clear();
	bson_t opts = BSON_INITIALIZER, filter = BSON_INITIALIZER;
	projection(&opts);
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "people");
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
	const bson_t *doc;
	size_t cap = 0;
	while (mongoc_cursor_next(cursor, &doc)) {
		person *p = person_of(doc);
		if (!p)
			continue;
		if (n_people == cap)
			people = mq_xrealloc(people, (cap = cap ? cap * 2 : 1024) * sizeof *people);
		people[n_people++] = p;
	}
	bson_error_t error;
	int failed = mongoc_cursor_error(cursor, &error);
	mongoc_cursor_destroy(cursor);
	mongoc_collection_destroy(coll);
	bson_destroy(&opts);
	if (failed) {
		clear();
		return mq_db_error(&error, "people index");
	}
	qsort(people, n_people, sizeof *people, by_tmdb);
	index_keys();
	snprintf(database_name, sizeof database_name, "%s", mongoc_database_get_name(database));
	mq_log(MQ_LOG_INFO, "people", "%zu people read for search in %" PRId64 " ms", n_people, mq_clock_ms() - t0);
	return MQ_OK;
}

/* The people of ids[n] (sorted) read again by _id: replaced, added, or gone. */
static mq_err patch(mongoc_database_t *database, const long long *ids, size_t n)
{
	bson_t opts = BSON_INITIALIZER;
	projection(&opts);
	mongoc_collection_t *coll = mongoc_database_get_collection(database, "people");
	mq_err rc = MQ_OK;
	for (size_t i = 0; i < n && rc == MQ_OK; i++) {
		bson_oid_t oid;
		mq_people_oid(ids[i], &oid);
		bson_t doc, *filter = BCON_NEW("_id", BCON_OID(&oid));
		rc = mq_db_find_one(coll, filter, &opts, &doc, "person for search");
		person *fresh = rc == MQ_OK ? person_of(&doc) : NULL;
		if (rc == MQ_ENOTFOUND)
			rc = MQ_OK;
		bson_destroy(&doc);
		bson_destroy(filter);
		if (rc != MQ_OK)
			break;
		person key = { .tmdb_id = ids[i] }, *k = &key;
		person **at = bsearch(&k, people, n_people, sizeof *people, by_tmdb);
		if (at && fresh) {
			person_free(*at);
			*at = fresh;
		} else if (at) {
			person_free(*at);
			memmove(at, at + 1, (size_t)(people + n_people - (at + 1)) * sizeof *people);
			n_people--;
		} else if (fresh) {
			people = mq_xrealloc(people, (n_people + 1) * sizeof *people);
			people[n_people++] = fresh;
			qsort(people, n_people, sizeof *people, by_tmdb);
		}
	}
	mongoc_collection_destroy(coll);
	bson_destroy(&opts);
	index_keys();
	return rc;
}

/* Whether the request has looked at the catalogue versions (mq_cards_acquire: it does when it
 * has not): the people they announce are then pending for follow. */
static int versions_looked(mongoc_database_t *database)
{
	mq_cards *cards = mq_cards_acquire(database);
	mq_cards_release(cards);
	return cards != NULL;
}

/* The index at the people the request's catalogue versions announced; under lock. */
static mq_err follow(mongoc_database_t *database)
{
	long long *ids;
	size_t n;
	int all = mq_cards_take_people(&ids, &n);
	mq_err rc = MQ_OK;
	if (all || strcmp(database_name, mongoc_database_get_name(database)))
		rc = load_all(database);
	else if (n)
		rc = patch(database, ids, n);
	if (rc != MQ_OK)
		clear(); /* what was taken is lost: read everyone at the next search */
	free(ids);
	return rc;
}

mq_err mq_people_index_search(mongoc_database_t *database, const char *pattern, long long limit, bson_t ***docs,
			      size_t *n)
{
	*docs = NULL;
	*n = 0;
	if (!versions_looked(database))
		return MQ_EUNAVAIL;
	pthread_mutex_lock(&lock);
	mq_err rc = follow(database);
	if (rc == MQ_OK) {
		const void **items;
		size_t u = mq_key_refs_prefixed(keys, n_keys, pattern, &items);
		const person **found = (const person **)items;
		qsort(found, u, sizeof *found, by_popularity);
		size_t take = limit > 0 && (size_t)limit < u ? (size_t)limit : u;
		*docs = mq_xcalloc(take ? take : 1, sizeof **docs);
		for (size_t i = 0; i < take; i++)
			(*docs)[i] = bson_copy(found[i]->doc);
		*n = take;
		free(found);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

mq_err mq_people_index_find_key(mongoc_database_t *database, const char *key, long long *tmdb_id)
{
	*tmdb_id = 0;
	if (!versions_looked(database))
		return MQ_EUNAVAIL;
	pthread_mutex_lock(&lock);
	mq_err rc = follow(database);
	const person *best = NULL;
	for (size_t i = rc == MQ_OK ? mq_key_refs_from(keys, n_keys, key) : n_keys; i < n_keys && !strcmp(keys[i].key, key);
	     i++)
		if (!best || by_popularity(&keys[i].item, &best) < 0)
			best = keys[i].item;
	if (rc == MQ_OK && best)
		*tmdb_id = best->tmdb_id;
	else if (rc == MQ_OK)
		rc = MQ_ENOTFOUND;
	pthread_mutex_unlock(&lock);
	return rc;
}

void mq_people_index_reset(void)
{
	pthread_mutex_lock(&lock);
	clear();
	pthread_mutex_unlock(&lock);
}
