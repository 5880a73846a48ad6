/* users.c — the users worker: the signed-in user's profile and settings (/users/me, alias
 * /user/profile), avatar uploads, preferences (/user/preferences) and /users/:id (yourself, or
 * any user for an admin). The per-user lists and the /me pages arrive with their issues. */
#include "domain/account.h"
#include "domain/recommend.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/worker.h"
#include "tmdb/movie.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/media.h"
#include "web/response.h"
#include "web/upload.h"
#include "web/valid.h"

#include <string.h>

/* Replies with the handler's outcome: data on MQ_OK, else the error for rc. */
static void reply_result(mq_req *req, mq_res *res, mq_err rc, cJSON *data, const char *conflict)
{
	if (rc == MQ_OK) {
		mq_res_header(req, res, "Cache-Control", "private, no-cache");
		mq_reply_data(req, res, 200, data);
		return;
	}
	cJSON_Delete(data);
	if (rc == MQ_ECONFLICT && conflict)
		mq_req_error(req, "%s", conflict);
	mq_reply_err(req, res, rc, NULL);
}

static void get_me(mq_req *req, mq_res *res)
{
	cJSON *user = NULL;
	mq_err rc = mq_account_get(mq_ctx_of(req)->db, req->user->id, &user, NULL);
	reply_result(req, res, rc == MQ_ENOTFOUND ? MQ_EUNAUTH : rc, user, NULL);
}

/* The avatar URL the user has now (arena copy), or NULL. */
static const char *current_avatar(mq_req *req)
{
	cJSON *user = NULL;
	const char *url = NULL;
	if (mq_account_get(mq_ctx_of(req)->db, req->user->id, &user, NULL) == MQ_OK) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "avatar"));
		url = a ? mq_arena_strdup(req->arena, a) : NULL;
	}
	cJSON_Delete(user);
	return url;
}

static const char *const themes[] = { "light", "dark", NULL };

enum { S_LANGUAGE, S_THEME, S_COUNT };
static const mq_field settings_fields[S_COUNT] = {
	[S_LANGUAGE] = { "language", MQ_V_ENUM, 0, 0, 0, mq_languages, NULL },
	[S_THEME] = { "theme", MQ_V_ENUM, 0, 0, 0, themes, NULL },
};

enum { P_NAME, P_USERNAME, P_AVATAR, P_DOB, P_SETTINGS, P_COUNT };
static const mq_field profile_fields[P_COUNT] = {
	[P_NAME] = { "name", MQ_V_STRING, MQ_NULLABLE, 1, 100, NULL, NULL },
	[P_USERNAME] = { "username", MQ_V_STRING, 0, 3, 30, NULL, NULL },
	[P_AVATAR] = { "avatar", MQ_V_STRING, MQ_NULLABLE, 0, 0, NULL, NULL },
	[P_DOB] = { "date_of_birth", MQ_V_STRING, MQ_NULLABLE, 10, 10, NULL, NULL },
	[P_SETTINGS] = { "settings", MQ_V_OBJECT, 0, 0, 0, NULL, NULL },
};

/* Only name, username, avatar (null: remove), date_of_birth and settings are writable; any other
 * field — role, ids, counters, e-mail — is a 400 and nothing changes. */
