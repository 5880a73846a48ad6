/* sync.c — marquee-sync, the crontab-invoked binary that keeps the catalogue in step with TMDB.
 *
 * The TMDB subcommands (genres, popular, top-rated, changes, movie, translations, purge-cache,
 * all, seed, people) run through lib/domain/sync.c: one lease, one synclog per run. Besides them: `schema`
 * (apply sql/schema.json), `ping` (check the database) and `admin` (grant or revoke the admin
 * role). Every subcommand has --help. On a terminal a run shows its progress on stderr;
 * otherwise it prints one summary line. Exit status: 0 done, 1 failed (one line says why),
 * 2 usage, 69 database unavailable, 75 another run holds the lease, 78 configuration problem. */
#include "core/config.h"
#include "core/log.h"
#include "domain/account.h"
#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/recommend.h"
#include "domain/sync.h"
#include "store/db.h"
#include "domain/lists.h"
#include "domain/people.h"
#include "store/schema.h"
#include "web/ctx.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <time.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef MQ_DATADIR
#define MQ_DATADIR "/usr/local/share/marquee"
#endif

enum { EXIT_USAGE = 2, EXIT_UNAVAILABLE = 69, EXIT_BUSY = 75, EXIT_CONFIG = 78 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: marquee-sync COMMAND [OPTIONS]\n"
		"Keeps the Marquee database in step with its schema and with TMDB.\n\n"
		"commands:\n"
		"  schema [--file PATH] [--dry-run]   create the collections' indexes (idempotent)\n"
		"  ping                               check that the database answers\n"
		"  admin [--revoke] EMAIL             make a registered user an admin (or a user again)\n"
		"  genres                             TMDB's genres in every TMDB_LANGUAGES language\n"
		"  popular [--pages N]                TMDB's popular movies, pages 1..N (TMDB_SYNC_PAGES)\n"
		"  top-rated [--pages N]              TMDB's top-rated movies, likewise\n"
		"  changes                            catalogue movies TMDB changed since the last run\n"
		"  movie ID...                        these TMDB ids\n"
		"  translations                       catalogue movies missing a title or overview\n"
		"  purge-cache                        delete expired TMDB cache entries and refresh tokens\n"
		"  neighbours                         learn the recommender's movie neighbours\n"
		"  people [--limit N]                 the catalogue's directors and leading actors, when missing or stale\n"
		"  all [--pages N]                    what the nightly crontab line runs: all of the above\n"
		"  seed [--pages N] [--demo-members]  genres and popular pages 1..N (2), if the catalogue is empty\n"
		"TMDB commands take --dry-run (fetch and compare, write nothing) and --parallel N\n"
		"(connections to TMDB, 1-20, default 8).\n"
		"  status [--limit N]                 the lease holder, latest runs and notifications (JSON)\n"
		"  lock [--unlock] TMDB_ID FIELD...   keep a movie's fields as they are whatever TMDB says\n"
		"  version                            print the version\n\n"
		"Configuration comes from the environment (MONGODB_URI, MARQUEE_DB, … see README.md).\n"
		"Run `marquee-sync COMMAND --help` for a command's options.\n");
}

static int open_db(const mq_config *cfg, mq_db **db)
{
	mq_buf err = MQ_BUF_INIT;
	mq_db_install_log_handler();
	*db = mq_db_open(cfg->mongodb_uri, cfg->db_name, "marquee-sync", MQ_DB_TIMEOUTS_BATCH, &err);
	if (!*db)
		fprintf(stderr, "marquee-sync: %s\n", mq_buf_cstr(&err));
	mq_buf_free(&err);
	return *db ? 0 : EXIT_CONFIG;
}

