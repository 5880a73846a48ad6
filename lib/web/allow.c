/* allow.c — the methods the API description lists for a path (see allow.h). */
#include "web/allow.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "web/http.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One path of the description: "/movies/{id}/similar" and its methods. */
struct api_path {
	char *pattern;
	unsigned methods;
};

static struct api_path *paths;
static size_t n_paths;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_dir;

static void load(void)
{
	static const struct { const char *name; unsigned bit; } verbs[] = {
		{ "get", MQ_GET | MQ_HEAD }, { "post", MQ_POST }, { "put", MQ_PUT },
		{ "patch", MQ_PATCH }, { "delete", MQ_DELETE },
	};
	mq_buf file = MQ_BUF_INIT, err = MQ_BUF_INIT;
	char *name = NULL;
	if (load_dir && asprintf(&name, "%s/static/openapi.json", load_dir) < 0)
		name = NULL;
	cJSON *spec = name && mq_buf_read_file(&file, name, 4 << 20, &err) == 0 ? cJSON_Parse(mq_buf_cstr(&file)) : NULL;
	const cJSON *item, *list = cJSON_GetObjectItemCaseSensitive(spec, "paths");
	if (!list)
		mq_log(MQ_LOG_WARN, "allow", "no API description at %s: 405s from nginx carry no Allow", name ? name : "?");
	paths = mq_xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *paths);
	cJSON_ArrayForEach(item, list) {
		unsigned methods = 0;
		for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
			if (cJSON_GetObjectItemCaseSensitive(item, verbs[v].name))
				methods |= verbs[v].bit;
		paths[n_paths++] = (struct api_path){ mq_xstrdup(item->string), methods };
	}
	cJSON_Delete(spec);
	free(name);
	mq_buf_free(&file);
	mq_buf_free(&err);
}

/* Whether path matches pattern, a "{name}" standing for one non-empty segment. */
static int matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			if (!close || *path == '/')
				return 0;
			pattern = close + 1;
			path += strcspn(path, "/");
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return !*pattern && !*path;
}

unsigned mq_allow_methods(const char *template_dir, const char *path)
{
	if (!path)
		return 0;
	load_dir = template_dir; /* read by load() once; the same directory for the whole process */
	pthread_once(&once, load);
	if (!strncmp(path, "/api/v1/", 8))
		path += 7;
	else if (!strncmp(path, "/api/", 5))
		path += 4;
	else
		return 0;
	size_t len = strcspn(path, "?");
	char *bare = mq_xstrndup(path, len);
	/* the most literal match: /movies/search rather than /movies/{id} */
	unsigned methods = 0;
	size_t fewest = (size_t)-1;
	for (size_t i = 0; i < n_paths; i++) {
		size_t holes = 0;
		for (const char *c = paths[i].pattern; (c = strchr(c, '{')); c++)
			holes++;
		if (holes < fewest && matches(paths[i].pattern, bare)) {
			methods = paths[i].methods;
			fewest = holes;
		}
	}
	free(bare);
	return methods;
}
