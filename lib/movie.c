/* movie.c — movie summaries and movie documents from TMDB objects (see movie.h). */
#include "movie.h"
#include "ctx.h"
#include "genre.h"
#include "images.h"
#include "response.h"
#include "tmdb.h"
#include "tmdbcache.h"
#include "valid.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void add_string_or_null(cJSON *out, const char *key, const char *value)
{
	if (value)
		cJSON_AddStringToObject(out, key, value);
	else
		cJSON_AddNullToObject(out, key);
}

/* release_date (null when TMDB sends "" or garbage) and year from a TMDB object. */
#define MAX_CAST 20
#define MAX_KEYWORDS 50

static void add_release(cJSON *m, const cJSON *tmdb)
{
	const char *date = mq_tmdb_string(tmdb, "release_date");
	int year = mq_tmdb_year(date);
	add_string_or_null(m, "release_date", year ? date : NULL);
	if (year)
		cJSON_AddNumberToObject(m, "year", year);
	else
		cJSON_AddNullToObject(m, "year");
}

cJSON *mq_movie_summary_from_tmdb(const cJSON *item)
{
	double id = mq_tmdb_number(item, "id", 0);
	const char *title = mq_tmdb_string(item, "title");
	if (!(id >= 1 && id <= 2147483647 && id == floor(id)) || !title)
		return NULL;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "tmdb_id", id);
	cJSON_AddStringToObject(m, "title", title);
	add_string_or_null(m, "original_title", mq_tmdb_string(item, "original_title"));
	add_string_or_null(m, "original_language", mq_tmdb_string(item, "original_language"));
	add_string_or_null(m, "overview", mq_tmdb_string(item, "overview"));
	add_release(m, item);
	add_string_or_null(m, "poster_path", mq_tmdb_string(item, "poster_path"));
	add_string_or_null(m, "backdrop_path", mq_tmdb_string(item, "backdrop_path"));
	cJSON_AddNumberToObject(m, "vote_average", mq_tmdb_number(item, "vote_average", 0));
	cJSON_AddNumberToObject(m, "vote_count", mq_tmdb_number(item, "vote_count", 0));
	cJSON_AddNumberToObject(m, "popularity", mq_tmdb_number(item, "popularity", 0));
	cJSON *genres = cJSON_AddArrayToObject(m, "genre_ids");
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(item, "genre_ids"))
		if (cJSON_IsNumber(g))
			cJSON_AddItemToArray(genres, cJSON_CreateNumber(g->valuedouble));
	return m;
}

cJSON *mq_movie_summaries_from_tmdb_page(const cJSON *page_obj, long long *page, long long *total)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *item;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(page_obj, "results")) {
		cJSON *m = mq_movie_summary_from_tmdb(item);
		if (m)
			cJSON_AddItemToArray(list, m);
	}
	double p = mq_tmdb_number(page_obj, "page", 1), t = mq_tmdb_number(page_obj, "total_results", 0);
	*page = p >= 1 && p <= 500 ? (long long)p : 1;
	/* total_pages and total_results are not capped by TMDB, but only 500 pages can be fetched */
	*total = t > 0 ? (t < 500.0 * 20 ? (long long)t : 500LL * 20) : 0;
	return list;
}

/* What one character of a title becomes in its key: text (ASCII letters, or a Persian letter),
 * a separator (space), nothing (drop), or else its own bytes. n: its length in bytes. */
struct folded {
	char text[4];
	int space, drop;
	size_t n;
};

