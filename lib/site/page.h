/* page.h — server-rendered pages: a template rendered into the base layout.
 *
 * Every page gets the same top-level values besides its own: site name, language and direction
 * (Persian pages are right-to-left), theme, the signed-in user, the year, and the language's
 * message catalogue as "m" ({{m.login.title}}: every string a person reads comes from there,
 * never from the template). Rendering escapes every
 * substitution unless a template marks it raw ({{{content}}} in the layout).
 */
#ifndef MQ_PAGE_H
#define MQ_PAGE_H

#include "web/http.h"

#include <cjson/cJSON.h>

/* Renders templates/<name>.mustache with data (taken over) inside templates/layout.mustache;
 * title is the page's <title> prefix. A rendering failure becomes a logged 500. */
void mq_reply_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		   cJSON *data);

/* The text of key in the page's language (mq_page_language), from the message catalogue
 * (core/messages.h); borrowed, valid while the worker runs. */
const char *mq_page_message(const mq_req *req, const char *key);

/* The error page in the layout (templates/error.mustache): for mq_set_html_error_page(), which
 * the worker loop sets up when templates are loaded. Returns 0, or -1 when it cannot render. */
int mq_page_error(mq_req *req, mq_res *res, int status, const char *message);

/* A <select>'s options for a template: [{value, label, selected}] from the NULL-terminated
 * values and their labels, the one at index selected marked (-1: none). */
cJSON *mq_page_options(const char *const *values, const char *const *labels, int selected);

/* Marks each genre of a genre list (mq_genres_list) selected when its TMDB id is id (0: none). */
void mq_page_select_genre(cJSON *genres, long long id);

/* A form's fields for a template: {"<name>": {"value": …, "error": …}} for each of names, with
 * the value from values (never for fields called "password") and the first problem in
 * req->errors that starts with that field's name; problems of no field go to "errors" [...],
 * and "has_errors" says whether there are any (Mustache cannot test a list's length). */
cJSON *mq_page_form(const mq_req *req, const char *const *names, const mq_kvlist *values);

/* Decodes an application/x-www-form-urlencoded body into l, leaving out empty fields (an empty
 * input means "not given") and _csrf (the dispatcher checked it). Returns -1 (problem in
 * req->errors) for another content type or bad encoding. */
int mq_page_form_body(mq_req *req, mq_kvlist *l);
/* The same, keeping empty fields when keep_empty is set (a cleared input means "clear it"). */
int mq_page_form_fields(mq_req *req, mq_kvlist *l, int keep_empty);

/* Whether path is a path of this site that a browser cannot read as another site's: one
 * leading "/" not followed by "/", "\\" or a control character, and no control character or
 * whitespace anywhere (browsers drop tabs and newlines, so "/\t/evil.example" is "//evil.example"). */
int mq_page_local_path(const char *path);

/* 303 See Other to a local path (mq_page_local_path; anything else becomes "/": no open
 * redirects). */
void mq_reply_redirect(mq_req *req, mq_res *res, const char *path);

/* Sets the mq_lang and mq_theme cookies from a user's settings {language, theme}, so every page
 * follows them (settings may be NULL: nothing is set). */
void mq_page_settings_cookies(mq_req *req, mq_res *res, const cJSON *settings);

/* Whether an Accept-Language header asks for Persian: its first range is "fa" or "fa-…" and
 * not refused with q=0. nginx makes the same decision for its micro-cache key ($mq_accept_lang
 * in nginx/site.conf.in); tests/lang-cases.txt holds both to the same cases. */
int mq_page_accepts_fa(const char *accept_language);

/* The language a page is shown in ("fa" or "en"): nginx's choice (the MQ_LANG parameter, which
 * its micro-cache keys on) when it sends one, else the mq_lang cookie, else Accept-Language. */
const char *mq_page_language(const mq_req *req);

#endif
