/* moviepage.c — list pages of the catalogue (see moviepage.h). */
#include "site/moviepage.h"
#include "core/l10n.h"
#include "domain/catalog.h"
#include "domain/genre.h"
#include "domain/lists.h"
#include "domain/movie_extras.h"
#include "tmdb/images.h"
#include "site/movieapi.h"
#include "site/page.h"
#include "site/peoplepage.h"
#include "tmdb/tmdbcache.h"
#include "web/ctx.h"
#include "web/response.h"

#include <stdio.h>
#include <string.h>

void mq_moviepage_initials(cJSON *m, const char *title)
{
	char out[20];
	size_t n = 0;
	for (int words = 0; title && *title && words < 2; words++) {
		while (*title == ' ')
			title++;
		if (!*title)
			break;
		unsigned char lead = (unsigned char)*title;
		size_t len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (strnlen(title, len) < len)
			break;
		if (words) {
			memcpy(out + n, "\u200c", 3);
			n += 3;
		}
		memcpy(out + n, title, len);
		n += len;
		while (*title && *title != ' ')
			title++;
	}
	out[n] = '\0';
	if (n)
		cJSON_AddStringToObject(m, "initials", out);
}

void mq_moviepage_movie_card(const mq_req *req, cJSON *m)
{
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "slug"));
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "tmdb_id");
	char href[200];
	if (slug)
		snprintf(href, sizeof href, "/movies/%s", slug);
	else if (cJSON_IsNumber(id))
		snprintf(href, sizeof href, "/movies/%lld", (long long)id->valuedouble);
	else
		return;
	cJSON_AddStringToObject(m, "href", href);
	const cJSON *avg = cJSON_GetObjectItemCaseSensitive(m, "vote_average");
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(m, "vote_count");
	if (cJSON_IsNumber(avg) && cJSON_IsNumber(count) && count->valuedouble > 0)
		cJSON_AddStringToObject(m, "vote_text", mq_page_number(req, avg->valuedouble, 1));
	const cJSON *year = cJSON_GetObjectItemCaseSensitive(m, "year");
	if (cJSON_IsNumber(year) && year->valuedouble > 0)
		cJSON_AddStringToObject(m, "year_text", mq_page_digits(req, (long long)year->valuedouble));
	mq_moviepage_initials(m, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "title")));
	/* the first genre colours the placeholder (site.css: [data-genre]) */
	const cJSON *genre = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "genres"), 0), "id");
	if (cJSON_IsNumber(genre))
		cJSON_AddNumberToObject(m, "genre_id", genre->valuedouble);
}

const char *mq_moviepage_reason(const mq_req *req, const cJSON *reason)
{
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reason, "kind"));
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reason, "title"));
	const char *genre = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reason, "genre"));
	if (kind && !strcmp(kind, "because") && title)
		return mq_page_messagef(req, "card.because", "title", mq_page_isolate(req, title), NULL);
	if (kind && !strcmp(kind, "genre"))
		return genre ? mq_page_messagef(req, "card.genre", "genre", mq_page_isolate(req, genre), NULL)
			     : mq_page_message(req, "card.your_genres");
	return mq_page_message(req, "card.popular");
}

void mq_moviepage_rating_texts(const mq_req *req, cJSON *rating)
{
	const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rating, "created_at"));
	mq_buf date = MQ_BUF_INIT;
	if (mq_l10n_iso_time(&date, mq_page_language(req), at, MQ_DATE_DAY, mq_ctx_of(req)->cfg->timezone) == 0)
		cJSON_AddStringToObject(rating, "date", mq_buf_cstr(&date));
	mq_buf_free(&date);
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(rating, "rating");
	if (cJSON_IsNumber(r))
		cJSON_AddStringToObject(rating, "rating_text",
					mq_page_number(req, r->valuedouble, r->valuedouble != (double)(long long)r->valuedouble));
}

cJSON *mq_moviepage_lists_state(mq_req *req, const char *movie_id)
{
	cJSON *state = NULL;
	if (req->user && mq_lists_state(mq_ctx_of(req)->db, req->user->id, req->user->lists_v, movie_id, &state) != MQ_OK)
		state = NULL;
	return state;
}

