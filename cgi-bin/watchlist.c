/* watchlist.c — the watchlist worker: a member's watchlist and favourites, interactions (watched,
 * liked, disliked, bookmarked) and history, under /api/v1/watchlist, /api/v1/interactions and
 * /api/v1/lists, and in the seed designs' per-user forms /api/v1/users/:id/watchlist, /favorites
 * and /history; GET /live, the door to the member's live channel; the /me/watchlist,
 * /me/favorites, /me/history and /me/ratings pages and the toggles' plain form (POST /me/lists). */
#include "domain/lists.h"
#include "domain/rating.h"
#include "site/live.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/response.h"
#include "web/valid.h"

#include <string.h>

/* The query of a list: with a filter parameter (?favorites= or ?type=) where the route takes one. */
enum { Q_PAGE, Q_LIMIT, Q_LANGUAGE, Q_FILTER, Q_COUNT, Q_COUNT_WITHOUT_FILTER = Q_FILTER };

/* The ETag of user's lists: their id and lists_version (*version). Returns 1 when the client has
 * it already (answer 304 without reading the lists), 0 to go on, -1 after replying with an error. */
static int lists_fresh(mq_req *req, mq_res *res, const char *user_id, long long *version)
{
	int self = req->user && !strcmp(user_id, req->user->id);
	mq_err rc = mq_lists_version(mq_ctx_of(req)->db, user_id, self ? req->user->lists_v : -1, version);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc == MQ_ENOTFOUND ? MQ_ENOTFOUND : rc, rc == MQ_ENOTFOUND ? "No such user" : NULL);
		return -1;
	}
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	return mq_etag_fresh(req, res, mq_arena_printf(req->arena, "W/\"l%s.%lld\"", user_id, *version));
}

/* A list of items with "movie" summaries (image URLs added): the page, or the error. */
static void reply_items(mq_req *req, mq_res *res, mq_err rc, cJSON *items, const mq_value *q, long long total)
{
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *item;
	cJSON_ArrayForEach(item, items)
		mq_movieapi_images(req, cJSON_GetObjectItemCaseSensitive(item, "movie"));
	mq_reply_list(req, res, items, q[Q_PAGE].i, q[Q_LIMIT].i, total);
}

enum list_kind { LIST_WATCHLIST, LIST_FAVORITES, LIST_INTERACTIONS };

/* GET a page of one of user_id's lists: the watchlist, filter = the favourites' items (1), the
 * others (0) or all (-1); the favourites; or the interactions, filter = a type or all (-1). With
 * param the query may set the filter (?favorites=, ?type=). */
static void list_reply(mq_req *req, mq_res *res, const char *user_id, enum list_kind kind, int filter, int param)
{
	int interactions = kind == LIST_INTERACTIONS;
	const mq_field query[Q_COUNT] = {
		[Q_PAGE] = MQ_FIELD_PAGE,
		[Q_LIMIT] = MQ_FIELD_LIMIT,
		[Q_LANGUAGE] = MQ_FIELD_LANGUAGE,
		[Q_FILTER] = interactions ? (mq_field){ "type", MQ_V_ENUM, 0, 0, 0, mq_interaction_names, NULL }
					  : (mq_field){ "favorites", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
	};
	mq_value q[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, param ? Q_COUNT : Q_COUNT_WITHOUT_FILTER, q))
		return;
	if (param && q[Q_FILTER].present)
		filter = (int)q[Q_FILTER].i;
	long long version;
	if (lists_fresh(req, res, user_id, &version))
		return;
	cJSON *items = NULL;
	long long total = 0;
	mq_db *db = mq_ctx_of(req)->db;
	const char *lang = mq_languages[q[Q_LANGUAGE].i];
	mq_err rc = interactions
		? mq_interactions_list(db, user_id, version, filter, lang, q[Q_PAGE].i, q[Q_LIMIT].i, &items, &total)
		: kind == LIST_FAVORITES
		? mq_favorites_list(db, user_id, version, lang, q[Q_PAGE].i, q[Q_LIMIT].i, &items, &total)
		: mq_watchlist_list(db, user_id, version, filter, lang, q[Q_PAGE].i, q[Q_LIMIT].i, &items, &total);
	rc = mq_movieapi_gate_entries(req, rc, items, "movie_id", &total);
	reply_items(req, res, rc, items, q, total);
}

