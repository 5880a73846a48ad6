/* upload.c — image uploads (see upload.h). */
#include "web/upload.h"
#include "core/multipart.h"
#include "web/ctx.h"
#include "web/media.h"
#include "web/response.h"

mq_err mq_upload_image_store(mq_req *req, const char *field, const char *kind, const char *what,
			     char *url, size_t url_size)
{
	const char *boundary = mq_multipart_boundary(req->arena, mq_req_param(req, "CONTENT_TYPE"));
	if (!boundary) {
		mq_req_error(req, "send the image as multipart/form-data in a field named %s", field);
		return MQ_EMEDIATYPE;
	}
	mq_part parts[MQ_MULTIPART_MAX_PARTS];
	size_t n = 0;
	if (mq_multipart_parse(req->arena, boundary, req->body, req->body_len, parts, &n) != MQ_OK) {
		mq_req_error(req, "the multipart body is malformed");
		return MQ_EINVAL;
	}
	const mq_part *file = mq_multipart_find(parts, n, field);
	if (!file || !file->len) {
		mq_req_error(req, "the field %s with an image file is required", field);
		return MQ_EINVAL;
	}
	if (file->len > MQ_IMAGE_MAX_BYTES) {
		mq_req_error(req, "%s may be at most %d bytes", what, MQ_IMAGE_MAX_BYTES);
		return MQ_ETOOLARGE;
	}
	const char *ext = mq_image_type(file->data, file->len);
	if (!ext) {
		mq_req_error(req, "%s must be a PNG, JPEG or WebP image", what);
		return MQ_EMEDIATYPE;
	}
	return mq_media_store(mq_ctx_of(req)->cfg->media_dir, kind, ext, file->data, file->len, url, url_size);
}

int mq_upload_image(mq_req *req, mq_res *res, const char *field, const char *kind, const char *what,
		    char *url, size_t url_size)
{
	mq_err rc = mq_upload_image_store(req, field, kind, what, url, url_size);
	if (rc == MQ_OK)
		return 0;
	const char *message = NULL;
	if (rc == MQ_ESTORAGE)
		message = "Cannot store the image: the server is out of storage space";
	else if (rc != MQ_EINVAL && rc != MQ_EMEDIATYPE && rc != MQ_ETOOLARGE)
		message = "Cannot store the image: the server's media directory is not writable";
	mq_reply_err(req, res, rc, message);
	return -1;
}
