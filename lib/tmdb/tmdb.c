/* tmdb.c — the TMDB v3 client and readers (see tmdb.h).
 *
 * One call to mq_tmdb_get() is a loop of attempts. Each attempt takes a limiter slot, runs one
 * curl_easy_perform() on the thread's handle (curl_easy_reset() between attempts keeps its
 * connections), and judge() turns the outcome into a verdict: the mq_err to return if this is
 * the last attempt, and whether another attempt is worth it. Only transient trouble is retried
 * (5xx but 501, 429, timeouts, connection failures, transfers cut short); everything else —
 * 401, 404, 400/422, malformed JSON — would fail the same way again.
 *
 * A truncated body (fewer bytes than Content-Length, then the connection closed) is a transport
 * failure, as a reset connection is: it is retried, and gives MQ_EUPSTREAM if it persists.
 * A complete but malformed body is TMDB's answer and is not retried.
 *
 * The credential exists in two places only: the Authorization header in t->headers, or the
 * api_key parameter of the URL being sent. Both are wiped after use; messages that reach the
 * caller pass through redact() first, and logs name the path without its query.
 */
#include "tmdb/tmdb.h"
#include "core/log.h"
#include "core/mem.h"
#include "store/metrics.h"
#include "web/valid.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_BASE_URL "https://api.themoviedb.org/3"
#define DEFAULT_IMAGE_BASE "https://image.tmdb.org/t/p/"
#define DEFAULT_CONNECT_MS 3000L
#define DEFAULT_TOTAL_MS 10000L
#define DEFAULT_ATTEMPTS 4
#define DEFAULT_BACKOFF_MS 1000L
#define DEFAULT_RETRY_AFTER_CAP_MS 30000L
#define MAX_BACKOFF_MS 30000L
#define MAX_ATTEMPTS 10
#define MESSAGE_MAX 1024 /* an envelope's message before it is cut to mq_tmdb_result.message */

/* Characters of request paths, query keys and image paths: nothing that needs escaping. */
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define PATH_CHARS ALNUM "/._-,~"
#define KEY_CHARS ALNUM "_.-"
#define IMAGE_CHARS ALNUM "/._-"

/* ---- rate limiter ------------------------------------------------------------------------ */

struct mq_tmdb_limiter {
	pthread_mutex_t lock;
	double interval;  /* seconds between two slots; 0: no limit */
	double next;      /* the earliest free slot */
};

mq_tmdb_limiter *mq_tmdb_limiter_new(int per_second)
{
	mq_tmdb_limiter *l = mq_xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->lock, NULL);
	l->interval = per_second >= 1 ? 1.0 / per_second : 0;
	return l;
}

