/* admin_pages.c — the admin worker's pages (/admin/…): forms that work without JavaScript, each
 * carrying the CSRF token. A form post is decoded into the typed arguments a JSON body gives the
 * API (admin.c) and goes to the same admin API of lib/domain. */
#include "core/audience.h"
#include "admin.h"
#include "core/clock.h"
#include "core/search.h"
#include "domain/admin_movie.h"
#include "domain/admin_tmdb.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/sync.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "web/response.h"

#include <stdio.h>
#include <string.h>

/* Renders an admin page (taking data), titled by the catalogue's title_key, with the count of
 * unseen notifications for its header. */
static void admin_page(mq_req *req, mq_res *res, int status, const char *name, const char *title_key, cJSON *data)
{
	long long unseen = 0;
	if (mq_admin_notifications_unseen(mq_ctx_of(req)->db, req->user->id, &unseen) == MQ_OK && unseen) {
		cJSON_AddStringToObject(data, "unseen", admin_number(req, (double)unseen));
		cJSON_AddStringToObject(data, "unseen_label", admin_text(req, "admin.unseen", admin_number(req, (double)unseen), NULL));
		cJSON_AddStringToObject(data, "unseen_text",
					admin_text(req, "admin_dashboard.unseen", admin_number(req, (double)unseen), NULL));
	}
	mq_res_header(req, res, "Cache-Control", "no-store");
	mq_reply_page(req, res, status, name, admin_text(req, "admin.page_title", mq_page_message(req, title_key), NULL),
		      data);
}

/* The genres to tick (English names, as movies store them), each with its "label" in the
 * page's language, or none when they cannot be read. Caller owns. */
static cJSON *genre_list(mq_req *req)
{
	const mq_env env = mq_env_of(req);
	const char *lang = mq_page_language(req);
	cJSON *all = NULL, *g;
	if (mq_genres_list(&env, "en", &all) != MQ_OK)
		all = cJSON_CreateArray();
	cJSON_ArrayForEach(g, all) {
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(g, "names");
		const char *label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(names, lang));
		if (!label)
			label = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "name"));
		cJSON_AddStringToObject(g, "label", label ? label : "");
	}
	return all;
}

/* An error of the domain as an admin page says it, in the page's language. */
static void page_err(mq_req *req, mq_res *res, mq_err rc)
{
	mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? mq_page_message(req, "admin.no_such_movie") : NULL);
}

/* What a TMDB failure means to a curator, in the page's language. */
static const char *tmdb_problem(mq_req *req, mq_err rc)
{
	return mq_page_message(req, rc == MQ_ENOTFOUND	  ? "admin.tmdb_not_found"
				    : rc == MQ_EUNAVAIL ? "admin.tmdb_unavailable"
				    : rc == MQ_ETIMEOUT ? "admin.tmdb_timeout"
							: "admin.tmdb_unusable");
}

/* A whole number of a form in min..max, or the catalogue's problem (key) in req->errors. */
static int form_number(mq_req *req, const char *text, long long min, long long max, const char *problem,
		       long long *out)
{
	if (mq_parse_int(text, min, max, out) == 0)
		return 0;
	mq_req_error(req, "%s", mq_page_message(req, problem));
	return -1;
}

/* The text inputs a form sends as they are: on an edit, an empty one clears its field. */
static void form_texts(const mq_kvlist *form, int create, cJSON *f)
{
	static const char *const texts[] = { "original_title", "release_date", "poster_path", "backdrop_path",
					     "certification", "imdb_id", NULL };
	for (int i = 0; texts[i]; i++) {
		const char *v = mq_kvlist_get(form, texts[i]);
		if (v && *v)
			cJSON_AddStringToObject(f, texts[i], v);
		else if (v && !create)
			cJSON_AddNullToObject(f, texts[i]);
	}
}

/* Cast rows: name, character and TMDB id per row; a row with "remove" ticked or no name is
 * dropped. */
