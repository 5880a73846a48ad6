/* admin.h — what the admin worker's two halves share: the API's handlers and the route table
 * (admin.c), the pages (admin_pages.c). Both read their input into the same typed arguments
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
/* What a TMDB failure means to a curator. */
const char *admin_tmdb_message(mq_err rc);

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

/* The upload of a poster or backdrop (?kind=poster|backdrop, multipart field "image") made the
 * movie's: 0 with *movie (caller owns), or -1 after replying. */
int admin_upload_image(mq_req *req, mq_res *res, cJSON **movie);

#endif