static int cmd_schema(const mq_config *cfg, int argc, char **argv)
{
	const char *file = MQ_DATADIR "/sql/schema.json";
	int dry_run = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			file = argv[++i];
		} else if (!strcmp(argv[i], "--dry-run")) {
			dry_run = 1;
		} else if (!strcmp(argv[i], "--help")) {
			printf("usage: marquee-sync schema [--file PATH] [--dry-run]\n"
			       "Creates the indexes sql/schema.json lists (default %s) and moves data an\n"
			       "earlier version kept elsewhere (favourites flagged on watchlist items).\n"
			       "Existing identical indexes are left alone; --dry-run only checks the file.\n",
			       MQ_DATADIR "/sql/schema.json");
			return 0;
		} else {
			fprintf(stderr, "marquee-sync schema: unknown option %s\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	mq_db *db = NULL;
	if (!dry_run && open_db(cfg, &db))
		return EXIT_CONFIG;
	mq_buf err = MQ_BUF_INIT;
	int n = 0, created = 0;
	mq_err rc = mq_schema_apply(db, file, dry_run, &n, &created, &err);
	if (rc != MQ_OK)
		fprintf(stderr, "marquee-sync schema: %s\n", mq_buf_cstr(&err));
	else if (dry_run)
		printf("schema: %d indexes checked (dry run)\n", n);
	else
		printf("schema: %d indexes in place, %d created now\n", n, created);
	long moved = 0;
	if (rc == MQ_OK && !dry_run) {
		rc = mq_lists_migrate(db, &moved);
		if (rc != MQ_OK)
			fprintf(stderr, "marquee-sync schema: cannot move the favourites: %s\n", mq_err_message(rc));
		else if (moved)
			printf("schema: %ld favourites moved from watchlist flags to their own list\n", moved);
	}
	mq_buf_free(&err);
	mq_db_close(db);
	return rc == MQ_OK ? 0 : rc == MQ_EUNAVAIL ? EXIT_UNAVAILABLE : 1;
}

static int cmd_ping(const mq_config *cfg, int argc, char **argv)
{
	if (argc > 1) {
		if (!strcmp(argv[1], "--help")) {
			printf("usage: marquee-sync ping\nChecks that the database answers a ping.\n");
			return 0;
		}
		fprintf(stderr, "marquee-sync ping: unknown option %s\n", argv[1]);
		return EXIT_USAGE;
	}
	mq_db *db = NULL;
	if (open_db(cfg, &db))
		return EXIT_CONFIG;
	double ms = 0;
	mq_err rc = mq_db_ping(db, &ms);
	if (rc == MQ_OK)
		printf("database %s answered in %.1f ms\n", cfg->db_name, ms);
	else
		fprintf(stderr, "marquee-sync ping: the database does not answer\n");
	mq_db_close(db);
	return rc == MQ_OK ? 0 : EXIT_UNAVAILABLE;
}

static int cmd_admin(const mq_config *cfg, int argc, char **argv)
{
	const char *email = NULL;
	int revoke = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: marquee-sync admin [--revoke] EMAIL\n"
			       "Gives the registered user with this e-mail the admin role, or with --revoke\n"
			       "takes it back. The public API never grants it. Live sessions follow at once.\n");
			return 0;
		} else if (!strcmp(argv[i], "--revoke")) {
			revoke = 1;
		} else if (argv[i][0] != '-' && !email) {
			email = argv[i];
		} else {
			fprintf(stderr, "marquee-sync admin: unexpected argument %s\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!email) {
		fprintf(stderr, "usage: marquee-sync admin [--revoke] EMAIL\n");
		return EXIT_USAGE;
	}
	mq_db *db = NULL;
	if (open_db(cfg, &db))
		return EXIT_CONFIG;
	int changed = 0;
	const char *role = revoke ? "user" : "admin";
	mq_err rc = mq_account_set_role(db, email, role, &changed);
	mq_db_close(db);
	switch (rc) {
	case MQ_OK:
		printf("%s is %s %s\n", email, changed ? "now" : "already", revoke ? "a plain user" : "an admin");
		return 0;
	case MQ_EINVAL:
		fprintf(stderr, "marquee-sync admin: %s is not an e-mail address\n", email);
		return EXIT_USAGE;
	case MQ_ENOTFOUND:
		fprintf(stderr, "marquee-sync admin: no registered user has the e-mail %s\n", email);
		return 1;
	default:
		fprintf(stderr, "marquee-sync admin: the database failed (%s)\n", mq_err_message(rc));
		return EXIT_UNAVAILABLE;
	}
}

