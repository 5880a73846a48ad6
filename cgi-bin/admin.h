/* admin.h — what the admin worker's parts share: the API's handlers and the route table
 * (admin.c), the pages (admin_pages.c) and what they show of the API's answers (admin_view.c). Both read their input into the same typed arguments
 * and call the admin API of lib/domain (admin.h, admin_movie.h, admin_tmdb.h) directly. */
#ifndef MQ_CGI_ADMIN_H
#define MQ_CGI_ADMIN_H

#include "domain/admin.h"
#include "web/http.h"
#include "web/valid.h"

#include <cjson/cJSON.h>

/* The signed-in admin and the request, for the audit. */
mq_admin_actor admin_actor(const mq_req *req);

/* Replies with rc's status, saying what it means: "No such <what>" for MQ_ENOTFOUND, why (may
 * be NULL) for MQ_EUNPROCESSABLE, TMDB's failures in words when tmdb is set. */
void admin_reply_err(mq_req *req, mq_res *res, mq_err rc, const char *what, const char *why, int tmdb);

/* Why a movie added by hand cannot do what TMDB movies do. */
#define ADMIN_WHY_NO_TMDB_SYNC "a movie added by hand has no TMDB id to sync from"
#define ADMIN_WHY_NO_TMDB_IMAGES "a movie added by hand has no images at TMDB"

/* One page of one of the admin's lists, read from the request's query: what the API replies
 * with as a list and the pages show. Caller owns items and lease. */
typedef struct admin_list {
	cJSON *items;
	long long page, limit, total;
	long long unseen;   /* notifications */
	cJSON *lease;       /* sync runs: the lease of the run in progress, or NULL */
} admin_list;

/* Read the query and the list it asks for, or reply with the problem and return -1. */
int admin_read_audit(mq_req *req, mq_res *res, admin_list *l);
int admin_read_notifications(mq_req *req, mq_res *res, admin_list *l);
int admin_read_sync_runs(mq_req *req, mq_res *res, admin_list *l);
int admin_read_users(mq_req *req, mq_res *res, admin_list *l);

/* The fields of a role change ({role}) and of starting a sync run ({kind}), in a JSON body or a
 * form alike. */
enum { ROLE_ROLE, ROLE_COUNT };
extern const mq_field admin_role_fields[ROLE_COUNT];
enum { RUN_KIND, RUN_COUNT };
extern const mq_field admin_run_fields[RUN_COUNT];

/* The role change and the sync start once their fields are read: the reply on failure (JSON or
 * page alike), or 0 with *out the domain's answer (caller owns). */
int admin_set_role(mq_req *req, mq_res *res, const mq_value *v, cJSON **out);
int admin_start_sync(mq_req *req, mq_res *res, const mq_value *v, cJSON **out);

/* The pages (admin_pages.c). */
void admin_page_dashboard(mq_req *req, mq_res *res);
void admin_page_movies(mq_req *req, mq_res *res);
void admin_page_new_movie(mq_req *req, mq_res *res);
void admin_page_create_movie(mq_req *req, mq_res *res);
void admin_page_movie(mq_req *req, mq_res *res);
void admin_page_edit_movie(mq_req *req, mq_res *res);
void admin_page_sync_movie(mq_req *req, mq_res *res);
void admin_page_hide_movie(mq_req *req, mq_res *res);
void admin_page_restore_movie(mq_req *req, mq_res *res);
void admin_page_images(mq_req *req, mq_res *res);
void admin_page_upload_image(mq_req *req, mq_res *res);
void admin_page_audit(mq_req *req, mq_res *res);
void admin_page_notifications(mq_req *req, mq_res *res);
void admin_page_seen(mq_req *req, mq_res *res);
void admin_page_sync_runs(mq_req *req, mq_res *res);
void admin_page_start_sync(mq_req *req, mq_res *res);
void admin_page_users(mq_req *req, mq_res *res);
void admin_page_role(mq_req *req, mq_res *res);

/* What the pages show of the API's answers, in the page's language (admin_view.c). Strings are
 * the request's (arena) or the catalogue's: borrowed. */
/* The catalogue's text of key with its "{}" holes filled by arg1 and arg2 (either may be NULL). */
const char *admin_text(mq_req *req, const char *key, const char *arg1, const char *arg2);
/* A quantity (grouped: "12,345" / "۱۲٬۳۴۵"), and an id or year (digits only). */
const char *admin_number(mq_req *req, double value);
const char *admin_digits(mq_req *req, long long value);
/* Milliseconds of an ISO 8601 moment in UTC as the API writes them ("2026-12-05T05:04:34.309Z"),
 * or -1. */
int64_t admin_iso_ms(const char *iso);
/* An ISO 8601 moment as a day and time in TIMEZONE; NULL when iso is not one. */
const char *admin_time(mq_req *req, const char *iso);
/* The labels of a movie's field ("runtime") and of a sync run's kind ("top-rated"). */
const char *admin_field_label(mq_req *req, const char *field);
const char *admin_kind_label(mq_req *req, const char *kind);
/* Each audit entry (changed in place) with action_label, kind_label, at_text, actor_label,
 * target_label (a movie's title, a member's name), target_href (a movie's admin page) and
 * changes_view [{label, before, after}] of what changed, has_changes. */
void admin_view_audit(mq_req *req, cJSON *items);
/* A list's pagination (mq_moviepage_pagination) with its page numbers in the page's digits. */
void admin_view_pagination(mq_req *req, cJSON *pagination);
/* Each notification with kind_label, at_text, tmdb_id_text and changes_view. */
void admin_view_notifications(mq_req *req, cJSON *items);
/* A sync run with kind_label, status_label, running, started_at_text, finished_at_text,
 * counts_text {fetched, inserted, updated, failed} and, when it has progress, progress_view
 * {phase, done, total, text}. */
void admin_view_run(mq_req *req, cJSON *run);

/* The upload of a poster or backdrop (?kind=poster|backdrop, multipart field "image") made the
 * movie's: 0 with *movie (caller owns), or -1 after replying. */
int admin_upload_image(mq_req *req, mq_res *res, cJSON **movie);

#endif
