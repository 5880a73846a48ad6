/* check_handlers_watchlist.c — the watchlist worker in memory: /api/v1/watchlist, interactions,
 * /api/v1/lists, the per-user forms (/users/:id/watchlist, /favorites, /history), /live and the
 * /me/watchlist, /me/favorites, /me/history pages and their toggles' form (POST /me/lists). */
#include "handlers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORM "application/x-www-form-urlencoded"

/* Adds movie (a JSON value) to m's watchlist; the item's id into id. */
static void add(const struct member *m, const char *movie, char id[25])
{
	char body[128];
	snprintf(body, sizeof body, "{\"movie_id\":%s}", movie);
	create_as(&watchlist_app, "/api/v1/watchlist", m, body, id);
}

START_TEST(watchlist_add_and_list)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char fight[25], gump[25], id[25];
	member_and_movie(&m, fight);
	movie_insert(gump, 13, "Forrest Gump", 1994, 18);

	run(&watchlist_app, &c, "POST", "/api/v1/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550,\"is_favorite\":true}", (const char *)NULL);
	cJSON *j = assert_data(&c, 201), *data = data_of(j);
	ck_assert_str_eq(header(&c, "Cache-Control"), "no-store");
	ck_assert_int_eq(strlen(str_at(data, "id", NULL, NULL)), 24);
	ck_assert_str_eq(str_at(data, "movie_id", NULL, NULL), fight);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "is_favorite")));
	ck_assert(*str_at(data, "added_at", NULL, NULL));
	ck_assert(*str_at(data, "updated_at", NULL, NULL));
	cJSON_Delete(j);

	/* the same movie by slug: 409 */
	run(&watchlist_app, &c, "POST", "/api/v1/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":\"fight-club-1999\"}", (const char *)NULL);
	assert_error_shape(&c, 409, "/api/v1/watchlist");
	ck_assert(body_has(&c, "\"message\":\"This movie is on the watchlist already\""));
	add(&m, "\"forrest-gump-1994\"", id);

	/* newest first, each with its movie's summary */
	run(&watchlist_app, &c, "GET", "/api/v1/watchlist", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 2);
	const cJSON *first = cJSON_GetArrayItem(data_of(j), 0);
	ck_assert_str_eq(str_at(first, "id", NULL, NULL), id);
	ck_assert_str_eq(str_at(first, "movie", "title", NULL), "Forrest Gump");
	ck_assert_int_eq((int)num_at(cJSON_GetObjectItemCaseSensitive(first, "movie"), "tmdb_id", NULL), 13);
	ck_assert_ptr_nonnull(header(&c, "ETag"));
	cJSON_Delete(j);

	run(&watchlist_app, &c, "GET", "/api/v1/watchlist?favorites=true", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 1);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "movie_id", NULL, NULL), fight);
	cJSON_Delete(j);
	run(&watchlist_app, &c, "GET", "/api/v1/watchlist?favorites=false&limit=1", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 1, 1));
	run(&watchlist_app, &c, "GET", "/api/v1/watchlist?page=2&limit=1&language=fa", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	cJSON_Delete(assert_list(&c, 2, 1, 2));

	run(&watchlist_app, &c, "GET", "/api/v1/watchlist?favorites=maybe&limit=500&language=de", "HTTP_AUTHORIZATION",
	    m.auth, (const char *)NULL);
	assert_errors_mention(&c, 400, "/api/v1/watchlist", "favorites must be true or false",
			      "limit must be an integer from 1 to 100", "language must be one of", (const char *)NULL);
}
END_TEST

