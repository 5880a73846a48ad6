/* valid.h — allow-listed, typed input.
 *
 * Query parameters and JSON body fields are declared in tables (as kcgi's keys[]); the validators
 * turn raw text into typed values and append every problem to req->errors, so one 400 lists them
 * all. Parameters or fields a table does not declare are refused: nothing undeclared reaches a
 * handler, let alone a query. Never atoi: mq_parse_int() is the one integer parser.
 *
 * Each problem is added with mq_req_problem (http.h): the API's English sentence, and for pages
 * a code of the catalogue's "problems" group ("int_range", "length_max", "choice", "required",
 * …), the field, and the bounds that fill {min} and {max}, so that a page says it in its own
 * language (mq_page_problem, site/page.h). A new kind of problem needs its code in both
 * templates/messages files (tests/lib/check_page.c, every_validator_has_page_words).
 */
#ifndef MQ_VALID_H
#define MQ_VALID_H

#include "core/parse.h"
#include "web/http.h"

#include <cjson/cJSON.h>
#include <stdint.h>

typedef enum mq_vtype {
	MQ_V_INT,     /* min..max */
	MQ_V_BOOL,    /* true/false/1/0 */
	MQ_V_ENUM,    /* one of choices */
	MQ_V_STRING,  /* UTF-8, min..max characters (code points), no control characters */
	MQ_V_NUMBER,  /* any finite number within min..max (a query: plain decimal, "7.5") */
	MQ_V_ARRAY,   /* JSON bodies only: an array of at most max elements */
	MQ_V_OBJECT,  /* JSON bodies only */
} mq_vtype;

typedef struct mq_field {
	const char *name;
	mq_vtype type;
	int flags;                   /* 0 (optional), MQ_REQUIRED or MQ_NULLABLE */
	long long min, max;
	const char *const *choices;  /* MQ_V_ENUM: NULL-terminated */
	const char *def;             /* default (query parameters only), validated like input */
} mq_field;

#define MQ_REQUIRED 1 /* absent: an error (1 in a table means this) */
#define MQ_NULLABLE 2 /* optional, and in JSON bodies null is accepted ("remove this field");
                       * otherwise null is a 400 */

typedef struct mq_value {
	int present;                 /* given and valid, or defaulted: only then use the value */
	long long i;                 /* MQ_V_INT, MQ_V_BOOL, index of an MQ_V_ENUM choice */
	double d;                    /* MQ_V_NUMBER */
	const char *s;               /* the text (query) or string value (body); arena/borrowed */
	const cJSON *json;           /* body fields: the value itself (borrowed from the tree) */
} mq_value;

/* Validates req->query against fields[n] (out[n] receives the values, in table order).
 * Unknown or repeated parameters and bad values are appended to req->errors. For a page (not
 * /api/), an empty value counts as not given: that is how a GET form sends a blank field.
 * Returns 0 when the query is acceptable, -1 otherwise. */
int mq_validate_query(mq_req *req, const mq_field *fields, size_t n, mq_value *out);
/* mq_validate_query(), and on a problem the 400 (JSON, or the error page) listing every one:
 * a handler's opening line, `if (mq_valid_query_or_reply(req, res, fields, n, v)) return;`. */
int mq_valid_query_or_reply(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *out);

/* mq_validate_query() for any decoded list, e.g. a form post's fields. */
int mq_validate_kvlist(mq_req *req, const mq_kvlist *l, const mq_field *fields, size_t n, mq_value *out);

/* Validates a JSON object's members against fields[n], refusing unknown and duplicate keys
 * (and so any key starting with '$' or containing '.'). Returns 0 or -1 (problems in req->errors). */
int mq_validate_object(mq_req *req, const cJSON *obj, const mq_field *fields, size_t n,
		       mq_value *out);

/* The standard pagination parameters: page ≥ 1 (default 1) and 1 ≤ limit ≤ 100 (default 20). */
#define MQ_FIELD_PAGE { "page", MQ_V_INT, 0, 1, 500000, NULL, "1" }
#define MQ_FIELD_LIMIT { "limit", MQ_V_INT, 0, 1, 100, NULL, "20" }

/* The site's languages, NULL-terminated: "en", "fa". */
extern const char *const mq_languages[];
/* ?language=en|fa, English by default. */
#define MQ_FIELD_LANGUAGE { "language", MQ_V_ENUM, 0, 0, 0, mq_languages, "en" }

/* ObjectId text: exactly 24 hex digits. */
int mq_is_object_id(const char *s);

/* Whether s is text as MQ_V_STRING takes it: valid UTF-8 without control characters (tab and
 * newlines aside), min..max characters (code points) long. */
int mq_valid_text(const char *s, long long min, long long max);

/* How a movie is addressed: TMDB id (digits), ObjectId (24 hex) or slug (lower-case words). */
typedef enum mq_movie_ref_kind {
	MQ_REF_INVALID,
	MQ_REF_TMDB,
	MQ_REF_OBJECT_ID,
	MQ_REF_SLUG,
} mq_movie_ref_kind;

mq_movie_ref_kind mq_valid_movie_ref(const char *s, long long *tmdb_id);

/* Lower-cases an e-mail in place and checks its shape (local@domain.tld, ≤ 254 bytes). */
int mq_valid_email(char *email);
/* 3–30 letters, digits and '_'. */
int mq_valid_username(const char *s);
/* "YYYY-MM-DD", a real calendar date between 1900-01-01 and today. */
int mq_valid_date(const char *s);

#endif