/* The entry of movie in state (matched by id, else TMDB id), or NULL. */
static const cJSON *state_of(const cJSON *state, const cJSON *movie)
{
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	const cJSON *tmdb = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(state, "movies")) {
		const char *eid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "movie_id"));
		const cJSON *etmdb = cJSON_GetObjectItemCaseSensitive(e, "tmdb_id");
		if ((id && eid && !strcmp(id, eid)) ||
		    (cJSON_IsNumber(tmdb) && cJSON_IsNumber(etmdb) && tmdb->valuedouble == etmdb->valuedouble))
			return e;
	}
	return NULL;
}

void mq_moviepage_toggles(mq_req *req, cJSON *movie, const cJSON *state, int full)
{
	/* each list's label is "toggle.<list>" of the catalogue */
	static const char *const toggles[] = { "watchlist", "favorite", "watched", "liked", "disliked" };
	if (!req->user)
		return;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	const cJSON *tmdb = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	char ref[32];
	if (id)
		snprintf(ref, sizeof ref, "%s", id);
	else if (cJSON_IsNumber(tmdb))
		snprintf(ref, sizeof ref, "%lld", (long long)tmdb->valuedouble);
	else
		return;
	const cJSON *mine = state_of(state, movie);
	cJSON *member = cJSON_AddObjectToObject(movie, "member");
	cJSON_AddStringToObject(member, "ref", ref);
	cJSON *list = cJSON_AddArrayToObject(member, "toggles");
	for (size_t i = 0; i < (full ? sizeof toggles / sizeof toggles[0] : 2); i++) {
		int on = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(mine, toggles[i]));
		char key[32];
		snprintf(key, sizeof key, "toggle.%s", toggles[i]);
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "list", toggles[i]);
		cJSON_AddStringToObject(t, "label", mq_page_message(req, key));
		cJSON_AddStringToObject(t, "pressed", on ? "true" : "false");
		cJSON_AddStringToObject(t, "next", on ? "0" : "1");
		cJSON_AddItemToArray(list, t);
	}
	const cJSON *rating = cJSON_GetObjectItemCaseSensitive(mine, "rating");
	if (cJSON_IsNumber(rating))
		cJSON_AddNumberToObject(member, "rating", rating->valuedouble);
}

void mq_moviepage_movie_cards(mq_req *req, cJSON *movies)
{
	cJSON *state = mq_moviepage_lists_state(req, NULL);
	cJSON *m;
	cJSON_ArrayForEach(m, movies) {
		mq_moviepage_movie_card(req, m);
		mq_moviepage_toggles(req, m, state, 0);
	}
	cJSON_Delete(state);
}

/* The current path with the query, page= replaced by page (left out for page 1). */
static char *page_href(mq_req *req, long long page)
{
	mq_buf b = MQ_BUF_INIT;
	mq_buf_puts(&b, req->display_path ? req->display_path : req->path);
	char sep = '?';
	for (size_t i = 0; i < req->query.n; i++) {
		const mq_kv *kv = &req->query.items[i];
		if (!strcmp(kv->key, "page") || !*kv->value)
			continue;
		mq_buf_putc(&b, sep);
		mq_buf_url_component(&b, kv->key, strlen(kv->key));
		mq_buf_putc(&b, '=');
		mq_buf_url_component(&b, kv->value, strlen(kv->value));
		sep = '&';
	}
	if (page > 1)
		mq_buf_printf(&b, "%cpage=%lld", sep, page);
	char *href = mq_arena_strdup(req->arena, mq_buf_cstr(&b));
	mq_buf_free(&b);
	return href;
}

cJSON *mq_moviepage_pagination(mq_req *req, long long page, long long limit, long long total)
{
	long long pages = total > 0 ? (total + limit - 1) / limit : 0;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "page", (double)page);
	cJSON_AddNumberToObject(p, "total_pages", (double)pages);
	cJSON_AddBoolToObject(p, "has_prev", page > 1);
	cJSON_AddBoolToObject(p, "has_next", page < pages);
	cJSON_AddBoolToObject(p, "several", pages > 1);
	cJSON_AddStringToObject(p, "text", mq_page_messagef(req, "pagination.page_of", "page", mq_page_digits(req, page),
							    "total", mq_page_digits(req, pages), NULL));
	if (page > 1)
		cJSON_AddStringToObject(p, "prev_href", page_href(req, page - 1 < pages ? page - 1 : pages > 0 ? pages : 1));
	if (page < pages)
		cJSON_AddStringToObject(p, "next_href", page_href(req, page + 1));
	return p;
}