static struct folded fold_char(const unsigned char *p)
{
	struct folded f = { "", 0, 0, 1 };
	unsigned char b = p[1];
	int cont = b >= 0x80 && b <= 0xbf;
	const char *text = NULL;
	if (*p < 0x80) {
		if (isalnum(*p))
			f.text[0] = (char)tolower(*p);
		else if (*p == '\'')
			f.drop = 1; /* "schindler's" and "schindlers" alike */
		else
			f.space = 1;
		return f;
	}
	f.n = 2;
	if (*p == 0xc2 && cont) { /* U+0080–U+00BF: signs and punctuation, but ª º µ */
		text = b == 0xaa ? "a" : b == 0xba ? "o" : b == 0xb5 ? "u" : NULL;
		f.space = !text;
	} else if (*p == 0xc3 && cont) {
		static const char letters[] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts" "aaaaaaaceeeeiiiidnooooo*ouuuuyty";
		_Static_assert(sizeof letters == 65, "one letter per code point of U+00C0–U+00FF");
		int i = b - 0x80;
		if (i == 0x06 || i == 0x26)
			text = "ae";
		else if (i == 0x1f)
			text = "ss";
		else if (letters[i] == '*') /* × ÷ */
			f.space = 1;
		else
			f.text[0] = letters[i];
	} else if ((*p == 0xc4 || *p == 0xc5) && cont) {
		static const char letters[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
					      "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
		_Static_assert(sizeof letters == 129, "one letter per code point of U+0100–U+017F");
		int i = (*p - 0xc4) * 64 + (b - 0x80);
		if (i == 0x32 || i == 0x33)
			text = "ij";
		else if (i == 0x52 || i == 0x53)
			text = "oe";
		else
			f.text[0] = letters[i];
	} else if (*p == 0xd8 && (b == 0x8c || b == 0x9b || b == 0x9f)) {
		f.space = 1; /* Arabic comma, semicolon, question mark */
	} else if (*p == 0xd9 && (b == 0x8a || b == 0x89)) {
		text = "\xdb\x8c"; /* Arabic yeh and alef maksura → Persian yeh */
	} else if (*p == 0xd9 && b == 0x83) {
		text = "\xda\xa9"; /* Arabic kaf → Persian kaf */
	} else if (*p == 0xd9 && (b == 0x80 || (b >= 0x8b && b <= 0x92))) {
		f.drop = 1; /* tatweel and harakat: not part of the spelling */
	} else if ((*p == 0xd9 && b >= 0xa0 && b <= 0xa9) || (*p == 0xdb && b >= 0xb0 && b <= 0xb9)) {
		f.text[0] = (char)('0' + (*p == 0xd9 ? b - 0xa0 : b - 0xb0)); /* Arabic-Indic, Persian digits */
	} else if (*p == 0xe2 && b == 0x80 && p[2] >= 0x80 && p[2] <= 0xbf) {
		f.n = 3; /* U+2000–U+203F: spaces, joiners, dashes, quotes, ellipsis */
		f.drop = p[2] == 0x98 || p[2] == 0x99; /* ‘ ’ as apostrophes */
		f.space = !f.drop;
	} else {
		f.n = 1; /* anything else (Persian letters, CJK …) stays as it is, byte by byte */
	}
	if (text)
		snprintf(f.text, sizeof f.text, "%s", text);
	return f;
}

void mq_search_key(const char *s, mq_buf *out)
{
	size_t start = out->len;
	int space = 1; /* at the start, or after a space: spaces are not repeated */
	for (const unsigned char *p = (const unsigned char *)s; *p; ) {
		struct folded f = fold_char(p);
		if (f.text[0]) {
			mq_buf_puts(out, f.text);
			space = 0;
		} else if (f.space) {
			if (!space)
				mq_buf_putc(out, ' ');
			space = 1;
		} else if (!f.drop) {
			mq_buf_putc(out, (char)*p);
			space = 0;
		}
		/* never past the end, even in a truncated sequence */
		for (size_t i = 0; i < f.n && *p; i++)
			p++;
	}
	if (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->data)
		out->data[out->len] = '\0';
}

int mq_search_pattern(const char *q, mq_buf *out)
{
	mq_buf key = MQ_BUF_INIT;
	mq_search_key(q, &key);
	mq_buf_putc(out, '^');
	for (const char *p = mq_buf_cstr(&key); *p; p++) {
		if (strchr("\\^$.|?*+()[]{}", *p))
			mq_buf_putc(out, '\\');
		mq_buf_putc(out, *p);
	}
	int empty = key.len == 0;
	mq_buf_free(&key);
	return empty ? -1 : 0;
}

/* Adds the key of title to keys, and the key from each later word on ("the dark knight",
 * "dark knight", "knight"), so an anchored regex finds any word of the title; no duplicates. */
static void add_search_keys(cJSON *keys, const char *title)
{
	mq_buf k = MQ_BUF_INIT;
	mq_search_key(title, &k);
	const char *key = mq_buf_cstr(&k);
	for (const char *w = key; *w; ) {
		int seen = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, keys)
			seen |= !strcmp(e->valuestring, w);
		if (!seen && cJSON_GetArraySize(keys) < 64)
			cJSON_AddItemToArray(keys, cJSON_CreateString(w));
		const char *next = strchr(w, ' ');
		w = next ? next + 1 : w + strlen(w);
	}
	mq_buf_free(&k);
}