static void form_cast(const mq_kvlist *form, cJSON *cast)
{
	for (int row = 0; row < 100; row++) {
		char key[40];
		snprintf(key, sizeof key, "cast_name_%d", row);
		const char *name = mq_kvlist_get(form, key), *v;
		if (!name)
			break;
		snprintf(key, sizeof key, "cast_remove_%d", row);
		if (!*name || mq_kvlist_get(form, key))
			continue;
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", name);
		snprintf(key, sizeof key, "cast_character_%d", row);
		if ((v = mq_kvlist_get(form, key)) && *v)
			cJSON_AddStringToObject(c, "character", v);
		cJSON_AddNumberToObject(c, "order", cJSON_GetArraySize(cast));
		snprintf(key, sizeof key, "cast_tmdb_%d", row);
		long long id;
		if ((v = mq_kvlist_get(form, key)) && mq_parse_int(v, 1, 2147483647, &id) == 0)
			cJSON_AddNumberToObject(c, "tmdb_id", (double)id);
		cJSON_AddItemToArray(cast, c);
	}
}

/* Directors, one per line. */
static void form_directors(mq_req *req, const char *text, cJSON *directors)
{
	char *copy = mq_arena_strdup(req->arena, text), *save = NULL;
	for (char *line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		line += strspn(line, " ");
		if (*line) {
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "name", line);
			cJSON_AddItemToArray(directors, d);
		}
	}
}

/* A movie form (templates/admin-movie.mustache) decoded into the curator's fields the API takes
 * (checked with mq_admin_movie_check): titles and overviews in English and Persian side by side,
 * genres ticked from the list ("<id>:<English name>"), cast rows, directors one per line. An edit
 * changes only what the form has inputs for (a partial post leaves the rest) and empty inputs
 * clear their field. On an edit, *lock gets the fields whose lock box is ticked and *unlock those
 * whose box is shown ("lockable") but not ticked (a form without boxes unlocks nothing). Problems
 * go to req->errors. All three the caller's. */
static cJSON *form_movie(mq_req *req, const mq_kvlist *form, int create, cJSON **lock, cJSON **unlock)
{
	cJSON *f = cJSON_CreateObject(), *titles = NULL, *overviews = NULL, *genres = NULL;
	const char *v;
	if (create || mq_kvlist_get(form, "title_fa"))
		titles = cJSON_AddObjectToObject(f, "titles");
	if (create || mq_kvlist_get(form, "overview_fa"))
		overviews = cJSON_AddObjectToObject(f, "overviews");
	if (create || mq_kvlist_get(form, "has_genres"))
		genres = cJSON_AddArrayToObject(f, "genres");
	if ((v = mq_kvlist_get(form, "title")) && *v) {
		cJSON_AddStringToObject(f, "title", v);
		if (titles)
			cJSON_AddStringToObject(titles, "en", v);
	} else if (v && !create) {
		mq_req_error(req, "%s", mq_page_message(req, "admin.title_required")); /* an edit may leave it out, not empty it */
	}
	if ((v = mq_kvlist_get(form, "title_fa")) && *v && titles)
		cJSON_AddStringToObject(titles, "fa", v);
	if ((v = mq_kvlist_get(form, "overview")) && *v)
		cJSON_AddStringToObject(overviews ? overviews : f, overviews ? "en" : "overview", v);
	if ((v = mq_kvlist_get(form, "overview_fa")) && *v && overviews)
		cJSON_AddStringToObject(overviews, "fa", v);
	form_texts(form, create, f);
	long long n;
	if ((v = mq_kvlist_get(form, "runtime")) && *v) {
		if (form_number(req, v, 1, 1000, "admin.runtime_invalid", &n) == 0)
			cJSON_AddNumberToObject(f, "runtime", (double)n);
	} else if (v && !create) {
		cJSON_AddNullToObject(f, "runtime");
	}
	/* the audience: adult ticked or not (a form that shows the box says so with has_adult), and
	 * the youngest age in years (empty: none, the certifications decide) */
	if (mq_kvlist_get(form, "has_adult"))
		cJSON_AddBoolToObject(f, "adult", mq_kvlist_get(form, "adult") != NULL);
	if ((v = mq_kvlist_get(form, "min_age")) && *v) {
		if (form_number(req, v, 0, MQ_ADULT_AGE, "admin.min_age_invalid", &n) == 0)
			cJSON_AddNumberToObject(f, "min_age", (double)n);
	} else if (v && !create) {
		cJSON_AddNullToObject(f, "min_age");
	}
	if (create && (v = mq_kvlist_get(form, "tmdb_id")) && *v &&
	    form_number(req, v, 1, 2147483647, "admin.tmdb_id_invalid", &n) == 0)
		cJSON_AddNumberToObject(f, "tmdb_id", (double)n);
	*lock = create ? NULL : cJSON_CreateArray();
	*unlock = create ? NULL : cJSON_CreateArray();
	for (size_t i = 0; i < form->n; i++) {
		const mq_kv *kv = &form->items[i];
		const char *colon = strchr(kv->value, ':');
		if (!strcmp(kv->key, "genre") && genres && colon) {
			long long id;
			char digits[16];
			snprintf(digits, sizeof digits, "%.*s", (int)(colon - kv->value), kv->value);
			if (mq_parse_int(digits, 1, 2147483647, &id))
				continue;
			cJSON *g = cJSON_CreateObject();
			cJSON_AddNumberToObject(g, "id", (double)id);
			cJSON_AddStringToObject(g, "name", colon + 1);
			cJSON_AddItemToArray(genres, g);
		} else if (!create && !strncmp(kv->key, "lock_", 5) && *kv->value) {
			cJSON_AddItemToArray(*lock, cJSON_CreateString(kv->key + 5));
		}
	}
	for (size_t i = 0; !create && i < form->n; i++) {
		const mq_kv *kv = &form->items[i];
		char ticked[48];
		snprintf(ticked, sizeof ticked, "lock_%s", kv->value);
		if (!strcmp(kv->key, "lockable") && !mq_kvlist_get(form, ticked))
			cJSON_AddItemToArray(*unlock, cJSON_CreateString(kv->value));
	}
	if (create || mq_kvlist_get(form, "cast_name_0"))
		form_cast(form, cJSON_AddArrayToObject(f, "cast"));
	if ((v = mq_kvlist_get(form, "directors")) || create)
		form_directors(req, v ? v : "", cJSON_AddArrayToObject(f, "directors"));
	mq_admin_movie_check(req, f, create);
	if (!create) {
		mq_admin_movie_check_locks(req, *lock, "lock");
		mq_admin_movie_check_locks(req, *unlock, "unlock");
	}
	return f;
}