START_TEST(watchlist_add_invalid)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25];
	member_and_movie(&m, movie);
	static const struct bad_body bad[] = {
		{ "{}", "movie_id is required" },
		{ "{\"movie_id\":550,\"is_favorite\":\"yes\"}", "is_favorite must be true or false" },
		{ "{\"movie_id\":550,\"type\":\"watched\"}", "unknown field 'type'" },
		{ "{\"movie_id\":\"???\"}", "movie_id must be a TMDB id" },
		{ "{\"movie_id\":true}", "movie_id must be a string" },
		{ "{\"movie_id\":null}", "movie_id may not be null" },
	};
	post_bad_bodies(&watchlist_app, "/api/v1/watchlist", &m, bad, sizeof bad / sizeof bad[0]);
	run(&watchlist_app, &c, "POST", "/api/v1/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY", "movie_id=550",
	    "CONTENT_TYPE", FORM, (const char *)NULL);
	assert_error_shape(&c, 415, "/api/v1/watchlist");
	/* not in the catalogue (and no TMDB to fetch from) */
	post_refused(&watchlist_app, "/api/v1/watchlist", &m, "{\"movie_id\":\"0123456789abcdef01234567\"}", 404);
	post_refused(&watchlist_app, "/api/v1/watchlist", &m, "{\"movie_id\":31337}", 404);
	run(&watchlist_app, &c, "GET", "/api/v1/watchlist", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));
}
END_TEST

START_TEST(watchlist_unauthenticated)
{
	struct cgi c;
	static const char *const paths[] = { "/api/v1/watchlist", "/api/v1/watchlist/0123456789abcdef01234567",
					     "/api/v1/lists", "/api/v1/interactions", "/api/v1/users/me/watchlist",
					     "/api/v1/users/me/favorites", "/api/v1/users/me/history" };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		run(&watchlist_app, &c, "GET", paths[i], (const char *)NULL);
		assert_error_shape(&c, 401, paths[i]);
	}
	run(&watchlist_app, &c, "POST", "/api/v1/watchlist", "BODY", "{\"movie_id\":550}", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/watchlist");
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/liked/550", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/interactions/liked/550");
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/history/550", (const char *)NULL);
	assert_error_shape(&c, 401, "/api/v1/users/me/history/550");

	/* /live: 401 rather than a redirect (EventSource would give up) */
	run(&watchlist_app, &c, "GET", "/live", (const char *)NULL);
	ck_assert_int_eq(c.status, 401);
	ck_assert_ptr_null(header(&c, "X-Accel-Redirect"));
	/* the pages: to the login form */
	run(&watchlist_app, &c, "GET", "/me/favorites?page=2", (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), "/login?next=%2Fme%2Ffavorites");
	run(&watchlist_app, &c, "PATCH", "/api/v1/lists", (const char *)NULL);
	assert_error_shape(&c, 405, "/api/v1/lists");
}
END_TEST

