/* movies.c — the movies worker: the catalogue API under /api/v1/movies and the public pages
 * (/, /movies, /movies/:id, /movies/:id/similar, /search). */
#include "core/l10n.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/movie_extras.h"
#include "domain/rating.h"
#include "site/live.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/worker.h"
#include "tmdb/images.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"
#include "web/valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GET /api/v1/movies: the catalogue, filtered, sorted and paged. */
static void get_movies(mq_req *req, mq_res *res)
{
	mq_movieapi_reply_list(req, res, MQ_LIST_BROWSE);
}

/* GET /api/v1/movies/search?q=: English, Persian and original titles, any word's start. */
static void search_movies(mq_req *req, mq_res *res)
{
	mq_movieapi_reply_list(req, res, MQ_LIST_SEARCH);
}

static const char *const windows[] = { "day", "week", NULL };

/* The query of TMDB's lists (trending, popular, a movie's similar and recommendations); only
 * trending takes window. */
enum { T_PAGE, T_LANGUAGE, T_FIELDS, T_WINDOW, T_COUNT, T_COUNT_WITHOUT_WINDOW = T_WINDOW };
static const mq_field tmdb_query[T_COUNT] = {
	[T_PAGE] = { "page", MQ_V_INT, 0, 1, 500, NULL, "1" },
	[T_LANGUAGE] = MQ_FIELD_LANGUAGE,
	[T_FIELDS] = { "fields", MQ_V_STRING, 0, 1, 400, NULL, NULL },
	[T_WINDOW] = { "window", MQ_V_ENUM, 0, 0, 0, windows, "week" },
};

/* A TMDB list at path for a query checked against tmdb_query. */
static void reply_tmdb(mq_req *req, mq_res *res, const char *path, const mq_value *v)
{
	mq_movieapi_reply_tmdb(req, res, path, NULL, v[T_PAGE].i, mq_movie_tmdb_language(v[T_LANGUAGE].s),
			       v[T_FIELDS].present ? v[T_FIELDS].s : NULL);
}

/* GET /api/v1/movies/trending?window=day|week and /movies/popular: TMDB's lists, through the
 * cache. */
static void tmdb_list(mq_req *req, mq_res *res, int trending)
{
	mq_value v[T_COUNT];
	if (mq_valid_query_or_reply(req, res, tmdb_query, trending ? T_COUNT : T_COUNT_WITHOUT_WINDOW, v))
		return;
	const char *path = !trending ? "/movie/popular"
			   : v[T_WINDOW].i ? "/trending/movie/week" : "/trending/movie/day";
	reply_tmdb(req, res, path, v);
}

static void get_trending(mq_req *req, mq_res *res)
{
	tmdb_list(req, res, 1);
}

static void get_popular(mq_req *req, mq_res *res)
{
	tmdb_list(req, res, 0);
}

/* The fields of a whole movie, for fields= */
static const char *const movie_fields[] = {
	"id", "tmdb_id", "imdb_id", "slug", "title", "titles", "original_title", "original_language",
	"overview", "overviews", "release_date", "year", "runtime", "genres", "poster_path",
	"backdrop_path", "poster_url", "poster_url_large", "backdrop_url", "certification", "cast", "directors",
	"keywords", "popularity", "vote_average", "vote_count", "average_rating", "rating_count",
	"source", "locked_fields", "tmdb_synced_at", "created_at", "updated_at", "tagline", "taglines",
	"writers", "composers", "cinematographers", "collection", "production_countries", "spoken_languages",
	"certifications", "trailers", "adult", "min_age", "age_limits", NULL,
};

/* GET /api/v1/movies/:id — by TMDB id, ObjectId or slug; a TMDB id not in the catalogue yet is
 * fetched from TMDB and stored first. */