/* The translation of details for language "fa" (its data object), or NULL. */
static const cJSON *translation(const cJSON *details, const char *lang)
{
	const cJSON *tr;
	cJSON_ArrayForEach(tr, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "translations"), "translations")) {
		const char *code = mq_tmdb_string(tr, "iso_639_1");
		if (code && !strcmp(code, lang))
			return cJSON_GetObjectItemCaseSensitive(tr, "data");
	}
	return NULL;
}

/* The US certification ("R", "PG-13") from the appended release_dates: the theatrical
 * release's, else the first given; NULL when there is none. */
static const char *certification(const cJSON *details)
{
	const cJSON *country, *rd;
	const char *any = NULL;
	cJSON_ArrayForEach(country, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(details, "release_dates"), "results")) {
		const char *code = mq_tmdb_string(country, "iso_3166_1");
		if (!code || strcmp(code, "US"))
			continue;
		cJSON_ArrayForEach(rd, cJSON_GetObjectItemCaseSensitive(country, "release_dates")) {
			const char *c = mq_tmdb_string(rd, "certification");
			if (!c || !*c || strlen(c) > 16)
				continue;
			if (mq_tmdb_number(rd, "type", 0) == 3)
				return c;
			any = any ? any : c;
		}
	}
	return any;
}

cJSON *mq_movie_doc_from_tmdb(const cJSON *d, const mq_config *cfg)
{
	double id = mq_tmdb_number(d, "id", 0);
	const char *title = mq_tmdb_string(d, "title");
	if (!(id >= 1 && id <= 2147483647 && id == floor(id)) || !title)
		return NULL;
	cJSON *m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "tmdb_id", id);
	add_string_or_null(m, "imdb_id", mq_tmdb_string(d, "imdb_id"));
	cJSON_AddStringToObject(m, "title", title);
	const char *original = mq_tmdb_string(d, "original_title");
	add_string_or_null(m, "original_title", original);
	add_string_or_null(m, "original_language", mq_tmdb_string(d, "original_language"));

	/* titles and overviews per language: English from the details, the others from the
	 * appended translations (an empty translation means "not translated": left out) */
	cJSON *titles = cJSON_AddObjectToObject(m, "titles"), *overviews = cJSON_AddObjectToObject(m, "overviews");
	cJSON_AddStringToObject(titles, "en", title);
	const char *overview = mq_tmdb_string(d, "overview");
	if (overview)
		cJSON_AddStringToObject(overviews, "en", overview);
	for (int i = 0; i < cfg->n_tmdb_languages; i++) {
		char lang[3] = { cfg->tmdb_languages[i][0], cfg->tmdb_languages[i][1], '\0' };
		const cJSON *data = strcmp(lang, "en") ? translation(d, lang) : NULL;
		const char *t = data ? mq_tmdb_string(data, "title") : NULL, *o = data ? mq_tmdb_string(data, "overview") : NULL;
		if (t && !cJSON_GetObjectItemCaseSensitive(titles, lang))
			cJSON_AddStringToObject(titles, lang, t);
		if (o && !cJSON_GetObjectItemCaseSensitive(overviews, lang))
			cJSON_AddStringToObject(overviews, lang, o);
	}

	add_release(m, d);
	double runtime = mq_tmdb_number(d, "runtime", 0);
	if (runtime > 0)
		cJSON_AddNumberToObject(m, "runtime", runtime);
	else
		cJSON_AddNullToObject(m, "runtime"); /* 0 means unknown at TMDB */

	cJSON *genres = cJSON_AddArrayToObject(m, "genres");
	const cJSON *g;
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(d, "genres")) {
		if (mq_tmdb_number(g, "id", 0) < 1 || !mq_tmdb_string(g, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", mq_tmdb_number(g, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(g, "name"));
		cJSON_AddItemToArray(genres, o);
	}
	add_string_or_null(m, "poster_path", mq_tmdb_string(d, "poster_path"));
	add_string_or_null(m, "backdrop_path", mq_tmdb_string(d, "backdrop_path"));
	add_string_or_null(m, "certification", certification(d));

	const cJSON *credits = cJSON_GetObjectItemCaseSensitive(d, "credits"), *p;
	cJSON *cast = cJSON_AddArrayToObject(m, "cast"), *directors = cJSON_AddArrayToObject(m, "directors");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(credits, "cast")) {
		if (cJSON_GetArraySize(cast) == MAX_CAST)
			break;
		if (mq_tmdb_number(p, "id", 0) < 1 || !mq_tmdb_string(p, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tmdb_id", mq_tmdb_number(p, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(p, "name"));
		add_string_or_null(o, "character", mq_tmdb_string(p, "character"));
		cJSON_AddNumberToObject(o, "order", mq_tmdb_number(p, "order", cJSON_GetArraySize(cast)));
		add_string_or_null(o, "profile_path", mq_tmdb_string(p, "profile_path"));
		cJSON_AddItemToArray(cast, o);
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(credits, "crew")) {
		const char *job = mq_tmdb_string(p, "job");
		if (!job || strcmp(job, "Director") || mq_tmdb_number(p, "id", 0) < 1 || !mq_tmdb_string(p, "name"))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "tmdb_id", mq_tmdb_number(p, "id", 0));
		cJSON_AddStringToObject(o, "name", mq_tmdb_string(p, "name"));
		cJSON_AddItemToArray(directors, o);
	}
	cJSON *keywords = cJSON_AddArrayToObject(m, "keywords");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "keywords"), "keywords")) {
		if (cJSON_GetArraySize(keywords) == MAX_KEYWORDS)
			break;
		if (mq_tmdb_string(p, "name"))
			cJSON_AddItemToArray(keywords, cJSON_CreateString(mq_tmdb_string(p, "name")));
	}
	cJSON_AddNumberToObject(m, "popularity", mq_tmdb_number(d, "popularity", 0));
	cJSON_AddNumberToObject(m, "vote_average", mq_tmdb_number(d, "vote_average", 0));
	cJSON_AddNumberToObject(m, "vote_count", mq_tmdb_number(d, "vote_count", 0));

	mq_movie_search_fields(m);
	return m;
}