/* The movie's values for the form template: fields as they are, plus what the template needs
 * (fa title and overview, cast rows with indexes and spare rows, directors as lines, each genre
 * of the list with "checked", lock flags). Caller owns. */
static cJSON *form_values(const cJSON *movie, const cJSON *all_genres)
{
	cJSON *v = cJSON_Duplicate(movie, 1);
	/* every field the template shows is present, empty if need be: a missing one would be looked
	 * up in the page's own values (Mustache's context stack), e.g. the page's title */
	static const char *const shown[] = { "title", "original_title", "release_date", "runtime", "poster_path",
					     "backdrop_path", "overview", "min_age", NULL };
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
		cJSON_AddStringToObject(choice, "label", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "label")));
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
	return v;
}

/* The movie form page (taking data): data.movie = the form's values, with problems or not. */
static void movie_form_page(mq_req *req, mq_res *res, int status, cJSON *data, const cJSON *movie, int create)
{
	cJSON *genres = genre_list(req);
	cJSON *values = form_values(movie, genres);
	cJSON_Delete(genres);
	mq_buf limits = MQ_BUF_INIT; /* the stored age per region, in the page's digits: "US 17, DE 16" */
	const cJSON *l;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(movie, "age_limits"))
		if (cJSON_IsNumber(l))
			mq_buf_printf(&limits, "%s%s %s", limits.len ? mq_page_message(req, "admin.list_separator") : "", l->string,
				      mq_page_digits(req, (long long)l->valuedouble));
	if (limits.len)
		cJSON_AddStringToObject(values, "age_limits_text", mq_buf_cstr(&limits));
	mq_buf_free(&limits);
	cJSON_AddItemToObject(data, "movie", values);
	cJSON_AddBoolToObject(data, "create", create);
	cJSON_AddItemToObject(data, "form", mq_page_form(req, (const char *const[]){ "title", NULL }, NULL));
	admin_page(req, res, status, "admin-movie", create ? "admin_movie.add_title" : "admin_movie.edit_title", data);
}

