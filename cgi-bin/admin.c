/* admin.c — the admin worker (role admin only; every change audited): TMDB lookups that fill
 * the review form, movies created from TMDB or by hand, edited with per-field locks, hidden and
 * restored, re-synced now; the audit log; the sync's notifications and runs; users' roles. */
#include "core/log.h"
#include "core/search.h"
#include "domain/account.h"
#include "domain/admin.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/sync.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "site/worker.h"
#include "tmdb/images.h"
#include "tmdb/movie.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/json.h"
#include "web/media.h"
#include "web/response.h"
#include "web/upload.h"
#include "web/valid.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void audit(mq_req *req, const char *action, const char *kind, const char *target, const cJSON *before,
		  const cJSON *after)
{
	if (mq_admin_audit(mq_ctx_of(req)->db, req->user->id, action, kind, target, before, after, req->request_id) != MQ_OK)
		mq_log(MQ_LOG_ERROR, "audit", "%s of %s %s by %s not audited", action, kind, target ? target : "",
		       req->user->id);
}

static void reply_tmdb_error(mq_req *req, mq_res *res, mq_err rc)
{
	const char *msg = rc == MQ_ENOTFOUND ? "TMDB has no such movie"
			  : rc == MQ_EUNAVAIL ? "TMDB is not answering right now; try again in a minute"
			  : rc == MQ_ETIMEOUT ? "TMDB took too long to answer; try again"
			  : "TMDB's answer could not be used";
	mq_reply_err(req, res, rc, msg);
}

/* The review form's values of a TMDB movie: its catalogue document as it would be stored (titles
 * and overviews in every language, cast, directors, genres …), without derived fields. */
static mq_err tmdb_form(mq_req *req, long long tmdb_id, cJSON **form)
{
	const mq_env env = mq_env_of(req);
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	static const char *const query[] = { "append_to_response", "credits,keywords,translations,release_dates", NULL };
	cJSON *details = NULL;
	mq_cache_state state;
	*form = NULL;
	mq_err rc = mq_tmdbcache_get(&env, path, query, &details, &state);
	if (rc == MQ_OK && !(*form = mq_movie_doc_from_tmdb(details, env.cfg)))
		rc = MQ_EUPSTREAM;
	cJSON_Delete(details);
	if (*form) {
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "search_keys");
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "title_key");
		mq_movieapi_images(req, *form);
	}
	return rc;
}

/* The catalogue's id of a TMDB movie, when it has it (arena), else NULL. */
static const char *in_catalogue(mq_req *req, long long tmdb_id)
{
	mq_env env = mq_env_of(req);
	env.tmdb = NULL; /* the catalogue only */
	char ref[24];
	snprintf(ref, sizeof ref, "%lld", tmdb_id);
	cJSON *movie = NULL;
	int fetched = 0;
	const char *id = NULL;
	if (mq_catalog_get(&env, ref, "en", &movie, &fetched) == MQ_OK)
		id = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id")));
	cJSON_Delete(movie);
	return id;
}

/* GET /api/v1/admin/tmdb/lookup?q=: by TMDB id (digits), IMDb id (tt…) or title (a year at the
 * end narrows it: "Heat 1995", "Heat (1995)"). Candidates, and for one movie the form values;
 * nothing is saved. */
static void get_lookup(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = { { "q", MQ_V_STRING, 1, 1, 200, NULL, NULL } };
	mq_value v[1];
	if (mq_valid_query_or_reply(req, res, fields, 1, v))
		return;
	const mq_env env = mq_env_of(req);
	const char *q = v[0].s;
	long long tmdb_id = 0;
	cJSON *candidates = cJSON_CreateArray();
	mq_err rc = MQ_OK;
	size_t len = strlen(q);
	int digits = len > 0 && len <= 9 && strspn(q, "0123456789") == len;
	int imdb = len > 2 && len <= 12 && q[0] == 't' && q[1] == 't' && strspn(q + 2, "0123456789") == len - 2;
	if (digits) {
		tmdb_id = atoll(q);
	} else if (imdb) {
		char path[32];
		snprintf(path, sizeof path, "/find/%s", q);
		static const char *const query[] = { "external_source", "imdb_id", NULL };
		cJSON *found = NULL;
		mq_cache_state state;
		rc = mq_tmdbcache_get(&env, path, query, &found, &state);
		const cJSON *item;
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(found, "movie_results")) {
			cJSON *m = mq_movie_summary_from_tmdb(item);
			if (m)
				cJSON_AddItemToArray(candidates, m);
		}
		cJSON_Delete(found);
		if (rc == MQ_OK && cJSON_GetArraySize(candidates) == 0)
			rc = MQ_ENOTFOUND;
	} else {
		/* a title, perhaps ending in a year */
		char *title = mq_arena_strdup(req->arena, q), year[5] = "";
		size_t n = strlen(title);
		while (n > 0 && (title[n - 1] == ')' || isspace((unsigned char)title[n - 1])))
			n--;
		if (n >= 5 && isdigit((unsigned char)title[n - 1]) && isdigit((unsigned char)title[n - 4]) &&
		    strspn(title + n - 4, "0123456789") >= 4 && (title[n - 5] == ' ' || title[n - 5] == '(')) {
			memcpy(year, title + n - 4, 4);
			n -= 5;
			while (n > 0 && (title[n - 1] == '(' || isspace((unsigned char)title[n - 1])))
				n--;
			title[n] = '\0';
		}
		const char *query[] = { "query", title, "include_adult", "false", year[0] ? "year" : NULL, year, NULL };
		cJSON *page = NULL;
		mq_cache_state state;
		rc = mq_tmdbcache_get(&env, "/search/movie", query, &page, &state);
		long long p = 0, total = 0;
		cJSON *items = rc == MQ_OK ? mq_movie_summaries_from_tmdb_page(page, &p, &total) : NULL;
		cJSON_Delete(page);
		cJSON *m;
		while (items && (m = cJSON_DetachItemFromArray(items, 0)) && cJSON_GetArraySize(candidates) < 20)
			cJSON_AddItemToArray(candidates, m);
		cJSON_Delete(items);
	}
	if (rc != MQ_OK) {
		cJSON_Delete(candidates);
		reply_tmdb_error(req, res, rc);
		return;
	}
	if (!tmdb_id && cJSON_GetArraySize(candidates) == 1)
		tmdb_id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(candidates->child, "tmdb_id"));
	cJSON *out = cJSON_CreateObject();
	if (tmdb_id) {
		cJSON *form = NULL;
		rc = tmdb_form(req, tmdb_id, &form);
		if (rc != MQ_OK) {
			cJSON_Delete(out);
			cJSON_Delete(candidates);
			reply_tmdb_error(req, res, rc);
			return;
		}
		if (cJSON_GetArraySize(candidates) == 0)
			cJSON_AddItemToArray(candidates, cJSON_Duplicate(form, 1));
		const char *have = in_catalogue(req, tmdb_id);
		cJSON_AddItemToObject(out, "movie", form);
		if (have)
			cJSON_AddStringToObject(out, "in_catalogue", have);
		else
			cJSON_AddNullToObject(out, "in_catalogue");
	}
	mq_movieapi_images(req, candidates);
	cJSON_AddItemToObject(out, "candidates", candidates);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, out);
}

/* The movie fields of a create or edit body: the writable ones only (anything else is a 400),
 * each of the right type. */