/* Prints up to limit documents of collection, newest first by sort_key, as a JSON array. */
static int print_recent(mq_db *db, mongoc_client_t *client, const char *collection, const char *sort_key, long limit)
{
	bson_error_t error;
	const bson_t *doc;
	mongoc_collection_t *coll = mq_db_collection(db, client, collection);
	bson_t filter = BSON_INITIALIZER;
	bson_t *opts = BCON_NEW("sort", "{", sort_key, BCON_INT32(-1), "_id", BCON_INT32(-1), "}", "limit", BCON_INT64(limit));
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, opts, NULL);
	int first = 1;
	printf("[");
	while (mongoc_cursor_next(cursor, &doc)) {
		char *text = bson_as_relaxed_extended_json(doc, NULL);
		printf("%s\n  %s", first ? "" : ",", text ? text : "null");
		bson_free(text);
		first = 0;
	}
	printf("%s]", first ? "" : "\n");
	int ok = !mongoc_cursor_error(cursor, &error);
	if (!ok)
		mq_db_error(&error, collection);
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	return ok;
}

static int cmd_lock(const mq_config *cfg, int argc, char **argv)
{
	int unlock = 0;
	long long tmdb_id = 0;
	const char **fields = calloc((size_t)argc, sizeof *fields);
	size_t n = 0;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: marquee-sync lock [--unlock] TMDB_ID FIELD...\n"
			       "Locks fields of a catalogue movie against the sync (or unlocks them): a locked field\n"
			       "keeps the catalogue's value whatever TMDB says. Fields:");
			for (int k = 0; mq_catalog_lockable[k]; k++)
				printf(" %s", mq_catalog_lockable[k]);
			printf("\n");
			free(fields);
			return 0;
		} else if (!strcmp(argv[i], "--unlock")) {
			unlock = 1;
		} else if (!tmdb_id && (tmdb_id = strtoll(argv[i], &end, 10)) >= 1 && tmdb_id <= 2147483647 && !*end) {
			continue;
		} else if (tmdb_id > 0 && argv[i][0] != '-') {
			fields[n++] = argv[i];
		} else {
			fprintf(stderr, "marquee-sync lock: unexpected argument %s (see --help)\n", argv[i]);
			free(fields);
			return EXIT_USAGE;
		}
	}
	if (tmdb_id <= 0 || n == 0) {
		fprintf(stderr, "usage: marquee-sync lock [--unlock] TMDB_ID FIELD...\n");
		free(fields);
		return EXIT_USAGE;
	}
	mq_db *db = NULL;
	if (open_db(cfg, &db)) {
		free(fields);
		return EXIT_CONFIG;
	}
	cJSON *now = NULL;
	mq_err rc = mq_catalog_lock(db, tmdb_id, fields, n, !unlock, &now);
	int status = 0;
	if (rc == MQ_OK) {
		char *list = cJSON_PrintUnformatted(now);
		printf("movie %lld: locked fields %s\n", tmdb_id, list ? list : "[]");
		cJSON_free(list);
	} else if (rc == MQ_EINVAL) {
		fprintf(stderr, "marquee-sync lock: not a field that can be locked (see --help)\n");
		status = EXIT_USAGE;
	} else if (rc == MQ_ENOTFOUND) {
		fprintf(stderr, "marquee-sync lock: the catalogue has no movie with TMDB id %lld\n", tmdb_id);
		status = 1;
	} else {
		fprintf(stderr, "marquee-sync lock: the database failed (%s)\n", mq_err_message(rc));
		status = EXIT_UNAVAILABLE;
	}
	cJSON_Delete(now);
	free(fields);
	mq_db_close(db);
	return status;
}