static void get_movie(mq_req *req, mq_res *res)
{
	enum { M_LANGUAGE, M_FIELDS, M_COUNT };
	static const mq_field query[M_COUNT] = {
		[M_LANGUAGE] = MQ_FIELD_LANGUAGE,
		[M_FIELDS] = { "fields", MQ_V_STRING, 0, 1, 400, NULL, NULL },
	};
	mq_value v[M_COUNT];
	const char **selected = NULL;
	int bad = mq_validate_query(req, query, M_COUNT, v);
	if (v[M_FIELDS].present && mq_fields_parse(req, v[M_FIELDS].s, movie_fields, &selected))
		bad = -1;
	if (bad) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	int fetched = 0;
	cJSON *movie = mq_movieapi_lookup(req, res, mq_req_route(req, "id"), "id", v[M_LANGUAGE].s, &fetched);
	if (!movie)
		return;
	mq_movieapi_images(req, movie);
	mq_fields_apply(selected, movie);
	mq_res_header(req, res, "X-Catalog", fetched ? "FETCHED" : "STORED");
	mq_reply_data(req, res, 200, movie);
}

/* ---- pages ---- */

/* A TMDB list for a page row: its first n movies as cards, or NULL when TMDB and the cache both
 * failed (the page says so instead of failing). */
static cJSON *tmdb_row(mq_req *req, const char *path, const char *lang, int n)
{
	mq_movieapi_tmdb_page p;
	if (mq_movieapi_tmdb_movies(req, path, NULL, 1, mq_movie_tmdb_language(lang), &p) != MQ_OK)
		return NULL;
	while (cJSON_GetArraySize(p.items) > n)
		cJSON_DeleteItemFromArray(p.items, n);
	mq_moviepage_movie_cards(req, p.items);
	return p.items;
}

/* data.<name> = row and data.has_<name> when it has movies (templates cannot test a list's
 * length); rows_failed when TMDB could not give it. */
static void add_row(cJSON *data, const char *name, cJSON *row)
{
	char has[32];
	snprintf(has, sizeof has, "has_%s", name);
	if (!row) {
		if (!cJSON_GetObjectItemCaseSensitive(data, "rows_failed"))
			cJSON_AddBoolToObject(data, "rows_failed", 1);
		return;
	}
	cJSON_AddBoolToObject(data, has, cJSON_GetArraySize(row) > 0);
	cJSON_AddItemToObject(data, name, row);
}

/* GET /: trending and popular rows, the genres. */
static void get_home(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	const char *lang = mq_page_language(req);
	cJSON *data = cJSON_CreateObject(), *genres = NULL;
	cJSON_AddBoolToObject(data, "is_home", 1);
	add_row(data, "trending", tmdb_row(req, "/trending/movie/week", lang, 12));
	add_row(data, "popular", tmdb_row(req, "/movie/popular", lang, 12));
	if (mq_genres_list(&env, lang, &genres) == MQ_OK)
		add_row(data, "genres", genres);
	mq_reply_page(req, res, 200, "home", NULL, data);
}

static void get_movies_page(mq_req *req, mq_res *res)
{
	mq_reply_movie_list_page(req, res, MQ_LIST_BROWSE);
}

static void get_search_page(mq_req *req, mq_res *res)
{
	mq_reply_movie_list_page(req, res, MQ_LIST_SEARCH);
}

/* The movie of a page's route, or NULL after replying with the error page. */
static cJSON *page_movie(mq_req *req, mq_res *res, const char *lang)
{
	const mq_env env = mq_env_of(req);
	cJSON *movie = NULL;
	int fetched;
	mq_err rc = mq_catalog_get(&env, mq_req_route(req, "id"), lang, &req->audience, &movie, &fetched);
	if (rc == MQ_EINVAL || rc == MQ_ENOTFOUND)
		mq_reply_page_error(req, res, 404, "movie.no_such_movie");
	else if (rc != MQ_OK)
		mq_reply_err(req, res, rc, NULL);
	return rc == MQ_OK ? movie : NULL;
}

/* What the movie page says in words and the page's digits: the running time ("2h 19m"), the
 * release date (mq_l10n_date: Solar Hijri with the Gregorian year on Persian pages), the year,
 * the vote counts and the poster's description. */
