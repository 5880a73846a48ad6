/* movieapi.c — movie lookups and lists for handlers (see movieapi.h). */
#include "site/movieapi.h"
#include "core/search.h"
#include "domain/genre.h"
#include "domain/people.h"
#include "tmdb/images.h"
#include "tmdb/movie.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

#include <string.h>

/* mq_movieapi_lookup(), fetching a TMDB id the catalogue lacks only when fetch is set. */
static cJSON *lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		     int *fetched, int fetch)
{
	mq_env env = mq_env_of(req);
	if (!fetch)
		env.tmdb = NULL;
	cJSON *movie = NULL;
	int was_fetched = 0;
	mq_err rc = mq_catalog_get(&env, ref, lang, &req->audience, &movie, &was_fetched);
	if (fetched)
		*fetched = was_fetched;
	if (rc == MQ_OK)
		return movie;
	if (rc == MQ_EINVAL)
		mq_req_problem(req, (mq_problem){ "movie_ref", field, 0, 0 }, "%s must be a TMDB id (digits), a 24-hex id or a slug such as fight-club-1999", field);
	mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
	return NULL;
}

cJSON *mq_movieapi_lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		       int *fetched)
{
	return lookup(req, res, ref, field, lang, fetched, 1);
}

const char *mq_movieapi_oid(mq_req *req, mq_res *res, const char *ref, const char *field, int fetch)
{
	cJSON *movie = lookup(req, res, ref, field, "en", NULL, fetch);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	const char *copy = id ? mq_arena_strdup(req->arena, id) : NULL;
	if (movie && !copy)
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such movie");
	cJSON_Delete(movie);
	return copy;
}

void mq_movieapi_body_ref(cJSON *body)
{
	cJSON *movie = cJSON_GetObjectItemCaseSensitive(body, "movie_id");
	double id = cJSON_IsNumber(movie) ? movie->valuedouble : 0;
	if (id >= 1 && id <= 2147483647 && id == (double)(long long)id) {
		char text[24];
		snprintf(text, sizeof text, "%lld", (long long)id);
		cJSON_ReplaceItemInObjectCaseSensitive(body, "movie_id", cJSON_CreateString(text));
	}
}

void mq_movieapi_images(mq_req *req, cJSON *movies)
{
	const mq_env env = mq_env_of(req);
	mq_image_config ic;
	mq_images_config(&env, &ic);
	if (cJSON_IsObject(movies)) {
		mq_images_add_urls(movies, &ic);
		return;
	}
	cJSON *m;
	cJSON_ArrayForEach(m, movies)
		mq_images_add_urls(m, &ic);
}

mq_err mq_movieapi_gate_tmdb(mq_req *req, cJSON *items)
{
	return mq_catalog_gate_tmdb(mq_ctx_of(req)->db, &req->audience, items);
}

mq_err mq_movieapi_tmdb_movies(mq_req *req, const char *path, const char *const *extra, long long page,
		      const char *tmdb_language, mq_movieapi_tmdb_page *out)
{
	const mq_env env = mq_env_of(req);
	char page_text[24];
	snprintf(page_text, sizeof page_text, "%lld", page);
	const char *query[12] = { "page", page_text, "language", tmdb_language };
	int i = 4;
	/* search and discover take include_adult (TMDB's default may change): said every time, and
	 * true only for an adult who opted in */
	if (!strncmp(path, "/search/", 8) || !strncmp(path, "/discover/", 10)) {
		query[i++] = "include_adult";
		query[i++] = req->audience.adult_ok ? "true" : "false";
	}
	for (; extra && *extra && i < 10; i += 2, extra += 2)
		query[i] = extra[0], query[i + 1] = extra[1];
	cJSON *json = NULL;
	memset(out, 0, sizeof *out);
	mq_err rc = mq_tmdbcache_get(&env, path, query, &json, &out->state);
	if (rc != MQ_OK)
		return rc;
	out->items = mq_movie_summaries_from_tmdb_page(json, &out->page, &out->total);
	cJSON_Delete(json);
	if ((rc = mq_movieapi_gate_tmdb(req, out->items)) != MQ_OK) {
		cJSON_Delete(out->items);
		out->items = NULL;
		return rc;
	}
	mq_movieapi_images(req, out->items);
	return MQ_OK;
}

mq_err mq_movieapi_gate_entries(mq_req *req, mq_err rc, cJSON *items, const char *key, long long *total)
{
	long long removed = 0;
	if (rc == MQ_OK)
		rc = mq_catalog_gate_entries(mq_ctx_of(req)->db, &req->audience, items, key, &removed);
	*total = *total > removed ? *total - removed : 0;
	return rc;
}

/* The fields of a summary of TMDB's, for fields= */
static const char *const tmdb_summary_fields[] = {
	"tmdb_id", "title", "original_title", "original_language", "overview", "release_date", "year",
	"poster_path", "backdrop_path", "poster_url", "poster_url_large", "backdrop_url",
	"vote_average", "vote_count", "popularity", "genre_ids", "adult", NULL,
};