/* The filter form's choices, the current ones selected. */
static void add_filters(mq_req *req, cJSON *data, const mq_movie_query *q, const char *lang)
{
	/* the labels of mq_movie_sorts, in its order */
	const char *const sort_labels[] = {
		mq_page_message(req, "list.sort_popularity"), mq_page_message(req, "list.sort_rating"),
		mq_page_message(req, "list.sort_release_date"), mq_page_message(req, "list.sort_title"), NULL,
	};
	const mq_env env = mq_env_of(req);
	cJSON_AddItemToObject(data, "sorts", mq_page_options(mq_movie_sorts, sort_labels, (int)q->sort));
	cJSON_AddBoolToObject(data, "ascending", q->ascending);
	const char *year = mq_req_query(req, "year"), *min = mq_req_query(req, "minRating");
	if (year)
		cJSON_AddStringToObject(data, "year_value", year);
	if (min)
		cJSON_AddStringToObject(data, "min_rating_value", min);
	cJSON *genres = NULL;
	if (mq_genres_list(&env, lang, &genres) == MQ_OK) {
		mq_page_select_genre(genres, q->genre);
		cJSON_AddItemToObject(data, "genres", genres);
	}
}

void mq_reply_movie_list_page(mq_req *req, mq_res *res, mq_movieapi_list_kind kind)
{
	static const char *const templates[] = {
		[MQ_LIST_BROWSE] = "movies", [MQ_LIST_GENRE] = "genre", [MQ_LIST_SEARCH] = "search",
	};
	const mq_ctx *ctx = mq_ctx_of(req);
	const mq_env env = mq_env_of(req);
	const char *lang = mq_page_language(req);
	cJSON *data = cJSON_CreateObject();
	const char *title = mq_page_message(req, kind == MQ_LIST_SEARCH ? "search.title" : "list.movies");
	const char *q_text = mq_req_query(req, "q");
	if (kind == MQ_LIST_SEARCH && (!q_text || !*q_text) && req->query.n <= 1) {
		mq_reply_page(req, res, 200, "search", title, data); /* just the form */
		return;
	}

	mq_movie_query q;
	const char **fields = NULL;
	int prc = mq_movieapi_query_parse(req, kind, &q, &fields);
	if (prc > 0) {
		cJSON_Delete(data);
		mq_reply_err(req, res, (mq_err)prc, NULL);
		return;
	}
	q.lang = lang; /* pages follow the visitor's language, not a parameter */
	if (kind == MQ_LIST_GENRE) {
		cJSON *genre = NULL;
		mq_err rc = mq_genre_get(&env, mq_req_route(req, "id"), lang, &genre);
		if (rc != MQ_OK) {
			cJSON_Delete(data);
			if (rc == MQ_EINVAL || rc == MQ_ENOTFOUND)
				mq_reply_page_error(req, res, 404, "genres.no_such_genre");
			else
				mq_reply_err(req, res, rc, NULL);
			return;
		}
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(genre, "id");
		q.genre = cJSON_IsNumber(id) ? (long long)id->valuedouble : -1;
		title = mq_arena_strdup(req->arena, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(genre, "name")));
		cJSON_AddItemToObject(data, "genre", genre);
	}
	if (q_text)
		cJSON_AddStringToObject(data, "q", q_text);
	if (kind == MQ_LIST_BROWSE)
		add_filters(req, data, &q, lang);

	int status = 200;
	cJSON *items = NULL;
	long long total = 0;
	if (prc < 0) {
		status = 400;
	} else {
		mq_err rc = mq_catalog_list(ctx->db, &q, &items, &total);
		if (rc != MQ_OK) {
			cJSON_Delete(data);
			mq_reply_err(req, res, rc, NULL);
			return;
		}
		if (kind == MQ_LIST_SEARCH && total == 0 && q.page == 1) {
			/* nothing in the catalogue: TMDB's search, as the API does */
			mq_movieapi_tmdb_page p;
			if (mq_movieapi_tmdb_search(req, &q, &p) == MQ_OK) {
				cJSON_Delete(items);
				items = p.items;
				total = p.total;
				q.limit = 20;
				cJSON_AddBoolToObject(data, "from_tmdb", 1);
			} else {
				cJSON_AddBoolToObject(data, "tmdb_failed", 1);
			}
		} else {
			mq_movieapi_images(req, items);
		}
		mq_moviepage_movie_cards(req, items);
		cJSON_AddNumberToObject(data, "total", (double)total);
		cJSON_AddBoolToObject(data, "empty", cJSON_GetArraySize(items) == 0);
		cJSON_AddItemToObject(data, "movies", items);
		cJSON_AddItemToObject(data, "pagination", mq_moviepage_pagination(req, q.page, q.limit, total));
	}
	if (kind == MQ_LIST_SEARCH && prc == 0 && q.search && q.page == 1) {
		/* the people the text names, above the movies (a failure shows none: the movies stand) */
		int people_from_tmdb = 0;
		mq_err prc_people;
		cJSON *people = mq_peoplepage_search(req, q_text, q.search, 12, lang, 1, &people_from_tmdb, &prc_people);
		cJSON_AddBoolToObject(data, "has_people", cJSON_GetArraySize(people) > 0);
		cJSON_AddBoolToObject(data, "people_from_tmdb", people_from_tmdb);
		if (people)
			cJSON_AddItemToObject(data, "people", people);
	}
	cJSON_AddItemToObject(data, "form", mq_page_form(req, (const char *const[]){ "q", "genre", "year", "minRating", "actor", "director", "sort", "order", NULL }, &req->query));
	mq_reply_page(req, res, status, templates[kind], title, data);
}