static cJSON *movie_fields(mq_req *req, mq_res *res, int create, cJSON **body_out)
{
	cJSON *body = NULL;
	mq_err rc = mq_json_body(req, &body);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return NULL;
	}
	*body_out = body;
	static const struct {
		const char *name;
		int type; /* cJSON type */
		double min, max;
		int items; /* arrays: their elements' cJSON type */
	} rules[] = {
		{ "tmdb_id", cJSON_Number, 1, 2147483647, 0 }, { "title", cJSON_String, 1, 300, 0 }, { "titles", cJSON_Object, 0, 0, 0 },
		{ "original_title", cJSON_String, 0, 300, 0 }, { "original_language", cJSON_String, 2, 3, 0 },
		{ "overview", cJSON_String, 0, 5000, 0 }, { "overviews", cJSON_Object, 0, 0, 0 }, { "release_date", cJSON_String, 0, 10, 0 },
		{ "year", cJSON_Number, 1870, 2100, 0 }, { "runtime", cJSON_Number, 1, 1000, 0 }, { "genres", cJSON_Array, 0, 20, cJSON_Object },
		{ "poster_path", cJSON_String, 0, 300, 0 }, { "backdrop_path", cJSON_String, 0, 300, 0 }, { "cast", cJSON_Array, 0, 100, cJSON_Object },
		{ "directors", cJSON_Array, 0, 20, cJSON_Object }, { "keywords", cJSON_Array, 0, 100, cJSON_String }, { "certification", cJSON_String, 0, 16, 0 },
		{ "imdb_id", cJSON_String, 0, 12, 0 }, { "popularity", cJSON_Number, 0, 1e9, 0 }, { "vote_average", cJSON_Number, 0, 10, 0 },
		{ "vote_count", cJSON_Number, 0, 1e9, 0 },
	};
	static const char *const controls[] = { "lock", "unlock", NULL };
	cJSON *fields = cJSON_CreateObject();
	mq_json_own(req, fields);
	const cJSON *f;
	cJSON_ArrayForEach(f, body) {
		int is_control = 0;
		for (int c = 0; controls[c]; c++)
			is_control |= !create && !strcmp(f->string, controls[c]);
		if (is_control)
			continue;
		size_t k = 0;
		while (k < sizeof rules / sizeof rules[0] && strcmp(rules[k].name, f->string))
			k++;
		if (k == sizeof rules / sizeof rules[0] || (!create && !strcmp(f->string, "tmdb_id"))) {
			mq_req_error(req, "%.40s is not a field you can set", f->string);
			continue;
		}
		int ok = cJSON_IsNull(f) ? strcmp(f->string, "title") != 0 : (f->type & 0xFF) == rules[k].type;
		if (ok && cJSON_IsString(f)) {
			size_t n = strlen(f->valuestring);
			ok = n >= (size_t)rules[k].min && n <= (size_t)rules[k].max && mq_utf8_valid(f->valuestring, n);
		} else if (ok && cJSON_IsNumber(f)) {
			ok = f->valuedouble >= rules[k].min && f->valuedouble <= rules[k].max;
		} else if (ok && cJSON_IsArray(f)) {
			ok = cJSON_GetArraySize(f) <= (int)rules[k].max;
			const cJSON *e;
			cJSON_ArrayForEach(e, f) {
				ok &= (e->type & 0xFF) == rules[k].items;
				if (ok && cJSON_IsString(e))
					ok = mq_valid_text(e->valuestring, 1, 200);
				if (ok && !strcmp(f->string, "genres")) { /* {id, name}: lists filter on genres.id */
					const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
					ok = cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble <= 2147483647 &&
					     id->valuedouble == (double)(long long)id->valuedouble &&
					     cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name"));
				}
			}
		} else if (ok && cJSON_IsObject(f)) {
			const cJSON *lang;
			cJSON_ArrayForEach(lang, f)
				ok &= (!strcmp(lang->string, "en") || !strcmp(lang->string, "fa")) && cJSON_IsString(lang) &&
				      strlen(lang->valuestring) <= 5000;
		}
		if (!ok) {
			mq_req_error(req, "%s has the wrong type or size", f->string);
			continue;
		}
		cJSON_AddItemToObject(fields, f->string, cJSON_Duplicate(f, 1));
	}
	if (create && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(fields, "title")))
		mq_req_error(req, "title is required");
	if (!create && !fields->child && !cJSON_GetObjectItemCaseSensitive(body, "unlock"))
		mq_req_error(req, "send the fields to change, or unlock");
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return NULL;
	}
	return fields;
}

/* POST /api/v1/admin/movies: from the reviewed TMDB values (with tmdb_id) or by hand. */
static void post_movie(mq_req *req, mq_res *res)
{
	cJSON *body = NULL, *fields = movie_fields(req, res, 1, &body);
	if (!fields)
		return;
	cJSON *movie = NULL;
	mq_err rc = mq_admin_movie_create(mq_ctx_of(req)->db, fields, &movie);
	if (rc == MQ_ECONFLICT) {
		const cJSON *tmdb = cJSON_GetObjectItemCaseSensitive(fields, "tmdb_id");
		const char *have = tmdb ? in_catalogue(req, (long long)tmdb->valuedouble) : NULL;
		if (have) {
			mq_req_error(req, "/api/v1/admin/movies/%s", have);
			mq_res_header(req, res, "Location", mq_arena_printf(req->arena, "/api/v1/admin/movies/%s", have));
		}
		mq_reply_err(req, res, rc, "This TMDB movie is in the catalogue already");
		return;
	}
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	audit(req, "movie.create", "movie", id, NULL, movie);
	mq_movieapi_images(req, movie);
	mq_reply_data(req, res, 201, movie);
}

static void reply_movie(mq_req *req, mq_res *res, mq_err rc, cJSON *movie)
{
	if (rc != MQ_OK) {
		cJSON_Delete(movie);
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	mq_movieapi_images(req, movie);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, movie);
}

/* GET /api/v1/admin/movies/:id: the movie as stored, hidden ones and locks included. */
static void get_movie(mq_req *req, mq_res *res)
{
	cJSON *before = NULL, *after = NULL;
	/* an edit of nothing, unlocking nothing: reads the movie through the same path */
	cJSON *none = cJSON_CreateObject();
	mq_err rc = mq_admin_movie_edit(mq_ctx_of(req)->db, mq_req_route(req, "id"), none, 0, NULL, &before, &after);
	cJSON_Delete(none);
	cJSON_Delete(after);
	reply_movie(req, res, rc, before);
}