int mq_movieapi_tmdb_fields_check(mq_req *req, const char *fields)
{
	const char **selected;
	return mq_fields_parse(req, fields, tmdb_summary_fields, &selected);
}

void mq_movieapi_reply_tmdb(mq_req *req, mq_res *res, const char *path, const char *const *extra,
			  long long page, const char *tmdb_language, const char *fields)
{
	const char **selected = NULL;
	if (mq_fields_parse(req, fields, tmdb_summary_fields, &selected)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_movieapi_tmdb_page p;
	mq_err rc = mq_movieapi_tmdb_movies(req, path, extra, page, tmdb_language, &p);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie at TMDB"
				  : rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT
				  ? "TMDB is unavailable and nothing is cached for this page"
				  : rc == MQ_EUPSTREAM ? "TMDB's answer could not be used and nothing is cached for this page"
				  : NULL);
		return;
	}
	mq_fields_apply(selected, p.items);
	mq_tmdbcache_headers(req, res, p.state);
	mq_reply_list(req, res, p.items, p.page, 20, p.total);
}

/* The fields a catalogue summary has, for fields= */
static const char *const summary_fields[] = {
	"id", "tmdb_id", "slug", "title", "titles", "original_title", "overview", "release_date",
	"year", "runtime", "genres", "poster_path", "backdrop_path", "poster_url", "poster_url_large",
	"backdrop_url", "popularity", "vote_average", "vote_count", "average_rating", "rating_count",
	"source", "adult", "min_age", "age_limits", NULL,
};

/* A genre given by TMDB id or slug → its TMDB id (0 and MQ_ENOTFOUND when there is none). */
static mq_err genre_id(mq_req *req, const char *ref, long long *id)
{
	const mq_env env = mq_env_of(req);
	cJSON *genre = NULL;
	*id = 0;
	mq_err rc = mq_genre_get(&env, ref, "en", &genre);
	const cJSON *gid = cJSON_GetObjectItemCaseSensitive(genre, "id");
	if (rc == MQ_OK && cJSON_IsNumber(gid))
		*id = (long long)gid->valuedouble;
	cJSON_Delete(genre);
	return rc;
}

/* A person filter (actor=, director=): a TMDB person id, a slug such as brad-pitt-287, or the name
 * of a person the people collection holds → *id. 0; -1 with a problem naming field; or an mq_err
 * (> 0) when the database failed. */
static int person_filter(mq_req *req, const char *field, const mq_value *v, long long *id)
{
	*id = 0;
	if (!v->present || !mq_people_ref(v->s, id))
		return 0;
	mq_err rc = mq_people_find_name(mq_ctx_of(req)->db, v->s, id);
	if (rc == MQ_OK)
		return 0;
	if (rc != MQ_ENOTFOUND)
		return (int)rc;
	mq_req_problem(req, (mq_problem){ "person", field, 0, 0 },
		       "%s must be a TMDB person id, a person slug such as brad-pitt-287 or the name of a person the catalogue knows", field);
	return -1;
}