void mq_movie_search_fields(cJSON *m)
{
	const char *title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "title"));
	const char *original = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "original_title"));
	mq_buf tk = MQ_BUF_INIT; /* what the title sort orders by */
	mq_search_key(title ? title : "", &tk);
	cJSON_DeleteItemFromObjectCaseSensitive(m, "title_key");
	cJSON_AddStringToObject(m, "title_key", mq_buf_cstr(&tk));
	mq_buf_free(&tk);

	/* what search matches: every title, folded, from each word on */
	cJSON_DeleteItemFromObjectCaseSensitive(m, "search_keys");
	cJSON *keys = cJSON_AddArrayToObject(m, "search_keys");
	const cJSON *t;
	if (title)
		add_search_keys(keys, title);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(m, "titles"))
		if (cJSON_IsString(t))
			add_search_keys(keys, t->valuestring);
	if (original)
		add_search_keys(keys, original);
}

const char *mq_movie_tmdb_language(const char *lang)
{
	return strcmp(lang, "fa") ? "en-US" : "fa-IR";
}

/* mq_movie_lookup(), fetching a TMDB id the catalogue lacks only when fetch is set. */
static cJSON *lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		     int *fetched, int fetch)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *movie = NULL;
	int was_fetched = 0;
	mq_err rc = mq_catalog_get(ctx->db, fetch ? mq_tmdbcache_client(ctx->cfg) : NULL, ctx->cfg, ref, lang, &movie,
				   &was_fetched);
	if (fetched)
		*fetched = was_fetched;
	if (rc == MQ_OK)
		return movie;
	if (rc == MQ_EINVAL)
		mq_req_error(req, "%s must be a TMDB id (digits), a 24-hex id or a slug such as fight-club-1999", field);
	mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie" : NULL);
	return NULL;
}