/* PATCH /api/v1/admin/movies/:id {fields…, lock?: false, unlock?: [fields]} */
static void patch_movie(mq_req *req, mq_res *res)
{
	cJSON *body = NULL, *fields = movie_fields(req, res, 0, &body);
	if (!fields)
		return;
	const cJSON *lock = cJSON_GetObjectItemCaseSensitive(body, "lock");
	const cJSON *unlock = cJSON_GetObjectItemCaseSensitive(body, "unlock");
	if ((lock && !cJSON_IsBool(lock)) || (unlock && !cJSON_IsArray(unlock))) {
		mq_req_error(req, "lock must be true or false, unlock a list of field names");
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const cJSON *u;
	cJSON_ArrayForEach(u, unlock) {
		int known = 0;
		for (int i = 0; cJSON_IsString(u) && mq_catalog_lockable[i]; i++)
			known |= !strcmp(u->valuestring, mq_catalog_lockable[i]);
		if (!known) {
			mq_req_error(req, "unlock: not a lockable field");
			mq_reply_err(req, res, MQ_EINVAL, NULL);
			return;
		}
	}
	cJSON *before = NULL, *after = NULL;
	const char *id = mq_req_route(req, "id");
	mq_err rc = mq_admin_movie_edit(mq_ctx_of(req)->db, id, fields, !cJSON_IsFalse(lock), unlock, &before, &after);
	if (rc == MQ_OK)
		audit(req, fields->child ? "movie.edit" : "movie.unlock", "movie", id, before, after);
	cJSON_Delete(before);
	reply_movie(req, res, rc, after);
}

static void hide(mq_req *req, mq_res *res, int hidden)
{
	cJSON *before = NULL, *after = NULL;
	const char *id = mq_req_route(req, "id");
	mq_err rc = mq_admin_movie_hide(mq_ctx_of(req)->db, id, hidden, &before, &after);
	if (rc == MQ_OK)
		audit(req, hidden ? "movie.delete" : "movie.restore", "movie", id, before, after);
	cJSON_Delete(before);
	reply_movie(req, res, rc, after);
}

/* DELETE /api/v1/admin/movies/:id: hidden from the public, restorable. */
static void delete_movie(mq_req *req, mq_res *res)
{
	hide(req, res, 1);
}

static void restore_movie(mq_req *req, mq_res *res)
{
	hide(req, res, 0);
}

/* POST /api/v1/admin/movies/:id/sync: TMDB's version now, locks kept; what changed. */
static void sync_movie(mq_req *req, mq_res *res)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	const mq_env env = mq_env_of(req);
	const char *id = mq_req_route(req, "id");
	cJSON *before = NULL, *after = NULL, *none = cJSON_CreateObject();
	mq_err rc = mq_admin_movie_edit(ctx->db, id, none, 0, NULL, &before, &after);
	cJSON_Delete(after);
	after = NULL;
	double tmdb_id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(before, "tmdb_id"));
	if (rc == MQ_OK && !(tmdb_id > 0)) {
		mq_req_error(req, "a movie added by hand has no TMDB id to sync from");
		rc = MQ_EUNPROCESSABLE;
	}
	if (rc == MQ_OK) {
		mq_sync *s = mq_sync_new(&env, 0, 1);
		long long ids[1] = { (long long)tmdb_id };
		rc = mq_sync_movies(s, ids, 1);
		const mq_sync_counts *c = mq_sync_counts_of(s);
		if (rc == MQ_OK && c->failed)
			rc = MQ_EUPSTREAM;
		mq_sync_free(s);
	}
	if (rc == MQ_OK) {
		cJSON *again = NULL;
		rc = mq_admin_movie_edit(ctx->db, id, none, 0, NULL, &after, &again);
		cJSON_Delete(again);
	}
	cJSON_Delete(none);
	if (rc != MQ_OK) {
		cJSON_Delete(before);
		cJSON_Delete(after);
		if (rc == MQ_EUNPROCESSABLE || rc == MQ_ENOTFOUND)
			mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		else
			reply_tmdb_error(req, res, rc);
		return;
	}
	audit(req, "movie.sync", "movie", id, before, after);
	cJSON *out = cJSON_CreateObject();
	cJSON *changed = cJSON_AddArrayToObject(out, "changed");
	const cJSON *f;
	cJSON_ArrayForEach(f, after) {
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(before, f->string);
		if (strcmp(f->string, "updated_at") && strcmp(f->string, "tmdb_synced_at") && (!b || !cJSON_Compare(b, f, 1)))
			cJSON_AddItemToArray(changed, cJSON_CreateString(f->string));
	}
	mq_movieapi_images(req, after);
	cJSON_AddItemToObject(out, "movie", after);
	cJSON_Delete(before);
	mq_reply_data(req, res, 200, out);
}

/* The TMDB id of a catalogue movie (0 for one added by hand); *rc as the lookup's. */
static long long movie_tmdb_id(mq_req *req, const char *id, mq_err *rc)
{
	cJSON *before = NULL, *after = NULL, *none = cJSON_CreateObject();
	*rc = mq_admin_movie_edit(mq_ctx_of(req)->db, id, none, 0, NULL, &before, &after);
	double tmdb = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(before, "tmdb_id"));
	cJSON_Delete(none);
	cJSON_Delete(before);
	cJSON_Delete(after);
	return tmdb > 0 ? (long long)tmdb : 0;
}

/* GET /api/v1/admin/movies/:id/tmdb-images: TMDB's posters and backdrops for the movie, to
 * choose from (PATCH poster_path / backdrop_path with one's path). */
static void get_tmdb_images(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	mq_err rc;
	long long tmdb_id = movie_tmdb_id(req, mq_req_route(req, "id"), &rc);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	if (!tmdb_id) {
		mq_req_error(req, "a movie added by hand has no images at TMDB");
		mq_reply_err(req, res, MQ_EUNPROCESSABLE, NULL);
		return;
	}
	char path[40];
	snprintf(path, sizeof path, "/movie/%lld/images", tmdb_id);
	static const char *const query[] = { "include_image_language", "en,fa,null", NULL };
	cJSON *images = NULL;
	mq_cache_state state;
	rc = mq_tmdbcache_get(&env, path, query, &images, &state);
	if (rc != MQ_OK) {
		reply_tmdb_error(req, res, rc);
		return;
	}
	mq_image_config ic;
	mq_images_config(&env, &ic);
	cJSON *out = cJSON_CreateObject();
	static const char *const kinds[][3] = { { "posters", "posters", "w342" }, { "backdrops", "backdrops", "w780" } };
	for (int k = 0; k < 2; k++) {
		cJSON *list = cJSON_AddArrayToObject(out, kinds[k][1]);
		const cJSON *img;
		cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(images, kinds[k][0])) {
			const char *file = mq_tmdb_string(img, "file_path");
			if (!file || cJSON_GetArraySize(list) >= 30)
				continue;
			mq_buf url = MQ_BUF_INIT;
			mq_tmdb_image_url(ic.base, kinds[k][2], file, &url);
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "path", file);
			cJSON_AddStringToObject(e, "url", mq_buf_cstr(&url));
			cJSON_AddNumberToObject(e, "width", mq_tmdb_number(img, "width", 0));
			cJSON_AddNumberToObject(e, "height", mq_tmdb_number(img, "height", 0));
			const char *lang = mq_tmdb_string(img, "iso_639_1");
			if (lang)
				cJSON_AddStringToObject(e, "language", lang);
			else
				cJSON_AddNullToObject(e, "language");
			cJSON_AddItemToArray(list, e);
			mq_buf_free(&url);
		}
	}
	cJSON_Delete(images);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, out);
}

/* POST /api/v1/admin/movies/:id/images?kind=poster|backdrop, multipart field "image": an
 * uploaded poster or backdrop (checked as avatars are), which the sync then leaves alone. */