/* ---- the movie page's details ---- */

/* Gives each person of people with a TMDB id the link to their page on this site, and each but
 * the last the page's list separator (sep). */
static void link_people(mq_req *req, cJSON *people)
{
	cJSON *p;
	cJSON_ArrayForEach(p, people) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "tmdb_id");
		cJSON_DeleteItemFromObjectCaseSensitive(p, "person_href");
		if (cJSON_IsNumber(id) && id->valuedouble >= 1)
			cJSON_AddStringToObject(p, "person_href", mq_arena_printf(req->arena, "/people/%lld", (long long)id->valuedouble));
		cJSON_DeleteItemFromObjectCaseSensitive(p, "sep");
		if (p->next) /* between names in a line: the page's list separator */
			cJSON_AddStringToObject(p, "sep", mq_page_message(req, "movie.list_separator"));
	}
}

/* The strings of texts (an array) joined by the page's list separator, or NULL when empty. */
static const char *joined(mq_req *req, const cJSON *texts)
{
	mq_buf b = MQ_BUF_INIT;
	const cJSON *t;
	cJSON_ArrayForEach(t, texts) {
		if (!cJSON_IsString(t))
			continue;
		if (b.len)
			mq_buf_puts(&b, mq_page_message(req, "movie.list_separator"));
		mq_buf_puts(&b, t->valuestring);
	}
	const char *out = b.len ? mq_arena_strdup(req->arena, mq_buf_cstr(&b)) : NULL;
	mq_buf_free(&b);
	return out;
}

/* The "name" of each object of list, as an array of strings (caller owns). */
static cJSON *names_of(const cJSON *list)
{
	cJSON *names = cJSON_CreateArray();
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name"));
		if (name)
			cJSON_AddItemToArray(names, cJSON_CreateString(name));
	}
	return names;
}

/* movie.crew: the key crew beside the directors, [{label, people}] for the groups that have
 * anyone (writers with their jobs in words: "screenplay, story"). */