static void patch_me(mq_req *req, mq_res *res)
{
	mq_value v[P_COUNT], s[S_COUNT];
	if (mq_body_fields(req, res, profile_fields, P_COUNT, v))
		return;
	bson_t set = BSON_INITIALIZER, unset = BSON_INITIALIZER;

	if (v[P_NAME].present)
		BSON_APPEND_UTF8(&set, "name", v[P_NAME].s);
	else if (v[P_NAME].json)
		BSON_APPEND_UTF8(&unset, "name", "");
	if (v[P_USERNAME].present) {
		if (!mq_valid_username(v[P_USERNAME].s))
			mq_req_error(req, "username may contain only letters, digits and '_'");
		BSON_APPEND_UTF8(&set, "username", v[P_USERNAME].s);
	}
	const char *old_avatar = NULL;
	if (v[P_AVATAR].json && !cJSON_IsNull(v[P_AVATAR].json)) {
		mq_req_error(req, "avatar can only be removed (null) here; upload one with POST /api/v1/users/me/avatar");
	} else if (v[P_AVATAR].json) {
		BSON_APPEND_UTF8(&unset, "avatar", "");
		old_avatar = "";
	}
	if (v[P_DOB].present) {
		if (!mq_valid_date(v[P_DOB].s))
			mq_req_error(req, "date_of_birth must be a past date written YYYY-MM-DD");
		BSON_APPEND_UTF8(&set, "date_of_birth", v[P_DOB].s);
	} else if (v[P_DOB].json) {
		BSON_APPEND_UTF8(&unset, "date_of_birth", "");
	}
	if (v[P_SETTINGS].present && mq_validate_object(req, v[P_SETTINGS].json, settings_fields, S_COUNT, s) == 0) {
		if (s[S_LANGUAGE].present)
			BSON_APPEND_UTF8(&set, "settings.language", s[S_LANGUAGE].s);
		if (s[S_THEME].present)
			BSON_APPEND_UTF8(&set, "settings.theme", s[S_THEME].s);
	}
	if (req->errors.n == 0 && bson_empty(&set) && bson_empty(&unset))
		mq_req_error(req, "nothing to change: send name, username, avatar, date_of_birth or settings");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		goto out;
	}
	if (old_avatar)
		old_avatar = current_avatar(req);
	cJSON *user = NULL;
	mq_err rc = mq_account_update(mq_ctx_of(req)->db, req->user->id, &set, &unset, &user);
	if (rc == MQ_OK && old_avatar)
		mq_media_remove(mq_ctx_of(req)->cfg->media_dir, old_avatar);
	reply_result(req, res, rc, user, "this username is taken");
out:
	bson_destroy(&set);
	bson_destroy(&unset);
}

/* multipart/form-data with one file field "avatar": PNG, JPEG or WebP by its bytes (whatever
 * the declared type), at most 2 MB. Nothing is written unless it is accepted. */
static void post_avatar(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *old = current_avatar(req);
	char url[128];
	if (mq_upload_image(req, res, "avatar", "avatars", "an avatar", url, sizeof url))
		return;
	bson_t set = BSON_INITIALIZER, unset = BSON_INITIALIZER;
	BSON_APPEND_UTF8(&set, "avatar", url);
	cJSON *user = NULL;
	mq_err rc = mq_account_update(ctx->db, req->user->id, &set, &unset, &user);
	bson_destroy(&set);
	bson_destroy(&unset);
	mq_media_remove(ctx->cfg->media_dir, rc == MQ_OK ? old : url);
	if (rc == MQ_OK) {
		mq_res_header(req, res, "Cache-Control", "no-store");
		mq_reply_data(req, res, 201, user);
		return;
	}
	reply_result(req, res, rc, user, NULL);
}

