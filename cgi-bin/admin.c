/* admin.c — the admin worker (role admin only; every change audited): the route table and the
 * JSON API — TMDB lookups that fill the review form, movies created from TMDB or by hand, edited
 * with per-field locks, hidden and restored, re-synced now; the audit log; the sync's
 * notifications and runs; users' roles. The pages are admin_pages.c's; both call the admin API
 * of lib/domain directly. */
#include "admin.h"
#include "domain/admin_movie.h"
#include "domain/admin_tmdb.h"
#include "domain/sync.h"
#include "site/movieapi.h"
#include "site/worker.h"
#include "web/json.h"
#include "web/media.h"
#include "web/response.h"
#include "web/upload.h"

#include <string.h>

mq_admin_actor admin_actor(const mq_req *req)
{
	return (mq_admin_actor){ req->user->id, req->request_id };
}

/* What a TMDB failure means to a curator (the pages say it in their language: admin_pages.c). */
static const char *admin_tmdb_message(mq_err rc)
{
	return rc == MQ_ENOTFOUND  ? "TMDB has no such movie"
	       : rc == MQ_EUNAVAIL ? "TMDB is not answering right now; try again in a minute"
	       : rc == MQ_ETIMEOUT ? "TMDB took too long to answer; try again"
				   : "TMDB's answer could not be used";
}

void admin_reply_err(mq_req *req, mq_res *res, mq_err rc, const char *what, const char *why, int tmdb)
{
	const char *message = NULL;
	if (rc == MQ_ENOTFOUND && what)
		message = mq_arena_printf(req->arena, "No such %s", what);
	else if (rc == MQ_EUNPROCESSABLE && why)
		mq_req_error(req, "%s", why);
	else if (tmdb && (rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT || rc == MQ_EUPSTREAM || rc == MQ_ENOTFOUND))
		message = admin_tmdb_message(rc);
	mq_reply_err(req, res, rc, message);
}

/* The API's answers carry what only an admin may see: never cached. */
static void no_store(mq_req *req, mq_res *res)
{
	mq_res_header(req, res, "Cache-Control", "no-store");
}

/* A movie as the API shows it: with image URLs. */
static void reply_movie(mq_req *req, mq_res *res, int status, mq_err rc, cJSON *movie)
{
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "movie", NULL, 0);
		return;
	}
	mq_movieapi_images(req, movie);
	no_store(req, res);
	mq_reply_data(req, res, status, movie);
}

/* GET /api/v1/admin/tmdb/lookup?q=: by TMDB id, IMDb id or title (admin_tmdb.h). Candidates,
 * and for one movie the form values; nothing is saved. */
static void get_lookup(mq_req *req, mq_res *res)
{
	enum { Q_Q, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_Q] = { "q", MQ_V_STRING, MQ_REQUIRED, 1, 200, NULL, NULL } };
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	const mq_env env = mq_env_of(req);
	cJSON *found = NULL;
	mq_err rc = mq_admin_tmdb_lookup(&env, v[Q_Q].s, &found);
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, NULL, NULL, 1);
		return;
	}
	mq_movieapi_images(req, cJSON_GetObjectItemCaseSensitive(found, "candidates"));
	cJSON *movie = cJSON_GetObjectItemCaseSensitive(found, "movie");
	if (movie)
		mq_movieapi_images(req, movie);
	no_store(req, res);
	mq_reply_data(req, res, 200, found);
}

/* The curator's fields of a create or edit body (the body less the edit's controls, lock and
 * unlock), checked (mq_admin_movie_check: problems in req->errors). Caller owns. */
static cJSON *body_movie_fields(mq_req *req, const cJSON *body, int create)
{
	cJSON *fields = cJSON_Duplicate(body, 1);
	if (!create) {
		cJSON_DeleteItemFromObjectCaseSensitive(fields, "lock");
		cJSON_DeleteItemFromObjectCaseSensitive(fields, "unlock");
	}
	mq_admin_movie_check(req, fields, create);
	return fields;
}

/* Replies 400 with req->errors and frees fields when there are problems: returns 1 then. */
static int invalid(mq_req *req, mq_res *res, cJSON *fields)
{
	if (!req->errors.n)
		return 0;
	cJSON_Delete(fields);
	mq_reply_err(req, res, MQ_EINVAL, NULL);
	return 1;
}

