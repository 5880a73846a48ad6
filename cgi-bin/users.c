/* users.c — the users worker: the signed-in user's profile and settings (/users/me, alias
 * /user/profile), avatar uploads, password change, account deletion, preferences
 * (/user/preferences) and /users/:id (yourself, or any user for an admin); the pages /me and
 * /me/settings (profile, avatar, password and deletion forms, which work without JavaScript). */
#include "core/audience.h"
#include "core/clock.h"
#include "core/password.h"
#include "core/l10n.h"
#include "domain/account.h"
#include "domain/recommend.h"
#include "domain/session.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/live.h"
#include "site/page.h"
#include "site/signin.h"
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

enum { S_LANGUAGE, S_THEME, S_REGION, S_ADULT, S_COUNT };
static const mq_field settings_fields[S_COUNT] = {
	[S_LANGUAGE] = { "language", MQ_V_ENUM, 0, 0, 0, mq_languages, NULL },
	[S_THEME] = { "theme", MQ_V_ENUM, 0, 0, 0, themes, NULL },
	[S_REGION] = { "region", MQ_V_ENUM, MQ_NULLABLE, 0, 0, mq_audience_regions, NULL },
	[S_ADULT] = { "adult_content", MQ_V_BOOL, 0, 0, 0, NULL, NULL },
};

/* Turning adult titles on (on) needs a date of birth (dob: the one being saved, else the one
 * stored; NULL: none) that makes the member 18 or older: otherwise a problem on adult_content. */
static void check_adult_content(mq_req *req, int on, const char *dob)
{
	if (on && mq_audience_age_from_birth(dob, mq_clock_ms()) < MQ_ADULT_AGE)
		mq_req_problem(req, (mq_problem){ "adult_age", "adult_content", MQ_ADULT_AGE, 0 },
			       "adult_content can be turned on only by a member whose date_of_birth makes them %d or older",
			       MQ_ADULT_AGE);
}

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
		if (s[S_REGION].present)
			BSON_APPEND_UTF8(&set, "settings.region", s[S_REGION].s);
		else if (s[S_REGION].json)
			BSON_APPEND_UTF8(&unset, "settings.region", "");
		if (s[S_ADULT].present) {
			check_adult_content(req, (int)s[S_ADULT].i, v[P_DOB].present ? v[P_DOB].s
						 : v[P_DOB].json ? NULL : req->user->date_of_birth);
			BSON_APPEND_BOOL(&set, "settings.adult_content", s[S_ADULT].i != 0);
		}
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
	if (rc == MQ_OK) /* pages follow the region too (the language and theme are the pages' own) */
		mq_page_settings_cookies(req, res, cJSON_GetObjectItemCaseSensitive(user, "settings"));
	reply_result(req, res, rc, user, "this username is taken");
out:
	bson_destroy(&set);
	bson_destroy(&unset);
}

/* Makes the stored image url the member's avatar, replacing old (removed once the profile names
 * the new one; the new one is removed instead when that fails). *user: the updated profile. */
static mq_err save_avatar(mq_req *req, const char *url, const char *old, cJSON **user)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	bson_t set = BSON_INITIALIZER, unset = BSON_INITIALIZER;
	BSON_APPEND_UTF8(&set, "avatar", url);
	mq_err rc = mq_account_update(ctx->db, req->user->id, &set, &unset, user);
	bson_destroy(&set);
	bson_destroy(&unset);
	mq_media_remove(ctx->cfg->media_dir, rc == MQ_OK ? old : url);
	return rc;
}

/* multipart/form-data with one file field "avatar": PNG, JPEG or WebP by its bytes (whatever
 * the declared type), at most 2 MB. Nothing is written unless it is accepted. */
static void post_avatar(mq_req *req, mq_res *res)
{
	const char *old = current_avatar(req);
	char url[128];
	if (mq_upload_image(req, res, "avatar", "avatars", "an avatar", url, sizeof url))
		return;
	cJSON *user = NULL;
	mq_err rc = save_avatar(req, url, old, &user);
	if (rc == MQ_OK) {
		mq_res_header(req, res, "Cache-Control", "no-store");
		mq_reply_data(req, res, 201, user);
		return;
	}
	reply_result(req, res, rc, user, NULL);
}

