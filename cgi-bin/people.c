/* people.c — the people worker: a person under /api/v1/people/:id and their page /people/:id
 * (TMDB id or slug; fetched from TMDB and stored when new), and the search of movies and people
 * together, /api/v1/search. */
#include "core/search.h"
#include "domain/catalog.h"
#include "domain/people.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/peoplepage.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

#include <string.h>

enum { L_LANGUAGE, L_COUNT };
static const mq_field lang_query[L_COUNT] = { [L_LANGUAGE] = MQ_FIELD_LANGUAGE };

/* Leaves in the person's filmography only the movies the request's audience may see (the
 * catalogue's verdict for its movies, TMDB's for the rest: mq_movieapi_gate_tmdb); *person is
 * freed on an error. */
static mq_err gate_filmography(mq_req *req, cJSON **person)
{
	static const char *const lists[] = { "acting", "crew" };
	mq_err rc = MQ_OK;
	for (size_t i = 0; i < 2 && rc == MQ_OK; i++)
		rc = mq_movieapi_gate_tmdb(req, cJSON_GetObjectItemCaseSensitive(*person, lists[i]));
	if (rc != MQ_OK) {
		cJSON_Delete(*person);
		*person = NULL;
	}
	return rc;
}

/* The person of the route in lang through mq_people_get, filmography gated for who asks; NULL
 * after replying with the error. */
static cJSON *route_person(mq_req *req, mq_res *res, const char *lang, int *fetched)
{
	const mq_env env = mq_env_of(req);
	cJSON *person = NULL;
	mq_err rc = mq_people_get(&env, mq_req_route(req, "id"), lang, &person, fetched);
	if (rc == MQ_OK)
		rc = gate_filmography(req, &person);
	if (rc == MQ_OK)
		return person;
	if (rc == MQ_EINVAL)
		mq_req_problem(req, (mq_problem){ "person_ref", "id", 0, 0 },
			       "id must be a TMDB person id (digits) or a slug such as brad-pitt-287");
	mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such person" : NULL);
	return NULL;
}

/* GET /api/v1/people/:id — a person with their filmography. */
static void get_person(mq_req *req, mq_res *res)
{
	mq_value v[L_COUNT];
	if (mq_valid_query_or_reply(req, res, lang_query, L_COUNT, v))
		return;
	int fetched = 0;
	cJSON *person = route_person(req, res, v[L_LANGUAGE].s, &fetched);
	if (!person)
		return;
	mq_peoplepage_images(req, person);
	mq_res_header(req, res, "X-Catalog", fetched ? "FETCHED" : "STORED");
	mq_reply_data(req, res, 200, person);
}

/* GET /api/v1/search?q= — movies (the catalogue's, else TMDB's) and people (the people
 * collection's, else TMDB's) matching q, the first limit of each. */
static void get_search(mq_req *req, mq_res *res)
{
	enum { S_Q, S_LIMIT, S_LANGUAGE, S_COUNT };
	static const mq_field query[S_COUNT] = {
		[S_Q] = { "q", MQ_V_STRING, 1, 1, 200, NULL, NULL },
		[S_LIMIT] = { "limit", MQ_V_INT, 0, 1, 50, NULL, "10" },
		[S_LANGUAGE] = MQ_FIELD_LANGUAGE,
	};
	mq_value v[S_COUNT];
	int bad = mq_validate_query(req, query, S_COUNT, v);
	mq_buf pattern = MQ_BUF_INIT;
	if (!bad && mq_search_pattern(v[S_Q].s, &pattern)) {
		mq_req_problem(req, (mq_problem){ "search_text", "q", 0, 0 }, "q must contain at least one letter or digit");
		bad = -1;
	}
	if (bad) {
		mq_buf_free(&pattern);
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *lang = v[S_LANGUAGE].s;
	long long limit = v[S_LIMIT].i;
	mq_movie_query q = { .page = 1, .limit = limit, .status = MQ_STATUS_VISIBLE, .sort = MQ_SORT_POPULARITY,
			     .search = mq_arena_strdup(req->arena, mq_buf_cstr(&pattern)), .lang = lang,
			     .audience = &req->audience };
	cJSON *movies = NULL, *people = NULL;
	long long total = 0;
	int people_from_tmdb = 0;
	const char *movies_source = "catalog";
	mq_err rc = mq_catalog_list(mq_ctx_of(req)->db, &q, &movies, &total);
	if (rc == MQ_OK && total == 0) {
		mq_movieapi_tmdb_page p;
		if (mq_movieapi_tmdb_search(req, &q, &p) == MQ_OK) {
			cJSON_Delete(movies);
			movies = p.items;
			while (cJSON_GetArraySize(movies) > limit)
				cJSON_DeleteItemFromArray(movies, (int)limit);
			movies_source = "tmdb";
		}
	} else if (rc == MQ_OK) {
		mq_movieapi_images(req, movies);
	}
	if (rc == MQ_OK)
		people = mq_peoplepage_search(req, v[S_Q].s, mq_buf_cstr(&pattern), limit, lang, 0, &people_from_tmdb, &rc);
	mq_buf_free(&pattern);
	if (rc != MQ_OK) {
		cJSON_Delete(movies);
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "movies", movies);
	cJSON_AddItemToObject(data, "people", people);
	cJSON *sources = cJSON_AddObjectToObject(data, "sources");
	cJSON_AddStringToObject(sources, "movies", movies_source);
	cJSON_AddStringToObject(sources, "people", people_from_tmdb ? "tmdb" : "catalog");
	mq_reply_data(req, res, 200, data);
}

/* GET /people/:id — the person's page; a ref other than the slug (a TMDB id, an older name's
 * slug) redirects to the slug's address. */
static void get_person_page(mq_req *req, mq_res *res)
{
	const char *lang = mq_page_language(req);
	const mq_env env = mq_env_of(req);
	cJSON *person = NULL;
	mq_err rc = mq_people_get(&env, mq_req_route(req, "id"), lang, &person, NULL);
	if (rc == MQ_OK)
		rc = gate_filmography(req, &person);
	if (rc == MQ_EINVAL || rc == MQ_ENOTFOUND) {
		mq_reply_page_error(req, res, 404, "person.no_such_person");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(person, "slug"));
	if (slug && strcmp(slug, mq_req_route(req, "id"))) {
		mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/people/%s", slug));
		cJSON_Delete(person);
		return;
	}
	mq_peoplepage_images(req, person);
	mq_peoplepage_texts(req, person);
	const char *title = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(person, "name")));
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "person", person);
	mq_reply_page(req, res, 200, "person", title, data);
}

static const mq_route routes[] = {
	{ MQ_GET, "/people/:id", get_person_page, 0 },
	/* none is MQ_PUBLIC: what they show depends on who asks (req->audience) */
	{ MQ_GET, "/api/v1/people/:id", get_person, 0 },
	{ MQ_GET, "/api/v1/search", get_search, 0 },
};

const mq_app people_app = {
	.name = "people",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(people_app)