START_TEST(watchlist_item)
{
	NEED_DB();
	struct cgi c;
	struct member m, other;
	char movie[25], id[25], path[96], fav[112];
	member_new(&m, "user");
	member_and_movie(&other, movie);
	add(&m, "550", id);
	snprintf(path, sizeof path, "/api/v1/watchlist/%s", id);
	snprintf(fav, sizeof fav, "%s/favorite", path);

	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert_str_eq(str_at(j, "data", "id", NULL), id);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);
	/* anyone else's: 404 */
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", other.auth, "BODY", "{\"is_favorite\":true}",
	    (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "GET", "/api/v1/watchlist/zzz", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/watchlist/zzz");

	/* PATCH sets is_favorite (required); /favorite toggles, or sets with a body */
	run(&watchlist_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"is_favorite\":true}",
	    (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);
	run(&watchlist_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{}", (const char *)NULL);
	assert_error_mentions(&c, 400, path, "is_favorite is required");
	run(&watchlist_app, &c, "PATCH", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"is_favorite\":1}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, path, "is_favorite must be true or false");
	run(&watchlist_app, &c, "PATCH", fav, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);
	run(&watchlist_app, &c, "POST", fav, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);
	run(&watchlist_app, &c, "PATCH", fav, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"is_favorite\":true}",
	    (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);

	/* a browser session: CSRF; then removed (204), gone (404) */
	run(&watchlist_app, &c, "DELETE", path, "HTTP_COOKIE", m.cookie, (const char *)NULL);
	assert_error_shape(&c, 403, path);
	run(&watchlist_app, &c, "DELETE", path, "HTTP_COOKIE", m.cookie, "HTTP_X_CSRF_TOKEN", m.csrf, (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	ck_assert_int_eq(c.body_len, 0);
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "DELETE", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
}
END_TEST

START_TEST(watchlist_interactions)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25];
	member_and_movie(&m, movie);

	run(&watchlist_app, &c, "POST", "/api/v1/interactions", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550,\"type\":\"liked\"}", (const char *)NULL);
	cJSON *j = assert_data(&c, 201), *data = data_of(j);
	ck_assert_str_eq(str_at(data, "movie_id", NULL, NULL), movie);
	ck_assert_str_eq(str_at(data, "type", NULL, NULL), "liked");
	ck_assert(*str_at(data, "at", NULL, NULL));
	cJSON_Delete(j);
	/* again: 200 (it moves to now) */
	run(&watchlist_app, &c, "POST", "/api/v1/interactions", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":\"fight-club-1999\",\"type\":\"liked\"}", (const char *)NULL);
	cJSON_Delete(assert_data(&c, 200));
	/* a dislike drops the like */
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/disliked/550", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_data(&c, 201));
	run(&watchlist_app, &c, "GET", "/api/v1/interactions?type=liked", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/watched/fight-club-1999", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	cJSON_Delete(assert_data(&c, 201));
	run(&watchlist_app, &c, "GET", "/api/v1/interactions", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 2);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "type", NULL, NULL), "watched");
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "movie", "title", NULL), "Fight Club");
	cJSON_Delete(j);

	run(&watchlist_app, &c, "DELETE", "/api/v1/interactions/disliked/550", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	run(&watchlist_app, &c, "DELETE", "/api/v1/interactions/disliked/550", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/interactions/disliked/550");

	/* problems */
	run(&watchlist_app, &c, "POST", "/api/v1/interactions", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550,\"type\":\"loved\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/interactions", "type must be one of");
	run(&watchlist_app, &c, "POST", "/api/v1/interactions", "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"movie_id\":550}",
	    (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/interactions", "type is required");
	run(&watchlist_app, &c, "GET", "/api/v1/interactions?type=loved", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/interactions", "type must be one of");
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/loved/550", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/interactions/loved/550");
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/liked/0123456789abcdef01234567", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/interactions/liked/0123456789abcdef01234567");
	run(&watchlist_app, &c, "PUT", "/api/v1/interactions/liked/what!", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/interactions/liked/what!", "movieId must be a TMDB id");
}
END_TEST

START_TEST(watchlist_lists_state)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25], id[25];
	member_and_movie(&m, movie);

	run(&watchlist_app, &c, "GET", "/api/v1/lists", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(data_of(j), "version")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data_of(j), "movies")), 0);
	cJSON_Delete(j);
	char etag[128];
	snprintf(etag, sizeof etag, "%s", header(&c, "ETag"));

	add(&m, "550", id);
	run(&watchlist_app, &c, "GET", "/api/v1/lists", "HTTP_AUTHORIZATION", m.auth, "HTTP_IF_NONE_MATCH", etag,
	    (const char *)NULL);
	j = assert_data(&c, 200); /* the lists changed: a new version */
	ck_assert_str_ne(header(&c, "ETag"), etag);
	const cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(data_of(j), "movies"), 0);
	ck_assert_str_eq(str_at(entry, "movie_id", NULL, NULL), movie);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(entry, "watchlist")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(entry, "favorite")));
	cJSON_Delete(j);
	snprintf(etag, sizeof etag, "%s", header(&c, "ETag"));
	/* unchanged: 304 without a body */
	run(&watchlist_app, &c, "GET", "/api/v1/lists", "HTTP_AUTHORIZATION", m.auth, "HTTP_IF_NONE_MATCH", etag,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 304);
	ck_assert_int_eq(c.body_len, 0);

	run(&watchlist_app, &c, "GET", "/api/v1/lists?movie=550", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/lists", "unknown parameter 'movie'");
}
END_TEST