static void post_image(mq_req *req, mq_res *res)
{
	static const char *const kinds[] = { "poster", "backdrop", NULL };
	const mq_field fields[] = { { "kind", MQ_V_ENUM, 1, 0, 0, kinds, NULL } };
	mq_value v[1];
	if (mq_valid_query_or_reply(req, res, fields, 1, v))
		return;
	const mq_ctx *ctx = mq_ctx_of(req);
	const char *id = mq_req_route(req, "id");
	mq_err rc;
	movie_tmdb_id(req, id, &rc);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	char url[128];
	int poster = v[0].i == 0;
	if (mq_upload_image(req, res, "image", poster ? "posters" : "backdrops", poster ? "a poster" : "a backdrop", url,
			    sizeof url))
		return;
	const char *field = poster ? "poster_path" : "backdrop_path";
	cJSON *set = cJSON_CreateObject(), *before = NULL, *after = NULL;
	cJSON_AddStringToObject(set, field, url);
	rc = mq_admin_movie_edit(ctx->db, id, set, 1, NULL, &before, &after);
	cJSON_Delete(set);
	const char *old = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(before, field));
	/* the file no longer used goes: the old upload on success, the new one on failure */
	mq_media_remove(ctx->cfg->media_dir, rc == MQ_OK ? old : url);
	if (rc == MQ_OK)
		audit(req, "movie.image", "movie", id, before, after);
	cJSON_Delete(before);
	if (rc != MQ_OK) {
		cJSON_Delete(after);
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_movieapi_images(req, after);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 201, after);
}

/* GET /api/v1/admin/audit?movie=&admin=&action=&page=&limit= */
static void get_audit(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = {
		MQ_FIELD_PAGE, MQ_FIELD_LIMIT, { "movie", MQ_V_STRING, 0, 24, 24, NULL, NULL },
		{ "admin", MQ_V_STRING, 0, 24, 24, NULL, NULL }, { "action", MQ_V_STRING, 0, 1, 40, NULL, NULL },
	};
	mq_value v[5];
	if (mq_validate_query(req, fields, 5, v) || (v[2].present && !mq_is_object_id(v[2].s)) ||
	    (v[3].present && !mq_is_object_id(v[3].s))) {
		if (!req->errors.n)
			mq_req_error(req, "movie and admin are 24-hex ids");
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = mq_admin_audit_list(mq_ctx_of(req)->db, v[2].present ? v[2].s : NULL, v[3].present ? v[3].s : NULL,
				  v[4].present ? v[4].s : NULL, v[0].i, v[1].i, &items, &total);
	if (rc != MQ_OK) {
		cJSON_Delete(items);
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_list(req, res, items, v[0].i, v[1].i, total);
}

/* ---- notifications, sync runs, users ---- */

static const mq_field list_fields[] = { MQ_FIELD_PAGE, MQ_FIELD_LIMIT, { "unseen", MQ_V_BOOL, 0, 0, 0, NULL, NULL } };

/* GET /api/v1/admin/notifications?unseen=true: the sync's news, newest first; X-Unseen-Count. */
static void get_notifications(mq_req *req, mq_res *res)
{
	mq_value v[3];
	if (mq_valid_query_or_reply(req, res, list_fields, 3, v))
		return;
	cJSON *items = NULL;
	long long total = 0, unseen = 0;
	mq_err rc = mq_admin_notifications_list(mq_ctx_of(req)->db, req->user->id, v[2].present && v[2].i, v[0].i, v[1].i,
					  &items, &total, &unseen);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_res_header(req, res, "X-Unseen-Count", mq_arena_printf(req->arena, "%lld", unseen));
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_list(req, res, items, v[0].i, v[1].i, total);
}

/* GET /api/v1/admin/notifications/count: {unseen} for the admin header. */
static void get_notification_count(mq_req *req, mq_res *res)
{
	if (mq_valid_query_or_reply(req, res, NULL, 0, NULL))
		return;
	cJSON *items = NULL;
	long long total = 0, unseen = 0;
	mq_err rc = mq_admin_notifications_list(mq_ctx_of(req)->db, req->user->id, 1, 1, 1, &items, &total, &unseen);
	cJSON_Delete(items);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "unseen", (double)unseen);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, out);
}

/* POST /api/v1/admin/notifications/:id/seen, and /notifications/seen for all of them. */
static void post_seen(mq_req *req, mq_res *res)
{
	mq_err rc = mq_admin_notifications_seen(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"));
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such notification" : NULL);
		return;
	}
	res->status = 204;
}

/* GET /api/v1/admin/sync/runs: the runs, newest first; X-Sync-Running names a run in progress. */
static void get_sync_runs(mq_req *req, mq_res *res)
{
	mq_value v[2];
	if (mq_valid_query_or_reply(req, res, list_fields, 2, v))
		return;
	cJSON *items = NULL, *lease = NULL;
	long long total = 0;
	mq_err rc = mq_admin_sync_runs(mq_ctx_of(req)->db, v[0].i, v[1].i, &items, &total, &lease);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	if (lease) {
		const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lease, "kind"));
		const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lease, "host"));
		mq_res_header(req, res, "X-Sync-Running",
			      mq_arena_printf(req->arena, "%s pid %lld on %s", kind ? kind : "?",
					      (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(lease, "pid")),
					      host ? host : "?"));
	}
	cJSON_Delete(lease);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_list(req, res, items, v[0].i, v[1].i, total);
}

/* POST /api/v1/admin/sync/runs {kind}: starts a run in the background (202); 409 while one
 * holds the lease. */
static void post_sync_run(mq_req *req, mq_res *res)
{
	const mq_field fields[] = { { "kind", MQ_V_ENUM, 1, 0, 0, mq_sync_kinds, NULL } };
	mq_value v[1];
	if (mq_body_fields(req, res, fields, 1, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *items = NULL, *lease = NULL;
	long long total = 0;
	mq_err rc = mq_admin_sync_runs(ctx->db, 1, 1, &items, &total, &lease);
	cJSON_Delete(items);
	if (rc == MQ_OK && lease) {
		cJSON_Delete(lease);
		mq_reply_err(req, res, MQ_ECONFLICT, "A sync is running; try again when it is done");
		return;
	}
	long pid = 0;
	const char *kind = mq_sync_kinds[v[0].i];
	if (rc == MQ_OK)
		rc = mq_sync_start(ctx->cfg, kind, &pid);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_EINTERNAL ? "The sync could not be started (see the admin worker's log)" : NULL);
		return;
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "kind", kind);
	cJSON_AddNumberToObject(out, "pid", (double)pid);
	audit(req, "sync.start", "sync", kind, NULL, out);
	mq_reply_data(req, res, 202, out);
}