/* ---- the movie a request names ---- */

/* The first B_COUNT_MOVIE fields are {movie_id}; the first B_COUNT_WATCHLIST {movie_id, is_favorite}. */
enum { B_MOVIE, B_FAVORITE, B_TYPE, B_COUNT, B_COUNT_MOVIE = B_FAVORITE, B_COUNT_WATCHLIST = B_TYPE };
static const mq_field body_fields[B_COUNT] = {
	[B_MOVIE] = { "movie_id", MQ_V_STRING, 1, 1, 200, NULL, NULL },
	[B_FAVORITE] = { "is_favorite", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
	[B_TYPE] = { "type", MQ_V_ENUM, 1, 0, 0, mq_interaction_names, NULL },
};

/* The body {movie_id, …} checked against the first n of body_fields; the movie resolved to its
 * ObjectId (fetched from TMDB first when only TMDB has it). NULL after replying. */
static const char *body_movie(mq_req *req, mq_res *res, size_t n, mq_value *v)
{
	cJSON *body = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return NULL;
	}
	mq_movieapi_body_ref(body);
	if (mq_validate_object(req, body, body_fields, n, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return NULL;
	}
	return mq_movieapi_oid(req, res, v[B_MOVIE].s, "movie_id", 1);
}

/* The movie of a DELETE on a per-user list: ?movie_id=, a JSON body {movie_id} or the path's
 * :movieId. Only a movie in the catalogue can be on a list, so nothing is fetched. */
static const char *delete_movie(mq_req *req, mq_res *res)
{
	const char *ref = mq_req_route(req, "movieId");
	if (!ref) {
		enum { D_MOVIE, D_COUNT };
		static const mq_field f[D_COUNT] = {
			[D_MOVIE] = { "movie_id", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		};
		mq_value v[D_COUNT];
		cJSON *body = NULL;
		if (mq_valid_query_or_reply(req, res, f, D_COUNT, v))
			return NULL;
		ref = v[D_MOVIE].present ? v[D_MOVIE].s : NULL;
		if (req->body_len) { /* checked even when the query names the movie, which then wins */
			mq_err rc = mq_json_body(req, &body);
			if (rc != MQ_OK) {
				mq_reply_err(req, res, rc, NULL);
				return NULL;
			}
			mq_movieapi_body_ref(body);
			long long tmdb_id;
			if (!mq_validate_object(req, body, f, D_COUNT, v) && v[D_MOVIE].present &&
			    mq_valid_movie_ref(v[D_MOVIE].s, &tmdb_id) == MQ_REF_INVALID)
				mq_req_problem(req, (mq_problem){ "movie_ref", "movie_id", 0, 0 }, "movie_id must be a TMDB id (digits), a 24-hex id or a slug such as fight-club-1999");
			if (req->errors.n) {
				mq_reply_err(req, res, MQ_EINVAL, NULL);
				return NULL;
			}
			if (!ref)
				ref = v[D_MOVIE].present ? v[D_MOVIE].s : NULL;
		}
		if (!ref) {
			mq_req_problem(req, (mq_problem){ "required", "movie_id", 0, 0 }, "movie_id is required (in the query, or a JSON body {\"movie_id\": …})");
			mq_reply_err(req, res, MQ_EINVAL, NULL);
			return NULL;
		}
	}
	return mq_movieapi_oid(req, res, ref, "movie_id", 0);
}

/* ---- replies after changes ---- */

/* Replies with item (or the error), after telling the member's open pages. */
static void reply_change(mq_req *req, mq_res *res, mq_err rc, int status, cJSON *item, const char *type,
			 const char *op, long long version, const char *conflict)
{
	if (rc != MQ_OK) {
		cJSON_Delete(item);
		mq_reply_err(req, res, rc, rc == MQ_ECONFLICT ? conflict : rc == MQ_ENOTFOUND ? "Not on your list" : NULL);
		return;
	}
	const char *movie = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "movie_id"));
	cJSON *extra = NULL;
	if (!strcmp(type, "watchlist") && !strcmp(op, "add")) { /* the item says whether it is a favourite */
		extra = cJSON_CreateObject();
		cJSON_AddBoolToObject(extra, "favorite", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "is_favorite")));
	}
	mq_live_hint(req, type, op, movie, version, extra);
	mq_res_header(req, res, "Cache-Control", "no-store");
	if (status == 204) {
		cJSON_Delete(item);
		res->status = 204;
		return;
	}
	mq_reply_data(req, res, status, item);
}