static void add_crew(mq_req *req, cJSON *movie)
{
	static const struct {
		const char *list, *label;
	} groups[] = { { "writers", "movie.writing" }, { "composers", "movie.music" }, { "cinematographers", "movie.cinematography" } };
	/* a writer's jobs in words, when there is more to say than "writer" */
	static const char *const jobs[][2] = {
		{ "Screenplay", "movie.job_screenplay" }, { "Story", "movie.job_story" },
	};
	cJSON *crew = cJSON_CreateArray();
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		cJSON *people = cJSON_GetObjectItemCaseSensitive(movie, groups[g].list);
		if (!cJSON_GetArraySize(people))
			continue;
		link_people(req, people);
		cJSON *p;
		cJSON_ArrayForEach(p, people) {
			cJSON *words = cJSON_CreateArray();
			const cJSON *job;
			cJSON_ArrayForEach(job, cJSON_GetObjectItemCaseSensitive(p, "jobs"))
				for (size_t j = 0; j < sizeof jobs / sizeof jobs[0]; j++)
					if (cJSON_IsString(job) && !strcmp(job->valuestring, jobs[j][0]))
						cJSON_AddItemToArray(words, cJSON_CreateString(mq_page_message(req, jobs[j][1])));
			const char *text = joined(req, words);
			if (text)
				cJSON_AddStringToObject(p, "jobs_text", text);
			cJSON_Delete(words);
		}
		cJSON *group = cJSON_CreateObject();
		cJSON_AddStringToObject(group, "label", mq_page_message(req, groups[g].label));
		cJSON_AddItemToObject(group, "people", cJSON_Duplicate(people, 1));
		cJSON_AddItemToArray(crew, group);
	}
	cJSON_AddBoolToObject(movie, "has_crew", cJSON_GetArraySize(crew) > 0);
	cJSON_AddItemToObject(movie, "crew", crew);
}

/* The name of region in the page's language ("United States" / "ایالات متحده"), else its code. */
static const char *region_name(mq_req *req, const char *region)
{
	mq_buf b = MQ_BUF_INIT;
	const char *out = mq_l10n_country_name(&b, mq_page_language(req), region) == 0
				  ? mq_arena_strdup(req->arena, mq_buf_cstr(&b)) : region;
	mq_buf_free(&b);
	return out;
}

/* movie.region_certification and its label: the certification for the page's region. */
static void add_certification(mq_req *req, cJSON *movie, const char *region)
{
	const char *c = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(movie, "certifications"), region));
	if (!c)
		return;
	cJSON_AddStringToObject(movie, "region_certification", c);
	cJSON_AddStringToObject(movie, "certification_label",
				mq_page_messagef(req, "movie.certification_in", "region", region_name(req, region), NULL));
}

/* movie.trailer: the first of the trailers the movie's JSON gives for the page's language, to
 * play on our page only when the visitor asks (site.js swaps the link for YouTube's
 * privacy-enhanced player; without JavaScript the link opens the video at YouTube). */
static void add_trailer(mq_req *req, cJSON *movie)
{
	const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(movie, "trailers"), 0);
	const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "key"));
	if (!key) /* the keys were checked when the movie was stored (mq_movie_doc_from_tmdb) */
		return;
	/* its name is TMDB's, in the video's language: marked so (lang), as a screen reader needs */
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
	const char *name_lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "iso_639_1"));
	if (!name) {
		name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "title"));
		name_lang = NULL;
	}
	cJSON *trailer = cJSON_CreateObject();
	cJSON_AddStringToObject(trailer, "watch_href", mq_arena_printf(req->arena, "https://www.youtube.com/watch?v=%s", key));
	cJSON_AddStringToObject(trailer, "embed_src",
				mq_arena_printf(req->arena, "https://www.youtube-nocookie.com/embed/%s?autoplay=1", key));
	cJSON_AddStringToObject(trailer, "name", name ? name : "");
	if (name_lang && strcmp(name_lang, mq_page_language(req)))
		cJSON_AddStringToObject(trailer, "name_lang", name_lang);
	cJSON_AddStringToObject(trailer, "frame_title",
				mq_page_messagef(req, "movie.trailer_frame", "name", mq_page_isolate(req, name ? name : ""), NULL));
	cJSON_AddItemToObject(movie, "trailer", trailer);
}

/* movie.collection_view: the collection's name and its other parts as cards; nothing when the
 * movie belongs to none, or TMDB and the cache both fail. */
