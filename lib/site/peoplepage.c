/* peoplepage.c — people in the API and on pages (see peoplepage.h). */
#include "site/peoplepage.h"
#include "core/l10n.h"
#include "core/messages.h"
#include "domain/people.h"
#include "site/movieapi.h"
#include "site/moviepage.h"
#include "site/page.h"
#include "tmdb/images.h"
#include "web/ctx.h"

#include <stdio.h>
#include <string.h>

void mq_peoplepage_images(mq_req *req, cJSON *people)
{
	const mq_env env = mq_env_of(req);
	mq_image_config ic;
	mq_images_config(&env, &ic);
	cJSON *p;
	if (cJSON_IsObject(people)) {
		mq_images_add_profile_url(people, &ic);
		mq_movieapi_images(req, cJSON_GetObjectItemCaseSensitive(people, "acting"));
		mq_movieapi_images(req, cJSON_GetObjectItemCaseSensitive(people, "crew"));
		return;
	}
	cJSON_ArrayForEach(p, people)
		mq_images_add_profile_url(p, &ic);
}

/* The message prefix.<raw> (a TMDB department or job, in English) in the page's language, else
 * raw as TMDB says it. */
static const char *tmdb_term(const mq_req *req, const char *prefix, const char *raw)
{
	char key[96];
	snprintf(key, sizeof key, "%s.%s", prefix, raw);
	const char *t = mq_message_find(mq_ctx_of(req)->messages, mq_page_language(req), key);
	return t ? t : raw;
}

/* What separates the items of a list in the page's language: "، " in Persian, else ", ". */
static const char *comma(const mq_req *req)
{
	return strcmp(mq_page_language(req), "fa") ? ", " : "\u060c ";
}

void mq_peoplepage_card(const mq_req *req, cJSON *p)
{
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "slug"));
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "tmdb_id");
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	if (slug)
		cJSON_AddStringToObject(p, "href", mq_arena_printf(req->arena, "/people/%s", slug));
	else if (cJSON_IsNumber(id))
		cJSON_AddStringToObject(p, "href", mq_arena_printf(req->arena, "/people/%lld", (long long)id->valuedouble));
	mq_moviepage_initials(p, name);
	if (name)
		cJSON_AddStringToObject(p, "photo_alt", mq_page_messagef(req, "person.photo_alt", "name", mq_page_isolate(req, name), NULL));
	const char *dept = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "known_for_department"));
	mq_buf text = MQ_BUF_INIT;
	if (dept)
		mq_buf_puts(&text, tmdb_term(req, "person.departments", dept));
	const cJSON *t;
	int n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(p, "known_for")) {
		if (!cJSON_IsString(t))
			continue;
		mq_buf_puts(&text, n++ ? comma(req) : text.len ? " · " : "");
		mq_buf_puts(&text, mq_page_isolate(req, t->valuestring));
	}
	if (text.len)
		cJSON_AddStringToObject(p, "known_for_text", mq_buf_cstr(&text));
	mq_buf_free(&text);
}

/* date (a "YYYY-MM-DD" member of p) in the page's calendar and digits as key_text. */
static void add_date(const mq_req *req, cJSON *p, const char *key)
{
	const char *date = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, key));
	mq_buf out = MQ_BUF_INIT;
	char name[32];
	snprintf(name, sizeof name, "%s_text", key);
	if (date && mq_l10n_date(&out, mq_page_language(req), date) == 0)
		cJSON_AddStringToObject(p, name, mq_buf_cstr(&out));
	mq_buf_free(&out);
}

/* The biography's paragraphs (TMDB separates them by blank lines) as [{text}]. */
static cJSON *paragraphs(const char *bio)
{
	cJSON *list = cJSON_CreateArray();
	while (bio && *bio) {
		while (*bio == '\n' || *bio == '\r' || *bio == ' ')
			bio++;
		const char *end = strstr(bio, "\n\n");
		size_t len = end ? (size_t)(end - bio) : strlen(bio);
		if (len) {
			char *text = cJSON_malloc(len + 1);
			if (!text)
				break;
			memcpy(text, bio, len);
			text[len] = '\0';
			cJSON *para = cJSON_CreateObject();
			cJSON_AddStringToObject(para, "text", text);
			cJSON_free(text);
			cJSON_AddItemToArray(list, para);
		}
		bio += len;
	}
	return list;
}