/* The favourites' hint after a watchlist item's flag was set: "add" or "remove". */
static const char *favorite_op(const cJSON *item)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "is_favorite")) ? "add" : "remove";
}

/* Adds movie to user_id's watchlist: 201, or 409 when it is there already. */
static void add_to_watchlist(mq_req *req, mq_res *res, const char *user_id, const char *movie, int favorite)
{
	cJSON *item = NULL;
	long long version = 0;
	mq_err rc = mq_watchlist_add(mq_ctx_of(req)->db, user_id, movie, favorite, &item, &version);
	reply_change(req, res, rc, 201, item, "watchlist", "add", version,
		     "This movie is on the watchlist already");
}

/* ---- /api/v1/watchlist ---- */

static void post_watchlist(mq_req *req, mq_res *res)
{
	mq_value v[B_COUNT];
	const char *movie = body_movie(req, res, B_COUNT_WATCHLIST, v);
	if (movie)
		add_to_watchlist(req, res, req->user->id, movie, v[B_FAVORITE].present && v[B_FAVORITE].i);
}

static void get_watchlist(mq_req *req, mq_res *res)
{
	list_reply(req, res, req->user->id, LIST_WATCHLIST, -1, 1);
}

static void get_item(mq_req *req, mq_res *res)
{
	cJSON *item = NULL;
	mq_err rc = mq_watchlist_get(mq_ctx_of(req)->db, req->user->id, req->user->lists_v, mq_req_route(req, "id"),
				     NULL, &item);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such watchlist item" : NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_data(req, res, 200, item);
}

/* PATCH /watchlist/:id {is_favorite} (required), and PATCH /watchlist/:id/favorite, which
 * toggles without a body. */