static void add_page_texts(mq_req *req, cJSON *movie)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(movie, "runtime");
	if (cJSON_IsNumber(rt) && rt->valuedouble > 0) {
		long long minutes = (long long)rt->valuedouble;
		const char *h = mq_page_digits(req, minutes / 60), *m = mq_page_digits(req, minutes % 60);
		cJSON_AddStringToObject(movie, "runtime_text",
			minutes < 60 ? mq_page_messagef(req, "movie.runtime_minutes", "m", m, NULL)
			: minutes % 60 ? mq_page_messagef(req, "movie.runtime", "h", h, "m", m, NULL)
			: mq_page_messagef(req, "movie.runtime_hours", "h", h, NULL));
	}
	const char *released = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "release_date"));
	mq_buf date = MQ_BUF_INIT;
	if (released && mq_l10n_date(&date, mq_page_language(req), released) == 0)
		cJSON_AddStringToObject(movie, "release_date_text", mq_buf_cstr(&date));
	else if (released) /* not a date: not claimed as one */
		cJSON_DeleteItemFromObjectCaseSensitive(movie, "release_date");
	mq_buf_free(&date);
	const cJSON *votes = cJSON_GetObjectItemCaseSensitive(movie, "vote_count");
	if (cJSON_IsNumber(votes))
		cJSON_AddStringToObject(movie, "vote_count_text", votes->valuedouble == 1
			? mq_page_message(req, "movie.vote_one")
			: mq_page_messagef(req, "movie.votes", "count", mq_page_number(req, votes->valuedouble, 0), NULL));
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(movie, "rating_count");
	const cJSON *avg = cJSON_GetObjectItemCaseSensitive(movie, "average_rating");
	if (cJSON_IsNumber(count) && count->valuedouble > 0 && cJSON_IsNumber(avg)) {
		cJSON_AddStringToObject(movie, "our_rating_text", mq_page_number(req, avg->valuedouble, 1));
		cJSON_AddStringToObject(movie, "rating_count_text", count->valuedouble == 1
			? mq_page_message(req, "movie.member_rating_one")
			: mq_page_messagef(req, "movie.member_ratings", "count", mq_page_number(req, count->valuedouble, 0), NULL));
	}
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title"));
	if (title)
		cJSON_AddStringToObject(movie, "poster_alt", mq_page_messagef(req, "movie.poster_alt", "title", mq_page_isolate(req, title), NULL));
}

/* Genre names in the page's language (movie documents keep TMDB's English names). */
static void localise_genres(mq_req *req, cJSON *movie, const char *lang)
{
	const mq_env env = mq_env_of(req);
	cJSON *all = NULL, *g, *known;
	if (mq_genres_list(&env, lang, &all) != MQ_OK)
		return;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(movie, "genres")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "id");
		cJSON_ArrayForEach(known, all) {
			const cJSON *kid = cJSON_GetObjectItemCaseSensitive(known, "id");
			if (cJSON_IsNumber(id) && cJSON_IsNumber(kid) && id->valuedouble == kid->valuedouble) {
				cJSON_ReplaceItemInObjectCaseSensitive(g, "name", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(known, "name"), 1));
				cJSON_AddItemToObject(g, "slug", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(known, "slug"), 1));
			}
		}
	}
	cJSON_Delete(all);
}

/* The member's rating form of a movie page: ten stars (the one given checked; a half rating
 * shows as the star below it) and the review, from values (a refused post) or from the rating
 * there is (saved: the member's rating, with its review; may be NULL). */
