/* reset.h — "forgot your password": one-time reset tokens (the password_resets collection).
 *
 * A token is 32 random bytes in base64url, sent to the member's e-mail address once and stored
 * only as its SHA-256 (_id), with its owner, when it was issued and when it expires
 * (MQ_RESET_TTL). It is used once: the use is decided by a conditional update ({used: false,
 * unexpired} to used: true) whose matched count must be 1, and, because a server whose update is
 * a find then a write (FerretDB) could let two simultaneous uses both match, by inserting the
 * fact "reset:<hash>" into revocations, whose unique _id lets exactly one use through on every
 * server. Expired tokens are purged with the sessions' facts (mq_session_purge).
 */
#ifndef MQ_RESET_H
#define MQ_RESET_H

#include "core/config.h"
#include "store/db.h"

#include <cjson/cJSON.h>

#define MQ_RESET_TTL (30 * 60)    /* seconds a reset link works */
#define MQ_RESET_INTERVAL 60      /* seconds between two links for one account, at least */

/* Starts a reset for the account with this e-mail (lower-cased and validated): *token is the
 * value for the link (caller frees), *user the account's public JSON (caller owns; its settings
 * say the language of the mail). MQ_ENOTFOUND when no account has the address; MQ_ERATELIMIT
 * when a link was issued for it less than MQ_RESET_INTERVAL seconds ago. */
mq_err mq_reset_start(mq_db *db, const char *email, char **token, cJSON **user);

/* Whether token can still be used: MQ_OK, or MQ_EUNAUTH when it is unknown, expired or used. */
mq_err mq_reset_check(mq_db *db, const char *token);

/* Uses token: the owner's password becomes password (8–72 bytes, else MQ_EINVAL, and the token
 * stays usable), every session of theirs ends and their other reset tokens go. MQ_EUNAUTH when
 * the token is unknown, expired or used; of simultaneous uses exactly one gets MQ_OK. The
 * owner's id goes to user_id. */
mq_err mq_reset_finish(mq_db *db, const mq_config *cfg, const char *token, const char *password,
		       char user_id[25]);

#endif
