/* ratings.c — the ratings worker: ratings and reviews, under /api/v1/ratings and in the seed
 * designs' forms /api/v1/movies/:id/reviews, /movies/:id/rating and /users/:id/reviews. */
#include "domain/rating.h"
#include "site/live.h"
#include "site/movieapi.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"
#include "web/valid.h"

#include <string.h>

enum { L_PAGE, L_LIMIT, L_COUNT };
static const mq_field list_query[L_COUNT] = { [L_PAGE] = MQ_FIELD_PAGE, [L_LIMIT] = MQ_FIELD_LIMIT };

static int check_rating(mq_req *req, const mq_value *v)
{
	if (v->present && !mq_rating_valid(v->d)) {
		mq_req_problem(req, (mq_problem){ "rating_step", "rating", 1, 10 },
			       "rating must be between 1 and 10, in steps of 0.5");
		return -1;
	}
	return 0;
}

static void reply_rating(mq_req *req, mq_res *res, mq_err rc, int status, cJSON *rating)
{
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ECONFLICT ? "You have already rated this movie; change that rating instead"
					   : rc == MQ_ENOTFOUND ? "No such rating" : NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, status, rating);
}

/* reply_rating() after a change: the rater's open pages hear of it first. */
static void reply_change(mq_req *req, mq_res *res, mq_err rc, int status, cJSON *rating, long long version)
{
	if (rc == MQ_OK)
		mq_live_rating(req, rating, version);
	reply_rating(req, res, rc, status, rating);
}

enum { R_RATING, R_REVIEW, R_MOVIE, R_COUNT, R_COUNT_WITHOUT_MOVIE = R_MOVIE };
static const mq_field rating_fields[R_COUNT] = {
	[R_RATING] = { "rating", MQ_V_NUMBER, 1, 1, 10, NULL, NULL },
	[R_REVIEW] = { "review", MQ_V_STRING, MQ_NULLABLE, 0, MQ_REVIEW_MAX, NULL, NULL },
	[R_MOVIE] = { "movie_id", MQ_V_STRING, 1, 1, 200, NULL, NULL },
};

/* The body's fields: rating, review and (with_movie) movie_id, which may also be a TMDB id as
 * a number. Returns -1 after replying when the body is unusable; field problems go to
 * req->errors. */
static int rating_body(mq_req *req, mq_res *res, int with_movie, mq_value *v)
{
	cJSON *body = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	if (with_movie)
		mq_movieapi_body_ref(body);
	mq_validate_object(req, body, rating_fields, with_movie ? R_COUNT : R_COUNT_WITHOUT_MOVIE, v);
	check_rating(req, &v[R_RATING]);
	return 0;
}

static const char *review_text(const mq_value *v)
{
	return v[R_REVIEW].present && v[R_REVIEW].s && *v[R_REVIEW].s ? v[R_REVIEW].s : NULL;
}

