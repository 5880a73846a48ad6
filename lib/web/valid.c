/* valid.c — typed validators for query parameters and JSON body fields (see valid.h). */
#include "web/valid.h"
#include "web/response.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const mq_languages[] = { "en", "fa", NULL };

/* Number of code points of valid UTF-8; -1 on control characters. */
static long long text_length(const char *s)
{
	long long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7f)
			return -1;
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}

int mq_valid_text(const char *s, long long min, long long max)
{
	long long len = s && mq_utf8_valid(s, strlen(s)) ? text_length(s) : -1;
	return len >= 0 && len >= min && len <= max;
}

static void describe_choices(mq_req *req, const mq_field *f)
{
	char list[256] = "";
	size_t used = 0;
	for (const char *const *c = f->choices; *c; c++) {
		int w = snprintf(list + used, sizeof list - used, "%s%s", c == f->choices ? "" : ", ", *c);
		if (w < 0 || (size_t)w >= sizeof list - used)
			break;
		used += (size_t)w;
	}
	mq_req_problem(req, (mq_problem){ "choice", f->name, 0, 0 }, "%s must be one of: %s", f->name, list);
}

/* Validates one textual value (query parameter or default). Returns 0 or -1. */
static int check_text(mq_req *req, const mq_field *f, const char *text, mq_value *v)
{
	switch (f->type) {
	case MQ_V_INT:
		if (mq_parse_int(text, f->min, f->max, &v->i)) {
			mq_req_problem(req, (mq_problem){ "int_range", f->name, f->min, f->max },
				       "%s must be an integer from %lld to %lld", f->name, f->min, f->max);
			return -1;
		}
		break;
	case MQ_V_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			v->i = 1;
		else if (!strcmp(text, "false") || !strcmp(text, "0"))
			v->i = 0;
		else {
			mq_req_problem(req, (mq_problem){ "bool", f->name, 0, 0 }, "%s must be true or false", f->name);
			return -1;
		}
		break;
	case MQ_V_ENUM:
		for (long long k = 0; f->choices[k]; k++) {
			if (!strcmp(f->choices[k], text)) {
				v->i = k;
				goto ok;
			}
		}
		describe_choices(req, f);
		return -1;
	case MQ_V_NUMBER: {
		/* plain decimal only: no exponent, hex, inf or nan */
		char *end = NULL;
		size_t digits = strspn(text, "0123456789"), frac = text[digits] == '.' ? strspn(text + digits + 1, "0123456789") : 0;
		int plain = digits > 0 && digits <= 12 && (text[digits] == '\0' || (frac > 0 && frac <= 20 && text[digits + 1 + frac] == '\0'));
		double d = plain ? strtod(text, &end) : 0;
		if (!plain || d < (double)f->min || d > (double)f->max) {
			mq_req_problem(req, (mq_problem){ "number_range", f->name, f->min, f->max },
				       "%s must be a number from %lld to %lld", f->name, f->min, f->max);
			return -1;
		}
		v->d = d;
		break;
	}
	case MQ_V_STRING: {
		long long len = text_length(text);
		if (len < 0) {
			mq_req_problem(req, (mq_problem){ "control_chars", f->name, 0, 0 },
				       "%s must not contain control characters", f->name);
			return -1;
		}
		if (len < f->min || len > f->max) {
			if (f->min > 0)
				mq_req_problem(req, (mq_problem){ "length_range", f->name, f->min, f->max },
					       "%s must be %lld to %lld characters long", f->name, f->min, f->max);
			else
				mq_req_problem(req, (mq_problem){ "length_max", f->name, 0, f->max },
					       "%s must be at most %lld characters long", f->name, f->max);
			return -1;
		}
		break;
	}
	default:
		mq_req_problem(req, (mq_problem){ "wrong_type", f->name, 0, 0 }, "%s cannot be given in the query string", f->name);
		return -1;
	}
ok:
	v->present = 1;
	v->s = text;
	return 0;
}

