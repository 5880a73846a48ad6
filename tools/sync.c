/* sync.c — marquee-sync, the crontab-invoked binary that keeps the catalogue in step with TMDB.
 *
 * Subcommands so far: `schema` (apply sql/schema.json), `ping` (check the database) and `admin`
 * (grant or revoke the admin role). The TMDB
 * subcommands (genres, popular, changes, translations, purge-cache, all) arrive with the sync
 * issue; each subcommand has --help. Exit status: 0 done, 1 failed, 2 usage, 69 database
 * unavailable, 78 configuration problem. */
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "account.h"
#include "log.h"
#include "schema.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef MQ_DATADIR
#define MQ_DATADIR "/usr/local/share/marquee"
#endif

enum { EXIT_USAGE = 2, EXIT_UNAVAILABLE = 69, EXIT_CONFIG = 78 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: marquee-sync COMMAND [OPTIONS]\n"
		"Keeps the Marquee database in step with its schema and with TMDB.\n\n"
		"commands:\n"
		"  schema [--file PATH] [--dry-run]   create the collections' indexes (idempotent)\n"
		"  ping                               check that the database answers\n"
		"  admin [--revoke] EMAIL             make a registered user an admin (or a user again)\n"
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
			       "Creates the indexes sql/schema.json lists (default %s).\n"
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
	if (rc == MQ_OK && dry_run)
		printf("schema: %d indexes checked (dry run)\n", n);
	else if (rc == MQ_OK)
		printf("schema: %d indexes in place, %d created now\n", n, created);
	else
		fprintf(stderr, "marquee-sync schema: %s\n", mq_buf_cstr(&err));
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
	};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
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
		int rc = commands[i].run(&cfg, argc - 1, argv + 1);
		mq_config_free(&cfg);
		mongoc_cleanup();
		return rc;
	}
	fprintf(stderr, "marquee-sync: unknown command '%s' (see marquee-sync --help)\n", argv[1]);
	return EXIT_USAGE;
}