static cJSON *rating_form(mq_req *req, const cJSON *movie, const mq_kvlist *values, const cJSON *saved)
{
	const cJSON *member = cJSON_GetObjectItemCaseSensitive(movie, "member");
	const cJSON *mine = cJSON_GetObjectItemCaseSensitive(member, "rating");
	double given = cJSON_IsNumber(mine) ? mine->valuedouble : 0;
	const char *posted = values ? mq_kvlist_get(values, "rating") : NULL;
	if (posted)
		given = atof(posted);
	cJSON *form = mq_page_form(req, (const char *const[]){ "rating", "review", NULL }, values);
	const char *review = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(saved, "review"));
	cJSON *review_field = cJSON_GetObjectItemCaseSensitive(form, "review");
	if (!values && review && review_field) { /* the saved review, so that saving again keeps it */
		cJSON_DeleteItemFromObjectCaseSensitive(review_field, "value");
		cJSON_AddStringToObject(review_field, "value", review);
	}
	cJSON *stars = cJSON_AddArrayToObject(form, "stars");
	for (int i = 1; i <= 10; i++) {
		cJSON *star = cJSON_CreateObject();
		cJSON_AddNumberToObject(star, "value", i);
		cJSON_AddStringToObject(star, "digits", mq_page_digits(req, i));
		cJSON_AddStringToObject(star, "label", mq_page_messagef(req, "movie.star", "n", mq_page_digits(req, i), NULL));
		cJSON_AddBoolToObject(star, "checked", given >= i && given < i + 1);
		cJSON_AddItemToArray(stars, star);
	}
	if (cJSON_IsNumber(mine)) /* 7 or 7.5: a half shows its decimal */
		cJSON_AddStringToObject(form, "current", mq_page_number(req, mine->valuedouble,
									mine->valuedouble != (double)(long long)mine->valuedouble));
	return form;
}

/* The movie's page for the movie of the route: facts, cast, the member's toggles and rating
 * form (values and req->errors: a refused rating post, shown in place with status), similar
 * movies and reviews loaded after the first paint. */
static void movie_page(mq_req *req, mq_res *res, int status, const mq_kvlist *values)
{
	const char *lang = mq_page_language(req);
	cJSON *movie = page_movie(req, res, lang);
	if (!movie)
		return;
	mq_movieapi_images(req, movie);
	add_page_texts(req, movie);
	localise_genres(req, movie, lang);
	mq_moviepage_movie_card(req, movie); /* href, vote_text and year_text */
	cJSON *cast = cJSON_GetObjectItemCaseSensitive(movie, "cast");
	while (cJSON_GetArraySize(cast) > 12)
		cJSON_DeleteItemFromArray(cast, 12);
	cJSON_AddBoolToObject(movie, "has_cast", cJSON_GetArraySize(cast) > 0);
	mq_moviepage_details(req, movie); /* people's links, crew, trailer, collection, where to watch */
	const char *shown = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title"));
	const char *original = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "original_title"));
	if (original && shown && !strcmp(original, shown)) /* said once: only a different original is shown */
		cJSON_DeleteItemFromObjectCaseSensitive(movie, "original_title");
	const cJSON *tmdb_id = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	if (cJSON_IsNumber(tmdb_id))
		cJSON_AddStringToObject(movie, "similar_src",
					mq_arena_printf(req->arena, "/api/v1/movies/%lld/similar?language=%s&fields=tmdb_id,title,year,poster_url,vote_average,vote_count",
							(long long)tmdb_id->valuedouble, lang));
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	if (id) {
		cJSON_AddStringToObject(movie, "reviews_src", mq_arena_printf(req->arena, "/api/v1/movies/%s/reviews?limit=5", id));
		cJSON *state = mq_moviepage_lists_state(req, id);
		mq_moviepage_toggles(req, movie, state, 1);
		cJSON_Delete(state);
		if (req->user) {
			/* never a blank review box for want of the saved one: saving it would erase it */
			cJSON *saved = NULL;
			mq_err rc = mq_rating_of(mq_ctx_of(req)->db, req->user->id, req->user->lists_v, id, &saved);
			if (rc != MQ_OK && rc != MQ_ENOTFOUND) {
				cJSON_Delete(movie);
				mq_reply_err(req, res, rc, NULL);
				return;
			}
			cJSON_AddItemToObject(movie, "rating_form", rating_form(req, movie, values, saved));
			cJSON_Delete(saved);
		}
	}
	const char *title = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title")));
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "movie", movie);
	if (status != 200)
		mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_page(req, res, status, "movie", title, data);
}

