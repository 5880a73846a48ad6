/* allow.h — the methods the API description (static/openapi.json under TEMPLATE_DIR) lists for a
 * path: the Allow header of the 405 that nginx gives itself (TRACE is refused before any worker
 * sees it), so that it names the target resource's methods as RFC 9110 asks.
 *
 * The description is read once per process, on first use; the route tables and the description
 * are kept in step by tests/blackbox/test_openapi.py. */
#ifndef MQ_ALLOW_H
#define MQ_ALLOW_H

/* The methods of API path (with or without /api/v1 or /api in front, query ignored) as a bit set
 * of MQ_GET, MQ_POST, … (HEAD with GET); 0 when the description has no such path or cannot be
 * read (template_dir: where static/openapi.json is). */
unsigned mq_allow_methods(const char *template_dir, const char *path);

#endif