cJSON *mq_movie_lookup(mq_req *req, mq_res *res, const char *ref, const char *field, const char *lang,
		       int *fetched)
{
	return lookup(req, res, ref, field, lang, fetched, 1);
}

const char *mq_movie_oid(mq_req *req, mq_res *res, const char *ref, const char *field, int fetch)
{
	cJSON *movie = lookup(req, res, ref, field, "en", NULL, fetch);
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(movie, "id"));
	const char *copy = id ? mq_arena_strdup(req->arena, id) : NULL;
	if (movie && !copy)
		mq_reply_err(req, res, MQ_ENOTFOUND, "No such movie");
	cJSON_Delete(movie);
	return copy;
}

void mq_movie_body_ref(cJSON *body)
{
	cJSON *movie = cJSON_GetObjectItemCaseSensitive(body, "movie_id");
	double id = cJSON_IsNumber(movie) ? movie->valuedouble : 0;
	if (id >= 1 && id <= 2147483647 && id == (double)(long long)id) {
		char text[24];
		snprintf(text, sizeof text, "%lld", (long long)id);
		cJSON_ReplaceItemInObjectCaseSensitive(body, "movie_id", cJSON_CreateString(text));
	}
}

void mq_movie_images(mq_req *req, cJSON *movies)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	mq_image_config ic;
	mq_images_config(ctx->db, mq_tmdbcache_client(ctx->cfg), ctx->cfg, &ic);
	if (cJSON_IsObject(movies)) {
		mq_images_add_urls(movies, &ic);
		return;
	}
	cJSON *m;
	cJSON_ArrayForEach(m, movies)
		mq_images_add_urls(m, &ic);
}

mq_err mq_movie_tmdb_movies(mq_req *req, const char *path, const char *const *extra, long long page,
		      const char *tmdb_language, mq_movie_tmdb_page *out)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	char page_text[24];
	snprintf(page_text, sizeof page_text, "%lld", page);
	const char *query[10] = { "page", page_text, "language", tmdb_language };
	for (int i = 4; extra && *extra && i < 8; i += 2, extra += 2)
		query[i] = extra[0], query[i + 1] = extra[1];
	cJSON *json = NULL;
	memset(out, 0, sizeof *out);
	mq_err rc = mq_tmdbcache_get(ctx->db, mq_tmdbcache_client(ctx->cfg), ctx->cfg, path, query,
				       &json, &out->state);
	if (rc != MQ_OK)
		return rc;
	out->items = mq_movie_summaries_from_tmdb_page(json, &out->page, &out->total);
	cJSON_Delete(json);
	mq_movie_images(req, out->items);
	return MQ_OK;
}

/* The fields of a summary of TMDB's, for fields= */
static const char *const tmdb_summary_fields[] = {
	"tmdb_id", "title", "original_title", "original_language", "overview", "release_date", "year",
	"poster_path", "backdrop_path", "poster_url", "poster_url_large", "backdrop_url",
	"vote_average", "vote_count", "popularity", "genre_ids", NULL,
};

int mq_movie_tmdb_fields_check(mq_req *req, const char *fields)
{
	const char **selected;
	return mq_fields_parse(req, fields, tmdb_summary_fields, &selected);
}