/* GET /api/v1/admin/users?q=: users whose e-mail, username or name starts with q. */
static void get_users(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = { MQ_FIELD_PAGE, MQ_FIELD_LIMIT, { "q", MQ_V_STRING, 0, 1, 100, NULL, NULL } };
	mq_value v[3];
	if (mq_valid_query_or_reply(req, res, fields, 3, v))
		return;
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = mq_account_list(mq_ctx_of(req)->db, v[2].present ? v[2].s : NULL, v[0].i, v[1].i, &items, &total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_list(req, res, items, v[0].i, v[1].i, total);
}

/* PATCH /api/v1/admin/users/:id/role {role: "user"|"admin"}; never one's own. */
static void patch_role(mq_req *req, mq_res *res)
{
	static const char *const roles[] = { "user", "admin", NULL };
	const mq_field fields[] = { { "role", MQ_V_ENUM, 1, 0, 0, roles, NULL } };
	mq_value v[1];
	if (mq_body_fields(req, res, fields, 1, v))
		return;
	if (req->errors.n) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *id = mq_req_route(req, "id");
	if (!strcmp(id, req->user->id)) {
		mq_req_error(req, "another admin changes your role: none can lock everyone out");
		mq_reply_err(req, res, MQ_EUNPROCESSABLE, NULL);
		return;
	}
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *before = NULL, *after = NULL;
	int changed = 0;
	mq_err rc = mq_account_get(db, id, &before, NULL);
	if (rc == MQ_OK)
		rc = mq_account_set_role_by_id(db, id, roles[v[0].i], &changed);
	if (rc == MQ_OK)
		rc = mq_account_get(db, id, &after, NULL);
	if (rc != MQ_OK) {
		cJSON_Delete(before);
		mq_reply_err(req, res, rc == MQ_EINVAL ? MQ_ENOTFOUND : rc, rc == MQ_ENOTFOUND || rc == MQ_EINVAL ? "No such user" : NULL);
		return;
	}
	if (changed)
		audit(req, "user.role", "user", id, before, after);
	cJSON_Delete(before);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_data(req, res, 200, after);
}

/* ---- pages (/admin/…): forms that work without JavaScript, each carrying the CSRF token ---- */

/* The fields of a movie form (templates/admin-movie.mustache) as the API's fields: titles and
 * overviews in English and Persian side by side, genres ticked from the list, cast rows (name,
 * character; a row with "remove" ticked or no name is dropped), directors one per line. Empty
 * inputs clear their field on an edit. *locks gets the fields whose lock box is ticked. */
static cJSON *form_fields(mq_req *req, const mq_kvlist *form, int create, cJSON **locks)
{
	/* an edit changes only what the form has inputs for (a partial post leaves the rest) */
	cJSON *f = cJSON_CreateObject(), *titles = NULL, *overviews = NULL, *genres = NULL, *cast = NULL, *directors = NULL;
	if (create || mq_kvlist_get(form, "title_fa"))
		titles = cJSON_AddObjectToObject(f, "titles");
	if (create || mq_kvlist_get(form, "overview_fa"))
		overviews = cJSON_AddObjectToObject(f, "overviews");
	if (create || mq_kvlist_get(form, "has_genres"))
		genres = cJSON_AddArrayToObject(f, "genres");
	if (create || mq_kvlist_get(form, "cast_name_0"))
		cast = cJSON_AddArrayToObject(f, "cast");
	if (create || mq_kvlist_get(form, "directors"))
		directors = cJSON_AddArrayToObject(f, "directors");
	*locks = cJSON_CreateArray();
	const char *v;
	if ((v = mq_kvlist_get(form, "title")) && *v) {
		cJSON_AddStringToObject(f, "title", v);
		if (titles)
			cJSON_AddStringToObject(titles, "en", v);
	}
	if ((v = mq_kvlist_get(form, "title_fa")) && *v && titles)
		cJSON_AddStringToObject(titles, "fa", v);
	if ((v = mq_kvlist_get(form, "overview")) && *v) {
		if (overviews)
			cJSON_AddStringToObject(overviews, "en", v);
		else
			cJSON_AddStringToObject(f, "overview", v);
	}
	if ((v = mq_kvlist_get(form, "overview_fa")) && *v && overviews)
		cJSON_AddStringToObject(overviews, "fa", v);
	static const char *const texts[] = { "original_title", "release_date", "poster_path", "backdrop_path", "certification",
					     "imdb_id", NULL };
	for (int i = 0; texts[i]; i++) {
		v = mq_kvlist_get(form, texts[i]);
		if (v && *v)
			cJSON_AddStringToObject(f, texts[i], v);
		else if (v && !create)
			cJSON_AddNullToObject(f, texts[i]);
	}
	if ((v = mq_kvlist_get(form, "runtime")) && *v) {
		char *end = NULL;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 1000)
			mq_req_error(req, "runtime must be minutes, 1 to 1000");
		else
			cJSON_AddNumberToObject(f, "runtime", (double)n);
	} else if (v && !create) {
		cJSON_AddNullToObject(f, "runtime");
	}
	if ((v = mq_kvlist_get(form, "tmdb_id")) && *v && create) {
		long long id = atoll(v);
		if (id < 1 || id > 2147483647)
			mq_req_error(req, "tmdb_id must be a TMDB id");
		else
			cJSON_AddNumberToObject(f, "tmdb_id", (double)id);
	}
	/* genres: "genre" = "<id>:<English name>" per ticked box */
	for (size_t i = 0; i < form->n; i++) {
		const mq_kv *kv = &form->items[i];
		if (!strcmp(kv->key, "genre") && genres) {
			const char *colon = strchr(kv->value, ':');
			long long id = atoll(kv->value);
			if (id < 1 || !colon)
				continue;
			cJSON *g = cJSON_CreateObject();
			cJSON_AddNumberToObject(g, "id", (double)id);
			cJSON_AddStringToObject(g, "name", colon + 1);
			cJSON_AddItemToArray(genres, g);
		} else if (!strncmp(kv->key, "lock_", 5) && *kv->value) {
			cJSON_AddItemToArray(*locks, cJSON_CreateString(kv->key + 5));
		}
	}
	for (int row = 0; cast && row < 100; row++) {
		char key[40];
		snprintf(key, sizeof key, "cast_name_%d", row);
		const char *name = mq_kvlist_get(form, key);
		if (!name)
			break;
		snprintf(key, sizeof key, "cast_remove_%d", row);
		if (!*name || mq_kvlist_get(form, key))
			continue;
		snprintf(key, sizeof key, "cast_character_%d", row);
		const char *character = mq_kvlist_get(form, key);
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", name);
		if (character && *character)
			cJSON_AddStringToObject(c, "character", character);
		cJSON_AddNumberToObject(c, "order", cJSON_GetArraySize(cast));
		snprintf(key, sizeof key, "cast_tmdb_%d", row);
		if ((v = mq_kvlist_get(form, key)) && atoll(v) > 0)
			cJSON_AddNumberToObject(c, "tmdb_id", (double)atoll(v));
		cJSON_AddItemToArray(cast, c);
	}
	if ((v = mq_kvlist_get(form, "directors")) && directors) {
		char *copy = mq_arena_strdup(req->arena, v), *save = NULL;
		for (char *line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
			while (*line == ' ')
				line++;
			if (*line) {
				cJSON *d = cJSON_CreateObject();
				cJSON_AddStringToObject(d, "name", line);
				cJSON_AddItemToArray(directors, d);
			}
		}
	}
	/* a new movie needs a title; an edit may leave it out, but not empty it */
	if (!cJSON_GetObjectItemCaseSensitive(f, "title") && (create || mq_kvlist_get(form, "title")))
		mq_req_error(req, "title is required");
	return f;
}

/* The movie's values for the form template: fields as they are, plus what the template needs
 * (fa title and overview, cast rows with indexes and spare rows, directors as lines, each genre
 * of the list with "checked", lock flags). */