START_TEST(watchlist_user_forms)
{
	NEED_DB();
	struct cgi c;
	struct member m, other, admin;
	char fight[25], gump[25], path[96];
	member_new(&m, "user");
	member_new(&other, "user");
	member_new(&admin, "admin");
	movie_insert(fight, 550, "Fight Club", 1999, 18);
	movie_insert(gump, 13, "Forrest Gump", 1994, 18);

	/* watchlist: POST 201, again 409; PUT is idempotent (200) and may set is_favorite */
	run(&watchlist_app, &c, "POST", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550}", (const char *)NULL);
	cJSON_Delete(assert_data(&c, 201));
	post_refused(&watchlist_app, "/api/v1/users/me/watchlist", &m, "{\"movie_id\":550}", 409);
	run(&watchlist_app, &c, "PUT", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550}", (const char *)NULL);
	cJSON *j = assert_data(&c, 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);
	run(&watchlist_app, &c, "PUT", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":550,\"is_favorite\":true}", (const char *)NULL);
	j = assert_data(&c, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data_of(j), "is_favorite")));
	cJSON_Delete(j);

	/* favourites: a list of their own (201), which the watchlist does not follow */
	snprintf(path, sizeof path, "/api/v1/users/%s/favorites", m.id);
	run(&watchlist_app, &c, "POST", path, "HTTP_AUTHORIZATION", m.auth, "BODY", "{\"movie_id\":13}", (const char *)NULL);
	cJSON_Delete(assert_data(&c, 201));
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 2));
	run(&watchlist_app, &c, "GET", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 1));
	/* no longer a favourite */
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/favorites/13", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 1));

	/* history: watched movies, newest first */
	run(&watchlist_app, &c, "POST", "/api/v1/users/me/history", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":\"forrest-gump-1994\"}", (const char *)NULL);
	j = assert_data(&c, 201);
	ck_assert_str_eq(str_at(j, "data", "type", NULL), "watched");
	cJSON_Delete(j);
	run(&watchlist_app, &c, "GET", "/api/v1/users/me/history", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	j = assert_list(&c, 1, 20, 1);
	ck_assert_str_eq(str_at(cJSON_GetArrayItem(data_of(j), 0), "movie_id", NULL, NULL), gump);
	cJSON_Delete(j);
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/history", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":13}", (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/history?movie_id=13", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/me/history");

	/* removing from the watchlist: by query, body or path */
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/watchlist?movie_id=fight-club-1999", "HTTP_AUTHORIZATION",
	    m.auth, (const char *)NULL);
	ck_assert_int_eq(c.status, 204);
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/watchlist/550", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/me/watchlist/550");
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me/watchlist", "movie_id is required");
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/watchlist", "HTTP_AUTHORIZATION", m.auth, "BODY",
	    "{\"movie_id\":\"!!\"}", (const char *)NULL);
	assert_error_mentions(&c, 400, "/api/v1/users/me/watchlist", "movie_id must be a TMDB id");
	/* a movie the catalogue lacks is never fetched to be removed */
	run(&watchlist_app, &c, "DELETE", "/api/v1/users/me/watchlist/98765", "HTTP_AUTHORIZATION", m.auth,
	    (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/me/watchlist/98765");

	/* someone else's lists: 404, unless an admin asks */
	snprintf(path, sizeof path, "/api/v1/users/%s/watchlist", m.id);
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", other.auth, (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "POST", path, "HTTP_AUTHORIZATION", other.auth, "BODY", "{\"movie_id\":550}",
	    (const char *)NULL);
	assert_error_shape(&c, 404, path);
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 0));
	snprintf(path, sizeof path, "/api/v1/users/%s/favorites", m.id); /* 550 stayed a favourite */
	run(&watchlist_app, &c, "GET", path, "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	cJSON_Delete(assert_list(&c, 1, 20, 1));
	run(&watchlist_app, &c, "GET", "/api/v1/users/nobody/history", "HTTP_AUTHORIZATION", admin.auth, (const char *)NULL);
	assert_error_shape(&c, 404, "/api/v1/users/nobody/history");
}
END_TEST

