/* http.c — building an mq_req: parameters, query strings, cookies, percent-decoding. */
#include "web/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void mq_kvlist_add(mq_arena *a, mq_kvlist *l, const char *key, const char *value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		mq_kv *items = mq_arena_alloc(a, cap * sizeof *items);
		if (l->n)
			memcpy(items, l->items, l->n * sizeof *items);
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n].key = key;
	l->items[l->n].value = value;
	l->n++;
}

const char *mq_kvlist_get(const mq_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}

static const struct {
	const char *name;
	unsigned method;
} methods[] = {
	{ "GET", MQ_GET }, { "HEAD", MQ_HEAD }, { "POST", MQ_POST }, { "PUT", MQ_PUT },
	{ "PATCH", MQ_PATCH }, { "DELETE", MQ_DELETE }, { "OPTIONS", MQ_OPTIONS },
};

unsigned mq_method_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof methods / sizeof methods[0]; i++)
		if (!strcmp(methods[i].name, name))
			return methods[i].method;
	return 0;
}

const char *mq_method_name(unsigned method)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (methods[i].method == method)
			return methods[i].name;
	return "?";
}

void mq_req_after(mq_req *req, void (*fn)(mq_req *req, void *arg), void *arg)
{
	req->after = fn;
	req->after_arg = arg;
}

void mq_req_run_after(mq_req *req)
{
	void (*fn)(mq_req *, void *) = req->after;
	req->after = NULL;
	if (fn)
		fn(req, req->after_arg);
}

void mq_req_init(mq_req *req, mq_arena *a, const char *method_name, const char *path)
{
	memset(req, 0, sizeof *req);
	req->arena = a;
	req->method_name = method_name ? mq_arena_strdup(a, method_name) : "GET";
	req->method = mq_method_parse(req->method_name);
	req->path = path ? mq_arena_strdup(a, path) : "/";
	req->display_path = req->path;
	req->query_string = "";
	req->body = "";
	req->audience.age = -1; /* unknown until the route loop knows the caller */
}

void mq_req_add_param(mq_req *req, const char *key, const char *value)
{
	mq_kvlist_add(req->arena, &req->params, mq_arena_strdup(req->arena, key),
		      mq_arena_strdup(req->arena, value));
}

/* The path part of REQUEST_URI (what the client asked for, still percent-encoded). */
static const char *uri_path(mq_arena *a, const char *uri)
{
	const char *q = strchr(uri, '?');
	return q ? mq_arena_strndup(a, uri, (size_t)(q - uri)) : uri;
}

void mq_req_parse_params(mq_req *req)
{
	const char *v;
	if ((v = mq_req_param(req, "REQUEST_METHOD"))) {
		req->method_name = v;
		req->method = mq_method_parse(v);
	}
	/* Routing path: nginx's $document_uri (decoded, normalised, after rewrites), else the
	 * CGI PATH_INFO, else the path of REQUEST_URI. */
	if ((v = mq_req_param(req, "DOCUMENT_URI")) && *v)
		req->path = v;
	else if ((v = mq_req_param(req, "PATH_INFO")) && *v)
		req->path = v;
	else if ((v = mq_req_param(req, "REQUEST_URI")) && *v)
		req->path = uri_path(req->arena, v);
	v = mq_req_param(req, "REQUEST_URI");
	req->display_path = v && *v ? uri_path(req->arena, v) : req->path;
	if ((v = mq_req_param(req, "QUERY_STRING"))) {
		req->query_string = v;
		if (mq_form_decode(req->arena, v, strlen(v), &req->query))
			req->bad_query = 1;
	}
	if ((v = mq_req_param(req, "HTTP_COOKIE")))
		mq_cookie_parse(req->arena, v, &req->cookies);
	if ((v = mq_req_param(req, "REQUEST_ID")) && *v)
		req->request_id = v;
	else if ((v = mq_req_param(req, "HTTP_X_REQUEST_ID")) && *v && strlen(v) <= 64)
		req->request_id = v;
}

void mq_req_set_body(mq_req *req, const char *body, size_t len)
{
	req->body = mq_arena_strndup(req->arena, body, len);
	req->body_len = len;
}

const char *mq_req_param(const mq_req *req, const char *key)
{
	return mq_kvlist_get(&req->params, key);
}