static cJSON *form_values(mq_req *req, const cJSON *movie, const cJSON *all_genres)
{
	cJSON *v = cJSON_Duplicate(movie, 1);
	/* every field the template shows is present, empty if need be: a missing one would be looked
	 * up in the page's own values (Mustache's context stack), e.g. the page's title */
	static const char *const shown[] = { "title", "original_title", "release_date", "runtime", "poster_path",
					     "backdrop_path", "overview", NULL };
	for (int i = 0; shown[i]; i++) {
		const cJSON *have = cJSON_GetObjectItemCaseSensitive(v, shown[i]);
		if (!have || cJSON_IsNull(have)) {
			cJSON_DeleteItemFromObjectCaseSensitive(v, shown[i]);
			cJSON_AddStringToObject(v, shown[i], "");
		}
	}
	const cJSON *titles = cJSON_GetObjectItemCaseSensitive(movie, "titles");
	const cJSON *overviews = cJSON_GetObjectItemCaseSensitive(movie, "overviews");
	const char *t;
	if ((t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(titles, "fa"))))
		cJSON_AddStringToObject(v, "title_fa", t);
	if ((t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, "en"))) &&
	    !*cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "overview")))
		cJSON_ReplaceItemInObjectCaseSensitive(v, "overview", cJSON_CreateString(t));
	if ((t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(overviews, "fa"))))
		cJSON_AddStringToObject(v, "overview_fa", t);
	cJSON *rows = cJSON_AddArrayToObject(v, "cast_rows");
	const cJSON *c;
	int i = 0;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(movie, "cast")) {
		if (i >= 30)
			break;
		cJSON *row = cJSON_Duplicate(c, 1);
		cJSON_AddNumberToObject(row, "row", i++);
		cJSON_AddItemToArray(rows, row);
	}
	for (int spare = 0; spare < 3; spare++) {
		cJSON *row = cJSON_CreateObject();
		cJSON_AddNumberToObject(row, "row", i++);
		cJSON_AddItemToArray(rows, row);
	}
	mq_buf lines = MQ_BUF_INIT;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(movie, "directors"))
		if ((t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"))))
			mq_buf_printf(&lines, "%s%s", lines.len ? "\n" : "", t);
	cJSON_AddStringToObject(v, "directors_text", mq_buf_cstr(&lines));
	mq_buf_free(&lines);
	cJSON *choices = cJSON_AddArrayToObject(v, "genre_choices");
	const cJSON *g;
	cJSON_ArrayForEach(g, all_genres) {
		double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(g, "id"));
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(g, "names");
		const char *en = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(names, "en"));
		cJSON *choice = cJSON_CreateObject();
		cJSON_AddNumberToObject(choice, "id", id);
		cJSON_AddStringToObject(choice, "name", en ? en : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "name")));
		int on = 0;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(movie, "genres"))
			on |= cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "id")) == id;
		cJSON_AddBoolToObject(choice, "checked", on);
		cJSON_AddItemToArray(choices, choice);
	}
	cJSON *locked = cJSON_AddObjectToObject(v, "locked");
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(movie, "locked_fields"))
		if (cJSON_IsString(c))
			cJSON_AddTrueToObject(locked, c->valuestring);
	(void)req;
	return v;
}

static cJSON *genre_list(mq_req *req)
{
	const mq_env env = mq_env_of(req);
	cJSON *all = NULL;
	if (mq_genres_list(&env, "en", &all) != MQ_OK)
		all = cJSON_CreateArray();
	return all;
}

static void admin_page(mq_req *req, mq_res *res, int status, const char *name, const char *title, cJSON *data)
{
	cJSON *items = NULL;
	long long total = 0, unseen = 0;
	if (mq_admin_notifications_list(mq_ctx_of(req)->db, req->user->id, 1, 1, 1, &items, &total, &unseen) == MQ_OK)
		cJSON_AddNumberToObject(data, "unseen", (double)unseen);
	cJSON_Delete(items);
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_page(req, res, status, name, title, data);
}

/* GET /admin: what needs a curator's eye. */
static void get_dashboard_page(mq_req *req, mq_res *res)
{
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *data = cJSON_CreateObject(), *runs = NULL, *lease = NULL, *audit_items = NULL;
	long long total = 0;
	if (mq_admin_sync_runs(db, 1, 5, &runs, &total, &lease) == MQ_OK)
		cJSON_AddItemToObject(data, "runs", runs);
	if (lease)
		cJSON_AddItemToObject(data, "lease", lease);
	if (mq_admin_audit_list(db, NULL, NULL, NULL, 1, 10, &audit_items, &total) == MQ_OK)
		cJSON_AddItemToObject(data, "audit", audit_items);
	admin_page(req, res, 200, "admin-dashboard", "Admin", data);
}

/* GET /admin/movies?q=&status=&source=&genre=&year=: every movie, hidden and missing ones too,
 * by title; the filters combine. */
static void get_movies_page(mq_req *req, mq_res *res)
{
	static const char *const sources[] = { "tmdb", "manual", NULL };
	static const char *const source_labels[] = { "From TMDB", "By hand" };
	static const char *const status_labels[] = { "Visible", "Hidden", "Missing at TMDB", "Any" };
	enum { F_PAGE, F_Q, F_STATUS, F_SOURCE, F_GENRE, F_YEAR, F_COUNT };
	static const mq_field fields[F_COUNT] = {
		MQ_FIELD_PAGE,
		{ "q", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		{ "status", MQ_V_ENUM, 0, 0, 0, mq_movie_statuses, "any" },
		{ "source", MQ_V_ENUM, 0, 0, 0, sources, NULL },
		{ "genre", MQ_V_INT, 0, 1, 2147483647, NULL, NULL },
		{ "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
	};
	mq_value v[F_COUNT];
	if (mq_valid_query_or_reply(req, res, fields, F_COUNT, v))
		return;
	mq_movie_query q = { .page = v[F_PAGE].i, .limit = 50, .sort = MQ_SORT_TITLE, .ascending = 1, .lang = "en",
			     .status = (mq_movie_status)v[F_STATUS].i,
			     .source = v[F_SOURCE].present ? sources[v[F_SOURCE].i] : NULL,
			     .genre = v[F_GENRE].present ? v[F_GENRE].i : 0,
			     .year = v[F_YEAR].present ? (int)v[F_YEAR].i : 0 };
	mq_buf pattern = MQ_BUF_INIT;
	if (v[F_Q].present && mq_search_pattern(v[F_Q].s, &pattern) == 0)
		q.search = mq_buf_cstr(&pattern);
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = mq_catalog_list(mq_ctx_of(req)->db, &q, &items, &total);
	mq_buf_free(&pattern);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "movies", items);
	cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(items) == 0);
	cJSON_AddStringToObject(data, "q", v[F_Q].present ? v[F_Q].s : "");
	cJSON_AddItemToObject(data, "statuses", mq_page_options(mq_movie_statuses, status_labels, (int)q.status));
	cJSON_AddItemToObject(data, "sources", mq_page_options(sources, source_labels,
								v[F_SOURCE].present ? (int)v[F_SOURCE].i : -1));
	cJSON *genres = genre_list(req);
	mq_page_select_genre(genres, q.genre);
	cJSON_AddItemToObject(data, "genres", genres);
	if (v[F_YEAR].present)
		cJSON_AddNumberToObject(data, "year", (double)v[F_YEAR].i);
	cJSON_AddItemToObject(data, "pagination", mq_moviepage_pagination(req, q.page, q.limit, total));
	admin_page(req, res, 200, "admin-movies", "Movies · Admin", data);
}