/* Each credit of list as a movie card with its role as the card's note (reason.text). */
static void credit_cards(mq_req *req, cJSON *list, int acting)
{
	mq_moviepage_movie_cards(req, list);
	cJSON *c;
	cJSON_ArrayForEach(c, list) {
		mq_buf role = MQ_BUF_INIT;
		const char *character = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "character"));
		if (acting && character && *character)
			mq_buf_puts(&role, mq_page_messagef(req, "person.as_character", "character", mq_page_isolate(req, character), NULL));
		const cJSON *job;
		int n = 0;
		cJSON_ArrayForEach(job, cJSON_GetObjectItemCaseSensitive(c, "jobs")) {
			if (!cJSON_IsString(job))
				continue;
			mq_buf_puts(&role, n++ ? comma(req) : "");
			mq_buf_puts(&role, tmdb_term(req, "person.jobs", job->valuestring));
		}
		if (role.len)
			cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "reason"), "text", mq_buf_cstr(&role));
		mq_buf_free(&role);
	}
}

void mq_peoplepage_texts(mq_req *req, cJSON *p)
{
	const char *lang = mq_page_language(req);
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "name"));
	const char *slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "slug"));
	const char *shown = mq_page_isolate(req, name ? name : "");
	mq_peoplepage_card(req, p);
	add_date(req, p, "birthday");
	add_date(req, p, "deathday");
	/* the place of birth is TMDB's, in English only: the page marks it so (lang="en") */
	const char *place = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "place_of_birth"));
	if (place && *place)
		cJSON_AddStringToObject(p, "place_text", place);
	const char *bio = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "biography"));
	const char *bio_lang = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "biography_language"));
	if (bio && *bio) {
		cJSON_AddItemToObject(p, "paragraphs", paragraphs(bio));
		/* its language's direction: one starting with a Latin name is still Persian */
		cJSON_AddStringToObject(p, "biography_dir", bio_lang && !strcmp(bio_lang, "fa") ? "rtl" : "ltr");
		if (bio_lang && strcmp(bio_lang, lang))
			cJSON_AddBoolToObject(p, "biography_fallback", 1);
	} else {
		cJSON_AddStringToObject(p, "no_biography_text", mq_page_messagef(req, "person.no_biography", "name", shown, NULL));
	}
	cJSON *acting = cJSON_GetObjectItemCaseSensitive(p, "acting"), *crew = cJSON_GetObjectItemCaseSensitive(p, "crew");
	credit_cards(req, acting, 1);
	credit_cards(req, crew, 0);
	cJSON_AddBoolToObject(p, "has_acting", cJSON_GetArraySize(acting) > 0);
	cJSON_AddBoolToObject(p, "has_crew", cJSON_GetArraySize(crew) > 0);
	cJSON_AddBoolToObject(p, "no_credits", !cJSON_GetArraySize(acting) && !cJSON_GetArraySize(crew));
	/* the catalogue's movies with them: as an actor where they act in one, as a director where
	 * they direct one */
	int acts = 0, directs = 0;
	const cJSON *c, *job;
	cJSON_ArrayForEach(c, acting)
		acts |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "in_catalog"));
	cJSON_ArrayForEach(c, crew)
		cJSON_ArrayForEach(job, cJSON_GetObjectItemCaseSensitive(c, "jobs"))
			directs |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "in_catalog")) &&
				   cJSON_IsString(job) && !strcmp(job->valuestring, "Director");
	if (slug && acts) {
		cJSON_AddStringToObject(p, "movies_with_href", mq_arena_printf(req->arena, "/movies?actor=%s", slug));
		cJSON_AddStringToObject(p, "movies_with_text", mq_page_messagef(req, "person.movies_with", "name", shown, NULL));
	}
	if (slug && directs) {
		cJSON_AddStringToObject(p, "movies_directed_href", mq_arena_printf(req->arena, "/movies?director=%s", slug));
		cJSON_AddStringToObject(p, "movies_directed_text", mq_page_messagef(req, "person.movies_directed", "name", shown, NULL));
	}
}

cJSON *mq_peoplepage_search(mq_req *req, const char *q, const char *pattern, long long limit, const char *lang,
			    int cards, int *from_tmdb, mq_err *rc)
{
	const mq_env env = mq_env_of(req);
	cJSON *people = NULL;
	*from_tmdb = 0;
	*rc = mq_people_search(env.db, pattern, limit, lang, &people);
	if (*rc != MQ_OK)
		return NULL;
	if (cJSON_GetArraySize(people) == 0 && env.tmdb) {
		cJSON *tmdb = NULL;
		if (mq_people_tmdb_search(&env, q, limit, &tmdb) == MQ_OK) {
			cJSON_Delete(people);
			people = tmdb;
			*from_tmdb = 1;
		}
	}
	mq_peoplepage_images(req, people);
	cJSON *p;
	if (cards)
		cJSON_ArrayForEach(p, people)
			mq_peoplepage_card(req, p);
	return people;
}
