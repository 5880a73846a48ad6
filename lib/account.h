/* account.h — registering users and signing them in (the users collection, DESIGN §5), and the
 * session a sign-in yields. Knows nothing of HTTP: the auth worker calls it; tests call it. */
#ifndef MQ_ACCOUNT_H
#define MQ_ACCOUNT_H

#include "config.h"
#include "db.h"

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

/* Checks e-mail and password. MQ_OK: *user is the public JSON (caller owns it), *token_version
 * the user's current one. MQ_EUNAUTH for an unknown e-mail or a wrong password alike, in about
 * the same time (a dummy bcrypt runs for unknown e-mails). */
mq_err mq_account_login(mq_db *db, const mq_config *cfg, const char *email, const char *password,
			cJSON **user, long long *token_version);

/* Adds token, token_type, expires_in and expires_at (ISO-8601) for the user to out; the token is
 * also returned in *token (caller frees). */
void mq_session_issue(const mq_config *cfg, const char *user_id, const char *role,
		      long long token_version, cJSON *out, char **token);

/* Lower-cases an e-mail in place and checks its shape (local@domain.tld, ≤ 254 bytes). */
int mq_valid_email(char *email);
/* "YYYY-MM-DD", a real calendar date between 1900-01-01 and today. */
int mq_valid_date(const char *s);

#endif