/* Yourself, or anyone for an admin; another user's id is 404 as if it did not exist. */
static void get_user(mq_req *req, mq_res *res)
{
	const char *id = mq_req_route(req, "id");
	if (!mq_is_object_id(id)) {
		mq_req_error(req, "id must be 24 hexadecimal characters");
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	if (strcmp(id, req->user->id) && strcmp(req->user->role, "admin")) {
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such user");
		return;
	}
	cJSON *user = NULL;
	mq_err rc = mq_account_get(mq_ctx_of(req)->db, id, &user, NULL);
	if (rc == MQ_ENOTFOUND) {
		mq_reply_err(req, res, rc, "No such user");
		return;
	}
	reply_result(req, res, rc, user, NULL);
}

static void get_preferences(mq_req *req, mq_res *res)
{
	cJSON *prefs = NULL;
	mq_err rc = mq_account_preferences(mq_ctx_of(req)->db, req->user->id, NULL, &prefs);
	reply_result(req, res, rc, prefs, NULL);
}

enum { F_GENRES, F_ACTORS, F_MOVIES, F_COUNT };
static const mq_field preference_fields[F_COUNT] = {
	[F_GENRES] = { "genres", MQ_V_ARRAY, 0, 0, 50, NULL, NULL },
	[F_ACTORS] = { "actors", MQ_V_ARRAY, 0, 0, 100, NULL, NULL },
	[F_MOVIES] = { "movies", MQ_V_ARRAY, 0, 0, 200, NULL, NULL },
};

/* Appends list to doc as an array of TMDB ids (and, for actors, names too); problems to req. */
static void append_id_list(mq_req *req, bson_t *doc, const char *key, const cJSON *list, int names_ok)
{
	bson_t arr;
	char idx[16];
	int i = 0;
	BSON_APPEND_ARRAY_BEGIN(doc, key, &arr);
	for (const cJSON *item = list->child; item; item = item->next, i++) {
		snprintf(idx, sizeof idx, "%d", i);
		double d = item->valuedouble;
		if (cJSON_IsNumber(item) && d == (double)(long long)d && d >= 1 && d <= 2147483647) {
			bson_append_int64(&arr, idx, -1, (int64_t)d);
		} else if (names_ok && cJSON_IsString(item) && mq_valid_text(item->valuestring, 1, 100)) {
			bson_append_utf8(&arr, idx, -1, item->valuestring, -1);
		} else {
			mq_req_error(req, "%s[%d] must be a TMDB id (a positive integer)%s", key, i,
				     names_ok ? " or a name of at most 100 characters" : "");
		}
	}
	bson_append_array_end(doc, &arr);
}

static void post_preferences(mq_req *req, mq_res *res)
{
	mq_value v[F_COUNT];
	if (mq_body_fields(req, res, preference_fields, F_COUNT, v))
		return;
	bson_t set = BSON_INITIALIZER;
	if (v[F_GENRES].present)
		append_id_list(req, &set, "preferences.genres", v[F_GENRES].json, 0);
	if (v[F_ACTORS].present)
		append_id_list(req, &set, "preferences.actors", v[F_ACTORS].json, 1);
	if (v[F_MOVIES].present)
		append_id_list(req, &set, "preferences.movies", v[F_MOVIES].json, 0);
	if (req->errors.n == 0 && bson_empty(&set))
		mq_req_error(req, "send at least one of genres, actors, movies");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		goto out;
	}
	cJSON *prefs = NULL;
	mq_err rc = mq_account_preferences(mq_ctx_of(req)->db, req->user->id, &set, &prefs);
	reply_result(req, res, rc, prefs, NULL);
out:
	bson_destroy(&set);
}

/* ---- pages ---- */

static void get_me_page(mq_req *req, mq_res *res)
{
	cJSON *user = NULL;
	mq_err rc = mq_account_get(mq_ctx_of(req)->db, req->user->id, &user, NULL);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "profile", user);
	mq_reply_page(req, res, 200, "me", "My account", data);
}

/* The member's recommendations (recommend.h), with image URLs; a thin list is filled from TMDB's
 * discover in the member's favourite genres (cold start), never repeating a movie. */
static cJSON *recommendations(mq_req *req, mq_res *res, const char *lang, int limit)
{
	cJSON *items = NULL;
	mq_err rc = mq_recommend_for(mq_ctx_of(req)->db, req->user->id, lang, limit, &items);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return NULL;
	}
	cJSON *prefs = NULL, *g;
	if (cJSON_GetArraySize(items) < limit &&
	    mq_account_preferences(mq_ctx_of(req)->db, req->user->id, NULL, &prefs) == MQ_OK &&
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(prefs, "genres")) > 0) {
		mq_buf genres = MQ_BUF_INIT;
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(prefs, "genres"))
			if (cJSON_IsNumber(g))
				mq_buf_printf(&genres, "%s%lld", genres.len ? "|" : "", (long long)g->valuedouble);
		const char *const extra[] = { "with_genres", mq_buf_cstr(&genres), "sort_by", "popularity.desc", NULL };
		mq_movieapi_tmdb_page page;
		if (mq_movieapi_tmdb_movies(req, "/discover/movie", extra, 1, mq_movie_tmdb_language(lang), &page) == MQ_OK) {
			cJSON *m;
			cJSON_ArrayForEach(m, page.items) {
				if (cJSON_GetArraySize(items) >= limit)
					break;
				double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(m, "tmdb_id"));
				int dup = 0;
				const cJSON *have;
				cJSON_ArrayForEach(have, items)
					dup |= cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(have, "tmdb_id")) == id;
				if (dup)
					continue;
				cJSON *copy = cJSON_Duplicate(m, 1);
				cJSON *reason = cJSON_AddObjectToObject(copy, "reason");
				cJSON_AddStringToObject(reason, "kind", "genre");
				cJSON_AddNumberToObject(copy, "score", 0);
				cJSON_AddItemToArray(items, copy);
			}
			cJSON_Delete(page.items);
		}
		mq_buf_free(&genres);
	}
	cJSON_Delete(prefs);
	mq_movieapi_images(req, items);
	return items;
}

