/* messages.c — the message catalogue (see messages.h). */
#include "core/messages.h"

#include "core/log.h"
#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

enum { LANG_EN, LANG_FA, LANG_COUNT };

struct mq_messages {
	cJSON *lang[LANG_COUNT];
};

/* The key of the first member of o (at any depth) that is neither a string nor an object of
 * them, or NULL. */
static const char *only_strings(const cJSON *o)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, o) {
		if (cJSON_IsObject(item)) {
			const char *bad = only_strings(item);
			if (bad)
				return bad;
		} else if (!cJSON_IsString(item)) {
			return item->string;
		}
	}
	return NULL;
}

/* Reads path as an object of texts and groups of them; NULL with err set otherwise. */
static cJSON *read_catalogue(const char *path, mq_buf *err)
{
	mq_buf text = MQ_BUF_INIT;
	if (mq_buf_read_file(&text, path, 1 << 20, err)) {
		mq_buf_free(&text);
		return NULL;
	}
	cJSON *doc = cJSON_ParseWithLength(mq_buf_cstr(&text), text.len);
	mq_buf_free(&text);
	if (!cJSON_IsObject(doc)) {
		mq_buf_printf(err, "%s: not a JSON object", path);
		cJSON_Delete(doc);
		return NULL;
	}
	const char *bad = only_strings(doc);
	if (bad) {
		mq_buf_printf(err, "%s: \"%s\" is neither a text nor a group of them", path, bad);
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* Appends to err the dotted key of the first text a has that b lacks (prefix: a's own key);
 * returns whether it found one. */
static int missing_key(const cJSON *a, const cJSON *b, const char *prefix, mq_buf *err)
{
	const cJSON *item;
	cJSON_ArrayForEach(item, a) {
		const cJSON *other = cJSON_GetObjectItemCaseSensitive(b, item->string);
		if (!other || cJSON_IsObject(item) != cJSON_IsObject(other)) {
			mq_buf_printf(err, "%s%s", prefix, item->string);
			return 1;
		}
		if (cJSON_IsObject(item)) {
			mq_buf p = MQ_BUF_INIT;
			mq_buf_printf(&p, "%s%s.", prefix, item->string);
			int found = missing_key(item, other, mq_buf_cstr(&p), err);
			mq_buf_free(&p);
			if (found)
				return 1;
		}
	}
	return 0;
}

mq_messages *mq_messages_load(const char *dir, mq_buf *err)
{
	static const char *const names[LANG_COUNT] = MQ_LANGS;
	mq_messages *m = mq_xcalloc(1, sizeof *m);
	for (int i = 0; i < LANG_COUNT; i++) {
		mq_buf path = MQ_BUF_INIT;
		mq_buf_printf(&path, "%s/%s.json", dir, names[i]);
		m->lang[i] = read_catalogue(mq_buf_cstr(&path), err);
		mq_buf_free(&path);
		if (!m->lang[i]) {
			mq_messages_free(m);
			return NULL;
		}
	}
	for (int i = 0; i < LANG_COUNT; i++) {
		mq_buf key = MQ_BUF_INIT;
		if (missing_key(m->lang[i], m->lang[1 - i], "", &key)) {
			mq_buf_printf(err, "%s/%s.json lacks \"%s\", which %s.json has", dir, names[1 - i],
				      mq_buf_cstr(&key), names[i]);
			mq_buf_free(&key);
			mq_messages_free(m);
			return NULL;
		}
		mq_buf_free(&key);
	}
	return m;
}

void mq_messages_free(mq_messages *m)
{
	if (!m)
		return;
	for (int i = 0; i < LANG_COUNT; i++)
		cJSON_Delete(m->lang[i]);
	free(m);
}

const cJSON *mq_messages_of(const mq_messages *m, const char *lang)
{
	return m ? m->lang[lang && !strcmp(lang, "fa") ? LANG_FA : LANG_EN] : NULL;
}

const char *mq_message_find(const mq_messages *m, const char *lang, const char *key)
{
	const cJSON *node = mq_messages_of(m, lang);
	for (const char *p = key; node && p;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		const cJSON *next = NULL, *item;
		cJSON_ArrayForEach(item, node) {
			if (strlen(item->string) == n && !memcmp(item->string, p, n)) {
				next = item;
				break;
			}
		}
		node = next;
		p = dot ? dot + 1 : NULL;
	}
	return cJSON_IsString(node) ? node->valuestring : NULL;
}

const char *mq_message(const mq_messages *m, const char *lang, const char *key)
{
	const char *text = mq_message_find(m, lang, key);
	if (text)
		return text;
	mq_log(MQ_LOG_ERROR, "messages", "no message \"%s\"", key);
	return key;
}

void mq_message_fill(mq_buf *out, const char *text, const char *const *params)
{
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		if (!open) {
			mq_buf_puts(out, p);
			return;
		}
		mq_buf_append(out, p, (size_t)(open - p));
		const char *close = strchr(open + 1, '}');
		size_t n = close ? (size_t)(close - open - 1) : 0;
		const char *value = NULL;
		for (const char *const *kv = params; close && kv && kv[0] && kv[1]; kv += 2)
			if (strlen(kv[0]) == n && !memcmp(kv[0], open + 1, n)) {
				value = kv[1];
				break;
			}
		if (value) {
			mq_buf_puts(out, value);
			p = close + 1;
		} else {
			mq_buf_putc(out, '{');
			p = open + 1;
		}
	}
}