int mq_validate_query(mq_req *req, const mq_field *fields, size_t n, mq_value *out)
{
	if (req->bad_query) {
		if (n)
			memset(out, 0, n * sizeof *out);
		mq_req_problem(req, (mq_problem){ "bad_encoding", NULL, 0, 0 }, "the query string is not valid percent-encoded UTF-8");
		return -1;
	}
	if (!mq_req_is_api(req)) { /* a page's GET form sends its blank fields ("All") as key=: not given */
		mq_kvlist given = { 0 };
		for (size_t i = 0; i < req->query.n; i++)
			if (*req->query.items[i].value)
				mq_kvlist_add(req->arena, &given, req->query.items[i].key, req->query.items[i].value);
		return mq_validate_kvlist(req, &given, fields, n, out);
	}
	return mq_validate_kvlist(req, &req->query, fields, n, out);
}

int mq_valid_query_or_reply(mq_req *req, mq_res *res, const mq_field *fields, size_t n, mq_value *out)
{
	if (mq_validate_query(req, fields, n, out) == 0)
		return 0;
	mq_reply_err(req, res, MQ_EINVAL, NULL);
	return -1;
}

int mq_validate_kvlist(mq_req *req, const mq_kvlist *l, const mq_field *fields, size_t n, mq_value *out)
{
	int rc = 0;
	/* seen: given at all, valid or not (out[k].present only ever means "valid, use it") */
	char *seen = mq_arena_zalloc(req->arena, n + 1);
	if (n)
		memset(out, 0, n * sizeof *out);
	for (size_t i = 0; i < l->n; i++) {
		const char *key = l->items[i].key;
		size_t k;
		for (k = 0; k < n && strcmp(fields[k].name, key); k++)
			;
		if (k == n) {
			mq_req_problem(req, (mq_problem){ "unknown", NULL, 0, 0 }, "unknown parameter '%.64s'", key);
			rc = -1;
		} else if (seen[k]) {
			mq_req_problem(req, (mq_problem){ "repeated", fields[k].name, 0, 0 }, "%s given more than once", key);
			out[k].present = 0; /* ambiguous: use neither */
			rc = -1;
		} else {
			seen[k] = 1;
			if (check_text(req, &fields[k], l->items[i].value, &out[k]))
				rc = -1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (seen[k])
			continue;
		if (fields[k].flags & MQ_REQUIRED) {
			mq_req_problem(req, (mq_problem){ "required", fields[k].name, 0, 0 }, "%s is required", fields[k].name);
			rc = -1;
		} else if (fields[k].def && check_text(req, &fields[k], fields[k].def, &out[k])) {
			rc = -1; /* a bad default is a bug in the table; refuse rather than use 0 */
		}
	}
	return rc;
}

static int check_json(mq_req *req, const mq_field *f, const cJSON *item, mq_value *v)
{
	switch (f->type) {
	case MQ_V_INT: {
		double d = item->valuedouble;
		if (!cJSON_IsNumber(item) || d != floor(d) || d < (double)f->min || d > (double)f->max) {
			mq_req_problem(req, (mq_problem){ "int_range", f->name, f->min, f->max },
				       "%s must be an integer from %lld to %lld", f->name, f->min, f->max);
			return -1;
		}
		v->i = (long long)d;
		break;
	}
	case MQ_V_NUMBER: {
		double d = item->valuedouble;
		if (!cJSON_IsNumber(item) || !isfinite(d) || d < (double)f->min || d > (double)f->max) {
			mq_req_problem(req, (mq_problem){ "number_range", f->name, f->min, f->max },
				       "%s must be a number from %lld to %lld", f->name, f->min, f->max);
			return -1;
		}
		v->d = d;
		break;
	}
	case MQ_V_BOOL:
		if (!cJSON_IsBool(item)) {
			mq_req_problem(req, (mq_problem){ "bool", f->name, 0, 0 }, "%s must be true or false", f->name);
			return -1;
		}
		v->i = cJSON_IsTrue(item);
		break;
	case MQ_V_ENUM:
	case MQ_V_STRING:
		if (!cJSON_IsString(item)) {
			mq_req_problem(req, (mq_problem){ "wrong_type", f->name, 0, 0 }, "%s must be a string", f->name);
			return -1;
		}
		return check_text(req, f, item->valuestring, v) ? -1 : (v->json = item, 0);
	case MQ_V_ARRAY: {
		if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) > f->max) {
			mq_req_problem(req, (mq_problem){ "list_max", f->name, 0, f->max },
				       "%s must be a list of at most %lld items", f->name, f->max);
			return -1;
		}
		break;
	}
	case MQ_V_OBJECT:
		if (!cJSON_IsObject(item)) {
			mq_req_problem(req, (mq_problem){ "wrong_type", f->name, 0, 0 }, "%s must be an object", f->name);
			return -1;
		}
		break;
	}
	v->present = 1;
	v->json = item;
	return 0;
}