/* GET /api/v1/user/recommendations?limit=&language=: for the signed-in member, with reasons. */
static void get_recommendations(mq_req *req, mq_res *res)
{
	enum { Q_LIMIT, Q_LANGUAGE, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_LIMIT] = { "limit", MQ_V_INT, 0, 1, 50, NULL, "20" },
		[Q_LANGUAGE] = MQ_FIELD_LANGUAGE,
	};
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	cJSON *items = recommendations(req, res, mq_languages[v[Q_LANGUAGE].i], (int)v[Q_LIMIT].i);
	if (!items)
		return;
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_data(req, res, 200, items);
}

/* GET /me/recommendations: the same as a page of cards with their reasons. */
static void get_recommendations_page(mq_req *req, mq_res *res)
{
	if (mq_valid_query_or_reply(req, res, NULL, 0, NULL))
		return;
	const char *lang = mq_page_language(req);
	cJSON *items = recommendations(req, res, lang, 24);
	if (!items)
		return;
	mq_moviepage_movie_cards(req, items);
	cJSON *m;
	cJSON_ArrayForEach(m, items) {
		/* templates cannot compare strings: a flag per kind of reason, and the card's own
		 * "not interested" form */
		cJSON *reason = cJSON_GetObjectItemCaseSensitive(m, "reason");
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reason, "kind"));
		if (kind)
			cJSON_AddStringToObject(reason, "text", mq_moviepage_reason(req, reason));
		if (cJSON_GetObjectItemCaseSensitive(m, "member"))
			cJSON_AddTrueToObject(m, "not_interested");
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(items) == 0);
	cJSON_AddItemToObject(data, "movies", items);
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_page(req, res, 200, "recommendations", mq_page_message(req, "recs.title"), data);
}

static const char *const settings_names[] = { "name", "username", "date_of_birth", "language", "theme", NULL };

enum { SF_NAME, SF_USERNAME, SF_DOB, SF_LANGUAGE, SF_THEME, SF_CSRF, SF_COUNT };
static const mq_field settings_form_fields[SF_COUNT] = {
	[SF_NAME] = { "name", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	[SF_USERNAME] = { "username", MQ_V_STRING, 1, 3, 30, NULL, NULL },
	[SF_DOB] = { "date_of_birth", MQ_V_STRING, 0, 10, 10, NULL, NULL },
	[SF_LANGUAGE] = { "language", MQ_V_ENUM, 1, 0, 0, mq_languages, NULL },
	[SF_THEME] = { "theme", MQ_V_ENUM, 1, 0, 0, themes, NULL },
	[SF_CSRF] = { "_csrf", MQ_V_STRING, 0, 0, 64, NULL, NULL }, /* checked by the dispatcher */
};

/* The settings form: from the stored profile, or the submitted values when they had problems. */
static void settings_page(mq_req *req, mq_res *res, int status, const mq_kvlist *submitted, int saved)
{
	mq_kvlist values = { 0 };
	cJSON *user = NULL;
	if (!submitted && mq_account_get(mq_ctx_of(req)->db, req->user->id, &user, NULL) == MQ_OK) {
		static const char *const keys[] = { "name", "username", "date_of_birth" };
		for (size_t i = 0; i < 3; i++) {
			const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, keys[i]));
			if (v)
				mq_kvlist_add(req->arena, &values, keys[i], mq_arena_strdup(req->arena, v));
		}
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(user, "settings");
		mq_kvlist_add(req->arena, &values, "language", mq_arena_strdup(req->arena,
			      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "language"))));
		mq_kvlist_add(req->arena, &values, "theme", mq_arena_strdup(req->arena,
			      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "theme"))));
		submitted = &values;
	}
	cJSON_Delete(user);
	cJSON *data = cJSON_CreateObject();
	cJSON *form = mq_page_form(req, settings_names, submitted);
	const char *lang = submitted ? mq_kvlist_get(submitted, "language") : NULL;
	const char *theme = submitted ? mq_kvlist_get(submitted, "theme") : NULL;
	cJSON_AddBoolToObject(form, "lang_fa", lang && !strcmp(lang, "fa"));
	cJSON_AddBoolToObject(form, "theme_dark", theme && !strcmp(theme, "dark"));
	cJSON_AddItemToObject(data, "form", form);
	cJSON_AddBoolToObject(data, "saved", saved);
	mq_reply_page(req, res, status, "settings", "Settings", data);
}