/* Changes the member's password (account.h) and gives this device a fresh session: every other
 * session, on every device, has ended. The other devices' live streams close. Returns the new
 * session (see signin.h; caller owns), or NULL with *rc set (MQ_EFORBIDDEN: wrong current
 * password; MQ_EINVAL: the new one breaks the rules), or NULL after replying the error of
 * starting the session. */
static cJSON *change_password(mq_req *req, mq_res *res, const char *current, const char *fresh, mq_err *rc)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *user = NULL;
	*rc = mq_account_change_password(ctx->db, ctx->cfg, req->user->id, req->user->token_version, current, fresh);
	if (*rc == MQ_OK)
		*rc = mq_account_get(ctx->db, req->user->id, &user, NULL);
	if (*rc != MQ_OK)
		return NULL;
	mq_live_close(ctx->cfg, req->user->id);
	return mq_signin_start(req, res, user, req->user->token_version + 1, NULL);
}

enum { PW_CURRENT, PW_NEW, PW_COUNT };
static const mq_field password_fields[PW_COUNT] = {
	[PW_CURRENT] = { "current_password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
	[PW_NEW] = { "new_password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
};

/* POST /api/v1/users/me/password {current_password, new_password}: 200 with a fresh session
 * (token, refresh_token, csrf_token, user), every other one ended; 403 for a wrong current
 * password, and nothing changes. */
static void post_password(mq_req *req, mq_res *res)
{
	mq_value v[PW_COUNT];
	mq_err rc;
	if (mq_body_fields(req, res, password_fields, PW_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *data = change_password(req, res, v[PW_CURRENT].s, v[PW_NEW].s, &rc);
	if (data) {
		mq_reply_data(req, res, 200, data);
		return;
	}
	if (res->body.len)
		return; /* the session could not start: replied */
	if (rc == MQ_EINVAL)
		mq_req_error(req, "new_password must be %d to %d bytes long", MQ_PASSWORD_MIN, MQ_PASSWORD_MAX);
	if (rc == MQ_EFORBIDDEN)
		mq_req_error(req, "current_password is wrong; nothing was changed");
	mq_reply_err(req, res, rc, rc == MQ_EFORBIDDEN ? "Wrong password" : NULL);
}

/* Deletes the member after checking their password (account.h says what goes), removes their
 * avatar's file and closes their live streams. MQ_EFORBIDDEN for a wrong password: nothing
 * is deleted. */
static mq_err delete_account(mq_req *req, const char *password)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char avatar[256];
	mq_err rc = mq_account_check_password(ctx->db, ctx->cfg, req->user->id, password);
	if (rc == MQ_OK)
		rc = mq_account_delete(ctx->db, req->user->id, avatar, sizeof avatar);
	if (rc != MQ_OK)
		return rc;
	if (avatar[0])
		mq_media_remove(ctx->cfg->media_dir, avatar);
	mq_live_close(ctx->cfg, req->user->id);
	return MQ_OK;
}

enum { D_PASSWORD, D_COUNT };
static const mq_field delete_fields[D_COUNT] = {
	[D_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
};

/* DELETE /api/v1/users/me {password}: 204 once the account and everything kept for it are gone
 * (the browser's cookies are cleared too); 403 for a wrong password. */
static void delete_me(mq_req *req, mq_res *res)
{
	mq_value v[D_COUNT];
	if (mq_body_fields(req, res, delete_fields, D_COUNT, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_err rc = delete_account(req, v[D_PASSWORD].s);
	if (rc != MQ_OK) {
		if (rc == MQ_EFORBIDDEN)
			mq_req_error(req, "password is wrong; nothing was deleted");
		mq_reply_err(req, res, rc, rc == MQ_EFORBIDDEN ? "Wrong password" : NULL);
		return;
	}
	mq_session_cookies_clear(req, res);
	res->status = 204;
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
	/* what a person reads: the birthday in the page's calendar and digits, the role in words */
	mq_buf born = MQ_BUF_INIT;
	if (mq_l10n_date(&born, mq_page_language(req),
			 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "date_of_birth"))) == 0)
		cJSON_AddStringToObject(user, "date_of_birth_text", mq_buf_cstr(&born));
	mq_buf_free(&born);
	const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "role"));
	cJSON_AddStringToObject(user, "role_text", mq_page_message(req, role && !strcmp(role, "admin")
								 ? "admin_users.role_admin" : "admin_users.role_user"));
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "profile", user);
	mq_reply_page(req, res, 200, "me", mq_page_message(req, "account.title"), data);
}

/* The member's recommendations (recommend.h), with image URLs; a thin list is filled from TMDB's
 * discover in the member's favourite genres (cold start), never repeating a movie. */
static cJSON *recommendations(mq_req *req, mq_res *res, const char *lang, int limit)
{
	cJSON *items = NULL;
	mq_err rc = mq_recommend_for(mq_ctx_of(req)->db, req->user->id, req->user->lists_v, lang, &req->audience, limit, &items);
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

static const char *const settings_names[] = { "name", "username", "date_of_birth", "language", "theme", "region",
					      "adult_content", NULL };

enum { SF_NAME, SF_USERNAME, SF_DOB, SF_LANGUAGE, SF_THEME, SF_REGION, SF_ADULT, SF_CSRF, SF_COUNT };
static const mq_field settings_form_fields[SF_COUNT] = {
	[SF_NAME] = { "name", MQ_V_STRING, 0, 1, 100, NULL, NULL },
	[SF_USERNAME] = { "username", MQ_V_STRING, 1, 3, 30, NULL, NULL },
	[SF_DOB] = { "date_of_birth", MQ_V_STRING, 0, 10, 10, NULL, NULL },
	[SF_LANGUAGE] = { "language", MQ_V_ENUM, 1, 0, 0, mq_languages, NULL },
	[SF_THEME] = { "theme", MQ_V_ENUM, 1, 0, 0, themes, NULL },
	/* absent (the empty choice): the language's region */
	[SF_REGION] = { "region", MQ_V_ENUM, 0, 0, 0, mq_audience_regions, NULL },
	[SF_ADULT] = { "adult_content", MQ_V_BOOL, 0, 0, 0, NULL, NULL }, /* a checkbox: absent is off */
	[SF_CSRF] = { "_csrf", MQ_V_STRING, 0, 0, 64, NULL, NULL }, /* checked by the dispatcher */
};

/* The region choices of the settings form, named in the page's language, the one of region
 * (may be NULL: the language's) selected. */
static cJSON *region_choices(mq_req *req, const char *region)
{
	cJSON *list = cJSON_CreateArray();
	for (int i = 0; mq_audience_regions[i]; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "code", mq_audience_regions[i]);
		cJSON_AddStringToObject(c, "name", mq_page_message(req, mq_arena_printf(req->arena, "regions.%s", mq_audience_regions[i])));
		cJSON_AddBoolToObject(c, "selected", region && !strcmp(region, mq_audience_regions[i]));
		cJSON_AddItemToArray(list, c);
	}
	return list;
}

/* What the settings page shows besides the profile form: a notice after a change, and the
 * problems of its other forms, in the page's language. */
typedef struct settings_view {
	int saved, password_changed, avatar_saved, avatar_removed;
	const char *username_error, *profile_error; /* the profile form's, beside req->errors */
	const char *avatar_error;
	const char *current_password_error, *new_password_error;
	const char *delete_password_error, *delete_confirm_error;
} settings_view;

/* {"<field>": {"error": text}} for a form of the page whose problems are its own (NULL: none). */
static cJSON *field_errors(const char *const *names, const char *const *errors, size_t n)
{
	cJSON *form = cJSON_CreateObject();
	for (size_t i = 0; i < n; i++) {
		cJSON *field = cJSON_AddObjectToObject(form, names[i]);
		if (errors[i])
			cJSON_AddStringToObject(field, "error", errors[i]);
	}
	return form;
}

/* The settings page: the profile form from the stored profile, or the submitted values when
 * they had problems; the avatar with its upload and remove forms; the password form; the
 * account deletion form. */
static void settings_page(mq_req *req, mq_res *res, int status, const mq_kvlist *submitted,
			  const settings_view *view)
{
	mq_kvlist values = { 0 };
	cJSON *user = NULL;
	mq_account_get(mq_ctx_of(req)->db, req->user->id, &user, NULL);
	if (!submitted && user) {
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
		const char *region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "region"));
		if (region)
			mq_kvlist_add(req->arena, &values, "region", mq_arena_strdup(req->arena, region));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "adult_content")))
			mq_kvlist_add(req->arena, &values, "adult_content", "1");
		submitted = &values;
	}
	cJSON *data = cJSON_CreateObject();
	const char *avatar = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "avatar"));
	if (avatar)
		cJSON_AddStringToObject(data, "avatar", avatar);
	cJSON_Delete(user);
	cJSON *form = mq_page_form(req, settings_names, submitted);
	const char *lang = submitted ? mq_kvlist_get(submitted, "language") : NULL;
	const char *theme = submitted ? mq_kvlist_get(submitted, "theme") : NULL;
	cJSON_AddBoolToObject(form, "lang_fa", lang && !strcmp(lang, "fa"));
	cJSON_AddBoolToObject(form, "theme_dark", theme && !strcmp(theme, "dark"));
	const char *region = submitted ? mq_kvlist_get(submitted, "region") : NULL;
	const char *adult = submitted ? mq_kvlist_get(submitted, "adult_content") : NULL;
	cJSON_AddItemToObject(form, "regions", region_choices(req, region));
	cJSON_AddBoolToObject(form, "region_default", !region || !mq_audience_region_known(region));
	cJSON_AddBoolToObject(form, "adult_checked", adult && (!strcmp(adult, "1") || !strcmp(adult, "true") || !strcmp(adult, "on")));
	if (view->username_error)
		cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(form, "username"), "error", view->username_error);
	if (view->profile_error) {
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(form, "errors"), cJSON_CreateString(view->profile_error));
		cJSON_ReplaceItemInObjectCaseSensitive(form, "has_errors", cJSON_CreateTrue());
	}
	cJSON_AddItemToObject(data, "form", form);
	cJSON_AddBoolToObject(data, "saved", view->saved);
	cJSON_AddBoolToObject(data, "password_changed", view->password_changed);
	cJSON_AddBoolToObject(data, "avatar_saved", view->avatar_saved);
	cJSON_AddBoolToObject(data, "avatar_removed", view->avatar_removed);
	if (view->avatar_error)
		cJSON_AddStringToObject(data, "avatar_error", view->avatar_error);
	static const char *const password_names[] = { "current_password", "new_password" };
	const char *password_errors[] = { view->current_password_error, view->new_password_error };
	cJSON_AddItemToObject(data, "password_form", field_errors(password_names, password_errors, 2));
	static const char *const delete_names[] = { "password", "confirm" };
	const char *delete_errors[] = { view->delete_password_error, view->delete_confirm_error };
	cJSON_AddItemToObject(data, "delete_form", field_errors(delete_names, delete_errors, 2));
	mq_res_header(req, res, "Cache-Control", "private, no-cache");
	mq_reply_page(req, res, status, "settings", mq_page_message(req, "settings.title"), data);
}

