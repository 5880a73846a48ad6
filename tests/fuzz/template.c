/* template.c — fuzzes the Mustache engine: the input up to the first NUL is a template, the rest
 * the JSON data it is rendered with (a fixed document when that is not JSON). */
#include "core/buf.h"
#include "core/template.h"
#include "fuzz.h"

#include <cjson/cJSON.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	cJSON *model = nul ? cJSON_ParseWithLength(nul + 1, size - tlen - 1) : NULL;
	if (!model)
		model = cJSON_Parse("{\"title\":\"<b>&\",\"items\":[{\"n\":1},{\"n\":2}],\"on\":true,\"none\":[]}");
	mq_tmpl_set *set = mq_tmpl_set_new();
	mq_buf out = MQ_BUF_INIT, err = MQ_BUF_INIT;
	if (mq_tmpl_set_add(set, "partial", "[{{title}}]", 11, &err) == 0 && mq_tmpl_set_add(set, "page", text, tlen, &err) == 0)
		(void)mq_tmpl_render(set, "page", model, &out, &err);
	mq_buf_free(&out);
	mq_buf_free(&err);
	mq_tmpl_set_free(set);
	cJSON_Delete(model);
	return 0;
}