/* Back to the movie's page, saying what was done. */
static void back_to_movie(mq_req *req, mq_res *res, const char *id, const char *done)
{
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/movies/%s?saved=%s", id, done));
}

/* GET /admin: what needs a curator's eye. */
void admin_page_dashboard(mq_req *req, mq_res *res)
{
	mq_db *db = mq_ctx_of(req)->db;
	cJSON *data = cJSON_CreateObject(), *runs = NULL, *lease = NULL, *audit = NULL, *run;
	long long total = 0;
	if (mq_admin_sync_runs(db, 1, 5, &runs, &total, &lease) == MQ_OK) {
		cJSON_ArrayForEach(run, runs)
			admin_view_run(req, run);
		cJSON_AddItemToObject(data, "runs", runs);
	}
	if (lease) {
		const cJSON *latest = cJSON_GetArrayItem(runs, 0);
		const char *since = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(latest, "started_at_text"));
		cJSON_AddStringToObject(data, "running",
					admin_text(req, "admin_dashboard.running",
						   admin_kind_label(req, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lease, "kind"))),
						   since ? since : ""));
		cJSON_Delete(lease);
	}
	if (mq_admin_audit_list(db, NULL, NULL, NULL, 1, 10, &audit, &total) == MQ_OK) {
		admin_view_audit(req, audit);
		cJSON_AddItemToObject(data, "audit", audit);
	}
	admin_page(req, res, 200, "admin-dashboard", "admin_dashboard.title", data);
}

/* GET /admin/movies?q=&status=&source=&genre=&year=: every movie, hidden and missing ones too,
 * by title; the filters combine. */
void admin_page_movies(mq_req *req, mq_res *res)
{
	static const char *const sources[] = { "tmdb", "manual", NULL };
	enum { F_PAGE, F_Q, F_STATUS, F_SOURCE, F_GENRE, F_YEAR, F_COUNT };
	static const mq_field fields[F_COUNT] = {
		[F_PAGE] = MQ_FIELD_PAGE,
		[F_Q] = { "q", MQ_V_STRING, 0, 1, 200, NULL, NULL },
		[F_STATUS] = { "status", MQ_V_ENUM, 0, 0, 0, mq_movie_statuses, "any" },
		[F_SOURCE] = { "source", MQ_V_ENUM, 0, 0, 0, sources, NULL },
		[F_GENRE] = { "genre", MQ_V_INT, 0, 1, 2147483647, NULL, NULL },
		[F_YEAR] = { "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
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
	const char *const source_labels[] = { mq_page_message(req, "admin_movies.source_tmdb"),
					      mq_page_message(req, "admin_movies.source_manual") };
	const char *const status_labels[] = { mq_page_message(req, "admin_movies.status_visible"),
					      mq_page_message(req, "admin_movies.status_hidden"),
					      mq_page_message(req, "admin_movies.status_missing"),
					      mq_page_message(req, "admin_movies.status_any") };
	cJSON *m;
	cJSON_ArrayForEach(m, items) {
		const char *source = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "source"));
		const cJSON *year = cJSON_GetObjectItemCaseSensitive(m, "year");
		const cJSON *tmdb = cJSON_GetObjectItemCaseSensitive(m, "tmdb_id");
		const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(m, "titles"), mq_page_language(req)));
		if (title && *title) /* the Persian title on a Persian page, when the movie has one */
			cJSON_ReplaceItemInObjectCaseSensitive(m, "title", cJSON_CreateString(title));
		cJSON_AddStringToObject(m, "source_label", source_labels[source && !strcmp(source, "manual")]);
		cJSON_AddStringToObject(m, "year_text", cJSON_IsNumber(year) ? admin_digits(req, (long long)year->valuedouble) : "");
		cJSON_AddStringToObject(m, "tmdb_text", cJSON_IsNumber(tmdb) ? admin_digits(req, (long long)tmdb->valuedouble) : "");
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
	cJSON *pagination = mq_moviepage_pagination(req, q.page, q.limit, total);
	admin_view_pagination(req, pagination);
	cJSON_AddItemToObject(data, "pagination", pagination);
	admin_page(req, res, 200, "admin-movies", "admin_movies.title", data);
}

