/* account.h — registering users and signing them in (the users collection), and the
 * session a sign-in yields. Knows nothing of HTTP: the auth worker calls it; tests call it. */
#ifndef MQ_ACCOUNT_H
#define MQ_ACCOUNT_H

#include "core/config.h"
#include "store/db.h"

#include <cjson/cJSON.h>

typedef struct mq_new_user {
	const char *email;          /* validated: mq_valid_email() */
	const char *password;       /* 8–72 bytes */
	const char *username;       /* optional: derived from the e-mail when only a name is given */
	const char *name;           /* optional */
	const char *date_of_birth;  /* optional "YYYY-MM-DD", validated: mq_valid_date() */
} mq_new_user;

/* Creates the user (role "user"). On MQ_OK *user is the public JSON of the new user (caller
 * owns it). MQ_ECONFLICT when the e-mail or username is taken; database errors as mq_db_error. */
mq_err mq_account_register(mq_db *db, const mq_config *cfg, const mq_new_user *in, cJSON **user);

/* What a registration conflicts with (mq_account_taken). */
enum { MQ_TAKEN_EMAIL = 1 << 0, MQ_TAKEN_USERNAME = 1 << 1 };

/* Which of email and username (either may be NULL) an existing account has: *taken gets the
 * MQ_TAKEN_* bits (0: neither). For telling a person which field of a refused registration to
 * change; the unique indexes stay the guard. */
mq_err mq_account_taken(mq_db *db, const char *email, const char *username, unsigned *taken);

/* Checks e-mail and password. MQ_OK: *user is the public JSON (caller owns it), *token_version
 * the user's current one. MQ_EUNAUTH for an unknown e-mail or a wrong password alike, in about
 * the same time (a dummy bcrypt runs for unknown e-mails). */
mq_err mq_account_login(mq_db *db, const mq_config *cfg, const char *email, const char *password,
			cJSON **user, long long *token_version);

/* The user with this id (24 hex): *user is the public JSON (caller owns it), *token_version the
 * current one (may be NULL). MQ_ENOTFOUND when there is none, MQ_EINVAL for a malformed id. */
mq_err mq_account_get(mq_db *db, const char *user_id, cJSON **user, long long *token_version);

/* Applies a validated profile change: set holds the fields to $set (dotted keys allowed, e.g.
 * "settings.theme"), unset the names to $unset (either may be empty). updated_at is set too.
 * MQ_ECONFLICT when the new username is taken. *user receives the updated public JSON. A change
 * of what the audience rule reads (date_of_birth, settings.region, .language, .adult_content)
 * moves the member's lists version: their lists' ETags and recommendations follow it. */
mq_err mq_account_update(mq_db *db, const char *user_id, const bson_t *set, const bson_t *unset,
			 cJSON **user);

/* The user's preferences {genres, actors, movies}; with set non-NULL, replaces the lists it holds
 * first (and bumps lists_version: recommendations depend on them). *prefs: caller owns. */
mq_err mq_account_preferences(mq_db *db, const char *user_id, const bson_t *set, cJSON **prefs);

/* Whether password is the password of the user with this id: MQ_OK, MQ_EFORBIDDEN for a wrong
 * one, MQ_ENOTFOUND when there is no such user (bcrypt runs in every case). */
mq_err mq_account_check_password(mq_db *db, const mq_config *cfg, const char *user_id, const char *password);

/* Replaces the user's password hash (password 8–72 bytes, else MQ_EINVAL). Sessions are the
 * caller's to end (mq_session_revoke_all): a change keeps the caller's own, a reset ends all. */
mq_err mq_account_set_password(mq_db *db, const mq_config *cfg, const char *user_id, const char *password);

/* A signed-in member's password change: current must be their password (else MQ_EFORBIDDEN and
 * nothing changes), fresh must be 8–72 bytes (else MQ_EINVAL); then every session of theirs at
 * version or below ends, the caller's included: the caller starts a fresh one for the member's
 * own device (site/signin.h), so only the other devices are signed out. */
mq_err mq_account_change_password(mq_db *db, const mq_config *cfg, const char *user_id, long long version,
				  const char *current, const char *fresh);

/* The user with this e-mail (already lower-cased and validated): *user is the public JSON
 * (caller owns). MQ_ENOTFOUND when there is none. */
mq_err mq_account_by_email(mq_db *db, const char *email, cJSON **user);

/* Deletes the user and everything kept for them: every session ends first; then their ratings
 * and reviews (each movie's rating fields follow), watchlist and favourites, interactions
 * (history, likes), lists versions, cached recommendations, refresh tokens, revocation facts,
 * password reset tokens, and last the users document. The avatar's URL, when they had one, is
 * copied into avatar (avatar_size bytes; "" otherwise) for the caller to remove the file.
 * Idempotent until the users document is gone; MQ_ENOTFOUND after. */
mq_err mq_account_delete(mq_db *db, const char *user_id, char *avatar, size_t avatar_size);

/* Sets the role ("user" or "admin") of the user with this e-mail (lower-cased here). *changed
 * tells whether it differed. MQ_ENOTFOUND when no such user. Protected routes read the role
 * from the database, so the change applies to live sessions at once. */
mq_err mq_account_set_role(mq_db *db, const char *email, const char *role, int *changed);
/* The same for the user with this id (24 hex); MQ_ENOTFOUND when there is none. */
mq_err mq_account_set_role_by_id(mq_db *db, const char *user_id, const char *role, int *changed);

/* One page of the users, newest first, whose e-mail, username or name starts with q (NULL: all),
 * as {id, email, username, name, role, created_at, avatar}. */
mq_err mq_account_list(mq_db *db, const char *q, long long page, long long limit, cJSON **items, long long *total);


#endif