static void set_favorite(mq_req *req, mq_res *res, int required)
{
	enum { F_FAVORITE, F_COUNT };
	const mq_field f[F_COUNT] = {
		[F_FAVORITE] = { "is_favorite", MQ_V_BOOL, required, 0, 0, NULL, NULL },
	};
	mq_value v[F_COUNT] = { { 0 } };
	if ((required || req->body_len) && mq_body_fields(req, res, f, F_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *item = NULL;
	long long version = 0;
	mq_err rc = mq_watchlist_favorite(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"), NULL,
					  v[F_FAVORITE].present ? (int)v[F_FAVORITE].i : -1, &item, &version);
	reply_change(req, res, rc, 200, item, "favorite", favorite_op(item), version, NULL);
}

static void patch_item(mq_req *req, mq_res *res)
{
	set_favorite(req, res, 1);
}

static void patch_favorite(mq_req *req, mq_res *res)
{
	set_favorite(req, res, 0);
}

static void delete_item(mq_req *req, mq_res *res)
{
	cJSON *item = NULL;
	long long version = 0;
	mq_err rc = mq_watchlist_remove(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"), NULL, &item, &version);
	reply_change(req, res, rc, 204, item, "watchlist", "remove", version, NULL);
}

/* ---- /api/v1/lists and /api/v1/interactions ---- */

/* GET /api/v1/lists: the member's state of every listed movie, for pages' toggles; its ETag is
 * the lists_version, which the session check has read: polling with If-None-Match costs no more. */
static void get_lists(mq_req *req, mq_res *res)
{
	if (mq_valid_query_or_reply(req, res, NULL, 0, NULL))
		return;
	long long version;
	if (lists_fresh(req, res, req->user->id, &version))
		return;
	cJSON *state = NULL;
	mq_err rc = mq_lists_state(mq_ctx_of(req)->db, req->user->id, req->user->lists_v, NULL, &state);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_reply_data(req, res, 200, state);
}

static void get_interactions(mq_req *req, mq_res *res)
{
	list_reply(req, res, req->user->id, LIST_INTERACTIONS, -1, 1);
}

/* Records an interaction: 201 the first time, 200 when it was recorded before (now newer). */
static void record(mq_req *req, mq_res *res, const char *user_id, const char *movie, mq_interaction type)
{
	cJSON *item = NULL;
	int created = 0;
	long long version = 0;
	mq_err rc = mq_interaction_record(mq_ctx_of(req)->db, user_id, movie, type, &item, &created, &version);
	reply_change(req, res, rc, created ? 201 : 200, item, mq_interaction_names[type], "add", version, NULL);
}

static void unrecord(mq_req *req, mq_res *res, const char *user_id, const char *movie, mq_interaction type)
{
	long long version = 0;
	mq_err rc = mq_interaction_remove(mq_ctx_of(req)->db, user_id, movie, type, &version);
	cJSON *item = cJSON_CreateObject();
	cJSON_AddStringToObject(item, "movie_id", movie);
	reply_change(req, res, rc, 204, item, mq_interaction_names[type], "remove", version, NULL);
}

/* POST /api/v1/interactions {movie_id, type} */
static void post_interaction(mq_req *req, mq_res *res)
{
	cJSON *body = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_movieapi_body_ref(body);
	enum { I_MOVIE, I_TYPE, I_COUNT };
	const mq_field f[I_COUNT] = { [I_MOVIE] = body_fields[B_MOVIE], [I_TYPE] = body_fields[B_TYPE] };
	mq_value w[I_COUNT];
	if (mq_validate_object(req, body, f, I_COUNT, w)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *movie = mq_movieapi_oid(req, res, w[I_MOVIE].s, "movie_id", 1);
	if (movie)
		record(req, res, req->user->id, movie, (mq_interaction)w[I_TYPE].i);
}

/* The :type of /api/v1/interactions/:type/:movieId, or -1 after replying 404. */
static int route_type(mq_req *req, mq_res *res)
{
	int type = mq_interaction_parse(mq_req_route(req, "type"));
	if (type < 0)
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such interaction type (watched, liked, disliked or bookmarked)");
	return type;
}

/* PUT /api/v1/interactions/:type/:movieId: records it (idempotent). */
static void put_interaction(mq_req *req, mq_res *res)
{
	int type = route_type(req, res);
	const char *movie = type < 0 ? NULL : mq_movieapi_oid(req, res, mq_req_route(req, "movieId"), "movieId", 1);
	if (movie)
		record(req, res, req->user->id, movie, (mq_interaction)type);
}

static void delete_interaction(mq_req *req, mq_res *res)
{
	int type = route_type(req, res);
	const char *movie = type < 0 ? NULL : mq_movieapi_oid(req, res, mq_req_route(req, "movieId"), "movieId", 0);
	if (movie)
		unrecord(req, res, req->user->id, movie, (mq_interaction)type);
}

/* ---- the seed designs' per-user forms: /api/v1/users/:id/{watchlist,favorites,history} ---- */

static void get_user_watchlist(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	if (user)
		list_reply(req, res, user, LIST_WATCHLIST, -1, 1);
}

static void get_user_favorites(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	if (user)
		list_reply(req, res, user, LIST_FAVORITES, -1, 0);
}

static void get_user_history(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	if (user)
		list_reply(req, res, user, LIST_INTERACTIONS, MQ_WATCHED, 0);
}

/* POST /users/:id/watchlist {movie_id, is_favorite?}: 201, 409 when there already. PUT is the
 * idempotent form: adds, or sets is_favorite (when given) of the item there is (200). */
static void post_user_watchlist(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	mq_value v[B_COUNT];
	const char *movie = user ? body_movie(req, res, B_COUNT_WATCHLIST, v) : NULL;
	if (!movie)
		return;
	int favorite = v[B_FAVORITE].present && v[B_FAVORITE].i;
	if (req->method != MQ_PUT) {
		add_to_watchlist(req, res, user, movie, favorite);
		return;
	}
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *item = NULL;
	long long version = 0;
	mq_err rc = mq_watchlist_add(db, user, movie, favorite, &item, &version);
	if (rc != MQ_ECONFLICT) {
		reply_change(req, res, rc, 201, item, "watchlist", "add", version, NULL);
	} else if (v[B_FAVORITE].present) {
		rc = mq_watchlist_favorite(db, user, NULL, movie, favorite, &item, &version);
		reply_change(req, res, rc, 200, item, "favorite", favorite_op(item), version, NULL);
	} else {
		rc = mq_watchlist_get(db, user, -1, NULL, movie, &item); /* its twin's: newer than the session's */
		if (rc == MQ_OK)
			mq_reply_data(req, res, 200, item);
		else
			mq_reply_err(req, res, rc, NULL);
	}
}

static void delete_user_watchlist(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	const char *movie = user ? delete_movie(req, res) : NULL;
	if (!movie)
		return;
	cJSON *item = NULL;
	long long version = 0;
	mq_err rc = mq_watchlist_remove(mq_ctx_of(req)->db, user, NULL, movie, &item, &version);
	reply_change(req, res, rc, 204, item, "watchlist", "remove", version, NULL);
}

/* POST/PUT /users/:id/favorites {movie_id}: the movie becomes a favourite (201), or is one
 * already (200). The watchlist is a list of its own and stays as it is. */
static void post_user_favorite(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	mq_value v[B_COUNT];
	const char *movie = user ? body_movie(req, res, B_COUNT_MOVIE, v) : NULL;
	if (!movie)
		return;
	cJSON *item = NULL;
	long long version = 0;
	int created = 0;
	mq_err rc = mq_favorite_set(mq_ctx_of(req)->db, user, movie, 1, &item, &created, &version);
	reply_change(req, res, rc, created ? 201 : 200, item, "favorite", "add", version, NULL);
}

/* DELETE /users/:id/favorites: no longer a favourite (404 when it was not one); the watchlist
 * stays as it is. */
static void delete_user_favorite(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	const char *movie = user ? delete_movie(req, res) : NULL;
	if (!movie)
		return;
	cJSON *item = NULL;
	long long version = 0;
	int created;
	mq_err rc = mq_favorite_set(mq_ctx_of(req)->db, user, movie, 0, &item, &created, &version);
	reply_change(req, res, rc, 204, item, "favorite", "remove", version, NULL);
}

/* POST/PUT /users/:id/history {movie_id}: marks the movie watched (now). */
static void post_user_history(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	mq_value v[B_COUNT];
	const char *movie = user ? body_movie(req, res, B_COUNT_MOVIE, v) : NULL;
	if (movie)
		record(req, res, user, movie, MQ_WATCHED);
}

static void delete_user_history(mq_req *req, mq_res *res)
{
	const char *user = mq_route_user(req, res);
	const char *movie = user ? delete_movie(req, res) : NULL;
	if (movie)
		unrecord(req, res, user, movie, MQ_WATCHED);
}

/* ---- pages ---- */

enum { PAGE_WATCHLIST, PAGE_FAVORITES, PAGE_HISTORY, PAGE_RATINGS };

/* GET /me/watchlist, /me/favorites, /me/history and /me/ratings: the member's movies as cards,
 * newest first, each with its toggles (and on /me/ratings the member's rating and review). */
static void list_page(mq_req *req, mq_res *res, int kind)
{
	enum { P_PAGE, P_COUNT };
	static const mq_field query[P_COUNT] = { [P_PAGE] = MQ_FIELD_PAGE };
	static const char *const titles[] = { "mylist.watchlist", "mylist.favorites", "mylist.history", "mylist.ratings" };
	static const char *const tabs[] = { "is_watchlist", "is_favorites", "is_history", "is_ratings" };
	mq_value q[P_COUNT];
	if (mq_valid_query_or_reply(req, res, query, P_COUNT, q))
		return;
	const long long limit = 24;
	const char *lang = mq_page_language(req);
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = kind == PAGE_HISTORY
		? mq_interactions_list(db, req->user->id, req->user->lists_v, MQ_WATCHED, lang, q[P_PAGE].i, limit, &items, &total)
		: kind == PAGE_FAVORITES
		? mq_favorites_list(db, req->user->id, req->user->lists_v, lang, q[P_PAGE].i, limit, &items, &total)
		: kind == PAGE_RATINGS
		? mq_ratings_list(db, req->user->id, req->user->lists_v, NULL, 0, lang, q[P_PAGE].i, limit, &items, &total)
		: mq_watchlist_list(db, req->user->id, req->user->lists_v, -1, lang, q[P_PAGE].i, limit, &items, &total);
	rc = mq_movieapi_gate_entries(req, rc, items, "movie_id", &total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *movies = cJSON_CreateArray(), *item;
	cJSON_ArrayForEach(item, items) {
		cJSON *movie = cJSON_DetachItemFromObjectCaseSensitive(item, "movie");
		if (!movie)
			continue;
		if (kind == PAGE_RATINGS) { /* the card says the member's rating, review and its day */
			mq_moviepage_rating_texts(req, item);
			cJSON_AddItemToObject(movie, "mine", cJSON_Duplicate(item, 1));
		}
		cJSON_AddItemToArray(movies, movie);
	}
	cJSON_Delete(items);
	mq_movieapi_images(req, movies);
	mq_moviepage_movie_cards(req, movies);
	const char *title = mq_page_message(req, titles[kind]);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "heading", title);
	cJSON_AddBoolToObject(data, tabs[kind], 1);
	cJSON_AddNumberToObject(data, "total", (double)total);
	cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(movies) == 0);
	cJSON_AddItemToObject(data, "movies", movies);
	cJSON_AddItemToObject(data, "pagination", mq_moviepage_pagination(req, q[P_PAGE].i, limit, total));
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_page(req, res, 200, "mylist", title, data);
}

static void get_watchlist_page(mq_req *req, mq_res *res)
{
	list_page(req, res, PAGE_WATCHLIST);
}

static void get_favorites_page(mq_req *req, mq_res *res)
{
	list_page(req, res, PAGE_FAVORITES);
}

static void get_history_page(mq_req *req, mq_res *res)
{
	list_page(req, res, PAGE_HISTORY);
}

static void get_ratings_page(mq_req *req, mq_res *res)
{
	list_page(req, res, PAGE_RATINGS);
}

/* The toggles' lists in the order of the form's "list" field. */
static const char *const toggle_lists[] = { "watchlist", "favorite", "watched", "liked", "disliked", "bookmarked", NULL };

/* Puts movie on (on) or off the member's list; "already so" counts as done. Publishes the hint. */
static mq_err toggle(mq_req *req, const char *movie, int list, int on)
{
	mq_db *db = mq_ctx_of(req)->db;
	const char *user = req->user->id;
	cJSON *item = NULL;
	long long version = 0;
	const char *type = "watchlist", *op;
	mq_err rc;
	if (list == 0 && on) {
		rc = mq_watchlist_add(db, user, movie, 0, &item, &version);
		op = "add";
	} else if (list == 0) {
		rc = mq_watchlist_remove(db, user, NULL, movie, &item, &version);
		op = "remove";
	} else if (list == 1) {
		int created;
		type = "favorite";
		op = on ? "add" : "remove";
		rc = mq_favorite_set(db, user, movie, on, &item, &created, &version);
	} else {
		type = toggle_lists[list];
		op = on ? "add" : "remove";
		rc = on ? mq_interaction_record(db, user, movie, (mq_interaction)(list - 2), &item, NULL, &version)
			: mq_interaction_remove(db, user, movie, (mq_interaction)(list - 2), &version);
	}
	if (rc == MQ_OK) {
		cJSON *extra = NULL;
		if (!strcmp(type, "watchlist") && !strcmp(op, "add")) {
			extra = cJSON_CreateObject();
			cJSON_AddBoolToObject(extra, "favorite", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "is_favorite")));
		}
		mq_live_hint(req, type, op, movie, version, extra);
	}
	cJSON_Delete(item);
	/* adding what is there, or removing what is not: the member's wish holds already */
	return rc == MQ_ECONFLICT || rc == MQ_ENOTFOUND ? MQ_OK : rc;
}

/* POST /me/lists (form: movie, list, on, return): the toggles of cards and the movie page
 * without JavaScript. Back to return (a local path) when done. */
static void post_lists_form(mq_req *req, mq_res *res)
{
	enum { T_MOVIE, T_LIST, T_ON, T_RETURN, T_CSRF, T_COUNT };
	static const mq_field fields[T_COUNT] = {
		[T_MOVIE] = { "movie", MQ_V_STRING, 1, 1, 200, NULL, NULL },
		[T_LIST] = { "list", MQ_V_ENUM, 1, 0, 0, toggle_lists, NULL },
		[T_ON] = { "on", MQ_V_BOOL, 1, 0, 0, NULL, NULL },
		[T_RETURN] = { "return", MQ_V_STRING, 0, 1, 2000, NULL, NULL },
		[T_CSRF] = { "_csrf", MQ_V_STRING, 0, 0, 200, NULL, NULL },
	};
	mq_kvlist form = { 0 };
	mq_value v[T_COUNT];
	if (mq_page_form_body(req, &form) || mq_validate_kvlist(req, &form, fields, T_COUNT, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *movie = mq_movieapi_oid(req, res, v[T_MOVIE].s, "movie", (int)v[T_ON].i);
	if (!movie)
		return;
	mq_err rc = toggle(req, movie, (int)v[T_LIST].i, (int)v[T_ON].i);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	if (v[T_RETURN].present)
		mq_reply_redirect(req, res, v[T_RETURN].s);
	else
		mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/movies/%s", v[T_MOVIE].s));
}

/* ---- live ---- */

/* GET /live: the caller signed in (session cookie or bearer token); nginx hands the connection to the caller's nchan channel (X-Accel-Redirect to an
 * internal location), so the browser never names a channel itself. */
static void get_live(mq_req *req, mq_res *res)
{
	if (!req->user) { /* 401 rather than the pages' redirect to /login: EventSource gives up */
		mq_reply_status(req, res, 401, "Sign in to receive live updates");
		return;
	}
	char channel[26];
	mq_live_channel(req->user->id, channel);
	mq_res_header(req, res, "X-Accel-Redirect", mq_arena_printf(req->arena, "/internal/live/%s", channel));
	mq_res_header(req, res, "X-Accel-Buffering", "no");
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_res_header(req, res, "ETag", "\"live\"");
	res->status = 200;
	res->content_type = "text/plain";
}

static const mq_route routes[] = {
	{ MQ_GET, "/live", get_live, 0 },
	{ MQ_GET, "/me/watchlist", get_watchlist_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/favorites", get_favorites_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/ratings", get_ratings_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/history", get_history_page, MQ_NEEDS_AUTH },
	{ MQ_POST, "/me/lists", post_lists_form, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/api/v1/watchlist", post_watchlist, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/watchlist", get_watchlist, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/watchlist/:id", get_item, MQ_NEEDS_AUTH },
	{ MQ_PATCH | MQ_PUT, "/api/v1/watchlist/:id", patch_item, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/watchlist/:id", delete_item, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_PATCH | MQ_POST, "/api/v1/watchlist/:id/favorite", patch_favorite, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/lists", get_lists, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/interactions", get_interactions, MQ_NEEDS_AUTH },
	{ MQ_POST, "/api/v1/interactions", post_interaction, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_PUT, "/api/v1/interactions/:type/:movieId", put_interaction, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/interactions/:type/:movieId", delete_interaction, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/:id/watchlist", get_user_watchlist, MQ_NEEDS_AUTH },
	{ MQ_POST | MQ_PUT, "/api/v1/users/:id/watchlist", post_user_watchlist, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/watchlist", delete_user_watchlist, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/watchlist/:movieId", delete_user_watchlist, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/:id/favorites", get_user_favorites, MQ_NEEDS_AUTH },
	{ MQ_POST | MQ_PUT, "/api/v1/users/:id/favorites", post_user_favorite, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/favorites", delete_user_favorite, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/favorites/:movieId", delete_user_favorite, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/:id/history", get_user_history, MQ_NEEDS_AUTH },
	{ MQ_POST | MQ_PUT, "/api/v1/users/:id/history", post_user_history, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/history", delete_user_history, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/:id/history/:movieId", delete_user_history, MQ_NEEDS_AUTH | MQ_CSRF },
};

const mq_app watchlist_app = {
	.name = "watchlist",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
};

MQ_WORKER(watchlist_app)