/* GET /admin/movies/new?q=: "Add new movie": a TMDB lookup (q) filling the review form, or an
 * empty form to fill by hand. */
void admin_page_new_movie(mq_req *req, mq_res *res)
{
	enum { Q_Q, Q_COUNT };
	static const mq_field query[Q_COUNT] = { [Q_Q] = { "q", MQ_V_STRING, 0, 1, 200, NULL, NULL } };
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	cJSON *data = cJSON_CreateObject(), *movie = NULL;
	if (v[Q_Q].present) {
		const mq_env env = mq_env_of(req);
		cJSON *found = NULL;
		cJSON_AddStringToObject(data, "q", v[Q_Q].s);
		mq_err rc = mq_admin_tmdb_lookup(&env, v[Q_Q].s, &found);
		if (rc != MQ_OK) {
			cJSON_AddStringToObject(data, "lookup_error", tmdb_problem(req, rc));
		} else {
			cJSON *candidates = cJSON_DetachItemFromObjectCaseSensitive(found, "candidates");
			mq_movieapi_images(req, candidates);
			cJSON_AddBoolToObject(data, "has_candidates", cJSON_GetArraySize(candidates) > 0);
			cJSON_AddItemToObject(data, "candidates", candidates);
			if ((movie = cJSON_DetachItemFromObjectCaseSensitive(found, "movie")))
				mq_movieapi_images(req, movie);
			const char *have = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(found, "in_catalogue"));
			if (have)
				cJSON_AddStringToObject(data, "in_catalogue", have);
		}
		cJSON_Delete(found);
	}
	cJSON_AddBoolToObject(data, "has_movie", movie != NULL);
	if (!movie)
		movie = cJSON_CreateObject();
	movie_form_page(req, res, 200, data, movie, 1);
	cJSON_Delete(movie);
}

/* POST /admin/movies: the review form saved. */
void admin_page_create_movie(mq_req *req, mq_res *res)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_fields(req, &form, 0)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	cJSON *lock = NULL, *unlock = NULL, *fields = form_movie(req, &form, 1, &lock, &unlock), *movie = NULL;
	const mq_admin_actor who = admin_actor(req);
	mq_err rc = req->errors.n ? MQ_EINVAL : mq_admin_movie_create(mq_ctx_of(req)->db, &who, fields, &movie);
	if (rc == MQ_OK) {
		back_to_movie(req, res, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id")), "created");
		cJSON_Delete(movie);
		cJSON_Delete(fields);
		return;
	}
	cJSON_Delete(movie);
	if (rc == MQ_ECONFLICT)
		mq_req_error(req, "%s", mq_page_message(req, "admin.conflict"));
	else if (rc != MQ_EINVAL)
		mq_req_error(req, "%s", mq_page_message(req, "admin.not_saved"));
	movie_form_page(req, res, mq_err_status(rc), cJSON_CreateObject(), fields, 1);
	cJSON_Delete(fields);
}

/* GET /admin/movies/:id?saved=: the movie's edit form. */
void admin_page_movie(mq_req *req, mq_res *res)
{
	enum { Q_SAVED, Q_COUNT };
	static const char *const done[] = { "created", "saved", "synced", "hide", "restore", "image", NULL };
	static const mq_field query[Q_COUNT] = { [Q_SAVED] = { "saved", MQ_V_ENUM, 0, 0, 0, done, NULL } };
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	cJSON *movie = NULL;
	mq_err rc = mq_admin_movie_get(mq_ctx_of(req)->db, mq_req_route(req, "id"), &movie);
	if (rc != MQ_OK) {
		page_err(req, res, rc);
		return;
	}
	mq_movieapi_images(req, movie);
	cJSON *data = cJSON_CreateObject();
	if (v[Q_SAVED].present)
		cJSON_AddStringToObject(data, "saved",
					mq_page_message(req, mq_arena_printf(req->arena, "admin_movie.done_%s", done[v[Q_SAVED].i])));
	movie_form_page(req, res, 200, data, movie, 0);
	cJSON_Delete(movie);
}