static void get_settings_page(mq_req *req, mq_res *res)
{
	enum { Q_SAVED, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_SAVED] = { "saved", MQ_V_BOOL, 0, 0, 0, NULL, "0" } };
	mq_value v[Q_COUNT];
	int saved = mq_validate_query(req, query, Q_COUNT, v) == 0 && v[Q_SAVED].i;
	req->errors.n = 0; /* a stray query parameter is not worth an error page */
	settings_page(req, res, 200, NULL, saved);
}

static void post_settings_page(mq_req *req, mq_res *res)
{
	mq_kvlist form;
	mq_value v[SF_COUNT];
	bson_t set = BSON_INITIALIZER, unset = BSON_INITIALIZER;
	if (mq_page_form_body(req, &form) == 0) {
		mq_validate_kvlist(req, &form, settings_form_fields, SF_COUNT, v);
		if (v[SF_USERNAME].present && !mq_valid_username(v[SF_USERNAME].s))
			mq_req_error(req, "username may contain only letters, digits and '_'");
		if (v[SF_DOB].present && !mq_valid_date(v[SF_DOB].s))
			mq_req_error(req, "date_of_birth must be a past date written YYYY-MM-DD");
	}
	if (req->errors.n) {
		settings_page(req, res, 400, &form, 0);
		goto out;
	}
	if (v[SF_NAME].present)
		BSON_APPEND_UTF8(&set, "name", v[SF_NAME].s);
	else
		BSON_APPEND_UTF8(&unset, "name", "");
	BSON_APPEND_UTF8(&set, "username", v[SF_USERNAME].s);
	if (v[SF_DOB].present)
		BSON_APPEND_UTF8(&set, "date_of_birth", v[SF_DOB].s);
	else
		BSON_APPEND_UTF8(&unset, "date_of_birth", "");
	BSON_APPEND_UTF8(&set, "settings.language", v[SF_LANGUAGE].s);
	BSON_APPEND_UTF8(&set, "settings.theme", v[SF_THEME].s);
	cJSON *user = NULL;
	mq_err rc = mq_account_update(mq_ctx_of(req)->db, req->user->id, &set, &unset, &user);
	if (rc != MQ_OK) {
		mq_req_error(req, rc == MQ_ECONFLICT ? "username is taken" : "the settings could not be saved just now");
		settings_page(req, res, mq_err_status(rc), &form, 0);
		cJSON_Delete(user);
		goto out;
	}
	mq_page_settings_cookies(req, res, cJSON_GetObjectItemCaseSensitive(user, "settings"));
	cJSON_Delete(user);
	mq_reply_redirect(req, res, "/me/settings?saved=1");
out:
	bson_destroy(&set);
	bson_destroy(&unset);
}

static const mq_route routes[] = {
	{ MQ_GET, "/me", get_me_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/settings", get_settings_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/recommendations", get_recommendations_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/user/recommendations", get_recommendations, MQ_NEEDS_AUTH },
	{ MQ_POST, "/me/settings", post_settings_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/me", get_me, MQ_NEEDS_AUTH },
	{ MQ_PATCH, "/api/v1/users/me", patch_me, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/api/v1/users/me/avatar", post_avatar, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/user/profile", get_me, MQ_NEEDS_AUTH },
	{ MQ_PATCH | MQ_PUT, "/api/v1/user/profile", patch_me, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/user/preferences", get_preferences, MQ_NEEDS_AUTH },
	{ MQ_POST | MQ_PUT, "/api/v1/user/preferences", post_preferences, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/api/v1/users/:id", get_user, MQ_NEEDS_AUTH },
};

const mq_app users_app = {
	.name = "users",
	.routes = routes,
	.n_routes = sizeof routes / sizeof routes[0],
	.needs = MQ_APP_DB | MQ_APP_AUTH | MQ_APP_TEMPLATES,
	.max_body = MQ_IMAGE_MAX_BYTES + 64 * 1024, /* an avatar plus its multipart framing */
};

MQ_WORKER(users_app)
