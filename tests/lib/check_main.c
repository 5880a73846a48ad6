/* check_main.c — runs every lib/ suite (one tests/lib/check_<module>.c per lib/<module>.c).
 * Suites that need a database read MONGODB_URI and skip their cases when it is unset. */
#include "suites.h"

#include <check.h>
#include <stdlib.h>

int main(void)
{
	Suite *(*const suites[])(void) = {
		arena_suite, audience_suite, buf_suite, config_suite, err_suite, http_suite, json_suite, jwt_suite,
		log_suite, valid_suite, template_suite, response_suite, route_suite, page_suite,
		db_suite, health_suite, schema_suite, worker_suite, multipart_suite, media_suite,
		password_suite, tmdb_suite, catalog_suite, cards_suite, images_suite, sync_suite, recs_suite, recs_eval_suite, recs_models_suite, session_suite,
		rating_suite,
		admin_suite,
		lists_suite,
		account_suite,
		recommend_suite,
		movie_suite,
		person_suite,
		people_suite,
		messages_suite,
		reset_suite,
		mail_suite,
	};
	SRunner *runner = srunner_create(NULL);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(runner, suites[i]());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