/* GET /movies/:id */
static void get_movie_page(mq_req *req, mq_res *res)
{
	movie_page(req, res, 200, NULL);
}

/* POST /movies/:id/review (form: rating, review; or remove): the member's rating and review
 * without JavaScript, or their removal. Refused input re-renders the movie's page with the
 * problems in place (400). */
static void post_review_page(mq_req *req, mq_res *res)
{
	enum { F_RATING, F_REVIEW, F_REMOVE, F_CSRF, F_COUNT };
	static const mq_field fields[F_COUNT] = {
		[F_RATING] = { "rating", MQ_V_NUMBER, 0, 1, 10, NULL, NULL },
		[F_REVIEW] = { "review", MQ_V_STRING, 0, 0, MQ_REVIEW_MAX, NULL, NULL },
		[F_REMOVE] = { "remove", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
		[F_CSRF] = { "_csrf", MQ_V_STRING, 0, 0, 200, NULL, NULL },
	};
	mq_kvlist form = { 0 };
	mq_value v[F_COUNT];
	int remove = 0;
	if (mq_page_form_body(req, &form) == 0 && mq_validate_kvlist(req, &form, fields, F_COUNT, v) == 0) {
		remove = v[F_REMOVE].present && v[F_REMOVE].i;
		if (!remove && !v[F_RATING].present)
			mq_req_problem(req, (mq_problem){ "required", "rating", 0, 0 }, "rating is required");
		else if (!remove && !mq_rating_valid(v[F_RATING].d))
			mq_req_problem(req, (mq_problem){ "rating_step", "rating", 1, 10 },
				       "rating must be between 1 and 10, in steps of 0.5");
	}
	if (req->errors.n) {
		movie_page(req, res, 400, &form);
		return;
	}
	const char *movie = mq_movieapi_oid(req, res, mq_req_route(req, "id"), "id", 1);
	if (!movie)
		return;
	cJSON *rating = NULL;
	long long version = 0;
	int created = 0;
	if (remove) {
		mq_err rc = mq_rating_remove(mq_ctx_of(req)->db, req->user->id, movie, &version);
		if (rc != MQ_OK && rc != MQ_ENOTFOUND) { /* gone already: what the member asked for */
			mq_reply_err(req, res, rc, NULL);
			return;
		}
		if (rc == MQ_OK)
			mq_live_hint(req, "rating", "remove", movie, version, NULL);
		mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/movies/%s#your-rating", mq_req_route(req, "id")));
		return;
	}
	/* an empty review field removes the review (mq_page_form_body leaves empty fields out) */
	mq_err rc = mq_rating_put(mq_ctx_of(req)->db, req->user->id, movie, v[F_RATING].d, 1,
				  v[F_REVIEW].present ? v[F_REVIEW].s : NULL, &rating, &created, &version);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_live_rating(req, rating, version);
	cJSON_Delete(rating);
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/movies/%s#your-rating", mq_req_route(req, "id")));
}

/* GET /movies/:id/reviews: the movie's reviews as a page of their own, newest first (for
 * browsers without JavaScript; the movie's page loads them in place). */
static void get_reviews_page(mq_req *req, mq_res *res)
{
	enum { Q_PAGE, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_PAGE] = MQ_FIELD_PAGE };
	mq_value q[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, q))
		return;
	const char *lang = mq_page_language(req);
	cJSON *movie = page_movie(req, res, lang);
	if (!movie)
		return;
	mq_moviepage_movie_card(req, movie);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	cJSON *items = NULL;
	long long total = 0;
	const long long limit = 10;
	mq_err rc = id ? mq_ratings_list(mq_ctx_of(req)->db, NULL, -1, id, 1, NULL, q[Q_PAGE].i, limit, &items, &total)
		       : MQ_ENOTFOUND;
	if (rc != MQ_OK) {
		cJSON_Delete(movie);
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *r;
	cJSON_ArrayForEach(r, items)
		mq_moviepage_rating_texts(req, r);
	const char *title = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title")));
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "heading", mq_page_messagef(req, "reviews.heading", "title", mq_page_isolate(req, title), NULL));
	cJSON_AddItemToObject(data, "movie", movie);
	cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(items) == 0);
	cJSON_AddItemToObject(data, "reviews", items);
	cJSON_AddItemToObject(data, "pagination", mq_moviepage_pagination(req, q[Q_PAGE].i, limit, total));
	mq_reply_page(req, res, 200, "reviews", title, data);
}