/* POST /admin/movies/:id: the edit form saved; ticked lock boxes lock, unticked ones unlock,
 * but for the changed fields of a form sent without site.js (no locks_exact), which lock. */
void admin_page_edit_movie(mq_req *req, mq_res *res)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_fields(req, &form, 1)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	const char *id = mq_req_route(req, "id");
	cJSON *lock = NULL, *unlock = NULL, *fields = form_movie(req, &form, 0, &lock, &unlock), *movie = NULL;
	mq_err rc = MQ_EINVAL;
	if (!req->errors.n) {
		const mq_admin_actor who = admin_actor(req);
		/* without site.js, which ticks a changed field's box itself (and says so: locks_exact),
		 * a changed field is locked whatever its box says, as the API locks what it sets: an
		 * edit is never undone by the next sync without the admin having asked for it */
		const mq_admin_movie_change change = { .fields = fields, .lock = lock, .unlock = unlock,
						       .lock_changed = !mq_kvlist_get(&form, "locks_exact") };
		rc = mq_admin_movie_edit(mq_ctx_of(req)->db, &who, id, &change, &movie);
	}
	cJSON_Delete(lock);
	cJSON_Delete(unlock);
	cJSON_Delete(movie);
	if (rc == MQ_OK)
		back_to_movie(req, res, id, "saved");
	else if (req->errors.n) {
		cJSON_AddStringToObject(fields, "id", id);
		movie_form_page(req, res, 400, cJSON_CreateObject(), fields, 0);
	} else
		page_err(req, res, rc);
	cJSON_Delete(fields);
}

/* POST /admin/movies/:id/sync, /hide, /restore from the edit page's buttons. */
static void movie_action(mq_req *req, mq_res *res, mq_err rc, cJSON *movie, const char *done)
{
	cJSON_Delete(movie);
	if (rc != MQ_OK) {
		mq_reply_status(req, res, mq_err_status(rc), mq_page_message(req, "admin.failed"));
		return;
	}
	back_to_movie(req, res, mq_req_route(req, "id"), done);
}

void admin_page_sync_movie(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	const mq_admin_actor who = admin_actor(req);
	cJSON *movie = NULL, *changed = NULL;
	mq_err rc = mq_admin_movie_sync(&env, &who, mq_req_route(req, "id"), &movie, &changed);
	cJSON_Delete(changed);
	movie_action(req, res, rc, movie, "synced");
}

static void hide_page(mq_req *req, mq_res *res, int hidden)
{
	const mq_admin_actor who = admin_actor(req);
	cJSON *movie = NULL;
	mq_err rc = mq_admin_movie_hide(mq_ctx_of(req)->db, &who, mq_req_route(req, "id"), hidden, &movie);
	movie_action(req, res, rc, movie, hidden ? "hide" : "restore");
}

void admin_page_hide_movie(mq_req *req, mq_res *res)
{
	hide_page(req, res, 1);
}

void admin_page_restore_movie(mq_req *req, mq_res *res)
{
	hide_page(req, res, 0);
}

/* GET /admin/movies/:id/images: TMDB's posters and backdrops, each a button that makes it the
 * movie's (and locks it). */
void admin_page_images(mq_req *req, mq_res *res)
{
	const mq_env env = mq_env_of(req);
	const char *id = mq_req_route(req, "id");
	cJSON *images = NULL, *data = cJSON_CreateObject();
	mq_err rc = mq_admin_tmdb_images(&env, id, &images);
	cJSON_AddStringToObject(data, "movie_id", id);
	if (rc == MQ_OK) {
		static const char *const kinds[][2] = { { "posters", "admin_images.poster_n" },
							{ "backdrops", "admin_images.backdrop_n" } };
		for (int k = 0; k < 2; k++) {
			cJSON *image;
			int n = 0;
			cJSON_ArrayForEach(image, cJSON_GetObjectItemCaseSensitive(images, kinds[k][0]))
				cJSON_AddStringToObject(image, "alt", admin_text(req, kinds[k][1], admin_digits(req, ++n), NULL));
		}
		cJSON_AddItemToObject(data, "images", images);
	} else {
		cJSON_AddStringToObject(data, "error", rc == MQ_ENOTFOUND	     ? mq_page_message(req, "admin.no_such_movie")
						       : rc == MQ_EUNPROCESSABLE ? mq_page_message(req, "admin.no_tmdb_images")
										 : tmdb_problem(req, rc));
	}
	admin_page(req, res, mq_err_status(rc), "admin-images", "admin_images.title", data);
}