START_TEST(watchlist_live)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	member_new(&m, "user");
	/* nginx hands the connection to the member's own channel */
	run(&watchlist_app, &c, "GET", "/live", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	const char *to = header(&c, "X-Accel-Redirect");
	ck_assert_ptr_nonnull(to);
	ck_assert(!strncmp(to, "/internal/live/", 15));
	ck_assert_ptr_nonnull(strstr(to, m.id));
	ck_assert_str_eq(header(&c, "X-Accel-Buffering"), "no");
	run(&watchlist_app, &c, "GET", "/live", "HTTP_AUTHORIZATION", m.auth, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
}
END_TEST

/* POSTs the toggles' form as m's browser, asserts the 303 to location, and that page (200) shows
 * Fight Club. */
static void toggle_then_see(const struct member *m, const char *form, const char *location, const char *page)
{
	struct cgi c;
	run(&watchlist_app, &c, "POST", "/me/lists", "HTTP_COOKIE", m->cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 303);
	ck_assert_str_eq(header(&c, "Location"), location);
	run(&watchlist_app, &c, "GET", page, "HTTP_COOKIE", m->cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "Fight Club"));
}

START_TEST(watchlist_pages)
{
	NEED_DB();
	struct cgi c;
	struct member m;
	char movie[25], id[25], form[256];
	hc_templates();
	member_and_movie(&m, movie);

	run(&watchlist_app, &c, "GET", "/me/watchlist", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(header(&c, "Content-Type"), "text/html; charset=utf-8");
	ck_assert(!body_has(&c, "Fight Club"));

	add(&m, "550", id);
	run(&watchlist_app, &c, "GET", "/me/watchlist", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(body_has(&c, "Fight Club"));
	ck_assert(body_has(&c, "Watchlist"));
	run(&watchlist_app, &c, "GET", "/me/favorites", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 200);
	ck_assert(!body_has(&c, "Fight Club"));
	run(&watchlist_app, &c, "GET", "/me/history?page=x", "HTTP_COOKIE", m.cookie, (const char *)NULL);
	ck_assert_int_eq(c.status, 400);

	/* the toggles' plain form: favourite it, back to where the member was */
	run(&watchlist_app, &c, "POST", "/me/lists", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY",
	    "movie=550&list=favorite&on=true", (const char *)NULL);
	ck_assert_int_eq(c.status, 403);
	snprintf(form, sizeof form, "_csrf=%s&movie=550&list=favorite&on=true&return=%%2Fme%%2Ffavorites", m.csrf);
	toggle_then_see(&m, form, "/me/favorites", "/me/favorites");
	snprintf(form, sizeof form, "_csrf=%s&movie=550&list=watched&on=true", m.csrf);
	toggle_then_see(&m, form, "/movies/550", "/me/history");
	snprintf(form, sizeof form, "_csrf=%s&movie=550&list=loved&on=maybe", m.csrf);
	run(&watchlist_app, &c, "POST", "/me/lists", "HTTP_COOKIE", m.cookie, "CONTENT_TYPE", FORM, "BODY", form,
	    (const char *)NULL);
	ck_assert_int_eq(c.status, 400);
}
END_TEST

Suite *handlers_watchlist_suite(void)
{
	Suite *s = suite_create("handlers-watchlist");
	TCase *tc = tcase_create("watchlist");
	tcase_add_checked_fixture(tc, hc_setup, hc_teardown);
	tcase_add_test(tc, watchlist_add_and_list);
	tcase_add_test(tc, watchlist_add_invalid);
	tcase_add_test(tc, watchlist_unauthenticated);
	tcase_add_test(tc, watchlist_item);
	tcase_add_test(tc, watchlist_interactions);
	tcase_add_test(tc, watchlist_lists_state);
	tcase_add_test(tc, watchlist_user_forms);
	tcase_add_test(tc, watchlist_live);
	tcase_add_test(tc, watchlist_pages);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