void mq_reply_tmdb_movies(mq_req *req, mq_res *res, const char *path, const char *const *extra,
			  long long page, const char *tmdb_language, const char *fields)
{
	const char **selected = NULL;
	if (mq_fields_parse(req, fields, tmdb_summary_fields, &selected)) {
		mq_reply_err(req, res, MQ_EINVAL, NULL);
		return;
	}
	mq_movie_tmdb_page p;
	mq_err rc = mq_movie_tmdb_movies(req, path, extra, page, tmdb_language, &p);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such movie at TMDB"
				  : rc == MQ_EUNAVAIL || rc == MQ_ETIMEOUT
				  ? "TMDB is unavailable and nothing is cached for this page"
				  : rc == MQ_EUPSTREAM ? "TMDB's answer could not be used and nothing is cached for this page"
				  : NULL);
		return;
	}
	mq_fields_apply(selected, p.items);
	mq_tmdbcache_headers(req, res, p.state);
	mq_reply_list(req, res, p.items, p.page, 20, p.total);
}

/* The fields a catalogue summary has, for fields= */
static const char *const summary_fields[] = {
	"id", "tmdb_id", "slug", "title", "titles", "original_title", "overview", "release_date",
	"year", "runtime", "genres", "poster_path", "backdrop_path", "poster_url", "poster_url_large",
	"backdrop_url", "popularity", "vote_average", "vote_count", "average_rating", "rating_count",
	"source", NULL,
};

/* A genre given by TMDB id or slug → its TMDB id (0 and MQ_ENOTFOUND when there is none). */
static mq_err genre_id(mq_req *req, const char *ref, long long *id)
{
	const mq_ctx *ctx = mq_ctx_of(req);
	cJSON *genre = NULL;
	*id = 0;
	mq_err rc = mq_genre_get(ctx->db, mq_tmdbcache_client(ctx->cfg), ctx->cfg, ref, "en", &genre);
	const cJSON *gid = cJSON_GetObjectItemCaseSensitive(genre, "id");
	if (rc == MQ_OK && cJSON_IsNumber(gid))
		*id = (long long)gid->valuedouble;
	cJSON_Delete(genre);
	return rc;
}

int mq_movie_query_parse(mq_req *req, mq_list_kind kind, mq_movie_query *q, const char ***fields)
{
	static const char *const orders[] = { "asc", "desc", NULL };
	/* the same table for every kind; a kind refuses what it does not take */
	const mq_field table[] = {
		MQ_FIELD_PAGE,
		MQ_FIELD_LIMIT,
		MQ_FIELD_LANGUAGE,
		{ "year", MQ_V_INT, 0, 1870, 2100, NULL, NULL },
		{ "minRating", MQ_V_NUMBER, 0, 0, 10, NULL, NULL },
		{ "sort", MQ_V_ENUM, 0, 0, 0, mq_movie_sorts, "popularity" },
		{ "order", MQ_V_ENUM, 0, 0, 0, orders, NULL },
		{ "fields", MQ_V_STRING, 0, 1, 400, NULL, NULL },
		{ kind == MQ_LIST_SEARCH ? "q" : "genre", MQ_V_STRING, kind == MQ_LIST_SEARCH, 1, 200, NULL, NULL },
	};
	size_t n = sizeof table / sizeof table[0] - (kind == MQ_LIST_GENRE);
	mq_value v[sizeof table / sizeof table[0]];
	int rc = mq_validate_query(req, table, n, v);
	memset(q, 0, sizeof *q);
	q->page = v[0].present ? v[0].i : 1;
	q->limit = v[1].present ? v[1].i : 20;
	q->lang = v[2].present ? v[2].s : "en";
	q->year = v[3].present ? (int)v[3].i : 0;
	q->min_rating = v[4].present ? v[4].d : 0;
	q->sort = v[5].present ? (mq_movie_sort)v[5].i : MQ_SORT_POPULARITY;
	/* titles read best A to Z; the others best first */
	q->ascending = v[6].present ? v[6].i == 0 : q->sort == MQ_SORT_TITLE;
	if (v[7].present && mq_fields_parse(req, v[7].s, summary_fields, fields))
		rc = -1;
	if (kind == MQ_LIST_SEARCH && v[8].present) {
		mq_buf pattern = MQ_BUF_INIT;
		if (mq_search_pattern(v[8].s, &pattern)) {
			mq_req_error(req, "q must contain at least one letter or digit");
			rc = -1;
		}
		q->search = mq_arena_strdup(req->arena, mq_buf_cstr(&pattern));
		mq_buf_free(&pattern);
	}
	if (kind == MQ_LIST_BROWSE && v[8].present) {
		mq_err grc = genre_id(req, v[8].s, &q->genre);
		if (grc == MQ_ENOTFOUND || grc == MQ_EINVAL) {
			mq_req_error(req, "genre must be a TMDB genre id or slug of an existing genre, such as 18 or drama");
			rc = -1;
		} else if (grc != MQ_OK) {
			return (int)grc; /* a database or TMDB failure, not the client's */
		}
	}
	return rc;
}