/* The review form page: data.movie = form values, with problems (status 400) or not. */
static void movie_form_page(mq_req *req, mq_res *res, int status, cJSON *data, const cJSON *movie, int create)
{
	cJSON *genres = genre_list(req);
	cJSON_AddItemToObject(data, "movie", form_values(req, movie, genres));
	cJSON_Delete(genres);
	cJSON_AddBoolToObject(data, "create", create);
	cJSON_AddItemToObject(data, "form", mq_page_form(req, (const char *const[]){ "title", NULL }, NULL));
	admin_page(req, res, status, "admin-movie", create ? "Add a movie · Admin" : "Edit a movie · Admin", data);
}

/* GET /admin/movies/new?q=: "Add new movie": a TMDB lookup (q) filling the review form, or an
 * empty form to fill by hand. */
static void get_new_movie_page(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = { { "q", MQ_V_STRING, 0, 1, 200, NULL, NULL } };
	mq_value v[1];
	if (mq_valid_query_or_reply(req, res, fields, 1, v))
		return;
	cJSON *data = cJSON_CreateObject(), *movie = NULL;
	if (v[0].present) {
		cJSON_AddStringToObject(data, "q", v[0].s);
		/* the API's lookup, answered into this page */
		mq_res probe;
		mq_res_init(&probe);
		get_lookup(req, &probe);
		cJSON *answer = probe.status == 200 ? cJSON_ParseWithLength(probe.body.data, probe.body.len) : NULL;
		cJSON *found = cJSON_GetObjectItemCaseSensitive(answer, "data");
		if (!answer) {
			cJSON *err = cJSON_ParseWithLength(probe.body.data, probe.body.len);
			const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "message"));
			cJSON_AddStringToObject(data, "lookup_error", msg ? msg : "The lookup failed");
			cJSON_Delete(err);
		} else {
			cJSON *candidates = cJSON_DetachItemFromObjectCaseSensitive(found, "candidates");
			cJSON_AddBoolToObject(data, "has_candidates", cJSON_GetArraySize(candidates) > 0);
			cJSON_AddItemToObject(data, "candidates", candidates);
			movie = cJSON_DetachItemFromObjectCaseSensitive(found, "movie");
			const char *have = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(found, "in_catalogue"));
			if (have)
				cJSON_AddStringToObject(data, "in_catalogue", have);
		}
		cJSON_Delete(answer);
		mq_res_free(&probe);
		req->errors.n = 0; /* the lookup's own problems are shown as lookup_error */
	}
	cJSON_AddBoolToObject(data, "has_movie", movie != NULL);
	if (!movie)
		movie = cJSON_CreateObject();
	movie_form_page(req, res, 200, data, movie, 1);
	cJSON_Delete(movie);
}

/* POST /admin/movies: the review form saved. */
static void post_movie_page(mq_req *req, mq_res *res)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_fields(req, &form, 0)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *locks = NULL, *fields = form_fields(req, &form, 1, &locks);
	cJSON_Delete(locks);
	cJSON *movie = NULL;
	mq_err rc = req->errors.n ? MQ_EINVAL : mq_admin_movie_create(mq_ctx_of(req)->db, fields, &movie);
	if (rc == MQ_OK) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
		audit(req, "movie.create", "movie", id, NULL, movie);
		mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/movies/%s?saved=created", id));
		cJSON_Delete(movie);
		cJSON_Delete(fields);
		return;
	}
	if (rc == MQ_ECONFLICT)
		mq_req_error(req, "this TMDB movie is in the catalogue already");
	else if (rc != MQ_EINVAL)
		mq_req_error(req, "the movie could not be saved (%s)", mq_err_message(rc));
	cJSON *data = cJSON_CreateObject();
	movie_form_page(req, res, rc == MQ_ECONFLICT ? 409 : 400, data, fields, 1);
	cJSON_Delete(fields);
}

/* GET /admin/movies/:id?saved=: the movie's edit form. */
static void get_movie_page(mq_req *req, mq_res *res)
{
	static const mq_field fields[] = { { "saved", MQ_V_STRING, 0, 1, 20, NULL, NULL } };
	mq_value v[1];
	if (mq_valid_query_or_reply(req, res, fields, 1, v))
		return;
	cJSON *before = NULL, *after = NULL, *none = cJSON_CreateObject();
	mq_err rc = mq_admin_movie_edit(mq_ctx_of(req)->db, mq_req_route(req, "id"), none, 0, NULL, &before, &after);
	cJSON_Delete(none);
	cJSON_Delete(after);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	mq_movieapi_images(req, before);
	cJSON *data = cJSON_CreateObject();
	if (v[0].present)
		cJSON_AddStringToObject(data, "saved", v[0].s);
	movie_form_page(req, res, 200, data, before, 0);
	cJSON_Delete(before);
}

/* POST /admin/movies/:id: the edit form saved; ticked lock boxes lock, unticked ones unlock. */
static void post_movie_edit_page(mq_req *req, mq_res *res)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_fields(req, &form, 1)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *id = mq_req_route(req, "id");
	cJSON *locks = NULL, *fields = form_fields(req, &form, 0, &locks);
	if (req->errors.n) {
		cJSON_Delete(locks);
		cJSON *data = cJSON_CreateObject();
		cJSON_AddStringToObject(fields, "id", id);
		movie_form_page(req, res, 400, data, fields, 0);
		cJSON_Delete(fields);
		return;
	}
	/* unlock the lock boxes the form shows ("lockable") and that are not ticked; the edit locks
	 * what is ticked. A form without boxes (a partial post) unlocks nothing. */
	cJSON *unlock = cJSON_CreateArray();
	for (size_t i = 0; i < form.n; i++) {
		if (strcmp(form.items[i].key, "lockable"))
			continue;
		int known = 0, ticked = 0;
		for (int k = 0; mq_catalog_lockable[k]; k++)
			known |= !strcmp(form.items[i].value, mq_catalog_lockable[k]);
		const cJSON *l;
		cJSON_ArrayForEach(l, locks)
			ticked |= !strcmp(l->valuestring, form.items[i].value);
		if (known && !ticked)
			cJSON_AddItemToArray(unlock, cJSON_CreateString(form.items[i].value));
	}
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *before = NULL, *after = NULL;
	mq_err rc = mq_admin_movie_edit(db, id, fields, 0, unlock, &before, &after);
	cJSON_Delete(unlock);
	if (rc == MQ_OK && cJSON_GetArraySize(locks) > 0) {
		/* then the ticked locks: an "edit" of those fields to the values they now have */
		cJSON *relock = cJSON_CreateObject(), *l, *b2 = NULL;
		cJSON_ArrayForEach(l, locks) {
			const cJSON *value = cJSON_GetObjectItemCaseSensitive(after, l->valuestring);
			if (value && strcmp(l->valuestring, "overviews"))
				cJSON_AddItemToObject(relock, l->valuestring, cJSON_Duplicate(value, 1));
		}
		cJSON *final = NULL;
		if (relock->child && mq_admin_movie_edit(db, id, relock, 1, NULL, &b2, &final) == MQ_OK) {
			cJSON_Delete(after);
			after = final;
		}
		cJSON_Delete(b2);
		cJSON_Delete(relock);
	}
	cJSON_Delete(locks);
	if (rc == MQ_OK)
		audit(req, "movie.edit", "movie", id, before, after);
	cJSON_Delete(before);
	cJSON_Delete(after);
	cJSON_Delete(fields);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/movies/%s?saved=saved", id));
}

