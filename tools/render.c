/* render.c — marquee-render: renders one Mustache template with JSON data to stdout. */
#include "core/buf.h"
#include "core/log.h"
#include "core/template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define MAX_DATA (64 * 1024 * 1024) /* largest DATA.json accepted */

static const char usage[] = "usage: marquee-render TEMPLATE.mustache DATA.json [PARTIALS_DIR]";

/* Prints "marquee-render: msg" as exactly one line, control characters shown as '?'. */
static void complain(const char *msg)
{
	fputs("marquee-render: ", stderr);
	for (const char *p = msg; *p; p++)
		fputc((unsigned char)*p < ' ' || *p == 0x7f ? '?' : *p, stderr);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	mq_buf src = MQ_BUF_INIT, json = MQ_BUF_INIT, out = MQ_BUF_INIT, err = MQ_BUF_INIT;
	mq_tmpl_set *set = NULL;
	cJSON *data = NULL;
	const char *end = NULL;
	int rc = 1;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("%s\n\nCompiles TEMPLATE.mustache and every *.mustache file under PARTIALS_DIR (named\n"
		       "by their path relative to it without the extension, e.g. partials/header), then\n"
		       "renders the template with DATA.json to standard output.\n", usage);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		complain(usage);
		return 2;
	}

	set = mq_tmpl_set_new();
	if (argc == 4 && mq_tmpl_set_load_dir(set, argv[3], &err))
		goto out;
	/* Named by its path: messages read "path:line: problem", and no partial name ends in .mustache. */
	if (mq_buf_read_file(&src, argv[1], MQ_TMPL_MAX_FILE, &err) ||
	    mq_tmpl_set_add(set, argv[1], src.data, src.len, &err))
		goto out;
	if (mq_buf_read_file(&json, argv[2], MAX_DATA, &err))
		goto out;
	data = cJSON_ParseWithLengthOpts(json.data, json.len + 1, &end, 1);
	if (!data) {
		mq_buf_printf(&err, "%s: invalid JSON at byte %zu", argv[2],
			      end ? (size_t)(end - json.data) : (size_t)0);
		goto out;
	}
	if (mq_tmpl_render(set, argv[1], data, &out, &err))
		goto out;
	if (fwrite(mq_buf_cstr(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		mq_buf_printf(&err, "writing output: %s", mq_strerror(errno).s);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		complain(mq_buf_cstr(&err));
	cJSON_Delete(data);
	mq_tmpl_set_free(set);
	mq_buf_free(&src);
	mq_buf_free(&json);
	mq_buf_free(&out);
	mq_buf_free(&err);
	return rc;
}
