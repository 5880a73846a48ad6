/* tmdb.c — fuzzes the mapping of TMDB responses: a movie's details into a catalogue document, a
 * result page into summaries, and an error body into its code and message. */
#include "core/config.h"
#include "fuzz.h"
#include "tmdb/movie.h"
#include "tmdb/tmdb.h"

#include <cjson/cJSON.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char en[] = "en-US", fa[] = "fa-IR";
	mq_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.tmdb_languages[0] = en;
	cfg.tmdb_languages[1] = fa;
	cfg.n_tmdb_languages = 2;
	int code;
	char message[256];
	(void)mq_tmdb_parse_error((const char *)data, size, &code, message, sizeof message);
	cJSON *json = cJSON_ParseWithLength((const char *)data, size);
	if (json) {
		cJSON_Delete(mq_movie_doc_from_tmdb(json, &cfg));
		long long page = 0, total = 0;
		cJSON_Delete(mq_movie_summaries_from_tmdb_page(json, &page, &total));
		cJSON_Delete(json);
	}
	return 0;
}