int mq_movieapi_query_parse(mq_req *req, mq_movieapi_list_kind kind, mq_movie_query *q, const char ***fields)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	/* the same table for every kind; a kind refuses what it does not take: Q_FILTER is q (search,
	 * required) or genre (browse), and a genre's own list has none */
	enum {
		Q_PAGE, Q_LIMIT, Q_LANGUAGE, Q_YEAR, Q_MIN_RATING, Q_SORT, Q_ORDER, Q_FIELDS, Q_ACTOR, Q_DIRECTOR, Q_FILTER,
		Q_COUNT, Q_COUNT_WITHOUT_FILTER = Q_FILTER
	};
	const mq_field query[Q_COUNT] = {
		[Q_PAGE] = MQ_FIELD_PAGE,
		[Q_LIMIT] = MQ_FIELD_LIMIT,
		[Q_LANGUAGE] = MQ_FIELD_LANGUAGE,
		[Q_YEAR] = { "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
		[Q_MIN_RATING] = { "minRating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL },
		[Q_SORT] = { "sort", MQ_V_ENUM, 0, 0, 0, mq_movie_sorts, "popularity" },
		[Q_ORDER] = { "order", MQ_V_ENUM, 0, 0, 0, orders, NULL },
		[Q_FIELDS] = { "fields", MQ_V_STRING, 0, 1, 400, NULL, NULL },
		[Q_ACTOR] = { "actor", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		[Q_DIRECTOR] = { "director", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		[Q_FILTER] = { kind == MQ_LIST_SEARCH ? "q" : "genre", MQ_V_STRING, kind == MQ_LIST_SEARCH,
			       1, 200, NULL, NULL },
	};
	mq_value v[Q_COUNT];
	int rc = mq_validate_query(req, query, kind == MQ_LIST_GENRE ? Q_COUNT_WITHOUT_FILTER : Q_COUNT, v);
	memset(q, 0, sizeof *q);
	q->page = v[Q_PAGE].present ? v[Q_PAGE].i : 1;
	q->limit = v[Q_LIMIT].present ? v[Q_LIMIT].i : 20;
	q->lang = v[Q_LANGUAGE].present ? v[Q_LANGUAGE].s : "en";
	q->audience = &req->audience; /* every public list: only what the caller may see */
	q->year = v[Q_YEAR].present ? (int)v[Q_YEAR].i : 0;
	q->min_rating = v[Q_MIN_RATING].present ? v[Q_MIN_RATING].d : 0;
	q->sort = v[Q_SORT].present ? (mq_movie_sort)v[Q_SORT].i : MQ_SORT_POPULARITY;
	/* titles read best A to Z; the others best first */
	q->ascending = v[Q_ORDER].present ? v[Q_ORDER].i == 0 : q->sort == MQ_SORT_TITLE;
	if (v[Q_FIELDS].present && mq_fields_parse(req, v[Q_FIELDS].s, summary_fields, fields))
		rc = -1;
	int arc = person_filter(req, "actor", &v[Q_ACTOR], &q->actor);
	int drc = person_filter(req, "director", &v[Q_DIRECTOR], &q->director);
	if (arc > 0 || drc > 0)
		return arc > 0 ? arc : drc; /* a database failure, not the client's */
	if (arc || drc)
		rc = -1;
	if (kind == MQ_LIST_SEARCH && v[Q_FILTER].present) {
		mq_buf pattern = MQ_BUF_INIT;
		if (mq_search_pattern(v[Q_FILTER].s, &pattern)) {
			mq_req_problem(req, (mq_problem){ "search_text", "q", 0, 0 }, "q must contain at least one letter or digit");
			rc = -1;
		}
		q->search = mq_arena_strdup(req->arena, mq_buf_cstr(&pattern));
		mq_buf_free(&pattern);
	}
	if (kind == MQ_LIST_BROWSE && v[Q_FILTER].present) {
		mq_err grc = genre_id(req, v[Q_FILTER].s, &q->genre);
		if (grc == MQ_ENOTFOUND || grc == MQ_EINVAL) {
			mq_req_problem(req, (mq_problem){ "genre", "genre", 0, 0 }, "genre must be a TMDB genre id or slug of an existing genre, such as 18 or drama");
			rc = -1;
		} else if (grc != MQ_OK) {
			return (int)grc; /* a database or TMDB failure, not the client's */
		}
	}
	return rc;
}

mq_err mq_movieapi_tmdb_search(mq_req *req, const mq_movie_query *q, mq_movieapi_tmdb_page *out)
{
	char year[8];
	snprintf(year, sizeof year, "%d", q->year);
	const char *extra[] = { "query", mq_req_query(req, "q"), q->year ? "year" : NULL, year, NULL };
	mq_err rc = mq_movieapi_tmdb_movies(req, "/search/movie", extra, 1, mq_movie_tmdb_language(q->lang), out);
	if (rc != MQ_OK)
		return rc;
	for (cJSON *m = out->items->child, *next; m; m = next) {
		next = m->next;
		const cJSON *avg = cJSON_GetObjectItemCaseSensitive(m, "vote_average");
		if (q->min_rating > 0 && !(cJSON_IsNumber(avg) && avg->valuedouble >= q->min_rating))
			cJSON_Delete(cJSON_DetachItemViaPointer(out->items, m));
	}
	out->total = cJSON_GetArraySize(out->items); /* one page: the catalogue pages the rest */
	return MQ_OK;
}

void mq_movieapi_reply_list(mq_req *req, mq_res *res, mq_movieapi_list_kind kind)
{
	mq_movie_query q;
	const char **fields = NULL;
	int prc = mq_movieapi_query_parse(req, kind, &q, &fields);
	if (prc) {
		mq_reply_err(req, res, prc > 0 ? (mq_err)prc : MQ_EINVAL, NULL);
		return;
	}
	if (kind == MQ_LIST_GENRE) {
		mq_err rc = genre_id(req, mq_req_route(req, "id"), &q.genre);
		if (rc == MQ_EINVAL)
			mq_req_problem(req, (mq_problem){ "genre", "id", 0, 0 }, "id must be a TMDB genre id or a slug such as science-fiction");
		if (rc != MQ_OK) {
			mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such genre" : NULL);
			return;
		}
	}
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = mq_catalog_list(mq_ctx_of(req)->db, &q, &items, &total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	if (kind == MQ_LIST_SEARCH && total == 0 && q.page == 1) {
		/* nothing in the catalogue: TMDB's search, whose movies open (and are stored) by TMDB id */
		cJSON_Delete(items);
		mq_movieapi_tmdb_page p;
		rc = mq_movieapi_tmdb_search(req, &q, &p);
		if (rc != MQ_OK) {
			mq_reply_err(req, res, rc, NULL);
			return;
		}
		mq_fields_apply(fields, p.items);
		mq_tmdbcache_headers(req, res, p.state);
		mq_res_header(req, res, "X-Search-Source", "tmdb");
		mq_reply_list(req, res, p.items, 1, 20, p.total);
		return;
	}
	mq_movieapi_images(req, items);
	mq_fields_apply(fields, items);
	if (kind == MQ_LIST_SEARCH)
		mq_res_header(req, res, "X-Search-Source", "catalog");
	mq_reply_list(req, res, items, q.page, q.limit, total);
}