int mq_validate_object(mq_req *req, const cJSON *obj, const mq_field *fields, size_t n,
		       mq_value *out)
{
	int rc = 0;
	if (n)
		memset(out, 0, n * sizeof *out);
	if (!cJSON_IsObject(obj)) {
		mq_req_problem(req, (mq_problem){ "wrong_type", NULL, 0, 0 }, "the body must be a JSON object");
		return -1;
	}
	for (const cJSON *item = obj->child; item; item = item->next) {
		size_t k;
		for (k = 0; k < n && strcmp(fields[k].name, item->string); k++)
			;
		if (k == n) {
			mq_req_problem(req, (mq_problem){ "unknown", NULL, 0, 0 }, "unknown field '%.64s'", item->string);
			rc = -1;
		} else if (out[k].json || out[k].present) {
			mq_req_problem(req, (mq_problem){ "repeated", fields[k].name, 0, 0 }, "%s given more than once", item->string);
			rc = -1;
		} else if (cJSON_IsNull(item) && (fields[k].flags & MQ_NULLABLE)) {
			out[k].json = item; /* an explicit null: "clear this field" for PATCH */
		} else if (cJSON_IsNull(item)) {
			mq_req_problem(req, (mq_problem){ "wrong_type", fields[k].name, 0, 0 }, "%s may not be null", item->string);
			out[k].json = item;
			rc = -1;
		} else if (check_json(req, &fields[k], item, &out[k])) {
			out[k].json = item;
			rc = -1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if ((fields[k].flags & MQ_REQUIRED) && !out[k].present && !out[k].json) {
			mq_req_problem(req, (mq_problem){ "required", fields[k].name, 0, 0 }, "%s is required", fields[k].name);
			rc = -1;
		}
	}
	return rc;
}

int mq_is_object_id(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return i == 24;
}

mq_movie_ref_kind mq_valid_movie_ref(const char *s, long long *tmdb_id)
{
	if (!s || !*s)
		return MQ_REF_INVALID;
	if (mq_is_object_id(s))
		return MQ_REF_OBJECT_ID;
	if (s[0] >= '1' && s[0] <= '9' && !mq_parse_int(s, 1, 2147483647LL, tmdb_id))
		return MQ_REF_TMDB;
	/* slug: a-z, 0-9 and single '-' between words, 1..200 characters */
	size_t len = strlen(s);
	if (len > 200 || s[0] == '-' || s[len - 1] == '-')
		return MQ_REF_INVALID;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return MQ_REF_INVALID;
		if (c == '-' && s[i + 1] == '-')
			return MQ_REF_INVALID;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return MQ_REF_SLUG;
	return MQ_REF_INVALID; /* all digits but out of range or with a leading zero */
}

int mq_valid_email(char *email)
{
	size_t len = strlen(email);
	if (len < 3 || len > 254)
		return 0;
	for (char *p = email; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("()<>,;:\\\"[]", c))
			return 0;
		*p = (char)tolower(c);
	}
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@') || at - email > 64)
		return 0;
	const char *domain = at + 1, *dot = strrchr(domain, '.');
	return dot && dot > domain && dot[1] && dot[1] != '.' && !strstr(domain, "..") && domain[0] != '.';
}

int mq_valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 30)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

int mq_valid_date(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap))
		return 0;
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return strcmp(s, today) <= 0;
}
