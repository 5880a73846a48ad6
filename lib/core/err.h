/* err.h — the one error vocabulary of lib/, and the one place it becomes an HTTP status.
 *
 * lib/ functions return an mq_err; handlers never pick status codes for failures themselves:
 * mq_err_status() maps every error to exactly one status.
 */
#ifndef MQ_ERR_H
#define MQ_ERR_H

typedef enum mq_err {
	MQ_OK = 0,
	MQ_EINVAL,        /* 400: input failed validation */
	MQ_EUNAUTH,       /* 401: no or bad credentials */
	MQ_EFORBIDDEN,    /* 403: authenticated but not allowed */
	MQ_ENOTFOUND,     /* 404: no such object (or not yours) */
	MQ_EMETHOD,       /* 405: route exists, method does not */
	MQ_ECONFLICT,     /* 409: duplicate */
	MQ_ETOOLARGE,     /* 413: body or upload over its cap */
	MQ_EMEDIATYPE,    /* 415: wrong content type */
	MQ_EUNPROCESSABLE,/* 422: well-formed but impossible */
	MQ_ERATELIMIT,    /* 429: slow down */
	MQ_EINTERNAL,     /* 500: a bug or a misconfiguration; details only in the log */
	MQ_EUPSTREAM,     /* 502: TMDB or the database answered nonsense */
	MQ_EUNAVAIL,      /* 503: TMDB or the database unavailable */
	MQ_ETIMEOUT,      /* 504: TMDB or the database too slow */
	MQ_ESTORAGE,      /* 507: the disk is full (or a file-size limit is reached) */
} mq_err;

/* The HTTP status for err (200 for MQ_OK). */
int mq_err_status(mq_err err);
/* A short default message for the error shape, e.g. "Validation failed". Static string. */
const char *mq_err_message(mq_err err);
/* The reason phrase for an HTTP status ("Not Found"); "Unknown" for others. Static string. */
const char *mq_err_http_reason(int status);

#endif