/* GET /movies/:id/similar: the similar movies as a page of its own (for browsers without
 * JavaScript, which cannot load them into the movie's page). */
static void get_similar_page(mq_req *req, mq_res *res)
{
	const char *lang = mq_page_language(req);
	cJSON *movie = page_movie(req, res, lang);
	if (!movie)
		return;
	const cJSON *tmdb_id = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	cJSON *data = cJSON_CreateObject();
	mq_moviepage_movie_card(req, movie);
	if (cJSON_IsNumber(tmdb_id)) {
		char path[64];
		snprintf(path, sizeof path, "/movie/%lld/similar", (long long)tmdb_id->valuedouble);
		add_row(data, "movies", tmdb_row(req, path, lang, 20));
	}
	const char *title = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title")));
	cJSON_AddStringToObject(movie, "heading", mq_page_messagef(req, "similar.heading", "title", mq_page_isolate(req, title), NULL));
	cJSON_AddItemToObject(data, "movie", movie);
	mq_reply_page(req, res, 200, "similar", title, data);
}

/* The TMDB id of the movie ref names (resolved, and fetched, as GET /api/v1/movies/:id does), or 0
 * after replying with the error: 404 for a manual movie, which TMDB knows nothing about. */
static long long related_tmdb_id(mq_req *req, mq_res *res, const char *lang)
{
	cJSON *movie = mq_movieapi_lookup(req, res, mq_req_route(req, "id"), "id", lang, NULL);
	if (!movie)
		return 0;
	const cJSON *tmdb_id = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	long long id = cJSON_IsNumber(tmdb_id) ? (long long)tmdb_id->valuedouble : 0;
	cJSON_Delete(movie);
	if (!id)
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such movie");
	return id;
}

/* GET /api/v1/movies/:id/similar and /recommendations: TMDB's lists for the movie, through the
 * TMDB cache, as movie summaries. The movie is resolved (and fetched) first, so a slug or an
 * ObjectId works too and an unknown movie is a 404. */
static void tmdb_related(mq_req *req, mq_res *res, const char *kind)
{
	mq_value v[T_COUNT];
	int bad = mq_validate_query(req, tmdb_query, T_COUNT_WITHOUT_WINDOW, v);
	/* fields= is checked before anything is fetched */
	if (v[T_FIELDS].present && mq_movieapi_tmdb_fields_check(req, v[T_FIELDS].s))
		bad = -1;
	if (bad) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	long long tmdb_id = related_tmdb_id(req, res, v[T_LANGUAGE].s); /* a manual movie has no TMDB relations */
	if (!tmdb_id)
		return;
	char path[64];
	snprintf(path, sizeof path, "/movie/%lld/%s", tmdb_id, kind);
	reply_tmdb(req, res, path, v);
}

static void get_similar(mq_req *req, mq_res *res)
{
	tmdb_related(req, res, "similar");
}

static void get_recommendations(mq_req *req, mq_res *res)
{
	tmdb_related(req, res, "recommendations");
}

/* GET /api/v1/movies/:id/watch-providers?region=US: where to stream, rent or buy the movie in a
 * region (TMDB's data, from JustWatch, through the TMDB cache), with the attribution that data
 * needs. */