/* POST /api/v1/admin/movies: from the reviewed TMDB values (with tmdb_id) or by hand. A TMDB
 * movie the catalogue has is a 409 naming it (errors[0] and Location). */
static void post_movie(mq_req *req, mq_res *res)
{
	cJSON *body = NULL, *fields, *movie = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	if (invalid(req, res, fields = body_movie_fields(req, body, 1)))
		return;
	const mq_admin_actor who = admin_actor(req);
	rc = mq_admin_movie_create(mq_ctx_of(req)->db, &who, fields, &movie);
	cJSON_Delete(fields);
	if (rc == MQ_ECONFLICT) {
		const char *have = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
		if (have) {
			const char *where = mq_arena_printf(req->arena, "/api/v1/admin/movies/%s", have);
			mq_req_error(req, "%s", where);
			mq_res_header(req, res, "Location", where);
		}
		cJSON_Delete(movie);
		mq_reply_err(req, res, rc, "This TMDB movie is in the catalogue already");
		return;
	}
	reply_movie(req, res, 201, rc, movie);
}

/* GET /api/v1/admin/movies/:id: the movie as stored, hidden ones and locks included. */
static void get_movie(mq_req *req, mq_res *res)
{
	cJSON *movie = NULL;
	mq_err rc = mq_admin_movie_get(mq_ctx_of(req)->db, mq_req_route(req, "id"), &movie);
	reply_movie(req, res, 200, rc, movie);
}

/* PATCH /api/v1/admin/movies/:id {fields…, lock?: false, unlock?: [fields]}: the fields set are
 * locked unless lock is false. */
static void patch_movie(mq_req *req, mq_res *res)
{
	cJSON *body = NULL, *fields, *movie = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	const cJSON *lock = cJSON_GetObjectItemCaseSensitive(body, "lock");
	const cJSON *unlock = cJSON_GetObjectItemCaseSensitive(body, "unlock");
	fields = body_movie_fields(req, body, 0);
	if (!fields->child && !unlock)
		mq_req_error(req, "send the fields to change, or unlock");
	if ((lock && !cJSON_IsBool(lock)) || (unlock && !cJSON_IsArray(unlock)))
		mq_req_error(req, "lock must be true or false, unlock a list of field names");
	else
		mq_admin_movie_check_locks(req, unlock, "unlock");
	if (invalid(req, res, fields))
		return;
	const mq_admin_actor who = admin_actor(req);
	const mq_admin_movie_change change = { .fields = fields, .lock_set = !cJSON_IsFalse(lock), .unlock = unlock };
	rc = mq_admin_movie_edit(mq_ctx_of(req)->db, &who, mq_req_route(req, "id"), &change, &movie);
	cJSON_Delete(fields);
	reply_movie(req, res, 200, rc, movie);
}

static void hide(mq_req *req, mq_res *res, int hidden)
{
	const mq_admin_actor who = admin_actor(req);
	cJSON *movie = NULL;
	mq_err rc = mq_admin_movie_hide(mq_ctx_of(req)->db, &who, mq_req_route(req, "id"), hidden, &movie);
	reply_movie(req, res, 200, rc, movie);
}

/* DELETE /api/v1/admin/movies/:id: hidden from the public, restorable. */
static void delete_movie(mq_req *req, mq_res *res)
{
	hide(req, res, 1);
}

/* POST /api/v1/admin/movies/:id/restore */
static void restore_movie(mq_req *req, mq_res *res)
{
	hide(req, res, 0);
}

/* POST /api/v1/admin/movies/:id/sync: TMDB's version now, locks kept; what changed. */
static void sync_movie(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	const mq_admin_actor who = admin_actor(req);
	cJSON *movie = NULL, *changed = NULL;
	mq_err rc = mq_admin_movie_sync(&env, &who, mq_req_route(req, "id"), &movie, &changed);
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "movie", ADMIN_WHY_NO_TMDB_SYNC, 1);
		return;
	}
	mq_movieapi_images(req, movie);
	cJSON *out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "changed", changed);
	cJSON_AddItemToObject(out, "movie", movie);
	mq_reply_data(req, res, 200, out);
}

