/* messages.h — the message catalogue: every string a person reads on a page, once per language.
 *
 * templates/messages/<lang>.json holds one object per language ("en", "fa") of texts grouped by
 * page: {"login": {"title": "Log in", …}, "common": {…}}; a text's key is its dotted path,
 * "login.title". Both files must hold the same keys, so no page is half translated: loading
 * refuses a catalogue where they differ. Pages reach a language's catalogue as {{m.login.title}}
 * (mq_reply_page puts it under "m"), C code through mq_message(). The JSON API keeps its English,
 * machine-readable messages and never uses this.
 *
 * Threads: loaded by one thread at start; read-only afterwards.
 */
#ifndef MQ_MESSAGES_H
#define MQ_MESSAGES_H

#include "core/buf.h"

#include <cjson/cJSON.h>

typedef struct mq_messages mq_messages;

/* The languages, in the order their files are read. */
#define MQ_LANGS { "en", "fa" }

/* Reads dir/en.json and dir/fa.json. Returns the catalogue (free with mq_messages_free), or NULL
 * with err set to the first problem: a file missing or not an object of texts and groups of them,
 * or a key one language has and the other lacks. */
mq_messages *mq_messages_load(const char *dir, mq_buf *err);
void mq_messages_free(mq_messages *m);

/* The catalogue of lang ("fa", else English) as one object, for templates; borrowed. */
const cJSON *mq_messages_of(const mq_messages *m, const char *lang);

/* The text of the dotted key in lang (English when lang is not "fa"); the key itself when the catalogue has
 * no such key (logged: a missing key is a bug the catalogue test catches). Borrowed. */
const char *mq_message(const mq_messages *m, const char *lang, const char *key);
/* The same without the log and the fallback: NULL when the catalogue has no such key (for keys
 * made from data, such as a field's label "fields.<name>", which may not exist). Borrowed. */
const char *mq_message_find(const mq_messages *m, const char *lang, const char *key);

/* Appends text to out with each placeholder "{name}" replaced by its value from params, a
 * NULL-terminated list of name, value pairs (values borrowed, already in the page's language:
 * digits through l10n.h). A placeholder params does not name is copied as it is; "{" not
 * starting a placeholder is plain text. Texts fill their placeholders in any order, so a
 * language may put the words where its grammar wants them ("Page {page} of {total}"). */
void mq_message_fill(mq_buf *out, const char *text, const char *const *params);

#endif