static void add_collection(mq_req *req, cJSON *movie)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(movie, "collection");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "tmdb_id");
	if (!cJSON_IsNumber(id))
		return;
	const mq_env env = mq_env_of(req);
	cJSON *view = NULL;
	if (mq_movie_extras_collection(&env, (long long)id->valuedouble, mq_page_language(req), &view) != MQ_OK)
		return;
	cJSON *parts = cJSON_GetObjectItemCaseSensitive(view, "parts");
	const cJSON *self = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	for (int i = cJSON_GetArraySize(parts) - 1; i >= 0; i--)
		if (cJSON_IsNumber(self) && cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(parts, i), "tmdb_id")) == self->valuedouble)
			cJSON_DeleteItemFromArray(parts, i);
	if (!cJSON_GetArraySize(parts)) {
		cJSON_Delete(view);
		return;
	}
	mq_movieapi_images(req, parts);
	mq_moviepage_movie_cards(req, parts);
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(view, "name"));
	name = name ? name : cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
	cJSON_AddStringToObject(view, "heading", mq_page_messagef(req, "movie.collection", "name", mq_page_isolate(req, name ? name : ""), NULL));
	cJSON_AddItemToObject(movie, "collection_view", view);
}

/* movie.watch: the page's region's offers in groups (stream, rent, buy) with the providers'
 * logos from our own image path, TMDB's page of the offers and the attribution JustWatch's data
 * needs; nothing when there are none or TMDB and the cache both fail (the page never does). */
static void add_watch(mq_req *req, cJSON *movie, const char *region)
{
	static const char *const kinds[][2] = {
		{ "flatrate", "movie.watch_stream" }, { "rent", "movie.watch_rent" }, { "buy", "movie.watch_buy" },
	};
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(movie, "tmdb_id");
	if (!cJSON_IsNumber(id))
		return;
	const mq_env env = mq_env_of(req);
	cJSON *offers = NULL;
	if (mq_movie_extras_providers(&env, (long long)id->valuedouble, region, &offers) != MQ_OK)
		return;
	mq_image_config ic;
	mq_images_config(&env, &ic);
	mq_images_add_logo_urls(offers, &ic);
	cJSON *groups = cJSON_CreateArray();
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		cJSON *list = cJSON_GetObjectItemCaseSensitive(offers, kinds[k][0]);
		if (!cJSON_GetArraySize(list))
			continue;
		cJSON *g = cJSON_CreateObject();
		cJSON_AddStringToObject(g, "kind", kinds[k][0]);
		cJSON_AddStringToObject(g, "label", mq_page_message(req, kinds[k][1]));
		cJSON_AddItemToObject(g, "providers", cJSON_Duplicate(list, 1));
		cJSON_AddItemToArray(groups, g);
	}
	if (!cJSON_GetArraySize(groups)) {
		cJSON_Delete(groups);
		cJSON_Delete(offers);
		return;
	}
	cJSON *watch = cJSON_CreateObject();
	cJSON_AddStringToObject(watch, "heading", mq_page_messagef(req, "movie.watch", "region", region_name(req, region), NULL));
	cJSON_AddItemToObject(watch, "groups", groups);
	cJSON_AddItemToObject(watch, "link", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(offers, "link"), 1));
	cJSON_AddItemToObject(movie, "watch", watch);
	cJSON_Delete(offers);
}

void mq_moviepage_details(mq_req *req, cJSON *movie)
{
	/* the viewer's region (a member's setting; mq_route_audience), the page's when unset */
	const char *region = req->audience.region[0] ? req->audience.region : mq_page_region(req);
	/* a tagline not in the page's language is English (mq_catalog_movie_json's fallback) */
	const cJSON *taglines = cJSON_GetObjectItemCaseSensitive(movie, "taglines");
	const char *lang = mq_page_language(req);
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(movie, "tagline")) && strcmp(lang, "en") &&
	    !cJSON_GetObjectItemCaseSensitive(taglines, lang))
		cJSON_AddStringToObject(movie, "tagline_lang", "en");
	link_people(req, cJSON_GetObjectItemCaseSensitive(movie, "cast"));
	link_people(req, cJSON_GetObjectItemCaseSensitive(movie, "directors"));
	add_crew(req, movie);
	add_certification(req, movie, region);
	static const char *const named[][2] = { { "production_countries", "countries_text" }, { "spoken_languages", "languages_text" } };
	for (size_t i = 0; i < 2; i++) {
		cJSON *names = names_of(cJSON_GetObjectItemCaseSensitive(movie, named[i][0]));
		const char *text = joined(req, names);
		if (text)
			cJSON_AddStringToObject(movie, named[i][1], text);
		cJSON_Delete(names);
	}
	add_trailer(req, movie);
	add_collection(req, movie);
	add_watch(req, movie, region);
}