/* GET /api/v1/admin/movies/:id/tmdb-images: TMDB's posters and backdrops for the movie, to
 * choose from (PATCH poster_path / backdrop_path with one's path). */
static void get_tmdb_images(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	cJSON *images = NULL;
	mq_err rc = mq_admin_tmdb_images(&env, mq_req_route(req, "id"), &images);
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "movie", ADMIN_WHY_NO_TMDB_IMAGES, 1);
		return;
	}
	no_store(req, res);
	mq_reply_data(req, res, 200, images);
}

int admin_upload_image(mq_req *req, mq_res *res, cJSON **movie)
{
	static const char *const kinds[] = { "poster", "backdrop", NULL };
	enum { Q_KIND, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_KIND] = { "kind", MQ_V_ENUM, MQ_REQUIRED, 0, 0, kinds, NULL } };
	mq_value v[Q_COUNT];
	*movie = NULL;
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return -1;
	const mq_env env = mq_env_of(req);
	const char *id = mq_req_route(req, "id");
	mq_err rc = mq_admin_movie_get(env.db, id, movie); /* before the upload: none for nothing */
	cJSON_Delete(*movie);
	*movie = NULL;
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "movie", NULL, 0);
		return -1;
	}
	char url[128];
	int backdrop = v[Q_KIND].i == 1;
	if (mq_upload_image(req, res, "image", backdrop ? "backdrops" : "posters", backdrop ? "a backdrop" : "a poster",
			    url, sizeof url))
		return -1;
	const mq_admin_actor who = admin_actor(req);
	rc = mq_admin_movie_image(&env, &who, id, backdrop, url, movie);
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "movie", NULL, 0);
		return -1;
	}
	return 0;
}

/* POST /api/v1/admin/movies/:id/images?kind=poster|backdrop, multipart field "image": an
 * uploaded poster or backdrop (checked as avatars are), which the sync then leaves alone. */
static void post_image(mq_req *req, mq_res *res)
{
	cJSON *movie = NULL;
	if (admin_upload_image(req, res, &movie))
		return;
	reply_movie(req, res, 201, MQ_OK, movie);
}

/* ---- the lists: read once for the API and the pages ---- */