/* POST /admin/movies/:id/images?kind=: the upload form (multipart, with its _csrf field). */
void admin_page_upload_image(mq_req *req, mq_res *res)
{
	cJSON *movie = NULL;
	if (admin_upload_image(req, res, &movie))
		return;
	cJSON_Delete(movie);
	back_to_movie(req, res, mq_req_route(req, "id"), "image");
}

/* The admin's lists as pages (taking the list, and data: the page's own values, or NULL): items,
 * pagination, the kind of run in progress, the kinds of run one may start. */
static void list_page(mq_req *req, mq_res *res, admin_list *l, const char *name, const char *title_key, int status,
		      const char *problem, cJSON *data)
{
	if (!data)
		data = cJSON_CreateObject();
	if (problem)
		cJSON_AddStringToObject(data, "problem", problem);
	cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(l->items) == 0);
	cJSON_AddItemToObject(data, "items", l->items);
	cJSON *pagination = mq_moviepage_pagination(req, l->page, l->limit, l->total);
	admin_view_pagination(req, pagination);
	cJSON_AddItemToObject(data, "pagination", pagination);
	if (l->lease) {
		cJSON_AddStringToObject(data, "running", admin_kind_label(req, cJSON_GetStringValue(
										     cJSON_GetObjectItemCaseSensitive(l->lease, "kind"))));
		cJSON_Delete(l->lease);
	}
	cJSON *kinds = cJSON_AddArrayToObject(data, "kinds");
	for (int i = 0; mq_sync_kinds[i]; i++) {
		cJSON *kind = cJSON_CreateObject();
		cJSON_AddStringToObject(kind, "value", mq_sync_kinds[i]);
		cJSON_AddStringToObject(kind, "label", admin_kind_label(req, mq_sync_kinds[i]));
		cJSON_AddItemToArray(kinds, kind);
	}
	admin_page(req, res, status, name, title_key, data);
}

/* GET /admin/audit, /admin/notifications: the API's lists as pages. */
void admin_page_audit(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_audit(req, res, &l))
		return;
	admin_view_audit(req, l.items);
	list_page(req, res, &l, "admin-audit", "admin_audit.title", 200, NULL, NULL);
}

void admin_page_notifications(mq_req *req, mq_res *res)
{
	admin_list l;
	if (admin_read_notifications(req, res, &l))
		return;
	admin_view_notifications(req, l.items);
	list_page(req, res, &l, "admin-notifications", "admin_notifications.title", 200, NULL, NULL);
}

/* GET /admin/sync?started=: the runs, and the latest one's state and progress, which site.js
 * keeps up to date from GET /api/v1/admin/sync/runs?limit=1; without JavaScript a Refresh link
 * while it runs. started (ms, from starting a run here) says a run is on its way: until its
 * synclog is there, it is shown as starting. */
