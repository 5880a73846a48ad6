/* live.h — live hints to a member's open pages.
 *
 * nginx hands GET /live, once the watchlist worker has said who is signed in, to that member's
 * nchan channel ("u" + their id). After a change of a member's lists or ratings is written, the
 * worker POSTs a hint {type, op, movie, v, …} to the channel through the loopback-only
 * publisher at NCHAN_PUBLISH_URL (reached through the unix socket NCHAN_PUBLISH_SOCKET when
 * set). v is the member's lists_version after the change, so a page that sees a gap fetches the
 * lists again. A hint is only ever a hint: publishing never fails the request (errors are
 * logged), and pages that miss hints catch up from the version.
 */
#ifndef MQ_LIVE_H
#define MQ_LIVE_H

#include "core/config.h"
#include "web/http.h"

#include <cjson/cJSON.h>

/* The channel of a user: "u" and the 24 hex of their id. */
void mq_live_channel(const char *user_id, char out[26]);

/* POSTs hint (borrowed) to user's channel. Returns 0 when nchan took it (201: delivered, 202: no
 * one listening), 1 when live push is off (no NCHAN_PUBLISH_URL), -1 on failure (logged). */
int mq_live_publish(const mq_config *cfg, const char *user_id, const cJSON *hint);

/* Closes every open live stream of user (logout: the streams were opened with a session that is
 * now revoked) by deleting their channel at the publisher. Returns 0 (closed, or none open), 1
 * when live push is off, -1 on failure (logged). */
int mq_live_close(const mq_config *cfg, const char *user_id);

/* For handlers after a change the signed-in caller made: publishes {type, op, movie, v} and the
 * members of extra (taken over; may be NULL). */
void mq_live_hint(mq_req *req, const char *type, const char *op, const char *movie_id, long long version,
		  cJSON *extra);

/* mq_live_hint() of a rating just set ({type: "rating", op: "set", rating}). */
void mq_live_rating(mq_req *req, const cJSON *rating, long long version);

#endif