int admin_read_audit(mq_req *req, mq_res *res, admin_list *l)
{
	enum { Q_PAGE, Q_LIMIT, Q_MOVIE, Q_ADMIN, Q_ACTION, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_PAGE] = MQ_FIELD_PAGE,
		[Q_LIMIT] = MQ_FIELD_LIMIT,
		[Q_MOVIE] = { "movie", MQ_V_STRING, 0, 24, 24, NULL, NULL },
		[Q_ADMIN] = { "admin", MQ_V_STRING, 0, 24, 24, NULL, NULL },
		[Q_ACTION] = { "action", MQ_V_STRING, 0, 1, 40, NULL, NULL },
	};
	mq_value v[Q_COUNT];
	*l = (admin_list){ 0 };
	if (mq_validate_query(req, query, Q_COUNT, v) == 0 && ((v[Q_MOVIE].present && !mq_is_object_id(v[Q_MOVIE].s)) ||
								 (v[Q_ADMIN].present && !mq_is_object_id(v[Q_ADMIN].s))))
		mq_req_error(req, "movie and admin are 24-hex ids");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return -1;
	}
	l->page = v[Q_PAGE].i;
	l->limit = v[Q_LIMIT].i;
	mq_err rc = mq_admin_audit_list(mq_ctx_of(req)->db, v[Q_MOVIE].present ? v[Q_MOVIE].s : NULL,
					v[Q_ADMIN].present ? v[Q_ADMIN].s : NULL, v[Q_ACTION].present ? v[Q_ACTION].s : NULL,
					l->page, l->limit, &l->items, &l->total);
	if (rc != MQ_OK) {
		cJSON_Delete(l->items);
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

enum { L_PAGE, L_LIMIT, L_UNSEEN, L_COUNT };
static const mq_field list_query[L_COUNT] = {
	[L_PAGE] = MQ_FIELD_PAGE,
	[L_LIMIT] = MQ_FIELD_LIMIT,
	[L_UNSEEN] = { "unseen", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
};

int admin_read_notifications(mq_req *req, mq_res *res, admin_list *l)
{
	mq_value v[L_COUNT];
	*l = (admin_list){ 0 };
	if (mq_valid_query_or_reply(req, res, list_query, L_COUNT, v))
		return -1;
	l->page = v[L_PAGE].i;
	l->limit = v[L_LIMIT].i;
	mq_err rc = mq_admin_notifications_list(mq_ctx_of(req)->db, req->user->id, v[L_UNSEEN].present && v[L_UNSEEN].i,
						l->page, l->limit, &l->items, &l->total, &l->unseen);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

int admin_read_sync_runs(mq_req *req, mq_res *res, admin_list *l)
{
	mq_value v[L_COUNT];
	*l = (admin_list){ 0 };
	if (mq_valid_query_or_reply(req, res, list_query, L_UNSEEN, v)) /* page and limit only */
		return -1;
	l->page = v[L_PAGE].i;
	l->limit = v[L_LIMIT].i;
	mq_err rc = mq_admin_sync_runs(mq_ctx_of(req)->db, l->page, l->limit, &l->items, &l->total, &l->lease);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

int admin_read_users(mq_req *req, mq_res *res, admin_list *l)
{
	enum { Q_PAGE, Q_LIMIT, Q_Q, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_PAGE] = MQ_FIELD_PAGE,
		[Q_LIMIT] = MQ_FIELD_LIMIT,
		[Q_Q] = { "q", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	};
	mq_value v[Q_COUNT];
	*l = (admin_list){ 0 };
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return -1;
	l->page = v[Q_PAGE].i;
	l->limit = v[Q_LIMIT].i;
	mq_err rc = mq_admin_users(mq_ctx_of(req)->db, v[Q_Q].present ? v[Q_Q].s : NULL, l->page, l->limit, &l->items,
				   &l->total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return -1;
	}
	return 0;
}

/* A list as the API's list envelope (taking the items). */
static void reply_list(mq_req *req, mq_res *res, admin_list *l)
{
	no_store(req, res);
	mq_reply_list(req, res, l->items, l->page, l->limit, l->total);
}

/* GET /api/v1/admin/audit?movie=&admin=&action=&page=&limit= */
static void get_audit(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_audit(req, res, &l) == 0)
		reply_list(req, res, &l);
}

/* GET /api/v1/admin/notifications?unseen=true: the sync's news, newest first; X-Unseen-Count. */
static void get_notifications(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_notifications(req, res, &l))
		return;
	mq_res_header(req, res, "X-Unseen-Count", mq_arena_printf(req->arena, "%lld", l.unseen));
	reply_list(req, res, &l);
}

/* GET /api/v1/admin/notifications/count: {unseen} for the admin header. */
static void get_notification_count(mq_req *req, mq_res *res)
{
	if (mq_valid_query_or_reply(req, res, NULL, 0, NULL))
		return;
	long long unseen = 0;
	mq_err rc = mq_admin_notifications_unseen(mq_ctx_of(req)->db, req->user->id, &unseen);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "unseen", (double)unseen);
	no_store(req, res);
	mq_reply_data(req, res, 200, out);
}

/* POST /api/v1/admin/notifications/:id/seen, and /notifications/seen for all of them. */
static void post_seen(mq_req *req, mq_res *res)
{
	mq_err rc = mq_admin_notifications_seen(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"));
	if (rc != MQ_OK) {
		admin_reply_err(req, res, rc, "notification", NULL, 0);
		return;
	}
	res->status = 204;
}

/* GET /api/v1/admin/sync/runs: the runs, newest first; X-Sync-Running names a run in progress. */
static void get_sync_runs(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_sync_runs(req, res, &l))
		return;
	if (l.lease) {
		char holder[160];
		mq_admin_sync_holder(l.lease, holder, sizeof holder);
		mq_res_header(req, res, "X-Sync-Running", holder);
		cJSON_Delete(l.lease);
	}
	reply_list(req, res, &l);
}

const mq_field admin_run_fields[RUN_COUNT] = {
	[RUN_KIND] = { "kind", MQ_V_ENUM, MQ_REQUIRED, 0, 0, mq_sync_kinds, NULL },
};

int admin_start_sync(mq_req *req, mq_res *res, const mq_value *v, cJSON **out)
{
	const mq_env env = mq_env_of(req);
	const mq_admin_actor who = admin_actor(req);
	mq_err rc = mq_admin_sync_start(&env, &who, mq_sync_kinds[v[RUN_KIND].i], out);
	if (rc == MQ_OK)
		return 0;
	mq_reply_err(req, res, rc,
		     rc == MQ_ECONFLICT    ? "A sync is running; try again when it is done"
		     : rc == MQ_EINTERNAL ? "The sync could not be started (see the admin worker's log)"
					  : NULL);
	return -1;
}

/* POST /api/v1/admin/sync/runs {kind}: starts a run in the background (202); 409 while one
 * holds the lease. */
static void post_sync_run(mq_req *req, mq_res *res)
{
	mq_value v[RUN_COUNT];
	cJSON *run = NULL;
	if (mq_body_fields(req, res, admin_run_fields, RUN_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	if (admin_start_sync(req, res, v, &run) == 0)
		mq_reply_data(req, res, 202, run);
}

/* GET /api/v1/admin/users?q=: users whose e-mail, username or name starts with q. */
static void get_users(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_users(req, res, &l) == 0)
		reply_list(req, res, &l);
}

const mq_field admin_role_fields[ROLE_COUNT] = {
	[ROLE_ROLE] = { "role", MQ_V_ENUM, MQ_REQUIRED, 0, 0, mq_admin_roles, NULL },
};

int admin_set_role(mq_req *req, mq_res *res, const mq_value *v, cJSON **out)
{
	const mq_admin_actor who = admin_actor(req);
	mq_err rc = mq_admin_user_role(mq_ctx_of(req)->db, &who, mq_req_route(req, "id"), mq_admin_roles[v[ROLE_ROLE].i],
				       out);
	if (rc == MQ_OK)
		return 0;
	admin_reply_err(req, res, rc, "user", "another admin changes your role: none can lock everyone out", 0);
	return -1;
}

/* PATCH /api/v1/admin/users/:id/role {role: "user"|"admin"}; never one's own. */
static void patch_role(mq_req *req, mq_res *res)
{
	mq_value v[ROLE_COUNT];
	cJSON *user = NULL;
	if (mq_body_fields(req, res, admin_role_fields, ROLE_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	if (admin_set_role(req, res, v, &user))
		return;
	no_store(req, res);
	mq_reply_data(req, res, 200, user);
}

static const mq_route routes[] = {
	{ MQ_GET, "/admin", admin_page_dashboard, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/movies", admin_page_movies, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies", admin_page_create_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/movies/new", admin_page_new_movie, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/movies/:id", admin_page_movie, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies/:id", admin_page_edit_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/sync", admin_page_sync_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/hide", admin_page_hide_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/restore", admin_page_restore_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/movies/:id/images", admin_page_images, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies/:id/images", admin_page_upload_image, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/audit", admin_page_audit, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/notifications", admin_page_notifications, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/notifications/seen", admin_page_seen, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/sync", admin_page_sync_runs, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/sync", admin_page_start_sync, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/users", admin_page_users, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/users/:id/role", admin_page_role, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/tmdb/lookup", get_lookup, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/admin/movies", post_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/movies/:id", get_movie, MQ_NEEDS_ADMIN },
	{ MQ_PATCH, "/api/v1/admin/movies/:id", patch_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/admin/movies/:id", delete_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/api/v1/admin/movies/:id/restore", restore_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/api/v1/admin/movies/:id/sync", sync_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/movies/:id/tmdb-images", get_tmdb_images, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/admin/movies/:id/images", post_image, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/audit", get_audit, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/api/v1/admin/notifications", get_notifications, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/api/v1/admin/notifications/count", get_notification_count, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/admin/notifications/seen", post_seen, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/api/v1/admin/notifications/:id/seen", post_seen, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/sync/runs", get_sync_runs, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/admin/sync/runs", post_sync_run, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/users", get_users, MQ_NEEDS_ADMIN },
	{ MQ_PATCH, "/api/v1/admin/users/:id/role", patch_role, MQ_NEEDS_ADMIN | MQ_CSRF },
};

const mq_app admin_app = {
	.name = "admin",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
	.max_body = MQ_IMAGE_MAX_BYTES + 64 * 1024, /* a poster plus its multipart framing */
};

MQ_WORKER(admin_app)
