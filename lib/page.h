/* page.h — server-rendered pages: a template rendered into the base layout.
 *
 * Every page gets the same top-level values besides its own: site name, language and direction
 * (Persian pages are right-to-left), theme, the signed-in user, the year. Rendering escapes every
 * substitution unless a template marks it raw ({{{content}}} in the layout).
 */
#ifndef MQ_PAGE_H
#define MQ_PAGE_H

#include "http.h"

#include <cjson/cJSON.h>

/* Renders templates/<name>.mustache with data (taken over) inside templates/layout.mustache;
 * title is the page's <title> prefix. A rendering failure becomes a logged 500. */
void mq_reply_page(mq_req *req, mq_res *res, int status, const char *name, const char *title,
		   cJSON *data);

/* The language a page is shown in: the mq_lang cookie, else Accept-Language, else "en". */
const char *mq_page_language(const mq_req *req);

#endif
