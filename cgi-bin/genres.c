/* genres.c — the genres worker: the genre list, single genres (names in English and Persian)
 * and their movies; the /genres and /genres/:id pages. */
#include "domain/genre.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

#include <string.h>

enum { Q_LANGUAGE, Q_COUNT };
static const mq_field lang_query[Q_COUNT] = { [Q_LANGUAGE] = MQ_FIELD_LANGUAGE };

static void get_genres(mq_req *req, mq_res *res)
{
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, lang_query, Q_COUNT, v))
		return;
	const mq_env env = mq_env_of(req);
	cJSON *list = NULL;
	mq_err rc = mq_genres_list(&env, v[Q_LANGUAGE].s, &list);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "public, max-age=300");
	mq_reply_data(req, res, 200, list);
}

static void get_genre(mq_req *req, mq_res *res)
{
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, lang_query, Q_COUNT, v))
		return;
	const mq_env env = mq_env_of(req);
	cJSON *genre = NULL;
	mq_err rc = mq_genre_get(&env, mq_req_route(req, "id"), v[Q_LANGUAGE].s, &genre);
	if (rc == MQ_EINVAL)
		mq_req_problem(req, (mq_problem){ "genre", "id", 0, 0 }, "id must be a TMDB genre id or a slug such as science-fiction");
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such genre" : NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "public, max-age=300");
	mq_reply_data(req, res, 200, genre);
}

/* GET /api/v1/genres/:id/movies: the catalogue's movies of one genre. */
static void get_genre_movies(mq_req *req, mq_res *res)
{
	mq_movieapi_reply_list(req, res, MQ_LIST_GENRE);
}

/* GET /genres: every genre, linked to its page. */
static void get_genres_page(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	const char *lang = mq_page_language(req);
	cJSON *list = NULL;
	mq_err rc = mq_genres_list(&env, lang, &list);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "genres", list);
	mq_reply_page(req, res, 200, "genres", mq_page_message(req, "genres.title"), data);
}

/* GET /genres/:id: the catalogue's movies of one genre. */
static void get_genre_page(mq_req *req, mq_res *res)
{
	mq_reply_movie_list_page(req, res, MQ_LIST_GENRE);
}

static const mq_route routes[] = {
	{ MQ_GET, "/genres", get_genres_page, 0 },
	{ MQ_GET, "/genres/:id", get_genre_page, 0 },
	{ MQ_GET, "/api/v1/genres", get_genres, MQ_PUBLIC },
	{ MQ_GET, "/api/v1/genres/:id", get_genre, MQ_PUBLIC },
	{ MQ_GET, "/api/v1/genres/:id/movies", get_genre_movies, 0 }, /* by audience: not public */
};

const mq_app genres_app = {
	.name = "genres",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(genres_app)