/* POST /admin/movies/:id/sync, /hide, /restore from the edit page's buttons. */
static void post_movie_action_page(mq_req *req, mq_res *res, const char *action)
{
	mq_res api;
	mq_res_init(&api);
	if (!strcmp(action, "sync"))
		sync_movie(req, &api);
	else
		hide(req, &api, !strcmp(action, "hide"));
	int status = api.status;
	mq_res_free(&api);
	if (status >= 400) {
		mq_reply_status(req, res, status, "That did not work; see the movie's page");
		return;
	}
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/movies/%s?saved=%s", mq_req_route(req, "id"),
						     !strcmp(action, "sync") ? "synced" : action));
}

static void post_sync_page(mq_req *req, mq_res *res)
{
	post_movie_action_page(req, res, "sync");
}

static void post_hide_page(mq_req *req, mq_res *res)
{
	post_movie_action_page(req, res, "hide");
}

static void post_restore_page(mq_req *req, mq_res *res)
{
	post_movie_action_page(req, res, "restore");
}

/* GET /admin/movies/:id/images: TMDB's posters and backdrops, each a button that makes it the
 * movie's (and locks it). */
static void get_images_page(mq_req *req, mq_res *res)
{
	mq_res probe;
	mq_res_init(&probe);
	get_tmdb_images(req, &probe);
	cJSON *answer = cJSON_ParseWithLength(probe.body.data, probe.body.len);
	int status = probe.status;
	mq_res_free(&probe);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "movie_id", mq_req_route(req, "id"));
	if (status == 200) {
		cJSON *found = cJSON_DetachItemFromObjectCaseSensitive(answer, "data");
		cJSON_AddItemToObject(data, "images", found);
	} else {
		const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer, "message"));
		cJSON_AddStringToObject(data, "error", msg ? msg : "TMDB's images could not be loaded");
	}
	cJSON_Delete(answer);
	req->errors.n = 0;
	admin_page(req, res, status == 200 ? 200 : status, "admin-images", "Images · Admin", data);
}

/* POST /admin/movies/:id/images?kind=: the upload form (multipart, with its _csrf field). */
static void post_image_page(mq_req *req, mq_res *res)
{
	mq_res api;
	mq_res_init(&api);
	post_image(req, &api);
	int status = api.status;
	cJSON *answer = status >= 400 ? cJSON_ParseWithLength(api.body.data, api.body.len) : NULL;
	mq_res_free(&api);
	if (status >= 400) {
		const cJSON *errors = cJSON_GetObjectItemCaseSensitive(answer, "errors");
		const char *first = cJSON_GetStringValue(cJSON_GetArrayItem(errors, 0));
		mq_reply_status(req, res, status, first ? mq_arena_strdup(req->arena, first) : "The image was not accepted");
		cJSON_Delete(answer);
		return;
	}
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/movies/%s?saved=image", mq_req_route(req, "id")));
}

/* GET /admin/audit, /admin/notifications, /admin/sync, /admin/users: the API's lists as pages. */
static void list_page(mq_req *req, mq_res *res, const char *name, const char *title,
		      void (*api)(mq_req *req, mq_res *res))
{
	mq_res probe;
	mq_res_init(&probe);
	api(req, &probe);
	cJSON *answer = cJSON_ParseWithLength(probe.body.data, probe.body.len);
	int status = probe.status;
	const char *running = mq_res_get_header(&probe, "X-Sync-Running");
	mq_res_free(&probe);
	if (status != 200 || !answer) {
		cJSON_Delete(answer);
		mq_reply_status(req, res, status >= 400 ? status : 500, NULL);
		return;
	}
	cJSON *data = cJSON_CreateObject();
	cJSON_AddItemToObject(data, "items", cJSON_DetachItemFromObjectCaseSensitive(answer, "data"));
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(answer, "meta");
	long long page = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(meta, "page"));
	long long limit = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(meta, "limit"));
	long long total = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(meta, "total"));
	cJSON_AddItemToObject(data, "pagination", mq_moviepage_pagination(req, page > 0 ? page : 1, limit > 0 ? limit : 20, total));
	if (running)
		cJSON_AddStringToObject(data, "running", running);
	cJSON *kinds = cJSON_AddArrayToObject(data, "kinds");
	for (int i = 0; mq_sync_kinds[i]; i++)
		cJSON_AddItemToArray(kinds, cJSON_CreateString(mq_sync_kinds[i]));
	cJSON_Delete(answer);
	admin_page(req, res, 200, name, title, data);
}

static void get_audit_page(mq_req *req, mq_res *res)
{
	list_page(req, res, "admin-audit", "Audit log · Admin", get_audit);
}

static void get_notifications_page(mq_req *req, mq_res *res)
{
	list_page(req, res, "admin-notifications", "Notifications · Admin", get_notifications);
}

static void get_sync_page(mq_req *req, mq_res *res)
{
	list_page(req, res, "admin-sync", "Sync runs · Admin", get_sync_runs);
}

static void get_users_page(mq_req *req, mq_res *res)
{
	list_page(req, res, "admin-users", "Users · Admin", get_users);
}

/* The form posts of those pages: the API's handler with the form's fields as its JSON body,
 * then back to the page. */
static void form_to_api(mq_req *req, mq_res *res, const char *back, void (*api)(mq_req *req, mq_res *res),
			const char *const *names)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_body(req, &form)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	for (int i = 0; names && names[i]; i++) {
		const char *v = mq_kvlist_get(&form, names[i]);
		if (v)
			cJSON_AddStringToObject(body, names[i], v);
	}
	char *text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	mq_req_set_body(req, text, strlen(text));
	cJSON_free(text);
	for (size_t i = 0; i < req->params.n; i++) /* the body is JSON now */
		if (!strcmp(req->params.items[i].key, "CONTENT_TYPE"))
			req->params.items[i].value = "application/json";
	mq_res api_res;
	mq_res_init(&api_res);
	api(req, &api_res);
	int status = api_res.status;
	mq_res_free(&api_res);
	if (status >= 400) {
		mq_reply_status(req, res, status, status == 409 ? "A sync is running; try again when it is done" : NULL);
		return;
	}
	mq_reply_redirect(req, res, back);
}

static void post_seen_page(mq_req *req, mq_res *res)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_body(req, &form)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_admin_notifications_seen(mq_ctx_of(req)->db, req->user->id, NULL);
	mq_reply_redirect(req, res, "/admin/notifications");
}

static void post_sync_run_page(mq_req *req, mq_res *res)
{
	form_to_api(req, res, "/admin/sync", post_sync_run, (const char *const[]){ "kind", NULL });
}

static void post_role_page(mq_req *req, mq_res *res)
{
	form_to_api(req, res, "/admin/users", patch_role, (const char *const[]){ "role", NULL });
}

static const mq_route routes[] = {
	{ MQ_GET, "/admin", get_dashboard_page, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/movies", get_movies_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies", post_movie_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/movies/new", get_new_movie_page, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/movies/:id", get_movie_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies/:id", post_movie_edit_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/sync", post_sync_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/hide", post_hide_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/admin/movies/:id/restore", post_restore_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/movies/:id/images", get_images_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/movies/:id/images", post_image_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/audit", get_audit_page, MQ_NEEDS_ADMIN },
	{ MQ_GET, "/admin/notifications", get_notifications_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/notifications/seen", post_seen_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/sync", get_sync_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/sync", post_sync_run_page, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/admin/users", get_users_page, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/admin/users/:id/role", post_role_page, MQ_NEEDS_ADMIN | MQ_CSRF },
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