static void get_watch_providers(mq_req *req, mq_res *res)
{
	enum { W_REGION, W_COUNT };
	static const mq_field query[W_COUNT] = { [W_REGION] = { "region", MQ_V_STRING, 0, 2, 2, NULL, "US" } };
	mq_value v[W_COUNT];
	int bad = mq_validate_query(req, query, W_COUNT, v);
	const char *region = v[W_REGION].present ? v[W_REGION].s : "US";
	if (!bad && !mq_l10n_iso_code(region, 2, 1)) {
		mq_req_problem(req, (mq_problem){ "region", "region", 0, 0 },
			       "region must be two capital letters (ISO 3166-1 alpha-2)");
		bad = -1;
	}
	if (bad) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	long long tmdb_id = related_tmdb_id(req, res, "en");
	if (!tmdb_id)
		return;
	const mq_env env = mq_env_of(req);
	cJSON *offers = NULL;
	mq_err rc = mq_movie_extras_providers(&env, tmdb_id, region, &offers);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_image_config ic;
	mq_images_config(&env, &ic);
	mq_images_add_logo_urls(offers, &ic);
	cJSON_AddNumberToObject(offers, "tmdb_id", (double)tmdb_id);
	cJSON_AddStringToObject(offers, "attribution", "JustWatch");
	mq_reply_data(req, res, 200, offers);
}

/* GET /api/v1/movies/:id/collection?language=: the collection the movie belongs to, with every
 * part as a movie summary (the catalogue's where it has them); 404 when it belongs to none. */
static void get_collection(mq_req *req, mq_res *res)
{
	enum { C_LANGUAGE, C_COUNT };
	static const mq_field query[C_COUNT] = { [C_LANGUAGE] = MQ_FIELD_LANGUAGE };
	mq_value v[C_COUNT];
	if (mq_valid_query_or_reply(req, res, query, C_COUNT, v))
		return;
	cJSON *movie = mq_movieapi_lookup(req, res, mq_req_route(req, "id"), "id", v[C_LANGUAGE].s, NULL);
	if (!movie)
		return;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(movie, "collection"), "tmdb_id");
	long long collection_id = cJSON_IsNumber(id) ? (long long)id->valuedouble : 0;
	cJSON_Delete(movie);
	if (!collection_id) {
		mq_reply_err(req, res, MQ_ENOTFOUND, "The movie belongs to no collection");
		return;
	}
	const mq_env env = mq_env_of(req);
	cJSON *collection = NULL;
	mq_err rc = mq_movie_extras_collection(&env, collection_id, v[C_LANGUAGE].s, &collection);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc == MQ_ENOTFOUND ? MQ_EUPSTREAM : rc, NULL);
		return;
	}
	mq_movieapi_images(req, cJSON_GetObjectItemCaseSensitive(collection, "parts"));
	mq_reply_data(req, res, 200, collection);
}

/* None is MQ_PUBLIC: what a list or a movie shows depends on who asks (req->audience). */
static const mq_route routes[] = {
	{ MQ_GET, "/", get_home, 0 },
	{ MQ_GET, "/movies", get_movies_page, 0 },
	{ MQ_GET, "/search", get_search_page, 0 },
	{ MQ_GET, "/movies/:id/similar", get_similar_page, 0 },
	{ MQ_GET, "/movies/:id", get_movie_page, 0 },
	{ MQ_POST, "/movies/:id/review", post_review_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/movies/:id/reviews", get_reviews_page, 0 },
	{ MQ_GET, "/api/v1/movies", get_movies, 0 },
	{ MQ_GET, "/api/v1/movies/search", search_movies, 0 },
	{ MQ_GET, "/api/v1/movies/trending", get_trending, 0 },
	{ MQ_GET, "/api/v1/movies/popular", get_popular, 0 },
	{ MQ_GET, "/api/v1/movies/:id/similar", get_similar, 0 },
	{ MQ_GET, "/api/v1/movies/:id/recommendations", get_recommendations, 0 },
	{ MQ_GET, "/api/v1/movies/:id/watch-providers", get_watch_providers, 0 },
	{ MQ_GET, "/api/v1/movies/:id/collection", get_collection, 0 },
	{ MQ_GET, "/api/v1/movies/:id", get_movie, 0 },
};

const mq_app movies_app = {
	.name = "movies",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(movies_app)
