/* scale_fill.c — `make bench-scale`, the fast fill: TMDB movie details, one JSON object a line on
 * stdin (the stand-in's synthetic ones, with credits, keywords, translations and release dates
 * appended, as the sync asks for them), stored as new catalogue movies by the sync's own
 * document builder (mq_movie_doc_from_tmdb, mq_catalog_slug, mq_catalog_new_movie) in unordered
 * insert_many batches of 500. The sync compares every movie with the catalogue first (a scan per
 * batch on FerretDB), which makes filling 10,000 movies take many minutes; this takes seconds.
 * Only for a fresh range of ids: a movie the catalogue has already fails its insert (counted).
 * Then, as every writer of movies, a catalogue version (mq_cards_bump: all changed).
 *
 *   MONGODB_URI=… [MARQUEE_DB=…] scale-fill < details.jsonl
 *
 * Prints "inserted N failed M in S s". Not part of the site: a benchmark tool.
 */
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "domain/cards.h"
#include "domain/catalog.h"
#include "store/db.h"
#include "tmdb/movie.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 500

/* Inserts docs[0..n) and destroys them; returns how many failed. */
static long insert_batch(mongoc_collection_t *movies, bson_t **docs, size_t n)
{
	if (!n)
		return 0;
	bson_t *opts = BCON_NEW("ordered", BCON_BOOL(false));
	bson_t reply;
	bson_error_t error;
	long failed = 0;
	if (!mongoc_collection_insert_many(movies, (const bson_t **)docs, n, opts, &reply, &error)) {
		bson_iter_t it;
		long inserted = bson_iter_init_find(&it, &reply, "insertedCount") ? (long)bson_iter_as_int64(&it) : 0;
		failed = (long)n - inserted;
		fprintf(stderr, "scale-fill: %s\n", error.message);
	}
	bson_destroy(&reply);
	bson_destroy(opts);
	for (size_t i = 0; i < n; i++)
		bson_destroy(docs[i]);
	return failed;
}

int main(void)
{
	mq_config cfg;
	mq_buf problems = MQ_BUF_INIT, err = MQ_BUF_INIT;
	if (mq_config_from_env(&cfg, 0, &problems)) {
		fprintf(stderr, "scale-fill: %s", mq_buf_cstr(&problems));
		return 2;
	}
	mq_db *db = mq_db_open(cfg.mongodb_uri, cfg.db_name, "scale-fill", MQ_DB_TIMEOUTS_BATCH, &err);
	mongoc_client_t *client = db ? mq_db_pop(db) : NULL;
	if (!client) {
		fprintf(stderr, "scale-fill: no database: %s\n", mq_buf_cstr(&err));
		return 1;
	}
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	int64_t t0 = mq_clock_ms(), now = t0;
	bson_t *docs[BATCH];
	size_t n = 0;
	long inserted = 0, failed = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		cJSON *details = cJSON_Parse(line);
		cJSON *doc = details ? mq_movie_doc_from_tmdb(details, &cfg) : NULL;
		char slug[160];
		bson_t *movie = NULL;
		if (doc) {
			mq_catalog_slug(doc, 0, slug, sizeof slug);
			movie = mq_catalog_new_movie(doc, slug, "tmdb", now);
		}
		cJSON_Delete(doc);
		cJSON_Delete(details);
		if (!movie) {
			failed++;
			continue;
		}
		docs[n++] = movie;
		inserted++;
		if (n == BATCH) {
			failed += insert_batch(movies, docs, n);
			n = 0;
		}
	}
	failed += insert_batch(movies, docs, n);
	free(line);
	mongoc_collection_destroy(movies);
	/* as every writer of movies does: a catalogue version, so the workers' cards follow */
	mongoc_database_t *database = mongoc_client_get_database(client, mq_db_name(db));
	if (inserted && !mq_cards_bump(database, NULL, 0, NULL))
		failed++;
	mongoc_database_destroy(database);
	mq_db_push(db, client);
	mq_db_close(db);
	printf("inserted %ld failed %ld in %.1f s\n", inserted - failed, failed, (double)(mq_clock_ms() - t0) / 1000);
	mq_config_free(&cfg);
	mq_buf_free(&problems);
	mq_buf_free(&err);
	return failed ? 1 : 0;
}