void admin_page_sync_runs(mq_req *req, mq_res *res)
{
	enum { Q_PAGE, Q_LIMIT, Q_STARTED, Q_COUNT };
	static const mq_field query[Q_COUNT] = {
		[Q_PAGE] = MQ_FIELD_PAGE,
		[Q_LIMIT] = MQ_FIELD_LIMIT,
		[Q_STARTED] = { "started", MQ_V_INT, 0, 0, 9007199254740991LL, NULL, NULL },
	};
	mq_value v[Q_COUNT];
	if (mq_valid_query_or_reply(req, res, query, Q_COUNT, v))
		return;
	admin_list l = { .page = v[Q_PAGE].i, .limit = v[Q_LIMIT].i };
	mq_err rc = mq_admin_sync_runs(mq_ctx_of(req)->db, l.page, l.limit, &l.items, &l.total, &l.lease);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	cJSON *run;
	cJSON_ArrayForEach(run, l.items)
		admin_view_run(req, run);
	const cJSON *latest = l.page == 1 ? cJSON_GetArrayItem(l.items, 0) : NULL;
	const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(latest, "started_at"));
	long long started = v[Q_STARTED].present ? v[Q_STARTED].i : 0;
	/* the run started here has no synclog yet when the latest one began before it */
	int starting = started && (!at || admin_iso_ms(at) < started - 2000);
	cJSON *data = cJSON_CreateObject();
	if (started || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(latest, "running"))) {
		cJSON *panel = starting ? cJSON_CreateObject() : cJSON_Duplicate(latest, 1);
		if (starting) {
			cJSON_AddStringToObject(panel, "status", "starting");
			cJSON_AddStringToObject(panel, "status_label", mq_page_message(req, "admin_sync.status_starting"));
			cJSON_AddBoolToObject(panel, "running", 1);
		}
		cJSON_AddNumberToObject(panel, "since", (double)started);
		cJSON_AddStringToObject(panel, "refresh_href", started ? mq_arena_printf(req->arena, "/admin/sync?started=%lld", started)
								 : "/admin/sync");
		cJSON_AddItemToObject(data, "latest", panel);
	}
	cJSON_AddBoolToObject(data, "started", started > 0);
	list_page(req, res, &l, "admin-sync", "admin_sync.title", 200, NULL, data);
}

/* The users page (status 200, or the status of a refused change with problem saying why): each
 * user's role chosen in their row's menu, and their own row without one. */
static void users_page(mq_req *req, mq_res *res, int status, const char *problem)
{
	admin_list l;
	if (admin_read_users(req, res, &l))
		return;
	cJSON *u;
	cJSON_ArrayForEach(u, l.items) {
		const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "role"));
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "id"));
		cJSON_AddBoolToObject(u, "role_admin", role && !strcmp(role, "admin"));
		cJSON_AddStringToObject(u, "role_label", mq_page_message(req, role && !strcmp(role, "admin") ? "admin_users.role_admin"
													 : "admin_users.role_user"));
		cJSON_AddBoolToObject(u, "is_self", id && !strcmp(id, req->user->id));
	}
	list_page(req, res, &l, "admin-users", "admin_users.title", status, problem, NULL);
}

void admin_page_users(mq_req *req, mq_res *res)
{
	users_page(req, res, 200, NULL);
}

/* A small form's fields into v against fields (as a JSON body's are); replies 400 on a problem. */
static int small_form(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *v)
{
	mq_kvlist form = { 0 };
	if (mq_page_form_body(req, &form) == 0)
		mq_validate_kvlist(req, &form, fields, n, v);
	if (!req->errors.n)
		return 0;
	mq_reply_err(req, res, MQ_EINVAL, NULL);
	return -1;
}

/* POST /admin/notifications/seen: all of them seen. */
void admin_page_seen(mq_req *req, mq_res *res)
{
	if (small_form(req, res, NULL, 0, NULL))
		return;
	mq_err rc = mq_admin_notifications_seen(mq_ctx_of(req)->db, req->user->id, NULL);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	mq_reply_redirect(req, res, "/admin/notifications");
}

/* POST /admin/sync {kind}: a run started, back to the runs. */
void admin_page_start_sync(mq_req *req, mq_res *res)
{
	mq_value v[RUN_COUNT];
	cJSON *run = NULL;
	if (small_form(req, res, admin_run_fields, RUN_COUNT, v) || admin_start_sync(req, res, v, &run))
		return;
	cJSON_Delete(run);
	mq_reply_redirect(req, res, mq_arena_printf(req->arena, "/admin/sync?started=%lld", (long long)mq_clock_ms()));
}

/* POST /admin/users/:id/role {role}: back to the users. */
void admin_page_role(mq_req *req, mq_res *res)
{
	mq_value v[ROLE_COUNT];
	cJSON *user = NULL;
	if (small_form(req, res, admin_role_fields, ROLE_COUNT, v))
		return;
	const char *id = mq_req_route(req, "id");
	if (!strcmp(id, req->user->id) || !strcmp(id, "me")) { /* said on the page, not as a bare 422 */
		users_page(req, res, 422, mq_page_message(req, "admin_users.own_role"));
		return;
	}
	if (admin_set_role(req, res, v, &user))
		return;
	cJSON_Delete(user);
	mq_reply_redirect(req, res, "/admin/users");
}