static void get_settings_page(mq_req *req, mq_res *res)
{
	static const char *const done[] = { "saved", "password", "avatar", "avatar_removed", NULL };
	enum { Q_SAVED, Q_DONE, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_SAVED] = { "saved", MQ_V_BOOL, 0, 0, 0, NULL, "0" },
		[Q_DONE] = { "done", MQ_V_ENUM, 0, 0, 0, done, NULL },
	};
	mq_value v[Q_COUNT];
	settings_view view = { 0 };
	if (mq_validate_query(req, query, Q_COUNT, v) == 0) {
		const char *d = v[Q_DONE].present ? v[Q_DONE].s : "";
		view.saved = v[Q_SAVED].i || !strcmp(d, "saved");
		view.password_changed = !strcmp(d, "password");
		view.avatar_saved = !strcmp(d, "avatar");
		view.avatar_removed = !strcmp(d, "avatar_removed");
	}
	req->errors.n = 0; /* a stray query parameter is not worth an error page */
	settings_page(req, res, 200, NULL, &view);
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
		else if (v[SF_ADULT].present)
			check_adult_content(req, (int)v[SF_ADULT].i, v[SF_DOB].present ? v[SF_DOB].s : NULL);
	}
	if (req->errors.n) {
		settings_page(req, res, 400, &form, &(settings_view){ 0 });
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
	if (v[SF_REGION].present)
		BSON_APPEND_UTF8(&set, "settings.region", v[SF_REGION].s);
	else
		BSON_APPEND_UTF8(&unset, "settings.region", "");
	BSON_APPEND_BOOL(&set, "settings.adult_content", v[SF_ADULT].present && v[SF_ADULT].i);
	cJSON *user = NULL;
	mq_err rc = mq_account_update(mq_ctx_of(req)->db, req->user->id, &set, &unset, &user);
	if (rc != MQ_OK) {
		settings_view view = { 0 };
		if (rc == MQ_ECONFLICT)
			view.username_error = mq_page_message(req, "settings.username_taken");
		else
			view.profile_error = mq_page_message(req, "settings.save_failed");
		settings_page(req, res, mq_err_status(rc), &form, &view);
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

/* POST /me/avatar (multipart/form-data, the file in "avatar", the form's _csrf beside it): the
 * API's checks, with the problem shown on the settings page in its language. */
static void post_avatar_page(mq_req *req, mq_res *res)
{
	const char *old = current_avatar(req);
	char url[128];
	cJSON *user = NULL;
	mq_err rc = mq_upload_image_store(req, "avatar", "avatars", "an avatar", url, sizeof url);
	if (rc == MQ_OK)
		rc = save_avatar(req, url, old, &user);
	cJSON_Delete(user);
	if (rc == MQ_OK) {
		mq_reply_redirect(req, res, "/me/settings?done=avatar#avatar");
		return;
	}
	req->errors.n = 0; /* said below in the page's words */
	settings_view view = { 0 };
	view.avatar_error = mq_page_message(req, rc == MQ_EINVAL ? "settings.avatar_missing"
					    : rc == MQ_EMEDIATYPE ? "settings.avatar_type"
					    : rc == MQ_ETOOLARGE ? "settings.avatar_size" : "settings.avatar_failed");
	settings_page(req, res, mq_err_status(rc), NULL, &view);
}

/* POST /me/avatar/remove: the avatar goes, its file too. */
static void post_avatar_remove_page(mq_req *req, mq_res *res)
{
	const char *old = current_avatar(req);
	bson_t set = BSON_INITIALIZER, unset = BSON_INITIALIZER;
	BSON_APPEND_UTF8(&unset, "avatar", "");
	cJSON *user = NULL;
	mq_err rc = mq_account_update(mq_ctx_of(req)->db, req->user->id, &set, &unset, &user);
	cJSON_Delete(user);
	bson_destroy(&set);
	bson_destroy(&unset);
	if (rc != MQ_OK) {
		settings_view view = { 0 };
		view.avatar_error = mq_page_message(req, "settings.avatar_failed");
		settings_page(req, res, mq_err_status(rc), NULL, &view);
		return;
	}
	if (old)
		mq_media_remove(mq_ctx_of(req)->cfg->media_dir, old);
	mq_reply_redirect(req, res, "/me/settings?done=avatar_removed#avatar");
}

/* Reads one of the settings page's own forms (password, deletion) into v: whether every field
 * passed its checks. Its problems are said in the page's words by the caller, so req->errors is
 * emptied. */
static int own_form(mq_req *req, const mq_field *fields, size_t n, mq_value *v)
{
	mq_kvlist form;
	memset(v, 0, n * sizeof *v);
	int ok = mq_page_form_body(req, &form) == 0 && mq_validate_kvlist(req, &form, fields, n, v) == 0;
	req->errors.n = 0;
	return ok;
}

/* POST /me/password: current_password, new_password. Success keeps this browser signed in with
 * a fresh session and ends every other; a wrong current password changes nothing. */
static void post_password_page(mq_req *req, mq_res *res)
{
	mq_value v[PW_COUNT];
	settings_view view = { 0 };
	mq_err rc = MQ_EINVAL;
	if (own_form(req, password_fields, PW_COUNT, v)) {
		cJSON *data = change_password(req, res, v[PW_CURRENT].s, v[PW_NEW].s, &rc);
		int changed = data != NULL;
		cJSON_Delete(data);
		if (changed) {
			mq_reply_redirect(req, res, "/me/settings?done=password#password");
			return;
		}
		if (res->body.len)
			return;
	} else if (!v[PW_CURRENT].present) {
		rc = MQ_EFORBIDDEN;
	}
	if (rc == MQ_EFORBIDDEN)
		view.current_password_error = mq_page_message(req, "settings.password_wrong");
	else if (rc == MQ_EINVAL)
		view.new_password_error = mq_page_message(req, "settings.password_rules");
	else
		view.current_password_error = mq_page_message(req, "settings.password_failed");
	settings_page(req, res, mq_err_status(rc), NULL, &view);
}

enum { DF_PASSWORD, DF_CONFIRM, DF_COUNT };
static const mq_field delete_form_fields[DF_COUNT] = {
	[DF_PASSWORD] = { "password", MQ_V_STRING, 1, 1, 1024, NULL, NULL },
	[DF_CONFIRM] = { "confirm", MQ_V_STRING, 0, 1, 8, NULL, NULL },
};

/* POST /me/delete: password and the confirmation box. Deletes the account, signs the browser
 * out and shows /me/deleted; otherwise the settings page says what was missing. */
static void post_delete_page(mq_req *req, mq_res *res)
{
	mq_value v[DF_COUNT];
	settings_view view = { 0 };
	mq_err rc = MQ_EINVAL;
	int given = own_form(req, delete_form_fields, DF_COUNT, v);
	if (!given || !v[DF_PASSWORD].present)
		view.delete_password_error = mq_page_message(req, "settings.delete_wrong");
	if (!given || !v[DF_CONFIRM].present)
		view.delete_confirm_error = mq_page_message(req, "settings.delete_unconfirmed");
	if (!view.delete_password_error && !view.delete_confirm_error) {
		rc = delete_account(req, v[DF_PASSWORD].s);
		if (rc == MQ_OK) {
			mq_session_cookies_clear(req, res);
			mq_reply_redirect(req, res, "/me/deleted");
			return;
		}
		view.delete_password_error = mq_page_message(req, rc == MQ_EFORBIDDEN ? "settings.delete_wrong"
										       : "settings.delete_failed");
	}
	settings_page(req, res, rc == MQ_EINVAL ? 400 : mq_err_status(rc), NULL, &view);
}

/* GET /me/deleted: the confirmation, shown to the visitor the member has become. */
static void get_deleted_page(mq_req *req, mq_res *res)
{
	mq_reply_page(req, res, 200, "account-deleted", mq_page_message(req, "account.deleted_title"), NULL);
}

static const mq_route routes[] = {
	{ MQ_GET, "/me", get_me_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/settings", get_settings_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/me/recommendations", get_recommendations_page, MQ_NEEDS_AUTH },
	{ MQ_GET, "/api/v1/user/recommendations", get_recommendations, MQ_NEEDS_AUTH },
	{ MQ_POST, "/me/settings", post_settings_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/me/avatar", post_avatar_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/me/avatar/remove", post_avatar_remove_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/me/password", post_password_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/me/delete", post_delete_page, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_GET, "/me/deleted", get_deleted_page, 0 },
	{ MQ_GET, "/api/v1/users/me", get_me, MQ_NEEDS_AUTH },
	{ MQ_PATCH, "/api/v1/users/me", patch_me, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/users/me", delete_me, MQ_NEEDS_AUTH | MQ_CSRF },
	{ MQ_POST, "/api/v1/users/me/password", post_password, MQ_NEEDS_AUTH | MQ_CSRF },
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