const char *mq_req_query(const mq_req *req, const char *key)
{
	return mq_kvlist_get(&req->query, key);
}

const char *mq_req_cookie(const mq_req *req, const char *name)
{
	return mq_kvlist_get(&req->cookies, name);
}

const char *mq_req_route(const mq_req *req, const char *name)
{
	return mq_kvlist_get(&req->route, name);
}

int mq_req_is_api(const mq_req *req)
{
	/* what the client asked for: nginx internal redirects (error pages) change only req->path */
	const char *p = req->display_path ? req->display_path : req->path;
	return !strncmp(p, "/api/", 5) || !strcmp(p, "/api");
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0 when there is none (a stray or
 * missing continuation byte, an overlong form, a surrogate, a value past U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int mq_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_sequence(s + i, n - i)))
			return 0;
	return 1;
}

/* Drops from s, in place, every byte that is not part of a valid UTF-8 sequence. */
static void utf8_repair(char *s)
{
	unsigned char *in = (unsigned char *)s, *out = in;
	size_t n = strlen(s);
	while (n) {
		size_t len = utf8_sequence(in, n);
		if (!len) {
			in++;
			n--;
			continue;
		}
		memmove(out, in, len);
		out += len;
		in += len;
		n -= len;
	}
	*out = '\0';
}

__attribute__((format(printf, 3, 0)))
static void add_problem(mq_req *req, mq_problem problem, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	char *msg = mq_arena_alloc(req->arena, (size_t)(n > 0 ? n : 0) + 1);
	vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	/* a precision (%.64s) may cut a character of the client's text in two: the message stays
	 * valid UTF-8, as the JSON and pages it goes into must be */
	utf8_repair(msg);
	mq_errors *e = &req->errors;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		const char **items = mq_arena_alloc(req->arena, cap * sizeof *items);
		mq_problem *problems = mq_arena_alloc(req->arena, cap * sizeof *problems);
		if (e->n) {
			memcpy(items, e->items, e->n * sizeof *items);
			memcpy(problems, e->problems, e->n * sizeof *problems);
		}
		e->items = items;
		e->problems = problems;
		e->cap = cap;
	}
	if (problem.field)
		problem.field = mq_arena_strdup(req->arena, problem.field);
	e->problems[e->n] = problem;
	e->items[e->n++] = msg;
}

void mq_req_error(mq_req *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_problem(req, (mq_problem){ 0 }, fmt, ap);
	va_end(ap);
}

void mq_req_problem(mq_req *req, mq_problem problem, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_problem(req, problem, fmt, ap);
	va_end(ap);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one component; returns NULL on bad escapes, NUL bytes or invalid UTF-8. */
static char *decode_component(mq_arena *a, const char *s, size_t n)
{
	char *out = mq_arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return NULL;
		out[o++] = c;
	}
	out[o] = '\0';
	return mq_utf8_valid(out, o) ? out : NULL;
}

int mq_form_decode(mq_arena *a, const char *s, size_t n, mq_kvlist *l)
{
	int rc = 0;
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
			char *key = decode_component(a, s + i, klen);
			char *value = eq ? decode_component(a, eq + 1, (size_t)(s + end - eq - 1))
					 : mq_arena_strdup(a, "");
			if (key && value && *key)
				mq_kvlist_add(a, l, key, value);
			else if (!key || !value)
				rc = -1;
		}
		i = end + 1;
	}
	return rc;
}

void mq_cookie_parse(mq_arena *a, const char *header, mq_kvlist *l)
{
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *start = p;
		while (*p && *p != ';')
			p++;
		const char *eq = memchr(start, '=', (size_t)(p - start));
		if (!eq || eq == start)
			continue;
		const char *kend = eq;
		while (kend > start && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		const char *vstart = eq + 1, *vend = p;
		while (vstart < vend && (*vstart == ' ' || *vstart == '\t'))
			vstart++;
		while (vend > vstart && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		if (vend - vstart >= 2 && *vstart == '"' && vend[-1] == '"') {
			vstart++;
			vend--;
		}
		if (kend > start)
			mq_kvlist_add(a, l, mq_arena_strndup(a, start, (size_t)(kend - start)),
				      mq_arena_strndup(a, vstart, (size_t)(vend - vstart)));
	}
}