/* POST /api/v1/ratings {movie_id, rating, review?}: 201, or 409 when rated already. */
static void post_rating(mq_req *req, mq_res *res)
{
	mq_value v[R_COUNT];
	if (rating_body(req, res, 1, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *movie = mq_movieapi_oid(req, res, v[R_MOVIE].s, "movie_id", 1);
	if (!movie)
		return;
	cJSON *rating = NULL;
	long long version = 0;
	mq_err rc = mq_rating_create(mq_ctx_of(req)->db, req->user->id, movie, v[R_RATING].d, review_text(v), &rating, &version);
	reply_change(req, res, rc, 201, rating, version);
}

/* POST /api/v1/movies/:id/reviews and /movies/:id/rating {rating, review?}: the seed designs'
 * "rate this movie": creates the rating, or changes the one there is (200). */
static void post_movie_rating(mq_req *req, mq_res *res)
{
	mq_value v[R_COUNT];
	if (rating_body(req, res, 0, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *movie = mq_movieapi_oid(req, res, mq_req_route(req, "id"), "id", 1);
	if (!movie)
		return;
	cJSON *rating = NULL;
	long long version = 0;
	int created = 0;
	mq_err rc = mq_rating_put(mq_ctx_of(req)->db, req->user->id, movie, v[R_RATING].d, v[R_REVIEW].present,
				  review_text(v), &rating, &created, &version);
	reply_change(req, res, rc, created ? 201 : 200, rating, version);
}

/* GET /api/v1/ratings/:id (owner only; anyone else's is 404) */
static void get_rating(mq_req *req, mq_res *res)
{
	cJSON *rating = NULL;
	mq_err rc = mq_rating_get(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"), &rating);
	reply_rating(req, res, rc, 200, rating);
}

/* PATCH /api/v1/ratings/:id {rating?, review? (null removes it)} */
static void patch_rating(mq_req *req, mq_res *res)
{
	enum { P_RATING, P_REVIEW, P_COUNT };
	static const mq_field fields[P_COUNT] = {
		[P_RATING] = { "rating", MQ_V_NUMBER, 0, 1, 10, NULL, NULL },
		[P_REVIEW] = { "review", MQ_V_STRING, MQ_NULLABLE, 0, MQ_REVIEW_MAX, NULL, NULL },
	};
	cJSON *body = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	/* "review": null removes the review */
	int remove_review = cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(body, "review"));
	if (remove_review)
		cJSON_DeleteItemFromObjectCaseSensitive(body, "review");
	mq_value v[P_COUNT];
	mq_validate_object(req, body, fields, P_COUNT, v);
	check_rating(req, &v[P_RATING]);
	if (!req->errors.n && !v[P_RATING].present && !v[P_REVIEW].present && !remove_review)
		mq_req_error(req, "send rating, review or both");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *rating = NULL;
	long long version = 0;
	rc = mq_rating_update(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"),
			      v[P_RATING].present ? v[P_RATING].d : -1, v[P_REVIEW].present || remove_review,
			      v[P_REVIEW].present && *v[P_REVIEW].s ? v[P_REVIEW].s : NULL, &rating, &version);
	reply_change(req, res, rc, 200, rating, version);
}

static void delete_rating(mq_req *req, mq_res *res)
{
	char movie[25] = "";
	long long version = 0;
	mq_err rc = mq_rating_delete(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"), movie, &version);
	if (rc != MQ_OK) {
		reply_rating(req, res, rc, 200, NULL);
		return;
	}
	mq_live_hint(req, "rating", "remove", movie, version, NULL);
	res->status = 204;
}

/* DELETE /api/v1/movies/:id/rating: the caller's rating of the movie, and its review, removed
 * (204); 404 when they have not rated it. */
static void delete_movie_rating(mq_req *req, mq_res *res)
{
	const char *movie = mq_movieapi_oid(req, res, mq_req_route(req, "id"), "id", 0);
	if (!movie)
		return;
	long long version = 0;
	mq_err rc = mq_rating_remove(mq_ctx_of(req)->db, req->user->id, movie, &version);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "You have not rated this movie" : NULL);
		return;
	}
	mq_live_hint(req, "rating", "remove", movie, version, NULL);
	res->status = 204;
}

static void reply_page(mq_req *req, mq_res *res, const char *user_id, const char *movie_id)
{
	mq_value v[L_COUNT];
	if (mq_valid_query_or_reply(req, res, list_query, L_COUNT, v))
		return;
	cJSON *items = NULL;
	long long total = 0;
	long long known = user_id && !strcmp(user_id, req->user->id) ? req->user->lists_v : -1;
	mq_err rc = mq_ratings_list(mq_ctx_of(req)->db, user_id, known, movie_id, movie_id != NULL, NULL, v[L_PAGE].i,
				    v[L_LIMIT].i, &items, &total);
	if (!movie_id) /* a member's ratings: of movies the caller may see (a movie's own: it was looked up) */
		rc = mq_movieapi_gate_entries(req, rc, items, "movie_id", &total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_reply_list(req, res, items, v[L_PAGE].i, v[L_LIMIT].i, total);
}

/* GET /api/v1/ratings: mine, newest first. */
static void get_my_ratings(mq_req *req, mq_res *res)
{
	reply_page(req, res, req->user->id, NULL);
}

/* GET /api/v1/ratings/movie/:movieId and /movies/:id/reviews: a movie's, newest first, with
 * the reviewers' names. */
static void get_movie_ratings(mq_req *req, mq_res *res)
{
	const char *ref = mq_req_route(req, "movieId");
	const char *movie = mq_movieapi_oid(req, res, ref ? ref : mq_req_route(req, "id"), "id", 1);
	if (movie)
		reply_page(req, res, NULL, movie);
}

/* GET /api/v1/movies/:id/rating: the movie's average and count, and the caller's own rating
 * (null when signed out or not rated). */
static void get_movie_rating(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *movie = mq_movieapi_lookup(req, res, mq_req_route(req, "id"), "id", "en", NULL);
	if (!movie)
		return;
	cJSON *out = cJSON_CreateObject(), *mine = NULL;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	cJSON_AddStringToObject(out, "movie_id", id ? id : "");
	cJSON_AddItemToObject(out, "average_rating", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(movie, "average_rating"), 1));
	cJSON_AddItemToObject(out, "rating_count", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(movie, "rating_count"), 1));
	if (req->user && id && mq_rating_of(ctx->db, req->user->id, req->user->lists_v, id, &mine) == MQ_OK)
		cJSON_AddItemToObject(out, "my_rating", mine);
	else
		cJSON_AddNullToObject(out, "my_rating");
	cJSON_Delete(movie);
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_data(req, res, 200, out);
}

/* GET /api/v1/users/:id/reviews: yourself ("me" too) or, for an admin, anyone; else 404. */
static void get_user_reviews(mq_req *req, mq_res *res)
{
	const char *id = mq_route_user(req, res);
	if (id)
		reply_page(req, res, id, NULL);
}

static const mq_route routes[] = {
	{ MQ_POST, "/api/v1/ratings", post_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/ratings", get_my_ratings, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/ratings/movie/:movieId", get_movie_ratings, 0 },
	{ MQ_GET, "/api/v1/ratings/:id", get_rating, MQ_NEEDS_AUTH },
	{ MQ_PATCH | MQ_PUT, "/api/v1/ratings/:id", patch_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/ratings/:id", delete_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/movies/:id/reviews", get_movie_ratings, 0 },
	{ MQ_POST, "/api/v1/movies/:id/reviews", post_movie_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/movies/:id/rating", get_movie_rating, 0 },
	{ MQ_POST | MQ_PUT, "/api/v1/movies/:id/rating", post_movie_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/movies/:id/rating", delete_movie_rating, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/:id/reviews", get_user_reviews, MQ_NEEDS_AUTH },
};

const mq_app ratings_app = {
	.name = "ratings",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(ratings_app)