void mq_tmdb_limiter_free(mq_tmdb_limiter *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

double mq_tmdb_limiter_reserve(mq_tmdb_limiter *l, double now)
{
	if (!l || l->interval <= 0)
		return 0;
	pthread_mutex_lock(&l->lock);
	if (l->next < now)
		l->next = now; /* idle time is not saved up: no bursts */
	double wait = l->next - now;
	l->next += l->interval;
	pthread_mutex_unlock(&l->lock);
	return wait;
}

/* ---- client ------------------------------------------------------------------------------ */

struct mq_tmdb {
	const mq_config *cfg;        /* borrowed */
	mq_tmdb_limiter *limiter;    /* borrowed; NULL: no limit */
	CURL *curl;
	struct curl_slist *headers;  /* Accept, and Authorization when the read token is used */
	const char *api_key;         /* borrowed from cfg; set only when there is no read token */
	long connect_ms, total_ms;
	int max_attempts;
	long backoff_base_ms, retry_after_cap_ms;
	uint64_t rng;                /* xorshift64* state for the backoff jitter */
	mq_buf body;                 /* the current attempt's response body */
	int too_large;               /* the body went over MQ_TMDB_MAX_BODY */
	char errbuf[CURL_ERROR_SIZE];
};

static struct curl_slist *header_append(struct curl_slist *list, const char *line)
{
	struct curl_slist *l = curl_slist_append(list, line);
	if (!l)
		mq_oom();
	return l;
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static uint64_t next_random(mq_tmdb *t)
{
	uint64_t x = t->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static double monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double s)
{
	if (!(s > 0))
		return;
	struct timespec ts;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

mq_tmdb *mq_tmdb_new(const mq_config *cfg, mq_tmdb_limiter *limiter)
{
	const char *token = cfg->tmdb_read_token, *key = cfg->tmdb_api_key;
	int use_token = token && *token;
	if (!use_token && !(key && *key))
		return NULL;
	if (use_token && has_control(token)) {
		/* it would end the header line early: a broken setting, never sent */
		mq_log(MQ_LOG_ERROR, "tmdb_config", "TMDB_READ_TOKEN holds control characters");
		return NULL;
	}
	mq_tmdb *t = mq_xcalloc(1, sizeof *t);
	t->cfg = cfg;
	t->limiter = limiter;
	t->curl = curl_easy_init();
	if (!t->curl)
		mq_oom();
	if (use_token) {
		mq_buf h = MQ_BUF_INIT;
		mq_buf_printf(&h, "Authorization: Bearer %s", token);
		t->headers = header_append(t->headers, mq_buf_cstr(&h));
		explicit_bzero(h.data, h.len);
		mq_buf_free(&h);
	} else {
		t->api_key = key;
	}
	t->headers = header_append(t->headers, "Accept: application/json");
	t->connect_ms = DEFAULT_CONNECT_MS;
	t->total_ms = DEFAULT_TOTAL_MS;
	t->max_attempts = DEFAULT_ATTEMPTS;
	t->backoff_base_ms = DEFAULT_BACKOFF_MS;
	t->retry_after_cap_ms = DEFAULT_RETRY_AFTER_CAP_MS;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->rng = splitmix64(((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec)
			    ^ (uint64_t)(uintptr_t)t) | 1;
	return t;
}

void mq_tmdb_free(mq_tmdb *t)
{
	if (!t)
		return;
	for (struct curl_slist *h = t->headers; h; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(t->headers);
	curl_easy_cleanup(t->curl);
	mq_buf_free(&t->body);
	free(t);
}

void mq_tmdb_set_timeouts(mq_tmdb *t, long connect_ms, long total_ms)
{
	if (connect_ms >= 1)
		t->connect_ms = connect_ms;
	if (total_ms >= 1)
		t->total_ms = total_ms;
}

void mq_tmdb_set_retry(mq_tmdb *t, int max_attempts, long backoff_base_ms, long retry_after_cap_ms)
{
	t->max_attempts = max_attempts < 1 ? 1 : max_attempts > MAX_ATTEMPTS ? MAX_ATTEMPTS : max_attempts;
	t->backoff_base_ms = backoff_base_ms < 0 ? 0 : backoff_base_ms > MAX_BACKOFF_MS ? MAX_BACKOFF_MS
			   : backoff_base_ms;
	t->retry_after_cap_ms = retry_after_cap_ms < 0 ? 0 : retry_after_cap_ms;
}

void mq_tmdb_result_clear(mq_tmdb_result *r)
{
	if (!r)
		return;
	cJSON_Delete(r->json);
	r->json = NULL;
}

/* ---- messages ---------------------------------------------------------------------------- */

/* Copies src into dst[size], cut at a UTF-8 character boundary. */
static void copy_text(char *dst, size_t size, const char *src)
{
	if (!dst || !size)
		return;
	size_t n = strlen(src);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--; /* src[n] would be a continuation byte: drop the partial character */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Overwrites every occurrence of secret in s with '*'. */
static void redact(char *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (!n)
		return;
	for (char *p = strstr(s, secret); p; p = strstr(p + n, secret))
		memset(p, '*', n);
}

/* Sets out->message from text (printf-style), with the credentials blanked out. */
static void set_message(const mq_tmdb *t, mq_tmdb_result *out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_message(const mq_tmdb *t, mq_tmdb_result *out, const char *fmt, ...)
{
	mq_buf b = MQ_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	mq_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *text = mq_buf_steal(&b);
	redact(text, t->cfg->tmdb_read_token);
	redact(text, t->cfg->tmdb_api_key);
	copy_text(out->message, sizeof out->message, text);
	free(text);
}

/* ---- error envelopes --------------------------------------------------------------------- */

/* Recognises an envelope in a parsed body: *code and *msg (borrowed from root). 0 or -1. */
static int envelope(const cJSON *root, int *code, const char **msg)
{
	if (!cJSON_IsObject(root))
		return -1;
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(root, "status_code");
	const cJSON *sm = cJSON_GetObjectItemCaseSensitive(root, "status_message");
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
	if (cJSON_IsNumber(sc) && cJSON_IsString(sm)) {
		double d = sc->valuedouble;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "success")))
			return -1; /* {"success":true,"status_code":1,…}: TMDB's "done" answer */
		if (!(d >= 0 && d <= INT_MAX) || d != floor(d))
			return -1;
		*code = (int)d;
		*msg = sm->valuestring;
		return 0;
	}
	if (cJSON_IsArray(errors)) {
		const cJSON *first = cJSON_GetArrayItem(errors, 0);
		*code = 0;
		*msg = cJSON_IsString(first) ? first->valuestring : "";
		return 0;
	}
	return -1;
}

int mq_tmdb_parse_error(const char *body, size_t len, int *code, char *message, size_t size)
{
	int rc = -1, c = 0;
	const char *msg = NULL;
	if (!body || !len)
		return -1;
	cJSON *root = cJSON_ParseWithLength(body, len);
	if (root && !envelope(root, &c, &msg)) {
		if (code)
			*code = c;
		copy_text(message, size, msg);
		rc = 0;
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- one request ------------------------------------------------------------------------- */

static int only_chars(const char *s, const char *allowed)
{
	return *s && strspn(s, allowed) == strlen(s);
}

/* A page value clamped to 1–500 into out; -1 when it is not an integer at all. */
static int clamp_page(const char *v, char out[4])
{
	long long n;
	if (mq_parse_int(v, LLONG_MIN, LLONG_MAX, &n)) {
		/* too many digits for a long long is still a (huge) page number */
		const char *digits = v[0] == '-' ? v + 1 : v;
		if (!only_chars(digits, "0123456789"))
			return -1;
		n = v[0] == '-' ? 1 : MQ_TMDB_MAX_PAGE;
	}
	n = n < 1 ? 1 : n > MQ_TMDB_MAX_PAGE ? MQ_TMDB_MAX_PAGE : n;
	snprintf(out, 4, "%lld", n);
	return 0;
}

/* base + path + query (+ api_key) into url. MQ_EINVAL for arguments a caller must not send. */
static mq_err build_url(const mq_tmdb *t, const char *path, const char *const *query, mq_buf *url)
{
	const char *base = t->cfg->tmdb_base_url && *t->cfg->tmdb_base_url ? t->cfg->tmdb_base_url
									       : DEFAULT_BASE_URL;
	size_t bl = strlen(base);
	if (!path || path[0] != '/' || !only_chars(path, PATH_CHARS) || strstr(path, ".."))
		return MQ_EINVAL;
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	mq_buf_append(url, base, bl);
	mq_buf_puts(url, path);
	char sep = '?';
	for (size_t i = 0; query && query[i]; i += 2) {
		const char *key = query[i], *value = query[i + 1];
		char page[4];
		if (!value || !only_chars(key, KEY_CHARS) || !strcmp(key, "api_key"))
			return MQ_EINVAL;
		if (!strcmp(key, "page")) {
			if (clamp_page(value, page))
				return MQ_EINVAL;
			value = page;
		}
		mq_buf_printf(url, "%c%s=", sep, key);
		mq_buf_url_component(url, value, strlen(value));
		sep = '&';
	}
	if (t->api_key) {
		mq_buf_printf(url, "%capi_key=", sep);
		mq_buf_url_component(url, t->api_key, strlen(t->api_key));
	}
	return MQ_OK;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
	mq_tmdb *t = data;
	size_t n = size * nmemb;
	if (n > (size_t)MQ_TMDB_MAX_BODY - t->body.len) {
		t->too_large = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	mq_buf_append(&t->body, ptr, n);
	return n;
}

/* Every option, set afresh for each attempt (curl_easy_reset keeps the open connections). */
static void prepare(mq_tmdb *t, const char *url)
{
	CURL *c = t->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "marquee/" MQ_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t->total_ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MQ_TMDB_MAX_BODY);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* the cap applies to decoded bytes */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
	t->errbuf[0] = '\0';
	t->too_large = 0;
	mq_buf_reset(&t->body);
}

/* What one attempt means: the answer if it is the last, and whether to try again. */
typedef struct verdict {
	mq_err rc;
	int retry;
	long retry_after_ms;  /* a 429's Retry-After in ms; -1 when absent or not an integer */
} verdict;

/* A 429's Retry-After as an integer number of seconds, in ms; -1 when absent or otherwise. */
static long retry_after_ms(CURL *c)
{
	struct curl_header *h = NULL;
	long long s;
	if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
		return -1;
	if (mq_parse_int(h->value, 0, LONG_MAX / 1000, &s))
		return -1; /* an HTTP-date or garbage: back off on our own */
	return (long)s * 1000;
}

static verdict transport_failure(mq_tmdb *t, CURLcode cc, mq_tmdb_result *out)
{
	verdict v = { MQ_EUPSTREAM, 0, -1 };
	set_message(t, out, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(cc));
	if (t->too_large || cc == CURLE_FILESIZE_EXCEEDED) {
		set_message(t, out, "response body over %ld bytes", MQ_TMDB_MAX_BODY);
		return v;
	}
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		v.rc = MQ_ETIMEOUT;
		v.retry = 1;
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		v.rc = MQ_EUNAVAIL;
		v.retry = 1;
		break;
	case CURLE_PARTIAL_FILE:   /* truncated body: fewer bytes than announced */
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		v.rc = MQ_EUPSTREAM;
		v.retry = 1;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		v.rc = MQ_EINTERNAL; /* TMDB_BASE_URL is unusable: no retry can help */
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		v.rc = MQ_EUNAVAIL;  /* not TMDB, or a broken CA store: retrying changes nothing */
		break;
	default:
		break;
	}
	return v;
}

/* Parses a 2xx body: MQ_OK with out->json when it is one JSON object and nothing else. */
static mq_err parse_body(mq_tmdb *t, mq_tmdb_result *out)
{
	const char *end = NULL;
	if (!t->body.len) {
		set_message(t, out, "empty response body");
		return MQ_EUPSTREAM;
	}
	cJSON *root = cJSON_ParseWithLengthOpts(t->body.data, t->body.len, &end, 0);
	if (root && end)
		end += strspn(end, " \t\r\n");
	if (!root || end != t->body.data + t->body.len || !cJSON_IsObject(root)) {
		set_message(t, out, "%s", !root || end != t->body.data + t->body.len
			    ? "malformed JSON in the response body" : "the response body is not a JSON object");
		cJSON_Delete(root);
		return MQ_EUPSTREAM;
	}
	out->json = root;
	return MQ_OK;
}

static verdict judge(mq_tmdb *t, CURLcode cc, mq_tmdb_result *out)
{
	verdict v = { MQ_EUPSTREAM, 0, -1 };
	long status = 0;
	int code = 0, has_envelope = 0;
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	out->http_status = status;
	out->tmdb_code = 0;
	out->message[0] = '\0';
	if (cc != CURLE_OK)
		return transport_failure(t, cc, out);
	if (status >= 200 && status <= 299) {
		v.rc = parse_body(t, out);
		return v;
	}
	if (t->body.len) {
		cJSON *root = cJSON_ParseWithLength(t->body.data, t->body.len);
		const char *msg = NULL;
		if (root && !envelope(root, &code, &msg)) {
			has_envelope = 1;
			out->tmdb_code = code;
			set_message(t, out, "%s", msg);
		}
		cJSON_Delete(root);
	}
	if (!has_envelope)
		set_message(t, out, "HTTP %ld without TMDB's error body", status);
	switch (status) {
	case 400:
	case 422:
		v.rc = MQ_EINVAL;
		break;
	case 401:
		v.rc = MQ_EUNAVAIL;
		break;
	case 404:
		/* a 404 without TMDB's envelope is not TMDB saying "no such thing" */
		v.rc = has_envelope ? MQ_ENOTFOUND : MQ_EUPSTREAM;
		break;
	case 429:
		v.rc = MQ_ERATELIMIT;
		v.retry = 1;
		v.retry_after_ms = retry_after_ms(t->curl);
		break;
	case 503:
		v.rc = MQ_EUNAVAIL;
		v.retry = 1;
		break;
	case 504:
		v.rc = MQ_ETIMEOUT;
		v.retry = 1;
		break;
	default:
		v.retry = status >= 500 && status <= 599 && status != 501;
		break;
	}
	return v;
}

/* Full jitter: a random wait in [0, base·2^(failures−1)], the window at most MAX_BACKOFF_MS. */
static long backoff_ms(mq_tmdb *t, int failures)
{
	long window = t->backoff_base_ms;
	for (int i = 1; i < failures && window < MAX_BACKOFF_MS; i++)
		window *= 2;
	if (window > MAX_BACKOFF_MS)
		window = MAX_BACKOFF_MS;
	return window > 0 ? (long)(next_random(t) % (uint64_t)(window + 1)) : 0;
}

/* Counts one attempt's outcome (metrics.h). */
static void count_attempt(mq_err rc, int retrying)
{
	mq_metrics_tmdb(retrying ? "retry" : rc == MQ_OK ? "ok" : rc == MQ_ENOTFOUND ? "not_found" : "error");
}

static void log_failure(const char *path, mq_err rc, const mq_tmdb_result *out)
{
	if (rc == MQ_EUNAVAIL && out->http_status == 401)
		mq_log(MQ_LOG_ERROR, "tmdb_auth",
		       "TMDB rejected the credential (HTTP 401, code %d: %s): check TMDB_READ_TOKEN / "
		       "TMDB_API_KEY", out->tmdb_code, out->message);
	else if (rc == MQ_ENOTFOUND)
		mq_log(MQ_LOG_INFO, "tmdb_not_found", "GET %s: HTTP 404, code %d", path, out->tmdb_code);
	else
		mq_log(MQ_LOG_WARN, "tmdb_error", "GET %s: HTTP %ld, code %d: %s (%d attempt%s)", path,
		       out->http_status, out->tmdb_code, out->message, out->attempts,
		       out->attempts == 1 ? "" : "s");
}

mq_err mq_tmdb_get(mq_tmdb *t, const char *path, const char *const *query, mq_tmdb_result *out)
{
	mq_buf url = MQ_BUF_INIT;
	memset(out, 0, sizeof *out);
	mq_err rc = build_url(t, path, query, &url);
	if (rc != MQ_OK) {
		/* neither path nor query is logged: a caller that got it wrong may have put anything there */
		set_message(t, out, "bad TMDB request: path or query parameter refused");
		mq_log(MQ_LOG_WARN, "tmdb_request", "refused a TMDB request: bad path or query parameter");
		goto out;
	}
	for (;;) {
		sleep_seconds(mq_tmdb_limiter_reserve(t->limiter, monotonic_now()));
		prepare(t, mq_buf_cstr(&url));
		CURLcode cc = curl_easy_perform(t->curl);
		out->attempts++;
		verdict v = judge(t, cc, out);
		rc = v.rc;
		count_attempt(rc, v.retry && out->attempts < t->max_attempts);
		if (!v.retry || out->attempts >= t->max_attempts)
			break;
		long wait = v.retry_after_ms >= 0
			? (v.retry_after_ms < t->retry_after_cap_ms ? v.retry_after_ms : t->retry_after_cap_ms)
			: backoff_ms(t, out->attempts);
		mq_log(MQ_LOG_WARN, "tmdb_retry", "GET %s: HTTP %ld, code %d: %s (attempt %d of %d); "
		       "retrying in %ld ms", path, out->http_status, out->tmdb_code, out->message,
		       out->attempts, t->max_attempts, wait);
		sleep_seconds((double)wait / 1000.0);
	}
	if (rc != MQ_OK)
		log_failure(path, rc, out);
out:
	if (url.data)
		explicit_bzero(url.data, url.len); /* may hold api_key */
	mq_buf_free(&url);
	if (t->body.cap > 1024 * 1024)
		mq_buf_free(&t->body); /* a rare big body is not kept for the thread's lifetime */
	else
		mq_buf_reset(&t->body);
	return rc;
}

/* ---- many requests at once ---------------------------------------------------------------- */

/* One connection of mq_tmdb_get_many(): a client of its own (handle, body) and the job on it. */
typedef struct slot {
	mq_tmdb *c;
	enum { SLOT_IDLE, SLOT_WAITING, SLOT_RUNNING } state;
	int has_turn;           /* the limiter's slot is reserved: start at start_at */
	double start_at;        /* monotonic seconds */
	size_t job;
	mq_buf url;
	mq_tmdb_result res;
} slot;

static void slot_finish(slot *s)
{
	if (s->url.data)
		explicit_bzero(s->url.data, s->url.len); /* may hold api_key */
	mq_buf_free(&s->url);
	mq_buf_reset(&s->c->body);
	s->state = SLOT_IDLE;
}

mq_err mq_tmdb_get_many(mq_tmdb *t, const mq_tmdb_job *jobs, size_t n, int parallel, mq_tmdb_done done,
			void *ctx)
{
	if (parallel < 1)
		parallel = 1;
	if (parallel > 20)
		parallel = 20; /* TMDB's CDN allows about 20 connections per address */
	if ((size_t)parallel > n)
		parallel = n ? (int)n : 1;
	CURLM *multi = curl_multi_init();
	if (!multi)
		return MQ_EINTERNAL;
	slot *slots = mq_xcalloc((size_t)parallel, sizeof *slots);
	for (int i = 0; i < parallel; i++) {
		slots[i].c = mq_tmdb_new(t->cfg, t->limiter);
		if (!slots[i].c) {
			for (int k = 0; k < i; k++)
				mq_tmdb_free(slots[k].c);
			free(slots);
			curl_multi_cleanup(multi);
			return MQ_EINTERNAL;
		}
		mq_tmdb_set_timeouts(slots[i].c, t->connect_ms, t->total_ms);
		mq_tmdb_set_retry(slots[i].c, t->max_attempts, t->backoff_base_ms, t->retry_after_cap_ms);
	}
	size_t next = 0;
	int stop = 0;
	for (;;) {
		double now = monotonic_now(), wake = now + 1.0;
		int busy = 0;
		for (int i = 0; i < parallel; i++) {
			slot *s = &slots[i];
			while (s->state == SLOT_IDLE && !stop && next < n) {
				s->job = next++;
				memset(&s->res, 0, sizeof s->res);
				mq_err rc = build_url(s->c, jobs[s->job].path, jobs[s->job].query, &s->url);
				if (rc == MQ_OK) {
					s->state = SLOT_WAITING;
					s->has_turn = 0;
					s->start_at = now;
					break;
				}
				set_message(s->c, &s->res, "bad TMDB request: path or query parameter refused");
				mq_log(MQ_LOG_WARN, "tmdb_request", "refused a TMDB request: bad path or query parameter");
				slot_finish(s);
				stop = done(&jobs[s->job], rc, &s->res, ctx);
				mq_tmdb_result_clear(&s->res);
			}
			if (s->state == SLOT_WAITING && s->start_at <= now && !s->has_turn) {
				s->has_turn = 1;
				s->start_at = now + mq_tmdb_limiter_reserve(t->limiter, now);
			}
			if (s->state == SLOT_WAITING && s->start_at <= now) {
				prepare(s->c, mq_buf_cstr(&s->url));
				curl_multi_add_handle(multi, s->c->curl);
				s->state = SLOT_RUNNING;
				s->res.attempts++;
			}
			if (s->state == SLOT_WAITING && s->start_at < wake)
				wake = s->start_at;
			busy += s->state != SLOT_IDLE;
		}
		if (!busy || stop)
			break;
		int running = 0, finished = 0;
		curl_multi_perform(multi, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			slot *s = NULL;
			for (int i = 0; i < parallel && !s; i++)
				if (slots[i].state == SLOT_RUNNING && slots[i].c->curl == msg->easy_handle)
					s = &slots[i];
			CURLcode cc = msg->data.result;
			curl_multi_remove_handle(multi, msg->easy_handle);
			if (!s)
				continue;
			finished++;
			const mq_tmdb_job *job = &jobs[s->job];
			verdict v = judge(s->c, cc, &s->res);
			count_attempt(v.rc, v.retry && s->res.attempts < t->max_attempts);
			if (v.retry && s->res.attempts < t->max_attempts) {
				long wait = v.retry_after_ms >= 0
					? (v.retry_after_ms < t->retry_after_cap_ms ? v.retry_after_ms : t->retry_after_cap_ms)
					: backoff_ms(t, s->res.attempts);
				mq_log(MQ_LOG_WARN, "tmdb_retry", "GET %s: HTTP %ld, code %d: %s (attempt %d of %d); "
				       "retrying in %ld ms", job->path, s->res.http_status, s->res.tmdb_code,
				       s->res.message, s->res.attempts, t->max_attempts, wait);
				mq_tmdb_result_clear(&s->res);
				s->state = SLOT_WAITING;
				s->has_turn = 0;
				s->start_at = monotonic_now() + (double)wait / 1000.0;
				continue;
			}
			if (v.rc != MQ_OK)
				log_failure(job->path, v.rc, &s->res);
			slot_finish(s);
			if (!stop)
				stop = done(job, v.rc, &s->res, ctx);
			mq_tmdb_result_clear(&s->res);
		}
		if (finished)
			continue; /* slots are free or waiting anew: hand out work before sleeping */
		double until = wake - monotonic_now();
		int timeout_ms = until <= 0 ? 0 : until > 1.0 ? 1000 : (int)(until * 1000) + 1;
		if (running || timeout_ms > 0)
			curl_multi_poll(multi, NULL, 0, timeout_ms, NULL);
	}
	for (int i = 0; i < parallel; i++) {
		if (slots[i].state == SLOT_RUNNING)
			curl_multi_remove_handle(multi, slots[i].c->curl);
		if (slots[i].state != SLOT_IDLE)
			slot_finish(&slots[i]);
		mq_tmdb_result_clear(&slots[i].res);
		mq_tmdb_free(slots[i].c);
	}
	free(slots);
	curl_multi_cleanup(multi);
	return MQ_OK;
}

/* ---- readers ----------------------------------------------------------------------------- */

double mq_tmdb_number(const cJSON *obj, const char *key, double fallback)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : fallback;
}

int mq_tmdb_valid_id(double id)
{
	return id >= 1 && id <= 2147483647 && id == floor(id);
}

const char *mq_tmdb_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	return cJSON_IsString(v) && v->valuestring && v->valuestring[0] ? v->valuestring : NULL;
}

/* The number of n digits at s, within [min, max]; -1 otherwise. */
static int digits(const char *s, int n, int min, int max)
{
	char tmp[5];
	long long v;
	if (strspn(s, "0123456789") < (size_t)n)
		return -1;
	memcpy(tmp, s, (size_t)n);
	tmp[n] = '\0';
	return mq_parse_int(tmp, min, max, &v) ? -1 : (int)v;
}

int mq_tmdb_year(const char *d)
{
	/* "YYYY", or "YYYY-MM-DD" alone or followed by a time ("T…" or " …") */
	if (!d || strspn(d, "0123456789") != 4)
		return 0;
	int year = digits(d, 4, 1, 9999);
	if (year < 0)
		return 0;
	if (!d[4])
		return year;
	if (d[4] != '-' || digits(d + 5, 2, 1, 12) < 0 || d[7] != '-' || digits(d + 8, 2, 1, 31) < 0
	    || strspn(d + 8, "0123456789") != 2 || (d[10] && d[10] != 'T' && d[10] != ' '))
		return 0;
	return year;
}

void mq_tmdb_image_url(const char *secure_base, const char *size, const char *path, mq_buf *out)
{
	if (!secure_base || !*secure_base)
		secure_base = DEFAULT_IMAGE_BASE;
	if (!size || !*size)
		size = "original";
	if (!path || !*path || !only_chars(path, IMAGE_CHARS) || strstr(path, "..")
	    || !only_chars(size, ALNUM)
	    || (strncmp(secure_base, "https://", 8) && strncmp(secure_base, "http://", 7))
	    || has_control(secure_base))
		return;
	mq_buf_puts(out, secure_base);
	if (secure_base[strlen(secure_base) - 1] != '/')
		mq_buf_putc(out, '/');
	mq_buf_puts(out, size);
	if (path[0] != '/')
		mq_buf_putc(out, '/');
	mq_buf_puts(out, path);
}
