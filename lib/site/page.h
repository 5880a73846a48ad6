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

/* mq_page_message() with its placeholders filled (mq_message_fill) from the NULL-terminated
 * name, value pairs that follow (at most MQ_PAGE_MAX_PARAMS; values already in the page's
 * language, numbers through mq_page_number/mq_page_digits): mq_page_messagef(req,
 * "pagination.page_of", "page", p, "total", t, NULL). In the request's arena. */
#define MQ_PAGE_MAX_PARAMS 8
const char *mq_page_messagef(const mq_req *req, const char *key, ...) __attribute__((sentinel));

/* text (a title, a name: data, not the site's words) set apart for the bidirectional algorithm
 * (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE), for a placeholder of
 * mq_page_messagef: a Latin title inside a Persian sentence keeps its own order, and the sentence
 * its own. In the request's arena. */
const char *mq_page_isolate(const mq_req *req, const char *text);

/* A number as a person reads it on the page (mq_l10n_number: Persian digits on Persian pages),
 * and a whole number without grouping (mq_l10n_digits: years, page numbers). Only for text:
 * attributes, URLs and form values keep plain digits. In the request's arena. */
const char *mq_page_number(const mq_req *req, double value, int fraction_digits);
const char *mq_page_digits(const mq_req *req, long long value);

/* Problem i of req->errors in the page's language (see mq_problem in web/http.h): the text of
 * "problems.<code>" with {min} and {max} in the page's digits (a problem without a code: its
 * English on an English page, "problems.other" on a Persian one), and with with_field, where the field has a label ("fields.<name>"),
 * "problems.with_field": "Rating: Enter a number from 1 to 10." In the request's arena. */
const char *mq_page_problem(const mq_req *req, size_t i, int with_field);

/* The error page in the layout (templates/error.mustache): for mq_set_html_error_page(), which
 * the worker loop sets up when templates are loaded. The heading is "errors.<status>" of the
 * catalogue (message, the API's English, is not shown), the problems (below 500) are
 * mq_page_problem()'s. Returns 0, or -1 when it cannot render. */
int mq_page_error(mq_req *req, mq_res *res, int status, const char *message);

/* The error page of a page handler that can say more than the status ("No such movie"): the
 * heading is the catalogue's text of key. Falls back to mq_reply_status when it cannot render. */
void mq_reply_page_error(mq_req *req, mq_res *res, int status, const char *key);

/* A <select>'s options for a template: [{value, label, selected}] from the NULL-terminated
 * values and their labels, the one at index selected marked (-1: none). */
cJSON *mq_page_options(const char *const *values, const char *const *labels, int selected);

/* Marks each genre of a genre list (mq_genres_list) selected when its TMDB id is id (0: none). */
void mq_page_select_genre(cJSON *genres, long long id);

/* A form's fields for a template: {"<name>": {"value": …, "error": …}} for each of names, with
 * the value from values (never for fields called "password") and the first problem in
 * req->errors about that field (its mq_problem field, else an English text starting with the
 * field's name), in the page's words without the field's label (mq_page_problem); problems of
 * no field go to "errors" [...] with their field's label, and "has_errors" says whether there
 * are any (Mustache cannot test a list's length). */
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

/* Sets the mq_lang and mq_theme cookies from a user's settings {language, theme, region}, so every
 * page follows them (settings may be NULL: nothing is set), and the mq_region cookie when settings
 * has a region (null: cleared, so the page's language decides; absent: left alone). nginx's
 * micro-cache keys on all three. */
void mq_page_settings_cookies(mq_req *req, mq_res *res, const cJSON *settings);

/* Whether an Accept-Language header asks for Persian: its first range is "fa" or "fa-…" and
 * not refused with q=0. nginx makes the same decision for its micro-cache key ($mq_accept_lang
 * in nginx/site.conf.in); tests/lang-cases.txt holds both to the same cases. */
int mq_page_accepts_fa(const char *accept_language);

/* The language a page is shown in ("fa" or "en"): nginx's choice (the MQ_LANG parameter, which
 * its micro-cache keys on) when it sends one, else the mq_lang cookie, else Accept-Language. */
const char *mq_page_language(const mq_req *req);

/* The region whose certifications and watch providers a page shows (ISO 3166-1 alpha-2, upper
 * case): the mq_region cookie (set from a member's settings) when it is two letters, else the
 * language's own ("IR" for Persian, "US" otherwise). */
const char *mq_page_region(const mq_req *req);

#endif
