/* template.h — Mustache templates compiled once per process and rendered from cJSON data.
 *
 * Supported (mustache/spec: interpolation, sections, inverted, comments, partials): {{name}}
 * (HTML-escaped through mq_buf_html), {{{name}}} and {{&name}} (raw), dotted names and {{.}},
 * {{#section}}, {{^inverted}}, {{! comments }}, {{> partials}} with standalone-line removal and
 * standalone partial indentation. Not supported, and a compile error: set-delimiter tags {{=...=}}.
 * Lambdas, inheritance and dynamic names do not exist here.
 *
 * Values: strings as they are; numbers in their shortest round-tripping form (85, 1.21); true as
 * "true"; false, null, missing names, arrays and objects as "". Sections skip false, null, missing
 * and empty arrays, iterate non-empty arrays and render once, with the value pushed, otherwise.
 *
 * Threads: a set is built (add, load_dir) by one thread before use; after that any number of
 * threads may call mq_tmpl_render and mq_tmpl_exists on it at once, since they only read it.
 */
#ifndef MQ_TEMPLATE_H
#define MQ_TEMPLATE_H

#include "core/buf.h"

#include <stddef.h>

#include <cjson/cJSON.h>

/* Partials nest at most this deep during one render; deeper is a render error. */
#define MQ_TMPL_MAX_DEPTH 32
/* Templates loaded from files are at most this large. */
#define MQ_TMPL_MAX_FILE (1024 * 1024)

typedef struct mq_tmpl_set mq_tmpl_set;

/* Returns an empty set the caller owns and frees with mq_tmpl_set_free(). */
mq_tmpl_set *mq_tmpl_set_new(void);
/* Frees the set and every template in it; accepts NULL. */
void mq_tmpl_set_free(mq_tmpl_set *set);

/* Compiles src (len bytes, need not be NUL-terminated; borrowed, copied as needed) under name
 * (borrowed, copied). Replaces a template of the same name. Returns 0, or -1 with err (may be NULL)
 * set to "name:line: problem"; on failure the set is unchanged. */
int mq_tmpl_set_add(mq_tmpl_set *set, const char *name, const char *src, size_t len, mq_buf *err);

/* Adds every *.mustache file under dir (recursively, in sorted order, skipping names that start
 * with '.'), each named by its path relative to dir without ".mustache": "home", "partials/header".
 * Returns 0, or -1 with err set to the first problem ("path:line: problem" for compile errors).
 * Templates added before the failing file stay in the set. */
int mq_tmpl_set_load_dir(mq_tmpl_set *set, const char *dir, mq_buf *err);

/* Renders template name with data (borrowed; any cJSON value, NULL renders as an empty context),
 * appending to out. Returns 0, or -1 with err set when the template does not exist or partials
 * nest deeper than MQ_TMPL_MAX_DEPTH; on failure out is left as it was before the call.
 * A partial that does not exist renders as "" (spec). */
int mq_tmpl_render(const mq_tmpl_set *set, const char *name, const cJSON *data, mq_buf *out, mq_buf *err);

/* Returns 1 when the set holds a template called name, else 0. */
int mq_tmpl_exists(const mq_tmpl_set *set, const char *name);

#endif