mq_err mq_movie_tmdb_search(mq_req *req, const mq_movie_query *q, mq_movie_tmdb_page *out)
{
	char year[8];
	snprintf(year, sizeof year, "%d", q->year);
	const char *extra[] = { "query", mq_req_query(req, "q"), q->year ? "year" : NULL, year, NULL };
	mq_err rc = mq_movie_tmdb_movies(req, "/search/movie", extra, 1, mq_movie_tmdb_language(q->lang), out);
	if (rc != MQ_OK)
		return rc;
	for (cJSON *m = out->items->child, *next; m; m = next) {
		next = m->next;
		const cJSON *avg = cJSON_GetObjectItemCaseSensitive(m, "vote_average");
		if (q->min_rating > 0 && !(cJSON_IsNumber(avg) && avg->valuedouble >= q->min_rating))
			cJSON_Delete(cJSON_DetachItemViaPointer(out->items, m));
	}
	out->total = cJSON_GetArraySize(out->items); /* one page: the catalogue pages the rest */
	return MQ_OK;
}

void mq_reply_movie_list(mq_req *req, mq_res *res, mq_list_kind kind)
{
	mq_movie_query q;
	const char **fields = NULL;
	int prc = mq_movie_query_parse(req, kind, &q, &fields);
	if (prc) {
		mq_reply_err(req, res, prc > 0 ? (mq_err)prc : MQ_EINVAL, NULL);
		return;
	}
	if (kind == MQ_LIST_GENRE) {
		mq_err rc = genre_id(req, mq_req_route(req, "id"), &q.genre);
		if (rc == MQ_EINVAL)
			mq_req_error(req, "id must be a TMDB genre id or a slug such as science-fiction");
		if (rc != MQ_OK) {
			mq_reply_err(req, res, rc, rc == MQ_ENOTFOUND ? "No such genre" : NULL);
			return;
		}
	}
	cJSON *items = NULL;
	long long total = 0;
	mq_err rc = mq_catalog_list(mq_ctx_of(req)->db, &q, &items, &total);
	if (rc != MQ_OK) {
		mq_reply_err(req, res, rc, NULL);
		return;
	}
	if (kind == MQ_LIST_SEARCH && total == 0 && q.page == 1) {
		/* nothing in the catalogue: TMDB's search, whose movies open (and are stored) by TMDB id */
		cJSON_Delete(items);
		mq_movie_tmdb_page p;
		rc = mq_movie_tmdb_search(req, &q, &p);
		if (rc != MQ_OK) {
			mq_reply_err(req, res, rc, NULL);
			return;
		}
		mq_fields_apply(fields, p.items);
		mq_tmdbcache_headers(req, res, p.state);
		mq_res_header(req, res, "X-Search-Source", "tmdb");
		mq_reply_list(req, res, p.items, 1, 20, p.total);
		return;
	}
	mq_movie_images(req, items);
	mq_fields_apply(fields, items);
	if (kind == MQ_LIST_SEARCH)
		mq_res_header(req, res, "X-Search-Source", "catalog");
	mq_reply_list(req, res, items, q.page, q.limit, total);
}