static int cmd_status(const mq_config *cfg, int argc, char **argv)
{
	long limit = 10;
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: marquee-sync status [--limit N]\n"
			       "Prints, as JSON, who holds the sync lease, the latest runs (synclogs) and the latest\n"
			       "notifications (TMDB changes of significant fields, movies gone at TMDB).\n");
			return 0;
		} else if (!strcmp(argv[i], "--limit") && i + 1 < argc && (limit = strtol(argv[i + 1], &end, 10)) >= 1 &&
			   limit <= 1000 && !*end) {
			i++;
		} else {
			fprintf(stderr, "marquee-sync status: unexpected argument %s (see --help)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	mq_db *db = NULL;
	if (open_db(cfg, &db))
		return EXIT_CONFIG;
	mongoc_client_t *client = mq_db_pop(db);
	int ok = client != NULL;
	if (ok) {
		printf("{\"lease\": ");
		ok = print_recent(db, client, "sync_lease", "started_at", 1);
		printf(",\n\"runs\": ");
		ok = ok && print_recent(db, client, "synclogs", "started_at", limit);
		printf(",\n\"notifications\": ");
		ok = ok && print_recent(db, client, "notifications", "at", limit);
		printf("}\n");
		mq_db_push(db, client);
	}
	mq_db_close(db);
	if (!ok)
		fprintf(stderr, "marquee-sync status: the database is unavailable\n");
	return ok ? 0 : EXIT_UNAVAILABLE;
}

/* ---- the TMDB commands ---------------------------------------------------------------- */

typedef struct run_opts {
	const char *command;
	int dry_run, pages, parallel;
	int demo_members; /* seed: the demo members too (tests/stack.sh, offline only) */
	long long *ids;
	size_t n_ids;
	long people_limit; /* people: at most this many fetched per run */
	const mq_config *cfg; /* borrowed */
} run_opts;

static const struct {
	const char *name, *help;
	int pages, ids;
} tmdb_commands[] = {
	{ "genres", "Fetches TMDB's genre list in every TMDB_LANGUAGES language into the genres collection.", 0, 0 },
	{ "popular", "Fetches pages 1..N of TMDB's popular movies, then each movie, and brings the catalogue\n"
		     "in step: new movies inserted, changed fields updated (never locked ones), unchanged\n"
		     "movies left alone.", 1, 0 },
	{ "top-rated", "As popular, for TMDB's top-rated movies.", 1, 0 },
	{ "changes", "Fetches every catalogue movie TMDB reports changed since the last successful changes\n"
		     "or all run; when there was none in the last 14 days (TMDB's window), every catalogue movie.", 0, 0 },
	{ "movie", "Fetches these TMDB ids (positive integers) and brings them in step.", 0, 1 },
	{ "translations", "Fetches again, with their translations, the catalogue movies that lack a title or an\n"
			  "overview in one of TMDB_LANGUAGES.", 0, 0 },
	{ "purge-cache", "Deletes the TMDB cache entries and refresh tokens that have expired.", 0, 0 },
	{ "neighbours", "Learns the recommender's movie neighbours again from every member's liked ratings (8 or\n"
			"more), likes, watches, bookmarks, watchlist and favourites (EASE over the 10,000 most\n"
			"interacted movies, cosine neighbours beyond them), and stores each movie's best 200 in\n"
			"movie_neighbours and the most popular movies in rec_popular.", 0, 0 },
	{ "people", "Fetches again from TMDB (person details with their movie credits and translations) the\n"
		    "people of the catalogue: the directors and the first " MQ_PEOPLE_SYNC_CAST_TEXT " billed actors of every visible\n"
		    "movie, most popular movies first, that are not stored yet or were fetched more than\n"
		    MQ_PEOPLE_SYNC_DAYS_TEXT " days ago; --limit N of them at most (default " MQ_PEOPLE_SYNC_LIMIT_TEXT ").", 0, 0 },
	{ "all", "genres, popular and top-rated (--pages N), changes, translations, people, neighbours and purge-cache\n"
		 "in one run: what a nightly crontab line runs.", 1, 0 },
	{ "seed", "When the catalogue has no movies: genres and popular pages 1..N (default 2; make run\n"
		  "does this at start). Otherwise nothing. --demo-members (the offline demo only: their\n"
		  "password is public) adds top-rated pages 1..2, the demo members with their ratings\n"
		  "and lists (domain/demo.h), and trains the recommender on them.", 1, 0 },
};

typedef struct progress_state {
	int tty;
	double started, last;
	char stage[64];
} progress_state;

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(const char *stage, long done, long total, void *ctx)
{
	progress_state *p = ctx;
	double now = now_seconds();
	if (!p->tty || (now - p->last < 0.1 && done < total && !strcmp(stage, p->stage)))
		return;
	p->last = now;
	snprintf(p->stage, sizeof p->stage, "%s", stage);
	double elapsed = now - p->started;
	fprintf(stderr, "\r\033[K%s %ld/%ld · %.1f/s · %.0f s", stage, done, total,
		elapsed > 0 ? (double)done / elapsed : 0.0, elapsed);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Whether the catalogue has no movies yet (seed). */
static int catalogue_empty(mq_db *db, mq_err *rc)
{
	mongoc_client_t *client = mq_db_pop(db);
	*rc = client ? MQ_OK : MQ_EUNAVAIL;
	if (!client)
		return 0;
	bson_error_t error;
	mongoc_collection_t *movies = mq_db_collection(db, client, "movies");
	bson_t filter = BSON_INITIALIZER;
	bson_t *opts = BCON_NEW("limit", BCON_INT64(1));
	int64_t n = mongoc_collection_count_documents(movies, &filter, opts, NULL, NULL, &error);
	if (n < 0)
		*rc = mq_db_error(&error, "movie count");
	bson_destroy(opts);
	mongoc_collection_destroy(movies);
	mq_db_push(db, client);
	return n == 0;
}

/* The work of one command, in its run. *what names the step that failed. */
static mq_err run_steps(mq_sync *s, const mq_env *env, const run_opts *o, const char **what)
{
	mq_db *db = env->db;
	const char *c = o->command;
	int all = !strcmp(c, "all"), genres = 0, full = 0;
	long long purged = 0;
	mq_err rc = MQ_OK;
	if (!strcmp(c, "seed")) {
		int empty = catalogue_empty(db, &rc);
		if (rc != MQ_OK || !empty)
			return rc;
		*what = "genres";
		if ((rc = mq_sync_genres(s, &genres)) != MQ_OK)
			return rc;
		*what = "popular movies";
		if ((rc = mq_sync_list(s, "/movie/popular", o->pages)) != MQ_OK || !o->demo_members)
			return rc;
		*what = "top-rated movies";
		if ((rc = mq_sync_list(s, "/movie/top_rated", 2)) != MQ_OK)
			return rc;
		*what = "the demo members";
		int members = 0, ratings = 0;
		if (!o->dry_run && (rc = mq_demo_seed_members(db, o->cfg, &members, &ratings)) != MQ_OK)
			return rc;
		printf("marquee-sync seed: %d demo members with %d ratings\n", members, ratings);
		long movies = 0, events = 0;
		*what = "the neighbours";
		return o->dry_run ? MQ_OK : mq_recommend_train(db, &movies, &events);
	}
	if (all || !strcmp(c, "genres")) {
		*what = "genres";
		if ((rc = mq_sync_genres(s, &genres)) != MQ_OK)
			return rc;
	}
	if (all || !strcmp(c, "popular")) {
		*what = "popular movies";
		if ((rc = mq_sync_list(s, "/movie/popular", o->pages)) != MQ_OK)
			return rc;
	}
	if (all || !strcmp(c, "top-rated")) {
		*what = "top-rated movies";
		if ((rc = mq_sync_list(s, "/movie/top_rated", o->pages)) != MQ_OK)
			return rc;
	}
	if (all || !strcmp(c, "changes")) {
		*what = "changed movies";
		if ((rc = mq_sync_changes(s, &full)) != MQ_OK)
			return rc;
		if (full && !o->dry_run && isatty(STDERR_FILENO))
			fprintf(stderr, "marquee-sync: no successful changes run in the last %d days: every catalogue movie was fetched\n",
				MQ_SYNC_CHANGES_DAYS);
	}
	if (!strcmp(c, "movie")) {
		*what = "movies";
		if ((rc = mq_sync_movies(s, o->ids, o->n_ids)) != MQ_OK)
			return rc;
	}
	if (all || !strcmp(c, "translations")) {
		*what = "translations";
		if ((rc = mq_sync_translations(s)) != MQ_OK)
			return rc;
	}
	if (all || !strcmp(c, "people")) {
		*what = "people";
		mq_people_sync_opts po = { MQ_PEOPLE_SYNC_CAST, MQ_PEOPLE_SYNC_DAYS, o->people_limit, o->dry_run };
		mq_people_sync_counts pc;
		if ((rc = mq_people_sync(env, &po, &pc)) != MQ_OK)
			return rc;
		/* a person who failed is tried again by the next run: the run goes on */
		printf("marquee-sync people: %ld people in the catalogue, %ld due, %ld fetched, %ld missing at TMDB, %ld failed\n",
		       pc.candidates, pc.due, pc.refreshed, pc.missing, pc.failed);
	}
	if (all || !strcmp(c, "neighbours")) {
		long movies = 0;
		*what = "the neighbours";
		/* here rather than in lib/domain/sync.c: learning links LAPACK, which the workers that use
		 * the sync's other steps need not */
		long events = 0;
		if (!o->dry_run && (rc = mq_recommend_train(db, &movies, &events)) != MQ_OK)
			return rc;
		if (!o->dry_run && isatty(STDERR_FILENO))
			fprintf(stderr, "marquee-sync: %ld movies have neighbours\n", movies);
	}
	if (all || !strcmp(c, "purge-cache")) {
		*what = "the cache purge";
		if ((rc = mq_sync_purge_cache(s, &purged)) != MQ_OK)
			return rc;
		if (purged && isatty(STDERR_FILENO))
			fprintf(stderr, "marquee-sync: %lld expired cache entries and refresh tokens deleted\n", purged);
	}
	return MQ_OK;
}

static int run_tmdb(const mq_config *cfg, const run_opts *o)
{
	mq_db *db = NULL;
	if (open_db(cfg, &db))
		return EXIT_CONFIG;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	mq_tmdb_limiter *limiter = mq_tmdb_limiter_new(cfg->tmdb_rate);
	mq_tmdb *t = mq_tmdb_new(cfg, limiter);
	if (!t && strcmp(o->command, "purge-cache")) {
		fprintf(stderr, "marquee-sync %s: no TMDB credential: set TMDB_READ_TOKEN (or TMDB_API_KEY)\n", o->command);
		mq_tmdb_limiter_free(limiter);
		mq_db_close(db);
		return EXIT_CONFIG;
	}
	const mq_env env = { db, t, cfg };
	mq_sync *s = mq_sync_new(&env, o->dry_run, o->parallel);
	progress_state progress = { isatty(STDERR_FILENO), now_seconds(), 0, "" };
	mq_sync_on_progress(s, on_progress, &progress);
	char holder[200];
	int status = 0;
	mq_err rc = mq_sync_begin(s, o->command, holder, sizeof holder);
	if (rc == MQ_ECONFLICT) {
		fprintf(stderr, "marquee-sync %s: another sync holds the lease (%s); exiting\n", o->command, holder);
		status = EXIT_BUSY;
	} else if (rc != MQ_OK) {
		fprintf(stderr, "marquee-sync %s: the database is unavailable (%s)\n", o->command, mq_err_message(rc));
		status = EXIT_UNAVAILABLE;
	} else {
		const char *what = o->command;
		rc = run_steps(s, &env, o, &what);
		char reason[200] = "";
		if (rc != MQ_OK)
			snprintf(reason, sizeof reason, "%s failed: %s", what, mq_err_message(rc));
		mq_sync_end(s, rc, reason);
		const mq_sync_counts *c = mq_sync_counts_of(s);
		double took = now_seconds() - progress.started;
		printf("marquee-sync %s%s: %ld fetched, %ld new, %ld updated, %ld unchanged, %ld missing at TMDB, "
		       "%ld failed, %ld notifications, %ld genres in %.1f s (%.1f movies/s)\n",
		       o->command, o->dry_run ? " (dry run, nothing written)" : "", c->fetched, c->inserted, c->updated,
		       c->unchanged, c->missing, c->failed, c->notified, c->genres, took,
		       took > 0 ? (double)c->fetched / took : 0.0);
		if (rc != MQ_OK) {
			fprintf(stderr, "marquee-sync %s: %s\n", o->command, reason);
			status = 1;
		} else if (c->failed) {
			fprintf(stderr, "marquee-sync %s: %ld movie%s could not be synced (see the log); the next run tries again\n",
				o->command, c->failed, c->failed == 1 ? "" : "s");
			status = 1;
		}
	}
	mq_sync_free(s);
	mq_tmdb_free(t);
	mq_tmdb_limiter_free(limiter);
	mq_db_close(db);
	curl_global_cleanup();
	return status;
}

/* Parses a TMDB command's options into o; returns -1 (after printing) to exit with status. */
static int cmd_tmdb(const mq_config *cfg, int argc, char **argv)
{
	size_t k = 0;
	while (strcmp(tmdb_commands[k].name, argv[0]))
		k++;
	int seed = !strcmp(argv[0], "seed");
	run_opts o = { argv[0], 0, seed ? 2 : cfg->tmdb_sync_pages, 8, 0, NULL, 0, MQ_PEOPLE_SYNC_LIMIT, cfg };
	int people = !strcmp(argv[0], "people");
	int status = 0;
	o.ids = calloc((size_t)argc, sizeof *o.ids);
	for (int i = 1; i < argc && !status; i++) {
		char *end = NULL;
		if (!strcmp(argv[i], "--help")) {
			printf("usage: marquee-sync %s%s%s%s [--dry-run] [--parallel N]\n%s\n", argv[0],
			       tmdb_commands[k].pages ? " [--pages N]" : "", tmdb_commands[k].ids ? " ID..." : "",
			       people ? " [--limit N]" : "",
			       tmdb_commands[k].help);
			free(o.ids);
			return 0;
		} else if (!strcmp(argv[i], "--dry-run")) {
			o.dry_run = 1;
		} else if (people && !strcmp(argv[i], "--limit")) {
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
			if (i + 1 >= argc || *end || v < 1 || v > 100000) {
				fprintf(stderr, "marquee-sync %s: --limit takes a number from 1 to 100000\n", argv[0]);
				status = EXIT_USAGE;
			}
			o.people_limit = v;
			i++;
		} else if (seed && !strcmp(argv[i], "--demo-members")) {
			o.demo_members = 1;
		} else if ((!strcmp(argv[i], "--pages") && tmdb_commands[k].pages) || !strcmp(argv[i], "--parallel")) {
			long v = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
			int max = !strcmp(argv[i], "--pages") ? MQ_TMDB_MAX_PAGE : 20;
			if (i + 1 >= argc || *end || v < 1 || v > max) {
				fprintf(stderr, "marquee-sync %s: %s takes a number from 1 to %d\n", argv[0], argv[i], max);
				status = EXIT_USAGE;
			} else if (!strcmp(argv[i], "--pages")) {
				o.pages = (int)v;
			} else {
				o.parallel = (int)v;
			}
			i++;
		} else if (tmdb_commands[k].ids && argv[i][0] != '-') {
			long long v = strtoll(argv[i], &end, 10);
			if (*end || v < 1 || v > 2147483647) {
				fprintf(stderr, "marquee-sync %s: %s is not a TMDB id\n", argv[0], argv[i]);
				status = EXIT_USAGE;
			}
			o.ids[o.n_ids++] = v;
		} else {
			fprintf(stderr, "marquee-sync %s: unexpected argument %s (see --help)\n", argv[0], argv[i]);
			status = EXIT_USAGE;
		}
	}
	if (!status && tmdb_commands[k].ids && o.n_ids == 0) {
		fprintf(stderr, "usage: marquee-sync %s ID...\n", argv[0]);
		status = EXIT_USAGE;
	}
	if (!status)
		status = run_tmdb(cfg, &o);
	free(o.ids);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("marquee-sync %s\n", MQ_VERSION);
		return 0;
	}
	static const struct {
		const char *name;
		int (*run)(const mq_config *cfg, int argc, char **argv);
	} commands[] = {
		{ "schema", cmd_schema },
		{ "ping", cmd_ping },
		{ "admin", cmd_admin },
		{ "status", cmd_status },
		{ "lock", cmd_lock },
	};
	int (*run)(const mq_config *cfg, int argc, char **argv) = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			run = commands[i].run;
	for (size_t i = 0; i < sizeof tmdb_commands / sizeof tmdb_commands[0]; i++)
		if (!strcmp(argv[1], tmdb_commands[i].name))
			run = cmd_tmdb;
	if (run) {
		mq_config cfg;
		mq_buf problems = MQ_BUF_INIT;
		if (mq_config_from_env(&cfg, 0, &problems)) {
			fprintf(stderr, "marquee-sync: configuration problems:\n%s", mq_buf_cstr(&problems));
			mq_buf_free(&problems);
			mq_config_free(&cfg);
			return EXIT_CONFIG;
		}
		mq_buf_free(&problems);
		mq_log_init("sync", (mq_log_level)cfg.log_level, STDERR_FILENO);
		int rc = run(&cfg, argc - 1, argv + 1);
		mq_config_free(&cfg);
		mongoc_cleanup();
		return rc;
	}
	fprintf(stderr, "marquee-sync: unknown command '%s' (see marquee-sync --help)\n", argv[1]);
	return EXIT_USAGE;
}
