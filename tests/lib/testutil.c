/* testutil.c — helpers shared by the Check suites (declared in suites.h). */
#include "db.h"
#include "suites.h"

#include <stdlib.h>
#include <time.h>

void test_mongoc_once(void)
{
	static int done;
	if (!done) {
		done = 1;
		mq_db_install_log_handler();
		mongoc_init();
		atexit(mongoc_cleanup); /* each forked test, or the runner, cleans up at its exit */
	}
}

double test_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
