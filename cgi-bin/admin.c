/* admin.c — the admin worker (role admin only; every change audited): TMDB lookups that fill
 * the review form, movies created from TMDB or by hand, edited with per-field locks, hidden and
 * restored, re-synced now; the audit log; the sync's notifications and runs; users' roles. */
#include "account.h"
#include "admin.h"
#include "catalog.h"
#include "ctx.h"
#include "json.h"
#include "log.h"
#include "movie.h"
#include "response.h"
#include "sync.h"
#include "tmdbcache.h"
#include "valid.h"
#include "worker.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void audit(mq_req *req, const char *action, const char *kind, const char *target, const cJSON *before,
		  const cJSON *after)
{
	if (mq_audit(mq_ctx_of(req)->db, req->user->id, action, kind, target, before, after, req->request_id) != MQ_OK)
		mq_log(MQ_LOG_ERROR, "audit", "%s of %s %s by %s not audited", action, kind, target ? target : "",
		       req->user->id);
}

static void reply_tmdb_error(mq_req *req, mq_res *res, mq_err rc)
{
	const char *msg = rc == MQ_ENOTFOUND ? "TMDB has no such movie"
			  : rc == MQ_EUNAVAIL || rc == MQ_ERATELIMIT ? "TMDB is not answering right now; try again in a minute"
			  : rc == MQ_ETIMEOUT ? "TMDB took too long to answer; try again"
			  : "TMDB's answer could not be used";
	mq_reply_err(req, res, rc == MQ_ERATELIMIT ? MQ_EUNAVAIL : rc, msg);
}

/* The review form's values of a TMDB movie: its catalogue document as it would be stored (titles
 * and overviews in every language, cast, directors, genres …), without derived fields. */
static mq_err tmdb_form(mq_req *req, long long tmdb_id, cJSON **form)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char path[32];
	snprintf(path, sizeof path, "/movie/%lld", tmdb_id);
	static const char *const query[] = { "append_to_response", "credits,keywords,translations,release_dates", NULL };
	cJSON *details = NULL;
	mq_cache_state state;
	*form = NULL;
	mq_err rc = mq_tmdb_cached_get(ctx->db, mq_tmdb_for_thread(ctx->cfg), ctx->cfg, path, query, &details, &state);
	if (rc == MQ_OK && !(*form = mq_movie_doc_from_tmdb(details, ctx->cfg)))
		rc = MQ_EUPSTREAM;
	cJSON_Delete(details);
	if (*form) {
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "search_keys");
		cJSON_DeleteItemFromObjectCaseSensitive(*form, "title_key");
		mq_movie_images(req, *form);
	}
	return rc;
}

/* The catalogue's id of a TMDB movie, when it has it (arena), else NULL. */
static const char *in_catalogue(mq_req *req, long long tmdb_id)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char ref[24];
	snprintf(ref, sizeof ref, "%lld", tmdb_id);
	cJSON *movie = NULL;
	int fetched = 0;
	const char *id = NULL;
	if (mq_catalog_get(ctx->db, NULL, ctx->cfg, ref, "en", &movie, &fetched) == MQ_OK)
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
	if (mq_validate_query(req, fields, 1, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const mq_ctx *ctx = mq_ctx_of(req);
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
		rc = mq_tmdb_cached_get(ctx->db, mq_tmdb_for_thread(ctx->cfg), ctx->cfg, path, query, &found, &state);
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
		rc = mq_tmdb_cached_get(ctx->db, mq_tmdb_for_thread(ctx->cfg), ctx->cfg, "/search/movie", query, &page, &state);
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
	mq_movie_images(req, candidates);
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
	} rules[] = {
		{ "tmdb_id", cJSON_Number, 1, 2147483647 }, { "title", cJSON_String, 1, 300 }, { "titles", cJSON_Object, 0, 0 },
		{ "original_title", cJSON_String, 0, 300 }, { "original_language", cJSON_String, 2, 3 },
		{ "overview", cJSON_String, 0, 5000 }, { "overviews", cJSON_Object, 0, 0 }, { "release_date", cJSON_String, 0, 10 },
		{ "year", cJSON_Number, 1870, 2100 }, { "runtime", cJSON_Number, 1, 1000 }, { "genres", cJSON_Array, 0, 20 },
		{ "poster_path", cJSON_String, 0, 300 }, { "backdrop_path", cJSON_String, 0, 300 }, { "cast", cJSON_Array, 0, 100 },
		{ "directors", cJSON_Array, 0, 20 }, { "keywords", cJSON_Array, 0, 100 }, { "certification", cJSON_String, 0, 16 },
		{ "imdb_id", cJSON_String, 0, 12 }, { "popularity", cJSON_Number, 0, 1e9 }, { "vote_average", cJSON_Number, 0, 10 },
		{ "vote_count", cJSON_Number, 0, 1e9 },
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
	mq_movie_images(req, movie);
	mq_reply_data(req, res, 201, movie);
}

static void reply_movie(mq_req *req, mq_res *res, mq_err rc, cJSON *movie)
{
	if (rc != MQ_OK) {
		cJSON_Delete(movie);
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
		return;
	}
	mq_movie_images(req, movie);
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
		mq_sync *s = mq_sync_new(ctx->db, mq_tmdb_for_thread(ctx->cfg), ctx->cfg, 0, 1);
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
	mq_movie_images(req, after);
	cJSON_AddItemToObject(out, "movie", after);
	cJSON_Delete(before);
	mq_reply_data(req, res, 200, out);
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
	mq_err rc = mq_audit_list(mq_ctx_of(req)->db, v[2].present ? v[2].s : NULL, v[3].present ? v[3].s : NULL,
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
	if (mq_validate_query(req, list_fields, 3, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *items = NULL;
	long long total = 0, unseen = 0;
	mq_err rc = mq_notifications_list(mq_ctx_of(req)->db, req->user->id, v[2].present && v[2].i, v[0].i, v[1].i,
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
	if (mq_validate_query(req, NULL, 0, NULL)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *items = NULL;
	long long total = 0, unseen = 0;
	mq_err rc = mq_notifications_list(mq_ctx_of(req)->db, req->user->id, 1, 1, 1, &items, &total, &unseen);
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
	mq_err rc = mq_notifications_seen(mq_ctx_of(req)->db, req->user->id, mq_req_route(req, "id"));
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
	if (mq_validate_query(req, list_fields, 2, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *items = NULL, *lease = NULL;
	long long total = 0;
	mq_err rc = mq_sync_runs_list(mq_ctx_of(req)->db, v[0].i, v[1].i, &items, &total, &lease);
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
	mq_err rc = mq_sync_runs_list(ctx->db, 1, 1, &items, &total, &lease);
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
	if (mq_validate_query(req, fields, 3, v)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
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

static const mq_route routes[] = {
	{ MQ_GET, "/api/v1/admin/tmdb/lookup", get_lookup, MQ_NEEDS_ADMIN },
	{ MQ_POST, "/api/v1/admin/movies", post_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_GET, "/api/v1/admin/movies/:id", get_movie, MQ_NEEDS_ADMIN },
	{ MQ_PATCH, "/api/v1/admin/movies/:id", patch_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_DELETE, "/api/v1/admin/movies/:id", delete_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/api/v1/admin/movies/:id/restore", restore_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
	{ MQ_POST, "/api/v1/admin/movies/:id/sync", sync_movie, MQ_NEEDS_ADMIN | MQ_CSRF },
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
	.needs = MQ_APP_DB | MQ_APP_AUTH,
};

MQ_WORKER(admin_app)
